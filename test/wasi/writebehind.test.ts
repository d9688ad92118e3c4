// Write-behind of small fd_writes to host files (src/sys/writebehind.ts): the buffering must never be
// visible. Inside one guest call (`Guest.batch`, so nothing returns to the host in between), whatever
// fd_write reported written is seen by every other descriptor, stat, seek, path call, stream write and
// other instance; the host sees it in its host functions, when the call returns, traps or exits; a
// write error found when flushing reaches the guest (or a process warning). Each case also counts
// the write system calls, so that it is known the bytes really were buffered when observed.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ExitError, Features, Trap, defaultFeatures, instantiateWasi, newFSConfig, newModuleConfig, newRuntimeConfig } from '../../src/index.js';
import { SysContext } from '../../src/sys/context.js';
import { pending } from '../../src/sys/writebehind.js';
import { MemoryInst } from '../../src/runtime/store.js';
import type { HostCaller } from '../../src/runtime/store.js';
import { Eventtype, Fdflags, Oflags, Rights, WhenceP1 } from '../../src/wasi/constants.js';
import { wasiPreview1Functions, wasiUnstableFunctions } from '../../src/wasi/index.js';
import { testEngines } from '../support/engines.js';
import { wat, watUnavailable } from '../support/wat.js';
import { type Guest, makeGuest } from './support.js';

const DIR = 3;
const RW = Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK | Rights.FD_TELL | Rights.FD_FILESTAT_GET |
  Rights.FD_FILESTAT_SET_SIZE | Rights.FD_SYNC | Rights.FD_DATASYNC | Rights.POLL_FD_READWRITE;

/** Runs fn counting fs.writeSync calls (the host FS writes through it). */
function counted<T>(fn: () => T): [T, number] {
  const orig = fs.writeSync;
  let n = 0;
  (fs as { writeSync: unknown }).writeSync = function (this: unknown, ...a: unknown[]) {
    n++;
    return (orig as (...x: unknown[]) => number).apply(this, a);
  };
  try {
    return [fn(), n];
  } finally {
    (fs as { writeSync: unknown }).writeSync = orig;
  }
}

