// Runs one JS-API test file of ../shared/wasm-js-api against a `WebAssembly` implementation, in
// this process's realm, with WPT's testharness.js, and prints one line of JSON:
// {"file", "harness": {status, message}, "tests": [{name, status, message}]}.
//
//   <deno run --allow-read | node> _run_file.mjs <suite dir> <test file> <implementation module>
//
// The implementation module exports `install`; "native" keeps the host's own WebAssembly.
// Plain JavaScript so that Deno and Node run the same file.

const [suiteDir, testFile, implementation] = typeof Deno !== "undefined"
  ? Deno.args
  : process.argv.slice(2);

const { readFileSync } = await import("node:fs");
const { dirname, join, resolve } = await import("node:path");
const { pathToFileURL } = await import("node:url");

globalThis.self = globalThis;
if (implementation !== "native") {
  const { install } = await import(pathToFileURL(resolve(implementation)).href);
  install({ force: true });
}

const jsApi = join(suiteDir, "test/js-api");
// Scripts run as classic scripts in this realm, as a browser would load them: through `vm` on
// Node (which works under --disallow-code-generation-from-strings), else by indirect eval.
const vm = typeof Deno === "undefined" ? await import("node:vm") : null;
const evalScript = (code, name) =>
  vm !== null
    ? vm.runInThisContext(code, { filename: name })
    : (0, eval)(`${code}\n//# sourceURL=${name}`);
const runScript = (path) => evalScript(readFileSync(path, "utf8"), path);

// A test without a name takes the page's title (WPT's META_TITLE): the file, as WPT names it.
globalThis.META_TITLE = testFile.slice(
  testFile.lastIndexOf("/test/js-api/") + "/test/js-api/".length,
);
runScript(join(suiteDir, "test/harness/testharness.js"));

// Legacy harness functions `limits.any.js` still calls (removed from testharness.js upstream).
globalThis.assert_throws = (error, fn, description) =>
  assert_throws_js(error.constructor === Function ? error : error.constructor, fn, description);
globalThis.promise_rejects = (t, error, promise, description) =>
  promise_rejects_js(
    t,
    error.constructor === Function ? error : error.constructor,
    promise,
    description,
  );
globalThis.assertEquals = (expected, actual) => assert_equals(actual, expected);

const results = [];
add_result_callback((t) => results.push({ name: t.name, status: t.status, message: t.message }));
const finished = new Promise((resolveFinished) =>
  add_completion_callback((_tests, status) => resolveFinished(status))
);
setup({ explicit_timeout: true, explicit_done: true });

// The helpers and the test run as one script: their top-level `class` and `let` declarations
// must see each other, which separate indirect evals would not allow.
const source = readFileSync(testFile, "utf8");
const parts = [];
for (const [, script] of source.matchAll(/^\/\/ META: script=(\S+)$/gm)) {
  const path = script.startsWith("/wasm/jsapi/")
    ? join(jsApi, script.slice("/wasm/jsapi/".length))
    : join(dirname(testFile), script);
  parts.push(readFileSync(path, "utf8"));
}
parts.push(source);
try {
  evalScript(parts.join("\n;\n"), testFile);
} finally {
  done();
}
const status = await finished;
console.log(JSON.stringify({
  file: testFile,
  harness: { status: status.status, message: status.message },
  tests: results,
}));
