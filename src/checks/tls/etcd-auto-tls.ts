import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf, isTrue } from '../../model/effective.js';
import { DOCS } from './common.js';

export default defineCheck({
  id: 'tls/etcd-auto-tls',
  practice: 'tls',
  severity: 'high',
  cis: ['2.3'],
  title: 'etcd serves clients with a self-signed auto-TLS certificate',
  why: 'With --auto-tls etcd generates a self-signed serving certificate that no CA vouches for: clients can only connect by skipping verification, so anyone in the path can pose as etcd and read or change every object of the cluster.',
  remediation: 'Remove --auto-tls (or set ETCD_AUTO_TLS=false) and configure --cert-file/--key-file with a certificate from the etcd CA (kubeadm: /etc/kubernetes/manifests/etcd.yaml).',
  references: [DOCS.etcd, 'https://etcd.io/docs/v3.5/op-guide/security/'],
  reads: 'etcd --auto-tls (flags, ETCD_* env, --config-file; default false)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'etcd')) {
      const e = flag(cp, c, 'auto-tls');
      if (isTrue(e)) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: 'auto-tls is on' });
    }
  },
});
