/**
 * v128 operations spelled on lane words, for the code generator (`codegen.ts`).
 *
 * The SIMD rows' templates call `simd.ts` / `simd_mem.ts` helpers with slot indices
 * (`f32x4Add(f32, (fp + 8), (fp + 12), (fp + 16))`): each call reads and writes the value
 * stack, so a v128 can never live in JS locals, and each operation is a call. This module
 * rewrites such calls into the same operation spelled on the four words of each slot, word `i`
 * of the v128 at `k` as `s32[(fp + k) + i]` (`s32[(fp + k)]` for word 0), its f32 lanes as
 * `f32[(fp + k) + i]`. `laneSlots` then numbers words 1-3 as slots of their own, so that the
 * generator keeps each lane as it keeps a scalar (`promotable` in codegen.ts, `splitSlotValues`
 * in codegen_slots.ts): an integer lane in an int32 local, an f32 lane in a number local from an
 * arithmetic result to its use, and `f32Slots` keeps f32 lanes that are never read as bits
 * after a load in one number local for the whole function (accumulators, loop invariants).
 *
 * ## Same bits as the interpreter
 * Every spelling computes what its helper computes, word for word:
 * - integer lanes: the helpers' own SWAR formulas on 32-bit words;
 * - f32 lanes: the helpers' own arithmetic, on the same `Float32Array` view (or, in a number
 *   local, on the number that view gives, rounded as storing into it rounds); moves (loads,
 *   stores, shuffles, splats, lane words copied) never go through a number unless every use of
 *   the value is arithmetic, so a signalling NaN keeps its bits, as in the interpreter (see
 *   codegen_slots.ts on NaN bits in number locals); one exception, in both tiers alike: when
 *   both operands of an add or a multiply are NaN, which payload the result keeps is the
 *   machine's choice (x64 keeps the first operand's), and V8's optimising tiers may swap a
 *   commutative operation's operands, so after many calls the tiers have been seen to differ
 *   there (spec-allowed: the result is still an arithmetic NaN);
 * - memory: the same `DataView` reads and writes, after the same bounds check (nothing is
 *   written before it), with the address operand read before any result word is written (the
 *   result may be the address's slot).
 * tests/engine/codegen_v128_test.ts runs each spelling against its helper on the same operands,
 * NaN payloads included, and whole functions in both tiers. Helpers not listed here, and calls
 * whose operands it cannot read, are left as they are: their slots stay in the value stack.
 *
 * ## Measured
 * Per run of `bench/vec_float.c` (scale 2500) and `bench/vec_bytes.c` (scale 100) in the codegen
 * tier, steady state (runs 10-12 of 12 in one process, two processes each, busy 2-core
 * machine): vec_float 180-199 ms with the helper calls, 45-49 ms now; vec_bytes 147-205 ms,
 * 97-120 ms. Spelling f32 lanes on int32 words through `f32Of`/`f32Bits` instead of the f32
 * view was 6x slower (300 ms against 53 ms for vec_float before lanes were kept apart). The
 * cost: the generated functions are 2-4x longer, and V8 takes longer to optimise them; their
 * first call runs 1.5-2x slower (vec_bytes 0.75 s -> 1.2-1.8 s), and around the 8th call of
 * vec_float two calls ran in baseline code while TurboFan compiled the whole function (0.7-1.1 s
 * each; the helper-call version showed no such calls; now gone, see codegen_split.ts).
 *
 * Size is speed here: V8 optimises a function with TurboFan only up to 60 KiB of bytecode
 * (`--max-optimized-bytecode-size`); above it, Maglev code only. `bench/vec_bytes.c`'s `run`
 * (every kernel inlined into it) was 97,607 bytes with each operation's words in locals of its
 * own; lanes computed in place, shuffles as one mask per input word and shift, constant shift
 * counts as literals, i16x8 sums by carry fix-up, no `| 0` after int32 expressions and a zero
 * vector's terms dropped (`zeroLanes`) made it 55,771 (`--print-bytecode`, the `Bytecode length`
 * of the generated `wasm`; 60,739 before `zeroLanes`, when the figures below were taken). Per call, in one
 * process on a 2-core machine under load 12 (three processes each): the first call 1.29-1.48 s
 * (3.08-4.22 s before), the fastest of calls 12-16 73-95 ms (205-292 ms; native 3.8-18 ms in
 * the same runs), once TurboFan has compiled it (around the 9th call; before that, calls run
 * unoptimised at 230-560 ms while it compiles).
 *
 * How to measure a change here on a shared machine: time each split loop (`$loop<t>`, see
 * codegen_split.ts) per call and take its minimum over calls 14-40 (a minimum is steady where
 * whole-call medians swing 2x), and count V8 bytecode (`--print-bytecode`, `Bytecode length`),
 * which is compile time. So measured, against the generator before the branchless integer
 * spellings, the narrows' fast path, the typed-array words (`typedLanes`) and the known
 * constants (`knownWords`): `bench/vec_bytes.c`'s loops, blur 7.0 -> 2.6 ms, sum of absolute
 * differences 2.4 -> 1.6, brighten 2.5 -> 1.9, threshold count 2.3 -> 1.7; all its code 19.8 ->
 * 13.4 ms per call (native ~3.9 ms); its blur loop 31.6 -> 32.4 KB of bytecode on the way.
 * Main-thread CPU of calls 2-6 (the benchmark's timed calls) 26 -> 18-22 ms, of calls 11-20 20-24
 * -> 13-14 ms. `bench/vec_float.c` unchanged (its loops are f32 arithmetic on number locals).
 *
 * Where `bench/vec_float.c` stands (December 2026, codegen tier, AMD EPYC): its v128 build's
 * loops take 1.1-1.3 ns per lane (`perf record` of 60 runs: saxpy 1.27, clamp 1.27, dot product
 * 1.17, matrix times vector 1.1), and the v128 build's run is 1.0-1.1x the scalar build's,
 * which does the same element operations (least CPU of runs 4-15); its ratio to native is 3x
 * the scalar build's because native SIMD runs that program about 2.7x faster than native scalar
 * code (`deno task bench --tier codegen`: 3.39 against 9.31 ms). The f32 loops are bound by
 * float conversions (`scripts/jit_loops.ts`): a number local is a double, so each load is a
 * `cvtss2sd`, each rounded operation a `cvtsd2ss` and a `cvtss2sd` (`Math.fround`), each store
 * a `cvtsd2ss`; per lane saxpy has 7 of them, the dot product 4.75 (the scalar build 5.75), the
 * clamp 2, and they share two pipes with the adds. Lanes computed lane by lane rather than v128
 * by v128 (fewer live values: the dot product loop spills 83 of its 441 instructions) measured
 * the same (1.08 and 1.09 ns per lane, that loop alone), as did f32 lanes on a `Float32Array`
 * (see `typedLanes`; least CPU per run 20.2-23.0 ms against 20.6-27.1, four processes each).
 *
 * @module
 */

import { TrapCode } from "../core/trap.ts";
import { argsAt } from "./codegen_i64.ts";
import * as slotValues from "./codegen_slots.ts";

/**
 * The functions the spellings below call, none of which throws (codegen.ts needs no fuel
 * write-back before them).
 */
export const V128_PURE: readonly string[] = [
  "f32Of",
  "f32Bits",
  "f32LaneMin",
  "f32LaneMax",
  "v128NarrowU8",
  "v128NarrowU16",
  "v128EqBytes",
];

/** Word `i` of the v128 at word expression `x`. */
const word = (x: string, i: number, view = "s32") =>
  i === 0 ? `${view}[${x}]` : `${view}[${x} + ${i}]`;

/** Whether `x` is a slot: `(fp + k)`. */
const isSlot = (x: string) => /^\(fp \+ -?\d+\)$/.test(x);
/** Whether `x` is an integer literal. */
const isInt = (x: string) => /^-?\d+$/.test(x);

/** Four lane expressions, `e(i)` for word `i`. */
type Lanes = (i: number) => string;

/** The view a v128's words are read or written through: as int32 bits or as f32 numbers. */
type View = "s32" | "f32";

/** A v128 operand: the slot `slot`, its words `$<name>0`..`$<name>3` in lane expressions. */
interface Operand {
  readonly name: string;
  readonly slot: string;
  readonly view: View;
}
const operand = (name: string, slot: string, view: View = "s32"): Operand => ({ name, slot, view });

/**
 * The statements computing the four words `lanes` into the v128 at `d`, word 0 first, each
 * written as soon as it is computed: a lane expression reads the operands' words in place
 * (`$a1` is `s32[(fp + k) + 1]`), so that no word needs a local of its own. An operand that is
 * `d` itself and whose word `j` some word `i > j` reads (a narrow, a shuffle) is read into
 * locals `$<name>0`.. first, before word `j` is overwritten. `pre` runs before any write (a
 * bounds check, a shift count).
 *
 * Why in place: V8 gives every `const` of a function a register of its own (none is reused
 * across blocks), and the twelve locals per operation made the `run` of `bench/vec_bytes.c`
 * 97,607 bytes of bytecode, above TurboFan's limit (`--max-optimized-bytecode-size`, 60 KiB),
 * so that V8 ran it in Maglev code only (see the module doc, Measured).
 */
function put4(
  d: string,
  operands: readonly Operand[],
  pre: readonly string[],
  lanes: Lanes,
  view: View = "s32",
): string {
  const exprs = [0, 1, 2, 3].map(lanes);
  const reads: string[] = [];
  const inPlace = new Map<string, string>();
  for (const o of operands) {
    const early = o.slot === d &&
      exprs.some((e, i) =>
        [...e.matchAll(new RegExp(`\\$${o.name}([0-3])\\b`, "g"))].some((m) => Number(m[1]) < i)
      );
    if (early) reads.push(read4(o.name, o.slot, o.view));
    else for (let i = 0; i < 4; i++) inPlace.set(`$${o.name}${i}`, word(o.slot, i, o.view));
  }
  const writes = exprs.map((e, i) =>
    `${word(d, i, view)} = ${e.replace(/\$[a-z][0-3]\b/g, (w) => inPlace.get(w) ?? w)};`
  );
  return `{\n${[...reads, ...pre, ...writes].join("\n")}\n}`;
}

/** Reads the four words of the v128 at `x` into `$<name>0`..`$<name>3` (f32 lanes as numbers). */
function read4(name: string, x: string, view: View = "s32"): string {
  return `const ${[0, 1, 2, 3].map((i) => `$${name}${i} = ${word(x, i, view)}`).join(", ")};`;
}

/** The effective address `$ea` of an access of `n` bytes at `addr + offset`, bounds-checked. */
function address(addr: string, offset: string, n: number): string[] {
  // `(x | 0) >>> 0` is `x >>> 0`, and a literal offset is added as its value (none if 0):
  // fewer bytecodes for every v128 access (see `put4` on V8's bytecode limit).
  const inner = addr.startsWith("(") && closes(addr) ? addr.slice(1, -1) : addr;
  const sum = /^(\(.*\)) \| 0$/.exec(inner);
  const base = sum !== null && closes(sum[1]!) ? sum[1]! : `(${addr})`;
  const plus = !isInt(offset)
    ? ` + (${offset} >>> 0)`
    : Number(offset) === 0
    ? ""
    : ` + ${Number(offset) >>> 0}`;
  return [
    `const $ea = (${base} >>> 0)${plus};`,
    // The trap's code as its number: no load of `TrapCode` and its property in every check.
    `if ($ea + ${n} > memLen) throw trap(${TrapCode.MemoryOutOfBounds});`,
  ];
}

/** Whether the parenthesis that opens `x` closes at its end. */
function closes(x: string): boolean {
  let depth = 0;
  for (let i = 0; i < x.length; i++) {
    depth += x[i] === "(" ? 1 : x[i] === ")" ? -1 : 0;
    if (depth === 0) return i === x.length - 1;
  }
  return false;
}

/** The address of word `i` of a 16-byte access at `$ea`. */
const at = (i: number) => (i === 0 ? "$ea" : `$ea + ${4 * i}`);

/**
 * The bounds-checked addresses `$ea` and `$eb` of `f32x4MulLoad2`'s two 16-byte loads, at
 * `base + imm` and `base + imm2` (each sum wrapped to 32 bits).
 */
function address2(base: string, imm: string, imm2: string): string[] {
  return [
    `const $ea = (${base} + ${imm}) >>> 0, $eb = (${base} + ${imm2}) >>> 0;`,
    `if ($ea + 16 > memLen || $eb + 16 > memLen) throw trap(${TrapCode.MemoryOutOfBounds});`,
  ];
}

/** Lane `i` of the f32 vectors loaded at `$ea` and at `$eb`. */
const loadA = (i: number) => `mview.getFloat32(${at(i)}, true)`;
const loadB = (i: number) => `mview.getFloat32(${i === 0 ? "$eb" : `$eb + ${4 * i}`}, true)`;

/** `$a` and `$b` words lane-wise added (`low` masks each lane's bits but its top one). */
const addLanes = (low: number) => (i: number) =>
  `(($a${i} & ${low}) + ($b${i} & ${low})) ^ (($a${i} ^ $b${i}) & ${~low})`;
/** `$a` and `$b` words lane-wise subtracted (`low` as in `addLanes`). */
const subLanes = (low: number) => (i: number) =>
  `(($a${i} | ${~low}) - ($b${i} & ${low})) ^ (($a${i} ^ ~$b${i}) & ${~low})`;

/**
 * `$a` and `$b` words halfword-wise added (`sign` 1) or subtracted (-1): the whole words' sum or
 * difference `$t`, less the carry (plus the borrow) that crossed into the high halfword, bit 16
 * of `$t ^ a ^ b` (the low halfword has no carry in, so that is its own carry; with four byte
 * lanes it is not). The helpers' words in 5 operations instead of 6 (7 for a difference): 1.4 KB
 * less bytecode for the 48 `i16x8.add`s of `bench/vec_bytes.c` (see `put4`).
 */
function halfSum(sign: 1 | -1): Spelling {
  const op = sign === 1 ? "+" : "-", fix = sign === 1 ? "-" : "+";
  return ([d, a, b]) =>
    [d, a, b].every(isSlot)
      ? put4(
        d!,
        [operand("a", a!), operand("b", b!)],
        ["let $t;"],
        (i) => `($t = $a${i} ${op} $b${i}) ${fix} (($t ^ $a${i} ^ $b${i}) & 65536)`,
      )
      : null;
}

