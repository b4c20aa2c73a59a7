import { defineCheck } from '../registry.js';
import type { Component, ControlPlane } from '../../model/control-plane.js';
import { componentsOf, defaultDetail, evidenceFor, flag, hostOf, kubeletSetting, type Effective } from '../../model/effective.js';
import { DOCS } from './common.js';

/** The minimum TLS version a component serves: a flag everywhere, a config field as well for the kubelet. */
function minVersionOf(cp: ControlPlane, c: Component): Effective {
  return c.kind === 'kubelet' ? kubeletSetting(cp, c, { flag: 'tls-min-version', field: 'tlsMinVersion' }) : flag(cp, c, 'tls-min-version');
}

/** "VersionTLS11" (Kubernetes) or "TLS1.1" (etcd) → 1; undefined when not a TLS version name. */
function tlsMinor(value: string): number | undefined {
  const m = /^(?:VersionTLS1([0-3])|TLS1\.([0-3]))$/.exec(value.trim());
  return m ? Number(m[1] ?? m[2]) : undefined;
}

const KINDS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'etcd'] as const;

export default defineCheck({
  id: 'tls/tls-min-version',
  practice: 'tls',
  severity: 'medium',
  cis: [],
  title: 'Component accepts TLS versions older than 1.2',
  why: 'TLS 1.0 and 1.1 rely on SHA-1 and CBC constructions with known attacks (BEAST, Lucky13) and are deprecated (RFC 8996); a man in the middle can negotiate a client down to them. Kubernetes built with Go older than 1.22 (before 1.30) accepts TLS 1.0 unless --tls-min-version says otherwise.',
  remediation:
    'Set --tls-min-version=VersionTLS12 (or VersionTLS13) on kube-apiserver, kube-controller-manager and kube-scheduler (kubeadm: their manifests in /etc/kubernetes/manifests), tlsMinVersion: VersionTLS12 in the kubelet config file (/var/lib/kubelet/config.yaml), and --tls-min-version=TLS1.2 on etcd.',
  references: [DOCS.apiserver, DOCS.kubeletConfig, 'https://etcd.io/docs/v3.5/op-guide/configuration/'],
  reads: 'kube-apiserver/kube-controller-manager/kube-scheduler/etcd --tls-min-version, kubelet tlsMinVersion (default per version: Go TLS 1.0 before Kubernetes 1.30, TLS 1.2 from 1.30; etcd TLS 1.2)',
  run(cp, report) {
    for (const kind of KINDS) {
      for (const c of componentsOf(cp, kind)) {
        const e = minVersionOf(cp, c);
        if (e.value === undefined) continue;
        const minor = tlsMinor(e.value);
        if (minor !== undefined && minor >= 2) continue;
        report({
          component: c,
          host: hostOf(cp, c),
          evidence: evidenceFor(c, e),
          detail: minor === undefined ? `"${e.value}" is not a TLS version name; the component will not start or ignores it` : (defaultDetail(c, e) ?? `TLS 1.${minor} is accepted`),
        });
      }
    }
  },
});
