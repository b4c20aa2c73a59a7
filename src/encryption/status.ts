/**
 * `encryption status`: what etcd really holds. Every value under each resource's etcd prefix is read
 * page by page (one snapshot revision, src/etcd/client.ts rangePages) and classified by its prefix
 * (format.ts); only counters and capped lists of key names are kept, so memory stays flat however
 * many objects there are. With the API server's EncryptionConfiguration it also says which values the
 * config cannot read (a key or provider no longer listed), which are stale (not on the first
 * provider/key: a rewrite would re-encrypt them), and decrypts local-key values to prove the keys open
 * them. Plaintext values and decrypted bytes are never kept or printed.
 */
import type { Etcd3 } from 'etcd3';
import type { EtcdContentsFacts } from '../model/control-plane.js';
import { EtcdUnreachableError } from '../etcd/check.js';
import { openEtcd, rangePages, type EtcdConnection } from '../etcd/client.js';
import { entryOf, type EncryptionConfigFile, type KeyedProvider } from './config.js';
import { verifyValue } from './decrypt.js';
import { classifyValue, type StoredFormat, type StoredProvider } from './format.js';
import { etcdPrefixFor } from './resources.js';

export interface FormatCount {
  provider: StoredProvider;
  /** local key name, or KMS provider name */
  key?: string;
  /** KMS v2 key id */
  kmsKeyId?: string;
  count: number;
  /** with a config: whether a configured provider/key can read it */
  readable?: boolean;
  /** with a config: whether it is what new writes use (first provider, first key) */
  current?: boolean;
}

export interface KeyList {
  count: number;
  /** etcd keys, at most `listLimit` of them */
  keys: string[];
}

export interface ResourceStatus {
  resource: string;
  etcdPrefix: string;
  total: number;
  formats: FormatCount[];
  plaintext: KeyList;
  /** with a config: values no configured provider/key matches (the API server cannot read them) */
  unreadable?: KeyList;
  /** with a config: values a rewrite would re-encrypt (readable, not on the first provider/key) */
  stale?: number;
  /** with a config: local-key values decrypted with the configured key */
  verified?: { ok: number; failed: KeyList };
}

export interface EncryptionStatus {
  endpoints: string[];
  prefix: string;
  revision?: string;
  config?: string;
  resources: ResourceStatus[];
}

export interface StatusOptions {
  conn: EtcdConnection;
  resources: string[];
  /** --etcd-prefix of the API server; default /registry */
  prefix?: string;
  config?: EncryptionConfigFile;
  /** decrypt local-key values (needs `config`); default true when a config is given */
  verify?: boolean;
  pageSize?: number;
  /** key names kept per list; default 1000 */
  listLimit?: number;
  onProgress?: (resource: string, seen: number) => void;
}

function push(list: KeyList, key: string, limit: number): void {
  list.count++;
  if (list.keys.length < limit) list.keys.push(key);
}

/** Whether `f` is something the entry's providers can read, and whether it is what they write. */
export function judgeFormat(f: StoredFormat, providers: readonly KeyedProvider[] | undefined): { readable: boolean; current: boolean } {
  // no entry covers the resource: identity reads and writes
  const list = providers ?? [{ type: 'identity', keys: [] }];
  const matches = (p: KeyedProvider, keyIndex?: number): boolean => {
    if (f.provider === 'identity') return p.type === 'identity';
    if (f.provider === 'aescbc' || f.provider === 'aesgcm' || f.provider === 'secretbox') {
      return p.type === f.provider && (keyIndex === undefined ? p.keys.some((k) => k.name === f.key) : p.keys[keyIndex]?.name === f.key);
    }
    // kms: the provider name is in the prefix; key ids are the plugin's business
    return p.type === 'kms';
  };
  const first = list[0];
  return { readable: list.some((p) => matches(p)), current: first !== undefined && matches(first, 0) };
}

function formatId(f: StoredFormat): string {
  return `${f.provider}\0${f.key ?? ''}\0${f.kmsKeyId ?? ''}`;
}