/** A helper `(s, d, a, b)` whose word `i` is `lanes(i)` of `$a<i>`, `$b<i>`. */
const binary = (lanes: Lanes) => ([d, a, b]: readonly string[]) =>
  [d, a, b].every(isSlot) ? put4(d!, [operand("a", a!), operand("b", b!)], [], lanes) : null;
/** As `binary`, on f32 lanes: `lanes(i)` is a number, written as its f32 bits. */
const binaryF = (lanes: Lanes) => ([d, a, b]: readonly string[]) =>
  [d, a, b].every(isSlot)
    ? put4(d!, [operand("a", a!, "f32"), operand("b", b!, "f32")], [], lanes, "f32")
    : null;
/** As `binaryF`, with a third operand `$c<i>`. */
const ternaryF = (lanes: Lanes) => ([d, a, b, c]: readonly string[]) =>
  [d, a, b, c].every(isSlot)
    ? put4(
      d!,
      [operand("a", a!, "f32"), operand("b", b!, "f32"), operand("c", c!, "f32")],
      [],
      lanes,
      "f32",
    )
    : null;
/** A helper `(s, d, a)` whose word `i` is `lanes(i)` of `$a<i>`. */
const unary = (lanes: Lanes) => ([d, a]: readonly string[]) =>
  [d, a].every(isSlot) ? put4(d!, [operand("a", a!)], [], lanes) : null;

/**
 * A shift of each lane of `$a` by the count `n` (any i32 expression) modulo `bits`, the lanes
 * `bits` wide: `lane(i)` the word expression, `$k` in it the count and `$m` the mask clearing the
 * bits that crossed into the next lane, `mask(k)` (as the helpers compute it, `maskJs` the same
 * in JavaScript of `$k`; null where `lane` needs none). A literal count (an i32 constant the
 * instruction before wrote, see `lowerV128`) makes `$k` and `$m` literals: `bench/vec_bytes.c`'s
 * shifts (all by constants) took 7.1 KB of its 80 KB of V8 bytecode with them computed.
 */
function shift(
  bits: 8 | 16 | 32,
  mask: ((k: number) => number) | null,
  maskJs: string,
  lane: Lanes,
): Spelling {
  return ([d, a, n]) => {
    if (!isSlot(d!) || !isSlot(a!)) return null;
    if (isInt(n!)) {
      const k = Number(n) & (bits - 1), m = mask === null ? 0 : mask(k);
      return put4(
        d!,
        [operand("a", a!)],
        [],
        (i) => lane(i).replaceAll("$k", `${k}`).replaceAll("$m", `${m}`),
      );
    }
    const pre = [`const $k = (${n}) & ${bits - 1};`];
    if (mask !== null) pre.push(`const $m = ${maskJs};`);
    return put4(d!, [operand("a", a!)], pre, lane);
  };
}
const byteMask = 0x01010101, halfMask = 0x10001;

/**
 * Wasm's `min` and `max` of two f32 lanes (lane expressions, numbers, read more than once: words
 * or locals), as `f32LaneMin` and `f32LaneMax` below compute them. Spelled in place: as calls
 * of those, V8 did not inline them into the long bodies they were in, and each call took its
 * lanes as heap numbers (`bench/vec_float.c`'s clamp loop, `deno run --cpu-prof`: 9% of a
 * run's samples in the two helpers and 8% in the collector).
 *
 * Left branching on purpose (December 2026). A clamp (`f32x4MaxMin`) picked without a branch,
 * `t = s[+(a > b)]` from a `Float64Array` holding `b, a` (V8 makes that a `seta` and a load),
 * then `t < c` alike, kept where `(a + b + c) * t` is neither 0 nor NaN (else this exact
 * spelling), took `bench/vec_float.c`'s clamp loop alone (Deno 2.9, ns per lane, best of 9)
 * from 4.4 to 2.1 on lanes in a short repeating pattern, but from 1.1-1.3 to 2.0-2.1 on lanes
 * inside the bounds or on 2048 random lanes read again each call, which is what that program
 * does (each round clamps the same `y`): the branch predictor learns the sequence. In the
 * codegen tier its whole run got slower, least CPU per run (runs 4-15 of 15, 3 processes per
 * tree, alternating) 20.7-21.1 ms -> 23.1-37.8 ms, and still 22.4-25.2 ms with the pick alone
 * (no test, inexact), so it was not kept.
 */
export const laneMin = (x: string, y: string): string =>
  `(${x} < ${y} ? ${x} : ${y} < ${x} ? ${y} : ${x} === ${y} ? (${x} !== 0 || 1 / ${x} < 0 ? ${x} : ${y}) : NaN)`;
export const laneMax = (x: string, y: string): string =>
  `(${x} > ${y} ? ${x} : ${y} > ${x} ? ${y} : ${x} === ${y} ? (${x} !== 0 || 1 / ${x} > 0 ? ${x} : ${y}) : NaN)`;

/** Wasm's `min` of two f32 lanes (numbers): NaN if either is, -0 below +0 (as `simd.ts`). */
export function f32LaneMin(x: number, y: number): number {
  if (x < y) return x;
  if (y < x) return y;
  if (x === y) return x !== 0 || 1 / x < 0 ? x : y;
  return NaN;
}

/** Wasm's `max` of two f32 lanes (numbers): NaN if either is, +0 above -0 (as `simd.ts`). */
export function f32LaneMax(x: number, y: number): number {
  if (x > y) return x;
  if (y > x) return y;
  if (x === y) return x !== 0 || 1 / x > 0 ? x : y;
  return NaN;
}

/** The four i16 lanes of words `x`, `y` saturated to unsigned bytes, as one word. */
export function v128NarrowU8(x: number, y: number): number {
  return satU8((x << 16) >> 16) | (satU8(x >> 16) << 8) | (satU8((y << 16) >> 16) << 16) |
    (satU8(y >> 16) << 24);
}

/** The i32s `x`, `y` saturated to unsigned halfwords, as one word (x low). */
export function v128NarrowU16(x: number, y: number): number {
  return (x < 0 ? 0 : x > 65535 ? 65535 : x) | ((y < 0 ? 0 : y > 65535 ? 65535 : y) << 16);
}

const satU8 = (x: number) => (x < 0 ? 0 : x > 255 ? 255 : x);

/** `x` clamped to `[lo, hi]` (int32s: V8 spells `Math.min`/`Math.max` of int32s without a branch). */
const clampInt = (x: string, lo: number, hi: number) => `Math.min(Math.max(${x}, ${lo}), ${hi})`;

/**
 * 0xff in each byte of word `x` greater than `y`'s, as unsigned bytes, else 0 (`i8x16.gt_u`):
 * `x > y` is not `y >= x`, the top bit of each lane where y >= x from the lanes' top bits where
 * they differ, else from the difference of the other bits (which cannot borrow out of the lane).
 */
const gtBytesU = (x: string, y: string) =>
  `~((((${y} & ~${x} | ~(${y} ^ ${x}) & ((${y} | -2139062144) - (${x} & 2139062143))) & ` +
  `-2139062144) >>> 7) * 255)`;

/** 0xff in each byte of `x` equal to `y`'s, else 0 (`i8x16.eq`). */
export function v128EqBytes(x: number, y: number): number {
  const t = x ^ y;
  // The top bit of each byte of t that is not 0 (its low 7 bits' sum carries into it).
  const nonzero = (((t & 0x7f7f7f7f) + 0x7f7f7f7f) | t) & -0x7f7f7f80;
  return ~((nonzero >>> 7) * 0xff);
}

/** The bytes of bytecode V8 spends on the integer constant `c` (Smi operands of 1, 2, 4 bytes). */
const constantCost = (c: number) => (c >= -128 && c < 128 ? 1 : c >= -32768 && c < 32768 ? 2 : 4);

/** Word `i` of a shuffle's result: the bytes the packed lane indices `k` pick from `$a`/`$b`. */
function shuffleWord(k: number): string {
  // The result bytes taken from one input word by one displacement move together (a whole
  // word, a halfword, bytes 1 and 3 in place), as one mask and one shift. This made
  // `bench/vec_bytes.c`'s shuffles (zero extensions, interleaves) a third smaller in V8
  // bytecode than one mask and shift per run of consecutive bytes.
  const groups = new Map<string, { src: string; by: number; mask: number }>();
  for (let j = 0; j < 4; j++) {
    const at = (k >>> (8 * j)) & 31;
    const src = `$${at < 16 ? "a" : "b"}${(at >> 2) & 3}`;
    const by = 8 * (j - (at & 3));
    const key = `${src} ${by}`;
    const g = groups.get(key) ?? { src, by, mask: 0 };
    g.mask |= 0xff << (8 * (at & 3));
    groups.set(key, g);
  }
  const bytes = [0, 1, 2, 3].map((j) => (k >>> (8 * j)) & 31);
  if (bytes.every((b) => b === bytes[0])) {
    // One byte in all four (a byte splat): that byte times 0x01010101 (below 2^32, exact).
    const at = bytes[0]!, src = `$${at < 16 ? "a" : "b"}${(at >> 2) & 3}`, p = at & 3;
    const byte = p === 0
      ? `(${src} & 255)`
      : p === 3
      ? `(${src} >>> 24)`
      : `((${src} >>> ${8 * p}) & 255)`;
    return `${byte} * ${byteMask}`;
  }
  const parts = [...groups.values()].map(({ src, by, mask }) => {
    if (by === 0) return mask === -1 ? src : `(${src} & ${mask})`;
    // The mask before the shift or after it, whichever is the smaller constant; none where the
    // shift itself drops every byte the mask would clear.
    const shift = by > 0 ? `<< ${by}` : `>>> ${-by}`;
    const after = by > 0 ? (mask << by) | 0 : mask >>> -by;
    const full = by > 0 ? -1 << by : -1 >>> -by;
    if (after === (full | 0) || after === full) return `(${src} ${shift})`;
    return constantCost(after) < constantCost(mask)
      ? `((${src} ${shift}) & ${after | 0})`
      : `((${src} & ${mask}) ${shift})`;
  });
  return parts.join(" | ");
}

type Spelling = (args: readonly string[]) => string | null;

/** The helpers taking the slot array first (`name(s32, ...)`), by name: their spellings. */
const PLAIN: Record<string, Spelling> = {
  v128And: binary((i) => `$a${i} & $b${i}`),
  v128Andnot: binary((i) => `$a${i} & ~$b${i}`),
  v128Or: binary((i) => `$a${i} | $b${i}`),
  v128Xor: binary((i) => `$a${i} ^ $b${i}`),
  v128Not: unary((i) => `~$a${i}`),
  v128AnyTrue: ([d, a]) =>
    isSlot(d!) && isSlot(a!)
      ? `${word(d!, 0)} = (${[0, 1, 2, 3].map((i) => word(a!, i)).join(" | ")}) !== 0 ? 1 : 0;`
      : null,
  i8x16Eq: binary((i) => `v128EqBytes($a${i}, $b${i})`),
  v128Splat32: (
    [d, a],
  ) => (isSlot(d!) && isSlot(a!) ? put4(d!, [], [`const $a = ${word(a!, 0)};`], () => "$a") : null),
  i8x16Add: binary(addLanes(0x7f7f7f7f)),
  i8x16Sub: binary(subLanes(0x7f7f7f7f)),
  i16x8Add: halfSum(1),
  i16x8Sub: halfSum(-1),
  i16x8Mul: binary((i) =>
    `(Math.imul($a${i} >> 16, $b${i} >> 16) << 16) | (Math.imul($a${i}, $b${i}) & 0xffff)`
  ),
  i32x4Add: binary((i) => `$a${i} + $b${i}`),
  i32x4Sub: binary((i) => `$a${i} - $b${i}`),
  i32x4Mul: binary((i) => `Math.imul($a${i}, $b${i})`),
  i8x16Shl: shift(
    8,
    (k) => Math.imul((0xff << k) & 0xff, byteMask),
    `Math.imul((0xff << $k) & 0xff, ${byteMask})`,
    (i) => `($a${i} << $k) & $m`,
  ),
  i8x16ShrU: shift(
    8,
    (k) => Math.imul(0xff >>> k, byteMask),
    `Math.imul(0xff >>> $k, ${byteMask})`,
    (i) => `($a${i} >>> $k) & $m`,
  ),
  i16x8Shl: shift(
    16,
    (k) => Math.imul((0xffff << k) & 0xffff, halfMask),
    `Math.imul((0xffff << $k) & 0xffff, ${halfMask})`,
    (i) => `($a${i} << $k) & $m`,
  ),
  i16x8ShrU: shift(
    16,
    (k) => Math.imul(0xffff >>> k, halfMask),
    `Math.imul(0xffff >>> $k, ${halfMask})`,
    (i) => `($a${i} >>> $k) & $m`,
  ),
  i16x8ShrS: shift(
    16,
    null,
    "",
    (i) => `(($a${i} >> $k) & -0x10000) | ((($a${i} << 16) >> ($k + 16)) & 0xffff)`,
  ),
  // JS shifts take their count mod 32, as i32x4 shifts do.
  i32x4Shl: shift(32, null, "", (i) => `$a${i} << $k`),
  i32x4ShrS: shift(32, null, "", (i) => `$a${i} >> $k`),
  i32x4ShrU: shift(32, null, "", (i) => `$a${i} >>> $k`),
  simdShuffle: ([d, a, b, ...ks]) => {
    if (![d, a, b].every(isSlot) || ks.length !== 4 || !ks.every(isInt)) return null;
    const picks = ks.map(Number);
    const fromB = picks.some((k) => [0, 8, 16, 24].some((s) => ((k >>> s) & 31) >= 16));
    const operands = [operand("a", a!)];
    if (fromB) operands.push(operand("b", b!));
    return put4(d!, operands, [], (i) => shuffleWord(picks[i]!));
  },
  // The zero-extending shape spelled as any shuffle (on lane words its test buys nothing).
  simdShuffleZx: ([d, a, b, k0, k1, k2, k3]) =>
    PLAIN.simdShuffle!([d!, a!, b!, k0!, k1!, k2!, k3!]),
  // Loads and stores: `(s32, mview, ...)`.
  // Each word its own 4-byte load or store at `$ea + 4i` (`LOAD32`/`STORE32` in
  // codegen_slots.ts), which codegen_slots.ts respells as an f32 one where a lane is used as an
  // f32 (`splitSlotValues`, after `laneSlots`).
  v128Load: ([view, d, addr, offset]) => {
    if (view !== "mview" || !isSlot(d!)) return null;
    const loads = [0, 1, 2, 3].map((i) => `${word(d!, i)} = mview.getInt32(${at(i)}, true);`);
    return `{\n${[...address(addr!, offset!, 16), ...loads].join("\n")}\n}`;
  },
  simdStore: ([view, addr, offset, v]) => {
    if (view !== "mview" || !isSlot(v!)) return null;
    const stores = [0, 1, 2, 3].map((i) => `mview.setInt32(${at(i)}, ${word(v!, i)}, true);`);
    return `{\n${[...address(addr!, offset!, 16), ...stores].join("\n")}\n}`;
  },
};

