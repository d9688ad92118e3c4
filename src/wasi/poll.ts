// poll_oneoff and the socket functions.
//
// poll_oneoff(in: ptr<subscription>, out: ptr<event>, nsubscriptions) -> nevents u32.
// Layouts (constants.ts): a subscription is 48 bytes in preview 1 and 56 in snapshot 0 (whose clock
// has an extra `identifier`); an event is 32 bytes in both.
//  - FD_WRITE on a writable descriptor is ready at once (nbytes 0).
//  - FD_READ on a file is ready with nbytes = bytes left after the position; on stdin it is ready
//    when input is there (nbytes = bytes available) or at its end (FD_READWRITE_HANGUP), and not
//    ready while a pipe or terminal has nothing yet.
//  - A descriptor that is not open fails the call with EBADF (wasmtime); other per-descriptor errors
//    are events (a descriptor without POLL_FD_READWRITE: ENOTCAPABLE).
//  - CLOCK: relative, or absolute with SUBSCRIPTION_CLOCK_ABSTIME, on any clock clock_time_get knows
//    (EINVAL in the event otherwise). When no descriptor is ready, the call sleeps (through the
//    configured nanosleep, which by default returns at once) until the earliest clock expires, checking
//    stdin every 10 ms meanwhile, and reports that clock (and any other expired by then).
//  - With no clock and nothing ready, it waits for stdin.
// Errors of the call itself: EINVAL (no subscriptions), EFAULT.

import type { HostCaller, HostFunctionDef } from '../runtime/store.js';
import type { SysContext } from '../sys/context.js';
import { sleepMs } from '../sys/stdio.js';
import { Clockid, Errno, Event, Eventrwflags, Eventtype, Fdflags, Rights, Subclockflags } from './constants.js';
import { type Variant, def, memOf, sysOf } from './common.js';
import { isErrno } from '../sys/fs.js';

interface Ready {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: bigint;
  flags: number;
}

const SLICE_NS = 10_000_000n;

/** Checks one fd subscription: an event when ready (or failed), null when not ready yet. */
function pollFd(ctx: SysContext, fd: number, type: number, userdata: bigint): Ready | null {
  const ev = (error: number, nbytes = 0n, flags = 0): Ready => ({ userdata, error, type, nbytes, flags });
  const e = ctx.fds[fd];
  if (e === undefined) return ev(Errno.EBADF);
  if (!(e.rightsBase & Rights.POLL_FD_READWRITE) && e.kind !== 'dir') return ev(Errno.ENOTCAPABLE);
  if (type === Eventtype.FD_WRITE) {
    if (e.kind === 'in' || e.kind === 'dir') return ev(Errno.EBADF);
    return ev(Errno.ESUCCESS);
  }
  if (e.kind === 'out') return ev(Errno.EBADF);
  if (e.kind === 'dir') return ev(Errno.EISDIR);
  if (e.kind === 'file') {
    const st = e.file!.stat();
    if (isErrno(st)) return ev(st);
    const left = st.size - BigInt(e.pos);
    return ev(Errno.ESUCCESS, left > 0n ? left : 0n);
  }
  const n = e.input!.available();
  if (n < 0) return null;
  return n === 0 ? ev(Errno.ESUCCESS, 0n, Eventrwflags.FD_READWRITE_HANGUP) : ev(Errno.ESUCCESS, BigInt(n));
}

function clockNow(ctx: SysContext, id: number): bigint | null {
  if (id === Clockid.REALTIME) return ctx.walltime();
  if (id >>> 0 <= Clockid.THREAD_CPUTIME_ID) return ctx.nanotime();
  return null;
}

