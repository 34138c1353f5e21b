/**
 * The browser test's page script, bundled with the library by `deno bundle`: reads the module's
 * bytes from the page, runs the demo, and writes a JSON report into `#result` for
 * `chromium --dump-dom` to print.
 *
 * @module
 */

import * as wasmi from "../../mod.ts";
import { runDemo } from "./_demo.ts";

function report(data: Record<string, unknown>): void {
  const hostWasm = {
    typeofWebAssembly: typeof WebAssembly,
    webAssemblyInGlobalThis: "WebAssembly" in globalThis,
  };
  document.getElementById("result")!.textContent = JSON.stringify({ ...hostWasm, ...data });
}

try {
  const base64 = document.getElementById("wasm")!.textContent!.trim();
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  // The tier `auto` picks in this page: `codegen`, or `interpreter` under a CSP without
  // 'unsafe-eval'.
  report({ result: runDemo(wasmi, bytes), tier: new wasmi.Engine().executionTier });
} catch (e) {
  report({ error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) });
}
