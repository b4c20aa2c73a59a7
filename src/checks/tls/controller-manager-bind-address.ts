import { defineCheck } from '../registry.js';
import { DOCS } from './common.js';
import { bindAddressRun } from './serving.js';

export default defineCheck({
  id: 'tls/controller-manager-bind-address',
  practice: 'tls',
  severity: 'medium',
  cis: ['1.3.7'],
  title: 'Controller manager listens on all interfaces',
  why: 'kube-controller-manager serves /healthz, /metrics and, with profiling on, /debug/pprof on port 10257. It binds 0.0.0.0 when --bind-address is unset (kube-bench passes an unset flag), so the endpoint is reachable from the network and from every pod, which widens the attack surface of a component that holds the cluster CA signing key.',
  remediation: 'Set --bind-address=127.0.0.1 on kube-controller-manager (kubeadm: /etc/kubernetes/manifests/kube-controller-manager.yaml, or controllerManager.extraArgs in the ClusterConfiguration).',
  references: [DOCS.controllerManager],
  reads: 'kube-controller-manager --bind-address (default 0.0.0.0), --secure-port',
  run: bindAddressRun('kube-controller-manager'),
});
