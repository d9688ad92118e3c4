// Where a guest is checked for interruption when only interruption is on (deadlines, AbortSignals,
// CancelTokens, without fuel). The metering contract (meter.ts) makes every function entry and loop
// header a charging point; with fuel both engines must count exactly those. Without fuel an engine may
// skip points, as long as a guest that runs on still reaches a checkpoint often: the compiler skips
// the entries this analysis proves safe (each skipped unit is a decrement and a branch in V8's code),
// the interpreter keeps charging every point (its per-unit cost is small against its dispatch).
//
// Fuel needs every function entry and loop header counted, exactly. Interruption only needs every
// execution that could run on for long to reach a checkpoint often: loops are checked at their
// headers as with fuel, but a function entry is a checking point only where skipping it could let
// the guest run on unchecked:
//   - a function that can be part of a recursion (a cycle of calls) is checked at entry: a recursion
//     can run forever (or exponentially long, `deep` in test/engine/interrupt.test.ts) with no loop;
//   - a function whose call runs more than BUDGET bytes of code before it reaches a check (its own
//     body plus, for each call site, what the unchecked callee runs) is checked at entry, so that one
//     call of a loop-free function tree cannot run exponentially long (f calling g twice, g calling h
//     twice, ...).
// Every other entry is skipped: such a call runs at most BUDGET bytes of code (each instruction at
// most once, having no loop to repeat it) before it returns or reaches a checked entry or loop.
//
// A loop is checked at its header, except one whose body begins with straight-line code (no branch,
// no block, nothing that can leave or skip) that calls a function with a checked entry: every
// iteration then passes that entry, which is check enough. That is the loop a C compiler makes of
// the second call of a doubly recursive function (fib(n-1) + fib(n-2)), where a header check would
// double the checks per call. A counted loop (counted-loops.ts: a C `for` loop with constant bounds)
// is not checked either when its bound times what one iteration can run stays within LOOP_BUDGET; what
// it runs then adds to its function's weight, like an unchecked callee's.
//
// Recursion is judged on the call graph of the module's functions plus one node X for "elsewhere":
// calls to imported functions and indirect calls go to X, and X calls every function whose reference
// escapes (exported, placed in an element segment, taken by ref.func, the start function). A cycle
// through other modules or host functions (A calls an import that calls back into A's exports) must
// enter through an escaping function and leave through an import or an indirect call, so it is a
// cycle through X here, and every function on it is checked at entry, in each module.
//
// `pure` marks functions that can never reach a checking point (no loop, no checked entry, no call
// that is not itself to a pure function): the compiler need not make the countdown visible to them.

import { InstrReader } from '../binary/instr.js';
import { Op } from '../binary/opcodes.js';
import { Reader } from '../binary/reader.js';
import { type ConstExpr, ExternKind, type Module, importCounts } from '../binary/types.js';
import { type CountedLoop, CountedLoopFinder } from './counted-loops.js';

/** Bytes of code a call may run before its first check when its entry is not checked. */
export const BUDGET = 4096;

/**
 * Bytes of code one run of an unchecked counted loop (counted-loops.ts) may execute: its bound times
 * what one iteration can run (body plus unchecked callees). About 20–60 µs of V8's code.
 */
export const LOOP_BUDGET = 65536;

export interface InterruptPoints {
  /** Per defined function (index minus imported functions): 1 when its entry is a checking point. */
  readonly entry: Uint8Array;
  /** Per defined function: 1 when it contains a loop. */
  readonly loops: Uint8Array;
  /** Per defined function: 1 when neither it nor anything it can call ever checks. */
  readonly pure: Uint8Array;
  /** Per defined function: 1 when a defined function calls it directly (call or return_call). */
  readonly called: Uint8Array;
  /** Per defined function: 1 when it tail-calls an import or through a table. */
  readonly tailOut: Uint8Array;
  /** Per defined function: the defined functions it tail-calls (return_call). */
  readonly tailCalls: readonly (readonly number[])[];
  /**
   * Per defined function, per loop in body order: 1 when the loop needs no check of its own (every
   * iteration calls a function whose entry is checked, or it is a small counted loop). Null for a
   * function where no loop is so.
   */
  readonly freeLoops: readonly (Uint8Array | null)[];
}

