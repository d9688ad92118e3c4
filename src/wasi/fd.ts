// Descriptor operations (the fd_* functions of wasi_snapshot_preview1.witx). Layouts are in
// constants.ts; the two snapshots differ here only in fd_seek's whence values and in the filestat
// written by fd_filestat_get (both via the Variant).
//
// Conventions for errors, matching what wasmtime and Linux report:
//  - no such descriptor: EBADF;
//  - a right the descriptor lacks: ENOTCAPABLE, except reading/writing without FD_READ/FD_WRITE, which
//    is EBADF (as for a POSIX descriptor opened without that access mode);
//  - byte I/O on a directory: EISDIR; seek/tell on a directory: EBADF;
//  - seek, tell, pread, pwrite on a stream (stdio): ESPIPE.

import type { HostCaller, HostFunctionDef } from '../runtime/store.js';
import type { FdEntry, SysContext } from '../sys/context.js';
import { isErrno } from '../sys/fs.js';
import { Dirent, Errno, Fdflags, FDFLAGS_ALL, Fdstat, Filetype, Fstflags, Prestat, Rights } from './constants.js';
import { type WriteBehindFn, flushWrites, pending, writeBehindKey } from '../sys/writebehind.js';
import { MAX_OFFSET, type Mem, type Variant, def, fdWith, memOf, sysForWrite, sysOf, writeFilestat } from './common.js';

const { FD_READ, FD_WRITE, FD_SEEK, FD_TELL } = Rights;

/** Checks an iovec array; returns false when it or a buffer it points to is out of memory. */
function iovsOk(mem: Mem, iovs: number, n: number): boolean {
  if (!mem.ok(iovs, n * 8)) return false;
  const dv = mem.dv;
  for (let i = 0; i < n; i++) {
    const p = dv.getUint32(iovs + i * 8, true);
    const l = dv.getUint32(iovs + i * 8 + 4, true);
    if (!mem.ok(p, l)) return false;
  }
  return true;
}

/** Reads from a file entry into the iovecs at `pos`; returns bytes read or -errno. */
function readIovs(e: FdEntry, mem: Mem, iovs: number, n: number, pos: number): number {
  const dv = mem.dv;
  const f = e.file!;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = dv.getUint32(iovs + i * 8, true);
    const l = dv.getUint32(iovs + i * 8 + 4, true);
    if (l === 0) continue;
    const r = f.read(mem.u8.subarray(p, p + l), pos + total);
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (r < l) break;
  }
  return total;
}

/** Writes the iovecs to a file entry at `pos` (null: append); returns bytes written or -errno. */
function writeIovs(e: FdEntry, mem: Mem, iovs: number, n: number, pos: number | null): number {
  const dv = mem.dv;
  const f = e.file!;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = dv.getUint32(iovs + i * 8, true);
    const l = dv.getUint32(iovs + i * 8 + 4, true);
    if (l === 0) continue;
    const r = f.write(mem.u8.subarray(p, p + l), pos === null ? null : pos + total);
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (r < l) break;
  }
  return total;
}

/**
 * Writes the iovecs at `pos` through a file's write-behind method (src/sys/writebehind.ts), which
 * may buffer them; returns bytes written or -errno.
 */
function writeIovsBehind(wb: WriteBehindFn, f: unknown, mem: Mem, iovs: number, n: number, pos: number): number {
  const dv = mem.dv;
  const u8 = mem.u8;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = dv.getUint32(iovs + i * 8, true);
    const l = dv.getUint32(iovs + i * 8 + 4, true);
    if (l === 0) continue;
    const r = wb.call(f, u8, p, l, pos + total);
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (r < l) break;
  }
  return total;
}

/** Fdflags that make fd_write skip the write-behind buffer. */
const UNBUFFERED = Fdflags.APPEND | Fdflags.DSYNC | Fdflags.RSYNC | Fdflags.SYNC;

