/**
 * Differential fuel runs across execution tiers: small generated modules, each a function `run`
 * with loops (nested, some bounded by its arguments), `if`/`else` arms, calls at one depth
 * (direct and through a table), tail calls (`return_call`, `return_call_indirect`, from `run` and
 * from functions that tail-call a leaf in turn) and the occasional trap (a division by zero, an
 * access past memory, an undefined table element), run in the interpreter, in generated code and
 * in its lean spelling with fuel metered and given in small pieces:
 *
 * - `callResumable`, the store topped up by a small slice after each out-of-fuel stop, each stop
 *   logged with the fuel it asks for and the fuel left;
 * - `callAsync` with a `fuelSlice` (the call yields at the end of each slice), from a budget.
 *
 * Every tier must log the same stops, results, traps and remaining fuel: the interpreter charges
 * each fuel region exactly where `fuel.ts` says, and generated code must stop at the same
 * instruction with the same fuel left, whatever it tests ahead (codegen_fuel.ts). The spec
 * runner's fueled runs only ever give exactly what a stop asks; a tail call's frame base went
 * wrong once in generated code where only other stops would show it.
 *
 * @module
 */

import { Config, Engine, Linker, Module, Store, Trap, Val } from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";
import { mixSeed, uniform } from "../_lib/prng.ts";

/** The tiers compared, by name. */
export const FUEL_TIERS = {
  interpreter: { executionTier: "interpreter" },
  codegen: { executionTier: "codegen" },
  lean: { executionTier: "codegen", codegenStyle: "lean" },
} as const;

/** Leaf functions in the table (a power of two: an index masked by `LEAVES - 1` is in it). */
const LEAVES = 4;

