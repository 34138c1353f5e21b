/**
 * An i64 shift or rotation by a constant fused with the step next to it: `rotl(x ^ y, k)`
 * (`I64RotlImmOfXor`: the translator takes back an `I64Xor` whose result an `i64.rotl` or
 * `i64.rotr` by a constant reads) and `x - (y << k)` (`I64SubShlImm`: an `I64ShlImm` whose
 * result an `i64.sub` subtracts). Each case runs in the interpreter (fuel off and on) and in
 * generated code, and is checked against the same expression kept unfused (the inner result
 * written to a local with `local.tee`) and against BigInt.
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
    local.get 0 local.get 1 i64.xor local.tee 2 i64.const ${k} i64.rotl)
  (func (export "subShl${k}") (param i64 i64) (result i64)
    local.get 0 local.get 1 i64.const ${k} i64.shl i64.sub)
  (func (export "subShl${k}Ref") (param i64 i64) (result i64) (local i64)
    local.get 0 local.get 1 i64.const ${k} i64.shl local.tee 2 i64.sub)`).join("")
}
  ;; The shift on the left of the sub stays a shift and a sub.
  (func (export "shlSub") (param i64 i64) (result i64)
    local.get 1 i64.const 3 i64.shl local.get 0 i64.sub)
  ;; The difference written over either operand's local.
  (func (export "subShlInPlace") (param i64 i64) (result i64)
    local.get 0 local.get 1 i64.const 3 i64.shl i64.sub local.set 0
    local.get 0 local.get 1 i64.const 35 i64.shl i64.sub local.set 1
    local.get 1 local.get 1 i64.const 1 i64.shl i64.sub local.get 0 i64.xor)
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

const shl = (v: bigint, k: number) => i64(u64(v) << BigInt(k & 63));

Deno.test("an i64.sub of an i64.shl by a constant is one I64SubShlImm", () => {
  each(MODULE, (t) => {
    assert.match(t.code("subShl23"), /I64SubShlImm s2, s0, s1, 23\n/);
    assert.match(t.code("subShl64"), /I64SubShlImm s2, s0, s1, 0\n/);
    assert.match(t.code("subShl-1"), /I64SubShlImm s2, s0, s1, 63\n/);
    assert.doesNotMatch(t.code("subShl23Ref"), /I64SubShlImm/);
    assert.doesNotMatch(t.code("shlSub"), /I64SubShlImm/);
    assert.match(t.code("subShlInPlace"), /I64SubShlImm s0, s0, s1, 3\n/);
    assert.match(t.code("subShlInPlace"), /I64SubShlImm s1, s0, s1, 35\n/);
    assert.match(t.code("subShlInPlace"), /I64SubShlImm s\d+, s1, s1, 1\n/);
    for (const k of COUNTS) {
      for (const a of VALUES) {
        for (const b of VALUES) {
          const want = i64(a - shl(b, k));
          assert.equal(t.call(`subShl${k}`, a, b), want, `${a} - (${b} << ${k})`);
          assert.equal(t.call(`subShl${k}Ref`, a, b), want);
        }
      }
    }
    for (const a of VALUES) {
      for (const b of VALUES) {
        assert.equal(t.call("shlSub", a, b), i64(shl(b, 3) - a));
        const x = i64(a - shl(b, 3)), y = i64(x - shl(b, 35));
        assert.equal(t.call("subShlInPlace", a, b), i64((y - shl(y, 1)) ^ x));
      }
    }
  });
});
