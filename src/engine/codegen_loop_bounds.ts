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
 * Measured on a model of `bench/bytesum.wat`'s inner loop (CPU time, best of 15 in one process,
 * `deno` 2.9, against the same loop in native Wasm): 1.71x with the check per byte, 1.31x with
 * the check hoisted; that `DataView.getUint8` became a `Uint8Array` read (1.28x) or the counter
 * lost its `>>> 0` (1.28x) measured within the noise of it. `deno task bench --tier codegen
 * --iterations 11 --warmup 3 --filter bytesum,sieve,matmul`, three runs alternating with the
 * tree before, min ratio to native: bytesum 1.7/1.7/1.7x -> 1.2/1.9/1.2x, sieve 0.8/1.6/1.6x
 * -> 1.0/1.0/1.0x, matmul 1.6/2.0/1.5x -> 1.0/1.0/1.1x.
 *
 * @module
 */

import { closingBrace } from "./codegen_hoist.ts";

/** The longest loop (characters of source) generated twice: beyond, code size wins. */
const MAX_LOOP = 6000;

/** A loop header of structured code (`F` loops are the metered spelling's inner runs). */
const HEADER = /^([LF]\d+): for \(;;\) \{$/gm;

/**
 * A candidate for a loop's tail: `if ((x >>> 0) < (b >>> 0)) {` (`<=` too), at a line's start.
 * It is the tail where its block closes just before the loop's final `break L;`; the block may
 * hold statements before the `continue` (a fuel charge), or wrap the `continue` in a block of
 * its own (`coldLoops`).
 */
const TAIL = /\nif \(\((r\d+) >>> 0\) (<=?) \((-?\d+|\$?[A-Za-z_]\w*) >>> 0\)\) \{\n/g;

/** A check-free access's address: `const ea = (x >>> 0) + (k >>> 0);` or with `(x + c)`. */
const ADDRESS = /^const (\$?ea) = \((?:(r\d+)|\((r\d+) \+ (\d+)\)) >>> 0\) \+ \((-?\d+) >>> 0\);$/;

/** Its bounds check, spelled by `jitBounds`: `ea >= memLen` or `ea > memLen - k`. */
const CHECK =
  /^if \((\$?ea) (>=|>) memLen(?: - (\d+))?\) throw (?:\(fuelLive && \(store\.fuel = fuel\)\), )?trap\(TrapCode\.MemoryOutOfBounds\);$/;

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
  const [, x, cmp, b] = tail;
  if (x === undefined || b === undefined) return null;
  const then = inner.slice(tail.index + tail[0].length, inner.length - end.length);
  // The tail's `continue` is the only way round, and `then` does nothing but go round.
  const continues = inner.match(new RegExp(`\\bcontinue ${label};`, "g"))?.length ?? 0;
  if (continues !== 1 || !then.includes(`continue ${label};`)) return null;
  if (/\b(?:break|return|throw)\b/.test(then) || assigns(then, x)) return null;
  if (!/^-?\d+$/.test(b) && assigns(loop, b)) return null;
  const body = inner.slice(0, tail.index);
  const lines = body.split("\n");
  const dropped = new Set<number>();
  let most = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = lines[i]!;
    const address = ADDRESS.exec(line);
    if (address !== null && (address[2] ?? address[3]) === x) {
      const check = CHECK.exec(lines[i + 1]!);
      if (check !== null && check[1] === address[1]) {
        const bytes = check[2] === ">=" ? 1 : Number(check[3]);
        const reach = Number(address[4] ?? 0) + (Number(address[5]) >>> 0) + bytes;
        // Within 2^32 + 2^16: the test below stays exact in doubles, and fails for all
        // such accesses in memory of at most 2^32 bytes.
        if (bytes >= 1 && reach <= 2 ** 32) {
          dropped.add(i + 1);
          if (reach > most) most = reach;
        }
        continue;
      }
    }
    if (assigns(line, x)) break;
  }
  if (dropped.size === 0) return null;
  const unchecked = lines.filter((_, i) => !dropped.has(i)).join("\n");
  const bound = /^-?\d+$/.test(b) ? String(Number(b) >>> 0) : `(${b} >>> 0)`;
  const last = cmp === "<" ? `${bound} - 1` : bound;
  const fits = `Math.max(${x} >>> 0, ${last}) <= memLen - ${most}`;
  const head = loop.slice(0, loop.indexOf("{") + 1);
  return `if (${fits}) {\n${head}${unchecked}${inner.slice(tail.index)}}\n} else {\n${loop}\n}`;
}
