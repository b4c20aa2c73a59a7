/**
 * `etcd check`: what the cluster says about itself (members, versions, alarms, database size, URL
 * schemes) through an authenticated client, plus the unauthenticated probes against every member's
 * client and peer URLs (src/probes). A member that cannot be asked is a row, not a failure; only an
 * etcd that answers nothing at all is an error (EtcdUnreachableError).
 */
import type { Etcd3 } from 'etcd3';
import type { CheckMeta } from '../checks/registry.js';
import { toFinding } from '../checks/registry.js';
import { compareFindings, emptyEvidence, type Finding } from '../model/finding.js';
import type { ProbeContext, ProbeResult } from '../probes/context.js';
import { probeFindings, runProbes } from '../probes/run.js';
import { parseTarget, type Endpoint } from '../probes/target.js';
import { openEtcd, type EtcdConnection } from './client.js';

export class EtcdUnreachableError extends Error {
  override readonly name = 'EtcdUnreachableError';
}

export interface MemberReport {
  id: string;
  name: string;
  clientURLs: string[];
  peerURLs: string[];
  isLearner: boolean;
  /** from Maintenance.Status on the member's first client URL */
  version?: string;
  dbSize?: number;
  dbSizeInUse?: number;
  isLeader?: boolean;
  /** why Status could not be read */
  error?: string;
}

export interface EtcdCheckResult {
  endpoints: string[];
  clusterId: string;
  members: MemberReport[];
  alarms: { memberId: string; member: string; alarm: string }[];
  probes: ProbeResult[];
  findings: Finding[];
}

const ETCD_SECURITY = 'https://etcd.io/docs/v3.4/op-guide/security/';

export const ETCD_CHECK_FINDINGS = {
  httpClientUrl: {
    id: 'etcd/member-http-client-url',
    practice: 'etcd',
    severity: 'critical',
    cis: ['2.1'],
    title: 'etcd member advertises a plain-HTTP client URL',
    why: 'Clients that follow the member list (the API server, etcdctl) talk to this member unencrypted and unauthenticated.',
    remediation: 'Serve and advertise only https:// client URLs (--listen-client-urls, --advertise-client-urls) with --client-cert-auth=true.',
    references: [ETCD_SECURITY],
  },
  httpPeerUrl: {
    id: 'etcd/member-http-peer-url',
    practice: 'etcd',
    severity: 'high',
    cis: ['2.4'],
    title: 'etcd member uses a plain-HTTP peer URL',
    why: 'Raft replication between members carries every write, Secrets included, in the clear.',
    remediation: 'Use https:// peer URLs with --peer-cert-file, --peer-key-file, --peer-trusted-ca-file and --peer-client-cert-auth=true.',
    references: [ETCD_SECURITY],
  },
  alarm: {
    id: 'etcd/alarm-active',
    practice: 'etcd',
    severity: 'high',
    cis: [],
    title: 'etcd has an active alarm',
    why: 'NOSPACE makes etcd refuse writes (the API server can no longer change anything); CORRUPT means a member diverged.',
    remediation: 'NOSPACE: compact and defragment, raise --quota-backend-bytes, then `etcdctl alarm disarm`. CORRUPT: restore the member from a healthy one.',
    references: ['https://etcd.io/docs/v3.4/op-guide/maintenance/'],
  },
} satisfies Record<string, CheckMeta>;

export interface EtcdCheckOptions {
  /** run the unauthenticated probes against every member (default true) */
  probe?: boolean;
  concurrency?: number;
}

export async function checkEtcd(conn: EtcdConnection, ctx: ProbeContext, o: EtcdCheckOptions = {}): Promise<EtcdCheckResult> {
  const client = openEtcd({ ...conn, timeoutMs: conn.timeoutMs ?? ctx.timeoutMs });
  try {
    let list;
    try {
      list = await client.cluster.memberList({});
    } catch (e) {
      throw new EtcdUnreachableError(`etcd at ${conn.endpoints.join(', ')} did not answer the member list: ${(e as Error).message.split('\n')[0]}`);
    }
    const members = await Promise.all(list.members.map((m) => memberStatus(conn, ctx, m)));
    const alarms = await readAlarms(client, members);
    const probes = o.probe === false ? [] : await runProbes(memberEndpoints(members), ctx, o.concurrency);
    const findings = [...memberFindings(members, alarms), ...probeFindings(probes)].sort(compareFindings);
    return { endpoints: conn.endpoints, clusterId: list.header.cluster_id, members, alarms, probes, findings };
  } finally {
    client.close();
  }
}

