// The Runtime: compiles modules (decode, validate, pick an engine), instantiates them against its
// namespace of named instances, and builds host modules. Engines are handed in by src/index.ts, the
// composition root, so this file does not depend on any engine.

import type { ModuleConfig, RuntimeConfig } from '../api/config.js';
import { newModuleConfig } from '../api/config.js';
import { CompileError, ExitError } from '../api/errors.js';
import { allFeatures } from '../api/features.js';
import type { CallOptions, CompiledModule, HostModuleBuilder, Limits, ModuleInstance, Runtime } from '../api/types.js';
import { decodeModule } from '../binary/decode.js';
import { ExternKind, type Module, type ValType } from '../binary/types.js';
import { validateModule } from '../validate/index.js';
import { type CallHost, CompiledModuleImpl, type InstanceRecord, ModuleInstanceImpl, internals, runBounded } from './api-module.js';
import { openCached } from './compilation-cache.js';
import type { Engine, EngineKind, Instrumentation } from './engine.js';
import { HostModuleBuilderImpl } from './host-module.js';
import { resolveImports } from './link.js';
import { Meter } from './meter.js';
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
  if (typeof c.closeOnContextDone !== 'boolean') {
    throw bad('closeOnContextDone', `must be true or false, not ${String(c.closeOnContextDone)}`);
  }
  if (!Number.isSafeInteger(c.fuel) || c.fuel < 0) {
    throw bad('fuel', `must be a whole number of units >= 0 (0: no fuel metering), not ${c.fuel}`);
  }
  const cc = c.compilationCache;
  if (cc !== undefined && (typeof cc?.get !== 'function' || typeof cc?.set !== 'function')) {
    throw bad('compilationCache', 'expected a cache from newCompilationCacheWithDir() or newCompilationCache()');
  }
}

/**
 * What engines are asked to instrument. One value for the compile options and the compilation cache's
 * key, so cached entries never mix instrumented and plain compiles.
 */
function instrumentationOf(c: RuntimeConfig): Instrumentation {
  return { fuel: c.fuel > 0, interrupt: c.closeOnContextDone };
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
  /** Fuel and interruption for every instance of this runtime (see meter.ts); null when neither is on. */
  readonly meter: Meter | null;
  private readonly calls: CallHost;

  constructor(config: RuntimeConfig, engines: EngineSet) {
    checkConfig(config);
    if (config.engine === 'compiler' && !engines.compiler) {
      throw new TypeError('RuntimeConfig.engine: "compiler" needs a host with WebAssembly (none here)');
    }
    this.config = config;
    this.engines = engines;
    this.meter = config.fuel > 0 || config.closeOnContextDone ? new Meter(config.fuel) : null;
    this.calls = { meter: this.meter, bounded: config.closeOnContextDone };
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
      hostMemories: this.config.engine !== 'interpreter',
    };
    let em = cached?.restore(engine, m, options);
    if (!em) {
      try {
        em = engine.compile(m, options);
      } catch (e) {
        // `auto`: a module the host refuses after all (a limit its feature probes cannot see) still runs.
        if (this.config.engine !== 'auto' || engine === this.engines.interpreter || !(e instanceof CompileError) || e.kind !== 'unsupported') throw e;
        em = this.engines.interpreter.compile(m, options);
      }
    }
    cached?.store(em.kind === engine.kind ? engine : this.engines.interpreter, em);
    const c = new CompiledModuleImpl(m, em, features);
    internals.compiled.set(c, c);
    this.compiled.add(c);
    return c;
  }

  instantiate(compiled: CompiledModule, config: ModuleConfig = newModuleConfig(), options?: CallOptions): ModuleInstance {
    this.checkOpen();
    const made: { inst?: ModuleInstanceImpl } = {};
    // The start function and the start functions run within the same bounds; a stop closes the
    // instance (if it got that far) like any other failure here.
    return runBounded(this.calls, options, (code) => made.inst?.closeWithExitCode(code), () =>
      this.instantiateIn(compiled, config, (i) => (made.inst = i)),
    );
  }

  private instantiateIn(compiled: CompiledModule, config: ModuleConfig, made: (i: ModuleInstanceImpl) => void): ModuleInstance {
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
      ei = c.engineModule.instantiate(imports, { name, sys, meter: this.meter });
    } catch (e) {
      sys.close();
      throw e;
    }
    const record: InstanceRecord = { name, sys, exports: ei.exports, engine: ei };
    const inst = new ModuleInstanceImpl(
      record,
      c.module,
      (i) => {
        this.forget(i);
        sys.close();
      },
      this.calls,
    );
    made(inst);
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

  instantiateBytes(bytes: ArrayBuffer | ArrayBufferView, config?: ModuleConfig, options?: CallOptions): ModuleInstance {
    return this.instantiate(this.compile(bytes), config, options);
  }

  fuelConsumed(): number {
    return this.meter?.consumed() ?? 0;
  }

  addFuel(units: number): void {
    if (!this.meter?.fuel) throw new TypeError('addFuel needs a runtime with fuel (RuntimeConfig.withFuel)');
    if (!Number.isSafeInteger(units) || units < 0) throw new TypeError(`addFuel: units must be a whole number >= 0, not ${units}`);
    this.meter.addFuel(units);
  }

  newHostModuleBuilder(moduleName: string): HostModuleBuilder {
    this.checkOpen();
    return new HostModuleBuilderImpl(moduleName, {
      newMemory: (limits: Limits & { shared?: boolean }) =>
        new MemoryInst(
          { limits: { ...limits }, ...(limits.shared ? { shared: true } : {}) },
          this.config.memoryLimitPages,
          this.config.engine !== 'interpreter',
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
    const inst = new ModuleInstanceImpl(record, null, (i) => this.forget(i), this.calls);
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
