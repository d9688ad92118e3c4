// The module encoder (spec §5): Module IR -> bytes, the inverse of `decode.ts`. It covers the
// WebAssembly 2.0 binary format plus what the IR carries of the proposals wasmbox knows: the tag
// section (exception handling), shared and 64-bit memories (threads, memory64), memory indices in
// memargs and memory instructions (multi-memory).
//
// Output is canonical: integers in their shortest LEB128 form, empty sections left out, sections in
// the spec's order. Function bodies are copied from `Code.body` as they are; to change a body, rebuild
// it from instructions with `encodeCode`/`reencodeCode` (which is what the instrumentation rewriter
// does) before encoding the module.

import { decodeBody } from './instr.js';
import { Imm, Op, opInfo, opPrefix } from './opcodes.js';
import {
  type Code,
  type ConstExpr,
  type CustomSection,
  type DataSegment,
  type ElemSegment,
  ExternKind,
  type ImportDesc,
  type Instr,
  type Limits,
  type LocalDecl,
  type MemoryType,
  type Module,
  type NameSection,
  SectionId,
  type TableType,
  ValType,
} from './types.js';
import { Writer, lebSizeU32 } from './writer.js';

export { Writer } from './writer.js';

// ---------------------------------------------------------------------------------------------------
// Instructions (§5.4)

function missing(ins: Instr, field: string): never {
  const info = opInfo(ins.op);
  throw new TypeError(`cannot encode ${info ? info.name : `opcode id 0x${ins.op.toString(16)}`}: no ${field}`);
}

function need(ins: Instr, v: number | undefined, field: string): number {
  if (v === undefined) missing(ins, field);
  return v;
}

const f32View = new DataView(new ArrayBuffer(8));

function f32BitsOf(ins: Instr): number {
  if (ins.bits !== undefined) return Number(ins.bits) >>> 0;
  if (typeof ins.value === 'number') {
    f32View.setFloat32(0, ins.value, true);
    return f32View.getUint32(0, true);
  }
  return missing(ins, 'bits');
}

function f64BitsOf(ins: Instr): bigint {
  if (ins.bits !== undefined) return BigInt(ins.bits);
  if (typeof ins.value === 'number') {
    f32View.setFloat64(0, ins.value, true);
    return f32View.getBigUint64(0, true);
  }
  return missing(ins, 'bits');
}

/**
 * Writes one instruction: its opcode (a prefix byte and a u32 sub-opcode for prefixed ones) and its
 * immediates, read from the `Instr` fields that `InstrReader.toInstr` fills in (see `Instr`).
 *
 * Conveniences for hand-built instructions: a memarg without `align` gets the natural alignment, a
 * missing `offset` or `memory` is 0, and f32/f64 constants may give a JS number as `value` instead of
 * `bits`. A missing required immediate throws a TypeError naming the instruction.
 */
export function writeInstr(w: Writer, ins: Instr): void {
  const info = opInfo(ins.op);
  if (info === undefined) throw new TypeError(`cannot encode unknown opcode id 0x${ins.op.toString(16)}`);
  const [prefix, sub] = opPrefix(ins.op);
  if (prefix === 0) w.u8(sub);
  else w.u8(prefix).u32(sub);
  switch (info.imm) {
    case Imm.none:
      return;
    case Imm.block:
      w.s33(need(ins, ins.blockType, 'blockType'));
      return;
    case Imm.label:
    case Imm.func:
    case Imm.local:
    case Imm.global:
    case Imm.table:
    case Imm.data:
    case Imm.elem:
    case Imm.tag:
      w.u32(need(ins, ins.index, 'index'));
      return;
    case Imm.brTable: {
      const labels = ins.labels ?? missing(ins, 'labels');
      w.u32(labels.length);
      for (const l of labels) w.u32(l);
      w.u32(need(ins, ins.index, 'index (default label)'));
      return;
    }
    case Imm.callIndirect:
    case Imm.tableInit:
    case Imm.tableCopy:
      w.u32(need(ins, ins.index, 'index')).u32(need(ins, ins.index2, 'index2'));
      return;
    case Imm.memarg:
      writeMemarg(w, ins, info.align);
      return;
    case Imm.memargLane:
      writeMemarg(w, ins, info.align);
      w.u8(need(ins, ins.lane, 'lane'));
      return;
    case Imm.mem:
      // A memory index where Wasm 2.0 has a reserved 0x00 byte: u32 0 is that same byte, so modules
      // using only memory 0 stay plain 2.0.
      w.u32(ins.memory ?? 0);
      return;
    case Imm.memoryInit:
      w.u32(need(ins, ins.index, 'index')).u32(ins.memory ?? 0);
      return;
    case Imm.memoryCopy:
      w.u32(ins.memory ?? 0).u32(ins.index2 ?? 0); // destination, then source
      return;
    case Imm.i32: {
      const v = ins.value ?? missing(ins, 'value');
      w.s32(typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : v);
      return;
    }
    case Imm.i64:
      w.s64(ins.value ?? missing(ins, 'value'));
      return;
    case Imm.f32:
      w.f32Bits(f32BitsOf(ins));
      return;
    case Imm.f64:
      w.f64Bits(f64BitsOf(ins));
      return;
    case Imm.v128:
    case Imm.shuffle: {
      const b = ins.bytes ?? missing(ins, 'bytes');
      if (b.length !== 16) throw new TypeError(`cannot encode ${info.name}: bytes must be 16 long, not ${b.length}`);
      w.bytes(b);
      return;
    }
    case Imm.lane:
      w.u8(need(ins, ins.lane, 'lane'));
      return;
    case Imm.selectT: {
      const types = ins.types ?? missing(ins, 'types');
      w.u32(types.length);
      for (const t of types) w.u8(t);
      return;
    }
    case Imm.refType:
      w.u8(need(ins, ins.refType, 'refType'));
      return;
    case Imm.fence:
      w.u8(0); // reserved byte (threads proposal §5.4.6 additions)
      return;
  }
}

