/**
 * Reading RBAC: from YAML/JSON files and folders (multi-document, `List` and `*List` wrappers), or from
 * already-parsed objects (a snapshot, a live cluster, the model's cp.rbac). Objects read from files keep
 * their file and line (and each rule's line) so every decision can point at its source.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, isAbsolute } from 'node:path';
import { LineCounter, parseAllDocuments, isMap, isSeq, type Node as YamlNode } from 'yaml';
import type { Location, RbacObject } from '../model/control-plane.js';
import { aggregateClusterRoles } from './aggregate.js';
import type { Binding, LabelSelector, PolicyRule, RbacPolicy, Role, ServiceAccount, SourcedRule, Subject } from './types.js';

export const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ServiceAccount'] as const;

/** Input that cannot be read or parsed; names the file and line. */
export class RbacInputError extends Error {
  override readonly name = 'RbacInputError';
}

interface SourceInfo {
  at: Location;
  /** line of each entry of `rules` */
  ruleLines: (number | undefined)[];
}

// Where each object read from a file came from. Keyed by the object itself so the position survives the
// trip through cp.rbac (RbacObject[]) without adding fields to the Kubernetes object.
const sources = new WeakMap<object, SourceInfo>();

export function sourceOf(o: RbacObject): Location | undefined {
  return sources.get(o)?.at;
}

function lineOf(node: YamlNode | null | undefined, lc: LineCounter): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : lc.linePos(start).line;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function collect(value: unknown, node: YamlNode | null | undefined, file: string, lc: LineCounter, out: RbacObject[]): void {
  if (!isRecord(value) || typeof value.kind !== 'string') return;
  const kind = value.kind;
  if ((kind === 'List' || kind.endsWith('List')) && Array.isArray(value.items)) {
    const itemsNode = isMap(node) ? node.get('items', true) : undefined;
    value.items.forEach((item, i) => collect(item, isSeq(itemsNode) ? (itemsNode.items[i] as YamlNode | undefined) : undefined, file, lc, out));
    return;
  }
  if (!(RBAC_KINDS as readonly string[]).includes(kind)) return;
  const rulesNode = isMap(node) ? node.get('rules', true) : undefined;
  const ruleLines = isSeq(rulesNode) ? rulesNode.items.map((n) => lineOf(n as YamlNode, lc)) : [];
  const line = lineOf(node, lc);
  const at: Location = line === undefined ? { kind: 'file', file } : { kind: 'file', file, line };
  const obj = value as RbacObject;
  sources.set(obj, { at, ruleLines });
  out.push(obj);
}

/** Parses one file's text; `file` is the name used in locations and errors. */
export function parseRbacText(text: string, file: string): RbacObject[] {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  if (!Array.isArray(docs)) return [];
  const out: RbacObject[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0].line ?? lc.linePos(err.pos[0]).line;
      throw new RbacInputError(`${file}:${line}: ${err.message.split('\n')[0] ?? err.code}`);
    }
    collect(doc.toJS({ maxAliasCount: 1000 }), doc.contents, file, lc, out);
  }
  return out;
}

const RBAC_FILE = /\.(ya?ml|json)$/i;

async function filesUnder(path: string): Promise<string[]> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new RbacInputError(`${path}: no such file or directory`);
  }
  if (!st.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(path, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (RBAC_FILE.test(e.name)) out.push(p);
  }
  return out;
}

function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

