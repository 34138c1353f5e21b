;; Allocation churn (Wasm GC): n iterations, each allocating a short-lived two-field struct that
;; points at the previous one for one iteration only (so every struct dies young), calling the
;; host's `env.sample` every 2^20 iterations. Returns a checksum of the fields read back.
(module
  (type $pair (struct (field i32) (field (mut (ref null $pair)))))
  (import "env" "sample" (func $sample))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32)
    (local $sum i32)
    (local $p (ref null $pair))
    (loop $l
      (local.set $p (struct.new $pair (local.get $i) (local.get $p)))
      (local.set $sum (i32.add (local.get $sum) (struct.get $pair 0 (local.get $p))))
      ;; Drop the link: the previous struct becomes garbage.
      (struct.set $pair 1 (local.get $p) (ref.null $pair))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 0xfffff))) (then (call $sample)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum)))
