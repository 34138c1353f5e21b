/**
 * The text converters: wabt first, wasm-tools for what wabt refuses (Wasm 3.0 profile) or is
 * known to encode unlike the reference interpreter.
 */

import assert from "node:assert/strict";
import { convertModule } from "./wat.ts";

const encoder = new TextEncoder();
const text = (source: string) => ({ format: "text", text: encoder.encode(source) }) as const;

Deno.test("wat: wabt converts Wasm 2.0 text", async () => {
  const converted = await convertModule("t.wat", text("(module (func))"), "wasm2");
  assert.ok(converted.ok);
  assert.equal(converted.converter, "wabt");
});

Deno.test("wat: wasm-tools converts what wabt cannot read, only in the wasm3 profile", async () => {
  const wide = text(`(module (func (param i64 i64 i64 i64) (result i64 i64)
    local.get 0 local.get 1 local.get 2 local.get 3 i64.add128))`);
  const strict = await convertModule("t.wat", wide, "wasm2");
  assert.ok(!strict.ok, "the root profile stays on wabt with the Wasm 2.0 features");
  const converted = await convertModule("t.wat", wide, "wasm3");
  assert.ok(converted.ok);
  assert.equal(converted.converter, "wasm-tools");
  // i64.add128 is 0xfc 19.
  const code = [...converted.bytes];
  assert.ok(code.some((byte, i) => byte === 0xfc && code[i + 1] === 19));
});

Deno.test("wat: both converters' errors are reported when neither reads the text", async () => {
  const converted = await convertModule("t.wat", text("(module (func (i32.cont 1)))"), "wasm3");
  assert.ok(!converted.ok);
  assert.match(converted.error.message, /^wabt: .*; wasm-tools: /);
});

Deno.test("wat: `(select (result))` bypasses wabt, which drops the empty type vector", async () => {
  const source = text("(module (func (select (result) (nop) (nop) (i32.const 1))))");
  const converted = await convertModule("t.wat", source, "wasm2");
  assert.ok(converted.ok);
  assert.equal(converted.converter, "wasm-tools");
  const code = [...converted.bytes];
  assert.ok(code.some((byte, i) => byte === 0x1c && code[i + 1] === 0x00), "select t with 0 types");
});
