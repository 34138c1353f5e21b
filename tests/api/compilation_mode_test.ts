/**
 * `Config.compilationMode`: when a function body is decoded, validated and translated, and where
 * a bad body is reported in each mode.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  type CompilationMode,
  Config,
  DecodeError,
  Engine,
  Linker,
  Module,
  Store,
  ValidationError,
} from "../../mod.ts";
import { createWebAssembly } from "../../src/webassembly/mod.ts";
import { body, mod, section, str, u32, vec } from "../_lib/bytes.ts";
import { uniform } from "../_lib/prng.ts";
import { decodeModule } from "../../src/binary/decoder.ts";
import { validateModule } from "../../src/validate/mod.ts";

const RESULT_I32 = [0x60, 0x00, 0x01, 0x7f];
const VOID = [0x60, 0x00, 0x00];

/**
 * A module of four functions: `good` returns 42, `bad` has the body `badCode` (type 0 is
 * `[] -> [i32]`, type 1 `[] -> []`), `caller` calls `bad`, `count` bumps and returns a global
 * (to see that a failed call leaves the store usable).
 */
function moduleWith(badCode: readonly number[], badType = 0): Uint8Array {
  const exp = (name: string, index: number) => [...str(name), 0x00, ...u32(index)];
  return mod(
    section(1, vec([RESULT_I32, VOID])),
    section(3, vec([[0x00], [badType], [0x00], [0x00]])),
    section(6, vec([[0x7f, 0x01, 0x41, 0x00, 0x0b]])), // (global (mut i32) (i32.const 0))
    section(7, vec([exp("good", 0), exp("bad", 1), exp("caller", 2), exp("count", 3)])),
    section(
      10,
      vec([
        body([], [0x41, 42, 0x0b]),
        body([], badCode),
        body([], [0x10, 0x01, ...(badType === 0 ? [] : [0x41, 0x00]), 0x0b]),
        // global.set 0 (i32.add (global.get 0) (i32.const 1)); global.get 0
        body([], [0x23, 0x00, 0x41, 0x01, 0x6a, 0x24, 0x00, 0x23, 0x00, 0x0b]),
      ]),
    ),
  );
}

/** Leaves an i64 where the function's i32 result is expected. */
const INVALID = moduleWith([0x42, 0x00, 0x0b]);
/** An opcode that does not exist. */
const MALFORMED = moduleWith([0xff, 0x0b]);
/** `memory.init 0 0` without a data count section (a 2.0 module needs one for it). */
const NO_DATA_COUNT = moduleWith([0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x08, 0x00, 0x00, 0x0b], 1);

function engineIn(mode: CompilationMode): Engine {
  return new Engine(new Config({ compilationMode: mode }));
}

/** The error `new Module` throws for `bytes` in `mode`. */
function compileError(mode: CompilationMode, bytes: Uint8Array): unknown {
  try {
    new Module(engineIn(mode), bytes);
  } catch (e) {
    return e;
  }
  assert.fail(`new Module accepted the module in ${mode} mode`);
}

function instantiate(bytes: Uint8Array, tier: "interpreter" | "auto" = "auto") {
  const engine = new Engine(new Config({ compilationMode: "lazy", executionTier: tier }));
  const store = new Store(engine, null);
  const instance = new Linker(engine).instantiate(store, new Module(engine, bytes));
  const call = (name: string) => instance.getTypedFunc(store, name).call(store);
  return { store, instance, call };
}

Deno.test("compilationMode: eager and lazyTranslation reject a bad body at new Module", () => {
  for (const mode of ["eager", "lazyTranslation"] as const) {
    assert.ok(compileError(mode, INVALID) instanceof ValidationError, mode);
    assert.ok(compileError(mode, MALFORMED) instanceof DecodeError, mode);
    assert.ok(compileError(mode, NO_DATA_COUNT) instanceof DecodeError, mode);
  }
});

// One literal test declaration per test: tests/dist counts them (with a regular expression that
// would also count that call written in a comment) to check Bun and Node ran every one.
Deno.test("compilationMode: lazy reports an invalid body when it is first called (interpreter)", () => {
  lazyInvalid("interpreter");
});
Deno.test("compilationMode: lazy reports an invalid body when it is first called (auto)", () => {
  lazyInvalid("auto");
});

