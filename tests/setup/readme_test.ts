/**
 * The README's commands work as written with only Node and npm: none calls a bare `deno` or
 * `bun` (they are in `node_modules`, reached through `npx`), `.ci/run` runs exactly the README's
 * test command, and in a fresh clone the main-job command starts the REPL and the browser bundle
 * command leaves no untracked file.
 *
 * @module
 */

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../_lib/testsuites.ts";
import { readmeCommands, readmeTestCommand } from "../_lib/readme.ts";

const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

/** The README command whose text includes `part`. */
function commandWith(part: string): string {
  const found = readmeCommands(README).find((command) => command.includes(part));
  assert.ok(found !== undefined, `no README command with ${part}`);
  return found;
}

Deno.test("readme: every command reaches deno and bun through npx", () => {
  const commands = readmeCommands(README);
  assert.ok(commands.length > 10, `found only ${commands.length} commands`);
  const bare = commands.filter((command) =>
    command.split(/&&|\|\||;/).some((part) => /^\s*(deno|bun|bunx)\s/.test(part))
  );
  assert.deepEqual(bare, [], "commands that need a global deno or bun");
});

Deno.test("readme: .ci/run runs exactly the README test command", () => {
  const ci = readFileSync(join(REPO_ROOT, ".ci", "run"), "utf8");
  assert.ok(
    ci.includes(`readme_test_command='${readmeTestCommand(README)}'`),
    ".ci/run's readme_test_command differs from the README's",
  );
  assert.match(ci, /bash -c "\$readme_test_command"/);
});

async function sh(
  command: string,
  cwd: string,
  stdin = "",
): Promise<{ code: number; out: string }> {
  const child = new Deno.Command("sh", {
    args: ["-c", `${command} 2>&1`],
    cwd,
    env: { NO_COLOR: "1", WASMI_TS_HISTORY: "" },
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const out = await child.output();
  return { code: out.code, out: new TextDecoder().decode(out.stdout) };
}

Deno.test("readme: in a fresh clone, the main job runs and the bundle leaves no untracked file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wasmi_readme_" });
  try {
    const repo = join(dir, "wasmi-ts");
    const clone = await sh(`git clone -q "${REPO_ROOT}" "${repo}"`, dir);
    assert.equal(clone.code, 0, clone.out);

    const main = await sh(commandWith("task repl examples/demo.wat"), repo, "fib 20\n");
    assert.equal(main.code, 0, main.out);
    assert.match(main.out, /loaded \$demo from examples\/demo\.wat/);
    assert.match(main.out, /^6765 : i32$/m);

    const bundle = commandWith("deno bundle");
    const run = await sh(bundle, repo);
    assert.equal(run.code, 0, run.out);
    const output = /-o (\S+)/.exec(bundle)![1]!;
    assert.ok(existsSync(join(repo, output)), `${output} was written`);
    const status = await sh("git status --porcelain", repo);
    assert.equal(status.out, "", "nothing untracked or changed after the README commands");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