/** The text of a module drawn from `seed` (see the module doc). */
export function tierModule(seed: number): string {
  const rand = uniform(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  const chance = (p: number) => rand() < p;
  const leaves = Array.from({ length: LEAVES }, (_, i) => `$f${i}`);
  /** An i32 expression over `vars`, at most `depth` deep. */
  const expr = (vars: readonly string[], depth: number): string => {
    if (depth <= 0 || chance(0.3)) {
      return chance(0.5)
        ? `(local.get ${vars[pick(vars.length)]})`
        : `(i32.const ${(rand() * 2 ** 32) | 0})`;
    }
    const a = expr(vars, depth - 1), b = expr(vars, depth - 1);
    const r = rand();
    if (r < 0.45) {
      const op = ["add", "sub", "mul", "xor", "and", "or", "shl", "shr_u", "rotl", "eq", "lt_u"][
        pick(11)
      ];
      return `(i32.${op} ${a} ${b})`;
    }
    if (r < 0.55) return `(i32.div_u ${a} (i32.or ${b} (i32.const 1)))`;
    if (r < 0.56) return `(i32.rem_s ${a} ${b})`; // may trap: divisor 0
    if (r < 0.765) return `(i32.load (i32.and ${a} (i32.const 0xfffc)))`;
    if (r < 0.77) return `(i32.load offset=65532 ${a})`; // may trap: out of bounds
    if (r < 0.85) return `(global.get $g)`;
    return `(select ${a} ${b} ${expr(vars, depth - 1)})`;
  };
  /** Statements over `vars` (writable: those from index 2 on), nesting at most `depth`. */
  const block = (vars: readonly string[], depth: number, calls: boolean, n: number): string => {
    const out: string[] = [];
    for (let k = 0; k < n; k++) {
      const r = rand();
      const target = vars[2 + pick(vars.length - 2)];
      if (r < 0.3 || depth <= 0) out.push(`(local.set ${target} ${expr(vars, 2)})`);
      else if (r < 0.45) {
        out.push(
          `(if ${expr(vars, 2)} (then ${block(vars, depth - 1, calls, 2)})${
            chance(0.6) ? ` (else ${block(vars, depth - 1, calls, 2)})` : ""
          })`,
        );
      } else if (r < 0.65) {
        // A counted loop: at most 7 iterations, or a count drawn from the arguments.
        const i = `$i${depth}`;
        const bound = chance(0.5)
          ? `(i32.const ${pick(8)})`
          : `(i32.and (local.get ${vars[pick(2)]}) (i32.const 15))`;
        out.push(`(local.set ${i} (i32.const 0))
(block $b${depth} (loop $l${depth}
  (br_if $b${depth} (i32.ge_u (local.get ${i}) ${bound}))
  ${block(vars, depth - 1, calls, 2)}
  (local.set ${i} (i32.add (local.get ${i}) (i32.const 1)))
  (br $l${depth})))`);
      } else if (r < 0.75) {
        out.push(`(i32.store (i32.and ${expr(vars, 1)} (i32.const 0xfffc)) ${expr(vars, 2)})`);
      } else if (r < 0.8) out.push(`(global.set $g ${expr(vars, 2)})`);
      else if (calls && r < 0.9) {
        out.push(
          `(local.set ${target} (call ${leaves[pick(LEAVES)]} ${expr(vars, 1)} ${expr(vars, 1)}))`,
        );
      } else if (calls) {
        // Masked into the table, or not (an undefined element traps).
        const index = chance(0.9)
          ? `(i32.and ${expr(vars, 1)} (i32.const ${LEAVES - 1}))`
          : expr(vars, 1);
        out.push(
          `(local.set ${target} (call_indirect (type $t) ${expr(vars, 1)} ${
            expr(vars, 1)
          } ${index}))`,
        );
      } else out.push(`(local.set ${target} ${expr(vars, 1)})`);
    }
    return out.join("\n");
  };
  const vars = ["$a", "$b", "$x", "$y"];
  const locals = "(param $a i32) (param $b i32) (result i32) " +
    "(local $x i32) (local $y i32) (local $i0 i32) (local $i1 i32) (local $i2 i32) (local $i3 i32)";
  const tail = (vars: readonly string[]) =>
    chance(0.5)
      ? `(return_call ${leaves[pick(LEAVES)]} ${expr(vars, 1)} ${expr(vars, 1)})`
      : `(return_call_indirect (type $t) ${expr(vars, 1)} ${expr(vars, 1)} (i32.and ${
        expr(vars, 1)
      } (i32.const ${LEAVES - 1})))`;
  const funcs = leaves.map((name) =>
    `(func ${name} (type $t) ${locals}
${block(vars, 2, false, 3)}
(i32.xor (local.get $x) ${expr(vars, 2)}))`
  );
  // Functions that do a little and tail-call a leaf.
  funcs.push(`(func $t0 (type $t) ${locals}
${block(vars, 1, false, 2)}
${tail(vars)})`);
  funcs.push(`(func $t1 (type $t) ${locals}
${block(vars, 2, false, 2)}
(return_call $t0 ${expr(vars, 1)} ${expr(vars, 1)}))`);
  const end = chance(0.3)
    ? `(i32.add (local.get $x) (local.get $y))`
    : chance(0.5)
    ? `(return_call ${chance(0.5) ? "$t0" : "$t1"} ${expr(vars, 1)} ${expr(vars, 1)})`
    : tail(vars);
  return `(module
  (type $t (func (param i32 i32) (result i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (table ${LEAVES} funcref)
  (elem (i32.const 0) ${leaves.join(" ")})
  ${funcs.join("\n  ")}
  (func (export "run") (type $t) ${locals}
${block(vars, 3, true, 5)}
${end}))`;
}

/** How a run is fueled (see the module doc). */
export interface FuelPlan {
  /** `callResumable`: the fuel given at the start and after each stop. */
  readonly slice: number;
  /** `callAsync`: the slice it yields at, and the budget it starts from. */
  readonly asyncSlice: number;
  readonly budget: number;
}

/** Calls of `run` per module, each with arguments drawn from the seed. */
const CALLS = 3;
/** More fuel than this in all for one call of `run` cuts the run off (not compared). */
const MAX_FUEL = 2_000_000;

/**
 * What tier `tier` observes of the module drawn from `seed` (see the module doc): a line per
 * stop, result, trap and the fuel left; `cut` when a call needed more than `MAX_FUEL`.
 */
export async function tierLog(
  seed: number,
  tier: keyof typeof FUEL_TIERS,
  plan: FuelPlan,
): Promise<{ log: string[]; cut: boolean }> {
  const engine = new Engine(new Config({ consumeFuel: true, ...FUEL_TIERS[tier] }));
  const store = new Store(engine, null);
  const module = new Module(engine, wat(tierModule(seed), { proposals: true }));
  const run = new Linker(engine).instantiate(store, module).getFunc(store, "run")!;
  const rand = uniform(mixSeed(seed, 7));
  const log: string[] = [];
  const fuel = () => store.getFuel();
  const outcome = (e: unknown) => {
    if (e instanceof Trap) return `trap ${e.code} (fuel ${fuel()})`;
    throw e;
  };
  for (let k = 0; k < CALLS; k++) {
    const args = [Val.i32((rand() * 2 ** 32) | 0), Val.i32((rand() * 2 ** 32) | 0)];
    store.setFuel(plan.slice);
    let given = plan.slice;
    try {
      let call = run.callResumable(store, args);
      while (call.kind === "outOfFuel") {
        log.push(`stop ${call.requiredFuel} (fuel ${fuel()})`);
        if ((given += plan.slice) > MAX_FUEL) return { log, cut: true };
        store.setFuel(fuel() + BigInt(plan.slice));
        call = call.resume(store);
      }
      if (call.kind !== "finished") throw new Error(`unexpected ${call.kind}`);
      log.push(`result ${call.results[0]!.value} (fuel ${fuel()}, given ${given})`);
    } catch (e) {
      log.push(outcome(e));
    }
    store.setFuel(plan.budget);
    try {
      const [r] = await run.callAsync(store, args, { fuelSlice: plan.asyncSlice });
      log.push(`async ${r!.value} (fuel ${fuel()})`);
    } catch (e) {
      log.push(`async ${outcome(e)}`);
    }
  }
  return { log, cut: false };
}

/** The fuel plan drawn from `seed`: slices of 1 to 64, a budget that may run out. */
export function fuelPlanOf(seed: number): FuelPlan {
  const rand = uniform(mixSeed(seed, 11));
  return {
    slice: 1 + Math.floor(rand() * 64),
    asyncSlice: 1 + Math.floor(rand() * 64),
    budget: Math.floor(rand() * 4000),
  };
}

/**
 * Runs the module drawn from `seed` in every tier; returns null when all agree (or the run was
 * cut off), else the first difference against the interpreter.
 */
export async function tierDifference(seed: number): Promise<string | null> {
  const plan = fuelPlanOf(seed);
  const [reference, ...others] = await Promise.all(
    (Object.keys(FUEL_TIERS) as (keyof typeof FUEL_TIERS)[]).map(async (tier) => ({
      tier,
      ...(await tierLog(seed, tier, plan)),
    })),
  );
  if (reference!.cut || others.some((o) => o.cut)) return null;
  for (const other of others) {
    const a = reference!.log, b = other.log;
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] !== b[i]) {
        return `seed ${seed} (${JSON.stringify(plan)}): line ${i}: interpreter "${
          a[i]
        }", ${other.tier} "${b[i]}"`;
      }
    }
  }
  return null;
}
