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
