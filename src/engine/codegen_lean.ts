/**
 * The `lean` spelling of generated code (`Config.codegenStyle`), for JavaScript engines that
 * interpret it without a JIT (V8's `--jitless` Ignition, iOS Lockdown Mode, QuickJS, Hermes).
 * There every operator, temporary, property load and call is a bytecode the interpreter
 * dispatches, where an optimizing JIT folds most of them away; `leanSource` rewrites the
 * source `generateSource` made into an equivalent one with fewer of them. Each rewrite keeps
 * the value of every expression it touches exactly (the same int32, the same double), so both
 * spellings run every instruction alike; the spec suites run under both.
 *
 * Measured under `node --jitless` (CPU time of 3M iterations of a loop doing one of each, best
 * of 5, `process.cpuUsage`; an empty loop iteration ~13 ns): `Math.fround(x)` ~14 ns,
 * through a local `$fround(x)` ~9 ns; `Math.imul` ~6 ns more than through a local; an extra
 * `| 0` ~1 ns; a `let` or `const` in the enclosing closure is read with a hole check (`var`
 * is not).
 *
 * All together, on the benchmark workloads under `node --jitless` (CPU time of `run(size)` at
 * `bench:jitless`'s scale 0.1, median of 3, lean / jit style, on a shared 2-core machine).
 * Against the generator as merged with cgsize and cgcall2 (whose JIT spelling already drops
 * most redundant `| 0`), one run: geometric mean 0.90; sha512 0.76, bytesum 0.79, hashtab
 * 0.81, sieve 0.84, vec_float 0.84, i64 and xxh64 0.90, the call-bound ones 0.96-1.01. Against
 * the generator before those, two runs: geometric mean 0.81 both times; sha512 0.65-0.69, vec_float 0.64-0.81, bytesum
 * 0.69, vec_bytes 0.67-0.75, hashtab 0.70-0.77, loop 0.75, i64 0.79-0.80, xxh64 0.84-0.89;
 * the call-bound ones barely move (fib 0.88-0.92, calls 0.97-1.04, binary-trees 1.02-1.10,
 * exceptions 1.00-1.03: their time is in the call sequence and runtime helpers, not in
 * spellings this pass changes).
 *
 * The lane, byte-copy, immediate and bounds rewrites added after (`withLaneGroups`,
 * `withLaneMinMaxInline`, `withImmediatesFolded`, `withBytesCopiedInline`,
 * `withBoundsPrecomputed`), against the pass before them: CPU time of `run(size)` under
 * `node --jitless` at scale 0.1, best of 2 processes x 3 runs, geometric mean 0.92 over the 18
 * workloads; vec_float 0.74, vec_bytes_scalar 0.82, lz 0.83, vec_float_scalar 0.79, matmul 0.87,
 * sieve 0.89, vec_bytes 0.89; the call-bound ones and i64, sha512 within 2% either way.
 * Tried and dropped: `v128GtBytesU` inline as its expression (vec_bytes unchanged, 108 ms both).
 *
 * Then block temporaries declared once per function (`withBlockTemporariesHoisted`,
 * codegen_hoist.ts: they had pushed Ignition's expression registers past one-byte operands),
 * an f32 lane's min and max left unrounded, precomputed bounds and one alignment test for a
 * scalar i64 access: CPU time of `run(size)` under `node --jitless` at `bench:jitless`'s scale
 * 0.1, best of 3 runs alternating with the generator before them: vec_float 175 -> 150 ms,
 * xxh64 282 -> 244, hashtab 298 -> 272, vec_bytes 79 -> 71, fib 89 -> 83, lz 72 -> 68, matmul
 * 144 -> 139, sha512 187 -> 183; i64, calls and the scalar vector builds unchanged.
 * What stays wide: a feedback slot past 255 (a long body's later loops) takes a `Wide` prefix
 * too; in vec_float's body 2,981 of its bytecodes after the hoisting. Long loops are therefore
 * split into functions of their own as in the JIT spelling (`codegen_split.ts`), each spelled by
 * the same rewrites (`leanLoops`: it reads the memory's typed views and limits on entry). Under
 * `node --jitless` (`deno task bench:jitless --scale 0.1 --filter ...`, CPU ratio to native,
 * 4 runs per tree alternating with the generator before): vec_bytes_scalar 98-101x -> 88-91x;
 * sha512, vec_float, vec_float_scalar, vec_bytes, xxh64, hashtab within their spread (which is
 * 5-8%). Split without those rewrites, vec_float had run 3x slower.
 *
 * Then a `call_indirect`'s callee looked up inline (`withIndirectCalleeInline`), a direct
 * entry's arguments as its registers' parameters and its dead zeros dropped
 * (`withArgumentsInPlace`, `withDominatedLoadsDropped`), a call site's result declared once
 * (`withCallResultsUndeclared`) and a scalar f32 clamp compared inline
 * (`withScalarClampsInline`): CPU time of `run(size)` under `node --jitless` at scale 0.1, best
 * of 5 runs alternating with the generator before them (a loaded 2-core machine):
 * vec_float_scalar 194 -> 164 ms, calls 115 -> 103, fib 56 -> 51, binary-trees 48 -> 45;
 * xxh64, hashtab, sha512, i64, vec_float, exceptions within their spread.
 *
 * Then a float32 local's last rounding left to the stores that read it
 * (`withDeadRoundsDropped`): CPU time of `run(size)` under `node --jitless` at scale 0.1, best
 * of 5 processes alternating with the generator before (3 timed runs each, a loaded 2-core
 * machine), three sessions: vec_float 138.5 -> 127.9 ms, 140.5 -> 135.6 ms and (7 processes)
 * 134.9 -> 126.5 ms; i64, sha512,
 * xxh64, matmul, vec_bytes (whose code it leaves as it was) within 5% either way. Tried and
 * dropped: `i8x16.gt_u`'s mask without its product past 2^31 (which Ignition boxes; 3M random
 * words 110 -> 85 ms in a loop of their own), vec_bytes 120.0 -> 121.8 ms best of 7: its words
 * rarely set a top lane, and the spelling costs three bytecodes more.
 *
 * @module
 */

import { closingBrace, withBlockTemporariesHoisted } from "./codegen_hoist.ts";
import { leanI64 } from "./codegen_i64.ts";
import { laneMax, laneMin } from "./codegen_v128.ts";

/** The `Math` functions generated code calls: read once per body factory rather than per call. */
const HOISTED_MATH = [
  "fround",
  "imul",
  "clz32",
  "floor",
  "ceil",
  "trunc",
  "abs",
  "sqrt",
  "min",
  "max",
  "round",
  "sign",
];

/** The index of the `(` matching the `)` at `close` in `js`, or -1. */
function openingOf(js: string, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    const c = js[i];
    if (c === ")" || c === "]") depth++;
    else if (c === "(" || c === "[") {
      depth--;
      if (depth === 0) return c === "(" ? i : -1;
    } else if (c === '"' || c === "'" || c === "`" || c === ";" || c === "{" || c === "}") {
      return -1;
    }
  }
  return -1;
}

/**
 * Whether `inner` (the text inside a pair of parentheses) has, outside nested brackets, only
 * operators that bind tighter than `|` or are `|` itself: then a ` | 0` it ends with applies to
 * all of it.
 */
function bitOrIsOutermost(inner: string): boolean {
  let depth = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (depth === 0) {
      if (c === "?" || c === "," || c === ":" || c === '"' || c === "'" || c === "`") return false;
      if (c === "|" && inner[i + 1] === "|") return false;
      if (c === "&" && inner[i + 1] === "&") return false;
      if (c === "=" && !"=!<>".includes(inner[i - 1] ?? "") && inner[i + 1] !== "=") return false;
      if (c === "=" && inner[i + 1] === ">") return false;
    }
  }
  return depth === 0;
}

/**
 * `(E | 0)` as the left operand of an integer operator (`(E | 0) | 0`, `(E | 0) >>> 0`) is
 * `(E)`: that operator applies ToInt32 or ToUint32 itself, and both are taken modulo 2^32, so
 * the inner conversion changes nothing. Only where the group is not the operand of anything to
 * its left (it follows `(`, `= ` or `return `).
 */
function withoutInnerBitOr(js: string): string {
  for (let pass = 0; pass < 4; pass++) {
    const cuts: number[] = [];
    const re = /\| 0\)(?= (?:\||&|\^|<<|>>|>>>) )/g;
    for (const m of js.matchAll(re)) {
      const close = m.index! + 3;
      const open = openingOf(js, close);
      if (open < 0) continue;
      if (!standsAlone(js, open)) continue;
      const inner = js.slice(open + 1, close);
      if (!inner.endsWith(" | 0") || !bitOrIsOutermost(inner)) continue;
      cuts.push(close - 4);
    }
    if (cuts.length === 0) break;
    let out = "";
    let from = 0;
    for (const cut of cuts) {
      out += js.slice(from, cut);
      from = cut + 4;
    }
    js = out + js.slice(from);
  }
  return js;
}

/** Whether the `(` at `open` is the start of an operand nothing to its left applies to. */
function standsAlone(js: string, open: number): boolean {
  const before = js.slice(Math.max(0, open - 7), open);
  return /(?:\(|[^=!<>]= |return )$/.test(before);
}

/** The operators at bracket depth 0 of `text`, as written (`>>>`, `<<`, `|`, `==`, ...). */
function outerOperators(text: string): string[] | null {
  const ops: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") depth--;
    else if (depth === 0 && "|&^<>=!?:,+-*/%~".includes(c)) {
      let j = i + 1;
      while (j < text.length && "|&^<>=".includes(text[j]!)) j++;
      ops.push(text.slice(i, j));
      i = j - 1;
    } else if (depth === 0 && "\"'`{};".includes(c)) return null;
  }
  return depth === 0 ? ops : null;
}

/**
 * Whether the expression `text` is always an int32: a cached i32 word (`r4`, `h4`: JS locals
 * only ever assigned int32s), an int32 literal, `Math.imul(...)`/`Math.clz32(...)`, or an
 * expression whose outermost operator is `|`, `^`, `&`, `<<` or `>>`.
 */
