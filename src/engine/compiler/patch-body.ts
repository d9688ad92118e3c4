// Patching one function body for the host: the byte-level half of rewrite.ts. An InstrReader walks the
// body; runs of instructions that need no change are copied verbatim, and the rest is re-encoded.
//
// What changes:
//  - calls, return_calls and ref.funcs of the module's own functions move up by `shift`;
//  - call_indirect and trapping float-to-int conversions first record their operand (trap fidelity);
//  - with instrumentation, the charging points of src/runtime/meter.ts get a countdown.
//
// Where the countdown goes, and why (measured on V8 11 / Node 20, bench/compiler.ts): a loop's units
// are charged where control *reaches* its header — just before the `loop` instruction (falling in) and
// just before each branch back to it (br, br_if taken, br_table) — which counts exactly the header
// executions. Checking at the header itself, or calling the checkpoint from inside the loop, made
// TurboFan's code for switch-dispatch loops up to 3x slower: a call inside a loop clobbers every
// register (wasm has no callee-saved registers) and V8 then keeps the loop's values in memory, even
// though the call never runs. So a loop without parameters is wrapped:
//
//     block bt                       ;; $done: the loop's results leave through here
//       loop                         ;; $retry
//         block                      ;; $expired
//           <countdown; br_if $expired when below 0>     (the fall-in unit)
//           loop bt  …  <countdown; br_if $expired> br $loop  …  end
//           br $done
//         end
//         i32.const 1  call $slow  <store>  br $retry   ;; the checkpoint, outside the hot loop
//       end
//       unreachable
//     end
//
// The checkpoint pays the unit whose countdown failed; the way back in through the fall-in check
// charges it again, so $slow returns one more than the meter's grant. With interruption only, the
// checkpoint also parks the locals the function reads in hidden globals before `call $slow` and takes
// them back after it (`parkLocals`; with fuel, measured, it gained nothing: there the global
// countdown's load and store dominate). That changes nothing for wasm (locals survive calls) but much for
// V8: a value live across a call gets a stack slot, and a loop-carried value whose range spans the
// $retry loop was stored to it at every definition inside the hot loop, and its uses read memory. With
// every local redefined after the call, no range crosses it (sieve 1.19x -> 1.11x, interp 1.43x ->
// 1.32x over raw, interleaved runs). Functions reading more than PARK_MAX locals skip it (code size).
// With interruption only, the fall-in unit is not charged (any run that goes on passes a branch back
// or a function entry, and short loops are entered often), and a small innermost loop whose only
// branch back is its final `br_if 0` has its body written twice, `loop B if B if <charge> br $loop
// end end end`: one check per two iterations (`unrollable`; sieve 1.09x -> 0.99x over raw, min of 9).
// Branches inside the loop to labels outside it are renumbered past the three new labels. Loops with
// parameters (multi-value; not produced by C compilers) keep the simple form: a countdown with an
// in-loop call at the header.
// Function entries get `<countdown; if below 0: i32.const 0 call $slow <store>>` before the body.
//
// Where the countdown lives. With fuel (Mode.global) it is the instance's global, read and written at
// every charging point, so that it is exact whatever happens (a trap loses nothing). A global costs a
// load and a store per unit, and the store feeds the next unit's load: on a tight loop or a small
// recursive function that chain through memory is most of the cost (sieve 1.6x, fib 1.4x). With
// interruption only, exactness is not needed, so the countdown lives in a wasm local, which V8 keeps
// in a register:
//   - Mode.param (a "clone"): functions called directly take it as one more parameter and give it
//     back as one more result. Their original index keeps a wrapper with the original signature (for
//     exports, tables, ref.func, the start function) that takes the countdown out of the global,
//     calls the clone and puts it back. Direct calls between clones pass it in registers.
//   - Mode.local: functions that cannot be clones (tail calls to imports or through tables, which a
//     clone's extra result would make invalid; functions nobody calls directly) load it from the
//     global at entry and store it back on the way out.
// Either way, while the countdown is in a local the global holds 0 ("taken"): a function unwound by a
// trap or an exception then gives back nothing it had, and the next charging point anywhere calls the
// checkpoint. Calls to imports, through tables and to non-clones store the countdown in the global
// before and take it back after; calls to functions that can never charge (check-points.ts `pure`)
// do neither. A `catch` sets the local to 0, since the unwound callees' units are lost.

