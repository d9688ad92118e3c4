// Engine parity: every module of test/parity/corpus (WAT sources, assembled with wat2wasm at test
// time) runs its `;; run:` calls on each engine, plainly, with fuel (`;; fuel: N`, one tank for the
// whole list), and bounded by a timeout. Results (bit patterns), traps (code and message with the wasm
// stack trace), host errors, memory contents after each call and fuel counts must be the same on
// both engines; on one engine alone, the bounded runs must match the plain ones.
//
// Directives in a corpus file:
//   ;; run: EXPORT ARG...   ARG: a number, `nan`, or an integer ending in `n` for i64
//   ;; fuel: N              also run the list with RuntimeConfig.withFuel(N)
//   ;; features: NAME...    proposals to enable (and pass to wat2wasm)
// PARITY_SHOW=1 prints every outcome.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ExitError, Trap, TrapCode, featureByName, newModuleConfig, newRuntimeConfig } from '../../src/index.js';
import type { RuntimeConfig } from '../../src/api/config.js';
import { defaultFeatures } from '../../src/api/features.js';
import type { ModuleInstance, Runtime, WasmValue } from '../../src/api/types.js';
import { internals } from '../../src/runtime/api-module.js';
import { FuncInst } from '../../src/runtime/store.js';
import { toRaw } from '../../src/runtime/values.js';
import { type TestEngine, testEngines } from '../support/engines.js';
import { projectRoot } from '../support/spec-suite.js';
import { wat, watUnavailable } from '../support/wat.js';

const corpusDir = path.join(projectRoot, 'test', 'parity', 'corpus');

interface Entry {
  name: string;
  source: string;
  runs: { fn: string; args: WasmValue[] }[];
  fuel: number | null;
  features: number;
  flags: string[];
}

function parseArg(s: string): WasmValue {
  if (s === 'nan') return NaN;
  if (/^-?\d+n$/.test(s)) return BigInt(s.slice(0, -1));
  const n = Number(s);
  if (Number.isNaN(n)) throw new Error(`bad argument ${s}`);
  return n;
}

function readCorpus(): Entry[] {
  return fs.readdirSync(corpusDir).filter((f) => f.endsWith('.wat')).sort().map((f) => {
    const source = fs.readFileSync(path.join(corpusDir, f), 'utf8');
    const e: Entry = { name: f, source, runs: [], fuel: null, features: defaultFeatures, flags: [] };
    for (const line of source.split('\n')) {
      const m = /^;; (run|fuel|features): (.*)$/.exec(line.trim());
      if (!m) continue;
      const words = m[2]!.trim().split(/\s+/);
      if (m[1] === 'run') e.runs.push({ fn: words[0]!, args: words.slice(1).map(parseArg) });
      else if (m[1] === 'fuel') e.fuel = Number(words[0]);
      else for (const w of words) {
        e.features |= featureByName(w) ?? 0;
        e.flags.push(`--enable-${w === 'exception-handling' ? 'exceptions' : w}`);
      }
    }
    return e;
  });
}

/** A raw result as comparable text (floats are bit patterns already). */
function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof FuncInst) return 'funcref';
  return String(v);
}

/** The host module the corpus imports as "env". */
function registerEnv(rt: Runtime, log: string[], self: () => ModuleInstance) {
  rt.newHostModuleBuilder('env')
    .exportFunction('add', { params: ['i32', 'i32'], results: ['i32'] }, (_c, a: number, b: number) => (a + b) | 0)
    .exportFunction('log', { params: ['i32', 'i32'], results: [] }, (c, p: number, n: number) => void log.push(c.memory()!.readString(p, n)))
    .exportFunction('fail', { params: [], results: [] }, () => {
      throw new Error('host failure');
    })
    .exportFunction('callback', { params: ['i32'], results: ['i32'] }, (_c, n: number) => self().exportedFunction('down')!.call(n)[0])
    .instantiate();
}

type Mode = 'plain' | 'fuel' | 'bounded';

