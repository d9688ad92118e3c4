// The host FS's pinned walk (src/sys/hostfs.ts): directories are reached one name at a time from the
// root's descriptor and kept open; a kept directory is used again only while its path still names
// it. These tests swap, rename and replace directories behind the FS's back — the races another
// process could run between the resolver's walk and the system call — and check that nothing ever
// lands outside the root, that a replaced directory is never confused with the new one, and that the
// FS does not leak descriptors.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { memoryFS, newFSConfig, newModuleConfig, newRuntime } from '../../src/index.js';
import { HostDirFS } from '../../src/sys/hostfs.js';
import { Errno, type File, Filetype, OpenFlag, isErrno } from '../../src/sys/fs.js';
import { SysContext } from '../../src/sys/context.js';
import { Oflags, Rights } from '../../src/wasi/constants.js';
import { testEngines } from '../support/engines.js';
import { watUnavailable } from '../support/wat.js';
import { makeGuest } from '../wasi/support.js';

const R = OpenFlag.read | OpenFlag.nofollow;
const W = OpenFlag.write | OpenFlag.create | OpenFlag.nofollow;
const linux = fs.existsSync('/proc/self/fd');

function world() {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-hostfs-'));
  const box = path.join(top, 'box');
  fs.mkdirSync(path.join(box, 'a', 'b'), { recursive: true });
  fs.writeFileSync(path.join(box, 'a', 'b', 'f.txt'), 'inside');
  fs.mkdirSync(path.join(top, 'out', 'b'), { recursive: true });
  fs.writeFileSync(path.join(top, 'out', 'f.txt'), 'OUTSIDE');
  fs.writeFileSync(path.join(top, 'out', 'b', 'f.txt'), 'OUTSIDE');
  const outside = () => JSON.stringify([fs.readdirSync(path.join(top, 'out')).sort(), fs.readdirSync(path.join(top, 'out', 'b')).sort(), fs.readFileSync(path.join(top, 'out', 'f.txt'), 'utf8')]);
  return { top, box, outside, done: () => fs.rmSync(top, { recursive: true, force: true }) };
}

function text(f: File | number): string {
  assert.ok(!isErrno(f), `open failed: errno ${f}`);
  const buf = new Uint8Array(64);
  const n = f.read(buf, 0);
  f.close();
  return new TextDecoder().decode(buf.subarray(0, n));
}

function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

test('host FS: a kept directory swapped for a symlink out of the root is refused (EPERM), for opens and changes', { skip: !linux && 'needs /proc' }, () => {
  const w = world();
  try {
    const before = w.outside();
    const h = new HostDirFS(w.box);
    assert.equal(text(h.open('a/b/f.txt', R)), 'inside', 'the walk keeps a/b open');
    // a/b becomes a link to ../../out/b (same shape, outside) after being kept open.
    fs.renameSync(path.join(w.box, 'a', 'b'), path.join(w.box, 'a', 'b.real'));
    fs.symlinkSync('../../out/b', path.join(w.box, 'a', 'b'));
    assert.equal(h.open('a/b/f.txt', R), Errno.EPERM);
    assert.equal(h.open('a/b/new.txt', W), Errno.EPERM);
    assert.equal(h.mkdir('a/b/d'), Errno.EPERM);
    assert.equal(h.unlink('a/b/f.txt'), Errno.EPERM);
    assert.equal(h.symlink('x', 'a/b/l'), Errno.EPERM);
    assert.equal(h.rename('a/b.real/f.txt', 'a/b/f.txt'), Errno.EPERM);
    assert.equal(h.link('a/b.real/f.txt', 'a/b/h'), Errno.EPERM);
    assert.equal(h.lutimes('a/b/f.txt', 1n, 1n), Errno.EPERM);
    // And the same one level up: `a` itself a link out.
    fs.renameSync(path.join(w.box, 'a'), path.join(w.box, 'a.real'));
    fs.symlinkSync('../out', path.join(w.box, 'a'));
    assert.equal(h.open('a/b/f.txt', R), Errno.EPERM);
    assert.equal(h.open('a/f.txt', R), Errno.EPERM);
    assert.equal(h.unlink('a/f.txt'), Errno.EPERM);
    assert.equal(w.outside(), before, 'nothing outside changed');
    // The last component itself is never followed: ELOOP (the resolver deals with links).
    assert.equal(h.open('a', R), Errno.ELOOP);
    assert.equal(h.open('a', R | OpenFlag.directory), Errno.ELOOP);
    h.close();
  } finally {
    w.done();
  }
});

