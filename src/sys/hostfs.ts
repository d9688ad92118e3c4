// A host directory as an FS, through node:fs.
//
// Node has no openat(2), so operations name host paths: the root's real path joined with the
// normalised relative path the caller gives (src/sys/resolve.ts has already walked it component by
// component, refusing `..` past the root, absolute paths and symbolic links that lead out). What is
// left is a race: between that walk and the system call, another process could swap a directory on
// the way for a symbolic link to somewhere else. Two checks close it as far as node:fs allows:
//  - after every open, the descriptor's real path (/proc/self/fd/N, Linux) must lie inside the root,
//    else the file is closed unread and the call fails with EPERM;
//  - before every operation that creates or changes something, the parent directory's real path must
//    be exactly the expected one (no symbolic link anywhere on the way), else EPERM.
// Directory listings read /proc/self/fd/N of the directory's own descriptor, so they list what was
// opened, whatever happened to its path since.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { errnoFromCode } from '../wasi/constants.js';
import { type DirEntry, Errno, type File, Filetype, type FS, OpenFlag, type Stat, isErrno, joinPath, parentOf } from './fs.js';
import { type WriteBehind, pending, writeBehindKey } from './writebehind.js';

const C = fs.constants;
const hasProcFd = fs.existsSync('/proc/self/fd');

function errnoOf(e: unknown): Errno {
  return errnoFromCode((e as NodeJS.ErrnoException)?.code);
}

export function filetypeOf(st: fs.BigIntStats | fs.Stats): number {
  if (st.isFile()) return Filetype.REGULAR_FILE;
  if (st.isDirectory()) return Filetype.DIRECTORY;
  if (st.isSymbolicLink()) return Filetype.SYMBOLIC_LINK;
  if (st.isCharacterDevice()) return Filetype.CHARACTER_DEVICE;
  if (st.isBlockDevice()) return Filetype.BLOCK_DEVICE;
  if (st.isSocket()) return Filetype.SOCKET_STREAM;
  return Filetype.UNKNOWN;
}

export function statFromHost(st: fs.BigIntStats): Stat {
  return {
    dev: st.dev,
    ino: st.ino,
    filetype: filetypeOf(st),
    nlink: st.nlink,
    size: st.size,
    atim: st.atimeNs,
    mtim: st.mtimeNs,
    ctim: st.ctimeNs,
  };
}

/** Nanoseconds to the seconds node:fs takes (libuv keeps microseconds of them). */
function toSeconds(ns: bigint): number {
  const s = ns / 1_000_000_000n;
  return Number(s) + Number(ns - s * 1_000_000_000n) / 1e9;
}

/**
 * node:fs sets times to the microsecond (libuv rounds them so). For times with nanoseconds, `touch`
 * (GNU coreutils takes `-d @SECONDS.NANOS`) sets them exactly afterwards; where it is missing, the
 * microsecond time stays.
 */
function exactTimes(target: string, atim: bigint | null, mtim: bigint | null, noDeref: boolean): void {
  const fmt = (ns: bigint) => `@${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`;
  for (const [flag, t] of [['-a', atim], ['-m', mtim]] as const) {
    if (t === null || t % 1000n === 0n) continue;
    spawnSync('touch', ['-c', flag, ...(noDeref ? ['-h'] : []), '-d', fmt(t), target], { stdio: 'ignore' });
  }
}

export class HostDirFS implements FS {
  /** The root's real path (symbolic links resolved), fixed when the FS is made. */
  readonly root: string;

  constructor(dir: string) {
    let real: string;
    try {
      real = fs.realpathSync.native(dir);
    } catch (e) {
      throw new TypeError(`hostDirFS: ${dir}: ${(e as Error).message}`);
    }
    if (!fs.statSync(real).isDirectory()) throw new TypeError(`hostDirFS: ${dir} is not a directory`);
    this.root = real;
  }

  private rootFd = -1;

