// Lowering, part 1 of 3: the tables the lowering uses, and the lowering's state with its two lowest
// layers: emission (with the record of the last instructions emitted, for the peepholes) and the
// virtual stack (see lower.ts for the design). lower-fuse.ts builds the memory accesses and
// superinstructions on this; lower.ts the control flow and everything else.

import { Op as W } from '../../binary/opcodes.js';
import { type FuncType, type Module, ValType } from '../../binary/types.js';
import { gatherMove } from './lower-moves.js';
import { Op, RARE_LEN } from './ops.js';
import { f64Const } from './stack.js';

export const I32 = ValType.i32;
export const I64 = ValType.i64;
export const F32 = ValType.f32;
export const F64 = ValType.f64;
export const V128 = ValType.v128;

/** Words a value of type t takes on the value stack. */
export function width(t: number): number {
  return t === V128 ? 4 : 2;
}

export function isRef(t: number): boolean {
  return t === ValType.funcref || t === ValType.externref;
}

export function movOp(t: number): Op {
  return t === V128 ? Op.mov128 : isRef(t) ? Op.movref : t === F64 ? Op.movf64 : t === I64 ? Op.mov64 : Op.mov32;
}

/**
 * Length of each instruction as emitted (recorded by the lowering; -1 for br_table, whose length is
 * 4 + its target count; -3 for br_table_m, 6 + its target count; -2 for mov32xn, 2 + twice its move
 * count), for disassembly in tools and tests.
 */
export const opLength = new Int8Array(Op.count);

/** Length of the instruction at pc (its opcode seen by this process's lowering: see opLength). */
export function instrLength(code: ArrayLike<number>, pc: number): number {
  const l = opLength[code[pc]!]!;
  return l === -1 ? 4 + code[pc + 2]! : l === -2 ? 2 + 2 * code[pc + 1]! : l === -3 ? 6 + code[pc + 4]! : l || 1;
}

/** Debug listing of lowered code: one `pc: op operands` line per instruction (names from `opNames`). */
export function disassemble(code: Int32Array, opNames: readonly string[]): string {
  const out: string[] = [];
  let pc = 0;
  while (pc < code.length) {
    const op = code[pc]!;
    const n = instrLength(code, pc);
    out.push(`${pc}: ${opNames[op] ?? op} ${Array.from(code.subarray(pc + 1, pc + n)).join(' ')}`);
    pc += n;
  }
  return out.join('\n');
}

/** What the lowering needs to know about the module around a function. */
export interface LowerContext {
  module: Module;
  features: number;
  /** Type index of every function in the index space. */
  funcTypes: number[];
  importedFuncs: number;
  /** Value type of every global in the index space. */
  globalTypes: number[];
  /** Whether each memory (index space) uses 64-bit addresses. */
  memory64: boolean[];
  /** Emit `fuel` at function entry and loop headers. */
  instrument: boolean;
  /** Copy propagation, destination rewriting and fused branches (off = one instruction per wasm op). */
  optimize: boolean;
}

