/**
 * The GC type system: recursion groups and canonical (iso-recursive) type ids across modules,
 * declared subtypes and their validation, the subtype-depth limit, the cost of large groups and
 * long chains, non-defaultable locals, and mutated GC modules failing only with typed errors.
 */

import assert from "node:assert/strict";
import { DecodeError, ValidationError } from "../../src/core/errors.ts";
import { WASM2_FEATURES, type WasmFeatures } from "../../src/core/features.ts";
import { decodeModule } from "../../src/binary/decoder.ts";
import { validateModule } from "../../src/validate/module_validator.ts";
import { HeapCode, refInfo, refType } from "../../src/core/types.ts";
import { defaultable, refHierarchy, TypeKind, TYPES } from "../../src/core/type_registry.ts";
import { body, mod, section, sleb, u32, vec } from "../_lib/bytes.ts";
import { mutate } from "../fuzz/_mutate.ts";
import { uniform } from "../_lib/prng.ts";

const GC: WasmFeatures = {
  ...WASM2_FEATURES,
  wasmTailCall: true,
  wasmFunctionReferences: true,
  wasmGc: true,
};
const FUNC_REFS: WasmFeatures = { ...GC, wasmGc: false };

const I32 = 0x7f;
const refNull = (i: number) => [0x63, ...sleb(i)]; // heap types are s33
const ref = (i: number) => [0x64, ...sleb(i)];
const struct = (...fields: number[][]) => [0x5f, ...vec(fields)];
const field = (t: number[], mutable = false) => [...t, mutable ? 1 : 0];
const func = (params: number[][], results: number[][]) => [0x60, ...vec(params), ...vec(results)];
const rec = (...types: number[][]) => [0x4e, ...vec(types)];
const sub = (supers: number[], comp: number[], final = false) => [
  final ? 0x4f : 0x50,
  ...vec(supers.map((s) => u32(s))),
  ...comp,
];
const types = (...entries: number[][]) => section(1, vec(entries));

function compile(bytes: Uint8Array, features: WasmFeatures = GC) {
  const decl = decodeModule(bytes, features);
  validateModule(decl, features);
  return decl;
}

/** The error `run` throws (it must throw). */
function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

Deno.test("types: one spelling per reference type; abstract subtyping", () => {
  assert.equal(refType(true, HeapCode.Func), "funcref");
  assert.equal(refType(false, HeapCode.Extern), "(ref extern)");
  assert.equal(refType(true, HeapCode.None), "nullref");
  assert.deepEqual(refInfo("(ref null func)"), { nullable: true, heap: HeapCode.Func });
  assert.equal(refInfo("i32"), null);
  assert.ok(TYPES.valSub("nullref", "(ref null i31)") && TYPES.valSub("(ref i31)", "eqref"));
  assert.ok(TYPES.valSub("(ref struct)", "anyref") && !TYPES.valSub("anyref", "eqref"));
  assert.ok(!TYPES.valSub("funcref", "(ref func)"), "nullable is not a subtype of non-null");
  assert.ok(!TYPES.valSub("externref", "anyref"), "hierarchies are disjoint");
  assert.ok(TYPES.valSub("nullexternref", "externref") && TYPES.valSub("nullfuncref", "funcref"));
  assert.equal(refHierarchy("(ref noextern)"), "extern");
  assert.ok(defaultable("anyref") && !defaultable("(ref any)") && defaultable("i64"));
});

Deno.test("types: equal recursion groups get equal ids in every module", () => {
  // rec { $a = struct (ref null $b); $b = struct (ref null $a) }, and a function over $a.
  const group = rec(struct(field(refNull(1))), struct(field(refNull(0))));
  const a = compile(mod(types(group, func([ref(0)], []))));
  // The same group after an unrelated type: its indices shift, its ids do not.
  const b = compile(
    mod(types(func([], []), rec(struct(field(refNull(2))), struct(field(refNull(1)))))),
  );
  assert.deepEqual(a.typeIds.slice(0, 2), b.typeIds.slice(1, 3));
  assert.equal(TYPES.kind(a.typeIds[0]!), TypeKind.Struct);
  // The function type names the canonical id, so equal types are equal strings.
  assert.equal(a.types[2]!.params[0], `(ref #${a.typeIds[0]})`);
  // The group with its members swapped is another group; so is a lone struct of the same shape.
  const swapped = compile(mod(types(rec(struct(field(refNull(0))), struct(field(refNull(1)))))));
  assert.notDeepEqual(swapped.typeIds, a.typeIds.slice(0, 2));
  const lone = compile(mod(types(struct(field(refNull(0))))));
  assert.ok(!a.typeIds.includes(lone.typeIds[0]!));
});

