// An in-memory file system, and the writable overlay built on it.
//
// Both are one tree of nodes. A node may be *backed by a lower FS*: a directory whose listing has not
// been read yet, or a file whose bytes still live below. The overlay is a tree whose root is backed by
// the lower FS's root: a directory's listing is read from below the first time it is needed, and from
// then on the tree is the truth — deleting or renaming an entry just changes the tree (no whiteout
// records are needed, since a loaded directory never consults the lower listing again). A file is
// copied up (its bytes read into memory) the first time it is written, truncated or allocated; until
// then reads go to the lower FS. Nothing ever writes to the lower FS.

import {
  type DirEntry,
  Errno,
  type File,
  Filetype,
  type FS,
  OpenFlag,
  type Stat,
  isErrno,
  joinPath,
} from './fs.js';

let nextDev = 1n;
/** Inode numbers of nodes made in memory: a high range, apart from a lower FS's real inodes. */
const FRESH_INO = 1n << 62n;

let lastMs = -1;
let lastNs = 0n;
/** The wall clock in nanoseconds (millisecond resolution; the bigint is made once per millisecond). */
function nowNs(): bigint {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastNs = BigInt(ms) * 1_000_000n;
  }
  return lastNs;
}

interface Lower {
  fs: FS;
  path: string;
}

abstract class Node {
  ino: bigint;
  nlink = 1n;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
  abstract readonly filetype: number;

  constructor(ino: bigint, t: bigint) {
    this.ino = ino;
    this.atim = this.mtim = this.ctim = t;
  }
}

class FileNode extends Node {
  readonly filetype: number;
  /** The bytes (capacity may exceed size); null while they are still in the lower FS. */
  data: Uint8Array | null;
  size: number;
  lower: Lower | null;

  constructor(ino: bigint, t: bigint, data: Uint8Array | null, size: number, lower: Lower | null, filetype: number = Filetype.REGULAR_FILE) {
    super(ino, t);
    this.data = data;
    this.size = size;
    this.lower = lower;
    this.filetype = filetype;
  }

  /** Copies the bytes up from the lower FS (before the first change). */
  load(): Errno {
    if (this.data) return Errno.ESUCCESS;
    const l = this.lower!;
    const f = l.fs.open(l.path, OpenFlag.read | OpenFlag.nofollow);
    if (isErrno(f)) return f;
    const st = f.stat();
    const size = isErrno(st) ? this.size : Number(st.size);
    const data = new Uint8Array(Math.max(size, 16));
    let got = 0;
    while (got < size) {
      const n = f.read(data.subarray(got, size), got);
      if (n < 0) {
        f.close();
        return -n;
      }
      if (n === 0) break;
      got += n;
    }
    f.close();
    this.data = data;
    this.size = got;
    this.lower = null;
    return Errno.ESUCCESS;
  }

  /** Makes room for `size` bytes (zero-filled beyond the old size). */
  reserve(size: number): void {
    const d = this.data!;
    if (size <= d.length) return;
    const bigger = new Uint8Array(Math.max(size, d.length * 2));
    bigger.set(d.subarray(0, this.size));
    this.data = bigger;
  }

  setSize(size: number): void {
    this.reserve(size);
    if (size > this.size) this.data!.fill(0, this.size, size);
    this.size = size;
  }
}

class DirNode extends Node {
  readonly filetype = Filetype.DIRECTORY;
  /** Entries by name; null until read from the lower FS. */
  entries: Map<string, Node> | null;
  lower: Lower | null;
  parent: DirNode | null;

  constructor(ino: bigint, t: bigint, parent: DirNode | null, lower: Lower | null = null) {
    super(ino, t);
    this.parent = parent;
    this.lower = lower;
    this.entries = lower ? null : new Map();
  }
}

class SymlinkNode extends Node {
  readonly filetype = Filetype.SYMBOLIC_LINK;
  target: string;
  constructor(ino: bigint, t: bigint, target: string) {
    super(ino, t);
    this.target = target;
  }
}

/** What `memoryFS(init)` accepts per path: file contents, a symbolic link, or null for a directory. */
export type MemoryFSInit = Record<string, string | Uint8Array | { symlink: string } | null>;

export class MemFS implements FS {
  readonly dev = nextDev++;
  private nextIno = FRESH_INO;
  readonly root: DirNode;

  constructor(lower: FS | null = null) {
    const t = nowNs();
    this.root = new DirNode(this.freshIno(), t, null, lower ? { fs: lower, path: '' } : null);
    if (lower) {
      const st = lower.lstat('');
      if (!isErrno(st)) this.copyAttrs(this.root, st);
    }
  }

  private freshIno(): bigint {
    return this.nextIno++;
  }

