import { authorized, defineRule, isControlPlane, succeeded } from './rule.js';

/**
 * Admission webhooks guard every write (audit.md §4 gaps): updating, patching or deleting one can
 * switch a guard off (failurePolicy Ignore, a rule removed); a new *mutating* webhook can rewrite every
 * pod. Creating a validating webhook only adds a check, so it is not reported.
 */
export default defineRule({
  id: 'audit/admission-webhook-changed',
  severity: 'high',
  title: 'Admission webhook configuration changed',
  description: 'A ValidatingWebhookConfiguration or MutatingWebhookConfiguration was updated, patched or deleted, or a MutatingWebhookConfiguration was created: policy enforcement may be off, or every new pod may be rewritten.',
  remediation: 'Review the change (the Request-level body shows the patch); restore the webhook configuration from source control.',
  mitre: { id: 'T1562.001', name: 'Impair Defenses: Disable or Modify Tools' },
  needsLevel: 'Metadata',
  // apiGroup and the resource
  prefilter: [['admissionregistration.k8s.io', 'webhookconfigurations']],
  fields: (e) => e.facts.apiGroup === 'admissionregistration.k8s.io' && (e.resource === 'mutatingwebhookconfigurations' || e.resource === 'validatingwebhookconfigurations'),
  initState: () => undefined,
  match(e) {
    const o = e.objectRef;
    if (!o || o.apiGroup !== 'admissionregistration.k8s.io') return undefined;
    const mutating = o.resource === 'mutatingwebhookconfigurations';
    if (!mutating && o.resource !== 'validatingwebhookconfigurations') return undefined;
    const change = e.verb === 'update' || e.verb === 'patch' || e.verb === 'delete' || e.verb === 'deletecollection' || (mutating && e.verb === 'create');
    if (!change || isControlPlane(e)) return undefined;
    const what = `${e.verb} of ${mutating ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration'} ${o.name ?? '(all)'}`;
    if (!authorized(e) || !succeeded(e)) return { severity: 'medium', detail: `${what} refused (attempt)` };
    return { detail: what };
  },
});
