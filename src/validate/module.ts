// Module validation (spec §3.4 Modules): builds the context C of §3.4.10 and checks every component
// against it, in the order of the spec's reference interpreter, so that a module with several problems
// reports the same first one.

import { Features } from '../api/features.js';
import {
  ExternKind,
  type Limits,
  type MemoryType,
  type Module,
  ValType,
  sectionName,
  SectionId,
} from '../binary/types.js';
import { type Context, POOL_BASE, funcWhere, importIndex, invalid, typeListString } from './context.js';
import { checkConstExpr, collectRefs, isSimpleConst } from './const-expr.js';

/** 2^16 pages of 64 KiB: a 32-bit memory's address space (§3.2.4). */
const MAX_PAGES_32 = 65536;
/** memory64 proposal: 2^48 pages of 64 KiB fill a 64-bit address space. */
const MAX_PAGES_64 = 2 ** 48;
/** Table sizes are u32 (§3.2.5). */
const MAX_TABLE = 2 ** 32 - 1;

/** Builds the context (§3.4.10 C) from the module's declarations. Checks nothing. */
export function buildContext(m: Module, features: number): Context {
  // Type pool: the identity below POOL_BASE (single value types), then each function type.
  let poolSize = POOL_BASE;
  for (const t of m.types) poolSize += t.params.length + t.results.length;
  const pool = new Uint8Array(poolSize);
  for (let i = 0; i < POOL_BASE; i++) pool[i] = i;
  const typeCount = m.types.length;
  const paramStart = new Int32Array(typeCount);
  const paramCount = new Int32Array(typeCount);
  const resultStart = new Int32Array(typeCount);
  const resultCount = new Int32Array(typeCount);
  let at = POOL_BASE;
  for (let i = 0; i < typeCount; i++) {
    const t = m.types[i]!;
    paramStart[i] = at;
    paramCount[i] = t.params.length;
    for (const p of t.params) pool[at++] = p;
    resultStart[i] = at;
    resultCount[i] = t.results.length;
    for (const r of t.results) pool[at++] = r;
  }

  let nf = 0;
  let nt = 0;
  let nm = 0;
  let ng = 0;
  let ntag = 0;
  for (const imp of m.imports) {
    switch (imp.desc.kind) {
      case ExternKind.func: nf++; break;
      case ExternKind.table: nt++; break;
      case ExternKind.memory: nm++; break;
      case ExternKind.global: ng++; break;
      case ExternKind.tag: ntag++; break;
    }
  }
  const importedFuncs = nf;
  const importedGlobals = ng;
  const funcType = new Int32Array(nf + m.funcs.length);
  const tableType = new Uint8Array(nt + m.tables.length);
  const memAddr = new Uint8Array(nm + m.memories.length);
  const globalType = new Uint8Array(ng + m.globals.length);
  const globalMut = new Uint8Array(ng + m.globals.length);
  const tagType = new Int32Array(ntag + m.tags.length);
  nf = nt = nm = ng = ntag = 0;
  const addrOf = (t: MemoryType): number => (t.index64 ? ValType.i64 : ValType.i32);
  for (const imp of m.imports) {
    const d = imp.desc;
    switch (d.kind) {
      case ExternKind.func: funcType[nf++] = d.typeIndex; break;
      case ExternKind.table: tableType[nt++] = d.type.elemType; break;
      case ExternKind.memory: memAddr[nm++] = addrOf(d.type); break;
      case ExternKind.global:
        globalType[ng] = d.type.type;
        globalMut[ng++] = d.type.mutable ? 1 : 0;
        break;
      case ExternKind.tag: tagType[ntag++] = d.type.typeIndex; break;
    }
  }
  for (let i = 0; i < m.funcs.length; i++) funcType[nf++] = m.funcs[i]!;
  for (const t of m.tables) tableType[nt++] = t.elemType;
  for (const t of m.memories) memAddr[nm++] = addrOf(t);
  for (const g of m.globals) {
    globalType[ng] = g.type.type;
    globalMut[ng++] = g.type.mutable ? 1 : 0;
  }
  for (const t of m.tags) tagType[ntag++] = t.typeIndex;

  const elemType = new Uint8Array(m.elems.length);
  for (let i = 0; i < m.elems.length; i++) elemType[i] = m.elems[i]!.elemType;

  // C.refs: functions named outside function bodies and the start function (§3.4.10).
  const refs = new Uint8Array(nf);
  // Indexed loops over the long lists (one item per element item and data segment).
  for (const g of m.globals) collectRefs(g.init, refs);
  for (const e of m.elems) {
    collectRefs(e.offset, refs);
    const init = e.init;
    for (let j = 0; j < init.length; j++) collectRefs(init[j]!, refs);
  }
  for (let i = 0; i < m.datas.length; i++) collectRefs(m.datas[i]!.offset, refs);
  for (const x of m.exports) if (x.kind === ExternKind.func && x.index < nf) refs[x.index] = 1;

  return {
    m,
    features,
    pool,
    typeCount,
    paramStart,
    paramCount,
    resultStart,
    resultCount,
    funcType,
    funcCount: nf,
    importedFuncs,
    tableType,
    tableCount: nt,
    memAddr,
    memCount: nm,
    globalType,
    globalMut,
    globalCount: ng,
    importedGlobals,
    elemType,
    elemCount: m.elems.length,
    dataCount: m.datas.length,
    hasDataCount: m.dataCount !== null,
    tagType,
    tagCount: ntag,
    refs,
  };
}