  private copyAttrs(n: Node, st: Stat): void {
    n.ino = st.ino;
    n.atim = st.atim;
    n.mtim = st.mtim;
    n.ctim = st.ctim;
    n.nlink = st.nlink;
  }

  /** The entries of a directory, reading them from the lower FS the first time. */
  entries(d: DirNode): Map<string, Node> | Errno {
    if (d.entries) return d.entries;
    const l = d.lower!;
    const f = l.fs.open(l.path, OpenFlag.read | OpenFlag.directory | OpenFlag.nofollow);
    if (isErrno(f)) return f;
    const list = f.readdir();
    f.close();
    if (isErrno(list)) return list;
    const m = new Map<string, Node>();
    for (const e of list) {
      const p = joinPath(l.path, e.name);
      const st = l.fs.lstat(p);
      if (isErrno(st)) continue;
      let n: Node;
      if (st.filetype === Filetype.DIRECTORY) n = new DirNode(st.ino, st.mtim, d, { fs: l.fs, path: p });
      else if (st.filetype === Filetype.SYMBOLIC_LINK) {
        const t = l.fs.readlink(p);
        if (isErrno(t)) continue;
        n = new SymlinkNode(st.ino, st.mtim, t);
      } else n = new FileNode(st.ino, st.mtim, null, Number(st.size), { fs: l.fs, path: p }, st.filetype);
      this.copyAttrs(n, st);
      if (n instanceof DirNode) n.nlink = 2n;
      m.set(e.name, n);
    }
    d.entries = m;
    d.lower = null;
    return m;
  }

  /** The node at `path` (not following a final symbolic link). */
  private find(path: string): Node | Errno {
    if (path === '') return this.root;
    let cur: Node = this.root;
    for (const c of path.split('/')) {
      if (!(cur instanceof DirNode)) return Errno.ENOTDIR;
      const es = this.entries(cur);
      if (isErrno(es)) return es;
      const next = es.get(c);
      if (!next) return Errno.ENOENT;
      cur = next;
    }
    return cur;
  }

  /** The directory holding `path` and the last name. */
  private parent(path: string): { dir: DirNode; entries: Map<string, Node>; name: string } | Errno {
    if (path === '') return Errno.EBUSY;
    const i = path.lastIndexOf('/');
    const d = this.find(i < 0 ? '' : path.slice(0, i));
    if (isErrno(d)) return d;
    if (!(d instanceof DirNode)) return Errno.ENOTDIR;
    const es = this.entries(d);
    if (isErrno(es)) return es;
    return { dir: d, entries: es, name: path.slice(i + 1) };
  }

  private touchDir(d: DirNode): void {
    d.mtim = d.ctim = nowNs();
  }

  statOf(n: Node): Stat {
    let size = 0n;
    if (n instanceof FileNode) size = BigInt(n.size);
    else if (n instanceof SymlinkNode) size = BigInt(Buffer.byteLength(n.target));
    else if (n instanceof DirNode) size = 4096n;
    return { dev: this.dev, ino: n.ino, filetype: n.filetype, nlink: n.nlink, size, atim: n.atim, mtim: n.mtim, ctim: n.ctim };
  }

  open(path: string, flags: number): File | Errno {
    let node: Node | undefined;
    if (path === '') node = this.root;
    else {
      const p = this.parent(path);
      if (isErrno(p)) return p;
      node = p.entries.get(p.name);
      if (!node) {
        if (!(flags & OpenFlag.create)) return Errno.ENOENT;
        if (flags & OpenFlag.directory) return Errno.EINVAL;
        const t = nowNs();
        node = new FileNode(this.freshIno(), t, new Uint8Array(16), 0, null);
        p.entries.set(p.name, node);
        this.touchDir(p.dir);
        return new MemFile(this, node, flags);
      }
      if ((flags & OpenFlag.create) && (flags & OpenFlag.exclusive)) return Errno.EEXIST;
    }
    if (node instanceof SymlinkNode) return Errno.ELOOP;
    if (node instanceof DirNode) {
      if (flags & (OpenFlag.write | OpenFlag.truncate)) return Errno.EISDIR;
    } else if (flags & OpenFlag.directory) return Errno.ENOTDIR;
    if (node instanceof FileNode && (flags & OpenFlag.truncate) && node.size !== 0) {
      if (node.lower) {
        node.data = new Uint8Array(16);
        node.lower = null;
      }
      node.size = 0;
      node.mtim = node.ctim = nowNs();
    }
    return new MemFile(this, node, flags);
  }

  lstat(path: string): Stat | Errno {
    const n = this.find(path);
    return isErrno(n) ? n : this.statOf(n);
  }

  readlink(path: string): string | Errno {
    const n = this.find(path);
    if (isErrno(n)) return n;
    return n instanceof SymlinkNode ? n.target : Errno.EINVAL;
  }

