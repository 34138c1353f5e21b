/**
 * i64 arithmetic spelled on word halves, for the code generator (`codegen.ts`).
 *
 * The rows' templates do i64 arithmetic by calling `num` helpers with slot indices
 * (`i64Add(s32, (fp + 16), (fp + 12), (fp + 20))`): each call reads and writes the value stack,
 * so an i64 can never live in JS locals. This module rewrites such calls into the same
 * arithmetic spelled on the words themselves, the low word as `s32[(fp + k)]` and the high
 * word as `s32[(fp + k) + 1]`; the generator then keeps a slot reached only that way in two
 * int32 locals (see `promotable` in codegen.ts). Nothing is BigInt, and the results are the
 * helpers' own, bit for bit (each spelling below follows its helper in `core/num/i64.ts`;
 * tests/engine/codegen_i64_test.ts runs both on the same operands). Helpers not listed here, and
 * calls whose operands it cannot read, are left as they are: their slots stay in the value stack.
 *
 * Measured on `bench/i64.wat` (3,000,000 iterations, CPU time, best of 3, the same process as
 * native V8's 6.3 ms, on a loaded 2-core machine): 380 ms with the helper calls on the value
 * stack, 210 ms with the words in locals, 133 ms with the division below in locals too.
 * Later (CPU time, best of 5-6, same process, ratio to native; `bench/` at scale 1), from
 * i64 94 ms (14.9x), xxh64 92 ms (16.8x), sha512 69 ms (8.7x), hashtab 167 ms (3.7x) to
 * 38 ms (6.1x), 29 ms (5.2x), 29 ms (3.7x), 105 ms (2.3x): the carries and compares as
 * booleans rather than `? 1 : 0` (see `COMPARES`) did most, then the multiplication's high word
 * (`mulInto`) and the division by a reciprocal (`divideU`). V8 does not care about the copies
 * and `| 0`s the generator leaves: a hand-written JS version of i64.wat's loop, with the same
 * spellings and none of those, ran as fast (42 ms against 40 ms).
 *
 * Where the rest goes (December 2026: the generated loops copied into JS files run alone under
 * Deno, CPU time, best of 15, variants one at a time). i64.wat's loop, 40 ms: its division
 * 12-13 ms (27 ms without it), the two products' high words 4 ms, the rotation by a variable
 * count 4.6 ms. Did not pay there: the rotation with one branch or with masks instead of
 * selects (+0-2 ms); the division as `floor(h / b)` and `floor((r·2^32 + l) / b)`, exact
 * without corrections for b <= 2^21 (24.3 against 27.2 ms with 2,000,000 iterations, but V8
 * folds a constant divisor's reciprocal, which that spelling loses, and the general case needs
 * a third division: 74 ms); the carry of an addition of a constant from `al` alone (-1%).
 * `bench/xxh64.wasm`'s four-lane loop, 30 ms: issue-bound (about 50 instructions a lane and 8
 * bytes in Node 20's TurboFan code, against native's 5), the high words 6 ms, the loads 1.5 ms
 * (a DataView read costs what an Int32Array read does). Did not pay there: the high word
 * without its rare branch (exact in doubles, as `mulHiU32` in core/num/i64.ts computes it:
 * 35 ms); the rare branch as a call (47 ms: values live across a call are spilled in the hot
 * path); the scaled constants held in locals (no change in the engine).
 *
 * Again later (same method, native V8 6.5 ms CPU in `deno task bench`): i64.wat's loop 36.5 ms,
 * of which the two products 12.5 ms (24 ms with each replaced by a xor), the division 10 ms,
 * the rotation by the loop counter 6.5 ms (5.5 ms once spelled as a right rotation), the
 * products' exact-path tests 2.5 ms; the hash's own chain from one iteration to the next only
 * 2 ms (cut, 35 ms): the loop is bound by the number of operations and by how many iterations'
 * chains of latencies (the products' conversions, the division's) overlap, not by one chain.
 * So 3x native needs the products and the division about halved, which no spelling tried here
 * does. Did not pay: the products' high word exact from the known low word, `trunc(al·bl·2^-32 -
 * lo·2^-32 + 1/2)`, with no branch (37.7 against 36.1 ms: longer latency); the division's high
 * quotient as `(h / b) >>> 0` (V8's uint32 division, a machine `div`) and the remainder from
 * `Math.imul` (36.7 against 36.3), or as `h % b` (48 ms: not lowered to a machine `div`); the
 * low quotient truncated with `| 0` instead of `Math.floor` and corrected in int32 (42 ms).
 *
 * A third look, at V8's machine code (December 2026, Deno's V8 15.0 on a 3.7 GHz Zen 4;
 * `scripts/jit_loops.ts` counts it; the loops copied into JS files, CPU time, best of 15, two
 * runs alternating, native 6.3 ms for i64.wat, 5.5 ms for xxh64's run). i64.wat's optimised loop
 * runs about 160 x86 instructions an iteration (native about 25): the two products 13 each
 * (three `imul`, the double product's conversions, the exact path's test), the division about
 * 35, the rotation by the counter about 20 (four shifts through `cl`), five spills. At 34 ms it
 * retires 3.8 instructions a cycle: partly the width, partly latency (the division fed the
 * previous iteration's hash instead, a wrong program of the same instructions: 30.5 ms), since
 * an iteration's chain from the state through both products and the division (~80 cycles) only
 * overlaps the next when the reorder buffer holds two iterations. xxh64's four-lane loop runs
 * about 260 (native about 50) at about 5.5 a cycle: bound by the width, a product 1.4 ms of its
 * 26.6. Did not pay (i64.wat; xxh64): 64-bit BigInt arithmetic under `BigInt.asUintN` (V8 keeps
 * the loop's values as heap BigInts: 7x slower); the low quotient as `imul(h, c) + ⌊(h·f + l)/b⌋`
 * with `c = ⌊2^32/b⌋`, `f = 2^32 mod b` (shorter chain, more operations: 25.1-27.5 against
 * 21.8 ms at 2,000,000 iterations); the quotient's correction in int32 (34.0, unchanged); the
 * product's rare path in doubles, `(p - lo·2^-32 + 1/2) | 0`, fewer registers than the limbs
 * (33.9 against 34.1; 28.0 against 26.7 ms); the product from a signed conversion, its sign
 * fixed in the cross term (xxh64 28.7 ms); without the exact path's test at all (a wrong product:
 * xxh64 26.4 ms, so the test is not what costs); the rotation's shifts grouped by count (34.0)
 * or a left shift as `Math.imul` by `1 << n` (36.8); the divisor's test dropped where it is
 * `extend_i32_u(x) | 1` (33.7 against 34.1: not worth a range analysis). So with two halves the
 * floor here is about 5x native for both: V8 spends 8-13 instructions on a 64-bit product, 35
 * on a division and 20 on a rotation by a variable, where native spends one to three.
 *
 * A fourth look, at the ceiling of the spelling (December 2026, Deno 2.9.6 / V8 15.0, a loaded
 * 2-core machine; each hot loop written by hand in plain JS with int32 halves, timed in one
 * process beside native Wasm and the engine, CPU time, best of 5-7 per round, 3-6 rounds):
 * the generated code is that ceiling. `bench/xxh64.wasm` run(250): native 5.3-5.6 ms, the
 * hand-written four-lane loop 30.8-31.7 ms, the engine 38.0 against the hand loop's 38.1 ms in
 * the same round (5.5x either way). `bench/sha512.wasm` run(150), compress written by hand
 * (message words and constants in Int32Arrays, no memory checks): native 8.4 ms, hand 22.8 ms
 * (2.7x), engine 24.3 ms (2.9x). Did not pay (xxh64's loop unless said): the product's high
 * word exact in doubles from 16-bit limbs of the constant, with no test (`(u·c1 +
 * floor(u·c0·2^-16))·2^-16`: 68 against 31 ms); `Math.floor` or `Math.trunc` of the scaled
 * product before its `| 0` (a range V8 could type as an int32: 32.1-34.6 against 31.2-33.4 ms,
 * alternating, 5 rounds); the loads as two `Int32Array` reads where the address is aligned
 * (best 34.4 against 30.8 ms, 3 rounds: xxh64 reads unaligned in seven runs of eight); SHA-512's sums of
 * three to five terms as one double sum of the low words with one carry (`(Σ l >>> 0) · 2^-32
 * | 0`: 32.2-34.9 against 33.0-34.2 ms, the same); 64-bit BigInt again (xxh64's loop with
 * `BigInt.asUintN(64, ·)` on every step and `getBigUint64` loads: 620-920 ms against native's
 * 5.5). Without the four loads' bounds checks the hand loop ran 29.7-30.4 against 31.3-33.3
 * ms; but the engine's loop generated twice with them hoisted (`MAX_LOOP` in
 * codegen_loop_bounds.ts raised past its 6,412 characters) measured 30.5 against 30.4 and
 * 30.8 against 29.8 ms (engines of both trees alternated in one process, best of 30): not kept.
 * V8's code for a product by a constant (`scripts/jit_loops.ts --asm`): `imul`, `lea`, `test`,
 * `jne` for the low word and its test, `mov`, `vcvtsi2sd`, `vmulsd`, `vcvttsd2si`, `cmp`, `jo`,
 * `mov` for the high word of al·bl, two `imul` and two `add` for the rest: 15 where native
 * spends one, and half of xxh64's lane; an 8-byte load is 11 (its two reads each checked by
 * the DataView, plus the module's check and `$ea + 4`'s overflow test).
 *
 * A fifth look at i64.wat's loop (December 2026, Deno 2.9.6 / V8 15.0 on a Zen 5 EPYC at about
 * 3.4 GHz, loaded; the generated loop copied into a JS file, CPU time, best of 9-25, variants
 * in one process beside native's 9.0-9.5 ms; V8 made about 165 instructions an iteration of it,
 * 38 cycles, 4.2 a cycle): 33.8 ms, 26.0 without the division (about 38 instructions); in a
 * slower round 48.7 ms, 38.7 without the division, 37.5 without the products (about 42), 42.7
 * without the rotation by the counter; the division fed the previous iteration's z (its latency
 * off the chain, the same instructions) 31.5-31.9 against 34.3-34.4; twenty more independent
 * int32 operations 35.7-36.4. So the loop is bound by both the width and the chain: each
 * instruction an iteration costs about 0.15 ms, and 3x native (28 ms) needs some 40 fewer. Kept: the division's one estimate (`oneEstimate`) and the
 * rotation without branches (`shiftByValue`), each neutral here within the noise. Did not pay:
 * the estimate's correction on the int32 words instead of the double (one conversion fewer:
 * 44-45 against 35-40 ms); the double product with its exact test instead of the limbs (38.7
 * and 51.5 against 35.1 and 39.9 ms); shifts by a run-time count without branches, by masks as
 * the rotations (a loop of shl/shr_u/shr_s by counts from an LCG 15.3 -> 18.9 ms, by the
 * counter 13.0 -> 16.4: V8's code for the branches costs less than the masks).
 *
 * @module
 */

