/**
 * Struct and array instructions as the code generator spells them inline
 * (src/engine/codegen_gc.ts): every field and element kind read, written and made as the
 * interpreter does; collections that run inside
 * generated code (where references live in JS locals, not in the value stack) keeping those
 * references and their identity; fuel stops with references live, resumed in every tier.
 */

import assert from "node:assert/strict";
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import { Config, Engine, Linker, Module, Store, Trap, TrapCode, Val } from "../../mod.ts";
import type { WasmFuncEntity } from "../../src/engine/entities.ts";
import { GC_COLLECT_MIN } from "../../src/engine/gc.ts";
import { funcs } from "../../src/runtime/handles.ts";
import { storeInner } from "../../src/runtime/store.ts";

const TIERS = ["interpreter", "codegen", "auto"] as const;

/** Whether `f` runs generated code. */
function generated(f: WasmFuncEntity): boolean {
  return typeof f.compiled?.generated === "function";
}

/**
 * A struct of eleven words (four inline, seven in `rest`) with a field of every kind the inline
 * spellings know; `mix(x)` makes one from `x`, rewrites some fields, and folds every field read
 * (signed and unsigned packed reads too) into an i64.
 */
const FIELDS = await parse(`(module
  (type $s (struct (field $a (mut i8)) (field $b (mut i16)) (field $c (mut i32))
    (field $d (mut i64)) (field $e (mut f32)) (field $f (mut f64)) (field $g (mut (ref null $s)))
    (field $h (mut funcref)) (field $i (mut i8)) (field $j (mut i16))))
  (func $f0 (result i32) (i32.const 7))
  (elem declare func $f0)
  (func $fold (param $t (ref null $s)) (result i64)
    (i64.add
      (i64.add
        (i64.add (i64.extend_i32_s (struct.get_s $s $a (local.get $t)))
          (i64.shl (i64.extend_i32_u (struct.get_u $s $a (local.get $t))) (i64.const 8)))
        (i64.add (i64.extend_i32_s (struct.get_s $s $b (local.get $t)))
          (i64.shl (i64.extend_i32_u (struct.get_u $s $b (local.get $t))) (i64.const 16))))
      (i64.add
        (i64.add (i64.extend_i32_s (struct.get $s $c (local.get $t)))
          (i64.rotl (struct.get $s $d (local.get $t)) (i64.const 5)))
        (i64.add
          (i64.add (i64.extend_i32_u (i32.reinterpret_f32 (struct.get $s $e (local.get $t))))
            (i64.reinterpret_f64 (struct.get $s $f (local.get $t))))
          (i64.add
            (i64.extend_i32_u (ref.is_null (struct.get $s $g (local.get $t))))
            (i64.add
              (i64.extend_i32_u (ref.is_null (struct.get $s $h (local.get $t))))
              (i64.add (i64.extend_i32_s (struct.get_s $s $i (local.get $t)))
                (i64.extend_i32_u (struct.get_u $s $j (local.get $t))))))))))
  (func (export "mix") (param $x i32) (result i64) (local $t (ref null $s)) (local $u (ref null $s))
    (local $r i64)
    (local.set $t (struct.new $s (local.get $x) (local.get $x) (local.get $x)
      (i64.mul (i64.extend_i32_s (local.get $x)) (i64.const 0x100000003))
      (f32.reinterpret_i32 (local.get $x))
      (f64.reinterpret_i64 (i64.or (i64.const 0x7ff4000000000000) (i64.extend_i32_u (local.get $x))))
      (ref.null $s) (ref.func $f0) (i32.sub (i32.const 0) (local.get $x)) (i32.xor (local.get $x) (i32.const -1))))
    (local.set $r (call $fold (local.get $t)))
    (local.set $u (struct.new_default $s))
    (local.set $r (i64.xor (local.get $r) (i64.rotl (call $fold (local.get $u)) (i64.const 3))))
    (struct.set $s $a (local.get $u) (i32.add (local.get $x) (i32.const 0x17f)))
    (struct.set $s $b (local.get $u) (i32.add (local.get $x) (i32.const 0x17fff)))
    (struct.set $s $c (local.get $u) (i32.mul (local.get $x) (i32.const 3)))
    (struct.set $s $d (local.get $u) (i64.const -0x123456789))
    (struct.set $s $e (local.get $u) (f32.reinterpret_i32 (i32.const 0x7fa00001)))
    (struct.set $s $f (local.get $u) (struct.get $s $f (local.get $t)))
    (struct.set $s $g (local.get $u) (local.get $t))
    (struct.set $s $h (local.get $u) (ref.func $f0))
    (struct.set $s $i (local.get $u) (local.get $x))
    (struct.set $s $j (local.get $u) (i32.sub (i32.const 0) (local.get $x)))
    (i64.add
      (i64.xor (local.get $r) (call $fold (local.get $u)))
      (i64.extend_i32_u (ref.eq (struct.get $s $g (local.get $u)) (local.get $t)))))
  (func (export "get-null") (result i32) (struct.get $s $c (ref.null $s)))
  (func (export "set-null") (struct.set $s $g (ref.null $s) (ref.null $s))))`);

