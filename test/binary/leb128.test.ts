// LEB128 (spec §5.2.2) in both directions: the Reader's decoding rules (length limit ceil(N/7) bytes,
// unused bits of the last byte zero or sign copies) and the Writer's shortest-form encodings.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompileError } from '../../src/api/errors.js';
import { Reader } from '../../src/binary/reader.js';
import { Writer } from '../../src/binary/writer.js';
import { hex } from '../support/bytes.js';

type Kind = 'u32' | 's32' | 's33' | 's64' | 'u64';

function read(kind: Kind, bytes: number[]): number | bigint {
  const r = new Reader(new Uint8Array(bytes));
  const v = r[kind]();
  assert.equal(r.pos, bytes.length, `${kind} ${hex(bytes)}: consumed ${r.pos} of ${bytes.length} bytes`);
  return v;
}

const TOO_LONG = 'integer representation too long';
const TOO_LARGE = 'integer too large';
const EOF = 'unexpected end of section or function';

// [kind, bytes, value or error reason]
const readCases: [Kind, number[], number | bigint | string][] = [
  // u32
  ['u32', [0x00], 0],
  ['u32', [0x7f], 127],
  ['u32', [0x80, 0x01], 128],
  ['u32', [0xe5, 0x8e, 0x26], 624485],
  ['u32', [0x80, 0x80, 0x80, 0x80, 0x08], 2 ** 31],
  ['u32', [0xff, 0xff, 0xff, 0xff, 0x0f], 2 ** 32 - 1],
  ['u32', [0x80, 0x00], 0], // over-long but within 5 bytes: allowed
  ['u32', [0x81, 0x80, 0x80, 0x80, 0x00], 1],
  ['u32', [0x80, 0x80, 0x80, 0x80, 0x80, 0x00], TOO_LONG],
  ['u32', [0xff, 0xff, 0xff, 0xff, 0x1f], TOO_LARGE], // 2^32 and up
  ['u32', [0x80, 0x80, 0x80, 0x80, 0x10], TOO_LARGE],
  ['u32', [0x80, 0x80, 0x80, 0x80, 0x40], TOO_LARGE],
  ['u32', [0x80], EOF],
  ['u32', [], EOF],
  // s32
  ['s32', [0x00], 0],
  ['s32', [0x3f], 63],
  ['s32', [0x40], -64], // bit 6 of the last byte is the sign
  ['s32', [0x7f], -1],
  ['s32', [0xc0, 0x00], 64],
  ['s32', [0x80, 0x7f], -128],
  ['s32', [0xc0, 0xbb, 0x78], -123456],
  ['s32', [0xff, 0xff, 0xff, 0xff, 0x07], 2 ** 31 - 1],
  ['s32', [0x80, 0x80, 0x80, 0x80, 0x78], -(2 ** 31)],
  ['s32', [0xff, 0x7f], -1], // over-long negative
  ['s32', [0xff, 0xff, 0xff, 0xff, 0x7f], -1],
  ['s32', [0x80, 0x80, 0x80, 0x80, 0x00], 0],
  ['s32', [0xff, 0xff, 0xff, 0xff, 0x0f], TOO_LARGE], // sign bit set, unused bits clear
  ['s32', [0x80, 0x80, 0x80, 0x80, 0x70], TOO_LARGE], // sign bit clear, unused bits set
  ['s32', [0x80, 0x80, 0x80, 0x80, 0x08], TOO_LARGE], // 2^31 is not an int32
  ['s32', [0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], TOO_LONG],
  ['s32', [0xff], EOF],
  // s33 (block types)
  ['s33', [0x40], -64],
  ['s33', [0x7f], -1],
  ['s33', [0x00], 0],
  ['s33', [0xff, 0xff, 0xff, 0xff, 0x0f], 2 ** 32 - 1], // bit 32 clear: a large type index
  ['s33', [0x80, 0x80, 0x80, 0x80, 0x08], 2 ** 31],
  ['s33', [0x80, 0x80, 0x80, 0x80, 0x70], -(2 ** 32)],
  ['s33', [0xff, 0xff, 0xff, 0xff, 0x7f], -1],
  ['s33', [0x80, 0x80, 0x80, 0x80, 0x10], TOO_LARGE], // bit 32 set, bits 33–34 clear
  ['s33', [0x80, 0x80, 0x80, 0x80, 0x60], TOO_LARGE],
  ['s33', [0x80, 0x80, 0x80, 0x80, 0x80, 0x00], TOO_LONG],
  // s64
  ['s64', [0x00], 0n],
  ['s64', [0x40], -64n],
  ['s64', [0x7f], -1n],
  ['s64', [0x80, 0x80, 0x80, 0x80, 0x08], 2n ** 31n], // needs no sign extension at 32 bits
  ['s64', [0xff, 0xff, 0xff, 0xff, 0x0f], 2n ** 32n - 1n],
  ['s64', [0x80, 0x80, 0x80, 0x80, 0x70], -(2n ** 32n)],
  ['s64', [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f], -(2n ** 63n)],
  ['s64', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00], 2n ** 63n - 1n],
  ['s64', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], -1n],
  ['s64', [0xc0, 0xbb, 0x78], -123456n],
  ['s64', [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40], -(2n ** 62n)],
  ['s64', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], TOO_LARGE],
  ['s64', [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7e], TOO_LARGE],
  ['s64', [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], TOO_LONG],
  // u64 (memory64 limits and offsets; a JS number, exact below 2^53)
  ['u64', [0xff, 0xff, 0xff, 0xff, 0x0f], 2 ** 32 - 1],
  ['u64', [0x80, 0x80, 0x80, 0x80, 0x10], 2 ** 32],
  ['u64', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f], 2 ** 53 - 1],
  ['u64', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 2 ** 64],
  ['u64', [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], TOO_LARGE],
  ['u64', [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], TOO_LONG],
];

