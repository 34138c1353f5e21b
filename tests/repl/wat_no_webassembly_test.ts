/**
 * The REPL reads WAT through wabt (an Emscripten build) even where the host has no
 * `WebAssembly`: wabt then runs on this library's `WebAssembly`. A child process deletes the
 * global before loading the REPL's WAT reader; its binary must equal the one native wabt makes.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { watToWasm } from "../../repl/wat.ts";

const WAT_MODULE = fileURLToPath(new URL("../../repl/wat.ts", import.meta.url));
const TEXT = `(module (memory 1) (func $double (export "double") (param i32) (result i32)
  (i32.mul (local.get 0) (i32.const 2))))`;

Deno.test("repl: WAT is read through wabt running on the facade when WebAssembly is missing", async () => {
  const script = `
    delete globalThis.WebAssembly;
    const { watToWasm } = await import(${JSON.stringify(`file://${WAT_MODULE}`)});
    const bytes = await watToWasm(${JSON.stringify(TEXT)});
    const ours = Object.prototype.toString.call(globalThis.WebAssembly) === "[object WebAssembly]" &&
      !String(globalThis.WebAssembly.validate).includes("[native code]");
    console.log(JSON.stringify({ ours, bytes: Array.from(bytes) }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, stdout + new TextDecoder().decode(out.stderr));
  const { ours, bytes } = JSON.parse(stdout.trim().split("\n").at(-1)!);
  assert.equal(ours, true, "wabt should have run on the facade");
  assert.deepEqual(new Uint8Array(bytes), await watToWasm(TEXT));
});
