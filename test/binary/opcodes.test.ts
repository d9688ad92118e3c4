// The opcode table (src/binary/opcodes.ts) checked against an independent implementation: a .wat with
// one function per instruction in `allOps` is assembled by wabt's wat2wasm, and each body must decode
// to the instruction we wrote, with the immediates we wrote, and with the natural alignment our table
// gives when the text leaves `align` out. Our encoder must then reproduce wabt's body bytes exactly.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { allFeatures } from '../../src/api/features.js';
import { decodeModule } from '../../src/binary/decode.js';
import { encodeInstrs } from '../../src/binary/encode.js';
import { decodeBody } from '../../src/binary/instr.js';
import { Imm, type OpInfo, Op, allOps, opByName, opInfo, opName } from '../../src/binary/opcodes.js';
import { type Instr, ValType } from '../../src/binary/types.js';
import { hex } from '../support/bytes.js';

/**
 * Names wabt 1.0.32 (Debian bookworm) spells differently: it predates the relaxed-SIMD proposal's
 * final renaming of the dot products (the spec's names are the ones in our table).
 */
const wabtNames: Record<string, string> = {
  'i16x8.relaxed_dot_i8x16_i7x16_s': 'i16x8.dot_i8x16_i7x16_s',
  'i32x4.relaxed_dot_i8x16_i7x16_add_s': 'i32x4.dot_i8x16_i7x16_add_s',
};

const wat2wasmFlags = [
  '--no-check', // bodies are not valid code (operands are missing); only their encoding matters here
  '--enable-threads',
  '--enable-tail-call',
  '--enable-exceptions',
  '--enable-relaxed-simd',
  '--enable-multi-memory',
  '--enable-extended-const',
];

interface Case {
  /** What is being checked, for messages. */
  label: string;
  /** The function body in the text format (flat instructions, one per line). */
  text: string;
  /** The instructions it must decode to (without the function's final `end`); fields given are compared. */
  expect: Partial<Instr>[];
}

const lanes16 = Array.from({ length: 16 }, (_, i) => i);

/** Text and expected decoding of one instruction, with immediates chosen to be recognisable. */
function caseFor(info: OpInfo): Case {
  const name = wabtNames[info.name] ?? info.name;
  const op = info.id;
  const one = (text: string, fields: Partial<Instr> = {}): Case => ({ label: info.name, text, expect: [{ op, ...fields }] });
  switch (op) {
    // Structured instructions and the ones that only occur inside them.
    case Op.block:
    case Op.loop:
      return { label: info.name, text: `${name}\nend`, expect: [{ op, blockType: -64 }, { op: Op.end }] };
    case Op.if:
      return { label: info.name, text: 'if (result i32)\nend', expect: [{ op, blockType: ValType.i32 - 0x80 }, { op: Op.end }] };
    case Op.else:
      // (wabt drops an empty `else`, hence the nop)
      return { label: 'else', text: 'if\nelse\nnop\nend', expect: [{ op: Op.if }, { op: Op.else }, { op: Op.nop }, { op: Op.end }] };
    case Op.end:
      // (a type index whose type is [] -> [] would be written as the empty block type 0x40)
      return { label: 'end', text: 'block (type 1)\nend', expect: [{ op: Op.block, blockType: 1 }, { op: Op.end }] };
    case Op.try:
      return { label: 'try', text: 'try (result i64)\nend', expect: [{ op, blockType: ValType.i64 - 0x80 }, { op: Op.end }] };
    case Op.catch:
      return { label: 'catch', text: 'try\ncatch 0\nend', expect: [{ op: Op.try }, { op, index: 0 }, { op: Op.end }] };
    case Op.catch_all:
      return { label: 'catch_all', text: 'try\ncatch_all\nend', expect: [{ op: Op.try }, { op }, { op: Op.end }] };
    case Op.delegate:
      return { label: 'delegate', text: 'block\ntry\ndelegate 1\nend', expect: [{ op: Op.block }, { op: Op.try }, { op, index: 1 }, { op: Op.end }] };
    case Op.rethrow:
      return {
        label: 'rethrow',
        text: 'try\ncatch 0\nrethrow 0\nend',
        expect: [{ op: Op.try }, { op: Op.catch }, { op, index: 0 }, { op: Op.end }],
      };
    case Op.select_t:
      return one('select (result i32)', { types: [ValType.i32] });
  }
  switch (info.imm) {
    case Imm.none:
      return one(name);
    case Imm.label:
      return { label: info.name, text: `block\nblock\n${name} 1\nend\nend`, expect: [{ op: Op.block }, { op: Op.block }, { op, index: 1 }, { op: Op.end }, { op: Op.end }] };
    case Imm.brTable:
      return {
        label: info.name,
        text: `block\nblock\n${name} 1 0 1\nend\nend`,
        expect: [{ op: Op.block }, { op: Op.block }, { op, labels: [1, 0], index: 1 }, { op: Op.end }, { op: Op.end }],
      };
    case Imm.func:
      return one(`${name} 1`, { index: 1 });
    case Imm.callIndirect:
      return one(`${name} 1 (type 1)`, { index: 1, index2: 1 });
    case Imm.local:
      return one(`${name} 1`, { index: 1 });
    case Imm.global:
      return one(`${name} 1`, { index: 1 });
    case Imm.table:
      return one(`${name} 1`, { index: 1 });
    case Imm.memarg:
      // No align= in the text: wabt writes the natural alignment, which must be our table's.
      return one(`${name} offset=3`, { align: info.align, offset: 3, memory: 0 });
    case Imm.memargLane:
      return one(`${name} offset=3 1`, { align: info.align, offset: 3, memory: 0, lane: 1 });
    case Imm.mem:
      return one(name, { memory: 0 });
    case Imm.i32:
      return one(`${name} -7`, { value: -7 });
    case Imm.i64:
      return one(`${name} -7`, { value: -7n });
    case Imm.f32:
      return one(`${name} 1.5`, { bits: 0x3fc00000 });
    case Imm.f64:
      return one(`${name} 1.5`, { bits: 0x3ff8000000000000n });
    case Imm.v128:
      return one(`${name} i32x4 1 2 3 4`, { bytes: new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0]) });
    case Imm.shuffle:
      return one(`${name} ${lanes16.reverse().join(' ')}`, { bytes: new Uint8Array(lanes16) });
    case Imm.lane:
      return one(`${name} 1`, { lane: 1 });
    case Imm.refType:
      return one(`${name} extern`, { refType: ValType.externref });
    case Imm.memoryInit:
      return one(`${name} 0`, { index: 0, memory: 0 });
    case Imm.data:
      return one(`${name} 0`, { index: 0 });
    case Imm.memoryCopy:
      return one(name, { memory: 0, index2: 0 });
    case Imm.tableInit:
      return one(`${name} 1 0`, { index: 0, index2: 1 }); // text: table then elem; binary: elem then table
    case Imm.elem:
      return one(`${name} 0`, { index: 0 });
    case Imm.tableCopy:
      return one(`${name} 1 0`, { index: 1, index2: 0 });
    case Imm.tag:
      return one(`${name} 0`, { index: 0 });
    case Imm.fence:
      return one(name);
  }
  throw new Error(`no test text for ${info.name}`);
}

