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
 * tests/engine/codegen_test.ts runs both on the same operands). Helpers not listed here, and
 * calls whose operands it cannot read, are left as they are: their slots stay in the value stack.
 *
 * Measured on `bench/i64.wat` (3,000,000 iterations, CPU time, best of 3, the same process as
 * native V8's 6.3 ms, on a loaded 2-core machine): 380 ms with the helper calls on the value
 * stack, 210 ms with the words in locals, 133 ms with the division below in locals too.
 *
 * @module
 */

/** High 32 bits of the unsigned 64-bit product of two uint32s, from 16-bit limbs (exact). */
export function u32MulHi(x: number, y: number): number {
  const x0 = x & 0xffff, x1 = x >>> 16, y0 = y & 0xffff, y1 = y >>> 16;
  const p00 = x0 * y0, p01 = x0 * y1, p10 = x1 * y0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return x1 * y1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
}

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

/** A shift or rotation of `$al`/`$ah` by the count in `$k` (any i32), known only when it runs. */
function shiftByValue(kind: "shl" | "shrS" | "shrU" | "rotl", d: string): string {
  // JS shifts take their count mod 32: a count of 0 and counts of 32 and more are split out, as
  // the helpers do.
  if (kind === "rotl") {
    return block(
      "const $s = $k & 32 ? $ah : $al, $t = $k & 32 ? $al : $ah, $r = $k & 31;",
      "if ($r === 0) {",
      put(d, "$s", "$t"),
      "} else {",
      put(d, "($s << $r) | ($t >>> (32 - $r))", "($t << $r) | ($s >>> (32 - $r))"),
      "}",
    );
  }
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

const signedLess = (al: string, ah: string, bl: string, bh: string) =>
  `(${ah} < ${bh} || (${ah} === ${bh} && (${al} >>> 0) < (${bl} >>> 0)) ? 1 : 0)`;
const unsignedLess = (al: string, ah: string, bl: string, bh: string) =>
  `((${ah} >>> 0) < (${bh} >>> 0) || (${ah} === ${bh} && (${al} >>> 0) < (${bl} >>> 0)) ? 1 : 0)`;
const not = (e: string) => `(1 - ${e})`;

/** A compare `a OP b` as an i32 0 or 1, for operands given as their words. */
type Compare = (al: string, ah: string, bl: string, bh: string) => string;
const COMPARES: Record<string, Compare> = {
  Eq: (al, ah, bl, bh) => `(${al} === ${bl} && ${ah} === ${bh} ? 1 : 0)`,
  Ne: (al, ah, bl, bh) => `(${al} !== ${bl} || ${ah} !== ${bh} ? 1 : 0)`,
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

/** Helpers returning an i32, spelled as expressions (their operands are read in place). */
const EXPRESSIONS: Record<string, Expression> = {
  i64Eqz: ([a]) => `((${lo(a!)} | ${hi(a!)}) === 0 ? 1 : 0)`,
};
for (const [name, compare] of Object.entries(COMPARES)) {
  EXPRESSIONS[`i64${name}`] = ([a, b]) => compare(lo(a!), hi(a!), lo(b!), hi(b!));
  EXPRESSIONS[`i64${name}Imm`] = ([a, l, h]) => compare(lo(a!), hi(a!), `(${l})`, `(${h})`);
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

// The carry and the borrow of the low halves without a condition, as the helpers spell them
// (`carryOut`, `borrowOut` in core/num/i64.ts: V8 makes `c ? 1 : 0` a branch, which mispredicts
// on hash data).
const add = (d: string) =>
  block(
    "const $l = ($al + $bl) | 0;",
    put(d, "$l", "($ah + $bh + ((($al & $bl) | (($al | $bl) & ~$l)) >>> 31)) | 0"),
  );
const sub = (d: string) =>
  block(
    "const $l = ($al - $bl) | 0;",
    put(d, "$l", "($ah - $bh - (((~$al & $bl) | (~($al ^ $bl) & $l)) >>> 31)) | 0"),
  );
// (ah·2^32 + al)(bh·2^32 + bl) mod 2^64: the cross terms only matter mod 2^32 (Math.imul).
const mul = (d: string) =>
  put(
    d,
    "Math.imul($al, $bl)",
    "(Math.imul($al, $bh) + Math.imul($ah, $bl) + u32MulHi($al, $bl)) | 0",
  );
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
STATEMENTS.i64Bswap = ([d, a]) =>
  block(`const $l = ${lo(a!)}, $h = ${hi(a!)};`, put(d!, bswap32("$h"), bswap32("$l")));
// A right rotation by k is a left rotation by 64 - k.
STATEMENTS.i64RotrImm = ([d, a, k]) =>
  /^-?\d+$/.test(k!) ? STATEMENTS.i64RotlImm!([d!, a!, `${64 - (Number(k) & 63)}`]) : null;
STATEMENTS.i64Rotr = ([d, a, b]) =>
  block(
    `const $al = ${lo(a!)}, $ah = ${hi(a!)}, $k = 64 - (${lo(b!)} & 63);`,
    shiftByValue("rotl", d!),
  );
/**
 * Unsigned division by a nonzero divisor below 2^32 (the common case: a CPU profile of
 * `bench/i64.wat` put 60% of its time in the helper's general path, whose results go through
 * module variables) in locals, with two float divisions, exact:
 * - the high word: `q2 = floor(h / b)`, `r = h - q2 * b` (exact: a quotient of numbers below
 *   2^32 is never within 2^-32 of the next integer, far more than a double's rounding);
 * - the low word: `t = r * 2^32 + l` is below `b * 2^32`, so the double nearest to `t / b` is
 *   within `2^-20` of it and its floor `q` is off by at most one; the remainder `t - q * b` is
 *   then computed exactly (with `q` split in 16-bit halves every term stays below 2^51) and one
 *   step corrects `q`.
 * Measured on a JS copy of `bench/i64.wat`'s loop (CPU time, best of 6): 112 ms with the
 * previous long division in three float divisions, 91 ms with this. Other divisors (and zero,
 * which traps) go to the helper.
 */
function divideU(name: "i64DivU" | "i64RemU", d: string, a: string, b: string): string {
  const result = name === "i64DivU" ? put(d, "$q", "$q2") : put(d, "$m", "0");
  return block(
    `const $bl = ${lo(b)}, $bh = ${hi(b)};`,
    "if ($bh === 0 && $bl !== 0) {",
    `const $b = $bl >>> 0, $h = ${hi(a)} >>> 0, $l = ${lo(a)} >>> 0;`,
    ...longDivision,
    result,
    "} else",
    viaScratch(name, d, a, b),
  );
}

/**
 * The statements dividing the unsigned 64-bit `$h`·2^32 + `$l` by `$b` (nonzero, below 2^32;
 * all three numbers): the quotient's words `$q2`, `$q` and the remainder `$m` (see `divideU`).
 */
const longDivision = [
  "const $q2 = Math.floor($h / $b), $r = $h - $q2 * $b;",
  "let $q = Math.floor(($r * 4294967296 + $l) / $b);",
  "const $qh = Math.floor($q / 65536);",
  "let $m = ($r * 65536 - $qh * $b) * 65536 + $l - ($q - $qh * 65536) * $b;",
  "if ($m < 0) {",
  "$q--;",
  "$m += $b;",
  "} else if ($m >= $b) {",
  "$q++;",
  "$m -= $b;",
  "}",
];
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
    ...longDivision,
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

/** The arguments of the call whose `(` is at `open` in `js`, and the index after its `)`. */
function argsAt(js: string, open: number): { args: string[]; end: number } | null {
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

/**
 * `js` (one instruction's JavaScript) with its calls of the i64 helpers on the value stack
 * (`i64Xxx(s32, ...)`) spelled on the words instead. A call is rewritten only where its slot
 * operands are plain word expressions (read more than once) and, for the helpers writing a
 * result, where it is a whole statement.
 */
export function lowerI64(js: string): string {
  if (!js.includes("i64")) return js;
  const call = /(?<![\w$.])(i64\w+)\(s32, /g;
  let out = "";
  let from = 0;
  for (let m = call.exec(js); m !== null; m = call.exec(js)) {
    const name = m[1]!;
    const statement = STATEMENTS[name];
    const expression = EXPRESSIONS[name];
    if (statement === undefined && expression === undefined) continue;
    const parsed = argsAt(js, m.index + name.length);
    if (parsed === null) continue;
    const args = parsed.args.slice(1);
    let spelled: string | null = null;
    let end = parsed.end;
    // Operands are read more than once: only slots, constants and reads of a slot qualify.
    if (!args.every((x) => plain(x) || /^s32\[\(fp \+ -?\d+\)\]$/.test(x))) continue;
    if (expression !== undefined) spelled = expression(args);
    else if (js[end] === ";") {
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
