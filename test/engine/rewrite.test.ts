// The compiler engine's module rewrite (src/engine/compiler/rewrite.ts): adding the checkpoint import
// renumbers the module's functions everywhere a function index is held, and the rewritten module
// validates and behaves as the original.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Features, defaultFeatures } from '../../src/api/features.js';
import { decodeModule } from '../../src/binary/decode.js';
import { Op } from '../../src/binary/opcodes.js';
import { ExternKind } from '../../src/binary/types.js';
import { planHostModule } from '../../src/engine/compiler/rewrite.js';
import { newCompilationCache, newModuleConfig, newRuntime, newRuntimeConfig } from '../../src/index.js';
import { validateModule } from '../../src/validate/index.js';
import { wat, watUnavailable } from '../support/wat.js';

const noWasm = typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'object' ? 'no WebAssembly here' : false;
const skip = noWasm || (watUnavailable() ?? false);

const remap = `
(module $remap
  (import "env" "add" (func $hadd (param i32 i32) (result i32)))
  (import "env" "g" (global $ig i32))
  (import "env" "mem" (memory 1))
  (import "env" "log" (func $log (param i32)))
  (type $ii (func (param i32) (result i32)))
  (table $t (export "table") 4 funcref)
  (global $fr (export "fr") funcref (ref.func $double))
  (global $count (export "count") (mut i32) (i32.const 0))
  (elem (table $t) (i32.const 0) func $double $triple)
  (elem $pass funcref (ref.func $square) (ref.null func))
  (elem declare func $square)
  (func $double (export "double") (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $triple (type $ii) (i32.mul (local.get 0) (i32.const 3)))
  (func $square (param $x i32) (result i32) (local $unused i64) (i32.mul (local.get $x) (local.get $x)))
  (func $init (global.set $count (i32.add (global.get $ig) (i32.const 100))) (call $log (i32.const 7)))
  (start $init)
  (func $indirect (export "indirect") (param $slot i32) (param $v i32) (result i32)
    (call_indirect $t (type $ii) (local.get $v) (local.get $slot)))
  (func (export "via_ref") (param i32) (result i32)
    (table.set $t (i32.const 2) (ref.func $square))
    (call $indirect (i32.const 2) (local.get 0)))
  (func (export "via_global") (param i32) (result i32)
    (table.set $t (i32.const 2) (global.get $fr))
    (call $indirect (i32.const 2) (local.get 0)))
  (func (export "via_segment") (param i32) (result i32)
    (table.init $t $pass (i32.const 3) (i32.const 0) (i32.const 1))
    (call $indirect (i32.const 3) (local.get 0)))
  (func (export "host_add") (param i32 i32) (result i32) (call $hadd (local.get 0) (local.get 1)))
  (func (export "tail") (param i32) (result i32) (return_call $triple (local.get 0)))
  (func (export "sum_to") (param $n i32) (result i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $s))
  (func $to_int (export "to_int") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "log_twice") (param i32) (call $log (local.get 0)) (call $log (local.get 0)))
)`;

const calls: [string, number[]][] = [
  ['double', [21]],
  ['indirect', [0, 5]],
  ['indirect', [1, 5]],
  ['via_ref', [9]],
  ['via_global', [9]],
  ['via_segment', [6]],
  ['host_add', [2, 40]],
  ['tail', [14]],
  ['sum_to', [100]],
  ['to_int', [-7.9]],
];

function runAll(instrumented: boolean) {
  let config = newRuntimeConfig().withEngine('compiler');
  if (instrumented) config = config.withFuel(1e9).withCloseOnContextDone(true);
  const rt = newRuntime(config);
  const logged: number[] = [];
  rt.newHostModuleBuilder('env')
    .exportFunction('add', { params: ['i32', 'i32'], results: ['i32'] }, (_c, a: number, b: number) => a + b)
    .exportFunction('log', { params: ['i32'], results: [] }, (_c, v: number) => void logged.push(v))
    .exportGlobal('g', 'i32', 5)
    .exportMemory('mem', { min: 1 })
    .instantiate();
  const m = rt.instantiate(rt.compile(wat(remap, '--enable-tail-call')), newModuleConfig());
  const out: unknown[] = [m.exportedGlobal('count')!.get(), [...logged]];
  for (const [fn, args] of calls) out.push(fn, m.exportedFunction(fn)!.call(...args));
  m.exportedFunction('log_twice')!.call(3);
  out.push(logged, m.exportedTable('table')!.size());
  const consumed = rt.fuelConsumed();
  rt.close();
  return { out, consumed };
}

