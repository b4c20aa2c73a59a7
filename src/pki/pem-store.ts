/**
 * The I/O half of the inventory: the DER certificates behind the model's facts (for signature
 * checks; read again only when the facts were not read in this process), and the facts of keys
 * embedded in kubeconfigs (which the model does not keep). Key material is reduced to facts here
 * and goes no further.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ControlPlane, KeyFacts } from '../model/control-plane.js';
import { blockDer, derOfFacts, pemBlocks, privateKeyFacts } from '../sources/pem.js';
import type { CertificateStore, EmbeddedKeys } from './inventory.js';

export function fingerprintOf(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

function addPems(store: Map<string, Uint8Array>, text: string): void {
  for (const b of pemBlocks(text).blocks) {
    if (b.label !== 'CERTIFICATE') continue;
    let der: Buffer;
    try {
      der = blockDer(b);
    } catch {
      continue; // the source reported it already
    }
    store.set(fingerprintOf(der), der);
  }
}

function decoded(v: unknown): string {
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : '';
}

function namedEntries(list: unknown, inner: string): { name: string; body: Record<string, unknown> }[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((x: unknown) => {
    if (typeof x !== 'object' || x === null) return [];
    const r = x as Record<string, unknown>;
    const body = r[inner];
    return typeof body === 'object' && body !== null ? [{ name: typeof r.name === 'string' ? r.name : '', body: body as Record<string, unknown> }] : [];
  });
}

/**
 * Reads the certificate files and kubeconfigs the model lists, under each host's root (live: `/`).
 * A snapshot holds facts, not files: there nothing is found and chains are judged on names and key ids.
 */
export function readCertificateStore(cp: ControlPlane): { store: CertificateStore; embeddedKeys: EmbeddedKeys } {
  const store = new Map<string, Uint8Array>();
  const embeddedKeys = new Map<string, KeyFacts>();
  for (const host of cp.hosts) {
    const root = host.root === 'live' ? '/' : host.root;
    for (const [path, file] of Object.entries(host.files)) {
      if (!file.exists || (!file.certificates?.length && !file.kubeconfig)) continue;
      const ders = file.kubeconfig ? [] : (file.certificates ?? []).map(derOfFacts);
      if (ders.length > 0 && ders.every((d) => d !== undefined)) {
        // read in this process: the DER is at hand (only kubeconfigs are read again, for their embedded keys)
        file.certificates!.forEach((c, i) => store.set(c.fingerprint, ders[i]!));
        continue;
      }
      let text: string;
      try {
        // synchronous: thousands of small sequential reads are several times faster without a thread-pool round trip each
        text = readFileSync(join(root, path), 'utf8');
      } catch {
        continue; // it was readable when the source ran; a vanished file just stays unverified
      }
      if (!file.kubeconfig) {
        addPems(store, text);
        continue;
      }
      let doc: unknown;
      try {
        doc = parse(text);
      } catch {
        continue;
      }
      const v = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
      for (const c of namedEntries(v.clusters, 'cluster')) addPems(store, decoded(c.body['certificate-authority-data']));
      for (const u of namedEntries(v.users, 'user')) {
        addPems(store, decoded(u.body['client-certificate-data']));
        const key = u.body['client-key-data'] ? privateKeyFacts(decoded(u.body['client-key-data'])) : undefined;
        if (key) embeddedKeys.set(`${path} users[${u.name}]`, key);
      }
    }
  }
  return { store, embeddedKeys };
}
