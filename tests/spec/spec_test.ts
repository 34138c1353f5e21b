/**
 * The official spec testsuite (root `.wast` files, Wasm 2.0) through the runner: one step per
 * file, asserting that every command passes (a failed or skipped one fails the step;
 * `text-only` cases test the text format, which the library does not read, and are not counted).
 * Runs once per execution tier (interpreter, and code generation in both its spellings).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { Engine } from "../../mod.ts";
import { hostFactory, wasm2Switches } from "./host.ts";
import { rootWastFiles, runWastFile, testsuiteDir } from "./suite.ts";

/** How many failures a step lists in its message before summarising the rest. */
const SHOWN_FAILURES = 10;

/** The interpreter, and generated code in both spellings (`Config.codegenStyle`). */
const RUNS = [
  { tier: "interpreter", style: "auto", name: "interpreter tier" },
  { tier: "codegen", style: "jit", name: "codegen tier" },
  { tier: "codegen", style: "lean", name: "codegen tier, lean style" },
] as const;

for (const { tier, style, name: run } of RUNS) {
  Deno.test(`spec testsuite (Wasm 2.0 root files), ${run}`, async (t) => {
    const dir = testsuiteDir(); // throws saying what to fetch when it is missing
    const engines: Engine[] = [];
    const factory = hostFactory({
      tier,
      style,
      features: wasm2Switches(),
      onEngine: (engine) => engines.push(engine),
    });
    for (const name of rootWastFiles(dir)) {
      await t.step(name, async () => {
        const failures = (await runWastFile(join(dir, name), name, { hostFactory: factory }))
          .filter((result) => result.status === "failed" || result.status === "skipped")
          .map((result) => `${name}:${result.line} ${result.kind}: ${result.reason}`);
        const shown = failures.slice(0, SHOWN_FAILURES);
        if (failures.length > shown.length) {
          shown.push(`... and ${failures.length - shown.length} more`);
        }
        assert.deepEqual(shown, [], `${failures.length} case(s) did not pass`);
      });
    }
    // Every function the suite ran was generated: none fell back to the interpreter.
    const stats = engines.map((engine) => engine.codegenStats());
    const generated = stats.reduce((n, s) => n + s.generated, 0);
    const fallbacks = stats.flatMap((s) => Object.keys(s.reasons));
    assert.deepEqual(fallbacks, []);
    assert.ok(tier === "interpreter" ? generated === 0 : generated > 5_000, `${generated}`);
  });
}
