/**
 * Block temporaries of the lean spelling (`codegen_lean.ts`) hoisted to their function's top.
 *
 * Ignition gives every block-scoped `const` and `let` a register of its own for the whole
 * function (sibling blocks do not share them), and puts its expression temporaries above all of
 * them. A register past r122 or so no longer fits a one-byte operand: every bytecode naming it
 * takes a `Wide` prefix, a second dispatch. The lowerings declare a few temporaries per
 * instruction (`const ea`, `const $ix`, `let $l, $t`), so a body with many memory accesses ran
 * most of its bytecodes wide: `bench/vec_float.wasm`'s `direct` had 213 registers, its
 * temporaries in r206-r212, and 2,004 `Star.Wide` (`node --jitless --print-bytecode`).
 * Declared once at the top, each name is one register, and the temporaries fit a byte again.
 *
 * @module
 */

/** A declaration statement (`const a = x, b = y;`, `let $l, $t;`) inside a block. */
interface Declaration {
  /** Where the statement starts (its `const` or `let`) and where its `;` is. */
  start: number;
  end: number;
  /** Its declarators in order: a name, and the initializer's text or null. */
  items: { name: string; init: string | null }[];
  /** The block it is in: the index of its `{` and, once scanned, of its `}`. */
  block: { open: number; close: number };
}

const IDENT_START = /[A-Za-z_$]/;
const IDENT = /[\w$]/;
/**
 * The tokens `hoistedIn` reads: braces, names, numbers (skipped whole: `1e5`), arrows, and
 * strings and comments (skipped whole; a lone quote or `/*` is one left open).
 */
const TOKEN =
  /[{}]|[A-Za-z_$][\w$]*|\d[\w.]*|=>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|\/\/[^\n]*|\/\*[^]*?\*\/|["'`]|\/\*/g;

/**
 * `js` (the lean body, from its first function on) with each function's block temporaries
 * declared once at the function's top and assigned where they were declared. A name is hoisted
 * only where that keeps every read reading the same value: the function has no closures (a
 * closure made in a loop would share the one binding), the name is declared in blocks none of
 * which holds another (so no two of its bindings live at once), nothing outside those blocks
 * or before the declaration names it, and it is neither a parameter, nor declared at the
 * function's top, in a `for` head or a `catch`. A declaration without an initializer is
 * dropped only where the name's next mention is its assignment, on a straight path (no branch
 * between them): then no read can see the value an earlier pass through the block left.
 */
export function withBlockTemporariesHoisted(js: string): string {
  const head = /^(?:var (?:direct|wasm) = |return )function (?:direct|wasm)\(([^)]*)\) \{\n/gm;
  let out = "";
  let from = 0;
  for (const m of js.matchAll(head)) {
    const open = m.index! + m[0].length - 2;
    if (open < from) continue;
    const close = closingBrace(js, open);
    if (close < 0) continue;
    const params = m[1]!.split(",").map((p) => p.trim());
    out += js.slice(from, open + 2) + hoistedIn(js.slice(open + 2, close), params);
    from = close;
  }
  return out + js.slice(from);
}

/** The index of the `}` closing the `{` at `open`, skipping strings and comments, or -1. */
export function closingBrace(js: string, open: number): number {
  let depth = 0;
  for (let i = open; i < js.length; i++) {
    const c = js[i]!;
    if (c === "{") depth++;
    else if (c === "}") {
      if (--depth === 0) return i;
    } else {
      const skip = skipQuoted(js, i);
      if (skip < 0) return -1;
      i = skip;
    }
  }
  return -1;
}

/**
 * Where a string or comment starting at `i` ends (its last character), `i` if none starts
 * there, -1 if it never ends.
 */
function skipQuoted(js: string, i: number): number {
  const c = js[i];
  if (c === '"' || c === "'" || c === "`") {
    for (let j = i + 1; j < js.length; j++) {
      if (js[j] === "\\") j++;
      else if (js[j] === c) return j;
    }
    return -1;
  }
  if (c === "/" && js[i + 1] === "/") {
    const j = js.indexOf("\n", i);
    return j < 0 ? js.length - 1 : j - 1;
  }
  if (c === "/" && js[i + 1] === "*") {
    const j = js.indexOf("*/", i + 2);
    return j < 0 ? -1 : j + 1;
  }
  return i;
}

/** Whether `at` begins a statement: only white space back to a `;`, `{`, `}` or `:`. */
function atStatement(body: string, at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    const c = body[i]!;
    if (c === " " || c === "\n" || c === "\t") continue;
    return c === ";" || c === "{" || c === "}" || c === ":";
  }
  return true;
}

/** The text from `at` to the `;` ending the statement (at bracket depth 0), or -1. */
function statementEnd(body: string, at: number): number {
  let depth = 0;
  for (let i = at; i < body.length; i++) {
    const c = body[i]!;
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      if (--depth < 0) return -1;
    } else if (c === ";" && depth === 0) return i;
    else {
      const skip = skipQuoted(body, i);
      if (skip < 0) return -1;
      i = skip;
    }
  }
  return -1;
}

/** `text` split at its commas outside brackets. */
function topLevelCommas(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts.map((p) => p.trim());
}

