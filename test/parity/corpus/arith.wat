;; Integer and float arithmetic, conversions and their traps.
;; run: add 2147483647 1
;; run: div_s -7 2
;; run: div_s 1 0
;; run: div_s -2147483648 -1
;; run: rem_u 7 0
;; run: clz 255
;; run: rotl64 81985529216486895n 12n
;; run: trunc -3.99
;; run: trunc 3000000000
;; run: trunc nan
;; run: trunc_sat 3000000000
;; run: trunc64u -1.5
;; run: fmix 1.5 -0.25
;; run: sext 128
;; run: nan_bits
;; fuel: 7
(module $arith
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "rem_u") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "clz") (param i32) (result i32 i32 i32) (i32.clz (local.get 0)) (i32.ctz (local.get 0)) (i32.popcnt (local.get 0)))
  (func (export "rotl64") (param i64 i64) (result i64) (i64.rotl (local.get 0) (local.get 1)))
  (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "trunc_sat") (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0)))
  (func (export "trunc64u") (param f32) (result i64) (i64.trunc_f32_u (local.get 0)))
  (func (export "fmix") (param f64 f64) (result f64 f32)
    (f64.add (f64.mul (local.get 0) (local.get 1)) (f64.sqrt (f64.abs (local.get 1))))
    (f32.demote_f64 (f64.div (local.get 0) (local.get 1))))
  (func (export "sext") (param i32) (result i32 i64) (i32.extend8_s (local.get 0)) (i64.extend16_s (i64.extend_i32_u (local.get 0))))
  (func (export "nan_bits") (result i32 i64)
    (i32.reinterpret_f32 (f32.neg (f32.const nan:0x200000)))
    (i64.reinterpret_f64 (f64.copysign (f64.const nan:0x4000000000) (f64.const -1))))
)
