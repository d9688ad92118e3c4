// The interpreter's internal instruction set: what `lower.ts` emits and `exec.ts` dispatches on.
//
// Lowered code is an Int32Array: each instruction is its opcode followed by a fixed number of int32
// operands (br_table, br_table_m and mov32xn have a variable length). Operands named d/a/b/c are *slot offsets*: word
// (int32) offsets from the frame pointer into the shared value stack (see stack.ts). Every value
// occupies one 64-bit slot (two words, so Float64Array indexing `(fp + a) >> 1` works) except v128,
// which occupies two (four words). `t` operands are absolute code positions (branch targets), `k`
// immediates.
//
// This is a `const enum`: tsc inlines the numbers, so `exec.ts`'s `switch` has literal case labels,
// which V8 needs to build a jump table. Keep the numbering dense (no gaps).

export const enum Op {
  // ---- control ----
  unreachable, // -
  br, // t
  br_if, // a t            (jump when a != 0)
  br_ifz, // a t           (jump when a == 0)
  br_table, // a n t0 .. tn (n+1 targets, the last is the default)
  // br_table on a value the i32.load just before loaded (`switch (op->code)`: a bytecode interpreter's
  // dispatch): a off k n t0 .. tn, the index the i32 at ((a + k) mod 2^32) + off
  br_table_m,
  // fused i32 compare-and-branch: a b t
  br_eq, br_ne, br_lt_s, br_lt_u, br_gt_s, br_gt_u, br_le_s, br_le_u, br_ge_s, br_ge_u,
  // the same against an immediate: a k t
  br_eq_k, br_ne_k, br_lt_s_k, br_lt_u_k, br_gt_s_k, br_gt_u_k, br_le_s_k, br_le_u_k, br_ge_s_k, br_ge_u_k,
  return_, // -           (results already moved to slot 0..)
  return_v32, return_v64, return_f64, return_v128, return_ref, // a   (move one result to slot 0, return)
  call, // f base          (a function defined by this module: the frame starts at fp+base)
  call_slow, // f base     (an imported function: host, another instance, another engine)
  call_indirect, // type table base idx
  return_call, // f base
  return_call_indirect, // type table base idx
  // loop back-edges, `x = y + k; br_if (x cmp v)` as one: cmp d y k v t (v an immediate / a slot)
  br_addk_k, br_addk,
  // fused i64 compare-and-branch: cmp a b t (cmp 0..9 as for i32: eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u)
  br_i64, // cmp a b t
  br_i64z, br_i64nz, // a t
  // `d = i64.extend_i32_u(x); x = x + y; br_if (a cmp64 b)` as one (a 64-bit loop bound): cmp d x y a b t
  br_zext_add_i64,
  fuel, // -              (instrumentation: function entry / loop header)
  throw_, // tag base     (exception handling: the tag's values are in slots from base)
  rethrow_, // w          (the caught exception is REFS[fp + w])
  zero, // from to        (function prologue: zero the declared locals' words)

  // ---- moves and constants ----
  mov32, mov64, mov128, movref, // d a
  mov32x2, // d1 a1 d2 a2   (two moves in sequence: phi moves at loop back-edges come in runs)
  // n moves in sequence, gathered from a straight-line stretch (lower-moves.ts): n d1 a1 .. dn an
  mov32xn,
  mov32_br, // d a t        (a move then an unconditional branch: a loop variable set before `continue`)
  // a move and an i32.add of a constant to the moved value (a post-increment, `q = p; p = q + k`):
  // d a x k -> d = a, x = a + k
  mov32_addk,
  // an i32.add of a constant whose result is copied to another local (`p2 = p + k; p = p2`): t a k u -> t = u = a + k
  i32_add_k_mov,
  // f64 values are moved through the Float64Array view: writing a double as two int32 halves and
  // then reading it as one f64 stalls x86 store-to-load forwarding (measured: ~2.5x slower).
  movf64, // d a
  const32, // d k
  const64, // d lo hi
  constf64, // d k         (k indexes the f64 constant pool, stack.ts)
  const128, // d w0 w1 w2 w3
  select32, select64, selectf64, select128, selectref, // d a b c   (d = c ? a : b)
  global_get32, global_get64, global_getf64, global_get128, // d g
  global_set32, global_set64, global_setf64, global_set128, // a g
  global_get_slow, global_set_slow, // d g / a g
  ref_null, // d
  ref_func, // d f
  ref_is_null, // d a

  // ---- memory 0 with 32-bit addresses: d a off k / a(address) b(value) off k ----
  // The address is ((a + k) mod 2^32) + off: k is an i32.add immediate folded into the access (the
  // wrap-around of the addition is kept, so the fold is exact).
  load32, load64, loadf64, load8_s, load8_u, load16_s, load16_u,
  load8_s_64, load8_u_64, load16_s_64, load16_u_64, load32_s_64, load32_u_64,
  store32, store64, storef64, store8, store16,
  store32_v, store8_v, store16_v, // a imm off k   (a constant value: no instruction to materialise it)
  // store8_v then `a = a + b` (a local pointer advanced by a stride: marking loops): a imm off k b
  store8_v_inc,
  // an address computed into a local and used at once (`local.tee x (i32.add ..)` then a load from x):
  // d t a b off -> t = a + b (or a + k), d = load at (t + off)
  load32_add, load32_addk, loadf64_add, loadf64_addk,
  // a load whose value only a store writes back (memcpy/memmove loops): n a aoff ak b boff bk ->
  // copy n (1, 2, 4 or 8) bytes from ((a + ak) mod 2^32) + aoff to ((b + bk) mod 2^32) + boff
  copy_mm,
  // an f64 result stored at once (`a[i] = x + y`, `c[j] += a * b[j]`: the result is a temporary only the
  // store reads): kind a off k x y [z] -> store at ((a + k) mod 2^32) + off the value of `kind`, the
  // producer's opcode (f64_add/sub/mul: x OP y; f64_muladd/mulsub/submul: as those with x y z)
  storef64_bin, storef64_fma,
  // the same when the value is an f64_addm/subm/rsubm/mulm (`kind`) of the very address stored to:
  // kind a off k x -> m = f64 at ((a + k) mod 2^32) + off; m = m OP x (`p[i] += x`, `v->x -= dx`)
  storef64_rmw,
  // an f64 accumulated in memory through an address computed into a local by the load of the old value,
  // the load not next to the store (`c[j] += a * b[j]`: the other operand is loaded in between):
  // kind t a b off x y -> t = a + b (b an immediate when kind & 1), m = f64 at t + off,
  // store there m + x * y (kind & 2) or m + x
  storef64_acc,
  // a scaled index (`i32.shl` by a constant just before the load, maybe plus a constant): d a sh off k ->
  // load at (((a << sh) + k) mod 2^32) + off
  load32_x, loadf64_x,
  // an address that the i32.add just before summed from two values (a base pointer plus a byte offset):
  // d a b off -> load at ((a + b) mod 2^32) + off
  load32_rr, load8_u_rr,

  // ---- i32 ----
  i32_eqz, // d a
  i32_eq, i32_ne, i32_lt_s, i32_lt_u, i32_gt_s, i32_gt_u, i32_le_s, i32_le_u, i32_ge_s, i32_ge_u, // d a b
  i32_eq_k, i32_ne_k, i32_lt_s_k, i32_lt_u_k, i32_gt_s_k, i32_gt_u_k, i32_le_s_k, i32_le_u_k, i32_ge_s_k, i32_ge_u_k, // d a k
  i32_clz, i32_ctz, i32_popcnt, i32_extend8_s, i32_extend16_s, // d a
  i32_add, i32_sub, i32_mul, i32_div_s, i32_div_u, i32_rem_s, i32_rem_u,
  i32_and, i32_or, i32_xor, i32_shl, i32_shr_s, i32_shr_u, i32_rotl, i32_rotr, // d a b
  i32_add_k, i32_mul_k, i32_and_k, i32_or_k, i32_xor_k, i32_shl_k, i32_shr_s_k, i32_shr_u_k, i32_rotl_k, // d a k
  i32_shladd, // d a k b    d = (a << k) + b   (array indexing: i32.shl by a constant feeding i32.add)
  // a shifted or rotated operand (by a constant, computed just before) feeding add/xor/or/and, like a
  // barrel shifter: d a x k kind -> d = a OP shift(x, k), kind = op * 4 + shift
  // (op: 0 add, 1 xor, 2 or, 3 and; shift: 0 rotl, 1 shl, 2 shr_u, 3 shr_s). Hashes and ciphers.
  i32_binsh,
  // both operands shifted or rotated by constants, computed just before: d x k1 y k2 kind ->
  // d = shift1(x, k1) OP shift2(y, k2), kind = op * 16 + shift1 * 4 + shift2 (codes as for i32_binsh).
  // Funnel shifts (`(x << 8) | (y >>> 24)`: unaligned memcpy) and sums of rotations (SHA-2's sigmas).
  i32_shsh,
  // i32_shsh whose result only a store32 right after it reads: a x k1 y k2 kind off k -> the value
  // stored at ((a + k) mod 2^32) + off (memcpy between misaligned buffers: one funnel shift per word)
  store32_shsh,
  // store32_shsh after the i32.load just before it (the next source word of a misaligned memcpy, kept in
  // a local for the next shift): a x k1 y k2 kind off k d la loff lk -> first d = the i32 at
  // ((la + lk) mod 2^32) + loff, then as store32_shsh
  store32_shsh_l,
  i32_add3, // d a b c   d = a + b + c   (an i32.add feeding an i32.add: sums in hashes and address arithmetic)
  i32_andn, // d a b     d = a & ~b   (i32.xor with -1 feeding i32.and: clearing bits, SHA-2's Ch function)
  i32_add_eqz, // d a b  d = a + (b == 0)   (i32.eqz feeding i32.add: counting zeros, `n += !x`)

  // ---- i64 (two words: low at +0, high at +1) ----
  i64_eqz,
  i64_eq, i64_ne, i64_lt_s, i64_lt_u, i64_gt_s, i64_gt_u, i64_le_s, i64_le_u, i64_ge_s, i64_ge_u,
  i64_clz, i64_ctz, i64_popcnt, i64_extend8_s, i64_extend16_s, i64_extend32_s,
  i64_add, i64_sub, i64_mul, i64_div_s, i64_div_u, i64_rem_s, i64_rem_u,
  i64_and, i64_or, i64_xor, i64_shl, i64_shr_s, i64_shr_u, i64_rotl, i64_rotr,
  i64_add_k, i64_mul_k, i64_and_k, i64_or_k, i64_xor_k, // d a lo hi
  i64_shl_k, i64_shr_s_k, i64_shr_u_k, i64_rotl_k, // d a n   (n = count mod 64)
  // multiply-by-constant chains of 64-bit hashes (xxHash's round `rotl(acc + x * P2, 31) * P1`,
  // MurmurHash's `rotl(k, r) * c`, polynomial and multiply-accumulate hashing):
  i64_muladd_k, // d a lo hi b   d = a * K + b   (i64.mul by a constant feeding i64.add)
  i64_rotlmul_k, // d a lo hi n t   t = rotl(a, n), d = t * K   (i64.rotl by a constant feeding i64.mul by one)
  // the same with the multiplicand loaded by the i64.load just before: m = i64 at ((a + k) mod 2^32) + off
  i64_mulm_k, // d a off k lo hi     d = m * K
  i64_muladdm_k, // d a off k lo hi b  d = m * K + b

  // ---- f32 / f64 ----
  f32_eq, f32_ne, f32_lt, f32_gt, f32_le, f32_ge,
  f64_eq, f64_ne, f64_lt, f64_gt, f64_le, f64_ge,
  f32_abs, f32_neg, f32_ceil, f32_floor, f32_trunc, f32_nearest, f32_sqrt,
  f32_add, f32_sub, f32_mul, f32_div, f32_min, f32_max, f32_copysign,
  f64_abs, f64_neg, f64_ceil, f64_floor, f64_trunc, f64_nearest, f64_sqrt,
  f64_add, f64_sub, f64_mul, f64_div, f64_min, f64_max, f64_copysign,
  // f64.mul feeding f64.add/sub, fused (still two roundings, exactly as the two instructions): d a b c
  f64_muladd, // a*b + c
  f64_mulsub, // a*b - c
  f64_submul, // c - a*b
  // f64 arithmetic with a constant operand (k indexes the f64 constant pool): d a k
  f64_add_k, f64_sub_k, f64_rsub_k, f64_mul_k, f64_div_k, f64_rdiv_k, // a+k a-k k-a a*k a/k k/a
  // f64.load feeding f64.add/sub/mul, fused: d x a off k, the loaded value m = f64 at ((a + k) mod 2^32) + off
  f64_addm, // x + m
  f64_subm, // x - m
  f64_rsubm, // m - x
  f64_mulm, // x * m

  // ---- conversions (reinterpretations are moves) ----
  i32_wrap_i64,
  i32_trunc_f32_s, i32_trunc_f32_u, i32_trunc_f64_s, i32_trunc_f64_u,
  i64_extend_i32_s, i64_extend_i32_u,
  i64_trunc_f32_s, i64_trunc_f32_u, i64_trunc_f64_s, i64_trunc_f64_u,
  f32_convert_i32_s, f32_convert_i32_u, f32_convert_i64_s, f32_convert_i64_u, f32_demote_f64,
  f64_convert_i32_s, f64_convert_i32_u, f64_convert_i64_s, f64_convert_i64_u, f64_promote_f32,
  i32_trunc_sat_f32_s, i32_trunc_sat_f32_u, i32_trunc_sat_f64_s, i32_trunc_sat_f64_u,
  i64_trunc_sat_f32_s, i64_trunc_sat_f32_u, i64_trunc_sat_f64_s, i64_trunc_sat_f64_u,

  // ---- rare: handled outside the hot loop (rare.ts); every one has RARE_LEN operands ----
  /** First rare opcode: everything from here is dispatched to `rareOp`. */
  rare_first,
  memory_size = rare_first, // d mem
  memory_grow, // d a mem
  memory_fill, // a(dst) b(val) c(n) mem
  memory_copy, // a(dst) b(src) c(n) dstmem srcmem
  memory_init, // a(dst) b(src) c(n) seg mem
  data_drop, // seg
  table_get, // d a table
  table_set, // a b table
  table_size, // d table
  table_grow, // d a(init ref) b(n) table
  table_fill, // a(i) b(ref) c(n) table
  table_copy, // a b c dst src
  table_init, // a b c seg table
  elem_drop, // seg
  /** A memory access that is not to memory 0 or uses 64-bit addresses: wasmOp d a b off mem */
  mem_slow,
  /** A SIMD instruction (simd.ts): wasmOp d a b c i0 i1 i2 i3 */
  simd,
  /** One past the last opcode. */
  count,
}

/** Operands of every rare instruction (they are padded to this many, so skipping is uniform). */
export const RARE_LEN = 9;