function lazyInvalid(tier: "interpreter" | "auto"): void {
  const eager = compileError("eager", INVALID) as ValidationError;
  assert.equal(eager.reason, "type mismatch");
  const { call } = instantiate(INVALID, tier);
  assert.equal(call("good"), 42);
  assert.equal(call("count"), 1);
  let first: unknown;
  assert.throws(() => call("bad"), (e) => {
    first = e;
    // The same error, at the same place, as the other modes report at compile time.
    assert.ok(e instanceof ValidationError);
    assert.equal(e.message, eager.message);
    assert.equal(e.offset, eager.offset);
    assert.equal(e.funcIndex, 1);
    return true;
  });
  // Reached from Wasm, the body fails the call that reached it; later uses fail the same way.
  assert.throws(() => call("caller"), (e) => e === first);
  assert.throws(() => call("bad"), (e) => e === first);
  // The store stays usable and the module's other functions still run.
  assert.equal(call("good"), 42);
  assert.equal(call("count"), 2);
}

Deno.test("compilationMode: lazy reports a malformed body as a DecodeError on first call", () => {
  for (const bytes of [MALFORMED, NO_DATA_COUNT]) {
    const eager = compileError("eager", bytes) as DecodeError;
    const { call } = instantiate(bytes);
    assert.equal(call("good"), 42);
    assert.throws(() => call("caller"), (e) => {
      assert.ok(e instanceof DecodeError);
      assert.equal(e.message, eager.message);
      return true;
    });
    assert.equal(call("count"), 1);
  }
});

Deno.test("compilationMode: lazy still checks every module-level rule at new Module", () => {
  // An export of a function that does not exist: a module-level rule.
  const unknownExport = mod(
    section(1, vec([VOID])),
    section(3, vec([[0x00]])),
    section(7, vec([[...str("f"), 0x00, 0x05]])),
    section(10, vec([body([], [0x0b])])),
  );
  assert.throws(() => new Module(engineIn("lazy"), unknownExport), ValidationError);
  // Function and code sections of different lengths: malformed, whatever the mode.
  const missingBody = mod(section(1, vec([VOID])), section(3, vec([[0x00], [0x00]])));
  assert.throws(() => new Module(engineIn("lazy"), missingBody), DecodeError);
  // A body larger than the section holds.
  const truncated = mod(section(1, vec([VOID])), section(3, vec([[0x00]])), [0x0a, 3, 1, 9, 0]);
  assert.throws(() => new Module(engineIn("lazy"), truncated), DecodeError);
});

Deno.test("compilationMode: Module.validate checks bodies in every mode", () => {
  for (const mode of ["eager", "lazyTranslation", "lazy"] as const) {
    assert.throws(() => Module.validate(engineIn(mode), INVALID), ValidationError, mode);
    assert.throws(() => Module.validate(engineIn(mode), MALFORMED), DecodeError, mode);
  }
});

Deno.test("compilationMode: lazy reports a bad start function at instantiation", () => {
  const bytes = mod(
    section(1, vec([VOID])),
    section(3, vec([[0x00]])),
    section(8, [0x00]),
    section(10, vec([body([], [0x42, 0x00, 0x0b])])), // leaves an i64 behind
  );
  const engine = engineIn("lazy");
  const module = new Module(engine, bytes);
  assert.throws(
    () => new Linker(engine).instantiate(new Store(engine, null), module),
    ValidationError,
  );
});

Deno.test("compilationMode: resumable and async calls report an invalid body too", async () => {
  const { store, instance } = instantiate(INVALID);
  const bad = instance.getFunc(store, "bad")!;
  assert.throws(() => bad.callResumable(store, []), ValidationError);
  await assert.rejects(() => instance.getFunc(store, "caller")!.callAsync(store), ValidationError);
  assert.equal(instance.getTypedFunc(store, "good").call(store), 42);
});

Deno.test("compilationMode: the WebAssembly facade rejects bad bodies eagerly in lazy mode", () => {
  const wasm = createWebAssembly({ config: { compilationMode: "lazy" } });
  assert.equal(wasm.validate(INVALID), false);
  assert.equal(wasm.validate(MALFORMED), false);
  assert.throws(() => new wasm.Module(INVALID), wasm.CompileError);
  assert.throws(() => new wasm.Module(MALFORMED), wasm.CompileError);
  assert.ok(new wasm.Module(moduleWith([0x41, 0x07, 0x0b])) instanceof wasm.Module);
});

