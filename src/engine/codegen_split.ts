/**
 * Loops of a long generated body moved into JavaScript functions of their own, for the code
 * generator (`codegen.ts`, `generateSource`).
 *
 * ## Why
 * A Wasm function whose loop nest runs for a long time (a C `run` with every kernel inlined into
 * it, `bench/vec_float.c`) becomes one JavaScript function of 30-60 KB of bytecode. V8 optimises
 * such a function late and in pieces: its first call runs the outer loop in OSR code compiled
 * before the code after that loop ever ran, and that code deoptimises ("Insufficient type
 * feedback") at the loop's exit on every later call; then V8 compiles the whole function again
 * (Maglev, then TurboFan: 0.3-0.7 s of compile on a busy 2-core machine) while calls run it in
 * Maglev code, whose `DataView` accesses and `Math.fround`s are calls: `--trace-opt
 * --trace-deopt` on `bench/vec_float.c`, calls 7 and 8 took 1.1-2.3 s against ~100 ms for the
 * others. A loop in a function of its own is a small unit that V8 sees called many times: it is
 * optimised whole, with the feedback of its exit, in a few milliseconds of compile, and the
 * function around it (straight-line code and calls) has little left to optimise.
 *
 * ## How
 * `splitLoops` works on the finished body text. A labelled loop (`L<t>: for (;;) { ... }`) of
 * `minChars` to `maxChars` characters, in a body of at least `minBody`, becomes a call of a
 * function `$loop<t>` declared beside the body (in the factory's scope, so that it sees the
 * runtime's names). Every local of the body the loop names comes in under its own name (the
 * loop's text is unchanged): those holding int32s or numbers through an `Int32Array` (`$xi`) and
 * a `Float64Array` (`$xf`) of the factory's scope, the others (views, objects, flags) as
 * parameters. Read from the arrays, V8 knows their type (a parameter is typed "anything", and
 * the loop phis of `bench/vec_float.c`'s split loops stayed tagged, every f32 lane a heap
 * number: 123 ms per call against 31 ms unsplit), and a number passes without a heap number
 * (`node --cpu-prof`, V8 11: 20% of the time in the collector with parameters); a typed local
 * whose entry value no path of the loop reads (`writtenFirst`) starts at 0 instead. Every local the
 * loop assigns is written, when the loop is left, to a variable `$x_<name>` of the factory's
 * scope and read back after the call (`| 0` of an int32, `+` of a number: its type for V8).
 * A jump out of the loop to a label around it (`break B<u>`, `continue L<u>`, the fuel stop's
 * `break FuelStop`) returns a number, on which the call site takes that jump; a `return` in the
 * loop (a stop, a call's status) leaves its value in `$x_return` for the call site to return.
 * In a metered body whose traps are caught around the whole of it (`caughtFuel`, see
 * `generateSource`), that catch writes the body's fuel count back, which a split loop holds in
 * its own locals: there each `throw` in a split loop writes the count first (as in a body without
 * the catch; a helper that may throw is preceded by that write already), and the call site's own
 * catch tells the body's that the store's count is current (`fuelLive = false`). Outer loops
 * are tried first, so a small loop nest moves whole; a larger one, or one that runs several
 * loops in turn (a driver calling its kernels), is split in its inner loops. A loop in no other
 * loop is split from a smaller size (`SPLIT_SIZES.minTopChars`) than one inside another.
 *
 * Nothing changes what runs: the same statements run in the same order on the same values (a
 * number passes through `$xf` or a `$x_` variable unchanged, a signalling NaN's bits included:
 * tests/engine/codegen_split_test.ts); the value stack, the fuel count and `pc` are the frame's
 * as before. The factory-scope variables are written and
 * read with no call between them, so frames of the same function (recursion) cannot see each
 * other's.
 *
 * @module
 */

