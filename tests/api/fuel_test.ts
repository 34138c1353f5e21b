/**
 * Fuel metering: what each operator costs (the rule in `src/engine/fuel.ts`), running out,
 * determinism, the per-byte / per-element charges of bulk operations in lazy and eager mode.
 */

import assert from "node:assert/strict";
import {
  Config,
  type ConfigOptions,
  Engine,
  Func,
  type Instance,
  Linker,
  Module,
  Store,
  Trap,
  TrapCode,
  Val,
} from "../../mod.ts";
import { wat } from "../_lib/wabt.ts";

function setup(text: string, options: ConfigOptions = {}) {
  const engine = new Engine(new Config({ consumeFuel: true, ...options }));
  const store = new Store(engine, null);
  const linker = new Linker(engine);
  linker.funcWrap("env", "host", { params: [], results: [] }, () => {});
  const instance = linker.instantiate(store, new Module(engine, wat(text)));
  return { engine, store, instance };
}

/** The fuel one call of `run` uses (it must not run out of a large budget). */
function fuelOf(store: Store, instance: Instance, params: Val[] = [], name = "run"): bigint {
  const budget = 1_000_000n;
  store.setFuel(budget);
  instance.getFunc(store, name)!.call(store, params);
  return budget - store.getFuel();
}

// Each row: a function body (of `run`, which takes an i32 parameter), the argument, the fuel it
// uses with the default prices, and why.
const TABLE: [body: string, arg: number, fuel: number, why: string][] = [
  ["", 0, 1, "the function's end"],
  ["i32.const 1 i32.const 2 i32.add drop", 0, 5, "four operators and end"],
  ["nop nop nop", 0, 4, "nops cost too"],
  ["(block (nop))", 0, 4, "block, nop, the block's end, end"],
  ["(block (block (block)))", 0, 7, "blocks are not regions"],
  ["(return) nop nop", 0, 4, "code after return is paid too: the region holds it"],
  ["(block (br 0) nop nop) nop", 0, 7, "a block is not a region: all 7 operators"],
  ["(block (br 0) (loop nop nop)) nop", 0, 7, "a loop that is never entered: its body is free"],
  ["(block (br_if 0 (local.get 0)) nop nop)", 1, 7, "a taken br_if does not refund"],
  ["(block (br_if 0 (local.get 0)) nop nop)", 0, 7, "an untaken br_if: the same"],
  ["(if (local.get 0) (then nop) (else nop nop nop))", 1, 6, "4 outside, then: nop, else"],
  ["(if (local.get 0) (then nop) (else nop nop nop))", 0, 7, "4 outside, else: 3 nops"],
  ["(if (local.get 0) (then nop nop))", 1, 6, "an if without else, taken"],
  ["(if (local.get 0) (then nop nop))", 0, 4, "an if without else, not taken"],
  [
    "(loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))",
    3,
    18,
    "3 outside (loop, its end, end) + 3 iterations of 5",
  ],
  [
    "(loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))",
    1,
    8,
    "one iteration",
  ],
  [
    "(block $out (loop $l (br_if $out (i32.eqz (local.get 0))) " +
    "(local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br $l)))",
    2,
    29,
    "5 outside (block, loop, both ends, end) + 3 entries of the loop's 8",
  ],
  ["call $nop call $nop", 0, 7, "3 in run, 2 in each callee"],
  ["(call $host)", 0, 2, "a host function costs its call only"],
  ["(drop (memory.grow (i32.const 0)))", 0, 4, "growing by 0 costs the operator only"],
];

const MODULE = (body: string) =>
  `(module (import "env" "host" (func $host)) (memory 1 4)
     (func $nop nop)
     (func (export "run") (param i32) ${body}))`;

Deno.test("fuel: every Wasm operator costs `base`, paid per region", () => {
  for (const [body, arg, fuel, why] of TABLE) {
    const { store, instance } = setup(MODULE(body));
    assert.equal(fuelOf(store, instance, [Val.i32(arg)]), BigInt(fuel), `${body}: ${why}`);
  }
});

