// The executor's ways in and out of the value stack: raw values in and out of slots, calls to
// functions that are not interpreter functions (host functions, the compiler engine's), globals held
// outside the interpreter, call_indirect's table lookup, and the i64 comparisons shared by the
// compare and compare-and-branch instructions.

import { Trap, TrapCode } from '../../api/errors.js';
import { ArrayTable, type FuncInst, HostFunc, hostResultsToRaw, type TableInst, type TagInst } from '../../runtime/store.js';
import type { RawValue } from '../../runtime/values.js';
import type { InterpInstance } from './instance.js';
import { width } from './lower.js';
import { Op } from './ops.js';
import { REFS, S32, SF32, SF64 } from './stack.js';

export function i64cmp(op: number, al: number, ah: number, bl: number, bh: number): boolean {
  switch (op) {
    case Op.i64_eq: return al === bl && ah === bh;
    case Op.i64_ne: return al !== bl || ah !== bh;
    case Op.i64_lt_s: return ah < bh || (ah === bh && al >>> 0 < bl >>> 0);
    case Op.i64_lt_u: return ah >>> 0 < bh >>> 0 || (ah === bh && al >>> 0 < bl >>> 0);
    case Op.i64_gt_s: return ah > bh || (ah === bh && al >>> 0 > bl >>> 0);
    case Op.i64_gt_u: return ah >>> 0 > bh >>> 0 || (ah === bh && al >>> 0 > bl >>> 0);
    case Op.i64_le_s: return ah < bh || (ah === bh && al >>> 0 <= bl >>> 0);
    case Op.i64_le_u: return ah >>> 0 < bh >>> 0 || (ah === bh && al >>> 0 <= bl >>> 0);
    case Op.i64_ge_s: return ah > bh || (ah === bh && al >>> 0 >= bl >>> 0);
    default: return ah >>> 0 > bh >>> 0 || (ah === bh && al >>> 0 >= bl >>> 0);
  }
}

/** The function at table[i] for call_indirect (§4.4.8), checked against the expected type id. */
export function tableFunc(t: TableInst, i: number, type: number): FuncInst {
  let f: unknown;
  if (t instanceof ArrayTable) {
    const el = t.elements;
    if (i >= el.length) throw new Trap(TrapCode.undefinedElement);
    f = el[i];
  } else {
    if (i >= t.size()) throw new Trap(TrapCode.undefinedElement);
    f = t.get(i);
  }
  if (f === null || f === undefined) throw new Trap(TrapCode.uninitializedElement);
  if ((f as FuncInst).typeId !== type) throw new Trap(TrapCode.indirectCallTypeMismatch);
  return f as FuncInst;
}

export function resultWords(f: FuncInst): number {
  let n = 0;
  for (const r of f.type.results) n += width(r);
  return n;
}

// ---------------------------------------------------------------- values in and out of the stack

/** Reads the raw value (values.ts) of type t at word w. */
export function readRaw(t: number, w: number): RawValue {
  switch (t) {
    case 0x7f: return S32[w]!;
    case 0x7d: return S32[w]! >>> 0;
    case 0x7e: return (BigInt(S32[w + 1]!) << 32n) | BigInt(S32[w]! >>> 0);
    case 0x7c: return (BigInt(S32[w + 1]! >>> 0) << 32n) | BigInt(S32[w]! >>> 0);
    case 0x7b:
      return (BigInt(S32[w + 3]! >>> 0) << 96n) | (BigInt(S32[w + 2]! >>> 0) << 64n) |
        (BigInt(S32[w + 1]! >>> 0) << 32n) | BigInt(S32[w]! >>> 0);
    default: return REFS[w];
  }
}

/** Writes raw value v of type t at word w. */
export function writeRaw(t: number, w: number, v: RawValue): void {
  switch (t) {
    case 0x7f:
    case 0x7d:
      S32[w] = v as number;
      return;
    case 0x7e:
    case 0x7c: {
      const b = v as bigint;
      S32[w] = Number(BigInt.asIntN(32, b));
      S32[w + 1] = Number(BigInt.asIntN(32, b >> 32n));
      return;
    }
    case 0x7b: {
      const b = v as bigint;
      for (let i = 0; i < 4; i++) S32[w + i] = Number(BigInt.asIntN(32, b >> BigInt(32 * i)));
      return;
    }
    default:
      REFS[w] = v;
  }
}

/** Reads the JS value (what host functions receive) of type t at word w. */
export function readJs(t: number, w: number): unknown {
  switch (t) {
    case 0x7f: return S32[w]!;
    case 0x7d: return SF32[w]!;
    case 0x7c: return SF64[w >> 1]!;
    default: return readRaw(t, w);
  }
}

/**
 * Calls a function that is not an interpreter function (a host function, or one of the compiler
 * engine) with its arguments at word `at`; writes its results there. Host functions are not frames of
 * the wasm stack trace (as with the compiler engine): a trace lists wasm functions only.
 */
export function callForeign(f: FuncInst, at: number, caller: InterpInstance): void {
  const params = f.type.params;
  let raw: RawValue[];
  if (f instanceof HostFunc) {
    const args = new Array(params.length);
    for (let i = 0, w = at; i < params.length; i++) {
      args[i] = readJs(params[i]!, w);
      w += width(params[i]!);
    }
    raw = hostResultsToRaw(f.def, f.def.fn(caller, ...args));
  } else {
    const args = new Array(params.length);
    for (let i = 0, w = at; i < params.length; i++) {
      args[i] = readRaw(params[i]!, w);
      w += width(params[i]!);
    }
    raw = f.invoke(args);
  }
  const results = f.type.results;
  for (let i = 0, w = at; i < results.length; i++) {
    writeRaw(results[i]!, w, raw[i]);
    w += width(results[i]!);
  }
}

export function globalGetSlow(inst: InterpInstance, d: number, g: number): void {
  const gl = inst.globals[g]!;
  writeRaw(gl.type.type, d, gl.get());
}

export function globalSetSlow(inst: InterpInstance, a: number, g: number): void {
  const gl = inst.globals[g]!;
  gl.set(readRaw(gl.type.type, a));
}


/** A wasm exception (legacy exception-handling proposal) in flight: its tag and raw values. */
export class WasmException {
  readonly tag: TagInst;
  readonly values: RawValue[];
  constructor(tag: TagInst, values: RawValue[]) {
    this.tag = tag;
    this.values = values;
  }
}

/** `throw tag`: an exception with the values in the slots from word w. */
export function newException(inst: InterpInstance, tag: number, w: number): WasmException {
  const t = inst.tags[tag]!;
  const params = t.type.params;
  const values: RawValue[] = [];
  for (let i = 0; i < params.length; i++) {
    values.push(readRaw(params[i]!, w));
    w += width(params[i]!);
  }
  return new WasmException(t, values);
}