const cache = new WeakMap<Module, InterruptPoints>();

/** The interrupt-only checking points of `m` (computed once per module). */
export function interruptPoints(m: Module, features: number): InterruptPoints {
  let p = cache.get(m);
  if (!p) {
    p = analyse(m, features);
    cache.set(m, p);
  }
  return p;
}

function analyse(m: Module, features: number): InterruptPoints {
  const imported = importCounts(m).funcs;
  const n = m.codes.length;
  const X = n; // the "elsewhere" node
  const loops = new Uint8Array(n);
  const xcall = new Uint8Array(n);
  const escapes = new Uint8Array(n);
  const called = new Uint8Array(n);
  const tailOut = new Uint8Array(n);
  const tailCalls: number[][] = [];
  /** Direct calls of defined functions, per caller (one entry per call site). */
  const calls: number[][] = [];
  /** Per function, per loop: the defined function its body's straight-line start calls, or -1. */
  const loopCallees: number[][] = [];
  /** Per function: its counted loops (candidates to run unchecked, decided with the callees' weights). */
  const counted: CountedLoop[][] = [];

  const escape = (fn: number) => {
    if (fn >= imported && fn - imported < n) escapes[fn - imported] = 1;
  };
  const escapeIn = (e: ConstExpr | null) => {
    if (e) for (const i of e) if (i.op === Op.ref_func) escape(i.index!);
  };
  for (const e of m.exports) if (e.kind === ExternKind.func) escape(e.index);
  if (m.start !== null) escape(m.start);
  for (const g of m.globals) escapeIn(g.init);
  for (const s of m.elems) for (const e of s.init) escapeIn(e);

  for (let i = 0; i < n; i++) {
    const out: number[] = [];
    const tails: number[] = [];
    const lc: number[] = [];
    /** The loop whose straight-line start is being read (its place in `lc`), or -1. */
    let open = -1;
    const ir = new InstrReader(new Reader(m.codes[i]!.body), features);
    const finder = new CountedLoopFinder(imported, LOOP_BUDGET);
    while (!ir.r.eof) {
      ir.read();
      finder.see(ir);
      if (open >= 0 && (ir.op === Op.call ? ir.index < imported : straightLine(ir.op) === false)) open = -1;
      switch (ir.op) {
        case Op.loop:
          loops[i] = 1;
          open = lc.length;
          lc.push(-1);
          break;
        case Op.call:
        case Op.return_call: {
          const tail = ir.op === Op.return_call;
          if (ir.index >= imported && open >= 0 && !tail) {
            lc[open] = ir.index - imported;
            open = -1;
          }
          if (ir.index >= imported) {
            const callee = ir.index - imported;
            out.push(callee);
            called[callee] = 1;
            if (tail) tails.push(callee);
          } else {
            xcall[i] = 1;
            if (tail) tailOut[i] = 1;
          }
          break;
        }
        case Op.call_indirect:
        case Op.return_call_indirect:
          xcall[i] = 1;
          if (ir.op === Op.return_call_indirect) tailOut[i] = 1;
          break;
        case Op.ref_func:
          escape(ir.index);
          break;
      }
    }
    calls.push(out);
    tailCalls.push(tails);
    loopCallees.push(lc);
    counted.push(finder.found);
  }

  // Strongly connected components (Tarjan's algorithm, iterative: modules have tens of thousands of
  // functions and call chains as deep). Components come out callees first.
  const succ = (v: number): number[] => {
    if (v === X) {
      const s: number[] = [];
      for (let i = 0; i < n; i++) if (escapes[i]) s.push(i);
      return s;
    }
    return xcall[v] ? [...calls[v]!, X] : calls[v]!;
  };
  const index = new Int32Array(n + 1).fill(-1);
  const low = new Int32Array(n + 1);
  const onStack = new Uint8Array(n + 1);
  const stack: number[] = [];
  const recursive = new Uint8Array(n + 1);
  const entry = new Uint8Array(n);
  const pure = new Uint8Array(n);
  const weight = new Float64Array(n);
  /** Per function: the ordinals of its counted loops that run unchecked. */
  const unchecked: number[][] = [];
  let counter = 0;

  const finish = (component: number[]) => {
    if (component.length > 1) {
      for (const v of component) recursive[v] = 1;
    } else {
      const v = component[0]!;
      if (v !== X && calls[v]!.includes(v)) recursive[v] = 1;
    }
    for (const v of component) {
      if (v === X) continue;
      // Callees are final: they are in components finished earlier, or in this one (recursive).
      const runs = (c: number) => (!entry[c] && c !== v && !recursive[c] ? weight[c]! : 0);
      let w = m.codes[v]!.body.length;
      let p = !loops[v] && !xcall[v];
      for (const c of calls[v]!) {
        w += runs(c);
        if (!pure[c]) p = false;
      }
      // A counted loop runs unchecked when all its iterations together stay within LOOP_BUDGET; the
      // iterations after the first then add to what a call of v runs before its first check.
      const free: number[] = [];
      for (const l of counted[v]!) {
        let once = l.bytes + l.far * BUDGET;
        for (const c of l.calls) once += runs(c);
        if (l.trips * once > LOOP_BUDGET) continue;
        free.push(l.ordinal);
        w += (l.trips - 1) * once;
      }
      unchecked[v] = free;
      const checked = recursive[v] === 1 || w > BUDGET;
      entry[v] = checked ? 1 : 0;
      weight[v] = checked ? 0 : w;
      pure[v] = p && !checked ? 1 : 0;
    }
  };

  for (let root = 0; root <= n; root++) {
    if (index[root] !== -1) continue;
    // Each work item: a node and where it is in its successor list.
    const work: [number, number[], number][] = [[root, succ(root), 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [v, ss] = top;
      if (top[2] < ss.length) {
        const w = ss[top[2]++]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, succ(w), 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v]!, index[w]!);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        finish(component);
      }
    }
  }
  const freeLoops: (Uint8Array | null)[] = [];
  for (let i = 0; i < n; i++) {
    const lc = loopCallees[i]!;
    let free: Uint8Array | null = null;
    for (let k = 0; k < lc.length; k++) {
      if (lc[k]! >= 0 && entry[lc[k]!]) (free ??= new Uint8Array(lc.length))[k] = 1;
    }
    for (const k of unchecked[i] ?? []) (free ??= new Uint8Array(lc.length))[k] = 1;
    freeLoops.push(free);
  }
  return { entry, loops, pure, called, tailOut, tailCalls, freeLoops };
}

/**
 * Whether `op` can be part of the straight-line start of a loop body: it neither branches, nor opens
 * or closes a block, nor leaves the function other than by a trap. (A direct call is decided by the
 * caller: one to a defined function is straight-line, one to an import ends the start.)
 */
function straightLine(op: number): boolean {
  switch (op) {
    case Op.unreachable:
    case Op.block:
    case Op.loop:
    case Op.if:
    case Op.else:
    case Op.end:
    case Op.try:
    case Op.catch:
    case Op.catch_all:
    case Op.throw:
    case Op.rethrow:
    case Op.delegate:
    case Op.br:
    case Op.br_if:
    case Op.br_table:
    case Op.return:
    case Op.call_indirect:
    case Op.return_call:
    case Op.return_call_indirect:
      return false;
    default:
      return true;
  }
}