Deno.test("types: declared supertypes, finality and the depth limit", () => {
  const base = sub([], struct(field([I32])));
  const good = compile(mod(types(base, sub([0], struct(field([I32]), field([I32])), true))));
  const [sup, sub1] = good.typeIds as [number, number];
  assert.ok(TYPES.isSubtypeId(sub1, sup) && !TYPES.isSubtypeId(sup, sub1));
  assert.ok(TYPES.heapSub(sub1, HeapCode.Struct) && TYPES.heapSub(sub1, HeapCode.Eq));
  assert.ok(TYPES.heapSub(HeapCode.None, sub1) && !TYPES.heapSub(HeapCode.NoFunc, sub1));
  // A mutable field is invariant; a final type has no subtypes.
  const mutAny = sub([], struct(field([0x6e], true)));
  const mutNone = sub([0], struct(field([0x71], true)));
  const e1 = errorOf(() => compile(mod(types(mutAny, mutNone))));
  assert.ok(e1 instanceof ValidationError);
  assert.match(e1.message, /^sub type 1 does not match super type/);
  const e2 = errorOf(() => compile(mod(types(sub([], struct(), true), sub([0], struct())))));
  assert.match((e2 as Error).message, /^sub type 1 does not match super type/);
  // A chain of depth 63 is valid, one of 64 is not.
  const chain = (
    n: number,
  ) => [sub([], struct()), ...Array.from({ length: n }, (_, i) => sub([i], struct()))];
  const ok = compile(mod(types(...chain(63))));
  assert.equal(TYPES.chain(ok.typeIds[63]!).length, 64);
  const e3 = errorOf(() => compile(mod(types(...chain(64)))));
  assert.match((e3 as Error).message, /sub type 64 exceeds the subtype depth limit of 63/);
});

Deno.test("types: a 10,000-type group and long chains validate in well under a second", () => {
  // Each try registers new types (its own leaf field type), so each measures the first
  // registration; the fastest try counts, so a busy machine does not fail the test, a slow
  // (quadratic) algorithm does.
  const n = 10_000;
  const leaves = [[I32], [0x7e], [0x7d], [0x7c], [0x7b]];
  let best = Infinity;
  for (const leaf of leaves) {
    // Each struct refers to the next (a cycle through the whole group), so the group is one unit.
    const big = rec(
      ...Array.from({ length: n }, (_, i) => struct(field(refNull((i + 1) % n)), field(leaf))),
    );
    // 10 chains of depth 63 side by side: each subtype check reads one chain entry.
    const chains: number[][] = [];
    for (let c = 0; c < 10; c++) {
      const root = c * 64;
      chains.push(sub([], struct(field(leaf))));
      for (let d = 1; d < 64; d++) chains.push(sub([root + d - 1], struct(field(leaf))));
    }
    const bytes = mod(types(big));
    const started = performance.now();
    const decl = compile(bytes);
    const chainDecl = compile(mod(types(...chains)));
    best = Math.min(best, performance.now() - started);
    assert.equal(decl.typeIds.length, n);
    assert.equal(TYPES.chain(chainDecl.typeIds[63]!).length, 64);
    // Registered again, the group is found by its key: the same ids.
    assert.deepEqual(compile(bytes).typeIds, decl.typeIds);
    if (best < 250) break;
  }
  // Measured 80-500 ms a try on the shared 2-core machine; a quadratic algorithm takes minutes.
  assert.ok(best < 1000, `took ${best.toFixed(0)} ms`);
});

/** A module with type 0 `(func)` and one function of type 1 `params -> results` with `locals`. */
function funcWith(locals: number[][], code: number[], params: number[][] = []): Uint8Array {
  return mod(
    types(func([], []), func(params, [])),
    section(3, vec([[1]])),
    section(10, vec([body(locals, [...code, 0x0b])])),
  );
}

