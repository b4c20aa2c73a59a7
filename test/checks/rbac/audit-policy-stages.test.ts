import check from '../../../src/checks/rbac/audit-policy-stages.js';
import { testCheck } from '../../helpers/check-tester.js';
import { PRODUCTION_RULES, withPolicy } from './audit-policy-fixtures.js';

testCheck(check, {
  valid: [
    { name: 'omitted at the policy level', cp: withPolicy(PRODUCTION_RULES) },
    { name: 'omitted in every logging rule', cp: withPolicy([{ level: 'None', resources: [{ group: '', resources: ['events'] }] }, { level: 'Metadata', omitStages: ['RequestReceived'] }], {}) },
  ],
  invalid: [
    { name: 'not omitted', cp: withPolicy([{ level: 'None', resources: [{ group: '', resources: ['events'] }] }, { level: 'Metadata' }], {}), findings: [{ line: 14, field: 'rules.1', detail: '1 rule(s)' }] },
    { name: 'policy omitStages without RequestReceived', cp: withPolicy([{ level: 'Metadata' }], { omitStages: ['Panic'] }), findings: [{ line: 3, field: 'omitStages' }] },
  ],
});
