/**
 * Chains of more than one level, made by the real openssl: root → intermediate → leaf (as kubeadm
 * with an external intermediate CA, or any org PKI), each link's signature checked up to the root.
 * An intermediate whose root is not on the node gives 'incomplete'; an intermediate signed by a
 * different root of the same name breaks every chain under it, reported once at the intermediate.
 * openssl verify cross-checks what the inventory says.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInventory, type InventoryReport } from '../../src/pki/inventory-run.js';
import { renderInventoryText } from '../../src/pki/render.js';
import { createCa, createIntermediateCa, issueCert, pkiDir, rmPki } from '../helpers/openssl-pki.js';

let work = '';
let root = '';
let report: InventoryReport;
const PKI = 'etc/kubernetes/pki';

const verifies = (ca: string, untrusted: string[], leaf: string): boolean => {
  try {
    execFileSync('openssl', ['verify', '-CAfile', ca, ...untrusted.flatMap((u) => ['-untrusted', u]), leaf], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
};

const item = (location: string) => {
  const it = report.items.find((i) => i.location === location);
  if (!it) throw new Error(`no item at ${location}`);
  return it;
};

beforeAll(async () => {
  work = pkiDir('kw-chain-');
  root = join(work, 'node');
  const pki = join(root, PKI);
  mkdirSync(join(pki, 'external'), { recursive: true });
  const gen = join(work, 'gen');
  mkdirSync(gen);
  // the org root is on the node; the cluster CA is its intermediate; the apiserver's certificate comes from the intermediate
  const orgRoot = createCa(gen, 'org-root', 'Example Org Root CA');
  const clusterCa = createIntermediateCa(orgRoot, gen, 'ca', 'kubernetes-intermediate');
  const apiserver = issueCert(clusterCa, gen, 'apiserver', { cn: 'kube-apiserver', usage: 'server', sans: ['DNS:kubernetes', 'IP:10.96.0.1'] });
  // an intermediate whose root stays offline
  const offlineRoot = createCa(gen, 'offline-root', 'Offline Root');
  const external = createIntermediateCa(offlineRoot, gen, 'external-ca', 'external-intermediate');
  const externalLeaf = issueCert(external, gen, 'external-leaf', { cn: 'external-client', usage: 'client' });
  // a second "Example Org Root CA" (another key) signs an intermediate: its chain under the real root is broken
  const impostorRoot = createCa(gen, 'impostor-root', 'Example Org Root CA');
  const rogue = createIntermediateCa(impostorRoot, gen, 'rogue-ca', 'rogue-intermediate');
  const rogueLeaf = issueCert(rogue, gen, 'rogue-leaf', { cn: 'rogue-client', usage: 'client' });
  for (const [from, to] of [
    [orgRoot.cert, 'org-root.crt'],
    [clusterCa.cert, 'ca.crt'],
    [clusterCa.key, 'ca.key'],
    [apiserver.cert, 'apiserver.crt'],
    [apiserver.key, 'apiserver.key'],
    [external.cert, 'external/ca.crt'],
    [externalLeaf.cert, 'external/client.crt'],
    [rogue.cert, 'rogue-ca.crt'],
    [rogueLeaf.cert, 'rogue-client.crt'],
  ] as const) {
    copyFileSync(from, join(pki, to));
  }
  // openssl agrees with the setup: the whole chain verifies only with the intermediate and the right root
  expect(verifies(orgRoot.cert, [clusterCa.cert], apiserver.cert)).toBe(true);
  expect(verifies(clusterCa.cert, [], apiserver.cert)).toBe(false);
  expect(verifies(orgRoot.cert, [rogue.cert], rogueLeaf.cert)).toBe(false);
  report = await runInventory({ nodeRoots: [root], snapshots: [] }, { warnDays: 30 });
});

afterAll(() => rmPki(work));

describe('chains of more than one level', () => {
  it('root → intermediate → leaf: every link verified, the whole path named', () => {
    expect(item(`${PKI}/org-root.crt`)).toMatchObject({ chain: 'root', issuer: '(self-signed)' });
    expect(item(`${PKI}/ca.crt`)).toMatchObject({ chain: 'verified', issuer: `${PKI}/org-root.crt`, chainPath: [`${PKI}/org-root.crt`] });
    const leaf = item(`${PKI}/apiserver.crt`);
    expect(leaf).toMatchObject({ chain: 'verified', issuer: `${PKI}/ca.crt`, chainPath: [`${PKI}/ca.crt`, `${PKI}/org-root.crt`], key: { matches: true } });
    expect(leaf.chainStopsAt).toBeUndefined();
    expect(renderInventoryText(report)).toContain(`ok ← ${PKI}/ca.crt ← ${PKI}/org-root.crt`);
  });

  it("an intermediate whose root is not here: the intermediate's issuer is not found, its leaves are incomplete", () => {
    expect(item(`${PKI}/external/ca.crt`)).toMatchObject({ chain: 'issuer-not-found' });
    expect(item(`${PKI}/external/client.crt`)).toMatchObject({ chain: 'incomplete', issuer: `${PKI}/external/ca.crt`, chainPath: [`${PKI}/external/ca.crt`], chainStopsAt: `${PKI}/external/ca.crt` });
  });

  it('an intermediate not signed by the root of its issuer name breaks the chains under it; one finding, at the intermediate', () => {
    expect(item(`${PKI}/rogue-ca.crt`)).toMatchObject({ chain: 'bad-signature', issuer: `${PKI}/org-root.crt` });
    expect(item(`${PKI}/rogue-client.crt`)).toMatchObject({ chain: 'bad-signature', issuer: `${PKI}/rogue-ca.crt`, chainStopsAt: `${PKI}/rogue-ca.crt` });
    const bad = report.findings.filter((f) => f.id === 'pki/bad-signature');
    expect(bad.map((f) => f.evidence.file)).toEqual([`${PKI}/rogue-ca.crt`]);
  });
});
