;; Structured control flow, recursion, multi-value, and a fuel limit inside recursion.
;; run: fib 20
;; run: collatz 27
;; run: classify 0
;; run: classify 3
;; run: classify 99
;; run: swap_sum 3 4
;; run: ackermann 2 3
;; run: deep 100000
;; fuel: 22100
(module $control
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "collatz") (param $n i32) (result i32) (local $steps i32)
    (block $done
      (loop $l
        (br_if $done (i32.le_u (local.get $n) (i32.const 1)))
        (local.set $n (if (result i32) (i32.and (local.get $n) (i32.const 1))
          (then (i32.add (i32.mul (local.get $n) (i32.const 3)) (i32.const 1)))
          (else (i32.shr_u (local.get $n) (i32.const 1)))))
        (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
        (br $l)))
    (local.get $steps))
  (func (export "classify") (param i32) (result i32)
    (block $c (block $b (block $a (br_table $a $b $c (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
    (i32.const 30))
  (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
  (func (export "swap_sum") (param i32 i32) (result i32 i32 i32)
    (call $swap (local.get 0) (local.get 1))
    (i32.add (local.get 0) (local.get 1)))
  (func $ack (export "ackermann") (param $m i32) (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $m))
      (then (i32.add (local.get $n) (i32.const 1)))
      (else (if (result i32) (i32.eqz (local.get $n))
        (then (call $ack (i32.sub (local.get $m) (i32.const 1)) (i32.const 1)))
        (else (call $ack (i32.sub (local.get $m) (i32.const 1))
                          (call $ack (local.get $m) (i32.sub (local.get $n) (i32.const 1)))))))))
  (func $deep (export "deep") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))))
)
