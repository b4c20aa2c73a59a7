/**
 * The one table of per-version defaults. A check never treats an unset flag as safe or unsafe by
 * itself: it asks effective.ts, which falls back to the row here for the component, key and version.
 *
 * Keys: "flag:<name>" for command-line flags, "config:<dotted.field>" for config-file fields (kubelet:
 * used only when the kubelet runs with --config; otherwise the "flag:" legacy defaults apply).
 * `since` is inclusive, `until` exclusive ("1.24" = removed in 1.24). `value: undefined` means
 * "unset and nothing is used in its place".
 */
import type { ComponentKind, Version } from './control-plane.js';
import { compareVersion } from './version.js';

export interface DefaultRow {
  component: ComponentKind;
  key: string;
  value: string | undefined;
  since?: string;
  until?: string;
  /** the upstream file that sets this default */
  source: string;
  note?: string;
}

const APISERVER_AUTHN = 'pkg/kubeapiserver/options/authentication.go';
const APISERVER_AUTHZ = 'pkg/kubeapiserver/options/authorization.go';
const SERVING = 'staging/src/k8s.io/apiserver/pkg/server/options/serving.go';
const AUDIT = 'staging/src/k8s.io/apiserver/pkg/server/options/audit.go';
const KUBELET_CONFIG = 'pkg/kubelet/apis/config/v1beta1/defaults.go';
const KUBELET_FLAGS = 'cmd/kubelet/app/options/options.go (applyLegacyDefaults)';
const ETCD_FLAGS = 'etcd server/embed/config.go, server/etcdmain/config.go';
const KCM_OPTIONS = 'cmd/kube-controller-manager/app/options/options.go';
const SCHED_OPTIONS = 'cmd/kube-scheduler/app/options/options.go';
const FLANNEL_MAIN = 'flannel-io/flannel main.go';

