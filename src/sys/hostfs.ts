// A host directory as an FS, through node:fs.
//
// Node has no openat(2), so operations must name paths, and a path can be subverted: between our walk
// (src/sys/resolve.ts has already resolved the caller's path component by component, refusing `..`
// past the root, absolute paths and symbolic links that lead out) and the system call, another
// process could swap a directory on the way for a symbolic link to somewhere else. On Linux the
// host FS therefore never lets the kernel walk more than one name from a place it has not pinned:
//  - the root is opened once, when the FS is made; every other directory is reached through
//    `/proc/<pid>/fd/<parent descriptor>/<name>` with O_NOFOLLOW|O_DIRECTORY (O_PATH where it
//    exists), one component at a time, like openat(2) — a component that is no longer a directory
//    (a symbolic link swapped in) fails the walk, with EPERM;
//  - the last component is opened, created, renamed, linked or removed the same way, through its
//    pinned parent, with O_NOFOLLOW where the call follows links: nothing is left to swap, so no
//    check is needed afterwards;
//  - recently used directories stay open (at most MAX_DIRS, closed with the FS); before one is used
//    again, an lstat of its path must still find the same directory (device and inode), else it is
//    walked afresh.
// Where /proc/self/fd is missing (not Linux), paths are joined to the root's real path, the parent's
// real path is checked before every change, and the race remains.
// Directory listings read /proc/self/fd/N of the directory's own descriptor, so they list what was
// opened, whatever happened to its path since. lstat and readlink (the resolver's walk) use plain
// paths: they only guide the walk, and every operation that acts is pinned as above.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { errnoFromCode } from '../wasi/constants.js';
import { type DirEntry, Errno, type File, Filetype, type FS, OpenFlag, type Stat, baseName, isErrno, joinPath, parentOf } from './fs.js';
import { type WriteBehind, pending, writeBehindKey } from './writebehind.js';

const requireBuiltin = createRequire(import.meta.url);

const C = fs.constants;

/**
 * The prefix naming this process's descriptors as directories, or null without /proc:
 * `/proc/<pid>/fd/` rather than `/proc/self/fd/`, which makes the kernel resolve the `self` link on
 * every open (open+close of a file through its pinned directory, in C: 5.7 -> 4.9 µs). The numeric
 * form is used only when /proc/self names this very pid — a /proc of another PID namespace (a
 * container's, say) would map the number to another process.
 */
const PROC_FD: string | null = (() => {
  if (!fs.existsSync('/proc/self/fd')) return null;
  try {
    const pid = process.pid;
    if (fs.readlinkSync('/proc/self') === String(pid)) return `/proc/${pid}/fd/`;
  } catch {
    // no /proc/self link: keep the portable form
  }
  return '/proc/self/fd/';
})();
const hasProcFd = PROC_FD !== null;

/**
 * O_PATH (Linux): a descriptor that only names a directory, so walking needs the same permission as a
 * path walk (search, not read). Node does not export it; probed: reading an O_PATH descriptor fails
 * with EBADF (EISDIR for a directory opened for reading).
 */
const O_PATH: number = (() => {
  if (process.platform !== 'linux') return 0;
  let fd = -1;
  try {
    fd = fs.openSync('/', 0o10000000 | C.O_DIRECTORY);
    fs.readSync(fd, Buffer.alloc(1), 0, 1, null);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EBADF') return 0o10000000;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
  return 0;
})();
/** Flags of the descriptors the walk holds. */
const DIR_FLAGS = (O_PATH || C.O_RDONLY) | C.O_DIRECTORY | C.O_NOFOLLOW;

/** Directories kept open per FS for the walk. */
const MAX_DIRS = 32;

/** Closes an FS's descriptors if it is dropped without close() (the set holds only its own). */
const leaked = new FinalizationRegistry<Set<number>>((fds) => {
  for (const fd of fds) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
  }
  fds.clear();
});

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
    // node:child_process (and node:net with it) is loaded only when a guest sets times.
    const { spawnSync } = requireBuiltin('node:child_process') as typeof import('node:child_process');
    spawnSync('touch', ['-c', flag, ...(noDeref ? ['-h'] : []), '-d', fmt(t), target], { stdio: 'ignore' });
  }
}

