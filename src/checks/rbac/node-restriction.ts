import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, flagList, hostOf } from '../../model/effective.js';

export default defineCheck({
  id: 'rbac/node-restriction',
  practice: 'rbac',
  severity: 'medium',
  cis: ['1.2.14'],
  title: 'NodeRestriction admission plugin is not enabled',
  why: 'The Node authorizer decides which objects a kubelet may touch, but only the NodeRestriction admission plugin stops a kubelet from modifying other Node objects, pods bound elsewhere, or labels that steer workloads (node-restriction.kubernetes.io/). Without it one compromised node can relabel itself to attract sensitive pods. It is not in the default plugin set.',
  remediation: 'Add NodeRestriction to --enable-admission-plugins (and keep it out of --disable-admission-plugins).',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#noderestriction'],
  reads: 'kube-apiserver --enable-admission-plugins, --disable-admission-plugins',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const enabled = flag(cp, c, 'enable-admission-plugins');
      const disabled = flag(cp, c, 'disable-admission-plugins');
      if (flagList(disabled, c).includes('NodeRestriction')) report({ component: c, host, evidence: evidenceFor(c, disabled), detail: 'NodeRestriction is explicitly disabled' });
      else if (!flagList(enabled, c).includes('NodeRestriction')) report({ component: c, host, evidence: evidenceFor(c, enabled), detail: enabled.value ? `--enable-admission-plugins=${enabled.value} lacks NodeRestriction` : 'no --enable-admission-plugins: the default set does not include NodeRestriction' });
    }
  },
});