/** The helpers taking the f32 view first (`name(f32, ...)`). */
const FLOAT: Record<string, Spelling> = {
  f32x4Add: binaryF((i) => `$a${i} + $b${i}`),
  f32x4Sub: binaryF((i) => `$a${i} - $b${i}`),
  f32x4Mul: binaryF((i) => `$a${i} * $b${i}`),
  f32x4Div: binaryF((i) => `$a${i} / $b${i}`),
  f32x4Min: binaryF((i) => laneMin(`$a${i}`, `$b${i}`)),
  f32x4Max: binaryF((i) => laneMax(`$a${i}`, `$b${i}`)),
  f32x4MulAdd: ternaryF((i) => `Math.fround($a${i} * $b${i}) + $c${i}`),
  f32x4MaxMin: ([d, a, b, c]) =>
    [d, a, b, c].every(isSlot)
      ? put4(
        d!,
        [operand("a", a!, "f32"), operand("b", b!, "f32"), operand("c", c!, "f32")],
        ["let $t;"],
        (i) => `($t = ${laneMax(`$a${i}`, `$b${i}`)}, ${laneMin("$t", `$c${i}`)})`,
        "f32",
      )
      : null,
  f32x4MulLoad: ([view, d, a, addr, offset]) =>
    view === "mview" && isSlot(d!) && isSlot(a!)
      ? put4(
        d!,
        [operand("a", a!, "f32")],
        address(addr!, offset!, 16),
        (i) => `$a${i} * mview.getFloat32(${at(i)}, true)`,
        "f32",
      )
      : null,
  f32x4MulLoad2: ([view, d, base, imm, imm2]) =>
    view === "mview" && isSlot(d!) && isInt(imm!) && isInt(imm2!)
      ? put4(d!, [], address2(base!, imm!, imm2!), (i) => `${loadA(i)} * ${loadB(i)}`, "f32")
      : null,
  f32x4MulLoad2Add: ([view, d, base, imm, imm2, c]) =>
    view === "mview" && isSlot(d!) && isInt(imm!) && isInt(imm2!) && isSlot(c!)
      ? put4(
        d!,
        [operand("c", c!, "f32")],
        address2(base!, imm!, imm2!),
        (i) => `Math.fround(${loadA(i)} * ${loadB(i)}) + $c${i}`,
        "f32",
      )
      : null,
  // The helper loads into `d` first: where `d` is `b` or `c`, that operand is the load.
  f32x4MaxMinLoad: ([view, d, b, c, addr]) =>
    view === "mview" && isSlot(d!) && isSlot(b!) && isSlot(c!)
      ? put4(
        d!,
        [operand("b", b!, "f32"), operand("c", c!, "f32")],
        [...address(addr!, "0", 16), "let $l, $t;"],
        (i) =>
          `($l = mview.getFloat32(${at(i)}, true), $t = ${
            laneMax("$l", b === d ? "$l" : `$b${i}`)
          }, ${laneMin("$t", c === d ? "$l" : `$c${i}`)})`,
        "f32",
      )
      : null,
  f32x4MulLoadAdd: ([view, d, a, addr, offset, c]) =>
    view === "mview" && isSlot(d!) && isSlot(a!) && isSlot(c!)
      ? put4(
        d!,
        [operand("a", a!, "f32"), operand("c", c!, "f32")],
        address(addr!, offset!, 16),
        (i) => `Math.fround($a${i} * mview.getFloat32(${at(i)}, true)) + $c${i}`,
        "f32",
      )
      : null,
};

/** A widening of the operand's words `from`, `from + 1`: word i is `lane(word, i & 1)`. */
function widen(from: number, lane: (x: string, half: number) => string): Spelling {
  return unary((i) => lane(`$a${from + (i >> 1)}`, i & 1));
}
/** The two bytes of half `half` of word `x`, zero-extended to halfwords. */
const byteU = (x: string, half: number) =>
  half === 0
    ? `(${x} & 255) | ((${x} << 8) & 16711680)`
    : `((${x} >>> 16) & 255) | ((${x} >>> 8) & 16711680)`;
/** The two bytes of word `x` at `x << lo >> 24` and `x << hi >> 24`, sign-extended to halfwords. */
const byteS = (x: string, lo: number, hi: number) =>
  `(((${x} << ${lo}) >> 24) & 65535) | (${
    hi === 0 ? `(${x} >> 24)` : `((${x} << ${hi}) >> 24)`
  } << 16)`;

/** The generic one-operand operations (`simdUnary(op, s32, d, a)`) spelled here, by sub-opcode. */
const UNARY: Record<number, Spelling> = {
  // i8x16.splat, i16x8.splat, i32x4.splat, f32x4.splat (a scalar's bits in every lane)
  0x0f: ([d, a]) => splat(d!, a!, `Math.imul(${word(a!, 0)} & 0xff, ${byteMask})`),
  0x10: ([d, a]) => splat(d!, a!, `Math.imul(${word(a!, 0)} & 0xffff, ${halfMask})`),
  0x11: ([d, a]) => splat(d!, a!, word(a!, 0)),
  0x13: ([d, a]) => splat(d!, a!, word(a!, 0)),
  // i32x4.abs with no branch (see `BINARY` on branches): x, or ~x + 1 where x < 0.
  0xa0: unary((i) => `($a${i} ^ $a${i} >> 31) - ($a${i} >> 31)`),
  0xa1: unary((i) => `-$a${i}`), // i32x4.neg
  // The widenings, as `simd.ts` computes them: word i of the result from the half i & 1 of
  // the operand's word i >> 1 (low) or 2 + (i >> 1) (high). Calls of the helper before: each
  // kept its operand and result in the value stack (its words in no local).
  0x87: widen(0, (x, half) => half === 0 ? byteS(x, 24, 16) : byteS(x, 8, 0)),
  0x88: widen(2, (x, half) => half === 0 ? byteS(x, 24, 16) : byteS(x, 8, 0)),
  0x89: widen(0, byteU),
  0x8a: widen(2, byteU),
  0xa7: widen(0, (x, half) => half === 0 ? `(${x} << 16) >> 16` : `${x} >> 16`),
  0xa8: widen(2, (x, half) => half === 0 ? `(${x} << 16) >> 16` : `${x} >> 16`),
  0xa9: widen(0, (x, half) => half === 0 ? `${x} & 65535` : `${x} >>> 16`),
  0xaa: widen(2, (x, half) => half === 0 ? `${x} & 65535` : `${x} >>> 16`),
};

function splat(d: string, a: string, value: string): string | null {
  return isSlot(d) && isSlot(a) ? put4(d, [], [`const $a = ${value};`], () => "$a") : null;
}

/**
 * A narrowing operation: each result word packs two input words through `pack(x, y)` (two
 * word expressions), words 0-1 from `a`'s four words and words 2-3 from `b`'s.
 */
function narrow(pack: (x: string, y: string) => string): Spelling {
  return ([d, a, b]) =>
    [d, a, b].every(isSlot)
      ? put4(
        d!,
        [operand("a", a!), operand("b", b!)],
        [],
        (i) =>
          i < 2 ? pack(`$a${2 * i}`, `$a${2 * i + 1}`) : pack(`$b${2 * i - 4}`, `$b${2 * i - 3}`),
      )
      : null;
}

/** Signed lanes of word `x` (`half` 0: the low halfword, 1: the high one). */
const halfS = (x: string, half: number) => (half === 0 ? `(${x} << 16 >> 16)` : `(${x} >> 16)`);

/**
 * `x` as unsigned (its bits with the top one flipped, for `Math.min`/`Math.max` of int32s,
 * which V8 spells without a branch, where `x >>> 0 < y >>> 0 ? x : y` branches on the data).
 */
const flip = (x: string) => `${x} ^ -2147483648`;

/**
 * The generic two-operand operations (`simdBinary(op, s32, d, a, b)`) spelled here.
 *
 * No conditional on lane data where its outcome is data: V8 branches on each (no conditional
 * moves for them) and mispredicts on data such as `bench/vec_bytes.c`'s differences
 * (microbenchmark, 1M random lanes, CPU time: an i32x4.abs as `x < 0 ? -x : x` 37 ms, as
 * `(x ^ x >> 31) - (x >> 31)` 6 ms; `x >>> 0 < y >>> 0 ? x : y` 37 ms, `Math.min` of the
 * words with their top bits flipped 7 ms: V8 spells `Math.min` of int32s without a branch). A
 * test that data rarely fails is cheaper than the branchless form, though: the narrows test
 * whether the lanes are in range already (per-loop minima of 40 calls, blur 8.3 ms branchless,
 * 5.8 ms so, 6.9 ms with the helpers' per-lane tests).
 */
const BINARY: Record<number, Spelling> = {
  0x28: binary((i) => gtBytesU(`$a${i}`, `$b${i}`)), // i8x16.gt_u
  // i8x16.narrow_i16x8_s: each i16 lane clamped, its low byte
  0x65: narrow((x, y) =>
    [halfS(x, 0), halfS(x, 1), halfS(y, 0), halfS(y, 1)]
      .map((h, j) => {
        const c = clampInt(h, -128, 127);
        return j === 0 ? `${c} & 255` : j === 3 ? `${c} << 24` : `(${c} & 255) << ${8 * j}`;
      })
      .join(" | ")
  ),
  // i8x16.narrow_i16x8_u: where all four lanes are bytes already (a test V8 predicts where the
  // data is so, as after a mask), only packed; else by a call (out of line: spelled in place,
  // both paths made the blur loop of `bench/vec_bytes.c` a third more V8 bytecode).
  0x66: narrow((x, y) =>
    `((${x} | ${y}) & -16711936) === 0 ? (${x} | ${x} >>> 8) & 65535 | (${y} | ${y} >>> 8) << 16 : ` +
    `v128NarrowU8(${x}, ${y})`
  ),
  // i16x8.narrow_i32x4_s
  0x85: narrow((x, y) =>
    `${clampInt(x, -32768, 32767)} & 65535 | ${clampInt(y, -32768, 32767)} << 16`
  ),
  // i16x8.narrow_i32x4_u: as i8x16.narrow_i16x8_u
  0x86: narrow((x, y) =>
    `(${x} | ${y}) >>> 16 === 0 ? ${x} | ${y} << 16 : v128NarrowU16(${x}, ${y})`
  ),
  0xb6: binary((i) => `Math.min($a${i}, $b${i})`), // i32x4.min_s
  0xb7: binary((i) => `${flip(`Math.min(${flip(`$a${i}`)}, ${flip(`$b${i}`)})`)}`), // i32x4.min_u
  0xb8: binary((i) => `Math.max($a${i}, $b${i})`), // i32x4.max_s
  0xb9: binary((i) => `${flip(`Math.max(${flip(`$a${i}`)}, ${flip(`$b${i}`)})`)}`), // i32x4.max_u
};

/** The bit selects (`simdTernary(op, s32, d, a, b, c)`: bitselect, relaxed_laneselect). */
const bitselect: Spelling = ([d, a, b, c]) =>
  [d, a, b, c].every(isSlot)
    ? put4(
      d!,
      [operand("a", a!), operand("b", b!), operand("c", c!)],
      [],
      (i) => `($a${i} & $c${i}) | ($b${i} & ~$c${i})`,
    )
    : null;
const TERNARY: Record<number, Spelling> = {
  0x52: bitselect,
  0x109: bitselect,
  0x10a: bitselect,
  0x10b: bitselect,
  0x10c: bitselect,
};

/** A lane of the v128 at `a` into the scalar at `d`, by sub-opcode and lane (a literal). */
function extractLane([d, a, lane]: readonly string[], op: number): string | null {
  if (!isSlot(d!) || !isSlot(a!) || !isInt(lane!)) return null;
  const k = Number(lane);
  const byte = word(a!, (k >> 2) & 3), half = word(a!, (k >> 1) & 3);
  switch (op) {
    case 0x15: // i8x16.extract_lane_s
      return `${word(d!, 0)} = (${byte} << ${24 - 8 * (k & 3)}) >> 24;`;
    case 0x16: // i8x16.extract_lane_u
      return `${word(d!, 0)} = (${byte} >>> ${8 * (k & 3)}) & 0xff;`;
    case 0x18: // i16x8.extract_lane_s
      return `${word(d!, 0)} = (${half} << ${16 - 16 * (k & 1)}) >> 16;`;
    case 0x19: // i16x8.extract_lane_u
      return `${word(d!, 0)} = (${half} >>> ${16 * (k & 1)}) & 0xffff;`;
    case 0x1b: // i32x4.extract_lane
    case 0x1f: // f32x4.extract_lane
      return `${word(d!, 0)} = ${word(a!, k & 3)};`;
    case 0x1d: // i64x2.extract_lane
    case 0x21: // f64x2.extract_lane (both words read first: `d` may be `a`)
      return `{\nconst $l = ${word(a!, 2 * (k & 1))}, $h = ${word(a!, 2 * (k & 1) + 1)};\n${
        word(d!, 0)
      } = $l;\n${word(d!, 1)} = $h;\n}`;
  }
  return null;
}

