// Automatic engine choice: the compiler when the host supports every feature the module uses (probed
// once per feature), else the interpreter; `compiler` with an unsupported module is a clear
// CompileError; under `node --jitless` (no WebAssembly global) `auto` uses the interpreter.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CompileError, Features, newRuntime, newRuntimeConfig } from '../../src/index.js';
import { SIMD, hostFeatures, usedFeatures } from '../../src/engine/compiler/features.js';
import { decodeModule } from '../../src/binary/decode.js';
import { projectRoot } from '../support/spec-suite.js';
import { wat, watUnavailable } from '../support/wat.js';

const noWasm = typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'object' ? 'no WebAssembly here' : false;
const skip = noWasm || (watUnavailable() ?? false);

const mem64 = '(module (memory i64 1) (func (export "size") (result i64) (memory.size)))';

test('host features are probed once and cached', { skip: noWasm }, () => {
  const f = hostFeatures();
  assert.equal(hostFeatures(), f);
  // Node 20's V8 runs these natively (see ../shared/suites/PROVENANCE.md).
  for (const flag of [SIMD, Features.tailCall, Features.exceptions, Features.threads]) assert.ok(f & flag, `feature 0x${flag.toString(16)}`);
});

test('a module\'s used features: declarations first, bodies only for what they alone show', { skip }, () => {
  const all = Features.memory64 | Features.threads | Features.tailCall | Features.exceptions | SIMD;
  const use = (src: string, flags: string[], features: number) => usedFeatures(decodeModule(wat(src, ...flags), { features }), all, features);
  assert.equal(use(mem64, ['--enable-memory64'], Features.memory64), Features.memory64);
  assert.equal(use('(module (func (return_call 0)))', ['--enable-tail-call'], Features.tailCall), Features.tailCall);
  assert.equal(use('(module (memory 1 1 shared))', ['--enable-threads'], Features.threads), Features.threads);
  assert.equal(use('(module (func (drop (i32x4.splat (i32.const 1)))))', [], 0), SIMD);
  assert.equal(use('(module (func (result i32) (i32.const 1)))', [], 0), 0);
});

test('engine "compiler" refuses a module using a feature the host lacks; "auto" does not pick it', { skip }, () => {
  if (hostFeatures() & Features.memory64) return; // a host with memory64 runs it
  const bytes = wat(mem64, '--enable-memory64');
  const compiler = newRuntime(newRuntimeConfig().withEngine('compiler').withFeatures(Features.memory64));
  assert.throws(() => compiler.compile(bytes), (e: unknown) => {
    assert.ok(e instanceof CompileError);
    assert.equal(e.kind, 'unsupported');
    assert.match(e.message, /^the compiler engine cannot run this module: the host's WebAssembly does not support memory64/);
    return true;
  });
  const auto = newRuntime(newRuntimeConfig().withFeatures(Features.memory64));
  try {
    assert.equal(auto.compile(bytes).engine, 'interpreter');
  } catch (e) {
    // Until the interpreter lands it refuses everything: what matters is that it was asked.
    assert.match((e as Error).message, /interpreter/);
  }
  const plain = newRuntime();
  assert.equal(plain.compile(wat('(module (func (export "f")))')).engine, 'compiler');
});

test('under node --jitless, "auto" uses the interpreter', () => {
  const index = pathToFileURL(path.join(projectRoot, 'dist', 'src', 'index.js')).href;
  const script = `
    const { newRuntime } = await import(${JSON.stringify(index)});
    const rt = newRuntime();
    let engine;
    try { engine = rt.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])).engine; }
    catch (e) { engine = /interpreter/.test(e.message) ? 'interpreter (' + e.message + ')' : 'error: ' + e.message; }
    console.log(JSON.stringify({ wasm: typeof WebAssembly, engine }));`;
  const r = spawnSync(process.execPath, ['--jitless', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { wasm: string; engine: string };
  assert.equal(out.wasm, 'undefined');
  assert.match(out.engine, /^interpreter/);
});
