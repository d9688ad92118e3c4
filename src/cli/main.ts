#!/usr/bin/env node
// The CLI as a module: `main(argv, io)` runs it in-process on any streams (the tests do), loading the
// runtime only for the commands that need it (run.ts), which keeps `version` and usage instant. Run
// as a program (`node dist/src/cli/main.js …`), it hands over to the package's bin, bin.cts, which
// starts from the one-file bundle when it can.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { dispatch } from './dispatch.js';
import { type CliIO, processIO } from './io.js';

export type { CliIO } from './io.js';
export { processIO } from './io.js';

/** Runs the CLI on `argv` (without the node and script paths); resolves to the exit status. */
export function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  return dispatch(argv, io, () => import('./run.js'));
}

// Run as a program, not when imported by tests.
const invoked = process.argv[1];
if (invoked && import.meta.url === pathToFileURL(realpath(invoked)).href) {
  (createRequire(import.meta.url)('./bin.cjs') as typeof import('./bin.cjs')).runCli(process.argv.slice(2));
}

function realpath(p: string): string {
  // npm links bins through symlinks; import.meta.url is the real file.
  try {
    return fs.realpathSync.native(p);
  } catch {
    return p;
  }
}
