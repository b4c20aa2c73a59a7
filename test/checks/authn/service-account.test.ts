import lookup from '../../../src/checks/authn/service-account-lookup.js';
import expiration from '../../../src/checks/authn/service-account-token-expiration.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(lookup, {
  valid: [
    { name: 'unset: default true (kube-bench treats this right too)', cp: singleHost((h) => h.apiserver([])) },
    { name: 'true', cp: singleHost((h) => h.apiserver(['--service-account-lookup=true'])) },
  ],
  invalid: [{ name: 'false', cp: singleHost((h) => h.apiserver(['--service-account-lookup=false'])), findings: [{ value: 'false' }] }],
});

testCheck(expiration, {
  valid: [{ name: 'false', cp: singleHost((h) => h.apiserver(['--service-account-extend-token-expiration=false'])) }],
  invalid: [
    { name: 'unset: default true', cp: singleHost((h) => h.apiserver([])), findings: [{ source: 'default', value: 'true' }] },
    { name: 'true', cp: singleHost((h) => h.apiserver(['--service-account-extend-token-expiration'])), findings: [{ value: 'true' }] },
  ],
});