// Simple numeric instructions: wasm op -> [internal op, inputs, result type].
export const SIMPLE = new Map<number, [Op, number, number]>();
function simple(wop: number, op: Op, inputs: number, result: number): void {
  SIMPLE.set(wop, [op, inputs, result]);
}
simple(W.i32_eqz, Op.i32_eqz, 1, I32);
for (const [w, o] of [
  [W.i32_eq, Op.i32_eq], [W.i32_ne, Op.i32_ne], [W.i32_lt_s, Op.i32_lt_s], [W.i32_lt_u, Op.i32_lt_u],
  [W.i32_gt_s, Op.i32_gt_s], [W.i32_gt_u, Op.i32_gt_u], [W.i32_le_s, Op.i32_le_s], [W.i32_le_u, Op.i32_le_u],
  [W.i32_ge_s, Op.i32_ge_s], [W.i32_ge_u, Op.i32_ge_u],
  [W.i32_add, Op.i32_add], [W.i32_sub, Op.i32_sub], [W.i32_mul, Op.i32_mul], [W.i32_div_s, Op.i32_div_s],
  [W.i32_div_u, Op.i32_div_u], [W.i32_rem_s, Op.i32_rem_s], [W.i32_rem_u, Op.i32_rem_u], [W.i32_and, Op.i32_and],
  [W.i32_or, Op.i32_or], [W.i32_xor, Op.i32_xor], [W.i32_shl, Op.i32_shl], [W.i32_shr_s, Op.i32_shr_s],
  [W.i32_shr_u, Op.i32_shr_u], [W.i32_rotl, Op.i32_rotl], [W.i32_rotr, Op.i32_rotr],
] as [number, Op][]) simple(w, o, 2, I32);
for (const [w, o] of [
  [W.i32_clz, Op.i32_clz], [W.i32_ctz, Op.i32_ctz], [W.i32_popcnt, Op.i32_popcnt],
  [W.i32_extend8_s, Op.i32_extend8_s], [W.i32_extend16_s, Op.i32_extend16_s],
] as [number, Op][]) simple(w, o, 1, I32);
simple(W.i64_eqz, Op.i64_eqz, 1, I32);
for (const [w, o] of [
  [W.i64_eq, Op.i64_eq], [W.i64_ne, Op.i64_ne], [W.i64_lt_s, Op.i64_lt_s], [W.i64_lt_u, Op.i64_lt_u],
  [W.i64_gt_s, Op.i64_gt_s], [W.i64_gt_u, Op.i64_gt_u], [W.i64_le_s, Op.i64_le_s], [W.i64_le_u, Op.i64_le_u],
  [W.i64_ge_s, Op.i64_ge_s], [W.i64_ge_u, Op.i64_ge_u],
] as [number, Op][]) simple(w, o, 2, I32);
for (const [w, o] of [
  [W.i64_clz, Op.i64_clz], [W.i64_ctz, Op.i64_ctz], [W.i64_popcnt, Op.i64_popcnt],
  [W.i64_extend8_s, Op.i64_extend8_s], [W.i64_extend16_s, Op.i64_extend16_s], [W.i64_extend32_s, Op.i64_extend32_s],
] as [number, Op][]) simple(w, o, 1, I64);
for (const [w, o] of [
  [W.i64_add, Op.i64_add], [W.i64_sub, Op.i64_sub], [W.i64_mul, Op.i64_mul], [W.i64_div_s, Op.i64_div_s],
  [W.i64_div_u, Op.i64_div_u], [W.i64_rem_s, Op.i64_rem_s], [W.i64_rem_u, Op.i64_rem_u], [W.i64_and, Op.i64_and],
  [W.i64_or, Op.i64_or], [W.i64_xor, Op.i64_xor], [W.i64_shl, Op.i64_shl], [W.i64_shr_s, Op.i64_shr_s],
  [W.i64_shr_u, Op.i64_shr_u], [W.i64_rotl, Op.i64_rotl], [W.i64_rotr, Op.i64_rotr],
] as [number, Op][]) simple(w, o, 2, I64);
for (const [w, o] of [
  [W.f32_eq, Op.f32_eq], [W.f32_ne, Op.f32_ne], [W.f32_lt, Op.f32_lt], [W.f32_gt, Op.f32_gt], [W.f32_le, Op.f32_le],
  [W.f32_ge, Op.f32_ge], [W.f64_eq, Op.f64_eq], [W.f64_ne, Op.f64_ne], [W.f64_lt, Op.f64_lt], [W.f64_gt, Op.f64_gt],
  [W.f64_le, Op.f64_le], [W.f64_ge, Op.f64_ge],
] as [number, Op][]) simple(w, o, 2, I32);
for (const [w, o] of [
  [W.f32_abs, Op.f32_abs], [W.f32_neg, Op.f32_neg], [W.f32_ceil, Op.f32_ceil], [W.f32_floor, Op.f32_floor],
  [W.f32_trunc, Op.f32_trunc], [W.f32_nearest, Op.f32_nearest], [W.f32_sqrt, Op.f32_sqrt],
] as [number, Op][]) simple(w, o, 1, F32);
for (const [w, o] of [
  [W.f32_add, Op.f32_add], [W.f32_sub, Op.f32_sub], [W.f32_mul, Op.f32_mul], [W.f32_div, Op.f32_div],
  [W.f32_min, Op.f32_min], [W.f32_max, Op.f32_max], [W.f32_copysign, Op.f32_copysign],
] as [number, Op][]) simple(w, o, 2, F32);
for (const [w, o] of [
  [W.f64_abs, Op.f64_abs], [W.f64_neg, Op.f64_neg], [W.f64_ceil, Op.f64_ceil], [W.f64_floor, Op.f64_floor],
  [W.f64_trunc, Op.f64_trunc], [W.f64_nearest, Op.f64_nearest], [W.f64_sqrt, Op.f64_sqrt],
] as [number, Op][]) simple(w, o, 1, F64);
for (const [w, o] of [
  [W.f64_add, Op.f64_add], [W.f64_sub, Op.f64_sub], [W.f64_mul, Op.f64_mul], [W.f64_div, Op.f64_div],
  [W.f64_min, Op.f64_min], [W.f64_max, Op.f64_max], [W.f64_copysign, Op.f64_copysign],
] as [number, Op][]) simple(w, o, 2, F64);
for (const [w, o, r] of [
  [W.i32_trunc_f32_s, Op.i32_trunc_f32_s, I32], [W.i32_trunc_f32_u, Op.i32_trunc_f32_u, I32],
  [W.i32_trunc_f64_s, Op.i32_trunc_f64_s, I32], [W.i32_trunc_f64_u, Op.i32_trunc_f64_u, I32],
  [W.i64_extend_i32_s, Op.i64_extend_i32_s, I64], [W.i64_extend_i32_u, Op.i64_extend_i32_u, I64],
  [W.i64_trunc_f32_s, Op.i64_trunc_f32_s, I64], [W.i64_trunc_f32_u, Op.i64_trunc_f32_u, I64],
  [W.i64_trunc_f64_s, Op.i64_trunc_f64_s, I64], [W.i64_trunc_f64_u, Op.i64_trunc_f64_u, I64],
  [W.f32_convert_i32_s, Op.f32_convert_i32_s, F32], [W.f32_convert_i32_u, Op.f32_convert_i32_u, F32],
  [W.f32_convert_i64_s, Op.f32_convert_i64_s, F32], [W.f32_convert_i64_u, Op.f32_convert_i64_u, F32],
  [W.f32_demote_f64, Op.f32_demote_f64, F32],
  [W.f64_convert_i32_s, Op.f64_convert_i32_s, F64], [W.f64_convert_i32_u, Op.f64_convert_i32_u, F64],
  [W.f64_convert_i64_s, Op.f64_convert_i64_s, F64], [W.f64_convert_i64_u, Op.f64_convert_i64_u, F64],
  [W.f64_promote_f32, Op.f64_promote_f32, F64],
  [W.i32_trunc_sat_f32_s, Op.i32_trunc_sat_f32_s, I32], [W.i32_trunc_sat_f32_u, Op.i32_trunc_sat_f32_u, I32],
  [W.i32_trunc_sat_f64_s, Op.i32_trunc_sat_f64_s, I32], [W.i32_trunc_sat_f64_u, Op.i32_trunc_sat_f64_u, I32],
  [W.i64_trunc_sat_f32_s, Op.i64_trunc_sat_f32_s, I64], [W.i64_trunc_sat_f32_u, Op.i64_trunc_sat_f32_u, I64],
  [W.i64_trunc_sat_f64_s, Op.i64_trunc_sat_f64_s, I64], [W.i64_trunc_sat_f64_u, Op.i64_trunc_sat_f64_u, I64],
] as [number, Op, number][]) simple(w, o, 1, r);

