// node dist/bench/dispatch.js [REPS]     (the `dispatch` section of `npm run bench`)
//
// The measurement behind the interpreter's dispatch design (RATIONALE.md, "Why a slot-based form
// rather than a stack bytecode or closures?"): one small register-form loop — load, multiply by a
// constant, xor, add, increment, compare-and-branch: six instructions per iteration over 64 Ki words —
// run four ways, each with the same operations on the same Int32Array register file:
//   switch       one `switch` over an Int32Array of opcodes and operands (the interpreter's design),
//                with 24 cases so that it compiles to a jump table as the real one does;
//   closures     one closure per instruction, its operands captured, returning the next index;
//   closures+arg the same with the register file passed as an argument instead of captured;
//   blocks       a closure per basic block calling its instructions' closures in turn.
// Prints CPU ns per dispatched instruction (best of 5) for this process, then runs itself under
// `node --jitless` (fewer repetitions) and prints that table too. No eval or new Function anywhere:
// each closure kind is a literal, so the closure call sites see seven distinct functions
// (megamorphic), as they would in a real program.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const N = 1 << 16;
const mem = new Int32Array(N + 16);
for (let i = 0; i < N; i++) mem[i] = Math.imul(i, 0x9e3779b1);
const regs = new Int32Array(64);

const LOAD = 0, MULK = 1, XOR = 2, ADD = 3, ADDK = 4, BRLTK = 5, HALT = 6;
// prettier-ignore
const code = new Int32Array([
  LOAD, 3, 1, 0,   // 0: r3 = mem[r1 + 0]
  MULK, 3, 3, 3,   // 1: r3 = r3 * 3
  XOR, 3, 3, 1,    // 2: r3 = r3 ^ r1
  ADD, 2, 2, 3,    // 3: r2 = r2 + r3
  ADDK, 1, 1, 1,   // 4: r1 = r1 + 1
  BRLTK, 1, N, 0,  // 5: if r1 < N goto 0
  HALT, 0, 0, 0,
]);
const PER_ITERATION = 6;

function runSwitch(): void {
  let pc = 0;
  for (;;) {
    // prettier-ignore
    switch (code[pc]) {
      case 0: regs[code[pc + 1]] = mem[regs[code[pc + 2]] + code[pc + 3]]; pc += 4; break;
      case 1: regs[code[pc + 1]] = Math.imul(regs[code[pc + 2]], code[pc + 3]); pc += 4; break;
      case 2: regs[code[pc + 1]] = regs[code[pc + 2]] ^ regs[code[pc + 3]]; pc += 4; break;
      case 3: regs[code[pc + 1]] = regs[code[pc + 2]] + regs[code[pc + 3]]; pc += 4; break;
      case 4: regs[code[pc + 1]] = regs[code[pc + 2]] + code[pc + 3]; pc += 4; break;
      case 5: pc = regs[code[pc + 1]] < code[pc + 2] ? code[pc + 3] : pc + 4; break;
      case 6: return;
      // Never executed: they make the switch the size of a real one's jump table.
      case 7: regs[code[pc + 1]] = regs[code[pc + 2]] - regs[code[pc + 3]]; pc += 4; break;
      case 8: regs[code[pc + 1]] = regs[code[pc + 2]] & regs[code[pc + 3]]; pc += 4; break;
      case 9: regs[code[pc + 1]] = regs[code[pc + 2]] | regs[code[pc + 3]]; pc += 4; break;
      case 10: regs[code[pc + 1]] = regs[code[pc + 2]] << regs[code[pc + 3]]; pc += 4; break;
      case 11: regs[code[pc + 1]] = regs[code[pc + 2]] >> regs[code[pc + 3]]; pc += 4; break;
      case 12: regs[code[pc + 1]] = regs[code[pc + 2]] >>> regs[code[pc + 3]]; pc += 4; break;
      case 13: regs[code[pc + 1]] = Math.clz32(regs[code[pc + 2]]); pc += 4; break;
      case 14: regs[code[pc + 1]] = regs[code[pc + 2]] === regs[code[pc + 3]] ? 1 : 0; pc += 4; break;
      case 15: regs[code[pc + 1]] = regs[code[pc + 2]] < regs[code[pc + 3]] ? 1 : 0; pc += 4; break;
      case 16: mem[regs[code[pc + 1]] + code[pc + 3]] = regs[code[pc + 2]]; pc += 4; break;
      case 17: regs[code[pc + 1]] = code[pc + 2]; pc += 4; break;
      case 18: regs[code[pc + 1]] = regs[code[pc + 2]]; pc += 4; break;
      case 19: pc = code[pc + 3]; break;
      case 20: pc = regs[code[pc + 1]] !== 0 ? code[pc + 3] : pc + 4; break;
      case 21: regs[code[pc + 1]] = (regs[code[pc + 2]] / (regs[code[pc + 3]] || 1)) | 0; pc += 4; break;
      case 22: regs[code[pc + 1]] = regs[code[pc + 2]] * 7 + 1; pc += 4; break;
      case 23: regs[code[pc + 1]] = ~regs[code[pc + 2]]; pc += 4; break;
      default: throw new Error(`bad opcode ${code[pc]}`);
    }
  }
}

