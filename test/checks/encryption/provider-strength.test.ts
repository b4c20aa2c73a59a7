import check from '../../../src/checks/encryption/provider-strength.js';
import { testCheck } from '../../helpers/check-tester.js';
import { config, provider, withConfig } from './encryption-fixtures.js';

const kms = (v: string) => provider('kms', [], { name: 'vault', kmsApiVersion: v }, 5);

testCheck(check, {
  valid: [
    { name: 'KMS v2', cp: withConfig(config([[['secrets'], [kms('v2')]]])) },
    { name: 'identity opt-out for events is not judged', cp: withConfig(config([[['events'], [provider('identity')]], [['*.*'], [kms('v2')]]])) },
  ],
  invalid: [
    { name: 'aescbc', cp: withConfig(config([[['secrets'], [provider('aescbc', [['k']], {}, 5)]]])), findings: [{ severity: 'low', line: 5, value: 'aescbc', detail: 'CBC' }] },
    { name: 'aesgcm: rotation caveat', cp: withConfig(config([[['secrets'], [provider('aesgcm', [['k']])]]])), findings: [{ severity: 'low', detail: '200,000 writes' }] },
    { name: 'secretbox: info', cp: withConfig(config([[['secrets'], [provider('secretbox', [['k']])]]])), findings: [{ severity: 'info' }] },
    { name: 'KMS v1 on 1.27', cp: withConfig(config([[['secrets'], [kms('v1')]]]), [], 'v1.27.3'), findings: [{ severity: 'low', value: 'kms v1 (vault)' }] },
    { name: 'KMS v1 on 1.28: deprecated', cp: withConfig(config([[['secrets'], [kms('v1')]]]), [], 'v1.28.1'), findings: [{ severity: 'medium', detail: 'deprecated' }] },
    { name: 'KMS v1 on 1.30 without the gate: will not load', cp: withConfig(config([[['secrets'], [kms('v1')]]]), [], 'v1.30.0'), findings: [{ severity: 'high', detail: 'will not load' }] },
    { name: 'KMS v1 on 1.30 with KMSv1=true', cp: withConfig(config([[['secrets'], [kms('v1')]]]), ['--feature-gates=KMSv1=true'], 'v1.30.0'), findings: [{ severity: 'medium', detail: 'only loads because' }] },
    { name: 'KMS v2 on 1.26 without the gate', cp: withConfig(config([[['secrets'], [kms('v2')]]]), [], 'v1.26.0'), findings: [{ severity: 'medium', detail: 'alpha' }] },
  ],
});
