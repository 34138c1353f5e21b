/**
 * Loop-invariant `v128.const`s (`#hoistConsts` in translator.ts): a `v128.const c; local.tee $x`
 * at the straight-line start of a loop, with no other write of `$x` in the loop, is written
 * once before the loop's header; every case where the first iteration or a way out could see
 * the difference keeps it inside. Each function runs in every tier (and under fuel) against
 * the value the Wasm semantics give.
 */
import assert from "node:assert/strict";
import { eachTier, type TestInstance } from "./harness.ts";

/** `(v128.const i32x4 1 2 3 4)`, the constant every test loop writes to `$c`. */
const C = "(v128.const i32x4 1 2 3 4)";

const MODULE = `(module
  ;; Hoisted: acc += c twice per iteration, c = (1 2 3 4) from the first one on.
  (func (export "hoisted") (param $n i32) (result i32)
    (local $c v128) (local $acc v128)
    (local.set $c (v128.const i32x4 7 7 7 7))
    (loop $l
      (local.set $acc (i32x4.add (local.get $acc) (local.tee $c ${C})))
      (local.set $acc (i32x4.add (local.get $acc) (local.get $c)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (i32x4.extract_lane 3 (local.get $acc)) (i32x4.extract_lane 0 (local.get $c))))

  ;; Hoisted by local.set, after other straight-line work.
  (func (export "set") (param $n i32) (result i32)
    (local $c v128) (local $acc v128)
    (loop $l
      (local.set $acc (i32x4.mul (local.get $acc) (i32x4.splat (i32.const 3))))
      (local.set $c ${C})
      (local.set $acc (i32x4.add (local.get $acc) (local.get $c)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32x4.extract_lane 1 (local.get $acc)))

  ;; Not hoisted: the first iteration reads the old value before the const.
  (func (export "readFirst") (param $n i32) (result i32)
    (local $c v128) (local $acc v128)
    (local.set $c (v128.const i32x4 7 7 7 7))
    (loop $l
      (local.set $acc (i32x4.add (local.get $acc) (local.get $c)))
      (local.set $c ${C})
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32x4.extract_lane 3 (local.get $acc)))

  ;; Not hoisted: the loop writes the local elsewhere too (at n = 2).
  (func (export "writtenAgain") (param $n i32) (result i32)
    (local $c v128) (local $acc v128)
    (loop $l
      (local.set $c ${C})
      (local.set $acc (i32x4.add (local.get $acc) (local.get $c)))
      (if (i32.eq (local.get $n) (i32.const 2))
        (then (local.set $c (v128.const i32x4 100 100 100 100))))
      (local.set $acc (i32x4.add (local.get $acc) (local.get $c)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32x4.extract_lane 0 (local.get $acc)))

  ;; Not hoisted: the loop may be left before the const (n = 0 keeps the old value).
  (func (export "afterExit") (param $n i32) (result i32)
    (local $c v128)
    (local.set $c (v128.const i32x4 7 7 7 7))
    (block $out
      (loop $l
        (br_if $out (i32.eqz (local.get $n)))
        (local.set $c ${C})
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (i32x4.extract_lane 0 (local.get $c)))

  ;; Not hoisted: a nested loop stops the look-ahead; still computes the same.
  (func (export "nested") (param $n i32) (result i32)
    (local $c v128) (local $acc v128) (local $k i32)
    (loop $l
      (local.set $c ${C})
      (local.set $k (i32.const 2))
      (loop $inner
        (local.set $acc (i32x4.add (local.get $acc) (local.get $c)))
        (br_if $inner (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32x4.extract_lane 2 (local.get $acc)))
)`;

/** The code index of the `V128Const` of `C` in `name`'s code, and the loop header's. */
function placement(t: TestInstance, name: string): { constAt: number; header: number } {
  const lines = t.code(name).split("\n").map((l) => {
    const m = /^(\d+): (.*)$/.exec(l)!;
    return { pc: Number(m[1]), text: m[2]! };
  });
  const constLine = lines.find((l) => /^V128Const s\d+, 1, 2, 3, 4$/.test(l.text));
  assert.ok(constLine !== undefined, t.code(name));
  // The outermost loop's header: the lowest target of a backward branch.
  // (A fuel-paying branch names both its target and the charge it pays: `@10, @8, 11`.)
  const headers = lines.flatMap((l) =>
    [...l.text.matchAll(/@(\d+)/g)].map((m) => Number(m[1])).filter((at) => at <= l.pc)
  );
  return { constAt: constLine.pc, header: Math.min(...headers) };
}

Deno.test("a loop's invariant v128.const is written once, before the loop", () => {
  eachTier(MODULE, (t) => {
    for (const name of ["hoisted", "set"]) {
      const { constAt, header } = placement(t, name);
      assert.ok(constAt < header, `${name}: ${t.code(name)}`);
    }
    for (const n of [1, 2, 5]) {
      assert.equal(t.call("hoisted", n), 8 * n + 1);
      let acc = 0;
      for (let i = 0; i < n; i++) acc = acc * 3 + 2;
      assert.equal(t.call("set", n), acc);
    }
  });
});

Deno.test("a v128.const the loop could observe before it, or writes again, stays inside", () => {
  eachTier(MODULE, (t) => {
    for (const name of ["readFirst", "writtenAgain", "afterExit", "nested"]) {
      const { constAt, header } = placement(t, name);
      assert.ok(constAt >= header, `${name}: ${t.code(name)}`);
    }
    for (const n of [1, 3]) {
      assert.equal(t.call("readFirst", n), 7 + 4 * (n - 1));
      assert.equal(t.call("nested", n), 6 * n);
    }
    // Iterations n = 3, 2, 1: 1 + 1, 1 + 100, then 1 + 1 again (the const is rewritten).
    assert.equal(t.call("writtenAgain", 3), 2 + 101 + 2);
    assert.equal(t.call("afterExit", 0), 7);
    assert.equal(t.call("afterExit", 2), 1);
  });
});