Deno.test("codegen gc: every field kind read, written and made as in the interpreter", () => {
  const inputs = [0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x12345678, -0x80000000];
  const seen = TIERS.map((tier) => {
    const engine = new Engine(new Config({ executionTier: tier, wasmGc: true }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, FIELDS));
    const mix = instance.getFunc(store, "mix")!;
    const log: unknown[] = [];
    // Enough calls for the auto tier to generate code too.
    for (let round = 0; round < 40; round++) {
      for (const x of inputs) log.push(mix.call(store, [Val.i32(x)])[0]!.value);
    }
    for (const name of ["get-null", "set-null"]) {
      assert.throws(
        () => instance.getFunc(store, name)!.call(store, []),
        (e) => e instanceof Trap && e.code === TrapCode.NullStructReference,
      );
    }
    if (tier === "codegen") assert.ok(generated(funcs.entity(store, mix) as WasmFuncEntity));
    return log;
  });
  assert.deepEqual(seen[1], seen[0]);
  assert.deepEqual(seen[2], seen[0]);
});

/**
 * Arrays of every element kind the inline spellings know (and v128, which keeps its template):
 * `mix(x)` writes `x`-derived values at both ends, reads them back (signed and unsigned packed
 * reads too), and folds them into an i64; `oob(i)` and `null` trap.
 */
