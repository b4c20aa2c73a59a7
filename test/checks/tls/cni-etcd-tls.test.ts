import check from '../../../src/checks/tls/cni-etcd-tls.js';
import type { CniPluginFacts } from '../../../src/model/control-plane.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { kubeadmNode } from './kubeadm.js';

const calico = (p: Partial<CniPluginFacts>): Parameters<typeof singleHost>[0] => (h) => {
  kubeadmNode()(h);
  h.cni({ file: 'etc/cni/net.d/10-calico.conflist', plugins: [{ type: 'calico', etcdEndpoints: [], line: 5, ...p }] });
};
const secure = { datastoreType: 'etcdv3', etcdEndpoints: ['https://10.0.0.10:2379'], etcdCaCertFile: '/etc/calico/ca.pem', etcdCertFile: '/etc/calico/cert.pem', etcdKeyFile: '/etc/calico/key.pem' };

testCheck(check, {
  valid: [
    { name: 'no CNI using etcd', cp: singleHost(kubeadmNode()) },
    { name: 'Calico with the Kubernetes datastore', cp: singleHost(calico({ datastoreType: 'kubernetes', etcdEndpoints: ['http://10.0.0.10:2379'] })) },
    { name: 'Calico etcd over mTLS', cp: singleHost(calico(secure)) },
    { name: 'flanneld with --kube-subnet-mgr does not use etcd', cp: singleHost((h) => h.component('flanneld', ['--kube-subnet-mgr', '--ip-masq'], { origin: 'systemd' })) },
    {
      name: 'flanneld over mTLS via FLANNELD_* environment',
      cp: singleHost((h) =>
        h.component('flanneld', [], { origin: 'systemd', env: { FLANNELD_ETCD_ENDPOINTS: 'https://10.0.0.10:2379', FLANNELD_ETCD_CAFILE: '/etc/flannel/ca.pem', FLANNELD_ETCD_CERTFILE: '/etc/flannel/c.pem', FLANNELD_ETCD_KEYFILE: '/etc/flannel/k.pem' } }),
      ),
    },
  ],
  invalid: [
    {
      name: 'Calico etcd over http',
      cp: singleHost(calico({ ...secure, etcdEndpoints: ['http://10.0.0.10:2379'] })),
      findings: [{ component: 'calico', severity: 'critical', file: 'etc/cni/net.d/10-calico.conflist', line: 5, field: 'etcd_endpoints', link: 'cni-etcd:cni:calico@cp-1->etcd@cp-1' }],
    },
    {
      name: 'Calico https without CA or client certificate',
      cp: singleHost(calico({ datastoreType: 'etcdv3', etcdEndpoints: ['https://10.0.0.10:2379'] })),
      findings: [
        { field: 'etcd_ca_cert_file', severity: 'high', value: null },
        { field: 'etcd_cert_file', severity: 'high' },
      ],
    },
    {
      name: 'flanneld defaults: plaintext etcd on loopback',
      cp: singleHost((h) => h.component('flanneld', ['--ip-masq'], { origin: 'systemd' })),
      findings: [
        { component: 'flanneld', severity: 'critical', source: 'default', detail: 'http://127.0.0.1:4001' },
        { component: 'flanneld', severity: 'critical', source: 'default', detail: 'http://127.0.0.1:2379' },
      ],
    },
  ],
});
