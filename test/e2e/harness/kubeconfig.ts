/** Kubeconfig files as kubeadm writes them: CA and client credentials embedded, mode 0600. */
import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export async function writeKubeconfig(
  file: string,
  o: { server: string; caFile: string; user: string; certFile?: string; keyFile?: string; token?: string },
): Promise<string> {
  const b64 = async (f: string): Promise<string> => (await readFile(f)).toString('base64');
  const user: Record<string, string> = {};
  if (o.certFile && o.keyFile) {
    user['client-certificate-data'] = await b64(o.certFile);
    user['client-key-data'] = await b64(o.keyFile);
  }
  if (o.token) user.token = o.token;
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kubeward-e2e', cluster: { server: o.server, 'certificate-authority-data': await b64(o.caFile) } }],
    users: [{ name: o.user, user }],
    contexts: [{ name: `${o.user}@kubeward-e2e`, context: { cluster: 'kubeward-e2e', user: o.user } }],
    'current-context': `${o.user}@kubeward-e2e`,
    preferences: {},
  };
  await writeFile(file, stringify(doc), { mode: 0o600 });
  return file;
}
