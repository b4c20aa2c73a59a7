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
  /** other files on the host holding the same certificate (a CA is typically copied into every kubeconfig) */
  alsoIn: string[];
}

/** Each distinct certificate on a host once (by fingerprint), PEM files first, with the other places it appears. */
export function certificatesOn(host: Host): FoundCertificate[] {
  const byFingerprint = new Map<string, FoundCertificate>();
  const add = (file: NodeFile, cert: CertificateFacts, where: string, line: number | undefined) => {
    const known = byFingerprint.get(cert.fingerprint);
    if (known) {
      if (known.file !== file && !known.alsoIn.includes(file.path)) known.alsoIn.push(file.path);
      return;
    }
    byFingerprint.set(cert.fingerprint, { cert, file, where, alsoIn: [], evidence: evidenceForFile(file, { line: line ?? null, field: where || null, value: `${cert.subject} (not after ${cert.notAfter})` }) });
  };
  const files = Object.values(host.files).filter((f) => f.exists);
  for (const file of files) for (const cert of file.certificates ?? []) add(file, cert, '', undefined);
  for (const file of files) {
    for (const u of file.kubeconfig?.users ?? []) if (u.clientCertificate === '(embedded)') for (const cert of u.clientCertificates) add(file, cert, `users.${u.name}`, u.line);
    for (const cl of file.kubeconfig?.clusters ?? []) if (cl.certificateAuthority === '(embedded)') for (const cert of cl.caCertificates) add(file, cert, `clusters.${cl.name}`, cl.line);
  }
  return [...byFingerprint.values()];
}

export function label(f: FoundCertificate): string {
  const also = f.alsoIn.length ? ` (also in ${f.alsoIn.length === 1 ? f.alsoIn[0] : `${f.alsoIn.length} other files`})` : '';
  return `${f.file.path}${f.where ? ` (${f.where})` : ''}: ${f.cert.commonName ? `CN=${f.cert.commonName}` : f.cert.subject}${also}`;
}
