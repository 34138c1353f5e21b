import assert from "node:assert/strict";
import * as num from "../../src/core/num/mod.ts";
import { I64_WAST } from "./num_wast_cases.ts";
import { assertTrap, get, i64Gen, put, s } from "./num_test_util.ts";

type Bin = (s: Int32Array, d: number, a: number, b: number) => void;
type Un = (s: Int32Array, d: number, a: number) => void;
type Cmp = (s: Int32Array, a: number, b: number) => number;
type BinImm = (s: Int32Array, d: number, a: number, lo: number, hi: number) => void;
type ShiftImm = (s: Int32Array, d: number, a: number, k: number) => void;
type CmpImm = (s: Int32Array, a: number, lo: number, hi: number) => number;

const lo = (v: bigint) => Number(BigInt.asIntN(32, v));
const hi = (v: bigint) => Number(BigInt.asIntN(32, v >> 32n));
const i64 = (v: bigint) => BigInt.asIntN(64, v);
const u64 = (v: bigint) => BigInt.asUintN(64, v);

/** BigInt reference semantics: a result, or a trap message. */
const REF: Record<string, (a: bigint, b: bigint) => bigint | string> = {
  add: (a, b) => i64(a + b),
  sub: (a, b) => i64(a - b),
  mul: (a, b) => i64(a * b),
  div_s: (a, b) =>
    b === 0n
      ? "integer divide by zero"
      : a === -(1n << 63n) && b === -1n
      ? "integer overflow"
      : i64(a / b),
  div_u: (a, b) => b === 0n ? "integer divide by zero" : i64(u64(a) / u64(b)),
  rem_s: (a, b) => b === 0n ? "integer divide by zero" : i64(a % b),
  rem_u: (a, b) => b === 0n ? "integer divide by zero" : i64(u64(a) % u64(b)),
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  xor: (a, b) => a ^ b,
  shl: (a, b) => i64(a << (b & 63n)),
  shr_s: (a, b) => a >> (b & 63n),
  shr_u: (a, b) => i64(u64(a) >> (b & 63n)),
  rotl: (a, b) => i64((u64(a) << (b & 63n)) | (u64(a) >> ((64n - (b & 63n)) & 63n))),
  rotr: (a, b) => i64((u64(a) >> (b & 63n)) | (u64(a) << ((64n - (b & 63n)) & 63n))),
};

const BIN: Record<string, Bin> = {
  add: num.i64Add,
  sub: num.i64Sub,
  mul: num.i64Mul,
  div_s: num.i64DivS,
  div_u: num.i64DivU,
  rem_s: num.i64RemS,
  rem_u: num.i64RemU,
  and: num.i64And,
  or: num.i64Or,
  xor: num.i64Xor,
  shl: num.i64Shl,
  shr_s: num.i64ShrS,
  shr_u: num.i64ShrU,
  rotl: num.i64Rotl,
  rotr: num.i64Rotr,
};

const BIN_IMM: Record<string, BinImm> = {
  add: num.i64AddImm,
  sub: num.i64SubImm,
  mul: num.i64MulImm,
  and: num.i64AndImm,
  or: num.i64OrImm,
  xor: num.i64XorImm,
};

const SHIFT_IMM: Record<string, ShiftImm> = {
  shl: num.i64ShlImm,
  shr_s: num.i64ShrSImm,
  shr_u: num.i64ShrUImm,
  rotl: num.i64RotlImm,
  rotr: num.i64RotrImm,
};

const UN: Record<string, Un> = {
  clz: num.i64Clz,
  ctz: num.i64Ctz,
  popcnt: num.i64Popcnt,
  extend8_s: num.i64Extend8S,
  extend16_s: num.i64Extend16S,
  extend32_s: num.i64Extend32S,
};

