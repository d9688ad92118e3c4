// Looks at what the interpreter makes of a module (a development tool, not part of the runtime).
//
//   node dist/scripts/interp-dump.js FILE.wasm                 list the functions (index, name, lowered size)
//   node dist/scripts/interp-dump.js FILE.wasm FUNC...         print the lowered code of functions (name or index)
//   node dist/scripts/interp-dump.js --profile FILE.wasm [--scale S] [--top N]
//       run the module's _start (the bench programs' minimal WASI) on an instrumented copy of the
//       executor and print: dispatches in total, the most frequent instructions and instruction pairs,
//       and the hottest code of the hottest functions, each instruction with its execution count.
//
// The instrumented executor is dist's exec.js with a counting call before its dispatch `switch`,
// loaded in a child process through a module loader hook (see `load` below), so the real executor
// carries nothing for this. Instruction names come from src/engine/interpreter/ops.ts.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { projectRootOf } from './project-root.js';

const self = fileURLToPath(import.meta.url);
const root = projectRootOf(import.meta.url);

/** Names of the interpreter's opcodes, in order (parsed from ops.ts: it is a const enum, gone at run time). */
export function opNames(): string[] {
  const src = fs.readFileSync(path.join(root, 'src', 'engine', 'interpreter', 'ops.ts'), 'utf8');
  const body = /export const enum Op \{([\s\S]*?)\n\}/.exec(src)![1]!.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const names: string[] = [];
  const byName = new Map<string, number>();
  let next = 0;
  for (const part of body.split(',')) {
    const m = /^\s*([A-Za-z_0-9]+)\s*(?:=\s*([A-Za-z_0-9]+))?\s*$/.exec(part);
    if (!m) continue;
    const v = m[2] !== undefined ? (byName.get(m[2]) ?? Number(m[2])) : next;
    byName.set(m[1]!, v);
    if (names[v] === undefined || m[2] !== undefined) names[v] = m[1]!;
    next = v + 1;
  }
  return names;
}

interface Prof {
  counts: Map<Int32Array, { name: string; c: Float64Array }>;
  pairs: Float64Array;
  ops: Float64Array;
}

async function profileChild(file: string, scale: number): Promise<void> {
  const names = opNames();
  const n = names.length;
  const prof: Prof = { counts: new Map(), pairs: new Float64Array(n * n), ops: new Float64Array(n) };
  let lastCode: Int32Array | null = null;
  let lastC: Float64Array | null = null;
  let prev = 0;
  (globalThis as Record<string, unknown>).__prof = (fn: { code: Int32Array; debugName: string }, pc: number) => {
    const code = fn.code;
    if (code !== lastCode) {
      let e = prof.counts.get(code);
      if (!e) {
        e = { name: fn.debugName, c: new Float64Array(code.length) };
        prof.counts.set(code, e);
      }
      lastCode = code;
      lastC = e.c;
    }
    lastC![pc]++;
    const op = code[pc]!;
    prof.ops[op]++;
    prof.pairs[prev * n + op]++;
    prev = op;
  };
  const { runInterpreter } = (await import(pathToFileURL(path.join(root, 'dist', 'bench', 'programs.js')).href)) as {
    runInterpreter: (bytes: Uint8Array, scale: number) => [number, string];
  };
  const [t, out] = runInterpreter(fs.readFileSync(file), scale);
  process.stdout.write(JSON.stringify({
    time: t,
    out,
    ops: Array.from(prof.ops),
    pairs: Array.from(prof.pairs),
    funcs: [...prof.counts].map(([code, e]) => ({ name: e.name, code: Array.from(code), counts: Array.from(e.c) })),
  }) + '\n');
}

// ---------------------------------------------------------------- printing

function pct(x: number, total: number): string {
  return ((100 * x) / total).toFixed(2).padStart(6) + '%';
}

async function disassembleLines(code: Int32Array, names: string[]): Promise<[number, string][]> {
  const { opLength } = (await import(pathToFileURL(path.join(root, 'dist', 'src', 'engine', 'interpreter', 'lower.js')).href)) as {
    opLength: Int8Array;
  };
  const out: [number, string][] = [];
  let pc = 0;
  while (pc < code.length) {
    const op = code[pc]!;
    const len = opLength[op] === -1 ? 4 + code[pc + 2]! : opLength[op] === -2 ? 2 + 2 * code[pc + 1]! :
      opLength[op] === -3 ? 6 + code[pc + 4]! : opLength[op]! || 1;
    out.push([pc, `${names[op] ?? op} ${Array.from(code.subarray(pc + 1, pc + len)).join(' ')}`]);
    pc += len;
  }
  return out;
}

