/**
 * Short-lived slot values in JS locals, for the code generator (`codegen.ts`).
 *
 * The generator keeps a slot in a JS local only when every access to it, in the whole function,
 * is of one kind (i32 words, or f64s: `promotable` in codegen.ts). Compilers reuse scratch
 * slots for values of different types (`bench/matmul.wat`'s inner loop loads two f64s into
 * slots that then hold i32 addresses), and an f64 loaded from memory is written as two words
 * (the load rows keep NaN bits exactly) and read through the f64 view: such slots stayed in the
 * value stack. This module splits a slot's values apart where that is plainly safe: a value
 * written by one instruction and overwritten by a later one of the same straight-line run
 * (no branch, call, stop or other sync point in between, and no instruction reaching the slot
 * in another way), with every read of it in between, lives in its own JS local (`$n<id>` for an
 * f64 number, `$w<id>`/`$x<id>` for its low and high words) and never touches the value stack.
 *
 * ## NaN bits
 * A number local never changes what the interpreter computes:
 * - an f64 written through the f64 view (arithmetic, conversions: all rows that write
 *   `f64[d >> 1]`) is already a JS number; read as words (a store), it is turned into them as
 *   the interpreter's value stack does (`f64Lo`, `f64Hi`, or the store's `setFloat64`);
 * - two words read only through the f64 view become the number that view would give
 *   (`f64Of`), and an 8-byte load read only that way is `getFloat64`, a constant its double:
 *   every row reading `f64[a >> 1]` computes on the JS number (arithmetic, compares,
 *   conversions), where a signalling NaN is already quieted in the interpreter (V8 may quiet it
 *   on any read; Deno 2.9's does), so the results are the same bits.
 * A value loaded as words and read as words stays in words.
 *
 * @module
 */

/** The f64, f32 and i32 views of one scratch double, for the conversions below. */
const F64 = new Float64Array(1);
const F32 = new Float32Array(F64.buffer);
const I32 = new Int32Array(F64.buffer);

/** The low word of the f64 `x`'s bits, as writing it to the value stack gives. */
export function f64Lo(x: number): number {
  F64[0] = x;
  return I32[0]!;
}

/** The high word of the f64 `x`'s bits. */
export function f64Hi(x: number): number {
  F64[0] = x;
  return I32[1]!;
}

/** The f64 whose bits are the words `lo`, `hi`, as reading it from the value stack gives. */
export function f64Of(lo: number, hi: number): number {
  I32[0] = lo;
  I32[1] = hi;
  return F64[0]!;
}

/** The bits of the f32 `x` (a double rounded to f32), as writing it to the value stack gives. */
export function f32Bits(x: number): number {
  F32[0] = x;
  return I32[0]!;
}

/** The f32 whose bits are `bits`, as reading it from the value stack gives. */
export function f32Of(bits: number): number {
  I32[0] = bits;
  return F32[0]!;
}

/** One access of a slot in an instruction's text. */
interface Access {
  readonly k: number;
  /** `lo`, `hi`, `f64`, `f32`, or `other` (any other use: a helper's index, another view). */
  readonly kind: "lo" | "hi" | "f64" | "f32" | "other";
  readonly write: boolean;
  /** Where the access (`s32[(fp + k)]`) starts and ends in the text. */
  readonly start: number;
  readonly end: number;
  /** For a write: where its statement ends (at its `;`), when the value takes effect. */
  readonly effect: number;
  /** For a write: whether it runs every time the instruction runs (not inside an `if`). */
  readonly always: boolean;
}

/** Where the statement whose assigned expression starts at `from` ends (its `;`). */
function statementEnd(text: string, from: number): number {
  let end = from;
  for (let level = 0; end < text.length; end++) {
    const ch = text[end];
    if (ch === "(" || ch === "[" || ch === "{") level++;
    else if (ch === ")" || ch === "]" || ch === "}") level--;
    else if (ch === ";" && level === 0) break;
  }
  return end;
}

