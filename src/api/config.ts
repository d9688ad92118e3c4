// Immutable configuration objects. Each `withX` returns a copy with one field changed; nothing is
// validated here — the runtime validates a config once, where it uses it, and says which field is wrong.

import { defaultFeatures } from './features.js';
import type { ClockSpec, SysConfig } from '../sys/context.js';
import { sysNanosleep, sysNanotime, sysWalltime } from '../sys/context.js';
import type { FSConfig } from '../sys/fsconfig.js';
import type { StdinSource, StdoutSink } from '../sys/stdio.js';
import type { CompilationCache } from '../runtime/compilation-cache.js';

export type EngineChoice = 'auto' | 'interpreter' | 'compiler';

/** How a runtime compiles and runs modules (wazero's RuntimeConfig). */
export interface RuntimeConfig {
  /** `auto` (default): the compiler where the host has WebAssembly and supports the module, else the interpreter. */
  readonly engine: EngineChoice;
  /** Enabled WebAssembly features beyond 2.0 (see `Features`). */
  readonly features: number;
  /** Deepest call nesting before a "call stack exhausted" trap. */
  readonly callStackLimit: number;
  /** Most 64 KiB pages any memory may have. */
  readonly memoryLimitPages: number;
  /**
   * Whether calls may be bounded by a timeout, an AbortSignal or a CancelToken (wazero's
   * WithCloseOnContextDone). When on, guest code checks for interruption at every function entry and
   * loop header, and a call stopped that way closes its module and fails with an ExitError carrying
   * `ExitCode.deadlineExceeded` or `ExitCode.canceled`. Off by default: it costs a few percent.
   */
  readonly closeOnContextDone: boolean;
  /**
   * Fuel for the runtime's guests, in units (one per function entry and per loop header executed,
   * counted the same on both engines); 0 (the default) meters nothing. Every instance of the runtime
   * draws from this one tank; when it is empty the guest traps with "fuel exhausted".
   * `Runtime.fuelConsumed()` tells how much was used, `Runtime.addFuel(n)` refills.
   */
  readonly fuel: number;
  /** Where compiled modules are kept for reuse (see newCompilationCacheWithDir). Default: none. */
  readonly compilationCache: CompilationCache | undefined;
  withEngine(engine: EngineChoice): RuntimeConfig;
  withFeatures(features: number): RuntimeConfig;
  withCallStackLimit(depth: number): RuntimeConfig;
  withMemoryLimitPages(pages: number): RuntimeConfig;
  withCloseOnContextDone(on: boolean): RuntimeConfig;
  withFuel(units: number): RuntimeConfig;
  /** Reuses compiles through this cache (wazero's WithCompilationCache). */
  withCompilationCache(cache: CompilationCache): RuntimeConfig;
}

interface RuntimeConfigFields {
  engine: EngineChoice;
  features: number;
  callStackLimit: number;
  memoryLimitPages: number;
  closeOnContextDone: boolean;
  fuel: number;
  compilationCache: CompilationCache | undefined;
}

class RuntimeConfigImpl implements RuntimeConfig {
  readonly engine: EngineChoice;
  readonly features: number;
  readonly callStackLimit: number;
  readonly memoryLimitPages: number;
  readonly closeOnContextDone: boolean;
  readonly fuel: number;
  readonly compilationCache: CompilationCache | undefined;

  constructor(f: RuntimeConfigFields) {
    this.engine = f.engine;
    this.features = f.features;
    this.callStackLimit = f.callStackLimit;
    this.memoryLimitPages = f.memoryLimitPages;
    this.closeOnContextDone = f.closeOnContextDone;
    this.fuel = f.fuel;
    this.compilationCache = f.compilationCache;
    Object.freeze(this);
  }

  private with(change: Partial<RuntimeConfigFields>): RuntimeConfig {
    return new RuntimeConfigImpl({ ...this.fields(), ...change });
  }

  private fields(): RuntimeConfigFields {
    return {
      engine: this.engine,
      features: this.features,
      callStackLimit: this.callStackLimit,
      memoryLimitPages: this.memoryLimitPages,
      closeOnContextDone: this.closeOnContextDone,
      fuel: this.fuel,
      compilationCache: this.compilationCache,
    };
  }

