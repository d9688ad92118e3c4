// The compiler engine: hands modules wasmbox has decoded and validated to the host's WebAssembly
// engine (V8 in Node), wiring imports through wasmbox's linker so host modules, other instances'
// exports and shared memories/tables/globals/tags behave as on the interpreter. When the runtime asks
// for fuel or interruption, or the module needs it for exact trap texts, the module is rewritten
// first (rewrite.ts); traps and traces are mapped back to wasmbox's (traps.ts).

import { CompileError, LinkError, type TrapCode, TrapCode as Codes, type WasmFrame } from '../../api/errors.js';
import { InstrReader } from '../../binary/instr.js';
import { decodeModule } from '../../binary/decode.js';
import { Op } from '../../binary/opcodes.js';
import { Reader } from '../../binary/reader.js';
import {
  type Code,
  ExternKind,
  type FuncType,
  type GlobalType,
  type MemoryType,
  type Module,
  type TableType,
  funcTypeIndices,
  valTypeName,
} from '../../binary/types.js';
import type { CompileOptions, Engine, EngineInstance, EngineModule, InstantiateOptions } from '../../runtime/engine.js';
import type { Meter, MeterCounter } from '../../runtime/meter.js';
import {
  CellGlobal,
  type ExternVal,
  FuncInst,
  HostFunc,
  type HostCaller,
  MemoryInst,
  type TableInst,
  TagInst,
  describeExtern,
} from '../../runtime/store.js';
import type { RawValue } from '../../runtime/values.js';
import { SIMD, featureNames, hostFeatures, usedFeatures } from './features.js';
import {
  HostCompiledFunc,
  HostGlobal,
  HostTable,
  canHostGlobal,
  hostWrapperOf,
  jsToRaw,
  rawToJs,
  setHostWrapper,
  setWrapperFactory,
  tagFromHost,
  tagToHost,
} from './host-objects.js';
import { type HostPlan, planHostModule } from './rewrite.js';
import { hostFunctionOfType } from './tiny-modules.js';
import { type Ambiguity, type TrapSource, registerSource, withTraps } from './traps.js';

const hasWasm = typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'object';

/** A JS function that calls a FuncInst made elsewhere (converting between JS and raw values). */
function jsCallerOf(f: FuncInst): (...args: unknown[]) => unknown {
  const t = f.type;
  return (...args: unknown[]) => {
    const raw = new Array(t.params.length);
    for (let i = 0; i < raw.length; i++) raw[i] = jsToRaw(t.params[i]!, args[i]);
    const res = f.invoke(raw);
    if (t.results.length === 0) return undefined;
    if (t.results.length === 1) return rawToJs(t.results[0]!, res[0]);
    return t.results.map((rt, i) => rawToJs(rt, res[i]));
  };
}

if (hasWasm) {
  // Foreign functions that must live in host tables become host wasm functions of their type.
  setWrapperFactory((f) => hostFunctionOfType(f.type, jsCallerOf(f)));
}

export function compilerEngine(): Engine | null {
  return hasWasm ? new CompilerEngine() : null;
}

class CompilerEngine implements Engine {
  readonly kind = 'compiler' as const;

  unsupported(m: Module, features: number, _bytes: Uint8Array): string | null {
    // Only the features that are enabled but missing on the host need looking for in the module;
    // usually there are none and the module is not even scanned.
    const missing = (features | SIMD) & ~hostFeatures();
    if (missing === 0) return null;
    const used = usedFeatures(m, missing, features);
    if (used === 0) return null;
    return `the host's WebAssembly does not support ${featureNames(used).join(', ')}`;
  }

  compile(m: Module, options: CompileOptions): EngineModule {
    const instrument = options.instrument.fuel || options.instrument.interrupt;
    const plan = planHostModule(m, options.bytes, {
      features: options.features,
      instrument,
      interruptOnly: options.instrument.interrupt && !options.instrument.fuel,
    });
    let host: WebAssembly.Module;
    try {
      host = new WebAssembly.Module(plan.bytes);
    } catch (e) {
      throw new CompileError('unsupported', `the host WebAssembly engine rejected the module: ${(e as Error).message}`, '');
    }
    return new CompilerModule(m, host, plan, options);
  }

  /**
   * For the compilation cache: an instrumented module's host bytes and the plan that goes with them
   * (rewriting every function is the compiler's only costly work of its own; V8 keeps its own code
   * cache). Without instrumentation at most the few functions needing trap fidelity are patched,
   * which is cheap to redo, so nothing is kept.
   */
  serialize(em: EngineModule): Uint8Array | null {
    if (!(em instanceof CompilerModule) || em.plan.shift === 0) return null;
    const { bytes, hidden, ...rest } = em.plan;
    const head = new TextEncoder().encode(JSON.stringify({ v: 2, ...rest, hidden: { ...hidden, tables: [...hidden.tables] } }));
    const out = new Uint8Array(4 + head.length + bytes.length);
    new DataView(out.buffer).setUint32(0, head.length, true);
    out.set(head, 4);
    out.set(bytes, 4 + head.length);
    return out;
  }

