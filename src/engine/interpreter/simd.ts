// Placeholder replaced below.
import type { InterpInstance } from './instance.js';
export function simdOp(_inst: InterpInstance, _code: Int32Array, _pc: number, _fp: number): void {
  throw new Error('SIMD not implemented yet');
}
