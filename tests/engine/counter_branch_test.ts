/**
 * A loop counter stepped by a constant and tested for zero by `br_if` (`local.tee` of the sum,
 * then `br_if`, or `i32.eqz` then `br_if` for the opposite) is one `I32AddImmBrIfNeImm` /
 * `I32AddImmBrIfEqImm` with 0 as the compared immediate. Each case runs in the interpreter (fuel
 * off and on) and in generated code.
 */
import assert from "node:assert/strict";
import { eachTier as each } from "./harness.ts";

const MODULE = `(module
  ;; Sums i over i = n, n - 1, ..., 1 (n > 0): the counter steps by -1 until it is zero.
  (func (export "down") (param i32) (result i32) (local i32)
    (loop $l
      local.get 1 local.get 0 i32.add local.set 1
      local.get 0 i32.const -1 i32.add local.tee 0
      br_if $l)
    local.get 1)
  ;; Counts steps of 4 from a negative multiple of 4 up to zero, leaving the loop at zero.
  (func (export "up") (param i32) (result i32) (local i32)
    (block $out
      (loop $l
        local.get 1 i32.const 1 i32.add local.set 1
        local.get 0 i32.const 4 i32.add local.tee 0
        i32.eqz br_if $out
        br $l))
    local.get 1))`;

Deno.test("a counter stepped and tested for zero by br_if is one instruction", () => {
  each(MODULE, (t) => {
    assert.match(t.code("down"), /I32AddImmBrIfNeImm(Pay)? s0, s0, -1, 0, @\d+/);
    assert.doesNotMatch(t.code("down"), /BrIfNez/);
    assert.match(t.code("up"), /I32AddImmBrIf(Eq|Ne)Imm s0, s0, 4, 0, @\d+/);
    assert.equal(t.call("down", 1), 1);
    assert.equal(t.call("down", 10), 55);
    assert.equal(t.call("down", 1000), 500500);
    assert.equal(t.call("up", -4), 1);
    assert.equal(t.call("up", -100), 25);
    assert.equal(t.call("up", -(1 << 22)), 1 << 20);
  });
});

const BLOCKS = `(module
  ;; do { n++; p += 32; } while (p <= limit): clang's loop over a buffer in blocks.
  (func (export "blocks") (param i32 i32) (result i32) (local i32)
    (loop $l
      local.get 2 i32.const 1 i32.add local.set 2
      local.get 0 i32.const 32 i32.add local.tee 0
      local.get 1 i32.le_u br_if $l)
    local.get 2)
  ;; The opposite test, leaving the loop once p > limit.
  (func (export "until") (param i32 i32) (result i32) (local i32)
    (block $out
      (loop $l
        local.get 2 i32.const 1 i32.add local.set 2
        local.get 0 i32.const 32 i32.add local.tee 0
        local.get 1 i32.gt_u br_if $out
        br $l))
    local.get 2))`;

Deno.test("a pointer stepped and compared with <= or > (unsigned) by br_if is one instruction", () => {
  each(BLOCKS, (t) => {
    assert.match(t.code("blocks"), /I32AddImmBrIfLeU(Pay)? s0, s0, 32, s1, @\d+/);
    assert.match(t.code("until"), /I32AddImmBrIf(GtU|LeU) s0, s0, 32, s1, @\d+/);
    for (
      const [p, limit] of [[0, 0], [0, 31], [0, 32], [0, 1000], [-64, -40], [-33, 100], [64, 0]]
    ) {
      // Steps while p + 32k <= limit (unsigned), counting the first step too.
      let n = 0, q = p!;
      do {
        n++;
        q = (q + 32) | 0;
      } while ((q >>> 0) <= (limit! >>> 0));
      assert.equal(t.call("blocks", p!, limit!), n, `blocks ${p} ${limit}`);
      assert.equal(t.call("until", p!, limit!), n, `until ${p} ${limit}`);
    }
  });
});
