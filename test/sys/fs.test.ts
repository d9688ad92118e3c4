// Unit tests of the file-system layer: the in-memory FS, the overlay (the lower FS is never touched,
// including through renames and deletes), the read-only wrapper, FSConfig and path resolution.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { type FS, type File, hostDirFS, memoryFS, newFSConfig, overlayFS, readOnlyFS } from '../../src/index.js';
import { Errno, Filetype, OpenFlag, isErrno } from '../../src/sys/fs.js';
import { makeMounts } from '../../src/sys/fsconfig.js';
import { decodePath, resolve } from '../../src/sys/resolve.js';

const R = OpenFlag.read;
const W = OpenFlag.write;

function readAll(f: FS, p: string): string {
  const file = f.open(p, R) as File;
  assert.ok(!isErrno(file), `open ${p}: errno ${file}`);
  const buf = new Uint8Array(1 << 16);
  const n = file.read(buf, 0);
  file.close();
  return new TextDecoder().decode(buf.subarray(0, n));
}

function writeAll(f: FS, p: string, s: string, flags = W | OpenFlag.create | OpenFlag.truncate): void {
  const file = f.open(p, flags) as File;
  assert.ok(!isErrno(file), `open ${p}: errno ${file}`);
  file.write(new TextEncoder().encode(s), 0);
  file.close();
}

function names(f: FS, p: string): string[] {
  const d = f.open(p, R | OpenFlag.directory) as File;
  const list = d.readdir();
  d.close();
  assert.ok(!isErrno(list));
  return list.map((e) => e.name).sort();
}

test('memoryFS: init with files, directories, symlinks and implied parents', () => {
  const m = memoryFS({ 'a.txt': 'A', 'd/e/f.txt': new Uint8Array([104, 105]), 'empty/': null, 'z/': null, 'l': { symlink: 'a.txt' } });
  assert.equal(readAll(m, 'a.txt'), 'A');
  assert.equal(readAll(m, 'd/e/f.txt'), 'hi');
  assert.deepEqual(names(m, ''), ['a.txt', 'd', 'empty', 'l', 'z']);
  assert.equal(m.readlink('l'), 'a.txt');
  assert.equal((m.lstat('l') as { filetype: number }).filetype, Filetype.SYMBOLIC_LINK);
  assert.equal((m.lstat('empty') as { filetype: number }).filetype, Filetype.DIRECTORY);
  assert.throws(() => memoryFS({ '../x': 'no' }), /"\.\." is not allowed/);
});

test('memoryFS: POSIX-like errors for open, mkdir, rmdir, unlink, rename, link', () => {
  const m = memoryFS({ 'f': 'data', 'd/inner': 'x', 'e/': null });
  assert.equal(m.open('nope', R), Errno.ENOENT);
  assert.equal(m.open('f', R | OpenFlag.create | OpenFlag.exclusive), Errno.EEXIST);
  assert.equal(m.open('f', R | OpenFlag.directory), Errno.ENOTDIR);
  assert.equal(m.open('d', W), Errno.EISDIR);
  assert.equal(m.open('f/x', R), Errno.ENOTDIR);
  assert.equal(m.mkdir('d'), Errno.EEXIST);
  assert.equal(m.rmdir('d'), Errno.ENOTEMPTY);
  assert.equal(m.rmdir('f'), Errno.ENOTDIR);
  assert.equal(m.unlink('d'), Errno.EISDIR);
  assert.equal(m.rename('f', 'd'), Errno.EISDIR);
  assert.equal(m.rename('e', 'f'), Errno.ENOTDIR);
  assert.equal(m.rename('e', 'd'), Errno.ENOTEMPTY);
  assert.equal(m.rename('d', 'd/inner2'), Errno.EINVAL, 'a directory into itself');
  assert.equal(m.link('d', 'd2'), Errno.EPERM);
  assert.equal(m.link('f', 'f2'), Errno.ESUCCESS);
  assert.equal((m.lstat('f') as { nlink: bigint }).nlink, 2n);
  assert.equal((m.lstat('f2') as { ino: bigint }).ino, (m.lstat('f') as { ino: bigint }).ino);
  assert.equal(m.readlink('f'), Errno.EINVAL);
  assert.equal(m.rename('e', 'd/inner'), Errno.ENOTDIR);
  assert.equal(m.rename('f', 'g'), Errno.ESUCCESS);
  assert.equal(readAll(m, 'g'), 'data');
  assert.equal(m.lstat('f'), Errno.ENOENT);
});

