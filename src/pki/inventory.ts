/**
 * The certificate inventory over the model: every certificate the sources found (PKI folders,
 * files that flags name, kubeconfigs with embedded or referenced certificates, the kubelet's cert
 * dir), which component uses it, which key belongs to it, and its chain. Pure: the PEM texts that
 * chain verification needs are passed in (see pem-store.ts).
 */
import { posix } from 'node:path';
import type { CertificateFacts, Component, ControlPlane, Host, KeyFacts, NodeFile } from '../model/control-plane.js';
import { signatureVerifier } from './signature.js';
import { flag as effectiveFlag, kubeletSetting, nodePathFor, type Effective } from '../model/effective.js';

export type ChainStatus =
  /** a self-signed CA: a trust anchor */
  | 'root'
  /** the signature verifies against a CA certificate found in the inventory */
  | 'verified'
  /** a CA with the issuer's name and key id is known, but its signature could not be checked (no PEM) */
  | 'issuer-known'
  /** CAs with the issuer's name exist, and none of them signed this certificate (by key id or signature) */
  | 'bad-signature'
  /** no CA with the issuer's name in what was read */
  | 'issuer-not-found'
  /** signed by a CA found here, but a CA above it has no issuer here (an intermediate whose root is kept elsewhere) */
  | 'incomplete';

export interface InventoryItem {
  host: string;
  /** display path of the file, or "<kubeconfig> users[<name>]" / "<kubeconfig> clusters[<name>]" for embedded data, or an API object */
  location: string;
  /** the file the finding evidence points to */
  file: string | null;
  line: number | null;
  /** the API object it came from (a CertificateSigningRequest's issued certificate) */
  object?: string;
  /** position of the certificate in its file (bundles hold several) */
  index: number;
  cert: CertificateFacts;
  /** "kube-apiserver --tls-cert-file", "kubelet via etc/kubernetes/kubelet.conf", ... */
  usedBy: string[];
  /** the private key paired with this certificate, and whether it matches */
  key?: { location: string; matches: boolean; encrypted: boolean };
  /** the whole chain's status: 'verified' only when every signature up to a self-signed root verifies */
  chain: ChainStatus;
  /** location of the issuing CA */
  issuer?: string;
  /** locations of the CAs above this certificate, its issuer first, up to the root or where the chain stops */
  chainPath?: string[];
  /** the CA in chainPath whose own link is what `chain` describes, when it is not this certificate's link */
  chainStopsAt?: string;
}

/** The DER certificates the chain check can verify signatures with, by sha256 fingerprint (CertificateFacts.fingerprint). */
export type CertificateStore = ReadonlyMap<string, Uint8Array>;

/** Flags (or kubelet config fields) that name a certificate/key pair. */
const PAIR_SETTINGS: Partial<Record<Component['kind'], { cert: string; key: string; field?: [string, string] }[]>> = {
  'kube-apiserver': [
    { cert: 'tls-cert-file', key: 'tls-private-key-file' },
    { cert: 'etcd-certfile', key: 'etcd-keyfile' },
    { cert: 'kubelet-client-certificate', key: 'kubelet-client-key' },
    { cert: 'proxy-client-cert-file', key: 'proxy-client-key-file' },
  ],
  'kube-controller-manager': [
    { cert: 'tls-cert-file', key: 'tls-private-key-file' },
    { cert: 'cluster-signing-cert-file', key: 'cluster-signing-key-file' },
  ],
  'kube-scheduler': [{ cert: 'tls-cert-file', key: 'tls-private-key-file' }],
  etcd: [
    { cert: 'cert-file', key: 'key-file' },
    { cert: 'peer-cert-file', key: 'peer-key-file' },
  ],
  kubelet: [{ cert: 'tls-cert-file', key: 'tls-private-key-file', field: ['tlsCertFile', 'tlsPrivateKeyFile'] }],
  flanneld: [{ cert: 'etcd-certfile', key: 'etcd-keyfile' }],
};

