/** Errors the CLI turns into exit code 2 with one clear line on stderr (bad usage, unreadable input, unreachable host). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export class InputError extends Error {
  override readonly name = 'InputError';
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