test('rewrite: every function index moves past the checkpoint import, and the module validates', { skip }, () => {
  const bytes = wat(remap, '--enable-tail-call');
  const features = defaultFeatures;
  const m = decodeModule(bytes, { features });
  const plan = planHostModule(m, bytes, { features, instrument: true });
  assert.equal(plan.rewritten, true);
  assert.equal(plan.shift, 1);
  assert.equal(plan.importedFuncs, 2);
  assert.ok(WebAssembly.validate(plan.bytes), 'the host validates the rewritten module');
  const r = decodeModule(plan.bytes, { features });
  validateModule(r, features);

  const moved = (i: number) => (i < 2 ? i : i + 1);
  // The checkpoint import comes after the module's own imports.
  assert.equal(r.imports.length, m.imports.length + 1);
  assert.deepEqual(r.imports.slice(0, m.imports.length), m.imports);
  assert.equal(r.imports.at(-1)!.desc.kind, ExternKind.func);
  // Names: function names and local names follow their functions.
  for (const [i, name] of m.names!.functions) assert.equal(r.names!.functions.get(moved(i)), name, name);
  const square = [...m.names!.functions].find(([, n]) => n === 'square')![0];
  assert.deepEqual(r.names!.locals.get(moved(square)), m.names!.locals.get(square));
  // Exports keep their names and point at the same functions; hidden exports are added.
  for (const e of m.exports) {
    const re = r.exports.find((x) => x.name === e.name)!;
    assert.equal(re.kind, e.kind);
    assert.equal(re.index, e.kind === ExternKind.func ? moved(e.index) : e.index, e.name);
  }
  // The start function is deferred: no start section, a hidden export of $init instead.
  assert.equal(r.start, null);
  assert.equal(r.exports.find((e) => e.name === plan.hidden.start)!.index, moved(m.start!));
  // Element segments and global initialisers hold the moved indices.
  const refFuncs = (ms: typeof m) => [
    ...ms.elems.flatMap((e) => e.init.flat()),
    ...ms.globals.flatMap((g) => g.init),
  ].filter((i) => i.op === Op.ref_func).map((i) => i.index!);
  assert.deepEqual(refFuncs(r), refFuncs(m).map(moved));
  // Every original body gained the entry check; the checkpoint helper was appended.
  assert.equal(r.codes.length, m.codes.length + 1);
  assert.equal(plan.slow, 2 + 1 + m.codes.length);
});

test('rewrite: the instrumented module behaves as the original', { skip }, () => {
  const plain = runAll(false);
  const instrumented = runAll(true);
  assert.deepEqual(instrumented.out, plain.out);
  assert.equal(plain.consumed, 0);
  assert.ok(instrumented.consumed > 100, `consumed ${instrumented.consumed}`);
});

test('rewrite: without instrumentation, only functions needing exact trap texts change', { skip }, () => {
  const bytes = wat(remap, '--enable-tail-call');
  const m = decodeModule(bytes, { features: defaultFeatures });
  const plan = planHostModule(m, bytes, { features: defaultFeatures, instrument: false });
  assert.equal(plan.shift, 0);
  const r = decodeModule(plan.bytes, { features: defaultFeatures });
  const changed = m.codes.map((c, i) => Buffer.compare(Buffer.from(c.body), Buffer.from(r.codes[i]!.body)) !== 0);
  // Functions with call_indirect or a trapping float-to-int conversion: $indirect and to_int.
  const changedNames = changed.map((c, i) => (c ? (m.names!.functions.get(i + 2) ?? `$${i + 2}`) : null)).filter((x) => x);
  assert.deepEqual(changedNames, ['indirect', 'to_int']);
});

test('rewrite: a module with nothing to change is handed to the host as it is', { skip }, () => {
  const bytes = wat('(module (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))');
  const m = decodeModule(bytes, { features: defaultFeatures });
  const plan = planHostModule(m, bytes, { features: defaultFeatures, instrument: false });
  assert.equal(plan.rewritten, false);
  assert.equal(plan.bytes, bytes);
});

test('rewrite: exception handling, multi-value loops and SIMD bodies stay valid when instrumented', { skip }, () => {
  const src = `(module
    (tag $e (param i32))
    (func (export "f") (param i32) (result i32 i64)
      (try (result i32 i64)
        (do (i32.const 1) (i64.const 2)
          (loop (param i32 i64) (result i32 i64) (br_if 0 (i32.const 0))))
        (catch $e (drop) (i32.const 3) (i64.const 4))
        (catch_all (i32.const 5) (i64.const 6))))
    (func (export "v") (result v128) (loop (result v128) (v128.const i32x4 1 2 3 4))))`;
  const features = Features.exceptions | defaultFeatures;
  const bytes = wat(src, '--enable-exceptions');
  const plan = planHostModule(decodeModule(bytes, { features }), bytes, { features, instrument: true });
  assert.ok(WebAssembly.validate(plan.bytes));
});

test('rewrite: an instrumented module comes back from the compilation cache and meters the same', { skip }, () => {
  const cache = newCompilationCache();
  const bytes = wat(remap, '--enable-tail-call');
  const stored: number[] = [];
  const spy = { get: (n: string) => cache.get(n), set: (n: string, d: Uint8Array) => (stored.push(d.length), cache.set(n, d)) };
  const run = () => {
    const rt = newRuntime(newRuntimeConfig().withEngine('compiler').withFuel(1e9).withCompilationCache(spy));
    rt.newHostModuleBuilder('env')
      .exportFunction('add', { params: ['i32', 'i32'], results: ['i32'] }, (_c, a: number, b: number) => a + b)
      .exportFunction('log', { params: ['i32'], results: [] }, () => {})
      .exportGlobal('g', 'i32', 5)
      .exportMemory('mem', { min: 1 })
      .instantiate();
    const m = rt.instantiate(rt.compile(bytes), newModuleConfig());
    const r = [m.exportedFunction('sum_to')!.call(50), m.exportedFunction('via_segment')!.call(4), rt.fuelConsumed()];
    rt.close();
    return r;
  };
  const first = run();
  assert.equal(stored.length, 1);
  assert.ok(stored[0]! > bytes.length, 'the entry carries the rewritten module');
  assert.deepEqual(run(), first);
  assert.equal(stored.length, 1, 'the second compile used the entry');
});
