/**
 * Golden transcripts: each `golden/<name>.repl` runs in script mode with echo, and its whole
 * output (errors marked `! `, then the failure count) must equal `golden/<name>.out`.
 *
 * Regenerate after an intended change: `UPDATE_GOLDEN=1 deno test -A tests/repl/golden_test.ts`
 * and review the diff.
 *
 * @module
 */

import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { transcript } from "./_transcript.ts";

const GOLDEN = fileURLToPath(new URL("./golden/", import.meta.url));
const UPDATE = Deno.env.get("UPDATE_GOLDEN") === "1";

for (const file of readdirSync(GOLDEN).filter((f) => f.endsWith(".repl")).sort()) {
  const script = readFileSync(GOLDEN + file, "utf8");
  Deno.test({
    name: `repl golden ${file}`,
    async fn() {
      const actual = await transcript(script);
      const expectedPath = GOLDEN + file.replace(/\.repl$/, ".out");
      if (UPDATE) writeFileSync(expectedPath, actual);
      let expected: string;
      try {
        expected = readFileSync(expectedPath, "utf8");
      } catch {
        assert.fail(`No ${expectedPath} yet: run with UPDATE_GOLDEN=1 and review it`);
      }
      assert.equal(actual, expected);
    },
  });
}
