/**
 * The engine's internal instruction set, declared once as data: one row per instruction, with its
 * operand shape and what it does. `scripts/gen_executor.ts` (`deno task gen`) turns the rows
 * into the executor's `switch` (`executor.ts`, generated: edit the rows, not that file); a
 * code-generation tier reads the same rows, spelling their templates its own way (`expandRun`).
 *
 * Code is an `Int32Array`: an opcode followed by its operands. Instructions are register (slot)
 * shaped and named after their operands: `I32Add d a b` reads slots `a` and `b` and writes slot
 * `d`; `I32AddImm d a imm` takes its right operand inline; `BrIfI32LtS a b target` fuses a
 * compare with a branch. Every value-producing instruction has its destination slot as its
 * first operand (the translator relies on this to retarget a result into a local); an
 * instruction with several results writes them to consecutive slots from there.
 *
 * Operand shapes, one character per operand:
 * - `r` a slot: a word offset from the frame base (a multiple of 4, `SLOT_WORDS`), so the
 *   executor reads `s32[fp + r]`;
 * - `i` an i32 immediate; `w` an i64 immediate as two words, low then high;
 * - `o` a memory offset (a u32 stored as int32);
 * - `x` an index (function, type, global, table, element or data segment);
 * - `t` a branch target: an absolute index into the code;
 * - `T` a jump table: a count `n`, then `n + 1` targets (the last is the default);
 * - `v` a SIMD sub-opcode (`0xFD n` → `n`), which the generic `V128*` instructions pass on to
 *   `simd.ts` / `simd_mem.ts`, so that the less common v128 operations take only a few cases of
 *   the executor's `switch` (the common ones have rows of their own).
 *
 * A row's `run` is a template of JavaScript statements over the executor's state (`s32`, `f32`,
 * `f64` views of the value stack, `fp`, `pc`, `code`, `mview`, `memLen`, `globals`, `inst`,
 * `store`, ...) with placeholders:
 * - `$1`, `$2`, ... the instruction's operands in shape order: for `r` the slot's word index
 *   (`fp + r`), otherwise the immediate; for `w` `$n` is the low word and `$n.hi` the high one;
 * - `$next` the pc of the next instruction;
 * - `#Name` the opcode of instruction `Name`.
 * Plain rows (`op`) fall through to the next instruction; `branch` rows jump when their condition
 * holds; `jump` rows set `pc` themselves (or return).
 *
 * The opcode of an instruction is its index in `ISA` (row order). The executor's `case` labels
 * are those numbers as literals (V8 builds a jump table only for literal labels); they are
 * regenerated with the table, so rows may be added or reordered freely.
 *
 * @module
 */

/** One instruction's declaration. */
export interface InstrDef {
  /** Its name, e.g. `I32AddImm`. */
  readonly name: string;
  /** Its operand shape (see the module doc). */
  readonly shape: string;
  /** What it does: a statement template (see the module doc), or null with `caseOf`. */
  readonly run: string | null;
  /** Whether `run` sets `pc` itself; otherwise execution continues after the instruction. */
  readonly jumps: boolean;
  /** An instruction whose `run` handles this one too (it tests `code[pc]`), or null. */
  readonly caseOf: string | null;
  /** Conditional branches: the branch on the negated condition, or null. */
  readonly negation: string | null;
}

type Row = Omit<InstrDef, "name">;

/** `run` without its surrounding blank lines and common indentation. */
function dedent(run: string): string {
  const lines = run.replace(/^\n+|\s+$/g, "").split("\n");
  const indent = Math.min(
    ...lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)![0].length),
  );
  return lines.map((l) => l.slice(indent)).join("\n");
}

/** An instruction that continues with the next one. */
function op(shape: string, run: string): Row {
  return { shape, run: dedent(run), jumps: false, caseOf: null, negation: null };
}

/** An instruction that sets `pc` itself. */
function jump(shape: string, run: string): Row {
  return { shape, run: dedent(run), jumps: true, caseOf: null, negation: null };
}

/**
 * A conditional branch to its last operand when `cond` holds (after the statements `prelude`);
 * `negation` is the branch on the opposite condition (the translator inverts branches with it).
 */
function branch(shape: string, negation: string, cond: string, prelude = ""): Row {
  const run = `${prelude}pc = ${cond} ? $${shape.length} : $next;`;
  return { shape, run, jumps: true, caseOf: null, negation };
}

/**
 * The check that an access of `bytes` bytes at `ea` ends past memory. Spelled `ea > memLen - k`,
 * not `ea + k > memLen`: `ea` (u32 + u32) may exceed 2^31 and is a float in V8, so the old form
 * did a float add before the compare, while `memLen - k` stays a small integer (also negative
 * when memory is smaller than the access, which still traps for every `ea >= 0`). Interpreter,
 * minimum CPU of 4 alternated processes each (scale 0.5, see the commit): bytesum -5%, sieve -2%
 * to -4%, lz -1%, matmul, hashtab and sha512 unchanged; `run` 50 bytes smaller. The same rewrite
 * as `jitBounds` in codegen.ts. A byte access checks `ea >= memLen` (no subtraction): against
 * `ea > memLen - 1`, 6 alternated processes each, bytesum -1.7%, sieve -1.3%, lz -1%. Keeping
 * `memLen - 2/4/8` in locals of `run` (set wherever `memLen` is) measured within noise (lz -6%,
 * matmul, sieve, bytesum +-1%) and grew `run` by an assignment per site.
 */
function outOfBounds(bytes: number): string {
  const past = bytes === 1 ? "ea >= memLen" : `ea > memLen - ${bytes}`;
  return `if (${past}) throw trap(TrapCode.MemoryOutOfBounds);`;
}

/**
 * The effective address `ea` of an access of `bytes` bytes at the address in slot `addr` plus the
 * offset `offset`, trapping when it is out of bounds.
 */
function address(addr: string, offset: string, bytes: number): string {
  return `const ea = (s32[${addr}] >>> 0) + (${offset} >>> 0);
${outOfBounds(bytes)}
`;
}

/** A load `d addr offset` of `bytes` bytes: `run` writes slot `$1` from `ea`. */
function load(bytes: number, run: string): Row {
  return op("rro", address("$2", "$3", bytes) + dedent(run));
}

/**
 * A load `d base imm offset` of `bytes` bytes from `(base + imm) mod 2^32 + offset`: an
 * `I32AddImm` of the address fused into the load (the sum wraps as `i32.add` does, so it cannot
 * be folded into the offset). `run` is the plain load's.
 */
function loadAddImm(bytes: number, run: string): Row {
  return op(
    "rrio",
    `const ea = ((s32[$2] + $3) >>> 0) + ($4 >>> 0);
${outOfBounds(bytes)}
` + dedent(run),
  );
}

/** A store `addr offset value` of `bytes` bytes: `run` writes the value at `ea`. */
function store(shape: string, bytes: number, run: string): Row {
  return op(shape, address("$1", "$2", bytes) + dedent(run));
}

/**
 * A store `base imm offset value` of `bytes` bytes to `(base + imm) mod 2^32 + offset`: the
 * `I32AddImm` of the address fused in, as `loadAddImm`. `run` is the plain store's, the value
 * in `$4`.
 */
function storeAt(bytes: number, run: string): Row {
  return op(
    "rior",
    `const ea = ((s32[$1] + $2) >>> 0) + ($3 >>> 0);
${outOfBounds(bytes)}
` + dedent(run),
  );
}

/** An i64 load's `run`: the i32 `value` sign-extended into slot `$1`. */
function i64Signed(value: string): string {
  return `const d = $1;\nconst v = ${value};\ns32[d] = v;\ns32[d + 1] = v >> 31;`;
}

/** An i64 load's `run`: the u32 `value` zero-extended into slot `$1`. */
function i64Unsigned(value: string): string {
  return `const d = $1;\ns32[d] = ${value};\ns32[d + 1] = 0;`;
}

/**
 * A bulk memory or table operation: `call` returns false when fuel metering could not pay for
 * it, and the instruction then stops for fuel (or runs again once refilled from the reserve).
 */
function bulk(shape: string, call: string): Row {
  return op(
    shape,
    `if (!${call}) {
  ${at(2, STOP_OR_RETRY)}
}`,
  );
}

/**
 * `I32AddImmBrIf<Cmp> x y imm b target`: writes `x = y + imm`, then branches when `x <cmp> b`
 * (`cmp` a template over `s32[x]` and `%b`; `b` a slot, or an immediate with `imm`).
 */
function addImmBranch(cmp: string, negation: string, immediate: boolean): Row {
  return branch(
    immediate ? "rriit" : "rrirt",
    negation,
    cmp.replaceAll("%b", immediate ? "$4" : "s32[$4]"),
    "const x = $1;\ns32[x] = (s32[$2] + $3) | 0;\n",
  );
}

const LT_U = "(s32[x] >>> 0) < (%b >>> 0)";
const GE_U = "(s32[x] >>> 0) >= (%b >>> 0)";
const LE_U = "(s32[x] >>> 0) <= (%b >>> 0)";
const GT_U = "(s32[x] >>> 0) > (%b >>> 0)";

/** An instruction executed by the `run` of instruction `owner` (which tests `code[pc]`). */
function sameCase(shape: string, owner: string): Row {
  return { shape, run: null, jumps: true, caseOf: owner, negation: null };
}

/** `text` placed at an indentation of `n` spaces: its later lines indented to match. */
function at(n: number, text: string): string {
  return text.replaceAll("\n", "\n" + " ".repeat(n));
}

/** After a call that may have grown memory 0: re-reads its view if it was replaced. */
const REFRESH_VIEW = `if (mem !== null && mview !== mem.view) {
  mview = mem.view;
  memLen = mview.byteLength;
}`;

/**
 * Loads the running instance's state from `entity`'s instance when it is another one; with
 * `refresh` (returning to a frame, which a callee may have grown memory under), re-reads the
 * view otherwise. Entering a callee needs no refresh.
 */
function switchInstance(entity: string, refresh: boolean): string {
  const other = `if (${entity}.instance !== inst) {
  inst = ${entity}.instance;
  globals = inst.globals;
  mem = inst.memories[0] ?? null;
  mview = mem !== null ? mem.view : EMPTY_VIEW;
  memLen = mview.byteLength;
}`;
  return refresh ? `${other} else ${REFRESH_VIEW}` : other;
}

/** Grows the value stack when a frame ending at word `top` does not fit. */
function ensureValues(top: string): string {
  return `if (${top} > s32.length) {
  st.growValues(${top});
  s32 = st.s32;
  f32 = st.f32;
  f64 = st.f64;
}`;
}

/** What an operation that could not pay its fuel does: stop, or retry once refilled. */
const STOP_OR_RETRY = `if (outOfFuel(store, st, bulkFuel!.required)) return stopAt(st, depth, pc);
break; // refilled: run it again`;

/**
 * After an exception was caught (`throwException` moved the stack to the handler's frame and
 * set its pc to the landing pad): reload the state of that frame.
 */
const RESUME_AT_HANDLER = `depth = st.depth;
fp = frames[2 * depth];
pc = frames[2 * depth + 1];
const handler = funcs[depth];
code = handler.compiled!.code;
${switchInstance("handler", true)}`;

/**
 * Leaves the frame `depth` (which is not the base frame) for its caller: restores the caller's
 * frame base, pc, code and, if it differs, instance state.
 */
const POP_FRAME = (dedent(`
  st.depth = --depth;
  fp = frames[2 * depth];
  pc = frames[2 * depth + 1];
  const caller = funcs[depth];
  code = caller.compiled!.code;
`) + switchInstance("caller", true)).replaceAll("\n", "\n    ");

/**
 * `POP_FRAME` for `Return`, whose base frame leaves after the pop's first line: by the decrement
 * and store every return runs, which have type feedback from the first call on. Spelled on its
 * own (`st.depth = depth - 1` before the pop), the first call's end deoptimised `run`'s
 * optimised code ("Insufficient type feedback for binary operation", `--trace-deopt`).
 */
const RETURN_POP = POP_FRAME.replace(
  "\n",
  `
    if (depth < baseDepth) {
      store.fuel = fuel;
      return DONE;
    }
    `,
);

/**
 * A tail call (`return_call`, `return_call_indirect`): the callee replaces the calling frame,
 * at the same frame base, so a chain of tail calls runs in constant stack (values and frames).
 * The arguments move from their stack slots (`base`) to the frame's first slots.
 *
 * A host callee is called as the caller's caller would have called it: the frame is left first,
 * then the host function writes its results where the frame's results go. If it throws, a
 * resumable call stops in the frame below (resuming with the host results continues there);
 * with no frame left (the tail call was in the function the embedder called), nothing is left
 * to resume and its error ends the call (`Engine.resumeCall`), as in wasmi.
 */
