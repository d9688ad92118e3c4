// An interpreter runtime's memories are plain buffers with room to grow (src/runtime/store.ts,
// MemoryInst): growth must never detach a buffer (that would slow every typed-array access in the
// process), must keep the contents, must show zeroed new pages, and every reader — the executor, the
// public Memory view, WASI — must see exactly the memory's size, not the buffer's.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instantiateWasi, newModuleConfig, newRuntime, newRuntimeConfig } from '../../src/index.js';
import { wat, watUnavailable } from '../support/wat.js';

const skip = watUnavailable() ?? false;

const grower = `
(module
  (memory (export "memory") 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2))))`;

const PAGE = 65536;

function interpreterRuntime() {
  return newRuntime(newRuntimeConfig().withEngine('interpreter'));
}

test('interpreter memory: growth never detaches the old buffer, and every view has the exact size', { skip }, () => {
  const rt = interpreterRuntime();
  const m = rt.instantiate(rt.compile(wat(grower)), newModuleConfig().withName('g'));
  const f = (n: string) => m.exportedFunction(n)!;
  const mem = m.memory()!;
  const before = mem.buffer();
  assert.equal(f('grow').call(1)[0], 1);
  assert.equal(before.byteLength > 0, true, 'the buffer from before the growth is not detached');
  assert.equal(mem.size(), 2 * PAGE);
  assert.equal(mem.bytes().length, 2 * PAGE, 'bytes() is exactly the memory, whatever the buffer holds');
  assert.equal(mem.buffer().byteLength >= mem.size(), true);
  // The last byte is in bounds for the guest and the API; the next one is not, for either.
  f('store8').call(2 * PAGE - 1, 7);
  assert.equal(mem.readByte(2 * PAGE - 1), 7);
  assert.throws(() => f('store8').call(2 * PAGE, 1), /out of bounds memory access/);
  assert.throws(() => f('load8').call(2 * PAGE), /out of bounds memory access/);
  assert.throws(() => f('fill').call(2 * PAGE - 1, 1, 2), /out of bounds memory access/);
  assert.throws(() => f('copy').call(0, 2 * PAGE - 1, 2), /out of bounds memory access/);
  assert.throws(() => mem.readByte(2 * PAGE), /out of bounds/);
  rt.close();
});

test('interpreter memory: a page at a time keeps contents, zeroes new pages, and copies only now and then', { skip }, () => {
  const rt = interpreterRuntime();
  const m = rt.instantiate(rt.compile(wat(grower)), newModuleConfig().withName('g'));
  const f = (n: string) => m.exportedFunction(n)!;
  const mem = m.memory()!;
  const buffers = new Set<ArrayBuffer>([mem.buffer()]);
  for (let p = 1; p <= 64; p++) {
    f('store8').call(p * PAGE - 1, p);
    assert.equal(f('grow').call(1)[0], p);
    buffers.add(mem.buffer());
    assert.equal(f('load8').call((p + 1) * PAGE - 1)[0], 0, `page ${p} is zero when it appears`);
  }
  for (let p = 1; p <= 64; p++) assert.equal(f('load8').call(p * PAGE - 1)[0], p, `byte written before growth ${p} kept`);
  assert.equal(mem.size(), 65 * PAGE);
  // Doubling: 1 -> 16 -> 32 -> 64 -> 128 pages of room, so at most five buffers for 64 growths.
  assert.equal(buffers.size <= 5, true, `${buffers.size} buffers for 64 growths`);
  rt.close();
});

test('interpreter memory: WASI sees memory grown in place (fd_write from a new page)', { skip }, () => {
  const rt = interpreterRuntime();
  instantiateWasi(rt);
  const out: string[] = [];
  const cfg = newModuleConfig()
    .withName('p')
    .withStdout({ write: (d: Uint8Array) => out.push(new TextDecoder().decode(d)) });
  const m = rt.instantiate(
    rt.compile(
      wat(`(module
        (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "say") (result i32)
          ;; the first growth moves to a roomier buffer; then a write, so WASI caches its views of the
          ;; two-page memory; the second growth is in place (same buffer), then a write from page 3
          (drop (memory.grow (i32.const 1)))
          (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 1))
          (i32.store8 (i32.const 16) (i32.const 65))
          (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
          (drop (memory.grow (i32.const 1)))
          (i32.store8 (i32.const 140000) (i32.const 66))
          (i32.store (i32.const 0) (i32.const 140000))
          (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))`),
    ),
    cfg,
  );
  assert.equal(m.exportedFunction('say')!.call()[0], 0, 'fd_write from the new page succeeds (not EFAULT)');
  assert.equal(out.join(''), 'AB');
  rt.close();
});
