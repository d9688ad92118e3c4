// Host modules: modules written in JavaScript whose exports wasm modules import (wazero's
// HostModuleBuilder). Functions are data (HostFunctionDef), so host logging and introspection read the
// same record the engines call.

import type {
  Caller,
  HostFunction,
  HostModuleBuilder,
  Limits,
  ModuleInstance,
  ValueType,
  WasmValue,
} from '../api/types.js';
import { type ValType, valTypeByName } from '../binary/types.js';
import { publicCaller } from './api-module.js';
import {
  type ExternVal,
  type GlobalInst,
  type HostCaller,
  HostFunc,
  type HostFunctionDef,
  MemoryInst,
  type TableInst,
} from './store.js';
import { toRaw } from './values.js';
import { flushWrites, pending } from '../sys/writebehind.js';

/** What a host module builder needs from its runtime. */
export interface HostModuleHost {
  newMemory(limits: Limits & { shared?: boolean }): MemoryInst;
  newTable(element: ValType, limits: Limits): TableInst;
  newGlobal(type: ValType, mutable: boolean, raw: unknown): GlobalInst;
  register(name: string, exports: Map<string, ExternVal>): ModuleInstance;
}

export function valType(name: ValueType | string, what: string): ValType {
  const t = valTypeByName(name);
  if (t === undefined) throw new TypeError(`${what}: unknown value type ${JSON.stringify(name)}`);
  return t;
}

/** Wraps a public host function (which receives a public Caller) as an internal definition. */
export function hostFunctionDef(f: HostFunction): HostFunctionDef {
  if (typeof f.name !== 'string') throw new TypeError('a host function needs a name');
  if (typeof f.fn !== 'function') throw new TypeError(`host function ${f.name}: fn must be a function`);
  const params = f.params.map((p) => valType(p, `host function ${f.name}`));
  const results = f.results.map((r) => valType(r, `host function ${f.name}`));
  const callers = new WeakMap<HostCaller, Caller>();
  const user = f.fn;
  return {
    name: f.name,
    params,
    results,
    ...(f.paramNames ? { paramNames: f.paramNames } : {}),
    ...(f.resultNames ? { resultNames: f.resultNames } : {}),
    fn(hc: HostCaller, ...args: unknown[]) {
      // Host code is about to run: it must see every byte the guest wrote (src/sys/writebehind.ts).
      if (pending.file !== null) flushWrites();
      let c = callers.get(hc);
      if (!c) {
        c = publicCaller(hc);
        callers.set(hc, c);
      }
      return user(c, ...args);
    },
  };
}

export class HostModuleBuilderImpl implements HostModuleBuilder {
  readonly name: string;
  private readonly host: HostModuleHost;
  private readonly items: [string, () => ExternVal][] = [];

  constructor(name: string, host: HostModuleHost) {
    if (typeof name !== 'string') throw new TypeError('a host module needs a name');
    this.name = name;
    this.host = host;
  }

  private add(name: string, make: () => ExternVal): this {
    if (this.items.some(([n]) => n === name)) throw new Error(`${this.name}: duplicate export ${name}`);
    this.items.push([name, make]);
    return this;
  }

  exportFunction(
    a: HostFunction | string,
    type?: { params: readonly ValueType[]; results: readonly ValueType[]; paramNames?: readonly string[] },
    fn?: (caller: Caller, ...args: any[]) => unknown,
  ): HostModuleBuilder {
    const f: HostFunction =
      typeof a === 'string'
        ? { name: a, params: type?.params ?? [], results: type?.results ?? [], ...(type?.paramNames ? { paramNames: type.paramNames } : {}), fn: fn! }
        : a;
    const def = hostFunctionDef(f);
    return this.add(f.name, () => new HostFunc(this.name, def));
  }

  /**
   * Adds an internal definition as is (WASI, spectest): its fn receives the engine's HostCaller. Unlike
   * exportFunction, nothing flushes buffered guest writes before it runs (src/sys/writebehind.ts): a
   * definition that lets anything observe files must do so itself (WASI's functions do, in sysOf).
   */
  exportDef(def: HostFunctionDef): this {
    return this.add(def.name, () => new HostFunc(this.name, def));
  }

  exportMemory(name: string, limits: Limits & { shared?: boolean }): HostModuleBuilder {
    return this.add(name, () => this.host.newMemory(limits));
  }

  exportGlobal(name: string, type: ValueType, value: WasmValue, mutable = false): HostModuleBuilder {
    const t = valType(type, `global ${name}`);
    const raw = toRaw(t, value);
    return this.add(name, () => this.host.newGlobal(t, mutable, raw));
  }

  exportTable(name: string, element: 'funcref' | 'externref', limits: Limits): HostModuleBuilder {
    const t = valType(element, `table ${name}`);
    return this.add(name, () => this.host.newTable(t, limits));
  }

  instantiate(): ModuleInstance {
    const exports = new Map<string, ExternVal>();
    for (const [n, make] of this.items) exports.set(n, make());
    return this.host.register(this.name, exports);
  }
}
