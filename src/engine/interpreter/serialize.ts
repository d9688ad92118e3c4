// The interpreter's compilation-cache payload (Engine.serialize / deserialize): every defined
// function's lowered form (func.ts `Lowered`), so a cached compile skips lowering.
//
// Layout, little-endian int32 words:
//   MAGIC, FORMAT, stamp length in bytes, function count,
//   stamp (UTF-8, padded to a word),
//   per function: paramWords, resultWords, frameWords, refParams (0/1), code length, handlers length,
//                 code words, handler words.
// The compilation cache already checks the entry's integrity (a sha256 of its contents) and that it
// was made for the same module bytes, features and instrumentation; this layer checks that the
// payload is whole and was made by this very interpreter build (build-stamp.ts), and throws
// otherwise, which makes the runtime lower afresh and replace the entry.

import type { Lowered } from './func.js';

const MAGIC = 0x4c584257; // "WBXL"
const FORMAT = 1;
const HEAD = 4;
const PER_FUNC = 6;

export function serializeLowered(lowered: readonly Lowered[], stamp: string): Uint8Array {
  const st = new TextEncoder().encode(stamp);
  const stWords = (st.length + 3) >> 2;
  let words = HEAD + stWords;
  for (const l of lowered) words += PER_FUNC + l.code.length + l.handlers.length;
  const out = new Int32Array(words);
  out[0] = MAGIC;
  out[1] = FORMAT;
  out[2] = st.length;
  out[3] = lowered.length;
  new Uint8Array(out.buffer, HEAD * 4, st.length).set(st);
  let p = HEAD + stWords;
  for (const l of lowered) {
    out[p++] = l.paramWords;
    out[p++] = l.resultWords;
    out[p++] = l.frameWords;
    out[p++] = l.refParams ? 1 : 0;
    out[p++] = l.code.length;
    out[p++] = l.handlers.length;
    out.set(l.code, p);
    p += l.code.length;
    out.set(l.handlers, p);
    p += l.handlers.length;
  }
  return littleEndianBytes(out);
}

/** The lowered functions of `payload`; throws unless it is whole, for `count` functions, from build `stamp`. */
export function deserializeLowered(payload: Uint8Array, count: number, stamp: string): Lowered[] {
  if (payload.length % 4 !== 0 || payload.length < HEAD * 4) throw new Error('interpreter payload: truncated');
  const w = wordsOf(payload);
  if (w[0] !== MAGIC || w[1] !== FORMAT) throw new Error('interpreter payload: unknown format');
  const stLen = w[2]!;
  const stWords = (stLen + 3) >> 2;
  if (stLen < 0 || HEAD + stWords > w.length) throw new Error('interpreter payload: truncated');
  const st = new TextDecoder().decode(new Uint8Array(w.buffer, w.byteOffset + HEAD * 4, stLen));
  if (stamp === '' || st !== stamp) throw new Error('interpreter payload: made by another interpreter build');
  if (w[3] !== count) throw new Error('interpreter payload: function count differs from the module');
  const out: Lowered[] = [];
  let p = HEAD + stWords;
  for (let i = 0; i < count; i++) {
    if (p + PER_FUNC > w.length) throw new Error('interpreter payload: truncated');
    const paramWords = w[p]!;
    const resultWords = w[p + 1]!;
    const frameWords = w[p + 2]!;
    const refParams = w[p + 3]! !== 0;
    const codeLen = w[p + 4]!;
    const handlersLen = w[p + 5]!;
    p += PER_FUNC;
    if (codeLen < 0 || handlersLen < 0 || p + codeLen + handlersLen > w.length) throw new Error('interpreter payload: truncated');
    // Copies, not views: a function's code outlives the payload's buffer and must not alias it.
    const code = w.slice(p, p + codeLen);
    p += codeLen;
    const handlers = w.slice(p, p + handlersLen);
    p += handlersLen;
    out.push({ code, paramWords, resultWords, frameWords, refParams, handlers });
  }
  if (p !== w.length) throw new Error('interpreter payload: trailing bytes');
  return out;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function littleEndianBytes(words: Int32Array): Uint8Array {
  const bytes = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  if (!littleEndian) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < words.length; i++) dv.setInt32(i * 4, words[i]!, true);
  }
  return bytes;
}

function wordsOf(bytes: Uint8Array): Int32Array {
  if (littleEndian && bytes.byteOffset % 4 === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
  const out = new Int32Array(bytes.length >> 2);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = dv.getInt32(i * 4, true);
  return out;
}
