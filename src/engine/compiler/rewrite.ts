// The module the host compiles: the original bytes when nothing needs changing, else a rewrite.
//
// Two reasons to rewrite:
//  - instrumentation (fuel or interruption): a countdown at every function entry and loop header
//    (the charging points of src/runtime/meter.ts), calling a checkpoint helper when it goes below 0;
//  - trap fidelity: V8 reports "null function or function signature mismatch" for two spec traps
//    (uninitialized element / indirect call type mismatch) and "float unrepresentable in integer
//    range" for two others (integer overflow / invalid conversion to integer). Functions containing
//    call_indirect, return_call_indirect or a trapping float-to-int conversion store the operand that
//    decides it (the table index, the float) in a global just before the instruction, so that after a
//    trap the engine can tell which one it was. Other functions are copied byte for byte.
//
// Instrumentation adds one function import (the checkpoint), which shifts the index of every function
// the module defines by one: calls, return_calls, ref.funcs, exports, element segments, global
// initialisers, the start function and the name section are renumbered. Helpers (the checkpoint
// helper) are appended after the module's functions, and globals after its globals, so no other index
// moves. The start function is not left to the host: it is exported under a hidden name and called
// once the engine has set up the instance (its countdown, its trap bookkeeping), as the host would
// right after initialising the segments (spec §4.5.4 step 15).
//
// Bodies are patched at the byte level: an InstrReader walks them and unchanged runs of instructions
// are copied verbatim; only the instructions above are re-encoded or get code inserted next to them.

import { InstrReader } from '../../binary/instr.js';
import { Op } from '../../binary/opcodes.js';
import { Reader } from '../../binary/reader.js';
import { encodeModule } from '../../binary/encode.js';
import { Writer } from '../../binary/writer.js';
import { CI, F32, F64, Mode, type PatchContext, fidelityOf, patchCode, wrapperCode } from './patch-body.js';
import { type InterruptPoints, interruptPoints } from '../../runtime/check-points.js';
import {
  type Code,
  type ConstExpr,
  type Export,
  ExternKind,
  type Global,
  type Import,
  type Module,
  type NameSection,
  ValType,
  importCounts,
} from '../../binary/types.js';

/** Names of the hidden exports the engine reads (absent when not added). */
export interface HiddenExports {
  /** The instance's countdown (mut i32). */
  countdown?: string;
  /** The table index of the last call_indirect/return_call_indirect (mut i32). */
  callIndex?: string;
  /** The operand of the last f32 / f64 to integer conversion. */
  f32?: string;
  f64?: string;
  /** The deferred start function. */
  start?: string;
  /** Defined tables by table index (so a trap can look into them). */
  tables: Map<number, string>;
}

export interface HostPlan {
  /** What to hand to the host. */
  bytes: Uint8Array;
  rewritten: boolean;
  /** Function imports of the original module. */
  importedFuncs: number;
  /** 1 when the checkpoint import was added (defined functions moved up by one), else 0. */
  shift: number;
  /** Final index of the checkpoint helper, or -1. */
  slow: number;
  /** Functions with final index >= this are helpers or clones. */
  firstHelper: number;
  /**
   * Interruption only: the original index of each clone (see patch-body.ts). Clone k has final
   * index `slow + 1 + k`; the function at the original's place is then a wrapper.
   */
  clones: number[];
  /** The added import (its place in the import object), or null. */
  checkpointImport: { module: string; name: string } | null;
  hidden: HiddenExports;
}

/** Bytes that may start an instruction needing fidelity bookkeeping (a quick filter before decoding). */
const maybeFidelity = new Uint8Array(256);
for (const b of [0x11, 0x13, 0xa8, 0xa9, 0xaa, 0xab, 0xae, 0xaf, 0xb0, 0xb1]) maybeFidelity[b] = 1;

