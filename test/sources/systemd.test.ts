import { afterEach, describe, expect, it } from 'vitest';
import { expandCommand, parseEnvFile, parseUnit, readUnit, serviceCommand, specifiers, splitWords } from '../../src/sources/systemd.js';
import type { NodeContext } from '../../src/sources/node-fs.js';
import { nodeRoot } from './node-root-dir.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function ctxFor(files: Record<string, string>): Promise<NodeContext> {
  const r = await nodeRoot(files);
  cleanup = r.cleanup;
  return { root: r.dir, host: 'n1', problems: [], files: {} };
}

describe('parseUnit', () => {
  it('joins continuation lines and knows the physical line of each part', () => {
    const entries = parseUnit('[Service]\nExecStart=/usr/bin/etcd \\\n  --name=a \\\n  # a comment inside\n  --data-dir=/d\n', 'u');
    const exec = entries.find((e) => e.key === 'ExecStart')!;
    expect(exec.value).toBe('/usr/bin/etcd --name=a --data-dir=/d');
    expect(exec.line).toBe(2);
    const args = expandCommand(exec, {});
    expect(args.map((a) => [a.text, a.at.line])).toEqual([
      ['/usr/bin/etcd', 2],
      ['--name=a', 3],
      ['--data-dir=/d', 5],
    ]);
  });

  it('keeps sections apart and skips comments', () => {
    const entries = parseUnit('# c\n[Unit]\nDescription=x\n; c\n[Service]\nRestart=always\n', 'u');
    expect(entries.map((e) => [e.section, e.key, e.value])).toEqual([
      ['Unit', 'Description', 'x'],
      ['Service', 'Restart', 'always'],
    ]);
  });
});

describe('splitWords and expansion', () => {
  it('honours quotes and escapes', () => {
    expect(splitWords(`a "b c" 'd e' f\\ g`).map((w) => w.text)).toEqual(['a', 'b c', 'd e', 'f g']);
  });

  it('$VAR as its own word splits into words, ${VAR} stays one word, undefined vars vanish', () => {
    const [exec] = parseUnit('[Service]\nExecStart=/bin/kubelet $ARGS --x=${ONE} "${TWO}" $MISSING --y=$$HOME\n', 'u.service');
    const at = { kind: 'unit', file: 'u.service', line: 9 } as const;
    const env = {
      ARGS: { name: 'ARGS', value: '--a=1 --b=2', at, occurrences: [] },
      ONE: { name: 'ONE', value: 'v1', at, occurrences: [] },
      TWO: { name: 'TWO', value: 'two words', at, occurrences: [] },
    };
    const args = expandCommand(exec!, env);
    expect(args.map((a) => a.text)).toEqual(['/bin/kubelet', '--a=1', '--b=2', '--x=v1', 'two words', '--y=$HOME']);
    expect(args[1]!.at).toEqual(at);
    expect(args[5]!.at).toEqual({ kind: 'unit', file: 'u.service', line: 2 });
  });

  it('specifiers %n %N %p %i', () => {
    expect(specifiers('/etc/default/%p %n %N %i %%', 'etcd@a.service')).toBe('/etc/default/etcd etcd@a.service etcd@a a %');
  });
});

describe('parseEnvFile', () => {
  it('reads KEY=value, quotes, comments, with lines', () => {
    const env = parseEnvFile('# comment\nA=1\nB="two words"\n\nC=\'x y\'\nD=plain # trailing\n', 'etc/default/x');
    expect(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.value]))).toEqual({ A: '1', B: 'two words', C: 'x y', D: 'plain' });
    expect(env.B!.at).toEqual({ kind: 'env', file: 'etc/default/x', line: 3 });
  });
});

