;; Threads: atomics on an unshared memory work, except wait (it traps); notify wakes nobody.
;; run: rmw 8 77
;; run: rmw 6 1
;; run: wait 0
;; run: notify 0
;; fuel: 50
;; features: threads
(module $atomics_unshared
  (memory (export "memory") 1)
  (func (export "rmw") (param $a i32) (param $v i32) (result i32)
    (drop (i32.atomic.rmw.add (local.get $a) (local.get $v)))
    (i32.atomic.load (local.get $a)))
  (func (export "wait") (param $a i32) (result i32)
    (memory.atomic.wait32 (local.get $a) (i32.const 0) (i64.const 0)))
  (func (export "notify") (param $a i32) (result i32)
    (memory.atomic.notify (local.get $a) (i32.const 1))))
