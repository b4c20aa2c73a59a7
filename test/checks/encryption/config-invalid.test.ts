import check from '../../../src/checks/encryption/config-invalid.js';
import { testCheck } from '../../helpers/check-tester.js';
import { config, provider, withConfig } from './encryption-fixtures.js';

const aes = () => provider('aescbc', [['k']]);
const kms2 = (name: string) => provider('kms', [], { name, kmsApiVersion: 'v2' });

testCheck(check, {
  valid: [
    { name: 'opt-out listed before *.*', cp: withConfig(config([[['events'], [provider('identity')]], [['secrets', 'configmaps'], [kms2('a')]], [['*.*'], [kms2('b')]]])) },
    { name: 'group wildcard and a resource of another group after it', cp: withConfig(config([[['*.apps'], [aes()]], [['secrets'], [aes()]]])) },
  ],
  invalid: [
    { name: 'bare *', cp: withConfig(config([[['*'], [aes()]]])), findings: [{ line: 3, value: '*', detail: 'bare' }] },
    { name: 'resource masked by an earlier *.*', cp: withConfig(config([[['*.*'], [aes()]], [['secrets'], [aes()]]])), findings: [{ line: 13, value: 'secrets', detail: 'masked' }] },
    { name: 'core resource masked by *.', cp: withConfig(config([[['*.'], [aes()]], [['configmaps'], [aes()]]])), findings: [{ value: 'configmaps' }] },
    { name: 'wildcards before 1.27', cp: withConfig(config([[['*.*'], [aes()]]]), [], 'v1.26.3'), findings: [{ detail: '1.27' }] },
    { name: 'duplicate KMS v2 names and a colon', cp: withConfig(config([[['secrets'], [kms2('vault')]], [['configmaps'], [kms2('vault'), kms2('a:b')]]])), findings: [{ value: 'vault', detail: 'already used in entry 0' }, { value: 'a:b' }] },
    { name: 'unknown provider, empty keys', cp: withConfig(config([[['secrets'], [provider('aesctr', [['k']]), provider('secretbox')]]])), findings: [{ detail: 'unknown provider "aesctr"' }, { detail: 'secretbox without keys' }] },
    { name: 'events.k8s.io group', cp: withConfig(config([[['events.events.k8s.io'], [aes()]]])), findings: [{ detail: 'without that group' }] },
  ],
});
