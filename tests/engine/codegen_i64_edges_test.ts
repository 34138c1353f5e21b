/**
 * Every i64 operation the code generator spells on word halves (`src/engine/codegen_i64.ts`),
 * run end to end on both tiers (`eachTier`) against BigInt on edge values: 0, ±1, ±2^31,
 * 2^32 ± 1, 2^53 ± 1, -2^53 ± 1, 2^63 (the most negative), 2^63 - 1, and hash constants; shift
 * and rotation counts 0, 1, 31, 32, 33, 63, 64, 65, 127 and -1; division by 0 and by -1, and
 * the most negative by -1 (a trap for `div_s`, 0 for `rem_s`). Each operation is called with
 * both operands from parameters, with either one a constant (the rows' immediate forms), and
 * inside a loop that runs it twice (locals kept in JS locals, the loop's first iteration and a
 * later one: see `coldLoops` in codegen.ts); so are the fused shapes the translator makes of
 * shifts, rotations and xors.
 */

import assert from "node:assert/strict";
import { Trap, TrapCode } from "../../mod.ts";
import { eachTier, type TestInstance } from "./harness.ts";

const M = (1n << 64n) - 1n;
const s64 = (x: bigint) => BigInt.asIntN(64, x);
const u64 = (x: bigint) => BigInt.asUintN(64, x);

const EDGES: bigint[] = [
  0n,
  1n,
  -1n,
  2n,
  (1n << 31n) - 1n,
  1n << 31n,
  -(1n << 31n),
  (1n << 32n) - 1n,
  1n << 32n,
  (1n << 32n) + 1n,
  (1n << 53n) - 1n,
  1n << 53n,
  (1n << 53n) + 1n,
  -(1n << 53n) - 1n,
  -(1n << 53n) + 1n,
  -(1n << 63n),
  (1n << 63n) - 1n,
  s64(0x9e3779b97f4a7c15n),
  s64(0xbf58476d1ce4e5b9n),
  0x12345n,
];
const COUNTS: bigint[] = [0n, 1n, 31n, 32n, 33n, 63n, 64n, 65n, 127n, -1n];

/** A binary operation: its Wasm name and its value (or trap) on signed 64-bit operands. */
type Binary = readonly [string, (a: bigint, b: bigint) => bigint | TrapCode];

const divS = (a: bigint, b: bigint) =>
  b === 0n
    ? TrapCode.IntegerDivisionByZero
    : a === -(1n << 63n) && b === -1n
    ? TrapCode.IntegerOverflow
    : s64(a / b);
const remS = (a: bigint, b: bigint) => b === 0n ? TrapCode.IntegerDivisionByZero : s64(a % b);
const divU = (a: bigint, b: bigint) =>
  b === 0n ? TrapCode.IntegerDivisionByZero : s64(u64(a) / u64(b));
const remU = (a: bigint, b: bigint) =>
  b === 0n ? TrapCode.IntegerDivisionByZero : s64(u64(a) % u64(b));
const rotl = (a: bigint, k: bigint) => {
  const n = k & 63n;
  return s64((u64(a) << n) | (u64(a) >> ((64n - n) & 63n)));
};

const ARITHMETIC: Binary[] = [
  ["add", (a, b) => s64(a + b)],
  ["sub", (a, b) => s64(a - b)],
  ["mul", (a, b) => s64(a * b)],
  ["div_s", divS],
  ["div_u", divU],
  ["rem_s", remS],
  ["rem_u", remU],
  ["and", (a, b) => a & b],
  ["or", (a, b) => a | b],
  ["xor", (a, b) => a ^ b],
];
const SHIFTS: Binary[] = [
  ["shl", (a, k) => s64(a << (k & 63n))],
  ["shr_s", (a, k) => a >> (k & 63n)],
  ["shr_u", (a, k) => s64(u64(a) >> (k & 63n))],
  ["rotl", rotl],
  ["rotr", (a, k) => rotl(a, -k)],
];
/** Compares: their i32 result as a bigint 0 or 1. */
const COMPARES: Binary[] = [
  ["eq", (a, b) => BigInt(a === b)],
  ["ne", (a, b) => BigInt(a !== b)],
  ["lt_s", (a, b) => BigInt(a < b)],
  ["lt_u", (a, b) => BigInt(u64(a) < u64(b))],
  ["gt_s", (a, b) => BigInt(a > b)],
  ["gt_u", (a, b) => BigInt(u64(a) > u64(b))],
  ["le_s", (a, b) => BigInt(a <= b)],
  ["le_u", (a, b) => BigInt(u64(a) <= u64(b))],
  ["ge_s", (a, b) => BigInt(a >= b)],
  ["ge_u", (a, b) => BigInt(u64(a) >= u64(b))],
];
/** Shapes the translator fuses (xor of a shift, difference of a shift, rotation of a xor...). */
const FUSED: Binary[] = [
  ["xor_shr_u", (a, b) => a ^ s64(u64(b) >> 29n)],
  ["xor_rotl", (a, b) => a ^ rotl(b, 41n)],
  ["sub_shl", (a, b) => s64(a - (b << 3n))],
  ["rotl_xor", (a, b) => rotl(a ^ b, 23n)],
  ["mul_xor_shr", (a, b) => s64((b ^ s64(u64(b) >> 30n)) * 0xbf58476d1ce4e5b9n) ^ a],
];
/** The WAT of the fused shapes on `$x`, `$y` (`x` and `y` are any operand expressions). */
const FUSED_WAT: Record<string, (x: string, y: string) => string> = {
  xor_shr_u: (x, y) => `(i64.xor ${x} (i64.shr_u ${y} (i64.const 29)))`,
  xor_rotl: (x, y) => `(i64.xor ${x} (i64.rotl ${y} (i64.const 41)))`,
  sub_shl: (x, y) => `(i64.sub ${x} (i64.shl ${y} (i64.const 3)))`,
  rotl_xor: (x, y) => `(i64.rotl (i64.xor ${x} ${y}) (i64.const 23))`,
  mul_xor_shr: (x, y) =>
    `(i64.xor (i64.mul (i64.xor ${y} (i64.shr_u ${y} (i64.const 30))) (i64.const ${
      s64(0xbf58476d1ce4e5b9n)
    })) ${x})`,
};

