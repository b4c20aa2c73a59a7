/**
 * The API server's effective authorizer chain, from whichever source it uses:
 * `--authorization-config` (AuthorizationConfiguration, GA 1.32) or `--authorization-mode`
 * (default AlwaysAllow when neither is set). pkg/kubeapiserver/options/authorization.go: the two are
 * mutually exclusive, except that `--authorization-policy-file` still feeds an ABAC authorizer.
 */
import type { Component, ControlPlane, Host, NodeFile } from '../../model/control-plane.js';
import { arr, rec, str } from '../../model/document.js';
import { documentLine, evidenceFor, evidenceForFile, fileFor, flag, flagList, type Effective } from '../../model/effective.js';
import type { Evidence } from '../../model/finding.js';

export interface Authorizer {
  type: string;
  /** the authorizer's entry in the AuthorizationConfiguration, when it came from there */
  index?: number;
  evidence: Evidence;
}

export type AuthorizerChain =
  | { source: 'flag' | 'default'; authorizers: Authorizer[]; setting: Effective }
  | { source: 'config'; authorizers: Authorizer[]; setting: Effective; file: NodeFile; document: Record<string, unknown> }
  /** --authorization-config names a file the scan could not read or parse: nothing can be judged */
  | { source: 'unreadable'; setting: Effective; file: NodeFile | undefined };

export function authorizerChain(cp: ControlPlane, host: Host, c: Component): AuthorizerChain {
  const configSetting = flag(cp, c, 'authorization-config');
  if (configSetting.value) {
    const file = fileFor(host, c, configSetting);
    const document = rec(file?.document);
    if (!file || !file.exists || file.error || !document) return { source: 'unreadable', setting: configSetting, file };
    const authorizers = arr(document.authorizers).map((a, index): Authorizer => {
      const type = str(rec(a)?.type) ?? '';
      const line = documentLine(file, `authorizers.${index}.type`);
      return { type, index, evidence: evidenceForFile(file, { line: line ?? null, field: `authorizers.${index}.type`, value: type }) };
    });
    return { source: 'config', authorizers, setting: configSetting, file, document };
  }
  const mode = flag(cp, c, 'authorization-mode');
  const evidence = evidenceFor(c, mode);
  return { source: mode.explicit ? 'flag' : 'default', setting: mode, authorizers: flagList(mode, c).map((type) => ({ type, evidence })) };
}

/** Evidence for "this authorizer is missing": the setting that lists the chain. */
export function chainEvidence(c: Component, chain: Exclude<AuthorizerChain, { source: 'unreadable' }>): Evidence {
  if (chain.source === 'config') return evidenceForFile(chain.file, { line: documentLine(chain.file, 'authorizers') ?? null, field: 'authorizers', value: chain.authorizers.map((a) => a.type).join(',') });
  return evidenceFor(c, chain.setting);
}

export function describeChain(chain: Exclude<AuthorizerChain, { source: 'unreadable' }>): string {
  const list = chain.authorizers.map((a) => a.type).join(',') || '(none)';
  if (chain.source === 'config') return `authorizers in ${chain.file.path}: ${list}`;
  if (chain.source === 'default') return `--authorization-mode and --authorization-config are unset, so the default ${list} applies`;
  return `--authorization-mode=${list}`;
}
