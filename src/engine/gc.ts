/**
 * The GC heap (Wasm GC): structs, arrays, `i31` references and the host values that `externref`s
 * carry, and the semantics of the instructions that make and read them.
 *
 * ## Handles
 * Slots are untyped int32 words, so a reference of the `any` and `extern` hierarchies is an
 * integer handle, one encoding for both (which makes `any.convert_extern` and
 * `extern.convert_any` the identity, and round trips keep identity for free):
 * - `0` is null;
 * - an odd handle is an `i31`: `(v << 1) | 1`, so equal `i31` values are equal words and `ref.eq`
 *   is one integer compare, and `i31.get_s` / `i31.get_u` are one shift;
 * - an even handle `h` names the object `objs[h >> 1]` of the store's `GcHeap`: a `GcStruct`, a
 *   `GcArray`, or a `HostRef` (a host value passed in as an `externref`).
 * `funcref`s stay function ids and `exnref`s exception ids (see `entities.ts`).
 *
 * ## Objects are JS objects; only slots hold handles
 * An object's fields hold references as the objects themselves (`GcObject | i31 handle | null`),
 * never as handles, so the JS collector keeps alive whatever an object reaches, and an object the
 * host holds (through an API value) needs no root of ours. Handles exist only for the references
 * that sit in untyped words: the value stacks, globals, tables, element segments. An object gets
 * its handle when it is made or first read into such a word (`GcHeap.handleOf`), and loses it
 * once a collection found no such word holding it (when the sweep reaches its entry, see below);
 * it gets a new one if it is read again. So an
 * object has at most one handle at a time, and `ref.eq` on handles is identity.
 *
 * ## Collection
 * `GcHeap.alloc` (only allocating instructions call it) collects when the handle table would grow
 * past twice what the last collection kept: it marks the handles found in the roots (every word
 * of the live part of each running or suspended stack, conservatively: a stale word only keeps an
 * object a while longer; the globals and tables that may hold such references; instances' element
 * segments); every other entry is free. There is no tracing: what objects reach is the JS
 * collector's business. The sweep is lazy: a new handle takes the next free entry from the
 * lowest up, clearing the old object's `id` only then, and a handle handed out again before the
 * sweep reaches its entry (an object read back from a field) is marked in use and kept: most
 * objects read shortly after the collection that freed their handle then need no new one, and
 * a collection makes no pass over the table to free it. A collection costs the size of the
 * roots and of the table, and runs once per as many allocations as there are live handles (at
 * least `GC_COLLECT_MIN`), so allocation stays amortised O(1) and a loop allocating short-lived
 * structs runs in bounded memory. `GcHeap.collect` (tests) also frees the entries at once. In the code
 * generation tier, a metered allocating instruction is a point where cached slots are written
 * back to the value stack (its template can stop for fuel), so the stack words are current
 * roots; an unmetered one (codegen_gc.ts) takes its handle with `GcHeap.give`, which says when
 * a collection is due instead of running it, and writes the cached slots back only then.
 * Where a direct entry holds references as objects in its JS locals (codegen.ts, "References as
 * objects"), its \`struct.new\` takes no handle at all: it collects on \`GcHeap.credit\`, and an
 * object gets a handle (\`refWord\`) only where it reaches a word.
 *
 * A dropped store drops its heap with it: nothing outside the store refers to the table.
 *
 * ## Why this design (and not another)
 * - Our own heap in one `ArrayBuffer` (bump allocation, handles as offsets, a tracing or copying
 *   collector) would make every object a few words, but needs a precise tracer over every field
 *   and a way to find API-held objects (a handle table again), and re-implements what V8's
 *   collector already does well. JS objects cost more bytes each but are allocated and freed by
 *   V8's generational collector, which is built for exactly this kind of short-lived garbage.
 * - Fields as handles (ints) with a tracing mark phase would keep every field numeric, but then
 *   an object the host holds must pin every handle it reaches (roots from the API, released by a
 *   `FinalizationRegistry`), and each collection traces the whole live graph. With references
 *   kept as objects, a collection marks only the roots' words and never traces.
 * - A struct's fields are JS values, not a typed array: allocating 10,000,000 two-field
 *   structs took 250-710 ms with a plain array and 2,700-12,000 ms with an `Int32Array(2)` each
 *   (same process, 3 runs, Deno 2 / V8; /tmp/alloc_bench.ts in the gc helper's report). Its
 *   first four words are properties of the `GcStruct` itself (`w0`..`w3`), later ones an array:
 *   a small struct is one object of 80 bytes rather than an object and an array of 112
 *   (binary-trees allocated 68 MB per run before, 49 MB after, V8's sampling heap profiler), and
 *   a field read follows one pointer less (binary-trees in the code generation tier: 48 -> 41-42
 *   ms CPU, 3 alternated rounds of 20 runs; the interpreter unchanged within noise). Arrays
 *   of numbers are typed arrays (bulk operations, `array.new_data` copies, no boxing).
 * - i64 and f64 fields are two int32 words: a JS double would canonicalise NaN payloads (V8's
 *   double arrays do), and BigInt allocates.
 *
 * ## Measured
 * - Memory: `bench/gc_memory.ts` (10,000,000 two-field structs, each garbage one iteration
 *   later) peaks at 124-134 MiB RSS (95-98 MiB before the run; 156-172 MiB with a fields array
 *   per struct and an eager sweep), and at 126 MiB for 1,000,000 and 159 MiB for 30,000,000
 *   (earlier design): bounded, whatever the count. The handle table stays at 4,096 entries
 *   (2,442 collections for 10M structs, 1.9 s in the code generation tier, 3.6 s in the
 *   interpreter, on a 2-core machine at load 10+).
 * - Speed: binary-trees (`deno task bench --filter binary-trees --tier <tier> --iterations 10
 *   --json`, size 300; the fastest run's CPU time over native V8's, which ran first in the same
 *   process): interpreter 18.8-20.4x, code generation 11.1-11.9x (before the lazy sweep, the
 *   defaults template and the inline words: 47-61x and 51-60x), 2 to 4 runs each at load
 *   10-16. Most of that gap came from running after native V8: with a fields array pushed field
 *   by field, main took 176-230 ms of CPU per run there (10 full collections of V8's in 10 runs)
 *   against 60-80 ms without native V8 before it. In a process of its own the steady CPU time
 *   per run went from 58-62 to 38-39 ms (code generation) and from 76-80 to 62-69 ms
 *   (interpreter). What remains is mostly calls; of the GC helpers, giving handles (`#assign`)
 *   takes 8-13% of a CPU profile, field reads and `struct.new` 5-8% each.
 * - December 2026 (CPU time of `run(300)`, the fastest of 25 in a process, native V8 first in
 *   it at 3.4-3.9 ms, three alternated processes per tree, load 11-16 on 2 cores): code
 *   generation 35.6-36.9 ms (main) -> 29.1-29.4 (struct instructions spelled inline,
 *   codegen_gc.ts) -> 26.6-27.1 (the size classes, `GcStruct2`), about 7.5x native;
 *   interpreter 66-68 -> 59-62 ms (`structNew`'s two-field path). Of the 27 ms, 13 are the calls
 *   alone (the same module with the structs replaced by integers: 13.1 ms), and a body that
 *   is `collectable` pays 5 of them for writing its frame before every call (that module with
 *   `Config.wasmGc` off: 8.1 ms); allocation is 34.8 MB per run (V8's sampling heap
 *   profiler). `bench/gc_memory.ts` (codegen): 1,700 -> 906 ms, peak RSS 126 -> 130 MiB.
 *   Since, a call in such a body writes only what a collection reads (word 0 of its slots, the
 *   innermost frame's entries: codegen.ts, "Direct calls"), and a struct's type is read once
 *   per body: 26.3-27.7 -> 22.2-22.7 ms (same measure, three alternated processes per tree).
 *   Later (without `Config.wasmExceptions`) only the live reference slots, the frame entries
 *   written by the frame that allocates or calls the host rather than at every call: 21.5-22.3
 *   -> 19.2-20.0 ms (both trees in one process, alternated, best of 40; codegen.ts, "Direct
 *   calls").
 *
 * @module
 */