/** Extra cases for encodings that depend on features rather than on the opcode. */
const extraCases: Case[] = [
  { label: 'multi-memory memarg', text: 'i32.load 1 offset=5', expect: [{ op: Op.i32_load, memory: 1, offset: 5, align: 2 }] },
  { label: 'multi-memory lane memarg', text: 'v128.load8_lane 1 offset=5 3', expect: [{ op: Op.v128_load8_lane, memory: 1, offset: 5, lane: 3 }] },
  { label: 'multi-memory atomic memarg', text: 'i64.atomic.rmw.add 1', expect: [{ op: Op.i64_atomic_rmw_add, memory: 1, align: 3 }] },
  { label: 'memory.size with a memory index', text: 'memory.size 1', expect: [{ op: Op.memory_size, memory: 1 }] },
  { label: 'memory.grow with a memory index', text: 'memory.grow 1', expect: [{ op: Op.memory_grow, memory: 1 }] },
  { label: 'memory.fill with a memory index', text: 'memory.fill 1', expect: [{ op: Op.memory_fill, memory: 1 }] },
  { label: 'memory.copy between memories', text: 'memory.copy 1 0', expect: [{ op: Op.memory_copy, memory: 1, index2: 0 }] },
  { label: 'memory.init into memory 1', text: 'memory.init 1 0', expect: [{ op: Op.memory_init, index: 0, memory: 1 }] },
  { label: 'explicit alignment', text: 'i64.load align=1', expect: [{ op: Op.i64_load, align: 0, offset: 0 }] },
  { label: 'large offset', text: 'i32.store offset=4294967295', expect: [{ op: Op.i32_store, offset: 0xffffffff }] },
  { label: 'i64.const min', text: 'i64.const -9223372036854775808', expect: [{ op: Op.i64_const, value: -(2n ** 63n) }] },
  { label: 'i32.const max', text: 'i32.const 2147483647', expect: [{ op: Op.i32_const, value: 2 ** 31 - 1 }] },
  { label: 'f32 NaN payload', text: 'f32.const nan:0x200001', expect: [{ op: Op.f32_const, bits: 0x7fa00001 }] },
  { label: 'f64 negative NaN payload', text: 'f64.const -nan:0x1', expect: [{ op: Op.f64_const, bits: 0xfff0000000000001n }] },
  { label: 'select (result externref)', text: 'select (result externref)', expect: [{ op: Op.select_t, types: [ValType.externref] }] },
  { label: 'block with a type index', text: 'loop (type 1)\nend', expect: [{ op: Op.loop, blockType: 1 }, { op: Op.end }] },
  { label: 'empty br_table', text: 'br_table 0', expect: [{ op: Op.br_table, labels: [], index: 0 }] },
];

