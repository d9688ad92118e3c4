// Maps what the host engine throws to wasmbox's closed set of traps, so both engines report the
// same trap codes and spec texts. V8's RuntimeError messages (Node 20) are matched by their wording.

import { Trap, TrapCode } from '../../api/errors.js';

const v8Messages: [RegExp, TrapCode][] = [
  [/^unreachable/, TrapCode.unreachable],
  [/^memory access out of bounds/, TrapCode.outOfBoundsMemoryAccess],
  [/^data segment (has been dropped|out of bounds)/, TrapCode.outOfBoundsMemoryAccess],
  [/^divide by zero|^remainder by zero/, TrapCode.integerDivideByZero],
  [/^divide result unrepresentable/, TrapCode.integerOverflow],
  [/^float unrepresentable in integer range/, TrapCode.invalidConversionToInteger],
  [/^table index is out of bounds|^table access out of bounds/, TrapCode.outOfBoundsTableAccess],
  [/^element segment (has been dropped|out of bounds)/, TrapCode.outOfBoundsTableAccess],
  [/^null function or function signature mismatch/, TrapCode.indirectCallTypeMismatch],
  [/^function signature mismatch/, TrapCode.indirectCallTypeMismatch],
  [/^dereferencing a null pointer/, TrapCode.nullReference],
  [/^operation does not support unaligned accesses/, TrapCode.unalignedAtomic],
  [/^atomics wait is not allowed|^expected shared memory/, TrapCode.expectedSharedMemory],
];

/**
 * Converts an error thrown by host-compiled code: RuntimeErrors become Traps, stack overflow becomes
 * "call stack exhausted"; anything else (host function exceptions, ExitError) passes through.
 */
export function mapHostError(e: unknown): unknown {
  if (e instanceof Trap) return e;
  const W = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
  if (W && e instanceof W.RuntimeError) {
    // Messages raised while instantiating carry the API's name first: "WebAssembly.Instance(): …".
    const msg = e.message.replace(/^WebAssembly\.\w+\(\): /, '');
    for (const [re, code] of v8Messages) {
      if (re.test(msg)) return new Trap(code, '', []);
    }
    return new Trap(TrapCode.unreachable, e.message);
  }
  if (e instanceof RangeError && /call stack size/i.test(e.message)) {
    return new Trap(TrapCode.callStackExhausted);
  }
  return e;
}