const ARRAYS = await parse(`(module
  (type $i8 (array (mut i8)))
  (type $i16 (array (mut i16)))
  (type $i32 (array (mut i32)))
  (type $i64 (array (mut i64)))
  (type $f64 (array (mut f64)))
  (type $v (array (mut v128)))
  (type $node (struct (field $v i32)))
  (type $refs (array (mut (ref null $node))))
  (type $funcs (array (mut funcref)))
  (func $f0)
  (elem declare func $f0)
  (func (export "mix") (param $x i32) (result i64)
    (local $a (ref null $i8)) (local $b (ref null $i16)) (local $c (ref null $i32))
    (local $d (ref null $i64)) (local $e (ref null $f64)) (local $v (ref null $v))
    (local $r (ref null $refs)) (local $f (ref null $funcs)) (local $n (ref null $node))
    (local $acc i64) (local $k i32)
    (local.set $a (array.new $i8 (local.get $x) (i32.const 5)))
    (local.set $b (array.new $i16 (local.get $x) (i32.const 5)))
    (local.set $c (array.new_default $i32 (i32.const 5)))
    (local.set $d (array.new_default $i64 (i32.const 5)))
    (local.set $e (array.new_default $f64 (i32.const 5)))
    (local.set $v (array.new_default $v (i32.const 5)))
    (local.set $r (array.new_default $refs (i32.const 5)))
    (local.set $f (array.new_default $funcs (i32.const 5)))
    (local.set $n (struct.new $node (local.get $x)))
    (loop $l
      (array.set $i8 (local.get $a) (local.get $k) (i32.add (local.get $x) (i32.const 0x180)))
      (array.set $i16 (local.get $b) (local.get $k) (i32.sub (i32.const 0) (local.get $x)))
      (array.set $i32 (local.get $c) (local.get $k) (i32.mul (local.get $x) (local.get $k)))
      (array.set $i64 (local.get $d) (local.get $k)
        (i64.mul (i64.extend_i32_s (local.get $x)) (i64.const 0x100000007)))
      (array.set $f64 (local.get $e) (local.get $k)
        (f64.reinterpret_i64 (i64.or (i64.const 0x7ff4000000000000) (i64.extend_i32_u (local.get $x)))))
      (array.set $v (local.get $v) (local.get $k) (i32x4.splat (local.get $x)))
      (array.set $refs (local.get $r) (local.get $k) (local.get $n))
      (array.set $funcs (local.get $f) (local.get $k) (ref.func $f0))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br_if $l (i32.le_u (local.get $k) (i32.const 4))))
    (local.set $k (i32.const 0))
    (loop $m
      (local.set $acc (i64.add (i64.rotl (local.get $acc) (i64.const 7))
        (i64.add
          (i64.add
            (i64.add (i64.extend_i32_s (array.get_s $i8 (local.get $a) (local.get $k)))
              (i64.extend_i32_u (array.get_u $i8 (local.get $a) (local.get $k))))
            (i64.add (i64.extend_i32_s (array.get_s $i16 (local.get $b) (local.get $k)))
              (i64.extend_i32_u (array.get_u $i16 (local.get $b) (local.get $k)))))
          (i64.add
            (i64.add (i64.extend_i32_s (array.get $i32 (local.get $c) (local.get $k)))
              (array.get $i64 (local.get $d) (local.get $k)))
            (i64.add
              (i64.add (i64.reinterpret_f64 (array.get $f64 (local.get $e) (local.get $k)))
                (i64x2.extract_lane 1 (array.get $v (local.get $v) (local.get $k))))
              (i64.add
                (i64.extend_i32_u (ref.eq (array.get $refs (local.get $r) (local.get $k)) (local.get $n)))
                (i64.extend_i32_u (ref.is_null (array.get $funcs (local.get $f) (local.get $k))))))))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $m (i32.lt_u (local.get $k) (i32.const 5))))
    (local.get $acc))
  (func (export "oob") (param $i i32) (result i32)
    (array.set $i32 (array.new_default $i32 (i32.const 3)) (local.get $i) (i32.const 1))
    (array.get $i32 (array.new_default $i32 (i32.const 3)) (local.get $i)))
  (func (export "null-get") (result i32) (array.get $i32 (ref.null $i32) (i32.const 0)))
  (func (export "null-set") (array.set $refs (ref.null $refs) (i32.const 0) (ref.null $node))))`);

Deno.test("codegen gc: array elements of every kind read and written as in the interpreter", () => {
  const inputs = [0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x12345678, -0x80000000];
  const seen = TIERS.map((tier) => {
    const engine = new Engine(new Config({ executionTier: tier, wasmGc: true }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, ARRAYS));
    const mix = instance.getFunc(store, "mix")!;
    const log: unknown[] = [];
    for (let round = 0; round < 40; round++) {
      for (const x of inputs) log.push(mix.call(store, [Val.i32(x)])[0]!.value);
    }
    const oob = instance.getFunc(store, "oob")!;
    for (const i of [3, -1, 0x7fffffff]) {
      assert.throws(
        () => oob.call(store, [Val.i32(i)]),
        (e) => e instanceof Trap && e.code === TrapCode.ArrayOutOfBounds,
      );
    }
    assert.deepEqual(oob.call(store, [Val.i32(2)])[0]!.value, 0);
    for (const name of ["null-get", "null-set"]) {
      assert.throws(
        () => instance.getFunc(store, name)!.call(store, []),
        (e) => e instanceof Trap && e.code === TrapCode.NullArrayReference,
      );
    }
    if (tier === "codegen") assert.ok(generated(funcs.entity(store, mix) as WasmFuncEntity));
    return log;
  });
  assert.deepEqual(seen[1], seen[0]);
  assert.deepEqual(seen[2], seen[0]);
});

/**
 * `ref.test` and `ref.cast` against defined struct and array types (and a function type and an
 * abstract type, which keep their templates), of i31, struct, array, host and null references:
 * `tests(x)` packs the test results into bits, `cast(k, x)` returns 1 when cast `k` passes.
 */
