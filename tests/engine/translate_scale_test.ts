/**
 * Translation stays linear in the body size for shapes that would make a naive translator
 * quadratic: deep nesting, a deep operand stack with local writes, many locals with many blocks,
 * huge jump tables. Bodies are built as raw bytes (wabt's text parser is slow on deep nesting).
 */
import assert from "node:assert/strict";
import { decodeModule } from "../../src/binary/decoder.ts";
import { validateModule } from "../../src/validate/mod.ts";
import { translateFunc } from "../../src/engine/translator.ts";
import { WASM2_FEATURES } from "../../src/core/features.ts";

function leb(n: number): number[] {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

/** A module with one function `(param i32) (result i32)`: `body`, then `local.get 0`. */
function moduleWith(body: number[], locals: [count: number, type: number][]): Uint8Array {
  const loc = [...leb(locals.length), ...locals.flatMap(([n, t]) => [...leb(n), t])];
  const fb = [...loc, ...body, 0x20, 0, 0x0b];
  return new Uint8Array([
    ...[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]),
    ...section(3, [1, 0]),
    ...section(10, [1, ...leb(fb.length), ...fb]),
  ]);
}

function rep(n: number, bytes: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(...bytes);
  return out;
}

const LG0 = [0x20, 0], LG1 = [0x20, 1], LS0 = [0x21, 0], C1 = [0x41, 1], ADD = [0x6a];
const DROP = [0x1a], BLOCK = [0x02, 0x40], END = [0x0b];
const N = 50_000;

const SHAPES: Record<string, [number[], [number, number][]]> = {
  "straight-line": [rep(N, [...LG0, ...C1, ...ADD, ...LS0]), [[2, 0x7f]]],
  "deep nesting": [[...rep(N, BLOCK), ...rep(N, END)], []],
  "deep stack, local writes": [
    [...rep(N, LG1), ...rep(N, [...LG0, ...C1, ...LS0, ...DROP]), ...rep(N, DROP)],
    [[2, 0x7f]],
  ],
  "many refs to one local": [[...rep(N, LG0), ...C1, ...LS0, ...rep(N, DROP)], []],
  "deep stack, many blocks": [[...rep(N, C1), ...rep(N, [...BLOCK, ...END]), ...rep(N, DROP)], []],
  "many locals, many blocks": [rep(N, [...BLOCK, ...END]), [[N, 0x7e]]],
  "huge br_table": [[...BLOCK, ...LG0, 0x0e, ...leb(N), ...rep(N, [0]), 0, ...END], []],
};

for (const [name, [body, locals]] of Object.entries(SHAPES)) {
  Deno.test(`translation is linear: ${name}`, () => {
    const m = decodeModule(moduleWith(body, locals), WASM2_FEATURES);
    validateModule(m, WASM2_FEATURES);
    const start = performance.now();
    translateFunc(m, 0);
    // ~20 ms on a laptop; a quadratic pass would take minutes at this size.
    assert.ok(performance.now() - start < 3000, `${name} took ${performance.now() - start} ms`);
  });
}