const CMP: Record<string, [Cmp, CmpImm, (a: bigint, b: bigint) => boolean]> = {
  eq: [num.i64Eq, num.i64EqImm, (a, b) => a === b],
  ne: [num.i64Ne, num.i64NeImm, (a, b) => a !== b],
  lt_s: [num.i64LtS, num.i64LtSImm, (a, b) => a < b],
  lt_u: [num.i64LtU, num.i64LtUImm, (a, b) => u64(a) < u64(b)],
  gt_s: [num.i64GtS, num.i64GtSImm, (a, b) => a > b],
  gt_u: [num.i64GtU, num.i64GtUImm, (a, b) => u64(a) > u64(b)],
  le_s: [num.i64LeS, num.i64LeSImm, (a, b) => a <= b],
  le_u: [num.i64LeU, num.i64LeUImm, (a, b) => u64(a) <= u64(b)],
  ge_s: [num.i64GeS, num.i64GeSImm, (a, b) => a >= b],
  ge_u: [num.i64GeU, num.i64GeUImm, (a, b) => u64(a) >= u64(b)],
};

/** Runs a binary op with inputs at words 0 and 2, in every aliasing arrangement. */
function checkBin(op: string, a: bigint, b: bigint, want: bigint | string): void {
  const f = BIN[op];
  const label = `${op}(${a}, ${b})`;
  const run = (d: number, k: number) => {
    put(0, a);
    put(2, b);
    f(s, d, 0, 2);
    return get(d === -1 ? k : d);
  };
  if (typeof want === "string") {
    assertTrap(() => run(4, 4), want, label);
    return;
  }
  assert.equal(run(4, 4), want, label);
  assert.equal(run(0, 0), want, `${label} into a`);
  assert.equal(run(2, 2), want, `${label} into b`);
  const same = REF[op](a, a);
  put(0, a);
  if (typeof same === "string") assertTrap(() => f(s, 0, 0, 0), same, `${op}(${a}, same)`);
  else {
    f(s, 0, 0, 0);
    assert.equal(get(0), same, `${op}(${a}, same)`);
  }
  const imm = BIN_IMM[op], shift = SHIFT_IMM[op];
  if (imm) {
    put(0, a);
    imm(s, 0, 0, lo(b), hi(b));
    assert.equal(get(0), want, `${label} imm`);
  }
  if (shift) {
    put(0, a);
    shift(s, 0, 0, lo(b));
    assert.equal(get(0), want, `${label} imm`);
  }
}

function checkCmp(op: string, a: bigint, b: bigint, want: number): void {
  const [f, imm] = CMP[op];
  const label = `${op}(${a}, ${b})`;
  put(0, a);
  put(2, b);
  assert.equal(f(s, 0, 2), want, label);
  assert.equal(imm(s, 0, lo(b), hi(b)), want, `${label} imm`);
}

Deno.test("i64: i64.wast and int_exprs.wast cases", () => {
  for (const [op, args, expected] of I64_WAST) {
    const [a, b] = args as bigint[];
    const want = typeof expected === "string" ? expected.slice(5) : expected;
    if (op in BIN) {
      checkBin(op, a, b, want as bigint | string);
    } else if (op in CMP) {
      checkCmp(op, a, b, want as number);
    } else if (op === "eqz") {
      put(0, a);
      assert.equal(num.i64Eqz(s, 0), want, `eqz(${a})`);
    } else {
      assert.ok(op in UN, `no function for ${op}`);
      put(0, a);
      UN[op](s, 2, 0);
      assert.equal(get(2), want, `${op}(${a})`);
      UN[op](s, 0, 0);
      assert.equal(get(0), want, `${op}(${a}) in place`);
    }
  }
});

const MIN = -(1n << 63n), MAX = (1n << 63n) - 1n;