const CASTS = await parse(`(module
  (type $node (sub (struct (field i32))))
  (type $leaf (sub $node (struct (field i32) (field i32))))
  (type $other (struct (field i32)))
  (type $arr (array (mut i32)))
  (type $ft (func))
  (func $f (type $ft))
  (elem declare func $f)
  (func $pick (param $x i32) (param $h externref) (result anyref)
    (if (i32.eq (local.get $x) (i32.const 6)) (then (return (ref.null any))))
    (block $b0 (block $b1 (block $b2 (block $b3 (block $b4 (block $b5
      (br_table $b0 $b1 $b2 $b3 $b4 $b5 (local.get $x)))
      (return (any.convert_extern (local.get $h))))
      (return (array.new_default $arr (i32.const 2))))
      (return (struct.new $other (i32.const 3))))
      (return (struct.new $leaf (i32.const 1) (i32.const 2))))
      (return (struct.new $node (i32.const 1))))
    (ref.i31 (i32.const 5)))
  (func (export "tests") (param $x i32) (param $h externref) (result i32) (local $r anyref)
    (local.set $r (call $pick (local.get $x) (local.get $h)))
    (i32.or
      (i32.or
        (i32.or (ref.test (ref $node) (local.get $r))
          (i32.shl (ref.test (ref null $node) (local.get $r)) (i32.const 1)))
        (i32.or (i32.shl (ref.test (ref $leaf) (local.get $r)) (i32.const 2))
          (i32.shl (ref.test (ref null $other) (local.get $r)) (i32.const 3))))
      (i32.or
        (i32.or (i32.shl (ref.test (ref $arr) (local.get $r)) (i32.const 4))
          (i32.shl (ref.test (ref null $arr) (local.get $r)) (i32.const 5)))
        (i32.shl (ref.test (ref struct) (local.get $r)) (i32.const 6)))))
  (func (export "cast") (param $k i32) (param $x i32) (param $h externref) (result i32)
    (local $r anyref)
    (local.set $r (call $pick (local.get $x) (local.get $h)))
    (block $b0 (block $b1 (block $b2 (block $b3
      (br_table $b0 $b1 $b2 $b3 (local.get $k)))
      (drop (ref.cast (ref null $arr) (local.get $r))) (return (i32.const 1)))
      (drop (ref.cast (ref $leaf) (local.get $r))) (return (i32.const 1)))
      (drop (ref.cast (ref null $node) (local.get $r))) (return (i32.const 1)))
    (drop (ref.cast (ref $node) (local.get $r)))
    (i32.const 1))
  (func (export "functest") (result i32) (ref.test (ref $ft) (ref.func $f))))`);

Deno.test("codegen gc: ref.test and ref.cast decide as in the interpreter", () => {
  const seen = TIERS.map((tier) => {
    const engine = new Engine(new Config({ executionTier: tier, wasmGc: true }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, CASTS));
    const tests = instance.getFunc(store, "tests")!;
    const cast = instance.getFunc(store, "cast")!;
    const log: unknown[] = [];
    for (let round = 0; round < 30; round++) {
      for (let x = 0; x < 7; x++) {
        log.push(tests.call(store, [Val.i32(x), Val.externref({ x })])[0]!.value);
        for (let k = 0; k < 4; k++) {
          try {
            log.push(cast.call(store, [Val.i32(k), Val.i32(x), Val.externref("h")])[0]!.value);
          } catch (e) {
            assert.ok(e instanceof Trap && e.code === TrapCode.CastFailure, `${e}`);
            log.push("cast failure");
          }
        }
      }
    }
    log.push(instance.getFunc(store, "functest")!.call(store, [])[0]!.value);
    if (tier === "codegen") assert.ok(generated(funcs.entity(store, tests) as WasmFuncEntity));
    return log;
  });
  // i31, $node, $leaf, $other, $arr, host, null: each one's test bits.
  assert.deepEqual(seen[0]!.slice(0, 35).filter((_, i) => i % 5 === 0), [
    0,
    0b1000011,
    0b1000111,
    0b1001000,
    0b110000,
    0,
    0b101010,
  ]);
  assert.deepEqual(seen[1], seen[0]);
  assert.deepEqual(seen[2], seen[0]);
});

/**
 * `run(n)` keeps two structs in locals ($a, and $b linking to it) while it allocates 2n more in
 * a loop (a list it drops every 1024 nodes, and garbage): collections run inside the loop, with
 * $a, $b and $list in the generated code's locals. The result sums their fields and the list's,
 * and tests `$b.next == $a` (identity kept across the collections). `hold(rounds)` counts the
 * rounds whose struct, held in `$x` through 6,000 allocations, lost its field.
 */