/**
 * Whether a statement starting at `at` runs whenever `text` (one instruction) runs: not in a
 * block opened by an `if`, `else` or anything else but a bare `{`, nor a braceless `if` body.
 */
function unconditional(text: string, at: number): boolean {
  if (!statementStart(text, at)) return false;
  let depth = 0;
  for (let i = at - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === "}") depth++;
    else if (ch === "{") {
      if (depth > 0) depth--;
      // An enclosing block: only a bare one (at the start or after a statement) is fine.
      else if (!statementStart(text, i)) return false;
    }
  }
  return true;
}

/** Whether `at` starts a statement: only blanks, or a `;`, `{` or `}` before it. */
function statementStart(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && (text[i] === " " || text[i] === "\n")) i--;
  return i < 0 || text[i] === ";" || text[i] === "{" || text[i] === "}";
}

/** What an instruction does to slots, and where control may go from it. */
interface Parsed {
  readonly accesses: Access[];
  /** The `(fp + k)` forms are not all it reaches (a sync point, the pc, its own loops). */
  readonly opaque: boolean;
  /** Its branches (`continue L<t>`, `break B<t>`): their targets' pcs. */
  readonly exits: number[];
  /**
   * A return: the words below this are the results (written back and read by the caller),
   * those from it on are dead; null for other instructions.
   */
  readonly results: number | null;
  /**
   * A fuel charge (`ConsumeFuel`): where it stops, the frame continues at it, so a slot is live
   * there exactly when it is live after it.
   */
  readonly charge: boolean;
}

/**
 * The JavaScript of one fuel charge (codegen.ts's `charge`: the refill or the stop, up to its
 * `/*charge*\/cost/**\/` mark). A branch that pays the charge at its target (a `*Pay` row)
 * stops at that target, so the charge inside it reaches no slot the branch's exit does not.
 */
