/**
 * Differential runs across execution tiers: small generated modules, each a function `run` with
 * loops (counted, do-while and one long enough for the `auto` tier to switch a running frame to
 * generated code; nested, some bounded by the arguments), `if`/`else` arms, calls (direct, through
 * a table, to a host function, recursion a few hundred frames deep), tail calls (`return_call`,
 * `return_call_indirect`, from `run` and from functions that tail-call a leaf in turn),
 * `call_indirect` and `return_call_indirect` whose element has another type or none, exceptions
 * (`throw` of a tag with a payload and of one without, `try_table` with `catch`, `catch_ref`,
 * `catch_all`, `catch_all_ref`, `throw_ref` of a caught or a null exception, across calls and
 * tail calls), memory accesses at the bounds edge (the last bytes of each page the memory can
 * grow to, offsets near 2^32), `memory.grow` inside loops, GC arrays and structs held in
 * globals (made, read, written, null or too short), v128 values (lane arithmetic, float
 * lanes with NaN bits, shuffles, splats, extracts, lane loads and stores, some at the bounds
 * edge), references in GC fields and exception payloads (a list of structs with `anyref` and
 * typed function fields built in loops long enough to collect, walked and called through with
 * `call_ref`; `ref.test`, `ref.cast`, `br_on_cast(_fail)`, i31; tags with v128, function and
 * `anyref` payloads) and a second memory indexed by i64. Features are drawn per seed. The long loop's body cannot trap, so the `auto` tier
 * switches `run` to generated code in the middle of the call whenever a seed has one.
 *
 * Each module runs in the interpreter, in generated code (jit and lean spelling) and in the
 * `auto` tier (both spellings):
 *
 * - with fuel metered and given in small pieces: `callResumable`, the store topped up by a small
 *   slice after each out-of-fuel stop, each stop logged with the fuel it asks for and the fuel
 *   left; then `callAsync` with a `fuelSlice` (the call yields at the end of each slice), from a
 *   budget;
 * - without fuel, a plain `call`; the host's native `WebAssembly` runs the same calls as the
 *   reference for results (traps compared as "a trap", since messages differ).
 *
 * After each call the log holds the memory's size and a hash of its bytes, the global, and what
 * the exported `state` function folds from the GC objects. Every tier must log the same lines as
 * the interpreter: the interpreter charges each fuel region exactly where `fuel.ts` says, and
 * generated code must stop at the same instruction with the same fuel left, whatever it tests
 * ahead (codegen_fuel.ts); traps carry the same code, message and backtrace.
 *
 * @module
 */

import { parse } from "@bytecodealliance/jco-transpile/wasm-tools";
import {
  AnyRef,
  Config,
  Engine,
  Linker,
  Module,
  Store,
  Trap,
  TrapCode,
  Val,
  WasmException,
} from "../../mod.ts";
import type { Instance } from "../../mod.ts";
import { mixSeed, uniform } from "../_lib/prng.ts";

/** The tiers compared, by name (the interpreter first: the others are compared with it). */
export const FUEL_TIERS = {
  interpreter: { executionTier: "interpreter" },
  codegen: { executionTier: "codegen", codegenStyle: "jit" },
  lean: { executionTier: "codegen", codegenStyle: "lean" },
  auto: { executionTier: "auto", codegenStyle: "jit" },
  autoLean: { executionTier: "auto", codegenStyle: "lean" },
} as const;

/** A tier's name. */
export type TierName = keyof typeof FUEL_TIERS;

/** Leaf functions in the table (a power of two: an index masked by `LEAVES - 1` is in it). */
const LEAVES = 4;
/** The table's size: the leaves, a function of another type, then null elements. */
const TABLE = 8;
/** The host function throws when its argument's low three bits are this. */
const HOST_TRAP = 5;
/** The host function throws a Wasm exception when its argument's low three bits are this. */
const HOST_THROW = 6;

/** What a module drawn from a seed uses beyond loops, calls and i32 arithmetic. */
export interface Features {
  readonly exceptions: boolean;
  readonly gc: boolean;
  readonly memEdge: boolean;
  readonly host: boolean;
  readonly longLoop: boolean;
  /** i64 and f64 arithmetic. */
  readonly wide: boolean;
  /**
   * Float bits reach the results (`reinterpret`): NaN payloads are nondeterministic in the spec,
   * so the native run is not compared; the tiers must still agree bit for bit.
   */
  readonly nanBits: boolean;
  /**
   * v128 values and lane operations (read back through lane extracts, masks and memory). Float
   * lanes reach the results raw only with `nanBits`; otherwise each float operation's NaN lanes
   * are cleared (`v128.and` with its `eq` against itself), so the native run is compared.
   */
  readonly simd: boolean;
  /**
   * References in fields, payloads and calls: a linked list of GC structs whose fields hold
   * the next node, an `anyref` (an i31, a node, an array or null) and a typed function
   * reference; an array of `anyref`; `ref.test`, `ref.cast`, `br_on_cast(_fail)` and `i31.get`
   * on them; `call_ref` and `return_call_ref` through the function field; with `exceptions`,
   * tags with a v128 payload and with function and `anyref` payloads thrown and caught
   * (`catch`, `catch_ref` and `throw_ref`).
   */
  readonly refs: boolean;
  /**
   * A second memory indexed by i64 (memory64, multi-memory): loads and stores in bounds, at the
   * bounds edge of each page it can grow to, past 2^32 by their offset or address (never in
   * bounds), `memory.grow`, `memory.size`, `memory.fill` and `memory.copy` in it and from the
   * first memory.
   */
  readonly mem64: boolean;
}

/** The features of the module drawn from `seed`. */
export function featuresOf(seed: number): Features {
  const rand = uniform(mixSeed(seed, 3));
  return {
    exceptions: rand() < 0.5,
    gc: rand() < 0.35,
    memEdge: rand() < 0.5,
    host: rand() < 0.4,
    longLoop: rand() < 0.25,
    wide: rand() < 0.5,
    nanBits: rand() < 0.3,
    simd: rand() < 0.4,
    refs: rand() < 0.35,
    mem64: rand() < 0.3,
  };
}

/**
 * What `state` folds from the list and the array of `anyref` (`Features.refs`): each node's
 * value and what its fields hold (at most 64 nodes: the list may be a cycle), the array's
 * length and elements.
 */
const REFS_STATE = `
    (local.set $nd (global.get $gn))
    (block $ndone (loop $nl
      (br_if $ndone (ref.is_null (local.get $nd)))
      (br_if $ndone (i32.ge_u (local.get $k) (i32.const 64)))
      (local.set $acc (i32.add (i32.rotl (local.get $acc) (i32.const 3))
        (i32.add (struct.get $node 0 (local.get $nd))
          (i32.add (i32.shl (ref.test (ref i31) (struct.get $node 2 (local.get $nd))) (i32.const 1))
            (i32.add (i32.shl (ref.is_null (struct.get $node 3 (local.get $nd))) (i32.const 2))
              (i32.shl (ref.test (ref $node) (struct.get $node 2 (local.get $nd)))
                (i32.const 3)))))))
      (local.set $nd (struct.get $node 1 (local.get $nd)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $nl)))
    (local.set $k (i32.const 0))
    (if (i32.eqz (ref.is_null (global.get $gr))) (then
      (local.set $acc (i32.xor (local.get $acc) (array.len (global.get $gr))))
      (block $rdone (loop $rl
        (br_if $rdone (i32.ge_u (local.get $k) (array.len (global.get $gr))))
        (local.set $acc (i32.add (i32.rotl (local.get $acc) (i32.const 5))
          (block $ri (result i32)
            (drop (block $rn (result anyref)
              (br $ri (i31.get_s (br_on_cast_fail $rn anyref (ref i31)
                (array.get $rarr (global.get $gr) (local.get $k)))))))
            (i32.add (ref.test (ref $node) (array.get $rarr (global.get $gr) (local.get $k)))
              (i32.shl (ref.is_null (array.get $rarr (global.get $gr) (local.get $k)))
                (i32.const 1))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rl)))))
    (local.set $k (i32.const 0))`;