import { divU32Words } from "../core/num/i64.ts";
import { closingBrace } from "./codegen_hoist.ts";

/**
 * Words the helpers kept as calls (division by a divisor outside the fast paths below) run on:
 * operands at 0-3, result 4-5.
 */
export const I64_SCRATCH: Int32Array = new Int32Array(6);

/** The low word of the i64 at word expression `x`. */
const lo = (x: string) => `s32[${x}]`;
/** The high word of the i64 at word expression `x`. */
const hi = (x: string) => `s32[${x} + 1]`;

/** A block assigning the i64 at `d` from the expressions `l` and `h` (already computed). */
const put = (d: string, l: string, h: string) => `${hi(d)} = ${h};\n${lo(d)} = ${l};`;

/** Reads the i64 at `a` (and the one at `b`, or the constant `bl`, `bh`) into `$al`, ... */
function read2(a: string, b: [string] | [string, string]): string {
  const [bl, bh] = b.length === 1 ? [lo(b[0]), hi(b[0])] : b;
  return `const $al = ${lo(a)}, $ah = ${hi(a)}, $bl = ${bl}, $bh = ${bh};`;
}

/** The low and high words of `$al`/`$ah` shifted or rotated by the count `k` (any i32). */
function shifted(kind: "shl" | "shrS" | "shrU" | "rotl", k: number): [string, string] {
  k &= 63;
  if (kind === "rotl") {
    const [l, h] = k & 32 ? ["$ah", "$al"] : ["$al", "$ah"];
    k &= 31;
    if (k === 0) return [l, h];
    return [`(${l} << ${k}) | (${h} >>> ${32 - k})`, `(${h} << ${k}) | (${l} >>> ${32 - k})`];
  }
  if (k === 0) return ["$al", "$ah"];
  if (kind === "shl") {
    return k < 32
      ? [`$al << ${k}`, `($ah << ${k}) | ($al >>> ${32 - k})`]
      : ["0", `$al << ${k - 32}`];
  }
  const top = kind === "shrS" ? ">>" : ">>>";
  return k < 32
    ? [`($al >>> ${k}) | ($ah << ${32 - k})`, `$ah ${top} ${k}`]
    : [`$ah ${top} ${k - 32}`, kind === "shrS" ? "$ah >> 31" : "0"];
}

/** The statements of a shift or rotation of `$al`/`$ah` by the count `k` (any i32). */
function shiftBy(kind: "shl" | "shrS" | "shrU" | "rotl", d: string, k: number): string {
  const [l, h] = shifted(kind, k);
  return put(d, l, h);
}

/**
 * A shift or rotation of `$al`/`$ah` by the count in `$k` (any i32), known only when it runs.
 *
 * A rotation has no branch: each word is rotated by the count mod 32 (`(x >>> k) | (x << (32 -
 * k))`, which V8 compiles to one `ror`; JS shifts take their count mod 32, and by 0 both halves
 * are `x`), and a rotated 64-bit word takes its bits from both: by `r = k mod 32` right, the low
 * word is the low word's rotation where `-1 >>> r` has ones and the high word's elsewhere, the
 * high word the other way round, `y ^ ((x ^ y) & mask)`; by 32 or more the words trade places,
 * which flips the mask (`(k << 26) >> 31` is -1 then, else 0). A left rotation is the mirror
 * (`-1 << r`). Before, the words traded places by selects on `k & 32` and a count of 0 mod 32
 * took a branch of its own: with counts from the data, that branch and the selects (which V8
 * compiled as branches) mispredicted. Measured on the generated loop of `bench/i64.wat` copied
 * into a JS file (Deno, CPU time, best of 9, the same process): with its `i64.rotr` counting
 * from z's low word instead of the loop counter, 49.1 ms with the branches, 37.0 ms without
 * (35.6 ms with the loop counter's predicted branches); with the loop counter, the same within
 * the noise (33.3-35.1 against 33.8-35.4 ms, best of 25, three runs). The engines of this tree
 * and the one before alternated in one process (best of 15): a loop of an LCG step and a hash
 * rotated left and right by counts from the LCG, 3,000,000 iterations, 40.0 -> 16.6 and 34.6 ->
 * 13.0 ms (native V8 3.6-4.0 ms); `bench/i64.wat` 50.9 -> 46.4, 39.1 -> 38.1, 52.5 -> 53.0 ms.
 */
function shiftByValue(kind: "shl" | "shrS" | "shrU" | "rotl" | "rotr", d: string): string {
  if (kind === "rotl" || kind === "rotr") {
    const [up, down] = kind === "rotl" ? ["<<", ">>>"] : [">>>", "<<"];
    const rotated = (x: string) => `(${x} ${up} $k) | (${x} ${down} (32 - $k))`;
    return block(
      `const $x = ${rotated("$al")}, $y = ${rotated("$ah")};`,
      `const $z = ($x ^ $y) & ((-1 ${up} $k) ^ (($k << 26) >> 31));`,
      put(d, "$y ^ $z", "$x ^ $z"),
    );
  }
  // JS shifts take their count mod 32: a count of 0 and counts of 32 and more are split out, as
  // the helpers do.
  const top = kind === "shrS" ? ">>" : ">>>";
  const [near, far] = kind === "shl"
    ? [["$al << $r", "($ah << $r) | ($al >>> (32 - $r))"], ["0", "$al << ($r - 32)"]]
    : [
      ["($al >>> $r) | ($ah << (32 - $r))", `$ah ${top} $r`],
      [`$ah ${top} ($r - 32)`, kind === "shrS" ? "$ah >> 31" : "0"],
    ];
  return block(
    "const $r = $k & 63;",
    "if ($r === 0) {",
    put(d, "$al", "$ah"),
    "} else if ($r < 32) {",
    put(d, near[0]!, near[1]!),
    "} else {",
    put(d, far[0]!, far[1]!),
    "}",
  );
}

