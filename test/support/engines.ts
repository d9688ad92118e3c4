// The engines tests run on: every engine that can run here. Tests loop over `testEngines()` so each
// behaviour is checked on both engines, and print why an engine is left out.

import { newRuntime, newRuntimeConfig } from '../../src/index.js';
import type { Runtime } from '../../src/api/types.js';
import type { RuntimeConfig } from '../../src/api/config.js';

export type EngineName = 'interpreter' | 'compiler';

export interface TestEngine {
  name: EngineName;
  /** Why this engine is not available here, or null. */
  unavailable: string | null;
  runtime(config?: RuntimeConfig): Runtime;
}

function probe(name: EngineName): string | null {
  if (name === 'compiler' && typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'object') {
    return 'no WebAssembly global on this host (e.g. node --jitless)';
  }
  try {
    const rt = newRuntime(newRuntimeConfig().withEngine(name));
    // The smallest module: the magic and version alone.
    rt.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
    rt.close();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export function testEngines(): TestEngine[] {
  return (['interpreter', 'compiler'] as const).map((name) => ({
    name,
    unavailable: probe(name),
    runtime: (config = newRuntimeConfig()) => newRuntime(config.withEngine(name)),
  }));
}