import { Trap, TrapCode } from "../core/trap.ts";
import type {
  ExnEntity,
  GlobalEntity,
  InstanceEntity,
  StoreInner,
  TableEntity,
} from "./entities.ts";
import type { BulkFuel } from "./fuel.ts";
import type { ValType } from "../core/types.ts";
import { refHierarchy, type StorageType, TYPES } from "../core/type_registry.ts";

/** Handle-table size below which no collection runs. */
export const GC_COLLECT_MIN = 4096;
/**
 * The most elements an array may have: `array.new` beyond it traps (`AllocationTooLarge`)
 * rather than exhausting the host (2^27: 512 MiB of i32s).
 */
export const MAX_ARRAY_LENGTH = 1 << 27;
/** The most bytes an array's elements may take (a v128 array stops at 2^26 elements). */
export const MAX_ARRAY_BYTES = 1 << 30;

// Storage kinds of fields and array elements. The translator writes them into the code as
// immediates: the `_S` kinds are the packed reads of `struct.get_s` / `array.get_s`.
/** `i8`, read zero-extended. */
export const ST_I8 = 0;
/** `i16`, read zero-extended. */
export const ST_I16 = 1;
/** `i32` and `f32` (bits). */
export const ST_I32 = 2;
/** `i64` and `f64` (bits), two words. */
export const ST_I64 = 3;
/** `v128`, four words. */
export const ST_V128 = 4;
/** A reference of the `any` or `extern` hierarchy (kept as the object). */
export const ST_ANY = 5;
/** A `funcref` (a function id, never freed). */
export const ST_FUNC = 6;
/** An `exnref` (kept as the exception). */
export const ST_EXN = 7;
/** `i8`, read sign-extended. */
export const ST_I8_S = 8;
/** `i16`, read sign-extended. */
export const ST_I16_S = 9;

/** Words of a field of each storage kind in a struct. */
const KIND_WORDS = [1, 1, 1, 2, 4, 1, 1, 1, 1, 1];
/** Bytes of an element of each storage kind in a data segment. */
const KIND_BYTES = [1, 2, 4, 8, 16, 0, 0, 0, 1, 2];

/**
 * What the runtime needs of a defined type: its kind, canonical id (casts compare these), and
 * for a struct each field's storage kind and word offset in a `GcStruct`; for an array its
 * element's storage kind.
 */
export class GcType {
  /** Words of a struct's fields. */
  readonly words: number;
  /**
   * A struct's default words (`struct.new_default` copies them), padded to at least
   * `INLINE_WORDS`, made on first use.
   */
  defaults: unknown[] | null = null;
  /** Word offset of each struct field (see `GcStruct`). */
  readonly offsets: Int32Array;

  /**
   * @param kind what the type describes
   * @param canonical the engine's canonical id of the type
   * @param storage struct: each field's storage kind; array: `[element kind]`; func: empty
   */
  constructor(
    readonly kind: "struct" | "array" | "func",
    readonly canonical: number,
    readonly storage: Uint8Array,
  ) {
    this.offsets = new Int32Array(storage.length);
    let w = 0;
    for (let i = 0; i < storage.length; i++) {
      this.offsets[i] = w;
      w += KIND_WORDS[storage[i]!]!;
    }
    this.words = kind === "struct" ? w : 0;
  }
}

/** `GcType`s by canonical type id (the registry is process-wide, so is this cache). */
const GC_TYPES: (GcType | undefined)[] = [];

/** The `GcType` of canonical type id `id`. */
export function gcType(id: number): GcType {
  return GC_TYPES[id] ??= makeGcType(id);
}

function makeGcType(id: number): GcType {
  const comp = TYPES.type(id).comp;
  switch (comp.kind) {
    case "struct":
      return new GcType("struct", id, Uint8Array.from(comp.fields, (f) => storageKind(f.storage)));
    case "array":
      return new GcType("array", id, Uint8Array.of(storageKind(comp.element.storage)));
    default:
      return new GcType("func", id, new Uint8Array(0));
  }
}

/** The storage kind (`ST_*`) of a field or element type. */
export function storageKind(t: StorageType): number {
  switch (t) {
    case "i8":
      return ST_I8;
    case "i16":
      return ST_I16;
    case "i32":
    case "f32":
      return ST_I32;
    case "i64":
    case "f64":
      return ST_I64;
    case "v128":
      return ST_V128;
  }
  const h = refHierarchy(t);
  return h === "func" ? ST_FUNC : h === "exn" ? ST_EXN : ST_ANY;
}

/**
 * A struct: its type and its fields, word by word (references as objects, see module doc). The
 * first `INLINE_WORDS` words are properties of the object itself, the rest (if any) an array:
 * one allocation per small struct instead of an object and an array (binary-trees: 112 -> 80
 * bytes per two-field struct, by V8's sampling heap profiler; fewer young collections). A
 * struct is made as the class that has just the properties its type's words need
 * (`GcStruct2`, `GcStruct4`, `GcStructN`; `structClassOf` names it): a two-word struct is then
 * 56 bytes rather than 80 (see `GcStruct2`). This class is never constructed: it is the type
 * they share and the prototype they link to.
 */
export abstract class GcStruct {
  /** Its defined type. */
  declare readonly type: GcType;
  /** Its handle while it has one, else 0. */
  declare id: number;
  /** Words 0 to 3 (those the type has). */
  declare w0: unknown;
  declare w1: unknown;
  declare w2: unknown;
  declare w3: unknown;
  /** Words from `INLINE_WORDS` on, or null when there are none (`GcStructN` only). */
  declare rest: unknown[] | null;
}

