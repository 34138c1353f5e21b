;; Call-heavy: each iteration makes one call_indirect through a table of eight small functions
;; (one of which makes two direct calls itself) and one direct call with two parameters.
(module
  (type $unary (func (param i32) (result i32)))
  (table 8 funcref)
  (elem (i32.const 0) $inc $triple $flip $rot $sub7 $square $x5 $nested)

  (func $inc (type $unary) (i32.add (local.get 0) (i32.const 1)))
  (func $triple (type $unary) (i32.mul (local.get 0) (i32.const 3)))
  (func $flip (type $unary) (i32.xor (local.get 0) (i32.const 0x5555)))
  (func $rot (type $unary) (i32.rotl (local.get 0) (i32.const 7)))
  (func $sub7 (type $unary) (i32.sub (local.get 0) (i32.const 7)))
  (func $square (type $unary) (i32.mul (local.get 0) (local.get 0)))
  (func $x5 (type $unary) (i32.add (local.get 0) (i32.shl (local.get 0) (i32.const 2))))
  (func $nested (type $unary) (call $inc (call $triple (local.get 0))))

  (func $mix (param $a i32) (param $b i32) (result i32)
    (i32.xor (i32.add (local.get $a) (local.get $b)) (i32.shr_u (local.get $a) (i32.const 11))))

  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc
          (call_indirect (type $unary)
            (i32.add (local.get $acc) (local.get $i))
            (i32.and (local.get $i) (i32.const 7))))
        (local.set $acc (call $mix (local.get $acc) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc)))
