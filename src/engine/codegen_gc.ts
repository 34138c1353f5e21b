/**
 * Wasm GC struct, array and cast instructions spelled inline, for the code generator (`codegen.ts`).
 *
 * The rows' templates call `gc.ts` with slot indices (`structGet(store, s32, (fp + 4), r0, 0,
 * 5)`): the result is written through an index the generator cannot follow, so it stays in the
 * value stack, and `struct.new`'s template may stop for fuel, so every cached slot is written
 * back before it and it runs inside a retry loop. Here, for a field kind known when generating:
 * - `struct.get` reads the field property (`w0`..`w3`, or `rest[k]`) of the struct its handle
 *   names, after the null check, and assigns the result word(s) as `s32[(fp + d)] = ...`, which
 *   the generator can keep in a local;
 * - `struct.set` writes the property;
 * - `ref.test` and `ref.cast` against a defined struct or array type compare the object's
 *   canonical type id first (`objectIn`);
 * - `array.get` and `array.set` check the reference and the index and read or write the element
 *   of the array's store (typed arrays wrap i8 and i16 as the interpreter's writes do;
 *   `array.set` writes every element kind, its value's slot read as words);
 * - `struct.new` / `struct.new_default` (in metered code only where its fields cost no fuel:
 *   else the template, which charges for them and may stop) construct the `GcStruct` subclass
 *   its size needs with its words as arguments and take a handle with `GcHeap.give`; only when
 *   that says a collection is due are the cached slots written back (the collection's roots)
 *   before `GcHeap.alloc`.
 * Each spelling does what the row's `gc.ts` function does, with the same traps, in the same
 * order; anything else (v128 and exnref fields, packed writes of other kinds) keeps its template.
 *
 * @module
 */

import { I } from "./isa.ts";
import {
  gcType,
  ST_ANY,
  ST_EXN,
  ST_FUNC,
  ST_I16,
  ST_I16_S,
  ST_I32,
  ST_I64,
  ST_I8,
  ST_I8_S,
  ST_V128,
  structClassOf,
} from "./gc.ts";
import { TrapCode } from "../core/trap.ts";
import { TYPES } from "../core/type_registry.ts";

/** Words of a struct kept as properties of the `GcStruct` (`INLINE_WORDS` in gc.ts). */
const INLINE = 4;

/** The JavaScript reading word `k` of the struct `s` (a name). */
const wordOf = (s: string, k: number) => k < INLINE ? `${s}.w${k}` : `${s}.rest[${k - INLINE}]`;

/** Slot `v` (a word index relative to `fp`) spelled as the generator spells slots. */
const slot = (v: number) => `(fp + ${v})`;

/**
 * The instruction at `pc` of `code` spelled inline, with `flush` the mark that writes the cached
 * slots back to the value stack (before a collection); or null when it keeps its row's template.
 * `freeFields`: the most fields a `struct.new` may have to be spelled (one that pays fuel for its
 * fields keeps the template, which may stop: see `structNew`); `after` follows its collection.
 */
export function spellGc(
  code: Int32Array,
  pc: number,
  freeFields: number,
  flush: string,
  after = "",
  objects = false,
): string | null {
  switch (code[pc]) {
    case I.StructGet:
      return structGet(code[pc + 1]!, code[pc + 2]!, code[pc + 3]!, code[pc + 4]!, objects);
    case I.StructSet:
      return structSet(code[pc + 1]!, code[pc + 2]!, code[pc + 3]!, code[pc + 4]!, objects);
    case I.StructNew:
      return structNew(
        code[pc + 1]!,
        code[pc + 2]!,
        code[pc + 3]!,
        flush,
        freeFields,
        after,
        objects,
      );
    case I.StructNewDefault:
      return structNew(code[pc + 1]!, code[pc + 2]!, -1, flush, freeFields, after, objects);
    case I.ArrayGet:
      return arrayGet(code[pc + 1]!, code[pc + 2]!, code[pc + 3]!, code[pc + 4]!);
    case I.ArraySet:
      return arraySet(code[pc + 1]!, code[pc + 2]!, code[pc + 3]!);
    case I.RefTest:
    case I.RefCast:
      return refTest(
        code[pc] === I.RefCast,
        code[pc + 1]!,
        code[pc + 2]!,
        code[pc + 3]!,
        code[pc + 4]!,
      );
  }
  return null;
}

