/**
 * The official JS-API tests (Wasm 2.0) in headless Chromium with WebAssembly disabled
 * (`--jitless`, see `tests/dist/browser_test.ts`), against the facade bundled by `deno bundle`.
 * One page runs each test file in a fresh iframe, where the facade, testharness.js, the helpers
 * and the test load as classic `<script>`s, as WPT loads them; the page collects the results
 * and `--dump-dom` prints them.
 *
 * `limits.any.js` is left to the Deno and Node runs: jitless Chromium interprets our
 * interpreter, far too slowly for its million-entry modules.
 *
 * Needs Chromium (`$CHROMIUM`, or `chromium` on PATH), as the browser test does.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { startStaticServer } from "../dist/_static_server.ts";
import {
  countFile,
  type FileCounts,
  type FileResult,
  ROOT,
  suiteDir,
  summarize,
  WASM2_FILES,
} from "./suite.ts";

const SLOW = "limits.any.js";

async function chromiumPath(): Promise<string> {
  const candidates = [Deno.env.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"]
    .filter((c): c is string => c !== undefined && c !== "");
  for (const candidate of candidates) {
    try {
      const { success } = await new Deno.Command(candidate, {
        args: ["--version"],
        stdout: "null",
        stderr: "null",
      }).output();
      if (success) return candidate;
    } catch { /* not this one */ }
  }
  throw new Error("No Chromium found (tried $CHROMIUM, chromium, chromium-browser, google-chrome)");
}

function htmlUnescape(text: string): string {
  return text.replace(
    /&(lt|gt|quot|#39|amp);/g,
    (_, e: string) => ({ lt: "<", gt: ">", quot: '"', "#39": "'", amp: "&" })[e]!,
  );
}

/** Shims for `limits.any.js`'s legacy names, and reporting to the parent page. */
const COLLECT = `
var assert_throws = function (error, fn, description) {
  return assert_throws_js(error.constructor === Function ? error : error.constructor, fn, description);
};
var promise_rejects = function (t, error, promise, description) {
  return promise_rejects_js(t, error.constructor === Function ? error : error.constructor, promise, description);
};
var assertEquals = function (expected, actual) { return assert_equals(actual, expected); };
var __results = [];
add_result_callback(function (t) {
  __results.push({ name: t.name, status: t.status, message: t.message });
});
add_completion_callback(function (_tests, status) {
  parent.__report({
    file: META_TITLE,
    harness: { status: status.status, message: status.message },
    tests: __results,
    typeofNativeWebAssembly: __nativeWebAssembly,
  });
});
setup({ explicit_timeout: true, explicit_done: true });
`;

const INDEX_SCRIPT = `
const files = FILES;
const results = [];
let current = null;
window.__report = (result) => current(result);
(async () => {
  for (const file of files) {
    const frame = document.createElement("iframe");
    const done = new Promise((resolve) => (current = resolve));
    frame.src = "t/" + file.replaceAll("/", "_") + ".html";
    document.body.appendChild(frame);
    results.push(await done);
    frame.remove();
  }
  document.getElementById("result").textContent = JSON.stringify(results);
})().catch((e) => {
  document.getElementById("result").textContent = JSON.stringify({ error: String(e) });
});
`;

Deno.test("JS-API tests (Wasm 2.0) pass on the facade in Chromium without WebAssembly", async () => {
  const chromium = await chromiumPath();
  const dir = await Deno.makeTempDir({ prefix: "wasmi_jsapi_browser_" });
  const www = join(dir, "www");
  try {
    const suite = suiteDir();
    const jsApi = join(suite, "test/js-api");
    await Deno.mkdir(join(www, "t"), { recursive: true });
    const bundle = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--format",
        "iife",
        "--platform",
        "browser",
        "-o",
        join(www, "wasm.js"),
        join(ROOT, "tests/jsapi/_install_entry.ts"),
      ],
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    assert.ok(bundle.success, new TextDecoder().decode(bundle.stderr));
    await Deno.copyFile(join(suite, "test/harness/testharness.js"), join(www, "testharness.js"));
    await Deno.writeTextFile(join(www, "collect.js"), COLLECT);

    const files = WASM2_FILES.filter((f) => f !== SLOW);
    let copied = 0;
    const copy = async (path: string): Promise<string> => {
      const name = `s${copied++}.js`;
      await Deno.copyFile(path, join(www, "t", name));
      return name;
    };
    for (const file of files) {
      const source = await Deno.readTextFile(join(jsApi, file));
      const scripts: string[] = [];
      for (const [, script] of source.matchAll(/^\/\/ META: script=(\S+)$/gm)) {
        scripts.push(
          await copy(
            script!.startsWith("/wasm/jsapi/")
              ? join(jsApi, script!.slice("/wasm/jsapi/".length))
              : join(dirname(join(jsApi, file)), script!),
          ),
        );
      }
      scripts.push(await copy(join(jsApi, file)));
      await Deno.writeTextFile(
        join(www, "t", `${file.replaceAll("/", "_")}.html`),
        `<!doctype html><meta charset="utf-8">
<script>var META_TITLE = ${JSON.stringify(file)};
var __nativeWebAssembly = typeof WebAssembly;</script>
<script src="../wasm.js"></script>
<script src="../testharness.js"></script>
<script src="../collect.js"></script>
${scripts.map((s) => `<script src="${s}"></script>`).join("\n")}
<script>done();</script>
`,
      );
    }
    await Deno.writeTextFile(
      join(www, "index.html"),
      `<!doctype html><html><head><meta charset="utf-8"></head><body>
<pre id="result">not run</pre>
<script>${INDEX_SCRIPT.replace("FILES", JSON.stringify(files))}</script>
</body></html>`,
    );

    const server = await startStaticServer(www, 600);
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
          // SharedArrayBuffer without cross-origin isolation headers (the tests build some).
          "--enable-features=SharedArrayBuffer",
          "--virtual-time-budget=600000",
          "--dump-dom",
          `${server.origin}/index.html`,
        ],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(480_000),
      }).output();
      dom = new TextDecoder().decode(run.stdout);
      log = new TextDecoder().decode(run.stderr);
      assert.ok(run.success, `chromium exited with ${run.code}:\n${log}`);
    } finally {
      await server.close();
    }
    const text = /<pre id="result">([^<]*)<\/pre>/.exec(dom)?.[1];
    assert.ok(text !== undefined && text !== "not run", `no results:\n${dom.slice(-3000)}\n${log}`);
    const page = JSON.parse(htmlUnescape(text)) as
      | (FileResult & { typeofNativeWebAssembly: string })[]
      | { error: string };
    assert.ok(Array.isArray(page), `the page failed: ${JSON.stringify(page)}`);
    assert.deepEqual(page.map((r) => r.file), files, "every file reported");
    for (const r of page) {
      assert.equal(r.typeofNativeWebAssembly, "undefined", "WebAssembly must be disabled");
    }
    const all: FileCounts[] = page.map((r) => countFile(r.file, r));
    console.log(`chromium --jitless:\n${summarize(all)}`);
    for (const c of all) {
      for (const f of c.failed.slice(0, 6)) console.log(`  ${c.file}: ${f.name}: ${f.message}`);
      assert.equal(c.harnessError, null, `${c.file}: harness error`);
      assert.deepEqual(c.failed.map((f) => `${f.name}: ${f.message}`), [], `${c.file}: failed`);
      assert.deepEqual(c.staleExclusions, [], `${c.file}: exclusions that no longer fail`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
