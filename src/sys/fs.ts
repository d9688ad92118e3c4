// wasmbox's file-system interface: what WASI (and users who bring their own storage) talk to.
//
// Conventions, chosen for the hot paths of a guest doing I/O:
//  - Failures are returned, not thrown: a method returns its value or a WASI errno (a number from
//    `Errno` in src/wasi/constants.ts). Byte counts are non-negative numbers, so `read`/`write` return
//    `-errno` on failure; methods that return nothing return 0 or an errno.
//  - Paths are relative to the file system's root, '/'-separated, already normalised by the caller:
//    no leading '/', no empty, '.' or '..' components; '' is the root itself. Symbolic links are
//    resolved by the caller (src/sys/resolve.ts), component by component and inside the sandbox, so an
//    FS never needs to follow one except where `open` is asked to (and `nofollow` forbids it at the
//    last component). An FS may assume every component but the last is a directory it has.
//  - Offsets and sizes are JS numbers (files up to 2^53 bytes); inode, device and times are bigint.

import { Errno, Filetype } from '../wasi/constants.js';

export { Errno, Filetype };

/** A file's attributes (WASI's filestat). Times are nanoseconds since the Unix epoch. */
export interface Stat {
  dev: bigint;
  ino: bigint;
  /** A `Filetype` value. */
  filetype: number;
  nlink: bigint;
  size: bigint;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

export interface DirEntry {
  name: string;
  ino: bigint;
  /** A `Filetype` value. */
  filetype: number;
}

/** Flags of `FS.open` (wasmbox's own bit set, not WASI's oflags). */
export const OpenFlag = {
  read: 1,
  write: 2,
  /** Create the file when it is missing. */
  create: 4,
  /** With `create`: fail with EEXIST when it exists. */
  exclusive: 8,
  truncate: 16,
  /** Fail with ENOTDIR unless it is a directory. */
  directory: 32,
  /** Fail with ELOOP when the last component is a symbolic link. */
  nofollow: 64,
  /** Data must reach storage on each write (O_SYNC/O_DSYNC). */
  sync: 128,
} as const;

/** An open file or directory. */
export interface File {
  /** The file type when known without a system call (optional: `stat()` is used otherwise). */
  readonly filetype?: number;
  stat(): Stat | Errno;
  /** Reads at `position` into `into`; returns the bytes read (0 at end of file) or -errno. */
  read(into: Uint8Array, position: number): number;
  /**
   * Writes `data` at `position`, or at the end of the file when `position` is null (append); returns
   * the bytes written or -errno.
   */
  write(data: Uint8Array, position: number | null): number;
  /** The entries of a directory, without `.` and `..`; ENOTDIR for other files. */
  readdir(): DirEntry[] | Errno;
  truncate(size: number): Errno;
  /** Makes sure `offset + len` bytes are allocated (extends the size like posix_fallocate). */
  allocate(offset: number, len: number): Errno;
  /** Sets the access / modification times (null leaves one unchanged). */
  utimes(atim: bigint | null, mtim: bigint | null): Errno;
  sync(): Errno;
  datasync(): Errno;
  close(): Errno;
}

/** A file system: a tree of files, directories and symbolic links. */
export interface FS {
  /**
   * Opens a file or directory. `flags` are `OpenFlag` bits. `parent`, when given, is an lstat of the
   * path's parent directory that the caller made during this same operation (its walk): an FS that
   * keeps directories open may take it as their current identity instead of looking again.
   */
  open(path: string, flags: number, parent?: Stat): File | Errno;
  /**
   * Optional: opens a path the caller has not walked — plain names, no `.`/`..` — as `open` would,
   * but refusing to follow a symbolic link anywhere: null when it meets one (or cannot tell), and the
   * caller then resolves the path itself. Only for an FS that can do this without a race.
   */
  openBeneath?(path: string, flags: number): File | Errno | null;
  /** Attributes of `path` itself (a symbolic link is not followed). */
  lstat(path: string): Stat | Errno;
  /** The target of a symbolic link (EINVAL when `path` is not one). */
  readlink(path: string): string | Errno;
  mkdir(path: string): Errno;
  /** Removes an empty directory (ENOTEMPTY otherwise, ENOTDIR for other files). */
  rmdir(path: string): Errno;
  /** Removes a non-directory (EISDIR for directories). */
  unlink(path: string): Errno;
  /** rename(2) semantics: replaces a file, or an empty directory with a directory. */
  rename(from: string, to: string): Errno;
  /** Makes a hard link `to` for the non-directory `from`. */
  link(from: string, to: string): Errno;
  /** Makes a symbolic link at `path` holding `target` (stored as given). */
  symlink(target: string, path: string): Errno;
  /** Sets the times of `path` itself (a symbolic link is not followed). */
  lutimes(path: string, atim: bigint | null, mtim: bigint | null): Errno;
  /** True when every mutation fails with EROFS (read-only mounts). */
  readonly readOnly?: boolean;
}

/** Type guard for `T | Errno` results. */
export function isErrno(v: unknown): v is number {
  return typeof v === 'number';
}

/** `a/b` joined, for normalised relative paths ('' is the root). */
export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
