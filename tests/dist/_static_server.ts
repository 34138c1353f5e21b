/**
 * A static file server on 127.0.0.1, run as a child process so that the tests need no network
 * permission themselves (`deno task test` grants none). `startStaticServer` spawns it and waits
 * for its port; the child exits when told to, when its stdin closes (the test process died), or
 * after `--ttl` seconds, whichever comes first.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-read tests/dist/_static_server.ts <root> [--ttl 120]
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const CONTENT_TYPES: Record<string, string> = {
  ".ts": "application/typescript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".wat": "text/plain; charset=utf-8",
};

/** A running server and how to stop it. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  origin: string;
  /** The port it listens on. */
  port: number;
  /** Stops the server and waits for the process to end. */
  close(): Promise<void>;
}

/** Serves `root` from a child process; resolves once it listens. */
export async function startStaticServer(root: string, ttlSeconds = 120): Promise<StaticServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      `--allow-read=${root}`,
      fileURLToPath(import.meta.url),
      root,
      "--ttl",
      String(ttlSeconds),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/listening (\d+)\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) {
      await child.status;
      throw new Error(`The static server exited before listening: ${text}`);
    }
    text += value;
  }
  const port = Number(/listening (\d+)\n/.exec(text)![1]);
  // Keep draining stdout so the child never blocks on a full pipe.
  const drained = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })();
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    async close() {
      try {
        await child.stdin.close();
      } catch { /* already closed */ }
      try {
        child.kill("SIGTERM");
      } catch { /* already exited */ }
      await child.status;
      await drained;
    },
  };
}

async function serve(root: string, ttlSeconds: number): Promise<void> {
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(`listening ${port}`),
  }, async (request) => {
    const path = normalize(decodeURIComponent(new URL(request.url).pathname));
    if (path.split("/").includes("..")) return new Response("Forbidden", { status: 403 });
    const file = join(root, path.endsWith("/") ? `${path}index.html` : path);
    try {
      const body = await Deno.readFile(file);
      const type = CONTENT_TYPES[extname(file)] ?? "application/octet-stream";
      return new Response(body, { headers: { "content-type": type } });
    } catch {
      return new Response("Not found", { status: 404 });
    }
  });
  const timer = setTimeout(() => server.shutdown(), ttlSeconds * 1000);
  // The parent holds our stdin; when it closes (or the parent dies), stop.
  void (async () => {
    for await (const _ of Deno.stdin.readable) { /* ignore input */ }
    await server.shutdown();
  })();
  await server.finished;
  clearTimeout(timer);
  // The stdin reader may still be pending; it must not keep the process alive.
  Deno.exit(0);
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { ttl: { type: "string", default: "120" } },
  });
  const root = positionals[0];
  if (root === undefined) {
    console.error("Usage: _static_server.ts <root> [--ttl seconds]");
    Deno.exit(2);
  }
  await serve(root, Number(values.ttl));
}
