// The metering contract shared by both engines: how guest work is counted (fuel) and where a running
// guest can be stopped (deadlines, cancellation). Engines only count down; this file decides.
//
// ---- THE UNIT -------------------------------------------------------------------------------------
// One unit is charged
//   - at every FUNCTION ENTRY: each time the body of a wasm-defined function starts (by call,
//     call_indirect, return_call, return_call_indirect, from JS or a host function, as the start
//     function). Host (JS) functions are not charged.
//   - at every LOOP HEADER: each time control reaches a `loop` instruction, by falling into it or by
//     a branch back to its label (br, br_if, br_table).
// Nothing else is charged: not blocks, not branches to blocks, not calls to host functions. A function
// whose body starts with `loop` is charged its entry unit first, then the loop's. With the same module,
// arguments and imports, both engines charge exactly the same number of units.
//
// ---- WHAT AN ENGINE MUST DO (only when CompileOptions.instrument.fuel or .interrupt is set) --------
//   1. At instantiation, take a counter from InstantiateOptions.meter and keep it on the instance:
//          this.counter = options.meter.counter();
//   2. At each charging point, before the point's instruction has any effect:
//          if (--this.counter.countdown < 0) this.counter.checkpoint();
//      `checkpoint()` either stores a new countdown (>= 0) in the counter — the unit that triggered it
//      is then paid for — or throws: Trap(TrapCode.fuelExhausted), or ExitError with
//      ExitCode.deadlineExceeded / ExitCode.canceled. Treat what it throws like a trap: add the wasm
//      stack trace and unwind; nothing in the guest may catch it (not even exception handling's
//      catch_all). The unit that triggered a throwing checkpoint is not counted.
//   3. Read and write `counter.countdown` through the counter object at every point; do not keep it
//      in a local across anything that may call out of the engine (host functions, other instances).
//      The meter reads and zeroes other instances' countdowns when it moves fuel between instances or
//      when a call with a deadline starts.
//   4. When the instance is closed, call `counter.release()` (its unspent units go back to the tank).
// An engine that cannot throw from the checkpoint call site (the compiler: it must trap, so that guest
// exception handlers cannot catch the stop) calls `meter.checkpointOrStop(counter)` instead, which
// returns the new countdown or -1, keeping the error in `counter.stopped` for the engine to throw.
//
// ---- WHY A COUNTDOWN ------------------------------------------------------------------------------
// The common case must be a decrement and a sign test. The meter hands out grants (how many units an
// instance may run before asking again): with fuel, never more than is left in the tank; with a
// deadline armed, sized so that checkpoints come about every millisecond, so a guest is stopped well
// within 50 ms of its deadline; with neither, as large as possible.

import { ExitCode, ExitError, Trap, TrapCode } from '../api/errors.js';

/** An instance's countdown, as engines use it (see the contract above). */
export interface MeterCounter {
  /** Units the instance may still run without calling `checkpoint`. */
  countdown: number;
  /** Called when `countdown` went below zero: stores and returns the next countdown, or throws. */
  checkpoint(): number;
  /** The instance is closed: returns its unspent units. */
  release(): void;
  /** Set by `checkpointOrStop` when it refused to continue: the error the engine must throw. */
  stopped: Error | null;
}

/** Where a countdown lives when it is not a JS field (the compiler keeps it in a wasm global). */
export interface CountdownCell {
  get(): number;
  set(v: number): void;
}

/** Limits of one call (the internal form of the public CallOptions). */
export interface CallBounds {
  /** `performance.now()` time after which the call is stopped. */
  deadline?: number;
  signal?: AbortSignal;
  /** A shared flag: non-zero element 0 cancels (see src/api/cancel.ts). */
  flag?: Int32Array;
}

/** A call running under bounds. `stopped` is set once the meter stopped the guest because of it. */
export class CallContext {
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly flag: Int32Array | undefined;
  stopped: ExitError | null = null;
  /** The signal's abort listener while the call runs. */
  onAbort: (() => void) | null = null;

  constructor(b: CallBounds) {
    this.deadline = b.deadline ?? Infinity;
    this.signal = b.signal;
    this.flag = b.flag;
  }

  /** The exit code if this call must stop now, else 0. */
  due(now: number): number {
    if (this.signal?.aborted || (this.flag !== undefined && Atomics.load(this.flag, 0) !== 0)) return ExitCode.canceled;
    if (now >= this.deadline) return ExitCode.deadlineExceeded;
    return 0;
  }
}

/** wazero's messages for the exit codes the runtime itself uses. */
export function exitMessage(code: number): string {
  if (code === ExitCode.deadlineExceeded) return 'module closed with context deadline exceeded';
  if (code === ExitCode.canceled) return 'module closed with context canceled';
  return `module closed with exit_code(${code})`;
}

// `performance` is read on first use, not at load: in Node, the first read of the global loads
// perf_hooks and ten internal modules (~2 ms of every CLI start), and only deadlines need it.
let perf: { now(): number } | null | undefined;
export function clock(): number {
  if (perf === undefined) perf = (globalThis as { performance?: { now(): number } }).performance ?? null;
  return perf ? perf.now() : Date.now();
}

/** The largest countdown handed out (a wasm i32 holds it). */
const IDLE_GRANT = 2 ** 30;
/** Grants while a call has bounds: adapted so that checkpoints come every ~TARGET_MS. */
const MIN_GRANT = 64;
const MAX_GRANT = 1 << 17;
const TARGET_MS = 1;

