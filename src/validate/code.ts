// Function bodies (spec §3.3 Instructions, §3.4.1 Functions), validated with the algorithm of the
// spec's appendix (§A.3 "Validation Algorithm") in one pass over the body's bytes: the instruction
// reader decodes an instruction's immediates into its own fields and this file types it at once.
//
// Everything the pass touches is preallocated and reused across functions and modules:
//  - the operand stack holds value types as their binary bytes (0x7f = i32, …) in a Uint8Array, with
//    0 standing for the "unknown" type that pops from the polymorphic stack of unreachable code give;
//  - the control stack is a set of parallel typed arrays (kind, height, unreachable flag, and where
//    the block's parameter and result types lie in the context's type pool);
//  - instructions with a fixed signature are typed from precomputed tables (tables.ts); the others
//    go through one `switch`.
//
// That `switch` is over opcode classes (tables.ts): each instruction typed by hand has a class of its
// own, so the cases are dense literals, which V8 compiles into a jump table (a switch over sparse
// opcode ids or `Op.x` property loads becomes a chain of compares, which cost more than the rest of
// the pass together). Each case names its instruction in a comment; a unit test checks the numbers.

import { CompileError } from '../api/errors.js';
import { InstrReader } from '../binary/instr.js';
import { Op, opName } from '../binary/opcodes.js';
import { Reader } from '../binary/reader.js';
import { type Code, ValType } from '../binary/types.js';
import { type Context, funcWhere, typeListString } from './context.js';
import {
  MAX_SIG_PARAMS,
  isAtomic,
  laneCount,
  naturalAlign,
  sigParamCount,
  sigParams,
  sigResult,
} from './tables.js';

/**
 * The most locals (parameters included) a function may have. The binary format allows up to 2^32-1
 * declared locals; typing them needs a byte each, so a module could ask for gigabytes. Engines cap
 * this (V8 and wasmparser at 50,000); the spec allows such implementation limits (appendix §A.2).
 */
export const MAX_LOCALS = 50_000;

// Control frame kinds. A label's types are the block's results, except for `loop`: its parameters.
const K_BLOCK = 0;
const K_LOOP = 1;
const K_IF = 2;
const K_ELSE = 3;
const K_TRY = 4;
const K_CATCH = 5;
const K_CATCH_ALL = 6;
const K_FUNC = 7;

const UNKNOWN = 0;

/**
 * The signature of each single-byte plain instruction packed in one int, for the fast loop: parameter
 * count in bits 0–1, the parameter types in bytes 1 and 2, the result type in byte 3 (0 for none).
 * Instructions with three parameters (none has a single-byte opcode) get count 3, which the fast loop
 * leaves to the general path.
 */
const packedByteSigs = new Int32Array(256);
for (let b = 0; b < 256; b++) {
  const np = sigParamCount[b]!;
  let sig = np > 2 ? 3 : np;
  for (let i = 0; i < np && i < 2; i++) sig |= sigParams[b * MAX_SIG_PARAMS + i]! << (8 * (i + 1));
  packedByteSigs[b] = sig | (sigResult[b]! << 24);
}
const TWO_POW_32 = 2 ** 32;

function isRef(t: number): boolean {
  return t === ValType.funcref || t === ValType.externref;
}

/** Validates function bodies. One instance serves any number of functions (and modules). */
export class CodeValidator {
  private ctx!: Context;
  private cls!: Uint8Array;
  private pool!: Uint8Array;

  // Operand stack: value types, 0 = unknown.
  private vals = new Uint8Array(1024);
  private sp = 0;

  // Control stack, one entry per open block; `depth` entries are in use.
  private cKind = new Uint8Array(64);
  private cHeight = new Int32Array(64);
  private cUnreachable = new Uint8Array(64);
  private cParamStart = new Int32Array(64);
  private cParamCount = new Int32Array(64);
  private cResultStart = new Int32Array(64);
  private cResultCount = new Int32Array(64);
  private depth = 0;
  /** The innermost frame's height and unreachable flag, cached out of the arrays. */
  private height = 0;
  private unreachable = false;

  // Locals of the current function (parameters first).
  private locals = new Uint8Array(256);
  private localCount = 0;

  // Scratch list of expected types for instructions typed by hand.
  private need = new Uint8Array(4);

  // The function being validated, for messages.
  private funcIndex = 0;
  private ir!: InstrReader;
  private bodyShift = 0;
  /** The error this validator built itself (others come from the reader and get a location added). */
  private own: CompileError | null = null;

  // One reader for every body that lies in the same buffer (all bodies of a decoded module do): the
  // reader reads a whole-buffer view between the body's bounds, so no reader is made per function.
  private buffer: ArrayBufferLike | null = null;
  private reader!: Reader;

