/**
 * Differential test of the memory proposals against the host's native `WebAssembly` (V8, the
 * reference here only): one module with a 64-bit and a 32-bit memory, run on both engines with
 * the same seeded sequence of accesses at addresses around every edge (the end of memory, 2^32,
 * 2^63, 2^64 - 1). Each call must return the same value or trap on both, and both memories must
 * hold the same bytes at the end. The same for a 64-bit and a 32-bit table.
 */
import assert from "node:assert/strict";
import { Engine, Linker, Module, Store, Trap } from "../../mod.ts";
import { wat } from "../api/_wat.ts";

const TEXT = `(module
  (memory $a (export "a") i64 1 3)
  (memory $b (export "b") 1 2)
  (func (export "ld8a") (param i64) (result i64) (i64.load8_s $a (local.get 0)))
  (func (export "ld32a") (param i64) (result i32) (i32.load $a offset=65533 (local.get 0)))
  (func (export "ld64a") (param i64) (result i64) (i64.load $a offset=4294967296 (local.get 0)))
  (func (export "st16a") (param i64 i32) (i32.store16 $a offset=7 (local.get 0) (local.get 1)))
  (func (export "stf64a") (param i64 f64) (f64.store $a (local.get 0) (local.get 1)))
  (func (export "ld16b") (param i32) (result i32) (i32.load16_u $b offset=3 (local.get 0)))
  (func (export "st64b") (param i32 i64) (i64.store32 $b offset=1 (local.get 0) (local.get 1)))
  (func (export "v128a") (param i64) (result i32)
    (i32x4.extract_lane 1 (v128.load $a offset=1 (local.get 0))))
  (func (export "lanea") (param i64) (result i64)
    (i64x2.extract_lane 0 (v128.load32_lane $a 0 (local.get 0) (v128.const i64x2 0 0))))
  (func (export "fill_a") (param i64 i32 i64)
    (memory.fill $a (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_ba") (param i32 i64 i32)
    (memory.copy $b $a (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_ab") (param i64 i32 i32)
    (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "grow_a") (param i64) (result i64) (memory.grow $a (local.get 0)))
  (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
  (func (export "size_a") (result i64) (memory.size $a))
)`;

/** Mulberry32: a tiny seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PAGE = 65536n;
const EDGES_64 = [
  0n,
  1n,
  PAGE - 9n,
  PAGE - 1n,
  PAGE,
  2n * PAGE - 4n,
  3n * PAGE - 1n,
  2n ** 32n - 1n,
];
const EDGES_64_HIGH = [2n ** 32n, 2n ** 32n + 1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 64n - 65533n];

type Call = [name: string, args: (number | bigint)[]];

function randomCalls(count: number, seed: number): Call[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const addr64 = () => {
    const r = rand();
    if (r < 0.5) return pick(EDGES_64) - BigInt(Math.floor(rand() * 3));
    if (r < 0.7) return pick(EDGES_64_HIGH);
    return BigInt(Math.floor(rand() * 3 * 65536));
  };
  const u64 = (x: bigint) => BigInt.asUintN(64, x);
  const addr32 = () =>
    rand() < 0.5 ? pick([0, 65531, 65532, 65533, 131068, -1]) : (rand() * 131072) | 0;
  const len = () => pick([0, 1, 7, 100, 65536, 2 ** 31, -1]);
  const calls: Call[] = [];
  for (let i = 0; i < count; i++) {
    switch (Math.floor(rand() * 14)) {
      case 0:
        calls.push(["ld8a", [u64(addr64())]]);
        break;
      case 1:
        calls.push(["ld32a", [u64(addr64())]]);
        break;
      case 2:
        calls.push(["ld64a", [u64(addr64())]]);
        break;
      case 3:
        calls.push(["st16a", [u64(addr64()), (rand() * 2 ** 32) | 0]]);
        break;
      case 4:
        calls.push(["stf64a", [u64(addr64()), rand() * 1e6]]);
        break;
      case 5:
        calls.push(["ld16b", [addr32()]]);
        break;
      case 6:
        calls.push(["st64b", [addr32(), BigInt.asIntN(64, BigInt(Math.floor(rand() * 2 ** 53)))]]);
        break;
      case 7:
        calls.push(["v128a", [u64(addr64())]]);
        break;
      case 8:
        calls.push(["lanea", [u64(addr64())]]);
        break;
      case 9:
        calls.push(["fill_a", [u64(addr64()), (rand() * 256) | 0, u64(BigInt(len()))]]);
        break;
      case 10:
        calls.push(["copy_ba", [addr32(), u64(addr64()), len()]]);
        break;
      case 11:
        calls.push(["copy_ab", [u64(addr64()), addr32(), len()]]);
        break;
      case 12:
        calls.push(["grow_a", [pick([0n, 1n, 2n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n])]]);
        break;
      default:
        calls.push(rand() < 0.5 ? ["grow_b", [pick([0, 1, -1])]] : ["size_a", []]);
    }
  }
  return calls;
}

/** What a call did: its result as text, or "trap". */
function outcome(f: () => unknown, isTrap: (e: unknown) => boolean): string {
  try {
    return String(f());
  } catch (e) {
    if (isTrap(e)) return "trap";
    throw e;
  }
}

