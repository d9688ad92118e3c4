// Maps what the host engine throws to wasmbox's closed set of traps, with the same trap codes, spec
// texts and `wasm stack trace:` as the interpreter.
//
// V8's RuntimeError messages (Node 20) are matched by their wording. Three of them stand for two spec
// traps each; the instruction that trapped (found from the innermost wasm frame's byte position) and
// the operand the rewritten module recorded for it (see rewrite.ts) decide which one.
//
// Frames come from V8's structured stack trace: `Error.prepareStackTrace` hands over CallSite objects
// whose `getThis()` is the WebAssembly.Instance a wasm frame runs in and whose `getPosition()` is the
// byte offset of the instruction in the module. Instances register here as `TrapSource`s, which name
// their functions and drop the frames of helpers the rewrite added.

import { ExitError, Trap, TrapCode, type WasmFrame, formatWasmStack } from '../../api/errors.js';

/** Which refinement a V8 message needs. */
export type Ambiguity = 'table-bounds' | 'null-or-signature' | 'float-unrepresentable';

/** What an instance of the compiler engine tells the trap mapper about its code. */
export interface TrapSource {
  /** The trace frame of function `fn` (index in the host module), or null for a helper's frame. */
  frame(fn: number): WasmFrame | null;
  /** When `fn` is the checkpoint helper and the meter stopped the guest: the error to throw. */
  stopAt(fn: number): Error | null;
  /** The spec trap for an ambiguous V8 trap at byte `position` of function `fn`, or null if unknown. */
  refine(fn: number, position: number, kind: Ambiguity): TrapCode | null;
}

const v8Messages: [RegExp, TrapCode | Ambiguity][] = [
  [/^unreachable/, TrapCode.unreachable],
  [/^memory access out of bounds/, TrapCode.outOfBoundsMemoryAccess],
  [/^data segment (is |has been )?(dropped|out of bounds)/, TrapCode.outOfBoundsMemoryAccess],
  [/^divide by zero|^remainder by zero/, TrapCode.integerDivideByZero],
  [/^divide result unrepresentable/, TrapCode.integerOverflow],
  [/^float unrepresentable in integer range/, 'float-unrepresentable'],
  [/^table index is out of bounds/, 'table-bounds'],
  [/^table access out of bounds/, TrapCode.outOfBoundsTableAccess],
  [/^element segment (is |has been )?(dropped|out of bounds)/, TrapCode.outOfBoundsTableAccess],
  [/^null function or function signature mismatch/, 'null-or-signature'],
  [/^function signature mismatch/, TrapCode.indirectCallTypeMismatch],
  [/^dereferencing a null pointer/, TrapCode.nullReference],
  [/^operation does not support unaligned accesses/, TrapCode.unalignedAtomic],
  // V8 (Node 20) says the JS error's words when a wasm wait meets an unshared memory; where waiting
  // itself is forbidden (a browser's main thread) it says the same, and wasmbox reports it alike.
  [/^atomics wait is not allowed|^expected shared memory|^Atomics\.wait cannot be called in this context/, TrapCode.expectedSharedMemory],
];

/** The default for an ambiguity the frames cannot settle. */
const fallback: Record<Ambiguity, TrapCode> = {
  'table-bounds': TrapCode.outOfBoundsTableAccess,
  'null-or-signature': TrapCode.indirectCallTypeMismatch,
  'float-unrepresentable': TrapCode.invalidConversionToInteger,
};

const sources = new WeakMap<object, TrapSource>();

/** Registers the host instance behind a TrapSource. */
export function registerSource(hostInstance: object, s: TrapSource): void {
  sources.set(hostInstance, s);
}

/** How many frames host errors capture while wasm runs (V8's default of 10 would cut traces short). */
export const TRACE_LIMIT = 1000;

interface RawFrame {
  source: TrapSource | null;
  fn: number;
  position: number;
}

interface CallSiteLike {
  getFileName(): string | null | undefined;
  getThis(): unknown;
  getPosition(): number;
  toString(): string;
}

/**
 * The wasm frames of an error, innermost first, from V8's CallSites. `pending` owns frames of an
 * instance not registered yet (a start function run by the host while instantiating).
 */
