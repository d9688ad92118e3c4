// Each WASI function's success and error paths, through a guest on every engine, on the in-memory FS
// and a host directory; plus _start/proc_exit, stdio, defaults, and wasi_unstable's layouts.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ExitError, type FSConfig, instantiateWasi, memoryFS, newFSConfig, newModuleConfig } from '../../src/index.js';
import { Clockid, Errno, Fdflags, Filetype, Fstflags, Oflags, RIGHTS_DIR, Rights, WASI_UNSTABLE, WhenceP1, WhenceUnstable } from '../../src/wasi/constants.js';
import { FAKE_EPOCH_NS, sysNanotime, sysWalltime } from '../../src/sys/context.js';
import { testEngines } from '../support/engines.js';
import { wat, watUnavailable } from '../support/wat.js';
import { makeGuest } from './support.js';

const FD = 3;
const ALL_FILE = Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK | Rights.FD_TELL | Rights.FD_FILESTAT_GET |
  Rights.FD_FILESTAT_SET_SIZE | Rights.FD_FILESTAT_SET_TIMES | Rights.FD_ALLOCATE | Rights.FD_ADVISE |
  Rights.FD_SYNC | Rights.FD_DATASYNC | Rights.FD_FDSTAT_SET_FLAGS | Rights.POLL_FD_READWRITE;

function fsKinds(): [string, () => { cfg: FSConfig; done(): void }][] {
  return [
    ['memory FS', () => ({ cfg: newFSConfig().withFSMount(memoryFS({ 'hello.txt': 'hello world\n', 'sub/': null }), '/work'), done() {} })],
    ['host directory', () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-fn-'));
      fs.writeFileSync(path.join(d, 'hello.txt'), 'hello world\n');
      fs.mkdirSync(path.join(d, 'sub'));
      return { cfg: newFSConfig().withDirMount(d, '/work'), done: () => fs.rmSync(d, { recursive: true, force: true }) };
    }],
  ];
}

