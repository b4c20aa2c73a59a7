import type { Command } from '@commander-js/extra-typings';

export function registerEtcd(program: Command): void {
  void program;
}
