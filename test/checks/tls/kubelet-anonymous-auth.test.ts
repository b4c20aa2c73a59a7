import check from '../../../src/checks/tls/kubelet-anonymous-auth.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { edit, KUBELET, kubeadmNode, kubeletConfig } from './kubeadm.js';

const withoutAnonymous = (): Record<string, unknown> => ({ ...kubeletConfig(), authentication: { x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } } });

testCheck(check, {
  valid: [
    { name: 'config file: enabled: false', cp: singleHost(kubeadmNode()) },
    // kube-bench fails this (4.2.1 requires the field); the config-file default is false.
    { name: 'config file omits the field: the config-file default (false) applies', cp: singleHost(kubeadmNode({ kubeletConfig: withoutAnonymous() })) },
    { name: 'flag-only kubelet with --anonymous-auth=false', cp: singleHost(kubeadmNode({ kubelet: ['--kubeconfig=/etc/kubernetes/kubelet.conf', '--anonymous-auth=false'], kubeletConfig: null })) },
  ],
  invalid: [
    {
      name: 'flag-only kubelet: the legacy default (true) applies',
      cp: singleHost(kubeadmNode({ kubelet: ['--kubeconfig=/etc/kubernetes/kubelet.conf'], kubeletConfig: null })),
      findings: [{ source: 'default', flag: '--anonymous-auth', value: 'true', detail: 'unset: kubelet defaults to true' }],
    },
    { name: 'the flag wins over the config file', cp: singleHost(kubeadmNode({ kubelet: edit(KUBELET, '--anonymous-auth=true') })), findings: [{ source: 'unit', flag: '--anonymous-auth', value: 'true' }] },
    { name: 'config file enabled: true', cp: singleHost(kubeadmNode({ kubeletConfig: { ...kubeletConfig(), authentication: { anonymous: { enabled: true } } } })), findings: [{ source: 'file', field: 'authentication.anonymous.enabled', file: 'var/lib/kubelet/config.yaml' }] },
  ],
});
