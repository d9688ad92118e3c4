// Engine-neutral parts of instantiation (spec §4.5.4), for engines that build instances out of the
// store objects in store.ts: allocating tables, memories and globals, evaluating constant expressions,
// initialising element and data segments in order (with their traps), and building the export map.

import { Trap, TrapCode } from '../api/errors.js';
import { Op } from '../binary/opcodes.js';
import { type ConstExpr, type Module, ExternKind, importCounts } from '../binary/types.js';
import {
  ArrayTable,
  CellGlobal,
  type ExternVal,
  type FuncInst,
  type GlobalInst,
  MemoryInst,
  type Ref,
  type TableInst,
  TagInst,
} from './store.js';
import type { RawValue } from './values.js';

/** An instance's index spaces (imports first, then the module's own definitions). */
export interface IndexSpaces {
  funcs: FuncInst[];
  tables: TableInst[];
  memories: MemoryInst[];
  globals: GlobalInst[];
  tags: TagInst[];
}

/** The runtime state of segments: evaluated element references and data bytes, emptied on drop. */
export interface SegmentState {
  elems: Ref[][];
  datas: Uint8Array[];
}

/** Splits resolved imports into index spaces (the module's own entities are appended later). */
export function importSpaces(imports: readonly ExternVal[]): IndexSpaces {
  const s: IndexSpaces = { funcs: [], tables: [], memories: [], globals: [], tags: [] };
  for (const v of imports) {
    switch (v.kind) {
      case 'func': s.funcs.push(v); break;
      case 'table': s.tables.push(v); break;
      case 'memory': s.memories.push(v); break;
      case 'global': s.globals.push(v); break;
      case 'tag': s.tags.push(v); break;
    }
  }
  return s;
}

const i64Mask = (1n << 64n) - 1n;

/**
 * Evaluates a constant expression (§3.3.10; with extended-const, i32/i64 add, sub and mul) to a raw
 * value. `funcs` must already hold every function (ref.func may name any).
 */
