/**
 * How deeply calls from the host into Wasm (or into a host function, through the API) nest on
 * the JS stack. A Wasm→Wasm call never uses the JS stack (the executor keeps its own), but a host
 * function that calls Wasm again does: host → Wasm → host → ... grows the JS stack by one `run`
 * activation and a few API frames per level. `Config.maxHostReentry` bounds that nesting so it
 * traps with `StackOverflow` long before the JS engine runs out of stack.
 *
 * The count is realm-wide, not per engine or store: every engine of the realm shares the one JS
 * stack.
 *
 * @module
 */

import { Trap, TrapCode } from "../core/trap.ts";

/** Host→Wasm (or host→host) calls active on the JS stack right now. */
let active = 0;

/**
 * Counts one more call from the host; call `leaveHostCall` when it returns or throws.
 *
 * @param maxReentry how many calls may already be active (the engine's `maxHostReentry`)
 * @throws {Trap} `StackOverflow` when `maxReentry` calls are active already (nothing counted)
 */
export function enterHostCall(maxReentry: number): void {
  if (active > maxReentry) throw new Trap(TrapCode.StackOverflow);
  active++;
}

/** Ends a call counted by `enterHostCall`. */
export function leaveHostCall(): void {
  active--;
}

/** How many calls from the host are active (for tests). */
export function activeHostCalls(): number {
  return active;
}