// The struct classes below are not subclasses of `GcStruct` (V8 constructed them through a
// derived constructor's slow path: a quarter of binary-trees' CPU profile in the code
// generation tier was under the `new GcStruct2` sites, the base class's field initializer
// another 5%); their prototypes link to its prototype, so that `instanceof GcStruct` holds.
// Their fields (and `GcArray`'s, `HostRef`'s) are `declare`d and assigned in the constructor,
// never class fields or parameter properties: those compile to an instance-members initializer
// that Ignition calls on every `new` (under `node --jitless`, 1M two-word structs: 98 -> 60 ns
// each; binary-trees at bench:jitless's scale 0.1, same-process A/B best of 10: 49.3 -> 44.4 ms).

/**
 * A struct of at most two words: 7 pointer-sized words with V8's object header, where a
 * `GcStructN` takes 10 (binary-trees, two-word nodes: 49.8 -> 34.8 MB allocated per `run(300)`
 * in the code generation tier, V8's sampling heap profiler).
 */
export class GcStruct2 implements GcStruct {
  declare readonly type: GcType;
  declare w0: unknown;
  declare w1: unknown;
  declare id: number;
  declare w2: unknown;
  declare w3: unknown;
  declare rest: unknown[] | null;
  /**
   * @param type its defined type (at most two words)
   * @param w0 word 0 (numbers, references as `GcObject | i31 | null`; 0 past the last word)
   * @param w1 word 1
   */
  constructor(type: GcType, w0: unknown, w1: unknown) {
    this.type = type;
    this.w0 = w0;
    this.w1 = w1;
    this.id = 0;
  }
}

/** A struct of three or four words. */
export class GcStruct4 implements GcStruct {
  declare readonly type: GcType;
  declare w0: unknown;
  declare w1: unknown;
  declare w2: unknown;
  declare w3: unknown;
  declare id: number;
  declare rest: unknown[] | null;
  /**
   * @param type its defined type (three or four words)
   * @param w0 word 0
   * @param w1 word 1
   * @param w2 word 2
   * @param w3 word 3 (0 past the last word)
   */
  constructor(type: GcType, w0: unknown, w1: unknown, w2: unknown, w3: unknown) {
    this.type = type;
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
    this.id = 0;
  }
}

/** A struct of more than four words. */
export class GcStructN implements GcStruct {
  declare readonly type: GcType;
  declare w0: unknown;
  declare w1: unknown;
  declare w2: unknown;
  declare w3: unknown;
  declare rest: unknown[] | null;
  declare id: number;
  /**
   * @param type its defined type (more than four words)
   * @param w0 word 0
   * @param w1 word 1
   * @param w2 word 2
   * @param w3 word 3
   * @param rest the words from `INLINE_WORDS` on (owned by the struct)
   */
  constructor(
    type: GcType,
    w0: unknown,
    w1: unknown,
    w2: unknown,
    w3: unknown,
    rest: unknown[] | null,
  ) {
    this.type = type;
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
    this.rest = rest;
    this.id = 0;
  }
}

for (const cls of [GcStruct2, GcStruct4, GcStructN]) {
  Object.setPrototypeOf(cls.prototype, GcStruct.prototype);
}

/** The name of the `GcStruct` subclass for structs of `words` words (for generated code). */
export function structClassOf(words: number): "GcStruct2" | "GcStruct4" | "GcStructN" {
  return words <= 2 ? "GcStruct2" : words <= INLINE_WORDS ? "GcStruct4" : "GcStructN";
}

/**
 * A struct of `type` with the words `words` (copied; at least `INLINE_WORDS` of them,
 * `GcType.defaults` is padded so).
 */
export function structOfWords(type: GcType, words: ArrayLike<unknown>): GcStruct {
  const n = type.words;
  if (n <= 2) return new GcStruct2(type, words[0], words[1]);
  if (n <= INLINE_WORDS) return new GcStruct4(type, words[0], words[1], words[2], words[3]);
  return new GcStructN(
    type,
    words[0],
    words[1],
    words[2],
    words[3],
    Array.prototype.slice.call(words, INLINE_WORDS),
  );
}

/** Words of a struct kept as properties of the `GcStruct` itself. */
const INLINE_WORDS = 4;

/** Word `k` of struct `s`. */
function word(s: GcStruct, k: number): unknown {
  switch (k) {
    case 0:
      return s.w0;
    case 1:
      return s.w1;
    case 2:
      return s.w2;
    case 3:
      return s.w3;
  }
  return s.rest![k - INLINE_WORDS];
}

/** Sets word `k` of struct `s` to `v`. */
function setWord(s: GcStruct, k: number, v: unknown): void {
  switch (k) {
    case 0:
      s.w0 = v;
      return;
    case 1:
      s.w1 = v;
      return;
    case 2:
      s.w2 = v;
      return;
    case 3:
      s.w3 = v;
      return;
  }
  s.rest![k - INLINE_WORDS] = v;
}

/** The element store of an array, by storage kind. */
export type ArrayData = Uint8Array | Uint16Array | Int32Array | unknown[];

/** An array: its type, length and elements. */
export class GcArray {
  /** Its defined type. */
  declare readonly type: GcType;
  /** Its element count. */
  declare readonly length: number;
  /** Its elements. */
  declare readonly data: ArrayData;
  /** Its handle while it has one, else 0. */
  declare id: number;
  /**
   * @param type its defined type
   * @param length its element count
   * @param data its elements: `Uint8Array` (i8), `Uint16Array` (i16), `Int32Array` (one, two
   *   or four words per element for i32/f32/funcref, i64/f64, v128), or an array of references
   */
  constructor(type: GcType, length: number, data: ArrayData) {
    this.type = type;
    this.length = length;
    this.data = data;
    this.id = 0;
  }
}

/** A host value passed into Wasm as an `externref` (also an `anyref` after conversion). */
export class HostRef {
  /** The host's value, given back unchanged. */
  declare readonly value: unknown;
  /** Its handle while it has one, else 0. */
  declare id: number;
  /** @param value the host's value, given back unchanged */
  constructor(value: unknown) {
    this.value = value;
    this.id = 0;
  }
}

/** Anything a handle of the `any` / `extern` hierarchies names. */
export type GcObject = GcStruct | GcArray | HostRef;
/** A reference as fields hold it: an object, an i31 handle (odd), or null. */
export type GcRef = GcObject | number | null;

/** A struct's or array's trap of the spec's wording. */
function trap(code: TrapCode): Trap {
  return new Trap(code);
}

