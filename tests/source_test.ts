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
  assert.deepEqual(offenders, []);
});