const CHARGE = /if \(fuel < \d+\) \{[\s\S]*?\/\*charge\*\/\d+\/\*\*\//g;

/** The accesses of `text` (one instruction) to slots not in `skip`, in order, and its branches. */
function parse(instruction: string, skip: ReadonlySet<number>): Parsed {
  const text = instruction.replace(CHARGE, "");
  const exits: number[] = [];
  for (const m of text.matchAll(/\b(?:continue L|break B)(\d+);/g)) exits.push(Number(m[1]));
  // Sync points (the generator's marks, the pc, returns), loops inside an instruction, other
  // jumps and the frame pointer used other than as `(fp + k)` reach any slot.
  const opaque =
    /\/\*(flush|reload|roots)|\b(return|pc|SLOT_WORDS|for|while|switch|do)\b|\b(?:break|continue)(?! [LB]\d+;)/
      .test(text) || /(?<!\()\bfp\b|\bfp\b(?! \+ -?\d+\))/.test(text);
  const ret = /^\/\*flush<(\d+)\*\/\n[\s\S]*\breturn \d+;$/.exec(text);
  return {
    accesses: opaque && ret === null ? [] : accessesOf(text, skip),
    opaque,
    exits,
    results: ret === null ? null : Number(ret[1]),
    charge: text.trim() === "" && text !== instruction,
  };
}

/** The accesses of `text` to slots not in `skip`, in order. */
function accessesOf(text: string, skip: ReadonlySet<number>): Access[] {
  const out: Access[] = [];
  for (const m of text.matchAll(/\(fp \+ (-?\d+)\)/g)) {
    const k = Number(m[1]);
    if (skip.has(k)) continue;
    const at = m.index!;
    let kind: Access["kind"] = "other";
    let start = at, end = at + m[0].length;
    if (text.startsWith("s32[", at - 4)) {
      if (text[end] === "]") [kind, start, end] = ["lo", at - 4, end + 1];
      else if (text.startsWith(" + 1]", end)) [kind, start, end] = ["hi", at - 4, end + 5];
    } else if (text.startsWith("f64[", at - 4) && text.startsWith(" >> 1]", end)) {
      [kind, start, end] = ["f64", at - 4, end + 6];
    } else if (text.startsWith("f32[", at - 4) && text[end] === "]") {
      [kind, start, end] = ["f32", at - 4, end + 1];
    }
    if (k % 4 !== 0) kind = "other";
    let write = false, effect = end, always = false;
    if (kind !== "other") {
      const after = text.slice(end, end + 6);
      if (/^ = (?!=)/.test(after)) {
        write = true;
        effect = statementEnd(text, end + 3);
        always = unconditional(text, start);
      } else if (/^ (?:[-+*/%&|^]|\*\*|<<|>>>?)=(?!=)/.test(after)) kind = "other";
    }
    out.push({ k, kind, write, start, end, effect, always });
  }
  return out;
}

/** A value of a slot: written by one instruction, read by the following ones. */
interface Version {
  readonly k: number;
  /** Index (in `texts`) of the instruction writing it, and its write accesses. */
  readonly writer: number;
  readonly writes: Access[];
  /** Its reads: instruction index and access. */
  readonly reads: { at: number; access: Access }[];
  /** False once something makes it unsafe to keep apart. */
  ok: boolean;
}

/** The words a set of accesses covers (an f64 covers both, an f32 the low one). */
function covers(kinds: Iterable<Access["kind"]>): Set<"lo" | "hi"> {
  const words = new Set<"lo" | "hi">();
  for (const kind of kinds) {
    if (kind === "lo" || kind === "hi") words.add(kind);
    else if (kind === "f32") words.add("lo");
    else if (kind === "f64") words.add("lo").add("hi");
  }
  return words;
}

const LOAD64 =
  /^s32\[\(fp \+ (-?\d+)\)\] = mview\.getInt32\(ea, true\);\ns32\[\(fp \+ \1\) \+ 1\] = mview\.getInt32\(ea \+ 4, true\);/;
const STORE64 =
  /^mview\.setInt32\(ea, s32\[\(fp \+ (-?\d+)\)\], true\);\nmview\.setInt32\(ea \+ 4, s32\[\(fp \+ \1\) \+ 1\], true\);/;
/** What precedes the value's low word in `STORE64`. */
const STORE_HEAD = "mview.setInt32(ea, ";
/**
 * A 4-byte load into a slot's word: at `ea` (an i32 or f32 load; not the low half of an i64's,
 * `LOAD64`) or at `$ea + n` (a word of a v128's, see codegen_v128.ts). Groups: 1 the word, 2 the
 * address (numbered, not named: Hermes rejects named groups, and these regexes ship in `src`).
 */
export const LOAD32 =
  /^s32\[\(fp \+ (-?\d+)\)\] = mview\.getInt32\((ea(?=, true\);(?!\ns32))|\$ea(?: \+ \d+)?), true\);/;
/** A 4-byte store of a slot's word, at `ea` or `$ea + n` (as `LOAD32`). Groups: 1 the address, 2 the word. */
export const STORE32 =
  /^mview\.setInt32\((ea(?=, s32\[\(fp \+ -?\d+\)\], true\);(?!\nmview))|\$ea(?: \+ \d+)?), s32\[\(fp \+ (-?\d+)\)\], true\);/;
const CONST32 = /^s32\[\(fp \+ (-?\d+)\)\] = (-?\d+);(?!\ns32)/;
const CONST64 = /^s32\[\(fp \+ (-?\d+)\)\] = (-?\d+);\ns32\[\(fp \+ \1\) \+ 1\] = (-?\d+);/;

