/**
 * Which fuel charges of a generated body test the count, and for how much (`planFuel`), for the
 * code generator (`codegen.ts`, `generateSource`).
 *
 * ## Why
 * Generated code counts fuel in a JS local and tests it at every `ConsumeFuel` (`fuel < cost`):
 * a compare and a branch per charge, and, at the charge, a path that refills the count from the
 * store or stops. In a small loop those tests cost as much as the loop's own work (`bench/loop.wat`,
 * whose iteration charges its header and one or two `if` arms).
 *
 * ## How
 * A charge that tests the count (a *checked* charge) tests it for its own cost and for the
 * costs of the charges that may follow it before the next checked one (its *need*); those others
 * (*covered* charges) only subtract their cost. On every path, a covered charge then finds the
 * count at least its cost, so it can never stop, and where the checked charge finds less than its
 * need it leaves the fast code: the store refills the count ahead (the common case: the store holds
 * at most `FUEL_CHUNK` and refills from its reserve) and the body continues, or, where even the
 * store cannot pay the need, the frame goes to the interpreter at the checked charge, which pays
 * every charge exactly as it always does (the fuel left, and the instruction a stop stops at, are
 * the interpreter's in either tier). That happens only within the last `need` units of a budget
 * or of a fuel slice.
 *
 * A charge is checked where the count may have changed since the last check or where no check
 * need come before it: the first charge on each path from an entry of the body, from a call or
 * anything else that hands the count to the store (`reset`), and from the target of a back edge
 * that is not a paying branch; and every paying branch (`*Pay`, a loop's back edge that pays the
 * loop's header charge). So a loop whose back edges pay its header checks once per iteration
 * (at its back edge), for the whole iteration: header, arms and the charges on its exits.
 *
 * A counted loop (its back edge `x = x + step; if (x < bound)`, nothing else in it calling out
 * or testing the count) checks once for up to 65,536 passes instead (`countedBackEdge`,
 * `stripMine`): its body runs in an inner loop bounded by a limit its count covers, which V8
 * compiles as it compiles the loop without fuel. And after a call, the local count takes the
 * store's back only where something reads it before the next write-back (`dropIdleTakes`).
 * Each charge is still made, where the interpreter makes it.
 *
 * @module
 */

/**
 * What an instruction is to the plan: `plain` (neither charges nor touches the count), `charge`
 * (a `ConsumeFuel`), `pay` (a branch that pays a charge when taken, a `*Pay` row: taken, it
 * charges, then jumps) or `reset` (it hands the count to the store and takes it back: a call, a
 * bulk operation; what it costs is not known here).
 */
export type FuelKind = "plain" | "charge" | "pay" | "reset";

/** One reachable instruction of a body, in the order of the code. */
export interface FuelNode {
  /** Its pc. */
  readonly pc: number;
  readonly kind: FuelKind;
  /** A charge's cost (for `Pay`, the cost it pays when taken); 0 for others. */
  readonly cost: number;
  /** The pc control falls through to, or -1 (a jump, return, trap or exit). */
  readonly next: number;
  /** The pcs it may branch to (for `Pay`, where it jumps once paid). */
  readonly targets: readonly number[];
}

/**
 * The largest need a checked charge may have: more than the store ever holds at once (see
 * `FUEL_CHUNK` in fuel.ts) would send every pass through it to the interpreter, and a smaller
 * cap leaves room to refill ahead. A body whose plan asks for more is planned without covered
 * charges.
 */
export const MAX_NEED = 1 << 24;

/**
 * The plan of a body's charges: for each checked charge (by the pc of its `ConsumeFuel` or
 * `*Pay` branch), its need; every other charge is covered. `entries` are the pcs where control
 * enters the body (its start, an OSR entry). Without a plan that covers anything (an unexpected
 * shape, a need past `MAX_NEED`), every charge is checked for its own cost.
 */
