// Interpreter modules and instances: the glue between the engine interface (src/runtime/engine.ts),
// the store objects (src/runtime/store.ts) and the executor. Instantiation follows the spec's order
// (§4.5.4) with the engine-neutral helpers of src/runtime/instantiate.ts.

import { ExternKind, type GlobalType, type Module, ValType, funcTypeIndices, importCounts } from '../../binary/types.js';
import type { CompileOptions, EngineInstance, EngineModule, InstantiateOptions } from '../../runtime/engine.js';
import {
  buildExports,
  evalConst,
  evalSegments,
  importSpaces,
  initSegments,
} from '../../runtime/instantiate.js';
import {
  ArrayTable,
  type ExternVal,
  type FuncInst,
  type GlobalInst,
  MemoryInst,
  type Ref,
  type TableInst,
  TagInst,
} from '../../runtime/store.js';
import type { MeterCounter } from '../../runtime/meter.js';
import type { RawValue } from '../../runtime/values.js';
import { invoke } from './entry.js';
import { type ExecInstance, InterpFunc, type Lowered } from './func.js';
import { type LowerContext, lowerFunction, memoryIs64 } from './lower.js';

// Interpreter functions called from JS run through the executor's entry point.
InterpFunc.invoker = invoke;

const hasWasm = typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'object';

/** A global whose value lives in a small Int32Array the executor reads and writes directly. */
export class SlotGlobal implements GlobalInst {
  readonly kind = 'global' as const;
  readonly type: GlobalType;
  /** The value's words (i32/f32: [0]; i64/f64: [0] low, [1] high; v128: [0..3]). */
  readonly w = new Int32Array(4);
  ref: unknown = null;

  constructor(type: GlobalType, value: RawValue) {
    this.type = type;
    this.set(value);
  }

  get(): RawValue {
    return readWords(this.type.type, this.w, this.ref);
  }

  set(v: RawValue): void {
    const t = this.type.type;
    if (t === ValType.funcref || t === ValType.externref) this.ref = v;
    else writeWords(t, this.w, v);
  }
}

function readWords(t: number, w: Int32Array, ref: unknown): RawValue {
  switch (t) {
    case ValType.i32: return w[0]!;
    case ValType.f32: return w[0]! >>> 0;
    case ValType.i64: return (BigInt(w[1]!) << 32n) | BigInt(w[0]! >>> 0);
    case ValType.f64: return (BigInt(w[1]! >>> 0) << 32n) | BigInt(w[0]! >>> 0);
    case ValType.v128:
      return (BigInt(w[3]! >>> 0) << 96n) | (BigInt(w[2]! >>> 0) << 64n) | (BigInt(w[1]! >>> 0) << 32n) | BigInt(w[0]! >>> 0);
    default: return ref;
  }
}

function writeWords(t: number, w: Int32Array, v: RawValue): void {
  switch (t) {
    case ValType.i32:
    case ValType.f32:
      w[0] = v as number;
      return;
    case ValType.i64:
    case ValType.f64: {
      const b = v as bigint;
      w[0] = Number(BigInt.asIntN(32, b));
      w[1] = Number(BigInt.asIntN(32, b >> 32n));
      return;
    }
    case ValType.v128: {
      const b = v as bigint;
      for (let i = 0; i < 4; i++) w[i] = Number(BigInt.asIntN(32, b >> BigInt(32 * i)));
      return;
    }
  }
}

const emptyBuffer = new ArrayBuffer(0);

export class InterpInstance implements EngineInstance, ExecInstance {
  readonly moduleName: string;
  /** System resources for host functions this instance calls (InstantiateOptions.sys; WASI reads it). */
  readonly sys: object | null;
  exports: Map<string, ExternVal> = new Map();
  funcs: FuncInst[] = [];
  tables: TableInst[] = [];
  mems: MemoryInst[] = [];
  globals: GlobalInst[] = [];
  tags: TagInst[] = [];
  /** Per global: the words the executor reads directly, or null for a mutable global held elsewhere. */
  gw: (Int32Array | null)[] = [];
  /** The same words seen as Float64Array (f64 globals are read as doubles, see ops.ts movf64). */
  gf: (Float64Array | null)[] = [];
  elems: Ref[][] = [];
  datas: Uint8Array[] = [];
  /**
   * The instance's countdown for fuel and interruption (src/runtime/meter.ts), taken from
   * InstantiateOptions.meter when the module was compiled with instrumentation; null otherwise (then
   * the lowered code has no `fuel` instruction and nothing reads it). The executor decrements
   * `counter.countdown` at every function entry and loop header and calls `counter.checkpoint()` when
   * it goes below zero; what the checkpoint throws unwinds like a trap, with the wasm stack trace.
   */
  readonly counter: MeterCounter | null;
  /** Call-depth limit (CompileOptions.callStackLimit). */
  readonly limit: number;
  closed = false;
  // memory 0, as the executor sees it (refreshed by syncMem when its buffer changes)
  mem0: MemoryInst | null = null;
  memBuf: ArrayBuffer = emptyBuffer;
  dv: DataView = new DataView(emptyBuffer);
  u8: Uint8Array = new Uint8Array(0);
  memLen = 0;

