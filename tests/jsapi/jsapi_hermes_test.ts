/**
 * The official JS-API tests (Wasm 2.0) inside Hermes 0.12 (npm `hermes-engine-cli`), the engine
 * of React Native, which has no `WebAssembly`, no `TextDecoder`, and parses neither classes nor
 * async functions nor private fields, and cannot detach ArrayBuffers: `deno bundle` packs the facade into one script, which the
 * TypeScript compiler lowers to ES5 (as a React Native build would with Babel); the harness, the
 * helpers and each test are lowered the same way. One `hermes` process per test file.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import ts from "typescript";
import {
  countFile,
  type FileCounts,
  parseFileResult,
  ROOT,
  suiteDir,
  summarize,
  WASM2_FILES,
} from "./suite.ts";

const NO_SAB = "Hermes has no SharedArrayBuffer (the runner shims one with a plain " +
  "ArrayBuffer so that the file's setup runs) nor resizable ArrayBuffers: this checks nothing";
const NO_DETACH = "Hermes cannot detach an ArrayBuffer (no `transfer`, no `structuredClone`): " +
  "the old buffer keeps its bytes after a grow";

/** Subtests that cannot run meaningfully on Hermes, with the reason (besides `EXCLUDED`). */
const HERMES_EXCLUDED: Record<string, Record<string, string>> = {
  ...Object.fromEntries(
    [
      "constructor/compile.any.js",
      "constructor/instantiate.any.js",
      "constructor/validate.any.js",
      "module/constructor.any.js",
    ].map((file) => [
      file,
      Object.fromEntries(
        [
          "SharedArrayBuffer-backed view",
          "Invalid module in SharedArrayBuffer",
          "Resizable ArrayBuffer-backed view",
          "Invalid module in resizable ArrayBuffer",
          "Growable SharedArrayBuffer-backed view",
          "Invalid module in growable SharedArrayBuffer",
        ].map((name) => [name, NO_SAB]),
      ),
    ]),
  ),
  "memory/grow.any.js": {
    "Non-zero initial": NO_DETACH,
    "Zero initial with respected maximum grown twice": NO_DETACH,
  },
};

const HERMES = join(ROOT, "node_modules/hermes-engine-cli/linux64-bin/hermes");
const SLOW = "limits.any.js";

/**
 * `source` lowered to ES5 (one script, no modules). Two constructs of the tests would not survive
 * that and are rewritten first, to the same meaning: a rest parameter named `arguments` (renamed)
 * and `**` on BigInt literals (which ES5 turns into `Math.pow`; folded to a literal).
 */
function lower(source: string, fileName: string): string {
  source = source.replaceAll("...arguments", "...__args")
    .replace(/\b(\d+)n \*\* (\d+)n\b/g, (_, a: string, b: string) => `${BigInt(a) ** BigInt(b)}n`);
  const out = ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      target: ts.ScriptTarget.ES5,
      module: ts.ModuleKind.None,
      downlevelIteration: true,
      removeComments: true,
      isolatedModules: false,
    },
  });
  return out.outputText;
}

async function bundle(dir: string): Promise<string> {
  const out = join(dir, "bundle.js");
  const { success, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--format",
      "iife",
      "--platform",
      "browser",
      "-o",
      out,
      join(ROOT, "tests/jsapi/_install_entry.ts"),
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(success, new TextDecoder().decode(stderr));
  return lower(await Deno.readTextFile(out), "bundle.js");
}

/**
 * The shell realm around the tests: `self`, `console` over `print`, and a `clearTimeout` that
 * takes what browsers take (Hermes's throws for anything but a number).
 */
const PRELUDE = `
var self = globalThis;
var console = { log: print, error: print, warn: print, info: print };
(function (clear) {
  globalThis.clearTimeout = function (id) { if (typeof id === "number") clear(id); };
})(clearTimeout);
if (typeof SharedArrayBuffer === "undefined") {
  globalThis.SharedArrayBuffer = function SharedArrayBuffer(length) { return new ArrayBuffer(length); };
}
`;

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
  print(JSON.stringify({
    file: META_TITLE,
    harness: { status: status.status, message: status.message },
    tests: __results,
  }));
});
setup({ explicit_timeout: true, explicit_done: true });
`;

async function runHermes(hermes: string, script: string, file: string): Promise<FileCounts> {
  const out = await new Deno.Command(hermes, {
    args: [script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `${file}: hermes exited ${out.code}\n${stdout}\n${stderr}`.slice(-4000));
  return countFile(file, parseFileResult(stdout), HERMES_EXCLUDED);
}

Deno.test("JS-API tests (Wasm 2.0) pass on the facade inside Hermes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "wasmi_hermes_" });
  try {
    const suite = suiteDir();
    const jsApi = join(suite, "test/js-api");
    // A copy with the executable bit set (the package may not keep it; /tmp is writable here).
    const hermes = join(dir, "hermes");
    await Deno.copyFile(HERMES, hermes);
    await Deno.chmod(hermes, 0o755);
    const library = await bundle(dir);
    const harness = lower(
      await Deno.readTextFile(join(suite, "test/harness/testharness.js")),
      "testharness.js",
    );
    const files = WASM2_FILES.filter((f) => f !== SLOW);
    const scripts: [string, string][] = [];
    for (const file of files) {
      const source = await Deno.readTextFile(join(jsApi, file));
      const parts: string[] = [];
      for (const [, script] of source.matchAll(/^\/\/ META: script=(\S+)$/gm)) {
        const path = script!.startsWith("/wasm/jsapi/")
          ? join(jsApi, script!.slice("/wasm/jsapi/".length))
          : join(dirname(join(jsApi, file)), script!);
        parts.push(await Deno.readTextFile(path));
      }
      parts.push(source);
      const test = lower(parts.join("\n;\n"), file);
      const script = join(dir, `${file.replaceAll("/", "_")}.js`);
      await Deno.writeTextFile(
        script,
        [
          PRELUDE,
          library,
          `var META_TITLE = ${JSON.stringify(file)};`,
          harness,
          COLLECT,
          `try {\n${test}\n} finally { done(); }`,
        ].join("\n;\n"),
      );
      scripts.push([file, script]);
    }
    const all: FileCounts[] = [];
    const worker = async () => {
      for (let next = scripts.shift(); next !== undefined; next = scripts.shift()) {
        all.push(await runHermes(hermes, next[1], next[0]));
      }
    };
    await Promise.all([worker(), worker()]);
    all.sort((a, b) => WASM2_FILES.indexOf(a.file) - WASM2_FILES.indexOf(b.file));
    console.log(`hermes:\n${summarize(all)}`);
    for (const c of all) {
      for (const f of c.failed.slice(0, 6)) console.log(`  ${c.file}: ${f.name}: ${f.message}`);
      if (c.harnessError !== null) console.log(`  ${c.file}: harness error: ${c.harnessError}`);
    }
    for (const c of all) {
      assert.equal(c.harnessError, null, `${c.file}: harness error`);
      assert.deepEqual(c.failed.map((f) => `${f.name}: ${f.message}`), [], `${c.file}: failed`);
      assert.deepEqual(c.staleExclusions, [], `${c.file}: exclusions that no longer fail`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