type Op = () => number;
type OpArg = (r: Int32Array) => number;
type Factory<T> = (a: number, b: number, c: number, index: number) => T;

// prettier-ignore
const captured: Record<number, Factory<Op>> = {
  [LOAD]: (d, a, k, i) => () => { regs[d] = mem[regs[a] + k]; return i + 1; },
  [MULK]: (d, a, k, i) => () => { regs[d] = Math.imul(regs[a], k); return i + 1; },
  [XOR]: (d, a, b, i) => () => { regs[d] = regs[a] ^ regs[b]; return i + 1; },
  [ADD]: (d, a, b, i) => () => { regs[d] = regs[a] + regs[b]; return i + 1; },
  [ADDK]: (d, a, k, i) => () => { regs[d] = regs[a] + k; return i + 1; },
  [BRLTK]: (a, k, t, i) => () => (regs[a] < k ? t / 4 : i + 1),
  [HALT]: () => () => -1,
};
// prettier-ignore
const passed: Record<number, Factory<OpArg>> = {
  [LOAD]: (d, a, k, i) => (r) => { r[d] = mem[r[a] + k]; return i + 1; },
  [MULK]: (d, a, k, i) => (r) => { r[d] = Math.imul(r[a], k); return i + 1; },
  [XOR]: (d, a, b, i) => (r) => { r[d] = r[a] ^ r[b]; return i + 1; },
  [ADD]: (d, a, b, i) => (r) => { r[d] = r[a] + r[b]; return i + 1; },
  [ADDK]: (d, a, k, i) => (r) => { r[d] = r[a] + k; return i + 1; },
  [BRLTK]: (a, k, t, i) => (r) => (r[a] < k ? t / 4 : i + 1),
  [HALT]: () => () => -1,
};
// prettier-ignore
const statements: Record<number, Factory<() => void>> = {
  [LOAD]: (d, a, k) => () => { regs[d] = mem[regs[a] + k]; },
  [MULK]: (d, a, k) => () => { regs[d] = Math.imul(regs[a], k); },
  [XOR]: (d, a, b) => () => { regs[d] = regs[a] ^ regs[b]; },
  [ADD]: (d, a, b) => () => { regs[d] = regs[a] + regs[b]; },
  [ADDK]: (d, a, k) => () => { regs[d] = regs[a] + k; },
};

/** Closures for the first `count` instructions (all by default). */
function build<T>(table: Record<number, Factory<T>>, count = code.length / 4): T[] {
  const out: T[] = [];
  for (let pc = 0; pc < count * 4; pc += 4) out.push(table[code[pc]](code[pc + 1], code[pc + 2], code[pc + 3], pc / 4));
  return out;
}
const ops = build(captured);
const opsArg = build(passed);
const body = build(statements, 5); // the loop body before its branch
const block = (): boolean => {
  for (let j = 0; j < body.length; j++) body[j]();
  return regs[1] < N;
};

function runClosures(): void {
  let i = 0;
  while (i >= 0) i = ops[i]();
}
function runClosuresArg(r: Int32Array): void {
  let i = 0;
  while (i >= 0) i = opsArg[i](r);
}
function runBlocks(): void {
  while (block());
}

const variants: [string, () => void][] = [
  ['switch', runSwitch],
  ['closures', runClosures],
  ['closures+arg', () => runClosuresArg(regs)],
  ['blocks', runBlocks],
];

/** The checksum every variant must leave in r2 (computed directly). */
function expected(): number {
  let s = 0;
  for (let i = 0; i < N; i++) s = (s + (Math.imul(mem[i], 3) ^ i)) | 0;
  return s;
}

function measure(reps: number): Record<string, number> {
  const want = expected();
  const best: Record<string, number> = {};
  for (let round = 0; round < 5; round++) {
    for (const [name, run] of variants) {
      const t0 = process.cpuUsage();
      for (let k = 0; k < reps; k++) {
        regs.fill(0);
        run();
      }
      const u = process.cpuUsage(t0);
      if (regs[2] !== want) throw new Error(`${name}: checksum ${regs[2]}, expected ${want}`);
      const ns = ((u.user + u.system) * 1000) / (reps * N * PER_ITERATION);
      best[name] = Math.min(best[name] ?? Infinity, ns);
    }
  }
  return best;
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    console.log(JSON.stringify(measure(Number(args[1]))));
    return;
  }
  const reps = Number(args[0] ?? 60);
  const jit = measure(reps);
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--jitless', self, '--child', String(Math.max(1, Math.round(reps / 30)))], { encoding: 'utf8' });
  let jitless: Record<string, number> | null = null;
  if (r.status === 0) jitless = JSON.parse(r.stdout) as Record<string, number>;
  else console.log(`(--jitless run failed: ${(r.stderr || '').trim().split('\n').pop()})`);
  console.log('| dispatch | JIT ns/instr | vs switch | --jitless ns/instr | vs switch |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name] of variants) {
    const j = jit[name];
    const l = jitless?.[name];
    const cells = [name, j.toFixed(2), (j / jit.switch).toFixed(2) + 'x', l === undefined ? '-' : l.toFixed(1), l === undefined ? '-' : (l / jitless!.switch).toFixed(2) + 'x'];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

main();
