// The compiler engine: hands modules wasmbox has decoded and validated to the host's WebAssembly
// engine (V8 in Node), wiring imports through wasmbox's linker so host modules, other instances'
// exports and shared memories/tables/globals behave as on the interpreter.

import { CompileError, LinkError } from '../../api/errors.js';
import { ExternKind, type Module, funcTypeIndices, type MemoryType, type TableType, type GlobalType } from '../../binary/types.js';
import type { CompileOptions, Engine, EngineInstance, EngineModule, InstantiateOptions } from '../../runtime/engine.js';
import {
  CellGlobal,
  type ExternVal,
  FuncInst,
  HostFunc,
  type HostCaller,
  MemoryInst,
  TagInst,
  describeExtern,
} from '../../runtime/store.js';
import type { RawValue } from '../../runtime/values.js';
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
} from './host-objects.js';
import { hostFunctionOfType } from './tiny-modules.js';
import { mapHostError } from './traps.js';

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
  /** Host modules compiled while checking support, reused by compile. */
  private readonly probed = new WeakMap<Module, WebAssembly.Module>();

  unsupported(m: Module, _features: number, bytes: Uint8Array): string | null {
    // The host validates what it can run: a module wasmbox validated but the host rejects uses a
    // feature the host lacks (e.g. memory64 or multi-memory on Node 20).
    try {
      this.probed.set(m, new WebAssembly.Module(bytes));
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  }

  compile(m: Module, options: CompileOptions): EngineModule {
    let host = this.probed.get(m);
    if (!host) {
      try {
        host = new WebAssembly.Module(options.bytes);
      } catch (e) {
        throw new CompileError('unsupported', `the host WebAssembly engine rejected the module: ${(e as Error).message}`, '');
      }
    }
    return new CompilerModule(m, host, options);
  }

  createTable(type: TableType): HostTable {
    return new HostTable(type);
  }

  createGlobal(type: GlobalType, value: RawValue) {
    return canHostGlobal(type) ? new HostGlobal(type, value) : new CellGlobal(type, value);
  }
}

class CompilerModule implements EngineModule {
  readonly kind = 'compiler' as const;
  readonly module: Module;
  readonly host: WebAssembly.Module;
  readonly options: CompileOptions;

  constructor(m: Module, host: WebAssembly.Module, options: CompileOptions) {
    this.module = m;
    this.host = host;
    this.options = options;
  }

  instantiate(imports: readonly ExternVal[], options: InstantiateOptions): EngineInstance {
    const m = this.module;
    const inst = new CompilerInstance(options.name, options.sys);
    const obj: WebAssembly.Imports = {};
    m.imports.forEach((imp, i) => {
      const v = imports[i]!;
      (obj[imp.module] ??= {})[imp.name] = hostImport(v, inst, `${imp.module}.${imp.name}`);
    });
    let hi: WebAssembly.Instance;
    try {
      hi = new WebAssembly.Instance(this.host, obj);
    } catch (e) {
      if (e instanceof WebAssembly.LinkError) throw new LinkError('incompatible import type', e.message);
      throw mapHostError(e);
    }
    inst.bind(m, hi, imports);
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
      throw new LinkError('incompatible import type', `${what}: tags are not supported yet`);
  }
}

class CompilerInstance implements EngineInstance {
  readonly moduleName: string;
  readonly sys: object | null;
  exports: Map<string, ExternVal> = new Map();
  private mem: MemoryInst | null = null;
  private closed = false;

  constructor(name: string, sys: object | null) {
    this.moduleName = name;
    this.sys = sys;
  }

  memory(): MemoryInst | null {
    return this.mem;
  }

  /** Maps the host instance's exports to wasmbox extern values. */
  bind(m: Module, hi: WebAssembly.Instance, imports: readonly ExternVal[]): void {
    const imported = { func: [] as ExternVal[], table: [] as ExternVal[], memory: [] as ExternVal[], global: [] as ExternVal[] };
    m.imports.forEach((imp, i) => {
      const k = imp.desc.kind;
      if (k === ExternKind.func) imported.func.push(imports[i]!);
      else if (k === ExternKind.table) imported.table.push(imports[i]!);
      else if (k === ExternKind.memory) imported.memory.push(imports[i]!);
      else if (k === ExternKind.global) imported.global.push(imports[i]!);
    });
    const funcTypes = funcTypeIndices(m);
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
            const t = m.types[funcTypes[e.index]!]!;
            const fname = names?.get(e.index) ?? `$${e.index}`;
            v = new HostCompiledFunc(hv as (...a: unknown[]) => unknown, t, `${this.moduleName}.${fname}`);
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
        default:
          v = new TagInst({ params: [], results: [] });
      }
      this.exports.set(e.name, v);
    }
    const named = this.exports.get('memory');
    if (named?.kind === 'memory') this.mem = named;
    else if (imported.memory[0]) this.mem = imported.memory[0] as MemoryInst;
    else for (const v of this.exports.values()) if (v.kind === 'memory') { this.mem = v; break; }
  }

  close(): void {
    this.closed = true;
  }
}

export { FuncInst };
