"""Which OpenBLAS kernels this CPU can run, for the tests that repeat a computation under several.

OpenBLAS picks its kernel at run time from the CPU; ``OPENBLAS_CORETYPE`` forces one. Forcing a
kernel whose instructions the CPU lacks crashes, so each kernel is offered only where
``/proc/cpuinfo`` lists the instruction set it needs. Where the environment already sets
``OPENBLAS_CORETYPE`` (machines whose processor crashes or computes wrongly under other kernels),
it is never overridden: :func:`pinned` says so and the tests skip their kernel matrix.
"""
from __future__ import annotations

import os
from pathlib import Path

#: kernel → the /proc/cpuinfo flag it needs (pni is how Linux spells SSE3)
KERNEL_FLAGS = {"Prescott": "pni", "Sandybridge": "avx", "Haswell": "avx2", "SkylakeX": "avx512f"}


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str]:
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def runnable_kernels(flags: set[str] | None = None) -> list[str]:
    """The kernels of :data:`KERNEL_FLAGS` this CPU can execute, oldest first."""
    flags = cpu_flags() if flags is None else flags
    return [k for k, flag in KERNEL_FLAGS.items() if flag in flags]


def pinned() -> str | None:
    """The kernel the environment forces, if any (then nothing may override it)."""
    return os.environ.get("OPENBLAS_CORETYPE") or None


def skipped_kernels(flags: set[str] | None = None) -> list[str]:
    flags = cpu_flags() if flags is None else flags
    return [f"{k} (no {flag} in /proc/cpuinfo)" for k, flag in KERNEL_FLAGS.items() if flag not in flags]


def pinned_message() -> str:
    return (f"OPENBLAS_CORETYPE={pinned()} is set by the environment (some processors need a particular "
            f"kernel); it is never overridden, so the kernel matrix is skipped and the runs use that kernel only")


def env_for(kernel: str | None, base: dict | None = None, **extra: str) -> dict:
    """``base`` (default ``os.environ``) with ``OPENBLAS_CORETYPE=kernel`` (None: the CPU's default,
    or the environment's kernel where it pins one, which is then kept)."""
    if pinned() and kernel:
        raise RuntimeError(pinned_message())
    env = dict(os.environ if base is None else base)
    if kernel:
        env["OPENBLAS_CORETYPE"] = kernel
    elif not pinned():
        env.pop("OPENBLAS_CORETYPE", None)
    env.update(extra)
    return env


def two_kernels() -> tuple[str, str] | None:
    """Two different kernels to build under (Haswell and an older one where possible), or None."""
    if pinned():
        return None
    ks = runnable_kernels()
    if "Haswell" in ks and len(ks) >= 2:
        other = "Sandybridge" if "Sandybridge" in ks else next(k for k in ks if k != "Haswell")
        return "Haswell", other
    return (ks[-1], ks[0]) if len(ks) >= 2 else None
