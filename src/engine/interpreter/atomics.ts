// The threads proposal's atomic memory instructions (0xFE prefix, dense ids 0x400..) on the
// interpreter. They travel as `Op.simd` instructions (same layout: wasmOp d a b c offLo lane mem offHi,
// see simd.ts) because they are as rare and as generic; simdOp hands them here.
//
// Every access goes through JS `Atomics` on a view of the memory's buffer, so it is atomic and
// sequentially consistent also against other threads sharing a SharedArrayBuffer-backed memory
// (threads proposal §"Memory model": atomic accesses are SC). Atomics work on non-shared memories too;
// only `wait` needs a shared one. Order of checks per access: bounds (out of bounds memory access),
// then alignment to the access size (unaligned atomic), as the proposal's execution rules give them.
// `atomic.fence` does nothing: every access here is already sequentially consistent, and plain
// accesses of one agent happen in program order.

import { Trap, TrapCode } from '../../api/errors.js';
import type { InterpInstance } from './instance.js';
import { effective } from './address.js';
import { S32 } from './stack.js';

// Views of the last buffer used, rebuilt when the buffer or its length changes (a grown memory gets
// a new ArrayBuffer, or a longer one), so an atomic access allocates nothing in the common case.
let viewBuf: ArrayBufferLike | null = null;
let viewLen = -1;
let u8: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
let u16: Uint16Array<ArrayBufferLike> = new Uint16Array(0);
let u32: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
let i32: Int32Array<ArrayBufferLike> = new Int32Array(0);
let u64: BigUint64Array<ArrayBufferLike> = new BigUint64Array(0);
let i64: BigInt64Array<ArrayBufferLike> = new BigInt64Array(0);

function views(buf: ArrayBufferLike): void {
  if (buf === viewBuf && buf.byteLength === viewLen) return;
  viewBuf = buf;
  viewLen = buf.byteLength;
  const n = viewLen;
  u8 = new Uint8Array(buf, 0, n);
  u16 = new Uint16Array(buf, 0, n >> 1);
  u32 = new Uint32Array(buf, 0, n >> 2);
  i32 = new Int32Array(buf, 0, n >> 2);
  u64 = new BigUint64Array(buf, 0, n >> 3);
  i64 = new BigInt64Array(buf, 0, n >> 3);
}

// Per atomic instruction (by id - 0x400): log2 of its access size, and whether its value operands and
// result are i64 — read off the opcode table (binary/opcodes.ts), built once.
const SIZE_LOG = new Uint8Array(0x4f);
const WIDE = new Uint8Array(0x4f);
for (const [sub, log, isWide] of [
  [0x00, 2, 0], [0x01, 2, 0], [0x02, 3, 1], // notify, wait32, wait64
  [0x10, 2, 0], [0x11, 3, 1], [0x12, 0, 0], [0x13, 1, 0], [0x14, 0, 1], [0x15, 1, 1], [0x16, 2, 1], // loads
  [0x17, 2, 0], [0x18, 3, 1], [0x19, 0, 0], [0x1a, 1, 0], [0x1b, 0, 1], [0x1c, 1, 1], [0x1d, 2, 1], // stores
] as const) {
  SIZE_LOG[sub] = log;
  WIDE[sub] = isWide;
}
// read-modify-write and cmpxchg: groups of 7 from 0x1e: i32, i64, i32 8, i32 16, i64 8, i64 16, i64 32
for (let sub = 0x1e; sub < 0x4f; sub++) {
  const k = (sub - 0x1e) % 7;
  SIZE_LOG[sub] = [2, 3, 0, 1, 0, 1, 2][k]!;
  WIDE[sub] = k === 1 || k >= 4 ? 1 : 0;
}

const i64Of = (w: number): bigint => (BigInt(S32[w + 1]! >>> 0) << 32n) | BigInt(S32[w]! >>> 0);

