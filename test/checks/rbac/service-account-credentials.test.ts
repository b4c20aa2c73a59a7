import check from '../../../src/checks/rbac/service-account-credentials.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(check, {
  valid: [
    { name: 'true', cp: singleHost((h) => h.controllerManager(['--use-service-account-credentials=true'])) },
    { name: 'bare boolean', cp: singleHost((h) => h.controllerManager(['--use-service-account-credentials'])) },
  ],
  invalid: [
    { name: 'unset (default false)', cp: singleHost((h) => h.controllerManager([])), findings: [{ source: 'default', value: 'false' }] },
    { name: 'false', cp: singleHost((h) => h.controllerManager(['--use-service-account-credentials=false'])), findings: [{ value: 'false', line: 10 }] },
  ],
});
