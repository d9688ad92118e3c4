// Arguments, environment, clocks, randomness and process control (wasi_snapshot_preview1.witx:
// args_*, environ_*, clock_*, random_get, proc_exit, proc_raise, sched_yield). Identical in both
// snapshots. Strings are NUL-terminated UTF-8 and sizes count bytes, never JS string lengths.

import { ExitError } from '../api/errors.js';
import type { HostCaller, HostFunctionDef } from '../runtime/store.js';
import type { SysContext } from '../sys/context.js';
import { Clockid, Errno } from './constants.js';
import { def, memOf, sysOf } from './common.js';

/**
 * Writes a list of NUL-terminated strings the way args_get/environ_get do: a u32 pointer per entry at
 * `ptrs` (4 bytes each), the bytes back to back from `buf`. EFAULT when either area is out of memory.
 */
function writeList(caller: HostCaller, list: Uint8Array[], total: number, ptrs: number, buf: number): number {
  const mem = memOf(caller);
  ptrs >>>= 0;
  buf >>>= 0;
  if (!mem.ok(ptrs, list.length * 4) || !mem.ok(buf, total)) return Errno.EFAULT;
  const dv = mem.dv;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    dv.setUint32(ptrs + i * 4, buf, true);
    mem.u8.set(s, buf);
    buf += s.length;
  }
  return Errno.ESUCCESS;
}

/** Writes two u32 results (count, bytes). */
function writeSizes(caller: HostCaller, count: number, bytes: number, pCount: number, pBytes: number): number {
  const mem = memOf(caller);
  pCount >>>= 0;
  pBytes >>>= 0;
  if (!mem.ok(pCount, 4) || !mem.ok(pBytes, 4)) return Errno.EFAULT;
  mem.dv.setUint32(pCount, count, true);
  mem.dv.setUint32(pBytes, bytes, true);
  return Errno.ESUCCESS;
}

/** The clock's reading function and resolution, or null for an unknown id (EINVAL). */
function clockOf(ctx: SysContext, id: number): [() => bigint, bigint] | null {
  switch (id) {
    case Clockid.REALTIME:
      return [ctx.walltime, ctx.walltimeRes];
    case Clockid.MONOTONIC:
    case Clockid.PROCESS_CPUTIME_ID:
    case Clockid.THREAD_CPUTIME_ID:
      // CPU time is measured on the monotonic clock: a guest is one thread of one process.
      return [ctx.nanotime, ctx.nanotimeRes];
    default:
      return null;
  }
}

export function procFunctions(): HostFunctionDef[] {
  return [
    /**
     * args_get(argv: ptr<ptr<u8>>, argv_buf: ptr<u8>) -> errno. Fills argv[i] with pointers into
     * argv_buf, which receives the NUL-terminated arguments (sizes from args_sizes_get).
     * Errors: EFAULT (either area out of memory).
     */
    def('args_get', (c: HostCaller, argv: number, buf: number) => {
      const ctx = sysOf(c);
      return writeList(c, ctx.args, ctx.argsBytes, argv, buf);
    }),
    /** args_sizes_get() -> (argc u32, argv_buf_size u32): the count and total UTF-8 bytes with NULs. EFAULT. */
    def('args_sizes_get', (c: HostCaller, pArgc: number, pSize: number) => {
      const ctx = sysOf(c);
      return writeSizes(c, ctx.args.length, ctx.argsBytes, pArgc, pSize);
    }),
    /** environ_get(environ, environ_buf) -> errno: like args_get, entries are `KEY=value\0`. EFAULT. */
    def('environ_get', (c: HostCaller, env: number, buf: number) => {
      const ctx = sysOf(c);
      return writeList(c, ctx.env, ctx.envBytes, env, buf);
    }),
    /** environ_sizes_get() -> (count u32, buf_size u32). EFAULT. */
    def('environ_sizes_get', (c: HostCaller, pCount: number, pSize: number) => {
      const ctx = sysOf(c);
      return writeSizes(c, ctx.env.length, ctx.envBytes, pCount, pSize);
    }),
    /**
     * clock_res_get(id: clockid) -> timestamp u64 (ns). REALTIME: the wall clock's resolution; MONOTONIC
     * and the CPU-time clocks: the monotonic clock's. Errors: EINVAL (unknown clock), EFAULT.
     */
    def('clock_res_get', (c: HostCaller, id: number, ptr: number) => {
      const clock = clockOf(sysOf(c), id);
      if (!clock) return Errno.EINVAL;
      const mem = memOf(c);
      ptr >>>= 0;
      if (!mem.ok(ptr, 8)) return Errno.EFAULT;
      mem.dv.setBigUint64(ptr, clock[1], true);
      return Errno.ESUCCESS;
    }),
    /**
     * clock_time_get(id: clockid, precision: u64) -> timestamp u64 (ns). The precision hint is
     * ignored. Errors: EINVAL (unknown clock), EFAULT.
     */
    def('clock_time_get', (c: HostCaller, id: number, _precision: bigint, ptr: number) => {
      const ctx = sysOf(c);
      const mem = memOf(c);
      ptr >>>= 0;
      if (id >>> 0 > Clockid.THREAD_CPUTIME_ID) return Errno.EINVAL;
      if (ptr + 8 > mem.u8.length) return Errno.EFAULT;
      const write = id === Clockid.REALTIME ? ctx.walltimeWrite : ctx.nanotimeWrite;
      if (write !== null) write(mem.dv, ptr);
      else mem.dv.setBigUint64(ptr, BigInt.asUintN(64, id === Clockid.REALTIME ? ctx.walltime() : ctx.nanotime()), true);
      return Errno.ESUCCESS;
    }),
    /**
     * random_get(buf: ptr<u8>, buf_len: size) -> errno: fills buf_len bytes from the configured
     * source (default: a fixed-seed PRNG). Errors: EFAULT; EIO when the source throws.
     */
    def('random_get', (c: HostCaller, buf: number, len: number) => {
      const ctx = sysOf(c);
      const mem = memOf(c);
      buf >>>= 0;
      len >>>= 0;
      if (buf + len > mem.u8.length) return Errno.EFAULT;
      if (len === 0) return Errno.ESUCCESS;
      const fill = ctx.randomFill;
      if (fill !== null) {
        fill(mem.u8, buf, len);
        return Errno.ESUCCESS;
      }
      try {
        ctx.random(mem.u8.subarray(buf, buf + len));
      } catch {
        return Errno.EIO;
      }
      return Errno.ESUCCESS;
    }),
    /**
     * proc_exit(rval: exitcode u32): ends the guest. Code 0 finishes `_start` normally; any other code
     * makes instantiate (or the call) throw ExitError with `exitCode`. The module is closed either way.
     */
    def('proc_exit', (c: HostCaller, code: number) => {
      sysOf(c);
      throw new ExitError(code >>> 0);
    }),
    /**
     * proc_raise(sig: signal) -> errno. Signals are never delivered (the host process is never
     * signalled): ENOSYS for every valid signal, EINVAL for numbers past SIGSYS (30).
     */
    def('proc_raise', (c: HostCaller, sig: number) => {
      sysOf(c);
      return sig >>> 0 > 30 ? Errno.EINVAL : Errno.ENOSYS;
    }),
    /** sched_yield() -> errno: calls the configured osyield (default: nothing). */
    def('sched_yield', (c: HostCaller) => {
      sysOf(c).osyield();
      return Errno.ESUCCESS;
    }),
  ];
}
