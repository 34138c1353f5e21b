/**
 * `WebAssembly.Tag`, `WebAssembly.Exception` and `WebAssembly.JSTag` of the facade: tags crossing
 * the import/export boundary, Wasm exceptions leaving Wasm as `Exception` objects and coming
 * back, other JS throws caught in Wasm by `JSTag` or `catch_all`, and traps staying uncatchable.
 */

import assert from "node:assert/strict";
import {
  createWebAssembly,
  type WasmExceptionObject,
  type WasmTag,
} from "../../src/webassembly/mod.ts";
import { wat as watText } from "../_lib/wabt.ts";

const wat = (text: string) => watText(text, { exceptions: true });
type Fn = (...args: unknown[]) => unknown;

/** A module that exports a tag `t (param i32)`, throws with it, and catches it around `f`. */
const THROWER = wat(`(module
  (import "env" "f" (func $f))
  (tag $t (export "t") (param i32))
  (func (export "throw") (param i32) (throw $t (local.get 0)))
  (func (export "catchT") (result i32)
    (block $h (result i32) (try_table (catch $t $h) (call $f)) (i32.const -1)))
  (func (export "catchAll") (result i32)
    (block $h (try_table (catch_all $h) (call $f)) (return (i32.const 0)))
    (i32.const 1)))`);

function instantiate(
  ns: ReturnType<typeof createWebAssembly>,
  bytes: Uint8Array,
  imports: Record<string, Record<string, unknown>>,
): Record<string, unknown> {
  const module = new ns.Module(bytes);
  return new ns.Instance(module, imports).exports;
}

Deno.test("a tag is exported as one WebAssembly.Tag and listed with kind 'tag'", () => {
  const ns = createWebAssembly();
  const module = new ns.Module(THROWER);
  assert.deepEqual(ns.Module.exports(module).find((e) => e.name === "t"), {
    name: "t",
    kind: "tag",
  });
  const exports = new ns.Instance(module, { env: { f() {} } }).exports;
  assert.ok(exports.t instanceof ns.Tag);
  assert.equal(Object.prototype.toString.call(exports.t), "[object WebAssembly.Tag]");
  // Each instance has its own tag.
  assert.notEqual(new ns.Instance(module, { env: { f() {} } }).exports.t, exports.t);
  // A tag re-exported by another module is the same object (one JS object per tag).
  const reexport = instantiate(
    ns,
    wat(`(module (import "env" "t" (tag $t (param i32))) (export "again" (tag $t)))`),
    { env: { t: exports.t } },
  );
  assert.equal(reexport.again, exports.t);
  const mine = new ns.Tag({ parameters: ["i32"] });
  assert.equal(
    instantiate(
      ns,
      wat(`(module (import "env" "t" (tag $t (param i32))) (export "again" (tag $t)))`),
      { env: { t: mine } },
    ).again,
    mine,
  );
});

Deno.test("a Wasm exception leaves Wasm as a WebAssembly.Exception of the exported tag", () => {
  const ns = createWebAssembly();
  const exports = instantiate(ns, THROWER, { env: { f() {} } });
  const tag = exports.t as WasmTag;
  let caught: unknown;
  try {
    (exports.throw as Fn)(42);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ns.Exception);
  const exn = caught as WasmExceptionObject;
  assert.equal(exn.is(tag), true);
  assert.equal(exn.is(new ns.Tag({ parameters: ["i32"] })), false);
  assert.equal(exn.getArg(tag, 0), 42);
  assert.throws(() => exn.getArg(tag, 1), RangeError);
  assert.throws(() => exn.getArg(new ns.Tag({ parameters: ["i32"] }), 0), TypeError);
});

Deno.test("JS throws a WebAssembly.Exception into Wasm: caught by its tag, or back out as itself", () => {
  const ns = createWebAssembly();
  let toThrow: unknown = null;
  const exports = instantiate(ns, THROWER, {
    env: {
      f() {
        throw toThrow;
      },
    },
  });
  const tag = exports.t as WasmTag;
  toThrow = new ns.Exception(tag, [7]);
  assert.equal((exports.catchT as Fn)(), 7);
  assert.equal((exports.catchAll as Fn)(), 1);
  // Another tag's exception passes catch $t and leaves as the very object thrown.
  const otherTag = new ns.Tag({ parameters: ["i32"] });
  const other = new ns.Exception(otherTag, [8]);
  toThrow = other;
  assert.throws(() => (exports.catchT as Fn)(), (e) => e === other);
  // The payload was converted by the tag's types: ToInt32.
  assert.equal(new ns.Exception(tag, [2 ** 32 + 5]).getArg(tag, 0), 5);
});