const KEEP = await parse(`(module
  (type $n (struct (field $next (ref null $n)) (field $v i32)))
  (func $len (param $l (ref null $n)) (result i32) (local $k i32)
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $k (i32.add (local.get $k) (struct.get $n $v (local.get $l))))
        (local.set $l (struct.get $n $next (local.get $l)))
        (br $walk)))
    (local.get $k))
  (func (export "hold") (param $rounds i32) (result i32)
    (local $x (ref null $n)) (local $i i32) (local $j i32) (local $bad i32)
    (loop $outer
      (local.set $x (struct.new $n (ref.null $n) (local.get $i)))
      (local.set $j (i32.const 0))
      (loop $inner
        (drop (struct.new $n (local.get $x) (local.get $j)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get $j) (i32.const 6000))))
      (if (i32.ne (struct.get $n $v (local.get $x)) (local.get $i))
        (then (local.set $bad (i32.add (local.get $bad) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $rounds))))
    (local.get $bad))
  (func (export "run") (param $count i32) (result i32)
    (local $a (ref null $n)) (local $b (ref null $n)) (local $list (ref null $n))
    (local $i i32) (local $s i32)
    (local.set $a (struct.new $n (ref.null $n) (i32.const 111)))
    (local.set $b (struct.new $n (local.get $a) (i32.const 222)))
    (loop $l
      (local.set $list (struct.new $n (local.get $list) (local.get $i)))
      (drop (struct.new $n (local.get $b) (local.get $i)))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 1023)))
        (then
          (local.set $s (i32.add (local.get $s) (call $len (local.get $list))))
          (local.set $list (ref.null $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $count))))
    (i32.add
      (i32.add (struct.get $n $v (local.get $a)) (struct.get $n $v (local.get $b)))
      (i32.add (i32.mul (ref.eq (struct.get $n $next (local.get $b)) (local.get $a)) (i32.const 1000))
        (i32.add (local.get $s) (call $len (local.get $list)))))))`);

Deno.test("codegen gc: collections inside generated code keep the references in its locals", () => {
  const n = 5 * GC_COLLECT_MIN + 77;
  let expected = 111 + 222 + 1000;
  for (let i = 0; i < n; i++) expected += i;
  const seen = TIERS.map((tier) => {
    const engine = new Engine(new Config({ executionTier: tier, wasmGc: true }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, KEEP));
    const run = instance.getFunc(store, "run")!;
    const results = [n, n, 3].map((count) => run.call(store, [Val.i32(count)])[0]!.value);
    // `$x` changes each round and is read after 6,000 allocations (more than the handle table's
    // 4,096 entries, so collections free and reuse its entry unless a root holds it) with no
    // call between: only the collection's own write-back roots it.
    const hold = instance.getFunc(store, "hold")!;
    results.push(hold.call(store, [Val.i32(20)])[0]!.value);
    const gc = storeInner(store).gc;
    assert.ok(gc.collections >= 4, `${tier}: ${gc.collections} collections`);
    if (tier === "codegen") assert.ok(generated(funcs.entity(store, run) as WasmFuncEntity));
    return results;
  });
  assert.deepEqual(seen[0], [expected, expected, 111 + 222 + 1000 + 3, 0]);
  assert.deepEqual(seen[1], seen[0]);
  assert.deepEqual(seen[2], seen[0]);
});

Deno.test("codegen gc: fuel stops with references live resume to the same structs in every tier", () => {
  // At each budget, every stop asks for the same fuel and shows the same frames; resumed, the
  // run ends with the interpreter's result, whose 1000 says `$b.next` is still `$a`.
  const seen = TIERS.map((tier) => {
    const engine = new Engine(new Config({ executionTier: tier, wasmGc: true, consumeFuel: true }));
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, KEEP));
    const run = instance.getFunc(store, "run")!;
    const log: unknown[] = [];
    for (const budget of [5, 97, 5_000, 60_000]) {
      store.setFuel(budget);
      let call = run.callResumable(store, [Val.i32(2 * GC_COLLECT_MIN + 5)]);
      for (let stops = 0; call.kind === "outOfFuel" && stops < 100_000; stops++) {
        if (stops < 200) log.push(call.requiredFuel, call.frames(store));
        store.setFuel(budget + Number(call.requiredFuel));
        call = call.resume(store);
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") log.push(call.results[0]!.value);
    }
    assert.ok(storeInner(store).gc.collections >= 4);
    return log;
  });
  assert.ok(seen[0]!.length > 400, `${seen[0]!.length}`);
  assert.deepEqual(seen[1], seen[0]);
  assert.deepEqual(seen[2], seen[0]);
});