/** Per function body: the fidelity operands it needs (0 for most). */
function fidelityNeeds(m: Module, features: number): Uint8Array {
  const out = new Uint8Array(m.codes.length);
  for (let i = 0; i < m.codes.length; i++) {
    const body = m.codes[i]!.body;
    let maybe = false;
    for (let k = 0; k < body.length; k++) {
      if (maybeFidelity[body[k]!] === 1) {
        maybe = true;
        break;
      }
    }
    if (!maybe) continue;
    const ir = new InstrReader(new Reader(body), features);
    let need = 0;
    while (!ir.r.eof) {
      ir.read();
      need |= fidelityOf(ir.op);
    }
    out[i] = need;
  }
  return out;
}

/** A constant expression for the zero (or null) value of `type`. */
function zeroOf(type: ValType): ConstExpr {
  switch (type) {
    case ValType.i32:
      return [{ op: Op.i32_const, value: 0 }];
    case ValType.i64:
      return [{ op: Op.i64_const, value: 0n }];
    case ValType.f32:
      return [{ op: Op.f32_const, bits: 0 }];
    case ValType.f64:
      return [{ op: Op.f64_const, bits: 0n }];
    case ValType.v128:
      return [{ op: Op.v128_const, bytes: new Uint8Array(16) }];
    default:
      return [{ op: Op.ref_null, refType: type }];
  }
}

function uniqueName(taken: Set<string>, base: string): string {
  let n = base;
  while (taken.has(n)) n += '_';
  taken.add(n);
  return n;
}

function remapExpr(e: ConstExpr, importedFuncs: number, shift: number): ConstExpr {
  if (shift === 0 || !e.some((i) => i.op === Op.ref_func)) return e;
  return e.map((i) => (i.op === Op.ref_func && i.index! >= importedFuncs ? { ...i, index: i.index! + shift } : i));
}

function remapNames(names: NameSection, importedFuncs: number, shift: number): NameSection {
  const f = (i: number) => (i >= importedFuncs ? i + shift : i);
  const out: NameSection = { functions: new Map(), locals: new Map() };
  if (names.module !== undefined) out.module = names.module;
  for (const [i, n] of names.functions) out.functions.set(f(i), n);
  for (const [i, l] of names.locals) out.locals.set(f(i), l);
  return out;
}

export interface PlanOptions {
  features: number;
  /** Fuel or interruption requested. */
  instrument: boolean;
  /** Interruption without fuel: only the checking points of check-points.ts are instrumented. */
  interruptOnly?: boolean;
}

/**
 * Interruption only: the defined functions (indices among defined functions) that get a clone taking
 * and returning the countdown (patch-body.ts). Those that can charge and are called directly, except
 * where the clone's extra result would make a tail call invalid: a function that tail-calls an import
 * or through a table, or tail-calls a function that charges and has no clone, stays as it is.
 */
function chooseClones(pts: InterruptPoints): number[] {
  const n = pts.pure.length;
  const ok = new Uint8Array(n);
  for (let d = 0; d < n; d++) ok[d] = !pts.pure[d] && pts.called[d] && !pts.tailOut[d] ? 1 : 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (let d = 0; d < n; d++) {
      if (ok[d] && pts.tailCalls[d]!.some((t) => !pts.pure[t] && !ok[t])) {
        ok[d] = 0;
        changed = true;
      }
    }
  }
  const out: number[] = [];
  for (let d = 0; d < n; d++) if (ok[d]) out.push(d);
  return out;
}