/**
 * Whether the JavaScript expression `e` is an int32 by its top-level operators alone: operands
 * (names, numbers, bracketed groups, each maybe negated or inverted) joined only by `|`, `&`,
 * `^`, `<<`, `>>`, which always give an int32, or one call of `Math.imul` or of a `DataView`
 * read of an int32 or narrower (of `mview`). Where it is, `(e) | 0` is `e`: the generator
 * drops that `| 0` (it was a sixth of the bytecode of `bench/vec_bytes.c`'s v128 lane words,
 * each a 6-byte `BitwiseOrSmi` in a function over V8's optimisation limit, see
 * codegen_v128.ts). Conservative: anything else (`a + b | c` included) is not.
 */
export function isInt32Expr(e: string): boolean {
  let top = "", depth = 0;
  for (const ch of e) {
    if (ch === "(" || ch === "[") {
      if (depth === 0) top += "()";
      depth++;
    } else if (ch === ")" || ch === "]") depth--;
    else if (depth === 0) top += ch;
  }
  // A call whose result is an int32: `Math.imul`, a DataView read of at most 4 signed bytes.
  if (/^\s*(?:Math\.imul|mview\.get(?:Int32|Int16|Uint16|Int8|Uint8))\(\)\s*$/.test(top)) {
    return true;
  }
  return depth === 0 && BITWISE_CHAIN.test(top);
}

/** Operands (a bracketed group is `()` here) joined by bitwise operators, for `isInt32Expr`. */
const OPERAND = String.raw`[~-]*\s*(?:[\w$.]+|\(\))+`;
const BITWISE_CHAIN = new RegExp(
  String.raw`^\s*${OPERAND}(?:\s*(?:\||&|\^|<<|>>(?!>))\s*${OPERAND})+\s*$`,
);

/**
 * `texts` (the generated body's pieces; `isInstruction[i]` says which are one instruction's
 * JavaScript, the others being control structure or entry labels that end a straight-line run)
 * with the short-lived slot values described in the module doc in locals, and the names of
 * those locals to declare. Slots in `cached` (kept in locals whole) are left as they are.
 */
