/**
 * Fuel: what execution pays, and how the executor pays it.
 *
 * ## What costs fuel
 * Every Wasm operator costs `fuelCosts.base` (1 by default), and `call` / `call_indirect` cost
 * `fuelCosts.call` on top. Operators are paid in advance, per *fuel region*, as in wasmi: the
 * function body, each `loop` body and each `if` / `else` arm is a region, and the translator
 * emits one `ConsumeFuel n` at its entry (the function's entry, the loop header, the start of
 * the arm), where `n` is the price of all the operators the region holds. A region pays each
 * time control enters it: a function on every call, a loop body on entry and on every jump back
 * to its header, an arm when it is taken. Regions never entered cost nothing.
 *
 * Which region an operator belongs to is purely syntactic: the innermost region it appears in;
 * `block`s are not regions (their operators belong to the enclosing region); `loop`, `if` and
 * the `end` of a loop or if belong to the enclosing region (they run once per pass, not per
 * iteration or per arm); `else` belongs to the then arm. A region's charge is exactly what it
 * runs when it runs to its end, and an upper bound otherwise: operators that a `br`, `br_if`,
 * `br_table`, `return` or trap skips (even code after `br` that can never run) were paid on entry
 * and are not refunded. A callee pays its own regions; a host function costs only its `call`.
 *
 * Examples:
 * - `i32.const 1 i32.const 2 i32.add drop` as a function body costs 5 (four operators and the
 *   function's `end`); `return nop` costs 3;
 * - `(loop $l (br_if $l (local.get 0)))` as a function body pays 3 on entry (`loop`, the loop's
 *   `end`, the function's `end`) and 2 per iteration (`local.get`, `br_if`);
 * - `(if (local.get 0) (then nop) (else nop nop))` pays 4 on entry (`local.get`, `if`, `end`,
 *   the function's `end`), then 2 for the then arm (`nop`, `else`) or 2 for the else arm.
 *
 * Fuel counts Wasm operators, not the engine's internal instructions, and regions are syntactic,
 * so changing the translator's optimisations never changes the fuel a program uses.
 *
 * ## Bulk operations
 * `memory.fill`, `memory.copy`, `memory.init` pay `floor(n / bytesPerFuel)` more for `n` bytes;
 * `table.fill`, `table.copy`, `table.init` pay `floor(n / elementsPerFuel)` for `n` elements.
 * In `lazy` mode (the default) they pay only once their bounds are checked (an operation that
 * traps pays nothing extra); in `eager` mode before.
 *
 * Growth pays for what it adds, as in wasmi: `memory.grow` by `d` pages pays
 * `floor(d * 65536 / bytesPerFuel)` (as copying the new bytes would), `table.grow` by `d`
 * elements `floor(d / elementsPerFuel)`. In `lazy` mode a growth pays once the resource limiter
 * and the maximum allow it (a growth that gives -1 there pays nothing extra; one the host then
 * fails to allocate has paid); in `eager` mode before asking. Growing by 0 pays nothing extra.
 * Growth through the API (`Memory.grow`, `Table.grow`) is not metered.
 *
 * ## Running out
 * A charge the store cannot pay leaves the fuel as it is and stops the call *before* the
 * charged instruction: a plain call traps with `OutOfFuel`, a resumable call suspends and, once
 * the embedder has added fuel, retries the charge. Same module, inputs and fuel: same stopping
 * point.
 *
 * ## Chunks and slices
 * The executor spends `StoreInner.fuel`, which holds at most `FUEL_CHUNK` (a small integer keeps
 * the counter fast); the rest of the store's fuel waits in `fuelReserve`, and a call that runs
 * out of its chunk refills from there without stopping. An async call with a fuel slice (see
 * `callAsync`) makes the chunk one slice: when the slice runs out, that call (its stack is marked
 * `yields`) stops, yields to the event loop and takes the next slice. Any other call that runs
 * out meanwhile (a host function calling back into Wasm) refills from the reserve at once.
 *
 * Until a store of the process has refilled once (`unfed`), a budget's spendable part is
 * `FUEL_FIRST_CHUNK`, so that the first call runs out of it and refills: the executor's refill
 * path (the slow side of `ConsumeFuel`) then first runs while V8 still interprets `run` and
 * records what it sees, and not a billion operators later in its optimised code, which has no
 * code for a path that never ran: that code was thrown away there and `run` compiled again
 * (tier interpreter, xxh64 at scale 0.5, 73M fuel per call: the 15th call refilled, and it and
 * the next took 158-295 ms of CPU against 70-133 ms in 8 of 8 processes; `--trace-deopt`:
 * "Insufficient type feedback" at the refill's `fuel - x`). A refill moves fuel between the
 * chunk and the reserve, their sum unchanged, so no charge and no stop changes. Once per
 * process, not per store, which is enough. (Every store's first chunks small, 4096 doubled at
 * each refill, made vec_bytes_scalar 1.21x slower with fuel on, 1.07-1.22x in 8 of 8 processes,
 * when a `*Pay` row's fallback read its own pc: that path, run at a refill, got type feedback and
 * TurboFan then compiled the loop worse. With the fallback's pc read by the same load as the
 * taken branch's (see `payOrFallBack` in isa.ts) the same doubling measured 0.97-1.04x in 6 of 8
 * processes; CPU, both trees in one process, calls alternated.) Generated code refills inline
 * (see `structuredCharge` in codegen.ts), which leaves `unfed` as it is.
 *
 * A region's charge is capped at `FUEL_CHUNK` (a function body that large would hold a billion
 * operators).
 *
 * @module
 */

