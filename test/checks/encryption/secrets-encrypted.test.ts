import check from '../../../src/checks/encryption/secrets-encrypted.js';
import { testCheck } from '../../helpers/check-tester.js';
import { config, ENC_PATH, provider, withConfig } from './encryption-fixtures.js';

testCheck(check, {
  valid: [
    { name: 'secrets with aescbc first, identity last', cp: withConfig(config([[['secrets', 'configmaps'], [provider('aescbc', [['key1']]), provider('identity')]]])) },
    { name: 'covered by *.* (1.27+ wildcard)', cp: withConfig(config([[['events'], [provider('identity')]], [['*.*'], [provider('kms', [], { name: 'vault', kmsApiVersion: 'v2' })]]])) },
    { name: 'covered by *. (all core resources)', cp: withConfig(config([[['*.'], [provider('secretbox', [['k']])]]])) },
    { name: 'the exact entry decides, not a later *.* identity', cp: withConfig(config([[['secrets'], [provider('aesgcm', [['k']])]], [['*.*'], [provider('identity')]]])) },
  ],
  invalid: [
    {
      name: 'identity first, aescbc second: nothing is encrypted (Kubescape C-0142 passes this)',
      cp: withConfig(config([[['secrets'], [provider('identity', [], {}, 5), provider('aescbc', [['key1']], {}, 6)]]])),
      findings: [{ file: ENC_PATH, line: 5, field: 'resources.0.providers.0', value: 'identity', detail: 'aescbc after it only decrypt' }],
    },
    { name: 'only configmaps encrypted', cp: withConfig(config([[['configmaps'], [provider('aescbc', [['key1']])]]])), findings: [{ field: 'resources', detail: 'no entry lists secrets' }] },
    { name: 'secrets in another group are not core secrets', cp: withConfig(config([[['secrets.example.com', '*.apps'], [provider('aescbc', [['key1']])]]])), findings: [{ detail: 'no entry lists secrets' }] },
  ],
});