const TAIL_CALL = `
    let callee: FuncEntity;
    let base: number;
    if (code[pc] === #ReturnCall) {
      callee = inst.funcs[$1];
      base = $2;
    } else if (code[pc] === #ReturnCallRef) {
      callee = refCallee(store, s32[(fp + code[(pc + 1) | 0]) | 0]);
      base = (fp + code[(pc + 2) | 0]) | 0;
    } else {
      callee = indirectCallee(
        store,
        inst,
        code[(pc + 1) | 0],
        code[(pc + 2) | 0],
        s32[(fp + code[(pc + 3) | 0]) | 0],
      );
      base = (fp + code[(pc + 4) | 0]) | 0;
    }
    // The arguments move down (base > fp), so a forward copy never overwrites one unread.
    if (callee.isHost) {
      for (let i = 0, n = callee.type.params.length * SLOT_WORDS; i < n; i++) {
        s32[fp + i] = s32[base + i];
      }
      const from = inst;
      const at = fp;
      if (depth === baseDepth) {
        st.depth = depth - 1;
        // No frame of this run is left to catch a Wasm exception: callHost throws it on.
        store.fuel = fuel;
        fuel = -1;
        return callHost(callee, from, st, at, store, baseDepth) === undefined ? DONE : HOST_AWAIT;
      }
      ${POP_FRAME}
      store.fuel = fuel;
      fuel = -1;
      const pending = callHost(callee, from, st, at, store, baseDepth);
      fuel = store.fuel;
      if (pending !== undefined) {
        if (pending !== null) return HOST_AWAIT;
        // The host function threw a Wasm exception, which a handler of the caller caught.
        ${RESUME_AT_HANDLER.replaceAll("\n", "\n        ")}
        break;
      }
      ${at(6, REFRESH_VIEW)}
      break;
    }
    const cf = callee.compiled ?? compiler.compile(callee);
    ${at(4, ensureValues("fp + cf.frameWords"))}
    for (let i = 0, n = cf.paramWords; i < n; i++) s32[fp + i] = s32[base + i];
    for (let i = fp + cf.paramWords, end = fp + cf.localWords; i < end; i++) s32[i] = 0;
    funcs[depth] = callee;
    code = cf.code;
    pc = 0;
    ${at(4, switchInstance("callee", false))}
`;

