// The compilation cache: what an entry vouches for (validation is skipped), the engines' payload
// hooks, entries that are corrupt or belong to another configuration, and the directory store.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CompileError, newCompilationCache, newCompilationCacheWithDir, newRuntime, newRuntimeConfig, VERSION } from '../../src/index.js';
import type { CompilationCache } from '../../src/index.js';
import type { Module } from '../../src/binary/types.js';
import { cacheKeyText, entryFor } from '../../src/runtime/compilation-cache.js';
import type { CompileOptions, Engine, EngineModule } from '../../src/runtime/engine.js';
import { RuntimeImpl } from '../../src/runtime/runtime.js';
import { CLI, program } from '../cli/support.js';

const NO_INSTRUMENT = { fuel: false, interrupt: false };
const hello = () => new Uint8Array(fs.readFileSync(program('hello')));
// (func (result i32)) with an empty body: decodes, does not validate.
const INVALID = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b]);

/** A cache that records what the runtime asks of it. */
function recording(inner: CompilationCache = newCompilationCache()) {
  const log: string[] = [];
  const cache: CompilationCache = {
    get: (n) => {
      const v = inner.get(n);
      log.push(v ? 'hit' : 'miss');
      return v;
    },
    set: (n, d) => {
      log.push('set');
      inner.set(n, d);
    },
  };
  return { cache, log, inner };
}

/** An engine that runs nothing but records compile/serialize/deserialize, with a payload. */
function fakeEngine(payload: Uint8Array | null) {
  const calls: string[] = [];
  const em = (how: string): EngineModule => ({ kind: 'interpreter', instantiate: () => { throw new Error(how); } });
  const engine: Engine = {
    kind: 'interpreter',
    unsupported: () => null,
    compile: (_m: Module, _o: CompileOptions) => (calls.push('compile'), em('compiled')),
    serialize: () => (calls.push('serialize'), payload),
    deserialize: (_m, _o, p) => {
      calls.push(`deserialize ${[...p].join(',')}`);
      if (p[0] === 0xee) throw new Error('not mine');
      return em('restored');
    },
  };
  return { engine, calls };
}
const fakeRuntime = (engine: Engine, cache: CompilationCache) =>
  new RuntimeImpl(newRuntimeConfig().withEngine('interpreter').withCompilationCache(cache), { interpreter: engine, compiler: null });

test('a hit skips nothing it should not: same bytes and config hit, anything else misses', () => {
  const { cache, log } = recording();
  const c1 = newRuntimeConfig().withCompilationCache(cache);
  for (let i = 0; i < 2; i++) {
    const rt = newRuntime(c1);
    rt.compile(hello());
    rt.close();
  }
  assert.deepEqual(log, ['miss', 'set', 'hit']);
  // Other features, limits or engine choice: another entry.
  const rt = newRuntime(c1.withCallStackLimit(1000));
  rt.compile(hello());
  rt.close();
  assert.deepEqual(log.slice(3), ['miss', 'set']);
});

test('the key holds everything that could change a compile', () => {
  const c = newRuntimeConfig();
  const base = cacheKeyText(c, 'ab', NO_INSTRUMENT);
  for (const [what, k] of [
    ['module', cacheKeyText(c, 'cd', NO_INSTRUMENT)],
    ['fuel', cacheKeyText(c, 'ab', { fuel: true, interrupt: false })],
    ['deadlines', cacheKeyText(c, 'ab', { fuel: false, interrupt: true })],
    ['features', cacheKeyText(c.withFeatures(0), 'ab', NO_INSTRUMENT)],
    ['engine', cacheKeyText(c.withEngine('interpreter'), 'ab', NO_INSTRUMENT)],
    ['stack limit', cacheKeyText(c.withCallStackLimit(7), 'ab', NO_INSTRUMENT)],
    ['memory limit', cacheKeyText(c.withMemoryLimitPages(7), 'ab', NO_INSTRUMENT)],
  ] as const) assert.notEqual(k, base, what);
  assert.match(base, new RegExp(`^wasmbox ${VERSION.replace(/\./g, '\\.')}\n`));
  assert.match(base, /\nhost v8 /);
});

test('an entry vouches for validation: an invalid module with a forged entry is not re-validated', () => {
  const { engine } = fakeEngine(null);
  const cache = newCompilationCache();
  assert.throws(() => fakeRuntime(engine, cache).compile(INVALID), (e: Error) => e instanceof CompileError && e.kind === 'invalid');
  const config = newRuntimeConfig().withEngine('interpreter').withCompilationCache(cache);
  const { name, data } = entryFor(config, INVALID, NO_INSTRUMENT, 'interpreter', null);
  cache.set(name, data);
  assert.doesNotThrow(() => fakeRuntime(engine, cache).compile(INVALID));
});