export function planFuel(
  nodes: readonly FuelNode[],
  entries: readonly number[],
): Map<number, number> {
  const at = new Map<number, number>();
  for (let i = 0; i < nodes.length; i++) at.set(nodes[i]!.pc, i);
  const n = nodes.length;
  const each = (): Map<number, number> => {
    const plain = new Map<number, number>();
    for (const node of nodes) {
      if (node.kind === "charge" || node.kind === "pay") {
        plain.set(node.pc, node.cost);
      }
    }
    return plain;
  };
  // Where the count is unknown on entry: the entries, after a reset, and the targets of back
  // edges other than paying ones.
  const boundary = new Uint8Array(n);
  const mark = (pc: number): boolean => {
    const i = at.get(pc);
    if (i === undefined) return false;
    boundary[i] = 1;
    return true;
  };
  for (const pc of entries) if (at.has(pc)) mark(pc);
  for (const node of nodes) {
    if (node.kind === "reset" && node.next >= 0 && !mark(node.next)) return each();
    if (node.kind === "pay") continue;
    for (const t of node.targets) if (t <= node.pc && !mark(t)) return each();
  }
  // The checked charges: every paying branch, and the first charges reached from a boundary.
  const checked = new Uint8Array(n);
  const seen = new Uint8Array(n);
  const todo: number[] = [];
  for (let i = 0; i < n; i++) {
    if (nodes[i]!.kind === "pay") checked[i] = 1;
    if (boundary[i] === 1) todo.push(i);
  }
  while (todo.length > 0) {
    const i = todo.pop()!;
    if (seen[i] === 1) continue;
    seen[i] = 1;
    const node = nodes[i]!;
    if (node.kind === "charge") {
      checked[i] = 1;
      continue;
    }
    if (node.kind === "reset") continue;
    const next = node.next >= 0 ? [node.next] : [];
    const succ = node.kind === "pay" ? next : [...next, ...node.targets];
    for (const pc of succ) {
      const j = at.get(pc);
      if (j === undefined) return each();
      todo.push(j);
    }
  }
  // What must be paid ahead from each instruction to the next check (backwards: every edge
  // that goes back is a paying branch's, or lands on a boundary, which needs nothing).
  const need = new Float64Array(n);
  /** After each checked charge (or a paying branch's jump): what its check covers. */
  const after = new Float64Array(n);
  const from = (pc: number): number => {
    const j = at.get(pc);
    if (j === undefined) return NaN;
    return boundary[j] === 1 || (checked[j] === 1 && nodes[j]!.kind === "charge") ? 0 : need[j]!;
  };
  for (let i = n - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (node.kind === "reset") continue;
    let most = node.next >= 0 ? from(node.next) : 0;
    if (node.kind !== "pay") {
      for (const t of node.targets) {
        if (t > node.pc) most = Math.max(most, from(t));
        else if (from(t) !== 0) return each();
      }
    }
    if (!(most >= 0)) return each();
    if (node.kind === "charge" && checked[i] === 1) after[i] = most;
    else need[i] = most + (node.kind === "charge" ? node.cost : 0);
  }
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    if (node.kind === "pay") {
      const t = from(node.targets[0]!);
      if (!(t >= 0)) return each();
      after[i] = t;
    }
  }
  // Checked forwards: every covered charge finds at least its cost on every path.
  const headroom = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    if (boundary[i] === 1) headroom[i] = 0;
    const node = nodes[i]!;
    if (node.kind === "pay") {
      const j = at.get(node.targets[0]!)!;
      if (j <= i) headroom[j] = Math.min(headroom[j]!, after[i]!);
    }
  }
  const plan = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const node = nodes[i]!;
    let h = headroom[i]!;
    if (h === Infinity) h = 0; // reached from nowhere the plan knows: assume nothing
    let out = h;
    let taken = h;
    if (node.kind === "reset") out = taken = 0;
    else if (node.kind === "charge") {
      if (checked[i] === 1) {
        const total = node.cost + after[i]!;
        if (total > MAX_NEED) return each();
        plan.set(node.pc, total);
        out = taken = after[i]!;
      } else {
        if (h < node.cost) return each();
        out = taken = h - node.cost;
      }
    } else if (node.kind === "pay") {
      const total = node.cost + after[i]!;
      if (total > MAX_NEED) return each();
      plan.set(node.pc, total);
      taken = after[i]!;
    }
    if (node.next >= 0) {
      const j = at.get(node.next)!;
      if (j > i) headroom[j] = Math.min(headroom[j]!, out);
    }
    for (const t of node.targets) {
      const j = at.get(t)!;
      if (j > i) headroom[j] = Math.min(headroom[j]!, taken);
    }
  }
  return plan;
}