function checkLimits(lim: Limits, range: number, rangeMsg: string, where: () => string): void {
  if (lim.min > range) throw invalid(rangeMsg, where());
  if (lim.max !== undefined) {
    if (lim.max > range) throw invalid(rangeMsg, where());
    if (lim.min > lim.max) throw invalid('size minimum must not be greater than maximum', where());
  }
}

function checkTableLimits(lim: Limits, where: () => string): void {
  checkLimits(lim, MAX_TABLE, 'table size must be at most 2^32-1', where);
}

function checkMemoryType(t: MemoryType, where: () => string): void {
  if (t.index64) {
    checkLimits(t.limits, MAX_PAGES_64, 'memory size must be at most 2^48 pages (256TiB)', where);
  } else {
    checkLimits(t.limits, MAX_PAGES_32, 'memory size must be at most 65536 pages (4GiB)', where);
  }
  // threads proposal: a shared memory's size must be bounded (it cannot move when it grows).
  if (t.shared && t.limits.max === undefined) throw invalid('shared memory must have maximum', where());
}

function checkTypeIndex(ctx: Context, t: number, where: () => string): void {
  if (t >= ctx.typeCount) throw invalid(`unknown type ${t}`, where());
}

/** Tags (exception handling): the type exists and has no results. */
function checkTagType(ctx: Context, t: number, where: () => string): void {
  checkTypeIndex(ctx, t, where);
  if (ctx.resultCount[t] !== 0) {
    const rs = ctx.resultStart[t]!;
    throw invalid(
      `non-empty tag result type ${typeListString(ctx.pool, rs, rs + ctx.resultCount[t]!)}`,
      where(),
    );
  }
}

/**
 * Checks everything but the function bodies, in two steps around them as the reference interpreter
 * does: `checkBeforeCode` (imports … data segments), then the bodies, then `checkAfterCode` (start
 * function, exports, memory count).
 */
