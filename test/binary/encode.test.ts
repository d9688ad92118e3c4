// The encoder on hand-built IR: section order and omission, custom section placement, the choice of
// element and data segment encodings, limits flags, instruction immediates (multi-memory, memory64),
// the name section, and the body-rewriting helpers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Features, allFeatures, defaultFeatures } from '../../src/api/features.js';
import { decodeModule, decodeNameSection } from '../../src/binary/decode.js';
import {
  dataEncodingFor,
  elemEncodingFor,
  encodeBody,
  encodeCode,
  encodeConstExpr,
  encodeInstrs,
  encodeModule,
  encodeNameSection,
  reencodeCode,
} from '../../src/binary/encode.js';
import { decodeBody } from '../../src/binary/instr.js';
import { Op } from '../../src/binary/opcodes.js';
import {
  type ElemSegment,
  ExternKind,
  type Instr,
  type Module,
  type NameSection,
  ValType,
  emptyModule,
} from '../../src/binary/types.js';
import { custom, func, functype, hex, mod, section, str, vec } from '../support/bytes.js';

const { i32, i64, funcref, externref } = ValType;
const END = 0x0b;

/** The ids of a module's sections, in order (custom sections as `0:name`). */
function sectionIds(bytes: Uint8Array): (number | string)[] {
  const out: (number | string)[] = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++]!;
    let size = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[p++]!;
      size += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    if (id === 0) {
      const n = bytes[p]!;
      out.push(`0:${new TextDecoder().decode(bytes.subarray(p + 1, p + 1 + n))}`);
    } else out.push(id);
    p += size;
  }
  return out;
}

function bigModule(): Module {
  const m = emptyModule();
  m.types.push({ params: [i32], results: [] }, { params: [], results: [] });
  m.imports.push({ module: 'env', name: 'f', desc: { kind: ExternKind.func, typeIndex: 1 } });
  m.funcs.push(1);
  m.tables.push({ elemType: funcref, limits: { min: 1 } });
  m.memories.push({ limits: { min: 1, max: 2 } });
  m.tags.push({ typeIndex: 0 });
  m.globals.push({ type: { type: i64, mutable: true }, init: [{ op: Op.i64_const, value: -1n }] });
  m.exports.push({ name: 'run', kind: ExternKind.func, index: 1 });
  m.start = 1;
  m.elems.push({ mode: 'active', table: 0, offset: [{ op: Op.i32_const, value: 0 }], elemType: funcref, init: [[{ op: Op.ref_func, index: 1 }]] });
  m.dataCount = 1;
  m.codes.push(encodeCode([{ count: 1, type: i32 }], [{ op: Op.nop }, { op: Op.end }]));
  m.datas.push({ mode: 'passive', memory: 0, offset: null, init: new Uint8Array([1, 2, 3]) });
  return m;
}

test('encodeModule: an empty module is its header', () => {
  assert.equal(hex(encodeModule(emptyModule())), '00 61 73 6d 01 00 00 00');
});

test('encodeModule: sections in the spec order (tags between memory and global, data count before code)', () => {
  const m = bigModule();
  const bytes = encodeModule(m);
  assert.deepEqual(sectionIds(bytes), [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11]);
  const back = decodeModule(bytes, { features: defaultFeatures | Features.exceptions });
  assert.deepEqual({ ...back, codes: back.codes.map((c) => ({ ...c, offset: -1 })) }, {
    ...m,
    elems: m.elems.map((e) => ({ ...e, encoding: 0 })),
    datas: m.datas.map((d) => ({ ...d, encoding: 1 })),
  });
});

test('encodeModule: empty sections are left out', () => {
  const m = emptyModule();
  m.types.push({ params: [], results: [] });
  m.funcs.push(0);
  m.codes.push(encodeCode([], [{ op: Op.end }]));
  assert.deepEqual(sectionIds(encodeModule(m)), [1, 3, 10]);
  // A start of 0 and a data count of 0 are values, not emptiness.
  m.start = 0;
  m.dataCount = 0;
  assert.deepEqual(sectionIds(encodeModule(m)), [1, 3, 8, 12, 10]);
});

test('encodeModule: custom sections go back after the section they followed', () => {
  const m = bigModule();
  const data = new Uint8Array([7]);
  m.customs = [
    { name: 'first', data, after: 0 },
    { name: 'afterMemory', data, after: 5 },
    { name: 'afterTag', data, after: 13 },
    { name: 'afterDataCount', data, after: 12 },
    { name: 'last', data, after: 11 },
    { name: 'nowhere', data, after: 99 },
  ];
  assert.deepEqual(sectionIds(encodeModule(m)), [
    '0:first', 1, 2, 3, 4, 5, '0:afterMemory', 13, '0:afterTag', 6, 7, 8, 9, 12, '0:afterDataCount', 10, 11, '0:last', '0:nowhere',
  ]);
  // After a section that is not written (no globals): still in that section's slot.
  m.globals = [];
  m.customs = [{ name: 'afterGlobal', data, after: 6 }];
  assert.deepEqual(sectionIds(encodeModule(m)), [1, 2, 3, 4, 5, 13, '0:afterGlobal', 7, 8, 9, 12, 10, 11]);
});

