import type { Command } from '@commander-js/extra-typings';

export function registerRbac(program: Command): void {
  void program;
}
