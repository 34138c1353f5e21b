/**
 * The npm package: `scripts/build_npm.ts` (what `deno task build:npm` runs) builds it into
 * `npm-build/`, runs the API tests against it under `node --test`, type-checks a consumer
 * against its declarations (in a Node, a browser and a bare `esnext` project, no `@types/node`
 * in the last two), runs the npm README's example, its `bin` (REPL, `run`) and the official WASI
 * testsuite under Node and lists it with `npm pack --dry-run`. Here we check that all of that
 * succeeded and ran every API test.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** How many `Deno.test` calls the API tests hold: Node must run exactly these. */
async function declaredApiTests(): Promise<number> {
  let n = 0;
  for await (const entry of Deno.readDir(`${ROOT}tests/api`)) {
    if (!entry.name.endsWith("_test.ts")) continue;
    const text = await Deno.readTextFile(`${ROOT}tests/api/${entry.name}`);
    n += (text.match(/\bDeno\.test\(/g) ?? []).length;
  }
  return n;
}

Deno.test("npm build: builds, passes the API tests under Node, packs", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-run",
      "--allow-env",
      "scripts/build_npm.ts",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
    // A guard against a hung build, not a speed check (speed is measured in bench/ only).
    signal: AbortSignal.timeout(600_000),
  }).output();
  const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  assert.equal(code, 0, out);
  const declared = await declaredApiTests();
  assert.ok(declared > 0);
  assert.match(out, new RegExp(`^node --test: ${declared} passed, 0 failed$`, "m"), out);
  assert.match(out, /^ran the REPL bin under Node/m, out);
  assert.match(out, /^node: WASI testsuite .*host filesystem\): 72 passed, 0 failed$/m, out);
  assert.match(out, /^node: WASI testsuite .*main\.js run`\): 2 passed, 0 failed$/m, out);
  // The declarations compile without @types/node, in a browser and in a bare project (tsc).
  assert.match(out, /the declarations compile in a browser \(lib: \["es2022", "dom"\]/, out);
  assert.match(out, /the declarations compile in a bare \(lib: \["esnext"\]/, out);
  assert.match(out, /^ran the npm README's example under Node/m, out);
  assert.match(out, /^npm pack --dry-run: wasmi-ts-\d+\.\d+\.\d+.*\.tgz, \d+ files/m, out);

  const pkg = JSON.parse(await Deno.readTextFile(`${ROOT}npm-build/package.json`));
  const denoJson = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  assert.equal(pkg.name, "wasmi-ts");
  assert.equal(pkg.version, denoJson.version);
  assert.equal(pkg.type, "module");
  assert.deepEqual(pkg.engines, { node: ">=20" });
  assert.equal(pkg.dependencies, undefined, "no runtime dependencies");
  assert.equal(pkg.peerDependenciesMeta.wabt.optional, true);
  assert.deepEqual(Object.keys(pkg.exports), [
    ".",
    "./wasi",
    "./wasi/host",
    "./cli",
    "./webassembly",
    "./repl",
    "./package.json",
  ]);
  assert.equal(pkg.bin["wasmi-ts"], "./esm/cli/main.js");
  const readme = await Deno.readTextFile(`${ROOT}npm-build/README.md`);
  assert.match(readme, /^npm install wasmi-ts$/m, "the npm README, not the repository's");
  assert.doesNotMatch(readme, /npx deno task/);
  const bin = await Deno.readTextFile(`${ROOT}npm-build/${pkg.bin["wasmi-ts"]}`);
  assert.match(bin, /^#!\/usr\/bin\/env node\n/);
});