/**
 * `chain(d, k)` (`$chain(d, null, k)`) recurses `d` deep, each level holding a struct of its
 * own (`$mine`, linked to its caller's), an i64 (both words nonzero) and an f64 only in its locals
 * while it calls deeper; the bottom allocates `k` structs (collections) and calls the host's
 * `gc`, which collects at once. Level `d` adds its struct's field, its i64's high word, its
 * f64's `3 * d` and 100,000 when `$mine.next` is still the caller's struct: in all
 * `2.5 * d * (d + 1) + 100,000 * d`. `pair(d, k)` holds a call's result (a reference) in a
 * temporary slot while a second call allocates, as
 * binary-trees' `make` does, and returns `v + 7 * next.v` of the struct it builds. `fall(d, k)`
 * recurses as `chain` does and traps (a null struct) at the bottom after its collections.
 * `swap(k)` calls, at one depth, functions with large frames holding a struct in a local past
 * the frame of a small one it calls between them, each collecting (allocating, or in the host's
 * \`gc\`), three times: from the second round on, each runs where the call stack (written by
 * the first round's calls, which filled the sites' caches) names another function.
 */
const DEEP = await parse(`(module
  (type $n (struct (field $next (ref null $n)) (field $v i32)))
  (import "env" "gc" (func $gc))
  (func $churn (param $k i32) (result i32) (local $i i32)
    (loop $l
      (drop (struct.new $n (ref.null $n) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $k))))
    (call $gc)
    (i32.const 3))
  (func (export "chain") (param $d i32) (param $k i32) (result i32)
    (call $chain (local.get $d) (ref.null $n) (local.get $k)))
  (func $chain (param $d i32) (param $parent (ref null $n)) (param $k i32)
    (result i32)
    (local $mine (ref null $n)) (local $t i64) (local $f f64)
    (local.set $mine (struct.new $n (local.get $parent) (local.get $d)))
    (local.set $t
      (i64.or (i64.shl (i64.extend_i32_u (local.get $d)) (i64.const 32))
        (i64.extend_i32_u (local.get $d))))
    (local.set $f (f64.mul (f64.convert_i32_u (local.get $d)) (f64.const 1.5)))
    (if (result i32) (i32.eqz (local.get $d))
      (then (drop (call $churn (local.get $k))) (i32.const 0))
      (else
        (i32.add
          (call $chain (i32.sub (local.get $d) (i32.const 1)) (local.get $mine) (local.get $k))
          (i32.add
            (i32.add (struct.get $n $v (local.get $mine))
              (i32.wrap_i64 (i64.shr_u (local.get $t) (i64.const 32))))
            (i32.add (i32.trunc_f64_u (f64.mul (local.get $f) (f64.const 2)))
              (i32.mul (ref.eq (struct.get $n $next (local.get $mine)) (local.get $parent))
                (i32.const 100000))))))))
  (func (export "fall") (param $d i32) (param $k i32) (result i32)
    (call $fall (local.get $d) (local.get $k)))
  (func $fall (param $d i32) (param $k i32) (result i32) (local $mine (ref null $n))
    (local.set $mine (struct.new $n (ref.null $n) (local.get $d)))
    (if (result i32) (i32.eqz (local.get $d))
      (then
        (drop (call $churn (local.get $k)))
        (struct.get $n $v (struct.get $n $next (local.get $mine))))
      (else
        (i32.add (struct.get $n $v (local.get $mine))
          (call $fall (i32.sub (local.get $d) (i32.const 1)) (local.get $k))))))
  (func $small (param $k i32) (result i32) (local $i i32)
    (loop $l
      (drop (struct.new $n (ref.null $n) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $k))))
    (local.get $i))
  (func $big (param $k i32) (result i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local $keep (ref null $n)) (local $i i32)
    (local.set $keep (struct.new $n (ref.null $n) (i32.const 4242)))
    (loop $l
      (drop (struct.new $n (ref.null $n) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $k))))
    (struct.get $n $v (local.get $keep)))
  (func $bigHost (result i32)
    (local i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
    (local $keep (ref null $n))
    (local.set $keep (struct.new $n (ref.null $n) (i32.const 4343)))
    (call $gc)
    (struct.get $n $v (local.get $keep)))
  (func (export "swap") (param $k i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s
        (i32.add (local.get $s)
          (i32.add (i32.add (call $big (local.get $k)) (call $small (local.get $k)))
            (i32.add (call $bigHost) (call $small (local.get $k))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (local.get $s))
  (func $leaf (param $v i32) (result (ref $n))
    (struct.new $n (ref.null $n) (local.get $v)))
  (func (export "pair") (param $v i32) (param $k i32) (result i32) (local $p (ref null $n))
    (local.set $p
      (struct.new $n (call $leaf (i32.add (local.get $v) (i32.const 1)))
        (i32.add (local.get $v) (call $churn (local.get $k)))))
    (i32.add (struct.get $n $v (local.get $p))
      (i32.mul (i32.const 7) (struct.get $n $v (struct.get $n $next (local.get $p)))))))`);

