// Reading instructions (spec §5.4). `InstrReader` is an allocation-free cursor: `read()` decodes one
// instruction's opcode and immediates into its own fields, which the validator, the interpreter's
// lowering and the instrumentation rewriter inspect. `decodeBody`/`readConstExpr` build `Instr`
// objects on top of it for code that prefers objects.

import { Features, featureByName } from '../api/features.js';
import { Imm, OP_ID_LIMIT, Op, allOps, opInfo } from './opcodes.js';
import { Reader } from './reader.js';
import { type Instr, type ValType, isValType } from './types.js';

/** br_table targets before the first br_table: most readers (constant expressions) never see one. */
const NO_LABELS = new Uint32Array(0);

/** The immediate kind of each opcode id, `NO_IMM_KIND` for ids that are no instruction. */
const NO_IMM_KIND = 255;

/** Per feature set: the immediate kind of each opcode id that decodes with those features (cached). */
const immKindsByFeatures = new Map<number, Uint8Array>();

/**
 * The immediate kinds of the opcodes that decode under `features`. A proposal's instructions are not
 * part of the binary format until the proposal is enabled, so without it their opcodes are "illegal
 * opcode" (NO_IMM_KIND here), as in the spec's reference decoder for 2.0. One table lookup per
 * instruction then answers both "is it an instruction here?" and "what follows it?".
 */
function immKindsFor(features: number): Uint8Array {
  let t = immKindsByFeatures.get(features);
  if (t === undefined) {
    t = new Uint8Array(OP_ID_LIMIT).fill(NO_IMM_KIND);
    for (const info of allOps) {
      const flag = info.feature === 'core' ? 0 : featureByName(info.feature);
      if (flag === 0 || (flag !== undefined && features & flag)) t[info.id] = info.imm;
    }
    immKindsByFeatures.set(features, t);
  }
  return t;
}

export class InstrReader {
  readonly r: Reader;
  readonly features: number;

  /** Dense opcode id of the last instruction read (see opcodes.ts). */
  op = 0;
  /** Byte offset where the last instruction started. */
  start = 0;
  /** Block type (s33) of block/loop/if/try. */
  blockType = 0;
  /** First index immediate (label, func, local, global, table, type, elem, data, tag, br_table default). */
  index = 0;
  /** Second index immediate (call_indirect's table, table.init's table, copy sources, memory.init's memory). */
  index2 = 0;
  /** memarg. */
  align = 0;
  offset = 0;
  memory = 0;
  lane = 0;
  /** i32.const value (signed). */
  i32 = 0;
  /** i64.const value or f64 bits, as two int32 halves. */
  lo = 0;
  hi = 0;
  /** f32.const bits (uint32). */
  f32 = 0;
  /** Byte offset of the 16 immediate bytes of v128.const / i8x16.shuffle. */
  bytesAt = 0;
  /** br_table targets (the first `labelCount` entries; the default is in `index`). */
  labels = NO_LABELS;
  labelCount = 0;
  /** select t*: the types (the first `typeCount` entries). */
  types: ValType[] = [];
  typeCount = 0;
  /** ref.null's heap type. */
  refType: ValType = 0x70;

  /** immKindsFor(features), looked up once. */
  private readonly immKinds: Uint8Array;

  constructor(r: Reader, features: number) {
    this.r = r;
    this.features = features;
    this.immKinds = immKindsFor(features);
  }