test('Reader: LEB128 decodings, limits and errors', () => {
  for (const [kind, bytes, want] of readCases) {
    const label = `${kind} ${hex(bytes)}`;
    if (typeof want === 'string') {
      assert.throws(
        () => read(kind, bytes),
        (e: unknown) => e instanceof CompileError && e.kind === 'malformed' && e.reason === want,
        `${label} should fail with "${want}"`,
      );
    } else assert.equal(read(kind, bytes), want, label);
  }
});

test('Reader: errors point at the offending byte', () => {
  const r = new Reader(new Uint8Array([0x01, 0xff, 0xff, 0xff, 0xff, 0x1f]));
  r.u8();
  assert.throws(() => r.u32(), (e: unknown) => e instanceof CompileError && e.offset === 5);
  const r2 = new Reader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]));
  assert.throws(() => r2.u32(), (e: unknown) => e instanceof CompileError && e.offset === 4);
});

test('Reader: s64Parts gives the two 32-bit halves without a bigint', () => {
  const r = new Reader(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]));
  r.s64Parts();
  assert.equal(r.lo, 0);
  assert.equal(r.hi, -0x80000000);
  const r2 = new Reader(new Uint8Array([0x7f]));
  r2.s64Parts();
  assert.deepEqual([r2.lo, r2.hi], [-1, -1]);
});

function written(f: (w: Writer) => void): number[] {
  const w = new Writer(1);
  f(w);
  return Array.from(w.finish());
}

