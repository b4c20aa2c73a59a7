/**
 * `kubeward oidc check-token | login | logout | setup`. Defines the commands only; src/oidc is
 * imported inside the actions, and `login` (kubectl runs it for every command) loads openid-client
 * only when it has to talk to the issuer.
 */
import { Command, Option } from '@commander-js/extra-typings';
import { EXIT_FINDINGS, EXIT_OK, InputError, UsageError } from './errors.js';
import { CACHE_KEY_OPTIONS, cacheKeyOf, collectList, LOGIN_OPTIONS, loginOptionsOf, type OptionSpec, type OptionValues } from './oidc-options.js';

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => (text += d));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

/** Adds the options of a table (src/cli/oidc-options.ts, also read by the login fast path). */
function withOptions(cmd: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) {
    const option = new Option(spec.flags, spec.description);
    if (spec.mandatory) option.makeOptionMandatory();
    if (spec.default !== undefined) option.default(spec.default);
    if (spec.choices) option.choices(spec.choices);
    if (spec.list) option.argParser(collectList);
    cmd.addOption(option);
  }
  return cmd;
}

export function registerOidc(program: Command): void {
  const oidc = new Command('oidc').copyInheritedSettings(program).description('OIDC: kubectl login plugin, API server OIDC setup, and token checks the way the API server does them');

  oidc.addCommand(
    new Command('check-token')
      .copyInheritedSettings(program)
      .description('validate an ID token as kube-apiserver would (issuer, signature, audience, exp/nbf, email_verified, prefixes, required claims, CEL rules) and print the resulting user; exit 0 valid, 1 rejected or not decidable, 2 bad input')
      .argument('[token]', 'the ID token, or "-" to read it from stdin (default)')
      .option('--apiserver-flags <flags>', 'the kube-apiserver command line (its --oidc-* or --authentication-config flags)')
      .option('--manifest <file>', 'the kube-apiserver static-pod manifest')
      .option('--authentication-config <file>', 'the AuthenticationConfiguration file')
      .option('--jwks <file>', "the issuer's JSON Web Key Set (otherwise fetched through the issuer's discovery)")
      .option('--ca-file <file>', "CA that signed the issuer's HTTPS certificate (for fetching its keys)")
      .option('--now <iso>', 'judge exp/nbf at this time instead of now')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json'] as const).default('text' as const))
      .action(async (token, o) => {
        if (o.apiserverFlags === undefined && o.manifest === undefined && o.authenticationConfig === undefined) {
          throw new UsageError('give the API server configuration: --apiserver-flags "<flags>", --manifest FILE or --authentication-config FILE');
        }
        if (o.apiserverFlags !== undefined && o.manifest !== undefined) throw new UsageError('--apiserver-flags and --manifest are alternatives; give one');
        const { checkToken, renderVerdict } = await import('../oidc/check-token.js');
        const verdict = await checkToken({
          ...(token !== undefined ? { token } : {}),
          stdin: readStdin,
          ...(o.apiserverFlags !== undefined ? { flags: o.apiserverFlags } : {}),
          ...(o.manifest !== undefined ? { manifest: o.manifest } : {}),
          ...(o.authenticationConfig !== undefined ? { authenticationConfig: o.authenticationConfig } : {}),
          ...(o.jwks !== undefined ? { jwks: o.jwks } : {}),
          ...(o.caFile !== undefined ? { caFile: o.caFile } : {}),
          ...(o.now !== undefined ? { now: o.now } : {}),
        });
        process.stdout.write(o.format === 'json' ? `${JSON.stringify(verdict, null, 2)}\n` : renderVerdict(verdict));
        process.exitCode = verdict.verdict === 'valid' ? EXIT_OK : EXIT_FINDINGS;
      }),
  );

  oidc.addCommand(
    withOptions(new Command('login').copyInheritedSettings(program), LOGIN_OPTIONS)
      .description('kubectl exec credential plugin: print an ExecCredential with an ID token from the cache, a refresh, or a login (auth code + PKCE on a loopback redirect, or device code)')
      .action(async (opts: OptionValues) => {
        const { login, LoginError } = await import('../oidc/login.js');
        try {
          process.stdout.write(await login(loginOptionsOf(opts, (line) => process.stderr.write(`${line}\n`))));
        } catch (e) {
          if (e instanceof LoginError) throw new InputError(e.message);
          throw e;
        }
      }),
  );

  oidc.addCommand(
    withOptions(new Command('logout').copyInheritedSettings(program), CACHE_KEY_OPTIONS)
      .description('remove the cached tokens of this issuer, client and scopes')
      .action(async (opts: OptionValues) => {
        const { logout } = await import('../oidc/login.js');
        process.stderr.write(logout(cacheKeyOf(opts)) ? 'logged out (cached tokens removed)\n' : 'no cached tokens\n');
      }),
  );

  oidc.addCommand(
    withOptions(new Command('setup').copyInheritedSettings(program), CACHE_KEY_OPTIONS)
      .description('check the issuer (discovery, signing algorithms), optionally test a login, then print the kube-apiserver flags (and an AuthenticationConfiguration for >= 1.30) with oidc: prefixes, an RBAC binding, and write the kubectl exec user')
      .option('--ca-file <file>', "CA that signed the issuer's HTTPS certificate")
      .option('--discovery-url <url>', "where the API server reads the issuer's discovery document, when not at <issuer>/.well-known/openid-configuration (an AuthenticationConfiguration field: needs --kubernetes-version 1.30 or later)")
      .option('--username-claim <claim>', 'claim that names the user', 'email')
      .option('--groups-claim <claim>', 'claim that lists the groups', 'groups')
      .option('--kubernetes-version <v>', 'the API server version (1.30+ also gets an AuthenticationConfiguration)')
      .option('--bind-user <name>', 'print a ClusterRoleBinding for this user (without prefix)')
      .option('--bind-group <name>', 'print a ClusterRoleBinding for this group (without prefix)')
      .option('--role <clusterrole>', 'the ClusterRole to bind', 'view')
      .option('--test-login', 'log in once now and show the user the API server would see', false)
      .option('--kubeconfig <file>', 'write the exec user entry into this kubeconfig')
      .option('--user <name>', 'the kubeconfig user entry to write', 'oidc')
      .action(async (o) => {
        const { planSetup, writeExecUser } = await import('../oidc/setup.js');
        const key = cacheKeyOf(o);
        const scopes = [...key.scopes, ...(o.usernameClaim === 'email' ? ['email'] : []), o.groupsClaim];
        const setup = {
          issuer: key.issuer, clientId: key.clientId, usernameClaim: o.usernameClaim, groupsClaim: o.groupsClaim, role: o.role, scopes,
          ...(o.caFile !== undefined ? { caFile: o.caFile } : {}),
          ...(o.discoveryUrl !== undefined ? { discoveryUrl: o.discoveryUrl } : {}),
          ...(o.kubernetesVersion !== undefined ? { kubernetesVersion: o.kubernetesVersion } : {}),
          ...(o.bindUser !== undefined ? { bindUser: o.bindUser } : {}),
          ...(o.bindGroup !== undefined ? { bindGroup: o.bindGroup } : {}),
        };
        const loginArgs = (s: typeof setup): string[] => [
          'oidc', 'login', '--issuer', s.issuer, '--client-id', s.clientId, ...s.scopes.filter((x) => x !== 'openid').flatMap((x) => ['--scope', x]), ...(s.caFile ? ['--ca-file', s.caFile] : []),
        ];
        let plan;
        try {
          plan = await planSetup(setup, loginArgs);
        } catch (e) {
          throw new InputError((e as Error).message);
        }
        const out: string[] = plan.flags.length > 0 ? ['# kube-apiserver flags', ...plan.flags, ''] : [];
        if (plan.authenticationConfig) {
          out.push(plan.flags.length > 0 ? '# or, instead of the --oidc-* flags: --authentication-config=<file> with' : '# kube-apiserver: --authentication-config=<file> with', plan.authenticationConfig);
        }
        if (plan.rbac) out.push('# RBAC binding', plan.rbac);
        if (o.testLogin) {
          const { login } = await import('../oidc/login.js');
          const { validateToken } = await import('../oidc/validate.js');
          const { apiserverJwtAuthenticators } = await import('../oidc/apiserver-auth.js');
          const { fetchJwks, fetchWithCa } = await import('../oidc/discovery.js');
          const cred = JSON.parse(await login({
            ...key, scopes, grant: 'auth-code', listen: '127.0.0.1:0', forceRefresh: true,
            ...(o.caFile !== undefined ? { caFile: o.caFile } : {}),
            say: (line) => process.stderr.write(`${line}\n`),
          })) as { status: { token: string } };
          // the keys and configuration the API server will use: discovery through --discovery-url, the flags or else the generated config
          const jwks = await fetchJwks(key.issuer, fetchWithCa(o.caFile), o.discoveryUrl);
          const authenticators = apiserverJwtAuthenticators(
            plan.flags.length > 0 ? { flags: plan.flags.join(' ') } : { authenticationConfig: 'authentication-config.yaml', authenticationConfigText: plan.authenticationConfig ?? '' },
          );
          const v = await validateToken(cred.status.token, authenticators, { jwks: () => jwks });
          out.push('# test login', v.verdict === 'valid' && v.user ? `the API server would see user ${v.user.username}, groups ${v.user.groups.join(', ')}` : `the API server would refuse this token: ${v.failures.join('; ')}`, '');
          if (v.verdict !== 'valid') process.exitCode = EXIT_FINDINGS;
        }
        if (o.kubeconfig) {
          writeExecUser(o.kubeconfig, o.user, plan.execUser);
          out.push(`# wrote user "${o.user}" (exec: kubeward oidc login) into ${o.kubeconfig}`);
        }
        process.stdout.write(`${out.join('\n')}\n`);
      }),
  );

  program.addCommand(oidc);
}
