import check from '../../../src/checks/authn/basic-auth-file.js';
import { controlPlane, singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(check, {
  valid: [{ name: 'not set', cp: singleHost((h) => h.apiserver([])) }],
  invalid: [
    { name: 'before 1.19 it authenticates', cp: singleHost((h) => h.apiserver(['--basic-auth-file=/etc/kubernetes/users.csv']), 'v1.18.20'), findings: [{ severity: 'critical' }] },
    { name: 'from 1.19 the API server will not start', cp: singleHost((h) => h.apiserver(['--basic-auth-file=/etc/kubernetes/users.csv']), 'v1.20.2'), findings: [{ severity: 'medium', detail: 'removed in 1.19' }] },
    { name: 'version unknown', cp: controlPlane().with((cp) => delete cp.version).host('cp-1', (h) => h.apiserver(['--basic-auth-file=/x.csv'])).build(), findings: [{ severity: 'high' }] },
  ],
});
