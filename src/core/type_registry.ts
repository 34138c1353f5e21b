/**
 * The canonical type registry: every function, struct and array type any module declares, one
 * id per type up to iso-recursive equivalence (the GC proposal's type canonicalisation), shared
 * by every engine of the process.
 *
 * A module's type section is a sequence of recursion groups. Two groups are the same when they
 * have the same shape, with a reference into the group written as its position in the group and
 * a reference out of it as the (already canonical) id it names. `registerGroup` keys each group
 * by that shape and gives the types of a new group consecutive ids, so type equality across
 * modules is id equality.
 *
 * Subtyping between two ids is one array read: each id keeps its chain of declared supertypes
 * from the root down to itself, so `sub <: sup` iff `chain(sub)[depth(sup)] === sup`. Depth is
 * bounded by 63 (the spec's limit), so chains stay small.
 *
 * Why one registry for the process rather than per engine: a reference type is a string naming a
 * canonical id (`"(ref #3)"`, see `core/types.ts`); a process-wide registry keeps that string's
 * meaning the same in every engine, including in `FuncType`s a host builds without an engine.
 *
 * @module
 */

import { FuncType, HeapCode, type RefInfo, refInfo, refType, type ValType } from "./types.ts";

/** What a struct field or array element stores: a value type or a packed integer. */
export type StorageType = ValType | "i8" | "i16";

/** A struct field or array element type. */
export interface FieldType {
  readonly storage: StorageType;
  readonly mutable: boolean;
}

/** A composite type: a function, struct or array type. */
export type CompositeType =
  | { readonly kind: "func"; readonly func: FuncType }
  | { readonly kind: "struct"; readonly fields: readonly FieldType[] }
  | { readonly kind: "array"; readonly element: FieldType };

/**
 * A declared type: finality, declared supertypes and the composite type. In a registered type,
 * `supers` are canonical ids; in a group being registered, an entry `-1000 - k` is the group's
 * `k`-th type (as is a heap code of `-1000 - k` in a reference type).
 */
export interface SubType {
  readonly final: boolean;
  readonly supers: readonly number[];
  readonly comp: CompositeType;
}

/** Heap code of the `k`-th type of the recursion group being registered. */
export function recRef(k: number): number {
  return -1000 - k;
}

/** Kinds of composite type, as numbers for the hot checks. */
export const enum TypeKind {
  Func = 0,
  Struct = 1,
  Array = 2,
}

/** The spec's bound on the length of a subtype chain. */
export const MAX_SUBTYPE_DEPTH = 63;

/**
 * The first subtyping rule a recursion group breaks: the position in the group of the type that
 * breaks it, and the spec's wording (a module reports `sub type N` with its own index N).
 */
export interface GroupError {
  readonly position: number;
  readonly message: string;
}

/** A registered recursion group: its first id, size, and the first rule it breaks, if any. */
interface Group {
  readonly base: number;
  readonly size: number;
  readonly error: GroupError | null;
}

/**
 * The registry (use the process-wide `TYPES`).
 *
 * @example Equal groups get equal ids; subtyping follows declared supertypes
 * ```ts
 * import { FuncType } from "./types.ts";
 * import { TYPES } from "./type_registry.ts";
 * const f = TYPES.funcTypeId(new FuncType(["i32"], []));
 * if (TYPES.funcTypeId(new FuncType(["i32"], [])) !== f) throw new Error();
 * const [sup] = TYPES.registerGroup([
 *   { final: false, supers: [], comp: { kind: "struct", fields: [] } },
 * ]).ids;
 * const [sub] = TYPES.registerGroup([
 *   { final: true, supers: [sup!], comp: { kind: "struct", fields: [] } },
 * ]).ids;
 * if (!TYPES.isSubtypeId(sub!, sup!) || TYPES.isSubtypeId(sup!, sub!)) throw new Error();
 * ```
 */
export class TypeRegistry {
  readonly #types: SubType[] = [];
  readonly #kinds: number[] = [];
  readonly #chains: number[][] = [];
  readonly #groups = new Map<string, Group>();
  readonly #funcIds = new Map<string, number>();

