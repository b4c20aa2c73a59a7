/**
 * Kubeconfig facts (client-go tools/clientcmd/api/v1 types): servers, TLS verification, where the CA
 * and client certificate are. Embedded certificates become certificate facts; tokens, passwords and
 * keys are reduced to "present".
 */
import type { CertificateFacts, KubeconfigCluster, KubeconfigFacts, KubeconfigUser } from '../model/control-plane.js';
import { pemFacts } from './pem.js';
import { asString, isRecord, type ParsedDocument } from './yaml-doc.js';

/** Marks data embedded in the kubeconfig rather than a file path. */
export const EMBEDDED = '(embedded)';

function named(list: unknown, inner: string): { name: string; body: Record<string, unknown>; index: number }[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown, index) => {
    if (!isRecord(item)) return [];
    const body = item[inner];
    return [{ name: asString(item.name) ?? '', body: isRecord(body) ? body : {}, index }];
  });
}

function decoded(data: unknown): string {
  return typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : '';
}

/** Where an embedded certificate's problems go: the kubeconfig line of its entry and what is wrong. */
export type KubeconfigProblem = (line: number | undefined, message: string) => void;

/** The certificates of a `*-data` field; what does not parse, or no certificate at all, is a problem (client-go would fail on it). */
function embeddedCertificates(data: unknown, field: string, entry: string, line: number | undefined, problem: KubeconfigProblem): CertificateFacts[] {
  const facts = pemFacts(decoded(data));
  for (const e of facts.errors) problem(line, `${field} of ${entry}: ${e.message}`);
  if (facts.errors.length === 0 && facts.certificates.length === 0) problem(line, `${field} of ${entry} holds no PEM certificate`);
  return facts.certificates;
}

/** Kubeconfig facts from a parsed document; file references are left as written (the caller resolves them). */
export function kubeconfigFacts(doc: ParsedDocument, problem: KubeconfigProblem = () => undefined): KubeconfigFacts {
  const v = isRecord(doc.value) ? doc.value : {};
  const clusters: KubeconfigCluster[] = named(v.clusters, 'cluster').map(({ name, body, index }) => {
    const c: KubeconfigCluster = { name, insecureSkipTlsVerify: body['insecure-skip-tls-verify'] === true, caCertificates: [] };
    const server = asString(body.server);
    if (server !== undefined) c.server = server;
    const line = doc.lines[`clusters.${index}`];
    if (body['certificate-authority-data']) {
      c.certificateAuthority = EMBEDDED;
      c.caCertificates = embeddedCertificates(body['certificate-authority-data'], 'certificate-authority-data', `cluster "${name}"`, line, problem);
    } else if (typeof body['certificate-authority'] === 'string') {
      c.certificateAuthority = body['certificate-authority'];
    }
    if (line !== undefined) c.line = line;
    return c;
  });
  const users: KubeconfigUser[] = named(v.users, 'user').map(({ name, body, index }) => {
    const u: KubeconfigUser = {
      name,
      clientCertificates: [],
      hasToken: typeof body.token === 'string' || typeof body.tokenFile === 'string',
      hasBasicAuth: typeof body.username === 'string' || typeof body.password === 'string',
    };
    const line = doc.lines[`users.${index}`];
    if (body['client-certificate-data']) {
      u.clientCertificate = EMBEDDED;
      u.clientCertificates = embeddedCertificates(body['client-certificate-data'], 'client-certificate-data', `user "${name}"`, line, problem);
    } else if (typeof body['client-certificate'] === 'string') {
      u.clientCertificate = body['client-certificate'];
    }
    if (body['client-key-data']) u.clientKey = EMBEDDED;
    else if (typeof body['client-key'] === 'string') u.clientKey = body['client-key'];
    if (isRecord(body.exec) && typeof body.exec.command === 'string') u.execCommand = body.exec.command;
    if (isRecord(body['auth-provider']) && typeof body['auth-provider'].name === 'string') u.authProvider = body['auth-provider'].name;
    if (line !== undefined) u.line = line;
    return u;
  });
  const contexts = named(v.contexts, 'context').map(({ name, body }) => {
    const c: { name: string; cluster?: string; user?: string } = { name };
    const cluster = asString(body.cluster);
    const user = asString(body.user);
    if (cluster !== undefined) c.cluster = cluster;
    if (user !== undefined) c.user = user;
    return c;
  });
  const facts: KubeconfigFacts = { clusters, users, contexts };
  const current = asString(v['current-context']);
  if (current) facts.currentContext = current;
  return facts;
}
