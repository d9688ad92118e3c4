// One small hand-built module per validation rule: each must be rejected with the expected text (or,
// for the controls next to them, accepted). Independent of the spec suite, so these run everywhere.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompileError } from '../../src/api/errors.js';
import { Features } from '../../src/api/features.js';
import { decodeModule } from '../../src/binary/decode.js';
import { ExternKind } from '../../src/binary/types.js';
import { MAX_LOCALS, validateModule } from '../../src/validate/index.js';
import {
  EXTERNREF,
  F32,
  FUNCREF,
  I32,
  I64,
  ModuleBuilder,
  constExpr,
  globalGet,
  i32Const,
  i64Const,
  limits,
  refFunc,
  refNull,
  u32,
  vec,
} from '../support/wasm-builder.js';

// Instruction bytes used below.
const END = 0x0b;
const DROP = 0x1a;
const UNREACHABLE = 0x00;
const I32_ADD = 0x6a;
const v128Const = (fill = 0): number[] => [0xfd, 0x0c, ...new Array<number>(16).fill(fill)];
const fc = (sub: number): number[] => [0xfc, ...u32(sub)];
const fd = (sub: number): number[] => [0xfd, ...u32(sub)];
const fe = (sub: number): number[] => [0xfe, ...u32(sub)];

interface FuncOpts {
  params?: number[];
  results?: number[];
  locals?: [number, number][];
  /** Adds imports, tables, memories, … before the function is defined (it gets the next index). */
  setup?: (b: ModuleBuilder) => void;
  /** Adds exports, segments, … after. */
  finish?: (b: ModuleBuilder, funcIndex: number) => void;
}

/** A module with one function of the given body (instructions plus the final `end`). */
function fn(body: number[], opts: FuncOpts = {}): Uint8Array {
  const b = new ModuleBuilder();
  opts.setup?.(b);
  const t = b.type(opts.params ?? [], opts.results ?? []);
  const f = b.func(t, body, opts.locals ?? []);
  opts.finish?.(b, f);
  return b.bytes();
}

function mod(build: (b: ModuleBuilder) => void): Uint8Array {
  const b = new ModuleBuilder();
  build(b);
  return b.bytes();
}

interface Case {
  name: string;
  bytes: () => Uint8Array;
  features?: number;
  /** Expected message prefix; absent for modules that must validate. */
  error?: string;
  kind?: 'invalid' | 'malformed' | 'unsupported';
}

function run(c: Case): void {
  const features = c.features ?? 0;
  let err: unknown = null;
  try {
    validateModule(decodeModule(c.bytes(), { features }), features);
  } catch (e) {
    err = e;
  }
  if (c.error === undefined) {
    assert.equal(err, null, `expected a valid module, got ${String(err)}`);
    return;
  }
  assert.ok(err instanceof CompileError, `expected a CompileError, got ${String(err)}`);
  assert.ok(err.message.startsWith(c.error), `message "${err.message}" should start with "${c.error}"`);
  assert.equal(err.kind, c.kind ?? 'invalid', `kind of "${err.message}"`);
}