/**
 * The back edges (`*Pay` branches) whose loops `countedBackEdge` may fold: the loop (from the
 * branch's target to the branch) is entered only at its start and left only forwards; the branch
 * is the only jump back to its start; nothing in it calls out, pays or tests the count but that
 * branch (each of its charges is covered by the branch's check, so one pass from the branch
 * back to it charges at most the branch's need). Other loops keep their check per iteration.
 * (That the loop writes its counter only at the branch, and its step and bound nowhere, is
 * checked on the finished text, see `countedBackEdge`.)
 */
export function foldableLoops(
  nodes: readonly FuelNode[],
  plan: ReadonlyMap<number, number>,
): Set<number> {
  const found = new Set<number>();
  for (let i = 0; i < nodes.length; i++) {
    const pay = nodes[i]!;
    if (pay.kind !== "pay" || !plan.has(pay.pc)) continue;
    const t = pay.targets[0]!;
    if (t > pay.pc) continue;
    let ok = true;
    for (let j = 0; j < nodes.length && ok; j++) {
      const node = nodes[j]!;
      const inside = node.pc >= t && node.pc <= pay.pc;
      if (inside && j !== i) {
        if (node.kind === "reset" || node.kind === "pay" || plan.has(node.pc)) ok = false;
      }
      for (const to of node.targets) {
        // Only the branch jumps to the loop's start; nothing outside jumps into the loop, and
        // nothing inside jumps back to anywhere but the start (a loop inside it).
        if (to === t && j !== i && node.pc >= t) ok = false;
        else if (to > t && to <= pay.pc && (!inside || to <= node.pc)) ok = false;
      }
    }
    if (ok) found.add(pay.pc);
  }
  return found;
}

/** How each counted back edge compares its counter (`I32Add*BrIf*Pay`, see isa.ts). */
const COUNTED: Readonly<Record<string, "<" | "<=" | "!==">> = {
  I32AddBrIfLtUPay: "<",
  I32AddImmBrIfLtUPay: "<",
  I32AddImmBrIfLtUImmPay: "<",
  I32AddImmBrIfLeUPay: "<=",
  I32AddImmBrIfNePay: "!==",
  I32AddImmBrIfNeImmPay: "!==",
};

/**
 * How each back edge that only compares its counter (`x < bound`, unsigned, or `<=`, `!==`)
 * compares it: a counted loop whose step the loop makes elsewhere in its body (the add not
 * fused with the branch: another instruction between them, as `bench/matmul.wat`'s inner loop
 * steps a second pointer after its counter). `stripMine` finds the step in the loop's text.
 */
const COMPARED: Readonly<Record<string, "<" | "<=" | "!==">> = {
  BrIfI32LtUPay: "<",
  BrIfI32LeUPay: "<=",
  BrIfI32NePay: "!==",
};

/** Where `stripMine` puts the step of a compared back edge at `pc` (see `COMPARED`). */
const stepAt = (pc: number) => `/*step@${pc}*/`;