Deno.test("fuel: prices scale with fuelCosts.base and fuelCosts.call", () => {
  for (const [body, arg, fuel, why] of TABLE) {
    const { store, instance } = setup(MODULE(body), { fuelCosts: { base: 3, call: 10 } });
    const calls = (body.match(/call /g) ?? []).length;
    const expected = BigInt(fuel * 3 + calls * 10);
    assert.equal(fuelOf(store, instance, [Val.i32(arg)]), expected, `${body}: ${why}`);
  }
});

Deno.test("fuel: the fuel a program uses does not depend on how it is translated", () => {
  // The same computation written so the translator optimises it differently (fused compare
  // and branch, immediates, retargeted results) costs exactly its operators.
  const a = setup(MODULE("(drop (i32.add (local.get 0) (i32.const 7)))"));
  const b = setup(MODULE("(drop (i32.add (i32.const 7) (local.get 0)))"));
  const c = setup(MODULE("(local.set 0 (i32.add (local.get 0) (i32.const 7)))"));
  for (const { store, instance } of [a, b]) {
    assert.equal(fuelOf(store, instance, [Val.i32(1)]), 5n);
  }
  assert.equal(fuelOf(c.store, c.instance, [Val.i32(1)]), 5n);
});

Deno.test("fuel: running out traps with OutOfFuel before the region, leaving the fuel", () => {
  const { store, instance } = setup(MODULE("i32.const 1 i32.const 2 i32.add drop"));
  const run = instance.getFunc(store, "run")!;
  store.setFuel(4);
  assert.throws(() => run.call(store, [Val.i32(0)]), (e) => {
    assert.ok(e instanceof Trap);
    assert.equal(e.code, TrapCode.OutOfFuel);
    assert.equal(e.message, "all fuel consumed");
    assert.equal(e.backtrace.length, 1);
    return true;
  });
  assert.equal(store.getFuel(), 4n, "a charge that cannot be paid takes nothing");
  store.setFuel(5);
  run.call(store, [Val.i32(0)]);
  assert.equal(store.getFuel(), 0n);
});

Deno.test("fuel: a trap pays for its whole region", () => {
  const { store, instance } = setup(MODULE("nop unreachable nop"));
  store.setFuel(100);
  assert.throws(() => instance.getFunc(store, "run")!.call(store, [Val.i32(0)]), Trap);
  assert.equal(store.getFuel(), 96n, "the region: nop, unreachable, nop, end");
});

Deno.test("fuel: same module, input and fuel, same stopping point", () => {
  const text = `(module (memory (export "mem") 1)
    (func (export "run") (param i32) (local i32)
      (loop $l
        (i32.store (i32.const 0) (local.get 1))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))))`;
  const stops = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const { store, instance } = setup(text);
    store.setFuel(1234);
    const call = instance.getFunc(store, "run")!.callResumable(store, [Val.i32(100_000)]);
    assert.equal(call.kind, "outOfFuel");
    const counter = new DataView(instance.getMemory(store, "mem")!.data(store).buffer).getInt32(
      0,
      true,
    );
    stops.add(`${counter}/${store.getFuel()}/${call.requiredFuel}`);
  }
  assert.equal(stops.size, 1, [...stops].join(", "));
});

Deno.test("fuel: a host function sees and may change the fuel left", () => {
  const engine = new Engine(new Config({ consumeFuel: true }));
  const store = new Store(engine, null);
  const seen: bigint[] = [];
  const linker = new Linker(engine);
  linker.funcWrap("env", "host", { params: [], results: [] }, (caller) => {
    seen.push(caller.store.getFuel());
    caller.store.setFuel(caller.store.getFuel() + 1000n);
  });
  const instance = linker.instantiate(
    store,
    new Module(
      engine,
      wat(`(module (import "env" "host" (func $h)) (func (export "run") call $h nop))`),
    ),
  );
  store.setFuel(10);
  instance.getFunc(store, "run")!.call(store, []);
  assert.deepEqual(seen, [7n], "the region (call, nop, end) was paid before the call");
  assert.equal(store.getFuel(), 1007n);
});