// [description, writer call, bytes]
const writeCases: [string, (w: Writer) => void, number[]][] = [
  ['u32 0', (w) => w.u32(0), [0x00]],
  ['u32 127', (w) => w.u32(127), [0x7f]],
  ['u32 128', (w) => w.u32(128), [0x80, 0x01]],
  ['u32 624485', (w) => w.u32(624485), [0xe5, 0x8e, 0x26]],
  ['u32 2^31', (w) => w.u32(2 ** 31), [0x80, 0x80, 0x80, 0x80, 0x08]],
  ['u32 2^32-1', (w) => w.u32(2 ** 32 - 1), [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ['s32 0', (w) => w.s32(0), [0x00]],
  ['s32 63', (w) => w.s32(63), [0x3f]],
  ['s32 64', (w) => w.s32(64), [0xc0, 0x00]],
  ['s32 -64', (w) => w.s32(-64), [0x40]],
  ['s32 -65', (w) => w.s32(-65), [0xbf, 0x7f]],
  ['s32 -1', (w) => w.s32(-1), [0x7f]],
  ['s32 -123456', (w) => w.s32(-123456), [0xc0, 0xbb, 0x78]],
  ['s32 2^31-1', (w) => w.s32(2 ** 31 - 1), [0xff, 0xff, 0xff, 0xff, 0x07]],
  ['s32 -2^31', (w) => w.s32(-(2 ** 31)), [0x80, 0x80, 0x80, 0x80, 0x78]],
  ['s32 0xffffffff (as int32 -1)', (w) => w.s32(0xffffffff), [0x7f]],
  ['s32 2^31 (as int32 -2^31)', (w) => w.s32(2 ** 31), [0x80, 0x80, 0x80, 0x80, 0x78]],
  ['s33 -64 (empty block type)', (w) => w.s33(-64), [0x40]],
  ['s33 -1 (i32)', (w) => w.s33(-1), [0x7f]],
  ['s33 2^31', (w) => w.s33(2 ** 31), [0x80, 0x80, 0x80, 0x80, 0x08]],
  ['s33 2^32-1', (w) => w.s33(2 ** 32 - 1), [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ['s33 -2^32', (w) => w.s33(-(2 ** 32)), [0x80, 0x80, 0x80, 0x80, 0x70]],
  ['s64 -1n', (w) => w.s64(-1n), [0x7f]],
  ['s64 -2^63', (w) => w.s64(-(2n ** 63n)), [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]],
  ['s64 2^63-1', (w) => w.s64(2n ** 63n - 1n), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]],
  ['s64 2^63 (wraps to -2^63)', (w) => w.s64(2n ** 63n), [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]],
  ['s64 2^32 as a number', (w) => w.s64(2 ** 32), [0x80, 0x80, 0x80, 0x80, 0x10]],
  ['s64 2^31 as a number', (w) => w.s64(2 ** 31), [0x80, 0x80, 0x80, 0x80, 0x08]],
  ['u64 2^32', (w) => w.u64(2 ** 32), [0x80, 0x80, 0x80, 0x80, 0x10]],
  ['u64 2^53-1', (w) => w.u64(2 ** 53 - 1), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ['u64 2^64-1n', (w) => w.u64(2n ** 64n - 1n), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
  ['f32 bits 1.0', (w) => w.f32Bits(0x3f800000), [0x00, 0x00, 0x80, 0x3f]],
  ['f64 bits NaN payload', (w) => w.f64Bits(0x7ff0000000000001n), [0x01, 0, 0, 0, 0, 0, 0xf0, 0x7f]],
  ['name', (w) => w.name('é'), [0x02, 0xc3, 0xa9]],
];

test('Writer: shortest LEB128 forms and fixed-width fields', () => {
  for (const [desc, f, bytes] of writeCases) assert.deepEqual(written(f), bytes, desc);
});

test('Writer: out-of-range values are refused', () => {
  for (const f of [
    (w: Writer) => w.u32(-1),
    (w: Writer) => w.u32(2 ** 32),
    (w: Writer) => w.u32(1.5),
    (w: Writer) => w.s32(2 ** 32),
    (w: Writer) => w.s32(-(2 ** 31) - 1),
    (w: Writer) => w.s33(2 ** 32),
    (w: Writer) => w.u64(-1),
    (w: Writer) => w.s64(2 ** 60),
  ]) {
    assert.throws(() => f(new Writer()), RangeError);
  }
});

test('Writer: sized regions get a shortest-form size even when it takes several bytes', () => {
  const w = new Writer(4);
  w.u8(0xaa);
  const mark = w.beginSized();
  for (let i = 0; i < 300; i++) w.u8(i & 0xff);
  w.endSized(mark);
  w.u8(0xbb);
  const out = w.finish();
  assert.deepEqual(Array.from(out.subarray(0, 3)), [0xaa, 0xac, 0x02]); // 300 = 0xac 0x02
  assert.equal(out[3], 0);
  assert.equal(out[302], 299 & 0xff);
  assert.equal(out[303], 0xbb);
  assert.equal(out.length, 304);
});

test('Writer -> Reader: random values survive', () => {
  // A small deterministic generator (xorshift), so a failure reproduces.
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  for (let i = 0; i < 2000; i++) {
    const bits = next() % 33;
    const u = Math.floor(next() / 2 ** (32 - Math.min(bits, 32)));
    const s = (next() | 0) >> (next() % 32);
    const big = BigInt.asIntN(64, (BigInt(next()) << 32n) | BigInt(next())) >> BigInt(next() % 64);
    const w = new Writer(1);
    const u53 = BigInt.asUintN(53, big); // Reader.u64 gives a number: exact below 2^53
    w.u32(u).s32(s).s64(big).s33(-64).s33(u).u64(u53);
    const r = new Reader(w.finish());
    assert.equal(r.u32(), u);
    assert.equal(r.s32(), s);
    assert.equal(r.s64(), big);
    assert.equal(r.s33(), -64);
    assert.equal(r.s33(), u);
    assert.equal(r.u64(), Number(u53));
    assert.ok(r.eof);
  }
});