import { InstrReader } from '../../binary/instr.js';
import { Imm, Op, opInfo } from '../../binary/opcodes.js';
import { Reader } from '../../binary/reader.js';
import { type Code, type FuncType, ValType } from '../../binary/types.js';
import { Writer } from '../../binary/writer.js';
import type { InterruptPoints } from '../../runtime/check-points.js';

/** Which fidelity operands a body records. */
export const CI = 1;
export const F32 = 2;
export const F64 = 4;

export function fidelityOf(op: number): number {
  switch (op) {
    case Op.call_indirect:
    case Op.return_call_indirect:
      return CI;
    case Op.i32_trunc_f32_s:
    case Op.i32_trunc_f32_u:
    case Op.i64_trunc_f32_s:
    case Op.i64_trunc_f32_u:
      return F32;
    case Op.i32_trunc_f64_s:
    case Op.i32_trunc_f64_u:
    case Op.i64_trunc_f64_s:
    case Op.i64_trunc_f64_u:
      return F64;
    default:
      return 0;
  }
}

export interface PatchContext {
  features: number;
  types: readonly FuncType[];
  instrument: boolean;
  /** Interruption without fuel: the checking points (check-points.ts); null with fuel (every point, exactly). */
  points: InterruptPoints | null;
  /** Per function of the original index space: the final index of its clone (Mode.param), or -1. */
  cloneOf: Int32Array | null;
  /** The block type (s33) of a block with these results (a type is added for several). */
  resultsBlockType(results: readonly ValType[]): number;
  importedFuncs: number;
  shift: number;
  /** Global indices (-1 when absent). */
  countdown: number;
  callIndex: number;
  f32: number;
  f64: number;
  /** The checkpoint helper `(param $refund i32) (result i32)`: the next countdown, plus $refund. */
  slow: number;
  /**
   * The index of hidden global number `k` of type `type` (added on first request), where a wrapped
   * loop's checkpoint parks the function's locals while it calls out (see `parkLocals`).
   */
  parkingGlobal(type: ValType, k: number): number;
}

/** Where a function body keeps its countdown while it runs (see the header). */
export const enum Mode {
  /** Not instrumented (interruption only: a function that never charges). */
  none,
  /** In the global, read and written at every charging point (fuel). */
  global,
  /** In a local, loaded from the global at entry (interruption only). */
  local,
  /** In a parameter, given back as an extra result (interruption only, clones). */
  param,
}

interface Label {
  /** Position in the output's label stack (0 = the function's own label). */
  at: number;
  /** For a wrapped loop: where its $expired block is. */
  expired: number;
}

const EMPTY = 0x40;

/** Functions reading more locals than this keep them live across a wrapped loop's checkpoint call. */
const PARK_MAX = 64;

/** Interruption only: innermost loops with bodies up to this many bytes are unrolled once (`unrollable`). */
const UNROLL_MAX = 96;

class BodyPatcher {
  private readonly w: Writer;
  private readonly body: Uint8Array;
  private readonly ir: InstrReader;
  private copied = 0;
  /** The input's open labels, innermost last, with where they are in the output. */
  private readonly labels: Label[];
  /** Labels open in the output. */
  private depth: number;
  /** Scratch locals: the countdown's value (global mode), a br_table index. */
  private readonly t: number;
  private readonly s: number;
  /** The countdown's local (local and param modes). */
  private readonly c: number;
  /** Whether the countdown is in a local (local and param modes). */
  private readonly inLocal: boolean;
  private readonly params: number;