/** Resolves the NOW flags and validates fst_flags (EINVAL for a time and its NOW together, or unknown bits). */
export function timesFrom(ctx: SysContext, atim: bigint, mtim: bigint, fst: number): [bigint | null, bigint | null] | Errno {
  if (fst & ~15) return Errno.EINVAL;
  if (fst & Fstflags.ATIM && fst & Fstflags.ATIM_NOW) return Errno.EINVAL;
  if (fst & Fstflags.MTIM && fst & Fstflags.MTIM_NOW) return Errno.EINVAL;
  // NOW is the guest's wall clock (the configured one), so what it reads back agrees with clock_time_get.
  const now = fst & (Fstflags.ATIM_NOW | Fstflags.MTIM_NOW) ? ctx.walltime() : 0n;
  const a = fst & Fstflags.ATIM ? BigInt.asUintN(64, atim) : fst & Fstflags.ATIM_NOW ? now : null;
  const m = fst & Fstflags.MTIM ? BigInt.asUintN(64, mtim) : fst & Fstflags.MTIM_NOW ? now : null;
  return [a, m];
}

export function fdFunctions(v: Variant): HostFunctionDef[] {
  const fsl = v.filestat;
  return [
    /**
     * fd_advise(fd, offset: filesize, len: filesize, advice) -> errno. Advice is accepted and ignored.
     * Errors: EBADF (no fd, or not a regular file), ESPIPE (stream), EINVAL (advice > NOREUSE),
     * ENOTCAPABLE (no FD_ADVISE).
     */
    def('fd_advise', (c: HostCaller, fd: number, _off: bigint, _len: bigint, advice: number) => {
      const e = sysOf(c).fds[fd];
      if (e === undefined) return Errno.EBADF;
      if (e.kind !== 'file') return e.kind === 'dir' ? Errno.EBADF : Errno.ESPIPE;
      if (advice >>> 0 > 5) return Errno.EINVAL;
      if (!(e.rightsBase & Rights.FD_ADVISE)) return Errno.ENOTCAPABLE;
      return Errno.ESUCCESS;
    }),
    /**
     * fd_allocate(fd, offset, len) -> errno. Not supported, as in wasmtime (preview1's fd_allocate was
     * dropped from WASI): ENOTSUP for a regular file once the descriptor checks pass.
     * Errors: EBADF (no fd, a directory), ESPIPE (stream), ENOTCAPABLE (no FD_ALLOCATE), ENOTSUP.
     */
    def('fd_allocate', (c: HostCaller, fd: number, _off: bigint, _len: bigint) => {
      const e = sysOf(c).fds[fd];
      if (e === undefined) return Errno.EBADF;
      if (e.kind !== 'file') return e.kind === 'dir' ? Errno.EBADF : Errno.ESPIPE;
      if (!(e.rightsBase & Rights.FD_ALLOCATE)) return Errno.ENOTCAPABLE;
      return Errno.ENOTSUP;
    }),
    /** fd_close(fd) -> errno. Preopens and stdio may be closed too. Errors: EBADF. */
    def('fd_close', (c: HostCaller, fd: number) => {
      const ctx = sysOf(c);
      const e = ctx.fds[fd];
      if (e === undefined) return Errno.EBADF;
      ctx.remove(fd);
      // The descriptor is gone either way; an error (e.g. from writing out buffered bytes) is reported.
      const r = e.close();
      return r === Errno.EBADF ? Errno.ESUCCESS : r;
    }),
    /** fd_datasync(fd) -> errno. Errors: EBADF, EINVAL (a stream), ENOTCAPABLE (no FD_DATASYNC). */
    def('fd_datasync', (c: HostCaller, fd: number) => {
      const e = fdWith(sysOf(c), fd, 0n);
      if (isErrno(e)) return e;
      if (!e.file) return Errno.EINVAL;
      if (!(e.rightsBase & Rights.FD_DATASYNC)) return Errno.ENOTCAPABLE;
      return e.file.datasync();
    }),
    /**
     * fd_fdstat_get(fd) -> fdstat (24 bytes: filetype u8 @0, flags u16 @2, rights_base u64 @8,
     * rights_inheriting u64 @16). A terminal is CHARACTER_DEVICE without FD_SEEK/FD_TELL (wasi-libc's
     * isatty test). Errors: EBADF, EFAULT.
     */
    def('fd_fdstat_get', (c: HostCaller, fd: number, ptr: number) => {
      const e = sysOf(c).fds[fd];
      if (e === undefined) return Errno.EBADF;
      const mem = memOf(c);
      ptr >>>= 0;
      if (!mem.ok(ptr, Fdstat.size)) return Errno.EFAULT;
      mem.u8.fill(0, ptr, ptr + Fdstat.size);
      mem.dv.setUint8(ptr + Fdstat.filetype, e.filetype);
      mem.dv.setUint16(ptr + Fdstat.flags, e.fdflags, true);
      mem.dv.setBigUint64(ptr + Fdstat.rightsBase, e.rightsBase, true);
      mem.dv.setBigUint64(ptr + Fdstat.rightsInheriting, e.rightsInheriting, true);
      return Errno.ESUCCESS;
    }),
    /**
     * fd_fdstat_set_flags(fd, flags: fdflags) -> errno. APPEND makes every write go to the end;
     * NONBLOCK is recorded. As in wasmtime, the sync flags (DSYNC, RSYNC, SYNC) cannot be changed
     * after opening (EINVAL), and only files and directories take flags (EBADF for stdio streams).
     * Errors: EBADF, EINVAL (unknown or sync bits), ENOTCAPABLE (no FD_FDSTAT_SET_FLAGS).
     */
    def('fd_fdstat_set_flags', (c: HostCaller, fd: number, flags: number) => {
      const e = fdWith(sysOf(c), fd, Rights.FD_FDSTAT_SET_FLAGS);
      if (isErrno(e)) return e;
      if (e.kind !== 'file' && e.kind !== 'dir') return Errno.EBADF;
      if (flags & ~FDFLAGS_ALL) return Errno.EINVAL;
      if (flags & (Fdflags.DSYNC | Fdflags.RSYNC | Fdflags.SYNC)) return Errno.EINVAL;
      e.fdflags = flags;
      return Errno.ESUCCESS;
    }),
    /**
     * fd_fdstat_set_rights(fd, base: rights, inheriting: rights) -> errno: rights can only shrink.
     * Errors: EBADF, ENOTCAPABLE (a right not held).
     */
    def('fd_fdstat_set_rights', (c: HostCaller, fd: number, base: bigint, inh: bigint) => {
      const e = sysOf(c).fds[fd];
      if (e === undefined) return Errno.EBADF;
      const b = BigInt.asUintN(64, base), i = BigInt.asUintN(64, inh);
      if ((b & ~e.rightsBase) !== 0n || (i & ~e.rightsInheriting) !== 0n) return Errno.ENOTCAPABLE;
      e.rightsBase = b;
      e.rightsInheriting = i;
      return Errno.ESUCCESS;
    }),
    /** fd_filestat_get(fd) -> filestat (the variant's layout). Errors: EBADF, ENOTCAPABLE, EFAULT, I/O errors. */
    def('fd_filestat_get', (c: HostCaller, fd: number, ptr: number) => {
      const e = fdWith(sysOf(c), fd, Rights.FD_FILESTAT_GET);
      if (isErrno(e)) return e;
      const mem = memOf(c);
      ptr >>>= 0;
      if (!mem.ok(ptr, fsl.size)) return Errno.EFAULT;
      const st = e.file ? e.file.stat() : (e.input ?? e.output)!.stat();
      if (isErrno(st)) return st;
      if (!e.file) st.filetype = e.filetype;
      writeFilestat(mem, ptr, st, fsl);
      return Errno.ESUCCESS;
    }),
    /**
     * fd_filestat_set_size(fd, size) -> errno: truncates or zero-extends.
     * Errors (wasmtime's): EBADF (no fd, or a directory), EINVAL (a stream, or a file not opened for
     * writing), ENOTCAPABLE (no FD_FILESTAT_SET_SIZE), EFBIG.
     */
    def('fd_filestat_set_size', (c: HostCaller, fd: number, size: bigint) => {
      const e = sysOf(c).fds[fd];
      if (e === undefined) return Errno.EBADF;
      if (e.kind === 'dir') return Errno.EBADF;
      if (e.kind !== 'file') return Errno.EINVAL;
      if (!(e.rightsBase & FD_WRITE)) return Errno.EINVAL;
      if (!(e.rightsBase & Rights.FD_FILESTAT_SET_SIZE)) return Errno.ENOTCAPABLE;
      const s = BigInt.asUintN(64, size);
      if (s > BigInt(MAX_OFFSET)) return Errno.EFBIG;
      return e.file!.truncate(Number(s));
    }),
    /**
     * fd_filestat_set_times(fd, atim, mtim, fst_flags) -> errno. Times in ns; *_NOW takes the guest's
     * wall clock. Errors: EBADF, EINVAL (ATIM with ATIM_NOW, MTIM with MTIM_NOW, unknown bits),
     * ENOTCAPABLE (no FD_FILESTAT_SET_TIMES), EROFS.
     */
    def('fd_filestat_set_times', (c: HostCaller, fd: number, atim: bigint, mtim: bigint, fst: number) => {
      const ctx = sysOf(c);
      const e = fdWith(ctx, fd, Rights.FD_FILESTAT_SET_TIMES);
      if (isErrno(e)) return e;
      const t = timesFrom(ctx, atim, mtim, fst);
      if (isErrno(t)) return t;
      if (!e.file) return Errno.ESUCCESS;
      return e.file.utimes(t[0], t[1]);
    }),
    /**
     * fd_pread(fd, iovs, iovs_len, offset) -> nread u32: reads at offset without moving the position.
     * Errors: EBADF (no fd, a directory, or no FD_READ — wasmtime's choice for directories), ESPIPE
     * (stream), EFAULT, EINVAL (offset too large).
     */
    def('fd_pread', (c: HostCaller, fd: number, iovs: number, n: number, off: bigint, pNread: number) => {
      const e = sysOf(c).fds[fd];
      if (e === undefined) return Errno.EBADF;
      if (e.kind === 'dir') return Errno.EBADF;
      if (e.kind !== 'file') return Errno.ESPIPE;
      if (!(e.rightsBase & FD_READ)) return Errno.EBADF;
      const mem = memOf(c);
      iovs >>>= 0;
      n >>>= 0;
      pNread >>>= 0;
      if (!mem.ok(pNread, 4) || !iovsOk(mem, iovs, n)) return Errno.EFAULT;
      const o = BigInt.asUintN(64, off);
      if (o > BigInt(MAX_OFFSET)) return Errno.EINVAL;
      const r = readIovs(e, mem, iovs, n, Number(o));
      if (r < 0) return -r;
      mem.dv.setUint32(pNread, r, true);
      return Errno.ESUCCESS;
    }),
    /** fd_prestat_get(fd) -> prestat (tag u8 @0 = DIR, name length u32 @4). Errors: EBADF (not a preopen), EFAULT. */
    def('fd_prestat_get', (c: HostCaller, fd: number, ptr: number) => {
      const e = sysOf(c).fds[fd];
      if (e === undefined || e.preopen === null) return Errno.EBADF;
      const mem = memOf(c);
      ptr >>>= 0;
      if (!mem.ok(ptr, Prestat.size)) return Errno.EFAULT;
      mem.u8.fill(0, ptr, ptr + Prestat.size);
      mem.dv.setUint32(ptr + Prestat.nameLen, e.preopen.length, true);
      return Errno.ESUCCESS;
    }),
    /**
     * fd_prestat_dir_name(fd, path: ptr<u8>, path_len) -> errno: the preopen's name, not NUL-terminated.
     * Errors: EBADF (not a preopen), ENOTDIR (a directory that is not a preopen), ENAMETOOLONG (path_len
     * shorter than the name), EFAULT.
     */
    def('fd_prestat_dir_name', (c: HostCaller, fd: number, ptr: number, len: number) => {
      const e = sysOf(c).fds[fd];
      if (e === undefined) return Errno.EBADF;
      // A directory that is not a preopen: ENOTDIR in wasmtime (fd_prestat_get says EBADF).
      if (e.preopen === null) return e.kind === 'dir' ? Errno.ENOTDIR : Errno.EBADF;
      if (len >>> 0 < e.preopen.length) return Errno.ENAMETOOLONG;
      const mem = memOf(c);
      ptr >>>= 0;
      if (!mem.ok(ptr, e.preopen.length)) return Errno.EFAULT;
      mem.u8.set(e.preopen, ptr);
      return Errno.ESUCCESS;
    }),
    /**
     * fd_pwrite(fd, iovs, iovs_len, offset) -> nwritten u32: writes at offset without moving the
     * position. With APPEND the bytes go to the end whatever the offset, as on Linux and in wasmtime.
     * Errors: EBADF (no fd, a directory, or no FD_WRITE), ESPIPE, EFAULT, EINVAL.
     */
    def('fd_pwrite', (c: HostCaller, fd: number, iovs: number, n: number, off: bigint, pNw: number) => {
      const e = sysOf(c).fds[fd];
      if (e === undefined) return Errno.EBADF;
      if (e.kind === 'dir') return Errno.EBADF;
      if (e.kind !== 'file') return Errno.ESPIPE;
      if (!(e.rightsBase & FD_WRITE)) return Errno.EBADF;
      const mem = memOf(c);
      iovs >>>= 0;
      n >>>= 0;
      pNw >>>= 0;
      if (!mem.ok(pNw, 4) || !iovsOk(mem, iovs, n)) return Errno.EFAULT;
      const o = BigInt.asUintN(64, off);
      if (o > BigInt(MAX_OFFSET)) return Errno.EINVAL;
      const r = writeIovs(e, mem, iovs, n, e.fdflags & Fdflags.APPEND ? null : Number(o));
      if (r < 0) return -r;
      mem.dv.setUint32(pNw, r, true);
      return Errno.ESUCCESS;
    }),
    /**
     * fd_read(fd, iovs, iovs_len) -> nread u32. Files: from the position, which advances. Streams:
     * one read (blocking for a host descriptor) into the first non-empty buffer.
     * Errors: EBADF (no fd, a directory, an output stream, or no FD_READ), EFAULT, I/O errors.
     */
    def('fd_read', (c: HostCaller, fd: number, iovs: number, n: number, pNread: number) => {
      const e = sysOf(c).fds[fd];
      if (e === undefined) return Errno.EBADF;
      if (e.kind === 'dir') return Errno.EBADF;
      if (!(e.rightsBase & FD_READ)) return Errno.EBADF;
      const mem = memOf(c);
      iovs >>>= 0;
      n >>>= 0;
      pNread >>>= 0;
      if (!mem.ok(pNread, 4) || !iovsOk(mem, iovs, n)) return Errno.EFAULT;
      let r: number;
      if (e.kind === 'file') {
        r = readIovs(e, mem, iovs, n, e.pos);
        if (r > 0) e.pos += r;
      } else {
        r = 0;
        const input = e.input;
        if (!input) return Errno.EBADF;
        for (let i = 0; i < n; i++) {
          const p = mem.dv.getUint32(iovs + i * 8, true);
          const l = mem.dv.getUint32(iovs + i * 8 + 4, true);
          if (l === 0) continue;
          r = input.read(mem.u8.subarray(p, p + l));
          break;
        }
      }
      if (r < 0) return -r;
      mem.dv.setUint32(pNread, r, true);
      return Errno.ESUCCESS;
    }),
    /**
     * fd_readdir(fd, buf, buf_len, cookie: dircookie) -> bufused u32. Entries are a 24-byte dirent
     * (d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20) followed by the name; the last one
     * is cut at buf_len (bufused == buf_len means "there may be more"). `.` and `..` come first, then
     * the entries sorted by name; the cookie of entry i is i+1, and a listing taken at cookie 0 is kept
     * until the next read from 0, so cookies stay stable while the guest changes the directory.
     * Errors: EBADF (no fd, or not a directory), ENOTCAPABLE (no FD_READDIR), EFAULT.
     */
    def('fd_readdir', (c: HostCaller, fd: number, buf: number, len: number, cookie: bigint, pUsed: number) => {
      const ctx = sysOf(c);
      const e = ctx.fds[fd];
      if (e === undefined) return Errno.EBADF;
      if (e.kind !== 'dir') return Errno.EBADF; // wasmtime: EBADF for files and streams alike
      if (!(e.rightsBase & Rights.FD_READDIR)) return Errno.ENOTCAPABLE;
      const mem = memOf(c);
      buf >>>= 0;
      len >>>= 0;
      pUsed >>>= 0;
      if (!mem.ok(buf, len) || !mem.ok(pUsed, 4)) return Errno.EFAULT;
      const ck = BigInt.asUintN(64, cookie);
      if (ck === 0n || e.listing === null) {
        const list = e.file!.readdir();
        if (isErrno(list)) return list;
        list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const self = e.file!.stat();
        const selfIno = isErrno(self) ? 0n : self.ino;
        let parentIno = selfIno;
        const m = e.mount!;
        if (e.parts.length > m.parts.length) {
          const pst = m.fs.lstat(e.parts.slice(m.parts.length, -1).join('/'));
          if (!isErrno(pst)) parentIno = pst.ino;
        }
        e.listing = [
          { name: '.', ino: selfIno, filetype: Filetype.DIRECTORY },
          { name: '..', ino: parentIno, filetype: Filetype.DIRECTORY },
          ...list,
        ];
      }
      const list = e.listing;
      const dv = mem.dv;
      const enc = new TextEncoder();
      let used = 0;
      for (let i = ck > BigInt(list.length) ? list.length : Number(ck); i < list.length && used < len; i++) {
        const d = list[i]!;
        const name = enc.encode(d.name);
        const head = new Uint8Array(Dirent.size);
        const hv = new DataView(head.buffer);
        hv.setBigUint64(Dirent.next, BigInt(i + 1), true);
        hv.setBigUint64(Dirent.ino, BigInt.asUintN(64, d.ino), true);
        hv.setUint32(Dirent.namlen, name.length, true);
        hv.setUint8(Dirent.type, d.filetype);
        const h = Math.min(Dirent.size, len - used);
        mem.u8.set(head.subarray(0, h), buf + used);
        used += h;
        const k = Math.min(name.length, len - used);
        mem.u8.set(name.subarray(0, k), buf + used);
        used += k;
      }
      dv.setUint32(pUsed, used, true);
      return Errno.ESUCCESS;
    }),
    /**
     * fd_renumber(fd, to) -> errno: moves fd to `to`, closing what `to` held (preopens included).
     * Errors: EBADF (either is not open).
     */
    def('fd_renumber', (c: HostCaller, fd: number, to: number) => {
      const ctx = sysOf(c);
      const e = ctx.fds[fd];
      const t = ctx.fds[to];
      if (e === undefined || t === undefined) return Errno.EBADF;
      if (fd === to) return Errno.ESUCCESS;
      t.close();
      ctx.fds[to] = e;
      ctx.remove(fd);
      return Errno.ESUCCESS;
    }),
    /**
     * fd_seek(fd, offset: filedelta s64, whence) -> newoffset u64. Whence values differ per snapshot
     * (preview 1: SET 0, CUR 1, END 2; snapshot 0: CUR 0, END 1, SET 2).
     * Errors: EBADF (no fd, a directory), ESPIPE (stream), EINVAL (bad whence or a negative result),
     * ENOTCAPABLE (no FD_SEEK, or no FD_TELL for a plain tell), EFAULT.
     */
    def('fd_seek', (c: HostCaller, fd: number, off: bigint, whence: number, ptr: number) => {
      const e = sysOf(c).fds[fd];
      if (e === undefined || e.kind === 'dir') return Errno.EBADF;
      if (e.kind !== 'file') return Errno.ESPIPE;
      const w = v.whence;
      const need = off === 0n && whence === w.CUR ? FD_TELL | FD_SEEK : FD_SEEK;
      if ((e.rightsBase & need) === 0n) return Errno.ENOTCAPABLE;
      let base: number;
      if (whence === w.SET) base = 0;
      else if (whence === w.CUR) base = e.pos;
      else if (whence === w.END) {
        const st = e.file!.stat();
        if (isErrno(st)) return st;
        base = Number(st.size);
      } else return Errno.EINVAL;
      const next = BigInt(base) + BigInt.asIntN(64, off);
      if (next < 0n) return Errno.EINVAL;
      if (next > BigInt(MAX_OFFSET)) return Errno.EOVERFLOW;
      const mem = memOf(c);
      ptr >>>= 0;
      if (!mem.ok(ptr, 8)) return Errno.EFAULT;
      e.pos = Number(next);
      mem.dv.setBigUint64(ptr, next, true);
      return Errno.ESUCCESS;
    }),
    /** fd_sync(fd) -> errno. Errors: EBADF, EINVAL (a stream), ENOTCAPABLE (no FD_SYNC). */
    def('fd_sync', (c: HostCaller, fd: number) => {
      const e = fdWith(sysOf(c), fd, 0n);
      if (isErrno(e)) return e;
      if (!e.file) return Errno.EINVAL;
      if (!(e.rightsBase & Rights.FD_SYNC)) return Errno.ENOTCAPABLE;
      return e.file.sync();
    }),
    /** fd_tell(fd) -> offset u64. Errors: EBADF (no fd, a directory), ESPIPE, ENOTCAPABLE (no FD_TELL), EFAULT. */
    def('fd_tell', (c: HostCaller, fd: number, ptr: number) => {
      const e = sysOf(c).fds[fd];
      if (e === undefined || e.kind === 'dir') return Errno.EBADF;
      if (e.kind !== 'file') return Errno.ESPIPE;
      if (!(e.rightsBase & FD_TELL)) return Errno.ENOTCAPABLE;
      const mem = memOf(c);
      ptr >>>= 0;
      if (!mem.ok(ptr, 8)) return Errno.EFAULT;
      mem.dv.setBigUint64(ptr, BigInt(e.pos), true);
      return Errno.ESUCCESS;
    }),
    /**
     * fd_write(fd, iovs: ciovec_array, iovs_len) -> nwritten u32. Files: at the position (or the end
     * with APPEND, after which the position is the end), which advances. Streams: everything is written.
     * Small writes to a host file may be buffered until the next flush point (src/sys/writebehind.ts);
     * an I/O error found then is returned by a later fd_write, fd_sync, fd_datasync or fd_close.
     * Errors: EBADF (no fd, stdin, no FD_WRITE), EISDIR, EFAULT, I/O errors (ENOSPC, EROFS…).
     */
    def('fd_write', (c: HostCaller, fd: number, iovs: number, n: number, pNw: number) => {
      const e = sysForWrite(c).fds[fd];
      // The one flush point this function may skip: a write continuing the buffered file's run.
      if (pending.file !== null && (e === undefined || pending.file !== (e.file as unknown))) flushWrites();
      if (e === undefined) return Errno.EBADF;
      if (e.kind === 'dir') return Errno.EBADF;
      if (!(e.rightsBase & FD_WRITE)) return Errno.EBADF;
      const mem = memOf(c);
      iovs >>>= 0;
      n >>>= 0;
      pNw >>>= 0;
      if (!mem.ok(pNw, 4) || !iovsOk(mem, iovs, n)) return Errno.EFAULT;
      let r: number;
      if (e.kind === 'file') {
        if (e.fdflags & Fdflags.APPEND) {
          r = writeIovs(e, mem, iovs, n, null);
          const st = e.file!.stat();
          if (!isErrno(st)) e.pos = Number(st.size);
        } else {
          const wb = (e.file as unknown as Record<symbol, WriteBehindFn | undefined>)[writeBehindKey];
          r = wb !== undefined && !(e.fdflags & UNBUFFERED) ? writeIovsBehind(wb, e.file, mem, iovs, n, e.pos) : writeIovs(e, mem, iovs, n, e.pos);
          if (r > 0) e.pos += r;
        }
      } else {
        const out = e.output;
        if (!out) return Errno.EBADF;
        r = 0;
        for (let i = 0; i < n; i++) {
          const p = mem.dv.getUint32(iovs + i * 8, true);
          const l = mem.dv.getUint32(iovs + i * 8 + 4, true);
          if (l === 0) continue;
          const w = out.write(mem.u8.subarray(p, p + l));
          if (w < 0) {
            if (r === 0) r = w;
            break;
          }
          r += w;
        }
      }
      if (r < 0) return -r;
      mem.dv.setUint32(pNw, r, true);
      return Errno.ESUCCESS;
    }),
  ];
}
