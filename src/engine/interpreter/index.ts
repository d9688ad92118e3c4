// The interpreter engine (issue #3): pure TypeScript, no eval/new Function and no use of the host's
// WebAssembly, so it runs where nothing else can (node --jitless, locked-down hosts). Modules are
// lowered once into a slot-based instruction stream (lower.ts) and run by exec.ts.

import type { Module } from '../../binary/types.js';
import type { CompileOptions, Engine, EngineModule } from '../../runtime/engine.js';
import { LOWERED_STAMP } from './build-stamp.js';
import { InterpModule } from './instance.js';
import { deserializeLowered, serializeLowered } from './serialize.js';

export { InterpModule, InterpInstance } from './instance.js';

export function interpreterEngine(): Engine {
  return {
    kind: 'interpreter',
    unsupported: () => null,
    compile(m: Module, options: CompileOptions): EngineModule {
      return new InterpModule(m, options);
    },
    // The compilation cache keeps the lowered code (serialize.ts); a build without a stamp keeps none.
    serialize(em: EngineModule): Uint8Array | null {
      if (!(em instanceof InterpModule) || LOWERED_STAMP === '') return null;
      return serializeLowered(em.lowered, LOWERED_STAMP);
    },
    deserialize(m: Module, options: CompileOptions, payload: Uint8Array): EngineModule {
      return new InterpModule(m, options, true, deserializeLowered(payload, m.codes.length, LOWERED_STAMP));
    },
  };
}