Deno.test("i64: mul, div and rem with large and negative values", () => {
  const table: [string, bigint, bigint, bigint | string][] = [
    ["mul", 0x0123456789abcdefn, -0x0123456789abcdf0n, 0x2236d88fe5618cf0n],
    ["mul", MAX, MAX, 1n],
    ["mul", MIN, -1n, MIN],
    ["mul", 0xffffffffn, 0xffffffffn, 0xfffffffe00000001n],
    ["mul", -0x100000001n, 0x100000001n, -0x200000001n],
    ["div_s", MIN, -1n, "integer overflow"],
    ["div_s", MIN, 1n, MIN],
    ["div_s", MIN, 2n, -(1n << 62n)],
    ["div_s", MIN, MIN, 1n],
    ["div_s", MIN, MAX, -1n],
    ["div_s", MAX, MIN, 0n],
    ["div_s", -0x7ffffffffffffffn, 3n, -0x2aaaaaaaaaaaaaan],
    ["div_s", (1n << 53n) + 1n, -(1n << 53n) + 1n, -1n],
    ["div_s", -0x80000000n, -1n, 0x80000000n],
    ["div_s", 0x123456789abcdef0n, -0x1234567n, -0x1000000790n],
    ["div_s", 5n, 0n, "integer divide by zero"],
    ["div_u", -1n, 1n, -1n],
    ["div_u", -1n, 3n, 0x5555555555555555n],
    ["div_u", -1n, -2n, 1n],
    ["div_u", MIN, -1n, 0n],
    ["div_u", -1n, 0xffffffffn, 0x100000001n],
    ["div_u", -1n, 0x100000000n, 0xffffffffn],
    ["div_u", -1n, 0x100000001n, 0xffffffffn],
    ["div_u", -2n, 0xfffffffffffffffn, 16n],
    ["rem_s", MIN, -1n, 0n],
    ["rem_s", MIN, 3n, -2n],
    ["rem_s", MAX, -3n, 1n],
    ["rem_s", -7n, 2n, -1n],
    ["rem_s", -(1n << 40n), 1n << 20n, 0n],
    ["rem_s", MIN, MIN, 0n],
    ["rem_u", -1n, 0x100000001n, 0n],
    ["rem_u", -1n, 10n, 5n],
    ["rem_u", MIN, -1n, MIN],
    ["rem_u", 0n, 0n, "integer divide by zero"],
  ];
  for (const [op, a, b, want] of table) {
    checkBin(op, a, b, typeof want === "string" ? want : i64(want));
  }
});

Deno.test("i64: shifts and rotations by 0, 31, 32, 63, 64 and beyond", () => {
  const x = -0x123456789abcdef1n; // 0xedcba98765432110
  for (const k of [0n, 1n, 31n, 32n, 33n, 63n, 64n, 65n, 127n, -1n, 0x100000020n]) {
    for (const op of ["shl", "shr_s", "shr_u", "rotl", "rotr"]) {
      checkBin(op, x, k, REF[op](x, k) as bigint);
      checkBin(op, 1n, k, REF[op](1n, k) as bigint);
      checkBin(op, MIN, k, REF[op](MIN, k) as bigint);
    }
  }
  checkBin("shl", 1n, 63n, MIN);
  checkBin("shl", 1n, 64n, 1n);
  checkBin("shr_s", MIN, 63n, -1n);
  checkBin("shr_u", MIN, 63n, 1n);
  checkBin("rotl", 0x8000000000000001n - (1n << 64n), 1n, 3n);
  checkBin("rotr", 1n, 1n, MIN);
  checkBin("rotr", 0xabcdef00n, 32n, -0x5432110000000000n);
});

Deno.test("i64: bit counts, extensions and conversions at the boundary", () => {
  const un = (f: Un, v: bigint) => {
    put(0, v);
    f(s, 2, 0);
    return get(2);
  };
  assert.equal(un(num.i64Clz, 0n), 64n);
  assert.equal(un(num.i64Ctz, 0n), 64n);
  assert.equal(un(num.i64Clz, 1n), 63n);
  assert.equal(un(num.i64Ctz, MIN), 63n);
  assert.equal(un(num.i64Clz, 0x100000000n), 31n);
  assert.equal(un(num.i64Ctz, 0x100000000n), 32n);
  assert.equal(un(num.i64Popcnt, -1n), 64n);
  assert.equal(un(num.i64Extend32S, 0x80000000n), -0x80000000n);
  assert.equal(un(num.i64Extend16S, 0x12347fffn), 0x7fffn);
  assert.equal(un(num.i64Extend8S, -0x7fn), -0x7fn);
  num.i64ExtendI32S(s, 0, -5);
  assert.equal(get(0), -5n);
  num.i64ExtendI32U(s, 0, -5);
  assert.equal(get(0), 0xfffffffbn);
  for (const v of [0n, -1n, MIN, MAX, 0x123456789n, -(1n << 53n)]) {
    num.i64FromBigInt(s, 0, v);
    assert.equal(num.i64ToBigInt(s, 0), v);
  }
  num.i64FromBigInt(s, 0, 1n << 64n); // taken mod 2^64
  assert.equal(get(0), 0n);
  for (const x of [0, -0, 1, -1, 2 ** 53, -(2 ** 53), 2 ** 63, -(2 ** 63), 2 ** 64 - 2048, 1e15]) {
    num.i64FromNumber(s, 0, x);
    assert.equal(get(0), i64(BigInt(x)), `i64FromNumber(${x})`);
  }
  put(0, 0n);
  assert.equal(num.i64Eqz(s, 0), 1);
  put(0, 1n << 32n);
  assert.equal(num.i64Eqz(s, 0), 0);
});

