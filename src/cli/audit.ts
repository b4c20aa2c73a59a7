import type { Command } from '@commander-js/extra-typings';

export function registerAudit(program: Command): void {
  void program;
}
