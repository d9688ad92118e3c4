// Runs the spec suite's commands (as converted by wast2json) against wasmbox through its public API,
// with bit-exact argument and result handling through the raw call path. Used by scripts/spec.ts.

import { CompileError, LinkError, Trap, TrapCode } from '../../src/api/errors.js';
import { newModuleConfig, newRuntimeConfig } from '../../src/api/config.js';
import type { ModuleInstance } from '../../src/api/types.js';
import { newRuntime } from '../../src/index.js';
import { internals } from '../../src/runtime/api-module.js';
import type { RuntimeImpl } from '../../src/runtime/runtime.js';
import { FuncInst, type GlobalInst } from '../../src/runtime/store.js';
import { f32FromBits, f64FromBits } from '../../src/runtime/values.js';
import { type ConvertedWast, type WastAction, type WastCommand, type WastValue, readModuleFile } from './spec-suite.js';

export type EngineName = 'interpreter' | 'compiler' | 'auto';

export interface RunOptions {
  engine: EngineName;
  features: number;
  /** Command types to run (others are not counted); empty = all. */
  only: Set<string>;
  /** Print a line per passing command too. */
  verbose?: boolean;
  /**
   * Run with fuel (a tank that does not run out) and interruption on, or with interruption only
   * (`'interrupt'`): checks the instrumentation.
   */
  instrument?: boolean | 'interrupt';
}

export interface Outcome {
  /** `FILE.wast/COMMAND/line:N` */
  name: string;
  status: 'pass' | 'fail' | 'skip';
  detail?: string;
}

/** spectest (the host module the suite imports): printing functions, globals, a table and a memory. */
function registerSpectest(rt: RuntimeImpl, print: (s: string) => void): void {
  const fmt = (args: unknown[]) => args.map((a) => String(a)).join(' ');
  const fn = (name: string, params: ('i32' | 'i64' | 'f32' | 'f64')[]) => ({
    name,
    params,
    results: [],
    fn: (_c: unknown, ...args: unknown[]) => print(`${name}(${fmt(args)})`),
  });
  rt.newHostModuleBuilder('spectest')
    .exportFunction(fn('print', []))
    .exportFunction(fn('print_i32', ['i32']))
    .exportFunction(fn('print_i64', ['i64']))
    .exportFunction(fn('print_f32', ['f32']))
    .exportFunction(fn('print_f64', ['f64']))
    .exportFunction(fn('print_i32_f32', ['i32', 'f32']))
    .exportFunction(fn('print_f64_f64', ['f64', 'f64']))
    .exportGlobal('global_i32', 'i32', 666)
    .exportGlobal('global_i64', 'i64', 666n)
    .exportGlobal('global_f32', 'f32', 666.6)
    .exportGlobal('global_f64', 'f64', 666.6)
    .exportTable('table', 'funcref', { min: 10, max: 20 })
    .exportMemory('memory', { min: 1, max: 2 })
    // The threads proposal's spectest adds a shared memory (threads/imports.wast imports it).
    .exportMemory('shared_memory', { min: 1, max: 2, shared: true })
    .instantiate();
}

// externref values of the suite: `ref.extern N` is a host value identified by N.
const externs = new Map<number, { externref: number }>();
function externRef(n: number): { externref: number } {
  let v = externs.get(n);
  if (!v) {
    v = { externref: n };
    externs.set(n, v);
  }
  return v;
}

/** A JSON value -> the raw form engines take (see src/runtime/values.ts). */
export function rawArg(v: WastValue): unknown {
  const s = v.value as string;
  switch (v.type) {
    case 'i32':
      return Number(BigInt.asIntN(32, BigInt(s)));
    case 'i64':
      return BigInt.asIntN(64, BigInt(s));
    case 'f32':
      return Number(BigInt.asUintN(32, BigInt(s)));
    case 'f64':
      return BigInt.asUintN(64, BigInt(s));
    case 'v128':
      return v128FromLanes(v.lane_type!, v.value as string[]);
    case 'funcref':
      return s === 'null' ? null : s;
    case 'externref':
      return s === 'null' ? null : externRef(Number(s));
  }
  throw new Error(`unknown value type ${v.type}`);
}

const laneBits: Record<string, number> = { i8: 8, i16: 16, i32: 32, i64: 64, f32: 32, f64: 64 };

function v128FromLanes(laneType: string, lanes: string[]): bigint {
  const bits = laneBits[laneType]!;
  let v = 0n;
  for (let i = lanes.length - 1; i >= 0; i--) v = (v << BigInt(bits)) | BigInt.asUintN(bits, BigInt(lanes[i]!));
  return v;
}

function isCanonicalNan(bits: bigint, width: 32 | 64): boolean {
  const mag = width === 32 ? bits & 0x7fffffffn : bits & 0x7fffffffffffffffn;
  return mag === (width === 32 ? 0x7fc00000n : 0x7ff8000000000000n);
}

function isArithmeticNan(bits: bigint, width: 32 | 64): boolean {
  const quiet = width === 32 ? 0x7fc00000n : 0x7ff8000000000000n;
  return (bits & quiet) === quiet;
}

