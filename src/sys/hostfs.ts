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

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { errnoFromCode } from '../wasi/constants.js';

const requireBuiltin = createRequire(import.meta.url);
import { type DirEntry, Errno, type File, Filetype, type FS, OpenFlag, type Stat, isErrno, joinPath, parentOf } from './fs.js';

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
    // node:child_process (and node:net with it) is loaded only when a guest sets times.
    const { spawnSync } = requireBuiltin('node:child_process') as typeof import('node:child_process');
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
      // Both, not just the ones asked for: the time kept was re-set from a microsecond value too.
      exactTimes(p, a, m, true);
    });
  }
}

export class HostFile implements File {
  readonly fd: number;
  private readonly path: string;
  private readonly isDir: boolean;
  private readonly flags: number;
  readonly filetype: number;
  private closed = false;

  constructor(fd: number, path: string, isDir: boolean, flags: number, filetype: number) {
    this.fd = fd;
    this.path = path;
    this.isDir = isDir;
    this.flags = flags;
    this.filetype = filetype;
  }

  stat(): Stat | Errno {
    try {
      return statFromHost(fs.fstatSync(this.fd, { bigint: true }));
    } catch (e) {
      return errnoOf(e);
    }
  }

  read(into: Uint8Array, position: number): number {
    if (this.isDir) return -Errno.EISDIR;
    try {
      return fs.readSync(this.fd, into, 0, into.length, position);
    } catch (e) {
      return -errnoOf(e);
    }
  }

  write(data: Uint8Array, position: number | null): number {
    if (this.isDir) return -Errno.EISDIR;
    if (!(this.flags & OpenFlag.write)) return -Errno.EBADF;
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
    try {
      const size = Number(fs.fstatSync(this.fd).size);
      if (offset + len > size) fs.ftruncateSync(this.fd, offset + len);
      return Errno.ESUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  utimes(atim: bigint | null, mtim: bigint | null): Errno {
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
    try {
      fs.fsyncSync(this.fd);
      return Errno.ESUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  datasync(): Errno {
    try {
      fs.fdatasyncSync(this.fd);
      return Errno.ESUCCESS;
    } catch (e) {
      return errnoOf(e);
    }
  }

  close(): Errno {
    if (this.closed) return Errno.EBADF;
    this.closed = true;
    try {
      fs.closeSync(this.fd);
      return Errno.ESUCCESS;
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