test('engine payloads: serialize on a miss, deserialize on a hit, recompile when refused', () => {
  const { engine, calls } = fakeEngine(new Uint8Array([7, 8, 9]));
  const store = recording();
  fakeRuntime(engine, store.cache).compile(hello());
  assert.deepEqual(calls, ['compile', 'serialize']);
  calls.length = 0;
  fakeRuntime(engine, store.cache).compile(hello());
  assert.deepEqual(calls, ['deserialize 7,8,9']); // a matching entry is neither re-made nor rewritten
  assert.deepEqual(store.log, ['miss', 'set', 'hit']);
  // A payload the engine refuses: compile, and the entry is replaced.
  const refusing = fakeEngine(new Uint8Array([0xee]));
  const s2 = recording();
  fakeRuntime(refusing.engine, s2.cache).compile(hello());
  fakeRuntime(refusing.engine, s2.cache).compile(hello());
  assert.deepEqual(refusing.calls, ['compile', 'serialize', 'deserialize 238', 'compile', 'serialize']);
  assert.deepEqual(s2.log, ['miss', 'set', 'hit', 'set']);
});

test('corrupt, truncated or foreign entries are ignored and rebuilt', () => {
  const config = newRuntimeConfig();
  const good = entryFor(config, hello(), NO_INSTRUMENT, 'compiler', null);
  const other = entryFor(config.withFeatures(0), hello(), NO_INSTRUMENT, 'compiler', null).data;
  const damage: [string, (d: Uint8Array) => Uint8Array][] = [
    ['empty', () => new Uint8Array(0)],
    ['truncated', (d) => d.subarray(0, d.length - 5)],
    ['cut in the header', (d) => d.subarray(0, 10)],
    ['one byte garbled', (d) => { const c = d.slice(); c[20] ^= 0x40; return c; }],
    ['checksum garbled', (d) => { const c = d.slice(); c[c.length - 1] ^= 1; return c; }],
    ['bad magic', (d) => { const c = d.slice(); c[0] = 0; return c; }],
    ['another configuration’s entry', () => other],
    ['trailing bytes', (d) => new Uint8Array([...d, 0])],
  ];
  for (const [what, f] of damage) {
    const store = recording();
    store.inner.set(good.name, f(good.data));
    const rt = newRuntime(config.withCompilationCache(store.cache));
    assert.throws(() => rt.compile(INVALID), CompileError, `${what}: still validates`);
    rt.compile(hello());
    rt.close();
    assert.deepEqual(store.log.slice(-2), ['hit', 'set'], `${what}: read, refused and rewritten`);
    assert.deepEqual(store.inner.get(good.name), good.data, `${what}: the rewritten entry is the right one`);
  }
});

test('a cache that fails to store does not fail the compile; bad caches are refused', () => {
  const broken: CompilationCache = { get: () => { throw new Error('io'); }, set: () => { throw new Error('full'); } };
  const rt = newRuntime(newRuntimeConfig().withCompilationCache(broken));
  assert.equal(rt.compile(hello()).engine, 'compiler');
  rt.close();
  assert.throws(() => newRuntime(newRuntimeConfig().withCompilationCache({} as CompilationCache)), /RuntimeConfig\.compilationCache/);
});

test('directory cache: layout, refusal of a file, atomic writes', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-cache-'));
  try {
    const file = path.join(base, 'f');
    fs.writeFileSync(file, '');
    assert.throws(() => newCompilationCacheWithDir(file), /not a directory/);
    const c = newCompilationCacheWithDir(path.join(base, 'a', 'b'));
    assert.equal(c.dir, path.join(base, 'a', 'b', `wasmbox-${VERSION}`));
    assert.equal(c.get('nope'), undefined);
    c.set('x', new Uint8Array([1, 2]));
    c.set('x', new Uint8Array([3]));
    assert.deepEqual(c.get('x'), new Uint8Array([3]));
    assert.deepEqual(fs.readdirSync(c.dir), ['x']);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

test('directory cache: concurrent processes fill one entry, and later runs use it', async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-cache-'));
  try {
    const run = () =>
      new Promise<number>((resolve, reject) => {
        const p = spawn(process.execPath, [CLI, 'compile', `-cachedir=${base}`, program('fsops')], { stdio: 'ignore' });
        p.on('error', reject);
        p.on('exit', (code) => resolve(code ?? -1));
      });
    const codes = await Promise.all(Array.from({ length: 6 }, run));
    assert.deepEqual(codes, [0, 0, 0, 0, 0, 0]);
    const dir = path.join(base, `wasmbox-${VERSION}`);
    const names = fs.readdirSync(dir);
    assert.equal(names.length, 1, `one entry, no temporary files left: ${names}`);
    const entry = path.join(dir, names[0]!);
    const before = fs.statSync(entry).mtimeMs;
    const rt = newRuntime(newRuntimeConfig().withCompilationCache(newCompilationCacheWithDir(base)));
    rt.compile(fs.readFileSync(program('fsops')));
    rt.close();
    assert.equal(fs.statSync(entry).mtimeMs, before, 'a valid entry is used, not rewritten');
    // The CLI's own entry is valid for the library, and the other way round: one key.
    assert.deepEqual(entryFor(newRuntimeConfig(), new Uint8Array(fs.readFileSync(program('fsops'))), NO_INSTRUMENT, 'compiler', null).name, names[0]);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
