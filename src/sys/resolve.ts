// Path resolution inside the sandbox: the heart of it.
//
// A guest path is resolved relative to a directory descriptor, component by component, the way
// openat2(RESOLVE_BENEATH) and cap-std do:
//  - an absolute path is refused (EPERM, as wasmtime does);
//  - `..` may not climb above the directory the descriptor names (EPERM);
//  - a symbolic link is read and its target spliced into the rest of the path, then resolved by the
//    same rules from the link's directory — so a link may lead anywhere beneath the descriptor's
//    directory, and nowhere else; an absolute target is an escape (EPERM); more than MAX_LINKS links
//    is ELOOP (loops end there);
//  - every component but the last must be a directory (ENOTDIR), and exist (ENOENT).
// Positions are guest paths (component lists), so a walk may cross into a mount nested deeper in the
// guest namespace: each position belongs to the mount with the longest matching guest prefix.

import { Errno, type FS, type Stat, isErrno } from './fs.js';
import type { Mount } from './fsconfig.js';

/** Links followed in one resolution before ELOOP (Linux's limit is 40). */
export const MAX_LINKS = 40;
export const NAME_MAX = 255;
export const PATH_MAX = 4096;

export interface Resolved {
  /** The guest path reached, as components. */
  parts: string[];
  mount: Mount;
  /** The path inside the mount's FS ('' for its root). */
  path: string;
  /** The path named the start directory or a parent of it (`.`, `..` or `x/..` last). */
  isDot: boolean;
  /** The path ended with '/': its target must be a directory. */
  trailingSlash: boolean;
  /** lstat of the last component when the walk looked at it (not when it was left unfollowed). */
  stat: Stat | null;
  /** The last component does not exist (ENOENT there; earlier ones all exist). */
  missing: boolean;
  /**
   * lstat of the last component's parent directory, made by this walk (null when it made none: the
   * start directory, after `..`, a mount point). FS.open may take it as the parent's current identity.
   */
  parentStat: Stat | null;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes a guest path: EILSEQ for invalid UTF-8, EINVAL for NUL, ENAMETOOLONG past PATH_MAX. */
export function decodePath(bytes: Uint8Array): string | Errno {
  return decodePathAt(bytes, 0, bytes.length);
}

/** decodePath of `len` bytes at `off` in `u8` (no view made: the common short ASCII path is a loop). */
export function decodePathAt(u8: Uint8Array, off: number, len: number): string | Errno {
  if (len > PATH_MAX) return Errno.ENAMETOOLONG;
  if (len <= 128) {
    let s = '';
    let i = 0;
    for (; i < len; i++) {
      const b = u8[off + i]!;
      if (b === 0) return Errno.EINVAL;
      if (b >= 0x80) break;
      s += String.fromCharCode(b);
    }
    if (i === len) return s;
  }
  const bytes = u8.subarray(off, off + len);
  if (bytes.includes(0)) return Errno.EINVAL;
  try {
    return decoder.decode(bytes);
  } catch {
    return Errno.EILSEQ;
  }
}

/** Whether a component is longer than NAME_MAX bytes (UTF-8); a UTF-16 unit is at most 3 bytes. */
function tooLong(c: string): boolean {
  return c.length * 3 > NAME_MAX && Buffer.byteLength(c) > NAME_MAX;
}

/** The mount a guest path belongs to (longest matching prefix). */
export function mountOf(mounts: readonly Mount[], parts: readonly string[]): Mount | null {
  let best: Mount | null = null;
  for (const m of mounts) {
    const mp = m.parts;
    if (mp.length > parts.length || (best && mp.length <= best.parts.length)) continue;
    let ok = true;
    for (let i = 0; i < mp.length; i++) {
      if (mp[i] !== parts[i]) {
        ok = false;
        break;
      }
    }
    if (ok) best = m;
  }
  return best;
}

function relPath(m: Mount, parts: readonly string[]): string {
  return m.parts.length === 0 ? parts.join('/') : parts.slice(m.parts.length).join('/');
}

/** True when `parts` is exactly the guest path of a mount nested below `m`. */
function isMountPoint(mounts: readonly Mount[], parts: readonly string[], m: Mount): boolean {
  if (mounts.length < 2) return false;
  const x = mountOf(mounts, parts);
  return x !== null && x !== m && x.parts.length === parts.length;
}

/**
 * For a path of plain names only — no '', '.', '..', no leading or trailing '/' — under one mount,
 * where nothing could lead above `base` but a symbolic link: the mount, the guest components and the
 * FS path, so an FS that refuses to follow links on the way (FS.openBeneath) can open it without a
 * walk here. Null for anything else.
 */
export function plainPath(mounts: readonly Mount[], base: readonly string[], path: string): { mount: Mount; parts: string[]; path: string } | null {
  if (mounts.length !== 1) return null;
  const names = path.split('/');
  for (const c of names) if (c === '' || c === '.' || c === '..') return null;
  const mount = mounts[0]!;
  const parts = base.concat(names);
  return { mount, parts, path: relPath(mount, parts) };
}

/**
 * Resolves `path` against the directory `base` (guest components). `follow`: whether a symbolic link
 * in the last component is followed (a trailing slash always follows it).
 */
export function resolve(mounts: readonly Mount[], base: readonly string[], path: string, follow: boolean): Resolved | Errno {
  if (path === '') return Errno.ENOENT;
  if (path.charCodeAt(0) === 47 /* / */) return Errno.EPERM;
  const single = mounts.length === 1 ? mounts[0]! : null;
  // The common case: one name, not followed (path_open, and the last step of most calls), one mount.
  if (!follow && single !== null && path.indexOf('/') < 0 && path !== '.' && path !== '..') {
    if (tooLong(path)) return Errno.ENAMETOOLONG;
    const parts = base.slice();
    parts.push(path);
    const mp = single.parts.length;
    const rel = base.length === mp ? path : mp === 0 ? `${base.join('/')}/${path}` : relPath(single, parts);
    return { parts, mount: single, path: rel, isDot: false, trailingSlash: false, stat: null, missing: false, parentStat: null };
  }
  const stack = base.slice();
  let depth = 0;
  let queue = path.split('/');
  let trailingSlash = false;
  while (queue.length > 1 && queue[queue.length - 1] === '') {
    queue.pop();
    trailingSlash = true;
  }
  let links = 0;
  let isDot = false;
  let stat: Stat | null = null;
  let missing = false;
  /** lstat of the directory on top of `stack`, when this walk made one. */
  let top: Stat | null = null;
  let parentStat: Stat | null = null;
  for (let i = 0; i < queue.length; i++) {
    const c = queue[i]!;
    const last = i === queue.length - 1;
    stat = null;
    if (c === '' || c === '.') {
      if (last) isDot = true;
      continue;
    }
    if (c === '..') {
      if (depth === 0) return Errno.EPERM;
      stack.pop();
      depth--;
      top = null;
      if (last) isDot = true;
      continue;
    }
    isDot = false;
    if (tooLong(c)) return Errno.ENAMETOOLONG;
    const above: Stat | null = top;
    parentStat = last ? above : null;
    stack.push(c);
    depth++;
    if (last && !follow && !trailingSlash) break;
    const m = single ?? mountOf(mounts, stack);
    if (!m) return Errno.ENOENT;
    if (!single && isMountPoint(mounts, stack, m)) {
      top = null;
      continue;
    }
    const fs: FS = m.fs;
    const rel = relPath(m, stack);
    const st = fs.lstat(rel);
    if (isErrno(st)) {
      if (st === Errno.ENOENT && last) {
        missing = true;
        break;
      }
      return st;
    }
    if (st.filetype === 7 /* symbolic link */) {
      if (++links > MAX_LINKS) return Errno.ELOOP;
      const target = fs.readlink(rel);
      if (isErrno(target)) return target;
      if (target === '') return Errno.ENOENT;
      if (target.charCodeAt(0) === 47) return Errno.EPERM;
      stack.pop();
      depth--;
      top = above;
      parentStat = null;
      const rest = queue.slice(i + 1);
      queue = target.split('/');
      // A target ending in '/' must name a directory, like a trailing slash.
      if (rest.length === 0) {
        while (queue.length > 1 && queue[queue.length - 1] === '') {
          queue.pop();
          trailingSlash = true;
        }
      }
      queue = queue.concat(rest);
      i = -1;
      continue;
    }
    if (st.filetype !== 3 /* directory */ && (!last || trailingSlash)) return Errno.ENOTDIR;
    stat = st;
    top = st;
  }
  const mount = single ?? mountOf(mounts, stack);
  if (!mount) return Errno.ENOENT;
  if (isDot) parentStat = null;
  return { parts: stack, mount, path: relPath(mount, stack), isDot, trailingSlash, stat, missing, parentStat };
}
