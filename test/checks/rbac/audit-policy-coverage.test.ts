import check from '../../../src/checks/rbac/audit-policy-coverage.js';
import { testCheck } from '../../helpers/check-tester.js';
import { POLICY_PATH, PRODUCTION_RULES, withPolicy } from './audit-policy-fixtures.js';

testCheck(check, {
  valid: [
    { name: 'upstream production policy', cp: withPolicy(PRODUCTION_RULES) },
    { name: 'Metadata catch-all only', cp: withPolicy([{ level: 'Metadata' }]) },
    { name: 'v1beta1 before 1.24 still loads', cp: withPolicy([{ level: 'Metadata' }], { apiVersion: 'audit.k8s.io/v1beta1' }, 'v1.23.5') },
  ],
  invalid: [
    {
      name: 'only secrets listed: everything else falls through to None, no catch-all',
      cp: withPolicy([{ level: 'Metadata', resources: [{ group: '', resources: ['secrets'] }] }]),
      findings: [
        { detail: 'configmaps: no rule matches' },
        { detail: 'serviceaccounts/token' },
        { detail: 'tokenreviews' },
        { detail: 'pods/exec' },
        { detail: 'pods/attach' },
        { detail: 'pods/portforward' },
        { detail: 'pods/proxy' },
        { detail: 'services/proxy' },
        { detail: 'nodes/proxy' },
        { detail: 'writes to pods' },
        { detail: 'writes to deployments.apps' },
        { detail: 'writes to roles.rbac' },
        { detail: 'writes to rolebindings.rbac' },
        { detail: 'writes to clusterroles.rbac' },
        { detail: 'writes to clusterrolebindings.rbac' },
        { detail: 'validatingwebhookconfigurations' },
        { detail: 'mutatingwebhookconfigurations' },
        { detail: 'certificatesigningrequests/approval' },
        { severity: 'low', field: 'rules', detail: 'no catch-all' },
      ],
    },
    {
      name: 'an early None rule for all pod subresources silences exec (first match)',
      cp: withPolicy([{ level: 'None', resources: [{ group: '', resources: ['pods/*'] }] }, { level: 'Metadata' }]),
      findings: [
        { line: 10, value: 'None', detail: 'pods/exec: rule 0' },
        { detail: 'pods/attach' },
        { detail: 'pods/portforward' },
        { detail: 'pods/proxy: rule 0' },
        { detail: 'writes to pods: rule 0' },
      ],
    },
    {
      name: 'a catch-all in the middle makes later rules dead',
      cp: withPolicy([{ level: 'Metadata' }, { level: 'None', resources: [{ group: '', resources: ['events'] }] }]),
      findings: [{ severity: 'low', line: 10, detail: 'never apply' }],
    },
    {
      name: 'v1beta1 on 1.24+ is not loaded',
      cp: withPolicy([{ level: 'Metadata' }], { apiVersion: 'audit.k8s.io/v1beta1' }, 'v1.30.0'),
      findings: [{ severity: 'high', file: POLICY_PATH, line: 1, field: 'apiVersion' }],
    },
    {
      name: 'no rules',
      cp: withPolicy([]),
      findings: [{ severity: 'high', field: 'rules' }],
    },
  ],
});