test('element segments: the recorded encoding when it fits, else the smallest that does', () => {
  const off = [{ op: Op.i32_const, value: 0 }];
  const rf = (i: number): Instr[] => [{ op: Op.ref_func, index: i }];
  const nul = (t: ValType): Instr[] => [{ op: Op.ref_null, refType: t }];
  const seg = (s: Partial<ElemSegment>): ElemSegment => ({ mode: 'active', table: 0, offset: off, elemType: funcref, init: [rf(0)], ...s });
  const cases: [Partial<ElemSegment>, number][] = [
    [{}, 0],
    [{ encoding: 4 }, 4], // the expression form can say function indices too
    [{ encoding: 6 }, 6],
    [{ encoding: 2 }, 2],
    [{ table: 1 }, 2],
    [{ table: 1, encoding: 0 }, 2], // 0 cannot name table 1
    [{ init: [rf(0), nul(funcref)] }, 4],
    [{ init: [nul(funcref)], encoding: 0 }, 4],
    [{ table: 1, init: [nul(funcref)] }, 6],
    [{ elemType: externref, init: [nul(externref)] }, 6], // 4 implies funcref
    [{ mode: 'passive', offset: null }, 1],
    [{ mode: 'passive', offset: null, encoding: 5 }, 5],
    [{ mode: 'passive', offset: null, encoding: 0 }, 1], // 0 is active
    [{ mode: 'passive', offset: null, elemType: externref, init: [] }, 5],
    [{ mode: 'declarative', offset: null }, 3],
    [{ mode: 'declarative', offset: null, encoding: 7 }, 7],
    [{ mode: 'declarative', offset: null, init: [nul(funcref)] }, 7],
  ];
  for (const [s, enc] of cases) {
    const segment = seg(s);
    assert.equal(elemEncodingFor(segment), enc, JSON.stringify(s));
    // And it decodes back to the same segment.
    const m = emptyModule();
    m.elems.push(segment);
    const back = decodeModule(encodeModule(m), { features: defaultFeatures }).elems[0]!;
    assert.deepEqual(back, { ...segment, encoding: enc, table: segment.mode === 'active' ? segment.table : 0 });
  }
});

test('data segments: the recorded encoding when it fits, else the smallest', () => {
  const off = [{ op: Op.i32_const, value: 16 }];
  const init = new Uint8Array([9]);
  assert.equal(dataEncodingFor({ mode: 'active', memory: 0, offset: off, init }), 0);
  assert.equal(dataEncodingFor({ mode: 'active', memory: 0, offset: off, init, encoding: 2 }), 2);
  assert.equal(dataEncodingFor({ mode: 'active', memory: 1, offset: off, init, encoding: 0 }), 2);
  assert.equal(dataEncodingFor({ mode: 'passive', memory: 0, offset: null, init, encoding: 0 }), 1);
  const m = emptyModule();
  m.datas.push({ mode: 'active', memory: 3, offset: off, init });
  assert.equal(
    hex(encodeModule(m).subarray(8)),
    hex(new Uint8Array(section(11, vec([[0x02, 0x03, 0x41, 0x10, END, 0x01, 0x09]])))),
  );
});

test('memory and table limits: flags for max, shared and index64', () => {
  const m = emptyModule();
  m.tables.push({ elemType: externref, limits: { min: 0, max: 10 } });
  m.memories.push(
    { limits: { min: 1 } },
    { limits: { min: 1, max: 2 }, shared: true },
    { limits: { min: 2 ** 33 }, index64: true },
    { limits: { min: 0, max: 2 ** 40 }, index64: true, shared: true },
  );
  const bytes = encodeModule(m);
  assert.equal(hex(bytes.subarray(8, 15)), hex(new Uint8Array(section(4, vec([[externref, 0x01, 0x00, 0x0a]])))));
  const back = decodeModule(bytes, { features: allFeatures });
  assert.deepEqual(back.memories, m.memories);
  assert.deepEqual(back.tables, m.tables);
  // Plain 2.0 memories need no proposal to decode.
  const plain = emptyModule();
  plain.memories.push({ limits: { min: 1, max: 1 } });
  assert.deepEqual(decodeModule(encodeModule(plain), { features: 0 }).memories, plain.memories);
});

