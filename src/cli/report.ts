import type { Command } from '@commander-js/extra-typings';

export function registerReport(program: Command): void {
  void program;
}