  /** Reads the next instruction. Throws a malformed-module CompileError for bad bytes. */
  read(): void {
    // Fast path, small enough for V8 to inline into the caller's loop: the commonest instructions
    // when their immediates are single LEB128 bytes (local.get 3, i32.const 1, i32.load offset=8, …).
    // Everything else, and every error, goes through `readFull`.
    const r = this.r;
    const pos = r.pos;
    if (pos + 1 < r.end) {
      const bytes = r.bytes;
      const b = bytes[pos]!;
      const kind = this.immKinds[b]!;
      if (kind === 0 /* Imm.none */) {
        this.start = pos;
        this.op = b;
        r.pos = pos + 1;
        return;
      }
      const x = bytes[pos + 1]!;
      if (x < 0x80) {
        if (kind === 6 /* Imm.local */ || kind === 2 /* Imm.label */ || kind === 7 /* Imm.global */ || kind === 4 /* Imm.func */) {
          this.start = pos;
          this.op = b;
          this.index = x;
          r.pos = pos + 2;
          return;
        }
        if (kind === 11 /* Imm.i32 */) {
          this.start = pos;
          this.op = b;
          this.i32 = (x << 25) >> 25; // sign-extend the 7-bit value
          r.pos = pos + 2;
          return;
        }
        // memarg with one-byte alignment (no memory index flag) and one-byte offset.
        if (kind === 9 /* Imm.memarg */ && x < 0x40 && pos + 2 < r.end && bytes[pos + 2]! < 0x80) {
          this.start = pos;
          this.op = b;
          this.align = x;
          this.offset = bytes[pos + 2]!;
          this.memory = 0;
          r.pos = pos + 3;
          return;
        }
        // block/loop/if with the empty block type or a number type.
        if (kind === 1 /* Imm.block */ && (x === 0x40 || (x >= 0x7c && x <= 0x7f))) {
          this.start = pos;
          this.op = b;
          this.blockType = x - 0x80;
          r.pos = pos + 2;
          return;
        }
      } else if (pos + 2 < r.end && (kind === 4 /* Imm.func */ || kind === 6 /* Imm.local */)) {
        // call/local.* with a two-byte index.
        const y = bytes[pos + 2]!;
        if (y < 0x80) {
          this.start = pos;
          this.op = b;
          this.index = (x & 0x7f) | (y << 7);
          r.pos = pos + 3;
          return;
        }
      }
    }
    this.readFull();
  }

  private readFull(): void {
    const r = this.r;
    this.start = r.pos;
    const b = r.u8();
    let op = b;
    if (b >= 0xfc) {
      if (b === 0xff) throw r.error('illegal opcode', this.start);
      const sub = r.u32();
      if (b === 0xfc) op = sub < 0x100 ? 0x100 + sub : -1;
      else if (b === 0xfd) op = sub < 0x200 ? 0x200 + sub : -1;
      else op = sub < 0x100 ? 0x400 + sub : -1;
    }
    const kind = op >= 0 ? this.immKinds[op]! : NO_IMM_KIND;
    if (kind === NO_IMM_KIND) throw r.error('illegal opcode', this.start);
    this.op = op;
    // Literal case labels (test/validate/literal-ids.test.ts checks them against `Imm`): V8 makes a
    // jump table of a switch over literals, but tests `Imm.x` property loads one by one.
    switch (kind) {
      case 0 /* Imm.none */:
        return;
      case 1 /* Imm.block */:
        this.readBlockType();
        return;
      case 2 /* Imm.label */:
      case 4 /* Imm.func */:
      case 6 /* Imm.local */:
      case 7 /* Imm.global */:
      case 8 /* Imm.table */:
      case 22 /* Imm.data */:
      case 25 /* Imm.elem */:
      case 27 /* Imm.tag */:
        this.index = r.u32();
        return;
      case 3 /* Imm.brTable */: {
        const n = r.u32();
        // Each target takes at least one byte: a count beyond the remaining bytes is malformed.
        if (n > r.end - r.pos) throw r.eofError();
        if (n > this.labels.length) this.labels = new Uint32Array(Math.max(n, this.labels.length * 2, 16));
        const labels = this.labels;
        for (let i = 0; i < n; i++) labels[i] = r.u32();
        this.labelCount = n;
        this.index = r.u32();
        return;
      }
      case 5 /* Imm.callIndirect */:
        this.index = r.u32();
        this.index2 = r.u32();
        return;
      case 9 /* Imm.memarg */:
        this.readMemarg();
        return;
      case 18 /* Imm.memargLane */:
        this.readMemarg();
        this.lane = r.u8();
        return;
      case 10 /* Imm.mem */:
        this.memory = this.readMemIndex();
        return;
      case 11 /* Imm.i32 */:
        this.i32 = r.s32();
        return;
      case 12 /* Imm.i64 */:
        r.s64Parts();
        this.lo = r.lo;
        this.hi = r.hi;
        return;
      case 13 /* Imm.f32 */:
        this.f32 = r.fixedU32();
        return;
      case 14 /* Imm.f64 */:
        this.lo = r.fixedU32() | 0;
        this.hi = r.fixedU32() | 0;
        return;
      case 15 /* Imm.v128 */:
      case 16 /* Imm.shuffle */:
        this.bytesAt = r.pos;
        r.skip(16);
        return;
      case 17 /* Imm.lane */:
        this.lane = r.u8();
        return;
      case 19 /* Imm.selectT */: {
        const n = r.u32();
        if (n > r.end - r.pos) throw r.eofError();
        this.typeCount = n;
        const types = this.types;
        types.length = 0;
        for (let i = 0; i < n; i++) types.push(this.readValType());
        return;
      }
      case 20 /* Imm.refType */: {
        const t = r.u8();
        if (t !== 0x70 && t !== 0x6f) throw r.error('malformed reference type', r.pos - 1);
        this.refType = t as ValType;
        return;
      }
      case 21 /* Imm.memoryInit */:
        this.index = r.u32();
        this.memory = this.readMemIndex();
        return;
      case 23 /* Imm.memoryCopy */:
        this.memory = this.readMemIndex(); // destination
        this.index2 = this.readMemIndex(); // source
        return;
      case 24 /* Imm.tableInit */:
        this.index = r.u32(); // elem segment
        this.index2 = r.u32(); // table
        return;
      case 26 /* Imm.tableCopy */:
        this.index = r.u32(); // destination
        this.index2 = r.u32(); // source
        return;
      case 28 /* Imm.fence */:
        if (r.u8() !== 0) throw r.error('zero byte expected', r.pos - 1);
        return;
    }
  }