// i32 binary ops with an immediate form (constant right operand).
export const KFORM = new Map<number, Op>([
  [W.i32_add, Op.i32_add_k], [W.i32_mul, Op.i32_mul_k], [W.i32_and, Op.i32_and_k], [W.i32_or, Op.i32_or_k],
  [W.i32_xor, Op.i32_xor_k], [W.i32_shl, Op.i32_shl_k], [W.i32_shr_s, Op.i32_shr_s_k], [W.i32_shr_u, Op.i32_shr_u_k],
  [W.i32_rotl, Op.i32_rotl_k],
  [W.i32_eq, Op.i32_eq_k], [W.i32_ne, Op.i32_ne_k], [W.i32_lt_s, Op.i32_lt_s_k], [W.i32_lt_u, Op.i32_lt_u_k],
  [W.i32_gt_s, Op.i32_gt_s_k], [W.i32_gt_u, Op.i32_gt_u_k], [W.i32_le_s, Op.i32_le_s_k], [W.i32_le_u, Op.i32_le_u_k],
  [W.i32_ge_s, Op.i32_ge_s_k], [W.i32_ge_u, Op.i32_ge_u_k],
]);

// i64 binary ops with an immediate form: [op, count-like (the immediate is a shift count)]
export const KFORM64 = new Map<number, [Op, boolean]>([
  [W.i64_mul, [Op.i64_mul_k, false]], [W.i64_and, [Op.i64_and_k, false]], [W.i64_or, [Op.i64_or_k, false]],
  [W.i64_xor, [Op.i64_xor_k, false]], [W.i64_shl, [Op.i64_shl_k, true]], [W.i64_shr_s, [Op.i64_shr_s_k, true]],
  [W.i64_shr_u, [Op.i64_shr_u_k, true]], [W.i64_rotl, [Op.i64_rotl_k, true]],
]);