  /** Number of registered types. */
  get size(): number {
    return this.#types.length;
  }

  /** The type with canonical id `id` (its references canonical). */
  type(id: number): SubType {
    return this.#types[id]!;
  }

  /** The kind of `id`'s composite type. */
  kind(id: number): TypeKind {
    return this.#kinds[id]!;
  }

  /** The function type of `id`, or null when it is a struct or array type. */
  funcType(id: number): FuncType | null {
    const c = this.#types[id]!.comp;
    return c.kind === "func" ? c.func : null;
  }

  /** The supertype chain of `id`, root first, `id` last. */
  chain(id: number): readonly number[] {
    return this.#chains[id]!;
  }

  /**
   * The id of `type` as a module's `(type (func ...))` declares it: a final type without
   * supertypes in a group of its own. Host functions get their ids here.
   */
  funcTypeId(type: FuncType): number {
    let id = this.#funcIds.get(type.key);
    if (id === undefined) {
      id = this.registerGroup([{ final: true, supers: [], comp: { kind: "func", func: type } }])
        .ids[0]!;
      this.#funcIds.set(type.key, id);
    }
    return id;
  }

  /**
   * Registers a recursion group (references into it as `recRef(k)`, out of it as canonical
   * ids) and returns the ids of its types, with the first subtyping rule the group breaks
   * (`error`, the spec's wording), or null when its declarations are valid. Registering the
   * same shape again returns the same ids.
   */
  registerGroup(group: readonly SubType[]): { ids: number[]; error: GroupError | null } {
    const key = groupKey(group);
    let g = this.#groups.get(key);
    if (g === undefined) {
      const base = this.#types.length;
      const map = (heap: number) => heap <= recRef(0) ? base + (recRef(0) - heap) : heap;
      for (const st of group) {
        const t: SubType = {
          final: st.final,
          supers: st.supers.map(map),
          comp: mapComposite(st.comp, map),
        };
        this.#types.push(t);
        this.#kinds.push(
          t.comp.kind === "func"
            ? TypeKind.Func
            : t.comp.kind === "struct"
            ? TypeKind.Struct
            : TypeKind.Array,
        );
        const id = this.#types.length - 1;
        const sup = t.supers.length === 1 && t.supers[0]! < id ? t.supers[0]! : -1;
        this.#chains.push(sup < 0 ? [id] : [...this.#chains[sup]!, id]);
      }
      g = { base, size: group.length, error: this.#check(base, group.length) };
      this.#groups.set(key, g);
    }
    const ids: number[] = [];
    for (let i = 0; i < g.size; i++) ids.push(g.base + i);
    return { ids, error: g.error };
  }

