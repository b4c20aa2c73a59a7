import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf, isFalse } from '../../model/effective.js';
import { DOCS, linkOf } from './common.js';

export default defineCheck({
  id: 'tls/apiserver-kubelet-https',
  practice: 'tls',
  severity: 'high',
  cis: [],
  title: 'API server calls kubelets over plain http (--kubelet-https=false)',
  why: 'Before 1.22 --kubelet-https=false made the API server dial kubelets over http: exec, attach, logs and port-forward streams, and whatever they carry, cross the network in clear and can be answered by anyone in the path. The flag was removed in 1.22; on a newer cluster its presence means the manifest is not what runs.',
  remediation: 'Remove --kubelet-https=false from kube-apiserver (kubeadm: /etc/kubernetes/manifests/kube-apiserver.yaml) and upgrade: releases before 1.22 are out of support.',
  references: [DOCS.nodeCommunication, DOCS.apiserver],
  reads: 'kube-apiserver --kubelet-https (default true, removed in 1.22)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const e = flag(cp, c, 'kubelet-https');
      if (isFalse(e)) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: 'kubelets are dialled over http', ...linkOf(cp, 'apiserver-kubelet', { from: c }) });
    }
  },
});