const moduleCases: Case[] = [
  { name: 'function with unknown type', bytes: () => mod((b) => b.func(5, [END])), error: 'unknown type 5' },
  {
    name: 'imported function with unknown type',
    bytes: () => mod((b) => b.importFunc('m', 'f', 3)),
    error: 'unknown type 3',
  },
  {
    name: 'table min > max',
    bytes: () => mod((b) => b.table(FUNCREF, 2, 1)),
    error: 'size minimum must not be greater than maximum',
  },
  {
    name: 'memory min > 65536 pages',
    bytes: () => mod((b) => b.memory(limits(65537))),
    error: 'memory size must be at most 65536 pages (4GiB)',
  },
  {
    name: 'memory max > 65536 pages',
    bytes: () => mod((b) => b.memory(limits(0, 65537))),
    error: 'memory size must be at most 65536 pages (4GiB)',
  },
  {
    name: 'imported memory min > max',
    bytes: () => mod((b) => b.importMemory('m', 'mem', limits(2, 1))),
    error: 'size minimum must not be greater than maximum',
  },
  { name: 'memory of 65536 pages', bytes: () => mod((b) => b.memory(limits(65536, 65536))) },
  {
    name: 'two memories',
    bytes: () => mod((b) => b.memory(limits(1)).memory(limits(1))),
    error: 'multiple memories',
  },
  {
    name: 'two memories with multi-memory',
    bytes: () => mod((b) => b.memory(limits(1)).memory(limits(1))),
    features: Features.multiMemory,
  },
  { name: 'two tables', bytes: () => mod((b) => b.table(FUNCREF, 1).table(EXTERNREF, 1)) },
  {
    name: 'shared memory without maximum',
    bytes: () => mod((b) => b.memory(limits(1, undefined, 0x02))),
    features: Features.threads,
    error: 'shared memory must have maximum',
  },
  {
    name: 'shared memory with maximum',
    bytes: () => mod((b) => b.memory(limits(1, 2, 0x02))),
    features: Features.threads,
  },
  {
    name: 'memory64 beyond 2^48 pages',
    bytes: () => mod((b) => b.memory(limits(2 ** 48 + 1, undefined, 0x04))),
    features: Features.memory64,
    error: 'memory size must be at most 2^48 pages',
  },
  {
    name: 'memory64 above 65536 pages',
    bytes: () => mod((b) => b.memory(limits(70000, undefined, 0x04))),
    features: Features.memory64,
  },
  {
    name: 'duplicate export name',
    bytes: () => mod((b) => b.memory(limits(1)).export('a', ExternKind.memory, 0).export('a', ExternKind.memory, 0)),
    error: 'duplicate export name',
  },
  {
    name: 'export of unknown function',
    bytes: () => mod((b) => b.export('f', ExternKind.func, 3)),
    error: 'unknown function 3',
  },
  { name: 'export of unknown table', bytes: () => mod((b) => b.export('t', ExternKind.table, 0)), error: 'unknown table 0' },
  { name: 'export of unknown memory', bytes: () => mod((b) => b.export('m', ExternKind.memory, 1)), error: 'unknown memory 1' },
  { name: 'export of unknown global', bytes: () => mod((b) => b.export('g', ExternKind.global, 0)), error: 'unknown global 0' },
  {
    name: 'export of unknown tag',
    bytes: () => mod((b) => b.export('e', ExternKind.tag, 0)),
    features: Features.exceptions,
    error: 'unknown tag 0',
  },
  {
    name: 'start function with a parameter',
    bytes: () => mod((b) => b.start(b.func(b.type([I32], []), [END]))),
    error: 'start function',
  },
  {
    name: 'start function with a result',
    bytes: () => mod((b) => b.start(b.func(b.type([], [I32]), [...i32Const(0), END]))),
    error: 'start function',
  },
  { name: 'unknown start function', bytes: () => mod((b) => b.start(0)), error: 'unknown function 0' },
  {
    name: 'global initialiser not constant',
    bytes: () => mod((b) => b.global(I32, false, constExpr(i32Const(1), i32Const(2), [I32_ADD]))),
    error: 'constant expression required',
  },
  {
    name: 'global initialiser with i32.add (extended-const)',
    bytes: () => mod((b) => b.global(I32, false, constExpr(i32Const(1), i32Const(2), [I32_ADD]))),
    features: Features.extendedConst,
  },
  {
    name: 'extended-const operands of the wrong type',
    bytes: () => mod((b) => b.global(I32, false, constExpr(i32Const(1), i64Const(2n), [I32_ADD]))),
    features: Features.extendedConst,
    error: 'type mismatch',
  },
  {
    name: 'global initialiser reading a mutable import',
    bytes: () => mod((b) => b.importGlobal('m', 'g', I32, true).global(I32, false, constExpr(globalGet(0)))),
    error: 'constant expression required',
  },
  {
    name: 'global initialiser reading an immutable import',
    bytes: () => mod((b) => b.importGlobal('m', 'g', I32, false).global(I32, false, constExpr(globalGet(0)))),
  },
  {
    name: 'global initialiser reading a global of the module',
    bytes: () => mod((b) => b.global(I32, false, constExpr(i32Const(0))).global(I32, false, constExpr(globalGet(0)))),
    error: 'unknown global 0',
  },
  {
    name: 'global initialiser of the wrong type',
    bytes: () => mod((b) => b.global(I64, false, constExpr(i32Const(0)))),
    error: 'type mismatch',
  },
  { name: 'empty global initialiser', bytes: () => mod((b) => b.global(I32, false, constExpr())), error: 'type mismatch' },
  {
    name: 'global initialiser with two values',
    bytes: () => mod((b) => b.global(I32, false, constExpr(i32Const(0), i32Const(0)))),
    error: 'type mismatch',
  },
  {
    name: 'global initialiser ref.func of an unknown function',
    bytes: () => mod((b) => b.global(FUNCREF, false, constExpr(refFunc(4)))),
    error: 'unknown function 4',
  },
  {
    name: 'element segment for an unknown table',
    bytes: () => mod((b) => b.elemFuncs(0, [])),
    error: 'unknown table 0',
  },
  {
    name: 'element segment offset of the wrong type',
    bytes: () => mod((b) => b.table(FUNCREF, 1).elemRaw([0x00, ...constExpr(i64Const(0n)), ...vec([])])),
    error: 'type mismatch',
  },
  {
    name: 'externref segment into a funcref table',
    bytes: () =>
      mod((b) =>
        b.table(FUNCREF, 1).elemRaw([0x06, 0x00, ...constExpr(i32Const(0)), EXTERNREF, ...vec([constExpr(refNull(EXTERNREF))])]),
      ),
    error: 'type mismatch',
  },
  {
    name: 'element naming an unknown function',
    bytes: () => mod((b) => b.table(FUNCREF, 1).elemFuncs(0, [7])),
    error: 'unknown function 7',
  },
  {
    name: 'element expression of the wrong type',
    bytes: () => mod((b) => b.elemRaw([0x05, FUNCREF, ...vec([constExpr(refNull(EXTERNREF))])])),
    error: 'type mismatch',
  },
  {
    name: 'data segment for an unknown memory',
    bytes: () => mod((b) => b.activeData(constExpr(i32Const(0)), [1])),
    error: 'unknown memory 0',
  },
  {
    name: 'data segment offset of the wrong type',
    bytes: () => mod((b) => b.memory(limits(1)).activeData(constExpr(i64Const(0n)), [1])),
    error: 'type mismatch',
  },
  {
    name: 'memory64 data segment offset must be i64',
    bytes: () => mod((b) => b.memory(limits(1, undefined, 0x04)).activeData(constExpr(i32Const(0)), [1])),
    features: Features.memory64,
    error: 'type mismatch',
  },
  {
    name: 'memory64 data segment with an i64 offset',
    bytes: () => mod((b) => b.memory(limits(1, undefined, 0x04)).activeData(constExpr(i64Const(0n)), [1])),
    features: Features.memory64,
  },
  {
    name: 'tag with results',
    bytes: () => mod((b) => b.tag(b.type([I32], [I32]))),
    features: Features.exceptions,
    error: 'non-empty tag result type',
  },
  {
    name: 'imported tag with an unknown type',
    bytes: () => mod((b) => b.importTag('m', 'e', 4)),
    features: Features.exceptions,
    error: 'unknown type 4',
  },
];

