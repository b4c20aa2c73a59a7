/**
 * Staged key rotation (checks.md §D.5), resumable. One EncryptionConfiguration per API server; the
 * stages, each recorded in a state file (0600, no key material) once done:
 *
 *   add       new key second (or new provider second) on every config → restart every server
 *   promote   refused unless every config has the new key → new key first → restart every server
 *   rewrite   every object of the rotated resources PUT back through the API (paged, 409s retried),
 *             progress saved after every page, so a killed run resumes where it stopped
 *   verify    etcd must show no object left on the old key (or, for identity → X, no plaintext);
 *             otherwise the removal is refused
 *   remove    old key (or old provider) removed from every config → restart every server
 *
 * Turning encryption on (identity first → aescbc first) is the same flow with a provider change.
 * Before a config is written it is copied (0600) into the backup directory; writes go through a temp
 * file and a rename. Without a restart hook, apply stops after each config change and says what to
 * restart; running it again continues.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, UsageError } from '../cli/errors.js';
import type { EtcdConnection } from '../etcd/client.js';
import { entryOf, readEncryptionConfig, type EncryptionConfigFile } from './config.js';
import { editConfig, type Edit, type KeyRef } from './config-edit.js';
import { LOCAL_PROVIDERS, newKeySecret, writePrivateFile, type LocalProvider } from './keygen.js';
import type { ApiClient, RewriteProgress } from './rewrite.js';
import { countOn, encryptionStatus } from './status.js';

export const STAGES = ['add', 'promote', 'rewrite', 'verify', 'remove', 'done'] as const;
export type Stage = (typeof STAGES)[number];

export interface RotationState {
  version: 1;
  configs: string[];
  resources: string[];
  from: KeyRef;
  to: KeyRef;
  /** the next stage to run */
  stage: Stage;
  /** configs were changed by the stage before `stage` and the API servers have not been restarted yet */
  restartPending?: boolean;
  rewrite: Record<string, RewriteProgress>;
  /** objects still on the old key at the last verify */
  leftOnOld?: number;
  updatedAt: string;
}

export interface RotateOptions {
  configs: string[];
  resources: string[];
  stateFile: string;
  backupDir?: string;
  /** target provider (default: the current one; aescbc when the current one is identity) */
  provider?: LocalProvider;
  newKeyName?: string;
  /** API servers restart (or reload) here, one call per config; then /readyz is awaited */
  restart?: (config: string, index: number) => Promise<void>;
  api?: () => Promise<ApiClient>;
  etcd?: { conn: EtcdConnection; prefix?: string };
  readyTimeoutMs?: number;
  /** objects per list page in the rewrite (default 250) */
  pageSize?: number;
  /** stop before this stage (tests; and `--until`) */
  until?: Stage;
  log?: (line: string) => void;
  onRewriteProgress?: (resource: string, p: RewriteProgress) => void;
}

export function readState(file: string): RotationState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as RotationState;
    if (s.version !== 1 || !STAGES.includes(s.stage)) throw new Error('not a kubeward rotation state (version 1)');
    return s;
  } catch (e) {
    throw new InputError(`${file}: ${(e as Error).message}`);
  }
}

function saveState(file: string, s: RotationState): void {
  s.updatedAt = new Date().toISOString();
  writePrivateFile(file, `${JSON.stringify(s, null, 2)}\n`);
}

/** The entries the rotation edits: the one covering each resource, in one config. */
function targetEntries(cfg: EncryptionConfigFile, resources: readonly string[]): number[] {
  const out = new Set<number>();
  for (const r of resources) {
    const e = entryOf(cfg, r);
    if (!e) throw new UsageError(`${cfg.path}: no resources entry covers ${r} (add one with identity first, then rotate to turn encryption on)`);
    out.add(e.index);
  }
  return [...out];
}

function firstOf(cfg: EncryptionConfigFile, entry: number): KeyRef {
  const p = cfg.providers[entry]?.[0];
  if (!p) throw new UsageError(`${cfg.path}: resources.${entry} has no provider`);
  const key = p.keys[0]?.name;
  return key === undefined ? { provider: p.type } : { provider: p.type, key };
}

function same(a: KeyRef, b: KeyRef): boolean {
  return a.provider === b.provider && a.key === b.key;
}

function describe(k: KeyRef): string {
  return k.key === undefined ? k.provider : `${k.provider} key "${k.key}"`;
}

