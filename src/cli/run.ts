// `wasmbox run` and `wasmbox compile`, as wazero's CLI does them (cmd/wazero): the same flags, checks,
// order of checks, messages and exit codes, so scripts and test adapters written for `wazero run`
// work unchanged. Built on the public API alone (../index.js). Loaded by main.ts only for these two
// commands, so `wasmbox version` and usage never load the runtime.

import fs from 'node:fs';
import path from 'node:path';
import {
  type CompiledModule,
  type ExportedFunction,
  ExitCode,
  ExitError,
  type HostLogger,
  type ModuleConfig,
  type ModuleInstance,
  type Runtime,
  type RuntimeConfig,
  type WasmValue,
  instantiateWasi,
  newCompilationCacheWithDir,
  newFSConfig,
  newHostLogger,
  newModuleConfig,
  newRuntime,
  newRuntimeConfig,
  hostDirFS,
  overlayFS,
} from '../index.js';
import { formatDuration } from './duration.js';
import { type Flag, FlagError, formatFlags, parseFlags } from './flags.js';
import type { CliIO } from './io.js';
import { errText, say } from './io.js';
import { buildEnv, compileFlags, detectImports, goErrText, type MountSpec, parseMount, runFlags } from './options.js';

/** Exit status of a Go program whose flag set fails to parse (flag.ExitOnError). */
const EXIT_FLAGS = 2;

function usage(io: CliIO, line: string, flags: readonly Flag[]): void {
  say(io, `wasmbox CLI\n\nUsage:\n  ${line}\n\nOptions:\n${formatFlags(flags)}\n`);
}

/**
 * Go's flag.ExitOnError: the error, then the flag set's default usage ("Usage of run:"), exit 2; for
 * -help (not defined, unlike -h) only the usage, exit 0.
 */
function flagFailure(io: CliIO, name: string, flags: readonly Flag[], e: unknown): number {
  if (!(e instanceof FlagError)) throw e;
  if (!e.help) say(io, `${e.message}\n`);
  say(io, `Usage of ${name}:\n${formatFlags(flags)}\n`);
  return e.help ? 0 : EXIT_FLAGS;
}

function readWasm(io: CliIO, file: string): Uint8Array | null {
  try {
    return new Uint8Array(fs.readFileSync(path.resolve(io.cwd, file)));
  } catch (e) {
    say(io, `error reading wasm binary: open ${file}: ${goErrText(e)}\n`);
    return null;
  }
}

/**
 * The start both commands share: parse the flags, answer -h, require the module's path. Returns the
 * positional arguments (path first), or the exit status to end with.
 */
function commandArgs(args: readonly string[], io: CliIO, name: string, line: string, flags: readonly Flag[], help: () => boolean): string[] | number {
  let rest: string[];
  try {
    rest = parseFlags(args, flags);
  } catch (e) {
    return flagFailure(io, name, flags, e);
  }
  if (help()) {
    usage(io, line, flags);
    return 0;
  }
  if (rest.length < 1) {
    say(io, 'missing path to wasm file\n');
    usage(io, line, flags);
    return 1;
  }
  return rest;
}

/** Adds the -cachedir cache to the config; prints wazero's message and returns null when it cannot. */
function withCache(io: CliIO, config: RuntimeConfig, dir: string): RuntimeConfig | null {
  if (dir === '') return config;
  try {
    return config.withCompilationCache(newCompilationCacheWithDir(path.resolve(io.cwd, dir)));
  } catch (e) {
    say(io, `invalid cachedir: ${goErrText(e)}\n`);
    return null;
  }
}

export function doCompile(args: readonly string[], io: CliIO): number {
  const { options: o, flags } = compileFlags();
  const rest = commandArgs(args, io, 'compile', 'wasmbox compile <options> <path to wasm file>', flags, () => o.help);
  if (typeof rest === 'number') return rest;
  const wasm = readWasm(io, rest[0]!);
  if (!wasm) return 1;
  let config: RuntimeConfig | null = newRuntimeConfig();
  if (o.interpreter) config = config.withEngine('interpreter');
  config = withCache(io, config, o.cachedir);
  if (!config) return 1;
  const rt = newRuntime(config);
  try {
    rt.compile(wasm).close();
    return 0;
  } catch (e) {
    say(io, `error compiling wasm binary: ${errText(e)}\n`);
    return 1;
  } finally {
    rt.close();
  }
}