  mkdir(path: string): Errno {
    const p = this.parent(path);
    if (isErrno(p)) return p === Errno.EBUSY ? Errno.EEXIST : p;
    if (p.entries.has(p.name)) return Errno.EEXIST;
    const d = new DirNode(this.freshIno(), nowNs(), p.dir);
    d.nlink = 2n;
    p.entries.set(p.name, d);
    this.touchDir(p.dir);
    return Errno.ESUCCESS;
  }

  rmdir(path: string): Errno {
    const p = this.parent(path);
    if (isErrno(p)) return p;
    const n = p.entries.get(p.name);
    if (!n) return Errno.ENOENT;
    if (!(n instanceof DirNode)) return Errno.ENOTDIR;
    const es = this.entries(n);
    if (isErrno(es)) return es;
    if (es.size > 0) return Errno.ENOTEMPTY;
    p.entries.delete(p.name);
    n.nlink = 0n;
    this.touchDir(p.dir);
    return Errno.ESUCCESS;
  }

  unlink(path: string): Errno {
    const p = this.parent(path);
    if (isErrno(p)) return p;
    const n = p.entries.get(p.name);
    if (!n) return Errno.ENOENT;
    if (n instanceof DirNode) return Errno.EISDIR;
    p.entries.delete(p.name);
    n.nlink--;
    n.ctim = nowNs();
    this.touchDir(p.dir);
    return Errno.ESUCCESS;
  }

  rename(from: string, to: string): Errno {
    const s = this.parent(from);
    if (isErrno(s)) return s;
    const n = s.entries.get(s.name);
    if (!n) return Errno.ENOENT;
    const d = this.parent(to);
    if (isErrno(d)) return d;
    const existing = d.entries.get(d.name);
    if (existing === n) return Errno.ESUCCESS;
    if (n instanceof DirNode) {
      // Not into its own subtree.
      for (let a: DirNode | null = d.dir; a; a = a.parent) if (a === n) return Errno.EINVAL;
    }
    if (existing) {
      if (n instanceof DirNode) {
        if (!(existing instanceof DirNode)) return Errno.ENOTDIR;
        const es = this.entries(existing);
        if (isErrno(es)) return es;
        if (es.size > 0) return Errno.ENOTEMPTY;
      } else if (existing instanceof DirNode) return Errno.EISDIR;
      existing.nlink = existing instanceof DirNode ? 0n : existing.nlink - 1n;
    }
    s.entries.delete(s.name);
    d.entries.set(d.name, n);
    if (n instanceof DirNode) n.parent = d.dir;
    n.ctim = nowNs();
    this.touchDir(s.dir);
    this.touchDir(d.dir);
    return Errno.ESUCCESS;
  }

  link(from: string, to: string): Errno {
    const n = this.find(from);
    if (isErrno(n)) return n;
    if (n instanceof DirNode) return Errno.EPERM;
    const d = this.parent(to);
    if (isErrno(d)) return d === Errno.EBUSY ? Errno.EEXIST : d;
    if (d.entries.has(d.name)) return Errno.EEXIST;
    d.entries.set(d.name, n);
    n.nlink++;
    n.ctim = nowNs();
    this.touchDir(d.dir);
    return Errno.ESUCCESS;
  }

  symlink(target: string, path: string): Errno {
    const d = this.parent(path);
    if (isErrno(d)) return d === Errno.EBUSY ? Errno.EEXIST : d;
    if (d.entries.has(d.name)) return Errno.EEXIST;
    d.entries.set(d.name, new SymlinkNode(this.freshIno(), nowNs(), target));
    this.touchDir(d.dir);
    return Errno.ESUCCESS;
  }

  lutimes(path: string, atim: bigint | null, mtim: bigint | null): Errno {
    const n = this.find(path);
    if (isErrno(n)) return n;
    setTimes(n, atim, mtim);
    return Errno.ESUCCESS;
  }

  /** Adds the entries of `init` (see memoryFS). */
  populate(init: MemoryFSInit): void {
    for (const [key, v] of Object.entries(init)) {
      const isDir = v === null || key.endsWith('/');
      const parts = key.split('/').filter((c) => c !== '' && c !== '.');
      if (parts.some((c) => c === '..')) throw new TypeError(`memoryFS: ".." is not allowed in ${JSON.stringify(key)}`);
      for (let i = 1; i < parts.length + (isDir ? 1 : 0); i++) {
        const e = this.mkdir(parts.slice(0, i).join('/'));
        if (e !== Errno.ESUCCESS && e !== Errno.EEXIST) throw new TypeError(`memoryFS: cannot make the directory for ${JSON.stringify(key)}`);
      }
      if (isDir) continue;
      const path = parts.join('/');
      if (path === '') throw new TypeError(`memoryFS: ${JSON.stringify(key)} names the root, which is a directory`);
      if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
        if (typeof v.symlink !== 'string') throw new TypeError(`memoryFS: ${JSON.stringify(key)}: a symlink needs a string target`);
        this.unlink(path);
        this.symlink(v.symlink, path);
        continue;
      }
      const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : v.slice();
      const f = this.open(path, OpenFlag.write | OpenFlag.create | OpenFlag.truncate);
      if (isErrno(f)) throw new TypeError(`memoryFS: cannot create ${JSON.stringify(key)}`);
      f.write(bytes, 0);
      f.close();
    }
  }
}

