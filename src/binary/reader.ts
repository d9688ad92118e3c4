// A cursor over module bytes with the spec's LEB128 rules (§5.2.2): an encoding may not be longer than
// ceil(N/7) bytes ("integer representation too long") and the unused bits of its last byte must be zero
// for unsigned values, or copies of the sign bit for signed ones ("integer too large").
//
// The reader is the decoder's hot path: plain integer arithmetic, no allocation except where a value
// is an object by nature (names, byte vectors, bigint for i64 when asked for one).

import { CompileError } from '../api/errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class Reader {
  readonly bytes: Uint8Array;
  pos: number;
  /** Reads may not go past here (the end of the current section or function body). */
  end: number;
  /** Where we are, for error messages (e.g. `code section, function 3`). */
  where = '';
  /** When >= 0, errors are `${where}, function ${whereIndex}` (set per body by the decoder). */
  whereIndex = -1;
  /** Scratch results of `s64Parts`: low and high 32 bits (each as a signed int32). */
  lo = 0;
  hi = 0;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  /** A malformed-module error at `offset` (default: the current position). */
  error(reason: string, offset = this.pos): CompileError {
    const where = this.whereIndex >= 0 ? `${this.where}, function ${this.whereIndex}` : this.where;
    return new CompileError('malformed', reason, where, offset);
  }

  /**
   * The error for running out of bytes. The spec's reference decoder says "unexpected end of section or
   * function" wherever the bytes run out (its tests match "unexpected end" as a prefix of it).
   */
  eofError(): CompileError {
    return this.error('unexpected end of section or function');
  }

  /** A length or count (§5.1.3 vec, names, byte strings) larger than the bytes left cannot be right. */
  lengthError(at: number): CompileError {
    return this.error('length out of bounds', at);
  }

  get eof(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) throw this.eofError();
    return this.bytes[this.pos++]!;
  }

  peekU8(): number {
    if (this.pos >= this.end) throw this.eofError();
    return this.bytes[this.pos]!;
  }

  /** Fixed-width little-endian uint32 (used for the version field). */
  fixedU32(): number {
    if (this.pos + 4 > this.end) {
      this.pos = this.end;
      throw this.eofError();
    }
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  u32(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    if (pos < this.end) {
      const b = bytes[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    let result = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.eofError();
      }
      const b = bytes[pos++]!;
      if (i === 4) {
        if (b & 0x80) throw this.error('integer representation too long', pos - 1);
        if (b & 0x70) throw this.error('integer too large', pos - 1);
        this.pos = pos;
        return (result | (b << 28)) >>> 0;
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        this.pos = pos;
        return result >>> 0;
      }
    }
  }

  s32(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    let result = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.eofError();
      }
      const b = bytes[pos++]!;
      if (i === 4) {
        if (b & 0x80) throw this.error('integer representation too long', pos - 1);
        // Bits 4–6 of the last byte must all equal bit 3 (the sign bit of the 32-bit value).
        const rest = b & 0x78;
        if (rest !== 0 && rest !== 0x78) throw this.error('integer too large', pos - 1);
        this.pos = pos;
        return result | (b << 28);
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        this.pos = pos;
        // Sign-extend from the last byte's bit 6.
        return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
      }
    }
  }

  /**
   * s33 (block types, §5.4.1): returns the value as a JS number. Negative single-byte values are value
   * types or 0x40 (empty); non-negative values are type indices.
   */
  s33(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.eofError();
      }
      const b = bytes[pos++]!;
      if (i === 4) {
        if (b & 0x80) throw this.error('integer representation too long', pos - 1);
        // Bits 5–6 must equal bit 4 (the sign bit of the 33-bit value).
        const rest = b & 0x70;
        if (rest !== 0 && rest !== 0x70) throw this.error('integer too large', pos - 1);
        this.pos = pos;
        result += (b & 0x1f) * mul;
        return b & 0x10 ? result - 2 ** 33 : result;
      }
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) {
        this.pos = pos;
        return b & 0x40 ? result - mul : result;
      }
    }
  }

  /**
   * s64 into `this.lo`/`this.hi` (two int32 halves), without allocating a bigint. Used by validation
   * and lowering, which only need the bits.
   */
  s64Parts(): void {
    const bytes = this.bytes;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.eofError();
      }
      const b = bytes[pos++]!;
      if (i === 9) {
        if (b & 0x80) throw this.error('integer representation too long', pos - 1);
        // Only bit 0 is meaningful (bit 63); the rest must copy it.
        if (b !== 0 && b !== 0x7f) throw this.error('integer too large', pos - 1);
        hi |= b << 31;
        this.pos = pos;
        this.lo = lo;
        this.hi = hi;
        return;
      }
      const v = b & 0x7f;
      if (shift < 28) lo |= v << shift;
      else if (shift === 28) {
        lo |= v << 28;
        hi |= v >>> 4;
      } else hi |= v << (shift - 32);
      shift += 7;
      if (!(b & 0x80)) {
        if (b & 0x40) {
          // Sign-extend from bit `shift`.
          if (shift < 32) {
            lo |= -1 << shift;
            hi = -1;
          } else if (shift < 64) hi |= -1 << (shift - 32);
        }
        this.pos = pos;
        this.lo = lo;
        this.hi = hi;
        return;
      }
    }
  }

  /** s64 as a bigint. */
  s64(): bigint {
    this.s64Parts();
    return (BigInt(this.hi) << 32n) | BigInt(this.lo >>> 0);
  }

  /**
   * u64 as a JS number (exact up to 2^53; larger values are returned rounded, which is enough for
   * limits and memory64 offsets, whose valid ranges are far smaller).
   */
  u64(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    let result = 0;
    let mul = 1;
    for (let i = 0; ; i++) {
      if (pos >= this.end) {
        this.pos = pos;
        throw this.eofError();
      }
      const b = bytes[pos++]!;
      if (i === 9) {
        if (b & 0x80) throw this.error('integer representation too long', pos - 1);
        if (b & 0x7e) throw this.error('integer too large', pos - 1);
      }
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (!(b & 0x80)) {
        this.pos = pos;
        return result;
      }
    }
  }

  /** Four bytes, little-endian, as a uint32 (f32 bit pattern). */
  f32Bits(): number {
    return this.fixedU32();
  }

  /** Eight bytes as a uint64 bigint (f64 bit pattern). */
  f64Bits(): bigint {
    const lo = this.fixedU32();
    const hi = this.fixedU32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** Skips n bytes, checking they exist. */
  skip(n: number): void {
    if (n > this.end - this.pos) {
      this.pos = this.end;
      throw this.eofError();
    }
    this.pos += n;
  }

  /** A view (not a copy) of the next n bytes. */
  bytesView(n: number): Uint8Array {
    if (n > this.end - this.pos) throw this.lengthError(this.pos);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A name (§5.2.4): a length-prefixed, well-formed UTF-8 string. */
  name(): string {
    const lenAt = this.pos;
    const len = this.u32();
    const start = this.pos;
    if (len > this.end - start) throw this.lengthError(lenAt);
    this.pos = start + len;
    const bytes = this.bytes;
    // Fast path: plain ASCII, which nearly every name is.
    let ascii = true;
    for (let i = start; i < start + len; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      let s = '';
      for (let i = start; i < start + len; i++) s += String.fromCharCode(bytes[i]!);
      return s;
    }
    try {
      return utf8.decode(bytes.subarray(start, start + len));
    } catch {
      throw this.error('malformed UTF-8 encoding', start);
    }
  }
}
