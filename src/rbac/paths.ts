/**
 * Privilege-escalation paths (spec §3.6, last paragraph): a graph whose nodes are identities (users,
 * groups, service accounts) and whose edges say "holding X's permissions, you can obtain Y" —
 * impersonation, binding or escalating roles, minting client certificates through CSR approval, token
 * requests, reading or creating service-account token Secrets, running pods (directly, through workload
 * controllers or exec) under a namespace's service accounts, and nodes/proxy (exec in any pod). Every
 * edge carries the decision (binding, role, rule) that allows it. The shortest path from each subject to
 * full authority (cluster-admin or system:masters) is found breadth-first.
 */
import { authorize, type Decision, type RbacIndex } from './authorizer.js';
import { describeRuleSource, describeSubject } from './explain.js';
import { ALL_AUTHENTICATED, MASTERS, impersonatedUser, serviceAccountUsername } from './identity.js';
import { ANY, bindingSubjects } from './risks.js';
import { describeObject, type RequestAttributes, type Subject, type UserInfo } from './types.js';

export interface Identity {
  /** "Elevated": the subject itself after granting itself full authority (bind or escalate) */
  kind: 'User' | 'Group' | 'ServiceAccount' | 'Elevated';
  name: string;
  namespace: string;
}

export interface Hop {
  from: Identity;
  to: Identity;
  /** how, in words: "can create pods in namespace kube-system" */
  how: string;
  decision: Decision;
  request: RequestAttributes;
}

export interface EscalationPath {
  start: Identity;
  hops: Hop[];
  /** why the last identity has full authority */
  admin: { identity: Identity; decision: Decision };
}

const RBAC = 'rbac.authorization.k8s.io';
const FULL: RequestAttributes = { resourceRequest: true, verb: ANY, namespace: '', apiGroup: ANY, resource: ANY, subresource: '', name: '', path: '' };
const MASTERS_GROUP: Identity = { kind: 'Group', name: MASTERS, namespace: '' };
const ELEVATED: Identity = { kind: 'Elevated', name: 'cluster-admin', namespace: '' };
const WORKLOADS: [string, string][] = [['', 'pods'], ['apps', 'deployments'], ['apps', 'daemonsets'], ['apps', 'statefulsets'], ['apps', 'replicasets'], ['', 'replicationcontrollers'], ['batch', 'jobs'], ['batch', 'cronjobs']];

export function identityKey(i: Identity): string {
  return `${i.kind}:${i.namespace}:${i.name}`;
}

export function describeIdentity(i: Identity): string {
  if (i.kind === 'Elevated') return 'itself, with full authority';
  return describeSubject({ kind: i.kind, name: i.name, namespace: i.namespace, apiGroup: '' });
}

/** The user an identity stands for: a user, any member of a group, a service account with its groups. */
export function userOf(i: Identity): UserInfo {
  if (i.kind === 'ServiceAccount') return impersonatedUser(serviceAccountUsername(i.namespace, i.name));
  if (i.kind === 'Group' || i.kind === 'Elevated') return { name: `(a member of ${i.name})`, groups: i.name === ALL_AUTHENTICATED ? [i.name] : [i.name, ALL_AUTHENTICATED] };
  return impersonatedUser(i.name);
}

function fromSubject(s: Subject): Identity | undefined {
  if (s.kind === 'User' || s.kind === 'Group' || s.kind === 'ServiceAccount') return { kind: s.kind, name: s.name, namespace: s.kind === 'ServiceAccount' ? s.namespace : '' };
  return undefined;
}

const req = (verb: string, apiGroup: string, resource: string, namespace = '', name = '', subresource = ''): RequestAttributes => ({ resourceRequest: true, verb, namespace, apiGroup, resource, subresource, name, path: '' });

export interface PathGraph {
  index: RbacIndex;
  /** every identity the policy names */
  identities: Identity[];
  edges: (from: Identity) => Hop[];
  adminDecision: (i: Identity) => Decision | undefined;
}

