;; Loads, stores, growth and bulk memory; traps leave earlier writes in place.
;; run: fill_pattern 100 64
;; run: sum 100 64
;; run: copy 100 4000 64
;; run: store_oob 65533
;; run: grow 2
;; run: size
;; run: init 70000
;; run: init 131070
;; run: drop_then_init
;; run: fill_oob
;; run: sum 4000 64
;; fuel: 150
(module $memory
  (memory (export "memory") 1 4)
  (data $d "wasmbox parity data")
  (func (export "fill_pattern") (param $at i32) (param $n i32) (local $i i32)
    (loop $l
      (i32.store8 (i32.add (local.get $at) (local.get $i)) (i32.mul (local.get $i) (i32.const 7)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
  (func (export "sum") (param $at i32) (param $n i32) (result i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $at))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $s))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 1) (local.get 0) (local.get 2)))
  (func (export "store_oob") (param i32) (i64.store (local.get 0) (i64.const -1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "init") (param i32) (memory.init $d (local.get 0) (i32.const 0) (i32.const 19)))
  (func (export "drop_then_init") (data.drop $d) (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)))
  (func (export "fill_oob") (memory.fill (i32.const 196600) (i32.const 255) (i32.const 100)))
)
