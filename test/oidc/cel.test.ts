/** The CEL subset: expressions from real AuthenticationConfiguration files, errors, and what it refuses to guess. */
import { describe, expect, it } from 'vitest';
import { CelError, CelUnsupported, evalCel, toCel } from '../../src/oidc/cel.js';

const claims = toCel({ sub: 'u1', email: 'a@example.test', email_verified: true, groups: ['devs', 'ops'], exp: 1000, iat: 400, hd: 'example.test', nested: { tid: 't1' } });
const env = { claims, user: toCel({ username: 'oidc:a', groups: ['oidc:devs'], uid: '', extra: {} }) };

describe('CEL subset', () => {
  it.each([
    ["'oidc:' + claims.email", 'oidc:a@example.test'],
    ['claims.?email_verified.orValue(false) == true', true],
    ['claims.?missing.orValue(true)', true],
    ['claims.?nested.?tid.orValue("")', 't1'],
    ['claims.?missing.hasValue()', false],
    ['has(claims.hd) && claims.hd == "example.test"', true],
    ['has(claims.missing)', false],
    ['claims.exp - claims.iat <= 86400', true],
    ["claims.groups.map(g, 'oidc:' + g)", ['oidc:devs', 'oidc:ops']],
    ["claims.groups.filter(g, g.startsWith('d'))", ['devs']],
    ["claims.groups.all(g, !g.startsWith('system:'))", true],
    ["claims.groups.exists(g, g == 'ops')", true],
    ["'ops' in claims.groups && !('root' in claims.groups)", true],
    ['size(claims.groups) == 2 && size(claims.sub) == 2', true],
    ["!user.username.startsWith('system:')", true],
    ["user.groups.all(g, g.startsWith('oidc:'))", true],
    ["claims.email.endsWith('@example.test') ? 'yes' : 'no'", 'yes'],
    ["claims.email.split('@')[1]", 'example.test'],
    ['claims["sub"] != "u2" || claims.missing', true],
    ['claims.missing == 1 || true', true],
  ])('%s', (expr, want) => {
    expect(evalCel(expr, env)).toEqual(want);
  });

  it('selecting a missing claim is an error, as in CEL', () => {
    expect(() => evalCel('claims.missing == "x"', env)).toThrow(CelError);
    expect(() => evalCel('claims.email + 1', env)).toThrow(CelError);
  });

  it('refuses what it does not implement instead of guessing', () => {
    expect(() => evalCel("claims.email.matches('^a')", env)).toThrow(CelUnsupported);
    expect(() => evalCel('timestamp(claims.exp)', env)).toThrow(CelUnsupported);
    expect(() => evalCel('{"a": 1}', env)).toThrow(CelUnsupported);
  });
});