export function checkBeforeCode(ctx: Context): void {
  const m = ctx.m;

  for (let i = 0; i < m.imports.length; i++) {
    const d = m.imports[i]!.desc;
    const where = (): string => `import section, ${importIndex(m, i)}`;
    switch (d.kind) {
      case ExternKind.func:
        checkTypeIndex(ctx, d.typeIndex, where);
        break;
      case ExternKind.table:
        checkTableLimits(d.type.limits, where);
        break;
      case ExternKind.memory:
        checkMemoryType(d.type, where);
        break;
      case ExternKind.tag:
        checkTagType(ctx, d.type.typeIndex, where);
        break;
    }
  }
  for (let i = 0; i < m.funcs.length; i++) {
    const t = m.funcs[i]!;
    if (t >= ctx.typeCount) {
      throw invalid(`unknown type ${t}`, `function section, ${funcWhere(ctx, ctx.importedFuncs + i)}`);
    }
  }

  // Constant expressions see only the imported globals (context C' of §3.4.10; the 2.0 suite
  // rejects a data or element offset that reads a global of the module itself).
  for (let i = 0; i < m.globals.length; i++) {
    const g = m.globals[i]!;
    const where = (): string => `global section, global ${ctx.importedGlobals + i}`;
    checkConstExpr(ctx, g.init, g.type.type, ctx.importedGlobals, where);
  }
  for (let i = 0; i < m.tables.length; i++) {
    checkTableLimits(m.tables[i]!.limits, () => `table section, table ${ctx.tableCount - m.tables.length + i}`);
  }
  for (let i = 0; i < m.memories.length; i++) {
    checkMemoryType(m.memories[i]!, () => `memory section, memory ${ctx.memCount - m.memories.length + i}`);
  }
  for (let i = 0; i < m.tags.length; i++) {
    checkTagType(ctx, m.tags[i]!.typeIndex, () => `tag section, tag ${ctx.tagCount - m.tags.length + i}`);
  }

  // Element segments (§3.4.5): the items first, then the mode, as the reference interpreter does.
  // The common offsets and items skip checkConstExpr, whose `where` closures alone would be an
  // allocation per item (ruby.wasm: 8,775 items, 17,866 data segments).
  for (let i = 0; i < m.elems.length; i++) {
    const e = m.elems[i]!;
    const where = (): string => `element section, segment ${i}`;
    for (let j = 0; j < e.init.length; j++) {
      const item = e.init[j]!;
      if (isSimpleConst(ctx, item, e.elemType, ctx.importedGlobals)) continue;
      checkConstExpr(ctx, item, e.elemType, ctx.importedGlobals, () => `${where()}, item ${j}`);
    }
    if (e.mode === 'active') {
      if (e.table >= ctx.tableCount) throw invalid(`unknown table ${e.table}`, where());
      if (ctx.tableType[e.table] !== e.elemType) {
        throw invalid(
          `type mismatch: segment of ${typeListString([e.elemType])} for a table of ${typeListString([ctx.tableType[e.table]!])}`,
          where(),
        );
      }
      checkConstExpr(ctx, e.offset ?? [], ValType.i32, ctx.importedGlobals, () => `${where()}, offset`);
    }
  }

  // Data segments (§3.4.6): an active one's offset has the memory's address type.
  for (let i = 0; i < m.datas.length; i++) {
    const d = m.datas[i]!;
    if (d.mode !== 'active') continue;
    if (d.memory >= ctx.memCount) throw invalid(`unknown memory ${d.memory}`, `data section, segment ${i}`);
    const offset = d.offset ?? [];
    if (isSimpleConst(ctx, offset, ctx.memAddr[d.memory]!, ctx.importedGlobals)) continue;
    checkConstExpr(ctx, offset, ctx.memAddr[d.memory]!, ctx.importedGlobals, () => `data section, segment ${i}, offset`);
  }
}

export function checkAfterCode(ctx: Context): void {
  const m = ctx.m;

  // The start function (§3.4.8) takes and returns nothing.
  if (m.start !== null) {
    const where = `${sectionName(SectionId.start)} section`;
    if (m.start >= ctx.funcCount) throw invalid(`unknown function ${m.start}`, where);
    const t = ctx.funcType[m.start]!;
    if (ctx.paramCount[t] !== 0 || ctx.resultCount[t] !== 0) {
      throw invalid('start function must have type [] -> []', `${where}, ${funcWhere(ctx, m.start)}`);
    }
  }

  // Exports (§3.4.9): each names an existing entity, and names are unique.
  const names = new Set<string>();
  for (let i = 0; i < m.exports.length; i++) {
    const x = m.exports[i]!;
    const where = `export section, export ${i} "${x.name}"`;
    const [what, count] =
      x.kind === ExternKind.func ? ['function', ctx.funcCount]
      : x.kind === ExternKind.table ? ['table', ctx.tableCount]
      : x.kind === ExternKind.memory ? ['memory', ctx.memCount]
      : x.kind === ExternKind.global ? ['global', ctx.globalCount]
      : ['tag', ctx.tagCount];
    if (x.index >= count) throw invalid(`unknown ${what} ${x.index}`, where);
    if (names.has(x.name)) throw invalid('duplicate export name', where);
    names.add(x.name);
  }

  // One memory at most, unless multi-memory (§3.4.10 in Wasm 2.0).
  if (ctx.memCount > 1 && !(ctx.features & Features.multiMemory)) {
    throw invalid('multiple memories are not allowed (enable multi-memory)', `${ctx.memCount} memories`);
  }
}