  deserialize(m: Module, options: CompileOptions, payload: Uint8Array): EngineModule {
    const n = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0, true);
    const head = JSON.parse(new TextDecoder().decode(payload.subarray(4, 4 + n))) as Omit<HostPlan, 'bytes' | 'hidden'> & {
      v: number;
      hidden: Omit<HostPlan['hidden'], 'tables'> & { tables: [number, string][] };
    };
    if (head.v !== 2) throw new Error('unknown compiler payload version');
    const { v: _v, hidden, ...rest } = head;
    const plan: HostPlan = { ...rest, bytes: payload.slice(4 + n), hidden: { ...hidden, tables: new Map(hidden.tables) } };
    return new CompilerModule(m, new WebAssembly.Module(plan.bytes), plan, options);
  }

  createTable(type: TableType): HostTable {
    return new HostTable(type);
  }

  createGlobal(type: GlobalType, value: RawValue) {
    return canHostGlobal(type) ? new HostGlobal(type, value) : new CellGlobal(type, value);
  }
}

/** An instruction found at a byte position (what a trap refinement needs of it). */
interface FoundInstr {
  op: number;
  /** call_indirect's table. */
  table: number;
}

export class CompilerModule implements EngineModule {
  readonly kind = 'compiler' as const;
  readonly module: Module;
  readonly host: WebAssembly.Module;
  readonly plan: HostPlan;
  readonly options: CompileOptions;
  private readonly funcTypes: number[];
  /** The host module's function bodies (decoded again from its bytes when rewritten), on demand. */
  private codes: Code[] | null = null;
  /** Original indices of the functions whose place holds a wrapper of their clone. */
  private readonly wrappers: Set<number>;

  constructor(m: Module, host: WebAssembly.Module, plan: HostPlan, options: CompileOptions) {
    this.module = m;
    this.host = host;
    this.plan = plan;
    this.options = options;
    this.funcTypes = funcTypeIndices(m);
    this.wrappers = new Set(plan.clones);
  }

  /**
   * The original index of host-module function `fn`, or -1 for what the rewrite added (the checkpoint
   * import and helper, and the wrappers left in the place of cloned functions: a clone stands for
   * its original in traces).
   */
  originalFunc(fn: number): number {
    const p = this.plan;
    if (fn < p.importedFuncs) return fn;
    if (fn < p.importedFuncs + p.shift) return -1;
    if (fn >= p.firstHelper) return p.clones[fn - p.slow - 1] ?? -1;
    if (this.wrappers.has(fn - p.shift)) return -1;
    return fn - p.shift;
  }

  funcType(orig: number): FuncType {
    return this.module.types[this.funcTypes[orig]!]!;
  }

  /** The instruction starting at module byte `position` in host-module function `fn`, if any. */
  instrAt(fn: number, position: number): FoundInstr | null {
    const p = this.plan;
    this.codes ??= p.rewritten ? decodeModule(p.bytes, { features: this.options.features }).codes : this.module.codes;
    const code = this.codes[fn - p.importedFuncs - p.shift];
    if (!code || code.offset < 0) return null;
    const rel = position - code.offset;
    const ir = new InstrReader(new Reader(code.body), this.options.features);
    while (!ir.r.eof && ir.r.pos <= rel) {
      ir.read();
      if (ir.start === rel) return { op: ir.op, table: ir.index2 };
    }
    return null;
  }

  instantiate(imports: readonly ExternVal[], options: InstantiateOptions): EngineInstance {
    const m = this.module;
    const inst = new CompilerInstance(this, options.name, options.sys, imports);
    const obj: WebAssembly.Imports = {};
    m.imports.forEach((imp, i) => {
      const v = imports[i]!;
      (obj[imp.module] ??= {})[imp.name] = hostImport(v, inst, `${imp.module}.${imp.name}`);
    });
    const cp = this.plan.checkpointImport;
    if (cp) (obj[cp.module] ??= {})[cp.name] = () => inst.checkpoint();
    let hi: WebAssembly.Instance;
    try {
      // Without a rewrite the host runs the start function itself: its frames belong to `inst`.
      hi = withTraps(() => new WebAssembly.Instance(this.host, obj), inst);
    } catch (e) {
      if (e instanceof WebAssembly.LinkError) throw new LinkError('incompatible import type', e.message);
      throw e;
    }
    inst.bind(hi, options.meter);
    const start = this.plan.hidden.start;
    if (start) {
      try {
        withTraps(() => (hi.exports[start] as () => void)(), inst);
      } catch (e) {
        inst.close();
        throw e;
      }
    }
    return inst;
  }
}

