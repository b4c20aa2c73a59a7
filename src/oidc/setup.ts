/**
 * `kubeward oidc setup`: from an issuer and a client ID to what each side needs: the kube-apiserver
 * flags (or an AuthenticationConfiguration from 1.30 on) with `oidc:` prefixes so no token can name
 * a `system:` user or group, an RBAC binding, and the kubectl exec user entry. Discovery is checked
 * the way the API server checks it (issuer equality, RS256 unless the signing algs are set).
 */
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { parseDocument, stringify } from 'yaml';
import { discover, fetchWithCa } from './discovery.js';
import { discoveryUrlProblems } from './issuer-url.js';
import { ALLOWED_SIGNING_ALGS } from './validate.js';

export const SAFE_PREFIX = 'oidc:';

export interface SetupOptions {
  issuer: string;
  clientId: string;
  /** where the API server reads discovery when not at the issuer URL (structured config only, 1.30+) */
  discoveryUrl?: string;
  caFile?: string;
  usernameClaim: string;
  groupsClaim: string;
  /** "1.31" etc.; an AuthenticationConfiguration is printed from 1.30 on */
  kubernetesVersion?: string;
  bindUser?: string;
  bindGroup?: string;
  role: string;
  scopes: string[];
}

export interface SetupPlan {
  signingAlgs: string[];
  /** the --oidc-* flags; none with a discovery URL, which only the AuthenticationConfiguration can carry */
  flags: string[];
  authenticationConfig?: string;
  rbac?: string;
  execUser: Record<string, unknown>;
}

function minorOf(v: string | undefined): number | undefined {
  const m = /^v?1\.(\d+)/.exec(v ?? '');
  return m ? Number(m[1]) : undefined;
}

export async function planSetup(o: SetupOptions, loginArgs: (o: SetupOptions) => string[]): Promise<SetupPlan> {
  const minor = minorOf(o.kubernetesVersion);
  if (o.discoveryUrl !== undefined) {
    const [problem] = discoveryUrlProblems(o.issuer, o.discoveryUrl);
    if (problem) throw new Error(problem);
    if (minor === undefined || minor < 30) throw new Error('a discovery URL needs an AuthenticationConfiguration (Kubernetes 1.30 or later: give --kubernetes-version); the --oidc-* flags cannot carry it');
  }
  // the discovery the API server will read: from the discovery URL when given
  const d = await discover(o.issuer, fetchWithCa(o.caFile), o.discoveryUrl);
  const advertised = Array.isArray(d.id_token_signing_alg_values_supported) ? d.id_token_signing_alg_values_supported.filter((x): x is string => typeof x === 'string') : ['RS256'];
  const signingAlgs = advertised.filter((a) => ALLOWED_SIGNING_ALGS.includes(a));
  if (signingAlgs.length === 0) throw new Error(`${o.issuer} signs ID tokens with ${advertised.join(', ')}; kube-apiserver accepts only ${ALLOWED_SIGNING_ALGS.join(', ')}`);
  const flags: string[] = [];
  if (o.discoveryUrl === undefined) {
    flags.push(
      `--oidc-issuer-url=${o.issuer}`,
      `--oidc-client-id=${o.clientId}`,
      `--oidc-username-claim=${o.usernameClaim}`,
      `--oidc-username-prefix=${SAFE_PREFIX}`,
      `--oidc-groups-claim=${o.groupsClaim}`,
      `--oidc-groups-prefix=${SAFE_PREFIX}`,
    );
    if (o.caFile) flags.push(`--oidc-ca-file=${o.caFile}`);
    if (!signingAlgs.includes('RS256') || signingAlgs.length > 1) flags.push(`--oidc-signing-algs=${signingAlgs.join(',')}`);
  }
  const plan: SetupPlan = {
    signingAlgs,
    flags,
    execUser: {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: 'kubeward',
        args: loginArgs(o),
        interactiveMode: 'IfAvailable',
        provideClusterInfo: false,
        installHint: 'kubeward is needed to log in: npm install -g kubeward',
      },
    },
  };
  if (minor !== undefined && minor >= 30) plan.authenticationConfig = authenticationConfig(o, minor);
  if (o.bindUser || o.bindGroup) plan.rbac = rbacBinding(o);
  return plan;
}

function authenticationConfig(o: SetupOptions, minor: number): string {
  const issuer: Record<string, unknown> = { url: o.issuer, ...(o.discoveryUrl !== undefined ? { discoveryURL: o.discoveryUrl } : {}), audiences: [o.clientId], audienceMatchPolicy: 'MatchAny' };
  if (o.caFile) issuer.certificateAuthority = readFileSync(o.caFile, 'utf8');
  const jwt: Record<string, unknown> = {
    issuer,
    claimMappings: { username: { claim: o.usernameClaim, prefix: SAFE_PREFIX }, groups: { claim: o.groupsClaim, prefix: SAFE_PREFIX } },
    userValidationRules: [{ expression: "!user.username.startsWith('system:')", message: 'username must not use the reserved system: prefix' }],
  };
  // validation.go: a username from email must be backed by email_verified
  if (o.usernameClaim === 'email') jwt.claimValidationRules = [{ expression: 'claims.?email_verified.orValue(false) == true', message: 'email must be verified' }];
  return stringify({ apiVersion: `apiserver.config.k8s.io/${minor >= 34 ? 'v1' : 'v1beta1'}`, kind: 'AuthenticationConfiguration', jwt: [jwt] });
}

function rbacBinding(o: SetupOptions): string {
  const subjects = [
    ...(o.bindUser ? [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: `${SAFE_PREFIX}${o.bindUser}` }] : []),
    ...(o.bindGroup ? [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `${SAFE_PREFIX}${o.bindGroup}` }] : []),
  ];
  const name = `oidc-${(o.bindGroup ?? o.bindUser ?? '').toLowerCase().replace(/[^a-z0-9.-]+/g, '-')}-${o.role}`.slice(0, 253);
  return stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: o.role }, subjects });
}

/** Sets users[name].user in a kubeconfig, keeping the rest (comments included); temp file + rename, mode kept (0600 for a new file). */
export function writeExecUser(file: string, name: string, user: Record<string, unknown>): void {
  let text = '';
  let mode = 0o600;
  try {
    text = readFileSync(file, 'utf8');
    mode = statSync(file).mode & 0o777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const doc = parseDocument(text === '' ? 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n' : text);
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
  const users = (doc.toJS() as { users?: { name?: unknown }[] | null }).users ?? [];
  const index = users.findIndex((u) => u.name === name);
  if (index >= 0) doc.setIn(['users', index, 'user'], doc.createNode(user));
  else if (doc.get('users')) doc.addIn(['users'], doc.createNode({ name, user }));
  else doc.set('users', doc.createNode([{ name, user }]));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, doc.toString(), { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}
