// Counted loops (src/runtime/counted-loops.ts): which loops the interruption-only instrumentation may
// leave unchecked because their number of iterations is small and known, the trip counts behind that,
// and that a deadline still stops a guest whose only loop around a counted one runs forever.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultFeatures } from '../../src/api/features.js';
import { decodeModule } from '../../src/binary/decode.js';
import { Op } from '../../src/binary/opcodes.js';
import { BUDGET, LOOP_BUDGET, interruptPoints } from '../../src/runtime/check-points.js';
import { tripsFrom, tripsFromAnywhere } from '../../src/runtime/counted-loops.js';
import { ExitCode, ExitError, newRuntime, newRuntimeConfig } from '../../src/index.js';
import { wat, watUnavailable } from '../support/wat.js';

const skip = watUnavailable() ?? undefined;

test('trip counts from a known start: exact, with i32 wrapping, and -1 past the cap or when never ending', () => {
  const cases: [string, number, number, number, number, number, number][] = [
    // name, start, step, cmp, bound, cap, expected
    ['0 to 100 by 1, !=', 0, 1, Op.i32_ne, 100, 1000, 100],
    ['0 to 1600 by 16, !=', 0, 16, Op.i32_ne, 1600, 1000, 100],
    ['0 to 100 by 1, <s', 0, 1, Op.i32_lt_s, 100, 1000, 100],
    ['0 to 100 by 3, <u', 0, 3, Op.i32_lt_u, 100, 1000, 34],
    ['0 to 100 by 1, <=s', 0, 1, Op.i32_le_s, 100, 1000, 101],
    ['10 down to 0, != (the tee-br_if form)', 10, -1, Op.i32_ne, 0, 1000, 10],
    ['10 down, >s 0', 10, -1, Op.i32_gt_s, 0, 1000, 10],
    ['already past the bound: one pass', 500, 1, Op.i32_lt_s, 100, 1000, 1],
    ['wraps from the top of u32 to 5', -3, 1, Op.i32_ne, 5, 1000, 8],
    ['!= never met (odd bound, even step)', 0, 2, Op.i32_ne, 101, 1000, -1],
    ['beyond the cap', 0, 1, Op.i32_ne, 5000, 1000, -1],
    ['not a comparison', 0, 1, Op.i32_add, 5, 1000, -1],
  ];
  for (const [name, c, s, cmp, b, cap, want] of cases) assert.equal(tripsFrom(c, s, cmp, b, cap), want, name);
});

test('trip bounds for any start: only unsigned < / <= with a positive step', () => {
  assert.equal(tripsFromAnywhere(1, Op.i32_lt_u, 100, 1000), 101);
  assert.equal(tripsFromAnywhere(4, Op.i32_le_u, 100, 1000), 27);
  assert.equal(tripsFromAnywhere(1, Op.i32_lt_s, 100, 1000), -1, 'a negative start runs ~2^31 times');
  assert.equal(tripsFromAnywhere(1, Op.i32_ne, 100, 1000), -1);
  assert.equal(tripsFromAnywhere(-1, Op.i32_lt_u, 100, 1000), -1);
  assert.equal(tripsFromAnywhere(1, Op.i32_lt_u, 100_000, 1000), -1, 'beyond the cap');
});

/** A loop `$i` from `init` (or unknown) stepping by `step`, with `tail` the test before `br_if $l`. */
function countedFunc(name: string, o: { init?: string; body?: string; tail: string }): string {
  return `
    (func (export "${name}") (param $n i32) (result i32) (local $i i32) (local $s i32)
      ${o.init ?? 'local.get $n local.set $i'}
      loop $l
        local.get $s local.get $i i32.add local.set $s
        ${o.body ?? ''}
        ${o.tail}
        br_if $l
      end
      local.get $s)`;
}

const up = 'local.get $i i32.const 1 i32.add local.tee $i i32.const 100 i32.ne';