  withEngine(engine: EngineChoice): RuntimeConfig {
    return this.with({ engine });
  }
  withFeatures(features: number): RuntimeConfig {
    return this.with({ features });
  }
  withCallStackLimit(callStackLimit: number): RuntimeConfig {
    return this.with({ callStackLimit });
  }
  withMemoryLimitPages(memoryLimitPages: number): RuntimeConfig {
    return this.with({ memoryLimitPages });
  }
  withCloseOnContextDone(closeOnContextDone: boolean): RuntimeConfig {
    return this.with({ closeOnContextDone });
  }
  withFuel(fuel: number): RuntimeConfig {
    return this.with({ fuel });
  }
  withCompilationCache(compilationCache: CompilationCache): RuntimeConfig {
    return this.with({ compilationCache });
  }
}

/** The default runtime configuration: automatic engine choice, Wasm 2.0 + tail calls + extended const. */
export function newRuntimeConfig(): RuntimeConfig {
  return new RuntimeConfigImpl({
    engine: 'auto',
    features: defaultFeatures,
    callStackLimit: 20_000,
    memoryLimitPages: 65536,
    closeOnContextDone: false,
    fuel: 0,
    compilationCache: undefined,
  });
}

/** How one instantiation is set up (wazero's ModuleConfig). */
export interface ModuleConfig extends SysConfig {
  /**
   * The instance's name: other modules import from it by this name. `undefined` (default) takes the
   * name section's module name; '' makes an anonymous instance that nothing can import from.
   */
  readonly name: string | undefined;
  /** Exported functions called, in order, right after instantiation when present (default `_start`). */
  readonly startFunctions: readonly string[];
  withName(name: string): ModuleConfig;
  withStartFunctions(...names: string[]): ModuleConfig;
  /** The arguments (argv[0] included: the program name, if you want one). Default: none. */
  withArgs(...args: string[]): ModuleConfig;
  /** Adds an environment variable (in order; repeatable). The key must not contain '=' or NUL. */
  withEnv(key: string, value: string): ModuleConfig;
  /** Standard input: bytes, a string, a host file descriptor, or `{ read(into) }`. Default: at end of file. */
  withStdin(input: StdinSource): ModuleConfig;
  /** Standard output: a host file descriptor or `{ write(bytes) }`. Default: discarded. */
  withStdout(output: StdoutSink): ModuleConfig;
  /** Standard error, like withStdout. Default: discarded. */
  withStderr(output: StdoutSink): ModuleConfig;
  /** The file systems the module sees. Default: none. */
  withFSConfig(fs: FSConfig): ModuleConfig;
  /** The host's wall clock instead of the fake one (see src/sys/context.ts). */
  withSysWalltime(): ModuleConfig;
  /** The host's monotonic clock instead of the fake one. */
  withSysNanotime(): ModuleConfig;
  /** Really sleep (poll_oneoff with a clock) instead of returning at once. */
  withSysNanosleep(): ModuleConfig;
  /** A wall clock: nanoseconds since the Unix epoch, and its resolution in nanoseconds. */
  withWalltime(fn: () => bigint, resolutionNs: bigint | number): ModuleConfig;
  /** A monotonic clock in nanoseconds, and its resolution. */
  withNanotime(fn: () => bigint, resolutionNs: bigint | number): ModuleConfig;
  /** How to sleep for `ns` nanoseconds. */
  withNanosleep(fn: (ns: bigint) => void): ModuleConfig;
  /** Fills buffers for random_get. Default: a fixed-seed PRNG (deterministic). */
  withRandSource(fill: (buf: Uint8Array) => void): ModuleConfig;
  /** Called by sched_yield. */
  withOsyield(fn: () => void): ModuleConfig;
}

interface ModuleConfigFields extends SysConfig {
  name: string | undefined;
  startFunctions: readonly string[];
}

const toRes = (r: bigint | number): bigint => (typeof r === 'bigint' ? r : Number.isInteger(r) ? BigInt(r) : (r as unknown as bigint));

