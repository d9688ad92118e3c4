// The interpreter's compilation-cache payload (src/engine/interpreter/serialize.ts): a cached compile
// restores the lowered code instead of lowering again and runs the same, and a payload that is
// damaged, for another module or from another interpreter build is refused (so the runtime lowers
// afresh).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newCompilationCache, newRuntimeConfig } from '../../src/index.js';
import type { Module } from '../../src/binary/types.js';
import { LOWERED_STAMP } from '../../src/engine/interpreter/build-stamp.js';
import { interpreterEngine, InterpModule } from '../../src/engine/interpreter/index.js';
import { deserializeLowered, serializeLowered } from '../../src/engine/interpreter/serialize.js';
import type { CompileOptions, Engine, EngineModule } from '../../src/runtime/engine.js';
import { RuntimeImpl } from '../../src/runtime/runtime.js';
import { wat, watUnavailable } from './helpers.js';

const noStamp = LOWERED_STAMP === '' ? 'this build has no interpreter stamp: build with `npm run build` (it stamps dist/)' : false;
const skip = watUnavailable() ?? noStamp;

const SRC = `(module
  (func $sum (export "sum") (param $n i32) (result i64) (local $acc i64)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $acc (i64.add (local.get $acc) (call $sq (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $acc))
  (func $sq (param i32) (result i64) (i64.mul (i64.extend_i32_u (local.get 0)) (i64.extend_i32_u (local.get 0))))
  (func (export "pick") (param i32) (result i32)
    (block (block (block (br_table 0 1 2 (local.get 0))) (return (i32.const 10))) (return (i32.const 20)))
    (i32.const 30)))`;

/** The real interpreter engine, recording what the runtime asks of it. */
function recordingEngine() {
  const inner = interpreterEngine();
  const calls: string[] = [];
  let last: { m: Module; options: CompileOptions; em: EngineModule } | null = null;
  const engine: Engine = {
    ...inner,
    compile: (m, options) => {
      calls.push('compile');
      const em = inner.compile(m, options);
      last = { m, options, em };
      return em;
    },
    serialize: (em) => (calls.push('serialize'), inner.serialize!(em)),
    deserialize: (m, options, p) => {
      calls.push('deserialize');
      const em = inner.deserialize!(m, options, p);
      last = { m, options, em };
      return em;
    },
  };
  return { engine, calls, last: () => last! };
}

test('a cached compile restores the lowered code and runs the same', { skip }, () => {
  const bytes = wat(SRC);
  const cache = newCompilationCache();
  const { engine, calls, last } = recordingEngine();
  const results: unknown[][] = [];
  const lowered: InterpModule[] = [];
  for (let round = 0; round < 2; round++) {
    const rt = new RuntimeImpl(newRuntimeConfig().withEngine('interpreter').withCompilationCache(cache), { interpreter: engine, compiler: null });
    const inst = rt.instantiate(rt.compile(bytes));
    lowered.push(last().em as InterpModule);
    results.push([inst.exportedFunction('sum')!.call(1000), ...[0, 1, 2, 7].map((i) => inst.exportedFunction('pick')!.call(i))]);
    rt.close();
  }
  assert.deepEqual(calls, ['compile', 'serialize', 'deserialize']);
  assert.deepEqual(results[0], [[333833500n], [10], [20], [30], [30]]);
  assert.deepEqual(results[1], results[0]);
  const [a, b] = lowered as [InterpModule, InterpModule];
  assert.notEqual(a, b);
  assert.equal(b.lowered.length, a.lowered.length);
  a.lowered.forEach((l, i) => assert.deepEqual(b.lowered[i], l, `function ${i}`));
});

test('a damaged, foreign or other-build payload is refused', { skip }, () => {
  const { engine, last } = recordingEngine();
  const rt = new RuntimeImpl(newRuntimeConfig().withEngine('interpreter'), { interpreter: engine, compiler: null });
  rt.compile(wat(SRC));
  rt.close();
  const { m, em } = last();
  const lowered = (em as InterpModule).lowered;
  const good = serializeLowered(lowered, LOWERED_STAMP);
  assert.deepEqual(deserializeLowered(good, m.codes.length, LOWERED_STAMP), lowered);
  const flip = (at: number) => {
    const p = good.slice();
    p[at]! ^= 0xff;
    return p;
  };
  const cases: [string, () => unknown, RegExp][] = [
    ['truncated', () => deserializeLowered(good.subarray(0, good.length - 4), m.codes.length, LOWERED_STAMP), /truncated/],
    ['odd length', () => deserializeLowered(good.subarray(0, good.length - 1), m.codes.length, LOWERED_STAMP), /truncated/],
    ['trailing bytes', () => deserializeLowered(new Uint8Array([...good, 0, 0, 0, 0]), m.codes.length, LOWERED_STAMP), /trailing/],
    ['bad magic', () => deserializeLowered(flip(0), m.codes.length, LOWERED_STAMP), /unknown format/],
    ['other module', () => deserializeLowered(good, m.codes.length + 1, LOWERED_STAMP), /function count/],
    ['other build', () => deserializeLowered(serializeLowered(lowered, 'another build'), m.codes.length, LOWERED_STAMP), /another interpreter build/],
    ['unstamped build', () => deserializeLowered(good, m.codes.length, ''), /another interpreter build/],
  ];
  for (const [what, run, msg] of cases) assert.throws(run, msg, what);
});
