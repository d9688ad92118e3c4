// The module decoder, section by section (spec §5.5), with its error paths and their exact messages
// (the spec's wording, which the spec suite's assert_malformed matches on).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompileError } from '../../src/api/errors.js';
import { Features, defaultFeatures } from '../../src/api/features.js';
import { decodeModule, decodeNameSection } from '../../src/binary/decode.js';
import { decodeBody } from '../../src/binary/instr.js';
import { Op } from '../../src/binary/opcodes.js';
import { ExternKind, type Module, ValType, emptyModule } from '../../src/binary/types.js';
import {
  type ByteLike,
  custom,
  func,
  functype,
  mod,
  section,
  str,
  u32,
  vec,
  wastBytes,
} from '../support/bytes.js';

const i32 = ValType.i32;
const i64 = ValType.i64;
const funcref = ValType.funcref;
const externref = ValType.externref;
const END = 0x0b;

function decode(bytes: Uint8Array, features = defaultFeatures): Module {
  return decodeModule(bytes, { features });
}

/** Asserts decoding fails as malformed with exactly `reason` (and at `offset`, when given). */
function malformed(bytes: Uint8Array, reason: string, offset?: number, features = defaultFeatures): void {
  assert.throws(
    () => decode(bytes, features),
    (e: unknown) => {
      assert.ok(e instanceof CompileError, `not a CompileError: ${e}`);
      assert.equal(e.kind, 'malformed');
      assert.equal(e.reason, reason);
      if (offset !== undefined) assert.equal(e.offset, offset, `offset of "${reason}"`);
      return true;
    },
  );
}

const typeSec = (...types: ByteLike[]): number[] => section(1, vec(types));
const funcSec = (...idx: number[]): number[] => section(3, vec(idx.map((i) => u32(i))));
const codeSec = (...funcs: ByteLike[]): number[] => section(10, vec(funcs));
/** A module with one function `[] -> []` whose body is `body` (which must include its `end`). */
const oneFunc = (...body: ByteLike[]): Uint8Array =>
  mod(typeSec(functype([], [])), funcSec(0), codeSec(func([], ...body)));

test('header: magic, version, truncation; an empty module decodes', () => {
  assert.deepEqual(decode(mod()), emptyModule());
  malformed(new Uint8Array(wastBytes('\\00asn\\01\\00\\00\\00')), 'magic header not detected', 0);
  malformed(new Uint8Array(wastBytes('asm\\00\\01\\00\\00\\00')), 'magic header not detected', 0);
  malformed(new Uint8Array(wastBytes('\\00asm\\02\\00\\00\\00')), 'unknown binary version', 4);
  malformed(new Uint8Array(wastBytes('\\00asm\\00\\00\\00\\01')), 'unknown binary version', 4);
  malformed(new Uint8Array(wastBytes('\\00asm\\01\\00')), 'unexpected end of section or function');
  malformed(new Uint8Array(wastBytes('\\00as')), 'unexpected end of section or function');
  malformed(new Uint8Array(0), 'unexpected end of section or function');
});

test('section framing: ids, order, sizes', () => {
  malformed(mod([0x0e, 0x00]), 'malformed section id', 8);
  malformed(mod([0x7f, 0x00]), 'malformed section id', 8);
  malformed(mod(section(13, vec([]))), 'malformed section id', 8); // tags need exception handling
  // Out of order, and duplicated.
  malformed(mod(funcSec(), typeSec()), 'unexpected content after last section', 11);
  malformed(mod(typeSec(), typeSec()), 'unexpected content after last section', 11);
  // The data count section comes before code, the tag section between memory and global.
  malformed(mod(section(10, vec([])), section(12, u32(0))), 'unexpected content after last section');
  malformed(mod(section(6, vec([])), section(13, vec([]))), 'unexpected content after last section', 11, Features.exceptions);
  // A size beyond the module's end.
  malformed(mod([0x01, 0x05, 0x00]), 'length out of bounds', 9);
  // Content shorter than the size claims (a type count of 0 in a 2-byte section)...
  malformed(mod([0x01, 0x02, 0x00, 0x00]), 'section size mismatch', 11);
  // ... and content that runs past it.
  malformed(mod([0x01, 0x01, 0x01, 0x60, 0x00, 0x00]), 'section size mismatch', 14);
  malformed(mod([0x01]), 'unexpected end of section or function', 9);
  // Custom sections may appear anywhere, even repeatedly.
  const m = decode(mod(custom('a'), typeSec(), custom('b', [1, 2]), custom('c')));
  assert.deepEqual(
    m.customs.map((c) => [c.name, Array.from(c.data), c.after]),
    [['a', [], 0], ['b', [1, 2], 1], ['c', [], 1]],
  );
});