/** The slots a counted back edge reads (by word offset), or null if it is none. */
export function countedSlots(
  name: string,
  shape: string,
  words: readonly number[],
): number[] | null {
  if (name in COMPARED) {
    return shape === "rrtti" && words[0] !== words[1] ? [words[0]!, words[1]!] : null;
  }
  if (!(name in COUNTED) || words[0] !== words[1]) return null;
  const slots = [words[0]!];
  // `rr?[ri]t`: the counter twice, then its step and its bound, a slot or an immediate.
  for (let k = 2; k <= 3; k++) {
    if (shape[k] !== "r") continue;
    if (words[k] === words[0]) return null;
    slots.push(words[k]!);
  }
  return slots;
}

/**
 * The most passes a folded loop runs between two checks of the count: with a need of `need` per
 * pass, `(ITERATIONS + 1) * need` must stay well below `FUEL_CHUNK`.
 */
const ITERATIONS = 1 << 16;

/**
 * A counted loop's back edge (`x = x + step; if (x < bound) continue`, unsigned, or `<=`,
 * `!==`) whose check of the count is made once for up to `ITERATIONS` passes rather than on
 * every pass. The loop's body runs in a loop of its own (`F<start>`, see `stripMine`) whose back
 * edge compares the counter with a limit `$lim<pc>` and only charges: V8 sees it as it sees the
 * loop without fuel (an invariant bound). The limit is computed at the head of every pass of
 * the outer loop; at the limit the branch tests as before (the refill, or the stop), charges, and
 * sets the limit again, to where the count still covers every pass: k more passes cost at most
 * `k * need` (`foldableLoops`), so while the count after the check is at least
 * `(k + 1) * need`, the next k checks would pass. The limit is k steps on, below the bound, and
 * only where the counter does not wrap in those steps (it then only grows, so it reaches the
 * limit within k passes); elsewhere 0 (one pass per check). Every charge is still made, at the
 * same place: the fuel left at a trap, a stop or the end is the interpreter's.
 *
 * Measured on a model of `bench/bytesum.wat`'s inner loop (CPU, best of 12): fuel off 11.3 ms,
 * checked per pass 13.5 ms, folded 11.4 ms; the limit compared in the loop that also checks
 * (two back edges, or the limit changing inside the loop) 13.0-17.4 ms.
 *
 * `name`/`shape`/`words` are the row's (its operands from the pc on), `slot(w)` spells the slot
 * at word offset `w`, `check` is the checked charge's text without its charge, `charged` the
 * charge, `jump` the jump back, `cold` the local that is not 0 in a function's first call
 * (`FUEL_COLD` in codegen.ts).
 */