export function splitSlotValues(
  texts: readonly string[],
  isInstruction: readonly boolean[],
  entryOf: ReadonlyMap<number, number> | null,
  cached: ReadonlySet<number>,
): { texts: string[]; locals: string[] } {
  // Slots the generator keeps in locals whole gain nothing: only the others are looked at (none,
  // in most functions: then this costs one scan).
  let others = false;
  for (let i = 0; i < texts.length && !others; i++) {
    if (!isInstruction[i]) continue;
    for (const m of texts[i]!.matchAll(/\(fp \+ (-?\d+)\)/g)) {
      if (!cached.has(Number(m[1]))) {
        others = true;
        break;
      }
    }
  }
  if (!others) return { texts: texts.slice(), locals: [] };
  const parsed = texts.map((t, i) => (isInstruction[i] ? parse(t, cached) : null));
  /**
   * Whether slot `k` is dead at entry `from` of structured code (`entryOf` maps branch
   * targets to entries): on every path the next access is a write of its low word, always, in
   * an instruction without branches. A bounded search (a few hundred entries: generation
   * stays linear); anything it cannot follow counts as a read.
   */
  const deadAt = (k: number, from: number): boolean => {
    if (entryOf === null) return false;
    const seen = new Set<number>();
    const todo = [from];
    let budget = 256;
    while (todo.length > 0) {
      let at = todo.pop()!;
      for (;;) {
        if (at >= texts.length) break; // the end of the body is never reached
        if (seen.has(at)) break;
        seen.add(at);
        if (--budget < 0) return false;
        const p = parsed[at];
        if (p === null || p === undefined) {
          at++;
          continue;
        }
        const mine = p.accesses.filter((a) => a.k === k);
        if (p.results !== null) {
          // A return: the frame ends, and only its results are read.
          if (k < p.results || mine.length > 0) return false;
          break;
        }
        if (p.charge) {
          at++;
          continue;
        }
        if (p.opaque) return false;
        if (p.exits.length > 0) {
          if (mine.length > 0) return false;
          for (const t of p.exits) {
            const entry = entryOf.get(t);
            if (entry === undefined) return false;
            todo.push(entry);
          }
          at++;
          continue;
        }
        if (mine.length === 0) {
          at++;
          continue;
        }
        const writes = mine.filter((a) => a.write && a.kind !== "hi" && a.always);
        const effect = Math.min(...writes.map((w) => w.effect));
        if (mine.some((a) => !a.write && a.start < effect || a.kind === "other")) return false;
        if (writes.length === 0) {
          at++;
          continue;
        }
        break; // overwritten on this path
      }
    }
    return true;
  };
  const done: Version[] = [];
  let current = new Map<number, Version>();
  /** At entry `i` a run ends: its values still current are kept apart if dead from there. */
  const endRun = (i: number) => {
    for (const v of current.values()) if (v.ok && deadAt(v.k, i)) done.push(v);
    current = new Map();
  };
  for (let i = 0; i < texts.length; i++) {
    const p = parsed[i];
    if (p === null || p === undefined || p.opaque || p.exits.length > 0) {
      endRun(i);
      continue;
    }
    const accesses = p.accesses;
    const bySlot = new Map<number, Access[]>();
    for (const a of accesses) {
      const list = bySlot.get(a.k);
      if (list === undefined) bySlot.set(a.k, [a]);
      else list.push(a);
    }
    for (const [k, list] of bySlot) {
      const before = current.get(k);
      if (list.some((a) => a.kind === "other")) {
        if (before !== undefined) before.ok = false;
        current.delete(k);
        continue;
      }
      const writes = list.filter((a) => a.write);
      const firstEffect = Math.min(...writes.map((w) => w.effect));
      // Reads before the first write completes read the value before this instruction; a read
      // after it may read either (a word not written yet): neither is kept apart then.
      let readAfterWrite = false;
      for (const a of list) {
        if (a.write) continue;
        if (a.start < firstEffect) before?.reads.push({ at: i, access: a });
        else readAfterWrite = true;
      }
      if (readAfterWrite && before !== undefined) before.ok = false;
      if (writes.length === 0) continue;
      const written = covers(writes.map((w) => w.kind));
      if (before !== undefined) {
        // Overwritten: kept apart only if its low word is written again, always. (A high word
        // left over under an i32 is never read as part of a value: validation types every read,
        // and an i32's high word is only ever moved along with it, as in the interpreter.)
        const always = covers(writes.filter((w) => w.always).map((w) => w.kind));
        if (always.has("lo") && before.ok) done.push(before);
      }
      const kinds = new Set(writes.map((w) => w.kind));
      const ok = !readAfterWrite && writes.every((w) => w.always) &&
        !((kinds.has("f64") || kinds.has("f32")) && kinds.size > 1) && written.size > 0;
      current.set(k, { k, writer: i, writes, reads: [], ok });
    }
  }
  endRun(texts.length);
  // Each kept version's edits, by instruction: [start, end, replacement].
  const edits = new Map<number, [number, number, string][]>();
  const edit = (at: number, e: [number, number, string]) => {
    const list = edits.get(at);
    if (list === undefined) edits.set(at, [e]);
    else list.push(e);
  };
  const locals = new Set<string>();
  for (const v of done) {
    // The values of one slot never overlap: they share its locals (a function with thousands
    // of short values keeps a few locals per slot).
    const id = v.k < 0 ? `m${-v.k}` : `${v.k}`;
    const writeKinds = new Set(v.writes.map((w) => w.kind));
    const readKinds = new Set(v.reads.map((r) => r.access.kind));
    const wt = texts[v.writer]!;
    const first = v.writes.reduce((a, b) => (a.start < b.start ? a : b));
    const tail = wt.slice(first.start);
    const pair = v.writes.length === 2 && readKinds.size === 1 && readKinds.has("f64");
    const [load, konst] = [LOAD64.exec(tail), CONST64.exec(tail)].map((m) =>
      pair && m !== null && Number(m[1]) === v.k ? m : null
    );
    // An f32: one number local holding the f32 rounded value, as reading the f32 view gives.
    const single = v.writes.length === 1 && writeKinds.has("lo") && readKinds.size === 1 &&
      readKinds.has("f32");
    const [load32, const32] = [LOAD32.exec(tail), CONST32.exec(tail)].map((m) =>
      single && m !== null && Number(m[1]) === v.k ? m : null
    );
    if (writeKinds.has("f32") || load32 !== null || const32 !== null) {
      if (readKinds.has("f64")) continue;
      const f = `$f${id}`;
      if (writeKinds.has("f32")) {
        for (const w of v.writes) {
          edit(v.writer, [w.start, w.end + 3, `${f} = Math.fround(`]);
          edit(v.writer, [w.effect, w.effect, ")"]);
        }
      } else if (load32 !== null) {
        const end = first.start + load32[0].length;
        edit(v.writer, [first.start, end, `${f} = mview.getFloat32(${load32[2]}, true);`]);
      } else {
        const value = f32Of(Number(const32![2]));
        if (Number.isNaN(value)) continue;
        const literal = Object.is(value, -0) ? "-0" : `${value}`;
        edit(v.writer, [first.start, first.start + const32![0].length, `${f} = ${literal};`]);
      }
      locals.add(f);
      for (const { at, access } of v.reads) {
        if (access.kind === "f32") edit(at, [access.start, access.end, f]);
        else if (access.kind === "lo") {
          // A 4-byte store of it is one `setFloat32`.
          const from = texts[at]!.lastIndexOf("mview.setInt32(", access.start);
          const store = from < 0 ? null : STORE32.exec(texts[at]!.slice(from));
          if (
            store !== null && Number(store[2]) === v.k &&
            from + store[0].indexOf("s32[") === access.start
          ) {
            const ea = store[1]!;
            edit(at, [from, from + store[0].length, `mview.setFloat32(${ea}, ${f}, true);`]);
          } else edit(at, [access.start, access.end, `f32Bits(${f})`]);
        }
        // Its high word was not written: a read of it reads the slot's.
      }
      continue;
    }
    if (writeKinds.has("f64") || load !== null || konst !== null) {
      if (readKinds.has("f32")) continue;
      // One number local.
      const n = `$n${id}`;
      if (writeKinds.has("f64")) {
        for (const w of v.writes) edit(v.writer, [w.start, w.end, n]);
      } else if (load !== null) {
        edit(v.writer, [
          first.start,
          first.start + load[0].length,
          `${n} = mview.getFloat64(ea, true);`,
        ]);
      } else {
        const value = f64Of(Number(konst![2]), Number(konst![3]));
        // A NaN constant keeps its words (a JS NaN literal has no payload).
        if (Number.isNaN(value)) {
          continue;
        }
        const literal = Object.is(value, -0) ? "-0" : `${value}`;
        edit(v.writer, [first.start, first.start + konst![0].length, `${n} = ${literal};`]);
      }
      locals.add(n);
      const stores = new Set<number>();
      for (const { at, access } of v.reads) {
        if (access.kind === "f64") edit(at, [access.start, access.end, n]);
        else if (access.kind === "lo") {
          // A store of both words is one `setFloat64`.
          const from = access.start - STORE_HEAD.length;
          const store = from < 0 ? null : STORE64.exec(texts[at]!.slice(from));
          if (store !== null && Number(store[1]) === v.k) {
            edit(at, [from, from + store[0].length, `mview.setFloat64(ea, ${n}, true);`]);
            stores.add(at);
          } else edit(at, [access.start, access.end, `f64Lo(${n})`]);
        } else if (!stores.has(at)) edit(at, [access.start, access.end, `f64Hi(${n})`]);
      }
      continue;
    }
    // Words: an int32 local per word written.
    const words = covers(writeKinds);
    if (readKinds.has("f64") && words.size < 2) continue;
    const [lo, hi] = [`$w${id}`, `$x${id}`];
    if (words.has("lo")) locals.add(lo);
    if (words.has("hi")) locals.add(hi);
    // An assignment truncates to int32 as storing into `s32` does: `s32[(fp + k)] = e;` becomes
    // `$w1 = (e) | 0;` (two edits, so that the reads in `e` keep theirs), or `$w1 = e;` where
    // `e` is an int32 already (`isInt32Expr`).
    for (const w of v.writes) {
      const int32 = isInt32Expr(texts[v.writer]!.slice(w.end + 3, w.effect));
      edit(v.writer, [w.start, w.end + 3, `${w.kind === "lo" ? lo : hi} = ${int32 ? "" : "("}`]);
      if (!int32) edit(v.writer, [w.effect, w.effect, ") | 0"]);
    }
    for (const { at, access } of v.reads) {
      const { kind } = access;
      if (kind === "f64") edit(at, [access.start, access.end, `f64Of(${lo}, ${hi})`]);
      else if (kind === "f32") {
        if (words.has("lo")) edit(at, [access.start, access.end, `f32Of(${lo})`]);
      } else if (kind !== "other" && words.has(kind)) {
        edit(at, [access.start, access.end, kind === "lo" ? lo : hi]);
      }
    }
  }
  const out = texts.slice();
  for (const [at, list] of edits) {
    list.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
    let text = out[at]!;
    let limit = Infinity;
    for (const [start, end, by] of list) {
      // Never expected (a pattern rewritten whole covers only its own slot's accesses): the
      // caller reports it, and the function stays in the interpreter.
      if (end > limit) throw new Error("overlapping slot rewrites");
      text = text.slice(0, start) + by + text.slice(end);
      limit = start;
    }
    out[at] = text;
  }
  return { texts: out, locals: [...locals] };
}

