import check from '../../../src/checks/encryption/config-mismatch.js';
import { controlPlane } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';
import { config, ENC_FLAG, ENC_PATH, provider, twoServers } from './encryption-fixtures.js';

const k1 = config([[['secrets'], [provider('aescbc', [['key1']])]]]);
const k2first = config([[['secrets'], [provider('aescbc', [['key2'], ['key1']])]]]);
const k1k2 = config([[['secrets'], [provider('aescbc', [['key1'], ['key2']])]]]);
const sameNameOtherKey = config([[['secrets'], [provider('aescbc', [['key1', 32, 'fp-other']])]]]);

testCheck(check, {
  valid: [
    { name: 'identical configs', cp: twoServers(k1, k1) },
    { name: 'single API server', cp: controlPlane().host('cp-1', (h) => h.apiserver([ENC_FLAG]).file(ENC_PATH, { encryptionConfig: k1 })).build() },
    { name: 'both without encryption', cp: twoServers(undefined, undefined) },
  ],
  invalid: [
    {
      name: 'rotation step 4 on one server only: it writes with key2, the other cannot read it',
      cp: controlPlane()
        .host('cp-1', (h) => h.apiserver([ENC_FLAG]).file(ENC_PATH, { encryptionConfig: k2first }))
        .host('cp-2', (h) => h.apiserver([ENC_FLAG]).file(ENC_PATH, { encryptionConfig: k1 }))
        .host('cp-3', (h) => h.apiserver([ENC_FLAG]).file(ENC_PATH, { encryptionConfig: k1 }))
        .build(),
      findings: [{ host: 'cp-1', severity: 'medium', detail: 'writes Secrets with aescbc/key2' }],
    },
    {
      name: 'a key with the same name but different bytes (fingerprint)',
      cp: twoServers(k1, sameNameOtherKey),
      findings: [{ host: 'cp-2', severity: 'high', detail: 'cannot read Secrets that cp-1 writes' }],
    },
    {
      name: 'one server has no encryption config',
      cp: twoServers(k1, undefined),
      findings: [{ host: 'cp-2', severity: 'high', source: 'default' }],
    },
    {
      name: 'step 1 on one server only (new key second): differs, nothing unreadable yet',
      cp: twoServers(k1, k1k2),
      findings: [{ host: 'cp-2', severity: 'medium', detail: 'config differs' }],
    },
  ],
});