const ROWS = {
  // Control: branches (with the fused compare-and-branch forms), calls, returns, fuel
  Unreachable: jump("", "throw trap(TrapCode.UnreachableCodeReached);"),
  Br: jump("t", "pc = $1;"),
  BrIfNez: branch("rt", "BrIfEqz", "s32[$1] !== 0"),
  BrIfEqz: branch("rt", "BrIfNez", "s32[$1] === 0"),
  BrIfI64Nez: branch("rt", "BrIfI64Eqz", "(s32[a] | s32[a + 1]) !== 0", "const a = $1;\n"),
  BrIfI64Eqz: branch("rt", "BrIfI64Nez", "(s32[a] | s32[a + 1]) === 0", "const a = $1;\n"),
  BrIfI32Eq: branch("rrt", "BrIfI32Ne", "s32[$1] === s32[$2]"),
  BrIfI32Ne: branch("rrt", "BrIfI32Eq", "s32[$1] !== s32[$2]"),
  BrIfI32LtS: branch("rrt", "BrIfI32GeS", "s32[$1] < s32[$2]"),
  BrIfI32LtU: branch("rrt", "BrIfI32GeU", "(s32[$1] >>> 0) < (s32[$2] >>> 0)"),
  BrIfI32GtS: branch("rrt", "BrIfI32LeS", "s32[$1] > s32[$2]"),
  BrIfI32GtU: branch("rrt", "BrIfI32LeU", "(s32[$1] >>> 0) > (s32[$2] >>> 0)"),
  BrIfI32LeS: branch("rrt", "BrIfI32GtS", "s32[$1] <= s32[$2]"),
  BrIfI32LeU: branch("rrt", "BrIfI32GtU", "(s32[$1] >>> 0) <= (s32[$2] >>> 0)"),
  BrIfI32GeS: branch("rrt", "BrIfI32LtS", "s32[$1] >= s32[$2]"),
  BrIfI32GeU: branch("rrt", "BrIfI32LtU", "(s32[$1] >>> 0) >= (s32[$2] >>> 0)"),
  BrIfI32EqImm: branch("rit", "BrIfI32NeImm", "s32[$1] === $2"),
  BrIfI32NeImm: branch("rit", "BrIfI32EqImm", "s32[$1] !== $2"),
  BrIfI32LtSImm: branch("rit", "BrIfI32GeSImm", "s32[$1] < $2"),
  BrIfI32LtUImm: branch("rit", "BrIfI32GeUImm", "(s32[$1] >>> 0) < ($2 >>> 0)"),
  BrIfI32GtSImm: branch("rit", "BrIfI32LeSImm", "s32[$1] > $2"),
  BrIfI32GtUImm: branch("rit", "BrIfI32LeUImm", "(s32[$1] >>> 0) > ($2 >>> 0)"),
  BrIfI32LeSImm: branch("rit", "BrIfI32GtSImm", "s32[$1] <= $2"),
  BrIfI32LeUImm: branch("rit", "BrIfI32GtUImm", "(s32[$1] >>> 0) <= ($2 >>> 0)"),
  BrIfI32GeSImm: branch("rit", "BrIfI32LtSImm", "s32[$1] >= $2"),
  BrIfI32GeUImm: branch("rit", "BrIfI32LtUImm", "(s32[$1] >>> 0) >= ($2 >>> 0)"),
  BrIfI64Eq: branch("rrt", "BrIfI64Ne", "i64Eq(s32, $1, $2) !== 0"),
  BrIfI64Ne: branch("rrt", "BrIfI64Eq", "i64Ne(s32, $1, $2) !== 0"),
  BrIfI64LtS: branch("rrt", "BrIfI64GeS", "i64LtS(s32, $1, $2) !== 0"),
  BrIfI64LtU: branch("rrt", "BrIfI64GeU", "i64LtU(s32, $1, $2) !== 0"),
  BrIfI64GtS: branch("rrt", "BrIfI64LeS", "i64GtS(s32, $1, $2) !== 0"),
  BrIfI64GtU: branch("rrt", "BrIfI64LeU", "i64GtU(s32, $1, $2) !== 0"),
  BrIfI64LeS: branch("rrt", "BrIfI64GtS", "i64LeS(s32, $1, $2) !== 0"),
  BrIfI64LeU: branch("rrt", "BrIfI64GtU", "i64LeU(s32, $1, $2) !== 0"),
  BrIfI64GeS: branch("rrt", "BrIfI64LtS", "i64GeS(s32, $1, $2) !== 0"),
  BrIfI64GeU: branch("rrt", "BrIfI64LtU", "i64GeU(s32, $1, $2) !== 0"),
  // An `I32AddImm x, y, imm` fused into the compare+branch after it that tests `x` (a loop
  // counter's step and the loop's back edge: `deno task bench --count --pairs`, 25% of
  // bytesum's dispatches, 14% of sieve's, 7% of loop's). `x` is written, then compared.
  I32AddImmBrIfLtU: addImmBranch(LT_U, "I32AddImmBrIfGeU", false),
  I32AddImmBrIfGeU: addImmBranch(GE_U, "I32AddImmBrIfLtU", false),
  // `do { ...; p += k; } while (p <= limit)`: clang's loops over a buffer in blocks (xxHash64's
  // stripes, `bench/xxh64.c`: 1 of 8 dispatches per stripe).
  I32AddImmBrIfLeU: addImmBranch(LE_U, "I32AddImmBrIfGtU", false),
  I32AddImmBrIfGtU: addImmBranch(GT_U, "I32AddImmBrIfLeU", false),
  I32AddImmBrIfNe: addImmBranch("s32[x] !== %b", "I32AddImmBrIfEq", false),
  I32AddImmBrIfEq: addImmBranch("s32[x] === %b", "I32AddImmBrIfNe", false),
  I32AddImmBrIfLtUImm: addImmBranch(LT_U, "I32AddImmBrIfGeUImm", true),
  I32AddImmBrIfGeUImm: addImmBranch(GE_U, "I32AddImmBrIfLtUImm", true),
  I32AddImmBrIfNeImm: addImmBranch("s32[x] !== %b", "I32AddImmBrIfEqImm", true),
  I32AddImmBrIfEqImm: addImmBranch("s32[x] === %b", "I32AddImmBrIfNeImm", true),
  // The same with a register step (`i += stride`: sieve's and matmul's inner loops).
  I32AddBrIfLtU: branch(
    "rrrrt",
    "I32AddBrIfGeU",
    "(s32[x] >>> 0) < (s32[$4] >>> 0)",
    "const x = $1;\ns32[x] = (s32[$2] + s32[$3]) | 0;\n",
  ),
  I32AddBrIfGeU: branch(
    "rrrrt",
    "I32AddBrIfLtU",
    "(s32[x] >>> 0) >= (s32[$4] >>> 0)",
    "const x = $1;\ns32[x] = (s32[$2] + s32[$3]) | 0;\n",
  ),
  BrIfI64EqImm: branch("rwt", "BrIfI64NeImm", "i64EqImm(s32, $1, $2, $2.hi) !== 0"),
  BrIfI64NeImm: branch("rwt", "BrIfI64EqImm", "i64NeImm(s32, $1, $2, $2.hi) !== 0"),
  BrIfI64LtSImm: branch("rwt", "BrIfI64GeSImm", "i64LtSImm(s32, $1, $2, $2.hi) !== 0"),
  BrIfI64LtUImm: branch("rwt", "BrIfI64GeUImm", "i64LtUImm(s32, $1, $2, $2.hi) !== 0"),
  BrIfI64GtSImm: branch("rwt", "BrIfI64LeSImm", "i64GtSImm(s32, $1, $2, $2.hi) !== 0"),
  BrIfI64GtUImm: branch("rwt", "BrIfI64LeUImm", "i64GtUImm(s32, $1, $2, $2.hi) !== 0"),
  BrIfI64LeSImm: branch("rwt", "BrIfI64GtSImm", "i64LeSImm(s32, $1, $2, $2.hi) !== 0"),
  BrIfI64LeUImm: branch("rwt", "BrIfI64GtUImm", "i64LeUImm(s32, $1, $2, $2.hi) !== 0"),
  BrIfI64GeSImm: branch("rwt", "BrIfI64LtSImm", "i64GeSImm(s32, $1, $2, $2.hi) !== 0"),
  BrIfI64GeUImm: branch("rwt", "BrIfI64LtUImm", "i64GeUImm(s32, $1, $2, $2.hi) !== 0"),
  // The jump table follows: $2 + 1 targets, the default last.
  BrTable: jump(
    "rT",
    `
    const n = $2;
    const i = s32[$1] >>> 0;
    pc = code[$next + (i < n ? i : n)];
  `,
  ),
  Return: jump(
    "",
    `
    if (code[pc] === #ReturnSlot) {
      const a = (fp + code[(pc + 1) | 0]) | 0;
      s32[fp] = s32[a];
      s32[fp + 1] = s32[a + 1];
    }
    ${RETURN_POP}
  `,
  ),
  ReturnSlot: sameCase("r", "Return"),
  Call: jump(
    "xr",
    `
    let callee: FuncEntity;
    let base: number;
    if (code[pc] === #Call) {
      callee = inst.funcs[$1];
      base = $2;
      pc = (pc + 3) | 0;
    } else if (code[pc] === #CallRef) {
      callee = refCallee(store, s32[(fp + code[(pc + 1) | 0]) | 0]);
      base = (fp + code[(pc + 2) | 0]) | 0;
      pc = (pc + 3) | 0;
    } else {
      callee = indirectCallee(
        store,
        inst,
        code[(pc + 1) | 0],
        code[(pc + 2) | 0],
        s32[(fp + code[(pc + 3) | 0]) | 0],
      );
      base = (fp + code[(pc + 4) | 0]) | 0;
      pc = (pc + 5) | 0;
    }
    frames[2 * depth + 1] = pc;
    if (callee.isHost) {
      store.fuel = fuel;
      fuel = -1;
      const pending = callHost(callee, inst, st, base, store, baseDepth);
      fuel = store.fuel;
      if (pending !== undefined) {
        if (pending !== null) return HOST_AWAIT;
        // The host function threw a Wasm exception, which a handler caught.
        ${RESUME_AT_HANDLER.replaceAll("\n", "\n        ")}
        break;
      }
      ${at(6, REFRESH_VIEW)}
      break;
    }
    const cf = callee.compiled ?? compiler.compile(callee);
    ${at(4, ensureValues("base + cf.frameWords"))}
    if (2 * (depth + 1) >= frames.length) {
      st.growFrames(depth + 1);
      frames = st.frames;
    }
    st.depth = ++depth;
    frames[2 * depth] = base;
    funcs[depth] = callee;
    for (let i = base + cf.paramWords, end = base + cf.localWords; i < end; i++) s32[i] = 0;
    fp = base;
    code = cf.code;
    pc = 0;
    if (code[0] === #ConsumeFuel && fuel >= code[1]) {
      // Pays the callee's entry here, saving a dispatch (when short, ConsumeFuel stops).
      fuel -= code[1];
      pc = 2;
    }
    ${at(4, switchInstance("callee", false))}
  `,
  ),
  CallIndirect: sameCase("xxrr", "Call"),
  /** `call_ref`: the reference's slot, the arguments' base slot. */
  CallRef: sameCase("rr", "Call"),
  ReturnCall: jump("xr", TAIL_CALL),
  ReturnCallIndirect: sameCase("xxrr", "ReturnCall"),
  ReturnCallRef: sameCase("rr", "ReturnCall"),
  /** `ref.as_non_null`, checked in place: the reference stays where it is. */
  RefAsNonNull: op("r", "if (s32[$1] === 0) throw trap(TrapCode.NullReference);"),
  Nop: op("", ""),
  // Pays the fuel of the segment it starts (see fuel.ts); only emitted when fuel is metered.
  ConsumeFuel: jump(
    "i",
    `
    x = fuel - $1;
    if (x < 0) {
      store.fuel = fuel;
      if (outOfFuel(store, st, fuel - x)) return stopAt(st, depth, pc);
      fuel = store.fuel;
      break; // refilled: charge again
    }
    fuel = x;
    pc = ($next) | 0;
  `,
  ),

  // Moves, constants, globals, references
  Copy: op(
    "rr",
    `
    const d = $1, a = $2;
    s32[d] = s32[a];
    s32[d + 1] = s32[a + 1];
  `,
  ),
  // Two `Copy`s in a row (a loop's variables rotated, `h = g; g = f; ...`: SHA-2's rounds;
  // arguments moved for a call), in order. Spelled on `$n` words as the code generator spells
  // its own `Copy`, so the slots stay cached there.
  Copy2: op(
    "rrrr",
    "s32[$1] = s32[$2];\ns32[$1 + 1] = s32[$2 + 1];\ns32[$3] = s32[$4];\ns32[$3 + 1] = s32[$4 + 1];",
  ),
  // Two `Copy2`s in a row (SHA-2's round rotates eight variables: `bench/sha512.c`, Copy2+Copy2
  // was 8.3% of its dispatch pairs), in order.
  Copy4: op(
    "rrrrrrrr",
    `s32[$1] = s32[$2];
    s32[$1 + 1] = s32[$2 + 1];
    s32[$3] = s32[$4];
    s32[$3 + 1] = s32[$4 + 1];
    s32[$5] = s32[$6];
    s32[$5 + 1] = s32[$6 + 1];
    s32[$7] = s32[$8];
    s32[$7 + 1] = s32[$8 + 1];`,
  ),
  ConstI32: op("ri", "s32[$1] = $2;"),
  ConstI64: op(
    "rw",
    `
    const d = $1;
    s32[d] = $2;
    s32[d + 1] = $2.hi;
  `,
  ),
  Select: op(
    "rrrr",
    `
    const d = $1;
    const a = s32[$2] !== 0 ? $3 : $4;
    s32[d] = s32[a];
    s32[d + 1] = s32[a + 1];
  `,
  ),
  GlobalGet: op(
    "rx",
    `
    const g = globals[$2].value;
    const d = $1;
    s32[d] = g[0];
    s32[d + 1] = g[1];
  `,
  ),
  GlobalSet: op(
    "xr",
    `
    const g = globals[$1].value;
    const a = $2;
    g[0] = s32[a];
    g[1] = s32[a + 1];
  `,
  ),
  RefFunc: op("rx", "s32[$1] = inst.funcs[$2].id;"),

  // i32
  I32Eqz: op("rr", "s32[$1] = s32[$2] === 0 ? 1 : 0;"),
  I32Eq: op("rrr", "s32[$1] = s32[$2] === s32[$3] ? 1 : 0;"),
  I32Ne: op("rrr", "s32[$1] = s32[$2] !== s32[$3] ? 1 : 0;"),
  I32LtS: op("rrr", "s32[$1] = s32[$2] < s32[$3] ? 1 : 0;"),
  I32LtU: op("rrr", "s32[$1] = (s32[$2] >>> 0) < (s32[$3] >>> 0) ? 1 : 0;"),
  I32GtS: op("rrr", "s32[$1] = s32[$2] > s32[$3] ? 1 : 0;"),
  I32GtU: op("rrr", "s32[$1] = (s32[$2] >>> 0) > (s32[$3] >>> 0) ? 1 : 0;"),
  I32LeS: op("rrr", "s32[$1] = s32[$2] <= s32[$3] ? 1 : 0;"),
  I32LeU: op("rrr", "s32[$1] = (s32[$2] >>> 0) <= (s32[$3] >>> 0) ? 1 : 0;"),
  I32GeS: op("rrr", "s32[$1] = s32[$2] >= s32[$3] ? 1 : 0;"),
  I32GeU: op("rrr", "s32[$1] = (s32[$2] >>> 0) >= (s32[$3] >>> 0) ? 1 : 0;"),
  I32EqImm: op("rri", "s32[$1] = s32[$2] === $3 ? 1 : 0;"),
  I32NeImm: op("rri", "s32[$1] = s32[$2] !== $3 ? 1 : 0;"),
  I32LtSImm: op("rri", "s32[$1] = s32[$2] < $3 ? 1 : 0;"),
  I32LtUImm: op("rri", "s32[$1] = (s32[$2] >>> 0) < ($3 >>> 0) ? 1 : 0;"),
  I32GtSImm: op("rri", "s32[$1] = s32[$2] > $3 ? 1 : 0;"),
  I32GtUImm: op("rri", "s32[$1] = (s32[$2] >>> 0) > ($3 >>> 0) ? 1 : 0;"),
  // `select(x, k, x <u k)` or `select(k, x, x >u k)`: the unsigned minimum of `x` and a
  // constant, a saturation (vec_bytes_scalar's brighten: 2 of its 6 dispatches per pixel).
  I32MinUImm: op(
    "rri",
    `
    const a = s32[$2];
    s32[$1] = (a >>> 0) < ($3 >>> 0) ? a : $3;
  `,
  ),
  I32LeSImm: op("rri", "s32[$1] = s32[$2] <= $3 ? 1 : 0;"),
  I32LeUImm: op("rri", "s32[$1] = (s32[$2] >>> 0) <= ($3 >>> 0) ? 1 : 0;"),
  I32GeSImm: op("rri", "s32[$1] = s32[$2] >= $3 ? 1 : 0;"),
  I32GeUImm: op("rri", "s32[$1] = (s32[$2] >>> 0) >= ($3 >>> 0) ? 1 : 0;"),
  I32Clz: op("rr", "s32[$1] = Math.clz32(s32[$2]);"),
  I32Ctz: op("rr", "s32[$1] = i32Ctz(s32[$2]);"),
  I32Popcnt: op("rr", "s32[$1] = i32Popcnt(s32[$2]);"),
  I32Extend8S: op("rr", "s32[$1] = (s32[$2] << 24) >> 24;"),
  I32Extend16S: op("rr", "s32[$1] = (s32[$2] << 16) >> 16;"),
  I32Add: op("rrr", "s32[$1] = (s32[$2] + s32[$3]) | 0;"),
  I32Sub: op("rrr", "s32[$1] = (s32[$2] - s32[$3]) | 0;"),
  I32Mul: op("rrr", "s32[$1] = Math.imul(s32[$2], s32[$3]);"),
  I32DivS: op("rrr", "s32[$1] = i32DivS(s32[$2], s32[$3]);"),
  I32DivU: op("rrr", "s32[$1] = i32DivU(s32[$2], s32[$3]);"),
  I32RemS: op("rrr", "s32[$1] = i32RemS(s32[$2], s32[$3]);"),
  I32RemU: op("rrr", "s32[$1] = i32RemU(s32[$2], s32[$3]);"),
  I32And: op("rrr", "s32[$1] = s32[$2] & s32[$3];"),
  I32Or: op("rrr", "s32[$1] = s32[$2] | s32[$3];"),
  I32Xor: op("rrr", "s32[$1] = s32[$2] ^ s32[$3];"),
  I32Shl: op("rrr", "s32[$1] = s32[$2] << s32[$3];"),
  I32ShrS: op("rrr", "s32[$1] = s32[$2] >> s32[$3];"),
  I32ShrU: op("rrr", "s32[$1] = (s32[$2] >>> s32[$3]) | 0;"),
  I32Rotl: op("rrr", "s32[$1] = i32Rotl(s32[$2], s32[$3]);"),
  I32Rotr: op("rrr", "s32[$1] = i32Rotr(s32[$2], s32[$3]);"),
  I32AddImm: op("rri", "s32[$1] = (s32[$2] + $3) | 0;"),
  I32MulImm: op("rri", "s32[$1] = Math.imul(s32[$2], $3);"),
  I32AndImm: op("rri", "s32[$1] = s32[$2] & $3;"),
  I32OrImm: op("rri", "s32[$1] = s32[$2] | $3;"),
  I32XorImm: op("rri", "s32[$1] = s32[$2] ^ $3;"),
  I32ShlImm: op("rri", "s32[$1] = s32[$2] << $3;"),
  I32ShrSImm: op("rri", "s32[$1] = s32[$2] >> $3;"),
  I32ShrUImm: op("rri", "s32[$1] = (s32[$2] >>> $3) | 0;"),
  I32RotlImm: op("rri", "s32[$1] = i32Rotl(s32[$2], $3);"),
  I32RotrImm: op("rri", "s32[$1] = i32Rotr(s32[$2], $3);"),
  // `x + (y << k)`: a scaled index or pointer step (`p += n * 8`: matmul's inner loop; array
  // addresses), the shift's temporary dropped.
  I32AddShlImm: op("rrri", "s32[$1] = (s32[$2] + (s32[$3] << $4)) | 0;"),
  // `(x + y + imm) >>> k`: the rounding average `(a + 2 * b + c + 2) >> 2` of vec_bytes' [1 2 1]
  // blur (scalar code in both builds) spent 3 dispatches of 6 per pixel on `i32.add`, `i32.add`
  // of 2 and `i32.shr_u` by 2; this takes them in one (the sum of three int32s is exact in a
  // double, so `| 0` wraps it as the two adds would).
  I32AddAddImmShrUImm: op("rrrii", "s32[$1] = ((s32[$2] + s32[$3] + $4) | 0) >>> $5;"),

  // i64
  I64Eqz: op("rr", "s32[$1] = i64Eqz(s32, $2);"),
  I64Eq: op("rrr", "s32[$1] = i64Eq(s32, $2, $3);"),
  I64Ne: op("rrr", "s32[$1] = i64Ne(s32, $2, $3);"),
  I64LtS: op("rrr", "s32[$1] = i64LtS(s32, $2, $3);"),
  I64LtU: op("rrr", "s32[$1] = i64LtU(s32, $2, $3);"),
  I64GtS: op("rrr", "s32[$1] = i64GtS(s32, $2, $3);"),
  I64GtU: op("rrr", "s32[$1] = i64GtU(s32, $2, $3);"),
  I64LeS: op("rrr", "s32[$1] = i64LeS(s32, $2, $3);"),
  I64LeU: op("rrr", "s32[$1] = i64LeU(s32, $2, $3);"),
  I64GeS: op("rrr", "s32[$1] = i64GeS(s32, $2, $3);"),
  I64GeU: op("rrr", "s32[$1] = i64GeU(s32, $2, $3);"),
  I64EqImm: op("rrw", "s32[$1] = i64EqImm(s32, $2, $3, $3.hi);"),
  I64NeImm: op("rrw", "s32[$1] = i64NeImm(s32, $2, $3, $3.hi);"),
  I64LtSImm: op("rrw", "s32[$1] = i64LtSImm(s32, $2, $3, $3.hi);"),
  I64LtUImm: op("rrw", "s32[$1] = i64LtUImm(s32, $2, $3, $3.hi);"),
  I64GtSImm: op("rrw", "s32[$1] = i64GtSImm(s32, $2, $3, $3.hi);"),
  I64GtUImm: op("rrw", "s32[$1] = i64GtUImm(s32, $2, $3, $3.hi);"),
  I64LeSImm: op("rrw", "s32[$1] = i64LeSImm(s32, $2, $3, $3.hi);"),
  I64LeUImm: op("rrw", "s32[$1] = i64LeUImm(s32, $2, $3, $3.hi);"),
  I64GeSImm: op("rrw", "s32[$1] = i64GeSImm(s32, $2, $3, $3.hi);"),
  I64GeUImm: op("rrw", "s32[$1] = i64GeUImm(s32, $2, $3, $3.hi);"),
  I64Clz: op("rr", "i64Clz(s32, $1, $2);"),
  I64Ctz: op("rr", "i64Ctz(s32, $1, $2);"),
  I64Popcnt: op("rr", "i64Popcnt(s32, $1, $2);"),
  I64Extend8S: op("rr", "i64Extend8S(s32, $1, $2);"),
  I64Extend16S: op("rr", "i64Extend16S(s32, $1, $2);"),
  I64Extend32S: op("rr", "i64Extend32S(s32, $1, $2);"),
  I64ExtendI32S: op("rr", "i64ExtendI32S(s32, $1, s32[$2]);"),
  I64ExtendI32U: op(
    "rr",
    `
    const d = $1;
    s32[d] = s32[$2];
    s32[d + 1] = 0;
  `,
  ),
  I64Add: op("rrr", "i64Add(s32, $1, $2, $3);"),
  I64Sub: op("rrr", "i64Sub(s32, $1, $2, $3);"),
  I64Mul: op("rrr", "i64Mul(s32, $1, $2, $3);"),
  I64DivS: op("rrr", "i64DivS(s32, $1, $2, $3);"),
  I64DivU: op("rrr", "i64DivU(s32, $1, $2, $3);"),
  I64RemS: op("rrr", "i64RemS(s32, $1, $2, $3);"),
  I64RemU: op("rrr", "i64RemU(s32, $1, $2, $3);"),
  I64And: op("rrr", "i64And(s32, $1, $2, $3);"),
  I64Or: op("rrr", "i64Or(s32, $1, $2, $3);"),
  I64Xor: op("rrr", "i64Xor(s32, $1, $2, $3);"),
  I64Shl: op("rrr", "i64Shl(s32, $1, $2, $3);"),
  I64ShrS: op("rrr", "i64ShrS(s32, $1, $2, $3);"),
  I64ShrU: op("rrr", "i64ShrU(s32, $1, $2, $3);"),
  I64Rotl: op("rrr", "i64Rotl(s32, $1, $2, $3);"),
  I64Rotr: op("rrr", "i64Rotr(s32, $1, $2, $3);"),
  I64AddImm: op("rrw", "i64AddImm(s32, $1, $2, $3, $3.hi);"),
  I64MulImm: op("rrw", "i64MulImm(s32, $1, $2, $3, $3.hi);"),
  I64AndImm: op("rrw", "i64AndImm(s32, $1, $2, $3, $3.hi);"),
  I64OrImm: op("rrw", "i64OrImm(s32, $1, $2, $3, $3.hi);"),
  I64XorImm: op("rrw", "i64XorImm(s32, $1, $2, $3, $3.hi);"),
  // `(u64)x | C`, an `I64ExtendI32U t, x` only the `I64OrImm` reads (not written): a divisor
  // made odd or a tag set on a widened index (`bench/i64.wat`: 1 of 12 dispatches).
  I64ExtendI32UOrImm: op(
    "rrw",
    `
    const d = $1;
    s32[d] = s32[$2] | $3;
    s32[d + 1] = $3.hi;
  `,
  ),
  I64ShlImm: op("rri", "i64ShlImm(s32, $1, $2, $3);"),
  I64ShrSImm: op("rri", "i64ShrSImm(s32, $1, $2, $3);"),
  I64ShrUImm: op("rri", "i64ShrUImm(s32, $1, $2, $3);"),
  I64RotlImm: op("rri", "i64RotlImm(s32, $1, $2, $3);"),
  I64RotrImm: op("rri", "i64RotrImm(s32, $1, $2, $3);"),
  // `x ^ (y >>> k)` and `x ^ rotl(y, k)`: an i64 shift or rotation by a constant whose result
  // is xored with another value, as in hash finalisers (`h ^ (h >>> 33)`: splitmix64, xxHash64,
  // murmur3) and SHA-2's sigma functions (`rotr(e, 14) ^ rotr(e, 18) ^ rotr(e, 41)`).
  I64XorShrUImm: op("rrri", "i64XorShrUImm(s32, $1, $2, $3, $4);"),
  I64XorRotlImm: op("rrri", "i64XorRotlImm(s32, $1, $2, $3, $4);"),
  // The other way round, `rotl(x ^ y, k)`: a rotation by a constant of a xor, as hash mixers
  // combine a value into a state (`bench/i64.wat`: 1 of its 14 dispatches per iteration).
  I64RotlImmOfXor: op("rrri", "i64RotlImmOfXor(s32, $1, $2, $3, $4);"),
  // `x - (y << k)`: a subtraction of a shift by a constant (`bench/i64.wat`: 1 of its 13
  // dispatches per iteration; scaled offsets and hash updates).
  I64SubShlImm: op("rrri", "i64SubShlImm(s32, $1, $2, $3, $4);"),
  // An i64 step and the step after it that reads its result, in one dispatch: hash rounds and
  // finalisers (`(z ^ (z >>> 30)) * C`: splitmix64, murmur3, xxHash64's avalanche;
  // `rotl(acc, 31) * P1` and `acc + x * P2`: xxHash64's round). The first step still writes its
  // own destination `$2` (a local, or a temporary then dead), so the pair means just what the two
  // rows did; each is the rows' helper calls, which the code generator spells on words too.
  I64XorShrUMulImm: op("rrrriw", "i64XorShrUMulImm(s32, $1, $2, $3, $4, $5, $6, $6.hi);"),
  I64RotlMulImm: op("rrriw", "i64RotlImm(s32, $2, $3, $4);\ni64MulImm(s32, $1, $2, $5, $5.hi);"),
  I64MulImmAdd: op("rrrrw", "i64MulImm(s32, $4, $3, $5, $5.hi);\ni64Add(s32, $1, $2, $4);"),
  // xxHash64's whole round, `rotl(acc + x * C1, k) * C2`: an `I64MulImmAdd a, acc, x, t, C1`
  // and the `I64RotlMulImm d, u, a, k, C2` reading its sum, each step still writing its own
  // destination (`bench/xxh64.c`: the pair was 23% of its dispatches).
  I64MulImmAddRotlMulImm: op(
    "rrrrrrwiw",
    `i64MulImm(s32, $6, $5, $7, $7.hi);
    i64Add(s32, $3, $4, $6);
    i64RotlImm(s32, $2, $3, $8);
    i64MulImm(s32, $1, $2, $9, $9.hi);`,
  ),
  // The round with the load of its input before it, `I64LoadAddImm x, base, imm, offset` (or an
  // `I64Load`, imm 0) then `I64MulImmAddRotlMulImm d, u, a, acc, x, t, C1, k, C2`: the load
  // first (a trap leaves every slot as the load alone would), each step writing its own
  // destination (`bench/xxh64.c`: the pair was 46% of its dispatches, 4 of 12 per stripe).
  // One helper call, its steps on values in locals (`i64LoadMulImmAddRotlMulImm` in i64.ts).
  I64LoadMulImmAddRotlMulImm: op(
    "rrrrrrwiwrio",
    "i64LoadMulImmAddRotlMulImm(s32, mview, memLen, $1, $2, $3, $4, $5, $6, $7, $7.hi, $8, $9, $9.hi, $10, $11, $12);",
  ),
  // Sums of three i64s and of a loaded one (SHA-2's `h + Σ1(e) + ch + K[t] + w[t]`): an
  // `I64Add t, a, b` and the `I64Add d, t, x` reading it, `t` still written; an `I64LoadAddImm t,
  // base, imm, offset` (or an `I64Load`, imm 0) and the `I64Add d, x, t` reading it, the load
  // first (`bench/sha512.c`: Add+Add 10.2%, LoadAddImm+Add 4.6% of its dispatch pairs).
  I64AddAdd: op("rrrrr", "i64AddAdd(s32, $1, $2, $3, $4, $5);"),
  I64AddLoad: op("rrrrio", "i64AddLoad(s32, mview, memLen, $1, $2, $3, $4, $5, $6);"),
  // A byte swap of an i64, recognised in the shifts, masks and ors that spell it (see
  // `#byteSwap` in translator.ts): SHA-2 and other big-endian formats read words with it.
  I64Bswap: op("rr", "i64Bswap(s32, $1, $2);"),
  // SHA-2's sigma functions, `rotl(y, k1) ^ rotl(y, k2) ^ rotl(y, k3)` (Σ0, Σ1) and, with
  // `$7` set, `... ^ (y >>> k3)` (σ0, σ1): the three steps above in order, through `$2`.
  I64Sigma: op("rrriiii", "i64Sigma(s32, $1, $2, $3, $4, $5, $6, $7);"),
  // Two i64 bitwise steps in one dispatch, the first's result a temporary only the second reads
  // (not written): `x & ~y` (an `I64XorImm t, y, -1` and the `I64And` of `t`), `(x ^ y) & z`
  // and `(x & y) ^ z`. SHA-2's choice `(e & f) ^ (~e & g)` and majority `((a ^ b) & c) ^ (a &
  // b)` as clang spells them (`bench/sha512.c`: 6 of the 22 dispatches per round).
  I64AndNot: op("rrr", "i64AndNot(s32, $1, $2, $3);"),
  I64XorAnd: op("rrrr", "i64XorAnd(s32, $1, $2, $3, $4);"),
  I64AndXor: op("rrrr", "i64AndXor(s32, $1, $2, $3, $4);"),

  // Wide arithmetic (two results, in consecutive slots)
  I64Add128: op("rrrrr", "i64Add128(s32, $1, $1 + SLOT_WORDS, $2, $3, $4, $5);"),
  I64Sub128: op("rrrrr", "i64Sub128(s32, $1, $1 + SLOT_WORDS, $2, $3, $4, $5);"),
  I64MulWideS: op("rrr", "i64MulWideS(s32, $1, $1 + SLOT_WORDS, $2, $3);"),
  I64MulWideU: op("rrr", "i64MulWideU(s32, $1, $1 + SLOT_WORDS, $2, $3);"),

  // f32, f64
  F32Eq: op("rrr", "s32[$1] = f32[$2] === f32[$3] ? 1 : 0;"),
  F32Ne: op("rrr", "s32[$1] = f32[$2] !== f32[$3] ? 1 : 0;"),
  F32Lt: op("rrr", "s32[$1] = f32[$2] < f32[$3] ? 1 : 0;"),
  F32Gt: op("rrr", "s32[$1] = f32[$2] > f32[$3] ? 1 : 0;"),
  F32Le: op("rrr", "s32[$1] = f32[$2] <= f32[$3] ? 1 : 0;"),
  F32Ge: op("rrr", "s32[$1] = f32[$2] >= f32[$3] ? 1 : 0;"),
  F32Abs: op("rr", "s32[$1] = s32[$2] & 0x7fffffff;"),
  F32Neg: op("rr", "s32[$1] = s32[$2] ^ -0x80000000;"),
  F32Ceil: op("rr", "f32[$1] = Math.ceil(f32[$2]);"),
  F32Floor: op("rr", "f32[$1] = Math.floor(f32[$2]);"),
  F32Trunc: op("rr", "f32[$1] = Math.trunc(f32[$2]);"),
  F32Nearest: op("rr", "f32[$1] = f64Nearest(f32[$2]);"),
  F32Sqrt: op("rr", "f32[$1] = Math.sqrt(f32[$2]);"),
  F32Add: op("rrr", "f32[$1] = f32[$2] + f32[$3];"),
  F32Sub: op("rrr", "f32[$1] = f32[$2] - f32[$3];"),
  F32Mul: op("rrr", "f32[$1] = f32[$2] * f32[$3];"),
  F32Div: op("rrr", "f32[$1] = f32[$2] / f32[$3];"),
  // fMin/fMax, not Math.min/max: optimised V8 code turns a canonical NaN argument into a
  // non-canonical one.
  F32Min: op("rrr", "f32[$1] = fMin(f32[$2], f32[$3]);"),
  F32Max: op("rrr", "f32[$1] = fMax(f32[$2], f32[$3]);"),
  F32Copysign: op("rrr", "s32[$1] = (s32[$2] & 0x7fffffff) | (s32[$3] & -0x80000000);"),
  F64Eq: op("rrr", "s32[$1] = f64[$2 >> 1] === f64[$3 >> 1] ? 1 : 0;"),
  F64Ne: op("rrr", "s32[$1] = f64[$2 >> 1] !== f64[$3 >> 1] ? 1 : 0;"),
  F64Lt: op("rrr", "s32[$1] = f64[$2 >> 1] < f64[$3 >> 1] ? 1 : 0;"),
  F64Gt: op("rrr", "s32[$1] = f64[$2 >> 1] > f64[$3 >> 1] ? 1 : 0;"),
  F64Le: op("rrr", "s32[$1] = f64[$2 >> 1] <= f64[$3 >> 1] ? 1 : 0;"),
  F64Ge: op("rrr", "s32[$1] = f64[$2 >> 1] >= f64[$3 >> 1] ? 1 : 0;"),
  F64Abs: op("rr", "f64AbsBits(s32, $1, $2);"),
  F64Neg: op("rr", "f64NegBits(s32, $1, $2);"),
  F64Ceil: op("rr", "f64[$1 >> 1] = quiet(Math.ceil(f64[$2 >> 1]));"),
  F64Floor: op("rr", "f64[$1 >> 1] = quiet(Math.floor(f64[$2 >> 1]));"),
  F64Trunc: op("rr", "f64[$1 >> 1] = quiet(Math.trunc(f64[$2 >> 1]));"),
  F64Nearest: op("rr", "f64[$1 >> 1] = quiet(f64Nearest(f64[$2 >> 1]));"),
  F64Sqrt: op("rr", "f64[$1 >> 1] = Math.sqrt(f64[$2 >> 1]);"),
  F64Add: op("rrr", "f64[$1 >> 1] = f64[$2 >> 1] + f64[$3 >> 1];"),
  F64Sub: op("rrr", "f64[$1 >> 1] = f64[$2 >> 1] - f64[$3 >> 1];"),
  F64Mul: op("rrr", "f64[$1 >> 1] = f64[$2 >> 1] * f64[$3 >> 1];"),
  F64Div: op("rrr", "f64[$1 >> 1] = f64[$2 >> 1] / f64[$3 >> 1];"),
  F64Min: op("rrr", "f64[$1 >> 1] = fMin(f64[$2 >> 1], f64[$3 >> 1]);"),
  F64Max: op("rrr", "f64[$1 >> 1] = fMax(f64[$2 >> 1], f64[$3 >> 1]);"),
  F64Copysign: op("rrr", "f64CopysignBits(s32, $1, $2, $3);"),
  // f32 with a constant right operand (its bits as an immediate), and a multiply whose product
  // only feeds an add, fused (`d = a * b + c`, rounded twice as the two Wasm operators are).
  // Counted on bench/vec_float_scalar.wasm: a constant multiplier or clamp bound is a
  // `ConstI32` dispatch per use (16% of all), mul+add pairs are 10%; matmul's f64 dot product
  // is 12% mul+add pairs. (f64 immediate rows paid nothing in bench/: left out, 411 bytes.)
  // The constant goes through the scratch views `IMM_WORDS`/`IMM_F32` inline, and min/max
  // replace a NaN result by the canonical NaN inline (optimised Math.min/max may return another
  // bit pattern): a call here is not inlined and boxes its double result (calls to fMin, fMax
  // and a bits-to-f32 helper: 12% of vec_float_scalar's CPU profile). No `const`s in these
  // rows: two block-scoped locals cost `run` 837 bytes of bytecode (registers past V8's short
  // operand range widen other instructions).
  F32AddImm: op("rri", "IMM_WORDS[0] = $3;\nf32[$1] = f32[$2] + IMM_F32[0];"),
  F32MulImm: op("rri", "IMM_WORDS[0] = $3;\nf32[$1] = f32[$2] * IMM_F32[0];"),
  F32MinImm: op(
    "rri",
    `
    IMM_WORDS[0] = $3;
    f32[$1] = Math.min(f32[$2], IMM_F32[0]);
    if (f32[$1] !== f32[$1]) f32[$1] = NaN;
  `,
  ),
  F32MaxImm: op(
    "rri",
    `
    IMM_WORDS[0] = $3;
    f32[$1] = Math.max(f32[$2], IMM_F32[0]);
    if (f32[$1] !== f32[$1]) f32[$1] = NaN;
  `,
  ),
  // `F32MaxImm` then `F32MinImm` of its result, a clamp `min(max(x, lo), hi)` (`d x lo hi`):
  // vec_float_scalar's clamp loop ran 5.1 M of each. The NaN check once, at the end: a NaN
  // from the max stays one through the min.
  F32MaxMinImm: op(
    "rrii",
    `
    const d = $1;
    IMM_WORDS[0] = $3;
    f32[d] = Math.max(f32[$2], IMM_F32[0]);
    IMM_WORDS[0] = $4;
    f32[d] = Math.min(f32[d], IMM_F32[0]);
    if (f32[d] !== f32[d]) f32[d] = NaN;
  `,
  ),
  F32MulAdd: op("rrrr", "f32[$1] = Math.fround(f32[$2] * f32[$3]) + f32[$4];"),
  // ... of two f32s just loaded from `base + imm` and `base2 + imm2` (`d base imm base2 imm2 c`:
  // the loads `I32LoadAddImm`s, or `I32Load`s adding 0, both without a memarg offset): a dot
  // product's term `c += x[i] * y[i]` in one dispatch for four (vec_float_scalar: 7.7 M of its
  // 89 M dispatches were such `F32MulAdd`s, each after its two loads).
  // `f32.mul` of an f32 just loaded from `base + imm` (an `I32LoadAddImm`, or an `I32Load`
  // adding 0, without a memarg offset) by a constant (`d base imm k`, `k` its bits): saxpy's
  // `a * x[i]` (vec_float_scalar: 10.3 M of its 89 M dispatches were such loads before an
  // `F32MulImm`).
  F32MulImmLoad: op("rrii", "f32MulImmLoad(f32, mview, $1, (s32[$2] + $3) | 0, $4);"),
  F32MulLoad2Add: op(
    "rririr",
    "f32MulLoad2Add(f32, mview, $1, (s32[$2] + $3) | 0, (s32[$4] + $5) | 0, $6);",
  ),
  F64MulAdd: op("rrrr", "f64[$1 >> 1] = f64[$2 >> 1] * f64[$3 >> 1] + f64[$4 >> 1];"),

  // Conversions
  I32TruncF32S: op("rr", "s32[$1] = i32TruncF32S(f32[$2]);"),
  I32TruncF32U: op("rr", "s32[$1] = i32TruncF32U(f32[$2]);"),
  I32TruncF64S: op("rr", "s32[$1] = i32TruncF64S(f64[$2 >> 1]);"),
  I32TruncF64U: op("rr", "s32[$1] = i32TruncF64U(f64[$2 >> 1]);"),
  I64TruncF32S: op("rr", "i64TruncF32S(s32, $1, f32[$2]);"),
  I64TruncF32U: op("rr", "i64TruncF32U(s32, $1, f32[$2]);"),
  I64TruncF64S: op("rr", "i64TruncF64S(s32, $1, f64[$2 >> 1]);"),
  I64TruncF64U: op("rr", "i64TruncF64U(s32, $1, f64[$2 >> 1]);"),
  F32ConvertI32S: op("rr", "f32[$1] = s32[$2];"),
  F32ConvertI32U: op("rr", "f32[$1] = s32[$2] >>> 0;"),
  F32ConvertI64S: op("rr", "f32[$1] = f32ConvertI64S(s32, $2);"),
  F32ConvertI64U: op("rr", "f32[$1] = f32ConvertI64U(s32, $2);"),
  F32DemoteF64: op("rr", "f32[$1] = f64[$2 >> 1];"),
  F64ConvertI32S: op("rr", "f64[$1 >> 1] = s32[$2];"),
  F64ConvertI32U: op("rr", "f64[$1 >> 1] = s32[$2] >>> 0;"),
  F64ConvertI64S: op("rr", "f64[$1 >> 1] = f64ConvertI64S(s32, $2);"),
  F64ConvertI64U: op("rr", "f64[$1 >> 1] = f64ConvertI64U(s32, $2);"),
  F64PromoteF32: op("rr", "f64[$1 >> 1] = f32[$2];"),
  I32TruncSatF32S: op("rr", "s32[$1] = i32TruncSatF32S(f32[$2]);"),
  I32TruncSatF32U: op("rr", "s32[$1] = i32TruncSatF32U(f32[$2]);"),
  I32TruncSatF64S: op("rr", "s32[$1] = i32TruncSatF64S(f64[$2 >> 1]);"),
  I32TruncSatF64U: op("rr", "s32[$1] = i32TruncSatF64U(f64[$2 >> 1]);"),
  I64TruncSatF32S: op("rr", "i64TruncSatF32S(s32, $1, f32[$2]);"),
  I64TruncSatF32U: op("rr", "i64TruncSatF32U(s32, $1, f32[$2]);"),
  I64TruncSatF64S: op("rr", "i64TruncSatF64S(s32, $1, f64[$2 >> 1]);"),
  I64TruncSatF64U: op("rr", "i64TruncSatF64U(s32, $1, f64[$2 >> 1]);"),

  // Memory (f32/f64 loads and stores move raw bits, so they use the i32/i64 instructions)
  I32Load: load(4, "s32[$1] = mview.getInt32(ea, true);"),
  I64Load: load(
    8,
    `
    const d = $1;
    s32[d] = mview.getInt32(ea, true);
    s32[d + 1] = mview.getInt32(ea + 4, true);
  `,
  ),
  I32Load8S: load(1, "s32[$1] = mview.getInt8(ea);"),
  I32Load8U: load(1, "s32[$1] = mview.getUint8(ea);"),
  // The loads most often fed by an `i32.add` of a constant (clang's field and element
  // addresses; `deno task bench --count --pairs`: 14% of xxh64's dispatches, 9% of lz's).
  I32LoadAddImm: loadAddImm(4, "s32[$1] = mview.getInt32(ea, true);"),
  I64LoadAddImm: loadAddImm(
    8,
    `
    const d = $1;
    s32[d] = mview.getInt32(ea, true);
    s32[d + 1] = mview.getInt32(ea + 4, true);
  `,
  ),
  I32Load8UAddImm: loadAddImm(1, "s32[$1] = mview.getUint8(ea);"),
  I32Load16S: load(2, "s32[$1] = mview.getInt16(ea, true);"),
  I32Load16U: load(2, "s32[$1] = mview.getUint16(ea, true);"),
  I64Load8S: load(1, i64Signed("mview.getInt8(ea)")),
  I64Load8U: load(1, i64Unsigned("mview.getUint8(ea)")),
  I64Load16S: load(2, i64Signed("mview.getInt16(ea, true)")),
  I64Load16U: load(2, i64Unsigned("mview.getUint16(ea, true)")),
  I64Load32S: load(4, i64Signed("mview.getInt32(ea, true)")),
  I64Load32U: load(4, i64Unsigned("mview.getInt32(ea, true)")),
  I32Store: store("ror", 4, "mview.setInt32(ea, s32[$3], true);"),
  I64Store: store(
    "ror",
    8,
    `
    const v = $3;
    mview.setInt32(ea, s32[v], true);
    mview.setInt32(ea + 4, s32[v + 1], true);
  `,
  ),
  I32Store8: store("ror", 1, "mview.setInt8(ea, s32[$3]);"),
  I32Store16: store("ror", 2, "mview.setInt16(ea, s32[$3], true);"),
  // Stores to `local + imm`, which clang computes with an `i32.add` before the value (the
  // translator keeps the sum lazy until the store: `ADDR` in operand_stack.ts). vec_bytes'
  // row blur and RGBA swap: 2 of 18 and 4 of 13 dispatches per step were such adds.
  I32StoreAt: storeAt(4, "mview.setInt32(ea, s32[$4], true);"),
  I32Store8At: storeAt(1, "mview.setInt8(ea, s32[$4]);"),
  // `i32.store8` to `local + imm` of an `i32.load8_u` just made: a byte copy (vec_bytes' RGBA
  // swap, 4 of 9 dispatches per pixel in both builds; memcpy loops). `$1 $2 $3` address the
  // store as `I32Store8At`'s do, `$4 $5 $6` the load as `I32Load8UAddImm`'s; the load's
  // bounds are checked first, as the two instructions would (a trap maps to the load's offset;
  // `copyByte` in bulk_ops.ts, a call: 300 bytes of `run` less than inline).
  I32Copy8At: op(
    "riorio",
    "copyByte(mview, memLen, s32[$4] + $5, $6, s32[$1] + $2, $3);",
  ),
  // Two `I32Copy8At`s in a row (`$1`..`$6` the first's operands, `$7`..`$12` the second's), one
  // after the other (a trap maps to the first's offset). vec_bytes' RGBA swap: 10% of its
  // dispatches were byte copies, four in a row. `copyBytes2` reads the operands from the code
  // (60 bytes of `run`); codegen.ts spells the two copies.
  I32Copy8At2: op("riorioriorio", "copyBytes2(mview, memLen, s32, code, pc, fp);"),
  // `i32.store8` to `local + imm` of an `I32AddAddImmShrUImm` just computed (`$1 $2 $3` the
  // store's address as `I32Store8At`'s, `$4 $5 $6 $7` the value's operands): a rounded
  // average or a [1 2 1] blur stored as a byte (vec_bytes' blurs, 7% of its dispatches are
  // such pairs, 5.6% of its scalar build's).
  I32AddAddImmShrUStore8At: op(
    "riorrii",
    "storeByte(mview, memLen, s32[$1] + $2, $3, ((s32[$4] + s32[$5] + $6) | 0) >>> $7);",
  ),
  // ... whose second addend is the byte that the `I32Load8UAddImm t base imm +0` just before
  // loaded (`$6 $7 $8`; the store's offset 0 too, as clang's `local + imm` addresses are): the
  // load's bounds checked and `t` written first, then the sum of `$3`, the byte and `$4`
  // shifted right by `$5` stored as `I32AddAddImmShrUStore8At` does (a trap maps to the load's
  // offset). A [1 2 1] blur's step: vec_bytes' row blur, 8.3% of its dispatches (6.1% of its
  // scalar build's) are such pairs. Without offsets: 415 bytes of `run`, 476 with them.
  I32Load8UAddAddImmShrUStore8At: op(
    "ririirri",
    `const ea = (s32[$7] + $8) >>> 0;
if (ea >= memLen) throw trap(TrapCode.MemoryOutOfBounds);
const v = mview.getUint8(ea);
s32[$6] = v;
storeByte(mview, memLen, s32[$1] + $2, 0, ((s32[$3] + v + $4) | 0) >>> $5);`,
  ),
  // ... whose other addend the `I32AddShlImm u a b k` just before the load computed into the
  // temporary the sum then took (`$3 $4 $5`, the rest as above from `$6`): `u` computed first,
  // then the load, then the store. The [1 2 1] blur's whole step, `(a + 2b + c + 2) >> 2` of a
  // byte `c` just loaded (vec_bytes: 10.7% of its dispatches were such pairs after the fusion
  // above). `blurByte` reads the operands from the code (bulk_ops.ts); codegen.ts spells it.
  I32AddShlImmLoad8UAddImmShrUStore8At: op(
    "rirriiirri",
    "blurByte(mview, memLen, s32, code, pc, fp);",
  ),
  // A constant value: the immediate forms
  I32StoreImm: store("roi", 4, "mview.setInt32(ea, $3, true);"),
  I32Store8Imm: store("roi", 1, "mview.setInt8(ea, $3);"),
  I32Store16Imm: store("roi", 2, "mview.setInt16(ea, $3, true);"),
  I64StoreImm: store(
    "row",
    8,
    `
    mview.setInt32(ea, $3, true);
    mview.setInt32(ea + 4, $3.hi, true);
  `,
  ),
  MemorySize: op("r", "s32[$1] = mem!.pages;"),
  MemoryGrow: op(
    "rr",
    `
    const old = memoryGrow(mem!, s32[$2], bulkFuel, store);
    if (old === GROW_OUT_OF_FUEL) {
      ${at(6, STOP_OR_RETRY)}
    }
    s32[$1] = old;
    mview = mem!.view;
    memLen = mview.byteLength;
  `,
  ),
  MemoryFill: bulk("rrr", "memoryFill(mem!, s32[$1], s32[$2], s32[$3], bulkFuel, store)"),
  MemoryCopy: bulk("rrr", "memoryCopy(mem!, mem!, s32[$1], s32[$2], s32[$3], bulkFuel, store)"),
  MemoryInit: bulk("xrrr", "memoryInit(inst, $1, 0, s32[$2], s32[$3], s32[$4], bulkFuel, store)"),
  DataDrop: op("x", "dataDrop(inst, $1);"),

  // Tables
  TableGet: op("rxr", "s32[$1] = tableGet(inst.tables[$2], s32[$3]);"),
  TableSet: op("xrr", "tableSet(inst.tables[$1], s32[$2], s32[$3]);"),
  TableSize: op("rx", "s32[$1] = inst.tables[$2].size;"),
  TableGrow: op(
    "rxrr",
    `
    const old = tableGrow(inst.tables[$2], s32[$3], s32[$4], bulkFuel, store);
    if (old === GROW_OUT_OF_FUEL) {
      ${at(6, STOP_OR_RETRY)}
    }
    s32[$1] = old;
  `,
  ),
  TableFill: bulk("xrrr", "tableFill(inst.tables[$1], s32[$2], s32[$3], s32[$4], bulkFuel, store)"),
  TableCopy: bulk(
    "xxrrr",
    "tableCopy(inst.tables[$1], inst.tables[$2], s32[$3], s32[$4], s32[$5], bulkFuel, store)",
  ),
  TableInit: bulk("xxrrr", "tableInit(inst, $1, $2, s32[$3], s32[$4], s32[$5], bulkFuel, store)"),
  ElemDrop: op("x", "elemDrop(inst, $1);"),

  // v128 (SIMD): moves of all four words of a slot (the plain ones move two), then generic
  // instructions keyed by the Wasm sub-opcode (see `simd.ts`, `simd_mem.ts`)
  Copy128: op(
    "rr",
    `
    const d = $1, a = $2;
    s32[d] = s32[a];
    s32[d + 1] = s32[a + 1];
    s32[d + 2] = s32[a + 2];
    s32[d + 3] = s32[a + 3];
  `,
  ),
  Select128: op(
    "rrrr",
    `
    const d = $1;
    const a = s32[$2] !== 0 ? $3 : $4;
    s32[d] = s32[a];
    s32[d + 1] = s32[a + 1];
    s32[d + 2] = s32[a + 2];
    s32[d + 3] = s32[a + 3];
  `,
  ),
  GlobalGet128: op(
    "rx",
    `
    const g = globals[$2].value;
    const d = $1;
    s32[d] = g[0];
    s32[d + 1] = g[1];
    s32[d + 2] = g[2];
    s32[d + 3] = g[3];
  `,
  ),
  GlobalSet128: op(
    "xr",
    `
    const g = globals[$1].value;
    const a = $2;
    g[0] = s32[a];
    g[1] = s32[a + 1];
    g[2] = s32[a + 2];
    g[3] = s32[a + 3];
  `,
  ),
  V128Const: op(
    "riiii",
    `
    const d = $1;
    s32[d] = $2;
    s32[d + 1] = $3;
    s32[d + 2] = $4;
    s32[d + 3] = $5;
  `,
  ),
  // The common operations have rows of their own, each calling its own small function in
  // `simd.ts` (a generic row costs a second switch on the sub-opcode). They are calls rather than
  // inline code because `run` must stay under V8's limit on the bytecode it optimises (60 KB).
  V128LoadFull: op("rro", "v128Load(s32, mview, $1, s32[$2], $3);"),
  // `v128.load` of an address the instruction before computed with `i32.add` of a constant
  // (`d base imm offset`): the translator fuses the two (the address wraps as the add would).
  V128LoadAt: op("rrio", "v128Load(s32, mview, $1, (s32[$2] + $3) | 0, $4);"),
  V128And: op("rrr", "v128And(s32, $1, $2, $3);"),
  V128Andnot: op("rrr", "v128Andnot(s32, $1, $2, $3);"),
  V128Or: op("rrr", "v128Or(s32, $1, $2, $3);"),
  V128Xor: op("rrr", "v128Xor(s32, $1, $2, $3);"),
  V128Not: op("rr", "v128Not(s32, $1, $2);"),
  V128Splat32: op("rr", "v128Splat32(s32, $1, $2);"),
  V128AnyTrue: op("rr", "v128AnyTrue(s32, $1, $2);"),
  I8x16Eq: op("rrr", "i8x16Eq(s32, $1, $2, $3);"),
  // Rows of their own for the generic operators vec_bytes runs (count above a threshold,
  // saturating brighten, sum of absolute differences): `V128Binary`'s switch cost about 3.5 ns
  // more per instruction than a row of its own (i8x16.gt_u against i8x16.eq in a loop).
  I8x16GtU: op("rrr", "i8x16GtU(s32, $1, $2, $3);"),
  I32x4MinU: op("rrr", "i32x4MinU(s32, $1, $2, $3);"),
  I32x4Abs: op("rr", "i32x4Abs(s32, $1, $2);"),
  // `i32x4.abs` of an `i32x4.sub` just computed, and `i32x4.min_u` of an `i32x4.add` just
  // computed (its first operand) and `$4`: vec_bytes' sum of absolute differences and its
  // saturating brighten, 2.5% of its dispatches each (codegen.ts spells them by their parts).
  I32x4SubAbs: op("rrr", "i32x4SubAbs(s32, $1, $2, $3);"),
  I32x4AddMinU: op("rrrr", "i32x4AddMinU(s32, $1, $2, $3, $4);"),
  I8x16NarrowI16x8U: op("rrr", "i8x16NarrowI16x8U(s32, $1, $2, $3);"),
  I16x8NarrowI32x4U: op("rrr", "i16x8NarrowI32x4U(s32, $1, $2, $3);"),
  I8x16Add: op("rrr", "i8x16Add(s32, $1, $2, $3);"),
  I8x16Sub: op("rrr", "i8x16Sub(s32, $1, $2, $3);"),
  I16x8Add: op("rrr", "i16x8Add(s32, $1, $2, $3);"),
  I16x8Sub: op("rrr", "i16x8Sub(s32, $1, $2, $3);"),
  I16x8Mul: op("rrr", "i16x8Mul(s32, $1, $2, $3);"),
  I32x4Add: op("rrr", "i32x4Add(s32, $1, $2, $3);"),
  I32x4Sub: op("rrr", "i32x4Sub(s32, $1, $2, $3);"),
  I32x4Mul: op("rrr", "i32x4Mul(s32, $1, $2, $3);"),
  I8x16Shl: op("rrr", "i8x16Shl(s32, $1, $2, s32[$3]);"),
  I8x16ShrU: op("rrr", "i8x16ShrU(s32, $1, $2, s32[$3]);"),
  I16x8Shl: op("rrr", "i16x8Shl(s32, $1, $2, s32[$3]);"),
  I16x8ShrS: op("rrr", "i16x8ShrS(s32, $1, $2, s32[$3]);"),
  I16x8ShrU: op("rrr", "i16x8ShrU(s32, $1, $2, s32[$3]);"),
  // Shifts by a constant (`d a k`): no `ConstI32` before them. Alone they run in `runWarm`;
  // vec_bytes' blur has them only as parts of the two rows after.
  I16x8ShlImm: op("rri", "i16x8Shl(s32, $1, $2, $3);"),
  I16x8ShrUImm: op("rri", "i16x8ShrU(s32, $1, $2, $3);"),
  // `i16x8.add` of `c` and an `I16x8ShlImm t, a, k` just computed (`d a k c t`: `t` the
  // shift's result slot, which only codegen.ts's spelling of the two rows writes), and
  // `I16x8ShrUImm` of an `i16x8.add` of `a` and `b` just computed (`d a b k`): vec_bytes' blur,
  // `(a + 2b + c + 2) >> 2` on widened lanes, 11 dispatches per 8 lanes to 7. Their helpers
  // read the operands from the code (as `V128LoadAtShuffleZx`): spelled here, the two rows
  // took 342 bytes of `run`, this way 112.
  I16x8AddShlImm: op("rrirr", "i16x8AddShlAt(s32, code, pc, fp);"),
  I16x8AddShrUImm: op("rrri", "i16x8AddShrUAt(s32, code, pc, fp);"),
  I32x4Shl: op("rrr", "i32x4Shl(s32, $1, $2, s32[$3]);"),
  I32x4ShrS: op("rrr", "i32x4ShrS(s32, $1, $2, s32[$3]);"),
  I32x4ShrU: op("rrr", "i32x4ShrU(s32, $1, $2, s32[$3]);"),
  F32x4Add: op("rrr", "f32x4Add(f32, $1, $2, $3);"),
  F32x4Sub: op("rrr", "f32x4Sub(f32, $1, $2, $3);"),
  F32x4Mul: op("rrr", "f32x4Mul(f32, $1, $2, $3);"),
  F32x4Div: op("rrr", "f32x4Div(f32, $1, $2, $3);"),
  F32x4Min: op("rrr", "f32x4Min(f32, $1, $2, $3);"),
  F32x4Max: op("rrr", "f32x4Max(f32, $1, $2, $3);"),
  // `f32x4.mul` whose product only feeds an `f32x4.add`, as `F32MulAdd` (vec_float: 6.7% of
  // dispatches are such pairs).
  F32x4MulAdd: op("rrrr", "f32x4MulAdd(f32, $1, $2, $3, $4);"),
  // `f32x4.min` of an `f32x4.max` just computed: a clamp, `d = min(max(a, b), c)` (vec_float:
  // 5% of dispatches are such pairs).
  F32x4MaxMin: op("rrrr", "f32x4MaxMin(f32, $1, $2, $3, $4);"),
  // ... of a v128 just loaded from `base + imm` (`d b c base imm`, as `V128LoadAt d base imm 0`):
  // a clamp loop's load and clamp in one (vec_float: 2 of its 7 dispatches per two vectors).
  F32x4MaxMinLoad: op(
    "rrrri",
    "f32x4MaxMinLoad(f32, mview, $1, $2, $3, (s32[$4] + $5) | 0);",
  ),
  // `f32x4.mul` of a v128 just loaded (`d a base imm offset`: the load of `V128LoadAt`), so
  // the loaded vector never goes through a slot (vec_float: 9% of dispatches are such pairs).
  F32x4MulLoad: op("rrrio", "f32x4MulLoad(f32, mview, $1, $2, (s32[$3] + $4) | 0, $5);"),
  // ... whose product then feeds an `f32x4.add` (`d a base imm offset c`: a dot product's
  // step; vec_float: 5% of dispatches are such pairs).
  F32x4MulLoadAdd: op(
    "rrrior",
    "f32x4MulLoadAdd(f32, mview, $1, $2, (s32[$3] + $4) | 0, $5, $6);",
  ),
  // `f32x4.mul` of two v128s just loaded from one base slot plus two constants (`d base imm
  // imm2`: the loads `V128LoadAt d base imm 0` and `... imm2 0`), and that product fed to an
  // `f32x4.add` (`... c`): a dot product's `x[i] * y[i]` terms (vec_float: 4 of the 12
  // dispatches per step of its dot product). One base and no offsets keep the rows small
  // (293 bytes of `run` each with both loads' three operands, 2026-12).
  F32x4MulLoad2: op("rrii", "f32x4MulLoad2(f32, mview, $1, s32[$2], $3, $4);"),
  F32x4MulLoad2Add: op("rriir", "f32x4MulLoad2Add(f32, mview, $1, s32[$2], $3, $4, $5);"),
  // `F32x4MaxMinLoad` then a `V128StoreAt` of its result, and `F32x4MulLoadAdd` then a
  // `V128Store` of its result: one dispatch for vec_float's clamp and saxpy steps (18% of its
  // dispatches). Each is laid out as the two instructions it joins, only the first opcode
  // changed (the second's opcode is the `i` in the middle), so that the code generator, which
  // wants the two apart (its f32 lanes live in number locals between them; one instruction,
  // they stayed in the slot: vec_float 25 -> 32 ms per call in that tier), reads them back as
  // they were (`unjoined` in codegen.ts). The helper reads the operands from the code.
  F32x4MaxMinLoadStoreAt: op(
    "rrrriirior",
    "f32x4MaxMinLoadStoreAt(s32, f32, mview, code, pc, fp);",
  ),
  F32x4MulLoadAddStore: op("rrrioriror", "f32x4MulLoadAddStore(s32, f32, mview, code, pc, fp);"),
  F64x2Add: op("rrr", "f64x2Add(f64, $1, $2, $3);"),
  F64x2Sub: op("rrr", "f64x2Sub(f64, $1, $2, $3);"),
  F64x2Mul: op("rrr", "f64x2Mul(f64, $1, $2, $3);"),
  F64x2Div: op("rrr", "f64x2Div(f64, $1, $2, $3);"),
  // i32x4.extract_lane and f32x4.extract_lane (the lane an immediate)
  V128ExtractLane32: op("rri", "s32[$1] = s32[$2 + $3];"),
  V128Unary: op("rvr", "simdUnary($2, s32, $1, $3);"),
  V128Binary: op("rvrr", "simdBinary($2, s32, $1, $3, $4);"),
  V128Ternary: op("rvrrr", "simdTernary($2, s32, $1, $3, $4, $5);"),
  V128ExtractLane: op("rvri", "simdExtractLane($2, s32, $1, $3, $4);"),
  V128ReplaceLane: op("rvrri", "simdReplaceLane($2, s32, $1, $3, $4, $5);"),
  V128Shuffle: op("rrriiii", "simdShuffle(s32, $1, $2, $3, $4, $5, $6, $7);"),
  // A shuffle clang widens unsigned lanes with (one input a zero vector): `V128Shuffle`'s
  // operands and the shape (`shuffleZeroExtendKind` in simd.ts).
  V128ShuffleZx: op("rrriiiii", "simdShuffleZx(s32, $1, $2, $3, $4, $5, $6, $7, $8);"),
  V128Load: op("rvro", "simdLoad($2, s32, mview, $1, s32[$3], $4);"),
  // A `V128Load` of `base + imm` (as `V128LoadAt` for `v128.load`): clang's widening loads
  // (`v128.load64_zero`, `v128.load16x4_s`) at `local + constant`, 2% of vec_bytes' dispatches
  // the adds before them.
  V128LoadSubAt: op("rvrio", "simdLoad($2, s32, mview, $1, (s32[$3] + $4) | 0, $5);"),
  // ... of its own for the two kinds vec_bytes runs most (1.1 M of its 1.3 M `V128LoadSubAt`s):
  // `simdLoad`'s switch cost about 7 ns more per load than `V128LoadFull` (a loop of four
  // `v128.load64_zero`s against one of four `v128.load`s).
  V128Load32SplatAt: op("rrio", "v128Load32Splat(s32, mview, $1, (s32[$2] + $3) | 0, $4);"),
  V128Load64ZeroAt: op("rrio", "v128Load64Zero(s32, mview, $1, (s32[$2] + $3) | 0, $4);"),
  // A `V128ShuffleZx` (`$1`..`$8`) of the vector that the load just before put in `$9` (from
  // `base + imm`, `$10 $11`, no offset): the load, then the shuffle, one dispatch (vec_bytes'
  // blur, brighten and sum of differences: 6.8% of its dispatches are such pairs). The helper
  // reads the operands from the code itself: spelled here, the 11 operands and two calls took
  // 395 bytes of `run` per row, this one call 1/10 of that (codegen.ts spells the two calls).
  V128LoadAtShuffleZx: op("rrriiiiirri", "v128LoadShuffleZx(0, s32, mview, code, pc, fp);"),
  V128Load32SplatAtShuffleZx: op("rrriiiiirri", "v128LoadShuffleZx(1, s32, mview, code, pc, fp);"),
  V128Load64ZeroAtShuffleZx: op("rrriiiiirri", "v128LoadShuffleZx(2, s32, mview, code, pc, fp);"),
  V128Store: op("ror", "simdStore(s32, mview, s32[$1], $2, $3);"),
  // `v128.store` to `base + imm` (`base imm offset value`), as `I32StoreAt`.
  V128StoreAt: op("rior", "simdStore(s32, mview, (s32[$1] + $2) | 0, $3, $4);"),
  V128LoadLane: op("rvrori", "simdLoadLane($2, s32, mview, $1, s32[$3], $4, $5, $6);"),
  V128StoreLane: op("vrori", "simdStoreLane($1, s32, mview, s32[$2], $3, $4, $5);"),

  // Exception handling: `Throw tag payload` (the payload in consecutive slots), `ThrowRef exn`.
  // Either unwinds to the innermost handler (see exceptions.ts) or leaves `run` by throwing.
  Throw: jump(
    "xr",
    `
    frames[2 * depth + 1] = $next;
    throwNew(store, st, baseDepth, inst.tags[$1]!, s32, $2);
    ${RESUME_AT_HANDLER.replaceAll("\n", "\n    ")}
  `,
  ),
  ThrowRef: jump(
    "r",
    `
    const exn = store.exns[s32[$1]]!;
    if (exn === null) throw trap(TrapCode.NullExnReference);
    frames[2 * depth + 1] = $next;
    throwException(store, st, baseDepth, exn);
    ${RESUME_AT_HANDLER.replaceAll("\n", "\n    ")}
  `,
  ),
  // GC (gc.ts): struct and array handles in slots; a field's or element's storage kind (`ST_*`)
  // and a struct field's word offset are immediates, types are canonical type ids; a heap type
  // operand is an abstract heap type's code (`HT_*`, negative) or a canonical type id. The allocating ones can stop for
  // fuel (they pay per element, as bulk operations do), which also makes them points where the
  // code generation tier writes its cached slots back: the collector's roots are then current.
  StructNew: bulk("rxr", "structNew(store, gcType($2), s32, $1, $3, bulkFuel)"),
  StructNewDefault: bulk("rx", "structNewDefault(store, gcType($2), s32, $1, bulkFuel)"),
  StructGet: op("rrii", "structGet(store, s32, $1, s32[$2], $3, $4);"),
  StructSet: op("rrii", "structSet(store, s32[$1], s32, $2, $3, $4);"),
  ArrayNew: bulk("rxrr", "arrayNew(store, gcType($2), s32, $1, $3, s32[$4], bulkFuel)"),
  ArrayNewDefault: bulk(
    "rxr",
    "arrayNewDefault(store, gcType($2), s32, $1, s32[$3], bulkFuel)",
  ),
  ArrayNewFixed: bulk("rxir", "arrayNewFixed(store, gcType($2), s32, $1, $3, $4, bulkFuel)"),
  ArrayNewData: bulk(
    "rxxrr",
    "arrayNewData(store, inst, gcType($2), $3, s32, $1, s32[$4], s32[$5], bulkFuel)",
  ),
  ArrayNewElem: bulk(
    "rxxrr",
    "arrayNewElem(store, inst, gcType($2), $3, s32, $1, s32[$4], s32[$5], bulkFuel)",
  ),
  ArrayGet: op("rrri", "arrayGet(store, s32, $1, s32[$2], s32[$3], $4);"),
  ArraySet: op("rrr", "arraySet(store, s32[$1], s32[$2], s32, $3);"),
  ArrayLen: op("rr", "s32[$1] = arrayLen(store, s32[$2]);"),
  ArrayFill: bulk("rrrr", "arrayFill(store, s32[$1], s32[$2], s32, $3, s32[$4], bulkFuel)"),
  ArrayCopy: bulk(
    "rrrrr",
    "arrayCopy(store, s32[$1], s32[$2], s32[$3], s32[$4], s32[$5], bulkFuel)",
  ),
  ArrayInitData: bulk(
    "xrrrr",
    "arrayInitData(store, inst, $1, s32[$2], s32[$3], s32[$4], s32[$5], bulkFuel)",
  ),
  ArrayInitElem: bulk(
    "xrrrr",
    "arrayInitElem(store, inst, $1, s32[$2], s32[$3], s32[$4], s32[$5], bulkFuel)",
  ),
  RefI31: op("rr", "s32[$1] = (s32[$2] << 1) | 1;"),
  I31GetS: op(
    "rr",
    `
    const h = s32[$2];
    if (h === 0) throw trap(TrapCode.NullI31Reference);
    s32[$1] = h >> 1;
  `,
  ),
  I31GetU: op(
    "rr",
    `
    const h = s32[$2];
    if (h === 0) throw trap(TrapCode.NullI31Reference);
    s32[$1] = h >>> 1;
  `,
  ),
  RefTest: op("rrii", "s32[$1] = refTestI32(store, s32[$2], $3, $4);"),
  RefCast: op("rrii", "s32[$1] = refCast(store, s32[$2], $3, $4);"),
  BrOnCast: branch(
    "riit",
    "BrOnCastFail",
    "is",
    "const is = refTest(store, s32[$1], $2, $3);\n",
  ),
  BrOnCastFail: branch(
    "riit",
    "BrOnCast",
    "!is",
    "const is = refTest(store, s32[$1], $2, $3);\n",
  ),
  // Threads: generic atomic accesses keyed by the `0xFE` sub-opcode (see `atomics.ts`), with the
  // memory index (multi-memory; a 64-bit address is narrowed by `Index64` first)
  AtomicLoad: op("rvxro", "atomicLoad($2, s32, inst.memories[$3].view, $1, s32[$4], $5);"),
  AtomicStore: op("vxror", "atomicStore($1, s32, inst.memories[$2].view, s32[$3], $4, $5);"),
  AtomicRmw: op("rvxror", "atomicRmw($2, s32, inst.memories[$3].view, $1, s32[$4], $5, $6);"),
  AtomicCmpxchg: op(
    "rvxrorr",
    "atomicCmpxchg($2, s32, inst.memories[$3].view, $1, s32[$4], $5, $6, $7);",
  ),
  AtomicWait: op(
    "rvxrorr",
    "s32[$1] = atomicWait($2, s32, inst.memories[$3], s32[$4], $5, $6, $7);",
  ),
  AtomicNotify: op("rvxror", "s32[$1] = atomicNotify(inst.memories[$3].view, s32[$4], $5);"),
  // multi-memory, memory64, table64 (`memory_ext.ts`). Memory 0 keeps the instructions above;
  // the others' accesses carry a memory index and, for loads and stores, the Wasm opcode. A
  // 64-bit address, index or size is narrowed to a u32 word first (`Index64`: when its high
  // word is set, 0xfffffff8 plus its low 3 bits: out of bounds in any 64-bit memory or table,
  // which stay smaller, and as aligned as the address, so an atomic access traps for its bounds),
  // and a 64-bit memory's or table's size results are widened back (`SizeToI64`: -1 stays -1).
  Index64: op(
    "rr",
    `
    const a = $2;
    s32[$1] = s32[a + 1] === 0 ? s32[a] : -8 | (s32[a] & 7);
  `,
  ),
  SizeToI64: op(
    "rr",
    `
    const d = $1;
    const v = s32[$2];
    s32[d] = v;
    s32[d + 1] = v === -1 ? -1 : 0;
  `,
  ),
  LoadMem: op("rixro", "memLoad($2, s32, $1, inst.memories[$3].view, s32[$4], $5);"),
  StoreMem: op("ixror", "memStore($1, s32, inst.memories[$2].view, s32[$3], $4, $5);"),
  MemorySizeMem: op("rx", "s32[$1] = inst.memories[$2].pages;"),
  MemoryGrowMem: op(
    "rxr",
    `
    const old = memoryGrow(inst.memories[$2], s32[$3], bulkFuel, store);
    if (old === GROW_OUT_OF_FUEL) {
      ${at(6, STOP_OR_RETRY)}
    }
    s32[$1] = old;
    // It may have been memory 0 imported twice.
    ${at(4, REFRESH_VIEW)}
  `,
  ),
  MemoryFillMem: bulk(
    "xrrr",
    "memoryFill(inst.memories[$1], s32[$2], s32[$3], s32[$4], bulkFuel, store)",
  ),
  MemoryCopyMem: bulk(
    "xxrrr",
    "memoryCopy(inst.memories[$1], inst.memories[$2], s32[$3], s32[$4], s32[$5], bulkFuel, store)",
  ),
  MemoryInitMem: bulk(
    "xxrrr",
    "memoryInit(inst, $1, $2, s32[$3], s32[$4], s32[$5], bulkFuel, store)",
  ),
  V128LoadMem: op("rvxro", "simdLoad($2, s32, inst.memories[$3].view, $1, s32[$4], $5);"),
  V128StoreMem: op("xror", "simdStore(s32, inst.memories[$1].view, s32[$2], $3, $4);"),
  V128LoadLaneMem: op(
    "rvxrori",
    "simdLoadLane($2, s32, inst.memories[$3].view, $1, s32[$4], $5, $6, $7);",
  ),
  V128StoreLaneMem: op(
    "vxrori",
    "simdStoreLane($1, s32, inst.memories[$2].view, s32[$3], $4, $5, $6);",
  ),
  // Counts a call (at a function's start) or a loop iteration (at a loop's header) towards the
  // function's tier-up (`CompiledFunc.hotness`); only emitted when the engine's tier is `auto`,
  // so the interpreter alone never dispatches it. When the count runs out the driver generates
  // the function and continues this frame there, from this instruction (a no-op in generated
  // code).
  TierUp: jump(
    "",
    `
    if (--funcs[depth]!.compiled!.hotness <= 0) {
      frames[2 * depth + 1] = pc;
      store.fuel = fuel;
      return TIER_UP;
    }
    pc = ($next) | 0;
  `,
  ),
} satisfies Record<string, Row>;

