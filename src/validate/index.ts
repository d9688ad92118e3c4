// The validator (spec §3): `validateModule` checks a decoded module and throws `CompileError` when it
// is invalid — or malformed, for bad bytes inside function bodies, which are first decoded here.

import { CompileError } from '../api/errors.js';
import type { Module } from '../binary/types.js';
import { CodeValidator } from './code.js';
import { buildContext, checkAfterCode, checkBeforeCode } from './module.js';
import { scanBodiesForMalformed } from './scan.js';
import { opClasses } from './tables.js';

export { MAX_LOCALS } from './code.js';

// One body validator for the whole process: its stacks grow to the largest function seen and are
// reused, so validating allocates (almost) nothing per function.
let shared: CodeValidator | null = null;

/**
 * Validates a decoded module under the given features (`Features` flags). Throws `CompileError`:
 * kind `invalid` for validation errors, `malformed` for bad bytes met while decoding function bodies
 * (and for instructions of proposals not enabled). The message starts with the spec's wording, then
 * says where (section, function, instruction, byte offset).
 */
export function validateModule(m: Module, features: number): void {
  const ctx = buildContext(m, features);
  try {
    checkBeforeCode(ctx);
    const cls = opClasses(features);
    // Reentrancy (a validation started from inside another is impossible today, but cheap to allow).
    const v = shared ?? new CodeValidator();
    shared = null;
    try {
      v.validateAll(ctx, cls, m.codes);
    } finally {
      v.release();
      shared = v;
    }
    checkAfterCode(ctx);
  } catch (e) {
    // The spec decodes everything before validating anything: bad bytes anywhere in the bodies take
    // precedence over an invalid construct (see scan.ts).
    if (e instanceof CompileError && e.kind !== 'malformed') {
      scanBodiesForMalformed(m, features, ctx.importedFuncs);
    }
    throw e;
  }
}
