"""Run a build command holding this tree's build lock: two builds in one tree take turns.

    python tools/build_lock.py make -j2 pipeline

A second ``make report`` started while one runs in the same tree says which build holds the lock
(its pid, command and start time, written into the lock file) and waits for it instead of racing
it. Standard library only: it runs with the system Python before ``.venv`` exists. The lock is
an ``flock`` on ``.build.lock`` at the project root, released when this process ends however it
ends (the command does not inherit it).
"""
from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / ".build.lock"


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: build_lock.py COMMAND [ARG ...]", file=sys.stderr)
        return 2
    with open(LOCK, "a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            other = fh.read().strip() or "another process"
            print(f"⏳ another build is running in this tree ({other}); waiting for it to finish "
                  f"(lock {LOCK.name}; Ctrl-C stops waiting)", file=sys.stderr, flush=True)
            fcntl.flock(fh, fcntl.LOCK_EX)
            print("▶ the other build has finished; starting this one", file=sys.stderr, flush=True)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}, `make {os.environ.get('BUILD_LOCK_TARGET', 'report')}`, "
                 f"started {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        fh.flush()
        proc = subprocess.Popen(argv)  # close_fds: the lock stays with this process only
        # Ctrl-C and kill reach the whole process group: the command decides, this waits for it
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        code = proc.wait()
        fh.seek(0)
        fh.truncate()
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