/**
 * Taken, a fuel-paying branch (see `FUEL_ROWS`) pays the charge of the `ConsumeFuel` at `at`
 * and jumps to `target`; when the store cannot pay, it jumps to that `ConsumeFuel`, which stops
 * (or refills and charges), and control continues from it as the branch would have. No `const`s
 * (as in `armsPaying`): they took `run` past 128 registers with ii64's fused rows (+7 KB). The
 * fuel left is the scratch `x`, a difference of two Smis (both at most `FUEL_CHUNK`, 2^30 - 1),
 * from `run`'s local `fuel` (see `FUEL_OUT` in scripts/gen_executor.ts), never the store's
 * field: TurboFan's code for a charge was a map check of `store`, the field's load, untag, tag
 * and store (`perf annotate` of sieve, fuel on); it is now a stack slot's load and store. Spelled
 * without `| 0` (V8 adds an overflow check that never fails, `jo`): 63 bytes less of `run` for
 * the 11 paying rows, which paid for the local's write-backs.
 *
 * Both ways read their pc through one load, the operand chosen first (`x` becomes its offset
 * from pc, once `fuel` has the fuel left): the fallback's own read of `at` first ran at a
 * process's first refill, long after V8 had optimised `run`, and its add had no type feedback,
 * so the optimised code was thrown away there and `run` compiled again (`--trace-deopt`: xxh64,
 * fuel on, the call that first refilled, "Insufficient type feedback for binary operation").
 */
