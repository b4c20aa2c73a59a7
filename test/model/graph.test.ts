import { describe, expect, it } from 'vitest';
import { computeGraph } from '../../src/model/graph-build.js';
import type { GraphLink } from '../../src/model/graph.js';
import { controlPlane, singleHost } from '../helpers/fixture.js';
import { APISERVER, edit, ETCD, KUBELET, kubeadmNode, kubeconfig, NODE_IP } from '../checks/tls/kubeadm.js';

function link(links: GraphLink[], id: string): GraphLink {
  const l = links.find((x) => x.id === id);
  if (!l) throw new Error(`no link ${id} in ${links.map((x) => x.id).join(', ')}`);
  return l;
}

describe('computeGraph', () => {
  it('a hardened kubeadm node: every link is mutual or server-verified TLS', () => {
    const g = computeGraph(singleHost(kubeadmNode()));
    expect(g.nodes.map((n) => n.id)).toEqual(['etcd@cp-1', 'kube-apiserver@cp-1', 'kube-controller-manager@cp-1', 'kube-scheduler@cp-1', 'kubelet@cp-1']);
    expect(g.links.map((l) => [l.id, l.state])).toEqual([
      ['apiserver-etcd:kube-apiserver@cp-1->etcd@cp-1', 'mtls'],
      ['apiserver-kubelet:kube-apiserver@cp-1->kubelet@cp-1', 'mtls'],
      ['controller-manager-apiserver:kube-controller-manager@cp-1->kube-apiserver@cp-1', 'mtls'],
      ['kubelet-apiserver:kubelet@cp-1->kube-apiserver@cp-1', 'mtls'],
      ['scheduler-apiserver:kube-scheduler@cp-1->kube-apiserver@cp-1', 'mtls'],
    ]);
    const etcd = link(g.links, 'apiserver-etcd:kube-apiserver@cp-1->etcd@cp-1');
    expect(etcd.serverVerification).toEqual({ state: 'verified', ca: 'etc/kubernetes/pki/etcd/ca.crt (sha256:e7cd000000000000)' });
    expect(etcd.clientAuthentication).toEqual({ state: 'certificate', ca: 'etc/kubernetes/pki/etcd/ca.crt (sha256:e7cd000000000000)' });
    expect(etcd.endpoint).toBe('https://127.0.0.1:2379');
    expect(etcd.evidence.map((e) => e.flag)).toEqual(['--etcd-servers', '--etcd-cafile', '--etcd-certfile', '--etcd-keyfile', '--client-cert-auth', '--trusted-ca-file']);
    const kubelet = link(g.links, 'kubelet-apiserver:kubelet@cp-1->kube-apiserver@cp-1');
    expect(kubelet.serverVerification).toEqual({ state: 'verified', ca: '(embedded) (sha256:c1a0000000000000)' });
    expect(kubelet.clientAuthentication.state).toBe('certificate');
  });

  it('a weak node: plaintext etcd, unverified kubelets, skip-verify and http kubeconfigs', () => {
    const cp = singleHost((h) => {
      kubeadmNode({
        apiserver: edit(APISERVER, '--etcd-servers=http://127.0.0.1:2379', '!--etcd-cafile', '!--kubelet-certificate-authority'),
        etcd: edit(ETCD, '--listen-client-urls=http://127.0.0.1:2379', '!--client-cert-auth', '!--trusted-ca-file'),
      })(h);
      h.file('etc/kubernetes/scheduler.conf', { mode: 0o600, kubeconfig: kubeconfig('system:kube-scheduler', { insecure: true }) });
      h.file('etc/kubernetes/controller-manager.conf', { mode: 0o600, kubeconfig: kubeconfig('system:kube-controller-manager', { server: 'http://127.0.0.1:8080' }) });
    });
    const g = computeGraph(cp);
    const state = (id: string): string => link(g.links, id).state;
    expect(state('apiserver-etcd:kube-apiserver@cp-1->etcd@cp-1')).toBe('plaintext');
    expect(state('apiserver-kubelet:kube-apiserver@cp-1->kubelet@cp-1')).toBe('tls-unverified');
    expect(state('scheduler-apiserver:kube-scheduler@cp-1->kube-apiserver@cp-1')).toBe('tls-unverified');
    expect(state('controller-manager-apiserver:kube-controller-manager@cp-1->kube-apiserver@cp-1')).toBe('plaintext');
    expect(state('kubelet-apiserver:kubelet@cp-1->kube-apiserver@cp-1')).toBe('mtls');
  });

  it('https to etcd without a CA verifies against the system roots; an etcd that asks for no certificate authenticates nobody', () => {
    const cp = singleHost(kubeadmNode({ apiserver: edit(APISERVER, '!--etcd-cafile'), etcd: edit(ETCD, '!--client-cert-auth', '!--trusted-ca-file') }));
    const l = link(computeGraph(cp).links, 'apiserver-etcd:kube-apiserver@cp-1->etcd@cp-1');
    expect(l.serverVerification).toEqual({ state: 'verified', ca: 'system trust store' });
    expect(l.clientAuthentication).toEqual({ state: 'none' });
    expect(l.state).toBe('tls');
  });

  it('etcd --trusted-ca-file alone already requires client certificates (transport.ServerConfig)', () => {
    const cp = singleHost(kubeadmNode({ etcd: edit(ETCD, '!--client-cert-auth') }));
    expect(link(computeGraph(cp).links, 'apiserver-etcd:kube-apiserver@cp-1->etcd@cp-1').state).toBe('mtls');
  });

  it('unknowns stay unknown: unread kubeconfigs, external etcd presenting a certificate', () => {
    const cp = singleHost(kubeadmNode({ noFiles: true, apiserver: edit(APISERVER, '--etcd-servers=https://etcd-a.internal:2379'), without: ['etcd'] }));
    const g = computeGraph(cp);
    const kcm = link(g.links, 'controller-manager-apiserver:kube-controller-manager@cp-1->kube-apiserver@cp-1');
    expect(kcm).toMatchObject({ encryption: 'unknown', serverVerification: { state: 'unknown' }, clientAuthentication: { state: 'unknown' }, state: 'unknown' });
    const etcd = link(g.links, 'apiserver-etcd:kube-apiserver@cp-1->etcd@etcd-a.internal');
    expect(etcd.clientAuthentication.state).toBe('unknown');
    expect(etcd.state).toBe('tls');
    expect(g.nodes.find((n) => n.id === 'etcd@etcd-a.internal')?.label).toContain('not scanned');
  });

  it('several --etcd-servers to one member get distinct ids; overrides are links too', () => {
    const cp = singleHost(
      kubeadmNode({ apiserver: edit(APISERVER, `--etcd-servers=https://127.0.0.1:2379,https://${NODE_IP}:2379`, '--etcd-servers-overrides=/events#http://10.0.0.99:2379') }),
    );
    const ids = computeGraph(cp).links.filter((l) => l.kind === 'apiserver-etcd').map((l) => [l.id, l.state]);
    expect(ids).toEqual([
      ['apiserver-etcd:kube-apiserver@cp-1->etcd@10.0.0.99', 'plaintext'],
      ['apiserver-etcd:kube-apiserver@cp-1->etcd@cp-1 https://10.0.0.10:2379', 'mtls'],
      ['apiserver-etcd:kube-apiserver@cp-1->etcd@cp-1 https://127.0.0.1:2379', 'mtls'],
    ]);
  });

  it('etcd peers: directed links per member, auto-TLS is unverified', () => {
    const member = (name: string, ip: string, extra: string[] = []): string[] =>
      edit(
        ETCD,
        `--name=${name}`,
        `--initial-advertise-peer-urls=https://${ip}:2380`,
        `--listen-peer-urls=https://${ip}:2380`,
        '--initial-cluster=cp-1=https://10.0.0.10:2380,cp-2=https://10.0.0.11:2380,cp-3=https://10.0.0.12:2380',
        ...extra,
      );
    const cp = controlPlane()
      .host('cp-1', (h) => {
        h.host.addresses.push('10.0.0.10');
        h.etcd(member('cp-1', '10.0.0.10'));
      })
      .host('cp-2', (h) => {
        h.host.addresses.push('10.0.0.11');
        h.etcd(member('cp-2', '10.0.0.11', ['!--peer-cert-file', '!--peer-key-file', '!--peer-trusted-ca-file', '--peer-auto-tls=true']));
      })
      .build();
    const peers = computeGraph(cp).links.filter((l) => l.kind === 'etcd-peer');
    expect(peers.map((l) => [l.id, l.state])).toEqual([
      ['etcd-peer:etcd@cp-1->etcd@10.0.0.12', 'tls'],
      ['etcd-peer:etcd@cp-1->etcd@cp-2', 'mtls'],
      ['etcd-peer:etcd@cp-2->etcd@10.0.0.12', 'tls-unverified'],
      ['etcd-peer:etcd@cp-2->etcd@cp-1', 'tls-unverified'],
    ]);
  });

  it('kubelet→apiserver through a load balancer name reaches every API server; --master overrides the kubeconfig', () => {
    const lb = 'https://k8s-api.example:6443';
    const cp = controlPlane()
      .host('cp-1', kubeadmNode())
      .host('cp-2', (h) => {
        kubeadmNode({ controllerManager: ['--kubeconfig=/etc/kubernetes/controller-manager.conf', '--master=http://127.0.0.1:8080'], without: ['etcd'] })(h);
        h.host.addresses.splice(0, 1, '10.0.0.11');
        h.file('etc/kubernetes/kubelet.conf', { kubeconfig: kubeconfig('system:node:cp-2', { server: lb, clientCertificate: '/var/lib/kubelet/pki/kubelet-client-current.pem' }) });
      })
      .build();
    const g = computeGraph(cp);
    expect(g.links.filter((l) => l.source === 'kubelet@cp-2').map((l) => l.target)).toEqual(['kube-apiserver@cp-1', 'kube-apiserver@cp-2']);
    expect(link(g.links, 'controller-manager-apiserver:kube-controller-manager@cp-2->kube-apiserver@cp-2')).toMatchObject({ endpoint: 'http://127.0.0.1:8080', state: 'plaintext' });
  });

  it('a kubelet not yet bootstrapped talks with its bootstrap token', () => {
    const cp = singleHost((h) => {
      kubeadmNode()(h);
      h.file('etc/kubernetes/kubelet.conf', { exists: false });
      h.file('etc/kubernetes/bootstrap-kubelet.conf', { kubeconfig: kubeconfig('tls-bootstrap-token-user', { token: true }) });
    });
    const l = link(computeGraph(cp).links, 'kubelet-apiserver:kubelet@cp-1->kube-apiserver@cp-1');
    expect(l.clientAuthentication).toEqual({ state: 'token' });
    expect(l.state).toBe('tls');
  });

  it('CNI plugins and flanneld reaching etcd', () => {
    const cp = singleHost((h) => {
      kubeadmNode({ kubelet: KUBELET })(h);
      h.cni({ file: 'etc/cni/net.d/10-calico.conflist', plugins: [{ type: 'calico', datastoreType: 'etcdv3', etcdEndpoints: [`https://${NODE_IP}:2379`], etcdCaCertFile: '/etc/kubernetes/pki/etcd/ca.crt', etcdCertFile: '/etc/calico/cert.pem', etcdKeyFile: '/etc/calico/key.pem', line: 7 }] });
      h.component('flanneld', ['--etcd-cafile=/etc/flannel/ca.pem'], { origin: 'systemd' });
    });
    const g = computeGraph(cp);
    expect(link(g.links, 'cni-etcd:cni:calico@cp-1->etcd@cp-1').state).toBe('mtls');
    const flannel = g.links.filter((l) => l.source === 'cni:flannel@cp-1');
    expect(flannel.map((l) => [l.endpoint, l.state])).toEqual([
      ['http://127.0.0.1:2379', 'plaintext'],
      ['http://127.0.0.1:4001', 'plaintext'],
    ]);
    expect(flannel[0]?.evidence[0]).toMatchObject({ source: 'default', flag: '--etcd-endpoints' });
  });

  it('webhooks and aggregated APIs from live facts', () => {
    const cp = controlPlane()
      .host('cp-1', kubeadmNode())
      .with((c) => {
        c.cluster = {
          webhooks: [
            { configuration: 'policy', kind: 'validating', name: 'v.policy.io', service: { namespace: 'policy', name: 'hook' }, hasCaBundle: true, object: 'ValidatingWebhookConfiguration/policy' },
            { configuration: 'ext', kind: 'mutating', name: 'm.ext.io', url: 'http://10.1.2.3/mutate', hasCaBundle: false, object: 'MutatingWebhookConfiguration/ext' },
          ],
          apiServices: [
            { name: 'v1beta1.metrics.k8s.io', service: { namespace: 'kube-system', name: 'metrics-server' }, insecureSkipTLSVerify: true, hasCaBundle: false, object: 'APIService/v1beta1.metrics.k8s.io' },
            { name: 'v1.apps', insecureSkipTLSVerify: false, hasCaBundle: false, object: 'APIService/v1.apps' },
          ],
          nodes: [],
          csrs: [],
          bootstrapTokens: [],
        };
      })
      .build();
    const g = computeGraph(cp);
    expect(link(g.links, 'apiserver-webhook:kube-apiserver@cp-1->webhook:policy/v.policy.io').state).toBe('tls');
    expect(link(g.links, 'apiserver-webhook:kube-apiserver@cp-1->webhook:ext/m.ext.io').state).toBe('plaintext');
    const metrics = link(g.links, 'apiserver-aggregated:kube-apiserver@cp-1->aggregated-api:v1beta1.metrics.k8s.io');
    expect(metrics.state).toBe('tls-unverified');
    expect(metrics.clientAuthentication.state).toBe('certificate');
    expect(g.links.some((l) => l.target === 'aggregated-api:v1.apps')).toBe(false);
  });
});

