/**
 * Certificate facts read from the DER (der.ts + pem.ts) against two independent readers of the same
 * files: node:crypto's X509Certificate (OpenSSL's parser; the facts used to come from it) and the
 * `openssl x509 -text` CLI. Certificates: made here by openssl and @peculiar/x509 to cover the
 * encodings (RSA, EC P-256/384/521, Ed25519, DSA, RSA-PSS; IP v4/v6, URI, email, dirName and
 * otherName SANs; UTCTime and GeneralizedTime; negative, zero and 20-byte serials; escaped,
 * multi-valued, BMPString and T61String names; v1), the examples' PKI and kubeconfigs, and the
 * system CA bundle (real-world CAs of all ages). Malformed DER is an error naming the file.
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateFacts } from '../../src/model/control-plane.js';
import { x509, generateKeyPair, issueCertificate, certificatePem } from '../../src/pki/x509.js';
import { readCertificate } from '../../src/sources/der.js';
import { blockDer, certificateFacts, pemBlocks, pemFacts } from '../../src/sources/pem.js';
import { readNodeRoot } from '../../src/sources/node-root.js';
import { REPO } from '../helpers/cli.js';
import { nodeRoot } from './node-root-dir.js';

let dir = '';
const file = (name: string): string => join(dir, name);
const ossl = (...args: string[]): string => execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The facts as the X509Certificate-based reader computed them (the oracle; key facts come from its KeyObject). */
function viaNode(pem: string): Omit<CertificateFacts, 'keyUsage' | 'extKeyUsage' | 'signatureAlgorithm' | 'subjectKeyId' | 'authorityKeyId'> {
  const c = new X509Certificate(pem);
  const lines = (n: string): string[] => n.split('\n').filter((l) => l.length > 0);
  const cn = lines(c.subject).find((l) => l.startsWith('CN='));
  const key = c.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const bits = details.modulusLength ?? { prime256v1: 256, secp384r1: 384, secp521r1: 521 }[details.namedCurve ?? ''] ?? (key.asymmetricKeyType === 'ed25519' ? 256 : key.asymmetricKeyType === 'ed448' ? 456 : undefined);
  const keyFacts: CertificateFacts['key'] = { type: key.asymmetricKeyType ?? 'unknown', publicKeyFingerprint: createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex') };
  if (bits !== undefined) keyFacts.bits = bits;
  if (details.namedCurve) keyFacts.curve = details.namedCurve;
  const out: ReturnType<typeof viaNode> = {
    subject: lines(c.subject).join(', '),
    organizations: lines(c.subject).filter((l) => l.startsWith('O=')).map((l) => l.slice(2)),
    issuer: lines(c.issuer).join(', '),
    serial: c.serialNumber.toLowerCase(),
    notBefore: new Date(c.validFrom).toISOString(),
    notAfter: new Date(c.validTo).toISOString(),
    isCA: c.ca,
    sans: (c.subjectAltName ?? '').split(', ').filter((s) => s.length > 0).map((s) => s.replace(/^IP Address:/, 'IP:')),
    key: keyFacts,
    fingerprint: c.fingerprint256.replace(/:/g, '').toLowerCase(),
    selfSigned: c.subject === c.issuer && c.verify(c.publicKey),
  };
  if (cn) out.commonName = cn.slice(3);
  return out;
}

const KU_TEXT: Record<string, string> = {
  'Digital Signature': 'digitalSignature', 'Non Repudiation': 'nonRepudiation', 'Key Encipherment': 'keyEncipherment', 'Data Encipherment': 'dataEncipherment',
  'Key Agreement': 'keyAgreement', 'Certificate Sign': 'keyCertSign', 'CRL Sign': 'cRLSign', 'Encipher Only': 'encipherOnly', 'Decipher Only': 'decipherOnly',
};
const EKU_TEXT: Record<string, string> = {
  'TLS Web Server Authentication': 'serverAuth', 'TLS Web Client Authentication': 'clientAuth', 'Code Signing': 'codeSigning', 'E-mail Protection': 'emailProtection',
  'Time Stamping': 'timeStamping', 'OCSP Signing': 'OCSPSigning', 'Any Extended Key Usage': 'anyExtendedKeyUsage',
};

type TextFacts = Pick<CertificateFacts, 'keyUsage' | 'extKeyUsage' | 'signatureAlgorithm'> & { subjectKeyId?: string; authorityKeyId?: string };

/** What `openssl x509 -text` says about the fields X509Certificate does not expose, for each certificate of a PEM text (one openssl run). */
function viaOpensslText(pem: string): TextFacts[] {
  const bundle = join(dir, 'text-of.pem');
  writeFileSync(bundle, pem);
  const all = execFileSync('sh', ['-c', 'openssl crl2pkcs7 -nocrl -certfile "$1" | openssl pkcs7 -print_certs -text -noout', 'sh', bundle], { encoding: 'utf8' });
  return all.split(/^Certificate:$/m).slice(1).map((text) => {
    const after = (label: string): string | undefined => new RegExp(`${label}:(?: critical)?\\s*\\n\\s*(.*)`).exec(text)?.[1]?.trim();
    const hexId = (v: string | undefined): string | undefined => v?.replace(/^keyid:/, '').replace(/:/g, '').toLowerCase();
    const list = (v: string | undefined, names: Record<string, string>): string[] => (v ? v.split(', ').map((n) => names[n] ?? n) : []);
    const out: TextFacts = {
      keyUsage: list(after('X509v3 Key Usage'), KU_TEXT),
      extKeyUsage: list(after('X509v3 Extended Key Usage'), EKU_TEXT),
      signatureAlgorithm: /Signature Algorithm: (\S+)/.exec(text)![1]!,
    };
    const ski = hexId(after('X509v3 Subject Key Identifier'));
    const aki = hexId(after('X509v3 Authority Key Identifier'));
    if (ski) out.subjectKeyId = ski;
    if (aki) out.authorityKeyId = aki;
    return out;
  });
}

/** Each certificate of a PEM text: the DER reading equals X509Certificate's and openssl's. */
function expectSameFacts(pem: string, where: string): number {
  const blocks = pemBlocks(pem).blocks.filter((b) => b.label === 'CERTIFICATE');
  const facts = pemFacts(pem);
  expect(facts.errors, where).toEqual([]);
  expect(facts.certificates, where).toHaveLength(blocks.length);
  const texts = viaOpensslText(blocks.map((b) => b.text).join('\n'));
  expect(texts, where).toHaveLength(blocks.length);
  blocks.forEach((b, i) => {
    const { keyUsage, extKeyUsage, signatureAlgorithm, subjectKeyId, authorityKeyId, ...rest } = facts.certificates[i]!;
    expect(rest, `${where} #${i + 1}`).toEqual(viaNode(b.text));
    expect({ keyUsage, extKeyUsage, signatureAlgorithm, subjectKeyId, authorityKeyId }, `${where} #${i + 1}`).toEqual({ subjectKeyId: undefined, authorityKeyId: undefined, ...texts[i] });
  });
  return blocks.length;
}

const EXT_FILE = 'leaf.ext';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kw-der-'));
  writeFileSync(file('default-mask.cnf'), '[req]\ndistinguished_name=dn\nstring_mask=default\n[dn]\n');
  // roots: RSA 2048 (UTCTime), EC P-384 (GeneralizedTime: notAfter after 2049), Ed25519, RSA-PSS signed, DSA
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rsa-ca.key', '-out', 'rsa-ca.crt', '-days', '3650', '-subj', '/C=DE/ST=Berlin/L=Berlin/O=Example, Inc./OU=PKI/CN=rsa-ca', '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:1', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  ossl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', 'ec-ca.key', '-out', 'ec-ca.crt', '-days', '30000', '-subj', '/CN=ec-ca/emailAddress=pki@example.test', '-addext', 'basicConstraints=critical,CA:TRUE');
  ossl('req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', 'ed.key', '-out', 'ed.crt', '-days', '10', '-subj', '/CN=ed25519 root', '-set_serial', '0');
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'pss.key', '-out', 'pss.crt', '-days', '10', '-subj', '/CN=pss', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32');
  ossl('genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-pkeyopt', 'dsa_paramgen_q_bits:160', '-out', 'dsa.param');
  ossl('req', '-x509', '-newkey', 'dsa:dsa.param', '-nodes', '-keyout', 'dsa.key', '-out', 'dsa.crt', '-days', '10', '-subj', '/CN=dsa', '-sha256');
  // a CA-flagged certificate whose key usage lacks keyCertSign: not a CA for OpenSSL's X509_check_ca
  ossl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'noku.key', '-out', 'noku.crt', '-days', '10', '-subj', '/CN=not-really-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature');
  // leaves: IP v4/v6, URI, email, dirName and otherName SANs; negative and 20-byte serials; P-521; many EKUs
  writeFileSync(
    file(EXT_FILE),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment,keyAgreement',
      'extendedKeyUsage=serverAuth,clientAuth,codeSigning,emailProtection,timeStamping,OCSPSigning,1.3.6.1.4.1.55555.7',
      'subjectAltName=DNS:api.example.test,DNS:*.apps.example.test,IP:10.96.0.1,IP:::1,IP:fd00:10:96::1,URI:spiffe://cluster.local/ns/default/sa/x,email:ops@example.test,dirName:dir_sect,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.test',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid,issuer',
      '[dir_sect]',
      'CN=directory name',
      'O=dir org',
      '',
    ].join('\n'),
  );
  ossl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/O=system:masters/O=team a/CN=system:node:worker-1');
  ossl('x509', '-req', '-in', 'leaf.csr', '-CA', 'rsa-ca.crt', '-CAkey', 'rsa-ca.key', '-set_serial', '-4660', '-days', '400', '-out', 'leaf-neg.crt', '-extfile', EXT_FILE, '-sha384');
  ossl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ec-ca.crt', '-CAkey', 'ec-ca.key', '-set_serial', `0x7f${'ab'.repeat(19)}`, '-days', '400', '-out', 'leaf-long.crt', '-extfile', EXT_FILE);
  ossl('x509', '-req', '-in', 'leaf.csr', '-CA', 'rsa-ca.crt', '-CAkey', 'rsa-ca.key', '-set_serial', '0x80', '-days', '400', '-out', 'leaf-sha1.crt', '-sha1');
  // a v1 certificate (no extensions at all)
  ossl('x509', '-req', '-in', 'leaf.csr', '-signkey', 'leaf.key', '-days', '2', '-out', 'v1.crt');
  // names: RFC 2253 escapes, leading/trailing blanks, multi-valued RDNs, UTF-8, BMPString and T61String, control characters
  ossl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'n.key', '-out', 'names.crt', '-days', '10', '-multivalue-rdn', '-utf8',
    '-subj', '/CN=a=b #c\\/d:e\\,f/O= lead/OU=x;y<z>"q"\\+w/ST=trail /L=#/street=Straße 1/DC=example+UID=u1/serialNumber=42/title=t/GN=g/SN=s/initials=i/pseudonym=p/generationQualifier=q/dnQualifier=d/description=de/postalCode=10115/businessCategory=bc/organizationIdentifier=oi');
  ossl('req', '-x509', '-config', 'default-mask.cnf', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'n.key', '-out', 'bmp.crt', '-days', '10', '-utf8', '-subj', '/CN=Soc€été/O=caf\x01é\x7Fx/OU=Ā ü');
  // @peculiar/x509: GeneralizedTime on both ends (from 2050), an unknown name attribute, SANs that need escaping
  const key = await generateKeyPair('ecdsa-p256');
  const odd = await issueCertificate({
    subject: [{ CN: ['odd'] }, { '1.2.3.4': ['unknown attribute'] }],
    publicKey: key.publicKey,
    selfKey: key,
    notBefore: new Date('2050-01-01T00:00:00Z'),
    notAfter: new Date('2051-06-01T00:00:00Z'),
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'a,b"c\\d' }, { type: 'url', value: "https://x/'y'" }, { type: 'email', value: 'é@x' }])],
  });
  writeFileSync(file('odd.crt'), certificatePem(odd));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DER facts equal X509Certificate and openssl x509 -text', () => {
  const made = ['rsa-ca', 'ec-ca', 'ed', 'pss', 'dsa', 'noku', 'leaf-neg', 'leaf-long', 'leaf-sha1', 'v1', 'names', 'bmp', 'odd'];
  it.each(made)('%s.crt', (name) => {
    expect(expectSameFacts(readFileSync(file(`${name}.crt`), 'utf8'), name)).toBe(1);
  });

  it('the cases are what they claim to be', () => {
    const one = (name: string): CertificateFacts => certificateFacts(readFileSync(file(`${name}.crt`), 'utf8'))[0]!;
    expect(one('leaf-neg')).toMatchObject({ serial: '-1234', key: { type: 'ec', curve: 'secp521r1', bits: 521 }, signatureAlgorithm: 'sha384WithRSAEncryption', organizations: ['system:masters', 'team a'] });
    expect(one('leaf-neg').sans).toEqual(expect.arrayContaining(['IP:10.96.0.1', 'IP:0:0:0:0:0:0:0:1', 'IP:FD00:10:96:0:0:0:0:1', 'URI:spiffe://cluster.local/ns/default/sa/x', 'email:ops@example.test']));
    expect(one('leaf-long').serial).toBe(`7f${'ab'.repeat(19)}`);
    expect(one('ed')).toMatchObject({ serial: '0', key: { type: 'ed25519', bits: 256 }, signatureAlgorithm: 'ED25519', selfSigned: true });
    expect(one('pss')).toMatchObject({ signatureAlgorithm: 'rsassaPss', selfSigned: true });
    expect(one('dsa').key).toMatchObject({ type: 'dsa', bits: 1024 });
    expect(one('noku')).toMatchObject({ isCA: false, selfSigned: true });
    expect(one('rsa-ca')).toMatchObject({ isCA: true, subject: 'C=DE, ST=Berlin, L=Berlin, O=Example\\, Inc., OU=PKI, CN=rsa-ca' });
    expect(one('v1')).toMatchObject({ isCA: false, keyUsage: [], extKeyUsage: [], sans: [] });
    expect(one('odd')).toMatchObject({ notBefore: '2050-01-01T00:00:00.000Z', notAfter: '2051-06-01T00:00:00.000Z', selfSigned: true });
    expect(one('ec-ca').notAfter.slice(0, 2)).toBe('21');
    const der = readCertificate(blockDer(pemBlocks(readFileSync(file('odd.crt'), 'utf8')).blocks[0]!));
    expect(der.subject.flat().map((a) => a.oid)).toEqual(['2.5.4.3', '1.2.3.4']);
  });

  it("the examples' PKI, kubelet PEMs and kubeconfig-embedded certificates", () => {
    let count = 0;
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        const st = lstatSync(p);
        if (st.isSymbolicLink()) continue; // absolute links point into the node, not this machine
        if (st.isDirectory()) walk(p);
        else if (/\.(crt|pem)$/.test(n)) count += expectSameFacts(readFileSync(p, 'utf8'), p);
        else if (/-data: /.test(readFileSync(p, 'utf8'))) {
          const doc = parse(readFileSync(p, 'utf8')) as { clusters?: { cluster: Record<string, string> }[]; users?: { user: Record<string, string> }[] };
          const embedded = [...(doc.clusters ?? []).map((c) => c.cluster['certificate-authority-data']), ...(doc.users ?? []).map((u) => u.user['client-certificate-data'])];
          for (const b64 of embedded) if (b64) count += expectSameFacts(Buffer.from(b64, 'base64').toString('utf8'), p);
        }
      }
    };
    for (const example of ['hardened', 'kubeadm-insecure']) walk(join(REPO, 'examples', example));
    expect(count).toBeGreaterThan(30);
  }, 120_000);

  it.runIf(existsSync('/etc/ssl/certs/ca-certificates.crt'))('every CA of the system bundle (real certificates of all ages and encodings)', () => {
    expect(expectSameFacts(readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8'), 'ca-certificates.crt')).toBeGreaterThan(50);
  }, 120_000);
});