import type { FuelConsumptionMode, FuelCosts } from "./config.ts";
import type { StoreInner } from "./entities.ts";

/**
 * The most fuel `StoreInner.fuel` holds at once, and the largest charge one instruction makes:
 * the counter the executor decrements stays a small integer (a V8 Smi, which the optimising
 * compiler keeps unboxed); the rest of a larger budget waits in `fuelReserve`.
 */
export const FUEL_CHUNK = 0x3fff_ffff;

/**
 * The spendable part of a budget while `unfed`: enough that `run` has its feedback vector when
 * it runs out (V8 gives a function one only after its first steps: with 0, the first call's
 * first charge refilled and recorded nothing), little enough to run out in the first call.
 */
export const FUEL_FIRST_CHUNK = 4096;

/**
 * Whether no store of this process (of this copy of the library) has refilled yet: until one
 * has, a store's fuel starts all in its reserve (see "Chunks and slices" above).
 */
let unfed = true;

/**
 * Sets the store's fuel to `total`: spendable at once, at most a chunk (or the current slice, or
 * `atLeast` if more), and the rest in the reserve.
 */
export function spreadFuel(store: StoreInner, total: number, atLeast = 0): void {
  const cap = store.fuelSlice > 0 ? store.fuelSlice : unfed ? FUEL_FIRST_CHUNK : FUEL_CHUNK;
  const spendable = Math.min(total, Math.max(cap, atLeast));
  store.fuel = spendable;
  store.fuelReserve = total - spendable;
}

/**
 * Moves fuel from the store's reserve into its spendable fuel so that `required` can be paid.
 *
 * @returns whether the store can now pay `required`
 */
export function refillFuel(store: StoreInner, required: number): boolean {
  const total = store.fuel + store.fuelReserve;
  if (total < required) return false;
  unfed = false;
  spreadFuel(store, total, required);
  return true;
}

/**
 * The per-byte and per-element charges of bulk operations, for an engine that meters fuel. The
 * executor passes it (or `null` when fuel is off) to the operations in `bulk_ops.ts`.
 */
export class BulkFuel {
  /** Charge before checking bounds (`eager`) rather than after (`lazy`). */
  readonly eager: boolean;
  readonly #bytesPerFuel: number;
  readonly #elementsPerFuel: number;
  /** The charge that could not be paid, after a payment returned false. */
  required = 0;

  /**
   * @param costs the engine's fuel prices
   * @param mode when bulk operations pay
   */
  constructor(costs: FuelCosts, mode: FuelConsumptionMode) {
    this.eager = mode === "eager";
    this.#bytesPerFuel = costs.bytesPerFuel;
    this.#elementsPerFuel = costs.elementsPerFuel;
  }

  /** Pays for `n` bytes; false (and `required` set) when the store cannot. */
  bytes(store: StoreInner, n: number): boolean {
    return this.#pay(store, Math.floor(n / this.#bytesPerFuel));
  }

  /** Pays for `n` table elements; false (and `required` set) when the store cannot. */
  elements(store: StoreInner, n: number): boolean {
    return this.#pay(store, Math.floor(n / this.#elementsPerFuel));
  }

  #pay(store: StoreInner, cost: number): boolean {
    if (store.fuel < cost) {
      this.required = cost;
      return false;
    }
    store.fuel -= cost;
    return true;
  }
}