for (const eng of testEngines()) {
  const skip = eng.unavailable ?? watUnavailable() ?? false;

  test(`[${eng.name}] args and environ: UTF-8 byte sizes, empty strings, order`, { skip }, () => {
    const cfg = newModuleConfig().withArgs('prog', '', 'héllo ✓').withEnv('A', '1').withEnv('EMPTY', '').withEnv('Ü', 'ö');
    const { rt, g } = makeGuest(eng, cfg);
    assert.equal(g.call('args_sizes_get', 0, 4), 0);
    assert.equal(g.u32(0), 3);
    const bytes = Buffer.byteLength('prog\0\0héllo ✓\0');
    assert.equal(g.u32(4), bytes);
    assert.equal(g.call('args_get', 100, 200), 0);
    const ptrs = [g.u32(100), g.u32(104), g.u32(108)];
    assert.deepEqual(ptrs, [200, 205, 206]);
    assert.equal(g.text(206, Buffer.byteLength('héllo ✓')), 'héllo ✓');
    assert.equal(g.call('environ_sizes_get', 0, 4), 0);
    assert.deepEqual([g.u32(0), g.u32(4)], [3, Buffer.byteLength('A=1\0EMPTY=\0Ü=ö\0')]);
    assert.equal(g.call('environ_get', 100, 300), 0);
    assert.equal(g.text(g.u32(104), 6), 'EMPTY=');
    assert.equal(g.call('args_get', 0xfffffff0, 200), Errno.EFAULT);
    assert.equal(g.call('environ_sizes_get', 0, 0x7fffffff), Errno.EFAULT);
    rt.close();
    assert.throws(() => makeGuest(eng, newModuleConfig().withEnv('A=B', 'x')), /withEnv: invalid key/);
    assert.throws(() => makeGuest(eng, newModuleConfig().withArgs('a\0b')), /withArgs/);
  });

  test(`[${eng.name}] defaults: no args/env, stdin at EOF, stdout discarded, fake clocks, deterministic random`, { skip }, () => {
    const { rt, g } = makeGuest(eng);
    g.call('args_sizes_get', 0, 4);
    assert.deepEqual([g.u32(0), g.u32(4)], [0, 0]);
    assert.deepEqual(g.read(0), [0, '']);
    assert.deepEqual(g.write(1, 'discarded'), [0, 9]);
    assert.equal(g.call('clock_time_get', Clockid.REALTIME, 0n, 0), 0);
    assert.equal(g.u64(0), FAKE_EPOCH_NS);
    g.call('clock_time_get', Clockid.REALTIME, 0n, 0);
    assert.equal(g.u64(0), FAKE_EPOCH_NS + 1_000_000n, 'walltime advances 1 ms per reading');
    g.call('clock_time_get', Clockid.MONOTONIC, 0n, 0);
    assert.equal(g.u64(0), 0n);
    g.call('clock_time_get', Clockid.MONOTONIC, 0n, 0);
    assert.equal(g.u64(0), 1_000_000n);
    for (const id of [Clockid.PROCESS_CPUTIME_ID, Clockid.THREAD_CPUTIME_ID]) assert.equal(g.call('clock_time_get', id, 0n, 0), 0);
    assert.equal(g.call('clock_res_get', Clockid.REALTIME, 0), 0);
    assert.equal(g.u64(0), 1000n);
    assert.equal(g.call('clock_res_get', Clockid.MONOTONIC, 0), 0);
    assert.equal(g.u64(0), 1n);
    assert.equal(g.call('clock_res_get', 9, 0), Errno.EINVAL);
    assert.equal(g.call('clock_time_get', 9, 0n, 0), Errno.EINVAL);
    assert.equal(g.call('clock_time_get', 0, 0n, 0x7ffffffc), Errno.EFAULT);
    assert.equal(g.call('random_get', 0, 16), 0);
    const first = g.mem.read(0, 16);
    assert.equal(g.call('random_get', 0, 0), 0, 'zero length');
    assert.equal(g.call('random_get', 1024, 100000), 0, 'large buffer');
    assert.equal(g.call('random_get', 0x1fff0, 100), Errno.EFAULT);
    assert.equal(g.call('sched_yield'), 0);
    rt.close();
    const again = makeGuest(eng);
    again.g.call('random_get', 0, 16);
    assert.deepEqual(again.g.mem.read(0, 16), first, 'the same bytes every run');
    again.rt.close();
  });

  test(`[${eng.name}] configured clocks, nanosleep, random source, osyield and stdio`, { skip }, () => {
    const out: Uint8Array[] = [];
    const slept: bigint[] = [];
    let yields = 0;
    const cfg = newModuleConfig()
      .withWalltime(() => 42n, 7n)
      .withNanotime(() => 99n, 3n)
      .withNanosleep((ns) => slept.push(ns))
      .withRandSource((b) => b.fill(0xab))
      .withOsyield(() => yields++)
      .withStdin('line 1\nline 2\n')
      .withStdout({ write: (d: Uint8Array) => out.push(d) })
      .withStderr({ write: (d: Uint8Array) => out.push(d) });
    const { rt, g } = makeGuest(eng, cfg);
    g.call('clock_time_get', 0, 0n, 0);
    g.call('clock_time_get', 1, 0n, 8);
    g.call('clock_res_get', 0, 16);
    g.call('clock_res_get', 1, 24);
    assert.deepEqual([g.u64(0), g.u64(8), g.u64(16), g.u64(24)], [42n, 99n, 7n, 3n]);
    g.call('random_get', 0, 4);
    assert.deepEqual([...g.mem.read(0, 4)], [0xab, 0xab, 0xab, 0xab]);
    g.call('sched_yield');
    assert.equal(yields, 1);
    assert.deepEqual(g.read(0, 4), [0, 'line']);
    assert.deepEqual(g.read(0, 100), [0, ' 1\nline 2\n']);
    assert.deepEqual(g.read(0), [0, '']);
    g.write(1, 'to stdout');
    g.write(2, 'to stderr');
    assert.deepEqual(out.map((b) => new TextDecoder().decode(b)), ['to stdout', 'to stderr']);
    assert.deepEqual(g.write(0, 'x'), [Errno.EBADF, -1], 'stdin is not writable');
    assert.deepEqual(g.read(1), [Errno.EBADF, ''], 'stdout is not readable');
    assert.deepEqual(g.write(77, 'x'), [Errno.EBADF, -1]);
    // A relative clock subscription sleeps through nanosleep.
    const sub = g.alloc(48);
    g.mem.writeUint64Le(sub, 5n);
    g.mem.writeByte(sub + 8, 0);
    g.mem.writeUint32Le(sub + 16, Clockid.MONOTONIC);
    g.mem.writeUint64Le(sub + 24, 2_000_000n);
    const ev = g.alloc(32);
    assert.equal(g.call('poll_oneoff', sub, ev, 1, 0), 0);
    assert.equal(g.u32(0), 1);
    assert.equal(g.u64(ev), 5n);
    assert.deepEqual(slept, [2_000_000n]);
    rt.close();
  });

  test(`[${eng.name}] _start and proc_exit: code 0 ends normally, others throw ExitError; closed either way`, { skip }, () => {
    const prog = (code: number) => wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "hi from _start\\n")
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 15))
        (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (call $exit (i32.const ${code})) unreachable))`);
    for (const code of [0, 1, 42, 255]) {
      const rt = eng.runtime();
      instantiateWasi(rt);
      const chunks: string[] = [];
      const cfg = newModuleConfig().withName('p').withStdout({ write: (d: Uint8Array) => chunks.push(new TextDecoder().decode(d)) });
      if (code === 0) {
        const m = rt.instantiate(rt.compile(prog(code)), cfg);
        assert.equal(m.closed, true);
      } else {
        assert.throws(() => rt.instantiate(rt.compile(prog(code)), cfg), (e: unknown) => e instanceof ExitError && e.exitCode === code);
      }
      assert.equal(rt.module('p'), undefined, 'closed: the name is free');
      assert.deepEqual(chunks, ['hi from _start\n']);
      rt.close();
    }
  });

  for (const [kind, make] of fsKinds()) {
    test(`[${eng.name}] [${kind}] preopens, path_open flags and errors, fd_* on files`, { skip }, () => {
      const w = make();
      const { rt, g } = makeGuest(eng, newModuleConfig().withFSConfig(w.cfg));
      try {
        // fd_prestat
        assert.equal(g.call('fd_prestat_get', FD, 0), 0);
        assert.deepEqual([g.mem.readByte(0), g.u32(4)], [0, 5]);
        assert.equal(g.call('fd_prestat_dir_name', FD, 16, 5), 0);
        assert.equal(g.text(16, 5), '/work');
        assert.equal(g.call('fd_prestat_dir_name', FD, 16, 4), Errno.ENAMETOOLONG);
        assert.equal(g.call('fd_prestat_get', 1, 0), Errno.EBADF);
        assert.equal(g.call('fd_prestat_get', 4, 0), Errno.EBADF);
        // fdstat of the preopen
        assert.equal(g.call('fd_fdstat_get', FD, 0), 0);
        assert.equal(g.mem.readByte(0), Filetype.DIRECTORY);
        assert.equal(g.u64(8), RIGHTS_DIR);
        // path_open
        assert.equal(g.open(FD, 'missing.txt')[0], Errno.ENOENT);
        assert.equal(g.open(FD, 'hello.txt', { oflags: Oflags.CREAT | Oflags.EXCL })[0], Errno.EEXIST);
        assert.equal(g.open(FD, 'hello.txt', { oflags: Oflags.DIRECTORY })[0], Errno.ENOTDIR);
        assert.equal(g.open(FD, 'sub', { oflags: Oflags.CREAT | Oflags.DIRECTORY })[0], Errno.EINVAL);
        assert.equal(g.open(FD, 'sub', { rights: Rights.FD_READ | Rights.FD_WRITE })[0], Errno.EISDIR);
        assert.equal(g.open(FD, 'hello.txt/')[0], Errno.ENOTDIR);
        assert.equal(g.open(FD, 'sub/', { rights: Rights.FD_READ | Rights.FD_READDIR })[0], 0);
        assert.equal(g.open(FD, '.', { oflags: Oflags.DIRECTORY, rights: 0n })[0], 0);
        assert.equal(g.open(1, 'x')[0], Errno.EBADF, 'dirfd a stream (wasmtime: EBADF)');
        assert.equal(g.open(99, 'x')[0], Errno.EBADF);
        assert.equal(g.open(FD, 'hello.txt\0')[0], Errno.EINVAL);
        assert.equal(g.open(FD, 'a'.repeat(300))[0], Errno.ENAMETOOLONG);
        assert.equal(g.open(FD, '')[0], Errno.ENOENT);
        assert.equal(g.open(FD, 'hello.txt', { oflags: 16 })[0], Errno.EINVAL, 'unknown oflags');
        const [e, f] = g.open(FD, 'new.txt', { oflags: Oflags.CREAT, rights: ALL_FILE, fdflags: Fdflags.NONBLOCK });
        assert.equal(e, 0);
        assert.deepEqual(g.write(f, 'abcdef'), [0, 6]);
        assert.equal(g.call('fd_tell', f, 0), 0);
        assert.equal(g.u64(0), 6n);
        assert.equal(g.call('fd_seek', f, -4n, WhenceP1.CUR, 0), 0);
        assert.equal(g.u64(0), 2n);
        assert.deepEqual(g.read(f), [0, 'cdef']);
        assert.equal(g.call('fd_seek', f, -1n, WhenceP1.SET, 0), Errno.EINVAL);
        assert.equal(g.call('fd_seek', f, 0n, 7, 0), Errno.EINVAL);
        assert.equal(g.call('fd_seek', f, 1n, WhenceP1.END, 0), 0);
        assert.equal(g.u64(0), 7n);
        // pread/pwrite do not move the position
        const iov = g.alloc(8), buf = g.alloc(8);
        g.mem.writeUint32Le(iov, buf);
        g.mem.writeUint32Le(iov + 4, 3);
        assert.equal(g.call('fd_pread', f, iov, 1, 1n, 0), 0);
        assert.deepEqual([g.u32(0), g.text(buf, 3)], [3, 'bcd']);
        g.mem.write(buf, new TextEncoder().encode('XYZ'));
        assert.equal(g.call('fd_pwrite', f, iov, 1, 0n, 0), 0);
        g.call('fd_tell', f, 0);
        assert.equal(g.u64(0), 7n);
        // append: writes go to the end, the position follows; pwrite appends too (Linux, wasmtime)
        assert.equal(g.call('fd_fdstat_set_flags', f, Fdflags.APPEND), 0);
        assert.equal(g.call('fd_seek', f, 0n, WhenceP1.SET, 0), 0);
        assert.deepEqual(g.write(f, '!!'), [0, 2]);
        g.call('fd_tell', f, 0);
        assert.equal(g.u64(0), 8n);
        assert.equal(g.call('fd_pwrite', f, iov, 1, 0n, 0), 0);
        assert.equal(g.call('fd_tell', f, 0), 0);
        assert.equal(g.u64(0), 8n, 'pwrite leaves the position alone');
        assert.equal(g.call('fd_fdstat_get', f, 0), 0);
        assert.equal(g.mem.readUint16Le(2), Fdflags.APPEND);
        assert.equal(g.call('fd_fdstat_set_flags', f, 64), Errno.EINVAL);
        // filestat, size, times, allocate, advise, sync
        const fst = g.alloc(64);
        assert.equal(g.call('fd_filestat_get', f, fst), 0);
        assert.deepEqual([g.mem.readByte(fst + 16), g.u64(fst + 32)], [Filetype.REGULAR_FILE, 11n], 'the pwrite appended');
        assert.equal(g.call('fd_filestat_set_size', f, 3n), 0);
        assert.equal(g.call('fd_allocate', f, 10n, 5n), Errno.ENOTSUP, 'fd_allocate is not supported (wasmtime)');
        g.call('fd_filestat_get', f, fst);
        assert.equal(g.u64(fst + 32), 3n);
        assert.equal(g.call('fd_filestat_set_times', f, 1_000_000_000n, 2_000_000_000n, Fstflags.ATIM | Fstflags.MTIM), 0);
        g.call('fd_filestat_get', f, fst);
        assert.deepEqual([g.u64(fst + 40), g.u64(fst + 48)], [1_000_000_000n, 2_000_000_000n]);
        assert.equal(g.call('fd_filestat_set_times', f, 1n, 2n, Fstflags.MTIM | Fstflags.MTIM_NOW), Errno.EINVAL);
        assert.equal(g.call('fd_filestat_set_times', f, 1n, 2n, Fstflags.ATIM | Fstflags.ATIM_NOW), Errno.EINVAL);
        assert.equal(g.call('fd_advise', f, 0n, 10n, 2), 0);
        assert.equal(g.call('fd_advise', f, 0n, 10n, 9), Errno.EINVAL);
        assert.equal(g.call('fd_sync', f), 0);
        assert.equal(g.call('fd_datasync', f), 0);
        // rights only shrink; a missing right is ENOTCAPABLE (EBADF for read/write)
        assert.equal(g.call('fd_fdstat_set_rights', f, Rights.FD_READ, 0n), 0);
        assert.equal(g.call('fd_fdstat_set_rights', f, Rights.FD_READ | Rights.FD_WRITE, 0n), Errno.ENOTCAPABLE);
        assert.deepEqual(g.write(f, 'x'), [Errno.EBADF, -1]);
        assert.equal(g.call('fd_seek', f, 0n, WhenceP1.SET, 0), Errno.ENOTCAPABLE);
        assert.equal(g.call('fd_close', f), 0);
        assert.equal(g.call('fd_close', f), Errno.EBADF);
        // directory descriptors
        const [, d] = g.open(FD, 'sub', { oflags: Oflags.DIRECTORY, rights: Rights.FD_SEEK | Rights.FD_READDIR | Rights.FD_READ });
        assert.equal(g.call('fd_seek', d, 0n, WhenceP1.CUR, 0), Errno.EBADF);
        assert.equal(g.call('fd_tell', d, 0), Errno.EBADF);
        assert.equal(g.call('fd_fdstat_get', d, 0), 0);
        assert.equal(g.u64(8) & Rights.FD_SEEK, 0n, 'a directory has no seek right');
        // wasmtime answers EBADF for byte I/O and resizing on a directory
        assert.deepEqual(g.read(d), [Errno.EBADF, '']);
        assert.deepEqual(g.write(d, 'x'), [Errno.EBADF, -1]);
        assert.equal(g.call('fd_filestat_set_size', d, 0n), Errno.EBADF);
        assert.equal(g.call('fd_allocate', d, 0n, 1n), Errno.EBADF);
        // Without O_DIRECTORY a directory is still a directory descriptor (a host FS learns the type
        // only when something needs it): its type, its rights limited to a directory's, readdir.
        const [eu, du] = g.open(FD, 'sub', { rights: Rights.FD_SEEK | Rights.FD_READDIR | Rights.FD_READ | Rights.PATH_OPEN });
        assert.equal(eu, 0);
        assert.deepEqual(g.read(du), [Errno.EBADF, '']);
        assert.equal(g.call('fd_fdstat_get', du, 0), 0);
        assert.equal(g.mem.readByte(0), Filetype.DIRECTORY);
        assert.equal(g.u64(8), Rights.FD_READDIR | Rights.PATH_OPEN, 'a directory has no seek or read right');
        assert.deepEqual(g.readdir(du)[1].map((x) => x.name), ['.', '..']);
        assert.equal(g.open(du, '../hello.txt', { rights: 0n })[0], Errno.EPERM, 'and is its own boundary');
        assert.equal(g.call('fd_close', du), 0);
        const [ef, fu] = g.open(FD, 'hello.txt', { rights: Rights.FD_SEEK | Rights.FD_READDIR | Rights.FD_READ });
        assert.equal(ef, 0);
        assert.equal(g.call('fd_fdstat_get', fu, 0), 0);
        assert.equal(g.mem.readByte(0), Filetype.REGULAR_FILE);
        assert.equal(g.u64(8), Rights.FD_SEEK | Rights.FD_READ, 'a file has no readdir right');
        assert.equal(g.call('fd_close', fu), 0);
        // streams
        assert.equal(g.call('fd_seek', 1, 0n, WhenceP1.CUR, 0), Errno.ESPIPE);
        assert.equal(g.call('fd_fdstat_get', 1, 0), 0);
        assert.equal(g.u64(8) & (Rights.FD_SEEK | Rights.FD_TELL), 0n);
        // renumber over the preopen, then close it
        const [, f2] = g.open(FD, 'hello.txt');
        assert.equal(g.call('fd_renumber', f2, 99), Errno.EBADF);
        assert.equal(g.call('fd_renumber', d, FD), 0);
        assert.equal(g.call('fd_fdstat_get', d, 0), Errno.EBADF);
        assert.equal(g.call('fd_prestat_get', FD, 0), Errno.EBADF, 'fd 3 is now the subdirectory, not a preopen');
        assert.equal(g.call('fd_close', FD), 0);
        assert.deepEqual(g.read(f2), [0, 'hello world\n']);
      } finally {
        rt.close();
        w.done();
      }
    });

    test(`[${eng.name}] [${kind}] path_* functions: links, rename, trailing slashes, readdir, readlink`, { skip }, () => {
      const w = make();
      const { rt, g } = makeGuest(eng, newModuleConfig().withFSConfig(w.cfg));
      try {
        assert.equal(g.pathOp('path_create_directory', FD, 'dir'), 0);
        assert.equal(g.pathOp('path_create_directory', FD, 'dir'), Errno.EEXIST);
        assert.equal(g.pathOp('path_create_directory', FD, 'no/such'), Errno.ENOENT);
        assert.equal(g.pathOp('path_create_directory', FD, '.'), Errno.EEXIST);
        // symlinks
        assert.equal(g.symlink('hello.txt', FD, 'link'), 0);
        assert.equal(g.symlink('x', FD, 'link'), Errno.EEXIST);
        assert.equal(g.symlink('x', FD, 'target/'), Errno.ENOENT);
        assert.equal(g.symlink('x', FD, 'dir/'), Errno.EEXIST);
        assert.equal(g.symlink('x', FD, 'hello.txt/'), Errno.ENOTDIR);
        assert.equal(g.symlink('loop', FD, 'loop'), 0);
        assert.equal(g.stat(FD, 'loop')[0], Errno.ELOOP);
        assert.equal(g.stat(FD, 'loop', false)[1].filetype, Filetype.SYMBOLIC_LINK);
        assert.deepEqual(g.readlink(FD, 'link'), [0, 'hello.txt']);
        assert.deepEqual(g.readlink(FD, 'link', 4), [0, 'hell'], 'a short buffer gets the first bytes');
        assert.equal(g.readlink(FD, 'hello.txt')[0], Errno.EINVAL);
        assert.equal(g.stat(FD, 'link')[1].filetype, Filetype.REGULAR_FILE);
        assert.equal(g.open(FD, 'link', { follow: false })[0], Errno.ELOOP);
        // hard links
        assert.equal(g.link(FD, 'hello.txt', 'hard'), 0);
        assert.equal(g.stat(FD, 'hard')[1].ino, g.stat(FD, 'hello.txt')[1].ino);
        assert.equal(g.stat(FD, 'hard')[1].nlink, 2n);
        assert.equal(g.link(FD, 'hello.txt', 'hard'), Errno.EEXIST);
        assert.equal(g.link(FD, 'hello.txt', 'hello.txt'), Errno.EEXIST);
        assert.equal(g.link(FD, 'dir', 'dlink'), Errno.EPERM);
        assert.equal(g.link(FD, 'hello.txt', 'new/'), Errno.ENOENT);
        assert.equal(g.link(FD, 'loop', 'linkloop'), 0, 'linking a symlink itself');
        assert.equal(g.link(FD, 'missing', 'x'), Errno.ENOENT);
        // unlink and rmdir trailing slashes
        assert.equal(g.pathOp('path_unlink_file', FD, 'dir'), Errno.EISDIR);
        assert.equal(g.pathOp('path_unlink_file', FD, 'dir/'), Errno.EISDIR);
        assert.equal(g.pathOp('path_unlink_file', FD, 'hard/'), Errno.ENOTDIR);
        assert.equal(g.pathOp('path_unlink_file', FD, 'hard'), 0);
        assert.equal(g.pathOp('path_unlink_file', FD, 'hard'), Errno.ENOENT);
        assert.equal(g.pathOp('path_remove_directory', FD, 'hello.txt'), Errno.ENOTDIR);
        assert.equal(g.pathOp('path_remove_directory', FD, 'hello.txt/'), Errno.ENOTDIR);
        assert.equal(g.pathOp('path_create_directory', FD, 'dir/inner'), 0);
        assert.equal(g.pathOp('path_remove_directory', FD, 'dir'), Errno.ENOTEMPTY);
        assert.equal(g.pathOp('path_remove_directory', FD, 'dir/inner/'), 0);
        assert.equal(g.pathOp('path_remove_directory', FD, '.'), Errno.EINVAL);
        // rename
        assert.equal(g.rename(FD, 'dir/', 'dir2/'), 0, 'directories take trailing slashes');
        assert.equal(g.rename(FD, 'hello.txt/', 'x'), Errno.ENOTDIR);
        assert.equal(g.rename(FD, 'hello.txt', 'x/'), Errno.ENOTDIR);
        assert.equal(g.rename(FD, 'hello.txt', 'dir2'), Errno.EISDIR);
        assert.equal(g.pathOp('path_create_directory', FD, 'full'), 0);
        const [, tmp] = g.open(FD, 'full/f', { oflags: Oflags.CREAT });
        g.call('fd_close', tmp);
        assert.equal(g.rename(FD, 'dir2', 'full'), Errno.ENOTEMPTY);
        assert.equal(g.rename(FD, 'dir2', 'full/f'), Errno.ENOTDIR);
        assert.equal(g.rename(FD, 'dir2', 'dir2/in'), Errno.EINVAL);
        assert.equal(g.rename(FD, 'missing', 'y'), Errno.ENOENT);
        assert.equal(g.rename(FD, 'hello.txt', 'moved.txt'), 0);
        assert.equal(g.stat(FD, 'hello.txt')[0], Errno.ENOENT);
        assert.equal(g.stat(FD, 'link')[0], Errno.ENOENT, 'the link now dangles');
        // path_filestat_set_times
        assert.equal(g.setTimes(FD, 'moved.txt', 5n, 6n, Fstflags.ATIM | Fstflags.MTIM), 0);
        assert.deepEqual([g.stat(FD, 'moved.txt')[1].atim, g.stat(FD, 'moved.txt')[1].mtim], [5n, 6n]);
        assert.equal(g.setTimes(FD, 'moved.txt', 0n, 0n, Fstflags.MTIM_NOW), 0);
        assert.equal(g.setTimes(FD, 'moved.txt', 0n, 0n, Fstflags.MTIM | Fstflags.MTIM_NOW), Errno.EINVAL);
        // readdir: . and .. first, sorted, stable cookies, inodes, truncation
        const [e, list] = g.readdir(FD);
        assert.equal(e, 0);
        assert.deepEqual(list.map((x) => x.name), ['.', '..', 'dir2', 'full', 'link', 'linkloop', 'loop', 'moved.txt', 'sub']);
        assert.deepEqual(list.map((x) => x.next), list.map((_, i) => BigInt(i + 1)));
        assert.equal(list[0]!.type, Filetype.DIRECTORY);
        assert.equal(list.find((x) => x.name === 'moved.txt')!.ino, g.stat(FD, 'moved.txt')[1].ino);
        assert.equal(list.find((x) => x.name === 'link')!.type, Filetype.SYMBOLIC_LINK);
        const [, rest] = g.readdir(FD, 4096, 7n);
        assert.deepEqual(rest.map((x) => x.name), ['moved.txt', 'sub']);
        const [, , used] = g.readdir(FD, 30);
        assert.equal(used, 30, 'a full buffer means more to read');
        assert.equal(g.readdir(1)[0], Errno.EBADF);
        const [, file] = g.open(FD, 'moved.txt');
        assert.equal(g.readdir(file)[0], Errno.EBADF, 'a file is no directory (wasmtime: EBADF)');
      } finally {
        rt.close();
        w.done();
      }
    });
  }

  test(`[${eng.name}] poll_oneoff: fd readiness, bad fds, absolute clocks, no subscriptions`, { skip }, () => {
    const { rt, g } = makeGuest(eng, newModuleConfig().withStdin('abc').withFSConfig(newFSConfig().withFSMount(memoryFS({ f: '12345' }), '/')));
    const [, f] = g.open(FD, 'f', { rights: Rights.FD_READ | Rights.POLL_FD_READWRITE });
    const subs = g.alloc(48 * 5), evs = g.alloc(32 * 5);
    const fdSub = (i: number, type: number, fd: number) => {
      g.mem.writeUint64Le(subs + i * 48, BigInt(100 + i));
      g.mem.writeByte(subs + i * 48 + 8, type);
      g.mem.writeUint32Le(subs + i * 48 + 16, fd);
    };
    fdSub(0, 1, 0);
    fdSub(1, 2, 1);
    fdSub(2, 1, f);
    fdSub(3, 1, 42);
    g.mem.writeUint64Le(subs + 4 * 48, 104n);
    g.mem.writeByte(subs + 4 * 48 + 8, 0);
    g.mem.writeUint32Le(subs + 4 * 48 + 16, Clockid.REALTIME);
    g.mem.writeUint64Le(subs + 4 * 48 + 24, 1n);
    g.mem.writeUint16Le(subs + 4 * 48 + 40, 1);
    // A descriptor that is not open (42) fails the whole call, as in wasmtime.
    assert.equal(g.call('poll_oneoff', subs, evs, 5, 0), Errno.EBADF);
    fdSub(3, 1, f);
    assert.equal(g.call('poll_oneoff', subs, evs, 5, 0), 0);
    const n = g.u32(0);
    const got = Array.from({ length: n }, (_, i) => [g.u64(evs + i * 32), g.mem.readUint16Le(evs + i * 32 + 8), g.u64(evs + i * 32 + 16)]);
    assert.deepEqual(got, [[100n, 0, 3n], [101n, 0, 0n], [102n, 0, 5n], [103n, 0, 5n], [104n, 0, 0n]]);
    assert.equal(g.call('poll_oneoff', subs, evs, 0, 0), Errno.EINVAL);
    assert.equal(g.call('poll_oneoff', 0x1fff0, evs, 1, 0), Errno.EFAULT);
    rt.close();
  });

  test(`[${eng.name}] sockets: EBADF for a bad fd, ENOTSOCK otherwise`, { skip }, () => {
    const { rt, g } = makeGuest(eng);
    assert.equal(g.call('sock_shutdown', 9, 3), Errno.EBADF);
    assert.equal(g.call('sock_shutdown', 1, 3), Errno.ENOTSOCK);
    assert.equal(g.call('sock_accept', 9, 0, 0), Errno.EBADF);
    assert.equal(g.call('sock_accept', 0, 0, 0), Errno.ENOTSOCK);
    assert.equal(g.call('sock_recv', 9, 0, 0, 0, 0, 4), Errno.EBADF);
    assert.equal(g.call('sock_recv', 0, 0, 0, 0, 0, 4), Errno.ENOTSOCK);
    assert.equal(g.call('sock_send', 1, 0, 0, 0, 0), Errno.ENOTSOCK);
    rt.close();
  });

  test(`[${eng.name}] wasi_unstable: u32 nlink filestat, its whence order, 56-byte clock subscriptions`, { skip }, () => {
    const { rt, g } = makeGuest(eng, newModuleConfig().withFSConfig(newFSConfig().withFSMount(memoryFS({ f: 'abcdef' }), '/')), WASI_UNSTABLE);
    const [, f] = g.open(FD, 'f', { rights: Rights.FD_READ | Rights.FD_SEEK | Rights.FD_FILESTAT_GET });
    const st = g.alloc(64);
    g.mem.write(st, new Uint8Array(64).fill(0xee));
    assert.equal(g.call('fd_filestat_get', f, st), 0);
    assert.equal(g.mem.readByte(st + 16), Filetype.REGULAR_FILE);
    assert.equal(g.u32(st + 20), 1, 'nlink is a u32 at 20');
    assert.equal(g.u64(st + 24), 6n, 'size at 24');
    assert.equal(g.mem.readByte(st + 56), 0xee, 'the struct is 56 bytes');
    assert.equal(g.call('fd_seek', f, 0n, WhenceUnstable.END, 0), 0);
    assert.equal(g.u64(0), 6n);
    assert.equal(g.call('fd_seek', f, 2n, WhenceUnstable.SET, 0), 0);
    assert.equal(g.u64(0), 2n);
    assert.equal(g.call('fd_seek', f, 1n, WhenceUnstable.CUR, 0), 0);
    assert.equal(g.u64(0), 3n);
    const sub = g.alloc(56), ev = g.alloc(32);
    g.mem.writeUint64Le(sub, 7n);
    g.mem.writeByte(sub + 8, 0);
    g.mem.writeUint64Le(sub + 16, 12345n);
    g.mem.writeUint32Le(sub + 24, Clockid.MONOTONIC);
    g.mem.writeUint64Le(sub + 32, 10n);
    assert.equal(g.call('poll_oneoff', sub, ev, 1, 0), 0);
    assert.deepEqual([g.u32(0), g.u64(ev), g.mem.readUint16Le(ev + 8)], [1, 7n, 0]);
    rt.close();
  });

  test(`[${eng.name}] memory views: a grown memory, and instances taking turns`, { skip }, () => {
    const a = makeGuest(eng);
    const b = makeGuest(eng);
    const top = 2 * 65536;
    assert.equal(a.g.call('clock_time_get', Clockid.MONOTONIC, 0n, top), Errno.EFAULT, 'past the end');
    assert.equal(a.g.mem.grow(1), 2);
    assert.equal(a.g.call('clock_time_get', Clockid.MONOTONIC, 0n, top), 0, 'the views follow the growth');
    assert.equal(a.g.call('clock_time_get', Clockid.MONOTONIC, 0n, top + 65528), 0);
    assert.equal(a.g.u64(top + 65528), 1_000_000n);
    for (let i = 0; i < 3; i++) {
      assert.equal(b.g.call('clock_time_get', Clockid.REALTIME, 0n, 64), 0);
      assert.equal(a.g.call('clock_time_get', Clockid.REALTIME, 0n, 64), 0);
      assert.equal(b.g.u64(64), FAKE_EPOCH_NS + BigInt(i) * 1_000_000n, 'each instance writes its own memory');
      assert.equal(a.g.u64(64), FAKE_EPOCH_NS + BigInt(i) * 1_000_000n);
    }
    assert.equal(b.g.call('clock_time_get', Clockid.MONOTONIC, 0n, top), Errno.EFAULT, 'b did not grow');
    a.rt.close();
    b.rt.close();
  });
}

test('host wall clock: follows the host clock when it is set, forward and back, within a millisecond', () => {
  const realNow = Date.now;
  let shift = 0;
  Date.now = () => realNow() + shift;
  try {
    const wall = sysWalltime();
    const spin = (ms: number) => {
      const until = realNow() + ms;
      while (realNow() < until);
    };
    const off = () => Number(wall.fn() / 1_000_000n) - Date.now();
    assert.ok(Math.abs(off()) <= 2, 'starts at the host time');
    shift = 3_600_000; // the host clock set an hour ahead
    spin(3);
    wall.fn(); // the reading after a millisecond of monotonic time consults the host clock
    assert.ok(Math.abs(off()) <= 2, `an hour ahead: ${off()} ms off`);
    const before = wall.fn();
    shift = -3_600_000; // and two hours back
    spin(3);
    wall.fn();
    const after = wall.fn();
    assert.ok(after < before, 'a real step back shows');
    assert.ok(Math.abs(off()) <= 2, `set back: ${off()} ms off`);
  } finally {
    Date.now = realNow;
  }
});

test('host clocks: the wall clock never steps back between readings, the monotonic one never does', () => {
  const wall = sysWalltime();
  const mono = sysNanotime();
  const dv = new DataView(new ArrayBuffer(8));
  let prevW = wall.fn();
  let prevM = mono.fn();
  for (let i = 0; i < 200_000; i++) {
    const w = i & 1 ? wall.fn() : (wall.write!(dv, 0), dv.getBigUint64(0, true));
    const m = i & 1 ? mono.fn() : (mono.write!(dv, 0), dv.getBigUint64(0, true));
    assert.ok(w >= prevW, `wall clock stepped back by ${prevW - w} ns`);
    assert.ok(m >= prevM, 'monotonic clock stepped back');
    prevW = w;
    prevM = m;
  }
  const diff = Number(prevW / 1_000_000n) - Date.now();
  assert.ok(Math.abs(diff) <= 2, `the wall clock is ${diff} ms off Date.now()`);
  // Node: process.hrtime, to the nanosecond, in step with elapsed time.
  assert.equal(mono.resolution, 1n);
  const t0 = mono.fn();
  const until = Date.now() + 20;
  while (Date.now() < until);
  const dt = mono.fn() - t0;
  assert.ok(dt >= 19_000_000n && dt < 2_000_000_000n, `20 ms measured as ${dt} ns`);
});
