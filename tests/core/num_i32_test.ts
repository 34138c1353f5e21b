import assert from "node:assert/strict";
import {
  i32Clz,
  i32Ctz,
  i32DivS,
  i32DivU,
  i32Extend16S,
  i32Extend8S,
  i32Popcnt,
  i32RemS,
  i32RemU,
  i32Rotl,
  i32Rotr,
} from "../../src/core/num/mod.ts";
import { I32_WAST } from "./num_wast_cases.ts";
import { assertTrap, rng } from "./num_test_util.ts";

const b = (x: boolean) => (x ? 1 : 0);

/** Every i32.wast operation: library functions, or the JS idiom the executor inlines. */
const OPS: Record<string, (a: number, b: number) => number> = {
  add: (x, y) => (x + y) | 0,
  sub: (x, y) => (x - y) | 0,
  mul: Math.imul,
  div_s: i32DivS,
  div_u: i32DivU,
  rem_s: i32RemS,
  rem_u: i32RemU,
  and: (x, y) => x & y,
  or: (x, y) => x | y,
  xor: (x, y) => x ^ y,
  shl: (x, y) => x << y,
  shr_s: (x, y) => x >> y,
  shr_u: (x, y) => (x >>> y) | 0,
  rotl: i32Rotl,
  rotr: i32Rotr,
  clz: i32Clz,
  ctz: i32Ctz,
  popcnt: i32Popcnt,
  extend8_s: i32Extend8S,
  extend16_s: i32Extend16S,
  eqz: (x) => b(x === 0),
  eq: (x, y) => b(x === y),
  ne: (x, y) => b(x !== y),
  lt_s: (x, y) => b(x < y),
  lt_u: (x, y) => b(x >>> 0 < y >>> 0),
  gt_s: (x, y) => b(x > y),
  gt_u: (x, y) => b(x >>> 0 > y >>> 0),
  le_s: (x, y) => b(x <= y),
  le_u: (x, y) => b(x >>> 0 <= y >>> 0),
  ge_s: (x, y) => b(x >= y),
  ge_u: (x, y) => b(x >>> 0 >= y >>> 0),
};

Deno.test("i32: i32.wast and int_exprs.wast cases", () => {
  for (const [op, args, expected] of I32_WAST) {
    const f = OPS[op];
    assert.ok(f, `no function for ${op}`);
    const [x, y] = args as number[];
    const label = `${op}(${args.join(", ")})`;
    if (typeof expected === "string") {
      assertTrap(() => f(x, y), expected.slice(5), label);
    } else {
      // Object.is also rejects a -0 result: values must be normalised with `| 0`.
      assert.ok(Object.is(f(x, y), expected), `${label} = ${f(x, y)}, want ${expected}`);
    }
  }
});

Deno.test("i32: division edge cases", () => {
  const MIN = -0x80000000;
  const cases: [string, number, number, number | string][] = [
    ["div_s", MIN, -1, "integer overflow"],
    ["div_s", MIN, 1, MIN],
    ["div_s", MIN, 2, -0x40000000],
    ["div_s", -7, 2, -3],
    ["div_s", 7, -2, -3],
    ["div_s", 0x7fffffff, -1, -0x7fffffff],
    ["div_s", 1, 0, "integer divide by zero"],
    ["div_u", MIN, -1, 0],
    ["div_u", -1, 1, -1],
    ["div_u", -1, 2, 0x7fffffff],
    ["div_u", 1, 0, "integer divide by zero"],
    ["rem_s", MIN, -1, 0],
    ["rem_s", -7, 2, -1],
    ["rem_s", 7, -2, 1],
    ["rem_s", -4, 2, 0], // -0 in JS: must come out as 0
    ["rem_s", 0, 0, "integer divide by zero"],
    ["rem_u", MIN, -1, MIN],
    ["rem_u", -1, 10, 5],
    ["rem_u", 5, 0, "integer divide by zero"],
  ];
  for (const [op, x, y, want] of cases) {
    const label = `${op}(${x}, ${y})`;
    if (typeof want === "string") assertTrap(() => OPS[op](x, y), want, label);
    else assert.ok(Object.is(OPS[op](x, y), want), `${label} = ${OPS[op](x, y)}`);
  }
});

Deno.test("i32: bit counts, rotations and extensions", () => {
  assert.equal(i32Clz(0), 32);
  assert.equal(i32Ctz(0), 32);
  assert.equal(i32Ctz(-0x80000000), 31);
  assert.equal(i32Popcnt(0), 0);
  assert.equal(i32Popcnt(-1), 32);
  assert.equal(i32Popcnt(0x55555555), 16);
  const x = 0x12345678;
  for (
    const [k, left, right] of [
      [0, 0x12345678, 0x12345678],
      [4, 0x23456781, -0x7edcba99], // 0x81234567
      [31, 0x091a2b3c, 0x2468acf0],
      [32, 0x12345678, 0x12345678],
      [36, 0x23456781, -0x7edcba99],
      [-1, 0x091a2b3c, 0x2468acf0],
    ]
  ) {
    assert.equal(i32Rotl(x, k), left, `rotl ${k}`);
    assert.equal(i32Rotr(x, k), right, `rotr ${k}`);
  }
  assert.equal(i32Extend8S(0x80), -128);
  assert.equal(i32Extend8S(0x17f), 127);
  assert.equal(i32Extend16S(0x8000), -32768);
  assert.equal(i32Extend16S(-0x10001), -1);
});

Deno.test("i32: random cross-check against BigInt", () => {
  const r = rng(32);
  const pick = () => {
    const k = r() % 4;
    return k === 0 ? (r() % 17) - 8 : k === 1 ? r() >> (r() % 32) : r() | 0;
  };
  const big = (x: number) => BigInt(x);
  const ubig = (x: number) => BigInt(x >>> 0);
  for (let i = 0; i < 20000; i++) {
    const x = pick(), y = pick();
    const label = `(${x}, ${y})`;
    if (y !== 0) {
      if (!(x === -0x80000000 && y === -1)) {
        assert.equal(i32DivS(x, y), Number(BigInt.asIntN(32, big(x) / big(y))), `div_s${label}`);
      }
      assert.equal(i32RemS(x, y), Number(BigInt.asIntN(32, big(x) % big(y))), `rem_s${label}`);
      assert.equal(i32DivU(x, y), Number(BigInt.asIntN(32, ubig(x) / ubig(y))), `div_u${label}`);
      assert.equal(i32RemU(x, y), Number(BigInt.asIntN(32, ubig(x) % ubig(y))), `rem_u${label}`);
    }
    const k = y & 31;
    const rot = BigInt.asIntN(32, (ubig(x) << big(k)) | (ubig(x) >> big((32 - k) % 32)));
    assert.equal(i32Rotl(x, y), Number(rot), `rotl${label}`);
    assert.equal(i32Rotr(x, -y), Number(rot), `rotr${label}`);
    const bin = (x >>> 0).toString(2);
    assert.equal(i32Ctz(x), x === 0 ? 32 : bin.length - 1 - bin.lastIndexOf("1"), `ctz${label}`);
    assert.equal(i32Popcnt(x), bin.replaceAll("0", "").length, `popcnt${label}`);
  }
});
