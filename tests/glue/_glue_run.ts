/**
 * Runs real npm packages whose glue code targets the standard `WebAssembly` API, and prints
 * their results as one JSON line. `deno run ... _glue_run.ts facade` first installs this
 * library's `WebAssembly` in place of the native one (before any package loads);
 * `... native` leaves the host's.
 *
 * - Emscripten (C): `sql.js` (SQLite) and `wabt` (C++, the WebAssembly Binary Toolkit);
 * - Rust wasm-bindgen: `lz4-wasm-nodejs`;
 * - AssemblyScript: `@chainsafe/as-sha256` (its SIMD build when `validate` accepts SIMD);
 * - Zig (and C): `md4w`, a Markdown renderer, given its module as a fetch `Response` (so
 *   through `compileStreaming`).
 *
 * @module
 */

import { createRequire } from "node:module";

const mode = Deno.args[0];
if (mode === "facade") {
  const { install } = await import("../../src/webassembly/mod.ts");
  install({ force: true });
} else if (mode !== "native") {
  throw new Error(`Usage: _glue_run.ts native|facade, got ${mode}`);
}
const facadeInstalled = Object.prototype.toString.call(globalThis.WebAssembly) ===
    "[object WebAssembly]" && !String(WebAssembly.validate).includes("[native code]");

const require = createRequire(import.meta.url);
const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const results: Record<string, unknown> = { facadeInstalled };
const timings: Record<string, number> = {};
async function timed<T>(name: string, f: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  try {
    return await f();
  } finally {
    timings[name] = Math.round(performance.now() - start);
  }
}

// AssemblyScript: SHA-256 of a few inputs (the package picks its SIMD build when validate says
// SIMD is there).
await timed("as-sha256", async () => {
  const sha = await import("@chainsafe/as-sha256");
  const inputs = ["", "abc", "The quick brown fox jumps over the lazy dog".repeat(100)];
  results["as-sha256"] = inputs.map((s) => hex(sha.digest(new TextEncoder().encode(s))));
  results["as-sha256 digest64"] = hex(sha.digest64(new Uint8Array(64).map((_, i) => i)));
});

// Rust wasm-bindgen: LZ4 round trip.
await timed("lz4-wasm-nodejs", () => {
  const lz4 = require("lz4-wasm-nodejs") as {
    compress(input: Uint8Array): Uint8Array;
    decompress(input: Uint8Array): Uint8Array;
  };
  const text = new TextEncoder().encode("wasmi-ts ".repeat(2000) + "the end");
  const packed = lz4.compress(text);
  const unpacked = lz4.decompress(packed);
  results["lz4-wasm-nodejs"] = {
    packed: hex(packed),
    roundTrip: new TextDecoder().decode(unpacked) === new TextDecoder().decode(text),
  };
});

// Emscripten (C): SQLite through sql.js.
await timed("sql.js", async () => {
  const initSqlJs = require("sql.js") as (config?: unknown) => Promise<{
    Database: new () => {
      run(sql: string, params?: unknown[]): void;
      exec(sql: string): { columns: string[]; values: unknown[][] }[];
      close(): void;
    };
  }>;
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL)");
  for (let i = 0; i < 50; i++) {
    db.run("INSERT INTO t (name, score) VALUES (?, ?)", [`n${i}`, i * 1.5]);
  }
  results["sql.js"] = db.exec(
    "SELECT count(*), sum(score), max(name), group_concat(id % 7, '') FROM t WHERE score > 10",
  );
  results["sql.js json"] = db.exec("SELECT json_object('a', 1, 'b', sqlite_version() > '3')");
  db.close();
});

// Emscripten (C++): wabt, text to binary and back.
await timed("wabt", async () => {
  const wabtInit = (await import("wabt")).default;
  const wabt = await wabtInit();
  const wat = `(module
    (memory (export "mem") 1)
    (func $fib (export "fib") (param i32) (result i32)
      (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
        (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                       (call $fib (i32.sub (local.get 0) (i32.const 2))))))))`;
  const parsed = wabt.parseWat("fib.wat", wat);
  const binary = parsed.toBinary({}).buffer as Uint8Array;
  const read = wabt.readWasm(binary, { readDebugNames: true });
  results["wabt"] = { binary: hex(binary), text: read.toText({}) };
});

// Zig + C: Markdown to HTML, the module handed over as a Response (compileStreaming).
await timed("md4w", async () => {
  const md4w = await import("md4w");
  const wasmUrl = new URL("md4w-fast.wasm", import.meta.resolve("md4w"));
  const bytes = await Deno.readFile(wasmUrl);
  await md4w.init(new Response(bytes, { headers: { "Content-Type": "application/wasm" } }));
  const markdown = [
    "# wasmi-ts",
    "",
    "A *WebAssembly* interpreter in **TypeScript**; see [wasmi](https://github.com/wasmi-labs).",
    "",
    "- one",
    "- two `code`",
    "",
    "| a | b |",
    "|---|---|",
    "| 1 | 2 |",
    "",
    "```ts",
    "const x = 1 < 2 && 'é';",
    "```",
    "",
    "",
  ].join("\n").repeat(20);
  results["md4w"] = md4w.mdToHtml(markdown);
});

console.log(JSON.stringify({ results, timings }));
