/**
 * Test toolkit: installing the Debian packages a test needs, where the machine allows it (root,
 * or sudo without a password, and apt-get present). Never fatal: the caller says how to install
 * them by hand, and the test that needs them fails until then.
 *
 * @module
 */

/** Runs a command quietly; false when it fails or is not installed. */
export async function runs(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(command, {
      args,
      env,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false; // not installed
  }
}

/**
 * Installs `packages` with apt-get. Returns false, after logging `advice`, when the machine does
 * not allow it or apt-get fails.
 */
export async function aptInstall(
  packages: readonly string[],
  log: (line: string) => void,
  advice: string,
): Promise<boolean> {
  // `id -u` rather than `Deno.uid()`, which needs `--allow-sys` the setup task does not grant.
  const isRoot = await runs("sh", ["-c", 'test "$(id -u)" = 0']);
  const sudo = isRoot ? [] : (await runs("sudo", ["-n", "true"])) ? ["sudo", "-n"] : null;
  if (sudo === null || !(await runs("apt-get", ["--version"]))) {
    log(advice);
    return false;
  }
  log(`installing ${packages.join(" ")} with apt-get...`);
  const apt = (args: string[]) => {
    const [command, ...rest] = [...sudo, "apt-get", ...args];
    return runs(command!, rest, { DEBIAN_FRONTEND: "noninteractive" });
  };
  if (!(await apt(["update", "-qq"])) || !(await apt(["install", "-y", "-qq", ...packages]))) {
    log(`apt-get could not install ${packages.join(" ")}. ${advice}`);
    return false;
  }
  return true;
}
