;; The REPL's demo module: `deno task repl examples/demo.wat`, then `help`.
;;
;; Try: fib 20 | ask_twice 21 (env.ask has no provider: the REPL stands in for it)
;;      div 7 0 (a trap) | rec 0 (a stack overflow) | spin (an endless loop: Ctrl-C stops it)
;;      dump 0 32 | get counter
(module $demo
  ;; Nothing provides env.ask: the REPL offers a stand-in (suspend, fixed values, or `bind`).
  (import "env" "ask" (func $ask (param i32) (result i32)))

  (memory (export "memory") 1 4)
  (data (i32.const 0) "Hello from wasmi-ts!")

  (global $counter (export "counter") (mut i32) (i32.const 0))

  (table (export "table") 2 funcref)
  (elem (i32.const 0) $fib $square)

  ;; Fibonacci by recursion: a workload for calls and fuel.
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib (i32.sub (local.get $n) (i32.const 1)))
          (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  (func $square (export "square") (param $x f64) (result f64)
    (f64.mul (local.get $x) (local.get $x)))

  ;; Asks the host twice and adds the answers: two stops when env.ask suspends.
  (func (export "ask_twice") (param $x i32) (result i32)
    (i32.add (call $ask (local.get $x)) (call $ask (i32.add (local.get $x) (i32.const 1)))))

  ;; Adds one to the counter and returns its new value.
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter))

  (func $div (export "div") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))

  ;; Traps two calls deep, for a backtrace.
  (func (export "div_by_zero") (result i32)
    (call $div (i32.const 1) (i32.const 0)))

  ;; Sum of the bytes in [ptr, ptr + len).
  (func (export "sum") (param $ptr i32) (param $len i32) (result i64)
    (local $total i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (local.set $total
          (i64.add (local.get $total) (i64.load8_u (local.get $ptr))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (local.get $total))

  ;; Loops forever: interrupt it with Ctrl-C, or bound it with `fuel on 1000`.
  (func (export "spin")
    (loop $forever (br $forever)))

  ;; Recurses without end: a stack-overflow trap whose backtrace shows one collapsed entry.
  (func $rec (export "rec") (param $depth i32) (result i32)
    (call $rec (i32.add (local.get $depth) (i32.const 1)))))