/** Flags that name certificate files (CAs and leaves), by component; kubeconfig-valued flags are separate. */
const CERT_FLAGS: Partial<Record<Component['kind'], string[]>> = {
  'kube-apiserver': ['tls-cert-file', 'client-ca-file', 'requestheader-client-ca-file', 'etcd-cafile', 'etcd-certfile', 'kubelet-client-certificate', 'kubelet-certificate-authority', 'proxy-client-cert-file', 'oidc-ca-file'],
  'kube-controller-manager': ['tls-cert-file', 'client-ca-file', 'requestheader-client-ca-file', 'root-ca-file', 'cluster-signing-cert-file'],
  'kube-scheduler': ['tls-cert-file', 'client-ca-file', 'requestheader-client-ca-file'],
  etcd: ['cert-file', 'trusted-ca-file', 'peer-cert-file', 'peer-trusted-ca-file'],
  flanneld: ['etcd-cafile', 'etcd-certfile'],
};
const KUBELET_CERT_SETTINGS = [
  { flag: 'client-ca-file', field: 'authentication.x509.clientCAFile' },
  { flag: 'tls-cert-file', field: 'tlsCertFile' },
];
const KUBECONFIG_FLAGS: Partial<Record<Component['kind'], string[]>> = {
  'kube-apiserver': ['authentication-token-webhook-config-file', 'authorization-webhook-config-file', 'audit-webhook-config-file'],
  'kube-controller-manager': ['kubeconfig', 'authentication-kubeconfig', 'authorization-kubeconfig'],
  'kube-scheduler': ['kubeconfig', 'authentication-kubeconfig', 'authorization-kubeconfig'],
  kubelet: ['kubeconfig', 'bootstrap-kubeconfig'],
};
/** the kubelet's --cert-dir default (cmd/kubelet/app/options/options.go) */
const KUBELET_CERT_DIR = '/var/lib/kubelet/pki';

function pathOf(c: Component, e: Effective): string | undefined {
  return e.value ? nodePathFor(c, e.value, e) : undefined;
}

function settingOf(cp: ControlPlane, c: Component, name: string, field?: string): Effective {
  return c.kind === 'kubelet' && field ? kubeletSetting(cp, c, { flag: name, field }) : effectiveFlag(cp, c, name);
}

/** How a setting is written: the flag when one was given, else the kubelet config field. */
function label(c: Component, e: Effective): string {
  return e.field && !(e.flag && c.flags[e.flag]) ? `${c.kind} ${e.field}` : `${c.kind} --${e.flag ?? ''}`;
}

/** Resolves a path named inside a kubeconfig as client-go does (relative to the kubeconfig's directory). */
function kubeconfigRef(kubeconfigPath: string, ref: string, c?: Component): string {
  if (posix.isAbsolute(ref)) return c ? nodePathFor(c, ref) : ref.replace(/^\/+/, '');
  return posix.join(posix.dirname(kubeconfigPath), ref);
}

/** Which component uses which file (display path → uses). */
function usesOf(cp: ControlPlane, host: Host): Map<string, Set<string>> {
  const uses = new Map<string, Set<string>>();
  const add = (path: string | undefined, who: string): void => {
    if (!path) return;
    let s = uses.get(path);
    if (!s) uses.set(path, (s = new Set()));
    s.add(who);
  };
  for (const c of host.components) {
    for (const f of CERT_FLAGS[c.kind] ?? []) {
      const e = settingOf(cp, c, f);
      if (e.explicit) add(pathOf(c, e), label(c, e));
    }
    if (c.kind === 'kubelet') {
      for (const s of KUBELET_CERT_SETTINGS) {
        const e = settingOf(cp, c, s.flag, s.field);
        if (e.explicit) add(pathOf(c, e), label(c, e));
      }
      const dir = settingOf(cp, c, 'cert-dir');
      const certDir = nodePathFor(c, dir.value || KUBELET_CERT_DIR, dir);
      for (const p of Object.keys(host.files)) if (p.startsWith(`${certDir}/`) && host.files[p]?.certificates?.length) add(p, 'kubelet --cert-dir');
    }
    for (const f of KUBECONFIG_FLAGS[c.kind] ?? []) {
      const e = settingOf(cp, c, f);
      const kcPath = e.explicit ? pathOf(c, e) : undefined;
      if (!kcPath) continue;
      const who = `${c.kind} via ${kcPath}`;
      add(kcPath, `${c.kind} --${f}`);
      const kc = host.files[kcPath]?.kubeconfig;
      for (const u of kc?.users ?? []) if (u.clientCertificate && u.clientCertificate !== '(embedded)') add(kubeconfigRef(kcPath, u.clientCertificate, c), who);
      for (const cl of kc?.clusters ?? []) if (cl.certificateAuthority && cl.certificateAuthority !== '(embedded)') add(kubeconfigRef(kcPath, cl.certificateAuthority, c), who);
    }
  }
  return uses;
}

