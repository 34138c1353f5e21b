import { instantiate } from "./harness.ts";
const t = instantiate(`(module
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_s
    if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $fib local.get 0 i32.const 2 i32.sub call $fib i32.add end)
  (func (export "add") (param i32 i32) (result i32) (local i32)
    local.get 0 local.get 1 i32.add local.set 2 local.get 2)
  (func (export "loop") (param i32) (result i32) (local i32)
    block loop local.get 0 i32.eqz br_if 1
      local.get 1 local.get 0 i32.add local.set 1
      local.get 0 i32.const 1 i32.sub local.set 0 br 0 end end local.get 1)
)`);
console.log(t.code("fib"));
console.log(t.code("add"));
console.log(t.code("loop"));
console.log(t.call("add", 3, 4), t.call("fib", 20), t.call("loop", 100));
let s = performance.now(); console.log(t.call("fib", 30), performance.now() - s);
s = performance.now(); console.log(t.call("loop", 100000000), performance.now() - s);
