import { rootWastFiles, runWastFile, testsuiteDir } from "../spec/suite.ts";
import { summarizeFile } from "../spec/summary.ts";
import { createHost } from "./_spec_host.ts";
import { join } from "node:path";
const dir = testsuiteDir();
const only = Deno.args;
let tp = 0, tf = 0, ts = 0;
const fails: string[] = [];
for (const name of rootWastFiles(dir)) {
  if (only.length && !only.some((o) => name.includes(o))) continue;
  const t0 = performance.now();
  let results;
  try {
    results = runWastFile(join(dir, name), name, { hostFactory: createHost as any });
  } catch (e) { console.log(name, "CRASH", e); continue; }
  const s = summarizeFile(results);
  tp += s.passed; tf += s.failed; ts += s.skipped;
  console.log(name.padEnd(40), s.passed, s.failed, s.skipped, (performance.now() - t0).toFixed(0) + "ms");
  for (const r of results) if (r.status === "failed") fails.push(`${name}:${r.line} ${r.kind} ${r.reason}`);
}
console.log("total", tp, tf, ts);
Deno.writeTextFileSync("/tmp/spec_fails.txt", fails.join("\n"));
