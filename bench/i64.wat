;; 64-bit integer arithmetic: a splitmix64 generator folded into a hash with rotations and an
;; unsigned division, so i64 mul, add, xor, shifts, rotl and div_u all sit on the hot path.
(module
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $state i64) (local $z i64) (local $h i64)
    (local.set $h (i64.const 0x243f6a8885a308d3))
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $state (i64.add (local.get $state) (i64.const 0x9e3779b97f4a7c15)))
        (local.set $z (local.get $state))
        (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 30)))
                               (i64.const 0xbf58476d1ce4e5b9)))
        (local.set $z (i64.mul (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 27)))
                               (i64.const 0x94d049bb133111eb)))
        (local.set $z (i64.xor (local.get $z) (i64.shr_u (local.get $z) (i64.const 31))))
        (local.set $h
          (i64.add
            (i64.rotl (i64.xor (local.get $h) (local.get $z)) (i64.const 23))
            (i64.div_u (local.get $z)
                       (i64.or (i64.extend_i32_u (local.get $i)) (i64.const 1)))))
        (local.set $h (i64.sub (local.get $h) (i64.shl (local.get $z) (i64.const 3))))
        (local.set $h (i64.rotr (local.get $h) (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $h)))
