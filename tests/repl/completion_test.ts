import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { complete } from "../../repl/completion.ts";
import { Session } from "../../repl/session.ts";

const session = new Session();
await session.load(readFileSync(new URL("../../examples/demo.wat", import.meta.url)), {
  origin: "examples/demo.wat",
});
session.register(undefined, "env2");
const files = (dir: string) => dir === "." ? ["examples/", "README.md"] : ["demo.wat", "more/"];
const hits = (line: string) => complete(line, session, files)[0];

Deno.test("complete: command names and the current instance's functions first", () => {
  assert.deepEqual(hits("he"), ["help "]);
  assert.deepEqual(hits("ex"), ["exit", "exports"]);
  assert.deepEqual(hits("fi"), ["fib "]);
  assert.deepEqual(hits("$demo.s"), ["$demo.spin", "$demo.square", "$demo.sum"]);
  assert.deepEqual(complete("ta", session, files), [["table", "table-grow", "table-set"], "ta"]);
});

Deno.test("complete: arguments by what the command expects there", () => {
  assert.deepEqual(hits("help lo"), ["load "]);
  assert.deepEqual(hits("get "), ["$demo.counter", "counter", "env2.counter"]);
  assert.deepEqual(hits("dump "), ["$demo.memory", "env2.memory", "memory"]);
  assert.deepEqual(hits("use $"), ["$demo "]);
  assert.deepEqual(hits("stub e"), ["env.ask "]);
  assert.deepEqual(hits("fuel o"), ["off", "on"]);
  assert.deepEqual(hits("load "), ["README.md", "examples/"]);
  assert.deepEqual(hits("load examples/"), ["examples/demo.wat", "examples/more/"]);
  assert.deepEqual(hits("load x as "), []);
  assert.deepEqual(hits("modules "), []);
  assert.deepEqual(hits("fib 1"), []);
});
