/**
 * The part of CEL that real AuthenticationConfiguration files use, evaluated over plain JSON values:
 * literals, `claims.x` / `user.x` selection and `[..]` indexing, optional selection `x.?y` with
 * `.orValue()` / `.hasValue()`, `has()`, `size()`, `string()`, `int()`, `.startsWith()`,
 * `.endsWith()`, `.contains()`, `.lowerAscii()`, `.upperAscii()`, `.split()`, `.join()`, the macros
 * `.map()`, `.filter()`, `.all()`, `.exists()`, `!`, `-`, arithmetic, comparisons, `in`, `&&`, `||`
 * and `?:`. Anything else is `CelUnsupported` so the caller says "cannot evaluate" instead of
 * guessing. Semantics follow cel-spec langdef.md: selecting a missing field is an error (`has()`
 * tests presence), `&&`/`||` absorb an error when the other side decides the result.
 */
export type CelValue = string | number | boolean | null | CelValue[] | { [k: string]: CelValue } | CelOptional;

interface CelOptional {
  optional: true;
  value?: CelValue;
}

/** The expression uses CEL this evaluator does not implement. */
export class CelUnsupported extends Error {
  override readonly name = 'CelUnsupported';
}

/** A CEL evaluation error (no such key, type mismatch): the API server rejects the token on these. */
export class CelError extends Error {
  override readonly name = 'CelError';
}

type Node =
  | { t: 'lit'; v: CelValue }
  | { t: 'id'; name: string }
  | { t: 'list'; items: Node[] }
  | { t: 'sel'; obj: Node; field: string; optional: boolean }
  | { t: 'idx'; obj: Node; index: Node }
  | { t: 'call'; fn: string; target?: Node; args: Node[] }
  | { t: 'un'; op: '!' | '-'; arg: Node }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'cond'; c: Node; a: Node; b: Node };

const TOKEN = /\s*(?:(\d+\.\d+|\d+)(u?)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([A-Za-z_][A-Za-z0-9_]*)|(\.\?|==|!=|<=|>=|&&|\|\||[-+*/%!<>?:.,()[\]{}]))/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m) throw new CelUnsupported(`unexpected text at ${start}: ${src.slice(start, start + 10)}`);
    out.push(m[0].trim());
  }
  return out;
}

function unquote(tok: string): string {
  const body = tok.slice(1, -1);
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

const BINARY: [string[], number][] = [
  [['||'], 1],
  [['&&'], 2],
  [['==', '!=', '<', '<=', '>', '>=', 'in'], 3],
  [['+', '-'], 4],
  [['*', '/', '%'], 5],
];

function precedence(tok: string | undefined): number {
  for (const [ops, p] of BINARY) if (tok !== undefined && ops.includes(tok)) return p;
  return 0;
}

function parseCel(src: string): Node {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const next = (): string => {
    const t = toks[i++];
    if (t === undefined) throw new CelUnsupported('unexpected end of expression');
    return t;
  };
  const expect = (t: string): void => {
    const got = next();
    if (got !== t) throw new CelUnsupported(`expected ${t}, found ${got}`);
  };
  const args = (): Node[] => {
    const out: Node[] = [];
    if (peek() === ')') {
      i++;
      return out;
    }
    for (;;) {
      out.push(expr());
      const t = next();
      if (t === ')') return out;
      if (t !== ',') throw new CelUnsupported(`expected , or ) in arguments, found ${t}`);
    }
  };
  const primary = (): Node => {
    const t = next();
    if (t === '(') {
      const e = expr();
      expect(')');
      return e;
    }
    if (t === '[') {
      const items: Node[] = [];
      if (peek() === ']') i++;
      else
        for (;;) {
          items.push(expr());
          const s = next();
          if (s === ']') break;
          if (s !== ',') throw new CelUnsupported(`expected , or ] in a list, found ${s}`);
        }
      return { t: 'list', items };
    }
    if (t === '!' || t === '-') return { t: 'un', op: t, arg: unary() };
    if (/^\d/.test(t)) return { t: 'lit', v: Number(t.replace(/u$/, '')) };
    if (t.startsWith('"') || t.startsWith("'")) return { t: 'lit', v: unquote(t) };
    if (t === 'true' || t === 'false') return { t: 'lit', v: t === 'true' };
    if (t === 'null') return { t: 'lit', v: null };
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === '(') {
        i++;
        return { t: 'call', fn: t, args: args() };
      }
      return { t: 'id', name: t };
    }
    throw new CelUnsupported(`unexpected ${t}`);
  };
  const postfix = (): Node => {
    let n = primary();
    for (;;) {
      const t = peek();
      if (t === '.' || t === '.?') {
        i++;
        const field = next();
        if (!/^[A-Za-z_]/.test(field)) throw new CelUnsupported(`expected a field name after ${t}`);
        if (t === '.' && peek() === '(') {
          i++;
          n = { t: 'call', fn: field, target: n, args: args() };
        } else n = { t: 'sel', obj: n, field, optional: t === '.?' };
      } else if (t === '[') {
        i++;
        const index = expr();
        expect(']');
        n = { t: 'idx', obj: n, index };
      } else return n;
    }
  };
  const unary = (): Node => {
    const t = peek();
    if (t === '!' || t === '-') {
      i++;
      return { t: 'un', op: t, arg: unary() };
    }
    return postfix();
  };
  const binary = (min: number): Node => {
    let l = unary();
    for (;;) {
      const op = peek();
      const p = precedence(op);
      if (p === 0 || p < min || op === undefined) return l;
      i++;
      l = { t: 'bin', op, l, r: binary(p + 1) };
    }
  };
  const expr = (): Node => {
    const c = binary(1);
    if (peek() !== '?') return c;
    i++;
    const a = expr();
    expect(':');
    return { t: 'cond', c, a, b: expr() };
  };
  const root = expr();
  if (i !== toks.length) throw new CelUnsupported(`unexpected ${toks[i] ?? ''}`);
  return root;
}

