"""Make reruns a step when an input is *changed*, not merely touched.

Make compares modification times: saving a file without changing it, a ``git checkout`` that
rewrites it, or a copy that loses its mtime would rerun everything downstream. This helper keeps,
for every source file the pipeline reads (``analysis/``, ``notebooks/``, ``params/``,
``data/raw/``, ``templates/``, the runner, the lock file), its sha256 and mtime at the last
successful build in ``build/input_hashes.json``:

- ``restore`` (before Make decides what to run): a file whose mtime differs from the record but
  whose content hash is the recorded one gets its recorded mtime back, so Make sees it unchanged;
- ``record`` (after a successful build): the current hash and mtime of every input.

Only mtimes are ever changed, never contents; a file that really changed is left alone (and Make
reruns what depends on it). Hashes are computed only for files whose mtime moved, so a no-op
build costs one small Python process.

Usage (from the project root): ``python tools/input_hashes.py restore|record``.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = Path("build") / "input_hashes.json"
#: folders (recursive) and files whose content decides what Make reruns
INPUT_DIRS = ("analysis", "notebooks", "params", "data/raw", "templates")
INPUT_FILES = ("tools/notebook_runner.py", "requirements.lock", "Makefile")
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints"}


def input_files(root: Path = ROOT) -> list[str]:
    """Every input file, as a path relative to ``root`` (sorted)."""
    found = [f for f in INPUT_FILES if (root / f).is_file()]
    for d in INPUT_DIRS:
        for p in (root / d).rglob("*"):
            if p.is_file() and not SKIP_PARTS & set(p.parts) and not p.name.endswith(".pyc"):
                found.append(p.relative_to(root).as_posix())
    return sorted(found)


def sha256_of(path: Path) -> str:
    """The file's sha256 (hex), read in chunks; also what tools/step_records.py compares."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def load(root: Path = ROOT) -> dict[str, list]:
    """``{path: [sha256, mtime_ns]}`` from the last successful build (empty if none)."""
    try:
        return json.loads((root / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def restore(root: Path = ROOT) -> list[str]:
    """Give touched-but-unchanged inputs their recorded mtime back; return their paths."""
    record, restored = load(root), []
    for rel, (sha, mtime_ns) in record.items():
        p = root / rel
        try:
            st = p.stat()
        except OSError:
            continue
        if st.st_mtime_ns != mtime_ns and sha256_of(p) == sha:
            os.utime(p, ns=(st.st_atime_ns, mtime_ns))
            restored.append(rel)
    return restored


def record(root: Path = ROOT) -> int:
    """Record the hash and mtime of every input (after a successful build); return how many."""
    old, new = load(root), {}
    for rel in input_files(root):
        mtime_ns = (root / rel).stat().st_mtime_ns
        prev = old.get(rel)
        new[rel] = [prev[0] if prev and prev[1] == mtime_ns else sha256_of(root / rel), mtime_ns]
    if new != old:
        target = root / RECORD
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(new, indent=0, sort_keys=True), encoding="utf-8")
        os.replace(tmp, target)
    return len(new)


def main(argv: list[str]) -> int:
    if argv[1:] == ["restore"]:
        restore()
        return 0
    if argv[1:] == ["record"]:
        record()
        return 0
    print("usage: python tools/input_hashes.py restore|record", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