const block = (...lines: string[]) => `{\n${lines.join("\n")}\n}`;

type Statement = (args: readonly string[]) => string | null;
type Expression = (args: readonly string[]) => string | null;

// Compares are spelled as conditions, and as values with a unary `+` on the boolean, never
// `cond ? 1 : 0`: V8 compiles that into a branch (a mispredicted one where the outcome is
// random, as the carry of an addition is), a boolean turned into a number into a flag read.
// Measured (a JS model of two dependent 64-bit additions of random words, CPU time, best of 6):
// 24.5 ms with `? 1 : 0` for the carry, 7.9 ms with `+(...)`.
const signedLess = (al: string, ah: string, bl: string, bh: string) =>
  `${ah} < ${bh} || (${ah} === ${bh} && (${al} >>> 0) < (${bl} >>> 0))`;
const unsignedLess = (al: string, ah: string, bl: string, bh: string) =>
  `(${ah} >>> 0) < (${bh} >>> 0) || (${ah} === ${bh} && (${al} >>> 0) < (${bl} >>> 0))`;
const not = (e: string) => `!(${e})`;

/** A compare `a OP b` as a JS condition, for operands given as their words. */
type Compare = (al: string, ah: string, bl: string, bh: string) => string;
const COMPARES: Record<string, Compare> = {
  Eq: (al, ah, bl, bh) => `((${al} ^ ${bl}) | (${ah} ^ ${bh})) === 0`,
  Ne: (al, ah, bl, bh) => `((${al} ^ ${bl}) | (${ah} ^ ${bh})) !== 0`,
  LtS: signedLess,
  LtU: unsignedLess,
  GtS: (al, ah, bl, bh) => signedLess(bl, bh, al, ah),
  GtU: (al, ah, bl, bh) => unsignedLess(bl, bh, al, ah),
  LeS: (al, ah, bl, bh) => not(signedLess(bl, bh, al, ah)),
  LeU: (al, ah, bl, bh) => not(unsignedLess(bl, bh, al, ah)),
  GeS: (al, ah, bl, bh) => not(signedLess(al, ah, bl, bh)),
  GeU: (al, ah, bl, bh) => not(unsignedLess(al, ah, bl, bh)),
};

/** Whether `x` is a plain word expression: repeating it reads the same word, with no effect. */
const plain = (x: string) => /^(\(fp \+ -?\d+\)|-?\d+)$/.test(x);

/**
 * Helpers returning an i32 0 or 1, spelled as JS conditions (their operands are read in
 * place): a call tested with `!== 0` becomes the condition, any other the condition's number.
 */
const CONDITIONS: Record<string, Expression> = {
  i64Eqz: ([a]) => `(${lo(a!)} | ${hi(a!)}) === 0`,
};
for (const [name, compare] of Object.entries(COMPARES)) {
  CONDITIONS[`i64${name}`] = ([a, b]) => compare(lo(a!), hi(a!), lo(b!), hi(b!));
  CONDITIONS[`i64${name}Imm`] = ([a, l, h]) => compare(lo(a!), hi(a!), `(${l})`, `(${h})`);
}

/** `name(...)` of the scratch words, for the helpers kept as calls. */
function viaScratch(name: string, d: string, a: string, b?: string): string {
  return `{
const $t = I64_SCRATCH;
$t[0] = ${lo(a)};
$t[1] = ${hi(a)};${b === undefined ? "" : `\n$t[2] = ${lo(b)};\n$t[3] = ${hi(b)};`}
${name}($t, 4, 0${b === undefined ? "" : ", 2"});
${put(d, "$t[4]", "$t[5]")}
}`;
}

/**
 * The carry (or borrow) `x < y` unsigned, as the number 0 or 1: the low halves' without a
 * condition, as the helpers spell them (`carryOut`, `borrowOut` in core/num/i64.ts: V8 makes
 * `c ? 1 : 0` a branch, which mispredicts on hash data; the lean spelling differs, see
 * `LEAN_SPELLINGS`).
 */
const below = (x: string, y: string) => `+((${x} >>> 0) < (${y} >>> 0))`;
const add = (d: string) =>
  block(
    "const $sl = ($al + $bl) | 0;",
    // The low halves overflowed (unsigned) iff their wrapped sum is below one of them.
    put(d, "$sl", `($ah + $bh + ${below("$sl", "$al")}) | 0`),
  );
const sub = (d: string) => put(d, "($al - $bl) | 0", `($ah - $bh - ${below("$al", "$bl")}) | 0`);
/**
 * The statements setting `$k` to the high word of the unsigned product al·bl (`$al`, and `$bl`
 * or the constant `bl`) from 16-bit limbs of both (a1, a0, b1, b0), all in int32 arithmetic:
 * `u = a1·b0 + (a0·b0 >>> 16)`, `v = a0·b1 + (u & 0xffff)`, high word
 * `a1·b1 + (u >>> 16) + (v >>> 16)`, since al·bl = (a1·b1 + ⌊u/2^16⌋)·2^32 + (a0·b1 + u mod
 * 2^16)·2^16 + a0·b0 mod 2^16. `u` and `v` stay below 2^32 (each is at most (2^16 - 1)^2 +
 * 2^16 - 1), so their `| 0` keeps every bit. With a constant `bl`, its limbs are literals.
 */
function limbHigh(bl?: number): string[] {
  const [b0, b1] = bl === undefined ? ["$b0", "$b1"] : [`${bl & 0xffff}`, `${bl >>> 16}`];
  return [
    "const $a0 = $al & 0xffff, $a1 = $al >>> 16;",
    ...(bl === undefined ? ["const $b0 = $bl & 0xffff, $b1 = $bl >>> 16;"] : []),
    `const $u = (Math.imul($a1, ${b0}) + (Math.imul($a0, ${b0}) >>> 16)) | 0;`,
    `const $v = (Math.imul($a0, ${b1}) + ($u & 0xffff)) | 0;`,
    `$k = (((Math.imul($a1, ${b1}) + ($u >>> 16)) | 0) + ($v >>> 16)) | 0;`,
  ];
}

/**
 * Whether the low word `$lo` of a product lies within 2^11 of a multiple of 2^32 (`(lo + 2048)
 * mod 2^32 < 4096`: its bits from 2^12 up are 0, `&` taking the sum mod 2^32), or the loop is in
 * its first iteration (`$warm` is 0 there, -4096 after: see `coldLoops` in codegen.ts).
 */
const PRODUCT_NEAR = "(($lo + 2048) & $warm) === 0";
/** A product's high word: the cross terms and the high word `$k` of al·bl. */
const PRODUCT_HIGH = "(((Math.imul($al, $bh) + Math.imul($ah, $bl)) | 0) + $k) | 0";

