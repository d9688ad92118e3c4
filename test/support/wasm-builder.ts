// A small assembler of module bytes for tests: enough to write a module section by section without a
// text-format toolchain. Function bodies and constant expressions are given as raw instruction bytes
// (use the LEB128 helpers for immediates); `ModuleBuilder` takes care of section framing, counts and
// index spaces. It checks nothing on purpose: tests use it to build invalid and malformed modules too.
//
//   const b = new ModuleBuilder();
//   const t = b.type([I32], [I32]);
//   b.func(t, [0x20, 0x00, 0x0b]);            // local.get 0; end
//   b.export('id', ExternKind.func, 0);
//   const bytes = b.bytes();

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export const FUNCREF = 0x70;
export const EXTERNREF = 0x6f;

/** Unsigned LEB128 (§5.2.2). Numbers up to 2^53. */
export function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** Signed LEB128 of a 32-bit (or any safe) integer. */
export function s32(n: number): number[] {
  return s64(BigInt(n));
}

/** Signed LEB128 of a bigint. */
export function s64(n: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A name (§5.2.4): length-prefixed UTF-8. */
export function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...u32(bytes.length), ...bytes];
}

/** vec(B): a count and the items' bytes. */
export function vec(items: readonly (readonly number[])[]): number[] {
  return [...u32(items.length), ...items.flat()];
}

/** A section: id, size, payload. */
export function section(id: number, payload: readonly number[]): number[] {
  return [id, ...u32(payload.length), ...payload];
}

/** Limits (§5.3.7): flags 0 (min only) or 1 (min and max); extra flag bits (shared, i64) may be ORed in. */
export function limits(min: number, max?: number, extraFlags = 0): number[] {
  return max === undefined ? [extraFlags, ...u32(min)] : [1 | extraFlags, ...u32(min), ...u32(max)];
}

/** Constant expression bytes: the instructions then `end`. */
export function constExpr(...instrs: (readonly number[])[]): number[] {
  return [...instrs.flat(), 0x0b];
}

export const i32Const = (v: number): number[] => [0x41, ...s32(v)];
export const i64Const = (v: bigint): number[] => [0x42, ...s64(v)];
export const globalGet = (x: number): number[] => [0x23, ...u32(x)];
export const refFunc = (x: number): number[] => [0xd2, ...u32(x)];
export const refNull = (t: number): number[] => [0xd0, t];

interface FuncEntry {
  locals: readonly (readonly [count: number, type: number])[];
  body: readonly number[];
}

/** Builds module bytes. Sections are written in the binary format's order, empty ones left out. */
export class ModuleBuilder {
  private readonly types: number[][] = [];
  private readonly imports: number[][] = [];
  private readonly funcTypes: number[] = [];
  private readonly tables: number[][] = [];
  private readonly memories: number[][] = [];
  private readonly tags: number[][] = [];
  private readonly globals: number[][] = [];
  private readonly exports: number[][] = [];
  private startFunc: number | null = null;
  private readonly elems: number[][] = [];
  private dataCountValue: number | null = null;
  private readonly codes: FuncEntry[] = [];
  private readonly datas: number[][] = [];
  private readonly extra: { after: number; bytes: number[] }[] = [];
  private importedFuncs = 0;

  /** Adds a function type; returns its index. */
  type(params: readonly number[], results: readonly number[]): number {
    this.types.push([0x60, ...vec(params.map((p) => [p])), ...vec(results.map((r) => [r]))]);
    return this.types.length - 1;
  }

  /** Adds an import with raw descriptor bytes (kind byte first). */
  importRaw(module: string, field: string, desc: readonly number[]): this {
    this.imports.push([...name(module), ...name(field), ...desc]);
    return this;
  }

  /** Imports a function; returns its function index. Add imports before defining functions. */
  importFunc(module: string, field: string, typeIndex: number): number {
    this.importRaw(module, field, [0x00, ...u32(typeIndex)]);
    return this.importedFuncs++;
  }

  importTable(module: string, field: string, elemType: number, min: number, max?: number): this {
    return this.importRaw(module, field, [0x01, elemType, ...limits(min, max)]);
  }

  importMemory(module: string, field: string, limitBytes: readonly number[]): this {
    return this.importRaw(module, field, [0x02, ...limitBytes]);
  }

  importGlobal(module: string, field: string, type: number, mutable: boolean): this {
    return this.importRaw(module, field, [0x03, type, mutable ? 1 : 0]);
  }

  importTag(module: string, field: string, typeIndex: number): this {
    return this.importRaw(module, field, [0x04, 0x00, ...u32(typeIndex)]);
  }

