/**
 * Regressions for the pain points of kube-bench (checks.md §A.7) and the quirks of Kubescape (§B.5)
 * that concern the rbac, authn, etcd and encryption checks: each case is a model where an anchor tool
 * is known to answer wrongly, and the assertion is what kubeward answers instead. Relative kubelet
 * --config paths, program detection and mirror pods are the sources' part and are tested there.
 */
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/registry.js';
import { rbacChecks } from '../../../src/checks/rbac/index.js';
import { authnChecks } from '../../../src/checks/authn/index.js';
import { etcdChecks } from '../../../src/checks/etcd/index.js';
import { encryptionChecks } from '../../../src/checks/encryption/index.js';
import type { ControlPlane } from '../../../src/model/control-plane.js';
import { controlPlane, singleHost } from '../../helpers/fixture.js';
import { ca, cert } from '../authn/cert-fixtures.js';

const CHECKS = [...rbacChecks, ...authnChecks, ...etcdChecks, ...encryptionChecks];
const ids = (cp: ControlPlane) => runChecks(cp, CHECKS).map((f) => f.id);

/** A kubeadm-like hardened API server, so only the fact under test can produce a finding. */
const HARDENED_API = [
  '--authorization-mode=Node,RBAC',
  '--anonymous-auth=false',
  '--enable-admission-plugins=NodeRestriction',
  '--profiling=false',
  '--service-account-extend-token-expiration=false',
];

describe('§A.7.1 / §B.5: defaults per component and version, not flag presence', () => {
  it('unset --authorization-mode is AlwaysAllow (Kubescape C-0118/C-0088 pass it)', () => {
    const found = ids(singleHost((h) => h.apiserver([])));
    expect(found).toContain('rbac/always-allow');
    expect(found).toContain('rbac/rbac-authorizer');
  });
  it('--authorization-config with Node and RBAC satisfies 1.2.6–1.2.8 (kube-bench fails all three)', () => {
    const cp = singleHost((h) =>
      h.apiserver(HARDENED_API.filter((a) => !a.startsWith('--authorization-mode')).concat('--authorization-config=/etc/kubernetes/authz.yaml'), { version: 'v1.32.0' }).file('etc/kubernetes/authz.yaml', { document: { authorizers: [{ type: 'Node', name: 'node' }, { type: 'RBAC', name: 'rbac' }] } }),
    );
    expect(ids(cp).filter((id) => ['rbac/always-allow', 'rbac/node-authorizer', 'rbac/rbac-authorizer', 'rbac/authorization-config'].includes(id))).toEqual([]);
  });
  it('kubelet config file that omits authorization.mode is Webhook (kube-bench 4.2.2 fails it); flag-only kubelet is AlwaysAllow', () => {
    expect(ids(singleHost((h) => h.kubelet(['--config=/var/lib/kubelet/config.yaml'], { config: { kind: 'KubeletConfiguration' } })))).not.toContain('authn/kubelet-authorization-mode');
    expect(ids(singleHost((h) => h.kubelet([])))).toContain('authn/kubelet-authorization-mode');
  });
  it('unset --service-account-lookup is true: no finding; unset --use-service-account-credentials is false: finding', () => {
    const found = ids(singleHost((h) => h.apiserver(HARDENED_API).controllerManager([])));
    expect(found).not.toContain('authn/service-account-lookup');
    expect(found).toContain('rbac/service-account-credentials');
  });
  it('--basic-auth-file is judged by version (removed in 1.19)', () => {
    const sev = (v: string) => runChecks(singleHost((h) => h.apiserver(['--basic-auth-file=/x.csv']), v), CHECKS).find((f) => f.id === 'authn/basic-auth-file')?.severity;
    expect(sev('v1.18.0')).toBe('critical');
    expect(sev('v1.24.0')).toBe('medium');
  });
});

describe('§A.7.2: a missing kubelet config file does not turn flags into failures', () => {
  it('flags given, config file not read: judged by the flags', () => {
    const cp = singleHost((h) => h.kubelet(['--config=/var/lib/kubelet/config.yaml', '--authorization-mode=Webhook']));
    cp.problems.push({ host: 'cp-1', message: 'var/lib/kubelet/config.yaml does not exist', file: 'var/lib/kubelet/config.yaml' });
    expect(ids(cp)).not.toContain('authn/kubelet-authorization-mode');
  });
});

