// Fixed-width SIMD (spec §4.3.4, §4.4.3): every v128 instruction of Wasm 2.0, executed outside the
// hot loop (exec.ts sends `Op.simd` here through rare.ts).
//
// Layout contract (shared with lower.ts/exec.ts; keep it if you work on this file alone):
//  - instruction: [Op.simd, wasmOp, d, a, b, c, i0, i1, i2, i3] where wasmOp is the dense opcode id of
//    binary/opcodes.ts (0x200 + sub), d the result slot and a, b, c the operand slots in stack order
//    (all word offsets from fp); for memory instructions a is the address and b the vector, i0/i3 the
//    static offset's low/high 32 bits, i1 the lane, i2 the memory index; for lane instructions i0 is
//    the lane; for i8x16.shuffle i0..i3 hold the 16 lane indices (little-endian bytes).
//  - a v128 occupies 4 words (16 bytes) at a word offset w that is even: byte i of the vector is
//    SU8[w * 4 + i] (lane 0 at the lowest address, as in memory), i16 lane i is S16[w * 2 + i], i32 lane
//    i is S32[w + i], f64 lane i is SF64[(w >> 1) + i]. Scalars: i32/f32 bits at S32[w], i64 at
//    S32[w] (low) and S32[w + 1] (high), f64 at SF64[w >> 1].
//  - results are computed into a scratch vector and copied to d last, so d may alias an operand.
//  - float lanes are moved as bits (reading a Float32Array quietens signalling NaNs); arithmetic reads
//    them as floats.

import { Op as W } from '../../binary/opcodes.js';
import type { InterpInstance } from './instance.js';
import { nearest, truncSatS32, truncSatU32 } from './numeric.js';
import { effective, memBytes } from './address.js';
import { atomicOp } from './atomics.js';
import { S16, S32, S8, SF32, SF64, SU16, SU8 } from './stack.js';

const scratch = new ArrayBuffer(16);
const R8 = new Int8Array(scratch);
const RU8 = new Uint8Array(scratch);
const R16 = new Int16Array(scratch);
const R32 = new Int32Array(scratch);
const RF32 = new Float32Array(scratch);
const RF64 = new Float64Array(scratch);

function put(d: number): void {
  S32[d] = R32[0]!;
  S32[d + 1] = R32[1]!;
  S32[d + 2] = R32[2]!;
  S32[d + 3] = R32[3]!;
}

function sat8s(v: number): number {
  return v > 127 ? 127 : v < -128 ? -128 : v;
}
function sat8u(v: number): number {
  return v > 255 ? 255 : v < 0 ? 0 : v;
}
function sat16s(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}
function sat16u(v: number): number {
  return v > 65535 ? 65535 : v < 0 ? 0 : v;
}

/** Canonical NaN for NaN results of rounding (which would otherwise keep a signalling payload). */
function q(x: number): number {
  return x === x ? x : NaN;
}

// 64-bit lane arithmetic on int32 halves (no BigInt): results in rlo/rhi.
let rlo = 0;
let rhi = 0;
function mul64(al: number, ah: number, bl: number, bh: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  rhi = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) | 0;
  rlo = Math.imul(al, bl);
}
function lt64s(al: number, ah: number, bl: number, bh: number): boolean {
  return ah < bh || (ah === bh && al >>> 0 < bl >>> 0);
}

/**
 * Relaxed SIMD (proposal; opcodes 0x300.. here): the proposal lets each instruction return one of a
 * few results where hosts' hardware differs. wasmbox always returns the same one, the result of the
 * Wasm 2.0 instruction it relaxes where there is one (so a module behaves the same on every host and
 * in both engines): swizzle's 0 for out-of-range lanes, saturating truncation, bitselect, IEEE
 * min/max with NaN propagation, saturating q15mulr. Entries of -1 are computed below (madd/nmadd
 * unfused, dot products with the i7 operand read as signed and wrapping sums).
 */
const RELAXED_AS = new Int16Array([
  0x20e, 0x2f8, 0x2f9, 0x2fc, 0x2fd, -1, -1, -1, -1, 0x252, 0x252, 0x252, 0x252, 0x2e8, 0x2e9, 0x2f4, 0x2f5, 0x282, -1, -1,
]);

