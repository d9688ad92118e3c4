// The Runtime: compiles modules (decode, validate, pick an engine), instantiates them against its
// namespace of named instances, and builds host modules. Engines are handed in by src/index.ts, the
// composition root, so this file does not depend on any engine.

import type { ModuleConfig, RuntimeConfig } from '../api/config.js';
import { newModuleConfig } from '../api/config.js';
import { CompileError, ExitError } from '../api/errors.js';
import { allFeatures } from '../api/features.js';
import type { CompiledModule, HostModuleBuilder, Limits, ModuleInstance, Runtime } from '../api/types.js';
import { decodeModule } from '../binary/decode.js';
import { ExternKind, type Module, type ValType } from '../binary/types.js';
import { validateModule } from '../validate/index.js';
import { CompiledModuleImpl, type InstanceRecord, ModuleInstanceImpl, internals } from './api-module.js';
import { openCached } from './compilation-cache.js';
import type { Engine, EngineKind, Instrumentation } from './engine.js';
import { HostModuleBuilderImpl } from './host-module.js';
import { resolveImports } from './link.js';
import { SysContext } from '../sys/context.js';
import { disableWriteBehind } from '../sys/writebehind.js';
import { ArrayTable, CellGlobal, type ExternVal, type GlobalInst, MAX_PAGES_32, MemoryInst, type TableInst } from './store.js';

export interface EngineSet {
  interpreter: Engine;
  /** Null where the host has no WebAssembly (e.g. node --jitless). */
  compiler: Engine | null;
}

function checkConfig(c: RuntimeConfig): void {
  const bad = (field: string, why: string) => new TypeError(`RuntimeConfig.${field}: ${why}`);
  if (!['auto', 'interpreter', 'compiler'].includes(c.engine)) {
    throw bad('engine', `must be "auto", "interpreter" or "compiler", not ${JSON.stringify(c.engine)}`);
  }
  if (!Number.isInteger(c.features) || (c.features & ~allFeatures) !== 0) {
    throw bad('features', 'unknown feature bits (use the Features flags)');
  }
  if (!Number.isInteger(c.callStackLimit) || c.callStackLimit < 1) {
    throw bad('callStackLimit', `must be a positive integer, not ${c.callStackLimit}`);
  }
  if (!Number.isInteger(c.memoryLimitPages) || c.memoryLimitPages < 0 || c.memoryLimitPages > MAX_PAGES_32) {
    throw bad('memoryLimitPages', `must be an integer from 0 to ${MAX_PAGES_32}, not ${c.memoryLimitPages}`);
  }
  const cc = c.compilationCache;
  if (cc !== undefined && (typeof cc?.get !== 'function' || typeof cc?.set !== 'function')) {
    throw bad('compilationCache', 'expected a cache from newCompilationCacheWithDir() or newCompilationCache()');
  }
}

/**
 * What engines are asked to instrument. One value for the compile options and the compilation cache's
 * key, so cached entries never mix instrumented and plain compiles. (The fuel and deadline fields come
 * with the runtime's bounded calls; until then a config has neither and nothing is instrumented.)
 */
function instrumentationOf(c: RuntimeConfig): Instrumentation {
  const x = c as RuntimeConfig & { fuel?: number; closeOnContextDone?: boolean };
  return { fuel: (x.fuel ?? 0) > 0, interrupt: x.closeOnContextDone === true };
}

function checkModuleConfig(c: ModuleConfig): void {
  if (c.name !== undefined && typeof c.name !== 'string') throw new TypeError('ModuleConfig.name must be a string');
  for (const s of c.startFunctions) {
    if (typeof s !== 'string') throw new TypeError('ModuleConfig.startFunctions must be strings');
  }
}

function usesSharedMemory(m: Module): boolean {
  return m.memories.some((t) => t.shared) || m.imports.some((i) => i.desc.kind === ExternKind.memory && !!i.desc.type.shared);
}

function toBytes(b: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (b instanceof ArrayBuffer) return new Uint8Array(b).slice();
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
  throw new TypeError('compile needs the module bytes as an ArrayBuffer or a typed array');
}

export class RuntimeImpl implements Runtime {
  readonly config: RuntimeConfig;
  private readonly engines: EngineSet;
  private readonly namespace = new Map<string, ModuleInstanceImpl>();
  private readonly instances = new Set<ModuleInstanceImpl>();
  private readonly compiled = new Set<CompiledModuleImpl>();
  private closed = false;

  constructor(config: RuntimeConfig, engines: EngineSet) {
    checkConfig(config);
    if (config.engine === 'compiler' && !engines.compiler) {
      throw new TypeError('RuntimeConfig.engine: "compiler" needs a host with WebAssembly (none here)');
    }
    this.config = config;
    this.engines = engines;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('runtime is closed');
  }

  /** The engine for a module: the configured one, or for `auto` the compiler when it can run it. */
  private chooseEngine(m: Module, bytes: Uint8Array): Engine {
    const { engine, features } = this.config;
    const { interpreter, compiler } = this.engines;
    if (engine === 'interpreter') return interpreter;
    if (engine === 'compiler') {
      const why = compiler!.unsupported(m, features, bytes);
      if (why) throw new CompileError('unsupported', `the compiler engine cannot run this module: ${why}`, '');
      return compiler!;
    }
    if (compiler && compiler.unsupported(m, features, bytes) === null) return compiler;
    return interpreter;
  }