  /** The first broken subtyping rule of the group at `base`, or null. */
  #check(base: number, size: number): GroupError | null {
    for (let i = base; i < base + size; i++) {
      const t = this.#types[i]!;
      const position = i - base;
      if (t.supers.length > 1) return { position, message: "has too many supertypes" };
      if (t.supers.length === 0) continue;
      const sup = t.supers[0]!;
      if (sup >= i) return { position, message: "has a supertype that is not defined before it" };
      const st = this.#types[sup]!;
      if (st.final || !compositeSub(this, t.comp, st.comp)) {
        return { position, message: "does not match super type" };
      }
      if (this.#chains[i]!.length > MAX_SUBTYPE_DEPTH + 1) {
        return { position, message: `exceeds the subtype depth limit of ${MAX_SUBTYPE_DEPTH}` };
      }
    }
    return null;
  }

  /** Whether canonical type `sub` is `sup` or declares it as a (transitive) supertype. */
  isSubtypeId(sub: number, sup: number): boolean {
    if (sub === sup) return true;
    const chain = this.#chains[sub]!;
    const depth = this.#chains[sup]!.length - 1;
    return depth < chain.length && chain[depth] === sup;
  }

  /** Heap subtyping: `a <: b` for heap codes or canonical ids (see `HeapCode`). */
  heapSub(a: number, b: number): boolean {
    if (a === b) return true;
    if (a >= 0) {
      const k = this.#kinds[a]!;
      if (b >= 0) return this.isSubtypeId(a, b);
      switch (b) {
        case HeapCode.Func:
          return k === TypeKind.Func;
        case HeapCode.Any:
        case HeapCode.Eq:
          return k !== TypeKind.Func;
        case HeapCode.Struct:
          return k === TypeKind.Struct;
        case HeapCode.Array:
          return k === TypeKind.Array;
        default:
          return false;
      }
    }
    switch (a) {
      case HeapCode.None:
        return b >= 0
          ? this.#kinds[b] !== TypeKind.Func
          : b === HeapCode.Any || b === HeapCode.Eq || b === HeapCode.I31 ||
            b === HeapCode.Struct || b === HeapCode.Array;
      case HeapCode.NoFunc:
        return b >= 0 ? this.#kinds[b] === TypeKind.Func : b === HeapCode.Func;
      case HeapCode.NoExtern:
        return b === HeapCode.Extern;
      case HeapCode.NoExn:
        return b === HeapCode.Exn;
      case HeapCode.I31:
      case HeapCode.Struct:
      case HeapCode.Array:
        return b === HeapCode.Eq || b === HeapCode.Any;
      case HeapCode.Eq:
        return b === HeapCode.Any;
      default:
        return false;
    }
  }

  /** Value subtyping `a <: b` (equal strings first: the common case costs one compare). */
  valSub(a: ValType, b: ValType): boolean {
    if (a === b) return true;
    const ra = refInfo(a);
    const rb = refInfo(b);
    if (ra === null || rb === null) return false;
    return (rb.nullable || !ra.nullable) && this.heapSub(ra.heap, rb.heap);
  }

  /**
   * The top of `heap`'s hierarchy: `HeapCode.Any`, `Func`, `Extern` or `Exn` (what `ref.test`
   * and `br_on_cast` need to relate two types, and the runtime to pick a representation).
   */
  topOf(heap: number): HeapCode {
    if (heap >= 0) return this.#kinds[heap] === TypeKind.Func ? HeapCode.Func : HeapCode.Any;
    switch (heap) {
      case HeapCode.Func:
      case HeapCode.NoFunc:
        return HeapCode.Func;
      case HeapCode.Extern:
      case HeapCode.NoExtern:
        return HeapCode.Extern;
      case HeapCode.Exn:
      case HeapCode.NoExn:
        return HeapCode.Exn;
      default:
        return HeapCode.Any;
    }
  }

  /** The bottom of `heap`'s hierarchy (`None`, `NoFunc`, `NoExtern`, `NoExn`). */
  bottomOf(heap: number): HeapCode {
    switch (this.topOf(heap)) {
      case HeapCode.Func:
        return HeapCode.NoFunc;
      case HeapCode.Extern:
        return HeapCode.NoExtern;
      case HeapCode.Exn:
        return HeapCode.NoExn;
      default:
        return HeapCode.None;
    }
  }
}

/** The process-wide registry. */
export const TYPES: TypeRegistry = new TypeRegistry();

/**
 * The reference hierarchy of a value type: `"func"`, `"extern"`, `"exn"` or `"any"`, or null
 * for numbers and vectors.
 *
 * @example
 * ```ts
 * import { refHierarchy } from "./type_registry.ts";
 * if (refHierarchy("nullfuncref") !== "func" || refHierarchy("i31ref") !== "any") throw new Error();
 * if (refHierarchy("i32") !== null) throw new Error();
 * ```
 */
export function refHierarchy(t: ValType): "func" | "extern" | "exn" | "any" | null {
  const info: RefInfo | null = refInfo(t);
  if (info === null) return null;
  switch (TYPES.topOf(info.heap)) {
    case HeapCode.Func:
      return "func";
    case HeapCode.Extern:
      return "extern";
    case HeapCode.Exn:
      return "exn";
    default:
      return "any";
  }
}

/** Whether `t` is a value type with a default value (numbers, vectors, nullable references). */
export function defaultable(t: ValType): boolean {
  const info = refInfo(t);
  return info === null || info.nullable;
}

