/**
 * `scripts/bench_warmup.ts`: its command line, the figures it takes from a child's report (wall
 * and CPU, first call against the median of the warm ones), the least-of-rounds row it prints and
 * writes to `--json`, and one real child process measuring a small workload.
 */

import assert from "node:assert/strict";
import {
  type ChildReport,
  combineRounds,
  findReport,
  parseWarmupArgs,
  perProcess,
  roundFigures,
} from "../../scripts/bench_warmup.ts";

Deno.test("bench_warmup: parseWarmupArgs reads defaults, filters, the tree and bad numbers", () => {
  const plain = parseWarmupArgs([]);
  assert.deepEqual(
    [plain.filters, plain.scale, plain.calls, plain.rounds, plain.tier, plain.fuel, plain.tree],
    [[], 1, 6, 2, undefined, false, undefined],
  );
  const o = parseWarmupArgs([
    "--filter",
    "vec_bytes,,lz",
    "--scale",
    "0.5",
    "--calls",
    "1",
    "--rounds",
    "3",
    "--tier",
    "auto",
    "--fuel",
    "--json",
    "out.json",
    "--tree",
    "../main",
  ]);
  // At least two calls: the first and one warm one.
  assert.deepEqual(
    [o.filters, o.scale, o.calls, o.rounds, o.tier, o.fuel, o.json, o.tree],
    [["vec_bytes", "lz"], 0.5, 2, 3, "auto", true, "out.json", "../main"],
  );
  assert.throws(() => parseWarmupArgs(["--scale", "x"]), /--scale: expected a positive number/);
  assert.throws(() => parseWarmupArgs(["--rounds", "0"]), /--rounds: expected a positive number/);
  assert.throws(() => parseWarmupArgs(["--bogus"]));
  assert.equal(plain.help, false);
  assert.equal(parseWarmupArgs(["--help"]).help, true);
});

const report = (first: number, firstCpu: number): ChildReport => ({
  wasmi: [first, 10, 30, 20],
  wasmiCpu: [firstCpu, 8, 4, 6],
  native: [4, 1, 2, 3],
  nativeCpu: [6, 2, 3, 4],
  loadMs: 5,
  loadCpu: 3,
});

Deno.test("bench_warmup: round figures are first / median of the warm calls, wall and CPU", () => {
  const r = roundFigures(report(100, 60));
  assert.deepEqual(r, {
    firstMs: 100,
    warmMs: 20,
    ratio: 5,
    firstCpu: 60,
    warmCpu: 6,
    cpuRatio: 10,
    loadCpu: 3,
    native: 2,
    nativeCpu: 2,
  });
});

Deno.test("bench_warmup: a row takes the least of each figure and keeps every round (JSON shape)", () => {
  const a = roundFigures(report(100, 60));
  const b = roundFigures(report(50, 90));
  const row = combineRounds("vec_bytes", [a, b]);
  // Least first wall from b, least CPU ratio from a: each figure on its own.
  assert.equal(row.firstMs, 50);
  assert.equal(row.ratio, 2.5);
  assert.equal(row.firstCpu, 60);
  assert.equal(row.cpuRatio, 10);
  const json = JSON.parse(JSON.stringify(row));
  assert.deepEqual(Object.keys(json).sort(), [
    "cpuRatio",
    "firstCpu",
    "firstMs",
    "loadCpu",
    "name",
    "native",
    "nativeCpu",
    "ratio",
    "rounds",
    "warmCpu",
    "warmMs",
  ]);
  assert.deepEqual(json.rounds, [a, b]);
});

Deno.test("bench_warmup: findReport finds the report inside tracing output", () => {
  const text = `[trace] x\n[compiling {"wasmi":[1,2],"wasmiCpu":[1,1],"native":[1,1],` +
    `"nativeCpu":[1,1],"loadMs":1,"loadCpu":0.5} more]\n`;
  const found = findReport(text);
  assert.ok(found !== null);
  assert.deepEqual(found.report.wasmi, [1, 2]);
  assert.equal(found.report.loadCpu, 0.5);
  assert.equal(findReport("nothing"), null);
});

Deno.test("bench_warmup: a child process reports wall and CPU times of each call", async () => {
  const script = new URL("../../scripts/bench_warmup.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", script, "--child", "fib", "--scale", "0.01"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const found = findReport(new TextDecoder().decode(out.stdout));
  assert.ok(found !== null);
  const r = found.report;
  for (const times of [r.wasmi, r.wasmiCpu, r.native, r.nativeCpu]) {
    assert.equal(times.length, 6);
    assert.ok(times.every((t) => Number.isFinite(t) && t >= 0));
  }
  // Compiling and instantiating take some CPU; a call's CPU time is counted (the first fib call
  // runs for milliseconds in a fresh process).
  assert.ok(r.loadCpu > 0 && r.wasmiCpu[0]! > 0);
});

Deno.test("bench_warmup: the per-process summary gives the median, range and count over 3x of wall first/warm", () => {
  // Wall ratios 5, 2.5, 2, 4: first 100, 50, 40, 80 against a warm median of 20.
  const rounds = [100, 50, 40, 80].map((first) => roundFigures(report(first, 60)));
  const row = combineRounds("exceptions", rounds);
  assert.equal(row.ratio, 2); // the table's least
  assert.deepEqual(perProcess(row), { median: 3.25, min: 2, max: 5, over: 2 });
  assert.equal(perProcess(row, 4.5).over, 1);
});