test('memoryFS: files grow, truncate, append and keep nanosecond times', () => {
  const m = memoryFS();
  const f = m.open('x', R | W | OpenFlag.create) as File;
  assert.equal(f.write(new TextEncoder().encode('hello'), 0), 5);
  assert.equal(f.write(new TextEncoder().encode('!'), null), 1, 'append');
  assert.equal(f.write(new TextEncoder().encode('Z'), 10), 1, 'a hole');
  assert.equal(Number((f.stat() as { size: bigint }).size), 11);
  const buf = new Uint8Array(11);
  f.read(buf, 0);
  assert.deepEqual([...buf.subarray(6, 10)], [0, 0, 0, 0]);
  assert.equal(f.truncate(2), 0);
  assert.equal(readAll(m, 'x'), 'he');
  assert.equal(f.allocate(0, 100), 0);
  assert.equal((f.stat() as { size: bigint }).size, 100n);
  assert.equal(f.utimes(123456789123456789n, null), 0);
  const st = f.stat() as { atim: bigint; mtim: bigint };
  assert.equal(st.atim, 123456789123456789n);
  assert.notEqual(st.mtim, 123456789123456789n);
  f.close();
  assert.equal(f.close(), Errno.EBADF, 'closing twice');
});

function hostTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-lower-'));
  fs.mkdirSync(path.join(root, 'dir/sub'), { recursive: true });
  fs.writeFileSync(path.join(root, 'a.txt'), 'lower a');
  fs.writeFileSync(path.join(root, 'dir/b.txt'), 'lower b');
  fs.writeFileSync(path.join(root, 'dir/sub/c.txt'), 'lower c');
  fs.symlinkSync('a.txt', path.join(root, 'link'));
  return root;
}