/** A directory kept open for the walk, with its identity when opened. */
interface DirHandle {
  fd: number;
  dev: bigint;
  ino: bigint;
}

const LSTAT_BIG = { bigint: true, throwIfNoEntry: false } as const;

/** The node:fs open flags for OpenFlag bits (O_NOFOLLOW left to the caller). */
function openFlags(flags: number): number {
  const rw = flags & (OpenFlag.read | OpenFlag.write);
  let f = rw === (OpenFlag.read | OpenFlag.write) ? C.O_RDWR : rw === OpenFlag.write ? C.O_WRONLY : C.O_RDONLY;
  if (flags & OpenFlag.create) f |= C.O_CREAT;
  if (flags & OpenFlag.exclusive) f |= C.O_EXCL;
  if (flags & OpenFlag.truncate) f |= C.O_TRUNC;
  if (flags & OpenFlag.directory) f |= C.O_DIRECTORY;
  if (flags & OpenFlag.sync) f |= C.O_SYNC;
  return f;
}

/** Whether `p` is a symbolic link (null when it cannot be told). */
function isLink(p: string): boolean | null {
  try {
    return fs.lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink() ?? null;
  } catch {
    return null;
  }
}

/** O_NOFOLLOW on a symbolic link is ELOOP on Linux (EMLINK/EFTYPE elsewhere). */
function openErrno(e: unknown): Errno {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EMLINK' || code === 'EFTYPE' ? Errno.ELOOP : errnoOf(e);
}

export class HostDirFS implements FS {
  /** The root's real path (symbolic links resolved), fixed when the FS is made. */
  readonly root: string;
  /** The root, opened when the FS is made (-1 without /proc, or after close()). */
  private rootFd = -1;
  /** Open directories by relative path (insertion order: the oldest goes first). */
  private readonly dirs = new Map<string, DirHandle>();
  /** Every descriptor this FS holds, for close() and the finalizer. */
  private readonly held = new Set<number>();

  constructor(dir: string) {
    let real: string;
    try {
      real = fs.realpathSync.native(dir);
    } catch (e) {
      throw new TypeError(`hostDirFS: ${dir}: ${(e as Error).message}`);
    }
    if (!fs.statSync(real).isDirectory()) throw new TypeError(`hostDirFS: ${dir} is not a directory`);
    this.root = real;
    if (hasProcFd) {
      this.rootFd = fs.openSync(real, DIR_FLAGS);
      this.held.add(this.rootFd);
      leaked.register(this, this.held, this);
    }
  }

  /**
   * Closes the descriptors the FS holds (the root and the directories it keeps open). Files opened
   * from it are not affected. Using the FS afterwards opens the root again, by its path.
   */
  close(): void {
    for (const fd of this.held) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.held.clear();
    this.dirs.clear();
    this.rootFd = -1;
  }

  host(path: string): string {
    return path === '' ? this.root : this.root === '/' ? `/${path}` : `${this.root}/${path}`;
  }

  /** Whether a real host path lies inside the root. */
  inside(real: string): boolean {
    return real === this.root || real.startsWith(this.root === '/' ? '/' : this.root + '/');
  }

  // ---- the pinned walk (Linux) ----

  private root0(): number {
    if (this.rootFd < 0) {
      this.rootFd = fs.openSync(this.root, DIR_FLAGS);
      this.held.add(this.rootFd);
    }
    return this.rootFd;
  }

  /**
   * A descriptor for the directory `dir` (relative, '' for the root), reached without following any
   * symbolic link: kept open from an earlier walk if an lstat of its path still finds it, else walked
   * from the root one component at a time. `keep` is a descriptor the caller still needs (not closed
   * to make room). Returns the descriptor, or -errno.
   */
  private dirFd(dir: string, keep = -1, seen?: Stat): number {
    if (dir === '') return this.root0();
    const h = this.dirs.get(dir);
    if (h !== undefined) {
      // The caller's walk looked at it just now (see FS.open): no need to look again.
      let st: { ino: bigint; dev: bigint } | undefined = seen;
      if (st === undefined) {
        try {
          st = fs.lstatSync(this.host(dir), LSTAT_BIG);
        } catch (e) {
          return -errnoOf(e);
        }
      }
      if (st !== undefined && st.ino === h.ino && st.dev === h.dev) return h.fd;
      this.drop(dir, h);
    }
    return this.walk(dir, keep);
  }

