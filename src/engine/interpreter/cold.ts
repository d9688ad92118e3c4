// Instructions the executor's hot function (exec.ts) leaves to this one: f32 arithmetic and
// comparisons, bit counting and narrow sign extensions, i64 shifts and rotations by a variable count,
// f64 rounding, copysign, min and max, 64-bit division and remainder, i64 and f64 globals, float <->
// integer conversions other than the f64 <- i32 ones, v128/reference moves, selects and globals, and
// `unreachable`. Kept out so the hot function stays small: measured, the more cases the optimised
// dispatch function carries, the slower every dispatch gets (a microbenchmark loop went from ~5.5 to
// ~7.5 ns per instruction once another program had given many more cases type feedback). Returns the
// next pc.

import { Trap, TrapCode } from '../../api/errors.js';
import { globalGetSlow, globalSetSlow } from './boundary.js';
import type { InterpInstance } from './instance.js';
import {
  ctz32,
  i64DivS,
  i64DivU,
  i64ToF32,
  nearest,
  popcnt32,
  truncS32,
  truncS64,
  truncSatS32,
  truncSatS64,
  truncSatU32,
  truncSatU64,
  truncU32,
  truncU64,
  u64ToF32,
} from './numeric.js';
import { Op } from './ops.js';
import { REFS, S32, SF32, SF64 } from './stack.js';

const TWO32 = 4294967296;