/**
 * `ref.test` (into slot `d` as an i32) or `ref.cast` (the reference into slot `d`, or a trap)
 * of the reference in slot `a` against a defined struct or array type `ht` (`nullable`: null
 * passes): null, an i31 and a host value decided in place, an object by its type's canonical id
 * (`objectIn`). Abstract heap types and function types keep the template (`refTest`).
 */
function refTest(
  cast: boolean,
  d: number,
  a: number,
  ht: number,
  nullable: number,
): string | null {
  if (ht < 0 || ht >= TYPES.size || gcType(ht).kind === "func") return null;
  const ifNull = nullable !== 0;
  const test =
    `$rh === 0 ? ${ifNull} : ($rh & 1) === 0 && objectIn(store.gc.objs[$rh >>> 1], ${ht})`;
  return cast
    ? `const $rh = s32[${slot(a)}];
if (!(${test})) throw trap(${TrapCode.CastFailure});
s32[${slot(d)}] = $rh;`
    : `const $rh = s32[${slot(a)}];
s32[${slot(d)}] = (${test}) ? 1 : 0;`;
}

/** The null and bounds checks of array slot `h` and index slot `i`: `$a`, `$i`. */
function arrayAt(h: number, i: number): string {
  return `const $ah = s32[${slot(h)}];
if ($ah === 0) throw trap(${TrapCode.NullArrayReference});
const $a = store.gc.objs[$ah >>> 1], $i = s32[${slot(i)}] >>> 0;
if ($i >= $a.length) throw trap(${TrapCode.ArrayOutOfBounds});`;
}

/** `array.get(_s/_u)` of element slot `i` of array slot `h`, read as `kind`, into slot `d`. */
function arrayGet(d: number, h: number, i: number, kind: number): string | null {
  const e = "$a.data[$i]";
  let value: string;
  switch (kind) {
    case ST_ANY:
      value = `handleOfRef(store.gc, ${e})`;
      break;
    case ST_I8:
    case ST_I16:
    case ST_I32:
    case ST_FUNC:
      // Typed arrays (Uint8Array, Uint16Array, Int32Array): the word as the slot holds it.
      value = e;
      break;
    case ST_I8_S:
      value = `(${e} << 24) >> 24`;
      break;
    case ST_I16_S:
      value = `(${e} << 16) >> 16`;
      break;
    case ST_I64:
      return `${arrayAt(h, i)}
s32[${slot(d)}] = $a.data[2 * $i];
s32[${slot(d)} + 1] = $a.data[2 * $i + 1];`;
    default:
      return null;
  }
  return `${arrayAt(h, i)}
s32[${slot(d)}] = ${value};`;
}

/**
 * `array.set` of element slot `i` of array slot `h` to slot `a`. The element's kind is the
 * array's (the instruction does not name it): every kind is written in place, as gc.ts's
 * \`setElem\` writes it (an i64's or f64's two words, a v128's four, an \`exnref\` as its
 * exception), so that the value's slot is read as words and may stay in JS locals.
 */