Deno.test("fuel: a budget beyond the executor's chunk is accounted to the unit", () => {
  const { store, instance } = setup(MODULE("nop"));
  const big = 2n ** 40n + 5n;
  store.setFuel(big);
  instance.getFunc(store, "run")!.call(store, [Val.i32(0)]);
  assert.equal(store.getFuel(), big - 2n);
});

// ---------------------------------------------------------------------------------------------
// Bulk operations

const BULK = `(module
  (memory (export "mem") 1)
  (table $t (export "t") 64 funcref)
  (elem $e func $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f)
  (data $d "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
  (func $f)
  (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 7) (local.get 1)))
  (func (export "copy") (param i32 i32) (memory.copy (local.get 0) (i32.const 0) (local.get 1)))
  (func (export "init") (param i32 i32) (memory.init $d (local.get 0) (i32.const 0) (local.get 1)))
  (func (export "tfill") (param i32 i32) (table.fill $t (local.get 0) (ref.null func) (local.get 1)))
  (func (export "tcopy") (param i32 i32) (table.copy $t $t (local.get 0) (i32.const 0) (local.get 1)))
  (func (export "tinit") (param i32 i32) (table.init $t $e (local.get 0) (i32.const 0) (local.get 1)))
  (func (export "grow") (param i32 i32) nop (drop (memory.grow (local.get 1))))
  (func (export "tgrow") (param i32 i32) (drop (table.grow $t (ref.null func) (local.get 1)))))`;

/** Each bulk export's base price: 3 operand operators + the operator + end. */
const BULK_BASE = 5n;

Deno.test("fuel: bulk operations pay per byte and per element", () => {
  const cases: [name: string, n: number, extra: bigint][] = [
    ["fill", 128, 2n], // 128 bytes / 64
    ["fill", 63, 0n],
    ["copy", 640, 10n],
    ["init", 128, 2n],
    ["tfill", 32, 2n], // 32 elements / 16
    ["tcopy", 47, 2n],
    ["tinit", 32, 2n],
    ["grow", 2, 2048n], // 2 pages of 65536 bytes / 64
    ["tgrow", 40, 2n], // 40 elements / 16
  ];
  for (const mode of ["lazy", "eager"] as const) {
    for (const [name, n, extra] of cases) {
      const { store, instance } = setup(BULK, { fuelConsumptionMode: mode });
      const used = fuelOf(store, instance, [Val.i32(0), Val.i32(n)], name);
      assert.equal(used, BULK_BASE + extra, `${mode} ${name} ${n}`);
    }
  }
  const { store, instance } = setup(BULK, { fuelCosts: { bytesPerFuel: 1, elementsPerFuel: 2 } });
  assert.equal(fuelOf(store, instance, [Val.i32(0), Val.i32(10)], "fill"), BULK_BASE + 10n);
  assert.equal(fuelOf(store, instance, [Val.i32(0), Val.i32(10)], "tfill"), BULK_BASE + 5n);
  assert.equal(fuelOf(store, instance, [Val.i32(0), Val.i32(10)], "tgrow"), BULK_BASE + 5n);
});

Deno.test("fuel: a growth that gives -1 pays nothing extra in lazy mode, all of it in eager", () => {
  // The memory has no maximum but the default limits; the table grows past 10,000,000.
  for (
    const [mode, grow, tgrow] of [["lazy", 0n, 0n], ["eager", 1024n * 65536n, 1_250_000n]] as const
  ) {
    const { store, instance } = setup(BULK, { fuelConsumptionMode: mode });
    store.setFuel(10n ** 12n);
    instance.getFunc(store, "grow")!.call(store, [Val.i32(0), Val.i32(65536)]);
    assert.equal(10n ** 12n - store.getFuel(), BULK_BASE + grow, `${mode} memory.grow`);
    store.setFuel(10n ** 12n);
    instance.getFunc(store, "tgrow")!.call(store, [Val.i32(0), Val.i32(20_000_000)]);
    assert.equal(10n ** 12n - store.getFuel(), BULK_BASE + tgrow, `${mode} table.grow`);
    assert.equal(instance.getMemory(store, "mem")!.size(store), 1, "nothing grew");
  }
});

