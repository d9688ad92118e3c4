// node dist/bench/programs.js [--only fib,sieve] [--quick] [--runs N] [--scale S] [--no-jitless]
//                              [--jitless-scale S] [--jitless-timeout S] [--no-native]
// (the `programs` section of `npm run bench`)
//
// Runs the CPU-bound programs of bench/programs (see its README) on wasmbox's interpreter, on V8's
// WebAssembly (the same .wasm, raw `WebAssembly.instantiate` with the same minimal WASI imports) and
// natively (binaries from scripts/build-bench-programs.sh in .cache/bench-native, when present), checks
// every checksum against expected.txt, and prints the times, the ratios and their geometric means; then
// the same for the interpreter under `node --jitless` (in a child process). Times cover running
// `_start` only (not compiling or instantiating), and are CPU time (user + system) rather than wall
// time: the machines this runs on are shared, and CPU time is far less disturbed by other load.
// --quick runs each engine once and skips --jitless.
// Each interpreter run is a fresh child process (`--child`), as `wasmbox run -interpreter` would be:
// V8's runs in this process grow WebAssembly memories, and the first such growth (a detach) makes
// every later typed-array access in the process re-check its buffer — a process-wide V8 state that
// cost the interpreter 20-35% when it ran here after them (RATIONALE, "Why do interpreter memories
// never detach?"). A child also starts `loop` without the type feedback of the programs before it.
// "V8 1st" is V8's first run of a module in this process: it starts in V8's baseline code (Liftoff)
// and a function switches to optimised code only when background compilation has finished and it is
// called again (wasm has no on-stack replacement), so that run can be several times slower (hash64
// measured 0.98 s against 0.14 s) and depends on machine load. Later runs may reuse the optimised
// code V8 keeps for the same bytes. The ratios use the median of all runs, so with --quick (one run)
// they are against this first run.
// --scale S divides each program's work by about S (the programs export `bench_scale`, see
// bench/programs/README.md); the checksums are then checked against V8's output at the same scale.
// Without a JIT the interpreter is ~40x slower again (10-20 minutes per full-size program), so the
// --jitless table runs each program at a reduced size (--jitless-scale, default 20) in its own child
// with a time limit (--jitless-timeout, default 600 s; a program that hits it is reported as "> limit"
// and its ratios as lower bounds), next to the JIT interpreter at that same size. Its jitless/V8
// column is that measured slowdown of --jitless times the full-size interpreter/V8 ratio from the
// first table (an estimate: both sizes run the same loops, only fewer rounds of them).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitError } from '../src/api/errors.js';
import { newModuleConfig, newRuntime, newRuntimeConfig } from '../src/index.js';
import { wasiMin } from './wasi-min.js';
import { projectRootOf } from '../scripts/project-root.js';

const root = projectRootOf(import.meta.url);
const programsDir = path.join(root, 'bench', 'programs');
const nativeDir = path.join(root, '.cache', 'bench-native');

interface Args {
  only: string[];
  quick: boolean;
  jitless: boolean;
  native: boolean;
  /** Internal: run the interpreter only and print JSON (the --jitless child). */
  child: boolean;
  runs: number;
  /** Work divisor of the main table (1 = the full problems). */
  scale: number;
  /** Work divisor of the --jitless table. */
  jitlessScale: number;
  jitlessTimeout: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { only: [], quick: false, jitless: true, native: true, child: false, runs: 0, scale: 1, jitlessScale: 20, jitlessTimeout: 600 };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i]!;
    if (s === '--only') a.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (s.startsWith('--only=')) a.only = s.slice(7).split(',').filter(Boolean);
    else if (s === '--quick') a.quick = true;
    else if (s === '--no-jitless') a.jitless = false;
    else if (s === '--no-native') a.native = false;
    else if (s === '--child') a.child = true;
    else if (s === '--runs') a.runs = Number(argv[++i]);
    else if (s === '--jitless-timeout') a.jitlessTimeout = Number(argv[++i]);
    else if (s === '--scale') a.scale = Number(argv[++i]);
    else if (s === '--jitless-scale') a.jitlessScale = Number(argv[++i]);
    else {
      process.stderr.write(`bench: unknown argument ${s}\nusage: node dist/bench/programs.js [--only a,b] [--quick] [--runs N] [--scale S] [--no-jitless] [--jitless-scale S] [--jitless-timeout S] [--no-native]\n`);
      process.exit(2);
    }
  }
  if (!(a.scale >= 1) || !(a.jitlessScale >= 1)) {
    process.stderr.write('bench: --scale and --jitless-scale take a number >= 1\n');
    process.exit(2);
  }
  return a;
}