Deno.test("memory64 and multi-memory agree with native WebAssembly, call by call", () => {
  const bytes = wat(TEXT);
  const native =
    new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports;
  const engine = new Engine();
  const store = new Store(engine, null);
  const ours = new Linker(engine).instantiate(store, new Module(engine, bytes));
  const calls = randomCalls(3000, 0x64);
  calls.forEach(([name, args], i) => {
    const theirs = outcome(
      () => (native[name] as (...a: unknown[]) => unknown)(...args),
      (e) => e instanceof WebAssembly.RuntimeError,
    );
    const mine = outcome(
      () => ours.getTypedFunc(store, name).call(store, ...args),
      (e) => e instanceof Trap,
    );
    assert.equal(mine, theirs, `call ${i}: ${name}(${args.join(", ")})`);
  });
  for (const name of ["a", "b"]) {
    const theirs = new Uint8Array((native[name] as WebAssembly.Memory).buffer);
    const mine = ours.getMemory(store, name)!.data(store);
    assert.equal(mine.length, theirs.length, `memory ${name} size`);
    assert.ok(mine.every((byte, i) => byte === theirs[i]), `memory ${name} bytes`);
  }
});

const TABLES = `(module
  (type $t (func (result i32)))
  (table $x (export "x") i64 4 10 funcref)
  (table $y (export "y") 3 funcref)
  (elem (table $x) (i64.const 0) func $one $two)
  (elem $e func $two $one)
  (func $one (result i32) (i32.const 1))
  (func $two (result i32) (i32.const 2))
  (func (export "call") (param i64) (result i32) (call_indirect $x (type $t) (local.get 0)))
  (func (export "isnull") (param i64) (result i32) (ref.is_null (table.get $x (local.get 0))))
  (func (export "set") (param i64) (table.set $x (local.get 0) (ref.func $two)))
  (func (export "grow") (param i64) (result i64) (table.grow $x (ref.func $one) (local.get 0)))
  (func (export "size") (result i64) (table.size $x))
  (func (export "fill") (param i64 i64) (table.fill $x (local.get 0) (ref.null func) (local.get 1)))
  (func (export "copy_xy") (param i64 i32 i32) (table.copy $x $y (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_yx") (param i32 i64 i32) (table.copy $y $x (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i64 i32 i32) (table.init $x $e (local.get 0) (local.get 1) (local.get 2)))
  (func (export "cally") (param i32) (result i32) (call_indirect $y (type $t) (local.get 0)))
)`;

Deno.test("table64 agrees with native WebAssembly, call by call", () => {
  const bytes = wat(TABLES);
  const native = new WebAssembly.Instance(
    new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>),
  ).exports;
  const engine = new Engine();
  const store = new Store(engine, null);
  const ours = new Linker(engine).instantiate(store, new Module(engine, bytes));
  const rand = prng(0x7ab1e);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const index = () => pick([0n, 1n, 3n, 4n, 9n, 10n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 64n - 1n]);
  const small = () => pick([0, 1, 2, 3, 4, -1]);
  const calls: Call[] = [];
  for (let i = 0; i < 2000; i++) {
    switch (Math.floor(rand() * 10)) {
      case 0:
        calls.push(["call", [index()]]);
        break;
      case 1:
        calls.push(["isnull", [index()]]);
        break;
      case 2:
        calls.push(["set", [index()]]);
        break;
      case 3:
        calls.push(["grow", [pick([0n, 1n, 2n, 2n ** 32n, 2n ** 64n - 1n])]]);
        break;
      case 4:
        calls.push(["fill", [index(), pick([0n, 1n, 3n, 2n ** 32n])]]);
        break;
      case 5:
        calls.push(["copy_xy", [index(), small(), small()]]);
        break;
      case 6:
        calls.push(["copy_yx", [small(), index(), small()]]);
        break;
      case 7:
        calls.push(["init", [index(), small(), small()]]);
        break;
      case 8:
        calls.push(["cally", [small()]]);
        break;
      default:
        calls.push(["size", []]);
    }
  }
  calls.forEach(([name, args], i) => {
    const theirs = outcome(
      () => (native[name] as (...a: unknown[]) => unknown)(...args),
      (e) => e instanceof WebAssembly.RuntimeError,
    );
    const mine = outcome(
      () => ours.getTypedFunc(store, name).call(store, ...args),
      (e) => e instanceof Trap,
    );
    assert.equal(mine, theirs, `call ${i}: ${name}(${args.join(", ")})`);
  });
});
