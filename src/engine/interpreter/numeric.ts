// Numeric helpers for the executor that are too big (or too rare) to inline in its loop: 64-bit
// division, float <-> i64 conversions with correct rounding, round-half-to-even. i64 values are two
// int32 words (low, high) in the value stack; nothing here allocates except the BigInt fallback of
// 64-bit division for operands beyond 2^52, which ordinary code rarely reaches.

import { Trap, TrapCode } from '../../api/errors.js';
import { S32 } from './stack.js';

const TWO32 = 4294967296;

/** The i64 at words w, w+1 as a double, when it is within ±2^52 (exact); NaN otherwise. */
function small(w: number): number {
  const hi = S32[w + 1]!;
  if (hi >= -0x100000 && hi < 0x100000) return hi * TWO32 + (S32[w]! >>> 0);
  return NaN;
}

/** Writes an integral double (|v| < 2^64) as an i64 at word d. */
export function writeI64(d: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  S32[d] = (v - hi * TWO32) | 0;
  S32[d + 1] = hi | 0;
}

function big(w: number): bigint {
  return (BigInt(S32[w + 1]!) << 32n) | BigInt(S32[w]! >>> 0);
}

function writeBig(d: number, v: bigint): void {
  S32[d] = Number(BigInt.asIntN(32, v));
  S32[d + 1] = Number(BigInt.asIntN(32, v >> 32n));
}

function ubig(w: number): bigint {
  return (BigInt(S32[w + 1]! >>> 0) << 32n) | BigInt(S32[w]! >>> 0);
}

function isZero(w: number): boolean {
  return S32[w] === 0 && S32[w + 1] === 0;
}

/** i64.div_s / rem_s (spec §4.3.2 idiv_s, irem_s): d = a op b, trapping on zero and overflow. */
export function i64DivS(d: number, a: number, b: number, rem: boolean): void {
  if (isZero(b)) throw new Trap(TrapCode.integerDivideByZero);
  const x = small(a);
  const y = small(b);
  if (x === x && y === y) {
    writeI64(d, rem ? x % y : Math.trunc(x / y));
    if (rem && S32[d] === 0 && S32[d + 1] === 0) S32[d + 1] = 0; // -0 % n is 0
    return;
  }
  if (S32[b] === -1 && S32[b + 1] === -1) {
    // x / -1 overflows only for the most negative value; x % -1 is always 0
    if (rem) {
      S32[d] = 0;
      S32[d + 1] = 0;
      return;
    }
    if (S32[a] === 0 && S32[a + 1] === -2147483648) throw new Trap(TrapCode.integerOverflow);
  }
  const p = big(a);
  const q = big(b);
  writeBig(d, rem ? p % q : p / q);
}

/** i64.div_u / rem_u. */
export function i64DivU(d: number, a: number, b: number, rem: boolean): void {
  if (isZero(b)) throw new Trap(TrapCode.integerDivideByZero);
  const ah = S32[a + 1]! >>> 0;
  const bh = S32[b + 1]! >>> 0;
  if (ah < 0x100000 && bh < 0x100000) {
    const x = ah * TWO32 + (S32[a]! >>> 0);
    const y = bh * TWO32 + (S32[b]! >>> 0);
    writeI64(d, rem ? x % y : Math.floor(x / y));
    return;
  }
  const p = ubig(a);
  const q = ubig(b);
  writeBig(d, rem ? p % q : p / q);
}

/** The f32 nearest to the unsigned 64-bit integer hi:lo (uint32 halves), rounding once. */
export function u64ToF32(hi: number, lo: number): number {
  if (hi < 0x200000) return Math.fround(hi * TWO32 + lo);
  // Keep 53 bits, folding the dropped low bits into a sticky bit so the single rounding to 24 bits
  // in fround is still correct (a plain conversion through f64 would round twice).
  const m = hi * 2097152 + ((lo >>> 11) | ((lo & 0x7ff) !== 0 ? 1 : 0));
  return Math.fround(m * 2048);
}

