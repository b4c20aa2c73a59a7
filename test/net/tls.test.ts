import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeTls, probeTlsVersions } from '../../src/net/tls.js';
import { createCa, issueCert, pkiDir, rmPki, type CertFiles } from '../helpers/openssl-pki.js';

const dir = pkiDir();
let ca: CertFiles;
let server: CertFiles;
let client: CertFiles;
let otherCa: CertFiles;
const servers: Server[] = [];

function listen(srv: Server): Promise<number> {
  servers.push(srv);
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve((srv.address() as { port: number }).port)));
}

function tlsServer(o: TlsOptions): Promise<number> {
  const srv = createTlsServer({ key: readFileSync(server.key), cert: readFileSync(server.cert), ...o }, (s) => {
    s.on('error', () => undefined);
    s.on('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
  });
  srv.on('tlsClientError', () => undefined);
  return listen(srv);
}

beforeAll(() => {
  ca = createCa(dir, 'ca');
  otherCa = createCa(dir, 'other-ca');
  server = issueCert(ca, dir, 'server', { cn: 'srv', sans: ['IP:127.0.0.1', 'DNS:localhost'], usage: 'server', days: 10 });
  client = issueCert(ca, dir, 'client', { cn: 'probe', usage: 'client' });
});
afterAll(() => {
  for (const s of servers) s.close();
  rmPki(dir);
});

const base = { host: '127.0.0.1', timeoutMs: 1500 };

describe('probeTls', () => {
  it('reports protocol, cipher, chain, SANs and verification', async () => {
    const port = await tlsServer({});
    const r = await probeTls({ ...base, port, ca: readFileSync(ca.cert) });
    expect(r).toMatchObject({ reach: 'open', handshake: 'ok', protocol: 'TLSv1.3', verified: true });
    expect(r.cipher).toMatch(/^TLS_/);
    expect(r.chain[0]!.sans).toEqual(['IP:127.0.0.1', 'DNS:localhost']);
    expect(r.chain[0]!.subject).toBe('CN=srv');
    const left = (Date.parse(r.chain[0]!.notAfter) - Date.now()) / 86_400_000;
    expect(left).toBeGreaterThan(9);
    expect(left).toBeLessThan(11);
    const other = await probeTls({ ...base, port, ca: readFileSync(otherCa.cert) });
    expect(other.verified).toBe(false);
    expect(other.verifyError).toBeTruthy();
  });

  it('sees a TLS 1.2 CertificateRequest that is optional, and a required one', async () => {
    const optional = await tlsServer({ requestCert: true, rejectUnauthorized: false, maxVersion: 'TLSv1.2' });
    const r1 = await probeTls({ ...base, port: optional });
    expect(r1).toMatchObject({ handshake: 'ok', protocol: 'TLSv1.2', certificateRequested: true });
    const none = await tlsServer({ maxVersion: 'TLSv1.2' });
    expect(await probeTls({ ...base, port: none })).toMatchObject({ handshake: 'ok', certificateRequested: false });
    const required = await tlsServer({ requestCert: true, rejectUnauthorized: true, ca: readFileSync(ca.cert), maxVersion: 'TLSv1.2' });
    const r2 = await probeTls({ ...base, port: required });
    expect(r2).toMatchObject({ handshake: 'refused', certificateRequested: true, clientCertificateRequired: true });
    const r3 = await probeTls({ ...base, port: required, cert: readFileSync(client.cert), key: readFileSync(client.key) });
    expect(r3).toMatchObject({ handshake: 'ok' });
  });

  it('learns that TLS 1.3 requires a client certificate from the alert after the handshake', async () => {
    const required = await tlsServer({ requestCert: true, rejectUnauthorized: true, ca: readFileSync(ca.cert) });
    const r = await probeTls({ ...base, port: required, confirmClientAuth: true });
    expect(r).toMatchObject({ protocol: 'TLSv1.3', clientCertificateRequired: true });
    const open = await tlsServer({});
    expect(await probeTls({ ...base, port: open, confirmClientAuth: true })).toMatchObject({ clientCertificateRequired: false });
  });

  it('tells closed, silent and plaintext ports apart', async () => {
    const closedPort = await listen(createTcpServer());
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(await probeTls({ ...base, port: closedPort })).toMatchObject({ reach: 'closed', handshake: 'none' });
    const silent = await listen(createTcpServer(() => undefined));
    const s = await probeTls({ ...base, port: silent, timeoutMs: 300 });
    expect(s).toMatchObject({ reach: 'open', handshake: 'silent' });
    const http = await listen(createTcpServer((sock) => sock.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    expect(await probeTls({ ...base, port: http })).toMatchObject({ reach: 'open', handshake: 'not-tls', greeting: 'HTTP/1.1 400 Bad Request' });
  });
});

describe('probeTlsVersions', () => {
  it('tries each version alone', async () => {
    const modern = await tlsServer({ minVersion: 'TLSv1.2' });
    const v = await probeTlsVersions({ ...base, port: modern });
    expect(v['TLSv1.2']).toBe('accepted');
    expect(v['TLSv1.3']).toBe('accepted');
    expect(v.TLSv1).toMatch(/refused|not-offered-locally/);
    const only13 = await tlsServer({ minVersion: 'TLSv1.3' });
    const v13 = await probeTlsVersions({ ...base, port: only13 });
    expect(v13).toMatchObject({ 'TLSv1.2': 'refused', 'TLSv1.3': 'accepted' });
  });

  it('finds a server that still accepts TLS 1.0 when this OpenSSL can offer it', async () => {
    const legacy = await tlsServer({ minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const v = await probeTlsVersions({ ...base, port: legacy });
    expect(['accepted', 'not-offered-locally']).toContain(v.TLSv1);
    expect(v['TLSv1.2']).toBe('accepted');
    console.log('TLS 1.0 against a legacy server:', v.TLSv1, '/ TLS 1.1:', v['TLSv1.1']);
  });
});
