/**
 * How the REPL shows things: types, call outcomes, suspended calls, errors and traps.
 *
 * @module
 */

import {
  DecodeError,
  type ExternType,
  FuncType,
  GlobalType,
  InstantiationError,
  LinkError,
  MemoryType,
  TableType,
  TagType,
  Trap,
  type Val,
  ValidationError,
} from "../mod.ts";
import type { CallFrame } from "../mod.ts";
import type { Style } from "./output.ts";
import type { RefHandles } from "./ref_handles.ts";
import { ReplError } from "./repl_error.ts";
import type { StopReason, SuspendedCall } from "./session.ts";
import { formatTyped } from "./value_text.ts";

/** `func`, `memory`, `table` or `global` for an import or export type. */
export function typeKind(type: ExternType): string {
  if (type instanceof FuncType) return "func";
  if (type instanceof MemoryType) return "memory";
  if (type instanceof TableType) return "table";
  if (type instanceof TagType) return "tag";
  return "global";
}

/** A type without its kind word: `(i32) -> (i32)`, `{min 1, max 2}`, `mut i32`. */
export function typeText(type: ExternType): string {
  if (type instanceof FuncType) return type.toString();
  if (type instanceof GlobalType) return type.mutable ? `mut ${type.content}` : type.content;
  if (type instanceof TagType) return `(${type.params.join(", ")})`;
  const max = type.maximum === null ? "" : `, max ${type.maximum}`;
  if (type instanceof TableType) return `${type.element} {min ${type.minimum}${max}}`;
  return `{min ${type.minimum}${max}}`;
}

/** Values as `1 : i32, 2.5 : f64`. */
export function valuesText(values: readonly Val[], refs: RefHandles): string {
  return values.map((v) => formatTyped(v, refs)).join(", ");
}

/** Why a call stopped, in a phrase. */
export function stopText(reason: StopReason, refs: RefHandles): string {
  switch (reason.kind) {
    case "host": {
      const args = valuesText(reason.params, refs);
      return `waiting in ${reason.key}(${args}) for results (${reason.results.join(", ")})`;
    }
    case "fuel":
      return `out of fuel (the next step needs ${reason.required})`;
    case "interrupted":
      return "interrupted";
  }
}

/**
 * A suspended call's frame: `at func 3 ask_twice @0x1a4, locals: 20 : i32` (the offset is the
 * instruction's byte offset in the module's binary).
 */
export function frameText(frame: CallFrame, refs: RefHandles): string {
  const name = frame.name === undefined ? "" : ` ${frame.name}`;
  const where = `at func ${frame.funcIndex}${name} @0x${frame.codeOffset.toString(16)}`;
  const locals = frame.locals ?? [];
  return locals.length === 0 ? where : `${where}, locals: ${valuesText(locals, refs)}`;
}

/** `$demo.main(3 : i32)` */
export function callText(call: SuspendedCall, refs: RefHandles): string {
  return `${call.target}(${valuesText(call.args, refs)})`;
}

/** What to type next to continue a suspended call. */
export function resumeHint(call: SuspendedCall): string {
  const { id, reason } = call;
  switch (reason.kind) {
    case "host": {
      const values = reason.results.map((t) => `<${t}>`).join(" ");
      return `type \`resume ${id}${
        values ? " " + values : ""
      }\` to continue, \`drop ${id}\` to abandon`;
    }
    case "fuel":
      return `\`fuel add <n>\` then \`resume ${id}\`, or \`drop ${id}\``;
    case "interrupted":
      return `\`resume ${id}\` to continue, \`drop ${id}\` to abandon`;
  }
}

/**
 * An error as lines for the user: traps with code and Wasm backtrace, the library's errors with
 * their kind, REPL input errors as their message alone.
 */
export function errorLines(error: unknown, style: Style): string[] {
  return errorText(error).flatMap((text) => text.split("\n")).map((line) => style.error(line));
}

function errorText(error: unknown): string[] {
  if (error instanceof Trap) return trapLines(error);
  if (error instanceof ReplError) return [error.message];
  if (error instanceof DecodeError) return [`decode error: ${error.message}`];
  if (error instanceof ValidationError) return [`validation error: ${error.message}`];
  if (error instanceof LinkError) return [`link error: ${error.message}`];
  if (error instanceof InstantiationError) return [`instantiation error: ${error.message}`];
  if (error instanceof Error) return [`${error.name}: ${error.message}`];
  return [`error: ${String(error)}`];
}

function trapLines(trap: Trap): string[] {
  const lines = [`trap: ${trap.message} (${trap.codeName})`];
  for (const line of trap.backtraceLines()) lines.push(`  ${line}`);
  const cause = (trap as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message !== trap.message) {
    lines.push(`  caused by ${cause.name}: ${cause.message}`);
  }
  return lines;
}
