import check from '../../../src/checks/rbac/audit-log-retention.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

const LOG = '--audit-log-path=/var/log/kubernetes/audit.log';

testCheck(check, {
  valid: [
    { name: 'CIS values', cp: singleHost((h) => h.apiserver([LOG, '--audit-log-maxage=30', '--audit-log-maxbackup=10', '--audit-log-maxsize=100'])) },
    { name: 'above CIS, maxsize left at the writer default (100 MB)', cp: singleHost((h) => h.apiserver([LOG, '--audit-log-maxage', '90', '--audit-log-maxbackup=20'])) },
    { name: 'no log backend: nothing to rotate', cp: singleHost((h) => h.apiserver(['--audit-webhook-config-file=/etc/kubernetes/w.conf'])) },
    { name: 'log to stdout', cp: singleHost((h) => h.apiserver(['--audit-log-path=-'])) },
  ],
  invalid: [
    {
      name: 'below the minimums',
      cp: singleHost((h) => h.apiserver([LOG, '--audit-log-maxage=7', '--audit-log-maxbackup=3', '--audit-log-maxsize=10'])),
      findings: [
        { severity: 'medium', flag: '--audit-log-maxage', value: '7' },
        { severity: 'medium', flag: '--audit-log-maxbackup', value: '3' },
        { severity: 'medium', flag: '--audit-log-maxsize', value: '10' },
      ],
    },
    {
      name: 'unset maxage/maxbackup mean unlimited: low, not a CIS fail',
      cp: singleHost((h) => h.apiserver([LOG])),
      findings: [
        { severity: 'low', flag: '--audit-log-maxage', source: 'default', detail: 'unlimited' },
        { severity: 'low', flag: '--audit-log-maxbackup', source: 'default' },
      ],
    },
  ],
});