  private walk(dir: string, keep: number): number {
    const root = this.root0();
    let fd = root;
    let from = 0;
    for (;;) {
      const slash = dir.indexOf('/', from);
      const name = slash < 0 ? dir.slice(from) : dir.slice(from, slash);
      let next: number;
      try {
        next = fs.openSync(`${PROC_FD}${fd}/${name}`, DIR_FLAGS);
      } catch (e) {
        let err = openErrno(e);
        // ENOTDIR (or ELOOP): a symbolic link where the caller's walk found a directory — swapped
        // since — is refused, never followed.
        if ((err === Errno.ENOTDIR || err === Errno.ELOOP) && isLink(`${PROC_FD}${fd}/${name}`) !== false) err = Errno.EPERM;
        if (fd !== root) fs.closeSync(fd);
        return -err;
      }
      if (fd !== root) fs.closeSync(fd);
      fd = next;
      if (slash < 0) break;
      from = slash + 1;
    }
    let st: fs.BigIntStats;
    try {
      st = fs.fstatSync(fd, { bigint: true });
    } catch (e) {
      fs.closeSync(fd);
      return -errnoOf(e);
    }
    if (this.dirs.size >= MAX_DIRS) {
      for (const [p, h] of this.dirs) {
        if (h.fd === keep) continue;
        this.drop(p, h);
        break;
      }
    }
    this.dirs.set(dir, { fd, dev: st.dev, ino: st.ino });
    this.held.add(fd);
    return fd;
  }

  private drop(dir: string, h: DirHandle): void {
    this.dirs.delete(dir);
    this.held.delete(h.fd);
    fs.closeSync(h.fd);
  }

  /** Forgets kept directories at or below `path` (it was removed or renamed). */
  private forget(path: string): void {
    if (this.dirs.size === 0) return;
    const under = path + '/';
    for (const [p, h] of this.dirs) if (p === path || p.startsWith(under)) this.drop(p, h);
  }

  /** `/proc/<pid>/fd/<parent>/<name>` for the last component of `path` (not the root), or an errno. */
  private at(path: string, keep = -1, parent?: Stat): string | Errno {
    const slash = path.lastIndexOf('/');
    const d = this.dirFd(slash < 0 ? '' : path.slice(0, slash), keep, parent);
    if (d < 0) return -d;
    return `${PROC_FD}${d}/${slash < 0 ? path : path.slice(slash + 1)}`;
  }

  /** The descriptor number inside an `at()` path. */
  private static fdIn(at: string): number {
    return Number(at.slice(PROC_FD!.length, at.indexOf('/', PROC_FD!.length)));
  }

  // ---- without /proc: paths, and a check of the parent before changes ----

  /** EPERM unless the parent directory of `path` really is where the walk found it (see above). */
  private checkParent(path: string): Errno {
    const want = this.host(parentOf(path));
    try {
      return fs.realpathSync.native(want) === want ? Errno.ESUCCESS : Errno.EPERM;
    } catch (e) {
      return errnoOf(e);
    }
  }

