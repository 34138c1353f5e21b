/**
 * The memory compiled code takes (issue 14, item 6): internal code per byte of Wasm code stays
 * at most 4 bytes, for a real C program (SQLite, from sql.js) and for the generated modules of
 * `deno task bench:load`; and the pc → offset tables made on demand are exactly those the
 * translator notes when asked to.
 */
import assert from "node:assert/strict";
import { type CompilationMode, Config, Engine, Linker, Module, Store } from "../../mod.ts";
import { moduleDecl } from "../../src/runtime/module.ts";
import { translateFunc } from "../../src/engine/translator.ts";
import { CodeArena } from "../../src/engine/code_builder.ts";
import { CompiledFunc } from "../../src/engine/code_map.ts";
import type { WasmFuncEntity } from "../../src/engine/entities.ts";
import { wat } from "../_lib/wabt.ts";
import { largeFuncsModule, manyFuncsModule } from "../../scripts/bench_load.ts";

const SQLITE = Deno.readFileSync(
  new URL("../../node_modules/sql.js/dist/sql-wasm-browser.wasm", import.meta.url),
);

function compiled(bytes: Uint8Array, consumeFuel: boolean, mode: CompilationMode = "eager") {
  const engine = new Engine(new Config({ compilationMode: mode, consumeFuel }));
  const module = new Module(engine, bytes);
  return { engine, decl: moduleDecl(module), module };
}

Deno.test("code memory: at most 4 bytes of internal code per byte of Wasm code", () => {
  const subjects: [string, Uint8Array][] = [
    ["sqlite", SQLITE],
    ["small functions", manyFuncsModule(2_000)],
    ["large functions", largeFuncsModule(2, 64 * 1024)],
  ];
  for (const [name, bytes] of subjects) {
    for (const fuel of [false, true]) {
      const { engine, decl } = compiled(bytes, fuel);
      const f = engine.codeFootprint(decl);
      assert.equal(f.compiledFuncs, decl.bodies.length, name);
      const perByte = (f.codeBytes + f.tableBytes) / f.wasmBytes;
      assert.ok(perByte <= 4, `${name} (fuel ${fuel}): ${perByte.toFixed(2)} bytes per Wasm byte`);
      // No side tables until something asks for them (see `OffsetSource`).
      assert.equal(f.tableBytes, 0, name);
      // What each body's `CompiledFunc` is made from on first use (`PendingFuncs`).
      assert.equal(f.pendingBytes, 16 * decl.bodies.length, name);
    }
  }
});

Deno.test("code memory: lazy modes compile only what runs", () => {
  const { engine, decl } = compiled(SQLITE, false, "lazy");
  assert.equal(engine.codeFootprint(decl).compiledFuncs, 0);
});

Deno.test("code memory: offsets made on demand equal those noted while translating", () => {
  const { engine, decl } = compiled(SQLITE, true);
  const arena = new CodeArena();
  let checked = 0;
  // Every 7th function of SQLite keeps the test quick; each is translated three times.
  for (let i = 0; i < decl.bodies.length; i += 7) {
    const index = decl.importedFuncs + i;
    const fuel = engine.config.fuelCosts;
    const noted = translateFunc(decl, index, fuel);
    let asked = 0;
    const lazy = translateFunc(decl, index, fuel, arena, {
      offsetsOf: (f) => {
        asked++;
        return translateFunc(decl, f, fuel).codeOffsets;
      },
    });
    assert.deepEqual(lazy.code, noted.code);
    assert.equal(asked, 0);
    assert.deepEqual(lazy.codeOffsets, noted.codeOffsets);
    assert.ok(noted.codeOffsets.length > 0);
    // Made once, then kept.
    lazy.codeOffsets;
    assert.equal(asked, 1);
    for (let pc = 0; pc < noted.code.length; pc += 13) {
      assert.equal(lazy.wasmOffsetAt(pc, false), noted.wasmOffsetAt(pc, false));
    }
    checked++;
  }
  assert.ok(checked > 250);
});

Deno.test("code memory: a function whose source tells its body offset gives the same answers", () => {
  const { engine, decl } = compiled(SQLITE, false);
  const fuel = engine.config.fuelCosts;
  const bodyOffsetOf = (f: number) => decl.bodies.codeStart(f - decl.importedFuncs);
  let checked = 0;
  for (let i = 0; i < decl.bodies.length; i += 11) {
    const index = decl.importedFuncs + i;
    const noted = translateFunc(decl, index, fuel);
    const offsetsOf = (f: number) => translateFunc(decl, f, fuel).codeOffsets;
    // Told by the source (the engine's case), not told, and told wrongly: the same answers.
    for (
      const source of [
        { offsetsOf, bodyOffsetOf },
        { offsetsOf },
        { offsetsOf, bodyOffsetOf: (f: number) => bodyOffsetOf(f) + 1 },
      ]
    ) {
      const cf = translateFunc(decl, index, fuel, null, source);
      assert.equal(cf.bodyOffset, decl.bodies.codeStart(i));
      assert.equal(cf.bodyOffset, noted.bodyOffset);
      assert.equal(cf.handlers, null);
      assert.equal(cf.offsetBytes, 0);
      // The first pc, before any pair when the first pair is not at 0, gives the body offset.
      for (let pc = 0; pc < noted.code.length; pc += 17) {
        assert.equal(cf.wasmOffsetAt(pc, false), noted.wasmOffsetAt(pc, false));
      }
      assert.deepEqual(cf.codeOffsets, noted.codeOffsets);
      assert.equal(cf.offsetBytes, noted.codeOffsets.byteLength);
      assert.equal(cf.bodyOffset, noted.bodyOffset);
    }
    checked++;
  }
  assert.ok(checked > 150);
});

