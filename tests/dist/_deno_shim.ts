/**
 * `Deno.test` for Node's and Bun's test runners, so that test files written for `deno test` run
 * unchanged there. Node: imported first by each compiled test file (`scripts/build_npm.ts`
 * prepends the import). Bun: `bun test --preload ./tests/dist/_deno_shim.ts`.
 *
 * Steps (`t.step`) run inline, inside their test. Under Deno this module does nothing.
 *
 * @module
 */

type TestFn = (t: StepContext) => void | Promise<void>;

interface TestOptions {
  name?: string;
  fn?: TestFn;
  ignore?: boolean;
  only?: boolean;
}

/** The part of `Deno.TestContext` the shim provides. */
interface StepContext {
  name: string;
  step(nameOrFn: string | TestFn | TestOptions, fn?: TestFn): Promise<boolean>;
}

/** The shape shared by `node:test`'s and `bun:test`'s `test`. */
interface HostTest {
  (name: string, fn: () => unknown): unknown;
  skip(name: string, fn: () => unknown): unknown;
  only(name: string, fn: () => unknown): unknown;
}

/** Folds `Deno.test`'s overloads into one options object. */
function normalize(args: unknown[]): Required<Pick<TestOptions, "name" | "fn">> & TestOptions {
  let options: TestOptions = {};
  for (const arg of args) {
    if (typeof arg === "string") options.name = arg;
    else if (typeof arg === "function") options.fn = arg as TestFn;
    else if (typeof arg === "object" && arg !== null) options = { ...arg, ...options };
  }
  const fn = options.fn;
  if (fn === undefined) throw new TypeError("Deno.test: missing test function");
  const name = options.name ?? fn.name;
  if (name === "") throw new TypeError("Deno.test: the test needs a name");
  return { ...options, name, fn };
}

function context(name: string): StepContext {
  return {
    name,
    async step(nameOrFn, maybeFn) {
      const step = normalize([nameOrFn, maybeFn].filter((a) => a !== undefined));
      if (step.ignore) return false;
      await step.fn(context(step.name));
      return true;
    },
  };
}

if (!("Deno" in globalThis)) {
  // A variable specifier keeps `deno check` from resolving Bun's built-in module.
  const bunTest = "bun:test";
  const host = ("Bun" in globalThis ? await import(bunTest) : await import("node:test")) as {
    test: HostTest;
  };
  const test = (...args: unknown[]): void => {
    const t = normalize(args);
    const run = () => t.fn(context(t.name));
    if (t.ignore) host.test.skip(t.name, run);
    else if (t.only) host.test.only(t.name, run);
    else host.test(t.name, run);
  };
  Object.defineProperty(globalThis, "Deno", { value: { test }, configurable: true });
}