/** The loads (`simdLoad(op, s32, mview, d, addr, offset)`) spelled here, by sub-opcode. */
const LOAD: Record<number, Spelling> = {
  0x00: ([view, d, addr, offset]) => PLAIN.v128Load!([view!, d!, addr!, offset!]),
  // v128.load16x4_s / _u: four halfwords, each widened to a word
  0x03: load(8, (i) => `mview.getInt16(${i === 0 ? "$ea" : `$ea + ${2 * i}`}, true)`),
  0x04: load(8, (i) => `mview.getUint16(${i === 0 ? "$ea" : `$ea + ${2 * i}`}, true)`),
  // v128.load32x2_s / _u
  0x05: load(8, (i) => (i & 1) === 0 ? `$w${i >> 1}` : `$w${i >> 1} >> 31`, true),
  0x06: load(8, (i) => (i & 1) === 0 ? `$w${i >> 1}` : "0", true),
  // v128.load32_splat, v128.load32_zero, v128.load64_zero
  0x09: load(4, () => "$w0", true),
  0x5c: load(4, (i) => (i === 0 ? "$w0" : "0"), true),
  0x5d: load(8, (i) => (i < 2 ? `$w${i}` : "0"), true),
};

/** A load of `n` bytes whose word `i` is `lane(i)` (`$w0`, `$w1`: the words read, if `words`). */
function load(n: number, lane: Lanes, words = false): Spelling {
  return ([view, d, addr, offset]) => {
    if (view !== "mview" || !isSlot(d!)) return null;
    const pre = address(addr!, offset!, n);
    if (words) {
      pre.push(
        `const ${
          Array.from({ length: n >> 2 }, (_, i) => `$w${i} = mview.getInt32(${at(i)}, true)`).join(
            ", ",
          )
        };`,
      );
    }
    return put4(d!, [], pre, lane);
  };
}

/** The `V128Const` row's JavaScript. */
const CONST128 =
  /^s32\[\(fp \+ (-?\d+)\)\] = (-?\d+);\s*s32\[\(fp \+ \1\) \+ 1\] = (-?\d+);\s*s32\[\(fp \+ \1\) \+ 2\] = (-?\d+);\s*s32\[\(fp \+ \1\) \+ 3\] = (-?\d+);$/;

/**
 * The interpreter's rows of their own for single operators (`I8x16GtU`, `V128Load32SplatAt` ...:
 * `run` saves the generic row's switch), by the helper each calls and the sub-opcode of the
 * generic row whose spelling here they share.
 */
const OWN_ROWS: Record<string, { table: Record<number, Spelling>; op: number }> = {
  i8x16GtU: { table: BINARY, op: 0x28 },
  i32x4MinU: { table: BINARY, op: 0xb7 },
  i32x4Abs: { table: UNARY, op: 0xa0 },
  i8x16NarrowI16x8U: { table: BINARY, op: 0x66 },
  i16x8NarrowI32x4U: { table: BINARY, op: 0x86 },
  v128Load32Splat: { table: LOAD, op: 0x09 },
  v128Load64Zero: { table: LOAD, op: 0x5d },
};

/** The spelling of the call `name(args)` (a whole statement), or null to keep the call. */
function spellCall(name: string, args: readonly string[]): string | null {
  if (args[0] === "s32" && PLAIN[name] !== undefined) return PLAIN[name]!(args.slice(1));
  const own = OWN_ROWS[name];
  if (own !== undefined && args[0] === "s32") return own.table[own.op]?.(args.slice(1)) ?? null;
  if (args[0] === "f32" && FLOAT[name] !== undefined) return FLOAT[name]!(args.slice(1));
  if (name === "simdExtractLane" && isInt(args[0]!) && args[1] === "s32") {
    return extractLane(args.slice(2), Number(args[0]));
  }
  const table = name === "simdUnary"
    ? UNARY
    : name === "simdBinary"
    ? BINARY
    : name === "simdLoad"
    ? LOAD
    : name === "simdTernary"
    ? TERNARY
    : null;
  if (table === null || !isInt(args[0]!) || args[1] !== "s32") return null;
  return table[Number(args[0])]?.(args.slice(2)) ?? null;
}

/**
 * `js` (one instruction's JavaScript) with its calls of the v128 helpers on the value stack
 * spelled on the slots' words instead (see the module doc), and its lane reads `s32[x + 0]`
 * spelled `s32[x]`. A call is rewritten only where it is a whole statement and its vector
 * operands are slots. `before`, when given, is the i32 constant the instruction just before
 * wrote (`s32[(fp + k)] = c;`, with nothing between them that control can enter): a scalar
 * operand reading that slot is spelled as the constant (a shift count).
 */
export function lowerV128(js: string, before?: { slot: string; value: number }): string {
  const konst = CONST128.exec(js.trim());
  if (konst !== null) {
    // `v128.const`: each word its own statement in a block, the shape of an i32 constant (see
    // `v128Load`).
    const d = `(fp + ${konst[1]})`;
    return [2, 3, 4, 5].map((g, i) => `{\n${word(d, i)} = ${konst[g]};\n}`).join("\n");
  }
  if (!/\b(?:v128|i8x16|i16x8|i32x4|f32x4|simd)\w*\(/.test(js)) {
    return js.includes(") + 0]") ? js.replace(/(s32\[\(fp \+ -?\d+\)) \+ 0\]/g, "$1]") : js;
  }
  const call = /(?<![\w$.])((?:v128|i8x16|i16x8|i32x4|f32x4|simd)\w*)\(/g;
  let out = "";
  let from = 0;
  for (let m = call.exec(js); m !== null; m = call.exec(js)) {
    const name = m[1]!;
    const parsed = argsAt(js, m.index + name.length);
    if (parsed === null || js[parsed.end] !== ";") continue;
    // The call must start its statement.
    if (!/(?:^|[;{}])\s*$/.test(js.slice(0, m.index))) continue;
    const known = before === undefined ? "" : `s32[${before.slot}]`;
    const args = parsed.args.map((x) => (x === known ? `${before!.value}` : x));
    const spelled = spellCall(name, args);
    if (spelled === null) continue;
    out += js.slice(from, m.index) + spelled;
    from = parsed.end + 1;
    call.lastIndex = from;
  }
  return (out + js.slice(from)).replace(/(s32\[\(fp \+ -?\d+\)) \+ 0\]/g, "$1]");
}

/** Where the words of lanes 1-3 of a v128 slot are numbered as slots of their own. */
const LANE_BASE = 0x10000000;

/**
 * `texts` with words 1-3 of v128 slots (`s32[(fp + k) + i]`, `f32[(fp + k) + i]`) spelled as
 * slots of their own (`s32[(fp + n)]`, `n` from `LANE_BASE` on), so that the generator keeps
 * each lane apart as it keeps a scalar: an f32 lane in a number local between an arithmetic
 * result and its use (`splitSlotValues` in codegen_slots.ts, which also respells a lane's 4-byte
 * load or store as `getFloat32`/`setFloat32` where every use is arithmetic), an integer lane in
 * an int32 local. `lanesBack` spells the numbers back as the words they are.
 *
 * Only slots reached in no other way (no helper given its index, no f64 view: those reach words
 * 1-3 without naming them), never a parameter (below `paramWords`), a result (below
 * `resultWords`) or a slot from the lowest call base on (the words the generator's flushes and
 * reloads copy by their numbers, as `numberSlots` in codegen_slots.ts leaves them). A lane's
 * words are each written whole by the instructions that write them (validation types every
 * read), so each is a value of its own.
 */
export function laneSlots(
  texts: readonly string[],
  isInstruction: readonly boolean[],
  paramWords: number,
  resultWords: number,
): string[] {
  if (!texts.some((t) => /\(fp \+ -?\d+\) \+ [123]\]/.test(t))) return texts.slice();
  if (texts.some((t) => t.includes("SLOT_WORDS"))) return texts.slice();
  const base = slotValues.reloadBase(texts);
  const bad = new Set<number>();
  const laned = new Set<number>();
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    for (const m of t.matchAll(/\(fp \+ (-?\d+)\)/g)) {
      const k = Number(m[1]);
      const at = m.index!, end = at + m[0].length;
      const view = t.slice(at - 4, at);
      const lane = t[end] === "]" ? 0 : /^ \+ [123]\]/.test(t.slice(end, end + 5)) ? 1 : -1;
      const close = end + (lane === 0 ? 1 : 5);
      if (
        !isInstruction[i] || (view !== "s32[" && view !== "f32[") || lane < 0 ||
        /^ (?:[-+*/%&|^]|\*\*|<<|>>>?)=(?!=)/.test(t.slice(close, close + 6))
      ) bad.add(k);
      else if (lane > 0) laned.add(k);
    }
  }
  const chosen = new Set(
    [...laned].filter((k) =>
      !bad.has(k) && k % 4 === 0 && k >= paramWords && k >= resultWords && k < base &&
      k + 3 < LANE_BASE / 4
    ),
  );
  if (chosen.size === 0) return texts.slice();
  return texts.map((t) =>
    t.replace(
      /(s32|f32)\[\(fp \+ (-?\d+)\) \+ ([123])\]/g,
      (whole, view: string, k: string, i: string) =>
        chosen.has(Number(k))
          ? `${view}[(fp + ${LANE_BASE + 4 * (Number(k) + Number(i))})]`
          : whole,
    )
  );
}

/** The word of the value stack slot number `k` stands for (see `laneSlots`). */
export function wordOfSlot(k: number): number {
  return k < LANE_BASE ? k : (k - LANE_BASE) / 4;
}

/** `js` with the lanes `laneSlots` numbered as slots spelled as the words they are again. */
export function lanesBack(js: string): string {
  const wordOf = (n: string) => (Number(n) - LANE_BASE) / 4;
  return js
    .replace(/\(fp \+ (\d{9,})\)/g, (whole, n: string) => {
      if (Number(n) < LANE_BASE) return whole;
      const w = wordOf(n);
      return `(fp + ${w & ~3}) + ${w & 3}`;
    })
    .replace(
      /\bfp \+ (\d{9,})\]/g,
      (whole, n: string) => (Number(n) < LANE_BASE ? whole : `fp + ${wordOf(n)}]`),
    );
}

const LOAD32 = new RegExp(slotValues.LOAD32.source.slice(1), "g");
const STORE32 = new RegExp(slotValues.STORE32.source.slice(1), "g");
// Not the low word of an i64 constant (its high word written next): a v128.const's words, each
// a slot of its own after `laneSlots`, are constants one after the other.
const CONST32 = /s32\[\(fp \+ (-?\d+)\)\] = (-?\d+);(?!\ns32\[\(fp \+ \1\) \+ 1\])/g;

/**
 * The slots (words, after `laneSlots`) that may live in one f32 number local for the whole
 * function, and `texts` with them spelled through the f32 view only, so that the generator
 * caches them (`promotable` in codegen.ts, given these slots): the accumulators and the
 * loop-invariant vectors of `bench/vec_float.c`'s loops, which a value's straight-line run
 * (`splitSlotValues`) does not cover. As `numberSlots` (codegen_slots.ts) does for f64s, a slot
 * qualifies when every access to it is through the f32 view (arithmetic, which sees the same
 * number either way) or one of these word forms, respelled:
 * - a 4-byte load, as `getFloat32`: only where no word read (a store, a lane moved) reads the
 *   slot's bits;
 * - a constant, as its number (a NaN as `f32Of` of its bits, only where nothing reads them);
 * - a 4-byte store, as `setFloat32`, and any other read of its word as `f32Bits` of the
 *   number: only where the slot holds nothing but arithmetic results and non-NaN constants,
 *   whose bits the number keeps.
 * Never a parameter, a result or a slot from the lowest call base on (see `laneSlots`).
 */
export function f32Slots(
  texts: readonly string[],
  isInstruction: readonly boolean[],
  paramWords: number,
  resultWords: number,
): { texts: string[]; chosen: Set<number> } {
  const none = () => ({ texts: texts.slice(), chosen: new Set<number>() });
  if (!texts.some((t) => t.includes("f32[(fp + "))) return none();
  /** Per slot: the forms seen (`f32`, `load`, `store`, `const`, `nan`, `bits`), null if not. */
  const { seen, note } = slotValues.slotForms(texts, paramWords, resultWords);
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    if (!t.includes("(fp + ")) continue;
    if (!isInstruction[i] || t.includes("SLOT_WORDS")) return none();
    const spans: [number, number][] = [];
    for (const [re, form] of [[LOAD32, "load"], [STORE32, "store"], [CONST32, "const"]] as const) {
      for (const m of t.matchAll(re)) {
        spans.push([m.index!, m.index! + m[0].length]);
        const nan = form === "const" && Number.isNaN(slotValues.f32Of(Number(m[2])));
        note(Number(form === "store" ? m[2] : m[1]), nan ? "nan" : form);
      }
    }
    for (const m of t.matchAll(/\(fp \+ (-?\d+)\)/g)) {
      const at = m.index!;
      if (spans.some(([from, to]) => at >= from && at < to)) continue;
      const end = at + m[0].length;
      const view = t.slice(at - 4, at);
      const after = t.slice(end + 1, end + 7);
      const whole = t[end] === "]" && !/^ (?:[-+*/%&|^]|\*\*|<<|>>>?)?=(?!=)/.test(after);
      const assigned = t[end] === "]" && /^ = (?!=)/.test(after);
      if (view === "f32[" && t[end] === "]" && (whole || assigned)) note(Number(m[1]), "f32");
      else if (view === "s32[" && whole) note(Number(m[1]), "bits");
      else note(Number(m[1]), null);
    }
  }
  const chosen = new Set<number>();
  for (const [k, forms] of seen) {
    if (forms === null || !forms.has("f32")) continue;
    if ((forms.has("store") || forms.has("bits")) && (forms.has("load") || forms.has("nan"))) {
      continue;
    }
    chosen.add(k);
  }
  if (chosen.size === 0) return none();
  const view = (k: string) => `f32[(fp + ${k})]`;
  const out = texts.map((t) => {
    if (!t.includes("(fp + ")) return t;
    return t
      // (Numbered groups, as `LOAD32`/`STORE32` have: read as named ones, which they no longer
      // are, no load or store was respelled and every loaded slot stayed in the frame.)
      .replace(
        LOAD32,
        (w, k: string, ea: string) =>
          chosen.has(Number(k)) ? `${view(k)} = mview.getFloat32(${ea}, true);` : w,
      )
      .replace(
        STORE32,
        (w, ea: string, k: string) =>
          chosen.has(Number(k)) ? `mview.setFloat32(${ea}, ${view(k)}, true);` : w,
      )
      .replace(CONST32, (w, k: string, bits: string) => {
        if (!chosen.has(Number(k))) return w;
        const value = slotValues.f32Of(Number(bits));
        const literal = Number.isNaN(value)
          ? `f32Of(${bits})`
          : Object.is(value, -0)
          ? "-0"
          : `${value}`;
        return `${view(k)} = ${literal};`;
      })
      .replace(
        /s32\[\(fp \+ (-?\d+)\)\](?! (?:[-+*/%&|^]|\*\*|<<|>>>?)?=(?!=))/g,
        (w, k: string) => (chosen.has(Number(k)) ? `f32Bits(${view(k)})` : w),
      );
  });
  return { texts: out, chosen };
}