/** The body of one function (between its braces) with its block temporaries hoisted. */
function hoistedIn(body: string, params: readonly string[]): string {
  const excluded = new Set(params);
  const declarations: Declaration[] = [];
  /** Each name's mentions (outside strings and comments, not after a `.`). */
  const mentions = new Map<string, number[]>();
  const blocks: { open: number; close: number }[] = [];
  // One match per token that matters (a regex scan: a loop testing each character took this
  // pass 12 ms of `bench/vec_bytes.wasm`'s compile under `--jitless`).
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(body); m !== null; m = TOKEN.exec(body)) {
    const t = m[0];
    const i = m.index;
    const j = i + t.length;
    if (t === "{") blocks.push({ open: i, close: -1 });
    else if (t === "}") {
      const block = blocks.pop();
      if (block === undefined) return body;
      block.close = i;
    } else if (t === "=>" || t === "function") return body; // a closure: leave it all
    else if (t === "'" || t === '"' || t === "`" || t === "/*") return body; // unterminated
    else if (!IDENT_START.test(t[0]!) || IDENT.test(body[i - 1] ?? "")) continue;
    else if (t === "catch" || t === "for") {
      const name = /^ \((?:(?:let|const|var) )?([\w$]+)/.exec(body.slice(j, j + 80));
      if (name !== null) excluded.add(name[1]!);
    } else if ((t === "const" || t === "let") && atStatement(body, i)) {
      const end = statementEnd(body, j);
      const items = end < 0 ? null : topLevelCommas(body.slice(j, end)).map((d) => {
        const item = /^([\w$]+)(?: = ([^]*))?$/.exec(d);
        return item === null ? null : { name: item[1]!, init: item[2] ?? null };
      });
      if (items === null || items.some((item) => item === null)) return body;
      const named = items as { name: string; init: string | null }[];
      const block = blocks[blocks.length - 1];
      if (block === undefined) { // the function's own top: never hoisted
        for (const item of named) excluded.add(item.name);
      } else declarations.push({ start: i, end, items: named, block });
    } else if (body[i - 1] !== ".") {
      let list = mentions.get(t);
      if (list === undefined) mentions.set(t, list = []);
      list.push(i);
    }
  }
  if (blocks.length > 0) return body;
  const byName = new Map<string, Declaration[]>();
  for (const d of declarations) {
    for (const item of d.items) {
      const list = byName.get(item.name) ?? [];
      if (list[list.length - 1] !== d) list.push(d);
      byName.set(item.name, list);
    }
  }
  const hoisted = new Set<string>();
  for (const [name, decls] of byName) {
    if (!excluded.has(name) && keepsReads(body, name, decls, mentions.get(name) ?? [])) {
      hoisted.add(name);
    }
  }
  if (hoisted.size === 0) return body;
  // `var`, not `let`: a `var` starts as the frame's register does (undefined), where a `let`
  // without a value costs two bytecodes per call (`LdaUndefined`, `Star`).
  let out = `var ${[...hoisted].join(", ")};\n`;
  let from = 0;
  for (const d of declarations) {
    if (!d.items.some((item) => hoisted.has(item.name))) continue;
    const keyword = body.slice(d.start, d.start + 5) === "const" ? "const" : "let";
    const statements = d.items.flatMap((item) =>
      !hoisted.has(item.name)
        ? [`${keyword} ${item.name}${item.init === null ? "" : ` = ${item.init}`};`]
        : item.init === null
        ? []
        : [`${item.name} = ${item.init};`]
    );
    out += body.slice(from, d.start) + statements.join(" ");
    // A declaration dropped whole takes its line with it.
    from = statements.length === 0 && body[d.end + 1] === "\n" ? d.end + 2 : d.end + 1;
  }
  return out + body.slice(from);
}

/**
 * Whether every mention of `name` reads, once hoisted, what it read before: its declaring
 * blocks hold no other of them, each mention is in one of them after its declaration, and a
 * declaration without an initializer is followed, on a straight path, by an assignment.
 */
function keepsReads(
  body: string,
  name: string,
  decls: readonly Declaration[],
  mentions: readonly number[],
): boolean {
  const sorted = [...decls].sort((a, b) => a.block.open - b.block.open);
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k]!.block.open <= sorted[k - 1]!.block.close) return false;
  }
  for (const at of mentions) {
    // The declaring block holding `at`: the last one opening before it (blocks are apart).
    let lo = 0, hi = sorted.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.block.open < at) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return false;
    const d = sorted[found]!;
    if (at > d.block.close || at < d.start) return false;
  }
  for (const d of sorted) {
    if (d.items.some((item) => item.name === name && item.init === null)) {
      // The first mention after the declaration (mentions are in text order).
      let lo = 0, hi = mentions.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (mentions[mid]! <= d.end) lo = mid + 1;
        else hi = mid;
      }
      const first = mentions[lo];
      if (first === undefined || first > d.block.close) continue; // nothing reads it
      if (!/^ = (?!=)/.test(body.slice(first + name.length, first + name.length + 4))) {
        return false;
      }
      if (/[?{}]|&&|\|\||\b(?:if|while|for|case|do)\b/.test(body.slice(d.end + 1, first))) {
        return false;
      }
    }
  }
  return true;
}
