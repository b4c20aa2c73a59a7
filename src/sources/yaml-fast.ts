/**
 * A fast path for the plain YAML that Kubernetes files are made of: block maps and sequences,
 * one-line flow collections, quoted and plain scalars, literal block scalars, comments, several
 * documents. Loading and warming the `yaml` library costs more than the rest of a scan, so files
 * this reader fully understands skip it. It gives up (returns undefined) on anything else —
 * anchors, tags, folded or multi-line scalars, ambiguous YAML 1.1 scalars, malformed input — and the
 * caller then parses with `yaml`, which also words the errors. test/sources/yaml-fast.test.ts checks
 * that both give the same values and lines over every YAML file in the repository's fixtures.
 */
import type { ParsedDocument } from './yaml-doc.js';

/** Thrown to abandon the fast path. */
const GIVE_UP = new Error('yaml fast path: not understood');

interface Line {
  /** 1-based */
  no: number;
  indent: number;
  /** the line without its indentation */
  text: string;
  raw: string;
}

function giveUp(): never {
  throw GIVE_UP;
}

/** YAML 1.1 plain scalar resolution (as the yaml library's yaml-1.1 schema), or give up when unsure. */
function resolvePlain(s: string): unknown {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/.test(s)) return true;
  if (/^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/.test(s)) return false;
  if (/^[-+]?(?:0|[1-9][0-9]{0,14})$/.test(s)) return Number(s);
  if (/^[-+]?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/.test(s)) return Number(s);
  if (/^[-+]?[0-9.]/.test(s)) {
    // numbers, octal, hex, sexagesimal and timestamps never have two dots or letters beyond these
    if (/^\d{4}-\d\d?-\d\d?/.test(s)) giveUp();
    if ((s.match(/\./g) ?? []).length >= 2) return s;
    if (/[g-wyzG-WYZ]/.test(s)) return s;
    giveUp();
  }
  if (s === '<<' || /^[?:@`%&*!|>'"]/.test(s)) giveUp();
  return s;
}

const DQ_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', ' ': ' ' };

/** A quoted scalar starting at text[i]; returns the value and the index after the closing quote. */
function quoted(text: string, i: number): [string, number] {
  const q = text[i];
  let out = '';
  for (let j = i + 1; j < text.length; j++) {
    const ch = text[j]!;
    if (q === "'") {
      if (ch === "'") {
        if (text[j + 1] === "'") {
          out += "'";
          j++;
          continue;
        }
        return [out, j + 1];
      }
      out += ch;
    } else {
      if (ch === '"') return [out, j + 1];
      if (ch === '\\') {
        const e = text[++j];
        if (e === undefined) giveUp();
        const simple = DQ_ESCAPES[e];
        if (simple !== undefined) out += simple;
        else if (e === 'x' || e === 'u') {
          const n = e === 'x' ? 2 : 4;
          const hex = text.slice(j + 1, j + 1 + n);
          if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) giveUp();
          out += String.fromCharCode(parseInt(hex, 16));
          j += n;
        } else giveUp();
      } else out += ch;
    }
  }
  return giveUp(); // not closed on this line: a multi-line scalar
}

/** Nothing but spaces and a comment may follow a value. */
function endOfValue(text: string, i: number): void {
  const rest = text.slice(i);
  if (rest.trim() !== '' && !/^\s+#/.test(rest)) giveUp();
}

/** A one-line flow collection or scalar starting at text[i]. */
function flow(text: string, i: number, line: number, path: string, lines: Record<string, number>): [unknown, number] {
  const skip = (k: number): number => {
    while (text[k] === ' ') k++;
    return k;
  };
  i = skip(i);
  const ch = text[i];
  if (ch === '[') {
    const out: unknown[] = [];
    i = skip(i + 1);
    while (text[i] !== ']') {
      const p = path ? `${path}.${out.length}` : String(out.length);
      lines[p] = line;
      const [v, next] = flow(text, i, line, p, lines);
      out.push(v);
      i = skip(next);
      if (text[i] === ',') i = skip(i + 1);
      else if (text[i] !== ']') giveUp();
    }
    return [out, i + 1];
  }
  if (ch === '{') {
    const out: Record<string, unknown> = {};
    i = skip(i + 1);
    while (text[i] !== '}') {
      let key: string;
      if (text[i] === '"' || text[i] === "'") [key, i] = quoted(text, i);
      else {
        const m = /^[^,:{}[\]#'"\s][^,:{}[\]]*?(?=\s*:)/.exec(text.slice(i));
        if (!m) giveUp();
        const k = resolvePlain(m[0].trim());
        if (typeof k !== 'string') giveUp();
        key = k;
        i += m[0].length;
      }
      i = skip(i);
      if (text[i] !== ':') giveUp();
      const p = path ? `${path}.${key}` : key;
      lines[p] = line;
      const [v, next] = flow(text, i + 1, line, p, lines);
      out[key] = v;
      i = skip(next);
      if (text[i] === ',') i = skip(i + 1);
      else if (text[i] !== '}') giveUp();
    }
    return [out, i + 1];
  }
  if (ch === '"' || ch === "'") return quoted(text, i);
  const m = /^[^,{}[\]#\s]([^,{}[\]]*[^,{}[\]\s])?/.exec(text.slice(i));
  if (!m || /:\s|:$|\s#/.test(m[0])) giveUp();
  return [resolvePlain(m[0]), i + m[0].length];
}

/** Splits "key: rest" (or "key:" at the end); undefined when the text is not a mapping entry. */
function splitKey(text: string): { key: string; rest: string } | undefined {
  if (text.startsWith('"') || text.startsWith("'")) {
    const [key, i] = quoted(text, 0);
    const after = text.slice(i);
    if (/^\s*:(\s|$)/.test(after)) return { key, rest: after.replace(/^\s*:/, '').trim() };
    return undefined;
  }
  if (/^[[{\-?#]/.test(text) && !/^-[^\s]/.test(text)) return undefined;
  const m = /^(.*?)\s*:(?:\s+|$)/.exec(text);
  if (!m || m[1] === '' || / #/.test(m[1]!)) return undefined;
  const k = resolvePlain(m[1]!);
  if (typeof k !== 'string') giveUp();
  return { key: k, rest: text.slice(m[0].length) };
}

function parseLines(src: string): Line[] {
  return src.split(/\r?\n/).map((raw, i) => {
    const indent = raw.length - raw.replace(/^ +/, '').length;
    if (raw[indent] === '\t') giveUp();
    return { no: i + 1, indent, text: raw.slice(indent), raw };
  });
}

function isBlank(l: Line): boolean {
  return l.text === '' || l.text.startsWith('#') || /^\s*$/.test(l.text);
}

/** Parses one document's lines. */
function documentOf(lines: Line[]): ParsedDocument | undefined {
  let pos = 0;
  const out: Record<string, number> = {};
  const next = (): Line | undefined => {
    while (pos < lines.length && isBlank(lines[pos]!)) pos++;
    return lines[pos];
  };

  /** A literal block scalar whose header ended line `header`; `parentIndent` is the indentation of its key or item. */
  const literal = (header: string, parentIndent: number): string => {
    const m = /^\|([+-]?)\s*(#.*)?$/.exec(header);
    if (!m) giveUp();
    const body: string[] = [];
    let contentIndent = -1;
    while (pos < lines.length) {
      const l = lines[pos]!;
      if (l.raw.trim() === '') {
        body.push(contentIndent >= 0 ? l.raw.slice(contentIndent) : '');
        pos++;
        continue;
      }
      if (contentIndent < 0) {
        if (l.indent <= parentIndent) break;
        contentIndent = l.indent;
      }
      if (l.indent < contentIndent) break;
      body.push(l.raw.slice(contentIndent));
      pos++;
    }
    if (contentIndent < 0 && body.some((b) => b !== '')) giveUp();
    let end = body.length;
    while (end > 0 && body[end - 1] === '') end--;
    const content = body.slice(0, end).join('\n');
    if (m[1] === '-') return content;
    if (m[1] === '+') return content + '\n'.repeat(body.length - end + (end > 0 ? 1 : 0));
    return end > 0 ? `${content}\n` : '';
  };

  /** The value written after "key:" or "- " on line `l` (rest non-empty). */
  const inlineValue = (rest: string, l: Line, parentIndent: number, path: string): unknown => {
    if (rest.startsWith('|')) return literal(rest, parentIndent);
    if (rest.startsWith('[') || rest.startsWith('{') || rest.startsWith('"') || rest.startsWith("'")) {
      const [v, i] = flow(rest, 0, l.no, path, out);
      endOfValue(rest, i);
      return v;
    }
    const text = rest.replace(/\s+#.*$/, '').trimEnd();
    if (/:\s|:$/.test(text)) giveUp();
    const after = next();
    if (after && after.indent > parentIndent && !isBlank(after)) giveUp(); // a plain scalar continued on the next line
    return resolvePlain(text);
  };

  const block = (indent: number, path: string): unknown => {
    const l = next()!;
    if (l.indent !== indent) giveUp();
    return l.text === '-' || l.text.startsWith('- ') ? sequence(indent, path) : mapping(indent, path);
  };

  /** The value of an entry whose text after the indicator is empty: a nested block, a sequence at the same indent (maps only), or null. */
  const nestedValue = (indent: number, path: string, sameIndentSeq: boolean): unknown => {
    const n = next();
    if (!n) return null;
    if (n.indent > indent) return block(n.indent, path);
    if (sameIndentSeq && n.indent === indent && (n.text === '-' || n.text.startsWith('- '))) return sequence(indent, path);
    return null;
  };

  const sequence = (indent: number, path: string): unknown[] => {
    const items: unknown[] = [];
    for (let l = next(); l && l.indent === indent && (l.text === '-' || l.text.startsWith('- ')); l = next()) {
      const p = path ? `${path}.${items.length}` : String(items.length);
      const rest = l.text.slice(1).trimStart();
      if (rest === '' || rest.startsWith('#')) {
        pos++;
        const n = next();
        if (n && n.indent > indent) out[p] = n.no;
        items.push(nestedValue(indent, p, false));
        continue;
      }
      out[p] = l.no;
      if (rest.startsWith('- ') || rest === '-') giveUp();
      const itemIndent = indent + (l.text.length - rest.length);
      if (splitKey(rest)) {
        // "- key: value": a mapping whose first entry shares the dash's line
        lines[pos] = { no: l.no, indent: itemIndent, text: rest, raw: l.raw };
        items.push(mapping(itemIndent, p));
        continue;
      }
      pos++;
      items.push(inlineValue(rest, l, indent, p));
    }
    return items;
  };

  const mapping = (indent: number, path: string): Record<string, unknown> => {
    const map: Record<string, unknown> = {};
    for (let l = next(); l && l.indent >= indent; l = next()) {
      if (l.indent > indent) giveUp();
      if (l.text === '-' || l.text.startsWith('- ')) break;
      const kv = splitKey(l.text);
      if (!kv) giveUp();
      const p = path ? `${path}.${kv.key}` : kv.key;
      out[p] = l.no;
      pos++;
      const rest = kv.rest;
      map[kv.key] = rest === '' || rest.startsWith('#') ? nestedValue(indent, p, true) : inlineValue(rest, l, indent, p);
    }
    return map;
  };

  const first = next();
  if (!first) return undefined;
  out[''] = first.no;
  let value: unknown;
  if (first.indent === 0 && !first.text.startsWith('- ') && first.text !== '-' && !splitKey(first.text)) {
    // a document that is a single flow collection or scalar
    const [v, i] = flow(first.text, 0, first.no, '', out);
    endOfValue(first.text, i);
    pos++;
    value = v;
  } else {
    value = block(first.indent, '');
  }
  if (next()) giveUp(); // lines left over: less indented than the document, or malformed
  return { value, lines: out };
}

/** A JSON document (JSON is YAML) with the line of every member and item. */
function jsonDocument(src: string): ParsedDocument {
  const lines: Record<string, number> = {};
  let i = 0;
  let line = 1;
  const ws = (): void => {
    for (; i < src.length; i++) {
      const ch = src[i];
      if (ch === '\n') line++;
      else if (ch !== ' ' && ch !== '\t' && ch !== '\r') break;
    }
  };
  // sticky regexes read at i without copying the rest of the text
  const STRING = /"(?:[^"\\\n]|\\.)*"/y;
  const LITERAL = /true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
  const string = (): string => {
    STRING.lastIndex = i;
    const m = STRING.exec(src);
    if (!m) giveUp();
    i += m[0].length;
    return JSON.parse(m[0]) as string;
  };
  const value = (path: string): unknown => {
    ws();
    const ch = src[i];
    if (ch === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (src[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        const keyLine = line;
        const key = string();
        ws();
        if (src[i++] !== ':') giveUp();
        const p = path ? `${path}.${key}` : key;
        lines[p] = keyLine;
        out[key] = value(p);
        ws();
        if (src[i] === ',') i++;
        else if (src[i++] === '}') return out;
        else giveUp();
      }
    }
    if (ch === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (src[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        const p = path ? `${path}.${out.length}` : String(out.length);
        lines[p] = line;
        out.push(value(p));
        ws();
        if (src[i] === ',') i++;
        else if (src[i++] === ']') return out;
        else giveUp();
      }
    }
    if (ch === '"') return string();
    LITERAL.lastIndex = i;
    const m = LITERAL.exec(src);
    if (!m) giveUp();
    i += m[0].length;
    return JSON.parse(m[0]) as unknown;
  };
  ws();
  lines[''] = line;
  const v = value('');
  ws();
  if (i < src.length) giveUp();
  return { value: v, lines };
}

/** Parses a YAML stream; undefined when the fast path does not fully understand it. */
export function parseFast(src: string): ParsedDocument[] | undefined {
  if (src.startsWith('\uFEFF')) return undefined;
  try {
    if (/^\s*[{[]/.test(src) && /[}\]]\s*$/.test(src)) return [jsonDocument(src)];
    const all = parseLines(src);
    const docs: ParsedDocument[] = [];
    let start = 0;
    const flush = (end: number): void => {
      const d = documentOf(all.slice(start, end));
      if (d && d.value !== null) docs.push(d);
    };
    for (let i = 0; i < all.length; i++) {
      const l = all[i]!;
      if (l.indent === 0 && /^(---|\.\.\.)(\s|$)/.test(l.text)) {
        if (l.text.slice(3).trim() !== '' && !l.text.slice(3).trim().startsWith('#')) giveUp();
        flush(i);
        start = i + 1;
      } else if (l.indent === 0 && l.text.startsWith('%')) {
        giveUp();
      }
    }
    flush(all.length);
    return docs;
  } catch {
    // GIVE_UP, or input this reader trips over: the yaml library decides
    return undefined;
  }
}
