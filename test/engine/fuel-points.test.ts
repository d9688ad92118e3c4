// Fuel units against an oracle: the test modules count their own charging points by hand (`@U`, an
// increment of the global $units at the top of every function body and every loop body), so for any
// run `Runtime.fuelConsumed()` must equal $units, and when fuel runs out at limit L the guest must
// have counted exactly L. The modules stress the compiler's rewrite of loops (br_table and br_if
// back-edges, loops with results and parameters, early returns, exception handling, recursion), and
// are run on every engine.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Features, defaultFeatures } from '../../src/api/features.js';
import { Trap, TrapCode, newModuleConfig, newRuntimeConfig } from '../../src/index.js';
import type { RuntimeConfig } from '../../src/api/config.js';
import { testEngines } from '../support/engines.js';
import { wat, watUnavailable } from '../support/wat.js';

const U = '(global.set $units (i32.add (global.get $units) (i32.const 1)))';

const control = `
(module $control
  (global $units (export "units") (mut i32) (i32.const 0))
  (func (export "table") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    @U
    (block $out
      (loop $l
        @U
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $out (i32.gt_u (local.get $i) (local.get $n)))
        (block $b1
          (block $b0
            (br_table $b0 $b1 $l $b0 (i32.rem_u (local.get $i) (i32.const 4))))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
          (br $l))
        (local.set $acc (i32.add (local.get $acc) (i32.const 100)))
        (br_if $l (i32.const 1))))
    (local.get $acc))
  (func (export "nested") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $s i32)
    @U
    (loop $outer
      @U
      (local.set $j (i32.const 0))
      (loop $inner
        @U
        (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $j))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get $j) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  (func (export "results") (param $n i32) (result i32 i64)
    @U
    (loop $l (result i32 i64)
      @U
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (i32.mul (local.get $n) (i32.const 3))
      (i64.extend_i32_u (local.get $n))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0)))))
  (func (export "params") (param $n i32) (result i32) (local $c i32) (local $acc i32)
    @U
    (local.get $n)
    (i32.const 0)
    (loop $l (param i32 i32) (result i32)
      @U
      (local.set $acc)
      (local.set $c)
      (local.set $acc (i32.add (local.get $acc) (local.get $c)))
      (local.set $c (i32.sub (local.get $c) (i32.const 1)))
      (local.get $c)
      (local.get $acc)
      (br_if $l (i32.gt_s (local.get $c) (i32.const 0)))
      (local.set $acc)
      (drop)
      (local.get $acc)))
  (func (export "early") (param $n i32) (result i32) (local $i i32)
    @U
    (loop $l
      @U
      (if (i32.eq (local.get $i) (local.get $n)) (then (return (i32.mul (local.get $i) (i32.const 7)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))
    (i32.const -1))
  (func $fact (export "fact") (param $n i32) (result i64) (local $acc i64) (local $k i32)
    @U
    (if (result i64) (i32.lt_u (local.get $n) (i32.const 2))
      (then (i64.const 1))
      (else
        (loop $add
          @U
          (local.set $acc (i64.add (local.get $acc) (call $fact (i32.sub (local.get $n) (i32.const 1)))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $add (i32.lt_u (local.get $k) (i32.const 2))))
        (i64.mul (i64.shr_u (local.get $acc) (i64.const 1)) (i64.extend_i32_u (local.get $n))))))
  (func (export "spin") (loop $l @U (br $l)))
)`.replaceAll('@U', U);

const exceptions = `
(module $eh
  (global $units (export "units") (mut i32) (i32.const 0))
  (tag $e (param i32))
  ;; throws odd i > 2
  (func $thrower (param i32)
    @U
    (if (i32.and (i32.gt_u (local.get 0) (i32.const 2)) (i32.and (local.get 0) (i32.const 1)))
      (then (throw $e (local.get 0)))))
  ;; throws when i >= n
  (func $final (param i32 i32) @U (if (i32.ge_u (local.get 0) (local.get 1)) (then (throw $e (local.get 0)))))
  (func (export "eh") (param $n i32) (result i32) (local $i i32) (local $k i32) (local $caught i32)
    @U
    (try $outer
      (do
        (loop $l
          @U
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (try
            (do (call $thrower (local.get $i)))
            (catch $e
              (local.set $caught (i32.add (local.get $caught)))
              (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
          (try
            (do
              (local.set $k (i32.const 0))
              (loop $m
                @U
                (call $final (local.get $i) (local.get $n))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br_if $m (i32.lt_u (local.get $k) (i32.const 2)))))
            (delegate $outer))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
      (catch_all (local.set $caught (i32.add (local.get $caught) (i32.const 1000)))))
    (local.get $caught))
)`.replaceAll('@U', U);

