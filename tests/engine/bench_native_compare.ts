/**
 * Engine vs native V8 WebAssembly on the benchmark workloads (fib, tight loop, i64 math, f64
 * kernel, memory sieve, call_indirect). Not a test: run it by hand.
 *
 *     deno run -A tests/engine/bench_native_compare.ts [NAME...]
 *
 * Uses the engine-level harness (no public API), so it measures the engine alone.
 */
import { instantiate, wat } from "./harness.ts";
const SRC = `(module
  (memory (export "mem") 16)
  (type $ii (func (param i32) (result i32)))
  (table 4 funcref) (elem (i32.const 0) $inc $dec $dbl $half)
  (func $inc (param i32) (result i32) local.get 0 i32.const 1 i32.add)
  (func $dec (param i32) (result i32) local.get 0 i32.const 1 i32.sub)
  (func $dbl (param i32) (result i32) local.get 0 i32.const 1 i32.shl)
  (func $half (param i32) (result i32) local.get 0 i32.const 1 i32.shr_u)
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_s
    if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $fib local.get 0 i32.const 2 i32.sub call $fib i32.add end)
  (func (export "loop") (param i32) (result i32) (local i32)
    block loop local.get 0 i32.eqz br_if 1
      local.get 1 local.get 0 i32.add local.set 1
      local.get 0 i32.const 1 i32.sub local.set 0 br 0 end end local.get 1)
  (func (export "i64") (param i32) (result i64) (local i64 i64)
    i64.const 1 local.set 1
    block loop local.get 0 i32.eqz br_if 1
      local.get 1 i64.const 6364136223846793005 i64.mul i64.const 1442695040888963407 i64.add local.set 1
      local.get 2 local.get 1 i64.const 33 i64.shr_u i64.xor local.set 2
      local.get 0 i32.const 1 i32.sub local.set 0 br 0 end end local.get 2)
  (func (export "f64") (param i32) (result f64) (local i32 f64 f64)
    ;; mandelbrot-ish iteration count sum over a grid
    f64.const 0 local.set 2
    block loop local.get 1 local.get 0 i32.ge_s br_if 1
      local.get 2 local.get 1 f64.convert_i32_s f64.const 0.001 f64.mul local.tee 3 local.get 3 f64.mul f64.sqrt f64.add
      local.get 3 f64.const 1.5 f64.div f64.sub local.set 2
      local.get 1 i32.const 1 i32.add local.set 1 br 0 end end local.get 2)
  (func (export "sieve") (param i32) (result i32) (local i32 i32 i32)
    (memory.fill (i32.const 0) (i32.const 0) (local.get 0))
    i32.const 2 local.set 1
    block loop local.get 1 local.get 1 i32.mul local.get 0 i32.ge_u br_if 1
      local.get 1 i32.load8_u i32.eqz if
        local.get 1 local.get 1 i32.mul local.set 2
        block loop local.get 2 local.get 0 i32.ge_u br_if 1
          local.get 2 i32.const 1 i32.store8
          local.get 2 local.get 1 i32.add local.set 2 br 0 end end
      end
      local.get 1 i32.const 1 i32.add local.set 1 br 0 end end
    i32.const 2 local.set 1
    block loop local.get 1 local.get 0 i32.ge_u br_if 1
      local.get 3 local.get 1 i32.load8_u i32.eqz i32.add local.set 3
      local.get 1 i32.const 1 i32.add local.set 1 br 0 end end
    local.get 3)
  (func (export "indirect") (param i32) (result i32) (local i32)
    block loop local.get 0 i32.eqz br_if 1
      local.get 1 local.get 0 i32.const 3 i32.and call_indirect (type $ii) local.set 1
      local.get 0 i32.const 1 i32.sub local.set 0 br 0 end end local.get 1)
)`;
const cases: [string, number][] = [
  ["fib", 30],
  ["loop", 50_000_000],
  ["i64", 5_000_000],
  ["f64", 10_000_000],
  ["sieve", 1_000_000],
  ["indirect", 10_000_000],
];
const bytes = wat(SRC);
const instance = await WebAssembly.instantiate(
  await WebAssembly.compile(new Uint8Array(bytes)),
  {},
);
const ne = instance.exports as Record<string, (x: number) => unknown>;
const t = instantiate(SRC);
const only = Deno.args;
let logSum = 0, n = 0;
function time(f: () => unknown, reps: number): [number, unknown] {
  let best = Infinity, r;
  for (let i = 0; i < reps; i++) {
    const s = performance.now();
    r = f();
    best = Math.min(best, performance.now() - s);
  }
  return [best, r];
}
for (const [name, arg] of cases) {
  if (only.length && !only.includes(name)) continue;
  const [tn, rn] = time(() => ne[name]!(arg), 5);
  const [tw, rw] = time(() => t.call(name, arg), 3);
  const ratio = tw / tn;
  logSum += Math.log(ratio);
  n++;
  console.log(
    `${name.padEnd(9)} native ${tn.toFixed(1).padStart(7)}ms  wasmi-ts ${
      tw.toFixed(1).padStart(8)
    }ms  x${ratio.toFixed(1).padStart(6)}  ${
      String(rn) === String(rw) ? "" : `MISMATCH ${rn} ${rw}`
    }`,
  );
}
console.log("geomean x" + Math.exp(logSum / n).toFixed(1));
