;; Host calls: a loop that calls the imported env.host_add(a, b) = (a + b) | 0 each iteration,
;; so the cost is dominated by crossing from Wasm into the embedder and back.
(module
  (import "env" "host_add" (func $host_add (param i32 i32) (result i32)))

  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc
          (i32.rotl (call $host_add (local.get $acc) (local.get $i)) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $top)))
    (local.get $acc)))
