/**
 * Bounds checks hoisted out of innermost loops of the jit style's generated code.
 *
 * A structured loop is spelled `L7: for (;;) { body; if ((x >>> 0) < (b >>> 0)) { continue L7; }
 * break L7; }`: it runs its body, then goes round again only when its counter `x` is below the
 * bound `b` (unsigned). Where `b` never changes in the loop, `x` is a JS local the loop assigns
 * nowhere before a memory access `const ea = (x >>> 0) + (k >>> 0)` (or `((x + c) >>> 0) + ...`
 * with `c >= 0`), and the only way round is that tail test, every pass reads `x` either as it
 * was when the loop started or below `b`: that access is at most at `max(x0, b - 1) + c + k`,
 * whatever `x` steps by. So one test before the loop, `max(x0, b - 1) + m <= memLen` (`m` the
 * largest `c + k + bytes` of such accesses), proves none of them can trap while the loop runs
 * (memory never shrinks, and a grow in the loop only moves `memLen` up), and the loop is
 * generated twice: without those accesses' checks where the test holds, as it was (each
 * access checked, trapping at the same access as the interpreter) where it does not.
 *
 * Clang's loops end `if (x !== b) { continue L7; }`, their counter stepped by a constant `s`
 * (`x = (x + s) | 0`, once in the loop), often from a negative start up to 0 with the arrays at
 * `x + c`. There the counter runs `x0, x0 + s, ...` and stops at `b` when `b - x0` (mod 2^32)
 * is a non-zero multiple of `s` (else it wraps round until an access traps: the checked copy's
 * case), so the accesses stay between `(x0 + c) mod 2^32` and that plus `b - x0 - s + k +
 * bytes`. An address may also be on a local set to `(x + c) | 0` at the body's top level (so
 * on every path through it) and not set again before the access, plus a local the loop never
 * sets. The accesses on one counter (and addend) take one test: from their lowest to their
 * highest byte (memory is one range from 0, so every access between those two bytes is in it).
 *
 * Where the loop's counter steps by a constant once a pass (at the body's top level), the number
 * of passes `n` is known before it starts (`(b - x0) / s` for `!==`, `1 + ceil((b - x0 - s) /
 * s)` for `<` once past the first), and so is the reach of a second counter `v` stepped by a
 * constant `t` (once, anywhere in the loop) with it: `n - 1` steps from where it starts. Clang's
 * unrolled dot products walk their arrays so (bench/vec_float.c, scalar build). A `!==` loop's
 * counter may also step down to its bound (`n = (x0 - b) / -s`: clang's byte-copy loops count
 * down while their pointers step up); accesses on counters stepping down stay checked.
 *
 * Measured on a model of `bench/bytesum.wat`'s inner loop (CPU time, best of 15 in one process,
 * `deno` 2.9, against the same loop in native Wasm): 1.71x with the check per byte, 1.31x with
 * the check hoisted; that `DataView.getUint8` became a `Uint8Array` read (1.28x) or the counter
 * lost its `>>> 0` (1.28x) measured within the noise of it. `deno task bench --tier codegen
 * --iterations 11 --warmup 3 --filter bytesum,sieve,matmul`, three runs alternating with the
 * tree before, min ratio to native: bytesum 1.7/1.7/1.7x -> 1.2/1.9/1.2x, sieve 0.8/1.6/1.6x
 * -> 1.0/1.0/1.0x, matmul 1.6/2.0/1.5x -> 1.0/1.0/1.1x. With clang's loops and locals on
 * the counter too (the eight memory rows of issue 13, same command, three alternated runs,
 * median ratio): geometric mean 1.7/1.7/1.7x -> 1.4/1.4/1.4x; lz 1.8/1.3/1.6x ->
 * 1.6/1.2/1.5x, vec_bytes_scalar 2.0/2.2/1.2x -> 1.5/1.7/1.8x (within noise). With second
 * counters, both trees' engines alternated in one process (best of 15 runs at scale 1, ratio to
 * native V8 in the same process, main -> this): vec_float_scalar 2.84 -> 2.40, vec_bytes_scalar
 * 1.58 -> 1.49, lz 1.57 -> 1.45, matmul 1.43 -> 0.93, bytesum 2.07 -> 0.99, sieve 1.54 -> 0.94.
 *
 * @module
 */

import { closingBrace } from "./codegen_hoist.ts";

/** The longest loop (characters of source) generated twice: beyond, code size wins. */
const MAX_LOOP = 6000;