function isInt32(text: string): boolean {
  text = text.trim();
  // `$w<id>`/`$x<id>`: a slot's words in locals (`codegen_slots.ts` truncates each write) or
  // a v128 load's words (`getInt32`, `codegen_v128.ts`).
  if (/^(?:[rh]\d+|\$[wx]\d+)$/.test(text)) return true;
  // `~` of one operand (a name, or a group): ToInt32, then its complement.
  if (text.startsWith("~")) {
    const rest = text.slice(1);
    if (/^[\w$]+$/.test(rest)) return true;
    if (rest.startsWith("(") && rest.endsWith(")") && openingOf(rest, rest.length - 1) === 0) {
      return true;
    }
  }
  // What `withTypedMemory` reads: a byte, an int32 word.
  if (/^m(?:u8|i32)\[[^[\]]*\]$/.test(text)) return true;
  if (/^\([\w$ +]+\) & 3 \? mview\.getInt32\([^()]*\) : mi32\[\([\w$ +]+\) >>> 2\]$/.test(text)) {
    return true;
  }
  if (/^-?\d{1,10}$/.test(text)) return (Number(text) | 0) === Number(text);
  const call = /^(?:\$math_|Math\.)(?:imul|clz32)\(/.exec(text);
  if (
    call !== null && text.endsWith(")") && openingOf(text, text.length - 1) === call[0].length - 1
  ) {
    return true;
  }
  if (text.startsWith("(") && openingOf(text, text.length - 1) === 0) {
    return isInt32(text.slice(1, -1));
  }
  const ops = outerOperators(text);
  if (ops === null) return false;
  if (ops.some((op) => ["?", ":", ",", "||", "&&", "??"].includes(op) || /^[^=!<>]*=$/.test(op))) {
    return false;
  }
  if (ops.some((op) => op === "|" || op === "^" || op === "&")) return true;
  if (ops.some((op) => ["==", "===", "!=", "!==", "<", ">", "<=", ">=", ">>>"].includes(op))) {
    return false;
  }
  return ops.some((op) => op === "<<" || op === ">>");
}

/**
 * `(E) | 0` where `E` is already an int32 (see `isInt32`) and the `| 0` applies to nothing else
 * is `(E)`: `x = (r4) | 0;` becomes `x = (r4);`, `(a ^ b) | 0` becomes `(a ^ b)`.
 */
function withoutIntBitOr(js: string): string {
  const cuts: number[] = [];
  for (const m of js.matchAll(/\) \| 0(?=[;,)])/g)) {
    const open = openingOf(js, m.index!);
    if (open < 0 || !standsAlone(js, open)) continue;
    if (isInt32(js.slice(open + 1, m.index!))) cuts.push(m.index! + 1);
  }
  let out = "";
  let from = 0;
  for (const cut of cuts) {
    out += js.slice(from, cut);
    from = cut + 4;
  }
  return out + js.slice(from);
}

/**
 * `Math.imul(x, c)` for an i32 word `x` (a name or a value-stack word) and a constant `c` of at
 * most 2^20 in magnitude is `(x * c | 0)`: the product is below 2^52, exact, and its low 32
 * bits are imul's (a multiply and an `| 0` rather than a call: ~6 ns less each under
 * `--jitless`). The i64 multiply by a constant (`codegen_i64.ts`) makes four of them.
 */
function withSmallProducts(js: string): string {
  return js.replace(
    /\$math_imul\(((?<![\w$])[\w$]+|s32\[[^[\]]+\]), (-?\d{1,7})\)/g,
    (whole, x: string, c: string) => Math.abs(Number(c)) <= 2 ** 20 ? `(${x} * ${c} | 0)` : whole,
  );
}

/**
 * `i32Rotl(x, k)` and `i32Rotr` (`core/num/i32.ts`) spelled inline where `x` and `k` are names,
 * value-stack words or literals (read twice, so nothing with an effect): the helpers' own
 * expressions, without the call (a call costs an interpreter far more than the shifts).
 */
function withRotationsInline(js: string): string {
  const operand = String.raw`(?<![\w$])[\w$]+|s32\[[^[\]]+\]|-?\d+`;
  return js.replace(
    new RegExp(String.raw`(?<![\w$.])i32Rot([lr])\((${operand}), (${operand})\)`, "g"),
    (_, dir: string, x: string, k: string) => {
      const back = /^-?\d+$/.test(k) ? `${32 - (Number(k) & 31)}` : `(32 - (${k} & 31))`;
      return dir === "l"
        ? `((${x} << ${k}) | (${x} >>> ${back}))`
        : `((${x} >>> ${k}) | (${x} << ${back}))`;
    },
  );
}

/** An f32 lane operand of `laneMin`/`laneMax` (`codegen_v128.ts`): a name or an f32 slot. */
const LANE = String.raw`[\w$]+|f32\[[^[\]]*\]`;
const LANE_MIN_MAX = new RegExp(String.raw`^\((${LANE}) ([<>]) (${LANE}) \? `);
const LANE_LOAD = /^\$l = (?:mview\.getFloat32\([^()]*\)|mf32\[[^[\]]*\])$/;

/**
 * Whether `e` is Wasm's f32 `min` or `max` of two f32 lanes as `codegen_v128.ts` spells it
 * (`laneMin`, `laneMax`), or `f32x4MaxMin`'s clamp of them, whose `$l` is an f32 load.
 */
function isLaneMinMax(e: string): boolean {
  const m = LANE_MIN_MAX.exec(e);
  if (m !== null && e === (m[2] === "<" ? laneMin : laneMax)(m[1]!, m[3]!)) return true;
  if (!e.startsWith("(") || !e.endsWith(")")) return false;
  const parts = argsAt(e, 0)?.args ?? [];
  if (parts.length === 3 && !LANE_LOAD.test(parts[0]!)) return false;
  if (parts.length !== 2 && parts.length !== 3) return false;
  const [t, min] = parts.slice(-2) as [string, string];
  return t.startsWith("$t = ") && isLaneMinMax(t.slice(5)) && min.startsWith("($t < ") &&
    isLaneMinMax(min);
}

/**
 * `Math.fround` of an f32 lane's `min` or `max` (`isLaneMinMax`) as that value: the result is
 * one of the operands, each an f32 already (a lane's local holds the rounded value, as its
 * slot's f32 view would give: `splitSlotValues` in codegen_slots.ts), or `NaN`, which
 * rounding leaves a NaN (the store of it writes the same bits either way). A call fewer per
 * lane: `bench/vec_float.c`'s clamp rounded each of its four lanes.
 */
function withLaneMinMaxUnrounded(js: string): string {
  let out = "";
  let from = 0;
  for (let at = js.indexOf("Math.fround(", from); at >= 0; at = js.indexOf("Math.fround(", from)) {
    const open = at + "Math.fround".length;
    const call = argsAt(js, open);
    if (call === null || call.args.length !== 1 || !isLaneMinMax(call.args[0]!)) {
      out += js.slice(from, open);
      from = open;
      continue;
    }
    out += js.slice(from, at) + call.args[0]!;
    from = call.close + 1;
  }
  return out + js.slice(from);
}

/** `Math.fround(<number literal>)` as the literal it rounds to. */
function withFroundFolded(js: string): string {
  return js.replace(
    /Math\.fround\((-?(?:\d+(?:\.\d*)?(?:e[+-]?\d+)?|Infinity|NaN))\)/g,
    (_, literal: string) => {
      const v = Math.fround(Number(literal));
      return Object.is(v, -0) ? "(-0)" : v < 0 ? `(${v})` : String(v);
    },
  );
}

/**
 * An f32 immediate (`isa.ts`: `F32MulImm` and its kin write the constant's bits to the scratch
 * `IMM_WORDS[0]` and read it back as `IMM_F32[0]`) spelled as the number it is, where the
 * statement after the write is the only one reading it (the next scratch access after that
 * statement is another write, or there is none) and it is not a NaN (whose bits a number
 * literal would not keep): a typed-array store and load fewer, each a keyed access under
 * `--jitless`. The jit style folds them too (`jitBounds` in codegen.ts): TurboFan keeps the
 * store and the load.
 */
export function withImmediatesFolded(js: string): string {
  const accesses = [...js.matchAll(/\bIMM_(?:WORDS|F32)\[0\]( = \(?(-?\d+)\)?;\n)?/g)];
  const bits = new Int32Array(1);
  const f32 = new Float32Array(bits.buffer);
  let out = "";
  let from = 0;
  for (let i = 0; i < accesses.length; i++) {
    const store = accesses[i]!;
    if (store[1] === undefined) continue;
    bits[0] = Number(store[2]);
    const value = f32[0]!;
    const lineEnd = js.indexOf("\n", store.index! + store[0].length);
    let j = i + 1;
    const reads: number[] = [];
    while (
      j < accesses.length && accesses[j]![1] === undefined &&
      accesses[j]![0].startsWith("IMM_F32") && accesses[j]!.index! < lineEnd
    ) reads.push(accesses[j++]!.index!);
    const next = accesses[j];
    if (
      Number.isNaN(value) || reads.length === 0 ||
      (next !== undefined && (next.index! < lineEnd || next[1] === undefined))
    ) continue;
    const literal = Object.is(value, -0) ? "(-0)" : value < 0 ? `(${value})` : String(value);
    out += js.slice(from, store.index!);
    let at = store.index! + store[0].length;
    for (const read of reads) {
      out += js.slice(at, read) + literal;
      at = read + "IMM_F32[0]".length;
    }
    from = at;
    i = j - 1;
  }
  return out + js.slice(from);
}

/** An operand read twice without harm: a name, a number, an f32 slot (`f32[(fp + 8) + 1]`). */
const PURE_OPERAND = /^(?:[\w$]+|\(-?[\d.]+\)|-?[\d.]+|f32\[[^[\]]*\])$/;

/**
 * `f32LaneMin(a, b)` and `f32LaneMax` (`codegen_v128.ts`, Wasm's f32 min and max) with their
 * common case inline: `a < b ? a : b < a ? b : f32LaneMin(a, b)` (the call only for equal
 * operands, where the sign of a zero decides, or a NaN). A first operand that is not a plain
 * read (the max inside `f32x4MaxMin`'s min) goes through the local `$mm` once. `Math.min` would
 * not do: its NaN's sign depends on the platform (a negative one here), and the tiers store
 * the same bits.
 *
 * Measured under `node --jitless` (CPU time, 2M iterations, best of 7): a max ~31 ns by call,
 * ~17 ns inline; a clamp (min of a max) ~48 ns and ~25 ns.
 */
function withLaneMinMaxInline(js: string): string {
  const state = { temp: false };
  js = minMaxInlineIn(js, state);
  if (!state.temp) return js;
  // Declared in each function of the body (a direct entry's too: undeclared, strict code
  // assigning it would throw a ReferenceError), or at the start of a split loop's function,
  // which `leanLoops` spells without its head.
  const declared = js.replace(
    /^((?:return |var (?:direct|wasm) = )function (?:direct|wasm)\([^)]*\) \{\n)/gm,
    "$1let $mm = 0;\n",
  );
  return declared !== js ? declared : `let $mm = 0;\n${js}`;
}

