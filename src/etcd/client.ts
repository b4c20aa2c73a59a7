/**
 * The etcd v3 client kubeward uses (etcd3 over gRPC, deps.md §2), for `etcd check` and for
 * `encryption status`: mutual TLS from PEM files, no retries or circuit breakers (a refused member is
 * an answer), and range reads in pages so a large keyspace never sits in memory at once.
 */
import { readFileSync } from 'node:fs';
import { noop } from 'cockatiel';
import { Etcd3, type IKeyValue } from 'etcd3';

export interface EtcdConnection {
  /** client URLs, e.g. ["https://10.0.0.5:2379"] */
  endpoints: string[];
  /** PEM file paths */
  cacert?: string;
  cert?: string;
  key?: string;
  /** per call, ms (default 5000) */
  timeoutMs?: number;
}

/** A file named by an option could not be read; the message names the option and the file. */
export class EtcdCredentialsError extends Error {
  override readonly name = 'EtcdCredentialsError';
}

function readPem(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new EtcdCredentialsError(`${option} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * An etcd3 client. https endpoints need the CA that signed etcd's serving certificate (gRPC has no
 * "do not verify" mode); the client certificate is sent only when both --cert and --key are given.
 */
export function openEtcd(o: EtcdConnection): Etcd3 {
  if (o.endpoints.length === 0) throw new EtcdCredentialsError('no etcd endpoint given');
  const https = o.endpoints.some((u) => u.startsWith('https://'));
  if (https && !o.cacert) throw new EtcdCredentialsError(`https etcd endpoints (${o.endpoints.join(', ')}) need --cacert: the CA that signed etcd's serving certificate`);
  if ((o.cert === undefined) !== (o.key === undefined)) throw new EtcdCredentialsError('--cert and --key go together');
  const timeout = o.timeoutMs ?? 5000;
  return new Etcd3({
    hosts: o.endpoints,
    dialTimeout: timeout,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    faultHandling: { host: () => noop, global: noop },
    ...(https && o.cacert
      ? {
          credentials: {
            rootCertificate: readPem('--cacert', o.cacert),
            ...(o.cert && o.key ? { certChain: readPem('--cert', o.cert), privateKey: readPem('--key', o.key) } : {}),
          },
        }
      : {}),
  });
}

/** The first key after every key that starts with `prefix` (etcd clientv3 GetPrefixRangeEnd). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  // all 0xff (or empty): to the end of the keyspace
  return Buffer.from([0]);
}

export interface RangePage {
  kvs: IKeyValue[];
  /** the revision every page is read at (one consistent snapshot) */
  revision: string;
}

/**
 * Every key under `prefix`, `pageSize` at a time, all pages at the revision of the first one so
 * the walk sees one snapshot even while the cluster writes. `keysOnly` skips values.
 */
export async function* rangePages(client: Etcd3, prefix: string | Buffer, o: { pageSize?: number; keysOnly?: boolean } = {}): AsyncGenerator<RangePage> {
  const pageSize = o.pageSize ?? 500;
  const start = Buffer.from(prefix);
  const end = prefixEnd(start);
  let from = start;
  let revision: string | undefined;
  for (;;) {
    // the raw KV call: etcd3's builders have no keys_only for multi-key ranges
    const res = await client.kv.range({ key: from, range_end: end, limit: pageSize, keys_only: o.keysOnly ?? false, ...(revision ? { revision } : {}) });
    revision ??= res.header.revision;
    if (res.kvs.length > 0) yield { kvs: res.kvs, revision };
    if (!res.more || res.kvs.length === 0) return;
    // the next page starts just after the last key: key + "\0"
    from = Buffer.concat([res.kvs[res.kvs.length - 1]!.key, Buffer.from([0])]);
  }
}
