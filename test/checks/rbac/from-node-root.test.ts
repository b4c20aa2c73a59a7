/**
 * The rbac/authn/encryption document checks over files read by the real node-root source: the
 * evidence line of a finding is the line of the offending audit rule, authenticator field or
 * encryption provider in the file on disk.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/registry.js';
import { rbacChecks } from '../../../src/checks/rbac/index.js';
import { authnChecks } from '../../../src/checks/authn/index.js';
import { encryptionChecks } from '../../../src/checks/encryption/index.js';
import type { Finding } from '../../../src/model/finding.js';
import { loadControlPlane } from '../../../src/scan.js';

const MANIFEST = `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.34.1
    command:
    - kube-apiserver
    - --authorization-mode=Node,RBAC
    - --audit-policy-file=/etc/kubernetes/audit/policy.yaml
    - --audit-log-path=/var/log/kubernetes/audit.log
    - --authentication-config=/etc/kubernetes/authn/config.yaml
    - --encryption-provider-config=/etc/kubernetes/enc/config.json
    volumeMounts:
    - {name: k8s, mountPath: /etc/kubernetes, readOnly: true}
  volumes:
  - name: k8s
    hostPath: {path: /etc/kubernetes, type: DirectoryOrCreate}
`;

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  resources:
  - group: ""
    resources: [events]
- level: RequestResponse
  resources:
  - group: ""
- level: Metadata
  resources:
  - group: ""
    resources: [secrets, configmaps]
- level: Metadata
`;

const AUTHN = `apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: https://login.example.com
    audiences: [kubernetes]
  claimMappings:
    username:
      claim: sub
      prefix: "oidc:"
    groups:
      claim: groups
      prefix: ""
`;

// JSON is a valid EncryptionConfiguration format (kube-bench 1.2.28 only greps YAML).
const ENCRYPTION = `{
  "apiVersion": "apiserver.config.k8s.io/v1",
  "kind": "EncryptionConfiguration",
  "resources": [
    {
      "resources": ["secrets"],
      "providers": [
        {"identity": {}},
        {"aescbc": {"keys": [{"name": "key1", "secret": "${Buffer.alloc(32, 7).toString('base64')}"}]}}
      ]
    }
  ]
}
`;

let root: string;
let findings: Finding[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kubeward-docs-'));
  const put = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  put('etc/hostname', 'cp-1\n');
  put('etc/kubernetes/manifests/kube-apiserver.yaml', MANIFEST);
  put('etc/kubernetes/audit/policy.yaml', POLICY);
  put('etc/kubernetes/authn/config.yaml', AUTHN);
  put('etc/kubernetes/enc/config.json', ENCRYPTION);
  const cp = await loadControlPlane({ nodeRoots: [root], snapshots: [] });
  findings = runChecks(cp, [...rbacChecks, ...authnChecks, ...encryptionChecks]);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const find = (id: string, detail = '') => findings.filter((f) => f.id === id && (f.detail ?? '').includes(detail));

describe('document findings cite the line on disk', () => {
  it('audit policy: the RequestResponse rule that first matches secrets (line 9)', () => {
    const leak = find('rbac/audit-policy-leak', 'secrets');
    expect(leak).toHaveLength(1);
    expect(leak[0]!.evidence).toMatchObject({ file: 'etc/kubernetes/audit/policy.yaml', line: 9, field: 'rules.1.level', value: 'RequestResponse' });
  });
  it('authentication config: the empty groups prefix (line 13)', () => {
    const prefix = find('authn/jwt-claim-prefix');
    expect(prefix).toHaveLength(1);
    expect(prefix[0]!.evidence).toMatchObject({ file: 'etc/kubernetes/authn/config.yaml', line: 13, field: 'jwt.0.claimMappings.groups.prefix' });
  });
  it('encryption config (JSON): identity first for secrets (line 8), never the key', () => {
    const plain = find('encryption/secrets-encrypted');
    expect(plain).toHaveLength(1);
    expect(plain[0]!.evidence).toMatchObject({ file: 'etc/kubernetes/enc/config.json', line: 8, value: 'identity' });
    expect(JSON.stringify(findings)).not.toContain(Buffer.alloc(32, 7).toString('base64'));
  });
});