/**
 * Whether a global or table of type `t` may hold handles of a `GcHeap` (a reference outside the
 * `func` and `exn` hierarchies): such ones are the collector's roots.
 */
export function holdsGcRefs(t: ValType): boolean {
  const h = refHierarchy(t);
  return h === "any" || h === "extern";
}

// What `GcHeap.#assign` does when the table has reached its limit: grow it, collect first, or
// give no handle (0) so that the caller collects (see `GcHeap.give`).
const GROW = 0;
const COLLECT = 1;
const DEFER = 2;

/** The handle table of one store, and its collector (see the module doc). */
export class GcHeap {
  /** Objects by handle / 2; index 0 is never used. An entry of a freed handle may still hold its
   * old object until the lazy sweep reaches it (see `#assign`). */
  objs: (GcObject | null)[] = [null];
  /**
   * Per entry of `objs`: 1 when the handle is in use (a root held it at the last collection, or
   * it was handed out since). Never shorter than `objs`; only entries below `#sweepEnd` are
   * read, and only by the lazy sweep.
   */
  marked: Uint8Array = new Uint8Array(GC_COLLECT_MIN);
  /** The lazy sweep's next entry: entries `[#cursor, #sweepEnd)` not `marked` are free. */
  #cursor = 1;
  #sweepEnd = 1;
  /** The size of `objs` past which the next allocation collects first. */
  #limit = GC_COLLECT_MIN;
  /**
   * The host values already given a `HostRef`, so that each keeps one identity: objects weakly;
   * other values (numbers, strings, ...) in a map, so that a host passing the same number again
   * and again adds no entries (without `Config.wasmGc` nothing is ever collected).
   */
  readonly #hostRefs = new WeakMap<object, HostRef>();
  readonly #primitiveRefs = new Map<unknown, HostRef>();
  /** Globals and tables that may hold handles of this heap. */
  readonly holders: (GlobalEntity | TableEntity)[] = [];
  /** Instances whose element segments may hold handles of this heap. */
  readonly instances: InstanceEntity[] = [];
  /**
   * How many objects generated code may still make without handles (codegen.ts, "References
   * as objects") before it collects (\`collectNow\`): as many as an allocation taking a handle
   * each would make between two collections (\`#limit\`), and none once the table grew past
   * its limit (\`handleOf\`). Handles those objects get later (a root holding an object's
   * tree) are freed only by a collection, which no allocation would run otherwise.
   */
  credit = GC_COLLECT_MIN;
  /** How many collections ran, and how many handles the last one kept (for tests and benches). */
  collections = 0;
  live = 0;

  /** @param store the store whose stacks are roots */
  constructor(readonly store: StoreInner) {}

  /**
   * The handle of `obj`, given a new one if it has none. `collect`: may collect first (only
   * allocating instructions pass it: there, every handle in use is in a root).
   */
  handleOf(obj: GcObject, collect = false): number {
    const id = obj.id;
    if (id === 0) return this.#assign(obj, collect ? COLLECT : GROW);
    // In use again: the lazy sweep must not free it (see `#assign`).
    this.marked[id >>> 1] = 1;
    return id;
  }

  /**
   * A new handle for `obj`: the next entry the lazy sweep frees, else a new entry (after a
   * collection when the table has reached its limit). The sweep is lazy because most handles
   * are short-lived: an object that lost its root but is read again (from a field) before the
   * sweep reaches its entry keeps its handle instead of taking a new one, and a collection does
   * not pay for a pass over the whole table (binary-trees: 1.24M handles given per run before,
   * see the module doc's figures).
   */
  #assign(obj: GcObject, due: number): number {
    const objs = this.objs;
    let marked = this.marked;
    const end = this.#sweepEnd;
    let i = this.#cursor;
    while (i < end && marked[i] !== 0) i++;
    if (i < end) {
      this.#cursor = i + 1;
      const old = objs[i];
      if (old !== null && old !== undefined) old.id = 0;
      objs[i] = obj;
      // Below the cursor now: the sweep does not come back to it before the next collection.
      return obj.id = i << 1;
    }
    this.#cursor = end;
    if (due !== GROW && objs.length >= this.#limit) {
      if (due === DEFER) return 0;
      this.#mark();
      return this.#assign(obj, GROW);
    }
    if (objs.length >= this.#limit) this.credit = 0;
    i = objs.length;
    objs.push(obj);
    if (i >= marked.length) {
      marked = new Uint8Array(2 * marked.length);
      marked.set(this.marked);
      this.marked = marked;
    }
    marked[i] = 1;
    return obj.id = i << 1;
  }

  /** Collects now, lazily as \`alloc\` does: the roots must be current. */
  collectNow(): void {
    this.#mark();
  }

  /** The handle of a new object (may collect first). */
  alloc(obj: GcObject): number {
    return this.#assign(obj, COLLECT);
  }

  /**
   * The handle of a new object, or 0 when a collection is due first (then nothing changed, and
   * `alloc` collects and gives it one). Generated code calls this with the value stack's words
   * not written back: only when it returns 0 does it write them back (the collection's roots)
   * and call `alloc`, so an allocation without a collection writes nothing back.
   */
  give(obj: GcObject): number {
    return this.#assign(obj, DEFER);
  }

  /** The handle of a reference as fields hold it. */
  handle(ref: GcRef): number {
    if (ref === null) return 0;
    if (typeof ref === "number") return ref;
    return this.handleOf(ref);
  }

  /** The reference a handle names, as fields hold it. */
  ref(h: number): GcRef {
    if (h === 0) return null;
    if ((h & 1) !== 0) return h;
    return this.objs[h >>> 1] ?? null;
  }

  /** The object an even non-null handle names. */
  object(h: number): GcObject {
    return this.objs[h >>> 1]!;
  }

  /**
   * The handle of a host value as an `externref`: null is 0; anything else is a `HostRef` (one per
   * value, so the same value is the same reference).
   */
  externHandle(value: unknown): number {
    if (value === null) return 0;
    let ref: HostRef | undefined;
    if (typeof value === "object" || typeof value === "function") {
      ref = this.#hostRefs.get(value as object);
      if (ref === undefined) this.#hostRefs.set(value as object, ref = new HostRef(value));
    } else {
      ref = this.#primitiveRefs.get(value);
      if (ref === undefined) this.#primitiveRefs.set(value, ref = new HostRef(value));
    }
    return this.handleOf(ref);
  }

  /** Collects now: frees the handles no root holds at once (see the module doc). */
  collect(): void {
    this.#mark();
    const objs = this.objs;
    const marked = this.marked;
    let end = 1;
    for (let i = 1; i < objs.length; i++) {
      const obj = objs[i];
      if (obj === null || obj === undefined) continue;
      if (marked[i] !== 0) {
        end = i + 1;
        continue;
      }
      obj.id = 0;
      objs[i] = null;
    }
    // Drop the free tail; the sweep then finds the free entries below it.
    objs.length = end;
    this.#sweepEnd = end;
  }

