/**
 * The wide-arithmetic proposal end to end: decoding, validation, translation and execution, with
 * the `assert_return` cases of the testsuite's `wide-arithmetic.wast` run through the public API.
 * wabt cannot parse the proposal's text, so the module is built here as a binary.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Config, DecodeError, Engine, Instance, Module, Store, Val } from "../../mod.ts";
import { body, mod, section, str, vec } from "../binary/_builder.ts";
import { parseScript } from "../spec/script.ts";
import type { WastValue } from "../spec/values.ts";
import { testsuiteDir } from "../spec/suite.ts";

const I64 = 0x7e;
const LOCAL_GET = 0x20;

/** Each operator the engine implements: its `0xFC` sub-opcode and parameter count. */
const OPERATORS: Record<string, [sub: number, params: number]> = {
  "i64.add128": [19, 4],
};

/** A module exporting one function per operator, named after it, as the `.wast` file's. */
function wideModule(): Uint8Array {
  const names = Object.keys(OPERATORS);
  const types = names.map((n) => {
    const params = OPERATORS[n]![1];
    return [0x60, params, ...new Array(params).fill(I64), 2, I64, I64];
  });
  const bodies = names.map((n) => {
    const [sub, params] = OPERATORS[n]!;
    const code: number[] = [];
    for (let i = 0; i < params; i++) code.push(LOCAL_GET, i);
    return body([], [...code, 0xfc, sub, 0x0b]);
  });
  return mod(
    section(1, vec(types)),
    section(3, vec(names.map((_, i) => [i]))),
    section(7, vec(names.map((n, i) => [...str(n), 0x00, i]))),
    section(10, vec(bodies)),
  );
}

Deno.test("wide arithmetic: the testsuite's assert_return cases", () => {
  const file = join(testsuiteDir(), "proposals/wide-arithmetic/wide-arithmetic.wast");
  const engine = new Engine(new Config({ wasmWideArithmetic: true }));
  const store = new Store(engine, null);
  const instance = new Instance(store, new Module(engine, wideModule()), []);
  let ran = 0;
  for (const command of parseScript(file, Deno.readFileSync(file))) {
    if (command.kind !== "assert_return" || command.action.kind !== "invoke") continue;
    const { field, args } = command.action;
    if (!(field in OPERATORS)) continue;
    const i64 = (v: WastValue) => v.type === "i64" ? v.value : assert.fail(`not an i64: ${v.type}`);
    const params = args.map((a) => Val.i64(i64(a)));
    const results = instance.getFunc(store, field)!.call(store, params).map((v) => v.value);
    const expected = command.expected.map((e) => e.kind === "value" ? i64(e.value) : e);
    assert.deepEqual(results, expected, `${file}:${command.line}`);
    ran++;
  }
  assert.ok(ran >= 20, `only ${ran} cases ran`);
});

Deno.test("wide arithmetic: the operators need the feature", () => {
  const engine = new Engine(new Config({ wasmWideArithmetic: false }));
  assert.throws(() => new Module(engine, wideModule()), (e) => {
    assert.ok(e instanceof DecodeError, String(e));
    assert.match(e.message, /i64\.add128 needs a disabled feature/);
    return true;
  });
});
