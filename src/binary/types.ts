// The module IR: what the decoder produces, the validator checks, the encoder writes and the engines
// consume. It mirrors the abstract syntax of the spec (§2.5 Modules) closely, with two deliberate
// departures:
//  - function bodies stay as bytes (`Code.body`), because every consumer walks them once with the
//    allocation-free instruction reader (`reader.ts`/`instr.ts`); `decodeBody` gives an `Instr[]` view
//    for tools that want objects (tests, the instrumentation rewriter);
//  - constant expressions (global initialisers, segment offsets, element items) are small and are
//    decoded to `Instr[]`.

/** Value types, by their binary encoding (spec §5.3.1–5.3.3). */
export const ValType = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
} as const;
export type ValType = (typeof ValType)[keyof typeof ValType];

const valTypeNames: Record<number, string> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};

/** The text name of a value type (`i32`, `funcref`, …). */
export function valTypeName(t: number): string {
  return valTypeNames[t] ?? `<0x${t.toString(16)}>`;
}

/** The value type named `name` (`i32`, `funcref`, …), or undefined. */
export function valTypeByName(name: string): ValType | undefined {
  for (const [code, n] of Object.entries(valTypeNames)) if (n === name) return Number(code) as ValType;
  return undefined;
}

export function isValType(b: number): b is ValType {
  return valTypeNames[b] !== undefined;
}

export function isRefType(t: number): boolean {
  return t === ValType.funcref || t === ValType.externref;
}

export function isNumType(t: number): boolean {
  return t === ValType.i32 || t === ValType.i64 || t === ValType.f32 || t === ValType.f64;
}

/** External kinds, by their binary encoding in imports and exports (§5.5.5, §5.5.10). */
export const ExternKind = {
  func: 0x00,
  table: 0x01,
  memory: 0x02,
  global: 0x03,
  tag: 0x04,
} as const;
export type ExternKind = (typeof ExternKind)[keyof typeof ExternKind];

const externKindNames = ['func', 'table', 'memory', 'global', 'tag'];
export function externKindName(k: number): string {
  return externKindNames[k] ?? `<kind 0x${k.toString(16)}>`;
}

/** Section ids (§5.5.2). */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;
export type SectionId = (typeof SectionId)[keyof typeof SectionId];

const sectionNames = [
  'custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element',
  'code', 'data', 'data count', 'tag',
];
export function sectionName(id: number): string {
  return sectionNames[id] ?? `unknown section ${id}`;
}

export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

export interface Limits {
  min: number;
  /** Absent when the limits have no maximum. */
  max?: number;
}

export interface TableType {
  elemType: ValType; // funcref or externref
  limits: Limits;
}

export interface MemoryType {
  limits: Limits;
  /** threads proposal: a shared memory (requires a maximum). */
  shared?: boolean;
  /** memory64 proposal: addresses are i64. */
  index64?: boolean;
}

export interface GlobalType {
  type: ValType;
  mutable: boolean;
}

/** exception-handling proposal: a tag has the type of its (result-less) function type. */
export interface TagType {
  typeIndex: number;
}

export type ImportDesc =
  | { kind: typeof ExternKind.func; typeIndex: number }
  | { kind: typeof ExternKind.table; type: TableType }
  | { kind: typeof ExternKind.memory; type: MemoryType }
  | { kind: typeof ExternKind.global; type: GlobalType }
  | { kind: typeof ExternKind.tag; type: TagType };

export interface Import {
  module: string;
  name: string;
  desc: ImportDesc;
}

export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
}

/**
 * One decoded instruction. Which fields are set depends on the opcode's immediate kind
 * (`opInfo(op).imm`):
 *  - block/loop/if/try: `blockType` (s33: >= 0 a type index, -64 (0x40) empty, else a value type as
 *    its negative single-byte s33, e.g. -1 for i32);
 *  - index immediates (label, func, local, global, table, tag, data, elem): `index`; the second index of
 *    call_indirect (table), memory.init (memory), table.init (table), *.copy (source) is `index2`;
 *  - br_table: `labels` (the targets) and `index` (the default);
 *  - memarg: `align` (log2), `offset`, `memory` (0 unless multi-memory); lane ops add `lane`;
 *  - i32.const: `value` (number, signed); i64.const: `value` (bigint, signed);
 *    f32.const: `bits` (uint32 number); f64.const: `bits` (bigint, uint64) — bit patterns, so NaN
 *    payloads survive;
 *  - v128.const and i8x16.shuffle: `bytes` (16);
 *  - select t*: `types`; ref.null: `refType`; memory.size/grow/fill: `memory`.
 */
