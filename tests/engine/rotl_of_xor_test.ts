/**
 * `rotl(x ^ y, k)` in one instruction (`I64RotlImmOfXor`): the translator takes back an
 * `I64Xor` whose result an `i64.rotl` or `i64.rotr` by a constant reads. Each case runs in the
 * interpreter (fuel off and on) and in generated code, and is checked against the same
 * expression kept unfused (the xor written to a local with `local.tee`) and against BigInt.
 */
import assert from "node:assert/strict";
import { eachTier as each } from "./harness.ts";

const COUNTS = [0, 1, 23, 31, 32, 33, 63, 64, 65, -1];

const MODULE = `(module
  ${
  COUNTS.map((k) => `
  (func (export "rotl${k}") (param i64 i64) (result i64)
    local.get 0 local.get 1 i64.xor i64.const ${k} i64.rotl)
  (func (export "rotr${k}") (param i64 i64) (result i64)
    local.get 0 local.get 1 i64.xor i64.const ${k} i64.rotr)
  (func (export "rotl${k}Ref") (param i64 i64) (result i64) (local i64)
    local.get 0 local.get 1 i64.xor local.tee 2 i64.const ${k} i64.rotl)`).join("")
}
  ;; The result written over an operand's local (the destination is also a source).
  (func (export "inPlace") (param i64 i64) (result i64)
    local.get 0 local.get 1 i64.xor i64.const 23 i64.rotl local.set 1
    local.get 1 local.get 1 i64.xor i64.const 5 i64.rotr local.get 1 i64.add))`;

const i64 = (v: bigint) => BigInt.asIntN(64, v);
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const rotl = (v: bigint, k: number) => {
  const r = BigInt(k & 63);
  return i64((u64(v) << r) | (u64(v) >> ((64n - r) & 63n)));
};

const VALUES = [
  0n,
  1n,
  -1n,
  0x7fffffffn,
  -0x80000000n,
  0xffffffffn,
  0x100000000n,
  0x243f6a8885a308d3n,
  -0x61c8864680b583ebn,
  -0x7fffffffffffffffn - 1n,
];

Deno.test("an i64.rotl or i64.rotr by a constant of an i64.xor is one instruction", () => {
  each(MODULE, (t) => {
    assert.match(t.code("rotl23"), /I64RotlImmOfXor s2, s0, s1, 23\n/);
    assert.match(t.code("rotr23"), /I64RotlImmOfXor s2, s0, s1, 41\n/);
    assert.match(t.code("rotr0"), /I64RotlImmOfXor s2, s0, s1, 0\n/);
    assert.doesNotMatch(t.code("rotl23Ref"), /I64RotlImmOfXor/);
    for (const k of COUNTS) {
      for (const a of VALUES) {
        for (const b of VALUES) {
          const want = rotl(a ^ b, k);
          assert.equal(t.call(`rotl${k}`, a, b), want, `rotl(${a} ^ ${b}, ${k})`);
          assert.equal(t.call(`rotl${k}Ref`, a, b), want);
          assert.equal(t.call(`rotr${k}`, a, b), rotl(a ^ b, 64 - (k & 63)));
        }
      }
    }
  });
});

Deno.test("a rotated xor written over its operand", () => {
  each(MODULE, (t) => {
    assert.match(t.code("inPlace"), /I64RotlImmOfXor s1, s0, s1, 23\n/);
    for (const a of VALUES) {
      for (const b of VALUES) {
        const x = rotl(a ^ b, 23);
        assert.equal(t.call("inPlace", a, b), i64(rotl(0n, 59) + x));
      }
    }
  });
});