/** Reads every file (folders recursively: *.yaml, *.yml, *.json) in order. */
export async function readRbacFiles(paths: readonly string[]): Promise<RbacObject[]> {
  const out: RbacObject[] = [];
  for (const p of paths) {
    for (const f of await filesUnder(p)) {
      let text: string;
      try {
        text = await readFile(f, 'utf8');
      } catch (e) {
        throw new RbacInputError(`${displayPath(f)}: ${(e as Error).message}`);
      }
      out.push(...parseRbacText(text, displayPath(f)));
    }
  }
  return out;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function toRule(v: unknown, at: Location): SourcedRule {
  const r = isRecord(v) ? v : {};
  const rule: PolicyRule = {
    verbs: strings(r.verbs),
    apiGroups: strings(r.apiGroups),
    resources: strings(r.resources),
    resourceNames: strings(r.resourceNames),
    nonResourceURLs: strings(r.nonResourceURLs),
  };
  return { ...rule, at };
}

function toSelector(v: unknown): LabelSelector {
  const s = isRecord(v) ? v : {};
  const exprs = Array.isArray(s.matchExpressions) ? s.matchExpressions : [];
  return {
    matchLabels: stringMap(s.matchLabels),
    matchExpressions: exprs.filter(isRecord).map((e) => ({ key: str(e.key), operator: str(e.operator), values: strings(e.values) })),
  };
}

function toSubject(v: unknown): Subject {
  const s = isRecord(v) ? v : {};
  return { kind: str(s.kind), name: str(s.name), namespace: str(s.namespace), apiGroup: str(s.apiGroup) };
}

export interface PolicyOptions {
  /** namespace for namespaced objects that have none (kustomize bases); kubectl apply uses the context namespace, "default" */
  defaultNamespace?: string;
  /** where objects that were not read from a file come from (default: the API object itself) */
  origin?: Location['kind'];
}

function objectName(kind: string, namespace: string, name: string): string {
  return namespace ? `${namespace}/${kind}/${name}` : `${kind}/${name}`;
}

/**
 * Builds the typed policy from raw objects (files, a snapshot, a live cluster). Later objects replace
 * earlier ones of the same kind, namespace and name, as a later `kubectl apply` would. Aggregated
 * ClusterRoles get the rules the aggregation controller would give them.
 */
export function loadRbacFromObjects(objects: readonly RbacObject[], opts: PolicyOptions = {}): RbacPolicy {
  const defaultNamespace = opts.defaultNamespace ?? 'default';
  const warnings: string[] = [];
  const roles = new Map<string, Role>();
  const clusterRoles = new Map<string, Role>();
  const roleBindings = new Map<string, Binding>();
  const clusterRoleBindings = new Map<string, Binding>();
  const serviceAccounts = new Map<string, ServiceAccount>();
  const seen = new Set<string>();
  const keep = <T>(m: Map<string, T>, key: string, entry: T, where: string | undefined): void => {
    if (seen.has(key)) warnings.push(`${where ?? key}: ${key} defined again; the later definition replaces the earlier one`);
    seen.add(key);
    m.set(key, entry);
  };
  for (const o of objects) {
    if (!(RBAC_KINDS as readonly string[]).includes(o.kind)) continue;
    const meta: Record<string, unknown> = isRecord(o.metadata) ? o.metadata : {};
    const name = str(meta.name);
    const src = sources.get(o);
    let namespace = o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding' ? '' : str(meta.namespace);
    const where = src?.at.file ? `${src.at.file}${src.at.line !== undefined ? `:${src.at.line}` : ''}` : undefined;
    if (!name) {
      warnings.push(`${where ?? o.kind}: ${o.kind} without metadata.name skipped`);
      continue;
    }
    if (!namespace && o.kind !== 'ClusterRole' && o.kind !== 'ClusterRoleBinding') {
      namespace = defaultNamespace;
      warnings.push(`${where ?? objectName(o.kind, '', name)}: ${o.kind} ${name} has no namespace; using "${namespace}"`);
    }
    const at: Location = src?.at ?? { kind: opts.origin ?? 'api', object: objectName(o.kind, namespace, name) };
    if (at.object === undefined) at.object = objectName(o.kind, namespace, name);
    const labels = stringMap(meta.labels);
    const annotations = stringMap(meta.annotations);
    const key = objectName(o.kind, namespace, name);
    if (o.kind === 'Role' || o.kind === 'ClusterRole') {
      const rawRules = Array.isArray(o.rules) ? o.rules : [];
      const rules = rawRules.map((r: unknown, i) => {
        const line = src?.ruleLines[i];
        const ruleAt: Location = line !== undefined ? { ...at, line } : at;
        return toRule(r, ruleAt);
      });
      const role: Role = { kind: o.kind, name, namespace, labels, annotations, rules, at };
      if (o.kind === 'ClusterRole' && isRecord(o.aggregationRule)) {
        const sels = Array.isArray(o.aggregationRule.clusterRoleSelectors) ? o.aggregationRule.clusterRoleSelectors : [];
        role.aggregationRule = { clusterRoleSelectors: sels.map(toSelector) };
      }
      keep(o.kind === 'Role' ? roles : clusterRoles, key, role, where);
    } else if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
      const ref = isRecord(o.roleRef) ? o.roleRef : {};
      const subjects = Array.isArray(o.subjects) ? o.subjects.map(toSubject) : [];
      const binding: Binding = { kind: o.kind, name, namespace, labels, annotations, roleRef: { kind: str(ref.kind), name: str(ref.name), apiGroup: str(ref.apiGroup) }, subjects, at };
      keep(o.kind === 'RoleBinding' ? roleBindings : clusterRoleBindings, key, binding, where);
    } else if (o.kind === 'ServiceAccount') {
      keep(serviceAccounts, key, { namespace, name, annotations, at }, where);
    }
  }
  const policy: RbacPolicy = {
    roles: [...roles.values()],
    clusterRoles: [...clusterRoles.values()],
    roleBindings: [...roleBindings.values()],
    clusterRoleBindings: [...clusterRoleBindings.values()],
    serviceAccounts: [...serviceAccounts.values()],
    warnings,
  };
  const agg = aggregateClusterRoles(policy.clusterRoles);
  policy.clusterRoles = agg.clusterRoles;
  warnings.push(...agg.warnings);
  return policy;
}

/** Files and folders → policy. */
export async function loadRbacFiles(paths: readonly string[], opts: PolicyOptions = {}): Promise<{ objects: RbacObject[]; policy: RbacPolicy }> {
  const objects = await readRbacFiles(paths);
  return { objects, policy: loadRbacFromObjects(objects, opts) };
}
