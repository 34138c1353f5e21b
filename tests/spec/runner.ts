/**
 * Runs a script's commands against a `SpecHost` and records one result per command.
 *
 * @module
 */

import type { HostInstance, HostModule, InvokeOutcome, SpecHost } from "./host.ts";
import type { Action, Command, CommandKind, ModuleDef } from "./script.ts";
import { type Expected, formatExpected, formatValue, matches } from "./values.ts";
import { moduleBinary, WatError } from "./wat.ts";

/** How a command fared. */
export type Status = "passed" | "failed" | "skipped";

/**
 * Observations that do not change a case's status:
 * - `message-mismatch`: the right kind of error, with a message other than the script's.
 * - `text-parser-rejected`: an `assert_malformed` text module was already refused by wabt.
 * - `wabt-failed`: wabt could not convert a text module the case needed (the case failed).
 */
export type NoteKind = "message-mismatch" | "text-parser-rejected" | "wabt-failed";

/** One observation about a case. */
export interface Note {
  readonly kind: NoteKind;
  readonly detail: string;
}

/** What a result is about: a command, or the whole script when it could not be parsed. */
export type ResultKind = CommandKind | "script";

/** The result of one command. */
export interface CaseResult {
  readonly file: string;
  readonly line: number;
  readonly kind: ResultKind;
  readonly status: Status;
  /** Why it failed or was skipped. */
  readonly reason?: string;
  readonly notes: readonly Note[];
}

/** Options of `runCommands`. */
export interface RunOptions {
  /**
   * Run only the command spanning this line, after replaying the `module`, `register` and bare
   * action commands before it (the state it depends on). Setup commands are reported only if
   * they fail.
   */
  readonly line?: number;
}

/** A command's verdict before it is stamped with file, line and kind. */
interface Verdict {
  readonly status: Status;
  readonly reason?: string;
  readonly notes?: readonly Note[];
}

const passed = (notes: readonly Note[] = []): Verdict => ({ status: "passed", notes });
const failed = (reason: string, notes: readonly Note[] = []): Verdict => ({
  status: "failed",
  reason,
  notes,
});

/** A compiled module, or the verdict on why it did not compile. */
type Compiled =
  | { readonly ok: true; readonly module: HostModule }
  | { readonly ok: false; readonly verdict: Verdict };

/** The state a `module` command leaves for the actions that follow it. */
interface ModuleState {
  readonly line: number;
  readonly instance?: HostInstance;
  /** Why there is no instance (compile or instantiation failure, or no execution). */
  readonly unavailable?: string;
}

/** Instantiation failures `assert_trap` / `assert_uninstantiable` of a module accept. */
const FAILED_START: readonly string[] = ["trap", "uninstantiable"];
/** The instantiation failure `assert_unlinkable` accepts. */
const UNLINKABLE: readonly string[] = ["unlinkable"];

/** The script's messages for traps that engines legitimately word differently. */
const TRAP_MESSAGE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  // The reference interpreter says "undefined element" for a `call_indirect` index past the
  // table's end; wasmi (and so this library) reports it as an out-of-bounds table access.
  "undefined element": ["out of bounds table access"],
};

/**
 * True if an actual error or trap message satisfies the script's expected message: the
 * expected text occurs in it, or it is a prefix of the expected text (the script's message
 * may carry details such as an index), or it is a known alias.
 */
export function messageMatches(expected: string, actual: string): boolean {
  if (actual.includes(expected)) return true;
  if (actual !== "" && expected.startsWith(actual)) return true;
  return (TRAP_MESSAGE_ALIASES[expected] ?? []).some((alias) => actual.includes(alias));
}