const withMemory = (b: ModuleBuilder): void => void b.memory(limits(1));

const bodyCases: Case[] = [
  {
    name: 'operand of the wrong type (detailed message)',
    bytes: () => fn([...i64Const(1n), ...i32Const(1), I32_ADD, DROP, END]),
    error: 'type mismatch: instruction requires [i32 i32] but stack has [i64 i32]',
  },
  {
    name: 'operands missing',
    bytes: () => fn([I32_ADD, DROP, END]),
    error: 'type mismatch: instruction requires [i32 i32] but stack has []',
  },
  {
    name: 'value left at the end of the function',
    bytes: () => fn([...i32Const(1), END]),
    error: 'type mismatch: block requires [] but stack has [i32]',
  },
  {
    name: 'result missing at the end of the function',
    bytes: () => fn([END], { results: [I32] }),
    error: 'type mismatch: instruction requires [i32] but stack has []',
  },
  { name: 'polymorphic stack after unreachable', bytes: () => fn([UNREACHABLE, I32_ADD, DROP, END]) },
  { name: 'select of unknowns after unreachable', bytes: () => fn([UNREACHABLE, 0x1b, DROP, END]) },
  {
    name: 'wrong concrete type after unreachable',
    bytes: () => fn([UNREACHABLE, ...i64Const(0n), I32_ADD, DROP, END]),
    error: 'type mismatch',
  },
  {
    name: 'unknown local',
    bytes: () => fn([0x20, 1, DROP, END], { locals: [[1, I32]] }),
    error: 'unknown local 1',
  },
  {
    name: 'local.set of the wrong type',
    bytes: () => fn([...i64Const(0n), 0x21, 0, END], { params: [I32] }),
    error: 'type mismatch',
  },
  { name: 'local.tee keeps the type', bytes: () => fn([...i32Const(0), 0x22, 0, DROP, END], { locals: [[2, I32]] }) },
  { name: 'unknown global', bytes: () => fn([0x23, 0, DROP, END]), error: 'unknown global 0' },
  {
    name: 'global.set of an immutable global',
    bytes: () => fn([...i32Const(1), 0x24, 0, END], { setup: (b) => void b.global(I32, false, constExpr(i32Const(0))) }),
    error: 'global is immutable',
  },
  {
    name: 'global.set of a mutable global',
    bytes: () => fn([...i32Const(1), 0x24, 0, END], { setup: (b) => void b.global(I32, true, constExpr(i32Const(0))) }),
  },
  { name: 'call of an unknown function', bytes: () => fn([0x10, 3, END]), error: 'unknown function 3' },
  {
    name: 'call with an argument of the wrong type',
    bytes: () =>
      mod((b) => {
        const callee = b.func(b.type([I32], []), [END]);
        b.func(b.type([], []), [...i64Const(0n), 0x10, callee, END]);
      }),
    error: 'type mismatch: instruction requires [i32] but stack has [i64]',
  },
  {
    name: 'call_indirect without a table',
    bytes: () => fn([...i32Const(0), 0x11, 0, 0, END]),
    error: 'unknown table 0',
  },
  {
    name: 'call_indirect with an unknown type',
    bytes: () => fn([...i32Const(0), 0x11, 9, 0, END], { setup: (b) => void b.table(FUNCREF, 1) }),
    error: 'unknown type 9',
  },
  {
    name: 'call_indirect through an externref table',
    bytes: () => fn([...i32Const(0), 0x11, 0, 0, END], { setup: (b) => void b.table(EXTERNREF, 1) }),
    error: 'type mismatch',
  },
  { name: 'block with an unknown type index', bytes: () => fn([0x02, 0x05, END, END]), error: 'unknown type 5' },
  {
    name: 'multi-value block (type index)',
    bytes: () =>
      mod((b) => {
        const bt = b.type([I32, I32], [I32]);
        b.func(b.type([], []), [...i32Const(1), ...i32Const(2), 0x02, bt, I32_ADD, END, DROP, END]);
      }),
  },
  {
    name: 'loop label takes the loop parameters',
    bytes: () =>
      mod((b) => {
        const bt = b.type([I32], []);
        // i32.const 1; loop (param i32) i32.const 0; br_if 0; drop; end
        b.func(b.type([], []), [...i32Const(1), 0x03, bt, ...i32Const(0), 0x0d, 0, DROP, END, END]);
      }),
  },
  { name: 'branch to an unknown label', bytes: () => fn([0x0c, 1, END]), error: 'unknown label 1' },
  {
    name: 'br_table targets of different arities',
    bytes: () =>
      fn([0x02, 0x7f, 0x02, 0x40, ...i32Const(0), ...i32Const(0), 0x0e, 1, 1, 0, END, ...i32Const(0), END, DROP, END]),
    error: 'type mismatch',
  },
  {
    name: 'br_table targets of one arity',
    bytes: () => fn([0x02, 0x40, 0x02, 0x40, ...i32Const(0), 0x0e, 1, 1, 0, END, END, END]),
  },
  {
    name: 'untyped select of references',
    bytes: () => fn([...refNull(FUNCREF), ...refNull(FUNCREF), ...i32Const(0), 0x1b, DROP, END]),
    error: 'type mismatch',
  },
  {
    name: 'untyped select of different types',
    bytes: () => fn([...i32Const(0), ...i64Const(0n), ...i32Const(0), 0x1b, DROP, END]),
    error: 'type mismatch',
  },
  {
    name: 'typed select with two types',
    bytes: () => fn([...i32Const(0), ...i32Const(0), ...i32Const(0), 0x1c, 2, I32, I32, DROP, END]),
    error: 'invalid result arity',
  },
  {
    name: 'typed select of references',
    bytes: () => fn([...refNull(FUNCREF), ...refNull(FUNCREF), ...i32Const(1), 0x1c, 1, FUNCREF, DROP, END]),
  },
  { name: 'table.get of an unknown table', bytes: () => fn([...i32Const(0), 0x25, 0, DROP, END]), error: 'unknown table 0' },
  {
    name: 'table.set of the wrong reference type',
    bytes: () => fn([...i32Const(0), ...refNull(EXTERNREF), 0x26, 0, END], { setup: (b) => void b.table(FUNCREF, 1) }),
    error: 'type mismatch',
  },
  {
    name: 'table.copy between element types',
    bytes: () =>
      fn([...i32Const(0), ...i32Const(0), ...i32Const(0), ...fc(14), 0, 1, END], {
        setup: (b) => void b.table(FUNCREF, 1).table(EXTERNREF, 1),
      }),
    error: 'type mismatch',
  },
  {
    name: 'table.init from a segment of another type',
    bytes: () =>
      fn([...i32Const(0), ...i32Const(0), ...i32Const(0), ...fc(12), 0, 0, END], {
        setup: (b) => void b.table(EXTERNREF, 1),
        finish: (b) => void b.elemRaw([0x01, 0x00, ...vec([])]),
      }),
    error: 'type mismatch',
  },
  { name: 'elem.drop of an unknown segment', bytes: () => fn([...fc(13), 4, END]), error: 'unknown elem segment 4' },
  { name: 'load without a memory', bytes: () => fn([...i32Const(0), 0x28, 2, 0, DROP, END]), error: 'unknown memory 0' },
  {
    name: 'alignment larger than natural',
    bytes: () => fn([...i32Const(0), 0x28, 3, 0, DROP, END], { setup: withMemory }),
    error: 'alignment must not be larger than natural',
  },
  { name: 'natural alignment', bytes: () => fn([...i32Const(0), 0x28, 2, 0, DROP, END], { setup: withMemory }) },
  { name: 'memory.size without a memory', bytes: () => fn([0x3f, 0, DROP, END]), error: 'unknown memory 0' },
  {
    name: 'memory.grow of an i64 (32-bit memory)',
    bytes: () => fn([...i64Const(1n), 0x40, 0, DROP, END], { setup: withMemory }),
    error: 'type mismatch',
  },
  {
    name: 'memory64: load with an i64 address',
    bytes: () => fn([...i64Const(0n), 0x28, 2, 0, DROP, END], { setup: (b) => void b.memory(limits(1, undefined, 0x04)) }),
    features: Features.memory64,
  },
  {
    name: 'memory64: load with an i32 address',
    bytes: () => fn([...i32Const(0), 0x28, 2, 0, DROP, END], { setup: (b) => void b.memory(limits(1, undefined, 0x04)) }),
    features: Features.memory64,
    error: 'type mismatch',
  },
  {
    name: 'memory64: offset beyond 2^32 on a 32-bit memory',
    bytes: () => fn([...i32Const(0), 0x28, 2, ...u32(2 ** 32), DROP, END], { setup: withMemory }),
    features: Features.memory64,
    error: 'offset out of range',
  },
  {
    name: 'multi-memory: load from memory 1',
    bytes: () =>
      fn([...i32Const(0), 0x28, 0x42, 1, 0, DROP, END], { setup: (b) => void b.memory(limits(1)).memory(limits(1)) }),
    features: Features.multiMemory,
  },
  {
    name: 'multi-memory: load from an unknown memory',
    bytes: () => fn([...i32Const(0), 0x28, 0x42, 2, 0, DROP, END], { setup: (b) => void b.memory(limits(1)).memory(limits(1)) }),
    features: Features.multiMemory,
    error: 'unknown memory 2',
  },
  {
    name: 'memory.init without a data count section',
    bytes: () =>
      fn([...i32Const(0), ...i32Const(0), ...i32Const(0), ...fc(8), 0, 0, END], {
        setup: withMemory,
        finish: (b) => void b.passiveData([1, 2]),
      }),
    kind: 'malformed',
    error: 'data count section required',
  },
  {
    name: 'memory.init with a data count section',
    bytes: () =>
      fn([...i32Const(0), ...i32Const(0), ...i32Const(0), ...fc(8), 0, 0, END], {
        setup: withMemory,
        finish: (b) => void b.passiveData([1, 2]).dataCount(),
      }),
  },
  {
    name: 'data.drop of an unknown segment',
    bytes: () => fn([...fc(9), 1, END], { finish: (b) => void b.passiveData([1]).dataCount() }),
    error: 'unknown data segment 1',
  },
  {
    name: 'invalid lane index',
    bytes: () => fn([...v128Const(), ...fd(0x15), 16, DROP, END]),
    error: 'invalid lane index',
  },
  { name: 'last lane index', bytes: () => fn([...v128Const(), ...fd(0x15), 15, DROP, END]) },
  {
    name: 'shuffle lane index 32',
    bytes: () => fn([...v128Const(), ...v128Const(), ...fd(0x0d), ...new Array<number>(15).fill(0), 32, DROP, END]),
    error: 'invalid lane index',
  },
  {
    name: 'load lane index out of range',
    bytes: () => fn([...i32Const(0), ...v128Const(), ...fd(0x55), 1, 0, 8, DROP, END], { setup: withMemory }),
    error: 'invalid lane index',
  },
  {
    name: 'undeclared function reference',
    bytes: () => fn([...refFunc(0), DROP, END]),
    error: 'undeclared function reference',
  },
  {
    name: 'function reference declared by an export',
    bytes: () => fn([...refFunc(0), DROP, END], { finish: (b, f) => void b.export('f', ExternKind.func, f) }),
  },
  {
    name: 'function reference declared by a declarative segment',
    bytes: () => fn([...refFunc(0), DROP, END], { finish: (b, f) => void b.declareFuncs([f]) }),
  },
  {
    name: 'function reference declared by a global',
    bytes: () => fn([...refFunc(0), DROP, END], { finish: (b, f) => void b.global(FUNCREF, false, constExpr(refFunc(f))) }),
  },
  {
    name: 'ref.is_null of a number',
    bytes: () => fn([...i32Const(0), 0xd1, DROP, END]),
    error: 'type mismatch',
  },
  {
    name: 'if with a result and no else',
    bytes: () => fn([...i32Const(1), 0x04, 0x7f, ...i32Const(1), END, DROP, END]),
    error: 'type mismatch',
  },
  {
    name: 'if/else with a result',
    bytes: () => fn([...i32Const(1), 0x04, 0x7f, ...i32Const(1), 0x05, ...i32Const(2), END, DROP, END]),
  },
  {
    name: 'else arm of the wrong type',
    bytes: () => fn([...i32Const(1), 0x04, 0x7f, ...i32Const(1), 0x05, ...i64Const(2n), END, DROP, END]),
    error: 'type mismatch',
  },
  { name: 'else outside an if', bytes: () => fn([0x02, 0x40, 0x05, END, END]), kind: 'malformed', error: 'END opcode expected' },
  { name: 'block left open', bytes: () => fn([0x02, 0x40, END]), kind: 'malformed', error: 'unexpected end' },
  {
    name: 'instructions after the function end',
    bytes: () => fn([END, 0x01, END]),
    kind: 'malformed',
    error: 'section size mismatch',
  },
  { name: `${MAX_LOCALS} locals`, bytes: () => fn([END], { locals: [[MAX_LOCALS, I32]] }) },
  {
    name: 'more locals than wasmbox supports',
    bytes: () => fn([END], { params: [F32], locals: [[MAX_LOCALS, I32]] }),
    kind: 'unsupported',
    error: 'too many locals',
  },
  // Proposals: without their feature their instructions are no instructions at all.
  { name: 'atomic.fence without threads', bytes: () => fn([...fe(3), 0, END]), kind: 'malformed', error: 'illegal opcode' },
  { name: 'atomic.fence with threads', bytes: () => fn([...fe(3), 0, END]), features: Features.threads },
  {
    name: 'atomic load with less than natural alignment',
    bytes: () => fn([...i32Const(0), ...fe(0x10), 1, 0, DROP, END], { setup: (b) => void b.memory(limits(1, 1, 0x02)) }),
    features: Features.threads,
    error: 'atomic alignment must be natural',
  },
  {
    name: 'atomic load with natural alignment',
    bytes: () => fn([...i32Const(0), ...fe(0x10), 2, 0, DROP, END], { setup: (b) => void b.memory(limits(1, 1, 0x02)) }),
    features: Features.threads,
  },
  {
    name: 'relaxed SIMD without its feature',
    bytes: () => fn([...v128Const(), ...v128Const(), ...fd(0x100), DROP, END]),
    kind: 'malformed',
    error: 'illegal opcode',
  },
  {
    name: 'relaxed SIMD with its feature',
    bytes: () => fn([...v128Const(), ...v128Const(), ...fd(0x100), DROP, END]),
    features: Features.relaxedSimd,
  },
  { name: 'return_call without tail-call', bytes: () => fn([0x12, 0, END]), kind: 'malformed', error: 'illegal opcode' },
  { name: 'return_call of itself', bytes: () => fn([0x12, 0, END]), features: Features.tailCall },
  {
    name: 'return_call of a function with other results',
    bytes: () =>
      mod((b) => {
        const callee = b.func(b.type([], [I32]), [...i32Const(0), END]);
        b.func(b.type([], []), [0x12, callee, END]);
      }),
    features: Features.tailCall,
    error: 'type mismatch',
  },
  {
    name: 'return_call_indirect through an externref table',
    bytes: () => fn([...i32Const(0), 0x13, 0, 0, END], { setup: (b) => void b.table(EXTERNREF, 1) }),
    features: Features.tailCall,
    error: 'type mismatch',
  },
  // exception handling (legacy)
  {
    name: 'try/catch/catch_all',
    bytes: () =>
      fn([0x06, 0x7f, ...i32Const(1), 0x07, 0, 0x19, ...i32Const(3), END, DROP, END], {
        setup: (b) => void b.tag(b.type([I32], [])),
      }),
    features: Features.exceptions,
  },
  {
    name: 'throw with an argument of the wrong type',
    bytes: () => fn([...i64Const(0n), 0x08, 0, END], { setup: (b) => void b.tag(b.type([I32], [])) }),
    features: Features.exceptions,
    error: 'type mismatch: instruction requires [i32] but stack has [i64]',
  },
  { name: 'throw of an unknown tag', bytes: () => fn([0x08, 0, END]), features: Features.exceptions, error: 'unknown tag 0' },
  {
    name: 'rethrow outside a catch',
    bytes: () => fn([0x06, 0x40, 0x09, 0, END, END]),
    features: Features.exceptions,
    error: 'invalid rethrow label',
  },
  {
    name: 'rethrow inside catch_all',
    bytes: () => fn([0x06, 0x40, 0x19, 0x09, 0, END, END]),
    features: Features.exceptions,
  },
  {
    name: 'catch outside a try',
    bytes: () => fn([0x02, 0x40, 0x07, 0, END, END], { setup: (b) => void b.tag(b.type([], [])) }),
    features: Features.exceptions,
    kind: 'malformed',
    error: 'END opcode expected',
  },
  {
    name: 'delegate to the function',
    bytes: () => fn([0x06, 0x40, 0x18, 0, END]),
    features: Features.exceptions,
  },
  {
    name: 'delegate to an enclosing block',
    bytes: () => fn([0x02, 0x40, 0x06, 0x40, 0x18, 0, END, END]),
    features: Features.exceptions,
  },
  {
    name: 'delegate to an unknown label',
    bytes: () => fn([0x06, 0x40, 0x18, 1, END]),
    features: Features.exceptions,
    error: 'unknown label 1',
  },
];

