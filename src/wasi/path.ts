// Path operations (the path_* functions of wasi_snapshot_preview1.witx), all resolved inside the
// sandbox by src/sys/resolve.ts: an absolute path, `..` above the directory descriptor, or a symbolic
// link leading out of it is EPERM (what wasmtime returns); more than 40 links is ELOOP. Paths are
// UTF-8 (EILSEQ otherwise) without NUL (EINVAL).
//
// Trailing slashes follow Linux: "x/" must name a directory (ENOTDIR otherwise) and is never taken as
// a symbolic link itself; unlink_file of a directory is EISDIR with or without one.

import type { HostCaller, HostFunctionDef } from '../runtime/store.js';
import { FdEntry, type SysContext } from '../sys/context.js';
import { type File, Filetype, OpenFlag, type Stat, isErrno } from '../sys/fs.js';
import type { Mount } from '../sys/fsconfig.js';
import { type Resolved, decodePathAt, plainPath, resolve } from '../sys/resolve.js';
import { Errno, FDFLAGS_ALL, Lookupflags, Oflags, RIGHTS_DIR, RIGHTS_FILE, Rights } from './constants.js';
import { type Mem, type Variant, def, memOf, sysOf, writeFilestat } from './common.js';
import { timesFrom } from './fd.js';

/** Base rights for which path_open opens for reading, and for writing. */
const OPEN_READ = Rights.FD_READ | Rights.FD_READDIR;
const OPEN_WRITE = Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE;

/**
 * The directory entry for `fd` holding `rights`, else EBADF (no such fd, or not a directory) or
 * ENOTCAPABLE. wasmtime answers EBADF for a file or stream where a directory is needed, except in
 * path_open, which says ENOTDIR for a regular file (`fileErrno`).
 */
function dirWith(ctx: SysContext, fd: number, rights: bigint, fileErrno: Errno = Errno.EBADF): FdEntry | Errno {
  const e = ctx.fds[fd];
  if (e === undefined) return Errno.EBADF;
  if (e.kind !== 'dir') return e.kind === 'file' ? fileErrno : Errno.EBADF;
  if ((e.rightsBase & rights) !== rights) return Errno.ENOTCAPABLE;
  return e;
}

/** Reads and decodes a guest path (EFAULT, EINVAL for NUL, EILSEQ). */
function pathAt(mem: Mem, ptr: number, len: number): string | Errno {
  ptr >>>= 0;
  len >>>= 0;
  if (!mem.ok(ptr, len)) return Errno.EFAULT;
  return decodePathAt(mem.u8, ptr, len);
}

/** Splits trailing slashes off a path ("a/b//" -> ["a/b", true]); "/"-only paths are left alone. */
function stripSlashes(p: string): [string, boolean] {
  let end = p.length;
  while (end > 1 && p.charCodeAt(end - 1) === 47) end--;
  return end === p.length ? [p, false] : [p.slice(0, end), true];
}

/** Resolves without following the last component, and lstat's it (null when missing). */
function resolveLast(ctx: SysContext, dir: FdEntry, path: string): [Resolved, Stat | null] | Errno {
  const r = resolve(ctx.mounts, dir.parts, path, false);
  if (isErrno(r)) return r;
  if (r.missing) return [r, null];
  const st = r.stat ?? r.mount.fs.lstat(r.path);
  if (isErrno(st)) return st === Errno.ENOENT ? [r, null] : st;
  return [r, st];
}

