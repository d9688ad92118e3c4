// Lowering: turns one validated function body (spec §5.4 bytes) into the interpreter's slot-based
// instruction stream (ops.ts), once per module.
//
// Wasm's operand stack has a statically known height at every instruction (spec §3.3: validation types
// it), so every stack position can be given a fixed slot in the frame. An instruction then names its
// operands and result by slot offset instead of pushing and popping, and the lowering keeps a *virtual*
// stack describing where each value currently is:
//   - SLOT:  in its own stack slot;
//   - LOCAL: still in local x (a `local.get` emits nothing: its consumer reads the local directly);
//   - CONST: a constant not yet written anywhere (consumers with an immediate form take it inline);
//   - ADDK:  `x + k` (i32, x a local or the entry's own slot), not yet computed: memory accesses fold it
//            into their address (exactly: they compute ((x + k) mod 2^32) + offset), others compute it.
// LOCAL and ADDK entries are written to their own slots ("materialised") before anything can change the local
// (local.set/tee of that local) and at every control-flow boundary, so a lazy read never observes a
// later write. Two peepholes remove most remaining dispatches:
//   - `local.set x` right after the instruction that produced the value rewrites that instruction's
//     destination to x (`a + b -> x` instead of `a + b -> tmp; tmp -> x`);
//   - an i32 comparison (or eqz) consumed by `br_if`/`if` becomes one compare-and-branch instruction.
// Branch targets are resolved to code positions; values carried by a branch are moved to the target
// label's slots on the taken path only.
//
// The lowering is one class in three layers, by concern: lower-base.ts (tables, state, emission, the
// virtual stack), lower-fuse.ts (memory accesses and superinstruction selection) and this file
// (the function, control flow, calls, locals and the remaining instructions).

import { CompileError } from '../../api/errors.js';
import { InstrReader } from '../../binary/instr.js';
import { Op as W, opInfo } from '../../binary/opcodes.js';
import { Reader } from '../../binary/reader.js';
import { type FuncType, type Module, ValType } from '../../binary/types.js';
import { typeId } from '../../runtime/store.js';
import type { Lowered } from './func.js';
import { Op, RARE_LEN } from './ops.js';
import {
  CTL_BLOCK, CTL_ELSE, CTL_FUNC, CTL_IF, CTL_LOOP, CTL_TRY, type Ctl, F64, I32, I64, K_ADDK, K_CONST, K_LOCAL, K_SLOT,
  F32, KFORM, KFORM64, type LowerContext, NEGATE, SIMPLE, V128, cmpIndex, isRef, movOp, opLength, width,
} from './lower-base.js';
import { LowerFuse } from './lower-fuse.js';
import { f64Const } from './stack.js';

export { type LowerContext, disassemble, opLength, width } from './lower-base.js';

/** Lowers function `funcIndex` (in the index space) of the module. */
export function lowerFunction(ctx: LowerContext, funcIndex: number): Lowered {
  return new Lowerer(ctx, funcIndex).run();
}

class Lowerer extends LowerFuse {
  constructor(ctx: LowerContext, funcIndex: number) {
    super(ctx, funcIndex);
  }

  run(): Lowered {
    const t = this.type;
    let paramWords = 0;
    for (const p of t.params) paramWords += width(p);
    let resultWords = 0;
    for (const r of t.results) resultWords += width(r);
    // Prologue: declared locals start at zero / null (§4.4.9 "invoke": locals are default values),
    // except those provably written before any read (see `needsInit`).
    const init = this.needsInit();
    let zFrom = -1;
    let zTo = -1;
    for (let i = t.params.length; i < this.localType.length; i++) {
      if (!init[i]) continue;
      if (isRef(this.localType[i]!)) this.emit(Op.ref_null, this.localPos[i]!);
      else {
        if (zFrom < 0) zFrom = this.localPos[i]!;
        zTo = this.localPos[i]! + width(this.localType[i]!);
      }
    }
    if (zFrom >= 0) this.emit(Op.zero, zFrom, zTo);
    if (this.ctx.instrument) this.emit(Op.fuel);
    this.ctls.push(this.newCtl(CTL_FUNC, 0, [], t.results));
    const r = new Reader(this.body);
    const ir = new InstrReader(r, this.ctx.features);
    while (this.ctls.length > 0) {
      ir.read();
      this.instr(ir);
    }
    return {
      code: Int32Array.from(this.code),
      paramWords,
      resultWords,
      frameWords: Math.max(this.maxWords, resultWords, paramWords),
      refParams: t.params.some(isRef),
      handlers: Int32Array.from(this.handlers),
    };
  }

  /**
   * Which declared locals may be read before they are written (and so must be zeroed on entry). A
   * local is known written once a local.set/tee of it executes on every path: while control has been
   * straight-line from the entry (no branch, if or loop seen yet), or at the function's top level
   * (nesting depth 0, where nothing can jump past an instruction). Any read before that needs the
   * zero. Saves the prologue in most compiled C functions (their locals are temporaries).
   */
  private needsInit(): boolean[] {
    const n = this.localType.length;
    const need: boolean[] = new Array(n).fill(false);
    const written: boolean[] = new Array(n).fill(false);
    for (let i = 0; i < this.type.params.length; i++) written[i] = true;
    const r = new Reader(this.body);
    const ir = new InstrReader(r, this.ctx.features);
    let depth = 0;
    let straight = true;
    while (!r.eof) {
      ir.read();
      const op = ir.op;
      if (op === W.local_get) {
        if (!written[ir.index]) need[ir.index] = true;
      } else if (op === W.local_set || op === W.local_tee) {
        if (depth === 0 || straight) written[ir.index] = true;
      } else if (op === W.block) depth++;
      else if (op === W.loop || op === W.if) {
        depth++;
        straight = false;
      } else if (op === W.end) depth--;
      else if (op === W.br || op === W.br_if || op === W.br_table || op === W.return || op === W.else ||
        op === W.unreachable || op === W.return_call || op === W.return_call_indirect) {
        straight = false;
      }
    }
    return need;
  }

