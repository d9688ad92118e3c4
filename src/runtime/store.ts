// The store's objects (spec §4.2): function, table, memory, global and tag instances. They are
// engine-neutral so that instances made by different engines (and host modules) can import each
// other's exports. Engines subclass `FuncInst` for their own functions and may keep faster private
// representations, as long as what they export behaves as specified here.

import { TrapCode, Trap } from '../api/errors.js';
import {
  type FuncType,
  type GlobalType,
  type MemoryType,
  type TableType,
  ValType,
  funcTypeToString,
  valTypeName,
} from '../binary/types.js';
import { type RawValue, defaultRaw, fromRaw, toRaw } from './values.js';

// ---- function types, canonicalised ----

const typeIds = new Map<string, number>();
const typesById: FuncType[] = [];

/**
 * A small integer naming a function type, equal for structurally equal types across modules and
 * engines: `call_indirect` compares these (spec §4.4.8: the types must match exactly).
 */
export function typeId(t: FuncType): number {
  const key = `${t.params.join(',')}>${t.results.join(',')}`;
  let id = typeIds.get(key);
  if (id === undefined) {
    id = typesById.length;
    typesById.push({ params: [...t.params], results: [...t.results] });
    typeIds.set(key, id);
  }
  return id;
}

export function typeById(id: number): FuncType {
  return typesById[id]!;
}

// ---- functions ----

/** Who is calling a host function: gives access to the calling instance's memory. */
export interface HostCaller {
  /** Name of the calling module instance. */
  readonly moduleName: string;
  /** The caller's memory: its export named `memory` (the WASI convention), else its memory 0. */
  memory(): MemoryInst | null;
  /**
   * The caller's system resources (args, environment, files, clocks, …) from its ModuleConfig, or null.
   * Opaque to engines: they carry what `InstantiateOptions.sys` gave them; WASI reads it.
   */
  readonly sys: object | null;
}

export abstract class FuncInst {
  readonly kind = 'func' as const;
  readonly type: FuncType;
  readonly typeId: number;
  /** `module.function` as shown in stack traces. */
  debugName: string;

  constructor(type: FuncType, debugName: string) {
    this.type = type;
    this.typeId = typeId(type);
    this.debugName = debugName;
  }

  /**
   * Calls the function with raw arguments (see values.ts) and returns its raw results. Throws `Trap`
   * for traps and lets other errors (host exceptions, ExitError) through.
   */
  abstract invoke(args: readonly RawValue[]): RawValue[];
}

/** A function written in JavaScript (host modules, WASI, spectest), described as data. */
export interface HostFunctionDef {
  name: string;
  params: readonly ValType[];
  results: readonly ValType[];
  /** Parameter names, for host logging and introspection. */
  paramNames?: readonly string[];
  resultNames?: readonly string[];
  /**
   * The implementation. Receives the caller, then the arguments as JS values (numbers; bigint for i64
   * and v128). Returns nothing, one value, or an array for several results. Throwing traps the guest.
   */
  fn: (caller: HostCaller, ...args: any[]) => unknown;
}

const noCaller: HostCaller = { moduleName: '', memory: () => null, sys: null };

export class HostFunc extends FuncInst {
  readonly def: HostFunctionDef;
  readonly moduleName: string;

  constructor(moduleName: string, def: HostFunctionDef) {
    super({ params: def.params, results: def.results }, `${moduleName}.${def.name}`);
    this.def = def;
    this.moduleName = moduleName;
  }

  /** Calls from JS with raw values (no caller instance). Engines call `def.fn` directly instead. */
  invoke(args: readonly RawValue[]): RawValue[] {
    return this.callWith(noCaller, args);
  }

  callWith(caller: HostCaller, args: readonly RawValue[]): RawValue[] {
    const { params, results } = this.def;
    const js = new Array(params.length);
    for (let i = 0; i < params.length; i++) js[i] = fromRaw(params[i]!, args[i]);
    const r = this.def.fn(caller, ...js);
    return hostResultsToRaw(this.def, r);
  }
}

