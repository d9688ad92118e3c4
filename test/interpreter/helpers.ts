// Shared helpers for the interpreter tests: WAT -> wasm through wabt's wat2wasm (tests that need it
// skip with the reason when it is missing) and a runtime pinned to the interpreter engine.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newModuleConfig, newRuntime, newRuntimeConfig } from '../../src/index.js';
import type { ModuleInstance, Runtime } from '../../src/api/types.js';

let wat2wasmMissing: string | null | undefined;

/** Why WAT cannot be compiled here, or null when wat2wasm is available. */
export function watUnavailable(): string | null {
  if (wat2wasmMissing === undefined) {
    const r = spawnSync('wat2wasm', ['--version'], { encoding: 'utf8' });
    wat2wasmMissing = r.error || r.status !== 0 ? 'wat2wasm (wabt) is not installed: apt-get install wabt' : null;
  }
  return wat2wasmMissing;
}

/** Compiles WAT text to wasm bytes (with the name section, so traces show names). */
export function wat(text: string, flags: string[] = []): Uint8Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-wat-'));
  try {
    const src = path.join(dir, 'm.wat');
    const out = path.join(dir, 'm.wasm');
    fs.writeFileSync(src, text);
    const r = spawnSync('wat2wasm', ['--debug-names', ...flags, src, '-o', out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`wat2wasm failed: ${r.stderr}`);
    return new Uint8Array(fs.readFileSync(out));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function interpRuntime(callStackLimit?: number, features?: number): Runtime {
  let c = newRuntimeConfig().withEngine('interpreter');
  if (callStackLimit !== undefined) c = c.withCallStackLimit(callStackLimit);
  if (features !== undefined) c = c.withFeatures(features);
  return newRuntime(c);
}

/** Instantiates WAT on `rt` under `name`. */
export function inst(rt: Runtime, text: string, name = '', flags: string[] = []): ModuleInstance {
  return rt.instantiateBytes(wat(text, flags), newModuleConfig().withName(name));
}

/** Calls export `f` and returns its single result. */
export function call1(i: ModuleInstance, f: string, ...args: unknown[]): unknown {
  return i.exportedFunction(f)!.call(...args)[0];
}