const LOAD64_ALL = new RegExp(LOAD64.source.slice(1), "g");
const STORE64_ALL = new RegExp(STORE64.source.slice(1), "g");
const CONST64_ALL = new RegExp(CONST64.source.slice(1), "g");

/**
 * `texts` with the f64 slots that may live in number locals for the whole function spelled
 * through the f64 view only, so that the generator caches them (`promotable` in codegen.ts
 * takes a slot reached only through one view). A slot qualifies when every access to it is
 * through the f64 view or one of three word-pair forms, respelled:
 * - an 8-byte load, as `getFloat64`: only where no store reads the slot's words (every read is
 *   arithmetic, which sees the same number either way, see the module doc);
 * - a constant, as its double literal (a NaN only in such a slot: `f64Of` of its words);
 * - an 8-byte store, as `setFloat64`: only where the slot holds nothing but arithmetic results
 *   and non-NaN constants (no load writes it), whose bits a number keeps.
 * Never a parameter (below `paramWords`), a result (below `resultWords`) or a slot a call's
 * results land in or its arguments leave from (from the lowest call base on): those words are
 * written or read by other code as they are. Bounded by one scan of the texts.
 */
export function numberSlots(
  texts: readonly string[],
  isInstruction: readonly boolean[],
  paramWords: number,
  resultWords: number,
): string[] {
  // Most functions have no f64 at all: one scan.
  if (!texts.some((t) => t.includes("f64[(fp + "))) return texts.slice();
  /** Per slot: its word-pair forms seen (`load`, `store`, `const`, `nan`), null if disqualified. */
  const { seen, note } = slotForms(texts, paramWords, resultWords);
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i]!;
    if (!t.includes("(fp + ")) continue;
    if (!isInstruction[i] || t.includes("SLOT_WORDS")) return texts.slice();
    /** Where the word-pair forms are in `t`. */
    const spans: [number, number][] = [];
    for (
      const [re, form] of [[LOAD64_ALL, "load"], [STORE64_ALL, "store"], [
        CONST64_ALL,
        "const",
      ]] as const
    ) {
      for (const m of t.matchAll(re)) {
        spans.push([m.index!, m.index! + m[0].length]);
        const nan = form === "const" && Number.isNaN(f64Of(Number(m[2]), Number(m[3])));
        note(Number(m[1]), nan ? "nan" : form);
      }
    }
    for (const m of t.matchAll(/\(fp \+ (-?\d+)\)/g)) {
      const at = m.index!;
      if (spans.some(([from, to]) => at >= from && at < to)) continue;
      const end = at + m[0].length;
      const f64 = t.startsWith("f64[", at - 4) && t.startsWith(" >> 1]", end) &&
        !/^ (?:[-+*/%&|^]|\*\*|<<|>>>?)=(?!=)/.test(t.slice(end + 6, end + 12));
      note(Number(m[1]), f64 ? "" : null);
    }
  }
  const chosen = new Set<number>();
  for (const [k, forms] of seen) {
    if (forms === null || forms.size === 0) continue;
    if (forms.has("store") && (forms.has("load") || forms.has("nan"))) continue;
    chosen.add(k);
  }
  if (chosen.size === 0) return texts.slice();
  const view = (k: string) => `f64[(fp + ${k}) >> 1]`;
  return texts.map((t) => {
    if (!t.includes("(fp + ")) return t;
    return t
      .replace(
        LOAD64_ALL,
        (whole, k: string) =>
          chosen.has(Number(k)) ? `${view(k)} = mview.getFloat64(ea, true);` : whole,
      )
      .replace(
        STORE64_ALL,
        (whole, k: string) =>
          chosen.has(Number(k)) ? `mview.setFloat64(ea, ${view(k)}, true);` : whole,
      )
      .replace(CONST64_ALL, (whole, k: string, lo: string, hi: string) => {
        if (!chosen.has(Number(k))) return whole;
        const value = f64Of(Number(lo), Number(hi));
        const literal = Number.isNaN(value)
          ? `f64Of(${lo}, ${hi})`
          : Object.is(value, -0)
          ? "-0"
          : `${value}`;
        return `${view(k)} = ${literal};`;
      });
  });
}