describe('readUnit + serviceCommand', () => {
  it('drop-ins in lexical order across unit dirs, /etc wins by name, empty ExecStart= resets', async () => {
    const ctx = await ctxFor({
      'lib/systemd/system/kubelet.service': '[Service]\nExecStart=/usr/bin/kubelet --from-lib\n',
      'lib/systemd/system/kubelet.service.d/20-b.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/kubelet --from-lib-dropin\n',
      'etc/systemd/system/kubelet.service.d/20-b.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/kubelet --from-etc-dropin $EXTRA\n',
      'etc/systemd/system/kubelet.service.d/10-a.conf': '[Service]\nEnvironment="EXTRA=--a=1" OTHER=x\n',
      'run/systemd/system/kubelet.service.d/30-c.conf': '[Service]\nEnvironment=EXTRA=--c=3\n',
    });
    const unit = (readUnit(ctx, 'kubelet.service', {}))!;
    expect(unit.files).toEqual([
      'lib/systemd/system/kubelet.service',
      'etc/systemd/system/kubelet.service.d/10-a.conf',
      'etc/systemd/system/kubelet.service.d/20-b.conf',
      'run/systemd/system/kubelet.service.d/30-c.conf',
    ]);
    const cmd = (serviceCommand(ctx, unit, {}))!;
    expect(cmd.argv.map((a) => a.text)).toEqual(['/usr/bin/kubelet', '--from-etc-dropin', '--c=3']);
    expect(cmd.at).toEqual({ kind: 'unit', file: 'etc/systemd/system/kubelet.service.d/20-b.conf', line: 3 });
    expect(cmd.argv[2]!.at).toEqual({ kind: 'unit', file: 'run/systemd/system/kubelet.service.d/30-c.conf', line: 2 });
  });

  it('EnvironmentFile: "-" makes a missing file fine, a missing required one is a problem; files override Environment=', async () => {
    const ctx = await ctxFor({
      'etc/systemd/system/etcd.service': [
        '[Service]',
        'Environment=ETCD_NAME=from-unit',
        'EnvironmentFile=-/etc/default/%p',
        'EnvironmentFile=-/etc/missing-optional',
        'EnvironmentFile=/etc/missing-required',
        'ExecStart=-/usr/bin/etcd $ETCD_OPTS',
      ].join('\n'),
      'etc/default/etcd': 'ETCD_NAME=from-file\nETCD_OPTS="--client-cert-auth --data-dir /d"\n',
    });
    const unit = (readUnit(ctx, 'etcd.service', { practice: 'etcd', component: 'etcd' }))!;
    const cmd = (serviceCommand(ctx, unit, { practice: 'etcd', component: 'etcd' }))!;
    expect(cmd.env.ETCD_NAME!.value).toBe('from-file');
    expect(cmd.env.ETCD_NAME!.at).toEqual({ kind: 'env', file: 'etc/default/etcd', line: 1 });
    expect(cmd.argv.map((a) => a.text)).toEqual(['/usr/bin/etcd', '--client-cert-auth', '--data-dir', '/d']);
    expect(cmd.argv[1]!.at).toEqual({ kind: 'env', file: 'etc/default/etcd', line: 2 });
    expect(ctx.problems).toHaveLength(1);
    expect(ctx.problems[0]).toMatchObject({ host: 'n1', file: 'etc/systemd/system/etcd.service', line: 5, component: 'etcd', practice: 'etcd' });
    expect(ctx.problems[0]!.message).toContain('/etc/missing-required');
  });

  it('WorkingDirectory= is kept for relative paths', async () => {
    const ctx = await ctxFor({ 'etc/systemd/system/kubelet.service': '[Service]\nWorkingDirectory=/var/lib/kubelet\nExecStart=/usr/bin/kubelet\n' });
    const cmd = (serviceCommand(ctx, (readUnit(ctx, 'kubelet.service', {}))!, {}))!;
    expect(cmd.workingDirectory).toBe('/var/lib/kubelet');
  });

  it('no unit at all: undefined', async () => {
    const ctx = await ctxFor({ 'etc/hostname': 'x\n' });
    expect(readUnit(ctx, 'kubelet.service', {})).toBeUndefined();
  });
});