/** A statement writing an integer literal to a word: `s32[(fp + k)] = c;`. */
const WORD_CONST = /^s32\[\(fp \+ (-?\d+)\)\] = (-?\d+);$/;

/** An assignment operator after a word (`= `, `+= `, ...; not a comparison). */
const ASSIGNED = /^ (?:[-+*/%&|^]|\*\*|<<|>>>?)?=(?!=)/;

/**
 * The words an instruction writes an integer literal to and nothing else (a `v128.const`, an
 * `i32.const`: `s32[(fp + k)] = c;` statements, each alone or in a block), or null.
 */
function constantWrites(t: string): Map<number, number> | null {
  const writes = new Map<number, number>();
  for (const line of t.split("\n")) {
    const statement = line.trim();
    if (statement === "{" || statement === "}" || statement === "") continue;
    const m = WORD_CONST.exec(statement);
    if (m === null) return null;
    writes.set(Number(m[1]), Number(m[2]));
  }
  return writes.size === 0 ? null : writes;
}

/**
 * `texts` with reads of words known to hold a constant spelled as that constant (`s32[(fp +
 * k)]` as `16711935`; not `f32[(fp + k)]` as a number: V8 made a clamp against a literal bound
 * 1.6-3x slower than against a local, per-loop minima), and the `|` terms that are 0 for the known
 * zero words dropped (as `zeroLanes`): the zero vectors, masks and splats of constants that
 * clang hoists out of `bench/vec_bytes.c`'s loops (`(r36 & -16711936)` in every word of a byte
 * widening, `h64 & r268435684`), which `zeroLanes` alone, within a straight-line run, misses.
 *
 * Known: the words an instruction of only constant writes (`constantWrites`) wrote, until an
 * instruction writes them or reaches them any other way; across a loop's head, the words known
 * before it that nothing in the loop writes (so known throughout the loop, at each join in it,
 * and after it); at any other place control enters (a block's end, an OSR entry) only those. An instruction
 * that writes a word reads it as unknown (it may read it after writing it). Only words reached
 * nowhere in the body but as `s32[(fp + k)]`/`f32[(fp + k)]` (not by a helper given their
 * index, not through the f64 view or a lane offset: those reach words without naming them, and
 * the three after them), below the lowest call base (the words calls write).
 */
export function knownWords(texts: readonly string[], isInstruction: readonly boolean[]): string[] {
  if (!texts.some((t, i) => isInstruction[i] && constantWrites(t) !== null)) return texts.slice();
  const base = slotValues.reloadBase(texts);
  const bad = new Set<number>();
  /** Per instruction, the words it writes (or reaches otherwise). */
  const writes: Set<number>[] = [];
  /** Per text, the words it names as `(fp + k)` (every word a constant may stand in for). */
  const named: number[][] = [];
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    const w = new Set<number>();
    writes.push(w);
    const ks: number[] = [];
    named.push(ks);
    for (const m of t.matchAll(/\bfp \+ (-?\d+)\]/g)) {
      for (let j = 0; j < 4; j++) bad.add(Number(m[1]) + j);
    }
    for (const m of t.matchAll(/\(fp \+ (-?\d+)\)/g)) {
      const k = Number(m[1]), at = m.index!, end = at + m[0].length;
      ks.push(k);
      const view = t.slice(at - 4, at);
      if (!isInstruction[i] || (view !== "s32[" && view !== "f32[") || t[end] !== "]") {
        for (let j = 0; j < 4; j++) bad.add(k + j);
      } else if (ASSIGNED.test(t.slice(end + 1, end + 8))) w.add(k);
    }
  }
  const kind = (t: string) =>
    /^L\d+: for \(;;\) \{$/.test(t)
      ? "loop"
      : /^B\d+: \{$/.test(t)
      ? "block"
      : /^(?:break L\d+;\n)?\}$/.test(t)
      ? "close"
      : "other";
  // The words each loop (by its head's index) writes, nested loops and blocks included: one
  // pass, each construct's set merged into the one around it as it closes (linear in the texts
  // but for the merges, each at most the body's words).
  const writtenIn = new Map<number, Set<number>>();
  const open: { at: number; words: Set<number> }[] = [{ at: -1, words: new Set() }];
  for (let i = 0; i < texts.length; i++) {
    if (isInstruction[i]) {
      for (const w of writes[i]!) open.at(-1)!.words.add(w);
      continue;
    }
    const k = kind(texts[i]!);
    if (k === "loop" || k === "block") open.push({ at: i, words: new Set() });
    else if (k === "close" && open.length > 1) {
      const { at, words } = open.pop()!;
      writtenIn.set(at, words);
      for (const w of words) open.at(-1)!.words.add(w);
    }
  }
  const out = texts.slice();
  let invariant = new Map<number, number>();
  const outer: Map<number, number>[] = [];
  let run = new Map<number, number>();
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    if (!isInstruction[i]) {
      const k = kind(t);
      if (k === "loop") {
        // A loop left open (no close: the body's end) may write anything.
        const written = writtenIn.get(i);
        outer.push(invariant);
        invariant = new Map([...run].filter(([w]) => written !== undefined && !written.has(w)));
        run = new Map(invariant);
      } else if (k === "block") outer.push(invariant);
      else if (k === "close") {
        // After a loop, control comes from in it only: what held throughout it still holds.
        // At a block's end, from breaks anywhere in it: what held throughout the code around.
        const loop = /^break /.test(t);
        run = new Map(invariant);
        invariant = outer.pop() ?? new Map();
        if (!loop) run = new Map(invariant);
      } else {
        // Unknown control (a dispatch `case`): nothing is known from here on; an OSR entry
        // enters where the code around it holds what it holds throughout.
        if (!/^\$osr = false;$/.test(t)) {
          outer.length = 0;
          invariant = new Map();
        }
        run = new Map(invariant);
      }
      continue;
    }
    const own = writes[i]!;
    // Only the words this instruction names can be respelled (or drop a term): looking up
    // those, rather than copying every known word per instruction, keeps the pass linear in
    // the body (cold generation of `bench/vec_bytes.c`'s `run`, see `generateSource`).
    const known = new Map<number, number>();
    for (const w of named[i]!) {
      const c = run.get(w);
      if (c !== undefined && !own.has(w)) known.set(w, c);
    }
    if (known.size > 0) {
      const zeros = new Set([...known].filter(([, c]) => c === 0).map(([w]) => w));
      let text = zeros.size === 0 ? t : withoutZeroTerms(t, zeros);
      text = text.replace(
        /s32\[\(fp \+ (-?\d+)\)\](?! (?:[-+*/%&|^]|\*\*|<<|>>>?)?=(?!=))/g,
        (whole, k: string) => {
          const c = known.get(Number(k));
          return c === undefined ? whole : c < 0 ? `(${c})` : `${c}`;
        },
      );
      out[i] = text;
    }
    for (const w of own) run.delete(w);
    const constants = constantWrites(t);
    if (constants !== null) {
      for (const [w, c] of constants) if (!bad.has(w) && wordOfSlot(w) < base) run.set(w, c);
    }
  }
  return out;
}

/** An instruction that only writes 0 to words (a `v128.const 0`, spelled as `lowerV128` does). */
const ZERO_ONLY = /^(?:\s*[{}]|\s*s32\[\(fp \+ -?\d+\)\] = 0;)+\s*$/;

/**
 * `texts` with the terms of `|` chains that read only words known to be 0 (and literals)
 * dropped: `s32[d] = (x & 255) | (z & -16711936) | ((x & 65280) << 8);` where `z` is a word of a
 * `v128.const 0` written earlier in the same straight-line run. `bench/vec_bytes.c` widens bytes
 * by shuffles with a zero vector (`i8x16.shuffle 16 1 17 3 ...`, clang's zero extension), a
 * third of those shuffles' terms.
 *
 * Known zero: the words an instruction of only `s32[(fp + k)] = 0;` statements wrote, from it to
 * the end of its run (control enters only at the pieces between runs), until an instruction
 * writes the word or reaches it any other way than reading it (a helper given its index), or
 * makes a call or a fuel stop (its flushes and reloads). An instruction that writes a word reads
 * it as unknown (it may read it after writing it). A term is dropped only where, with the known
 * words as 0, it is a constant expression whose value is 0 (`constantValue`): `x | 0 | y` is
 * `x | y`, and the assignment truncates either alike.
 */
export function zeroLanes(texts: readonly string[], isInstruction: readonly boolean[]): string[] {
  const out = texts.slice();
  const zero = new Set<number>();
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    if (!isInstruction[i]) {
      zero.clear();
      continue;
    }
    if (ZERO_ONLY.test(t)) {
      for (const m of t.matchAll(/\(fp \+ (-?\d+)\)/g)) zero.add(Number(m[1]));
      continue;
    }
    if (zero.size === 0) continue;
    /** The known words this instruction reaches other than by reading them. */
    const touched = new Set<number>();
    for (const m of t.matchAll(/\(fp \+ (-?\d+)\)/g)) {
      const k = Number(m[1]), at = m.index!, end = at + m[0].length;
      if (!zero.has(k)) continue;
      const read = t.slice(at - 4, at) === "s32[" && t[end] === "]" &&
        !/^ (?:[-+*/%&|^]|\*\*|<<|>>>?)?=(?!=)/.test(t.slice(end + 1, end + 8));
      if (!read) touched.add(k);
    }
    const known = new Set([...zero].filter((k) => !touched.has(k)));
    if (known.size > 0) out[i] = withoutZeroTerms(t, known);
    for (const k of touched) zero.delete(k);
    // A call or a fuel stop flushes and reloads the cached words.
    if (t.includes("/*")) zero.clear();
  }
  return out;
}

/** `t` with the `|` terms of its word assignments that are 0 given the `known` zero words. */
function withoutZeroTerms(t: string, known: ReadonlySet<number>): string {
  return t.replace(
    /(?<=(?:^|[;{}])\s*)(s32\[\(fp \+ -?\d+\)(?: \+ [123])?\] = )([^;{}]*);/g,
    (whole, target: string, value: string) => {
      const terms = orTerms(value);
      if (terms === null || terms.length < 2) return whole;
      const kept = terms.filter((term) => {
        if (!term.includes("(fp + ")) return true; // reads no word
        let reads = false;
        const constant = term.replace(/s32\[\(fp \+ (-?\d+)\)\]/g, (w, k: string) => {
          if (!known.has(Number(k))) return w;
          reads = true;
          return "0";
        });
        return !reads || constantValue(constant) !== 0;
      });
      if (kept.length === terms.length) return whole;
      return `${target}${kept.length === 0 ? "0" : kept.join(" | ")};`;
    },
  );
}

/**
 * The operands of the top-level `|` chain that `e` is (one if none), or null where its top
 * level has operators of lower precedence (`?:`, `||`, `&&`, `,`, assignments).
 */
function orTerms(e: string): string[] | null {
  const terms: string[] = [];
  let depth = 0, from = 0;
  for (let i = 0; i < e.length; i++) {
    const ch = e[i]!;
    if (ch === "(" || ch === "[") depth++;
    else if (ch === ")" || ch === "]") depth--;
    else if (depth > 0) continue;
    else if (ch === "?" || ch === "," || ch === "=" || e.startsWith("&&", i)) return null;
    else if (ch === "|") {
      if (e[i + 1] === "|") return null;
      terms.push(e.slice(from, i).trim());
      from = i + 1;
    }
  }
  terms.push(e.slice(from).trim());
  return depth === 0 ? terms : null;
}

/** The binary operators of `constantValue`, by JavaScript's precedence, lowest first. */
const LEVELS = [["|"], ["^"], ["&"], ["<<", ">>", ">>>"], ["+", "-"], ["*"]];
const APPLY: Record<string, (a: number, b: number) => number> = {
  "|": (a, b) => a | b,
  "^": (a, b) => a ^ b,
  "&": (a, b) => a & b,
  "<<": (a, b) => a << b,
  ">>": (a, b) => a >> b,
  ">>>": (a, b) => a >>> b,
  "+": (a, b) => a + b,
  "-": (a, b) => a - b,
  "*": (a, b) => a * b,
};

/**
 * The value JavaScript gives `e`, where `e` is integer literals, parentheses, unary `-` and `~`
 * and the operators of `LEVELS`; null for anything else (a name, a call, a comparison).
 */
export function constantValue(e: string): number | null {
  const tokens = e.match(/\d+|>>>|>>|<<|\S/g) ?? [];
  let i = 0;
  const unary = (): number | null => {
    const t = tokens[i++];
    if (t === "-" || t === "~") {
      const v = unary();
      return v === null ? null : t === "-" ? -v : ~v;
    }
    if (t === "(") {
      const v = binary(0);
      return tokens[i++] === ")" ? v : null;
    }
    return t !== undefined && /^\d+$/.test(t) ? Number(t) : null;
  };
  const binary = (level: number): number | null => {
    if (level === LEVELS.length) return unary();
    let v = binary(level + 1);
    while (v !== null && i < tokens.length && LEVELS[level]!.includes(tokens[i]!)) {
      const op = tokens[i++]!;
      const w = binary(level + 1);
      v = w === null ? null : APPLY[op]!(v, w);
    }
    return v;
  };
  const v = binary(0);
  return i === tokens.length ? v : null;
}