/** The new key's bytes in a config, when it already has them (a resumed add). */
function secretIn(cfg: EncryptionConfigFile, entries: readonly number[], to: KeyRef): Buffer | undefined {
  for (const i of entries) for (const p of cfg.providers[i] ?? []) if (p.type === to.provider) for (const k of p.keys) if (k.name === to.key) return k.secret;
  return undefined;
}

/** Works out from → to for a new rotation and checks that every config agrees on the current key. */
export function planRotation(o: Pick<RotateOptions, 'configs' | 'resources' | 'provider' | 'newKeyName'>): RotationState {
  if (o.configs.length === 0) throw new UsageError('rotate needs --config FILE (one per API server)');
  const cfgs = o.configs.map(readEncryptionConfig);
  const froms = cfgs.flatMap((c) => targetEntries(c, o.resources).map((i) => ({ file: c.path, from: firstOf(c, i), fp: c.facts.resources[i]?.providers[0]?.keys[0]?.fingerprint })));
  const from = froms[0]!.from;
  const odd = froms.find((f) => !same(f.from, from) || f.fp !== froms[0]!.fp);
  if (odd) throw new UsageError(`${odd.file} writes with ${describe(odd.from)} but ${froms[0]!.file} with ${describe(from)} (or the same name with different bytes): every API server must have the same configuration before a rotation`);
  if (from.provider === 'kms') throw new UsageError('the current provider is kms: a KMS key is rotated in the KMS plugin (it reports a new key id); then rewrite the objects. This command rotates local keys.');
  if (!['identity', ...LOCAL_PROVIDERS].includes(from.provider)) throw new UsageError(`unknown provider ${from.provider}`);
  const provider = o.provider ?? (from.provider === 'identity' ? 'aescbc' : (from.provider as LocalProvider));
  const existing = new Set(cfgs.flatMap((c) => c.facts.resources.flatMap((e) => e.providers.flatMap((p) => p.keys.map((k) => k.name)))));
  let key = o.newKeyName;
  if (key === undefined) {
    const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    key = `key-${stamp}`;
    for (let n = 2; existing.has(key); n++) key = `key-${stamp}-${n}`;
  }
  if (key.includes(':') || key === '') throw new UsageError(`--new-key-name "${key}": must be non-empty without ":"`);
  if (existing.has(key)) throw new UsageError(`a key named "${key}" already exists in the configs: choose another --new-key-name`);
  return { version: 1, configs: o.configs, resources: o.resources, from, to: { provider, key }, stage: 'add', rewrite: {}, updatedAt: new Date().toISOString() };
}

/** Human-readable steps from the current stage on. */
export function describePlan(s: RotationState): string[] {
  const servers = `${s.configs.length} API server config(s)`;
  const steps: Record<Stage, string> = {
    add: `add ${describe(s.to)} second in ${s.resources.join(', ')} on ${servers}, back them up, then restart every API server`,
    promote: `move ${describe(s.to)} first on ${servers} (refused unless every config has it), then restart every API server`,
    rewrite: `rewrite every object of ${s.resources.join(', ')} through the API (paged; conflicts retried)`,
    verify: `check in etcd that no object is left on ${describe(s.from)}`,
    remove: `remove ${describe(s.from)} from ${servers}, then restart every API server`,
    done: 'done',
  };
  return STAGES.slice(STAGES.indexOf(s.stage)).filter((st) => st !== 'done').map((st) => `${st}: ${steps[st]}`);
}

function backup(o: RotateOptions, file: string, stage: Stage): void {
  const dir = o.backupDir ?? join(dirname(o.stateFile), 'kubeward-backups');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const target = join(dir, `${basename(file)}.${stage}.${new Date().toISOString().replace(/[:.]/g, '-')}`);
  writePrivateFile(target, readFileSync(file, 'utf8'));
}

/** Edits every config (skipping those already edited) after backing each up. Returns whether any changed. */
function editAll(o: RotateOptions, s: RotationState, edit: Edit, stage: Stage): boolean {
  const cfgs = s.configs.map(readEncryptionConfig);
  let secret: string | undefined;
  if (edit === 'add') {
    const found = cfgs.map((c) => secretIn(c, targetEntries(c, s.resources), s.to)).find((b) => b !== undefined);
    secret = found ? found.toString('base64') : newKeySecret();
  }
  let changed = false;
  for (const c of cfgs) {
    const next = editConfig(c.path, c.text, targetEntries(c, s.resources), edit, s.from, s.to, secret);
    if (next === c.text) continue;
    backup(o, c.path, stage);
    writePrivateFile(c.path, next);
    changed = true;
  }
  return changed;
}