  /**
   * Marks the handles found in the roots; every other entry is free, for the lazy sweep to
   * reuse from the lowest up.
   */
  #mark(): void {
    const objs = this.objs;
    const n = objs.length;
    const marked = this.marked;
    marked.fill(0, 0, n);
    const store = this.store;
    for (const ref of store.stacks) {
      const st = ref.deref();
      if (st === undefined) {
        store.stacks.delete(ref);
        continue;
      }
      markWords(marked, n, st.s32, 0, liveWords(st));
    }
    for (const holder of this.holders) {
      if ("value" in holder) markWords(marked, n, holder.value, 0, 1);
      else markWords(marked, n, holder.elements, 0, holder.size);
    }
    for (const inst of this.instances) {
      for (const seg of inst.elemSegments) {
        if (seg !== null) markWords(marked, n, seg, 0, seg.length);
      }
    }
    let live = 0;
    for (let i = 1; i < n; i++) if (marked[i] !== 0 && objs[i] !== null) live++;
    this.#cursor = 1;
    this.#sweepEnd = n;
    this.live = live;
    this.collections++;
    this.credit = this.#limit;
    this.#limit = Math.max(GC_COLLECT_MIN, 2 * live);
  }
}

/** Marks in `marked` the possible handles (below entry `n`) among `words[from..to)`. */
function markWords(marked: Uint8Array, n: number, words: Int32Array, from: number, to: number) {
  for (let i = from; i < to; i++) {
    const w = words[i]!;
    // Even, non-null, in range: possibly a handle of ours.
    if ((w & 1) === 0 && w > 0 && (w >>> 1) < n) marked[w >>> 1] = 1;
  }
}

/** The words of `st`'s value stack that may be live: up to the end of its innermost frame. */
function liveWords(st: {
  s32: Int32Array;
  depth: number;
  frames: Int32Array;
  funcs: readonly { compiled: { frameWords: number } | null }[];
  host: unknown;
  hostBase: number;
}): number {
  const d = st.depth;
  if (d < 0) return 0;
  const compiled = st.funcs[d]?.compiled;
  if (compiled === null || compiled === undefined) return st.s32.length;
  // A host function's parameters and results lie inside its caller's frame.
  return Math.min(st.s32.length, st.frames[2 * d]! + compiled.frameWords);
}

// ---------------------------------------------------------------------------------------------
// Instruction semantics. Each allocating function returns false when `fuel` could not pay (the
// instruction then stops for fuel or retries), as the bulk operations do.

/** Pushes the default value of storage `kind` onto `f`. */
function pushDefault(f: unknown[], kind: number) {
  switch (kind) {
    case ST_I64:
      f.push(0, 0);
      break;
    case ST_V128:
      f.push(0, 0, 0, 0);
      break;
    case ST_ANY:
    case ST_EXN:
      f.push(null);
      break;
    default:
      f.push(0);
  }
}

/**
 * The default words of a struct of `type`, padded to `INLINE_WORDS` (`struct.new_default`
 * copies them; `struct.new` copies and overwrites them). Building a struct's words by pushing
 * onto a new array per struct grew the array on the way and, after native V8 had run
 * binary-trees in the same process, cost 3x more CPU per run (see the module doc).
 */
function defaultsOf(type: GcType): unknown[] {
  let defaults = type.defaults;
  if (defaults === null) {
    const storage = type.storage;
    defaults = type.defaults = [];
    for (let i = 0; i < storage.length; i++) pushDefault(defaults, storage[i]!);
    while (defaults.length < INLINE_WORDS) defaults.push(0);
  }
  return defaults;
}

/** `struct.new`: the fields from the slots at `a`, the new struct's handle into `d`. */
export function structNew(
  store: StoreInner,
  type: GcType,
  s32: Int32Array,
  d: number,
  a: number,
  fuel: BulkFuel | null,
): boolean {
  const storage = type.storage;
  if (fuel !== null && !fuel.elements(store, storage.length)) return false;
  const n = storage.length;
  if (n <= 2 && type.words === n) {
    // At most two one-word fields (tree and list nodes): constructed from them, without the
    // defaults copied first and overwritten.
    const w0 = n === 0 ? 0 : fieldWord(store, storage[0]!, s32[a]!);
    const w1 = n < 2 ? 0 : fieldWord(store, storage[1]!, s32[a + 4]!);
    s32[d] = store.gc.alloc(new GcStruct2(type, w0, w1));
    return true;
  }
  const s = structOfWords(type, defaultsOf(type));
  const offsets = type.offsets;
  const gc = store.gc;
  for (let i = 0; i < storage.length; i++) {
    const kind = storage[i]!;
    // A reference field (tree and list links) without `writeField`'s switch: binary-trees in
    // the code generation tier 41.5-42.4 -> 37.6-38.6 ms CPU per run (4 alternated rounds of
    // 20 runs; the interpreter unchanged within noise).
    if (kind === ST_ANY) setWord(s, offsets[i]!, gc.ref(s32[a + 4 * i]!));
    else writeField(store, s, offsets[i]!, kind, s32, a + 4 * i);
  }
  s32[d] = gc.alloc(s);
  return true;
}

/** The word a one-word field of storage `kind` holds for the slot word `v`. */
function fieldWord(store: StoreInner, kind: number, v: number): unknown {
  switch (kind) {
    case ST_I8:
      return v & 0xff;
    case ST_I16:
      return v & 0xffff;
    case ST_ANY:
      return store.gc.ref(v);
    case ST_EXN:
      return store.exnOf(v);
  }
  return v;
}

/** `struct.new_default`: a struct of default fields, its handle into `d`. */
export function structNewDefault(
  store: StoreInner,
  type: GcType,
  s32: Int32Array,
  d: number,
  fuel: BulkFuel | null,
): boolean {
  if (fuel !== null && !fuel.elements(store, type.storage.length)) return false;
  s32[d] = store.gc.alloc(structOfWords(type, defaultsOf(type)));
  return true;
}

/**
 * The reference handle `h` names, as fields hold it (`GcHeap.ref` on the heap's `objs`, for
 * generated code).
 */
export function refOfHandle(objs: readonly (GcObject | null)[], h: number): GcRef {
  return h === 0 ? null : (h & 1) !== 0 ? h : objs[h >>> 1] ?? null;
}

/**
 * The word for a value generated code held in a JS local, where a reference may be the
 * \`GcObject\` itself (codegen.ts, "References as objects"): an object's handle (given one if
 * it has none), anything else (a number: a word, a handle, an i31, 0 for null) as it is.
 */
export function refWord(gc: GcHeap, v: unknown): number {
  return typeof v === "number" ? v : v === null ? 0 : gc.handleOf(v as GcObject);
}

