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

Kernels: the server also imports what the notebooks' kernels import (pandas, matplotlib, seaborn,
statsmodels, scipy, IPython, ipykernel; ≈ 2 s of CPU that every kernel paid), and a runner child
starts its notebook's kernel by forking itself into ``ipykernel_launcher`` (``fork_launch_kernel``)
instead of starting a fresh interpreter: the same kernel spec arguments, environment
(``JPY_PARENT_PID`` included), working directory and session of its own as jupyter_client's
``launch_kernel`` gives, and the project's own modules (``analysis``) imported afresh by the
notebook. Set ``NOTEBOOK_RUNNER_FORK_KERNELS=0`` to start every kernel as a fresh process.

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
#: what the notebooks' kernels import; preloaded so that a forked kernel has them already
KERNEL_PRELOAD = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "seaborn", "scipy.stats", "statsmodels.api",
                  "statsmodels.tsa.exponential_smoothing.ets", "PIL.Image", "IPython", "IPython.display",
                  "ipykernel.kernelapp", "ipykernel.ipkernel")
#: the backend ipykernel selects in every kernel (kernelapp.init_gui_pylab); matplotlib reads it at import
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
FORK_KERNELS_ENV = "NOTEBOOK_RUNNER_FORK_KERNELS"
_KERNEL_SYS_PATH: list[str] = []  # sys.path as a fresh `python -m ipykernel_launcher` would start with


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
            break
    conn.close()
    if code is None:  # the child died without reporting: end as it did
        if received:
            signal.signal(received[0], signal.SIG_DFL)
            os.kill(os.getpid(), received[0])
        print(f"✖ notebook runner: the run of {' '.join(argv[:3])} ended without an exit status", file=sys.stderr)
        return 1
    return code


# ---- forked kernels ---------------------------------------------------------------------------

class ForkedKernelProcess:
    """The part of ``subprocess.Popen`` that jupyter_client's LocalProvisioner uses, for a forked kernel."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, args: list[str]):
        self.pid, self.args, self.returncode = pid, args, None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = 0
                return 0
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import subprocess
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(self.args, timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _become_kernel(argv: list[str]) -> None:
    """In the forked child: leave the runner's state behind and run ipykernel as its launcher does."""
    import asyncio
    import atexit

    import ipykernel_launcher
    from ipykernel import kernelapp

    atexit._clear()  # the runner's exit handlers are not the kernel's
    signal.set_wakeup_fd(-1)
    asyncio.events._set_running_loop(None)  # forked from inside the runner's event loop
    asyncio.set_event_loop(asyncio.new_event_loop())
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # the notebook imports the project's modules itself, fresh, as in a new kernel
    for name in [m for m in sys.modules if m.split(".")[0] in ("analysis", "tools")]:
        del sys.modules[name]
    sys.path[:] = _KERNEL_SYS_PATH
    # JPY_PARENT_PID was read when kernelapp was imported (in the server): give it explicitly, so
    # that the kernel exits with its runner as a kernel started by jupyter_client does
    sys.argv = [ipykernel_launcher.__file__, *argv, f"--IPKernelApp.parent_handle={os.getppid()}"]
    app = kernelapp.IPKernelApp.instance()  # as launch_new_instance(), with one step between
    app.initialize()
    with app.shell.builtin_trap:  # get_ipython() answers, as it does in a cell
        _as_if_imported_in_the_kernel()
    app.start()


def _as_if_imported_in_the_kernel() -> None:
    """Redo the one import-time choice a preloaded library makes differently outside a kernel.

    pandas picks ``display.max_columns`` when imported: 0 (fit the terminal) outside a Jupyter
    kernel, 20 inside one — so tables would print differently in a forked kernel. The test
    tests/test_runner_server.py compares a served run with an in-process one byte for byte.
    """
    if "pandas" not in sys.modules:
        return
    from pandas._config import config
    from pandas.core import config_init

    key = "display.max_columns"
    value = 0 if config_init.is_terminal() else 20  # pandas/core/config_init.py's own rule
    registered = config._registered_options[key]
    config._registered_options[key] = registered._replace(defval=value)
    config.set_option(key, value)


