// Instructions kept out of the executor's hot function (exec.ts): memory.size/grow/fill/copy/init,
// data.drop, table.*, elem.drop, accesses to memories other than memory 0 or with 64-bit addresses
// (multi-memory, memory64), and the SIMD dispatch. Each has RARE_LEN operands (ops.ts).

import { Trap, TrapCode } from '../../api/errors.js';
import { Op as W } from '../../binary/opcodes.js';
import { tableInit } from '../../runtime/instantiate.js';
import { ArrayTable, type Ref } from '../../runtime/store.js';
import type { InterpInstance } from './instance.js';
import { Op } from './ops.js';
import { addr, effective, memBytes, writeAddr } from './address.js';
import { simdOp } from './simd.js';
import { REFS, S32 } from './stack.js';

function oob(): Trap {
  return new Trap(TrapCode.outOfBoundsMemoryAccess);
}

function tableOob(): Trap {
  return new Trap(TrapCode.outOfBoundsTableAccess);
}

export function rareOp(inst: InterpInstance, code: Int32Array, pc: number, fp: number): void {
  const a1 = code[pc + 1]!;
  const a2 = code[pc + 2]!;
  const a3 = code[pc + 3]!;
  const a4 = code[pc + 4]!;
  const a5 = code[pc + 5]!;
  switch (code[pc]) {
    case Op.memory_size: {
      const m = inst.mems[a2]!;
      writeAddr(m, fp + a1, m.pages);
      return;
    }
    case Op.memory_grow: {
      const m = inst.mems[a3]!;
      const delta = addr(m, fp + a2);
      writeAddr(m, fp + a1, delta > 0xffffffff && !m.type.index64 ? -1 : m.grow(delta));
      return;
    }
    case Op.memory_fill: {
      const m = inst.mems[a4]!;
      const dst = addr(m, fp + a1);
      const n = addr(m, fp + a3);
      if (dst + n > m.byteLength) throw oob();
      memBytes(inst, a4).fill(S32[fp + a2]! & 0xff, dst, dst + n);
      return;
    }
    case Op.memory_copy: {
      const dm = inst.mems[a4]!;
      const sm = inst.mems[a5]!;
      const dst = addr(dm, fp + a1);
      const src = addr(sm, fp + a2);
      // With memories of different address widths (memory64 + multi-memory) n has the smaller type.
      const n = dm.type.index64 && sm.type.index64 ? addr(dm, fp + a3) : S32[fp + a3]! >>> 0;
      if (src + n > sm.byteLength || dst + n > dm.byteLength) throw oob();
      if (dm === sm) memBytes(inst, a4).copyWithin(dst, src, src + n);
      else new Uint8Array(dm.buffer, dst, n).set(new Uint8Array(sm.buffer, src, n));
      return;
    }
    case Op.memory_init: {
      const m = inst.mems[a5]!;
      const data = inst.datas[a4]!;
      const dst = addr(m, fp + a1);
      const src = S32[fp + a2]! >>> 0;
      const n = S32[fp + a3]! >>> 0;
      if (src + n > data.length || dst + n > m.byteLength) throw oob();
      new Uint8Array(m.buffer, dst, n).set(data.subarray(src, src + n));
      return;
    }
    case Op.data_drop:
      inst.datas[a1] = new Uint8Array(0);
      return;
    case Op.table_get:
      REFS[fp + a1] = inst.tables[a3]!.get(S32[fp + a2]! >>> 0);
      return;
    case Op.table_set:
      inst.tables[a3]!.set(S32[fp + a1]! >>> 0, REFS[fp + a2]);
      return;
    case Op.table_size:
      S32[fp + a1] = inst.tables[a2]!.size();
      return;
    case Op.table_grow:
      S32[fp + a1] = inst.tables[a4]!.grow(S32[fp + a3]! >>> 0, REFS[fp + a2]);
      return;
    case Op.table_fill: {
      const t = inst.tables[a4]!;
      const i = S32[fp + a1]! >>> 0;
      const n = S32[fp + a3]! >>> 0;
      const v = REFS[fp + a2];
      if (i + n > t.size()) throw tableOob();
      if (t instanceof ArrayTable) t.elements.fill(v, i, i + n);
      else for (let k = 0; k < n; k++) t.set(i + k, v);
      return;
    }
    case Op.table_copy: {
      const dt = inst.tables[a4]!;
      const st = inst.tables[a5]!;
      const dst = S32[fp + a1]! >>> 0;
      const src = S32[fp + a2]! >>> 0;
      const n = S32[fp + a3]! >>> 0;
      if (src + n > st.size() || dst + n > dt.size()) throw tableOob();
      if (dt instanceof ArrayTable && st instanceof ArrayTable) {
        if (dt === st) dt.elements.copyWithin(dst, src, src + n);
        else for (let k = 0; k < n; k++) dt.elements[dst + k] = st.elements[src + k];
      } else {
        const tmp: Ref[] = [];
        for (let k = 0; k < n; k++) tmp.push(st.get(src + k));
        for (let k = 0; k < n; k++) dt.set(dst + k, tmp[k]);
      }
      return;
    }
    case Op.table_init:
      tableInit(inst.tables[a5]!, inst.elems[a4]!, S32[fp + a1]! >>> 0, S32[fp + a2]! >>> 0, S32[fp + a3]! >>> 0);
      return;
    case Op.elem_drop:
      inst.elems[a1] = [];
      return;
    case Op.mem_slow:
      memSlow(inst, a1, fp + a2, fp + a3, fp + code[pc + 4]!, a5, code[pc + 6]!, code[pc + 7]!);
      return;
    case Op.simd:
      simdOp(inst, code, pc, fp);
      return;
  }
  throw new Error(`interpreter: unknown instruction ${code[pc]} at ${pc}`);
}

