/**
 * The library in a real browser that has no `WebAssembly`: `deno bundle` packs the library and a
 * page script into one file, a static server on 127.0.0.1 serves it, and headless Chromium loads
 * the page with WebAssembly disabled and prints the DOM, where the page wrote its report.
 *
 * Needs `chromium` on PATH (or `$CHROMIUM` naming the binary); `deno task ok` installs it where
 * it can (`scripts/setup_tests.ts`). Without it the test fails: it is never skipped.
 *
 * The page runs twice: as it is (the engine's `auto` tier then generates code) and under a
 * Content-Security-Policy without 'unsafe-eval' (`auto` then runs the interpreter).
 *
 * About the flags: `--js-flags=--noexpose_wasm` alone no longer hides `WebAssembly` in recent
 * Chromium (156 here: `typeof WebAssembly` stays "object"); `--jitless` does, so both are given,
 * and the page reports what it sees so the test can check.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { CHROMIUM_ADVICE, findChromium } from "../_lib/chromium.ts";
import { wat } from "../_lib/wabt.ts";
import { DEMO_WAT, EXPECTED } from "./_demo.ts";
import { startStaticServer } from "./_static_server.ts";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const DENO = Deno.execPath();

function htmlUnescape(text: string): string {
  return text.replace(
    /&(lt|gt|quot|#39|amp);/g,
    (_, e: string) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" })[e]!,
  );
}

for (const csp of [false, true]) {
  Deno.test(
    `browser: the bundled library runs Wasm in Chromium without WebAssembly${
      csp ? ", under a CSP forbidding eval" : ""
    }`,
    async () => {
      const chromium = await findChromium();
      assert.ok(chromium !== null, CHROMIUM_ADVICE);
      const dir = await Deno.makeTempDir({ prefix: "wasmi_browser_" });
      const www = `${dir}/www`;
      try {
        await Deno.mkdir(www);
        const bundle = await new Deno.Command(DENO, {
          args: [
            "bundle",
            "--platform",
            "browser",
            "-o",
            `${www}/app.js`,
            `${HERE}_browser_entry.ts`,
          ],
          stdout: "piped",
          stderr: "piped",
          env: { NO_COLOR: "1" },
          signal: AbortSignal.timeout(120_000),
        }).output();
        assert.ok(
          bundle.success,
          `deno bundle failed:\n${new TextDecoder().decode(bundle.stderr)}`,
        );

        const bytes = wat(DEMO_WAT);
        const base64 = btoa(String.fromCharCode(...bytes));
        await Deno.writeTextFile(
          `${www}/index.html`,
          `<!doctype html>
<html><head><meta charset="utf-8"><title>wasmi-ts without WebAssembly</title>${
            csp ? `\n<meta http-equiv="Content-Security-Policy" content="script-src 'self'">` : ""
          }</head>
<body>
<pre id="result">not run</pre>
<script type="application/octet-stream" id="wasm">${base64}</script>
<script type="module" src="app.js"></script>
</body></html>
`,
        );

        const server = await startStaticServer(www, 120);
        let dom: string, log: string;
        try {
          const run = await new Deno.Command(chromium, {
            args: [
              "--headless",
              "--no-sandbox",
              "--disable-gpu",
              "--disable-quic",
              "--no-first-run",
              "--disable-background-networking",
              "--disable-component-update",
              "--disable-sync",
              "--disable-dev-shm-usage",
              `--user-data-dir=${dir}/profile`,
              "--js-flags=--jitless --noexpose_wasm",
              "--virtual-time-budget=30000",
              "--dump-dom",
              `${server.origin}/index.html`,
            ],
            stdout: "piped",
            stderr: "piped",
            signal: AbortSignal.timeout(90_000),
          }).output();
          dom = new TextDecoder().decode(run.stdout);
          log = new TextDecoder().decode(run.stderr);
          assert.ok(run.success, `chromium exited with ${run.code}:\n${log}`);
        } finally {
          await server.close();
        }

        const text = /<pre id="result">([^<]*)<\/pre>/.exec(dom)?.[1];
        assert.ok(text !== undefined, `no #result in the page:\n${dom}\n${log}`);
        assert.notEqual(text, "not run", `the page script did not run:\n${dom}\n${log}`);
        const page = JSON.parse(htmlUnescape(text));
        assert.equal(page.error, undefined, page.error);
        assert.equal(
          page.typeofWebAssembly,
          "undefined",
          "WebAssembly must be disabled in the page",
        );
        assert.equal(page.webAssemblyInGlobalThis, false);
        assert.deepEqual(page.result, EXPECTED);
        assert.equal(page.tier, csp ? "interpreter" : "codegen");
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  );
}
