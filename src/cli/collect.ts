import type { Command } from '@commander-js/extra-typings';

export function registerCollect(program: Command): void {
  void program;
}
