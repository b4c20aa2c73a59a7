/**
 * The controller manager and the scheduler serve /healthz, /metrics and (with profiling) /debug/pprof
 * on their secure port; where they listen is judged the same way for both.
 */
import type { ComponentKind } from '../../model/control-plane.js';
import { componentsOf, defaultDetail, evidenceFor, flag, hostOf } from '../../model/effective.js';
import { isLoopbackHost } from '../../model/graph-build.js';
import type { Check } from '../registry.js';

/** Findings for a secure-serving bind address off loopback; the default (0.0.0.0) counts, as the component uses it. */
export function bindAddressRun(kind: ComponentKind): Check['run'] {
  return (cp, report) => {
    for (const c of componentsOf(cp, kind)) {
      // --secure-port=0 turns secure serving off: nothing listens, whatever the address.
      if (flag(cp, c, 'secure-port').value === '0') continue;
      const e = flag(cp, c, 'bind-address');
      if (e.value !== undefined && isLoopbackHost(e.value)) continue;
      report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: defaultDetail(c, e) ?? `listens on ${e.value ?? 'all interfaces'}` });
    }
  };
}
