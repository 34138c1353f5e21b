/**
 * Runs REPL commands the way `repl --script <file> --echo` does and returns the transcript.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createReplContext } from "../../repl/context.ts";
import { BufferOutput } from "../../repl/output.ts";
import { runScript } from "../../repl/script.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Runs `script` (one command a line); the transcript ends with `# failures: N`. */
export async function transcript(script: string): Promise<string> {
  const output = new BufferOutput();
  const { ctx, quitRequested } = createReplContext(
    output,
    (path) => new Uint8Array(readFileSync(path.startsWith("/") ? path : ROOT + path)),
    { sliceFuel: 10_000n },
  );
  const result = await runScript(script.split("\n"), ctx, quitRequested, { echo: true });
  return [...output.lines, `# failures: ${result.failures}`, ""].join("\n");
}
