"""Drives a command in a pseudo-terminal, for the interactive REPL test (pty_test.ts).

Input (argv[1], JSON): {"cmd": [...], "cwd": "...", "env": {...}, "history": "initial file text",
"steps": [{"send": "text"} | {"expect": "regex", "timeout": seconds}]}.
Output (stdout, JSON): {"ok", "failed_step", "screen" (ANSI stripped), "history", "exit_code"}.

Each expect searches the output after the previous match, so steps read like a conversation.
The history file lives in a temporary directory ($WASMI_TS_HISTORY points at it).
"""

import json
import os
import pty
import re
import select
import sys
import tempfile
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def main():
    spec = json.loads(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="wasmi-repl-pty-")
    history = os.path.join(tmp, "history")
    with open(history, "w") as f:
        f.write(spec.get("history", ""))
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(spec["cwd"])
        env = dict(os.environ, **spec.get("env", {}), WASMI_TS_HISTORY=history, TERM="xterm")
        os.execvpe(spec["cmd"][0], spec["cmd"], env)
    raw = b""

    def pump(seconds):
        nonlocal raw
        end = time.time() + seconds
        while time.time() < end:
            ready, _, _ = select.select([fd], [], [], 0.02)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return False
                if not chunk:
                    return False
                raw += chunk
        return True

    def screen():
        return ANSI.sub("", raw.decode("utf-8", "replace")).replace("\r", "")

    ok, failed, cursor = True, None, 0
    for i, step in enumerate(spec["steps"]):
        if "send" in step:
            os.write(fd, step["send"].encode())
            pump(0.15)
            continue
        pattern = re.compile(step["expect"])
        deadline = time.time() + step.get("timeout", 10)
        match = None
        while time.time() < deadline:
            match = pattern.search(screen(), cursor)
            if match or not pump(0.05):
                match = match or pattern.search(screen(), cursor)
                break
        if not match:
            ok, failed = False, i
            break
        cursor = match.end()

    exit_code = None
    deadline = time.time() + (10 if ok else 0)
    while time.time() < deadline:
        pump(0.05)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            exit_code = os.waitstatus_to_exitcode(status)
            break
    if exit_code is None:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    pump(0.05)
    with open(history) as f:
        saved = f.read()
    print(json.dumps({"ok": ok, "failed_step": failed, "screen": screen(), "history": saved,
                      "exit_code": exit_code}))


main()
