import check from '../../../src/checks/tls/etcd-peer-client-cert-auth.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { edit, ETCD, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: 'kubeadm --peer-client-cert-auth=true', cp: singleHost(kubeadmNode()) },
    { name: 'bare --peer-client-cert-auth', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '--peer-client-cert-auth') })) },
    { name: 'config file peer-transport-security.client-cert-auth', cp: singleHost((h) => h.etcd(['--config-file=/etc/etcd/etcd.conf.yml'], { origin: 'systemd', config: { 'peer-transport-security': { 'client-cert-auth': true } }, configPath: 'etc/etcd/etcd.conf.yml' })) },
  ],
  invalid: [
    { name: 'unset and no peer CA: etcd defaults to false', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '!--peer-client-cert-auth', '!--peer-trusted-ca-file') })), findings: [{ severity: 'high', source: 'default', value: 'false', detail: 'unset: etcd defaults to false' }] },
    { name: 'explicit false without a peer CA', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '--peer-client-cert-auth=false', '!--peer-trusted-ca-file') })), findings: [{ severity: 'high', source: 'file', value: 'false' }] },
    { name: 'unset, but --peer-trusted-ca-file makes etcd require peer certificates anyway: low', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '!--peer-client-cert-auth') })), findings: [{ severity: 'low', detail: 'still required' }] },
  ],
});