async function restartAll(o: RotateOptions, s: RotationState): Promise<boolean> {
  if (!o.restart) {
    o.log?.(`configs changed: restart (or let reload) every API server now, then run "rotate apply" again to continue with "${s.stage}"`);
    return false;
  }
  for (const [i, c] of s.configs.entries()) {
    o.log?.(`restarting the API server of ${c}`);
    await o.restart(c, i);
  }
  if (o.api) {
    const api = await o.api();
    try {
      const { waitReady } = await import('./rewrite.js');
      await waitReady(api, o.readyTimeoutMs ?? 120_000);
    } finally {
      api.close();
    }
  }
  return true;
}

/**
 * Runs the rotation from where the state file says, until done, `until`, or a config change that
 * needs a restart nobody can do for us. Returns the state.
 */
export async function applyRotation(o: RotateOptions): Promise<RotationState> {
  let s = readState(o.stateFile);
  if (!s) {
    s = planRotation(o);
    saveState(o.stateFile, s);
  } else if (o.configs.length > 0 && o.configs.join('\n') !== s.configs.join('\n')) {
    throw new UsageError(`${o.stateFile} is a rotation of ${s.configs.join(', ')}; pass the same --config files or another --state`);
  }
  const log = o.log ?? (() => {});
  if (s.restartPending) {
    if (!(await restartAll(o, s))) return s;
    s.restartPending = false;
    saveState(o.stateFile, s);
  }
  while (s.stage !== 'done' && s.stage !== o.until) {
    const stage: Stage = s.stage;
    if (stage === 'add' || stage === 'promote' || stage === 'remove') {
      if (stage === 'promote') {
        const missing = s.configs.map(readEncryptionConfig).filter((c) => targetEntries(c, s.resources).some((i) => secretIn(c, [i], s.to) === undefined));
        if (missing.length > 0) throw new UsageError(`refusing to promote ${describe(s.to)}: ${missing.map((c) => c.path).join(', ')} do not have it yet`);
      }
      if (stage === 'remove' && (s.leftOnOld ?? 1) !== 0) throw new UsageError(`refusing to remove ${describe(s.from)}: etcd was not shown to be free of it`);
      const changed = editAll(o, s, stage === 'add' ? 'add' : stage === 'promote' ? 'promote' : 'remove', stage);
      log(`${stage}: ${changed ? 'configs written' : 'configs already had the change'}`);
      s.stage = STAGES[STAGES.indexOf(stage) + 1]!;
      s.restartPending = true;
      saveState(o.stateFile, s);
      if (!(await restartAll(o, s))) return s;
      s.restartPending = false;
      saveState(o.stateFile, s);
    } else if (stage === 'rewrite') {
      if (!o.api) throw new UsageError('the rewrite stage needs --kubeconfig (objects are rewritten through the API server)');
      const api = await o.api();
      const { rewriteResource } = await import('./rewrite.js');
      try {
        for (const r of s.resources) {
          const progress = s.rewrite[r] ?? { rewritten: 0, conflicts: 0 };
          await rewriteResource(api, r, progress, (p) => {
            s.rewrite[r] = p;
            saveState(o.stateFile, s);
            o.onRewriteProgress?.(r, p);
          }, o.pageSize ? { pageSize: o.pageSize } : {});
          log(`rewrite: ${r}: ${progress.rewritten} object(s) rewritten, ${progress.conflicts} conflict(s) retried`);
        }
      } finally {
        api.close();
      }
      s.stage = 'verify';
      saveState(o.stateFile, s);
    } else if (stage === 'verify') {
      if (!o.etcd) throw new UsageError(`verify needs --etcd-endpoints (and credentials): the old key is removed only when etcd shows nothing left on ${describe(s.from)}`);
      const status = await encryptionStatus({ conn: o.etcd.conn, resources: s.resources, ...(o.etcd.prefix ? { prefix: o.etcd.prefix } : {}) });
      const left = countOn(status, s.from.provider === 'identity' ? 'identity' : (s.from.provider as LocalProvider), s.from.key);
      s.leftOnOld = left;
      if (left > 0) {
        // another rewrite pass from the start picks up what was written meanwhile
        s.stage = 'rewrite';
        s.rewrite = {};
        saveState(o.stateFile, s);
        throw new UsageError(`refusing to remove ${describe(s.from)}: etcd still holds ${left} object(s) on it; run "rotate apply" again to rewrite them`);
      }
      log(`verify: no object of ${s.resources.join(', ')} left on ${describe(s.from)}`);
      s.stage = 'remove';
      saveState(o.stateFile, s);
    }
  }
  return s;
}
