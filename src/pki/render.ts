/** Renders an inventory: a table sorted by expiry (cli-table3), then the findings; or JSON. Judges nothing. */
import Table from 'cli-table3';
import { evidenceLine, printable } from '../report/text.js';
import { daysLeft, type InventoryItem } from './inventory.js';
import type { InventoryReport } from './inventory-run.js';

function keyText(it: InventoryItem): string {
  const k = it.cert.key;
  return `${k.type.toUpperCase()} ${k.bits ?? '?'}`;
}

function sansText(sans: readonly string[]): string {
  return sans.length <= 3 ? sans.join(', ') : `${sans.slice(0, 3).join(', ')} +${sans.length - 3}`;
}

function chainText(it: InventoryItem): string {
  const path = (it.chainPath ?? [it.issuer ?? '']).join(' ← ');
  if (it.chain === 'root') return 'root CA';
  if (it.chain === 'verified') return `ok ← ${path}`;
  if (it.chainStopsAt) return `${it.chain} at ${it.chainStopsAt} (← ${path})`;
  return it.issuer ? `${it.chain} (${it.issuer})` : it.chain;
}

function keyFileText(it: InventoryItem): string {
  if (!it.key) return '';
  return it.key.encrypted ? 'encrypted' : it.key.matches ? 'matches' : `MISMATCH ${it.key.location}`;
}

export function renderInventoryText(r: InventoryReport): string {
  const now = Date.parse(r.generatedAt);
  const table = new Table({
    head: ['Expires', 'Days', 'Subject', 'Issuer', 'SANs', 'Key', 'Signature', 'CA', 'Chain', 'Key file', 'Location', 'Used by', 'SHA-256'],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    wordWrap: true,
  });
  for (const it of r.items) {
    const c = it.cert;
    table.push([
      c.notAfter.slice(0, 10),
      String(daysLeft(c, now)),
      c.subject,
      c.issuer,
      sansText(c.sans),
      keyText(it),
      c.signatureAlgorithm,
      c.isCA ? 'yes' : '',
      chainText(it),
      keyFileText(it),
      `${it.host}:${it.location}${it.index > 0 ? ` #${it.index + 1}` : ''}`,
      it.usedBy.join('\n'),
      c.fingerprint.slice(0, 16),
    ].map(printable));
  }
  const lines = [`${r.items.length} certificate${r.items.length === 1 ? '' : 's'}, sorted by expiry`, table.toString()];
  if (r.openCsrs?.length) {
    lines.push('', 'CertificateSigningRequests without a certificate:');
    for (const c of r.openCsrs) lines.push(`  ${printable(c.name)}  ${printable(c.signerName)}  ${printable(c.username)}  ${c.state}`);
  }
  lines.push('', r.findings.length ? `${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}:` : 'no findings');
  for (const f of r.findings) {
    lines.push(`  [${f.severity}] ${f.id} ${printable(f.title)}`, `      ${printable(f.detail ?? '')}`, `      at ${printable(evidenceLine(f.evidence))}`);
  }
  for (const p of r.problems) lines.push(`  problem: ${printable(p.host)}: ${printable(p.message)}`);
  return `${lines.join('\n')}\n`;
}

export function renderInventoryJson(r: InventoryReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
