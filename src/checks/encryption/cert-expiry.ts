import { defineCheck } from '../registry.js';
import { scanTime } from '../tls/bootstrap-common.js';
import { certificatesOn, label } from './certificates.js';

const DAY_MS = 86_400_000;
const SOON_DAYS = 30;

export default defineCheck({
  id: 'encryption/cert-expiry',
  practice: 'encryption',
  severity: 'high',
  cis: [],
  title: 'Certificate expired or expiring within 30 days',
  why: 'An expired certificate breaks the connection it secures: API server to etcd or kubelets, components to the API server, administrators\' kubeconfigs; an expired CA breaks every certificate under it. Outages from expiry are what pushes people to long-lived certificates and disabled verification. Rotation has to happen before the date, not after.',
  remediation: 'Renew now (`kubeward pki renew`, or `kubeadm certs renew all` and restart the static pods); enable kubelet client and serving certificate rotation; plan CA rotation well ahead of the CA\'s expiry.',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/kubeadm/kubeadm-certs/'],
  reads: 'notAfter of every certificate in PEM files and kubeconfigs on every host, against the scan time',
  run(cp, report) {
    const now = scanTime(cp);
    for (const host of cp.hosts) {
      for (const f of certificatesOn(host)) {
        const left = (Date.parse(f.cert.notAfter) - now) / DAY_MS;
        if (Number.isNaN(left)) continue;
        const what = f.cert.isCA ? 'CA certificate' : 'certificate';
        if (left < 0) report({ component: f.file.path.split('/').at(-1) ?? f.file.path, host, severity: 'critical', evidence: f.evidence, detail: `${label(f)}: ${what} expired ${f.cert.notAfter.slice(0, 10)}` });
        else if (left <= SOON_DAYS) report({ component: f.file.path.split('/').at(-1) ?? f.file.path, host, evidence: f.evidence, detail: `${label(f)}: ${what} expires ${f.cert.notAfter.slice(0, 10)} (in ${Math.floor(left)} days)` });
      }
    }
  },
});