describe('§A.7.6: encryption config read whole, through the container mount, first provider', () => {
  const mounts = [{ containerPath: '/etc/kubernetes/enc', hostPath: '/srv/encryption', readOnly: true }];
  const identityFirst = { resources: [{ resources: ['secrets'], providers: [{ type: 'identity', keys: [] }, { type: 'aescbc', keys: [{ name: 'k', length: 32, fingerprint: 'f' }] }] }, { resources: ['configmaps'], providers: [{ type: 'aescbc', keys: [{ name: 'k', length: 32, fingerprint: 'f' }] }] }] };
  it('the container path resolves to the host file (kube-bench#420 WARNs)', () => {
    const cp = singleHost((h) => h.apiserver(['--encryption-provider-config=/etc/kubernetes/enc/config.json'], { mounts }).file('srv/encryption/config.json', { encryptionConfig: identityFirst }));
    expect(ids(cp)).not.toContain('encryption/provider-config');
    // kube-bench 1.2.28 inspects the first provider of the LAST providers block (aescbc here) and passes.
    expect(ids(cp)).toContain('encryption/secrets-encrypted');
  });
});

describe('§A.7.7: external etcd', () => {
  it('an API server host without etcd yields no etcd findings; the dedicated etcd host is judged on its own', () => {
    const cp = controlPlane()
      .host('cp-1', (h) => h.apiserver([...HARDENED_API, '--etcd-servers=https://10.0.0.5:2379']))
      .host('etcd-1', (h) => h.etcd(['--client-cert-auth=true', '--listen-client-urls=https://10.0.0.5:2379'], { origin: 'systemd' }))
      .build();
    const etcdFindings = runChecks(cp, etcdChecks);
    expect(etcdFindings.filter((f) => f.host === 'cp-1')).toEqual([]);
    expect(etcdFindings.filter((f) => f.id === 'etcd/client-cert-auth')).toEqual([]);
  });
});

describe('§A.7.12: manual kube-bench items kubeward automates', () => {
  it('3.2.2 audit policy content, 3.1.1 system:masters certificates and 2.7 CA separation produce findings', () => {
    const clusterCa = ca('kubernetes');
    const cp = singleHost((h) =>
      h
        .apiserver([...HARDENED_API, '--audit-policy-file=/etc/kubernetes/audit.yaml', '--audit-log-path=/var/log/audit.log', '--client-ca-file=/etc/kubernetes/pki/ca.crt'])
        .etcd(['--client-cert-auth=true', '--trusted-ca-file=/etc/kubernetes/pki/ca.crt'])
        .file('etc/kubernetes/pki/ca.crt', { certificates: [clusterCa] })
        .file('etc/kubernetes/pki/users/ops.crt', { certificates: [cert({ commonName: 'ops', authorityKeyId: 'ski-kubernetes' })] })
        .file('etc/kubernetes/audit.yaml', { document: { apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'RequestResponse' }] } }),
    );
    const cis = runChecks(cp, CHECKS).flatMap((f) => f.cis);
    expect(cis).toContain('3.2.2');
    expect(cis).toContain('3.1.1');
    expect(cis).toContain('2.7');
  });
});

describe('§B.5: no substring flag matching', () => {
  it('a flag whose name extends another is not that flag', () => {
    const found = ids(singleHost((h) => h.apiserver(['--authorization-mode-x=Node,RBAC', '--anonymous-auth=false'])));
    expect(found).toContain('rbac/always-allow');
  });
  it('a value that contains the wanted word is not the wanted value', () => {
    const found = ids(singleHost((h) => h.apiserver(['--authorization-mode=Node,RBACX', '--enable-admission-plugins=NoNodeRestriction'])));
    expect(found).toContain('rbac/rbac-authorizer');
    expect(found).toContain('rbac/node-restriction');
  });
  it('`--flag value` (space-separated) is read like `--flag=value`', () => {
    const found = ids(singleHost((h) => h.apiserver(['--authorization-mode', 'Node,RBAC', '--enable-admission-plugins', 'NodeRestriction'])));
    expect(found).not.toContain('rbac/rbac-authorizer');
    expect(found).not.toContain('rbac/node-restriction');
  });
});

describe('§A.7.11: RotateKubeletServerCertificate gate logic (kube-bench#743/#789)', () => {
  const gateFindings = (args: string[]) => runChecks(singleHost((h) => h.controllerManager(args).kubelet(['--config=/var/lib/kubelet/config.yaml', ...args], { config: { serverTLSBootstrap: true } })), CHECKS).filter((f) => f.id === 'encryption/kubelet-server-cert-rotation');
  it('absent gate: default true since 1.12, no finding', () => expect(gateFindings([])).toEqual([]));
  it('other gates beside it set true: no finding', () => expect(gateFindings(['--feature-gates=Foo=true,RotateKubeletServerCertificate=true'])).toEqual([]));
  it('explicitly false on the controller manager: finding (1.3.6)', () => expect(runChecks(singleHost((h) => h.controllerManager(['--feature-gates=RotateKubeletServerCertificate=false'])), CHECKS).filter((f) => f.id === 'encryption/kubelet-server-cert-rotation')).toHaveLength(1));
  it('a gate whose name merely contains it is not it', () => expect(gateFindings(['--feature-gates=XRotateKubeletServerCertificate=false'])).toEqual([]));
});
