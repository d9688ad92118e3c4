// Store objects backed by the host's WebAssembly objects, so that instances compiled by the host can
// share them (a host instance can only import a WebAssembly.Table/Global/Memory, not a JS imitation),
// and the mapping between host function objects and wasmbox's FuncInst.

import { Trap, TrapCode } from '../../api/errors.js';
import { type FuncType, type GlobalType, type TableType, ValType, valTypeName } from '../../binary/types.js';
import { FuncInst, type GlobalInst, MAX_TABLE_SIZE, type Ref, type TableInst, TagInst } from '../../runtime/store.js';
import { type RawValue, f32FromBits, f32ToBits, f64FromBits, f64ToBits } from '../../runtime/values.js';
import { needsTrampoline, trampolineFor } from './tiny-modules.js';
import { withTraps } from './traps.js';

/** The instance a host-compiled function belongs to, as far as calling it from JS is concerned. */
export interface FuncOwner {
  readonly closed: boolean;
  readonly moduleName: string;
}

/** JS -> raw for one value of type t, as the host gives it (numbers for floats). */
export function jsToRaw(t: number, v: unknown): RawValue {
  switch (t) {
    case ValType.i32:
      return (v as number) | 0;
    case ValType.i64:
      return BigInt.asIntN(64, v as bigint);
    case ValType.f32:
      return f32ToBits(v as number);
    case ValType.f64:
      return f64ToBits(v as number);
    case ValType.funcref:
      return funcFromHost(v);
    default:
      return v;
  }
}

/** Raw -> JS for one value of type t, as the host takes it. */
export function rawToJs(t: number, v: RawValue): unknown {
  switch (t) {
    case ValType.f32:
      return f32FromBits(v as number);
    case ValType.f64:
      return f64FromBits(v as bigint);
    case ValType.funcref:
      return funcToHost(v as FuncInst | null);
    default:
      return v;
  }
}

/** A function the host compiled (an export of a host instance, or a function reference it handed out). */
export class HostCompiledFunc extends FuncInst {
  readonly js: (...args: unknown[]) => unknown;
  /** False for references whose signature the host does not reveal (from tables or ref.func). */
  readonly typeKnown: boolean;

  /** Its instance when it was exported by one of the compiler's instances (calls fail once it is closed). */
  readonly owner: FuncOwner | null;

  constructor(js: (...args: unknown[]) => unknown, type: FuncType, name: string, typeKnown = true, owner: FuncOwner | null = null) {
    super(type, name);
    this.js = js;
    this.typeKnown = typeKnown;
    this.owner = owner;
    hostFuncs.set(js, this);
  }

  /** Bit-exact calls go through a trampoline when the signature has floats or v128 (made on first use). */
  private exact: ((...args: unknown[]) => unknown) | null | undefined;

  invoke(args: readonly RawValue[]): RawValue[] {
    const t = this.type;
    if (this.owner?.closed) throw new Error(`module ${this.owner.moduleName || '(anonymous)'} is closed`);
    if (this.exact === undefined) this.exact = this.typeKnown && needsTrampoline(t) ? trampolineFor(t, this.js) : null;
    if (this.exact) return this.invokeExact(args);
    const jsArgs = new Array(args.length);
    for (let i = 0; i < args.length; i++) jsArgs[i] = rawToJs(t.params[i]!, args[i]);
    const js = this.js;
    const r = withTraps(() => js(...jsArgs));
    if (t.results.length === 0) return [];
    if (t.results.length === 1) return [jsToRaw(t.results[0]!, r)];
    const arr = r as unknown[];
    return t.results.map((rt, i) => jsToRaw(rt, arr[i]));
  }

  private invokeExact(args: readonly RawValue[]): RawValue[] {
    const t = this.type;
    const bits: unknown[] = [];
    t.params.forEach((p, i) => {
      const a = args[i];
      if (p === ValType.f32) bits.push((a as number) | 0);
      else if (p === ValType.f64) bits.push(BigInt.asIntN(64, a as bigint));
      else if (p === ValType.v128) {
        const v = a as bigint;
        bits.push(BigInt.asIntN(64, v), BigInt.asIntN(64, v >> 64n));
      } else bits.push(rawToJs(p, a));
    });
    const exact = this.exact!;
    const r = withTraps(() => exact(...bits));
    const flat = t.results.length === 0 ? [] : (Array.isArray(r) && (t.results.length > 1 || t.results[0] === ValType.v128)) ? r : [r];
    const out: RawValue[] = [];
    let k = 0;
    for (const rt of t.results) {
      const v = flat[k++];
      if (rt === ValType.f32) out.push((v as number) >>> 0);
      else if (rt === ValType.f64) out.push(BigInt.asUintN(64, v as bigint));
      else if (rt === ValType.v128) out.push(BigInt.asUintN(64, v as bigint) | (BigInt.asUintN(64, flat[k++] as bigint) << 64n));
      else out.push(jsToRaw(rt, v));
    }
    return out;
  }
}

/** Host function objects -> their FuncInst. */
const hostFuncs = new WeakMap<Function, FuncInst>();
/** FuncInst made elsewhere (host functions, interpreter functions) -> the host function object wrapping it. */
const wrappers = new WeakMap<FuncInst, Function>();