// Comparisons that fuse with a following branch: compare op -> index 0..9 (eq ne lt_s lt_u gt_s gt_u
// le_s le_u ge_s ge_u), for the register and the immediate forms.
export function cmpIndex(op: number): number {
  if (op >= Op.i32_eq && op <= Op.i32_ge_u) return op - Op.i32_eq;
  if (op >= Op.i32_eq_k && op <= Op.i32_ge_u_k) return op - Op.i32_eq_k;
  return -1;
}
/** The comparison that is true exactly when comparison i is false. */
export const NEGATE = [1, 0, 8, 9, 6, 7, 4, 5, 2, 3];

// Memory instructions: wasm op -> [internal op, result type (0 for stores)].
export const LOADS = new Map<number, [Op, number]>([
  [W.i32_load, [Op.load32, I32]], [W.i64_load, [Op.load64, I64]], [W.f32_load, [Op.load32, F32]],
  [W.f64_load, [Op.loadf64, F64]], [W.i32_load8_s, [Op.load8_s, I32]], [W.i32_load8_u, [Op.load8_u, I32]],
  [W.i32_load16_s, [Op.load16_s, I32]], [W.i32_load16_u, [Op.load16_u, I32]],
  [W.i64_load8_s, [Op.load8_s_64, I64]], [W.i64_load8_u, [Op.load8_u_64, I64]],
  [W.i64_load16_s, [Op.load16_s_64, I64]], [W.i64_load16_u, [Op.load16_u_64, I64]],
  [W.i64_load32_s, [Op.load32_s_64, I64]], [W.i64_load32_u, [Op.load32_u_64, I64]],
]);
export const STORES = new Map<number, Op>([
  [W.i32_store, Op.store32], [W.i64_store, Op.store64], [W.f32_store, Op.store32], [W.f64_store, Op.storef64],
  [W.i32_store8, Op.store8], [W.i32_store16, Op.store16], [W.i64_store8, Op.store8], [W.i64_store16, Op.store16],
  [W.i64_store32, Op.store32],
]);