function snapshot(root: string): string {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d).sort()) {
      const p = path.join(d, e);
      const st = fs.lstatSync(p, { bigint: true });
      out.push(`${path.relative(root, p)} ${st.mtimeNs} ${st.ino} ${st.isFile() ? fs.readFileSync(p, 'utf8') : ''}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out.join('\n');
}

test('overlayFS over a host directory: writes, creates, renames and deletes never reach the lower FS', () => {
  const root = hostTree();
  try {
    const before = snapshot(root);
    const o = overlayFS(hostDirFS(root));
    assert.equal(readAll(o, 'a.txt'), 'lower a', 'reads go through');
    assert.equal(o.readlink('link'), 'a.txt');
    writeAll(o, 'a.txt', 'upper a');
    assert.equal(readAll(o, 'a.txt'), 'upper a');
    // Writing in the middle of a lower file copies it up first.
    const f = o.open('dir/b.txt', W) as File;
    f.write(new TextEncoder().encode('L'), 0);
    f.close();
    assert.equal(readAll(o, 'dir/b.txt'), 'Lower b');
    writeAll(o, 'new.txt', 'fresh');
    assert.equal(o.mkdir('newdir'), 0);
    assert.equal(o.rename('dir', 'moved'), 0, 'rename a lower directory');
    assert.equal(readAll(o, 'moved/sub/c.txt'), 'lower c', 'its lower contents follow it');
    assert.equal(o.lstat('dir'), Errno.ENOENT, 'the old name is gone (a whiteout)');
    assert.equal(o.unlink('moved/sub/c.txt'), 0);
    assert.equal(o.lstat('moved/sub/c.txt'), Errno.ENOENT);
    assert.equal(o.rmdir('moved/sub'), 0);
    assert.equal(o.unlink('link'), 0);
    assert.equal(o.symlink('new.txt', 'link2'), 0);
    assert.equal(o.link('new.txt', 'hard'), 0);
    assert.equal(o.lutimes('a.txt', 1n, 2n), 0);
    assert.deepEqual(names(o, ''), ['a.txt', 'hard', 'link2', 'moved', 'new.txt', 'newdir']);
    assert.deepEqual(names(o, 'moved'), ['b.txt']);
    assert.equal(snapshot(root), before, 'the lower directory is exactly as it was');
    // A second overlay over the same lower FS starts from the lower state.
    const o2 = overlayFS(hostDirFS(root));
    assert.equal(readAll(o2, 'a.txt'), 'lower a');
    assert.deepEqual(names(o2, 'dir'), ['b.txt', 'sub']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('overlayFS over a read-only memory FS: stable inodes across copy-up, truncation of lower files', () => {
  const lower = readOnlyFS(memoryFS({ 'f.txt': 'lower', 'd/': null }));
  const o = overlayFS(lower);
  const ino = (o.lstat('f.txt') as { ino: bigint }).ino;
  assert.equal(ino, (lower.lstat('f.txt') as { ino: bigint }).ino);
  const f = o.open('f.txt', W | OpenFlag.truncate) as File;
  assert.ok(!isErrno(f));
  f.close();
  assert.equal(readAll(o, 'f.txt'), '');
  assert.equal((o.lstat('f.txt') as { ino: bigint }).ino, ino, 'copy-up keeps the inode');
  assert.equal(readAll(lower, 'f.txt'), 'lower');
});

test('readOnlyFS refuses every mutation with EROFS and files with EBADF/EROFS', () => {
  const m = memoryFS({ 'f': 'x', 'd/': null });
  const ro = readOnlyFS(m);
  assert.equal(ro.readOnly, true);
  assert.equal(ro.open('f', W), Errno.EROFS);
  assert.equal(ro.open('g', R | OpenFlag.create), Errno.EROFS);
  assert.equal(ro.open('f', R | OpenFlag.create | OpenFlag.exclusive), Errno.EEXIST);
  assert.equal(ro.open('f', R | OpenFlag.truncate), Errno.EROFS);
  for (const [what, e] of [
    ['mkdir', ro.mkdir('n')], ['rmdir', ro.rmdir('d')], ['unlink', ro.unlink('f')], ['rename', ro.rename('f', 'g')],
    ['link', ro.link('f', 'g')], ['symlink', ro.symlink('f', 'g')], ['lutimes', ro.lutimes('f', 1n, 1n)],
  ] as const) assert.equal(e, Errno.EROFS, what);
  const f = ro.open('f', R) as File;
  assert.equal(f.write(new Uint8Array(1), 0), -Errno.EBADF);
  assert.equal(f.truncate(0), Errno.EROFS);
  assert.equal(f.utimes(1n, 1n), Errno.EROFS);
  assert.equal(f.allocate(0, 1), Errno.EROFS);
  assert.equal(readAll(ro, 'f'), 'x');
  assert.equal(readOnlyFS(ro), ro, 'wrapping twice is a no-op');
});

test('FSConfig is immutable; mounts replace in place; checked where used', () => {
  const a = newFSConfig();
  const b = a.withFSMount(memoryFS(), '/x');
  const c = b.withFSMount(memoryFS(), '/y').withReadOnlyDirMount(os.tmpdir(), '/x');
  assert.equal(a.mounts.length, 0);
  assert.equal(b.mounts.length, 1);
  assert.deepEqual(c.mounts.map((m) => [m.guestPath, m.readOnly]), [['/x', true], ['/y', false]]);
  assert.throws(() => makeMounts(newFSConfig().withDirMount('/definitely/not/here', '/')), /FSConfig mount of "\/definitely\/not\/here"/);
  assert.throws(() => makeMounts(newFSConfig().withFSMount(memoryFS(), '/a/../b')), /must not contain/);
  assert.throws(() => makeMounts(newFSConfig().withFSMount({} as FS, '/a')), /has no open\(\) method/);
  const ms = makeMounts(c);
  assert.deepEqual(ms.map((m) => [m.name, m.parts]), [['/x', ['x']], ['/y', ['y']]]);
  assert.equal(ms[0]!.fs.readOnly, true);
});

test('resolve: component by component, .. bounded by the start directory, links spliced in, limits', () => {
  const m = memoryFS({
    'a/b/c.txt': 'c', 'a/up': { symlink: '..' }, 'a/abs': { symlink: '/etc' }, 'a/loop': { symlink: 'loop' },
    'a/tofile': { symlink: 'b/c.txt' }, 'a/todir': { symlink: 'b/' }, 'a/empty': { symlink: '' },
  });
  const mounts = makeMounts(newFSConfig().withFSMount(m, '/'));
  const r = (base: string[], p: string, follow = true) => resolve(mounts, base, p, follow);
  const ok = (x: ReturnType<typeof r>) => {
    assert.ok(!isErrno(x), `errno ${x}`);
    return x;
  };
  assert.deepEqual(ok(r([], 'a/./b//c.txt')).parts, ['a', 'b', 'c.txt']);
  assert.deepEqual(ok(r([], 'a/b/../b/c.txt')).path, 'a/b/c.txt');
  assert.equal(r([], '../x'), Errno.EPERM);
  assert.equal(r(['a'], '../a/b'), Errno.EPERM, 'the start directory is the boundary, not the mount root');
  assert.equal(r([], '/a'), Errno.EPERM);
  assert.equal(r([], ''), Errno.ENOENT);
  assert.equal(r([], 'a/abs/passwd'), Errno.EPERM);
  assert.equal(r(['a'], 'up/a'), Errno.EPERM, 'a link climbing above the start directory');
  assert.deepEqual(ok(r([], 'a/up/a/b')).parts, ['a', 'b'], 'the same link is fine from the root');
  assert.equal(r([], 'a/loop'), Errno.ELOOP);
  assert.equal(ok(r([], 'a/loop', false)).path, 'a/loop', 'not following the last component');
  assert.equal(r([], 'a/tofile/'), Errno.ENOTDIR);
  assert.equal(r([], 'a/b/c.txt/x'), Errno.ENOTDIR);
  assert.equal(r([], 'a/nope/x'), Errno.ENOENT);
  assert.equal(ok(r([], 'a/nope')).missing, true);
  assert.equal(r([], 'a/empty'), Errno.ENOENT);
  assert.deepEqual(ok(r([], 'a/todir/c.txt')).parts, ['a', 'b', 'c.txt']);
  assert.equal(ok(r([], 'a/b/..')).isDot, true);
  assert.equal(ok(r([], 'a/b/')).trailingSlash, true);
  assert.equal(r([], 'x'.repeat(256)), Errno.ENAMETOOLONG);
  assert.equal(decodePath(new Uint8Array([0x61, 0])), Errno.EINVAL);
  assert.equal(decodePath(new Uint8Array([0xff, 0xfe])), Errno.EILSEQ);
  assert.equal(decodePath(new Uint8Array(5000)), Errno.ENAMETOOLONG);
  assert.equal(decodePath(new TextEncoder().encode('héllo')), 'héllo');
  // The short-ASCII fast path and its edges.
  assert.equal(decodePath(new TextEncoder().encode('plain.txt')), 'plain.txt');
  assert.equal(decodePath(new Uint8Array([0x61, 0x62, 0xff])), Errno.EILSEQ, 'invalid UTF-8 after ASCII');
  assert.equal(decodePath(new TextEncoder().encode('a'.repeat(127) + 'é')), 'a'.repeat(127) + 'é');
  assert.equal(decodePath(new Uint8Array([...new TextEncoder().encode('a'.repeat(200)), 0])), Errno.EINVAL, 'NUL past the fast path');
  // One name, not followed (resolve's fast path): same answers as the general walk.
  for (const base of [[], ['a'], ['a', 'b']]) {
    for (const name of ['c.txt', 'nope', 'loop', 'é'.repeat(85)]) {
      const fast = ok(r(base, name, false));
      const slow = ok(r(base, `./${name}`, false));
      assert.deepEqual({ ...fast, mount: null }, { ...slow, mount: null }, `${base.join('/')}/${name}`);
    }
  }
  assert.equal(r([], 'é'.repeat(128), false), Errno.ENAMETOOLONG, '256 bytes in 128 characters');
  const nested = makeMounts(newFSConfig().withFSMount(memoryFS({ 'x/y': '' }), '/m/n'));
  const fromMount = resolve(nested, ['m', 'n', 'x'], 'y', false);
  assert.ok(!isErrno(fromMount));
  assert.deepEqual([fromMount.parts, fromMount.path], [['m', 'n', 'x', 'y'], 'x/y']);
  const atMount = resolve(nested, ['m', 'n'], 'x', false);
  assert.ok(!isErrno(atMount));
  assert.equal(atMount.path, 'x');
  // parentStat: the walk's own lstat of the last component's parent, or null.
  const ino = (p: string) => (m.lstat(p) as { ino: bigint }).ino;
  assert.equal(ok(r([], 'a/b/c.txt', false)).parentStat?.ino, ino('a/b'));
  assert.equal(ok(r([], 'a/b/c.txt')).parentStat?.ino, ino('a/b'));
  assert.equal(ok(r([], 'a/b/nope', false)).parentStat?.ino, ino('a/b'), 'missing last component');
  assert.equal(ok(r([], 'a/todir/c.txt')).parentStat?.ino, ino('a/b'), 'through a link');
  assert.equal(ok(r([], 'a/tofile')).parentStat?.ino, ino('a/b'), 'a followed last link: its target\'s parent');
  assert.equal(ok(r(['a'], 'b', false)).parentStat, null, 'the start directory was not looked at');
  assert.equal(ok(r([], 'a/b/../b', false)).parentStat, null, 'after ..');
  assert.equal(ok(r([], 'a/b/.')).parentStat, null);
  assert.equal(ok(r([], 'a', false)).parentStat, null);
});

test('resolve: nested mounts, the longest guest prefix wins', () => {
  const outer = memoryFS({ 'data/shadowed.txt': 'outer', 'top.txt': 't' });
  const inner = memoryFS({ 'in.txt': 'inner' });
  const mounts = makeMounts(newFSConfig().withFSMount(outer, '/').withFSMount(inner, '/data'));
  const x = resolve(mounts, [], 'data/in.txt', true);
  assert.ok(!isErrno(x));
  assert.equal(x.mount.fs, inner);
  assert.equal(x.path, 'in.txt');
  const hidden = resolve(mounts, [], 'data/shadowed.txt', true);
  assert.ok(!isErrno(hidden) && hidden.missing && hidden.mount.fs === inner, 'the inner mount hides the outer directory');
  const back = resolve(mounts, ['data'], '../top.txt', true);
  assert.equal(back, Errno.EPERM, 'still bounded by the start directory');
  const up = resolve(mounts, [], 'data/../top.txt', true);
  assert.ok(!isErrno(up));
  assert.equal(up.mount.fs, outer);
});