/** Compares one scalar float lane (as bits) with an expected string (bits or nan:…). */
function floatMatches(bits: bigint, expected: string, width: 32 | 64): boolean {
  if (expected === 'nan:canonical') return isCanonicalNan(bits, width);
  if (expected === 'nan:arithmetic') return isArithmeticNan(bits, width);
  return bits === BigInt.asUintN(width, BigInt(expected));
}

function describe(v: unknown, type: string): string {
  if (v === null) return 'null';
  if (type === 'f32' && typeof v === 'number') return `${f32FromBits(v)} (0x${(v >>> 0).toString(16)})`;
  if (type === 'f64' && typeof v === 'bigint') return `${f64FromBits(v)} (0x${v.toString(16)})`;
  if (type === 'v128' && typeof v === 'bigint') return `0x${v.toString(16).padStart(32, '0')}`;
  if (typeof v === 'object' && v && 'externref' in v) return `ref.extern ${(v as { externref: number }).externref}`;
  if (v instanceof FuncInst) return `ref.func ${v.debugName}`;
  return String(v);
}

/** Whether an actual raw result matches an expected JSON value. */
export function resultMatches(actual: unknown, e: WastValue): boolean {
  switch (e.type) {
    case 'i32':
      return typeof actual === 'number' && actual === Number(BigInt.asIntN(32, BigInt(e.value as string)));
    case 'i64':
      return typeof actual === 'bigint' && actual === BigInt.asIntN(64, BigInt(e.value as string));
    case 'f32':
      return typeof actual === 'number' && floatMatches(BigInt(actual >>> 0), e.value as string, 32);
    case 'f64':
      return typeof actual === 'bigint' && floatMatches(actual, e.value as string, 64);
    case 'v128': {
      if (typeof actual !== 'bigint') return false;
      const lt = e.lane_type!;
      const bits = laneBits[lt]!;
      const lanes = e.value as string[];
      for (let i = 0; i < lanes.length; i++) {
        const lane = BigInt.asUintN(bits, actual >> BigInt(i * bits));
        if (lt === 'f32' || lt === 'f64') {
          if (!floatMatches(lane, lanes[i]!, bits as 32 | 64)) return false;
        } else if (lane !== BigInt.asUintN(bits, BigInt(lanes[i]!))) return false;
      }
      return true;
    }
    case 'funcref':
      if (e.value === undefined) return actual instanceof FuncInst;
      return e.value === 'null' ? actual === null : actual instanceof FuncInst;
    case 'externref':
      if (e.value === undefined) return actual !== null && actual !== undefined;
      return e.value === 'null' ? actual === null : actual === externRef(Number(e.value));
  }
  return false;
}