/** The handle of `ref` as fields hold it (`GcHeap.handle`, for generated code). */
export function handleOfRef(gc: GcHeap, ref: GcRef): number {
  return ref === null ? 0 : typeof ref === "number" ? ref : gc.handleOf(ref);
}

/** The struct handle `h` names; traps on null. */
function structOf(store: StoreInner, h: number): GcStruct {
  if (h === 0) throw trap(TrapCode.NullStructReference);
  return store.gc.objs[h >>> 1] as GcStruct;
}

/** Writes an array element read as `kind` (from `src[at..]`) into the slot at `d`. */
function readInto(
  store: StoreInner,
  kind: number,
  src: ArrayLike<unknown>,
  at: number,
  s32: Int32Array,
  d: number,
) {
  switch (kind) {
    case ST_I64:
      s32[d] = src[at] as number;
      s32[d + 1] = src[at + 1] as number;
      break;
    case ST_V128:
      s32[d] = src[at] as number;
      s32[d + 1] = src[at + 1] as number;
      s32[d + 2] = src[at + 2] as number;
      s32[d + 3] = src[at + 3] as number;
      break;
    default:
      readWord(store, kind, src[at], s32, d);
  }
}

/** Writes a one-word value `v` read as `kind` (not i64 or v128) into the slot at `d`. */
function readWord(store: StoreInner, kind: number, v: unknown, s32: Int32Array, d: number) {
  switch (kind) {
    case ST_I8_S:
      s32[d] = ((v as number) << 24) >> 24;
      break;
    case ST_I16_S:
      s32[d] = ((v as number) << 16) >> 16;
      break;
    case ST_ANY:
      s32[d] = store.gc.handle(v as GcRef);
      break;
    case ST_EXN: {
      const exn = v as ExnEntity | null;
      s32[d] = exn === null ? 0 : store.exnHandle(exn);
      break;
    }
    default: // i8/i16 unsigned, i32, f32, funcref
      s32[d] = v as number;
  }
}

/** `struct.get(_s/_u)`: field at word `offset` of the struct `h`, read as `kind`, into `d`. */
export function structGet(
  store: StoreInner,
  s32: Int32Array,
  d: number,
  h: number,
  offset: number,
  kind: number,
): void {
  const s = structOf(store, h);
  if (kind === ST_ANY) {
    // The common case first (a reference field: tree and list links), without `readWord`'s
    // switch.
    const ref = word(s, offset) as GcRef;
    s32[d] = ref === null ? 0 : typeof ref === "number" ? ref : store.gc.handleOf(ref);
    return;
  }
  switch (kind) {
    case ST_I64:
      s32[d] = word(s, offset) as number;
      s32[d + 1] = word(s, offset + 1) as number;
      return;
    case ST_V128:
      for (let i = 0; i < 4; i++) s32[d + i] = word(s, offset + i) as number;
      return;
  }
  readWord(store, kind, word(s, offset), s32, d);
}

/** `struct.set`: the value in slot `a` into the field at word `offset` of struct `h`. */
export function structSet(
  store: StoreInner,
  h: number,
  s32: Int32Array,
  a: number,
  offset: number,
  kind: number,
): void {
  writeField(store, structOf(store, h), offset, kind, s32, a);
}

/** Writes the value in slot `a`, of storage `kind`, into the field at word `offset` of `s`. */
function writeField(
  store: StoreInner,
  s: GcStruct,
  offset: number,
  kind: number,
  s32: Int32Array,
  a: number,
): void {
  switch (kind) {
    case ST_I8:
      setWord(s, offset, s32[a]! & 0xff);
      break;
    case ST_I16:
      setWord(s, offset, s32[a]! & 0xffff);
      break;
    case ST_I64:
      setWord(s, offset, s32[a]!);
      setWord(s, offset + 1, s32[a + 1]!);
      break;
    case ST_V128:
      for (let i = 0; i < 4; i++) setWord(s, offset + i, s32[a + i]!);
      break;
    case ST_ANY:
      setWord(s, offset, store.gc.ref(s32[a]!));
      break;
    case ST_EXN:
      setWord(s, offset, store.exnOf(s32[a]!));
      break;
    default:
      setWord(s, offset, s32[a]!);
  }
}

/** Words per element of an `Int32Array`-backed kind. */
function elemWords(kind: number): number {
  return kind === ST_I64 ? 2 : kind === ST_V128 ? 4 : 1;
}

/** A new, default-filled element store for `n` elements of storage `kind`. */
function newData(kind: number, n: number): ArrayData {
  // References take a pointer each (8 bytes at most).
  const size = KIND_BYTES[kind] || 8;
  if (n > MAX_ARRAY_LENGTH || n * size > MAX_ARRAY_BYTES) throw trap(TrapCode.AllocationTooLarge);
  try {
    return allocData(kind, n);
  } catch (e) {
    // The host could not allocate it: a trap, never a host RangeError.
    if (e instanceof RangeError) throw trap(TrapCode.AllocationTooLarge);
    throw e;
  }
}

function allocData(kind: number, n: number): ArrayData {
  switch (kind) {
    case ST_I8:
      return new Uint8Array(n);
    case ST_I16:
      return new Uint16Array(n);
    case ST_ANY:
    case ST_EXN:
      return new Array<unknown>(n).fill(null);
    default:
      return new Int32Array(n * elemWords(kind));
  }
}

/** Sets element `i` of `data` (storage `kind`) to the value in slot `a`. */
function setElem(
  store: StoreInner,
  kind: number,
  data: ArrayData,
  i: number,
  s32: Int32Array,
  a: number,
) {
  switch (kind) {
    case ST_I64:
      (data as Int32Array)[2 * i] = s32[a]!;
      (data as Int32Array)[2 * i + 1] = s32[a + 1]!;
      break;
    case ST_V128:
      for (let k = 0; k < 4; k++) (data as Int32Array)[4 * i + k] = s32[a + k]!;
      break;
    case ST_ANY:
      (data as unknown[])[i] = store.gc.ref(s32[a]!);
      break;
    case ST_EXN:
      (data as unknown[])[i] = store.exnOf(s32[a]!);
      break;
    default: // typed arrays wrap i8/i16 themselves
      (data as Int32Array)[i] = s32[a]!;
  }
}

/** Fills `data[from..to)` (elements of storage `kind`) with the value in slot `a`. */
function fillElems(
  store: StoreInner,
  kind: number,
  data: ArrayData,
  from: number,
  to: number,
  s32: Int32Array,
  a: number,
) {
  switch (kind) {
    case ST_I64:
    case ST_V128:
      for (let i = from; i < to; i++) setElem(store, kind, data, i, s32, a);
      break;
    case ST_ANY:
      (data as unknown[]).fill(store.gc.ref(s32[a]!), from, to);
      break;
    case ST_EXN:
      (data as unknown[]).fill(store.exnOf(s32[a]!), from, to);
      break;
    default:
      (data as Int32Array).fill(s32[a]!, from, to);
  }
}

