// The module decoder (spec §5.5): bytes -> Module IR. Sections are decoded eagerly except function
// bodies, which are kept as byte views and decoded by the validator's single pass (and by
// `decodeBody` for tools). All malformed-module errors carry the spec's wording, the section and the
// byte offset.

import { CompileError } from '../api/errors.js';
import { Features } from '../api/features.js';
import { InstrReader, readConstExpr } from './instr.js';
import { Reader } from './reader.js';
import {
  type Code,
  type CustomSection,
  type DataSegment,
  type ElemSegment,
  type Export,
  ExternKind,
  type FuncType,
  type Global,
  type GlobalType,
  type Import,
  type Instr,
  type ImportDesc,
  type Limits,
  type LocalDecl,
  type MemoryType,
  type Module,
  type NameSection,
  SectionId,
  type TableType,
  type ValType,
  emptyModule,
  isValType,
  sectionName,
} from './types.js';

export interface DecodeOptions {
  /** Enabled features (see `Features`); decoding of some encodings depends on them. */
  features: number;
}

// The order in which non-custom sections must appear (§5.5.2; tags and data count have their places).
const sectionOrder: Record<number, number> = {
  [SectionId.type]: 1,
  [SectionId.import]: 2,
  [SectionId.function]: 3,
  [SectionId.table]: 4,
  [SectionId.memory]: 5,
  [SectionId.tag]: 6,
  [SectionId.global]: 7,
  [SectionId.export]: 8,
  [SectionId.start]: 9,
  [SectionId.element]: 10,
  [SectionId.dataCount]: 11,
  [SectionId.code]: 12,
  [SectionId.data]: 13,
};

/** Decodes a module's bytes. Throws `CompileError` (kind `malformed`) for bytes that are not a module. */
export function decodeModule(bytes: Uint8Array, options: DecodeOptions): Module {
  return new Decoder(bytes, options.features).module();
}

class Decoder {
  private readonly r: Reader;
  private readonly features: number;
  private readonly m: Module = emptyModule();
  /** The instruction reader over `r` for constant expressions (ruby.wasm has ~27k of them). */
  private readonly ir: InstrReader;

  constructor(bytes: Uint8Array, features: number) {
    this.r = new Reader(bytes);
    this.features = features;
    this.ir = new InstrReader(this.r, features);
  }

  private constExpr(): Instr[] {
    return readConstExpr(this.r, this.features, this.ir);
  }

