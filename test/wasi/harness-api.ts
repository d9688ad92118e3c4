// The one place the WASI conformance harness touches wasmbox's WASI API (branch `wasi`, issue #5).
// Until that API is merged, the names are looked up at run time through a namespace import, so this
// file type-checks either way and `wasiUnavailable()` says why the tests are skipped. Once merged,
// this can become plain named imports of the same functions.

import * as wasmbox from '../../src/index.js';
import { ExitError, newModuleConfig } from '../../src/index.js';
import type { Runtime } from '../../src/api/types.js';
import type { Fixture } from './cases.js';

/** The parts of the contract the harness uses (see the issue / the `wasi` branch). */
interface FSConfigLike {
  withDirMount(hostDir: string, guestPath: string): FSConfigLike;
  withReadOnlyDirMount(hostDir: string, guestPath: string): FSConfigLike;
  withFSMount(fs: unknown, guestPath: string): FSConfigLike;
}
interface WasiModuleConfigLike {
  withArgs(...args: string[]): WasiModuleConfigLike;
  withEnv(key: string, value: string): WasiModuleConfigLike;
  withStdin(data: Uint8Array): WasiModuleConfigLike;
  withStdout(w: { write(data: Uint8Array): void }): WasiModuleConfigLike;
  withStderr(w: { write(data: Uint8Array): void }): WasiModuleConfigLike;
  withFSConfig(fs: FSConfigLike): WasiModuleConfigLike;
}
interface WasiApi {
  instantiateWasi(rt: Runtime): unknown;
  newFSConfig(): FSConfigLike;
  memoryFS(init: Fixture): unknown;
  /** Optional: a read-only wrapper for any FS, if the API has one. */
  readOnlyFS?: (fs: unknown) => unknown;
}

const api = wasmbox as unknown as Partial<WasiApi>;

/** Why the WASI API cannot be used here, or null when it can. */
export function wasiUnavailable(): string | null {
  const missing = (['instantiateWasi', 'newFSConfig', 'memoryFS'] as const).filter((n) => typeof api[n] !== 'function');
  if (missing.length) return `wasmbox's WASI API is not available yet (missing: ${missing.join(', ')})`;
  const cfg = newModuleConfig() as unknown as Partial<WasiModuleConfigLike>;
  if (typeof cfg.withArgs !== 'function' || typeof cfg.withFSConfig !== 'function') {
    return 'ModuleConfig has no WASI settings yet (withArgs/withFSConfig)';
  }
  return null;
}

export type FSKind = 'hostdir' | 'memory';

export interface MountSpec {
  guest: string;
  readOnly: boolean;
  /** For 'hostdir': a fresh host directory holding the fixture. */
  hostDir?: string;
  /** For 'memory': the fixture tree itself. */
  fixture?: Fixture;
}

export interface RunSpec {
  args: string[];
  env: [string, string][];
  stdin: Uint8Array;
  mounts: MountSpec[];
}

export interface RunResult {
  exitCode: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
}

/** Why this FS kind / mount combination cannot run, or null. */
export function mountUnsupported(kind: FSKind, mounts: MountSpec[]): string | null {
  if (kind === 'memory' && mounts.some((m) => m.readOnly) && typeof api.readOnlyFS !== 'function') {
    return 'no read-only wrapper for the in-memory FS in the API';
  }
  return null;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Runs `_start` of `wasm` with WASI on `rt` (which must be fresh) and returns what it did. */
export function runWasi(rt: Runtime, wasm: Uint8Array, spec: RunSpec): RunResult {
  const w = api as WasiApi;
  w.instantiateWasi(rt);
  let fs = w.newFSConfig();
  for (const m of spec.mounts) {
    if (m.hostDir !== undefined) {
      fs = m.readOnly ? fs.withReadOnlyDirMount(m.hostDir, m.guest) : fs.withDirMount(m.hostDir, m.guest);
    } else {
      // Keys sorted so every directory comes before what it holds.
      const init: Fixture = {};
      for (const k of Object.keys(m.fixture ?? {}).sort()) init[k] = m.fixture![k];
      const mem = w.memoryFS(init);
      fs = fs.withFSMount(m.readOnly ? w.readOnlyFS!(mem) : mem, m.guest);
    }
  }
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  let config = (newModuleConfig() as unknown as WasiModuleConfigLike)
    .withArgs(...spec.args)
    .withStdin(spec.stdin)
    .withStdout({ write: (d) => void out.push(d.slice()) })
    .withStderr({ write: (d) => void err.push(d.slice()) })
    .withFSConfig(fs);
  for (const [k, v] of spec.env) config = config.withEnv(k, v);
  let exitCode = 0;
  try {
    rt.instantiate(rt.compile(wasm), config as unknown as ReturnType<typeof newModuleConfig>);
  } catch (e) {
    if (e instanceof ExitError) exitCode = e.exitCode;
    else throw e;
  }
  return { exitCode, stdout: concat(out), stderr: concat(err) };
}
