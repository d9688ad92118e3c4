// npm run bench [-- SECTION...]: every benchmark of the project, each in its own process so one
// section's heap and JIT state do not colour another's numbers. Speed targets live here, never in
// unit tests. Sections: see `sections` below; with no argument all run.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = path.join(root, 'dist', 'bench');

interface Section {
  name: string;
  what: string;
  /** Runs before the section (e.g. fetching inputs); failures are reported and the section still runs. */
  prepare?: () => void;
  script: string;
  args?: string[];
}

const sections: Section[] = [
  {
    name: 'decode',
    what: 'decode + validate throughput on large real modules (target >= 100 MB/s)',
    prepare: () => {
      const r = spawnSync(path.join(root, 'scripts', 'fetch-ruby-wasm.sh'), [], { encoding: 'utf8' });
      if (r.status !== 0) console.log(`(could not fetch the CRuby module: ${(r.stderr || '').trim().split('\n').pop()})`);
    },
    script: 'decode.js',
  },
  {
    name: 'cli',
    what: 'wasmbox run of a hello-world WASI module vs node + node:wasi, whole process (target <= 1.2x); -cachedir savings on CRuby',
    prepare: () => {
      const r = spawnSync(path.join(root, 'scripts', 'fetch-ruby-wasm.sh'), [], { encoding: 'utf8' });
      if (r.status !== 0) console.log(`(could not fetch the CRuby module: ${(r.stderr || '').trim().split('\n').pop()})`);
    },
    script: 'cli.js',
  },
  {
    name: 'programs',
    what: 'CPU-bound C programs (bench/programs) on the interpreter vs V8 WebAssembly vs native, and under --jitless at work scale 1/20 (targets: interpreter geomean <= 20x V8, none > 60x); options: see the head of bench/programs.ts',
    script: 'programs.js',
  },
  {
    name: 'dispatch',
    what: 'interpreter dispatch strategies on one register-form loop: switch over an Int32Array vs closures, with a JIT and under --jitless (the measurement behind the executor design)',
    script: 'dispatch.js',
  },
  {
    name: 'compiler',
    what: 'compiler engine vs raw WebAssembly on the bench programs: plain (target <= 1.03x geomean), timeout armed (target <= 1.10x), fuel; trivial instantiate+call overhead',
    script: 'compiler.js',
  },
  {
    name: 'wasi',
    what: 'WASI host-call cost per call against node:wasi on one guest (targets: no slower on any call, random_get >= 5x faster)',
    script: 'wasi.js',
    args: ['200000'],
  },
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !sections.some((s) => s.name === w));
if (unknown.length) {
  console.error(`unknown section(s): ${unknown.join(', ')}; known: ${sections.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const s of sections) {
  if (wanted.length && !wanted.includes(s.name)) continue;
  console.log(`\n=== ${s.name}: ${s.what}`);
  s.prepare?.();
  const script = path.join(dist, s.script);
  if (!fs.existsSync(script)) {
    console.log(`(missing ${script}: build first)`);
    failed++;
    continue;
  }
  const r = spawnSync(process.execPath, [script, ...(s.args ?? [])], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