interface Case {
  module: string;
  flags: string[];
  features: number;
  calls: [string, number[]][];
}

const cases: Case[] = [
  {
    module: control,
    flags: [],
    features: defaultFeatures,
    calls: [['table', [13]], ['nested', [12]], ['results', [5]], ['params', [6]], ['early', [9]], ['fact', [6]]],
  },
  { module: exceptions, flags: ['--enable-exceptions'], features: defaultFeatures | Features.exceptions, calls: [['eh', [6]], ['eh', [1]]] },
];

for (const eng of testEngines()) {
  const skip = eng.unavailable ?? watUnavailable() ?? false;
  const instantiate = (c: Case, config: RuntimeConfig) => {
    const rt = eng.runtime(config.withFeatures(c.features));
    const m = rt.instantiate(rt.compile(wat(c.module, ...c.flags)), newModuleConfig().withName(''));
    return { rt, m, units: () => m.exportedGlobal('units')!.get() as number };
  };

  test(`[${eng.name}] fuel equals the module's own count of entries and loop headers; results unchanged`, { skip, timeout: 60_000 }, () => {
    for (const c of cases) {
      const plain = instantiate(c, newRuntimeConfig());
      const metered = instantiate(c, newRuntimeConfig().withFuel(1e9));
      const bounded = instantiate(c, newRuntimeConfig().withCloseOnContextDone(true));
      for (const [fn, args] of c.calls) {
        const before = metered.units();
        const want = plain.m.exportedFunction(fn)!.call(...args);
        assert.deepEqual(metered.m.exportedFunction(fn)!.call(...args), want, `${fn}(${args})`);
        assert.deepEqual(bounded.m.exportedFunction(fn)!.callWith({ timeout: 10_000 }, ...args), want, `${fn}(${args}) bounded`);
        assert.equal(metered.rt.fuelConsumed(), metered.units(), `${fn}(${args}): fuel vs the module's count`);
        assert.ok(metered.units() > before, `${fn} counted something`);
      }
      for (const x of [plain, metered, bounded]) x.rt.close();
    }
  });

  test(`[${eng.name}] fuel runs out exactly at the limit: the guest counted L units`, { skip, timeout: 60_000 }, () => {
    for (const c of cases) {
      for (const [fn, args] of c.calls) {
        const full = instantiate(c, newRuntimeConfig().withFuel(1e9));
        full.m.exportedFunction(fn)!.call(...args);
        const total = full.rt.fuelConsumed();
        full.rt.close();
        for (const limit of [1, 2, 3, Math.floor(total / 2), total - 1]) {
          if (limit < 1 || limit >= total) continue;
          const x = instantiate(c, newRuntimeConfig().withFuel(limit));
          assert.throws(() => x.m.exportedFunction(fn)!.call(...args), (e: unknown) => e instanceof Trap && e.code === TrapCode.fuelExhausted, `${fn} at ${limit}`);
          assert.equal(x.rt.fuelConsumed(), limit, `${fn}(${args}) limit ${limit}`);
          assert.equal(x.units(), limit, `${fn}(${args}) limit ${limit}: units counted by the guest`);
          x.rt.close();
        }
        const exact = instantiate(c, newRuntimeConfig().withFuel(total));
        exact.m.exportedFunction(fn)!.call(...args); // exactly enough
        assert.equal(exact.rt.fuelConsumed(), total);
        exact.rt.close();
      }
    }
  });

  test(`[${eng.name}] a loop of the rewritten kinds is stopped by a timeout`, { skip }, () => {
    const x = instantiate(cases[0]!, newRuntimeConfig().withCloseOnContextDone(true));
    assert.throws(() => x.m.exportedFunction('spin')!.callWith({ timeout: 30 }), /deadline exceeded/);
    x.rt.close();
  });
}