  // ---------------------------------------------------------------- control

  private newCtl(kind: number, height: number, params: readonly number[], results: readonly number[]): Ctl {
    // a block's start may be a protected range's start (try): no move is gathered across it
    this.starts.length = 0;
    return {
      kind,
      height,
      params,
      results,
      base: this.posAt(height),
      start: this.code.length,
      fixups: [],
      elseFixup: -1,
      dead: false,
      thenFell: false,
      tryStart: -1,
      tryEnd: -1,
      tryDepth: 0,
    };
  }

  private blockType(bt: number): [readonly number[], readonly number[]] {
    if (bt === -64) return [[], []];
    if (bt < 0) return [[], [bt + 0x80]];
    const t = this.m.types[bt]!;
    return [t.params, t.results];
  }

  private label(depth: number): Ctl {
    return this.ctls[this.ctls.length - 1 - depth]!;
  }

  /** Values a branch to `c` carries. */
  private arity(c: Ctl): readonly number[] {
    return c.kind === CTL_LOOP ? c.params : c.results;
  }

  /** Emits the moves of the top values into the slots of label c (for a taken branch). */
  private branchMoves(c: Ctl): void {
    const types = this.arity(c);
    const n = types.length;
    if (n === 0) return;
    const first = this.len - n;
    if (n === 1) {
      this.moveTo(first, c.base);
      return;
    }
    // Several values: put them in their own slots first, then copy upwards in order. Own slots are
    // never below the label's slots, so ascending copies never overwrite a value still to be read.
    for (let i = first; i < this.len; i++) this.materialize(i);
    let dst = c.base;
    for (let i = first; i < this.len; i++) {
      this.moveTo(i, dst);
      dst += width(this.vt[i]!);
    }
  }

  /** Whether a branch to c needs no moves (its values already sit in its slots). */
  private inPlace(c: Ctl): boolean {
    const n = this.arity(c).length;
    if (n === 0) return true;
    if (this.posAt(this.len - n) !== c.base) return false;
    for (let i = this.len - n; i < this.len; i++) if (this.vk[i] !== K_SLOT) return false;
    return true;
  }

  /** Records that the operand at `at` is a branch target of c (patched now for loops, at end otherwise). */
  private target(c: Ctl, at: number): void {
    if (c.kind === CTL_LOOP) this.code[at] = c.start;
    else c.fixups.push(at);
  }

  /** Emits the function's return: results to slots 0.., then `return`. */
  private emitReturn(): void {
    const n = this.type.results.length;
    const first = this.len - n;
    if (n === 1 && this.opt && this.vk[first] !== K_CONST) {
      // one value: move and return in one instruction
      const t = this.vt[first]!;
      const src = this.operand(first);
      if (src === 0) this.emit(Op.return_);
      else this.emit(t === V128 ? Op.return_v128 : isRef(t) ? Op.return_ref : t === F64 ? Op.return_f64 : t === I64 ? Op.return_v64 : Op.return_v32, src);
      return;
    }
    if (n === 1) this.moveTo(first, 0);
    else if (n > 1) {
      for (let i = first; i < this.len; i++) this.materialize(i);
      let dst = 0;
      for (let i = first; i < this.len; i++) {
        this.moveTo(i, dst);
        dst += width(this.vt[i]!);
      }
    }
    this.emit(Op.return_);
  }

  /** An unconditional branch to label `depth`. */
  private branch(depth: number): void {
    const c = this.label(depth);
    if (c.kind === CTL_FUNC) {
      this.emitReturn();
      return;
    }
    this.branchMoves(c);
    const m = this.lastStart;
    if (this.opt && m >= 0 && this.code[m] === Op.mov32 && m + 3 === this.code.length) {
      // the move just emitted (a phi move, or the branch's own value) and the jump in one instruction
      this.code[m] = Op.mov32_br;
      this.code.push(0);
      opLength[Op.mov32_br] = 4;
      this.prevStart = -1;
      this.lastStart = -1;
      this.lastDstAt = -1;
      this.target(c, m + 3);
      return;
    }
    const at = this.emit(Op.br, 0);
    this.target(c, at + 1);
  }