describe('malformed DER', () => {
  const pemOf = (der: Uint8Array): string => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
  const good = (): Buffer => blockDer(pemBlocks(readFileSync(file('leaf-neg.crt'), 'utf8')).blocks[0]!);
  const errorOf = (der: Uint8Array): string => {
    const f = pemFacts(pemOf(der));
    expect(f.certificates).toEqual([]);
    return f.errors[0]!.message;
  };

  it('each defect is an error that says what is wrong, never a fact', () => {
    const der = good();
    expect(errorOf(der.subarray(0, der.length - 10))).toMatch(/^CERTIFICATE at line 1 does not parse: DER: content runs past the end/);
    expect(errorOf(Buffer.concat([der, Buffer.from([0])]))).toMatch(/DER: 1 bytes after the certificate/);
    const set = Buffer.from(der);
    set[0] = 0x31;
    expect(errorOf(set)).toMatch(/DER: Certificate has tag 0x31/);
    // notBefore's month → 13
    const time = Buffer.from(der);
    const at = time.indexOf(Buffer.from([0x17, 0x0d])) + 4;
    time[at] = 0x31;
    time[at + 1] = 0x33;
    expect(errorOf(time)).toMatch(/DER: notBefore "\d\d13\d{8}Z" is not a valid time/);
    expect(errorOf(Buffer.from('not a certificate'))).toMatch(/DER: /);
    expect(pemFacts('-----BEGIN CERTIFICATE-----\nMII!!\n-----END CERTIFICATE-----\n').errors[0]!.message).toMatch(/not base64/);
  });

  it('a duplicated extension (RFC 5280 §4.2) is refused', async () => {
    const key = await generateKeyPair('ecdsa-p256');
    const twice = await issueCertificate({ subject: [{ CN: ['twice'] }], publicKey: key.publicKey, selfKey: key, notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000), extensions: [new x509.BasicConstraintsExtension(true), new x509.BasicConstraintsExtension(false)] });
    expect(errorOf(new Uint8Array(twice.rawData))).toMatch(/DER: extension 2\.5\.29\.19 occurs twice/);
  });

  it('a node root with a malformed certificate: a problem naming the file and line, the rest still read', async () => {
    const der = good();
    const r = await nodeRoot({ 'etc/kubernetes/pki/ok.crt': readFileSync(file('rsa-ca.crt'), 'utf8'), 'etc/kubernetes/pki/bad.crt': `# a comment\n${pemOf(der.subarray(0, 300))}` });
    try {
      const { host, problems } = await readNodeRoot(r.dir);
      expect(problems.map((p) => [p.file, p.line])).toEqual([['etc/kubernetes/pki/bad.crt', 2]]);
      expect(problems[0]!.message).toMatch(/^etc\/kubernetes\/pki\/bad\.crt:2: CERTIFICATE at line 2 does not parse: DER: /);
      expect(host.files['etc/kubernetes/pki/bad.crt']?.certificates).toBeUndefined();
      expect(host.files['etc/kubernetes/pki/ok.crt']?.certificates).toHaveLength(1);
    } finally {
      await r.cleanup();
    }
  });
});