function isOptional(v: CelValue): v is CelOptional {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { optional?: unknown }).optional === true && Object.keys(v).every((k) => k === 'optional' || k === 'value');
}

function isMap(v: CelValue): v is { [k: string]: CelValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isOptional(v);
}

function typeName(v: CelValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (isOptional(v)) return 'optional';
  if (typeof v === 'object') return 'map';
  return typeof v === 'number' ? 'number' : typeof v;
}

function equal(a: CelValue, b: CelValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, k) => equal(x, b[k]!));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equal(a[k]!, b[k]!));
  }
  return a === b;
}

function select(obj: CelValue, field: string): CelValue {
  if (!isMap(obj)) throw new CelError(`cannot select "${field}" from a ${typeName(obj)}`);
  if (!(field in obj)) throw new CelError(`no such key: ${field}`);
  return obj[field]!;
}

function bool(v: CelValue, what: string): boolean {
  if (typeof v !== 'boolean') throw new CelError(`${what} is a ${typeName(v)}, not a bool`);
  return v;
}

function str(v: CelValue, what: string): string {
  if (typeof v !== 'string') throw new CelError(`${what} is a ${typeName(v)}, not a string`);
  return v;
}

function list(v: CelValue, what: string): CelValue[] {
  if (!Array.isArray(v)) throw new CelError(`${what} is a ${typeName(v)}, not a list`);
  return v;
}

type Env = Record<string, CelValue>;

function evalNode(n: Node, env: Env): CelValue {
  switch (n.t) {
    case 'lit':
      return n.v;
    case 'id':
      if (!(n.name in env)) throw new CelError(`undeclared reference to ${n.name}`);
      return env[n.name]!;
    case 'list':
      return n.items.map((x) => evalNode(x, env));
    case 'sel': {
      const obj = evalNode(n.obj, env);
      if (isOptional(obj)) {
        if (obj.value === undefined || !isMap(obj.value) || !(n.field in obj.value)) return { optional: true };
        return { optional: true, value: obj.value[n.field]! };
      }
      if (n.optional) return isMap(obj) && n.field in obj ? { optional: true, value: obj[n.field]! } : { optional: true };
      return select(obj, n.field);
    }
    case 'idx': {
      const obj = evalNode(n.obj, env);
      const k = evalNode(n.index, env);
      if (Array.isArray(obj) && typeof k === 'number') {
        if (k < 0 || k >= obj.length || !Number.isInteger(k)) throw new CelError(`index ${k} out of range`);
        return obj[k]!;
      }
      return select(obj, str(k, 'a map key'));
    }
    case 'un': {
      const v = evalNode(n.arg, env);
      if (n.op === '!') return !bool(v, 'the operand of !');
      if (typeof v !== 'number') throw new CelError('the operand of - is not a number');
      return -v;
    }
    case 'cond':
      return bool(evalNode(n.c, env), 'the condition') ? evalNode(n.a, env) : evalNode(n.b, env);
    case 'bin':
      return evalBinary(n.op, n.l, n.r, env);
    case 'call':
      return evalCall(n, env);
  }
}

