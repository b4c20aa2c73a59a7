/** Every certificate the sources found on a host: PEM files, and certificates embedded in or named by kubeconfigs. */
import type { CertificateFacts, Host, NodeFile } from '../../model/control-plane.js';
import { evidenceForFile } from '../../model/effective.js';
import type { Evidence } from '../../model/finding.js';

export interface FoundCertificate {
  cert: CertificateFacts;
  file: NodeFile;
  evidence: Evidence;
  /** where in the file: "users.admin", "clusters.k", or "" for a PEM file */
  where: string;
}

export function certificatesOn(host: Host): FoundCertificate[] {
  const out: FoundCertificate[] = [];
  for (const file of Object.values(host.files)) {
    if (!file.exists) continue;
    const seen = new Set<string>();
    const add = (cert: CertificateFacts, where: string, line: number | undefined) => {
      if (seen.has(cert.fingerprint)) return;
      seen.add(cert.fingerprint);
      out.push({ cert, file, where, evidence: evidenceForFile(file, { line: line ?? null, field: where || null, value: `${cert.subject} (not after ${cert.notAfter})` }) });
    };
    for (const cert of file.certificates ?? []) add(cert, '', undefined);
    for (const u of file.kubeconfig?.users ?? []) if (u.clientCertificate === '(embedded)') for (const cert of u.clientCertificates) add(cert, `users.${u.name}`, u.line);
    for (const cl of file.kubeconfig?.clusters ?? []) if (cl.certificateAuthority === '(embedded)') for (const cert of cl.caCertificates) add(cert, `clusters.${cl.name}`, cl.line);
  }
  return out;
}

export function label(f: FoundCertificate): string {
  return `${f.file.path}${f.where ? ` (${f.where})` : ''}: ${f.cert.commonName ? `CN=${f.cert.commonName}` : f.cert.subject}`;
}
