import { describe, expect, it } from 'vitest';
import { alertName, serverFlightReader } from '../../src/net/tls-records.js';

/** A TLS record: type, version 3.3, length, payload. */
function record(type: number, payload: number[]): number[] {
  return [type, 3, 3, payload.length >> 8, payload.length & 0xff, ...payload];
}

/** A handshake message: type, 24-bit length, body. */
function hs(type: number, body: number[]): number[] {
  return [type, 0, body.length >> 8, body.length & 0xff, ...body];
}

describe('serverFlightReader', () => {
  it('finds a CertificateRequest in a TLS 1.2 flight split across records and chunks', () => {
    const flight = [...record(22, [...hs(2, [1, 2, 3]), ...hs(11, [4, 5])]), ...record(22, [...hs(13, [6]), ...hs(14, [])])];
    const r = serverFlightReader();
    for (let i = 0; i < flight.length; i += 3) r.feed(Buffer.from(flight.slice(i, i + 3)));
    expect(r.flight).toMatchObject({ notTls: false, certificateRequest: true, encrypted: false });
  });

  it('stops at ChangeCipherSpec (TLS 1.3 hides the CertificateRequest after it)', () => {
    const r = serverFlightReader();
    r.feed(Buffer.from([...record(22, hs(2, [0])), ...record(20, [1]), ...record(23, [13, 0, 0, 0])]));
    expect(r.flight).toMatchObject({ certificateRequest: false, encrypted: true });
  });

  it('reads a plaintext alert and recognises a non-TLS answer', () => {
    const a = serverFlightReader();
    a.feed(Buffer.from(record(21, [2, 70])));
    expect(a.flight.alert).toBe('protocol_version');
    const h = serverFlightReader();
    h.feed(Buffer.from('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n'));
    expect(h.flight).toMatchObject({ notTls: true, greeting: 'HTTP/1.0 400 Bad Request' });
    expect(alertName(199)).toBe('alert 199');
  });
});
