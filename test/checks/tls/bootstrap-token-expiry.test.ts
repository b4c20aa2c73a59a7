import check from '../../../src/checks/tls/bootstrap-token-expiry.js';
import { testCheck } from '../../helpers/check-tester.js';
import { cluster, token } from './bootstrap-helpers.js';

testCheck(check, {
  valid: [
    { name: 'no tokens', cp: cluster({}) },
    { name: 'a token expiring in a day', cp: cluster({ bootstrapTokens: [token('abcdef', { expiration: '2026-06-02T12:00:00Z' })] }) },
    { name: 'a signing-only token without expiration (cluster-info signing)', cp: cluster({ bootstrapTokens: [token('abcdef', { usages: ['signing'] })] }) },
  ],
  invalid: [
    {
      name: 'an authentication token that never expires',
      cp: cluster({ bootstrapTokens: [token('abcdef')] }),
      findings: [{ severity: 'high', field: 'expiration', value: null, source: 'api', detail: 'abcdef never expires' }],
    },
    {
      name: 'an expired token still present (token cleaner not running)',
      cp: cluster({ bootstrapTokens: [token('old123', { expiration: '2026-05-01T00:00:00Z' })] }),
      findings: [{ severity: 'low', component: 'kube-controller-manager', value: '2026-05-01T00:00:00Z', detail: 'tokencleaner' }],
    },
    {
      name: 'a token valid for a year',
      cp: cluster({ bootstrapTokens: [token('year12', { expiration: '2027-06-01T12:00:00Z' })] }),
      findings: [{ severity: 'medium', detail: '365 more days' }],
    },
    {
      name: 'an unparseable expiration',
      cp: cluster({ bootstrapTokens: [token('bad123', { expiration: 'tomorrow' })] }),
      findings: [{ severity: 'medium', value: 'tomorrow' }],
    },
  ],
});
