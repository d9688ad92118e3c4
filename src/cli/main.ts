#!/usr/bin/env node
// The `wasmbox` command: `run`, `compile` and `version`, flag-compatible with wazero's CLI. main()
// takes the arguments and the streams, so tests run it in-process; the runtime is loaded only by the
// commands that need it (run.ts), which keeps `version` and usage instant.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
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

type Commands = typeof import('./run.js');

/**
 * The run/compile commands: from the one-file bundle (scripts/bundle-cli.ts) when asked and when it
 * is at least as new as every module it was made from, else from the modules themselves.
 * WASMBOX_NO_BUNDLE=1 forces the modules.
 */
async function commands(preferBundle: boolean): Promise<Commands> {
  if (preferBundle && !process.env.WASMBOX_NO_BUNDLE) {
    const c = loadBundle();
    if (c) return c;
  }
  return import('./run.js');
}

/** The bundle, when it exists and no module it was made from is newer; else null. */
export function freshBundle(): { file: string; source: string; stat: fs.Stats } | null {
  const file = fileURLToPath(new URL('./wasmbox.bundle.js', import.meta.url));
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return null;
  const source = fs.readFileSync(file, 'latin1'); // the bundler writes ASCII only
  const listed = /^\/\/ wasmbox-bundle-modules: (.*)\n/.exec(source);
  if (!listed) return null;
  // tsc rewrites every output on each build, so two sentinels tell whether the modules were rebuilt
  // after the bundle (statting all ~70 modules cost ~6 ms of a ~50 ms start).
  const srcDir = fileURLToPath(new URL('..', import.meta.url));
  for (const rel of ['cli/run.js', 'index.js']) {
    const st = fs.statSync(path.join(srcDir, rel), { throwIfNoEntry: false });
    if (!st || st.mtimeMs > stat.mtimeMs) return null; // rebuilt since: the bundle is stale
  }
  return { file, source, stat };
}

/**
 * Compiles the bundle with node:vm, handing V8 the code cache kept beside it (written after the
 * first run, when the functions that run has used are compiled and can be cached with it). The cache
 * names the bundle it belongs to by size and mtime: V8 itself only checks the source's length.
 */
function loadBundle(): Commands | null {
  const fresh = freshBundle();
  if (!fresh) return null;
  const { file, source, stat: b } = fresh;
  const cacheFile = `${file}.v8cache`;
  const stamp = new Float64Array([b.size, b.mtimeMs]);
  const stampBytes = new Uint8Array(stamp.buffer);
  let cachedData: Buffer | undefined;
  try {
    const c = fs.readFileSync(cacheFile);
    if (c.length > 16 && c.subarray(0, 16).equals(stampBytes)) cachedData = c.subarray(16);
  } catch {
    // no cache yet
  }
  const script = new vm.Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const factory = script.runInThisContext() as (req: NodeJS.Require, url: string) => Commands;
  const url = pathToFileURL(file).href;
  const cmds = factory(createRequire(url), url);
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => {
      // Best effort: a read-only installation simply runs without the cache.
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, Buffer.concat([stampBytes, script.createCachedData()]));
        fs.renameSync(tmp, cacheFile);
      } catch {
        fs.rmSync(tmp, { force: true });
      }
    });
  }
  return cmds;
}

export interface MainOptions {
  /** Load the commands from the one-file bundle when it is fresh (the program does; tests need not). */
  bundle?: boolean;
}

/** Runs the CLI on `argv` (without the node and script paths); resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIO = processIO(), options: MainOptions = {}): Promise<number> {
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
      return (await commands(options.bundle === true)).doRun(args, io);
    case 'compile':
      return (await commands(options.bundle === true)).doCompile(args, io);
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
  main(process.argv.slice(2), processIO(), { bundle: true }).then(
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
    return fs.realpathSync.native(p);
  } catch {
    return p;
  }
}
