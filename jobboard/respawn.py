"""`python -m jobboard.respawn NAME -- CMD...`: run CMD, and start it again when it dies.

`make run` wraps the web server, the worker and beat in this, so that one of them crashing
(or killed with `kill -9`) is restarted with a log line instead of taking the whole board
down: honcho, which runs the three, stops everything as soon as any of its processes ends.
A SIGINT or SIGTERM to this wrapper (Ctrl-C: honcho sends SIGTERM to each process group) is
passed to CMD, and then the wrapper exits with CMD's status instead of restarting it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

# A command that keeps dying is restarted after a growing pause, up to this.
MAX_PAUSE = 30.0
# Running this long counts as having started well: the pause goes back to its first value.
HEALTHY_AFTER = 30.0


def _describe(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"exit status {returncode}"


def supervise(name: str, cmd: list[str]) -> int:
    stopping = False
    child: subprocess.Popen | None = None

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    pause = 1.0
    while True:
        started = time.monotonic()
        child = subprocess.Popen(cmd)
        returncode = child.wait()
        # A signal that stops us reaches the child at the same moment: give its handler the
        # chance to run before deciding that the child died on its own.
        deadline = time.monotonic() + 0.5
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.05)
        if stopping:
            return returncode
        if time.monotonic() - started >= HEALTHY_AFTER:
            pause = 1.0
        print(
            f"{name} stopped unexpectedly ({_describe(returncode)}); starting it again in "
            f"{pause:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        deadline = time.monotonic() + pause
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.1)
        if stopping:
            return returncode
        pause = min(pause * 2, MAX_PAUSE)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m jobboard.respawn NAME -- COMMAND...", file=sys.stderr)
        return 2
    return supervise(argv[0], argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
