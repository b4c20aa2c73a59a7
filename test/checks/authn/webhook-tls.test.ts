import check from '../../../src/checks/authn/webhook-tls.js';
import type { KubeconfigFacts } from '../../../src/model/control-plane.js';
import { singleHost } from '../../helpers/fixture.js';
import { testCheck } from '../../helpers/check-tester.js';

const kc = (server: string, insecureSkipTlsVerify = false): KubeconfigFacts => ({
  currentContext: 'webhook',
  clusters: [{ name: 'other', server: 'http://ignored', insecureSkipTlsVerify: true, caCertificates: [] }, { name: 'authn', server, insecureSkipTlsVerify, caCertificates: [], line: 7 }],
  users: [],
  contexts: [{ name: 'webhook', cluster: 'authn' }],
});

testCheck(check, {
  valid: [
    { name: 'https with verification (the current context decides, not the first cluster)', cp: singleHost((h) => h.apiserver(['--authentication-token-webhook-config-file=/etc/kubernetes/authn-webhook.conf']).file('etc/kubernetes/authn-webhook.conf', { kubeconfig: kc('https://authn.internal') })) },
    { name: 'no webhooks', cp: singleHost((h) => h.apiserver([])) },
  ],
  invalid: [
    {
      name: 'token webhook over http',
      cp: singleHost((h) => h.apiserver(['--authentication-token-webhook-config-file=/etc/kubernetes/authn-webhook.conf']).file('etc/kubernetes/authn-webhook.conf', { kubeconfig: kc('http://authn.internal') })),
      findings: [{ file: 'etc/kubernetes/authn-webhook.conf', line: 7, detail: 'token authentication webhook' }],
    },
    {
      name: 'authorization webhook without verification',
      cp: singleHost((h) => h.apiserver(['--authorization-mode=Node,Webhook,RBAC', '--authorization-webhook-config-file=/etc/kubernetes/authz-webhook.conf']).file('etc/kubernetes/authz-webhook.conf', { kubeconfig: kc('https://authz.internal', true) })),
      findings: [{ detail: 'insecure-skip-tls-verify' }],
    },
    {
      name: 'audit webhook over http',
      cp: singleHost((h) => h.apiserver(['--audit-webhook-config-file=/etc/kubernetes/audit-webhook.conf']).file('etc/kubernetes/audit-webhook.conf', { kubeconfig: kc('http://audit-sink:8080') })),
      findings: [{ detail: 'audit webhook' }],
    },
  ],
});
