// Small modules the compiler engine builds at run time: a re-export module that turns a JS function
// into a host wasm function of a given type (only those can live in a WebAssembly.Table or be passed
// where the host checks signatures).

import type { FuncType } from '../../binary/types.js';

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