/**
 * memarg (§5.4.6): align then offset. With multi-memory, a memory other than 0 sets bit 6 of the
 * alignment field and follows it with the memory index; memory 0 is written the 2.0 way. Offsets are
 * written as u64 when they need it (memory64), which is the same bytes as u32 below 2^32.
 */
function writeMemarg(w: Writer, ins: Instr, natural: number): void {
  const align = ins.align ?? natural;
  const memory = ins.memory ?? 0;
  if (memory !== 0) w.u32(align | 0x40).u32(memory);
  else w.u32(align);
  w.u64(ins.offset ?? 0);
}

/** Instructions as bytes (no final `end` is added: include it for a function body). */
export function encodeInstrs(instrs: readonly Instr[]): Uint8Array {
  const w = new Writer(instrs.length * 3 + 16);
  for (const ins of instrs) writeInstr(w, ins);
  return w.finish();
}

/** A constant expression (§5.4.9) with its final `end`, as global initialisers and offsets hold it. */
export function encodeConstExpr(expr: ConstExpr): Uint8Array {
  const w = new Writer(expr.length * 4 + 4);
  writeConstExpr(w, expr);
  return w.finish();
}

function writeConstExpr(w: Writer, expr: ConstExpr): void {
  for (const ins of expr) writeInstr(w, ins);
  w.u8(Op.end);
}

function writeLocals(w: Writer, locals: readonly LocalDecl[]): void {
  w.u32(locals.length);
  for (const l of locals) w.u32(l.count).u8(l.type);
}

/**
 * A whole function as the code section holds it after its size (§5.5.13 `func`): the local
 * declarations, then the instructions (`instrs` must end with the function's final `end`).
 * For a `Code` object (locals kept apart from the instruction bytes) use `encodeCode`.
 */
export function encodeBody(locals: readonly LocalDecl[], instrs: readonly Instr[]): Uint8Array {
  const w = new Writer(instrs.length * 3 + locals.length * 2 + 16);
  writeLocals(w, locals);
  for (const ins of instrs) writeInstr(w, ins);
  return w.finish();
}

/** A `Code` built from instructions (which must end with the function's final `end`). */
export function encodeCode(locals: readonly LocalDecl[], instrs: readonly Instr[]): Code {
  return { locals: locals.map((l) => ({ count: l.count, type: l.type })), body: encodeInstrs(instrs), offset: -1 };
}

/**
 * Decodes a function body to instructions, lets `edit` change them (in place, or by returning a new
 * array), and encodes the result: the rewriter's round trip. Without `edit` this canonicalises the
 * body's LEB128 encodings. `features` are the ones the module was decoded with.
 */
export function reencodeCode(
  code: Code,
  features: number,
  edit?: (instrs: Instr[], locals: LocalDecl[]) => Instr[] | void,
): Code {
  let instrs = decodeBody(code.body, features);
  const locals = code.locals.map((l) => ({ count: l.count, type: l.type }));
  if (edit) instrs = edit(instrs, locals) ?? instrs;
  return { locals, body: encodeInstrs(instrs), offset: -1 };
}

