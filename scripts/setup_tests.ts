/**
 * Gets what the tests need from outside the repository (`deno task setup:tests`, run by
 * `deno task ok` before the tests):
 *
 * - the official testsuites (`tests/_lib/testsuites.ts`): from `$WASM_TESTSUITE`,
 *   `$WASI_TESTSUITE`, `$WASM_JS_API`, else `../shared/`, else fetched with git at the pinned
 *   commits into `.testsuites/` (ignored), verified. When one cannot be obtained this exits 1
 *   with one message saying what to fetch, and the tests do not run.
 * - Chromium for the browser test, and clang with wasi-libc for the WASI C programs: installed
 *   with apt where the machine allows (root, or sudo without a password); otherwise one line
 *   says how, and the test that needs them will fail.
 *
 * @module
 */

import { ensureChromium } from "../tests/_lib/chromium.ts";
import { ensureWasiClang } from "../tests/_lib/wasi_clang.ts";
import { obtainTestsuites, TestsuiteMissing } from "../tests/_lib/testsuites.ts";

const log = (line: string) => console.log(`setup: ${line}`);

async function main(): Promise<number> {
  try {
    for (const found of await obtainTestsuites(undefined, { log })) {
      log(`testsuite ${found.dir} (${found.from})`);
    }
  } catch (e) {
    if (!(e instanceof TestsuiteMissing)) throw e;
    console.error(`error: ${e.message}`);
    return 1;
  }
  const chromium = await ensureChromium(log);
  if (chromium !== null) log(`chromium: ${chromium}`);
  if (await ensureWasiClang(log)) log("clang + wasi-libc: found");
  return 0;
}

if (import.meta.main) Deno.exit(await main());
