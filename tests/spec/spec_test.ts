/**
 * The official spec testsuite (root `.wast` files, Wasm 2.0) through the runner: one step per
 * file, asserting that no command of a claimed kind fails. Every kind is claimed for every file,
 * the `simd_*` ones included. Runs once per execution tier (interpreter, and code generation).
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ResultKind } from "./runner.ts";
import { rootWastFiles, runWastFile, testsuiteDir } from "./suite.ts";
import { hostFactory } from "./host.ts";
import type { Engine } from "../../mod.ts";

/** The command kinds this stage of the library claims to pass ("script" = the file parses). */
const CLAIMED_KINDS: ReadonlySet<ResultKind> = new Set<ResultKind>([
  "script",
  "module",
  "register",
  "invoke",
  "get",
  "assert_return",
  "assert_trap",
  "assert_exhaustion",
  "assert_malformed",
  "assert_invalid",
  "assert_unlinkable",
  "assert_uninstantiable",
]);

/** How many failures a step lists in its message before summarising the rest. */
const SHOWN_FAILURES = 10;

for (const tier of ["interpreter", "codegen"] as const) {
  Deno.test(`spec testsuite (Wasm 2.0 root files), ${tier} tier`, async (t) => {
    const dir = testsuiteDir();
    assert.ok(existsSync(dir), `testsuite not found at ${dir} (set WASM_TESTSUITE)`);
    const engines: Engine[] = [];
    const factory = hostFactory({ tier, onEngine: (engine) => engines.push(engine) });
    for (const name of rootWastFiles(dir)) {
      const claimed = CLAIMED_KINDS;
      await t.step(name, async () => {
        const failures = (await runWastFile(join(dir, name), name, { hostFactory: factory }))
          .filter((result) => result.status === "failed" && claimed.has(result.kind))
          .map((result) => `${name}:${result.line} ${result.kind}: ${result.reason}`);
        const shown = failures.slice(0, SHOWN_FAILURES);
        if (failures.length > shown.length) {
          shown.push(`... and ${failures.length - shown.length} more`);
        }
        assert.deepEqual(shown, [], `${failures.length} claimed case(s) failed`);
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
