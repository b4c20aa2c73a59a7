/** The kubelet-serving CSR decision, on PKCS#10 requests made by the real openssl. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeServingCsr, parseRequest, type CsrView, type NodeView, type ParsedRequest } from '../../src/pki/csr.js';

let dir: string;
function csrPem(name: string, subject: string, san?: string): string {
  const out = join(dir, `${name}.csr`);
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', out, '-subj', subject, ...(san ? ['-addext', `subjectAltName=${san}`] : [])], { stdio: 'ignore' });
  return readFileSync(out, 'utf8');
}

const n1: NodeView = { name: 'n1', addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.0.0.11' }, { type: 'InternalIP', address: 'fd00::11' }] };
const csr = (c: Partial<CsrView> = {}): CsrView => ({
  name: 'csr-1',
  signerName: 'kubernetes.io/kubelet-serving',
  username: 'system:node:n1',
  groups: ['system:nodes', 'system:authenticated'],
  usages: ['digital signature', 'key encipherment', 'server auth'],
  conditions: [],
  ...c,
});

let good: ParsedRequest;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeward-csr-'));
  good = await parseRequest(csrPem('good', '/O=system:nodes/CN=system:node:n1', 'DNS:n1,IP:10.0.0.11,IP:fd00:0:0:0:0:0:0:11'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseRequest', () => {
  it('reads subject, SANs and checks the self-signature', () => {
    expect(good).toEqual({ commonName: 'system:node:n1', organizations: ['system:nodes'], dnsNames: ['n1'], ipAddresses: ['10.0.0.11', 'fd00::11'], otherNames: [], signatureValid: true });
  });
  it('throws on something that is not a CSR', async () => {
    await expect(parseRequest('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n')).rejects.toThrow();
  });
});

describe('judgeServingCsr', () => {
  it('approves a node asking for its own names, usages with or without key encipherment', () => {
    expect(judgeServingCsr(csr(), good, n1)).toMatchObject({ action: 'approve' });
    expect(judgeServingCsr(csr({ usages: ['server auth', 'digital signature'] }), good, n1)).toMatchObject({ action: 'approve' });
  });

  it('skips other signers and CSRs already decided', () => {
    expect(judgeServingCsr(csr({ signerName: 'kubernetes.io/kube-apiserver-client-kubelet' }), good, n1).action).toBe('skip');
    expect(judgeServingCsr(csr({ conditions: ['Approved'] }), good, n1).action).toBe('skip');
  });

  it('denies another node\'s address, with the reason', async () => {
    const r = await parseRequest(csrPem('other-ip', '/O=system:nodes/CN=system:node:n1', 'DNS:n1,IP:10.0.0.12'));
    const v = judgeServingCsr(csr(), r, n1);
    expect(v.action).toBe('deny');
    expect(v.reason).toContain("IP addresses not among Node n1's addresses: 10.0.0.12");
  });

  it('denies names the Node does not have, and email/URI SANs', async () => {
    const r = await parseRequest(csrPem('names', '/O=system:nodes/CN=system:node:n1', 'DNS:n1,DNS:kubernetes.default.svc,email:a@b.c,URI:spiffe://x'));
    const v = judgeServingCsr(csr(), r, n1);
    expect(v).toMatchObject({ action: 'deny' });
    expect(v.reason).toContain('kubernetes.default.svc');
    expect(v.reason).toContain('email');
  });

  it('denies a requester that is not that node, or not in system:nodes', () => {
    expect(judgeServingCsr(csr({ username: 'system:node:n2' }), good, { ...n1, name: 'n2' }).reason).toContain('is not the requester system:node:n2');
    expect(judgeServingCsr(csr({ username: 'alice' }), good, undefined).reason).toContain('not a node identity');
    expect(judgeServingCsr(csr({ groups: ['system:authenticated'] }), good, n1).reason).toContain('not in group system:nodes');
  });

  it('denies client auth usages and wrong subjects', async () => {
    expect(judgeServingCsr(csr({ usages: ['digital signature', 'server auth', 'client auth'] }), good, n1).reason).toContain('not exactly server auth');
    const masters = await parseRequest(csrPem('masters', '/O=system:masters/CN=system:node:n1', 'DNS:n1'));
    expect(judgeServingCsr(csr(), masters, n1).reason).toContain('not exactly system:nodes');
  });

  it('denies when there is no Node object, no SAN, or an unparseable request', async () => {
    expect(judgeServingCsr(csr(), good, undefined).reason).toContain('no Node n1');
    const bare = await parseRequest(csrPem('bare', '/O=system:nodes/CN=system:node:n1'));
    expect(judgeServingCsr(csr(), bare, n1).reason).toContain('no DNS name or IP');
    expect(judgeServingCsr(csr(), { error: 'bad' }, n1).action).toBe('deny');
  });
});
