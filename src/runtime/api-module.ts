// Public views of instances and their exports: ModuleInstance, ExportedFunction, Global, Table, and
// the introspection of compiled modules. They wrap the store objects; internals never leak (the
// `internals` WeakMaps let wasmbox's own tools reach the store objects behind a view).

import { cancelFlagOf } from '../api/cancel.js';
import { ExitError, Trap } from '../api/errors.js';
import type {
  CallOptions,
  Caller,
  CompiledModule,
  ExportDescription,
  ExportedFunction,
  ExternType,
  FunctionDefinition,
  Global,
  ImportDescription,
  Memory,
  ModuleInstance,
  Table,
  ValueType,
  WasmValue,
} from '../api/types.js';
import {
  ExternKind,
  type FuncType,
  type GlobalType,
  type ImportDesc,
  type MemoryType,
  type Module,
  type TableType,
  funcTypeIndices,
  valTypeName,
} from '../binary/types.js';
import { MemoryView } from './api-memory.js';
import type { EngineInstance, EngineKind, EngineModule } from './engine.js';
import { type CallBounds, type Meter, clock, exitMessage } from './meter.js';
import type { ExternVal, FuncInst, GlobalInst, HostCaller, MemoryInst, TableInst } from './store.js';
import { fromRaw, toRaw } from './values.js';
import { flushWrites, pending } from '../sys/writebehind.js';

/** Store objects behind public views, for wasmbox's own tools (spec runner, CLI) — not exported publicly. */
export const internals = {
  func: new WeakMap<ExportedFunction, FuncInst>(),
  instance: new WeakMap<ModuleInstance, InstanceRecord>(),
  compiled: new WeakMap<CompiledModule, CompiledModuleImpl>(),
};

/** What the runtime keeps per instance. */
export interface InstanceRecord {
  name: string;
  /** The instance's system resources (see HostCaller.sys). */
  sys?: object | null;
  exports: ReadonlyMap<string, ExternVal>;
  engine: EngineInstance | null;
}

const names = (ts: readonly number[]): ValueType[] => ts.map((t) => valTypeName(t) as ValueType);

type IRType =
  | { kind: 0; t: FuncType }
  | { kind: 1; t: TableType }
  | { kind: 2; t: MemoryType }
  | { kind: 3; t: GlobalType }
  | { kind: 4; t: FuncType };

function toExternType(x: IRType): ExternType {
  switch (x.kind) {
    case ExternKind.func:
      return { kind: 'func', params: names(x.t.params), results: names(x.t.results) };
    case ExternKind.table:
      return { kind: 'table', element: valTypeName(x.t.elemType) as ValueType, limits: { ...x.t.limits } };
    case ExternKind.memory:
      return { kind: 'memory', limits: { ...x.t.limits }, shared: !!x.t.shared, index64: !!x.t.index64 };
    case ExternKind.global:
      return { kind: 'global', type: valTypeName(x.t.type) as ValueType, mutable: x.t.mutable };
    case ExternKind.tag:
      return { kind: 'tag', params: names(x.t.params) };
  }
}

function importIRType(m: Module, d: ImportDesc): IRType {
  switch (d.kind) {
    case ExternKind.func: return { kind: 0, t: m.types[d.typeIndex]! };
    case ExternKind.table: return { kind: 1, t: d.type };
    case ExternKind.memory: return { kind: 2, t: d.type };
    case ExternKind.global: return { kind: 3, t: d.type };
    case ExternKind.tag: return { kind: 4, t: m.types[d.type.typeIndex]! };
  }
}

/** The type of entity `index` of a kind, looking through imports first (the index spaces of §2.5.1). */
function entityIRType(m: Module, kind: number, index: number): IRType {
  const imported = m.imports.filter((i) => i.desc.kind === kind);
  if (index < imported.length) return importIRType(m, imported[index]!.desc);
  const i = index - imported.length;
  switch (kind) {
    case ExternKind.func: return { kind: 0, t: m.types[m.funcs[i]!]! };
    case ExternKind.table: return { kind: 1, t: m.tables[i]! };
    case ExternKind.memory: return { kind: 2, t: m.memories[i]! };
    case ExternKind.global: return { kind: 3, t: m.globals[i]!.type };
    default: return { kind: 4, t: m.types[m.tags[i]!.typeIndex]! };
  }
}

