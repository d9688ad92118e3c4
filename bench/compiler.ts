// The compiler engine's benchmark: the bench programs (bench/programs) run by
//   raw       a plain `WebAssembly.Instance` of the module's bytes (the baseline),
//   compiler  wasmbox's compiler engine, no instrumentation,
//   timeout   the same with RuntimeConfig.withCloseOnContextDone(true) and a call timeout armed,
//   fuel      the same with RuntimeConfig.withFuel (a tank that does not run out),
// and the fixed cost of instantiating and calling a trivial module, in microseconds over raw.
//
// Like with like: V8 has no on-stack replacement for wasm, so a function entered once stays in the
// code it was entered with (Liftoff) even after its optimized (TurboFan) code is ready. Every variant
// therefore compiles its module once, runs it once to warm up (which schedules the hot functions for
// TurboFan), and is then timed on fresh instances of the same compiled module, which share the
// optimized code. Only the `_start` call is timed (not instantiation). Variants are interleaved round
// by round so that drift on a noisy machine hits them alike; each figure is the median of the rounds.
// Both wall time and the process's CPU time (user + system) are recorded; the table uses CPU time,
// which other processes competing for the CPUs disturb far less (wasm runs on one thread, and after
// the warm-up V8's background compiler threads are idle). Wall-time ratios are in the JSON.
//
// Usage: node dist/bench/compiler.js [--runs N] [--only fib,sieve] [--json]
// `runCompilerBench` / `formatCompilerBench` are the entry points for a top-level bench/run.ts.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ExitError, newModuleConfig, newRuntime, newRuntimeConfig } from '../src/index.js';
import type { RuntimeConfig } from '../src/api/config.js';
import type { ExportedFunction, Runtime } from '../src/api/types.js';
import { ProcExit, rawWasi, wasmboxWasi } from './wasi-min-compiler.js';
import { projectRootOf } from '../scripts/project-root.js';

export interface CompilerBenchOptions {
  /** Program names (file names without .wasm); all when absent. */
  only?: string[];
  /** Timed rounds per variant (median reported). Default 3. */
  runs?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export const variants = ['raw', 'compiler', 'timeout', 'fuel'] as const;
export type Variant = (typeof variants)[number];

export interface ProgramResult {
  name: string;
  /** Median CPU time of `_start` per variant, in milliseconds. */
  ms: Record<Variant, number>;
  /** Median wall time of `_start` per variant, in milliseconds. */
  wallMs: Record<Variant, number>;
  /** Fuel units one run consumes (function entries + loop headers). */
  fuelUnits: number;
}

export interface TrivialResult {
  /** Microseconds per instantiate + call of a precompiled trivial module. */
  instantiate: Record<Variant, number>;
  /** Microseconds per compile + instantiate + call from bytes. */
  compile: Record<Variant, number>;
}

export interface CompilerBenchResult {
  node: string;
  runs: number;
  programs: ProgramResult[];
  /** Geometric mean of each variant's CPU time over raw. */
  geomean: Record<Variant, number>;
  /** The same for wall time. */
  wallGeomean: Record<Variant, number>;
  trivial: TrivialResult;
}

const programsDir = path.join(projectRootOf(import.meta.url), 'bench', 'programs');

function expectedLines(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(programsDir, 'expected.txt'), 'utf8').split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) out.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return out;
}

const now = () => performance.now();
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** One timed run: wall and CPU milliseconds. */
interface Timing {
  wall: number;
  cpu: number;
}

