// Relaxed SIMD on the interpreter (the only engine that runs it under Node 20): each instruction
// returns the one result wasmbox chose among those the proposal allows (simd.ts, RELAXED_AS), checked
// here lane by lane, including the inputs where hardware differs (out-of-range swizzle lanes, NaN and
// overflowing truncations, q15mulr's overflow, dot products' i7 operand with its top bit set). wabt
// spells the dot products by their earlier names (i16x8.dot_i8x16_i7x16_s, i32x4.dot_i8x16_i7x16_add_s).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Features, defaultFeatures } from '../../src/api/features.js';
import { inst, interpRuntime, watUnavailable } from './helpers.js';

const skip = watUnavailable() ?? false;
const i8 = (...v: number[]) => `(v128.const i8x16 ${v.join(' ')})`;
const i16 = (...v: number[]) => `(v128.const i16x8 ${v.join(' ')})`;
const i32 = (...v: number[]) => `(v128.const i32x4 ${v.join(' ')})`;
const f32 = (...v: string[]) => `(v128.const f32x4 ${v.join(' ')})`;
const f64 = (...v: string[]) => `(v128.const f64x2 ${v.join(' ')})`;

type Lanes = 'i8' | 'i16' | 'i32' | 'f32' | 'f64';
// [name, expression, lane type of the result, expected lanes]
const cases: [string, string, Lanes, (number | bigint)[]][] = [
  ['swizzle: out-of-range lanes give 0', `(i8x16.relaxed_swizzle ${i8(10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25)} ${i8(15, 0, 16, 255, 1, 128, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)})`, 'i8', [25, 10, 0, 0, 11, 0, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]],
  ['trunc f32 s: NaN 0, overflow saturates', `(i32x4.relaxed_trunc_f32x4_s ${f32('nan', '-1.5', '3e9', '-3e9')})`, 'i32', [0, -1, 2147483647, -2147483648]],
  ['trunc f32 u: negatives 0, overflow saturates', `(i32x4.relaxed_trunc_f32x4_u ${f32('nan', '-1.5', '5e9', '7.9')})`, 'i32', [0, 0, -1, 7]],
  ['trunc f64 s zero', `(i32x4.relaxed_trunc_f64x2_s_zero ${f64('-1e10', '42.9')})`, 'i32', [-2147483648, 42, 0, 0]],
  ['trunc f64 u zero', `(i32x4.relaxed_trunc_f64x2_u_zero ${f64('1e10', 'nan')})`, 'i32', [-1, 0, 0, 0]],
  // 1e38 * 10 overflows f32 before the add (unfused): inf + -inf is NaN (a fused madd would give -inf).
  ['f32 madd', `(f32x4.relaxed_madd ${f32('2', '-3', '0.5', '1e38')} ${f32('4', '5', '0.5', '10')} ${f32('1', '1', '-0.25', '-inf')})`, 'f32', [9, -14, 0, NaN]],
  ['f32 nmadd', `(f32x4.relaxed_nmadd ${f32('2', '-3', '0.5', '0')} ${f32('4', '5', '0.5', '1')} ${f32('1', '1', '-0.25', '0')})`, 'f32', [-7, 16, -0.5, 0]],
  ['f64 madd', `(f64x2.relaxed_madd ${f64('1.5', '-2')} ${f64('2', '3')} ${f64('0.5', '6')})`, 'f64', [3.5, 0]],
  ['f64 nmadd', `(f64x2.relaxed_nmadd ${f64('1.5', '-2')} ${f64('2', '3')} ${f64('0.5', '6')})`, 'f64', [-2.5, 12]],
  ['laneselect is bitselect', `(i32x4.relaxed_laneselect ${i32(-1, 0x12345678, 7, 0)} ${i32(0, 0x0f0f0f0f, 9, -1)} ${i32(-1, 0xffff0000, 0, 0x80000000)})`, 'i32', [-1, 0x12340f0f, 9, 0x7fffffff]],
  ['f32 min/max propagate NaN, order zeros', `(f32x4.relaxed_min ${f32('nan', '-0', '1', '-inf')} ${f32('1', '0', '2', '3')})`, 'f32', [NaN, -0, 1, -Infinity]],
  ['f32 max', `(f32x4.relaxed_max ${f32('1', '-0', '1', '-inf')} ${f32('nan', '0', '2', '3')})`, 'f32', [NaN, 0, 2, 3]],
  ['f64 min', `(f64x2.relaxed_min ${f64('0', '5')} ${f64('-0', 'nan')})`, 'f64', [-0, NaN]],
  ['f64 max', `(f64x2.relaxed_max ${f64('-0', '5')} ${f64('0', '-7')})`, 'f64', [0, 5]],
  ['q15mulr saturates -32768 * -32768', `(i16x8.relaxed_q15mulr_s ${i16(-32768, 16384, 100, -5, 0, 1, 2, 3)} ${i16(-32768, 16384, 200, 7, 0, 1, 2, 3)})`, 'i16', [32767, 8192, 1, 0, 0, 0, 0, 0]],
  ['dot i8 i7', `(i16x8.dot_i8x16_i7x16_s ${i8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)} ${i8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)})`, 'i16', [1, 13, 41, 85, 145, 221, 313, 421]],
  ['dot i8 i7: extremes', `(i16x8.dot_i8x16_i7x16_s ${i8(-128, -128, 127, 127, -128, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)} ${i8(127, 127, 127, 127, -128, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)})`, 'i16', [-32512, 32258, -32768, 0, 0, 0, 0, 0]],
  ['dot add', `(i32x4.dot_i8x16_i7x16_add_s ${i8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)} ${i8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)} ${i32(0, 1, 2, 3)})`, 'i32', [14, 127, 368, 737]],
  ['dot add: extremes', `(i32x4.dot_i8x16_i7x16_add_s ${i8(-128, -128, -128, -128, 127, 127, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0)} ${i8(127, 127, 127, 127, 127, 127, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0)} ${i32(1, 2, 3, 4)})`, 'i32', [-65023, 64518, 3, 4]],
];

function lanes(mem: Uint8Array, t: Lanes): number[] {
  const dv = new DataView(mem.buffer, mem.byteOffset, 16);
  const out: number[] = [];
  const n = { i8: 16, i16: 8, i32: 4, f32: 4, f64: 2 }[t];
  for (let i = 0; i < n; i++) {
    if (t === 'i8') out.push(dv.getInt8(i));
    else if (t === 'i16') out.push(dv.getInt16(2 * i, true));
    else if (t === 'i32') out.push(dv.getInt32(4 * i, true));
    else if (t === 'f32') out.push(dv.getFloat32(4 * i, true));
    else out.push(dv.getFloat64(8 * i, true));
  }
  return out;
}

test('relaxed SIMD: the results wasmbox chose, lane by lane', { skip }, () => {
  const funcs = cases.map(([, expr], k) => `(func (export "c${k}") (v128.store (i32.const 0) ${expr}))`).join('\n');
  const rt = interpRuntime(undefined, defaultFeatures | Features.relaxedSimd);
  try {
    const m = inst(rt, `(module (memory (export "memory") 1) ${funcs})`, 'relaxed', ['--enable-relaxed-simd']);
    cases.forEach(([name, , t, want], k) => {
      m.exportedFunction(`c${k}`)!.call();
      const got = lanes(m.memory()!.read(0, 16), t);
      assert.deepEqual(got, want.map((x) => (t === 'i32' ? Number(x) | 0 : Number(x))), name);
    });
  } finally {
    rt.close();
  }
});