const expr = (name: string, x: string, y: string) =>
  FUSED_WAT[name]?.(x, y) ?? `(i64.${name} ${x} ${y})`;
const resultType = (name: string) => COMPARES.some(([n]) => n === name) ? "i32" : "i64";

/**
 * A function computing `name` on `x` and `y` (with `$a`, `$b` its i64 parameters), plain or in
 * a loop that runs twice and keeps the last result in a local.
 */
function func(export_: string, name: string, x: string, y: string, loop: boolean): string {
  const t = resultType(name);
  const body = expr(name, x, y);
  if (!loop) {
    return `(func (export "${export_}") (param $a i64) (param $b i64) (result ${t}) ${body})`;
  }
  return `(func (export "${export_}") (param $a i64) (param $b i64) (result ${t})
    (local $r ${t}) (local $n i32)
    (local.set $n (i32.const 2))
    (loop $l
      (local.set $r ${body})
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $r))`;
}

/** The outcome of `f(a, b)`: its value as a bigint, or the trap's code. */
function outcome(t: TestInstance, f: string, a: bigint, b: bigint): bigint | TrapCode {
  try {
    const r = t.call(f, a, b);
    return typeof r === "number" ? BigInt(r) : r as bigint;
  } catch (e) {
    if (e instanceof Trap) return e.code;
    throw e;
  }
}

/**
 * Checks each of `ops` on every pair of `lefts` × `rights`: both operands parameters, plain and
 * in a loop, and the right one (then the left one) a constant, plain and in a loop.
 */
function checkAll(ops: Binary[], lefts: bigint[], rights: bigint[]) {
  const variable = ops.flatMap(([name]) => [
    func(`${name}`, name, "(local.get $a)", "(local.get $b)", false),
    func(`${name}~loop`, name, "(local.get $a)", "(local.get $b)", true),
  ]);
  eachTier(`(module ${variable.join("\n")})`, (t) => {
    for (const [name, want] of ops) {
      for (const a of lefts) {
        for (const b of rights) {
          for (const f of [name, `${name}~loop`]) {
            assert.equal(outcome(t, f, a, b), want(a, b), `${f}(${a}, ${b})`);
          }
        }
      }
    }
  });
  // One module per constant: the constant as the right operand, then as the left one.
  for (const c of new Set([...rights, ...lefts])) {
    const k = `(i64.const ${c})`;
    const constant = ops.flatMap(([name]) => [
      ...(rights.includes(c)
        ? [
          func(`${name}~r`, name, "(local.get $a)", k, false),
          func(`${name}~r~loop`, name, "(local.get $a)", k, true),
        ]
        : []),
      ...(lefts.includes(c)
        ? [
          func(`${name}~l`, name, k, "(local.get $b)", false),
          func(`${name}~l~loop`, name, k, "(local.get $b)", true),
        ]
        : []),
    ]);
    eachTier(`(module ${constant.join("\n")})`, (t) => {
      for (const [name, want] of ops) {
        if (rights.includes(c)) {
          for (const a of lefts) {
            for (const f of [`${name}~r`, `${name}~r~loop`]) {
              assert.equal(outcome(t, f, a, 0n), want(a, c), `${f}(${a}, const ${c})`);
            }
          }
        }
        if (lefts.includes(c)) {
          for (const b of rights) {
            for (const f of [`${name}~l`, `${name}~l~loop`]) {
              assert.equal(outcome(t, f, 0n, b), want(c, b), `${f}(const ${c}, ${b})`);
            }
          }
        }
      }
    });
  }
}

Deno.test("codegen i64 edges: arithmetic, divisions and bitwise operations on edge values, both tiers", () => {
  checkAll(ARITHMETIC, EDGES, EDGES);
  assert.equal(divS(-(1n << 63n), -1n), TrapCode.IntegerOverflow);
  assert.equal(remS(-(1n << 63n), -1n), 0n);
});

Deno.test("codegen i64 edges: shifts and rotations by 0, 32, 63, 64 and more, both tiers", () => {
  checkAll(SHIFTS, EDGES, COUNTS);
  // A rotation by 64 + k is one by k; by -1 one by 63.
  assert.equal(rotl(1n, 65n), 2n);
  assert.equal(rotl(1n, -1n), -(1n << 63n));
});

Deno.test("codegen i64 edges: compares on edge values, both tiers", () => {
  checkAll(COMPARES, EDGES, EDGES);
});

Deno.test("codegen i64 edges: fused shift, rotation and product shapes on edge values, both tiers", () => {
  checkAll(FUSED, EDGES, EDGES);
  assert.equal(u64(FUSED[0]![1](0n, -1n) as bigint), M >> 29n);
});
