/**
 * `etcd firewall --diff`: the generated rules against the rules in place, line by line, after
 * reducing both to what matters (our table or chain only; no comments, handles or counters).
 */
import { IPTABLES_CHAIN, NFT_TABLE, iptablesChain, iptablesJump, nftTable, type FirewallFormat, type FirewallSpec } from './firewall.js';

export interface RuleDiff {
  same: boolean;
  /** unified-style lines: "  kept", "- only in place", "+ only generated" */
  lines: string[];
}

/** The `table inet kubeward_etcd { ... }` block of an nft listing (a whole `nft list ruleset` is fine). */
function nftBlock(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `table inet ${NFT_TABLE} {`);
  if (start < 0) return [];
  let depth = 0;
  const out: string[] = [];
  for (const l of lines.slice(start)) {
    depth += (l.match(/{/g) ?? []).length - (l.match(/}/g) ?? []).length;
    out.push(l);
    if (depth === 0) break;
  }
  return out;
}

/** One logical line per statement: nft wraps long element lists over several lines. */
function joinContinuations(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.trimEnd().endsWith(',')) out[out.length - 1] = `${prev.trimEnd()} ${l.trim()}`;
    else out.push(l);
  }
  return out;
}

function normalizeNft(l: string): string {
  return l
    .replace(/\s+# handle \d+$/, '')
    .replace(/counter packets \d+ bytes \d+/, 'counter')
    .trim();
}

/** Our chain's rules and the INPUT jump, from `iptables-save` (and `ip6tables-save`) output. */
function iptablesLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().replace(/^\[\d+:\d+\]\s+/, ''))
    .filter((l) => l.startsWith(`-A ${IPTABLES_CHAIN} `) || (l.startsWith('-A INPUT ') && l.endsWith(`-j ${IPTABLES_CHAIN}`)));
}

function wanted(s: FirewallSpec, format: FirewallFormat, generated: string): string[] {
  switch (format) {
    case 'nftables':
      return joinContinuations(nftBlock(nftTable(s))).map(normalizeNft);
    case 'iptables':
      return ([4, 6] as const).flatMap((f) => [`-A INPUT ${iptablesJump(s)}`, ...iptablesChain(s, f)]);
    default:
      return yamlLines(generated);
  }
}

function inPlace(format: FirewallFormat, text: string): string[] {
  switch (format) {
    case 'nftables':
      return joinContinuations(nftBlock(text)).map(normalizeNft);
    case 'iptables':
      return iptablesLines(text);
    default:
      return yamlLines(text);
  }
}

function yamlLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).map((l) => l.trimEnd());
}

/** `current` is what is in place: `nft list table inet kubeward_etcd` (or `nft list ruleset`), `iptables-save; ip6tables-save`, or a YAML file. */
export function diffFirewall(s: FirewallSpec, format: FirewallFormat, generated: string, current: string): RuleDiff {
  const a = inPlace(format, current).filter((l) => l !== '');
  const b = wanted(s, format, generated).filter((l) => l !== '');
  const lines = diffLines(a, b);
  return { same: lines.every((l) => l.startsWith('  ')), lines };
}

/** A line diff by longest common subsequence (rule sets are small). */
export function diffLines(a: readonly string[], b: readonly string[]): string[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push(`- ${a[i]}`);
      i++;
    } else {
      out.push(`+ ${b[j]}`);
      j++;
    }
  }
  return out;
}
