import check from '../../../src/checks/encryption/kubelet-server-cert-rotation.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

const CFG = '--config=/var/lib/kubelet/config.yaml';

testCheck(check, {
  valid: [
    { name: 'defaults: gate on (beta since 1.12), bootstrap on', cp: singleHost((h) => h.controllerManager([]).kubelet([CFG], { config: { serverTLSBootstrap: true } })) },
    { name: 'serverTLSBootstrap on and gate off without static cert: tls/kubelet-serving-cert reports it', cp: singleHost((h) => h.kubelet([CFG, '--feature-gates=RotateKubeletServerCertificate=false'], { config: { serverTLSBootstrap: true } })) },
    { name: 'no serving config at all: self-signed is tls/kubelet-serving-cert', cp: singleHost((h) => h.kubelet([])) },
  ],
  invalid: [
    { name: 'KCM gate off (CIS 1.3.6)', cp: singleHost((h) => h.controllerManager(['--feature-gates=RotateKubeletServerCertificate=false'])), findings: [{ component: 'kube-controller-manager', flag: '--feature-gates', value: 'false' }] },
    { name: 'kubelet gate off in the config file (CIS 4.2.11)', cp: singleHost((h) => h.kubelet([CFG], { config: { featureGates: { RotateKubeletServerCertificate: false } } })), findings: [{ component: 'kubelet', field: 'featureGates.RotateKubeletServerCertificate' }] },
    {
      name: 'gate merged across repeated --feature-gates: the later occurrence wins',
      cp: singleHost((h) => h.controllerManager(['--feature-gates=RotateKubeletServerCertificate=true', '--feature-gates=RotateKubeletServerCertificate=false'])),
      findings: [{ line: 11 }],
    },
    { name: 'static serving certificate is never renewed', cp: singleHost((h) => h.kubelet([CFG], { config: { tlsCertFile: '/var/lib/kubelet/pki/kubelet.crt', tlsPrivateKeyFile: '/var/lib/kubelet/pki/kubelet.key' } })), findings: [{ severity: 'low', field: 'tlsCertFile' }] },
  ],
});