/** Normalises what a host function returned to raw results, checking the count. */
export function hostResultsToRaw(def: HostFunctionDef, r: unknown): RawValue[] {
  const results = def.results;
  if (results.length === 0) return [];
  if (results.length === 1) return [toRaw(results[0]!, Array.isArray(r) ? r[0] : r)];
  if (!Array.isArray(r) || r.length !== results.length) {
    throw new TypeError(`host function ${def.name} must return an array of ${results.length} values`);
  }
  return results.map((t, i) => toRaw(t, r[i]));
}

// ---- memories ----

export const PAGE_SIZE = 65536;
/** Largest memory wasm32 can address (spec §3.2.7): 65536 pages = 4 GiB. */
export const MAX_PAGES_32 = 65536;

const hasWasm = typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'object';

/** Whether this host has resizable ArrayBuffers / growable SharedArrayBuffers (ES2024). */
const hasResizable = (() => {
  try {
    const AB = ArrayBuffer as unknown as new (n: number, o: object) => { resizable?: boolean };
    return new AB(0, { maxByteLength: 1 }).resizable === true;
  } catch {
    return false;
  }
})();

/**
 * A plain buffer of `bytes`, resizable up to `max` bytes when `resizable` (see MemoryInst's comment).
 */
function plainBuffer(bytes: number, max: number, shared: boolean, resizable: boolean): ArrayBuffer | SharedArrayBuffer {
  if (!resizable) return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  // ES2024 constructor options (TypeScript's ES2023 lib does not know them).
  const Ctor = (shared ? SharedArrayBuffer : ArrayBuffer) as unknown as new (n: number, o: object) => ArrayBuffer;
  return new Ctor(bytes, { maxByteLength: max });
}

/**
 * A linear memory. Backed by a host `WebAssembly.Memory` when the host has one (so the compiler
 * engine can share it), else by a plain buffer:
 *  - a shared memory by a growable SharedArrayBuffer, which must stay the same object for every
 *    thread that holds it;
 *  - on a host without WebAssembly (node --jitless: no JIT either) by a resizable ArrayBuffer, grown
 *    in place: copying the whole memory on every memory.grow makes a program that grows a page at a
 *    time quadratic, and without a JIT, views of resizable buffers cost only ~10% more;
 *  - for a memory only the interpreter will use (`preferHost` false with a JIT: a runtime whose engine
 *    is the interpreter), by a plain ArrayBuffer with room to grow: growth within it only moves
 *    `byteLength`, growth past it copies into one twice as large (amortised linear). Unlike a
 *    WebAssembly.Memory it never detaches an old buffer: one detach anywhere in the process switches
 *    off V8's "no array buffer is ever detached" assumption for good, and from then on every
 *    typed-array access in optimised code re-checks its buffer (the interpreter ran up to a third
 *    slower; RATIONALE, "Why do interpreter memories never detach?"). A shared WebAssembly.Memory
 *    would not detach either, but V8 copies shared buffers with relaxed atomics: memory.copy ran 13x
 *    slower. Host-compiled code cannot import such a memory (`hostMemory` is null);
 *  - otherwise (memory64 memories with a JIT, where views of resizable buffers run ~10x slower in
 *    optimised code) by an ArrayBuffer replaced, with a copy, on growth.
 * The memory is the first `byteLength` bytes of `buffer` (the buffer may be longer). The buffer object
 * or the length may change after `grow`: users compare both with what they cached (or watch
 * `generation`, which counts every growth made through `grow`).
 */
export class MemoryInst {
  readonly kind = 'memory' as const;
  readonly type: MemoryType;
  /** Pages allowed at most (the type's maximum, clipped by the runtime's limit). */
  readonly maxPages: number;
  private host: WebAssembly.Memory | null = null;
  private plain: ArrayBuffer | SharedArrayBuffer | null = null;
  /** With the interpreter-only backing (above): the memory's size in bytes, <= plain.byteLength. */
  private used = -1;
  /** Incremented by every successful growth; engines may use it to refresh views cheaply. */
  generation = 0;

