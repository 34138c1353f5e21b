;; A tight i32 loop: an LCG step, an if/else and a compare on a short period of the counter (so
;; native code is not bound by branch mispredictions), shifts and a rotate, all in locals.
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $x i32) (local $y i32)
    (local.set $x (i32.const 1))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x
          (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
        (if (i32.and (local.get $i) (i32.const 4))
          (then
            (local.set $y (i32.xor (local.get $y) (i32.shr_u (local.get $x) (i32.const 7)))))
          (else
            (local.set $y (i32.add (local.get $y) (i32.and (local.get $i) (i32.const 0xff))))))
        (if (i32.eq (i32.and (local.get $i) (i32.const 7)) (i32.const 3))
          (then (local.set $y (i32.sub (local.get $y) (local.get $x)))))
        (local.set $y (i32.or (i32.shl (local.get $y) (i32.const 1))
                              (i32.shr_u (local.get $y) (i32.const 31))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (i32.xor (local.get $x) (local.get $y))))