describe('computeGraph: kubelets', () => {
  it('a kubelet that admits anonymous requests authenticates nobody, whatever certificate the API server presents', () => {
    const cp = singleHost(kubeadmNode({ kubelet: [...KUBELET, '--anonymous-auth=true'] }));
    const l = link(computeGraph(cp).links, 'apiserver-kubelet:kube-apiserver@cp-1->kubelet@cp-1');
    expect(l).toMatchObject({ clientAuthentication: { state: 'none' }, state: 'tls' });
    expect(l.evidence.some((e) => e.flag === '--anonymous-auth' && e.value === 'true')).toBe(true);
  });

  it('a standalone kubelet (no kubeconfig) dials no API server', () => {
    const g = computeGraph(singleHost(kubeadmNode({ kubelet: ['--pod-manifest-path=/etc/kubernetes/manifests'], kubeletConfig: null })));
    expect(g.links.filter((l) => l.kind === 'kubelet-apiserver')).toEqual([]);
    expect(g.links.filter((l) => l.kind === 'apiserver-kubelet')).toHaveLength(1);
  });

  it('a kubelet kubeconfig the source could not read is unknown, not the bootstrap one', () => {
    const cp = singleHost((h) => {
      kubeadmNode()(h);
      h.file('etc/kubernetes/kubelet.conf', { error: 'permission denied' });
      h.file('etc/kubernetes/bootstrap-kubelet.conf', { kubeconfig: kubeconfig('tls-bootstrap-token-user', { token: true }) });
    });
    expect(link(computeGraph(cp).links, 'kubelet-apiserver:kubelet@cp-1->kube-apiserver@cp-1').state).toBe('unknown');
  });
});