test('which loops run unchecked with interruption only', { skip }, () => {
  const cases: [string, { init?: string; body?: string; tail: string }, boolean][] = [
    ['up to a constant from a constant', { init: 'i32.const 0 local.set $i', tail: up }, true],
    ['down to zero (tee, br_if)', { init: 'i32.const 50 local.set $i', tail: 'local.get $i i32.const 1 i32.sub local.tee $i' }, true],
    ['unknown start, unsigned <', { tail: 'local.get $i i32.const 1 i32.add local.tee $i i32.const 100 i32.lt_u' }, true],
    ['unknown start, signed <', { tail: 'local.get $i i32.const 1 i32.add local.tee $i i32.const 100 i32.lt_s' }, false],
    ['unknown start, !=', { tail: up }, false],
    ['the body also writes $i', { init: 'i32.const 0 local.set $i', body: 'local.get $n local.set $i', tail: up }, false],
    ['a bound from a local', { init: 'i32.const 0 local.set $i', tail: 'local.get $i i32.const 1 i32.add local.tee $i local.get $n i32.ne' }, false],
    ['a second branch back', { init: 'i32.const 0 local.set $i', body: 'local.get $n br_if $l', tail: up }, false],
    ['a loop inside', { init: 'i32.const 0 local.set $i', body: 'loop $in local.get $n br_if $in end', tail: up }, false],
    [
      'too many iterations for the budget',
      { init: 'i32.const 0 local.set $i', tail: `local.get $i i32.const 1 i32.add local.tee $i i32.const ${LOOP_BUDGET} i32.ne` },
      false,
    ],
    ['an import call per iteration: 100 x the call budget', { init: 'i32.const 0 local.set $i', body: 'call $ext', tail: up }, false],
    ['a small unchecked callee per iteration', { init: 'i32.const 0 local.set $i', body: 'local.get $n call $leaf drop', tail: up }, true],
  ];
  const m = decodeModule(
    wat(`(module
      (import "env" "ext" (func $ext))
      (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
      ${cases.map(([name, o]) => countedFunc(name, o)).join('\n')})`),
    { features: defaultFeatures },
  );
  const pts = interruptPoints(m, defaultFeatures);
  cases.forEach(([name, , free], k) => {
    // Defined function k + 1 ($leaf is 0); the counted loop is its first loop.
    assert.equal(pts.freeLoops[k + 1]?.[0] === 1, free, name);
  });
  assert.equal(pts.freeLoops[9]?.[1] === 1, false, 'the inner loop of "a loop inside" has no induction');
});

test('what an unchecked counted loop runs counts toward its function entry check', { skip }, () => {
  // A body of about 25 bytes: 10 iterations stay within BUDGET, 1000 do not (and stay within LOOP_BUDGET).
  const upTo = (n: number) => `local.get $i i32.const 1 i32.add local.tee $i i32.const ${n} i32.ne`;
  const m = decodeModule(
    wat(`(module
      ${countedFunc('ten', { init: 'i32.const 0 local.set $i', tail: upTo(10) })}
      ${countedFunc('thousand', { init: 'i32.const 0 local.set $i', tail: upTo(1000) })})`),
    { features: defaultFeatures },
  );
  assert.ok(m.codes[0]!.body.length * 1000 > BUDGET && m.codes[0]!.body.length * 10 < BUDGET);
  const pts = interruptPoints(m, defaultFeatures);
  assert.deepEqual([pts.freeLoops[0]?.[0], pts.freeLoops[1]?.[0]], [1, 1]);
  assert.deepEqual([pts.entry[0], pts.entry[1]], [0, 1]);
});

test('a deadline stops an endless loop around a counted loop on the compiler', { skip }, () => {
  const bytes = wat(`(module
    (func (export "spin") (result i32) (local $i i32) (local $s i32)
      loop $outer
        i32.const 0 local.set $i
        loop $l
          local.get $s local.get $i i32.add local.set $s
          local.get $i i32.const 1 i32.add local.tee $i i32.const 1000 i32.ne
          br_if $l
        end
        br $outer
      end
      unreachable))`);
  const m = decodeModule(bytes, { features: defaultFeatures });
  assert.deepEqual([...(interruptPoints(m, defaultFeatures).freeLoops[0] ?? [])], [0, 1]);
  const runtime = newRuntime(newRuntimeConfig().withEngine('compiler').withCloseOnContextDone(true));
  try {
    const inst = runtime.instantiate(runtime.compile(bytes));
    // A guest that is never stopped hangs the test: no timing is asserted.
    assert.throws(
      () => inst.exportedFunction('spin')!.callWith({ timeout: 50 }),
      (e: unknown) => e instanceof ExitError && e.exitCode === ExitCode.deadlineExceeded,
    );
  } finally {
    runtime.close();
  }
});

test('counted loops compute the same with and without interruption on the compiler', { skip }, () => {
  const bytes = wat(`(module
    ${countedFunc('up', { init: 'i32.const 0 local.set $i', tail: up })}
    ${countedFunc('down', { init: 'i32.const 50 local.set $i', tail: 'local.get $i i32.const 1 i32.sub local.tee $i' })}
    ${countedFunc('any', { tail: 'local.get $i i32.const 3 i32.add local.tee $i i32.const 100 i32.lt_u' })})`);
  const results = [false, true].map((interrupt) => {
    const runtime = newRuntime(newRuntimeConfig().withEngine('compiler').withCloseOnContextDone(interrupt));
    try {
      const inst = runtime.instantiate(runtime.compile(bytes));
      return ['up', 'down', 'any'].map((f) => inst.exportedFunction(f)!.call(7)[0]);
    } finally {
      runtime.close();
    }
  });
  assert.deepEqual(results[1], results[0]);
  let any = 0;
  for (let i = 7; i < 100; i += 3) any += i;
  assert.deepEqual(results[0], [4950, 1275, any]);
});
