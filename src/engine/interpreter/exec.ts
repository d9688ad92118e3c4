// The executor: runs lowered code (ops.ts) on the shared value stack (stack.ts).
//
// `loop` is the hot function: one `switch` over the opcode with literal case labels (V8 builds a jump
// table), operands read from the Int32Array code, values read and written through typed-array views
// of the value stack. It is kept small enough for TurboFan to optimise (V8 refuses functions with very
// large bytecode), so rare instructions (bulk memory, tables, SIMD, other memories) live in rare.ts and
// simd.ts. wasm -> wasm calls do not recurse in JS: a call saves pc/fp in the frame stack and
// continues in the same loop, so the depth is bounded by the configured limit, not by V8's stack.
// Calls into another instance's functions switch the loop's cached instance state; calls to host
// functions (or functions of the other engine) leave the loop through `callForeign` (boundary.ts).
// Entry from JS and stack traces are in entry.ts. This file is essentially that one function, and is
// longer than our usual file size on purpose: splitting the dispatch loop would put a call between
// instructions.

import { Trap, TrapCode } from '../../api/errors.js';
import type { FuncInst } from '../../runtime/store.js';
import { coldOp } from './cold.js';
import { newException, callForeign, globalGetSlow, globalSetSlow, i64cmp, resultWords, tableFunc } from './boundary.js';
import { InterpFunc } from './func.js';
import type { InterpInstance } from './instance.js';
import { i64DivS, i64DivU } from './numeric.js';
import { Op, RARE_LEN } from './ops.js';
import { rareOp } from './rare.js';
import { REFS, S32, SF32, SF64, STACK_WORDS, fpool, frames } from './stack.js';

function exhausted(): Trap {
  return new Trap(TrapCode.callStackExhausted);
}

/**
 * Runs `f` with its arguments already in the value stack at word `fp`; leaves its results there.
 * Frame `frames.depth` becomes f's; on return frames.depth is back where it was.
 */
/**
 * With `resumeBase` >= 0, continues frame frames.depth - 1 (function f, frame fp) at `pc0`, as part of
 * the invocation whose entry frame is `resumeBase`: how entry.ts resumes at an exception handler.
 */