/** Certificate path → key path pairs: flags, the kubelet's combined PEMs, and naming conventions (x.crt/x.key, x.pem/x-key.pem). */
function keyPairs(cp: ControlPlane, host: Host): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const c of host.components) {
    for (const p of PAIR_SETTINGS[c.kind] ?? []) {
      const cert = settingOf(cp, c, p.cert, p.field?.[0]);
      const key = settingOf(cp, c, p.key, p.field?.[1]);
      const cPath = cert.explicit ? pathOf(c, cert) : undefined;
      const kPath = key.explicit ? pathOf(c, key) : undefined;
      if (cPath && kPath) pairs.set(cPath, kPath);
    }
  }
  for (const [path, f] of Object.entries(host.files)) {
    if (!f.certificates?.length || pairs.has(path)) continue;
    if (f.privateKey) pairs.set(path, path);
    else {
      const candidates = [path.replace(/\.(crt|cert|pem)$/, '.key'), path.replace(/\.pem$/, '-key.pem')].filter((k) => k !== path);
      const key = candidates.find((k) => host.files[k]?.privateKey);
      if (key) pairs.set(path, key);
    }
  }
  for (const [path, f] of Object.entries(host.files)) {
    for (const u of f.kubeconfig?.users ?? []) {
      if (u.clientCertificate && u.clientCertificate !== '(embedded)' && u.clientKey && u.clientKey !== '(embedded)') {
        pairs.set(kubeconfigRef(path, u.clientCertificate), kubeconfigRef(path, u.clientKey));
      }
    }
  }
  return pairs;
}

function keyCheck(location: string, cert: CertificateFacts, key: KeyFacts | undefined): InventoryItem['key'] {
  if (!key) return undefined;
  return { location, encrypted: key.encrypted === true, matches: key.encrypted === true || key.publicKeyFingerprint === cert.key.publicKeyFingerprint };
}

/** Key facts of embedded kubeconfig client keys, by "<kubeconfig> users[<name>]" (the model keeps none; pem-store reads them). */
export type EmbeddedKeys = ReadonlyMap<string, KeyFacts>;

/** Every certificate of every host, with its uses and key; chains are filled by `verifyChains`. */
export function collectInventory(cp: ControlPlane, embeddedKeys: EmbeddedKeys = new Map()): InventoryItem[] {
  const items: InventoryItem[] = [];
  for (const host of cp.hosts) {
    const uses = usesOf(cp, host);
    const pairs = keyPairs(cp, host);
    const base = (location: string, file: NodeFile, cert: CertificateFacts, index: number, line: number | null): InventoryItem => ({
      host: host.name,
      location,
      file: file.path,
      line,
      index,
      cert,
      usedBy: [...(uses.get(file.path) ?? [])].sort(),
      chain: 'issuer-not-found',
    });
    for (const [path, file] of Object.entries(host.files)) {
      (file.certificates ?? []).forEach((cert, i) => {
        const item = base(path, file, cert, i, null);
        const keyPath = i === 0 ? pairs.get(path) : undefined;
        const key = keyPath ? keyCheck(keyPath, cert, host.files[keyPath]?.privateKey) : undefined;
        if (key) item.key = key;
        items.push(item);
      });
      const kc = file.kubeconfig;
      if (!kc) continue;
      const usedVia = [...new Set([...(uses.get(path) ?? [])].map((u) => u.replace(/ --\S+$/, ` via ${path}`)))];
      for (const u of kc.users) {
        if (u.clientCertificate !== '(embedded)') continue;
        const location = `${path} users[${u.name}]`;
        u.clientCertificates.forEach((cert, i) => {
          const item = { ...base(location, file, cert, i, u.line ?? null), usedBy: usedVia };
          const key = i === 0 && u.clientKey === '(embedded)' ? keyCheck(`${location} client-key-data`, cert, embeddedKeys.get(location)) : undefined;
          if (key) item.key = key;
          items.push(item);
        });
      }
      for (const c of kc.clusters) {
        if (c.certificateAuthority !== '(embedded)') continue;
        c.caCertificates.forEach((cert, i) => items.push({ ...base(`${path} clusters[${c.name}]`, file, cert, i, c.line ?? null), usedBy: usedVia }));
      }
    }
  }
  return items;
}

/** The key identifiers do not rule `ca` out as the signer (either may be absent). */
function keyIdFits(cert: CertificateFacts, ca: CertificateFacts): boolean {
  return !cert.authorityKeyId || !ca.subjectKeyId || cert.authorityKeyId === ca.subjectKeyId;
}

interface Link {
  /** this certificate's own link: its signature against the CA that carries its issuer name */
  chain: ChainStatus;
  ca?: InventoryItem;
}

interface Chain {
  chain: ChainStatus;
  issuer?: string;
  path: string[];
  stopsAt?: string;
}

/**
 * Chain status of every item against the CAs in the inventory, link by link up to a self-signed
 * root: each link matches issuer name and key ids on the facts, then checks the signature
 * (crypto.verify over the TBS) when both DERs are in `store` (crypto/x509/x509_vfy.c
 * build_chain and internal_verify do the same walk; trust here is "a root that was read").
 */
