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
 * @module
 */

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
  if (/^[rh]\d+$/.test(text)) return true;
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
 * The source `generateSource` made for a body factory (`"use strict";`, the closure's
 * declarations, `return function wasm(...) {...};`), spelled for an engine without a JIT.
 */
export function leanSource(source: string): string {
  const split = source.indexOf("return function wasm(");
  if (split < 0) return source;
  let head = source.slice(0, split);
  let body = source.slice(split);
  // The closure's bindings are read by the body on every use: `var` needs no hole check.
  head = head.replace(/^(?:const|let) /gm, "var ");
  body = withFroundFolded(body);
  const hoisted = HOISTED_MATH.filter((name) => body.includes(`Math.${name}(`));
  for (const name of hoisted) body = body.replaceAll(`Math.${name}(`, `$math_${name}(`);
  if (hoisted.length > 0) {
    head += `var ${hoisted.map((name) => `$math_${name} = Math.${name}`).join(", ")};\n`;
  }
  body = withoutIntBitOr(withoutInnerBitOr(body));
  return head + body;
}

/**
 * Whether this realm lacks `WebAssembly` (the probe `Config.codegenStyle: "auto"` uses; see
 * `CodegenStyle` for what it detects). It only looks whether the global exists.
 */
export function realmLacksWebAssembly(): boolean {
  return typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === "undefined";
}
