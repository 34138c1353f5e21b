/**
 * The memory proposals through the spec runner, plain and fueled: the `multi-memory` and
 * `custom-page-sizes` folders whole, and the Wasm 3.0 scripts of memory64, table64 and
 * multi-memory (the `wasm-3.0` files that exercise memories and tables beyond Wasm 2.0). Each
 * runs with the wasm3 text profile and the switches `deno task spec --suite ...` uses for it;
 * every command must pass. Text-only `assert_malformed` commands are not counted (see
 * `runner.ts`).
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { hostFactory, wasm3FeaturesFor, wasm3Switches } from "./host.ts";
import { proposalFiles, runWastFile, type SuiteFile, testsuiteDir } from "./suite.ts";

/** How many failures a step lists in its message before summarising the rest. */
const SHOWN_FAILURES = 10;

/** The `proposals/wasm-3.0` scripts of memory64, table64 and multi-memory. */
const WASM3_MEMORY_FILES: readonly string[] = [
  "address.wast",
  "address0.wast",
  "address1.wast",
  "address64.wast",
  "align.wast",
  "align0.wast",
  "align64.wast",
  "binary-leb128.wast",
  "binary0.wast",
  "call_indirect.wast",
  "data0.wast",
  "data1.wast",
  "data_drop0.wast",
  "endianness64.wast",
  "exports0.wast",
  "float_exprs0.wast",
  "float_exprs1.wast",
  "float_memory0.wast",
  "float_memory64.wast",
  "imports0.wast",
  "imports1.wast",
  "imports2.wast",
  "imports3.wast",
  "imports4.wast",
  "linking0.wast",
  "linking1.wast",
  "linking2.wast",
  "linking3.wast",
  "load.wast",
  "load0.wast",
  "load1.wast",
  "load2.wast",
  "load64.wast",
  "memory-multi.wast",
  "memory.wast",
  "memory64.wast",
  "memory_copy.wast",
  "memory_copy0.wast",
  "memory_copy1.wast",
  "memory_fill.wast",
  "memory_fill0.wast",
  "memory_grow.wast",
  "memory_grow64.wast",
  "memory_init.wast",
  "memory_init0.wast",
  "memory_redundancy64.wast",
  "memory_size.wast",
  "memory_size0.wast",
  "memory_size1.wast",
  "memory_size2.wast",
  "memory_size3.wast",
  "memory_trap0.wast",
  "memory_trap1.wast",
  "memory_trap64.wast",
  "simd_address.wast",
  "simd_memory-multi.wast",
  "start0.wast",
  "store.wast",
  "store0.wast",
  "store1.wast",
  "table_copy.wast",
  "table_copy_mixed.wast",
  "table_fill.wast",
  "table_get.wast",
  "table_grow.wast",
  "table_init.wast",
  "table_set.wast",
  "table_size.wast",
  "traps0.wast",
];

function files(dir: string): SuiteFile[] {
  const wasm3 = WASM3_MEMORY_FILES.map((name) => ({
    name: `wasm-3.0/${name}`,
    path: join(dir, "proposals", "wasm-3.0", name),
  }));
  return [
    ...wasm3,
    ...proposalFiles(dir, "multi-memory"),
    ...proposalFiles(dir, "custom-page-sizes"),
  ];
}

for (const fuel of [false, true]) {
  const mode = fuel ? "fueled" : "plain";
  Deno.test(`spec testsuite, memory proposals (${mode})`, async (t) => {
    const dir = testsuiteDir();
    assert.ok(existsSync(dir), `testsuite not found at ${dir} (set WASM_TESTSUITE)`);
    const { on } = wasm3Switches();
    for (const switchName of ["wasmMultiMemory", "wasmMemory64", "wasmCustomPageSizes"]) {
      assert.equal(on[switchName], true, `${switchName} is accepted`);
    }
    for (const file of files(dir)) {
      await t.step(file.name, async () => {
        const results = await runWastFile(file.path, file.name, {
          hostFactory: hostFactory({ fuel, features: wasm3FeaturesFor(file.path, on) }),
          profile: "wasm3",
        });
        assert.ok(results.some((result) => result.status === "passed"), "no command ran");
        const failures = results.filter((result) => result.status === "failed")
          .map((result) => `${file.name}:${result.line} ${result.kind}: ${result.reason}`);
        const shown = failures.slice(0, SHOWN_FAILURES);
        if (failures.length > shown.length) {
          shown.push(`... and ${failures.length - shown.length} more`);
        }
        assert.deepEqual(shown, [], `${failures.length} case(s) failed (${mode})`);
      });
    }
  });
}
