/**
 * JSR readiness, all offline, through the tasks in deno.json: `publish:dry` (no slow types, the
 * files that ship), `doc:lint` over the public API, and `test:doc` (the JSDoc `@example`s of the
 * public modules and the README's TypeScript example).
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function deno(args: string[]): Promise<{ code: number; out: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
    // Type-checking every example takes ~40 s on a quiet 2-core machine and over 120 s on a busy one.
    signal: AbortSignal.timeout(300_000),
  }).output();
  const text = new TextDecoder();
  return { code, out: text.decode(stdout) + text.decode(stderr) };
}

Deno.test("jsr: deno publish --dry-run passes and ships only the library", async () => {
  const { code, out } = await deno(["task", "publish:dry"]);
  assert.equal(code, 0, out);
  assert.match(out, /Dry run complete/);
  const files = [...out.matchAll(/file:\/\/\/\S+/g)].map((m) =>
    m[0].slice(`file://${ROOT}`.length)
  );
  const needs = ["mod.ts", "deno.json", "README.md", "LICENSE", "repl/main.ts", "cli/main.ts"];
  for (const need of [...needs, "src/wasi/mod.ts", "src/wasi/host_fs.ts", "tests/spec/runner.ts"]) {
    assert.ok(files.includes(need), `${need} must ship; shipping ${files.join(", ")}`);
  }
  // The spec runner's modules (and the wabt set-up they convert text with) ship for
  // `wasmi-ts wast`; its tests and CLI do not.
  const specRunner =
    /^tests\/(spec\/(script|runner|host|summary|values|wat|sexpr|literals)|_lib\/wabt)\.ts$/;
  const stray = files.filter((f) =>
    !/^(src|repl|cli)\//.test(f) && !specRunner.test(f) &&
    !["mod.ts", "deno.json", "README.md", "LICENSE"].includes(f)
  );
  assert.deepEqual(stray, [], "only the library, the REPL, the CLI and the package files ship");
  assert.deepEqual(files.filter((f) => /_test\.ts$/.test(f)), []);
});

Deno.test("jsr: deno doc --lint finds nothing in the public API", async () => {
  const { code, out } = await deno(["task", "doc:lint"]);
  assert.equal(code, 0, out);
});

Deno.test("jsr: the @examples of the public modules and the README's example run", async () => {
  const { code, out } = await deno(["task", "test:doc"]);
  assert.equal(code, 0, out);
  const passed = Number(/\| (\d+) passed/.exec(out)?.[1]);
  assert.ok(passed >= 20, `expected the examples to run, got: ${out.slice(-500)}`);
});