/** The text of a module drawn from `seed` (see the module doc). */
export function tierModule(seed: number): string {
  const f = featuresOf(seed);
  const rand = uniform(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  const chance = (p: number) => rand() < p;
  const int32 = () => (rand() * 2 ** 32) | 0;
  let uid = 0;
  /**
   * While set, nothing generated may trap, throw or call out (the long loop's body: a trap in
   * any of its passes would end the call before the `auto` tier switches the frame).
   */
  let safe = false;
  const leaves = Array.from({ length: LEAVES }, (_, i) => `$f${i}`);
  /** The byte just past the end of the memory at a size it can grow to (mostly 1 page). */
  const edge = () => 65536 * (chance(0.6) ? 1 : 1 + pick(4));
  /** An i32 expression over `vars`, at most `depth` deep. */
  const expr = (vars: readonly string[], depth: number): string => {
    // Drawn only with `refs`: the modules of seeds without it stay as they were.
    if (f.refs && !safe && chance(0.1)) return refExpr(vars);
    if (f.mem64 && chance(0.05)) return mem64Expr(vars);
    if (depth <= 0 || chance(0.3)) {
      return chance(0.5) ? `(local.get ${vars[pick(vars.length)]})` : `(i32.const ${int32()})`;
    }
    const a = expr(vars, depth - 1), b = expr(vars, depth - 1);
    const r = rand();
    if (r < 0.4) {
      const op = ["add", "sub", "mul", "xor", "and", "or", "shl", "shr_u", "rotl", "eq", "lt_u"][
        pick(11)
      ];
      return `(i32.${op} ${a} ${b})`;
    }
    if (r < 0.48) return `(i32.div_u ${a} (i32.or ${b} (i32.const 1)))`;
    if (r < 0.49) {
      return safe ? `(i32.rem_s ${a} (i32.or ${b} (i32.const 1)))` : `(i32.rem_s ${a} ${b})`; // may trap: divisor 0
    }
    if (r < 0.65) return `(i32.load (i32.and ${a} (i32.const 0xfffc)))`;
    if (r < 0.653 && !safe) return `(i32.load offset=65532 ${a})`; // may trap: out of bounds
    if (r < 0.69) {
      if (!f.memEdge || safe) return `(global.get $g)`;
      // The last bytes of a page the memory may have grown to (in bounds or not), an offset
      // near 2^32 (never in bounds), or an address near 2^32.
      const s = rand();
      const [load, width] = [
        ["i32.load8_u", 1],
        ["i32.load16_s", 2],
        ["i32.load", 4],
        ["i64.load", 8],
        ["i64.load32_u", 4],
      ][pick(5)] as [string, number];
      const wrap = (e: string) => load.startsWith("i64") ? `(i32.wrap_i64 ${e})` : e;
      if (s < 0.85) {
        return wrap(`(${load} offset=${edge() - width - pick(3)} (i32.and ${a} (i32.const 3)))`);
      }
      if (s < 0.93) {
        return wrap(`(${load} offset=${2 ** 32 - 1 - pick(9)} (i32.and ${a} (i32.const 3)))`);
      }
      return wrap(`(${load} (i32.or ${a} (i32.const 0xfffffff0)))`);
    }
    if (r < 0.74) return f.memEdge ? `(memory.size)` : `(global.get $g)`;
    if (r < 0.8) return `(global.get $g)`;
    if (r < 0.83 && f.host && !safe) return `(call $h ${a})`; // may trap: the host throws
    if (r < 0.88 && f.gc && !safe) {
      const s = rand();
      if (s < 0.4) return `(array.get $arr (global.get $ga) (i32.and ${a} (i32.const 7)))`;
      if (s < 0.55) return `(array.len (global.get $ga))`;
      if (s < 0.8) return `(struct.get $s 0 (global.get $gs))`;
      return `(i32.wrap_i64 (struct.get $s 1 (global.get $gs)))`;
    }
    if (r < 0.95 && f.simd && (!f.wide || chance(0.5))) return lanes(a, b, depth);
    if (r < 0.95 && f.wide) return wide(a, b, depth);
    return `(select ${a} ${b} ${expr(vars, depth - 1)})`;
  };
  /** An i64 expression over the i32s `a` and `b` and the local `$w`, at most `depth` deep. */
  const i64 = (a: string, b: string, depth: number): string => {
    if (depth <= 0 || chance(0.25)) {
      const s = rand();
      if (s < 0.3) return `(i64.extend_i32_s ${a})`;
      if (s < 0.5) return `(i64.extend_i32_u ${b})`;
      if (s < 0.7) return `(local.get $w)`;
      if (s < 0.8) return `(i64.load (i32.and ${a} (i32.const 0xfff8)))`;
      return `(i64.const ${BigInt.asIntN(64, BigInt(int32()) << 32n | BigInt(int32() >>> 0))})`;
    }
    const x = i64(a, b, depth - 1), y = i64(b, a, depth - 1);
    const r = rand();
    if (r < 0.5) {
      const op = [
        "add",
        "sub",
        "mul",
        "and",
        "or",
        "xor",
        "shl",
        "shr_s",
        "shr_u",
        "rotl",
        "rotr",
      ][pick(11)];
      return `(i64.${op} ${x} ${y})`;
    }
    if (r < 0.6) {
      const op = ["clz", "ctz", "popcnt", "extend8_s", "extend16_s", "extend32_s"][pick(6)];
      return `(i64.${op} ${x})`;
    }
    if (r < 0.7) return `(i64.div_u ${x} (i64.or ${y} (i64.const 1)))`;
    if (r < 0.73 && !safe) return `(i64.${["div_s", "rem_s", "rem_u"][pick(3)]} ${x} ${y})`; // may trap
    if (r < 0.75 && !safe) return `(i64.div_s ${x} (i64.const -1))`; // traps on -2^63
    if (r < 0.85) return `(i64.trunc_sat_f64_s ${f64(a, b, depth - 1)})`;
    if (r < 0.9 && f.nanBits) return `(i64.reinterpret_f64 ${f64(a, b, depth - 1)})`;
    return `(select ${x} ${y} ${a})`;
  };
  /** An f64 expression over the i32s `a` and `b`, at most `depth` deep. */
  const f64 = (a: string, b: string, depth: number): string => {
    if (depth <= 0 || chance(0.3)) {
      const s = rand();
      if (s < 0.4) return `(f64.convert_i32_s ${a})`;
      if (s < 0.6) return `(f64.convert_i64_u ${i64(a, b, 0)})`;
      if (s < 0.8) return `(f64.reinterpret_i64 ${i64(b, a, 0)})`;
      return `(f64.promote_f32 (f32.reinterpret_i32 ${b}))`;
    }
    const x = f64(a, b, depth - 1), y = f64(b, a, depth - 1);
    const r = rand();
    if (r < 0.5) {
      return `(f64.${["add", "sub", "mul", "div", "min", "max", "copysign"][pick(7)]} ${x} ${y})`;
    }
    if (r < 0.8) {
      return `(f64.${["sqrt", "nearest", "floor", "ceil", "trunc", "abs", "neg"][pick(7)]} ${x})`;
    }
    if (r < 0.9) return `(f64.promote_f32 (f32.sqrt (f32.demote_f64 ${x})))`;
    return `(f64.promote_f32 (f32.${["add", "mul", "div", "min"][pick(4)]} (f32.demote_f64 ${x}) ` +
      `(f32.demote_f64 ${y})))`;
  };
  /** An i32 from i64 and f64 arithmetic over the i32s `a` and `b`. */
  const wide = (a: string, b: string, depth: number): string => {
    const r = rand();
    if (r < 0.3) return `(i32.wrap_i64 ${i64(a, b, depth)})`;
    if (r < 0.4) return `(i32.wrap_i64 (i64.shr_u ${i64(a, b, depth)} (i64.const 32)))`;
    if (r < 0.5) {
      return `(i64.${["eq", "lt_s", "gt_u", "le_s"][pick(4)]} ${i64(a, b, 1)} ${i64(b, a, 1)})`;
    }
    if (r < 0.55) return `(i64.eqz ${i64(a, b, depth)})`;
    if (r < 0.75) return `(i32.trunc_sat_f64_s ${f64(a, b, depth)})`;
    if (r < 0.8 && !safe) return `(i32.trunc_f64_u ${f64(a, b, depth)})`; // may trap
    if (r < 0.9) {
      return `(f64.${["eq", "lt", "ge", "ne"][pick(4)]} ${f64(a, b, 1)} ${f64(b, a, 1)})`;
    }
    if (f.nanBits) return `(i32.reinterpret_f32 (f32.demote_f64 ${f64(a, b, depth)}))`;
    return `(i32.trunc_sat_f32_u (f32.demote_f64 ${f64(a, b, depth)}))`;
  };
  /** A lane index below `n`. */
  const lane = (n: number) => pick(n);
  /** Memory accesses of 16 bytes or fewer, at most at 0xfff0 (the first page is always there). */
  const low = (a: string) => `(i32.and ${a} (i32.const 0xfff0))`;
  /**
   * `x`, a v128 of float lanes made by arithmetic: as it is with `nanBits`, else with its NaN
   * lanes cleared (their bits are nondeterministic in the spec; the rest are not).
   */
  const floats = (shape: "f32x4" | "f64x2", x: string) =>
    f.nanBits ? x : `(v128.and (${shape}.eq (local.tee $vt ${x}) (local.get $vt)) (local.get $vt))`;
  /** A v128 expression over the i32s `a` and `b` and the local `$v`, at most `depth` deep. */
  const vec = (a: string, b: string, depth: number): string => {
    if (depth <= 0 || chance(0.25)) {
      const s = rand();
      if (s < 0.2) return `(local.get $v)`;
      if (s < 0.3) {
        return `(v128.const i32x4 ${int32()} ${int32()} ${int32()} ${int32()})`;
      }
      if (s < 0.5) {
        const [shape, value] = [
          ["i8x16", a],
          ["i16x8", a],
          ["i32x4", a],
          ["i64x2", `(i64.extend_i32_s ${a})`],
          ["f32x4", `(f32.reinterpret_i32 ${a})`], // a NaN's bits are moved, never changed
          ["f64x2", `(f64.convert_i32_s ${a})`],
        ][pick(6)]!;
        return `(${shape}.splat ${value})`;
      }
      if (s < 0.65) return `(v128.load ${low(b)})`;
      if (s < 0.8) {
        const load = [
          "v128.load8x8_s",
          "v128.load16x4_u",
          "v128.load32x2_s",
          "v128.load32_zero",
          "v128.load64_zero",
          "v128.load8_splat",
          "v128.load64_splat",
        ][pick(7)];
        return `(${load} ${low(b)})`;
      }
      if (s < 0.97 || safe || !f.memEdge) {
        return `(v128.load${[8, 16, 32, 64][pick(4)]}_lane ${lane(2)} ${low(a)} (local.get $v))`;
      }
      // At the bounds edge: the last bytes of a page the memory may have grown to (in bounds
      // or straddling the end), or an offset near 2^32.
      const [load, width] = [
        ["v128.load", 16],
        ["v128.load64_splat", 8],
        ["v128.load32x2_u", 8],
        ["v128.load32_zero", 4],
      ][pick(4)] as [string, number];
      const offset = chance(0.85) ? edge() - width - pick(3) + 1 : 2 ** 32 - 1 - pick(17);
      return `(${load} offset=${offset} (i32.and ${a} (i32.const 1)))`;
    }
    const x = vec(a, b, depth - 1), y = vec(b, a, depth - 1);
    const r = rand();
    if (r < 0.3) {
      const op = [
        "v128.and",
        "v128.or",
        "v128.xor",
        "v128.andnot",
        "i8x16.add",
        "i8x16.sub_sat_u",
        "i8x16.add_sat_s",
        "i8x16.min_u",
        "i8x16.max_s",
        "i8x16.avgr_u",
        "i8x16.eq",
        "i8x16.lt_s",
        "i8x16.narrow_i16x8_s",
        "i8x16.swizzle",
        "i16x8.add",
        "i16x8.mul",
        "i16x8.q15mulr_sat_s",
        "i16x8.extmul_low_i8x16_s",
        "i16x8.gt_u",
        "i16x8.narrow_i32x4_u",
        "i32x4.add",
        "i32x4.sub",
        "i32x4.mul",
        "i32x4.min_s",
        "i32x4.max_u",
        "i32x4.le_s",
        "i32x4.dot_i16x8_s",
        "i32x4.extmul_high_i16x8_u",
        "i64x2.add",
        "i64x2.sub",
        "i64x2.mul",
        "i64x2.eq",
        "i64x2.lt_s",
        "i64x2.extmul_low_i32x4_s",
        "f32x4.eq",
        "f32x4.lt",
        "f32x4.ge",
        "f64x2.ne",
        "f64x2.le",
      ][pick(39)];
      return `(${op} ${x} ${y})`;
    }
    if (r < 0.45) {
      const op = [
        "v128.not",
        "i8x16.abs",
        "i8x16.neg",
        "i8x16.popcnt",
        "i16x8.extend_low_i8x16_s",
        "i16x8.extadd_pairwise_i8x16_u",
        "i32x4.extend_high_i16x8_u",
        "i32x4.extadd_pairwise_i16x8_s",
        "i64x2.abs",
        "i64x2.neg",
        "i64x2.extend_low_i32x4_s",
        "i32x4.trunc_sat_f32x4_s",
        "i32x4.trunc_sat_f32x4_u",
        "i32x4.trunc_sat_f64x2_s_zero",
      ][pick(14)];
      return `(${op} ${x})`;
    }
    if (r < 0.52) {
      const op = ["i8x16.shl", "i16x8.shr_s", "i32x4.shr_u", "i64x2.shl", "i64x2.shr_s"][pick(5)];
      return `(${op} ${x} ${a})`;
    }
    if (r < 0.6) {
      const lanes = Array.from({ length: 16 }, () => pick(32)).join(" ");
      return `(i8x16.shuffle ${lanes} ${x} ${y})`;
    }
    if (r < 0.65) return `(v128.bitselect ${x} ${y} ${vec(a, b, 0)})`;
    if (r < 0.72) {
      const s = rand();
      if (s < 0.3) return `(i8x16.replace_lane ${lane(16)} ${x} ${a})`;
      if (s < 0.6) return `(i32x4.replace_lane ${lane(4)} ${x} ${a})`;
      if (s < 0.8) return `(i64x2.replace_lane ${lane(2)} ${x} (i64.extend_i32_u ${b}))`;
      return `(f32x4.replace_lane ${lane(4)} ${x} (f32.convert_i32_s ${b}))`;
    }
    if (r < 0.86) {
      const shape = chance(0.6) ? "f32x4" : "f64x2";
      const op = ["add", "sub", "mul", "div", "min", "max", "pmin", "pmax"][pick(8)];
      return floats(shape, `(${shape}.${op} ${x} ${y})`);
    }
    if (r < 0.95) {
      const [shape, op] = [
        ["f32x4", "sqrt"],
        ["f32x4", "nearest"],
        ["f32x4", "floor"],
        ["f32x4", "trunc"],
        ["f32x4", "abs"],
        ["f32x4", "neg"],
        ["f64x2", "ceil"],
        ["f64x2", "sqrt"],
        ["f64x2", "nearest"],
        ["f32x4", "convert_i32x4_s"],
        ["f32x4", "convert_i32x4_u"],
        ["f64x2", "convert_low_i32x4_s"],
        ["f32x4", "demote_f64x2_zero"],
        ["f64x2", "promote_low_f32x4"],
      ][pick(14)] as ["f32x4" | "f64x2", string];
      return floats(shape, `(${shape}.${op} ${x})`);
    }
    return `(select ${x} ${y} ${a})`;
  };
  /** An i32 read from a v128 expression over the i32s `a` and `b`. */
  const lanes = (a: string, b: string, depth: number): string => {
    const v = vec(a, b, Math.min(depth, 2));
    const r = rand();
    if (r < 0.2) return `(i32x4.extract_lane ${lane(4)} ${v})`;
    if (r < 0.3) return `(i8x16.extract_lane_s ${lane(16)} ${v})`;
    if (r < 0.4) return `(i16x8.extract_lane_u ${lane(8)} ${v})`;
    if (r < 0.5) return `(i32.wrap_i64 (i64x2.extract_lane ${lane(2)} ${v}))`;
    if (r < 0.58) return `(v128.any_true ${v})`;
    if (r < 0.64) return `(${["i8x16", "i16x8", "i32x4", "i64x2"][pick(4)]}.all_true ${v})`;
    if (r < 0.76) return `(${["i8x16", "i16x8", "i32x4", "i64x2"][pick(4)]}.bitmask ${v})`;
    if (r < 0.88) {
      // A float lane: its bits with `nanBits`, else a saturating conversion (NaN is 0).
      return f.nanBits
        ? `(i32.reinterpret_f32 (f32x4.extract_lane ${lane(4)} ${v}))`
        : `(i32.trunc_sat_f32_s (f32x4.extract_lane ${lane(4)} ${v}))`;
    }
    return `(i32.trunc_sat_f64_u (f64x2.extract_lane ${lane(2)} ${v}))`;
  };
  /** A statement with a v128: into `$v`, or stored (at the bounds edge: it may trap). */
  const vecStmt = (vars: readonly string[]): string => {
    const a = expr(vars, 1), b = expr(vars, 1);
    const s = rand();
    if (s < 0.45) return `(local.set $v ${vec(a, b, 2)})`;
    if (s < 0.65) return `(v128.store ${low(a)} ${vec(a, b, 2)})`;
    if (s < 0.9 || safe || !f.memEdge) {
      return `(v128.store${[8, 16, 32, 64][pick(4)]}_lane ${lane(2)} ${low(b)} ${vec(a, b, 1)})`;
    }
    // Straddling the end or not: a store that traps must write nothing.
    const [store, width, laneIndex] = [
      ["v128.store", 16, ""],
      ["v128.store64_lane", 8, " 1"],
      ["v128.store32_lane", 4, " 3"],
    ][pick(3)] as [string, number, string];
    return `(${store} offset=${
      edge() - width - 1 + pick(3)
    }${laneIndex} (i32.and ${a} (i32.const 1)) ${vec(a, b, 1)})`;
  };
  /** A condition true about a quarter of the time. */
  const rarely = (vars: readonly string[]) => `(i32.eqz (i32.and ${expr(vars, 1)} (i32.const 3)))`;
  /** A typed function reference: a leaf's, null, or one held in a local or the first node. */
  const funcRef = (): string => {
    const s = rand();
    if (s < 0.6) return `(ref.func ${leaves[pick(LEAVES)]})`;
    if (s < 0.7) return `(ref.null $t)`;
    if (s < 0.85) return `(local.get $fn)`;
    return `(struct.get $node 3 (global.get $gn))`; // may trap: no node
  };
  /** An `anyref`: an i31, a node, an array, a field or element holding one, or null. */
  const anyRef = (vars: readonly string[]): string => {
    const s = rand();
    if (s < 0.25) return `(ref.i31 ${expr(vars, 1)})`;
    if (s < 0.4) return `(global.get $gn)`;
    if (s < 0.5) return `(local.get $an)`;
    if (s < 0.6) return `(struct.get $node 2 (global.get $gn))`; // may trap: no node
    if (s < 0.7) {
      // Mostly in bounds (unless empty); else it may trap: an index past its end.
      const mask = chance(0.9)
        ? `(i32.sub (array.len (global.get $gr)) (i32.const 1))`
        : `(i32.const 7)`;
      return `(array.get $rarr (global.get $gr) (i32.and ${expr(vars, 1)} ${mask}))`;
    }
    if (s < 0.8) return `(global.get $ga)`;
    if (s < 0.9) return `(struct.get $node 1 (global.get $gn))`;
    return `(ref.null none)`;
  };
  /** An i32 read from references: fields, casts, tests and branches on casts. */
  const refExpr = (vars: readonly string[]): string => {
    const s = rand();
    const n = uid++;
    if (s < 0.15) return `(struct.get $node 0 (global.get $gn))`; // may trap: no node
    if (s < 0.22) {
      const next = `(struct.get $node 1 (global.get $gn))`;
      if (chance(0.1)) return `(struct.get $node 0 ${next})`; // may trap: the last node
      return `(block $o${n} (result i32)
  (struct.get $node 0 (block $z${n} (result (ref $node))
    (br_on_non_null $z${n} ${next})
    (br $o${n} (i32.const ${int32()})))))`;
    }
    if (s < 0.37) {
      const type = [
        "(ref i31)",
        "(ref $node)",
        "(ref null $node)",
        "(ref $arr)",
        "(ref eq)",
        "(ref struct)",
        "(ref null none)",
        "(ref $rarr)",
      ][pick(8)];
      return `(ref.test ${type} ${anyRef(vars)})`;
    }
    if (s < 0.55) {
      // Mostly tested first; else it may trap: a cast failure, a null i31 or struct.
      const [type, get] = chance(0.5)
        ? ["i31", `i31.get_${chance(0.5) ? "s" : "u"}`]
        : ["$node", "struct.get $node 0"];
      const cast = (x: string) =>
        `(${get} (ref.cast (ref ${chance(0.2) ? "null " : ""}${type}) ${x}))`;
      if (chance(0.1)) return cast(anyRef(vars));
      return `(if (result i32) (ref.test (ref ${type}) (local.tee $an ${anyRef(vars)}))
  (then ${cast("(local.get $an)")}) (else (i32.const ${int32()})))`;
    }
    if (s < 0.68) {
      // To a nullable type, null branches too: what it holds is tested for null, not read.
      const nullable = chance(0.3);
      const read = nullable ? "ref.is_null" : "struct.get $node 0";
      return `(block $o${n} (result i32)
  (${read} (block $k${n} (result (ref null $node))
    (br_on_cast $k${n} anyref (ref ${nullable ? "null " : ""}$node) ${anyRef(vars)})
    (drop)
    (br $o${n} (i32.const ${int32()})))))`;
    }
    if (s < 0.8) {
      return `(block $o${n} (result i32)
  (drop (block $k${n} (result anyref)
    (br $o${n} (i31.get_u (br_on_cast_fail $k${n} anyref (ref i31) ${anyRef(vars)})))))
  (i32.const ${int32()}))`;
    }
    if (s < 0.85) {
      return `(ref.eq (global.get $gn) ${
        chance(0.5)
          ? `(struct.get $node 1 (global.get $gn))`
          : `(ref.cast (ref null eq) ${anyRef(vars)})`
      })`;
    }
    if (s < 0.9) return `(array.len (global.get $gr))`; // may trap: no array
    if (s < 0.95) return `(ref.is_null ${anyRef(vars)})`;
    return `(ref.is_null ${funcRef()})`;
  };
  /** A v128 for an exception's payload. */
  const v128 = (vars: readonly string[]) => {
    const a = expr(vars, 1);
    return f.simd && chance(0.6) ? vec(a, expr(vars, 1), 1) : `(i32x4.splat ${a})`;
  };
  /** A `try_table` catching the tags with a v128 or reference payload, the payload used. */
  const refTry = (ctx: Ctx, depth: number, target: string): string => {
    const n = uid++;
    const body = block(ctx, depth - 1, 2);
    const { vars } = ctx;
    const other = chance(0.3) ? ` (catch_all $d${n})` : "";
    switch (pick(4)) {
      case 0:
        return `(block $d${n}
  (block $c${n} (result v128 i32)
    (try_table (catch $ev $c${n})${other} ${body})
    (br $d${n}))
  (local.set ${target})
  (local.set $ve)
  (local.set ${target} (i32.xor (local.get ${target}) (i32x4.extract_lane ${
          pick(4)
        } (local.get $ve)))))`;
      case 1:
        return `(block $d${n}
  (block $c${n} (result v128 i32 exnref)
    (try_table (catch_ref $ev $c${n})${other} ${body})
    (br $d${n}))
  (local.set $ex)
  (local.set ${target})
  (local.set $ve)
  (local.set ${target} (i32.add (local.get ${target}) (i32.wrap_i64 (i64x2.extract_lane ${
          pick(2)
        } (local.get $ve)))))
  (if ${rarely(vars)} (then (throw_ref (local.get $ex)))))`;
      case 2:
        return `(block $d${n}
  (block $c${n} (result (ref null $t) anyref exnref)
    (try_table (catch_ref $ef $c${n})${other} ${body})
    (br $d${n}))
  (local.set $ex)
  (local.set $an)
  (local.set $fn)
  (if ${rarely(vars)} (then (throw_ref (local.get $ex)))))`;
      default: {
        const use = ctx.calls
          ? `(call_ref $t (local.get ${target}) (ref.test (ref i31) (local.get $an)) (local.get $fn))` // may trap: null
          : `(i32.add (local.get ${target}) (ref.is_null (local.get $fn)))`;
        return `(block $d${n}
  (block $c${n} (result (ref null $t) anyref)
    (try_table (catch $ef $c${n})${other} ${body})
    (br $d${n}))
  (local.set $an)
  (local.set $fn)
  (local.set ${target} ${use}))`;
      }
    }
  };
  /**
   * The list from `$gn` walked (at most a few dozen nodes: a `struct.set` may have made a
   * cycle), each node's value read and written, its function called through `call_ref`.
   */
  const walk = (target: string): string => {
    const m = uid++;
    return `(local.set $nd (global.get $gn))
(local.set $k9 (i32.const 0))
(block $wb${m} (loop $wl${m}
  (br_if $wb${m} (ref.is_null (local.get $nd)))
  (local.set ${target} (i32.add (local.get ${target}) (struct.get $node 0 (local.get $nd))))
  (struct.set $node 0 (local.get $nd)
    (i32.add (struct.get $node 0 (local.get $nd)) (local.get ${target})))
  (if (i32.eqz (ref.is_null (struct.get $node 3 (local.get $nd)))) (then
    (local.set ${target} (call_ref $t (local.get ${target}) (local.get $k9)
      (struct.get $node 3 (local.get $nd))))))
  (local.set $nd (struct.get $node 1 (local.get $nd)))
  (br_if $wl${m} (i32.lt_u (local.tee $k9 (i32.add (local.get $k9) (i32.const 1)))
    (i32.const ${8 + pick(56)})))))`;
  };
  /** An access of `width` bytes to the i64-indexed memory: `offset=... address`, drawn. */
  const at64 = (vars: readonly string[], width: number): string => {
    const a = expr(vars, 1);
    const s = rand();
    if (s < 0.75 || safe) {
      return `offset=${pick(16)} (i64.extend_i32_u (i32.and ${a} (i32.const 0xffe0)))`;
    }
    if (s < 0.93) {
      // The last bytes of a page it may have grown to: in bounds or straddling the end.
      const edge = 65536 * (1 + pick(3));
      return `offset=${edge - width - pick(3) + 1} (i64.extend_i32_u (i32.and ${a} (i32.const 1)))`;
    }
    // Past 2^32 by the offset (a 64-bit immediate), or an address near 2^64 (the sum wraps).
    if (s < 0.97) return `offset=${2 ** 32 + pick(65536)} (i64.extend_i32_u ${a})`;
    return `offset=${pick(16)} (i64.or (i64.extend_i32_s ${a}) (i64.const 0x7fffffff00000000))`;
  };
  /** An i32 read from the i64-indexed memory (see `Features.mem64`). */
  const mem64Expr = (vars: readonly string[]): string => {
    if (chance(0.15)) return `(i32.wrap_i64 (memory.size $m64))`;
    const [load, width] = [
      ["i32.load", 4],
      ["i32.load8_s", 1],
      ["i32.load16_u", 2],
      ["i64.load", 8],
      ["i64.load32_s", 4],
    ][pick(5)] as [string, number];
    const access = `(${load} $m64 ${at64(vars, width)})`;
    return load.startsWith("i64") ? `(i32.wrap_i64 ${access})` : access;
  };
  /** A statement on the i64-indexed memory (see `Features.mem64`). */
  const mem64Stmt = (vars: readonly string[]): string => {
    const target = vars[2 + pick(vars.length - 2)]!;
    const s = rand();
    const len = (mask: number) => `(i32.and ${expr(vars, 1)} (i32.const ${mask}))`;
    const len64 = (mask: number) => `(i64.extend_i32_u ${len(mask)})`;
    if (s < 0.5) {
      const [store, width] = [
        ["i32.store", 4],
        ["i32.store8", 1],
        ["i64.store", 8],
        ["i64.store16", 2],
      ][pick(4)] as [string, number];
      const value = store.startsWith("i64") ? `(i64.extend_i32_s ${expr(vars, 1)})` : expr(vars, 1);
      return `(${store} $m64 ${at64(vars, width)} ${value})`;
    }
    if (s < 0.65) {
      // Grows by 0 or 1 page, up to the maximum of 3 (then -1).
      return `(local.set ${target} (i32.wrap_i64 (memory.grow $m64 ${len64(1)})))`;
    }
    // Near the end of the first page: past it unless the memory grew (then a trap, nothing
    // written).
    if (s < 0.8) return `(memory.fill $m64 ${len64(0xffff)} ${expr(vars, 1)} ${len64(0x3f)})`;
    if (s < 0.9) return `(memory.copy $m64 $m64 ${len64(0xffff)} ${len64(0xffff)} ${len64(0x7f)})`;
    // From the first memory (i32-indexed): the length is an i32.
    return `(memory.copy $m64 0 ${len64(0xffff)} ${len(0xffff)} ${len(0x7f)})`;
  };
  /** A statement on references (see `Features.refs`). */
  const refStmt = (ctx: Ctx, depth: number): string => {
    const { vars } = ctx;
    const target = vars[2 + pick(vars.length - 2)]!;
    if (f.exceptions && chance(0.25)) {
      const t = rand();
      if (t < 0.5) return refTry(ctx, depth, target);
      if (t < 0.75) return `(if ${rarely(vars)} (then (throw $ev ${v128(vars)} ${expr(vars, 1)})))`;
      return `(if ${rarely(vars)} (then (throw $ef ${funcRef()} ${anyRef(vars)})))`;
    }
    const s = rand();
    if (s < 0.2) {
      return `(global.set $gn (struct.new $node ${expr(vars, 1)} (global.get $gn) ${
        anyRef(vars)
      } ${funcRef()}))`;
    }
    if (s < 0.27) {
      // Unlinks the second node, makes a cycle of one, or ends the list (may trap: no node).
      const next = [
        `(struct.get $node 1 (struct.get $node 1 (global.get $gn)))`,
        `(global.get $gn)`,
        `(ref.null $node)`,
      ][pick(3)];
      return `(struct.set $node 1 (global.get $gn) ${next})`;
    }
    if (s < 0.34) return `(struct.set $node 2 (global.get $gn) ${anyRef(vars)})`;
    if (s < 0.4) return `(struct.set $node 3 (global.get $gn) ${funcRef()})`;
    if (s < 0.48) {
      return `(global.set $gr (array.new $rarr ${anyRef(vars)} (i32.and ${
        expr(vars, 1)
      } (i32.const 7))))`;
    }
    if (s < 0.55) {
      return `(array.set $rarr (global.get $gr) (i32.and ${expr(vars, 1)} (i32.const 7)) ${
        anyRef(vars)
      })`;
    }
    if (s < 0.6) {
      return `(array.fill $rarr (global.get $gr) (i32.and ${expr(vars, 1)} (i32.const 3)) ${
        anyRef(vars)
      } (i32.and ${expr(vars, 1)} (i32.const 3)))`;
    }
    if (s < 0.65) return `(local.set $an ${anyRef(vars)})`;
    if (s < 0.7) return `(local.set $fn ${funcRef()})`;
    if (s < 0.78 && ctx.calls) return walk(target);
    if (s < 0.84 && ctx.calls) {
      const call = (f: string) => `(call_ref $t ${expr(vars, 1)} ${expr(vars, 1)} ${f})`;
      // Mostly tested for null first; else it may trap: a null function reference.
      if (chance(0.1)) return `(local.set ${target} ${call(funcRef())})`;
      return `(if (i32.eqz (ref.is_null (local.tee $fn ${funcRef()})))
  (then (local.set ${target} ${call("(local.get $fn)")})))`;
    }
    return `(local.set ${target} ${refExpr(vars)})`;
  };
  /**
   * Enough nodes for a collection while references live in fields, locals and an array: the
   * list is cut every 64 nodes, each node's `anyref` field holds the previous node (keeping
   * a short chain alive) or an i31, every 128th node goes into a new array of `anyref`.
   */
  const nodeLoop = (vars: readonly string[]) => {
    const m = uid++;
    return `(local.set $k9 (i32.const ${2048 + pick(4096)}))
(loop $nl${m}
  (local.set $nd (global.get $gn))
  (global.set $gn (struct.new $node (i32.add (local.get $k9) ${expr(vars, 1)}) (local.get $nd)
    (if (result anyref) (i32.and (local.get $k9) (i32.const 2))
      (then (local.get $nd)) (else (ref.i31 (local.get $k9))))
    (if (result (ref null $t)) (i32.and (local.get $k9) (i32.const 1))
      (then (ref.func ${leaves[pick(LEAVES)]})) (else (ref.null $t)))))
  (if (i32.eqz (i32.and (local.get $k9) (i32.const 63))) (then
    (struct.set $node 1 (global.get $gn) (ref.null $node))))
  (if (i32.eqz (i32.and (local.get $k9) (i32.const 127))) (then
    (global.set $gr (array.new $rarr (global.get $gn) (i32.const 3)))))
  (br_if $nl${m} (local.tee $k9 (i32.sub (local.get $k9) (i32.const 1)))))`;
  };
  /** Where a statement is generated. */
  interface Ctx {
    readonly vars: readonly string[];
    readonly calls: boolean;
    /** Whether a tail call may end the function midway (in `run`: nothing calls it back). */
    readonly tails?: boolean;
  }
  /** A `try_table` statement around a block of `depth - 1`, of a catch kind drawn. */
  const tryStmt = (ctx: Ctx, depth: number, target: string): string => {
    const n = uid++;
    const body = block(ctx, depth - 1, 2);
    const { vars } = ctx;
    switch (pick(4)) {
      case 0: {
        const all = chance(0.5);
        return `(block $d${n}
  (block $a${n}
    (local.set ${target}
      (block $c${n} (result i32)
        (try_table (catch $e $c${n})${all ? ` (catch_all $a${n})` : ""}
          ${body})
        (br $d${n})))
    (br $d${n}))
  (local.set ${target} (i32.const ${int32()})))`;
      }
      case 1:
        return `(block $d${n}
  (block $c${n} (result i32 exnref)
    (try_table (catch_ref $e $c${n}) ${body})
    (br $d${n}))
  (local.set $ex)
  (local.set ${target})
  (if ${rarely(vars)} (then (throw_ref (local.get $ex)))))`;
      case 2:
        return `(block $d${n}
  (block $c${n} (result exnref)
    (try_table (catch_all_ref $c${n}) ${body})
    (br $d${n}))
  (local.set $ex)
  (if ${rarely(vars)} (then (throw_ref (local.get $ex)))))`;
      default:
        // Only the tag without a payload is caught: the other passes through.
        return `(block $d${n}
  (block $c${n}
    (try_table (catch $e0 $c${n}) ${body})
    (br $d${n}))
  (local.set ${target} (i32.add (local.get ${target}) (i32.const 1))))`;
    }
  };
  /**
   * Enough allocations for a collection (`GC_COLLECT_MIN`) while references live in locals:
   * the previous array is kept and read after each new one is made.
   */
  const gcLoop = (vars: readonly string[]) => {
    const m = uid++;
    return `(local.set $i9 (i32.const ${4096 + pick(4096)}))
(loop $gc${m}
  (local.set $r2 (local.get $r))
  (local.set $r (array.new $arr (local.get $i9) (i32.and ${expr(vars, 1)} (i32.const 7))))
  (if (i32.eqz (ref.is_null (local.get $r2))) (then
    (if (array.len (local.get $r2)) (then
      (array.set $arr (local.get $r) (i32.const 0)
        (i32.add (array.get $arr (local.get $r2) (i32.const 0)) (local.get $i9)))))))
  (br_if $gc${m} (local.tee $i9 (i32.sub (local.get $i9) (i32.const 1)))))
(global.set $ga (local.get $r))`;
  };
  /** Statements over `ctx.vars` (writable: those from index 2 on), nesting at most `depth`. */
  const block = (ctx: Ctx, depth: number, n: number): string => {
    const { vars, calls } = ctx;
    const out: string[] = [];
    for (let k = 0; k < n; k++) {
      if (f.mem64 && !safe && chance(0.06)) {
        out.push(mem64Stmt(vars));
        continue;
      }
      if (f.refs && !safe && chance(0.15)) {
        out.push(refStmt(ctx, depth));
        continue;
      }
      const r = rand();
      const target = vars[2 + pick(vars.length - 2)]!;
      if (r < 0.22 || depth <= 0) out.push(`(local.set ${target} ${expr(vars, 2)})`);
      else if (r < 0.32) {
        out.push(
          `(if ${expr(vars, 2)} (then ${block(ctx, depth - 1, 2)})${
            chance(0.6) ? ` (else ${block(ctx, depth - 1, 2)})` : ""
          })`,
        );
      } else if (r < 0.44) {
        // A counted loop: at most 7 iterations, or a count drawn from the arguments.
        const i = `$i${depth}`, m = uid++;
        const bound = chance(0.5)
          ? `(i32.const ${pick(8)})`
          : `(i32.and (local.get ${vars[pick(2)]}) (i32.const 15))`;
        out.push(`(local.set ${i} (i32.const 0))
(block $b${m} (loop $l${m}
  (br_if $b${m} (i32.ge_u (local.get ${i}) ${bound}))
  ${block(ctx, depth - 1, 2)}
  (local.set ${i} (i32.add (local.get ${i}) (i32.const 1)))
  (br $l${m})))`);
      } else if (r < 0.5) {
        // A do-while loop: the body first, then the branch back (1 to 7 iterations).
        const i = `$i${depth}`, m = uid++;
        out.push(`(local.set ${i} (i32.and ${expr(vars, 1)} (i32.const 7)))
(loop $l${m}
  ${block(ctx, depth - 1, 2)}
  (br_if $l${m} (i32.gt_s (local.tee ${i} (i32.sub (local.get ${i}) (i32.const 1)))
    (i32.const 0))))`);
      } else if (r < 0.54) {
        // A counted loop as the code generator strip-mines it under fuel: its back edge adds a
        // step to the counter and compares it with a bound (immediate or a local the loop does
        // not write), the body mostly free of calls.
        const i = `$i${depth}`, n = `$n${depth}`, m = uid++;
        const step = 1 + pick(3);
        const limit = depth >= 2 ? 0x3ff : 15;
        const s = rand();
        const [cmp, bound] = s < 0.4
          ? ["lt_u", chance(0.5) ? `(i32.const ${pick(limit)})` : `(local.get ${n})`]
          : s < 0.7
          ? ["le_u", chance(0.5) ? `(i32.const ${pick(limit)})` : `(local.get ${n})`]
          : [
            "ne",
            step === 1 && chance(0.5)
              ? `(local.get ${n})`
              : `(i32.const ${step * (1 + pick(limit >> 2))})`,
          ];
        out.push(
          `(local.set ${n} (i32.or (i32.and ${expr(vars, 1)} (i32.const ${limit})) (i32.const 1)))
(local.set ${i} (i32.const 0))
(loop $l${m}
  ${block({ ...ctx, calls: calls && chance(0.2) }, depth - 1, 2)}
  (br_if $l${m} (i32.${cmp} (local.tee ${i} (i32.add (local.get ${i}) (i32.const ${step}))) ${bound})))`,
        );
      } else if (r < 0.555) {
        // A br_table into nested blocks, each leaving some statements out (its index may be
        // past the targets: the default).
        const m = uid++;
        out.push(`(block $x${m}a (block $x${m}b (block $x${m}c
  (br_table $x${m}c $x${m}b $x${m}a $x${m}${chance(0.5) ? "c" : "a"} (i32.and ${
          expr(vars, 1)
        } (i32.const 7))))
  ${block(ctx, depth - 1, 1)})
  ${block(ctx, depth - 1, 1)})`);
      } else if (r < 0.57) {
        out.push(`(i32.store (i32.and ${expr(vars, 1)} (i32.const 0xfffc)) ${expr(vars, 2)})`);
      } else if (r < 0.6) out.push(`(global.set $g ${expr(vars, 2)})`);
      else if (r < 0.62 && f.wide) {
        out.push(`(local.set $w ${i64(expr(vars, 1), expr(vars, 1), 2)})`);
      } else if (r < 0.64 && f.simd) out.push(vecStmt(vars));
      else if (safe) {
        // Nothing below is trap-free; a call of `$u0` is (a call in the long loop's body).
        out.push(
          calls && chance(0.4)
            ? `(local.set ${target} (call $u0 ${expr(vars, 2)}))`
            : `(local.set ${target} ${expr(vars, 2)})`,
        );
      } else if (r < 0.65 && f.memEdge) {
        const s = rand();
        if (s < 0.4) {
          // Grows by 0 or 1 page, up to the maximum of 4 (then -1).
          out.push(`(local.set ${target} (memory.grow (i32.and ${expr(vars, 1)} (i32.const 1))))`);
        } else {
          const [store, width] = [
            ["i32.store8", 1],
            ["i32.store16", 2],
            ["i32.store", 4],
            ["i64.store", 8],
          ][pick(4)] as [string, number];
          const value = store.startsWith("i64")
            ? `(i64.extend_i32_s ${expr(vars, 1)})`
            : expr(vars, 1);
          // A store that may straddle the end: it must write nothing then.
          out.push(
            `(${store} offset=${edge() - width - 1 + pick(3)} (i32.and ${
              expr(vars, 1)
            } (i32.const 1)) ${value})`,
          );
        }
      } else if (r < 0.72 && f.exceptions) {
        const s = rand();
        if (s < 0.55) out.push(tryStmt(ctx, depth, target));
        else if (s < 0.8) out.push(`(if ${rarely(vars)} (then (throw $e ${expr(vars, 1)})))`);
        else if (s < 0.92) out.push(`(if ${rarely(vars)} (then (throw $e0)))`);
        else out.push(`(if ${rarely(vars)} (then (throw_ref (local.get $ex))))`); // may be null
      } else if (r < 0.78 && f.gc) {
        const s = rand();
        if (s < 0.3) {
          out.push(
            `(global.set $ga (array.new $arr ${expr(vars, 1)} (i32.and ${
              expr(vars, 1)
            } (i32.const 15))))`,
          );
        } else if (s < 0.6) {
          out.push(
            `(array.set $arr (global.get $ga) (i32.and ${expr(vars, 1)} (i32.const 15)) ${
              expr(vars, 1)
            })`,
          );
        } else if (s < 0.8) {
          out.push(
            `(global.set $gs (struct.new $s ${expr(vars, 1)} (i64.extend_i32_s ${expr(vars, 1)})))`,
          );
        } else out.push(`(struct.set $s 0 (global.get $gs) ${expr(vars, 1)})`);
      } else if (ctx.tails && f.gc && r < 0.79) out.push(gcLoop(vars));
      else if (ctx.tails && r < 0.8) {
        // Inside loops and `try_table`s too: the frame goes, and its handlers with it.
        out.push(`(if ${rarely(vars)} (then ${tail()}))`);
      } else if (calls && r < 0.85) {
        out.push(
          `(local.set ${target} (call ${leaves[pick(LEAVES)]} ${expr(vars, 1)} ${expr(vars, 1)}))`,
        );
      } else if (calls && r < 0.9) {
        out.push(
          `(local.set ${target} (call $rec (i32.and ${expr(vars, 1)} (i32.const ${
            chance(0.7) ? 255 : 2047
          })) ${expr(vars, 1)}))`,
        );
      } else if (calls) {
        // Masked into the leaves, or into the table (its element 4 has another type, the
        // rest are null), or not at all (out of the table).
        const s = rand();
        const index = s < 0.8
          ? `(i32.and ${expr(vars, 1)} (i32.const ${LEAVES - 1}))`
          : s < 0.95
          ? `(i32.and ${expr(vars, 1)} (i32.const ${TABLE - 1}))`
          : expr(vars, 1);
        out.push(
          `(local.set ${target} (call_indirect (type $t) ${expr(vars, 1)} ${
            expr(vars, 1)
          } ${index}))`,
        );
      } else out.push(`(local.set ${target} ${expr(vars, 1)})`);
    }
    return out.join("\n");
  };
  const vars = ["$a", "$b", "$x", "$y"];
  const locals = "(param $a i32) (param $b i32) (result i32) " +
    "(local $x i32) (local $y i32) (local $i0 i32) (local $i1 i32) (local $i2 i32) " +
    "(local $i3 i32) (local $i9 i32) (local $ex exnref) (local $w i64) " +
    "(local $n1 i32) (local $n2 i32) (local $n3 i32) (local $r (ref null $arr)) " +
    "(local $r2 (ref null $arr))" + (f.simd ? " (local $v v128) (local $vt v128)" : "") +
    (f.refs
      ? " (local $nd (ref null $node)) (local $an anyref) (local $fn (ref null $t)) " +
        "(local $ve v128) (local $k9 i32)"
      : "");
  const tail = () =>
    f.refs && chance(0.2)
      ? `(return_call_ref $t ${expr(vars, 1)} ${expr(vars, 1)} ${funcRef()})`
      : chance(0.5)
      ? `(return_call ${leaves[pick(LEAVES)]} ${expr(vars, 1)} ${expr(vars, 1)})`
      : `(return_call_indirect (type $t) ${expr(vars, 1)} ${expr(vars, 1)} (i32.and ${
        expr(vars, 1)
      } (i32.const ${chance(0.85) ? LEAVES - 1 : TABLE - 1})))`;
  const leafCtx: Ctx = { vars, calls: false };
  const funcs = leaves.map((name) =>
    `(func ${name} (type $t) ${locals}
${block(leafCtx, 2, 3)}
(i32.xor (local.get $x) ${expr(vars, 2)}))`
  );
  // A function of another type in the table (element 4).
  funcs.push(`(func $u0 (param $a i32) (result i32) (i32.add (local.get $a) (i32.const 1)))`);
  // Recursion: each frame adds its depth; the bottom may throw.
  funcs.push(`(func $rec (type $t) ${locals}
(if (result i32) (i32.eqz (local.get $a))
  (then ${
    f.exceptions && chance(0.5)
      ? `(if (i32.eqz (i32.and (local.get $b) (i32.const 7))) (then (throw $e (local.get $b))))`
      : ""
  } (local.get $b))
  (else (i32.add (call $rec (i32.sub (local.get $a) (i32.const 1))
    (i32.add (local.get $b) (local.get $a))) (i32.const 1)))))`);
  // Functions that do a little and tail-call a leaf.
  funcs.push(`(func $t0 (type $t) ${locals}
${block(leafCtx, 1, 2)}
${tail()})`);
  funcs.push(`(func $t1 (type $t) ${locals}
${block(leafCtx, 2, 2)}
(return_call $t0 ${expr(vars, 1)} ${expr(vars, 1)}))`);
  const runCtx: Ctx = { vars, calls: true, tails: true };
  /** A loop long enough for the `auto` tier to switch `run` to generated code, trap-free. */
  const longLoop = () => {
    safe = true;
    const body = block({ vars, calls: chance(0.5) }, 1, 3);
    safe = false;
    return `(local.set $i9 (i32.const ${1000 + pick(300)}))
(loop $long
  ${body}
  (br_if $long (local.tee $i9 (i32.sub (local.get $i9) (i32.const 1)))))`;
  };
  const long = f.longLoop ? longLoop() : "";
  const end = chance(0.3)
    ? `(i32.add (local.get $x) (local.get $y))`
    : chance(0.5)
    ? `(return_call ${chance(0.5) ? "$t0" : "$t1"} ${expr(vars, 1)} ${expr(vars, 1)})`
    : tail();
  return `(module
  (type $t (func (param i32 i32) (result i32)))
  (type $arr (array (mut i32)))
  (type $s (struct (field (mut i32)) (field (mut i64))))${
    f.refs
      ? `
  (type $node (struct (field (mut i32)) (field (mut (ref null $node))) (field (mut anyref))
    (field (mut (ref null $t)))))
  (type $rarr (array (mut anyref)))
  (tag $ev (export "ev") (param v128 i32))
  (tag $ef (export "ef") (param (ref null $t) anyref))`
      : ""
  }
  (import "env" "h" (func $h (param i32) (result i32)))
  (tag $e (export "e") (param i32))
  (tag $e0 (export "e0"))
  (memory (export "mem") 1 4)${
    f.mem64
      ? `
  (memory $m64 (export "mem64") i64 1 3)`
      : ""
  }
  (global $g (export "g") (mut i32) (i32.const 0))
  (global $ga (mut (ref null $arr)) (ref.null $arr))
  (global $gs (mut (ref null $s)) (ref.null $s))${
    f.refs
      ? `
  (global $gn0 (ref $node)
    (struct.new $node (i32.const 7) (ref.null $node) (ref.i31 (i32.const -3)) (ref.func $f0)))
  (global $gn (mut (ref null $node))
    (struct.new $node (i32.const 9) (global.get $gn0) (global.get $gn0) (ref.null $t)))
  (global $gr (mut (ref null $rarr)) (array.new $rarr (ref.i31 (i32.const 5)) (i32.const 6)))`
      : ""
  }
  (table ${TABLE} funcref)
  (elem (i32.const 0) ${leaves.join(" ")} $u0)
  ${funcs.join("\n  ")}
  (func (export "state") (result i32) (local $k i32) (local $acc i32)${
    f.refs ? " (local $nd (ref null $node))" : ""
  }
    (if (i32.eqz (ref.is_null (global.get $gs)))
      (then (local.set $acc (i32.add (struct.get $s 0 (global.get $gs))
        (i32.wrap_i64 (i64.rotl (struct.get $s 1 (global.get $gs)) (i64.const 7)))))))
${f.refs ? REFS_STATE : ""}
    (if (ref.is_null (global.get $ga)) (then (return (i32.xor (local.get $acc) (i32.const -1)))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $k) (array.len (global.get $ga))))
      (local.set $acc (i32.add (i32.rotl (local.get $acc) (i32.const 5))
        (array.get $arr (global.get $ga) (local.get $k))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $l)))
    (local.get $acc))
  (func (export "run") (type $t) ${locals}
${long}
${f.gc && chance(0.5) ? gcLoop(vars) : ""}
${f.refs && chance(0.5) ? nodeLoop(vars) : ""}
${block(runCtx, 3, 5)}
${end}))`;
}

/** The module drawn from `seed` in binary (the last one is kept: every tier asks for it). */
let cached: { seed: number; bytes: Uint8Array } | null = null;
async function tierBytes(seed: number): Promise<Uint8Array> {
  if (cached?.seed !== seed) cached = { seed, bytes: await parse(tierModule(seed)) };
  return cached.bytes;
}

/**
 * What the host function `env.h` returns for `x`, or throws: a `HostError`, or the Wasm
 * exception `exception(payload)` makes (of the tag `$e`: `try_table` may catch it).
 */
function host(x: number, exception: (payload: number) => unknown): number {
  if ((x & 7) === HOST_TRAP) throw new HostError(`host refuses ${x}`);
  if ((x & 7) === HOST_THROW) throw exception(x >> 3);
  return (Math.imul(x, 3) + 1) | 0;
}

/** What the host function throws (the engine passes it through to the caller). */
class HostError extends Error {}

/**
 * `host` as a `callAsync` may see it: every other call (counted per instance) answers with a
 * Promise, resolved or rejected, so the call suspends there.
 */
function asyncHost(
  exception: (payload: number) => unknown,
): (x: number) => number | Promise<number> {
  let calls = 0;
  return (x) => {
    if ((calls++ & 1) === 0) return host(x, exception);
    try {
      return Promise.resolve(host(x, exception));
    } catch (e) {
      return Promise.reject(e);
    }
  };
}

/** How a run is fueled (see the module doc). */
export interface FuelPlan {
  /** `callResumable`: the fuel given at the start and after each stop. */
  readonly slice: number;
  /** `callAsync`: the slice it yields at, and the budget it starts from. */
  readonly asyncSlice: number;
  readonly budget: number;
}

/**
 * The engine's frame limit: `$rec` may go 2,047 deep, so the tiers must overflow at the same
 * depth (natively, V8's limit is another one: those seeds are not compared with it).
 */
const MAX_DEPTH = 1000;

/** Calls of `run` per module, each with arguments drawn from the seed. */
const CALLS = 3;
/** More fuel than this in all for one call of `run` cuts the run off (not compared). */
const MAX_FUEL = 2_000_000;

/** The arguments of `run`'s calls for `seed`. */
function argsOf(seed: number): [number, number][] {
  const rand = uniform(mixSeed(seed, 7));
  return Array.from(
    { length: CALLS },
    () => [(rand() * 2 ** 32) | 0, (rand() * 2 ** 32) | 0] as [number, number],
  );
}

/** FNV-1a over `bytes`. */
function hash(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return (h >>> 0).toString(16);
}

/**
 * An instance of the module drawn from `seed` in `tier`, fueled or not, with `run` and `state`,
 * a line of the memory, global and GC objects after a call.
 */
export async function tierInstance(seed: number, tier: TierName, fuel: boolean) {
  const engine = new Engine(
    new Config({
      consumeFuel: fuel,
      wasmExceptions: true,
      wasmGc: true,
      maxRecursionDepth: MAX_DEPTH,
      ...FUEL_TIERS[tier],
    }),
  );
  const store = new Store(engine, null);
  const module = new Module(engine, await tierBytes(seed));
  const linker = new Linker<null>(engine);
  // Answers with Promises only while `callAsync` runs (see `asyncHost`).
  const exception = (payload: number) =>
    new WasmException(store, instance.getTag(store, "e")!, [Val.i32(payload)]);
  const promising = asyncHost(exception);
  const box = { async: false };
  linker.funcWrap(
    "env",
    "h",
    { params: ["i32"], results: ["i32"] },
    (_c, x) => box.async ? promising(x) : host(x, exception),
  );
  const instance: Instance = linker.instantiate(store, module);
  /** The memory, global and GC objects after a call. */
  const state = () => {
    const data = instance.getMemory(store, "mem")!.data(store);
    const data64 = instance.getMemory(store, "mem64")?.data(store);
    const g = instance.getGlobal(store, "g")!.get(store).value;
    if (fuel) store.setFuel(1_000_000n);
    const s = instance.getFunc(store, "state")!.call(store, [])[0]!.value;
    const m64 = data64 === undefined ? "" : ` ${data64.length >> 16} ${hash(data64)}`;
    return `state ${data.length >> 16} ${hash(data)}${m64} ${g} ${s}`;
  };
  return { store, instance, run: instance.getFunc(store, "run")!, state, box };
}

/**
 * A line for what a call threw: a trap (code, message, backtrace) or an uncaught exception.
 * An exception of the tags `$ev` and `$ef` (`Features.refs`) is named by its tag and its
 * payload written out (v128 bytes in hex, a reference by its kind, an i31 by its value);
 * `native` names the tag only (the host's `WebAssembly` cannot read a v128 payload).
 */
function thrown(e: unknown, store: Store<null>, native = false): string {
  if (e instanceof Trap) return `trap ${e.code} ${e.message} @ ${e.backtraceLines().join("|")}`;
  if (e instanceof HostError) return `host error ${e.message}`;
  if (e instanceof WasmException) {
    const payload = e.payload(store);
    if (payload.length < 2) return `exception [${payload.map((v) => v.value).join(",")}]`;
    const tag = payload[0]!.type === "v128" ? "ev" : "ef";
    if (native) return `exception ${tag}`;
    return `exception ${tag} [${payload.map(refText).join(",")}]`;
  }
  throw e;
}

/** A payload value as `thrown` writes it. */
function refText(v: Val): string {
  const value = v.value;
  if (value === null) return "null";
  if (value instanceof Uint8Array) {
    return [...value].map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  if (value instanceof AnyRef) return value.kind === "i31" ? `i31 ${value.i31Value}` : value.kind;
  if (typeof value === "object") return "ref";
  return String(value);
}

/**
 * What tier `tier` observes of the module drawn from `seed` (see the module doc) with fuel: a
 * line per stop (out of fuel, or a host function that threw: resumed with a value), result,
 * trap, exception and the fuel left; `cut` when a call needed more than
 * `MAX_FUEL`.
 */
export async function tierLog(
  seed: number,
  tier: TierName,
  plan: FuelPlan,
): Promise<{ log: string[]; cut: boolean }> {
  const { store, run, state, box } = await tierInstance(seed, tier, true);
  const log: string[] = [];
  const fuel = () => store.getFuel();
  for (const [a, b] of argsOf(seed)) {
    const args = [Val.i32(a), Val.i32(b)];
    store.setFuel(plan.slice);
    let given = plan.slice;
    try {
      let call = run.callResumable(store, args);
      while (call.kind !== "finished") {
        if (call.kind === "hostTrap") {
          // The host function threw: the call continues as if it had returned a value.
          const e = call.hostError as Error;
          log.push(`host stop ${e.message} (fuel ${fuel()})`);
          call = call.resume(store, [Val.i32(e.message.length)]);
          continue;
        }
        log.push(`stop ${call.requiredFuel} (fuel ${fuel()})`);
        if ((given += plan.slice) > MAX_FUEL) return { log, cut: true };
        store.setFuel(fuel() + BigInt(plan.slice));
        call = call.resume(store);
      }
      log.push(`result ${call.results[0]!.value} (fuel ${fuel()}, given ${given})`);
    } catch (e) {
      log.push(`${thrown(e, store)} (fuel ${fuel()})`);
    }
    log.push(state());
    store.setFuel(plan.budget);
    box.async = true;
    try {
      const [r] = await run.callAsync(store, args, { fuelSlice: plan.asyncSlice });
      log.push(`async ${r!.value} (fuel ${fuel()})`);
    } catch (e) {
      log.push(`async ${thrown(e, store)} (fuel ${fuel()})`);
    }
    box.async = false;
    log.push(state());
  }
  return { log, cut: false };
}

/**
 * What tier `tier` observes of the module drawn from `seed` without fuel: a line per result,
 * trap or exception and the state after it; `native` keeps only what the host's `WebAssembly`
 * is compared on (a trap as "trap").
 */
export async function plainLog(seed: number, tier: TierName, native = false): Promise<string[]> {
  const { store, run, state } = await tierInstance(seed, tier, false);
  const log: string[] = [];
  for (const [a, b] of argsOf(seed)) {
    try {
      log.push(`result ${run.call(store, [Val.i32(a), Val.i32(b)])[0]!.value}`);
    } catch (e) {
      const line = thrown(e, store, native);
      log.push(native && /^(trap|host error)/.test(line) ? "trap" : line);
    }
    log.push(state());
  }
  return log;
}

/** What the host's native `WebAssembly` observes of the module drawn from `seed` (as `plainLog`). */
export async function nativeLog(seed: number): Promise<string[]> {
  const module = new WebAssembly.Module(await tierBytes(seed) as Uint8Array<ArrayBuffer>);
  const exception = (payload: number) => new WebAssembly.Exception(ex.e, [payload]);
  const instance = new WebAssembly.Instance(module, {
    env: { h: (x: number) => host(x, exception) },
  });
  const ex = instance.exports as unknown as {
    run(a: number, b: number): number;
    state(): number;
    mem: WebAssembly.Memory;
    mem64?: WebAssembly.Memory;
    g: WebAssembly.Global;
    e: WebAssembly.Tag;
    ev?: WebAssembly.Tag;
    ef?: WebAssembly.Tag;
  };
  const log: string[] = [];
  for (const [a, b] of argsOf(seed)) {
    try {
      log.push(`result ${ex.run(a, b)}`);
    } catch (e) {
      if (e instanceof WebAssembly.Exception) {
        if (ex.ev !== undefined && e.is(ex.ev)) log.push("exception ev");
        else if (ex.ef !== undefined && e.is(ex.ef)) log.push("exception ef");
        else log.push(`exception [${e.is(ex.e) ? e.getArg(ex.e, 0) : ""}]`);
      } else log.push("trap");
    }
    const data = new Uint8Array(ex.mem.buffer);
    const data64 = ex.mem64 === undefined ? undefined : new Uint8Array(ex.mem64.buffer);
    const m64 = data64 === undefined ? "" : ` ${data64.length >> 16} ${hash(data64)}`;
    log.push(`state ${data.length >> 16} ${hash(data)}${m64} ${ex.g.value} ${ex.state()}`);
  }
  return log;
}

/** The fuel plan drawn from `seed`: slices of 1 to 64, a budget that may run out. */
export function fuelPlanOf(seed: number): FuelPlan {
  const rand = uniform(mixSeed(seed, 11));
  return {
    slice: 1 + Math.floor(rand() * 64),
    asyncSlice: 1 + Math.floor(rand() * 64),
    budget: Math.floor(rand() * 4000),
  };
}

/** The first line where `b` differs from `a`, described; null when they agree. */
function firstDifference(
  a: readonly string[],
  b: readonly string[],
  names: [string, string],
): string | null {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i}: ${names[0]} "${a[i]}", ${names[1]} "${b[i]}"`;
  }
  return null;
}

/**
 * Runs the module drawn from `seed` in every tier, fueled and not, and natively; returns null
 * when all agree, else the first difference against the interpreter (or, for the interpreter,
 * against the native run). The fueled runs are not compared when one was cut off (needed more
 * than `MAX_FUEL`): that counts in `tally.cut`; nor is the native run when the interpreter's
 * overflowed its stack (`MAX_DEPTH`), the host function threw (natively a Wasm exception that
 * `catch_all` may catch) or float bits reach the results (`Features.nanBits`): that counts in
 * `tally.notNative`.
 */
export async function tierDifference(
  seed: number,
  tally: { cut: number; notNative: number } = { cut: 0, notNative: 0 },
): Promise<string | null> {
  const tiers = Object.keys(FUEL_TIERS) as TierName[];
  const plain = await plainLog(seed, "interpreter");
  // Natively, a JS error from the host function is a Wasm exception `catch_all` catches; here
  // it unwinds the whole call (as in wasmi): the runs compare only when the host never threw.
  const unlike = plain.some((l) =>
    l.startsWith(`trap ${TrapCode.StackOverflow} `) || l.startsWith("host error")
  );
  if (unlike || featuresOf(seed).nanBits) tally.notNative++;
  else {
    const reduced = await plainLog(seed, "interpreter", true);
    const diff = firstDifference(await nativeLog(seed), reduced, ["native", "interpreter"]);
    if (diff !== null) return `seed ${seed} without fuel: ${diff}`;
  }
  for (const tier of tiers.slice(1)) {
    const d = firstDifference(plain, await plainLog(seed, tier), ["interpreter", tier]);
    if (d !== null) return `seed ${seed} without fuel: ${d}`;
  }
  const plan = fuelPlanOf(seed);
  const reference = await tierLog(seed, "interpreter", plan);
  if (reference.cut) return tally.cut++, null;
  for (const tier of tiers.slice(1)) {
    const other = await tierLog(seed, tier, plan);
    if (other.cut) return tally.cut++, null;
    const d = firstDifference(reference.log, other.log, ["interpreter", tier]);
    if (d !== null) return `seed ${seed} (${JSON.stringify(plan)}): ${d}`;
  }
  return null;
}
