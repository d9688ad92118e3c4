// SysContext: one instance's system resources — arguments, environment, clocks, randomness, stdio
// and the descriptor table — built by the runtime from the ModuleConfig at instantiation and handed
// to host functions as `HostCaller.sys`.
//
// Defaults are wazero's "secure by default" ones: no arguments, no environment, stdin at end of file,
// stdout/stderr discarded, no files, and fake clocks and randomness — deterministic, so a guest run
// twice behaves the same:
//  - walltime starts at 2022-01-01T00:00:00Z (1640995200 s) and advances by 1 ms on each reading,
//    resolution 1 µs;
//  - nanotime (monotonic, also the CPU-time clocks) starts at 0 and advances by 1 ms on each reading,
//    resolution 1 ns;
//  - nanosleep returns at once; sched_yield does nothing;
//  - random bytes come from a fixed-seed PRNG (xoshiro128**), the same sequence every run.

import { Errno, Filetype, RIGHTS_ALL, RIGHTS_DIR, RIGHTS_FILE, errnoName } from '../wasi/constants.js';
import { type DirEntry, type File, OpenFlag, isErrno } from './fs.js';
import { type FSConfig, type Mount, makeMounts } from './fsconfig.js';
import { type InStream, type OutStream, type StdinSource, type StdoutSink, inputFrom, outputFrom, sleepMs } from './stdio.js';

/** The system-related fields of a ModuleConfig (see src/api/config.ts). */
export interface SysConfig {
  readonly args: readonly string[];
  readonly env: readonly (readonly [string, string])[];
  readonly stdin: StdinSource | undefined;
  readonly stdout: StdoutSink | undefined;
  readonly stderr: StdoutSink | undefined;
  readonly fsConfig: FSConfig | undefined;
  readonly walltime: ClockSpec | undefined;
  readonly nanotime: ClockSpec | undefined;
  readonly nanosleep: ((ns: bigint) => void) | undefined;
  readonly randSource: ((buf: Uint8Array) => void) | undefined;
  readonly osyield: (() => void) | undefined;
}

export interface ClockSpec {
  readonly fn: () => bigint;
  readonly resolution: bigint;
  /**
   * Optional fast path for clock_time_get: writes the current reading (a u64 of nanoseconds) at
   * `ptr`, little-endian, without making a bigint (one bigint per call costs more than the rest of
   * the host call). Reads must advance exactly as `fn` would. wasmbox's own clocks provide it.
   */
  readonly write?: (dv: DataView, ptr: number) => void;
}

const TWO32 = 4294967296;

/** A u64 counter kept as two uint32 halves, for clocks that must be exact beyond 2^53. */
function u64Counter(startHi: number, startLo: number, step: number) {
  let hi = startHi;
  let lo = startLo;
  return {
    write(dv: DataView, ptr: number): void {
      dv.setUint32(ptr, lo, true);
      dv.setUint32(ptr + 4, hi, true);
      lo += step;
      if (lo >= TWO32) {
        lo -= TWO32;
        hi++;
      }
    },
    big(): bigint {
      const v = (BigInt(hi) << 32n) | BigInt(lo);
      lo += step;
      if (lo >= TWO32) {
        lo -= TWO32;
        hi++;
      }
      return v;
    },
  };
}

export const FAKE_EPOCH_NS = 1_640_995_200_000_000_000n;
const MS = 1_000_000n;

/** wazero's fake walltime: the fixed epoch, +1 ms per reading. */
export function fakeWalltime(): ClockSpec {
  const c = u64Counter(Number(FAKE_EPOCH_NS >> 32n), Number(FAKE_EPOCH_NS & 0xffffffffn), Number(MS));
  return { fn: c.big, resolution: 1000n, write: c.write };
}
/** wazero's fake nanotime: 0, +1 ms per reading. */
export function fakeNanotime(): ClockSpec {
  const c = u64Counter(0, 0, Number(MS));
  return { fn: c.big, resolution: 1n, write: c.write };
}

/**
 * The host's wall clock in nanoseconds: Date.now()'s milliseconds plus the sub-millisecond part of the
 * monotonic clock, split into u32 halves with integer-exact arithmetic (the value is beyond 2^53).
 */
function wallParts(): [hi: number, lo: number] {
  const ms = Date.now();
  const sub = Math.floor((performance.now() % 1) * 1e6); // 0 <= sub < 1e6 ns
  // ms * 1e6 + sub, with ms = a * 2^16 + b: a * 1e6 < 2^45 and b * 1e6 + sub < 2^37 are exact.
  const a = Math.floor(ms / 65536);
  const b = ms - a * 65536;
  const A = a * 1e6;
  const low = (A % 65536) * 65536 + b * 1e6 + sub; // < 2^38: exact
  const lo = low % TWO32;
  const hi = Math.floor(A / 65536) + Math.floor(low / TWO32);
  return [hi, lo];
}