/**
 * The lowest word a call reloads from its callee's frame (the `/*reload>=k*\/` marks), Infinity
 * without calls: slots from there on are the callee's to write.
 */
export function reloadBase(texts: readonly string[]): number {
  let base = Infinity;
  for (const t of texts) {
    for (const m of t.matchAll(/\/\*reload>=(\d+)(?::[\d,]*)?\*\//g)) {
      base = Math.min(base, Number(m[1]));
    }
  }
  return base;
}

/**
 * A record of the forms in which each slot is used, for the passes that pick slots to keep in
 * number locals: `note(k, form)` adds `form` to slot `k`'s set (`""`: seen, no form), and `null`
 * (or a slot that is a parameter, a result, from the lowest call base on, or not a slot's first
 * word) disqualifies it for good (its entry becomes null).
 */
export function slotForms(
  texts: readonly string[],
  paramWords: number,
  resultWords: number,
): {
  seen: Map<number, Set<string> | null>;
  note: (k: number, form: string | null) => void;
} {
  const base = reloadBase(texts);
  const seen = new Map<number, Set<string> | null>();
  const note = (k: number, form: string | null) => {
    const forms = seen.get(k);
    if (forms === null) return;
    if (form === null || k < paramWords || k < resultWords || k >= base || k % 4 !== 0) {
      seen.set(k, null);
    } else if (forms === undefined) seen.set(k, new Set(form === "" ? [] : [form]));
    else if (form !== "") forms.add(form);
  };
  return { seen, note };
}