/** f32.convert_i64_s of the i64 at word a. */
export function i64ToF32(a: number): number {
  const lo = S32[a]!;
  const hi = S32[a + 1]!;
  if (hi >= 0) return u64ToF32(hi, lo >>> 0);
  const nlo = -lo | 0;
  const nhi = (~hi + (lo === 0 ? 1 : 0)) | 0;
  return -u64ToF32(nhi >>> 0, nlo >>> 0);
}

/** i64.trunc_f*_s (§4.3.3 trunc_s): traps on NaN and out-of-range values. */
export function truncS64(d: number, x: number): void {
  if (x !== x) throw new Trap(TrapCode.invalidConversionToInteger);
  if (!(x >= -9223372036854775808 && x < 9223372036854775808)) throw new Trap(TrapCode.integerOverflow);
  writeI64(d, Math.trunc(x));
}

/** i64.trunc_f*_u. */
export function truncU64(d: number, x: number): void {
  if (x !== x) throw new Trap(TrapCode.invalidConversionToInteger);
  if (!(x > -1 && x < 18446744073709551616)) throw new Trap(TrapCode.integerOverflow);
  writeI64(d, Math.trunc(x));
}

/** i64.trunc_sat_f*_s (§4.3.3 trunc_sat_s): NaN is 0, out-of-range values clamp. */
export function truncSatS64(d: number, x: number): void {
  if (x !== x) {
    S32[d] = 0;
    S32[d + 1] = 0;
  } else if (x >= 9223372036854775808) {
    S32[d] = -1;
    S32[d + 1] = 0x7fffffff;
  } else if (x < -9223372036854775808) {
    S32[d] = 0;
    S32[d + 1] = -2147483648;
  } else writeI64(d, Math.trunc(x));
}

export function truncSatU64(d: number, x: number): void {
  if (x !== x || x <= -1) {
    S32[d] = 0;
    S32[d + 1] = 0;
  } else if (x >= 18446744073709551616) {
    S32[d] = -1;
    S32[d + 1] = -1;
  } else writeI64(d, Math.trunc(x));
}

/** i32.trunc_f*_s. */
export function truncS32(x: number): number {
  if (x !== x) throw new Trap(TrapCode.invalidConversionToInteger);
  if (!(x > -2147483649 && x < 2147483648)) throw new Trap(TrapCode.integerOverflow);
  return x | 0;
}

/** i32.trunc_f*_u. */
export function truncU32(x: number): number {
  if (x !== x) throw new Trap(TrapCode.invalidConversionToInteger);
  if (!(x > -1 && x < 4294967296)) throw new Trap(TrapCode.integerOverflow);
  return x >>> 0;
}

export function truncSatS32(x: number): number {
  if (x !== x) return 0;
  if (x >= 2147483647) return 2147483647;
  if (x <= -2147483648) return -2147483648;
  return x | 0;
}

export function truncSatU32(x: number): number {
  if (x !== x || x <= 0) return 0;
  if (x >= 4294967295) return -1;
  return x >>> 0;
}

/** fNN.nearest (§4.3.3 fnearest): round to the nearest integer, ties to even, keeping the sign of zero. */
export function nearest(x: number): number {
  if (x !== x || x === 0 || !(Math.abs(x) < 4503599627370496)) return x; // NaN, ±0, ±inf, integral
  const f = Math.floor(x);
  const diff = x - f;
  let r: number;
  if (diff < 0.5) r = f;
  else if (diff > 0.5) r = f + 1;
  else r = f % 2 === 0 ? f : f + 1;
  return r === 0 && x < 0 ? -0 : r;
}

/** i32.popcnt. */
export function popcnt32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** i32.ctz. */
export function ctz32(v: number): number {
  return v === 0 ? 32 : 31 - Math.clz32(v & -v);
}
