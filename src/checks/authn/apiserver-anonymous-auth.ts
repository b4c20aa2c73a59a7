import { defineCheck } from '../registry.js';
import { arr, bool, rec, str } from '../../model/document.js';
import { componentsOf, documentLine, evidenceFor, evidenceForFile, flag, hostOf, isFalse } from '../../model/effective.js';
import { authorizerChain } from '../rbac/authorizers.js';
import { authenticationConfigOf } from './jwt-authenticators.js';

/** Paths a load balancer or kubelet probe needs without credentials. */
const HEALTH_PATHS = ['/livez', '/readyz', '/healthz'];

export default defineCheck({
  id: 'authn/apiserver-anonymous-auth',
  practice: 'authn',
  severity: 'medium',
  cis: ['1.2.1'],
  title: 'API server accepts anonymous requests on every path',
  why: 'With anonymous authentication on (the default), any request without credentials runs as system:anonymous in group system:unauthenticated; a single careless RoleBinding to either (or to system:public-info-viewer-style roles widened later) exposes the API to the whole network. From 1.32 anonymous access can be limited to health paths instead of all-or-nothing.',
  remediation: 'Set --anonymous-auth=false, or (1.32+) use --authentication-config with `anonymous: {enabled: true, conditions: [{path: /livez}, {path: /readyz}, {path: /healthz}]}` so health probes keep working.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-authenticator-configuration'],
  reads: 'kube-apiserver --anonymous-auth (default true), --authentication-config anonymous, the authorizer chain',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const chain = authorizerChain(cp, host, c);
      // authentication.go: AlwaysAllow in the chain turns anonymous auth off (rbac/always-allow reports it).
      if (chain.source !== 'unreadable' && chain.authorizers.some((a) => a.type === 'AlwaysAllow')) continue;
      const cfg = authenticationConfigOf(cp, host, c);
      const anonymous = rec(cfg?.document.anonymous);
      if (cfg && anonymous) {
        if (bool(anonymous.enabled) !== true) continue;
        const paths = arr(anonymous.conditions).map((x) => str(rec(x)?.path) ?? '');
        const extra = paths.filter((p) => !HEALTH_PATHS.includes(p));
        if (paths.length > 0 && extra.length === 0) continue;
        const field = paths.length ? 'anonymous.conditions' : 'anonymous.enabled';
        report({ component: c, host, evidence: evidenceForFile(cfg.file, { line: documentLine(cfg.file, field) ?? null, field, value: paths.join(',') || 'true' }), detail: paths.length ? `anonymous requests allowed on ${extra.join(', ')} besides health checks` : 'anonymous.enabled without conditions: every path' });
        continue;
      }
      const e = flag(cp, c, 'anonymous-auth');
      if (!isFalse(e)) report({ component: c, host, evidence: evidenceFor(c, e), detail: e.explicit ? `--anonymous-auth=${e.value}` : '--anonymous-auth unset (default true)' });
    }
  },
});