// ---------------------------------------------------------------------------------------------------
// Types (§5.3)

function writeLimits(w: Writer, lim: Limits, flags: number, wide: boolean): void {
  if (lim.max !== undefined) flags |= 0x01;
  w.u8(flags);
  if (wide) w.u64(lim.min);
  else w.u32(lim.min);
  if (lim.max !== undefined) {
    if (wide) w.u64(lim.max);
    else w.u32(lim.max);
  }
}

function writeTableType(w: Writer, t: TableType): void {
  w.u8(t.elemType);
  writeLimits(w, t.limits, 0, false);
}

/** Limits flags (§5.3.7 + proposals): bit 0 has-max, bit 1 shared (threads), bit 2 index64 (memory64). */
function writeMemoryType(w: Writer, t: MemoryType): void {
  writeLimits(w, t.limits, (t.shared ? 0x02 : 0) | (t.index64 ? 0x04 : 0), t.index64 === true);
}

function writeImportDesc(w: Writer, d: ImportDesc): void {
  w.u8(d.kind);
  switch (d.kind) {
    case ExternKind.func:
      w.u32(d.typeIndex);
      break;
    case ExternKind.table:
      writeTableType(w, d.type);
      break;
    case ExternKind.memory:
      writeMemoryType(w, d.type);
      break;
    case ExternKind.global:
      w.u8(d.type.type).u8(d.type.mutable ? 1 : 0);
      break;
    case ExternKind.tag:
      w.u8(0).u32(d.type.typeIndex); // attribute 0: exception
      break;
  }
}

// ---------------------------------------------------------------------------------------------------
// Segments (§5.5.12, §5.5.14)

function isFuncIndexItem(e: ConstExpr): boolean {
  return e.length === 1 && e[0]!.op === Op.ref_func && e[0]!.index !== undefined;
}

/**
 * Whether element segment encoding `enc` (0–7) can express `seg`. Bit 0: not active; bit 1: explicit
 * table index (active) or declarative (otherwise); bit 2: expressions rather than function indices.
 * Encodings 0 and 4 imply table 0 and funcref; the function-index forms (0–3) can only say funcref.
 */
export function elemEncodingFits(enc: number, seg: ElemSegment): boolean {
  if (!(enc >= 0 && enc <= 7 && Number.isInteger(enc))) return false;
  const active = (enc & 1) === 0;
  if (active !== (seg.mode === 'active')) return false;
  if (!active && ((enc & 2) !== 0) !== (seg.mode === 'declarative')) return false;
  if (active && (enc & 2) === 0 && (seg.table !== 0 || seg.elemType !== ValType.funcref)) return false;
  if ((enc & 4) === 0 && (seg.elemType !== ValType.funcref || !seg.init.every(isFuncIndexItem))) return false;
  return true;
}

/** The encoding to write `seg` in: its recorded one when it fits, else the smallest that does. */
export function elemEncodingFor(seg: ElemSegment): number {
  if (seg.encoding !== undefined && elemEncodingFits(seg.encoding, seg)) return seg.encoding;
  // Candidates smallest first: function indices beat expressions (one u32 vs. an opcode, a u32 and
  // an `end` per item), and the implicit-table forms beat the explicit ones.
  const order = seg.mode === 'active' ? [0, 2, 4, 6] : seg.mode === 'passive' ? [1, 5] : [3, 7];
  for (const enc of order) if (elemEncodingFits(enc, seg)) return enc;
  throw new TypeError(`cannot encode element segment (mode ${seg.mode}, elemType 0x${seg.elemType.toString(16)})`);
}

function writeElem(w: Writer, seg: ElemSegment): void {
  const enc = elemEncodingFor(seg);
  w.u32(enc);
  if ((enc & 1) === 0) {
    if (enc & 2) w.u32(seg.table);
    writeConstExpr(w, seg.offset ?? []);
  }
  if (enc & 3) {
    if (enc & 4) w.u8(seg.elemType);
    else w.u8(0x00); // elemkind funcref
  }
  w.u32(seg.init.length);
  if (enc & 4) for (const e of seg.init) writeConstExpr(w, e);
  else for (const e of seg.init) w.u32(e[0]!.index!);
}