  /**
   * A single name under the root is opened through /proc/self/fd/<root descriptor>/name: the kernel
   * starts from the directory opened when the FS was made, whatever has become of its path since,
   * and O_NOFOLLOW guards the name — nothing is left to swap, so no check is needed afterwards.
   */
  private viaRoot(path: string): string | null {
    if (!hasProcFd || path === '' || path.includes('/')) return null;
    if (this.rootFd < 0) {
      try {
        this.rootFd = fs.openSync(this.root, C.O_RDONLY | C.O_DIRECTORY);
      } catch {
        return null;
      }
    }
    return `/proc/self/fd/${this.rootFd}/${path}`;
  }

  host(path: string): string {
    return path === '' ? this.root : this.root === '/' ? `/${path}` : `${this.root}/${path}`;
  }

  /** Whether a real host path lies inside the root. */
  inside(real: string): boolean {
    return real === this.root || real.startsWith(this.root === '/' ? '/' : this.root + '/');
  }

  /** EPERM unless the parent directory of `path` really is where the walk found it (see above). */
  private checkParent(path: string): Errno {
    const want = this.host(parentOf(path));
    try {
      return fs.realpathSync.native(want) === want ? Errno.ESUCCESS : Errno.EPERM;
    } catch (e) {
      return errnoOf(e);
    }
  }

  open(path: string, flags: number): File | Errno {
    let f = 0;
    const rw = flags & (OpenFlag.read | OpenFlag.write);
    f |= rw === (OpenFlag.read | OpenFlag.write) ? C.O_RDWR : rw === OpenFlag.write ? C.O_WRONLY : C.O_RDONLY;
    if (flags & OpenFlag.create) f |= C.O_CREAT;
    if (flags & OpenFlag.exclusive) f |= C.O_EXCL;
    if (flags & OpenFlag.truncate) f |= C.O_TRUNC;
    if (flags & OpenFlag.directory) f |= C.O_DIRECTORY;
    if (flags & OpenFlag.nofollow) f |= C.O_NOFOLLOW;
    if (flags & OpenFlag.sync) f |= C.O_SYNC;
    const direct = flags & OpenFlag.nofollow ? this.viaRoot(path) : null;
    if (direct === null && flags & (OpenFlag.create | OpenFlag.truncate | OpenFlag.write) && path !== '') {
      const e = this.checkParent(path);
      if (e) return e;
    }
    let fd: number;
    try {
      fd = fs.openSync(direct ?? this.host(path), f, 0o666);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // O_NOFOLLOW on a symbolic link is ELOOP on Linux (EMLINK/EFTYPE elsewhere).
      if (code === 'EMLINK' || code === 'EFTYPE') return Errno.ELOOP;
      return errnoOf(e);
    }
    if (hasProcFd && direct === null) {
      let real: string;
      try {
        real = fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        real = '';
      }
      if (real.endsWith(' (deleted)')) real = real.slice(0, -10);
      if (!this.inside(real)) {
        fs.closeSync(fd);
        return Errno.EPERM;
      }
    }
    let st: fs.Stats;
    try {
      st = fs.fstatSync(fd);
    } catch (e) {
      fs.closeSync(fd);
      return errnoOf(e);
    }
    return new HostFile(fd, this.host(path), st.isDirectory(), flags, filetypeOf(st));
  }

  lstat(path: string): Stat | Errno {
    try {
      const st = fs.lstatSync(this.host(path), { bigint: true, throwIfNoEntry: false });
      return st ? statFromHost(st) : Errno.ENOENT;
    } catch (e) {
      return errnoOf(e);
    }
  }

  readlink(path: string): string | Errno {
    try {
      return fs.readlinkSync(this.host(path), 'utf8');
    } catch (e) {
      return errnoOf(e);
    }
  }

