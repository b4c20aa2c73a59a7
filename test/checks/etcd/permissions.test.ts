import manifest from '../../../src/checks/etcd/manifest-permissions.js';
import dataDir from '../../../src/checks/etcd/data-dir-permissions.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

const MANIFEST = 'etc/kubernetes/manifests/etcd.yaml';

testCheck(manifest, {
  valid: [{ name: '0600 root:root', cp: singleHost((h) => h.etcd([]).file(MANIFEST)) }],
  invalid: [
    { name: '0644', cp: singleHost((h) => h.etcd([]).file(MANIFEST, { mode: 0o644 })), findings: [{ file: MANIFEST, value: '0644', detail: '1.1.7' }] },
    { name: 'owned by a user', cp: singleHost((h) => h.etcd([]).file(MANIFEST, { owner: 'admin', group: 'admin', uid: 1000, gid: 1000 })), findings: [{ value: 'admin:admin', detail: '1.1.8' }] },
  ],
});

const DATA = ['--data-dir=/var/lib/etcd'];
testCheck(dataDir, {
  valid: [
    { name: 'packaged etcd: 0700 etcd:etcd', cp: singleHost((h) => h.etcd(DATA, { origin: 'systemd' }).file('var/lib/etcd', { type: 'directory', mode: 0o700, owner: 'etcd', group: 'etcd', uid: 998, gid: 998 })) },
  ],
  invalid: [
    {
      name: 'kubeadm: root:root is explained, not failed (kube-bench 1.1.12 fails it)',
      cp: singleHost((h) => h.etcd(DATA).file('var/lib/etcd', { type: 'directory', mode: 0o700 })),
      findings: [{ severity: 'info', file: 'var/lib/etcd', detail: 'kubeadm runs etcd as root' }],
    },
    {
      name: 'world-readable and owned by someone else',
      cp: singleHost((h) => h.etcd(DATA, { origin: 'systemd' }).file('var/lib/etcd', { type: 'directory', mode: 0o755, owner: 'backup', group: 'backup', uid: 1001, gid: 1001 })),
      findings: [{ severity: 'high', value: '0755' }, { severity: 'high', value: 'backup:backup' }],
    },
  ],
});