/** Node's process.hrtime.bigint: the monotonic clock in nanoseconds. */
const hrtimeBig = (globalThis as { process?: { hrtime?: { bigint?: () => bigint } } }).process?.hrtime?.bigint ?? null;

/**
 * The host's wall clock. Where process.hrtime.bigint() exists, a reading is the monotonic clock plus
 * an offset, and Date.now() is consulted only once per millisecond of monotonic time: Date.now() has
 * millisecond resolution, so a step of the host clock shows no sooner anyway, and reading both clocks
 * on every call cost 169 ns against 50 ns for one monotonic reading. Each check re-anchors the offset
 * when the interpolated value has left [Date.now(), Date.now() + 1 ms): it starts at the millisecond's
 * beginning, follows the host clock when that is set, and tracks slewing to within a millisecond.
 */
export function sysWalltime(): ClockSpec {
  if (hrtimeBig === null) return sysWalltimeParts();
  const read = hrtimeBig;
  let offset = 0n;
  let nextCheck = -1n;
  let last = 0n;
  const now = (): bigint => {
    const m = read();
    let w = m + offset;
    if (m >= nextCheck) {
      nextCheck = m + MS;
      const ms = BigInt(Date.now()) * MS;
      if (w < ms || w >= ms + MS) {
        offset = ms - m;
        w = ms;
      }
    }
    // Never back by less than 1 ms: that is re-anchoring, not the host clock being set back.
    if (w < last && last - w < MS) return last;
    return (last = w);
  };
  return { fn: now, resolution: 1000n, write: (dv, ptr) => dv.setBigUint64(ptr, now(), true) };
}

/** sysWalltime without process.hrtime: Date.now() plus performance.now()'s sub-milliseconds. */
function sysWalltimeParts(): ClockSpec {
  // The sub-millisecond digits come from the monotonic clock, whose millisecond boundaries are not
  // Date.now()'s, so a reading can land up to 1 ms before the previous one. Such a step back is an
  // artefact, never the host clock being set back (Date.now() itself would step): the previous
  // reading is returned instead.
  let lastHi = 0;
  let lastLo = 0;
  const read = (): void => {
    const [hi, lo] = wallParts();
    if (hi > lastHi || (hi === lastHi && lo >= lastLo) || (lastHi - hi) * TWO32 + (lastLo - lo) >= 1e6) {
      lastHi = hi;
      lastLo = lo;
    }
  };
  return {
    fn: () => {
      read();
      return (BigInt(lastHi) << 32n) | BigInt(lastLo);
    },
    resolution: 1000n,
    write: (dv, ptr) => {
      read();
      dv.setUint32(ptr, lastLo, true);
      dv.setUint32(ptr + 4, lastHi, true);
    },
  };
}

/**
 * The host's monotonic clock, from 0 at instantiation: process.hrtime.bigint() where there is one (1
 * ns resolution), else performance.now() (µs resolution). The bigint reading minus the start goes
 * straight into guest memory with setBigUint64: of the ways to read the clock from JS, this was the
 * cheapest measured (Node 20, CPU time per reading, min of 15 runs: hrtime.bigint() and a bigint
 * subtraction 46 ns; process.hrtime()'s [s, ns] array split into u32 halves 60 ns; performance.now()
 * 74 ns; Date.now() 72 ns) — the clock itself, clock_gettime, costs 30 ns on that machine.
 */
export function sysNanotime(): ClockSpec {
  if (hrtimeBig !== null) {
    const read = hrtimeBig;
    const start = read();
    return {
      fn: () => read() - start,
      resolution: 1n,
      write: (dv, ptr) => dv.setBigUint64(ptr, read() - start, true),
    };
  }
  const start = performance.now();
  const ns = () => Math.round((performance.now() - start) * 1e6);
  return {
    fn: () => BigInt(ns()),
    resolution: 1000n,
    write: (dv, ptr) => {
      const t = ns();
      dv.setUint32(ptr, t % TWO32, true);
      dv.setUint32(ptr + 4, Math.floor(t / TWO32), true);
    },
  };
}
export function sysNanosleep(ns: bigint): void {
  const ms = Number(ns) / 1e6;
  if (ms > 0) sleepMs(ms);
}

/** Marks a random source that can also fill [off, off+n) of a buffer directly (no view per call). */
export const directFill = Symbol('wasmbox.directFill');
type DirectFill = (buf: Uint8Array, off: number, n: number) => void;