class PlainCounter implements MeterCounter {
  countdown = 0;
  stopped: Error | null = null;
  constructor(private readonly meter: Meter) {}
  checkpoint(): number {
    const n = this.meter.grant(this);
    this.countdown = n;
    return n;
  }
  release(): void {
    this.meter.release(this);
  }
}

class CellCounter implements MeterCounter {
  stopped: Error | null = null;
  constructor(
    private readonly meter: Meter,
    private readonly cell: CountdownCell,
  ) {}
  get countdown(): number {
    return this.cell.get();
  }
  set countdown(v: number) {
    this.cell.set(v);
  }
  checkpoint(): number {
    const n = this.meter.grant(this);
    this.cell.set(n);
    return n;
  }
  release(): void {
    this.meter.release(this);
  }
}

/**
 * A runtime's meter: its fuel tank (when fuel is on), the calls running with bounds, and the counters
 * of its instances. One per runtime, so a guest cannot escape metering by calling into another
 * instance, and a deadline covers everything its call runs.
 */
export class Meter {
  /** Whether fuel is metered (RuntimeConfig.withFuel), as opposed to counting for interruption only. */
  readonly fuel: boolean;
  /** Units not yet handed out (fuel only). */
  private tank: number;
  /** Units handed out so far, net of what came back: consumed = issued - outstanding countdowns. */
  private issued = 0;
  private readonly counters = new Set<MeterCounter>();
  private readonly contexts: CallContext[] = [];
  private grantSize = MAX_GRANT;
  private lastCheck = 0;

  constructor(fuel: number) {
    this.fuel = fuel > 0;
    this.tank = this.fuel ? fuel : Infinity;
  }

  /** A counter for a new instance; `cell` when the countdown lives outside JS. Starts at 0. */
  counter(cell?: CountdownCell): MeterCounter {
    const c = cell ? new CellCounter(this, cell) : new PlainCounter(this);
    this.counters.add(c);
    return c;
  }

  /** Units charged so far by every instance of the runtime. */
  consumed(): number {
    let outstanding = 0;
    for (const c of this.counters) outstanding += Math.max(0, c.countdown);
    return this.issued - outstanding;
  }

  /** Adds units to the tank (fuel only). */
  addFuel(units: number): void {
    this.tank += units;
  }

  /** Starts a bounded call; every instance's countdown is cut so the bounds are checked soon. */
  enter(bounds: CallBounds): CallContext {
    const ctx = new CallContext(bounds);
    this.contexts.push(ctx);
    this.reclaim(null);
    this.lastCheck = clock();
    if (this.contexts.length === 1) this.grantSize = MAX_GRANT;
    // An abort can only happen while the guest runs if something it calls aborts (events do not
    // wait for the call): cutting every countdown then makes the very next charging point see it.
    if (ctx.signal && !ctx.signal.aborted) {
      ctx.onAbort = () => this.reclaim(null);
      ctx.signal.addEventListener('abort', ctx.onAbort, { once: true });
    }
    return ctx;
  }

  /** Ends a bounded call (in LIFO order). */
  leave(ctx: CallContext): void {
    const i = this.contexts.lastIndexOf(ctx);
    if (i >= 0) this.contexts.splice(i, 1);
    if (ctx.onAbort) ctx.signal!.removeEventListener('abort', ctx.onAbort);
  }

  /** Like `counter.checkpoint()` but returns -1 (error in `counter.stopped`) instead of throwing. */
  checkpointOrStop(c: MeterCounter): number {
    try {
      return this.grant(c);
    } catch (e) {
      c.stopped = e as Error;
      return -1;
    }
  }

  /** The checkpoint: pays the unit that triggered it and returns the next grant, or throws. */
  grant(c: MeterCounter): number {
    let size = IDLE_GRANT;
    if (this.contexts.length > 0) {
      const now = clock();
      for (let i = this.contexts.length - 1; i >= 0; i--) {
        const ctx = this.contexts[i]!;
        const code = ctx.stopped?.exitCode ?? ctx.due(now);
        if (code !== 0) {
          ctx.stopped ??= new ExitError(code, exitMessage(code));
          throw ctx.stopped;
        }
      }
      const dt = now - this.lastCheck;
      this.lastCheck = now;
      if (dt < TARGET_MS / 2) this.grantSize = Math.min(this.grantSize * 2, MAX_GRANT);
      else if (dt > TARGET_MS * 2) this.grantSize = Math.max(this.grantSize >>> 1, MIN_GRANT);
      size = this.grantSize;
    }
    if (this.fuel) {
      if (this.tank < 1) this.reclaim(c);
      if (this.tank < 1) throw new Trap(TrapCode.fuelExhausted);
      size = Math.min(size, this.tank - 1);
      this.tank -= size + 1;
    }
    this.issued += size + 1;
    return size;
  }

  /** Takes back the unspent units of every counter but `except` (their next point checkpoints). */
  private reclaim(except: MeterCounter | null): void {
    for (const c of this.counters) {
      if (c === except) continue;
      const left = c.countdown;
      if (left > 0) {
        this.issued -= left;
        if (this.fuel) this.tank += left;
      }
      if (left !== 0) c.countdown = 0;
    }
  }

  release(c: MeterCounter): void {
    if (!this.counters.delete(c)) return;
    const left = c.countdown;
    if (left > 0) {
      this.issued -= left;
      if (this.fuel) this.tank += left;
    }
  }
}
