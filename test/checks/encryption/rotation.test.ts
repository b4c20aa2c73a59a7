import rotation from '../../../src/checks/encryption/rotation-in-progress.js';
import reload from '../../../src/checks/encryption/automatic-reload.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';
import { config, provider, withConfig } from './encryption-fixtures.js';

testCheck(rotation, {
  valid: [
    { name: 'one key, one provider', cp: withConfig(config([[['secrets'], [provider('aescbc', [['key1']])]]])) },
    { name: 'identity-only entry (opt-out)', cp: withConfig(config([[['events'], [provider('identity')]]])) },
  ],
  invalid: [
    { name: 'second key kept for reading', cp: withConfig(config([[['secrets'], [provider('aescbc', [['key2'], ['key1']], {}, 5)]]])), findings: [{ severity: 'info', line: 5, value: 'key2,key1', detail: 'writes with "key2"' }] },
    {
      name: 'identity and an old provider kept',
      cp: withConfig(config([[['secrets'], [provider('kms', [], { name: 'vault', kmsApiVersion: 'v2' }), provider('aescbc', [['key1']]), provider('identity')]]])),
      findings: [{ detail: 'aescbc after kms v2' }, { detail: 'identity after kms v2' }],
    },
  ],
});

testCheck(reload, {
  valid: [
    { name: 'on', cp: withConfig(config([]), ['--encryption-provider-config-automatic-reload=true']) },
    { name: 'before 1.26 the flag does not exist', cp: withConfig(config([]), [], 'v1.25.4') },
    { name: 'no encryption config', cp: singleHost((h) => h.apiserver([])) },
  ],
  invalid: [{ name: 'unset', cp: withConfig(config([])), findings: [{ severity: 'low', source: 'default', value: 'false' }] }],
});