/**
 * `$al, $ah` times `$bl, $bh` (`bl`: the low word when it is a constant) mod 2^64 into `d`:
 * (ah·2^32 + al)(bh·2^32 + bl) mod 2^64 is al·bl + (al·bh + ah·bl)·2^32, where the cross terms
 * only matter mod 2^32 (`Math.imul`) and al·bl needs its high word `k` too.
 *
 * By a variable, `k` comes from 16-bit limbs (`limbHigh`): 4 more `Math.imul`, 7 in all, and
 * V8 issues one integer multiplication per cycle. By a constant, `k` is first taken from the
 * double product: `al >>> 0` times the literal bl·2^-32 is the rounded product al·bl scaled by
 * 2^-32 (a power of two: exact), and al·bl < 2^64 is rounded by at most 2^10, so that number is
 * k + (lo + e)/2^32 with lo = al·bl mod 2^32 (the low word, `Math.imul`) and |e| <= 2^10: its
 * truncation (`| 0`, mod 2^32) is k unless lo lies within 2^11 of a multiple of 2^32, which the
 * low word shows; there (one product in 2^20 of random words; always, for products below 2^11)
 * the limbs compute k. They do during the first iteration of a loop too (`$warm`, see
 * `coldLoops` in codegen.ts), so that V8 has seen them run before it optimises the loop: run
 * for the first time in optimised code, each site's limbs had sent the body back to the
 * interpreter.
 *
 * Measured (CPU time, best of 5, the same process as native V8): the high word from a call of
 * a helper (the same limbs in doubles), `bench/xxh64.wasm` 92 ms; from limbs, 51 ms (and
 * `bench/i64.wat` 94 -> 85 ms); from the double product by a constant, xxh64 29 ms (four lanes,
 * eight multiplications per 32 bytes: it was bound by the multiplier), while products on a
 * chain of latencies pay the conversions' few cycles: i64 37 -> 39 ms, `bench/hashtab.wasm`
 * within the noise (113-128 ms either way). By a variable, the double product needs the
 * variable converted and scaled too: in a JS model of a chain of such multiplications it took
 * 39 ms against the limbs' 34 ms. An innermost loop holding few products by a constant takes
 * the limbs for them too (`withFewProductsByLimbs`, below).
 */
function mulInto(d: string, bl?: number): string {
  const high = PRODUCT_HIGH;
  if (bl === undefined) {
    return block("let $k = 0;", ...limbHigh(), put(d, "Math.imul($al, $bl)", high));
  }
  return block(
    "const $lo = Math.imul($al, $bl);",
    `let $k = (($al >>> 0) * ${(bl >>> 0) * 2 ** -32}) | 0;`,
    `if (${PRODUCT_NEAR}) {`,
    ...limbHigh(bl),
    "}",
    put(d, "$lo", high),
  );
}
const mul = (d: string) => mulInto(d);
const bitwise = (op: string) => (d: string) => put(d, `$al ${op} $bl`, `$ah ${op} $bh`);

/** Binary helpers: the arithmetic on `$al, $ah, $bl, $bh` into `d`. */
const BINARY: Record<string, (d: string) => string> = {
  Add: add,
  Sub: sub,
  Mul: mul,
  And: bitwise("&"),
  Or: bitwise("|"),
  Xor: bitwise("^"),
};

/** Helpers writing an i64, spelled as statements. */
const STATEMENTS: Record<string, Statement> = {
  i64ExtendI32S: ([d, x]) => block(`const $l = ${x};`, put(d!, "$l", "$l >> 31")),
  i64ExtendI32U: ([d, x]) => block(`const $l = ${x};`, put(d!, "$l", "0")),
  i64Extend8S: ([d, a]) => block(`const $l = (${lo(a!)} << 24) >> 24;`, put(d!, "$l", "$l >> 31")),
  i64Extend16S: ([d, a]) => block(`const $l = (${lo(a!)} << 16) >> 16;`, put(d!, "$l", "$l >> 31")),
  i64Extend32S: ([d, a]) => block(`const $l = ${lo(a!)};`, put(d!, "$l", "$l >> 31")),
};
for (const [name, spellOp] of Object.entries(BINARY)) {
  STATEMENTS[`i64${name}`] = ([d, a, b]) => block(read2(a!, [b!]), spellOp(d!));
  STATEMENTS[`i64${name}Imm`] = ([d, a, l, h]) =>
    block(read2(a!, [`(${l})`, `(${h})`]), spellOp(d!));
}
// Two bitwise steps in one (`i64AndNot`, `i64XorAnd`, `i64AndXor` in core/num/i64.ts).
const read3 = (x: string, y: string, z: string) =>
  `const $al = ${lo(x)}, $ah = ${hi(x)}, $bl = ${lo(y)}, $bh = ${hi(y)}, $cl = ${lo(z)}, $ch = ${
    hi(z)
  };`;
STATEMENTS.i64AndNot = ([d, x, y]) => block(read2(x!, [y!]), put(d!, "$al & ~$bl", "$ah & ~$bh"));
STATEMENTS.i64XorAnd = ([d, x, y, z]) =>
  block(read3(x!, y!, z!), put(d!, "($al ^ $bl) & $cl", "($ah ^ $bh) & $ch"));
STATEMENTS.i64AndXor = ([d, x, y, z]) =>
  block(read3(x!, y!, z!), put(d!, "($al & $bl) ^ $cl", "($ah & $bh) ^ $ch"));
// By a constant, the constant's 16-bit limbs are spelled as literals.
STATEMENTS.i64MulImm = ([d, a, l, h]) =>
  block(
    read2(a!, [`(${l})`, `(${h})`]),
    /^-?\d+$/.test(l!) ? mulInto(d!, Number(l)) : mul(d!),
  );
const SHIFTS = { Shl: "shl", ShrS: "shrS", ShrU: "shrU", Rotl: "rotl" } as const;
for (const [name, kind] of Object.entries(SHIFTS)) {
  STATEMENTS[`i64${name}Imm`] = ([d, a, k]) =>
    /^-?\d+$/.test(k!)
      ? block(`const $al = ${lo(a!)}, $ah = ${hi(a!)};`, shiftBy(kind, d!, Number(k)))
      : null;
  STATEMENTS[`i64${name}`] = ([d, a, b]) =>
    block(`const $al = ${lo(a!)}, $ah = ${hi(a!)}, $k = ${lo(b!)};`, shiftByValue(kind, d!));
}
// The fused `x ^ (y >>> k)` and `x ^ rotl(y, k)` by a constant count (see their helpers): the
// shift's words are those above on `y`, each xored into `x`'s (as calls they kept their slots,
// the hash states of `bench/xxh64.wasm`, `sha512.wasm` and `i64.wat`, in the value stack).
for (const [name, kind] of [["i64XorShrUImm", "shrU"], ["i64XorRotlImm", "rotl"]] as const) {
  STATEMENTS[name] = ([d, x, y, k]) => {
    if (!/^-?\d+$/.test(k!)) return null;
    const [l, h] = shifted(kind, Number(k));
    return block(
      `const $xl = ${lo(x!)}, $xh = ${hi(x!)}, $al = ${lo(y!)}, $ah = ${hi(y!)};`,
      put(d!, `$xl ^ (${l})`, `$xh ^ (${h})`),
    );
  };
}
// A rotation of a xor by a constant (`i64RotlImmOfXor`): the rotation above on the xor's words.
STATEMENTS.i64RotlImmOfXor = ([d, x, y, k]) =>
  /^-?\d+$/.test(k!)
    ? block(
      `const $al = ${lo(x!)} ^ ${lo(y!)}, $ah = ${hi(x!)} ^ ${hi(y!)};`,
      shiftBy("rotl", d!, Number(k)),
    )
    : null;
// A subtraction of a shift by a constant (`i64SubShlImm`): the shift above on `y`'s words into
// `$b*`, then the difference from `x`'s (read first, as the helper does).
STATEMENTS.i64SubShlImm = ([d, x, y, k]) => {
  if (!/^-?\d+$/.test(k!)) return null;
  const [l, h] = shifted("shl", Number(k));
  return block(
    `const $xl = ${lo(x!)}, $xh = ${hi(x!)}, $al = ${lo(y!)}, $ah = ${hi(y!)};`,
    `const $bl = ${l}, $bh = ${h};`,
    block("const $al = $xl, $ah = $xh;", sub(d!)),
  );
};
// SHA-2's sigma row (`i64Sigma`, constant counts): `t = rotl(y, k1) ^ rotl(y, k2)`, then
// `rotl(y, k3) ^ t` (or `(y >>> k3) ^ t`) at `d`, each rotation or shift the words above on `y`.
// As a call it kept `bench/sha512.wasm`'s message words and working variables in the value
// stack. `t` is written first, as the helper does (where it is `d`, only `d`'s value remains).
STATEMENTS.i64Sigma = ([d, t, y, k1, k2, k3, shr]) => {
  if (![k1, k2, k3, shr].every((k) => /^-?\d+$/.test(k!))) return null;
  const [l1, h1] = shifted("rotl", Number(k1));
  const [l2, h2] = shifted("rotl", Number(k2));
  const [l3, h3] = shifted(Number(shr) !== 0 ? "shrU" : "rotl", Number(k3));
  return block(
    `const $al = ${lo(y!)}, $ah = ${hi(y!)};`,
    `const $tl = (${l1}) ^ (${l2}), $th = (${h1}) ^ (${h2});`,
    ...(t === d ? [] : [put(t!, "$tl", "$th")]),
    put(d!, `$tl ^ (${l3})`, `$th ^ (${h3})`),
  );
};
// A byte swap (`i64Bswap`): each word's bytes reversed, the words exchanged.
const bswap32 = (x: string) =>
  `((${x} << 24) | ((${x} & 0xff00) << 8) | ((${x} >>> 8) & 0xff00) | (${x} >>> 24))`;
