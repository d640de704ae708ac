"""All or nothing: a step with several outputs replaces all of them or none.

Writing each output atomically (temporary file, then rename) is not enough when a step has
several: if the third rename fails, the first two are already new and the step's outputs are
mixed. So a step runs inside an :class:`OutputTransaction`:

1. while the notebook runs, every write through :func:`analysis.files.atomic_write_bytes` is *staged*:
   written to a unique temporary name beside its target (``.<name>.<random>.tmp``) and recorded in
   the transaction's manifest (the kernel finds it through the environment variable
   :data:`STAGING_ENV`, which it inherits from the runner);
2. when the step has succeeded, :meth:`OutputTransaction.commit` renames every staged file onto its
   target, holding a lock (:data:`COMMIT_LOCK`) so that two builds in one tree never interleave
   their renames. Before replacing a target it keeps the previous file under a unique backup name
   (a hard link: no copy, no window without a file); if a rename fails, every output already
   replaced is put back from its backup (new files are removed) — only then does the message say
   "earlier outputs are untouched";
3. a failed or interrupted step removes its staged files (:meth:`OutputTransaction.abort`); a
   killed one leaves only dot-named temporaries, which Make never takes for targets.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import tempfile
from pathlib import Path

from analysis.paths import ROOT, relative

__all__ = ["STAGING_ENV", "COMMIT_LOCK", "CommitError", "OutputTransaction", "stage_bytes"]

#: environment variable holding the manifest path of the open transaction (inherited by the kernel)
STAGING_ENV = "CHANGJI_OUTPUT_STAGING"
#: held while a transaction's renames run: commits of two builds in one tree never interleave (one
#: lock per project tree, kept in the temporary folder so that nothing is written into the tree)
COMMIT_LOCK = Path(tempfile.gettempdir()) / f"changji-outputs-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:16]}.lock"

_UMASK = os.umask(0)
os.umask(_UMASK)


_MANIFEST_PREFIX = "changji-outputs-"


def sweep_abandoned() -> list[str]:
    """Remove the temporaries of transactions whose process is gone (killed before commit or abort).

    A manifest is named ``changji-outputs-<pid>-<random>.jsonl`` in the temporary folder; when
    ``<pid>`` no longer runs, nobody will commit its staged files. Returns the files removed.
    """
    removed = []
    for manifest in Path(tempfile.gettempdir()).glob(f"{_MANIFEST_PREFIX}*.jsonl"):
        try:
            pid = int(manifest.name[len(_MANIFEST_PREFIX):].split("-")[0])
            os.kill(pid, 0)
            continue  # its owner still runs
        except ProcessLookupError:
            pass
        except (ValueError, PermissionError):
            continue
        try:
            lines = manifest.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for line in lines:
            try:
                tmp = Path(json.loads(line)["tmp"])
            except (ValueError, KeyError, TypeError):
                continue
            if tmp.name.startswith("."):  # only our own dot-named temporaries
                tmp.unlink(missing_ok=True)
                removed.append(str(tmp))
        manifest.unlink(missing_ok=True)
    return removed


class CommitError(OSError):
    """A step's outputs could not all be replaced; the message says what was restored."""


