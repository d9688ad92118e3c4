// Gathering of local-to-local moves (a lowering step, see RATIONALE "Why gather moves?").
//
// Compiled C rotates variables (`h = g; g = f; ...` in SHA-2's rounds, phi moves of loop-carried
// values) with moves scattered between the arithmetic, each one dispatch. A move `d = a` into a local
// can execute earlier, right after an earlier move, when no instruction between reads d or writes d or
// a: it then joins that move (as a `mov32x2`, or a `mov32xn`, whose handler runs its moves in order).
// Only within one straight-line stretch (no label, branch or call between) and only over instructions
// whose slot operands are all known below; anything else stops the search.

import { Op } from './ops.js';

/** Written and read slot operands (operand indices, 1 = the word after the opcode) of an instruction. */
export interface Roles {
  len: number;
  w: readonly number[];
  r: readonly number[];
}

const ROLES = new Map<number, Roles>();
function roles(ops: readonly number[], len: number, w: readonly number[], r: readonly number[]): void {
  for (const op of ops) ROLES.set(op, { len, w, r });
}
function range(first: number, last: number): number[] {
  const out: number[] = [];
  for (let op = first; op <= last; op++) out.push(op);
  return out;
}

// d a b (i32, i64 and f64 arithmetic and comparisons)
roles([...range(Op.i32_eq, Op.i32_ge_u), ...range(Op.i32_add, Op.i32_rotr), Op.i32_andn, Op.i32_add_eqz,
  ...range(Op.i64_eq, Op.i64_ge_u), ...range(Op.i64_add, Op.i64_rotr),
  ...range(Op.f64_eq, Op.f64_ge), ...range(Op.f64_add, Op.f64_copysign)], 4, [1], [2, 3]);
// d a k
roles([...range(Op.i32_eq_k, Op.i32_ge_u_k), ...range(Op.i32_add_k, Op.i32_rotl_k),
  ...range(Op.i64_shl_k, Op.i64_rotl_k), ...range(Op.f64_add_k, Op.f64_rdiv_k)], 4, [1], [2]);
// d a lo hi
roles(range(Op.i64_add_k, Op.i64_xor_k), 5, [1], [2]);
// d a
roles([Op.i32_eqz, Op.i64_eqz, ...range(Op.i32_clz, Op.i32_extend16_s), Op.i32_wrap_i64, Op.i64_extend_i32_s,
  Op.i64_extend_i32_u, Op.f64_convert_i32_s, Op.f64_convert_i32_u, ...range(Op.f64_abs, Op.f64_sqrt)], 3, [1], [2]);
// d k / d lo hi
roles([Op.const32, Op.constf64], 3, [1], []);
roles([Op.const64], 4, [1], []);
// loads: d a off k; stores: a b off k; stores of an immediate: a imm off k
roles(range(Op.load32, Op.load32_u_64), 5, [1], [2]);
roles(range(Op.store32, Op.store16), 5, [], [1, 2]);
roles(range(Op.store32_v, Op.store16_v), 5, [], [1]);
// d t a b off / d t a k off (t = the address)
roles([Op.load32_add, Op.loadf64_add], 6, [1, 2], [3, 4]);
roles([Op.load32_addk, Op.loadf64_addk], 6, [1, 2], [3]);
// d a sh off k; d a b off
roles([Op.load32_x, Op.loadf64_x], 6, [1], [2]);
roles([Op.load32_rr, Op.load8_u_rr], 5, [1], [2, 3]);
// d a k b; d a x k kind; d x k1 y k2 kind; d a b c
roles([Op.i32_shladd], 5, [1], [2, 4]);
roles([Op.i32_binsh], 6, [1], [2, 3]);
roles([Op.i32_shsh], 7, [1], [2, 4]);
roles([Op.i32_add3, Op.f64_muladd, Op.f64_mulsub, Op.f64_submul], 5, [1], [2, 3, 4]);
// d a x k / t a k u (a move and an add, both results written)
roles([Op.mov32_addk], 5, [1, 3], [2]);
roles([Op.i32_add_k_mov], 5, [1, 4], [2]);
// d x a off k (an f64 loaded and combined with x)
roles(range(Op.f64_addm, Op.f64_mulm), 6, [1], [2, 3]);

/**
 * The slot roles of the instruction at s when it is one of those above and ends at `end`, else null.
 * Used by other look-back steps too (lower-fuse.ts's fuseAccumulate).
 */
export function rolesAt(code: readonly number[], s: number, end: number): Roles | null {
  const ro = ROLES.get(code[s]!);
  return ro !== undefined && s + ro.len === end ? ro : null;
}

/** Length in words of a move instruction at `s`, or 0 when code[s] is not one. */
function moveLen(code: readonly number[], s: number): number {
  const op = code[s];
  return op === Op.mov32 ? 3 : op === Op.mov32x2 ? 5 : op === Op.mov32xn ? 2 + 2 * code[s + 1]! : 0;
}

/** How many instructions back the search looks: the rotations of compiled C are within a dozen. */
const REACH = 24;

/**
 * Tries to append the move `d = a` (32-bit slots; d a local, below `localsEnd`) to an earlier move of
 * the straight-line code whose instruction starts are `starts` (in order, the last one ending at the
 * end of `code`). On success the move is in the code (which grew by some words after that earlier
 * move), `starts` is updated, and the caller must not emit it.
 */
export function gatherMove(code: number[], starts: number[], localsEnd: number, d: number, a: number): boolean {
  let end = code.length;
  for (let i = starts.length - 1; i >= 0 && i >= starts.length - REACH; i--) {
    const s = starts[i]!;
    const op = code[s]!;
    const ml = moveLen(code, s);
    if (ml > 0) {
      if (s + ml !== end) return false;
      // every destination a local: a temporary destination may still be renamed by a local.set
      for (let p = op === Op.mov32xn ? s + 2 : s + 1; p < s + ml; p += 2) if (code[p]! >= localsEnd) return false;
      let delta = 2;
      code.splice(s + ml, 0, d, a);
      if (op === Op.mov32) code[s] = Op.mov32x2;
      else if (op === Op.mov32x2) {
        code.splice(s + 1, 0, 3);
        code[s] = Op.mov32xn;
        delta = 3;
      } else code[s + 1]!++;
      for (let j = i + 1; j < starts.length; j++) starts[j]! += delta;
      return true;
    }
    const ro = ROLES.get(op);
    if (ro === undefined || s + ro.len !== end) return false;
    for (const x of ro.w) if (code[s + x] === d || code[s + x] === a) return false;
    for (const x of ro.r) if (code[s + x] === d) return false;
    end = s;
  }
  return false;
}
