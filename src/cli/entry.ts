// The entry of the CLI's one-file bundle (scripts/bundle-cli.ts; loaded by bin.cts): dispatch() with
// the run/compile commands bundled beside it.

import { dispatch } from './dispatch.js';
import { processIO } from './io.js';
import { doCompile, doRun } from './run.js';

export function cli(argv: readonly string[]): Promise<number> {
  return dispatch(argv, processIO(), () => ({ doRun, doCompile }));
}