Deno.test("compilationMode: a malformed body is reported before any invalid part", () => {
  // Body 0 is invalid, body 1 malformed; then an export of an unknown function (invalid too) and
  // a data segment. Decoding reads every body before validation looks at any of them.
  const exp = [...str("f"), 0x00, 0x09];
  const bytes = mod(
    section(1, vec([VOID])),
    section(3, vec([[0x00], [0x00]])),
    section(7, vec([exp])),
    section(10, vec([body([], [0x42, 0x00, 0x0b]), body([], [0xff, 0x0b])])),
  );
  for (const mode of ["eager", "lazyTranslation"] as const) {
    const engine = engineIn(mode);
    assert.throws(() => new Module(engine, bytes), DecodeError, mode);
    assert.throws(() => Module.validate(engine, bytes), DecodeError, mode);
  }
  const first = compileError("eager", bytes) as DecodeError;
  assert.match(first.reason, /illegal opcode/);
  // A malformed section after the code section: the malformed body still comes first.
  const truncatedData = new Uint8Array([...bytes, 11, 5, 1, 0]);
  for (const mode of ["eager", "lazyTranslation"] as const) {
    const e = compileError(mode, truncatedData);
    assert.ok(e instanceof DecodeError && e.message === first.message, mode);
  }
  // Lazy mode checks only the module-level rules: the export is reported.
  assert.throws(() => new Module(engineIn("lazy"), bytes), ValidationError);
});

Deno.test("compilationMode: eager validates while translating, with lazyTranslation's errors", () => {
  // Body 1 breaks a rule at its last instruction, after code the translator has taken in.
  const late = moduleWith([0x41, 0x01, 0x41, 0x02, 0x6a, 0x1a, 0x42, 0x00, 0x0b]);
  // Body 0 is invalid and the export names an unknown function: the bodies come first.
  const both = mod(
    section(1, vec([VOID])),
    section(3, vec([[0x00]])),
    section(7, vec([[...str("f"), 0x00, 0x09]])),
    section(10, vec([body([], [0x41, 0x00, 0x0b])])),
  );
  for (const bytes of [INVALID, late, both]) {
    const eager = compileError("eager", bytes);
    const reference = compileError("lazyTranslation", bytes);
    assert.ok(eager instanceof ValidationError && reference instanceof ValidationError);
    assert.equal(eager.message, reference.message);
    assert.equal(eager.offset, reference.offset);
    assert.equal(eager.funcIndex, reference.funcIndex);
  }
  assert.equal((compileError("eager", both) as ValidationError).funcIndex, 0);
  // A valid module compiled eagerly runs.
  const engine = engineIn("eager");
  const store = new Store(engine, null);
  const ok = moduleWith([0x41, 0x07, 0x0b]);
  const instance = new Linker(engine).instantiate(store, new Module(engine, ok));
  assert.equal(instance.getTypedFunc<[], number>(store, "caller").call(store), 7);
});

/** What decoding every body first, then validating, reports for `bytes` (the reference order). */
function referenceVerdict(bytes: Uint8Array, config: Config): string {
  try {
    validateModule(decodeModule(bytes, config, "now"), config);
    return "valid";
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

Deno.test("compilationMode: mutated modules get the reference verdict at compile time", () => {
  const config = new Config();
  const seeds = [
    // node:fs rather than Deno's: tests/api also runs under Bun (tests/dist/bun_test.ts).
    new Uint8Array(readFileSync(new URL("../../bench/lz.wasm", import.meta.url))),
    INVALID,
    MALFORMED,
    NO_DATA_COUNT,
  ];
  const random = uniform(14);
  let rejected = 0;
  for (let i = 0; i < 3000; i++) {
    const bytes = seeds[i % seeds.length]!.slice();
    for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
      bytes[8 + Math.floor(random() * (bytes.length - 8))] = Math.floor(random() * 256);
    }
    const expected = referenceVerdict(bytes, config);
    if (expected !== "valid") rejected++;
    const checks: [string, () => unknown][] = [
      ["validate", () => Module.validate(new Engine(config), bytes)],
      ["eager", () => new Module(engineIn("eager"), bytes)],
      ["lazyTranslation", () => new Module(engineIn("lazyTranslation"), bytes)],
    ];
    for (const [name, check] of checks) {
      let actual = "valid";
      try {
        check();
      } catch (e) {
        actual = `${(e as Error).name}: ${(e as Error).message}`;
      }
      assert.equal(actual, expected, `mutation ${i}, ${name}`);
    }
  }
  assert.ok(rejected > 1000, `${rejected} rejected`);
});
