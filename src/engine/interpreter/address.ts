// Effective addresses of memory accesses outside the hot loop (rare.ts, simd.ts): i32 or, for a
// 64-bit memory (memory64), i64 address operands, checked against the memory's current size.

import { Trap, TrapCode } from '../../api/errors.js';
import type { MemoryInst } from '../../runtime/store.js';
import type { InterpInstance } from './instance.js';
import { S32 } from './stack.js';

const TWO32 = 4294967296;

/** An address operand: i32 (unsigned) or, for a 64-bit memory, i64 (as a double; huge values stay huge). */
export function addr(m: MemoryInst, w: number): number {
  if (m.type.index64) return (S32[w + 1]! >>> 0) * TWO32 + (S32[w]! >>> 0);
  return S32[w]! >>> 0;
}

export function writeAddr(m: MemoryInst, d: number, v: number): void {
  if (m.type.index64) {
    S32[d] = v | 0;
    S32[d + 1] = v < 0 ? -1 : Math.floor(v / TWO32) | 0;
  } else S32[d] = v | 0;
}

/**
 * The effective address of an access of `size` bytes to memory `mi` (address operand at word w, static
 * offset offLo/offHi), trapping when it is out of bounds (§4.4.7).
 */
export function effective(inst: InterpInstance, mi: number, w: number, offLo: number, offHi: number, size: number): number {
  const m = inst.mems[mi]!;
  const ea = addr(m, w) + offHi * TWO32 + (offLo >>> 0);
  if (ea + size > m.byteLength) throw new Trap(TrapCode.outOfBoundsMemoryAccess);
  return ea;
}

/** Memory bytes of memory mi (memory 0 through the instance's synced view). */
export function memBytes(inst: InterpInstance, mi: number): Uint8Array {
  if (mi === 0) {
    inst.syncMem();
    return inst.u8;
  }
  return new Uint8Array(inst.mems[mi]!.buffer);
}
