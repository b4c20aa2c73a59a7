/** What every probe gets: its time budget, the credentials the operator gave, and the client certificates made for this run. */
import type { CheckMeta } from '../checks/registry.js';
import type { ProbeEvidence, Severity } from '../model/finding.js';
import type { TlsCredentials } from '../net/tls.js';
import type { ClientCredential } from './client-certs.js';
import type { Endpoint } from './target.js';

export interface ProbeContext {
  /** per network operation (connect + handshake + answer) */
  timeoutMs: number;
  /** --cacert/--cert/--key: verify servers with the CA; the certificate is used only where a probe says so */
  credentials: TlsCredentials;
  /** a client certificate from a throwaway CA, made on first use */
  foreign: () => Promise<ClientCredential>;
  /** a client certificate signed by the cluster CA, when its key was at hand */
  clusterSigned?: ClientCredential;
  now: () => Date;
}

/** secure: the probe saw the safe behaviour; insecure: it raises a finding; the rest are neither. */
export type Verdict = 'secure' | 'insecure' | 'info' | 'unreachable' | 'inconclusive';

export interface ProbeResult {
  endpoint: Endpoint;
  evidence: ProbeEvidence;
  verdict: Verdict;
  /** the finding an insecure result raises */
  finding?: { meta: CheckMeta; severity?: Severity; detail: string };
}

export type Details = NonNullable<ProbeEvidence['details']>;

export interface ProbeContextOptions {
  timeoutMs: number;
  credentials?: TlsCredentials;
  /** PEM certificate and key of the cluster CA, to make the CA-separation probe's certificate */
  clusterCa?: { cert: string; key: string };
  now?: () => Date;
}

/** A context with this run's client certificates made (in memory only). */
export async function probeContext(o: ProbeContextOptions): Promise<ProbeContext> {
  const { foreignClientCredential, clientCredentialSignedBy } = await import('./client-certs.js');
  let foreign: Promise<ClientCredential> | undefined;
  const ctx: ProbeContext = { timeoutMs: o.timeoutMs, credentials: o.credentials ?? {}, foreign: () => (foreign ??= foreignClientCredential()), now: o.now ?? (() => new Date()) };
  if (o.clusterCa) ctx.clusterSigned = await clientCredentialSignedBy(o.clusterCa.cert, o.clusterCa.key);
  return ctx;
}