export function countedBackEdge(
  name: string,
  shape: string,
  words: readonly number[],
  pc: number,
  need: number,
  slot: (w: number) => string,
  check: string,
  charged: string,
  jump: string,
  cold: string,
): string | null {
  const compared = COMPARED[name];
  const cmp = compared ?? COUNTED[name];
  if (cmp === undefined || countedSlots(name, shape, words) === null) return null;
  const k = Math.min(ITERATIONS, Math.floor((1 << 24) / need) - 1);
  if (k < 8) return null;
  if (compared === undefined && shape[2] !== "r" && words[2]! >>> 0 === 0) return null;
  const x = `s32[${slot(words[0]!)}]`;
  const [step, bound] = compared !== undefined
    ? [stepAt(pc), `s32[${slot(words[1]!)}]`]
    : [2, 3].map((w) => shape[w] === "r" ? `s32[${slot(words[w]!)}]` : `${words[w]}`);
  const test = cmp === "!==" ? `${x} !== ${bound}` : `(${x} >>> 0) ${cmp} (${bound} >>> 0)`;
  const lim = `$lim${pc}`;
  // A `!==` loop's fast test is `!==` too, its limit the counter `min(k + 1, n)` steps on
  // (`n` the steps to the bound, where they are a whole number: else one step on, so the fast
  // test fails after one pass). Clang's loops count from below 0 up to 0 (or down to it), which
  // an unsigned `<` limit cannot reach without wrapping: they went unmined (one check per
  // pass, `bench/vec_bytes.c`).
  // In a first call (`cold` not 0) every limit stops one step short of the bound, so the last
  // pass of each run of the loop takes the check (and its refill path, see `FUEL_COLD` in
  // codegen.ts). A limit at the bound left the check's code unrun in every call, until the
  // count fell below `(k + 1) * need` in some call near the end of a `FUEL_CHUNK`: V8 threw
  // the function's optimised code away there ("Insufficient type feedback for binary operation"
  // at `fuel | $cf`) and ran a call or two in Maglev code. `bench/vec_float.c` scalar, fuel on,
  // CPU ms per call, 12 calls, 4 processes each: 22-24 once warm, but 140-490 in 3-4 calls of
  // every process (calls 4, 6-8, 10-11), against 2 slow calls (V8's whole-function tier-up,
  // as without this change) after it. The one-step-on limit below low fuel multiplies the step
  // by 1 rather than spelling `$x + $s` again, which had no feedback either.
  const setLimit = cmp === "!=="
    ? `const $x = ${x} >>> 0, $s = ${step} >>> 0, $b = ${bound} >>> 0, $e = $s > 2147483648 ? ($x - $b) >>> 0 : ($b - $x) >>> 0, $m = $s > 2147483648 ? 4294967296 - $s : $s;
    ${lim} = ($x + $s * (fuel >= ${
      (k + 1) * need
    } && $m !== 0 && $e !== 0 && $e % $m === 0 ? Math.min(${
      k + 1
    }, $e / $m - (${cold} !== 0 && $e !== $m ? 1 : 0)) : 1)) | 0;`
    : `const $x = ${x} >>> 0, $s = ${step} >>> 0, $b = ${bound} >>> 0, $e = $x + $s * ${k};
    ${lim} = fuel >= ${(k + 1) * need} && $s > 0 && $e + $s <= 4294967295
      ? Math.min($e + 1, ${
      cmp === "<" ? `$b - (${cold} !== 0 && $b !== 0 ? 1 : 0)` : `$b + 1 - (${cold} !== 0 ? 1 : 0)`
    }) | 0
      : 0;`;
  const fast = cmp === "!==" ? `${x} !== ${lim}` : `(${x} >>> 0) < (${lim} >>> 0)`;
  return `${compared !== undefined ? "" : `${x} = (${x} + ${step}) | 0;\n`}if (${fast}) {
  ${charged}
  ${jump}/*fast@${pc}*/
}
/*inner@${pc}*/
if (${test}) {
  ${check.replaceAll("\n", "\n  ")}
  ${charged}
  /*lim@${pc}*/{
    ${setLimit}
  }/*lim@${pc}*/
  ${jump}
}`;
}

/**
 * `body` (finished, its cached slots named) with each folded back edge (`countedBackEdge`, by
 * its pc, with its loop's start) strip-mined: the loop `L<start>` sets the limit to 0 where it is
 * entered and runs its body in an inner loop `F<start>` up to the branch's fast test, whose jump
 * back stays in the inner loop. Only where the loop assigns its counter only at the branch and
 * its step and bound (when slots) nowhere, each named as a JS local or a literal: a slot left in
 * the value stack may be written by a helper the text does not show. Elsewhere the limit stays
 * 0 and the loop as it was (every pass tests). Returns the body and the limits to declare.
 */
