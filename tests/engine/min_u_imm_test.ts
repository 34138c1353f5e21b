/**
 * `I32MinUImm`: a `select` of `x` and a constant `k` on `x <u k` (or of `k` and `x` on
 * `x >u k`) becomes the unsigned minimum, one instruction instead of a compare, a constant and a
 * `select`. Both forms give what the unfused operators give on unsigned edge values, and a
 * `select` that is not a minimum (another constant, a signed compare) stays one. In every tier.
 */
import assert from "node:assert/strict";
import { eachTier } from "./harness.ts";

/** `select` over `$x` and constant `k` with compare `cmp`; `xFirst` puts `$x` first. */
function selectFn(name: string, k: number, cmp: string, xFirst: boolean): string {
  const [a, b] = xFirst
    ? ["(local.get $x)", `(i32.const ${k})`]
    : [`(i32.const ${k})`, "(local.get $x)"];
  return `(func (export "${name}") (param $x i32) (result i32)
    (select ${a} ${b} (${cmp} (local.get $x) (i32.const ${k}))))`;
}

const KS = [255, 0, -1, -0x80000000, 65535];

const MODULE = `(module
  ${KS.map((k, i) => selectFn(`lt${i}`, k, "i32.lt_u", true)).join("\n  ")}
  ${KS.map((k, i) => selectFn(`gt${i}`, k, "i32.gt_u", false)).join("\n  ")}
  ;; Not minimums: a signed compare, and the compare against another constant.
  ${selectFn("signed", 255, "i32.lt_s", true)}
  (func (export "other") (param $x i32) (result i32)
    (select (local.get $x) (i32.const 255) (i32.lt_u (local.get $x) (i32.const 254))))
  ;; A saturating byte add of a loaded byte, as clang writes it (a local.tee'd sum).
  (func (export "sat") (param $x i32) (param $y i32) (result i32)
    (local $v i32)
    (select (local.tee $v (i32.add (local.get $x) (local.get $y))) (i32.const 255)
      (i32.lt_u (local.get $v) (i32.const 255))))
)`;

const XS = [0, 1, 254, 255, 256, 65535, 65536, 0x7fffffff, -0x80000000, -2, -1];

Deno.test("select of x and k on an unsigned compare with k is one I32MinUImm", () => {
  eachTier(MODULE, (t) => {
    KS.forEach((k, i) => {
      for (const name of [`lt${i}`, `gt${i}`]) {
        assert.match(t.code(name), new RegExp(`\\d: I32MinUImm s\\d+, s0, ${k}\\n`), name);
        for (const x of XS) {
          const want = (x >>> 0) < (k >>> 0) ? x : k;
          assert.equal(t.call(name, x), want, `${name}(${x})`);
        }
      }
    });
    assert.match(t.code("sat"), /I32MinUImm/);
    for (const [x, y] of [[200, 55], [200, 56], [255, 255], [-1, 0], [0, 0]]) {
      const v = (x! + y!) | 0;
      assert.equal(t.call("sat", x!, y!), (v >>> 0) < 255 ? v : 255);
    }
  });
});

Deno.test("a select that is no unsigned minimum stays a select", () => {
  eachTier(MODULE, (t) => {
    for (const name of ["signed", "other"]) assert.doesNotMatch(t.code(name), /I32MinUImm/);
    for (const x of XS) {
      assert.equal(t.call("signed", x), x < 255 ? x : 255);
      assert.equal(t.call("other", x), (x >>> 0) < 254 ? x : 255);
    }
  });
});