Deno.test("i64: seeded random cross-check against BigInt", () => {
  const next = i64Gen(64);
  const ops = Object.keys(BIN);
  for (let i = 0; i < 6000; i++) {
    const a = next(), b = next();
    for (const op of ops) checkBin(op, a, b, REF[op](a, b));
    for (const op in CMP) checkCmp(op, a, b, CMP[op][2](a, b) ? 1 : 0);
    put(0, a);
    const bits = u64(a).toString(2).padStart(64, "0");
    const un = (f: Un) => {
      f(s, 2, 0);
      return Number(get(2));
    };
    assert.equal(un(num.i64Clz), a === 0n ? 64 : bits.indexOf("1"), `clz(${a})`);
    assert.equal(un(num.i64Ctz), a === 0n ? 64 : 63 - bits.lastIndexOf("1"), `ctz(${a})`);
    assert.equal(un(num.i64Popcnt), bits.replaceAll("0", "").length, `popcnt(${a})`);
  }
});

Deno.test("i64: division by divisors below 2^32, full-width dividends", () => {
  // A divisor below 2^32 takes one reciprocal and a correction step per word (`divU32`), in
  // `i64.div_u` / `rem_u` directly and for the magnitudes of `div_s` / `rem_s`: divisors across
  // that range and its ends (and both sides of 2^30, where the remainder leaves int32
  // arithmetic), dividends whose high half is far past 2^21, all ones, exact multiples (where
  // a product by the reciprocal can fall just below the quotient), and those that leave the
  // largest remainders (b·2^32 - 1, where the second quotient is 2^32 - 1).
  const next = i64Gen(64);
  const divisors = [
    1n,
    2n,
    3n,
    0x1fffffn,
    0x200000n,
    0x200001n,
    0xfffffffn,
    0x3fffffffn,
    0x40000000n,
    0x40000001n,
    0xffffffffn,
  ];
  for (let i = 0; i < 3300; i++) {
    const a = next() | (1n << 62n);
    const b = i < 1000
      ? BigInt((i * 2654435761) % 0x200000) + 1n
      : i < 2000
      ? BigInt.asUintN(32, next()) | 1n
      : divisors[i % divisors.length]!;
    const multiple = b * (BigInt.asUintN(64, next()) % ((1n << 64n) / b));
    const edges = [-1n, (b << 32n) - 1n, (b << 32n) - b, (b << 32n) | 0xffffffffn, multiple].map(
      i64,
    );
    const pairs = [[a, b], [-a, b], [a, -b], ...edges.map((x) => [x, b])] as const;
    for (const [x, y] of pairs) {
      for (const op of ["div_u", "rem_u", "div_s", "rem_s"]) checkBin(op, x, y, REF[op](x, y));
    }
  }
});

Deno.test("i64: byte swap, in place and into another slot", () => {
  const next = i64Gen(64);
  const swap = (v: bigint) => {
    let r = 0n;
    for (let k = 0n; k < 8n; k++) r |= ((u64(v) >> (8n * k)) & 0xffn) << (8n * (7n - k));
    return i64(r);
  };
  for (
    const v of [0n, 1n, -1n, 0x0123456789abcdefn, 1n << 63n, ...Array.from({ length: 200 }, next)]
  ) {
    put(0, v);
    num.i64Bswap(s, 2, 0);
    assert.equal(get(2), swap(v), `bswap(${v})`);
    num.i64Bswap(s, 0, 0);
    assert.equal(get(0), swap(v), `bswap(${v}) in place`);
  }
});