  open(path: string, flags: number, parent?: Stat): File | Errno {
    const f = openFlags(flags);
    const type = flags & OpenFlag.directory ? Filetype.DIRECTORY : -1;
    let fd: number;
    if (!hasProcFd) {
      if (flags & (OpenFlag.create | OpenFlag.truncate | OpenFlag.write) && path !== '') {
        const e = this.checkParent(path);
        if (e) return e;
      }
      try {
        fd = fs.openSync(this.host(path), f | (flags & OpenFlag.nofollow ? C.O_NOFOLLOW : 0), 0o666);
      } catch (e) {
        return openErrno(e);
      }
      return new HostFile(fd, this.host(path), flags, type);
    }
    if (path === '') {
      // The root itself: through its descriptor's magic link (which must be followed).
      try {
        fd = fs.openSync(`${PROC_FD}${this.root0()}`, f, 0o666);
      } catch (e) {
        return openErrno(e);
      }
      return new HostFile(fd, this.root, flags, type);
    }
    const p = this.at(path, -1, parent);
    if (isErrno(p)) return p;
    try {
      fd = fs.openSync(p, f | C.O_NOFOLLOW, 0o666);
    } catch (e) {
      let err = openErrno(e);
      // With O_DIRECTORY, a symbolic link is ENOTDIR: report it as the link it is.
      if (err === Errno.ENOTDIR && flags & OpenFlag.directory && isLink(p) === true) err = Errno.ELOOP;
      if (err === Errno.ELOOP && !(flags & OpenFlag.nofollow)) return this.openFollowing(path, f, flags);
      return err;
    }
    return new HostFile(fd, this.host(path), flags, type);
  }

  /**
   * FS.openBeneath: the pinned walk refuses a symbolic link on the way with EPERM, which here means
   * "resolve it yourself" (null); a link in the last component is ELOOP, as for open.
   */
  openBeneath(path: string, flags: number): File | Errno | null {
    if (!hasProcFd || !(flags & OpenFlag.nofollow)) return null;
    const f = this.open(path, flags);
    return f === Errno.EPERM ? null : f;
  }

  /**
   * Opens a path whose last component is a symbolic link, following it (for callers that do not ask
   * for O_NOFOLLOW; WASI's path_open resolves links itself). The descriptor's real path must be
   * inside the root afterwards, else EPERM.
   */
  private openFollowing(path: string, f: number, flags: number): File | Errno {
    let fd: number;
    try {
      fd = fs.openSync(this.host(path), f, 0o666);
    } catch (e) {
      return openErrno(e);
    }
    let real: string;
    try {
      real = fs.readlinkSync(`${PROC_FD}${fd}`);
    } catch {
      real = '';
    }
    if (real.endsWith(' (deleted)')) real = real.slice(0, -10);
    if (!this.inside(real)) {
      fs.closeSync(fd);
      return Errno.EPERM;
    }
    return new HostFile(fd, this.host(path), flags, flags & OpenFlag.directory ? Filetype.DIRECTORY : -1);
  }

