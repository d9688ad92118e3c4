// Interruption-only instrumentation parks a function's locals in hidden globals around a loop's
// checkpoint call (src/engine/compiler/patch-body.ts, parkLocals). A loop that passes through many
// checkpoints must compute exactly what it computes uninstrumented, with locals of every type live
// across it, whether they change in the loop or not, and in a clone (a directly called function,
// whose countdown is an extra parameter that moves the other locals up by one).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRuntime, newRuntimeConfig } from '../../src/index.js';
import { testEngines } from '../support/engines.js';
import { wat, watUnavailable } from '../support/wat.js';

const skip = watUnavailable() ?? testEngines().find((e) => e.name === 'compiler')!.unavailable ?? undefined;

// $mix runs `n` iterations (a bound from a parameter: not a counted loop, so it is checked) updating
// an i32, an i64, an f32, an f64 and a v128; $k (f64) and $tag (externref) are set before the loop and
// only read after it. The grant between checkpoints is at most 2^17 units: 3e6 iterations pass ~20.
const source = `
  (module
    (func $mix (param $n i32) (param $k f64) (param $tag externref) (result i32 i64 f32 f64 i32 f64 externref)
      (local $i i32) (local $a i32) (local $b i64) (local $c f32) (local $d f64) (local $v v128)
      (local.set $b (i64.const 0x100000000))
      (local.set $v (v128.const i32x4 1 2 3 4))
      (block $done
        (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $a (i32.add (i32.mul (local.get $a) (i32.const 31)) (local.get $i)))
          (local.set $b (i64.add (i64.rotl (local.get $b) (i64.const 7)) (i64.extend_i32_u (local.get $i))))
          (local.set $c (f32.add (local.get $c) (f32.const 0.5)))
          (local.set $d (f64.add (f64.mul (local.get $d) (f64.const 0.999)) (f64.const 1)))
          (local.set $v (i32x4.add (local.get $v) (v128.const i32x4 1 1 1 1)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
      (local.get $a) (local.get $b) (local.get $c) (local.get $d)
      (i32x4.extract_lane 3 (local.get $v))
      (local.get $k) (local.get $tag))
    ;; Called directly: $mix becomes a clone with the countdown as an extra parameter.
    (func (export "run") (param $n i32) (param $k f64) (param $tag externref) (result i32 i64 f32 f64 i32 f64 externref)
      (call $mix (local.get $n) (local.get $k) (local.get $tag))))`;

test('locals of every type survive the checkpoints of a long checked loop on the compiler', { skip }, () => {
  const bytes = wat(source);
  const tag = { tag: 'kept' };
  const results = [false, true].map((interrupt) => {
    const runtime = newRuntime(newRuntimeConfig().withEngine('compiler').withCloseOnContextDone(interrupt));
    try {
      const inst = runtime.instantiate(runtime.compile(bytes));
      const run = inst.exportedFunction('run')!;
      // A timeout makes the meter hand out bounded grants, so the loop meets its checkpoint often.
      return interrupt ? run.callWith({ timeout: 60_000 }, 3_000_000, 2.5, tag) : run.call(3_000_000, 2.5, tag);
    } finally {
      runtime.close();
    }
  });
  assert.deepEqual(results[1], results[0]);
  const [, , c, , lane3, k, kept] = results[0]!;
  assert.equal(c, 1_500_000, '0.5 added 3e6 times stays exact in f32 below 2^23');
  assert.equal(lane3, 3_000_004);
  assert.equal(k, 2.5);
  assert.equal(kept, tag);
});
