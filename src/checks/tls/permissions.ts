/**
 * File permission and ownership findings in CIS terms (mode within a mask, owned by root:root),
 * shared by the TLS file checks. Symlinks are judged through their target, which the source
 * records as its own file when it reads it.
 */
import type { Component, Host, NodeFile } from '../../model/control-plane.js';
import { evidenceForFile } from '../../model/effective.js';
import { excessMode, formatMode, ownedBy, ownerOf } from '../../model/permissions.js';
import type { Report } from '../registry.js';

export interface FileRule {
  /** what the file is, for the detail sentence ("scheduler kubeconfig") */
  what: string;
  /** the widest mode CIS allows, e.g. 0o600 */
  maxMode: number;
  /** the CIS ids of the mode and the ownership rule, named in the detail */
  cis: { mode?: string; owner?: string };
}

/** Reports the file's mode and owner against the rule; nothing for a file that was not read or is a symlink. */
export function reportFile(report: (r: Report) => void, component: Component | string, host: Host, file: NodeFile | undefined, rule: FileRule): void {
  if (!file?.exists || file.type === 'symlink') return;
  const cis = (id: string | undefined): string => (id ? ` (CIS ${id})` : '');
  if (file.type !== 'directory' && file.mode !== undefined) {
    const excess = excessMode(file, rule.maxMode);
    if (excess) {
      report({
        component,
        host,
        evidence: evidenceForFile(file, { value: formatMode(file.mode) }),
        detail: `${rule.what} ${file.path} has mode ${formatMode(file.mode)}, wider than ${formatMode(rule.maxMode)}${cis(rule.cis.mode)}`,
      });
    }
  }
  if (!ownedBy(file, 'root', 'root')) {
    report({ component, host, evidence: evidenceForFile(file, { value: ownerOf(file) }), detail: `${rule.what} ${file.path} is owned by ${ownerOf(file)}, not root:root${cis(rule.cis.owner)}` });
  }
}