function buildWat(cases: Case[]): string {
  const lines = [
    '(module',
    '  (type (func))',
    '  (type (func (param i32) (result i32)))',
    '  (memory 1 1 shared)',
    '  (memory 1 1 shared)',
    '  (table 2 funcref)',
    '  (table 2 funcref)',
    '  (global (mut i32) (i32.const 0))',
    '  (global (mut i32) (i32.const 0))',
    '  (tag (param i32))',
    '  (data "x")',
    '  (elem func 0)',
  ];
  for (const c of cases) {
    lines.push('  (func (local i32 i32)');
    for (const l of c.text.split('\n')) lines.push(`    ${l}`);
    lines.push('  )');
  }
  lines.push(')');
  return lines.join('\n') + '\n';
}

function wat2wasmMissing(): string | null {
  const probe = spawnSync('wat2wasm', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return 'wat2wasm (wabt) is not installed: run `apt-get update && apt-get install -y wabt` to check the opcode table';
  }
  return null;
}

const missing = wat2wasmMissing();

test('opcode table: names, numbers, immediates and natural alignments agree with wabt', { skip: missing ?? false }, () => {
  const cases = [...allOps.map(caseFor), ...extraCases];
  const wat = buildWat(cases);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-opcodes-'));
  try {
    const watPath = path.join(dir, 'all.wat');
    const wasmPath = path.join(dir, 'all.wasm');
    fs.writeFileSync(watPath, wat);
    const res = spawnSync('wat2wasm', [...wat2wasmFlags, watPath, '-o', wasmPath], { encoding: 'utf8' });
    if (res.status !== 0) {
      // Name the instructions wabt did not accept (its errors give the .wat line).
      const watLines = wat.split('\n');
      const bad = [...(res.stderr ?? '').matchAll(/all\.wat:(\d+):\d+: error: (.*)/g)].map(
        ([, line, msg]) => `${watLines[Number(line) - 1]!.trim()}: ${msg}`,
      );
      assert.fail(`wat2wasm refused ${bad.length} instruction(s):\n${bad.join('\n') || res.stderr}`);
    }
    const bytes = new Uint8Array(fs.readFileSync(wasmPath));
    const m = decodeModule(bytes, { features: allFeatures });
    assert.equal(m.codes.length, cases.length);
    const problems: string[] = [];
    cases.forEach((c, i) => {
      const code = m.codes[i]!;
      let got: Instr[];
      try {
        got = decodeBody(code.body, allFeatures);
      } catch (e) {
        problems.push(`${c.label}: body ${hex(code.body)} does not decode: ${(e as Error).message}`);
        return;
      }
      const ops = got.slice(0, -1);
      if (ops.length !== c.expect.length) {
        problems.push(`${c.label}: decoded ${ops.map((x) => opName(x.op)).join(' ')} from ${hex(code.body)}`);
        return;
      }
      c.expect.forEach((want, j) => {
        const have = ops[j]!;
        for (const [k, v] of Object.entries(want)) {
          const hv = (have as unknown as Record<string, unknown>)[k];
          try {
            assert.deepStrictEqual(hv, v);
          } catch {
            const show = (x: unknown): string =>
              k === 'op' ? `0x${(x as number).toString(16)} (${opName(x as number)})` : String(x);
            problems.push(`${c.label}: ${k} is ${show(hv)}, table/text says ${show(v)}; body ${hex(code.body)}`);
          }
        }
      });
      // Our encoder must write what wabt wrote.
      const again = encodeInstrs(got);
      if (hex(again) !== hex(code.body)) problems.push(`${c.label}: wabt wrote ${hex(code.body)}, we encode ${hex(again)}`);
    });
    assert.equal(problems.length, 0, problems.join('\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('opcode table: lookups are consistent', () => {
  const seen = new Set<number>();
  for (const info of allOps) {
    assert.ok(!seen.has(info.id), `duplicate id 0x${info.id.toString(16)}`);
    seen.add(info.id);
    assert.equal(opInfo(info.id), info);
    assert.equal(opName(info.id), info.name);
    if (info.id !== Op.select_t) assert.equal(opByName(info.name), info, info.name);
    // Memory accesses, and only they, have a natural alignment.
    const isAccess = info.imm === Imm.memarg || info.imm === Imm.memargLane;
    assert.equal(info.align >= 0, isAccess, `${info.name} alignment ${info.align}`);
  }
  assert.equal(opByName('select')!.id, Op.select);
  assert.equal(Op.select_t, 0x1c);
  assert.equal(opName(0xff), 'unknown 0xff');
});
