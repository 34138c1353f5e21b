/**
 * The wide-arithmetic proposal end to end (decoding, validation, translation, execution): every
 * command of the testsuite's `proposals/wide-arithmetic/wide-arithmetic.wast`, through the
 * public API. wabt cannot parse the proposal's text, so the script's text modules, which only
 * use `local.get` and the wide operators, are assembled here.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Config, Engine, Instance, Module, Store, Val, ValidationError } from "../../mod.ts";
import { OP_INFO, opPrefix, opSub } from "../../src/binary/opcodes.ts";
import { body, mod, section, str, u32, vec } from "../_lib/bytes.ts";
import { isAtom, readSExprs, type SExpr } from "../spec/sexpr.ts";
import { type Command, type ModuleDef, parseScript } from "../spec/script.ts";
import { testsuiteDir } from "../spec/suite.ts";
import type { WastValue } from "../spec/values.ts";

const FILE = join(testsuiteDir(), "proposals/wide-arithmetic/wide-arithmetic.wast");
const TYPES: Record<string, number> = { i32: 0x7f, i64: 0x7e };
const OPCODES = new Map([...OP_INFO.values()].map((info) => [info.name, info.code]));

/** One opcode's bytes (prefixed ones with a LEB128 sub-opcode). */
function opcodeBytes(code: number): number[] {
  return code > 0xff ? [opPrefix(code), ...u32(opSub(code))] : [code];
}

/**
 * Assembles `(module (func (export "n")? (param t*)* (result t*)* instr*)*)` where each
 * instruction is `local.get N`, `local.set N` or an operator without immediates.
 */
function assemble(text: string): Uint8Array {
  const [module] = readSExprs(text) as [SExpr];
  assert.ok(module.kind === "list" && isAtom(module.items[0], "module"));
  const types: number[][] = [];
  const exports: number[][] = [];
  const bodies: number[][] = [];
  for (const func of module.items.slice(1)) {
    assert.ok(func.kind === "list" && isAtom(func.items[0], "func"), "only funcs");
    const params: number[] = [], results: number[] = [], code: number[] = [];
    const items = func.items.slice(1);
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.kind === "list") {
        const [head, ...rest] = item.items;
        const names = rest.map((x) => x.kind === "string" || x.kind === "atom" ? x.text : "");
        if (isAtom(head, "export")) exports.push([...str(names[0]!), 0x00, bodies.length]);
        else if (isAtom(head, "param")) params.push(...names.map((t) => TYPES[t]!));
        else if (isAtom(head, "result")) results.push(...names.map((t) => TYPES[t]!));
        else assert.fail(`unexpected (${head?.kind === "atom" ? head.text : "?"} ...)`);
      } else if (isAtom(item, "local.get") || isAtom(item, "local.set")) {
        const index = items[++i]!;
        const op = isAtom(item, "local.get") ? 0x20 : 0x21;
        code.push(op, ...u32(Number(index.kind === "atom" ? index.text : NaN)));
      } else {
        const code1 = OPCODES.get(item.kind === "atom" ? item.text : "");
        assert.ok(code1 !== undefined, `unknown instruction ${JSON.stringify(item)}`);
        code.push(...opcodeBytes(code1));
      }
    }
    types.push([0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))]);
    bodies.push(body([], [...code, 0x0b]));
  }
  return mod(
    section(1, vec(types)),
    section(3, vec(types.map((_, i) => [i]))),
    section(7, vec(exports)),
    section(10, vec(bodies)),
  );
}

function bytesOf(def: ModuleDef): Uint8Array {
  if (def.source.format === "binary") return def.source.bytes;
  return assemble(new TextDecoder().decode(def.source.text));
}

function i64(v: WastValue): bigint {
  return v.type === "i64" ? v.value : assert.fail(`not an i64: ${v.type}`);
}

for (const consumeFuel of [false, true]) {
  Deno.test(`wide arithmetic: every command of wide-arithmetic.wast (fuel ${consumeFuel ? "on" : "off"})`, () => {
    // Bodies checked at `new Module`, as the script's assert_invalid expects.
    const engine = new Engine(
      new Config({ wasmWideArithmetic: true, consumeFuel, compilationMode: "lazyTranslation" }),
    );
    const store = new Store(engine, null);
    if (consumeFuel) store.setFuel(1_000_000);
    let instance: Instance | null = null;
    const ran: Partial<Record<Command["kind"], number>> = {};
    for (const command of parseScript(FILE, Deno.readFileSync(FILE))) {
      const where = `${FILE}:${command.line}`;
      switch (command.kind) {
        case "module":
          instance = new Instance(store, new Module(engine, bytesOf(command.module)), []);
          break;
        case "assert_return": {
          assert.ok(command.action.kind === "invoke" && instance !== null, where);
          const { field, args } = command.action;
          const results: unknown[] = instance.getFunc(store, field)!
            .call(store, args.map((a) => Val.i64(i64(a))))
            .map((v) => v.value);
          const expected = command.expected.map((e) => e.kind === "value" ? i64(e.value) : e);
          assert.deepEqual(results, expected, where);
          break;
        }
        case "assert_invalid":
          assert.throws(() => new Module(engine, bytesOf(command.module)), (e) => {
            assert.ok(e instanceof ValidationError, `${where}: ${e}`);
            assert.equal(e.reason, command.message, where);
            return true;
          });
          break;
        default:
          assert.fail(`${where}: a ${command.kind} command was not expected here`);
      }
      ran[command.kind] = (ran[command.kind] ?? 0) + 1;
    }
    assert.deepEqual(ran, { module: 2, assert_return: 99, assert_invalid: 8 });
  });
}

Deno.test("wide arithmetic: the operators need the feature", () => {
  const engine = new Engine(
    new Config({ wasmWideArithmetic: false, compilationMode: "lazyTranslation" }),
  );
  const [first] = parseScript(FILE, Deno.readFileSync(FILE));
  assert.ok(first?.kind === "module");
  assert.throws(() => new Module(engine, bytesOf(first.module)), /i64\.add128 needs a disabled/);
});

Deno.test("wide arithmetic: storing the low half in a local leaves the next local alone", () => {
  const engine = new Engine(new Config({ wasmWideArithmetic: true }));
  const store = new Store(engine, null);
  // The low half goes to local 2; the translator must not make the instruction write its two
  // results to locals 2 and 3.
  const bytes = assemble(`(module (func (export "f") (param i64 i64 i64 i64) (result i64 i64)
    local.get 0 local.get 1 local.get 2 local.get 3 i64.add128 drop local.set 2
    local.get 2 local.get 3))`);
  const instance = new Instance(store, new Module(engine, bytes), []);
  const results = instance.getFunc(store, "f")!
    .call(store, [Val.i64(-1n), Val.i64(0n), Val.i64(2n), Val.i64(7n)])
    .map((v) => v.value);
  assert.deepEqual(results, [1n, 7n]);
});