test('host FS: a kept directory renamed and replaced is not confused with the new one', { skip: !linux && 'needs /proc' }, () => {
  const w = world();
  try {
    const h = new HostDirFS(w.box);
    const f = h.open('a/b/log.1', W);
    assert.ok(!isErrno(f));
    f.close();
    // Log rotation behind the FS's back: a/b -> a/b.old, a new a/b.
    fs.renameSync(path.join(w.box, 'a', 'b'), path.join(w.box, 'a', 'b.old'));
    fs.mkdirSync(path.join(w.box, 'a', 'b'));
    const g = h.open('a/b/log.2', W);
    assert.ok(!isErrno(g));
    g.close();
    assert.deepEqual(fs.readdirSync(path.join(w.box, 'a', 'b')), ['log.2']);
    assert.deepEqual(fs.readdirSync(path.join(w.box, 'a', 'b.old')).sort(), ['f.txt', 'log.1']);
    assert.equal(h.mkdir('a/b/sub'), Errno.ESUCCESS);
    assert.ok(fs.statSync(path.join(w.box, 'a', 'b', 'sub')).isDirectory());
    // Removed: ENOENT, not the old directory.
    fs.rmSync(path.join(w.box, 'a', 'b'), { recursive: true });
    assert.equal(h.open('a/b/log.3', W), Errno.ENOENT);
    // Its own rename and rmdir forget what they moved.
    assert.equal(h.rename('a/b.old', 'a/c'), Errno.ESUCCESS);
    assert.equal(text(h.open('a/c/f.txt', R)), 'inside');
    assert.equal(h.open('a/b.old/f.txt', R), Errno.ENOENT);
    h.close();
  } finally {
    w.done();
  }
});

test('host FS: the root is pinned when the FS is made, whatever becomes of its path', { skip: !linux && 'needs /proc' }, () => {
  const w = world();
  try {
    const before = w.outside();
    const h = new HostDirFS(w.box);
    fs.renameSync(w.box, path.join(w.top, 'box2'));
    fs.symlinkSync('out', w.box);
    assert.equal(text(h.open('a/b/f.txt', R)), 'inside', 'still the directory it was made with');
    const f = h.open('created.txt', W);
    assert.ok(!isErrno(f));
    f.close();
    assert.ok(fs.existsSync(path.join(w.top, 'box2', 'created.txt')));
    assert.equal(w.outside(), before);
    h.close();
  } finally {
    w.done();
  }
});

test('host FS: two-path changes keep both directories while they need them; many directories', { skip: !linux && 'needs /proc' }, () => {
  const w = world();
  try {
    const h = new HostDirFS(w.box);
    for (let i = 0; i < 40; i++) assert.equal(h.mkdir(`d${i}`), Errno.ESUCCESS);
    fs.writeFileSync(path.join(w.box, 'd0', 'x'), 'x0');
    // d0 is kept first (the oldest), then 31 more fill the cache; the rename's second walk must not
    // close d0's descriptor to make room.
    assert.equal(text(h.open('d0/x', R)), 'x0');
    for (let i = 1; i < 32; i++) {
      const f = h.open(`d${i}/y`, W);
      assert.ok(!isErrno(f));
      f.close();
    }
    assert.equal(h.rename('d0/x', 'd39/moved'), Errno.ESUCCESS);
    assert.equal(fs.readFileSync(path.join(w.box, 'd39', 'moved'), 'utf8'), 'x0');
    assert.equal(h.link('d39/moved', 'd38/linked'), Errno.ESUCCESS);
    assert.equal(fs.readFileSync(path.join(w.box, 'd38', 'linked'), 'utf8'), 'x0');
    // Same-directory rename (write then rename into place).
    assert.equal(h.rename('d38/linked', 'd38/final'), Errno.ESUCCESS);
    assert.deepEqual(fs.readdirSync(path.join(w.box, 'd38')), ['final']);
    h.close();
  } finally {
    w.done();
  }
});

