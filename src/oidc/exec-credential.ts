/**
 * The kubectl exec credential protocol (client-go pkg/apis/clientauthentication/v1/types.go,
 * plugin/pkg/client/auth/exec/exec.go): KUBERNETES_EXEC_INFO in, an ExecCredential of the same
 * apiVersion out on stdout.
 */
export const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'] as const;
export type ExecApiVersion = (typeof EXEC_API_VERSIONS)[number];

export interface ExecInfo {
  apiVersion: ExecApiVersion;
  /** kubectl passed its stdin (a terminal): the plugin may involve the user */
  interactive: boolean;
  /** whether kubectl ran us (KUBERNETES_EXEC_INFO set) */
  fromKubectl: boolean;
}

/**
 * Reads KUBERNETES_EXEC_INFO; without it (run by hand) the version comes from --api-version and a
 * terminal is interactive. `stdinIsTty` is asked only then: setting up process.stdin loads Node's
 * stream and net modules, a cost the cached path (every kubectl command) does not need to pay.
 */
export function readExecInfo(env: string | undefined, apiVersion: string | undefined, stdinIsTty: () => boolean): ExecInfo {
  if (env === undefined || env === '') {
    const v = apiVersion ?? EXEC_API_VERSIONS[0];
    if (!(EXEC_API_VERSIONS as readonly string[]).includes(v)) throw new Error(`--api-version must be one of ${EXEC_API_VERSIONS.join(', ')}`);
    return { apiVersion: v as ExecApiVersion, interactive: stdinIsTty(), fromKubectl: false };
  }
  let info: { apiVersion?: unknown; spec?: { interactive?: unknown } };
  try {
    info = JSON.parse(env) as typeof info;
  } catch {
    throw new Error('KUBERNETES_EXEC_INFO is not JSON');
  }
  const v = info.apiVersion;
  if (typeof v !== 'string' || !(EXEC_API_VERSIONS as readonly string[]).includes(v)) throw new Error(`KUBERNETES_EXEC_INFO has apiVersion ${JSON.stringify(v)}; this plugin speaks ${EXEC_API_VERSIONS.join(', ')}`);
  return { apiVersion: v as ExecApiVersion, interactive: info.spec?.interactive === true, fromKubectl: true };
}

export function execCredential(apiVersion: ExecApiVersion, token: string, expiresAt: number | undefined): string {
  const status: Record<string, string> = { token };
  if (expiresAt !== undefined) status.expirationTimestamp = new Date(expiresAt * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${JSON.stringify({ apiVersion, kind: 'ExecCredential', status })}\n`;
}