/** Whether typed arrays are little-endian here, as Wasm memory is (every mainstream host). */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Scratch words standing in for the memory in a v128 access whose address is not a multiple of
 * 4 (see `typedLanes`): words 0-3 for the access at `$ea`, 4-7 for the one at `$eb`.
 */
export const UNALIGNED_I32: Int32Array = new Int32Array(8);

/** Copies the 16 bytes at `ea` (in bounds) to the scratch words from `at`; returns `at`. */
export function unalignedLoad(mview: DataView, ea: number, at: number): number {
  for (let i = 0; i < 4; i++) UNALIGNED_I32[at + i] = mview.getInt32(ea + 4 * i, true);
  return at;
}

/** Copies scratch words 0-3 to the 16 bytes at `ea` (in bounds). */
export function unalignedStore(mview: DataView, ea: number): void {
  for (let i = 0; i < 4; i++) mview.setInt32(ea + 4 * i, UNALIGNED_I32[i]!, true);
}

/** The `DataView` accessors `typedLanes` spells on the memory's `Int32Array`. */
const WORD_ACCESS = new Set(["getInt32", "setInt32"]);

/** A v128 access group: its addresses, their bounds check, then one statement per line. */
const GROUP =
  /^const \$ea = [^;\n]*?(, \$eb = [^;\n]*)?;\nif \(\$ea \+ 16 > memLen(?: \|\| \$eb \+ 16 > memLen)?\) throw trap\(\d+\);\n((?:[^\n{}]*\n)+?)(?=\})/gm;

/**
 * `body` (a finished generated body) with the integer word accesses of each v128 access
 * (`put4`'s statements after `address`/`address2`: `mview.getInt32($ea + 4, true)`, ...) spelled
 * on an `Int32Array`: `$ia[$ix + 1]`, where `$ia` is the memory's (`mi32`, its
 * `MemoryEntity.i32`) and `$ix = $ea >>> 2` when `$ea` is a multiple of 4, else the scratch
 * words (`UNALIGNED_I32`) that `unalignedLoad` filled from the `DataView` (and `unalignedStore`
 * copies back after a store group), with `$ix` their index. Each word is behind the group's
 * bounds check, so the array is read in bounds (`$ix` is exact: `$ea` is below 2^32). `names`
 * gets `mi32` where used (for the body's prologue and memory reloads); the body is unchanged on
 * a big-endian host (typed arrays use the host's order, Wasm's is little-endian).
 *
 * Measured (per-loop minima of 40 calls of `bench/vec_bytes.c`'s `run`, Deno): its blur loop
 * 5.8 ms on the `DataView`, 4.6 ms with each group spelled twice (aligned on the array, else
 * on the `DataView`: 51% more V8 bytecode, 47.6 KB), 2.9 ms with the array picked per group
 * (36.6 KB). f32 words stay on the `DataView`: on a `Float32Array` `bench/vec_float.c`'s loops
 * did not change (saxpy 6.0 ms either way), its clamp 5% slower.
 */
export function typedLanes(body: string, names: Set<string>): string {
  // (`GROUP`'s bounds check spelled, without which it cannot match: a body without v128
  // accesses is not scanned by it.)
  if (!LITTLE_ENDIAN || !body.includes("if ($ea + 16 > memLen")) return body;
  return body.replace(GROUP, (whole, eb: string | undefined, lines: string) => {
    let count = 0, loads = 0;
    const used = new Set<string>();
    const access = /\bmview\.(\w+)\((\$e[ab])(?: \+ (\d+))?, /g;
    let out = "", from = 0;
    for (let m = access.exec(lines); m !== null; m = access.exec(lines)) {
      const k = Number(m[3] ?? 0);
      const call = argsAt(lines, m.index + 6 + m[1]!.length);
      if (!WORD_ACCESS.has(m[1]!) || k % 4 !== 0 || call === null || call.args.at(-1) !== "true") {
        return whole;
      }
      const b = m[2] === "$eb";
      const array = b ? "$ib" : "$ia";
      const index = `${array}[${b ? "$jx" : "$ix"}${k === 0 ? "" : ` + ${k / 4}`}]`;
      let spelled: string;
      if (m[1]!.startsWith("get") && call.args.length === 2) {
        spelled = index;
        loads++;
      } else if (
        m[1]!.startsWith("set") && call.args.length === 3 && !b && lines[call.end] === ";" &&
        /(?:^|\n)$/.test(lines.slice(0, m.index))
      ) spelled = `${index} = ${call.args[1]}`;
      else return whole;
      used.add(array);
      count++;
      out += lines.slice(from, m.index) + spelled;
      from = call.end;
      access.lastIndex = from;
    }
    // Loads or stores, each through the group's arrays.
    if (
      count === 0 || (loads !== 0 && loads !== count) ||
      count !== (lines.match(/\bmview\./g)?.length ?? 0)
    ) return whole;
    const store = loads === 0;
    const head = whole.slice(0, whole.length - lines.length);
    const picks: string[] = [];
    for (
      const [e, x, at] of [["$ea", "$ix", 0], ...(eb === undefined ? [] : [["$eb", "$jx", 4]])]
    ) {
      const ia = e === "$ea" ? "$ia" : "$ib";
      if (!used.has(ia)) continue;
      const odd = `${e} & 3`;
      picks.push(`${x} = ${odd} ? ${store ? 0 : `unalignedLoad(mview, ${e}, ${at})`} : ${e} >>> 2`);
      picks.push(`${ia} = ${odd} ? UNALIGNED_I32 : mi32`);
      names.add("mi32");
    }
    const after = store ? "if ($ea & 3) unalignedStore(mview, $ea);\n" : "";
    return `${head}const ${picks.join(", ")};\n${out + lines.slice(from)}${after}`;
  });
}

/** A word's bits that may be 1 where nothing is known about it. */
const ANY = 0xffffffff;

/** `m` with every bit below its highest set bit set: the bits any value up to `m` may have. */
const smear = (m: number) => (m === 0 ? 0 : (0xffffffff >>> Math.clz32(m)) >>> 0);

/** A node of a parsed word expression (see `wordExpr`). */
type Expr =
  | { readonly kind: "num"; readonly value: number }
  | { readonly kind: "word"; readonly word: number }
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly Expr[] }
  | { readonly kind: "op"; readonly op: string; readonly a: Expr; readonly b: Expr }
  | { readonly kind: "unary"; readonly op: string; readonly a: Expr }
  | { readonly kind: "cond"; readonly a: Expr; readonly b: Expr }
  | { readonly kind: "set"; readonly name: string; readonly value: Expr }
  | { readonly kind: "other" };

/** Binary operators of `wordExpr`, by JavaScript's precedence, lowest first. */
const EXPR_LEVELS = [
  ["||"],
  ["&&"],
  ["|"],
  ["^"],
  ["&"],
  ["===", "!==", "==", "!="],
  ["<", ">", "<=", ">="],
  ["<<", ">>", ">>>"],
  ["+", "-"],
  ["*", "/", "%"],
];
const EXPR_TOKEN =
  /\s*(s32\[\(fp \+ -?\d+\)(?: \+ [123])?\]|\d+(?:\.\d+)?(?:e[+-]?\d+)?|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*|>>>|>>|<<|===|!==|==|!=|<=|>=|&&|\|\||\S)/y;

/** The value stack word an `s32[(fp + k)]` or `s32[(fp + k) + i]` names (see `laneSlots`). */
function wordOf(access: string): number {
  const m = /\(fp \+ (-?\d+)\)(?: \+ ([123]))?/.exec(access)!;
  return wordOfSlot(Number(m[1])) + Number(m[2] ?? 0);
}

/**
 * `e`, an expression of int32 word arithmetic as the v128 spellings write it, parsed; null where
 * it is not one (a statement, a string, an object).
 */
function wordExpr(e: string): Expr | null {
  const tokens: string[] = [];
  EXPR_TOKEN.lastIndex = 0;
  while (EXPR_TOKEN.lastIndex < e.length) {
    const at = EXPR_TOKEN.lastIndex;
    const m = EXPR_TOKEN.exec(e);
    if (m === null) {
      if (e.slice(at).trim() === "") break;
      return null;
    }
    tokens.push(m[1]!);
  }
  let i = 0;
  const other: Expr = { kind: "other" };
  const primary = (): Expr | null => {
    const t = tokens[i++];
    if (t === undefined) return null;
    if (t === "(") {
      const v = conditional();
      return tokens[i++] === ")" ? v : null;
    }
    if (t === "-" || t === "~" || t === "!" || t === "+") {
      const a = primary();
      return a === null ? null : { kind: "unary", op: t, a };
    }
    if (t.startsWith("s32[")) return { kind: "word", word: wordOf(t) };
    if (/^\d/.test(t)) return { kind: "num", value: Number(t) };
    if (!/^[A-Za-z_$]/.test(t)) return null;
    if (tokens[i] === "(") {
      i++;
      const args: Expr[] = [];
      while (tokens[i] !== ")") {
        const a = conditional();
        if (a === null) return null;
        args.push(a);
        if (tokens[i] === ",") i++;
        else if (tokens[i] !== ")") return null;
      }
      i++;
      return { kind: "call", name: t, args };
    }
    if (tokens[i] === "[") {
      // An element of an array other than the value stack's words: its value is unknown.
      let depth = 0;
      for (; i < tokens.length; i++) {
        if (tokens[i] === "[") depth++;
        else if (tokens[i] === "]" && --depth === 0) break;
      }
      i++;
      return depth === 0 ? other : null;
    }
    if (tokens[i] === "=" && tokens[i + 1] !== "=") {
      i++;
      const value = conditional();
      return value === null ? null : { kind: "set", name: t, value };
    }
    return { kind: "name", name: t };
  };
  const binary = (level: number): Expr | null => {
    if (level === EXPR_LEVELS.length) return primary();
    let a = binary(level + 1);
    while (a !== null && i < tokens.length && EXPR_LEVELS[level]!.includes(tokens[i]!)) {
      const op = tokens[i++]!;
      const b = binary(level + 1);
      a = b === null ? null : { kind: "op", op, a, b };
    }
    return a;
  };
  const conditional = (): Expr | null => {
    const c = binary(0);
    if (c === null || tokens[i] !== "?") return c;
    i++;
    const a = conditional();
    if (a === null || tokens[i++] !== ":") return null;
    const b = conditional();
    return b === null ? null : { kind: "cond", a, b };
  };
  const v = conditional();
  return v !== null && i === tokens.length ? v : null;
}

/** `y` where `x` is `y ^ -2147483648` (an int32 with its top bit flipped, see `flip`). */
const flipped = (x: Expr): Expr | null =>
  x.kind === "op" && x.op === "^" && x.b.kind === "unary" && x.b.op === "-" &&
    x.b.a.kind === "num" && x.b.a.value === 2147483648
    ? x.a
    : null;

/** What `boundedLanes` knows of the words (and locals) an expression reads. */
interface Known {
  /** By word, the bits it may have set. */
  readonly bits: ReadonlyMap<number, number>;
  /**
   * By word, bounds of its halfwords as one number (the high one's in its high 16 bits): sums
   * of bounds are tighter than the bits of sums (a [1 2 1] blur's 0xff + 0x1fe + 0xff + 2 is
   * 0x3fe, where its bits would grow to 0xfff one sum at a time). Absent: its bits.
   */
  readonly halves: ReadonlyMap<number, number>;
  /** By local name, the bits it may have set. */
  readonly names: Map<string, number>;
}

/**
 * Bounds of the two halfwords of the int32 that `e` gives (as in `Known.halves`), where `e` is a
 * sum with no carry out of the low halfword; null where it is not.
 */
function halvesOf(e: Expr, known: Known): number | null {
  if (e.kind !== "op" || e.op !== "+") return null;
  const bound = (x: Expr) =>
    x.kind === "word" && known.halves.has(x.word)
      ? known.halves.get(x.word)!
      : halvesOf(x, known) ?? bitsOf(x, known);
  const [ha, hb] = [bound(e.a), bound(e.b)];
  const low = (ha & 0xffff) + (hb & 0xffff);
  if (low > 0xffff) return null;
  return (low + Math.min((ha >>> 16) + (hb >>> 16), 0xffff) * 0x10000) >>> 0;
}

/**
 * The bits the int32 that `e` gives (truncated to 32 bits, as a word's assignment and every
 * bitwise operator truncate) may have set, given the bits `bits` of the words it reads and the
 * locals `names` (sound: a bit not in the result is 0 in every value `e` can have). Where that
 * would take reasoning beyond the operators the v128 spellings use on lanes, all bits.
 */