function mismatchNotes(expected: string, actual: string): Note[] {
  if (messageMatches(expected, actual)) return [];
  return [{ kind: "message-mismatch", detail: `expected "${expected}", got "${actual}"` }];
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Commands that build the state later commands depend on, replayed before a selected line. */
function isSetup(command: Command): boolean {
  return command.kind === "module" || command.kind === "register" || command.kind === "invoke" ||
    command.kind === "get";
}

/**
 * Runs commands in order against a host.
 *
 * @param commands one script's commands
 * @param host a fresh host for this script
 * @param options select a single case by line
 * @returns one result per command run (see `RunOptions.line` for selections)
 * @throws {Error} if `options.line` is given and no command spans that line
 */
export function runCommands(
  commands: readonly Command[],
  host: SpecHost,
  options: RunOptions = {},
): CaseResult[] {
  const run = new ScriptRun(host);
  if (options.line === undefined) return commands.map((command) => run.run(command));
  const line = options.line;
  const index = commands.findIndex((command) => command.line <= line && line <= command.endLine);
  if (index < 0) throw new Error(`no command at line ${line}`);
  const setupFailures = commands.slice(0, index).filter(isSetup).map((command) => run.run(command))
    .filter((result) => result.status === "failed");
  return [...setupFailures, run.run(commands[index])];
}

/** The state of one script being run: the host and the modules defined so far. */
class ScriptRun {
  #current: ModuleState | undefined;
  readonly #named = new Map<string, ModuleState>();

  constructor(readonly host: SpecHost) {}

  /** Runs one command; exceptions from the host become failures. */
  run(command: Command): CaseResult {
    let verdict: Verdict;
    try {
      verdict = this.#dispatch(command);
    } catch (error) {
      verdict = failed(`unexpected error: ${describe(error)}`);
    }
    const { file, line, kind } = command;
    return {
      file,
      line,
      kind,
      status: verdict.status,
      reason: verdict.reason,
      notes: verdict.notes ?? [],
    };
  }

  #dispatch(command: Command): Verdict {
    switch (command.kind) {
      case "module":
        return this.#module(command.module);
      case "assert_malformed":
        return this.#assertMalformed(command.module, command.message);
      case "assert_invalid":
        return this.#assertInvalid(command.module, command.message);
    }
    switch (command.kind) {
      case "register":
        return this.#register(command.as, command.module);
      case "invoke":
      case "get":
        return this.#action(command.action);
      case "assert_return":
        return this.#assertReturn(command.action, command.expected);
      case "assert_trap":
      case "assert_uninstantiable":
        return command.target.kind === "module"
          ? this.#assertInstantiationFails(command.target, command.message, FAILED_START)
          : this.#assertActionTraps(command.target, command.message);
      case "assert_exhaustion":
        return this.#assertActionTraps(command.action, command.message);
      case "assert_unlinkable":
        return this.#assertInstantiationFails(command.module, command.message, UNLINKABLE);
    }
  }

  /** The module's binary (through wabt for text), or wabt's error if it refused the text. */
  #binary(def: ModuleDef): Uint8Array | WatError {
    try {
      return moduleBinary(`${def.line}.wat`, def.source);
    } catch (error) {
      if (error instanceof WatError) return error;
      throw error;
    }
  }

  /** Converts and compiles a module; a failed verdict says why it did not compile. */
  #compile(def: ModuleDef): Compiled {
    const bytes = this.#binary(def);
    if (bytes instanceof WatError) return { ok: false, verdict: wabtFailure(bytes) };
    const outcome = this.host.compile(bytes);
    if (!outcome.ok) {
      return { ok: false, verdict: failed(`${outcome.stage} error: ${outcome.message}`) };
    }
    return { ok: true, module: outcome.module };
  }

  #define(def: ModuleDef, state: ModuleState): void {
    this.#current = state;
    if (def.name !== undefined) this.#named.set(def.name, state);
  }

  #module(def: ModuleDef): Verdict {
    try {
      return this.#defineModule(def);
    } catch (error) {
      // Later actions must not fall back to the previous module.
      this.#define(def, { line: def.line, unavailable: `unexpected error: ${describe(error)}` });
      throw error;
    }
  }

  #defineModule(def: ModuleDef): Verdict {
    const compiled = this.#compile(def);
    if (!compiled.ok) {
      this.#define(def, { line: def.line, unavailable: compiled.verdict.reason });
      return compiled.verdict;
    }
    const outcome = this.host.instantiate(compiled.module);
    if (!outcome.ok) {
      const reason = `instantiation failed (${outcome.stage}): ${outcome.message}`;
      this.#define(def, { line: def.line, unavailable: reason });
      return failed(reason);
    }
    this.#define(def, { line: def.line, instance: outcome.instance });
    return passed();
  }

  #assertMalformed(def: ModuleDef, message: string): Verdict {
    const bytes = this.#binary(def);
    if (bytes instanceof WatError) {
      return passed([{ kind: "text-parser-rejected", detail: bytes.message }]);
    }
    const outcome = this.host.compile(bytes);
    if (outcome.ok) return failed("module was accepted (expected a DecodeError)");
    if (outcome.stage !== "decode") {
      return failed(`expected a DecodeError, got a ValidationError: ${outcome.message}`);
    }
    return passed(mismatchNotes(message, outcome.message));
  }

  #assertInvalid(def: ModuleDef, message: string): Verdict {
    const bytes = this.#binary(def);
    if (bytes instanceof WatError) return wabtFailure(bytes);
    const outcome = this.host.compile(bytes);
    if (outcome.ok) return failed("module was accepted (expected a ValidationError)");
    if (outcome.stage !== "validate") {
      return failed(`expected a ValidationError, got a DecodeError: ${outcome.message}`);
    }
    return passed(mismatchNotes(message, outcome.message));
  }

  #assertInstantiationFails(
    def: ModuleDef,
    message: string,
    stages: readonly string[],
  ): Verdict {
    const compiled = this.#compile(def);
    if (!compiled.ok) return compiled.verdict;
    const outcome = this.host.instantiate(compiled.module);
    if (outcome.ok) return failed(`module instantiated (expected ${stages.join(" or ")})`);
    if (!stages.includes(outcome.stage)) {
      return failed(`expected ${stages.join(" or ")}, got ${outcome.stage}: ${outcome.message}`);
    }
    if (outcome.stage === "trap" && !messageMatches(message, outcome.message)) {
      return failed(`expected trap "${message}", got "${outcome.message}"`);
    }
    return passed(mismatchNotes(message, outcome.message));
  }

  #register(as: string, name: string | undefined): Verdict {
    const instance = this.#instance(name);
    if (typeof instance === "string") return failed(instance);
    this.host.register(as, instance);
    return passed();
  }

  /** The instance an action or registration names, or why there is none. */
  #instance(name: string | undefined): HostInstance | string {
    const state = name === undefined ? this.#current : this.#named.get(name);
    if (state === undefined) return `no module ${name ?? "defined"} before this command`;
    if (state.instance === undefined) {
      return `module at line ${state.line} is unavailable: ${state.unavailable}`;
    }
    return state.instance;
  }

  /** Performs an action: a function call, or a global read (which cannot trap). */
  #perform(action: Action): InvokeOutcome | string {
    const instance = this.#instance(action.module);
    if (typeof instance === "string") return instance;
    if (action.kind === "get") {
      return { ok: true, results: [this.host.getGlobal(instance, action.field)] };
    }
    return this.host.invoke(instance, action.field, action.args);
  }

  #action(action: Action): Verdict {
    const outcome = this.#perform(action);
    if (typeof outcome === "string") return failed(outcome);
    return outcome.ok ? passed() : failed(`unexpected trap: ${outcome.trap}`);
  }

  #assertReturn(action: Action, expected: readonly Expected[]): Verdict {
    const outcome = this.#perform(action);
    if (typeof outcome === "string") return failed(outcome);
    if (!outcome.ok) return failed(`unexpected trap: ${outcome.trap}`);
    const results = outcome.results;
    const allMatch = results.length === expected.length &&
      expected.every((want, i) => matches(want, results[i]));
    if (allMatch) return passed();
    return failed(
      `expected [${expected.map(formatExpected).join(", ")}], ` +
        `got [${results.map(formatValue).join(", ")}]`,
    );
  }

  #assertActionTraps(action: Action, message: string): Verdict {
    const outcome = this.#perform(action);
    if (typeof outcome === "string") return failed(outcome);
    if (outcome.ok) {
      return failed(
        `expected trap "${message}", got [${outcome.results.map(formatValue).join(", ")}]`,
      );
    }
    if (!messageMatches(message, outcome.trap)) {
      return failed(`expected trap "${message}", got trap "${outcome.trap}"`);
    }
    return passed();
  }
}

function wabtFailure(error: WatError): Verdict {
  return failed(`wabt could not produce a binary: ${error.message}`, [
    { kind: "wabt-failed", detail: error.message },
  ]);
}
