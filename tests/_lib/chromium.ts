/**
 * Test toolkit: finding (and, where the machine allows, installing) the Chromium the browser
 * test runs the library in.
 *
 * @module
 */

import { aptInstall, runs } from "./apt.ts";

/** The binaries tried, after `$CHROMIUM`. */
const NAMES = ["chromium", "chromium-browser", "google-chrome"] as const;

/** What to do when there is no Chromium: one line. */
export const CHROMIUM_ADVICE =
  "No Chromium found (tried $CHROMIUM, chromium, chromium-browser, google-chrome): install it " +
  "(Debian/Ubuntu: sudo apt-get install chromium) or set $CHROMIUM to its binary; " +
  "the browser test fails until then.";

/** The Chromium binary to use, or null when there is none. */
export async function findChromium(): Promise<string | null> {
  const fromEnv = Deno.env.get("CHROMIUM");
  for (const candidate of [fromEnv, ...NAMES]) {
    if (candidate === undefined || candidate === "") continue;
    if (await runs(candidate, ["--version"])) return candidate;
  }
  return null;
}

/**
 * Installs Chromium with apt when it is missing and the machine allows it (root, or sudo without
 * a password). Returns the binary, or null after saying why it could not (never fatal: the
 * browser test then fails with `CHROMIUM_ADVICE`).
 */
export async function ensureChromium(log: (line: string) => void): Promise<string | null> {
  const found = await findChromium();
  if (found !== null) return found;
  if (!(await aptInstall(["chromium"], log, CHROMIUM_ADVICE))) return null;
  return await findChromium();
}