/** The data segment encoding (0–2) to write: the recorded one when it fits, else the smallest. */
export function dataEncodingFor(seg: DataSegment): number {
  const enc = seg.encoding;
  if (seg.mode === 'passive') return 1;
  if (enc === 2 || seg.memory !== 0) return 2;
  return 0;
}

function writeData(w: Writer, seg: DataSegment): void {
  const enc = dataEncodingFor(seg);
  w.u32(enc);
  if (enc !== 1) {
    if (enc === 2) w.u32(seg.memory);
    writeConstExpr(w, seg.offset ?? []);
  }
  w.byteVec(seg.init);
}

// ---------------------------------------------------------------------------------------------------
// The name section (appendix §7.4)

/**
 * The payload of the `name` custom section for `names`: the module name (subsection 0), function
 * names (1) and local names (2), each name map sorted by index as the appendix requires. Empty
 * subsections are left out.
 */
export function encodeNameSection(names: NameSection): Uint8Array {
  const w = new Writer(64);
  const sub = (id: number, body: () => void): void => {
    w.u8(id);
    const mark = w.beginSized();
    body();
    w.endSized(mark);
  };
  if (names.module !== undefined) sub(0, () => w.name(names.module!));
  if (names.functions.size > 0) sub(1, () => writeNameMap(w, names.functions));
  if (names.locals.size > 0) {
    sub(2, () => {
      const funcs = [...names.locals.keys()].sort((a, b) => a - b);
      w.u32(funcs.length);
      for (const f of funcs) writeNameMap(w.u32(f), names.locals.get(f)!);
    });
  }
  return w.finish();
}

function writeNameMap(w: Writer, map: ReadonlyMap<number, string>): void {
  const keys = [...map.keys()].sort((a, b) => a - b);
  w.u32(keys.length);
  for (const k of keys) w.u32(k).name(map.get(k)!);
}

/**
 * The subsections of a name section payload that the IR does not model (ids above 2: label, type,
 * table, memory, global, element, data and tag names of the extended-name-section proposal), as raw
 * bytes in their order. A payload whose framing is broken yields nothing.
 */