export function stripMine(
  body: string,
  folded: ReadonlyMap<number, number>,
): { body: string; limits: string[] } {
  const limits: string[] = [];
  for (const [pc, start] of folded) {
    const lim = `$lim${pc}`;
    const head = new RegExp(`^L${start}: for \\(;;\\) \\{$`, "m");
    const from = body.search(head);
    const counted = new RegExp(
      `const \\$x = ([^,]+) >>> 0, \\$s = ([^,]+) >>> 0, \\$b = ([^,]+) >>> 0, \\$e = [^;]*;\\n\\s*\\${lim} = `,
    ).exec(body);
    const fast = `continue L${start};/*fast@${pc}*/`;
    const inner = `/*inner@${pc}*/`;
    let ok = from >= 0 && counted !== null && body.includes(fast) && body.includes(inner);
    /** A compared back edge's step, found in its loop (see `COMPARED`). */
    let found: string | null = null;
    /** A `!==` back edge's operands the other way round (`b !== x`), see below. */
    let swapped: [string, string] | null = null;
    if (ok) {
      let [, x, step, bound] = counted!;
      const name = /^[A-Za-z_$][\w$]*$/;
      const literal = /^-?\d+$/;
      const compared = step === stepAt(pc);
      ok = name.test(x!) &&
        [...(compared ? [] : [step!]), bound!].every((v) => name.test(v) || literal.test(v));
      if (ok) {
        let depth = 0;
        let end = body.indexOf("{", from) + 1;
        for (; end < body.length; end++) {
          if (body[end] === "{") depth++;
          else if (body[end] === "}" && depth-- === 0) break;
        }
        const loop = body.slice(from, end);
        const quoted = (v: string) => v.replaceAll("$", "\\$");
        const writes = (v: string) =>
          loop.match(
            new RegExp(`(?<![\\w$.])${quoted(v)}\\s*(?:[-+*/%&|^]|<<|>>>?)?=(?!=)`, "g"),
          )?.length ?? 0;
        if (compared) {
          // The counter's one write steps it by a literal or a name the loop does not write,
          // outside every block and arm of the loop's body (so every pass that reaches the
          // back edge made it once), before the back edge.
          const stepOf = (v: string): string | null => {
            const add = new RegExp(
              `(?<![\\w$.])${quoted(v)} = \\(${quoted(v)} \\+ (-?\\d+|[A-Za-z_$][\\w$]*)\\) \\| 0;`,
            ).exec(loop);
            const head = loop.indexOf("{") + 1;
            let level = 0;
            for (let i = head; add !== null && i < add.index; i++) {
              if (loop[i] === "{") level++;
              else if (loop[i] === "}") level--;
            }
            return add !== null && level === 0 && add.index < loop.indexOf(fast) ? add[1]! : null;
          };
          found = stepOf(x!);
          // `b !== x` (`bench/lz.c`'s loops: the counter second) counts as `x !== b`: the
          // limit and the fast test take the other operand.
          if (
            found === null && name.test(bound!) && body.includes(`if (${x} !== ${lim}) {`)
          ) {
            found = stepOf(bound!);
            if (found !== null) {
              swapped = [x!, bound!];
              [x, bound] = [bound, x];
            }
          }
          ok = found !== null && (literal.test(found) ? Number(found) !== 0 : found !== x);
        }
        const stepped = found ?? step!;
        ok = ok && loop.includes(fast) && loop.includes(inner) && writes(x!) === 1 &&
          !/\+\+|--/.test(loop) &&
          [stepped, bound!].every((v) => literal.test(v) || writes(v) === 0);
      }
    }
    const mark = `/*lim@${pc}*/`;
    let [before, limit, after] = body.split(mark);
    if (found !== null && limit !== undefined) limit = limit.replace(stepAt(pc), found);
    if (after === undefined) ok = false;
    else body = before! + after;
    if (ok && swapped !== null && limit !== undefined) {
      const [x, b] = swapped;
      limit = limit.replace(`const $x = ${x} >>> 0`, `const $x = ${b} >>> 0`)
        .replace(`$b = ${b} >>> 0`, `$b = ${x} >>> 0`);
      body = body.replace(`if (${x} !== ${lim}) {`, `if (${b} !== ${lim}) {`);
    }
    // Not strip-mined, the fast test (its limit always 0) goes: `bench/lz.c`'s loops whose
    // counter is not the compared slot kept a dead test and a limit per pass (fuel on / off CPU
    // 1.13x -> 1.32x), their split loops moving more locals.
    const dead = new RegExp(
      `if \\((?:\\([^\\n]*? >>> 0\\) < \\(\\${lim} >>> 0\\)|[^\\n]*? !== \\${lim})\\) \\{\\n[\\s\\S]*?/\\*fast@${pc}\\*/\\n\\}\\n?`,
    );
    if (ok) {
      body = body.replace(head, (open) => `${open}\n${limit}\nF${start}: for (;;) {`)
        .replace(fast, `continue F${start};`)
        .replace(inner, `break F${start};\n}`);
      limits.push(lim);
    } else if (dead.test(body)) body = body.replace(dead, "").replace(inner, "");
    else {
      body = body.replace(fast, `continue L${start};`).replace(inner, "");
      limits.push(lim);
    }
  }
  return { body, limits };
}