function arraySet(h: number, i: number, a: number): string {
  const v = `s32[${slot(a)}]`;
  return `${arrayAt(h, i)}
const $k = $a.type.storage[0];
if ($k === ${ST_ANY}) $a.data[$i] = refOfHandle(store.gc.objs, ${v});
else if ($k <= ${ST_I32} || $k === ${ST_FUNC}) $a.data[$i] = ${v};
else if ($k === ${ST_I64}) {
  $a.data[2 * $i] = ${v};
  $a.data[2 * $i + 1] = s32[${slot(a)} + 1];
} else if ($k === ${ST_V128}) {
  $a.data[4 * $i] = ${v};
  $a.data[4 * $i + 1] = s32[${slot(a)} + 1];
  $a.data[4 * $i + 2] = s32[${slot(a)} + 2];
  $a.data[4 * $i + 3] = s32[${slot(a)} + 3];
} else $a.data[$i] = store.exnOf(${v});`;
}

/**
 * The null check of struct slot `h`, naming the struct `$o`; with `objects` (see `OBJECT`) the
 * slot may hold the struct itself rather than its handle.
 */
function structAt(h: number, objects = false): string {
  return `const $sh = s32[${slot(h)}];
if ($sh === 0) throw trap(${TrapCode.NullStructReference});
const $o = ${objects ? `typeof $sh !== "number" ? $sh : ` : ""}store.gc.objs[$sh >>> 1];`;
}

/**
 * The mark before a value assigned to a slot that is a reference as generated code may hold it
 * in a JS local (\`GenerateOptions.gcObjects\` in codegen.ts): 0 (null), an i31 handle, a
 * \`GcObject\` itself (no handle), or a handle. The generator assigns it to a slot's local as
 * it is, and to a word of the value stack through \`refWord\` (gc.ts).
 */
export const OBJECT = "/*object*/";

/** The reference as fields hold it of slot read \`v\`, which holds a handle or an object. */
const refOfWord = (v: string, objs: string) =>
  `(typeof ${v} !== "number" ? ${v} : refOfHandle(${objs}, ${v}))`;

/** `struct.get(_s/_u)` of the field at word `k`, read as `kind`, from slot `h` into slot `d`. */
function structGet(
  d: number,
  h: number,
  k: number,
  kind: number,
  objects = false,
): string | null {
  const w = wordOf("$o", k);
  let value: string;
  switch (kind) {
    case ST_ANY:
      // With \`objects\`, the field's object itself (null as 0): no handle.
      if (objects) {
        return `${structAt(h, true)}
const $fr = ${w} ?? 0;
s32[${slot(d)}] = ${OBJECT}$fr;`;
      }
      value = `handleOfRef(store.gc, ${w})`;
      break;
    case ST_I8:
    case ST_I16:
    case ST_I32:
    case ST_FUNC:
      value = w;
      break;
    case ST_I8_S:
      value = `(${w} << 24) >> 24`;
      break;
    case ST_I16_S:
      value = `(${w} << 16) >> 16`;
      break;
    case ST_I64:
      return `${structAt(h, objects)}
s32[${slot(d)}] = ${w};
s32[${slot(d)} + 1] = ${wordOf("$o", k + 1)};`;
    default:
      return null;
  }
  return `${structAt(h, objects)}
s32[${slot(d)}] = ${value};`;
}

/** `struct.set` of the field at word `k` (storage `kind`) of struct slot `h` to slot `a`. */
function structSet(
  h: number,
  a: number,
  k: number,
  kind: number,
  objects = false,
): string | null {
  const set = (k: number, v: string) =>
    k < INLINE ? `$o.w${k} = ${v};` : `$o.rest[${k - INLINE}] = ${v};`;
  const v = `s32[${slot(a)}]`;
  switch (kind) {
    case ST_I8:
      return `${structAt(h, objects)}\n${set(k, `${v} & 255`)}`;
    case ST_I16:
      return `${structAt(h, objects)}\n${set(k, `${v} & 65535`)}`;
    case ST_I32:
    case ST_FUNC:
      return `${structAt(h, objects)}\n${set(k, v)}`;
    case ST_I64:
      return `${structAt(h, objects)}\n${set(k, v)}\n${set(k + 1, `s32[${slot(a)} + 1]`)}`;
    case ST_ANY:
      return `${structAt(h, objects)}\n${
        set(k, objects ? refOfWord(v, "store.gc.objs") : `refOfHandle(store.gc.objs, ${v})`)
      }`;
  }
  return null;
}