/**
 * A cryptographically secure random source for ModuleConfig.withRandSource: bytes from the host's
 * CSPRNG (`crypto.getRandomValues`), drawn 64 KiB at a time into a pool so a 16-byte random_get does
 * not pay for a call into the host's crypto each time. Each byte is handed out once.
 */
export function cryptoRandSource(): (buf: Uint8Array) => void {
  const cryptoObj = (globalThis as { crypto?: { getRandomValues(b: Uint8Array): Uint8Array } }).crypto;
  if (!cryptoObj) throw new Error('cryptoRandSource: this host has no crypto.getRandomValues');
  const POOL = 65536; // getRandomValues' largest request
  const pool = new Uint8Array(POOL);
  let left = 0;
  const fill: DirectFill = (buf, off, n) => {
    if (n >= 4096) {
      // Large requests go straight to the host (getRandomValues takes at most 64 KiB at a time).
      for (let done = 0; done < n; done += 65536) cryptoObj.getRandomValues(buf.subarray(off + done, off + Math.min(n, done + 65536)));
      return;
    }
    while (n > 0) {
      if (left === 0) {
        cryptoObj.getRandomValues(pool);
        left = POOL;
      }
      const k = Math.min(n, left);
      const from = POOL - left;
      // A plain loop: for the small requests random_get mostly sees, making subarray views costs more
      // than copying the bytes.
      for (let i = 0; i < k; i++) buf[off + i] = pool[from + i]!;
      left -= k;
      off += k;
      n -= k;
    }
  };
  const source = (buf: Uint8Array) => fill(buf, 0, buf.length);
  (source as unknown as Record<symbol, DirectFill>)[directFill] = fill;
  return source;
}

/** A deterministic byte source: xoshiro128** with a fixed seed. */
export function fakeRandSource(): (buf: Uint8Array) => void {
  const fill = fakeRandFill();
  return (buf: Uint8Array) => fill(buf, 0, buf.length);
}

/** The same generator writing straight into [off, off+n) of `buf` (no view made per call). */
export function fakeRandFill(): (buf: Uint8Array, off: number, n: number) => void {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = 0x13198a2e;
  const next = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return r >>> 0;
  };
  return (buf: Uint8Array, off: number, len: number) => {
    const n = off + len;
    let i = off;
    for (; i + 4 <= n; i += 4) {
      const r = next();
      buf[i] = r;
      buf[i + 1] = r >>> 8;
      buf[i + 2] = r >>> 16;
      buf[i + 3] = r >>> 24;
    }
    if (i < n) {
      let r = next();
      for (; i < n; i++, r >>>= 8) buf[i] = r;
    }
  };
}
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** One descriptor. */
export class FdEntry {
  private _kind: 'in' | 'out' | 'file' | 'dir';
  file: File | null = null;
  input: InStream | null = null;
  output: OutStream | null = null;
  private _filetype: number;
  private _rightsBase: bigint;
  rightsInheriting: bigint;
  /**
   * A file just opened whose type is not known yet (the host FS learns it with an fstat, which
   * path_open spares the many files that are only opened, read or written and closed): kind,
   * filetype and rightsBase — limited to what applies to the type — are settled on first use.
   */
  private untyped: File | null = null;
  fdflags = 0;
  /** The file position (files only). */
  pos = 0;
  /** Directories: the guest path. Files: the guest path they were opened by (for logging). */
  parts: string[] = [];
  mount: Mount | null = null;
  /** Preopens: the name (the mount's guest path) as UTF-8. */
  preopen: Uint8Array | null = null;
  /** fd_readdir's listing of this directory, re-read when a read starts at cookie 0. */
  listing: DirEntry[] | null = null;

  constructor(kind: FdEntry['kind'], filetype: number, rightsBase: bigint, rightsInheriting: bigint) {
    this._kind = kind;
    this._filetype = filetype;
    this._rightsBase = rightsBase;
    this.rightsInheriting = rightsInheriting;
  }

  /** An entry for `file`, of a type still unknown; `rightsBase` is limited when the type is learned. */
  static untyped(file: File, rightsBase: bigint, rightsInheriting: bigint): FdEntry {
    const e = new FdEntry('file', Filetype.UNKNOWN, rightsBase, rightsInheriting);
    e.file = file;
    e.untyped = file;
    return e;
  }

  private settle(): void {
    const f = this.untyped!;
    this.untyped = null;
    let t = f.filetype;
    if (typeof t !== 'number') {
      const st = f.stat();
      t = isErrno(st) ? Filetype.UNKNOWN : st.filetype;
    }
    const isDir = t === Filetype.DIRECTORY;
    this._kind = isDir ? 'dir' : 'file';
    this._filetype = t;
    this._rightsBase &= isDir ? RIGHTS_DIR : RIGHTS_FILE;
  }

