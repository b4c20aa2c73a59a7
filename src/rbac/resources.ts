/**
 * Discovery without a cluster: the built-in API resources (Kubernetes 1.20 through current), enough to
 * resolve what a user types the way kubectl's RESTMapper and shortcut expander do
 * (staging/src/k8s.io/kubectl/pkg/cmd/auth/cani.go: resourceFor): plural, singular or short name,
 * optionally qualified by group (`deployments.apps`) or version and group (`deployments.v1.apps`).
 * Rows are in discovery priority order: the first match wins (core `events` before `events.k8s.io`).
 */

export interface ApiResource {
  group: string;
  version: string;
  /** plural, as RBAC rules name it */
  name: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** subresources the API serves (for matrices and request generation) */
  subresources: string[];
}

// group/version | plural | singular | namespaced (n/c) | short names | subresources
const TABLE = `
v1|pods|pod|n|po|status,log,exec,attach,portforward,proxy,binding,eviction,ephemeralcontainers
v1|services|service|n|svc|status,proxy
v1|endpoints|endpoints|n|ep|
v1|configmaps|configmap|n|cm|
v1|secrets|secret|n||
v1|serviceaccounts|serviceaccount|n|sa|token
v1|persistentvolumeclaims|persistentvolumeclaim|n|pvc|status
v1|persistentvolumes|persistentvolume|c|pv|status
v1|namespaces|namespace|c|ns|status,finalize
v1|nodes|node|c|no|status,proxy
v1|events|event|n|ev|
v1|limitranges|limitrange|n|limits|
v1|resourcequotas|resourcequota|n|quota|status
v1|replicationcontrollers|replicationcontroller|n|rc|status,scale
v1|podtemplates|podtemplate|n||
v1|componentstatuses|componentstatus|c|cs|
v1|bindings|binding|n||
apps/v1|deployments|deployment|n|deploy|status,scale
apps/v1|daemonsets|daemonset|n|ds|status
apps/v1|statefulsets|statefulset|n|sts|status,scale
apps/v1|replicasets|replicaset|n|rs|status,scale
apps/v1|controllerrevisions|controllerrevision|n||
batch/v1|jobs|job|n||status
batch/v1|cronjobs|cronjob|n|cj|status
autoscaling/v2|horizontalpodautoscalers|horizontalpodautoscaler|n|hpa|status
policy/v1|poddisruptionbudgets|poddisruptionbudget|n|pdb|status
policy/v1beta1|podsecuritypolicies|podsecuritypolicy|c|psp|
networking.k8s.io/v1|networkpolicies|networkpolicy|n|netpol|status
networking.k8s.io/v1|ingresses|ingress|n|ing|status
networking.k8s.io/v1|ingressclasses|ingressclass|c||
networking.k8s.io/v1|ipaddresses|ipaddress|c|ip|
networking.k8s.io/v1|servicecidrs|servicecidr|c||status
rbac.authorization.k8s.io/v1|roles|role|n||
rbac.authorization.k8s.io/v1|rolebindings|rolebinding|n||
rbac.authorization.k8s.io/v1|clusterroles|clusterrole|c||
rbac.authorization.k8s.io/v1|clusterrolebindings|clusterrolebinding|c||
storage.k8s.io/v1|storageclasses|storageclass|c|sc|
storage.k8s.io/v1|volumeattachments|volumeattachment|c||status
storage.k8s.io/v1|csidrivers|csidriver|c||
storage.k8s.io/v1|csinodes|csinode|c||
storage.k8s.io/v1|csistoragecapacities|csistoragecapacity|n||
storage.k8s.io/v1|volumeattributesclasses|volumeattributesclass|c|vac|
admissionregistration.k8s.io/v1|mutatingwebhookconfigurations|mutatingwebhookconfiguration|c||
admissionregistration.k8s.io/v1|validatingwebhookconfigurations|validatingwebhookconfiguration|c||
admissionregistration.k8s.io/v1|validatingadmissionpolicies|validatingadmissionpolicy|c||status
admissionregistration.k8s.io/v1|validatingadmissionpolicybindings|validatingadmissionpolicybinding|c||
apiextensions.k8s.io/v1|customresourcedefinitions|customresourcedefinition|c|crd,crds|status
apiregistration.k8s.io/v1|apiservices|apiservice|c||status
certificates.k8s.io/v1|certificatesigningrequests|certificatesigningrequest|c|csr|status,approval
certificates.k8s.io/v1|signers|signer|c||
coordination.k8s.io/v1|leases|lease|n||
discovery.k8s.io/v1|endpointslices|endpointslice|n||
events.k8s.io/v1|events|event|n|ev|
flowcontrol.apiserver.k8s.io/v1|flowschemas|flowschema|c||status
flowcontrol.apiserver.k8s.io/v1|prioritylevelconfigurations|prioritylevelconfiguration|c||status
node.k8s.io/v1|runtimeclasses|runtimeclass|c||
scheduling.k8s.io/v1|priorityclasses|priorityclass|c|pc|
authentication.k8s.io/v1|tokenreviews|tokenreview|c||
authentication.k8s.io/v1|selfsubjectreviews|selfsubjectreview|c||
authorization.k8s.io/v1|subjectaccessreviews|subjectaccessreview|c||
authorization.k8s.io/v1|selfsubjectaccessreviews|selfsubjectaccessreview|c||
authorization.k8s.io/v1|selfsubjectrulesreviews|selfsubjectrulesreview|c||
authorization.k8s.io/v1|localsubjectaccessreviews|localsubjectaccessreview|n||
resource.k8s.io/v1|resourceclaims|resourceclaim|n||status
resource.k8s.io/v1|resourceclaimtemplates|resourceclaimtemplate|n||
resource.k8s.io/v1|deviceclasses|deviceclass|c||
resource.k8s.io/v1|resourceslices|resourceslice|c||
metrics.k8s.io/v1beta1|pods|podmetrics|n||
metrics.k8s.io/v1beta1|nodes|nodemetrics|c||
`;

