import { defineCheck } from '../registry.js';
import { componentsOf, hostOf } from '../../model/effective.js';
import { graphOf, nodeIdOf } from '../../model/graph-build.js';
import { DOCS } from './common.js';

export default defineCheck({
  id: 'tls/etcd-servers-https',
  practice: 'tls',
  severity: 'critical',
  cis: [],
  title: 'API server talks to etcd over plain http',
  why: 'Every object the API server reads and writes, Secrets included, goes to etcd. An http:// URL in --etcd-servers (or --etcd-servers-overrides) sends it in clear and lets anyone in the path read or rewrite the cluster state; the client certificate flags are then unused. Neither kube-bench nor Kubescape checks the scheme.',
  remediation: 'Use https:// URLs in --etcd-servers and --etcd-servers-overrides on kube-apiserver with --etcd-cafile, --etcd-certfile and --etcd-keyfile (kubeadm: /etc/kubernetes/manifests/kube-apiserver.yaml), and serve etcd on https.',
  references: [DOCS.etcd, DOCS.apiserver],
  reads: 'kube-apiserver --etcd-servers, --etcd-servers-overrides',
  run(cp, report) {
    const plaintext = graphOf(cp).links.filter((l) => l.kind === 'apiserver-etcd' && l.encryption === 'plaintext');
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      for (const l of plaintext.filter((x) => x.source === nodeIdOf(c))) {
        // The first evidence of an apiserver-etcd link is the setting that lists the URL (--etcd-servers or --etcd-servers-overrides).
        const evidence = l.evidence[0];
        if (evidence) report({ component: c, host: hostOf(cp, c), evidence, detail: `${l.endpoint ?? '?'} is plain http`, link: l.id });
      }
    }
  },
});
