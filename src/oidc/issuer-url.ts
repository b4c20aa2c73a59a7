/**
 * The API server's rules for the URLs of a JWT authenticator (staging/src/k8s.io/apiserver/pkg/apis/
 * apiserver/validation/validation.go: validateURL, validateIssuerDiscoveryURL). Pure, so the scan's
 * checks and `oidc setup` judge a URL the same way.
 */

/** validateURL: https, no user info, no query, no fragment. */
export function urlProblems(url: string): string[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return [`${url} is not a URL`];
  }
  const out: string[] = [];
  if (u.protocol !== 'https:') out.push(`${url}: URL scheme must be https`);
  if (u.username || u.password) out.push(`${url}: URL must not contain a username or password`);
  if (u.search) out.push(`${url}: URL must not contain a query`);
  if (u.hash) out.push(`${url}: URL must not contain a fragment`);
  return out;
}

/** validateIssuerDiscoveryURL: not the issuer URL (trailing slashes ignored), and a valid URL itself. */
export function discoveryUrlProblems(issuerUrl: string | undefined, discoveryUrl: string): string[] {
  const same = issuerUrl !== undefined && issuerUrl !== '' && issuerUrl.replace(/\/+$/, '') === discoveryUrl.replace(/\/+$/, '');
  return [...(same ? [`discoveryURL ${discoveryUrl} must be different from the issuer URL`] : []), ...urlProblems(discoveryUrl).map((p) => `discoveryURL ${p}`)];
}
