"""A throw-away copy of the project for end-to-end runs of ``make`` (the real tree is never touched).

``copy_project(dest)`` copies every file ``git ls-files`` lists plus the untracked files git does
not ignore (so work in progress is included, generated outputs are not), keeping mtimes
(``shutil.copy2``), and links ``.venv`` to the real one. ``clone_copy(src, dest)`` copies an
existing copy whole, outputs included, again keeping mtimes, so Make finds it exactly as up to
date as ``src`` was. Both return a :class:`ProjectCopy`: the root, and the environment for
subprocesses (``PYTHONPATH=<copy root>`` first, so the runner *and* the Jupyter kernel it starts
import the copy's ``analysis`` package, not the main checkout the venv's ``.pth`` points at).

Make compares mtimes: a file changed in a copy must get a newer mtime than its targets for Make to
rerun what depends on it (:meth:`ProjectCopy.write_bytes` does that).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from analysis import paths

MAIN_ROOT = paths.ROOT
#: the generated trees whose contents a failed run must leave as they were
OUTPUT_DIRS = ("data/processed", "figures", "reports")


def _git_files(root: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root, check=True, capture_output=True,
    ).stdout
    return sorted({p for p in out.decode("utf-8").split("\0") if p})


@dataclass
class ProjectCopy:
    root: Path
    env: dict = field(default_factory=dict)

    def path(self, rel: str) -> Path:
        return self.root / rel

    def make(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        """Run ``make <args>`` in the copy; stdout and stderr captured as text."""
        return subprocess.run(["make", "--no-print-directory", *args], cwd=self.root, env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def popen_make(self, *args: str, log: Path) -> subprocess.Popen:
        """Start ``make <args>`` in a new session (its own process group), output to ``log``.

        Make starts with SIGINT and SIGTERM at their default disposition, as in a user's terminal,
        whatever this process inherited: a shell starts its background jobs with SIGINT ignored and
        children inherit that, so a test run from a script would otherwise start a make that Ctrl-C
        cannot interrupt.
        """
        fh = open(log, "wb")  # noqa: SIM115 - the child keeps its own descriptor; ours is closed below
        try:
            return subprocess.Popen(["make", "--no-print-directory", *args], cwd=self.root, env=self.env,
                                    stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
                                    preexec_fn=_default_interrupt_signals)
        finally:
            fh.close()

    def write_bytes(self, rel: str, data: bytes, *, touch: bool = True) -> None:
        """Replace a file's bytes (read-only raw files included); with ``touch``, give it an mtime
        newer than every output so Make reruns what depends on it."""
        p = self.path(rel)
        mode = p.stat().st_mode if p.exists() else 0o644
        if p.exists():
            p.unlink()
        p.write_bytes(data)
        os.chmod(p, mode)
        if touch:
            self.touch(rel)

    def touch(self, rel: str) -> None:
        """Give a file the current time as mtime (newer than every output built before)."""
        os.utime(self.path(rel))

    def output_hashes(self, exclude: tuple[str, ...] = ("reports/failed",)) -> dict[str, str]:
        """sha256 of every file under the output folders (relative path → hash)."""
        hashes = {}
        for d in OUTPUT_DIRS:
            base = self.root / d
            if not base.exists():
                continue
            for p in sorted(base.rglob("*")):
                rel = p.relative_to(self.root).as_posix()
                if p.is_file() and not any(rel == e or rel.startswith(e + "/") for e in exclude):
                    hashes[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        return hashes


def _default_interrupt_signals() -> None:
    """In a child before exec: SIGINT and SIGTERM end it, as in a terminal (see ``popen_make``)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


def project_env(root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    env["PYTHONPATH"] = os.pathsep.join([str(root), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["PYTHON"] = sys.executable  # only used if the venv stamp were out of date (it never is: .venv is linked)
    return env


def copy_project(dest: Path, source: Path = MAIN_ROOT) -> ProjectCopy:
    """Copy the project's tracked and untracked-but-not-ignored files into ``dest`` (mtimes kept)."""
    dest.mkdir(parents=True, exist_ok=True)
    for rel in _git_files(source):
        src = source / rel
        if not src.is_file() and not src.is_symlink():  # listed by git but deleted in the working tree
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target, follow_symlinks=False)
    for d in OUTPUT_DIRS:  # ignored, so not copied; Make and the notebooks expect the folders
        (dest / d).mkdir(parents=True, exist_ok=True)
    (dest / ".venv").symlink_to(source / ".venv", target_is_directory=True)
    return ProjectCopy(dest, project_env(dest))


def clone_copy(src: ProjectCopy, dest: Path) -> ProjectCopy:
    """Copy a whole project copy, outputs included (mtimes kept, ``.venv`` stays a link)."""
    shutil.copytree(src.root, dest, symlinks=True, copy_function=shutil.copy2)
    return ProjectCopy(dest, project_env(dest))


PROBE = '''# %%
from analysis import paths
print("ROOT=" + str(paths.ROOT))
'''


def probe_roots(copy: ProjectCopy) -> tuple[str, str]:
    """``analysis.paths.ROOT`` as seen by a process started in the copy and by the Jupyter kernel
    the runner starts there: both must be the copy's root, or runs would use the main checkout."""
    runner = subprocess.run(
        [str(copy.root / ".venv/bin/python"), "-c", "from analysis import paths; print(paths.ROOT)"],
        cwd=copy.root, env=copy.env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    probe_dir = copy.root / "build" / "probe"
    probe_dir.mkdir(parents=True, exist_ok=True)
    (probe_dir / "probe.py").write_text(PROBE, encoding="utf-8")
    subprocess.run(
        [str(copy.root / ".venv/bin/python"), "tools/notebook_runner.py", "execute", "build/probe/probe.py",
         "build/probe/probe.ipynb"], cwd=copy.root, env=copy.env, capture_output=True, text=True, check=True,
    )
    nb = json.loads((probe_dir / "probe.ipynb").read_text(encoding="utf-8"))
    text = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    kernel = next(line[5:] for line in text.splitlines() if line.startswith("ROOT="))
    shutil.rmtree(probe_dir.parent)
    return runner, kernel
