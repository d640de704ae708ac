"""One runner process per build: pay papermill's, jupytext's, nbformat's and nbconvert's imports once.

Each notebook rule in the Makefile runs ``tools/notebook_runner.py execute …`` as before, so Make
keeps its DAG, its parallelism (``-j``), its failure handling and its progress lines. What changes
is what that command costs: ``make report`` starts ``notebook_runner.py serve SOCKET`` in a
per-build temporary directory and exports ``NOTEBOOK_RUNNER_SOCKET``; each recipe's runner then
only connects (stdlib imports, a few milliseconds) and hands over

- its command line, working directory and environment (so ``PIPELINE_COUNTER`` and the like are
  the recipe's own), and
- its stdout and stderr file descriptors (``SCM_RIGHTS``), so everything the run prints goes
  exactly where it went before,

and the server forks a child — which already has the imports — to run the very same
``notebook_runner.main(argv)``. The child sends back its pid and, at the end, its exit code, which
the recipe's runner exits with; Make sees the same status, output and files as before.

Signals: the server and its children are in Make's process group, so Ctrl-C or a kill of the
group reaches the running notebook directly, as it did; a client interrupted on its own passes the
signal on. The server exits with the build (the recipe's ``trap``), or by itself within a second
if the shell that started it is gone. Without a server (no variable, no socket, or a refused
connection) the runner simply works in-process.

Pure stdlib at import time: the client side must stay light.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sys
import traceback
from typing import Callable

SOCKET_ENV = "NOTEBOOK_RUNNER_SOCKET"
#: what every child would otherwise import itself (≈ 2 s of CPU per notebook run)
PRELOAD = ("papermill", "papermill.exceptions", "jupytext", "nbformat", "nbconvert", "jupyter_client.manager",
           "jupyter_core.utils", "yaml", "analysis.files")
_HEADER = 8  # bytes: big-endian length of the JSON request that follows


def _send_json(conn: socket.socket, obj: dict) -> None:
    conn.sendall(json.dumps(obj).encode("utf-8") + b"\n")


def _recv_exact(conn: socket.socket, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = conn.recv(min(n - got, 1 << 16))
        if not chunk:
            raise ConnectionError("runner client closed the connection mid-request")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


# ---- client -----------------------------------------------------------------------------------

def call(path: str, argv: list[str]) -> int | None:
    """Run ``argv`` in the server at ``path``; its exit code, or ``None`` if there is no server."""
    if not os.path.exists(path):
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError:  # a stale socket, a server that has exited: run in-process instead
        conn.close()
        return None
    payload = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}).encode("utf-8")
    sys.stdout.flush()
    sys.stderr.flush()
    socket.send_fds(conn, [len(payload).to_bytes(_HEADER, "big")], [sys.stdout.fileno(), sys.stderr.fileno()])
    conn.sendall(payload)

    child: list[int] = []
    received: list[int] = []

    def pass_on(signum, _frame):
        # A signal to the whole process group reaches the child itself; pass on only what was
        # sent to this process alone.
        received.append(signum)
        if child:
            try:
                if os.getpgid(child[0]) != os.getpgrp():
                    os.kill(child[0], signum)
            except ProcessLookupError:
                pass

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, pass_on)
    reader = conn.makefile("rb")
    code = None
    for line in reader:
        message = json.loads(line)
        if "pid" in message:
            child.append(int(message["pid"]))
        if "exit" in message:
            code = int(message["exit"])
    conn.close()
    if code is None:  # the child died without reporting: end as it did
        if received:
            signal.signal(received[0], signal.SIG_DFL)
            os.kill(os.getpid(), received[0])
        print(f"✖ notebook runner: the run of {' '.join(argv[:3])} ended without an exit status", file=sys.stderr)
        return 1
    return code


# ---- server -----------------------------------------------------------------------------------

def _exit_code(err: SystemExit) -> int:
    if err.code is None or isinstance(err.code, int):
        return err.code or 0
    print(err.code, file=sys.stderr)
    return 1


def _child(conn: socket.socket, run: Callable[[list[str]], int]) -> None:
    """In the forked child: take over the client's descriptors, directory and environment, run."""
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    conn.settimeout(None)
    header, fds, _flags, _addr = socket.recv_fds(conn, _HEADER, 2)
    request = json.loads(_recv_exact(conn, int.from_bytes(header, "big")))
    os.dup2(fds[0], 1)
    os.dup2(fds[1], 2)
    for fd in fds:
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    _send_json(conn, {"pid": os.getpid()})
    code = 1
    try:
        code = run(request["argv"])
    except SystemExit as err:
        code = _exit_code(err)
    except KeyboardInterrupt:
        code = 130
    except BaseException:  # noqa: BLE001 - report it like an in-process run would
        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:
                pass
        try:
            _send_json(conn, {"exit": code})
        except OSError:
            pass
        os._exit(code if isinstance(code, int) else 1)


def _reap() -> None:
    """Collect finished children. Reaped by us (not ignored), their CPU time counts in the server's
    and so, once the recipe has waited for the server, in the build's (``make bench`` reports it)."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def serve(path: str, run: Callable[[list[str]], int]) -> int:
    """Accept runs on the unix socket ``path`` until the build that started the server ends."""
    import importlib

    parent = os.getppid()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)  # before the imports: clients may connect (and queue) at once
    server.listen(64)

    def stop(_signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, stop)
    try:
        for name in PRELOAD:
            importlib.import_module(name)
        server.settimeout(1.0)
        while os.getppid() == parent:  # the shell that started us is gone: so is the build
            _reap()
            try:
                conn, _ = server.accept()
            except socket.timeout:
                continue
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                server.close()
                try:
                    _child(conn, run)
                finally:
                    os._exit(1)
            conn.close()
    except SystemExit:
        pass
    finally:
        _reap()
        server.close()
        try:
            os.unlink(path)
        except OSError:
            pass
    return 0