function mapVal(t: ValType, map: (heap: number) => number): ValType {
  const info = refInfo(t);
  if (info === null) return t;
  const heap = map(info.heap);
  return heap === info.heap ? t : refType(info.nullable, heap);
}

function mapField(f: FieldType, map: (heap: number) => number): FieldType {
  if (f.storage === "i8" || f.storage === "i16") return f;
  return { storage: mapVal(f.storage, map), mutable: f.mutable };
}

function mapComposite(c: CompositeType, map: (heap: number) => number): CompositeType {
  switch (c.kind) {
    case "func":
      return {
        kind: "func",
        func: new FuncType(
          c.func.params.map((t) => mapVal(t, map)),
          c.func.results.map((t) => mapVal(t, map)),
        ),
      };
    case "struct":
      return { kind: "struct", fields: c.fields.map((f) => mapField(f, map)) };
    case "array":
      return { kind: "array", element: mapField(c.element, map) };
  }
}

function fieldKey(f: FieldType): string {
  return (f.mutable ? "mut " : "") + f.storage;
}

function groupKey(group: readonly SubType[]): string {
  const parts: string[] = [];
  for (const st of group) {
    const c = st.comp;
    const body = c.kind === "func"
      ? `func ${c.func.key}`
      : c.kind === "struct"
      ? `struct ${c.fields.map(fieldKey).join(",")}`
      : `array ${fieldKey(c.element)}`;
    parts.push(`${st.final ? "final" : "open"} ${st.supers.join(",")} ${body}`);
  }
  return parts.join(";");
}

function storageSub(r: TypeRegistry, a: StorageType, b: StorageType): boolean {
  if (a === "i8" || a === "i16" || b === "i8" || b === "i16") return a === b;
  return r.valSub(a, b);
}

function fieldSub(r: TypeRegistry, a: FieldType, b: FieldType): boolean {
  if (a.mutable !== b.mutable) return false;
  // A mutable field is read and written: it must be invariant.
  return a.mutable ? a.storage === b.storage : storageSub(r, a.storage, b.storage);
}

function compositeSub(r: TypeRegistry, a: CompositeType, b: CompositeType): boolean {
  if (a.kind === "func" && b.kind === "func") {
    const fa = a.func, fb = b.func;
    if (fa.params.length !== fb.params.length || fa.results.length !== fb.results.length) {
      return false;
    }
    for (let i = 0; i < fa.params.length; i++) {
      if (!r.valSub(fb.params[i]!, fa.params[i]!)) return false;
    }
    for (let i = 0; i < fa.results.length; i++) {
      if (!r.valSub(fa.results[i]!, fb.results[i]!)) return false;
    }
    return true;
  }
  if (a.kind === "struct" && b.kind === "struct") {
    if (a.fields.length < b.fields.length) return false;
    for (let i = 0; i < b.fields.length; i++) {
      if (!fieldSub(r, a.fields[i]!, b.fields[i]!)) return false;
    }
    return true;
  }
  if (a.kind === "array" && b.kind === "array") return fieldSub(r, a.element, b.element);
  return false;
}

/** How values of a type are held at run time (see `valRepr`). */
export type ValRepr =
  | "i32"
  | "i64"
  | "f32"
  | "f64"
  | "v128"
  | "funcref"
  | "externref"
  | "exnref"
  | "anyref";

/**
 * The representation of a value type's values: the type itself for numbers and vectors, and
 * for a reference the top of its hierarchy as a nullable shorthand (`"(ref #3)"` of a function
 * type is held as a `"funcref"`, `"i31ref"` as an `"anyref"`).
 *
 * @example
 * ```ts
 * import { valRepr } from "./type_registry.ts";
 * if (valRepr("(ref func)") !== "funcref" || valRepr("nullexternref") !== "externref") throw new Error();
 * ```
 */
export function valRepr(t: ValType): ValRepr {
  switch (t) {
    case "i32":
    case "i64":
    case "f32":
    case "f64":
    case "v128":
    case "funcref":
    case "externref":
    case "exnref":
    case "anyref":
      return t;
  }
  const h = refHierarchy(t);
  if (h === null) throw new TypeError(`Not a value type: ${t}`);
  return `${h}ref`;
}
