/**
 * PEM facts cross-checked with the real openssl CLI: every certificate and key here is made by
 * openssl in the test, and every fact is compared with what openssl prints about the same file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFacts, pemFacts, privateKeyFacts } from '../../src/sources/pem.js';

let dir = '';
const file = (name: string): string => join(dir, name);
const ossl = (...args: string[]): string => execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const read = (name: string): string => readFileSync(file(name), 'utf8');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kw-pem-'));
  // CA: RSA 2048, self-signed, SHA-256
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/O=Example Org/CN=example-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature,keyCertSign,cRLSign');
  // leaf: EC P-256 signed by the CA, SANs, EKUs, two O values
  ossl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/O=system:masters/O=team-a/CN=admin');
  writeFileSync(file('leaf.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:api.example.com,DNS:localhost,IP:10.0.0.1,IP:127.0.0.1\nauthorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n');
  ossl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '0x1a2b3c', '-days', '400', '-out', 'leaf.crt', '-extfile', 'leaf.ext');
  // SHA-1 signed, self-signed
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha1', '-keyout', 'sha1.key', '-out', 'sha1.crt', '-days', '30', '-subj', '/CN=old');
  // keys in other encodings
  ossl('genpkey', '-algorithm', 'ed25519', '-out', 'ed.key');
  ossl('genrsa', '-traditional', '-out', 'rsa-trad.key', '2048');
  ossl('genrsa', '-traditional', '-aes256', '-passout', 'pass:secret', '-out', 'enc.key', '2048');
  ossl('genrsa', '-aes256', '-passout', 'pass:secret', '-out', 'enc8.key', '2048');
  ossl('rsa', '-in', 'ca.key', '-pubout', '-out', 'ca.pub');
  // SEC 1 "EC PRIVATE KEY" on P-384, and an RSA 3072 certificate
  ossl('ecparam', '-name', 'secp384r1', '-genkey', '-noout', '-out', 'ec384.key');
  ossl('req', '-x509', '-newkey', 'rsa:3072', '-nodes', '-keyout', 'rsa3072.key', '-out', 'rsa3072.crt', '-days', '1', '-subj', '/CN=big');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opensslFingerprint(cert: string): string {
  return ossl('x509', '-in', cert, '-noout', '-fingerprint', '-sha256').trim().split('=')[1]!.replace(/:/g, '').toLowerCase();
}

function opensslPubkeyFingerprint(key: string): string {
  const der = execFileSync('openssl', ['pkey', '-in', key, '-pubout', '-outform', 'DER'], { cwd: dir });
  return execFileSync('openssl', ['dgst', '-sha256', '-r'], { input: der }).toString().split(' ')[0]!;
}

describe('certificateFacts against openssl', () => {
  it('CA certificate: RSA 2048, self-signed, CA, key usage, fingerprint, dates', () => {
    const [ca] = certificateFacts(read('ca.crt'));
    expect(ca).toBeDefined();
    expect(ca!.fingerprint).toBe(opensslFingerprint('ca.crt'));
    expect(ca!.commonName).toBe('example-ca');
    expect(ca!.organizations).toEqual(['Example Org']);
    expect(ca!.isCA).toBe(true);
    expect(ca!.selfSigned).toBe(true);
    expect(ca!.keyUsage).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    expect(ca!.key).toMatchObject({ type: 'rsa', bits: 2048 });
    expect(ca!.key.publicKeyFingerprint).toBe(opensslPubkeyFingerprint('ca.key'));
    expect(ca!.signatureAlgorithm).toBe('sha256WithRSAEncryption');
    const endDate = ossl('x509', '-in', 'ca.crt', '-noout', '-enddate').trim().slice('notAfter='.length);
    expect(ca!.notAfter).toBe(new Date(endDate).toISOString());
    const ski = ossl('x509', '-in', 'ca.crt', '-noout', '-ext', 'subjectKeyIdentifier').split('\n')[1]!.trim().replace(/:/g, '').toLowerCase();
    expect(ca!.subjectKeyId).toBe(ski);
  });

  it('leaf: EC P-256, SANs, EKUs, serial, issuer, AKI = CA SKI, not self-signed', () => {
    const [ca] = certificateFacts(read('ca.crt'));
    const [leaf] = certificateFacts(read('leaf.crt'));
    expect(leaf!.fingerprint).toBe(opensslFingerprint('leaf.crt'));
    const sans = ossl('x509', '-in', 'leaf.crt', '-noout', '-ext', 'subjectAltName').split('\n')[1]!.trim().replace(/IP Address:/g, 'IP:').split(', ');
    expect(leaf!.sans).toEqual(sans);
    expect(leaf!.sans).toEqual(['DNS:api.example.com', 'DNS:localhost', 'IP:10.0.0.1', 'IP:127.0.0.1']);
    expect(leaf!.serial).toBe(ossl('x509', '-in', 'leaf.crt', '-noout', '-serial').trim().split('=')[1]!.toLowerCase().replace(/^0+/, ''));
    expect(leaf!.extKeyUsage).toEqual(['serverAuth', 'clientAuth']);
    expect(leaf!.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(leaf!.organizations).toEqual(['system:masters', 'team-a']);
    expect(leaf!.commonName).toBe('admin');
    expect(leaf!.isCA).toBe(false);
    expect(leaf!.selfSigned).toBe(false);
    expect(leaf!.issuer).toBe(ca!.subject);
    expect(leaf!.authorityKeyId).toBe(ca!.subjectKeyId);
    expect(leaf!.key).toMatchObject({ type: 'ec', curve: 'prime256v1', bits: 256 });
    expect(leaf!.signatureAlgorithm).toBe('sha256WithRSAEncryption');
  });

  it('SHA-1 signature is named as openssl names it', () => {
    const [c] = certificateFacts(read('sha1.crt'));
    const text = ossl('x509', '-in', 'sha1.crt', '-noout', '-text');
    expect(text).toContain(`Signature Algorithm: ${c!.signatureAlgorithm}`);
    expect(c!.signatureAlgorithm).toBe('sha1WithRSAEncryption');
  });

  it('a bundle yields every certificate in order', () => {
    const facts = certificateFacts(read('leaf.crt') + read('ca.crt'));
    expect(facts.map((f) => f.commonName)).toEqual(['admin', 'example-ca']);
  });
});

describe('privateKeyFacts', () => {
  it('PKCS#8 RSA and EC keys: type, size, public fingerprint matching the certificate', () => {
    expect(privateKeyFacts(read('ca.key'))).toEqual({ type: 'rsa', bits: 2048, publicKeyFingerprint: certificateFacts(read('ca.crt'))[0]!.key.publicKeyFingerprint, encrypted: false });
    const ec = privateKeyFacts(read('leaf.key'))!;
    expect(ec).toMatchObject({ type: 'ec', curve: 'prime256v1', bits: 256, encrypted: false });
    expect(ec.publicKeyFingerprint).toBe(opensslPubkeyFingerprint('leaf.key'));
  });

  it('traditional RSA, ed25519 and encrypted keys', () => {
    expect(privateKeyFacts(read('rsa-trad.key'))).toMatchObject({ type: 'rsa', bits: 2048, publicKeyFingerprint: opensslPubkeyFingerprint('rsa-trad.key') });
    expect(privateKeyFacts(read('ed.key'))).toMatchObject({ type: 'ed25519', publicKeyFingerprint: opensslPubkeyFingerprint('ed.key') });
    expect(privateKeyFacts(read('enc.key'))).toMatchObject({ type: 'rsa', encrypted: true, publicKeyFingerprint: '' });
    // PKCS#8 encryption hides the key type too
    expect(privateKeyFacts(read('enc8.key'))).toMatchObject({ type: 'unknown', encrypted: true, publicKeyFingerprint: '' });
  });

  it('SEC 1 EC keys and other sizes: read from the DER as node:crypto reads them', () => {
    expect(privateKeyFacts(read('ec384.key'))).toEqual({ type: 'ec', curve: 'secp384r1', bits: 384, publicKeyFingerprint: opensslPubkeyFingerprint('ec384.key'), encrypted: false });
    expect(privateKeyFacts(read('rsa3072.key'))).toMatchObject({ type: 'rsa', bits: 3072, publicKeyFingerprint: opensslPubkeyFingerprint('rsa3072.key') });
    expect(certificateFacts(read('rsa3072.crt'))[0]!.key).toEqual({ type: 'rsa', bits: 3072, publicKeyFingerprint: opensslPubkeyFingerprint('rsa3072.key') });
  });

  it('facts never carry key bytes', () => {
    const key = read('ca.key');
    const body = key.split('\n')[1]!;
    expect(JSON.stringify(pemFacts(key))).not.toContain(body.slice(0, 20));
  });

  it('a public key file (sa.pub) matches its private key', () => {
    const f = pemFacts(read('ca.pub'));
    expect(f.publicKey?.publicKeyFingerprint).toBe(privateKeyFacts(read('ca.key'))!.publicKeyFingerprint);
  });
});

describe('bad PEM', () => {
  it('a truncated certificate is an error with its line, the rest still read', () => {
    const whole = read('ca.crt');
    const cut = whole.slice(0, Math.floor(whole.length / 2));
    const f = pemFacts(`${read('leaf.crt')}${cut}`);
    expect(f.certificates).toHaveLength(1);
    expect(f.errors).toHaveLength(1);
    expect(f.errors[0]!.message).toMatch(/truncated PEM/);
    expect(f.errors[0]!.line).toBe(read('leaf.crt').split('\n').length);
  });

  it('a block with broken base64 content is an error', () => {
    const f = pemFacts('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
    expect(f.certificates).toEqual([]);
    expect(f.errors[0]!.message).toMatch(/CERTIFICATE at line 1 does not parse/);
  });
});
