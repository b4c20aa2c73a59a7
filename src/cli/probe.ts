import type { Command } from '@commander-js/extra-typings';

export function registerProbe(program: Command): void {
  void program;
}
