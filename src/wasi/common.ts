// What every WASI host function shares: the caller's memory through cached views (re-made only when
// the memory's buffer changes, i.e. after growth), bounds checks (EFAULT, as wasi-common and wazero
// return for an out-of-range pointer), the snapshot variant (layouts that differ between
// wasi_snapshot_preview1 and wasi_unstable), and making HostFunctionDef records from the constants.

import { ValType } from '../binary/types.js';
import type { HostCaller, HostFunctionDef, MemoryInst } from '../runtime/store.js';
import { type FdEntry, SysContext } from '../sys/context.js';
import { flushWrites, pending } from '../sys/writebehind.js';
import {
  Errno,
  type FilestatLayout,
  FilestatP1,
  FilestatUnstable,
  type SubscriptionLayout,
  SubscriptionP1,
  SubscriptionUnstable,
  WASI_P1,
  WASI_UNSTABLE,
  WhenceP1,
  WhenceUnstable,
  paramWasmType,
  resultNames,
  wasiFunctionByName,
} from './constants.js';
import type { Stat } from '../sys/fs.js';

/** Views of a memory buffer. Callers re-fetch after anything that can grow memory (nothing in WASI does). */
export class Mem {
  readonly buf: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  /** Views of the memory: the first `len` bytes of `buf` (the buffer may be longer; see MemoryInst). */
  constructor(buf: ArrayBuffer, len: number = buf.byteLength) {
    this.buf = buf;
    this.u8 = new Uint8Array(buf, 0, len);
    this.dv = new DataView(buf, 0, len);
  }
  /** Whether [ptr, ptr+len) is inside memory (ptr and len already unsigned). */
  ok(ptr: number, len: number): boolean {
    return ptr + len <= this.u8.length;
  }
}

let cached: Mem | null = null;
/** Whose memory `cached` views: the caller (an instance's memory never changes) and its memory. */
let cachedCaller: HostCaller | null = null;
let cachedInst: MemoryInst | null = null;
/** How to tell the cached views are still valid (see memOf). */
const HOST = 0, SHARED = 1, OWN = 2;
let cachedKind = OWN;
/** With kind OWN: the memory's `generation` when the views were made. */
let cachedGen = -1;

/**
 * The caller's memory views, cached for the last caller. Growth makes them stale, and the check
 * depends on the memory: a host (WebAssembly.Memory) buffer is detached when it grows, so views of one
 * are valid while their length is not 0 (no need to fetch `buffer` on each call); a shared memory
 * may be grown by another thread, so its buffer and length are compared; any other memory grows only
 * through its MemoryInst's grow, which counts in `generation` (its buffer may keep its identity).
 * (`length`, not `byteLength`: V8 inlines the first, and the second cost a third of a clock_time_get.)
 */
export function memOf(caller: HostCaller): Mem {
  if (
    caller === cachedCaller &&
    (cachedKind === HOST
      ? cached!.u8.length !== 0
      : cachedKind === OWN
        ? cachedGen === cachedInst!.generation
        : cached!.buf === cachedInst!.buffer && cached!.u8.length === cachedInst!.byteLength)
  ) {
    return cached!;
  }
  return memOfSlow(caller);
}

function memOfSlow(caller: HostCaller): Mem {
  const m = caller.memory();
  if (m === null) throw new Error(`WASI: module ${caller.moduleName || '(anonymous)'} has no memory (WASI needs an exported "memory")`);
  cachedCaller = caller;
  cachedInst = m;
  cachedKind = m.type.shared ? SHARED : m.hostMemory === null ? OWN : HOST;
  cachedGen = m.generation;
  return (cached = new Mem(m.buffer, m.byteLength));
}

/**
 * The caller's SysContext — and a flush point: whatever a guest buffered with fd_write is written out
 * first (src/sys/writebehind.ts), so every WASI function sees it. Every WASI function starts here,
 * except fd_write, which uses `sysForWrite`.
 */
export function sysOf(caller: HostCaller): SysContext {
  if (pending.file !== null) flushWrites();
  const s = caller.sys as SysContext | null;
  if (s === null || s.fds === undefined) throw new Error('WASI: this call has no system context (call it from a module instantiated by the runtime)');
  return s;
}

/** sysOf without the flush: for fd_write, which flushes unless it continues the buffered file. */
export function sysForWrite(caller: HostCaller): SysContext {
  const s = caller.sys as SysContext | null;
  if (s === null || s.fds === undefined) throw new Error('WASI: this call has no system context (call it from a module instantiated by the runtime)');
  return s;
}

/** The differences between the two snapshots. */
export interface Variant {
  readonly module: string;
  readonly whence: { readonly SET: number; readonly CUR: number; readonly END: number };
  readonly filestat: FilestatLayout;
  readonly subscription: SubscriptionLayout;
}

export const P1: Variant = { module: WASI_P1, whence: WhenceP1, filestat: FilestatP1, subscription: SubscriptionP1 };
export const UNSTABLE: Variant = { module: WASI_UNSTABLE, whence: WhenceUnstable, filestat: FilestatUnstable, subscription: SubscriptionUnstable };

/** A HostFunctionDef for the named function, with types and names from constants.ts. */
export function def(name: string, fn: (caller: HostCaller, ...args: any[]) => number | void): HostFunctionDef {
  const info = wasiFunctionByName.get(name);
  if (!info) throw new Error(`unknown WASI function ${name}`);
  return {
    name,
    params: info.params.map(([, k]) => (paramWasmType(k) === 'i64' ? ValType.i64 : ValType.i32)),
    results: info.returnsErrno ? [ValType.i32] : [],
    paramNames: info.params.map(([n]) => n),
    resultNames: resultNames(info),
    fn,
  };
}

/** Writes a filestat in the variant's layout (the struct's padding zeroed). */
export function writeFilestat(mem: Mem, ptr: number, st: Stat, l: FilestatLayout): void {
  const dv = mem.dv;
  mem.u8.fill(0, ptr, ptr + l.size);
  dv.setBigUint64(ptr + l.dev, BigInt.asUintN(64, st.dev), true);
  dv.setBigUint64(ptr + l.ino, BigInt.asUintN(64, st.ino), true);
  dv.setUint8(ptr + l.filetype, st.filetype);
  if (l.nlink64) dv.setBigUint64(ptr + l.nlink, BigInt.asUintN(64, st.nlink), true);
  else dv.setUint32(ptr + l.nlink, Number(BigInt.asUintN(32, st.nlink)), true);
  dv.setBigUint64(ptr + l.fileSize, BigInt.asUintN(64, st.size), true);
  dv.setBigUint64(ptr + l.atim, BigInt.asUintN(64, st.atim), true);
  dv.setBigUint64(ptr + l.mtim, BigInt.asUintN(64, st.mtim), true);
  dv.setBigUint64(ptr + l.ctim, BigInt.asUintN(64, st.ctim), true);
}

/** The entry for `fd` when it has all of `rights`: else EBADF (no such fd) or ENOTCAPABLE. */
export function fdWith(ctx: SysContext, fd: number, rights: bigint): FdEntry | Errno {
  const e = ctx.fds[fd];
  if (e === undefined) return Errno.EBADF;
  if ((e.rightsBase & rights) !== rights) return Errno.ENOTCAPABLE;
  return e;
}

/** The largest file offset/size wasmbox handles (JS numbers are exact up to 2^53). */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

export { Errno };
