// Decode + validate throughput: how many MB/s wasmbox's front end gets through on large, real modules
// (issue #2 targets >= 100 MB/s for decode+validate).
//
//   scripts/fetch-ruby-wasm.sh          # once: CRuby's WASI build into .cache/ruby (~100 MB unpacked)
//   npx tsc -p . && node dist/bench/decode.js [--iterations N] [--features all] [--json] [file.wasm ...]
//
// Without files it measures every .wasm of the fetched ruby package (ruby.wasm, ruby+stdlib.wasm,
// ruby.debug+stdlib.wasm: the same code with more data and custom sections), or the small programs in
// bench/programs when the package has not been fetched.
//
// Timings are dominated by the garbage collector rather than by byte crunching: decodeModule skips
// function bodies (they stay byte views), so its cost is the IR's objects (a Code and a data segment
// per function/segment: ~18k each in ruby), which survive young-generation collections and get copied.
// Medians therefore move with the heap's state; `node --max-semi-space-size=64 dist/bench/decode.js`
// takes most of that out, and `best` shows the decoder's own speed.
//
// The work is a list of named steps run in order on each module, each timed on its own; a step may
// use what earlier ones left in the context. `decode+validate` is what `Runtime.compile` does before
// handing the module to an engine: the figure the target is about.

import fs from 'node:fs';
import path from 'node:path';
import { allFeatures, defaultFeatures } from '../src/api/features.js';
import { decodeModule } from '../src/binary/decode.js';
import { encodeModule } from '../src/binary/encode.js';
import type { Module } from '../src/binary/types.js';
import { validateModule } from '../src/validate/index.js';
import { projectRootOf } from '../scripts/project-root.js';

interface Context {
  bytes: Uint8Array;
  features: number;
  /** Set by the decode step. */
  module?: Module;
}

interface Step {
  name: string;
  /** Runs once per iteration. */
  run(ctx: Context): void;
  /** Bytes the step is measured against for MB/s (default: the module's size). */
  bytesOf?(ctx: Context): number;
}

export const steps: Step[] = [
  {
    name: 'decodeModule',
    run(ctx) {
      ctx.module = decodeModule(ctx.bytes, { features: ctx.features });
    },
  },
  {
    name: 'validateModule',
    run(ctx) {
      validateModule(ctx.module!, ctx.features);
    },
  },
  {
    name: 'decode+validate',
    run(ctx) {
      validateModule(decodeModule(ctx.bytes, { features: ctx.features }), ctx.features);
    },
  },
  {
    // Informational: what writing a decoded module back costs (the instrumentation rewriter's last step).
    name: 'encodeModule',
    run(ctx) {
      encodeModule(ctx.module!);
    },
  },
];

interface Options {
  iterations: number;
  features: number;
  json: boolean;
  files: string[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { iterations: 10, features: defaultFeatures, json: false, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--iterations' || a === '-n') o.iterations = Math.max(1, Number(argv[++i]));
    else if (a === '--features') o.features = argv[++i] === 'all' ? allFeatures : defaultFeatures;
    else if (a === '--json') o.json = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node dist/bench/decode.js [--iterations N] [--features all|default] [--json] [file.wasm ...]');
      process.exit(0);
    } else o.files.push(a);
  }
  return o;
}


function defaultFiles(root: string): string[] {
  const ruby = path.join(root, '.cache', 'ruby', 'package', 'dist');
  const list = (dir: string): string[] =>
    fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.wasm')).sort().map((f) => path.join(dir, f)) : [];
  const found = list(ruby);
  if (found.length > 0) return found;
  console.error('note: no ruby wasm in .cache/ruby: run scripts/fetch-ruby-wasm.sh for the real benchmark');
  console.error('      (npm run bench fetches it);');
  console.error('      measuring the small programs in bench/programs instead.');
  return list(path.join(root, 'bench', 'programs'));
}

interface Result {
  file: string;
  size: number;
  step: string;
  iterations: number;
  medianMs: number;
  bestMs: number;
  mbPerSec: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function measure(file: string, o: Options): Result[] {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const ctx: Context = { bytes, features: o.features };
  const gc = (globalThis as { gc?: () => void }).gc;
  // Warm-up: two full passes, so every step is compiled and the context holds every step's output.
  for (let i = 0; i < 2; i++) for (const s of steps) s.run(ctx);
  // Then each step's iterations back to back, so one step's garbage is not collected on another's time.
  const times = steps.map(() => [] as number[]);
  steps.forEach((s, k) => {
    gc?.();
    for (let i = 0; i < o.iterations; i++) {
      const t0 = performance.now();
      s.run(ctx);
      times[k]!.push(performance.now() - t0);
    }
  });
  return steps.map((s, k) => {
    const med = median(times[k]!);
    const n = s.bytesOf ? s.bytesOf(ctx) : bytes.length;
    return {
      file: path.basename(file),
      size: bytes.length,
      step: s.name,
      iterations: o.iterations,
      medianMs: med,
      bestMs: Math.min(...times[k]!),
      mbPerSec: n / 1e6 / (med / 1000),
    };
  });
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const files = o.files.length > 0 ? o.files : defaultFiles(projectRootOf(import.meta.url));
  if (files.length === 0) {
    console.error('no .wasm files to measure');
    process.exit(1);
  }
  const results: Result[] = [];
  if (!o.json) {
    console.log(`node ${process.version}, ${o.iterations} iterations per step (median), features 0x${o.features.toString(16)}`);
    console.log(`${'module'.padEnd(28)} ${'size MB'.padStart(8)}  ${'step'.padEnd(14)} ${'median ms'.padStart(10)} ${'best ms'.padStart(9)} ${'MB/s'.padStart(8)}`);
  }
  for (const f of files) {
    for (const r of measure(f, o)) {
      results.push(r);
      if (!o.json) {
        console.log(
          `${r.file.padEnd(28)} ${(r.size / 1e6).toFixed(2).padStart(8)}  ${r.step.padEnd(14)} ` +
            `${r.medianMs.toFixed(1).padStart(10)} ${r.bestMs.toFixed(1).padStart(9)} ${r.mbPerSec.toFixed(0).padStart(8)}`,
        );
      }
    }
  }
  if (o.json) console.log(JSON.stringify({ node: process.version, features: o.features, results }, null, 2));
}

main();
