// The compilation cache (wazero's CompilationCache): what `Runtime.compile` can reuse from an earlier
// compile of the same bytes — in this process or another. An entry says "these bytes decoded and
// validated under this configuration" (so validation, the front end's most expensive step, is
// skipped) and carries the engine's own payload when the engine offers one (Engine.serialize).
//
// Storage is a small interface (`CompilationCache`: get/set of bytes by name), so the runtime decides
// what goes in an entry and how it is checked, and a store only keeps bytes: a directory
// (newCompilationCacheWithDir, src/sys/cache-dir.ts) or an in-memory map (newCompilationCache).
//
// An entry is used only when everything that could change the result matches: the module's sha256,
// wasmbox's version, the entry format, the features, the requested engine, the instrumentation, the
// limits engines may build in, and the host's V8 version (the compiler's support depends on it). These
// make the key; the entry also stores the key text and a sha256 of its own contents, so a truncated,
// garbled or colliding entry is ignored (and rewritten by the compile that follows).

import { createRequire } from 'node:module';
import type { RuntimeConfig } from '../api/config.js';
import type { Module } from '../binary/types.js';
import { VERSION } from '../version.js';
import type { CompileOptions, Engine, EngineKind, EngineModule, Instrumentation } from './engine.js';

/** Where compiled entries are kept: bytes by name. Implementations must make `set` atomic for readers. */
export interface CompilationCache {
  /** The bytes stored under `name`, or undefined. */
  get(name: string): Uint8Array | undefined;
  /** Stores bytes under `name` (replacing). May throw: the runtime then carries on without caching. */
  set(name: string, data: Uint8Array): void;
}

/** An in-memory cache, shared by the runtimes it is given to (wazero's NewCompilationCache). */
export function newCompilationCache(): CompilationCache {
  const m = new Map<string, Uint8Array>();
  return {
    get: (name) => m.get(name),
    set: (name, data) => void m.set(name, data.slice()),
  };
}

/** Bump when the entry layout or what an entry promises changes. */
const FORMAT = 1;
const MAGIC = 0x43584257; // "WBXC" little-endian
const HASH_LEN = 32;
const ENGINE_CODES: Record<EngineKind, number> = { interpreter: 1, compiler: 2 };