export function pathGraph(index: RbacIndex): PathGraph {
  const p = index.policy;
  const byKey = new Map<string, Identity>();
  for (const b of [...p.clusterRoleBindings, ...p.roleBindings]) {
    for (const s of bindingSubjects(b)) {
      const i = fromSubject(s);
      if (i) byKey.set(identityKey(i), i);
    }
  }
  for (const sa of p.serviceAccounts) byKey.set(identityKey({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace }), { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace });
  byKey.set(identityKey(MASTERS_GROUP), MASTERS_GROUP);
  const identities = [...byKey.values()];
  const sasByNamespace = new Map<string, Identity[]>();
  for (const i of identities) if (i.kind === 'ServiceAccount') sasByNamespace.set(i.namespace, [...(sasByNamespace.get(i.namespace) ?? []), i]);
  const namespaces = [...sasByNamespace.keys()];
  const users = identities.filter((i) => i.kind === 'User');
  const groups = identities.filter((i) => i.kind === 'Group');

  const adminCache = new Map<string, Decision | undefined>();
  const adminDecision = (i: Identity): Decision | undefined => {
    const k = identityKey(i);
    if (!adminCache.has(k)) {
      const d = authorize(index, userOf(i), FULL);
      adminCache.set(k, d.allowed ? d : undefined);
    }
    return adminCache.get(k);
  };

  const edgeCache = new Map<string, Hop[]>();
  const edges = (from: Identity): Hop[] => {
    const k = identityKey(from);
    const cached = edgeCache.get(k);
    if (cached) return cached;
    const user = userOf(from);
    const out: Hop[] = [];
    const seen = new Set<string>();
    const tryEdge = (to: Identity, how: string, requests: RequestAttributes[]): boolean => {
      const key = identityKey(to);
      if (key === k || seen.has(key)) return false;
      const decisions = requests.map((r) => authorize(index, user, r));
      if (!decisions.every((d) => d.allowed)) return false;
      seen.add(key);
      out.push({ from, to, how, decision: decisions[decisions.length - 1] as Decision, request: requests[requests.length - 1] as RequestAttributes });
      return true;
    };
    // impersonation (impersonation.go: groups and users cluster-wide, service accounts in their namespace)
    tryEdge(MASTERS_GROUP, 'can impersonate group system:masters', [req('impersonate', '', 'groups', '', MASTERS)]);
    for (const g of groups) tryEdge(g, `can impersonate group ${g.name}`, [req('impersonate', '', 'groups', '', g.name)]);
    for (const u of users) tryEdge(u, `can impersonate user ${u.name}`, [req('impersonate', '', 'users', '', u.name)]);
    // a client certificate with O=system:masters through CSR create + approval
    tryEdge(MASTERS_GROUP, 'can create and approve a kube-apiserver-client CSR (a certificate for group system:masters)', [
      req('create', 'certificates.k8s.io', 'certificatesigningrequests'),
      req('update', 'certificates.k8s.io', 'certificatesigningrequests', '', '', 'approval'),
      req('approve', 'certificates.k8s.io', 'signers', '', 'kubernetes.io/kube-apiserver-client'),
    ]);
    // binding cluster-admin to itself, or escalating a role it holds (escalation_check.go)
    tryEdge(ELEVATED, 'can bind ClusterRole cluster-admin to itself (bind + create clusterrolebindings)', [req('create', RBAC, 'clusterrolebindings'), req('bind', RBAC, 'clusterroles', '', 'cluster-admin')]);
    tryEdge(ELEVATED, 'can write any rule into the ClusterRoles bound to it (escalate + update clusterroles)', [req('update', RBAC, 'clusterroles'), req('escalate', RBAC, 'clusterroles')]);
    // nodes/proxy: exec in every pod on every node, whatever its service account
    const nodeProxy = [req('get', '', 'nodes', '', '', 'proxy')];
    for (const sas of sasByNamespace.values()) for (const sa of sas) tryEdge(sa, 'can get nodes/proxy (kubelet exec in any pod, running as its service account)', nodeProxy);
    for (const ns of namespaces) {
      for (const sa of sasByNamespace.get(ns) ?? []) {
        if (tryEdge(sa, `can impersonate ServiceAccount ${ns}/${sa.name}`, [req('impersonate', '', 'serviceaccounts', ns, sa.name)])) continue;
        if (tryEdge(sa, `can request a token for ServiceAccount ${ns}/${sa.name}`, [req('create', '', 'serviceaccounts', ns, sa.name, 'token')])) continue;
        if (tryEdge(sa, `can read Secrets in namespace ${ns} (the service account's token Secret)`, [req('get', '', 'secrets', ns)])) continue;
        if (tryEdge(sa, `can create Secrets in namespace ${ns} (a service-account-token Secret is filled for ${sa.name})`, [req('create', '', 'secrets', ns)])) continue;
        let found = false;
        for (const [g, r] of WORKLOADS) {
          if ((found = tryEdge(sa, `can create ${r}${g ? `.${g}` : ''} in namespace ${ns} (a pod running as ${sa.name})`, [req('create', g, r, ns)]))) break;
        }
        if (!found) tryEdge(sa, `can exec into pods in namespace ${ns} (pods running as ${sa.name})`, [req('create', '', 'pods', ns, '', 'exec')]);
      }
    }
    edgeCache.set(k, out);
    return out;
  };
  return { index, identities, edges, adminDecision };
}

