// The body validator's fast loop (code.ts `run`) reads the common instructions straight from the
// bytes and leaves anything unusual to the general path. These modules sit on the edges of what it
// accepts — immediates one byte longer than it reads, indices that look small in their first byte,
// operands of unknown type, stacks that must grow — and check that the outcome is the spec's: valid
// ones pass, invalid ones fail with the general path's message and offset.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompileError } from '../../src/api/errors.js';
import { decodeModule } from '../../src/binary/decode.js';
import { emptyModule } from '../../src/binary/types.js';
import { MAX_LOCALS, validateModule } from '../../src/validate/index.js';
import { F64, I32, I64, ModuleBuilder, constExpr, i32Const, limits, s32, u32 } from '../support/wasm-builder.js';

const END = 0x0b;

function check(bytes: Uint8Array, error?: string, kind = 'invalid'): CompileError | null {
  let err: unknown = null;
  try {
    validateModule(decodeModule(bytes, { features: 0 }), 0);
  } catch (e) {
    err = e;
  }
  if (error === undefined) {
    assert.equal(err, null, `expected a valid module, got ${String(err)}`);
    return null;
  }
  assert.ok(err instanceof CompileError, `expected a CompileError, got ${String(err)}`);
  assert.ok(err.message.startsWith(error), `message "${err.message}" should start with "${error}"`);
  assert.equal(err.kind, kind);
  return err;
}

/** A module with one function `() -> results` of the given body, after `setup`. */
function fn(body: number[], opts: { results?: number[]; locals?: [number, number][]; setup?: (b: ModuleBuilder) => void } = {}): Uint8Array {
  const b = new ModuleBuilder();
  opts.setup?.(b);
  b.func(b.type([], opts.results ?? []), body, opts.locals ?? []);
  return b.bytes();
}

/** `n` globals: global `mutableAt` is a mutable i32, the others immutable f64. */
function globals(b: ModuleBuilder, n: number, mutableAt: number): void {
  for (let i = 0; i < n; i++) {
    if (i === mutableAt) b.global(I32, true, constExpr(i32Const(0)));
    else b.global(F64, false, constExpr([0x44, 0, 0, 0, 0, 0, 0, 0, 0]));
  }
}

