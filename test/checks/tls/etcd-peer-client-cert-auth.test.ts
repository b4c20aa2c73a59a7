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
    { name: 'unset: etcd defaults to false', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '!--peer-client-cert-auth') })), findings: [{ source: 'default', value: 'false', detail: 'unset: etcd defaults to false' }] },
    { name: 'explicit false', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '--peer-client-cert-auth=false') })), findings: [{ source: 'file', value: 'false' }] },
  ],
});
