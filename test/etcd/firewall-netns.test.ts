/**
 * The generated firewall rules on a real network: three network namespaces ("etcd", "apiserver",
 * "worker") joined by veth pairs, addresses only inside them (10.231.x.y never leaves), a real etcd
 * in the etcd namespace, the rules applied there with nft (and iptables), and connections made from
 * the other two. Needs root and iproute2 + nftables (+ iptables); skips with a message otherwise.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffFirewall } from '../../src/etcd/firewall-diff.js';
import { firewallSpec, iptablesRules, nftablesRules, nftTable, type FirewallSpec } from '../../src/etcd/firewall.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { REPO } from '../helpers/cli.js';
import { pkiDir, rmPki } from '../helpers/openssl-pki.js';

const tools = ['/usr/sbin/ip', '/usr/sbin/nft'];
const root = process.getuid?.() === 0;
const missing = tools.filter((t) => !existsSync(t));
const skipReason = !root ? 'not root' : missing.length ? `missing ${missing.join(', ')} (apt-get install iproute2 nftables)` : '';
if (skipReason) console.warn(`firewall-netns: skipped: ${skipReason}`);

const P = `kw${process.pid % 100000}`;
const NS = { etcd: `${P}-etcd`, api: `${P}-api`, wrk: `${P}-wrk` };
const ETCD_API = '10.231.1.1';
const API = '10.231.1.2';
const ETCD_WRK = '10.231.2.1';
const WRK = '10.231.2.2';
/** IPv6 on the same links (unique local addresses, inside the namespaces only) */
const ETCD_API6 = 'fd31:1::1';
const API6 = 'fd31:1::2';
const ETCD_WRK6 = 'fd31:2::1';
const WRK6 = 'fd31:2::2';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function inNs(ns: string, cmd: string[], input?: string): { code: number; out: string; err: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8', input, timeout: 20_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A TCP connect from inside a namespace (IPv4 or IPv6): "open", "closed" or "filtered" (no answer within 1 s). */
function reach(ns: string, host: string, port: number): string {
  const script = `const s=require('net').connect(${port},'${host}');const t=setTimeout(()=>{console.log('filtered');process.exit(0)},1000);s.on('connect',()=>{console.log('open');process.exit(0)});s.on('error',(e)=>{console.log(e.code==='ECONNREFUSED'?'closed':e.code);process.exit(0)});`;
  return inNs(ns, [process.execPath, '-e', script]).out.trim();
}

/** A real etcd request (GET /version over mutual TLS) from inside a namespace; prints the HTTP status. */
function etcdVersionFrom(ns: string, etcd: EtcdServer): string {
  const c = etcd.client!;
  const script = `const fs=require('fs');require('https').get({host:'${ETCD_API}',port:2379,path:'/version',ca:fs.readFileSync('${etcd.ca!.cert}'),cert:fs.readFileSync('${c.cert}'),key:fs.readFileSync('${c.key}'),timeout:2000},(r)=>{console.log(r.statusCode);process.exit(0)}).on('error',(e)=>{console.log(e.code);process.exit(0)}).on('timeout',()=>{console.log('timeout');process.exit(0)});`;
  return inNs(ns, [process.execPath, '-e', script]).out.trim();
}

describe.skipIf(skipReason !== '')('etcd firewall in network namespaces', () => {
  const dir = pkiDir();
  let etcd: EtcdServer | undefined;
  let spec: FirewallSpec;
  let listener6: ChildProcess | undefined;

  beforeAll(async () => {
    for (const ns of Object.values(NS)) {
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    const link = (a: string, b: string, nsA: string, nsB: string, addrA: string, addrB: string, addrA6: string, addrB6: string) => {
      ip('link', 'add', a, 'type', 'veth', 'peer', 'name', b);
      ip('link', 'set', a, 'netns', nsA);
      ip('link', 'set', b, 'netns', nsB);
      ip('-n', nsA, 'addr', 'add', `${addrA}/24`, 'dev', a);
      ip('-n', nsB, 'addr', 'add', `${addrB}/24`, 'dev', b);
      // nodad: usable at once, no duplicate-address detection wait
      ip('-n', nsA, 'addr', 'add', `${addrA6}/64`, 'dev', a, 'nodad');
      ip('-n', nsB, 'addr', 'add', `${addrB6}/64`, 'dev', b, 'nodad');
      ip('-n', nsA, 'link', 'set', a, 'up');
      ip('-n', nsB, 'link', 'set', b, 'up');
    };
    link(`${P}ea`, `${P}ae`, NS.etcd, NS.api, ETCD_API, API, ETCD_API6, API6);
    link(`${P}ew`, `${P}we`, NS.etcd, NS.wrk, ETCD_WRK, WRK, ETCD_WRK6, WRK6);
    // the worker reaches the etcd namespace's other address through its own link (delivered locally there)
    ip('-n', NS.wrk, 'route', 'add', '10.231.1.0/24', 'via', ETCD_WRK);
    ip('-n', NS.wrk, '-6', 'route', 'add', 'fd31:1::/64', 'via', ETCD_WRK6);
    // IPv6: a plain listener on the client port (this etcd listens on IPv4 only); the rules are per port
    listener6 = spawn('ip', ['netns', 'exec', NS.etcd, process.execPath, '-e', `require('net').createServer((s)=>s.end()).listen(2379,'${ETCD_API6}',()=>console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => listener6!.stdout!.once('data', r));
    etcd = await startEtcd({ mode: 'secure', dir, name: 'fw', host: ETCD_API, ports: { client: 2379, peer: 2380, metrics: 2381 }, wrap: ['ip', 'netns', 'exec', NS.etcd] });
    spec = firewallSpec({ apiservers: [API, API6], peers: [ETCD_API, ETCD_API6], monitoring: ['10.231.2.0/24'] });
  });

  afterAll(async () => {
    listener6?.kill();
    await etcd?.stop();
    for (const ns of Object.values(NS)) spawnSync('ip', ['netns', 'del', ns]);
    rmPki(dir);
  });

  it('without rules, the worker reaches etcd (so it is the firewall that stops it below)', () => {
    expect(reach(NS.wrk, ETCD_API, 2379)).toBe('open');
    expect(reach(NS.api, ETCD_API, 2379)).toBe('open');
    expect(reach(NS.wrk, ETCD_API6, 2379)).toBe('open');
  });

  it('nftables: 2379 unreachable from the worker, still works from the API server; 2380 peers only; metrics monitoring only', () => {
    const file = join(dir, 'etcd.nft');
    writeFileSync(file, nftablesRules(spec));
    expect(inNs(NS.etcd, ['nft', '-f', file]).code).toBe(0);
    expect(reach(NS.wrk, ETCD_API, 2379)).toBe('filtered');
    expect(reach(NS.api, ETCD_API, 2379)).toBe('open');
    expect(etcdVersionFrom(NS.api, etcd!)).toBe('200');
    expect(etcdVersionFrom(NS.wrk, etcd!)).toMatch(/timeout|ETIMEDOUT/);
    expect(reach(NS.api, ETCD_API, 2380)).toBe('filtered');
    expect(reach(NS.wrk, ETCD_API, 2381)).toBe('open');
    expect(reach(NS.api, ETCD_API, 2381)).toBe('filtered');
    expect(reach(NS.wrk, ETCD_API6, 2379)).toBe('filtered');
    expect(reach(NS.api, ETCD_API6, 2379)).toBe('open');
  });

  it('nftables: applying twice gives the same ruleset, which is exactly the generated table', () => {
    const file = join(dir, 'etcd.nft');
    const first = inNs(NS.etcd, ['nft', 'list', 'table', 'inet', 'kubeward_etcd']).out;
    expect(inNs(NS.etcd, ['nft', '-f', file]).code).toBe(0);
    const second = inNs(NS.etcd, ['nft', 'list', 'table', 'inet', 'kubeward_etcd']).out;
    expect(second).toBe(first);
    expect(second).toBe(nftTable(spec));
    expect(diffFirewall(spec, 'nftables', nftablesRules(spec), second).same).toBe(true);
    const wider = firewallSpec({ apiservers: [API, API6, '10.231.9.9'], peers: [ETCD_API, ETCD_API6], monitoring: ['10.231.2.0/24'] });
    const d = diffFirewall(wider, 'nftables', nftablesRules(wider), inNs(NS.etcd, ['nft', 'list', 'ruleset']).out);
    expect(d.same).toBe(false);
    expect(d.lines.filter((l) => !l.startsWith('  '))).toEqual([
      '- elements = { 10.231.1.1, 10.231.1.2 }',
      '+ elements = { 10.231.1.1, 10.231.1.2, 10.231.9.9 }',
    ]);
  });

  it('kubeward probe from each namespace: filtered from the worker is a result; from the API server etcd refuses strangers', () => {
    const probe = (ns: string) => {
      const r = inNs(ns, [process.execPath, '--import', 'tsx', `${REPO}src/cli/entry.ts`, 'probe', '--target', `${ETCD_API}:2379/etcd-client`, '--timeout', '1500', '--format', 'json']);
      return { code: r.code, json: JSON.parse(r.out) as { findings: unknown[]; probes: { probe: string; verdict: string; details: { reach?: string } }[] } };
    };
    const wrk = probe(NS.wrk);
    expect(wrk.code).toBe(0);
    expect(wrk.json.probes.map((p) => [p.probe, p.verdict, p.details.reach])).toEqual([['tls-handshake', 'unreachable', 'filtered']]);
    const api = probe(NS.api);
    expect(api.code).toBe(0);
    expect(api.json.findings).toEqual([]);
    expect(api.json.probes.find((p) => p.probe === 'etcd-no-client-cert')?.verdict).toBe('secure');
  });

  it.skipIf(!existsSync('/usr/sbin/iptables-restore'))('iptables: same reachability, idempotent, diff against iptables-save', () => {
    expect(inNs(NS.etcd, ['nft', 'delete', 'table', 'inet', 'kubeward_etcd']).code).toBe(0);
    expect(reach(NS.wrk, ETCD_API, 2379)).toBe('open');
    const script = iptablesRules(spec);
    const r1 = inNs(NS.etcd, ['sh', '-s'], script);
    expect(r1.err).toBe('');
    expect(r1.code).toBe(0);
    expect(reach(NS.wrk, ETCD_API, 2379)).toBe('filtered');
    expect(etcdVersionFrom(NS.api, etcd!)).toBe('200');
    expect(reach(NS.wrk, ETCD_API6, 2379)).toBe('filtered');
    expect(reach(NS.api, ETCD_API6, 2379)).toBe('open');
    const save = () => inNs(NS.etcd, ['iptables-save']).out + inNs(NS.etcd, ['ip6tables-save']).out;
    const first = save();
    expect(inNs(NS.etcd, ['sh', '-s'], script).code).toBe(0);
    const strip = (t: string) => t.split('\n').filter((l) => !l.startsWith('#')).join('\n');
    expect(strip(save())).toBe(strip(first));
    expect(diffFirewall(spec, 'iptables', script, first)).toMatchObject({ same: true });
  });
});
