import check from '../../../src/checks/rbac/always-allow.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

const authzConfig = (types: string[]) => ({
  document: { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AuthorizationConfiguration', authorizers: types.map((type) => ({ type, name: type.toLowerCase() })) },
  lines: Object.fromEntries(types.map((_, i) => [`authorizers.${i}.type`, 4 + 2 * i])),
});

testCheck(check, {
  valid: [
    { name: 'Node,RBAC', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,RBAC'])) },
    { name: 'space-separated flag value', cp: singleHost((h) => h.apiserver(['--authorization-mode', 'Node,RBAC'])) },
    {
      name: '--authorization-config with Node and RBAC (kube-bench 1.2.6 fails this falsely)',
      cp: singleHost((h) => h.apiserver(['--authorization-config=/etc/kubernetes/authz.yaml'], { version: 'v1.32.0' }).file('etc/kubernetes/authz.yaml', authzConfig(['Node', 'RBAC']))),
    },
    { name: 'unreadable authorization config is not judged', cp: singleHost((h) => h.apiserver(['--authorization-config=/etc/kubernetes/authz.yaml']).file('etc/kubernetes/authz.yaml', { error: 'yaml: line 3: bad indentation' })) },
  ],
  invalid: [
    {
      name: 'unset: the default is AlwaysAllow (Kubescape C-0118 passes this)',
      cp: singleHost((h) => h.apiserver(['--secure-port=6443'])),
      findings: [{ flag: '--authorization-mode', value: 'AlwaysAllow', source: 'default', detail: 'default AlwaysAllow' }],
    },
    { name: 'repeated flag accumulates: an earlier AlwaysAllow still counts', cp: singleHost((h) => h.apiserver(['--authorization-mode=AlwaysAllow', '--authorization-mode=Node,RBAC'])), findings: [{ flag: '--authorization-mode' }] },
    { name: 'explicit AlwaysAllow after RBAC', cp: singleHost((h) => h.apiserver(['--authorization-mode=RBAC,AlwaysAllow'])), findings: [{ flag: '--authorization-mode', line: 10 }] },
    {
      name: 'AlwaysAllow authorizer in --authorization-config',
      cp: singleHost((h) => h.apiserver(['--authorization-config=/etc/kubernetes/authz.yaml']).file('etc/kubernetes/authz.yaml', authzConfig(['RBAC', 'AlwaysAllow']))),
      findings: [{ file: 'etc/kubernetes/authz.yaml', line: 6, field: 'authorizers.1.type', value: 'AlwaysAllow' }],
    },
  ],
});
