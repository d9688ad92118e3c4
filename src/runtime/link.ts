// Import resolution and matching (spec §4.5.4 "external typing" and §4.5.3 "import matching"):
// each import names a module and an item; the item must exist and its type must match the import's.

import { LinkError } from '../api/errors.js';
import {
  ExternKind,
  type Import,
  type Limits,
  type Module,
  externKindName,
  funcTypeEquals,
  funcTypeToString,
  valTypeName,
} from '../binary/types.js';
import { type ExternVal, describeExtern } from './store.js';

/** Where imports are looked up: module name -> item name -> extern value. */
export interface ImportResolver {
  resolve(module: string, name: string): ExternVal | undefined;
}

/** Limits subtyping (§4.5.3.2): the actual limits must be within the expected ones. */
export function limitsMatch(actual: Limits, expected: Limits): boolean {
  if (actual.min < expected.min) return false;
  if (expected.max === undefined) return true;
  return actual.max !== undefined && actual.max <= expected.max;
}

/**
 * Resolves every import of `m` (checking kinds and types), returning the extern values in import
 * order. Throws LinkError "unknown import" or "incompatible import type".
 */
export function resolveImports(m: Module, resolver: ImportResolver): ExternVal[] {
  const out: ExternVal[] = [];
  for (const imp of m.imports) {
    const v = resolver.resolve(imp.module, imp.name);
    if (v === undefined) {
      throw new LinkError('unknown import', `${imp.module}.${imp.name} (${externKindName(imp.desc.kind)})`);
    }
    const why = mismatch(m, imp, v);
    if (why !== null) {
      throw new LinkError('incompatible import type', `${imp.module}.${imp.name}: ${why}`);
    }
    out.push(v);
  }
  return out;
}

/** Why extern value `v` does not match import `imp`, or null when it does. */
export function mismatch(m: Module, imp: Import, v: ExternVal): string | null {
  const d = imp.desc;
  const want = () => `expected ${describeImport(m, imp)}, got ${describeExtern(v)}`;
  switch (d.kind) {
    case ExternKind.func: {
      if (v.kind !== 'func') return want();
      const t = m.types[d.typeIndex]!;
      return funcTypeEquals(t, v.type) ? null : want();
    }
    case ExternKind.table: {
      if (v.kind !== 'table') return want();
      if (v.type.elemType !== d.type.elemType) return want();
      const actual: Limits = { min: v.size(), max: v.type.limits.max };
      return limitsMatch(actual, d.type.limits) ? null : want();
    }
    case ExternKind.memory: {
      if (v.kind !== 'memory') return want();
      if (!!v.type.shared !== !!d.type.shared || !!v.type.index64 !== !!d.type.index64) return want();
      const actual: Limits = { min: v.pages, max: v.type.limits.max };
      return limitsMatch(actual, d.type.limits) ? null : want();
    }
    case ExternKind.global: {
      if (v.kind !== 'global') return want();
      return v.type.type === d.type.type && v.type.mutable === d.type.mutable ? null : want();
    }
    case ExternKind.tag: {
      if (v.kind !== 'tag') return want();
      const t = m.types[d.type.typeIndex]!;
      return funcTypeEquals(t, v.type) ? null : want();
    }
  }
}

function limitsText(l: Limits): string {
  return l.max === undefined ? `${l.min}` : `${l.min} ${l.max}`;
}

export function describeImport(m: Module, imp: Import): string {
  const d = imp.desc;
  switch (d.kind) {
    case ExternKind.func:
      return `func ${funcTypeToString(m.types[d.typeIndex]!)}`;
    case ExternKind.table:
      return `table ${valTypeName(d.type.elemType)} ${limitsText(d.type.limits)}`;
    case ExternKind.memory:
      return `memory ${limitsText(d.type.limits)}${d.type.shared ? ' shared' : ''}`;
    case ExternKind.global:
      return `global ${d.type.mutable ? 'mut ' : ''}${valTypeName(d.type.type)}`;
    case ExternKind.tag:
      return `tag ${funcTypeToString(m.types[d.type.typeIndex]!)}`;
  }
}
