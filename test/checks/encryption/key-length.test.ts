import check from '../../../src/checks/encryption/key-length.js';
import { testCheck } from '../../helpers/check-tester.js';
import { config, provider, withConfig } from './encryption-fixtures.js';

testCheck(check, {
  valid: [{ name: '32-byte keys', cp: withConfig(config([[['secrets'], [provider('aescbc', [['a', 32]]), provider('secretbox', [['b', 32]])]]])) }],
  invalid: [
    { name: '16-byte AES key: valid but short', cp: withConfig(config([[['secrets'], [provider('aesgcm', [['a', 16]], {}, 5)]]])), findings: [{ severity: 'low', line: 7, value: '16 bytes' }] },
    { name: '20-byte AES key: rejected', cp: withConfig(config([[['secrets'], [provider('aescbc', [['a', 20]])]]])), findings: [{ severity: 'high', detail: 'rejects' }] },
    { name: 'secretbox needs exactly 32', cp: withConfig(config([[['secrets'], [provider('secretbox', [['a', 16]])]]])), findings: [{ severity: 'high', field: 'resources.0.providers.0.secretbox.keys.0' }] },
  ],
});