  // Where each body lies and how many locals it declares, gathered by `validateAll` before any body
  // is validated. Offsets as int32, which the reader's fields keep as small integers (V8 would turn
  // them into doubles for values from a Float64Array); declared counts may pass 2^31.
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);
  private declared = new Float64Array(0);

  /**
   * Validates the bodies of a module's defined functions in order (`codes[i]` is function
   * `ctx.importedFuncs + i`).
   *
   * A first pass reads where each body lies and sums its local declarations. It touches every Code
   * object, body view and locals list once, with each function's loads independent of the last
   * one's, so the processor overlaps their cache misses; the validation loop, which needs them one
   * function at a time, would wait for each in turn. (Touching them first measured ~8% less CPU
   * time for decode+validate of ruby.wasm, whose 17,825 functions' objects are spread over the heap.)
   */
  validateAll(ctx: Context, cls: Uint8Array, codes: readonly Code[]): void {
    const n = codes.length;
    if (this.starts.length < n) {
      this.starts = new Int32Array(n);
      this.ends = new Int32Array(n);
      this.declared = new Float64Array(n);
    }
    const starts = this.starts;
    const ends = this.ends;
    const declared = this.declared;
    let buffer: ArrayBufferLike | null = null;
    let oneBuffer = true;
    for (let i = 0; i < n; i++) {
      const code = codes[i]!;
      const body = code.body;
      const b = body.buffer;
      if (i === 0) buffer = b;
      else if (b !== buffer) oneBuffer = false;
      const start = body.byteOffset;
      const end = start + body.length;
      // Beyond int32 (a 2 GiB buffer): the per-function path below, which reads the view itself.
      if (end > 0x7fffffff) oneBuffer = false;
      starts[i] = start;
      ends[i] = end;
      const decls = code.locals;
      let total = 0;
      for (let j = 0; j < decls.length; j++) total += decls[j]!.count;
      declared[i] = total;
    }
    for (let i = 0; i < n; i++) {
      // Bodies in different buffers (hand-built modules): each view says where it lies.
      if (oneBuffer) this.validateIn(ctx, cls, ctx.importedFuncs + i, codes[i]!, buffer!, starts[i]!, ends[i]!, declared[i]!);
      else this.validate(ctx, cls, ctx.importedFuncs + i, codes[i]!);
    }
  }

  /** Validates the body of function `funcIndex` (an index in the function index space). */
  validate(ctx: Context, cls: Uint8Array, funcIndex: number, code: Code): void {
    const body = code.body;
    const decls = code.locals;
    let total = 0;
    for (let j = 0; j < decls.length; j++) total += decls[j]!.count;
    this.validateIn(ctx, cls, funcIndex, code, body.buffer, body.byteOffset, body.byteOffset + body.length, total);
  }

  /** `validate`, with the body's place in `buffer` and its declared local count worked out. */
  private validateIn(
    ctx: Context,
    cls: Uint8Array,
    funcIndex: number,
    code: Code,
    buffer: ArrayBufferLike,
    start: number,
    end: number,
    declared: number,
  ): void {
    this.ctx = ctx;
    this.cls = cls;
    this.pool = ctx.pool;
    this.funcIndex = funcIndex;
    this.own = null;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.reader = new Reader(new Uint8Array(buffer));
      this.ir = new InstrReader(this.reader, ctx.features);
    } else if (this.ir.features !== ctx.features) {
      this.ir = new InstrReader(this.reader, ctx.features);
    }
    const r = this.reader;
    const ir = this.ir;
    r.pos = start;
    r.end = end;
    // Module offset of buffer position p: p + bodyShift.
    this.bodyShift = (code.offset >= 0 ? code.offset : 0) - start;
    try {
      this.setLocals(funcIndex, code, declared);
      this.run(r, ir);
    } catch (e) {
      if (e instanceof CompileError && e !== this.own) {
        // From the reader: bad bytes. Say where, in module offsets.
        throw new CompileError(e.kind, e.reason, this.funcPlace(), e.offset >= 0 ? e.offset + this.bodyShift : -1);
      }
      throw e;
    }
  }

  /** Drops the references to the last module (its context and bytes) so they can be collected. */
  release(): void {
    this.ctx = undefined!;
    this.buffer = null;
    this.reader = undefined!;
    this.ir = undefined!;
  }

  /** Types the locals: the parameters, then `declared` more from the body's declarations. */
  private setLocals(funcIndex: number, code: Code, declared: number): void {
    const ctx = this.ctx;
    const t = ctx.funcType[funcIndex]!;
    const pStart = ctx.paramStart[t]!;
    const pCount = ctx.paramCount[t]!;
    const total = pCount + declared;
    const decls = code.locals;
    if (total > MAX_LOCALS) {
      this.own = new CompileError(
        'unsupported',
        `too many locals: ${total}, wasmbox supports at most ${MAX_LOCALS} per function`,
        this.funcPlace(),
        this.reader.pos + this.bodyShift,
      );
      throw this.own;
    }
    if (total > this.locals.length) this.locals = new Uint8Array(Math.max(total, this.locals.length * 2));
    const locals = this.locals;
    const pool = ctx.pool;
    for (let i = 0; i < pCount; i++) locals[i] = pool[pStart + i]!;
    let n = pCount;
    for (let i = 0; i < decls.length; i++) {
      const d = decls[i]!;
      const end = n + d.count;
      const t = d.type;
      // Most runs are short, where a plain loop beats the call into fill().
      if (d.count <= 16) for (let j = n; j < end; j++) locals[j] = t;
      else locals.fill(t, n, end);
      n = end;
    }
    this.localCount = n;
  }

  private funcPlace(): string {
    return `code section, ${funcWhere(this.ctx, this.funcIndex)}`;
  }

  private where(op: number): string {
    return `${this.funcPlace()}, in ${opName(op)}`;
  }

  /** An invalid-module error at the current instruction. */
  private fail(reason: string, kind: 'invalid' | 'malformed' = 'invalid'): CompileError {
    const ir = this.ir;
    this.own = new CompileError(kind, reason, this.where(ir.op), ir.start + this.bodyShift);
    return this.own;
  }

  // ---- operand stack ----

  private push(t: number): void {
    if (this.sp === this.vals.length) this.growVals(1);
    this.vals[this.sp++] = t;
  }

  private growVals(n: number): void {
    const next = new Uint8Array(Math.max(this.vals.length * 2, this.sp + n));
    next.set(this.vals);
    this.vals = next;
  }

  /** Pushes `count` types from `types[start…]`. */
  private pushTypes(types: Uint8Array, start: number, count: number): void {
    if (this.sp + count > this.vals.length) this.growVals(count);
    const vals = this.vals;
    let sp = this.sp;
    for (let i = 0; i < count; i++) vals[sp++] = types[start + i]!;
    this.sp = sp;
  }

  /**
   * Pops `count` values that must have the types `types[start…]` (the last one on top), with the
   * spec's rules for the polymorphic stack below an unreachable instruction.
   */
  private popTypes(types: Uint8Array, start: number, count: number): void {
    const vals = this.vals;
    const sp = this.sp;
    const avail = sp - this.height;
    if (avail >= count) {
      const base = sp - count;
      for (let i = 0; i < count; i++) {
        const a = vals[base + i]!;
        if (a !== types[start + i] && a !== UNKNOWN) throw this.mismatch(types, start, count);
      }
      this.sp = base;
      return;
    }
    if (!this.unreachable) throw this.mismatch(types, start, count);
    // Only the top `avail` values exist; the rest come from the polymorphic stack.
    const off = count - avail;
    for (let i = 0; i < avail; i++) {
      const a = vals[this.height + i]!;
      if (a !== types[start + off + i] && a !== UNKNOWN) throw this.mismatch(types, start, count);
    }
    this.sp = this.height;
  }

  /** Checks the top values against a label's types without popping them (br_table). */
  private peekTypes(types: Uint8Array, start: number, count: number): void {
    const vals = this.vals;
    const sp = this.sp;
    const avail = sp - this.height;
    if (avail < count && !this.unreachable) throw this.mismatch(types, start, count);
    for (let i = 1; i <= count && i <= avail; i++) {
      const a = vals[sp - i]!;
      if (a !== types[start + count - i] && a !== UNKNOWN) throw this.mismatch(types, start, count);
    }
  }

  private pop1(t: number): void {
    const sp = this.sp;
    if (sp > this.height) {
      const a = this.vals[sp - 1]!;
      if (a !== t && a !== UNKNOWN) {
        this.need[0] = t;
        throw this.mismatch(this.need, 0, 1);
      }
      this.sp = sp - 1;
    } else if (!this.unreachable) {
      this.need[0] = t;
      throw this.mismatch(this.need, 0, 1);
    }
  }

  private pop2(t0: number, t1: number): void {
    const need = this.need;
    need[0] = t0;
    need[1] = t1;
    this.popTypes(need, 0, 2);
  }

  private pop3(t0: number, t1: number, t2: number): void {
    const need = this.need;
    need[0] = t0;
    need[1] = t1;
    need[2] = t2;
    this.popTypes(need, 0, 3);
  }

  /** Pops a value of any type (drop, select); returns its type (0 when unknown). */
  private popAny(op: number): number {
    if (this.sp > this.height) return this.vals[--this.sp]!;
    if (this.unreachable) return UNKNOWN;
    if (op === Op.select) {
      // An untyped select always has one result; with nothing to choose from, the suite's text form
      // `(select (result))` (result arity 0) encodes to these very bytes, hence both wordings.
      throw this.fail('type mismatch: select requires two operands but stack has too few (invalid result arity 0)');
    }
    throw this.fail('type mismatch: instruction requires a value but stack has []');
  }

  /** The reference interpreter's message: what the instruction needs and the top of the stack. */
  private mismatch(types: Uint8Array, start: number, count: number): CompileError {
    const shown = Math.max(this.height, this.sp - count);
    return this.fail(
      `type mismatch: instruction requires ${typeListString(types, start, start + count)} but stack has ${typeListString(this.vals, shown, this.sp)}`,
    );
  }

  private setUnreachable(): void {
    this.sp = this.height;
    this.unreachable = true;
    this.cUnreachable[this.depth - 1] = 1;
  }

  // ---- control stack ----

  private pushFrame(kind: number, pStart: number, pCount: number, rStart: number, rCount: number): void {
    const d = this.depth;
    if (d === this.cKind.length) this.growControl();
    this.cKind[d] = kind;
    this.cHeight[d] = this.sp;
    this.cUnreachable[d] = 0;
    this.cParamStart[d] = pStart;
    this.cParamCount[d] = pCount;
    this.cResultStart[d] = rStart;
    this.cResultCount[d] = rCount;
    this.depth = d + 1;
    this.height = this.sp;
    this.unreachable = false;
  }

  private growControl(): void {
    const n = this.cKind.length * 2;
    const grow8 = (a: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    const grow32 = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.cKind = grow8(this.cKind);
    this.cUnreachable = grow8(this.cUnreachable);
    this.cHeight = grow32(this.cHeight);
    this.cParamStart = grow32(this.cParamStart);
    this.cParamCount = grow32(this.cParamCount);
    this.cResultStart = grow32(this.cResultStart);
    this.cResultCount = grow32(this.cResultCount);
  }

  /**
   * Ends the innermost frame's current arm (at `end`, `else`, `catch`, `catch_all`, `delegate`): its
   * results must be on the stack, and nothing else (§A.3 pop_ctrl).
   */
  private checkFrameEnd(): void {
    const d = this.depth - 1;
    this.popTypes(this.pool, this.cResultStart[d]!, this.cResultCount[d]!);
    if (this.sp !== this.height) {
      const rs = this.cResultStart[d]!;
      throw this.fail(
        `type mismatch: block requires ${typeListString(this.pool, rs, rs + this.cResultCount[d]!)} but stack has ${typeListString(this.vals, this.height, this.sp)}`,
      );
    }
  }

  /** Drops the innermost frame and makes its parent current. */
  private popFrame(): void {
    const d = --this.depth;
    this.sp = this.cHeight[d]!;
    if (d > 0) {
      this.height = this.cHeight[d - 1]!;
      this.unreachable = this.cUnreachable[d - 1] !== 0;
    }
  }

  /** Resets the innermost frame for its next arm (else, catch, catch_all). */
  private resetFrame(kind: number): void {
    const d = this.depth - 1;
    this.cKind[d] = kind;
    this.cUnreachable[d] = 0;
    this.sp = this.height;
    this.unreachable = false;
  }

  /** The frame a label index names; throws "unknown label". */
  private labelFrame(label: number): number {
    if (label >= this.depth) throw this.fail(`unknown label ${label}`);
    return this.depth - 1 - label;
  }

  private labelStart(d: number): number {
    return this.cKind[d] === K_LOOP ? this.cParamStart[d]! : this.cResultStart[d]!;
  }

  private labelCount(d: number): number {
    return this.cKind[d] === K_LOOP ? this.cParamCount[d]! : this.cResultCount[d]!;
  }

  /**
   * Reads a block type into `bt*`: the empty type, one value type, or a function type by index
   * (multi-value).
   */
  private btParamStart = 0;
  private btParamCount = 0;
  private btResultStart = 0;
  private btResultCount = 0;
  private blockType(bt: number): void {
    if (bt < 0) {
      this.btParamStart = 0;
      this.btParamCount = 0;
      this.btResultStart = bt + 0x80; // the value type's byte: pool[t] === t below POOL_BASE
      this.btResultCount = bt === -64 ? 0 : 1;
      return;
    }
    const ctx = this.ctx;
    if (bt >= ctx.typeCount) throw this.fail(`unknown type ${bt}`);
    this.btParamStart = ctx.paramStart[bt]!;
    this.btParamCount = ctx.paramCount[bt]!;
    this.btResultStart = ctx.resultStart[bt]!;
    this.btResultCount = ctx.resultCount[bt]!;
  }

  /** Opens a block-like frame: pops the block type's parameters and pushes them inside the block. */
  private enterBlock(kind: number): void {
    this.blockType(this.ir.blockType);
    const ps = this.btParamStart;
    const pc = this.btParamCount;
    if (pc !== 0) this.popTypes(this.pool, ps, pc);
    this.pushFrame(kind, ps, pc, this.btResultStart, this.btResultCount);
    if (pc !== 0) this.pushTypes(this.pool, ps, pc);
  }

  private memIndex(mem: number): number {
    if (mem >= this.ctx.memCount) throw this.fail(`unknown memory ${mem}`);
    return this.ctx.memAddr[mem]!;
  }

  private table(t: number): number {
    if (t >= this.ctx.tableCount) throw this.fail(`unknown table ${t}`);
    return this.ctx.tableType[t]!;
  }

  private funcTypeOf(f: number): number {
    if (f >= this.ctx.funcCount) throw this.fail(`unknown function ${f}`);
    return this.ctx.funcType[f]!;
  }

  private typeIndex(t: number): number {
    if (t >= this.ctx.typeCount) throw this.fail(`unknown type ${t}`);
    return t;
  }

  private elemType(e: number): number {
    if (e >= this.ctx.elemCount) throw this.fail(`unknown elem segment ${e}`);
    return this.ctx.elemType[e]!;
  }

  private data(x: number): void {
    // The data count section lets a single-pass validator check data indices before the data section
    // (§5.5.16); without it memory.init and data.drop are malformed. An index beyond every data
    // segment is reported as unknown even then: it is wrong whatever the count would have said (and
    // it is what the suite expects of modules written without data segments).
    if (x >= this.ctx.dataCount) throw this.fail(`unknown data segment ${x}`);
    if (!this.ctx.hasDataCount) throw this.fail('data count section required', 'malformed');
  }

  private tag(x: number): number {
    if (x >= this.ctx.tagCount) throw this.fail(`unknown tag ${x}`);
    return this.ctx.tagType[x]!;
  }

  /** memarg checks (§3.3.7): the memory exists and the alignment is at most natural. */
  private memarg(op: number): number {
    const ir = this.ir;
    const addr = this.memIndex(ir.memory);
    const nat = naturalAlign[op]!;
    if (isAtomic[op]) {
      // threads proposal: atomic accesses must be naturally aligned.
      if (ir.align !== nat) throw this.fail('atomic alignment must be natural');
    } else if (ir.align > nat) throw this.fail('alignment must not be larger than natural');
    // memory64 proposal: a 32-bit memory's offsets stay below 2^32 (the reader reads u64 offsets).
    if (addr === ValType.i32 && ir.offset >= TWO_POW_32) throw this.fail('offset out of range');
    return addr;
  }

  /** Types an instruction with a fixed signature whose first parameter is an address of type `addr`. */
  private typeSig(op: number, addr: number): void {
    const np = sigParamCount[op]!;
    if (np !== 0) {
      if (addr === ValType.i32) this.popTypes(sigParams, op * MAX_SIG_PARAMS, np);
      else {
        const need = this.need;
        need[0] = addr;
        for (let i = 1; i < np; i++) need[i] = sigParams[op * MAX_SIG_PARAMS + i]!;
        this.popTypes(need, 0, np);
      }
    }
    const res = sigResult[op]!;
    if (res !== 0) this.push(res);
  }

  // ---- the pass ----

  /** The current function's result types, in the pool (for `return` and tail calls). */
  private fnResultStart = 0;
  private fnResultCount = 0;

  /**
   * Validates the body: a loop that reads and types the common instructions itself, straight from the
   * bytes, and hands everything else to `step`.
   *
   * The fast loop keeps the reader position, the stack pointer and the current frame's height in
   * locals and dispatches on the opcode byte with one dense `switch` (a jump table), where `step` goes
   * through the instruction reader's fields, the class table and a second `switch`. It only ever
   * accepts: whenever an instruction is not in its simple form (immediates of more bytes than it
   * reads, unknown-typed or missing operands, a stack or frame array that would grow, anything
   * invalid), it leaves every piece of state as it was and `step` handles that instruction from its
   * first byte, with all checks and messages. So the fast loop changes how fast, never what is
   * reported.
   */
  private run(r: Reader, ir: InstrReader): void {
    const ctx = this.ctx;
    const pool = this.pool;
    const ft = ctx.funcType[this.funcIndex]!;
    this.fnResultStart = ctx.resultStart[ft]!;
    this.fnResultCount = ctx.resultCount[ft]!;
    this.sp = 0;
    this.depth = 0;
    this.pushFrame(K_FUNC, 0, 0, this.fnResultStart, this.fnResultCount);

    const bytes = r.bytes;
    const end = r.end;
    // The fast paths look at up to 6 bytes from an instruction's start, which may lie past the body
    // (the next function's bytes, say): harmless, as each takes the instruction only when its length
    // keeps it inside the body (`pos + n <= end`). The buffer itself must have the 6 bytes, though:
    // reading past a typed array's end would teach V8's optimized code a slower access.
    const limit = Math.min(end - 1, bytes.length - 6);
    const locals = this.locals;
    const localCount = this.localCount;
    const { globalType, globalMut, globalCount, funcType, funcCount, paramStart, paramCount, resultStart, resultCount } = ctx;
    // Loads and stores of memory 0 take the fast path when it exists and has i32 addresses.
    const mem0i32 = ctx.memCount > 0 && ctx.memAddr[0] === ValType.i32;
    // Module-level tables in locals: an imported binding is loaded through its module cell each time.
    const byteSigs = packedByteSigs;
    const aligns = naturalAlign;
    // The operand stack has more free slots than the bytes left to read. Every instruction the fast
    // loop handles is at least one byte long and pushes at most one value more than it pops, so its
    // pushes need no room check; `step` may push more, and the room is restored after it.
    if (this.vals.length - this.sp <= end - r.pos) this.growVals(end - r.pos + 1);
    let vals = this.vals;
    let pos = r.pos;
    let sp = this.sp;
    let height = this.height;
    for (;;) {
      fast: if (pos <= limit) {
        const b = bytes[pos]!;
        // Instruction length, for the plain instructions typed after the switch from the tables.
        let n = 1;
        switch (b) {
          case 0x20 /* local.get */: {
            let x = bytes[pos + 1]!;
            n = 2;
            if (x >= 0x80) {
              const y = bytes[pos + 2]!;
              if (y >= 0x80) break fast;
              x = (x & 0x7f) | (y << 7);
              n = 3;
            }
            if (x >= localCount || pos + n > end) break fast;
            vals[sp++] = locals[x]!;
            pos += n;
            continue;
          }
          case 0x21 /* local.set */:
          case 0x22 /* local.tee */: {
            let x = bytes[pos + 1]!;
            n = 2;
            if (x >= 0x80) {
              const y = bytes[pos + 2]!;
              if (y >= 0x80) break fast;
              x = (x & 0x7f) | (y << 7);
              n = 3;
            }
            if (x >= localCount || sp <= height || vals[sp - 1] !== locals[x] || pos + n > end) break fast;
            if (b === 0x21) sp--;
            pos += n;
            continue;
          }
          case 0x23 /* global.get */: {
            let x = bytes[pos + 1]!;
            n = 2;
            if (x >= 0x80) {
              const y = bytes[pos + 2]!;
              if (y >= 0x80) break fast;
              x = (x & 0x7f) | (y << 7);
              n = 3;
            }
            if (x >= globalCount || pos + n > end) break fast;
            vals[sp++] = globalType[x]!;
            pos += n;
            continue;
          }
          case 0x24 /* global.set */: {
            const x = bytes[pos + 1]!;
            if (x >= 0x80 || x >= globalCount || pos + 2 > end || globalMut[x] === 0 || sp <= height || vals[sp - 1] !== globalType[x]) break fast;
            sp--;
            pos += 2;
            continue;
          }
          case 0x41 /* i32.const */:
          case 0x42 /* i64.const */:
            // Up to four LEB128 bytes: at most 28 bits, so never too long or too large (§5.2.2).
            if (bytes[pos + 1]! < 0x80) n = 2;
            else if (bytes[pos + 2]! < 0x80) n = 3;
            else if (bytes[pos + 3]! < 0x80) n = 4;
            else if (bytes[pos + 4]! < 0x80) n = 5;
            else {
              // A fifth byte: 35 bits, plenty for an i64; an i32's unused bits must copy its sign bit.
              const last = bytes[pos + 5]!;
              if (last >= 0x80) break fast;
              if (b === 0x41 && (last & 0x78) !== 0 && (last & 0x78) !== 0x78) break fast;
              n = 6;
            }
            break;
          case 0x43 /* f32.const */:
            n = 5;
            break;
          case 0x44 /* f64.const */:
            n = 9;
            break;
          case 0x28 /* i32.load */:
          case 0x29 /* i64.load */:
          case 0x2a /* f32.load */:
          case 0x2b /* f64.load */:
          case 0x2c /* i32.load8_s */:
          case 0x2d /* i32.load8_u */:
          case 0x2e /* i32.load16_s */:
          case 0x2f /* i32.load16_u */:
          case 0x30 /* i64.load8_s */:
          case 0x31 /* i64.load8_u */:
          case 0x32 /* i64.load16_s */:
          case 0x33 /* i64.load16_u */:
          case 0x34 /* i64.load32_s */:
          case 0x35 /* i64.load32_u */:
          case 0x36 /* i32.store */:
          case 0x37 /* i64.store */:
          case 0x38 /* f32.store */:
          case 0x39 /* f64.store */:
          case 0x3a /* i32.store8 */:
          case 0x3b /* i32.store16 */:
          case 0x3c /* i64.store8 */:
          case 0x3d /* i64.store16 */:
          case 0x3e /* i64.store32 */: {
            // memarg (§5.4.6): an alignment below 0x40 (so no memory index follows, with or without
            // multi-memory) and at most natural, then an offset of up to four LEB128 bytes (below 2^28).
            const align = bytes[pos + 1]!;
            if (!mem0i32 || align > aligns[b]!) break fast;
            if (bytes[pos + 2]! < 0x80) n = 3;
            else if (bytes[pos + 3]! < 0x80) n = 4;
            else if (bytes[pos + 4]! < 0x80) n = 5;
            else if (bytes[pos + 5]! < 0x80) n = 6;
            else break fast;
            break;
          }
          case 0x0b /* end */: {
            // A frame of at most one result whose stack holds exactly its results, of exactly their
            // types, or nothing at all after an unconditional branch (the polymorphic stack supplies
            // them); not an `if` that needs an else arm (§A.3 pop_ctrl + push_vals). Closing it leaves
            // the results, of their declared types, on the parent's stack.
            const d = this.depth - 1;
            const rc = this.cResultCount[d]!;
            if (rc > 1) break fast;
            // (Read only for one result: an empty type's start may be the end of the pool.)
            const rt = rc === 1 ? pool[this.cResultStart[d]!]! : 0;
            if (!(sp - height === rc && (rc === 0 || vals[height] === rt)) && !(sp === height && this.unreachable)) {
              break fast;
            }
            if (this.cKind[d] === K_IF && (this.cParamCount[d] !== 0 || rc !== 0)) break fast;
            if (d === 0) {
              // The function's own end, which must be its last byte (else `step` reports the rest).
              if (pos + 1 !== end) break fast;
              this.depth = 0;
              this.sp = 0;
              return;
            }
            if (rc === 1) vals[height] = rt;
            sp = height + rc;
            this.depth = d;
            height = this.height = this.cHeight[d - 1]!;
            this.unreachable = this.cUnreachable[d - 1] !== 0;
            pos += 1;
            continue;
          }
          case 0x05 /* else */: {
            // The then arm of an `if` without parameters ends as a block does (see end above); the
            // else arm starts with the if's empty parameter list.
            const d = this.depth - 1;
            if (this.cKind[d] !== K_IF || this.cParamCount[d] !== 0) break fast;
            const rc = this.cResultCount[d]!;
            if (rc > 1) break fast;
            if (!(sp - height === rc && (rc === 0 || vals[height] === pool[this.cResultStart[d]!])) && !(sp === height && this.unreachable)) {
              break fast;
            }
            this.cKind[d] = K_ELSE;
            this.cUnreachable[d] = 0;
            sp = height;
            this.unreachable = false;
            pos += 1;
            continue;
          }
          case 0x02 /* block */:
          case 0x03 /* loop */:
          case 0x04 /* if */: {
            // The empty block type or one value type (§5.4.1), and a control array with room.
            const x = bytes[pos + 1]!;
            if (x !== 0x40 && (x < 0x7c || x > 0x7f)) break fast;
            const d = this.depth;
            if (d === this.cKind.length || pos + 2 > end) break fast;
            if (b === 0x04) {
              if (sp <= height || vals[sp - 1] !== ValType.i32) break fast;
              sp--;
            }
            this.cKind[d] = b === 0x02 ? K_BLOCK : b === 0x03 ? K_LOOP : K_IF;
            this.cHeight[d] = sp;
            this.cUnreachable[d] = 0;
            this.cParamCount[d] = 0;
            this.cResultStart[d] = x; // pool[t] === t below POOL_BASE
            this.cResultCount[d] = x === 0x40 ? 0 : 1;
            this.depth = d + 1;
            height = this.height = sp;
            this.unreachable = false;
            pos += 2;
            continue;
          }
          case 0x0c /* br */:
          case 0x0d /* br_if */: {
            const label = bytes[pos + 1]!;
            if (label >= 0x80 || label >= this.depth || pos + 2 > end) break fast;
            const d = this.depth - 1 - label;
            const loop = this.cKind[d] === K_LOOP;
            const cnt = loop ? this.cParamCount[d]! : this.cResultCount[d]!;
            // br_if pops its condition, then checks the label's values and leaves them.
            const top = b === 0x0d ? sp - 1 : sp;
            if (cnt > 1 || top - cnt < height) break fast;
            if (b === 0x0d && vals[sp - 1] !== ValType.i32) break fast;
            if (cnt === 1 && vals[top - 1] !== pool[loop ? this.cParamStart[d]! : this.cResultStart[d]!]) break fast;
            if (b === 0x0d) sp--;
            else {
              sp = height;
              this.unreachable = true;
              this.cUnreachable[this.depth - 1] = 1;
            }
            pos += 2;
            continue;
          }
          case 0x0f /* return */: {
            const cnt = this.fnResultCount;
            if (sp - cnt < height) break fast;
            const rs = this.fnResultStart;
            for (let i = 1; i <= cnt; i++) if (vals[sp - i] !== pool[rs + cnt - i]) break fast;
            sp = height;
            this.unreachable = true;
            this.cUnreachable[this.depth - 1] = 1;
            pos += 1;
            continue;
          }
          case 0x00 /* unreachable */:
            sp = height;
            this.unreachable = true;
            this.cUnreachable[this.depth - 1] = 1;
            pos += 1;
            continue;
          case 0x10 /* call */: {
            let f = bytes[pos + 1]!;
            n = 2;
            if (f >= 0x80) {
              const y = bytes[pos + 2]!;
              n = 3;
              if (y < 0x80) f = (f & 0x7f) | (y << 7);
              else {
                const z = bytes[pos + 3]!;
                if (z >= 0x80) break fast;
                f = (f & 0x7f) | ((y & 0x7f) << 7) | (z << 14);
                n = 4;
              }
            }
            if (f >= funcCount || pos + n > end) break fast;
            const t = funcType[f]!;
            const pc = paramCount[t]!;
            const rc = resultCount[t]!;
            // More than one result would be more pushes than bytes (see the room above).
            if (sp - pc < height || rc > 1) break fast;
            const ps = paramStart[t]! - (sp - pc);
            for (let i = sp - pc; i < sp; i++) if (vals[i] !== pool[ps + i]) break fast;
            sp -= pc;
            const rs = resultStart[t]!;
            for (let i = 0; i < rc; i++) vals[sp++] = pool[rs + i]!;
            pos += n;
            continue;
          }
          case 0x1a /* drop */:
            if (sp <= height) break fast;
            sp--;
            pos += 1;
            continue;
          case 0x1b /* select */: {
            // Two operands of one numeric or vector type (0x7b v128 … 0x7f i32), then an i32.
            if (sp - 3 < height || vals[sp - 1] !== ValType.i32) break fast;
            const t = vals[sp - 2]!;
            if (t < 0x7b || vals[sp - 3] !== t) break fast;
            sp -= 2;
            pos += 1;
            continue;
          }
          case 0x01 /* nop */:
            pos += 1;
            continue;
          default:
            // The numeric instructions without immediates (i32.eqz … i64.extend32_s, §5.4.7).
            if (b < 0x45 || b > 0xc4) break fast;
        }
        // A plain instruction of length n, typed from its packed signature; exact types only.
        if (pos + n > end) break fast;
        const sig = byteSigs[b]!;
        const np = sig & 3;
        if (np === 1) {
          if (sp <= height || vals[sp - 1] !== (sig >>> 8 & 0xff)) break fast;
          sp--;
        } else if (np === 2) {
          if (sp - 2 < height || vals[sp - 1] !== (sig >>> 16 & 0xff) || vals[sp - 2] !== (sig >>> 8 & 0xff)) break fast;
          sp -= 2;
        } else if (np !== 0) break fast;
        const res = sig >>> 24;
        if (res !== 0) vals[sp++] = res;
        pos += n;
        continue;
      }
      // Everything else: one instruction through `step`, from the state the fast loop leaves.
      r.pos = pos;
      this.sp = sp;
      if (this.step(r, ir)) return;
      pos = r.pos;
      sp = this.sp;
      height = this.height;
      if (this.vals.length - sp <= end - pos) this.growVals(end - pos + 1);
      vals = this.vals;
    }
  }

  /**
   * Reads and types one instruction at the reader's position, with every check and every message:
   * what the fast loop in `run` does not handle itself. Returns true when it closed the function.
   */
  private step(r: Reader, ir: InstrReader): boolean {
    const ctx = this.ctx;
    const cls = this.cls;
    const pool = this.pool;
    const fnResultStart = this.fnResultStart;
    const fnResultCount = this.fnResultCount;
    ir.read();
    const op = ir.op;
    let c = cls[op]!;
    if (c === 1 /* Cls.mem */) {
      // A load or store: check the memarg, then type it like a plain instruction when the address
      // is an i32 (the signature tables say i32); memory64 addresses take the slower path.
      if (this.memarg(op) === ValType.i32) c = 0 /* Cls.plain */;
      else {
        this.typeSig(op, ValType.i64);
        return false;
      }
    }

    if (c === 0 /* Cls.plain */) {
      // The common case: fixed signature, typed from the tables without a call when it can be.
      const np = sigParamCount[op]!;
      if (np !== 0) {
        let sp = this.sp;
        if (sp - np >= this.height) {
          const vals = this.vals;
          const base = op * MAX_SIG_PARAMS;
          for (let i = np - 1; i >= 0; i--) {
            const a = vals[--sp]!;
            if (a !== sigParams[base + i] && a !== UNKNOWN) throw this.mismatch(sigParams, base, np);
          }
          this.sp = sp;
        } else this.popTypes(sigParams, op * MAX_SIG_PARAMS, np);
      }
      const res = sigResult[op]!;
      if (res !== 0) {
        if (this.sp === this.vals.length) this.growVals(1);
        this.vals[this.sp++] = res;
      }
      return false;
    }

    switch (c) {
      case 2 /* Cls.lane */:
        if (op === Op.i8x16_shuffle) {
          const bytes = r.bytes;
          for (let i = ir.bytesAt; i < ir.bytesAt + 16; i++) {
            if (bytes[i]! >= 32) throw this.fail('invalid lane index');
          }
        } else if (ir.lane >= laneCount[op]!) throw this.fail('invalid lane index');
        this.typeSig(op, ValType.i32);
        return false;
      case 3 /* Cls.memLane */: {
        const addr = this.memarg(op);
        if (ir.lane >= laneCount[op]!) throw this.fail('invalid lane index');
        this.typeSig(op, addr);
        return false;
      }
      case 5 /* Cls.disabled */:
        // An instruction of a proposal that is not enabled is no instruction at all.
        throw this.fail('illegal opcode', 'malformed');
      case 8 /* unreachable */:
        this.setUnreachable();
        break;
      case 9 /* block */:
      case 10 /* loop */:
      case 11 /* if */: {
        const kind = op === 0x2 ? K_BLOCK : op === 0x3 ? K_LOOP : K_IF;
        if (kind === K_IF) {
          const sp = this.sp;
          if (sp > this.height && this.vals[sp - 1] === ValType.i32) this.sp = sp - 1;
          else this.pop1(ValType.i32);
        }
        const bt = ir.blockType;
        if (bt < 0) {
          // Inline pushFrame for the common block types: [] -> [] or [] -> [t].
          const d = this.depth;
          if (d === this.cKind.length) this.growControl();
          this.cKind[d] = kind;
          this.cHeight[d] = this.sp;
          this.cUnreachable[d] = 0;
          this.cParamCount[d] = 0;
          this.cResultStart[d] = bt + 0x80; // the value type's byte: pool[t] === t below POOL_BASE
          this.cResultCount[d] = bt === -64 ? 0 : 1;
          this.depth = d + 1;
          this.height = this.sp;
          this.unreachable = false;
        } else this.enterBlock(kind);
        break;
      }
      case 12 /* else */: {
        const d = this.depth - 1;
        // The binary decoder reads `else` only as part of an `if` (§5.4.1); elsewhere the block
        // being read must end there.
        if (this.cKind[d] !== K_IF) throw this.fail('END opcode expected', 'malformed');
        this.checkFrameEnd();
        this.resetFrame(K_ELSE);
        this.pushTypes(pool, this.cParamStart[d]!, this.cParamCount[d]!);
        break;
      }
      case 13 /* end */: {
        const d = this.depth - 1;
        const kind = this.cKind[d]!;
        const rc = this.cResultCount[d]!;
        const h = this.height;
        // Fast path: exactly the results, of exactly the declared types, are on the stack; closing
        // the frame then leaves the stack as it is (§A.3 pop_ctrl + push_vals).
        if (
          this.sp - h === rc &&
          rc <= 1 &&
          (rc === 0 || this.vals[h] === pool[this.cResultStart[d]!]) &&
          (kind !== K_IF || (this.cParamCount[d] === 0 && rc === 0)) &&
          d > 0
        ) {
          this.depth = d;
          this.height = this.cHeight[d - 1]!;
          this.unreachable = this.cUnreachable[d - 1] !== 0;
          break;
        }
        if (this.endFrame(r)) return true;
        break;
      }
      case 14 /* br */: {
        const d = this.labelFrame(ir.index);
        this.popTypes(pool, this.labelStart(d), this.labelCount(d));
        this.setUnreachable();
        break;
      }
      case 15 /* br_if */: {
        const d = this.labelFrame(ir.index);
        const n = this.labelCount(d);
        const sp = this.sp;
        // Fast path: the condition, and the label's values of exactly its types, are there; the
        // stack is then the same afterwards.
        if (n <= 1 && sp - 1 - n >= this.height && this.vals[sp - 1] === ValType.i32 &&
            (n === 0 || this.vals[sp - 2] === pool[this.labelStart(d)])) {
          this.sp = sp - 1;
          break;
        }
        this.pop1(ValType.i32);
        const s = this.labelStart(d);
        this.popTypes(pool, s, n);
        this.pushTypes(pool, s, n);
        break;
      }
      case 16 /* br_table */: {
        const dd = this.labelFrame(ir.index);
        const n = ir.labelCount;
        const labels = ir.labels;
        for (let i = 0; i < n; i++) this.labelFrame(labels[i]!);
        this.pop1(ValType.i32);
        const arity = this.labelCount(dd);
        for (let i = 0; i < n; i++) {
          const d = this.depth - 1 - labels[i]!;
          const c2 = this.labelCount(d);
          if (c2 !== arity) {
            throw this.fail(
              `type mismatch: br_table targets have different arities (label ${labels[i]} takes ${c2} values, the default ${arity})`,
            );
          }
          this.peekTypes(pool, this.labelStart(d), c2);
        }
        this.popTypes(pool, this.labelStart(dd), arity);
        this.setUnreachable();
        break;
      }
      case 17 /* return */:
        this.popTypes(pool, fnResultStart, fnResultCount);
        this.setUnreachable();
        break;
      case 18 /* call */: {
        const t = this.funcTypeOf(ir.index);
        this.popTypes(pool, ctx.paramStart[t]!, ctx.paramCount[t]!);
        this.pushTypes(pool, ctx.resultStart[t]!, ctx.resultCount[t]!);
        break;
      }
      case 19 /* call_indirect */: {
        const et = this.table(ir.index2);
        const t = this.typeIndex(ir.index);
        if (et !== ValType.funcref) throw this.fail('type mismatch: call_indirect requires a funcref table');
        this.pop1(ValType.i32);
        this.popTypes(pool, ctx.paramStart[t]!, ctx.paramCount[t]!);
        this.pushTypes(pool, ctx.resultStart[t]!, ctx.resultCount[t]!);
        break;
      }
      case 20 /* return_call */: {
        const t = this.funcTypeOf(ir.index);
        this.checkTailResults(t, fnResultStart, fnResultCount);
        this.popTypes(pool, ctx.paramStart[t]!, ctx.paramCount[t]!);
        this.setUnreachable();
        break;
      }
      case 21 /* return_call_indirect */: {
        const et = this.table(ir.index2);
        const t = this.typeIndex(ir.index);
        if (et !== ValType.funcref) throw this.fail('type mismatch: return_call_indirect requires a funcref table');
        this.checkTailResults(t, fnResultStart, fnResultCount);
        this.pop1(ValType.i32);
        this.popTypes(pool, ctx.paramStart[t]!, ctx.paramCount[t]!);
        this.setUnreachable();
        break;
      }
      case 22 /* drop */:
        if (this.sp > this.height) this.sp--;
        else this.popAny(op);
        break;
      case 23 /* select */: {
        this.pop1(ValType.i32);
        const t1 = this.popAny(op);
        const t2 = this.popAny(op);
        // Untyped select is only for numeric and vector types (§3.3.4).
        if (isRef(t1) || isRef(t2)) throw this.fail('type mismatch: select without a type needs numeric or vector operands');
        if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) {
          throw this.fail(`type mismatch: select operands differ (${typeListString([t2, t1])})`);
        }
        this.push(t1 === UNKNOWN ? t2 : t1);
        break;
      }
      case 24 /* select t */: {
        if (ir.typeCount !== 1) throw this.fail('invalid result arity');
        const t = ir.types[0]!;
        this.pop3(t, t, ValType.i32);
        this.push(t);
        break;
      }
      case 25 /* local.get */: {
        const x = ir.index;
        if (x >= this.localCount) throw this.fail(`unknown local ${x}`);
        if (this.sp === this.vals.length) this.growVals(1);
        this.vals[this.sp++] = this.locals[x]!;
        break;
      }
      case 26 /* local.set */:
      case 27 /* local.tee */: {
        const x = ir.index;
        if (x >= this.localCount) throw this.fail(`unknown local ${x}`);
        const t = this.locals[x]!;
        const sp = this.sp;
        // local.tee leaves the value, with the local's type (which it has unless unknown).
        if (sp > this.height && this.vals[sp - 1] === t) {
          if (op === 0x21) this.sp = sp - 1;
        } else {
          this.pop1(t);
          if (op === 0x22) this.push(t);
        }
        break;
      }
      case 28 /* global.get */: {
        const x = ir.index;
        if (x >= ctx.globalCount) throw this.fail(`unknown global ${x}`);
        if (this.sp === this.vals.length) this.growVals(1);
        this.vals[this.sp++] = ctx.globalType[x]!;
        break;
      }
      case 29 /* global.set */:
        if (ir.index >= ctx.globalCount) throw this.fail(`unknown global ${ir.index}`);
        if (!ctx.globalMut[ir.index]) throw this.fail('global is immutable');
        this.pop1(ctx.globalType[ir.index]!);
        break;
      case 30 /* table.get */: {
        const t = this.table(ir.index);
        this.pop1(ValType.i32);
        this.push(t);
        break;
      }
      case 31 /* table.set */:
        this.pop2(ValType.i32, this.table(ir.index));
        break;
      case 45 /* table.size */:
        this.table(ir.index);
        this.push(ValType.i32);
        break;
      case 44 /* table.grow */:
        this.pop2(this.table(ir.index), ValType.i32);
        this.push(ValType.i32);
        break;
      case 46 /* table.fill */:
        this.pop3(ValType.i32, this.table(ir.index), ValType.i32);
        break;
      case 43 /* table.copy */: {
        const dst = this.table(ir.index);
        const src = this.table(ir.index2);
        if (dst !== src) throw this.fail('type mismatch: table.copy between tables of different element types');
        this.pop3(ValType.i32, ValType.i32, ValType.i32);
        break;
      }
      case 41 /* table.init */: {
        const t = this.table(ir.index2);
        const e = this.elemType(ir.index);
        if (t !== e) throw this.fail('type mismatch: table.init from a segment of another element type');
        this.pop3(ValType.i32, ValType.i32, ValType.i32);
        break;
      }
      case 42 /* elem.drop */:
        this.elemType(ir.index);
        break;
      case 32 /* memory.size */:
        this.push(this.memIndex(ir.memory));
        break;
      case 33 /* memory.grow */: {
        const a = this.memIndex(ir.memory);
        this.pop1(a);
        this.push(a);
        break;
      }
      case 40 /* memory.fill */: {
        const a = this.memIndex(ir.memory);
        this.pop3(a, ValType.i32, a);
        break;
      }
      case 39 /* memory.copy */: {
        const dst = this.memIndex(ir.memory);
        const src = this.memIndex(ir.index2);
        // memory64: the length is i64 only when both memories are 64-bit.
        this.pop3(dst, src, dst === ValType.i64 && src === ValType.i64 ? ValType.i64 : ValType.i32);
        break;
      }
      case 37 /* memory.init */: {
        const a = this.memIndex(ir.memory);
        this.data(ir.index);
        this.pop3(a, ValType.i32, ValType.i32);
        break;
      }
      case 38 /* data.drop */:
        this.data(ir.index);
        break;
      case 34 /* ref.null */:
        this.push(ir.refType);
        break;
      case 35 /* ref.is_null */: {
        const t = this.popAny(op);
        if (t !== UNKNOWN && !isRef(t)) throw this.fail(`type mismatch: ref.is_null requires a reference but stack has ${typeListString([t])}`);
        this.push(ValType.i32);
        break;
      }
      case 36 /* ref.func */: {
        const f = ir.index;
        this.funcTypeOf(f);
        // §3.4.10: a body may only take references to functions declared outside bodies.
        if (!ctx.refs[f]) throw this.fail('undeclared function reference');
        this.push(ValType.funcref);
        break;
      }
      // ---- exception handling (legacy proposal) ----
      case 47 /* try */:
        this.enterBlock(K_TRY);
        break;
      case 48 /* catch */: {
        const d = this.depth - 1;
        const k = this.cKind[d];
        if (k !== K_TRY && k !== K_CATCH) throw this.fail('END opcode expected', 'malformed');
        const t = this.tag(ir.index);
        this.checkFrameEnd();
        this.resetFrame(K_CATCH);
        this.pushTypes(pool, ctx.paramStart[t]!, ctx.paramCount[t]!);
        break;
      }
      case 52 /* catch_all */: {
        const k = this.cKind[this.depth - 1];
        if (k !== K_TRY && k !== K_CATCH) throw this.fail('END opcode expected', 'malformed');
        this.checkFrameEnd();
        this.resetFrame(K_CATCH_ALL);
        break;
      }
      case 51 /* delegate */: {
        const d = this.depth - 1;
        if (this.cKind[d] !== K_TRY) throw this.fail('END opcode expected', 'malformed');
        this.checkFrameEnd();
        const rs = this.cResultStart[d]!;
        const rc = this.cResultCount[d]!;
        this.popFrame();
        // The label is counted from outside the try block.
        this.labelFrame(ir.index);
        this.pushTypes(pool, rs, rc);
        break;
      }
      case 49 /* throw */: {
        const t = this.tag(ir.index);
        this.popTypes(pool, ctx.paramStart[t]!, ctx.paramCount[t]!);
        this.setUnreachable();
        break;
      }
      case 50 /* rethrow */: {
        const d = this.labelFrame(ir.index);
        const k = this.cKind[d];
        if (k !== K_CATCH && k !== K_CATCH_ALL) throw this.fail('invalid rethrow label');
        this.setUnreachable();
        break;
      }
      default:
        // Every opcode the reader knows is handled above; reaching here is a bug in the tables.
        throw this.fail(`internal error: no validation rule for ${opName(op)}`);
    }
    return false;
  }

  /**
   * `end` in general (§A.3 pop_ctrl): the frame's results must be on the stack, an `if` without `else`
   * must pass its parameters through. Returns true when this closed the function.
   */
  private endFrame(r: Reader): boolean {
    const pool = this.pool;
    const d = this.depth - 1;
    this.checkFrameEnd();
    const kind = this.cKind[d]!;
    if (kind === K_IF) {
      // `if` without `else`: the missing else arm passes the parameters through, so they must
      // equal the results (§3.3.8.4 with an empty else).
      const pc = this.cParamCount[d]!;
      const rc = this.cResultCount[d]!;
      let same = pc === rc;
      for (let i = 0; same && i < pc; i++) {
        same = pool[this.cParamStart[d]! + i] === pool[this.cResultStart[d]! + i];
      }
      if (!same) {
        const rs = this.cResultStart[d]!;
        const ps = this.cParamStart[d]!;
        throw this.fail(
          `type mismatch: if without else requires ${typeListString(pool, rs, rs + rc)} but has ${typeListString(pool, ps, ps + pc)}`,
        );
      }
    }
    const rs = this.cResultStart[d]!;
    const rc = this.cResultCount[d]!;
    this.popFrame();
    if (this.depth === 0) {
      // The function's own `end`: it must be the body's last byte.
      if (!r.eof) {
        this.own = new CompileError(
          'malformed',
          'section size mismatch: bytes after the end of the function',
          this.funcPlace(),
          r.pos + this.bodyShift,
        );
        throw this.own;
      }
      return true;
    }
    this.pushTypes(pool, rs, rc);
    return false;
  }

  /** return_call*: the callee's results must be the caller's (§ tail-call proposal). */
  private checkTailResults(t: number, fnResultStart: number, fnResultCount: number): void {
    const ctx = this.ctx;
    const pool = this.pool;
    const rs = ctx.resultStart[t]!;
    const rc = ctx.resultCount[t]!;
    let same = rc === fnResultCount;
    for (let i = 0; same && i < rc; i++) same = pool[rs + i] === pool[fnResultStart + i];
    if (!same) {
      throw this.fail(
        `type mismatch: tail call returns ${typeListString(pool, rs, rs + rc)} but the function returns ${typeListString(pool, fnResultStart, fnResultStart + fnResultCount)}`,
      );
    }
  }
}
