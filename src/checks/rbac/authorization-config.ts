import { defineCheck } from '../registry.js';
import { arr, rec, str } from '../../model/document.js';
import { componentsOf, documentLine, evidenceFor, evidenceForFile, flag, hostOf, nodePathFor, versionOf } from '../../model/effective.js';
import { compareVersion } from '../../model/version.js';
import { webhookTransportProblems } from '../authn/webhook-kubeconfig.js';
import { authorizerChain } from './authorizers.js';

/** Legacy flags the API server refuses beside --authorization-config (pkg/kubeapiserver/options/authorization.go: Validate). */
const EXCLUSIVE_FLAGS = ['authorization-mode', 'authorization-webhook-config-file', 'authorization-webhook-version', 'authorization-webhook-cache-authorized-ttl', 'authorization-webhook-cache-unauthorized-ttl'];

export default defineCheck({
  id: 'rbac/authorization-config',
  practice: 'rbac',
  severity: 'high',
  cis: [],
  title: 'Structured authorization configuration is unsafe or will not load',
  why: 'An authorization webhook decides requests before or beside RBAC: reached without TLS verification anyone on the path can answer "allowed"; with failurePolicy Deny and no matchConditions in front of Node/RBAC, an unreachable webhook denies kubelets and controllers and takes the control plane down. A configuration the API server rejects (unknown file, legacy flags beside it, unsupported version) stops it from starting.',
  remediation: 'Reach webhooks over https with a pinned CA; give webhooks before Node/RBAC matchConditions that exclude system:* users and failurePolicy NoOpinion; drop --authorization-mode and --authorization-webhook-* when --authorization-config is used.',
  references: ['https://kubernetes.io/docs/reference/access-authn-authz/authorization/#using-configuration-file-for-authorization'],
  reads: 'kube-apiserver --authorization-config (AuthorizationConfiguration: authorizers[].webhook.connectionInfo, failurePolicy, matchConditions), the webhook kubeconfig',
  run(cp, report) {
    for (const c of componentsOf(cp, 'kube-apiserver')) {
      const host = hostOf(cp, c);
      const chain = authorizerChain(cp, host, c);
      if (chain.source === 'flag' || chain.source === 'default') continue;
      const flagEvidence = evidenceFor(c, chain.setting);
      const v = versionOf(cp, c);
      if (v && compareVersion(v, '1.29') < 0) {
        report({ component: c, host, severity: 'medium', evidence: flagEvidence, detail: `--authorization-config does not exist before Kubernetes 1.29 (this is ${v.major}.${v.minor}); the API server will not start` });
        continue;
      }
      for (const name of EXCLUSIVE_FLAGS) {
        const legacy = flag(cp, c, name);
        if (legacy.explicit) report({ component: c, host, severity: 'medium', evidence: evidenceFor(c, legacy), detail: `--${name} cannot be combined with --authorization-config; the API server will not start` });
      }
      if (chain.source === 'unreadable') {
        if (chain.file && !chain.file.exists) report({ component: c, host, severity: 'medium', evidence: flagEvidence, detail: `${chain.file.path} does not exist; the API server will not start` });
        continue;
      }
      if (chain.source !== 'config') continue;
      const { file, document } = chain;
      const firstPolicyAuthorizer = chain.authorizers.findIndex((a) => a.type === 'Node' || a.type === 'RBAC');
      arr(document.authorizers).forEach((raw, i) => {
        const a = rec(raw);
        if (str(a?.type) !== 'Webhook') return;
        const webhook = rec(a?.webhook);
        const name = str(a?.name) ?? `#${i}`;
        const at = (path: string, value: string | null) => evidenceForFile(file, { line: documentLine(file, `authorizers.${i}.${path}`) ?? null, field: `authorizers.${i}.${path}`, value });
        const connection = rec(webhook?.connectionInfo);
        const kubeconfigPath = str(connection?.kubeConfigFile);
        if (str(connection?.type) === 'KubeConfigFile' && kubeconfigPath) {
          const kc = host.files[nodePathFor(c, kubeconfigPath)];
          if (kc && !kc.exists) report({ component: c, host, severity: 'medium', evidence: at('webhook.connectionInfo.kubeConfigFile', kubeconfigPath), detail: `webhook ${name}: ${kc.path} does not exist` });
          for (const p of kc ? webhookTransportProblems(kc) : []) report({ component: c, host, evidence: p.evidence, detail: `webhook ${name}: ${p.detail}` });
        }
        const failurePolicy = str(webhook?.failurePolicy);
        const before = firstPolicyAuthorizer < 0 || i < (chain.authorizers[firstPolicyAuthorizer]?.index ?? Infinity);
        if (failurePolicy === 'Deny' && arr(webhook?.matchConditions).length === 0 && before) {
          report({ component: c, host, severity: 'medium', evidence: at('webhook.failurePolicy', failurePolicy), detail: `webhook ${name} runs before Node/RBAC for every request with failurePolicy Deny: when it is unreachable, kubelets and controllers are denied too` });
        }
      });
    }
  },
});