def _recorded_temp(manifest: str | Path, path: Path, suffix: str, final: Path | None) -> Path:
    """A new, empty, uniquely named dot-file beside ``path``, listed in ``manifest`` *before* it exists.

    Listing first leaves no moment in which a process killed (even by SIGKILL) has created a
    temporary that no manifest names, so :func:`sweep_abandoned` always finds what it leaves.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        # the pid in the name: a clash can only be with a file of a dead process of the same pid
        tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(6)}{suffix}")
        with open(manifest, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"tmp": str(tmp), "final": None if final is None else str(final)}) + "\n")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode & ~umask, like any output
        except FileExistsError:  # left by a killed process of the same pid: abandoned, swept with ours
            continue
        os.close(fd)
        return tmp


def stage_bytes(path: str | Path, data: bytes) -> Path | None:
    """Stage ``data`` for ``path`` in the open transaction and return ``path``; ``None`` if none is open."""
    manifest = os.environ.get(STAGING_ENV)
    if not manifest:
        return None
    path = Path(path).absolute()
    tmp = _recorded_temp(manifest, path, ".tmp", final=path)
    try:
        tmp.write_bytes(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


class OutputTransaction:
    """Stage a step's outputs and replace them all at once (see the module docstring).

    Use as a context manager around a step: inside it, writes through ``analysis.files`` are staged
    (in this process and in child processes such as the Jupyter kernel); :meth:`add` stages a file
    the caller wrote itself (the executed notebook). Leaving the block normally does *not* commit:
    call :meth:`commit` when the step has succeeded; anything not committed is discarded.
    """

    def __init__(self) -> None:
        sweep_abandoned()
        fd, manifest = tempfile.mkstemp(prefix=f"{_MANIFEST_PREFIX}{os.getpid()}-", suffix=".jsonl")
        os.close(fd)
        self.manifest = Path(manifest)
        self._extra: list[tuple[Path, Path]] = []
        self._previous_env: str | None = None

    def __enter__(self) -> OutputTransaction:
        self._previous_env = os.environ.get(STAGING_ENV)
        os.environ[STAGING_ENV] = str(self.manifest)
        return self

    def __exit__(self, *exc) -> None:
        if self._previous_env is None:
            os.environ.pop(STAGING_ENV, None)
        else:
            os.environ[STAGING_ENV] = self._previous_env
        self.abort()

    def scratch_file(self, path: Path, suffix: str) -> Path:
        """A new temporary beside ``path`` for the caller to write, listed before it is created, so
        that it is removed even if this process is killed (by the next :func:`sweep_abandoned`)."""
        return _recorded_temp(self.manifest, Path(path).absolute(), suffix, final=None)

    def scratch(self, tmp: Path) -> None:
        """Record a temporary file the caller writes itself, so that it is removed even if this
        process is killed (by the next transaction's :func:`sweep_abandoned`)."""
        with open(self.manifest, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"tmp": str(Path(tmp).absolute()), "final": None}) + "\n")

    def add(self, tmp: Path, final: Path) -> None:
        """Stage a file the caller wrote itself: ``tmp`` will be renamed onto ``final`` at commit."""
        self._extra.append((Path(tmp).absolute(), Path(final).absolute()))

    def staged(self) -> list[tuple[Path, Path]]:
        """``[(temporary, target)]`` in staging order; a target staged twice keeps its last version."""
        pairs: list[tuple[Path, Path]] = []
        if self.manifest.exists():
            for line in self.manifest.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    entry = json.loads(line)
                    if entry["final"] is not None:
                        pairs.append((Path(entry["tmp"]), Path(entry["final"])))
        pairs += self._extra
        last: dict[Path, Path] = {}
        for tmp, final in pairs:
            if final in last and last[final] != tmp:
                last[final].unlink(missing_ok=True)
            last[final] = tmp
        return [(tmp, final) for final, tmp in last.items()]

    def commit(self) -> list[Path]:
        """Replace every target by its staged file, or none of them; return the targets.

        Raises :class:`CommitError` when a rename fails, after restoring what was already replaced.
        """
        pairs = self.staged()
        done: list[tuple[Path, Path | None]] = []  # (target, backup of its previous version or None)
        COMMIT_LOCK.parent.mkdir(parents=True, exist_ok=True)
        with open(COMMIT_LOCK, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                for tmp, final in pairs:
                    backup = None
                    try:
                        if final.exists():
                            backup = self.scratch_file(final, ".previous")  # swept if killed mid-commit
                            backup.unlink()
                            os.link(final, backup)
                        os.replace(tmp, final)
                    except OSError as err:
                        if backup is not None:
                            backup.unlink(missing_ok=True)
                        restored, failed = self._restore(done)
                        self._discard(pairs)
                        what = f"could not replace {relative(final)} ({type(err).__name__}: {err.strerror or err})"
                        if failed:
                            raise CommitError(f"{what}; restoring the outputs already replaced failed for "
                                              f"{', '.join(failed)}: these are from the new run, the others as before")
                        note = f"the {restored} output(s) already replaced were restored; " if restored else ""
                        raise CommitError(f"{what}; {note}nothing was replaced: earlier outputs are untouched") from None
                    done.append((final, backup))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        for _, backup in done:
            if backup is not None:
                backup.unlink(missing_ok=True)
        self.manifest.unlink(missing_ok=True)
        self._extra = []
        return [final for _, final in pairs]

    @staticmethod
    def _restore(done: list[tuple[Path, Path | None]]) -> tuple[int, list[str]]:
        failed = []
        for final, backup in reversed(done):
            try:
                if backup is None:
                    final.unlink()
                else:
                    os.replace(backup, final)
            except OSError:
                failed.append(relative(final))
        return len(done) - len(failed), failed

    @staticmethod
    def _discard(pairs: list[tuple[Path, Path]]) -> None:
        for tmp, _ in pairs:
            tmp.unlink(missing_ok=True)

    def abort(self) -> None:
        """Remove every staged file that was not committed, and the manifest."""
        self._discard(self.staged())
        self._extra = []
        self.manifest.unlink(missing_ok=True)