function timed(fn: () => void): Timing {
  const c0 = cpu();
  const t0 = now();
  fn();
  return { wall: now() - t0, cpu: cpu() - c0 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const configs: Record<Exclude<Variant, 'raw'>, RuntimeConfig> = {
  compiler: newRuntimeConfig().withEngine('compiler'),
  timeout: newRuntimeConfig().withEngine('compiler').withCloseOnContextDone(true),
  fuel: newRuntimeConfig().withEngine('compiler').withFuel(Number.MAX_SAFE_INTEGER),
};

/** A call of `_start` as each variant makes it. */
function startCall(v: Variant, f: ExportedFunction): void {
  if (v === 'timeout') f.callWith({ timeout: 3_600_000 });
  else f.call();
}

/** A runner for one program and variant: each call runs `_start` on a fresh instance. */
function runner(v: Variant, bytes: Uint8Array, expected: string, name: string): { run(): Timing; rt: Runtime | null } {
  const check = (stdout: string) => {
    if (stdout.trim() !== expected) throw new Error(`${name} (${v}) printed ${JSON.stringify(stdout)}, expected ${JSON.stringify(expected)}`);
  };
  if (v === 'raw') {
    const mod = new WebAssembly.Module(bytes);
    return {
      rt: null,
      run() {
        const w = rawWasi();
        const inst = new WebAssembly.Instance(mod, w.imports);
        w.bind(inst);
        const t = timed(() => {
          try {
            (inst.exports._start as () => void)();
          } catch (e) {
            if (!(e instanceof ProcExit && e.code === 0)) throw e;
          }
        });
        check(w.out.stdout);
        return t;
      },
    };
  }
  const rt = newRuntime(configs[v]);
  const out = wasmboxWasi(rt, (code) => new ExitError(code));
  const compiled = rt.compile(bytes);
  const anon = newModuleConfig().withName('').withStartFunctions();
  return {
    rt,
    run() {
      out.stdout = '';
      const inst = rt.instantiate(compiled, anon);
      const f = inst.exportedFunction('_start')!;
      const t = timed(() => {
        try {
          startCall(v, f);
        } catch (e) {
          if (!(e instanceof ExitError && e.exitCode === 0)) throw e;
        }
      });
      inst.close();
      check(out.stdout);
      return t;
    },
  };
}

function benchProgram(name: string, expected: string, runs: number): ProgramResult {
  const bytes = new Uint8Array(fs.readFileSync(path.join(programsDir, `${name}.wasm`)));
  const rs = variants.map((v) => runner(v, bytes, expected, name));
  for (const r of rs) r.run(); // warm-up: tier up the hot functions
  const times: Timing[][] = variants.map(() => []);
  let fuelUnits = 0;
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < rs.length; k++) {
      const i = (k + round) % rs.length; // rotate the order each round
      const before = rs[i]!.rt?.fuelConsumed() ?? 0;
      times[i]!.push(rs[i]!.run());
      if (variants[i] === 'fuel') fuelUnits = rs[i]!.rt!.fuelConsumed() - before;
    }
  }
  for (const r of rs) r.rt?.close();
  const pick = (k: keyof Timing) => Object.fromEntries(variants.map((v, i) => [v, median(times[i]!.map((t) => t[k]))])) as Record<Variant, number>;
  return { name, ms: pick('cpu'), wallMs: pick('wall'), fuelUnits };
}

/** `(module (func (export "run") (result i32) i32.const 42))` */
const trivialBytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00,
  0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,
]);

/** Microseconds per call of `op`, measured for about `ms` milliseconds after a warm-up. */
function perOp(op: () => void, ms = 300): number {
  for (let i = 0; i < 200; i++) op();
  let n = 0;
  const t0 = now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 100; i++) op();
    n += 100;
    t = now();
  }
  return ((t - t0) * 1000) / n;
}

function benchTrivial(): TrivialResult {
  const instantiate = {} as Record<Variant, number>;
  const compile = {} as Record<Variant, number>;
  const mod = new WebAssembly.Module(trivialBytes);
  instantiate.raw = perOp(() => {
    if ((new WebAssembly.Instance(mod, {}).exports.run as () => number)() !== 42) throw new Error('trivial: wrong result');
  });
  compile.raw = perOp(() => {
    const m = new WebAssembly.Module(trivialBytes);
    (new WebAssembly.Instance(m, {}).exports.run as () => number)();
  });
  const anon = newModuleConfig().withName('').withStartFunctions();
  for (const v of ['compiler', 'timeout', 'fuel'] as const) {
    const rt = newRuntime(configs[v]);
    const c = rt.compile(trivialBytes);
    const once = (compiled = c) => {
      const inst = rt.instantiate(compiled, anon);
      const f = inst.exportedFunction('run')!;
      const r = v === 'timeout' ? f.callWith({ timeout: 60_000 }) : f.call();
      if (r[0] !== 42) throw new Error('trivial: wrong result');
      inst.close();
    };
    instantiate[v] = perOp(() => once());
    compile[v] = perOp(() => {
      const cm = rt.compile(trivialBytes);
      once(cm);
      cm.close();
    });
    rt.close();
  }
  return { instantiate, compile };
}