  private readBlockType(): void {
    const r = this.r;
    const b = r.peekU8();
    if (b === 0x40) {
      r.pos++;
      this.blockType = -64;
      return;
    }
    if (b >= 0x40 && b < 0x80) {
      // A single-byte negative s33: must be a value type.
      r.pos++;
      if (!isValType(b)) throw r.error('malformed value type', r.pos - 1);
      this.blockType = b - 0x80;
      return;
    }
    const at = r.pos;
    const t = r.s33();
    if (t < 0) throw r.error('malformed value type', at);
    this.blockType = t;
  }

  private readValType(): ValType {
    const r = this.r;
    const t = r.u8();
    if (!isValType(t)) throw r.error('malformed value type', r.pos - 1);
    return t;
  }

  /**
   * A memory index where Wasm 2.0 has a reserved zero byte (memory.size/grow/fill/copy/init): with
   * multi-memory it is a u32; before, exactly one 0x00 byte.
   */
  private readMemIndex(): number {
    const r = this.r;
    if (this.features & Features.multiMemory) return r.u32();
    if (r.u8() !== 0) throw r.error('zero byte expected', r.pos - 1);
    return 0;
  }

  private readMemarg(): void {
    const r = this.r;
    let align = r.u32();
    this.memory = 0;
    // multi-memory: bit 6 of the alignment field says a memory index follows.
    if (align & 0x40 && this.features & Features.multiMemory) {
      align &= ~0x40;
      this.memory = r.u32();
    }
    this.align = align;
    this.offset = this.features & Features.memory64 ? r.u64() : r.u32();
  }

  /** The 16 immediate bytes of the last v128.const/i8x16.shuffle (a view into the module bytes). */
  immBytes(): Uint8Array {
    return this.r.bytes.subarray(this.bytesAt, this.bytesAt + 16);
  }

