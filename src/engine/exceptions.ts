/**
 * Exception handling (the exception-handling proposal with `exnref`): tags, exceptions, and the
 * unwinding that `throw`, `throw_ref` and a host function's `WasmException` start.
 *
 * Handlers cost nothing until something throws. The translator gives each compiled function a
 * side table (`CompiledFunc.handlers`, `HANDLER_WORDS` words per catch clause, innermost
 * `try_table` first): the code range the clause covers, the tag it catches (-1: any), whether
 * it also delivers the exception as an `exnref`, the landing pad to jump to and the slot the
 * payload goes to. A throw walks the explicit call stack from the innermost frame outwards,
 * consulting each frame's table at the pc it stopped at; the JS stack is never unwound, and a
 * frame with a live handler may have been suspended (fuel, host call) and resumed before.
 *
 * @module
 */

import { ExnEntity, exnErrors, SLOT_WORDS, type StoreInner, type TagEntity } from "./entities.ts";
import type { ExecStack } from "./stack.ts";
import type { GcRef } from "./gc.ts";
import type { ValType } from "../core/types.ts";
import { refHierarchy } from "../core/type_registry.ts";

/**
 * Words per catch clause in `CompiledFunc.handlers`: range start, range end (exclusive), tag
 * index (-1 for `catch_all`), 1 when the clause delivers an `exnref`, the pad's pc, and the
 * frame-relative word offset of the slot where the payload (then the `exnref`) goes.
 */
export const HANDLER_WORDS = 6;

/**
 * Throws `exn` from the innermost frame of `st`, whose saved pc (`frames[2d + 1]`) is just past
 * the throwing instruction, as every caller frame's is past its call. Finds the innermost
 * handler among frames `baseDepth..st.depth`; when there is one, pops the frames above it,
 * writes the payload (and the `exnref`) into its slots and sets the frame's pc to the landing
 * pad: the caller reloads its state from `st` and continues. When there is none, throws
 * `exnErrors.make(exn)` (the runtime's `WasmException`).
 */
export function throwException(
  store: StoreInner,
  st: ExecStack,
  baseDepth: number,
  exn: ExnEntity,
): void {
  const i = findHandler(st, baseDepth, exn.tag);
  if (i < 0) throw exnErrors.make(exn);
  const d = foundDepth;
  const frames = st.frames;
  const handlers = st.funcs[d]!.compiled!.handlers!;
  let slot = frames[2 * d]! + handlers[i + 5]!;
  const s32 = st.s32;
  if (handlers[i + 2]! >= 0) {
    const payload = exn.payload;
    for (let j = 0; j < payload.length; j++) s32[slot + j] = payload[j]!;
    const refs = exn.refs;
    if (refs !== null) {
      // Each handle is in its slot (a root) before the next one may collect.
      for (let j = 0; j < refs.length; j++) {
        const ref = refs[j];
        if (ref === undefined) continue;
        s32[slot + j * SLOT_WORDS] = ref instanceof ExnEntity
          ? store.exnHandle(ref, true)
          : store.gc.handle(ref);
      }
    }
    slot += exn.payload.length;
  }
  enterPad(store, st, d, i, slot, handlers[i + 3] !== 0 ? exn : null);
}

/**
 * `throwException(store, st, baseDepth, newException(store, tag, s32, base))`, without making
 * the exception when nothing can see it: a tag whose payload holds no reference, caught by a
 * clause that delivers no `exnref`, only needs its payload copied. Every throw of
 * `bench/exceptions.wat` allocated an exception and its payload array (~180 bytes), 40 MB per
 * call of 300,000 iterations: the first call paid the process's first scavenge (13-17 ms,
 * `--trace-gc`) and every call ~10 more.
 */
