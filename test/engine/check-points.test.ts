// The interrupt-only checking points (src/runtime/check-points.ts): which function entries must be
// checked when only interruption is on. Each case is a module whose unchecked entries would let a
// guest run on without a check (recursion through imports or tables, loop-free call trees that run
// exponentially long), or a function the analysis may leave unchecked; and the compiler engine is
// then run on the dangerous ones to see that a deadline still stops them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultFeatures } from '../../src/api/features.js';
import { decodeModule } from '../../src/binary/decode.js';
import { ExternKind, importCounts } from '../../src/binary/types.js';
import { BUDGET, interruptPoints } from '../../src/runtime/check-points.js';
import { ExitCode, ExitError, newModuleConfig, newRuntime, newRuntimeConfig } from '../../src/index.js';
import { wat, watUnavailable } from '../support/wat.js';

const skip = watUnavailable() ?? undefined;

/** The analysis of `text`, with entry/pure flags by function name (names from a `$name` export). */
function analyse(text: string): { entry: Map<string, boolean>; pure: Map<string, boolean> } {
  const m = decodeModule(wat(text), { features: defaultFeatures });
  const pts = interruptPoints(m, defaultFeatures);
  const imported = importCounts(m).funcs;
  const entry = new Map<string, boolean>();
  const pure = new Map<string, boolean>();
  for (const e of m.exports) {
    if (e.kind !== ExternKind.func || e.index < imported) continue;
    entry.set(e.name, pts.entry[e.index - imported] === 1);
    pure.set(e.name, pts.pure[e.index - imported] === 1);
  }
  return { entry, pure };
}

test('a leaf and a small loop-free call chain are not checked at entry; loops make a function impure', { skip }, () => {
  const { entry, pure } = analyse(`
    (module
      (func $leaf (export "leaf") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
      (func $chain (export "chain") (param i32) (result i32) (call $leaf (call $leaf (local.get 0))))
      (func $looping (export "looping") (loop $l (br $l))))`);
  assert.equal(entry.get('leaf'), false);
  assert.equal(entry.get('chain'), false);
  assert.equal(entry.get('looping'), false, 'its loop is checked, not its entry');
  assert.equal(pure.get('leaf'), true);
  assert.equal(pure.get('chain'), true);
  assert.equal(pure.get('looping'), false);
});

test('direct and mutual recursion are checked at entry', { skip }, () => {
  const { entry } = analyse(`
    (module
      (func $self (export "self") (call $self))
      (func $a (export "a") (call $b))
      (func $b (export "b") (call $c))
      (func $c (export "c") (call $a))
      (func $outside (export "outside") (call $a)))`);
  assert.equal(entry.get('self'), true);
  assert.equal(entry.get('a'), true);
  assert.equal(entry.get('b'), true);
  assert.equal(entry.get('c'), true);
  assert.equal(entry.get('outside'), false, 'calls into a cycle but is not on it');
});

test('recursion through an imported function: exported functions that call imports are checked', { skip }, () => {
  // The host's $back may call "reenter" again: a cycle through the host that no call inside the
  // module shows.
  const { entry, pure } = analyse(`
    (module
      (import "env" "back" (func $back))
      (func $reenter (export "reenter") (call $helper))
      (func $helper (call $back))
      (func $quiet (export "quiet") (result i32) (i32.const 1)))`);
  assert.equal(entry.get('reenter'), true);
  assert.equal(entry.get('quiet'), false, 'escapes, but calls out to nothing');
  assert.equal(pure.get('quiet'), true);
});

test('recursion through a table, filled by an element segment or by ref.func, is checked', { skip }, () => {
  const { entry } = analyse(`
    (module
      (type $t (func (param i32)))
      (table 3 funcref)
      (elem (i32.const 0) $viaElem)
      (elem (i32.const 2) $hidden)
      (elem declare func $target)
      (func $viaElem (export "viaElem") (param i32)
        (call_indirect (type $t) (local.get 0) (i32.const 0)))
      ;; not exported: escapes only through the element segment, and calls back into the table
      (func $hidden (param i32) (call $helper (local.get 0)))
      (func $helper (export "helper") (param i32)
        (call_indirect (type $t) (local.get 0) (i32.const 2)))
      (func $setter (export "setter") (table.set 0 (i32.const 1) (ref.func $target)))
      ;; reached only through the table, after $setter put it there
      (func $target (param i32) (call $caller (local.get 0)))
      (func $caller (export "caller") (param i32)
        (call_indirect (type $t) (local.get 0) (i32.const 1))))`);
  assert.equal(entry.get('viaElem'), true, 'in the table and calls through it');
  assert.equal(entry.get('caller'), true, 'calls through the table into $target, which calls it');
  assert.equal(entry.get('helper'), true, 'on a cycle with $hidden through the table');
  assert.equal(entry.get('setter'), false);
});

