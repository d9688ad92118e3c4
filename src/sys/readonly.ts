// A read-only view of any FS: every mutation fails with EROFS, files open for reading only.

import { type DirEntry, Errno, type File, type FS, OpenFlag, type Stat, isErrno } from './fs.js';

const MUTATING_OPEN = OpenFlag.write | OpenFlag.create | OpenFlag.truncate;

class ReadOnlyFile implements File {
  private readonly f: File;
  constructor(f: File) {
    this.f = f;
  }
  stat(): Stat | Errno {
    return this.f.stat();
  }
  read(into: Uint8Array, position: number): number {
    return this.f.read(into, position);
  }
  write(): number {
    return -Errno.EBADF;
  }
  readdir(): DirEntry[] | Errno {
    return this.f.readdir();
  }
  truncate(): Errno {
    return Errno.EROFS;
  }
  allocate(): Errno {
    return Errno.EROFS;
  }
  utimes(): Errno {
    return Errno.EROFS;
  }
  sync(): Errno {
    return this.f.sync();
  }
  datasync(): Errno {
    return this.f.datasync();
  }
  close(): Errno {
    return this.f.close();
  }
}

class ReadOnlyFS implements FS {
  readonly readOnly = true;
  private readonly fs: FS;
  constructor(fs: FS) {
    this.fs = fs;
  }
  open(path: string, flags: number, parent?: Stat): File | Errno {
    if (flags & MUTATING_OPEN) {
      // Creating something that exists exclusively is still EEXIST; otherwise the mount refuses.
      if (flags & OpenFlag.create && flags & OpenFlag.exclusive && !isErrno(this.fs.lstat(path))) return Errno.EEXIST;
      return Errno.EROFS;
    }
    const f = this.fs.open(path, flags, parent);
    return isErrno(f) ? f : new ReadOnlyFile(f);
  }
  lstat(path: string): Stat | Errno {
    return this.fs.lstat(path);
  }
  readlink(path: string): string | Errno {
    return this.fs.readlink(path);
  }
  mkdir(): Errno {
    return Errno.EROFS;
  }
  rmdir(): Errno {
    return Errno.EROFS;
  }
  unlink(): Errno {
    return Errno.EROFS;
  }
  rename(): Errno {
    return Errno.EROFS;
  }
  link(): Errno {
    return Errno.EROFS;
  }
  symlink(): Errno {
    return Errno.EROFS;
  }
  lutimes(): Errno {
    return Errno.EROFS;
  }
}

/** `fs` seen read-only: every change fails with EROFS. */
export function readOnlyFS(fs: FS): FS {
  return fs.readOnly ? fs : new ReadOnlyFS(fs);
}
