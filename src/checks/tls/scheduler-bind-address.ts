import { defineCheck } from '../registry.js';
import { DOCS } from './common.js';
import { bindAddressRun } from './serving.js';

export default defineCheck({
  id: 'tls/scheduler-bind-address',
  practice: 'tls',
  severity: 'medium',
  cis: ['1.4.2'],
  title: 'Scheduler listens on all interfaces',
  why: 'kube-scheduler serves /healthz, /metrics and, with profiling on, /debug/pprof on port 10259. It binds 0.0.0.0 when --bind-address is unset (kube-bench passes an unset flag), so the endpoint is reachable from the network and from every pod.',
  remediation: 'Set --bind-address=127.0.0.1 on kube-scheduler (kubeadm: /etc/kubernetes/manifests/kube-scheduler.yaml, or scheduler.extraArgs in the ClusterConfiguration).',
  references: [DOCS.scheduler],
  reads: 'kube-scheduler --bind-address (default 0.0.0.0), --secure-port',
  run: bindAddressRun('kube-scheduler'),
});