test('type section', () => {
  const m = decode(mod(typeSec(functype([i32, i64], [ValType.f32]), functype([], [ValType.v128, externref]))));
  assert.deepEqual(m.types, [
    { params: [i32, i64], results: [ValType.f32] },
    { params: [], results: [ValType.v128, externref] },
  ]);
  malformed(mod(typeSec([0x61, 0x00, 0x00])), 'malformed function type', 11);
  malformed(mod(typeSec([0xe0, 0x7f, 0x00, 0x00])), 'integer representation too long', 11);
  malformed(mod(typeSec([0x60, 0x01, 0x7a, 0x00])), 'malformed value type', 13);
  malformed(mod(typeSec([0x60, 0x00, 0x01, 0x40])), 'malformed value type', 14);
  // More types than the section holds.
  malformed(mod(section(1, [0x02, ...functype([], [])])), 'unexpected end of section or function');
});

test('import section: every kind, and bad kinds and names', () => {
  const m = decode(
    mod(
      typeSec(functype([], [])),
      section(
        2,
        vec([
          [str('m'), str('f'), 0x00, 0x00],
          [str('m'), str('t'), 0x01, funcref, 0x01, 0x01, 0x02],
          [str('m'), str('mem'), 0x02, 0x00, 0x01],
          [str('m'), str('g'), 0x03, i64, 0x01],
          [str('m'), str('ex'), 0x04, 0x00, 0x00],
        ]),
      ),
    ),
    defaultFeatures | Features.exceptions,
  );
  assert.deepEqual(m.imports, [
    { module: 'm', name: 'f', desc: { kind: ExternKind.func, typeIndex: 0 } },
    { module: 'm', name: 't', desc: { kind: ExternKind.table, type: { elemType: funcref, limits: { min: 1, max: 2 } } } },
    { module: 'm', name: 'mem', desc: { kind: ExternKind.memory, type: { limits: { min: 1 } } } },
    { module: 'm', name: 'g', desc: { kind: ExternKind.global, type: { type: i64, mutable: true } } },
    { module: 'm', name: 'ex', desc: { kind: ExternKind.tag, type: { typeIndex: 0 } } },
  ]);
  const imp = (...desc: number[]): Uint8Array => mod(section(2, vec([[str('m'), str('x'), ...desc]])));
  malformed(imp(0x04, 0x00, 0x00), 'malformed import kind', 15); // tag without exception handling
  malformed(imp(0x05, 0x00), 'malformed import kind', 15);
  malformed(imp(0x03, i32, 0x02), 'malformed mutability', 17);
  malformed(imp(0x01, 0x7f, 0x00, 0x00), 'malformed reference type', 16);
  malformed(mod(section(2, vec([[0x01, 0xff, str('x'), 0x00, 0x00]]))), 'malformed UTF-8 encoding', 12);
  malformed(mod(section(2, vec([[0x05, 0x61]]))), 'length out of bounds', 11);
});

test('function section and its agreement with the code section', () => {
  const m = decode(mod(typeSec(functype([], []), functype([i32], [])), funcSec(1, 0, 1), codeSec(func([], END), func([], END), func([], END))));
  assert.deepEqual(m.funcs, [1, 0, 1]);
  malformed(mod(typeSec(functype([], [])), funcSec(0, 0), codeSec(func([], END))), 'function and code section have inconsistent lengths', 19);
  malformed(mod(typeSec(functype([], [])), funcSec(0)), 'function and code section have inconsistent lengths');
  malformed(mod(codeSec(func([], END))), 'function and code section have inconsistent lengths', 8);
  // Both empty (or absent) is fine.
  assert.deepEqual(decode(mod(funcSec(), codeSec())).codes, []);
});