function expected(): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(programsDir, 'expected.txt'), 'utf8').split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) m.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return m;
}

/** Runs `_start` on wasmbox's interpreter (work divided by about `scale`); returns [seconds, stdout]. */
export function runInterpreter(bytes: Uint8Array, scale = 1): [number, string] {
  const rt = newRuntime(newRuntimeConfig().withEngine('interpreter'));
  let mem: (() => ArrayBuffer) | null = null;
  const w = wasiMin(() => mem!());
  let b = rt.newHostModuleBuilder('wasi_snapshot_preview1');
  for (const [name, fn] of Object.entries(w.fns)) {
    const sig = w.sigs[name]!;
    b = b.exportFunction({
      name,
      params: sig.params,
      results: sig.results,
      fn: (caller, ...args: unknown[]) => {
        if (!mem) mem = () => caller.memory()!.buffer();
        return fn(...(args.map((x) => Number(x)) as number[]));
      },
    });
  }
  b.instantiate();
  const inst = rt.instantiate(rt.compile(bytes), newModuleConfig().withName('bench').withStartFunctions());
  const start = inst.exportedFunction('_start')!;
  if (scale !== 1) inst.exportedFunction('bench_scale')!.call(scale);
  const t0 = cpuNow();
  try {
    start.call();
  } catch (e) {
    if (!(e instanceof ExitError && e.exitCode === 0)) throw e;
  }
  const t = cpuNow() - t0;
  rt.close();
  return [t, w.out.join('')];
}

/** Runs `_start` on V8's WebAssembly with the same imports. */
async function runV8(bytes: Uint8Array, scale = 1): Promise<[number, string]> {
  let memory: WebAssembly.Memory | null = null;
  const w = wasiMin(() => memory!.buffer as ArrayBuffer);
  const imports = { wasi_snapshot_preview1: w.fns as Record<string, (...a: unknown[]) => unknown> };
  // i64 parameters arrive as bigint: the minimal functions only use them as opaque values.
  const { instance } = (await WebAssembly.instantiate(bytes, imports as WebAssembly.Imports)) as unknown as { instance: WebAssembly.Instance };
  memory = instance.exports.memory as WebAssembly.Memory;
  if (scale !== 1) (instance.exports.bench_scale as (s: number) => void)(scale);
  const t0 = cpuNow();
  try {
    (instance.exports._start as () => void)();
  } catch (e) {
    if (!(e instanceof ExitError && e.exitCode === 0)) throw e;
  }
  return [cpuNow() - t0, w.out.join('')];
}

/** This process's CPU time (user + system) in seconds. */
function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Runs a native binary; its CPU time comes from the shell's `times` (children's user and system). */
function runNative(name: string): [number, string] | null {
  const exe = path.join(nativeDir, name);
  if (!fs.existsSync(exe)) return null;
  const r = spawnSync('/bin/sh', ['-c', `"$0" && times`, exe], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const lines = r.stdout.trimEnd().split('\n');
  const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines.pop()!.trim());
  lines.pop(); // the shell's own times
  if (!m) return null;
  const t = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
  return [t, lines.join('\n')];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function geomean(xs: number[]): number {
  return xs.length ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : NaN;
}

function check(name: string, what: string, got: string, want: string): void {
  if (got.trim() !== want) {
    throw new Error(`${name} on ${what}: checksum mismatch: got ${JSON.stringify(got.trim())}, want ${JSON.stringify(want)}`);
  }
}

function fmt(x: number | undefined, digits = 2): string {
  return x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits);
}

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')).join('\n');
}