export function pollFunctions(v: Variant): HostFunctionDef[] {
  const sl = v.subscription;
  return [
    def('poll_oneoff', (c: HostCaller, pin: number, pout: number, n: number, pN: number) => {
      const ctx = sysOf(c);
      const mem = memOf(c);
      pin >>>= 0;
      pout >>>= 0;
      n >>>= 0;
      pN >>>= 0;
      if (n === 0) return Errno.EINVAL;
      if (!mem.ok(pin, n * sl.size) || !mem.ok(pout, n * Event.size) || !mem.ok(pN, 4)) return Errno.EFAULT;
      const dv = mem.dv;
      const events: Ready[] = [];
      const pendingFds: { fd: number; type: number; userdata: bigint }[] = [];
      // Clock subscriptions as remaining nanoseconds at the time of the call.
      const clocks: { userdata: bigint; remaining: bigint }[] = [];
      for (let i = 0; i < n; i++) {
        const s = pin + i * sl.size;
        const userdata = dv.getBigUint64(s + sl.userdata, true);
        const tag = dv.getUint8(s + sl.tag);
        if (tag === Eventtype.CLOCK) {
          const id = dv.getUint32(s + sl.clockId, true);
          const timeout = dv.getBigUint64(s + sl.timeout, true);
          const flags = dv.getUint16(s + sl.flags, true);
          const now = clockNow(ctx, id);
          if (now === null) {
            events.push({ userdata, error: Errno.EINVAL, type: tag, nbytes: 0n, flags: 0 });
            continue;
          }
          const remaining = flags & Subclockflags.SUBSCRIPTION_CLOCK_ABSTIME ? timeout - now : timeout;
          clocks.push({ userdata, remaining: remaining > 0n ? remaining : 0n });
        } else if (tag === Eventtype.FD_READ || tag === Eventtype.FD_WRITE) {
          const fd = dv.getUint32(s + sl.fd, true);
          // A descriptor that is not open fails the whole call, as in wasmtime.
          if (ctx.fds[fd] === undefined) return Errno.EBADF;
          const r = pollFd(ctx, fd, tag, userdata);
          if (r) events.push(r);
          else pendingFds.push({ fd, type: tag, userdata });
        } else {
          events.push({ userdata, error: Errno.EINVAL, type: tag, nbytes: 0n, flags: 0 });
        }
      }
      // Clocks already expired count as ready.
      for (const k of clocks) {
        if (k.remaining === 0n) events.push({ userdata: k.userdata, error: 0, type: Eventtype.CLOCK, nbytes: 0n, flags: 0 });
      }
      if (events.length === 0) {
        if (clocks.length > 0) {
          let min = clocks[0]!.remaining;
          for (const k of clocks) if (k.remaining < min) min = k.remaining;
          let waited = 0n;
          while (waited < min) {
            const step = pendingFds.length > 0 && min - waited > SLICE_NS ? SLICE_NS : min - waited;
            ctx.nanosleep(step);
            waited += step;
            if (pendingFds.length > 0 && waited < min) {
              for (const p of pendingFds) {
                const r = pollFd(ctx, p.fd, p.type, p.userdata);
                if (r) events.push(r);
              }
              if (events.length > 0) break;
            }
          }
          if (events.length === 0) {
            for (const k of clocks) {
              if (k.remaining <= waited) events.push({ userdata: k.userdata, error: 0, type: Eventtype.CLOCK, nbytes: 0n, flags: 0 });
            }
          }
        } else {
          // Only descriptors that are not ready: wait for one.
          for (;;) {
            for (const p of pendingFds) {
              const r = pollFd(ctx, p.fd, p.type, p.userdata);
              if (r) events.push(r);
            }
            if (events.length > 0) break;
            sleepMs(10);
          }
        }
      }
      const u8 = mem.u8;
      for (let i = 0; i < events.length; i++) {
        const ev = events[i]!;
        const o = pout + i * Event.size;
        u8.fill(0, o, o + Event.size);
        dv.setBigUint64(o + Event.userdata, ev.userdata, true);
        dv.setUint16(o + Event.error, ev.error, true);
        dv.setUint8(o + Event.type, ev.type);
        if (ev.type !== Eventtype.CLOCK) {
          dv.setBigUint64(o + Event.nbytes, ev.nbytes, true);
          dv.setUint16(o + Event.flags, ev.flags, true);
        }
      }
      dv.setUint32(pN, events.length, true);
      return Errno.ESUCCESS;
    }),
  ];
}

/** ENOTSOCK for an open descriptor (none is a socket yet), EBADF otherwise. */
function notSock(ctx: SysContext, fd: number): number {
  return ctx.fds[fd] === undefined ? Errno.EBADF : Errno.ENOTSOCK;
}

/**
 * The socket functions. wasmbox has no socket descriptors yet (no preopened listeners), so each
 * answers EBADF for a descriptor that is not open and ENOTSOCK for any other.
 */
export function sockFunctions(): HostFunctionDef[] {
  return [
    /** sock_accept(fd, flags: fdflags) -> fd. Errors: EBADF, ENOTSOCK (EINVAL for unknown flags). */
    def('sock_accept', (c: HostCaller, fd: number, flags: number) => {
      const ctx = sysOf(c);
      if (ctx.fds[fd] === undefined) return Errno.EBADF;
      return flags & ~Fdflags.NONBLOCK ? Errno.EINVAL : Errno.ENOTSOCK;
    }),
    /** sock_recv(fd, ri_data: iovec_array, ri_flags) -> (ro_datalen u32, ro_flags u16). Errors: EBADF, ENOTSOCK. */
    def('sock_recv', (c: HostCaller, fd: number) => notSock(sysOf(c), fd)),
    /** sock_send(fd, si_data: ciovec_array, si_flags) -> so_datalen u32. Errors: EBADF, ENOTSOCK. */
    def('sock_send', (c: HostCaller, fd: number) => notSock(sysOf(c), fd)),
    /** sock_shutdown(fd, how: sdflags) -> errno. Errors: EBADF, ENOTSOCK (EINVAL for unknown `how` bits). */
    def('sock_shutdown', (c: HostCaller, fd: number, how: number) => {
      const ctx = sysOf(c);
      if (ctx.fds[fd] === undefined) return Errno.EBADF;
      return how & ~3 ? Errno.EINVAL : Errno.ENOTSOCK;
    }),
  ];
}