// The load of a fused row's helper (`i64AddLoad`, `i64LoadMulImmAddRotlMulImm` in
// core/num/i64.ts): `x` = the i64 at `(s32[base] + imm) mod 2^32 + offset`, trapping past `len`.
STATEMENTS.i64LoadAt = ([view, len, x, base, imm, offset]) =>
  block(
    `const $ea = ((${lo(base!)} + ${imm}) >>> 0) + (${offset} >>> 0);`,
    `if ($ea + 8 > ${len}) throw trap(TrapCode.MemoryOutOfBounds);`,
    put(x!, `${view}.getInt32($ea, true)`, `${view}.getInt32($ea + 4, true)`),
  );
// Sums of a sum and of a load (core/num/i64.ts): their two steps, each spelled as above.
STATEMENTS.i64AddAdd = ([d, t, a, b, x]) => {
  const steps = [STATEMENTS.i64Add!([t!, a!, b!]), STATEMENTS.i64Add!([d!, t!, x!])];
  return steps.includes(null) ? null : steps.join("\n");
};
STATEMENTS.i64AddLoad = ([view, len, d, x, t, base, imm, offset]) => {
  const steps = [
    STATEMENTS.i64LoadAt!([view!, len!, t!, base!, imm!, offset!]),
    STATEMENTS.i64Add!([d!, x!, t!]),
  ];
  return steps.includes(null) ? null : steps.join("\n");
};
// A shift-xor and the product of it (core/num/i64.ts): its two steps, each spelled as above.
STATEMENTS.i64XorShrUMulImm = ([d, t, x, y, k, lo, hi]) => {
  const steps = [
    STATEMENTS.i64XorShrUImm!([t!, x!, y!, k!]),
    STATEMENTS.i64MulImm!([d!, t!, lo!, hi!]),
  ];
  return steps.includes(null) ? null : steps.join("\n");
};
// xxHash64's round with its load (core/num/i64.ts): its five steps, each spelled as above.
STATEMENTS.i64LoadMulImmAddRotlMulImm = (
  [view, len, d, u, a, acc, x, t, c1l, c1h, k, c2l, c2h, base, imm, offset],
) => {
  const steps = [
    STATEMENTS.i64LoadAt!([view!, len!, x!, base!, imm!, offset!]),
    STATEMENTS.i64MulImm!([t!, x!, c1l!, c1h!]),
    STATEMENTS.i64Add!([a!, acc!, t!]),
    STATEMENTS.i64RotlImm!([u!, a!, k!]),
    STATEMENTS.i64MulImm!([d!, u!, c2l!, c2h!]),
  ];
  return steps.includes(null) ? null : steps.join("\n");
};
STATEMENTS.i64Bswap = ([d, a]) =>
  block(`const $l = ${lo(a!)}, $h = ${hi(a!)};`, put(d!, bswap32("$h"), bswap32("$l")));
// A right rotation by a constant k is a left rotation by 64 - k (see `shiftByValue` for a count
// known only when it runs).
STATEMENTS.i64RotrImm = ([d, a, k]) =>
  /^-?\d+$/.test(k!) ? STATEMENTS.i64RotlImm!([d!, a!, `${64 - (Number(k) & 63)}`]) : null;
STATEMENTS.i64Rotr = ([d, a, b]) =>
  block(`const $al = ${lo(a!)}, $ah = ${hi(a!)}, $k = ${lo(b!)};`, shiftByValue("rotr", d!));
/**
 * Unsigned division by a nonzero divisor below 2^32 (the common case: a CPU profile of
 * `bench/i64.wat` put 60% of its time in the helper's general path, whose results go through
 * module variables) in locals, with one float division (the reciprocal `i = 1 / b`, which
 * depends on the divisor alone, so it is off the dividend's chain of latencies, and which V8
 * folds for a constant divisor), exact:
 * - the high word: `q2 = floor((h + 1/2) * i)`. (h + 1/2) / b lies at least 1/(2b) from any
 *   integer, and the product's two roundings (and `i`'s) move it by less than 2^-52 of a number
 *   below 2^32/b, 2^-20/b: its floor is floor(h / b), with no correction; `r = h - q2 * b` is
 *   exact in doubles;
 * - the low word: `t = r * 2^32 + l` is below `b * 2^32`, and `r * (i * 2^32) + l * i` (the
 *   second product off the chain too; three roundings of relative 2^-53 on two nonnegative
 *   terms, four on `i`'s) is within 2^-19 of `t / b`, so its floor `q` is off by at most one;
 *   the remainder `t - q * b` is then computed exactly (in int32 arithmetic for `b <= 2^30`,
 *   else in doubles with `q` split in 16-bit halves, every term below 2^51) and one step
 *   corrects `q`.
 * Measured on a JS copy of `bench/i64.wat`'s loop (CPU time, best of 6): 112 ms with the
 * previous long division in three float divisions, 91 ms with two; on the generated code of
 * `bench/i64.wat` (same process as native V8, best of 5), 40 ms with `h / b` and `t / b`, 37 ms
 * with the reciprocal (later 39 -> 38 ms with `t * i` split in two products). The high word's
 * bias instead of its correction (the generated loop of `bench/i64.wat` in a JS file, Deno, CPU
 * time, best of 15, alternating, two runs on a loaded machine): 39.3-39.8 -> 37.0-37.4 ms;
 * both quotients as float divisions for divisors up to 2^21 (exact, see `leanDivision`) gave
 * 38.0-38.6 ms there, and lose V8's folded reciprocal of a constant divisor
 * (`bench/hashtab.c`'s `% 12288`): the lean spelling alone takes them. Other divisors (and
 * zero, which traps) go to the helper.
 */
function divideU(name: "i64DivU" | "i64RemU", d: string, a: string, b: string): string {
  const rem = name === "i64RemU";
  const result = rem ? put(d, "$m", "0") : put(d, "$q", "$q2");
  return block(
    `const $bl = ${lo(b)}, $bh = ${hi(b)};`,
    "if ($bh === 0 && $bl !== 0) {",
    `const $b = $bl >>> 0, $h = ${hi(a)} >>> 0, $l = ${lo(a)} >>> 0;`,
    ...oneEstimate(rem ? put(d, "$m", "0") : put(d, "$f | 0", `($f * ${2 ** -32}) | 0`)),
    ...longDivision(rem),
    result,
    "}",
    "} else",
    viaScratch(name, d, a, b),
  );
}