  constructor(
    private readonly code: Code,
    private readonly p: PatchContext,
    private readonly need: number,
    private readonly mode: Mode,
    private readonly type: FuncType,
    /** The function's index in the original module. */
    private readonly index: number,
  ) {
    this.body = code.body;
    this.w = new Writer(code.body.length + 64);
    this.ir = new InstrReader(new Reader(code.body), p.features);
    this.params = type.params.length;
    let declared = 0;
    for (const l of code.locals) declared += l.count;
    // A clone's countdown parameter comes right after the original ones (declared locals move up).
    const first = this.params + declared + (mode === Mode.param ? 1 : 0);
    this.t = first;
    this.s = first + 1;
    this.c = mode === Mode.param ? this.params : first + 2;
    this.inLocal = mode === Mode.local || mode === Mode.param;
    // With the countdown in a local the body is wrapped in a block $exit, so that every way out but
    // `return` passes one place that hands the countdown back.
    this.labels = [{ at: this.inLocal ? 1 : 0, expired: -1 }];
    this.depth = this.inLocal ? 2 : 1;
  }

  /**
   * Where `parkLocals` parks each local the body reads: pairs of output local index and hidden global.
   * Made at the first wrapped loop's checkpoint (most bodies have none); null past PARK_MAX locals.
   */
  private parking: Int32Array | null | undefined = undefined;

  /**
   * The loop being unrolled: where its body starts, where its final `br_if 0` is, and which copy of
   * the body is being written (1 or 2).
   */
  private unroll: { body: number; brIf: number; copy: number } | null = null;

  /**
   * Interruption only (fuel counts every header execution, so it never unrolls): whether the loop
   * whose body starts at `body` can be written twice per iteration — innermost, at most UNROLL_MAX
   * bytes, calling nothing that can reach the host, and branched back to only by the `br_if 0` that
   * ends it (the shape of C's while and for loops). Returns that br_if's offset, or -1.
   */
  private unrollable(body: number): number {
    if (this.p.points === null) return -1;
    const ir = new InstrReader(new Reader(this.body, body), this.p.features);
    let depth = 0;
    let backs = 0;
    let last = -1;
    let lastEnd = -1;
    while (!ir.r.eof && ir.r.pos - body <= UNROLL_MAX) {
      ir.read();
      switch (ir.op) {
        case Op.block:
        case Op.if:
        case Op.try:
          depth++;
          break;
        case Op.loop:
          return -1;
        case Op.delegate:
          depth--;
          break;
        case Op.end:
          if (depth === 0) return backs === 1 && last >= 0 && lastEnd === ir.start ? last : -1;
          depth--;
          break;
        case Op.br:
        case Op.br_if:
          if (ir.index === depth) {
            backs++;
            if (ir.op === Op.br_if && depth === 0) {
              last = ir.start;
              lastEnd = ir.r.pos;
            }
          }
          break;
        case Op.br_table:
          for (let i = 0; i < ir.labelCount; i++) if (ir.labels[i] === depth) return -1;
          if (ir.index === depth) return -1;
          break;
        case Op.call:
        case Op.return_call:
          // Only calls that can never reach the host: a host function may abort a signal, and the
          // guest should then stop at the next branch back, not one iteration later.
          if (ir.index < this.p.importedFuncs || this.p.points.pure[ir.index - this.p.importedFuncs] !== 1) return -1;
          break;
        case Op.call_indirect:
        case Op.return_call_indirect:
          return -1;
        default:
          if (opInfo(ir.op)?.imm === Imm.label) return -1;
      }
    }
    return -1;
  }

  private parkingPlan(): Int32Array | null {
    if (this.parking !== undefined) return this.parking;
    const types: ValType[] = [...this.type.params];
    for (const l of this.code.locals) for (let k = 0; k < l.count; k++) types.push(l.type);
    const read = new Uint8Array(types.length);
    let count = 0;
    const ir = new InstrReader(new Reader(this.body), this.p.features);
    while (!ir.r.eof) {
      ir.read();
      if (ir.op === Op.local_get && read[ir.index] === 0) {
        read[ir.index] = 1;
        count++;
      }
    }
    if (count > PARK_MAX) return (this.parking = null);
    const plan = new Int32Array(2 * count);
    const slots = new Map<ValType, number>();
    for (let i = 0, j = 0; i < types.length; i++) {
      if (!read[i]) continue;
      const type = types[i]!;
      const k = slots.get(type) ?? 0;
      slots.set(type, k + 1);
      plan[j++] = i >= this.params && this.mode === Mode.param ? i + 1 : i;
      plan[j++] = this.p.parkingGlobal(type, k);
    }
    return (this.parking = plan);
  }