export interface Instr {
  op: number;
  blockType?: number;
  index?: number;
  index2?: number;
  labels?: number[];
  align?: number;
  offset?: number;
  memory?: number;
  lane?: number;
  value?: number | bigint;
  bits?: number | bigint;
  bytes?: Uint8Array;
  types?: ValType[];
  refType?: ValType;
}

/** A constant expression (§3.3.10), without its final `end`. */
export type ConstExpr = Instr[];

export interface Global {
  type: GlobalType;
  init: ConstExpr;
}

export type SegmentMode = 'active' | 'passive' | 'declarative';

export interface ElemSegment {
  mode: SegmentMode;
  /** Active segments: the table index and offset expression. */
  table: number;
  offset: ConstExpr | null;
  elemType: ValType;
  /** One constant expression per element. Function-index encodings give `[ref.func x]`. */
  init: ConstExpr[];
  /**
   * The binary encoding used (0–7, §5.5.12). Kept so the encoder can write the same form back; when
   * encoding a hand-built segment the encoder picks the smallest form that can express it if absent.
   */
  encoding?: number;
}

export interface DataSegment {
  mode: 'active' | 'passive';
  memory: number;
  offset: ConstExpr | null;
  /** The bytes, as a view into the module's bytes when decoded (not a copy). */
  init: Uint8Array;
  encoding?: number;
}

export interface LocalDecl {
  count: number;
  type: ValType;
}

export interface Code {
  /** Local declarations as written (runs of count × type). */
  locals: LocalDecl[];
  /** The function's expression: instruction bytes up to and including the final `end`. */
  body: Uint8Array;
  /** Offset of `body[0]` in the module's bytes (for error messages); -1 when built by hand. */
  offset: number;
}

export interface CustomSection {
  name: string;
  data: Uint8Array;
  /**
   * Where it stood: the id of the last non-custom section before it (0 when it came first), so the
   * encoder can put it back in place.
   */
  after: number;
}

/** The `name` custom section (appendix §7.4), decoded when well-formed. */
export interface NameSection {
  module?: string;
  functions: Map<number, string>;
  locals: Map<number, Map<number, string>>;
}

export interface Module {
  types: FuncType[];
  imports: Import[];
  /** Type index of each function defined in the module (the function section). */
  funcs: number[];
  tables: TableType[];
  memories: MemoryType[];
  globals: Global[];
  /** exception-handling proposal. */
  tags: TagType[];
  exports: Export[];
  start: number | null;
  elems: ElemSegment[];
  /** The data count section's value, or null when the section is absent. */
  dataCount: number | null;
  codes: Code[];
  datas: DataSegment[];
  customs: CustomSection[];
  names: NameSection | null;
}

export function emptyModule(): Module {
  return {
    types: [],
    imports: [],
    funcs: [],
    tables: [],
    memories: [],
    globals: [],
    tags: [],
    exports: [],
    start: null,
    elems: [],
    dataCount: null,
    codes: [],
    datas: [],
    customs: [],
    names: null,
  };
}

/** Counts of imported entities: defined entity i of a kind has index (imported count + i). */
export interface ImportCounts {
  funcs: number;
  tables: number;
  memories: number;
  globals: number;
  tags: number;
}

export function importCounts(m: Module): ImportCounts {
  const c: ImportCounts = { funcs: 0, tables: 0, memories: 0, globals: 0, tags: 0 };
  for (const imp of m.imports) {
    switch (imp.desc.kind) {
      case ExternKind.func: c.funcs++; break;
      case ExternKind.table: c.tables++; break;
      case ExternKind.memory: c.memories++; break;
      case ExternKind.global: c.globals++; break;
      case ExternKind.tag: c.tags++; break;
    }
  }
  return c;
}

/** The type index of every function in the index space (imports first). */
export function funcTypeIndices(m: Module): number[] {
  const out: number[] = [];
  for (const imp of m.imports) if (imp.desc.kind === ExternKind.func) out.push(imp.desc.typeIndex);
  for (const t of m.funcs) out.push(t);
  return out;
}

export function funcTypeToString(t: FuncType): string {
  return `[${t.params.map(valTypeName).join(' ')}] -> [${t.results.map(valTypeName).join(' ')}]`;
}

export function funcTypeEquals(a: FuncType, b: FuncType): boolean {
  if (a.params.length !== b.params.length || a.results.length !== b.results.length) return false;
  for (let i = 0; i < a.params.length; i++) if (a.params[i] !== b.params[i]) return false;
  for (let i = 0; i < a.results.length; i++) if (a.results[i] !== b.results[i]) return false;
  return true;
}