Deno.test("other JS throws: caught by catch_all and by JSTag, and leave Wasm as the value thrown", () => {
  const ns = createWebAssembly();
  const error = new Error("from JS");
  const exports = instantiate(ns, THROWER, {
    env: {
      f() {
        throw error;
      },
    },
  });
  assert.equal((exports.catchAll as Fn)(), 1);
  assert.throws(() => (exports.catchT as Fn)(), (e) => e === error);

  const viaJsTag = instantiate(
    ns,
    wat(`(module
      (import "env" "js" (tag $js (param externref)))
      (import "env" "f" (func $f (param externref)))
      (func (export "catch") (param externref) (result externref)
        (block $h (result externref)
          (try_table (catch $js $h) (call $f (local.get 0)))
          (ref.null extern)))
      (func (export "throw") (param externref) (throw $js (local.get 0))))`),
    {
      env: {
        js: ns.JSTag,
        f(x: unknown) {
          throw x;
        },
      },
    },
  );
  const thrown = { any: "value" };
  assert.equal((viaJsTag.catch as Fn)(thrown), thrown);
  assert.equal((viaJsTag.catch as Fn)(5), 5);
  // Wasm throwing with JSTag: JS sees the payload itself.
  assert.throws(() => (viaJsTag.throw as Fn)(thrown), (e) => e === thrown);
  assert.throws(() => new ns.Exception(ns.JSTag, [{}]), TypeError);
});

Deno.test("a trap stays uncatchable after it crossed JS: catch_all does not see it", () => {
  const ns = createWebAssembly();
  const trapper = instantiate(ns, wat(`(module (func (export "trap") unreachable))`), {});
  const exports = instantiate(ns, THROWER, { env: { f: () => (trapper.trap as Fn)() } });
  assert.throws(() => (exports.catchAll as Fn)(), ns.RuntimeError);
});

Deno.test("Exception payloads: i64 as BigInt, v128 refused, traceStack", () => {
  const ns = createWebAssembly();
  const tag = new ns.Tag({ parameters: ["i64", "f32", "externref"] });
  const obj = {};
  const exn = new ns.Exception(tag, [-1n, 1.1, obj]);
  assert.equal(exn.getArg(tag, 0), -1n);
  assert.equal(exn.getArg(tag, 1), Math.fround(1.1));
  assert.equal(exn.getArg(tag, 2), obj);
  assert.throws(() => new ns.Exception(tag, [1, 1, obj]), TypeError); // 1 is not a BigInt
  assert.throws(() => new ns.Exception(tag, [1n, 1]), TypeError); // too few values
  assert.throws(() => new ns.Exception(new ns.Tag({ parameters: ["v128"] }), [0]), TypeError);
  assert.equal(exn.stack, undefined);
  const traced = new ns.Exception(tag, [0n, 0, null], { traceStack: true });
  assert.equal(typeof traced.stack, "string");
});

Deno.test("a tag imported from JS: the import must be a WebAssembly.Tag", () => {
  const ns = createWebAssembly();
  const bytes = wat(`(module (import "env" "t" (tag (param i32))))`);
  const module = new ns.Module(bytes);
  assert.deepEqual(ns.Module.imports(module), [{ module: "env", name: "t", kind: "tag" }]);
  assert.throws(() => new ns.Instance(module, { env: { t: {} } }), ns.LinkError);
  new ns.Instance(module, { env: { t: new ns.Tag({ parameters: ["i32"] }) } });
});

Deno.test("wasmExceptions can still be turned off: modules with tags then do not compile", () => {
  const ns = createWebAssembly({ config: { wasmExceptions: false } });
  assert.throws(() => new ns.Module(THROWER), ns.CompileError);
});