function payOrFallBack(target: number, at: number, cost: number): string {
  return `x = fuel - $${cost};
if (x >= 0) {
  fuel = x;
  x = ${target};
} else x = ${at};
v = code[(pc + x) | 0];`;
}

/**
 * The fuel-paying form of branch row `base`: its operands (the target last), then the pc of the
 * `ConsumeFuel` it pays for and that charge (patched with it: see `FuelRegion.sharers` in
 * translator.ts), an immediate rather than a load through the pc of the `ConsumeFuel`. The
 * next pc is computed before the test, as in the counted rows of `FED_EXIT_ROWS`
 * (scripts/gen_executor.ts): spelled in the exit, its add first ran when the loop ended, after
 * `run` was optimised, and deoptimised it there.
 */
function paying(base: Row): Row {
  const m = /^([\s\S]*)pc = ([\s\S]*) \? \$(\d+) : \$next;$/.exec(base.run!);
  if (m === null || Number(m[3]) !== base.shape.length || /\bv\b/.test(base.run!)) {
    throw new Error(`not a branch: ${base.run}`);
  }
  const [, prelude, cond] = m;
  // Operand n is code word n (no `w` operands in a branch's shape).
  const n = base.shape.length;
  if (base.shape.includes("w")) throw new Error(`a wide operand: ${base.shape}`);
  const run = `${prelude}v = ($next) | 0;
if (${cond}) {
  ${at(2, payOrFallBack(n, n + 1, n + 2))}
}
pc = v;`;
  return { shape: `${base.shape}ti`, run, jumps: true, caseOf: null, negation: null };
}

