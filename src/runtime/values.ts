// Values crossing the boundary between wasm and JavaScript.
//
// Two forms:
//  - RAW values are bit-exact and are what engines take and return (`FuncInst.invoke`):
//      i32 -> number (int32)          f32 -> number (the uint32 bit pattern)
//      i64 -> bigint (int64)          f64 -> bigint (the uint64 bit pattern)
//      v128 -> bigint (uint128, lane 0 in the low bits)
//      funcref -> FuncInst | null     externref -> any JS value, null being ref.null
//    Floats travel as bits because a JS number cannot carry every NaN payload (signalling NaNs are
//    quietened by conversions), and the spec suite checks them.
//  - JS values are what host functions receive and what the public API's `call` takes: numbers for
//    i32/f32/f64, bigint for i64, bigint for v128, references as above.

import { ValType } from '../binary/types.js';

export type RawValue = number | bigint | unknown;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

export function f32FromBits(bits: number): number {
  u32[0] = bits;
  return f32[0]!;
}

export function f32ToBits(v: number): number {
  f32[0] = v;
  return u32[0]!;
}

export function f64FromBits(bits: bigint): number {
  u64[0] = bits;
  return f64[0]!;
}

export function f64ToBits(v: number): bigint {
  f64[0] = v;
  return u64[0]!;
}

/** Converts a JS value to the raw form of wasm type `t`, with the JS API's coercions. */
export function toRaw(t: number, v: unknown): RawValue {
  switch (t) {
    case ValType.i32:
      if (typeof v === 'bigint') return Number(BigInt.asIntN(32, v));
      return Number(v) | 0;
    case ValType.i64:
      if (typeof v === 'bigint') return BigInt.asIntN(64, v);
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt.asIntN(64, BigInt(v));
      if (typeof v === 'boolean') return v ? 1n : 0n;
      throw new TypeError(`cannot convert ${String(v)} to i64: pass a bigint or an integer number`);
    case ValType.f32:
      return f32ToBits(Number(v));
    case ValType.f64:
      return f64ToBits(Number(v));
    case ValType.v128:
      if (typeof v === 'bigint') return BigInt.asUintN(128, v);
      throw new TypeError('a v128 value must be passed as a bigint');
    case ValType.funcref:
    case ValType.externref:
      return v === undefined && t === ValType.funcref ? null : v;
  }
  throw new TypeError(`unknown value type 0x${t.toString(16)}`);
}

/** Converts a raw value of wasm type `t` to its JS value. */
export function fromRaw(t: number, v: RawValue): unknown {
  switch (t) {
    case ValType.f32:
      return f32FromBits(v as number);
    case ValType.f64:
      return f64FromBits(v as bigint);
    default:
      return v;
  }
}

/** The raw zero value of a type (what locals and new table slots start as). */
export function defaultRaw(t: number): RawValue {
  switch (t) {
    case ValType.i32:
    case ValType.f32:
      return 0;
    case ValType.i64:
    case ValType.f64:
    case ValType.v128:
      return 0n;
    default:
      return null;
  }
}