  module(): Module {
    const r = this.r;
    const m = this.m;
    r.where = 'header';
    if (r.fixedU32() !== 0x6d736100) throw r.error('magic header not detected', 0);
    const version = r.fixedU32();
    if (version !== 1) throw r.error('unknown binary version', 4);

    let lastOrder = 0;
    let lastId = 0;
    let funcCount = -1;
    while (!r.eof) {
      const idAt = r.pos;
      r.where = 'section header';
      const id = r.u8();
      const sizeAt = r.pos;
      const size = r.u32();
      const start = r.pos;
      if (size > r.bytes.length - start) throw r.lengthError(sizeAt);
      const end = start + size;
      if (id !== SectionId.custom) {
        const order = sectionOrder[id];
        if (order === undefined || (id === SectionId.tag && !(this.features & Features.exceptions))) {
          throw r.error('malformed section id', idAt);
        }
        if (order <= lastOrder) throw r.error('unexpected content after last section', idAt);
        lastOrder = order;
        lastId = id;
      }
      // As in the spec's reference decoder, items are read from the module's bytes, not clipped to the
      // section: an item running past the section's end shows up as "section size mismatch" below.
      r.where = `${sectionName(id)} section`;
      switch (id) {
        case SectionId.custom:
          this.custom(lastId, end);
          break;
        case SectionId.type:
          this.vec(() => m.types.push(this.funcType()));
          break;
        case SectionId.import:
          this.vec(() => m.imports.push(this.import()));
          break;
        case SectionId.function: {
          const n = this.count();
          const funcs = this.sized<number>(n);
          for (let i = 0; i < n; i++) funcs[i] = r.u32();
          m.funcs = funcs;
          funcCount = n;
          break;
        }
        case SectionId.table:
          this.vec(() => m.tables.push(this.tableType()));
          break;
        case SectionId.memory:
          this.vec(() => m.memories.push(this.memoryType()));
          break;
        case SectionId.tag:
          this.vec(() => m.tags.push(this.tagType()));
          break;
        case SectionId.global:
          this.vec(() => m.globals.push(this.global()));
          break;
        case SectionId.export:
          this.vec(() => m.exports.push(this.export()));
          break;
        case SectionId.start:
          m.start = r.u32();
          break;
        case SectionId.element:
          this.vec(() => m.elems.push(this.elem()));
          break;
        case SectionId.dataCount:
          m.dataCount = r.u32();
          break;
        case SectionId.code: {
          const n = this.count();
          if (n !== Math.max(funcCount, 0)) {
            throw r.error('function and code section have inconsistent lengths', idAt);
          }
          // Errors say which function (`code section, function 3`); the reader builds that text
          // only when it makes an error, not once per function.
          const codes = this.sized<Code>(n);
          for (let i = 0; i < n; i++) {
            r.whereIndex = i;
            codes[i] = this.code();
          }
          r.whereIndex = -1;
          m.codes = codes;
          break;
        }
        case SectionId.data: {
          const n = this.count();
          if (m.dataCount !== null && n !== m.dataCount) {
            throw r.error('data count and data section have inconsistent lengths', idAt);
          }
          const datas = this.sized<DataSegment>(n);
          for (let i = 0; i < n; i++) datas[i] = this.data();
          m.datas = datas;
          break;
        }
      }
      if (r.pos !== end) throw r.error('section size mismatch', r.pos);
    }
    r.where = '';
    if (funcCount > 0 && m.codes.length === 0) {
      throw r.error('function and code section have inconsistent lengths');
    }
    if (m.dataCount !== null && m.dataCount !== m.datas.length) {
      throw r.error('data count and data section have inconsistent lengths');
    }
    return m;
  }

  /**
   * A vector's length (§5.1.3). Not checked against the bytes left: items are read until the bytes run
   * out ("unexpected end"), as the reference decoder does; nothing is allocated from the count up front.
   */
  private count(): number {
    return this.r.u32();
  }

  /** vec(x): a count then that many items. */
  /**
   * An array for a section's `n` items, made at its final size when `n` is plausible (each item takes
   * at least a byte): filled by index, it is not regrown and copied on the way (~20 times for
   * CRuby's ~18k functions, bodies and data segments). Items still come one by one, so a count
   * larger than the bytes can hold fails as "unexpected end" as before.
   */
  private sized<T>(n: number): T[] {
    return n <= this.r.end - this.r.pos ? new Array<T>(n) : [];
  }

  private vec(item: () => void): void {
    const n = this.count();
    for (let i = 0; i < n; i++) item();
  }

  private valType(): ValType {
    const r = this.r;
    const t = r.u8();
    if (!isValType(t)) throw r.error('malformed value type', r.pos - 1);
    return t;
  }

  private refType(): ValType {
    const r = this.r;
    const t = r.u8();
    if (t !== 0x70 && t !== 0x6f) throw r.error('malformed reference type', r.pos - 1);
    return t as ValType;
  }

  private funcType(): FuncType {
    const r = this.r;
    const form = r.u8();
    if (form & 0x80) throw r.error('integer representation too long', r.pos - 1);
    if (form !== 0x60) throw r.error('malformed function type', r.pos - 1);
    const params: ValType[] = [];
    const np = this.count();
    for (let i = 0; i < np; i++) params.push(this.valType());
    const results: ValType[] = [];
    const nr = this.count();
    for (let i = 0; i < nr; i++) results.push(this.valType());
    return { params, results };
  }

