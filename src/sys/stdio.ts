// Standard input, output and error: what ModuleConfig.withStdin/withStdout/withStderr accept, as
// streams the fd table holds.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Errno, Filetype, RIGHTS_STREAM, RIGHTS_TTY, Rights, errnoFromCode } from '../wasi/constants.js';
import type { Stat } from './fs.js';
import { statFromHost } from './hostfs.js';

/** Input: bytes, a string (UTF-8), a host file descriptor (read with fs.readSync), or a reader. */
export type StdinSource = Uint8Array | string | number | { read(into: Uint8Array): number };
/** Output: a host file descriptor (fs.writeSync) or anything with `write(bytes)` (e.g. a Node Writable). */
export type StdoutSink = number | { write(data: Uint8Array): unknown };

/** Loads a node builtin on first use (see hostInfo). */
export const requireBuiltin = createRequire(import.meta.url);

/** A blocking sleep of the current thread (no event loop involved). */
const sleeper = new Int32Array(new SharedArrayBuffer(4));
export function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

export interface StreamInfo {
  filetype: number;
  rights: bigint;
  /** fstat of a host descriptor, else synthetic. */
  stat(): Stat | Errno;
}

export abstract class InStream implements StreamInfo {
  filetype: number = Filetype.UNKNOWN;
  rights: bigint = RIGHTS_STREAM & ~Rights.FD_WRITE;
  /** Reads up to into.length bytes, blocking until some are there; 0 at end of input; -errno. */
  abstract read(into: Uint8Array): number;
  /** Bytes readable without blocking: > 0, 0 at end of input, -1 when none are there yet. */
  abstract available(): number;
  stat(): Stat | Errno {
    return syntheticStat(this.filetype);
  }
  close(): void {}
}

export abstract class OutStream implements StreamInfo {
  filetype: number = Filetype.UNKNOWN;
  rights: bigint = RIGHTS_STREAM & ~Rights.FD_READ;
  /** Writes all of `data`; returns its length or -errno. */
  abstract write(data: Uint8Array): number;
  stat(): Stat | Errno {
    return syntheticStat(this.filetype);
  }
}

