/**
 * A fixed ScanResult for the golden tests of every output format: findings from checks defined here
 * (so the goldens do not move when real checks change) over a model built with the fixture builder,
 * and a literal graph. Texts carry the characters that broke kube-bench's JUnit (`<filename>`, `&`, quotes).
 */
import { defineCheck, runChecks, type Check } from '../../src/checks/registry.js';
import { evidenceFor, flag } from '../../src/model/effective.js';
import type { Graph } from '../../src/model/graph.js';
import type { ScanResult } from '../../src/model/result.js';
import { compareFindings, emptyEvidence, PRACTICES, SEVERITIES } from '../../src/model/finding.js';
import { controlPlane } from '../helpers/fixture.js';

export const fixedChecks: readonly Check[] = [
  defineCheck({
    id: 'tls/apiserver-kubelet-ca',
    practice: 'tls',
    severity: 'high',
    cis: ['1.2.5'],
    title: 'API server does not verify kubelet serving certificates',
    why: 'Without --kubelet-certificate-authority the API server accepts any certificate a kubelet presents & cannot tell a kubelet from an impostor.',
    remediation: 'Set --kubelet-certificate-authority=<ca-file> to the CA that signs kubelet serving certificates.',
    references: ['https://kubernetes.io/docs/concepts/architecture/control-plane-node-communication/'],
    run(cp, report) {
      for (const h of cp.hosts)
        for (const c of h.components.filter((x) => x.kind === 'kube-apiserver')) {
          const e = flag(cp, c, 'kubelet-certificate-authority');
          if (e.value === undefined) report({ component: c, host: h, evidence: evidenceFor(c, e), link: `apiserver-kubelet:kube-apiserver@${h.name}->kubelet@${h.name}` });
        }
    },
  }),
  defineCheck({
    id: 'etcd/client-cert-auth',
    practice: 'etcd',
    severity: 'critical',
    cis: ['2.2'],
    title: 'etcd does not require client certificates',
    why: 'etcd with --client-cert-auth=false serves every key, Secrets included, to anyone who reaches its port.',
    remediation: 'Set --client-cert-auth=true and --trusted-ca-file to a CA used only for etcd.',
    run(cp, report) {
      for (const h of cp.hosts)
        for (const c of h.components.filter((x) => x.kind === 'etcd')) {
          const e = flag(cp, c, 'client-cert-auth');
          if (e.value !== 'true') report({ component: c, host: h, evidence: evidenceFor(c, e), detail: `client-cert-auth is "${e.value ?? ''}" \u0007` });
        }
    },
  }),
  defineCheck({
    id: 'authn/token-auth-file',
    practice: 'authn',
    severity: 'medium',
    cis: ['1.2.3'],
    title: 'Static token file in use',
    why: 'Tokens in --token-auth-file never expire and need an API server restart to revoke.',
    remediation: "Remove --token-auth-file; use OIDC or short-lived service-account tokens. See 'kubeward oidc setup'.",
    run(cp, report) {
      for (const h of cp.hosts)
        for (const c of h.components.filter((x) => x.kind === 'kube-apiserver')) {
          const e = flag(cp, c, 'token-auth-file');
          if (e.value !== undefined) report({ component: c, host: h, evidence: evidenceFor(c, e) });
        }
    },
  }),
  defineCheck({
    id: 'rbac/profiling',
    practice: 'rbac',
    severity: 'low',
    cis: ['1.2.15'],
    title: 'Profiling endpoints are enabled',
    why: 'Profiling exposes /debug/pprof.',
    remediation: 'Set --profiling=false.',
    run() {
      // clean in the fixed model: shows as a passing test case / a rule without results
    },
  }),
];

export function fixedResult(): ScanResult {
  const cp = controlPlane('v1.29.3')
    .host('cp-1', (h) =>
      h
        .apiserver(['--etcd-servers=https://127.0.0.1:2379', '--token-auth-file=/etc/kubernetes/auth/known_tokens.csv'])
        .etcd(['--client-cert-auth=false', '--listen-client-urls=https://127.0.0.1:2379']),
    )
    .host('cp-2', (h) => h.apiserver(['--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt']))
    .build();
  const findings = runChecks(cp, fixedChecks);
  // one finding from outside the registry (an engine's probe), with API-object evidence
  findings.push({
    id: 'etcd/reachable-without-cert',
    practice: 'etcd',
    severity: 'info',
    title: 'etcd answered a client without a certificate',
    component: 'etcd',
    host: 'cp-2',
    evidence: {
      ...emptyEvidence('probe'),
      object: 'kube-system/Pod/etcd-cp-2',
      probe: { kind: 'etcd-no-client-cert', target: '127.0.0.1:2379', outcome: 'TLS handshake completed; range request answered', at: '2026-01-01T00:00:00Z' },
    },
    why: 'A probe proves what the configuration suggests.',
    remediation: 'Require client certificates.',
    cis: [],
    references: [],
  });
  findings.sort(compareFindings);
  const graph: Graph = {
    nodes: [
      { id: 'kube-apiserver@cp-1', kind: 'kube-apiserver', host: 'cp-1', label: 'kube-apiserver (cp-1)' },
      { id: 'etcd@cp-1', kind: 'etcd', host: 'cp-1', label: 'etcd (cp-1)' },
      { id: 'kubelet@cp-1', kind: 'kubelet', host: 'cp-1', label: 'kubelet (cp-1)' },
    ],
    links: [
      {
        id: 'apiserver-etcd:kube-apiserver@cp-1->etcd@cp-1',
        kind: 'apiserver-etcd',
        source: 'kube-apiserver@cp-1',
        target: 'etcd@cp-1',
        endpoint: 'https://127.0.0.1:2379',
        encryption: 'tls',
        serverVerification: { state: 'verified', ca: 'etc/kubernetes/pki/etcd/ca.crt (sha256:22ab7109e7d4350705bccae8ae8a4485e5531c33f44b878eb5161a202aa0cf3b)' },
        clientAuthentication: { state: 'none' },
        state: 'tls',
        evidence: [],
      },
      {
        id: 'apiserver-kubelet:kube-apiserver@cp-1->kubelet@cp-1',
        kind: 'apiserver-kubelet',
        source: 'kube-apiserver@cp-1',
        target: 'kubelet@cp-1',
        encryption: 'tls',
        serverVerification: { state: 'unverified' },
        clientAuthentication: { state: 'certificate', ca: 'etc/kubernetes/pki/ca.crt' },
        state: 'tls-unverified',
        evidence: [],
      },
    ],
  };
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])) as ScanResult['summary']['bySeverity'];
  const byPractice = Object.fromEntries(PRACTICES.map((p) => [p, findings.filter((f) => f.practice === p).length])) as ScanResult['summary']['byPractice'];
  return {
    tool: 'kubeward',
    version: '0.0.0-test',
    target: 'examples/fixture',
    kubernetesVersion: '1.29.3',
    findings,
    graph,
    summary: { total: findings.length, bySeverity, byPractice, hosts: ['cp-1', 'cp-2'], checksRun: fixedChecks.length, partial: [], failOn: 'high', failed: true },
  };
}