/**
 * `struct.new` of type `id` from the slots from `a` on (`a` < 0: `struct.new_default`), its
 * handle into slot `d`; null (the template) for a struct of more than `freeFields` fields.
 *
 * In metered code the row pays `floor(fields / elementsPerFuel)` for its fields (`structNew` in
 * gc.ts, `BulkFuel.elements`), which is 0 for fewer fields than `elementsPerFuel` (16 by
 * default): such a struct.new can never stop, and the generator spells it as in unmetered code
 * (`freeFields` is `elementsPerFuel - 1` there, and unbounded in unmetered code). The template
 * wrote every cached slot and the fuel count back, called `structNew` through a retry loop and
 * read the count again: `bench/binary_trees.wat` (2 struct.news per node) fuel on / off, CPU,
 * best of 10 in one process: see the commit that added this.
 */
function structNew(
  d: number,
  id: number,
  a: number,
  flush: string,
  freeFields: number,
  after: string,
  objects = false,
): string | null {
  // (Code from a module names registered struct types; other code keeps the template.)
  if (id < 0 || id >= TYPES.size || gcType(id).kind !== "struct") return null;
  const type = gcType(id);
  if (type.storage.length > freeFields) return null;
  const words: string[] = [];
  for (let i = 0; i < type.storage.length; i++) {
    const kind = type.storage[i]!;
    const v = a < 0 ? "" : `s32[${slot(a + 4 * i)}]`;
    switch (kind) {
      case ST_I8:
        words.push(a < 0 ? "0" : `${v} & 255`);
        break;
      case ST_I16:
        words.push(a < 0 ? "0" : `${v} & 65535`);
        break;
      case ST_I32:
      case ST_FUNC:
        words.push(a < 0 ? "0" : v);
        break;
      case ST_I64:
        words.push(a < 0 ? "0" : v, a < 0 ? "0" : `s32[${slot(a + 4 * i)} + 1]`);
        break;
      case ST_V128:
        for (let j = 0; j < 4; j++) {
          words.push(a < 0 ? "0" : j === 0 ? v : `s32[${slot(a + 4 * i)} + ${j}]`);
        }
        break;
      case ST_ANY:
        words.push(
          a < 0 ? "null" : objects ? refOfWord(v, "$objs") : `refOfHandle($objs, ${v})`,
        );
        break;
      case ST_EXN:
        words.push(a < 0 ? "null" : `store.exnOf(${v})`);
        break;
      default:
        return null;
    }
  }
  // The arguments of the struct's class (see `GcStruct2` and its siblings).
  const cls = structClassOf(type.words);
  const args = words.slice(0, INLINE);
  while (args.length < (cls === "GcStruct2" ? 2 : INLINE)) args.push("0");
  if (cls === "GcStructN") args.push(`[${words.slice(INLINE).join(", ")}]`);
  // With \`objects\`, the struct itself into the slot: no handle. The collections handles
  // would have run run on the heap's credit (\`GcHeap.credit\`), with the cached slots
  // written back as their roots.
  if (objects) {
    return `const $g = store.gc, $objs = $g.objs;
const $o = new ${cls}(gcType(${id}), ${args.join(", ")});
if (--$g.credit < 0) {
${flush}
$g.collectNow();
${after}}
s32[${slot(d)}] = ${OBJECT}$o;`;
  }
  return `const $g = store.gc, $objs = $g.objs;
const $o = new ${cls}(gcType(${id}), ${args.join(", ")});
let $id = $g.give($o);
if ($id === 0) {
${flush}
$id = $g.alloc($o);
${after}}
s32[${slot(d)}] = $id;`;
}