function syntheticStat(filetype: number): Stat {
  return { dev: 0n, ino: 0n, filetype, nlink: 1n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
}

export class BytesInput extends InStream {
  private readonly bytes: Uint8Array;
  private pos = 0;
  constructor(b: Uint8Array | string) {
    super();
    this.bytes = typeof b === 'string' ? new TextEncoder().encode(b) : b.slice();
  }
  read(into: Uint8Array): number {
    const n = Math.min(into.length, this.bytes.length - this.pos);
    into.set(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return n;
  }
  available(): number {
    return this.bytes.length - this.pos;
  }
}

export class ReaderInput extends InStream {
  private readonly r: { read(into: Uint8Array): number };
  constructor(r: { read(into: Uint8Array): number }) {
    super();
    this.r = r;
  }
  read(into: Uint8Array): number {
    try {
      const n = this.r.read(into);
      return typeof n === 'number' && n >= 0 ? Math.min(n, into.length) : -Errno.EIO;
    } catch {
      return -Errno.EIO;
    }
  }
  available(): number {
    return 1;
  }
}

function hostInfo(s: InStream | OutStream, fd: number, read: boolean): void {
  let st: fs.Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    return; // An invalid descriptor fails on first use instead.
  }
  // Only a character device can be a terminal; asking node:tty about anything else would load it
  // (and node:net with it) for nothing — the CLI's startup pays for every module (RATIONALE, CLI).
  if (!st.isCharacterDevice()) return;
  s.filetype = Filetype.CHARACTER_DEVICE;
  if ((requireBuiltin('node:tty') as typeof import('node:tty')).isatty(fd)) {
    s.rights = RIGHTS_TTY & ~(read ? Rights.FD_WRITE : Rights.FD_READ);
    return;
  }
  // A character device that is not a terminal (/dev/null): it keeps seek/tell, so isatty() says no.
  s.rights = (RIGHTS_STREAM | Rights.FD_SEEK | Rights.FD_TELL) & ~(read ? Rights.FD_WRITE : Rights.FD_READ);
}

/**
 * A host descriptor. Reads block (a pipe or terminal in non-blocking mode answers EAGAIN: we wait and
 * retry). Readiness for poll_oneoff is tested without consuming input the guest would miss: on Linux
 * through a second, non-blocking open of /proc/self/fd/N for pipes and terminals, whose bytes are kept
 * and handed out first.
 */
export class HostFdInput extends InStream {
  private readonly fd: number;
  private pending: Uint8Array | null = null;
  private peekFd = -1;
  private eof = false;
  private readonly isFile: boolean;

  constructor(fd: number) {
    super();
    this.fd = fd;
    hostInfo(this, fd, true);
    let isFile = false;
    try {
      isFile = fs.fstatSync(fd).isFile();
    } catch {
      // see hostInfo
    }
    this.isFile = isFile;
  }

  read(into: Uint8Array): number {
    if (this.pending) {
      const n = Math.min(into.length, this.pending.length);
      into.set(this.pending.subarray(0, n));
      this.pending = n < this.pending.length ? this.pending.subarray(n) : null;
      return n;
    }
    if (this.eof) return 0;
    for (;;) {
      try {
        return fs.readSync(this.fd, into, 0, into.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
          sleepMs(5);
          continue;
        }
        if (code === 'EOF') return 0;
        return -errnoFromCode(code);
      }
    }
  }

  available(): number {
    if (this.pending) return this.pending.length;
    if (this.eof) return 0;
    if (this.isFile) return 1;
    if (this.peekFd < 0) {
      try {
        this.peekFd = fs.openSync(`/proc/self/fd/${this.fd}`, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      } catch {
        return 1; // cannot tell: say ready, the read will block
      }
    }
    const buf = new Uint8Array(65536);
    try {
      const n = fs.readSync(this.peekFd, buf, 0, buf.length, null);
      if (n === 0) {
        this.eof = true;
        return 0;
      }
      this.pending = buf.subarray(0, n);
      return n;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'EAGAIN' || code === 'EWOULDBLOCK' ? -1 : 1;
    }
  }

  override stat(): Stat | Errno {
    try {
      return statFromHost(fs.fstatSync(this.fd, { bigint: true }));
    } catch (e) {
      return errnoFromCode((e as NodeJS.ErrnoException).code);
    }
  }

  override close(): void {
    if (this.peekFd >= 0) fs.closeSync(this.peekFd);
    this.peekFd = -1;
  }
}

export class HostFdOutput extends OutStream {
  private readonly fd: number;
  constructor(fd: number) {
    super();
    this.fd = fd;
    hostInfo(this, fd, false);
  }
  write(data: Uint8Array): number {
    let off = 0;
    while (off < data.length) {
      try {
        off += fs.writeSync(this.fd, data, off, data.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
          sleepMs(1);
          continue;
        }
        return -errnoFromCode(code);
      }
    }
    return data.length;
  }
  override stat(): Stat | Errno {
    try {
      return statFromHost(fs.fstatSync(this.fd, { bigint: true }));
    } catch (e) {
      return errnoFromCode((e as NodeJS.ErrnoException).code);
    }
  }
}

export class WriterOutput extends OutStream {
  private readonly w: { write(data: Uint8Array): unknown };
  constructor(w: { write(data: Uint8Array): unknown }) {
    super();
    this.w = w;
  }
  write(data: Uint8Array): number {
    try {
      // A copy: the guest's memory changes after the call, and a Writable keeps what it is given.
      this.w.write(data.slice());
      return data.length;
    } catch {
      return -Errno.EIO;
    }
  }
}

export class DiscardOutput extends OutStream {
  write(data: Uint8Array): number {
    return data.length;
  }
}

export class EmptyInput extends InStream {
  read(): number {
    return 0;
  }
  available(): number {
    return 0;
  }
}

export function inputFrom(src: StdinSource | undefined, what: string): InStream {
  if (src === undefined) return new EmptyInput();
  if (typeof src === 'string' || src instanceof Uint8Array) return new BytesInput(src);
  if (typeof src === 'number') {
    if (!Number.isInteger(src) || src < 0) throw new TypeError(`${what}: a host file descriptor must be a non-negative integer, not ${src}`);
    return new HostFdInput(src);
  }
  if (src && typeof (src as { read?: unknown }).read === 'function') return new ReaderInput(src);
  throw new TypeError(`${what}: expected bytes, a string, a host file descriptor or an object with read(into)`);
}

export function outputFrom(dst: StdoutSink | undefined, what: string): OutStream {
  if (dst === undefined) return new DiscardOutput();
  if (typeof dst === 'number') {
    if (!Number.isInteger(dst) || dst < 0) throw new TypeError(`${what}: a host file descriptor must be a non-negative integer, not ${dst}`);
    return new HostFdOutput(dst);
  }
  if (dst && typeof (dst as { write?: unknown }).write === 'function') return new WriterOutput(dst);
  throw new TypeError(`${what}: expected a host file descriptor or an object with write(bytes)`);
}