/**
 * The arms-paying form of branch row `base` (same operands): the branch of an `if` with an
 * `else`, both of whose ways land on an arm's `ConsumeFuel`, pays the one it takes and jumps
 * past it (or, when the store cannot pay, goes to it: it stops, or refills and charges).
 */
function armsPaying(base: Row): Row {
  const m = /^([\s\S]*)pc = ([\s\S]*) \? \$(\d+) : \$next;$/.exec(base.run!);
  if (m === null) throw new Error(`not a branch: ${base.run}`);
  const [, prelude, cond, target] = m;
  // Written without `const`s: with them `run` needed more than 128 registers, and V8 then
  // spelled many of its instructions in a wider form (+3.6 KB of bytecode for four rows).
  const run = `${prelude}pc = ${cond} ? $${target} : $next;
x = fuel - code[(pc + 1) | 0];
if (x >= 0) {
  fuel = x;
  pc = (pc + 2) | 0;
}`;
  return { shape: base.shape, run, jumps: true, caseOf: null, negation: null };
}

/**
 * Fuel-only branches, which the translator emits only when fuel is metered (the interpreter
 * without fuel never dispatches them). `*Pay`: a branch that would land on a `ConsumeFuel`, or
 * on a loop header's (a rotated loop's back edge, whose `ConsumeFuel` comes first), pays that
 * charge itself when taken and jumps past it. `*Arms`: the branch of an `if` with an `else` pays
 * the arm it enters either way. So a loop's back edge, a `br_if` to a loop header or entering an
 * arm costs one dispatch, as without fuel. The charges are those of the `ConsumeFuel`s they
 * stand for, and a store that cannot pay stops there, with the same state (the conditions are
 * pure compares: testing them first changes nothing). Only the forms measured to matter have
 * rows (`deno task bench --count --fuel --pairs`): each costs `run` about 230 bytes of bytecode.
 */
