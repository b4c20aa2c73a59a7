/**
 * `kubeward oidc check-token | login | logout | setup`. Defines the commands only; src/oidc is
 * imported inside the actions, and `login` (kubectl runs it for every command) loads openid-client
 * only when it has to talk to the issuer.
 */
import { Command, Option } from '@commander-js/extra-typings';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './errors.js';

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => (text += d));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
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

  program.addCommand(oidc);
}
