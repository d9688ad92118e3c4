// The contract between the engine-independent runtime and an execution engine (the interpreter in
// src/engine/interpreter, the compiler in src/engine/compiler).
//
// The runtime decodes and validates, then asks an engine to `compile` the module IR once. Each
// instantiation resolves imports (src/runtime/link.ts: names and types checked there) and hands the
// engine the extern values in import order; the engine allocates the instance's own functions,
// tables, memories and globals, initialises segments and runs the start function, in the spec's order
// (§4.5.4; helpers in src/runtime/instantiate.ts do the engine-neutral parts).

import type { GlobalType, Module, TableType } from '../binary/types.js';
import type { Meter } from './meter.js';
import type { ExternVal, GlobalInst, HostCaller, TableInst } from './store.js';
import type { RawValue } from './values.js';

export type EngineKind = 'interpreter' | 'compiler';

export interface CompileOptions {
  /** The module's bytes as given (the compiler hands them to the host when it does not rewrite). */
  bytes: Uint8Array;
  /** Enabled features (src/api/features.ts). */
  features: number;
  /** Name for stack traces until the instance gets its own (the name section's module name, or ''). */
  name: string;
  /** Deepest call nesting before "call stack exhausted". */
  callStackLimit: number;
  /** Memory pages an instance may have at most (min of the type's maximum and this). */
  memoryLimitPages: number;
  /** Instrumentation requests (the compiler rewrites the module; the interpreter checks at the same points). */
  instrument: Instrumentation;
  /**
   * Whether the module's memories must be importable by host-compiled code (default true). The runtime
   * says false when its engine is the interpreter: the interpreter then gives them a backing that never
   * detaches (store.ts, MemoryInst).
   */
  hostMemories?: boolean;
}

/**
 * What the runtime wants to observe while guest code runs. Both engines check at the same points —
 * each function entry and each loop header — so fuel counts agree exactly (the contract is in
 * src/runtime/meter.ts). When either is set, InstantiateOptions.meter is not null.
 */
export interface Instrumentation {
  /** Count fuel (one unit per function entry and per loop header executed). */
  fuel: boolean;
  /** Check deadlines and cancellation. */
  interrupt: boolean;
}

export interface Engine {
  readonly kind: EngineKind;
  /**
   * Why this engine cannot run a module with these features here (for example: a proposal the host
   * lacks), or null when it can.
   */
  unsupported(module: Module, features: number, bytes: Uint8Array): string | null;
  /** Prepares a decoded, validated module. Throws `CompileError` (kind `unsupported`) when it cannot. */
  compile(module: Module, options: CompileOptions): EngineModule;
  /**
   * Makes a table / global for a host module in this engine's preferred representation (the compiler
   * needs host WebAssembly objects to share them). Engines without a preference leave these out and the
   * runtime uses the plain ArrayTable / CellGlobal.
   */
  createTable?(type: TableType): TableInst;
  createGlobal?(type: GlobalType, value: RawValue): GlobalInst;
  /**
   * Optional, for the compilation cache (src/runtime/compilation-cache.ts): the bytes from which
   * `deserialize` rebuilds this module faster than `compile` would, or null when nothing is worth
   * keeping. The runtime stores them with the module's hash, wasmbox's version, the features and the
   * instrumentation, so `deserialize` only ever sees payloads made under the same CompileOptions by
   * the same wasmbox. What each engine keeps:
   *  - the compiler: the module as it hands it to the host when it instruments it (fuel, deadlines),
   *    with its rewrite plan; null otherwise (then there is little or nothing to redo);
   *  - the interpreter: every function's lowered code, stamped with its own build (serialize.ts).
   */
  serialize?(em: EngineModule): Uint8Array | null;
  /**
   * Rebuilds an engine module from a `serialize` payload, for a module decoded from the same bytes
   * (and already validated). Throwing (for example, for a payload it does not recognise) makes the
   * runtime compile as usual and replace the entry.
   */
  deserialize?(module: Module, options: CompileOptions, payload: Uint8Array): EngineModule;
}

export interface InstantiateOptions {
  /** The instance's name (module name for traces and host callers). */
  name: string;
  /** System resources for host functions called by this instance (HostCaller.sys). */
  sys: object | null;
  /** The runtime's meter when the module was compiled with instrumentation (see meter.ts), else null. */
  meter: Meter | null;
}

export interface EngineModule {
  readonly kind: EngineKind;
  /**
   * Creates an instance. `imports` are the resolved extern values in the module's import order, already
   * checked against the import types. Initialises segments and runs the start function; throws `Trap`
   * (with the instance's effects on imported objects kept, as the spec says) or `LinkError`.
   */
  instantiate(imports: readonly ExternVal[], options: InstantiateOptions): EngineInstance;
}

export interface EngineInstance extends HostCaller {
  /** Exports by name, in the module's export order. */
  readonly exports: ReadonlyMap<string, ExternVal>;
  /** Releases what the instance holds; later calls into it fail. */
  close(): void;
}
