import { CHANGE_VERBS, defineRule, isControlPlane, list, rec, succeeded, text } from './rule.js';

/** Host paths whose mount hands over the node or the control plane (Falco's sensitive_mount list, abridged). */
const SENSITIVE_PATHS = ['/', '/etc', '/etc/kubernetes', '/proc', '/root', '/var/lib/kubelet', '/var/lib/etcd', '/var/run', '/run', '/var/run/docker.sock', '/run/containerd', '/var/run/containerd', '/var/run/crio', '/dev', '/sys', '/boot', '/home'];

function sensitivePath(p: string): boolean {
  const path = p.length > 1 ? p.replace(/\/+$/, '') : p;
  return SENSITIVE_PATHS.some((s) => path === s || (s !== '/' && path.startsWith(`${s}/`)));
}

/** The pod spec in a Pod body, or the template of a workload body. */
function podSpecOf(resource: string, body: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const spec = rec(body?.spec);
  if (resource === 'pods') return spec;
  if (resource === 'cronjobs') return rec(rec(rec(rec(spec?.jobTemplate)?.spec)?.template)?.spec);
  return rec(rec(spec?.template)?.spec);
}

const WORKLOADS = new Set(['pods', 'deployments', 'daemonsets', 'statefulsets', 'replicasets', 'jobs', 'cronjobs', 'replicationcontrollers']);

/** What in a pod spec breaks out to the node: privileged containers, host namespaces, sensitive hostPath. */
export function hostAccess(spec: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of list(spec[key])) {
      const sc = rec(rec(c)?.securityContext);
      if (sc?.privileged === true) out.push(`privileged container ${text(rec(c)?.name)}`);
    }
  }
  for (const ns of ['hostPID', 'hostIPC', 'hostNetwork']) if (spec[ns] === true) out.push(ns);
  for (const v of list(spec.volumes)) {
    const path = rec(rec(v)?.hostPath)?.path;
    if (typeof path === 'string' && sensitivePath(path)) out.push(`hostPath ${path}`);
  }
  return out;
}

/**
 * Falco's Create Privileged / Sensitive Mount / HostNetwork / HostPid / HostIPC Pod rules in one, on
 * pods and on the pod templates of workloads. Needs the body (Request level). A pod a controller
 * creates is reported too (it is what runs), except in kube-system, whose DaemonSets are privileged by design.
 */
export default defineRule({
  id: 'audit/privileged-pod',
  severity: 'high',
  title: 'Pod with host access (privileged, host namespaces, sensitive hostPath)',
  description: 'A pod or workload template asks for a privileged container, the host PID/IPC/network namespace or a hostPath mount of a sensitive directory: from there the node, its kubelet credentials and, on a control-plane node, the cluster PKI are reachable.',
  remediation: 'Enforce the baseline or restricted Pod Security Standard on the namespace; find out why this identity creates such pods.',
  mitre: { id: 'T1611', name: 'Escape to Host' },
  needsLevel: 'Request',
  // the pod spec fields that give host access
  prefilter: [['privileged'], ['hostPID'], ['hostIPC'], ['hostNetwork'], ['hostPath']],
  fields: (e) => WORKLOADS.has(e.resource) && e.facts.subresource === '' && CHANGE_VERBS.has(e.verb),
  initState: () => undefined,
  match(e) {
    const o = e.objectRef;
    if (!o || !WORKLOADS.has(o.resource ?? '') || o.subresource || !CHANGE_VERBS.has(e.verb)) return undefined;
    // kube-system's DaemonSets (kube-proxy, CNI) run privileged by design; elsewhere a controller's pod is reported too.
    if (isControlPlane(e) && (o.resource !== 'pods' || o.namespace === 'kube-system')) return undefined;
    const spec = podSpecOf(o.resource ?? '', rec(e.requestObject));
    if (!spec) return undefined;
    const access = hostAccess(spec);
    if (access.length === 0) return undefined;
    const name = o.name ?? (text(rec(rec(e.requestObject)?.metadata)?.name) || '?');
    const what = `${e.verb} of ${o.resource ?? ''} ${o.namespace ?? ''}/${name} with ${access.join(', ')}`;
    if (!succeeded(e)) return { severity: 'medium', detail: `${what}: refused (HTTP ${e.responseStatus?.code ?? '?'}), attempt` };
    return { severity: access.some((a) => a.startsWith('privileged') || a === 'hostPath /') ? 'critical' : 'high', detail: what };
  },
});