function bitsOf(e: Expr, known: Known): number {
  const { bits, names } = known;
  const of = (x: Expr) => bitsOf(x, known);
  /** Whether a value with these bits is a non-negative int32 (the top bit clear). */
  const nonNegative = (m: number) => (m & 0x80000000) === 0;
  switch (e.kind) {
    case "num":
      return Number.isInteger(e.value) && e.value < 2 ** 31 ? e.value >>> 0 : ANY;
    case "word":
      return bits.get(e.word) ?? ANY;
    case "name":
      return names.get(e.name) ?? ANY;
    case "set": {
      const m = of(e.value);
      names.set(e.name, m);
      return m;
    }
    case "cond":
      return (of(e.a) | of(e.b)) >>> 0;
    case "unary":
      // A negative literal (a mask, a flip) as its bits.
      return e.a.kind === "num" && Number.isInteger(e.a.value) && e.a.value <= 2 ** 31 &&
          (e.op === "-" || e.op === "~")
        ? (e.op === "-" ? -e.a.value : ~e.a.value) >>> 0
        : ANY;
    case "call": {
      if ((e.name === "Math.min" || e.name === "Math.max") && e.args.length === 2) {
        const [a, b] = e.args.map(of) as [number, number];
        return nonNegative(a) && nonNegative(b)
          ? smear(e.name === "Math.min" ? Math.min(a, b) : Math.max(a, b))
          : ANY;
      }
      return ANY;
    }
    case "other":
      return ANY;
    case "op": {
      const { op, a, b } = e;
      // An unsigned min or max of two words (`i32x4.min_u`): no more than the larger bound.
      if (op === "^" && flipped(e) !== null && a.kind === "call" && a.args.length === 2) {
        const [x, y] = a.args.map(flipped);
        if (x != null && y != null && (a.name === "Math.min" || a.name === "Math.max")) {
          const [mx, my] = [of(x), of(y)];
          return smear(a.name === "Math.min" ? Math.min(mx, my) : Math.max(mx, my));
        }
      }
      const shift = b.kind === "num" && Number.isInteger(b.value) ? b.value & 31 : null;
      switch (op) {
        case "|":
        case "^":
          return (of(a) | of(b)) >>> 0;
        case "&":
          return (of(a) & of(b)) >>> 0;
        case "<<":
          return shift === null ? ANY : (of(a) << shift) >>> 0;
        case ">>>": {
          const m = of(a);
          return shift !== null ? m >>> shift : nonNegative(m) ? smear(m) : ANY;
        }
        case ">>": {
          const m = of(a);
          return !nonNegative(m) ? ANY : shift !== null ? m >>> shift : smear(m);
        }
        case "+": {
          // No carry out of the low halfwords: each half is its own sum (the high one's carry
          // out of bit 31 is what truncation drops), as in an i16x8.add with no carry fix.
          const h = halvesOf(e, known);
          if (h !== null) return (smear(h & 0xffff) | (smear(h >>> 16) << 16)) >>> 0;
          // Two non-negative int32s: their sum is below 2 ** 32, its bits those of its bound.
          const [ma, mb] = [of(a), of(b)];
          return nonNegative(ma) && nonNegative(mb) ? smear(ma + mb) : ANY;
        }
        case "===":
        case "!==":
        case "==":
        case "!=":
        case "<":
        case ">":
        case "<=":
        case ">=":
          return 1;
        default:
          return ANY;
      }
    }
  }
}

/**
 * Parsed word expressions by their text (an `Expr` is never changed), shared by `boundedLanes`
 * and `demandedLanes`, which runs after it on the same values: emptied by each `boundedLanes`
 * and at the end of each `demandedLanes` (nothing kept between bodies).
 */
const EXPRS = new Map<string, Expr | null>();
/** `x` parsed (`wordExpr`), once per text between clears of `EXPRS`. */
function parse(x: string): Expr | null {
  let e = EXPRS.get(x);
  if (e === undefined) EXPRS.set(x, e = wordExpr(x));
  return e;
}

/** A value stack word's read (`s32[(fp + k)]`, `s32[(fp + k) + i]`) or a literal. */
const OPERAND = String.raw`s32\[\(fp \+ -?\d+\)(?: \+ [123])?\]|\d+|\$[a-z]\d`;

/**
 * The i16x8 carry fix of `halfSum` (`($t = a + b) - (($t ^ a ^ b) & 65536)`) and the narrows'
 * range tests, where the operands' bits show them needless.
 */
const CARRY_FIX = new RegExp(
  String.raw`\(\$t = (${OPERAND}) \+ (${OPERAND})\) - \(\(\$t \^ \1 \^ \2\) & 65536\)`,
  "g",
);
const NARROW_U8 = new RegExp(
  String
    .raw`\(\((${OPERAND}) \| (${OPERAND})\) & -16711936\) === 0 \? (.*?) : v128NarrowU8\(\1, \2\)`,
  "g",
);
const NARROW_U16 = new RegExp(
  String.raw`\((${OPERAND}) \| (${OPERAND})\) >>> 16 === 0 \? (.*?) : v128NarrowU16\(\1, \2\)`,
  "g",
);

/** A statement assigning a value stack word: `s32[(fp + k)] = e;` (or `s32[(fp + k) + i]`). */
const WORD_SET = /^(s32\[\(fp \+ -?\d+\)(?: \+ [123])?\]) = ([^;]*);$/;
/** A declaration of locals the spellings read words into (`const $a0 = s32[...], ...;`). */
const LOCALS = /^const (\$[a-z]\d = [^,;]+(?:, \$[a-z]\d = [^,;]+)*);$/;
/** Statements of a spelling that neither write words nor choose what runs. */
const INERT =
  /^(?:[{}]|let \$[a-z](?:, \$[a-z])*;|const \$e[ab] = [^;]*;|if \(\$e[ab] [^;]*\) throw trap\(\d+\);|if \(\$ea & 3\) unalignedStore\(mview, \$ea\);|const \$(?:ix|ia) = [^;]*;|\$ia\[\$ix(?: \+ [123])?\] = [^;]*;)$/;

/**
 * `texts` with the carry fix of `i16x8.add` and the range tests of the unsigned narrows dropped
 * where the bits that the operands' words may have show that no carry crosses from a low lane
 * into a high one and that every lane is in range already: the widened bytes of
 * `bench/vec_bytes.c`'s blur (each i16 lane at most 0xff, doubled, summed: never a carry), the
 * unsigned minima of its brightening (at most 255: in range of either narrow).
 *
 * Known: per straight-line run (as `zeroLanes`: control enters only at the pieces between runs),
 * from each statement `s32[w] = e;` of the spellings to the next write of `w`, the bits `e` may
 * have (`bitsOf`, from what is known of the words it reads); forgotten where an instruction
 * reaches the word any other way (a helper given its index, the f32 or f64 view), chooses what
 * runs with statements of its own (then what it writes is forgotten), or makes a call or a fuel
 * stop (`/*`: its flushes and reloads). Each dropped test and fix computed 0 (the same words
 * result): tests/engine/codegen_simd3_test.ts. Also dropped: a last `& c` that clears no bit
 * the value may have (`withoutMask`), and the carry fix's `let $t;` once nothing reads `$t`.
 *
 * Measured on `bench/vec_bytes.c`: its blur loop (`$loop368`) 32,427 -> 22,523 bytes of V8
 * bytecode (`--print-bytecode`), its brightening 2,721 -> 2,228. Each loop alone, its text from
 * `scripts/dump_codegen.ts` called from a harness, before and after in turn in one process,
 * minimum per call over 15 x 1,000 calls, three processes on a 2-core machine under load 11-19:
 * blur 64-115 us -> 43-90 us, brightening 66-86 us -> 54-69 us. The `run` of its lean spelling
 * (`--jitless`) 69,493 -> 58,135 bytes of bytecode.
 */
export function boundedLanes(
  texts: readonly string[],
  isInstruction: readonly boolean[],
): string[] {
  if (!texts.some((t) => /65536\)|v128Narrow|[\])] & -?\d/.test(t))) return texts.slice();
  const out = texts.slice();
  const bits = new Map<number, number>();
  const halves = new Map<number, number>();
  // Each value is parsed up to four times (its masks, its narrows, its bits), and unrolled
  // kernels repeat the same values: parsed once each (`parse`; `demandedLanes`, run next, reads
  // the same values again).
  EXPRS.clear();
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    if (!isInstruction[i] || t.includes("/*")) {
      bits.clear();
      halves.clear();
      continue;
    }
    const lines = t.split("\n");
    const plain = lines.every((l) => {
      const s = l.trim();
      return INERT.test(s) || WORD_SET.test(s) || LOCALS.test(s);
    });
    if (!plain) {
      // Any word it names but reads is forgotten (with the three after it: a v128).
      for (const m of t.matchAll(/\(fp \+ (-?\d+)\)(?: \+ ([123]))?/g)) {
        const at = m.index!, end = at + m[0].length;
        const read = t.slice(at - 4, at) === "s32[" && t[end] === "]" &&
          !ASSIGNED.test(t.slice(end + 1, end + 8));
        if (read) continue;
        const w = wordOfSlot(Number(m[1])) + Number(m[2] ?? 0);
        for (let j = 0; j < 4; j++) {
          bits.delete(w + j);
          halves.delete(w + j);
        }
      }
      continue;
    }
    const facts: Known = { bits, halves, names: new Map() };
    const known = (x: string) => {
      const e = parse(x);
      return e === null ? ANY : bitsOf(e, facts);
    };
    let changed = false;
    for (let j = 0; j < lines.length; j++) {
      const s = lines[j]!.trim();
      const decl = LOCALS.exec(s);
      if (decl !== null) {
        for (const part of decl[1]!.split(", ")) {
          const [name, value] = part.split(" = ") as [string, string];
          facts.names.set(name, known(value));
        }
        continue;
      }
      const set = WORD_SET.exec(s);
      if (set === null) continue;
      let value = set[2]!;
      // Each pattern tried only on a value holding its literal part, without which it cannot
      // match: compiled and run cold they were a third of this pass's CPU time on a scalar body
      // generated first in a process (`bench/loop.wat`'s, none matching; least of 5 alternated
      // processes, loaded machine: 2.8 -> 2.0 ms).
      let fixed = value;
      if (fixed.includes("& 65536)")) {
        fixed = fixed.replace(
          CARRY_FIX,
          (whole, a: string, b: string) =>
            (known(a) & 0xffff) + (known(b) & 0xffff) <= 0xffff ? `${a} + ${b}` : whole,
        );
      }
      if (fixed.includes("v128NarrowU8(")) {
        fixed = fixed.replace(
          NARROW_U8,
          (whole, a: string, b: string, fast: string) =>
            ((known(a) | known(b)) & 0xff00ff00) === 0 ? `(${fast})` : whole,
        );
      }
      if (fixed.includes("v128NarrowU16(")) {
        fixed = fixed.replace(
          NARROW_U16,
          (whole, a: string, b: string, fast: string) =>
            (known(a) | known(b)) >>> 16 === 0 ? `(${fast})` : whole,
        );
      }
      const fresh = withoutMask(fixed, known, parse);
      if (fresh !== value) {
        value = fresh;
        lines[j] = lines[j]!.replace(set[2]!, () => fresh);
        changed = true;
      }
      // Both from the words before this write (the value may read its own target).
      const target = wordOf(set[1]!), e = parse(value);
      const m = e === null ? ANY : bitsOf(e, facts), h = e === null ? null : halvesOf(e, facts);
      bits.set(target, m);
      if (h === null) halves.delete(target);
      else halves.set(target, h);
    }
    if (!changed) continue;
    // The carry fix's local, where no fix is left to read it.
    const text = lines.join("\n");
    out[i] = /\$t\b/.test(text.replaceAll("let $t;", ""))
      ? text
      : text.replaceAll("\nlet $t;\n", "\n");
  }
  return out;
}

/**
 * `value` without its outermost `& c` (a literal) where the bits `known` gives its other operand
 * are all in `c`: the masks of the i16x8 shifts (`(x << 1) & -65538`, the bit that would cross
 * into the next lane) after a widening, which no bit reaches.
 */
function withoutMask(
  value: string,
  known: (x: string) => number,
  parse: (x: string) => Expr | null,
): string {
  const e = parse(value);
  if (e === null || e.kind !== "op" || e.op !== "&") return value;
  const c = e.b.kind === "num" ? e.b.value : e.b.kind === "unary" && e.b.op === "-" &&
      e.b.a.kind === "num"
    ? -e.b.a.value
    : null;
  const at = value.lastIndexOf(" & ");
  if (c === null || !Number.isInteger(c) || at < 0 || parse(value.slice(at + 3)) === null) {
    return value;
  }
  const rest = value.slice(0, at);
  return parse(rest) !== null && (known(rest) & ~c) === 0 ? rest : value;
}

/**
 * The bits of `e`'s words that decide the bits `m` of its value, added to `reads` (by word);
 * false where `e` holds an operation this does not follow (a comparison, a condition, a call
 * other than `Math.imul`, an assignment, an element of another array): its words are then read
 * whole. Sound: bits of a word not in `reads` change no bit of `m` in `e`'s value (as an int32,
 * what a word's assignment keeps).
 */
function demandOf(e: Expr, m: number, reads: Map<number, number>): boolean {
  if (m === 0) return true;
  /** `x` as a literal's bits, or null. */
  const literal = (x: Expr) =>
    x.kind === "num" && Number.isInteger(x.value) && x.value < 2 ** 32
      ? x.value >>> 0
      : x.kind === "unary" && x.op === "-" && x.a.kind === "num" && Number.isInteger(x.a.value) &&
          x.a.value <= 2 ** 31
      ? -x.a.value >>> 0
      : null;
  switch (e.kind) {
    case "num":
    case "name":
      // A local's words are read where it is declared (see `demandedLanes`).
      return true;
    case "word":
      reads.set(e.word, ((reads.get(e.word) ?? 0) | m) >>> 0);
      return true;
    case "unary":
      if (literal(e) !== null) return true;
      // `~` flips each bit; `-` carries from below, as a difference does.
      return e.op === "~"
        ? demandOf(e.a, m, reads)
        : e.op === "-"
        ? demandOf(e.a, smear(m), reads)
        : false;
    case "call":
      return e.name === "Math.imul" && e.args.length === 2 &&
        e.args.every((x) => demandOf(x, smear(m), reads));
    case "op": {
      const { op, a, b } = e;
      const k = literal(b);
      switch (op) {
        case "&": {
          const j = literal(a);
          if (k !== null) return demandOf(a, (m & k) >>> 0, reads);
          if (j !== null) return demandOf(b, (m & j) >>> 0, reads);
          return demandOf(a, m, reads) && demandOf(b, m, reads);
        }
        case "|":
        case "^":
          return demandOf(a, m, reads) && demandOf(b, m, reads);
        case "<<":
          return k !== null && demandOf(a, m >>> (k & 31), reads);
        case ">>>":
          return k !== null && demandOf(a, (m << (k & 31)) >>> 0, reads);
        case ">>": {
          if (k === null) return false;
          const s = k & 31;
          // The bits shifted in are copies of the sign bit.
          const sign = s > 0 && m >>> (32 - s) !== 0 ? 0x80000000 : 0;
          return demandOf(a, ((m << s) | sign) >>> 0, reads);
        }
        case "+":
        case "-":
          // Exact in a double (int32 operands), each bit from the bits at or below it.
          return demandOf(a, smear(m), reads) && demandOf(b, smear(m), reads);
        case "*": {
          // By a literal, exact where the product stays below 2^53 (a byte splat's
          // `(x & 255) * 16843009`): as `Math.imul`.
          const j = literal(a);
          const [x, c] = k !== null ? [a, k] : j !== null ? [b, j] : [null, 0];
          if (x === null) return false;
          const bound = bitsOf(x, { bits: new Map(), halves: new Map(), names: new Map() });
          return (bound & 0x80000000) === 0 && bound * c < 2 ** 53 &&
            demandOf(x, smear(m), reads);
        }
      }
      return false;
    }
    default:
      return false;
  }
}