/** The shift codes of i32_binsh / i32_shsh (ops.ts) of the shift-by-constant instructions. */
export const SHIFT_CODE = new Map<number, number>([[Op.i32_rotl_k, 0], [Op.i32_shl_k, 1], [Op.i32_shr_u_k, 2], [Op.i32_shr_s_k, 3]]);

export const K_SLOT = 0;
export const K_LOCAL = 1;
export const K_CONST = 2;
/** `x + k` not yet computed: vv = x's slot, vh = k, vl = x's local index (-1 when x is the entry's own slot). */
export const K_ADDK = 3;

export const CTL_BLOCK = 0;
export const CTL_LOOP = 1;
export const CTL_IF = 2;
export const CTL_ELSE = 3;
export const CTL_FUNC = 4;
/** exception handling (legacy proposal): try, then its catch blocks */
export const CTL_TRY = 5;

export interface Ctl {
  kind: number;
  /** Virtual-stack height below the block's parameters. */
  height: number;
  params: readonly number[];
  results: readonly number[];
  /** Word offset of the label's first value slot. */
  base: number;
  /** Loop: the header's code position. */
  start: number;
  /** Code positions holding forward branch targets, patched at `end`. */
  fixups: number[];
  /** if: the position holding the jump-to-else target, until `else` or `end` binds it. */
  elseFixup: number;
  /** Pushed inside unreachable code: nothing is emitted for it. */
  dead: boolean;
  /** Whether the code before `else` could fall through (for the reachability after `end`). */
  thenFell: boolean;
  /** try: code position where the protected range starts; -1 for other blocks. */
  tryStart: number;
  /** try: where the protected range ended (the first catch/delegate), or -1 while in the body. */
  tryEnd: number;
  /** try: how many try blocks enclose this one. */
  tryDepth: number;
}

/** The lowering's state, emission and virtual stack. */
export abstract class LowerBase {
  protected readonly ctx: LowerContext;
  protected readonly m: Module;
  protected readonly type: FuncType;
  protected readonly body: Uint8Array;
  protected readonly opt: boolean;

  protected code: number[] = [];
  // locals
  protected localType: number[] = [];
  protected localPos: number[] = [];
  protected localsEnd = 0;
  // virtual stack
  protected vk: number[] = [];
  protected vt: number[] = [];
  protected vv: number[] = []; // local index, or the constant's low word
  protected vh: number[] = []; // the constant's high word
  protected vp: number[] = []; // own slot
  protected vl: number[] = []; // ADDK: the local read, or -1
  protected len = 0;
  protected maxWords = 0;
  // control
  protected ctls: Ctl[] = [];
  /** Exception handlers (see Lowered.handlers), 7 ints each, innermost try first. */
  protected handlers: number[] = [];
  protected unreachable = false;
  // last emitted instruction (for the peepholes); -1 when a label was bound since
  protected lastStart = -1;
  protected lastDstAt = -1;
  /** Start of the instruction emitted before the last one (-1 when a label lies between). */
  protected prevStart = -1;
  /** After takeCond removed a comparison: the instruction now last, when it may fuse with the branch. */
  protected tailStart = -1;
  /** With tailStart: the start of the instruction before that one (-1 when unknown). */
  protected tailPrev = -1;
  /** Starts of the instructions emitted since the last label or block start (for gatherMove). */
  protected starts: number[] = [];

  constructor(ctx: LowerContext, funcIndex: number) {
    this.ctx = ctx;
    this.m = ctx.module;
    this.type = this.m.types[ctx.funcTypes[funcIndex]!]!;
    const c = this.m.codes[funcIndex - ctx.importedFuncs]!;
    this.body = c.body;
    this.opt = ctx.optimize;
    let pos = 0;
    for (const p of this.type.params) {
      this.localType.push(p);
      this.localPos.push(pos);
      pos += width(p);
    }
    for (const d of c.locals) {
      for (let i = 0; i < d.count; i++) {
        this.localType.push(d.type);
        this.localPos.push(pos);
        pos += width(d.type);
      }
    }
    this.localsEnd = pos;
    this.maxWords = pos;
  }

