// The hostile battery: a guest tries every way out of its mount — `..` past the root, absolute paths,
// symbolic links (relative, absolute, chains, dangling, loops, through directories), hard links, and
// every path function through escaping paths — on a host-directory mount and on the in-memory FS, on
// every engine. Each attempt must fail with the errno wasmtime gives (EPERM for escapes, ELOOP for
// loops), and afterwards the files outside the mount must be exactly as before: same content, same
// mtime, nothing added or removed next to them.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { type FS, memoryFS, newFSConfig, newModuleConfig, readOnlyFS } from '../../src/index.js';
import { HostDirFS } from '../../src/sys/hostfs.js';
import { OpenFlag } from '../../src/sys/fs.js';
import { Errno, Fstflags, Oflags, Rights } from '../../src/wasi/constants.js';
import { testEngines } from '../support/engines.js';
import { watUnavailable } from '../support/wat.js';
import { type Guest, makeGuest } from './support.js';

const SECRET = 'top secret: never read me\n';

interface World {
  /** The config mounting the box at /box (fd 3). */
  fsConfig: ReturnType<typeof newFSConfig>;
  /** Snapshot of everything outside the box, compared after the attacks. */
  outside(): string;
  cleanup(): void;
}

/** Links planted inside the box by the host (the guest could not make absolute ones itself). */
function links(abs: string): Record<string, string> {
  return {
    link_rel: '../sentinel.txt',
    link_abs: abs,
    chain1: 'chain2',
    chain2: 'sub/chain3',
    'sub/chain3': '../../sentinel.txt',
    dirlink: '..',
    subdirlink: 'sub/..',
    deep: 'sub/../../secret',
    dangling_out: '../nope/nothing',
    dangling_in: 'missing-target',
    loop1: 'loop2',
    loop2: 'loop1',
    selfloop: 'selfloop',
    ok: 'inside.txt',
  };
}