  /**
   * Pops a branch condition. When it was computed by the instruction just emitted (an i32 comparison or
   * eqz), that instruction is removed and returned as [cmp index (0..9, or 10 for eqz), a, b, isK];
   * otherwise [-1, slot].
   */
  private takeCond(): number[] {
    const top = this.len - 1;
    this.tailStart = -1;
    this.tailPrev = -1;
    if (this.vk[top] === K_ADDK) this.materialize(top);
    if (this.opt && this.lastFeeds()) {
      const op = this.code[this.lastStart]!;
      const ci = cmpIndex(op);
      const c = this.code;
      const s = this.lastStart;
      if (ci >= 0) {
        const res = [ci, c[s + 2]!, c[s + 3]!, op >= Op.i32_eq_k ? 1 : 0];
        const prev = this.prevStart;
        c.length = s;
        this.len--;
        this.bind();
        this.tailStart = prev;
        return res;
      }
      if (op === Op.i32_eqz) {
        const res = [10, c[s + 2]!, 0, 0];
        c.length = s;
        this.len--;
        this.bind();
        return res;
      }
      if (op >= Op.i64_eq && op <= Op.i64_ge_u) {
        const res = [20 + op - Op.i64_eq, c[s + 2]!, c[s + 3]!, 0];
        // the two instructions before it, when no label lies between (see condJump)
        const ss = this.starts;
        const n = ss.length;
        const pair = n >= 3 && ss[n - 1] === s ? [ss[n - 3]!, ss[n - 2]!] : null;
        c.length = s;
        this.len--;
        this.bind();
        if (pair) {
          this.tailStart = pair[1]!;
          this.tailPrev = pair[0]!;
        }
        return res;
      }
      if (op === Op.i64_eqz) {
        const res = [30, c[s + 2]!, 0, 0];
        c.length = s;
        this.len--;
        this.bind();
        return res;
      }
    }
    // a plain condition computed by the instruction just emitted may still fuse (see condJump)
    if (this.lastFeeds()) this.tailStart = this.lastStart;
    return [-1, this.pop()];
  }

  /** Emits a conditional jump taken when the condition is `when`; returns the target operand's position. */
  private condJump(cond: number[], when: boolean): number {
    const ci = cond[0]!;
    // Loop back-edges: `x = y + k` immediately followed by a branch on comparing x (with an immediate,
    // a slot, or x != 0) become one add-compare-branch instruction; x is still written.
    const t = this.tailStart;
    const tp = this.tailPrev;
    this.tailStart = -1;
    this.tailPrev = -1;
    // A 64-bit loop bound (C's `for (unsigned j = ..; j <= limit; j += i)` compared as unsigned long
    // long): `d = i64.extend_i32_u(x); x = x + y;` then the i64 compare-and-branch. One instruction
    // that still does all three, in order, so any overlap of the slots means what it meant.
    if (this.opt && ci >= 20 && ci < 30 && t >= 0 && tp === t - 3 && t + 4 === this.code.length &&
        this.code[t] === Op.i32_add && this.code[tp] === Op.i64_extend_i32_u && this.code[t + 1] === this.code[t + 2] &&
        this.code[tp + 2] === this.code[t + 1]) {
      const c = this.code;
      const d = c[tp + 1]!;
      const x = c[t + 1]!;
      const y = c[t + 3]!;
      c.length = tp;
      this.bind();
      return this.emit(Op.br_zext_add_i64, when ? ci - 20 : NEGATE[ci - 20]!, d, x, y, cond[1]!, cond[2]!, 0) + 7;
    }
    if (this.opt && t >= 0 && t + 4 === this.code.length && this.code[t] === Op.i32_add_k &&
        (ci < 0 || ci < 10) && this.code[t + 1] === cond[1]) {
      const c = this.code;
      const d = c[t + 1]!;
      const x = c[t + 2]!;
      const k = c[t + 3]!;
      c.length = t;
      this.bind();
      if (ci < 0) return this.emit(Op.br_addk_k, when ? 1 : 0, d, x, k, 0, 0) + 6; // ne 0 / eq 0
      const idx = when ? ci : NEGATE[ci]!;
      return this.emit(cond[3] ? Op.br_addk_k : Op.br_addk, idx, d, x, k, cond[2]!, 0) + 6;
    }
    if (ci < 0) return this.emit(when ? Op.br_if : Op.br_ifz, cond[1]!, 0) + 2;
    if (ci === 10) return this.emit(when ? Op.br_ifz : Op.br_if, cond[1]!, 0) + 2;
    if (ci === 30) return this.emit(when ? Op.br_i64z : Op.br_i64nz, cond[1]!, 0) + 2;
    if (ci >= 20) return this.emit(Op.br_i64, when ? ci - 20 : NEGATE[ci - 20]!, cond[1]!, cond[2]!, 0) + 4;
    const idx = when ? ci : NEGATE[ci]!;
    const base = cond[3] ? Op.br_eq_k : Op.br_eq;
    return this.emit(base + idx, cond[1]!, cond[2]!, 0) + 3;
  }

  // ---------------------------------------------------------------- instructions