export const BUILTIN_RESOURCES: readonly ApiResource[] = TABLE.trim()
  .split('\n')
  .map((line) => {
    const [gv = '', name = '', singular = '', scope = '', shorts = '', subs = ''] = line.split('|');
    const slash = gv.indexOf('/');
    return {
      group: slash < 0 ? '' : gv.slice(0, slash),
      version: slash < 0 ? gv : gv.slice(slash + 1),
      name,
      singular,
      namespaced: scope === 'n',
      shortNames: shorts ? shorts.split(',') : [],
      subresources: subs ? subs.split(',') : [],
    };
  });

export interface ResolvedResource {
  group: string;
  resource: string;
  /** undefined when the table does not know it (then kubectl warns and uses the text as typed) */
  known?: ApiResource;
}

function lookup(name: string, group: string | undefined, version: string | undefined): ApiResource | undefined {
  return BUILTIN_RESOURCES.find((r) => (r.name === name || r.singular === name || r.shortNames.includes(name)) && (group === undefined || r.group === group) && (version === undefined || r.version === version));
}

/**
 * Resolves a TYPE argument like kubectl auth can-i: "*" stays; the text is lowercased; "a.b.c" is first
 * tried as resource.version.group, then as resource.group ("deployments.apps"); an unknown type is
 * used exactly as typed (kubectl warns "the server doesn't have a resource type").
 */
export function resolveResource(arg: string): ResolvedResource {
  if (arg === '*') return { group: '', resource: '*' };
  const lower = arg.toLowerCase();
  const parts = lower.split('.');
  if (parts.length >= 3) {
    const hit = lookup(parts[0] ?? '', parts.slice(2).join('.'), parts[1]);
    if (hit) return { group: hit.group, resource: hit.name, known: hit };
  }
  const dot = lower.indexOf('.');
  const name = dot < 0 ? lower : lower.slice(0, dot);
  const group = dot < 0 ? undefined : lower.slice(dot + 1);
  const hit = lookup(name, group, undefined);
  if (hit) return { group: hit.group, resource: hit.name, known: hit };
  return { group: group ?? '', resource: dot < 0 ? arg : arg.slice(0, dot) };
}