test('host FS: file types are learned when needed; no descriptor leaks across instances', { skip: !linux && 'needs /proc' }, () => {
  const w = world();
  try {
    const h = new HostDirFS(w.box);
    const d = h.open('a', R);
    assert.ok(!isErrno(d));
    assert.equal(d.filetype, undefined, 'an open does not tell the type');
    assert.deepEqual(d.readdir(), [{ name: 'b', ino: fs.statSync(path.join(w.box, 'a', 'b'), { bigint: true }).ino, filetype: Filetype.DIRECTORY }]);
    assert.equal(d.filetype, Filetype.DIRECTORY);
    assert.equal(d.read(new Uint8Array(4), 0), -Errno.EISDIR);
    d.close();
    const dd = h.open('a', R | OpenFlag.directory);
    assert.ok(!isErrno(dd));
    assert.equal(dd.filetype, Filetype.DIRECTORY, 'O_DIRECTORY tells');
    dd.close();
    const f = h.open('a/b/f.txt', R);
    assert.ok(!isErrno(f));
    assert.equal(f.write(new Uint8Array(1), 0), -Errno.EBADF);
    assert.equal(f.readdir(), Errno.ENOTDIR);
    f.close();
    h.close();
    assert.equal(text(h.open('a/b/f.txt', R)), 'inside', 'usable after close (the root is opened again)');
    h.close();
    // Instances: each host mount's descriptors are closed with the instance.
    const base = openFds();
    const rt = newRuntime();
    for (let i = 0; i < 20; i++) {
      const sys = new SysContext(newModuleConfig().withFSConfig(newFSConfig().withDirMount(w.box, '/')));
      const m = sys.mounts[0]!.fs;
      const g = m.open('a/b/f.txt', R);
      assert.ok(!isErrno(g));
      g.close();
      sys.close();
    }
    rt.close();
    assert.equal(openFds(), base);
  } finally {
    w.done();
  }
});

