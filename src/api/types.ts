// The public types of wasmbox: small interfaces, implemented inside, created by the functions that
// src/index.ts exports. Shaped after wazero's api package, in TypeScript idiom.

import type { CancelToken } from './cancel.js';
import type { ModuleConfig, RuntimeConfig } from './config.js';

/** A WebAssembly value type by its text name. */
export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

/**
 * A value as JavaScript sees it: number for i32/f32/f64, bigint for i64 and v128, a function
 * reference or null for funcref, anything for externref (null being the null reference).
 */
export type WasmValue = number | bigint | FunctionRef | null | unknown;

/** An opaque reference to a wasm or host function (a funcref value). */
export interface FunctionRef {
  readonly kind: 'func';
}

/** Describes a function: its signature and names (wazero's api.FunctionDefinition). */
export interface FunctionDefinition {
  /** Name of the module that defines it (for imports: the module it is imported from). */
  readonly moduleName: string;
  /** Position in the module's function index space. */
  readonly index: number;
  /** The name from the name section, or `$index` when it has none. */
  readonly name: string;
  /** For an imported function: [module, name] of the import. */
  readonly import?: readonly [string, string];
  /** Names under which the module exports it. */
  readonly exportNames: readonly string[];
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
  readonly paramNames?: readonly (string | undefined)[];
}

export interface Limits {
  readonly min: number;
  readonly max?: number;
}

export type ExternType =
  | { readonly kind: 'func'; readonly params: readonly ValueType[]; readonly results: readonly ValueType[] }
  | { readonly kind: 'table'; readonly element: ValueType; readonly limits: Limits }
  | { readonly kind: 'memory'; readonly limits: Limits; readonly shared: boolean; readonly index64: boolean }
  | { readonly kind: 'global'; readonly type: ValueType; readonly mutable: boolean }
  | { readonly kind: 'tag'; readonly params: readonly ValueType[] };

export interface ImportDescription {
  readonly module: string;
  readonly name: string;
  readonly type: ExternType;
}

export interface ExportDescription {
  readonly name: string;
  readonly type: ExternType;
}

/** A decoded and validated module, ready to instantiate any number of times. */
export interface CompiledModule {
  /** The module name from the name section, if any. */
  readonly name: string | undefined;
  /** Which engine will run it. */
  readonly engine: 'interpreter' | 'compiler';
  imports(): ImportDescription[];
  exports(): ExportDescription[];
  importedFunctions(): FunctionDefinition[];
  /** Exported functions by export name. */
  exportedFunctions(): Map<string, FunctionDefinition>;
  /** Payloads of the custom sections with this name, in order. */
  customSections(name: string): Uint8Array[];
  /** Releases the compiled code. Instances already made keep working. */
  close(): void;
}

/**
 * Bounds for one call (all need `RuntimeConfig.withCloseOnContextDone(true)`). When one is reached the
 * guest is stopped at its next checkpoint (function entry or loop header), its module is closed and
 * the call throws an `ExitError` with `ExitCode.deadlineExceeded` (timeout) or `ExitCode.canceled`
 * (signal, cancel), as wazero does when a context is done.
 */
export interface CallOptions {
  /** Milliseconds after which the call is stopped. */
  timeout?: number;
  /**
   * Stops the call when aborted. It is checked at each checkpoint, so it works when aborted before the
   * call or by code that runs during it (a host function the guest calls). Timers cannot fire while a
   * guest runs (the event loop waits for the call): use `timeout` for that, and a `CancelToken` to
   * cancel from another thread.
   */
  signal?: AbortSignal;
  /** Stops the call when the token is canceled, from this thread or any other (see newCancelToken). */
  cancel?: CancelToken;
}

/** An exported function of an instance (wazero's api.Function). */
export interface ExportedFunction {
  readonly definition: FunctionDefinition;
  /**
   * Calls the function. Arguments are JS values of the parameter types (bigint for i64); returns the
   * results as an array (empty for none). Throws `Trap` on a trap and `ExitError` when the guest exits.
   */
  call(...args: WasmValue[]): WasmValue[];
  /** Calls the function within bounds (see CallOptions). */
  callWith(options: CallOptions, ...args: WasmValue[]): WasmValue[];
}