/** A load or store to any memory with any address width: wop is the wasm opcode. */
function memSlow(inst: InterpInstance, wop: number, d: number, a: number, b: number, offLo: number, offHi: number, mi: number): void {
  let size: number;
  switch (wop) {
    case W.i32_load8_s: case W.i32_load8_u: case W.i64_load8_s: case W.i64_load8_u: case W.i32_store8: case W.i64_store8:
      size = 1;
      break;
    case W.i32_load16_s: case W.i32_load16_u: case W.i64_load16_s: case W.i64_load16_u: case W.i32_store16: case W.i64_store16:
      size = 2;
      break;
    case W.i64_load: case W.f64_load: case W.i64_store: case W.f64_store:
      size = 8;
      break;
    default:
      size = 4;
  }
  const ea = effective(inst, mi, a, offLo, offHi, size);
  const dv = new DataView(inst.mems[mi]!.buffer);
  switch (wop) {
    case W.i32_load: case W.f32_load: S32[d] = dv.getInt32(ea, true); return;
    case W.i64_load: case W.f64_load: S32[d] = dv.getInt32(ea, true); S32[d + 1] = dv.getInt32(ea + 4, true); return;
    case W.i32_load8_s: S32[d] = dv.getInt8(ea); return;
    case W.i32_load8_u: S32[d] = dv.getUint8(ea); return;
    case W.i32_load16_s: S32[d] = dv.getInt16(ea, true); return;
    case W.i32_load16_u: S32[d] = dv.getUint16(ea, true); return;
    case W.i64_load8_s: S32[d] = dv.getInt8(ea); S32[d + 1] = S32[d]! >> 31; return;
    case W.i64_load8_u: S32[d] = dv.getUint8(ea); S32[d + 1] = 0; return;
    case W.i64_load16_s: S32[d] = dv.getInt16(ea, true); S32[d + 1] = S32[d]! >> 31; return;
    case W.i64_load16_u: S32[d] = dv.getUint16(ea, true); S32[d + 1] = 0; return;
    case W.i64_load32_s: S32[d] = dv.getInt32(ea, true); S32[d + 1] = S32[d]! >> 31; return;
    case W.i64_load32_u: S32[d] = dv.getInt32(ea, true); S32[d + 1] = 0; return;
    case W.i32_store: case W.f32_store: case W.i64_store32: dv.setInt32(ea, S32[b]!, true); return;
    case W.i64_store: case W.f64_store: dv.setInt32(ea, S32[b]!, true); dv.setInt32(ea + 4, S32[b + 1]!, true); return;
    case W.i32_store8: case W.i64_store8: dv.setInt8(ea, S32[b]!); return;
    case W.i32_store16: case W.i64_store16: dv.setInt16(ea, S32[b]!, true); return;
  }
}
