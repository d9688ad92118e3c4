import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Features, newModuleConfig, newRuntime, newRuntimeConfig } from '../../src/index.js';

test('RuntimeConfig: each withX returns a copy with one field changed', () => {
  const base = newRuntimeConfig();
  const cases: [string, () => unknown, string, unknown][] = [
    ['withEngine', () => base.withEngine('interpreter'), 'engine', 'interpreter'],
    ['withFeatures', () => base.withFeatures(Features.threads), 'features', Features.threads],
    ['withCallStackLimit', () => base.withCallStackLimit(123), 'callStackLimit', 123],
    ['withMemoryLimitPages', () => base.withMemoryLimitPages(10), 'memoryLimitPages', 10],
  ];
  const fields = ['engine', 'features', 'callStackLimit', 'memoryLimitPages'] as const;
  for (const [what, make, field, value] of cases) {
    const c = make() as Record<string, unknown>;
    assert.notEqual(c, base, `${what} must return a new object`);
    assert.equal(c[field], value, `${what} sets ${field}`);
    for (const f of fields) {
      if (f !== field) assert.equal(c[f], base[f], `${what} must leave ${f} alone`);
    }
  }
  assert.equal(base.engine, 'auto', 'the original is unchanged');
});

test('RuntimeConfig and ModuleConfig are frozen', () => {
  const rc = newRuntimeConfig();
  assert.ok(Object.isFrozen(rc));
  assert.throws(() => {
    (rc as { engine: string }).engine = 'compiler';
  }, TypeError);
  const mc = newModuleConfig().withStartFunctions('a', 'b');
  assert.ok(Object.isFrozen(mc));
  assert.ok(Object.isFrozen(mc.startFunctions));
  assert.throws(() => (mc.startFunctions as string[]).push('c'), TypeError);
});

test('ModuleConfig defaults and copies', () => {
  const base = newModuleConfig();
  assert.equal(base.name, undefined);
  assert.deepEqual(base.startFunctions, ['_start']);
  const named = base.withName('m');
  assert.equal(named.name, 'm');
  assert.equal(base.name, undefined);
  const none = named.withStartFunctions();
  assert.deepEqual(none.startFunctions, []);
  assert.equal(none.name, 'm', 'withStartFunctions keeps the name');
});

test('bad runtime configuration is rejected where it is used, naming the field', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['engine', () => newRuntime(newRuntimeConfig().withEngine('fast' as 'auto')), /RuntimeConfig\.engine/],
    ['features', () => newRuntime(newRuntimeConfig().withFeatures(1 << 30)), /RuntimeConfig\.features/],
    ['callStackLimit', () => newRuntime(newRuntimeConfig().withCallStackLimit(0)), /RuntimeConfig\.callStackLimit/],
    ['callStackLimit non-integer', () => newRuntime(newRuntimeConfig().withCallStackLimit(1.5)), /callStackLimit/],
    ['memoryLimitPages', () => newRuntime(newRuntimeConfig().withMemoryLimitPages(70000)), /RuntimeConfig\.memoryLimitPages/],
  ];
  for (const [what, run, msg] of cases) {
    assert.throws(run, (e: Error) => e instanceof TypeError && msg.test(e.message), what);
  }
});

test('compile rejects what is not bytes, clearly', () => {
  const rt = newRuntime();
  assert.throws(() => rt.compile('not bytes' as unknown as Uint8Array), /ArrayBuffer or a typed array/);
  rt.close();
});