/**
 * A host function bound to its caller, with the arity spelled out: a rest parameter and a spread would
 * allocate an array on every call, which dominates cheap host calls such as clock_time_get.
 */
function bindCaller(fn: (c: HostCaller, ...a: any[]) => unknown, c: HostCaller, arity: number): Function {
  switch (arity) {
    case 0: return () => fn(c);
    case 1: return (a: unknown) => fn(c, a);
    case 2: return (a: unknown, b: unknown) => fn(c, a, b);
    case 3: return (a: unknown, b: unknown, d: unknown) => fn(c, a, b, d);
    case 4: return (a: unknown, b: unknown, d: unknown, e: unknown) => fn(c, a, b, d, e);
    case 5: return (a: unknown, b: unknown, d: unknown, e: unknown, f: unknown) => fn(c, a, b, d, e, f);
    case 6: return (a: unknown, b: unknown, d: unknown, e: unknown, f: unknown, g: unknown) => fn(c, a, b, d, e, f, g);
    case 7: return (a: unknown, b: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown) => fn(c, a, b, d, e, f, g, h);
    case 8: return (a: unknown, b: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown, i: unknown) => fn(c, a, b, d, e, f, g, h, i);
    case 9: return (a: unknown, b: unknown, d: unknown, e: unknown, f: unknown, g: unknown, h: unknown, i: unknown, j: unknown) => fn(c, a, b, d, e, f, g, h, i, j);
    default: return (...args: unknown[]) => fn(c, ...args);
  }
}

/** The host value to import for a wasmbox extern value. */
function hostImport(v: ExternVal, caller: HostCaller, what: string): WebAssembly.ImportValue {
  switch (v.kind) {
    case 'func': {
      const w = hostWrapperOf(v);
      if (w) return w;
      if (v instanceof HostFunc) return bindCaller(v.def.fn, caller, v.def.params.length);
      return jsCallerOf(v);
    }
    case 'memory': {
      const hm = v.hostMemory;
      if (!hm) throw new LinkError('incompatible import type', `${what}: this memory cannot be shared with host-compiled code`);
      return hm;
    }
    case 'table':
      if (v instanceof HostTable) return v.host;
      throw new LinkError('incompatible import type', `${what}: ${describeExtern(v)} is not held by the host engine`);
    case 'global':
      if (v instanceof HostGlobal) return v.host;
      if (!v.type.mutable) return rawToJs(v.type.type, v.get()) as number | bigint;
      throw new LinkError('incompatible import type', `${what}: a mutable global not held by the host engine`);
    case 'tag':
      return tagToHost(v);
  }
}

function resultsText(t: FuncType): string {
  if (t.results.length === 0) return '';
  if (t.results.length === 1) return valTypeName(t.results[0]!);
  return `(${t.results.map(valTypeName).join(',')})`;
}

class CompilerInstance implements EngineInstance, TrapSource {
  readonly moduleName: string;
  readonly sys: object | null;
  readonly module: CompilerModule;
  private readonly imports: readonly ExternVal[];
  exports: Map<string, ExternVal> = new Map();
  private mem: MemoryInst | null = null;
  closed = false;
  private hi: WebAssembly.Instance | null = null;
  private meter: Meter | null = null;
  private counter: MeterCounter | null = null;
  private readonly frames = new Map<number, WasmFrame>();

  constructor(module: CompilerModule, name: string, sys: object | null, imports: readonly ExternVal[]) {
    this.module = module;
    this.moduleName = name;
    this.sys = sys;
    this.imports = imports;
  }

  memory(): MemoryInst | null {
    return this.mem;
  }

  /** The checkpoint import: the next countdown, or -1 to stop (the helper then traps). */
  checkpoint(): number {
    if (!this.meter || !this.counter) return 2 ** 30;
    return this.meter.checkpointOrStop(this.counter);
  }

  // ---- TrapSource

  frame(fn: number): WasmFrame | null {
    const orig = this.module.originalFunc(fn);
    if (orig < 0) return null;
    let f = this.frames.get(orig);
    if (!f) {
      const t = this.module.funcType(orig);
      const fname = this.module.module.names?.functions.get(orig) ?? `$${orig}`;
      f = { name: `${this.moduleName}.${fname}`, params: t.params.map(valTypeName).join(','), results: resultsText(t) };
      this.frames.set(orig, f);
    }
    return f;
  }

  stopAt(fn: number): Error | null {
    if (fn !== this.module.plan.slow || !this.counter?.stopped) return null;
    const e = this.counter.stopped;
    this.counter.stopped = null;
    return e;
  }