/** Registers the host function object that stands for `f` inside host-compiled code. */
export function setHostWrapper(f: FuncInst, js: Function): void {
  wrappers.set(f, js);
  if (!hostFuncs.has(js)) hostFuncs.set(js, f);
}

export function hostWrapperOf(f: FuncInst): Function | undefined {
  if (f instanceof HostCompiledFunc) return f.js;
  return wrappers.get(f);
}

export function funcFromHost(v: unknown): FuncInst | null {
  if (v === null || v === undefined) return null;
  const known = hostFuncs.get(v as Function);
  if (known) return known;
  // A reference the host made (table.get, ref.func of an unexported function): its signature is not
  // visible from JavaScript, so it is recorded as unknown.
  return new HostCompiledFunc(v as (...a: unknown[]) => unknown, { params: [], results: [] }, '(host function)', false);
}

/** The host function object for a FuncInst, made on demand by `makeWrapper` for foreign functions. */
let makeWrapper: ((f: FuncInst) => Function) | null = null;
export function setWrapperFactory(fn: (f: FuncInst) => Function): void {
  makeWrapper = fn;
}

export function funcToHost(f: FuncInst | null): unknown {
  if (f === null) return null;
  const w = hostWrapperOf(f);
  if (w) return w;
  const made = makeWrapper!(f);
  setHostWrapper(f, made);
  return made;
}

/** A table held by the host (WebAssembly.Table). */
export class HostTable implements TableInst {
  readonly kind = 'table' as const;
  readonly type: TableType;
  readonly maxSize: number;
  readonly host: WebAssembly.Table;

  constructor(type: TableType, host?: WebAssembly.Table) {
    this.type = type;
    this.maxSize = Math.min(type.limits.max ?? MAX_TABLE_SIZE, MAX_TABLE_SIZE);
    if (host) this.host = host;
    else {
      const desc: WebAssembly.TableDescriptor = {
        element: type.elemType === ValType.funcref ? 'anyfunc' : 'externref',
        initial: type.limits.min,
      };
      if (type.limits.max !== undefined) desc.maximum = type.limits.max;
      this.host = new WebAssembly.Table(desc, null);
    }
  }

  size(): number {
    return this.host.length;
  }
  get(i: number): Ref {
    if (i >>> 0 >= this.host.length) throw new Trap(TrapCode.outOfBoundsTableAccess);
    const v = this.host.get(i);
    return this.type.elemType === ValType.funcref ? funcFromHost(v) : v;
  }
  set(i: number, v: Ref): void {
    if (i >>> 0 >= this.host.length) throw new Trap(TrapCode.outOfBoundsTableAccess);
    this.host.set(i, this.type.elemType === ValType.funcref ? funcToHost(v as FuncInst | null) : v);
  }
  grow(delta: number, init: Ref): number {
    if (delta < 0 || this.host.length + delta > this.maxSize) return -1;
    const v = this.type.elemType === ValType.funcref ? funcToHost(init as FuncInst | null) : init;
    try {
      return this.host.grow(delta, v);
    } catch {
      return -1;
    }
  }
}

const hostValueType: Record<number, WebAssembly.ValueType> = {
  [ValType.i32]: 'i32',
  [ValType.i64]: 'i64',
  [ValType.f32]: 'f32',
  [ValType.f64]: 'f64',
  [ValType.funcref]: 'anyfunc',
  [ValType.externref]: 'externref',
};

/** A global held by the host (WebAssembly.Global). v128 globals cannot be (the JS API forbids them). */
export class HostGlobal implements GlobalInst {
  readonly kind = 'global' as const;
  readonly type: GlobalType;
  readonly host: WebAssembly.Global;

  constructor(type: GlobalType, raw: RawValue, host?: WebAssembly.Global) {
    this.type = type;
    this.host = host ?? new WebAssembly.Global({ value: hostValueType[type.type]!, mutable: type.mutable }, rawToJs(type.type, raw));
  }
  get(): RawValue {
    return jsToRaw(this.type.type, this.host.value);
  }
  set(v: RawValue): void {
    this.host.value = rawToJs(this.type.type, v);
  }
}

export function canHostGlobal(t: GlobalType): boolean {
  return t.type !== ValType.v128;
}

// ---- tags (exception handling) ----

const tagToHostMap = new WeakMap<TagInst, WebAssembly.Tag>();
const tagFromHostMap = new WeakMap<WebAssembly.Tag, TagInst>();

/** The host tag standing for `t` (made on first use for tags defined elsewhere). */
export function tagToHost(t: TagInst): WebAssembly.Tag {
  let h = tagToHostMap.get(t);
  if (!h) {
    const parameters = t.type.params.map((p) => (p === ValType.funcref ? 'anyfunc' : valTypeName(p))) as WebAssembly.ValueType[];
    h = new WebAssembly.Tag({ parameters });
    tagToHostMap.set(t, h);
    tagFromHostMap.set(h, t);
  }
  return h;
}

/** The TagInst for a tag a host instance exported (the same object every time). */
export function tagFromHost(h: WebAssembly.Tag, type: FuncType): TagInst {
  let t = tagFromHostMap.get(h);
  if (!t) {
    t = new TagInst(type);
    tagFromHostMap.set(h, t);
    tagToHostMap.set(t, h);
  }
  return t;
}