/** What -timeout and -fuel ask of the runtime. */
export interface Limits {
  timeoutNs: number;
  fuel: number;
}

/** How a run instantiates and calls within its limits. */
export interface Bounded {
  config: RuntimeConfig;
  instantiate(rt: Runtime, m: CompiledModule, c: ModuleConfig): ModuleInstance;
  call(f: ExportedFunction): WasmValue[];
}

/** Thrown when the runtime this CLI was built with cannot honour a limit. */
export class LimitUnsupported extends Error {}

// The runtime API for deadlines and fuel (RuntimeConfig.withCloseOnContextDone / withFuel,
// Runtime.instantiate's options, ExportedFunction.callWith) as this file uses it.
type BoundsConfig = RuntimeConfig & {
  withCloseOnContextDone?(on: boolean): RuntimeConfig;
  withFuel?(units: number): RuntimeConfig;
};
type BoundsOptions = { timeout?: number };
type BoundsRuntime = { instantiate(m: CompiledModule, c: ModuleConfig, o: BoundsOptions): ModuleInstance };
type BoundsFunction = { callWith?(o: BoundsOptions, ...args: WasmValue[]): WasmValue[] };

/**
 * The one place -timeout and -fuel meet the runtime. The deadline starts at instantiation and covers
 * the start function and `_start` together (wazero's context covers the same calls). Throws
 * LimitUnsupported when the runtime lacks the API for a limit that was asked for.
 */
export function applyLimits(config: RuntimeConfig, limits: Limits): Bounded {
  const c = config as BoundsConfig;
  if (limits.fuel > 0) {
    if (typeof c.withFuel !== 'function') throw new LimitUnsupported('-fuel is not supported by this build yet (the runtime has no RuntimeConfig.withFuel)');
    config = c.withFuel(limits.fuel);
  }
  if (!(limits.timeoutNs > 0)) {
    return { config, instantiate: (rt, m, mc) => rt.instantiate(m, mc), call: (f) => f.call() };
  }
  const cc = config as BoundsConfig;
  if (typeof cc.withCloseOnContextDone !== 'function') {
    throw new LimitUnsupported('-timeout is not supported by this build yet (the runtime has no RuntimeConfig.withCloseOnContextDone)');
  }
  config = cc.withCloseOnContextDone(true);
  let deadline = 0;
  const left = (): number => Math.max(0.001, deadline - performance.now());
  return {
    config,
    instantiate(rt, m, mc) {
      deadline = performance.now() + limits.timeoutNs / 1e6;
      return (rt as unknown as BoundsRuntime).instantiate(m, mc, { timeout: left() });
    },
    call(f) {
      const callWith = (f as unknown as BoundsFunction).callWith;
      if (typeof callWith !== 'function') throw new LimitUnsupported('-timeout is not supported by this build yet (no ExportedFunction.callWith)');
      return callWith.call(f, { timeout: left() });
    },
  };
}

/** Fills buffers from the host's CSPRNG (Web Crypto: at most 64 KiB a call; never shared memory). */
function secureRandom(buf: Uint8Array): void {
  const chunk = new Uint8Array(Math.min(buf.length, 65536));
  for (let off = 0; off < buf.length; off += chunk.length) {
    const n = Math.min(chunk.length, buf.length - off);
    const part = n === chunk.length ? chunk : chunk.subarray(0, n);
    globalThis.crypto.getRandomValues(part);
    buf.set(part, off);
  }
}

/** The FSConfig of -mount (and -overlay). */
function fsConfigOf(mounts: readonly MountSpec[], overlay: boolean) {
  let fsc = newFSConfig();
  for (const m of mounts) {
    if (m.readOnly) fsc = fsc.withReadOnlyDirMount(m.host, m.guest);
    else if (overlay) fsc = fsc.withFSMount(overlayFS(hostDirFS(m.host)), m.guest);
    else fsc = fsc.withDirMount(m.host, m.guest);
  }
  return fsc;
}