/** `array.new`: `n` (slot value, u32) copies of the value in slot `a`; handle into `d`. */
export function arrayNew(
  store: StoreInner,
  type: GcType,
  s32: Int32Array,
  d: number,
  a: number,
  n: number,
  fuel: BulkFuel | null,
): boolean {
  n >>>= 0;
  if (fuel !== null && !fuel.elements(store, n)) return false;
  const kind = type.storage[0]!;
  const data = newData(kind, n);
  fillElems(store, kind, data, 0, n, s32, a);
  s32[d] = store.gc.alloc(new GcArray(type, n, data));
  return true;
}

/** `array.new_default`: `n` default elements; handle into `d`. */
export function arrayNewDefault(
  store: StoreInner,
  type: GcType,
  s32: Int32Array,
  d: number,
  n: number,
  fuel: BulkFuel | null,
): boolean {
  n >>>= 0;
  if (fuel !== null && !fuel.elements(store, n)) return false;
  s32[d] = store.gc.alloc(new GcArray(type, n, newData(type.storage[0]!, n)));
  return true;
}

/** `array.new_fixed`: `n` elements from consecutive slots at `a`; handle into `d`. */
export function arrayNewFixed(
  store: StoreInner,
  type: GcType,
  s32: Int32Array,
  d: number,
  n: number,
  a: number,
  fuel: BulkFuel | null,
): boolean {
  if (fuel !== null && !fuel.elements(store, n)) return false;
  const kind = type.storage[0]!;
  const data = newData(kind, n);
  for (let i = 0; i < n; i++) setElem(store, kind, data, i, s32, a + 4 * i);
  s32[d] = store.gc.alloc(new GcArray(type, n, data));
  return true;
}

/** `n` elements of storage `kind` decoded from `bytes` at `at` (little endian). */
function dataElems(kind: number, bytes: Uint8Array, at: number, n: number): ArrayData {
  const size = KIND_BYTES[kind]!;
  const copy = bytes.slice(at, at + n * size);
  switch (kind) {
    case ST_I8:
      return copy;
    case ST_I16:
      return new Uint16Array(copy.buffer);
    default:
      return new Int32Array(copy.buffer);
  }
}

/** The data segment's bytes (a dropped segment is empty). */
function segmentBytes(inst: InstanceEntity, segment: number): Uint8Array {
  return inst.dataSegments[segment] ?? EMPTY_BYTES;
}
const EMPTY_BYTES = new Uint8Array(0);
const EMPTY_ELEMS = new Int32Array(0);

/** `array.new_data`: `n` elements from data segment `segment` at byte `s`; handle into `d`. */
export function arrayNewData(
  store: StoreInner,
  inst: InstanceEntity,
  type: GcType,
  segment: number,
  s32: Int32Array,
  d: number,
  s: number,
  n: number,
  fuel: BulkFuel | null,
): boolean {
  s >>>= 0;
  n >>>= 0;
  const kind = type.storage[0]!;
  const bytes = segmentBytes(inst, segment);
  if (fuel !== null && fuel.eager && !fuel.elements(store, n)) return false;
  if (s + n * KIND_BYTES[kind]! > bytes.length) throw trap(TrapCode.MemoryOutOfBounds);
  if (fuel !== null && !fuel.eager && !fuel.elements(store, n)) return false;
  s32[d] = store.gc.alloc(new GcArray(type, n, dataElems(kind, bytes, s, n)));
  return true;
}

/** Element `i` of a segment (handles) as storage `kind` holds it. */
function segElem(store: StoreInner, kind: number, h: number): unknown {
  return kind === ST_ANY ? store.gc.ref(h) : kind === ST_EXN ? store.exnOf(h) : h;
}

/** `array.new_elem`: `n` elements from element segment `segment` at `s`; handle into `d`. */
export function arrayNewElem(
  store: StoreInner,
  inst: InstanceEntity,
  type: GcType,
  segment: number,
  s32: Int32Array,
  d: number,
  s: number,
  n: number,
  fuel: BulkFuel | null,
): boolean {
  s >>>= 0;
  n >>>= 0;
  const kind = type.storage[0]!;
  const elems = inst.elemSegments[segment] ?? EMPTY_ELEMS;
  if (fuel !== null && fuel.eager && !fuel.elements(store, n)) return false;
  if (s + n > elems.length) throw trap(TrapCode.TableOutOfBounds);
  if (fuel !== null && !fuel.eager && !fuel.elements(store, n)) return false;
  const data = newData(kind, n);
  if (kind === ST_FUNC) (data as Int32Array).set(elems.subarray(s, s + n));
  else for (let i = 0; i < n; i++) (data as unknown[])[i] = segElem(store, kind, elems[s + i]!);
  s32[d] = store.gc.alloc(new GcArray(type, n, data));
  return true;
}

/** The array handle `h` names; traps on null. */
function arrayOf(store: StoreInner, h: number): GcArray {
  if (h === 0) throw trap(TrapCode.NullArrayReference);
  return store.gc.objs[h >>> 1] as GcArray;
}

/** `array.get(_s/_u)`: element `i` of array `h`, read as `kind`, into slot `d`. */
export function arrayGet(
  store: StoreInner,
  s32: Int32Array,
  d: number,
  h: number,
  i: number,
  kind: number,
): void {
  const arr = arrayOf(store, h);
  i >>>= 0;
  if (i >= arr.length) throw trap(TrapCode.ArrayOutOfBounds);
  readInto(store, kind, arr.data, kind === ST_I64 ? 2 * i : kind === ST_V128 ? 4 * i : i, s32, d);
}

/** `array.set`: element `i` of array `h` to the value in slot `a`. */
export function arraySet(
  store: StoreInner,
  h: number,
  i: number,
  s32: Int32Array,
  a: number,
): void {
  const arr = arrayOf(store, h);
  i >>>= 0;
  if (i >= arr.length) throw trap(TrapCode.ArrayOutOfBounds);
  setElem(store, arr.type.storage[0]!, arr.data, i, s32, a);
}

/** `array.len`. */
export function arrayLen(store: StoreInner, h: number): number {
  return arrayOf(store, h).length;
}

/** `array.fill`: `n` elements of array `h` from `i` on to the value in slot `a`. */
export function arrayFill(
  store: StoreInner,
  h: number,
  i: number,
  s32: Int32Array,
  a: number,
  n: number,
  fuel: BulkFuel | null,
): boolean {
  const arr = arrayOf(store, h);
  i >>>= 0;
  n >>>= 0;
  if (fuel !== null && fuel.eager && !fuel.elements(store, n)) return false;
  if (i + n > arr.length) throw trap(TrapCode.ArrayOutOfBounds);
  if (fuel !== null && !fuel.eager && !fuel.elements(store, n)) return false;
  fillElems(store, arr.type.storage[0]!, arr.data, i, i + n, s32, a);
  return true;
}

