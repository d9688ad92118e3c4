// The trap mapping table: every trap the spec names comes out with the same code, spec text and
// `wasm stack trace:` on every engine, instrumented or not.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkError, Trap, TrapCode, newModuleConfig, newRuntimeConfig } from '../../src/index.js';
import type { RuntimeConfig } from '../../src/api/config.js';
import { testEngines } from '../support/engines.js';
import { wat, watUnavailable } from '../support/wat.js';

const traps = `
(module $traps
  (type $v (func))
  (type $i (func (result i32)))
  (import "env" "boom" (func $boom))
  (memory (export "memory") 1)
  (table $t 4 funcref)
  (elem (table $t) (i32.const 0) func $f_i $f_v)
  (elem $pe funcref (ref.func $f_i))
  (data $pd "hello")
  (func $f_i (type $i) (i32.const 42))
  (func $f_v (type $v))
  (func $unreachable (export "unreachable") unreachable)
  (func $div0 (export "div0") (result i32) (i32.div_s (i32.const 1) (i32.const 0)))
  (func $rem0 (export "rem0") (result i64) (i64.rem_u (i64.const 1) (i64.const 0)))
  (func $divov (export "divov") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
  (func $trunc (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func $trunc32 (export "trunc32") (param f32) (result i64) (i64.trunc_f32_u (local.get 0)))
  (func $load (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func $fill (export "fill") (memory.fill (i32.const 65530) (i32.const 0) (i32.const 10)))
  (func $minit (export "minit") (memory.init $pd (i32.const 65534) (i32.const 0) (i32.const 5)))
  (func $ddrop (export "ddrop") (data.drop $pd) (memory.init $pd (i32.const 0) (i32.const 0) (i32.const 1)))
  (func $tget (export "tget") (param i32) (result funcref) (table.get $t (local.get 0)))
  (func $tinit (export "tinit") (table.init $t $pe (i32.const 4) (i32.const 0) (i32.const 1)))
  (func $ci (export "ci") (param i32) (result i32) (call_indirect $t (type $i) (local.get 0)))
  (func $rec (export "rec") (call $rec))
  (func $host (export "host") (call $boom))
  (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func $middle (export "nested") (param i32) (result i32) (loop $l) (call $inner (local.get 0)))
)`;

const cases: [string, unknown[], TrapCode][] = [
  ['unreachable', [], TrapCode.unreachable],
  ['div0', [], TrapCode.integerDivideByZero],
  ['rem0', [], TrapCode.integerDivideByZero],
  ['divov', [], TrapCode.integerOverflow],
  ['trunc', [NaN], TrapCode.invalidConversionToInteger],
  ['trunc', [1e10], TrapCode.integerOverflow],
  ['trunc', [-Infinity], TrapCode.integerOverflow],
  ['trunc32', [-1], TrapCode.integerOverflow],
  ['trunc32', [NaN], TrapCode.invalidConversionToInteger],
  ['load', [65533], TrapCode.outOfBoundsMemoryAccess],
  ['fill', [], TrapCode.outOfBoundsMemoryAccess],
  ['minit', [], TrapCode.outOfBoundsMemoryAccess],
  ['ddrop', [], TrapCode.outOfBoundsMemoryAccess],
  ['tget', [4], TrapCode.outOfBoundsTableAccess],
  ['tinit', [], TrapCode.outOfBoundsTableAccess],
  ['ci', [1], TrapCode.indirectCallTypeMismatch],
  ['ci', [2], TrapCode.uninitializedElement],
  ['ci', [4], TrapCode.undefinedElement],
  ['rec', [], TrapCode.callStackExhausted],
];

/** The frame text each case's function shows in a trace. */
const frameOf: Record<string, string> = {
  unreachable: 'traps.unreachable()',
  div0: 'traps.div0() i32',
  rem0: 'traps.rem0() i64',
  divov: 'traps.divov() i32',
  trunc: 'traps.trunc(f64) i32',
  trunc32: 'traps.trunc32(f32) i64',
  load: 'traps.load(i32) i32',
  fill: 'traps.fill()',
  minit: 'traps.minit()',
  ddrop: 'traps.ddrop()',
  tget: 'traps.tget(i32) funcref',
  tinit: 'traps.tinit()',
  ci: 'traps.ci(i32) i32',
  rec: 'traps.rec()',
};

