// The interpreter engine through the public API: call-depth limit, stack traces, host functions that
// throw, memory growth seen by the host and by other instances, cross-instance calls with shared
// tables and globals, i64 corner cases and bit-exact float moves.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Trap, TrapCode } from '../../src/index.js';
import { call1, inst, interpRuntime, wat, watUnavailable } from './helpers.js';

const skip = watUnavailable() ?? undefined;

describe('interpreter: call depth', { skip }, () => {
  it('traps with "call stack exhausted" at the configured limit, not a RangeError', () => {
    const rt = interpRuntime(500);
    const i = inst(rt, `(module (func $rec (export "rec") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1))))))))`);
    assert.equal(call1(i, 'rec', 400), 400);
    assert.throws(() => call1(i, 'rec', 600), (e: unknown) => e instanceof Trap && e.code === TrapCode.callStackExhausted);
    // the runtime is still usable after the trap
    assert.equal(call1(i, 'rec', 10), 10);
    rt.close();
  });

  it('unbounded recursion with the default limit traps cleanly', () => {
    const rt = interpRuntime();
    const i = inst(rt, `(module (func $f (export "f") (call $f)))`);
    assert.throws(() => i.exportedFunction('f')!.call(), (e: unknown) => e instanceof Trap && e.code === TrapCode.callStackExhausted);
    rt.close();
  });

  it('deep recursion through a host function that re-enters wasm is bounded too', () => {
    const rt = interpRuntime(300);
    let g: ((n: number) => unknown) | null = null;
    rt.newHostModuleBuilder('env')
      .exportFunction({ name: 'down', params: ['i32'], results: ['i32'], fn: (_c, n: number) => g!(n) })
      .instantiate();
    const i = inst(rt, `(module (import "env" "down" (func $down (param i32) (result i32)))
      (func (export "f") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 7))
          (else (call $down (i32.sub (local.get 0) (i32.const 1)))))))`);
    g = (n) => call1(i, 'f', n);
    assert.equal(call1(i, 'f', 50), 7);
    assert.throws(() => call1(i, 'f', 1000), (e: unknown) => e instanceof Trap && e.code === TrapCode.callStackExhausted);
    rt.close();
  });
});

describe('interpreter: stack traces', { skip }, () => {
  it('lists frames innermost first with names and $N', () => {
    const rt = interpRuntime();
    // $1 has no name: wat2wasm --debug-names names only named functions
    const bytes = wat(`(module
      (func $inner (param i32 i64) (result f32) unreachable)
      (func (param i32) (result i32 i32) (drop (call $inner (local.get 0) (i64.const 1))) (i32.const 0) (i32.const 0))
      (func $outer (export "run") (drop (drop (call 1 (i32.const 3))))))`);
    const m = rt.instantiateBytes(bytes);
    try {
      m.exportedFunction('run')!.call();
      assert.fail('no trap');
    } catch (e) {
      assert.ok(e instanceof Trap);
      assert.equal(e.code, TrapCode.unreachable);
      assert.deepEqual(e.wasmStack.map((f) => `${f.name}(${f.params}) ${f.results}`), [
        '.inner(i32,i64) f32',
        '.$1(i32) (i32,i32)',
        '.outer() ',
      ]);
      assert.match(e.message, /^unreachable\nwasm stack trace:\n\t\.inner\(i32,i64\) f32\n\t\.\$1\(i32\) \(i32,i32\)\n\t\.outer\(\)$/);
    }
    rt.close();
  });

  it('keeps the trace of an error thrown by a host function (wasm frames only)', () => {
    const rt = interpRuntime();
    rt.newHostModuleBuilder('env')
      .exportFunction({ name: 'boom', params: ['i32'], results: [], fn: () => { throw new Error('host says no'); } })
      .exportFunction({ name: 'trap', params: [], results: [], fn: () => { throw new Trap(TrapCode.unreachable, 'from host'); } })
      .instantiate();
    const i = inst(rt, `(module (import "env" "boom" (func $boom (param i32))) (import "env" "trap" (func $trap))
      (func $call_boom (export "boom") (call $boom (i32.const 1)))
      (func $call_trap (export "trap") (call $trap)))`, 'guest');
    assert.throws(() => i.exportedFunction('boom')!.call(), (e: unknown) => {
      const err = e as Error & { wasmStack?: { name: string }[] };
      assert.ok(!(e instanceof Trap));
      assert.deepEqual(err.wasmStack!.map((f) => f.name), ['guest.call_boom']);
      assert.equal(err.message.split('wasm stack trace:').length, 2, 'trace appended once');
      assert.match(err.message, /^host says no\nwasm stack trace:\n\tguest\.call_boom\(\)$/);
      return true;
    });
    assert.throws(() => i.exportedFunction('trap')!.call(), (e: unknown) => {
      assert.ok(e instanceof Trap);
      assert.deepEqual(e.wasmStack.map((f) => f.name), ['guest.call_trap']);
      assert.match(e.message, /^unreachable: from host\nwasm stack trace:/);
      return true;
    });
    rt.close();
  });
});