/** A linear memory, with bounds-checked little-endian accessors (wazero's api.Memory). */
export interface Memory {
  /** Current size in bytes. */
  size(): number;
  /** Grows by `deltaPages` 64 KiB pages; returns the previous size in pages, or -1 when it cannot. */
  grow(deltaPages: number): number;
  /**
   * The current buffer: its first `size()` bytes are the memory. It may be longer (an interpreter
   * runtime's memories keep room to grow in place); never write past `size()`. It may be replaced when
   * the memory grows: do not keep it across calls.
   */
  buffer(): ArrayBuffer;
  /** A view of exactly the memory (no copy). Like `buffer()`, stale once the memory grows. */
  bytes(): Uint8Array;
  readByte(offset: number): number;
  readUint16Le(offset: number): number;
  readUint32Le(offset: number): number;
  readUint64Le(offset: number): bigint;
  readFloat32Le(offset: number): number;
  readFloat64Le(offset: number): number;
  /** A copy of `length` bytes at `offset`. */
  read(offset: number, length: number): Uint8Array;
  /** Bytes at `offset` decoded as UTF-8. */
  readString(offset: number, length: number): string;
  writeByte(offset: number, v: number): void;
  writeUint16Le(offset: number, v: number): void;
  writeUint32Le(offset: number, v: number): void;
  writeUint64Le(offset: number, v: bigint): void;
  writeFloat32Le(offset: number, v: number): void;
  writeFloat64Le(offset: number, v: number): void;
  write(offset: number, bytes: Uint8Array): void;
  /** Writes `s` as UTF-8; returns the number of bytes written. */
  writeString(offset: number, s: string): number;
}

export interface Global {
  readonly type: ValueType;
  readonly mutable: boolean;
  get(): WasmValue;
  /** Sets the value; throws for an immutable global. */
  set(v: WasmValue): void;
}

export interface Table {
  readonly element: ValueType;
  size(): number;
  get(index: number): WasmValue;
  set(index: number, v: WasmValue): void;
  grow(delta: number, init?: WasmValue): number;
}

/** An instantiated module (wazero's api.Module). */
export interface ModuleInstance {
  readonly name: string;
  exportedFunction(name: string): ExportedFunction | undefined;
  exportedMemory(name: string): Memory | undefined;
  exportedGlobal(name: string): Global | undefined;
  exportedTable(name: string): Table | undefined;
  /** The memory the module exports as `memory`, else its first exported memory. */
  memory(): Memory | undefined;
  /** Names of every export, in order. */
  exportNames(): string[];
  readonly closed: boolean;
  /** Closes the instance: its exports stop working and its name is free again. */
  close(): void;
}

/** Passed to host functions: the calling instance. */
export interface Caller {
  readonly moduleName: string;
  /** The caller's memory (its export named `memory`, else its memory 0), if it has one. */
  memory(): Memory | undefined;
}

/** A host function as data: the record host logging and introspection read. */
export interface HostFunction {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
  readonly paramNames?: readonly string[];
  readonly resultNames?: readonly string[];
  /** Receives the caller then the arguments; returns nothing, a value, or an array for several. */
  readonly fn: (caller: Caller, ...args: any[]) => unknown;
}

/** Builds a module implemented in JavaScript (wazero's HostModuleBuilder). */
export interface HostModuleBuilder {
  readonly name: string;
  /** Adds an exported function. */
  exportFunction(f: HostFunction): HostModuleBuilder;
  exportFunction(
    name: string,
    type: { params: readonly ValueType[]; results: readonly ValueType[]; paramNames?: readonly string[] },
    fn: (caller: Caller, ...args: any[]) => unknown,
  ): HostModuleBuilder;
  exportMemory(name: string, limits: Limits & { shared?: boolean }): HostModuleBuilder;
  exportGlobal(name: string, type: ValueType, value: WasmValue, mutable?: boolean): HostModuleBuilder;
  exportTable(name: string, element: 'funcref' | 'externref', limits: Limits): HostModuleBuilder;
  /** Instantiates the host module under its name, so modules can import from it. */
  instantiate(): ModuleInstance;
}

/** The entry point: compiles and instantiates modules, and holds their namespace. */
export interface Runtime {
  readonly config: RuntimeConfig;
  /** Decodes and validates a module. Throws `CompileError`. */
  compile(bytes: ArrayBuffer | ArrayBufferView): CompiledModule;
  /**
   * Instantiates a compiled module. Its imports are resolved against the modules instantiated in this
   * runtime by name. Throws `LinkError`, `Trap` (from segments or the start function) or `ExitError`.
   * `options` bound the start function and the ModuleConfig's start functions (e.g. `_start`) together.
   */
  instantiate(compiled: CompiledModule, config?: ModuleConfig, options?: CallOptions): ModuleInstance;
  /** compile + instantiate. */
  instantiateBytes(bytes: ArrayBuffer | ArrayBufferView, config?: ModuleConfig, options?: CallOptions): ModuleInstance;
  /**
   * Units of work the runtime's guests have done while instrumented (fuel or closeOnContextDone on):
   * one per function entry and per loop header executed. 0 when neither is on.
   */
  fuelConsumed(): number;
  /** Adds fuel to the runtime's tank (needs `RuntimeConfig.withFuel`). */
  addFuel(units: number): void;
  newHostModuleBuilder(moduleName: string): HostModuleBuilder;
  /** The instance registered under `name`, if any. */
  module(name: string): ModuleInstance | undefined;
  /** Closes every instance and compiled module of this runtime. */
  close(): void;
}