export function evalConst(expr: ConstExpr, s: IndexSpaces): RawValue {
  const stack: RawValue[] = [];
  for (const ins of expr) {
    switch (ins.op) {
      case Op.i32_const:
        stack.push(ins.value as number);
        break;
      case Op.i64_const:
        stack.push(ins.value as bigint);
        break;
      case Op.f32_const:
        stack.push(ins.bits as number);
        break;
      case Op.f64_const:
        stack.push(ins.bits as bigint);
        break;
      case Op.v128_const: {
        let v = 0n;
        const b = ins.bytes!;
        for (let i = 15; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
        stack.push(v);
        break;
      }
      case Op.ref_null:
        stack.push(null);
        break;
      case Op.ref_func:
        stack.push(s.funcs[ins.index!]!);
        break;
      case Op.global_get:
        stack.push(s.globals[ins.index!]!.get());
        break;
      case Op.i32_add:
      case Op.i32_sub:
      case Op.i32_mul: {
        const b = stack.pop() as number;
        const a = stack.pop() as number;
        stack.push(ins.op === Op.i32_add ? (a + b) | 0 : ins.op === Op.i32_sub ? (a - b) | 0 : Math.imul(a, b));
        break;
      }
      case Op.i64_add:
      case Op.i64_sub:
      case Op.i64_mul: {
        const b = stack.pop() as bigint;
        const a = stack.pop() as bigint;
        const r = ins.op === Op.i64_add ? a + b : ins.op === Op.i64_sub ? a - b : a * b;
        stack.push(BigInt.asIntN(64, r & i64Mask));
        break;
      }
      default:
        throw new Error(`not a constant instruction: op 0x${ins.op.toString(16)}`);
    }
  }
  return stack.pop();
}

export interface AllocateOptions {
  memoryLimitPages: number;
  /** Whether memories should be backed by the host's WebAssembly.Memory when available. */
  hostMemories: boolean;
}

/**
 * Allocates the module's own tables, memories, globals and tags and appends them to the index spaces
 * (functions must already be complete). Globals are initialised in order, so an initialiser may read
 * imported globals and the globals defined before it.
 */
export function allocateDefinitions(m: Module, s: IndexSpaces, opts: AllocateOptions): void {
  for (const t of m.tables) s.tables.push(new ArrayTable(t));
  for (const mt of m.memories) s.memories.push(new MemoryInst(mt, opts.memoryLimitPages, opts.hostMemories));
  for (const g of m.globals) s.globals.push(new CellGlobal(g.type, evalConst(g.init, s)));
  for (const t of m.tags) s.tags.push(new TagInst(m.types[t.typeIndex]!));
}

/** Evaluates every element segment's references (§4.5.4 step 10). */
export function evalSegments(m: Module, s: IndexSpaces): SegmentState {
  return {
    elems: m.elems.map((e) => e.init.map((expr) => evalConst(expr, s))),
    datas: m.datas.map((d) => d.init),
  };
}

/**
 * Runs the active element and data segments in order and drops active and declarative ones
 * (§4.5.4 steps 11–12): table.init / memory.init semantics, trapping on out-of-bounds ranges, with
 * the effects of earlier segments kept.
 */
export function initSegments(m: Module, s: IndexSpaces, seg: SegmentState): void {
  m.elems.forEach((e, i) => {
    if (e.mode === 'active') {
      const offset = evalConst(e.offset!, s) as number;
      tableInit(s.tables[e.table]!, seg.elems[i]!, offset >>> 0, 0, seg.elems[i]!.length);
    }
    if (e.mode !== 'passive') seg.elems[i] = [];
  });
  m.datas.forEach((d, i) => {
    if (d.mode === 'active') {
      const mem = s.memories[d.memory]!;
      const off = evalConst(d.offset!, s);
      const offset = typeof off === 'bigint' ? Number(BigInt.asUintN(64, off)) : (off as number) >>> 0;
      memoryInit(mem, seg.datas[i]!, offset, 0, seg.datas[i]!.length);
      seg.datas[i] = new Uint8Array(0);
    }
  });
}

/** table.init (§4.4.5): copies refs[src, src+n) to table[dst, dst+n), trapping when out of bounds. */
export function tableInit(t: TableInst, refs: Ref[], dst: number, src: number, n: number): void {
  if (src + n > refs.length || dst + n > t.size()) throw new Trap(TrapCode.outOfBoundsTableAccess);
  if (t instanceof ArrayTable) {
    for (let k = 0; k < n; k++) t.elements[dst + k] = refs[src + k];
  } else {
    for (let k = 0; k < n; k++) t.set(dst + k, refs[src + k]);
  }
}

/** memory.init (§4.4.7): copies data[src, src+n) to memory[dst, dst+n), trapping when out of bounds. */
export function memoryInit(mem: MemoryInst, data: Uint8Array, dst: number, src: number, n: number): void {
  if (src + n > data.length || dst + n > mem.byteLength) throw new Trap(TrapCode.outOfBoundsMemoryAccess);
  new Uint8Array(mem.buffer, dst, n).set(data.subarray(src, src + n));
}

/** The export map (§4.5.3): names to extern values of the instance's index spaces. */
export function buildExports(m: Module, s: IndexSpaces): Map<string, ExternVal> {
  const out = new Map<string, ExternVal>();
  for (const e of m.exports) {
    switch (e.kind) {
      case ExternKind.func: out.set(e.name, s.funcs[e.index]!); break;
      case ExternKind.table: out.set(e.name, s.tables[e.index]!); break;
      case ExternKind.memory: out.set(e.name, s.memories[e.index]!); break;
      case ExternKind.global: out.set(e.name, s.globals[e.index]!); break;
      case ExternKind.tag: out.set(e.name, s.tags[e.index]!); break;
    }
  }
  return out;
}

/** Number of functions the module imports: defined function i has index imported + i. */
export function importedFuncCount(m: Module): number {
  return importCounts(m).funcs;
}