test('host FS: a caller\'s parent lstat can only pick a directory the FS walked to itself', { skip: !linux && 'needs /proc' }, () => {
  const w = world();
  try {
    const before = w.outside();
    const h = new HostDirFS(w.box);
    assert.equal(text(h.open('a/b/f.txt', R)), 'inside');
    const kept = fs.statSync(path.join(w.box, 'a', 'b'), { bigint: true });
    fs.renameSync(path.join(w.box, 'a', 'b'), path.join(w.box, 'a', 'b.real'));
    fs.symlinkSync('../../out/b', path.join(w.box, 'a', 'b'));
    // A stale (or made-up) parent stat naming the kept directory: the kept directory, never outside.
    const stale = { dev: kept.dev, ino: kept.ino, filetype: Filetype.DIRECTORY, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
    assert.equal(text(h.open('a/b/f.txt', R, stale)), 'inside');
    // One naming another directory (the outside one): not trusted, walked afresh, refused.
    const out = fs.statSync(path.join(w.top, 'out', 'b'), { bigint: true });
    assert.equal(h.open('a/b/f.txt', R, { ...stale, dev: out.dev, ino: out.ino }), Errno.EPERM);
    assert.equal(w.outside(), before);
    h.close();
  } finally {
    w.done();
  }
});

for (const eng of testEngines()) {
  test(`[${eng.name}] host FS through WASI: a rotated directory is never confused with its successor`, { skip: eng.unavailable ?? watUnavailable() ?? (!linux && 'needs /proc') }, () => {
    const w = world();
    try {
      const { rt, g } = makeGuest(eng, newModuleConfig().withFSConfig(newFSConfig().withDirMount(w.box, '/box')));
      const create = (p: string) => {
        const [e, fd] = g.open(3, p, { oflags: Oflags.CREAT });
        assert.equal(e, 0, p);
        assert.equal(g.call('fd_close', fd), 0);
      };
      create('a/b/log.1');
      fs.renameSync(path.join(w.box, 'a', 'b'), path.join(w.box, 'a', 'b.old'));
      fs.mkdirSync(path.join(w.box, 'a', 'b'));
      create('a/b/log.2');
      assert.deepEqual(fs.readdirSync(path.join(w.box, 'a', 'b')), ['log.2']);
      fs.rmSync(path.join(w.box, 'a', 'b'), { recursive: true });
      fs.symlinkSync('../../out/b', path.join(w.box, 'a', 'b'));
      assert.equal(g.open(3, 'a/b/log.3', { oflags: Oflags.CREAT })[0], 63 /* EPERM: the link leads out */);
      assert.deepEqual(fs.readdirSync(path.join(w.top, 'out', 'b')), ['f.txt']);
      rt.close();
    } finally {
      w.done();
    }
  });
}

for (const eng of testEngines()) {
  test(`[${eng.name}] host FS through WASI: deep paths opened without a walk answer as the walk does (memory FS alike)`, { skip: eng.unavailable ?? watUnavailable() ?? (!linux && 'needs /proc') }, () => {
    const w = world();
    try {
      const tree: Record<string, string | null | { symlink: string }> = {
        'a/b/f.txt': 'inside', 'a/file': 'file', 'a/lnk': { symlink: 'b' }, 'a/out': { symlink: '../..' },
        'a/loop': { symlink: 'loop' }, 'a/b/flink': { symlink: 'f.txt' }, 'a/b/dangling': { symlink: 'nope' },
      };
      const host = path.join(w.top, 'tree');
      for (const [p, v] of Object.entries(tree)) {
        fs.mkdirSync(path.dirname(path.join(host, p)), { recursive: true });
        if (typeof v === 'string') fs.writeFileSync(path.join(host, p), v);
        else if (v !== null) fs.symlinkSync(v.symlink, path.join(host, p));
      }
      const kinds = [
        makeGuest(eng, newModuleConfig().withFSConfig(newFSConfig().withDirMount(host, '/t'))),
        makeGuest(eng, newModuleConfig().withFSConfig(newFSConfig().withFSMount(memoryFS(tree), '/t'))),
      ];
      const cases: [string, { oflags?: number; follow?: boolean; rights?: bigint }][] = [];
      for (const p of ['a/b/f.txt', 'a/lnk/f.txt', 'a/out/x', 'a/out/tree/a/b/f.txt', 'a/file/x', 'a/missing/x', 'a/b/missing', 'a/loop/x', 'a/b/flink', 'a/b/dangling', 'a/b', `a/${'x'.repeat(300)}`, `a/b/${'y'.repeat(300)}`]) {
        cases.push([p, {}], [p, { follow: false }], [p, { oflags: Oflags.DIRECTORY, rights: Rights.FD_READDIR }], [p, { rights: Rights.FD_WRITE }]);
      }
      cases.push(['a/b/new1', { oflags: Oflags.CREAT, rights: Rights.FD_WRITE }], ['a/b/f.txt', { oflags: Oflags.CREAT | Oflags.EXCL, rights: Rights.FD_WRITE }], ['a/lnk/new2', { oflags: Oflags.CREAT, rights: Rights.FD_WRITE }]);
      for (const [p, o] of cases) {
        const got = kinds.map(({ g }) => {
          const [e, fd] = g.open(3, p, { rights: Rights.FD_READ, ...o });
          if (e !== 0) return `errno ${e}`;
          const r = g.read(fd);
          g.call('fd_close', fd);
          return r[0] === 0 ? `read ${JSON.stringify(r[1])}` : `read errno ${r[0]}`;
        });
        assert.equal(got[0], got[1], `${p} ${JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? String(v) : v))}: host directory vs memory FS`);
      }
      for (const k of kinds) k.rt.close();
    } finally {
      w.done();
    }
  });
}
