/**
 * `pki approve-csrs`: judges pending kubernetes.io/kubelet-serving CSRs (csr.ts) and approves or
 * denies them through the approval subresource, once or while watching. @kubernetes/client-node is
 * imported here only, on demand.
 */
import type { CertificatesV1Api, CoreV1Api, KubeConfig, V1CertificateSigningRequest } from '@kubernetes/client-node';
import { judgeServingCsr, parseRequest, type CsrView, type NodeView, type ParsedRequest, type Verdict } from './csr.js';

export interface ApproveOptions {
  kubeconfig: string;
  context?: string;
  dryRun: boolean;
  /** called for every CSR judged (also skipped ones) */
  onVerdict: (name: string, verdict: Verdict, done: 'approved' | 'denied' | 'dry-run' | 'skipped') => void;
  /** while watching: a CSR that could not be judged or recorded (the watch goes on) */
  onError: (name: string, error: Error) => void;
}

interface Clients {
  kc: KubeConfig;
  certs: CertificatesV1Api;
  core: CoreV1Api;
}

async function clients(o: ApproveOptions): Promise<Clients> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(o.kubeconfig);
  if (o.context) kc.setCurrentContext(o.context);
  return { kc, certs: kc.makeApiClient(k8s.CertificatesV1Api), core: kc.makeApiClient(k8s.CoreV1Api) };
}

function viewOf(csr: V1CertificateSigningRequest): CsrView {
  return {
    name: csr.metadata?.name ?? '',
    signerName: csr.spec.signerName,
    username: csr.spec.username ?? '',
    groups: csr.spec.groups ?? [],
    usages: csr.spec.usages ?? [],
    conditions: (csr.status?.conditions ?? []).map((c) => c.type),
  };
}

async function nodeOf(core: CoreV1Api, username: string): Promise<NodeView | undefined> {
  if (!username.startsWith('system:node:')) return undefined;
  const name = username.slice('system:node:'.length);
  try {
    const n = await core.readNode({ name });
    return { name, addresses: (n.status?.addresses ?? []).map((a) => ({ type: a.type, address: a.address })) };
  } catch (e) {
    if ((e as { code?: number }).code === 404) return undefined;
    throw e;
  }
}

/** Judges one CSR and, unless dry-run, records the decision on the API server. */
async function handle(c: Clients, csr: V1CertificateSigningRequest, o: ApproveOptions): Promise<void> {
  const view = viewOf(csr);
  let request: ParsedRequest | { error: string };
  try {
    request = await parseRequest(Buffer.from(csr.spec.request, 'base64').toString('utf8'));
  } catch (e) {
    request = { error: (e as Error).message };
  }
  const verdict = judgeServingCsr(view, request, view.signerName === 'kubernetes.io/kubelet-serving' ? await nodeOf(c.core, view.username) : undefined);
  if (verdict.action === 'skip') return o.onVerdict(view.name, verdict, 'skipped');
  if (o.dryRun) return o.onVerdict(view.name, verdict, 'dry-run');
  const approved = verdict.action === 'approve';
  const body: V1CertificateSigningRequest = {
    ...csr,
    status: {
      ...csr.status,
      conditions: [
        ...(csr.status?.conditions ?? []),
        { type: approved ? 'Approved' : 'Denied', status: 'True', reason: approved ? 'KubewardNodeAddresses' : 'KubewardNotNodeAddresses', message: verdict.reason.slice(0, 1000), lastUpdateTime: new Date() },
      ],
    },
  };
  await c.certs.replaceCertificateSigningRequestApproval({ name: view.name, body });
  o.onVerdict(view.name, verdict, approved ? 'approved' : 'denied');
}

/** One pass over every CSR. */
export async function approveOnce(o: ApproveOptions): Promise<void> {
  const c = await clients(o);
  const list = await c.certs.listCertificateSigningRequest();
  for (const csr of list.items) await handle(c, csr, o);
}

/** Watches CSRs and judges each one that is added or changed, until `signal` aborts. */
export async function approveWatching(o: ApproveOptions, signal: AbortSignal): Promise<void> {
  const c = await clients(o);
  const k8s = await import('@kubernetes/client-node');
  const watch = new k8s.Watch(c.kc);
  // one CSR at a time: a verdict must be recorded before the next event about the same CSR is judged
  let queue = Promise.resolve();
  while (!signal.aborted) {
    const ended = new Promise<void>((resolve, reject) => {
      watch
        .watch(
          '/apis/certificates.k8s.io/v1/certificatesigningrequests',
          {},
          (type: string, obj: V1CertificateSigningRequest) => {
            if (type !== 'ADDED' && type !== 'MODIFIED') return;
            queue = queue.then(() => handle(c, obj, o)).catch((e: unknown) => o.onError(obj.metadata?.name ?? '', e as Error));
          },
          (err: unknown) => (err && !signal.aborted ? reject(err as Error) : resolve()),
        )
        .then((req) => signal.addEventListener('abort', () => req.abort(), { once: true }), reject);
    });
    await ended;
    await queue;
  }
}