  /** 'in'/'out': a stdio stream; 'file'/'dir': something from a mount. */
  get kind(): 'in' | 'out' | 'file' | 'dir' {
    if (this.untyped !== null) this.settle();
    return this._kind;
  }
  get filetype(): number {
    if (this.untyped !== null) this.settle();
    return this._filetype;
  }
  get rightsBase(): bigint {
    if (this.untyped !== null) this.settle();
    return this._rightsBase;
  }
  set rightsBase(v: bigint) {
    if (this.untyped !== null) this.settle();
    this._rightsBase = v;
  }

  close(): Errno {
    if (this.file) return this.file.close();
    if (this.input) this.input.close();
    return Errno.ESUCCESS;
  }
}

function checkStrings(what: string, list: readonly string[]): void {
  for (const s of list) if (typeof s !== 'string') throw new TypeError(`${what}: expected strings, got ${typeof s}`);
}

const enc = new TextEncoder();

/** Descriptor numbers handed out before a closed one may come back (see SysContext.add). */
const FD_WINDOW = 4096;

export class SysContext {
  /** NUL-terminated UTF-8 arguments and `KEY=value` environment entries. */
  readonly args: Uint8Array[];
  readonly env: Uint8Array[];
  readonly argsBytes: number;
  readonly envBytes: number;
  readonly walltime: () => bigint;
  readonly walltimeRes: bigint;
  readonly nanotime: () => bigint;
  readonly nanotimeRes: bigint;
  /** Fast writers of the clocks' readings (see ClockSpec.write), or null for user clocks without one. */
  readonly walltimeWrite: ((dv: DataView, ptr: number) => void) | null;
  readonly nanotimeWrite: ((dv: DataView, ptr: number) => void) | null;
  readonly nanosleep: (ns: bigint) => void;
  readonly random: (buf: Uint8Array) => void;
  /** The default generator's direct form (null when the user gave a source). */
  readonly randomFill: ((buf: Uint8Array, off: number, n: number) => void) | null = null;
  readonly osyield: () => void;
  readonly mounts: Mount[];
  readonly fds: (FdEntry | undefined)[] = [];
  private closed = false;

  constructor(c: SysConfig) {
    checkStrings('ModuleConfig.withArgs', c.args);
    for (const [k, v] of c.env) {
      if (typeof k !== 'string' || typeof v !== 'string') throw new TypeError('ModuleConfig.withEnv: key and value must be strings');
      if (k === '' || k.includes('=') || k.includes('\0')) throw new TypeError(`ModuleConfig.withEnv: invalid key ${JSON.stringify(k)} (empty, or with "=" or NUL)`);
      if (v.includes('\0')) throw new TypeError(`ModuleConfig.withEnv: the value of ${k} contains NUL`);
    }
    for (const a of c.args) if (a.includes('\0')) throw new TypeError(`ModuleConfig.withArgs: ${JSON.stringify(a)} contains NUL`);
    this.args = c.args.map((a) => enc.encode(a + '\0'));
    this.env = c.env.map(([k, v]) => enc.encode(`${k}=${v}\0`));
    this.argsBytes = this.args.reduce((n, a) => n + a.length, 0);
    this.envBytes = this.env.reduce((n, a) => n + a.length, 0);
    const clock = (spec: ClockSpec | undefined, fake: () => ClockSpec, what: string): ClockSpec => {
      if (spec === undefined) return fake();
      if (typeof spec.fn !== 'function') throw new TypeError(`${what}: the clock must be a function returning bigint nanoseconds`);
      if (typeof spec.resolution !== 'bigint' || spec.resolution <= 0n) throw new TypeError(`${what}: the resolution must be a positive bigint of nanoseconds`);
      return spec;
    };
    const wt = clock(c.walltime, fakeWalltime, 'ModuleConfig.withWalltime');
    const nt = clock(c.nanotime, fakeNanotime, 'ModuleConfig.withNanotime');
    this.walltime = wt.fn;
    this.walltimeRes = wt.resolution;
    this.nanotime = nt.fn;
    this.nanotimeRes = nt.resolution;
    this.walltimeWrite = wt.write ?? null;
    this.nanotimeWrite = nt.write ?? null;
    const fnOr = <T>(f: T | undefined, dflt: T, what: string): T => {
      if (f !== undefined && typeof f !== 'function') throw new TypeError(`${what}: expected a function`);
      return f ?? dflt;
    };
    this.nanosleep = fnOr(c.nanosleep, () => {}, 'ModuleConfig.withNanosleep');
    this.random = fnOr(c.randSource, null as unknown as (buf: Uint8Array) => void, 'ModuleConfig.withRandSource');
    const direct = this.random && (this.random as unknown as Record<symbol, DirectFill | undefined>)[directFill];
    if (direct) this.randomFill = direct;
    if (this.random === null) {
      const fill = fakeRandFill();
      this.randomFill = fill;
      this.random = (buf: Uint8Array) => fill(buf, 0, buf.length);
    }
    this.osyield = fnOr(c.osyield, () => {}, 'ModuleConfig.withOsyield');
    this.mounts = makeMounts(c.fsConfig);

    const stdin = inputFrom(c.stdin, 'ModuleConfig.withStdin');
    const stdout = outputFrom(c.stdout, 'ModuleConfig.withStdout');
    const stderr = outputFrom(c.stderr, 'ModuleConfig.withStderr');
    const e0 = new FdEntry('in', stdin.filetype, stdin.rights, 0n);
    e0.input = stdin;
    const e1 = new FdEntry('out', stdout.filetype, stdout.rights, 0n);
    e1.output = stdout;
    const e2 = new FdEntry('out', stderr.filetype, stderr.rights, 0n);
    e2.output = stderr;
    this.fds.push(e0, e1, e2);
    this.live = 3;
    for (const m of this.mounts) {
      const e = new FdEntry('dir', Filetype.DIRECTORY, RIGHTS_DIR, RIGHTS_ALL);
      const root = m.fs.open('', OpenFlag.read | OpenFlag.directory);
      if (isErrno(root)) {
        this.close();
        throw new TypeError(`FSConfig mount at ${JSON.stringify(m.name)}: cannot open its root (${errnoName(root)})`);
      }
      e.file = root;
      e.parts = [...m.parts];
      e.mount = m;
      e.preopen = enc.encode(m.name);
      this.fds.push(e);
      this.live++;
    }
  }