  constructor(type: MemoryType, limitPages = MAX_PAGES_32, preferHost = true) {
    this.type = type;
    const typeMax = type.limits.max ?? (type.index64 ? Number.MAX_SAFE_INTEGER : MAX_PAGES_32);
    this.maxPages = Math.min(typeMax, limitPages);
    const min = type.limits.min;
    if (min > this.maxPages) throw new RangeError(`memory of ${min} pages exceeds the limit of ${this.maxPages}`);
    if (hasWasm && preferHost && !type.index64 && this.maxPages <= MAX_PAGES_32) {
      const desc: WebAssembly.MemoryDescriptor & { shared?: boolean } = { initial: min };
      if (type.limits.max !== undefined || type.shared) desc.maximum = this.maxPages;
      if (type.shared) desc.shared = true;
      this.host = new WebAssembly.Memory(desc);
    } else if (hasWasm && !preferHost && !type.shared && !type.index64 && this.maxPages <= MAX_PAGES_32) {
      this.plain = new ArrayBuffer(min * PAGE_SIZE);
      this.used = min * PAGE_SIZE;
    } else {
      const bytes = min * PAGE_SIZE;
      const resizable = hasResizable && (type.shared === true || !hasWasm) && this.maxPages <= MAX_PAGES_32;
      this.plain = plainBuffer(bytes, this.maxPages * PAGE_SIZE, !!type.shared, resizable);
    }
  }

  /** Wraps a host memory (made by another engine or passed in by the user). */
  static fromHost(m: WebAssembly.Memory, type: MemoryType): MemoryInst {
    const inst = Object.create(MemoryInst.prototype) as MemoryInst;
    Object.assign(inst, {
      kind: 'memory',
      type,
      maxPages: type.limits.max ?? MAX_PAGES_32,
      host: m,
      plain: null,
      used: -1,
      generation: 0,
    });
    return inst;
  }

  /** The host memory behind this one, if any (the compiler engine imports it directly). */
  get hostMemory(): WebAssembly.Memory | null {
    return this.host;
  }

  /** The backing buffer: its first `byteLength` bytes are the memory. */
  get buffer(): ArrayBuffer {
    return (this.host ? this.host.buffer : this.plain!) as ArrayBuffer;
  }

  /** Current size in bytes. */
  get byteLength(): number {
    return this.used >= 0 ? this.used : this.buffer.byteLength;
  }

  /** Current size in pages. */
  get pages(): number {
    return this.byteLength / PAGE_SIZE;
  }

  /**
   * memory.grow (spec §4.4.7): grows by `delta` pages; returns the old size in pages, or -1 when the
   * memory cannot grow that much (the limit, or the host refusing the allocation).
   */
  grow(delta: number): number {
    const old = this.pages;
    if (delta < 0 || old + delta > this.maxPages) return -1;
    if (delta === 0) return old;
    try {
      if (this.host) this.host.grow(delta);
      else if (this.used >= 0) this.growRoomy(old + delta);
      else if ((this.plain as { resizable?: boolean; growable?: boolean }).resizable) {
        (this.plain as unknown as { resize(n: number): void }).resize((old + delta) * PAGE_SIZE);
      } else if ((this.plain as { growable?: boolean }).growable) {
        (this.plain as unknown as { grow(n: number): void }).grow((old + delta) * PAGE_SIZE);
      } else {
        const bigger = this.type.shared
          ? new SharedArrayBuffer((old + delta) * PAGE_SIZE)
          : new ArrayBuffer((old + delta) * PAGE_SIZE);
        new Uint8Array(bigger).set(new Uint8Array(this.plain!));
        this.plain = bigger;
      }
    } catch {
      return -1;
    }
    this.generation++;
    return old;
  }

