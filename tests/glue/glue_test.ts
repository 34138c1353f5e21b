/**
 * Real npm packages built by different toolchains, loaded unmodified with this library's
 * `WebAssembly` installed as the global, give the same results as on the native `WebAssembly`:
 * sql.js (Emscripten, C), wabt (Emscripten, C++), lz4-wasm-nodejs (Rust, wasm-bindgen),
 * @chainsafe/as-sha256 (AssemblyScript) and md4w (Zig and C). Each mode runs in its own process (`_glue_run.ts`), so
 * the packages load against the right `WebAssembly` from the start.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./_glue_run.ts", import.meta.url));

interface GlueOutput {
  results: Record<string, unknown>;
  timings: Record<string, number>;
}

async function run(mode: "native" | "facade"): Promise<GlueOutput> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", SCRIPT, mode],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, `${mode}: ${stdout}\n${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as GlueOutput;
}

Deno.test("glue: sql.js, wabt, lz4-wasm-nodejs, as-sha256 and md4w match native WebAssembly", async () => {
  const [native, facade] = await Promise.all([run("native"), run("facade")]);
  console.log(
    `ms native: ${JSON.stringify(native.timings)}\nms facade: ${JSON.stringify(facade.timings)}`,
  );
  assert.equal(native.results.facadeInstalled, false);
  assert.equal(facade.results.facadeInstalled, true);
  const { facadeInstalled: _n, ...expected } = native.results;
  const { facadeInstalled: _f, ...actual } = facade.results;
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const key of Object.keys(expected)) {
    assert.deepEqual(actual[key], expected[key], key);
  }
  // And the results are right, not merely equal.
  const sha = (s: string) => createHash("sha256").update(s).digest("hex");
  assert.deepEqual(facade.results["as-sha256"], [
    sha(""),
    sha("abc"),
    sha("The quick brown fox jumps over the lazy dog".repeat(100)),
  ]);
  assert.deepEqual((facade.results["lz4-wasm-nodejs"] as { roundTrip: boolean }).roundTrip, true);
  const html = facade.results["md4w"] as string;
  assert.match(html, /<h1>wasmi-ts /);
  assert.match(html, /<strong>TypeScript<\/strong>/);
  assert.match(html, /<table>/);
  const [table] = facade.results["sql.js"] as { values: unknown[][] }[];
  assert.deepEqual(table!.values[0]!.slice(0, 3), [43, 1806, "n9"]);
});