test('an exponential loop-free call tree gets checked entries before it exceeds the budget', { skip }, () => {
  // f_k calls f_{k-1} twice: with no check, f_30 would run 2^30 leaf calls.
  let funcs = '(func $f0 (export "f0") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))\n';
  for (let k = 1; k <= 30; k++) {
    funcs += `(func $f${k} (export "f${k}") (param i32) (result i32) (call $f${k - 1} (call $f${k - 1} (local.get 0))))\n`;
  }
  const { entry } = analyse(`(module ${funcs})`);
  const checked = [...entry].filter(([, c]) => c).map(([n]) => Number(n.slice(1)));
  assert.ok(checked.length > 0, 'some entry must be checked');
  // Each unchecked level doubles what a call runs unchecked, so there can be no more than
  // log2(BUDGET) of them in a row (bodies are several bytes each).
  let since = 0;
  for (let k = 0; k <= 30; k++) {
    since = entry.get(`f${k}`) ? 0 : since + 1;
    assert.ok(since <= Math.log2(BUDGET), `f${k}: ${since} unchecked levels in a row`);
  }
});

test('the compiler with a deadline stops recursion through a table and an exponential call tree', { skip }, () => {
  let funcs = '(func $f0 (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))\n';
  for (let k = 1; k <= 60; k++) {
    funcs += `(func $f${k} (param i32) (result i32) (call $f${k - 1} (call $f${k - 1} (local.get 0))))\n`;
  }
  const bytes = wat(`
    (module
      (type $t (func (param i32) (result i32)))
      (table 1 funcref)
      (elem (i32.const 0) $viaTable)
      ;; 2^n calls through the table at depth n: never ends, never overflows
      (func $viaTable (export "viaTable") (param $n i32) (result i32)
        (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
        (drop (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0)))
        (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1)) (i32.const 0)))
      ${funcs}
      (func (export "tree") (result i32) (call $f60 (i32.const 0))))`);
  const runtime = newRuntime(newRuntimeConfig().withEngine('compiler').withCloseOnContextDone(true));
  try {
    const compiled = runtime.compile(bytes);
    for (const [name, args] of [
      ['viaTable', [1000]],
      ['tree', []],
    ] as const) {
      const inst = runtime.instantiate(compiled, newModuleConfig().withName(name));
      // A guest that is never stopped hangs the test: no timing is asserted.
      assert.throws(
        () => inst.exportedFunction(name)!.callWith({ timeout: 50 }, ...args),
        (e: unknown) => e instanceof ExitError && e.exitCode === ExitCode.deadlineExceeded,
        name,
      );
    }
  } finally {
    runtime.close();
  }
});

test('a loop whose every iteration first calls a checked function needs no check of its own', { skip }, () => {
  const m = decodeModule(
    wat(`
      (module
        (func $rec (param i32) (result i32) (call $rec (local.get 0)))
        ;; 0: calls $rec before anything can branch: free
        (func (export "free") (param $n i32) (result i32)
          (loop $l (result i32)
            (drop (call $rec (local.get $n)))
            (br_if $l (local.get $n))
            (i32.const 0)))
        ;; 1: a branch back can skip the call; 2: the call is inside a block; 3: an import or a table
        ;; call is no check
        (func (export "skippable") (param $n i32)
          (loop $l
            (br_if $l (local.get $n))
            (drop (call $rec (local.get $n)))))
        (func (export "nested") (param $n i32)
          (loop $l
            (block (drop (call $rec (local.get $n))))
            (br $l)))
        (func $leaf (param i32) (result i32) (local.get 0))
        (func (export "unchecked") (param $n i32)
          (loop $l
            (drop (call $leaf (local.get $n)))
            (br $l))))`),
    { features: defaultFeatures },
  );
  const pts = interruptPoints(m, defaultFeatures);
  assert.equal(pts.entry[0], 1, '$rec is recursive');
  assert.deepEqual([...(pts.freeLoops[1] ?? [])], [1]);
  assert.equal(pts.freeLoops[2], null, 'a br_if before the call');
  assert.equal(pts.freeLoops[3], null, 'the call is in a nested block');
  assert.equal(pts.freeLoops[5], null, '$leaf is not checked at entry');
});

test('traces through clones and their wrappers name the original functions, as the interpreter does', { skip }, () => {
  // $g is called directly (so it gets a clone) and exported (so its index keeps a wrapper); its loop
  // makes it charge. A trap in it must show $g (then $f), never the wrapper or the clone's index.
  const bytes = wat(`
    (module
      (func $g (export "g") (param i32) (result i32)
        (loop $l (br_if $l (i32.eqz (local.get 0))))
        (i32.div_u (i32.const 1) (i32.sub (local.get 0) (i32.const 1))))
      (func $f (export "f") (param i32) (result i32) (call $g (i32.sub (local.get 0) (i32.const 1)))))`);
  const traces = (engine: 'compiler' | 'interpreter') => {
    const runtime = newRuntime(newRuntimeConfig().withEngine(engine).withCloseOnContextDone(true));
    const m = runtime.instantiate(runtime.compile(bytes));
    const out: string[] = [];
    for (const [name, arg] of [
      ['f', 2],
      ['g', 1],
    ] as const) {
      try {
        m.exportedFunction(name)!.callWith({ timeout: 10_000 }, arg);
        out.push('no trap');
      } catch (e) {
        out.push(String((e as Error).message));
      }
    }
    runtime.close();
    return out;
  };
  const compiled = traces('compiler');
  assert.match(compiled[0]!, /divide by zero\nwasm stack trace:\n\t\.g\(i32\) i32\n\t\.f\(i32\) i32$/);
  assert.match(compiled[1]!, /divide by zero\nwasm stack trace:\n\t\.g\(i32\) i32$/);
  assert.deepEqual(compiled, traces('interpreter'));
});