export function coldOp(inst: InterpInstance, code: Int32Array, pc: number, fp: number): number {
  switch (code[pc]) {
    case Op.unreachable:
      throw new Trap(TrapCode.unreachable);
    case Op.mov128: {
      const d = fp + code[pc + 1]!;
      const a = fp + code[pc + 2]!;
      S32[d] = S32[a]!;
      S32[d + 1] = S32[a + 1]!;
      S32[d + 2] = S32[a + 2]!;
      S32[d + 3] = S32[a + 3]!;
      pc += 3;
      return pc;
    }
    case Op.movref:
      REFS[fp + code[pc + 1]!] = REFS[fp + code[pc + 2]!];
      pc += 3;
      return pc;
    case Op.const128: {
      const d = fp + code[pc + 1]!;
      S32[d] = code[pc + 2]!;
      S32[d + 1] = code[pc + 3]!;
      S32[d + 2] = code[pc + 4]!;
      S32[d + 3] = code[pc + 5]!;
      pc += 6;
      return pc;
    }
    case Op.select128: {
      const d = fp + code[pc + 1]!;
      const a = fp + code[pc + (S32[fp + code[pc + 4]!] !== 0 ? 2 : 3)]!;
      S32[d] = S32[a]!;
      S32[d + 1] = S32[a + 1]!;
      S32[d + 2] = S32[a + 2]!;
      S32[d + 3] = S32[a + 3]!;
      pc += 5;
      return pc;
    }
    case Op.selectref:
      REFS[fp + code[pc + 1]!] = REFS[fp + code[pc + (S32[fp + code[pc + 4]!] !== 0 ? 2 : 3)]!];
      pc += 5;
      return pc;
    case Op.global_getf64: {
      const w = inst.gf[code[pc + 2]!];
      if (w === null) globalGetSlow(inst, fp + code[pc + 1]!, code[pc + 2]!);
      else SF64[(fp + code[pc + 1]!) >> 1] = w![0]!;
      pc += 3;
      return pc;
    }
    case Op.global_setf64: {
      const w = inst.gf[code[pc + 2]!];
      if (w === null) globalSetSlow(inst, fp + code[pc + 1]!, code[pc + 2]!);
      else w![0] = SF64[(fp + code[pc + 1]!) >> 1]!;
      pc += 3;
      return pc;
    }
    case Op.global_get64:
    case Op.global_get128:
      globalGetWords(inst, fp + code[pc + 1]!, code[pc + 2]!, code[pc] === Op.global_get64 ? 2 : 4);
      return pc + 3;
    case Op.global_set64:
    case Op.global_set128:
      globalSetWords(inst, fp + code[pc + 1]!, code[pc + 2]!, code[pc] === Op.global_set64 ? 2 : 4);
      return pc + 3;
    case Op.i64_div_s:
    case Op.i64_rem_s:
      i64DivS(fp + code[pc + 1]!, fp + code[pc + 2]!, fp + code[pc + 3]!, code[pc] === Op.i64_rem_s);
      return pc + 4;
    case Op.i64_div_u:
    case Op.i64_rem_u:
      i64DivU(fp + code[pc + 1]!, fp + code[pc + 2]!, fp + code[pc + 3]!, code[pc] === Op.i64_rem_u);
      return pc + 4;
    case Op.f64_min:
    case Op.f64_max: {
      const a = SF64[(fp + code[pc + 2]!) >> 1]!;
      const b = SF64[(fp + code[pc + 3]!) >> 1]!;
      SF64[(fp + code[pc + 1]!) >> 1] = code[pc] === Op.f64_min ? Math.min(a, b) : Math.max(a, b);
      return pc + 4;
    }
    case Op.global_get_slow:
      globalGetSlow(inst, fp + code[pc + 1]!, code[pc + 2]!);
      pc += 3;
      return pc;
    case Op.global_set_slow:
      globalSetSlow(inst, fp + code[pc + 1]!, code[pc + 2]!);
      pc += 3;
      return pc;
    case Op.ref_null:
      REFS[fp + code[pc + 1]!] = null;
      pc += 2;
      return pc;
    case Op.ref_func:
      REFS[fp + code[pc + 1]!] = inst.funcs[code[pc + 2]!];
      pc += 3;
      return pc;
    case Op.ref_is_null:
      S32[fp + code[pc + 1]!] = REFS[fp + code[pc + 2]!] === null ? 1 : 0;
      pc += 3;
      return pc;

    // ------------------------------------------------------------ memory 0
    case Op.i32_clz:
      S32[fp + code[pc + 1]!] = Math.clz32(S32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.i32_ctz:
      S32[fp + code[pc + 1]!] = ctz32(S32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.i32_popcnt:
      S32[fp + code[pc + 1]!] = popcnt32(S32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.i32_extend8_s:
      S32[fp + code[pc + 1]!] = (S32[fp + code[pc + 2]!]! << 24) >> 24;
      pc += 3;
      return pc;
    case Op.i32_extend16_s:
      S32[fp + code[pc + 1]!] = (S32[fp + code[pc + 2]!]! << 16) >> 16;
      pc += 3;
      return pc;
    case Op.i64_clz: {
      const a = fp + code[pc + 2]!;
      const d = fp + code[pc + 1]!;
      const hi = S32[a + 1]!;
      S32[d] = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(S32[a]!);
      S32[d + 1] = 0;
      pc += 3;
      return pc;
    }
    case Op.i64_ctz: {
      const a = fp + code[pc + 2]!;
      const d = fp + code[pc + 1]!;
      const lo = S32[a]!;
      S32[d] = lo !== 0 ? ctz32(lo) : 32 + ctz32(S32[a + 1]!);
      S32[d + 1] = 0;
      pc += 3;
      return pc;
    }
    case Op.i64_popcnt: {
      const a = fp + code[pc + 2]!;
      const d = fp + code[pc + 1]!;
      S32[d] = popcnt32(S32[a]!) + popcnt32(S32[a + 1]!);
      S32[d + 1] = 0;
      pc += 3;
      return pc;
    }
    case Op.i64_extend8_s: {
      const d = fp + code[pc + 1]!;
      const v = (S32[fp + code[pc + 2]!]! << 24) >> 24;
      S32[d] = v;
      S32[d + 1] = v >> 31;
      pc += 3;
      return pc;
    }
    case Op.i64_extend16_s: {
      const d = fp + code[pc + 1]!;
      const v = (S32[fp + code[pc + 2]!]! << 16) >> 16;
      S32[d] = v;
      S32[d + 1] = v >> 31;
      pc += 3;
      return pc;
    }
    case Op.f32_eq:
      S32[fp + code[pc + 1]!] = SF32[fp + code[pc + 2]!] === SF32[fp + code[pc + 3]!] ? 1 : 0;
      pc += 4;
      return pc;
    case Op.f32_ne:
      S32[fp + code[pc + 1]!] = SF32[fp + code[pc + 2]!] !== SF32[fp + code[pc + 3]!] ? 1 : 0;
      pc += 4;
      return pc;
    case Op.f32_lt:
      S32[fp + code[pc + 1]!] = SF32[fp + code[pc + 2]!]! < SF32[fp + code[pc + 3]!]! ? 1 : 0;
      pc += 4;
      return pc;
    case Op.f32_gt:
      S32[fp + code[pc + 1]!] = SF32[fp + code[pc + 2]!]! > SF32[fp + code[pc + 3]!]! ? 1 : 0;
      pc += 4;
      return pc;
    case Op.f32_le:
      S32[fp + code[pc + 1]!] = SF32[fp + code[pc + 2]!]! <= SF32[fp + code[pc + 3]!]! ? 1 : 0;
      pc += 4;
      return pc;
    case Op.f32_ge:
      S32[fp + code[pc + 1]!] = SF32[fp + code[pc + 2]!]! >= SF32[fp + code[pc + 3]!]! ? 1 : 0;
      pc += 4;
      return pc;
    case Op.f32_abs:
      S32[fp + code[pc + 1]!] = S32[fp + code[pc + 2]!]! & 0x7fffffff;
      pc += 3;
      return pc;
    case Op.f32_neg:
      S32[fp + code[pc + 1]!] = S32[fp + code[pc + 2]!]! ^ -2147483648;
      pc += 3;
      return pc;
    case Op.f32_copysign:
      S32[fp + code[pc + 1]!] = (S32[fp + code[pc + 2]!]! & 0x7fffffff) | (S32[fp + code[pc + 3]!]! & -2147483648);
      pc += 4;
      return pc;
    case Op.f32_ceil:
      SF32[fp + code[pc + 1]!] = Math.ceil(SF32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.f32_floor:
      SF32[fp + code[pc + 1]!] = Math.floor(SF32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.f32_trunc:
      SF32[fp + code[pc + 1]!] = Math.trunc(SF32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.f32_nearest:
      SF32[fp + code[pc + 1]!] = nearest(SF32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.f32_sqrt:
      SF32[fp + code[pc + 1]!] = Math.sqrt(SF32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.f32_add:
      SF32[fp + code[pc + 1]!] = SF32[fp + code[pc + 2]!]! + SF32[fp + code[pc + 3]!]!;
      pc += 4;
      return pc;
    case Op.f32_sub:
      SF32[fp + code[pc + 1]!] = SF32[fp + code[pc + 2]!]! - SF32[fp + code[pc + 3]!]!;
      pc += 4;
      return pc;
    case Op.f32_mul:
      SF32[fp + code[pc + 1]!] = SF32[fp + code[pc + 2]!]! * SF32[fp + code[pc + 3]!]!;
      pc += 4;
      return pc;
    case Op.f32_div:
      SF32[fp + code[pc + 1]!] = SF32[fp + code[pc + 2]!]! / SF32[fp + code[pc + 3]!]!;
      pc += 4;
      return pc;
    case Op.f32_min:
      SF32[fp + code[pc + 1]!] = Math.min(SF32[fp + code[pc + 2]!]!, SF32[fp + code[pc + 3]!]!);
      pc += 4;
      return pc;
    case Op.f32_max:
      SF32[fp + code[pc + 1]!] = Math.max(SF32[fp + code[pc + 2]!]!, SF32[fp + code[pc + 3]!]!);
      pc += 4;
      return pc;
    case Op.i32_trunc_f32_s:
      S32[fp + code[pc + 1]!] = truncS32(SF32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.i32_trunc_f32_u:
      S32[fp + code[pc + 1]!] = truncU32(SF32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.i32_trunc_f64_s:
      S32[fp + code[pc + 1]!] = truncS32(SF64[(fp + code[pc + 2]!) >> 1]!);
      pc += 3;
      return pc;
    case Op.i32_trunc_f64_u:
      S32[fp + code[pc + 1]!] = truncU32(SF64[(fp + code[pc + 2]!) >> 1]!);
      pc += 3;
      return pc;
    case Op.i64_trunc_f32_s:
      truncS64(fp + code[pc + 1]!, SF32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.i64_trunc_f32_u:
      truncU64(fp + code[pc + 1]!, SF32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.i64_trunc_f64_s:
      truncS64(fp + code[pc + 1]!, SF64[(fp + code[pc + 2]!) >> 1]!);
      pc += 3;
      return pc;
    case Op.i64_trunc_f64_u:
      truncU64(fp + code[pc + 1]!, SF64[(fp + code[pc + 2]!) >> 1]!);
      pc += 3;
      return pc;
    case Op.f32_convert_i32_s:
      SF32[fp + code[pc + 1]!] = S32[fp + code[pc + 2]!]!;
      pc += 3;
      return pc;
    case Op.f32_convert_i32_u:
      SF32[fp + code[pc + 1]!] = S32[fp + code[pc + 2]!]! >>> 0;
      pc += 3;
      return pc;
    case Op.f32_convert_i64_s:
      SF32[fp + code[pc + 1]!] = i64ToF32(fp + code[pc + 2]!);
      pc += 3;
      return pc;
    case Op.f32_convert_i64_u: {
      const a = fp + code[pc + 2]!;
      SF32[fp + code[pc + 1]!] = u64ToF32(S32[a + 1]! >>> 0, S32[a]! >>> 0);
      pc += 3;
      return pc;
    }
    case Op.f32_demote_f64:
      SF32[fp + code[pc + 1]!] = SF64[(fp + code[pc + 2]!) >> 1]!;
      pc += 3;
      return pc;
    case Op.f64_convert_i64_s: {
      const a = fp + code[pc + 2]!;
      SF64[(fp + code[pc + 1]!) >> 1] = S32[a + 1]! * TWO32 + (S32[a]! >>> 0);
      pc += 3;
      return pc;
    }
    case Op.f64_convert_i64_u: {
      const a = fp + code[pc + 2]!;
      SF64[(fp + code[pc + 1]!) >> 1] = (S32[a + 1]! >>> 0) * TWO32 + (S32[a]! >>> 0);
      pc += 3;
      return pc;
    }
    case Op.f64_promote_f32:
      SF64[(fp + code[pc + 1]!) >> 1] = SF32[fp + code[pc + 2]!]!;
      pc += 3;
      return pc;
    case Op.i32_trunc_sat_f32_s:
      S32[fp + code[pc + 1]!] = truncSatS32(SF32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.i32_trunc_sat_f32_u:
      S32[fp + code[pc + 1]!] = truncSatU32(SF32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.i32_trunc_sat_f64_s:
      S32[fp + code[pc + 1]!] = truncSatS32(SF64[(fp + code[pc + 2]!) >> 1]!);
      pc += 3;
      return pc;
    case Op.i32_trunc_sat_f64_u:
      S32[fp + code[pc + 1]!] = truncSatU32(SF64[(fp + code[pc + 2]!) >> 1]!);
      pc += 3;
      return pc;
    case Op.i64_trunc_sat_f32_s:
      truncSatS64(fp + code[pc + 1]!, SF32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.i64_trunc_sat_f32_u:
      truncSatU64(fp + code[pc + 1]!, SF32[fp + code[pc + 2]!]!);
      pc += 3;
      return pc;
    case Op.i64_trunc_sat_f64_s:
      truncSatS64(fp + code[pc + 1]!, SF64[(fp + code[pc + 2]!) >> 1]!);
      pc += 3;
      return pc;
    case Op.i64_trunc_sat_f64_u:
      truncSatU64(fp + code[pc + 1]!, SF64[(fp + code[pc + 2]!) >> 1]!);
      pc += 3;
      return pc;
    case Op.f64_copysign: {
      const d = fp + code[pc + 1]!;
      const a = fp + code[pc + 2]!;
      const sign = S32[fp + code[pc + 3]! + 1]! & -2147483648;
      S32[d] = S32[a]!;
      S32[d + 1] = (S32[a + 1]! & 0x7fffffff) | sign;
      pc += 4;
      return pc;
    }
    case Op.f64_ceil:
      SF64[(fp + code[pc + 1]!) >> 1] = quiet(Math.ceil(SF64[(fp + code[pc + 2]!) >> 1]!));
      pc += 3;
      return pc;
    case Op.f64_floor:
      SF64[(fp + code[pc + 1]!) >> 1] = quiet(Math.floor(SF64[(fp + code[pc + 2]!) >> 1]!));
      pc += 3;
      return pc;
    case Op.f64_trunc:
      SF64[(fp + code[pc + 1]!) >> 1] = quiet(Math.trunc(SF64[(fp + code[pc + 2]!) >> 1]!));
      pc += 3;
      return pc;
    case Op.f64_nearest:
      SF64[(fp + code[pc + 1]!) >> 1] = quiet(nearest(SF64[(fp + code[pc + 2]!) >> 1]!));
      pc += 3;
      return pc;
    case Op.i64_shl:
    case Op.i64_shr_s:
    case Op.i64_shr_u:
    case Op.i64_rotl:
    case Op.i64_rotr: {
      // 64-bit shifts by a variable count (§4.3.2 ishl, ishr_s/u, irotl/r; the count is mod 64): rare in
      // hot loops of compiled C, whose 64-bit shifts and rotations are almost always by constants
      // (i64_shl_k etc. in exec.ts)
      const op = code[pc];
      const a = fp + code[pc + 2]!;
      const d = fp + code[pc + 1]!;
      let n = S32[fp + code[pc + 3]!]! & 63;
      let lo = S32[a]!;
      let hi = S32[a + 1]!;
      if (op === Op.i64_rotl || op === Op.i64_rotr) {
        if (op === Op.i64_rotr) n = (64 - n) & 63;
        if (n >= 32) {
          const t = lo;
          lo = hi;
          hi = t;
          n -= 32;
        }
        if (n !== 0) {
          const l = (lo << n) | (hi >>> (32 - n));
          hi = (hi << n) | (lo >>> (32 - n));
          lo = l;
        }
      } else if (n !== 0) {
        if (op === Op.i64_shl) {
          if (n < 32) { hi = (hi << n) | (lo >>> (32 - n)); lo <<= n; } else { hi = lo << (n - 32); lo = 0; }
        } else if (n < 32) {
          lo = (lo >>> n) | (hi << (32 - n));
          hi = op === Op.i64_shr_s ? hi >> n : hi >>> n;
        } else {
          lo = op === Op.i64_shr_s ? hi >> (n - 32) : hi >>> (n - 32);
          hi = op === Op.i64_shr_s ? hi >> 31 : 0;
        }
      }
      S32[d] = lo;
      S32[d + 1] = hi;
      return pc + 4;
    }

  }
  throw new Error(`interpreter: unknown instruction ${code[pc]} at ${pc}`);
}

/**
 * Rounding functions return a NaN operand unchanged, signalling bit included; the spec wants an
 * arithmetic (quiet) NaN (§4.3.3 fceil etc.), so any NaN becomes the canonical one.
 */
function quiet(x: number): number {
  return x === x ? x : NaN;
}

/** global.get of an i64/f64 (2 words) or v128 (4 words) global into slots d..: cold, so one loop for both. */
function globalGetWords(inst: InterpInstance, d: number, g: number, words: number): void {
  const w = inst.gw[g];
  if (w === null) globalGetSlow(inst, d, g);
  else for (let i = 0; i < words; i++) S32[d + i] = w![i]!;
}

/** global.set counterpart of globalGetWords. */
function globalSetWords(inst: InterpInstance, a: number, g: number, words: number): void {
  const w = inst.gw[g];
  if (w === null) globalSetSlow(inst, a, g);
  else for (let i = 0; i < words; i++) w![i] = S32[a + i]!;
}
