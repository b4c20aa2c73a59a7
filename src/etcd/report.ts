/** The member table of `etcd check` (text output). Renders only; judges nothing. */
import Table from 'cli-table3';
import type { EtcdCheckResult } from './check.js';

function mib(n: number | undefined): string {
  return n === undefined ? '' : `${(n / 1048576).toFixed(1)} MiB`;
}

export function memberTable(r: EtcdCheckResult): string {
  const t = new Table({ head: ['member', 'id', 'version', 'leader', 'db size (in use)', 'client URLs', 'peer URLs'], style: { head: [], border: [] }, wordWrap: true });
  for (const m of r.members) {
    t.push([
      m.name,
      m.id,
      m.version ?? (m.error ? `? (${m.error})` : '?'),
      m.isLeader === undefined ? '' : m.isLeader ? 'yes' : 'no',
      m.dbSize === undefined ? '' : `${mib(m.dbSize)} (${mib(m.dbSizeInUse)})`,
      m.clientURLs.join('\n'),
      m.peerURLs.join('\n'),
    ]);
  }
  const alarms = r.alarms.length === 0 ? 'Alarms: none' : `Alarms: ${r.alarms.map((a) => `${a.alarm} on ${a.member}`).join(', ')}`;
  return `etcd cluster ${r.clusterId} (${r.endpoints.join(', ')})\n${t.toString()}\n${alarms}\n\n`;
}