export function verifyChains(items: InventoryItem[], store: CertificateStore): void {
  const cas = new Map<string, InventoryItem[]>();
  for (const it of items) {
    if (!it.cert.isCA) continue;
    const list = cas.get(it.cert.subject);
    if (list) {
      const same = list.findIndex((x) => x.cert.fingerprint === it.cert.fingerprint);
      if (same < 0) list.push(it);
      else if (list[same]!.location.includes(' clusters[') && !it.location.includes(' clusters[')) list[same] = it;
    } else cas.set(it.cert.subject, [it]);
  }
  // name a CA file rather than a copy embedded in a kubeconfig
  for (const list of cas.values()) list.sort((a, b) => Number(a.location.includes(' clusters[')) - Number(b.location.includes(' clusters[')));
  const signedBy = signatureVerifier();
  const links = new Map<string, Link>();
  const linkOf = (cert: CertificateFacts): Link => {
    let link = links.get(cert.fingerprint);
    if (!link) links.set(cert.fingerprint, (link = linkToIssuer(cert, cas.get(cert.issuer) ?? [], store, signedBy)));
    return link;
  };
  const chains = new Map<string, Chain>();
  const chainOf = (cert: CertificateFacts, below: Set<string>): Chain => {
    const known = chains.get(cert.fingerprint);
    if (known) return known;
    const link = linkOf(cert);
    let chain: Chain;
    if (link.chain === 'root' || !link.ca) {
      chain = { chain: link.chain, path: [] };
      if (link.chain === 'root' || cert.selfSigned) chain.issuer = '(self-signed)';
    } else {
      const ca = link.ca;
      const path = [ca.location];
      chain = { chain: link.chain, issuer: ca.location, path };
      if (link.chain === 'verified' || link.chain === 'issuer-known') {
        // a CA that (through others) claims to be signed by this certificate: a loop, no root above
        const up = below.has(ca.cert.fingerprint) ? { chain: 'issuer-not-found' as const, path: [] } : chainOf(ca.cert, new Set([...below, cert.fingerprint]));
        path.push(...up.path);
        if (up.chain !== 'root' && up.chain !== 'verified') {
          chain.stopsAt = up.stopsAt ?? ca.location;
          if (up.chain === 'bad-signature') chain.chain = 'bad-signature';
          else if (up.chain === 'issuer-known') chain.chain = 'issuer-known';
          else if (link.chain === 'verified') chain.chain = 'incomplete';
        }
      }
    }
    if (below.size === 0 || !chain.stopsAt) chains.set(cert.fingerprint, chain);
    return chain;
  };
  for (const it of items) {
    const c = chainOf(it.cert, new Set());
    it.chain = c.chain;
    if (c.issuer) it.issuer = c.issuer;
    if (c.path.length > 0) it.chainPath = c.path;
    if (c.stopsAt) it.chainStopsAt = c.stopsAt;
  }
}

function linkToIssuer(cert: CertificateFacts, named: InventoryItem[], store: CertificateStore, signedBy: (cert: Uint8Array, issuer: Uint8Array) => boolean): Link {
  if (cert.selfSigned) return { chain: cert.isCA ? 'root' : 'verified' };
  if (named.length === 0) return { chain: 'issuer-not-found' };
  const mine = store.get(cert.fingerprint);
  let unchecked: InventoryItem | undefined;
  for (const ca of named) {
    if (!keyIdFits(cert, ca.cert)) continue;
    const theirs = store.get(ca.cert.fingerprint);
    if (!mine || !theirs) {
      unchecked ??= ca;
      continue;
    }
    // names and key ids were matched on the facts (what checkIssued compares); the signature decides
    if (signedBy(mine, theirs)) return { chain: 'verified', ca };
  }
  // a CA of that name is here, and it is not the one that signed (replaced CA, or a name clash)
  return unchecked ? { chain: 'issuer-known', ca: unchecked } : { chain: 'bad-signature', ca: named[0]! };
}

/** Days from `now` to the certificate's notAfter (negative once expired). */
export function daysLeft(cert: CertificateFacts, now: number): number {
  return Math.floor((Date.parse(cert.notAfter) - now) / 86_400_000);
}

/** The inventory in expiry order (soonest first), then by location. */
export function sortByExpiry(items: readonly InventoryItem[]): InventoryItem[] {
  // each date parsed once, and one collator (localeCompare's order), not both per comparison: thousands of items share an expiry
  const expiry = new Map(items.map((it) => [it, Date.parse(it.cert.notAfter)]));
  const byLocation = new Intl.Collator().compare;
  return [...items].sort((a, b) => expiry.get(a)! - expiry.get(b)! || byLocation(a.location, b.location) || a.index - b.index);
}