const FUEL_ROWS = {
  BrIfNezPay: paying(ROWS.BrIfNez),
  BrIfI32NePay: paying(ROWS.BrIfI32Ne),
  BrIfI32LtUPay: paying(ROWS.BrIfI32LtU),
  BrIfI32LeUPay: paying(ROWS.BrIfI32LeU),
  // A counter's step fused with its loop's back edge (see `addImmBranch`): the step, then the
  // test; the charge only when taken.
  I32AddBrIfLtUPay: paying(ROWS.I32AddBrIfLtU),
  I32AddImmBrIfLtUPay: paying(ROWS.I32AddImmBrIfLtU),
  I32AddImmBrIfLtUImmPay: paying(ROWS.I32AddImmBrIfLtUImm),
  I32AddImmBrIfNePay: paying(ROWS.I32AddImmBrIfNe),
  // vec_bytes_scalar's and xxh64's back edges (`bench --count --fuel`: their `ConsumeFuel`s
  // were 7.4% and 11.8% of dispatches).
  I32AddImmBrIfNeImmPay: paying(ROWS.I32AddImmBrIfNeImm),
  I32AddImmBrIfLeUPay: paying(ROWS.I32AddImmBrIfLeU),
  BrIfEqzArms: armsPaying(ROWS.BrIfEqz),
  BrIfNezArms: armsPaying(ROWS.BrIfNez),
  BrIfI32GeUImmArms: armsPaying(ROWS.BrIfI32GeUImm),
} satisfies Record<string, Row>;