function funcTypeOf(m: Module, index: number): FuncType {
  return m.types[funcTypeIndices(m)[index]!]!;
}

/** The definition of function `index` of module `m` (named `moduleName`). */
export function functionDefinition(m: Module, moduleName: string, index: number): FunctionDefinition {
  const t = funcTypeOf(m, index);
  const funcImports = m.imports.filter((i) => i.desc.kind === ExternKind.func);
  const imp = index < funcImports.length ? funcImports[index] : undefined;
  const localNames = m.names?.locals.get(index);
  const def: FunctionDefinition = {
    moduleName: imp ? imp.module : moduleName,
    index,
    name: m.names?.functions.get(index) ?? (imp ? imp.name : `$${index}`),
    ...(imp ? { import: [imp.module, imp.name] as const } : {}),
    exportNames: m.exports.filter((e) => e.kind === ExternKind.func && e.index === index).map((e) => e.name),
    params: names(t.params),
    results: names(t.results),
    ...(localNames ? { paramNames: t.params.map((_, i) => localNames.get(i)) } : {}),
  };
  return Object.freeze(def);
}

export class CompiledModuleImpl implements CompiledModule {
  readonly module: Module;
  readonly engineModule: EngineModule;
  readonly features: number;
  closed = false;

  constructor(module: Module, engineModule: EngineModule, features: number) {
    this.module = module;
    this.engineModule = engineModule;
    this.features = features;
  }

  get name(): string | undefined {
    return this.module.names?.module;
  }
  get engine(): EngineKind {
    return this.engineModule.kind;
  }
  imports(): ImportDescription[] {
    const m = this.module;
    return m.imports.map((i) => ({ module: i.module, name: i.name, type: toExternType(importIRType(m, i.desc)) }));
  }
  exports(): ExportDescription[] {
    const m = this.module;
    return m.exports.map((e) => ({ name: e.name, type: toExternType(entityIRType(m, e.kind, e.index)) }));
  }
  importedFunctions(): FunctionDefinition[] {
    const n = this.module.imports.filter((i) => i.desc.kind === ExternKind.func).length;
    const out: FunctionDefinition[] = [];
    for (let i = 0; i < n; i++) out.push(functionDefinition(this.module, this.name ?? '', i));
    return out;
  }
  exportedFunctions(): Map<string, FunctionDefinition> {
    const out = new Map<string, FunctionDefinition>();
    for (const e of this.module.exports) {
      if (e.kind === ExternKind.func) out.set(e.name, functionDefinition(this.module, this.name ?? '', e.index));
    }
    return out;
  }
  customSections(name: string): Uint8Array[] {
    return this.module.customs.filter((c) => c.name === name).map((c) => c.data.slice());
  }
  close(): void {
    this.closed = true;
  }
}

/** What bounded calls need from the runtime. */
export interface CallHost {
  /** The runtime's meter (null when neither fuel nor closeOnContextDone is on). */
  readonly meter: Meter | null;
  /** RuntimeConfig.closeOnContextDone. */
  readonly bounded: boolean;
}

function toBounds(o: CallOptions): CallBounds | null {
  if (typeof o !== 'object' || o === null) throw new TypeError('call options must be an object');
  const b: CallBounds = {};
  if (o.timeout !== undefined) {
    if (typeof o.timeout !== 'number' || !(o.timeout >= 0)) {
      throw new TypeError(`CallOptions.timeout must be a number of milliseconds >= 0, not ${String(o.timeout)}`);
    }
    b.deadline = clock() + o.timeout;
  }
  if (o.signal !== undefined) {
    if (typeof o.signal !== 'object' || o.signal === null || typeof o.signal.aborted !== 'boolean') {
      throw new TypeError('CallOptions.signal must be an AbortSignal');
    }
    b.signal = o.signal;
  }
  if (o.cancel !== undefined) {
    const flag = cancelFlagOf(o.cancel);
    if (!flag) throw new TypeError('CallOptions.cancel must come from newCancelToken() or cancelTokenFrom()');
    b.flag = flag;
  }
  return b.deadline === undefined && !b.signal && !b.flag ? null : b;
}