/** Runs an entry's list in a fresh runtime; one line of outcome per call. */
function runEntry(eng: TestEngine, e: Entry, mode: Mode): string[] {
  let config: RuntimeConfig = newRuntimeConfig().withFeatures(e.features);
  if (mode === 'fuel') config = config.withFuel(e.fuel!);
  if (mode === 'bounded') config = config.withCloseOnContextDone(true);
  const rt = eng.runtime(config);
  const log: string[] = [];
  let inst: ModuleInstance | undefined;
  registerEnv(rt, log, () => inst!);
  const out: string[] = [];
  try {
    inst = rt.instantiate(rt.compile(wat(e.source, ...e.flags)), newModuleConfig());
  } catch (err) {
    rt.close();
    return [`instantiate: ${describe(err)}`];
  }
  for (const r of e.runs) {
    const f = inst.exportedFunction(r.fn);
    if (!f) throw new Error(`${e.name}: no export ${r.fn}`);
    const type = internals.func.get(f)!.type;
    let line = `${r.fn}(${r.args.map(show).join(', ')}) -> `;
    try {
      const res = mode === 'bounded' ? f.callWith({ timeout: 60_000 }, ...r.args) : f.call(...r.args);
      // Results as raw values: floats as bit patterns (NaN payloads the corpus checks go through integers).
      line += `[${res.map((v, i) => show(toRaw(type.results[i]!, v))).join(', ')}]`;
    } catch (err) {
      line += describe(err);
    }
    const mem = inst.memory();
    if (mem) line += ` mem:${crypto.createHash('sha256').update(mem.bytes()).digest('hex').slice(0, 12)}`;
    if (mode === 'fuel') line += ` fuel:${rt.fuelConsumed()}`;
    if (log.length) line += ` log:${JSON.stringify(log.splice(0))}`;
    out.push(line);
  }
  rt.close();
  return out;
}

function describe(err: unknown): string {
  if (err instanceof Trap) {
    // Stack exhaustion happens at an engine-specific depth; the innermost frame and the code must agree.
    if (err.code === TrapCode.callStackExhausted) return `trap ${err.code} at ${err.wasmStack[0]?.name}`;
    return `trap ${JSON.stringify(err.message)}`;
  }
  if (err instanceof ExitError) return `exit ${err.exitCode}`;
  if (err instanceof Error) return `error ${JSON.stringify(err.message)}`;
  return `thrown ${String(err)}`;
}

const corpus = readCorpus();
const engines = testEngines();
const skipAll = watUnavailable() ?? false;

for (const e of corpus) {
  test(`parity: ${e.name}`, { skip: skipAll }, (t) => {
    const modes: Mode[] = ['plain', 'bounded', ...(e.fuel !== null ? (['fuel'] as const) : [])];
    const byEngine = new Map<string, Record<string, string[]>>();
    for (const eng of engines) {
      if (eng.unavailable) {
        t.diagnostic(`${eng.name} skipped: ${eng.unavailable}`);
        continue;
      }
      const res: Record<string, string[]> = {};
      for (const mode of modes) res[mode] = runEntry(eng, e, mode);
      // Bounded calls run the instrumented module: everything but the bounds must be the same.
      assert.deepEqual(res.bounded, res.plain, `${eng.name}: bounded vs plain`);
      byEngine.set(eng.name, res);
      if (process.env.PARITY_SHOW) for (const mode of modes) for (const l of res[mode]!) t.diagnostic(`${eng.name} ${mode}: ${l}`);
    }
    assert.ok(byEngine.size > 0, 'no engine available');
    const [first, ...rest] = [...byEngine.entries()];
    for (const [name, res] of rest) {
      for (const mode of modes) assert.deepEqual(res[mode], first![1][mode], `${mode}: ${name} vs ${first![0]}`);
    }
    if (byEngine.size < 2) t.diagnostic(`compared on ${[...byEngine.keys()].join(', ')} only`);
  });
}

test('parity corpus is not empty and every run names an export', { skip: skipAll }, () => {
  assert.ok(corpus.length >= 5);
  for (const e of corpus) assert.ok(e.runs.length > 0, e.name);
});