function evalBinary(op: string, ln: Node, rn: Node, env: Env): CelValue {
  if (op === '&&' || op === '||') {
    // cel-spec: commutative short-circuit; an error on one side is absorbed when the other decides
    const decides = op === '||';
    let err: Error | undefined;
    for (const side of [ln, rn]) {
      try {
        if (bool(evalNode(side, env), `an operand of ${op}`) === decides) return decides;
      } catch (e) {
        if (!(e instanceof CelError)) throw e;
        err = e;
      }
    }
    if (err) throw err;
    return !decides;
  }
  const l = evalNode(ln, env);
  const r = evalNode(rn, env);
  switch (op) {
    case '==':
      return equal(l, r);
    case '!=':
      return !equal(l, r);
    case 'in':
      if (Array.isArray(r)) return r.some((x) => equal(x, l));
      if (isMap(r)) return str(l, 'the key of in') in r;
      throw new CelError(`the right side of in is a ${typeName(r)}`);
    case '+':
      if (typeof l === 'string' && typeof r === 'string') return l + r;
      if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
      break;
    default:
      break;
  }
  if (typeof l === 'number' && typeof r === 'number') {
    switch (op) {
      case '+': return l + r;
      case '-': return l - r;
      case '*': return l * r;
      case '/': if (r === 0) throw new CelError('division by zero'); return Math.trunc(l / r);
      case '%': if (r === 0) throw new CelError('modulus by zero'); return l % r;
      case '<': return l < r;
      case '<=': return l <= r;
      case '>': return l > r;
      case '>=': return l >= r;
    }
  }
  if (typeof l === 'string' && typeof r === 'string' && ['<', '<=', '>', '>='].includes(op)) {
    return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
  }
  throw new CelError(`no such overload: ${typeName(l)} ${op} ${typeName(r)}`);
}

const MACROS = new Set(['map', 'filter', 'all', 'exists']);

function evalCall(n: Extract<Node, { t: 'call' }>, env: Env): CelValue {
  if (!n.target) {
    const [a] = n.args;
    if (n.args.length !== 1 || !a) throw new CelUnsupported(`${n.fn}() with ${n.args.length} arguments`);
    if (n.fn === 'has') {
      if (a.t !== 'sel' || a.optional) throw new CelError('has() needs a field selection');
      const obj = evalNode(a.obj, env);
      return isMap(obj) && a.field in obj;
    }
    const v = evalNode(a, env);
    if (n.fn === 'size') {
      if (typeof v === 'string') return [...v].length;
      if (Array.isArray(v)) return v.length;
      if (isMap(v)) return Object.keys(v).length;
      throw new CelError(`size() of a ${typeName(v)}`);
    }
    if (n.fn === 'string') return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : (() => { throw new CelError(`string() of a ${typeName(v)}`); })();
    if (n.fn === 'int') {
      const x = typeof v === 'number' ? Math.trunc(v) : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
      if (Number.isNaN(x)) throw new CelError(`int() of ${typeName(v)}`);
      return x;
    }
    throw new CelUnsupported(`function ${n.fn}()`);
  }
  if (MACROS.has(n.fn)) {
    const [v, body] = n.args;
    if (n.args.length !== 2 || v?.t !== 'id' || !body) throw new CelUnsupported(`${n.fn}() with ${n.args.length} arguments`);
    const items = list(evalNode(n.target, env), `the target of ${n.fn}()`);
    const each = (x: CelValue): CelValue => evalNode(body, { ...env, [v.name]: x });
    if (n.fn === 'map') return items.map(each);
    if (n.fn === 'filter') return items.filter((x) => bool(each(x), 'the filter predicate'));
    if (n.fn === 'all') return items.every((x) => bool(each(x), 'the all() predicate'));
    return items.some((x) => bool(each(x), 'the exists() predicate'));
  }
  const target = evalNode(n.target, env);
  const args = n.args.map((a) => evalNode(a, env));
  if (isOptional(target)) {
    if (n.fn === 'orValue' && args.length === 1) return target.value === undefined ? args[0]! : target.value;
    if (n.fn === 'hasValue' && args.length === 0) return target.value !== undefined;
    if (n.fn === 'value' && args.length === 0) {
      if (target.value === undefined) throw new CelError('optional.none() has no value');
      return target.value;
    }
    throw new CelUnsupported(`optional.${n.fn}()`);
  }
  const s = (): string => str(target, `the target of ${n.fn}()`);
  const a0 = (): string => str(args[0] ?? null, `the argument of ${n.fn}()`);
  switch (n.fn) {
    case 'startsWith': return s().startsWith(a0());
    case 'endsWith': return s().endsWith(a0());
    case 'contains': return s().includes(a0());
    case 'lowerAscii': return s().replace(/[A-Z]/g, (c) => c.toLowerCase());
    case 'upperAscii': return s().replace(/[a-z]/g, (c) => c.toUpperCase());
    case 'split': return s().split(a0());
    case 'join': return list(target, 'the target of join()').map((x) => str(x, 'a joined item')).join(args.length > 0 ? a0() : '');
    default: throw new CelUnsupported(`method .${n.fn}()`);
  }
}

/** Evaluates a CEL expression with the given variables (`claims`, `user`); throws CelUnsupported or CelError. */
export function evalCel(expression: string, env: Env): CelValue {
  return evalNode(parseCel(expression), env);
}

/** JSON (claims from a token) as CEL values. */
export function toCel(v: unknown): CelValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(toCel);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCel(x)]));
  return null;
}
