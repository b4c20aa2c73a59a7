import check from '../../../src/checks/rbac/node-restriction.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

testCheck(check, {
  valid: [
    { name: 'enabled', cp: singleHost((h) => h.apiserver(['--enable-admission-plugins=NodeRestriction,PodSecurity'])) },
    { name: 'enabled in a repeated flag', cp: singleHost((h) => h.apiserver(['--enable-admission-plugins=PodSecurity', '--enable-admission-plugins=NodeRestriction'])) },
  ],
  invalid: [
    { name: 'unset', cp: singleHost((h) => h.apiserver([])), findings: [{ source: 'default', detail: 'default set' }] },
    { name: 'NodeRestrictionX is not NodeRestriction', cp: singleHost((h) => h.apiserver(['--enable-admission-plugins=NodeRestrictionX'])), findings: [{ flag: '--enable-admission-plugins' }] },
    { name: 'disabled explicitly', cp: singleHost((h) => h.apiserver(['--enable-admission-plugins=NodeRestriction', '--disable-admission-plugins=NodeRestriction'])), findings: [{ flag: '--disable-admission-plugins' }] },
  ],
});
