/**
 * The code section (id 10): each function body's locals, and one syntactic pass over its
 * instructions so that any malformation inside code is reported at decode time.
 *
 * @module
 */

import type { ValType } from "../core/types.ts";
import { type DecodeContext, EOF_IN_SECTION } from "./decode_context.ts";
import type { ModuleDecl } from "./module.ts";
import type { FuncBodies } from "./module.ts";
import { readValType } from "./decode_types.ts";
import { scanInstructions } from "./code_scanner.ts";

/**
 * Most locals one function may declare (parameters not counted). An implementation limit, as
 * the spec allows: it bounds the memory a forged local count can claim.
 */
export const MAX_LOCALS = 50_000;

/** Decodes the code section's content into `module.bodies`. */
export function decodeCodeSection(ctx: DecodeContext): void {
  const n = ctx.reader.vecLen();
  const bodies = ctx.module.bodies;
  bodies.reserve(n);
  for (let i = 0; i < n; i++) readBody(ctx, bodies);
}

function readBody(ctx: DecodeContext, bodies: FuncBodies): void {
  const r = ctx.reader;
  const offset = r.pos;
  const size = r.vecLen();
  const start = r.pos;
  const locals = readLocals(ctx);
  const codeStart = r.pos;
  if (!ctx.scanBodies) {
    // Framed only: the instructions are read when the function is first compiled.
    if (codeStart > start + size) {
      // The locals overran the body: fail as reading the instructions from there would.
      scanInstructions(ctx, true);
      ctx.fail("section size mismatch", start);
    }
    r.pos = start + size;
    bodies.push(locals, offset, codeStart, start + size);
    return;
  }
  scanInstructions(ctx, true);
  const codeEnd = r.pos;
  if (codeEnd !== start + size) ctx.fail("section size mismatch", start);
  bodies.push(locals, offset, codeStart, codeEnd);
}

/**
 * Reads the instructions of body `index` (of the defined functions) as the code section's
 * decoder does when it reads bodies at once, with the same errors at the same offsets: for a
 * module decoded without reading them (`DecodeContext.scanBodies` off).
 *
 * @param ctx a context over the module's bytes, with the features it was decoded with (one
 *   context serves any number of calls)
 * @param module the decoded module
 * @param index the body's index among the module's bodies
 * @throws {DecodeError} when the body is malformed, or uses a data segment index without a data
 *   count section
 */
export function scanBody(ctx: DecodeContext, module: ModuleDecl, index: number): void {
  ctx.usesDataIndex = false;
  scanOne(ctx, module, index);
  if (ctx.usesDataIndex && module.dataCount === null) {
    ctx.fail("data count section required", module.bytes.length);
  }
}

/**
 * Reads the instructions of the first `count` bodies, as `scanBody` does, in order; with
 * `dataCount`, then checks that a module whose code uses a data segment index has a data count
 * section, as the decoder does after the last section.
 *
 * @throws {DecodeError} for the first malformed body, then for a missing data count section
 */
export function scanBodies(
  ctx: DecodeContext,
  module: ModuleDecl,
  count: number,
  dataCount: boolean,
): void {
  ctx.usesDataIndex = false;
  for (let i = 0; i < count; i++) scanOne(ctx, module, i);
  if (dataCount && ctx.usesDataIndex && module.dataCount === null) {
    ctx.fail("data count section required", module.bytes.length);
  }
}

function scanOne(ctx: DecodeContext, module: ModuleDecl, index: number): void {
  const bodies = module.bodies;
  const r = ctx.reader;
  // Heap types in the body name the module's canonical type ids (typed references).
  r.typeIds = module.typeIds;
  r.pos = bodies.offset(index);
  r.u32(); // the body's size, checked when the section was framed
  const start = r.pos;
  r.eofMessage = EOF_IN_SECTION;
  r.pos = bodies.codeStart(index);
  scanInstructions(ctx, true);
  if (r.pos !== bodies.codeEnd(index)) ctx.fail("section size mismatch", start);
}

/** The locals of every body that declares none (shared: `FuncBodies.locals` are read-only). */
const NO_LOCALS: ValType[] = [];

/** Bodies with one group of at most this many locals of a number or vector type share arrays. */
const SHARED_MAX = 64;
/** `count` locals of type `t` (by type, then count), shared by every body that declares them. */
const SHARED_LOCALS = new Map<ValType, ValType[][]>();

/**
 * The locals of a body declaring `count` locals of type `t`, one array for all such bodies
 * (read-only, as `FuncBodies.locals` are): the bodies of an eager compile live as long as the
 * module, and an array each was a sixth of what decoding and compiling 50,000 small functions
 * kept (`deno task bench:load`, funcs50k). Numbers and vectors only, so the table stays small.
 */
function sharedLocals(t: ValType, count: number): ValType[] {
  if (t !== "i32" && t !== "i64" && t !== "f32" && t !== "f64" && t !== "v128") {
    return new Array<ValType>(count).fill(t);
  }
  let byCount = SHARED_LOCALS.get(t);
  if (byCount === undefined) SHARED_LOCALS.set(t, byCount = []);
  return byCount[count] ??= new Array<ValType>(count).fill(t);
}

/**
 * Reads the local declarations and expands them. Every group is read before the total is
 * checked, as in the spec interpreter, so a malformed type is reported before a large count.
 */
function readLocals(ctx: DecodeContext): ValType[] {
  const r = ctx.reader;
  const at = r.pos;
  const groups = r.vecLen();
  // The common shapes without the temporary arrays (a module may have 100,000 bodies).
  if (groups === 0) return NO_LOCALS;
  if (groups === 1) {
    const count = r.u32();
    const type = readValType(ctx);
    if (count > MAX_LOCALS) ctx.fail("too many locals", at);
    return count <= SHARED_MAX ? sharedLocals(type, count) : new Array<ValType>(count).fill(type);
  }
  const counts: number[] = [];
  const types: ValType[] = [];
  let total = 0;
  for (let i = 0; i < groups; i++) {
    const count = r.u32();
    counts.push(count);
    types.push(readValType(ctx));
    total += count;
  }
  if (total > MAX_LOCALS) ctx.fail("too many locals", at);
  const locals: ValType[] = new Array(total);
  let k = 0;
  for (let i = 0; i < groups; i++) {
    const t = types[i]!;
    for (let j = counts[i]!; j > 0; j--) locals[k++] = t;
  }
  return locals;
}