/** Runs one converted .wast file; returns an outcome per counted command. */
export function runWast(conv: ConvertedWast, opts: RunOptions): Outcome[] {
  const out: Outcome[] = [];
  let config = newRuntimeConfig().withFeatures(opts.features);
  if (opts.engine !== 'auto') config = config.withEngine(opts.engine);
  if (opts.instrument === 'interrupt') config = config.withCloseOnContextDone(true);
  else if (opts.instrument) config = config.withCloseOnContextDone(true).withFuel(Number.MAX_SAFE_INTEGER);
  const rt = newRuntime(config) as RuntimeImpl;
  registerSpectest(rt, () => {});
  const named = new Map<string, ModuleInstance>();
  let current: ModuleInstance | undefined;
  const file = conv.file.name;
  const anon = newModuleConfig().withName('').withStartFunctions();

  const counted = (c: WastCommand) => opts.only.size === 0 || opts.only.has(c.type);
  const pass = (c: WastCommand) => out.push({ name: `${file}/${c.type}/line:${c.line}`, status: 'pass' });
  const fail = (c: WastCommand, detail: string) =>
    out.push({ name: `${file}/${c.type}/line:${c.line}`, status: 'fail', detail });
  const skip = (c: WastCommand, detail: string) =>
    out.push({ name: `${file}/${c.type}/line:${c.line}`, status: 'skip', detail });

  const instanceFor = (name: string | undefined): ModuleInstance => {
    const inst = name ? named.get(name) : current;
    if (!inst) throw new Error(`no module ${name ?? '(current)'}`);
    return inst;
  };

  const doAction = (a: WastAction): unknown[] => {
    const inst = instanceFor(a.module);
    if (a.type === 'get') {
      const rec = internals.instance.get(inst)!;
      const g = rec.exports.get(a.field);
      if (!g || g.kind !== 'global') throw new Error(`no global export ${a.field}`);
      return [(g as GlobalInst).get()];
    }
    const f = inst.exportedFunction(a.field);
    if (!f) throw new Error(`no function export ${a.field}`);
    const raw = internals.func.get(f)!;
    return raw.invoke((a.args ?? []).map(rawArg));
  };

  const errText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

  for (const c of conv.commands) {
    try {
      switch (c.type) {
        case 'module': {
          let inst: ModuleInstance;
          try {
            inst = rt.instantiate(rt.compile(readModuleFile(conv, c.filename!)), anon);
          } catch (e) {
            if (counted(c)) fail(c, `module failed: ${errText(e)}`);
            current = undefined;
            break;
          }
          current = inst;
          if (c.name) named.set(c.name, inst);
          if (counted(c)) pass(c);
          break;
        }
        case 'register': {
          const inst = instanceFor(c.name);
          rt.alias(c.as!, inst);
          if (counted(c)) pass(c);
          break;
        }
        case 'action': {
          if (!counted(c)) {
            try { doAction(c.action!); } catch { /* not counted */ }
            break;
          }
          try {
            doAction(c.action!);
            pass(c);
          } catch (e) {
            fail(c, `action failed: ${errText(e)}`);
          }
          break;
        }
        case 'assert_return': {
          if (!counted(c)) break;
          let got: unknown[];
          try {
            got = doAction(c.action!);
          } catch (e) {
            fail(c, `${c.action!.field}: expected a return, got ${errText(e)}`);
            break;
          }
          if (c.either) {
            const alts = c.either;
            if (got.length === 1 && alts.some((e) => resultMatches(got[0], e))) pass(c);
            else fail(c, `${c.action!.field}: expected one of [${alts.map((e) => `${e.type}:${JSON.stringify(e.value)}`).join(' | ')}], got [${got.map((g) => describe(g, alts[0]?.type ?? '')).join(', ')}]`);
            break;
          }
          const exp = c.expected ?? [];
          const ok = got.length === exp.length && exp.every((e, i) => resultMatches(got[i], e));
          if (ok) pass(c);
          else {
            const want = exp.map((e) => `${e.type}:${JSON.stringify(e.value)}${e.lane_type ? `(${e.lane_type})` : ''}`).join(', ');
            const have = got.map((g, i) => describe(g, exp[i]?.type ?? '')).join(', ');
            fail(c, `${c.action!.field}: expected [${want}], got [${have}]`);
          }
          break;
        }
        case 'assert_trap':
        case 'assert_exhaustion': {
          if (!counted(c)) break;
          try {
            const got = doAction(c.action!);
            fail(c, `expected trap "${c.text}", got a return [${got.map(String).join(', ')}]`);
          } catch (e) {
            if (e instanceof Trap && e.message.includes(c.text!)) pass(c);
            // The reference interpreter sometimes adds a detail to the spec's text ("uninitialized
            // element 2"): the trap code is what both must agree on.
            else if (e instanceof Trap && c.text!.startsWith(e.code + ' ')) pass(c);
            else if (c.type === 'assert_exhaustion' && e instanceof Trap && e.code === TrapCode.callStackExhausted) pass(c);
            else fail(c, `expected trap "${c.text}", got ${errText(e)}`);
          }
          break;
        }
        case 'assert_exception': {
          // exception handling: the action throws a wasm exception that nothing catches.
          if (!counted(c)) break;
          try {
            const got = doAction(c.action!);
            fail(c, `expected an uncaught exception, got a return [${got.map(String).join(', ')}]`);
          } catch (e) {
            if (e instanceof Trap && e.code === TrapCode.uncaughtException) pass(c);
            else fail(c, `expected an uncaught exception, got ${errText(e)}`);
          }
          break;
        }
        case 'assert_invalid':
        case 'assert_malformed': {
          if (!counted(c)) break;
          if (c.module_type === 'text') {
            skip(c, 'text-format module (wasmbox has no text parser)');
            break;
          }
          try {
            rt.compile(readModuleFile(conv, c.filename!));
            fail(c, `expected "${c.text}", but the module compiled`);
          } catch (e) {
            if (e instanceof CompileError && e.message.startsWith(c.text!)) pass(c);
            else if (e instanceof CompileError && e.message.includes(c.text!)) pass(c);
            else fail(c, `expected "${c.text}", got ${errText(e)}`);
          }
          break;
        }
        case 'assert_unlinkable':
        case 'assert_uninstantiable': {
          if (!counted(c)) break;
          let compiled;
          try {
            compiled = rt.compile(readModuleFile(conv, c.filename!));
          } catch (e) {
            fail(c, `expected "${c.text}" at instantiation, but compile failed: ${errText(e)}`);
            break;
          }
          try {
            rt.instantiate(compiled, anon);
            fail(c, `expected "${c.text}", but the module instantiated`);
          } catch (e) {
            const kindOk = c.type === 'assert_unlinkable' ? e instanceof LinkError : e instanceof Trap;
            if (kindOk && (e as Error).message.includes(c.text!)) pass(c);
            else fail(c, `expected "${c.text}", got ${errText(e)}`);
          }
          break;
        }
        default:
          if (counted(c)) skip(c, `command type ${c.type} is not supported by the runner`);
      }
    } catch (e) {
      if (counted(c)) fail(c, `runner error: ${errText(e)}`);
    }
  }
  rt.close();
  return out;
}

export { LinkError };