function unmodelledNameSubsections(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let p = 0;
  while (p < data.length) {
    const start = p;
    const id = data[p++]!;
    let size = 0;
    let shift = 0;
    let b: number;
    do {
      if (p >= data.length || shift > 28) return [];
      b = data[p++]!;
      size += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    if (size > data.length - p) return [];
    p += size;
    if (id > 2) out.push(data.subarray(start, p));
  }
  return out;
}

/**
 * The payload to write for a `name` custom section: regenerated from `names` (so a rewriter that
 * renumbers functions or renames things only has to update `Module.names`), followed by the original
 * payload's unmodelled subsections, kept verbatim. Those may refer to function indices (label names
 * do): a rewriter that renumbers functions should drop them by clearing the custom section's data.
 */
function namePayload(names: NameSection, original: Uint8Array | null): Uint8Array {
  const modelled = encodeNameSection(names);
  const extra = original ? unmodelledNameSubsections(original) : [];
  if (extra.length === 0) return modelled;
  const w = new Writer(modelled.length + extra.reduce((n, e) => n + e.length, 0));
  w.bytes(modelled);
  for (const e of extra) w.bytes(e);
  return w.finish();
}

// ---------------------------------------------------------------------------------------------------
// The module (§5.5)

/** Non-custom sections in the order the spec requires (§5.5.2; tags sit between memory and global). */
export const sectionWriteOrder: readonly number[] = [
  SectionId.type,
  SectionId.import,
  SectionId.function,
  SectionId.table,
  SectionId.memory,
  SectionId.tag,
  SectionId.global,
  SectionId.export,
  SectionId.start,
  SectionId.element,
  SectionId.dataCount,
  SectionId.code,
  SectionId.data,
];

/** Whether `encodeModule` writes section `id` for `m` (it leaves empty sections out). */
export function sectionPresent(m: Module, id: number): boolean {
  switch (id) {
    case SectionId.type: return m.types.length > 0;
    case SectionId.import: return m.imports.length > 0;
    case SectionId.function: return m.funcs.length > 0;
    case SectionId.table: return m.tables.length > 0;
    case SectionId.memory: return m.memories.length > 0;
    case SectionId.tag: return m.tags.length > 0;
    case SectionId.global: return m.globals.length > 0;
    case SectionId.export: return m.exports.length > 0;
    case SectionId.start: return m.start !== null;
    case SectionId.element: return m.elems.length > 0;
    case SectionId.dataCount: return m.dataCount !== null;
    case SectionId.code: return m.codes.length > 0;
    case SectionId.data: return m.datas.length > 0;
    default: return false;
  }
}

/**
 * Encodes a module. Custom sections go back where `CustomSection.after` says (after the slot of that
 * section in the spec's order, whether or not the section itself is written); a custom section whose
 * `after` names no section goes at the end. The first `name` custom section is regenerated from
 * `m.names` when that is set (see `namePayload`); when `m.names` is set and there is no `name` custom
 * section, one is added after the data section, where the appendix says it belongs.
 */
export function encodeModule(m: Module): Uint8Array {
  let estimate = 1024;
  for (const c of m.codes) estimate += c.body.length + 8 + c.locals.length * 2;
  for (const d of m.datas) estimate += d.init.length + 16;
  for (const c of m.customs) estimate += c.data.length + c.name.length + 8;
  const w = new Writer(estimate);
  w.fixedU32(0x6d736100).fixedU32(1); // magic `\0asm`, version 1 (§5.5.16)

  // Custom sections by slot; the first `name` one carries the regenerated names.
  const customs: CustomSection[] = m.customs.slice();
  const nameAt = customs.findIndex((c) => c.name === 'name');
  if (m.names !== null) {
    if (nameAt >= 0) {
      const c = customs[nameAt]!;
      customs[nameAt] = { name: c.name, data: namePayload(m.names, c.data), after: c.after };
    } else {
      customs.push({ name: 'name', data: encodeNameSection(m.names), after: SectionId.data });
    }
  }
  const slots = new Map<number, CustomSection[]>();
  const known = new Set<number>([0, ...sectionWriteOrder]);
  for (const c of customs) {
    const slot = known.has(c.after) ? c.after : -1;
    const list = slots.get(slot);
    if (list) list.push(c);
    else slots.set(slot, [c]);
  }
  const writeCustoms = (slot: number): void => {
    for (const c of slots.get(slot) ?? []) {
      w.u8(SectionId.custom);
      const mark = w.beginSized();
      w.name(c.name).bytes(c.data);
      w.endSized(mark);
    }
  };

  writeCustoms(0);
  for (const id of sectionWriteOrder) {
    if (sectionPresent(m, id)) {
      w.u8(id);
      const mark = w.beginSized();
      writeSection(w, m, id);
      w.endSized(mark);
    }
    writeCustoms(id);
  }
  writeCustoms(-1);
  return w.finish();
}

function writeSection(w: Writer, m: Module, id: number): void {
  switch (id) {
    case SectionId.type:
      w.vec(m.types, (w, t) => {
        w.u8(0x60).u32(t.params.length);
        for (const p of t.params) w.u8(p);
        w.u32(t.results.length);
        for (const r of t.results) w.u8(r);
      });
      break;
    case SectionId.import:
      w.vec(m.imports, (w, imp) => {
        w.name(imp.module).name(imp.name);
        writeImportDesc(w, imp.desc);
      });
      break;
    case SectionId.function:
      w.vec(m.funcs, (w, t) => w.u32(t));
      break;
    case SectionId.table:
      w.vec(m.tables, writeTableType);
      break;
    case SectionId.memory:
      w.vec(m.memories, writeMemoryType);
      break;
    case SectionId.tag:
      w.vec(m.tags, (w, t) => w.u8(0).u32(t.typeIndex));
      break;
    case SectionId.global:
      w.vec(m.globals, (w, g) => {
        w.u8(g.type.type).u8(g.type.mutable ? 1 : 0);
        writeConstExpr(w, g.init);
      });
      break;
    case SectionId.export:
      w.vec(m.exports, (w, e) => w.name(e.name).u8(e.kind).u32(e.index));
      break;
    case SectionId.start:
      w.u32(m.start!);
      break;
    case SectionId.element:
      w.vec(m.elems, writeElem);
      break;
    case SectionId.dataCount:
      w.u32(m.dataCount!);
      break;
    case SectionId.code:
      w.vec(m.codes, writeCode);
      break;
    case SectionId.data:
      w.vec(m.datas, writeData);
      break;
  }
}

/** One code section entry (§5.5.13): its size, the local declarations, the body bytes verbatim. */
function writeCode(w: Writer, c: Code): void {
  let size = lebSizeU32(c.locals.length) + c.body.length;
  for (const l of c.locals) size += lebSizeU32(l.count) + 1;
  w.u32(size);
  writeLocals(w, c.locals);
  w.bytes(c.body);
}