class ModuleConfigImpl implements ModuleConfig {
  readonly name: string | undefined;
  readonly startFunctions: readonly string[];
  readonly args: readonly string[];
  readonly env: readonly (readonly [string, string])[];
  readonly stdin: StdinSource | undefined;
  readonly stdout: StdoutSink | undefined;
  readonly stderr: StdoutSink | undefined;
  readonly fsConfig: FSConfig | undefined;
  readonly walltime: ClockSpec | undefined;
  readonly nanotime: ClockSpec | undefined;
  readonly nanosleep: ((ns: bigint) => void) | undefined;
  readonly randSource: ((buf: Uint8Array) => void) | undefined;
  readonly osyield: (() => void) | undefined;

  constructor(f: ModuleConfigFields) {
    this.name = f.name;
    this.startFunctions = Object.freeze([...f.startFunctions]);
    this.args = Object.freeze([...f.args]);
    this.env = Object.freeze(f.env.map((e) => Object.freeze([e[0], e[1]] as const)));
    this.stdin = f.stdin;
    this.stdout = f.stdout;
    this.stderr = f.stderr;
    this.fsConfig = f.fsConfig;
    this.walltime = f.walltime;
    this.nanotime = f.nanotime;
    this.nanosleep = f.nanosleep;
    this.randSource = f.randSource;
    this.osyield = f.osyield;
    Object.freeze(this);
  }

  private fields(): ModuleConfigFields {
    const { name, startFunctions, args, env, stdin, stdout, stderr, fsConfig, walltime, nanotime, nanosleep, randSource, osyield } = this;
    return { name, startFunctions, args, env, stdin, stdout, stderr, fsConfig, walltime, nanotime, nanosleep, randSource, osyield };
  }

  private with(change: Partial<ModuleConfigFields>): ModuleConfig {
    return new ModuleConfigImpl({ ...this.fields(), ...change });
  }

  withName(name: string): ModuleConfig {
    return this.with({ name });
  }
  withStartFunctions(...startFunctions: string[]): ModuleConfig {
    return this.with({ startFunctions });
  }
  withArgs(...args: string[]): ModuleConfig {
    return this.with({ args });
  }
  withEnv(key: string, value: string): ModuleConfig {
    return this.with({ env: [...this.env, [key, value]] });
  }
  withStdin(stdin: StdinSource): ModuleConfig {
    return this.with({ stdin });
  }
  withStdout(stdout: StdoutSink): ModuleConfig {
    return this.with({ stdout });
  }
  withStderr(stderr: StdoutSink): ModuleConfig {
    return this.with({ stderr });
  }
  withFSConfig(fsConfig: FSConfig): ModuleConfig {
    return this.with({ fsConfig });
  }
  withSysWalltime(): ModuleConfig {
    return this.with({ walltime: sysWalltime() });
  }
  withSysNanotime(): ModuleConfig {
    return this.with({ nanotime: sysNanotime() });
  }
  withSysNanosleep(): ModuleConfig {
    return this.with({ nanosleep: sysNanosleep });
  }
  withWalltime(fn: () => bigint, resolutionNs: bigint | number): ModuleConfig {
    return this.with({ walltime: { fn, resolution: toRes(resolutionNs) } });
  }
  withNanotime(fn: () => bigint, resolutionNs: bigint | number): ModuleConfig {
    return this.with({ nanotime: { fn, resolution: toRes(resolutionNs) } });
  }
  withNanosleep(nanosleep: (ns: bigint) => void): ModuleConfig {
    return this.with({ nanosleep });
  }
  withRandSource(randSource: (buf: Uint8Array) => void): ModuleConfig {
    return this.with({ randSource });
  }
  withOsyield(osyield: () => void): ModuleConfig {
    return this.with({ osyield });
  }
}

export function newModuleConfig(): ModuleConfig {
  return new ModuleConfigImpl({
    name: undefined,
    startFunctions: ['_start'],
    args: [],
    env: [],
    stdin: undefined,
    stdout: undefined,
    stderr: undefined,
    fsConfig: undefined,
    walltime: undefined,
    nanotime: undefined,
    nanosleep: undefined,
    randSource: undefined,
    osyield: undefined,
  });
}