/** Decides whether `m` must be rewritten, and does it. `bytes` are the module's original bytes. */
export function planHostModule(m: Module, bytes: Uint8Array, o: PlanOptions): HostPlan {
  const counts = importCounts(m);
  const importedFuncs = counts.funcs;
  const needs = fidelityNeeds(m, o.features);
  let anyNeed = 0;
  for (const n of needs) anyNeed |= n;
  if (!o.instrument && anyNeed === 0) {
    return {
      bytes,
      rewritten: false,
      importedFuncs,
      shift: 0,
      slow: -1,
      firstHelper: importedFuncs + m.codes.length,
      clones: [],
      checkpointImport: null,
      hidden: { tables: new Map() },
    };
  }

  const shift = o.instrument ? 1 : 0;
  const takenExports = new Set(m.exports.map((e) => e.name));
  const hidden: HiddenExports = { tables: new Map() };
  const types = m.types.slice();
  const imports: Import[] = m.imports.slice();
  const funcs = m.funcs.slice();
  const globals: Global[] = m.globals.slice();
  let nextGlobal = counts.globals + m.globals.length;
  const exports: Export[] = m.exports.map((e) =>
    e.kind === ExternKind.func && e.index >= importedFuncs && shift ? { ...e, index: e.index + shift } : e,
  );
  const addGlobal = (type: ValType, init: ConstExpr, base: string): [number, string] => {
    globals.push({ type: { type, mutable: true }, init });
    const index = nextGlobal++;
    const name = uniqueName(takenExports, base);
    exports.push({ name, kind: ExternKind.global, index });
    return [index, name];
  };

  const typeIndex = (params: readonly ValType[], results: readonly ValType[]): number => {
    const same = (a: readonly ValType[], b: readonly ValType[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    const found = types.findIndex((t) => same(t.params, params) && same(t.results, results));
    if (found >= 0) return found;
    types.push({ params: [...params], results: [...results] });
    return types.length - 1;
  };
  const points = o.instrument && o.interruptOnly ? interruptPoints(m, o.features) : null;
  const p: PatchContext = {
    features: o.features,
    types: m.types,
    instrument: o.instrument,
    points,
    cloneOf: null,
    resultsBlockType: (results) => {
      if (results.length === 0) return -64;
      if (results.length === 1) return results[0]! - 0x80;
      return typeIndex([], results);
    },
    importedFuncs,
    shift,
    countdown: -1,
    callIndex: -1,
    f32: -1,
    f64: -1,
    slow: -1,
    parkingGlobal: (type, k) => {
      let pool = parking.get(type);
      if (!pool) parking.set(type, (pool = []));
      while (pool.length <= k) {
        globals.push({ type: { type, mutable: true }, init: zeroOf(type) });
        pool.push(nextGlobal++);
      }
      return pool[k]!;
    },
  };
  const parking = new Map<ValType, number[]>();
  let checkpointImport: HostPlan['checkpointImport'] = null;
  const codes: Code[] = [];
  if (o.instrument) {
    types.push({ params: [], results: [ValType.i32] });
    const cpType = types.length - 1;
    types.push({ params: [ValType.i32], results: [ValType.i32] });
    const slowType = types.length - 1;
    const takenModules = new Set(m.imports.map((i) => i.module));
    checkpointImport = { module: uniqueName(takenModules, 'wasmbox:instrument'), name: 'checkpoint' };
    imports.push({ module: checkpointImport.module, name: checkpointImport.name, desc: { kind: ExternKind.func, typeIndex: cpType } });
    [p.countdown, hidden.countdown] = addGlobal(ValType.i32, [{ op: Op.i32_const, value: 0 }], 'wasmbox:countdown');
    p.slow = importedFuncs + shift + m.codes.length;
    funcs.push(slowType);
  }
  const clones = points ? chooseClones(points) : [];
  if (points) {
    p.cloneOf = new Int32Array(importedFuncs + m.codes.length).fill(-1);
    clones.forEach((d, k) => {
      p.cloneOf![importedFuncs + d] = p.slow + 1 + k;
      const t = m.types[m.funcs[d]!]!;
      funcs.push(typeIndex([...t.params, ValType.i32], [...t.results, ValType.i32]));
    });
  }
  if (anyNeed & CI) [p.callIndex, hidden.callIndex] = addGlobal(ValType.i32, [{ op: Op.i32_const, value: 0 }], 'wasmbox:call-index');
  if (anyNeed & F32) [p.f32, hidden.f32] = addGlobal(ValType.f32, [{ op: Op.f32_const, bits: 0 }], 'wasmbox:f32');
  if (anyNeed & F64) [p.f64, hidden.f64] = addGlobal(ValType.f64, [{ op: Op.f64_const, bits: 0n }], 'wasmbox:f64');
  m.tables.forEach((_, i) => {
    const index = counts.tables + i;
    const name = uniqueName(takenExports, `wasmbox:table${index}`);
    exports.push({ name, kind: ExternKind.table, index });
    hidden.tables.set(index, name);
  });
  if (m.start !== null) {
    hidden.start = uniqueName(takenExports, 'wasmbox:start');
    exports.push({ name: hidden.start, kind: ExternKind.func, index: m.start >= importedFuncs ? m.start + shift : m.start });
  }

  for (let i = 0; i < m.codes.length; i++) {
    const code = m.codes[i]!;
    if (!o.instrument && needs[i] === 0) {
      codes.push(code);
      continue;
    }
    const type = m.types[m.funcs[i]!]!;
    const clone = p.cloneOf?.[importedFuncs + i] ?? -1;
    if (clone >= 0) codes.push(wrapperCode(type, clone, p.countdown));
    else {
      const mode = !o.instrument ? Mode.none : !points ? Mode.global : points.pure[i] ? Mode.none : Mode.local;
      codes.push(patchCode(code, importedFuncs + i, type, needs[i]!, p, mode));
    }
  }
  if (o.instrument) {
    // $slow (param $refund i32) (result i32) (local $n i32):
    //   call $checkpoint  local.tee $n  i32.const 0  i32.lt_s  if unreachable end
    //   local.get $n  local.get $refund  i32.add
    // The caller stores the new countdown (in the global, or in its local). The trap is how a stop
    // leaves the guest: wasm cannot catch a trap (it could catch a JS exception with catch_all).
    // $refund is 1 when the guest re-enters a loop through its charging point.
    const w = new Writer(24);
    w.u8(0x10).u32(importedFuncs).u8(0x22).u32(1).u8(0x41).s32(0).u8(0x48).u8(0x04).u8(0x40).u8(0x00).u8(0x0b);
    w.u8(0x20).u32(1).u8(0x20).u32(0).u8(0x6a).u8(0x0b);
    codes.push({ locals: [{ count: 1, type: ValType.i32 }], body: w.finish(), offset: -1 });
  }
  for (const d of clones) codes.push(patchCode(m.codes[d]!, importedFuncs + d, m.types[m.funcs[d]!]!, needs[d]!, p, Mode.param));

  const out: Module = {
    ...m,
    types,
    imports,
    funcs,
    globals: shift ? globals.map((g) => ({ type: g.type, init: remapExpr(g.init, importedFuncs, shift) })) : globals,
    exports,
    start: null,
    elems: shift
      ? m.elems.map((e) => ({ ...e, init: e.init.map((x) => remapExpr(x, importedFuncs, shift)) }))
      : m.elems,
    codes,
    // Other custom sections (DWARF, source maps) describe the original code offsets: leave them out.
    // The name section is regenerated from `names`; when functions moved, its subsections the IR does
    // not model (label names are per function index) are dropped by giving it an empty payload.
    customs: m.customs
      .filter((c) => c.name === 'name')
      .slice(0, 1)
      .map((c) => (shift ? { ...c, data: new Uint8Array(0) } : c)),
    names: m.names && shift ? remapNames(m.names, importedFuncs, shift) : m.names,
  };
  return {
    bytes: encodeModule(out),
    rewritten: true,
    importedFuncs,
    shift,
    slow: p.slow,
    firstHelper: importedFuncs + shift + m.codes.length,
    clones: clones.map((d) => importedFuncs + d),
    checkpointImport,
    hidden,
  };
}
