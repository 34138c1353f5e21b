/**
 * The translator is reused from one function to the next (`spareTranslator` in translator.ts):
 * a translation that stopped half-way must not change the next one, and the translator kept
 * between translations must not keep a dropped module alive. Deno only (a child Deno with
 * `--expose-gc`).
 */
import assert from "node:assert/strict";
import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import { Config } from "../../src/engine/config.ts";
import { decodeModule } from "../../src/binary/decoder.ts";
import { FuncValidator, ModuleContext, validateModule } from "../../src/validate/mod.ts";
import { translateFunc } from "../../src/engine/translator.ts";
import { CodeArena } from "../../src/engine/code_builder.ts";

/** Nested blocks, a loop with a conditional exit, an if/else and a call: state of every kind. */
const VALID = `(module (memory 1)
  (func $f (export "f") (param i32 i32) (result i32) (local i32 i64)
    (block $out
      (loop $top
        (br_if $out (i32.ge_u (local.get 2) (local.get 0)))
        (if (i32.and (local.get 2) (i32.const 1))
          (then (local.set 1 (i32.add (local.get 1) (i32.load8_u (local.get 2)))))
          (else (local.set 1 (i32.xor (local.get 1) (call $g (local.get 2))))))
        (local.set 2 (i32.add (local.get 2) (i32.const 1)))
        (br $top)))
    (local.get 1))
  (func $g (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3))))`;

/** Invalid only at its innermost instruction, deep inside blocks, a loop and an if. */
const INVALID = `(module
  (func (param i32) (result i32) (local i32)
    (block (result i32)
      (loop (result i32)
        (if (result i32) (local.get 0)
          (then (block (result i32) (i32.add (local.get 1) (i32.const 1))))
          (else (block (result i32) (i64.const 1))))))))`;

/** The code of every function of `bytes`, translated as an eager compile does. */
function translateAll(bytes: Uint8Array, fuel: boolean): Int32Array[] {
  const config = new Config({ consumeFuel: fuel });
  const decl = decodeModule(bytes, config, "onError");
  validateModule(decl, config, false);
  const validator = new FuncValidator(new ModuleContext(decl, config));
  const arena = new CodeArena();
  const offsets = { offsetsOf: () => new Int32Array(0) };
  const costs = fuel ? config.fuelCosts : null;
  return Array.from(
    { length: decl.bodies.length },
    (_, i) => translateFunc(decl, decl.importedFuncs + i, costs, arena, offsets, 0, validator).code,
  );
}

Deno.test("translator reuse: a translation that validation stopped leaves the next one as it was", async () => {
  const valid = await parse(VALID);
  const invalid = await parse(INVALID);
  for (const fuel of [false, true]) {
    const before = translateAll(valid, fuel).map((c) => [...c]);
    assert.throws(() => translateAll(invalid, fuel), /type mismatch/);
    const after = translateAll(valid, fuel).map((c) => [...c]);
    assert.deepEqual(after, before);
    // And again with the translator a finished translation left.
    assert.deepEqual(translateAll(valid, fuel).map((c) => [...c]), before);
  }
});

Deno.test("translator reuse: the kept translator does not keep a dropped module alive", async () => {
  const valid = await parse(VALID);
  const script = `
    import { Config, Engine, Linker, Module, Store, Val } from "${
    new URL("../../mod.ts", import.meta.url).href
  }";
    import { moduleDecl } from "${new URL("../../src/runtime/module.ts", import.meta.url).href}";
    const bytes = await Deno.readFile(Deno.args[0]);
    let freed = 0;
    const registry = new FinalizationRegistry(() => { freed++; });
    // In a function of its own, so that no frame keeps the module alive.
    const compile = (mode) => {
      const engine = new Engine(new Config({ compilationMode: mode }));
      const module = new Module(engine, bytes);
      const store = new Store(engine, null);
      const f = new Linker(engine).instantiate(store, module).getFunc(store, "f");
      if (f.call(store, [Val.i32(4), Val.i32(0)])[0].value !== 6) throw new Error("wrong result");
      registry.register(moduleDecl(module), mode);
    };
    compile("eager");
    compile("lazyTranslation");
    await new Promise((r) => setTimeout(r, 0));
    for (let i = 0; i < 5 && freed < 2; i++) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    console.log(JSON.stringify({ freed }));
  `;
  // Files in /tmp: `deno task test` may write nowhere else.
  const path = await Deno.makeTempFile({ dir: "/tmp", suffix: "_translator_reuse.ts" });
  const wasm = await Deno.makeTempFile({ dir: "/tmp", suffix: "_translator_reuse.wasm" });
  try {
    await Deno.writeTextFile(path, script);
    await Deno.writeFile(wasm, valid);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--v8-flags=--expose-gc", path, wasm],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const text = new TextDecoder().decode(out.stdout).trim();
    const { freed } = JSON.parse(text.split("\n").at(-1)!);
    assert.equal(freed, 2, "both modules' declarations were collected");
  } finally {
    await Deno.remove(path);
    await Deno.remove(wasm);
  }
});

Deno.test("translator reuse: #begin resets every per-function field the class declares", async () => {
  // A field added for one body and not reset in `#begin` leaks into the next body translated
  // (a merge once dropped the copy-alias fields from the reset and miscompiled tail calls in
  // function-references/return_call.wast). Read-only fields hold reused storage, which the
  // translator empties or overwrites before reading; every other field must be assigned there.
  const source = await Deno.readTextFile(
    new URL("../../src/engine/translator.ts", import.meta.url),
  );
  const start = source.indexOf("\nclass FuncTranslator {");
  assert.ok(start >= 0, "class FuncTranslator found");
  const beginAt = source.indexOf("\n  #begin(", start);
  assert.ok(beginAt > start, "#begin found");
  const beginEnd = source.indexOf("\n  }\n", beginAt);
  const begin = source.slice(beginAt, beginEnd);
  const fields = [...source.slice(start, beginAt).matchAll(/^ {2}#(\w+)[!:= ]/gm)].map((m) =>
    m[1]!
  );
  assert.ok(fields.length >= 20, `found ${fields.length} fields`);
  const unset = fields.filter((f) => !new RegExp(`this\\.#${f} =`).test(begin));
  assert.deepEqual(unset, []);
});