  /** The entry for a descriptor, or undefined. */
  get(fd: number): FdEntry | undefined {
    return this.fds[fd];
  }

  /** The next descriptor number `add` considers (see `add`). */
  private nextFd = 3;
  /** How many entries of `fds` are set (stdio and preopens included). */
  private live = 0;

  /**
   * Puts an entry at a new descriptor and returns it. Like wasmtime, numbers are handed out in
   * increasing order and a closed number is not reused right away: a guest holding a stale number (a
   * closed preopen that wasi-libc still has in its table, say) then gets EBADF, not another file.
   *
   * The numbers cycle through a window rather than growing without bound: once the search reaches the
   * end of the table and the table is at least FD_WINDOW long and at most half full, it starts again
   * from the lowest free number. So a closed number comes back only after about FD_WINDOW other opens,
   * the table stays a dense array (a sparse one falls back to a dictionary, and a table trimmed back
   * over a gap of a million holes made each close cost a million steps), and the wrap-around search
   * costs O(1) per open on average (at least half the slots it walks are free).
   */
  add(e: FdEntry): number {
    const fds = this.fds;
    let fd = this.nextFd;
    while (fd < fds.length && fds[fd] !== undefined) fd++;
    if (fd >= fds.length && fds.length >= FD_WINDOW && this.live * 2 <= fds.length) {
      fd = 3;
      while (fds[fd] !== undefined) fd++;
    }
    // fd <= fds.length here: assigning at fd === length appends, keeping the array dense.
    fds[fd] = e;
    this.nextFd = fd + 1;
    this.live++;
    return fd;
  }

  /** Frees a descriptor number (the entry itself is closed by the caller). */
  remove(fd: number): void {
    if (this.fds[fd] === undefined) return;
    this.fds[fd] = undefined;
    this.live--;
  }

  /**
   * Closes every open file (when the instance is closed). An error the guest can no longer hear of —
   * typically a buffered write that failed when written out (src/sys/writebehind.ts) — becomes a
   * process warning rather than vanishing.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const e of this.fds) {
      if (e === undefined) continue;
      const r = e.close();
      if (r !== Errno.ESUCCESS && r !== Errno.EBADF && e.kind === 'file') {
        const what = `/${e.parts.join('/')}`;
        (globalThis as { process?: { emitWarning?(m: string, t: string): void } }).process?.emitWarning?.(
          `closing ${what} with its instance: ${errnoName(r)} (data the guest wrote may be lost)`,
          'WasmboxWarning',
        );
      }
    }
    this.fds.length = 0;
    for (const m of this.mounts) m.close?.();
  }
}

export { Errno };