/**
 * `body` (metered, finished but for its fuel marks) without each `take` (where the local count
 * takes the store's again after a call, see `FUEL_IN` in codegen.ts) from which control reaches
 * the next `give` (where the local count is written back before the next call or a return, see
 * `FUEL_OUT`) on every path with nothing between that reads the count: no charge, no test, no
 * jump, branch or loop. From such a take the count stays the store's (`fuelLive` false), so that
 * give writes nothing back: the read and the write of the store's count between two calls with
 * no charge between them (`bench/fib.wat`: after its first call, and after its second before
 * its return) are left out. Linear in the body's length; anything it does not follow keeps its
 * take.
 */
export function dropIdleTakes(body: string, take: string, give: string): string {
  const token = new RegExp(
    `${escape(give)}|${escape(take)}|/\\*charge\\*/|(?<![\\w$.])fuel(?![\\w$])|` +
      `\\b(?:break|continue|return|for|while|do|switch|case|if|else|catch|finally|try)\\b|` +
      `[{}]|[A-Za-z_$][\\w$]*: (?=for|\\{)`,
    "g",
  );
  let out = "";
  let from = 0;
  for (let at = body.indexOf(take); at >= 0; at = body.indexOf(take, at + take.length)) {
    if (idle(body, at + take.length, token, give)) {
      out += body.slice(from, at);
      from = at + take.length;
    }
  }
  return out + body.slice(from);
}

/** Whether control from `at` in `body` reaches a `give` with nothing reading the count. */
function idle(body: string, at: number, token: RegExp, give: string): boolean {
  let depth = 0;
  token.lastIndex = at;
  for (let m = token.exec(body); m !== null; m = token.exec(body)) {
    const t = m[0];
    if (t === give) return true;
    if (t === "{") depth++;
    else if (t === "}") {
      if (depth > 0) {
        depth--;
        continue;
      }
      // The end of the block holding `at`: past an `else` or `catch` block that follows it
      // (control from `at` skips it), and past each arm of an `else if` chain with its
      // condition (a call site's cached callee, then other direct entries, then the slow path:
      // `bench/calls.wat`'s indirect call took the count back after its cached callee, and its
      // next call wrote it back, with nothing between reading it); a loop's end is never
      // reached without a `break` first.
      let k = m.index;
      for (;;) {
        const rest = /^\}\s*(else if \(|else \{|catch \([\w$]+\) \{)/.exec(
          body.slice(k, k + 40),
        );
        if (rest === null) break;
        k += rest[0].length;
        if (rest[1] === "else if (") {
          // Its condition, to the `{` of its arm (a condition holds no braces of its own).
          let parens = 0;
          for (; k < body.length; k++) {
            if (body[k] === "(") parens++;
            else if (body[k] === ")" && parens-- === 0) break;
            else if (body[k] === "{" || body[k] === "}") return false;
          }
          const arm = /^\)\s*\{/.exec(body.slice(k, k + 20));
          if (arm === null) return false;
          k += arm[0].length;
        }
        let open = 0;
        for (; k < body.length; k++) {
          if (body[k] === "{") open++;
          else if (body[k] === "}" && open-- === 0) break;
        }
        if (rest[1] !== "else if (") break;
      }
      if (k === m.index) continue;
      if (/^\}\s*else\b/.test(body.slice(k, k + 20))) return false;
      token.lastIndex = k + 1;
    } else return false;
  }
  return false;
}

/** `text` as a regular expression matching itself. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
