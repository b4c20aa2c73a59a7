import check from '../../../src/checks/tls/bootstrap-serving-csrs.js';
import { testCheck } from '../../helpers/check-tester.js';
import type { HostBuilder } from '../../helpers/fixture.js';
import { cluster, csr } from './bootstrap-helpers.js';

const bootstrapKubelet = { host: (h: HostBuilder) => h.kubelet(['--config=/var/lib/kubelet/config.yaml'], { config: { serverTLSBootstrap: true } }) };
const plainKubelet = { host: (h: HostBuilder) => h.kubelet(['--config=/var/lib/kubelet/config.yaml'], { config: {} }) };

testCheck(check, {
  valid: [
    { name: 'approved serving CSR', cp: cluster({ csrs: [csr('csr-1', { conditions: ['Approved'] })] }, bootstrapKubelet) },
    { name: 'pending for a minute only', cp: cluster({ csrs: [csr('csr-1', { created: '2026-06-01T11:59:00Z' })] }, bootstrapKubelet) },
    { name: 'pending client CSR (other signer)', cp: cluster({ csrs: [csr('csr-1', { signerName: 'kubernetes.io/kube-apiserver-client-kubelet' })] }, bootstrapKubelet) },
    { name: 'kubelets without serverTLSBootstrap', cp: cluster({ csrs: [csr('csr-1')] }, plainKubelet) },
  ],
  invalid: [
    {
      name: 'pending for three hours with serverTLSBootstrap on',
      cp: cluster({ csrs: [csr('csr-1')] }, bootstrapKubelet),
      findings: [{ severity: 'medium', component: 'kubelet', value: null, detail: 'csr-1 from system:node:n1 is still pending since 2026-06-01T09:00:00Z' }],
    },
    {
      name: 'denied, and API-only model (no kubelets known)',
      cp: cluster({ csrs: [csr('csr-2', { conditions: ['Denied'] })] }),
      findings: [{ severity: 'low', value: 'Denied', detail: 'denied' }],
    },
  ],
});