  /**
   * Defines a function; returns its index in the function index space. `body` is the instructions
   * including the final `end`; `locals` are (count, type) runs.
   */
  func(typeIndex: number, body: readonly number[], locals: FuncEntry['locals'] = []): number {
    this.funcTypes.push(typeIndex);
    this.codes.push({ locals, body });
    return this.importedFuncs + this.funcTypes.length - 1;
  }

  table(elemType: number, min: number, max?: number): this {
    this.tables.push([elemType, ...limits(min, max)]);
    return this;
  }

  /** A memory from limit bytes (see `limits`, which takes the shared/memory64 flag bits too). */
  memory(limitBytes: readonly number[]): this {
    this.memories.push([...limitBytes]);
    return this;
  }

  tag(typeIndex: number): this {
    this.tags.push([0x00, ...u32(typeIndex)]);
    return this;
  }

  /** A global with its initialiser's bytes (see `constExpr`). */
  global(type: number, mutable: boolean, init: readonly number[]): this {
    this.globals.push([type, mutable ? 1 : 0, ...init]);
    return this;
  }

  export(field: string, kind: number, index: number): this {
    this.exports.push([...name(field), kind, ...u32(index)]);
    return this;
  }

  start(funcIndex: number): this {
    this.startFunc = funcIndex;
    return this;
  }

  /** An element segment from raw bytes (flags first, §5.5.12). */
  elemRaw(bytes: readonly number[]): this {
    this.elems.push([...bytes]);
    return this;
  }

  /** An active funcref segment for table 0 at offset `offset` (encoding 0). */
  elemFuncs(offset: number, funcs: readonly number[]): this {
    return this.elemRaw([0x00, ...constExpr(i32Const(offset)), ...vec(funcs.map((f) => u32(f)))]);
  }

  /** A declarative segment of function references (encoding 3): makes `ref.func` of them valid. */
  declareFuncs(funcs: readonly number[]): this {
    return this.elemRaw([0x03, 0x00, ...vec(funcs.map((f) => u32(f)))]);
  }

  /** A data segment from raw bytes (flags first, §5.5.14). */
  dataRaw(bytes: readonly number[]): this {
    this.datas.push([...bytes]);
    return this;
  }

  /** A passive data segment. */
  passiveData(contents: readonly number[]): this {
    return this.dataRaw([0x01, ...vec(contents.map((b) => [b]))]);
  }

  /** An active data segment for memory 0. */
  activeData(offset: readonly number[], contents: readonly number[]): this {
    return this.dataRaw([0x00, ...offset, ...vec(contents.map((b) => [b]))]);
  }

  /** Writes a data count section (with `n`, or the number of data segments when omitted). */
  dataCount(n?: number): this {
    this.dataCountValue = n ?? -1;
    return this;
  }

  /** Puts raw section bytes right after the section with id `after` (0 = before all). */
  rawSection(after: number, bytes: readonly number[]): this {
    this.extra.push({ after, bytes: [...bytes] });
    return this;
  }

  bytes(): Uint8Array {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const put = (id: number, order: number, payload: number[] | null): void => {
      // A loop, not push(...bytes): spreading a large section would overflow the call stack.
      const append = (bytes: readonly number[]): void => {
        for (const byte of bytes) out.push(byte);
      };
      if (payload !== null) append(section(id, payload));
      for (const x of this.extra) if (x.after === order) append(x.bytes);
    };
    const v = (items: number[][]): number[] | null => (items.length ? vec(items) : null);
    put(0, 0, null);
    put(1, 1, v(this.types));
    put(2, 2, v(this.imports));
    put(3, 3, this.funcTypes.length ? vec(this.funcTypes.map((t) => u32(t))) : null);
    put(4, 4, v(this.tables));
    put(5, 5, v(this.memories));
    put(13, 13, v(this.tags));
    put(6, 6, v(this.globals));
    put(7, 7, v(this.exports));
    put(8, 8, this.startFunc === null ? null : u32(this.startFunc));
    put(9, 9, v(this.elems));
    put(12, 12, this.dataCountValue === null ? null : u32(this.dataCountValue < 0 ? this.datas.length : this.dataCountValue));
    const codes = this.codes.map((c) => {
      const fn = [...vec(c.locals.map(([n, t]) => [...u32(n), t])), ...c.body];
      return [...u32(fn.length), ...fn];
    });
    put(10, 10, v(codes));
    put(11, 11, v(this.datas));
    return new Uint8Array(out);
  }
}
