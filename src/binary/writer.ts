// A growable byte buffer with the binary format's primitive encodings (spec §5.2): LEB128 integers,
// little-endian floats (as bit patterns), names and vectors. The encoder (`encode.ts`) builds on it.
//
// Integers are always written in their shortest LEB128 form. The spec allows longer ("padded")
// encodings up to ceil(N/7) bytes, and some producers use them to patch sizes in place; we never do,
// so that the same module always encodes to the same bytes (see RATIONALE.md).

const utf8 = new TextEncoder();

export class Writer {
  private buf: Uint8Array;
  /** Number of bytes written so far. */
  len = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Makes room for `n` more bytes, doubling the buffer as often as needed. */
  private ensure(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** The bytes written so far, as a fresh copy that later writes cannot disturb. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /** The bytes written so far, as a view (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  u8(b: number): this {
    this.ensure(1);
    this.buf[this.len++] = b;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** Fixed-width little-endian uint32 (the header's version field; f32 bit patterns). */
  fixedU32(v: number): this {
    this.ensure(4);
    const b = this.buf;
    let p = this.len;
    b[p++] = v & 0xff;
    b[p++] = (v >>> 8) & 0xff;
    b[p++] = (v >>> 16) & 0xff;
    b[p++] = (v >>> 24) & 0xff;
    this.len = p;
    return this;
  }

  /** u32 (§5.2.2): unsigned LEB128. Accepts 0 ≤ v < 2^32. */
  u32(v: number): this {
    if (!(v >= 0 && v <= 0xffffffff && Number.isInteger(v))) throw new RangeError(`u32 out of range: ${v}`);
    this.ensure(5);
    const b = this.buf;
    let p = this.len;
    v = v >>> 0;
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.len = p;
    return this;
  }

  /**
   * s32: signed LEB128 of an int32. Values in [2^31, 2^32) are taken as their two's-complement int32
   * (so `0xffffffff` writes -1), because i32 constants are bit patterns whose sign is only a reading.
   */
  s32(v: number): this {
    if (!(v >= -0x80000000 && v <= 0xffffffff && Number.isInteger(v))) {
      throw new RangeError(`s32 out of range: ${v}`);
    }
    v |= 0;
    this.ensure(5);
    const b = this.buf;
    let p = this.len;
    for (;;) {
      const byte = v & 0x7f;
      v >>= 7; // arithmetic shift keeps the sign
      // Done when the rest is all copies of the sign bit and this byte's bit 6 agrees with it.
      if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
        b[p++] = byte;
        break;
      }
      b[p++] = byte | 0x80;
    }
    this.len = p;
    return this;
  }

  /**
   * s33 (block types, §5.4.1): -64 (0x40) for the empty type, a value type's negative single-byte
   * value (e.g. -1 for i32), or a type index 0 ≤ v < 2^32.
   */
  s33(v: number): this {
    if (!(v >= -(2 ** 32) && v < 2 ** 32 && Number.isInteger(v))) throw new RangeError(`s33 out of range: ${v}`);
    if (v >= -0x80000000 && v <= 0x7fffffff) return this.s32(v);
    return this.sleb(BigInt(v), 5);
  }

  /** s64: signed LEB128. A bigint is taken modulo 2^64 as a two's-complement int64. */
  s64(v: bigint | number): this {
    if (typeof v === 'number') {
      if (v >= -0x80000000 && v <= 0x7fffffff && Number.isInteger(v)) return this.s32(v);
      if (!Number.isSafeInteger(v)) throw new RangeError(`s64 from an unsafe number: ${v}`);
      v = BigInt(v);
    }
    return this.sleb(BigInt.asIntN(64, v), 10);
  }

  /** u64: unsigned LEB128 (memory64 limits and offsets). A bigint is taken modulo 2^64. */
  u64(v: bigint | number): this {
    if (typeof v === 'number') {
      if (v >= 0 && v <= 0xffffffff && Number.isInteger(v)) return this.u32(v);
      if (!(v >= 0 && Number.isSafeInteger(v))) throw new RangeError(`u64 from a bad number: ${v}`);
      // Exact integer arithmetic on doubles below 2^53.
      this.ensure(10);
      while (v >= 0x80) {
        this.buf[this.len++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
      this.buf[this.len++] = v;
      return this;
    }
    v = BigInt.asUintN(64, v);
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
    return this;
  }

  /** Signed LEB128 of a bigint already in range (at most `maxBytes` bytes come out). */
  private sleb(v: bigint, maxBytes: number): this {
    this.ensure(maxBytes);
    for (;;) {
      const byte = Number(v & 0x7fn);
      v >>= 7n; // bigint shift is arithmetic
      if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) {
        this.buf[this.len++] = byte;
        return this;
      }
      this.buf[this.len++] = byte | 0x80;
    }
  }

  /** f32 by bit pattern (so NaN payloads survive): 4 bytes little-endian. */
  f32Bits(bits: number): this {
    return this.fixedU32(bits >>> 0);
  }

  /** f64 by bit pattern (a uint64 bigint): 8 bytes little-endian. */
  f64Bits(bits: bigint): this {
    const v = BigInt.asUintN(64, bits);
    this.fixedU32(Number(v & 0xffffffffn));
    return this.fixedU32(Number(v >> 32n));
  }

  /** A name (§5.2.4): its UTF-8 byte length, then the bytes. */
  name(s: string): this {
    const b = utf8.encode(s);
    return this.u32(b.length).bytes(b);
  }

  /** A byte vector: its length, then the bytes. */
  byteVec(b: Uint8Array): this {
    return this.u32(b.length).bytes(b);
  }

  /** vec(x) (§5.1.3): the count, then each item written by `item`. */
  vec<T>(items: readonly T[], item: (w: this, x: T, i: number) => void): this {
    this.u32(items.length);
    for (let i = 0; i < items.length; i++) item(this, items[i]!, i);
    return this;
  }

  /**
   * Starts a size-prefixed region (a section, a function body, a name subsection). Write its contents,
   * then call `endSized` with the returned mark: the contents are shifted right to make room for their
   * u32 size, written in its shortest form.
   */
  beginSized(): number {
    return this.len;
  }

  endSized(mark: number): this {
    const size = this.len - mark;
    const n = lebSizeU32(size);
    this.ensure(n);
    this.buf.copyWithin(mark + n, mark, this.len);
    const end = this.len + n;
    this.len = mark;
    this.u32(size);
    this.len = end;
    return this;
  }
}

/** The number of bytes of the shortest unsigned LEB128 encoding of a u32. */
export function lebSizeU32(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}
