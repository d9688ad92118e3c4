// Decode + validate throughput on real modules.
//
//   npx tsc -p . && node dist/bench/validate.js [--runs N] [module.wasm …]
//
// Without arguments it measures CRuby's ruby.wasm (16.6 MB; fetched once from the npm registry into
// .cache/ruby with `npm pack`) and the programs in bench/programs. Each module is decoded and
// validated N times (default 20); the best and median times are shown, with MB/s over the whole file
// and over its function bodies alone. The best run is the figure to compare: the others mostly
// measure what else the machine was doing.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { decodeModule } from '../src/binary/decode.js';
import { validateModule } from '../src/validate/index.js';
import { projectRoot } from '../test/support/spec-suite.js';

const RUBY_PACKAGE = '@ruby/3.4-wasm-wasi@2.10.1';
const rubyDir = path.join(projectRoot, '.cache', 'ruby');
const rubyWasm = path.join(rubyDir, 'package', 'dist', 'ruby.wasm');

function fetchRuby(): string | null {
  if (fs.existsSync(rubyWasm)) return rubyWasm;
  fs.mkdirSync(rubyDir, { recursive: true });
  console.log(`fetching ${RUBY_PACKAGE} (npm pack) into ${rubyDir} …`);
  const pack = spawnSync('npm', ['pack', RUBY_PACKAGE, '--silent'], { cwd: rubyDir, encoding: 'utf8' });
  const tgz = pack.stdout?.trim().split('\n').pop();
  if (pack.status !== 0 || !tgz) {
    console.log(`could not fetch ${RUBY_PACKAGE}: ${(pack.stderr || '').trim()}`);
    return null;
  }
  const untar = spawnSync('tar', ['xzf', tgz, 'package/dist/ruby.wasm'], { cwd: rubyDir, encoding: 'utf8' });
  fs.rmSync(path.join(rubyDir, tgz), { force: true });
  return untar.status === 0 && fs.existsSync(rubyWasm) ? rubyWasm : null;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function bench(file: string, runs: number): void {
  const bytes = new Uint8Array(fs.readFileSync(file));
  let codeBytes = 0;
  const decode: number[] = [];
  const validate: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const m = decodeModule(bytes, { features: 0 });
    const t1 = performance.now();
    validateModule(m, 0);
    const t2 = performance.now();
    decode.push(t1 - t0);
    validate.push(t2 - t1);
    total.push(t2 - t0);
    if (i === 0) for (const c of m.codes) codeBytes += c.body.length;
  }
  const best = Math.min(...total);
  const mbs = (n: number, ms: number): string => (n / 1e6 / (ms / 1e3)).toFixed(0);
  console.log(
    `${path.basename(file).padEnd(22)} ${(bytes.length / 1e6).toFixed(2).padStart(6)} MB ` +
      `(code ${(codeBytes / 1e6).toFixed(2)} MB)  ` +
      `decode ${Math.min(...decode).toFixed(1)} ms, validate ${Math.min(...validate).toFixed(1)} ms, ` +
      `total best ${best.toFixed(1)} ms / median ${median(total).toFixed(1)} ms  ` +
      `=> ${mbs(bytes.length, best)} MB/s (file), ${mbs(codeBytes, Math.min(...validate))} MB/s (bodies, validate alone)`,
  );
}

function main(): void {
  const args = process.argv.slice(2);
  let runs = 20;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') runs = Number(args[++i]);
    else files.push(args[i]!);
  }
  if (files.length === 0) {
    const ruby = fetchRuby();
    if (ruby) files.push(ruby);
    const programs = path.join(projectRoot, 'bench', 'programs');
    if (fs.existsSync(programs)) {
      for (const f of fs.readdirSync(programs).sort()) if (f.endsWith('.wasm')) files.push(path.join(programs, f));
    }
  }
  console.log(`decode + validate, ${runs} runs each, node ${process.version}`);
  for (const f of files) bench(f, runs);
}

main();
