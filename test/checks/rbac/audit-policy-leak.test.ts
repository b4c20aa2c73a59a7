import check from '../../../src/checks/rbac/audit-policy-leak.js';
import { testCheck } from '../../helpers/check-tester.js';
import { POLICY_PATH, PRODUCTION_RULES, withPolicy } from './audit-policy-fixtures.js';

testCheck(check, {
  valid: [
    { name: 'upstream production policy: sensitive resources at Metadata before the RequestResponse rules', cp: withPolicy(PRODUCTION_RULES) },
    { name: 'Metadata catch-all only', cp: withPolicy([{ level: 'Metadata' }]) },
    { name: 'secrets at None for a single user, then Metadata', cp: withPolicy([{ level: 'None', users: ['system:kube-controller-manager'], resources: [{ group: '', resources: ['secrets'] }] }, { level: 'Metadata' }]) },
    { name: 'RequestResponse for secrets in another group does not match core secrets', cp: withPolicy([{ level: 'RequestResponse', resources: [{ group: 'example.com', resources: ['secrets'] }] }, { level: 'Metadata' }]) },
  ],
  invalid: [
    {
      name: 'first-match: a broad RequestResponse rule before the Metadata rule for secrets decides (Kubescape C-0161 passes this)',
      cp: withPolicy([{ level: 'RequestResponse', resources: [{ group: '' }] }, { level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] }, { group: 'authentication.k8s.io', resources: ['tokenreviews'] }] }, { level: 'Metadata' }]),
      findings: [
        { file: POLICY_PATH, line: 10, value: 'RequestResponse', detail: 'secrets: rule 0' },
        { line: 10, detail: 'configmaps: rule 0' },
        { line: 10, detail: 'serviceaccounts/token: rule 0' },
      ],
    },
    {
      name: 'catch-all at RequestResponse logs every payload',
      cp: withPolicy([{ level: 'RequestResponse' }]),
      findings: [{ detail: 'secrets' }, { detail: 'configmaps' }, { detail: 'serviceaccounts/token' }, { detail: 'tokenreviews' }],
    },
    {
      name: 'wildcard "*" resource at Request, limited to writes: partial match still leaks',
      cp: withPolicy([{ level: 'Metadata', resources: [{ group: 'authentication.k8s.io', resources: ['tokenreviews'] }] }, { level: 'Request', verbs: ['create', 'update'], resources: [{ group: '', resources: ['*'] }] }, { level: 'Metadata' }]),
      findings: [
        { line: 15, value: 'Request', detail: 'secrets: rule 1 is the first to match (for some requests)' },
        { line: 15, detail: 'configmaps' },
        { line: 15, detail: 'serviceaccounts/token' },
      ],
    },
    {
      name: 'group "*" and "serviceaccounts/*"',
      cp: withPolicy([{ level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps'] }] }, { level: 'RequestResponse', resources: [{ group: '*', resources: ['serviceaccounts/*', 'tokenreviews'] }] }]),
      findings: [{ line: 15, detail: 'serviceaccounts/token' }, { line: 15, detail: 'tokenreviews' }],
    },
  ],
});