function wasmFrames(e: object, pending: TrapSource | null): RawFrame[] {
  const E = Error as unknown as { prepareStackTrace?: (err: Error, cs: CallSiteLike[]) => unknown };
  const prev = E.prepareStackTrace;
  let sites: CallSiteLike[] | null = null;
  E.prepareStackTrace = (err, cs) => {
    sites = cs;
    if (prev) return prev(err, cs);
    return `${Error.prototype.toString.call(err)}${cs.map((c) => `\n    at ${String(c)}`).join('')}`;
  };
  try {
    void (e as Error).stack;
  } catch {
    // A stack that cannot be formatted has no frames for us.
  } finally {
    E.prepareStackTrace = prev;
  }
  const out: RawFrame[] = [];
  if (sites === null) return out;
  for (const cs of sites as CallSiteLike[]) {
    const file = cs.getFileName?.();
    if (typeof file !== 'string' || !file.startsWith('wasm://')) continue;
    const m = /wasm-function\[(\d+)\]/.exec(String(cs));
    if (!m) continue;
    const self = cs.getThis();
    const source = (self && typeof self === 'object' ? sources.get(self) : undefined) ?? pending;
    out.push({ source, fn: Number(m[1]), position: cs.getPosition() });
  }
  return out;
}

function traceOf(raw: RawFrame[]): WasmFrame[] {
  const out: WasmFrame[] = [];
  for (const f of raw) {
    const fr = f.source?.frame(f.fn);
    if (fr) out.push(fr);
  }
  return out;
}

/** Errors that already carry their wasm stack trace (given where they first left wasm). */
const traced = new WeakSet<object>();

/** The exception object V8 throws for an uncaught wasm exception, kept on the Trap standing for it. */
export interface UncaughtException extends Trap {
  exception?: unknown;
}

/**
 * Converts an error thrown by host-compiled code: RuntimeErrors become Traps with the spec's texts,
 * stack overflow becomes "call stack exhausted", a checkpoint's stop becomes the meter's error, an
 * uncaught wasm exception becomes "uncaught exception"; other errors (host function exceptions) get
 * the wasm stack trace appended, as on the interpreter; ExitErrors pass through.
 */
export function translateError(e: unknown, pending: TrapSource | null = null): unknown {
  if (typeof e !== 'object' || e === null || e instanceof ExitError || traced.has(e)) return e;
  traced.add(e);
  const W = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
  if (e instanceof Trap) {
    if (e.wasmStack.length === 0) e.setWasmStack(traceOf(wasmFrames(e, pending)));
    return e;
  }
  if (W && e instanceof W.RuntimeError) {
    const raw = wasmFrames(e, pending);
    const top = raw[0];
    // Messages raised while instantiating carry the API's name first: "WebAssembly.Instance(): …".
    const msg = e.message.replace(/^WebAssembly\.\w+\(\): /, '');
    let code: TrapCode | Ambiguity = TrapCode.unreachable;
    let known = false;
    for (const [re, c] of v8Messages) {
      if (re.test(msg)) {
        code = c;
        known = true;
        break;
      }
    }
    if (code === TrapCode.unreachable && top?.source) {
      const stop = top.source.stopAt(top.fn);
      if (stop) {
        traced.add(stop);
        if (stop instanceof Trap) stop.setWasmStack(traceOf(raw));
        return stop;
      }
    }
    if (typeof code === 'string' && code in fallback) {
      const kind = code as Ambiguity;
      code = (top?.source?.refine(top.fn, top.position, kind) ?? null) || fallback[kind];
    }
    const t = new Trap(code as TrapCode, known ? '' : e.message, traceOf(raw));
    traced.add(t);
    return t;
  }
  if (e instanceof RangeError && /call stack size/i.test(e.message)) {
    const t = new Trap(TrapCode.callStackExhausted, '', traceOf(wasmFrames(e, pending)));
    traced.add(t);
    return t;
  }
  if (W && typeof W.Exception === 'function' && e instanceof W.Exception) {
    const t: UncaughtException = new Trap(TrapCode.uncaughtException, '', traceOf(wasmFrames(e, pending)));
    t.exception = e;
    traced.add(t);
    return t;
  }
  if (e instanceof Error) {
    const trace = traceOf(wasmFrames(e, pending));
    (e as Error & { wasmStack?: WasmFrame[] }).wasmStack = trace;
    if (trace.length) e.message += '\n' + formatWasmStack(trace);
  }
  return e;
}

/**
 * Runs `fn` (which enters host-compiled code) with V8 capturing enough frames for a full trace, and
 * translates what it throws.
 */
export function withTraps<T>(fn: () => T, pending: TrapSource | null = null): T {
  const limit = Error.stackTraceLimit;
  if (!(limit >= TRACE_LIMIT)) Error.stackTraceLimit = TRACE_LIMIT;
  try {
    return fn();
  } catch (e) {
    throw translateError(e, pending);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