export const DEFAULTS: readonly DefaultRow[] = [
  // kube-apiserver: serving
  { component: 'kube-apiserver', key: 'flag:secure-port', value: '6443', source: SERVING },
  { component: 'kube-apiserver', key: 'flag:bind-address', value: '0.0.0.0', source: SERVING },
  { component: 'kube-apiserver', key: 'flag:cert-dir', value: '/var/run/kubernetes', source: SERVING },
  { component: 'kube-apiserver', key: 'flag:tls-min-version', value: 'VersionTLS10', until: '1.30', source: 'Go crypto/tls (Go < 1.22 server default)', note: 'Go < 1.22 servers accept TLS 1.0' },
  { component: 'kube-apiserver', key: 'flag:tls-min-version', value: 'VersionTLS12', since: '1.30', source: 'Go crypto/tls (Go 1.22 CL 541516)', note: 'built with Go ≥ 1.22, whose servers default to TLS 1.2 [inferred]' },
  { component: 'kube-apiserver', key: 'flag:insecure-port', value: '8080', until: '1.20', source: 'pkg/kubeapiserver/options/serving.go', note: 'insecure serving on 127.0.0.1:8080 by default' },
  { component: 'kube-apiserver', key: 'flag:insecure-port', value: '0', since: '1.20', until: '1.24', source: 'kubernetes/kubernetes#95856' },
  { component: 'kube-apiserver', key: 'flag:kubelet-https', value: 'true', until: '1.22', source: 'cmd/kube-apiserver/app/options/options.go', note: 'removed in 1.22: apiserver→kubelet is always https' },
  { component: 'kube-apiserver', key: 'flag:etcd-prefix', value: '/registry', source: 'staging/src/k8s.io/apiserver/pkg/server/options/etcd.go' },
  // kube-apiserver: authentication
  { component: 'kube-apiserver', key: 'flag:anonymous-auth', value: 'true', source: APISERVER_AUTHN },
  { component: 'kube-apiserver', key: 'flag:service-account-lookup', value: 'true', source: APISERVER_AUTHN },
  { component: 'kube-apiserver', key: 'flag:service-account-extend-token-expiration', value: 'true', source: APISERVER_AUTHN },
  { component: 'kube-apiserver', key: 'flag:oidc-username-claim', value: 'sub', source: APISERVER_AUTHN },
  { component: 'kube-apiserver', key: 'flag:oidc-signing-algs', value: 'RS256', source: APISERVER_AUTHN },
  { component: 'kube-apiserver', key: 'flag:enable-bootstrap-token-auth', value: 'false', source: APISERVER_AUTHN },
  { component: 'kube-apiserver', key: 'flag:authentication-token-webhook-version', value: 'v1beta1', source: APISERVER_AUTHN },
  // kube-apiserver: authorization
  { component: 'kube-apiserver', key: 'flag:authorization-mode', value: 'AlwaysAllow', source: APISERVER_AUTHZ, note: 'AlwaysAllow when neither --authorization-mode nor --authorization-config is set' },
  { component: 'kube-apiserver', key: 'flag:profiling', value: 'true', source: 'staging/src/k8s.io/apiserver/pkg/server/options/feature.go' },
  // kube-apiserver: audit
  { component: 'kube-apiserver', key: 'flag:audit-log-maxage', value: '0', source: AUDIT, note: 'no age limit' },
  { component: 'kube-apiserver', key: 'flag:audit-log-maxbackup', value: '0', source: AUDIT, note: 'keep every backup' },
  { component: 'kube-apiserver', key: 'flag:audit-log-maxsize', value: '0', source: AUDIT, note: 'lumberjack rotates at 100 MB' },
  { component: 'kube-apiserver', key: 'flag:audit-log-format', value: 'json', source: AUDIT },
  { component: 'kube-apiserver', key: 'flag:audit-log-mode', value: 'blocking', source: AUDIT },
  { component: 'kube-apiserver', key: 'flag:audit-webhook-mode', value: 'batch', source: AUDIT },
  // kube-apiserver: encryption
  { component: 'kube-apiserver', key: 'flag:encryption-provider-config-automatic-reload', value: 'false', since: '1.26', source: 'pkg/kubeapiserver/options/etcd.go' },

  // kube-controller-manager
  { component: 'kube-controller-manager', key: 'flag:bind-address', value: '0.0.0.0', source: KCM_OPTIONS },
  { component: 'kube-controller-manager', key: 'flag:secure-port', value: '10257', source: KCM_OPTIONS },
  { component: 'kube-controller-manager', key: 'flag:port', value: '10252', until: '1.22', source: KCM_OPTIONS, note: 'insecure serving, removed in 1.22' },
  { component: 'kube-controller-manager', key: 'flag:use-service-account-credentials', value: 'false', source: KCM_OPTIONS },
  { component: 'kube-controller-manager', key: 'flag:profiling', value: 'true', source: KCM_OPTIONS },
  { component: 'kube-controller-manager', key: 'flag:cluster-signing-duration', value: '8760h', source: KCM_OPTIONS },
  { component: 'kube-controller-manager', key: 'flag:tls-min-version', value: 'VersionTLS10', until: '1.30', source: 'Go crypto/tls (Go < 1.22 server default)' },
  { component: 'kube-controller-manager', key: 'flag:tls-min-version', value: 'VersionTLS12', since: '1.30', source: 'Go crypto/tls (Go 1.22 CL 541516)' },
  { component: 'kube-controller-manager', key: 'feature:RotateKubeletServerCertificate', value: 'true', since: '1.12', source: 'pkg/features/kube_features.go' },

  // kube-scheduler
  { component: 'kube-scheduler', key: 'flag:bind-address', value: '0.0.0.0', source: SCHED_OPTIONS },
  { component: 'kube-scheduler', key: 'flag:secure-port', value: '10259', source: SCHED_OPTIONS },
  { component: 'kube-scheduler', key: 'flag:port', value: '10251', until: '1.23', source: SCHED_OPTIONS, note: 'insecure serving, removed in 1.23' },
  { component: 'kube-scheduler', key: 'flag:profiling', value: 'true', source: SCHED_OPTIONS },
  { component: 'kube-scheduler', key: 'flag:tls-min-version', value: 'VersionTLS10', until: '1.30', source: 'Go crypto/tls (Go < 1.22 server default)' },
  { component: 'kube-scheduler', key: 'flag:tls-min-version', value: 'VersionTLS12', since: '1.30', source: 'Go crypto/tls (Go 1.22 CL 541516)' },

  // etcd (flags; env ETCD_<NAME> is read by effective.ts)
  { component: 'etcd', key: 'flag:listen-client-urls', value: 'http://localhost:2379', source: ETCD_FLAGS },
  { component: 'etcd', key: 'flag:listen-peer-urls', value: 'http://localhost:2380', source: ETCD_FLAGS },
  { component: 'etcd', key: 'flag:advertise-client-urls', value: 'http://localhost:2379', source: ETCD_FLAGS },
  { component: 'etcd', key: 'flag:initial-advertise-peer-urls', value: 'http://localhost:2380', source: ETCD_FLAGS },
  { component: 'etcd', key: 'flag:client-cert-auth', value: 'false', source: ETCD_FLAGS },
  { component: 'etcd', key: 'flag:peer-client-cert-auth', value: 'false', source: ETCD_FLAGS },
  { component: 'etcd', key: 'flag:auto-tls', value: 'false', source: ETCD_FLAGS },
  { component: 'etcd', key: 'flag:peer-auto-tls', value: 'false', source: ETCD_FLAGS },
  { component: 'etcd', key: 'flag:data-dir', value: '${name}.etcd', source: ETCD_FLAGS },
  { component: 'etcd', key: 'flag:name', value: 'default', source: ETCD_FLAGS },
  { component: 'etcd', key: 'flag:initial-cluster', value: 'default=http://localhost:2380', source: ETCD_FLAGS },
  { component: 'etcd', key: 'flag:tls-min-version', value: 'TLS1.2', source: ETCD_FLAGS, note: 'etcd ≥ 3.5.? defaults to TLS 1.2; older etcd uses Go default' },

  // flanneld (flags; env FLANNELD_<NAME> is read by effective.ts)
  { component: 'flanneld', key: 'flag:etcd-endpoints', value: 'http://127.0.0.1:4001,http://127.0.0.1:2379', source: FLANNEL_MAIN, note: 'plaintext etcd on loopback' },
  { component: 'flanneld', key: 'flag:kube-subnet-mgr', value: 'false', source: FLANNEL_MAIN, note: 'false: flanneld keeps its state in etcd' },

  // kubelet: flag-only (legacy) defaults
  { component: 'kubelet', key: 'flag:anonymous-auth', value: 'true', source: KUBELET_FLAGS },
  { component: 'kubelet', key: 'flag:authentication-token-webhook', value: 'false', source: KUBELET_FLAGS },
  { component: 'kubelet', key: 'flag:authorization-mode', value: 'AlwaysAllow', source: KUBELET_FLAGS },
  { component: 'kubelet', key: 'flag:read-only-port', value: '10255', source: KUBELET_FLAGS },
  { component: 'kubelet', key: 'flag:port', value: '10250', source: KUBELET_FLAGS },
  { component: 'kubelet', key: 'flag:rotate-certificates', value: 'false', source: KUBELET_FLAGS },
  { component: 'kubelet', key: 'flag:rotate-server-certificates', value: 'false', source: KUBELET_FLAGS },
  { component: 'kubelet', key: 'flag:cert-dir', value: '/var/lib/kubelet/pki', source: KUBELET_FLAGS },
  { component: 'kubelet', key: 'flag:tls-min-version', value: 'VersionTLS10', until: '1.30', source: 'Go crypto/tls (Go < 1.22 server default)' },
  { component: 'kubelet', key: 'flag:tls-min-version', value: 'VersionTLS12', since: '1.30', source: 'Go crypto/tls (Go 1.22 CL 541516)' },
  { component: 'kubelet', key: 'flag:make-iptables-util-chains', value: 'true', source: KUBELET_FLAGS },
  // kubelet: config-file defaults (only with --config)
  { component: 'kubelet', key: 'config:authentication.anonymous.enabled', value: 'false', source: KUBELET_CONFIG },
  { component: 'kubelet', key: 'config:authentication.webhook.enabled', value: 'true', source: KUBELET_CONFIG },
  { component: 'kubelet', key: 'config:authorization.mode', value: 'Webhook', source: KUBELET_CONFIG },
  { component: 'kubelet', key: 'config:readOnlyPort', value: '0', source: KUBELET_CONFIG },
  { component: 'kubelet', key: 'config:port', value: '10250', source: KUBELET_CONFIG },
  { component: 'kubelet', key: 'config:rotateCertificates', value: 'false', source: KUBELET_CONFIG },
  { component: 'kubelet', key: 'config:serverTLSBootstrap', value: 'false', source: KUBELET_CONFIG },
  { component: 'kubelet', key: 'config:tlsMinVersion', value: 'VersionTLS10', until: '1.30', source: 'Go crypto/tls (Go < 1.22 server default)' },
  { component: 'kubelet', key: 'config:tlsMinVersion', value: 'VersionTLS12', since: '1.30', source: 'Go crypto/tls (Go 1.22 CL 541516)' },
  { component: 'kubelet', key: 'feature:RotateKubeletServerCertificate', value: 'true', since: '1.12', source: 'pkg/features/kube_features.go' },
];

function inRange(row: DefaultRow, v: Pick<Version, 'major' | 'minor'> | undefined): boolean {
  // Without a known version the newest row applies (rows are ordered oldest first); see defaultFor.
  if (!v) return row.until === undefined;
  return (row.since === undefined || compareVersion(v, row.since) >= 0) && (row.until === undefined || compareVersion(v, row.until) < 0);
}

/** The default row for a component key at a version; undefined when the table has none (or the flag no longer exists). */
export function defaultFor(component: ComponentKind, key: string, version: Pick<Version, 'major' | 'minor'> | undefined): DefaultRow | undefined {
  return DEFAULTS.find((r) => r.component === component && r.key === key && inRange(r, version));
}