  /**
   * Around a wrapped loop's checkpoint call (interruption only): the locals go to hidden globals
   * before the call and come back after it, so that none of them is live across the call (see the
   * header).
   */
  private parkLocals(back: boolean): void {
    if (!this.inLocal) return;
    const plan = this.parkingPlan();
    if (plan === null) return;
    for (let j = 0; j < plan.length; j += 2) {
      if (back) this.w.u8(0x23).u32(plan[j + 1]!).u8(0x21).u32(plan[j]!);
      else this.w.u8(0x20).u32(plan[j]!).u8(0x24).u32(plan[j + 1]!);
    }
  }

  private flush(to: number): void {
    if (to > this.copied) this.w.bytes(this.body.subarray(this.copied, to));
    this.copied = to;
  }

  /** Output branch depth of the label at output position `at`. */
  private rel(at: number): number {
    return this.depth - 1 - at;
  }

  private target(d: number): Label {
    return this.labels[this.labels.length - 1 - d]!;
  }

  /**
   * Decrements the countdown and leaves whether it went below zero on the stack:
   *   global:  global.get $g  i32.const 1  i32.sub  local.tee $t  global.set $g  local.get $t  i32.const 0  i32.lt_s
   *   local:   local.get $c  i32.const 1  i32.sub  local.tee $c  i32.const 0  i32.lt_s
   */
  private countdown(): void {
    const g = this.p.countdown;
    if (this.inLocal) {
      this.w.u8(0x20).u32(this.c).u8(0x41).s32(1).u8(0x6b).u8(0x22).u32(this.c);
    } else {
      this.w.u8(0x23).u32(g).u8(0x41).s32(1).u8(0x6b).u8(0x22).u32(this.t).u8(0x24).u32(g);
      this.w.u8(0x20).u32(this.t);
    }
    this.w.u8(0x41).s32(0).u8(0x48);
  }

  /** `i32.const refund  call $slow` and where the new countdown goes (the global or the local). */
  private callSlow(refund: number): void {
    this.w.u8(0x41).s32(refund).u8(0x10).u32(this.p.slow);
    if (this.inLocal) this.w.u8(0x21).u32(this.c);
    else this.w.u8(0x24).u32(this.p.countdown);
  }

  /** A charging point that leaves for the loop's $expired block when the countdown runs out. */
  private chargeOrLeave(expired: number): void {
    this.countdown();
    this.w.u8(0x0d).u32(this.rel(expired));
  }

  /** A charging point that calls the checkpoint in place (function entry, loops with parameters). */
  private chargeOrCall(): void {
    this.countdown();
    this.w.u8(0x04).u8(EMPTY);
    this.callSlow(0);
    this.w.u8(0x0b);
  }

  /** The countdown goes from the local to the global (before a call, or on the way out). */
  private giveCountdown(): void {
    this.w.u8(0x20).u32(this.c).u8(0x24).u32(this.p.countdown);
  }

  /** The countdown goes from the global to the local, leaving 0 in the global (see the header). */
  private takeCountdown(): void {
    const g = this.p.countdown;
    this.w.u8(0x23).u32(g).u8(0x21).u32(this.c).u8(0x41).s32(0).u8(0x24).u32(g);
  }

  /** The way out of the function: the countdown goes back to the global, or onto the stack (clones). */
  private leave(): void {
    if (this.mode === Mode.param) this.w.u8(0x20).u32(this.c);
    else this.giveCountdown();
  }

  private loopHasParams(bt: number): boolean {
    return bt >= 0 && this.p.types[bt]!.params.length > 0;
  }

  /** Whether the `k`th loop of the body needs no charge of its own (check-points.ts, freeLoops). */
  private freeLoop(k: number): boolean {
    const pts = this.p.points;
    return pts !== null && pts.freeLoops[this.index - this.p.importedFuncs]?.[k] === 1;
  }

  /** Whether function `fn` (original index) may charge (then a call to it must pass the countdown). */
  private charges(fn: number): boolean {
    return fn < this.p.importedFuncs || this.p.points!.pure[fn - this.p.importedFuncs] !== 1;
  }

