/**
 * The REPL's view of resumable calls and fuel (`func.callResumable`, `store.setFuel`), detected
 * at run time so that the REPL works with an API that does not have them yet and switches to
 * them, unchanged, when they appear.
 *
 * The shapes follow DESIGN.md §2 ("Resumable calls").
 *
 * @module
 */

import { Func, type Store, type Val } from "../mod.ts";

/** A call that finished, or stopped and can be resumed. */
export type ResumableCall =
  | { readonly kind: "finished"; readonly results: Val[] }
  | {
    readonly kind: "hostTrap";
    readonly hostFunc: Func;
    readonly hostError: unknown;
    resume(store: Store<unknown>, results: Val[]): ResumableCall;
  }
  | {
    readonly kind: "outOfFuel";
    readonly requiredFuel: bigint;
    resume(store: Store<unknown>): ResumableCall;
  };

interface ResumableFunc {
  callResumable(store: Store<unknown>, params: Val[]): ResumableCall;
}

interface FuelStore {
  setFuel(fuel: number): void;
  getFuel(): number | bigint;
}

/** Whether the API offers resumable calls. */
export function hasResumableCalls(): boolean {
  const proto = Func.prototype as unknown as Partial<ResumableFunc>;
  return typeof proto.callResumable === "function";
}

/** Starts `func` as a resumable call (check `hasResumableCalls` first). */
export function callResumable(
  func: Func,
  store: Store<unknown>,
  params: Val[],
): ResumableCall {
  return (func as unknown as ResumableFunc).callResumable(store, params);
}

/** Whether the store can be given fuel. */
export function hasFuel(store: Store<unknown>): boolean {
  return typeof (store as unknown as Partial<FuelStore>).setFuel === "function";
}

/** Sets the store's fuel (check `hasFuel` first); at most `Number.MAX_SAFE_INTEGER`. */
export function setFuel(store: Store<unknown>, fuel: bigint): void {
  // The API takes a number (a bigint too, once resumable calls land): a safe integer fits both.
  (store as unknown as FuelStore).setFuel(Number(fuel));
}

/** The store's fuel left (check `hasFuel` first). */
export function getFuel(store: Store<unknown>): bigint {
  return BigInt((store as unknown as FuelStore).getFuel());
}

/** Releases a stopped call's stack, if the API lets us say so. */
export function dropCall(call: ResumableCall): void {
  const droppable = call as { drop?: () => void; cancel?: () => void };
  if (typeof droppable.drop === "function") droppable.drop();
  else if (typeof droppable.cancel === "function") droppable.cancel();
}
