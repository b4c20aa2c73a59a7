import type { Command } from '@commander-js/extra-typings';

export function registerScan(program: Command): void {
  void program;
}
