import check from '../../../src/checks/tls/etcd-peer-urls-https.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { edit, ETCD, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [{ name: 'kubeadm https peer URLs', cp: singleHost(kubeadmNode()) }],
  invalid: [
    { name: 'unset on a single member: loopback http, low', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '!--listen-peer-urls', '!--initial-advertise-peer-urls') })), findings: [{ flag: '--listen-peer-urls', severity: 'low' }, { flag: '--initial-advertise-peer-urls', severity: 'low' }] },
    { name: 'http on the node IP: critical', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '--listen-peer-urls=http://10.0.0.10:2380') })), findings: [{ flag: '--listen-peer-urls', severity: 'critical', value: 'http://10.0.0.10:2380' }] },
  ],
});
