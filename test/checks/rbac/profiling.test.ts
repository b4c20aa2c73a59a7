import check from '../../../src/checks/rbac/profiling.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(check, {
  valid: [{ name: 'off everywhere', cp: singleHost((h) => h.apiserver(['--profiling=false']).controllerManager(['--profiling=false']).scheduler(['--profiling=false'])) }],
  invalid: [
    {
      name: 'defaults are on',
      cp: singleHost((h) => h.apiserver([]).controllerManager(['--profiling=false']).scheduler([])),
      findings: [
        { component: 'kube-apiserver', source: 'default', detail: '1.2.15' },
        { component: 'kube-scheduler', source: 'default', detail: '1.4.1' },
      ],
    },
    { name: 'bare --profiling is true', cp: singleHost((h) => h.controllerManager(['--profiling'])), findings: [{ component: 'kube-controller-manager', value: 'true' }] },
  ],
});