/** The sizes (in characters of generated source) from which loops are split. */
export const SPLIT_SIZES = {
  /** A body shorter than this is left whole. */
  minBody: 12_000,
  /**
   * The same for the lean style (`codegen_lean.ts`), where nothing is compiled: what a split
   * buys there is a loop's own feedback vector. Ignition gives each operation of a function a
   * feedback slot in order; past slot 255 its bytecode takes a `Wide` prefix (a dispatch more).
   * `bench/matmul.wat`'s inner loop, late in a 12 KB body, had 30 of its ~55 bytecodes wide
   * (`node --jitless --print-bytecode`). CPU time of `run` under `node --jitless` at scale 0.1,
   * best of 3 runs x 3 alternated processes, against 12,000: matmul 0.85, vec_float_scalar
   * 0.94, the others unsplit; at 1,500, i64 0.96 but exceptions 1.09 (its loops hold `try`).
   */
  leanMinBody: 4_000,
  /** A loop shorter than this stays in its body. */
  minChars: 800,
  /** A loop longer than this is split in its inner loops, if any. */
  maxChars: 100_000,
  /**
   * A loop in no other loop shorter than this stays in its body; from this size on it is split
   * even below `minChars` (it runs once per call, so its function costs one call). Left in the
   * body, such a loop (`bench/vec_bytes.c`'s buffer fills, each 8,192 iterations, 600-900
   * characters) made V8 compile the whole 30 KB body in OSR code during the first call:
   * `--trace-opt` showed a Maglev OSR compile of `wasm` of 76 ms and a TurboFan one of 460 ms
   * (loaded 2-core machine); split, the body is compiled in neither during the first call.
   * CPU time of a process's calls 1-3 (`process.cpuUsage`, `auto`, 3-4 alternated processes per
   * tree): vec_bytes 271-306, 22-45, 27-31 ms -> 277-307, 17-24, 24-32; xxh64 134-165 ->
   * 117-129 ms first; lz, sha512, vec_float, vec_bytes_scalar within the noise.
   */
  minTopChars: 200 as number | undefined,
  /**
   * A split loop with no loop inside it longer than this has its iteration's statements moved
   * into functions of about this size, called in turn (`chunkLoop`); unset: never. Of the
   * workloads only `bench/vec_bytes.c`'s 36 KB blur loop is this long (two chunks and a rest).
   * `deno task bench:warmup --filter vec_bytes --rounds 6 --calls 8 --tree ../main` (CPU ms per
   * process, 6 alternated processes per tree, loaded 2-core machine): `codegen` first call
   * 222-279 against 275-299, warm calls 12.9-20.6 against 12.5-20.3; `auto` first call 270-415
   * against 254-479, warm calls 12.9-13.1 against 13.1-23.0 (the unchunked loop's TurboFan
   * compile was still running during some warm calls). At 8,000 (four chunks) the warm calls
   * were 13.9-14.2 against 12.6-18.2: each chunk call passes ~30 locals through `$xi`.
   */
  chunkChars: 12_000 as number | undefined,
};

/** The result of `splitLoops`: the body, and the declarations to put beside it. */
export interface SplitBody {
  /** The body, each split loop replaced by its call. */
  readonly body: string;
  /** The functions and `$x_` variables, for the factory's scope (empty if nothing was split). */
  readonly declarations: string;
}

/**
 * What a local of the body holds: always an int32 (`i32`), always a number (`number`), or
 * anything (`any`: an object, a boolean, or a number not known to be either).
 */
export type LocalKind = "i32" | "number" | "any";

/** Where a labelled loop's text starts and ends in the body (the end after its `}`). */
interface LoopText {
  readonly label: string;
  readonly start: number;
  readonly end: number;
  /** How many loops it holds directly (not inside another of them). */
  readonly children: number;
}

