// The GC heap's semantics functions and its collector (src/engine/gc.ts), on a bare store.
import assert from "node:assert/strict";
import { Trap, TrapCode } from "../../src/core/trap.ts";
import { GlobalType } from "../../src/core/types.ts";
import { GlobalEntity, InstanceEntity, StoreInner } from "../../src/engine/entities.ts";
import { ExecStack } from "../../src/engine/stack.ts";
import type { ModuleDecl } from "../../src/binary/module.ts";
import {
  arrayCopy,
  arrayFill,
  arrayGet,
  arrayInitData,
  arrayLen,
  arrayNew,
  arrayNewData,
  arrayNewDefault,
  arrayNewFixed,
  arraySet,
  GC_COLLECT_MIN,
  GcType,
  type HostRef,
  HT_ANY,
  HT_ARRAY,
  HT_EQ,
  HT_I31,
  HT_NONE,
  HT_STRUCT,
  MAX_ARRAY_LENGTH,
  refCast,
  refTest,
  ST_ANY,
  ST_I16,
  ST_I16_S,
  ST_I32,
  ST_I64,
  ST_I8,
  ST_I8_S,
  ST_V128,
  structGet,
  structNew,
  structNewDefault,
  structOfWords,
  structSet,
} from "../../src/engine/gc.ts";

const struct = (...kinds: number[]) => new GcType("struct", 1, Uint8Array.from(kinds));
const array = (kind: number) => new GcType("array", 2, Uint8Array.of(kind));

function trapCode(f: () => unknown): TrapCode {
  try {
    f();
  } catch (e) {
    if (e instanceof Trap) return e.code;
    throw e;
  }
  throw new Error("no trap");
}

Deno.test("gc: struct fields round-trip by storage kind, packed ones wrap and extend", () => {
  const store = new StoreInner();
  const t = struct(ST_I8, ST_I16, ST_I32, ST_I64, ST_V128, ST_ANY);
  assert.deepStrictEqual(Array.from(t.offsets), [0, 1, 2, 3, 5, 9]);
  const s32 = new Int32Array(64);
  s32.set([0x1ff], 4); // i8: 0xff after wrapping
  s32.set([-2], 8); // i16: 0xfffe
  s32.set([-7], 12);
  s32.set([1, -1], 16);
  s32.set([1, 2, 3, 4], 20);
  s32.set([(5 << 1) | 1], 24); // i31 5
  structNew(store, t, s32, 0, 4, null);
  const h = s32[0]!;
  assert.deepStrictEqual(h & 1, 0);
  const get = (offset: number, kind: number, words = 1) => {
    structGet(store, s32, 32, h, offset, kind);
    return Array.from(s32.subarray(32, 32 + words));
  };
  assert.deepStrictEqual(get(0, ST_I8), [0xff]);
  assert.deepStrictEqual(get(0, ST_I8_S), [-1]);
  assert.deepStrictEqual(get(1, ST_I16), [0xfffe]);
  assert.deepStrictEqual(get(1, ST_I16_S), [-2]);
  assert.deepStrictEqual(get(2, ST_I32), [-7]);
  assert.deepStrictEqual(get(3, ST_I64, 2), [1, -1]);
  assert.deepStrictEqual(get(5, ST_V128, 4), [1, 2, 3, 4]);
  assert.deepStrictEqual(get(9, ST_ANY), [11]);
  // A struct stored in a field comes back as the same handle.
  s32[40] = h;
  structSet(store, h, s32, 40, 9, ST_ANY);
  assert.deepStrictEqual(get(9, ST_ANY), [h]);
  assert.deepStrictEqual(
    trapCode(() => structGet(store, s32, 32, 0, 0, ST_I32)),
    TrapCode.NullStructReference,
  );
  assert.deepStrictEqual(
    trapCode(() => structSet(store, 0, s32, 4, 0, ST_I32)),
    TrapCode.NullStructReference,
  );
  structNewDefault(store, t, s32, 0, null);
  structGet(store, s32, 32, s32[0]!, 3, ST_I64);
  assert.deepStrictEqual([s32[32], s32[33]], [0, 0]);
});

