import type { Command } from '@commander-js/extra-typings';

export function registerOidc(program: Command): void {
  void program;
}
