// Entering the interpreter from JavaScript (FuncInst.invoke), and what leaves it: traps and host
// exceptions get the wasm stack trace of the frames they unwound (once, where they are first caught).

import { ExitError, Trap, TrapCode, type WasmFrame } from '../../api/errors.js';
import { valTypeName } from '../../binary/types.js';
import type { FuncInst } from '../../runtime/store.js';
import type { RawValue } from '../../runtime/values.js';
import { WasmException, readRaw, writeRaw } from './boundary.js';
import { loop } from './exec.js';
import type { InterpFunc } from './func.js';
import type { InterpInstance } from './instance.js';
import { width } from './lower.js';
import { REFS, STACK_WORDS, ensureFrames, frames } from './stack.js';

/** Errors that already carry their wasm stack trace (set where they were first caught). */
const traced = new WeakSet<object>();

function frameOf(f: FuncInst): WasmFrame {
  const t = f.type;
  const params = t.params.map(valTypeName).join(',');
  const results = t.results.length === 1 ? valTypeName(t.results[0]!) :
    t.results.length === 0 ? '' : `(${t.results.map(valTypeName).join(',')})`;
  return { name: f.debugName, params, results };
}

/** The wasm stack (innermost first) of frames depth-1 .. 0. */
function stackTrace(depth: number): WasmFrame[] {
  const out: WasmFrame[] = [];
  for (let k = depth - 1; k >= 0; k--) out.push(frameOf(frames.fn[k]!));
  return out;
}

/** Gives an error leaving wasm its stack trace (once), converting a JS stack overflow to a trap. */
function withTrace(e: unknown, depth: number): unknown {
  if (typeof e !== 'object' || e === null || traced.has(e) || e instanceof ExitError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    e = new Trap(TrapCode.callStackExhausted);
  }
  const err = e as Error;
  traced.add(err);
  const trace = stackTrace(depth);
  if (err instanceof Trap) err.setWasmStack(trace);
  else if (err instanceof Error) {
    (err as Error & { wasmStack?: WasmFrame[] }).wasmStack = trace;
    if (trace.length) err.message += '\n' + formatTrace(trace);
  }
  return err;
}

function formatTrace(frames: WasmFrame[]): string {
  let s = 'wasm stack trace:';
  for (const f of frames) s += `\n\t${f.name}(${f.params})${f.results ? ' ' + f.results : ''}`;
  return s;
}

/** Calls an interpreter function from JS with raw arguments (FuncInst.invoke). */
export function invoke(f: InterpFunc, args: readonly RawValue[]): RawValue[] {
  const fr = frames;
  const inst = f.inst as InterpInstance;
  if (inst.closed) throw new Error(`module ${inst.moduleName || '(anonymous)'} is closed`);
  // (may reallocate the frame arrays while outer calls are active: the executor re-reads them after
  // every call that leaves it)
  ensureFrames(inst.limit);
  const at = fr.top;
  const depth = fr.depth;
  const params = f.type.params;
  if (at + f.frameWords + 16 > STACK_WORDS) throw withTrace(new Trap(TrapCode.callStackExhausted), depth);
  for (let i = 0, w = at; i < params.length; i++) {
    writeRaw(params[i]!, w, args[i]);
    w += width(params[i]!);
  }
  let resumeFn: InterpFunc | null = null;
  let resumeFp = 0;
  let resumePc = 0;
  for (;;) {
    try {
      if (resumeFn === null) loop(f, at);
      else loop(resumeFn, resumeFp, resumePc, depth);
      break;
    } catch (e) {
      let err = e;
      if (e instanceof WasmException) {
        const h = findHandler(e, depth);
        if (h !== null) {
          [resumeFn, resumeFp, resumePc] = h;
          continue;
        }
        if (depth > 0) {
          // wasm frames below the host function that called us may catch it
          fr.depth = depth;
          fr.top = at;
          throw e;
        }
        err = new Trap(TrapCode.uncaughtException);
      }
      err = withTrace(err, fr.depth);
      fr.depth = depth;
      fr.top = at;
      throw err;
    }
  }
  fr.top = at;
  const results = f.type.results;
  const out = new Array<RawValue>(results.length);
  for (let i = 0, w = at; i < results.length; i++) {
    out[i] = readRaw(results[i]!, w);
    w += width(results[i]!);
  }
  return out;
}


/**
 * Legacy exception handling: the handler for `e` in frames frames.depth - 1 .. base, innermost first
 * (each frame's saved pc is just after the throwing instruction or the call). Writes the exception's
 * values and itself (for rethrow) into the handler's slots, pops the frames above, and returns where
 * to resume; null when no frame of this invocation catches it.
 */
function findHandler(e: WasmException, base: number): [InterpFunc, number, number] | null {
  const fr = frames;
  for (let k = fr.depth - 1; k >= base; k--) {
    const fn = fr.fn[k] as InterpFunc;
    const h = fn.handlers;
    if (h.length === 0) continue;
    const at = fr.pc[k]! - 1;
    let limit = 0x7fffffff;
    for (let i = 0; i < h.length; i += 7) {
      const kind = h[i + 2]!;
      if (at < h[i]! || at >= h[i + 1]! || (kind === 2 ? h[i + 4]! : h[i + 6]!) >= limit) continue;
      if (kind === 2) {
        limit = h[i + 6]!;
        continue;
      }
      if (kind === 0 && (fn.inst as InterpInstance).tags[h[i + 3]!] !== e.tag) continue;
      const fp = fr.fp[k]!;
      let w = fp + h[i + 5]!;
      if (kind === 0) {
        const params = e.tag.type.params;
        for (let j = 0; j < params.length; j++) {
          writeRaw(params[j]!, w, e.values[j]);
          w += width(params[j]!);
        }
      }
      REFS[fp + h[i + 5]! + 1] = e;
      fr.depth = k + 1;
      return [fn, fp, h[i + 4]!];
    }
  }
  return null;
}
