;; Indirect calls and their three traps, tables, references.
;; run: call 0 5
;; run: call 1 5
;; run: call 2 5
;; run: call 3 5
;; run: call 9 5
;; run: set_square 2
;; run: call 2 5
;; run: grow 3
;; run: call 6 5
;; run: is_null 6
;; run: get_oob 100
(module $tables
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table $t (export "table") 4 10 funcref)
  (elem (table $t) (i32.const 0) func $double $nothing)
  (elem declare func $square)
  (func $double (type $ii) (i32.shl (local.get 0) (i32.const 1)))
  (func $square (type $ii) (i32.mul (local.get 0) (local.get 0)))
  (func $nothing (type $v))
  (func (export "call") (param $slot i32) (param $x i32) (result i32)
    (call_indirect $t (type $ii) (local.get $x) (local.get $slot)))
  (func (export "set_square") (param i32) (table.set $t (local.get 0) (ref.func $square)))
  (func (export "grow") (param i32) (result i32 i32) (table.grow $t (ref.func $double) (local.get 0)) (table.size $t))
  (func (export "is_null") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "get_oob") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
)
