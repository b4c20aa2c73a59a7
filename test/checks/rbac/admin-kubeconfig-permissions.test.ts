import check from '../../../src/checks/rbac/admin-kubeconfig-permissions.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(check, {
  valid: [
    { name: '0600 root:root', cp: singleHost((h) => h.file('etc/kubernetes/admin.conf').file('etc/kubernetes/super-admin.conf', { mode: 0o400 })) },
    { name: 'no admin kubeconfig on this host', cp: singleHost((h) => h.apiserver([])) },
    { name: 'uid 0 without resolved names', cp: singleHost((h) => h.file('etc/kubernetes/admin.conf', { owner: undefined, group: undefined, uid: 0, gid: 0 })) },
  ],
  invalid: [
    { name: 'world-readable admin.conf', cp: singleHost((h) => h.file('etc/kubernetes/admin.conf', { mode: 0o644 })), findings: [{ severity: 'high', file: 'etc/kubernetes/admin.conf', value: '0644' }] },
    {
      name: 'super-admin.conf owned by a user',
      cp: singleHost((h) => h.file('etc/kubernetes/super-admin.conf', { owner: 'ubuntu', group: 'ubuntu', uid: 1000, gid: 1000 })),
      findings: [{ severity: 'high', value: 'ubuntu:ubuntu', detail: '1.1.14' }],
    },
  ],
});
