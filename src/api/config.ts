// Immutable configuration objects. Each `withX` returns a copy with one field changed; nothing is
// validated here — the runtime validates a config once, where it uses it, and says which field is wrong.

import { defaultFeatures } from './features.js';

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
  withEngine(engine: EngineChoice): RuntimeConfig;
  withFeatures(features: number): RuntimeConfig;
  withCallStackLimit(depth: number): RuntimeConfig;
  withMemoryLimitPages(pages: number): RuntimeConfig;
  withCloseOnContextDone(on: boolean): RuntimeConfig;
  withFuel(units: number): RuntimeConfig;
}

interface RuntimeConfigFields {
  engine: EngineChoice;
  features: number;
  callStackLimit: number;
  memoryLimitPages: number;
  closeOnContextDone: boolean;
  fuel: number;
}

class RuntimeConfigImpl implements RuntimeConfig {
  readonly engine: EngineChoice;
  readonly features: number;
  readonly callStackLimit: number;
  readonly memoryLimitPages: number;
  readonly closeOnContextDone: boolean;
  readonly fuel: number;

  constructor(f: RuntimeConfigFields) {
    this.engine = f.engine;
    this.features = f.features;
    this.callStackLimit = f.callStackLimit;
    this.memoryLimitPages = f.memoryLimitPages;
    this.closeOnContextDone = f.closeOnContextDone;
    this.fuel = f.fuel;
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
  });
}

/** How one instantiation is set up (wazero's ModuleConfig). */
export interface ModuleConfig {
  /**
   * The instance's name: other modules import from it by this name. `undefined` (default) takes the
   * name section's module name; '' makes an anonymous instance that nothing can import from.
   */
  readonly name: string | undefined;
  /** Exported functions called, in order, right after instantiation when present (default `_start`). */
  readonly startFunctions: readonly string[];
  withName(name: string): ModuleConfig;
  withStartFunctions(...names: string[]): ModuleConfig;
}

interface ModuleConfigFields {
  name: string | undefined;
  startFunctions: readonly string[];
}

class ModuleConfigImpl implements ModuleConfig {
  readonly name: string | undefined;
  readonly startFunctions: readonly string[];

  constructor(f: ModuleConfigFields) {
    this.name = f.name;
    this.startFunctions = Object.freeze([...f.startFunctions]);
    Object.freeze(this);
  }

  private with(change: Partial<ModuleConfigFields>): ModuleConfig {
    return new ModuleConfigImpl({ name: this.name, startFunctions: this.startFunctions, ...change });
  }

  withName(name: string): ModuleConfig {
    return this.with({ name });
  }
  withStartFunctions(...startFunctions: string[]): ModuleConfig {
    return this.with({ startFunctions });
  }
}

export function newModuleConfig(): ModuleConfig {
  return new ModuleConfigImpl({ name: undefined, startFunctions: ['_start'] });
}
