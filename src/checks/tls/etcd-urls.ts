/**
 * etcd listen and advertise URLs: which of them are plain http. Shared by the client-URL and
 * peer-URL checks; loopback-only plaintext is judged less severe than plaintext on the network.
 */
import type { Severity } from '../../model/finding.js';
import type { LinkKind } from '../../model/graph.js';
import { componentsOf, defaultDetail, evidenceFor, flag, flagList, hostOf } from '../../model/effective.js';
import { isLoopbackHost } from '../../model/graph-build.js';
import type { Check } from '../registry.js';
import { linkOf } from './common.js';

function hostnameOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** One finding per URL setting that lists an http:// URL, naming the first `link` into the member; `severity` for network-reachable plaintext, `loopback` when every such URL is loopback. */
export function plaintextUrlsRun(settings: readonly string[], link: LinkKind, severity: { network: Severity; loopback: Severity }): Check['run'] {
  return (cp, report) => {
    for (const c of componentsOf(cp, 'etcd')) {
      for (const name of settings) {
        const e = flag(cp, c, name);
        const plain = flagList(e, c).filter((u) => u.trim().toLowerCase().startsWith('http://'));
        if (plain.length === 0) continue;
        const network = plain.some((u) => !isLoopbackHost(hostnameOf(u) ?? ''));
        const detail = defaultDetail(c, e) ?? `plain http: ${plain.join(', ')}`;
        report({
          component: c,
          host: hostOf(cp, c),
          severity: network ? severity.network : severity.loopback,
          evidence: evidenceFor(c, e),
          detail: network ? detail : `${detail} (loopback only)`,
          ...linkOf(cp, link, { to: c }),
        });
      }
    }
  };
}