/** `withLaneMinMaxInline` in `js`, left to right, each call's operands first (one pass each). */
function minMaxInlineIn(js: string, state: { temp: boolean }): string {
  const re = /(?<![\w$.])f32Lane(Min|Max)\(/g;
  let out = "";
  let from = 0;
  for (let m = re.exec(js); m !== null; m = re.exec(js)) {
    const call = argsAt(js, m.index + m[0].length - 1);
    if (call === null || call.args.length !== 2) continue;
    let [a, b] = call.args.map((arg) => minMaxInlineIn(arg, state)) as [string, string];
    if (!PURE_OPERAND.test(b)) continue;
    let set = a;
    if (!PURE_OPERAND.test(a)) {
      set = `($mm = ${a})`;
      a = "$mm";
      state.temp = true;
    }
    const op = m[1] === "Min" ? "<" : ">";
    out += js.slice(from, m.index) +
      `(${set} ${op} ${b} ? ${a} : ${b} ${op} ${a} ? ${b} : f32Lane${m[1]}(${a}, ${b}))`;
    from = call.close + 1;
    re.lastIndex = from;
  }
  return out + js.slice(from);
}

/**
 * The index of the `}` closing the `{` at `open` in `js`, or -1 (a quote on the way, or more
 * than `limit` characters to it: -1).
 */
function blockEnd(js: string, open: number, limit = Infinity): number {
  let depth = 0;
  for (let i = open, end = Math.min(js.length, open + limit); i < end; i++) {
    const c = js[i];
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
    else if (c === '"' || c === "'" || c === "`") return -1;
  }
  return -1;
}

/** A name used as a whole word in generated code (not a property, not part of a longer name). */
const word = (name: string) =>
  new RegExp(`(?<![\\w$.])${name.replaceAll("$", "\\$")}(?![\\w$])`, "g");

/**
 * The block temporaries the lowerings declare (`{ const $al = r8, $bl = (5); ... }`, a copy of
 * a cached word or a constant per operand) replaced by what they copy, where that is a JS local
 * or a literal: each copy is a bytecode (`Mov`) an interpreter dispatches. Only where nothing
 * in the block assigns the copied local before the temporary's last use, and nothing in it
 * declares either name again (a block's code runs in its text's order: it has no loops).
 */
function withTemporariesInlined(js: string): string {
  // Block by block, each of at most `BLOCK_LIMIT` characters, so that the work stays linear in
  // the body's size (an inner block of a larger one gets its own turn).
  const out: string[] = [];
  let from = 0;
  const re = /\{\n\s*const (?=\$)/g;
  for (let m = re.exec(js); m !== null; m = re.exec(js)) {
    const close = blockEnd(js, m.index, BLOCK_LIMIT);
    if (close < 0) continue;
    out.push(js.slice(from, m.index), inlinedInBlock(js.slice(m.index, close + 1)));
    from = close + 1;
    re.lastIndex = from;
  }
  out.push(js.slice(from));
  return out.join("");
}

/** The longest block `withTemporariesInlined` rewrites (the lowerings' blocks are far shorter). */
const BLOCK_LIMIT = 20_000;

/** `withTemporariesInlined` in `js`, one block (and the blocks in it). */
function inlinedInBlock(js: string): string {
  const starts: number[] = [];
  for (const m of js.matchAll(/\{\n\s*const (?=\$)/g)) starts.push(m.index!);
  // Each block's first `const` statement, then its next, while one is inlined.
  for (let s = starts.length - 1, again = false; s >= 0; again ? again = false : s--) {
    const open = starts[s]!;
    const close = blockEnd(js, open);
    if (close < 0) continue;
    const block = js.slice(open, close + 1);
    const decl = /^\{\n\s*const ([^;]*);\n/.exec(block);
    if (decl === null) continue;
    const declarators = decl[1]!.split(", ");
    const rest = block.slice(decl[0].length);
    // A loop would run the block's text out of order.
    if (/\b(?:for|while|do|continue)\b/.test(rest)) continue;
    const kept: string[] = [];
    const inlined = new Map<string, string>();
    for (const d of declarators) {
      const m = /^(\$[\w$]+) = ([rhde]\d+|\$[\w$]+|\(-?\d+\)|-?\d+)$/.exec(d);
      if (m === null) {
        kept.push(d);
        continue;
      }
      const [, name, value] = m as unknown as [string, string, string];
      const declaredAgain = (n: string) =>
        new RegExp(
          `(?:const|let|var) ${n.replaceAll("$", "\\$")}\\b|, ${n.replaceAll("$", "\\$")} =`,
        )
          .test(rest);
      let safe = !declaredAgain(name) && !kept.includes(value) && !inlined.has(value);
      if (safe && !value.startsWith("(") && !/^-?\d/.test(value)) {
        if (declaredAgain(value)) safe = false;
        const uses = [...rest.matchAll(word(name))].map((u) => u.index!);
        const lastUse = uses.length === 0 ? -1 : uses[uses.length - 1]!;
        const v = value.replaceAll("$", "\\$");
        const assign = new RegExp(
          `(?<![\\w$.])(?:${v}\\s*(?:[-+*/%&|^]|<<|>>>?)?=(?!=)|${v}\\s*(?:\\+\\+|--)|(?:\\+\\+|--)${v}(?![\\w$]))`,
        ).exec(rest);
        if (assign !== null && rest.indexOf(";", assign.index) < lastUse) safe = false;
      }
      if (safe) inlined.set(name, value);
      else kept.push(d);
    }
    if (inlined.size === 0) continue;
    // The declarators kept may read the temporaries inlined before them, too.
    let body = kept.length === 0 ? rest : `const ${kept.join(", ")};\n${rest}`;
    for (const [name, value] of inlined) body = body.replace(word(name), () => value);
    const head = decl[0].replace(/const [^;]*;\n$/, "");
    js = js.slice(0, open) + head + body + js.slice(close + 1);
    again = kept.length === 0 && /^\{\n\s*const (?=\$)/.test(js.slice(open));
  }
  return js;
}

/**
 * Whether `at` begins a statement of `js`: only white space back to a `;`, `{`, `}`, `:` or the
 * start (a scan back over the white space, not a regex over all of `js` before `at`: that made
 * the pass quadratic in the body's size).
 */
function startsStatement(js: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && /\s/.test(js[i]!)) i--;
  return i < 0 || ";{}:".includes(js[i]!);
}

/** Whether typed arrays are little-endian here, as Wasm memory is (every mainstream host). */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The index of the `)` closing the `(` at `open` in `js`, and the top-level arguments. */
function argsAt(js: string, open: number): { close: number; args: string[] } | null {
  const args: string[] = [];
  let depth = 0;
  let from = open + 1;
  for (let i = open; i < js.length; i++) {
    const c = js[i]!;
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) {
        args.push(js.slice(from, i).trim());
        return { close: i, args };
      }
    } else if (c === "," && depth === 1) {
      args.push(js.slice(from, i).trim());
      from = i + 1;
    } else if (c === '"' || c === "'" || c === "`") return null;
  }
  return null;
}

/** An argument `withBytesCopiedInline` may copy into a sum: names, numbers, `+` and `-`. */
const SUM_OPERAND = /^[\w$]+(?: [+-] [\w$]+)*$/;

/**
 * `copyByte(mview, memLen, from, fromOffset, to, toOffset)` (`bulk_ops.ts`, a byte load then
 * store, `I32Copy8At`) as its own statements on the byte view: the same addresses, the same
 * bounds test, the same trap (`trap` read from the runtime as `$lean_trap`), without the call
 * and its two `DataView` calls. Where each argument is a sum of names and numbers.
 *
 * Measured under `node --jitless` (CPU time of `run`, best of 3x3 runs): `bench/vec_bytes.wasm`
 * 114 -> 105 ms, its scalar build 101 -> 94 ms.
 */
function withBytesCopiedInline(js: string): string {
  let inlined = false;
  const out = js.replace(
    /(?<![\w$.])copyByte\(mview, memLen, ([^(),;\n]+), ([^(),;\n]+), ([^(),;\n]+), ([^(),;\n]+)\);/g,
    (whole, from: string, fromOffset: string, to: string, toOffset: string) => {
      if (![from, fromOffset, to, toOffset].every((a) => SUM_OPERAND.test(a))) return whole;
      inlined = true;
      const address = (a: string, k: string) =>
        k === "0" ? `(${a}) >>> 0` : `((${a}) >>> 0) + (${k} >>> 0)`;
      return `{\nconst $src = ${address(from, fromOffset)}, $dst = ${address(to, toOffset)};\n` +
        `if ($src + 1 > memLen || $dst + 1 > memLen) throw $lean_trap($lean_oob);\n` +
        `mu8[$dst] = mu8[$src];\n}`;
    },
  );
  return inlined ? out : js;
}

/** A value `withBytesStoredInline` may evaluate after the bounds test: no call, no assignment. */
const PURE_VALUE = /^(?:[\w$ ()+\-|&^<>]|>>>)+$/;

/**
 * `storeByte(mview, memLen, to, toOffset, value)` (`bulk_ops.ts`, `I32AddAddImmShrUStore8At`'s
 * store of a computed byte) as its own statements on the byte view: the same address, bounds
 * test and trap, without the call and its `DataView` call. The value (operators on names and
 * numbers only, so it cannot throw or change anything) is computed after the test rather than
 * before; `mu8` keeps its low 8 bits as `setInt8` does.
 *
 * Measured under `node --jitless` (CPU time of `run` at `bench:jitless` scale 0.1, best of 3,
 * two processes each, with `withTypedMemory`'s copied byte and the `$s`/`$d` bounds and zero
 * offsets of the same commit): vec_bytes_scalar 97 -> 76 ms, vec_bytes 97 -> 84, lz 76 -> 72.
 */
function withBytesStoredInline(js: string): string {
  let inlined = false;
  let out = "";
  let from = 0;
  const re = /(?<![\w$.])storeByte\(mview, memLen, /g;
  for (let m = re.exec(js); m !== null; m = re.exec(js)) {
    const call = argsAt(js, m.index + "storeByte".length);
    if (call === null || call.args.length !== 5 || js[call.close + 1] !== ";") continue;
    const [, , to, toOffset, value] = call.args as [string, string, string, string, string];
    if (!SUM_OPERAND.test(to) || !/^\d+$/.test(toOffset)) continue;
    if (!PURE_VALUE.test(value) || /[\w$]\s*\(/.test(value)) continue;
    inlined = true;
    const address = toOffset === "0" ? `(${to}) >>> 0` : `((${to}) >>> 0) + ${toOffset}`;
    out += js.slice(from, m.index) +
      `{\nconst $dst = ${address};\nif ($dst >= memLen) throw $lean_trap($lean_oob);\n` +
      `mu8[$dst] = ${value};\n}`;
    from = call.close + 2;
    re.lastIndex = from;
  }
  return inlined ? out + js.slice(from) : js;
}

/**
 * A bounds check `ea + k > memLen` as `ea > $memLimk`, with `$memLimk = memLen - k` computed
 * wherever `memLen` is (the same test for any numbers: an add fewer per access). Only where
 * each assignment of `memLen` is the one re-reading the view's length (as `withTypedMemory`).
 *
 * Measured under `node --jitless` (CPU time of `run`, best of 2x3 runs): hashtab 350 -> 343 ms,
 * vec_float 179 -> 172, sha512 219 -> 216.
 */
function withBoundsPrecomputed(js: string): string {
  const assigned = js.match(/\bmemLen = /g)?.length ?? 0;
  const reread = js.match(/\bmemLen = mview\.byteLength;/g)?.length ?? 0;
  if (assigned === 0 || assigned !== reread) return js;
  const widths = new Set<string>();
  // Also as the generator spells a scalar access's own test (`ea > memLen - 8`, isa.ts).
  js = js.replace(
    /\bif \((\$?ea) (?:\+ (\d+) > memLen|> memLen - (\d+))\)/g,
    (_, ea: string, k1: string | undefined, k2: string | undefined) => {
      const k = k1 ?? k2!;
      widths.add(k);
      return `if (${ea} > $memLim${k})`;
    },
  );
  // Two accesses of one width checked together (a fused load-op-load: `ea` and `v`; a v128
  // op on two loads: `$ea` and `$eb`).
  js = js.replace(
    /\bif \((\$?ea) \+ (\d+) > memLen \|\| (\$?v|\$eb) \+ \2 > memLen\)/g,
    (_, ea: string, k: string, v: string) => {
      widths.add(k);
      return `if (${ea} > $memLim${k} || ${v} > $memLim${k})`;
    },
  );
  if (widths.size === 0) return js;
  const limits = [...widths].map((k) => `$memLim${k} = memLen - ${k}`).join(", ");
  return js
    .replace(/\blet memLen = mview\.byteLength;/, (line) => `${line}\nlet ${limits};`)
    .replace(/(?<!let )\bmemLen = mview\.byteLength;/g, (line) => `${line}\n${limits};`);
}

/**
 * What `withLaneGroups` spells `mview.` as in the branch it leaves on the `DataView`, so that
 * `withTypedMemory` does not test each access there again (its last step restores the name).
 */
const GROUPED_VIEW = "$mview_grouped.";

/** The typed array and the width of each `DataView` word accessor `withLaneGroups` groups. */
const LANE_VIEWS: Record<string, [string, number]> = {
  getInt32: ["mi32", 4],
  setInt32: ["mi32", 4],
  getFloat32: ["mf32", 4],
  setFloat32: ["mf32", 4],
  getFloat64: ["mf64", 8],
  setFloat64: ["mf64", 8],
};

/**
 * A v128 access (`codegen_v128.ts`: `const $ea = ...;`, its bounds check, then one statement
 * per word at `$ea`, `$ea + 4`, ...) tested for alignment once rather than per word: when
 * `$ea` is a multiple of the word size, so is `$ea + k` for each word offset `k`, and the
 * words are `mi32[$ix]`, `mi32[$ix + 1]`, ... (`$ix = $ea >>> 2`: exact, as `$ea` is below
 * 2^32); otherwise the statements run as written, on the `DataView`.
 *
 * A scalar i64 access (its two words at `ea` and `ea + 4`, its bounds test spelled `ea > memLen
 * - 8`) is grouped alike.
 *
 * Measured under `node --jitless` (CPU time, 2M iterations, best of 5): four f32 loads tested
 * per word ~70 ns, tested once ~47 ns; four stores ~76 ns and ~54 ns. A group of two addresses
 * (`const $ea = ..., $eb = ...;`, `f32x4MulLoad2`'s) is tested once for both: four products of
 * loads ~248 ns tested per word, ~205 ns so (CPU time, 51,200 groups, best of 7).
 */
function withLaneGroups(js: string): string {
  const re =
    /(\n\s*const (\$?ea) = [^;\n]*?(, \$eb = [^;\n]*)?;\nif \((?:\2 \+ \d+ > memLen(?: \|\| \$eb \+ \d+ > memLen)?|\2 > memLen - \d+)\) throw [^;\n]*\btrap\([\w.]+\);\n)((?:[^\n{}]*\n)+?)(?=\})/g;
  return js.replace(
    re,
    (whole, head: string, ea: string, eb: string | undefined, lines: string) => {
      // Each store a statement of its own.
      if (
        lines.split("\n").some((l) =>
          /\bmview\.set/.test(l) && !/^mview\.set\w+\([^\n]*\);$/.test(l)
        )
      ) {
        return whole;
      }
      let size = 0;
      let count = 0;
      let ok = true;
      const aligned = lines.replace(
        new RegExp(
          String.raw`\bmview\.(\w+)\((${ea.replace("$", "\\$")}${
            eb === undefined ? "" : String.raw`|\$eb`
          })(?: \+ (\d+))?, ([^()]*?)\)`,
          "g",
        ),
        (call, method: string, at: string, offset: string | undefined, rest: string) => {
          const view = LANE_VIEWS[method];
          const k = Number(offset ?? 0);
          if (view === undefined || (size !== 0 && size !== view[1]) || k % view[1] !== 0) {
            ok = false;
            return call;
          }
          size = view[1];
          count++;
          const ix = at === "$eb" ? "$jx" : "$ix";
          const index = k === 0 ? `${view[0]}[${ix}]` : `${view[0]}[${ix} + ${k / size}]`;
          if (method.startsWith("get")) return rest === "true" ? index : (ok = false, call);
          const value = /^(.*), true$/.exec(rest);
          if (value === null) {
            ok = false;
            return call;
          }
          return `${index} = ${value[1]}`;
        },
      );
      // Every access of the group rewritten.
      const accesses = lines.match(/\bmview\./g)?.length ?? 0;
      if (!ok || count < 2 || count !== accesses) return whole;
      const shift = Math.log2(size);
      // A group of two addresses (`f32x4MulLoad2`) is tested once for both.
      const [test, index] = eb === undefined
        ? [`${ea} & ${size - 1}`, `$ix = ${ea} >>> ${shift}`]
        : [`(${ea} | $eb) & ${size - 1}`, `$ix = ${ea} >>> ${shift}, $jx = $eb >>> ${shift}`];
      return `${head}if (${test}) {\n${
        lines.replaceAll("mview.", GROUPED_VIEW)
      }} else {\nconst ${index};\n${aligned}}\n`;
    },
  );
}

/**
 * The memory accesses through the `DataView` (`mview.getInt32(ea, true)`, a call) respelled
 * on typed arrays of the same buffer where the address allows (a keyed load): bytes always
 * (`mu8[ea]`), 2-, 4- and 8-byte words when aligned (`ea & 3 ? mview.getInt32(ea, true) :
 * mi32[ea >>> 2]`: an address in bounds is below 2^32, see `MAX_BYTES_64`). Every access is
 * behind its bounds check, so the views are read only in bounds; a float goes through the same
 * conversion either way. The views (`MemoryEntity.i32`, ...) are read wherever `mview` is.
 *
 * Measured under `node --jitless` (CPU time, 3M accesses, best of 5): `getInt32` ~24 ns, the
 * aligned form ~12 ns; `getUint8` ~15 ns, `mu8[ea]` ~7 ns; `setInt32` ~16 ns, aligned ~11 ns.
 */
function withTypedMemory(js: string): string {
  const assigned = js.match(/\bmview = /g)?.length ?? 0;
  const reread = js.match(/\bmemLen = mview\.byteLength;/g)?.length ?? 0;
  if (!LITTLE_ENDIAN || assigned === 0 || assigned !== reread) return js;
  js = withLaneGroups(withBytesStoredInline(withBytesCopiedInline(js)));
  const simple = /^(?:[\w$]+(?: \+ \d+)?|\d+)$/;
  const WORDS: Record<string, [string, number, string]> = {
    getInt16: ["mi16", 2, "load"],
    getUint16: ["mi16", 2, "load"],
    setInt16: ["mi16", 2, "store"],
    setUint16: ["mi16", 2, "store"],
    getInt32: ["mi32", 4, "load"],
    getFloat32: ["mf32", 4, "load"],
    getFloat64: ["mf64", 8, "load"],
    setInt32: ["mi32", 4, "store"],
    setFloat32: ["mf32", 4, "store"],
    setFloat64: ["mf64", 8, "store"],
  };
  let out = "";
  let from = 0;
  const re =
    /\bmview\.(getUint8|getInt8|setInt8|setUint8|getInt16|getUint16|setInt16|setUint16|getInt32|getFloat32|getFloat64|setInt32|setFloat32|setFloat64)\(/g;
  for (let m = re.exec(js); m !== null; m = re.exec(js)) {
    const method = m[1]!;
    const call = argsAt(js, m.index + m[0].length - 1);
    if (call === null) continue;
    const { close, args } = call;
    const a = args[0]!;
    const whole = js.slice(m.index, close + 1);
    const statement = js[close + 1] === ";" && startsStatement(js, m.index);
    let spelled: string | null = null;
    if (method === "getUint8") spelled = `mu8[${a}]`;
    else if (method === "getInt8") spelled = `(mu8[${a}] << 24 >> 24)`;
    else if (method === "setInt8" || method === "setUint8") {
      // A byte copied (`codegen.ts`' inline `I32Copy8At`): its load is behind the same test.
      const value = args[1]!.replace(/^mview\.getUint8\(([\w$]+)\)$/, "mu8[$1]");
      if (statement) spelled = `mu8[${a}] = ${value}`;
    } else if (simple.test(a) && args[args.length - 1] === "true") {
      const [view, bytes, kind] = WORDS[method]!;
      const index = `${view}[(${a}) >>> ${Math.log2(bytes)}]`;
      // A halfword view is signed: the unsigned read masks it.
      const value = method === "getUint16" ? `${index} & 0xffff` : index;
      if (kind === "load") spelled = `((${a}) & ${bytes - 1} ? ${whole} : ${value})`;
      else if (statement && args.length === 3) {
        spelled = `if ((${a}) & ${bytes - 1}) ${whole}; else ${index} = ${args[1]}`;
      }
    }
    if (spelled === null) continue;
    out += js.slice(from, m.index) + spelled;
    from = close + 1;
    re.lastIndex = close + 1;
  }
  js = (out + js.slice(from)).replaceAll(GROUPED_VIEW, "mview.");
  const views = [["mu8", "u8"], ["mi16", "i16"], ["mi32", "i32"], ["mf32", "f32"], ["mf64", "f64"]]
    .filter(([v]) => new RegExp(`\\b${v}\\[`).test(js));
  if (views.length === 0) return js;
  const read = views.map(([v, field]) => `${v} = mem !== null ? mem.${field} : null`).join(", ");
  return js
    .replace(/\blet memLen = mview\.byteLength;/, (line) => `${line}\nlet ${read};`)
    .replace(/(?<!let )\bmemLen = mview\.byteLength;/g, (line) => `${line}\n${read};`);
}

/** An operand `withUnsignedComparesFlipped` rewrites: a name, an int literal, a stack word. */
const FLIP_OPERAND = String.raw`[\w$]+|-\d{1,10}|\(-?\d{1,10}\)|s32\[[^[\]()]+\]`;

/**
 * An unsigned comparison of two words, `(a >>> 0) < (b >>> 0)` (i32 `lt_u` and its kin, the
 * high words of an i64 one), as the signed comparison of the words with their sign bits flipped,
 * `(a ^ -2147483648) < (b ^ -2147483648)`: for any numbers the same outcome (ToUint32 order is
 * the signed order of ToInt32 with the top bit flipped), but every operand an int32. Under
 * `--jitless` `a >>> 0` at or above 2^31 is a heap number allocated where it is made, and a
 * comparison with one takes the slow path; a flipped literal is folded here.
 * Only where each group is the comparison's whole operand: what precedes the left one and
 * follows the right one binds less tightly than a relational operator.
 *
 * Measured under `node --jitless` (CPU time of 3M compares in a loop, best of 5): operands at
 * or above 2^31 ~70 ms with `>>> 0`, ~61 ms flipped; small ones ~58 ms either way. The
 * benchmark workloads compare addresses and counters (small) and barely move: same-process A/B
 * against main, codegen tier, 15 rounds interleaved, min CPU ratio i64 0.97, binary-trees 0.97,
 * sha512 1.00, hashtab 0.99, lz 1.01, xxh64 1.02-1.05 (its A/A spread: 1.00-1.03).
 */
function withUnsignedComparesFlipped(js: string): string {
  const re = new RegExp(
    String.raw`\((${FLIP_OPERAND}) >>> 0\) (<=|>=|<|>) \((${FLIP_OPERAND}) >>> 0\)`,
    "g",
  );
  const flip = (x: string) =>
    /^\(?-?\d+\)?$/.test(x)
      ? String(Number(x.replace(/[()]/g, "")) ^ -0x80000000)
      : `${x} ^ -2147483648`;
  return js.replace(re, (whole, a: string, op: string, b: string, at: number) => {
    const before = js.slice(Math.max(0, at - 8), at);
    const after = js.slice(at + whole.length, at + whole.length + 5);
    const leftOk = /(?:\(|(?:^|[^<>=!])= |[=!]== |&& |\|\| |[?:,] |return )$/.test(before);
    const rightOk = /^(?:[);,]| (?:&&|\|\||\?|:|===|!==) )/.test(after);
    if (!leftOk || !rightOk) return whole;
    return `(${flip(a)}) ${op} (${flip(b)})`;
  });
}

/**
 * The zero terms of an i32 word, as the i64 lowerings write them for a zero high half (of a
 * constant, or of a word from `i64.extend_i32_u`): `r4 | (0)` is `r4`, and `r4 + (0)` is `r4`
 * (a cached word is an int32, never -0, so adding zero changes nothing), where the word is
 * the operator's whole left operand; `r4 = r4;` then goes.
 */
function withZeroTermsDropped(js: string): string {
  return js
    .replace(/(?<=(?:\(|[^<>=!]= |, ))([rh]\d+) \+ \(0\)(?= \+ |\))/g, "$1")
    .replace(/(?<=(?:\(|[^<>=!]= |return ))([rh]\d+) \| \(0\)(?=[;,)])/g, "$1")
    .replace(/^([rh]\d+) = \1;\n/gm, "");
}

/** One step of a clamp on an f32 slot: `f32[(fp + k)] = $math_max(f32[(fp + k)], b);`. */
const SLOT_MIN_MAX = /^f32\[\(fp \+ (\d+)\)\] = \$math_(min|max)\(f32\[\(fp \+ (\d+)\)\], (.+)\);$/;

/** A second operand that is a float32 already: a float32 literal or another f32 slot's read. */
function isF32Operand(b: string, k: string): boolean {
  const slot = /^f32\[\(fp \+ (\d+)\)\]$/.exec(b);
  if (slot !== null) return slot[1] !== k;
  const literal = /^\(?(-?\d+(?:\.\d+)?(?:e-?\d+)?)\)?$/.exec(b);
  return literal !== null && Math.fround(Number(literal[1])) === Number(literal[1]);
}

/**
 * A run of `Math.max`/`Math.min` steps on one f32 slot that ends in the NaN fix-up (a scalar
 * clamp the generator keeps in the frame, its register read as both f32 and i32):
 * ```js
 * f32[(fp + 68)] = $math_max(f32[(fp + 68)], (-0.5));
 * f32[(fp + 68)] = $math_min(f32[(fp + 68)], 0.5);
 * if (f32[(fp + 68)] !== f32[(fp + 68)]) f32[(fp + 68)] = NaN;
 * ```
 * runs in a local `$cl` and stores it once. Each step's result is one of its float32 operands
 * (or a NaN, which the last line makes the canonical one), so the stores in between round
 * nothing: the slot ends with the same bits. Under `node --jitless` each `f32[(fp + k)]` is an
 * add and a keyed access; the run above goes from 8 of them to 2. Measured (CPU time of `run`
 * at `bench:jitless` scale 0.1, best of 3, two processes each, with the fused bounds of
 * `withBoundsPrecomputed` of the same commit): vec_float_scalar 258 -> 231 ms; the load read
 * as the float in its block, after: 234 -> 220 ms.
 */
function withSlotClampsInLocals(js: string): string {
  if (!js.includes("] = $math_m")) return js;
  const lines = js.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = SLOT_MIN_MAX.exec(lines[i]!);
    if (first === null || first[1] !== first[3] || !isF32Operand(first[4]!, first[1]!)) {
      out.push(lines[i]!);
      continue;
    }
    const k = first[1]!;
    const slot = `f32[(fp + ${k})]`;
    const steps = [`let $cl = $math_${first[2]}(${slot}, ${first[4]});`];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const step = SLOT_MIN_MAX.exec(lines[j]!);
      if (step === null || step[1] !== k || step[3] !== k || !isF32Operand(step[4]!, k)) break;
      steps.push(`$cl = $math_${step[2]}($cl, ${step[4]});`);
    }
    if (lines[j] !== `if (${slot} !== ${slot}) ${slot} = NaN;`) {
      out.push(lines[i]!);
      continue;
    }
    const tail = `${steps.join(" ")} ${slot} = $cl !== $cl ? NaN : $cl;`;
    // Just loaded into the slot as a word, in the block that tested its address: the clamp
    // reads the float there instead (a NaN's bits are lost to the fix-up either way).
    const load = `s32[(fp + ${k})] = mview.getInt32(ea, true);`;
    if (out.length >= 2 && out[out.length - 1] === "}" && out[out.length - 2] === load) {
      out.length -= 2;
      out.push(tail.replace(slot, "mview.getFloat32(ea, true)"), "}");
    } else {
      out.push(`{ ${tail} }`);
    }
    i = j;
  }
  return out.join("\n");
}

/**
 * A function's text (a body, or a split loop's function) spelled for an engine without a JIT:
 * every rewrite above but the hoisting of block temporaries, in their order.
 */
function leanText(body: string): string {
  body = withLaneMinMaxInline(leanI64(body));
  // An f32 read from memory is already a float32: rounding it again changes nothing.
  body = withLaneMinMaxUnrounded(withFroundFolded(body)).replace(
    /Math\.fround\((mview\.getFloat32\([^()]*\))\)/g,
    "$1",
  );
  for (const name of HOISTED_MATH) body = body.replaceAll(`Math.${name}(`, `$math_${name}(`);
  body = withScalarClampsInline(withSlotClampsInLocals(withImmediatesFolded(body)));
  body = withUnsignedComparesFlipped(withoutIntBitOr(withZeroTermsDropped(
    withoutInnerBitOr(
      withTypedMemory(withSmallProducts(withRotationsInline(withTemporariesInlined(body)))),
    ),
  )))
    // An effective address plus a zero offset (`(a >>> 0) + (0 >>> 0)`) is the address.
    .replaceAll(" + (0 >>> 0);", ";")
    // A masked word tested for zero (an i64 product's rare exact path, `codegen_i64.ts`): `&`
    // gives an int32, never NaN, so `!` is the same test in a bytecode (a jump on its
    // truthiness) rather than three (jitless, 3M tests, best of 5: 21.4 -> 18.5 ns each).
    .replace(/\bif \(\((\([\w$ +-]+\) & -?\d+)\) === 0\) \{/g, "if (!($1)) {")
    // The frame's first word (`fp` is an integer).
    .replaceAll("[fp + 0]", "[fp]")
    // A slot's word past its first (`f32[(fp + 60) + 1]`, a v128 lane in the frame): one add
    // (`fp` and both offsets are integers, the sum exact).
    .replace(
      /\[\(fp \+ (\d+)\) \+ (\d+)\]/g,
      (_, a: string, b: string) => `[fp + ${Number(a) + Number(b)}]`,
    )
    // A byte's bounds check: for integers, `ea + 1 > memLen` is `ea >= memLen` (an add fewer;
    // jitless CPU best of 3x3: bytesum 109 -> 103 ms, sieve 132 -> 122, lz 78 -> 75).
    .replace(/\bif \((\$?ea) \+ 1 > memLen\)/g, "if ($1 >= memLen)")
    // The same in a test of two bytes' addresses (`I32Copy8At`'s `$s` and `$d`), and an
    // address plus a zero offset there (`((r4 + 5) >>> 0) + 0`) is the address.
    .replace(/(?<=\bif \(|\|\| )(\$[sd]) \+ 1 > memLen\b/g, "$1 >= memLen")
    .replace(/(>>> 0\)) \+ 0(?=[,;])/g, "$1")
    // A constant operand of an unsigned comparison, converted where it is written (never a
    // statement's own parentheses: a `br_table` on a constant index is `switch (1 >>> 0)`).
    .replace(
      /(?<![\w$)\]]|\b(?:switch|if|while|for) )\((-?\d{1,10}) >>> 0\)/g,
      (_, n: string) => String(Number(n) >>> 0),
    );
  return withDeadRoundsDropped(
    withBoundsPrecomputed(
      withIndirectCalleeInline(withFieldHandlesInline(withHandlesDereferencedInline(body))),
    ),
  );
}

/**
 * A handle in a register, a local or a frame slot made the reference a field holds inline
 * (`refOfHandle`, gc.ts): 0 is null, an odd handle (an i31) its own number, an even one the
 * object its table entry holds. A call fewer per reference a `struct.new` or a store writes
 * (binary-trees: two per node it builds).
 */
function withHandlesDereferencedInline(js: string): string {
  if (!js.includes("refOfHandle(")) return js;
  return js.replace(
    /\brefOfHandle\((\$objs|(?:\$?store)\.gc\.objs), (r\d+|\$w\d+|s32\[\(?fp(?: \+ \d+)?\)?\])\)/g,
    (_, objs: string, h: string) =>
      `(${h} === 0 ? null : (${h} & 1) !== 0 ? ${h} : ${objs}[${h} >>> 1] ?? null)`,
  );
}

/** A field's or element's reference, as its handle: `r4 = (handleOfRef($store.gc, $o.w0)) | 0;`. */
const FIELD_HANDLE = (() => {
  const read = String.raw`handleOfRef\((\$?store)\.gc, (\$[oa]\.(?:w\d|rest\[\d+\]|data\[\$i\]))\)`;
  return new RegExp(String.raw`^([\w$]+|s32\[[^\]\n]+\]) = (?:\(${read}\) \| 0|${read});$`, "gm");
})();

/**
 * A reference read from a struct field or an array element (`structGet`, `arrayGet` in
 * codegen_gc.ts) converted to its handle inline where it has one: null is 0, an i31 its own
 * number, an object with a handle that handle, marked in use as `GcHeap.handleOf` marks it (the
 * lazy sweep must not free it). Only an object without a handle still calls `handleOf`, which
 * gives it one. Under Ignition the two calls (`handleOfRef`, then `handleOf`) cost more than
 * the tests: binary-trees reads two fields per node it walks.
 */
function withFieldHandlesInline(js: string): string {
  if (!js.includes("handleOfRef(")) return js;
  return js.replace(
    FIELD_HANDLE,
    (_, dest: string, s1?: string, e1?: string, s2?: string, e2?: string) => {
      const store = s1 ?? s2!, ref = e1 ?? e2!;
      return `{\nconst $hv = ${ref};\n` +
        `if ($hv === null) ${dest} = 0;\n` +
        `else if (typeof $hv === "number") ${dest} = $hv;\n` +
        `else if ($hv.id !== 0) {\n${store}.gc.marked[$hv.id >>> 1] = 1;\n${dest} = $hv.id;\n}\n` +
        `else ${dest} = ${store}.gc.handleOf($hv);\n}`;
    },
  );
}

/** An f32 local's rounding assignment: `$f108 = $math_fround(...);`, a lane's `e268435892 = ...`. */
const ROUNDED_ASSIGNMENT = /^(\$f\d+|e\d+) = \$math_fround\(/;

/**
 * `X = Math.fround(E);` as `X = E;` where every path from it reads `X` only as the value of
 * stores into float32 memory (`mf32[i] = X;`, `mview.setFloat32(a, X, true)`, a frame's
 * `f32[k] = X;`), each of which rounds it to float32 as the call did (rounding is idempotent,
 * and a NaN's bits come out of the store alike), before it assigns `X` again or throws a trap:
 * the rounded value is never read. `bench/vec_float.c`'s saxpy rounded each lane's sum, then
 * stored it; a call fewer per lane (24 -> 16 per iteration of its loop).
 *
 * The paths are followed in the text's order (the code is structured, and without loops where
 * the rounded value is live); anything but plain blocks, `if`/`else` and bounds tests on them
 * (a loop's end, a jump, a label, a call that may read the local as a closure's) keeps the call.
 */
function withDeadRoundsDropped(js: string): string {
  if (!/^(?:\$f\d+|e\d+) = \$math_fround\(/m.test(js)) return js;
  const lines = js.split("\n");
  const pairs = bracePairs(lines);
  // A `try` block's lines: a throw there may go on in its `catch`, which the walk does not
  // follow.
  const guarded = new Uint8Array(lines.length);
  for (let j = 0; j < lines.length; j++) {
    if (!/\btry \{$/.test(lines[j]!)) continue;
    const end = pairs.closer[j]! < 0 ? lines.length - 1 : pairs.closer[j]!;
    guarded.fill(1, j, end + 1);
  }
  for (let i = 0; i < lines.length; i++) {
    const m = ROUNDED_ASSIGNMENT.exec(lines[i]!);
    if (m === null || guarded[i] === 1) continue;
    const line = lines[i]!;
    const call = argsAt(line, m[0].length - 1);
    if (call === null || call.args.length !== 1 || call.close !== line.length - 2) continue;
    if (!line.endsWith(");") || !storedThenDead(lines, pairs, i, m[1]!)) continue;
    lines[i] = `${m[1]} = ${call.args[0]};`;
  }
  return lines.join("\n");
}

/**
 * For each line that closes a block (`}` or `} else {` at its start), the line that opened it;
 * for each line that opens one (`{` at its end), the line that closes it. By the braces outside
 * quotes; -1 where they do not pair.
 */
function bracePairs(lines: string[]): { opener: Int32Array; closer: Int32Array } {
  const opener = new Int32Array(lines.length).fill(-1);
  const closer = new Int32Array(lines.length).fill(-1);
  const stack: number[] = [];
  for (let j = 0; j < lines.length; j++) {
    const line = lines[j]!;
    let quote = "";
    for (let c = 0; c < line.length; c++) {
      const ch = line[c]!;
      if (quote !== "") {
        if (ch === "\\") c++;
        else if (ch === quote) quote = "";
      } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
      else if (ch === "{") stack.push(j);
      else if (ch === "}") {
        const open = stack.pop();
        // (A text may close a function it does not open: a body factory's.)
        if (open !== undefined && open !== j) {
          opener[j] = open;
          closer[open] = j;
        }
      }
    }
  }
  return { opener, closer };
}

/** A bounds test that throws a trap: nothing after it runs, and a trap is never resumed. */
const TRAP_TEST =
  /^if \([^;{}]*\) throw (?:\(fuelLive && \(store\.fuel = fuel\)\), )?trap\([\w.]+\);$/;

/** A loop's or a labelled block's head: `L12: for (;;) {`, `L7: {`. */
const LABELLED = /^(L\d+): (for \(;;\) )?\{$/;

/** An `if`'s head (its condition on the line, the arm's block opened at its end). */
const IF_HEAD = /^if \([^{}]*\) \{$/;

/**
 * `withDeadRoundsDropped`'s test: whether the value line `at` assigns to `x` is, on every path
 * from there, read only by float32 stores before `x` is assigned again, a trap is thrown or the
 * function (which declares `x`) ends.
 */
function storedThenDead(
  lines: string[],
  pairs: { opener: Int32Array; closer: Int32Array },
  at: number,
  x: string,
): boolean {
  const name = word(x);
  const reads = (text: string) => {
    name.lastIndex = 0;
    return name.test(text);
  };
  const escaped = x.replaceAll("$", "\\$");
  const stores = new RegExp(
    String
      .raw`(?:(?<![\w$.])m?f32\[[^[\]]*\] = ${escaped};|\bmview\.setFloat32\([^(),]*, ${escaped}, true\))`,
    "g",
  );
  /** Whether line `t` assigns `x` from what does not read it (and reads it nowhere else). */
  const kills = (t: string) => t.startsWith(`${x} = `) && !reads(t.slice(x.length + 3));
  /** Whether the lines `from` to `to` (an arm's) assign `x` before anything reads it or jumps. */
  const armKills = (from: number, to: number) => {
    for (let j = from; j < to; j++) {
      const t = lines[j]!.trim();
      if (kills(t)) return true;
      if (t === "{" || t === "}" || /^const [^;]*;$/.test(t) || TRAP_TEST.test(t)) {
        if (reads(t)) return false;
        continue;
      }
      if (/[{}]|\b(?:continue|break|return|throw|function)\b/.test(t) || reads(t)) return false;
    }
    return false;
  };
  let budget = DEAD_ROUND_SCAN;
  const visited = new Set<number>();
  /** Whether `x` is dead on the path from line `start` (a fresh walk: no blocks opened). */
  const walk = (start: number): boolean => {
    // The blocks opened on the way: whether each is an arm of an `if` (conditional).
    const opened: boolean[] = [];
    for (let j = start; j < lines.length; j++) {
      if (--budget < 0) return false;
      const t = lines[j]!.trim();
      if (t.startsWith("}")) {
        if (t !== "}" && t !== "} else {") return false;
        if (opened.length > 0) {
          const arm = opened.pop()!;
          if (t === "} else {") opened.push(arm);
          continue;
        }
        // A block around the walk's start ends: a plain one, or an arm of an `if` (whose
        // `else` arm the path does not run). A loop's body, a labelled block, a function: no.
        const open = pairs.opener[j]!;
        if (open < 0) return false;
        const head = lines[open]!.trim();
        if (head !== "{" && head !== "} else {" && !IF_HEAD.test(head)) return false;
        if (head === "{" && t !== "}") return false;
        if (t === "} else {") {
          const end = pairs.closer[j]!;
          if (end < 0 || lines[end]!.trim() !== "}") return false;
          j = end;
        }
        continue;
      }
      if (t.endsWith("{")) {
        if (reads(t)) return false;
        if (t === "{" || LABELLED.test(t)) opened.push(false);
        else if (IF_HEAD.test(t)) {
          // An `if` whose arms both assign `x` first: dead on both.
          const end = pairs.closer[j]!;
          if (end > j && lines[end]!.trim() === "} else {") {
            const last = pairs.closer[end]!;
            if (last > end && armKills(j + 1, end) && armKills(end + 1, last)) return true;
          }
          opened.push(true);
        } else return false;
        continue;
      }
      const jump = /^(continue|break) (L\d+);$/.exec(t);
      if (jump !== null) {
        // Follow it: to the loop's first line, or past the loop or block.
        let head = -1;
        for (let h = j - 1; h >= 0 && head < 0; h--) {
          if (lines[h]!.trim().startsWith(`${jump[2]}: `)) head = h;
        }
        if (head < 0 || !LABELLED.test(lines[head]!.trim())) return false;
        const loop = LABELLED.exec(lines[head]!.trim())![2] !== undefined;
        if (jump[1] === "continue" && !loop) return false;
        const target = jump[1] === "continue" ? head + 1 : pairs.closer[head]! + 1;
        if (target <= 0 || visited.has(target)) return false;
        visited.add(target);
        if (!walk(target)) return false;
        // The rest of its block does not run; the path where the `if` around it is not taken
        // goes on after that `if`'s arm.
        if (!opened.includes(true)) return true;
        if (!opened[opened.length - 1]) return false;
        let depth = 0;
        for (j++; j < lines.length; j++) {
          const u = lines[j]!.trim();
          if (u.startsWith("}") && depth === 0) break;
          if (u.startsWith("}")) depth--;
          if (u.endsWith("{")) depth++;
        }
        j--;
        continue;
      }
      // A return from the function that declares `x`, without reading it: `x` is no more.
      if (/^return\b/.test(t) && !reads(t) && !/\b(?:function|yield|await)\b/.test(t)) {
        return declared;
      }
      if (/\b(?:continue|break|return|function|case|default|yield|await)\b/.test(t)) return false;
      if (/\bthrow\b/.test(t) && !TRAP_TEST.test(t)) return false;
      const rest = t.replace(stores, "");
      if (!reads(rest)) continue;
      // Assigned again, unconditionally: the value is dead.
      return !opened.includes(true) && rest === t && kills(t);
    }
    // The end of the text: of a split loop's function (`leanLoops`), which declares `x`.
    return opened.length === 0 && declared;
  };
  const declared = lines.some((line) =>
    new RegExp(String.raw`^let (?:.*, )?${escaped} = `).test(line)
  );
  return walk(at + 1);
}

/** How many lines `storedThenDead` follows before it gives up (a lowering's few dozen do). */
const DEAD_ROUND_SCAN = 400;

/**
 * A `call_indirect`'s callee (`indirectCallee`, exec_support.ts) looked up inline where the
 * lookup passes: the element's index in the table's bounds, its handle not null and the
 * function's type id the expected one. Anything else (a trap, a GC subtype) still calls the
 * helper, which decides as before. Under Ignition the helper's call (five arguments, a frame)
 * cost about what its body does: `calls` spent 15% of its CPU time in it (`node --jitless
 * --cpu-prof`).
 */
function withIndirectCalleeInline(js: string): string {
  return js.replace(
    /^const callee = (indirectCallee\((store|\$store), (inst|\$inst), (\d+), (\d+), ([\w$]+|s32\[[^[\]]*\])\));$/gm,
    (_, call: string, store: string, inst: string, type: string, table: string, index: string) =>
      `const $tb = ${inst}.tables[${table}], $ti = ${index} >>> 0;\n` +
      `const $th = $ti < $tb.size ? $tb.elements[$ti] : 0, $tc = ${store}.funcs[$th];\n` +
      `const callee = $th !== 0 && $tc.typeId === ${inst}.typeIds[${type}] ? $tc : ${call};`,
  );
}

/** A step of an f32 min/max on a local (`let $m = $math_max($f68, (-0.5));`, `$m = ...`). */
const CLAMP_STEP =
  /^(let \$m = |\$m = )\$math_(max|min)\(([^(),\n]+|\(-[\d.e]+\)), ([^(),\n]+|\(-[\d.e]+\))\);$/;

/** Whether `text` is an f32 operand of a clamp on `$m`: `$m`, an f32 local, an f32 literal. */
function clampOperand(text: string, first: boolean): "x" | "c" | null {
  if ((!first && text === "$m") || /^\$f\d+$/.test(text)) return "x";
  const literal = /^\(?(-?\d+(?:\.\d+)?(?:e-?\d+)?)\)?$/.exec(text);
  if (literal === null) return null;
  const v = Number(literal[1]);
  // A zero's sign decides min and max between zeros: only other constants go inline.
  return v !== 0 && Math.fround(v) === v ? "c" : null;
}

/**
 * A scalar f32 clamp on a local (`F32MaxMinImm` and its kin in codegen.ts, once its slot is a
 * local `$f<k>`, codegen_slots.ts): each step's `Math.max(x, c)` or `Math.min(x, c)` with a
 * constant `c` neither zero nor NaN as one comparison, `x <= c ? c : x` and `x >= c ? c : x`
 * (a NaN `x` compares false and stays; an `x` equal to `c` is `c`), and the result not rounded
 * again: each step gives one of its operands, all f32 already (an `$f` local holds the rounded
 * value), or a NaN, which the fix-up makes the canonical one as before. Three calls fewer
 * (`Math.max`, `Math.min`, `Math.fround`) per value of `bench/vec_float.c`'s scalar clamp.
 */
function withScalarClampsInline(js: string): string {
  if (!js.includes("let $m = $math_m")) return js;
  const lines = js.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith("let $m = $math_m")) continue;
    let j = i;
    const steps: string[] = [];
    for (; j < lines.length; j++) {
      const step = CLAMP_STEP.exec(lines[j]!);
      if (step === null || (j === i) !== step[1]!.startsWith("let")) break;
      const [a, b] = [clampOperand(step[3]!, j === i), clampOperand(step[4]!, j === i)];
      if (a === null || b === null || a === b) break;
      const [x, c] = a === "x" ? [step[3]!, step[4]!] : [step[4]!, step[3]!];
      steps.push(`${step[1]}${x} ${step[2] === "max" ? "<=" : ">="} ${c} ? ${c} : ${x};`);
    }
    const fix = /^(\$f\d+) = \$math_fround\(\$m !== \$m \? 0 \/ 0 : \$m\);$/.exec(lines[j] ?? "");
    if (steps.length === 0 || j - i !== steps.length || fix === null) continue;
    lines.splice(i, steps.length + 1, ...steps, `${fix[1]} = $m !== $m ? 0 / 0 : $m;`);
    i = j;
  }
  return lines.join("\n");
}

/**
 * What a body's prologue reads the memory with, as the rewrites of memory accesses find it (an
 * assignment of `mview`, each followed by the length's): they declare their views and limits
 * after its last line.
 */
const MEMORY_ENTRY = "/* mview = */\nlet memLen = mview.byteLength;\n";

/** The closure's bindings are read by the body on every use: `var` needs no hole check. */
function varsOf(head: string): string {
  return head.replace(/^(?:const|let) /gm, "var ");
}

/**
 * The split loops' functions (`codegen_split.ts`: `function $loop<t>(...) {...}`, in `head`)
 * spelled as `leanText` spells the body. One that takes the memory (`mview`, `memLen`) reads
 * its typed views and precomputed limits on entry, as a body does after `MEMORY_ENTRY`, from
 * the memory `mem`, which its calls in `body` then pass if they did not.
 */
function leanLoops(head: string, body: string): { head: string; body: string } {
  const re = /^function (\$loop\d+)\(([^)]*)\) \{\n/gm;
  let out = "";
  let from = 0;
  for (const m of head.matchAll(re)) {
    const open = m.index! + m[0].length - 2;
    const close = closingBrace(head, open);
    if (close < 0) continue;
    const name = m[1]!;
    const params = m[2] === "" ? [] : m[2]!.split(", ");
    const memory = params.includes("mview") && params.includes("memLen");
    let text = leanText(`${memory ? MEMORY_ENTRY : ""}${head.slice(open + 2, close)}`);
    if (memory) {
      text = text.replace(MEMORY_ENTRY, "");
      if (!params.includes("mem") && /\bmem\./.test(text)) {
        params.push("mem");
        const call = new RegExp(`${name.replace("$", "\\$")}\\(([^()]*)\\)`, "g");
        body = body.replace(
          call,
          (_, args: string) => `${name}(${args === "" ? "" : `${args}, `}mem)`,
        );
      }
    }
    out += `${varsOf(head.slice(from, m.index))}function ${name}(${params.join(", ")}) {\n${text}`;
    from = close;
  }
  return { head: out + varsOf(head.slice(from)), body };
}

/**
 * The source `generateSource` made for a body factory (`"use strict";`, the closure's
 * declarations, `return function wasm(...) {...};` or a direct entry and its ordinary one),
 * spelled for an engine without a JIT.
 */
export function leanSource(source: string): string {
  // A body with a direct entry (see "Direct calls" in codegen.ts) starts with that.
  const direct = source.indexOf("const direct = function direct(");
  const split = direct >= 0 ? direct : source.indexOf("return function wasm(");
  if (split < 0) return source;
  let head = source.slice(0, split);
  // Its entries are read by each other (and calls) as closure bindings: `var`, as above.
  let body = source.slice(split).replace(
    /^const (direct|wasm) = function /gm,
    "var $1 = function ",
  );
  // After a split loop that may have changed the memory, its length read from the view (the
  // same number) as everywhere else, so that the body's accesses keep their typed views.
  body = body.replace(
    /\bmemLen = \$x_memLen; ((?:[\w$]+ = [^;\n]*; )*?)mview = \$x_mview;/g,
    "$1mview = $x_mview;\nmemLen = mview.byteLength;",
  );
  body = withEntryTrimmed(withBlockTemporariesHoisted(leanText(body)));
  ({ head, body } = leanLoops(head, body));
  const hoisted = HOISTED_MATH.filter((name) =>
    body.includes(`$math_${name}(`) || head.includes(`$math_${name}(`)
  );
  if (hoisted.length > 0) {
    head += `var ${hoisted.map((name) => `$math_${name} = Math.${name}`).join(", ")};\n`;
    head = withMathLocal(head, hoisted);
    body = withMathLocal(body, hoisted);
  }
  head = withoutIdentityOps(head);
  body = withoutIdentityOps(body);
  if (body.includes("$lean_mulhi(") || head.includes("$lean_mulhi(")) {
    head += "var $lean_mulhi = rt.mulHighU32;\n";
  }
  if (body.includes("$lean_divide(") || head.includes("$lean_divide(")) {
    head += "var $lean_divide = rt.divideWords, $lean_divided = rt.DIVIDED;\n";
  }
  if (body.includes("$lean_trap(") || head.includes("$lean_trap(")) {
    head += "var $lean_trap = rt.trap, $lean_oob = rt.TrapCode.MemoryOutOfBounds;\n";
  }
  return head + body;
}

/**
 * `js` without three operations that give back what they are given, a bytecode each:
 * - the window nesting (`windowNesting` in codegen.ts) with its literal last, an `AddSmi`
 *   rather than a register loaded with the literal;
 * - a call's result without its `| 0`: a direct entry and `callOut` return an int32 (a
 *   register's or a slot's word) once the stop test has passed (`$r` names nothing else);
 * - an int32 register's or word local's (`$w`, codegen_slots.ts) `+ 0` (an address with offset
 *   0): the same int32, never -0.
 */
function withoutIdentityOps(js: string): string {
  return js.replace(/\((\d+) \+ \(\(([\w$ +]+)\) & (\d+)\)\)/g, "((($2) & $3) + $1)")
    .replace(/ = \(\$r\) \| 0;/g, " = $r;")
    .replace(/\((r\d+|\$w\d+) \+ 0\)/g, "($1)");
}

/**
 * An initializer `withEntryTrimmed` may drop with its declarator: reading a closure binding, a
 * parameter's plain property or a typed view's element, a literal; nothing that can throw or
 * call (a `DataView`'s `byteLength` getter throws once its buffer is detached: never dropped).
 */
const PURE_INIT =
  /^(?:-?\d+|\$store|\$inst|st\.\w+|inst\.\w+|inst\.memories\[0\] \?\? null|mem !== null \? mem\.\w+ : (?:null|EMPTY_VIEW)|memLen - \d+|\(\d+ \+ \(\(depth\) & \d+\)\))$/;

/**
 * A body's entries (`direct`, `wasm`) without the declarations their code never reads, and
 * with the arguments a direct entry copies into its registers right after declaring them as
 * the registers' initial values. A leaf's direct entry declares the frame's views, `store`,
 * `inst` and `pc` (`codegen.ts` writes them for every body; only a stop or a call reads them):
 * under Ignition each is a load and a `Star` per call, as is each zero a register starts with
 * before its argument overwrites it. With `withMathLocal`, against the pass before them (CPU
 * time of `run` under `node --jitless` at scale 0.1, best of 3 runs x 3 processes alternating):
 * calls 0.90, hashtab 0.95, xxh64 0.95, fib 0.98; geometric mean over the 18 workloads 0.987.
 * With `withDominatedLoadsDropped`, `withClosureReads` and the `$res` copy gone, against main
 * the same way: fib 0.81, calls 0.87, xxh64 0.96, hashtab 0.96; geometric mean 0.973.
 */
function withEntryTrimmed(js: string): string {
  return withArgumentsInPlace(withFunctionBodies(js, trimmedEntry));
}

/**
 * A direct entry whose top-level `let` copies an argument into a register (`let r0 = $a0_0;`)
 * names its parameter after the register instead: the same binding, one per call, assigned
 * where the register was, without the copy (a `Mov` per argument and call under Ignition).
 * Only where the argument is read nowhere else and the register declared nowhere else.
 */
function withArgumentsInPlace(js: string): string {
  const head = /^var direct = function direct\(([^)]*)\) \{\n/gm;
  let out = "";
  let from = 0;
  for (const m of js.matchAll(head)) {
    const open = m.index! + m[0].length - 2;
    const close = closingBrace(js, open);
    if (close < 0) continue;
    const text = js.slice(open + 2, close);
    if (/function |=>/.test(text)) continue;
    const params = m[1]!.split(", ");
    let body = text;
    for (const decl of text.matchAll(/^let ([^;\n]+);$/gm)) {
      // At the function's top level: as many blocks closed as opened before it.
      const before = text.slice(0, decl.index);
      if (before.split("{").length !== before.split("}").length) continue;
      const others = text.replace(decl[0], "");
      const kept = decl[1]!.split(", ").filter((d) => {
        const copy = /^([\w$]+) = (\$a\d+_\d+)$/.exec(d);
        if (copy === null) return true;
        const [, name, arg] = copy as unknown as [string, string, string];
        const index = params.indexOf(arg);
        const named = new RegExp(`(?:let|const|var|catch \\()[^;]*${word(name).source}`);
        if (index < 0 || params.includes(name) || others.match(word(arg)) !== null) return true;
        if (named.test(others)) return true;
        params[index] = name;
        return false;
      });
      if (kept.length === decl[1]!.split(", ").length) continue;
      body = kept.length === 0
        ? body.replace(`${decl[0]}\n`, "")
        : body.replace(decl[0], `let ${kept.join(", ")};`);
    }
    if (body === text) continue;
    out += js.slice(from, m.index!) + `var direct = function direct(${params.join(", ")}) {\n` +
      body;
    from = close;
  }
  return out + js.slice(from);
}

/**
 * `js` with the body of each function `FUNCTION_HEAD` finds replaced by `f(body)`, outermost
 * first; where `f` gives null the body stays as it is and the functions inside it are visited.
 */
function withFunctionBodies(js: string, f: (body: string) => string | null): string {
  let out = "";
  let from = 0;
  for (const m of js.matchAll(FUNCTION_HEAD)) {
    const open = m.index! + m[0].length - 2;
    if (open < from) continue;
    const close = closingBrace(js, open);
    if (close < 0) continue;
    const body = f(js.slice(open + 2, close));
    if (body === null) continue;
    out += js.slice(from, open + 2) + body;
    from = close;
  }
  return out + js.slice(from);
}

/** `withEntryTrimmed` in one function's text. */
function trimmedEntry(text: string): string {
  // `$res = r4;` then `return $res;` (a high word's store between them, `HIGH[0] = h4;`, for an
  // i64): the value returned as it is, without the copy (a `Star` and an `Ldar`).
  text = text.replace(
    /^\$res = ((?:[\w$]+|s32\[[^[\]\n]+\]));\n(HIGH\[0\] = [^;\n]+;\n)?return \$res;$/gm,
    (whole, value: string, high: string | undefined) =>
      high !== undefined && !/^[\w$]+$/.test(value) ? whole : `${high ?? ""}return ${value};`,
  );
  const lines = text.split("\n");
  for (let changed = true; changed;) {
    changed = false;
    const joined = lines.join("\n");
    for (let i = 0; i < lines.length; i++) {
      const decl = /^(const|let) (.*);$/.exec(lines[i]!);
      if (decl === null) continue;
      const declarators = decl[2]!.split(", ");
      // Only where every piece is a whole `name = init` (no comma inside an initializer).
      if (!declarators.every((d) => /^[\w$]+ = \S/.test(d))) continue;
      const kept = declarators.filter((d) => {
        const [name, init] = [d.slice(0, d.indexOf(" = ")), d.slice(d.indexOf(" = ") + 3)];
        return !PURE_INIT.test(init) || joined.match(word(name))!.length > 1;
      });
      if (kept.length === declarators.length) continue;
      lines[i] = kept.length === 0 ? "" : `${decl[1]} ${kept.join(", ")};`;
      changed = true;
    }
  }
  // `let r0 = 0, h0 = 0;` then `r0 = $a0_0; h0 = 0;`: the arguments as initial values.
  for (let i = 0; i + 1 < lines.length; i++) {
    const decl = /^let ((?:[\w$]+ = 0, )*[\w$]+ = 0);$/.exec(lines[i]!);
    if (decl === null) continue;
    const inits = new Map(decl[1]!.split(", ").map((d) => [d.slice(0, -4), "0"]));
    let j = i + 1;
    for (; j < lines.length; j++) {
      const sets = lines[j]!.split(/(?<=;) /);
      const parsed = sets.map((set) => /^([\w$]+) = (\$a\d+_\d+|0);$/.exec(set));
      if (lines[j] === "" || !parsed.every((p) => p !== null && inits.has(p[1]!))) break;
      for (const p of parsed) inits.set(p![1]!, p![2]!);
      lines[j] = "";
    }
    if (j === i + 1) continue;
    lines[i] = `let ${[...inits].map(([name, init]) => `${name} = ${init}`).join(", ")};`;
  }
  const trimmed = lines.filter((line, i) => line !== "" || text.split("\n")[i] === "").join("\n");
  return withNestingInlined(
    withClosureReads(withDominatedLoadsDropped(withCallResultsUndeclared(trimmed))),
  );
}

/**
 * A call site's result (`let $r;` then an `if` whose both arms assign it, the first in a `try`
 * whose `catch` throws: a direct call in its window, or through the engine) declared once for
 * the function, `var $r;`, rather than set to `undefined` at each site (`LdaUndefined`, `Star`
 * per call under Ignition; fib makes two per call). Every read follows the site's assignment,
 * so none sees what an earlier one left. Only where each declaration of `$r` is such a site, no
 * mention of it is outside their blocks and nothing in the function is a closure.
 */
function withCallResultsUndeclared(text: string): string {
  if (!text.includes("let $r;\n") || /function |=>/.test(text)) return text;
  const site =
    /^let \$r;\nif \([^\n]*\) \{\n {2}try \{\n {4}\$r = [^\n]*;\n {2}\} catch \(e\) \{\n {4}throw [^\n]*;\n {2}\}\n\} else \{\n {2}\$r = [^\n]*;\n\}\n/gm;
  const sites = [...text.matchAll(site)];
  if (sites.length !== text.split("let $r;\n").length - 1) return text;
  // No other declaration (`var $r`, `let $a, $r`, a `catch ($r)`).
  if (/(?:let|const|var|catch \()[^;]*(?<![\w$.])\$r(?![\w$])(?!;\nif \()/.test(text)) return text;
  // Each site's block: from its declaration to the `}` closing the block it is in.
  const blocks = sites.map((m) => {
    let depth = 0;
    let open = m.index! - 1;
    for (; open >= 0; open--) {
      if (text[open] === "}") depth++;
      else if (text[open] === "{" && depth-- === 0) break;
    }
    return open < 0 ? null : [m.index!, closingBrace(text, open)] as const;
  });
  if (blocks.some((b) => b === null || b[1] < 0)) return text;
  for (const u of text.matchAll(word("$r"))) {
    if (!blocks.some((b) => u.index! >= b![0] && u.index! < b![1])) return text;
  }
  return "var $r;\n" + text.replaceAll("let $r;\n", "");
}

/**
 * A direct entry without a loop that reads its window nesting (`windowNesting` in codegen.ts)
 * at most twice computes it where it reads it rather than on entry: a leaf reads it nowhere
 * (then `PURE_INIT` drops it), a recursive body such as `bench/fib.wat`'s only where a call
 * goes through the engine. Under Ignition the entry's copy is six bytecodes on every call, a
 * use's three more than reading the copy.
 */
function withNestingInlined(text: string): string {
  const decl = /^const nesting = \((\d+) \+ \(\(depth\) & (\d+)\)\);\n/m.exec(text);
  if (decl === null || /\bfor \(|\bwhile \(|\bdo \{|function |=>/.test(text)) return text;
  const rest = text.replace(decl[0], "");
  const uses = rest.match(/(?<![\w$.])nesting\b/g)?.length ?? 0;
  // A second binding or an assignment of either name: left as it is.
  if (
    uses > 2 ||
    /(?:let|const|var|catch \() *(?:nesting|depth)\b|(?<![\w$.])(?:nesting|depth) *(?:[-+*/&|^]?=(?!=)|\+\+|--)/
      .test(rest)
  ) return text;
  return rest.replace(/(?<![\w$.])nesting\b/g, `((depth & ${decl[2]}) + ${decl[1]})`);
}

/**
 * A direct entry without a loop reads `store` and `inst` where it uses them (the factory's
 * `$store` and `$inst`, immutable closure bindings) rather than copying both on entry: it
 * runs once per call, and its uses sit on the paths a call rarely takes (a stop, a trap, a
 * call through the engine), each at most once. Under Ignition the copy is two loads and two
 * `Star`s on every call; a use reads the binding with one bytecode more.
 */
function withClosureReads(text: string): string {
  // Either one alone where the other went unread (`trimmedEntry`): fib's entry kept `inst`.
  const decl = /^const (?:store = \$store, inst = \$inst|store = \$store|inst = \$inst);\n/m
    .exec(text);
  if (decl === null || /\bfor \(|\bwhile \(|\bdo \{|function |=>/.test(text)) return text;
  // A declaration, a key, a shorthand property or a label of either name: left as it is.
  if (
    /(?:let|const|var|catch \() *(?:store|inst)\b|(?<![\w$.])(?:store|inst) *:|\{ *(?:store|inst) *[,}]|, *(?:store|inst) *\}/
      .test(text.replace(decl[0], ""))
  ) return text;
  const rest = text.slice(decl.index + decl[0].length)
    .replace(word("store"), "$$store")
    .replace(word("inst"), "$$inst");
  return text.slice(0, decl.index) + rest;
}

/**
 * A function's `let name = init;` (at its top level) whose every read comes after a statement
 * `name = ...;` that runs on each path to it (earlier in the same block or an enclosing one, as
 * the structured code without `goto` has it) never reads `init`: the declaration becomes
 * `var name;` (no bytecode). A direct entry re-reads `frames = st.frames;` before each use (a
 * call may have grown the stack), so its entry's own read is dead on every call.
 */
function withDominatedLoadsDropped(text: string): string {
  // A nested function or a string could hide reads and braces from the scan below.
  if (/function |=>|["'`]/.test(text.replace(/"[\w ]*"/g, ""))) return text;
  let out = text;
  // Each declarator of a line `let a = x, b = 0;` on its own: a register's zero (a wasm local's
  // initial value) that every read finds overwritten is as dead as a load (fib's entry set two
  // per call: `LdaZero`, `Star`).
  for (const line of text.matchAll(/^let ([^;\n]+);$/gm)) {
    const declarators = line[1]!.split(", ");
    // Only where every piece is a whole `name = init` (no comma inside an initializer).
    if (!declarators.every((d) => /^[\w$]+ = [^,]+$/.test(d))) continue;
    const kept: string[] = [];
    const dropped: string[] = [];
    let at = line.index!;
    for (const d of declarators) {
      const name = d.slice(0, d.indexOf(" = "));
      const uses = [...text.matchAll(word(name))].map((u) => u.index!);
      // `usesDominated` finds the declaration at `decl + 4`, where `let ` ends.
      const dead = PURE_INIT.test(d.slice(d.indexOf(" = ") + 3)) && uses.length >= 2 &&
        usesDominated(text, name, at, uses);
      (dead ? dropped : kept).push(dead ? name : d);
      at += d.length + 2;
    }
    if (dropped.length === 0) continue;
    const vars = `var ${dropped.join(", ")};`;
    out = out.replace(line[0], kept.length === 0 ? vars : `let ${kept.join(", ")};\n${vars}`);
  }
  return out;
}

/**
 * Whether in `text` every read of `name` (its whole-word occurrences `uses`, but the
 * declaration at `decl`) follows an unconditional statement `name = ...;` (see
 * `withDominatedLoadsDropped`), by one pass keeping, per open block, whether one has run.
 */
function usesDominated(text: string, name: string, decl: number, uses: number[]): boolean {
  const at = new Set(uses);
  const assigned: boolean[] = [false];
  const inherited: boolean[] = [false];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "{") {
      assigned.push(assigned[assigned.length - 1]!);
      inherited.push(assigned[assigned.length - 1]!);
      depth++;
    } else if (c === "}") {
      assigned.pop();
      inherited.pop();
      if (--depth < 0) return false;
    } else if ((c === "c" || c === "d") && /^(?:case |default:)/.test(text.slice(i, i + 8))) {
      // A case is entered from the switch, not from the case before it.
      if (!/[\w$]/.test(text[i - 1] ?? "")) {
        assigned[assigned.length - 1] = inherited[inherited.length - 1]!;
      }
    } else if (at.has(i)) {
      if (i === decl + 4) {
        if (depth !== 0) return false;
        continue;
      }
      const statement = text.slice(i).match(/^[\w$]+ = ([^;{}\n]*);/);
      const before = text.slice(Math.max(0, i - 200), i);
      const starts = /(?:[;{}]\n|; )[ \t]*$/.test(before) || /^[ \t]*$/.test(text.slice(0, i));
      if (statement !== null && starts && !word(name).test(statement[1]!)) {
        assigned[assigned.length - 1] = true;
        i += statement[0].length - 1;
      } else if (!assigned[assigned.length - 1]) return false;
    }
  }
  return true;
}

/** A function of generated code whose calls of `Math` functions `withMathLocal` localises. */
const FUNCTION_HEAD =
  /^(?:(?:var (?:direct|wasm) = |return )function (?:direct|wasm)|function \$loop\d+)\([^)]*\) \{\n/gm;

/**
 * Each function of `js` (a split loop's, a body's entries) that calls a hoisted `Math` function
 * (`$math_fround(...)`) twice or more reads it into a local of its own on entry
 * (`const $lmath_fround = $math_fround;`) and calls that: a closure binding's read is two
 * bytecodes more per call under Ignition (`LdaImmutableCurrentContextSlot`, `Star`) than a
 * register operand.
 */
function withMathLocal(js: string, names: readonly string[]): string {
  return withFunctionBodies(js, (text) => {
    const used = names.filter((name) => text.split(`$math_${name}(`).length > 2);
    if (used.length === 0) return null;
    for (const name of used) text = text.replaceAll(`$math_${name}(`, `$lmath_${name}(`);
    const locals = used.map((name) => `$lmath_${name} = $math_${name}`).join(", ");
    return `const ${locals};\n` + text;
  });
}

/**
 * Whether this realm lacks `WebAssembly` (the probe `Config.codegenStyle: "auto"` uses; see
 * `CodegenStyle` for what it detects). It only looks whether the global exists.
 */
export function realmLacksWebAssembly(): boolean {
  return typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === "undefined";
}
