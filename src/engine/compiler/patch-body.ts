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
//         i32.const 1  call $slow  br $retry   ;; the checkpoint, outside the hot loop
//       end
//       unreachable
//     end
//
// The checkpoint pays the unit whose countdown failed; the way back in through the fall-in check
// charges it again, so $slow stores one more than the meter's grant. Branches inside the loop to
// labels outside it are renumbered past the three new labels. Loops with parameters (multi-value; not
// produced by C compilers) keep the simple form: a countdown with an in-loop call at the header.
// Function entries get `<countdown; if below 0: i32.const 0 call $slow>` before the body.

import { InstrReader } from '../../binary/instr.js';
import { Op } from '../../binary/opcodes.js';
import { Reader } from '../../binary/reader.js';
import { type Code, type FuncType, ValType } from '../../binary/types.js';
import { Writer } from '../../binary/writer.js';

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
  importedFuncs: number;
  shift: number;
  /** Global indices (-1 when absent). */
  countdown: number;
  callIndex: number;
  f32: number;
  f64: number;
  /** The checkpoint helper `(param $refund i32)`. */
  slow: number;
}

interface Label {
  /** Position in the output's label stack (0 = the function's own label). */
  at: number;
  /** For a wrapped loop: where its $expired block is. */
  expired: number;
}

const EMPTY = 0x40;

class BodyPatcher {
  private readonly w: Writer;
  private readonly body: Uint8Array;
  private readonly ir: InstrReader;
  private copied = 0;
  /** The input's open labels, innermost last, with where they are in the output. */
  private readonly labels: Label[] = [{ at: 0, expired: -1 }];
  /** Labels open in the output. */
  private depth = 1;
  private readonly t: number;
  private readonly s: number;

  constructor(
    private readonly code: Code,
    private readonly p: PatchContext,
    private readonly need: number,
    firstScratch: number,
  ) {
    this.body = code.body;
    this.w = new Writer(code.body.length + 64);
    this.ir = new InstrReader(new Reader(code.body), p.features);
    this.t = firstScratch;
    this.s = firstScratch + 1;
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

  /** global.get $c  i32.const 1  i32.sub  local.tee $t  global.set $c  local.get $t  i32.const 0  i32.lt_s */
  private countdown(): void {
    const c = this.p.countdown;
    this.w.u8(0x23).u32(c).u8(0x41).s32(1).u8(0x6b).u8(0x22).u32(this.t).u8(0x24).u32(c);
    this.w.u8(0x20).u32(this.t).u8(0x41).s32(0).u8(0x48);
  }

  /** A charging point that leaves for the loop's $expired block when the countdown runs out. */
  private chargeOrLeave(expired: number): void {
    this.countdown();
    this.w.u8(0x0d).u32(this.rel(expired));
  }

  /** A charging point that calls the checkpoint in place (function entry, loops with parameters). */
  private chargeOrCall(): void {
    this.countdown();
    this.w.u8(0x04).u8(EMPTY).u8(0x41).s32(0).u8(0x10).u32(this.p.slow).u8(0x0b);
  }

  private loopHasParams(bt: number): boolean {
    return bt >= 0 && this.p.types[bt]!.params.length > 0;
  }

  patch(): Uint8Array {
    const { p, ir, w } = this;
    const r = ir.r;
    const rec = (g: number) => new Writer(12).u8(0x24).u32(g).u8(0x23).u32(g).finish();
    const recCI = this.need & CI ? rec(p.callIndex) : null;
    const rec32 = this.need & F32 ? rec(p.f32) : null;
    const rec64 = this.need & F64 ? rec(p.f64) : null;
    if (p.instrument) this.chargeOrCall();
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
          if (!p.instrument) {
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
            this.chargeOrLeave(expired);
            this.flush(r.pos);
            this.labels.push({ at: this.depth++, expired });
          }
          break;
        case Op.end: {
          if (this.labels.length === 1) break; // the function's end
          const l = this.labels.pop()!;
          this.depth--;
          if (l.expired >= 0) {
            this.flush(r.pos);
            w.u8(0x0c).u32(this.rel(l.expired - 2)); // br $done
            w.u8(0x0b); // end $expired
            w.u8(0x41).s32(1).u8(0x10).u32(p.slow).u8(0x0c).u32(0); // i32.const 1  call $slow  br $retry
            w.u8(0x0b).u8(0x00).u8(0x0b); // end $retry  unreachable  end $done
            this.depth -= 3;
          }
          break;
        }
        case Op.delegate: {
          // `delegate` closes its try, then names a label of the enclosing context.
          this.labels.pop();
          this.depth--;
          this.relabel(0x18, ir.index);
          break;
        }
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
        case Op.ref_func:
          if (p.shift !== 0 && ir.index >= p.importedFuncs) {
            this.flush(ir.start);
            w.u8(op === Op.call ? 0x10 : op === Op.return_call ? 0x12 : 0xd2).u32(ir.index + p.shift);
            this.copied = r.pos;
          }
          break;
        default: {
          const f = fidelityOf(op);
          if (f !== 0) {
            this.flush(ir.start);
            w.bytes(f === CI ? recCI! : f === F32 ? rec32! : rec64!);
          }
        }
      }
    }
    this.flush(this.body.length);
    return w.finish();
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

/** The patched body of one function (`paramCount`: its parameters, for numbering the new locals). */
export function patchCode(code: Code, paramCount: number, need: number, p: PatchContext): Code {
  const locals = code.locals.map((l) => ({ count: l.count, type: l.type }));
  let first = paramCount;
  for (const l of locals) first += l.count;
  // Two scratch i32 locals: the countdown's value, and a br_table index.
  if (p.instrument) locals.push({ count: 2, type: ValType.i32 });
  const patcher = new BodyPatcher(code, p, need, first);
  return { locals, body: patcher.patch(), offset: -1 };
}