  /** Prologue: the entry's charging point, and in local modes where the countdown comes from. */
  private prologue(): void {
    const { p, w } = this;
    const entry = p.points === null || p.points.entry[this.index - p.importedFuncs] === 1;
    if (this.mode === Mode.global) {
      if (entry) this.chargeOrCall();
      return;
    }
    if (this.mode === Mode.local) this.takeCountdown();
    if (entry) this.chargeOrCall();
    w.u8(0x02).s33(p.resultsBlockType(this.type.results)); // $exit
  }

  patch(): Uint8Array {
    const { p, ir, w, mode } = this;
    const r = ir.r;
    const rec = (g: number) => new Writer(12).u8(0x24).u32(g).u8(0x23).u32(g).finish();
    const recCI = this.need & CI ? rec(p.callIndex) : null;
    const rec32 = this.need & F32 ? rec(p.f32) : null;
    const rec64 = this.need & F64 ? rec(p.f64) : null;
    const inLocal = this.inLocal;
    const charging = mode !== Mode.none;
    /** Loops seen so far (their ordinal in the body, as check-points.ts numbers them). */
    let loops = 0;
    if (charging) this.prologue();
    while (!r.eof) {
      ir.read();
      const op = ir.op;
      switch (op) {
        case Op.block:
        case Op.if:
        case Op.try:
          this.labels.push({ at: this.depth++, expired: -1 });
          break;
        case Op.loop:
          if (!charging || this.freeLoop(loops++)) {
            this.labels.push({ at: this.depth++, expired: -1 });
          } else if (this.loopHasParams(ir.blockType)) {
            // Not wrapped: charged at its header (falling in and every branch back pass there).
            this.flush(r.pos);
            this.labels.push({ at: this.depth++, expired: -1 });
            this.chargeOrCall();
          } else {
            this.flush(ir.start);
            w.u8(0x02).s33(ir.blockType).u8(0x03).u8(EMPTY).u8(0x02).u8(EMPTY); // $done $retry $expired
            const expired = this.depth + 2;
            this.depth += 3;
            // Fuel pays the unit of falling in; interruption needs only the branches back (any run
            // that goes on passes one, or a function entry), and short loops are entered often.
            if (this.p.points === null) this.chargeOrLeave(expired);
            this.flush(r.pos);
            this.labels.push({ at: this.depth++, expired });
            // A loop with results may leave them below the final test: only empty loops unroll.
            const brIf = ir.blockType === -64 ? this.unrollable(r.pos) : -1;
            if (brIf >= 0) this.unroll = { body: r.pos, brIf, copy: 1 };
          }
          break;
        case Op.end: {
          if (this.labels.length === 1) {
            // The function's end: close $exit and hand the countdown back.
            if (inLocal) {
              this.flush(ir.start);
              w.u8(0x0b);
              this.leave();
            }
            break;
          }
          const l = this.labels.pop()!;
          this.depth--;
          if (l.expired >= 0) {
            this.flush(r.pos);
            w.u8(0x0c).u32(this.rel(l.expired - 2)); // br $done
            w.u8(0x0b); // end $expired
            this.parkLocals(false);
            this.callSlow(1);
            this.parkLocals(true);
            w.u8(0x0c).u32(0); // br $retry
            w.u8(0x0b).u8(0x00).u8(0x0b); // end $retry  unreachable  end $done
            this.depth -= 3;
          }
          break;
        }
        case Op.catch:
        case Op.catch_all:
          // The exception unwound callees that had the countdown: the next charging point checks.
          if (inLocal) {
            this.flush(r.pos);
            w.u8(0x41).s32(0).u8(0x21).u32(this.c);
          }
          break;
        case Op.delegate: {
          // `delegate` closes its try, then names a label of the enclosing context.
          this.labels.pop();
          this.depth--;
          this.relabel(0x18, ir.index);
          break;
        }
        case Op.return:
          if (inLocal) {
            this.flush(ir.start);
            this.leave();
          }
          break;
        case Op.local_get:
        case Op.local_set:
        case Op.local_tee:
          if (mode === Mode.param && ir.index >= this.params) {
            this.flush(ir.start);
            w.u8(op === Op.local_get ? 0x20 : op === Op.local_set ? 0x21 : 0x22).u32(ir.index + 1);
            this.copied = r.pos;
          }
          break;
        case Op.br:
        case Op.rethrow: {
          const tl = this.target(ir.index);
          if (op === Op.br && tl.expired >= 0) {
            this.flush(ir.start);
            this.chargeOrLeave(tl.expired);
            w.u8(0x0c).u32(this.rel(tl.at));
            this.copied = r.pos;
          } else {
            this.relabel(op === Op.br ? 0x0c : 0x09, ir.index);
          }
          break;
        }
        case Op.br_if: {
          const u = this.unroll;
          if (u !== null && ir.start === u.brIf && u.copy === 1) {
            // The first copy's test: `if` around the second copy, then read the body again.
            //   loop  B  if  B  if  <charge> br $loop  end  end  end
            this.flush(ir.start);
            w.u8(0x04).u8(EMPTY);
            this.depth++;
            u.copy = 2;
            r.pos = u.body;
            this.copied = u.body;
            break;
          }
          const tl = this.target(ir.index);
          if (tl.expired >= 0) {
            // if (cond) { charge; br $loop }
            this.flush(ir.start);
            w.u8(0x04).u8(EMPTY);
            this.depth++;
            this.chargeOrLeave(tl.expired);
            w.u8(0x0c).u32(this.rel(tl.at)).u8(0x0b);
            this.depth--;
            this.copied = r.pos;
            if (u !== null && ir.start === u.brIf) {
              w.u8(0x0b); // end of the first copy's `if`
              this.depth--;
              this.unroll = null;
            }
          } else {
            this.relabel(0x0d, ir.index);
          }
          break;
        }
        case Op.br_table:
          this.brTable();
          break;
        case Op.call:
        case Op.return_call:
          if (inLocal) this.localCall(op === Op.return_call);
          else this.renumber();
          break;
        case Op.call_indirect:
        case Op.return_call_indirect: {
          this.flush(ir.start);
          w.bytes(recCI!);
          const tail = op === Op.return_call_indirect;
          if (inLocal) this.giveCountdown();
          this.flush(r.pos);
          if (inLocal && !tail) this.takeCountdown();
          break;
        }
        case Op.ref_func:
          this.renumber();
          break;
        default: {
          const f = fidelityOf(op);
          if (f !== 0) {
            this.flush(ir.start);
            w.bytes(f === F32 ? rec32! : rec64!);
          }
        }
      }
    }
    this.flush(this.body.length);
    return w.finish();
  }

