// Small modules the compiler engine builds at run time:
//  - a re-export module that turns a JS function into a host wasm function of a given type (only those
//    can live in a WebAssembly.Table or be passed where the host checks signatures);
//  - call trampolines that pass floats as their bits and v128 as two i64 halves, so calls from the
//    runtime into host-compiled code are bit-exact (a JS number quietens signalling NaNs, and the JS API
//    refuses v128 altogether).

import { type FuncType, ValType } from '../../binary/types.js';

function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function section(id: number, body: number[], out: number[]): void {
  out.push(id);
  uleb(body.length, out);
  out.push(...body);
}

function name(s: string, out: number[]): void {
  const b = new TextEncoder().encode(s);
  uleb(b.length, out);
  out.push(...b);
}

/** `(module (import "m" "f" (func (type t))) (export "f" (func 0)))` */
export function reexportModuleBytes(t: FuncType): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const type = [1, 0x60];
  uleb(t.params.length, type);
  type.push(...t.params);
  uleb(t.results.length, type);
  type.push(...t.results);
  section(1, type, out);
  const imp: number[] = [1];
  name('m', imp);
  name('f', imp);
  imp.push(0x00, 0x00);
  section(2, imp, out);
  const exp: number[] = [1];
  name('f', exp);
  exp.push(0x00, 0x00);
  section(7, exp, out);
  return new Uint8Array(out);
}

const cache = new Map<string, WebAssembly.Module>();

/** Wraps `js` as a host wasm function of type `t`. */
export function hostFunctionOfType(t: FuncType, js: Function): Function {
  const key = `${t.params.join(',')}>${t.results.join(',')}`;
  let m = cache.get(key);
  if (!m) {
    m = new WebAssembly.Module(reexportModuleBytes(t));
    cache.set(key, m);
  }
  return new WebAssembly.Instance(m, { m: { f: js } }).exports.f as Function;
}

/** Whether calls of this type need a trampoline to be bit-exact (floats or v128 in the signature). */
export function needsTrampoline(t: FuncType): boolean {
  const inexact = (v: number) => v === ValType.f32 || v === ValType.f64 || v === ValType.v128;
  return t.params.some(inexact) || t.results.some(inexact);
}

/** The trampoline's own signature: f32 -> i32 bits, f64 -> i64 bits, v128 -> two i64 halves. */
function bitsTypes(ts: readonly number[]): number[] {
  const out: number[] = [];
  for (const t of ts) {
    if (t === ValType.f32) out.push(ValType.i32);
    else if (t === ValType.f64) out.push(ValType.i64);
    else if (t === ValType.v128) out.push(ValType.i64, ValType.i64);
    else out.push(t);
  }
  return out;
}

function funcTypeBytes(params: readonly number[], results: readonly number[], out: number[]): void {
  out.push(0x60);
  uleb(params.length, out);
  out.push(...params);
  uleb(results.length, out);
  out.push(...results);
}

/**
 * `(module (import "m" "f" (func $f (type T))) (func (export "call") (type T') …))` where the export
 * converts its bit-pattern arguments, calls $f, and converts the results back to bit patterns.
 */
export function trampolineModuleBytes(t: FuncType): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const pBits = bitsTypes(t.params);
  const rBits = bitsTypes(t.results);
  const types: number[] = [2];
  funcTypeBytes(t.params, t.results, types);
  funcTypeBytes(pBits, rBits, types);
  section(1, types, out);
  const imp: number[] = [1];
  name('m', imp);
  name('f', imp);
  imp.push(0x00, 0x00);
  section(2, imp, out);
  section(3, [1, 1], out);
  const exp: number[] = [1];
  name('call', exp);
  exp.push(0x00, 0x01);
  section(7, exp, out);

  const body: number[] = [];
  // One local per result (of its own type), to re-order results as they are converted.
  uleb(t.results.length, body);
  for (const r of t.results) body.push(1, r);
  let j = 0;
  for (const p of t.params) {
    if (p === ValType.v128) {
      body.push(0xfd, 0x0c, ...new Array(16).fill(0)); // v128.const 0
      body.push(0x20, ...lebBytes(j), 0xfd, 0x1e, 0x00); // i64x2.replace_lane 0
      body.push(0x20, ...lebBytes(j + 1), 0xfd, 0x1e, 0x01); // i64x2.replace_lane 1
      j += 2;
      continue;
    }
    body.push(0x20, ...lebBytes(j));
    if (p === ValType.f32) body.push(0xbe); // f32.reinterpret_i32
    else if (p === ValType.f64) body.push(0xbf); // f64.reinterpret_i64
    j++;
  }
  body.push(0x10, 0x00); // call $f
  const first = pBits.length;
  for (let k = t.results.length - 1; k >= 0; k--) body.push(0x21, ...lebBytes(first + k));
  t.results.forEach((r, k) => {
    const l = lebBytes(first + k);
    if (r === ValType.v128) {
      body.push(0x20, ...l, 0xfd, 0x1d, 0x00, 0x20, ...l, 0xfd, 0x1d, 0x01); // i64x2.extract_lane 0, 1
      return;
    }
    body.push(0x20, ...l);
    if (r === ValType.f32) body.push(0xbc); // i32.reinterpret_f32
    else if (r === ValType.f64) body.push(0xbd); // i64.reinterpret_f64
  });
  body.push(0x0b);
  const code: number[] = [1];
  uleb(body.length, code);
  code.push(...body);
  section(10, code, out);
  return new Uint8Array(out);
}

function lebBytes(n: number): number[] {
  const out: number[] = [];
  uleb(n, out);
  return out;
}

const trampolines = new Map<string, WebAssembly.Module>();

/** A function calling `target` (a host wasm function of type t) with bit-pattern arguments and results. */
export function trampolineFor(t: FuncType, target: Function): (...args: unknown[]) => unknown {
  const key = `${t.params.join(',')}>${t.results.join(',')}`;
  let m = trampolines.get(key);
  if (!m) {
    m = new WebAssembly.Module(trampolineModuleBytes(t));
    trampolines.set(key, m);
  }
  return new WebAssembly.Instance(m, { m: { f: target } }).exports.call as (...args: unknown[]) => unknown;
}
