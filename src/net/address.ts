/**
 * IPv4/IPv6 addresses and CIDR blocks as firewall rules need them: validated, canonical (RFC 5952
 * for IPv6, the form `nft list` prints), host bits cleared, and de-duplicated where one block
 * covers another (nftables interval sets refuse overlapping elements).
 */
import { isIP } from 'node:net';

export interface Cidr {
  family: 4 | 6;
  /** network address as an integer */
  network: bigint;
  prefix: number;
}

function v4ToBigInt(a: string): bigint {
  return a.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

function v6ToBigInt(a: string): bigint {
  let text = a.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = v4ToBigInt(v4[1]!);
    text = text.slice(0, -v4[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function formatV4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => ((n >> s) & 0xffn).toString()).join('.');
}

/** RFC 5952: lower case, no leading zeros, the longest run (≥ 2) of zero groups as "::". */
function formatV6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt((7 - i) * 16)) & 0xffffn));
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { start: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.len).join(':')}`;
}

/** "10.0.0.5", "10.0.0.0/24", "fd00::1", "fd00::/64" → a block; throws an Error naming the value otherwise. */
export function parseCidr(text: string): Cidr {
  const [addr, prefixText, extra] = text.trim().split('/');
  const family = isIP(addr ?? '');
  if (!addr || extra !== undefined || (family !== 4 && family !== 6)) throw new Error(`"${text}" is not an IP address or CIDR block`);
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) throw new Error(`"${text}": prefix length must be 0..${bits}`);
  const value = family === 4 ? v4ToBigInt(addr) : v6ToBigInt(addr);
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
  return { family, network: value & mask, prefix };
}

/** "10.0.0.5" for a single address, "10.0.0.0/24" for a block. */
export function formatCidr(c: Cidr): string {
  const addr = c.family === 4 ? formatV4(c.network) : formatV6(c.network);
  return c.prefix === (c.family === 4 ? 32 : 128) ? addr : `${addr}/${c.prefix}`;
}

export function covers(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  const bits = outer.family === 4 ? 32 : 128;
  const shift = BigInt(bits - outer.prefix);
  return outer.network >> shift === inner.network >> shift;
}

/** Distinct blocks, none inside another, sorted by family then address. */
export function normalizeCidrs(list: readonly Cidr[]): Cidr[] {
  const kept = list.filter((c, i) => !list.some((o, j) => j !== i && covers(o, c) && (o.prefix < c.prefix || j < i)));
  return kept.sort((a, b) => a.family - b.family || (a.network < b.network ? -1 : a.network > b.network ? 1 : a.prefix - b.prefix));
}