  /** call / return_call / ref.func of one of the module's own functions: its index moves by `shift`. */
  private renumber(): void {
    const { ir, p } = this;
    if (p.shift === 0 || ir.index < p.importedFuncs) return;
    this.flush(ir.start);
    this.w.u8(ir.op === Op.call ? 0x10 : ir.op === Op.return_call ? 0x12 : 0xd2).u32(ir.index + this.p.shift);
    this.copied = ir.r.pos;
  }

  /** A direct call or tail call from a function whose countdown is in a local (see the header). */
  private localCall(tail: boolean): void {
    const { ir, p, w } = this;
    const fn = ir.index;
    const final = fn < p.importedFuncs ? fn : fn + p.shift;
    const clone = p.cloneOf![fn]!;
    const charges = this.charges(fn);
    this.flush(ir.start);
    this.copied = ir.r.pos;
    if (tail && this.mode === Mode.local) {
      // Leaving: the countdown goes back to the global, where the callee (or its wrapper) finds it.
      this.giveCountdown();
      w.u8(0x12).u32(final);
    } else if (tail) {
      // A clone tail-calls only clones and functions that never charge (rewrite.ts sees to it). It
      // cannot tail-call the latter (their results lack the countdown), so it calls them and returns:
      // such functions cannot recurse, so this adds one frame at most.
      if (clone >= 0) {
        w.u8(0x20).u32(this.c).u8(0x12).u32(clone);
      } else if (!charges) {
        w.u8(0x10).u32(final);
        this.leave();
        w.u8(0x0f);
      } else {
        throw new Error(`internal: clone of function ${this.index} tail-calls ${fn}, which is not a clone`);
      }
    } else if (!charges) {
      w.u8(0x10).u32(final);
    } else if (clone >= 0) {
      // local.get $c  call $f'  local.set $c
      w.u8(0x20).u32(this.c).u8(0x10).u32(clone).u8(0x21).u32(this.c);
    } else {
      // Imports and functions that are not clones find the countdown in the global.
      this.giveCountdown();
      w.u8(0x10).u32(final);
      this.takeCountdown();
    }
  }

