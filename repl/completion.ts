/**
 * Tab completion: command names first, then each argument by what the command expects there
 * (files, instance names, exports of the right kind, stand-in imports, suspended call ids).
 *
 * @module
 */

import { Func, Global, Memory, Table } from "../mod.ts";
import { type ArgKind, commandNames, findCommand } from "./commands.ts";
import type { Extern, Session } from "./session.ts";

/** Lists a directory for file completion (`/` after subdirectories). */
export type DirectoryLister = (dir: string) => string[];

/**
 * Completes the last word of `line` (the cursor is at its end).
 *
 * @returns the candidates and the word they complete, as `node:readline` completers return
 */
export function complete(
  line: string,
  session: Session,
  listDirectory: DirectoryLister,
): [string[], string] {
  const words = line.trimStart().split(/\s+/);
  const word = /\s$/.test(line) ? "" : words.pop() ?? "";
  const position = /\s$/.test(line) ? words.filter((w) => w !== "").length : words.length;
  let candidates: string[];
  if (position === 0) {
    candidates = [...commandNames(), ...exportRefs(session, Func)];
  } else {
    const command = findCommand(words[0]!);
    const kind = command?.argKinds[position - 1];
    candidates = kind === undefined ? [] : candidatesFor(kind, word, session, listDirectory);
  }
  const hits = [...new Set(candidates.filter((c) => c.startsWith(word)))].sort();
  // A single complete word gets its trailing space, as shells do (not a directory, which goes on).
  if (hits.length === 1 && !hits[0]!.endsWith("/")) return [[`${hits[0]} `], word];
  return [hits, word];
}

function candidatesFor(
  kind: ArgKind,
  word: string,
  session: Session,
  listDirectory: DirectoryLister,
): string[] {
  switch (kind) {
    case "command":
      return commandNames();
    case "file":
      return fileCandidates(word, listDirectory);
    case "instance":
      return session.instances().map((r) => r.name);
    case "func":
      return exportRefs(session, Func);
    case "memory":
      return exportRefs(session, Memory);
    case "table":
      return exportRefs(session, Table);
    case "global":
      return exportRefs(session, Global);
    case "import":
      return session.standIns.list().map((s) => s.key);
    case "call":
      return session.suspended().map((c) => String(c.id));
    default:
      return kind.slice("word:".length).split("|");
  }
}

/** Exports of one kind: bare for the current instance, `$inst.name` and `module.name` for all. */
function exportRefs(
  session: Session,
  cls: abstract new (...args: never[]) => Extern,
): string[] {
  const refs: string[] = [];
  const store = session.store;
  for (const record of session.instances()) {
    for (const e of record.instance.exports(store)) {
      if (!(e.value instanceof cls)) continue;
      refs.push(`${record.name}.${e.name}`);
      if (record === session.current) refs.push(e.name);
      for (const as of record.registeredAs) refs.push(`${as}.${e.name}`);
    }
  }
  return refs;
}

function fileCandidates(word: string, listDirectory: DirectoryLister): string[] {
  const slash = word.lastIndexOf("/");
  const dir = slash < 0 ? "." : word.slice(0, slash) || "/";
  const prefix = slash < 0 ? "" : word.slice(0, slash + 1);
  return listDirectory(dir).map((name) => prefix + name);
}
