/**
 * The memory compiled code takes (issue 14, item 6): internal code per byte of Wasm code stays
 * at most 4 bytes, for a real C program (SQLite, from sql.js) and for the generated modules of
 * `deno task bench:load`; and the pc → offset tables made on demand are exactly those the
 * translator notes when asked to.
 */
import assert from "node:assert/strict";
import { type CompilationMode, Config, Engine, Module } from "../../mod.ts";
import { moduleDecl } from "../../src/runtime/module.ts";
import { translateFunc } from "../../src/engine/translator.ts";
import { CodeArena } from "../../src/engine/code_builder.ts";
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