/**
 * Runs `fn` within the bounds of `options`. When the meter stops the guest because of them, `onStop`
 * closes what must be closed and the ExitError propagates (wazero's WithCloseOnContextDone).
 */
export function runBounded<T>(host: CallHost, options: CallOptions | undefined, onStop: (code: number) => void, fn: () => T): T {
  const b = options === undefined ? null : toBounds(options);
  if (!b) return fn();
  if (!host.bounded || !host.meter) {
    throw new TypeError('timeouts, signals and cancel tokens need RuntimeConfig.withCloseOnContextDone(true)');
  }
  const meter = host.meter;
  const ctx = meter.enter(b);
  try {
    // Bounds already due (an aborted signal, a set token, a past deadline) stop the call before it
    // runs any guest code: engines check only where a guest could run on (function entries, branches
    // back), which a short call may never reach.
    const due = ctx.due(clock());
    if (due !== 0) ctx.stopped = new ExitError(due, exitMessage(due));
    if (ctx.stopped) throw ctx.stopped;
    return fn();
  } catch (e) {
    if (ctx.stopped) {
      onStop(ctx.stopped.exitCode);
      throw ctx.stopped;
    }
    throw e;
  } finally {
    meter.leave(ctx);
  }
}

/** Converts JS arguments to raw values for `t`, checking the count. */
export function argsToRaw(t: FuncType, args: readonly WasmValue[], what: string): unknown[] {
  if (args.length !== t.params.length) {
    throw new TypeError(`${what} takes ${t.params.length} argument(s), got ${args.length}`);
  }
  return t.params.map((p, i) => toRaw(p, args[i]));
}

export class ExportedFunctionImpl implements ExportedFunction {
  readonly definition: FunctionDefinition;
  private readonly f: FuncInst;
  private readonly owner: ModuleInstanceImpl;

  constructor(owner: ModuleInstanceImpl, f: FuncInst, definition: FunctionDefinition) {
    this.owner = owner;
    this.f = f;
    this.definition = definition;
    internals.func.set(this, f);
  }

  call(...args: WasmValue[]): WasmValue[] {
    this.owner.checkOpen();
    const t = this.f.type;
    const raw = argsToRaw(t, args, `${this.owner.name}.${this.definition.exportNames[0] ?? this.definition.name}`);
    let res: unknown[];
    try {
      res = this.f.invoke(raw);
    } catch (e) {
      // Control is back with the host: nothing the guest wrote may stay buffered (src/sys/writebehind.ts).
      if (pending.file !== null) flushWrites();
      // A guest that exits (WASI proc_exit, or stopped by a bound) is done: its module is closed,
      // whatever the code, and later calls fail with the same exit (wazero's CloseWithExitCode).
      if (e instanceof ExitError) this.owner.closeWithExitCode(e.exitCode);
      throw e;
    }
    if (pending.file !== null) flushWrites();
    return t.results.map((r, i) => fromRaw(r, res[i]));
  }

  callWith(options: CallOptions, ...args: WasmValue[]): WasmValue[] {
    this.owner.checkOpen();
    return runBounded(this.owner.calls, options, (code) => this.owner.closeWithExitCode(code), () => this.call(...args));
  }
}

export class GlobalView implements Global {
  readonly g: GlobalInst;
  constructor(g: GlobalInst) {
    this.g = g;
  }
  get type(): ValueType {
    return valTypeName(this.g.type.type) as ValueType;
  }
  get mutable(): boolean {
    return this.g.type.mutable;
  }
  get(): WasmValue {
    return fromRaw(this.g.type.type, this.g.get());
  }
  set(v: WasmValue): void {
    if (!this.g.type.mutable) throw new TypeError('cannot set an immutable global');
    this.g.set(toRaw(this.g.type.type, v));
  }
}