Deno.test("types: a non-defaultable local must be set before it is read, per block", () => {
  const local = [[1, ...ref(0)]];
  const get = [0x20, 0x00, 0x1a]; // local.get 0, drop
  const e = errorOf(() => compile(funcWith(local, get)));
  assert.ok(e instanceof ValidationError);
  assert.match(e.message, /^uninitialized local/);
  // Set from a parameter of the same type, then read: valid.
  const set = [0x20, 0x00, 0x21, 0x01, 0x20, 0x01, 0x1a];
  compile(funcWith(local, set, [ref(0)]));
  // Set inside a block only: unset again after its end.
  const inBlock = [0x02, 0x40, 0x20, 0x00, 0x21, 0x01, 0x0b, 0x20, 0x01, 0x1a];
  assert.match(
    (errorOf(() => compile(funcWith(local, inBlock, [ref(0)]))) as Error).message,
    /^uninitialized local/,
  );
  // Before typed references, the `(ref $t)` encoding does not decode.
  assert.ok(
    errorOf(() => compile(funcWith(local, set, [ref(0)]), WASM2_FEATURES)) instanceof DecodeError,
  );
  // Typed references without GC: fine, and a struct type is malformed.
  compile(funcWith(local, set, [ref(0)]), FUNC_REFS);
  assert.ok(errorOf(() => compile(mod(types(struct())), FUNC_REFS)) instanceof DecodeError);
});

/** Seeds with every new type-section form and a few of the new instructions. */
function seeds(): Uint8Array[] {
  // local.get 0, local.get 1, local.get 1, call_ref 1
  const callRef = [0x20, 0x00, 0x20, 0x01, 0x20, 0x01, 0x14, 0x01];
  return [
    mod(
      types(rec(struct(field(refNull(1), true)), sub([], [0x5e, 0x78, 0x01])), func([[I32]], [])),
    ),
    mod(
      types(
        sub([], struct(field([I32]))),
        sub([0], struct(field([I32]), field([0x77], true)), true),
      ),
    ),
    mod(
      types(func([], []), func([[I32]], [])),
      section(3, vec([[1]])),
      section(10, vec([body([], [0x20, 0x00, 0xd0, 0x01, 0xd4, 0x14, 0x01, 0x0b])])),
    ),
    mod(
      types(func([], []), func([[I32], refNull(1)], [])),
      section(3, vec([[1]])),
      section(10, vec([body([], [...callRef, 0x20, 0x01, 0xd5, 0x00, 0x1a, 0x0b])])),
    ),
    mod(
      types(struct(field([I32], true)), func([refNull(0)], [[I32]])),
      section(3, vec([[1]])),
      section(10, vec([body([], [0x20, 0x00, 0xfb, 0x02, 0x00, 0x00, 0x0b])])),
    ),
  ];
}

Deno.test("types: mutated GC modules fail only with DecodeError or ValidationError, quickly", () => {
  const corpus = seeds();
  for (const s of corpus) compile(s);
  const rand = uniform(12);
  let rejected = 0;
  let slowest = 0;
  for (let i = 0; i < 3000; i++) {
    const seed = corpus[i % corpus.length]!;
    const bytes = mutate(seed, rand);
    const timed = () => {
      const started = performance.now();
      try {
        compile(bytes);
      } catch (e) {
        if (!(e instanceof DecodeError || e instanceof ValidationError)) {
          throw new Error(`seed ${i % corpus.length}, mutant ${i}: ${e}`);
        }
        return { ms: performance.now() - started, rejected: true };
      }
      return { ms: performance.now() - started, rejected: false };
    };
    const first = timed();
    if (first.rejected) rejected++;
    // A slow mutant is timed twice more and counts by its least time: a pathological input is
    // slow every time, while a loaded machine's pause (one took 517 ms beside a benchmark run)
    // is not.
    let ms = first.ms;
    for (let retry = 0; retry < 2 && ms >= 100; retry++) ms = Math.min(ms, timed().ms);
    slowest = Math.max(slowest, ms);
  }
  assert.ok(rejected > 1000, `only ${rejected} mutants rejected`);
  assert.ok(slowest < 500, `a mutant took ${slowest.toFixed(0)} ms`);
});
