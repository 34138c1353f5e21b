/**
 * Two i64 bitwise steps in one instruction: `x & ~y` (`I64AndNot`, an `i64.xor` with -1 read by
 * an `i64.and`), `(x ^ y) & z` (`I64XorAnd`) and `(x & y) ^ z` (`I64AndXor`), SHA-2's choice and
 * majority as clang spells them. Each case runs in the interpreter (fuel off and on) and in
 * generated code, and is checked against the same expression kept unfused (the inner result
 * written to a local with `local.tee`, so it is no temporary) and against BigInt.
 */
import assert from "node:assert/strict";
import { eachTier as each } from "./harness.ts";

const MODULE = `(module
  (func (export "andNot") (param i64 i64) (result i64)
    local.get 0 local.get 1 i64.const -1 i64.xor i64.and)
  ;; The negation on the left of the and.
  (func (export "notAnd") (param i64 i64) (result i64)
    local.get 1 i64.const -1 i64.xor local.get 0 i64.and)
  (func (export "andNotRef") (param i64 i64) (result i64) (local i64)
    local.get 0 local.get 1 i64.const -1 i64.xor local.tee 2 i64.and)
  ;; A xor with another constant stays a xor and an and.
  (func (export "andXorImm") (param i64 i64) (result i64)
    local.get 0 local.get 1 i64.const 0xffffffff i64.xor i64.and)
  (func (export "xorAnd") (param i64 i64 i64) (result i64)
    local.get 0 local.get 1 i64.xor local.get 2 i64.and)
  (func (export "xorAndRef") (param i64 i64 i64) (result i64) (local i64)
    local.get 0 local.get 1 i64.xor local.tee 3 local.get 2 i64.and)
  (func (export "andXor") (param i64 i64 i64) (result i64)
    local.get 2 local.get 0 local.get 1 i64.and i64.xor)
  (func (export "andXorRef") (param i64 i64 i64) (result i64) (local i64)
    local.get 2 local.get 0 local.get 1 i64.and local.tee 3 i64.xor)
  ;; SHA-2's choice and majority, as clang emits them for sha512.c.
  (func (export "ch") (param i64 i64 i64) (result i64)
    local.get 0 local.get 1 i64.and
    local.get 2 local.get 0 i64.const -1 i64.xor i64.and
    i64.add)
  (func (export "maj") (param i64 i64 i64) (result i64)
    local.get 1 local.get 2 i64.xor local.get 0 i64.and
    local.get 1 local.get 2 i64.and
    i64.xor)
  ;; The result written back to an operand's local: the destination is also a source.
  (func (export "inPlace") (param i64 i64 i64) (result i64)
    local.get 0 local.get 1 i64.xor local.get 0 i64.and local.set 0
    local.get 1 local.get 0 i64.and local.get 1 i64.xor local.set 1
    local.get 2 local.get 2 i64.const -1 i64.xor i64.and local.get 1 i64.add
    local.get 0 i64.xor))`;

const u64 = (v: bigint) => BigInt.asUintN(64, v);
const i64 = (v: bigint) => BigInt.asIntN(64, v);

const VALUES = [
  0n,
  1n,
  -1n,
  0x7fffffffn,
  -0x80000000n,
  0xffffffffn,
  0x100000000n,
  0x6a09e667f3bcc908n,
  -0x4498517a7b3558c6n,
  0x3c6ef372fe94f82bn,
  -0x7fffffffffffffffn - 1n,
  0x7fffffffffffffffn,
];

Deno.test("an i64.and of an i64.xor with -1 is one I64AndNot, either side", () => {
  each(MODULE, (t) => {
    assert.match(t.code("andNot"), /I64AndNot s2, s0, s1\n/);
    assert.match(t.code("notAnd"), /I64AndNot s2, s0, s1\n/);
    assert.doesNotMatch(t.code("andNotRef"), /I64AndNot/);
    assert.doesNotMatch(t.code("andXorImm"), /I64AndNot/);
    for (const a of VALUES) {
      for (const b of VALUES) {
        const want = i64(a & ~b);
        assert.equal(t.call("andNot", a, b), want, `${a} & ~${b}`);
        assert.equal(t.call("notAnd", a, b), want);
        assert.equal(t.call("andNotRef", a, b), want);
        assert.equal(t.call("andXorImm", a, b), i64(a & (b ^ 0xffffffffn)));
      }
    }
  });
});

Deno.test("(x ^ y) & z and (x & y) ^ z are one instruction each", () => {
  each(MODULE, (t) => {
    assert.match(t.code("xorAnd"), /I64XorAnd s3, s0, s1, s2\n/);
    assert.match(t.code("andXor"), /I64AndXor s3, s0, s1, s2\n/);
    assert.doesNotMatch(t.code("xorAndRef"), /I64XorAnd/);
    assert.doesNotMatch(t.code("andXorRef"), /I64AndXor/);
    for (const a of VALUES) {
      for (const b of VALUES) {
        for (const c of [0n, -1n, 0x5555555555555555n, -0x0f0f0f0f0f0f0f10n, b]) {
          const xorAnd = i64((a ^ b) & c), andXor = i64((a & b) ^ c);
          assert.equal(t.call("xorAnd", a, b, c), xorAnd, `(${a} ^ ${b}) & ${c}`);
          assert.equal(t.call("xorAndRef", a, b, c), xorAnd);
          assert.equal(t.call("andXor", a, b, c), andXor, `(${a} & ${b}) ^ ${c}`);
          assert.equal(t.call("andXorRef", a, b, c), andXor);
        }
      }
    }
  });
});

Deno.test("SHA-2's choice and majority, and results written over their operands", () => {
  each(MODULE, (t) => {
    assert.match(t.code("ch"), /I64AndNot /);
    assert.match(t.code("maj"), /I64XorAnd [^\n]*\n[^\n]*I64AndXor /);
    assert.match(t.code("inPlace"), /I64XorAnd s0, s0, s1, s0\n/);
    assert.match(t.code("inPlace"), /I64AndXor s1, s1, s0, s1\n/);
    assert.match(t.code("inPlace"), /I64AndNot s\d+, s2, s2\n/);
    for (const e of VALUES) {
      for (const f of VALUES) {
        for (const g of [0n, -1n, 0x1f83d9abfb41bd6bn, e]) {
          assert.equal(t.call("ch", e, f, g), i64((e & f) + (~e & g)), `ch ${e} ${f} ${g}`);
          assert.equal(t.call("maj", e, f, g), i64((e & f) ^ (e & g) ^ (f & g)));
          const x = u64((e ^ f) & e), y = u64((f & x) ^ f);
          assert.equal(t.call("inPlace", e, f, g), i64(((g & ~g) + y) ^ x));
        }
      }
    }
  });
});