  // ---------------------------------------------------------------- emission

  protected emit(op: Op, ...operands: number[]): number {
    opLength[op] = op === Op.br_table ? -1 : operands.length + 1;
    const at = this.code.length;
    // starts of instructions a peephole took back
    while (this.starts.length > 0 && this.starts[this.starts.length - 1]! >= at) this.starts.pop();
    this.starts.push(at);
    this.code.push(op, ...operands);
    this.prevStart = this.lastStart;
    this.lastStart = at;
    this.lastDstAt = -1;
    return at;
  }

  /** Emits an instruction whose first operand is its destination slot. */
  protected emitD(op: Op, ...operands: number[]): number {
    if (op === Op.mov32 && this.opt && this.lastStart >= 0 && this.code[this.lastStart] === Op.mov32 &&
        this.lastStart + 3 === this.code.length) {
      // pair with the move just emitted
      const at = this.lastStart;
      opLength[Op.mov32x2] = 5;
      this.code[at] = Op.mov32x2;
      this.code.push(operands[0]!, operands[1]!);
      this.lastDstAt = at + 3;
      return at;
    }
    const s = this.lastStart;
    if (this.opt && op === Op.mov32 && s >= 0 && this.code[s] === Op.i32_add_k && s + 4 === this.code.length &&
        operands[1] === this.code[s + 1] && operands[0]! < this.localsEnd && this.code[s + 1]! < this.localsEnd) {
      // `t = a + k` then a copy of t to another local (both locals: no later local.set renames either)
      this.code[s] = Op.i32_add_k_mov;
      this.code.push(operands[0]!);
      opLength[Op.i32_add_k_mov] = 5;
      this.lastDstAt = -1;
      return s;
    }
    if (this.opt && op === Op.i32_add_k && s >= 0 && this.code[s] === Op.mov32 && s + 3 === this.code.length &&
        operands[0]! < this.localsEnd && this.code[s + 1]! < this.localsEnd &&
        (operands[1] === this.code[s + 1] || operands[1] === this.code[s + 2])) {
      // a move, then a constant added to the moved value (a post-increment): one instruction
      this.code[s] = Op.mov32_addk;
      this.code.push(operands[0]!, operands[2]!);
      opLength[Op.mov32_addk] = 5;
      this.lastDstAt = -1;
      return s;
    }
    if (op === Op.mov32 && this.opt && operands[0]! < this.localsEnd &&
        gatherMove(this.code, this.starts, this.localsEnd, operands[0]!, operands[1]!)) {
      opLength[Op.mov32x2] = 5;
      opLength[Op.mov32xn] = -2;
      // instructions after the move it joined have moved: no peephole may look back at them
      this.lastStart = -1;
      this.prevStart = -1;
      this.lastDstAt = -1;
      this.tailStart = -1;
      this.tailPrev = -1;
      return -1;
    }
    const at = this.emit(op, ...operands);
    this.lastDstAt = at + 1;
    return at;
  }

  /** A rare instruction, padded to RARE_LEN operands. */
  protected emitRare(op: Op, ...operands: number[]): number {
    while (operands.length < RARE_LEN) operands.push(0);
    return this.emit(op, ...operands);
  }

  /**
   * Whether entry i (the top by default) is the temporary the instruction just emitted wrote as its
   * destination — of opcode `op` when given. Only that entry reads it, so a peephole may take the
   * instruction back (`dropLast`) and compute its value inside the consumer.
   */
  protected lastFeeds(op = -1, i = this.len - 1): boolean {
    const s = this.lastStart;
    return s >= 0 && this.lastDstAt === s + 1 && this.vk[i] === K_SLOT && this.vp[i] === this.code[s + 1] &&
      (op < 0 || this.code[s] === op);
  }

