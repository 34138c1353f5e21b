/**
 * The i64 arithmetic the code generator spells on word halves (`src/engine/codegen_i64.ts`):
 * each rewritten helper call gives the helper's own result, bit for bit, on edge and random
 * operands, with the destination aliasing an operand or not.
 */

import assert from "node:assert/strict";
import * as num from "../../src/core/num/mod.ts";
import * as words from "../../src/engine/codegen_i64.ts";
import { Trap } from "../../mod.ts";
import { generateSource } from "../../src/engine/codegen.ts";
import { leanSource } from "../../src/engine/codegen_lean.ts";
import { eachTier, instantiate } from "./harness.ts";

/** The two int32 words of a 64-bit value, low first. */
const halves = (x: bigint) => [Number(BigInt.asIntN(32, x)), Number(BigInt.asIntN(32, x >> 32n))];
/** The unsigned 64-bit value of two int32 words. */
const value = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
const M32 = (1n << 32n) - 1n, M = (1n << 64n) - 1n;
/** The inverse of odd `b` mod 2^32 (Newton's iteration doubles the correct bits). */
const inverse = (b: bigint) => {
  let x = b;
  for (let i = 0; i < 5; i++) x = (x * (2n - b * x)) & M32;
  return x;
};

const EDGES = [0, 1, -1, 2, 31, 32, 33, 63, 64, 0x7fffffff, -0x80000000, 0x12345678, -0x2468ace];

/** Operand pairs: every pair of edge halves, and random ones. */
function operands(): [number, number][] {
  const out: [number, number][] = [];
  for (const lo of EDGES) for (const hi of EDGES) out.push([lo, hi]);
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
  for (let i = 0; i < 60; i++) out.push([next(), next() >> (next() & 31)]);
  // Divisors below 2^32 (a fast path of their own), dividends of every size.
  for (let i = 0; i < 40; i++) out.push([next() >>> (next() & 31), i % 3 === 0 ? next() : 0]);
  return out;
}

// `$lean_*`: what `leanSource` binds for the lean spelling's cold paths (see codegen_i64.ts).
const RT: Record<string, unknown> = {
  ...num,
  ...words,
  $lean_mulhi: words.mulHighU32,
  $lean_divide: words.divideWords,
  $lean_divided: words.DIVIDED,
};

/**
 * The lowered spelling of `call` (which names slots 0, 4 and 8) as a function of the stack, run
 * with `$warm` (0 in a loop's first iteration, else -4096: see `coldLoops` in codegen.ts) as
 * given (`cold`); with
 * `lean`, in the lean spelling (`leanI64`).
 */