/**
 * The head of `divideU`'s path for a divisor `$b` in [2^13, 2^30], writing `result` (of `$f`,
 * the quotient, or `$m`, the remainder), then `} else {` for other divisors, which
 * `longDivision` takes. The whole quotient is estimated at once, not word by word:
 * `f = floor(h·(i·2^32) + l·i)` with `i = 1 / b` has three roundings of relative 2^-53 on two
 * nonnegative terms (four on `i`'s), so it lies within 3.0001·2^-53 of z/b < 2^64/b: within
 * 3.0001·2^11/b <= 0.75 of it, and its floor is off by at most one. It is below 2^51, an exact
 * integer in doubles, and the remainder `z - f·b` lies in [-b, 2b), within the int32 range for
 * b <= 2^30: its low 32 bits, `l - f·b` in int32 arithmetic, are all of it, and one step
 * corrects `f`. The quotient's words are `f | 0` (ToInt32: f mod 2^32) and `f·2^-32` truncated
 * (exact scaling, nonnegative, below 2^19). Each path writes its own result: merged, V8 kept
 * the quotient's words as doubles at the join and converted them twice.
 * The high word's quotient and remainder (`longDivision`) are a chain of six floating-point
 * operations before the low word's estimate can start; this is two. Measured (CPU time, a
 * loaded 2-core machine): the generated loop of `bench/i64.wat` (divisor `i | 1`) copied into a
 * JS file, best of 21, three runs alternating, 34.2-34.8 -> 33.6-33.8 ms; the engines of this
 * tree and the one before alternated in one process beside native V8, best of 15, three runs,
 * `bench/hashtab.wasm` (`% 12288`, a constant divisor) 62.8 -> 59.4, 61.8 -> 56.3, 71.8 -> 67.4
 * ms at scale 0.5, `bench/i64.wat` within the noise (34.8 -> 34.9, 33.6 -> 34.1, 50.6 -> 48.3).
 */
function oneEstimate(result: string): string[] {
  return [
    "if ((($bl - 8192) >>> 0) <= 1073733632) {",
    "const $i = 1 / $b;",
    "let $f = Math.floor($h * ($i * 4294967296) + $l * $i);",
    "let $m = ($l - Math.imul($f, $b)) | 0;",
    "if ($m < 0) {",
    "$f--;",
    "$m += $b;",
    "} else if ($m >= $b) {",
    "$f++;",
    "$m -= $b;",
    "}",
    result,
    "} else {",
  ];
}

/**
 * The statements dividing the unsigned 64-bit `$h`·2^32 + `$l` by `$b` (nonzero, below 2^32;
 * all three numbers): the quotient's words `$q2`, `$q` and (with `rem`) the remainder `$m`, an
 * int32 holding the remainder's bits (see `divideU`). The estimate `$q` is off by at most one,
 * so the exact remainder `t - q·b` lies in [-b, 2b): for `b <= 2^30` that is within the int32
 * range, and its low 32 bits, `l - q·b` in int32 arithmetic, are the whole of it; larger
 * divisors compute it in doubles.
 * Measured (a loop of such divisions by odd divisors below 2^22, CPU time, best of 6): 21 ms
 * with the remainder always in doubles, 9 ms with it in int32 arithmetic.
 */
const generalDivision = [
  "const $i = 1 / $b;",
  "$q2 = Math.floor(($h + 0.5) * $i);",
  "const $r = $h - $q2 * $b;",
  "$q = Math.floor($r * ($i * 4294967296) + $l * $i);",
  "if ($b <= 0x40000000) {",
  "$m = ($l - Math.imul($q, $b)) | 0;",
  "if ($m < 0) {",
  "$q--;",
  "$m += $b;",
  "} else if ($m >= $b) {",
  "$q++;",
  "$m -= $b;",
  "}",
  "} else {",
  "const $qh = Math.floor($q / 65536);",
  "let $n = ($r * 65536 - $qh * $b) * 65536 + $l - ($q - $qh * 65536) * $b;",
  "if ($n < 0) {",
  "$q--;",
  "$n += $b;",
  "} else if ($n >= $b) {",
  "$q++;",
  "$n -= $b;",
  "}",
  "$m = $n | 0;",
  "}",
];
const longDivision = (rem: boolean) => [declareQuotient(rem), ...generalDivision];
/**
 * The declaration of the quotient's words and remainder, `$m` first where the remainder is
 * the result: the same statement either way, but `leanI64` tells the two apart by it.
 */
const declareQuotient = (rem: boolean) =>
  rem ? "let $m = 0, $q2 = 0, $q = 0;" : "let $q2 = 0, $q = 0, $m = 0;";

/**
 * The lean spelling of `longDivision`: a divisor up to 2^21 (`bench/i64.wat` divides by a loop
 * counter) takes two float divisions, each exact after its floor, fewer operations than the
 * reciprocal's path where nothing folds a constant: `h / b` and `t / b` (`t = (h - q2·b)·2^32 +
 * l`, below b·2^32 <= 2^53, so exact) are quotients of integers whose rounding (at most
 * 2^-53·2^32/b) cannot reach the next integer, at least 1/b away. Each is floored with `>>> 0`
 * (a bytecode, not a call of `Math.floor`); the low one with `| 0` (its words are all that is
 * read of it: an int32, never a heap number). A quotient's remainder is not computed (the
 * interpreter would still call `Math.imul`).
 */
const leanDivision = (rem: boolean) => [
  declareQuotient(rem),
  "if ($b <= 0x200000) {",
  "$q2 = ($h / $b) >>> 0;",
  "const $t = ($h - $q2 * $b) * 4294967296 + $l;",
  "$q = ($t / $b) | 0;",
  ...(rem ? ["$m = ($l - Math.imul($q, $b)) | 0;"] : []),
  "} else {",
  "$q = $lean_divide($h, $l, $b);",
  "$q2 = $lean_divided[0];",
  "$m = $lean_divided[1];",
  "}",
];

/** The quotient's high word and the remainder `divideWords` computed last. */
export const DIVIDED: Int32Array = new Int32Array(2);

/**
 * What `generalDivision` spells, as a call: the lean spelling calls it (bound as `$lean_divide`
 * by `leanSource` in codegen_lean.ts) for a divisor above 2^21: the low word of the quotient of
 * `h`·2^32 + `l` by `b` (`b` nonzero), its high word and the remainder's bits in `DIVIDED`,
 * computed by the interpreter's own `divU32` (core/num/i64.ts). Out of a hot loop's body its two dozen statements cost
 * no bytecodes or feedback slots where the divisors are small (`bench/i64.wat`).
 */
export function divideWords(h: number, l: number, b: number): number {
  return divU32Words(h >>> 0, l >>> 0, b >>> 0, DIVIDED);
}
STATEMENTS.i64DivU = ([d, a, b]) => divideU("i64DivU", d!, a!, b!);
STATEMENTS.i64RemU = ([d, a, b]) => divideU("i64RemU", d!, a!, b!);

/**
 * Signed division by a divisor that fits in an i32, other than 0 and -1 (those trap or
 * overflow: the helper's): the magnitudes divided as above, the quotient negated when the signs
 * differ, the remainder taking the dividend's sign, as `i64.div_s`/`i64.rem_s` truncate.
 */
function divideS(name: "i64DivS" | "i64RemS", d: string, a: string, b: string): string {
  const result = name === "i64DivS"
    ? [
      "if ($neg !== ($bl < 0)) {",
      put(d, "-$q", "~$q2 + ($q === 0 ? 1 : 0)"),
      "} else {",
      put(d, "$q", "$q2"),
      "}",
    ]
    : [put(d, "$neg ? -$m : $m", "$neg && $m !== 0 ? -1 : 0")];
  return block(
    `const $bl = ${lo(b)}, $bh = ${hi(b)};`,
    "if ($bh === $bl >> 31 && $bl !== 0 && $bl !== -1) {",
    `const $al = ${lo(a)}, $ah = ${hi(a)}, $neg = $ah < 0;`,
    // |a| as an unsigned 64-bit number (2^63 for the most negative), |b| up to 2^31.
    "const $l = $neg ? -$al >>> 0 : $al >>> 0;",
    "const $h = $neg ? (~$ah + ($al === 0 ? 1 : 0)) >>> 0 : $ah >>> 0;",
    "const $b = $bl < 0 ? -$bl : $bl;",
    ...longDivision(name === "i64RemS"),
    ...result,
    "} else",
    viaScratch(name, d, a, b),
  );
}
STATEMENTS.i64DivS = ([d, a, b]) => divideS("i64DivS", d!, a!, b!);
STATEMENTS.i64RemS = ([d, a, b]) => divideS("i64RemS", d!, a!, b!);
// Bit counts on the words (through the scratch words they kept their slots in the value stack).
// (Both words are read first: the result may overwrite them.)
STATEMENTS.i64Clz = ([d, a]) =>
  block(
    `const $l = ${lo(a!)}, $h = ${hi(a!)};`,
    put(d!, "$h !== 0 ? Math.clz32($h) : 32 + Math.clz32($l)", "0"),
  );