describe('validation errors, one rule at a time', () => {
  describe('module level', () => {
    for (const c of moduleCases) it(c.name, () => run(c));
  });
  describe('function bodies', () => {
    for (const c of bodyCases) it(c.name, () => run(c));
  });
});

describe('error messages say where', () => {
  it('names the section, function, instruction and module offset', () => {
    const bytes = mod((b) => {
      b.importFunc('m', 'f', b.type([], []));
      b.func(0, [END]);
      b.func(0, [0x01, I32_ADD, END]);
    });
    const err = catchError(() => validateModule(decodeModule(bytes, { features: 0 }), 0));
    assert.match(err.message, /^type mismatch: .* \(code section, function 2 \(defined #1\), in i32\.add at offset 0x[0-9a-f]+\)$/);
    assert.equal(bytes[err.offset], I32_ADD, 'the offset points at the instruction');
  });

  it('says which import is wrong', () => {
    const bytes = mod((b) => void b.importFunc('env', 'f', 2));
    const err = catchError(() => validateModule(decodeModule(bytes, { features: 0 }), 0));
    assert.match(err.message, /^unknown type 2 \(import section, import 0 \(function 0, "env" "f"\)\)$/);
  });

  it('reports bad bytes of a later body before a type error in an earlier one', () => {
    // As the spec decodes the whole module before validating it: malformed wins.
    const bytes = mod((b) => {
      const t = b.type([], []);
      b.func(t, [I32_ADD, END]);
      b.func(t, [0xff, END]);
    });
    const err = catchError(() => validateModule(decodeModule(bytes, { features: 0 }), 0));
    assert.equal(err.kind, 'malformed');
    assert.match(err.message, /^illegal opcode \(code section, function 1/);
    assert.equal(bytes[err.offset], 0xff);
  });
});

function catchError(f: () => void): CompileError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CompileError, String(e));
    return e;
  }
  assert.fail('expected a CompileError');
}