export function doRun(args: readonly string[], io: CliIO): number {
  const { options: o, flags } = runFlags();
  const line = 'wasmbox run <options> <path to wasm file> [--] <wasm args>';
  const rest = commandArgs(args, io, 'run', line, flags, () => o.help);
  if (typeof rest === 'number') return rest;
  const wasmPath = rest[0]!;
  let wasmArgs = rest.slice(1);
  // wazero drops a "--" after the path only when arguments follow it.
  if (wasmArgs.length > 1 && wasmArgs[0] === '--') wasmArgs = wasmArgs.slice(1);

  const env = buildEnv(o.env, o.envInherit, io.env);
  if (typeof env === 'string') {
    say(io, `${env}\n`);
    return 1;
  }
  const mounts: MountSpec[] = [];
  for (const spec of o.mounts) {
    const m = parseMount(spec, io.cwd);
    if (typeof m === 'string') {
      say(io, `${m}\n`);
      return 1;
    }
    mounts.push(m);
  }
  const wasm = readWasm(io, wasmPath);
  if (!wasm) return 1;

  let config: RuntimeConfig | null = newRuntimeConfig();
  if (o.interpreter) config = config.withEngine('interpreter');
  const logger: HostLogger | undefined = o.hostlogging
    ? newHostLogger({ scopes: o.hostlogging, format: o.logFormat, write: (s) => say(io, s) })
    : undefined;
  config = withCache(io, config, o.cachedir);
  if (!config) return 1;
  if (o.timeoutNs < 0) {
    say(io, `timeout duration may not be negative, ${formatDuration(o.timeoutNs)} given\n`);
    usage(io, line, flags);
    return 1;
  }
  if (o.fuel < 0) {
    say(io, `fuel may not be negative, ${o.fuel} given\n`);
    usage(io, line, flags);
    return 1;
  }
  if (o.listens.length) {
    say(io, `invalid listen: -listen ${o.listens[0]} is not supported yet (wasmbox has no sockets)\n`);
    return 1;
  }
  let bounded: Bounded;
  try {
    bounded = applyLimits(config, { timeoutNs: o.timeoutNs, fuel: o.fuel });
  } catch (e) {
    if (!(e instanceof LimitUnsupported)) throw e;
    say(io, `error: ${e.message}\n`);
    return 1;
  }

  const rt = newRuntime(bounded.config);
  try {
    // A program run from a shell gets the host's streams, clocks, sleep and randomness (a library
    // user gets wazero's deterministic defaults instead). `_start` is called below, not by
    // instantiate, so host logging can show it and the deadline covers it.
    let conf = newModuleConfig()
      .withStdout(io.stdout)
      .withStderr(io.stderr)
      .withStdin(io.stdin)
      .withRandSource(secureRandom)
      .withFSConfig(fsConfigOf(mounts, o.overlay))
      .withSysNanosleep()
      .withSysNanotime()
      .withSysWalltime()
      .withArgs(path.basename(wasmPath), ...wasmArgs)
      .withStartFunctions();
    for (const [k, v] of env) conf = conf.withEnv(k, v);

    let guest: CompiledModule;
    try {
      guest = rt.compile(wasm);
    } catch (e) {
      say(io, `error compiling wasm binary: ${errText(e)}\n`);
      return 1;
    }
    const mode = detectImports(guest.imports().filter((i) => i.type.kind === 'func').map((i) => i.module));
    if (mode === 'gojs') {
      say(io, 'error instantiating wasm binary: Go modules built with GOOS=js (imports from "go"/"gojs") are not supported yet\n');
      return 1;
    }
    try {
      // The WASI snapshot the guest imports (wasi_unstable with its own, older layouts).
      if (mode !== 'plain') {
        const imported = new Set(guest.imports().map((i) => i.module));
        const snapshots = (['wasi_snapshot_preview1', 'wasi_unstable'] as const).filter((n) => imported.has(n));
        instantiateWasi(rt, logger ? { logger, snapshots } : { snapshots });
      }
      const inst = bounded.instantiate(rt, guest, conf);
      const start = inst.exportedFunction('_start');
      if (start) {
        const call = () => bounded.call(start);
        if (logger) logger.guestCall(`${inst.name}.${start.definition.name}`, call);
        else call();
      }
    } catch (e) {
      if (e instanceof ExitError) {
        if (e.exitCode === ExitCode.deadlineExceeded) say(io, `error: ${e.message} (timeout ${formatDuration(o.timeoutNs)})\n`);
        return e.exitCode;
      }
      if (e instanceof LimitUnsupported) {
        say(io, `error: ${e.message}\n`);
        return 1;
      }
      say(io, `error instantiating wasm binary: ${errText(e)}\n`);
      return 1;
    }
    return 0;
  } finally {
    rt.close();
  }
}