describe('interpreter: sharing between instances', { skip }, () => {
  it('memory growth is visible to the host and to another instance', () => {
    const rt = interpRuntime();
    const a = inst(rt, `(module (memory (export "mem") 1 10)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))`, 'a');
    const b = inst(rt, `(module (import "a" "mem" (memory 1))
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "size") (result i32) (memory.size)))`, 'b');
    const mem = a.exportedMemory('mem')!;
    assert.equal(call1(b, 'size'), 1);
    assert.equal(call1(a, 'grow', 2), 1);
    assert.equal(mem.size(), 3 * 65536); // bytes, as wazero's Memory.Size
    assert.equal(call1(b, 'size'), 3);
    a.exportedFunction('store')!.call(3 * 65536 - 4, 0x12345678);
    assert.equal(mem.readUint32Le(3 * 65536 - 4), 0x12345678);
    assert.equal(call1(b, 'load', 3 * 65536 - 4), 0x12345678);
    mem.grow(1);
    mem.writeUint32Le(4 * 65536 - 4, 99);
    assert.equal(call1(b, 'load', 4 * 65536 - 4), 99);
    assert.throws(() => call1(b, 'load', 4 * 65536), (e: unknown) => e instanceof Trap && e.code === TrapCode.outOfBoundsMemoryAccess);
    rt.close();
  });

  it('calls across instances and shares tables and globals', () => {
    const rt = interpRuntime();
    const a = inst(rt, `(module
      (global $g (export "g") (mut i32) (i32.const 10))
      (table (export "tab") 4 funcref)
      (memory (export "mem") 1)
      (func $get (export "get") (result i32) (global.get $g))
      (func $bump (export "bump") (global.set $g (i32.add (global.get $g) (i32.const 1))))
      (func $peek (export "peek") (result i32) (i32.load8_u (i32.const 100)))
      (elem (i32.const 0) $get))`, 'a');
    const b = inst(rt, `(module
      (import "a" "g" (global $g (mut i32)))
      (import "a" "tab" (table 4 funcref))
      (import "a" "bump" (func $bump))
      (memory 1)
      (type $v_i (func (result i32)))
      (func $mine (result i32) (i32.store8 (i32.const 100) (i32.const 5)) (i32.const 77))
      (func (export "run") (result i32)
        (call $bump)
        (global.set $g (i32.add (global.get $g) (i32.const 100)))
        (i32.add (call_indirect (type $v_i) (i32.const 0)) (call_indirect (type $v_i) (i32.const 1))))
      (elem (i32.const 1) $mine))`, 'b');
    // a's $get reads the global b updated; b's $mine stores into b's memory, not a's
    assert.equal(call1(b, 'run'), 111 + 77);
    assert.equal(a.exportedGlobal('g')!.get(), 111);
    assert.equal(call1(a, 'peek'), 0);
    // a calls b's function through the shared table: it runs in b's context
    const c = inst(rt, `(module (import "a" "tab" (table 4 funcref)) (type $v_i (func (result i32)))
      (func (export "viaTable") (param i32) (result i32) (call_indirect (type $v_i) (local.get 0))))`, 'c');
    assert.equal(call1(c, 'viaTable', 1), 77);
    assert.equal(call1(c, 'viaTable', 0), 111);
    assert.throws(() => call1(c, 'viaTable', 2), (e: unknown) => e instanceof Trap && e.code === TrapCode.uninitializedElement);
    assert.throws(() => call1(c, 'viaTable', 9), (e: unknown) => e instanceof Trap && e.code === TrapCode.undefinedElement);
    rt.close();
  });
});