function putResult(d: number, isWide: boolean, v: number | bigint): void {
  if (typeof v === 'bigint') {
    S32[d] = Number(v & 0xffffffffn) | 0;
    S32[d + 1] = Number((v >> 32n) & 0xffffffffn) | 0;
    return;
  }
  S32[d] = v | 0;
  if (isWide) S32[d + 1] = 0; // a narrow access zero-extends into i64
}

/**
 * The value operand at word w for an access of 1 << log bytes: narrower accesses read the low word
 * of an i64 operand (the wrap to the access width keeps only its low bits; Atomics does the wrap).
 */
function operand(w: number, log: number): number | bigint {
  return log === 3 ? i64Of(w) : S32[w]! >>> 0;
}

export function atomicOp(inst: InterpInstance, code: Int32Array, pc: number, fp: number): void {
  const sub = code[pc + 1]! - 0x400;
  if (sub === 0x03) return; // atomic.fence
  const d = fp + code[pc + 2]!;
  const a = fp + code[pc + 3]!;
  const b = fp + code[pc + 4]!;
  const c = fp + code[pc + 5]!;
  const mi = code[pc + 8]!;
  const log = SIZE_LOG[sub]!;
  const ea = effective(inst, mi, a, code[pc + 6]!, code[pc + 9]!, 1 << log);
  if (ea & ((1 << log) - 1)) throw new Trap(TrapCode.unalignedAtomic);
  const mem = inst.mems[mi]!;
  const buf = mem.buffer;
  const isWide = WIDE[sub] === 1;
  views(buf);
  const idx = ea >> log;
  const shared = typeof SharedArrayBuffer !== 'undefined' && buf instanceof SharedArrayBuffer;
  switch (sub) {
    case 0x00: // memory.atomic.notify: no waiter can be on an unshared memory
      S32[d] = shared ? Atomics.notify(i32, idx, S32[b]! >>> 0) : 0;
      return;
    case 0x01: case 0x02: { // memory.atomic.wait32 / wait64: 0 ok, 1 not-equal, 2 timed-out
      if (!shared) throw new Trap(TrapCode.expectedSharedMemory);
      const ns = i64Of(c);
      const ms = ns < 0n ? Infinity : Number(ns) / 1e6;
      const r = sub === 0x01 ? Atomics.wait(i32, idx, S32[b]!, ms) : Atomics.wait(i64, idx, BigInt.asIntN(64, i64Of(b)), ms);
      S32[d] = r === 'ok' ? 0 : r === 'not-equal' ? 1 : 2;
      return;
    }
  }
  const view = viewFor(log);
  if (sub >= 0x10 && sub <= 0x16) {
    putResult(d, isWide, Atomics.load(view as Uint32Array, idx));
    return;
  }
  if (sub >= 0x17 && sub <= 0x1d) {
    Atomics.store(view as Uint32Array, idx, operand(b, log) as number);
    return;
  }
  const v = operand(b, log) as number;
  let old: number | bigint;
  if (sub >= 0x48) {
    // cmpxchg: the expected value is wrapped to the access width too (Atomics does it)
    old = Atomics.compareExchange(view as Uint32Array, idx, v, operand(c, log) as number);
  } else {
    switch (Math.floor((sub - 0x1e) / 7)) {
      case 0: old = Atomics.add(view as Uint32Array, idx, v); break;
      case 1: old = Atomics.sub(view as Uint32Array, idx, v); break;
      case 2: old = Atomics.and(view as Uint32Array, idx, v); break;
      case 3: old = Atomics.or(view as Uint32Array, idx, v); break;
      case 4: old = Atomics.xor(view as Uint32Array, idx, v); break;
      default: old = Atomics.exchange(view as Uint32Array, idx, v); break;
    }
  }
  putResult(d, isWide, old);
}

/** The unsigned view for an access of 1 << log bytes (results are zero-extended). */
function viewFor(log: number): Uint8Array<ArrayBufferLike> | Uint16Array<ArrayBufferLike> | Uint32Array<ArrayBufferLike> | BigUint64Array<ArrayBufferLike> {
  return log === 0 ? u8 : log === 1 ? u16 : log === 2 ? u32 : u64;
}
