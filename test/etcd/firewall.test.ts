import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { diffFirewall, diffLines } from '../../src/etcd/firewall-diff.js';
import { FIREWALL_FORMATS, firewallSpec, nftTable, renderFirewall } from '../../src/etcd/firewall.js';
import { runCli } from '../helpers/cli.js';

const golden = (f: string) => readFileSync(new URL(`./golden/firewall.${f}`, import.meta.url), 'utf8');
const spec = firewallSpec({ apiservers: ['10.0.0.10', '10.0.0.11', 'fd00:10::10'], peers: ['10.0.1.1', '10.0.1.2', '10.0.1.3', 'fd00:1::1'], monitoring: ['10.0.9.0/24', 'fd00:9::/64'] });

describe('firewall generators', () => {
  it.each(FIREWALL_FORMATS)('%s matches its golden output', (format) => {
    expect(renderFirewall(spec, format)).toBe(golden(format));
  });

  it('normalizes addresses: host bits cleared, duplicates and covered blocks dropped, IPv6 canonical', () => {
    const s = firewallSpec({ apiservers: ['10.0.0.10', '10.0.0.10', '10.0.0.0/24'], peers: ['10.0.0.12', 'FD00:0:0:0:0:0:0:1'], monitoring: ['10.9.9.9/16'] });
    const t = nftTable(s);
    expect(t).toContain('elements = { 10.0.0.0/24 }');
    expect(t).toContain('elements = { fd00::1 }');
    expect(t).toContain('elements = { 10.9.0.0/16 }');
  });

  it('rejects bad input naming the option and the value', () => {
    expect(() => firewallSpec({ apiservers: ['10.0.0.300'], peers: ['10.0.0.1'] })).toThrow('--apiservers: "10.0.0.300" is not an IP address or CIDR block');
    expect(() => firewallSpec({ apiservers: ['10.0.0.1'], peers: ['10.0.0.0/40'] })).toThrow('--peers: "10.0.0.0/40": prefix length must be 0..32');
    expect(() => firewallSpec({ apiservers: [], peers: ['10.0.0.1'] })).toThrow(/--apiservers/);
    expect(() => firewallSpec({ apiservers: ['10.0.0.1'], peers: ['10.0.0.2'], ports: { client: 2380 } })).toThrow(/must differ/);
  });

  it('the NetworkPolicy warns about host-network etcd; both YAML formats parse', () => {
    expect(golden('networkpolicy')).toMatch(/NetworkPolicy does not apply to hostNetwork pods/);
    expect(parse(golden('networkpolicy'))).toMatchObject({ kind: 'NetworkPolicy', spec: { podSelector: { matchLabels: { component: 'etcd' } } } });
    const calico = parse(golden('calico')) as { kind: string; spec: { ingress: { action: string }[] } };
    expect(calico.kind).toBe('GlobalNetworkPolicy');
    expect(calico.spec.ingress.map((r) => r.action)).toEqual(['Allow', 'Allow', 'Allow', 'Deny', 'Pass']);
  });

  it('without a monitoring range the metrics port is closed to everyone but loopback', () => {
    const s = firewallSpec({ apiservers: ['10.0.0.10'], peers: ['10.0.1.1'] });
    expect(nftTable(s)).toMatch(/set metrics_v4 \{\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\}/);
    expect(renderFirewall(s, 'networkpolicy')).not.toContain('2381');
  });
});

describe('firewall --diff', () => {
  it('compares an nft listing, ignoring handles, counters and other tables', () => {
    const listing = `table ip other {\n}\n${nftTable(spec).replace('iif "lo" accept', 'iif "lo" accept # handle 4')}`;
    expect(diffFirewall(spec, 'nftables', '', listing).same).toBe(true);
    const d = diffFirewall(spec, 'nftables', '', '');
    expect(d.same).toBe(false);
    expect(d.lines.every((l) => l.startsWith('+ '))).toBe(true);
  });

  it('compares iptables-save output, with counters', () => {
    const save = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      '[5:300] -A INPUT -p tcp -m multiport --dports 2379,2380,2381 -j KUBEWARD-ETCD',
      ...golden('iptables').split('\n').filter((l) => l.startsWith('-A KUBEWARD-ETCD')).slice(0, 13),
      '-A INPUT -p tcp -m multiport --dports 2379,2380,2381 -j KUBEWARD-ETCD',
      ...golden('iptables').split('\n').filter((l) => l.startsWith('-A KUBEWARD-ETCD')).slice(13),
    ].join('\n');
    expect(diffFirewall(spec, 'iptables', '', save).same).toBe(true);
  });

  it('diffLines shows removals before additions', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'x', 'c'])).toEqual(['  a', '- b', '+ x', '  c']);
  });
});

describe('kubeward etcd firewall (CLI)', () => {
  it('prints rules; bad input exits 2 naming the value', async () => {
    const ok = await runCli(['etcd', 'firewall', '--apiservers', '10.0.0.10,10.0.0.11,fd00:10::10', '--peers', '10.0.1.1,10.0.1.2,10.0.1.3', '--peers', 'fd00:1::1', '--monitoring', '10.0.9.0/24,fd00:9::/64']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(golden('nftables'));
    const bad = await runCli(['etcd', 'firewall', '--apiservers', '10.0.0.1', '--peers', '10.0.0.999']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"10.0.0.999"');
    expect(bad.stdout).toBe('');
  });

  it('--diff - reads the rules in place from stdin; exit 0 same, 1 different', async () => {
    const args = ['etcd', 'firewall', '--apiservers', '10.0.0.10', '--peers', '10.0.1.1', '--diff', '-'];
    const table = nftTable(firewallSpec({ apiservers: ['10.0.0.10'], peers: ['10.0.1.1'] }));
    const same = await runCli(args, { input: table });
    expect(same).toMatchObject({ code: 0 });
    const differs = await runCli([...args.slice(0, 3), '10.0.0.10,10.0.0.20', ...args.slice(4)], { input: table });
    expect(differs.code).toBe(1);
    expect(differs.stdout).toContain('+ elements = { 10.0.0.10, 10.0.0.20, 10.0.1.1 }');
  });
});
