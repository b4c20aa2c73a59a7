/**
 * File permission and ownership facts judged the way CIS words them: "permissions 600 or more
 * restrictive" means no bit outside the allowed mask (kube-bench's `bitmask` compare), "root:root"
 * means both owner and group. Pure helpers over NodeFile; checks decide severity and wording.
 */
import type { NodeFile } from './control-plane.js';

/** The permission bits (of 0o777) set on the file beyond `allowed`, or 0 when it is as strict or stricter. */
export function excessMode(file: NodeFile, allowed: number): number {
  if (file.mode === undefined) return 0;
  return file.mode & 0o777 & ~allowed;
}

export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** "user:group" as names where the node's passwd/group resolve them, else numeric ids. */
export function ownerOf(file: NodeFile): string {
  return `${file.owner ?? file.uid ?? '?'}:${file.group ?? file.gid ?? '?'}`;
}

/** Owned by `user:group`; names or uid/gid 0 for root. Unknown ownership counts as owned (nothing to judge). */
export function ownedBy(file: NodeFile, user: string, group: string): boolean {
  if (file.uid === undefined && file.owner === undefined) return true;
  const userOk = file.owner !== undefined ? file.owner === user : user === 'root' && file.uid === 0;
  const groupOk = file.group !== undefined ? file.group === group : group === 'root' && file.gid === 0;
  return userOk && groupOk;
}
