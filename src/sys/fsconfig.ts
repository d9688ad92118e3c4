// FSConfig: which file systems a module sees, mounted at guest paths (wazero's FSConfig). Immutable:
// each withX returns a copy. Mounts become the preopened directories fd 3, 4, … in mount order; when
// mounts nest, a path resolves in the mount with the longest matching guest prefix. Nothing is checked
// here: instantiation checks the config where it uses it, naming the mount.

import type { FS } from './fs.js';
import { HostDirFS } from './hostfs.js';
import { readOnlyFS } from './readonly.js';

export interface MountSpec {
  /** The guest path as given (also the preopen's name). */
  readonly guestPath: string;
  /** A host directory (made into an FS at instantiation), or a ready FS. */
  readonly hostDir?: string;
  readonly fs?: FS;
  readonly readOnly: boolean;
}

export interface FSConfig {
  readonly mounts: readonly MountSpec[];
  /** Mounts a host directory, readable and writable, at `guestPath`. */
  withDirMount(hostDir: string, guestPath: string): FSConfig;
  /** Mounts a host directory read-only: every change fails with EROFS. */
  withReadOnlyDirMount(hostDir: string, guestPath: string): FSConfig;
  /** Mounts any FS (memoryFS, overlayFS, readOnlyFS, or your own). */
  withFSMount(fs: FS, guestPath: string): FSConfig;
}

class FSConfigImpl implements FSConfig {
  readonly mounts: readonly MountSpec[];
  constructor(mounts: readonly MountSpec[]) {
    this.mounts = Object.freeze([...mounts]);
    Object.freeze(this);
  }
  /** Adds a mount; a later mount at the same guest path replaces the earlier one in its place. */
  private with(m: MountSpec): FSConfig {
    const i = this.mounts.findIndex((x) => x.guestPath === m.guestPath);
    const next = [...this.mounts];
    if (i >= 0) next[i] = m;
    else next.push(m);
    return new FSConfigImpl(next);
  }
  withDirMount(hostDir: string, guestPath: string): FSConfig {
    return this.with({ guestPath, hostDir, readOnly: false });
  }
  withReadOnlyDirMount(hostDir: string, guestPath: string): FSConfig {
    return this.with({ guestPath, hostDir, readOnly: true });
  }
  withFSMount(fs: FS, guestPath: string): FSConfig {
    return this.with({ guestPath, fs, readOnly: false });
  }
}

export function newFSConfig(): FSConfig {
  return new FSConfigImpl([]);
}

/** A mount ready for use: its FS and its guest path as components. */
export interface Mount {
  readonly name: string;
  readonly parts: readonly string[];
  readonly fs: FS;
  /** Releases what the mount holds (host directory mounts the config made: their descriptors). */
  readonly close?: () => void;
}

const FS_METHODS = ['open', 'lstat', 'readlink', 'mkdir', 'rmdir', 'unlink', 'rename', 'link', 'symlink', 'lutimes'] as const;

/** Makes the mounts of a config, checking each (throws TypeError naming the bad one). */
export function makeMounts(c: FSConfig | undefined): Mount[] {
  if (c === undefined) return [];
  if (!c || !Array.isArray(c.mounts)) throw new TypeError('ModuleConfig.withFSConfig: expected an FSConfig from newFSConfig()');
  return c.mounts.map((m) => {
    const what = m.hostDir !== undefined ? `FSConfig mount of ${JSON.stringify(m.hostDir)} at ${JSON.stringify(m.guestPath)}` : `FSConfig mount at ${JSON.stringify(m.guestPath)}`;
    if (typeof m.guestPath !== 'string' || m.guestPath.includes('\0')) throw new TypeError(`${what}: the guest path must be a string without NUL`);
    const parts = m.guestPath.split('/').filter((p: string) => p !== '' && p !== '.');
    if (parts.includes('..')) throw new TypeError(`${what}: the guest path must not contain ".."`);
    let fs: FS;
    let close: (() => void) | undefined;
    if (m.hostDir !== undefined) {
      if (typeof m.hostDir !== 'string') throw new TypeError(`${what}: the host directory must be a string`);
      try {
        const h = new HostDirFS(m.hostDir);
        fs = h;
        close = () => h.close();
      } catch (e) {
        throw new TypeError(`${what}: ${(e as Error).message}`);
      }
    } else {
      fs = m.fs!;
      for (const k of FS_METHODS) {
        if (typeof (fs as unknown as Record<string, unknown>)?.[k] !== 'function') throw new TypeError(`${what}: the FS has no ${k}() method`);
      }
    }
    if (m.readOnly) fs = readOnlyFS(fs);
    return { name: m.guestPath === '' ? '/' : m.guestPath, parts, fs, ...(close ? { close } : {}) };
  });
}