export function simdOp(inst: InterpInstance, code: Int32Array, pc: number, fp: number): void {
  let op = code[pc + 1]!;
  if (op >= 0x400) {
    atomicOp(inst, code, pc, fp); // threads: the same instruction layout (atomics.ts)
    return;
  }
  if (op >= 0x300 && op < 0x300 + RELAXED_AS.length && RELAXED_AS[op - 0x300]! >= 0) op = RELAXED_AS[op - 0x300]!;
  const d = fp + code[pc + 2]!;
  const a = fp + code[pc + 3]!;
  const b = fp + code[pc + 4]!;
  const c = fp + code[pc + 5]!;
  const i0 = code[pc + 6]!;
  if (op <= W.v128_store || (op >= W.v128_load8_lane && op <= W.v128_load64_zero)) {
    memoryOp(inst, op, d, a, b, i0, code[pc + 7]!, code[pc + 8]!, code[pc + 9]!);
    return;
  }
  const ab = a * 4;
  const bb = b * 4;
  const ah = a * 2;
  const bh = b * 2;
  const af = a >> 1;
  const bf = b >> 1;
  switch (op - 0x200) {
    // ---------------------------------------------------------------- shuffles, splats, lanes
    case 0x0d: { // i8x16.shuffle
      for (let i = 0; i < 16; i++) {
        const k = (code[pc + 6 + (i >> 2)]! >>> ((i & 3) * 8)) & 0xff;
        RU8[i] = k < 16 ? SU8[ab + k]! : SU8[bb + k - 16]!;
      }
      break;
    }
    case 0x0e: // i8x16.swizzle
      for (let i = 0; i < 16; i++) {
        const k = SU8[bb + i]!;
        RU8[i] = k < 16 ? SU8[ab + k]! : 0;
      }
      break;
    case 0x0f: RU8.fill(S32[a]! & 0xff); break; // i8x16.splat
    case 0x10: R16.fill(S32[a]!); break; // i16x8.splat
    case 0x11: case 0x13: R32.fill(S32[a]!); break; // i32x4.splat, f32x4.splat (bits)
    case 0x12: case 0x14: // i64x2.splat, f64x2.splat (bits)
      R32[0] = R32[2] = S32[a]!;
      R32[1] = R32[3] = S32[a + 1]!;
      break;
    case 0x15: S32[d] = S8[ab + i0]!; return; // i8x16.extract_lane_s
    case 0x16: S32[d] = SU8[ab + i0]!; return; // i8x16.extract_lane_u
    case 0x17: copy(a); RU8[i0] = S32[b]!; break; // i8x16.replace_lane
    case 0x18: S32[d] = S16[ah + i0]!; return;
    case 0x19: S32[d] = SU16[ah + i0]!; return;
    case 0x1a: copy(a); R16[i0] = S32[b]!; break;
    case 0x1b: case 0x1f: S32[d] = S32[a + i0]!; return; // i32x4 / f32x4.extract_lane
    case 0x1c: case 0x20: copy(a); R32[i0] = S32[b]!; break; // i32x4 / f32x4.replace_lane
    case 0x1d: case 0x21: { // i64x2 / f64x2.extract_lane
      const lo = S32[a + 2 * i0]!;
      const hi = S32[a + 2 * i0 + 1]!;
      S32[d] = lo;
      S32[d + 1] = hi;
      return;
    }
    case 0x1e: case 0x22: // i64x2 / f64x2.replace_lane
      copy(a);
      R32[2 * i0] = S32[b]!;
      R32[2 * i0 + 1] = S32[b + 1]!;
      break;

    // ---------------------------------------------------------------- comparisons
    case 0x23: for (let i = 0; i < 16; i++) R8[i] = S8[ab + i] === S8[bb + i] ? -1 : 0; break;
    case 0x24: for (let i = 0; i < 16; i++) R8[i] = S8[ab + i] !== S8[bb + i] ? -1 : 0; break;
    case 0x25: for (let i = 0; i < 16; i++) R8[i] = S8[ab + i]! < S8[bb + i]! ? -1 : 0; break;
    case 0x26: for (let i = 0; i < 16; i++) R8[i] = SU8[ab + i]! < SU8[bb + i]! ? -1 : 0; break;
    case 0x27: for (let i = 0; i < 16; i++) R8[i] = S8[ab + i]! > S8[bb + i]! ? -1 : 0; break;
    case 0x28: for (let i = 0; i < 16; i++) R8[i] = SU8[ab + i]! > SU8[bb + i]! ? -1 : 0; break;
    case 0x29: for (let i = 0; i < 16; i++) R8[i] = S8[ab + i]! <= S8[bb + i]! ? -1 : 0; break;
    case 0x2a: for (let i = 0; i < 16; i++) R8[i] = SU8[ab + i]! <= SU8[bb + i]! ? -1 : 0; break;
    case 0x2b: for (let i = 0; i < 16; i++) R8[i] = S8[ab + i]! >= S8[bb + i]! ? -1 : 0; break;
    case 0x2c: for (let i = 0; i < 16; i++) R8[i] = SU8[ab + i]! >= SU8[bb + i]! ? -1 : 0; break;
    case 0x2d: for (let i = 0; i < 8; i++) R16[i] = S16[ah + i] === S16[bh + i] ? -1 : 0; break;
    case 0x2e: for (let i = 0; i < 8; i++) R16[i] = S16[ah + i] !== S16[bh + i] ? -1 : 0; break;
    case 0x2f: for (let i = 0; i < 8; i++) R16[i] = S16[ah + i]! < S16[bh + i]! ? -1 : 0; break;
    case 0x30: for (let i = 0; i < 8; i++) R16[i] = SU16[ah + i]! < SU16[bh + i]! ? -1 : 0; break;
    case 0x31: for (let i = 0; i < 8; i++) R16[i] = S16[ah + i]! > S16[bh + i]! ? -1 : 0; break;
    case 0x32: for (let i = 0; i < 8; i++) R16[i] = SU16[ah + i]! > SU16[bh + i]! ? -1 : 0; break;
    case 0x33: for (let i = 0; i < 8; i++) R16[i] = S16[ah + i]! <= S16[bh + i]! ? -1 : 0; break;
    case 0x34: for (let i = 0; i < 8; i++) R16[i] = SU16[ah + i]! <= SU16[bh + i]! ? -1 : 0; break;
    case 0x35: for (let i = 0; i < 8; i++) R16[i] = S16[ah + i]! >= S16[bh + i]! ? -1 : 0; break;
    case 0x36: for (let i = 0; i < 8; i++) R16[i] = SU16[ah + i]! >= SU16[bh + i]! ? -1 : 0; break;
    case 0x37: for (let i = 0; i < 4; i++) R32[i] = S32[a + i] === S32[b + i] ? -1 : 0; break;
    case 0x38: for (let i = 0; i < 4; i++) R32[i] = S32[a + i] !== S32[b + i] ? -1 : 0; break;
    case 0x39: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! < S32[b + i]! ? -1 : 0; break;
    case 0x3a: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! >>> 0 < S32[b + i]! >>> 0 ? -1 : 0; break;
    case 0x3b: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! > S32[b + i]! ? -1 : 0; break;
    case 0x3c: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! >>> 0 > S32[b + i]! >>> 0 ? -1 : 0; break;
    case 0x3d: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! <= S32[b + i]! ? -1 : 0; break;
    case 0x3e: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! >>> 0 <= S32[b + i]! >>> 0 ? -1 : 0; break;
    case 0x3f: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! >= S32[b + i]! ? -1 : 0; break;
    case 0x40: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! >>> 0 >= S32[b + i]! >>> 0 ? -1 : 0; break;
    case 0x41: for (let i = 0; i < 4; i++) R32[i] = SF32[a + i] === SF32[b + i] ? -1 : 0; break;
    case 0x42: for (let i = 0; i < 4; i++) R32[i] = SF32[a + i] !== SF32[b + i] ? -1 : 0; break;
    case 0x43: for (let i = 0; i < 4; i++) R32[i] = SF32[a + i]! < SF32[b + i]! ? -1 : 0; break;
    case 0x44: for (let i = 0; i < 4; i++) R32[i] = SF32[a + i]! > SF32[b + i]! ? -1 : 0; break;
    case 0x45: for (let i = 0; i < 4; i++) R32[i] = SF32[a + i]! <= SF32[b + i]! ? -1 : 0; break;
    case 0x46: for (let i = 0; i < 4; i++) R32[i] = SF32[a + i]! >= SF32[b + i]! ? -1 : 0; break;
    case 0x47: for (let i = 0; i < 2; i++) R32[2 * i] = R32[2 * i + 1] = SF64[af + i] === SF64[bf + i] ? -1 : 0; break;
    case 0x48: for (let i = 0; i < 2; i++) R32[2 * i] = R32[2 * i + 1] = SF64[af + i] !== SF64[bf + i] ? -1 : 0; break;
    case 0x49: for (let i = 0; i < 2; i++) R32[2 * i] = R32[2 * i + 1] = SF64[af + i]! < SF64[bf + i]! ? -1 : 0; break;
    case 0x4a: for (let i = 0; i < 2; i++) R32[2 * i] = R32[2 * i + 1] = SF64[af + i]! > SF64[bf + i]! ? -1 : 0; break;
    case 0x4b: for (let i = 0; i < 2; i++) R32[2 * i] = R32[2 * i + 1] = SF64[af + i]! <= SF64[bf + i]! ? -1 : 0; break;
    case 0x4c: for (let i = 0; i < 2; i++) R32[2 * i] = R32[2 * i + 1] = SF64[af + i]! >= SF64[bf + i]! ? -1 : 0; break;
    case 0xd6: case 0xd7: case 0xd8: case 0xd9: case 0xda: case 0xdb: { // i64x2.eq ne lt_s gt_s le_s ge_s
      for (let i = 0; i < 2; i++) {
        const xl = S32[a + 2 * i]!;
        const xh = S32[a + 2 * i + 1]!;
        const yl = S32[b + 2 * i]!;
        const yh = S32[b + 2 * i + 1]!;
        let r: boolean;
        switch (op - 0x200) {
          case 0xd6: r = xl === yl && xh === yh; break;
          case 0xd7: r = xl !== yl || xh !== yh; break;
          case 0xd8: r = lt64s(xl, xh, yl, yh); break;
          case 0xd9: r = lt64s(yl, yh, xl, xh); break;
          case 0xda: r = !lt64s(yl, yh, xl, xh); break;
          default: r = !lt64s(xl, xh, yl, yh);
        }
        R32[2 * i] = R32[2 * i + 1] = r ? -1 : 0;
      }
      break;
    }

    // ---------------------------------------------------------------- bitwise
    case 0x4d: for (let i = 0; i < 4; i++) R32[i] = ~S32[a + i]!; break; // v128.not
    case 0x4e: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! & S32[b + i]!; break;
    case 0x4f: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! & ~S32[b + i]!; break;
    case 0x50: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! | S32[b + i]!; break;
    case 0x51: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! ^ S32[b + i]!; break;
    case 0x52: // v128.bitselect
      for (let i = 0; i < 4; i++) R32[i] = (S32[a + i]! & S32[c + i]!) | (S32[b + i]! & ~S32[c + i]!);
      break;
    case 0x53: S32[d] = (S32[a]! | S32[a + 1]! | S32[a + 2]! | S32[a + 3]!) !== 0 ? 1 : 0; return;

    // ---------------------------------------------------------------- float conversions
    case 0x5e: // f32x4.demote_f64x2_zero
      RF32[0] = SF64[af]!;
      RF32[1] = SF64[af + 1]!;
      R32[2] = R32[3] = 0;
      break;
    case 0x5f: // f64x2.promote_low_f32x4
      RF64[0] = SF32[a]!;
      RF64[1] = SF32[a + 1]!;
      break;

    // ---------------------------------------------------------------- i8x16
    case 0x60: for (let i = 0; i < 16; i++) R8[i] = Math.abs(S8[ab + i]!); break;
    case 0x61: for (let i = 0; i < 16; i++) R8[i] = -S8[ab + i]!; break;
    case 0x62: for (let i = 0; i < 16; i++) { let v = SU8[ab + i]!; let n = 0; while (v) { n += v & 1; v >>= 1; } RU8[i] = n; } break;
    case 0x63: { let r = 1; for (let i = 0; i < 16; i++) if (SU8[ab + i] === 0) r = 0; S32[d] = r; return; }
    case 0x64: { let r = 0; for (let i = 0; i < 16; i++) if (S8[ab + i]! < 0) r |= 1 << i; S32[d] = r; return; }
    case 0x65: for (let i = 0; i < 8; i++) { R8[i] = sat8s(S16[ah + i]!); R8[i + 8] = sat8s(S16[bh + i]!); } break;
    case 0x66: for (let i = 0; i < 8; i++) { RU8[i] = sat8u(S16[ah + i]!); RU8[i + 8] = sat8u(S16[bh + i]!); } break;
    case 0x6b: { const n = S32[b]! & 7; for (let i = 0; i < 16; i++) R8[i] = S8[ab + i]! << n; break; }
    case 0x6c: { const n = S32[b]! & 7; for (let i = 0; i < 16; i++) R8[i] = S8[ab + i]! >> n; break; }
    case 0x6d: { const n = S32[b]! & 7; for (let i = 0; i < 16; i++) RU8[i] = SU8[ab + i]! >>> n; break; }
    case 0x6e: for (let i = 0; i < 16; i++) R8[i] = S8[ab + i]! + S8[bb + i]!; break;
    case 0x6f: for (let i = 0; i < 16; i++) R8[i] = sat8s(S8[ab + i]! + S8[bb + i]!); break;
    case 0x70: for (let i = 0; i < 16; i++) RU8[i] = sat8u(SU8[ab + i]! + SU8[bb + i]!); break;
    case 0x71: for (let i = 0; i < 16; i++) R8[i] = S8[ab + i]! - S8[bb + i]!; break;
    case 0x72: for (let i = 0; i < 16; i++) R8[i] = sat8s(S8[ab + i]! - S8[bb + i]!); break;
    case 0x73: for (let i = 0; i < 16; i++) RU8[i] = sat8u(SU8[ab + i]! - SU8[bb + i]!); break;
    case 0x76: for (let i = 0; i < 16; i++) R8[i] = Math.min(S8[ab + i]!, S8[bb + i]!); break;
    case 0x77: for (let i = 0; i < 16; i++) RU8[i] = Math.min(SU8[ab + i]!, SU8[bb + i]!); break;
    case 0x78: for (let i = 0; i < 16; i++) R8[i] = Math.max(S8[ab + i]!, S8[bb + i]!); break;
    case 0x79: for (let i = 0; i < 16; i++) RU8[i] = Math.max(SU8[ab + i]!, SU8[bb + i]!); break;
    case 0x7b: for (let i = 0; i < 16; i++) RU8[i] = (SU8[ab + i]! + SU8[bb + i]! + 1) >>> 1; break;

    // ---------------------------------------------------------------- i16x8
    case 0x7c: for (let i = 0; i < 8; i++) R16[i] = S8[ab + 2 * i]! + S8[ab + 2 * i + 1]!; break;
    case 0x7d: for (let i = 0; i < 8; i++) R16[i] = SU8[ab + 2 * i]! + SU8[ab + 2 * i + 1]!; break;
    case 0x80: for (let i = 0; i < 8; i++) R16[i] = Math.abs(S16[ah + i]!); break;
    case 0x81: for (let i = 0; i < 8; i++) R16[i] = -S16[ah + i]!; break;
    case 0x82: for (let i = 0; i < 8; i++) R16[i] = sat16s((S16[ah + i]! * S16[bh + i]! + 0x4000) >> 15); break;
    case 0x83: { let r = 1; for (let i = 0; i < 8; i++) if (S16[ah + i] === 0) r = 0; S32[d] = r; return; }
    case 0x84: { let r = 0; for (let i = 0; i < 8; i++) if (S16[ah + i]! < 0) r |= 1 << i; S32[d] = r; return; }
    case 0x85: for (let i = 0; i < 4; i++) { R16[i] = sat16s(S32[a + i]!); R16[i + 4] = sat16s(S32[b + i]!); } break;
    case 0x86: for (let i = 0; i < 4; i++) { R16[i] = sat16u(S32[a + i]!); R16[i + 4] = sat16u(S32[b + i]!); } break;
    case 0x87: for (let i = 0; i < 8; i++) R16[i] = S8[ab + i]!; break;
    case 0x88: for (let i = 0; i < 8; i++) R16[i] = S8[ab + 8 + i]!; break;
    case 0x89: for (let i = 0; i < 8; i++) R16[i] = SU8[ab + i]!; break;
    case 0x8a: for (let i = 0; i < 8; i++) R16[i] = SU8[ab + 8 + i]!; break;
    case 0x8b: { const n = S32[b]! & 15; for (let i = 0; i < 8; i++) R16[i] = S16[ah + i]! << n; break; }
    case 0x8c: { const n = S32[b]! & 15; for (let i = 0; i < 8; i++) R16[i] = S16[ah + i]! >> n; break; }
    case 0x8d: { const n = S32[b]! & 15; for (let i = 0; i < 8; i++) R16[i] = SU16[ah + i]! >>> n; break; }
    case 0x8e: for (let i = 0; i < 8; i++) R16[i] = S16[ah + i]! + S16[bh + i]!; break;
    case 0x8f: for (let i = 0; i < 8; i++) R16[i] = sat16s(S16[ah + i]! + S16[bh + i]!); break;
    case 0x90: for (let i = 0; i < 8; i++) R16[i] = sat16u(SU16[ah + i]! + SU16[bh + i]!); break;
    case 0x91: for (let i = 0; i < 8; i++) R16[i] = S16[ah + i]! - S16[bh + i]!; break;
    case 0x92: for (let i = 0; i < 8; i++) R16[i] = sat16s(S16[ah + i]! - S16[bh + i]!); break;
    case 0x93: for (let i = 0; i < 8; i++) R16[i] = sat16u(SU16[ah + i]! - SU16[bh + i]!); break;
    case 0x95: for (let i = 0; i < 8; i++) R16[i] = Math.imul(S16[ah + i]!, S16[bh + i]!); break;
    case 0x96: for (let i = 0; i < 8; i++) R16[i] = Math.min(S16[ah + i]!, S16[bh + i]!); break;
    case 0x97: for (let i = 0; i < 8; i++) R16[i] = Math.min(SU16[ah + i]!, SU16[bh + i]!); break;
    case 0x98: for (let i = 0; i < 8; i++) R16[i] = Math.max(S16[ah + i]!, S16[bh + i]!); break;
    case 0x99: for (let i = 0; i < 8; i++) R16[i] = Math.max(SU16[ah + i]!, SU16[bh + i]!); break;
    case 0x9b: for (let i = 0; i < 8; i++) R16[i] = (SU16[ah + i]! + SU16[bh + i]! + 1) >>> 1; break;
    case 0x9c: for (let i = 0; i < 8; i++) R16[i] = S8[ab + i]! * S8[bb + i]!; break;
    case 0x9d: for (let i = 0; i < 8; i++) R16[i] = S8[ab + 8 + i]! * S8[bb + 8 + i]!; break;
    case 0x9e: for (let i = 0; i < 8; i++) R16[i] = SU8[ab + i]! * SU8[bb + i]!; break;
    case 0x9f: for (let i = 0; i < 8; i++) R16[i] = SU8[ab + 8 + i]! * SU8[bb + 8 + i]!; break;

    // ---------------------------------------------------------------- i32x4
    case 0x7e: for (let i = 0; i < 4; i++) R32[i] = S16[ah + 2 * i]! + S16[ah + 2 * i + 1]!; break;
    case 0x7f: for (let i = 0; i < 4; i++) R32[i] = SU16[ah + 2 * i]! + SU16[ah + 2 * i + 1]!; break;
    case 0xa0: for (let i = 0; i < 4; i++) R32[i] = Math.abs(S32[a + i]!); break;
    case 0xa1: for (let i = 0; i < 4; i++) R32[i] = -S32[a + i]!; break;
    case 0xa3: { let r = 1; for (let i = 0; i < 4; i++) if (S32[a + i] === 0) r = 0; S32[d] = r; return; }
    case 0xa4: { let r = 0; for (let i = 0; i < 4; i++) if (S32[a + i]! < 0) r |= 1 << i; S32[d] = r; return; }
    case 0xa7: for (let i = 0; i < 4; i++) R32[i] = S16[ah + i]!; break;
    case 0xa8: for (let i = 0; i < 4; i++) R32[i] = S16[ah + 4 + i]!; break;
    case 0xa9: for (let i = 0; i < 4; i++) R32[i] = SU16[ah + i]!; break;
    case 0xaa: for (let i = 0; i < 4; i++) R32[i] = SU16[ah + 4 + i]!; break;
    case 0xab: { const n = S32[b]! & 31; for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! << n; break; }
    case 0xac: { const n = S32[b]! & 31; for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! >> n; break; }
    case 0xad: { const n = S32[b]! & 31; for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! >>> n; break; }
    case 0xae: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! + S32[b + i]!; break;
    case 0xb1: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! - S32[b + i]!; break;
    case 0xb5: for (let i = 0; i < 4; i++) R32[i] = Math.imul(S32[a + i]!, S32[b + i]!); break;
    case 0xb6: for (let i = 0; i < 4; i++) R32[i] = Math.min(S32[a + i]!, S32[b + i]!); break;
    case 0xb7: for (let i = 0; i < 4; i++) R32[i] = Math.min(S32[a + i]! >>> 0, S32[b + i]! >>> 0); break;
    case 0xb8: for (let i = 0; i < 4; i++) R32[i] = Math.max(S32[a + i]!, S32[b + i]!); break;
    case 0xb9: for (let i = 0; i < 4; i++) R32[i] = Math.max(S32[a + i]! >>> 0, S32[b + i]! >>> 0); break;
    case 0xba: // i32x4.dot_i16x8_s
      for (let i = 0; i < 4; i++) {
        R32[i] = S16[ah + 2 * i]! * S16[bh + 2 * i]! + S16[ah + 2 * i + 1]! * S16[bh + 2 * i + 1]!;
      }
      break;
    case 0xbc: for (let i = 0; i < 4; i++) R32[i] = Math.imul(S16[ah + i]!, S16[bh + i]!); break;
    case 0xbd: for (let i = 0; i < 4; i++) R32[i] = Math.imul(S16[ah + 4 + i]!, S16[bh + 4 + i]!); break;
    case 0xbe: for (let i = 0; i < 4; i++) R32[i] = Math.imul(SU16[ah + i]!, SU16[bh + i]!); break;
    case 0xbf: for (let i = 0; i < 4; i++) R32[i] = Math.imul(SU16[ah + 4 + i]!, SU16[bh + 4 + i]!); break;

    // ---------------------------------------------------------------- i64x2
    case 0xc0: case 0xc1: // i64x2.abs, neg
      for (let i = 0; i < 2; i++) {
        const lo = S32[a + 2 * i]!;
        const hi = S32[a + 2 * i + 1]!;
        if (op - 0x200 === 0xc0 && hi >= 0) {
          R32[2 * i] = lo;
          R32[2 * i + 1] = hi;
        } else {
          R32[2 * i] = -lo | 0;
          R32[2 * i + 1] = (~hi + (lo === 0 ? 1 : 0)) | 0;
        }
      }
      break;
    case 0xc3: S32[d] = (S32[a]! | S32[a + 1]!) !== 0 && (S32[a + 2]! | S32[a + 3]!) !== 0 ? 1 : 0; return;
    case 0xc4: S32[d] = (S32[a + 1]! >>> 31) | ((S32[a + 3]! >>> 31) << 1); return;
    case 0xc7: case 0xc8: { // extend_low/high_i32x4_s
      const o = op - 0x200 === 0xc7 ? 0 : 2;
      for (let i = 0; i < 2; i++) {
        R32[2 * i] = S32[a + o + i]!;
        R32[2 * i + 1] = S32[a + o + i]! >> 31;
      }
      break;
    }
    case 0xc9: case 0xca: { // extend_low/high_i32x4_u
      const o = op - 0x200 === 0xc9 ? 0 : 2;
      for (let i = 0; i < 2; i++) {
        R32[2 * i] = S32[a + o + i]!;
        R32[2 * i + 1] = 0;
      }
      break;
    }
    case 0xcb: case 0xcc: case 0xcd: { // i64x2.shl, shr_s, shr_u
      const n = S32[b]! & 63;
      const sub = op - 0x200;
      for (let i = 0; i < 2; i++) {
        const lo = S32[a + 2 * i]!;
        const hi = S32[a + 2 * i + 1]!;
        let rl: number;
        let rh: number;
        if (n === 0) {
          rl = lo;
          rh = hi;
        } else if (sub === 0xcb) {
          if (n < 32) { rl = lo << n; rh = (hi << n) | (lo >>> (32 - n)); } else { rl = 0; rh = lo << (n - 32); }
        } else if (sub === 0xcc) {
          if (n < 32) { rl = (lo >>> n) | (hi << (32 - n)); rh = hi >> n; } else { rl = hi >> (n - 32); rh = hi >> 31; }
        } else if (n < 32) {
          rl = (lo >>> n) | (hi << (32 - n));
          rh = hi >>> n;
        } else {
          rl = hi >>> (n - 32);
          rh = 0;
        }
        R32[2 * i] = rl;
        R32[2 * i + 1] = rh;
      }
      break;
    }
    case 0xce: case 0xd1: // i64x2.add, sub
      for (let i = 0; i < 2; i++) {
        const xl = S32[a + 2 * i]!;
        const xh = S32[a + 2 * i + 1]!;
        const yl = S32[b + 2 * i]!;
        const yh = S32[b + 2 * i + 1]!;
        if (op - 0x200 === 0xce) {
          const lo = (xl + yl) | 0;
          R32[2 * i] = lo;
          R32[2 * i + 1] = (xh + yh + (lo >>> 0 < xl >>> 0 ? 1 : 0)) | 0;
        } else {
          R32[2 * i] = (xl - yl) | 0;
          R32[2 * i + 1] = (xh - yh - (xl >>> 0 < yl >>> 0 ? 1 : 0)) | 0;
        }
      }
      break;
    case 0xd5: // i64x2.mul
      for (let i = 0; i < 2; i++) {
        mul64(S32[a + 2 * i]!, S32[a + 2 * i + 1]!, S32[b + 2 * i]!, S32[b + 2 * i + 1]!);
        R32[2 * i] = rlo;
        R32[2 * i + 1] = rhi;
      }
      break;
    case 0xdc: case 0xdd: case 0xde: case 0xdf: { // i64x2.extmul_low/high_i32x4_s/u
      const sub = op - 0x200;
      const o = sub === 0xdc || sub === 0xde ? 0 : 2;
      const signed = sub <= 0xdd;
      for (let i = 0; i < 2; i++) {
        const x = S32[a + o + i]!;
        const y = S32[b + o + i]!;
        mul64(x, signed ? x >> 31 : 0, y, signed ? y >> 31 : 0);
        R32[2 * i] = rlo;
        R32[2 * i + 1] = rhi;
      }
      break;
    }

    // ---------------------------------------------------------------- f32x4
    case 0x67: for (let i = 0; i < 4; i++) RF32[i] = q(Math.ceil(SF32[a + i]!)); break;
    case 0x68: for (let i = 0; i < 4; i++) RF32[i] = q(Math.floor(SF32[a + i]!)); break;
    case 0x69: for (let i = 0; i < 4; i++) RF32[i] = q(Math.trunc(SF32[a + i]!)); break;
    case 0x6a: for (let i = 0; i < 4; i++) RF32[i] = q(nearest(SF32[a + i]!)); break;
    case 0xe0: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! & 0x7fffffff; break;
    case 0xe1: for (let i = 0; i < 4; i++) R32[i] = S32[a + i]! ^ -2147483648; break;
    case 0xe3: for (let i = 0; i < 4; i++) RF32[i] = Math.sqrt(SF32[a + i]!); break;
    case 0xe4: for (let i = 0; i < 4; i++) RF32[i] = SF32[a + i]! + SF32[b + i]!; break;
    case 0xe5: for (let i = 0; i < 4; i++) RF32[i] = SF32[a + i]! - SF32[b + i]!; break;
    case 0xe6: for (let i = 0; i < 4; i++) RF32[i] = SF32[a + i]! * SF32[b + i]!; break;
    case 0xe7: for (let i = 0; i < 4; i++) RF32[i] = SF32[a + i]! / SF32[b + i]!; break;
    case 0xe8: for (let i = 0; i < 4; i++) RF32[i] = Math.min(SF32[a + i]!, SF32[b + i]!); break;
    case 0xe9: for (let i = 0; i < 4; i++) RF32[i] = Math.max(SF32[a + i]!, SF32[b + i]!); break;
    case 0xea: // f32x4.pmin: b < a ? b : a, as bits
      for (let i = 0; i < 4; i++) R32[i] = SF32[b + i]! < SF32[a + i]! ? S32[b + i]! : S32[a + i]!;
      break;
    case 0xeb: // f32x4.pmax: a < b ? b : a
      for (let i = 0; i < 4; i++) R32[i] = SF32[a + i]! < SF32[b + i]! ? S32[b + i]! : S32[a + i]!;
      break;

    // ---------------------------------------------------------------- f64x2
    case 0x74: for (let i = 0; i < 2; i++) RF64[i] = q(Math.ceil(SF64[af + i]!)); break;
    case 0x75: for (let i = 0; i < 2; i++) RF64[i] = q(Math.floor(SF64[af + i]!)); break;
    case 0x7a: for (let i = 0; i < 2; i++) RF64[i] = q(Math.trunc(SF64[af + i]!)); break;
    case 0x94: for (let i = 0; i < 2; i++) RF64[i] = q(nearest(SF64[af + i]!)); break;
    case 0xec: copy(a); R32[1] &= 0x7fffffff; R32[3] &= 0x7fffffff; break;
    case 0xed: copy(a); R32[1] ^= -2147483648; R32[3] ^= -2147483648; break;
    case 0xef: for (let i = 0; i < 2; i++) RF64[i] = Math.sqrt(SF64[af + i]!); break;
    case 0xf0: for (let i = 0; i < 2; i++) RF64[i] = SF64[af + i]! + SF64[bf + i]!; break;
    case 0xf1: for (let i = 0; i < 2; i++) RF64[i] = SF64[af + i]! - SF64[bf + i]!; break;
    case 0xf2: for (let i = 0; i < 2; i++) RF64[i] = SF64[af + i]! * SF64[bf + i]!; break;
    case 0xf3: for (let i = 0; i < 2; i++) RF64[i] = SF64[af + i]! / SF64[bf + i]!; break;
    case 0xf4: for (let i = 0; i < 2; i++) RF64[i] = Math.min(SF64[af + i]!, SF64[bf + i]!); break;
    case 0xf5: for (let i = 0; i < 2; i++) RF64[i] = Math.max(SF64[af + i]!, SF64[bf + i]!); break;
    case 0xf6: case 0xf7: // f64x2.pmin, pmax (as bits)
      for (let i = 0; i < 2; i++) {
        const x = SF64[af + i]!;
        const y = SF64[bf + i]!;
        const takeB = op - 0x200 === 0xf6 ? y < x : x < y;
        const src = takeB ? b : a;
        R32[2 * i] = S32[src + 2 * i]!;
        R32[2 * i + 1] = S32[src + 2 * i + 1]!;
      }
      break;

    // ---------------------------------------------------------------- int <-> float lanes
    case 0xf8: for (let i = 0; i < 4; i++) R32[i] = truncSatS32(SF32[a + i]!); break;
    case 0xf9: for (let i = 0; i < 4; i++) R32[i] = truncSatU32(SF32[a + i]!); break;
    case 0xfa: for (let i = 0; i < 4; i++) RF32[i] = S32[a + i]!; break;
    case 0xfb: for (let i = 0; i < 4; i++) RF32[i] = S32[a + i]! >>> 0; break;
    case 0xfc: R32[0] = truncSatS32(SF64[af]!); R32[1] = truncSatS32(SF64[af + 1]!); R32[2] = R32[3] = 0; break;
    case 0xfd: R32[0] = truncSatU32(SF64[af]!); R32[1] = truncSatU32(SF64[af + 1]!); R32[2] = R32[3] = 0; break;
    case 0xfe: RF64[0] = S32[a]!; RF64[1] = S32[a + 1]!; break;
    case 0xff: RF64[0] = S32[a]! >>> 0; RF64[1] = S32[a + 1]! >>> 0; break;

    // ---------------------------------------------------------------- relaxed SIMD (see RELAXED_AS)
    case 0x105: for (let i = 0; i < 4; i++) RF32[i] = Math.fround(Math.fround(SF32[a + i]! * SF32[b + i]!) + SF32[c + i]!); break;
    case 0x106: for (let i = 0; i < 4; i++) RF32[i] = Math.fround(-Math.fround(SF32[a + i]! * SF32[b + i]!) + SF32[c + i]!); break;
    case 0x107: for (let i = 0; i < 2; i++) RF64[i] = SF64[af + i]! * SF64[bf + i]! + SF64[(c >> 1) + i]!; break;
    case 0x108: for (let i = 0; i < 2; i++) RF64[i] = -(SF64[af + i]! * SF64[bf + i]!) + SF64[(c >> 1) + i]!; break;
    case 0x112: // i16x8.relaxed_dot_i8x16_i7x16_s
      for (let i = 0; i < 8; i++) R16[i] = S8[ab + 2 * i]! * S8[bb + 2 * i]! + S8[ab + 2 * i + 1]! * S8[bb + 2 * i + 1]!;
      break;
    case 0x113: // i32x4.relaxed_dot_i8x16_i7x16_add_s: the i16 pair sums (wrapped), added in pairs, plus c
      for (let i = 0; i < 4; i++) {
        let sum = S32[c + i]!;
        for (let j = 0; j < 2; j++) {
          const k = 4 * i + 2 * j;
          sum += ((S8[ab + k]! * S8[bb + k]! + S8[ab + k + 1]! * S8[bb + k + 1]!) << 16) >> 16;
        }
        R32[i] = sum;
      }
      break;

    default:
      throw new Error(`interpreter: SIMD instruction 0x${op.toString(16)} is not implemented`);
  }
  put(d);
}

