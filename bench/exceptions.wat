;; Exception-heavy workload: n iterations; each calls three frames down into a function that
;; throws a tag carrying an i32 on three iterations out of four (the fourth returns normally).
;; Handlers: a catch of the tag in the loop, a catch_all_ref + throw_ref rethrow one frame in.
;; Returns the sum of the payloads and results as a checksum.
(module
  (tag $e (param i32))
  (tag $other)
  (func $leaf (param $i i32) (result i32)
    (if (i32.and (local.get $i) (i32.const 3))
      (then (throw $e (i32.xor (local.get $i) (i32.const 0x5a5a)))))
    (i32.mul (local.get $i) (i32.const 3)))
  (func $mid (param $i i32) (result i32)
    (i32.add (call $leaf (local.get $i)) (i32.const 1)))
  ;; Rethrows whatever it catches, after counting it in the payload's way.
  (func $outer (param $i i32) (result i32)
    (block $h (result exnref)
      (try_table (result i32) (catch_ref $other $h)
        (call $mid (local.get $i)))
      (return))
    (throw_ref))
  (func (export "run") (param $n i32) (result i32)
    (local $sum i32)
    (local $i i32)
    (loop $l
      (local.set $sum
        (i32.add (local.get $sum)
          (block $caught (result i32)
            (try_table (result i32) (catch $e $caught)
              (call $outer (local.get $i))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum)))
