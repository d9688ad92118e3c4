// The interpreter's value stack and call-frame stack, shared by every interpreter instance in the
// process (a call from one instance into another, or a host function re-entering wasm, simply continues
// on the same stacks, so the call-depth limit and stack traces see one chain of frames).
//
// Value stack: one ArrayBuffer seen as Int32Array (`S32`), Float32Array (`SF32`), Float64Array
// (`SF64`), plus a parallel JS array `REFS` for references (indexed by the same word index). A frame
// is a window [fp, fp + frameWords): parameters first, then declared locals, then the function's
// operand-stack slots. Slots are 64-bit aligned (fp and every slot offset are even), so an f64 at word
// w is SF64[w >> 1]; i64 is two words (low first); v128 is four words (lane bytes in little-endian
// order, i.e. exactly the v128's memory layout); f32 is one word holding its *bits* (moves never go
// through a Float32Array read, which would quieten a signalling NaN).
//
// The size is fixed: the buffer is allocated once and never replaced, so hot code can keep the views
// in module constants. Untouched pages cost no physical memory. Running out of it traps with
// "call stack exhausted", like the depth limit.

import type { FuncInst } from '../../runtime/store.js';

/** Words in the value stack (32 MiB). */
export const STACK_WORDS = 8 * 1024 * 1024;

const buf = new ArrayBuffer(STACK_WORDS * 4);
export const S32 = new Int32Array(buf);
export const SF32 = new Float32Array(buf);
export const SF64 = new Float64Array(buf);
export const SU8 = new Uint8Array(buf);
export const S16 = new Int16Array(buf);
export const SU16 = new Uint16Array(buf);
export const S8 = new Int8Array(buf);
export const SU32 = new Uint32Array(buf);
export const REFS: unknown[] = [];

/**
 * The frame stack. Frames are numbered 0..depth-1 (innermost last). `frameFn[k]` is frame k's
 * function (an interpreter function, or a host function while it runs); `framePc[k]`/`frameFp[k]`
 * hold frame k's saved pc and fp while it waits for a callee. Sized for the largest call-depth limit
 * seen so far (see `ensureFrames`).
 */
export const frames = {
  depth: 0,
  /** Words of the value stack in use below which a re-entering call may not write. */
  top: 0,
  fn: [] as FuncInst[],
  pc: new Int32Array(0),
  fp: new Int32Array(0),
};

/** Makes room for `limit` frames (only grows; called before entering the interpreter). */
export function ensureFrames(limit: number): void {
  const want = limit + 8;
  if (frames.pc.length >= want) return;
  const pc = new Int32Array(want);
  const fp = new Int32Array(want);
  pc.set(frames.pc);
  fp.set(frames.fp);
  frames.pc = pc;
  frames.fp = fp;
}

/**
 * f64 constants of all lowered code (`constf64` reads them by index), deduplicated by bit pattern.
 * Only grows; the executor re-reads `fpool.k` after anything that can run host code (which is the
 * only way new code gets lowered while a call is running).
 */
export const fpool = { k: new Float64Array(64), n: 0, index: new Map<string, number>() };

const poolScratch = new Int32Array(2);
const poolScratchF = new Float64Array(poolScratch.buffer);

/** The pool index of the f64 with bits hi:lo. */
export function f64Const(lo: number, hi: number): number {
  const key = `${lo},${hi}`;
  let i = fpool.index.get(key);
  if (i !== undefined) return i;
  if (fpool.n === fpool.k.length) {
    const bigger = new Float64Array(fpool.k.length * 2);
    bigger.set(fpool.k);
    fpool.k = bigger;
  }
  i = fpool.n++;
  poolScratch[0] = lo;
  poolScratch[1] = hi;
  fpool.k[i] = poolScratchF[0]!;
  fpool.index.set(key, i);
  return i;
}