describe('body validator fast loop', () => {
  it('reads a two-byte global index as one index, not as its first byte', () => {
    // global.set 133 (0x85 0x01): global 5 (0x85 & 0x7f) is immutable, 133 is the mutable one.
    const body = [...i32Const(1), 0x24, 0x85, 0x01, END];
    check(fn(body, { setup: (b) => globals(b, 134, 133) }));
    check(fn(body, { setup: (b) => globals(b, 134, 5) }), 'global is immutable');
    check(fn([0x23, 0x85, 0x01, 0x1a, END], { setup: (b) => globals(b, 134, 5) }));
    check(fn([0x23, 0x85, 0x01, 0x1a, END], { setup: (b) => globals(b, 133, 5) }), 'unknown global 133');
  });

  it('reads a two-byte label as one label', () => {
    // 130 nested blocks, then br 128 (0x80 0x01) and br_if 128 from the innermost.
    const open = new Array<number>(130).fill(0).flatMap(() => [0x02, 0x40]);
    const close = new Array<number>(130).fill(END);
    check(fn([...open, 0x0c, 0x80, 0x01, ...close, END]));
    check(fn([...open, ...i32Const(1), 0x0d, 0x80, 0x01, ...close, END]));
    check(fn([...open, 0x0c, 0x83, 0x01, ...close, END]), 'unknown label 131');
    // A label naming a block with a result: the branch needs that value.
    const typed = [0x02, 0x7f, ...open, ...i32Const(5), ...i32Const(1), 0x0d, 0x82, 0x01, 0x1a, ...close, ...i32Const(2), END, 0x1a, END];
    check(fn(typed));
    check(fn(typed.filter((_, i) => i !== 262 && i !== 263)), 'type mismatch: instruction requires [i32] but stack has []');
  });

  it('reads local indices of one, two and three bytes', () => {
    const locals: [number, number][] = [[20000, I64], [1, I32]];
    check(fn([0x20, ...u32(20000), 0x21, ...u32(20000), END], { locals }));
    check(fn([0x20, ...u32(200), 0x22, ...u32(300), 0x1a, END], { locals }));
    check(fn([0x20, 0x80, 0x80, 0x00, 0x1a, END], { locals })); // local 0, in three bytes
    check(fn([0x20, ...u32(20000), 0x21, ...u32(0), END], { locals }), 'type mismatch: instruction requires [i64] but stack has [i32]');
    const err = check(fn([0x20, ...u32(20000), 0x20, ...u32(20001), END], { locals }), 'unknown local 20001');
    assert.equal(err!.offset, decodeModule(fn([END], { locals }), { features: 0 }).codes[0]!.offset + 4);
  });

  it('calls functions named with one, two and three bytes', () => {
    const b = new ModuleBuilder();
    const t = b.type([I32], [I64]);
    const caller = b.func(b.type([], []), [], []);
    for (let i = 0; i < 20000; i++) b.func(t, [0x42, 0x00, END]);
    const body = [...i32Const(1), 0x10, ...u32(19999), ...i32Const(2), 0x10, ...u32(200), 0x7c /* i64.add */, 0x1a, END];
    // Replace the caller's body (ModuleBuilder keeps entries by reference).
    (b as unknown as { codes: { body: number[] }[] }).codes[caller]!.body = body;
    check(b.bytes());
    (b as unknown as { codes: { body: number[] }[] }).codes[caller]!.body = [0x10, ...u32(19999), 0x1a, END];
    check(b.bytes(), 'type mismatch: instruction requires [i32] but stack has []');
    (b as unknown as { codes: { body: number[] }[] }).codes[caller]!.body = [...i32Const(0), 0x10, ...u32(20001), 0x1a, END];
    check(b.bytes(), 'unknown function 20001');
  });

  it('checks constants of every length', () => {
    for (const v of [0, -1, 63, 64, -8192, 1 << 20, -(1 << 27), 2 ** 31 - 1, -(2 ** 31)]) {
      check(fn([0x41, ...s32(v), 0x1a, END]));
    }
    // A fifth byte with unused bits that are not the sign's copies.
    check(fn([0x41, 0xff, 0xff, 0xff, 0xff, 0x4f, 0x1a, END]), 'integer too large', 'malformed');
    check(fn([0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1a, END]), 'integer representation too long', 'malformed');
    check(fn([0x41, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x1a, END])); // -1 in five bytes
    check(fn([0x41, 0x80, 0x80, 0x80, 0x80, 0x07, 0x1a, END])); // 0x70000000 in five bytes
    check(fn([0x41, 0x80, 0x80, 0x80, 0x80, 0x08, 0x1a, END]), 'integer too large', 'malformed');
    check(fn([0x42, 0x80, 0x80, 0x80, 0x80, 0x4f, 0x1a, END])); // an i64 takes any fifth byte
    check(fn([0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1a, END]));
    check(fn([0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x1a, END]));
    check(fn([0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, END], { results: [F64] }));
    check(fn([0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, END], { results: [I32] }), 'type mismatch');
  });

  it('checks memory accesses', () => {
    const mem = (b: ModuleBuilder): void => void b.memory(limits(1));
    check(fn([...i32Const(0), 0x28, 0x02, 0x80, 0x80, 0x80, 0x08, 0x1a, END], { setup: mem })); // offset 2^24
    check(fn([...i32Const(0), 0x28, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x1a, END], { setup: mem })); // offset 2^32-1
    check(fn([...i32Const(0), 0x28, 0x03, 0x00, 0x1a, END], { setup: mem }), 'alignment must not be larger than natural');
    check(fn([...i32Const(0), 0x28, 0x42, 0x00, 0x1a, END], { setup: mem }), 'alignment must not be larger than natural');
    check(fn([...i32Const(0), 0x28, 0x02, 0x00, 0x1a, END]), 'unknown memory 0');
    check(fn([0x42, 0x00, 0x28, 0x02, 0x00, 0x1a, END], { setup: mem }), 'type mismatch: instruction requires [i32] but stack has [i64]');
    check(fn([...i32Const(0), 0x42, 0x00, 0x37, 0x03, 0x08, END], { setup: mem }));
  });

  it('types operands of unknown type after unreachable code', () => {
    check(fn([0x00, 0x6a, 0x1a, END]));
    check(fn([0x00, 0x1b, 0x1a, END]));
    check(fn([0x00, 0x21, 0x00, END], { locals: [[1, I32]] }));
    check(fn([0x00, 0x0d, 0x00, END]));
    check(fn([0x00, 0x42, 0x00, 0x6a, 0x1a, END]), 'type mismatch: instruction requires [i32 i32] but stack has [i64]');
    check(fn([0x00, 0x0c, 0x00, 0x0b], { results: [I32] }));
    check(fn([0x0c, 0x00, 0x0b], { results: [I32] }), 'type mismatch: instruction requires [i32] but stack has []');
  });

  it('checks select, blocks and ends', () => {
    check(fn([...i32Const(1), ...i32Const(2), ...i32Const(0), 0x1b, END], { results: [I32] }));
    check(fn([0x42, 0x01, ...i32Const(2), ...i32Const(0), 0x1b, 0x1a, END]), 'type mismatch: select operands differ');
    check(fn([0xd0, 0x70, 0xd0, 0x70, ...i32Const(0), 0x1b, 0x1a, END]), 'type mismatch: select without a type');
    check(fn([...i32Const(1), 0x04, 0x7f, ...i32Const(2), END, END], { results: [I32] }), 'type mismatch: if without else');
    check(fn([...i32Const(1), 0x04, 0x7f, ...i32Const(2), 0x05, ...i32Const(3), END, END], { results: [I32] }));
    check(fn([0x02, 0x7f, 0x42, 0x00, END, 0x1a, END]), 'type mismatch: instruction requires [i32] but stack has [i64]');
    check(fn([0x02, 0x7f, ...i32Const(1), ...i32Const(1), END, 0x1a, END]), 'type mismatch: block requires [i32] but stack has [i32]');
    check(fn([0x03, 0x40, END, END, 0x01, END]), 'section size mismatch', 'malformed');
    check(fn([...i32Const(1), 0x0f, END], { results: [I32] }));
    check(fn([0x42, 0x01, 0x0f, END], { results: [I32] }), 'type mismatch: instruction requires [i32] but stack has [i64]');
  });

  it('closes frames after unconditional branches, and else arms', () => {
    check(fn([0x02, 0x7f, 0x00, END, 0x45, 0x1a, END])); // block (result i32) unreachable end; i32.eqz
    check(fn([0x02, 0x7f, 0x00, END, 0x50, 0x1a, END]), 'type mismatch: instruction requires [i64] but stack has [i32]');
    check(fn([0x02, 0x7f, 0x00, 0x42, 0x00, END, 0x1a, END]), 'type mismatch: instruction requires [i32] but stack has [i64]');
    check(fn([...i32Const(1), 0x04, 0x7f, 0x00, 0x05, ...i32Const(2), END, END], { results: [I32] }));
    check(fn([...i32Const(1), 0x04, 0x7f, 0x42, 0x00, 0x05, ...i32Const(2), END, END], { results: [I32] }), 'type mismatch: instruction requires [i32] but stack has [i64]');
    check(fn([...i32Const(1), 0x04, 0x40, 0x05, 0x05, END, END]), 'END opcode expected', 'malformed');
    check(fn([0x00, 0x0f, END], { results: [I32] }));
    check(fn([0x0f, END], { results: [I32] }), 'type mismatch: instruction requires [i32] but stack has []');
    check(fn([0x00, END], { results: [I64, I64] }));
  });

  it('takes an instruction only when it ends inside the body', () => {
    // Another function follows, so there are bytes after each body to (wrongly) read on into.
    const two = (body: number[], locals: [number, number][] = []): Uint8Array => {
      const b = new ModuleBuilder();
      const t = b.type([], []);
      b.func(t, body, locals);
      b.func(t, [0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, END]);
      return b.bytes();
    };
    check(two([0x20, 0x0b], [[12, I32]]), 'unexpected end of section or function', 'malformed');
    check(two([0x43, 0x00, 0x00, 0x0b]), 'unexpected end of section or function', 'malformed');
    check(two([0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b]), 'unexpected end of section or function', 'malformed');
    check(two([0x01, END]));
  });

  it('validates hand-built bodies in separate buffers, and reports the first failing function', () => {
    const m = emptyModule();
    m.types.push({ params: [], results: [I32] });
    const code = (body: number[], locals: { count: number; type: number }[] = []) => ({
      locals: locals as { count: number; type: 0x7f }[],
      body: new Uint8Array(body),
      offset: -1,
    });
    m.funcs.push(0, 0, 0);
    m.codes.push(code([...i32Const(1), END]), code([0x42, 0x00, END]), code([0x00, END], [{ count: MAX_LOCALS + 1, type: I32 }]));
    assert.throws(() => validateModule(m, 0), /^CompileError: type mismatch: .*function 1 \(defined #1\)/);
    m.codes[1] = code([0x20, 0x00, END], [{ count: 1, type: I32 }]);
    assert.throws(() => validateModule(m, 0), /^CompileError: too many locals: 50001, .*function 2 \(defined #2\)/);
    m.codes[2] = code([0x00, END], [{ count: 2 ** 31, type: I32 }, { count: 2 ** 31, type: I32 }]);
    assert.throws(() => validateModule(m, 0), /too many locals: 4294967296,/);
    m.codes[2] = code([0x00, END]);
    validateModule(m, 0);
  });

  it('grows the operand and control stacks', () => {
    const deep = 1000;
    const open = new Array<number>(deep).fill(0).flatMap(() => [...i32Const(1), 0x04, 0x40]);
    check(fn([...open, ...new Array<number>(deep).fill(END), END]));
    const pushes = new Array<number>(3000).fill(0).flatMap(() => i32Const(7));
    const adds = new Array<number>(2999).fill(0x6a);
    check(fn([...pushes, ...adds, END], { results: [I32] }));
    check(fn([...pushes, ...adds, END]), 'type mismatch: block requires [] but stack has [i32]');
  });
});