  refine(fn: number, position: number, kind: Ambiguity): TrapCode | null {
    const ins = this.module.instrAt(fn, position);
    if (!ins) return null;
    const indirect = ins.op === Op.call_indirect || ins.op === Op.return_call_indirect;
    const hidden = this.module.plan.hidden;
    switch (kind) {
      case 'table-bounds':
        return indirect ? Codes.undefinedElement : Codes.outOfBoundsTableAccess;
      case 'null-or-signature': {
        if (!indirect || !hidden.callIndex) return null;
        const index = this.hiddenValue(hidden.callIndex) as number;
        const table = this.hostTable(ins.table);
        if (!table) return null;
        return table.get(index >>> 0) === null ? Codes.uninitializedElement : Codes.indirectCallTypeMismatch;
      }
      case 'float-unrepresentable': {
        const f32 = ins.op === Op.i32_trunc_f32_s || ins.op === Op.i32_trunc_f32_u || ins.op === Op.i64_trunc_f32_s || ins.op === Op.i64_trunc_f32_u;
        const name = f32 ? hidden.f32 : hidden.f64;
        if (!name) return null;
        return Number.isNaN(this.hiddenValue(name)) ? Codes.invalidConversionToInteger : Codes.integerOverflow;
      }
    }
  }

  private hiddenValue(name: string): unknown {
    return (this.hi?.exports[name] as WebAssembly.Global | undefined)?.value;
  }

  private hostTable(index: number): WebAssembly.Table | null {
    const hidden = this.module.plan.hidden.tables.get(index);
    if (hidden) return (this.hi?.exports[hidden] as WebAssembly.Table | undefined) ?? null;
    const imported = this.imports.filter((v) => v.kind === 'table')[index];
    return imported instanceof HostTable ? imported.host : null;
  }

  // ---- setup

  /** Maps the host instance's exports to wasmbox extern values and takes a meter counter. */
  bind(hi: WebAssembly.Instance, meter: Meter | null): void {
    const cm = this.module;
    const m = cm.module;
    this.hi = hi;
    registerSource(hi, this);
    const hidden = cm.plan.hidden;
    if (hidden.countdown && meter) {
      const g = hi.exports[hidden.countdown] as WebAssembly.Global;
      this.meter = meter;
      this.counter = meter.counter({ get: () => g.value as number, set: (v) => (g.value = v) });
    }
    const imported = { func: [] as ExternVal[], table: [] as ExternVal[], memory: [] as ExternVal[], global: [] as ExternVal[], tag: [] as ExternVal[] };
    m.imports.forEach((imp, i) => {
      const k = imp.desc.kind;
      if (k === ExternKind.func) imported.func.push(this.imports[i]!);
      else if (k === ExternKind.table) imported.table.push(this.imports[i]!);
      else if (k === ExternKind.memory) imported.memory.push(this.imports[i]!);
      else if (k === ExternKind.global) imported.global.push(this.imports[i]!);
      else imported.tag.push(this.imports[i]!);
    });
    const names = m.names?.functions;
    for (const e of m.exports) {
      const hv = hi.exports[e.name];
      let v: ExternVal;
      switch (e.kind) {
        case ExternKind.func:
          if (e.index < imported.func.length) {
            v = imported.func[e.index]!;
            setHostWrapper(v as FuncInst, hv as Function);
          } else {
            const fname = names?.get(e.index) ?? `$${e.index}`;
            v = new HostCompiledFunc(hv as (...a: unknown[]) => unknown, cm.funcType(e.index), `${this.moduleName}.${fname}`, true, this);
          }
          break;
        case ExternKind.table:
          v = e.index < imported.table.length
            ? imported.table[e.index]!
            : new HostTable(m.tables[e.index - imported.table.length]!, hv as WebAssembly.Table);
          break;
        case ExternKind.memory:
          v = e.index < imported.memory.length
            ? imported.memory[e.index]!
            : MemoryInst.fromHost(hv as WebAssembly.Memory, m.memories[e.index - imported.memory.length] as MemoryType);
          break;
        case ExternKind.global:
          v = e.index < imported.global.length
            ? imported.global[e.index]!
            : new HostGlobal(m.globals[e.index - imported.global.length]!.type, null, hv as WebAssembly.Global);
          break;
        default: {
          if (e.index < imported.tag.length) v = imported.tag[e.index]!;
          else {
            const t = m.tags[e.index - imported.tag.length]!;
            v = tagFromHost(hv as WebAssembly.Tag, m.types[t.typeIndex]!);
          }
        }
      }
      this.exports.set(e.name, v);
    }
    const named = this.exports.get('memory');
    if (named?.kind === 'memory') this.mem = named;
    else if (imported.memory[0]) this.mem = imported.memory[0] as MemoryInst;
    else for (const v of this.exports.values()) if (v.kind === 'memory') { this.mem = v; break; }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.counter?.release();
  }
}

export { FuncInst };
