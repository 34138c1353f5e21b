/**
 * Test toolkit: the commands the README shows, read from it (so the tests follow the README).
 *
 * @module
 */

/** The README's "run every test" command: the `sh` block after the line that introduces it. */
export function readmeTestCommand(readme: string): string {
  const intro = readme.indexOf("Set up and run every test");
  if (intro < 0) throw new Error("README has no 'Set up and run every test' paragraph");
  const block = /```sh\n([^\n]+)\n```/.exec(readme.slice(intro));
  if (block === null) throw new Error("no sh block after 'Set up and run every test'");
  return block[1]!;
}

/** Every command the README shows: `sh` block lines and inline code that runs a tool. */
export function readmeCommands(readme: string): string[] {
  const commands: string[] = [];
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    commands.push(...block[1]!.split("\n").filter((line) => line.trim() !== ""));
  }
  for (const span of readme.matchAll(/`([^`\n]+)`/g)) {
    if (/^(npx |npm |deno |bun |bunx |node |sudo |apt-get |git |cd )/.test(span[1]!)) {
      commands.push(span[1]!);
    }
  }
  return commands;
}