function setTimes(n: Node, atim: bigint | null, mtim: bigint | null): void {
  if (atim !== null) n.atim = atim;
  if (mtim !== null) n.mtim = mtim;
  n.ctim = nowNs();
}

class MemFile implements File {
  private readonly fs: MemFS;
  private readonly node: Node;
  private readonly flags: number;
  private closed = false;

  constructor(fs: MemFS, node: Node, flags: number) {
    this.fs = fs;
    this.node = node;
    this.flags = flags;
  }

  get filetype(): number {
    return this.node.filetype;
  }

  stat(): Stat | Errno {
    return this.fs.statOf(this.node);
  }

  read(into: Uint8Array, position: number): number {
    const n = this.node;
    if (n instanceof DirNode) return -Errno.EISDIR;
    if (!(n instanceof FileNode)) return -Errno.EBADF;
    if (n.lower) {
      const f = n.lower.fs.open(n.lower.path, OpenFlag.read | OpenFlag.nofollow);
      if (isErrno(f)) return -f;
      const r = f.read(into, position);
      f.close();
      return r;
    }
    if (position >= n.size) return 0;
    const len = Math.min(into.length, n.size - position);
    into.set(n.data!.subarray(position, position + len));
    return len;
  }

  write(data: Uint8Array, position: number | null): number {
    const n = this.node;
    if (n instanceof DirNode) return -Errno.EISDIR;
    if (!(n instanceof FileNode) || !(this.flags & OpenFlag.write)) return -Errno.EBADF;
    const e = n.load();
    if (e) return -e;
    const at = position ?? n.size;
    const end = at + data.length;
    if (end > n.size) n.setSize(end);
    n.data!.set(data, at);
    n.mtim = n.ctim = nowNs();
    return data.length;
  }

  readdir(): DirEntry[] | Errno {
    const n = this.node;
    if (!(n instanceof DirNode)) return Errno.ENOTDIR;
    const es = this.fs.entries(n);
    if (isErrno(es)) return es;
    const out: DirEntry[] = [];
    for (const [name, c] of es) out.push({ name, ino: c.ino, filetype: c.filetype });
    return out;
  }

  truncate(size: number): Errno {
    const n = this.node;
    if (n instanceof DirNode) return Errno.EISDIR;
    if (!(n instanceof FileNode) || !(this.flags & OpenFlag.write)) return Errno.EBADF;
    const e = n.load();
    if (e) return e;
    n.setSize(size);
    n.mtim = n.ctim = nowNs();
    return Errno.ESUCCESS;
  }

  allocate(offset: number, len: number): Errno {
    const n = this.node;
    if (n instanceof DirNode) return Errno.EISDIR;
    if (!(n instanceof FileNode) || !(this.flags & OpenFlag.write)) return Errno.EBADF;
    const e = n.load();
    if (e) return e;
    if (offset + len > n.size) n.setSize(offset + len);
    return Errno.ESUCCESS;
  }

  utimes(atim: bigint | null, mtim: bigint | null): Errno {
    setTimes(this.node, atim, mtim);
    return Errno.ESUCCESS;
  }

  sync(): Errno {
    return Errno.ESUCCESS;
  }
  datasync(): Errno {
    return Errno.ESUCCESS;
  }
  close(): Errno {
    if (this.closed) return Errno.EBADF;
    this.closed = true;
    return Errno.ESUCCESS;
  }
}

/**
 * An in-memory file system. `init` maps paths (relative to its root) to file contents (a string is
 * UTF-8), `{ symlink: target }`, or null for a directory (a key ending in `/` is one too); parents are
 * created as needed.
 */
export function memoryFS(init: MemoryFSInit = {}): FS {
  const fs = new MemFS();
  fs.populate(init);
  return fs;
}

/**
 * A writable in-memory overlay over `lower`: the guest writes, creates, renames and deletes freely,
 * and every change stays in memory — `lower` is only ever read.
 */
export function overlayFS(lower: FS): FS {
  return new MemFS(lower);
}
