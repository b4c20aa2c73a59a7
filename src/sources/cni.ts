/**
 * CNI network configs in etc/cni/net.d (containernetworking/cni libcni conf.go: `.conf`, `.json`
 * single-plugin files and `.conflist` plugin lists). For plugins that keep state in etcd (Calico in
 * etcd datastore mode, flannel's etcd backend), how they reach etcd.
 */
import type { CniConfigFacts, CniPluginFacts } from '../model/control-plane.js';
import { describeNodeFile } from './files.js';
import { addProblem, listDir, readText, type NodeContext } from './node-fs.js';
import { asString, isRecord, parseDocuments, type ParsedDocument } from './yaml-doc.js';

export const CNI_DIR = 'etc/cni/net.d';

function pluginFacts(doc: ParsedDocument, p: Record<string, unknown>, path: string): CniPluginFacts {
  const endpoints = asString(p.etcd_endpoints) ?? '';
  const facts: CniPluginFacts = {
    type: asString(p.type) ?? '',
    etcdEndpoints: endpoints.split(',').map((s) => s.trim()).filter((s) => s.length > 0),
  };
  const set = (key: keyof CniPluginFacts, field: string): void => {
    const v = asString(p[field]);
    if (v !== undefined && v !== '') (facts as unknown as Record<string, string>)[key] = v;
  };
  set('datastoreType', 'datastore_type');
  set('etcdCaCertFile', 'etcd_ca_cert_file');
  set('etcdCertFile', 'etcd_cert_file');
  set('etcdKeyFile', 'etcd_key_file');
  const line = doc.lines[path];
  if (line !== undefined) facts.line = line;
  return facts;
}

export function cniConfigFacts(doc: ParsedDocument, file: string): CniConfigFacts {
  const v = isRecord(doc.value) ? doc.value : {};
  const facts: CniConfigFacts = { file, plugins: [] };
  const name = asString(v.name);
  if (name !== undefined) facts.name = name;
  if (Array.isArray(v.plugins)) {
    v.plugins.forEach((p: unknown, i: number) => {
      if (isRecord(p)) facts.plugins.push(pluginFacts(doc, p, `plugins.${i}`));
    });
  } else {
    facts.plugins.push(pluginFacts(doc, v, ''));
  }
  return facts;
}

/** Every CNI config on the node, and the etcd TLS files its plugins name. */
export function readCniConfigs(ctx: NodeContext): CniConfigFacts[] {
  const out: CniConfigFacts[] = [];
  for (const name of listDir(ctx, CNI_DIR, { practice: 'tls' }) ?? []) {
    if (!/\.(conf|conflist|json)$/.test(name)) continue;
    const file = `${CNI_DIR}/${name}`;
    const about = { practice: 'tls' as const, component: 'cni' };
    describeNodeFile(ctx, file, 'stat', about);
    const text = readText(ctx, file, about);
    if (text === undefined) continue;
    const parsed = parseDocuments(text);
    if (!parsed.ok || !parsed.docs[0]) {
      const e = parsed.ok ? { message: 'empty file', line: 1, col: 1 } : parsed.error;
      addProblem(ctx, about, `${file}:${e.line ?? 1}:${e.col ?? 1}: ${e.message}`, file, e.line);
      continue;
    }
    const facts = cniConfigFacts(parsed.docs[0], file);
    out.push(facts);
    for (const p of facts.plugins) {
      for (const [field, path] of [['etcd_ca_cert_file', p.etcdCaCertFile], ['etcd_cert_file', p.etcdCertFile], ['etcd_key_file', p.etcdKeyFile]] as const) {
        if (path) describeNodeFile(ctx, path, 'pem', { ...about, flag: `${field} in ${file}`, at: { kind: 'file', file, ...(p.line ? { line: p.line } : {}) } });
      }
    }
  }
  return out;
}
