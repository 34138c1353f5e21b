import { instantiate } from "./harness.ts";
const t = instantiate(`(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "add") (param i32 i32) (result i32) (local i32)
    local.get 0 local.get 1 i32.add local.set 2 local.get 2)
  (func (export "tee") (param i32) (result i32) (local i32)
    local.get 0 i32.const 3 i32.mul local.tee 1 local.get 1 i32.add)
  (func (export "preserve") (param i32) (result i32)
    local.get 0 i32.const 7 local.set 0 local.get 0 i32.sub)
  (func (export "swap") (param i32 i32) (result i32 i32) local.get 1 local.get 0)
  (func (export "brtable") (param i32) (result i32)
    block (result i32) block (result i32) i32.const 10 local.get 0 br_table 0 1 2 end i32.const 1 i32.add end)
  (func (export "dead") (result i32) i32.const 1 return i32.const 2 drop block end unreachable)
  (func (export "mem") (param i32) (result i32)
    local.get 0 local.get 0 i32.load offset=4 i32.store8 local.get 0 i64.load global.get $g i64.extend_i32_u i64.add i32.wrap_i64)
  (func (export "sel") (param i32 i32 i32) (result i32) local.get 0 local.get 1 local.get 2 select)
  (func (export "ifelse") (param i32) (result i32)
    local.get 0 if (result i32) i32.const 1 else local.get 0 i32.const 5 i32.gt_u if (result i32) i32.const 2 else i32.const 3 end end)
  (func (export "sub") (param i64) (result i64) local.get 0 i64.const 5 i64.sub)
  (func (export "constleft") (param i32) (result i32) i32.const 5 local.get 0 i32.lt_s)
)`);
for (const n of ["add","tee","preserve","swap","brtable","dead","mem","sel","ifelse","sub","constleft"]) console.log("== " + n + "\n" + t.code(n));