async function lowerAll(file: string): Promise<{ names: string[]; lowered: { code: Int32Array; frameWords: number }[]; imported: number }> {
  const lib = (await import(pathToFileURL(path.join(root, 'dist', 'src', 'index.js')).href)) as typeof import('../src/index.js');
  const { decodeModule } = (await import(pathToFileURL(path.join(root, 'dist', 'src', 'binary', 'decode.js')).href)) as typeof import('../src/binary/decode.js');
  const { InterpModule } = (await import(pathToFileURL(path.join(root, 'dist', 'src', 'engine', 'interpreter', 'instance.js')).href)) as typeof import('../src/engine/interpreter/instance.js');
  const { importCounts } = (await import(pathToFileURL(path.join(root, 'dist', 'src', 'binary', 'types.js')).href)) as typeof import('../src/binary/types.js');
  const bytes = fs.readFileSync(file);
  const features = lib.defaultFeatures | lib.Features.exceptions;
  const m = decodeModule(bytes, { features });
  const em = new InterpModule(m, {
    bytes, features, name: '', callStackLimit: 1000, memoryLimitPages: 65536, instrument: { fuel: false, interrupt: false },
  });
  const imported = importCounts(m).funcs;
  const names: string[] = [];
  for (let i = 0; i < m.codes.length; i++) names.push(m.names?.functions.get(imported + i) ?? `$${imported + i}`);
  return { names, lowered: em.lowered, imported };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--profile-child') {
    await profileChild(argv[1]!, Number(argv[2]));
    return;
  }
  const ops = opNames();
  if (argv[0] === '--profile') {
    const file = argv[1]!;
    let scale = 1;
    let top = 40;
    for (let i = 2; i < argv.length; i++) {
      if (argv[i] === '--scale') scale = Number(argv[++i]);
      else if (argv[i] === '--top') top = Number(argv[++i]);
    }
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(path.join(root, 'dist', 'scripts', 'interp-dump-hook.js')).href, self, '--profile-child', file, String(scale)], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`profile run failed (${r.status})`);
    const p = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      time: number; out: string; ops: number[]; pairs: number[]; funcs: { name: string; code: number[]; counts: number[] }[];
    };
    await lowerAll(file); // fills opLength (instruction lengths are recorded by the lowering)
    const total = p.ops.reduce((a, x) => a + x, 0);
    process.stdout.write(`${path.basename(file)} (scale ${scale}): ${p.out.trim()}\n${(total / 1e6).toFixed(1)} M dispatches\n\ninstructions:\n`);
    const byOp = p.ops.map((c, i) => [i, c] as const).filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1]);
    for (const [i, c] of byOp.slice(0, top)) process.stdout.write(`  ${pct(c, total)}  ${ops[i]}\n`);
    process.stdout.write('\npairs (first -> second):\n');
    const n = ops.length;
    const byPair = p.pairs.map((c, i) => [i, c] as const).filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1]);
    for (const [i, c] of byPair.slice(0, top)) process.stdout.write(`  ${pct(c, total)}  ${ops[Math.floor(i / n)]} -> ${ops[i % n]}\n`);
    process.stdout.write('\nhottest functions (instructions with >= 0.1% of all dispatches, and their neighbours):\n');
    const fsorted = p.funcs.map((f) => ({ ...f, sum: f.counts.reduce((a, x) => a + x, 0) })).sort((a, b) => b.sum - a.sum);
    for (const f of fsorted.slice(0, 8)) {
      if (f.sum < total * 0.01) break;
      process.stdout.write(`\n${f.name}: ${pct(f.sum, total)}\n`);
      const lines = await disassembleLines(Int32Array.from(f.code), ops);
      let skipped = false;
      for (let j = 0; j < lines.length; j++) {
        const near = [j - 1, j, j + 1].some((k) => k >= 0 && k < lines.length && f.counts[lines[k]![0]]! >= total * 0.001);
        if (!near) {
          if (!skipped) process.stdout.write('     ...\n');
          skipped = true;
          continue;
        }
        skipped = false;
        const [pc, text] = lines[j]!;
        const c = f.counts[pc]!;
        process.stdout.write(`  ${c ? pct(c, total) : '        '} ${String(pc).padStart(6)}: ${text}\n`);
      }
    }
    return;
  }
  const file = argv[0];
  if (!file) {
    process.stderr.write('usage: interp-dump FILE.wasm [FUNC...] | --profile FILE.wasm [--scale S] [--top N]\n');
    process.exit(2);
  }
  const { names, lowered, imported } = await lowerAll(file);
  const want = argv.slice(1);
  if (want.length === 0) {
    for (let i = 0; i < names.length; i++) {
      process.stdout.write(`${String(imported + i).padStart(5)}  ${names[i]}  (${lowered[i]!.code.length} words, frame ${lowered[i]!.frameWords})\n`);
    }
    return;
  }
  for (const w of want) {
    const i = /^\$?\d+$/.test(w) ? Number(w.replace('$', '')) - imported : names.indexOf(w);
    if (i < 0 || i >= names.length) throw new Error(`no function ${w}`);
    process.stdout.write(`${names[i]} (frame ${lowered[i]!.frameWords} words):\n`);
    for (const [pc, text] of await disassembleLines(lowered[i]!.code, ops)) process.stdout.write(`  ${String(pc).padStart(6)}: ${text}\n`);
  }
}

if (process.argv[1] === self) {
  main().catch((e) => {
    process.stderr.write(`interp-dump: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
