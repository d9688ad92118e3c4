;; Calls through host functions: results, a host function that throws, a host function that calls
;; back into the guest, and the guest's memory seen by the host.
;; run: twice 20 22
;; run: greet
;; run: boom
;; run: reenter 5
;; fuel: 10
(module $host
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "fail" (func $fail))
  (import "env" "callback" (func $callback (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasm")
  (func (export "twice") (param i32 i32) (result i32) (call $add (call $add (local.get 0) (local.get 1)) (local.get 1)))
  (func (export "greet") (call $log (i32.const 16) (i32.const 15)))
  (func (export "boom") (result i32) (call $fail) (i32.const 1))
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 100))
      (else (call $callback (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "reenter") (param i32) (result i32) (call $down (local.get 0)))
)