  lstat(path: string): Stat | Errno {
    try {
      const st = fs.lstatSync(this.host(path), LSTAT_BIG);
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

  /** Runs `op` on the pinned path of `path` (or, without /proc, its checked host path). */
  private mutate(path: string, op: (p: string) => void): Errno {
    let p: string;
    if (hasProcFd) {
      const at = this.at(path);
      if (isErrno(at)) return at;
      p = at;
    } else {
      const e = this.checkParent(path);
      if (e) return e;
      p = this.host(path);
    }
    try {
      op(p);
      return Errno.ESUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  /** Like mutate for two paths (rename, link). */
  private mutate2(from: string, to: string, op: (a: string, b: string) => void): Errno {
    let a: string, b: string;
    if (hasProcFd) {
      const x = this.at(from);
      if (isErrno(x)) return x;
      // The same parent: the same descriptor (no second check).
      const y = parentOf(from) === parentOf(to) ? x.slice(0, x.lastIndexOf('/') + 1) + baseName(to) : this.at(to, HostDirFS.fdIn(x));
      if (isErrno(y)) return y;
      a = x;
      b = y;
    } else {
      const e = this.checkParent(from) || this.checkParent(to);
      if (e) return e;
      a = this.host(from);
      b = this.host(to);
    }
    try {
      op(a, b);
      return Errno.ESUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  mkdir(path: string): Errno {
    return this.mutate(path, (p) => fs.mkdirSync(p));
  }
  rmdir(path: string): Errno {
    const r = this.mutate(path, (p) => fs.rmdirSync(p));
    if (r === Errno.ESUCCESS) this.forget(path);
    return r;
  }
  unlink(path: string): Errno {
    return this.mutate(path, (p) => fs.unlinkSync(p));
  }
  rename(from: string, to: string): Errno {
    const r = this.mutate2(from, to, (a, b) => fs.renameSync(a, b));
    if (r === Errno.ESUCCESS) {
      this.forget(from);
      this.forget(to);
    }
    return r;
  }
  link(from: string, to: string): Errno {
    return this.mutate2(from, to, (a, b) => fs.linkSync(a, b));
  }
  symlink(target: string, path: string): Errno {
    return this.mutate(path, (p) => fs.symlinkSync(target, p));
  }
  lutimes(path: string, atim: bigint | null, mtim: bigint | null): Errno {
    return this.mutate(path, (p) => {
      let a = atim;
      let m = mtim;
      if (a === null || m === null) {
        const st = fs.lstatSync(p, { bigint: true });
        a ??= st.atimeNs;
        m ??= st.mtimeNs;
      }
      fs.lutimesSync(p, toSeconds(a), toSeconds(m));
      // `touch` runs in another process: /proc/self would be its own. Both times, not just the ones
      // asked for: the time kept was re-set from a microsecond value too.
      exactTimes(p.replace('/proc/self/', `/proc/${process.pid}/`), a, m, true);
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
  private readonly flags: number;
  /** The file type, or -1 until something needs it (an open does not tell; fstat does, once). */
  private type: number;
  private closed = false;
  /** An error from writing buffered bytes out, for the next operation on this file (0: none). */
  private wbError = 0;

  /** `type`: a Filetype when the open already tells (O_DIRECTORY), else -1. */
  constructor(fd: number, path: string, flags: number, type = -1) {
    this.fd = fd;
    this.path = path;
    this.flags = flags;
    this.type = type;
  }

  /** The file type when known without a system call (see File.filetype); `typeNow()` learns it. */
  get filetype(): number | undefined {
    return this.type < 0 ? undefined : this.type;
  }

  /** The file type, from one fstat the first time it is needed. */
  typeNow(): number {
    if (this.type < 0) {
      try {
        this.type = filetypeOf(fs.fstatSync(this.fd));
      } catch {
        return Filetype.UNKNOWN;
      }
    }
    return this.type;
  }

  /** Errno of byte I/O that the descriptor's mode forbids: EISDIR for a directory, else EBADF. */
  private modeErrno(): Errno {
    return this.typeNow() === Filetype.DIRECTORY ? Errno.EISDIR : Errno.EBADF;
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
    if (!(this.flags & OpenFlag.write)) return -this.modeErrno();
    if (len >= WB_DIRECT || pending.disabled || this.flags & OpenFlag.sync || this.closed || this.typeNow() !== Filetype.REGULAR_FILE) {
      return this.write(src.subarray(off, off + len), position);
    }
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
      const st = statFromHost(fs.fstatSync(this.fd, { bigint: true }));
      this.type = st.filetype;
      return st;
    } catch (e) {
      return errnoOf(e);
    }
  }

  read(into: Uint8Array, position: number): number {
    // A directory (type not known yet) fails in the kernel with EISDIR just the same.
    if (this.type === Filetype.DIRECTORY) return -Errno.EISDIR;
    if (pending.file === this) this.flushBuffered();
    try {
      return fs.readSync(this.fd, into, 0, into.length, position);
    } catch (e) {
      return -errnoOf(e);
    }
  }

  write(data: Uint8Array, position: number | null): number {
    if (!(this.flags & OpenFlag.write)) return -this.modeErrno();
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
    if (this.typeNow() !== Filetype.DIRECTORY) return Errno.ENOTDIR;
    const base = hasProcFd ? `${PROC_FD}${this.fd}` : this.path;
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
    if (!(this.flags & OpenFlag.write)) return this.modeErrno();
    if (pending.file === this) this.flushBuffered();
    try {
      fs.ftruncateSync(this.fd, size);
      return Errno.ESUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  allocate(offset: number, len: number): Errno {
    if (!(this.flags & OpenFlag.write)) return this.modeErrno();
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
      // Both, not just the ones asked for: the time kept was re-set from a microsecond value too.
      if (hasProcFd) exactTimes(`/proc/${process.pid}/fd/${this.fd}`, a, m, false);
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