function lowered(call: string, cold = false, lean = false): (s32: Int32Array) => unknown {
  const jit = words.lowerI64(call);
  const js = lean ? words.leanI64(jit) : jit;
  assert.notEqual(js, call, `${call} is lowered`);
  assert.doesNotMatch(
    js,
    /\bi64(Add|Sub|Mul|And|Or|Xor|Sh|Rot|Eq|Ne|Lt|Gt|Le|Ge|Ext|Clz|Ctz|Popcnt|Sigma)\w*\(/,
  );
  const names = Object.keys(RT);
  const f = new Function(
    ...names,
    "s32",
    "fp",
    "$warm",
    `"use strict"; return ${call.endsWith(";") ? `(() => { ${js} })()` : js};`,
  );
  return (s32) => f(...names.map((n) => RT[n]), s32, 0, cold ? 0 : -4096);
}

/** Runs `name` both ways on every operand pair (a in slot 4, b in slot 8) and compares. */
function check(
  name: string,
  shape: "dab" | "dai" | "dak" | "dabk" | "da" | "dx" | "ab" | "ai" | "a",
) {
  const helper = RT[name] as (...args: unknown[]) => unknown;
  const ops = operands();
  for (const dest of [0, 4]) {
    for (let i = 0; i < ops.length; i++) {
      const [al, ah] = ops[i]!;
      const [bl, bh] = ops[(i * 7 + 3) % ops.length]!;
      const a = "(fp + 4)", b = "(fp + 8)", d = `(fp + ${dest})`;
      const args = {
        dab: [d, a, b],
        dai: [d, a, `${bl}`, `${bh}`],
        dak: [d, a, `${bl}`],
        dabk: [d, a, b, `${bl}`],
        da: [d, a],
        dx: [d, `s32[${a}]`],
        ab: [a, b],
        ai: [a, `${bl}`, `${bh}`],
        a: [a],
      }[shape];
      const statement = shape.startsWith("d");
      const call = `${name}(s32, ${args.join(", ")})${statement ? ";" : ""}`;
      const expected = Int32Array.of(0, 0, 0, 0, al, ah, 0, 0, bl, bh, 0, 0);
      const numeric = args.map((x) => x.startsWith("(fp") ? Number(x.slice(6, -1)) : x);
      const values = numeric.map((x) =>
        typeof x === "string" ? (x.startsWith("s32") ? expected[4] : Number(x)) : x
      );
      let want: unknown, got: unknown;
      try {
        want = helper(expected, ...values);
      } catch (e) {
        want = e instanceof Trap ? e.code : e;
      }
      for (const lean of [false, true]) {
        const actual = Int32Array.of(0, 0, 0, 0, al, ah, 0, 0, bl, bh, 0, 0);
        try {
          got = lowered(call, false, lean)(actual);
        } catch (e) {
          got = e instanceof Trap ? e.code : e;
        }
        const what = `${call}${lean ? " (lean)" : ""} on ${[al, ah, bl, bh]}`;
        if (statement) assert.deepEqual([...actual], [...expected], what);
        else assert.equal(got, want, what);
      }
    }
  }
}

Deno.test("codegen i64: binary operations and their immediate forms equal the helpers", () => {
  for (const op of ["Add", "Sub", "Mul", "And", "Or", "Xor"]) {
    check(`i64${op}`, "dab");
    check(`i64${op}Imm`, "dai");
  }
  for (const op of ["DivS", "DivU", "RemS", "RemU"]) check(`i64${op}`, "dab");
});

Deno.test("codegen i64: shifts and rotations by a slot and by a constant equal the helpers", () => {
  for (const op of ["Shl", "ShrS", "ShrU", "Rotl", "Rotr"]) {
    check(`i64${op}`, "dab");
    check(`i64${op}Imm`, "dak");
  }
  // Fused with an xor: `a ^ (b >>> k)`, `a ^ rotl(b, k)`.
  check("i64XorShrUImm", "dabk");
  check("i64XorRotlImm", "dabk");
});

Deno.test("codegen i64: rotations by a slot are exact for every count (against BigInt)", () => {
  // The words' rotations and the mask have no branch: every count mod 64, and counts beyond.
  const rotl = lowered("i64Rotl(s32, (fp + 0), (fp + 4), (fp + 8));");
  const rotr = lowered("i64Rotr(s32, (fp + 0), (fp + 4), (fp + 8));");
  const s32 = new Int32Array(12);
  const values = [0n, 1n, M, 1n << 63n, 0x0123456789abcdefn, 0xfedcba9876543210n, 0xffffffffn];
  const counts = [...Array(130).keys(), -1, -31, -32, -33, -64, 0x7fffffff, -0x80000000];
  for (const x of values) {
    for (const k of counts) {
      const r = BigInt(k & 63);
      const want = [
        ((x << r) | (x >> ((64n - r) & 63n))) & M,
        ((x >> r) | (x << ((64n - r) & 63n))) & M,
      ];
      for (
        const [f, expected, what] of [[rotl, want[0], "rotl"], [rotr, want[1], "rotr"]] as const
      ) {
        s32.set([0, 0, 0, 0, ...halves(x), 0, 0, k, k >> 31, 0, 0]);
        f(s32);
        assert.equal(value(s32[0]!, s32[1]!), expected, `${what}(${x}, ${k})`);
      }
    }
  }
});

Deno.test("codegen i64: the SHA-2 sigma row equals its helper, results aliasing the operand", () => {
  // y in slot 4 (words 4, 5); d and t at every combination of slots 0, 4 and 8, so the results
  // overwrite the operand, each other, or neither.
  const COUNTS = [0, 1, 7, 19, 31, 32, 33, 39, 61, 63];
  const ops = operands();
  const placements = [[0, 8], [0, 0], [4, 4], [4, 8], [8, 4], [0, 4], [4, 0]];
  let cases = 0;
  for (const [dest, temp] of placements) {
    for (let i = 0; i < ops.length; i++) {
      const [yl, yh] = ops[i]!;
      const k = (j: number) => COUNTS[(i * 3 + j * 5 + dest) % COUNTS.length]!;
      for (const shr of [0, 1]) {
        const [k1, k2, k3] = [k(0), k(1), k(2)];
        const call =
          `i64Sigma(s32, (fp + ${dest}), (fp + ${temp}), (fp + 4), ${k1}, ${k2}, ${k3}, ${shr});`;
        const expected = Int32Array.of(-7, 9, 0, 0, yl, yh, 0, 0, 3, -5, 0, 0);
        const actual = expected.slice();
        num.i64Sigma(expected, dest, temp, 4, k1, k2, k3, shr);
        lowered(call)(actual);
        assert.deepEqual([...actual], [...expected], `${call} on ${[yl, yh]}`);
        cases++;
      }
    }
  }
  assert.ok(cases > 2000);
  // Counts that are not constants are left to the helper.
  const named = "i64Sigma(s32, (fp + 0), (fp + 0), (fp + 4), k, 56, 7, 1);";
  assert.equal(words.lowerI64(named), named);
});

Deno.test("codegen i64: compares, tests, extensions and bit counts equal the helpers", () => {
  for (const op of ["Eq", "Ne", "LtS", "LtU", "GtS", "GtU", "LeS", "LeU", "GeS", "GeU"]) {
    check(`i64${op}`, "ab");
    check(`i64${op}Imm`, "ai");
  }
  check("i64Eqz", "a");
  for (const op of ["Extend8S", "Extend16S", "Extend32S", "Clz", "Ctz", "Popcnt"]) {
    check(`i64${op}`, "da");
  }
  check("i64ExtendI32S", "dx");
  check("i64ExtendI32U", "dx");
});

Deno.test("codegen i64: a compare tested with `!== 0` becomes a condition of the same truth", () => {
  const ops = operands();
  const s32 = new Int32Array(12);
  for (const op of ["Eq", "Ne", "LtS", "LtU", "GtS", "GtU", "LeS", "LeU", "GeS", "GeU", "Eqz"]) {
    const name = `i64${op}`;
    const helper = RT[name] as (s: Int32Array, a: number, b: number) => number;
    const call = `${name}(s32, (fp + 4)${op === "Eqz" ? "" : ", (fp + 8)"})`;
    const js = words.lowerI64(`if (${call} !== 0) {`);
    assert.doesNotMatch(js, /\+\(/, js);
    const branch = lowered(`${call} !== 0`);
    for (let i = 0; i < ops.length; i++) {
      s32.set([0, 0, 0, 0, ...ops[i]!, 0, 0, ...ops[(i * 5 + 1) % ops.length]!, 0, 0]);
      assert.equal(branch(s32), helper(s32, 4, 8) !== 0, `${call} on ${s32}`);
    }
  }
  // Where an operator binding tighter than `!==` touches the call, the test stays a number's.
  for (
    const js of [
      "x + i64Eq(s32, (fp + 4), (fp + 8)) !== 0",
      "i64Eq(s32, (fp + 4), (fp + 8)) !== 0 + x",
    ]
  ) {
    assert.match(words.lowerI64(js), /\(\+\(.*\)\) !== 0/);
  }
});

Deno.test("codegen i64: calls it cannot read, and other helpers, are left as they are", () => {
  for (
    const call of [
      "i64Add(s32, d, (fp + 4), (fp + 8));", // a name, not a slot
      "i64Add(s32, (fp + 0), (fp + 4), (fp + 8))", // not a whole statement
      "i64MulWideS(s32, (fp + 0), (fp + 8), (fp + 4), (fp + 12));", // not spelled on words
      "i64TruncF64S(s32, (fp + 0), f64[x >> 1]);", // a float not read from a slot
    ]
  ) assert.equal(words.lowerI64(call), call);
});

Deno.test("codegen i64: unsigned division by a divisor below 2^32 is exact (against BigInt)", () => {
  const spelled = (call: string) => [lowered(call), lowered(call, false, true)];
  const [div, divLean] = spelled("i64DivU(s32, (fp + 0), (fp + 4), (fp + 8));");
  const [rem, remLean] = spelled("i64RemU(s32, (fp + 0), (fp + 4), (fp + 8));");
  const s32 = new Int32Array(12);
  let seed = 987654321;
  const next = () => BigInt((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0);
  const divisors = [1n, 2n, 3n, 7n, 0xffffn, 0x10000n, 0x10001n, 0x7fffffffn, 0x80000000n];
  divisors.push(0xfffffffen, 0xffffffffn, 0xfffefffdn);
  // Either side of 2^30, where the remainder's correction leaves int32 arithmetic for doubles.
  divisors.push(0x3fffffffn, 0x40000000n, 0x40000001n, 0x3ffffffbn, 0x40000003n);
  // Either side of 2^21, the last divisor whose quotients are exact float divisions.
  divisors.push(0x1fffffn, 0x200000n, 0x200001n, 0x1ffffdn, 0x200003n);
  // Either side of 2^13, the least divisor whose quotient is estimated at once (`oneEstimate`).
  divisors.push(0x1fffn, 0x2000n, 0x2001n, 0x1ffdn, 0x2003n, 0x2aabn);
  for (let i = 0; i < 300; i++) divisors.push((next() >> (next() & 31n)) || 1n);
  for (const b of divisors) {
    // Dividends at and beside multiples of b (where a quotient estimate is off by one), edges
    // and random ones.
    const dividends = [0n, 1n, b - 1n, b, M, M - 1n, 1n << 63n, (1n << 63n) - 1n];
    for (let k = 0; k < 40; k++) {
      const q = ((next() << 32n) | next()) & M;
      const base = (M / b >> (next() & 63n)) * b;
      dividends.push(q, base, (base - 1n) & M, (base + 1n) & M, (base + b - 1n) & M);
      dividends.push(((M / b - BigInt(k)) * b) & M);
      // A high word at and beside a multiple of b (where the high quotient's estimate is off).
      const high = (next() % (0xffffffffn / b + 1n)) * b;
      for (const h of [high, high - 1n, high + 1n, high + b - 1n]) {
        if (h >= 0n && h <= 0xffffffffn) dividends.push((h << 32n) | next());
      }
    }
    for (const a of dividends) {
      for (
        const [f, want] of [[div, a / b], [rem, a % b], [divLean, a / b], [remLean, a % b]] as const
      ) {
        s32.set([0, 0, 0, 0, ...halves(a), 0, 0, ...halves(b), 0, 0]);
        f(s32);
        assert.equal(value(s32[0]!, s32[1]!), want, `${a} / ${b}`);
      }
    }
  }
});

Deno.test("codegen i64: signed division by a divisor that fits in an i32 is exact (against BigInt)", () => {
  const spelled = (call: string) => [lowered(call), lowered(call, false, true)];
  const [div, divLean] = spelled("i64DivS(s32, (fp + 0), (fp + 4), (fp + 8));");
  const [rem, remLean] = spelled("i64RemS(s32, (fp + 0), (fp + 4), (fp + 8));");
  const s32 = new Int32Array(12);
  const value = (lo: number, hi: number) =>
    BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
  let seed = 24681357;
  const next = () => BigInt((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0);
  const [MIN, MAX] = [-(1n << 63n), (1n << 63n) - 1n];
  const divisors = [1n, 2n, 3n, -2n, -3n, 7n, -7n, 0x7fffffffn, -0x80000000n, -0x7fffffffn, 65536n];
  divisors.push(0x3fffffffn, 0x40000000n, 0x40000001n, -0x3fffffffn, -0x40000000n, -0x40000001n);
  divisors.push(0x1fffffn, 0x200000n, 0x200001n, -0x1fffffn, -0x200000n, -0x200001n);
  for (let i = 0; i < 200; i++) {
    const b = BigInt.asIntN(32, next() >> (next() & 31n));
    if (b !== 0n && b !== -1n) divisors.push(b);
  }
  for (const b of divisors) {
    const dividends = [0n, 1n, -1n, MIN, MAX, MIN + 1n, b, -b, b - 1n, 1n - b];
    for (let k = 0; k < 30; k++) {
      dividends.push(BigInt.asIntN(64, (next() << 32n) | next()));
      const q = BigInt.asIntN(64, (next() << 32n) | next()) / (b < 0n ? -b : b);
      dividends.push(q * b, q * b + 1n, q * b - 1n);
    }
    for (const a of dividends.filter((x) => x >= MIN && x <= MAX)) {
      for (
        const [f, want] of [[div, a / b], [rem, a % b], [divLean, a / b], [remLean, a % b]] as const
      ) {
        s32.set([0, 0, 0, 0, ...halves(a), 0, 0, ...halves(b), 0, 0]);
        f(s32);
        assert.equal(value(s32[0]!, s32[1]!), BigInt.asIntN(64, want), `${a} / ${b}`);
      }
    }
  }
});

Deno.test("codegen i64: multiplication by a slot and by a constant is exact (against BigInt)", () => {
  const s32 = new Int32Array(12);
  let seed = 13579;
  const next = () => BigInt((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0);
  const edges = [0n, 1n, 2n, 3n, M, M - 1n, 1n << 31n, (1n << 31n) - 1n, (1n << 32n) - 1n];
  edges.push(1n << 32n, (1n << 32n) + 1n, 1n << 63n, (1n << 63n) - 1n, 0xffffn, 0x10000n);
  edges.push(0xffff0000n, 0xffffffff0000ffffn, 0x9e3779b185ebca87n, 0xc2b2ae3d27d4eb4fn);
  const values = [...edges];
  for (let i = 0; i < 40; i++) values.push(((next() << 32n) | next()) & M);
  const slot = lowered("i64Mul(s32, (fp + 0), (fp + 4), (fp + 8));");
  let cases = 0;
  for (const b of values) {
    const [bl, bh] = halves(b);
    const imm = lowered(`i64MulImm(s32, (fp + 0), (fp + 4), ${bl}, ${bh});`);
    // In a loop's first iteration, the high word from the limbs.
    const cold = lowered(`i64MulImm(s32, (fp + 0), (fp + 4), ${bl}, ${bh});`, true);
    // The immediate's own words, aliasing: `d` is the operand's slot.
    const inPlace = lowered(`i64MulImm(s32, (fp + 4), (fp + 4), ${bl}, ${bh});`);
    const lean = lowered(`i64MulImm(s32, (fp + 0), (fp + 4), ${bl}, ${bh});`, false, true);
    for (const a of values) {
      const want = (a * b) & M;
      for (const [f, d] of [[slot, 0], [imm, 0], [cold, 0], [inPlace, 4], [lean, 0]] as const) {
        s32.set([0, 0, 0, 0, ...halves(a), 0, 0, ...halves(b), 0, 0]);
        f(s32);
        assert.equal(value(s32[d]!, s32[d + 1]!), want, `${a} * ${b}`);
        cases++;
      }
      // The interpreter's helper, the same product.
      s32.set([0, 0, 0, 0, ...halves(a), 0, 0, ...halves(b), 0, 0]);
      num.i64Mul(s32, 0, 4, 8);
      assert.equal(value(s32[0]!, s32[1]!), want, `helper ${a} * ${b}`);
    }
  }
  assert.ok(cases > 10000);
});

Deno.test("codegen i64: multiplication by a constant is exact where the double product's truncation is not", () => {
  // The constant spelling truncates the rounded double product, off by one where the low word
  // lies within 2^11 of a multiple of 2^32: operands made to land there (al = t·bl^-1 mod 2^32
  // for odd bl, so al·bl mod 2^32 = t), with products far above 2^53.
  const s32 = new Int32Array(12);
  let seed = 424242;
  const next = () => BigInt((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0);
  const constants = [0x85ebca87n, 0x27d4eb4fn, 0xffffffffn, 0x80000001n, 3n, 0x1ce4e5b9n];
  for (let i = 0; i < 20; i++) constants.push(next() | 1n);
  const lows = [0n, 1n, 2n, 1023n, 1024n, 2047n, 2048n, 2049n, 4095n];
  for (const t of [...lows]) lows.push((-t) & M32, (-t - 1n) & M32);
  let cases = 0, near = 0;
  for (const bl of constants) {
    const b = (next() << 32n) | bl;
    const [cl, ch] = halves(b);
    const call = `i64MulImm(s32, (fp + 0), (fp + 4), ${cl}, ${ch});`;
    for (const f of [lowered(call), lowered(call, true), lowered(call, false, true)]) {
      for (const t of lows) {
        const al = (t * inverse(bl)) & M32;
        const a = (next() << 32n) | al;
        const want = (a * b) & M;
        s32.set([0, 0, 0, 0, ...halves(a), 0, 0, 0, 0, 0, 0]);
        f(s32);
        assert.equal(value(s32[0]!, s32[1]!), want, `${a} * ${b}`);
        if (al * bl >= 2n ** 53n) near++;
        cases++;
      }
    }
  }
  assert.ok(cases > 800 && near > 600);
});

Deno.test("codegen i64: float truncations and conversions equal the helpers (traps too)", () => {
  const T63 = 2 ** 63, T64 = 2 ** 64;
  const floats = [0, -0, 0.5, -0.5, 0.999, -0.999, 1, -1, -1.5, 2 ** 31, -(2 ** 31), 2 ** 32];
  floats.push(2 ** 32 - 0.5, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), T63, -T63, T63 - 1024, -T63 - 2048);
  floats.push(T64, T64 - 2048, 1e300, -1e300, Infinity, -Infinity, NaN, 123456789.75);
  floats.push(-987654321987.25, 2 ** 40 + 0.5, Math.fround(2 ** 63), Math.fround(1.1e19));
  let seed = 777;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
  for (let i = 0; i < 200; i++) {
    floats.push(next() * 2 ** (next() & 31) + (next() & 0xffff) / 65536);
  }
  const outcome = (f: () => void) => {
    try {
      f();
      return "ok";
    } catch (e) {
      return e instanceof Trap ? e.code : e;
    }
  };
  for (const from of ["F32", "F64"]) {
    for (const sat of ["", "Sat"]) {
      for (const sign of ["S", "U"]) {
        const name = `i64Trunc${sat}${from}${sign}`;
        const helper = RT[name] as (s: Int32Array, d: number, x: number) => void;
        const x = from === "F64" ? "f64[(fp + 4) >> 1]" : "f32[(fp + 4)]";
        const js = words.lowerI64(`${name}(s32, (fp + 0), ${x});`);
        assert.doesNotMatch(js, new RegExp(`${name}\\(s32`), js);
        const names = Object.keys(RT);
        const f = new Function(...names, "s32", "f32", "f64", "fp", `"use strict"; ${js}`);
        for (const v of floats) {
          const expected = new Int32Array(8), actual = new Int32Array(8);
          const value = from === "F32" ? Math.fround(v) : v;
          for (const s of [expected, actual]) {
            if (from === "F32") new Float32Array(s.buffer)[4] = value;
            else new Float64Array(s.buffer)[2] = value;
          }
          const want = outcome(() => helper(expected, 0, value));
          const got = outcome(() =>
            f(
              ...names.map((n) => RT[n]),
              actual,
              new Float32Array(actual.buffer),
              new Float64Array(actual.buffer),
              0,
            )
          );
          assert.equal(got, want, `${name}(${value})`);
          assert.deepEqual([...actual], [...expected], `${name}(${value})`);
        }
      }
    }
  }
  const values = [0, 1, -1, 0x7fffffff, -0x80000000, 0x12345678, 0x200000, -0x200000, 0x1fffff];
  for (let i = 0; i < 60; i++) values.push(next());
  for (const name of ["f64ConvertI64S", "f64ConvertI64U", "f32ConvertI64S", "f32ConvertI64U"]) {
    const helper = RT[name] as (s: Int32Array, a: number) => number;
    const f = lowered(`${name}(s32, (fp + 4))`);
    for (const lo of values) {
      for (const hi of values) {
        const s32 = Int32Array.of(0, 0, 0, 0, lo, hi, 0, 0);
        assert.ok(Object.is(f(s32), helper(s32, 4)), `${name}(${[lo, hi]})`);
      }
    }
  }
});

Deno.test("codegen i64: a loop's first iteration takes the product's exact path (`$warm`), with the same results", () => {
  // x = x * C + 1, n times: the product by a constant in a loop, whose exact high word runs
  // while `$warm` is 0 (zeroed before the loop, set to the test's mask at its back edge).
  const C = 0x9e3779b185ebca87n, M = (1n << 64n) - 1n;
  const text = `(module (func (export "run") (param $n i32) (param $x i64) (result i64)
    (loop $l
      (local.set $x (i64.add (i64.mul (local.get $x) (i64.const ${C})) (i64.const 1)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $x)))`;
  const t = instantiate(text);
  const { source } = generateSource(t.engine.compile(t.entity("run")).code, {
    numResults: 1,
    structured: true,
  }) as {
    source: string;
  };
  assert.match(source, /let \$warm = 0;/);
  assert.match(source, /\$warm = 0;\nL\d+: for \(;;\) \{/);
  assert.match(source, /\$warm = -4096;\ncontinue L\d+;/);
  assert.match(source, /if \(\(\(\$lo \+ 2048\) & \$warm\) === 0\) \{/);
  // Without loops (the dispatch switch), it is constantly the mask.
  const dispatch = generateSource(t.engine.compile(t.entity("run")).code, { numResults: 1 });
  assert.ok("source" in dispatch && /const \$warm = -4096;/.test(dispatch.source));
  for (const [n, x0] of [[1, 0n], [2, 1n], [1000, 0x123456789abcdefn], [77, M]] as const) {
    let x = x0;
    for (let i = 0; i < n; i++) x = (x * C + 1n) & M;
    eachTier(
      text,
      (each) => assert.equal(each.call("run", n, BigInt.asIntN(64, x0)), BigInt.asIntN(64, x)),
    );
  }
});

Deno.test("codegen i64: the lean spelling flips sign bits for carries and drops `$warm`", () => {
  const add = words.leanI64(words.lowerI64("i64Add(s32, (fp + 0), (fp + 4), (fp + 8));"));
  assert.match(add, /\(\(\$sl \^ -2147483648\) < \(\$al \^ -2147483648\) \? 1 : 0\)/);
  assert.doesNotMatch(add, />>> 0/);
  const mul = words.leanI64(words.lowerI64("i64MulImm(s32, (fp + 0), (fp + 4), 7, 9);"));
  assert.doesNotMatch(mul, /\$warm/);
  // A loop's `$warm` (see `coldLoops` in codegen.ts) goes with its last reader, not before.
  const loop = (test: string) =>
    `let $warm = 0;\n$warm = 0;\nL5: for (;;) {\nif (${test}) {\n{\n$warm = -4096;\ncontinue L5;\n}\n}\nbreak L5;\n}`;
  assert.equal(
    words.leanI64(loop("(($lo + 2048) & $warm) === 0")),
    "L5: for (;;) {\nif ((($lo + 2048) & -4096) === 0) {\ncontinue L5;\n}\nbreak L5;\n}",
  );
  assert.equal(words.leanI64(loop("(x & $warm) === 0")), loop("(x & $warm) === 0"));
  // The masked test is the wrapped sum's `< 4096` on every low word near a multiple of 2^32
  // and beyond, and always true with the first iteration's mask 0.
  for (let lo = -6000; lo <= 6000; lo++) {
    for (const x of [lo | 0, (lo + 0x7ffff800) | 0, (lo ^ 0x40000000) | 0]) {
      assert.equal(((x + 2048) & -4096) === 0, ((x + 2048) >>> 0) < 4096, `${x}`);
      assert.ok(((x + 2048) & 0) === 0);
    }
  }
});

Deno.test("codegen i64: a loop's divisions and products in the lean spelling, with the same results", () => {
  // x = (x * C + 1) / (i | 1) + x % (i | 1)... over i: divisors either side of 2^21 (the lean
  // spelling's float divisions), a product by a constant, and no `$warm` left.
  const C = 0x9e3779b185ebca87n, M = (1n << 64n) - 1n;
  const text =
    `(module (func (export "run") (param $i i32) (param $n i32) (param $x i64) (result i64)
    (local $d i64)
    (loop $l
      (local.set $d (i64.or (i64.extend_i32_u (local.get $i)) (i64.const 1)))
      (local.set $x (i64.add (i64.mul (local.get $x) (i64.const ${C})) (i64.const 1)))
      (local.set $x (i64.add (i64.div_u (local.get $x) (local.get $d))
                             (i64.rem_u (i64.xor (local.get $x) (i64.const -1)) (local.get $d))))
      (local.set $i (i32.add (local.get $i) (i32.const 0x3fff)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $x)))`;
  const t = instantiate(text);
  const generated = generateSource(t.engine.compile(t.entity("run")).code, {
    numResults: 1,
    structured: true,
  });
  assert.ok("source" in generated);
  const lean = leanSource(generated.source);
  assert.match(generated.source, /& \$warm\) === 0\)/);
  assert.doesNotMatch(lean, /\$warm/);
  assert.equal(lean.match(/if \(\$b <= 0x200000\) \{/g)?.length, 2);
  // The remainder's small path computes `$m`, the quotient's does not.
  assert.equal(lean.match(/\$q = \(\$t \/ \$b\) \| 0;\n\$m = /g)?.length, 1);
  for (
    const [i0, n, x0] of [[0, 300, 5n], [0x1fff00, 200, M], [0x7ffff000, 50, 1n << 63n]] as const
  ) {
    let x: bigint = x0, i: number = i0;
    for (let k = 0; k < n; k++) {
      const d = BigInt(i >>> 0) | 1n;
      x = (x * C + 1n) & M;
      x = (x / d + ((x ^ M) % d)) & M;
      i = (i + 0x3fff) | 0;
    }
    eachTier(text, (each) => {
      assert.equal(each.call("run", i0, n, BigInt.asIntN(64, x0)), BigInt.asIntN(64, x));
    });
  }
});

Deno.test("codegen i64: an innermost loop with at most two products by a constant takes the limbs alone", () => {
  const product = (k: number) =>
    words.lowerI64(`i64MulImm(s32, (fp + 0), (fp + 4), ${-2048144761 + k}, -1640531535);`);
  const loop = (label: string, body: string) => `${label}: for (;;) {\n${body}\nbreak ${label};\n}`;
  const doubles = (js: string) => js.match(/\(\(\$al >>> 0\) \* [\d.e+-]+\) \| 0;/g)?.length ?? 0;
  const declared = (js: string) => `let $warm = 0;\n${js}`;
  for (const count of [1, 2, 3]) {
    const body = Array.from({ length: count }, (_, k) => product(k)).join("\n");
    const source = declared(loop("L7", body));
    const out = words.withFewProductsByLimbs(source);
    assert.equal(doubles(source), count);
    // Up to two, every product's high word from the limbs, with no test; three stay as they were.
    assert.equal(doubles(out), count <= 2 ? 0 : count);
    assert.equal(
      out.match(/let \$k = 0;\n\{\nconst \$a0 = /g)?.length ?? 0,
      count <= 2 ? count : 0,
    );
    if (count > 2) assert.equal(out, source);
  }
  // A loop holding a loop is left (its inner one is rewritten on its own: here the metered
  // spelling's `F` loop), as is a product outside loops.
  const inner = loop("F2", product(1));
  const innerOut = words.withFewProductsByLimbs(declared(inner)).slice(declared("").length);
  assert.notEqual(innerOut, inner);
  assert.equal(
    words.withFewProductsByLimbs(declared(loop("L1", `${product(0)}\n${inner}`))),
    declared(loop("L1", `${product(0)}\n${innerOut}`)),
  );
  assert.equal(words.withFewProductsByLimbs(declared(product(0))), declared(product(0)));
});

Deno.test("codegen i64: a loop's product by a constant on the limbs is exact where the double product's truncation is not", () => {
  // The operands of the test above whose double product truncates off by one (al = t·bl^-1
  // mod 2^32), run through the rewritten loop, `$warm` -4096 (past the first iteration).
  const s32 = new Int32Array(12);
  let seed = 97531;
  const next = () => BigInt((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0);
  const constants = [0x85ebca87n, 0x27d4eb4fn, 0xffffffffn, 0x80000001n, 3n, 1n, 0x1ce4e5b9n];
  for (let i = 0; i < 10; i++) constants.push(next() | 1n);
  const lows = [0n, 1n, 2047n, 2048n, 2049n, 4095n, M32, M32 - 2047n, M32 - 2048n];
  let cases = 0;
  for (const bl of constants) {
    const b = (next() << 32n) | bl;
    const [cl, ch] = halves(b);
    const body = words.lowerI64(`i64MulImm(s32, (fp + 0), (fp + 4), ${cl}, ${ch});`);
    const js = words.withFewProductsByLimbs(
      `let $warm = 0;\nL1: for (;;) {\n${body}\nbreak L1;\n}`,
    );
    assert.doesNotMatch(js, /\* [\d.e+-]+\) \| 0;/);
    const run = new Function("s32", "fp", `"use strict"; ${js.replace("= 0;", "= -4096;")}`);
    for (const t of lows) {
      const a = (next() << 32n) | ((t * inverse(bl)) & M32);
      s32.set([0, 0, 0, 0, ...halves(a), 0, 0, 0, 0, 0, 0]);
      run(s32, 0);
      assert.equal(value(s32[0]!, s32[1]!), (a * b) & M, `${a} * ${b}`);
      cases++;
    }
  }
  assert.ok(cases > 150);
});