/** A value stack word named through the s32 or f32 view: the view's letter, slot and lane. */
const WORD_READ = /([sf])32\[\(fp \+ (-?\d+)\)(?: \+ ([123]))?\]/g;
/** A statement assigning a value stack word as an f32: `f32[(fp + k)] = e;`. */
const F32_SET = /^(f32\[\(fp \+ -?\d+\)(?: \+ [123])?\]) = ([^;]*);$/;

/**
 * Whether instruction text `t` may leave its straight-line run other than by a trap (a branch,
 * a return, a call's flush or a fuel stop), decide which of its statements run (a statement
 * block other than a bare `{`), or reach value stack words other than by naming them through
 * the s32 or f32 view (a helper given a slot's index or the view itself, the f64 view): after
 * it, any word may be read.
 */
function opaque(t: string): boolean {
  return t.includes("/*") || LEAVES.test(t) || OTHER_REACH.test(t);
}
/** Statements that leave a run or choose what runs (see `opaque`), one test for all. */
const LEAVES =
  /\b(?:break|continue|return|switch|case|for|while|do|try|catch|finally|function)\b|\bthrow (?!trap\(\d+\);)|\S[ \t]*\{[ \t]*$|^[ \t]*\}[ \t]*\S/m;
/** `fp` other than in a word named through the s32 or f32 view, or a view other than so. */
const OTHER_REACH = /(?<![sf]32\[\()\bfp\b|\b[sf](?:32|64)\b(?!\[\(fp \+ -?\d+\)(?: \+ [123])?\])/;

/**
 * Whether `text` names the local `name` (not as the start of a longer name): by `indexOf`, as
 * a regular expression per name (built per declarator) was most of this pass's first run in a
 * process (`bench/vec_bytes.c`: 2,600 of them).
 */
function named(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const next = text[at + name.length];
    if (next === undefined || !IDENTIFIER_PART.test(next)) return true;
  }
  return false;
}
const IDENTIFIER_PART = /[\w$]/;

/** The declarators of a declaration's list (`$a0 = x, $a1 = f(y, z)`): split at top-level commas. */
function declarators(list: string): string[] {
  const out: string[] = [];
  let depth = 0, from = 0;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i]!;
    if (ch === "(" || ch === "[") depth++;
    else if (ch === ")" || ch === "]") depth--;
    else if (ch === "," && depth === 0) {
      out.push(list.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(list.slice(from).trim());
  return out;
}

/** A value whose statement may go when nothing reads what it writes: words, literals, locals, pure
 * arithmetic, and the loads of an access whose bounds the instruction checked. */
const PURE_CALL =
  /\b(?:Math\.imul|Math\.min|Math\.max|f32Bits|f32Of|v128NarrowU8|v128NarrowU16|v128EqBytes)\(/g;
function droppable(value: string, checked: boolean): boolean {
  let rest = value.replace(/[sf]32\[\(fp \+ -?\d+\)(?: \+ [123])?\]/g, "w").replace(PURE_CALL, "(");
  if (checked) rest = rest.replace(/\bmview\.get(?:Int32|Float32)\((?=\$e[ab]\b)/g, "(");
  // No other call, element, assignment or increment.
  return !/[\w$]\s*\(|\[|(?<![=!<>])=(?!=)|\+\+|--/.test(rest);
}

/**
 * `texts` with the v128 lane words (and any value stack word) that nothing reads left unwritten,
 * and the bits of a word that nothing reads left uncomputed: a lane written and written again
 * before any read (the three lanes of a compare whose result a shuffle takes one byte of, a
 * splat's lanes a widening of its low word never reads), a declared local nothing reads, a
 * word assigned to itself (a mask `boundedLanes` showed needless), and the `|` terms and last
 * masks of a word that give only bits no read keeps (the byte shuffle that moves each compare
 * result of `bench/vec_bytes.c`'s threshold count to its own lane, then `& 1`).
 *
 * Per straight-line run, backward: from the run's end (where control leaves, every word may be
 * read) each statement `s32[w] = e;` writes all of `w` (no bit of it is read before it from
 * after), and its reads of words are the bits `demandOf` gives for the bits of `w` read after
 * it; any other statement reads whole every word it names. An instruction that may leave the run
 * or choose what runs (`opaque`) reads every word. A statement whose value may throw or has an
 * effect (a call, an element, a load not behind its instruction's bounds check) stays, as a
 * write, and reads its words whole (they decide whether it traps). A trap ends the run for good
 * (a frame that traps is not read again).
 *
 * Also: a word written with an f32 lane's bits (`f32Bits` of a number local, an
 * `f32x4.extract_lane`) that only arithmetic reads after (through the f32 view) until it is
 * written whole again is written the number instead, without its bits and back (`f32Of`):
 * `bench/vec_float.c`'s horizontal sums.
 *
 * V8's optimising tier drops a dead pure value itself, but not before it has been parsed,
 * compiled to bytecode and optimised (its compile time), and not the bits an `|` chain gives
 * that a mask clears. Measured on `bench/vec_bytes.c` (per-loop minima over calls 14-30 of
 * `run(100)`, 7 processes each, alternating with the tree before, loaded 2-core machine): its
 * threshold count 1.48 -> 1.03 ms (one compare per word read instead of four, its shuffle's
 * bytes as one shift each), the other loops unchanged (within 0.05 ms); least CPU time of a
 * call 11.0 -> 10.3 ms; its generated source 94.1 -> 89.3 KB (`scripts/dump_codegen.ts`).
 * `deno task bench --tier codegen --filter vec_bytes,vec_float`, 7 runs alternating with the
 * tree before, best CPU of a timed call: vec_bytes 10.7 -> 10.3 ms, vec_float 21.8 -> 21.4
 * (noise), the scalar builds unchanged (8.5/8.6, 20.4/20.3). The cost is in the first call:
 * this pass's own first run in a process (cold, most of it parsing and regular expressions)
 * took 30-110 ms wall on the busy machine, about as long as `boundedLanes`'; `bench:warmup
 * --rounds 7`: first call CPU 1.08-1.11x the tree before (vec_bytes 468 vs 423 ms, noise in
 * the scalar builds' rows 0.80-1.01x), warm calls 0.88x.
 */
export function demandedLanes(
  texts: readonly string[],
  isInstruction: readonly boolean[],
): string[] {
  // Only in a body with v128 lanes (words 2-3 of a slot, as they are or numbered by
  // `laneSlots`; an i64 has words 0-1): in a scalar body it found little (a local of an i64
  // spelling nothing read), and its first run in a process cost 9-13 ms of CPU (`bench/lz.c`,
  // `bench/xxh64.c`: least of 5 alternated processes, loaded machine).
  const lanes = (t: string) =>
    /\(fp \+ -?\d+\) \+ [23]\]/.test(t) ||
    [...t.matchAll(/\(fp \+ (\d{9,})\)/g)].some((m) =>
      Number(m[1]) >= LANE_BASE && wordOfSlot(Number(m[1])) % 4 >= 2
    );
  if (!texts.some(lanes)) {
    EXPRS.clear();
    return texts.slice();
  }
  const out = texts.slice();
  /** By word, the bits of it that code after may read; absent: every bit. */
  const demand = new Map<number, number>();
  const none: Known = { bits: new Map(), halves: new Map(), names: new Map() };
  /**
   * The words that code after reads only through the f32 view (as numbers: arithmetic, see
   * `asNumber` below) until it writes them whole.
   */
  const asNumber = new Set<number>();
  /** Reads every word `text` names whole. */
  const readAll = (text: string) => {
    for (const m of text.matchAll(WORD_READ)) {
      const w = wordOfSlot(Number(m[2])) + Number(m[3] ?? 0);
      demand.delete(w);
      if (m[1] === "s") asNumber.delete(w);
    }
  };
  /** Reads the bits of words that the bits `m` of `value` take. */
  const readFor = (value: string, m: number) => {
    const e = parse(value);
    const reads = new Map<number, number>();
    if (e === null || !demandOf(e, m, reads)) return readAll(value);
    for (const [w, bits] of reads) {
      // (`wordExpr` reads words through the s32 view only: through another, not parsed.)
      asNumber.delete(w);
      const d = demand.get(w);
      if (d === undefined) continue;
      const all = (d | bits) >>> 0;
      if (all === ANY) demand.delete(w);
      else demand.set(w, all);
    }
  };
  for (let i = texts.length - 1; i >= 0; i--) {
    const t = texts[i]!;
    if (!isInstruction[i] || opaque(t)) {
      demand.clear();
      asNumber.clear();
      continue;
    }
    if (!t.includes("(fp + ")) continue;
    const lines = t.split("\n");
    const checked = /^if \(\$ea [^;]*\) throw trap\(\d+\);$/m.test(t);
    let changed = false;
    for (let j = lines.length - 1; j >= 0; j--) {
      const s = lines[j]!.trim();
      const set = WORD_SET.exec(s);
      if (set !== null) {
        const w = wordOf(set[1]!);
        let value = set[2]!;
        const d = demand.get(w) ?? ANY;
        if (value === set[1] || (d === 0 && droppable(value, checked))) {
          lines[j] = "";
          changed = true;
          continue;
        }
        const bits = /^f32Bits\((f32\[\(fp \+ -?\d+\)(?: \+ [123])?\])\)$/.exec(value);
        if (bits !== null && asNumber.has(w)) {
          // An f32 lane's number (a lane `f32Slots` keeps in a number local) extracted into a
          // word that only arithmetic reads: the number itself, not its bits and back
          // (`f32x4.extract_lane` feeding an `f32.add`; a NaN's payload is the number's either
          // way, as the number came from f32 arithmetic or a constant, see `f32Slots`).
          lines[j] = lines[j]!.replace(s, () => `f32${set[1]!.slice(3)} = ${bits[1]};`);
          changed = true;
          demand.set(w, 0);
          readAll(bits[1]!);
          continue;
        }
        // A value with an effect (a call that may trap, an element) reads its words whole, the
        // bits no later read takes too: they decide whether it traps.
        const pure = droppable(value, checked);
        if (d !== ANY && d !== 0 && pure) {
          const e = parse(value);
          const fresh = e === null ? value : narrowed(value, e, d, none);
          if (fresh !== value) {
            lines[j] = lines[j]!.replace(value, () => fresh);
            value = fresh;
            changed = true;
          }
        }
        demand.set(w, 0);
        asNumber.add(w);
        if (pure) readFor(value, d);
        else readAll(value);
        continue;
      }
      const number = F32_SET.exec(s);
      if (number !== null) {
        // A whole word written as an f32: its bits before are read by nothing after.
        const w = wordOf(number[1]!);
        demand.set(w, 0);
        asNumber.add(w);
        readAll(number[2]!);
        continue;
      }
      const decl = /^(const|let) (.*);$/.exec(s);
      if (decl !== null && /^\$[a-z]\w*(?: = |$)/.test(decl[2]!)) {
        // A local nothing in the instruction reads (a lane of an operand no lane of the result
        // takes) is not declared.
        const others = lines.filter((_, k) => k !== j).join("\n");
        const kept = declarators(decl[2]!).filter((part) => {
          const name = /^(\$[a-z]\w*)/.exec(part)?.[1];
          if (name === undefined) return true;
          const init = part.slice(name.length).replace(/^ = /, "");
          const used = named(others, name);
          return used || part === name || !droppable(init, checked);
        });
        if (kept.length === 0) {
          lines[j] = "";
          changed = true;
          continue;
        }
        const list = kept.join(", ");
        if (list !== decl[2]) {
          lines[j] = `${decl[1]} ${list};`;
          changed = true;
        }
        readAll(list);
        continue;
      }
      readAll(s);
    }
    if (changed) out[i] = lines.filter((l) => l !== "").join("\n");
  }
  EXPRS.clear();
  return out;
}

/**
 * `value` (parsed: `e`) with the terms of its top-level `|` chain that set no bit of `m`
 * dropped, and a last `& c` of each term kept that clears no bit of `m`, dropped (the result the
 * same in the bits `m`); `value` itself where nothing goes. Its terms are read from `e` (no text
 * parsed again: the pass's cost is most in parsing).
 */
function narrowed(value: string, e: Expr, m: number, none: Known): string {
  const terms = orTerms(value);
  if (terms === null) return value;
  const nodes: Expr[] = [];
  const flat = (x: Expr) => {
    if (x.kind === "op" && x.op === "|") {
      flat(x.a);
      flat(x.b);
    } else nodes.push(x);
  };
  flat(e);
  // As many nodes as terms: no term is itself an `|` in parentheses, each node is its term.
  if (nodes.length !== terms.length) return value;
  const kept: string[] = [];
  for (let i = 0; i < terms.length; i++) {
    const term = terms[i]!, node = nodes[i]!;
    // (A `| 0` stays: it costs nothing, and the scalar templates' values keep their spelling.)
    if (node.kind !== "num" && (bitsOf(node, none) & m) === 0) continue;
    const c = node.kind === "op" && node.op === "&"
      ? node.b.kind === "num"
        ? node.b.value
        : node.b.kind === "unary" && node.b.op === "-" && node.b.a.kind === "num"
        ? -node.b.a.value
        : null
      : null;
    if (c !== null && Number.isInteger(c) && (m & ~c) === 0) {
      // `((x >>> 8) & 255)`: its parentheses, then its mask (the last ` & `: the literal after
      // the top-level one has none).
      let x = term;
      while (x.startsWith("(") && closes(x)) x = x.slice(1, -1).trim();
      const at = x.lastIndexOf(" & ");
      if (at > 0) {
        const rest = x.slice(0, at);
        kept.push(rest.startsWith("(") && closes(rest) ? rest : `(${rest})`);
        continue;
      }
    }
    kept.push(term);
  }
  if (kept.length === terms.length && kept.every((k, i) => k === terms[i])) return value;
  return kept.length === 0 ? "0" : kept.join(" | ");
}