export function pathFunctions(v: Variant): HostFunctionDef[] {
  return [
    /**
     * path_create_directory(fd, path: string) -> errno.
     * Errors: EBADF, ENOTDIR, ENOTCAPABLE (no PATH_CREATE_DIRECTORY), EEXIST, ENOENT (a missing parent),
     * EPERM (escape), EROFS, EFAULT, EINVAL/EILSEQ (bad path).
     */
    def('path_create_directory', (c: HostCaller, fd: number, p: number, l: number) => {
      const ctx = sysOf(c);
      const d = dirWith(ctx, fd, Rights.PATH_CREATE_DIRECTORY);
      if (isErrno(d)) return d;
      const path = pathAt(memOf(c), p, l);
      if (isErrno(path)) return path;
      const [stripped] = stripSlashes(path);
      const r = resolve(ctx.mounts, d.parts, stripped, false);
      if (isErrno(r)) return r;
      if (r.isDot || r.path === '') return Errno.EEXIST;
      return r.mount.fs.mkdir(r.path);
    }),
    /**
     * path_filestat_get(fd, flags: lookupflags, path) -> filestat (the variant's layout).
     * SYMLINK_FOLLOW follows a final symbolic link. Errors: EBADF, ENOTDIR, ENOTCAPABLE, ENOENT, ELOOP,
     * EPERM, EFAULT.
     */
    def('path_filestat_get', (c: HostCaller, fd: number, flags: number, p: number, l: number, buf: number) => {
      const ctx = sysOf(c);
      const d = dirWith(ctx, fd, Rights.PATH_FILESTAT_GET);
      if (isErrno(d)) return d;
      const mem = memOf(c);
      const path = pathAt(mem, p, l);
      if (isErrno(path)) return path;
      buf >>>= 0;
      if (!mem.ok(buf, v.filestat.size)) return Errno.EFAULT;
      const follow = (flags & Lookupflags.SYMLINK_FOLLOW) !== 0;
      if (!follow) {
        // wasmtime reports a symbolic link itself even when the path ends in a slash ("link/"), where
        // POSIX lstat(2) would follow it. Anything else keeps the slash's meaning (ENOTDIR for a file).
        const [stripped, trailing] = stripSlashes(path);
        if (trailing) {
          const last = resolveLast(ctx, d, stripped);
          if (!isErrno(last) && last[1] !== null && last[1].filetype === Filetype.SYMBOLIC_LINK) {
            writeFilestat(mem, buf, last[1], v.filestat);
            return Errno.ESUCCESS;
          }
        }
      }
      const r = resolve(ctx.mounts, d.parts, path, follow);
      if (isErrno(r)) return r;
      if (r.missing) return Errno.ENOENT;
      const st = r.stat ?? r.mount.fs.lstat(r.path);
      if (isErrno(st)) return st;
      writeFilestat(mem, buf, st, v.filestat);
      return Errno.ESUCCESS;
    }),
    /**
     * path_filestat_set_times(fd, flags, path, atim, mtim, fst_flags) -> errno. Without SYMLINK_FOLLOW
     * a symbolic link's own times change. Errors: as path_filestat_get, EINVAL (fst_flags), EROFS.
     */
    def('path_filestat_set_times', (c: HostCaller, fd: number, flags: number, p: number, l: number, atim: bigint, mtim: bigint, fst: number) => {
      const ctx = sysOf(c);
      const d = dirWith(ctx, fd, Rights.PATH_FILESTAT_SET_TIMES);
      if (isErrno(d)) return d;
      const t = timesFrom(ctx, atim, mtim, fst);
      if (isErrno(t)) return t;
      const path = pathAt(memOf(c), p, l);
      if (isErrno(path)) return path;
      const r = resolve(ctx.mounts, d.parts, path, (flags & Lookupflags.SYMLINK_FOLLOW) !== 0);
      if (isErrno(r)) return r;
      if (r.missing) return Errno.ENOENT;
      return r.mount.fs.lutimes(r.path, t[0], t[1]);
    }),
    /**
     * path_link(old_fd, old_flags, old_path, new_fd, new_path) -> errno: a hard link. As in wasmtime,
     * SYMLINK_FOLLOW is refused (EINVAL). Errors: EBADF, ENOTDIR, ENOTCAPABLE (PATH_LINK_SOURCE /
     * PATH_LINK_TARGET), ENOENT (missing source, or a trailing slash on the new path), EEXIST, EPERM
     * (a directory source, or an escape), EXDEV (different mounts), EROFS, EFAULT.
     */
    def('path_link', (c: HostCaller, ofd: number, oflags: number, op: number, ol: number, nfd: number, np: number, nl: number) => {
      const ctx = sysOf(c);
      const od = dirWith(ctx, ofd, Rights.PATH_LINK_SOURCE);
      if (isErrno(od)) return od;
      const nd = dirWith(ctx, nfd, Rights.PATH_LINK_TARGET);
      if (isErrno(nd)) return nd;
      const mem = memOf(c);
      const oldPath = pathAt(mem, op, ol);
      if (isErrno(oldPath)) return oldPath;
      const newPath = pathAt(mem, np, nl);
      if (isErrno(newPath)) return newPath;
      if (oflags & Lookupflags.SYMLINK_FOLLOW) return Errno.EINVAL;
      const from = resolve(ctx.mounts, od.parts, oldPath, false);
      if (isErrno(from)) return from;
      if (from.missing) return Errno.ENOENT;
      const [np2, trailing] = stripSlashes(newPath);
      const to = resolveLast(ctx, nd, np2);
      if (isErrno(to)) return to;
      const [tr, tst] = to;
      if (tst !== null || tr.isDot || tr.path === '') return Errno.EEXIST;
      if (trailing) return Errno.ENOENT;
      if (from.isDot) return Errno.EPERM;
      if (from.mount !== tr.mount) return Errno.EXDEV;
      return tr.mount.fs.link(from.path, tr.path);
    }),
    /**
     * path_open(fd, dirflags, path, oflags, fs_rights_base, fs_rights_inheriting, fdflags) -> fd.
     * oflags: CREAT (needs PATH_CREATE_FILE), EXCL (EEXIST if it exists), TRUNC (needs
     * PATH_FILESTAT_SET_SIZE, else EPERM), DIRECTORY (ENOTDIR unless a directory; with CREAT: EINVAL).
     * Without SYMLINK_FOLLOW a final symbolic link is ELOOP. The file is opened for reading when the
     * base rights include FD_READ/FD_READDIR and for writing with FD_WRITE/FD_ALLOCATE/
     * FD_FILESTAT_SET_SIZE (a directory opened for writing is EISDIR). The new descriptor's rights are
     * the requested ones, limited to what applies to its file type; requesting a right the directory
     * cannot hand down (not in its inheriting rights) is ENOTCAPABLE.
     * Errors: EBADF, ENOTDIR, ENOTCAPABLE, ENOENT, EEXIST, EISDIR, ELOOP, EPERM, EINVAL, EROFS, EFAULT.
     */
    def('path_open', (c: HostCaller, fd: number, dirflags: number, p: number, l: number, oflags: number, base: bigint, inh: bigint, fdflags: number, pFd: number) => {
      const ctx = sysOf(c);
      const d = dirWith(ctx, fd, Rights.PATH_OPEN, Errno.ENOTDIR);
      if (isErrno(d)) return d;
      const mem = memOf(c);
      const path = pathAt(mem, p, l);
      if (isErrno(path)) return path;
      pFd >>>= 0;
      if (!mem.ok(pFd, 4)) return Errno.EFAULT;
      if (oflags & ~15 || fdflags & ~FDFLAGS_ALL) return Errno.EINVAL;
      // CREAT or TRUNC with DIRECTORY make no sense together (wasmtime: EINVAL).
      if (oflags & Oflags.DIRECTORY && oflags & (Oflags.CREAT | Oflags.TRUNC)) return Errno.EINVAL;
      if (oflags & Oflags.CREAT && !(d.rightsBase & Rights.PATH_CREATE_FILE)) return Errno.ENOTCAPABLE;
      if (oflags & Oflags.TRUNC && !(d.rightsBase & Rights.PATH_FILESTAT_SET_SIZE)) return Errno.EPERM;
      const rb = BigInt.asUintN(64, base), ri = BigInt.asUintN(64, inh);
      if (((rb | ri) & ~d.rightsInheriting) !== 0n) return Errno.ENOTCAPABLE;
      let flags = OpenFlag.nofollow;
      if (rb & OPEN_READ) flags |= OpenFlag.read;
      if (rb & OPEN_WRITE) flags |= OpenFlag.write;
      if (!(flags & (OpenFlag.read | OpenFlag.write))) flags |= OpenFlag.read;
      if (oflags & Oflags.CREAT) flags |= OpenFlag.create;
      if (oflags & Oflags.EXCL) flags |= OpenFlag.exclusive;
      if (oflags & Oflags.TRUNC) flags |= OpenFlag.truncate;
      if (oflags & Oflags.DIRECTORY) flags |= OpenFlag.directory;
      const follow = (dirflags & Lookupflags.SYMLINK_FOLLOW) !== 0;
      // Several plain names: an FS that walks them itself without following links needs no walk here
      // (one name is as quick through resolve). A link on the way: resolved below, the usual way.
      let f: File | Errno | null = null;
      let mount: Mount;
      let parts: string[];
      let isDot = false;
      const plain = path.indexOf('/') > 0 ? plainPath(ctx.mounts, d.parts, path) : null;
      if (plain !== null && plain.mount.fs.openBeneath !== undefined) f = plain.mount.fs.openBeneath(plain.path, flags);
      if (f !== null) {
        mount = plain!.mount;
        parts = plain!.parts;
      } else {
        const r = resolve(ctx.mounts, d.parts, path, false);
        if (isErrno(r)) return r;
        if (r.trailingSlash) {
          if (r.missing && flags & OpenFlag.create) return Errno.EISDIR;
          flags |= OpenFlag.directory;
        }
        if (r.isDot && (flags & OpenFlag.create) && (flags & OpenFlag.exclusive)) return Errno.EEXIST;
        f = r.mount.fs.open(r.path, flags, r.parentStat ?? undefined);
        mount = r.mount;
        parts = r.parts;
        isDot = r.isDot;
      }
      // Opened without following, a final symbolic link fails: ELOOP (or ENOTDIR where a host says so
      // for DIRECTORY). Then either follow it ourselves (inside the sandbox) or say ELOOP, as wasmtime
      // does for both.
      if ((f === Errno.ELOOP || f === Errno.ENOTDIR) && !isDot) {
        const r0 = resolve(ctx.mounts, d.parts, path, false);
        const st = isErrno(r0) || r0.missing ? null : r0.mount.fs.lstat(r0.path);
        if (st !== null && !isErrno(st) && st.filetype === Filetype.SYMBOLIC_LINK) {
          if (!follow) return Errno.ELOOP;
          const r = resolve(ctx.mounts, d.parts, path, true);
          if (isErrno(r)) return r;
          if (r.missing && !(flags & OpenFlag.create)) return Errno.ENOENT;
          f = r.mount.fs.open(r.path, flags, r.parentStat ?? undefined);
          mount = r.mount;
          parts = r.parts;
        }
      }
      if (isErrno(f)) return f;
      const filetype = f.filetype;
      let e: FdEntry;
      if (typeof filetype === 'number') {
        const isDir = filetype === Filetype.DIRECTORY;
        e = new FdEntry(isDir ? 'dir' : 'file', filetype, rb & (isDir ? RIGHTS_DIR : RIGHTS_FILE), ri);
        e.file = f;
      } else e = FdEntry.untyped(f, rb, ri); // the type is learned when first needed
      e.mount = mount;
      e.parts = parts;
      e.fdflags = fdflags;
      const nfd = ctx.add(e);
      mem.dv.setUint32(pFd, nfd, true);
      return Errno.ESUCCESS;
    }),
    /**
     * path_readlink(fd, path, buf, buf_len) -> bufused u32: the link's target, cut to buf_len bytes
     * (not NUL-terminated). Errors: EBADF, ENOTDIR, ENOTCAPABLE (no PATH_READLINK), ENOENT, EINVAL (not
     * a symbolic link), EPERM, EFAULT.
     */
    def('path_readlink', (c: HostCaller, fd: number, p: number, l: number, buf: number, len: number, pUsed: number) => {
      const ctx = sysOf(c);
      const d = dirWith(ctx, fd, Rights.PATH_READLINK);
      if (isErrno(d)) return d;
      const mem = memOf(c);
      const path = pathAt(mem, p, l);
      if (isErrno(path)) return path;
      buf >>>= 0;
      len >>>= 0;
      pUsed >>>= 0;
      if (!mem.ok(buf, len) || !mem.ok(pUsed, 4)) return Errno.EFAULT;
      const r = resolve(ctx.mounts, d.parts, path, false);
      if (isErrno(r)) return r;
      if (r.isDot) return Errno.EINVAL;
      const t = r.mount.fs.readlink(r.path);
      if (isErrno(t)) return t;
      const bytes = new TextEncoder().encode(t);
      const n = Math.min(bytes.length, len);
      mem.u8.set(bytes.subarray(0, n), buf);
      mem.dv.setUint32(pUsed, n, true);
      return Errno.ESUCCESS;
    }),
    /**
     * path_remove_directory(fd, path) -> errno. Errors: EBADF, ENOTDIR (not a directory, also a
     * symbolic link named with a trailing slash), ENOTCAPABLE, ENOENT, ENOTEMPTY, EINVAL (`.`), EBUSY
     * (a mount's root), EPERM, EROFS, EFAULT.
     */
    def('path_remove_directory', (c: HostCaller, fd: number, p: number, l: number) => {
      const ctx = sysOf(c);
      const d = dirWith(ctx, fd, Rights.PATH_REMOVE_DIRECTORY);
      if (isErrno(d)) return d;
      const path = pathAt(memOf(c), p, l);
      if (isErrno(path)) return path;
      const [stripped] = stripSlashes(path);
      const res = resolveLast(ctx, d, stripped);
      if (isErrno(res)) return res;
      const [r, st] = res;
      if (r.isDot) return Errno.EINVAL;
      if (r.path === '') return Errno.EBUSY;
      if (st === null) return Errno.ENOENT;
      if (st.filetype !== Filetype.DIRECTORY) return Errno.ENOTDIR;
      return r.mount.fs.rmdir(r.path);
    }),
    /**
     * path_rename(fd, old_path, new_fd, new_path) -> errno (rename(2) semantics: a file replaces a
     * file, a directory an empty directory). Trailing slashes are allowed when the source is a directory
     * (ENOTDIR otherwise). Errors: EBADF, ENOTDIR, ENOTCAPABLE (PATH_RENAME_SOURCE / _TARGET), ENOENT,
     * EISDIR (file over directory), ENOTEMPTY, EINVAL (into itself), EBUSY (`.` or a mount root), EXDEV
     * (different mounts), EPERM, EROFS, EFAULT.
     */
    def('path_rename', (c: HostCaller, fd: number, op: number, ol: number, nfd: number, np: number, nl: number) => {
      const ctx = sysOf(c);
      const od = dirWith(ctx, fd, Rights.PATH_RENAME_SOURCE);
      if (isErrno(od)) return od;
      const nd = dirWith(ctx, nfd, Rights.PATH_RENAME_TARGET);
      if (isErrno(nd)) return nd;
      const mem = memOf(c);
      const oldPath = pathAt(mem, op, ol);
      if (isErrno(oldPath)) return oldPath;
      const newPath = pathAt(mem, np, nl);
      if (isErrno(newPath)) return newPath;
      const [o2, oTrail] = stripSlashes(oldPath);
      const [n2, nTrail] = stripSlashes(newPath);
      const from = resolveLast(ctx, od, o2);
      if (isErrno(from)) return from;
      const [fr, fst] = from;
      if (fr.isDot || fr.path === '') return Errno.EBUSY;
      if (fst === null) return Errno.ENOENT;
      const to = resolveLast(ctx, nd, n2);
      if (isErrno(to)) return to;
      const [tr, tst] = to;
      if (tr.isDot || tr.path === '') return Errno.EBUSY;
      const srcDir = fst.filetype === Filetype.DIRECTORY;
      if ((oTrail || nTrail) && !srcDir) return Errno.ENOTDIR;
      if (tst !== null && srcDir && tst.filetype !== Filetype.DIRECTORY) return Errno.ENOTDIR;
      if (tst !== null && !srcDir && tst.filetype === Filetype.DIRECTORY) return Errno.EISDIR;
      if (fr.mount !== tr.mount) return Errno.EXDEV;
      return tr.mount.fs.rename(fr.path, tr.path);
    }),
    /**
     * path_symlink(old_path: string, fd, new_path) -> errno: a symbolic link at new_path holding
     * old_path as given. An absolute target could only ever point outside the sandbox: EPERM (as
     * wasmtime). Errors: EBADF, ENOTDIR, ENOTCAPABLE (no PATH_SYMLINK), EEXIST, ENOENT (a trailing slash
     * on a missing new path, or an empty target), ENOTDIR (a trailing slash on an existing file), EPERM,
     * EROFS, EFAULT.
     */
    def('path_symlink', (c: HostCaller, op: number, ol: number, fd: number, np: number, nl: number) => {
      const ctx = sysOf(c);
      const d = dirWith(ctx, fd, Rights.PATH_SYMLINK);
      if (isErrno(d)) return d;
      const mem = memOf(c);
      const target = pathAt(mem, op, ol);
      if (isErrno(target)) return target;
      const newPath = pathAt(mem, np, nl);
      if (isErrno(newPath)) return newPath;
      const [n2, trailing] = stripSlashes(newPath);
      const res = resolveLast(ctx, d, n2);
      if (isErrno(res)) return res;
      const [r, st] = res;
      if (r.isDot || r.path === '') return Errno.EEXIST;
      if (st !== null) return trailing && st.filetype !== Filetype.DIRECTORY ? Errno.ENOTDIR : Errno.EEXIST;
      if (trailing) return Errno.ENOENT;
      if (target === '') return Errno.ENOENT;
      if (target.charCodeAt(0) === 47) return Errno.EPERM;
      return r.mount.fs.symlink(target, r.path);
    }),
    /**
     * path_unlink_file(fd, path) -> errno: removes a non-directory (a symbolic link itself).
     * Errors: EBADF, ENOTDIR (a trailing slash on a non-directory), ENOTCAPABLE (no PATH_UNLINK_FILE),
     * ENOENT, EISDIR (a directory, with or without a trailing slash), EPERM, EROFS, EFAULT.
     */
    def('path_unlink_file', (c: HostCaller, fd: number, p: number, l: number) => {
      const ctx = sysOf(c);
      const d = dirWith(ctx, fd, Rights.PATH_UNLINK_FILE);
      if (isErrno(d)) return d;
      const path = pathAt(memOf(c), p, l);
      if (isErrno(path)) return path;
      const [stripped, trailing] = stripSlashes(path);
      const res = resolveLast(ctx, d, stripped);
      if (isErrno(res)) return res;
      const [r, st] = res;
      if (r.isDot || r.path === '') return Errno.EISDIR;
      if (st === null) return Errno.ENOENT;
      if (st.filetype === Filetype.DIRECTORY) return Errno.EISDIR;
      if (trailing) {
        // "link/" names what the link points to: a directory there is EISDIR (wasmtime), else ENOTDIR.
        if (st.filetype === Filetype.SYMBOLIC_LINK) {
          const t = resolve(ctx.mounts, d.parts, stripped, true);
          if (!isErrno(t) && !t.missing) {
            const tst = t.stat ?? t.mount.fs.lstat(t.path);
            if (!isErrno(tst) && tst.filetype === Filetype.DIRECTORY) return Errno.EISDIR;
          }
        }
        return Errno.ENOTDIR;
      }
      return r.mount.fs.unlink(r.path);
    }),
  ];
}
