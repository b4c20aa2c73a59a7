/** collectInventory / verifyChains / inventoryFindings on models from the fixture builder (no files). */
import { describe, expect, it } from 'vitest';
import type { CertificateFacts, KeyFacts } from '../../src/model/control-plane.js';
import { inventoryFindings } from '../../src/pki/findings.js';
import { collectInventory, verifyChains } from '../../src/pki/inventory.js';
import { singleHost } from '../helpers/fixture.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const key = (fp: string, bits = 256): KeyFacts => ({ type: 'ec', bits, curve: 'prime256v1', publicKeyFingerprint: fp });
function cert(c: Partial<CertificateFacts> & { subject: string }): CertificateFacts {
  return {
    organizations: [],
    issuer: 'CN=kubernetes',
    serial: '01',
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-01-01T00:00:00Z',
    isCA: false,
    sans: [],
    keyUsage: ['digitalSignature'],
    extKeyUsage: ['serverAuth'],
    signatureAlgorithm: 'ecdsa-with-SHA256',
    key: key(`k-${c.subject}`),
    fingerprint: `f-${c.subject}`,
    selfSigned: false,
    ...c,
  };
}
const ca = cert({ subject: 'CN=kubernetes', isCA: true, selfSigned: true, subjectKeyId: 'aa', key: key('k-ca'), notAfter: '2036-01-01T00:00:00Z' });

describe('inventory over the model', () => {
  const cp = singleHost((h) =>
    h
      .kubelet(['--config=/var/lib/kubelet/config.yaml'], { config: { tlsCertFile: '/var/lib/kubelet/pki/kubelet.crt', tlsPrivateKeyFile: '/var/lib/kubelet/pki/kubelet.key', authentication: { x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } } } })
      .etcd(['--cert-file=/etc/kubernetes/pki/etcd/server.crt', '--key-file=/etc/kubernetes/pki/etcd/server.key', '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt'])
      .file('etc/kubernetes/pki/ca.crt', { certificates: [ca] })
      .file('etc/kubernetes/pki/etcd/ca.crt', { certificates: [{ ...ca, fingerprint: 'f-reissued' }] })
      .file('var/lib/kubelet/pki/kubelet.crt', { certificates: [cert({ subject: 'CN=n1', authorityKeyId: 'aa', key: key('k-kubelet') })] })
      .file('var/lib/kubelet/pki/kubelet.key', { privateKey: { ...key('k-kubelet'), encrypted: false } })
      .file('etc/kubernetes/pki/etcd/server.crt', { certificates: [cert({ subject: 'CN=etcd', authorityKeyId: 'bb', notAfter: '2026-06-10T00:00:00Z' })] })
      .file('etc/kubernetes/pki/etcd/server.key', { privateKey: { ...key('k-other'), encrypted: false } }),
  );
  const items = collectInventory(cp);
  verifyChains(items, new Map());
  const at = (p: string) => items.find((i) => i.location === p)!;

  it('maps kubelet config fields and etcd flags to the files they name', () => {
    expect(at('var/lib/kubelet/pki/kubelet.crt').usedBy).toEqual(['kubelet --cert-dir', 'kubelet tlsCertFile']);
    expect(at('etc/kubernetes/pki/ca.crt').usedBy).toEqual(['kubelet authentication.x509.clientCAFile']);
    expect(at('etc/kubernetes/pki/etcd/ca.crt').usedBy).toEqual(['etcd --trusted-ca-file']);
  });

  it('pairs keys through the settings that name them', () => {
    expect(at('var/lib/kubelet/pki/kubelet.crt').key).toEqual({ location: 'var/lib/kubelet/pki/kubelet.key', matches: true, encrypted: false });
    expect(at('etc/kubernetes/pki/etcd/server.crt').key?.matches).toBe(false);
  });

  it('without PEMs, judges chains on names and key ids', () => {
    expect(at('var/lib/kubelet/pki/kubelet.crt').chain).toBe('issuer-known');
    expect(at('etc/kubernetes/pki/etcd/server.crt').chain).toBe('bad-signature');
  });

  it('finds the CA shared by key (a reissued certificate of the same CA), the mismatch and the expiry', () => {
    const f = inventoryFindings(items, { now: NOW, warnDays: 30 }).map((x) => `${x.id} ${x.practice} ${x.component} ${x.evidence.file}`);
    expect(f).toEqual(
      expect.arrayContaining([
        'pki/shared-etcd-ca etcd etcd etc/kubernetes/pki/etcd/ca.crt',
        'pki/key-mismatch etcd etcd etc/kubernetes/pki/etcd/server.crt',
        'pki/expiring etcd etcd etc/kubernetes/pki/etcd/server.crt',
        'pki/bad-signature etcd etcd etc/kubernetes/pki/etcd/server.crt',
      ]),
    );
    expect(f).toHaveLength(4);
  });
});
