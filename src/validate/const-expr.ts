// Constant expressions (spec §3.3.10): global initialisers, segment offsets and element items.
// They are short and already decoded to `Instr[]` by the decoder, so they are checked here with a
// tiny stack of their own rather than by the body validator.

import { Features } from '../api/features.js';
import { Op, opInfo, opName } from '../binary/opcodes.js';
import { type ConstExpr, type Instr, ValType } from '../binary/types.js';
import { opFeature } from './tables.js';
import { type Context, invalid, malformed, typeListString } from './context.js';

const stack: number[] = [];

/**
 * Checks that `expr` is constant and has type [expected].
 *
 * `visibleGlobals` is how many globals the expression may read: in Wasm 2.0 only the imported ones
 * (the context C' of §3.4.10). The global must also be immutable: the value is fixed at instantiation.
 * `where` says where the expression is, for messages (called only on error).
 */
export function checkConstExpr(
  ctx: Context,
  expr: ConstExpr,
  expected: number,
  visibleGlobals: number,
  where: () => string,
): void {
  const extended = (ctx.features & Features.extendedConst) !== 0;
  stack.length = 0;
  // The reference interpreter first requires every instruction to be constant (looking up globals as
  // it goes), then types the sequence; the same order gives the same message for the same module.
  for (let i = 0; i < expr.length; i++) {
    const ins = expr[i]!;
    const op = ins.op;
    const need = opFeature[op] ?? 0;
    if (need !== 0 && (ctx.features & need) === 0) {
      // Opcodes of disabled proposals are not instructions at all: malformed, as in function bodies.
      throw malformed('illegal opcode', where());
    }
    switch (op) {
      case Op.i32_const:
      case Op.i64_const:
      case Op.f32_const:
      case Op.f64_const:
      case Op.v128_const:
      case Op.ref_null:
        break;
      case Op.ref_func:
        if (ins.index! >= ctx.funcCount) throw invalid(`unknown function ${ins.index}`, where());
        break;
      case Op.global_get: {
        const g = ins.index!;
        if (g >= visibleGlobals) throw invalid(`unknown global ${g}`, where());
        if (ctx.globalMut[g]) throw invalid('constant expression required', `${where()}, global ${g} is mutable`);
        break;
      }
      case Op.i32_add:
      case Op.i32_sub:
      case Op.i32_mul:
      case Op.i64_add:
      case Op.i64_sub:
      case Op.i64_mul:
        // extended-const proposal: integer add/sub/mul are constant.
        if (extended) break;
      // fallthrough
      default:
        throw invalid('constant expression required', `${where()}, ${opName(op)}`);
    }
  }
  for (let i = 0; i < expr.length; i++) {
    const ins = expr[i]!;
    switch (ins.op) {
      case Op.i32_const:
        stack.push(ValType.i32);
        break;
      case Op.i64_const:
        stack.push(ValType.i64);
        break;
      case Op.f32_const:
        stack.push(ValType.f32);
        break;
      case Op.f64_const:
        stack.push(ValType.f64);
        break;
      case Op.v128_const:
        stack.push(ValType.v128);
        break;
      case Op.ref_null:
        stack.push(ins.refType!);
        break;
      case Op.ref_func:
        stack.push(ValType.funcref);
        break;
      case Op.global_get:
        stack.push(ctx.globalType[ins.index!]!);
        break;
      default: {
        // Binary integer operators (extended-const).
        const t = opInfo(ins.op)!.name.startsWith('i32') ? ValType.i32 : ValType.i64;
        const n = stack.length;
        if (n < 2 || stack[n - 1] !== t || stack[n - 2] !== t) {
          throw invalid(
            `type mismatch: instruction requires ${typeListString([t, t])} but stack has ${typeListString(stack, Math.max(0, n - 2))}`,
            `${where()}, ${opName(ins.op)}`,
          );
        }
        stack.length = n - 1;
      }
    }
  }
  if (stack.length !== 1 || stack[0] !== expected) {
    throw invalid(
      `type mismatch: constant expression requires ${typeListString([expected])} but has ${typeListString(stack)}`,
      where(),
    );
  }
}

/** Adds the functions that `ref.func` names in `expr` to C.refs. */
export function collectRefs(expr: ConstExpr | null, refs: Uint8Array): void {
  if (expr === null) return;
  // Indexed: this runs once per element item and segment (tens of thousands in large modules), and
  // an iterator that escapes optimization is an allocation each.
  for (let i = 0; i < expr.length; i++) {
    const ins = expr[i]!;
    if (ins.op === Op.ref_func && ins.index! < refs.length) refs[ins.index!] = 1;
  }
}

/**
 * Whether `expr` is a single instruction that is constant and of type `expected` — what nearly every
 * segment offset and element item is (`i32.const n`, `ref.func f`). True only when `checkConstExpr`
 * would accept it, so callers may skip that call (and making its `where` closure) for these.
 */
export function isSimpleConst(ctx: Context, expr: ConstExpr, expected: number, visibleGlobals: number): boolean {
  if (expr.length !== 1) return false;
  const ins: Instr = expr[0]!;
  switch (ins.op) {
    case Op.i32_const:
      return expected === ValType.i32;
    case Op.i64_const:
      return expected === ValType.i64;
    case Op.f32_const:
      return expected === ValType.f32;
    case Op.f64_const:
      return expected === ValType.f64;
    case Op.ref_func:
      return expected === ValType.funcref && ins.index! < ctx.funcCount;
    case Op.ref_null:
      return expected === ins.refType;
    case Op.global_get: {
      const g = ins.index!;
      return g < visibleGlobals && ctx.globalMut[g] === 0 && ctx.globalType[g] === expected;
    }
    default:
      return false;
  }
}