Deno.test("fuel: a huge table.grow cannot be had for the price of one operator", () => {
  const { store, instance } = setup(BULK);
  store.setFuel(1000);
  const call = instance.getFunc(store, "tgrow")!.callResumable(store, [
    Val.i32(0),
    Val.i32(1_000_000),
  ]);
  assert.equal(call.kind, "outOfFuel");
  assert.equal(call.requiredFuel, 62_500n, "1,000,000 elements / 16");
  assert.equal(store.getFuel(), 1000n - BULK_BASE, "nothing paid for the elements yet");
  store.setFuel(store.getFuel() + call.requiredFuel);
  assert.equal(call.resume(store).kind, "finished");
  assert.equal(store.getFuel(), 1000n - BULK_BASE, "paid on resuming");
  assert.equal(instance.getTable(store, "t")!.size(store), 64 + 1_000_000);
});

Deno.test("fuel: lazy mode charges a failing bulk operation nothing extra, eager mode charges", () => {
  for (const [mode, extra] of [["lazy", 0n], ["eager", 2n]] as const) {
    for (const name of ["fill", "copy", "init", "tfill", "tcopy", "tinit"]) {
      const { store, instance } = setup(BULK, { fuelConsumptionMode: mode });
      store.setFuel(1000);
      const n = name.startsWith("t") ? 32 : 128;
      // Out of bounds: the destination starts past the end.
      assert.throws(
        () => instance.getFunc(store, name)!.call(store, [Val.i32(1 << 20), Val.i32(n)]),
        Trap,
      );
      assert.equal(1000n - store.getFuel(), BULK_BASE + extra, `${mode} ${name}`);
    }
  }
});

Deno.test("fuel: a bulk operation that cannot pay stops before running, and resumes", () => {
  for (const mode of ["lazy", "eager"] as const) {
    const { store, instance } = setup(BULK, { fuelConsumptionMode: mode });
    const mem = instance.getMemory(store, "mem")!;
    store.setFuel(BULK_BASE + 1n);
    const call = instance.getFunc(store, "fill")!.callResumable(store, [Val.i32(0), Val.i32(128)]);
    assert.equal(call.kind, "outOfFuel");
    assert.equal(call.requiredFuel, 2n);
    assert.equal(store.getFuel(), 1n, "the region was paid, the bytes not");
    assert.equal(mem.data(store)[0], 0, "nothing was filled");
    store.setFuel(store.getFuel() + call.requiredFuel);
    const done = call.resume(store);
    assert.equal(done.kind, "finished");
    assert.equal(mem.data(store)[127], 7);
    assert.equal(store.getFuel(), 1n);
    // A plain call traps instead.
    store.setFuel(BULK_BASE + 1n);
    assert.throws(
      () => instance.getFunc(store, "fill")!.call(store, [Val.i32(0), Val.i32(128)]),
      (e) => e instanceof Trap && e.code === TrapCode.OutOfFuel,
    );
  }
});

Deno.test("fuel: Config rejects bad prices", () => {
  assert.throws(() => new Config({ fuelCosts: { bytesPerFuel: 0 } }), RangeError);
  assert.throws(() => new Config({ fuelCosts: { base: -1 } }), RangeError);
  assert.throws(() => new Config({ fuelCosts: { call: 1.5 } }), RangeError);
  assert.equal(new Config({ fuelCosts: { base: 0 } }).fuelCosts.bytesPerFuel, 64);
});

Deno.test("fuel: host functions defined on a store with fuel count only their call", () => {
  const engine = new Engine(new Config({ consumeFuel: true }));
  const store = new Store(engine, null);
  const f = Func.wrap(store, { params: [], results: ["i32"] }, () => 3);
  store.setFuel(0);
  assert.equal(f.call(store, [])[0]!.value, 3, "a host function called directly costs nothing");
});

const IF_ELSE = "(if (local.get 0) (then (i32.store (i32.const 0) (i32.const 5))) " +
  "(else (i32.store (i32.const 0) (i32.const 6)) nop nop))";
const IF_THEN = "(if (local.get 0) (then (i32.store (i32.const 0) (i32.const 5))))";

