import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf, isTrue } from '../../model/effective.js';
import { isLoopbackHost as isLoopback } from '../../model/graph-build.js';
import { boundUrls } from './urls.js';

export default defineCheck({
  id: 'etcd/client-cert-auth',
  practice: 'etcd',
  severity: 'critical',
  cis: ['2.2'],
  title: 'etcd serves clients without requiring a client certificate',
  why: 'Access to etcd is root on the cluster: it holds every Secret (in clear text unless encryption at rest is on) and every RBAC object. Without --client-cert-auth (default false) etcd answers anyone who reaches its client port; Kubernetes does not use etcd\'s own user authentication, so the client certificate is the only gate.',
  remediation: 'Set --client-cert-auth=true and --trusted-ca-file to a CA used only for etcd; give the API server a client certificate from that CA (--etcd-certfile/--etcd-keyfile).',
  references: ['https://etcd.io/docs/v3.6/op-guide/security/', 'https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#securing-etcd-clusters'],
  reads: 'etcd --client-cert-auth (ETCD_CLIENT_CERT_AUTH, config file client-transport-security; default false), --listen-client-urls',
  run(cp, report) {
    for (const c of componentsOf(cp, 'etcd')) {
      const e = flag(cp, c, 'client-cert-auth');
      if (isTrue(e)) continue;
      const exposed = boundUrls(flag(cp, c, 'listen-client-urls').value).filter((u) => !isLoopback(u.host));
      report({
        component: c,
        host: hostOf(cp, c),
        severity: exposed.length ? 'critical' : 'high',
        evidence: evidenceFor(c, e),
        detail: exposed.length ? `no client certificate required on ${exposed.map((u) => u.url).join(', ')}` : 'no client certificate required (listening on loopback only: any local process or pod with host networking can read everything)',
      });
    }
  },
});