def fork_launch_kernel(cmd: list[str], stdin=None, stdout=None, stderr=None, env=None, independent=False,
                       cwd=None, **kwargs):
    """``jupyter_client.launcher.launch_kernel`` for ``… -m ipykernel_launcher …``, by fork (see the module doc)."""
    from jupyter_client import launcher

    if "ipykernel_launcher" not in cmd or any(x is not None for x in (stdin, stdout, stderr)) or independent:
        return launcher.launch_kernel(cmd, stdin=stdin, stdout=stdout, stderr=stderr, env=env,
                                      independent=independent, cwd=cwd, **kwargs)
    env = dict(os.environ if env is None else env)
    env["JPY_PARENT_PID"] = str(os.getpid())
    argv = cmd[cmd.index("ipykernel_launcher") + 1:]
    sys.stdout.flush()
    sys.stderr.flush()
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()  # a session of its own, as launch_kernel gives (start_new_session)
            os.write(ready_w, b"1")  # only now may the parent look up the kernel's process group
            # no descriptor of the runner's (its connection to the client above all) stays open
            # in the kernel: as Popen(close_fds=True). The Python objects owning them are never
            # used again: this process ends in os._exit below.
            os.closerange(3, os.sysconf("SC_OPEN_MAX") if os.sysconf("SC_OPEN_MAX") < 1 << 16 else 1 << 16)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.close(devnull)
            if cwd:
                os.chdir(cwd)
            os.environ.clear()
            os.environ.update(env)
            _become_kernel(argv)
        except SystemExit as err:
            os._exit(_exit_code(err))
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
        finally:
            os._exit(1)
    # jupyter_client signals the kernel's process group (os.getpgid right after this returns): it
    # must be the kernel's own session by then, never the runner's group
    os.close(ready_w)
    os.read(ready_r, 1)
    os.close(ready_r)
    return ForkedKernelProcess(pid, cmd)


def _use_forked_kernels() -> None:
    if os.environ.get(FORK_KERNELS_ENV, "1") != "0" and _KERNEL_SYS_PATH:
        from jupyter_client.provisioning import local_provisioner

        local_provisioner.launch_kernel = fork_launch_kernel


def _preload_kernel_modules() -> None:
    import importlib

    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in KERNEL_PRELOAD:
        importlib.import_module(name)
    if "matplotlib_inline.backend_inline" in sys.modules:  # it hooks into IPython at import: too early here
        return
    here = os.path.dirname(os.path.abspath(sys.argv[0]))
    _KERNEL_SYS_PATH[:] = [p for p in ORIGINAL_SYS_PATH if os.path.abspath(p or ".") != here]


def _pending(server: socket.socket) -> bool:
    """Whether a client is waiting to be accepted (without waiting for one)."""
    import select

    return bool(select.select([server], [], [], 0)[0])


#: sys.path before tools/notebook_runner.py added the project root (set by it)
ORIGINAL_SYS_PATH: list[str] = []


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
    _use_forked_kernels()
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


def serve(path: str, run: Callable[[list[str]], int], warm_up: Callable[[], None] | None = None) -> int:
    """Accept runs on the unix socket ``path`` until the build that started the server ends.

    ``warm_up`` (optional) is called once after the preloads, when no client is waiting: work every
    child would otherwise repeat (the runner passes the compilation of its HTML exporters)."""
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
        # Every module before the first client is served: a child forked earlier would import
        # what is missing itself, at the same time as this process, and on a busy 2-core machine
        # the first notebook then finishes later, not sooner (measured).
        for name in PRELOAD:
            importlib.import_module(name)
        if os.environ.get(FORK_KERNELS_ENV, "1") != "0":
            _preload_kernel_modules()
        server.settimeout(1.0)
        while os.getppid() == parent:  # the shell that started us is gone: so is the build
            _reap()
            if warm_up and not _pending(server):  # only while no client waits: no run waits for it
                warm_up, step = None, warm_up
                try:
                    step()
                except Exception:  # noqa: BLE001 - the real run reports it where it happens
                    pass
                continue
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
