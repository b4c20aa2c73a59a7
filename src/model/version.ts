import type { Version } from './control-plane.js';

/** Parses "v1.29.3", "1.29", "registry.k8s.io/kube-apiserver:v1.29.3-rc.1", "v3.5.12" (etcd). */
export function parseVersion(raw: string, from: string): Version | undefined {
  const m = /v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(raw.slice(raw.lastIndexOf(':') + 1)) ?? /v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(raw);
  if (!m) return undefined;
  const v: Version = { major: Number(m[1]), minor: Number(m[2]), raw, from };
  if (m[3] !== undefined) v.patch = Number(m[3]);
  return v;
}

/** Compares a version with "1.24"-style text: negative when v is older. */
export function compareVersion(v: Pick<Version, 'major' | 'minor'>, text: string): number {
  const [maj = 0, min = 0] = text.split('.').map(Number);
  return v.major - maj || v.minor - min;
}

export function atLeast(v: Pick<Version, 'major' | 'minor'> | undefined, text: string): boolean | undefined {
  return v === undefined ? undefined : compareVersion(v, text) >= 0;
}

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}${v.patch === undefined ? '' : `.${v.patch}`}`;
}