// Branches that pay the charge they land on (a loop's back edge, a `br_if` to a loop header,
// the branch into an if's arms; without an else it stays a plain branch): for each, the charges in order, what memory word 0 holds before
// each of them, and after the call.
const LANDINGS: [body: string, arg: number, charges: number[], before: number[], after: number][] =
  [
    [
      "(block $out (loop $l (br_if $out (i32.eqz (local.get 0))) " +
      "(i32.store (i32.const 0) (local.get 0)) " +
      "(local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br $l)))",
      2,
      [5, 11, 11, 11],
      [0, 0, 2, 1],
      1,
    ],
    [
      "(loop $l (i32.store (i32.const 0) (local.get 0)) " +
      "(br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))",
      3,
      [3, 8, 8, 8],
      [0, 0, 3, 2],
      1,
    ],
    [
      "(i32.store (i32.const 0) (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) " +
      "(then (i32.const 7)) (else (i32.const 9) nop nop)))",
      5,
      [8, 3],
      [0, 0],
      9,
    ],
    [
      "(i32.store (i32.const 0) (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) " +
      "(then (i32.const 7)) (else (i32.const 9) nop nop)))",
      1,
      [8, 2],
      [0, 0],
      7,
    ],
    // The counter's step fused into the back edge (`I32AddImmBrIfLtUPay`), and into a `br_if`
    // to the loop header (`I32AddImmBrIfNePay`).
    [
      "(local i32) (block $out (loop $l (br_if $out (i32.ge_u (local.get 1) (local.get 0))) " +
      "(i32.store (i32.const 0) (i32.add (local.get 1) (i32.const 10))) " +
      "(local.set 1 (i32.add (local.get 1) (i32.const 1))) (br $l)))",
      2,
      [5, 14, 14, 14],
      [0, 0, 10, 11],
      11,
    ],
    [
      "(local i32) (local.set 1 (local.get 0)) (local.set 0 (i32.const 0)) " +
      "(loop $l (i32.store (i32.const 0) (i32.add (local.get 0) (i32.const 10))) " +
      "(br_if $l (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (local.get 1))))",
      2,
      [7, 12, 12],
      [0, 0, 10],
      11,
    ],
    [IF_ELSE, 1, [4, 4], [0, 0], 5],
    [IF_ELSE, 0, [4, 5], [0, 0], 6],
    [IF_THEN, 1, [4, 3], [0, 0], 5],
    [IF_THEN, 0, [4], [0], 0],
  ];

Deno.test("fuel: a branch paying its target's charge stops before it with every budget", () => {
  for (const executionTier of ["interpreter", "codegen"] as const) {
    for (const [body, arg, charges, before, after] of LANDINGS) {
      const total = charges.reduce((a, b) => a + b, 0);
      for (let budget = 0; budget <= total; budget++) {
        const { store, instance } = setup(
          `(module (memory (export "mem") 1) (func (export "run") (param i32) ${body}))`,
          { executionTier },
        );
        const word = () =>
          new DataView(instance.getMemory(store, "mem")!.data(store).buffer).getInt32(0, true);
        const where = `${executionTier}, ${body} (${arg}), budget ${budget}`;
        store.setFuel(budget);
        const call = instance.getFunc(store, "run")!.callResumable(store, [Val.i32(arg)]);
        if (budget === total) {
          assert.equal(call.kind, "finished", where);
        } else {
          // The first charge the budget cannot pay, and what was paid before it.
          let k = 0;
          let paid = 0;
          while (paid + charges[k]! <= budget) paid += charges[k++]!;
          assert.equal(call.kind, "outOfFuel", where);
          if (call.kind !== "outOfFuel") continue;
          assert.equal(call.requiredFuel, BigInt(charges[k]!), where);
          assert.equal(store.getFuel(), BigInt(budget - paid), where);
          assert.equal(word(), before[k], where);
          store.setFuel(1000);
          assert.equal(call.resume(store).kind, "finished", where);
          assert.equal(store.getFuel(), BigInt(1000 - (total - paid)), where);
        }
        assert.equal(word(), after, where);
      }
    }
  }
});