  /** The engine kind host-made tables and globals should suit. */
  private get preferred(): Engine | null {
    return this.config.engine === 'interpreter' ? null : this.engines.compiler;
  }

  compile(bytes: ArrayBuffer | ArrayBufferView): CompiledModule {
    this.checkOpen();
    const copy = toBytes(bytes);
    const features = this.config.features;
    const instrument = instrumentationOf(this.config);
    // With a compilation cache, an entry for these bytes and this configuration vouches that they
    // validated, and may carry the engine's compiled form (see compilation-cache.ts).
    const cached = openCached(this.config, copy, instrument);
    const m = decodeModule(copy, { features });
    if (!cached?.validated) validateModule(m, features);
    const engine = this.chooseEngine(m, copy);
    const options = {
      bytes: copy,
      features,
      name: m.names?.module ?? '',
      callStackLimit: this.config.callStackLimit,
      memoryLimitPages: this.config.memoryLimitPages,
      instrument,
    };
    const em = cached?.restore(engine, m, options) ?? engine.compile(m, options);
    cached?.store(engine, em);
    const c = new CompiledModuleImpl(m, em, features);
    internals.compiled.set(c, c);
    this.compiled.add(c);
    return c;
  }

  instantiate(compiled: CompiledModule, config: ModuleConfig = newModuleConfig()): ModuleInstance {
    this.checkOpen();
    const c = internals.compiled.get(compiled);
    if (!c || !this.compiled.has(c)) throw new TypeError('instantiate needs a module compiled by this runtime');
    if (c.closed) throw new Error('the compiled module is closed');
    checkModuleConfig(config);
    const name = config.name ?? c.name ?? '';
    if (name !== '' && this.namespace.has(name)) {
      throw new Error(`module[${name}] has already been instantiated`);
    }
    const imports = resolveImports(c.module, {
      resolve: (mod, item) => this.namespace.get(mod)?.record.exports.get(item),
    });
    // Another thread could learn of a buffered write through a shared memory without any host call
    // here, so a thread running such a module never buffers writes again (src/sys/writebehind.ts).
    if (usesSharedMemory(c.module)) disableWriteBehind();
    // The instance's system resources (WASI): built and checked before anything runs, closed with it.
    const sys = new SysContext(config);
    let ei;
    try {
      ei = c.engineModule.instantiate(imports, { name, sys });
    } catch (e) {
      sys.close();
      throw e;
    }
    const record: InstanceRecord = { name, sys, exports: ei.exports, engine: ei };
    const inst = new ModuleInstanceImpl(record, c.module, (i) => {
      this.forget(i);
      sys.close();
    });
    this.instances.add(inst);
    if (name !== '') this.namespace.set(name, inst);
    try {
      for (const fname of config.startFunctions) {
        const f = inst.exportedFunction(fname);
        if (f) f.call();
      }
    } catch (e) {
      inst.close();
      if (e instanceof ExitError && e.exitCode === 0) return inst;
      throw e;
    }
    return inst;
  }

  instantiateBytes(bytes: ArrayBuffer | ArrayBufferView, config?: ModuleConfig): ModuleInstance {
    return this.instantiate(this.compile(bytes), config);
  }

  newHostModuleBuilder(moduleName: string): HostModuleBuilder {
    this.checkOpen();
    return new HostModuleBuilderImpl(moduleName, {
      newMemory: (limits: Limits & { shared?: boolean }) =>
        new MemoryInst(
          { limits: { ...limits }, ...(limits.shared ? { shared: true } : {}) },
          this.config.memoryLimitPages,
        ),
      newTable: (element: ValType, limits: Limits): TableInst => {
        const type = { elemType: element, limits: { ...limits } };
        return this.preferred?.createTable?.(type) ?? new ArrayTable(type);
      },
      newGlobal: (type: ValType, mutable: boolean, raw: unknown): GlobalInst => {
        const gt = { type, mutable };
        return this.preferred?.createGlobal?.(gt, raw) ?? new CellGlobal(gt, raw);
      },
      register: (name: string, exports: Map<string, ExternVal>) => this.registerHost(name, exports),
    });
  }

  /** Registers a host module's exports under its name. */
  registerHost(name: string, exports: Map<string, ExternVal>): ModuleInstance {
    this.checkOpen();
    if (name !== '' && this.namespace.has(name)) throw new Error(`module[${name}] has already been instantiated`);
    const record: InstanceRecord = { name, exports, engine: null };
    const inst = new ModuleInstanceImpl(record, null, (i) => this.forget(i));
    this.instances.add(inst);
    if (name !== '') this.namespace.set(name, inst);
    return inst;
  }

  /** Registers an existing instance's exports under another name (the spec suite's `register`). */
  alias(name: string, inst: ModuleInstance): void {
    const rec = internals.instance.get(inst);
    if (!rec) throw new TypeError('alias needs an instance of this runtime');
    this.registerHost(name, new Map(rec.exports));
  }

  module(name: string): ModuleInstance | undefined {
    return this.namespace.get(name);
  }

  private forget(i: ModuleInstanceImpl): void {
    this.instances.delete(i);
    if (this.namespace.get(i.name) === i) this.namespace.delete(i.name);
  }

  /** Which engine a compiled module uses. */
  engineOf(c: CompiledModule): EngineKind {
    return internals.compiled.get(c)!.engine;
  }

  close(): void {
    if (this.closed) return;
    for (const i of [...this.instances]) i.close();
    for (const c of this.compiled) c.close();
    this.compiled.clear();
    this.closed = true;
  }
}
