/**
 * YAML (1.1, as Kubernetes' sigs.k8s.io/yaml reads it) and JSON documents with the line of every
 * node, so a value read from a file can always be cited as file:line.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { parseFast } from './yaml-fast.js';

/** The yaml library, loaded only for files the fast path leaves to it (it is costly to load). */
let yamlLib: typeof Yaml | undefined;
function yaml(): typeof Yaml {
  yamlLib ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return yamlLib;
}

export interface ParsedDocument {
  value: unknown;
  /** dotted path → 1-based line; array items as "rules.0.level"; the root is "" */
  lines: Record<string, number>;
}

export interface ParseError {
  message: string;
  line?: number;
  col?: number;
}

export type ParseResult = { ok: true; docs: ParsedDocument[] } | { ok: false; error: ParseError };

function collectLines(node: unknown, path: string, lineOf: (offset: number) => number, lines: Record<string, number>): void {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const child = path ? `${path}.${key}` : key;
      const keyNode = pair.key as Yaml.Node | null;
      if (keyNode?.range) lines[child] = lineOf(keyNode.range[0]);
      collectLines(pair.value, child, lineOf, lines);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const child = path ? `${path}.${i}` : String(i);
      const n = item as Yaml.Node | null;
      if (n?.range) lines[child] = lineOf(n.range[0]);
      collectLines(item, child, lineOf, lines);
    });
  }
}

/** Parses every document of a YAML stream (JSON is read as YAML, as the apimachinery decoders do). */
export function parseDocuments(src: string): ParseResult {
  const fast = parseFast(src);
  if (fast) return { ok: true, docs: fast };
  return parseWithYaml(src);
}

/** The yaml library's reading (YAML 1.1), with its error for malformed input. */
export function parseWithYaml(src: string): ParseResult {
  const { LineCounter, parseAllDocuments } = yaml();
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(src, { lineCounter, version: '1.1', prettyErrors: false, uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [];
  const out: ParsedDocument[] = [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const pos = lineCounter.linePos(err.pos[0]);
      return { ok: false, error: { message: err.message.split('\n')[0] ?? err.message, line: pos.line, col: pos.col } };
    }
    if (doc.contents === null) continue;
    const lines: Record<string, number> = {};
    const root = doc.contents as Yaml.Node;
    if (root.range) lines[''] = lineCounter.linePos(root.range[0]).line;
    collectLines(root, '', (o) => lineCounter.linePos(o).line, lines);
    const value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
    // a document of only comments is no document
    if (value === null || value === undefined) continue;
    out.push({ value, lines });
  }
  return { ok: true, docs: out };
}

/** The line of `path` or of its nearest parent that has one. */
export function lineAt(lines: Record<string, number>, path: string): number | undefined {
  let p = path;
  for (;;) {
    const l = lines[p];
    if (l !== undefined) return l;
    if (p === '') return undefined;
    const dot = p.lastIndexOf('.');
    p = dot < 0 ? '' : p.slice(0, dot);
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}
