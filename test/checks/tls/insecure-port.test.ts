import check from '../../../src/checks/tls/insecure-port.js';
import { testCheck } from '../../helpers/check-tester.js';
import { singleHost } from '../../helpers/fixture.js';
import { APISERVER, CONTROLLER_MANAGER, edit, kubeadmNode, SCHEDULER } from './kubeadm.js';

const off = { apiserver: [...APISERVER, '--insecure-port=0'], controllerManager: [...CONTROLLER_MANAGER, '--port=0'], scheduler: [...SCHEDULER, '--port=0'] };

testCheck(check, {
  valid: [
    { name: '1.31 without the flags', cp: singleHost(kubeadmNode()) },
    { name: '1.19 with every insecure port 0 (kubeadm 1.19)', cp: singleHost(kubeadmNode(off), 'v1.19.16') },
    { name: '1.21: apiserver unset (default 0), controller manager and scheduler --port=0', cp: singleHost(kubeadmNode({ controllerManager: off.controllerManager, scheduler: off.scheduler }), 'v1.21.14') },
    { name: '1.23: controller manager --port unset (serving removed in 1.22)', cp: singleHost(kubeadmNode({ scheduler: off.scheduler }), 'v1.23.17') },
  ],
  invalid: [
    {
      name: '1.19, unset: 8080, 10252 and 10251 are open',
      cp: singleHost(kubeadmNode(), 'v1.19.16'),
      findings: [
        { component: 'kube-apiserver', severity: 'critical', source: 'default', value: '8080', detail: 'unset: kube-apiserver defaults to 8080' },
        { component: 'kube-controller-manager', severity: 'high', value: '10252' },
        { component: 'kube-scheduler', severity: 'high', value: '10251' },
      ],
    },
    // Kubescape's contains(cmd, "--insecure-port=1") also matches "=10"; we compare the parsed number.
    { name: '1.19, --insecure-port=10 is open, not mistaken for 1 or 0', cp: singleHost(kubeadmNode({ ...off, apiserver: edit(off.apiserver, '--insecure-port=10') }), 'v1.19.16'), findings: [{ severity: 'critical', value: '10', detail: 'insecure port 10 is open' }] },
    { name: '1.18, --insecure-port 8080 (space form)', cp: singleHost(kubeadmNode({ ...off, apiserver: [...edit(off.apiserver, '!--insecure-port'), '--insecure-port', '8080'] }), 'v1.18.20'), findings: [{ severity: 'critical', value: '8080', source: 'file' }] },
    { name: '1.22: a non-zero --insecure-port stops the API server (scheduler --port=0 as kubeadm 1.22 wrote it)', cp: singleHost(kubeadmNode({ apiserver: [...APISERVER, '--insecure-port=8080'], scheduler: off.scheduler }), 'v1.22.17'), findings: [{ severity: 'medium', detail: 'refuses to start' }] },
    {
      name: '1.31: the flags no longer exist (version misdetected or manifest not running)',
      cp: singleHost(kubeadmNode({ apiserver: [...APISERVER, '--insecure-port=0'], controllerManager: [...CONTROLLER_MANAGER, '--port=10252'] }), 'v1.31.2'),
      findings: [
        { component: 'kube-apiserver', severity: 'low', detail: 'was removed in 1.24' },
        { component: 'kube-controller-manager', severity: 'high', detail: 'version is misdetected' },
      ],
    },
    { name: 'unknown version with an open port still reports', cp: singleHost(kubeadmNode({ apiserver: [...APISERVER, '--insecure-port=8080'] }), ''), findings: [{ severity: 'critical', detail: 'version unknown' }] },
  ],
});

testCheck(check, {
  valid: [],
  invalid: [
    // The scheduler kept serving 10251 by default until 1.23, a release after the controller manager stopped.
    { name: '1.22: scheduler --port unset still serves 10251', cp: singleHost(kubeadmNode(), 'v1.22.17'), findings: [{ component: 'kube-scheduler', severity: 'high', value: '10251', source: 'default' }] },
  ],
});
