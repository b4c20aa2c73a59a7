/**
 * A compact JWS split into its parts without verifying anything: the API server reads `iss` this way
 * first to route a token to the authenticator of that issuer (apiserver plugin/pkg/authenticator/
 * token/oidc/oidc.go: AuthenticateToken → "not mine" when iss differs).
 */
export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

function part(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new Error(`the token's ${what} is not base64url JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`the token's ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** Throws with a reason when the text is not a compact JWT (three base64url parts, JSON header and payload). */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) throw new Error('not a compact JWT (expected three base64url parts separated by dots)');
  return { header: part(parts[0]!, 'header'), claims: part(parts[1]!, 'payload') };
}

/** The `exp` of a JWT in epoch seconds, or undefined (used by the login cache; nothing verified). */
export function expiryOf(token: string): number | undefined {
  try {
    const exp = decodeJwt(token).claims.exp;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}
