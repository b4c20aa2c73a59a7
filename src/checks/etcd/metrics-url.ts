import { defineCheck } from '../registry.js';
import { componentsOf, evidenceFor, flag, hostOf } from '../../model/effective.js';
import { isLoopbackHost as isLoopback } from '../../model/graph-build.js';
import { boundUrls } from './urls.js';

export default defineCheck({
  id: 'etcd/metrics-url',
  practice: 'etcd',
  severity: 'medium',
  cis: [],
  title: 'etcd metrics listener is reachable beyond loopback',
  why: '--listen-metrics-urls opens an extra listener for /metrics and /health, usually plain http and never with client-certificate checks. On a non-loopback address it tells anyone on the network the cluster\'s size, members, request rates and key counts, and gives an unauthenticated health endpoint to probe etcd with.',
  remediation: 'Bind it to loopback (kubeadm: --listen-metrics-urls=http://127.0.0.1:2381) and scrape through a local agent, or use https with client-cert auth.',
  references: ['https://etcd.io/docs/v3.6/op-guide/configuration/#--listen-metrics-urls'],
  reads: 'etcd --listen-metrics-urls',
  run(cp, report) {
    for (const c of componentsOf(cp, 'etcd')) {
      const e = flag(cp, c, 'listen-metrics-urls');
      const open = boundUrls(e.value).filter((u) => !isLoopback(u.host));
      if (open.length) report({ component: c, host: hostOf(cp, c), evidence: evidenceFor(c, e), detail: `metrics served on ${open.map((u) => u.url).join(', ')}${open.some((u) => u.url.startsWith('http://')) ? ' over plain http' : ''}` });
    }
  },
});
