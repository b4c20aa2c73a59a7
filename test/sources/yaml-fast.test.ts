/**
 * The fast YAML path must read exactly what the yaml library reads (values and lines), or give up.
 * Differential: every YAML/JSON file under test/fixtures and examples, plus crafted cases.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFast } from '../../src/sources/yaml-fast.js';
import { parseDocuments, parseWithYaml } from '../../src/sources/yaml-doc.js';

const REPO = join(import.meta.dirname, '../..');

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) walk(p, out);
    else if (/\.(ya?ml|json|conflist|conf)$/.test(name) && st.size < 2_000_000) out.push(p);
  }
  return out;
}

function expectSame(src: string): 'fast' | 'gave up' {
  const fast = parseFast(src);
  if (!fast) return 'gave up';
  const lib = parseWithYaml(src);
  expect(lib.ok).toBe(true);
  if (!lib.ok) return 'fast';
  expect(fast.map((d) => d.value)).toStrictEqual(lib.docs.map((d) => d.value));
  expect(fast.map((d) => d.lines)).toStrictEqual(lib.docs.map((d) => d.lines));
  return 'fast';
}

describe('parseFast agrees with the yaml library', () => {
  it('on every YAML and JSON file of the repository fixtures and examples', () => {
    const files = [...walk(join(REPO, 'test/fixtures')), ...walk(join(REPO, 'examples'))];
    let fast = 0;
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      if (src.includes('\0')) continue;
      if (expectSame(src) === 'fast') fast++;
    }
    expect(files.length).toBeGreaterThan(10);
    // every manifest, kubeconfig and config of the bundled node roots takes the fast path
    expect(fast).toBeGreaterThan(files.length / 2);
  });

  const cases: [string, string][] = [
    ['nested maps, same-indent sequences, compact maps in sequences', 'a:\n  b: 1\n  c:\n  - x\n  - w: 2\n    z: [3, "4", {k: v}]\nd: ~\ne:\n'],
    ['YAML 1.1 scalars', 'a: yes\nb: Off\nc: 1.5\nd: -3\ne: 10.96.0.10\nf: 10s\ng: null\nh: "0644"\ni: \'it\'\'s\'\nj: 3.5.12-0x\n'],
    ['comments everywhere', '# head\na: 1 # tail\n# mid\nb:\n  # inner\n  - c # x\n'],
    ['literal block scalars with chomping', 'a: |\n  line 1\n\n  # not a comment\n  line 3\n\nb: |-\n  x\nc: |+\n  y\n\nd: x\n'],
    ['a sequence of block scalars', 'certs:\n- |\n  -----BEGIN CERTIFICATE-----\n  abc\n  -----END CERTIFICATE-----\n- plain\n'],
    ['dash alone then a nested map', 'items:\n-\n  name: a\n  value: b\n- name: c\n'],
    ['several documents', '---\na: 1\n---\n# only a comment\n---\n- b\n...\n'],
    ['double-quoted escapes', 'a: "tab\\there \\"q\\" \\u00e9 \\x41 back\\\\slash"\n'],
    ['flow collections on one line', 'volumes: [{name: pki, hostPath: {path: /etc/kubernetes/pki}}, {name: b, emptyDir: {}}]\nempty: []\n'],
    ['keys with dots, slashes and quotes', 'metadata:\n  annotations:\n    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://10.0.0.10:2379\n    "quoted key": v\n'],
    ['JSON with nesting', '{\n  "name": "k8s",\n  "plugins": [\n    {"type": "calico", "n": 1.5e3, "ok": true, "x": null},\n    {"type": "portmap"}\n  ]\n}\n'],
    ['CRLF line ends', 'a: 1\r\nb:\r\n  - c\r\n'],
    ['a scalar document', 'just text\n'],
  ];
  for (const [name, src] of cases) {
    it(name, () => {
      expect(expectSame(src)).toBe('fast');
    });
  }

  const giveUps: [string, string][] = [
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['folded scalars', 'a: >\n  x\n  y\n'],
    ['multi-line plain scalars', 'a: one\n  two\n'],
    ['multi-line quoted scalars', 'a: "one\n  two"\n'],
    ['octal and timestamps', 'a: 0644\n'],
    ['a date', 'a: 2001-12-14\n'],
    ['YAML 1.1 boolean keys (y: is true)', 'y: 1\n'],
    ['merge keys', 'a: {x: 1}\nb:\n  <<: {y: 2}\n'],
    ['tabs in indentation', 'a:\n\tb: 1\n'],
    ['malformed: bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['malformed: unclosed flow', 'a: [1, 2\n'],
  ];
  for (const [name, src] of giveUps) {
    it(`gives up on ${name}`, () => {
      expect(parseFast(src)).toBeUndefined();
    });
  }

  it('malformed input still gets the yaml library\'s error with line and column', () => {
    const r = parseDocuments('a:\n    b: 1\n  c: 2\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.line).toBe(3);
  });
});
