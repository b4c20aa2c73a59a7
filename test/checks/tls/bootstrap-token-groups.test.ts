import check from '../../../src/checks/tls/bootstrap-token-groups.js';
import { testCheck } from '../../helpers/check-tester.js';
import { cluster, token } from './bootstrap-helpers.js';

testCheck(check, {
  valid: [
    { name: 'kubeadm default token', cp: cluster({ bootstrapTokens: [token('abcdef')] }) },
    { name: 'no extra groups', cp: cluster({ bootstrapTokens: [token('abcdef', { extraGroups: [] })] }) },
  ],
  invalid: [
    {
      name: 'extra group system:masters',
      cp: cluster({ bootstrapTokens: [token('abcdef', { extraGroups: ['system:bootstrappers:x', 'system:masters'] })] }),
      findings: [{ severity: 'medium', field: 'auth-extra-groups', detail: 'system:masters' }],
    },
    {
      name: 'a group that only looks like a bootstrap group',
      cp: cluster({ bootstrapTokens: [token('abcdef', { extraGroups: ['system:bootstrappers-admins'] })] }),
      findings: [{ severity: 'medium', detail: 'system:bootstrappers-admins' }],
    },
    {
      name: 'no usage at all',
      cp: cluster({ bootstrapTokens: [token('abcdef', { usages: [] })] }),
      findings: [{ severity: 'low', value: null, detail: 'no usage' }],
    },
  ],
});
