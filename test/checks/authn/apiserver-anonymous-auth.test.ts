import check from '../../../src/checks/authn/apiserver-anonymous-auth.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

const AUTHN = 'etc/kubernetes/authn.yaml';
const withAnonymous = (anonymous: Record<string, unknown>) =>
  singleHost((h) => h.apiserver(['--authorization-mode=Node,RBAC', '--authentication-config=/etc/kubernetes/authn.yaml'], { version: 'v1.32.0' }).file(AUTHN, { document: { apiVersion: 'apiserver.config.k8s.io/v1beta1', kind: 'AuthenticationConfiguration', anonymous }, lines: { 'anonymous.enabled': 4, 'anonymous.conditions': 5 } }));

testCheck(check, {
  valid: [
    { name: '--anonymous-auth=false', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,RBAC', '--anonymous-auth=false'])) },
    { name: 'structured: health paths only', cp: withAnonymous({ enabled: true, conditions: [{ path: '/livez' }, { path: '/readyz' }, { path: '/healthz' }] }) },
    { name: 'structured: disabled', cp: withAnonymous({ enabled: false }) },
    { name: 'AlwaysAllow turns anonymous auth off (rbac/always-allow reports that instead)', cp: singleHost((h) => h.apiserver([])) },
  ],
  invalid: [
    { name: 'unset: default true', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,RBAC'])), findings: [{ source: 'default', value: 'true', detail: 'default true' }] },
    { name: 'space-separated false is not a bare boolean: pflag reads --anonymous-auth as true', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,RBAC', '--anonymous-auth', 'false'])), findings: [{ value: 'true' }] },
    { name: 'structured: enabled on every path', cp: withAnonymous({ enabled: true }), findings: [{ file: AUTHN, line: 4, field: 'anonymous.enabled' }] },
    { name: 'structured: an API path besides health checks', cp: withAnonymous({ enabled: true, conditions: [{ path: '/healthz' }, { path: '/api/v1/namespaces' }] }), findings: [{ line: 5, detail: '/api/v1/namespaces' }] },
  ],
});
