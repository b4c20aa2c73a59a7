import type { Command } from '@commander-js/extra-typings';

export function registerEncryption(program: Command): void {
  void program;
}