async function memberStatus(conn: EtcdConnection, ctx: ProbeContext, m: { ID: string; name: string; clientURLs: string[]; peerURLs: string[]; isLearner: boolean }): Promise<MemberReport> {
  const report: MemberReport = { id: m.ID, name: m.name || `(unstarted ${m.ID})`, clientURLs: m.clientURLs, peerURLs: m.peerURLs, isLearner: m.isLearner };
  const url = m.clientURLs[0];
  if (!url) {
    report.error = 'member advertises no client URL (not started)';
    return report;
  }
  // one client per member: Status describes the member it is sent to
  const one = openEtcd({ ...conn, endpoints: [url], timeoutMs: conn.timeoutMs ?? ctx.timeoutMs });
  try {
    const s = await one.maintenance.status({});
    report.version = s.version;
    report.dbSize = Number(s.dbSize);
    report.dbSizeInUse = Number(s.dbSizeInUse);
    report.isLeader = s.leader === s.header.member_id;
  } catch (e) {
    report.error = (e as Error).message.split('\n')[0];
  } finally {
    one.close();
  }
  return report;
}

async function readAlarms(client: Etcd3, members: MemberReport[]): Promise<EtcdCheckResult['alarms']> {
  const res = await client.maintenance.alarm({ action: 'Get', memberID: 0, alarm: 'None' });
  return res.alarms.map((a) => ({ memberId: a.memberID, member: members.find((m) => m.id === a.memberID)?.name ?? a.memberID, alarm: String(a.alarm) }));
}

/** Client and peer URLs of every member, plus the kubeadm metrics port beside a 2379 client port. */
export function memberEndpoints(members: readonly MemberReport[]): Endpoint[] {
  const out: Endpoint[] = [];
  for (const m of members) {
    for (const u of m.clientURLs) {
      const e = { ...parseTarget(u), kind: 'etcd-client' as const, node: m.name };
      out.push(e);
      if (e.port === 2379) out.push({ host: e.host, port: 2381, kind: 'etcd-metrics', node: m.name });
    }
    for (const u of m.peerURLs) out.push({ ...parseTarget(u), kind: 'etcd-peer', node: m.name });
  }
  return out;
}

function memberFindings(members: readonly MemberReport[], alarms: EtcdCheckResult['alarms']): Finding[] {
  const out: Finding[] = [];
  const evidence = (m: MemberReport, value: string, field: string) => ({ ...emptyEvidence('etcd'), object: `etcd member ${m.name} (${m.id})`, field, value });
  for (const m of members) {
    for (const u of m.clientURLs.filter((x) => x.startsWith('http://'))) {
      out.push(toFinding(ETCD_CHECK_FINDINGS.httpClientUrl, { component: 'etcd', host: m.name, evidence: evidence(m, u, 'clientURLs'), detail: `member ${m.name} advertises ${u}` }));
    }
    for (const u of m.peerURLs.filter((x) => x.startsWith('http://'))) {
      out.push(toFinding(ETCD_CHECK_FINDINGS.httpPeerUrl, { component: 'etcd', host: m.name, evidence: evidence(m, u, 'peerURLs'), detail: `member ${m.name} peers over ${u}` }));
    }
  }
  for (const a of alarms) {
    const m = members.find((x) => x.id === a.memberId);
    out.push(
      toFinding(ETCD_CHECK_FINDINGS.alarm, {
        component: 'etcd',
        host: a.member,
        evidence: { ...emptyEvidence('etcd'), object: `etcd member ${m?.name ?? a.memberId}`, field: 'alarms', value: a.alarm },
        detail: `alarm ${a.alarm} on member ${a.member}`,
      }),
    );
  }
  return out;
}