  private instr(ir: InstrReader): void {
    const op = ir.op;
    if (this.unreachable) {
      this.skipDead(ir);
      return;
    }
    const sim = SIMPLE.get(op);
    if (sim !== undefined) {
      this.simpleOp(op, sim);
      return;
    }
    switch (op) {
      case W.unreachable:
        this.emit(Op.unreachable);
        this.setUnreachable();
        return;
      case W.nop:
        return;
      case W.block:
      case W.loop:
      case W.if: {
        const [params, results] = this.blockType(ir.blockType);
        let cond: number[] | null = null;
        if (op === W.if) cond = this.takeCond();
        this.materializeAll();
        const c = this.newCtl(op === W.block ? CTL_BLOCK : op === W.loop ? CTL_LOOP : CTL_IF,
          this.len - params.length, params, results);
        if (op === W.loop) {
          this.bind();
          c.start = this.code.length;
          if (this.ctx.instrument) this.emit(Op.fuel);
        } else if (cond) {
          c.elseFixup = this.condJump(cond, false);
        }
        this.ctls.push(c);
        return;
      }
      case W.else: {
        const c = this.ctls[this.ctls.length - 1]!;
        this.elseOf(c, true);
        return;
      }
      case W.try: {
        const [params, results] = this.blockType(ir.blockType);
        this.materializeAll();
        const c = this.newCtl(CTL_TRY, this.len - params.length, params, results);
        c.tryDepth = this.ctls.filter((x) => x.kind === CTL_TRY).length;
        this.bind();
        c.tryStart = this.code.length;
        this.ctls.push(c);
        return;
      }
      case W.catch:
      case W.catch_all:
        this.catchOf(this.ctls[this.ctls.length - 1]!, op === W.catch ? ir.index : -1, true);
        return;
      case W.delegate:
        this.delegateOf(ir.index, true);
        return;
      case W.throw: {
        const t = this.tagType(ir.index);
        const base = this.args(t);
        this.emit(Op.throw_, ir.index, base);
        this.setUnreachable();
        return;
      }
      case W.rethrow:
        this.emit(Op.rethrow_, this.label(ir.index).base + 1);
        this.setUnreachable();
        return;
      case W.end:
        this.end(true);
        return;
      case W.br:
        this.branch(ir.index);
        this.setUnreachable();
        return;
      case W.br_if: {
        const c = this.label(ir.index);
        const cond = this.takeCond();
        // Several values are first put in their own slots on both paths: the moves on the taken path
        // below then need no bookkeeping that the fall-through path would not share.
        const n = c.kind === CTL_FUNC ? this.type.results.length : this.arity(c).length;
        if (n > 1) for (let i = this.len - n; i < this.len; i++) this.materialize(i);
        if (c.kind === CTL_FUNC) {
          const skip = this.condJump(cond, false);
          this.emitReturn();
          this.code[skip] = this.code.length;
          this.bind();
        } else if (this.inPlace(c)) {
          this.target(c, this.condJump(cond, true));
        } else {
          const skip = this.condJump(cond, false);
          this.branchMoves(c);
          this.target(c, this.emit(Op.br, 0) + 1);
          this.code[skip] = this.code.length;
          this.bind();
        }
        return;
      }
      case W.br_table: {
        const n = ir.labelCount;
        const labels = Array.from(ir.labels.subarray(0, n));
        labels.push(ir.index);
        // an index the i32.load just emitted loaded into a temporary only this reads: the table loads it
        let load = this.opt && this.lastFeeds(Op.load32) ? this.lastStart : -1;
        const idx = this.pop();
        const arity = this.arity(this.label(ir.index)).length;
        const before = this.code.length;
        if (arity > 1) for (let i = this.len - arity; i < this.len; i++) this.materialize(i);
        else if (arity === 1) this.materialize(this.len - 1);
        if (this.code.length !== before) load = -1;
        let at: number;
        let first: number;
        if (load >= 0) {
          const c = this.code;
          const a = c[load + 2]!;
          const off = c[load + 3]!;
          const k = c[load + 4]!;
          this.dropLast();
          at = this.emit(Op.br_table_m, a, off, k, n, ...labels.map(() => 0));
          opLength[Op.br_table_m] = -3;
          first = at + 5;
        } else {
          at = this.emit(Op.br_table, idx, n, ...labels.map(() => 0));
          first = at + 3;
        }
        // Targets needing moves (or returns) get a stub after the table.
        for (let i = 0; i <= n; i++) {
          const c = this.label(labels[i]!);
          const slot = first + i;
          if (c.kind !== CTL_FUNC && this.inPlace(c)) {
            this.target(c, slot);
          } else {
            this.code[slot] = this.code.length;
            this.bind();
            this.branch(labels[i]!);
          }
        }
        this.setUnreachable();
        return;
      }
      case W.return:
        this.emitReturn();
        this.setUnreachable();
        return;
      case W.call:
      case W.return_call: {
        const f = ir.index;
        const t = this.m.types[this.ctx.funcTypes[f]!]!;
        const base = this.args(t);
        const local = f >= this.ctx.importedFuncs;
        if (op === W.return_call) {
          if (local) {
            this.emit(Op.return_call, f, base);
            this.setUnreachable();
            return;
          }
          this.emit(Op.call_slow, f, base);
          this.results(t);
          this.emitReturn();
          this.setUnreachable();
          return;
        }
        this.emit(local ? Op.call : Op.call_slow, f, base);
        this.results(t);
        return;
      }
      case W.call_indirect:
      case W.return_call_indirect: {
        const t = this.m.types[ir.index]!;
        const idx = this.pop();
        // The index is read before the frame is set up; keep it out of the argument slots' way by
        // reading it into a slot above them when it sits inside (it never does: it was on top).
        const base = this.args(t);
        const tid = typeId(t);
        if (op === W.return_call_indirect) {
          this.emit(Op.return_call_indirect, tid, ir.index2, base, idx);
          this.setUnreachable();
          return;
        }
        this.emit(Op.call_indirect, tid, ir.index2, base, idx);
        this.results(t);
        return;
      }
      case W.drop:
        this.len--;
        return;
      case W.select:
      case W.select_t: {
        const c = this.pop();
        const b = this.pop();
        const t = this.vt[this.len - 1]!;
        const a = this.pop();
        const d = this.push(t);
        const o = t === V128 ? Op.select128 : isRef(t) ? Op.selectref : t === F64 ? Op.selectf64 : t === I64 ? Op.select64 : Op.select32;
        this.emitD(o, d, a, b, c);
        return;
      }
      case W.local_get: {
        const x = ir.index;
        if (this.opt) this.pushEntry(K_LOCAL, this.localType[x]!, x, 0);
        else {
          const d = this.push(this.localType[x]!);
          this.emitD(movOp(this.localType[x]!), d, this.localPos[x]!);
        }
        return;
      }
      case W.local_set:
      case W.local_tee:
        this.localSet(ir.index, op === W.local_tee);
        return;
      case W.global_get: {
        const g = ir.index;
        const t = this.ctx.globalTypes[g]!;
        const d = this.push(t);
        if (isRef(t)) this.emitD(Op.global_get_slow, d, g);
        else this.emitD(t === V128 ? Op.global_get128 : t === F64 ? Op.global_getf64 : t === I64 ? Op.global_get64 : Op.global_get32, d, g);
        return;
      }
      case W.global_set: {
        const g = ir.index;
        const t = this.ctx.globalTypes[g]!;
        const a = this.pop();
        if (isRef(t)) this.emit(Op.global_set_slow, a, g);
        else this.emit(t === V128 ? Op.global_set128 : t === F64 ? Op.global_setf64 : t === I64 ? Op.global_set64 : Op.global_set32, a, g);
        return;
      }
      case W.i32_const:
        if (this.opt) this.pushEntry(K_CONST, I32, ir.i32, 0);
        else this.emitD(Op.const32, this.push(I32), ir.i32);
        return;
      case W.i64_const:
        if (this.opt) this.pushEntry(K_CONST, I64, ir.lo, ir.hi);
        else this.emitD(Op.const64, this.push(I64), ir.lo, ir.hi);
        return;
      case W.f32_const:
        if (this.opt) this.pushEntry(K_CONST, F32, ir.f32 | 0, 0);
        else this.emitD(Op.const32, this.push(F32), ir.f32 | 0);
        return;
      case W.f64_const:
        if (this.opt) this.pushEntry(K_CONST, F64, ir.lo, ir.hi);
        else this.emitD(Op.constf64, this.push(F64), f64Const(ir.lo, ir.hi));
        return;
      case W.v128_const: {
        const b = ir.immBytes();
        const w = (i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
        this.emitD(Op.const128, this.push(V128), w(0), w(4), w(8), w(12));
        return;
      }
      // Reinterpretations and wrap change no bits of the slot's low word(s): only the type changes.
      case W.i32_reinterpret_f32:
        this.retype(I32);
        return;
      case W.f32_reinterpret_i32:
        this.retype(F32);
        return;
      case W.i64_reinterpret_f64:
        this.retype(I64);
        return;
      case W.f64_reinterpret_i64:
        this.retype(F64);
        return;
      case W.i32_wrap_i64:
        this.retype(I32);
        return;
      case W.ref_null: {
        const d = this.push(ir.refType);
        this.emitD(Op.ref_null, d);
        return;
      }
      case W.ref_func: {
        const d = this.push(ValType.funcref);
        this.emitD(Op.ref_func, d, ir.index);
        return;
      }
      case W.ref_is_null: {
        const a = this.pop();
        this.emitD(Op.ref_is_null, this.push(I32), a);
        return;
      }
      case W.memory_size: {
        const d = this.push(this.ctx.memory64[ir.memory] ? I64 : I32);
        this.emitRare(Op.memory_size, d, ir.memory);
        return;
      }
      case W.memory_grow: {
        const a = this.pop();
        const d = this.push(this.ctx.memory64[ir.memory] ? I64 : I32);
        this.emitRare(Op.memory_grow, d, a, ir.memory);
        return;
      }
      case W.memory_fill: {
        const n = this.pop();
        const v = this.pop();
        const dst = this.pop();
        this.emitRare(Op.memory_fill, dst, v, n, ir.memory);
        return;
      }
      case W.memory_copy: {
        const n = this.pop();
        const s = this.pop();
        const dst = this.pop();
        this.emitRare(Op.memory_copy, dst, s, n, ir.memory, ir.index2);
        return;
      }
      case W.memory_init: {
        const n = this.pop();
        const s = this.pop();
        const dst = this.pop();
        this.emitRare(Op.memory_init, dst, s, n, ir.index, ir.memory);
        return;
      }
      case W.data_drop:
        this.emitRare(Op.data_drop, ir.index);
        return;
      case W.table_get: {
        const a = this.pop();
        const d = this.push(this.tableElemType(ir.index));
        this.emitRare(Op.table_get, d, a, ir.index);
        return;
      }
      case W.table_set: {
        const v = this.pop();
        const i = this.pop();
        this.emitRare(Op.table_set, i, v, ir.index);
        return;
      }
      case W.table_size:
        this.emitRare(Op.table_size, this.push(I32), ir.index);
        return;
      case W.table_grow: {
        const n = this.pop();
        const init = this.pop();
        const d = this.push(I32);
        this.emitRare(Op.table_grow, d, init, n, ir.index);
        return;
      }
      case W.table_fill: {
        const n = this.pop();
        const v = this.pop();
        const i = this.pop();
        this.emitRare(Op.table_fill, i, v, n, ir.index);
        return;
      }
      case W.table_copy: {
        const n = this.pop();
        const s = this.pop();
        const dst = this.pop();
        this.emitRare(Op.table_copy, dst, s, n, ir.index, ir.index2);
        return;
      }
      case W.table_init: {
        const n = this.pop();
        const s = this.pop();
        const dst = this.pop();
        this.emitRare(Op.table_init, dst, s, n, ir.index, ir.index2);
        return;
      }
      case W.elem_drop:
        this.emitRare(Op.elem_drop, ir.index);
        return;
    }
    if (this.memAccess(op, ir)) return;
    if (op >= 0x200) {
      // SIMD and (0x400..) atomics: both lowered generically from their signatures (simd.ts, atomics.ts)
      this.simdOp(ir);
      return;
    }
    throw new CompileError('unsupported', `the interpreter cannot run instruction ${opInfo(op)?.name ?? op}`, '');
  }








  private tableElemType(t: number): number {
    let i = 0;
    for (const imp of this.m.imports) {
      if (imp.desc.kind === 1) {
        if (i === t) return imp.desc.type.elemType;
        i++;
      }
    }
    return this.m.tables[t - i]!.elemType;
  }



  private simdOp(ir: InstrReader): void {
    const op = ir.op;
    const info = opInfo(op)!;
    const sig = info.sig;
    const gt = sig.indexOf('>');
    const ins = sig.slice(0, gt);
    const out = sig.slice(gt + 1);
    const slots = [0, 0, 0];
    for (let i = ins.length - 1; i >= 0; i--) slots[i] = this.pop();
    let d = 0;
    if (out.length) {
      const t = out === 'v' ? V128 : out === 'i' ? I32 : out === 'I' ? I64 : out === 'f' ? F32 : F64;
      d = this.push(t);
    }
    let i0 = 0;
    let i1 = 0;
    let i2 = 0;
    let i3 = 0;
    if (op === W.i8x16_shuffle) {
      const b = ir.immBytes();
      const w = (i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
      i0 = w(0);
      i1 = w(4);
      i2 = w(8);
      i3 = w(12);
    } else if (info.align >= 0) {
      // memarg: offset (low, high), lane, memory
      i0 = ir.offset % 0x100000000 | 0;
      i3 = Math.floor(ir.offset / 0x100000000);
      i1 = ir.lane;
      i2 = ir.memory;
    } else {
      i0 = ir.lane;
    }
    this.emit(Op.simd, op, d, slots[0]!, slots[1]!, slots[2]!, i0, i1, i2, i3);
  }

  private retype(t: number): void {
    const i = this.len - 1;
    this.vt[i] = t;
  }

  private simpleOp(op: number, [iop, inputs, result]: [Op, number, number]): void {
    if (inputs === 2) {
      const k = KFORM.get(op);
      if ((op === W.i32_add || op === W.i32_sub) && this.topIsConst(I32)) {
        const kv = this.vv[this.len - 1]!;
        this.len--;
        if (this.pushAddK(op === W.i32_add ? kv : -kv | 0)) return;
        this.len++;
      }
      if (op === W.i32_add && this.opt && this.vk[this.len - 2] === K_CONST) {
        // k + x, x a local (or a lazy sum of one): the same as x + k. (Not for x in its own slot: that
        // slot lies above the result's and would not stay reserved.)
        const top = this.len - 1;
        const tk = this.vk[top];
        if (tk === K_LOCAL || (tk === K_ADDK && this.vl[top]! >= 0)) {
          const local = tk === K_LOCAL ? this.vv[top]! : this.vl[top]!;
          const kv = tk === K_LOCAL ? this.vv[top - 1]! : (this.vv[top - 1]! + this.vh[top]!) | 0;
          this.len -= 2;
          this.pushEntry(K_ADDK, I32, this.localPos[local]!, kv);
          this.vl[this.len - 1] = local;
          return;
        }
      }
      if (k !== undefined && this.topIsConst(I32)) {
        const kv = this.vv[this.len - 1]!;
        this.len--;
        const a = this.pop();
        const d = this.push(result);
        this.emitD(k, d, a, kv);
        return;
      }
      if (op === W.i32_sub && this.topIsConst(I32)) {
        const kv = -this.vv[this.len - 1]! | 0;
        this.len--;
        const a = this.pop();
        this.emitD(Op.i32_add_k, this.push(I32), a, kv);
        return;
      }
      if ((op === W.f64_add || op === W.f64_sub || op === W.f64_mul || op === W.f64_div) && this.opt) {
        const top = this.len - 1;
        if (this.vk[top] === K_CONST) {
          const kidx = f64Const(this.vv[top]!, this.vh[top]!);
          this.len--;
          const a = this.pop();
          const o = op === W.f64_add ? Op.f64_add_k : op === W.f64_sub ? Op.f64_sub_k : op === W.f64_mul ? Op.f64_mul_k : Op.f64_div_k;
          this.emitD(o, this.push(F64), a, kidx);
          return;
        }
        if (this.vk[top - 1] === K_CONST && this.vk[top] !== K_CONST) {
          const kidx = f64Const(this.vv[top - 1]!, this.vh[top - 1]!);
          const a = this.operand(top);
          this.len -= 2;
          const o = op === W.f64_add ? Op.f64_add_k : op === W.f64_sub ? Op.f64_rsub_k : op === W.f64_mul ? Op.f64_mul_k : Op.f64_rdiv_k;
          this.emitD(o, this.push(F64), a, kidx);
          return;
        }
      }
      if ((op === W.f64_add || op === W.f64_sub) && this.fuseMulAdd(op)) return;
      if ((op === W.f64_add || op === W.f64_sub || op === W.f64_mul) && this.fuseLoadOp(op)) return;
      const k64 = KFORM64.get(op);
      if (k64 !== undefined && this.topIsConst(I64)) {
        const lo = this.vv[this.len - 1]!;
        const hi = this.vh[this.len - 1]!;
        this.len--;
        if (k64[0] === Op.i64_mul_k && (this.fuseRotlMul(lo, hi) || this.fuseLoadMulK(lo, hi))) return;
        const a = this.pop();
        if (k64[1]) this.emitD(k64[0], this.push(I64), a, lo & 63);
        else this.emitD(k64[0], this.push(I64), a, lo, hi);
        return;
      }
      if (op === W.i32_rotr && this.topIsConst(I32)) {
        const kv = (32 - (this.vv[this.len - 1]! & 31)) & 31;
        this.len--;
        const a = this.pop();
        this.emitD(Op.i32_rotl_k, this.push(I32), a, kv);
        return;
      }
      if ((op === W.i64_add || op === W.i64_sub) && this.topIsConst(I64)) {
        let lo = this.vv[this.len - 1]!;
        let hi = this.vh[this.len - 1]!;
        if (op === W.i64_sub) {
          hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
          lo = -lo | 0;
        }
        this.len--;
        const a = this.pop();
        this.emitD(Op.i64_add_k, this.push(I64), a, lo, hi);
        return;
      }
      if (op === W.i64_add) {
        // x * K + y or y + x * K, the multiplication just emitted: one instruction
        const t = this.takeBackBinary(Op.i64_mul_k);
        if (t !== null) {
          this.emitD(Op.i64_muladd_k, this.push(I64), t[0], t[1], t[4], t[2]);
          return;
        }
        const m = this.takeBackBinary(Op.i64_mulm_k);
        if (m !== null) {
          const [a, off, k, lo, hi] = this.taken;
          this.emitD(Op.i64_muladdm_k, this.push(I64), a!, off!, k!, lo!, hi!, m[2]);
          return;
        }
      }
      if (op === W.i32_add) {
        // (x << k) + y or y + (x << k), the shift just emitted: one instruction
        const t = this.takeBackBinary(Op.i32_shl_k);
        if (t !== null) {
          this.emitD(Op.i32_shladd, this.push(I32), t[0], t[1], t[2]);
          return;
        }
      }
      if ((op === W.i32_add || op === W.i32_xor || op === W.i32_or || op === W.i32_and) && this.fuseShifted(op)) return;
      if (op === W.i32_add) {
        // a + !b or !b + a, the eqz just emitted: one instruction
        const t = this.takeBackBinary(Op.i32_eqz);
        if (t !== null) {
          this.emitD(Op.i32_add_eqz, this.push(I32), t[2], t[0]);
          return;
        }
      }
      if (op === W.i32_and && this.lastStart >= 0 && this.code[this.lastStart] === Op.i32_xor_k && this.code[this.lastStart + 3] === -1) {
        // x & ~y or ~y & x, the complement just computed: one instruction
        const t = this.takeBackBinary(Op.i32_xor_k);
        if (t !== null) {
          this.emitD(Op.i32_andn, this.push(I32), t[2], t[0]);
          return;
        }
      }
      if (op === W.i32_add) {
        const t = this.takeBackBinary(Op.i32_add);
        if (t !== null) {
          this.emitD(Op.i32_add3, this.push(I32), t[0], t[1], t[2]);
          return;
        }
      }
      const b = this.pop();
      const a = this.pop();
      this.emitD(iop, this.push(result), a, b);
      return;
    }
    const a = this.pop();
    this.emitD(iop, this.push(result), a);
  }

  private localSet(x: number, tee: boolean): void {
    const top = this.len - 1;
    const t = this.localType[x]!;
    const dst = this.localPos[x]!;
    if (this.vk[top] === K_LOCAL && this.vv[top] === x) {
      if (!tee) this.len--;
      return;
    }
    let others = false;
    for (let i = 0; i < top; i++) if (this.reads(i, x)) others = true;
    if (this.opt && !others && this.vk[top] === K_SLOT && this.lastDstAt >= 0 &&
        this.code[this.lastDstAt] === this.vp[top]) {
      // Rewrite the producer's destination to the local.
      this.code[this.lastDstAt] = dst;
    } else {
      if (others) this.materializeLocal(x);
      this.moveTo(top, dst);
    }
    this.len--;
    if (tee) {
      if (this.opt) this.pushEntry(K_LOCAL, t, x, 0);
      else this.emitD(movOp(t), this.push(t), dst);
    } else {
      // The instruction just emitted writes a local, not a stack slot: it is no longer a producer a
      // later peephole could rewrite.
      this.lastDstAt = -1;
      this.fusePostInc(dst);
    }
  }

  /** Materialises call arguments (the top entries for type t) and pops them; returns their first slot. */
  private args(t: FuncType): number {
    const n = t.params.length;
    for (let i = this.len - n; i < this.len; i++) this.materialize(i);
    const base = this.posAt(this.len - n);
    this.len -= n;
    return base;
  }

  private results(t: FuncType): void {
    for (const r of t.results) this.push(r);
    // Reserve room for the callee's frame start at least up to its result words.
    this.lastDstAt = -1;
  }

  private setUnreachable(): void {
    const c = this.ctls[this.ctls.length - 1]!;
    this.truncate(c.height);
    this.unreachable = true;
  }

  /** Instructions inside unreachable code: only nesting matters. */
  private skipDead(ir: InstrReader): void {
    const op = ir.op;
    if (op === W.block || op === W.loop || op === W.if || op === W.try) {
      const c = this.newCtl(CTL_BLOCK, this.len, [], []);
      c.dead = true;
      this.ctls.push(c);
    } else if (op === W.catch || op === W.catch_all) {
      const c = this.ctls[this.ctls.length - 1]!;
      if (!c.dead) this.catchOf(c, op === W.catch ? ir.index : -1, false);
    } else if (op === W.delegate) {
      const c = this.ctls[this.ctls.length - 1]!;
      if (c.dead) this.ctls.pop();
      else this.delegateOf(ir.index, false);
    } else if (op === W.else) {
      const c = this.ctls[this.ctls.length - 1]!;
      if (!c.dead) this.elseOf(c, false);
    } else if (op === W.end) {
      const c = this.ctls[this.ctls.length - 1]!;
      if (c.dead) this.ctls.pop();
      else this.end(false);
    }
  }

  /** The function type of tag `t` (imports first). */
  private tagType(t: number): FuncType {
    let i = 0;
    for (const imp of this.m.imports) {
      if (imp.desc.kind === 4) {
        if (i === t) return this.m.types[imp.desc.type.typeIndex]!;
        i++;
      }
    }
    return this.m.types[this.m.tags[t - i]!.typeIndex]!;
  }

  /**
   * `catch tag` / `catch_all` (legacy exception handling): ends the protected range (at the first one)
   * or the previous catch block, and starts a handler. The unwinder (entry.ts) writes the exception's
   * values to the label's slots and the exception itself to REFS at the label's first slot + 1 (an odd
   * word, which no reference value ever uses) for `rethrow`, then resumes at the handler.
   */
  private catchOf(c: Ctl, tag: number, reachable: boolean): void {
    if (c.tryEnd < 0) c.tryEnd = this.code.length;
    if (reachable) {
      const n = c.results.length;
      for (let i = this.len - n; i < this.len; i++) this.materialize(i);
      c.fixups.push(this.emit(Op.br, 0) + 1);
    }
    c.thenFell = c.thenFell || reachable;
    this.bind();
    this.handlers.push(c.tryStart, c.tryEnd, tag < 0 ? 1 : 0, tag, this.code.length, c.base, c.tryDepth);
    this.truncate(c.height);
    if (tag >= 0) for (const p of this.tagType(tag).params) this.push(p);
    // the slot pair holding the caught exception must exist in the frame
    if (c.base + 2 > this.maxWords) this.maxWords = c.base + 2;
    this.unreachable = false;
  }

  /**
   * `delegate l`: ends a try whose exceptions go to the handlers of the block l levels out (not to
   * any try in between): recorded as a range whose match limits the handler search to tries with a
   * smaller nesting depth than the target's.
   */
  private delegateOf(l: number, reachable: boolean): void {
    const c = this.ctls[this.ctls.length - 1]!;
    const targetIndex = this.ctls.length - 2 - l;
    let d = 0;
    for (let i = 0; i <= targetIndex; i++) if (this.ctls[i]!.kind === CTL_TRY) d++;
    this.handlers.push(c.tryStart, this.code.length, 2, -1, c.tryDepth, 0, d);
    this.end(reachable);
  }

  private elseOf(c: Ctl, reachable: boolean): void {
    if (reachable) {
      // then-branch falls through: results to the label's slots, jump over the else-branch
      const n = c.results.length;
      for (let i = this.len - n; i < this.len; i++) this.materialize(i);
      c.fixups.push(this.emit(Op.br, 0) + 1);
    }
    c.thenFell = reachable;
    c.kind = CTL_ELSE;
    this.code[c.elseFixup] = this.code.length;
    c.elseFixup = -1;
    this.bind();
    this.truncate(c.height);
    for (const p of c.params) this.push(p);
    this.unreachable = false;
  }

  private end(reachable: boolean): void {
    const c = this.ctls.pop()!;
    if (c.kind === CTL_FUNC) {
      if (reachable) this.emitReturn();
      this.unreachable = false;
      return;
    }
    if (reachable) {
      const n = c.results.length;
      for (let i = this.len - n; i < this.len; i++) this.materialize(i);
    }
    let after = reachable || c.fixups.length > 0;
    if (c.elseFixup >= 0) {
      // if without else: the false path carries the parameters (= results) straight here
      this.code[c.elseFixup] = this.code.length;
      after = true;
    }
    if ((c.kind === CTL_ELSE || c.kind === CTL_TRY) && c.thenFell) after = true;
    for (const at of c.fixups) this.code[at] = this.code.length;
    this.bind();
    this.truncate(c.height);
    for (const r of c.results) this.push(r);
    this.unreachable = !after;
    if (!after) this.truncate(c.height);
    if (this.unreachable) this.setUnreachableKeep();
  }

  /** After an `end` nothing reaches: stay in dead-code mode for the enclosing block. */
  private setUnreachableKeep(): void {
    const c = this.ctls[this.ctls.length - 1]!;
    this.truncate(c.height);
  }
}

/** Whether each memory of the module (imports first) uses 64-bit addresses (memory64). */
export function memoryIs64(m: Module): boolean[] {
  const out: boolean[] = [];
  for (const imp of m.imports) if (imp.desc.kind === 2) out.push(!!imp.desc.type.index64);
  for (const mt of m.memories) out.push(!!mt.index64);
  return out;
}