test('instructions: memargs and memory indices (multi-memory, memory64)', () => {
  const enc = (...ins: Instr[]): string => hex(encodeInstrs(ins));
  assert.equal(enc({ op: Op.i32_load, align: 2, offset: 8, memory: 0 }), '28 02 08');
  assert.equal(enc({ op: Op.i32_load }), '28 02 00'); // natural alignment, offset 0
  assert.equal(enc({ op: Op.i64_store, align: 3, offset: 0, memory: 2 }), '37 43 02 00'); // bit 6 + memidx
  assert.equal(enc({ op: Op.v128_load8_lane, memory: 1, lane: 7 }), 'fd 54 40 01 00 07');
  assert.equal(enc({ op: Op.i32_load, offset: 2 ** 32 }), '28 02 80 80 80 80 10'); // memory64 offset
  assert.equal(enc({ op: Op.memory_size, memory: 0 }), '3f 00'); // the 2.0 reserved byte
  assert.equal(enc({ op: Op.memory_grow, memory: 1 }), '40 01');
  assert.equal(enc({ op: Op.memory_copy, memory: 1, index2: 0 }), 'fc 0a 01 00');
  assert.equal(enc({ op: Op.memory_copy }), 'fc 0a 00 00');
  assert.equal(enc({ op: Op.memory_init, index: 3, memory: 0 }), 'fc 08 03 00');
  assert.equal(enc({ op: Op.memory_fill }), 'fc 0b 00');
  assert.equal(enc({ op: Op.atomic_fence }), 'fe 03 00');
  // They decode back with the features that define them.
  const ins: Instr[] = [{ op: Op.i64_store, align: 3, offset: 2 ** 40, memory: 2 }, { op: Op.memory_copy, memory: 1, index2: 3 }, { op: Op.end }];
  assert.deepEqual(decodeBody(encodeInstrs(ins), Features.multiMemory | Features.memory64), ins);
});

test('instructions: immediates of every shape, canonical LEB128, errors', () => {
  const enc = (...ins: Instr[]): string => hex(encodeInstrs(ins));
  assert.equal(enc({ op: Op.i32_const, value: -1 }), '41 7f');
  assert.equal(enc({ op: Op.i32_const, value: 0xffffffff }), '41 7f'); // an unsigned reading of -1
  assert.equal(enc({ op: Op.i64_const, value: -(2n ** 63n) }), '42 80 80 80 80 80 80 80 80 80 7f');
  assert.equal(enc({ op: Op.f32_const, bits: 0x7fc00001 }), '43 01 00 c0 7f');
  assert.equal(enc({ op: Op.f32_const, value: 1.5 }), '43 00 00 c0 3f');
  assert.equal(enc({ op: Op.f64_const, value: -0 }), '44 00 00 00 00 00 00 00 80');
  assert.equal(enc({ op: Op.block, blockType: -64 }, { op: Op.loop, blockType: -1 }, { op: Op.if, blockType: 200 }), '02 40 03 7f 04 c8 01');
  assert.equal(enc({ op: Op.br_table, labels: [0, 300], index: 1 }), '0e 02 00 ac 02 01');
  assert.equal(enc({ op: Op.call_indirect, index: 2, index2: 1 }), '11 02 01');
  assert.equal(enc({ op: Op.select_t, types: [externref] }), '1c 01 6f');
  assert.equal(enc({ op: Op.ref_null, refType: funcref }), 'd0 70');
  assert.equal(enc({ op: Op.table_init, index: 4, index2: 1 }), 'fc 0c 04 01');
  assert.equal(enc({ op: Op.i8x16_extract_lane_s, lane: 15 }), 'fd 15 0f');
  assert.equal(enc({ op: Op.i32x4_relaxed_dot_i8x16_i7x16_add_s }), 'fd 93 02');
  assert.equal(enc({ op: Op.v128_const, bytes: new Uint8Array(16).fill(0xab) }), 'fd 0c' + ' ab'.repeat(16));
  assert.throws(() => encodeInstrs([{ op: Op.local_get }]), /cannot encode local\.get: no index/);
  assert.throws(() => encodeInstrs([{ op: Op.v128_const, bytes: new Uint8Array(3) }]), /bytes must be 16 long/);
  assert.throws(() => encodeInstrs([{ op: 0x27 }]), /unknown opcode id 0x27/);
  // Over-long LEB128 immediates in a body come out in their shortest form.
  const padded = new Uint8Array([0x20, 0x80, 0x80, 0x00, 0x41, 0xff, 0xff, 0xff, 0xff, 0x7f, END]);
  assert.equal(hex(encodeInstrs(decodeBody(padded, defaultFeatures))), '20 00 41 7f 0b');
});

