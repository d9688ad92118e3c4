// The interpreter engine (issue #3): pure TypeScript, no eval/new Function and no use of the host's
// WebAssembly, so it runs where nothing else can (node --jitless, locked-down hosts). Modules are
// lowered once into a slot-based instruction stream (lower.ts) and run by exec.ts.

import type { Module } from '../../binary/types.js';
import type { CompileOptions, Engine, EngineModule } from '../../runtime/engine.js';
import { InterpModule } from './instance.js';

export { InterpModule, InterpInstance } from './instance.js';

export function interpreterEngine(): Engine {
  return {
    kind: 'interpreter',
    unsupported: () => null,
    compile(m: Module, options: CompileOptions): EngineModule {
      return new InterpModule(m, options);
    },
  };
}