Deno.test("gc: arrays: new, get, set, fill, copy (overlapping), bounds and null traps", () => {
  const store = new StoreInner();
  const s32 = new Int32Array(64);
  s32[4] = 7;
  arrayNew(store, array(ST_I32), s32, 0, 4, 5, null);
  const h = s32[0]!;
  assert.deepStrictEqual(arrayLen(store, h), 5);
  arrayGet(store, s32, 8, h, 4, ST_I32);
  assert.deepStrictEqual(s32[8], 7);
  assert.deepStrictEqual(
    trapCode(() => arrayGet(store, s32, 8, h, 5, ST_I32)),
    TrapCode.ArrayOutOfBounds,
  );
  assert.deepStrictEqual(
    trapCode(() => arrayGet(store, s32, 8, h, -1, ST_I32)),
    TrapCode.ArrayOutOfBounds,
  );
  assert.deepStrictEqual(trapCode(() => arrayLen(store, 0)), TrapCode.NullArrayReference);
  for (let i = 0; i < 5; i++) {
    s32[12] = i;
    arraySet(store, h, i, s32, 12);
  }
  arrayCopy(store, h, 1, h, 0, 4, null);
  const all = () =>
    Array.from({ length: arrayLen(store, h) }, (_, i) => {
      arrayGet(store, s32, 16, h, i, ST_I32);
      return s32[16];
    });
  assert.deepStrictEqual(all(), [0, 0, 1, 2, 3]);
  s32[12] = 9;
  arrayFill(store, h, 3, s32, 12, 2, null);
  assert.deepStrictEqual(all(), [0, 0, 1, 9, 9]);
  assert.deepStrictEqual(
    trapCode(() => arrayFill(store, h, 4, s32, 12, 2, null)),
    TrapCode.ArrayOutOfBounds,
  );
  assert.deepStrictEqual(
    trapCode(() => arrayNewDefault(store, array(ST_I8), s32, 0, MAX_ARRAY_LENGTH + 1, null)),
    TrapCode.AllocationTooLarge,
  );
  // Within the element bound but not the byte bound: 2^27 v128s would be 2 GiB.
  assert.deepStrictEqual(
    trapCode(() => arrayNewDefault(store, array(ST_V128), s32, 0, MAX_ARRAY_LENGTH, null)),
    TrapCode.AllocationTooLarge,
  );
  // i64 elements from consecutive slots, and packed i8 elements read both ways.
  s32.set([1, 2, 0, 0, 3, 4], 20);
  arrayNewFixed(store, array(ST_I64), s32, 0, 2, 20, null);
  arrayGet(store, s32, 16, s32[0]!, 1, ST_I64);
  assert.deepStrictEqual([s32[16], s32[17]], [3, 4]);
  s32[20] = 200;
  arrayNew(store, array(ST_I8), s32, 0, 20, 3, null);
  arrayGet(store, s32, 16, s32[0]!, 2, ST_I8_S);
  assert.deepStrictEqual(s32[16], -56);
});

Deno.test("gc: array.new_data / init_data read little-endian elements and check both bounds", () => {
  const store = new StoreInner();
  const inst = new InstanceEntity({} as ModuleDecl, store);
  inst.dataSegments.push(Uint8Array.of(1, 0, 2, 0, 3, 0));
  const s32 = new Int32Array(16);
  arrayNewData(store, inst, array(ST_I16), 0, s32, 0, 2, 2, null);
  const h = s32[0]!;
  arrayGet(store, s32, 4, h, 1, ST_I16);
  assert.deepStrictEqual(s32[4], 3);
  assert.deepStrictEqual(
    trapCode(() => arrayNewData(store, inst, array(ST_I16), 0, s32, 0, 2, 3, null)),
    TrapCode.MemoryOutOfBounds,
  );
  arrayInitData(store, inst, 0, h, 0, 0, 1, null);
  arrayGet(store, s32, 4, h, 0, ST_I16);
  assert.deepStrictEqual(s32[4], 1);
  assert.deepStrictEqual(
    trapCode(() => arrayInitData(store, inst, 0, h, 1, 0, 2, null)),
    TrapCode.ArrayOutOfBounds,
  );
});