// node:crypto is loaded on first use: runs without a cache do not pay for it.
let cryptoMod: typeof import('node:crypto') | null = null;
function sha256(...parts: Uint8Array[]): Uint8Array {
  cryptoMod ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  const h = cryptoMod.createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** What a cache lookup found, and how to finish the compile with it. */
export interface CachedCompile {
  /** True when an entry vouches that these bytes validated under this configuration. */
  readonly validated: boolean;
  /** The engine module rebuilt from the entry's payload, or null (then compile as usual). */
  restore(engine: Engine, m: Module, options: CompileOptions): EngineModule | null;
  /** Records the result of a compile (when the entry is missing or does not match it). */
  store(engine: Engine, em: EngineModule): void;
}

interface Entry {
  engine: number;
  payload: Uint8Array | null;
}

/** The text every input that could change a compile's result is written into. */
export function cacheKeyText(config: RuntimeConfig, moduleHash: string, instrument: Instrumentation): string {
  return [
    `wasmbox ${VERSION}`,
    `format ${FORMAT}`,
    `module sha256:${moduleHash}`,
    `features ${config.features}`,
    `engine ${config.engine}`,
    `instrument fuel=${instrument.fuel ? 1 : 0} interrupt=${instrument.interrupt ? 1 : 0}`,
    `limits stack=${config.callStackLimit} pages=${config.memoryLimitPages}`,
    `host v8 ${process.versions.v8 ?? 'none'} wasm=${typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'object' ? 1 : 0}`,
  ].join('\n');
}

/**
 * Looks `bytes` up in the config's cache. Returns null when the config has no cache. Never throws for
 * a bad entry: it is treated as missing.
 */
export function openCached(config: RuntimeConfig, bytes: Uint8Array, instrument: Instrumentation): CachedCompile | null {
  const cache = config.compilationCache;
  if (!cache) return null;
  const keyText = cacheKeyText(config, hex(sha256(bytes)), instrument);
  const keyBytes = new TextEncoder().encode(keyText);
  const name = hex(sha256(keyBytes));
  let entry: Entry | null = null;
  try {
    const data = cache.get(name);
    if (data) entry = parseEntry(data, keyBytes);
  } catch {
    entry = null;
  }
  return {
    validated: entry !== null,
    restore(engine, m, options) {
      if (!entry || entry.payload === null || entry.engine !== ENGINE_CODES[engine.kind] || !engine.deserialize) return null;
      try {
        return engine.deserialize(m, options, entry.payload);
      } catch {
        // A payload the engine no longer accepts: compile afresh, and store() replaces it.
        entry.payload = null;
        return null;
      }
    },
    store(engine, em) {
      const code = ENGINE_CODES[engine.kind];
      // A matching entry stays: it already has the payload, or the engine offers none.
      if (entry && entry.engine === code && (entry.payload !== null || !engine.serialize)) return;
      let payload: Uint8Array | null = null;
      try {
        payload = engine.serialize?.(em) ?? null;
      } catch {
        payload = null;
      }
      if (entry && entry.engine === code && payload === null) return;
      try {
        cache.set(name, buildEntry(keyBytes, code, payload));
      } catch {
        // The cache is an optimisation: a read-only or full cache directory must not fail the compile.
      }
    },
  };
}

// Layout (little-endian): magic u32, format u32, key length u32, key, engine u8, has-payload u8,
// payload length u32, payload, then the sha256 of everything before it.
function buildEntry(key: Uint8Array, engine: number, payload: Uint8Array | null): Uint8Array {
  const p = payload ?? new Uint8Array(0);
  const size = 12 + key.length + 6 + p.length;
  const out = new Uint8Array(size + HASH_LEN);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, FORMAT, true);
  dv.setUint32(8, key.length, true);
  out.set(key, 12);
  let o = 12 + key.length;
  out[o] = engine;
  out[o + 1] = payload ? 1 : 0;
  dv.setUint32(o + 2, p.length, true);
  o += 6;
  out.set(p, o);
  out.set(sha256(out.subarray(0, size)), size);
  return out;
}

function parseEntry(data: Uint8Array, key: Uint8Array): Entry | null {
  if (data.length < 12 + 6 + HASH_LEN) return null;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (dv.getUint32(0, true) !== MAGIC || dv.getUint32(4, true) !== FORMAT) return null;
  const keyLen = dv.getUint32(8, true);
  if (keyLen !== key.length || 12 + keyLen + 6 + HASH_LEN > data.length) return null;
  for (let i = 0; i < keyLen; i++) if (data[12 + i] !== key[i]) return null;
  let o = 12 + keyLen;
  const engine = data[o]!;
  const hasPayload = data[o + 1] === 1;
  const len = dv.getUint32(o + 2, true);
  o += 6;
  if (o + len + HASH_LEN !== data.length) return null;
  const sum = sha256(data.subarray(0, o + len));
  for (let i = 0; i < HASH_LEN; i++) if (sum[i] !== data[o + len + i]) return null;
  if (engine !== ENGINE_CODES.interpreter && engine !== ENGINE_CODES.compiler) return null;
  return { engine, payload: hasPayload ? data.slice(o, o + len) : null };
}

/** The name and bytes of the entry a compile would store (for tests and tools that prepare caches). */
export function entryFor(
  config: RuntimeConfig,
  bytes: Uint8Array,
  instrument: Instrumentation,
  engine: EngineKind,
  payload: Uint8Array | null,
): { name: string; data: Uint8Array } {
  const key = new TextEncoder().encode(cacheKeyText(config, hex(sha256(bytes)), instrument));
  return { name: hex(sha256(key)), data: buildEntry(key, ENGINE_CODES[engine], payload) };
}