function hostDir(): { dir: string; read(name: string): string; done(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-wb-'));
  return { dir, read: (n) => fs.readFileSync(path.join(dir, n), 'utf8'), done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A guest over a fresh host directory; `file(name)` opens name (created, read+write) and gives its fd. */
function world(eng: Parameters<typeof makeGuest>[0]) {
  const h = hostDir();
  const { rt, g } = makeGuest(eng, newModuleConfig().withFSConfig(newFSConfig().withDirMount(h.dir, '/work')));
  const file = (name: string, fdflags = 0): number => {
    const [e, fd] = g.open(DIR, name, { oflags: Oflags.CREAT, rights: RW, fdflags });
    assert.equal(e, 0, `open ${name}`);
    return fd;
  };
  return { ...h, rt, g, file, done: () => { rt.close(); h.done(); } };
}

/** Arguments of an fd_write of `text` (the nwritten result goes to scratch). */
function writeArgs(g: Guest, fd: number, text: string): ['fd_write', number, number, number, number] {
  const [iov] = g.iov(text);
  return ['fd_write', fd, iov, 1, g.alloc(4)];
}

for (const eng of testEngines()) {
  const skip = eng.unavailable ?? watUnavailable() ?? false;

  test(`[${eng.name}] write-behind: small writes in one guest call become one system call, out when the call returns`, { skip }, () => {
    const w = world(eng);
    try {
      const fd = w.file('f.txt');
      const calls = Array.from({ length: 100 }, (_, i) => writeArgs(w.g, fd, `line ${String(i).padStart(3, '0')}\n`));
      const [errs, n] = counted(() => w.g.batch(...calls));
      assert.deepEqual(new Set(errs), new Set([0]));
      assert.equal(n, 1, 'one write for 100 fd_writes');
      assert.equal(w.read('f.txt'), Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')}\n`).join(''));
      assert.equal(pending.file, null);
      // More than the buffer holds (80000 bytes in 5000 iovecs of 16): it is written out when full.
      const [p] = w.g.bytes('0123456789abcdef');
      const iovs = w.g.alloc(5000 * 8);
      for (let i = 0; i < 5000; i++) {
        w.g.mem.writeUint32Le(iovs + i * 8, p);
        w.g.mem.writeUint32Le(iovs + i * 8 + 4, 16);
      }
      const nw = w.g.alloc(4);
      const [[e2], n2] = counted(() => w.g.batch(['fd_write', fd, iovs, 5000, nw]));
      assert.equal(e2, 0);
      assert.equal(w.g.u32(nw), 80000);
      assert.equal(n2, 2, 'a full 64 KiB buffer, then the rest');
      assert.equal(w.read('f.txt').length, 100 * 9 + 80000);
      assert.equal(w.read('f.txt').slice(900), '0123456789abcdef'.repeat(5000));
    } finally {
      w.done();
    }
  });

  test(`[${eng.name}] write-behind: other descriptors, stat, seek, poll and path calls see buffered bytes`, { skip }, () => {
    const w = world(eng);
    const g = w.g;
    try {
      // Each case: fd_write "hello" on A, then the observer, in one guest call.
      let k = 0;
      const fresh = () => {
        const name = `f${k++}.txt`;
        const a = w.file(name);
        const b = w.file(name);
        return { name, a, b };
      };
      const run = (...calls: Parameters<Guest['batch']>) => {
        const [errs, n] = counted(() => g.batch(...calls));
        assert.ok(n >= 1);
        return errs;
      };
      {
        const { a, b } = fresh();
        const [iov, buf] = g.iov(16);
        const nr = g.alloc(4);
        assert.deepEqual(run(writeArgs(g, a, 'hello'), ['fd_read', b, iov, 1, nr]), [0, 0]);
        assert.equal(g.text(buf, g.u32(nr)), 'hello', 'fd_read on another descriptor');
      }
      {
        const { a } = fresh();
        const [iov, buf] = g.iov(16);
        const nr = g.alloc(4);
        assert.deepEqual(run(writeArgs(g, a, 'hello'), ['fd_pread', a, iov, 1, 0n, nr]), [0, 0]);
        assert.equal(g.text(buf, g.u32(nr)), 'hello', 'fd_pread on the same descriptor');
      }
      for (const which of ['a', 'b'] as const) {
        const f = fresh();
        const st = g.alloc(64);
        assert.deepEqual(run(writeArgs(g, f.a, 'hello'), ['fd_filestat_get', f[which], st]), [0, 0]);
        assert.equal(g.u64(st + 32), 5n, `fd_filestat_get on ${which}`);
      }
      {
        const { name, a } = fresh();
        const [p, l] = g.bytes(name);
        const st = g.alloc(64);
        assert.deepEqual(run(writeArgs(g, a, 'hello'), ['path_filestat_get', DIR, 1, p, l, st]), [0, 0]);
        assert.equal(g.u64(st + 32), 5n, 'path_filestat_get');
      }
      {
        const { b, a } = fresh();
        const out = g.alloc(8);
        assert.deepEqual(run(writeArgs(g, a, 'hello'), ['fd_seek', b, 0n, WhenceP1.END, out]), [0, 0]);
        assert.equal(g.u64(out), 5n, 'fd_seek to the end');
      }
      {
        const { a, b } = fresh();
        const sub = g.alloc(48);
        g.mem.writeUint64Le(sub, 7n);
        g.mem.writeByte(sub + 8, Eventtype.FD_READ);
        g.mem.writeUint32Le(sub + 16, b);
        const ev = g.alloc(32);
        const nev = g.alloc(4);
        assert.deepEqual(run(writeArgs(g, a, 'hello'), ['poll_oneoff', sub, ev, 1, nev]), [0, 0]);
        assert.equal(g.u64(ev + 16), 5n, 'poll_oneoff FD_READ: bytes to read');
      }
      {
        const { name, a } = fresh();
        const [p, l] = g.bytes(name);
        const out = g.alloc(4);
        assert.deepEqual(run(writeArgs(g, a, 'hello'), ['path_open', DIR, 0, p, l, Oflags.TRUNC, RW, 0n, 0, out]), [0, 0]);
        assert.equal(w.read(name), '', 'O_TRUNC after the write empties the file');
      }
      {
        const { name, a } = fresh();
        assert.deepEqual(run(writeArgs(g, a, 'hello'), ['fd_filestat_set_size', a, 2n]), [0, 0]);
        assert.equal(w.read(name), 'he', 'truncation after the write');
      }
      {
        const { name, a, b } = fresh();
        assert.deepEqual(run(writeArgs(g, a, 'hello'), writeArgs(g, b, 'XY')), [0, 0]);
        assert.equal(w.read(name), 'XYllo', 'a write on another descriptor lands over the buffered one');
      }
      {
        const { name, a, b } = fresh();
        assert.deepEqual(run(writeArgs(g, a, 'aaaa'), writeArgs(g, b, 'bb'), writeArgs(g, a, 'cc')), [0, 0, 0]);
        assert.equal(w.read(name), 'bbaacc', 'interleaved descriptors keep their order');
      }
      {
        const { name, a } = fresh();
        const c = w.file(name, Fdflags.APPEND);
        assert.deepEqual(run(writeArgs(g, a, 'hello'), writeArgs(g, c, '!!')), [0, 0]);
        assert.equal(w.read(name), 'hello!!', 'an append goes after the buffered bytes');
      }
      {
        const { name, a } = fresh();
        const out = g.alloc(8);
        assert.deepEqual(run(writeArgs(g, a, 'hello'), ['fd_seek', a, 0n, WhenceP1.SET, out], writeArgs(g, a, 'J')), [0, 0, 0]);
        assert.equal(w.read(name), 'Jello', 'a seek back, then an overwrite');
      }
      {
        const { name, a } = fresh();
        const big = 'z'.repeat(10000);
        assert.deepEqual(run(writeArgs(g, a, 'ab'), writeArgs(g, a, big), writeArgs(g, a, 'cd')), [0, 0, 0]);
        assert.equal(w.read(name), 'ab' + big + 'cd', 'a large write between small ones');
      }
      {
        const { name, a, b } = fresh();
        const [iov, buf] = g.iov(16);
        const nr = g.alloc(4);
        assert.deepEqual(run(writeArgs(g, a, 'hello'), writeArgs(g, 1, 'to stdout'), ['fd_close', a], ['fd_read', b, iov, 1, nr]), [0, 0, 0, 0]);
        assert.equal(g.text(buf, g.u32(nr)), 'hello', 'after a stdout write and fd_close');
        assert.equal(w.read(name), 'hello');
      }
      {
        const { name, a } = fresh();
        const [p, l] = g.bytes(name);
        const [q, m] = g.bytes('renamed.txt');
        assert.deepEqual(run(writeArgs(g, a, 'hello'), ['path_rename', DIR, p, l, DIR, q, m], writeArgs(g, a, ' world')), [0, 0, 0]);
        assert.equal(w.read('renamed.txt'), 'hello world', 'writes before and after a rename');
      }
    } finally {
      w.done();
    }
  });

  test(`[${eng.name}] write-behind: the host sees every byte in its functions, on return, trap and exit`, { skip }, () => {
    const h = hostDir();
    try {
      const rt = eng.runtime();
      instantiateWasi(rt);
      let seen: string[] = [];
      rt.newHostModuleBuilder('env')
        .exportFunction('peek', { params: [], results: [] }, () => {
          seen.push(h.read('f.txt'));
        })
        .instantiate();
      // open(): fd of /work/f.txt; w(fd, n): n writes of "ab"; then peek, trap or exit as asked.
      const mod = rt.compile(wat(`(module
        (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (import "env" "peek" (func $peek))
        (memory (export "memory") 1)
        (data (i32.const 100) "f.txt")
        (data (i32.const 200) "ab")
        (data (i32.const 16) "\\c8\\00\\00\\00\\02\\00\\00\\00")
        (func (export "open") (result i32)
          (drop (call $open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 5) (i32.const 1) (i64.const ${RW}) (i64.const 0) (i32.const 0) (i32.const 0)))
          (i32.load (i32.const 0)))
        (func $w (param $fd i32) (param $n i32)
          (loop $l
            (drop (call $write (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 8)))
            (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
            (br_if $l)))
        (func (export "write_peek") (param i32) (call $w (local.get 0) (i32.const 3)) (call $peek) (call $w (local.get 0) (i32.const 1)))
        (func (export "write") (param i32) (call $w (local.get 0) (i32.const 2)))
        (func (export "write_trap") (param i32) (call $w (local.get 0) (i32.const 2)) unreachable)
        (func (export "write_exit") (param i32) (call $w (local.get 0) (i32.const 2)) (call $exit (i32.const 3))))`));
      const inst = rt.instantiate(mod, newModuleConfig().withFSConfig(newFSConfig().withDirMount(h.dir, '/work')).withStartFunctions());
      const fd = inst.exportedFunction('open')!.call()[0] as number;
      const [, n1] = counted(() => inst.exportedFunction('write_peek')!.call(fd));
      assert.deepEqual(seen, ['ababab'], 'a host function called by the guest sees the bytes');
      assert.equal(h.read('f.txt'), 'abababab', 'and the host sees the rest when the call returns');
      assert.equal(n1, 2);
      seen = [];
      inst.exportedFunction('write')!.call(fd);
      assert.equal(h.read('f.txt'), 'abababababab');
      assert.throws(() => inst.exportedFunction('write_trap')!.call(fd), Trap);
      assert.equal(h.read('f.txt'), 'abababababababab', 'a trap flushes');
      assert.throws(() => inst.exportedFunction('write_exit')!.call(fd), (e) => e instanceof ExitError && e.exitCode === 3);
      assert.equal(h.read('f.txt'), 'abababababababababab', 'proc_exit flushes');
      rt.close();
    } finally {
      h.done();
    }
  });

  test(`[${eng.name}] write-behind: another instance called straight from wasm sees the bytes`, { skip }, () => {
    const h = hostDir();
    try {
      fs.writeFileSync(path.join(h.dir, 'f.txt'), '');
      const rt = eng.runtime();
      instantiateWasi(rt);
      const cfg = newModuleConfig().withFSConfig(newFSConfig().withDirMount(h.dir, '/work')).withStartFunctions();
      const open = `(func $openf (result i32)
          (drop (call $open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 5) (i32.const 0) (i64.const ${RW}) (i64.const 0) (i32.const 0) (i32.const 0)))
          (i32.load (i32.const 0)))`;
      const imports = `(import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))`;
      // The reader: size() opens f.txt afresh and reads it, returning how many bytes it got.
      rt.instantiate(rt.compile(wat(`(module ${imports}
        (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 100) "f.txt")
        (data (i32.const 16) "\\00\\01\\00\\00\\00\\01\\00\\00")
        ${open}
        (func (export "size") (result i32) (drop (call $read (call $openf) (i32.const 16) (i32.const 1) (i32.const 8))) (i32.load (i32.const 8))))`)), cfg.withName('reader'));
      const writer = rt.instantiate(rt.compile(wat(`(module ${imports}
        (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
        (import "reader" "size" (func $size (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 100) "f.txt")
        (data (i32.const 200) "hello")
        (data (i32.const 16) "\\c8\\00\\00\\00\\05\\00\\00\\00")
        ${open}
        (func (export "run") (result i32)
          (drop (call $write (call $openf) (i32.const 16) (i32.const 1) (i32.const 8)))
          (call $size)))`)), cfg.withName('writer'));
      const [r, n] = counted(() => writer.exportedFunction('run')!.call());
      assert.deepEqual(r, [5], 'the other instance read what the writer had buffered');
      assert.equal(n, 1);
      rt.close();
    } finally {
      h.done();
    }
  });

  test(`[${eng.name}] write-behind: an error found when flushing reaches the guest, or a warning`, { skip }, async () => {
    const w = world(eng);
    try {
      const fd = w.file('f.txt');
      assert.deepEqual(w.g.write(fd, 'x'), [0, 1], 'a first write: the file is known to be a regular file');
      // Swap the host descriptor under the file for /dev/full, where every write is ENOSPC.
      const hf = (w.g.inst as unknown as { record: { sys: SysContext } }).record.sys.fds[fd]!.file as unknown as { fd: number };
      fs.closeSync(hf.fd);
      const full = fs.openSync('/dev/full', 'w');
      if (full !== hf.fd) {
        fs.closeSync(full);
        return; // cannot arrange the swap here
      }
      assert.deepEqual(w.g.write(fd, 'buffered'), [0, 8], 'buffered: the write reports success');
      assert.equal(w.g.write(fd, 'next')[0], 51 /* ENOSPC */, 'the next fd_write reports the failed flush');
      assert.deepEqual(w.g.write(fd, 'again'), [0, 5]);
      assert.equal(w.g.call('fd_sync', fd), 51, 'fd_sync reports it');
      assert.deepEqual(w.g.write(fd, 'and again'), [0, 9]);
      assert.equal(w.g.call('fd_close', fd), 51, 'fd_close reports it (and closes)');
      assert.equal(w.g.call('fd_close', fd), 8 /* EBADF */);
      // Not reported before the instance closes: a process warning.
      const fd2 = w.file('g.txt');
      assert.deepEqual(w.g.write(fd2, 'x'), [0, 1]);
      const hf2 = (w.g.inst as unknown as { record: { sys: SysContext } }).record.sys.fds[fd2]!.file as unknown as { fd: number };
      fs.closeSync(hf2.fd);
      const full2 = fs.openSync('/dev/full', 'w');
      if (full2 !== hf2.fd) {
        fs.closeSync(full2);
        return;
      }
      assert.deepEqual(w.g.write(fd2, 'lost'), [0, 4]);
      const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
      w.g.inst.close();
      const warning = await warned;
      assert.match(warning.message, /\/work\/g\.txt.*ENOSPC/);
    } finally {
      w.done();
    }
  });
}

test('write-behind: every WASI function is a flush point, except fd_write to the buffered file', () => {
  const h = hostDir();
  try {
    for (const [variant, defs] of [['preview1', wasiPreview1Functions()], ['unstable', wasiUnstableFunctions()]] as const) {
      const mem = new MemoryInst({ limits: { min: 1 } });
      const sys = new SysContext(newModuleConfig().withFSConfig(newFSConfig().withDirMount(h.dir, '/work')));
      const caller: HostCaller = { moduleName: 't', memory: () => mem, sys };
      const fn = (name: string) => defs.find((d) => d.name === name)!.fn;
      const u8 = new Uint8Array(mem.buffer);
      const dv = new DataView(mem.buffer);
      u8.set(new TextEncoder().encode(`${variant}.txt`), 100);
      assert.equal(fn('path_open')(caller, DIR, 0, 100, variant.length + 4, Oflags.CREAT, RW, 0n, 0, 200), 0);
      const fd = dv.getUint32(200, true);
      dv.setUint32(300, 400, true);
      dv.setUint32(304, 16, true);
      const buffer = () => {
        assert.equal(fn('fd_write')(caller, fd, 300, 1, 500), 0);
        assert.notEqual(pending.file, null, 'a small write is buffered');
      };
      buffer();
      buffer();
      assert.notEqual(pending.file, null, 'a write to the same file keeps the buffer');
      assert.equal(fn('fd_write')(caller, 1, 300, 1, 500), 0);
      assert.equal(pending.file, null, 'fd_write to another descriptor flushes');
      for (const d of defs) {
        if (d.name === 'fd_write') continue;
        buffer();
        const args = d.params.map((t) => (t === 0x7e ? 0n : 0));
        try {
          d.fn(caller, ...args);
        } catch (e) {
          if (!(e instanceof ExitError)) throw e;
        }
        assert.equal(pending.file, null, `${variant} ${d.name} flushes`);
      }
      sys.close();
      assert.equal(fs.statSync(path.join(h.dir, `${variant}.txt`)).size, 16 * (1 + defs.length));
    }
  } finally {
    h.done();
  }
});

// Last: it turns write-behind off for the rest of this process.
for (const eng of testEngines()) {
  const skip = eng.unavailable ?? watUnavailable() ?? false;
  test(`[${eng.name}] write-behind: never once a shared memory is in use (another thread could see the file)`, { skip }, () => {
    const w = world(eng);
    try {
      const fd = w.file('f.txt');
      // The first engine's run of this test turns buffering off for the process; later ones start off.
      const wasOff = pending.disabled;
      const [, before] = counted(() => w.g.batch(writeArgs(w.g, fd, 'a'), writeArgs(w.g, fd, 'b')));
      assert.equal(before, wasOff ? 2 : 1);
      // Any runtime in this thread: the flag is the thread's.
      const rt2 = eng.runtime(newRuntimeConfig().withFeatures(defaultFeatures | Features.threads));
      rt2.instantiate(rt2.compile(wat('(module (memory 1 1 shared))', '--enable-threads')));
      rt2.close();
      assert.equal(pending.disabled, true);
      const [, after] = counted(() => w.g.batch(writeArgs(w.g, fd, 'c'), writeArgs(w.g, fd, 'd')));
      assert.equal(after, 2);
      assert.equal(w.read('f.txt'), 'abcd');
    } finally {
      w.done();
    }
  });
}

