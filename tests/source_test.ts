/**
 * Checks on the source tree itself.
 */
import assert from "node:assert/strict";

Deno.test("no source file in src/ uses the host's WebAssembly object", async () => {
  const offenders: string[] = [];
  const walk = async (dir: URL) => {
    for await (const entry of Deno.readDir(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) await walk(url);
      else if (entry.name.endsWith(".ts")) {
        const code = (await Deno.readTextFile(url))
          .replace(/\/\*[\s\S]*?\*\//g, "") // comments may mention it
          .replace(/\/\/.*$/gm, "");
        if (/\bWebAssembly\b/.test(code)) offenders.push(url.pathname);
      }
    }
  };
  await walk(new URL("../src/", import.meta.url));
  // src/webassembly/ implements the JS API: it names its own `WebAssembly` namespace, and looks
  // at the host's only in `install()` (whether one is there already).
  const facade = new URL("../src/webassembly/", import.meta.url).pathname;
  assert.deepEqual(offenders.filter((path) => !path.startsWith(facade)), []);
});

Deno.test("src/webassembly/ touches the host's WebAssembly only to see whether it exists", async () => {
  const allowed = [
    "export const WebAssembly: WebAssemblyNamespace = createWebAssembly();",
    "const g = globalThis as { WebAssembly?: unknown };",
    "if (g.WebAssembly !== undefined && !options.force) {",
    "return g.WebAssembly as WebAssemblyNamespace;",
    "const ns = hasOptions ? createWebAssembly(engineOptions) : WebAssembly;",
  ];
  const found: string[] = [];
  for await (const entry of Deno.readDir(new URL("../src/webassembly/", import.meta.url))) {
    if (!entry.name.endsWith(".ts")) continue;
    const code =
      (await Deno.readTextFile(new URL(`../src/webassembly/${entry.name}`, import.meta.url)))
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/\/\/.*$/gm, "")
        .replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
        .replace(/`(?:[^`\\]|\\.)*`/g, "``");
    for (const line of code.split("\n")) {
      if (/\bWebAssembly\b/.test(line) && !allowed.includes(line.trim())) {
        found.push(`${entry.name}: ${line.trim()}`);
      }
    }
  }
  assert.deepEqual(found, []);
});
