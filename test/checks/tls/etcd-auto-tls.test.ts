import check from '../../../src/checks/tls/etcd-auto-tls.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { edit, ETCD, kubeadmNode } from './kubeadm.js';

testCheck(check, {
  valid: [
    { name: 'unset (default false)', cp: singleHost(kubeadmNode()) },
    { name: '--auto-tls=false', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '--auto-tls=false') })) },
    { name: 'a bare --peer-auto-tls is not --auto-tls (no substring matching) and does not swallow the next flag', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '+--peer-auto-tls', '+--data-dir', '+/var/lib/etcd') })) },
  ],
  invalid: [
    { name: 'bare --auto-tls', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '+--auto-tls') })), findings: [{ flag: '--auto-tls', value: 'true', source: 'file' }] },
    { name: 'ETCD_AUTO_TLS=true', cp: singleHost((h) => h.etcd([], { origin: 'systemd', env: { ETCD_AUTO_TLS: 'true' } })), findings: [{ source: 'env', value: 'true' }] },
    { name: 'the last occurrence wins', cp: singleHost(kubeadmNode({ etcd: edit(ETCD, '+--auto-tls=false', '+--auto-tls=true') })), findings: [{ value: 'true', line: 10 + ETCD.length + 1 }] },
  ],
});