function hostWorld(): World {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-sandbox-'));
  const box = path.join(root, 'box');
  fs.mkdirSync(path.join(box, 'sub'), { recursive: true });
  fs.mkdirSync(path.join(root, 'secret'));
  fs.writeFileSync(path.join(root, 'sentinel.txt'), SECRET);
  fs.writeFileSync(path.join(root, 'secret', 'inner.txt'), SECRET);
  // Old times: with relatime, any read by the guest would move atime (atime <= mtime).
  const past = new Date('2001-02-03T04:05:06Z');
  fs.utimesSync(path.join(root, 'sentinel.txt'), past, past);
  fs.utimesSync(path.join(root, 'secret', 'inner.txt'), past, past);
  fs.writeFileSync(path.join(box, 'inside.txt'), 'inside\n');
  for (const [name, target] of Object.entries(links(path.join(root, 'sentinel.txt')))) fs.symlinkSync(target, path.join(box, name));
  const snapshot = (): string => {
    const out: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d).sort()) {
        const p = path.join(d, e);
        if (p === box) continue;
        const st = fs.lstatSync(p, { bigint: true });
        // Contents are read with O_NOATIME so that this check does not itself move atime; directory
        // atimes are left out (this walk lists them).
        let content = '';
        if (st.isFile()) {
          const fd = fs.openSync(p, fs.constants.O_RDONLY | (fs.constants.O_NOATIME ?? 0));
          content = fs.readFileSync(fd, 'utf8');
          fs.closeSync(fd);
        }
        out.push(`${path.relative(root, p)} ${st.mtimeNs} ${st.isFile() ? st.atimeNs : ''} ${st.size} ${content}`);
        if (st.isDirectory()) walk(p);
      }
    };
    walk(root);
    return out.join('\n');
  };
  return {
    fsConfig: newFSConfig().withDirMount(box, '/box'),
    outside: snapshot,
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

function memoryWorld(): World {
  // The box and the outside are two file systems: a guest can only ever reach the box's through fd 3.
  const init: Record<string, string | null | { symlink: string }> = { 'inside.txt': 'inside\n', 'sub/': null };
  for (const [name, target] of Object.entries(links('/sentinel.txt'))) init[name] = { symlink: target };
  const box = memoryFS(init);
  const outer = memoryFS({ 'sentinel.txt': SECRET, 'secret/inner.txt': SECRET });
  const snapshot = (): string => {
    const out: string[] = [];
    for (const p of ['sentinel.txt', 'secret', 'secret/inner.txt']) {
      const st = outer.lstat(p);
      if (typeof st === 'number') throw new Error(`${p} vanished`);
      let content = '';
      if (st.filetype === 4) {
        const f = outer.open(p, OpenFlag.read) as Exclude<ReturnType<FS['open']>, number>;
        const buf = new Uint8Array(100);
        content = new TextDecoder().decode(buf.subarray(0, f.read(buf, 0)));
        f.close();
      }
      out.push(`${p} ${st.mtim} ${st.atim} ${st.size} ${content}`);
    }
    return out.join('\n');
  };
  return { fsConfig: newFSConfig().withFSMount(box, '/box'), outside: snapshot, cleanup: () => {} };
}

const BOX = 3;

/** Every attack, as [description, attempt, expected errno(s)]. */
function attacks(g: Guest): [string, () => number, number[]][] {
  const EPERM = [Errno.EPERM];
  const openRead = (p: string, follow = true) => () => g.open(BOX, p, { rights: Rights.FD_READ, follow })[0];
  return [
    ['open ../sentinel.txt', openRead('../sentinel.txt'), EPERM],
    ['open sub/../../sentinel.txt', openRead('sub/../../sentinel.txt'), EPERM],
    ['open ./././../secret/inner.txt', openRead('./././../secret/inner.txt'), EPERM],
    ['open absolute /sentinel.txt', openRead('/sentinel.txt'), EPERM],
    ['open absolute /etc/passwd', openRead('/etc/passwd'), EPERM],
    ['open through a relative symlink out', openRead('link_rel'), EPERM],
    ['open through an absolute symlink', openRead('link_abs'), EPERM],
    ['open through a chain of symlinks out', openRead('chain1'), EPERM],
    ['open through a directory symlink to ..', openRead('dirlink/sentinel.txt'), EPERM],
    ['open through sub/.. symlink then ..', openRead('subdirlink/../sentinel.txt'), EPERM],
    ['open through a symlink with sub/../../', openRead('deep/inner.txt'), EPERM],
    ['open a dangling symlink pointing out', openRead('dangling_out'), EPERM],
    ['open a symlink loop', openRead('loop1'), [Errno.ELOOP]],
    ['open a self loop', openRead('selfloop'), [Errno.ELOOP]],
    ['open a symlink without follow', openRead('link_rel', false), [Errno.ELOOP]],
    ['create ../evil.txt', () => g.open(BOX, '../evil.txt', { oflags: Oflags.CREAT, rights: Rights.FD_WRITE })[0], EPERM],
    ['create through a dangling symlink pointing out', () => g.open(BOX, 'dangling_out', { oflags: Oflags.CREAT, rights: Rights.FD_WRITE })[0], EPERM],
    ['truncate ../sentinel.txt', () => g.open(BOX, '../sentinel.txt', { oflags: Oflags.TRUNC, rights: Rights.FD_WRITE })[0], EPERM],
    ['truncate through a symlink', () => g.open(BOX, 'link_rel', { oflags: Oflags.TRUNC, rights: Rights.FD_WRITE })[0], EPERM],
    ['filestat ../sentinel.txt', () => g.stat(BOX, '../sentinel.txt')[0], EPERM],
    ['filestat following link_abs', () => g.stat(BOX, 'link_abs')[0], EPERM],
    ['filestat following chain1', () => g.stat(BOX, 'chain1')[0], EPERM],
    ['filestat following a loop', () => g.stat(BOX, 'loop1')[0], [Errno.ELOOP]],
    ['set times on ../sentinel.txt', () => g.setTimes(BOX, '../sentinel.txt', 1n, 1n, Fstflags.ATIM | Fstflags.MTIM), EPERM],
    ['set times through link_rel', () => g.setTimes(BOX, 'link_rel', 1n, 1n, Fstflags.ATIM | Fstflags.MTIM), EPERM],
    ['set times through dirlink/', () => g.setTimes(BOX, 'dirlink/sentinel.txt', 1n, 1n, Fstflags.MTIM_NOW, false), EPERM],
    ['readlink ../x', () => g.readlink(BOX, '../sentinel.txt')[0], EPERM],
    ['readlink through dirlink', () => g.readlink(BOX, 'dirlink/box/link_rel')[0], EPERM],
    ['unlink ../sentinel.txt', () => g.pathOp('path_unlink_file', BOX, '../sentinel.txt'), EPERM],
    ['unlink through dirlink', () => g.pathOp('path_unlink_file', BOX, 'dirlink/sentinel.txt'), EPERM],
    ['unlink absolute', () => g.pathOp('path_unlink_file', BOX, '/sentinel.txt'), EPERM],
    ['rmdir ../secret', () => g.pathOp('path_remove_directory', BOX, '../secret'), EPERM],
    ['rmdir through deep', () => g.pathOp('path_remove_directory', BOX, 'deep/sub'), EPERM],
    ['mkdir ../newdir', () => g.pathOp('path_create_directory', BOX, '../newdir'), EPERM],
    ['mkdir through dirlink', () => g.pathOp('path_create_directory', BOX, 'dirlink/newdir'), EPERM],
    ['rename inside.txt to ../stolen', () => g.rename(BOX, 'inside.txt', '../stolen'), EPERM],
    ['rename ../sentinel.txt in', () => g.rename(BOX, '../sentinel.txt', 'taken'), EPERM],
    ['rename into dirlink', () => g.rename(BOX, 'inside.txt', 'dirlink/stolen'), EPERM],
    ['rename over the sentinel via link dir', () => g.rename(BOX, 'inside.txt', 'dirlink/sentinel.txt'), EPERM],
    ['hard link ../sentinel.txt in', () => g.link(BOX, '../sentinel.txt', 'hard'), EPERM],
    // wasmtime refuses SYMLINK_FOLLOW on path_link altogether (EINVAL), so this cannot escape either.
    ['hard link following link_rel', () => g.link(BOX, 'link_rel', 'hard', true), [Errno.EINVAL]],
    ['hard link inside.txt out', () => g.link(BOX, 'inside.txt', '../hard'), EPERM],
    ['hard link out through dirlink', () => g.link(BOX, 'inside.txt', 'dirlink/hard'), EPERM],
    ['symlink at ../x', () => g.symlink('inside.txt', BOX, '../x'), EPERM],
    ['symlink with an absolute target', () => g.symlink('/etc/passwd', BOX, 'abs'), EPERM],
    ['symlink through dirlink', () => g.symlink('x', BOX, 'dirlink/x'), EPERM],
  ];
}

const kinds: [string, () => World][] = [
  ['host directory', hostWorld],
  ['memory FS', memoryWorld],
];

for (const eng of testEngines()) {
  const skip = eng.unavailable ?? watUnavailable() ?? false;
  for (const [kind, make] of kinds) {
    test(`[${eng.name}] [${kind}] sandbox: every escape is refused and nothing outside is read or changed`, { skip }, () => {
      const w = make();
      try {
        const before = w.outside();
        const { rt, g } = makeGuest(eng, newModuleConfig().withFSConfig(w.fsConfig));
        const failures: string[] = [];
        for (const [what, attempt, want] of attacks(g)) {
          const got = attempt();
          if (!want.includes(got)) failures.push(`${what}: got errno ${got}, want ${want.join(' or ')}`);
          g.reset();
        }
        assert.deepEqual(failures, []);
        // The guest could still use its own box.
        const [e, fd] = g.open(BOX, 'ok');
        assert.equal(e, 0, 'a symlink inside the box is followed');
        assert.deepEqual(g.read(fd), [0, 'inside\n']);
        assert.equal(g.open(BOX, 'dangling_in')[0], Errno.ENOENT, 'a dangling link inside is ENOENT');
        assert.equal(g.open(BOX, 'sub/../inside.txt')[0], 0, '.. inside the box is fine');
        assert.equal(w.outside(), before, 'nothing outside the box changed (content, times, entries)');
        rt.close();
      } finally {
        w.cleanup();
      }
    });

    test(`[${eng.name}] [${kind}] sandbox: a directory fd is its own boundary (.. above it is EPERM)`, { skip }, () => {
      const w = make();
      try {
        const { rt, g } = makeGuest(eng, newModuleConfig().withFSConfig(w.fsConfig));
        const [e, sub] = g.open(BOX, 'sub', { oflags: Oflags.DIRECTORY, rights: Rights.PATH_OPEN | Rights.FD_READDIR, inheriting: Rights.FD_READ });
        assert.equal(e, 0);
        assert.equal(g.open(sub, '../inside.txt', { rights: Rights.FD_READ })[0], Errno.EPERM);
        assert.equal(g.open(sub, 'chain3', { rights: Rights.FD_READ })[0], Errno.EPERM, 'a link climbing out of the fd');
        rt.close();
      } finally {
        w.cleanup();
      }
    });
  }

  test(`[${eng.name}] sandbox: a read-only host mount refuses every change with EROFS and stays untouched`, { skip }, () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-ro-'));
    try {
      fs.mkdirSync(path.join(root, 'dir'));
      fs.writeFileSync(path.join(root, 'f.txt'), 'data');
      fs.symlinkSync('f.txt', path.join(root, 'l'));
      const snap = () => fs.readdirSync(root).sort().map((n) => `${n}:${fs.lstatSync(path.join(root, n), { bigint: true }).mtimeNs}`).join(',') + fs.readFileSync(path.join(root, 'f.txt'), 'utf8');
      const before = snap();
      const { rt, g } = makeGuest(eng, newModuleConfig().withFSConfig(newFSConfig().withReadOnlyDirMount(root, '/ro')));
      const R = Errno.EROFS;
      const cases: [string, number, number][] = [
        ['create', g.open(BOX, 'new', { oflags: Oflags.CREAT, rights: Rights.FD_WRITE })[0], R],
        ['open for write', g.open(BOX, 'f.txt', { rights: Rights.FD_WRITE })[0], R],
        ['truncate', g.open(BOX, 'f.txt', { oflags: Oflags.TRUNC, rights: Rights.FD_READ })[0], R],
        ['exclusive create of an existing file', g.open(BOX, 'f.txt', { oflags: Oflags.CREAT | Oflags.EXCL, rights: Rights.FD_READ })[0], Errno.EEXIST],
        ['mkdir', g.pathOp('path_create_directory', BOX, 'nd'), R],
        ['rmdir', g.pathOp('path_remove_directory', BOX, 'dir'), R],
        ['unlink', g.pathOp('path_unlink_file', BOX, 'f.txt'), R],
        ['unlink a symlink', g.pathOp('path_unlink_file', BOX, 'l'), R],
        ['rename', g.rename(BOX, 'f.txt', 'g.txt'), R],
        ['link', g.link(BOX, 'f.txt', 'h'), R],
        ['symlink', g.symlink('f.txt', BOX, 's'), R],
        ['path times', g.setTimes(BOX, 'f.txt', 0n, 0n, Fstflags.ATIM_NOW | Fstflags.MTIM_NOW), R],
      ];
      const [e, fd] = g.open(BOX, 'f.txt', { rights: Rights.FD_READ | Rights.FD_FILESTAT_SET_TIMES });
      assert.equal(e, 0);
      cases.push(['fd_write', g.write(fd, 'x')[0], Errno.EBADF]);
      cases.push(['fd times', g.call('fd_filestat_set_times', fd, 0n, 0n, Fstflags.MTIM_NOW), R]);
      cases.push(['dir fd times', g.call('fd_filestat_set_times', BOX, 0n, 0n, Fstflags.MTIM_NOW), R]);
      assert.deepEqual(cases.filter(([, got, want]) => got !== want).map(([w, got, want]) => `${w}: ${got} != ${want}`), []);
      assert.deepEqual(g.read(fd), [0, 'data'], 'reading still works');
      assert.equal(snap(), before);
      rt.close();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test(`[${eng.name}] sandbox: proc_raise never signals the host process`, { skip }, () => {
    const { rt, g } = makeGuest(eng);
    let signalled = false;
    const onSig = () => {
      signalled = true;
    };
    for (const s of ['SIGTERM', 'SIGINT', 'SIGUSR1', 'SIGHUP'] as const) process.on(s, onSig);
    try {
      for (const sig of [1, 2, 6, 9, 10, 15, 19]) assert.equal(g.call('proc_raise', sig), Errno.ENOSYS, `signal ${sig}`);
      assert.equal(g.call('proc_raise', 99), Errno.EINVAL);
      assert.equal(signalled, false);
    } finally {
      for (const s of ['SIGTERM', 'SIGINT', 'SIGUSR1', 'SIGHUP'] as const) process.off(s, onSig);
      rt.close();
    }
  });
}

// Races: between the component-by-component walk and the system call, another process swaps a
// directory for a symbolic link out. The walk cannot see it, so the host FS checks after opening
// (the descriptor's real path) and before changing (the parent's real path). Simulated by calling
// the FS layer with the path the walk approved, after the swap.
test('sandbox race: a directory swapped for a symlink after the walk is caught by the host FS', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-race-'));
  try {
    const box = path.join(root, 'box');
    fs.mkdirSync(path.join(box, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(box, 'sub', 'f.txt'), 'inside');
    fs.mkdirSync(path.join(root, 'out'));
    fs.writeFileSync(path.join(root, 'out', 'f.txt'), SECRET);
    const hfs = new HostDirFS(box);
    // The walk saw box/sub as a directory; now it becomes a link to ../out.
    fs.renameSync(path.join(box, 'sub'), path.join(box, 'sub.real'));
    fs.symlinkSync('../out', path.join(box, 'sub'));
    assert.equal(hfs.open('sub/f.txt', OpenFlag.read | OpenFlag.nofollow), Errno.EPERM, 'open after the swap');
    assert.equal(hfs.open('sub/new.txt', OpenFlag.write | OpenFlag.create | OpenFlag.nofollow), Errno.EPERM, 'create after the swap');
    assert.equal(hfs.mkdir('sub/d'), Errno.EPERM);
    assert.equal(hfs.unlink('sub/f.txt'), Errno.EPERM);
    assert.equal(hfs.rename('sub.real/f.txt', 'sub/f.txt'), Errno.EPERM);
    assert.equal(hfs.symlink('x', 'sub/l'), Errno.EPERM);
    assert.equal(hfs.link('sub.real/f.txt', 'sub/h'), Errno.EPERM);
    assert.equal(hfs.lutimes('sub/f.txt', 1n, 1n), Errno.EPERM);
    assert.deepEqual(fs.readdirSync(path.join(root, 'out')), ['f.txt']);
    assert.equal(fs.readFileSync(path.join(root, 'out', 'f.txt'), 'utf8'), SECRET);
    // And a read-only view stays read-only whatever it wraps.
    assert.equal(readOnlyFS(hfs).mkdir('x'), Errno.EROFS);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
