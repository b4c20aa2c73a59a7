/**
 * Cipher-suite allow-lists of the CIS Kubernetes Benchmark v1.12 (kube-bench cfg/cis-1.12: 1.2.29
 * for the API server, 4.2.12 for the kubelet) and the judgement both cipher checks share.
 */
import type { Component, Host } from '../../model/control-plane.js';
import { evidenceFor, flagList, type Effective } from '../../model/effective.js';
import type { Report } from '../registry.js';

export const APISERVER_ALLOWED = new Set([
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
]);

export const KUBELET_ALLOWED = new Set([
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
]);

/** TLS 1.3 suites: accepted by the flag parser but not configurable in Go, so listing them changes nothing (component-base/cli/flag/ciphersuites_flag.go). */
const TLS13 = new Set(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']);

/**
 * Unset: Go's defaults apply, which for TLS 1.2 still offer ECDHE-CBC suites outside the list: an
 * `info` finding (not a pass, not a fail). Set: every name must be on the allow-list.
 */
export function judgeCiphers(c: Component, host: Host, e: Effective, allowed: ReadonlySet<string>, report: (r: Report) => void): void {
  if (e.value === undefined || e.value === '') {
    report({
      component: c,
      host,
      severity: 'info',
      evidence: evidenceFor(c, e),
      detail: `unset: ${c.kind} uses Go's default cipher suites, which for TLS 1.2 include ECDHE CBC suites outside the CIS allow-list; list the suites explicitly`,
    });
    return;
  }
  const outside = flagList(e, c).filter((s) => !allowed.has(s) && !TLS13.has(s));
  if (outside.length > 0) report({ component: c, host, evidence: evidenceFor(c, e), detail: `not on the CIS allow-list: ${outside.join(', ')}` });
}

