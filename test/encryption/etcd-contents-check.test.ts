/** encryption/etcd-contents: the scan's view of what etcd holds (from `encryption status`), against the API servers' configs. */
import check from '../../src/checks/encryption/etcd-contents.js';
import type { ControlPlane, EtcdContentsFacts } from '../../src/model/control-plane.js';
import { testCheck } from '../helpers/check-tester.js';
import { config, provider, withConfig } from '../checks/encryption/encryption-fixtures.js';

const AESCBC_KEY2 = config([[['secrets'], [provider('aescbc', [['key2']]), provider('identity')]]]);

function contents(formats: EtcdContentsFacts['resources'][number]['formats'], plaintextKeys: string[] = []): EtcdContentsFacts {
  return { endpoints: ['https://10.0.0.5:2379'], revision: '42', resources: [{ resource: 'secrets', etcdPrefix: '/registry/secrets/', total: formats.reduce((n, f) => n + f.count, 0), formats, plaintextKeys }] };
}

function withContents(cp: ControlPlane, c: EtcdContentsFacts): ControlPlane {
  return { ...cp, etcdContents: c };
}

testCheck(check, {
  valid: [
    { name: 'no etcd contents read: the check does not apply', cp: withConfig(AESCBC_KEY2) },
    { name: 'everything on the configured key', cp: withContents(withConfig(AESCBC_KEY2), contents([{ provider: 'aescbc', key: 'key2', count: 500 }])) },
    { name: 'kms values are the plugin’s business', cp: withContents(withConfig(AESCBC_KEY2), contents([{ provider: 'kms-v2', key: 'vault', kmsKeyId: 'k1', count: 3 }, { provider: 'aescbc', key: 'key2', count: 1 }])) },
  ],
  invalid: [
    {
      name: 'plaintext Secrets left after encryption was enabled',
      cp: withContents(withConfig(AESCBC_KEY2), contents([{ provider: 'aescbc', key: 'key2', count: 490 }, { provider: 'identity', count: 10 }], ['/registry/secrets/default/a'])),
      findings: [{ field: 'identity', value: '10 of 500', detail: 'although the API server config encrypts new writes' }],
    },
    {
      name: 'Secrets on a key no config has any more',
      cp: withContents(withConfig(AESCBC_KEY2), contents([{ provider: 'aescbc', key: 'key2', count: 499 }, { provider: 'aescbc', key: 'key1', count: 1 }])),
      findings: [{ field: 'aescbc:key1', value: '1 of 500', detail: 'which no API server' }],
    },
  ],
});