const LOOP_HEAD = /^(L\d+): for \(;;\) \{$/gm;
const IDENT = /(?<![\w$.])[A-Za-z_$][\w$]*/g;
const JUMP = /\b(break|continue) ([A-Za-z_$][\w$]*);/g;
const RETURN = /\breturn ([^;]*);/g;
const LABEL = /(?<![\w$.])([A-Za-z_$][\w$]*): (?:for|\{)/g;

/**
 * The labelled loops of `body`, in order of their starts (outer loops before inner ones): one
 * pass over the text, matching braces on a stack (string literals skipped), so that finding
 * them stays linear in the body's size however deep the loops nest.
 */
function loopsOf(body: string): LoopText[] {
  const heads = new Map<number, { label: string; start: number; children: number }>();
  for (const m of body.matchAll(LOOP_HEAD)) {
    heads.set(m.index! + m[0].length - 1, { label: m[1]!, start: m.index!, children: 0 });
  }
  const loops: LoopText[] = [];
  /** The open braces, and the loops open around the current position. */
  const open: number[] = [];
  const around: { children: number }[] = [];
  // From one quote or brace to the next (the generator's first run interpreted a loop over
  // every character of the body).
  const scan = /["'`{}]/g;
  for (let m = scan.exec(body); m !== null; m = scan.exec(body)) {
    let i = m.index;
    const c = m[0];
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < body.length && body[i] !== c; i++) if (body[i] === "\\") i++;
      scan.lastIndex = i + 1;
    } else if (c === "{") {
      open.push(i);
      const head = heads.get(i);
      if (head !== undefined) {
        if (around.length > 0) around[around.length - 1]!.children++;
        around.push(head);
      }
    } else if (c === "}") {
      const head = heads.get(open.pop() ?? -1);
      if (head !== undefined) {
        around.pop();
        loops.push({ ...head, end: i + 1 });
      }
    }
  }
  return loops.sort((a, b) => a.start - b.start);
}

/**
 * The fuel text of a metered body in structured code: a checked charge's test and refill
 * (`structuredCharge` in codegen.ts, up to the fuel stop it may take), a charge, a strip-mined
 * loop's limit and inner loop, the write-back of the count ahead of a `throw` or a call and its
 * read after the call (see `loopWeight`).
 */
const FUEL_TEXT = new RegExp(
  [
    String
      .raw`if \(\(fuel \| \$cf\) < \d+\) \{\s*const \$total = fuel \+ store\.fuelReserve;[^]*?break FuelStop;\s*\}\s*\}`,
    String.raw`fuel = \(fuel - \d+\) \| 0;`,
    // A strip-mined loop's limit, inner loop and fast back edge (`stripMine`, codegen_fuel.ts).
    String.raw`\{\s*const \$x = [^;]*;\s*\$lim\d+ = [^;]*;\s*\}`,
    String.raw`F\d+: for \(;;\) \{`,
    String
      .raw`if \((?:\([\w$]+ >>> 0\) < \(\$lim\d+ >>> 0\)|[\w$]+ !== \$lim\d+)\) \{\s*(?:fuel = \(fuel - \d+\) \| 0;)?\s*continue F\d+;\s*\}\s*break F\d+;\s*\}`,
    String.raw`\(fuelLive && \(store\.fuel = fuel\)\), `,
    String.raw`if \(fuelLive === true\) \{\s*store\.fuel = fuel;\s*fuelLive = false;\s*\}`,
    String.raw`fuel = store\.fuel \| 0;\s*fuelLive = true;`,
  ].join("|"),
  "g",
);

/**
 * How long a loop's text is, for `splitLoops`: its length without its fuel text
 * (`FUEL_TEXT`), so that a loop is split or left in its body
 * alike with fuel on and off. Counted in full, fuel moved the short loops of `bench/lz.c`'s
 * match search (640-780 characters off, 1,000-1,400 on) into functions of their own, each entry
 * a call that passes the body's locals through `$xi` and back: CPU per warm call (best of 40,
 * one process each), fuel off 17.7 ms, fuel on 22.6 ms split, 18.6-18.7 ms not.
 */
export function loopWeight(text: string): number {
  let weight = text.length;
  for (const m of text.matchAll(FUEL_TEXT)) weight -= m[0].length;
  return weight;
}

/** The names `text` assigns (`x = ...`, `x += ...`, `x++`). */
function assigned(text: string, names: ReadonlyMap<string, LocalKind>): Set<string> {
  const out = new Set<string>();
  const re = /(?<![\w$.])([A-Za-z_$][\w$]*)\s*(?:(?:[-+*/%&|^]|<<|>>>?|\*\*)?=(?!=)|\+\+|--)/g;
  for (const m of text.matchAll(re)) if (names.has(m[1]!)) out.add(m[1]!);
  for (const m of text.matchAll(/(?:\+\+|--)\s*([A-Za-z_$][\w$]*)/g)) {
    if (names.has(m[1]!)) out.add(m[1]!);
  }
  return out;
}

/**
 * `body` with its long loops moved into functions (see the module doc). `locals`: every name the
 * body's function declares or takes as a parameter (only these are passed). `caughtFuel`: where
 * the body's traps are caught around it, the expression of its fuel count (see the module doc).
 */
export function splitLoops(
  body: string,
  locals: ReadonlyMap<string, LocalKind>,
  caughtFuel: string | null,
  sizes: {
    minBody: number;
    minChars: number;
    maxChars: number;
    minTopChars?: number;
    chunkChars?: number;
  } = SPLIT_SIZES,
): SplitBody {
  if (loopWeight(body) < sizes.minBody) return { body, declarations: "" };
  const functions: string[] = [];
  const scratch: Scratch = { outs: new Set(), words: new Map(), numbers: new Map() };
  const typedNames = new Set([...locals].filter(([, kind]) => kind !== "any").map(([n]) => n));
  /** The loops chosen, outer first; a loop inside a chosen one is not considered. */
  const chosen: { loop: LoopText; call: string }[] = [];
  let coveredTo = -1;
  const loops = loopsOf(body);
  /** Where the outermost loop around the current one ends (a loop starting later is in none). */
  let outerEnd = -1;
  for (const loop of loops) {
    const top = loop.start >= outerEnd;
    if (top) outerEnd = loop.end;
    if (loop.start < coveredTo) continue;
    const length = loopWeight(body.slice(loop.start, loop.end));
    const min = top ? sizes.minTopChars ?? sizes.minChars : sizes.minChars;
    if (length < min || length > sizes.maxChars) continue;
    // A loop running several loops in turn (a driver: each round calls its kernels) is split in
    // those; a kernel's nest (one loop in another) moves whole.
    if (loop.children > 1) continue;
    let text = body.slice(loop.start, loop.end);
    if (sizes.chunkChars !== undefined && loop.children === 0 && length > sizes.chunkChars) {
      text = chunkLoop(text, loop.label, sizes.chunkChars, locals, scratch, caughtFuel, functions);
    }
    // Not out: what the code after the loop overwrites before any read or jump, up to the end
    // of the block around it (`bench/vec_bytes.c`'s kernels' temporaries, which each kernel's
    // loop writes first).
    const dead = writtenFirst(body, typedNames, loop.end, DEAD_SCAN);
    const split = splitOne(loop, text, locals, scratch, caughtFuel, "$exit", dead);
    functions.push(split.fn);
    chosen.push({ loop, call: split.call });
    coveredTo = loop.end;
  }
  if (chosen.length === 0) return { body, declarations: "" };
  let result = "";
  let from = 0;
  for (const { loop, call } of chosen) {
    result += body.slice(from, loop.start) + call;
    from = loop.end;
  }
  result += body.slice(from);
  const vars = [
    ...[...scratch.outs].map((n) => `$x_${n} = 0`),
    ...(scratch.words.size === 0 ? [] : [`$xi = new Int32Array(${scratch.words.size})`]),
    ...(scratch.numbers.size === 0 ? [] : [`$xf = new Float64Array(${scratch.numbers.size})`]),
  ];
  return {
    body: result,
    declarations: `${vars.length === 0 ? "" : `let ${vars.join(", ")};\n`}${
      functions.join("\n")
    }\n`,
  };
}

/**
 * Where split loops pass locals (shared by the loops of one body): int32 locals in `$xi`,
 * numbers in `$xf` (an index per name), the others as parameters, written back (if assigned)
 * through `$x_<name>` (`outs`).
 */
interface Scratch {
  readonly outs: Set<string>;
  readonly words: Map<string, number>;
  readonly numbers: Map<string, number>;
}

/** The scratch element holding local `name` of kind `kind` ("i32" or "number"). */
function elementOf(scratch: Scratch, name: string, kind: LocalKind): string {
  const [map, array] = kind === "i32" ? [scratch.words, "$xi"] : [scratch.numbers, "$xf"];
  let k = map.get(name);
  if (k === undefined) map.set(name, k = map.size);
  return `${array}[${k}]`;
}

/**
 * How far past a split loop or chunk `writtenFirst` reads for what it passes out (characters):
 * `bench/vec_bytes.c`'s kernels and chunks overwrite their temporaries within a few hundred.
 */
const DEAD_SCAN = 16_000;

/** A block opener whose body runs whenever the line is reached: `{`, `X: {`, `L<t>: for (;;) {`. */
const PLAIN_OPEN = /^(?:[A-Za-z_$][\w$]*: )?\{$|^L\d+: for \(;;\) \{$/;

/**
 * The names of `names` whose value on entry to `text` (a loop or a chunk of one, see
 * `splitOne`) no path reads: each one's first appearance in the text is a whole statement
 * `name = <expression without it>;` that every run of the text reaches (only plain blocks and
 * the loop's own `for (;;)`, whose body runs at least once, around it) before any jump (`break`,
 * `continue`, `return`) or anything this reading does not follow (a string literal, braces it
 * cannot pair). Such a name need not be passed in: its function starts it at 0.
 *
 * Read from `from` on, whole lines only up to `from + limit` characters, and no further than
 * every name's first appearance: a body's many split loops each read what follows it, which
 * must not cost the body's length each (the generator is linear in the body, see codegen_test).
 */
export function writtenFirst(
  text: string,
  names: ReadonlySet<string>,
  from = 0,
  limit = Infinity,
): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  /** Per open brace: whether its body runs whenever its line does. */
  const plain: boolean[] = [];
  const stop = Math.min(text.length, from + limit);
  for (let at = from; at < text.length && seen.size < names.size;) {
    let next = text.indexOf("\n", at);
    if (next < 0) next = text.length;
    // (A line cut by the limit is not read.)
    if (next > stop) break;
    const line = text.slice(at, next).trim();
    at = next + 1;
    if (/["'`]|\b(?:break|continue|return)\b/.test(line)) break;
    let rest = line;
    // (The end of a block the text did not open: what runs next is not read here.)
    for (; rest.startsWith("}") && plain.length !== 0; rest = rest.slice(1).trimStart()) {
      plain.pop();
    }
    if (rest.startsWith("}")) break;
    const opens = rest.split("{").length - 1;
    const closes = rest.split("}").length - 1;
    const whole = plain.every((p) => p) && opens === 0 && closes === 0;
    // A line of statements (the reads after a split loop's call: `r4 = $x_r4 | 0; h4 = ...`),
    // each with its parentheses paired, is read statement by statement.
    const parts = whole ? rest.match(/[^;]+;/g) ?? [] : [];
    const paired = (x: string) => x.split("(").length === x.split(")").length;
    const statements = parts.join("") === rest && parts.every(paired)
      ? parts.map((x) => x.trim())
      : [rest];
    for (const statement of statements) {
      const assign = /^([A-Za-z_$][\w$]*) = (?!=)([^;]*);$/.exec(statement);
      for (const m of statement.matchAll(IDENT)) {
        const n = m[0];
        if (!names.has(n) || seen.has(n)) continue;
        seen.add(n);
        if (
          whole && assign !== null && m.index === 0 && assign[1] === n &&
          ![...assign[2]!.matchAll(IDENT)].some((x) => x[0] === n)
        ) out.add(n);
      }
    }
    if (opens === closes) continue;
    if (opens !== closes + 1 || !rest.endsWith("{")) break;
    plain.push(PLAIN_OPEN.test(rest));
  }
  return out;
}

/** One loop as a function (`fn`) and the statements that call it (`call`). */
function splitOne(
  loop: LoopText,
  text: string,
  locals: ReadonlyMap<string, LocalKind>,
  scratch: Scratch,
  caughtFuel: string | null,
  exitVar = "$exit",
  dead: ReadonlySet<string> = new Set(),
): { fn: string; call: string } {
  const thrown = caughtFuel === null
    ? text
    : text.replace(/\bthrow (?!\()/g, `throw (fuelLive && (store.fuel = ${caughtFuel})), `);
  const used = new Set<string>();
  for (const m of thrown.matchAll(IDENT)) if (locals.has(m[0])) used.add(m[0]);
  const names = [...used].sort();
  const outs = assigned(text, locals);
  const params = names.filter((n) => locals.get(n) === "any");
  const typed = names.filter((n) => locals.get(n) !== "any");
  const at = (n: string) => elementOf(scratch, n, locals.get(n)!);
  // Jumps to labels the loop does not define leave it: each returns its own number.
  const own = new Set<string>();
  for (const m of text.matchAll(LABEL)) own.add(m[1]!);
  const exits: string[] = [];
  const exit = (jump: string) => {
    const k = exits.indexOf(jump);
    return k < 0 ? exits.push(jump) : k + 1;
  };
  const inner = thrown.replace(
    JUMP,
    (all, _kind: string, label: string) =>
      own.has(label) ? all : `{ $exit = ${exit(all)}; break $out; }`,
  ).replace(
    RETURN,
    (_, value: string) =>
      `{ $x_return = ${value}; $exit = ${exit("return $x_return;")}; break $out; }`,
  );
  if (exits.includes("return $x_return;")) scratch.outs.add("return");
  for (const n of names) if (outs.has(n)) scratch.outs.add(n);
  const lines = (xs: string[]) => xs.length === 0 ? "" : `${xs.join(" ")}\n`;
  // In: the caller writes the typed locals, the function reads them; out: the other way. Not
  // in: those whose entry value nothing reads (`writtenFirst`), started at 0 (each chunk of
  // `bench/vec_bytes.c`'s blur loop took 26 names in, on every iteration, of which 2 were read).
  const fresh = writtenFirst(text, new Set(typed));
  const send = lines(typed.filter((n) => !fresh.has(n)).map((n) => `${at(n)} = ${n};`));
  const receive = typed.length === 0
    ? ""
    : `let ${typed.map((n) => `${n} = ${fresh.has(n) ? "0" : at(n)}`).join(", ")};\n`;
  // Out through the factory's variables, whose stores need no type feedback: V8 compiles a
  // split loop on its first call, in OSR code, before its exit has run, and stores into the
  // scratch arrays there deoptimised it on every later call ("Insufficient type feedback for
  // generic keyed access", `--trace-deopt`, `bench/vec_bytes.c` under `auto`). Read back typed.
  // Not out: what the code after the call overwrites unread (`dead`; only without exits, after
  // which other code runs).
  const passed = names.filter((n) => outs.has(n) && (exits.length !== 0 || !dead.has(n)));
  const write = lines(passed.map((n) => `$x_${n} = ${n};`));
  const read = lines(
    passed.map((n) => {
      const kind = locals.get(n);
      return `${n} = ${
        kind === "i32" ? `$x_${n} | 0` : kind === "number" ? `+$x_${n}` : `$x_${n}`
      };`;
    }),
  );
  const name = `$loop${loop.label.slice(1)}`;
  const fn = exits.length === 0
    ? `function ${name}(${params.join(", ")}) {\n${receive}${inner}\n${write}}`
    : `function ${name}(${
      params.join(", ")
    }) {\n${receive}let $exit = 0;\n$out: {\n${inner}\n}\n${write}return $exit;\n}`;
  const args = params.join(", ");
  const invoke = (js: string) =>
    caughtFuel === null ? js : `try {\n${js}\n} catch (e) {\nfuelLive = false;\nthrow e;\n}`;
  const call = exits.length === 0
    ? `${send}${invoke(`${name}(${args});`)}\n${read}`
    : `{\n${send}let ${exitVar} = 0;\n${
      invoke(`${exitVar} = ${name}(${args});`)
    }\n${read}switch (${exitVar}) {\n${
      exits.map((jump, k) => `case ${k + 1}: ${jump}`).join("\n")
    }\n}\n}`;
  return { fn, call };
}

/**
 * Where the statements of the block whose text runs from `from` to `to` (inside its braces)
 * start and end: at depth 0 of braces, brackets and parentheses, after a `;`, or after a `}`
 * not followed by `else`, `catch` or `finally` (string literals skipped).
 */
function statementsOf(text: string, from: number, to: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let depth = 0;
  let start = -1;
  for (let i = from; i < to; i++) {
    const c = text[i]!;
    if (start < 0) {
      if (/\s/.test(c)) continue;
      start = i;
    }
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < to && text[i] !== c; i++) if (text[i] === "\\") i++;
    } else if (c === "{" || c === "(" || c === "[") {
      depth++;
    } else if (c === "}" || c === ")" || c === "]") {
      depth--;
      if (
        depth === 0 && c === "}" && !/^\s*(?:else|catch|finally)\b/.test(text.slice(i + 1, i + 40))
      ) {
        out.push({ start, end: i + 1 });
        start = -1;
      }
    } else if (c === ";" && depth === 0) {
      out.push({ start, end: i + 1 });
      start = -1;
    }
  }
  return out;
}

/** A fuel strip-mined loop's head (`stripMine`, codegen_fuel.ts): its body is chunked instead. */
const STRIP_HEAD = /^F\d+: for \(;;\) \{/;

/**
 * The text of a split loop with no loop inside it (`loop`, labelled `label`) whose iteration is
 * long straight-line code, with runs of its statements of about `chunkChars` (by `loopWeight`,
 * so that fuel on and off cut alike) each moved into a function of its own (`splitOne`, as a
 * labelled block `S<t>_<k>`), pushed to `functions`, and called in their place.
 *
 * Why: V8 compiles such a loop's function twice during the first call, in OSR code when the long
 * first run of the loop gets hot, then whole when it is called again (`--trace-opt` on
 * `bench/vec_bytes.c` under `auto`: 36 KB `$loop361`, Maglev OSR 112 ms, Maglev 119 ms, then
 * TurboFan 101 ms, CPU of a 2-core machine); the chunks are called on every iteration and
 * compiled once each, whole, and the loop around them is small.
 *
 * A run of statements is never cut between a declaration (`const ea = ...` of a memory access)
 * and its last use, nor inside a statement (an `if`/`else`, a block). The loop of a
 * metered body is strip-mined (a `F<t>` loop inside it): its inner loop's body is chunked.
 */
function chunkLoop(
  loop: string,
  label: string,
  chunkChars: number,
  locals: ReadonlyMap<string, LocalKind>,
  scratch: Scratch,
  caughtFuel: string | null,
  functions: string[],
): string {
  let from = loop.indexOf("{") + 1;
  let to = loop.lastIndexOf("}");
  let statements = statementsOf(loop, from, to);
  // Metered: the iteration is the strip-mined loop's, the one long statement of the loop.
  const strip = statements.find((st) => STRIP_HEAD.test(loop.slice(st.start, st.end)));
  if (strip !== undefined) {
    from = loop.indexOf("{", strip.start) + 1;
    to = strip.end - 1;
    statements = statementsOf(loop, from, to);
  }
  // A declaration and the statements up to its last use stay together (`tied[k]`: no cut after k).
  const texts = statements.map((st) => loop.slice(st.start, st.end));
  const tied = texts.map(() => false);
  // One pass (a loop of thousands of statements must not cost their square): each name
  // declared at the top level maps to its declaration; a use extends that declaration's reach.
  const declaredAt = new Map<string, number>();
  const reach = texts.map((_, k) => k);
  texts.forEach((text, k) => {
    for (const m of text.matchAll(IDENT)) {
      const d = declaredAt.get(m[0]);
      if (d !== undefined) reach[d] = k;
    }
    if (!/^(?:const|let|var)\s/.test(text)) return;
    // A destructuring declaration ties the rest of the iteration (its names are not read here).
    if (/^(?:const|let|var)\s*[{[]/.test(text)) reach[k] = texts.length - 1;
    const names = text.matchAll(
      /(?:^(?:const|let|var)\s+|,\s*)([A-Za-z_$][\w$]*)\s*(?:=(?!=)|,|;)/g,
    );
    for (const m of names) declaredAt.set(m[1]!, k);
  });
  let open = -1;
  reach.forEach((last, k) => {
    open = Math.max(open, last);
    tied[k] = k < open;
  });
  /** The runs to move: [first statement, last statement] indices. */
  const runs: [number, number][] = [];
  let first = 0;
  let weight = 0;
  for (let k = 0; k < statements.length; k++) {
    weight += loopWeight(texts[k]!);
    if (weight >= chunkChars && !tied[k]) {
      runs.push([first, k]);
      first = k + 1;
      weight = 0;
    }
  }
  if (runs.length === 0) return loop;
  // Last chunk first: what a chunk writes that the rest of the iteration (later chunks' calls
  // as they are spelled) writes before any read or jump is not passed out (`dead`).
  const typedNames = new Set([...locals].filter(([, kind]) => kind !== "any").map(([n]) => n));
  const fns: string[] = [];
  /** The text after the chunk at hand, in pieces, the nearest last. */
  const after = [loop.slice(statements[runs.at(-1)![1]]!.end, to)];
  /** Its first `DEAD_SCAN` characters or more (see `writtenFirst`). */
  const head = () => {
    let text = "";
    for (let i = after.length - 1; i >= 0 && text.length <= DEAD_SCAN; i--) text += after[i];
    return text;
  };
  for (let k = runs.length - 1; k >= 0; k--) {
    const [a, b] = runs[k]!;
    const start = statements[a]!.start;
    const end = statements[b]!.end;
    const chunkLabel = `S${label.slice(1)}_${k}`;
    const text = `${chunkLabel}: {\n${loop.slice(start, end)}\n}`;
    const split = splitOne(
      { label: chunkLabel, start: 0, end: text.length, children: 0 },
      text,
      locals,
      scratch,
      caughtFuel,
      "$chunkExit",
      writtenFirst(head(), typedNames, 0, DEAD_SCAN),
    );
    fns.push(split.fn);
    after.push(split.call, loop.slice(k === 0 ? from : statements[runs[k - 1]![1]]!.end, start));
  }
  functions.push(...fns.reverse());
  return loop.slice(0, from) + after.reverse().join("") + loop.slice(to);
}