Deno.test("i64: xor with an unsigned right shift or a left rotation, every count", () => {
  const next = i64Gen(64);
  const rotl = (v: bigint, k: number) =>
    u64((u64(v) << BigInt(k & 63)) | (u64(v) >> BigInt((64 - (k & 63)) & 63)));
  for (let i = 0; i < 300; i++) {
    const x = next(), y = next();
    for (let k = 0; k < 70; k++) {
      const shr = (a: bigint, b: bigint) => i64(a ^ (u64(b) >> BigInt(k & 63)));
      const rot = (a: bigint, b: bigint) => i64(a ^ rotl(b, k));
      for (const [f, want] of [[num.i64XorShrUImm, shr], [num.i64XorRotlImm, rot]] as const) {
        put(0, x);
        put(2, y);
        f(s, 4, 0, 2, k);
        assert.equal(get(4), want(x, y), `${f.name}(${x}, ${y}, ${k})`);
        f(s, 2, 2, 2, k); // one operand twice, written in place
        assert.equal(get(2), want(y, y), `${f.name}(${y}, ${y}, ${k}) in place`);
        f(s, 0, 0, 0, k);
        assert.equal(get(0), want(x, x), `${f.name}(${x}, ${x}, ${k}) in place`);
      }
    }
  }
});

Deno.test("i64: xor-shift then multiply, writing or leaving out the xor's slot", () => {
  const next = i64Gen(64);
  for (let i = 0; i < 200; i++) {
    const x = next(), y = next(), c = next();
    for (const k of [0, 1, 27, 30, 31, 32, 33, 63, 64 + 3]) {
      const t = i64(x ^ (u64(y) >> BigInt(k & 63)));
      const want = i64(t * c);
      const tag = `(${x}, ${y}, ${k}, ${c})`;
      // `t` its own slot: written; `t` the destination: only the product is.
      put(0, x);
      put(2, y);
      put(6, 5n);
      num.i64XorShrUMulImm(s, 4, 6, 0, 2, k, lo(c), hi(c));
      assert.equal(get(4), want, tag);
      assert.equal(get(6), t, tag);
      num.i64XorShrUMulImm(s, 6, 6, 0, 2, k, lo(c), hi(c));
      assert.equal(get(6), want, `${tag} t = d`);
      // In place, `x` = `y` = `t` = `d`.
      put(0, y);
      num.i64XorShrUMulImm(s, 0, 0, 0, 0, k, lo(c), hi(c));
      assert.equal(get(0), i64(i64(y ^ (u64(y) >> BigInt(k & 63))) * c), `${tag} in place`);
    }
  }
});

Deno.test("i64: a SHA-2 sigma, three rotations or two and a shift, every count", () => {
  const next = i64Gen(64);
  const rotl = (v: bigint, k: number) =>
    u64((u64(v) << BigInt(k & 63)) | (u64(v) >> BigInt((64 - (k & 63)) & 63)));
  const counts = [0, 1, 7, 8, 14, 18, 19, 28, 31, 32, 33, 34, 39, 41, 45, 50, 61, 63, 64, 71];
  for (let i = 0; i < 40; i++) {
    const y = next();
    for (const k1 of counts) {
      for (const k2 of counts) {
        const t = rotl(y, k1) ^ rotl(y, k2);
        for (const k3 of counts) {
          for (const shr of [0, 1]) {
            const want = i64(t ^ (shr ? u64(y) >> BigInt(k3 & 63) : rotl(y, k3)));
            put(0, y);
            num.i64Sigma(s, 4, 2, 0, k1, k2, k3, shr);
            assert.equal(get(2), i64(t), `t of sigma(${y}, ${k1}, ${k2})`);
            assert.equal(get(4), want, `sigma(${y}, ${k1}, ${k2}, ${k3}, ${shr})`);
            // The result written over its operand.
            num.i64Sigma(s, 0, 2, 0, k1, k2, k3, shr);
            assert.equal(get(0), want, `sigma(${y}, ${k1}, ${k2}, ${k3}, ${shr}) in place`);
          }
        }
      }
    }
  }
});

const u128 = (lo: bigint, hi: bigint) => (u64(hi) << 64n) | u64(lo);
const halves = (v: bigint) => [i64(v), i64(v >> 64n)];