/** runInterpreter in a fresh child process (see the header): [CPU s of _start, output]. */
function runInterpreterChild(name: string, scale: number): [number, string] {
  const argv = [fileURLToPath(import.meta.url), '--child', '--only', name, '--scale', String(scale)];
  const child = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.error || child.status !== 0) throw new Error(`interpreter run of ${name} failed: ${child.error?.message ?? child.stderr}`);
  return (JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, [number, string]>)[name]!;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const want = expected();
  let names = [...want.keys()];
  if (args.only.length) {
    for (const n of args.only) if (!want.has(n)) throw new Error(`unknown program ${n} (have ${names.join(', ')})`);
    names = names.filter((n) => args.only.includes(n));
  }
  const runs = args.runs || (args.quick ? 1 : 3);

  if (args.child) {
    // the --jitless child: interpreter only, at --scale; the parent checks the output
    const out: Record<string, [number, string]> = {};
    for (const n of names) out[n] = runInterpreter(fs.readFileSync(path.join(programsDir, `${n}.wasm`)), args.scale);
    process.stdout.write(JSON.stringify(out) + '\n');
    return;
  }

  const scaled = args.scale !== 1;
  const rows: string[][] = [['program', 'interp s', 'V8 s', 'V8 1st s', 'native s', 'interp/V8', 'interp/native', 'V8/native']];
  const rInterpV8: number[] = [];
  const rInterpNative: number[] = [];
  const rV8Native: number[] = [];
  const ratioV8 = new Map<string, number>();
  for (const n of names) {
    const bytes = fs.readFileSync(path.join(programsDir, `${n}.wasm`));
    const ti: number[] = [];
    const tv: number[] = [];
    const tn: number[] = [];
    for (let r = 0; r < runs; r++) {
      // V8 first: at a reduced scale its output is the reference
      const [t2, out2] = await runV8(bytes, args.scale);
      if (!scaled) check(n, 'V8', out2, want.get(n)!);
      tv.push(t2);
      const [t, out] = runInterpreterChild(n, args.scale);
      check(n, 'interpreter', out, scaled ? out2.trim() : want.get(n)!);
      ti.push(t);
      if (args.native && !scaled) {
        const nat = runNative(n === 'memops-bulk' ? 'memops' : n);
        if (nat) {
          check(n, 'native', nat[1], want.get(n)!);
          tn.push(nat[0]);
        }
      }
    }
    const i = median(ti);
    const v = median(tv);
    const nt = tn.length ? median(tn) : NaN;
    ratioV8.set(n, i / v);
    rInterpV8.push(i / v);
    if (nt === nt) {
      rInterpNative.push(i / nt);
      rV8Native.push(v / nt);
    }
    rows.push([n, fmt(i), fmt(v), fmt(tv[0]!), fmt(nt), fmt(i / v, 1), fmt(i / nt, 1), fmt(v / nt, 1)]);
    process.stderr.write(`  ${n}: interpreter ${fmt(i)} s, V8 ${fmt(v)} s, native ${fmt(nt)} s\n`);
  }
  rows.push(['geomean', '', '', '', '', fmt(geomean(rInterpV8), 1), fmt(geomean(rInterpNative), 1), fmt(geomean(rV8Native), 1)]);
  const sc = scaled ? `, work scale 1/${args.scale}` : '';
  process.stdout.write(`\nInterpreter vs V8 WebAssembly vs native (CPU seconds, median of ${runs}${sc}; checksums verified)\n`);
  process.stdout.write(table(rows) + '\n');

  if (args.jitless && !args.quick) {
    const js = args.jitlessScale;
    const jrows: string[][] = [['program', 'jitless s', 'interp s', 'jitless/interp', 'jitless/V8 (est.)']];
    const r1: number[] = [];
    const r2: number[] = [];
    let bounded = false;
    for (const n of names) {
      const [ref, refOut] = runInterpreterChild(n, js);
      if (js === 1) check(n, 'interpreter', refOut, want.get(n)!);
      const child = spawnSync(process.execPath, ['--jitless', fileURLToPath(import.meta.url), '--child', '--only', n, '--scale', String(js)], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
        timeout: args.jitlessTimeout * 1000,
      });
      let t: number;
      let mark = '';
      if (child.error || child.signal) {
        t = args.jitlessTimeout;
        mark = '> ';
        bounded = true;
      } else if (child.status !== 0) {
        throw new Error(`--jitless run of ${n} failed: ${child.stderr}`);
      } else {
        const [tj, out] = (JSON.parse(child.stdout.trim().split('\n').pop()!) as Record<string, [number, string]>)[n]!;
        check(n, 'interpreter (--jitless)', out, refOut.trim());
        t = tj;
      }
      const slow = t / ref;
      r1.push(slow);
      const est = slow * (scaled ? NaN : ratioV8.get(n)!);
      if (est === est) r2.push(est);
      jrows.push([n, mark + fmt(t), fmt(ref), mark + fmt(slow, 1), mark + fmt(est, 0)]);
      process.stderr.write(`  ${n}: interpreter --jitless ${mark}${fmt(t)} s, with JIT ${fmt(ref)} s (scale 1/${js})\n`);
    }
    const b = bounded ? '> ' : '';
    jrows.push(['geomean', '', '', b + fmt(geomean(r1), 1), r2.length ? b + fmt(geomean(r2), 0) : '-']);
    process.stdout.write(`\nInterpreter under node --jitless (work scale 1/${js}, one run each, limit ${args.jitlessTimeout} s; ` +
      `interp = the interpreter with V8's JIT at the same scale; jitless/V8 = jitless/interp x interp/V8 of the first table)\n`);
    process.stdout.write(table(jrows) + '\n');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