/** Copies the vector at word w into the scratch vector. */
function copy(w: number): void {
  R32[0] = S32[w]!;
  R32[1] = S32[w + 1]!;
  R32[2] = S32[w + 2]!;
  R32[3] = S32[w + 3]!;
}

/** SIMD loads and stores (§4.4.7 v128.load*, v128.store*). */
function memoryOp(inst: InterpInstance, op: number, d: number, a: number, b: number, offLo: number, lane: number, mi: number, offHi: number): void {
  let size: number;
  switch (op) {
    case W.v128_load: case W.v128_store: size = 16; break;
    case W.v128_load8_splat: case W.v128_load8_lane: case W.v128_store8_lane: size = 1; break;
    case W.v128_load16_splat: case W.v128_load16_lane: case W.v128_store16_lane: size = 2; break;
    case W.v128_load32_splat: case W.v128_load32_lane: case W.v128_store32_lane: case W.v128_load32_zero: size = 4; break;
    default: size = 8;
  }
  const ea = effective(inst, mi, a, offLo, offHi, size);
  const m = memBytes(inst, mi);
  switch (op) {
    case W.v128_load:
      for (let i = 0; i < 16; i++) RU8[i] = m[ea + i]!;
      break;
    case W.v128_store:
      for (let i = 0; i < 16; i++) m[ea + i] = SU8[b * 4 + i]!;
      return;
    case W.v128_load8x8_s: for (let i = 0; i < 8; i++) R16[i] = (m[ea + i]! << 24) >> 24; break;
    case W.v128_load8x8_u: for (let i = 0; i < 8; i++) R16[i] = m[ea + i]!; break;
    case W.v128_load16x4_s: for (let i = 0; i < 4; i++) R32[i] = ((m[ea + 2 * i]! | (m[ea + 2 * i + 1]! << 8)) << 16) >> 16; break;
    case W.v128_load16x4_u: for (let i = 0; i < 4; i++) R32[i] = m[ea + 2 * i]! | (m[ea + 2 * i + 1]! << 8); break;
    case W.v128_load32x2_s:
    case W.v128_load32x2_u:
      for (let i = 0; i < 2; i++) {
        const v = m[ea + 4 * i]! | (m[ea + 4 * i + 1]! << 8) | (m[ea + 4 * i + 2]! << 16) | (m[ea + 4 * i + 3]! << 24);
        R32[2 * i] = v;
        R32[2 * i + 1] = op === W.v128_load32x2_s ? v >> 31 : 0;
      }
      break;
    case W.v128_load8_splat: RU8.fill(m[ea]!); break;
    case W.v128_load16_splat: for (let i = 0; i < 8; i++) { RU8[2 * i] = m[ea]!; RU8[2 * i + 1] = m[ea + 1]!; } break;
    case W.v128_load32_splat: for (let i = 0; i < 16; i++) RU8[i] = m[ea + (i & 3)]!; break;
    case W.v128_load64_splat: for (let i = 0; i < 16; i++) RU8[i] = m[ea + (i & 7)]!; break;
    case W.v128_load32_zero: R32.fill(0); for (let i = 0; i < 4; i++) RU8[i] = m[ea + i]!; break;
    case W.v128_load64_zero: R32.fill(0); for (let i = 0; i < 8; i++) RU8[i] = m[ea + i]!; break;
    case W.v128_load8_lane: case W.v128_load16_lane: case W.v128_load32_lane: case W.v128_load64_lane:
      copy(b);
      for (let i = 0; i < size; i++) RU8[lane * size + i] = m[ea + i]!;
      break;
    default: // store lanes
      for (let i = 0; i < size; i++) m[ea + i] = SU8[b * 4 + lane * size + i]!;
      return;
  }
  put(d);
}
