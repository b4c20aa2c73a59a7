import check from '../../../src/checks/tls/bootstrap-csr-approval.js';
import { testCheck } from '../../helpers/check-tester.js';
import { cluster, crb } from './bootstrap-helpers.js';

const NODECLIENT = 'system:certificates.k8s.io:certificatesigningrequests:nodeclient';
const SELFNODECLIENT = 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient';
// kubeadm's bindings (phases/bootstraptoken/node/tlsbootstrap.go)
const kubeadm = [
  crb('kubeadm:node-autoapprove-bootstrap', NODECLIENT, [{ kind: 'Group', name: 'system:bootstrappers:kubeadm:default-node-token' }]),
  crb('kubeadm:node-autoapprove-certificate-rotation', SELFNODECLIENT, [{ kind: 'Group', name: 'system:nodes' }]),
];
const customRole = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'approve-anything' },
  rules: [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/nodeclient'], verbs: ['create'] }],
};

testCheck(check, {
  valid: [
    { name: 'kubeadm bindings', cp: cluster({}, { rbac: kubeadm }) },
    { name: 'plain system:bootstrappers', cp: cluster({}, { rbac: [crb('auto', NODECLIENT, [{ kind: 'Group', name: 'system:bootstrappers' }])] }) },
    { name: 'cluster-admin bindings are not approval bindings', cp: cluster({}, { rbac: [crb('admins', 'cluster-admin', [{ kind: 'Group', name: 'ops' }])] }) },
  ],
  invalid: [
    {
      name: 'nodeclient for system:authenticated',
      cp: cluster({}, { rbac: [...kubeadm, crb('oops', NODECLIENT, [{ kind: 'Group', name: 'system:authenticated' }])] }),
      findings: [{ severity: 'critical', value: 'Group system:authenticated', detail: 'ClusterRoleBinding oops' }],
    },
    {
      name: 'nodeclient for system:nodes (a node could mint other nodes\' certificates)',
      cp: cluster({}, { rbac: [crb('nodes-nodeclient', NODECLIENT, [{ kind: 'Group', name: 'system:nodes' }])] }),
      findings: [{ severity: 'high', value: 'Group system:nodes', detail: 'for any node name' }],
    },
    {
      name: 'selfnodeclient for a service account',
      cp: cluster({}, { rbac: [crb('sa-renew', SELFNODECLIENT, [{ kind: 'Group', name: 'system:nodes' }, { kind: 'ServiceAccount', name: 'approver', namespace: 'kube-system' }])] }),
      findings: [{ severity: 'high', value: 'ServiceAccount kube-system/approver', detail: 'renewed' }],
    },
    {
      name: 'a custom role granting create on nodeclient, bound to all service accounts',
      cp: cluster({}, { rbac: [customRole, crb('custom', 'approve-anything', [{ kind: 'Group', name: 'system:serviceaccounts' }])] }),
      findings: [{ severity: 'critical', value: 'Group system:serviceaccounts' }],
    },
  ],
});