export class TableView implements Table {
  readonly t: TableInst;
  constructor(t: TableInst) {
    this.t = t;
  }
  get element(): ValueType {
    return valTypeName(this.t.type.elemType) as ValueType;
  }
  size(): number {
    return this.t.size();
  }
  get(index: number): WasmValue {
    return this.t.get(index);
  }
  set(index: number, v: WasmValue): void {
    this.t.set(index, v ?? null);
  }
  grow(delta: number, init: WasmValue = null): number {
    return this.t.grow(delta, init);
  }
}

export class ModuleInstanceImpl implements ModuleInstance {
  readonly name: string;
  readonly record: InstanceRecord;
  private readonly module: Module | null;
  private readonly onClose: (inst: ModuleInstanceImpl) => void;
  private views = new Map<string, unknown>();
  readonly calls: CallHost;
  closed = false;
  /** Set when the module was closed by an exit (a stopped bounded call): later calls fail the same way. */
  private exitCode: number | null = null;

  constructor(
    record: InstanceRecord,
    module: Module | null,
    onClose: (inst: ModuleInstanceImpl) => void,
    calls: CallHost = { meter: null, bounded: false },
  ) {
    this.name = record.name;
    this.record = record;
    this.module = module;
    this.onClose = onClose;
    this.calls = calls;
    internals.instance.set(this, record);
  }

  checkOpen(): void {
    if (!this.closed) return;
    if (this.exitCode !== null) throw new ExitError(this.exitCode, exitMessage(this.exitCode));
    throw new Error(`module ${this.name || '(anonymous)'} is closed`);
  }

  /** Closes the module because of an exit (wazero's CloseWithExitCode). */
  closeWithExitCode(code: number): void {
    if (this.closed) return;
    this.exitCode = code;
    this.close();
  }

  private view<T>(name: string, kind: string, make: (v: ExternVal) => T): T | undefined {
    const v = this.record.exports.get(name);
    if (!v || v.kind !== kind) return undefined;
    const key = `${kind}:${name}`;
    let view = this.views.get(key) as T | undefined;
    if (!view) {
      view = make(v);
      this.views.set(key, view);
    }
    return view;
  }

  exportedFunction(name: string): ExportedFunction | undefined {
    return this.view(name, 'func', (v) => {
      const f = v as FuncInst;
      const index = this.module?.exports.find((e) => e.name === name)?.index ?? 0;
      const def = this.module
        ? functionDefinition(this.module, this.name, index)
        : Object.freeze({
            moduleName: this.name,
            index,
            name,
            exportNames: [name],
            params: names(f.type.params),
            results: names(f.type.results),
          });
      return new ExportedFunctionImpl(this, f, def);
    });
  }
  exportedMemory(name: string): Memory | undefined {
    return this.view(name, 'memory', (v) => new MemoryView(v as MemoryInst));
  }
  exportedGlobal(name: string): Global | undefined {
    return this.view(name, 'global', (v) => new GlobalView(v as GlobalInst));
  }
  exportedTable(name: string): Table | undefined {
    return this.view(name, 'table', (v) => new TableView(v as TableInst));
  }
  memory(): Memory | undefined {
    const named = this.exportedMemory('memory');
    if (named) return named;
    for (const [n, v] of this.record.exports) if (v.kind === 'memory') return this.exportedMemory(n);
    return undefined;
  }
  exportNames(): string[] {
    return [...this.record.exports.keys()];
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.record.engine?.close();
    this.onClose(this);
  }
}

/** Adapts an engine's HostCaller to the public Caller given to user host functions. */
export function publicCaller(c: HostCaller): Caller {
  let view: MemoryView | undefined;
  return {
    moduleName: c.moduleName,
    memory(): Memory | undefined {
      const m = c.memory();
      if (!m) return undefined;
      if (!view || view.inst !== m) view = new MemoryView(m);
      return view;
    },
  };
}

export { Trap };