/** `array.copy`: `n` elements from array `src` at `s` to array `dst` at `d` (may overlap). */
export function arrayCopy(
  store: StoreInner,
  dst: number,
  d: number,
  src: number,
  s: number,
  n: number,
  fuel: BulkFuel | null,
): boolean {
  const a = arrayOf(store, dst);
  const b = arrayOf(store, src);
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  if (fuel !== null && fuel.eager && !fuel.elements(store, n)) return false;
  if (d + n > a.length || s + n > b.length) throw trap(TrapCode.ArrayOutOfBounds);
  if (fuel !== null && !fuel.eager && !fuel.elements(store, n)) return false;
  const k = elemWords(a.type.storage[0]!);
  const [x, y] = [a.data, b.data];
  if (x instanceof Array || y instanceof Array) {
    const from = y as unknown[];
    const to = x as unknown[];
    if (x === y) to.copyWithin(d, s, s + n);
    else for (let i = 0; i < n; i++) to[d + i] = from[s + i];
  } else if (x === y) (x as Int32Array).copyWithin(d * k, s * k, (s + n) * k);
  else (x as Int32Array).set((y as Int32Array).subarray(s * k, (s + n) * k), d * k);
  return true;
}

/** `array.init_data`: `n` elements of array `h` from `d` on, from data segment bytes at `s`. */
export function arrayInitData(
  store: StoreInner,
  inst: InstanceEntity,
  segment: number,
  h: number,
  d: number,
  s: number,
  n: number,
  fuel: BulkFuel | null,
): boolean {
  const arr = arrayOf(store, h);
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  const kind = arr.type.storage[0]!;
  const bytes = segmentBytes(inst, segment);
  if (fuel !== null && fuel.eager && !fuel.elements(store, n)) return false;
  if (d + n > arr.length) throw trap(TrapCode.ArrayOutOfBounds);
  if (s + n * KIND_BYTES[kind]! > bytes.length) throw trap(TrapCode.MemoryOutOfBounds);
  if (fuel !== null && !fuel.eager && !fuel.elements(store, n)) return false;
  const src = dataElems(kind, bytes, s, n) as Int32Array;
  (arr.data as Int32Array).set(src, d * elemWords(kind));
  return true;
}

/** `array.init_elem`: `n` elements of array `h` from `d` on, from element segment items at `s`. */
export function arrayInitElem(
  store: StoreInner,
  inst: InstanceEntity,
  segment: number,
  h: number,
  d: number,
  s: number,
  n: number,
  fuel: BulkFuel | null,
): boolean {
  const arr = arrayOf(store, h);
  d >>>= 0;
  s >>>= 0;
  n >>>= 0;
  const kind = arr.type.storage[0]!;
  const elems = inst.elemSegments[segment] ?? EMPTY_ELEMS;
  if (fuel !== null && fuel.eager && !fuel.elements(store, n)) return false;
  if (d + n > arr.length) throw trap(TrapCode.ArrayOutOfBounds);
  if (s + n > elems.length) throw trap(TrapCode.TableOutOfBounds);
  if (fuel !== null && !fuel.eager && !fuel.elements(store, n)) return false;
  if (kind === ST_FUNC) (arr.data as Int32Array).set(elems.subarray(s, s + n), d);
  else {
    const data = arr.data as unknown[];
    for (let i = 0; i < n; i++) data[d + i] = segElem(store, kind, elems[s + i]!);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Casts. A heap type operand is an abstract heap type's code (negative: `HeapCode` of
// core/types.ts, the binary encoding as an s7) or a canonical type id (>= 0).

/** `any` */
export const HT_ANY = -18;
/** `eq` */
export const HT_EQ = -19;
/** `i31` */
export const HT_I31 = -20;
/** `struct` */
export const HT_STRUCT = -21;
/** `array` */
export const HT_ARRAY = -22;
/** `none` */
export const HT_NONE = -15;
/** `func` */
export const HT_FUNC = -16;
/** `nofunc` */
export const HT_NOFUNC = -13;
/** `extern` */
export const HT_EXTERN = -17;
/** `noextern` */
export const HT_NOEXTERN = -14;
/** `exn` */
export const HT_EXN = -23;
/** `noexn` */
export const HT_NOEXN = -12;

/**
 * `ref.test`: whether the reference `h` is in heap type `ht` (`nullable`: null passes). A
 * function reference's canonical type is its entity's `typeId`.
 */
export function refTest(
  store: StoreInner,
  h: number,
  ht: number,
  nullable: number,
): boolean {
  if (h === 0) return nullable !== 0;
  switch (ht) {
    case HT_ANY:
    case HT_EXTERN:
    case HT_FUNC:
    case HT_EXN:
      return true;
    case HT_NONE:
    case HT_NOFUNC:
    case HT_NOEXTERN:
    case HT_NOEXN:
      return false;
    case HT_I31:
      return (h & 1) !== 0;
    case HT_EQ:
      return (h & 1) !== 0 || !(store.gc.object(h) instanceof HostRef);
    case HT_STRUCT:
      return (h & 1) === 0 && store.gc.object(h) instanceof GcStruct;
    case HT_ARRAY:
      return (h & 1) === 0 && store.gc.object(h) instanceof GcArray;
  }
  if (gcType(ht).kind === "func") {
    const func = store.funcs[h];
    return func !== null && func !== undefined && TYPES.isSubtypeId(func.typeId, ht);
  }
  if ((h & 1) !== 0) return false;
  const obj = store.gc.object(h);
  return !(obj instanceof HostRef) && TYPES.isSubtypeId(obj.type.canonical, ht);
}

/**
 * Whether `obj` (what a non-null, non-i31 handle names) is in the defined struct or array type
 * `ht` (for generated code; `refTest` for every heap type).
 */
export function objectIn(obj: GcObject, ht: number): boolean {
  if (obj instanceof HostRef) return false;
  const c = obj.type.canonical;
  return c === ht || TYPES.isSubtypeId(c, ht);
}

/** `ref.test` as an i32 (1: in the type). */
export function refTestI32(store: StoreInner, h: number, ht: number, nullable: number): number {
  return refTest(store, h, ht, nullable) ? 1 : 0;
}

/** `ref.cast`: `h` when it is in heap type `ht`, else a "cast failure" trap. */
export function refCast(store: StoreInner, h: number, ht: number, nullable: number): number {
  if (!refTest(store, h, ht, nullable)) throw trap(TrapCode.CastFailure);
  return h;
}