async function resourceStatus(client: Etcd3, resource: string, o: StatusOptions, revision: { value?: string }): Promise<ResourceStatus> {
  const etcdPrefix = etcdPrefixFor(resource, o.prefix);
  const limit = o.listLimit ?? 1000;
  const entry = o.config ? entryOf(o.config, resource) : undefined;
  const verify = o.config !== undefined && o.verify !== false;
  const status: ResourceStatus = { resource, etcdPrefix, total: 0, formats: [], plaintext: { count: 0, keys: [] } };
  if (o.config) {
    status.unreadable = { count: 0, keys: [] };
    status.stale = 0;
    if (verify) status.verified = { ok: 0, failed: { count: 0, keys: [] } };
  }
  const formats = new Map<string, FormatCount>();
  for await (const page of rangePages(client, etcdPrefix, { pageSize: o.pageSize ?? 1000 })) {
    revision.value ??= page.revision;
    for (const kv of page.kvs) {
      const key = kv.key.toString();
      const f = classifyValue(kv.value);
      status.total++;
      const id = formatId(f);
      let count = formats.get(id);
      if (!count) {
        count = { provider: f.provider, count: 0 };
        if (f.key !== undefined) count.key = f.key;
        if (f.kmsKeyId !== undefined) count.kmsKeyId = f.kmsKeyId;
        if (o.config) Object.assign(count, judgeFormat(f, entry?.providers));
        formats.set(id, count);
      }
      count.count++;
      if (f.provider === 'identity') push(status.plaintext, key, limit);
      if (!o.config) continue;
      if (count.readable === false) push(status.unreadable!, key, limit);
      else if (count.current === false) status.stale!++;
      if (verify && count.readable) {
        const outcome = verifyValue(kv.value, key, entry?.providers ?? []);
        if (outcome === 'ok') status.verified!.ok++;
        else if (outcome === 'failed') push(status.verified!.failed, key, limit);
      }
    }
    o.onProgress?.(resource, status.total);
  }
  status.formats = [...formats.values()].sort((a, b) => b.count - a.count);
  return status;
}

export async function encryptionStatus(o: StatusOptions): Promise<EncryptionStatus> {
  const client = openEtcd(o.conn);
  const revision: { value?: string } = {};
  try {
    const resources: ResourceStatus[] = [];
    for (const r of o.resources) {
      try {
        resources.push(await resourceStatus(client, r, o, revision));
      } catch (e) {
        if (e instanceof EtcdUnreachableError) throw e;
        throw new EtcdUnreachableError(`etcd at ${o.conn.endpoints.join(', ')}: reading ${etcdPrefixFor(r, o.prefix)} failed: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    const out: EncryptionStatus = { endpoints: o.conn.endpoints, prefix: o.prefix ?? '/registry', resources };
    if (revision.value !== undefined) out.revision = revision.value;
    if (o.config) out.config = o.config.path;
    return out;
  } finally {
    client.close();
  }
}

/** Values on a given provider/key (e.g. the old key of a rotation), summed over resources. */
export function countOn(status: EncryptionStatus, provider: StoredProvider, key?: string): number {
  return status.resources.reduce((n, r) => n + r.formats.filter((f) => f.provider === provider && (key === undefined || f.key === key)).reduce((m, f) => m + f.count, 0), 0);
}

/** The model's view of a status (counts and key names only), for `scan` and the checks. */
export function etcdContentsOf(s: EncryptionStatus): EtcdContentsFacts {
  const facts: EtcdContentsFacts = {
    endpoints: s.endpoints,
    resources: s.resources.map((r) => ({
      resource: r.resource,
      etcdPrefix: r.etcdPrefix,
      total: r.total,
      formats: r.formats.map(({ provider, key, kmsKeyId, count }) => ({ provider, count, ...(key !== undefined ? { key } : {}), ...(kmsKeyId !== undefined ? { kmsKeyId } : {}) })),
      plaintextKeys: r.plaintext.keys,
    })),
  };
  if (s.revision !== undefined) facts.revision = s.revision;
  return facts;
}
