// The validation context (spec §3.1.1 "Contexts"), flattened into typed arrays so the body validator
// reads it without chasing objects: every function type's parameters and results live in one byte
// pool, and each index space is an array of small integers.

import { CompileError } from '../api/errors.js';
import { type Module, valTypeName } from '../binary/types.js';

/**
 * Offsets below 256 in the type pool hold the byte value itself (`pool[t] === t`), so a block type that
 * is a single value type `t` is the pool slice `[t, t + 1)`. Function types follow from here.
 */
export const POOL_BASE = 256;

export interface Context {
  readonly m: Module;
  readonly features: number;

  /** Parameter and result types of all function types, back to back (see POOL_BASE). */
  readonly pool: Uint8Array;
  readonly typeCount: number;
  /** Per type index: where its params start in `pool`, how many; where its results start, how many. */
  readonly paramStart: Int32Array;
  readonly paramCount: Int32Array;
  readonly resultStart: Int32Array;
  readonly resultCount: Int32Array;

  /** Type index of every function in the function index space (imports first). */
  readonly funcType: Int32Array;
  readonly funcCount: number;
  readonly importedFuncs: number;

  /** Element type of each table. */
  readonly tableType: Uint8Array;
  readonly tableCount: number;

  /** Address type of each memory: i32, or i64 for memory64 memories. */
  readonly memAddr: Uint8Array;
  readonly memCount: number;

  /** Value type and mutability (1 = var) of each global. */
  readonly globalType: Uint8Array;
  readonly globalMut: Uint8Array;
  readonly globalCount: number;
  readonly importedGlobals: number;

  /** Element type of each element segment. */
  readonly elemType: Uint8Array;
  readonly elemCount: number;

  /** Number of data segments (the data count section's value when present). */
  readonly dataCount: number;
  /** Whether the module has a data count section (memory.init and data.drop need it, §5.5.16). */
  readonly hasDataCount: boolean;

  /** Type index of each tag (exception handling). */
  readonly tagType: Int32Array;
  readonly tagCount: number;

  /**
   * C.refs (§3.4.10): 1 for each function index that occurs outside function bodies and the start
   * function (element segments, globals, exports, data offsets), so `ref.func` may name it in a body.
   */
  readonly refs: Uint8Array;
}

/** An invalid-module error ("invalid" kind). */
export function invalid(reason: string, where: string, offset = -1): CompileError {
  return new CompileError('invalid', reason, where, offset);
}

/** A malformed-module error ("malformed" kind). */
export function malformed(reason: string, where: string, offset = -1): CompileError {
  return new CompileError('malformed', reason, where, offset);
}

/** `[i32 f64]`: a result type as the spec's reference interpreter prints it in its messages. */
export function typeListString(types: ArrayLike<number>, start = 0, end = types.length): string {
  let s = '[';
  for (let i = start; i < end; i++) {
    if (i > start) s += ' ';
    const t = types[i]!;
    s += t === 0 ? '_' : valTypeName(t);
  }
  return s + ']';
}

/** A function's place, for messages: `function 5 (imported)` or `function 7 (defined #2)`. */
export function funcWhere(ctx: Context, index: number): string {
  return index < ctx.importedFuncs
    ? `function ${index} (imported)`
    : `function ${index} (defined #${index - ctx.importedFuncs})`;
}

/** Index spaces of imports, in import order (for messages about imports). */
export function importIndex(m: Module, importNo: number): string {
  let n = 0;
  const kind = m.imports[importNo]!.desc.kind;
  for (let i = 0; i < importNo; i++) if (m.imports[i]!.desc.kind === kind) n++;
  const names = ['function', 'table', 'memory', 'global', 'tag'];
  return `import ${importNo} (${names[kind] ?? 'entity'} ${n}, "${m.imports[importNo]!.module}" "${m.imports[importNo]!.name}")`;
}
