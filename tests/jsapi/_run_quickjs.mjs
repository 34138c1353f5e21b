// Runs one JS-API test file inside QuickJS (npm `quickjs-emscripten`), whose realm has no
// `WebAssembly`, no `TextDecoder` and no timers: the facade (the npm build's ES modules) is
// installed there with `install()`, then WPT's testharness.js, the helpers and the test run as
// global scripts. Prints the same JSON line as `_run_file.mjs`.
//
//   node _run_quickjs.mjs <suite dir> <test file> <facade module (.js)>

import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { getQuickJS } from "quickjs-emscripten";

const [suiteDir, testFile, implementation] = process.argv.slice(2);
const jsApi = join(suiteDir, "test/js-api");

const QuickJS = await getQuickJS();
const runtime = QuickJS.newRuntime();
runtime.setMaxStackSize(0);
runtime.setModuleLoader(
  (name) => readFileSync(name, "utf8"),
  (base, requested) => resolve(dirname(base), requested),
);
const vm = runtime.newContext();

const log = vm.newFunction("log", (...args) => {
  console.error(...args.map((a) => vm.dump(a)));
});
vm.setProp(vm.global, "__hostLog", log);
log.dispose();

function evalOrThrow(code, filename, type = "global") {
  const result = vm.evalCode(code, filename, { type });
  if (result.error) {
    const error = vm.dump(result.error);
    result.error.dispose();
    throw new Error(`${filename}: ${JSON.stringify(error)}`);
  }
  return result.value;
}

/** Runs queued promise jobs, then due timers, until `done()` reports or nothing is left. */
function drain() {
  for (;;) {
    const jobs = runtime.executePendingJobs();
    if (jobs.error) {
      const error = vm.dump(jobs.error);
      jobs.error.dispose();
      throw new Error(`pending job: ${JSON.stringify(error)}`);
    }
    if (jobs.value > 0) continue;
    const ran = evalOrThrow("__runTimer()", "timers.js");
    const more = vm.dump(ran);
    ran.dispose();
    if (!more) return;
  }
}

// A realm like a JS shell's: `self`, `console`, and timers on a virtual clock.
evalOrThrow(
  `globalThis.self = globalThis;
  globalThis.console = { log: __hostLog, error: __hostLog, warn: __hostLog, info: __hostLog };
  (() => {
    const timers = [];
    let seq = 0;
    let now = 0;
    globalThis.setTimeout = (fn, ms, ...args) => {
      timers.push({ id: ++seq, fn, args, at: now + (Number(ms) || 0) });
      return seq;
    };
    globalThis.clearTimeout = (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    };
    globalThis.__runTimer = () => {
      if (timers.length === 0) return false;
      timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const t = timers.shift();
      now = t.at;
      t.fn(...t.args);
      return true;
    };
  })();`,
  "prelude.js",
).dispose();

const main = resolve(dirname(resolve(implementation)), "__main__.mjs");
const installed = evalOrThrow(
  `import { install } from ${JSON.stringify(resolve(implementation))};
  if (typeof WebAssembly !== "undefined") throw new Error("QuickJS has a WebAssembly already");
  if (typeof TextDecoder !== "undefined") throw new Error("QuickJS has a TextDecoder");
  install();`,
  main,
  "module",
);
installed.dispose();
drain();

const title = testFile.slice(testFile.lastIndexOf("/test/js-api/") + "/test/js-api/".length);
evalOrThrow(`globalThis.META_TITLE = ${JSON.stringify(title)};`, "title.js").dispose();
evalOrThrow(
  readFileSync(join(suiteDir, "test/harness/testharness.js"), "utf8"),
  "testharness.js",
).dispose();
evalOrThrow(
  `globalThis.assert_throws = (error, fn, description) =>
    assert_throws_js(error.constructor === Function ? error : error.constructor, fn, description);
  globalThis.promise_rejects = (t, error, promise, description) =>
    promise_rejects_js(t, error.constructor === Function ? error : error.constructor, promise,
      description);
  globalThis.assertEquals = (expected, actual) => assert_equals(actual, expected);
  globalThis.__results = [];
  globalThis.__status = null;
  add_result_callback((t) => __results.push({ name: t.name, status: t.status, message: t.message }));
  add_completion_callback((_tests, status) => {
    __status = { status: status.status, message: status.message };
  });
  setup({ explicit_timeout: true, explicit_done: true });`,
  "collect.js",
).dispose();

const source = readFileSync(testFile, "utf8");
const parts = [];
for (const [, script] of source.matchAll(/^\/\/ META: script=(\S+)$/gm)) {
  const path = script.startsWith("/wasm/jsapi/")
    ? join(jsApi, script.slice("/wasm/jsapi/".length))
    : join(dirname(testFile), script);
  parts.push(readFileSync(path, "utf8"));
}
parts.push(source);
const ran = vm.evalCode(parts.join("\n;\n"), testFile);
if (ran.error) {
  console.error("test file threw:", JSON.stringify(vm.dump(ran.error)));
  ran.error.dispose();
} else {
  ran.value.dispose();
}
evalOrThrow("done()", "done.js").dispose();
drain();

const out = evalOrThrow("JSON.stringify({ harness: __status, tests: __results })", "out.js");
const { harness, tests } = JSON.parse(vm.dump(out));
out.dispose();
console.log(JSON.stringify({
  file: testFile,
  harness: harness ?? { status: 1, message: "the harness never completed" },
  tests,
}));
// No dispose: objects still held by the test (pending promises, cycles through host functions)
// make QuickJS's runtime teardown assert; the process ends here anyway.