export function throwNew(
  store: StoreInner,
  st: ExecStack,
  baseDepth: number,
  tag: TagEntity,
  s32: Int32Array,
  base: number,
): void {
  if (!PLAIN_TAGS.has(tag)) {
    throwException(store, st, baseDepth, newException(store, tag, s32, base));
    return;
  }
  const i = findHandler(st, baseDepth, tag);
  if (i < 0) throw exnErrors.make(newException(store, tag, s32, base));
  const d = foundDepth;
  const frames = st.frames;
  const handlers = st.funcs[d]!.compiled!.handlers!;
  // Made before the payload is copied: the handler's slots may overlap the thrower's.
  const exn = handlers[i + 3] !== 0 ? newException(store, tag, s32, base) : null;
  let slot = frames[2 * d]! + handlers[i + 5]!;
  if (handlers[i + 2]! >= 0) {
    const words = tag.type.params.length * SLOT_WORDS;
    // The slots may overlap, the pad's never above the payload: the pad's are at its try_table's
    // stack height in its frame, and the payload of a throw it covers is at or above that height
    // in the same frame or in a callee's (whose frame starts at its arguments, higher still). So
    // a forward copy is `copyWithin`, which cost 13% more warm CPU than this loop.
    for (let j = 0; j < words; j++) s32[slot + j] = s32[base + j]!;
    slot += words;
  }
  enterPad(store, st, d, i, slot, exn);
}

/**
 * Lands in catch clause `i` of frame `d`, whose payload is in place below `slot`: writes `exn`'s
 * handle at `slot` when the clause delivers an `exnref` (`exn` is then not null), pops the frames
 * above `d` and sets its pc to the landing pad.
 */
function enterPad(
  store: StoreInner,
  st: ExecStack,
  d: number,
  i: number,
  slot: number,
  exn: ExnEntity | null,
): void {
  if (exn !== null) {
    st.s32[slot] = store.exnHandle(exn, true);
    st.s32[slot + 1] = 0;
  }
  st.depth = d;
  st.frames[2 * d + 1] = st.funcs[d]!.compiled!.handlers![i + 4]!;
}

/** The frame depth of the handler `findHandler` found last. */
let foundDepth = 0;

/**
 * The innermost catch clause among frames `baseDepth..st.depth` that catches `tag`: its index
 * in its frame's `handlers` (the frame's depth in `foundDepth`), or -1 when there is none.
 */
function findHandler(st: ExecStack, baseDepth: number, tag: TagEntity): number {
  const frames = st.frames;
  for (let d = st.depth; d >= baseDepth; d--) {
    const func = st.funcs[d]!;
    const handlers = func.compiled!.handlers;
    if (handlers === null) continue;
    const at = frames[2 * d + 1]! - 1;
    for (let i = 0; i < handlers.length; i += HANDLER_WORDS) {
      if (at < handlers[i]! || at >= handlers[i + 1]!) continue;
      const t = handlers[i + 2]!;
      if (t >= 0 && func.instance.tags[t] !== tag) continue;
      foundDepth = d;
      return i;
    }
  }
  return -1;
}

/**
 * The tags whose payload holds no reference `exnRefsOf` collects: a throw of one skips looking
 * at its types (their hierarchies were 4% of `bench/exceptions.wat`'s CPU profile).
 */
const PLAIN_TAGS = new WeakSet<TagEntity>();

/** A new exception with tag `tag` and its payload copied from the slots at `base` of `s32`. */
export function newException(
  store: StoreInner,
  tag: TagEntity,
  s32: Int32Array,
  base: number,
): ExnEntity {
  const params = tag.type.params;
  const words = params.length * SLOT_WORDS;
  // A packed plain array: a small typed array costs several times more to allocate.
  const payload: number[] = [];
  for (let i = 0; i < words; i++) payload.push(s32[base + i]!);
  if (PLAIN_TAGS.has(tag)) return new ExnEntity(tag, payload, null);
  const refs = exnRefsOf(store, params, payload);
  if (refs === null) PLAIN_TAGS.add(tag);
  return new ExnEntity(tag, payload, refs);
}

/**
 * The reference values among `payload`'s slots (typed by `params`) whose handles are collected,
 * as what they name, by payload index (a sparse array), or null when there are none: `exnref`s
 * as exceptions, `any` / `extern` references as `GcHeap` references (see `gc.ts`).
 */
export function exnRefsOf(
  store: StoreInner,
  params: readonly ValType[],
  payload: ArrayLike<number>,
): (ExnEntity | GcRef)[] | null {
  let refs: (ExnEntity | GcRef)[] | null = null;
  for (let i = 0; i < params.length; i++) {
    const h = refHierarchy(params[i]!);
    if (h === "exn") {
      refs ??= [];
      refs[i] = store.exnOf(payload[i * SLOT_WORDS]!);
    } else if (h === "any" || h === "extern") {
      refs ??= [];
      refs[i] = store.gc.ref(payload[i * SLOT_WORDS]!);
    }
  }
  return refs;
}