test('encodeConstExpr and encodeBody', () => {
  assert.equal(hex(encodeConstExpr([{ op: Op.i32_const, value: 1 }])), '41 01 0b');
  assert.equal(hex(encodeConstExpr([])), '0b');
  assert.equal(
    hex(encodeBody([{ count: 2, type: i32 }, { count: 1, type: i64 }], [{ op: Op.local_get, index: 2 }, { op: Op.drop }, { op: Op.end }])),
    '02 02 7f 01 7e 20 02 1a 0b',
  );
  // encodeBody's output is what the code section holds after each function's size.
  const body = encodeBody([{ count: 1, type: i32 }], [{ op: Op.end }]);
  const m = decodeModule(mod(section(1, vec([functype([], [])])), section(3, vec([[0]])), section(10, vec([[body.length, ...body]]))), { features: 0 });
  assert.deepEqual(m.codes[0]!.locals, [{ count: 1, type: i32 }]);
});

test('reencodeCode: edit a body as instructions', () => {
  const bytes = mod(section(1, vec([functype([], [i32])])), section(3, vec([[0]])), section(10, vec([func([[1, i32]], 0x41, 0x80, 0x00, END)])));
  const m = decodeModule(bytes, { features: defaultFeatures });
  const plain = reencodeCode(m.codes[0]!, defaultFeatures);
  assert.equal(hex(plain.body), '41 00 0b'); // canonicalised
  assert.equal(plain.offset, -1);
  const edited = reencodeCode(m.codes[0]!, defaultFeatures, (instrs, locals) => {
    locals.push({ count: 1, type: i64 });
    instrs.unshift({ op: Op.nop });
  });
  assert.equal(hex(edited.body), '01 41 00 0b');
  assert.deepEqual(edited.locals, [{ count: 1, type: i32 }, { count: 1, type: i64 }]);
  assert.deepEqual(m.codes[0]!.locals, [{ count: 1, type: i32 }], 'the original is left alone');
  const replaced = reencodeCode(m.codes[0]!, defaultFeatures, () => [{ op: Op.i32_const, value: 7 }, { op: Op.end }]);
  assert.equal(hex(replaced.body), '41 07 0b');
});

test('encodeNameSection: sorted name maps, empty subsections left out', () => {
  const names: NameSection = {
    module: 'mod',
    functions: new Map([[3, 'c'], [1, 'a']]),
    locals: new Map([[1, new Map([[1, 'y'], [0, 'x']])], [0, new Map()]]),
  };
  const bytes = encodeNameSection(names);
  const expected = [
    ...section(0, str('mod')),
    ...section(1, vec([[1, str('a')], [3, str('c')]])),
    ...section(2, vec([[0, vec([])], [1, vec([[0, str('x')], [1, str('y')]])]])),
  ];
  assert.equal(hex(bytes), hex(expected));
  assert.deepEqual(decodeNameSection(bytes), names);
  assert.equal(hex(encodeNameSection({ functions: new Map(), locals: new Map() })), '');
  assert.equal(hex(encodeNameSection({ functions: new Map([[0, 'é']]), locals: new Map() })), '01 05 01 00 02 c3 a9');
});

test('encodeModule: the name section follows Module.names', () => {
  const labels = section(3, vec([])); // an unmodelled subsection (label names): kept as it is
  const bytes = mod(
    section(1, vec([functype([], [])])),
    section(3, vec([[0], [0]])),
    section(10, vec([func([], END), func([], END)])),
    custom('name', section(1, vec([[0, str('f')], [1, str('g')]])), labels),
  );
  const m = decodeModule(bytes, { features: defaultFeatures });
  // Renumber: the two functions swap places, and the names go with them.
  m.names = { functions: new Map([[0, 'g'], [1, 'f']]), locals: new Map(), module: 'swapped' };
  const out = encodeModule(m);
  const back = decodeModule(out, { features: defaultFeatures });
  assert.deepEqual(back.names, m.names);
  const payload = back.customs.find((c) => c.name === 'name')!.data;
  assert.equal(hex(payload.subarray(payload.length - labels.length)), hex(labels));
  // Names on a module that had no name section get one after the data section.
  const fresh = emptyModule();
  fresh.names = { functions: new Map([[0, 'main']]), locals: new Map() };
  const fb = encodeModule(fresh);
  assert.deepEqual(sectionIds(fb), ['0:name']);
  assert.deepEqual(decodeModule(fb, { features: 0 }).names, fresh.names);
  // names = null leaves a name custom section as it is.
  const raw = emptyModule();
  raw.customs.push({ name: 'name', data: new Uint8Array([0xff]), after: 0 });
  assert.equal(hex(encodeModule(raw).subarray(8)), '00 06 04 6e 61 6d 65 ff');
});
