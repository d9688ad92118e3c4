// CLI startup: whole-process wall time of `wasmbox run hello.wasm` against `node` running the same
// module through node:wasi (issue #6's target: <= 1.2x), and what the compilation cache saves on a
// large module (CRuby, when scripts/fetch-ruby-wasm.sh has fetched it).
//
//   npx tsc -p . && node dist/bench/cli.js [--runs N] [--json]
//
// Each measurement is one fresh process; the two commands alternate so that machine noise (this is a
// shared box) hits both alike, and the median of N runs is reported with the quartiles. The node:wasi
// runner is the smallest honest one: read the file, compile, instantiate, start.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'bin.cjs');
const hello = path.join(root, 'test', 'cli', 'programs', 'hello.wasm');

const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1]) || 40;
const json = argv.includes('--json');

const NODE_WASI = `
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
const wasi = new WASI({ version: 'preview1', args: ['hello.wasm'], env: {}, returnOnExit: true });
const m = new WebAssembly.Module(readFileSync(process.argv[2]));
process.exitCode = wasi.start(new WebAssembly.Instance(m, wasi.getImportObject()));
`;

function timeOnce(args: string[], expect: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 || r.stdout !== expect) throw new Error(`${args.join(' ')}: status ${r.status}, stdout ${JSON.stringify(r.stdout)}, stderr ${r.stderr}`);
  return ms;
}

interface Stats {
  median: number;
  q1: number;
  q3: number;
  min: number;
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!;
  return { median: at(0.5), q1: at(0.25), q3: at(0.75), min: s[0]! };
}

const fmt = (s: Stats) => `median ${s.median.toFixed(1)} ms (q1 ${s.q1.toFixed(1)}, q3 ${s.q3.toFixed(1)}, min ${s.min.toFixed(1)})`;

function startup(): { wasmbox: Stats; nodeWasi: Stats; bareNode: Stats; ratio: number; minRatio: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-bench-'));
  const runner = path.join(dir, 'node-wasi.mjs');
  fs.writeFileSync(runner, NODE_WASI);
  try {
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    // Warm the OS file cache and V8's code cache for both first.
    for (let i = 0; i < 3; i++) {
      timeOnce([cli, 'run', hello], 'hello world\n');
      timeOnce(['--no-warnings', runner, hello], 'hello world\n');
    }
    for (let i = 0; i < runs; i++) {
      a.push(timeOnce([cli, 'run', hello], 'hello world\n'));
      b.push(timeOnce(['--no-warnings', runner, hello], 'hello world\n'));
      c.push(timeOnce(['-e', 'process.stdout.write("hello world\\n")'], 'hello world\n'));
    }
    const wasmbox = stats(a);
    const nodeWasi = stats(b);
    return { wasmbox, nodeWasi, bareNode: stats(c), ratio: wasmbox.median / nodeWasi.median, minRatio: wasmbox.min / nodeWasi.min };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `wasmbox compile` of CRuby without a cache, with a cold cache (filling it), and with a warm one, per
 * engine (the compiler's entry skips validation and keeps the instrumented bytes when it rewrites;
 * the interpreter's keeps the lowered code).
 */
function cacheSavings(): Record<string, Record<string, Stats>> | null {
  const dist = path.join(root, '.cache', 'ruby', 'package', 'dist');
  const ruby = ['ruby.wasm', 'ruby+stdlib.wasm'].map((f) => path.join(dist, f)).find((f) => fs.existsSync(f));
  if (!ruby) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasmbox-bench-cache-'));
  const out: Record<string, Record<string, Stats>> = {};
  try {
    const n = Math.max(5, Math.min(runs, 9));
    for (const [engine, flags] of [['compiler (auto)', []], ['interpreter', ['-interpreter']]] as const) {
      const none: number[] = [];
      const cold: number[] = [];
      const warm: number[] = [];
      for (let i = 0; i < n; i++) {
        none.push(timeOnce([cli, 'compile', ...flags, ruby], ''));
        fs.rmSync(dir, { recursive: true, force: true });
        cold.push(timeOnce([cli, 'compile', ...flags, `-cachedir=${dir}`, ruby], ''));
        warm.push(timeOnce([cli, 'compile', ...flags, `-cachedir=${dir}`, ruby], ''));
      }
      out[`${engine}: ${path.basename(ruby)} (${(fs.statSync(ruby).size / 1e6).toFixed(1)} MB)`] = { 'no cache': stats(none), 'cold cache (fills it)': stats(cold), 'warm cache': stats(warm) };
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// The bin starts from the one-file bundle only when it is fresh (npm run build makes it); say which.
const { freshBundle } = createRequire(import.meta.url)('../src/cli/bin.cjs') as typeof import('../src/cli/bin.cjs');
const path_ = freshBundle() ? 'bundle + V8 code cache' : 'modules (the bundle is missing or stale: `npm run build` makes it)';
const s = startup();
const cache = cacheSavings();
if (json) {
  console.log(JSON.stringify({ runs, startFrom: path_, startup: s, cache }, null, 2));
} else {
  console.log(`hello-world WASI module, whole process, ${runs} runs each (alternating); wasmbox starts from the ${path_}:`);
  console.log(`  wasmbox run        ${fmt(s.wasmbox)}`);
  console.log(`  node + node:wasi   ${fmt(s.nodeWasi)}`);
  console.log(`  node -e (no wasm)  ${fmt(s.bareNode)}`);
  console.log(`  ratio wasmbox / node:wasi (medians): ${s.ratio.toFixed(2)}x (target <= 1.2x)`);
  // On a busy machine the medians carry the scheduler's noise; the fastest runs show the cost itself.
  console.log(`  ratio of the fastest runs:            ${s.minRatio.toFixed(2)}x`);
  if (cache) {
    console.log('compilation cache, `wasmbox compile` as a whole process:');
    for (const [what, rows] of Object.entries(cache)) {
      console.log(`  ${what}`);
      for (const [k, v] of Object.entries(rows)) console.log(`    ${k.padEnd(38)} ${fmt(v)}`);
      const saved = rows['no cache']!.median - rows['warm cache']!.median;
      console.log(`    saved by a warm cache: ${saved.toFixed(0)} ms per process (median)`);
    }
  } else {
    console.log('compilation cache: skipped (run scripts/fetch-ruby-wasm.sh for CRuby)');
  }
}
