import check from '../../../src/checks/encryption/provider-config.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';
import { config, ENC_FLAG, ENC_PATH, provider, withConfig } from './encryption-fixtures.js';

testCheck(check, {
  valid: [{ name: 'set and present', cp: withConfig(config([[['secrets'], [provider('aescbc', [['key1']])]]])) }],
  invalid: [
    { name: 'unset', cp: singleHost((h) => h.apiserver([])), findings: [{ flag: '--encryption-provider-config', source: 'default', detail: 'plain text' }] },
    { name: 'pre-1.13 flag name only', cp: singleHost((h) => h.apiserver(['--experimental-encryption-provider-config=/etc/enc.yaml'])), findings: [{ flag: '--experimental-encryption-provider-config', detail: 'renamed' }] },
    { name: 'file missing', cp: singleHost((h) => h.apiserver([ENC_FLAG]).file(ENC_PATH, { exists: false })), findings: [{ detail: 'will not start' }] },
  ],
});
