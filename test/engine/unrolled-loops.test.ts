// Interruption-only instrumentation writes a small innermost loop's body twice per iteration, with one
// check per two iterations (src/engine/compiler/patch-body.ts, `unrollable`). The unrolled loops must
// compute exactly what the originals do for odd and even trip counts, with early exits from either
// copy, and a deadline must still stop one that never ends.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultFeatures } from '../../src/api/features.js';
import { decodeModule } from '../../src/binary/decode.js';
import { InstrReader } from '../../src/binary/instr.js';
import { Op } from '../../src/binary/opcodes.js';
import { Reader } from '../../src/binary/reader.js';
import { importCounts } from '../../src/binary/types.js';
import { planHostModule } from '../../src/engine/compiler/rewrite.js';
import { ExitCode, ExitError, newRuntime, newRuntimeConfig } from '../../src/index.js';
import { testEngines } from '../support/engines.js';
import { wat, watUnavailable } from '../support/wat.js';

const skip = watUnavailable() ?? testEngines().find((e) => e.name === 'compiler')!.unavailable ?? undefined;

const source = `
  (module
    (memory 1)
    ;; while (--n) s += n * 3: the do-while shape, bound from a parameter (not a counted loop)
    (func (export "sum") (param $n i32) (result i32) (local $s i32)
      (loop $l
        (local.set $s (i32.add (local.get $s) (i32.mul (local.get $n) (i32.const 3))))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $s))
    ;; a scan that may leave early from either copy: the first index >= $from whose byte is $v, or -1
    (func (export "find") (param $from i32) (param $v i32) (result i32)
      (block $found
        (loop $l
          (br_if $found (i32.eq (i32.load8_u (local.get $from)) (local.get $v)))
          (br_if $l (i32.lt_u (local.tee $from (i32.add (local.get $from) (i32.const 1))) (i32.const 65536))))
        (return (i32.const -1)))
      (local.get $from))
    ;; never ends
    (func (export "spin") (loop $l (br_if $l (i32.const 1))))
    (func (export "fill") (param $n i32)
      (loop $l
        (i32.store8 (local.get $n) (i32.const 7))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`;

test('small innermost loops are written twice per iteration with interruption only, never with fuel', { skip }, () => {
  const bytes = wat(source);
  const m = decodeModule(bytes, { features: defaultFeatures });
  /** How many times `op` occurs in the body of the function exported as `name`. */
  const count = (out: Uint8Array, name: string, op: number): number => {
    const r = decodeModule(out, { features: defaultFeatures });
    const index = r.exports.find((e) => e.name === name)!.index - importCounts(r).funcs;
    const ir = new InstrReader(new Reader(r.codes[index]!.body), defaultFeatures);
    let n = 0;
    while (!ir.r.eof) {
      ir.read();
      if (ir.op === op) n++;
    }
    return n;
  };
  const interrupt = planHostModule(m, bytes, { features: defaultFeatures, instrument: true, interruptOnly: true }).bytes;
  const fuel = planHostModule(m, bytes, { features: defaultFeatures, instrument: true }).bytes;
  assert.equal(count(interrupt, 'sum', Op.i32_mul), 2);
  assert.equal(count(interrupt, 'find', Op.i32_load8_u), 2);
  assert.equal(count(fuel, 'sum', Op.i32_mul), 1, 'fuel counts every header: no unrolling');
  assert.equal(count(fuel, 'find', Op.i32_load8_u), 1);
});

test('unrolled loops compute what the originals do, for odd and even trip counts and early exits', { skip }, () => {
  const bytes = wat(source);
  const run = (interrupt: boolean) => {
    const runtime = newRuntime(newRuntimeConfig().withEngine('compiler').withCloseOnContextDone(interrupt));
    try {
      const inst = runtime.instantiate(runtime.compile(bytes));
      const call = (name: string, ...args: number[]) =>
        interrupt ? inst.exportedFunction(name)!.callWith({ timeout: 60_000 }, ...args) : inst.exportedFunction(name)!.call(...args);
      const out: unknown[] = [];
      for (const n of [1, 2, 3, 4, 5, 1_000_001]) out.push(call('sum', n));
      call('fill', 101); // bytes 1..101 become 7
      for (const [from, v] of [[0, 7], [1, 7], [50, 0], [101, 0], [102, 0], [200, 7], [65535, 7]]) out.push(call('find', from!, v!));
      return out;
    } finally {
      runtime.close();
    }
  };
  const plain = run(false);
  assert.deepEqual(run(true), plain);
  assert.deepEqual(plain.slice(0, 5), [[3], [9], [18], [30], [45]]);
  assert.deepEqual(plain.slice(6), [[1], [1], [102], [102], [102], [-1], [-1]]);
});

test('a deadline stops an unrolled loop that never ends', { skip }, () => {
  const runtime = newRuntime(newRuntimeConfig().withEngine('compiler').withCloseOnContextDone(true));
  try {
    const inst = runtime.instantiate(runtime.compile(wat(source)));
    // A guest that is never stopped hangs the test: no timing is asserted.
    assert.throws(
      () => inst.exportedFunction('spin')!.callWith({ timeout: 50 }),
      (e: unknown) => e instanceof ExitError && e.exitCode === ExitCode.deadlineExceeded,
    );
  } finally {
    runtime.close();
  }
});