/** Wide arithmetic: each operator, its BigInt reference, and its operand count. */
type Wide = (s: Int32Array, dLo: number, dHi: number, ...operands: number[]) => void;
const WIDE: Record<string, [Wide, number, (x: bigint[]) => bigint[]]> = {
  add128: [num.i64Add128, 4, ([a, b, c, d]) => halves(u128(a!, b!) + u128(c!, d!))],
  sub128: [num.i64Sub128, 4, ([a, b, c, d]) => halves(u128(a!, b!) - u128(c!, d!))],
  mul_wide_s: [num.i64MulWideS, 2, ([a, b]) => halves(a! * b!)],
  mul_wide_u: [num.i64MulWideU, 2, ([a, b]) => halves(u64(a!) * u64(b!))],
};

Deno.test("i64: wide arithmetic against BigInt, with carries through every limb, over operands", () => {
  const edges = [0n, 1n, -1n, 0xffffffffn, 1n << 32n, -(1n << 63n), (1n << 63n) - 1n];
  const next = i64Gen(128);
  for (const [name, [f, n, ref]] of Object.entries(WIDE)) {
    const cases: bigint[][] = [];
    // Every combination of edge values (carries and borrows through each limb, sign corners).
    const combos = edges.length ** n;
    for (let k = 0; k < combos; k++) {
      cases.push(
        Array.from(
          { length: n },
          (_, j) => edges[Math.floor(k / edges.length ** j) % edges.length]!,
        ),
      );
    }
    for (let i = 0; i < 2000; i++) cases.push(Array.from({ length: n }, next));
    const operands = n === 4 ? [0, 2, 4, 6] : [0, 2];
    for (const args of cases) {
      const want = ref(args);
      // Results apart, over the first operands (as the engine places them), over the last ones,
      // and swapped over the first two.
      for (const [dLo, dHi] of [[8, 10], [0, 2], [operands[n - 2]!, operands[n - 1]!], [2, 0]]) {
        args.forEach((v, j) => put(operands[j]!, v));
        f(s, dLo!, dHi!, ...operands);
        assert.deepEqual([get(dLo!), get(dHi!)], want, `${name}(${args.join(", ")})`);
      }
    }
  }
});

Deno.test("i64: xxHash64's fused round writes its slots as its five steps do, any slots shared", () => {
  // Every way of placing d, u, a, acc, x and t in three slots (words 0, 2, 4 of an 8-word
  // array; the base address in word 6) against the steps one by one: the load into x, t = x·C1,
  // a = acc + t, u = rotl(a, k), d = u·C2, each writing its slot before the next reads.
  const c1 = 0xc2b2ae3d27d4eb4fn, c2 = 0x9e3779b185ebca87n;
  const mem = new DataView(new ArrayBuffer(16));
  mem.setBigInt64(8, 0x0123456789abcdefn, true);
  const slots = [0, 2, 4];
  for (let n = 0; n < 3 ** 6; n++) {
    const [d, u, a, acc, x, t] = [0, 1, 2, 3, 4, 5].map((i) => slots[Math.floor(n / 3 ** i) % 3]!);
    for (const k of [0, 31, 32, 45]) {
      const want = Int32Array.of(11, -12, 13, -14, -15, 16, 4, 0);
      const got = want.slice();
      want[x!] = mem.getInt32(8, true);
      want[x! + 1] = mem.getInt32(12, true);
      num.i64MulImm(want, t!, x!, lo(c1), hi(c1));
      num.i64Add(want, a!, acc!, t!);
      num.i64RotlImm(want, u!, a!, k);
      num.i64MulImm(want, d!, u!, lo(c2), hi(c2));
      num.i64LoadMulImmAddRotlMulImm(
        got,
        mem,
        16,
        d!,
        u!,
        a!,
        acc!,
        x!,
        t!,
        lo(c1),
        hi(c1),
        k,
        lo(c2),
        hi(c2),
        6,
        0,
        4,
      );
      assert.deepEqual([...got], [...want], `d ${d} u ${u} a ${a} acc ${acc} x ${x} t ${t} k ${k}`);
    }
  }
});