/** `DEEP` instantiated in `tier`, with a host `gc` that collects (and throws while `fail`). */
function deep(tier: (typeof TIERS)[number], fuel = false) {
  const engine = new Engine(new Config({ executionTier: tier, wasmGc: true, consumeFuel: fuel }));
  const store = new Store(engine, null);
  const linker = new Linker<null>(engine);
  const host = { calls: 0, fail: false };
  linker.funcWrap("env", "gc", { params: [], results: [] }, () => {
    host.calls++;
    storeInner(store).gc.collect();
    if (host.fail) {
      host.fail = false;
      throw new Error("gc refused");
    }
  });
  const instance = linker.instantiate(store, new Module(engine, DEEP));
  return { store, instance, host };
}

Deno.test("codegen gc: references only in generated callers' locals survive collections deep down", () => {
  const k = 3 * GC_COLLECT_MIN;
  const seen = TIERS.map((tier) => {
    const { store, instance, host } = deep(tier);
    const chain = instance.getFunc(store, "chain")!;
    const pair = instance.getFunc(store, "pair")!;
    const out = [40, 300].map((d) => chain.call(store, [Val.i32(d), Val.i32(k)])[0]!.value);
    out.push(pair.call(store, [Val.i32(5), Val.i32(k)])[0]!.value);
    assert.ok(storeInner(store).gc.collections >= 6, `${tier}`);
    assert.equal(host.calls, 3);
    if (tier === "codegen") assert.ok(generated(funcs.entity(store, chain) as WasmFuncEntity));
    return out;
  });
  assert.deepEqual(seen[0], [
    40 * 41 * 2.5 + 4_000_000,
    300 * 301 * 2.5 + 30_000_000,
    5 + 3 + 7 * 6,
  ]);
  assert.deepEqual(seen[1], seen[0]);
  assert.deepEqual(seen[2], seen[0]);
});

Deno.test("codegen gc: stops deep in a chain of generated frames resume to the same references", () => {
  // Fuel stops at several budgets and a host trap at the bottom (resumed), each stop's frames
  // logged: every tier stops alike and ends with the interpreter's result.
  const seen = TIERS.map((tier) => {
    const log: unknown[] = [];
    for (const budget of [7, 450, 20_000]) {
      const { store, instance, host } = deep(tier, true);
      const chain = instance.getFunc(store, "chain")!;
      host.fail = true;
      store.setFuel(budget);
      let call = chain.callResumable(store, [Val.i32(30), Val.i32(9000)]);
      for (let stops = 0; call.kind !== "finished" && stops < 100_000; stops++) {
        if (call.kind === "hostTrap") {
          log.push("hostTrap", String(call.hostError), call.frames(store, { locals: true }));
          call = call.resume(store, []);
        } else {
          if (stops < 100) log.push(call.requiredFuel, call.frames(store, { locals: true }));
          store.setFuel(budget + Number(call.requiredFuel));
          call = call.resume(store);
        }
      }
      assert.equal(call.kind, "finished");
      if (call.kind === "finished") log.push(call.results[0]!.value);
      assert.ok(storeInner(store).gc.collections >= 2, `${tier}`);
    }
    return log;
  });
  assert.ok(seen[0]!.includes("hostTrap"));
  assert.equal(seen[0]!.at(-1), 30 * 31 * 2.5 + 3_000_000);
  assert.deepEqual(seen[1], seen[0]);
  assert.deepEqual(seen[2], seen[0]);
});

