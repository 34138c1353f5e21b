import assert from "node:assert/strict";
import {
  CommandAssembler,
  openParens,
  splitModuleText,
  tokenize,
  unquote,
} from "../../repl/command_line.ts";

Deno.test("tokenize: whitespace splits, quoted strings stay whole with their quotes", () => {
  assert.deepEqual(tokenize("  call  $m.f 1\t-2 "), ["call", "$m.f", "1", "-2"]);
  assert.deepEqual(tokenize('write 0 "a b\\" c" 1'), ["write", "0", '"a b\\" c"', "1"]);
  assert.deepEqual(tokenize('load "my file.wat" as $x'), ["load", '"my file.wat"', "as", "$x"]);
  assert.throws(() => tokenize('write 0 "open'), /Unterminated string starting at column 9/);
  assert.equal(unquote('"a\\nb"'), "a\nb");
  assert.equal(unquote("plain"), "plain");
});

Deno.test("openParens: ignores strings, line comments and nested block comments", () => {
  assert.equal(openParens("(module"), 1);
  assert.equal(openParens('(module (data "(((") ;; (((\n'), 1);
  assert.equal(openParens("(module (; ( (; ) ;) ( ;) )"), 0);
  assert.equal(openParens("(module (; unclosed"), 2);
  assert.equal(openParens("(a))"), -1);
});

Deno.test("CommandAssembler: one line per command, modules until balanced, comments skipped", () => {
  const a = new CommandAssembler();
  assert.equal(a.push("  # comment"), null);
  assert.equal(a.push(";; comment"), null);
  assert.equal(a.push(""), null);
  assert.equal(a.push(" fib 20 "), "fib 20");
  assert.equal(a.push("(module $m"), null);
  assert.ok(a.continuing);
  assert.equal(a.push("  # not a comment inside a module"), null);
  assert.equal(
    a.push("  (func)) as $x"),
    "(module $m\n  # not a comment inside a module\n  (func)) as $x",
  );
  assert.ok(!a.continuing);
  assert.equal(a.push("(module"), null);
  assert.equal(a.discard(), "(module");
  assert.ok(!a.continuing);
});

Deno.test("splitModuleText: the module, then what follows it", () => {
  assert.deepEqual(splitModuleText('(module (func) (data ")")) as $m'), {
    wat: '(module (func) (data ")"))',
    rest: "as $m",
  });
  assert.deepEqual(splitModuleText("(module"), { wat: "(module", rest: "" });
});
