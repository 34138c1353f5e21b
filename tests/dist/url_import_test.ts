/**
 * URL import: the repository served over HTTP on 127.0.0.1, and a separate `deno run` (fresh
 * module cache, no config file) that imports `mod.ts` by URL and runs a module end to end —
 * what `import ... from "https://.../mod.ts"` does for a user.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { wat } from "../_lib/wabt.ts";
import { DEMO_WAT, EXPECTED } from "./_demo.ts";
import { startStaticServer } from "./_static_server.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

Deno.test("url import: mod.ts imported over http runs a module in a fresh deno", async () => {
  const server = await startStaticServer(ROOT, 60);
  const dir = await Deno.makeTempDir({ prefix: "wasmi_url_import_" });
  try {
    const bytes = wat(DEMO_WAT);
    const script = `${dir}/main.ts`;
    await Deno.writeTextFile(
      script,
      `import * as wasmi from "${server.origin}/mod.ts";
import { runDemo } from "${server.origin}/tests/dist/_demo.ts";
const bytes = new Uint8Array([${bytes.join(",")}]);
console.log(JSON.stringify(runDemo(wasmi, bytes)));
`,
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        "--no-lock",
        `--allow-import=127.0.0.1:${server.port}`,
        script,
      ],
      cwd: dir,
      // A fresh cache: the modules must really come over HTTP.
      env: { DENO_DIR: `${dir}/deno_dir`, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    });
    const { code, stdout, stderr } = await child.output();
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 0, err);
    assert.match(err, new RegExp(`Download ${server.origin}/mod\\.ts`));
    assert.deepEqual(JSON.parse(new TextDecoder().decode(stdout)), EXPECTED);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** Runs the REPL from the served repository in a fresh deno, with no config file. */
async function replByUrl(
  origin: string,
  port: number,
  dir: string,
  args: string[],
  extra: string[] = [],
) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-config",
      "--no-lock",
      ...extra,
      "-R",
      "-W",
      "-E",
      `--allow-import=127.0.0.1:${port}`,
      `${origin}/repl/main.ts`,
      ...args,
    ],
    cwd: dir,
    env: { DENO_DIR: `${dir}/deno_dir`, NO_COLOR: "1", WASMI_TS_HISTORY: "" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(90_000),
  });
  const { code, stdout, stderr } = await child.output();
  return { code, out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr) };
}

Deno.test("url import: the REPL run by URL reads .wat (npm:wabt) and says how when it cannot", async () => {
  const server = await startStaticServer(ROOT, 90);
  const dir = await Deno.makeTempDir({ prefix: "wasmi_url_repl_" });
  try {
    await Deno.writeTextFile(`${dir}/demo.wat`, DEMO_WAT);
    await Deno.writeTextFile(`${dir}/cmds.txt`, "exports\n");
    const run = await replByUrl(server.origin, server.port, dir, [
      "--script",
      "cmds.txt",
      "demo.wat",
    ]);
    assert.equal(run.code, 0, run.err + run.out);
    assert.match(run.out, /^loaded \$demo from demo\.wat/m);
    assert.match(run.err, /Download .*registry\.npmjs\.org\/wabt/);
    // Without wabt in the cache and no download allowed, the REPL says what Deno needs.
    await Deno.remove(`${dir}/deno_dir/npm`, { recursive: true });
    const offline = await replByUrl(server.origin, server.port, dir, [
      "--script",
      "cmds.txt",
      "demo.wat",
    ], ["--cached-only"]);
    assert.notEqual(offline.code, 0);
    assert.match(
      offline.err,
      /Reading WAT needs the wabt package \(Deno downloads npm:wabt on first use/,
      offline.err,
    );
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