test('table section and table limits flags', () => {
  const m = decode(mod(section(4, vec([[funcref, 0x00, 0x00], [externref, 0x01, 0x02, 0x80, 0x01]]))));
  assert.deepEqual(m.tables, [
    { elemType: funcref, limits: { min: 0 } },
    { elemType: externref, limits: { min: 2, max: 128 } },
  ]);
  malformed(mod(section(4, vec([[i32, 0x00, 0x00]]))), 'malformed reference type', 11);
  malformed(mod(section(4, vec([[funcref, 0x02, 0x00]]))), 'integer too large', 12);
  malformed(mod(section(4, vec([[funcref, 0x03, 0x00, 0x01]]))), 'integer too large', 12, allFeaturesForTables());
  malformed(mod(section(4, vec([[funcref, 0x81, 0x00, 0x00]]))), 'integer representation too long', 12);
  malformed(mod(section(4, vec([[funcref, 0x00, 0x80, 0x80, 0x80, 0x80, 0x10]]))), 'integer too large', 17);
});

/** Shared and 64-bit limits are memory-only: tables refuse those flags whatever is enabled. */
function allFeaturesForTables(): number {
  return defaultFeatures | Features.threads | Features.memory64;
}

test('memory section: limits flags for max, shared (threads) and index64 (memory64)', () => {
  const memSec = (...mems: number[][]): Uint8Array => mod(section(5, vec(mems)));
  assert.deepEqual(decode(memSec([0x00, 0x01], [0x01, 0x00, 0x80, 0x80, 0x04])).memories, [
    { limits: { min: 1 } },
    { limits: { min: 0, max: 65536 } },
  ]);
  malformed(memSec([0x02, 0x01]), 'integer too large', 11); // shared without threads
  malformed(memSec([0x03, 0x01, 0x01]), 'integer too large', 11);
  assert.deepEqual(decode(memSec([0x03, 0x01, 0x02]), Features.threads).memories, [
    { limits: { min: 1, max: 2 }, shared: true },
  ]);
  malformed(memSec([0x04, 0x01]), 'integer too large', 11); // index64 without memory64
  assert.deepEqual(
    decode(memSec([0x05, 0x80, 0x80, 0x80, 0x80, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), Features.memory64).memories,
    [{ limits: { min: 2 ** 32, max: 2 ** 36 - 1 }, index64: true }],
  );
  // A 32-bit memory's limits are u32 even with memory64 on.
  malformed(memSec([0x00, 0x80, 0x80, 0x80, 0x80, 0x10]), 'integer too large', 16, Features.memory64);
  malformed(memSec([0x08, 0x00]), 'integer too large', 11, Features.threads | Features.memory64);
  malformed(memSec([0x80, 0x00]), 'integer representation too long', 11);
  malformed(memSec([0x01, 0x00]), 'unexpected end of section or function');
});

test('tag section (exception handling)', () => {
  const ex = defaultFeatures | Features.exceptions;
  const m = decode(mod(typeSec(functype([i32], [])), section(13, vec([[0x00, 0x00], [0x00, 0x00]]))), ex);
  assert.deepEqual(m.tags, [{ typeIndex: 0 }, { typeIndex: 0 }]);
  malformed(mod(section(13, vec([[0x01, 0x00]]))), 'malformed tag attribute', 11, ex);
  // Tags sit between memory and global.
  assert.equal(decode(mod(section(5, vec([[0x00, 0x00]])), section(13, vec([])), section(6, vec([]))), ex).memories.length, 1);
});

test('global section: types, mutability, initialiser expressions', () => {
  const m = decode(
    mod(
      section(
        6,
        vec([
          [i32, 0x00, 0x41, 0x7f, END], // i32.const -1
          [i64, 0x01, 0x42, 0x80, 0x01, END], // i64.const 128
          [ValType.f32, 0x00, 0x43, 0x00, 0x00, 0x80, 0x3f, END], // f32.const 1.0
          [funcref, 0x00, 0xd0, 0x70, END], // ref.null func
          [i32, 0x00, 0x23, 0x00, 0x41, 0x01, 0x6a, END], // global.get 0; i32.const 1; i32.add
        ]),
      ),
    ),
  );
  assert.deepEqual(m.globals, [
    { type: { type: i32, mutable: false }, init: [{ op: Op.i32_const, value: -1 }] },
    { type: { type: i64, mutable: true }, init: [{ op: Op.i64_const, value: 128n }] },
    { type: { type: ValType.f32, mutable: false }, init: [{ op: Op.f32_const, bits: 0x3f800000 }] },
    { type: { type: funcref, mutable: false }, init: [{ op: Op.ref_null, refType: funcref }] },
    {
      type: { type: i32, mutable: false },
      init: [{ op: Op.global_get, index: 0 }, { op: Op.i32_const, value: 1 }, { op: Op.i32_add }],
    },
  ]);
  malformed(mod(section(6, vec([[i32, 0x02, 0x41, 0x00, END]]))), 'malformed mutability', 12);
  malformed(mod(section(6, vec([[0x40, 0x00, 0x41, 0x00, END]]))), 'malformed value type', 11);
  malformed(mod(section(6, vec([[i32, 0x00, 0x41, 0x00]]))), 'unexpected end of section or function');
  malformed(mod(section(6, vec([[i32, 0x00, 0x06, 0x40, END, END]]))), 'illegal opcode', 13); // `try` needs exception handling
  malformed(mod(section(6, vec([[i32, 0x00, 0xfe, 0x03, 0x00, END]]))), 'illegal opcode', 13); // atomic.fence needs threads
});

test('export section', () => {
  const m = decode(mod(section(7, vec([[str('f'), 0x00, 0x00], [str('t'), 0x01, 0x01], [str('m'), 0x02, 0x00], [str('g'), 0x03, 0x02]]))));
  assert.deepEqual(m.exports, [
    { name: 'f', kind: ExternKind.func, index: 0 },
    { name: 't', kind: ExternKind.table, index: 1 },
    { name: 'm', kind: ExternKind.memory, index: 0 },
    { name: 'g', kind: ExternKind.global, index: 2 },
  ]);
  malformed(mod(section(7, vec([[str('e'), 0x04, 0x00]]))), 'malformed export kind', 13);
  assert.deepEqual(decode(mod(section(7, vec([[str('e'), 0x04, 0x00]]))), Features.exceptions).exports, [
    { name: 'e', kind: ExternKind.tag, index: 0 },
  ]);
  malformed(mod(section(7, vec([[str('x'), 0x05, 0x00]]))), 'malformed export kind', 13);
});

test('start section', () => {
  assert.equal(decode(mod(section(8, u32(300)))).start, 300);
  assert.equal(decode(mod()).start, null);
  malformed(mod(section(8, [0x80])), 'unexpected end of section or function');
  malformed(mod(section(8, [0x00, 0x00])), 'section size mismatch', 11);
});

test('element section: encodings 0–7', () => {
  const off = [0x41, 0x02, END]; // i32.const 2
  const item = (f: number): number[] => [0xd2, f, END]; // ref.func f
  const nullItem = [0xd0, 0x70, END]; // ref.null func
  const m = decode(
    mod(
      section(
        9,
        vec([
          [0x00, off, vec([[0], [1]])],
          [0x01, 0x00, vec([[2]])],
          [0x02, 0x01, off, 0x00, vec([[3]])],
          [0x03, 0x00, vec([[4]])],
          [0x04, off, vec([item(5), nullItem])],
          [0x05, externref, vec([[0xd0, 0x6f, END]])],
          [0x06, 0x02, off, funcref, vec([item(6)])],
          [0x07, funcref, vec([item(7)])],
        ]),
      ),
    ),
  );
  const offset = [{ op: Op.i32_const, value: 2 }];
  const rf = (f: number) => [{ op: Op.ref_func, index: f }];
  assert.deepEqual(m.elems, [
    { mode: 'active', table: 0, offset, elemType: funcref, init: [rf(0), rf(1)], encoding: 0 },
    { mode: 'passive', table: 0, offset: null, elemType: funcref, init: [rf(2)], encoding: 1 },
    { mode: 'active', table: 1, offset, elemType: funcref, init: [rf(3)], encoding: 2 },
    { mode: 'declarative', table: 0, offset: null, elemType: funcref, init: [rf(4)], encoding: 3 },
    { mode: 'active', table: 0, offset, elemType: funcref, init: [rf(5), [{ op: Op.ref_null, refType: funcref }]], encoding: 4 },
    { mode: 'passive', table: 0, offset: null, elemType: externref, init: [[{ op: Op.ref_null, refType: externref }]], encoding: 5 },
    { mode: 'active', table: 2, offset, elemType: funcref, init: [rf(6)], encoding: 6 },
    { mode: 'declarative', table: 0, offset: null, elemType: funcref, init: [rf(7)], encoding: 7 },
  ]);
  malformed(mod(section(9, vec([[0x08, vec([])]]))), 'malformed elements segment kind', 11);
  malformed(mod(section(9, vec([[0x80, 0x01, vec([])]]))), 'malformed elements segment kind', 11);
  malformed(mod(section(9, vec([[0x01, 0x01, vec([])]]))), 'malformed element kind', 12);
  malformed(mod(section(9, vec([[0x05, i32, vec([])]]))), 'malformed reference type', 12);
});

test('data count section and its agreement with the data section', () => {
  const d = [0x01, vec([])]; // a passive, empty segment
  assert.equal(decode(mod(section(12, u32(1)), section(11, vec([d])))).dataCount, 1);
  assert.equal(decode(mod(section(11, vec([d])))).dataCount, null);
  malformed(mod(section(12, u32(2)), section(11, vec([d]))), 'data count and data section have inconsistent lengths', 11);
  malformed(mod(section(12, u32(1))), 'data count and data section have inconsistent lengths');
});

test('code section: locals, bodies, body offsets and framing errors', () => {
  const bytes = mod(typeSec(functype([], [])), funcSec(0, 0), codeSec(func([[2, i32], [1, i64]], 0x01, END), func([], END)));
  const m = decode(bytes);
  assert.deepEqual(m.codes[0]!.locals, [{ count: 2, type: i32 }, { count: 1, type: i64 }]);
  assert.deepEqual(Array.from(m.codes[0]!.body), [0x01, END]);
  assert.equal(bytes[m.codes[0]!.offset], 0x01);
  assert.deepEqual(Array.from(m.codes[1]!.body), [END]);
  assert.equal(bytes[m.codes[1]!.offset], END);
  // The local counts add up past 2^32 - 1.
  const tooMany = func([[0xffffffff, i32], [1, i32]], END);
  malformed(mod(typeSec(functype([], [])), funcSec(0), codeSec(tooMany)), 'too many locals');
  // No final `end`: what follows the body decides the message, as in the reference decoder, which reads
  // on: the end of the module, or another function's bytes.
  malformed(oneFunc(0x01), 'unexpected end of section or function');
  malformed(mod(typeSec(functype([], [])), funcSec(0, 0), codeSec(func([], 0x01), func([], END))), 'END opcode expected');
  malformed(mod(typeSec(functype([], [])), funcSec(0), codeSec(func([[1, 0x40]], END))), 'malformed value type');
  // Errors inside a body name the function; after the code section, the section alone.
  assert.throws(
    () => decode(mod(typeSec(functype([], [])), funcSec(0, 0), codeSec(func([], END), func([[1, 0x40]], END)))),
    /malformed value type \(code section, function 1 at offset 0x[0-9a-f]+\)$/,
  );
  assert.throws(() => decode(mod(typeSec(functype([], [])), funcSec(0), codeSec(func([], END)), [0x0b, 0x01, 0x01])), /unexpected end of section or function \(data section at offset/);
  // A body size running past the section.
  malformed(mod(typeSec(functype([], [])), funcSec(0), section(10, [0x01, 0x05, 0x00, END])), 'length out of bounds');
});

test('function bodies: decodeBody checks opcodes, immediates and block nesting', () => {
  const body = (...b: number[]): Uint8Array => new Uint8Array(b);
  assert.deepEqual(decodeBody(body(0x02, 0x40, 0x41, 0x05, 0x1a, END, END), defaultFeatures), [
    { op: Op.block, blockType: -64 },
    { op: Op.i32_const, value: 5 },
    { op: Op.drop },
    { op: Op.end },
    { op: Op.end },
  ]);
  const fails = (b: Uint8Array, reason: string, features = defaultFeatures): void => {
    assert.throws(
      () => decodeBody(b, features),
      (e: unknown) => e instanceof CompileError && e.reason === reason,
      `${reason} expected`,
    );
  };
  fails(body(0x02, 0x40, END), 'unexpected end of section or function'); // the block is never closed
  fails(body(END, 0x01, END), 'section size mismatch'); // bytes after the function's end
  fails(body(), 'unexpected end of section or function');
  fails(body(0x06, 0x40, END, END), 'illegal opcode'); // try without exception handling
  fails(body(0xff, END), 'illegal opcode');
  fails(body(0xfc, 0x12, END), 'illegal opcode');
  fails(body(0x3f, 0x01, END), 'zero byte expected'); // memory.size's reserved byte (no multi-memory)
  fails(body(0xd0, 0x7f, END), 'malformed reference type');
  fails(body(0x02, 0x7a, END, END), 'malformed value type');
  fails(body(0x1c, 0x01, 0x7a, END), 'malformed value type');
  fails(body(0xfe, 0x03, 0x01, END), 'zero byte expected', Features.threads);
  // decodeModule keeps bodies as bytes: their nesting is checked when they are walked.
  assert.equal(decode(oneFunc(0x02, 0x40, END)).codes.length, 1);
  // try ... delegate closes the try without an `end`.
  const ex = defaultFeatures | Features.exceptions;
  assert.equal(decodeBody(body(0x06, 0x40, 0x18, 0x00, END), ex).length, 3);
});

test('data section: encodings 0–2', () => {
  const off = [0x41, 0x08, END];
  const m = decode(mod(section(11, vec([[0x00, off, vec([1, 2])], [0x01, vec([3])], [0x02, 0x01, off, vec([])]]))));
  const offset = [{ op: Op.i32_const, value: 8 }];
  assert.deepEqual(
    m.datas.map((d) => ({ ...d, init: Array.from(d.init) })),
    [
      { mode: 'active', memory: 0, offset, init: [1, 2], encoding: 0 },
      { mode: 'passive', memory: 0, offset: null, init: [3], encoding: 1 },
      { mode: 'active', memory: 1, offset, init: [], encoding: 2 },
    ],
  );
  malformed(mod(section(11, vec([[0x03, vec([])]]))), 'malformed data segment kind', 11);
  malformed(mod(section(11, vec([[0x01, 0x05, 0x01]]))), 'unexpected end of section or function');
});

test('custom sections and the name section', () => {
  const names = custom(
    'name',
    section(0, str('mod')),
    section(1, vec([[0x00, str('f0')], [0x02, str('f2')]])),
    section(2, vec([[0x00, vec([[0x00, str('a')], [0x01, str('b')]])], [0x02, vec([])]])),
    section(3, vec([])), // label names: not modelled, skipped
  );
  const m = decode(mod(typeSec(functype([], [])), names, custom('other', [9])));
  assert.deepEqual(m.names, {
    module: 'mod',
    functions: new Map([[0, 'f0'], [2, 'f2']]),
    locals: new Map([[0, new Map([[0, 'a'], [1, 'b']])], [2, new Map()]]),
  });
  assert.deepEqual(m.customs.map((c) => [c.name, c.after]), [['name', 1], ['other', 1]]);

  // A malformed name section is ignored (names are informational), but kept as a custom section.
  const bad = decode(mod(custom('name', section(1, vec([])), section(0, str('late')))));
  assert.equal(bad.names, null);
  assert.equal(bad.customs.length, 1);
  assert.throws(() => decodeNameSection(new Uint8Array([...section(1, vec([])), ...section(0, str('x'))])), /name subsections out of order/);
  assert.throws(() => decodeNameSection(new Uint8Array([0x00, 0x05, 0x01])), /length out of bounds/);
  // A custom section's name must be valid UTF-8 and fit.
  malformed(mod(section(0, [0x01, 0xff])), 'malformed UTF-8 encoding', 11);
  malformed(mod(section(0, [0x05, 0x61])), 'length out of bounds', 10);
});