  /**
   * The last instruction as an `Instr` object. Each shape is built as one literal: an object made as
   * `{ op }` and given more properties later gets a separate property store (two allocations; the
   * decoder makes one of these per constant expression, ~27k in CRuby).
   */
  toInstr(): Instr {
    const op = this.op;
    const info = opInfo(op)!;
    switch (info.imm) {
      case Imm.none:
      case Imm.fence:
        return { op };
      case Imm.block:
        return { op, blockType: this.blockType };
      case Imm.label:
      case Imm.func:
      case Imm.local:
      case Imm.global:
      case Imm.table:
      case Imm.data:
      case Imm.elem:
      case Imm.tag:
        return { op, index: this.index };
      case Imm.brTable:
        return { op, labels: Array.from(this.labels.subarray(0, this.labelCount)), index: this.index };
      case Imm.callIndirect:
      case Imm.tableInit:
      case Imm.tableCopy:
        return { op, index: this.index, index2: this.index2 };
      case Imm.memarg:
        return { op, align: this.align, offset: this.offset, memory: this.memory };
      case Imm.memargLane:
        return { op, align: this.align, offset: this.offset, memory: this.memory, lane: this.lane };
      case Imm.mem:
        return { op, memory: this.memory };
      case Imm.memoryInit:
        return { op, index: this.index, memory: this.memory };
      case Imm.memoryCopy:
        return { op, memory: this.memory, index2: this.index2 };
      case Imm.i32:
        return { op, value: this.i32 };
      case Imm.i64:
        return { op, value: (BigInt(this.hi) << 32n) | BigInt(this.lo >>> 0) };
      case Imm.f32:
        return { op, bits: this.f32 };
      case Imm.f64:
        return { op, bits: (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0) };
      case Imm.v128:
      case Imm.shuffle:
        return { op, bytes: this.immBytes().slice() };
      case Imm.lane:
        return { op, lane: this.lane };
      case Imm.selectT:
        return { op, types: this.types.slice(0, this.typeCount) };
      case Imm.refType:
        return { op, refType: this.refType };
    }
    return { op };
  }
}

/**
 * Decodes a function body's instructions (the `Code.body` bytes) into objects, including the final
 * `end`. Only structure is checked here (opcodes, immediates, and that the final `end` closes the
 * function exactly at the last byte); typing is the validator's job.
 *
 * The block nesting matters to the binary format itself (§5.4.1: `block`/`loop`/`if` contain an
 * instruction sequence closed by `end`), so, as in the spec's reference decoder, a body whose blocks
 * are still open when its bytes run out is "unexpected end", and bytes after the `end` that closes
 * the function are a "section size mismatch" (the function's size claims more than its expression).
 */
export function decodeBody(body: Uint8Array, features: number): Instr[] {
  const r = new Reader(body);
  r.where = 'function body';
  const ir = new InstrReader(r, features);
  const out: Instr[] = [];
  let depth = 0;
  for (;;) {
    if (r.eof) throw r.eofError();
    ir.read();
    out.push(ir.toInstr());
    const op = ir.op;
    if (op === Op.end) {
      if (depth === 0) {
        if (!r.eof) throw r.error('section size mismatch');
        return out;
      }
      depth--;
    } else if (op === Op.block || op === Op.loop || op === Op.if || op === Op.try) depth++;
    // exception handling (legacy): `delegate` closes its `try` instead of an `end`. A stray one at
    // function level is left for the validator to reject.
    else if (op === Op.delegate && depth > 0) depth--;
  }
}

/**
 * Reads a constant expression up to and including its `end`, returning the instructions before the
 * `end`. Which instructions are allowed is the validator's concern ("constant expression required").
 * A caller reading many (the decoder: one per data segment and element item) passes its own
 * instruction reader over `r`, so none is made per expression.
 */
export function readConstExpr(r: Reader, features: number, ir = new InstrReader(r, features)): Instr[] {
  // Nearly every constant expression is one instruction: it gets an array of exactly one element
  // (a growing array would reserve room for 16 more, in each of ruby.wasm's ~27k expressions).
  let only: Instr | null = null;
  let out: Instr[] | null = null;
  let depth = 0;
  for (;;) {
    ir.read();
    const op = ir.op;
    if (op === Op.end) {
      if (depth === 0) return out ?? (only !== null ? [only] : []);
      depth--;
    } else if (op === Op.block || op === Op.loop || op === Op.if || op === Op.try) depth++;
    const ins = ir.toInstr();
    if (out !== null) out.push(ins);
    else if (only === null) only = ins;
    else out = [only, ins];
  }
}