Deno.test("code memory: functions sharing an arena keep their own code", () => {
  const { decl } = compiled(manyFuncsModule(300), false, "lazy");
  const arena = new CodeArena();
  const alone = [];
  const shared = [];
  for (let i = 0; i < decl.bodies.length; i++) {
    alone.push(translateFunc(decl, i));
    shared.push(translateFunc(decl, i, null, arena));
  }
  for (let i = 0; i < shared.length; i++) assert.deepEqual(shared[i]!.code, alone[i]!.code);
  // Held in a few chunks, not a buffer per function.
  const buffers = new Set(shared.map((cf) => cf.code.buffer));
  assert.ok(buffers.size < 10, `${buffers.size} buffers`);
});

Deno.test("code memory: deferred code views hold the code a view of its own holds", () => {
  // SQLite's bodies, small and large (over a chunk's eighth: a buffer of their own), with fuel.
  const { engine, decl } = compiled(SQLITE, true, "lazy");
  const fuel = engine.config.fuelCosts;
  const arena = new CodeArena();
  const deferred = [];
  for (let i = 0; i < decl.bodies.length; i += 3) {
    const cf = translateFunc(decl, decl.importedFuncs + i, fuel, arena, null, 0, null, true);
    deferred.push({ cf, alone: translateFunc(decl, decl.importedFuncs + i, fuel) });
  }
  let shared = 0;
  for (const { cf, alone } of deferred) {
    // Until placed, `code` is the arena's buffer (or the body's own, when large).
    if (cf.code.length > alone.code.length) shared++;
    assert.equal(cf.placeCode(), cf);
    assert.deepEqual(cf.code, alone.code);
    // Placed once: the same view after.
    const view = cf.code;
    cf.placeCode();
    assert.equal(cf.code, view);
  }
  assert.ok(shared > deferred.length / 2, `${shared} of ${deferred.length} left in the arena`);
});

Deno.test("code memory: deferred views of any start and length give the code placed there", () => {
  const buffer = new Int32Array(100_000).map((_, i) => i);
  // Starts and lengths an arena's chunks use, and larger ones that are placed at once.
  const cases: [number, number][] = [
    [0, 1],
    [7, 2048],
    [16_383, 1],
    [32_767, 32_767],
    [32_768, 5],
    [3, 40_000],
    [0, 100_000],
  ];
  for (const [at, length] of cases) {
    const cf = new CompiledFunc(buffer, 0, 0, 4, 0, 0);
    cf.deferCode(at, length);
    assert.equal(cf.placeCode(), cf);
    assert.equal(cf.code.length, length);
    assert.equal(cf.code[0], at);
    assert.equal(cf.code[length - 1], at + length - 1);
    assert.equal(cf.code.buffer, buffer.buffer);
  }
});

Deno.test("code memory: an eager compile runs its deferred code as the lazy modes do", () => {
  const results = (mode: CompilationMode) => {
    const { engine, module } = compiled(manyFuncsModule(40), false, mode);
    const store = new Store(engine, null);
    const instance = new Linker(engine).instantiate(store, module);
    // f0 calls f1, whose view is made on that call (every 16th function calls the next).
    const f0 = instance.getTypedFunc<[number], number>(store, "f0");
    return [0, 1, 7, 1000, 40000].map((p) => f0.call(store, p));
  };
  const eager = results("eager");
  assert.deepEqual(eager, results("lazy"));
  assert.deepEqual(eager, results("lazyTranslation"));
});

Deno.test("code memory: a function made from an eager compile's record is the one translated", () => {
  // SQLite (some bodies larger than a chunk's eighth: a buffer of their own), with and without
  // fuel; small functions with the `auto` tier's hotness; a body with exception handlers, whose
  // `CompiledFunc` an eager compile makes at once. Each against the same function translated on
  // first use (`lazyTranslation`).
  const withHandler = wat(
    `(module (tag $t) (func (export "f") (result i32)
      (block $h (try_table (catch $t $h) (throw $t))) (i32.const 7)))`,
    { exceptions: true },
  );
  for (
    const [bytes, config] of [
      [SQLITE, {}],
      [SQLITE, { consumeFuel: true }],
      [manyFuncsModule(50), { executionTier: "auto" }],
      [withHandler, { wasmExceptions: true }],
    ] as const
  ) {
    const compiler = (compilationMode: CompilationMode) => {
      const engine = new Engine(new Config({ ...config, compilationMode }));
      const decl = moduleDecl(new Module(engine, bytes));
      return {
        decl,
        compile: (funcIndex: number) => {
          const func = { compiled: null, instance: { module: decl }, funcIndex };
          return engine.compile(func as unknown as WasmFuncEntity);
        },
      };
    };
    const eager = compiler("eager");
    const lazy = compiler("lazyTranslation");
    const decl = eager.decl;
    let checked = 0;
    for (let i = 0; i < decl.bodies.length; i += 5) {
      const funcIndex = decl.importedFuncs + i;
      const made = eager.compile(funcIndex);
      const alone = lazy.compile(funcIndex);
      assert.deepEqual(made.code, alone.code);
      for (
        const k of [
          "paramWords",
          "localWords",
          "frameWords",
          "numResults",
          "funcIndex",
          "bodyOffset",
          "hotness",
        ] as const
      ) assert.equal(made[k], alone[k], k);
      assert.deepEqual(made.handlers, alone.handlers);
      assert.deepEqual(made.codeOffsets, alone.codeOffsets);
      // Made once: the same object on every later use.
      assert.equal(eager.compile(funcIndex), made);
      checked++;
    }
    assert.ok(checked > 0);
  }
});
