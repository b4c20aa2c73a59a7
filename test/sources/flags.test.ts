import { describe, expect, it } from 'vitest';
import type { ComponentKind } from '../../src/model/control-plane.js';
import { parseFlags } from '../../src/sources/flags.js';

function parse(args: string[], kind: ComponentKind = 'kube-apiserver') {
  return parseFlags(
    args.map((text, i) => ({ text, at: { kind: 'file', file: 'm.yaml', line: i + 1 } as const })),
    kind,
  );
}

describe('parseFlags: pflag semantics', () => {
  const table: { name: string; args: string[]; kind?: ComponentKind; want: Record<string, string>; positional?: string[] }[] = [
    { name: '--a=b', args: ['--secure-port=6443'], want: { 'secure-port': '6443' } },
    { name: '--a b (space)', args: ['--secure-port', '6443'], want: { 'secure-port': '6443' } },
    { name: 'value with = inside', args: ['--feature-gates=A=true,B=false'], want: { 'feature-gates': 'A=true,B=false' } },
    { name: 'bare boolean is true', args: ['--anonymous-auth'], want: { 'anonymous-auth': 'true' } },
    { name: 'boolean never takes the next word', args: ['--anonymous-auth', 'false'], want: { 'anonymous-auth': 'true' }, positional: ['false'] },
    { name: '--a=false', args: ['--anonymous-auth=false'], want: { 'anonymous-auth': 'false' } },
    { name: 'booleans as strconv.ParseBool reads them', args: ['--anonymous-auth=0', '--profiling=T', '--allow-privileged=1'], want: { 'anonymous-auth': 'false', profiling: 'true', 'allow-privileged': 'true' } },
    { name: 'non-boolean values are kept as written', args: ['--secure-port=0', '--v=1'], want: { 'secure-port': '0', v: '1' } },
    { name: 'kubelet booleans', kind: 'kubelet', args: ['--rotate-certificates', '--config', '/c.yaml'], want: { 'rotate-certificates': 'true', config: '/c.yaml' } },
    { name: 'etcd booleans (Go flag, single dash)', kind: 'etcd', args: ['-client-cert-auth', '-data-dir', '/var/lib/etcd'], want: { 'client-cert-auth': 'true', 'data-dir': '/var/lib/etcd' } },
    { name: 'repeats: last wins', args: ['--authorization-mode=AlwaysAllow', '--authorization-mode=Node,RBAC'], want: { 'authorization-mode': 'Node,RBAC' } },
    { name: 'negative number as a value', args: ['--v', '-1', '--audit-log-maxage', '-5'], want: { v: '-1', 'audit-log-maxage': '-5' } },
    { name: '-- ends the flags', args: ['--secure-port=1', '--', '--secure-port=2'], want: { 'secure-port': '1' }, positional: ['--secure-port=2'] },
    { name: 'positional words are kept apart', args: ['serve', '--secure-port=1'], want: { 'secure-port': '1' }, positional: ['serve'] },
    { name: 'empty value', args: ['--tls-cipher-suites='], want: { 'tls-cipher-suites': '' } },
    { name: 'an unknown flag before a flag is bare', args: ['--some-new-switch', '--secure-port=1'], want: { 'some-new-switch': 'true', 'secure-port': '1' } },
    { name: 'a last non-boolean flag with no value', args: ['--etcd-servers'], want: { 'etcd-servers': 'true' } },
  ];
  for (const t of table) {
    it(t.name, () => {
      const r = parse(t.args, t.kind);
      expect(Object.fromEntries(Object.entries(r.flags).map(([k, v]) => [k, v.value]))).toEqual(t.want);
      expect(r.positional.map((p) => p.text)).toEqual(t.positional ?? []);
    });
  }

  it('keeps every occurrence with its line (StringArray flags accumulate)', () => {
    const r = parse(['--service-account-key-file=/a.pub', '--secure-port=1', '--service-account-key-file=/b.pub']);
    const f = r.flags['service-account-key-file']!;
    expect(f.value).toBe('/b.pub');
    expect(f.at.line).toBe(3);
    expect(f.occurrences).toEqual([
      { value: '/a.pub', at: { kind: 'file', file: 'm.yaml', line: 1 } },
      { value: '/b.pub', at: { kind: 'file', file: 'm.yaml', line: 3 } },
    ]);
  });

  it('the value of "--a b" carries the flag word\'s location', () => {
    const r = parse(['--secure-port', '6443']);
    expect(r.flags['secure-port']!.at.line).toBe(1);
  });
});