describe('interpreter: i64 without loss of bits', { skip }, () => {
  const rt = interpRuntime();
  const ops = ['div_s', 'div_u', 'rem_s', 'rem_u', 'mul', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr', 'add', 'sub'];
  const i = skip ? null : inst(rt, `(module ${ops
    .map((o) => `(func (export "${o}") (param i64 i64) (result i64) (i64.${o} (local.get 0) (local.get 1)))`)
    .join(' ')})`);
  const f = (op: string, a: bigint, b: bigint) => i!.exportedFunction(op)!.call(a, b)[0];
  const M = (1n << 64n) - 1n;
  const s64 = (x: bigint) => BigInt.asIntN(64, x);
  const samples = [0n, 1n, -1n, 2n, 3n, 7n, -7n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x123456789abcdefn,
    -0x123456789abcdefn, (1n << 53n) + 1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0xfedcba9876543210n - (1n << 64n)];

  it('div/rem: traps on zero and overflow, exact results elsewhere', () => {
    assert.throws(() => f('div_s', 1n, 0n), (e: unknown) => e instanceof Trap && e.code === TrapCode.integerDivideByZero);
    assert.throws(() => f('rem_u', 1n, 0n), (e: unknown) => e instanceof Trap && e.code === TrapCode.integerDivideByZero);
    assert.throws(() => f('div_s', -0x8000000000000000n, -1n), (e: unknown) => e instanceof Trap && e.code === TrapCode.integerOverflow);
    assert.equal(f('rem_s', -0x8000000000000000n, -1n), 0n);
    for (const a of samples) {
      for (const b of samples) {
        if (b === 0n) continue;
        const ua = a & M;
        const ub = b & M;
        if (!(a === -0x8000000000000000n && b === -1n)) assert.equal(f('div_s', a, b), s64(a / b), `div_s ${a} ${b}`);
        assert.equal(f('rem_s', a, b), s64(a % b), `rem_s ${a} ${b}`);
        assert.equal(f('div_u', a, b), s64(ua / ub), `div_u ${a} ${b}`);
        assert.equal(f('rem_u', a, b), s64(ua % ub), `rem_u ${a} ${b}`);
      }
    }
  });

  it('mul keeps the high bits; shifts and rotations use the count mod 64', () => {
    for (const a of samples) {
      for (const b of samples) {
        assert.equal(f('mul', a, b), s64(a * b), `mul ${a} ${b}`);
        assert.equal(f('add', a, b), s64(a + b));
        assert.equal(f('sub', a, b), s64(a - b));
      }
      for (const n of [0n, 1n, 31n, 32n, 33n, 63n, 64n, 65n, 127n, -1n]) {
        const k = n & 63n;
        const ua = a & M;
        assert.equal(f('shl', a, n), s64(a << k), `shl ${a} ${n}`);
        assert.equal(f('shr_s', a, n), s64(a >> k), `shr_s ${a} ${n}`);
        assert.equal(f('shr_u', a, n), s64(ua >> k), `shr_u ${a} ${n}`);
        assert.equal(f('rotl', a, n), s64(((ua << k) | (ua >> ((64n - k) & 63n))) & M), `rotl ${a} ${n}`);
        assert.equal(f('rotr', a, n), s64(((ua >> k) | (ua << ((64n - k) & 63n))) & M), `rotr ${a} ${n}`);
      }
    }
  });
});

describe('interpreter: float bits', { skip }, () => {
  it('signalling NaNs survive locals, globals, memory, select and calls', () => {
    const rt = interpRuntime();
    const i = inst(rt, `(module (memory 1)
      (global $g32 (mut f32) (f32.const 0)) (global $g64 (mut f64) (f64.const 0))
      (func $id32 (param f32) (result f32) (local f32) (local.set 1 (local.get 0)) (local.get 1))
      (func $id64 (param f64) (result f64) (local f64) (local.set 1 (local.get 0)) (local.get 1))
      (func (export "f32") (param i32) (result i32)
        (f32.store (i32.const 8) (call $id32 (f32.reinterpret_i32 (local.get 0))))
        (global.set $g32 (f32.load (i32.const 8)))
        (i32.reinterpret_f32 (select (global.get $g32) (f32.const 1) (i32.const 1))))
      (func (export "f64") (param i64) (result i64)
        (f64.store (i32.const 16) (call $id64 (f64.reinterpret_i64 (local.get 0))))
        (global.set $g64 (f64.load (i32.const 16)))
        (i64.reinterpret_f64 (select (global.get $g64) (f64.const 1) (i32.const 1))))
      (func (export "neg32") (param i32) (result i32) (i32.reinterpret_f32 (f32.neg (f32.reinterpret_i32 (local.get 0)))))
      (func (export "abs64") (param i64) (result i64) (i64.reinterpret_f64 (f64.abs (f64.reinterpret_i64 (local.get 0))))))`);
    for (const bits of [0x7fa00001, 0xff800123 | 0, 0x7f800001, 0x7fc00000, 0x80000000 | 0]) {
      assert.equal(call1(i, 'f32', bits), bits);
      assert.equal(call1(i, 'neg32', bits), (bits ^ 0x80000000) | 0);
    }
    for (const bits of [0x7ff4000000000001n, -0x000c000000000123n, 0x7ff0000000000001n, -0x8000000000000000n]) {
      assert.equal(call1(i, 'f64', bits), bits);
      assert.equal(call1(i, 'abs64', bits), BigInt.asIntN(64, bits & 0x7fffffffffffffffn));
    }
    rt.close();
  });
});