Deno.test("codegen gc: a trap under collecting generated frames has the interpreter's backtrace", () => {
  const seen = TIERS.map((tier) => {
    const { store, instance } = deep(tier);
    const fall = instance.getFunc(store, "fall")!;
    const log: unknown[] = [];
    for (const d of [3, 90]) {
      try {
        fall.call(store, [Val.i32(d), Val.i32(2 * GC_COLLECT_MIN)]);
        log.push("returned");
      } catch (e) {
        assert.ok(e instanceof Trap, String(e));
        log.push(e.code, e.backtrace);
      }
    }
    // The store is usable after the traps.
    const chain = instance.getFunc(store, "chain")!;
    log.push(chain.call(store, [Val.i32(5), Val.i32(10)])[0]!.value);
    return log;
  });
  assert.equal(seen[0]![0], TrapCode.NullStructReference);
  // 91 frames of \`$fall\` (run-length), below them the exported \`fall\`.
  assert.deepEqual(seen[0]![3], [{ funcIndex: 5, name: "fall", count: 91 }, {
    funcIndex: 4,
    name: "fall",
  }]);
  assert.deepEqual(seen[1], seen[0]);
  assert.deepEqual(seen[2], seen[0]);
});

Deno.test("codegen gc: a collection scans the whole frame of the function that runs it", () => {
  const k = 3 * GC_COLLECT_MIN;
  const seen = TIERS.map((tier) => {
    // Unmetered (allocations spelled inline) and metered (their rows' templates).
    return [false, true].flatMap((fuel) => {
      const { store, instance } = deep(tier, fuel);
      if (fuel) store.setFuel(Number.MAX_SAFE_INTEGER);
      const swap = instance.getFunc(store, "swap")!;
      return [1, 2, 3].map(() => swap.call(store, [Val.i32(k)])[0]!.value);
    });
  });
  assert.deepEqual(seen[0], Array(6).fill(3 * (2 * k + 4242 + 4343)));
  assert.deepEqual(seen[1], seen[0]);
  assert.deepEqual(seen[2], seen[0]);
});

/**
 * `keep(x)` catches an exception carrying `x` as an `exnref`, stores it in an array of
 * `exnref`s (`array.set`), reads it back and rethrows it, and returns the payload caught again.
 */
const EXNS = await parse(`(module
  (type $a (array (mut exnref)))
  (tag $t (param i32))
  (func (export "keep") (param $x i32) (result i32) (local $arr (ref null $a)) (local $e exnref)
    (local.set $arr (array.new_default $a (i32.const 3)))
    (local.set $e
      (block $got (result exnref)
        (try_table (catch_all_ref $got) (throw $t (local.get $x)))
        (unreachable)))
    (array.set $a (local.get $arr) (i32.const 2) (local.get $e))
    (block $back (result i32)
      (try_table (catch $t $back)
        (throw_ref (array.get $a (local.get $arr) (i32.const 2))))
      (unreachable))))`);

Deno.test("codegen gc: array.set of an exnref keeps the exception", () => {
  const seen = TIERS.map((tier) => {
    const engine = new Engine(
      new Config({ executionTier: tier, wasmGc: true, wasmExceptions: true }),
    );
    const store = new Store(engine, null);
    const instance = new Linker<null>(engine).instantiate(store, new Module(engine, EXNS));
    const keep = instance.getFunc(store, "keep")!;
    const out = [7, -3].map((x) => keep.call(store, [Val.i32(x)])[0]!.value);
    if (tier === "codegen") assert.ok(generated(funcs.entity(store, keep) as WasmFuncEntity));
    return out;
  });
  assert.deepEqual(seen, [[7, -3], [7, -3], [7, -3]]);
});
