/** One entry for every output format of `scan`: pure functions from a ScanResult to text. */
import type { CheckMeta } from '../checks/registry.js';
import type { ScanResult } from '../model/result.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

/**
 * The formats render() produces. `html` (src/report/html/) is rendered by its own module, loaded
 * by the CLI only when asked for; see FORMATS in src/cli/scan.ts.
 */
export const RENDER_FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
export type RenderFormat = (typeof RENDER_FORMATS)[number];

export interface RenderOptions {
  /** ANSI colours in `text` */
  color?: boolean;
  /** metadata of the checks that ran (SARIF rules, JUnit test cases); default: only the ids that have findings */
  rules?: readonly CheckMeta[];
}

export function render(result: ScanResult, format: RenderFormat, opts: RenderOptions = {}): string {
  switch (format) {
    case 'text':
      return renderText(result, { color: opts.color ?? false });
    case 'json':
      return renderJson(result);
    case 'sarif':
      return renderSarif(result, opts.rules ?? []);
    case 'junit':
      return renderJunit(result, opts.rules ?? []);
  }
}

export { renderGraphText } from './text.js';
export { renderGraphJson } from './json.js';
