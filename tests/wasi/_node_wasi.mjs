// Runs a WASI program on V8's own WebAssembly with Node's `node:wasi`: the reference that
// `clang_test.ts` compares `wasmi-ts run` with. Usage:
//   node _node_wasi.mjs '{"file":..., "args":[...], "env":{...}, "preopens":{"guest":"host"}}'
import { readFileSync } from "node:fs";
import process from "node:process";
import { WASI } from "node:wasi";

const { file, args, env, preopens } = JSON.parse(process.argv[2]);
const wasi = new WASI({
  version: "preview1",
  args: [file, ...args],
  env,
  preopens,
  returnOnExit: true,
});
const { instance } = await WebAssembly.instantiate(readFileSync(file), wasi.getImportObject());
process.exitCode = wasi.start(instance);
