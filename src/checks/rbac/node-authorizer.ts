import { defineCheck } from '../registry.js';
import { componentsOf, hostOf } from '../../model/effective.js';
import { authorizerChain, chainEvidence, describeChain } from './authorizers.js';

export default defineCheck({
  id: 'rbac/node-authorizer',
  practice: 'rbac',
  severity: 'medium',
  cis: ['1.2.7'],
  title: 'API server does not use the Node authorizer',
  why: 'The Node authorizer limits each kubelet to the Secrets, ConfigMaps and volumes of the pods bound to its own node. Without it kubelets need broad RBAC grants, so one compromised node can read every Secret in the cluster.',
  remediation: 'Put Node before RBAC: --authorization-mode=Node,RBAC (or a `type: Node` authorizer in --authorization-config), together with the NodeRestriction admission plugin.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/node/'],
  reads: 'kube-apiserver --authorization-mode or --authorization-config',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const chain = authorizerChain(cp, host, c);
      if (chain.source === 'unreadable') continue;
      if (!chain.authorizers.some((a) => a.type === 'Node')) report({ component: c, host, evidence: chainEvidence(c, chain), detail: describeChain(chain) });
    }
  },
});