  private limits(allowed: number, index64: boolean): Limits & { flags: number } {
    const r = this.r;
    const at = r.pos;
    // The flags are a LEB128 "u1" in the 2.0 core (a byte of bits with threads/memory64): a continuation
    // bit makes the encoding too long, other unknown bits make the value too large.
    const flags = r.u8();
    if (flags & 0x80) throw r.error('integer representation too long', at);
    if (flags & ~allowed) throw r.error('integer too large', at);
    const min = index64 || flags & 0x04 ? r.u64() : r.u32();
    const lim: Limits & { flags: number } = { min, flags };
    if (flags & 0x01) lim.max = index64 || flags & 0x04 ? r.u64() : r.u32();
    return lim;
  }

  private tableType(): TableType {
    const elemType = this.refType();
    const { min, max } = this.limits(0x01, false);
    return { elemType, limits: max === undefined ? { min } : { min, max } };
  }

  private memoryType(): MemoryType {
    let allowed = 0x01;
    if (this.features & Features.threads) allowed |= 0x02;
    if (this.features & Features.memory64) allowed |= 0x04;
    const { min, max, flags } = this.limits(allowed, false);
    const t: MemoryType = { limits: max === undefined ? { min } : { min, max } };
    if (flags & 0x02) t.shared = true;
    if (flags & 0x04) t.index64 = true;
    return t;
  }

  private globalType(): GlobalType {
    const r = this.r;
    const type = this.valType();
    const mut = r.u8();
    if (mut > 1) throw r.error('malformed mutability', r.pos - 1);
    return { type, mutable: mut === 1 };
  }

  private tagType(): { typeIndex: number } {
    const r = this.r;
    const attr = r.u8();
    if (attr !== 0) throw r.error('malformed tag attribute', r.pos - 1);
    return { typeIndex: r.u32() };
  }

  private import(): Import {
    const r = this.r;
    const module = r.name();
    const name = r.name();
    const kindAt = r.pos;
    const kind = r.u8();
    let desc: ImportDesc;
    switch (kind) {
      case ExternKind.func:
        desc = { kind, typeIndex: r.u32() };
        break;
      case ExternKind.table:
        desc = { kind, type: this.tableType() };
        break;
      case ExternKind.memory:
        desc = { kind, type: this.memoryType() };
        break;
      case ExternKind.global:
        desc = { kind, type: this.globalType() };
        break;
      case ExternKind.tag:
        if (this.features & Features.exceptions) {
          desc = { kind, type: this.tagType() };
          break;
        }
      // fallthrough: tags are only known with exception handling
      default:
        throw r.error('malformed import kind', kindAt);
    }
    return { module, name, desc };
  }

  private export(): Export {
    const r = this.r;
    const name = r.name();
    const kindAt = r.pos;
    const kind = r.u8();
    if (kind > ExternKind.global && !(kind === ExternKind.tag && this.features & Features.exceptions)) {
      throw r.error('malformed export kind', kindAt);
    }
    return { name, kind: kind as ExternKind, index: r.u32() };
  }

  private global(): Global {
    const type = this.globalType();
    const init = this.constExpr();
    return { type, init };
  }

  private elem(): ElemSegment {
    const r = this.r;
    const at = r.pos;
    const flags = r.u32();
    if (flags > 7) throw r.error('malformed elements segment kind', at);
    // Bit 0: passive or declarative (else active); bit 1: explicit table index (active) or declarative
    // (non-active); bit 2: element expressions (else function indices). (§5.5.12)
    const active = (flags & 1) === 0;
    const mode = active ? 'active' : flags & 2 ? 'declarative' : 'passive';
    let table = 0;
    let offset = null;
    if (active) {
      if (flags & 2) table = r.u32();
      offset = this.constExpr();
    }
    let elemType: ValType = 0x70;
    if (flags & 3) {
      if (flags & 4) elemType = this.refType();
      else {
        const kind = r.u8();
        if (kind !== 0x00) throw r.error('malformed element kind', r.pos - 1);
      }
    }
    const init: Global['init'][] = [];
    const n = this.count();
    if (flags & 4) {
      for (let i = 0; i < n; i++) init.push(this.constExpr());
    } else {
      for (let i = 0; i < n; i++) init.push([{ op: 0xd2, index: r.u32() }]);
    }
    return { mode, table, offset, elemType, init, encoding: flags };
  }

