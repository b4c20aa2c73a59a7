import type { Command } from '@commander-js/extra-typings';

export function registerPki(program: Command): void {
  void program;
}
