/**
 * What the engine can do today, so that REPL tests needing more wait (skipped, with a reason)
 * instead of failing while the engine is being written.
 *
 * @module
 */

import { Session } from "../../repl/session.ts";

/**
 * `execution` when a Wasm function runs, `resumable` when calls can suspend and resume.
 */
export async function engineCapabilities(): Promise<Set<string>> {
  const found = new Set<string>();
  const session = new Session();
  try {
    await session.load('(module (func (export "one") (result i32) i32.const 1))', { name: "$t" });
    const outcome = session.invoke(session.func("$t.one"), []);
    if (outcome.kind === "finished" && outcome.results[0]?.value === 1) found.add("execution");
  } catch {
    // Not yet.
  }
  if (found.has("execution") && session.resumable) found.add("resumable");
  return found;
}