  private data(): DataSegment {
    const r = this.r;
    const at = r.pos;
    const flags = r.u32();
    if (flags > 2) throw r.error('malformed data segment kind', at);
    let memory = 0;
    let offset = null;
    if (flags !== 1) {
      if (flags === 2) memory = r.u32();
      offset = this.constExpr();
    }
    const len = r.u32();
    if (len > r.end - r.pos) throw r.eofError();
    const init = r.bytesView(len);
    return { mode: flags === 1 ? 'passive' : 'active', memory, offset, init, encoding: flags };
  }

  private code(): Code {
    const r = this.r;
    const sizeAt = r.pos;
    const size = r.u32();
    const start = r.pos;
    if (size > r.end - start) throw r.lengthError(sizeAt);
    const end = start + size;
    const outer = r.end;
    r.end = end;
    const n = this.count();
    let total = 0;
    // Sized to its declarations (a pushed-to array reserves room for 16 more; once per function).
    const locals: LocalDecl[] = n === 0 ? [] : n <= 64 ? new Array<LocalDecl>(n) : [];
    for (let i = 0; i < n; i++) {
      const count = r.u32();
      total += count;
      if (total > 0xffffffff) throw r.error('too many locals', start);
      const decl = { count, type: this.valType() };
      if (n <= 64) locals[i] = decl;
      else locals.push(decl);
    }
    const bodyAt = r.pos;
    if (bodyAt > end) throw r.error('section size mismatch', end);
    if (bodyAt === end || r.bytes[end - 1] !== 0x0b) {
      // No final `end`. Say what the reference decoder, which reads on past the body, would meet.
      if (end >= r.bytes.length) throw r.error('unexpected end of section or function', end);
      if (r.bytes[end] === 0x0b) throw r.error('section size mismatch', end);
      throw r.error('END opcode expected', end);
    }
    const body = r.bytes.subarray(bodyAt, end);
    r.pos = end;
    r.end = outer;
    return { locals, body, offset: bodyAt };
  }

  private custom(after: number, end: number): void {
    const r = this.r;
    const name = r.name();
    if (r.pos > end) throw r.eofError();
    const data = r.bytes.subarray(r.pos, end);
    r.pos = end;
    const sec: CustomSection = { name, data, after };
    this.m.customs.push(sec);
    if (name === 'name' && this.m.names === null) {
      // The name section is informational: a malformed one is ignored, as the spec's appendix allows.
      try {
        this.m.names = decodeNameSection(data);
      } catch {
        this.m.names = null;
      }
    }
  }
}

/** Decodes the `name` custom section's payload (appendix §7.4.1): module, function and local names. */
export function decodeNameSection(data: Uint8Array): NameSection {
  const r = new Reader(data);
  r.where = 'name section';
  const names: NameSection = { functions: new Map(), locals: new Map() };
  let lastId = -1;
  while (!r.eof) {
    const id = r.u8();
    const size = r.u32();
    const end = r.pos + size;
    if (end > data.length) throw r.error('length out of bounds');
    if (id <= lastId) throw r.error('name subsections out of order');
    lastId = id;
    const outer = r.end;
    r.end = end;
    if (id === 0) names.module = r.name();
    else if (id === 1) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const idx = r.u32();
        names.functions.set(idx, r.name());
      }
    } else if (id === 2) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const fidx = r.u32();
        const m = new Map<number, string>();
        const k = r.u32();
        for (let j = 0; j < k; j++) {
          const lidx = r.u32();
          m.set(lidx, r.name());
        }
        names.locals.set(fidx, m);
      }
    }
    r.pos = end;
    r.end = outer;
  }
  return names;
}

/** Re-exported so callers need one import for decoding errors. */
export { CompileError };
