;; GC-heavy workload (Wasm GC): binary-trees. Each of n iterations builds a complete binary tree
;; of depth 10 out of structs (2,047 nodes), walks it to count its nodes and drops it; one tree of
;; depth 12 lives through the whole run. Returns the total node count as a checksum.
(module
  (type $node (struct (field $left (ref null $node)) (field $right (ref null $node))))
  (func $make (param $depth i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $depth))
      (then (struct.new $node (ref.null $node) (ref.null $node)))
      (else
        (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
        (struct.new $node (call $make (local.get $depth)) (call $make (local.get $depth))))))
  (func $check (param $t (ref null $node)) (result i32)
    (local $left (ref null $node))
    (local.set $left (struct.get $node $left (local.get $t)))
    (if (result i32) (ref.is_null (local.get $left))
      (then (i32.const 1))
      (else
        (i32.add
          (i32.add (i32.const 1) (call $check (local.get $left)))
          (call $check (struct.get $node $right (local.get $t)))))))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32)
    (local $sum i32)
    (local $long (ref null $node))
    (local.set $long (call $make (i32.const 12)))
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (call $check (call $make (i32.const 10)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $sum) (call $check (local.get $long)))))
