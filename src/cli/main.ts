#!/usr/bin/env node
// The `wasmbox` command: `run`, `compile` and `version`, flag-compatible with wazero's CLI. main()
// takes the arguments and the streams, so tests run it in-process; the runtime is loaded only by the
// commands that need it (run.ts), which keeps `version` and usage instant.

import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type Flag, FlagError, formatFlags, parseFlags } from './flags.js';
import { type CliIO, processIO, say, writeTo } from './io.js';
import { VERSION } from '../version.js';

export type { CliIO } from './io.js';

function printUsage(io: CliIO): void {
  say(
    io,
    'wasmbox CLI\n\nUsage:\n  wasmbox <command>\n\nCommands:\n' +
      '  compile\tPre-compiles a WebAssembly binary\n' +
      '  run\t\tRuns a WebAssembly binary\n' +
      '  version\tDisplays the version of wasmbox CLI\n',
  );
}

/** Runs the CLI on `argv` (without the node and script paths); resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let help = false;
  const flags: Flag[] = [{ name: 'h', bool: true, usage: 'Prints usage.', set: (v) => (help = v === 'true' || v === '1') }];
  let rest: string[];
  try {
    rest = parseFlags(argv, flags);
  } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    if (!e.help) say(io, `${e.message}\n`);
    say(io, `Usage of wasmbox:\n${formatFlags(flags)}\n`);
    return e.help ? 0 : 2;
  }
  if (help || rest.length === 0) {
    printUsage(io);
    return 0;
  }
  const [cmd, ...args] = rest;
  switch (cmd) {
    case 'run':
      return (await import('./run.js')).doRun(args, io);
    case 'compile':
      return (await import('./run.js')).doCompile(args, io);
    case 'version':
      writeTo(io.stdout, `${VERSION}\n`);
      return 0;
    default:
      say(io, 'invalid command\n');
      printUsage(io);
      return 1;
  }
}

// Run as a program (the package's bin, or `node dist/src/cli/main.js`), not when imported by tests.
const invoked = process.argv[1];
if (invoked && import.meta.url === pathToFileURL(realpath(invoked)).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`wasmbox: internal error: ${(e as Error)?.stack ?? e}\n`);
      process.exit(70);
    },
  );
}

function realpath(p: string): string {
  // npm links bins through symlinks; import.meta.url is the real file.
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
