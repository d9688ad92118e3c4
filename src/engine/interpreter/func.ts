// The interpreter's function instance (a FuncInst the store and other engines can hold) and the
// lowered form of a function body that it runs.

import type { FuncType } from '../../binary/types.js';
import { FuncInst } from '../../runtime/store.js';
import type { RawValue } from '../../runtime/values.js';

/** A function body lowered once per module (shared by all its instances). */
export interface Lowered {
  /** The instruction stream (ops.ts). */
  code: Int32Array;
  /** Words taken by the parameters (they start the frame). */
  paramWords: number;
  /** Words taken by the results (written from the frame's start on return). */
  resultWords: number;
  /** Words the frame needs: parameters, locals and operand slots (at least resultWords). */
  frameWords: number;
  /** Whether a parameter is a reference (tail calls then move REFS entries too). */
  refParams: boolean;
  /**
   * Exception handlers (legacy exception handling), innermost try first, 7 ints each: protected
   * range [start, end) of code positions, kind (0 catch, 1 catch_all, 2 delegate), tag index, handler
   * pc, word offset of the values' slots, and the try's nesting depth. A delegate has its try's
   * depth in the handler-pc field and, in the depth field, the limit: after it, only tries with a
   * smaller depth may handle the exception.
   */
  handlers: Int32Array;
}

/** The instance state the executor reads; implemented by InterpInstance (instance.ts). */
export interface ExecInstance {
  readonly moduleName: string;
  /** The function index space (imports first). */
  readonly funcs: FuncInst[];
}

/** A function defined by an interpreter module, bound to one instance. */
export class InterpFunc extends FuncInst {
  readonly code: Int32Array;
  readonly frameWords: number;
  readonly paramWords: number;
  readonly resultWords: number;
  readonly refParams: boolean;
  readonly handlers: Int32Array;
  /** The owning instance (typed loosely here to keep func.ts free of instance.ts). */
  readonly inst: ExecInstance;
  /** Index in the module's function index space. */
  readonly index: number;
  /** Set by exec.ts: runs this function with raw arguments. */
  static invoker: (f: InterpFunc, args: readonly RawValue[]) => RawValue[];

  constructor(type: FuncType, debugName: string, lowered: Lowered, inst: ExecInstance, index: number) {
    super(type, debugName);
    this.code = lowered.code;
    this.frameWords = lowered.frameWords;
    this.paramWords = lowered.paramWords;
    this.resultWords = lowered.resultWords;
    this.refParams = lowered.refParams;
    this.handlers = lowered.handlers;
    this.inst = inst;
    this.index = index;
  }

  invoke(args: readonly RawValue[]): RawValue[] {
    return InterpFunc.invoker(this, args);
  }
}
