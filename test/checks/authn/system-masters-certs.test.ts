import check from '../../../src/checks/authn/system-masters-certs.js';
import type { KubeconfigFacts } from '../../../src/model/control-plane.js';
import { singleHost, type HostBuilder } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';
import { ca, cert } from './cert-fixtures.js';

const kubeconfig = (o: string[], name = 'jane'): KubeconfigFacts => ({
  currentContext: 'c',
  clusters: [{ name: 'k', server: 'https://10.0.0.1:6443', insecureSkipTlsVerify: false, caCertificates: [], line: 3 }],
  users: [{ name, clientCertificate: '(embedded)', clientCertificates: [cert({ commonName: name, organizations: o })], hasToken: false, hasBasicAuth: false, line: 12 }],
  contexts: [{ name: 'c', cluster: 'k', user: name }],
});
const clusterCa = (h: HostBuilder) => h.apiserver(['--client-ca-file=/etc/kubernetes/pki/ca.crt']).file('etc/kubernetes/pki/ca.crt', { mode: 0o644, certificates: [ca('cluster-ca')] });

testCheck(check, {
  valid: [
    { name: 'kubeadm admin.conf and super-admin.conf', cp: singleHost((h) => clusterCa(h).file('etc/kubernetes/super-admin.conf', { kubeconfig: kubeconfig(['system:masters'], 'kubernetes-super-admin') }).file('etc/kubernetes/admin.conf', { kubeconfig: kubeconfig(['kubeadm:cluster-admins'], 'kubernetes-admin') })) },
    { name: 'a person in an RBAC-bound group', cp: singleHost((h) => clusterCa(h).file('home/jane/.kube/config', { kubeconfig: kubeconfig(['platform-team']) })) },
    {
      name: 'etcd client certificate with O=system:masters signed by the separate etcd CA (the API server does not accept it)',
      cp: singleHost((h) => clusterCa(h).file('etc/kubernetes/pki/apiserver-etcd-client.crt', { certificates: [cert({ commonName: 'kube-apiserver-etcd-client', authorityKeyId: 'ski-etcd-ca', issuer: 'CN=etcd-ca' })] })),
    },
    { name: 'a CA certificate is not a client credential', cp: singleHost((h) => clusterCa(h).file('etc/kubernetes/pki/other-ca.crt', { certificates: [ca('other', { organizations: ['system:masters'] })] })) },
  ],
  invalid: [
    {
      name: 'a personal kubeconfig in system:masters',
      cp: singleHost((h) => clusterCa(h).file('home/jane/.kube/config', { kubeconfig: kubeconfig(['system:masters']) })),
      findings: [{ severity: 'high', file: 'home/jane/.kube/config', line: 12, field: 'users.jane.client-certificate', detail: 'CN=jane' }],
    },
    {
      name: 'a kubeconfig naming the certificate file: one finding for the credential',
      cp: singleHost((h) => {
        const k = kubeconfig(['system:masters']);
        k.users[0]!.clientCertificate = '/home/jane/jane.crt';
        clusterCa(h).file('home/jane/.kube/config', { kubeconfig: k }).file('home/jane/jane.crt', { certificates: k.users[0]!.clientCertificates });
      }),
      findings: [{ file: 'home/jane/.kube/config' }],
    },
    {
      name: 'a PEM in the PKI dir issued to a person',
      cp: singleHost((h) => clusterCa(h).file('etc/kubernetes/pki/users/bob.crt', { certificates: [cert({ commonName: 'bob' })] })),
      findings: [{ severity: 'high', file: 'etc/kubernetes/pki/users/bob.crt', detail: 'CN=bob' }],
    },
    {
      name: "older kubeadm's apiserver-kubelet-client: low, explained",
      cp: singleHost((h) => clusterCa(h).file('etc/kubernetes/pki/apiserver-kubelet-client.crt', { certificates: [cert({ commonName: 'kube-apiserver-kubelet-client' })] })),
      findings: [{ severity: 'low', detail: 'not a person' }],
    },
    {
      name: 'client CA unknown: cannot rule the certificate out',
      cp: singleHost((h) => h.file('root/admin.kubeconfig', { kubeconfig: kubeconfig(['system:masters'], 'root') })),
      findings: [{ severity: 'high', file: 'root/admin.kubeconfig' }],
    },
  ],
});