/** Shortest path from `start` to an identity with full authority, or undefined. A start that is already admin has no path. */
export function shortestPath(g: PathGraph, start: Identity, maxHops = 6): EscalationPath | undefined {
  const isAdmin = (i: Identity): Decision | undefined =>
    identityKey(i) === identityKey(MASTERS_GROUP) ? { allowed: true, by: 'system:masters', errors: [] } : i.kind === 'Elevated' ? { allowed: true, errors: [] } : g.adminDecision(i);
  if (isAdmin(start)) return undefined;
  const prev = new Map<string, Hop>();
  const visited = new Set([identityKey(start)]);
  let frontier = [start];
  for (let depth = 0; depth < maxHops && frontier.length; depth++) {
    const next: Identity[] = [];
    for (const node of frontier) {
      for (const hop of g.edges(node)) {
        const key = identityKey(hop.to);
        if (visited.has(key)) continue;
        visited.add(key);
        prev.set(key, hop);
        const admin = isAdmin(hop.to);
        if (admin) {
          const hops: Hop[] = [];
          for (let h: Hop | undefined = hop; h; h = prev.get(identityKey(h.from))) hops.unshift(h);
          return { start, hops, admin: { identity: hop.to, decision: admin } };
        }
        next.push(hop.to);
      }
    }
    frontier = next;
  }
  return undefined;
}

/** Every subject of the policy that is not admin itself but can become it, shortest paths first. */
export function escalationPaths(index: RbacIndex, opts: { from?: Identity; maxHops?: number } = {}): EscalationPath[] {
  const g = pathGraph(index);
  const starts = opts.from ? [opts.from] : g.identities;
  const out: EscalationPath[] = [];
  for (const s of starts) {
    const path = shortestPath(g, s, opts.maxHops);
    if (path) out.push(path);
  }
  return out.sort((a, b) => a.hops.length - b.hops.length || describeIdentity(a.start).localeCompare(describeIdentity(b.start)));
}

function evidenceOf(d: Decision): string {
  if (d.by === 'system:masters') return 'member of system:masters (allowed before RBAC)';
  if (!d.grant?.role || d.rule === undefined || d.ruleIndex === undefined) return '';
  return `${describeObject(d.grant.binding)} → ${describeRuleSource(d.grant.role, d.ruleIndex, d.rule)}`;
}

/** A path as text: one line per hop with the binding, role and rule that allow it. */
export function formatPath(p: EscalationPath): string[] {
  const lines = [`${describeIdentity(p.start)} → full authority in ${p.hops.length} step${p.hops.length === 1 ? '' : 's'}:`];
  p.hops.forEach((h, i) => {
    lines.push(`  ${i + 1}. ${describeIdentity(h.from)} ${h.how}`, `     evidence: ${evidenceOf(h.decision)}`, `     → ${describeIdentity(h.to)}`);
  });
  const last = p.admin.identity;
  if (last.kind !== 'Elevated') lines.push(`  ${describeIdentity(last)} ${p.admin.decision.by === 'system:masters' ? 'is system:masters: every request is allowed before RBAC' : `holds every verb on every resource: ${evidenceOf(p.admin.decision)}`}`);
  return lines;
}

/** "User:alice", "Group:devs", "ServiceAccount:ns:name" or "system:serviceaccount:ns:name" */
export function parseIdentity(text: string): Identity | undefined {
  if (text.startsWith('system:serviceaccount:')) {
    const [ns, name] = text.slice('system:serviceaccount:'.length).split(':');
    return ns && name ? { kind: 'ServiceAccount', namespace: ns, name } : undefined;
  }
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (colon < 0 || !rest) return undefined;
  if (kind === 'User' || kind === 'Group') return { kind, name: rest, namespace: '' };
  if (kind === 'ServiceAccount') {
    const [ns, name] = rest.split(':');
    return ns && name ? { kind, namespace: ns, name } : undefined;
  }
  return undefined;
}
