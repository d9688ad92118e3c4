// Loops that run a small, statically known number of times: interruption-only instrumentation
// (check-points.ts) leaves them unchecked, because a check at their header costs more than the work
// it would ever cut short.
//
// Why it matters: V8's optimising tier treats the checkpoint call of a checked loop as clobbering every
// register around the whole loop, and a decrement-and-branch per iteration is a large share of a tight
// inner loop (a matrix product's row loop ran 1.29x slower checked than unchecked, bench/compiler.ts).
// A loop that provably ends after a few iterations needs no check of its own: the loop around it, or
// the entry of its function, is checked often enough.
//
// Recognised: an innermost loop (no loop inside) with an empty block type, whose only branch back is
// the `br_if 0` that ends its body, preceded by an induction step on a local that nothing else in the
// body writes — the shape C compilers give counted `for` loops:
//
//     local.get $i  i32.const S  i32.add|i32.sub  local.tee $i  i32.const B  i32.<cmp>  br_if 0  end
//     local.get $i  i32.const S  i32.add|i32.sub  local.tee $i                          br_if 0  end
//
// (the second continues while $i != 0). The number of body executions is then computed from the
// start value when `i32.const C  local.set $i` comes right before the `loop`, by stepping the
// induction exactly as wasm does (wrapping i32 arithmetic, spec §4.3.2), up to a cap; without a known
// start, only `i < B` / `i <= B` unsigned with a positive step has a bound that holds for every start
// (the values that continue the loop climb through [0, B] without wrapping).

import { InstrReader } from '../binary/instr.js';
import { Imm, Op, opInfo } from '../binary/opcodes.js';

/** A loop that executes its body at most `trips` times per entry. */
export interface CountedLoop {
  /** The loop's place among the function's loops, in body order. */
  readonly ordinal: number;
  /** At most this many executions of the body per entry into the loop. */
  readonly trips: number;
  /** The body's length in bytes: at most this much of the function's code per iteration. */
  readonly bytes: number;
  /** Defined functions (index among defined functions) the body calls directly, per call site. */
  readonly calls: readonly number[];
  /** Calls in the body to imports or through tables (their targets are unknown here). */
  readonly far: number;
}

interface Ring {
  op: number;
  index: number;
  i32: number;
}

interface Open {
  /** -1 for a block/if/try; for a loop, its ordinal. */
  ordinal: number;
  start: number;
  innermost: boolean;
  /** Branches to this label seen so far; the sequence number of the last one when it is a br_if 0. */
  backs: number;
  lastBack: number;
  emptyType: boolean;
  writes: number[];
  calls: number[];
  far: number;
  /** `i32.const C  local.set L` right before the loop: L, or -1. */
  initLocal: number;
  initValue: number;
}

const RING = 8;

/**
 * Feeds on a function body's instructions one by one (`see`, after each `ir.read()`), and collects
 * its counted loops. `maxWork` caps trips * bytes: a loop whose bound is larger is not reported.
 */
export class CountedLoopFinder {
  readonly found: CountedLoop[] = [];
  private readonly stack: Open[] = [];
  /** The open loops, innermost last (a body can nest hundreds of blocks: no walks of `stack`). */
  private readonly loopStack: Open[] = [];
  private readonly ring: Ring[] = [];
  private seq = 0;
  private loops = 0;

  constructor(
    private readonly imported: number,
    private readonly maxWork: number,
  ) {
    for (let i = 0; i < RING; i++) this.ring.push({ op: -1, index: 0, i32: 0 });
  }

  private at(back: number): Ring {
    return this.ring[(this.seq - back + RING * 2) % RING]!;
  }

  /** The innermost open loop, while it can still be counted (innermost so far), or undefined. */
  private loop(): Open | undefined {
    const l = this.loopStack[this.loopStack.length - 1];
    return l !== undefined && l.innermost ? l : undefined;
  }

  private branch(d: number, conditional: boolean): void {
    const target = this.stack[this.stack.length - 1 - d];
    if (target === undefined || target.ordinal < 0) return;
    target.backs++;
    target.lastBack = conditional && d === 0 ? this.seq : -1;
  }

  see(ir: InstrReader): void {
    const op = ir.op;
    this.seq++;
    switch (op) {
      case Op.block:
      case Op.if:
      case Op.try:
        this.open(-1, ir);
        break;
      case Op.loop: {
        // Only the innermost open loop can still be innermost: the others lost it to it already.
        const outer = this.loopStack[this.loopStack.length - 1];
        if (outer !== undefined) outer.innermost = false;
        this.open(this.loops++, ir);
        break;
      }
      case Op.delegate:
        this.stack.pop();
        break;
      case Op.end: {
        const o = this.stack.pop();
        if (o !== undefined && o.ordinal >= 0) {
          this.loopStack.pop();
          this.close(o, ir.start);
        }
        break;
      }
      case Op.br:
        this.branch(ir.index, false);
        break;
      case Op.br_if:
        this.branch(ir.index, true);
        break;
      case Op.br_table:
        for (let i = 0; i < ir.labelCount; i++) this.branch(ir.labels[i]!, false);
        this.branch(ir.index, false);
        break;
      case Op.local_set:
      case Op.local_tee:
        this.loop()?.writes.push(ir.index);
        break;
      case Op.call:
      case Op.return_call: {
        const l = this.loop();
        if (l) {
          if (ir.index >= this.imported) l.calls.push(ir.index - this.imported);
          else l.far++;
        }
        break;
      }
      case Op.call_indirect:
      case Op.return_call_indirect: {
        const l = this.loop();
        if (l) l.far++;
        break;
      }
      default:
        // Any other instruction that names a label (br_on_null and kin) may branch back: the loops
        // around it are not counted.
        if (opInfo(op)?.imm === Imm.label) for (const o of this.loopStack) o.backs += 2;
    }
    const r = this.ring[this.seq % RING]!;
    r.op = op;
    r.index = ir.index;
    r.i32 = ir.i32;
  }