  /**
   * Grows the interpreter-only backing to `pages`: in place while the buffer has room, else into a
   * buffer of twice the pages (at most the maximum; just enough if the host refuses that much). The
   * bytes past `used` are zero: nothing writes there (every access is checked against byteLength).
   */
  private growRoomy(pages: number): void {
    const need = pages * PAGE_SIZE;
    const cur = this.plain as ArrayBuffer;
    if (need > cur.byteLength) {
      const room = Math.min(this.maxPages, Math.max(pages, 2 * (cur.byteLength / PAGE_SIZE), 16)) * PAGE_SIZE;
      let bigger: ArrayBuffer;
      try {
        bigger = new ArrayBuffer(room);
      } catch {
        bigger = new ArrayBuffer(need);
      }
      new Uint8Array(bigger).set(new Uint8Array(cur, 0, this.used));
      this.plain = bigger;
    }
    this.used = need;
  }
}

// ---- tables ----

export type Ref = FuncInst | null | unknown;

/** A table (spec §4.2.6). Elements are FuncInst/null for funcref tables, any JS value for externref. */
export interface TableInst {
  readonly kind: 'table';
  readonly type: TableType;
  readonly maxSize: number;
  size(): number;
  /** Element at `i`; traps with "out of bounds table access" when i >= size. */
  get(i: number): Ref;
  set(i: number, v: Ref): void;
  /** table.grow: returns the old size or -1. */
  grow(delta: number, init: Ref): number;
}

/** Largest table size wasmbox allows (matches V8's limit, so both engines agree). */
export const MAX_TABLE_SIZE = 10_000_000;

/** A table held in a JS array: the interpreter's and the host modules' representation. */
export class ArrayTable implements TableInst {
  readonly kind = 'table' as const;
  readonly type: TableType;
  readonly maxSize: number;
  /** The elements; engines may read this directly on hot paths. */
  elements: Ref[];

  constructor(type: TableType, init: Ref = null) {
    this.type = type;
    this.maxSize = Math.min(type.limits.max ?? MAX_TABLE_SIZE, MAX_TABLE_SIZE);
    if (type.limits.min > this.maxSize) {
      throw new RangeError(`table of ${type.limits.min} elements exceeds the limit of ${this.maxSize}`);
    }
    this.elements = new Array(type.limits.min).fill(init);
  }

  size(): number {
    return this.elements.length;
  }

  get(i: number): Ref {
    if (i >>> 0 >= this.elements.length) throw new Trap(TrapCode.outOfBoundsTableAccess);
    return this.elements[i];
  }

  set(i: number, v: Ref): void {
    if (i >>> 0 >= this.elements.length) throw new Trap(TrapCode.outOfBoundsTableAccess);
    this.elements[i] = v;
  }

  grow(delta: number, init: Ref): number {
    const old = this.elements.length;
    if (delta < 0 || old + delta > this.maxSize) return -1;
    for (let i = 0; i < delta; i++) this.elements.push(init);
    return old;
  }
}

// ---- globals ----

export interface GlobalInst {
  readonly kind: 'global';
  readonly type: GlobalType;
  /** The raw value (see values.ts). */
  get(): RawValue;
  set(v: RawValue): void;
}

/** A global held in a JS field. */
export class CellGlobal implements GlobalInst {
  readonly kind = 'global' as const;
  readonly type: GlobalType;
  value: RawValue;

  constructor(type: GlobalType, value: RawValue = defaultRaw(type.type)) {
    this.type = type;
    this.value = value;
  }

  get(): RawValue {
    return this.value;
  }

  set(v: RawValue): void {
    this.value = v;
  }
}

// ---- tags (exception handling) ----

export class TagInst {
  readonly kind = 'tag' as const;
  readonly type: FuncType;
  constructor(type: FuncType) {
    this.type = type;
  }
}

export type ExternVal = FuncInst | TableInst | MemoryInst | GlobalInst | TagInst;

/** Describes an extern value's type for error messages. */
export function describeExtern(v: ExternVal): string {
  switch (v.kind) {
    case 'func':
      return `func ${funcTypeToString(v.type)}`;
    case 'table':
      return `table ${valTypeName(v.type.elemType)} ${v.size()}`;
    case 'memory':
      return `memory ${v.pages} pages`;
    case 'global':
      return `global ${v.type.mutable ? 'mut ' : ''}${valTypeName(v.type.type)}`;
    case 'tag':
      return `tag ${funcTypeToString(v.type)}`;
  }
}

export { ValType };
