// A table of small WAT-built programs aimed at the interpreter's lowering: every peephole (lazy
// local.get, destination rewriting, fused compare-and-branch, address folding, f64 multiply-add and the other superinstructions) and
// the control-flow shapes that move values between slots. Each runs optimised and, for comparison,
// is checked against the expected value computed by hand.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Features, Trap, defaultFeatures } from '../../src/index.js';
import { inst, interpRuntime, watUnavailable } from './helpers.js';

interface Case {
  name: string;
  /** The function: exported as "f". */
  func: string;
  args: unknown[];
  /** Expected results, or a trap code. */
  want: unknown[] | string;
  /** Extra module fields (memory, globals, helper functions). */
  extra?: string;
  /** wat2wasm flags (proposals). */
  flags?: string[];
}

const cases: Case[] = [
  { name: 'local.get stays lazy across a local.set of another local',
    func: '(param i32 i32) (result i32) (local.get 0) (local.set 1 (i32.const 5)) (local.get 1) (i32.add)', args: [10, 0], want: [15] },
  { name: 'lazy local.get materialised before the local changes',
    func: '(param i32) (result i32) (local.get 0) (local.set 0 (i32.const 1)) (local.get 0) (i32.sub)', args: [10], want: [9] },
  { name: 'destination rewrite with the local also read below',
    func: '(param i32) (result i32) (local.get 0) (local.get 0) (i32.const 3) (i32.add) (local.set 0) (local.get 0) (i32.mul)', args: [4], want: [28] },
  { name: 'local.tee then reuse',
    func: '(param i32) (result i32) (local.tee 0 (i32.mul (local.get 0) (local.get 0))) (local.get 0) (i32.add)', args: [3], want: [18] },
  { name: 'fused compare branch (register and immediate forms)',
    func: `(param i32 i32) (result i32) (block $b (br_if $b (i32.lt_s (local.get 0) (local.get 1))) (return (i32.const 1)))
      (block $c (br_if $c (i32.ge_u (local.get 0) (i32.const 100))) (return (i32.const 2))) (i32.const 3)`, args: [200, 300], want: [3] },
  { name: 'if on a fused unsigned compare with negative values',
    func: '(param i32) (result i32) (if (result i32) (i32.gt_u (local.get 0) (i32.const 10)) (then (i32.const 1)) (else (i32.const 0)))',
    args: [-1], want: [1] },
  { name: 'loop counters: add then compare-and-branch fuse, the counter is still written',
    func: `(param i32) (result i32) (local i32 i32 i32)
      (loop $a (local.set 2 (i32.add (local.get 2) (i32.const 3)))
        (br_if $a (i32.ne (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (i32.const 10))))
      (loop $b (local.set 3 (i32.add (local.get 3) (i32.const 1)))
        (br_if $b (i32.gt_s (local.tee 0 (i32.add (local.get 0) (i32.const -1))) (local.get 3))))
      (loop $c (br_if $c (local.tee 1 (i32.add (local.get 1) (i32.const -1)))))
      (i32.add (i32.add (local.get 2) (local.get 3)) (i32.add (local.get 0) (local.get 1)))`,
    args: [100], want: [30 + 50 + 50 + 0] },
  { name: 'if on an incremented value', func: '(param i32) (result i32) (if (result i32) (i32.gt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 5)) (then (local.get 0)) (else (i32.const -1)))',
    args: [5], want: [6] },
  { name: 'br_if on eqz', func: '(param i32) (result i32) (block $b (br_if $b (i32.eqz (local.get 0))) (return (i32.const 7))) (i32.const 8)',
    args: [0], want: [8] },
  { name: 'i64 compare fused into br_if',
    func: '(param i64 i64) (result i32) (block $b (br_if $b (i64.le_u (local.get 0) (local.get 1))) (return (i32.const 1))) (i32.const 2)',
    args: [-1n, 5n], want: [1] },
  { name: 'zero-extend, add and i64 compare-and-branch fuse (a 64-bit loop bound); all three still write',
    func: `(param $j i32) (param $step i32) (param $lim i64) (result i32 i32 i64) (local $t i64) (local $n i32)
      (loop $l (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $t (i64.extend_i32_u (local.get $j)))
        (local.set $j (i32.add (local.get $j) (local.get $step)))
        (br_if $l (i64.lt_s (local.get $t) (local.get $lim))))
      (local.get $n) (local.get $j) (local.get $t)`,
    args: [1, 2, 10n], want: [6, 13, 11n] },
  { name: 'the fused 64-bit bound zero-extends (0xfffffffe is 4294967294, not -2) and the add wraps',
    func: `(param $j i32) (param $step i32) (param $lim i64) (result i32 i32 i64) (local $t i64) (local $n i32)
      (loop $l (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $t (i64.extend_i32_u (local.get $j)))
        (local.set $j (i32.add (local.get $j) (local.get $step)))
        (br_if $l (i64.gt_s (local.get $t) (local.get $lim))))
      (local.get $n) (local.get $j) (local.get $t)`,
    args: [-2, 5, 10n], want: [2, 8, 3n] },
  { name: 'the fused 64-bit bound adding the counter to itself',
    func: `(param $j i32) (param $lim i64) (result i32 i32 i64) (local $t i64) (local $n i32)
      (loop $l (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $t (i64.extend_i32_u (local.get $j)))
        (local.set $j (i32.add (local.get $j) (local.get $j)))
        (br_if $l (i64.ne (local.get $t) (local.get $lim))))
      (local.get $n) (local.get $j) (local.get $t)`,
    args: [1, 8n], want: [4, 16, 8n] },
  { name: 'a 64-bit bound against a constant (not fused: the constant is materialised between)',
    func: `(param $j i32) (result i32 i64) (local $t i64) (local $n i32)
      (loop $l (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $t (i64.extend_i32_u (local.get $j)))
        (local.set $j (i32.add (local.get $j) (local.get $j)))
        (br_if $l (i64.ne (local.get $t) (i64.const 8))))
      (local.get $n) (local.get $t)`,
    args: [1], want: [4, 8n] },
  { name: 'i64 eqz fused into if', func: '(param i64) (result i32) (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1)) (else (i32.const 2)))',
    args: [0x100000000n], want: [2] },
  { name: 'address folding keeps the 32-bit wrap of i32.add',
    extra: '(memory 1) (data (i32.const 4) "\\2a")',
    func: '(param i32) (result i32) (i32.load8_u (i32.add (local.get 0) (i32.const 8)))', args: [-4], want: [42] },
  { name: 'address folding traps out of bounds like the unfolded access',
    extra: '(memory 1)', func: '(param i32) (result i32) (i32.load offset=4 (i32.add (local.get 0) (i32.const 65530)))', args: [0], want: 'out of bounds memory access' },
  { name: 'store of a constant through a folded address computed from a call',
    extra: '(memory 1) (func $p (result i32) (i32.const 16))',
    func: '(result i32) (i32.store (i32.add (call $p) (i32.const 4)) (i32.const 99)) (i32.load (i32.const 20))', args: [], want: [99] },
  { name: 'stores of constants (i32, f32 bits, i64 low word), folded and unfolded addresses',
    extra: '(memory 1)',
    func: `(param i32) (result i32 i32 i32 i64)
      (i32.store8 (i32.add (local.get 0) (i32.const 1)) (i32.const 0x1ff))
      (i32.store16 offset=2 (local.get 0) (i32.const -2))
      (f32.store offset=4 (local.get 0) (f32.const -0))
      (i64.store32 offset=8 (local.get 0) (i64.const 0x1234567887654321))
      (i32.load8_u offset=1 (local.get 0)) (i32.load16_s offset=2 (local.get 0)) (i32.load offset=4 (local.get 0))
      (i64.load offset=8 (local.get 0))`,
    args: [100], want: [0xff, -2, -0x80000000, 0x87654321n] },
  { name: 'address computed into a local and loaded at once (register and immediate sums)',
    extra: '(memory 1) (data (i32.const 8) "\\07\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\f0\\3f")',
    func: `(param i32 i32) (result i32 f64 i32 i32) (local i32)
      (i32.load (local.tee 2 (i32.add (local.get 0) (local.get 1))))
      (f64.load offset=4 (local.tee 2 (i32.add (local.get 2) (i32.const 4))))
      (local.get 2)
      (i32.load (local.tee 0 (i32.add (local.get 0) (i32.const -4))))`,
    args: [4, 4], want: [7, 1, 12, 0] },
  { name: 'scaled index folded into loads (the shift wraps like i32.shl)',
    extra: '(memory 1) (data (i32.const 16) "\\2a\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00\\08\\40")',
    func: `(param i32) (result i32 f64 i32)
      (i32.load offset=12 (i32.shl (local.get 0) (i32.const 2)))
      (f64.load offset=16 (i32.shl (local.get 0) (i32.const 3)))
      (i32.load offset=16 (i32.shl (i32.const 0x40000000) (i32.const 2)))`,
    args: [1], want: [42, 3, 42] },
  { name: 'f64 mul feeding sub with a local on top',
    func: '(param f64 f64 f64) (result f64) (f64.sub (f64.mul (local.get 0) (local.get 1)) (local.get 2))', args: [3, 4, 5], want: [7] },
  { name: 'f64 mul feeding sub with a constant on top (not fused)',
    extra: '(memory 1)',
    func: `(param f64) (result f64) (f64.store (i32.const 0) (local.get 0)) (f64.store (i32.const 8) (local.get 0))
      (f64.sub (f64.mul (f64.load (i32.const 0)) (f64.load (i32.const 8))) (f64.const 0.5))`, args: [3], want: [8.5] },
  { name: 'f64 mul feeding add from below', func: '(param f64 f64 f64) (result f64) (f64.add (local.get 2) (f64.mul (local.get 0) (local.get 1)))',
    args: [2, 3, 1], want: [7] },
  { name: 'f64 loads feeding add/sub/mul from either side (addresses folded, one computed by a call)',
    extra: '(memory 1) (func $p (result i32) (i32.const 8))',
    func: `(param f64) (result f64 f64 f64 f64)
      (f64.store (i32.const 8) (f64.const 2)) (f64.store (i32.const 16) (f64.const 5))
      (f64.sub (local.get 0) (f64.load (i32.const 8)))
      (f64.sub (f64.load offset=8 (call $p)) (local.get 0))
      (f64.mul (f64.load (i32.add (call $p) (i32.const 8))) (local.get 0))
      (f64.add (f64.load (i32.const 16)) (f64.load (i32.const 8)))`,
    args: [3], want: [1, 2, 15, 7] },
  { name: 'f64 arithmetic with constant operands on either side',
    func: `(param f64) (result f64 f64 f64 f64 f64 f64 f64)
      (f64.add (local.get 0) (f64.const 0.5)) (f64.sub (local.get 0) (f64.const 0.5)) (f64.sub (f64.const 0.5) (local.get 0))
      (f64.mul (f64.const 3) (local.get 0)) (f64.div (local.get 0) (f64.const 4)) (f64.div (f64.const 1) (local.get 0))
      (f64.add (f64.const 1) (f64.const 2))`,
    args: [2], want: [2.5, 1.5, -1.5, 6, 0.5, 0.5, 3] },
  { name: 'c - a*b', func: '(param f64 f64 f64) (result f64) (f64.sub (local.get 2) (f64.mul (local.get 0) (local.get 1)))', args: [2, 3, 1], want: [-5] },
  { name: 'i64 immediates: mul, rotl, shr_u, xor',
    func: '(param i64) (result i64) (i64.xor (i64.shr_u (i64.rotl (i64.mul (local.get 0) (i64.const 0x9E3779B185EBCA87)) (i64.const 31)) (i64.const 7)) (i64.const -1))',
    args: [0x123456789n],
    want: [BigInt.asIntN(64, ~(((((0x123456789n * 0x9E3779B185EBCA87n) & 0xffffffffffffffffn) << 31n | (((0x123456789n * 0x9E3779B185EBCA87n) & 0xffffffffffffffffn) >> 33n)) & 0xffffffffffffffffn) >> 7n))] },
  { name: 'shift feeding add (both orders, with wrap-around)',
    func: '(param i32 i32) (result i32 i32) (i32.add (i32.shl (local.get 0) (i32.const 2)) (local.get 1)) (i32.add (local.get 1) (i32.shl (local.get 0) (i32.const 2)))',
    args: [0x40000001, 5], want: [9, 9] },
  { name: 'runs of local-to-local moves keep their order',
    func: '(param i32 i32) (result i32 i32) (local i32) (local.set 2 (local.get 0)) (local.set 0 (local.get 1)) (local.set 1 (local.get 2)) (local.get 0) (local.get 1)',
    args: [1, 2], want: [2, 1] },
  { name: 'shifted and rotated operands feeding add/xor/or/and (both orders)',
    func: `(param i32 i32) (result i32 i32 i32 i32 i32)
      (i32.xor (i32.rotl (local.get 0) (i32.const 7)) (i32.rotr (local.get 0) (i32.const 3)))
      (i32.add (local.get 1) (i32.shr_u (local.get 0) (i32.const 28)))
      (i32.or (i32.shl (local.get 0) (i32.const 4)) (local.get 1))
      (i32.and (local.get 1) (i32.shr_s (local.get 0) (i32.const 31)))
      (i32.add (i32.const 1) (i32.rotl (local.get 0) (i32.const 0)))`,
    args: [0x87654321 | 0, 5],
    want: [(((0x87654321 << 7) | (0x87654321 >>> 25)) ^ ((0x87654321 >>> 3) | (0x87654321 << 29))) | 0, 5 + 8, (0x76543210 | 5) | 0, 5, (0x87654321 + 1) | 0] },
  { name: 'both operands shifted by constants (funnel shift, sums of rotations, a teed shift read by the other)',
    func: `(param i32 i32) (result i32 i32 i32 i32 i32) (local i32)
      (i32.or (i32.shl (local.get 0) (i32.const 8)) (i32.shr_u (local.get 1) (i32.const 24)))
      (i32.add (i32.shr_s (local.get 0) (i32.const 4)) (i32.rotl (local.get 1) (i32.const 33)))
      (i32.and (i32.shl (local.get 0) (i32.const 1)) (i32.shr_s (local.get 0) (i32.const 1)))
      (i32.xor (i32.xor (i32.rotr (local.get 1) (i32.const 2)) (i32.rotr (local.get 1) (i32.const 13))) (i32.rotr (local.get 1) (i32.const 22)))
      (i32.or (local.tee 2 (i32.shl (local.get 0) (i32.const 8))) (i32.shr_u (local.get 2) (i32.const 4)))`,
    args: [0x87654321 | 0, 0xabcdef01 | 0],
    want: [0x654321ab, ((0x87654321 >> 4) + (0x579bde03)) | 0, (0x87654321 << 1) & (0x87654321 >> 1),
      (((0xabcdef01 >>> 2) | (0xabcdef01 << 30)) ^ ((0xabcdef01 >>> 13) | (0xabcdef01 << 19)) ^ ((0xabcdef01 >>> 22) | (0xabcdef01 << 10))) | 0,
      ((0x87654321 << 8) | ((0x87654321 << 8) >>> 4)) | 0] },
  { name: 'scaled index plus a constant folded into loads (wrapping shift and sum)',
    extra: '(memory 1) (data (i32.const 0) "\\01\\00\\00\\00\\02\\00\\00\\00\\03") (data (i32.const 22) "\\f0\\3f")',
    func: `(param i32) (result i32 i32 f64)
      (i32.load offset=4 (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const -4)))
      (i32.load (i32.add (i32.const 4) (i32.shl (i32.const 1) (i32.const 2))))
      (f64.load offset=16 (i32.add (i32.shl (i32.and (local.get 0) (i32.const 1)) (i32.const 3)) (i32.const -8)))`,
    args: [0x40000001], want: [2, 3, 1] },
  { name: 'calls of a function whose locals need zeroing (the prologue done by the call)',
    extra: `(func $acc (param i32) (result i32) (local i32 i32)
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (if (local.get 0) (then (local.set 1 (call $acc (i32.sub (local.get 0) (i32.const 1))))))
      (i32.add (i32.add (local.get 1) (local.get 2)) (i32.const 1)))`,
    func: '(param i32) (result i32) (call $acc (local.get 0))', args: [5], want: [6] },
  { name: 'a load stored at once is a memory-to-memory copy (every width, overlapping, NaN bits kept)',
    extra: '(memory 1) (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c") (data (i32.const 32) "\\01\\00\\00\\00\\00\\00\\f4\\7f")',
    func: `(param i32) (result i64 i64 i32 i64) (local i32)
      (i64.store offset=2 (local.get 0) (i64.load (local.get 0)))
      (i64.load (i32.const 0))
      (f64.store (i32.const 40) (f64.load (i32.const 32)))
      (i64.load (i32.const 40))
      (i32.store8 (i32.const 16) (i32.load8_s (i32.const 7)))
      (i32.store16 (i32.const 17) (i32.load16_u (i32.const 2)))
      (i32.store (i32.add (local.get 0) (i32.const 20)) (i32.load (i32.add (local.get 0) (i32.const 4))))
      (i32.load (i32.const 16))
      (i64.load offset=8 (i32.const 8))`,
    args: [0],
    want: [0x0605040302010201n, 0x7ff4000000000001n, 0x00020106, 0x0605040300020106n] },
  { name: 'a memory-to-memory copy traps on its load before its store',
    extra: '(memory 1)',
    func: `(param i32) (result i32) (i32.store (i32.const 0) (i32.const 5))
      (i32.store (i32.const 0) (i32.load (local.get 0))) (i32.load (i32.const 0))`,
    args: [65534], want: 'out of bounds memory access' },
  { name: 'a constant byte stored through a pointer that then advances (marking loop, stride = the pointer)',
    extra: '(memory 1)',
    func: `(param i32 i32) (result i32 i32 i32 i32) (local i32)
      (local.set 2 (local.get 0))
      (loop $l
        (i32.store8 offset=1 (local.get 2) (i32.const 7))
        (local.set 2 (i32.add (local.get 2) (local.get 1)))
        (br_if $l (i32.lt_u (local.get 2) (i32.const 20))))
      (i32.store8 (local.get 1) (i32.const 9))
      (local.set 1 (i32.add (local.get 1) (local.get 1)))
      (i32.load (i32.const 4)) (i32.load (i32.const 8)) (local.get 2) (local.get 1)`,
    args: [0, 3], want: [0x07000007, 0x00070000, 21, 6] },
  { name: 'chained i32 adds (both orders, wrapping)',
    func: '(param i32 i32 i32) (result i32 i32) (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)) (i32.add (local.get 2) (i32.add (local.get 0) (local.get 1)))',
    args: [0x7fffffff, 0x7fffffff, 5], want: [3, 3] },
  { name: 'i32 rotr by an immediate', func: '(param i32) (result i32) (i32.rotr (local.get 0) (i32.const 8))', args: [0x12345678], want: [0x78123456] },
  { name: 'multi-value block and br with values',
    func: `(param i32) (result i32 i32) (block (result i32 i32) (local.get 0) (i32.const 2)
      (br_if 0 (i32.eqz (local.get 0))) (drop) (drop) (i32.const 5) (i32.const 6))`, args: [0], want: [0, 2] },
  { name: 'loop with parameters carried by br',
    func: `(param i32) (result i32) (local i32) (i32.const 0) (local.get 0)
      (loop $l (param i32 i32) (result i32) (local.set 1) (local.get 1) (i32.add)
        (local.get 1) (i32.const 1) (i32.sub) (local.tee 1) (i32.eqz) (br_if 1) (local.get 1) (br $l))`,
    args: [4], want: [10] },
  { name: 'br_table with a value and a return target',
    func: `(param i32) (result i32) (block $a (result i32) (block $b (result i32)
      (br_table $a $b 2 (i32.const 100) (local.get 0))) (i32.const 1) (i32.add)) (i32.const 10) (i32.add)`,
    args: [1], want: [111] },
  { name: 'br_table default returns from the function', func: `(param i32) (result i32) (block $a (result i32)
      (br_table $a 1 (i32.const 7) (local.get 0))) (i32.const 1) (i32.add)`, args: [5], want: [7] },
  { name: 'select of locals and a lazy constant', func: '(param i32 i32) (result i32) (select (local.get 0) (i32.const -3) (local.get 1))', args: [9, 0], want: [-3] },
  { name: 'multiple results returned in order from swapped locals',
    func: '(param i32 i32) (result i32 i32) (local.get 1) (local.get 0)', args: [1, 2], want: [2, 1] },
  { name: 'locals read before written are zero; written first need no prologue',
    func: '(result i32) (local i32 i32) (local.set 1 (i32.const 4)) (loop (local.set 0 (i32.add (local.get 0) (local.get 1)))) (local.get 0)',
    args: [], want: [4] },
  { name: 'recursion through call with lazy arguments',
    extra: '(func $fib (param i32) (result i32) (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0)) (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))',
    func: '(param i32) (result i32) (call $fib (local.get 0))', args: [20], want: [6765] },
  { name: 'exceptions: throw across calls, catch with values, catch_all, rethrow, delegate',
    flags: ['--enable-exceptions'],
    extra: `(tag $e (param i32)) (tag $f)
      (func $thrower (param i32) (if (i32.gt_u (local.get 0) (i32.const 2)) (then (throw $e (local.get 0)))))
      (func $rethrower (result i32)
        (try (result i32) (do (throw $e (i32.const 7))) (catch $e (drop) (rethrow 0))))
      (func $delegating (result i32)
        (try $outer (result i32)
          (do (try (result i32) (do (throw $f)) (delegate $outer)))
          (catch $f (i32.const 40)) (catch_all (i32.const -1))))`,
    func: `(param i32) (result i32) (local i32)
      (try (do (call $thrower (local.get 0))) (catch $e (local.set 1))) ;; caught value
      (local.get 1)
      (try (result i32) (do (call $rethrower)) (catch $e (i32.add (i32.const 100))) (catch_all (i32.const -2)))
      (i32.add)
      (call $delegating)
      (i32.add)`,
    args: [5], want: [5 + 107 + 40] },
  { name: 'an exception no frame catches ends the call as a trap',
    flags: ['--enable-exceptions'],
    extra: '(tag $e)', func: '(throw $e)', args: [], want: 'uncaught exception' },
  { name: 'lazy x + k: folded into a store whose value changes x (the address uses the old x)',
    extra: '(memory 1)',
    func: `(param i32) (result i32 i32 i32)
      (i32.store (i32.add (local.get 0) (i32.const 4)) (local.tee 0 (i32.const 100)))
      (i32.load (i32.const 12)) (i32.load (i32.const 104)) (local.get 0)`,
    args: [8], want: [100, 0, 100] },
  { name: 'lazy x + k: k + x, chained sums (wrapping), folded into loads and stores',
    extra: '(memory 1) (data (i32.const 16) "\\2a")',
    func: `(param i32) (result i32 i32 i32)
      (i32.store8 (i32.add (i32.const 20) (local.get 0)) (i32.const 7))
      (i32.load8_u (i32.add (i32.add (local.get 0) (i32.const -8)) (i32.const 20)))
      (i32.load8_u offset=20 (i32.sub (i32.add (i32.const 0x7fffffff) (local.get 0)) (i32.const 0x7fffffff)))
      (i32.add (i32.add (local.get 0) (i32.const 0x7fffffff)) (i32.const 0x7fffffff))`,
    args: [4], want: [42, 7, 2] },
  { name: 'lazy x + k: computed before x changes, as a value, a condition and a store address',
    extra: '(memory 1)',
    func: `(param i32) (result i32 i32 i32) (local i32)
      (local.get 0) (i32.const 1) (i32.add)
      (local.set 0 (i32.const 50))
      (local.get 0) (i32.const 2) (i32.add) (local.tee 1)
      (block $b (br_if $b (i32.add (local.get 1) (i32.const -52))) (local.set 1 (i32.const 9)))
      (i32.store offset=8 (i32.add (local.get 1) (i32.const 4)) (i32.const 5))
      (drop) (i32.load (i32.const 21)) (local.get 1)`,
    args: [3], want: [4, 5, 9] },
  { name: 'lazy x + k of the same local written back (x = x + k) and read below',
    func: `(param i32) (result i32 i32) (local.get 0) (i32.const 3) (i32.add) (local.get 0) (i32.const 5) (i32.add) (local.set 0) (local.get 0)`,
    args: [10], want: [13, 15] },
  { name: 'i64 mul by a constant feeding add (both orders, the carry out of the low word, result over an operand)',
    func: `(param i64 i64) (result i64 i64 i64)
      (i64.add (i64.mul (local.get 0) (i64.const 0xC2B2AE3D27D4EB4F)) (local.get 1))
      (i64.add (local.get 1) (i64.mul (local.get 0) (i64.const -3)))
      (local.set 0 (i64.add (local.get 0) (i64.mul (local.get 0) (i64.const 0xffffffff)))) (local.get 0)`,
    args: [0x7fffffffffffffffn, -1n],
    want: [0x7fffffffffffffffn * 0xC2B2AE3D27D4EB4Fn - 1n, -1n + 0x7fffffffffffffffn * -3n, 0x7fffffffffffffffn * 0x100000000n].map((v) => BigInt.asIntN(64, v)) },
  { name: 'i64 rotl by a constant feeding mul by a constant (counts 0, 5, 32, 45)',
    func: `(param i64) (result i64 i64 i64 i64)
      (i64.mul (i64.rotl (local.get 0) (i64.const 0)) (i64.const 0x9E3779B185EBCA87))
      (i64.mul (i64.rotl (local.get 0) (i64.const 5)) (i64.const 0x9E3779B185EBCA87))
      (i64.mul (i64.rotl (local.get 0) (i64.const 32)) (i64.const 7))
      (i64.mul (i64.rotr (local.get 0) (i64.const 19)) (i64.const -1))`,
    args: [0x0123456789abcdefn],
    want: [0n, 5n, 32n, 45n].map((r) => {
      const x = 0x0123456789abcdefn;
      const rot = ((x << r) | (x >> ((64n - r) % 64n))) & 0xffffffffffffffffn;
      return BigInt.asIntN(64, rot * (r === 32n ? 7n : r === 45n ? -1n : 0x9E3779B185EBCA87n));
    }) },
  { name: 'i64 rotl by a constant, tee\'d to a local, feeding mul by a constant (the local keeps the rotation)',
    func: `(param i64) (result i64 i64) (local i64)
      (i64.mul (local.tee 1 (i64.rotl (local.get 0) (i64.const 31))) (i64.const 0x9E3779B185EBCA87)) (local.get 1)`,
    args: [0x0123456789abcdefn],
    want: [(0x0123456789abcdefn << 31n | 0x0123456789abcdefn >> 33n) & 0xffffffffffffffffn].flatMap((r) => [BigInt.asIntN(64, r * 0x9E3779B185EBCA87n), BigInt.asIntN(64, r)]) },
  { name: 'xxHash-style round from memory: rotl(acc + load * P2, 31) * P1',
    extra: '(memory 1) (data (i32.const 8) "\\01\\23\\45\\67\\89\\ab\\cd\\ef")',
    func: `(param i64) (result i64)
      (i64.mul (i64.rotl (i64.add (local.get 0) (i64.mul (i64.load (i32.const 8)) (i64.const 0xC2B2AE3D27D4EB4F))) (i64.const 31))
        (i64.const 0x9E3779B185EBCA87))`,
    args: [0x60ea27eeadc0b5d6n],
    want: [(() => {
      const m = 0xffffffffffffffffn;
      const v = (0x60ea27eeadc0b5d6n + 0xefcdab8967452301n * 0xC2B2AE3D27D4EB4Fn) & m;
      return BigInt.asIntN(64, (((v << 31n) | (v >> 33n)) & m) * 0x9E3779B185EBCA87n);
    })()] },
  { name: 'a funnel shift stored at once (folded x + k address), and out of bounds',
    extra: '(memory 1)',
    func: `(param i32 i32 i32) (result i32 i32)
      (i32.store offset=4 (i32.add (local.get 0) (i32.const 4)) (i32.or (i32.shl (local.get 1) (i32.const 8)) (i32.shr_u (local.get 2) (i32.const 24))))
      (i32.load (i32.const 16))
      (i32.store (i32.add (local.get 0) (i32.const 65530)) (i32.xor (i32.rotl (local.get 1) (i32.const 7)) (i32.rotl (local.get 1) (i32.const 18))))
      (i32.load (i32.const 16))`,
    args: [8, 0x11223344, 0xaabbccdd | 0], want: 'out of bounds memory access' },
  { name: 'a funnel shift stored at once',
    extra: '(memory 1)',
    func: `(param i32 i32 i32) (result i32 i32)
      (i32.store offset=4 (i32.add (local.get 0) (i32.const 4)) (i32.or (i32.shl (local.get 1) (i32.const 8)) (i32.shr_u (local.get 2) (i32.const 24))))
      (i32.load (i32.const 16))
      (i32.store (local.get 0) (i32.xor (i32.rotl (local.get 1) (i32.const 7)) (i32.rotl (local.get 1) (i32.const 18))))
      (i32.load (i32.const 8))`,
    args: [8, 0x11223344, 0xaabbccdd | 0], want: [0x223344aa, ((0x11223344 << 7) | (0x11223344 >>> 25)) ^ ((0x11223344 << 18) | (0x11223344 >>> 14))] },
  { name: 'a + !b (both orders, wrap-around), a counting loop over bytes',
    extra: '(memory 1) (data (i32.const 0) "\\00\\01\\00\\07\\00")',
    func: `(param i32 i32) (result i32 i32 i32) (local i32 i32)
      (i32.add (local.get 0) (i32.eqz (local.get 1)))
      (i32.add (i32.eqz (local.get 0)) (i32.const 0x7fffffff))
      (loop $l
        (local.set 3 (i32.add (local.get 3) (i32.eqz (i32.load8_u (local.get 2)))))
        (br_if $l (i32.ne (local.tee 2 (i32.add (local.get 2) (i32.const 1))) (i32.const 5))))
      (local.get 3)`,
    args: [0x7fffffff, 0], want: [-0x80000000, 0x7fffffff, 3] },
  { name: 'x & ~y (both orders; an xor with another constant is not a complement)',
    func: `(param i32 i32) (result i32 i32 i32)
      (i32.and (local.get 0) (i32.xor (local.get 1) (i32.const -1)))
      (i32.and (i32.xor (local.get 1) (i32.const -1)) (local.get 0))
      (i32.and (local.get 0) (i32.xor (local.get 1) (i32.const 0x7fffffff)))`,
    args: [0x0ff0f00f, 0x00ff00ff], want: [0x0f00f000, 0x0f00f000, 0x0ff0f00f & (0x00ff00ff ^ 0x7fffffff)] },
  { name: 'loads from a sum of two values (32-bit and byte loads, wrap-around, bounds check)',
    extra: '(memory 1) (data (i32.const 16) "\\01\\02\\03\\84")',
    func: `(param i32 i32) (result i32 i32 i32)
      (i32.load offset=4 (i32.add (local.get 0) (local.get 1)))
      (i32.load8_u offset=7 (i32.add (local.get 0) (local.get 1)))
      (i32.load8_u (i32.add (local.get 1) (i32.const 4096)))`,
    args: [20, -8], want: [0x84030201 | 0, 0x84, 0] },
  { name: 'a load from a sum of two values out of bounds traps',
    extra: '(memory 1)', func: '(param i32 i32) (result i32) (i32.load (i32.add (local.get 0) (local.get 1)))',
    args: [65530, 4], want: 'out of bounds memory access' },
  { name: 'a move then a branch (a loop variable set before the back-edge, a value carried out of a block)',
    func: `(param i32) (result i32) (local i32 i32)
      (block $d (loop $l
        (br_if $d (i32.eqz (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (local.set 1 (i32.add (local.get 1) (local.get 2)))
        (local.set 2 (local.get 0))
        (br $l)))
      (block $r (result i32) (br $r (local.get 1)))`,
    args: [4], want: [6] },
  { name: 'i64 load feeding mul by a constant (alone, and its bounds check)',
    extra: '(memory 1) (data (i32.const 16) "\\ff\\ff\\ff\\ff\\ff\\ff\\ff\\7f")',
    func: '(param i32) (result i64) (i64.mul (i64.load offset=8 (local.get 0)) (i64.const 0x100000003))',
    args: [8], want: [BigInt.asIntN(64, 0x7fffffffffffffffn * 0x100000003n)] },
  { name: 'i64 load feeding a multiply-add traps out of bounds',
    extra: '(memory 1)', func: '(param i32 i64) (result i64) (i64.add (local.get 1) (i64.mul (i64.load (local.get 0)) (i64.const 3)))',
    args: [65530, 1n], want: 'out of bounds memory access' },
  { name: 'f64 arithmetic stored at once (add/sub/mul, the three multiply-adds, a folded x + k address)',
    extra: '(memory 1)',
    func: `(param i32 f64 f64 f64) (result f64 f64 f64 f64 f64 f64)
      (f64.store (local.get 0) (f64.add (local.get 1) (local.get 2)))
      (f64.store offset=8 (local.get 0) (f64.sub (local.get 1) (local.get 2)))
      (f64.store offset=8 (i32.add (local.get 0) (i32.const 8)) (f64.mul (local.get 1) (local.get 2)))
      (f64.store (i32.add (local.get 0) (i32.const 24)) (f64.add (f64.mul (local.get 1) (local.get 2)) (local.get 3)))
      (f64.store (i32.add (local.get 0) (i32.const 32)) (f64.sub (f64.mul (local.get 1) (local.get 2)) (local.get 3)))
      (f64.store (i32.add (local.get 0) (i32.const 40)) (f64.sub (local.get 3) (f64.mul (local.get 1) (local.get 2))))
      (f64.load (i32.const 64)) (f64.load (i32.const 72)) (f64.load (i32.const 80))
      (f64.load (i32.const 88)) (f64.load (i32.const 96)) (f64.load (i32.const 104))`,
    args: [64, 3, 0.5, 10], want: [3.5, 2.5, 1.5, 11.5, -8.5, 8.5] },
  { name: 'f64 updated in memory (p[i] += x, -= x, x - p[i], *= x; a different offset or address is not an update)',
    extra: '(memory 1) (data (i32.const 8) "\\00\\00\\00\\00\\00\\00\\24\\40")',
    func: `(param i32 f64) (result f64 f64 f64 f64 f64 f64)
      (f64.store offset=8 (local.get 0) (f64.add (f64.load offset=8 (local.get 0)) (local.get 1)))
      (f64.load (i32.const 8))
      (f64.store offset=8 (local.get 0) (f64.sub (f64.load offset=8 (local.get 0)) (local.get 1)))
      (f64.load (i32.const 8))
      (f64.store offset=8 (local.get 0) (f64.sub (local.get 1) (f64.load offset=8 (local.get 0))))
      (f64.load (i32.const 8))
      (f64.store offset=8 (i32.add (local.get 0) (i32.const 8)) (f64.mul (f64.load offset=8 (i32.add (local.get 0) (i32.const 8))) (local.get 1)))
      (f64.load (i32.const 16))
      (f64.store offset=16 (local.get 0) (f64.add (f64.load offset=8 (local.get 0)) (local.get 1)))
      (f64.load (i32.const 16))
      (f64.store offset=8 (local.get 0) (f64.mul (f64.load offset=8 (local.get 0)) (local.get 1)))
      (f64.load (i32.const 8))`,
    args: [0, 0.5], want: [10.5, 10, -9.5, 0, -9, -4.75] },
  { name: 'f64 arithmetic stored out of bounds traps',
    extra: '(memory 1)', func: '(param i32 f64) (f64.store (local.get 0) (f64.add (f64.mul (local.get 1) (local.get 1)) (local.get 1)))',
    args: [65529, 2], want: 'out of bounds memory access' },
  { name: 'moves gathered: a rotation of working variables (h = g; g = f; ...) in a loop',
    func: `(param i32 i32 i32 i32 i32) (result i32 i32 i32 i32) (local i32)
      (loop $l
        (local.set 5 (local.get 3))
        (local.set 3 (local.get 2))
        (local.set 0 (i32.add (i32.load8_u (i32.const 0)) (i32.add (local.get 0) (local.get 5))))
        (local.set 2 (local.get 1))
        (local.set 1 (i32.xor (local.get 0) (i32.const 0x55)))
        (br_if $l (local.tee 4 (i32.add (local.get 4) (i32.const -1)))))
      (local.get 0) (local.get 1) (local.get 2) (local.get 3)`,
    extra: '(memory 1) (data (i32.const 0) "\\07")',
    args: [1, 2, 3, 4, 6], want: (() => {
      let [a, b, c, d] = [1, 2, 3, 4];
      for (let n = 6; n > 0; n--) { const e = d; d = c; a = (7 + a + e) | 0; c = b; b = a ^ 0x55; }
      return [a, b, c, d];
    })() },
  { name: 'moves not gathered past a read of the destination, a write of the source or of the destination',
    func: `(param i32 i32) (result i32 i32 i32 i32) (local i32 i32)
      (local.set 2 (local.get 0))
      (local.set 3 (i32.add (local.get 2) (local.get 1)))
      (local.set 2 (local.get 1))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (local.set 0 (local.get 1))
      (local.set 3 (i32.mul (local.get 3) (i32.const 3)))
      (local.set 3 (local.get 3))
      (local.set 2 (i32.sub (local.get 2) (local.get 0)))
      (local.set 0 (local.get 3))
      (local.get 0) (local.get 1) (local.get 2) (local.get 3)`,
    args: [10, 20], want: [90, 21, -1, 90] },
  { name: 'moves not gathered across a loop label or a block start',
    func: `(param i32 i32) (result i32 i32) (local i32)
      (local.set 2 (local.get 0))
      (loop $l (local.set 0 (i32.add (local.get 0) (local.get 2)))
        (local.set 2 (local.get 1))
        (br_if $l (i32.lt_u (local.get 0) (i32.const 100))))
      (local.set 1 (local.get 2))
      (block (local.set 1 (i32.add (local.get 1) (i32.const 1))) (local.set 2 (local.get 0)))
      (local.get 1) (local.get 2)`,
    args: [10, 30], want: [31, 110] },
  { name: 'a move gathered above a load that traps still traps',
    extra: '(memory 1)',
    func: `(param i32 i32) (result i32) (local i32)
      (local.set 2 (local.get 0))
      (local.set 1 (i32.load (local.get 1)))
      (local.set 0 (local.get 2))
      (local.get 1)`,
    args: [1, 65534], want: 'out of bounds memory access' },
  { name: 'f64 accumulated through a teed address with another load between (c[j] += a * b[j]; p += 8; *p += a * b[j + 1])',
    extra: '(memory 1) (data (i32.const 8) "\\00\\00\\00\\00\\00\\00\\24\\40\\00\\00\\00\\00\\00\\00\\f0\\3f")' +
      ' (data (i32.const 72) "\\00\\00\\00\\00\\00\\00\\00\\40\\00\\00\\00\\00\\00\\00\\08\\40")',
    func: `(param i32 i32 f64) (result f64 f64) (local i32 i32)
      (local.tee 3 (i32.add (local.get 0) (local.get 1))) (local.get 3) (f64.load)
      (local.get 2) (f64.load offset=8 (local.tee 4 (i32.add (local.get 0) (i32.const 64)))) (f64.mul) (f64.add) (f64.store)
      (local.tee 3 (i32.add (local.get 3) (i32.const 8))) (local.get 3) (f64.load)
      (f64.mul (local.get 2) (f64.load offset=16 (local.get 4))) (f64.add) (f64.store)
      (f64.load (i32.const 8)) (f64.load (i32.const 16))`,
    args: [0, 8, 0.5], want: [11, 2.5] },
  { name: 'f64 accumulation: the old value\'s load traps out of bounds before a division by zero between',
    extra: '(memory 1)',
    func: `(param i32 i32 i32) (local i32)
      (local.tee 3 (i32.add (local.get 0) (local.get 1))) (local.get 3) (f64.load)
      (f64.convert_i32_s (i32.div_s (local.get 0) (local.get 2))) (f64.add) (f64.store)`,
    args: [65536, 0, 0], want: 'out of bounds memory access' },
  { name: 'f64 accumulation not fused when the address local is read or written between',
    extra: '(memory 1) (data (i32.const 8) "\\00\\00\\00\\00\\00\\00\\24\\40")',
    func: `(param i32 i32) (result f64 f64 f64) (local i32)
      (local.tee 2 (i32.add (local.get 0) (local.get 1))) (local.get 2) (f64.load)
      (f64.convert_i32_s (local.get 2)) (f64.add) (f64.store)
      (local.tee 2 (i32.add (local.get 0) (local.get 1))) (local.get 2) (f64.load)
      (f64.load (local.tee 2 (i32.const 8))) (f64.add) (f64.store)
      (local.tee 2 (i32.add (local.get 0) (i32.const 16))) (local.get 2) (f64.load)
      (f64.load (local.tee 2 (i32.const 8))) (f64.add) (f64.store)
      (f64.load (i32.const 8)) (f64.load (i32.const 16)) (f64.convert_i32_s (local.get 2))`,
    args: [0, 8], want: [36, 36, 8] },
  { name: 'a move then a constant added to the moved value (q = p; p = q - 32), and an add copied to another local',
    func: `(param i32 i32) (result i32 i32 i32 i32) (local i32 i32)
      (local.set 2 (local.get 0))
      (local.set 0 (i32.add (local.get 2) (i32.const -32)))
      (local.set 3 (i32.add (local.get 1) (i32.const 7)))
      (local.set 1 (local.get 3))
      (local.set 2 (i32.add (local.get 2) (i32.const 1)))
      (local.set 3 (local.get 2))
      (local.get 0) (local.get 1) (local.get 2) (local.get 3)`,
    args: [100, 0x7ffffffd], want: [68, -0x7ffffffc, 101, 101] },
  { name: 'a move then an add of the move\'s source, and an add copied into its own operand (loop)',
    func: `(param i32) (result i32 i32 i32) (local i32 i32 i32)
      (loop $l
        (local.set 1 (local.get 0))
        (local.set 3 (i32.add (local.get 0) (i32.const 3)))
        (local.set 2 (i32.add (local.get 2) (local.get 1)))
        (local.set 0 (local.get 3))
        (br_if $l (i32.lt_u (local.get 0) (i32.const 20))))
      (local.get 0) (local.get 1) (local.get 2)`,
    args: [2], want: [20, 17, 2 + 5 + 8 + 11 + 14 + 17] },
  { name: 'br_table on a loaded index (each target, the default for large and negative indexes)',
    extra: '(memory 1) (data (i32.const 16) "\\00\\00\\00\\00\\01\\00\\00\\00\\02\\00\\00\\00\\07\\00\\00\\00\\ff\\ff\\ff\\ff")',
    func: `(param i32) (result i32)
      (block $d (block $b (block $a
        (br_table $a $b $d (i32.load offset=8 (i32.add (local.get 0) (i32.const 8)))))
        (return (i32.const 10)))
        (return (i32.const 11)))
      (i32.const 12)`,
    args: [0], want: [10] },
  { name: 'br_table on a loaded index: the second target',
    extra: '(memory 1) (data (i32.const 20) "\\01")',
    func: '(param i32) (result i32) (block $b (block $a (br_table $a $b (i32.load offset=4 (local.get 0)))) (return (i32.const 10))) (i32.const 11)',
    args: [16], want: [11] },
  { name: 'br_table on a loaded index: a negative index takes the default',
    extra: '(memory 1) (data (i32.const 16) "\\ff\\ff\\ff\\ff")',
    func: '(param i32) (result i32) (block $b (block $a (br_table $a $a $b (i32.load (local.get 0)))) (return (i32.const 10))) (i32.const 11)',
    args: [16], want: [11] },
  { name: 'br_table on a loaded index traps out of bounds',
    extra: '(memory 1)',
    func: '(param i32) (result i32) (block $b (block $a (br_table $a $b (i32.load (local.get 0)))) (return (i32.const 10))) (i32.const 11)',
    args: [65534], want: 'out of bounds memory access' },
  { name: 'br_table on a loaded index also kept in a local, with a branch value',
    extra: '(memory 1) (data (i32.const 0) "\\02")',
    func: `(param i32) (result i32) (local i32)
      (block $b (result i32) (block $a (result i32)
        (i32.const 5) (br_table $a $b (local.tee 1 (i32.load (local.get 0)))))
        (return (i32.add (i32.const 100))))
      (i32.add (local.get 1))`,
    args: [0], want: [7] },
  { name: 'a word loaded into a local, funnel-shifted with the previous one and stored (misaligned memcpy)',
    extra: '(memory 1) (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c")',
    func: `(param i32 i32) (result i32 i32 i32) (local i32 i32)
      (local.set 2 (i32.load (local.get 0)))
      (i32.store offset=64 (local.get 1) (i32.or (i32.shl (local.tee 3 (i32.load offset=4 (local.get 0))) (i32.const 24))
        (i32.shr_u (local.get 2) (i32.const 8))))
      (i32.store offset=68 (local.get 1) (i32.or (i32.shl (local.tee 2 (i32.load offset=8 (local.get 0))) (i32.const 24))
        (i32.shr_u (local.get 3) (i32.const 8))))
      (i32.load (i32.const 64)) (i32.load (i32.const 68)) (local.get 2)`,
    args: [0, 0], want: [0x05040302, 0x09080706, 0x0c0b0a09] },
  { name: 'load, funnel shift and store: the address is the local as it was before the load\'s local.tee',
    extra: '(memory 1) (data (i32.const 0) "\\10\\00\\00\\00")',
    func: `(param i32 i32) (result i32) (local i32)
      (i32.store (local.get 2) (i32.or (i32.shl (local.tee 2 (i32.load (local.get 0))) (i32.const 24))
        (i32.shr_u (local.get 1) (i32.const 8))))
      (i32.store offset=4 (local.get 2) (i32.or (i32.shl (local.tee 2 (i32.load (local.get 0))) (i32.const 24))
        (i32.shr_u (local.get 1) (i32.const 8))))
      (i32.load (i32.const 20))`,
    args: [0, 0x11223344], want: [0x33112233] },
  { name: 'load, funnel shift and store: an out-of-bounds load traps (the store would not)',
    extra: '(memory 1)',
    func: `(param i32 i32) (local i32)
      (i32.store (local.get 1) (i32.or (i32.shl (local.tee 2 (i32.load (local.get 0))) (i32.const 24))
        (i32.shr_u (local.get 1) (i32.const 8))))`,
    args: [65533, 1], want: 'out of bounds memory access' },
  { name: 'tail call keeps the depth constant',
    extra: '(func $count (param i32 i32) (result i32) (if (result i32) (i32.eqz (local.get 0)) (then (local.get 1)) (else (return_call $count (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 2))))))',
    func: '(param i32) (result i32) (call $count (local.get 0) (i32.const 0))', args: [100000], want: [200000],
    flags: ['--enable-tail-call'] },
];

describe('interpreter: lowering cases', { skip: watUnavailable() ?? undefined }, () => {
  for (const c of cases) {
    it(c.name, () => {
      const eh = (c.flags ?? []).includes('--enable-exceptions');
      const rt = interpRuntime(1000, eh ? defaultFeatures | Features.exceptions : undefined);
      const m = inst(rt, `(module ${c.extra ?? ''} (func (export "f") ${c.func}))`, '', c.flags);
      const f = m.exportedFunction('f')!;
      if (typeof c.want === 'string') {
        assert.throws(() => f.call(...c.args), (e: unknown) => e instanceof Trap && e.code === c.want);
      } else {
        assert.deepEqual(f.call(...c.args), c.want);
      }
      rt.close();
    });
  }
});
