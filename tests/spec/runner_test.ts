/**
 * Unit tests of the runner's verdicts, against a fake host whose behaviour is keyed on export
 * names (so the execution logic is tested before the engine exists).
 */

import assert from "node:assert/strict";
import type {
  CompileOutcome,
  HostInstance,
  HostModule,
  InstantiateOutcome,
  InvokeOutcome,
  SpecHost,
} from "./host.ts";
import { type CaseResult, messageMatches, runCommands } from "./runner.ts";
import { parseScript } from "./script.ts";
import type { WastValue } from "./values.ts";

function contains(bytes: Uint8Array, text: string): boolean {
  return new TextDecoder("latin1").decode(bytes).includes(text);
}

/**
 * Decodes anything starting with `\0asm`; a module exporting "invalid" fails validation, one
 * importing from "missing" fails to link. Calls answer by export name.
 */
class FakeHost implements SpecHost {
  readonly registered: string[] = [];

  compile(bytes: Uint8Array): CompileOutcome {
    if (!contains(bytes.subarray(0, 4), "\0asm")) {
      return { ok: false, stage: "decode", message: "magic header not detected" };
    }
    if (contains(bytes, "invalid")) {
      return { ok: false, stage: "validate", message: "type mismatch" };
    }
    return { ok: true, module: { bytes } as unknown as HostModule };
  }

  instantiate(module: HostModule): InstantiateOutcome {
    const { bytes } = module as unknown as { bytes: Uint8Array };
    if (contains(bytes, "missing")) {
      return { ok: false, stage: "unlinkable", message: "unknown import" };
    }
    return { ok: true, instance: {} as HostInstance };
  }

  register(name: string, _instance: HostInstance): void {
    this.registered.push(name);
  }

  invoke(_instance: HostInstance, field: string, args: readonly WastValue[]): InvokeOutcome {
    switch (field) {
      case "add": {
        const [a, b] = args as readonly { value: number }[];
        return { ok: true, results: [{ type: "i32", value: (a.value + b.value) | 0 }] };
      }
      case "nan":
        return { ok: true, results: [{ type: "f32", bits: 0xffc0_0000 }] };
      case "div":
        return { ok: false, trap: "integer divide by zero" };
      case "deep":
        return { ok: false, trap: "call stack exhausted" };
    }
    throw new Error(`no export ${field}`);
  }

  getGlobal(_instance: HostInstance, _field: string): WastValue {
    return { type: "i64", value: -1n };
  }
}

const SCRIPT = `(module $M
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (global (export "g") i64 (i64.const -1)))
(register "m" $M)
(assert_return (invoke "add" (i32.const 0x7fffffff) (i32.const 1)) (i32.const -0x80000000))
(assert_return (invoke $M "add" (i32.const 1) (i32.const 1)) (i32.const 3))
(assert_return (invoke "nan") (f32.const nan:canonical))
(assert_return (get "g") (i64.const 0xffffffffffffffff))
(assert_trap (invoke "div") "integer divide by zero")
(assert_trap (invoke "div") "integer overflow")
(assert_trap (invoke "add" (i32.const 1) (i32.const 2)) "unreachable")
(assert_exhaustion (invoke "deep") "call stack exhausted")
(assert_malformed (module binary "\\00asn") "magic header not detected")
(assert_malformed (module quote "(func (i32.cont 1))") "unknown operator")
(assert_invalid (module (func (export "invalid"))) "type mismatch")
(assert_invalid (module (func (export "invalid"))) "unknown local")
(assert_unlinkable (module (import "missing" "f" (func))) "unknown import")
(invoke "nothing")`;

function statuses(results: readonly CaseResult[]): string[] {
  return results.map((result) => `${result.line} ${result.kind} ${result.status}`);
}

Deno.test("runner: verdicts for every command kind", () => {
  const host = new FakeHost();
  const results = runCommands(parseScript("fake.wast", SCRIPT), host);
  assert.deepEqual(statuses(results), [
    "1 module passed",
    "4 register passed",
    "5 assert_return passed",
    "6 assert_return failed",
    "7 assert_return passed",
    "8 assert_return passed",
    "9 assert_trap passed",
    "10 assert_trap failed",
    "11 assert_trap failed",
    "12 assert_exhaustion passed",
    "13 assert_malformed passed",
    "14 assert_malformed passed",
    "15 assert_invalid passed",
    "16 assert_invalid passed",
    "17 assert_unlinkable passed",
    "18 invoke failed",
  ]);
  assert.deepEqual(host.registered, ["m"]);
  assert.match(results[3].reason!, /expected \[i32:3 .*\], got \[i32:2 /);
  assert.equal(results[11].notes[0].kind, "text-parser-rejected");
  assert.equal(results[13].notes[0].kind, "message-mismatch");
  assert.match(results[15].reason!, /unexpected error: Error: no export nothing/);
});

Deno.test("runner: a selected line replays the modules and actions before it", () => {
  const results = runCommands(parseScript("fake.wast", SCRIPT), new FakeHost(), { line: 6 });
  assert.deepEqual(statuses(results), ["6 assert_return failed"]);
  assert.throws(() => runCommands(parseScript("fake.wast", SCRIPT), new FakeHost(), { line: 99 }));
});

Deno.test("runner: message matching accepts detail, prefixes and known aliases", () => {
  assert.ok(messageMatches("unknown import", "unknown import: m.f"));
  assert.ok(messageMatches("uninitialized element 2", "uninitialized element"));
  assert.ok(messageMatches("undefined element", "out of bounds table access"));
  assert.ok(!messageMatches("integer overflow", "integer divide by zero"));
});