/** A loop header of structured code (`F` loops are the metered spelling's inner runs). */
const HEADER = /^([LF]\d+): for \(;;\) \{$/gm;

/**
 * A candidate for a loop's tail, at a line's start: `if ((x >>> 0) < (b >>> 0)) {` (`<=` too)
 * or `if (x !== b) {`. It is the tail where its block closes just before the loop's final
 * `break L;`; the block may hold statements before the `continue` (a fuel charge), or wrap the
 * `continue` in a block of its own (`coldLoops`).
 */
const TAIL =
  /\nif \((?:\((r\d+) >>> 0\) (<=?) \((-?\d+|\$?[A-Za-z_]\w*) >>> 0\)|(r\d+) (!==) (-?\d+|\$?[A-Za-z_]\w*))\) \{\n/g;

/**
 * A declarator of an access's address on a local `x`: `ea = (x >>> 0) + (k >>> 0)`, `ea =
 * ((x + c) >>> 0) + (k >>> 0)` or `ea = (x + c) >>> 0` (the fused loads' spelling).
 */
const ADDRESS =
  /^(\$?[A-Za-z_]\w*) = (?:\((\$?[A-Za-z_]\w*) >>> 0\) \+ \((-?\d+) >>> 0\)|\(\((\$?[A-Za-z_]\w*) \+ (-?\d+)\) >>> 0\) \+ \((-?\d+) >>> 0\)|\((\$?[A-Za-z_]\w*) \+ (-?\d+)\) >>> 0)$/;

/** The bounds check of the addresses declared just before it (`jitBounds`' spelling). */
const CHECK =
  /^if \((.+)\) throw (?:\(fuelLive && \(store\.fuel = fuel\)\), )?trap\(TrapCode\.MemoryOutOfBounds\);$/;

/** One test of a check: `ea >= memLen` or `ea > memLen - k`. */
const PAST = /^(\$?[A-Za-z_]\w*) (?:>= memLen|> memLen - (\d+))$/;

/** What every bounds check (`CHECK`, each of its tests a `PAST`) names. */
const MEM_LEN = "memLen";

/** What a loop to be generated twice may not hold: another loop, a closure. */
const NESTED = /\bfor \(|\bwhile \(|\bdo \{|\bfunction\b|=>/;

/** Whether `text` assigns the JS local `name` (`=`, a compound `op=`, `++`, `--`). */
function assigns(text: string, name: string): boolean {
  // Every match holds the name: most lines do not, and building the expression is the cost
  // (withLoopBoundsHoisted: 69 of 385 generator ticks in a `--prof` of `bench/lz.c`'s first call).
  if (!text.includes(name)) return false;
  const n = name.replace(/\$/g, "\\$");
  return new RegExp(
    `(?<![\\w$.])${n}\\s*(?:(?:[-+*/%&|^]|\\*\\*|<<|>>>?)?=(?!=)|\\+\\+|--)|(?:\\+\\+|--)\\s*${n}(?![\\w$])`,
  ).test(text);
}

/**
 * `source` with each innermost loop whose accesses at its counter can be proved in bounds before
 * it starts generated twice, as described in the module documentation.
 */
export function withLoopBoundsHoisted(source: string): string {
  // A loop without a bounds check has no access to hoist one of (`versionedLoop` returns null
  // where it finds none): skipping the walk took 2,000 memory-free bodies of
  // `deno task bench:first-call` from 466 to 1 ms.
  if (!source.includes(MEM_LEN)) return source;
  let out = "";
  let from = 0;
  for (const m of source.matchAll(HEADER)) {
    const start = m.index!;
    if (start < from) continue;
    // Only the first `MAX_LOOP` characters are searched for the loop's end: each loop costs
    // at most that, however deeply loops nest (a linear pass).
    const window = source.slice(start, start + MAX_LOOP);
    const end = closingBrace(window, m[0].length - 1);
    if (end < 0) continue;
    const close = start + end;
    const loop = window.slice(0, end + 1);
    if (!loop.includes(MEM_LEN)) continue;
    const versioned = versionedLoop(loop, m[1]!);
    if (versioned === null) continue;
    out += source.slice(from, start) + versioned;
    from = close + 1;
  }
  return from === 0 ? source : out + source.slice(from);
}

/**
 * Where a local holds `(v + w + c) | 0`: `v` a counter (the loop's own, or a local it steps by a
 * constant), `w` a local the loop never sets (or ""), `c` a constant.
 */
interface Near {
  v: string;
  w: string;
  c: number;
}

/** An access an unchecked loop may make: at `(v + w + c) mod 2^32 + k`, `reach` = `k + bytes`. */
interface Access extends Near {
  reach: number;
}

/**
 * The accesses the check in `lines[i + 1]` makes, declared in `lines[i]` on locals `near` knows,
 * or null when it tests anything else.
 */
function checkedAccesses(
  lines: readonly string[],
  i: number,
  near: (name: string) => Near | undefined,
): Access[] | null {
  const declared = /^const (.+);$/.exec(lines[i]!);
  const check = CHECK.exec(lines[i + 1] ?? "");
  if (declared === null || check === null) return null;
  const at = new Map<string, Near & { k: number }>();
  for (const part of declared[1]!.split(", ")) {
    const a = ADDRESS.exec(part);
    if (a === null) return null;
    const [, name, x1, k1, x2, c2, k2, x3, c3] = a;
    const base = near(x1 ?? x2 ?? x3 ?? "");
    if (base === undefined) return null;
    const c = base.c + Number(c2 ?? c3 ?? 0);
    at.set(name!, { v: base.v, w: base.w, c, k: Number(k1 ?? k2 ?? 0) >>> 0 });
  }
  const accesses: Access[] = [];
  for (const test of check[1]!.split(" || ")) {
    const past = PAST.exec(test);
    const address = past === null ? undefined : at.get(past[1]!);
    if (address === undefined) return null;
    const bytes = past![2] === undefined ? 1 : Number(past![2]);
    // Beyond 2^32 no memory holds it (the tests below stay exact in doubles).
    if (!(bytes >= 1) || address.k + bytes > 2 ** 32) return null;
    const { v, w, c, k } = address;
    accesses.push({ v, w, c, reach: k + bytes });
  }
  return accesses;
}

/** How many times `text` assigns the JS local `name`. */
function assignments(text: string, name: string): number {
  let n = 0;
  for (const line of text.split("\n")) if (assigns(line, name)) n++;
  return n;
}

/** A local's step: the line of its only assignment in the loop, `v = (v + t) | 0;`, and `t`. */
interface Step {
  line: number;
  t: number;
  depth: number;
}

/** `loop` (labelled `label`) as an `if` between its check-free and its checked copies, or null. */
function versionedLoop(loop: string, label: string): string | null {
  const inner = loop.slice(loop.indexOf("{") + 1, -1);
  if (NESTED.test(inner)) return null;
  const end = `}\nbreak ${label};\n`;
  if (!inner.endsWith(end)) return null;
  let tail: RegExpExecArray | null = null;
  for (const t of inner.matchAll(TAIL)) {
    if (closingBrace(inner, t.index + t[0].length - 2) === inner.length - end.length) {
      tail = t;
      break;
    }
  }
  if (tail === null) return null;
  const x = tail[1] ?? tail[4]!, cmp = tail[2] ?? tail[5]!, b = tail[3] ?? tail[6]!;
  const then = inner.slice(tail.index + tail[0].length, inner.length - end.length);
  // The tail's `continue` is the only way round, and `then` does nothing but go round.
  const continues = inner.match(new RegExp(`\\bcontinue ${label};`, "g"))?.length ?? 0;
  if (continues !== 1 || !then.includes(`continue ${label};`)) return null;
  if (/\b(?:break|return|throw)\b/.test(then) || assigns(then, x)) return null;
  const literal = /^-?\d+$/.test(b);
  if (!literal && assigns(loop, b)) return null;
  const body = inner.slice(0, tail.index);
  const lines = body.split("\n");
  const depths: number[] = [];
  let depth = 0;
  for (const line of lines) {
    depths.push(depth);
    depth += (line.match(/\{/g)?.length ?? 0) - (line.match(/\}/g)?.length ?? 0);
  }
  const steps = new Map<string, Step | null>();
  /** The step of local `v` (null: it has none, or is set otherwise too). */
  const stepOf = (v: string): Step | null => {
    let step = steps.get(v);
    if (step !== undefined) return step;
    step = null;
    if (/^r\d+$/.test(v) && assignments(loop, v) === 1) {
      const at = lines.findIndex((line) => assigns(line, v));
      const m = at < 0
        ? null
        : new RegExp(`^${v} = \\(${v} \\+ (-?\\d+)\\) \\| 0;$`).exec(lines[at]!);
      const t = m === null ? 0 : Number(m[1]);
      if (t !== 0 && Math.abs(t) < 2 ** 31) step = { line: at, t, depth: depths[at]! };
    }
    steps.set(v, step);
    return step;
  };
  /** The first line setting the loop's counter (anything after it sees it changed). */
  const xSet = lines.findIndex((line) => assigns(line, x));
  const invariant = (w: string) => /^(?:r\d+|\$?[A-Za-z_]\w*)$/.test(w) && !assigns(loop, w);
  // Locals set at the body's top level (so on every path to what follows) to `(v + w + c) | 0`
  // and not set again since; and the counters, as they were when the pass started.
  const held = new Map<string, Near>();
  const nearAt = (i: number) => (name: string): Near | undefined => {
    const h = held.get(name);
    if (h !== undefined) return h;
    if (name === x) return xSet < 0 || i < xSet ? { v: x, w: "", c: 0 } : undefined;
    const step = stepOf(name);
    return step !== null && i < step.line ? { v: name, w: "", c: 0 } : undefined;
  };
  const dropped = new Map<number, Access[]>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const found = checkedAccesses(lines, i, nearAt(i));
    if (found !== null) {
      dropped.set(++i, found);
      continue;
    }
    for (const name of held.keys()) if (assigns(line, name)) held.delete(name);
    if (depths[i] !== 0) continue;
    const set =
      /^(r\d+|\$?[A-Za-z_]\w*) = \((r\d+|\$?[A-Za-z_]\w*) \+ (-?\d+|r\d+|\$?[A-Za-z_]\w*)\) \| 0;$/
        .exec(line);
    if (set === null) continue;
    let [, name, v, add] = set;
    if (nearAt(i)(v!) === undefined && !/^-?\d+$/.test(add!)) [v, add] = [add, v];
    const base = nearAt(i)(v!);
    if (base === undefined || name === base.v) continue;
    if (/^-?\d+$/.test(add!)) held.set(name!, { ...base, c: base.c + Number(add) });
    else if (base.w === "" && invariant(add!)) held.set(name!, { ...base, w: add! });
  }
  const xStep = stepOf(x);
  const bound = literal ? String(Number(b) >>> 0) : `(${b} >>> 0)`;
  // How many passes the loop makes, where its counter steps by a constant once a pass: the
  // declarations of `$n` and what they need to hold.
  let passes: { decl: string; cond: string } | null = null;
  if (xStep !== null && xStep.depth === 0) {
    const s = xStep.t;
    if (cmp === "!==") {
      // `x0, x0 + s, ...` up to `b` (exclusive) when `b - x0` is a non-zero multiple of `s`
      // (else it wraps, and the checked copy traps where it must); down to it for `s < 0`.
      const span = s > 0 ? `(${b} - ${x}) >>> 0` : `(${x} - ${b}) >>> 0`;
      passes = {
        decl: `const $span = ${span}, $n = $span / ${Math.abs(s)};`,
        cond: `$span !== 0 && $span % ${Math.abs(s)} === 0`,
      };
    } else if (cmp === "<" && s > 0 && (!literal || (Number(b) >>> 0) <= 2 ** 32 - s)) {
      // After its first pass at `z = x0 + s`, on while below `b` (no wrap below `2^32 - s`).
      passes = {
        decl:
          `const $z = (${x} + ${s}) >>> 0, $n = $z >= ${bound} ? 1 : 1 + Math.ceil((${bound} - $z) / ${s});`,
        cond: literal ? "true" : `${bound} <= ${2 ** 32 - s}`,
      };
    }
  }
  // One test per counter and invariant addend: memory is one range from 0, so the lowest and
  // the highest bytes being in it puts every access between them in it too.
  const groups = new Map<string, Access[]>();
  for (const accesses of dropped.values()) {
    for (const a of accesses) {
      const key = `${a.v} ${a.w}`;
      groups.set(key, [...(groups.get(key) ?? []), a]);
    }
  }
  const tests = new Map<string, string | null>();
  for (const [key, accesses] of groups) {
    const { v, w } = accesses[0]!;
    const low = Math.min(...accesses.map((a) => a.c));
    const top = Math.max(...accesses.map((a) => a.c + a.reach));
    const from = `((${v}${w === "" ? "" : ` + ${w}`} + ${low}) >>> 0)`;
    let test: string | null = null;
    if (v === x && w === "" && cmp !== "!==") {
      // The counter is `x0`, then below `b`: each access at most at `max(x0, b - 1) + c + k`.
      const last = cmp === "<" ? `${bound} - 1` : bound;
      if (low >= 0 && top <= 2 ** 32) test = `Math.max(${x} >>> 0, ${last}) <= memLen - ${top}`;
    } else if (passes !== null) {
      // From `(v0 + w + low) mod 2^32` on, `n - 1` steps of `t`, then `top - low` bytes.
      // (Counters stepping down are left checked.)
      const t = v === x ? xStep!.t : stepOf(v)!.t;
      if (t > 0) test = `${from} + ($n - 1) * ${t} <= memLen - ${top - low}`;
    }
    tests.set(key, test);
  }
  for (const [i, accesses] of dropped) {
    if (accesses.some((a) => tests.get(`${a.v} ${a.w}`) === null)) dropped.delete(i);
  }
  const used = [...tests.values()].filter((t) => t !== null);
  if (dropped.size === 0 || used.length === 0) return null;
  const head = loop.slice(0, loop.indexOf("{") + 1);
  const unchecked = lines.filter((_, i) => !dropped.has(i)).join("\n");
  const needsN = used.some((t) => t!.includes("$n"));
  const fits = [...(needsN ? [passes!.cond] : []), ...used].filter((t) => t !== "true");
  const versions = `if (${fits.join(" && ")}) {\n${head}${unchecked}${
    inner.slice(tail.index)
  }}\n} else {\n${loop}\n}`;
  return needsN ? `{\n${passes!.decl}\n${versions}\n}` : versions;
}
