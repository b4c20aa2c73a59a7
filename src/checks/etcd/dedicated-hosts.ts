import { defineCheck } from '../registry.js';
import { componentsOf, hostOf } from '../../model/effective.js';
import { emptyEvidence } from '../../model/finding.js';

export default defineCheck({
  id: 'etcd/dedicated-hosts',
  practice: 'etcd',
  severity: 'high',
  cis: [],
  title: 'etcd runs on a node that also runs workloads',
  why: 'etcd\'s data directory and its client certificates sit on the host\'s disk. On a node that schedules ordinary pods, one container escape or hostPath mount gives the attacker every Secret and the power to rewrite RBAC. The practice is to separate etcd: dedicated hosts, or at least control-plane nodes tainted so that workloads never land there.',
  remediation: 'Move etcd to dedicated hosts, or keep the node-role.kubernetes.io/control-plane:NoSchedule taint on its nodes so that only control-plane pods run beside it.',
  references: ['https://kubernetes.io/blog/2018/07/18/11-ways-not-to-get-hacked/#4-separate-and-firewall-your-etcd-cluster', 'https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/ha-topology/#external-etcd-topology'],
  reads: 'which hosts run etcd and whether the kubelet on the same host runs workloads (taints, from the sources)',
  run(cp, report) {
    for (const c of componentsOf(cp, 'etcd')) {
      const host = hostOf(cp, c);
      if (host.runsWorkloads !== true) continue;
      const kubelet = host.components.find((k) => k.kind === 'kubelet');
      report({ component: c, host, evidence: { ...emptyEvidence('file'), file: (kubelet ?? c).at.file ?? null, object: (kubelet ?? c).at.object ?? null, value: 'runs workloads' }, detail: `etcd shares ${host.name} with a kubelet that schedules workloads (no control-plane NoSchedule taint)` });
    }
  },
});