Deno.test("gc: ref.test / ref.cast on abstract heap types by handle encoding and object kind", () => {
  const store = new StoreInner();
  const s32 = new Int32Array(16);
  structNewDefault(store, struct(ST_I32), s32, 0, null);
  arrayNewDefault(store, array(ST_I32), s32, 4, 1, null);
  const [st, arr, i31, host] = [s32[0]!, s32[4]!, (3 << 1) | 1, store.externHandle({})];
  const test = (h: number, ht: number) => refTest(store, h, ht, 0);
  assert.deepStrictEqual([st, arr, i31, host].map((h) => test(h, HT_ANY)), [
    true,
    true,
    true,
    true,
  ]);
  assert.deepStrictEqual([st, arr, i31, host].map((h) => test(h, HT_EQ)), [
    true,
    true,
    true,
    false,
  ]);
  assert.deepStrictEqual([st, arr, i31, host].map((h) => test(h, HT_I31)), [
    false,
    false,
    true,
    false,
  ]);
  assert.deepStrictEqual([st, arr, i31, host].map((h) => test(h, HT_STRUCT)), [
    true,
    false,
    false,
    false,
  ]);
  assert.deepStrictEqual([st, arr, i31, host].map((h) => test(h, HT_ARRAY)), [
    false,
    true,
    false,
    false,
  ]);
  assert.deepStrictEqual(test(0, HT_NONE), false);
  assert.deepStrictEqual(refTest(store, 0, HT_NONE, 1), true);
  assert.deepStrictEqual(refCast(store, st, HT_STRUCT, 0), st);
  assert.deepStrictEqual(
    trapCode(() => refCast(store, 0, HT_STRUCT, 0)),
    TrapCode.CastFailure,
  );
});

Deno.test("gc: the collector frees handles no root holds, keeps rooted ones and their identity", () => {
  const store = new StoreInner();
  const gc = store.gc;
  const global = new GlobalEntity(new GlobalType("externref", true));
  gc.holders.push(global);
  const st = new ExecStack(1 << 16, 100);
  st.attach(store);
  const t = struct(ST_I32);
  const s32 = new Int32Array(8);
  structNewDefault(store, t, s32, 0, null);
  const kept = s32[0]!;
  const keptObj = gc.object(kept);
  global.value[0] = kept;
  // Allocate far more than the collection threshold; only the global's struct survives.
  for (let i = 0; i < 10 * GC_COLLECT_MIN; i++) structNewDefault(store, t, s32, 0, null);
  assert.deepStrictEqual(gc.collections > 0, true);
  assert.deepStrictEqual(gc.objs.length <= 2 * GC_COLLECT_MIN + 1, true);
  assert.strictEqual(gc.object(kept), keptObj);
  assert.deepStrictEqual(keptObj.id, kept);
  // An unrooted object loses its handle and gets a new one when read again.
  const loose = structOfWords(t, [0, 0, 0, 0]);
  gc.handleOf(loose);
  gc.collect();
  assert.deepStrictEqual(loose.id, 0);
  assert.deepStrictEqual(gc.handle(loose) !== 0, true);
  // A host value keeps its identity through a handle.
  const value = { x: 1 };
  const h = store.externHandle(value);
  assert.strictEqual((gc.object(h) as HostRef).value, value);
  assert.deepStrictEqual(store.externHandle(value), h);
  // So does a primitive one: passing 42 again and again adds no entries.
  const n = gc.objs.length;
  for (let i = 0; i < 100; i++) store.externHandle(42);
  assert.deepStrictEqual(gc.objs.length, n + 1);
  st.clear();
});

Deno.test("gc: a handle read again before the lazy sweep reaches its entry stays in use", () => {
  const store = new StoreInner();
  const gc = store.gc;
  const leaf = struct(ST_I32);
  const node = struct(ST_ANY);
  // `s32` is no value stack of the store, so nothing here is a root.
  const s32 = new Int32Array(8);
  const fillers = [];
  for (let i = 0; i < 100; i++) {
    structNewDefault(store, leaf, s32, 0, null);
    fillers.push(gc.object(s32[0]!));
  }
  structNewDefault(store, leaf, s32, 4, null);
  const child = gc.object(s32[4]!);
  const childHandle = child.id;
  structNew(store, node, s32, 0, 4, null);
  const parent = gc.object(s32[0]!);
  // Allocate until a collection runs: it finds no root holding any of them.
  const collections = gc.collections;
  while (gc.collections === collections) structNewDefault(store, leaf, s32, 0, null);
  // Read the child from its parent's field: it keeps its handle rather than taking a new one.
  structGet(store, s32, 0, gc.handle(parent), 0, ST_ANY);
  assert.deepStrictEqual(s32[0], childHandle);
  // The sweep passes its entry without freeing it, and frees the fillers' entries for reuse.
  for (let i = 0; i < 200; i++) structNewDefault(store, leaf, s32, 4, null);
  assert.strictEqual(gc.object(childHandle), child);
  assert.deepStrictEqual(child.id, childHandle);
  assert.deepStrictEqual(fillers[50]!.id, 0);
});
