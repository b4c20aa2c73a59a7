import check from '../../../src/checks/rbac/authorization-config.js';
import type { KubeconfigFacts } from '../../../src/model/control-plane.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

const AUTHZ = 'etc/kubernetes/authz.yaml';
const webhook = (extra: Record<string, unknown> = {}) => ({
  type: 'Webhook',
  name: 'opa',
  webhook: { timeout: '3s', subjectAccessReviewVersion: 'v1', failurePolicy: 'NoOpinion', connectionInfo: { type: 'KubeConfigFile', kubeConfigFile: '/etc/kubernetes/opa.conf' }, ...extra },
});
const config = (authorizers: unknown[]) => ({
  document: { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AuthorizationConfiguration', authorizers },
  lines: { 'authorizers.0.webhook.failurePolicy': 9, 'authorizers.0.webhook.connectionInfo.kubeConfigFile': 12 },
});
const kubeconfig = (server: string, insecureSkipTlsVerify = false): KubeconfigFacts => ({
  currentContext: 'opa',
  clusters: [{ name: 'opa', server, insecureSkipTlsVerify, caCertificates: [], line: 4 }],
  users: [],
  contexts: [{ name: 'opa', cluster: 'opa', user: 'apiserver' }],
});
const FLAG = '--authorization-config=/etc/kubernetes/authz.yaml';

testCheck(check, {
  valid: [
    { name: 'legacy flags only: nothing to judge here', cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,RBAC'])) },
    {
      name: 'webhook after Node/RBAC over verified https',
      cp: singleHost((h) => h.apiserver([FLAG], { version: 'v1.32.1' }).file(AUTHZ, config([{ type: 'Node', name: 'node' }, { type: 'RBAC', name: 'rbac' }, webhook({ failurePolicy: 'Deny' })])).file('etc/kubernetes/opa.conf', { kubeconfig: kubeconfig('https://opa.internal:8443') })),
    },
    {
      name: 'webhook first with Deny but scoped by matchConditions',
      cp: singleHost((h) => h.apiserver([FLAG]).file(AUTHZ, config([webhook({ failurePolicy: 'Deny', matchConditions: [{ expression: "!request.user.startsWith('system:')" }] }), { type: 'Node', name: 'node' }, { type: 'RBAC', name: 'rbac' }]))),
    },
  ],
  invalid: [
    {
      name: 'webhook kubeconfig over plain http',
      cp: singleHost((h) => h.apiserver([FLAG]).file(AUTHZ, config([webhook(), { type: 'Node', name: 'node' }, { type: 'RBAC', name: 'rbac' }])).file('etc/kubernetes/opa.conf', { kubeconfig: kubeconfig('http://opa.internal:8080') })),
      findings: [{ severity: 'high', file: 'etc/kubernetes/opa.conf', line: 4, detail: 'plain http' }],
    },
    {
      name: 'insecure-skip-tls-verify',
      cp: singleHost((h) => h.apiserver([FLAG]).file(AUTHZ, config([{ type: 'Node', name: 'node' }, { type: 'RBAC', name: 'rbac' }, webhook()])).file('etc/kubernetes/opa.conf', { kubeconfig: kubeconfig('https://opa.internal', true) })),
      findings: [{ severity: 'high', detail: 'insecure-skip-tls-verify' }],
    },
    {
      name: 'Deny webhook before Node/RBAC without matchConditions',
      cp: singleHost((h) => h.apiserver([FLAG]).file(AUTHZ, config([webhook({ failurePolicy: 'Deny' }), { type: 'Node', name: 'node' }, { type: 'RBAC', name: 'rbac' }]))),
      findings: [{ severity: 'medium', file: AUTHZ, line: 9, value: 'Deny' }],
    },
    {
      name: 'legacy --authorization-mode beside the config',
      cp: singleHost((h) => h.apiserver([FLAG, '--authorization-mode=Node,RBAC']).file(AUTHZ, config([{ type: 'Node', name: 'node' }, { type: 'RBAC', name: 'rbac' }]))),
      findings: [{ severity: 'medium', flag: '--authorization-mode' }],
    },
    {
      name: 'the flag does not exist before 1.29',
      cp: singleHost((h) => h.apiserver([FLAG], { version: 'v1.28.4' }).file(AUTHZ, config([{ type: 'Node', name: 'node' }]))),
      findings: [{ severity: 'medium', flag: '--authorization-config', detail: 'before Kubernetes 1.29' }],
    },
    {
      name: 'config file missing',
      cp: singleHost((h) => h.apiserver([FLAG]).file(AUTHZ, { exists: false })),
      findings: [{ severity: 'medium', detail: 'does not exist' }],
    },
  ],
});
