/**
 * An eager compile validates each body while translating it (issue 14, item 5): the code is
 * the same as translating a body validated beforehand, with fuel metering off and on, and an
 * invalid instruction stops the translation with the validator's error.
 */
import assert from "node:assert/strict";
import { Config, Engine, Linker, Module, Store } from "../../mod.ts";
import { DecodeError, ValidationError } from "../../src/core/errors.ts";
import { DecodeContext } from "../../src/binary/decode_context.ts";
import { scanBody } from "../../src/binary/section_code.ts";
import type { ModuleDecl } from "../../src/binary/module.ts";
import { uniform } from "../_lib/prng.ts";
import { decodeModule } from "../../src/binary/decoder.ts";
import { FuncValidator, ModuleContext, validateModule } from "../../src/validate/mod.ts";
import { translateFunc } from "../../src/engine/translator.ts";
import { body, mod, section, sleb, str, vec } from "../_lib/bytes.ts";

const SQLITE = Deno.readFileSync(
  new URL("../../node_modules/sql.js/dist/sql-wasm-browser.wasm", import.meta.url),
);
const LZ = Deno.readFileSync(new URL("../../bench/lz.wasm", import.meta.url));

Deno.test("eager validation: translating while validating gives the same code", () => {
  const config = new Config();
  for (const [name, bytes] of [["sqlite", SQLITE], ["lz", LZ]] as const) {
    const decl = decodeModule(bytes, config, "onError");
    validateModule(decl, config);
    for (const fuel of [null, { ...new Config({ consumeFuel: true }).fuelCosts }]) {
      const validator = new FuncValidator(new ModuleContext(decl, config));
      for (let i = 0; i < decl.bodies.length; i++) {
        const f = decl.importedFuncs + i;
        const plain = translateFunc(decl, f, fuel);
        const checked = translateFunc(decl, f, fuel, null, null, 0, validator);
        assert.deepEqual(checked.code, plain.code, `${name} function ${f}`);
        assert.equal(checked.frameWords, plain.frameWords);
        assert.deepEqual(checked.codeOffsets, plain.codeOffsets);
      }
    }
  }
});

Deno.test("eager validation: an invalid instruction stops the translation", () => {
  // (func (result i32) i32.const 1 i32.const 2 i32.add drop i64.const 0): the end finds an i64.
  const bytes = mod(
    section(1, vec([[0x60, 0x00, 0x01, 0x7f]])),
    section(3, vec([[0x00]])),
    section(10, vec([body([], [0x41, 0x01, 0x41, 0x02, 0x6a, 0x1a, 0x42, 0x00, 0x0b])])),
  );
  const config = new Config();
  const decl = decodeModule(bytes, config, "onError");
  validateModule(decl, config, false);
  const validator = new FuncValidator(new ModuleContext(decl, config));
  const error = (f: () => unknown): ValidationError => {
    try {
      f();
    } catch (e) {
      if (e instanceof ValidationError) return e;
      throw e;
    }
    assert.fail("no ValidationError");
  };
  const translating = error(() => translateFunc(decl, 0, null, null, null, 0, validator));
  const reference = error(() => validator.validate(0));
  assert.equal(translating.reason, "type mismatch");
  assert.equal(translating.message, reference.message);
  assert.equal(translating.offset, reference.offset);
  assert.equal(translating.offset, bytes.length - 1); // the final end
  assert.equal(translating.funcIndex, 0);
});

Deno.test("eager validation: a deep operand stack (1,000 values) translates and runs", () => {
  // (func (result i32) i32.const 1 ... i32.const 1000 i32.add x 999): 500,500.
  const code: number[] = [];
  for (let k = 1; k <= 1000; k++) code.push(0x41, ...sleb(k));
  for (let k = 1; k < 1000; k++) code.push(0x6a);
  code.push(0x0b);
  const bytes = mod(
    section(1, vec([[0x60, 0x00, 0x01, 0x7f]])),
    section(3, vec([[0x00]])),
    section(7, vec([[...str("f"), 0x00, 0x00]])),
    section(10, vec([body([], code)])),
  );
  for (const mode of ["eager", "lazy"] as const) {
    const engine = new Engine(new Config({ compilationMode: mode, executionTier: "interpreter" }));
    const store = new Store(engine, null);
    const instance = new Linker(engine).instantiate(store, new Module(engine, bytes));
    assert.equal(instance.getTypedFunc<[], number>(store, "f").call(store), 500_500, mode);
  }
});

