import check from '../../../src/checks/tls/cni-file-permissions.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { kubeadmNode, kubeconfig } from './kubeadm.js';

const withCni = (mode: number, extra: (h: Parameters<Parameters<typeof singleHost>[0]>[0]) => void = () => undefined): ReturnType<typeof singleHost> =>
  singleHost((h) => {
    kubeadmNode()(h);
    h.cni({ file: 'etc/cni/net.d/10-calico.conflist', plugins: [{ type: 'calico', datastoreType: 'kubernetes', etcdEndpoints: [] }] });
    h.file('etc/cni/net.d/10-calico.conflist', { mode });
    extra(h);
  });

testCheck(check, {
  valid: [{ name: 'conflist 0600 root:root', cp: withCni(0o600) }],
  invalid: [
    { name: 'conflist 0644 (the usual install): low', cp: withCni(0o644), findings: [{ severity: 'low', file: 'etc/cni/net.d/10-calico.conflist', value: '0644', detail: 'CIS 1.1.9' }] },
    {
      name: 'calico-kubeconfig beside it holds a token: medium',
      cp: withCni(0o600, (h) => h.file('etc/cni/net.d/calico-kubeconfig', { mode: 0o644, kubeconfig: kubeconfig('calico-cni-plugin', { token: true }) })),
      findings: [{ severity: 'medium', file: 'etc/cni/net.d/calico-kubeconfig' }],
    },
    { name: 'IPAM state not owned by root', cp: withCni(0o600, (h) => h.file('var/lib/cni/networks/k8s-pod-network/10.244.0.5', { mode: 0o600, uid: 1, owner: 'daemon' })), findings: [{ value: 'daemon:root', detail: 'CIS 1.1.10' }] },
  ],
});