export function loop(f: InterpFunc, fp: number, pc0 = 0, resumeBase = -1): void {
  const s32 = S32;
  const sf32 = SF32;
  const sf64 = SF64;
  const refs = REFS;
  const fr = frames;
  const fFn = fr.fn;
  let fPc = fr.pc;
  let fFp = fr.fp;
  const resuming = resumeBase >= 0;
  const base = resuming ? resumeBase : fr.depth;
  let depth = resuming ? fr.depth : base + 1;
  let fn = f;
  let code = f.code;
  let pc = pc0;
  let inst = f.inst as InterpInstance;
  let funcs = inst.funcs;
  let gw = inst.gw;
  let fk = fpool.k;
  let tables = inst.tables;
  inst.syncMem();
  let dv = inst.dv;
  let u8 = inst.u8;
  let memLen = inst.memLen;
  const limit = inst.limit;
  if (!resuming) {
    if (depth > limit || fp + f.frameWords > STACK_WORDS) throw exhausted();
    fFn[base] = f;
    fr.depth = depth;
  }

  for (;;) {
    switch (code[pc]) {
      case Op.br:
        pc = code[pc + 1]!;
        continue;
      case Op.br_if:
        pc = s32[fp + code[pc + 1]!] !== 0 ? code[pc + 2]! : pc + 3;
        continue;
      case Op.br_ifz:
        pc = s32[fp + code[pc + 1]!] === 0 ? code[pc + 2]! : pc + 3;
        continue;
      case Op.br_table: {
        const i = s32[fp + code[pc + 1]!]! >>> 0;
        const n = code[pc + 2]!;
        pc = code[pc + 3 + (i < n ? i : n)]!;
        continue;
      }
      case Op.br_table_m: {
        const ea = ((s32[fp + code[pc + 1]!]! + code[pc + 3]!) >>> 0) + code[pc + 2]!;
        if (ea > memLen - 4) throw oob();
        const i = dv.getInt32(ea, true) >>> 0;
        const n = code[pc + 4]!;
        pc = code[pc + 5 + (i < n ? i : n)]!;
        continue;
      }
      case Op.br_eq:
        pc = s32[fp + code[pc + 1]!] === s32[fp + code[pc + 2]!] ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_ne:
        pc = s32[fp + code[pc + 1]!] !== s32[fp + code[pc + 2]!] ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_lt_s:
        pc = s32[fp + code[pc + 1]!]! < s32[fp + code[pc + 2]!]! ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_lt_u:
        pc = s32[fp + code[pc + 1]!]! >>> 0 < s32[fp + code[pc + 2]!]! >>> 0 ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_gt_s:
        pc = s32[fp + code[pc + 1]!]! > s32[fp + code[pc + 2]!]! ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_gt_u:
        pc = s32[fp + code[pc + 1]!]! >>> 0 > s32[fp + code[pc + 2]!]! >>> 0 ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_le_s:
        pc = s32[fp + code[pc + 1]!]! <= s32[fp + code[pc + 2]!]! ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_le_u:
        pc = s32[fp + code[pc + 1]!]! >>> 0 <= s32[fp + code[pc + 2]!]! >>> 0 ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_ge_s:
        pc = s32[fp + code[pc + 1]!]! >= s32[fp + code[pc + 2]!]! ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_ge_u:
        pc = s32[fp + code[pc + 1]!]! >>> 0 >= s32[fp + code[pc + 2]!]! >>> 0 ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_eq_k:
        pc = s32[fp + code[pc + 1]!] === code[pc + 2]! ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_ne_k:
        pc = s32[fp + code[pc + 1]!] !== code[pc + 2]! ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_lt_s_k:
        pc = s32[fp + code[pc + 1]!]! < code[pc + 2]! ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_lt_u_k:
        pc = s32[fp + code[pc + 1]!]! >>> 0 < code[pc + 2]! >>> 0 ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_gt_s_k:
        pc = s32[fp + code[pc + 1]!]! > code[pc + 2]! ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_gt_u_k:
        pc = s32[fp + code[pc + 1]!]! >>> 0 > code[pc + 2]! >>> 0 ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_le_s_k:
        pc = s32[fp + code[pc + 1]!]! <= code[pc + 2]! ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_le_u_k:
        pc = s32[fp + code[pc + 1]!]! >>> 0 <= code[pc + 2]! >>> 0 ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_ge_s_k:
        pc = s32[fp + code[pc + 1]!]! >= code[pc + 2]! ? code[pc + 3]! : pc + 4;
        continue;
      case Op.br_ge_u_k:
        pc = s32[fp + code[pc + 1]!]! >>> 0 >= code[pc + 2]! >>> 0 ? code[pc + 3]! : pc + 4;
        continue;
      case Op.return_v32:
      case Op.return_v64:
      case Op.return_f64:
      case Op.return_v128:
      case Op.return_ref:
      case Op.return_: {
        switch (code[pc]) {
          case Op.return_v32:
            s32[fp] = s32[fp + code[pc + 1]!]!;
            break;
          case Op.return_v64: {
            const a = fp + code[pc + 1]!;
            s32[fp] = s32[a]!;
            s32[fp + 1] = s32[a + 1]!;
            break;
          }
          case Op.return_f64:
            sf64[fp >> 1] = sf64[(fp + code[pc + 1]!) >> 1]!;
            break;
          case Op.return_v128: {
            const a = fp + code[pc + 1]!;
            s32[fp] = s32[a]!;
            s32[fp + 1] = s32[a + 1]!;
            s32[fp + 2] = s32[a + 2]!;
            s32[fp + 3] = s32[a + 3]!;
            break;
          }
          case Op.return_ref:
            refs[fp] = refs[fp + code[pc + 1]!];
            break;
        }
        depth--;
        fr.depth = depth;
        if (depth === base) return;
        fn = fFn[depth - 1] as InterpFunc;
        code = fn.code;
        pc = fPc[depth - 1]!;
        fp = fFp[depth - 1]!;
        if (fn.inst !== inst) {
          inst = fn.inst as InterpInstance;
          funcs = inst.funcs;
          gw = inst.gw;
          tables = inst.tables;
          inst.syncMem();
          dv = inst.dv;
          u8 = inst.u8;
          memLen = inst.memLen;
        }
        continue;
      }
      case Op.call: {
        const callee = funcs[code[pc + 1]!] as InterpFunc;
        const nfp = fp + code[pc + 2]!;
        if (depth >= limit || nfp + callee.frameWords > STACK_WORDS) throw exhausted();
        fPc[depth - 1] = pc + 3;
        fFp[depth - 1] = fp;
        fFn[depth] = callee;
        fr.depth = ++depth;
        fn = callee;
        code = callee.code;
        fp = nfp;
        pc = 0;
        if (code[0] === Op.zero) {
          // the callee's prologue (zeroing locals read before written) done here: one dispatch less
          // per call of such a function (recursive C code: an accumulator local)
          for (let i = nfp + code[1]!, e = nfp + code[2]!; i < e; i++) s32[i] = 0;
          pc = 3;
        }
        continue;
      }
      case Op.call_slow:
      case Op.call_indirect: {
        let callee: FuncInst;
        let nfp: number;
        let next: number;
        if (code[pc] === Op.call_slow) {
          callee = funcs[code[pc + 1]!]!;
          nfp = fp + code[pc + 2]!;
          next = pc + 3;
        } else {
          callee = tableFunc(tables[code[pc + 2]!]!, s32[fp + code[pc + 4]!]! >>> 0, code[pc + 1]!);
          nfp = fp + code[pc + 3]!;
          next = pc + 5;
        }
        if (depth >= limit) throw exhausted();
        fPc[depth - 1] = next;
        fFp[depth - 1] = fp;
        if (callee instanceof InterpFunc) {
          if (nfp + callee.frameWords > STACK_WORDS) throw exhausted();
          fFn[depth] = callee;
          fr.depth = ++depth;
          fn = callee;
          code = callee.code;
          fp = nfp;
          pc = 0;
          if (callee.inst !== inst) {
            inst = callee.inst as InterpInstance;
            funcs = inst.funcs;
            gw = inst.gw;
            tables = inst.tables;
            inst.syncMem();
            dv = inst.dv;
            u8 = inst.u8;
            memLen = inst.memLen;
          }
          continue;
        }
        fr.top = fp + fn.frameWords;
        callForeign(callee, nfp, inst);
        fPc = fr.pc;
        fFp = fr.fp;
        fk = fpool.k;
        inst.syncMem();
        dv = inst.dv;
        u8 = inst.u8;
        memLen = inst.memLen;
        pc = next;
        continue;
      }
      case Op.return_call: {
        const callee = funcs[code[pc + 1]!] as InterpFunc;
        const src = fp + code[pc + 2]!;
        if (fp + callee.frameWords > STACK_WORDS) throw exhausted();
        for (let i = 0, n = callee.paramWords; i < n; i++) s32[fp + i] = s32[src + i]!;
        if (callee.refParams) for (let i = 0, n = callee.paramWords; i < n; i++) refs[fp + i] = refs[src + i];
        fFn[depth - 1] = callee;
        fn = callee;
        code = callee.code;
        pc = 0;
        continue;
      }
      case Op.return_call_indirect: {
        const callee = tableFunc(tables[code[pc + 2]!]!, s32[fp + code[pc + 4]!]! >>> 0, code[pc + 1]!);
        const src = fp + code[pc + 3]!;
        if (callee instanceof InterpFunc) {
          if (fp + callee.frameWords > STACK_WORDS) throw exhausted();
          for (let i = 0, n = callee.paramWords; i < n; i++) s32[fp + i] = s32[src + i]!;
          if (callee.refParams) for (let i = 0, n = callee.paramWords; i < n; i++) refs[fp + i] = refs[src + i];
          fFn[depth - 1] = callee;
          fn = callee;
          code = callee.code;
          pc = 0;
          if (callee.inst !== inst) {
            inst = callee.inst as InterpInstance;
            funcs = inst.funcs;
            gw = inst.gw;
            tables = inst.tables;
            inst.syncMem();
            dv = inst.dv;
            u8 = inst.u8;
            memLen = inst.memLen;
          }
          continue;
        }
        // A foreign function: call it, move its results to this frame's start and return.
        if (depth >= limit) throw exhausted();
        fr.top = fp + fn.frameWords;
        callForeign(callee, src, inst);
        fPc = fr.pc;
        fFp = fr.fp;
        fk = fpool.k;
        const rw = resultWords(callee);
        for (let i = 0; i < rw; i++) {
          s32[fp + i] = s32[src + i]!;
          refs[fp + i] = refs[src + i];
        }
        depth--;
        fr.depth = depth;
        if (depth === base) return;
        fn = fFn[depth - 1] as InterpFunc;
        code = fn.code;
        pc = fPc[depth - 1]!;
        fp = fFp[depth - 1]!;
        inst = fn.inst as InterpInstance;
        funcs = inst.funcs;
        gw = inst.gw;
        tables = inst.tables;
        inst.syncMem();
        dv = inst.dv;
        u8 = inst.u8;
        memLen = inst.memLen;
        continue;
      }
      case Op.br_addk_k:
      case Op.br_addk: {
        const x = (s32[fp + code[pc + 3]!]! + code[pc + 4]!) | 0;
        s32[fp + code[pc + 2]!] = x;
        const y = code[pc] === Op.br_addk_k ? code[pc + 5]! : s32[fp + code[pc + 5]!]!;
        let taken: boolean;
        switch (code[pc + 1]) {
          case 0: taken = x === y; break;
          case 1: taken = x !== y; break;
          case 2: taken = x < y; break;
          case 3: taken = x >>> 0 < y >>> 0; break;
          case 4: taken = x > y; break;
          case 5: taken = x >>> 0 > y >>> 0; break;
          case 6: taken = x <= y; break;
          case 7: taken = x >>> 0 <= y >>> 0; break;
          case 8: taken = x >= y; break;
          default: taken = x >>> 0 >= y >>> 0;
        }
        pc = taken ? code[pc + 6]! : pc + 7;
        continue;
      }
      case Op.br_i64: {
        const a = fp + code[pc + 2]!;
        const b = fp + code[pc + 3]!;
        pc = i64cmp(Op.i64_eq + code[pc + 1]!, s32[a]!, s32[a + 1]!, s32[b]!, s32[b + 1]!) ? code[pc + 4]! : pc + 5;
        continue;
      }
      case Op.br_zext_add_i64: {
        const d = fp + code[pc + 2]!;
        const x = fp + code[pc + 3]!;
        s32[d] = s32[x]!;
        s32[d + 1] = 0;
        s32[x] = (s32[x]! + s32[fp + code[pc + 4]!]!) | 0;
        const a = fp + code[pc + 5]!;
        const b = fp + code[pc + 6]!;
        pc = i64cmp(Op.i64_eq + code[pc + 1]!, s32[a]!, s32[a + 1]!, s32[b]!, s32[b + 1]!) ? code[pc + 7]! : pc + 8;
        continue;
      }
      case Op.br_i64z: {
        const a = fp + code[pc + 1]!;
        pc = (s32[a]! | s32[a + 1]!) === 0 ? code[pc + 2]! : pc + 3;
        continue;
      }
      case Op.br_i64nz: {
        const a = fp + code[pc + 1]!;
        pc = (s32[a]! | s32[a + 1]!) !== 0 ? code[pc + 2]! : pc + 3;
        continue;
      }
      case Op.throw_:
      case Op.rethrow_:
        // exception handling: record where this frame is, the unwinder (entry.ts) does the rest
        fPc[depth - 1] = pc + 1;
        fFp[depth - 1] = fp;
        fr.depth = depth;
        throw code[pc] === Op.throw_ ? newException(inst, code[pc + 1]!, fp + code[pc + 2]!) : refs[fp + code[pc + 1]!];
      case Op.fuel: {
        // a charging point (src/runtime/meter.ts): the counter is read through the instance every
        // time, since the meter may change it while host code runs
        const m = inst.counter!;
        if (--m.countdown < 0) m.checkpoint();
        pc += 1;
        continue;
      }
      case Op.zero:
        for (let i = fp + code[pc + 1]!, e = fp + code[pc + 2]!; i < e; i++) s32[i] = 0;
        pc += 3;
        continue;

      // ------------------------------------------------------------ moves, constants, globals
      case Op.mov32_br:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]!;
        pc = code[pc + 3]!;
        continue;
      case Op.mov32:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]!;
        pc += 3;
        continue;
      case Op.mov32x2:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]!;
        s32[fp + code[pc + 3]!] = s32[fp + code[pc + 4]!]!;
        pc += 5;
        continue;
      case Op.mov32_addk: {
        const v = s32[fp + code[pc + 2]!]!;
        s32[fp + code[pc + 1]!] = v;
        s32[fp + code[pc + 3]!] = (v + code[pc + 4]!) | 0;
        pc += 5;
        continue;
      }
      case Op.i32_add_k_mov: {
        const v = (s32[fp + code[pc + 2]!]! + code[pc + 3]!) | 0;
        s32[fp + code[pc + 1]!] = v;
        s32[fp + code[pc + 4]!] = v;
        pc += 5;
        continue;
      }
      case Op.mov32xn: {
        const end = pc + 2 + 2 * code[pc + 1]!;
        for (pc += 2; pc < end; pc += 2) s32[fp + code[pc]!] = s32[fp + code[pc + 1]!]!;
        continue;
      }
      case Op.mov64: {
        const d = fp + code[pc + 1]!;
        const a = fp + code[pc + 2]!;
        s32[d] = s32[a]!;
        s32[d + 1] = s32[a + 1]!;
        pc += 3;
        continue;
      }
      case Op.movf64:
        sf64[(fp + code[pc + 1]!) >> 1] = sf64[(fp + code[pc + 2]!) >> 1]!;
        pc += 3;
        continue;
      case Op.constf64:
        sf64[(fp + code[pc + 1]!) >> 1] = fk[code[pc + 2]!]!;
        pc += 3;
        continue;
      case Op.selectf64:
        sf64[(fp + code[pc + 1]!) >> 1] = sf64[(fp + code[pc + (s32[fp + code[pc + 4]!] !== 0 ? 2 : 3)]!) >> 1]!;
        pc += 5;
        continue;
      case Op.loadf64: {
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 8) throw oob();
        sf64[(fp + code[pc + 1]!) >> 1] = dv.getFloat64(ea, true);
        pc += 5;
        continue;
      }
      case Op.storef64: {
        const ea = ((s32[fp + code[pc + 1]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 8) throw oob();
        dv.setFloat64(ea, sf64[(fp + code[pc + 2]!) >> 1]!, true);
        pc += 5;
        continue;
      }
      case Op.storef64_bin: {
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 8) throw oob();
        const x = sf64[(fp + code[pc + 5]!) >> 1]!;
        const y = sf64[(fp + code[pc + 6]!) >> 1]!;
        const kind = code[pc + 1];
        dv.setFloat64(ea, kind === Op.f64_add ? x + y : kind === Op.f64_mul ? x * y : x - y, true);
        pc += 7;
        continue;
      }
      case Op.storef64_fma: {
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 8) throw oob();
        const p = sf64[(fp + code[pc + 5]!) >> 1]! * sf64[(fp + code[pc + 6]!) >> 1]!;
        const z = sf64[(fp + code[pc + 7]!) >> 1]!;
        const kind = code[pc + 1];
        dv.setFloat64(ea, kind === Op.f64_muladd ? p + z : kind === Op.f64_mulsub ? p - z : z - p, true);
        pc += 8;
        continue;
      }
      case Op.storef64_rmw: {
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 8) throw oob();
        const m = dv.getFloat64(ea, true);
        const x = sf64[(fp + code[pc + 5]!) >> 1]!;
        const kind = code[pc + 1];
        dv.setFloat64(ea, kind === Op.f64_addm ? x + m : kind === Op.f64_mulm ? x * m : kind === Op.f64_subm ? x - m : m - x, true);
        pc += 6;
        continue;
      }
      case Op.storef64_acc: {
        const kind = code[pc + 1]!;
        const b = code[pc + 4]!;
        const t = (s32[fp + code[pc + 3]!]! + ((kind & 1) !== 0 ? b : s32[fp + b]!)) | 0;
        s32[fp + code[pc + 2]!] = t;
        const ea = (t >>> 0) + code[pc + 5]!;
        if (ea > memLen - 8) throw oob();
        const x = sf64[(fp + code[pc + 6]!) >> 1]!;
        // Not nested as one call's argument: TurboFan then left the outer setFloat64 a builtin call
        // (11% of matmul's time). Keep DataView calls out of each other's arguments throughout.
        const v = dv.getFloat64(ea, true) + ((kind & 2) !== 0 ? x * sf64[(fp + code[pc + 7]!) >> 1]! : x);
        dv.setFloat64(ea, v, true);
        pc += 8;
        continue;
      }
      case Op.const32:
        s32[fp + code[pc + 1]!] = code[pc + 2]!;
        pc += 3;
        continue;
      case Op.const64: {
        const d = fp + code[pc + 1]!;
        s32[d] = code[pc + 2]!;
        s32[d + 1] = code[pc + 3]!;
        pc += 4;
        continue;
      }
      case Op.select32:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + (s32[fp + code[pc + 4]!] !== 0 ? 2 : 3)]!]!;
        pc += 5;
        continue;
      case Op.select64: {
        const d = fp + code[pc + 1]!;
        const a = fp + code[pc + (s32[fp + code[pc + 4]!] !== 0 ? 2 : 3)]!;
        s32[d] = s32[a]!;
        s32[d + 1] = s32[a + 1]!;
        pc += 5;
        continue;
      }
      case Op.global_get32: {
        const w = gw[code[pc + 2]!];
        if (w === null) globalGetSlow(inst, fp + code[pc + 1]!, code[pc + 2]!);
        else s32[fp + code[pc + 1]!] = w![0]!;
        pc += 3;
        continue;
      }
      case Op.global_set32: {
        const w = gw[code[pc + 2]!];
        if (w === null) globalSetSlow(inst, fp + code[pc + 1]!, code[pc + 2]!);
        else w![0] = s32[fp + code[pc + 1]!]!;
        pc += 3;
        continue;
      }
      case Op.load32: {
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 4) throw oob();
        s32[fp + code[pc + 1]!] = dv.getInt32(ea, true);
        pc += 5;
        continue;
      }
      case Op.load64: {
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 8) throw oob();
        const d = fp + code[pc + 1]!;
        s32[d] = dv.getInt32(ea, true);
        s32[d + 1] = dv.getInt32(ea + 4, true);
        pc += 5;
        continue;
      }
      case Op.load32_rr:
      case Op.load8_u_rr: {
        const ea = ((s32[fp + code[pc + 2]!]! + s32[fp + code[pc + 3]!]!) >>> 0) + code[pc + 4]!;
        const w32 = code[pc] === Op.load32_rr;
        if (ea > memLen - (w32 ? 4 : 1)) throw oob();
        s32[fp + code[pc + 1]!] = w32 ? dv.getInt32(ea, true) : u8[ea]!;
        pc += 5;
        continue;
      }
      case Op.load8_s: {
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea >= memLen) throw oob();
        s32[fp + code[pc + 1]!] = (u8[ea]! << 24) >> 24;
        pc += 5;
        continue;
      }
      case Op.load8_u: {
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea >= memLen) throw oob();
        s32[fp + code[pc + 1]!] = u8[ea]!;
        pc += 5;
        continue;
      }
      case Op.load16_s: {
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 2) throw oob();
        s32[fp + code[pc + 1]!] = dv.getInt16(ea, true);
        pc += 5;
        continue;
      }
      case Op.load16_u: {
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 2) throw oob();
        s32[fp + code[pc + 1]!] = dv.getUint16(ea, true);
        pc += 5;
        continue;
      }
      case Op.load8_s_64:
      case Op.load8_u_64:
      case Op.load16_s_64:
      case Op.load16_u_64: {
        // narrow loads extended to i64 share a case (uncommon in hot loops; room in this function)
        const op = code[pc]!;
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - (op <= Op.load8_u_64 ? 1 : 2)) throw oob();
        const v = op === Op.load8_s_64 ? (u8[ea]! << 24) >> 24 : op === Op.load8_u_64 ? u8[ea]! : op === Op.load16_s_64 ? dv.getInt16(ea, true) : dv.getUint16(ea, true);
        const d = fp + code[pc + 1]!;
        s32[d] = v;
        s32[d + 1] = v >> 31;
        pc += 5;
        continue;
      }
      case Op.load32_s_64: {
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 4) throw oob();
        const d = fp + code[pc + 1]!;
        const v = dv.getInt32(ea, true);
        s32[d] = v;
        s32[d + 1] = v >> 31;
        pc += 5;
        continue;
      }
      case Op.load32_u_64: {
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 4) throw oob();
        const d = fp + code[pc + 1]!;
        s32[d] = dv.getInt32(ea, true);
        s32[d + 1] = 0;
        pc += 5;
        continue;
      }
      case Op.store32: {
        const ea = ((s32[fp + code[pc + 1]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 4) throw oob();
        dv.setInt32(ea, s32[fp + code[pc + 2]!]!, true);
        pc += 5;
        continue;
      }
      case Op.store64: {
        const ea = ((s32[fp + code[pc + 1]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 8) throw oob();
        const a = fp + code[pc + 2]!;
        dv.setInt32(ea, s32[a]!, true);
        dv.setInt32(ea + 4, s32[a + 1]!, true);
        pc += 5;
        continue;
      }
      case Op.store8: {
        const ea = ((s32[fp + code[pc + 1]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea >= memLen) throw oob();
        u8[ea] = s32[fp + code[pc + 2]!]!;
        pc += 5;
        continue;
      }
      case Op.store16: {
        const ea = ((s32[fp + code[pc + 1]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 2) throw oob();
        dv.setInt16(ea, s32[fp + code[pc + 2]!]!, true);
        pc += 5;
        continue;
      }

      case Op.load32_add:
      case Op.load32_addk: {
        const t = fp + code[pc + 2]!;
        const x = s32[fp + code[pc + 3]!]!;
        s32[t] = (x + (code[pc] === Op.load32_add ? s32[fp + code[pc + 4]!]! : code[pc + 4]!)) | 0;
        const ea = (s32[t]! >>> 0) + code[pc + 5]!;
        if (ea > memLen - 4) throw oob();
        s32[fp + code[pc + 1]!] = dv.getInt32(ea, true);
        pc += 6;
        continue;
      }
      case Op.loadf64_add:
      case Op.loadf64_addk: {
        const t = fp + code[pc + 2]!;
        const x = s32[fp + code[pc + 3]!]!;
        s32[t] = (x + (code[pc] === Op.loadf64_add ? s32[fp + code[pc + 4]!]! : code[pc + 4]!)) | 0;
        const ea = (s32[t]! >>> 0) + code[pc + 5]!;
        if (ea > memLen - 8) throw oob();
        sf64[(fp + code[pc + 1]!) >> 1] = dv.getFloat64(ea, true);
        pc += 6;
        continue;
      }
      case Op.copy_mm: {
        const n = code[pc + 1]!;
        const sa = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (sa > memLen - n) throw oob();
        const da = ((s32[fp + code[pc + 5]!]! + code[pc + 7]!) >>> 0) + code[pc + 6]!;
        if (da > memLen - n) throw oob();
        if (n === 8) {
          const lo = dv.getInt32(sa, true);
          const hi = dv.getInt32(sa + 4, true);
          dv.setInt32(da + 4, hi, true);
          dv.setInt32(da, lo, true);
        } else if (n === 4) {
          const w = dv.getInt32(sa, true);
          dv.setInt32(da, w, true);
        } else if (n === 1) u8[da] = u8[sa]!;
        else {
          const h = dv.getInt16(sa, true);
          dv.setInt16(da, h, true);
        }
        pc += 8;
        continue;
      }
      case Op.load32_x: {
        const ea = (((s32[fp + code[pc + 2]!]! << code[pc + 3]!) + code[pc + 5]!) >>> 0) + code[pc + 4]!;
        if (ea > memLen - 4) throw oob();
        s32[fp + code[pc + 1]!] = dv.getInt32(ea, true);
        pc += 6;
        continue;
      }
      case Op.loadf64_x: {
        const ea = (((s32[fp + code[pc + 2]!]! << code[pc + 3]!) + code[pc + 5]!) >>> 0) + code[pc + 4]!;
        if (ea > memLen - 8) throw oob();
        sf64[(fp + code[pc + 1]!) >> 1] = dv.getFloat64(ea, true);
        pc += 6;
        continue;
      }
      case Op.store32_v: {
        const ea = ((s32[fp + code[pc + 1]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 4) throw oob();
        dv.setInt32(ea, code[pc + 2]!, true);
        pc += 5;
        continue;
      }
      case Op.store8_v: {
        const ea = ((s32[fp + code[pc + 1]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea >= memLen) throw oob();
        u8[ea] = code[pc + 2]!;
        pc += 5;
        continue;
      }
      case Op.store8_v_inc: {
        const a = fp + code[pc + 1]!;
        const ea = ((s32[a]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea >= memLen) throw oob();
        u8[ea] = code[pc + 2]!;
        s32[a] = (s32[a]! + s32[fp + code[pc + 5]!]!) | 0;
        pc += 6;
        continue;
      }
      case Op.store16_v: {
        const ea = ((s32[fp + code[pc + 1]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 2) throw oob();
        dv.setInt16(ea, code[pc + 2]!, true);
        pc += 5;
        continue;
      }

      // ------------------------------------------------------------ i32
      case Op.i32_eqz:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!] === 0 ? 1 : 0;
        pc += 3;
        continue;
      case Op.i32_eq:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!] === s32[fp + code[pc + 3]!] ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_ne:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!] !== s32[fp + code[pc + 3]!] ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_lt_s:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! < s32[fp + code[pc + 3]!]! ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_lt_u:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >>> 0 < s32[fp + code[pc + 3]!]! >>> 0 ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_gt_s:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! > s32[fp + code[pc + 3]!]! ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_gt_u:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >>> 0 > s32[fp + code[pc + 3]!]! >>> 0 ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_le_s:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! <= s32[fp + code[pc + 3]!]! ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_le_u:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >>> 0 <= s32[fp + code[pc + 3]!]! >>> 0 ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_ge_s:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >= s32[fp + code[pc + 3]!]! ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_ge_u:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >>> 0 >= s32[fp + code[pc + 3]!]! >>> 0 ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_eq_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!] === code[pc + 3]! ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_ne_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!] !== code[pc + 3]! ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_lt_s_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! < code[pc + 3]! ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_lt_u_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >>> 0 < code[pc + 3]! >>> 0 ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_gt_s_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! > code[pc + 3]! ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_gt_u_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >>> 0 > code[pc + 3]! >>> 0 ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_le_s_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! <= code[pc + 3]! ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_le_u_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >>> 0 <= code[pc + 3]! >>> 0 ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_ge_s_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >= code[pc + 3]! ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_ge_u_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >>> 0 >= code[pc + 3]! >>> 0 ? 1 : 0;
        pc += 4;
        continue;
      case Op.i32_add:
        s32[fp + code[pc + 1]!] = (s32[fp + code[pc + 2]!]! + s32[fp + code[pc + 3]!]!) | 0;
        pc += 4;
        continue;
      case Op.i32_sub:
        s32[fp + code[pc + 1]!] = (s32[fp + code[pc + 2]!]! - s32[fp + code[pc + 3]!]!) | 0;
        pc += 4;
        continue;
      case Op.i32_mul:
        s32[fp + code[pc + 1]!] = Math.imul(s32[fp + code[pc + 2]!]!, s32[fp + code[pc + 3]!]!);
        pc += 4;
        continue;
      case Op.i32_div_s: {
        const a = s32[fp + code[pc + 2]!]!;
        const b = s32[fp + code[pc + 3]!]!;
        if (b === 0) throw new Trap(TrapCode.integerDivideByZero);
        if (a === -2147483648 && b === -1) throw new Trap(TrapCode.integerOverflow);
        s32[fp + code[pc + 1]!] = (a / b) | 0;
        pc += 4;
        continue;
      }
      case Op.i32_div_u: {
        const b = s32[fp + code[pc + 3]!]! >>> 0;
        if (b === 0) throw new Trap(TrapCode.integerDivideByZero);
        s32[fp + code[pc + 1]!] = ((s32[fp + code[pc + 2]!]! >>> 0) / b) | 0;
        pc += 4;
        continue;
      }
      case Op.i32_rem_s: {
        const b = s32[fp + code[pc + 3]!]!;
        if (b === 0) throw new Trap(TrapCode.integerDivideByZero);
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! % b | 0;
        pc += 4;
        continue;
      }
      case Op.i32_rem_u: {
        const b = s32[fp + code[pc + 3]!]! >>> 0;
        if (b === 0) throw new Trap(TrapCode.integerDivideByZero);
        s32[fp + code[pc + 1]!] = (s32[fp + code[pc + 2]!]! >>> 0) % b | 0;
        pc += 4;
        continue;
      }
      case Op.i32_and:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! & s32[fp + code[pc + 3]!]!;
        pc += 4;
        continue;
      case Op.i32_or:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! | s32[fp + code[pc + 3]!]!;
        pc += 4;
        continue;
      case Op.i32_xor:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! ^ s32[fp + code[pc + 3]!]!;
        pc += 4;
        continue;
      case Op.i32_shl:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! << s32[fp + code[pc + 3]!]!;
        pc += 4;
        continue;
      case Op.i32_shr_s:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >> s32[fp + code[pc + 3]!]!;
        pc += 4;
        continue;
      case Op.i32_shr_u:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >>> s32[fp + code[pc + 3]!]!;
        pc += 4;
        continue;
      case Op.i32_rotl: {
        const a = s32[fp + code[pc + 2]!]!;
        const b = s32[fp + code[pc + 3]!]! & 31;
        s32[fp + code[pc + 1]!] = (a << b) | (a >>> ((32 - b) & 31));
        pc += 4;
        continue;
      }
      case Op.i32_rotr: {
        const a = s32[fp + code[pc + 2]!]!;
        const b = s32[fp + code[pc + 3]!]! & 31;
        s32[fp + code[pc + 1]!] = (a >>> b) | (a << ((32 - b) & 31));
        pc += 4;
        continue;
      }
      case Op.i32_add_k:
        s32[fp + code[pc + 1]!] = (s32[fp + code[pc + 2]!]! + code[pc + 3]!) | 0;
        pc += 4;
        continue;
      case Op.i32_mul_k:
        s32[fp + code[pc + 1]!] = Math.imul(s32[fp + code[pc + 2]!]!, code[pc + 3]!);
        pc += 4;
        continue;
      case Op.i32_and_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! & code[pc + 3]!;
        pc += 4;
        continue;
      case Op.i32_or_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! | code[pc + 3]!;
        pc += 4;
        continue;
      case Op.i32_xor_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! ^ code[pc + 3]!;
        pc += 4;
        continue;
      case Op.i32_shl_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! << code[pc + 3]!;
        pc += 4;
        continue;
      case Op.i32_shr_s_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >> code[pc + 3]!;
        pc += 4;
        continue;
      case Op.i32_shr_u_k:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! >>> code[pc + 3]!;
        pc += 4;
        continue;

      case Op.i32_shladd:
        s32[fp + code[pc + 1]!] = ((s32[fp + code[pc + 2]!]! << code[pc + 3]!) + s32[fp + code[pc + 4]!]!) | 0;
        pc += 5;
        continue;
      case Op.i32_add_eqz:
        s32[fp + code[pc + 1]!] = (s32[fp + code[pc + 2]!]! + (s32[fp + code[pc + 3]!] === 0 ? 1 : 0)) | 0;
        pc += 4;
        continue;
      case Op.i32_andn:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]! & ~s32[fp + code[pc + 3]!]!;
        pc += 4;
        continue;
      case Op.i32_add3:
        s32[fp + code[pc + 1]!] = (s32[fp + code[pc + 2]!]! + s32[fp + code[pc + 3]!]! + s32[fp + code[pc + 4]!]!) | 0;
        pc += 5;
        continue;
      case Op.i32_binsh: {
        const x = s32[fp + code[pc + 3]!]!;
        const k = code[pc + 4]!;
        const kind = code[pc + 5]!;
        let v: number;
        switch (kind & 3) {
          case 0: v = (x << k) | (x >>> ((32 - k) & 31)); break;
          case 1: v = x << k; break;
          case 2: v = (x >>> k) | 0; break; // | 0: keeps v an int32 (a uint32 would make it a double)
          default: v = x >> k;
        }
        const a = s32[fp + code[pc + 2]!]!;
        switch (kind >> 2) {
          case 0: v = (a + v) | 0; break;
          case 1: v = a ^ v; break;
          case 2: v = a | v; break;
          default: v = a & v;
        }
        s32[fp + code[pc + 1]!] = v;
        pc += 6;
        continue;
      }
      case Op.i32_shsh:
      case Op.store32_shsh:
      case Op.store32_shsh_l: {
        if (code[pc] === Op.store32_shsh_l) {
          const la = ((s32[fp + code[pc + 10]!]! + code[pc + 12]!) >>> 0) + code[pc + 11]!;
          if (la > memLen - 4) throw oob();
          s32[fp + code[pc + 9]!] = dv.getInt32(la, true);
        }
        const kind = code[pc + 6]!;
        const x = s32[fp + code[pc + 2]!]!;
        const k1 = code[pc + 3]!;
        let u: number;
        switch ((kind >> 2) & 3) {
          case 0: u = (x << k1) | (x >>> ((32 - k1) & 31)); break;
          case 1: u = x << k1; break;
          case 2: u = (x >>> k1) | 0; break; // | 0: as in i32_binsh
          default: u = x >> k1;
        }
        const y = s32[fp + code[pc + 4]!]!;
        const k2 = code[pc + 5]!;
        let v: number;
        switch (kind & 3) {
          case 0: v = (y << k2) | (y >>> ((32 - k2) & 31)); break;
          case 1: v = y << k2; break;
          case 2: v = (y >>> k2) | 0; break;
          default: v = y >> k2;
        }
        switch (kind >> 4) {
          case 0: v = (u + v) | 0; break;
          case 1: v = u ^ v; break;
          case 2: v = u | v; break;
          default: v = u & v;
        }
        if (code[pc] === Op.i32_shsh) {
          s32[fp + code[pc + 1]!] = v;
          pc += 7;
          continue;
        }
        const ea = ((s32[fp + code[pc + 1]!]! + code[pc + 8]!) >>> 0) + code[pc + 7]!;
        if (ea > memLen - 4) throw oob();
        dv.setInt32(ea, v, true);
        pc += code[pc] === Op.store32_shsh ? 9 : 13;
        continue;
      }
      case Op.i32_rotl_k: {
        const a = s32[fp + code[pc + 2]!]!;
        const b = code[pc + 3]!;
        s32[fp + code[pc + 1]!] = (a << b) | (a >>> ((32 - b) & 31));
        pc += 4;
        continue;
      }

      // ------------------------------------------------------------ i64
      case Op.i64_mul_k: {
        const a = fp + code[pc + 2]!;
        const d = fp + code[pc + 1]!;
        const al = s32[a]!;
        const bl = code[pc + 3]!;
        const a0 = al & 0xffff;
        const a1 = al >>> 16;
        const b0 = bl & 0xffff;
        const b1 = bl >>> 16;
        const p01 = a0 * b1;
        const p10 = a1 * b0;
        const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
        const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
        const hi = (carry + Math.imul(s32[a + 1]!, bl) + Math.imul(al, code[pc + 4]!)) | 0;
        s32[d] = Math.imul(al, bl);
        s32[d + 1] = hi;
        pc += 5;
        continue;
      }
      case Op.i64_muladd_k: {
        // i64_mul_k's product (see there), plus b with the carry out of the low word
        const a = fp + code[pc + 2]!;
        const b = fp + code[pc + 5]!;
        const al = s32[a]!;
        const bl = code[pc + 3]!;
        const a0 = al & 0xffff;
        const a1 = al >>> 16;
        const b0 = bl & 0xffff;
        const b1 = bl >>> 16;
        const p01 = a0 * b1;
        const p10 = a1 * b0;
        const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
        const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
        const pl = Math.imul(al, bl);
        const lo = (pl + s32[b]!) | 0;
        const hi = carry + Math.imul(s32[a + 1]!, bl) + Math.imul(al, code[pc + 4]!) + s32[b + 1]! + ((lo >>> 0) < (pl >>> 0) ? 1 : 0);
        const d = fp + code[pc + 1]!;
        s32[d] = lo;
        s32[d + 1] = hi | 0;
        pc += 6;
        continue;
      }
      case Op.i64_mulm_k:
      case Op.i64_muladdm_k: {
        // i64_mul_k's product of the loaded value, plus b (i64_muladd_k) for i64_muladdm_k
        const ea = ((s32[fp + code[pc + 2]!]! + code[pc + 4]!) >>> 0) + code[pc + 3]!;
        if (ea > memLen - 8) throw oob();
        const al = dv.getInt32(ea, true);
        const bl = code[pc + 5]!;
        const a0 = al & 0xffff;
        const a1 = al >>> 16;
        const b0 = bl & 0xffff;
        const b1 = bl >>> 16;
        const p01 = a0 * b1;
        const p10 = a1 * b0;
        const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
        const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
        let lo = Math.imul(al, bl);
        let hi = carry + Math.imul(dv.getInt32(ea + 4, true), bl) + Math.imul(al, code[pc + 6]!);
        const d = fp + code[pc + 1]!;
        if (code[pc] === Op.i64_muladdm_k) {
          const b = fp + code[pc + 7]!;
          const pl = lo;
          lo = (pl + s32[b]!) | 0;
          hi += s32[b + 1]! + ((lo >>> 0) < (pl >>> 0) ? 1 : 0);
          pc += 8;
        } else pc += 7;
        s32[d] = lo;
        s32[d + 1] = hi | 0;
        continue;
      }
      case Op.i64_rotlmul_k: {
        // rotate (as i64_rotl_k, n in 0..63), then i64_mul_k's product
        const a = fp + code[pc + 2]!;
        let n = code[pc + 5]!;
        let al = s32[a]!;
        let ah = s32[a + 1]!;
        if (n >= 32) {
          const t = al;
          al = ah;
          ah = t;
          n -= 32;
        }
        if (n !== 0) {
          const l = (al << n) | (ah >>> (32 - n));
          ah = (ah << n) | (al >>> (32 - n));
          al = l;
        }
        // the rotation is also written to t (a local when it was tee'd, else d's own slot)
        const t = fp + code[pc + 6]!;
        s32[t] = al;
        s32[t + 1] = ah;
        const bl = code[pc + 3]!;
        const a0 = al & 0xffff;
        const a1 = al >>> 16;
        const b0 = bl & 0xffff;
        const b1 = bl >>> 16;
        const p01 = a0 * b1;
        const p10 = a1 * b0;
        const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
        const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
        const d = fp + code[pc + 1]!;
        s32[d] = Math.imul(al, bl);
        s32[d + 1] = carry + Math.imul(ah, bl) + Math.imul(al, code[pc + 4]!);
        pc += 7;
        continue;
      }
      case Op.i64_and_k: {
        const a = fp + code[pc + 2]!;
        const d = fp + code[pc + 1]!;
        const lo = s32[a]! & code[pc + 3]!;
        s32[d + 1] = s32[a + 1]! & code[pc + 4]!;
        s32[d] = lo;
        pc += 5;
        continue;
      }
      case Op.i64_or_k: {
        const a = fp + code[pc + 2]!;
        const d = fp + code[pc + 1]!;
        const lo = s32[a]! | code[pc + 3]!;
        s32[d + 1] = s32[a + 1]! | code[pc + 4]!;
        s32[d] = lo;
        pc += 5;
        continue;
      }
      case Op.i64_xor_k: {
        const a = fp + code[pc + 2]!;
        const d = fp + code[pc + 1]!;
        const lo = s32[a]! ^ code[pc + 3]!;
        s32[d + 1] = s32[a + 1]! ^ code[pc + 4]!;
        s32[d] = lo;
        pc += 5;
        continue;
      }
      case Op.i64_shl_k:
      case Op.i64_shr_s_k:
      case Op.i64_shr_u_k:
      case Op.i64_rotl_k: {
        const a = fp + code[pc + 2]!;
        const d = fp + code[pc + 1]!;
        const n = code[pc + 3]!;
        const al = s32[a]!;
        const ah = s32[a + 1]!;
        let lo = al;
        let hi = ah;
        if (n !== 0) {
          switch (code[pc]) {
            case Op.i64_shl_k:
              if (n < 32) { lo = al << n; hi = (ah << n) | (al >>> (32 - n)); } else { lo = 0; hi = al << (n - 32); }
              break;
            case Op.i64_shr_s_k:
              if (n < 32) { lo = (al >>> n) | (ah << (32 - n)); hi = ah >> n; } else { lo = ah >> (n - 32); hi = ah >> 31; }
              break;
            case Op.i64_shr_u_k:
              if (n < 32) { lo = (al >>> n) | (ah << (32 - n)); hi = ah >>> n; } else { lo = ah >>> (n - 32); hi = 0; }
              break;
            default: {
              let x = al;
              let y = ah;
              let m = n;
              if (m >= 32) { x = ah; y = al; m -= 32; }
              if (m === 0) { lo = x; hi = y; } else { lo = (x << m) | (y >>> (32 - m)); hi = (y << m) | (x >>> (32 - m)); }
            }
          }
        }
        s32[d] = lo;
        s32[d + 1] = hi;
        pc += 4;
        continue;
      }
      case Op.i64_eqz: {
        const a = fp + code[pc + 2]!;
        s32[fp + code[pc + 1]!] = (s32[a]! | s32[a + 1]!) === 0 ? 1 : 0;
        pc += 3;
        continue;
      }
      case Op.i64_eq:
      case Op.i64_ne:
      case Op.i64_lt_s:
      case Op.i64_lt_u:
      case Op.i64_gt_s:
      case Op.i64_gt_u:
      case Op.i64_le_s:
      case Op.i64_le_u:
      case Op.i64_ge_s:
      case Op.i64_ge_u: {
        const a = fp + code[pc + 2]!;
        const b = fp + code[pc + 3]!;
        s32[fp + code[pc + 1]!] = i64cmp(code[pc]!, s32[a]!, s32[a + 1]!, s32[b]!, s32[b + 1]!) ? 1 : 0;
        pc += 4;
        continue;
      }
      case Op.i64_extend32_s:
      case Op.i64_extend_i32_s: {
        const d = fp + code[pc + 1]!;
        const v = s32[fp + code[pc + 2]!]!;
        s32[d] = v;
        s32[d + 1] = v >> 31;
        pc += 3;
        continue;
      }
      case Op.i64_extend_i32_u: {
        const d = fp + code[pc + 1]!;
        s32[d] = s32[fp + code[pc + 2]!]!;
        s32[d + 1] = 0;
        pc += 3;
        continue;
      }
      case Op.i64_add: {
        const a = fp + code[pc + 2]!;
        const b = fp + code[pc + 3]!;
        const d = fp + code[pc + 1]!;
        const al = s32[a]!;
        const lo = (al + s32[b]!) | 0;
        const hi = (s32[a + 1]! + s32[b + 1]! + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
        s32[d] = lo;
        s32[d + 1] = hi;
        pc += 4;
        continue;
      }
      case Op.i64_add_k: {
        const a = fp + code[pc + 2]!;
        const d = fp + code[pc + 1]!;
        const al = s32[a]!;
        const lo = (al + code[pc + 3]!) | 0;
        const hi = (s32[a + 1]! + code[pc + 4]! + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
        s32[d] = lo;
        s32[d + 1] = hi;
        pc += 5;
        continue;
      }
      case Op.i64_sub: {
        const a = fp + code[pc + 2]!;
        const b = fp + code[pc + 3]!;
        const d = fp + code[pc + 1]!;
        const al = s32[a]!;
        const bl = s32[b]!;
        const lo = (al - bl) | 0;
        const hi = (s32[a + 1]! - s32[b + 1]! - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
        s32[d] = lo;
        s32[d + 1] = hi;
        pc += 4;
        continue;
      }
      case Op.i64_mul: {
        const a = fp + code[pc + 2]!;
        const b = fp + code[pc + 3]!;
        const d = fp + code[pc + 1]!;
        const al = s32[a]!;
        const bl = s32[b]!;
        // low 32x32 -> 64 product from 16-bit halves (exact in doubles), then the cross terms mod 2^32.
        // Written out in each multiply case: TurboFan does not inline a shared helper into this large
        // function (measured: hash64 ~10% slower with one).
        const a0 = al & 0xffff;
        const a1 = al >>> 16;
        const b0 = bl & 0xffff;
        const b1 = bl >>> 16;
        const p01 = a0 * b1;
        const p10 = a1 * b0;
        const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
        const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
        const hi = (carry + Math.imul(s32[a + 1]!, bl) + Math.imul(al, s32[b + 1]!)) | 0;
        s32[d] = Math.imul(al, bl);
        s32[d + 1] = hi;
        pc += 4;
        continue;
      }
      case Op.i64_and: {
        const a = fp + code[pc + 2]!;
        const b = fp + code[pc + 3]!;
        const d = fp + code[pc + 1]!;
        const lo = s32[a]! & s32[b]!;
        s32[d + 1] = s32[a + 1]! & s32[b + 1]!;
        s32[d] = lo;
        pc += 4;
        continue;
      }
      case Op.i64_or: {
        const a = fp + code[pc + 2]!;
        const b = fp + code[pc + 3]!;
        const d = fp + code[pc + 1]!;
        const lo = s32[a]! | s32[b]!;
        s32[d + 1] = s32[a + 1]! | s32[b + 1]!;
        s32[d] = lo;
        pc += 4;
        continue;
      }
      case Op.i64_xor: {
        const a = fp + code[pc + 2]!;
        const b = fp + code[pc + 3]!;
        const d = fp + code[pc + 1]!;
        const lo = s32[a]! ^ s32[b]!;
        s32[d + 1] = s32[a + 1]! ^ s32[b + 1]!;
        s32[d] = lo;
        pc += 4;
        continue;
      }
      // ------------------------------------------------------------ f32 / f64
      case Op.f64_eq:
        s32[fp + code[pc + 1]!] = sf64[(fp + code[pc + 2]!) >> 1] === sf64[(fp + code[pc + 3]!) >> 1] ? 1 : 0;
        pc += 4;
        continue;
      case Op.f64_ne:
        s32[fp + code[pc + 1]!] = sf64[(fp + code[pc + 2]!) >> 1] !== sf64[(fp + code[pc + 3]!) >> 1] ? 1 : 0;
        pc += 4;
        continue;
      case Op.f64_lt:
        s32[fp + code[pc + 1]!] = sf64[(fp + code[pc + 2]!) >> 1]! < sf64[(fp + code[pc + 3]!) >> 1]! ? 1 : 0;
        pc += 4;
        continue;
      case Op.f64_gt:
        s32[fp + code[pc + 1]!] = sf64[(fp + code[pc + 2]!) >> 1]! > sf64[(fp + code[pc + 3]!) >> 1]! ? 1 : 0;
        pc += 4;
        continue;
      case Op.f64_le:
        s32[fp + code[pc + 1]!] = sf64[(fp + code[pc + 2]!) >> 1]! <= sf64[(fp + code[pc + 3]!) >> 1]! ? 1 : 0;
        pc += 4;
        continue;
      case Op.f64_ge:
        s32[fp + code[pc + 1]!] = sf64[(fp + code[pc + 2]!) >> 1]! >= sf64[(fp + code[pc + 3]!) >> 1]! ? 1 : 0;
        pc += 4;
        continue;
      // abs/neg/copysign work on the bits (§4.3.3: they never change a NaN's payload)
      case Op.f64_abs: {
        const d = fp + code[pc + 1]!;
        const a = fp + code[pc + 2]!;
        s32[d] = s32[a]!;
        s32[d + 1] = s32[a + 1]! & 0x7fffffff;
        pc += 3;
        continue;
      }
      case Op.f64_neg: {
        const d = fp + code[pc + 1]!;
        const a = fp + code[pc + 2]!;
        s32[d] = s32[a]!;
        s32[d + 1] = s32[a + 1]! ^ -2147483648;
        pc += 3;
        continue;
      }
      case Op.f64_sqrt:
        sf64[(fp + code[pc + 1]!) >> 1] = Math.sqrt(sf64[(fp + code[pc + 2]!) >> 1]!);
        pc += 3;
        continue;
      case Op.f64_add:
        sf64[(fp + code[pc + 1]!) >> 1] = sf64[(fp + code[pc + 2]!) >> 1]! + sf64[(fp + code[pc + 3]!) >> 1]!;
        pc += 4;
        continue;
      case Op.f64_sub:
        sf64[(fp + code[pc + 1]!) >> 1] = sf64[(fp + code[pc + 2]!) >> 1]! - sf64[(fp + code[pc + 3]!) >> 1]!;
        pc += 4;
        continue;
      case Op.f64_mul:
        sf64[(fp + code[pc + 1]!) >> 1] = sf64[(fp + code[pc + 2]!) >> 1]! * sf64[(fp + code[pc + 3]!) >> 1]!;
        pc += 4;
        continue;
      case Op.f64_div:
        sf64[(fp + code[pc + 1]!) >> 1] = sf64[(fp + code[pc + 2]!) >> 1]! / sf64[(fp + code[pc + 3]!) >> 1]!;
        pc += 4;
        continue;

      case Op.f64_add_k:
        sf64[(fp + code[pc + 1]!) >> 1] = sf64[(fp + code[pc + 2]!) >> 1]! + fk[code[pc + 3]!]!;
        pc += 4;
        continue;
      case Op.f64_sub_k:
        sf64[(fp + code[pc + 1]!) >> 1] = sf64[(fp + code[pc + 2]!) >> 1]! - fk[code[pc + 3]!]!;
        pc += 4;
        continue;
      case Op.f64_rsub_k:
        sf64[(fp + code[pc + 1]!) >> 1] = fk[code[pc + 3]!]! - sf64[(fp + code[pc + 2]!) >> 1]!;
        pc += 4;
        continue;
      case Op.f64_mul_k:
        sf64[(fp + code[pc + 1]!) >> 1] = sf64[(fp + code[pc + 2]!) >> 1]! * fk[code[pc + 3]!]!;
        pc += 4;
        continue;
      case Op.f64_div_k:
        sf64[(fp + code[pc + 1]!) >> 1] = sf64[(fp + code[pc + 2]!) >> 1]! / fk[code[pc + 3]!]!;
        pc += 4;
        continue;
      case Op.f64_rdiv_k:
        sf64[(fp + code[pc + 1]!) >> 1] = fk[code[pc + 3]!]! / sf64[(fp + code[pc + 2]!) >> 1]!;
        pc += 4;
        continue;
      case Op.f64_muladd:
        sf64[(fp + code[pc + 1]!) >> 1] =
          sf64[(fp + code[pc + 2]!) >> 1]! * sf64[(fp + code[pc + 3]!) >> 1]! + sf64[(fp + code[pc + 4]!) >> 1]!;
        pc += 5;
        continue;
      case Op.f64_mulsub:
        sf64[(fp + code[pc + 1]!) >> 1] =
          sf64[(fp + code[pc + 2]!) >> 1]! * sf64[(fp + code[pc + 3]!) >> 1]! - sf64[(fp + code[pc + 4]!) >> 1]!;
        pc += 5;
        continue;
      case Op.f64_submul:
        sf64[(fp + code[pc + 1]!) >> 1] =
          sf64[(fp + code[pc + 4]!) >> 1]! - sf64[(fp + code[pc + 2]!) >> 1]! * sf64[(fp + code[pc + 3]!) >> 1]!;
        pc += 5;
        continue;

      case Op.f64_addm:
      case Op.f64_subm:
      case Op.f64_rsubm:
      case Op.f64_mulm: {
        const ea = ((s32[fp + code[pc + 3]!]! + code[pc + 5]!) >>> 0) + code[pc + 4]!;
        if (ea > memLen - 8) throw oob();
        const m = dv.getFloat64(ea, true);
        const x = sf64[(fp + code[pc + 2]!) >> 1]!;
        const op = code[pc];
        sf64[(fp + code[pc + 1]!) >> 1] = op === Op.f64_addm ? x + m : op === Op.f64_mulm ? x * m : op === Op.f64_subm ? x - m : m - x;
        pc += 6;
        continue;
      }

      // ------------------------------------------------------------ conversions
      case Op.i32_wrap_i64:
        s32[fp + code[pc + 1]!] = s32[fp + code[pc + 2]!]!;
        pc += 3;
        continue;
      case Op.f64_convert_i32_s:
        sf64[(fp + code[pc + 1]!) >> 1] = s32[fp + code[pc + 2]!]!;
        pc += 3;
        continue;
      case Op.f64_convert_i32_u:
        sf64[(fp + code[pc + 1]!) >> 1] = s32[fp + code[pc + 2]!]! >>> 0;
        pc += 3;
        continue;
      default:
        if (code[pc]! < Op.rare_first) {
          // cold.ts: conversions, f32, bit counts, v128/ref moves and globals
          pc = coldOp(inst, code, pc, fp);
          continue;
        }
        // memory.*, table.*, other memories, SIMD: outside the hot function
        fr.top = fp + fn.frameWords;
        rareOp(inst, code, pc, fp);
        inst.syncMem();
        dv = inst.dv;
        u8 = inst.u8;
        memLen = inst.memLen;
        pc += 1 + RARE_LEN;
        continue;
    }
  }
}

function oob(): Trap {
  return new Trap(TrapCode.outOfBoundsMemoryAccess);
}