/** `f`'s error as `Name: message @offset`, or "ok". */
function outcome(f: () => unknown): string {
  try {
    f();
    return "ok";
  } catch (e) {
    if (e instanceof ValidationError || e instanceof DecodeError) {
      return `${e.name}: ${e.message} @${e.offset}`;
    }
    throw e;
  }
}

Deno.test("eager validation: mutated bodies get the verdict of validating before translating", () => {
  // What the lazy mode's first call and the eager compile do for each body: decode it, then
  // validate while translating; the reference validates the whole body first.
  const config = new Config();
  const random = uniform(20);
  let invalid = 0;
  for (let m = 0; m < 300; m++) {
    const bytes = LZ.slice();
    for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
      bytes[8 + Math.floor(random() * (bytes.length - 8))] = Math.floor(random() * 256);
    }
    let decl: ModuleDecl;
    try {
      decl = decodeModule(bytes, config, "never");
      validateModule(decl, config, false);
    } catch {
      continue; // a module-level failure: no body is compiled
    }
    const scanner = new DecodeContext(bytes, config);
    const reference = new FuncValidator(new ModuleContext(decl, config));
    const validator = new FuncValidator(new ModuleContext(decl, config));
    for (let i = 0; i < decl.bodies.length; i++) {
      const f = decl.importedFuncs + i;
      if (outcome(() => scanBody(scanner, decl, i)) !== "ok") continue;
      const expected = outcome(() => reference.validate(f));
      const actual = outcome(() => translateFunc(decl, f, null, null, null, 0, validator));
      assert.equal(actual, expected, `mutation ${m}, function ${f}`);
      if (expected !== "ok") invalid++;
    }
  }
  assert.ok(invalid > 20, `${invalid} invalid bodies`);
});

Deno.test("eager validation: local.get and i32.const (checked before the tables) fail as validate does", () => {
  // Each body has one i32 local (index 0; a non-nullable funcref local at 1 where declared).
  const cases: [string, number[][], number[]][] = [
    ["unknown local 1", [[1, 0x7f]], [0x20, 0x01, 0x1a, 0x0b]],
    ["unknown local 300", [[1, 0x7f]], [0x20, 0xac, 0x02, 0x1a, 0x0b]],
    ["type mismatch", [[1, 0x7f]], [0x20, 0x00, 0x0b]], // an i32 left at the end
    ["type mismatch", [[1, 0x7f]], [0x41, 0x05, 0x42, 0x00, 0x7c, 0x1a, 0x0b]], // i64.add
    ["uninitialized local", [[1, 0x7f], [1, 0x64, 0x70]], [0x20, 0x01, 0x1a, 0x0b]],
  ];
  const config = new Config({ wasmFunctionReferences: true });
  for (const [reason, locals, code] of cases) {
    const bytes = mod(
      section(1, vec([[0x60, 0x00, 0x00]])),
      section(3, vec([[0x00]])),
      section(10, vec([body(locals, code)])),
    );
    const decl = decodeModule(bytes, config, "onError");
    validateModule(decl, config, false);
    const reference = outcome(() => new FuncValidator(new ModuleContext(decl, config)).validate(0));
    const validator = new FuncValidator(new ModuleContext(decl, config));
    const translating = outcome(() => translateFunc(decl, 0, null, null, null, 0, validator));
    assert.match(reference, new RegExp(`^ValidationError: ${reason}`), reason);
    assert.equal(translating, reference, reason);
    for (const mode of ["eager", "lazyTranslation"] as const) {
      const engine = new Engine(
        new Config({ compilationMode: mode, wasmFunctionReferences: true }),
      );
      assert.equal(outcome(() => new Module(engine, bytes)), reference, `${reason}, ${mode}`);
    }
  }
});
