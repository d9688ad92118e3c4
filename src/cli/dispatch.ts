// The `wasmbox` command line: `run`, `compile` and `version`, flag-compatible with wazero's CLI. It
// takes the arguments, the streams and a way to get the run/compile commands, so the same code runs
// in-process under test (main.ts), from the modules, and from the one-file bundle (entry.ts).

import { type Flag, FlagError, formatFlags, parseFlags } from './flags.js';
import { type CliIO, say, writeTo } from './io.js';
import { VERSION } from '../version.js';

/** The commands that need the runtime (run.ts). */
export type Commands = Pick<typeof import('./run.js'), 'doRun' | 'doCompile'>;

function printUsage(io: CliIO): void {
  say(
    io,
    'wasmbox CLI\n\nUsage:\n  wasmbox <command>\n\nCommands:\n' +
      '  compile\tPre-compiles a WebAssembly binary\n' +
      '  run\t\tRuns a WebAssembly binary\n' +
      '  version\tDisplays the version of wasmbox CLI\n',
  );
}

/**
 * Runs the CLI on `argv` (without the node and script paths); resolves to the exit status. `commands`
 * is called only by `run` and `compile`, so `version` and usage never load the runtime.
 */
export async function dispatch(argv: readonly string[], io: CliIO, commands: () => Commands | Promise<Commands>): Promise<number> {
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
      return (await commands()).doRun(args, io);
    case 'compile':
      return (await commands()).doCompile(args, io);
    case 'version':
      writeTo(io.stdout, `${VERSION}\n`);
      return 0;
    default:
      say(io, 'invalid command\n');
      printUsage(io);
      return 1;
  }
}