  private open(ordinal: number, ir: InstrReader): void {
    let initLocal = -1;
    let initValue = 0;
    if (ordinal >= 0) {
      // The ring holds instructions up to seq - 1 (this one is recorded after).
      const set = this.at(1);
      const k = this.at(2);
      if (set.op === Op.local_set && k.op === Op.i32_const) {
        initLocal = set.index;
        initValue = k.i32;
      }
    }
    const o: Open = {
      ordinal,
      start: ir.start,
      innermost: true,
      backs: 0,
      lastBack: -1,
      emptyType: ir.blockType === -64,
      writes: [],
      calls: [],
      far: 0,
      initLocal,
      initValue,
    };
    this.stack.push(o);
    if (ordinal >= 0) this.loopStack.push(o);
  }

  /** At a loop's `end` (at byte `end`): is it counted? The ring's newest entry is the instruction before. */
  private close(o: Open, end: number): void {
    if (!o.innermost || !o.emptyType || o.backs !== 1 || o.lastBack !== this.seq - 1) return;
    // this.at(1) is the br_if 0 (the `end` is recorded after this call).
    let k = 2;
    let bound = 0;
    let cmp: number = Op.i32_ne;
    if (this.at(2).op === Op.local_tee) {
      k = 2;
    } else if (this.at(3).op === Op.i32_const && this.at(4).op === Op.local_tee) {
      cmp = this.at(2).op;
      bound = this.at(3).i32;
      k = 4;
    } else {
      return;
    }
    const tee = this.at(k);
    const step = this.at(k + 1);
    const konst = this.at(k + 2);
    const get = this.at(k + 3);
    if ((step.op !== Op.i32_add && step.op !== Op.i32_sub) || konst.op !== Op.i32_const) return;
    if (get.op !== Op.local_get || get.index !== tee.index) return;
    const v = tee.index;
    let writes = 0;
    for (const w of o.writes) if (w === v) writes++;
    if (writes !== 1) return;
    const s = step.op === Op.i32_add ? konst.i32 : -konst.i32 | 0;
    if (s === 0) return;
    const bytes = end - o.start;
    const cap = Math.floor(this.maxWork / Math.max(bytes, 1));
    const trips = o.initLocal === v ? tripsFrom(o.initValue, s, cmp, bound, cap) : tripsFromAnywhere(s, cmp, bound, cap);
    if (trips < 0) return;
    this.found.push({ ordinal: o.ordinal, trips, bytes, calls: o.calls, far: o.far });
  }
}

/** Whether the loop goes on with `v` (the induction's new value) against `b`. */
function goesOn(cmp: number, v: number, b: number): boolean | null {
  switch (cmp) {
    case Op.i32_ne:
      return v !== b;
    case Op.i32_eq:
      return v === b;
    case Op.i32_lt_s:
      return v < b;
    case Op.i32_lt_u:
      return v >>> 0 < b >>> 0;
    case Op.i32_gt_s:
      return v > b;
    case Op.i32_gt_u:
      return v >>> 0 > b >>> 0;
    case Op.i32_le_s:
      return v <= b;
    case Op.i32_le_u:
      return v >>> 0 <= b >>> 0;
    case Op.i32_ge_s:
      return v >= b;
    case Op.i32_ge_u:
      return v >>> 0 >= b >>> 0;
    default:
      return null;
  }
}

/**
 * Body executions of a loop entered with the induction at `c`, stepping by `s` before each test:
 * the first k >= 1 for which the test fails, or -1 when that is beyond `cap` or the test is not a
 * comparison.
 */
export function tripsFrom(c: number, s: number, cmp: number, b: number, cap: number): number {
  let v = c | 0;
  for (let k = 1; k <= cap; k++) {
    v = (v + s) | 0;
    const on = goesOn(cmp, v, b);
    if (on === null) return -1;
    if (!on) return k;
  }
  return -1;
}

/** The same for any start value: bounded only for `v <u b` / `v <=u b` with a positive step. */
export function tripsFromAnywhere(s: number, cmp: number, b: number, cap: number): number {
  if (s <= 0 || (cmp !== Op.i32_lt_u && cmp !== Op.i32_le_u)) return -1;
  // The values that go on lie in [0, top] and climb by s without wrapping (top + s < 2^32 here).
  const top = (b >>> 0) - (cmp === Op.i32_lt_u ? 1 : 0);
  if (top < 0 || top + s >= 2 ** 32) return -1;
  const trips = Math.floor(top / s) + 2;
  return trips <= cap ? trips : -1;
}