/** The name of an instruction. */
export type InstrName = keyof typeof ROWS | keyof typeof FUEL_ROWS;

/** Every instruction, in opcode order. */
export const ISA: readonly InstrDef[] = Object.entries({ ...FUEL_ROWS, ...ROWS }).map((
  [name, row],
) => Object.freeze({ name, ...row }));

/** Opcode numbers by instruction name: `I.I32Add`. */
export const I: Readonly<Record<InstrName, number>> = Object.freeze(
  Object.fromEntries(ISA.map((d, i) => [d.name, i])) as Record<InstrName, number>,
);

for (const d of ISA) {
  for (const other of [d.caseOf, d.negation]) {
    if (other !== null && !(other in I)) throw new Error(`${d.name}: no instruction ${other}`);
  }
}

/** For each opcode, its fuel-paying form (see `FUEL_ROWS`: `BrIfNez` → `BrIfNezPay`), or -1. */
export const PAYING_FORM: Int32Array = Int32Array.from(ISA, (d) => {
  const name = `${d.name}Pay`;
  return name in FUEL_ROWS ? I[name as InstrName] : -1;
});

/** For each opcode, its arms-paying form (`BrIfEqz` → `BrIfEqzArms`), or -1. */
export const ARMS_FORM: Int32Array = Int32Array.from(ISA, (d) => {
  const name = `${d.name}Arms`;
  return name in FUEL_ROWS ? I[name as InstrName] : -1;
});

/** For each fuel-paying branch (`FUEL_ROWS`), the branch it pays for; -1 for other opcodes. */
export const PAID_BRANCH: Int32Array = Int32Array.from(ISA, (d) => {
  const base = d.name.replace(/(Pay|Arms)$/, "");
  return d.name in FUEL_ROWS ? I[base as InstrName] : -1;
});

/**
 * Code words an instruction occupies (opcode included); for `BrTable` the fixed part only
 * (add the jump table's `n + 1` targets).
 */
export const INSTR_SIZE: Uint8Array = Uint8Array.from(ISA, (d) => {
  let n = 1;
  for (const c of d.shape) n += c === "w" ? 2 : 1;
  return n;
});

/** How `expandRun` spells a row's placeholders (the executor's spelling is in the generator). */
export interface RunSpelling {
  /**
   * Operand `$n`: its shape letter, the index of its code word after the opcode (`1` for the
   * first operand; for `$n.hi` the high word of a `w`), and the template text after it.
   */
  operand(kind: string, word: number, rest: string): string;
  /** `$next`: the pc of the next instruction, `size` code words on. */
  next(size: number, rest: string): string;
  /** `#Name`: the opcode of instruction `name`. */
  opcode(name: InstrName): string;
}

/**
 * The `run` template of `def` with its placeholders spelled by `spell` (see the module doc).
 *
 * @example Spelled with named operands
 * ```ts
 * import { expandRun, I, ISA } from "./isa.ts";
 * const text = expandRun(ISA[I.I32AddImm]!, {
 *   operand: (kind, word) => `${kind}${word}`,
 *   next: (size) => `pc + ${size}`,
 *   opcode: (name) => String(I[name]),
 * });
 * if (text !== "s32[r1] = (s32[r2] + i3) | 0;") throw new Error(text);
 * ```
 */
export function expandRun(def: InstrDef, spell: RunSpelling): string {
  if (def.run === null) throw new Error(`${def.name} runs as part of ${def.caseOf}`);
  const words: number[] = [];
  let size = 1;
  for (const c of def.shape) {
    words.push(size);
    size += c === "w" ? 2 : 1;
  }
  return def.run.replace(
    /\$(\d+)(\.hi)?|\$next|#(\w+)/g,
    (match, n: string | undefined, hi: string | undefined, name: string | undefined, at, text) => {
      const rest = (text as string).slice((at as number) + match.length);
      if (name !== undefined) {
        if (!(name in I)) throw new Error(`${def.name}: no instruction ${name}`);
        return spell.opcode(name as InstrName);
      }
      if (n === undefined) return spell.next(size, rest);
      const i = Number(n) - 1;
      const kind = def.shape[i];
      if (kind === undefined) throw new Error(`${def.name}: no operand ${n} in "${def.shape}"`);
      if (hi !== undefined && kind !== "w") throw new Error(`${def.name}: $${n}.hi of a "${kind}"`);
      return spell.operand(kind, words[i]! + (hi === undefined ? 0 : 1), rest);
    },
  );
}

/** The size of the instruction at `code[pc]`, jump tables included. */
export function instrSize(code: Int32Array, pc: number): number {
  const op = code[pc]!;
  const size = INSTR_SIZE[op]!;
  return op === I.BrTable ? size + code[pc + 2]! + 1 : size;
}