  constructor(name: string, sys: object | null, limit: number, counter: MeterCounter | null) {
    this.moduleName = name;
    this.sys = sys;
    this.limit = limit;
    this.counter = counter;
  }

  /** Refreshes the memory-0 views after growth (the buffer of a grown memory is a new object). */
  syncMem(): void {
    const m = this.mem0;
    if (m === null) return;
    const b = m.buffer;
    const n = m.byteLength;
    // A buffer may keep its identity when the memory grows (resizable, or with room: see MemoryInst):
    // compare the length too. The views cover exactly the memory.
    if (b !== this.memBuf || n !== this.memLen) {
      this.memBuf = b;
      this.dv = new DataView(b, 0, n);
      this.u8 = new Uint8Array(b, 0, n);
      this.memLen = n;
    }
  }

  memory(): MemoryInst | null {
    const named = this.exports.get('memory');
    if (named?.kind === 'memory') return named;
    return this.mems[0] ?? null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.counter?.release();
  }
}

export class InterpModule implements EngineModule {
  readonly kind = 'interpreter' as const;
  readonly module: Module;
  readonly options: CompileOptions;
  readonly lowered: Lowered[];

  /** `lowered`: the functions' lowered forms when they come from a cache (serialize.ts), else lowered here. */
  constructor(m: Module, options: CompileOptions, optimize = true, lowered?: Lowered[]) {
    this.module = m;
    this.options = options;
    if (lowered) {
      this.lowered = lowered;
      return;
    }
    const globalTypes: number[] = [];
    for (const imp of m.imports) if (imp.desc.kind === ExternKind.global) globalTypes.push(imp.desc.type.type);
    for (const g of m.globals) globalTypes.push(g.type.type);
    const ctx: LowerContext = {
      module: m,
      features: options.features,
      funcTypes: funcTypeIndices(m),
      importedFuncs: importCounts(m).funcs,
      globalTypes,
      memory64: memoryIs64(m),
      instrument: options.instrument.fuel || options.instrument.interrupt,
      optimize,
    };
    this.lowered = [];
    for (let i = 0; i < m.codes.length; i++) this.lowered.push(lowerFunction(ctx, ctx.importedFuncs + i));
  }

  instantiate(imports: readonly ExternVal[], options: InstantiateOptions): InterpInstance {
    const m = this.module;
    const name = options.name;
    const instrumented = this.options.instrument.fuel || this.options.instrument.interrupt;
    const counter = instrumented && options.meter ? options.meter.counter() : null;
    const inst = new InterpInstance(name, options.sys, this.options.callStackLimit, counter);
    const s = importSpaces(imports);
    const types = funcTypeIndices(m);
    const imported = s.funcs.length;
    const names = m.names?.functions;
    for (let i = 0; i < m.codes.length; i++) {
      const idx = imported + i;
      const fname = names?.get(idx) ?? `$${idx}`;
      s.funcs.push(new InterpFunc(m.types[types[idx]!]!, `${name}.${fname}`, this.lowered[i]!, inst, idx));
    }
    for (const t of m.tables) s.tables.push(new ArrayTable(t));
    for (const mt of m.memories) s.memories.push(new MemoryInst(mt, this.options.memoryLimitPages, hasWasm && this.options.hostMemories !== false));
    for (const g of m.globals) s.globals.push(new SlotGlobal(g.type, evalConst(g.init, s)));
    for (const t of m.tags) s.tags.push(new TagInst(m.types[t.typeIndex]!));
    inst.funcs = s.funcs;
    inst.tables = s.tables;
    inst.mems = s.memories;
    inst.globals = s.globals;
    inst.tags = s.tags;
    inst.gw = s.globals.map((g) => {
      if (g instanceof SlotGlobal) return g.w;
      if (g.type.mutable) return null;
      // An immutable global from elsewhere never changes: keep a private copy of its words.
      const w = new Int32Array(4);
      writeWords(g.type.type, w, g.get());
      return w;
    });
    inst.gf = inst.gw.map((w) => (w === null ? null : new Float64Array(w.buffer, w.byteOffset, 2)));
    inst.mem0 = s.memories[0] ?? null;
    inst.syncMem();
    const seg = evalSegments(m, s);
    inst.elems = seg.elems;
    inst.datas = seg.datas;
    inst.exports = buildExports(m, s);
    initSegments(m, s, seg);
    if (m.start !== null) s.funcs[m.start]!.invoke([]);
    return inst;
  }
}