  /** Re-encodes a one-label instruction when its depth changed in the output. */
  private relabel(opcode: number, d: number): void {
    const nd = this.rel(this.target(d).at);
    if (nd === d) return;
    this.flush(this.ir.start);
    this.w.u8(opcode).u32(nd);
    this.copied = this.ir.r.pos;
  }

  /**
   * br_table: targets that are wrapped loops go through a small block each, where they are charged:
   *   local.set $s  block … block  local.get $s  br_table …  end <charge> br $loopN … end <charge> br $loop1
   */
  private brTable(): void {
    const ir = this.ir;
    const n = ir.labelCount;
    const targets: number[] = [];
    for (let i = 0; i < n; i++) targets.push(ir.labels[i]!);
    targets.push(ir.index);
    const wrapped: Label[] = [];
    for (const d of targets) {
      const l = this.target(d);
      if (l.expired >= 0 && !wrapped.includes(l)) wrapped.push(l);
    }
    const changed = targets.some((d) => this.rel(this.target(d).at) !== d);
    if (wrapped.length === 0 && !changed) return;
    const w = this.w;
    this.flush(ir.start);
    if (wrapped.length > 0) {
      w.u8(0x21).u32(this.s);
      for (let i = 0; i < wrapped.length; i++) w.u8(0x02).u8(EMPTY);
      this.depth += wrapped.length;
      w.u8(0x20).u32(this.s);
    }
    // Trampoline k (0 = outermost) is at output position depth - wrapped.length + k.
    const base = this.depth - wrapped.length;
    const enc = (d: number) => {
      const l = this.target(d);
      const k = wrapped.indexOf(l);
      return k >= 0 ? this.rel(base + k) : this.rel(l.at);
    };
    w.u8(0x0e).u32(n);
    for (let i = 0; i < n; i++) w.u32(enc(targets[i]!));
    w.u32(enc(targets[n]!));
    for (let k = wrapped.length - 1; k >= 0; k--) {
      w.u8(0x0b);
      this.depth--;
      const l = wrapped[k]!;
      this.chargeOrLeave(l.expired);
      w.u8(0x0c).u32(this.rel(l.at));
    }
    this.copied = ir.r.pos;
  }
}

/**
 * The patched body of function `index` (original index space) of type `type`, in `mode`. For
 * Mode.param this is the clone's body; its type is `type` with one more parameter and result (i32).
 */
export function patchCode(code: Code, index: number, type: FuncType, need: number, p: PatchContext, mode: Mode): Code {
  const locals = code.locals.map((l) => ({ count: l.count, type: l.type }));
  // Scratch i32 locals: the countdown's value, a br_table index (and the countdown in local mode).
  if (mode !== Mode.none) locals.push({ count: mode === Mode.local ? 3 : 2, type: ValType.i32 });
  const patcher = new BodyPatcher(code, p, need, mode, type, index);
  return { locals, body: patcher.patch(), offset: -1 };
}

/**
 * The wrapper left at a cloned function's index: takes the countdown from the global (leaving 0),
 * calls the clone with it, and puts back what the clone returns.
 *   local.get 0 … local.get n-1  global.get $g  i32.const 0  global.set $g  call $clone  global.set $g
 */
export function wrapperCode(type: FuncType, clone: number, countdown: number): Code {
  const w = new Writer(16 + 2 * type.params.length);
  for (let i = 0; i < type.params.length; i++) w.u8(0x20).u32(i);
  w.u8(0x23).u32(countdown).u8(0x41).s32(0).u8(0x24).u32(countdown);
  w.u8(0x10).u32(clone).u8(0x24).u32(countdown).u8(0x0b);
  return { locals: [], body: w.finish(), offset: -1 };
}
