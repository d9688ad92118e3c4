// The interpreter under `node --jitless` (no JIT, no WebAssembly global): a small program through the
// public API, and a slice of the spec suite through the spec runner. Each runs in a child process.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { projectRoot, suiteUnavailable } from '../support/spec-suite.js';
import { wat, watUnavailable } from '../support/wat.js';

// (module (func $fac (export "fac") (param i64) (result i64)
//   (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
//     (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))
const facModule = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7e, 0x01, 0x7e,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x07, 0x01, 0x03, 0x66, 0x61, 0x63, 0x00, 0x00,
  0x0a, 0x17, 0x01, 0x15, 0x00, 0x20, 0x00, 0x50, 0x04, 0x7e, 0x42, 0x01, 0x05, 0x20, 0x00, 0x20, 0x00, 0x42,
  0x01, 0x7d, 0x10, 0x00, 0x7e, 0x0b, 0x0b,
];

describe('interpreter under node --jitless', () => {
  it('runs a small program through the public API without WebAssembly', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-jitless-'));
    const script = path.join(dir, 'main.mjs');
    const index = pathToFileURL(path.join(projectRoot, 'dist', 'src', 'index.js')).href;
    fs.writeFileSync(script, `
      import { newRuntime, newRuntimeConfig, Trap } from ${JSON.stringify(index)};
      const rt = newRuntime(newRuntimeConfig());
      const inst = rt.instantiateBytes(new Uint8Array(${JSON.stringify(facModule)}));
      const fac = inst.exportedFunction('fac');
      console.log(typeof WebAssembly, String(fac.call(20n)[0]), String(fac.call(25n)[0]));
      try { fac.call(-1n); } catch (e) { console.log(e instanceof Trap ? e.code : 'not a trap: ' + e); }
    `);
    try {
      const r = spawnSync(process.execPath, ['--jitless', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'undefined 2432902008176640000 7034535277573963776\ncall stack exhausted');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('grows memory in place: many one-page grows stay linear, and every byte survives', { skip: watUnavailable() ?? undefined }, () => {
    const growModule = Array.from(wat(`(module (memory (export "memory") 1)
      (func (export "grow") (param i32) (result i32) (local i32)
        (loop (drop (memory.grow (i32.const 1)))
          (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (memory.size))
          (br_if 0 (i32.ne (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0))))
        (memory.size)))`));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-jitless-'));
    const script = path.join(dir, 'grow.mjs');
    const index = pathToFileURL(path.join(projectRoot, 'dist', 'src', 'index.js')).href;
    fs.writeFileSync(script, `
      import { newRuntime } from ${JSON.stringify(index)};
      const inst = newRuntime().instantiateBytes(new Uint8Array(${JSON.stringify(growModule)}));
      const pages = inst.exportedFunction('grow').call(1500)[0];
      const mem = inst.memory();
      let ok = mem.size() === pages * 65536;
      for (let p = 2; p <= pages; p++) ok &&= mem.readUint32Le(p * 65536 - 4) === p;
      console.log(pages, ok);
    `);
    try {
      // Copying the whole memory on each grow took minutes here; growing in place takes milliseconds.
      const r = spawnSync(process.execPath, ['--jitless', script], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), '1501 true');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const why = suiteUnavailable();
  it('passes spec files through the spec runner', { skip: why ?? undefined }, () => {
    const spec = path.join(projectRoot, 'dist', 'scripts', 'spec.js');
    const r = spawnSync(process.execPath, ['--jitless', spec, '--engine', 'interpreter',
      '--only', 'module,register,action,assert_return,assert_trap,assert_exhaustion,assert_unlinkable,assert_uninstantiable',
      'i64.wast', 'fac.wast', 'call_indirect.wast', 'float_memory.wast', 'simd_f32x4_arith.wast'], { encoding: 'utf8' });
    const last = r.stdout.trim().split('\n').pop()!;
    assert.match(last, /^\d+ passed, 0 failed, \d+ skipped$/, r.stdout.slice(-2000) + r.stderr);
    assert.ok(Number(last.split(' ')[0]) > 1000, last);
  });
});