STATEMENTS.i64Ctz = ([d, a]) =>
  block(
    `const $l = ${lo(a!)}, $h = ${hi(a!)};`,
    put(d!, "$l !== 0 ? u32Ctz($l) : 32 + u32Ctz($h)", "0"),
  );
STATEMENTS.i64Popcnt = ([d, a]) =>
  block(`const $l = ${lo(a!)}, $h = ${hi(a!)};`, put(d!, "u32Popcnt($l) + u32Popcnt($h)", "0"));

/** The number of trailing zero bits of the int32 `x` (32 for 0). */
export function u32Ctz(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/** The number of one bits of the int32 `x`. */
export function u32Popcnt(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Helpers returning a number, spelled as expressions (their operands are read in place). An
 * i64 to f64 is `hi·2^32 + lo` with both terms exact (lo as unsigned), so their sum is the one
 * rounding, as the helpers compute it; to f32 the helpers' care about double rounding is kept by
 * calling them on the scratch words. As calls on slot indices, these and the truncations below
 * kept their i64 slots in the value stack: a loop of a 64-bit LCG through `f64.convert_i64_s/u`,
 * `i64.trunc_f64_s` and `i64.trunc_sat_f64_u` (2,000,000 iterations, CPU time, best of 6, same
 * process as native V8) took 41 ms (4.2x) with the calls, 34 ms (3.5x) spelled on the words.
 */
const VALUES: Record<string, Expression> = {
  f64ConvertI64S: ([a]) => `(${hi(a!)} * 4294967296 + (${lo(a!)} >>> 0))`,
  f64ConvertI64U: ([a]) => `((${hi(a!)} >>> 0) * 4294967296 + (${lo(a!)} >>> 0))`,
  f32ConvertI64S: ([a]) =>
    `(I64_SCRATCH[0] = ${lo(a!)}, I64_SCRATCH[1] = ${hi(a!)}, f32ConvertI64S(I64_SCRATCH, 0))`,
  f32ConvertI64U: ([a]) =>
    `(I64_SCRATCH[0] = ${lo(a!)}, I64_SCRATCH[1] = ${hi(a!)}, f32ConvertI64U(I64_SCRATCH, 0))`,
};

/**
 * A float truncated to i64 (`name`, the helper: trapping or saturating) into `d`: in range
 * (the helper's own test) the words of `Math.trunc(x)` are `⌊t / 2^32⌋` and the rest, both
 * exact (power-of-two scaling); out of range the helper, on the scratch words, traps or
 * saturates.
 */
function truncate(name: string, d: string, x: string): string {
  const signed = name.endsWith("S");
  const inRange = signed
    ? "$x >= -9223372036854775808 && $x < 9223372036854775808"
    : "$x > -1 && $x < 18446744073709551616";
  return block(
    `const $x = ${x};`,
    `if (${inRange}) {`,
    "const $t = Math.trunc($x), $h = Math.floor($t / 4294967296);",
    put(d, "$t - $h * 4294967296", "$h"),
    "} else {",
    `${name}(I64_SCRATCH, 0, $x);`,
    put(d, "I64_SCRATCH[0]", "I64_SCRATCH[1]"),
    "}",
  );
}
for (const from of ["F32", "F64"]) {
  for (const sat of ["", "Sat"]) {
    for (const sign of ["S", "U"]) {
      const name = `i64Trunc${sat}${from}${sign}`;
      STATEMENTS[name] = ([d, x]) => truncate(name, d!, x!);
    }
  }
}

/** The arguments of the call whose `(` is at `open` in `js`, and the index after its `)`. */
export function argsAt(js: string, open: number): { args: string[]; end: number } | null {
  const args: string[] = [];
  let level = 0, from = open + 1;
  for (let i = open + 1; i < js.length; i++) {
    const ch = js[i];
    if (ch === "(" || ch === "[" || ch === "{") level++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      if (level === 0) {
        args.push(js.slice(from, i).trim());
        return { args, end: i + 1 };
      }
      level--;
    } else if (ch === "," && level === 0) {
      args.push(js.slice(from, i).trim());
      from = i + 1;
    }
  }
  return null;
}

/** A read of a slot's word or float: `s32[(fp + k)]`, `f32[(fp + k)]`, `f64[(fp + k) >> 1]`. */
/** The memory view and its length, which the fused loads' helpers take. */
const MEMORY = /^(mview|memLen)$/;

const SLOT_READ = /^(s32\[\(fp \+ -?\d+\)\]|f32\[\(fp \+ -?\d+\)\]|f64\[\(fp \+ -?\d+\) >> 1\])$/;

/**
 * Whether a call between `before` and `after` is tested as `call !== 0` with nothing binding
 * tighter on either side (a branch's condition: `if (i64LtS(...) !== 0) {`).
 */
function testedAlone(before: string, after: string): boolean {
  return /^ !== 0\s*([)};,?:&|]|$)/.test(after) &&
    /(^|[({;,?:]|&&|\|\||[^=!<>]=)\s*$/.test(before);
}

/**
 * `js` (one instruction's JavaScript) with its calls of the i64 helpers on the value stack
 * (`i64Xxx(s32, ...)`) spelled on the words instead. A call is rewritten only where its slot
 * operands are plain word expressions (read more than once) and, for the helpers writing a
 * result, where it is a whole statement.
 */
export function lowerI64(js: string): string {
  if (!js.includes("64")) return js;
  const call = /(?<![\w$.])((?:i64|f64ConvertI64|f32ConvertI64)\w*)\(s32, /g;
  let out = "";
  let from = 0;
  for (let m = call.exec(js); m !== null; m = call.exec(js)) {
    const name = m[1]!;
    const statement = STATEMENTS[name];
    const condition = CONDITIONS[name];
    const value = VALUES[name];
    if (statement === undefined && condition === undefined && value === undefined) continue;
    const parsed = argsAt(js, m.index + name.length);
    if (parsed === null) continue;
    const args = parsed.args.slice(1);
    let spelled: string | null = null;
    let end = parsed.end;
    // Operands are read more than once: only slots, constants and reads of a slot qualify.
    if (!args.every((x) => plain(x) || SLOT_READ.test(x) || MEMORY.test(x))) continue;
    if (value !== undefined) spelled = value(args);
    else if (condition !== undefined) {
      const cond = condition(args);
      if (cond !== null && testedAlone(js.slice(0, m.index), js.slice(end))) {
        spelled = `(${cond})`;
        end += 6;
      } else if (cond !== null) spelled = `(+(${cond}))`;
    } else if (js[end] === ";") {
      // A helper writing a result is rewritten only where its call is a whole statement.
      spelled = statement!(args);
      end++;
    }
    if (spelled === null) continue;
    out += js.slice(from, m.index) + spelled;
    from = end;
    call.lastIndex = end;
  }
  return out + js.slice(from);
}

/**
 * The lean spelling (`Config.codegenStyle`, see codegen_lean.ts) of what `lowerI64` writes, for
 * engines that interpret JavaScript without a JIT (measured under `node --jitless`). There every
 * operation is a bytecode the interpreter dispatches, and a number that is not a small integer
 * (a double, or `x >>> 0` at or above 2^31, which i64 words are half the time) is a heap object
 * allocated where it is made; each pair below is one spelling of this module and its lean form,
 * with the same value:
 * - a carry `x < y` unsigned compares the words with their sign bits flipped (`x ^ -2^31`,
 *   an int32 whatever `x`) and picks 1 or 0 with a jump, rather than adding a boolean;
 * - a product's rare exact path is tested with the constant mask, not `$warm`: a loop's first
 *   iteration only matters to a JIT (`coldLoops` in codegen.ts), so the variable and its writes
 *   go too;
 * - a product's high word is one sum of three int32s (exact in doubles) and one `| 0`, and its
 *   low word (`$lo`, an int32 from `Math.imul`) is written without the `| 0` a slot kept in a
 *   local gets (see `promotable` in codegen.ts), as is a sum's (`$sl`);
 * - a divisor up to 2^21 divides in two float divisions (`leanDivision`).
 * Measured under `node --jitless` (CPU time, a loaded 2-core machine): `bench/i64.wat`'s
 * generated loop copied into a JS file, 100,000 iterations, best of 9, two runs alternating,
 * 71.9-72.8 ms before, 61.5-61.7 ms after; the library bundled, `run(size)` at
 * `bench:jitless`'s scale 0.1, best of 3, three runs alternating: i64 211-215 -> 179-182 ms,
 * xxh64 317-328 -> 305-310 ms, sha512 213-216 -> 200-201 ms. The product's single sum then
 * (xxh64's generated function in a JS file, best of 3, three runs alternating): 312-318 ->
 * 307-310 ms.
 */
const LEAN_SPELLINGS: readonly (readonly [string, string])[] = [
  [below("$sl", "$al"), "(($sl ^ -2147483648) < ($al ^ -2147483648) ? 1 : 0)"],
  [below("$al", "$bl"), "(($al ^ -2147483648) < ($bl ^ -2147483648) ? 1 : 0)"],
  [PRODUCT_NEAR, "(($lo + 2048) & -4096) === 0"],
  [PRODUCT_HIGH, "(Math.imul($al, $bh) + Math.imul($ah, $bl) + $k) | 0"],
  [" = ($lo) | 0;", " = $lo;"],
  [" = ($sl) | 0;", " = $sl;"],
  ...[false, true].map((rem) =>
    [longDivision(rem).join("\n"), leanDivision(rem).join("\n")] as const
  ),
];

/**
 * The high word (an int32) of the unsigned product of the words `a` and `b` (int32s read as
 * unsigned): the limbs of `limbHigh`, which the lean spelling calls here for a product's rare
 * exact path (see `RARE_LIMBS`).
 */
export function mulHighU32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const u = (Math.imul(a1, b0) + (Math.imul(a0, b0) >>> 16)) | 0;
  const v = (Math.imul(a0, b1) + (u & 0xffff)) | 0;
  return (((Math.imul(a1, b1) + (u >>> 16)) | 0) + (v >>> 16)) | 0;
}

/**
 * A product's rare exact path by a constant (`limbHigh(bl)` in `mulInto`), whose limbs the lean
 * spelling replaces by a call of `mulHighU32` (bound as `$lean_mulhi` by `leanSource` in
 * codegen_lean.ts): under `node --jitless` every bytecode and feedback slot of a hot loop counts
 * even where it never runs, since a function past 255 feedback slots or registers pays a
 * `Wide` prefix on the bytecodes that name them, and these limbs were 4 `Math.imul` and a dozen
 * operations per product (xxh64's split loop had 249 of its 1,052 bytecodes prefixed).
 */
const RARE_LIMBS = new RegExp(
  [
    String.raw`\{\nconst \$a0 = \$al & 0xffff, \$a1 = \$al >>> 16;`,
    String
      .raw`const \$u = \(Math\.imul\(\$a1, (\d+)\) \+ \(Math\.imul\(\$a0, \1\) >>> 16\)\) \| 0;`,
    String.raw`const \$v = \(Math\.imul\(\$a0, (\d+)\) \+ \(\$u & 0xffff\)\) \| 0;`,
    String
      .raw`\$k = \(\(\(Math\.imul\(\$a1, \2\) \+ \(\$u >>> 16\)\) \| 0\) \+ \(\$v >>> 16\)\) \| 0;\n\}`,
  ].join("\n"),
  "g",
);

/**
 * A product's high word by a constant from the double product, the first two lines of
 * `mulInto`'s spelling: what `withFewProductsByLimbs` rewrites.
 */
const DOUBLE_HIGH = new RegExp(
  String.raw`^let \$k = \(\(\$al >>> 0\) \* [\d.e+-]+\) \| 0;\nif \(${
    PRODUCT_NEAR.replace(/[()$+&]/g, "\\$&")
  }\) \{$`,
  "gm",
);

/** A structured loop's header (`F` loops are the metered spelling's inner runs). */
const LOOP_HEADER = /^[LF]\d+: for \(;;\) \{$/gm;

/** The most products by a constant an innermost loop may hold for them to take the limbs. */
const FEW_PRODUCTS = 2;

/**
 * The longest loop (characters of source) searched for its end: each loop costs at most that,
 * however deeply loops nest (a linear pass); a longer one keeps its products as they were.
 */
const LOOP_WINDOW = 16000;

/**
 * `source` (a body of the jit style) with the products by a constant of each innermost loop
 * holding at most `FEW_PRODUCTS` of them spelled on the limbs alone (`limbHigh`, always run: the
 * high word's exact path, no double product and no test), the products of other loops and
 * outside loops as `mulInto` spells them. The limbs take four more `Math.imul` (V8 issues one a
 * cycle) but no conversions to and from doubles, whose latency an iteration's chain pays: where
 * a loop holds few products, what decides is how far the iterations overlap, not the multiplier;
 * where it holds many (xxHash64's four lanes, eight products), the multiplier.
 * Measured (engines of this tree and the one before alternated in one process, CPU time, best of
 * 25-30, a loaded 2-core machine, ratio to native V8 in the same process): `bench/i64.wat` (two
 * products) 41.3 -> 36.0 ms and 39.3 -> 34.6 ms; loops of 64-bit lanes `x = rotl(x·c1, 31)·c2`
 * (2,000,000 iterations) with one lane (two products) 14.7 -> 11.5 ms; with every loop's
 * products on the limbs, two lanes 14.6 -> 14.5 ms, three lanes 16.0 -> 21.9 ms and
 * `bench/xxh64.wasm` (eight) 41.0 -> 52.3 ms; `bench/hashtab.wasm` 131.8 -> 126.4 ms (noise).
 */
export function withFewProductsByLimbs(source: string): string {
  if (!source.includes("$warm")) return source;
  let out = "";
  let from = 0;
  for (const m of source.matchAll(LOOP_HEADER)) {
    const start = m.index!;
    if (start < from) continue;
    const window = source.slice(start, start + LOOP_WINDOW);
    const end = closingBrace(window, m[0].length - 1);
    if (end < 0) continue;
    const loop = window.slice(0, end + 1);
    // An outer loop: its inner loops are reached by this walk on their own.
    if (/\b(?:for|while) \(|\bdo \{/.test(loop.slice(m[0].length))) continue;
    const count = loop.match(DOUBLE_HIGH)?.length ?? 0;
    if (count === 0 || count > FEW_PRODUCTS) continue;
    // The limbs' block, once the exact path's, now always runs.
    out += source.slice(from, start) + loop.replace(DOUBLE_HIGH, "let $k = 0;\n{");
    from = start + end + 1;
  }
  return from === 0 ? source : out + source.slice(from);
}

/** `oneEstimate`'s path, up to the `} else {` that opens `longDivision`'s. */
const ONE_ESTIMATE = new RegExp(
  String.raw`^${oneEstimate("")[0]!.replace(/[()$+&.*{]/g, "\\$&")}\n[^]*?\n\} else \{\n`,
  "gm",
);

/** `js` (a body `lowerI64` spelled) with the i64 arithmetic in its lean spelling (see above). */
export function leanI64(js: string): string {
  // An unsigned division's one estimate (`oneEstimate`) goes: the lean spelling's own small
  // path (`leanDivision`) is fewer bytecodes.
  js = js.replace(ONE_ESTIMATE, "{\n");
  for (const [jit, lean] of LEAN_SPELLINGS) js = js.replaceAll(jit, lean);
  js = js.replace(
    RARE_LIMBS,
    (_, b0, b1) => `{\n$k = $lean_mulhi($al, ${((Number(b1) << 16) | Number(b0)) | 0});\n}`,
  );
  if (!js.includes("$warm")) return js;
  // `$warm` without a reader: its declaration and writes (`coldLoops` in codegen.ts) go.
  const stripped = js
    .replace(/^(?:let \$warm = 0|const \$warm = -4096|\$warm = 0);\n/gm, "")
    .replace(/\{\n\$warm = -4096;\n(continue [LF]\d+;)\n\}/g, "$1");
  return stripped.includes("$warm") ? js : stripped;
}
