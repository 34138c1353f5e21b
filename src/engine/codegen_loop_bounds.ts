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
 * on every path through it) and not set again before the access. The accesses of a loop take
 * one test: from its lowest to its highest byte (memory is one range from 0, so every access
 * between those two bytes is in it too).
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
 * 1.6/1.2/1.5x, vec_bytes_scalar 2.0/2.2/1.2x -> 1.5/1.7/1.8x (within noise).
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

/** What a loop to be generated twice may not hold: another loop, a closure. */
const NESTED = /\bfor \(|\bwhile \(|\bdo \{|\bfunction\b|=>/;

/** Whether `text` assigns the JS local `name` (`=`, a compound `op=`, `++`, `--`). */
function assigns(text: string, name: string): boolean {
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
  let out = "";
  let from = 0;
  for (const m of source.matchAll(HEADER)) {
    const start = m.index!;
    if (start < from) continue;
    const open = start + m[0].length - 1;
    const close = closingBrace(source, open);
    if (close < 0) continue;
    const loop = source.slice(start, close + 1);
    const versioned = loop.length <= MAX_LOOP ? versionedLoop(loop, m[1]!) : null;
    if (versioned === null) continue;
    out += source.slice(from, start) + versioned;
    from = close + 1;
  }
  return from === 0 ? source : out + source.slice(from);
}

/** An access an unchecked loop may make: at `(x + c) mod 2^32 + k`, `reach` = `k + bytes`. */
interface Access {
  c: number;
  reach: number;
}

/**
 * The accesses the check in `lines[i + 1]` makes at the counter, declared in `lines[i]` on the
 * counter or on a local `near` holds `(counter + c) | 0` in, or null when it tests anything else.
 */
function checkedAccesses(
  lines: readonly string[],
  i: number,
  near: ReadonlyMap<string, number>,
): Access[] | null {
  const declared = /^const (.+);$/.exec(lines[i]!);
  const check = CHECK.exec(lines[i + 1] ?? "");
  if (declared === null || check === null) return null;
  const at = new Map<string, { c: number; k: number }>();
  for (const part of declared[1]!.split(", ")) {
    const a = ADDRESS.exec(part);
    if (a === null) return null;
    const [, name, x1, k1, x2, c2, k2, x3, c3] = a;
    const base = near.get(x1 ?? x2 ?? x3 ?? "");
    if (base === undefined) return null;
    at.set(name!, { c: base + Number(c2 ?? c3 ?? 0), k: Number(k1 ?? k2 ?? 0) >>> 0 });
  }
  const accesses: Access[] = [];
  for (const test of check[1]!.split(" || ")) {
    const past = PAST.exec(test);
    const address = past === null ? undefined : at.get(past[1]!);
    if (address === undefined) return null;
    const bytes = past![2] === undefined ? 1 : Number(past![2]);
    // Beyond 2^32 no memory holds it (the tests below stay exact in doubles).
    if (!(bytes >= 1) || address.k + bytes > 2 ** 32) return null;
    accesses.push({ c: address.c, reach: address.k + bytes });
  }
  return accesses;
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
  const dropped = new Set<number>();
  const accesses: Access[] = [];
  let step = 0;
  // The locals holding `(x + c) | 0` (`c` by name), each set at the body's top level (so on
  // every path to what follows) and not set again since.
  const near = new Map([[x, 0]]);
  let depth = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const found = checkedAccesses(lines, i, near);
    if (found !== null) {
      dropped.add(++i);
      accesses.push(...found);
      continue;
    }
    if (assigns(line, x)) {
      // A `!==` loop steps its counter by a constant, once per pass and nowhere else.
      const s = new RegExp(`^${x} = \\(${x} \\+ (\\d+)\\) \\| 0;$`).exec(line);
      if (s !== null && !assigns(lines.slice(i + 1).join("\n"), x)) step = Number(s[1]);
      break;
    }
    for (const name of near.keys()) if (name !== x && assigns(line, name)) near.delete(name);
    const set = depth === 0
      ? new RegExp(`^(\\$?[A-Za-z_]\\w*) = \\(${x} \\+ (-?\\d+)\\) \\| 0;$`).exec(line)
      : null;
    if (set !== null) near.set(set[1]!, Number(set[2]));
    depth += (line.match(/\{/g)?.length ?? 0) - (line.match(/\}/g)?.length ?? 0);
  }
  if (accesses.length === 0) return null;
  // One test for them all: memory is one range from 0, so the lowest and the highest bytes
  // being in it puts every access between them in it too.
  const low = Math.min(...accesses.map((a) => a.c));
  const top = Math.max(...accesses.map((a) => a.c + a.reach));
  const head = loop.slice(0, loop.indexOf("{") + 1);
  const versions = (fits: string) => {
    const unchecked = lines.filter((_, i) => !dropped.has(i)).join("\n");
    return `if (${fits}) {\n${head}${unchecked}${inner.slice(tail.index)}}\n} else {\n${loop}\n}`;
  };
  if (cmp === "!==") {
    // The counter runs `x0, x0 + s, ...` up to `b` (exclusive) when `b - x0` is a non-zero
    // multiple of `s` (else it wraps, and the checked copy traps where it must): the accesses
    // are within `(x0 + low) mod 2^32` and that plus `b - x0 - s + top - low`.
    if (!(step > 0 && step < 2 ** 31)) return null;
    const more = top - low - step;
    return `{\nconst $span = (${b} - ${x}) >>> 0;\n${
      versions(
        `$span !== 0 && $span % ${step} === 0 && ((${x} + ${low}) >>> 0) <= memLen - $span ${
          more < 0 ? "+" : "-"
        } ${Math.abs(more)}`,
      )
    }\n}`;
  }
  // The counter is `x0`, then below `b`: each access is at most at `max(x0, b - 1) + c + k`.
  if (low < 0 || top > 2 ** 32) return null;
  const bound = literal ? String(Number(b) >>> 0) : `(${b} >>> 0)`;
  const last = cmp === "<" ? `${bound} - 1` : bound;
  return versions(`Math.max(${x} >>> 0, ${last}) <= memLen - ${top}`);
}