const configs: [string, RuntimeConfig][] = [
  ['plain', newRuntimeConfig()],
  ['instrumented', newRuntimeConfig().withCloseOnContextDone(true).withFuel(1e12)],
];

for (const eng of testEngines()) {
  const skip = eng.unavailable ?? watUnavailable() ?? false;
  for (const [how, config] of configs) {
    const t = (name: string, fn: () => void) => test(`[${eng.name}, ${how}] ${name}`, { skip }, fn);
    const setup = () => {
      const rt = eng.runtime(config);
      rt.newHostModuleBuilder('env').exportFunction('boom', { params: [], results: [] }, () => {
        throw new Error('boom');
      }).instantiate();
      return { rt, m: rt.instantiate(rt.compile(wat(traps)), newModuleConfig()) };
    };

    t('every trap maps to its spec code and text, with the frame that trapped', () => {
      const { rt, m } = setup();
      assert.deepEqual(m.exportedFunction('ci')!.call(0), [42]);
      for (const [fn, args, code] of cases) {
        let err: unknown;
        try {
          m.exportedFunction(fn)!.call(...args);
        } catch (e) {
          err = e;
        }
        assert.ok(err instanceof Trap, `${fn}(${args}): expected a Trap, got ${String(err)}`);
        assert.equal(err.code, code, `${fn}(${args})`);
        assert.ok(err.message.startsWith(`${code}\nwasm stack trace:\n\t${frameOf[fn]}`), `${fn}(${args}): ${err.message.slice(0, 200)}`);
        assert.equal(err.wasmStack[0]!.name, `traps.${fn}`);
        if (fn === 'rec') assert.ok(err.wasmStack.every((f) => f.name === 'traps.rec'));
        else assert.equal(err.wasmStack.length, 1, `${fn}: ${err.message}`);
      }
      rt.close();
    });

    t('traces list frames innermost first, with names and types', () => {
      const { rt, m } = setup();
      assert.throws(() => m.exportedFunction('nested')!.call(0), (e: unknown) => {
        assert.ok(e instanceof Trap);
        assert.equal(e.message, 'integer divide by zero\nwasm stack trace:\n\ttraps.inner(i32) i32\n\ttraps.middle(i32) i32');
        return true;
      });
      rt.close();
    });

    t('a host function error passes through with the wasm stack trace appended', () => {
      const { rt, m } = setup();
      assert.throws(() => m.exportedFunction('host')!.call(), (e: unknown) => {
        assert.ok(e instanceof Error && !(e instanceof Trap));
        assert.equal(e.message, 'boom\nwasm stack trace:\n\ttraps.host()');
        return true;
      });
      rt.close();
    });

    t('traps while instantiating: segments out of bounds', () => {
      const rt = eng.runtime(config);
      const anon = newModuleConfig().withName('');
      assert.throws(() => rt.instantiate(rt.compile(wat('(module (memory 1) (data (i32.const 65535) "ab"))')), anon),
        (e: unknown) => e instanceof Trap && e.code === TrapCode.outOfBoundsMemoryAccess);
      assert.throws(() => rt.instantiate(rt.compile(wat('(module (table 1 funcref) (func $f) (elem (i32.const 1) $f))')), anon),
        (e: unknown) => e instanceof Trap && e.code === TrapCode.outOfBoundsTableAccess);
      // The start function's trap, with its frame.
      assert.throws(
        () => rt.instantiate(rt.compile(wat('(module $s (func $go (i32.div_s (i32.const 1) (i32.const 0)) drop) (start $go))')), newModuleConfig()),
        (e: unknown) => e instanceof Trap && e.message === 'integer divide by zero\nwasm stack trace:\n\ts.go()',
      );
      assert.throws(() => rt.instantiate(rt.compile(wat('(module (import "no" "where" (func)))')), anon), LinkError);
      rt.close();
    });
  }
}
