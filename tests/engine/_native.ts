import { wat } from "./harness.ts";
const bytes = wat(`(module
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_s
    if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $fib local.get 0 i32.const 2 i32.sub call $fib i32.add end)
  (func (export "loop") (param i32) (result i32) (local i32)
    block loop local.get 0 i32.eqz br_if 1
      local.get 1 local.get 0 i32.add local.set 1
      local.get 0 i32.const 1 i32.sub local.set 0 br 0 end end local.get 1))`);
const { instance } = await WebAssembly.instantiate(bytes);
const e = instance.exports as any;
for (let k = 0; k < 3; k++) {
let s = performance.now(); console.log(e.fib(30), performance.now() - s);
s = performance.now(); console.log(e.loop(100000000), performance.now() - s);
}
