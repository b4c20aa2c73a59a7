/**
 * Reads the server's side of a TLS handshake as it crosses the wire, before any encryption starts:
 * whether the first bytes are TLS at all, plaintext alerts, and, for TLS ≤ 1.2, whether the server's
 * flight carries a CertificateRequest (RFC 5246 §7.4.4). With TLS 1.3 that message is encrypted
 * (RFC 8446 §4.3.2), so it cannot be seen from here.
 */

/** RFC 8446 §6 / RFC 5246 §7.2 alert descriptions that probes meet. */
const ALERTS: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  40: 'handshake_failure',
  42: 'bad_certificate',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  112: 'unrecognized_name',
  116: 'certificate_required',
};

export function alertName(code: number): string {
  return ALERTS[code] ?? `alert ${code}`;
}

const RECORD_CHANGE_CIPHER_SPEC = 20;
const RECORD_ALERT = 21;
const RECORD_HANDSHAKE = 22;
const RECORD_APPLICATION_DATA = 23;
const HS_CERTIFICATE_REQUEST = 13;

export interface ServerFlight {
  /** the server answered with something that is not a TLS record */
  notTls: boolean;
  /** printable start of a non-TLS answer (e.g. "HTTP/1.1 400 Bad Request") */
  greeting?: string;
  /** undefined until the plaintext part of the flight was seen */
  certificateRequest: boolean;
  /** a plaintext alert the server sent */
  alert?: string;
  /** encryption started: nothing more can be read */
  encrypted: boolean;
  bytes: number;
}

export function serverFlightReader(): { feed(chunk: Buffer): void; flight: ServerFlight } {
  const flight: ServerFlight = { notTls: false, certificateRequest: false, encrypted: false, bytes: 0 };
  let records = Buffer.alloc(0);
  let handshake = Buffer.alloc(0);
  const done = () => flight.notTls || flight.encrypted;
  const feed = (chunk: Buffer): void => {
    if (flight.bytes === 0 && chunk.length > 0 && (chunk[0]! < RECORD_CHANGE_CIPHER_SPEC || chunk[0]! > RECORD_APPLICATION_DATA)) {
      flight.notTls = true;
      flight.greeting = printable(chunk.subarray(0, 80));
    }
    flight.bytes += chunk.length;
    if (done()) return;
    records = Buffer.concat([records, chunk]);
    while (records.length >= 5 && !done()) {
      const type = records[0]!;
      const length = records.readUInt16BE(3);
      if (records.length < 5 + length) break;
      const payload = records.subarray(5, 5 + length);
      records = records.subarray(5 + length);
      if (type === RECORD_CHANGE_CIPHER_SPEC || type === RECORD_APPLICATION_DATA) flight.encrypted = true;
      else if (type === RECORD_ALERT && payload.length >= 2) flight.alert = alertName(payload[1]!);
      else if (type === RECORD_HANDSHAKE) {
        handshake = Buffer.concat([handshake, payload]);
        while (handshake.length >= 4) {
          const msgLength = handshake.readUIntBE(1, 3);
          if (handshake.length < 4 + msgLength) break;
          if (handshake[0] === HS_CERTIFICATE_REQUEST) flight.certificateRequest = true;
          handshake = handshake.subarray(4 + msgLength);
        }
      }
    }
  };
  return { feed, flight };
}

function printable(b: Buffer): string {
  return b
    .toString('latin1')
    .replace(/\r?\n.*$/s, '')
    .replace(/[^\x20-\x7e]/g, '.');
}
