;; An f64 kernel: C = A x B for n x n matrices in linear memory (row-major), then the sum of C
;; plus sqrt of its trace. Exercises f64 load/store, mul, add, div, sqrt and address arithmetic.
(module
  (memory 1)

  ;; Grows memory to hold `bytes` bytes; the benchmark never asks for more than a few MiB.
  (func $reserve (param $bytes i32)
    (local $have i32)
    (local.set $have (i32.mul (memory.size) (i32.const 65536)))
    (if (i32.gt_u (local.get $bytes) (local.get $have))
      (then
        (drop (memory.grow
          (i32.add (i32.shr_u (i32.sub (local.get $bytes) (local.get $have)) (i32.const 16))
                   (i32.const 1)))))))

  (func (export "run") (param $n i32) (result f64)
    (local $i i32) (local $j i32) (local $k i32) (local $nn8 i32)
    (local $a i32) (local $b i32) (local $c i32)
    (local $acc f64) (local $sum f64) (local $trace f64)
    (local.set $nn8 (i32.shl (i32.mul (local.get $n) (local.get $n)) (i32.const 3)))
    (call $reserve (i32.mul (local.get $nn8) (i32.const 3)))
    (local.set $b (local.get $nn8))
    (local.set $c (i32.shl (local.get $nn8) (i32.const 1)))
    ;; A[i][j] = ((i*n+j) % 17) * 0.25 - 1; B[i][j] = 1 / (i + j + 1)
    (local.set $i (i32.const 0))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $j (i32.const 0))
      (block $d2 (loop $l2
        (br_if $d2 (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $k (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)))
        (f64.store (i32.shl (local.get $k) (i32.const 3))
          (f64.sub
            (f64.mul (f64.convert_i32_u (i32.rem_u (local.get $k) (i32.const 17)))
                     (f64.const 0.25))
            (f64.const 1)))
        (f64.store (i32.add (local.get $b) (i32.shl (local.get $k) (i32.const 3)))
          (f64.div (f64.const 1)
            (f64.convert_i32_u
              (i32.add (i32.add (local.get $i) (local.get $j)) (i32.const 1)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l2)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1)))
    ;; C = A x B, the naive triple loop
    (local.set $i (i32.const 0))
    (block $d3 (loop $l3
      (br_if $d3 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $j (i32.const 0))
      (block $d4 (loop $l4
        (br_if $d4 (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $acc (f64.const 0))
        ;; $a walks row i of A, $k walks column j of B
        (local.set $a (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 3)))
        (local.set $k (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $c (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 3))))
        (block $d5 (loop $l5
          (br_if $d5 (i32.ge_u (local.get $a) (local.get $c)))
          (local.set $acc
            (f64.add (local.get $acc)
              (f64.mul (f64.load (local.get $a)) (f64.load (local.get $k)))))
          (local.set $a (i32.add (local.get $a) (i32.const 8)))
          (local.set $k (i32.add (local.get $k) (i32.shl (local.get $n) (i32.const 3))))
          (br $l5)))
        (f64.store
          (i32.add (i32.shl (local.get $nn8) (i32.const 1))
            (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j))
                     (i32.const 3)))
          (local.get $acc))
        (local.set $sum (f64.add (local.get $sum) (local.get $acc)))
        (if (i32.eq (local.get $i) (local.get $j))
          (then (local.set $trace (f64.add (local.get $trace) (local.get $acc)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $l4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l3)))
    (f64.add (local.get $sum) (f64.sqrt (f64.abs (local.get $trace))))))
