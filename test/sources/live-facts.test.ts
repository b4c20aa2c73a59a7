/** API objects to model facts: the shapes the e2e cluster cannot produce (managed clusters, v1beta1 CSRs, legacy labels). */
import { describe, expect, it } from 'vitest';
import {
  apiServiceFacts,
  bootstrapTokenFacts,
  componentsOfPod,
  csrFacts,
  isControlPlanePod,
  kubeletFromConfigz,
  managedOffering,
  nodeFacts,
  rbacObject,
  webhookFacts,
} from '../../src/sources/live-facts.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('live facts', () => {
  it('tells managed control planes by version string and node signs', () => {
    expect(managedOffering('v1.29.3-eks-adc7111', [])).toBe('EKS');
    expect(managedOffering('v1.29.4-gke.1043002', [])).toBe('GKE');
    expect(managedOffering('v1.29.2', [{ spec: { providerID: 'azure:///subscriptions/x/vm-0' } }])).toBe('AKS');
    expect(managedOffering('v1.29.2', [{ metadata: { labels: { 'eks.amazonaws.com/nodegroup': 'ng' } } }])).toBe('EKS');
    expect(managedOffering('v1.29.2', [{ metadata: { labels: { 'kubernetes.io/hostname': 'cp-1' } } }])).toBeUndefined();
  });

  it('keeps a bootstrap token id, expiry, usages and groups, never its secret', () => {
    const secret = {
      metadata: { name: 'bootstrap-token-07401b', namespace: 'kube-system' },
      type: 'bootstrap.kubernetes.io/token',
      data: {
        'token-id': b64('07401b'),
        'token-secret': b64('f395accd246ae52d'),
        expiration: b64('2031-01-01T00:00:00Z'),
        'usage-bootstrap-authentication': b64('true'),
        'usage-bootstrap-signing': b64('false'),
        'auth-extra-groups': b64('system:bootstrappers:kubeadm:default-node-token, system:bootstrappers:extra'),
      },
    };
    const facts = bootstrapTokenFacts(secret);
    expect(facts).toEqual({
      id: '07401b',
      expiration: '2031-01-01T00:00:00Z',
      usages: ['authentication'],
      extraGroups: ['system:bootstrappers:kubeadm:default-node-token', 'system:bootstrappers:extra'],
      object: 'kube-system/Secret/bootstrap-token-07401b',
    });
    expect(JSON.stringify(facts)).not.toMatch(/f395accd246ae52d|ZjM5NWFj/);
  });

  it('reads webhooks, APIServices and CSRs, old API versions included', () => {
    expect(
      webhookFacts({ metadata: { name: 'm' }, webhooks: [{ name: 'a.example', clientConfig: { url: 'http://a.example/x' } }, { name: 'b.example', clientConfig: { service: { namespace: 'ns', name: 'svc' }, caBundle: 'Q0E=' }, failurePolicy: 'Fail' }] }, 'mutating'),
    ).toEqual([
      { configuration: 'm', kind: 'mutating', name: 'a.example', url: 'http://a.example/x', hasCaBundle: false, object: 'MutatingWebhookConfiguration/m' },
      { configuration: 'm', kind: 'mutating', name: 'b.example', service: { namespace: 'ns', name: 'svc' }, hasCaBundle: true, failurePolicy: 'Fail', object: 'MutatingWebhookConfiguration/m' },
    ]);
    expect(apiServiceFacts({ metadata: { name: 'v1beta1.metrics.k8s.io' }, spec: { service: { namespace: 'kube-system', name: 'metrics-server', port: 443 }, insecureSkipTLSVerify: true } })).toEqual({
      name: 'v1beta1.metrics.k8s.io',
      service: { namespace: 'kube-system', name: 'metrics-server', port: 443 },
      insecureSkipTLSVerify: true,
      hasCaBundle: false,
      object: 'APIService/v1beta1.metrics.k8s.io',
    });
    expect(csrFacts({ metadata: { name: 'node-csr-1' }, spec: { username: 'system:bootstrap:07401b', groups: ['system:bootstrappers'], usages: ['client auth'] }, status: { conditions: [{ type: 'Approved' }] } })).toMatchObject({
      signerName: 'kubernetes.io/legacy-unknown',
      conditions: ['Approved'],
    });
  });

  it('reads node roles from both role labels, and taints', () => {
    const n = nodeFacts({
      metadata: { name: 'cp-1', labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'master' } },
      spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
      status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }], nodeInfo: { kubeletVersion: 'v1.29.3' } },
    });
    expect(n).toEqual({
      name: 'cp-1',
      roles: ['control-plane', 'master'],
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      kubeletVersion: 'v1.29.3',
      object: 'Node/cp-1',
    });
  });

  it('takes control-plane pods by mirror annotation or kubeadm labels, and reads them like manifests', () => {
    const pod = {
      metadata: { name: 'kube-scheduler-cp-1', namespace: 'kube-system', labels: { component: 'kube-scheduler', tier: 'control-plane' } },
      spec: { nodeName: 'cp-1', containers: [{ name: 'kube-scheduler', image: 'registry.k8s.io/kube-scheduler:v1.29.3', command: ['kube-scheduler', '--bind-address=0.0.0.0', '--profiling'] }] },
    };
    expect(isControlPlanePod(pod)).toBe(true);
    expect(isControlPlanePod({ metadata: { name: 'coredns', labels: { 'k8s-app': 'kube-dns' } } })).toBe(false);
    const [c] = componentsOfPod(pod);
    expect(c).toMatchObject({ kind: 'kube-scheduler', host: 'cp-1', name: 'kube-scheduler-cp-1', origin: 'mirror-pod', at: { kind: 'api', object: 'kube-system/Pod/kube-scheduler-cp-1' } });
    expect(c?.flags.profiling).toMatchObject({ value: 'true', at: { kind: 'api', object: 'kube-system/Pod/kube-scheduler-cp-1' } });
    expect(c?.version).toMatchObject({ major: 1, minor: 29, patch: 3 });
  });

  it('reads a kubelet from configz as its effective config', () => {
    const k = kubeletFromConfigz('w-1', { kubeletconfig: { authentication: { anonymous: { enabled: true } }, readOnlyPort: 10255 } }, 'v1.29.3');
    expect(k.config?.fields['authentication.anonymous.enabled']).toEqual({ value: true, at: { kind: 'api', object: 'Node/w-1/proxy/configz' } });
    expect(k.config?.fields.readOnlyPort?.value).toBe(10255);
    expect(k.version).toMatchObject({ minor: 29 });
  });

  it('gives list items their kind back and drops managedFields', () => {
    expect(rbacObject('Role', { metadata: { name: 'r', namespace: 'ns', managedFields: [{}] }, rules: [] })).toEqual({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'ns' }, rules: [] });
  });
});
