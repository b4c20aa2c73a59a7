/**
 * `pki inventory` of 5,000 certificates: a node root whose etc/kubernetes/pki holds one CA and 5,000
 * distinct leaves (kubeward-issued, P-256), inventoried end to end through the library: read the
 * node root (sources), then list, pair keys, verify every chain by signature and judge (src/pki).
 * Target ≤ 2 s for the whole; ratio = time / target. The corpus is generated once (minutes on a
 * busy machine) and kept in ~/.cache/kubeward/bench-pki-5000, outside the repository.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ControlPlane } from '../src/model/control-plane.js';
import { caExtensions, leafExtensions } from '../src/pki/init.js';
import { inventoryOfModel } from '../src/pki/inventory-run.js';
import { certificatePem, generateKeyPair, issueCertificate } from '../src/pki/x509.js';
import { readNodeRoot } from '../src/sources/node-root.js';

const COUNT = 5000;
const TARGET_MS = 2000;
const RUNS = 3;
const corpus = join(process.env.KUBEWARD_CACHE ?? join(homedir(), '.cache/kubeward'), `bench-pki-${COUNT}`);

async function makeCorpus(): Promise<void> {
  const tmp = `${corpus}.tmp-${process.pid}`;
  const pki = join(tmp, 'etc/kubernetes/pki');
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  const caKey = await generateKeyPair('ecdsa-p256');
  const ca = await issueCertificate({ subject: [{ CN: ['bench-ca'] }], publicKey: caKey.publicKey, selfKey: caKey, notBefore, notAfter, extensions: caExtensions() });
  mkdirSync(pki, { recursive: true });
  writeFileSync(join(pki, 'ca.crt'), certificatePem(ca));
  const leafKey = await generateKeyPair('ecdsa-p256');
  for (let i = 0; i < COUNT; i++) {
    const dir = join(pki, `batch-${Math.floor(i / 500)}`);
    if (i % 500 === 0) mkdirSync(dir);
    const spec = { ekus: ['serverAuth' as const], sans: [`DNS:leaf-${i}.example.test`, 'IP:127.0.0.1'] };
    const cert = await issueCertificate({ subject: [{ CN: [`leaf-${i}`] }], publicKey: leafKey.publicKey, signer: { certificate: ca, key: caKey }, notBefore, notAfter, extensions: leafExtensions(spec, leafKey) });
    writeFileSync(join(dir, `leaf-${i}.crt`), certificatePem(cert));
  }
  renameSync(tmp, corpus);
}

if (!existsSync(corpus)) {
  process.stderr.write(`generating ${COUNT} certificates into ${corpus} (once)\n`);
  mkdirSync(join(corpus, '..'), { recursive: true });
  rmSync(`${corpus}.tmp-${process.pid}`, { recursive: true, force: true });
  await makeCorpus();
}

// wall time is the target; CPU time is printed too, because on a shared 2-core machine wall time mostly measures the neighbours
const runs: { read: number; inventory: number; readCpu: number; inventoryCpu: number }[] = [];
let items = 0;
for (let r = 0; r < RUNS; r++) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const read = await readNodeRoot(corpus);
  const t1 = process.hrtime.bigint();
  const c1 = process.cpuUsage();
  const cp: ControlPlane = { hosts: [read.host], problems: read.problems, partial: [] };
  const report = inventoryOfModel(cp, { warnDays: 30 });
  const t2 = process.hrtime.bigint();
  const c2 = process.cpuUsage(c1);
  const readCpu = process.cpuUsage(c0);
  runs.push({ read: Number(t1 - t0) / 1e6, inventory: Number(t2 - t1) / 1e6, readCpu: (readCpu.user + readCpu.system - c2.user - c2.system) / 1e3, inventoryCpu: (c2.user + c2.system) / 1e3 });
  items = report.items.length;
  if (report.items.some((it) => !it.cert.isCA && it.chain !== 'verified')) throw new Error('a leaf did not verify');
}
runs.sort((a, b) => a.read + a.inventory - (b.read + b.inventory));
const m = runs[Math.floor(RUNS / 2)]!;
const total = m.read + m.inventory;
console.log(`pki inventory of ${items} certificates, median of ${RUNS}: ${total.toFixed(0)} ms = read node root (sources) ${m.read.toFixed(0)} ms + inventory, keys, chains by signature, findings (src/pki) ${m.inventory.toFixed(0)} ms`);
console.log(`CPU time: read ${m.readCpu.toFixed(0)} ms, src/pki ${m.inventoryCpu.toFixed(0)} ms`);
console.log(`target ≤ ${TARGET_MS} ms  ratio ${(total / TARGET_MS).toFixed(2)}  ${total <= TARGET_MS ? 'MET' : 'NOT MET'}  (src/pki alone: ratio ${(m.inventory / TARGET_MS).toFixed(2)})`);