export function runCompilerBench(o: CompilerBenchOptions = {}): CompilerBenchResult {
  const runs = o.runs ?? 3;
  const log = o.log ?? (() => {});
  const expected = expectedLines();
  const names = [...expected.keys()].filter((n) => !o.only || o.only.includes(n));
  const programs: ProgramResult[] = [];
  for (const name of names) {
    const r = benchProgram(name, expected.get(name)!, runs);
    log(`${name}: ${variants.map((v) => `${v} ${(r.ms[v] / 1000).toFixed(3)} s`).join(', ')}`);
    programs.push(r);
  }
  const gm = (k: 'ms' | 'wallMs') => Object.fromEntries(
    variants.map((v) => [v, Math.exp(programs.reduce((s, p) => s + Math.log(p[k][v] / p[k].raw), 0) / Math.max(1, programs.length))]),
  ) as Record<Variant, number>;
  const trivial = benchTrivial();
  return { node: process.version, runs, programs, geomean: gm('ms'), wallGeomean: gm('wallMs'), trivial };
}

export function formatCompilerBench(r: CompilerBenchResult): string {
  const s = (ms: number) => (ms / 1000).toFixed(3);
  const x = (a: number, b: number) => `${(a / b).toFixed(3)}x`;
  const lines = [
    `Compiler engine vs raw WebAssembly (Node ${r.node}, median of ${r.runs} warm runs, CPU seconds)`,
    '',
    '| program | raw | compiler | ratio | + timeout | ratio | + fuel | ratio | fuel units |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const p of r.programs) {
    const m = p.ms;
    lines.push(`| ${p.name} | ${s(m.raw)} | ${s(m.compiler)} | ${x(m.compiler, m.raw)} | ${s(m.timeout)} | ${x(m.timeout, m.raw)} | ${s(m.fuel)} | ${x(m.fuel, m.raw)} | ${p.fuelUnits.toExponential(2)} |`);
  }
  const g = r.geomean;
  lines.push(`| **geomean** | | | **${g.compiler.toFixed(3)}x** | | **${g.timeout.toFixed(3)}x** | | **${g.fuel.toFixed(3)}x** | |`);
  const gw = r.wallGeomean;
  lines.push(`| geomean, wall time | | | ${gw.compiler.toFixed(3)}x | | ${gw.timeout.toFixed(3)}x | | ${gw.fuel.toFixed(3)}x | |`);
  const t = r.trivial;
  const us = (v: number) => `${v.toFixed(1)} µs`;
  const over = (v: number, raw: number) => `+${(v - raw).toFixed(1)} µs`;
  lines.push(
    '',
    'Trivial module `(func (export "run") (result i32) i32.const 42)`: microseconds per operation',
    '',
    '| operation | raw | compiler | over raw | + timeout | over raw | + fuel | over raw |',
    '|---|---|---|---|---|---|---|---|',
    `| instantiate + call (compiled once) | ${us(t.instantiate.raw)} | ${us(t.instantiate.compiler)} | ${over(t.instantiate.compiler, t.instantiate.raw)} | ${us(t.instantiate.timeout)} | ${over(t.instantiate.timeout, t.instantiate.raw)} | ${us(t.instantiate.fuel)} | ${over(t.instantiate.fuel, t.instantiate.raw)} |`,
    `| compile + instantiate + call | ${us(t.compile.raw)} | ${us(t.compile.compiler)} | ${over(t.compile.compiler, t.compile.raw)} | ${us(t.compile.timeout)} | ${over(t.compile.timeout, t.compile.raw)} | ${us(t.compile.fuel)} | ${over(t.compile.fuel, t.compile.raw)} |`,
  );
  return lines.join('\n');
}

function main(argv: string[]): void {
  const o: CompilerBenchOptions = { log: (l) => process.stderr.write(l + '\n') };
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--only') o.only = (argv[++i] ?? '').split(',');
    else if (a === '--json') json = true;
    else {
      process.stderr.write('usage: node dist/bench/compiler.js [--runs N] [--only fib,sieve] [--json]\n');
      process.exit(2);
    }
  }
  const r = runCompilerBench(o);
  process.stdout.write((json ? JSON.stringify(r, null, 2) : formatCompilerBench(r)) + '\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