  private mutate(path: string, op: () => void, ...more: string[]): Errno {
    for (const p of [path, ...more]) {
      const e = this.checkParent(p);
      if (e) return e;
    }
    try {
      op();
      return Errno.ESUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  mkdir(path: string): Errno {
    return this.mutate(path, () => fs.mkdirSync(this.host(path)));
  }
  rmdir(path: string): Errno {
    return this.mutate(path, () => fs.rmdirSync(this.host(path)));
  }
  unlink(path: string): Errno {
    return this.mutate(path, () => fs.unlinkSync(this.host(path)));
  }
  rename(from: string, to: string): Errno {
    return this.mutate(from, () => fs.renameSync(this.host(from), this.host(to)), to);
  }
  link(from: string, to: string): Errno {
    return this.mutate(from, () => fs.linkSync(this.host(from), this.host(to)), to);
  }
  symlink(target: string, path: string): Errno {
    return this.mutate(path, () => fs.symlinkSync(target, this.host(path)));
  }
  lutimes(path: string, atim: bigint | null, mtim: bigint | null): Errno {
    const p = this.host(path);
    return this.mutate(path, () => {
      let a = atim;
      let m = mtim;
      if (a === null || m === null) {
        const st = fs.lstatSync(p, { bigint: true });
        a ??= st.atimeNs;
        m ??= st.mtimeNs;
      }
      fs.lutimesSync(p, toSeconds(a), toSeconds(m));
      exactTimes(p, atim, mtim, true);
    });
  }
}

// The write-behind buffer (src/sys/writebehind.ts): one per thread, since at most one file holds
// buffered bytes at a time. WB_CAP bytes at most; writes of WB_DIRECT bytes or more go straight out.
const WB_CAP = 65536;
const WB_DIRECT = 8192;
let wbBuf: Uint8Array | null = null;
/** The file offset of wbBuf[0], and how many bytes are buffered (for `pending.file`). */
let wbStart = 0;
let wbLen = 0;

/** Errors a write reports itself; any other pending error is EIO for operations that do not write. */
const WRITE_ERRORS = new Set<number>([Errno.ENOSPC, Errno.EDQUOT, Errno.EFBIG, Errno.EIO]);

export class HostFile implements File, WriteBehind {
  readonly fd: number;
  private readonly path: string;
  private readonly isDir: boolean;
  private readonly flags: number;
  readonly filetype: number;
  private closed = false;
  /** An error from writing buffered bytes out, for the next operation on this file (0: none). */
  private wbError = 0;

  constructor(fd: number, path: string, isDir: boolean, flags: number, filetype: number) {
    this.fd = fd;
    this.path = path;
    this.isDir = isDir;
    this.flags = flags;
    this.filetype = filetype;
  }

  /**
   * Writes out this file's buffered bytes, if any: called by every other operation on it (which must
   * see them), and by `flushWrites()` at the flush points of src/sys/writebehind.ts.
   */
  flushBuffered(): void {
    if (pending.file !== this) return;
    pending.file = null;
    const buf = wbBuf!;
    const len = wbLen;
    wbLen = 0;
    let done = 0;
    while (done < len) {
      let n: number;
      try {
        n = fs.writeSync(this.fd, buf, done, len - done, wbStart + done);
      } catch (e) {
        const err = errnoOf(e);
        if (this.wbError === 0) this.wbError = WRITE_ERRORS.has(err) ? err : Errno.EIO;
        return;
      }
      if (n <= 0) {
        if (this.wbError === 0) this.wbError = Errno.EIO;
        return;
      }
      done += n;
    }
  }

  /** Flushes, then hands over (and forgets) a write error kept from an earlier flush (0: none). */
  private writeErrorNow(): number {
    if (pending.file === this) this.flushBuffered();
    const e = this.wbError;
    this.wbError = 0;
    return e;
  }

  /**
   * fd_write's way in (see writebehind.ts): a small write that continues the buffered run is copied
   * into the buffer; anything else flushes what is buffered first. Only regular files opened for
   * writing without O_SYNC are buffered.
   */
  [writeBehindKey](src: Uint8Array, off: number, len: number, position: number): number {
    if (pending.file === this) {
      if (position === wbStart + wbLen && wbLen + len <= WB_CAP) {
        const buf = wbBuf!;
        let at = wbLen;
        if (len <= 64) for (let i = 0; i < len; i++) buf[at++] = src[off + i]!;
        else buf.set(src.subarray(off, off + len), at);
        wbLen += len;
        return len;
      }
      this.flushBuffered();
    } else if (pending.file !== null) pending.file.flushBuffered();
    if (len >= WB_DIRECT || pending.disabled || this.filetype !== Filetype.REGULAR_FILE || this.flags & OpenFlag.sync || this.closed) {
      return this.write(src.subarray(off, off + len), position);
    }
    if (!(this.flags & OpenFlag.write)) return -Errno.EBADF;
    const e = this.writeErrorNow();
    if (e !== 0) return -e;
    const buf = (wbBuf ??= new Uint8Array(WB_CAP));
    if (len <= 64) for (let i = 0; i < len; i++) buf[i] = src[off + i]!;
    else buf.set(src.subarray(off, off + len), 0);
    wbStart = position;
    wbLen = len;
    pending.file = this;
    return len;
  }

  stat(): Stat | Errno {
    if (pending.file === this) this.flushBuffered();
    try {
      return statFromHost(fs.fstatSync(this.fd, { bigint: true }));
    } catch (e) {
      return errnoOf(e);
    }
  }

  read(into: Uint8Array, position: number): number {
    if (this.isDir) return -Errno.EISDIR;
    if (pending.file === this) this.flushBuffered();
    try {
      return fs.readSync(this.fd, into, 0, into.length, position);
    } catch (e) {
      return -errnoOf(e);
    }
  }

  write(data: Uint8Array, position: number | null): number {
    if (this.isDir) return -Errno.EISDIR;
    if (!(this.flags & OpenFlag.write)) return -Errno.EBADF;
    const err = this.writeErrorNow();
    if (err !== 0) return -err;
    try {
      const at = position ?? Number(fs.fstatSync(this.fd).size);
      return fs.writeSync(this.fd, data, 0, data.length, at);
    } catch (e) {
      return -errnoOf(e);
    }
  }

  readdir(): DirEntry[] | Errno {
    if (!this.isDir) return Errno.ENOTDIR;
    const base = hasProcFd ? `/proc/self/fd/${this.fd}` : this.path;
    try {
      const out: DirEntry[] = [];
      for (const name of fs.readdirSync(base)) {
        const st = fs.lstatSync(joinPath(base, name), { bigint: true, throwIfNoEntry: false });
        if (st) out.push({ name, ino: st.ino, filetype: filetypeOf(st) });
      }
      return out;
    } catch (e) {
      return errnoOf(e);
    }
  }

  truncate(size: number): Errno {
    if (this.isDir) return Errno.EISDIR;
    if (!(this.flags & OpenFlag.write)) return Errno.EBADF;
    if (pending.file === this) this.flushBuffered();
    try {
      fs.ftruncateSync(this.fd, size);
      return Errno.ESUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  allocate(offset: number, len: number): Errno {
    if (this.isDir) return Errno.EISDIR;
    if (!(this.flags & OpenFlag.write)) return Errno.EBADF;
    if (pending.file === this) this.flushBuffered();
    try {
      const size = Number(fs.fstatSync(this.fd).size);
      if (offset + len > size) fs.ftruncateSync(this.fd, offset + len);
      return Errno.ESUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  utimes(atim: bigint | null, mtim: bigint | null): Errno {
    if (pending.file === this) this.flushBuffered();
    try {
      let a = atim;
      let m = mtim;
      if (a === null || m === null) {
        const st = fs.fstatSync(this.fd, { bigint: true });
        a ??= st.atimeNs;
        m ??= st.mtimeNs;
      }
      fs.futimesSync(this.fd, toSeconds(a), toSeconds(m));
      if (hasProcFd) exactTimes(`/proc/${process.pid}/fd/${this.fd}`, atim, mtim, false);
      return Errno.ESUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  sync(): Errno {
    const err = this.writeErrorNow();
    if (err !== 0) return err;
    try {
      fs.fsyncSync(this.fd);
      return Errno.ESUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  datasync(): Errno {
    const err = this.writeErrorNow();
    if (err !== 0) return err;
    try {
      fs.fdatasyncSync(this.fd);
      return Errno.ESUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  close(): Errno {
    if (this.closed) return Errno.EBADF;
    const err = this.writeErrorNow();
    this.closed = true;
    try {
      fs.closeSync(this.fd);
      return err;
    } catch (e) {
      return errnoOf(e);
    }
  }
}

/** A host directory as a file system (the guest cannot leave it: see the header). */
export function hostDirFS(dir: string): FS {
  return new HostDirFS(dir);
}

export { isErrno };
