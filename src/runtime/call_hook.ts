/**
 * Call hooks, as wasmi's `Store::call_hook`: a function the store calls whenever execution
 * crosses between the host and Wasm.
 *
 * @module
 */

/** Which way execution crosses between the host and Wasm (wasmi's `CallHook`). */
export enum CallHook {
  /** The host calls a Wasm function (`Func.call`, a typed call, a start function). */
  CallingWasm = "CallingWasm",
  /** That Wasm function returned or trapped. */
  ReturningFromWasm = "ReturningFromWasm",
  /** Wasm calls a host function. */
  CallingHost = "CallingHost",
  /** That host function returned or threw. */
  ReturningFromHost = "ReturningFromHost",
}

/**
 * A call hook: called with the store's data and the crossing. Throwing aborts the call with the
 * error it throws.
 */
export type CallHookFn<T> = (data: T, kind: CallHook) => void;

/** A hook as the store keeps it: bound to the store's data. */
export type BoundCallHook = (kind: string) => void;

/**
 * Runs `body` (a call from the host into Wasm) between the `CallingWasm` and `ReturningFromWasm`
 * hooks. `ReturningFromWasm` runs after a trap too; if it then throws, the trap still wins.
 */
export function hookedWasmCall(hook: BoundCallHook, body: () => void): void {
  hook(CallHook.CallingWasm);
  try {
    body();
  } catch (e) {
    try {
      hook(CallHook.ReturningFromWasm);
    } catch {
      // The trap is the error that matters.
    }
    throw e;
  }
  hook(CallHook.ReturningFromWasm);
}

/**
 * Runs `body` (a call from Wasm into a host function) between the `CallingHost` and
 * `ReturningFromHost` hooks. When the host function returns a Promise, `ReturningFromHost` runs
 * once it settles. `ReturningFromHost` runs after a host error too; the host error still wins.
 */
export function hookedHostCall(
  hook: BoundCallHook,
  body: () => void | Promise<void>,
): void | Promise<void> {
  hook(CallHook.CallingHost);
  let out: void | Promise<void>;
  try {
    out = body();
  } catch (e) {
    returningAfterError(hook);
    throw e;
  }
  if (out === undefined) {
    hook(CallHook.ReturningFromHost);
    return;
  }
  return out.then(
    () => hook(CallHook.ReturningFromHost),
    (e) => {
      returningAfterError(hook);
      throw e;
    },
  );
}

function returningAfterError(hook: BoundCallHook): void {
  try {
    hook(CallHook.ReturningFromHost);
  } catch {
    // The host function's error is the one that matters.
  }
}