  /** Removes the instruction just emitted (a peephole read its operands first). */
  protected dropLast(): void {
    if (this.starts[this.starts.length - 1] === this.lastStart) this.starts.pop();
    this.code.length = this.lastStart;
    this.lastStart = -1;
    this.lastDstAt = -1;
  }

  /** A label is bound here: no peephole may look across it. */
  protected bind(): void {
    this.starts.length = 0;
    this.lastStart = -1;
    this.lastDstAt = -1;
    this.prevStart = -1;
  }

  // ---------------------------------------------------------------- virtual stack

  protected posAt(h: number): number {
    return h === 0 ? this.localsEnd : this.vp[h - 1]! + width(this.vt[h - 1]!);
  }

  protected pushEntry(kind: number, t: number, v: number, h: number): number {
    const i = this.len++;
    const p = this.posAt(i);
    this.vk[i] = kind;
    this.vt[i] = t;
    this.vv[i] = v;
    this.vh[i] = h;
    this.vp[i] = p;
    this.vl[i] = -1;
    const end = p + width(t);
    if (end > this.maxWords) this.maxWords = end;
    return p;
  }

  /** Pushes a value computed into its own slot; returns the slot. */
  protected push(t: number): number {
    return this.pushEntry(K_SLOT, t, 0, 0);
  }

  /** Writes entry i to slot `dst` (no-op when it is already there). */
  protected moveTo(i: number, dst: number): void {
    const k = this.vk[i]!;
    const t = this.vt[i]!;
    if (k === K_CONST) {
      if (t === I32 || t === F32) this.emitD(Op.const32, dst, this.vv[i]!);
      else if (t === F64) this.emitD(Op.constf64, dst, f64Const(this.vv[i]!, this.vh[i]!));
      else if (t === I64) this.emitD(Op.const64, dst, this.vv[i]!, this.vh[i]!);
      else this.emitD(Op.ref_null, dst);
      return;
    }
    if (k === K_ADDK) {
      this.emitD(Op.i32_add_k, dst, this.vv[i]!, this.vh[i]!);
      return;
    }
    const src = k === K_LOCAL ? this.localPos[this.vv[i]!]! : this.vp[i]!;
    if (src !== dst) this.emitD(movOp(t), dst, src);
  }

  protected materialize(i: number): void {
    if (this.vk[i] === K_SLOT) return;
    this.moveTo(i, this.vp[i]!);
    this.vk[i] = K_SLOT;
  }

  protected materializeAll(): void {
    for (let i = 0; i < this.len; i++) this.materialize(i);
  }

  protected materializeLocal(x: number): void {
    for (let i = 0; i < this.len; i++) if (this.reads(i, x)) this.materialize(i);
  }

  /** Whether entry i is a lazy read of local x (LOCAL x, or ADDK of x). */
  protected reads(i: number, x: number): boolean {
    const k = this.vk[i];
    return (k === K_LOCAL && this.vv[i] === x) || (k === K_ADDK && this.vl[i] === x);
  }

  /** The slot to read entry i from (materialising a constant or a sum). */
  protected operand(i: number): number {
    const k = this.vk[i]!;
    if (k === K_LOCAL) return this.localPos[this.vv[i]!]!;
    if (k === K_CONST || k === K_ADDK) this.materialize(i);
    return this.vp[i]!;
  }


  /** Pops the top entry and returns the slot to read it from. */
  protected pop(): number {
    const s = this.operand(this.len - 1);
    this.len--;
    return s;
  }

  protected topIsConst(t: number): boolean {
    return this.opt && this.len > 0 && this.vk[this.len - 1] === K_CONST && this.vt[this.len - 1] === t;
  }

  protected truncate(h: number): void {
    if (this.len > h) this.len = h;
  }
}
