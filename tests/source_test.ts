/**
 * Checks on the source tree itself.
 */
import assert from "node:assert/strict";

/** The one line outside src/webassembly/ that names the host's `WebAssembly` (codegen_lean.ts). */
const LEAN_PROBE =
  'return typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === "undefined";';

Deno.test("no source file in src/ uses the host's WebAssembly object", async () => {
  const offenders: string[] = [];
  const walk = async (dir: URL) => {
    for await (const entry of Deno.readDir(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) await walk(url);
      else if (entry.name.endsWith(".ts")) {
        const code = (await Deno.readTextFile(url))
          .replace(/\/\*[\s\S]*?\*\//g, "") // comments may mention it
          .replace(/\/\/.*$/gm, "")
          // `Config.codegenStyle: "auto"` looks whether the global exists, nothing more.
          .replace(LEAN_PROBE, "");
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

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string } }[];
}

/**
 * The value (non-type) imports between the modules under `src/`, from `deno info --json` on a
 * scratch module that imports every one of them.
 */
async function srcImportGraph(): Promise<Map<string, string[]>> {
  const src = new URL("../src/", import.meta.url);
  const files: string[] = [];
  const walk = async (dir: URL) => {
    for await (const entry of Deno.readDir(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) await walk(url);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) files.push(url.href);
    }
  };
  await walk(src);
  const all = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(all, files.map((f) => `import "${f}";\n`).join(""));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", new URL("../deno.json", import.meta.url).pathname, all],
      stdout: "piped",
      stderr: "null",
    }).output();
    assert.ok(out.success, "deno info failed");
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: InfoModule[] };
    const graph = new Map<string, string[]>();
    for (const m of info.modules) {
      if (!m.specifier.startsWith(src.href)) continue;
      const deps = (m.dependencies ?? []).map((d) => d.code?.specifier)
        .filter((s): s is string => s !== undefined && s.startsWith(src.href));
      graph.set(m.specifier.slice(src.href.length), deps.map((s) => s.slice(src.href.length)));
    }
    assert.equal(graph.size, files.length, "every module of src/ is in the graph");
    return graph;
  } finally {
    await Deno.remove(all);
  }
}

/** One cycle of `graph`, as the path around it, or null when it has none. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  // Iterative depth-first search: each frame is a module and the index of its next import.
  for (const start of graph.keys()) {
    if (state.has(start)) continue;
    const frames: [string, number][] = [[start, 0]];
    state.set(start, "open");
    path.push(start);
    while (frames.length > 0) {
      const top = frames[frames.length - 1]!;
      const deps = graph.get(top[0]) ?? [];
      if (top[1] === deps.length) {
        state.set(top[0], "done");
        frames.pop();
        path.pop();
        continue;
      }
      const next = deps[top[1]++]!;
      if (state.get(next) === "open") return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        state.set(next, "open");
        path.push(next);
        frames.push([next, 0]);
      }
    }
  }
  return null;
}

Deno.test("src/ has no import cycle (type-only imports aside)", async () => {
  const graph = await srcImportGraph();
  assert.equal(findCycle(graph)?.join(" -> ") ?? null, null);
});

Deno.test("the cycle check finds a cycle", () => {
  const graph = new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", ["a.ts"]]]);
  assert.deepEqual(findCycle(graph), ["a.ts", "b.ts", "c.ts", "a.ts"]);
  assert.equal(findCycle(new Map([["a.ts", ["b.ts"]], ["b.ts", []]])), null);
});
