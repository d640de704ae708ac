"""A step whose inputs were rewritten with the content of its last run keeps its outputs.

Make reruns a step when a prerequisite is *newer* than its targets. tools/input_hashes.py already
keeps a source file that was touched but not changed from counting as newer; this does the same for
the files steps pass to each other. A step reruns, rewrites its outputs with the very same bytes
(a comment added to a params file, a notebook edit that changes no figure), and Make then reruns
everything downstream of them: after one params comment, the overview, the robustness check, both
report languages and the HTML export ran again to produce identical files.

So each notebook step (``notebook_runner.py execute`` and ``publish``, run by Make) records, after
it has succeeded, the content hash of every prerequisite Make named (``$^``, handed over in
``STEP_INPUTS``) and of every output it wrote, in ``build/steps/<step>.json``. When Make next asks
for the step and

- its command line is the same,
- every prerequisite has the content recorded (a venv stamp: the same mtime, as it is empty), and
- every output it wrote is still there with the content it wrote,

the step does not run: its outputs get the current time, so that Make sees them up to date, and
the progress line says so. What comes after it is then decided by Make as always. Anything else (a
first run, a changed input, a deleted or edited output, a failed or interrupted run, which records
nothing) runs the step.

Content, not clocks: Make only asks for a step whose prerequisites look newer than its targets, so
outputs dated in the future (a wrong clock, a copy, ``touch -d 2030``) hid a changed raw file, and a
truncated ``observations.csv`` was never rebuilt. :func:`outdate` runs before Make decides (``make
report``, ``make final``): with each step's last record it dates back an output whose content is
not what the step wrote, dates now an input whose content changed but whose date is older than the
step's outputs, and brings outputs dated in the future back to the present; each such case is
named in one line. Only dates are changed, never contents. Stdlib only.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

from tools.input_hashes import sha256_of

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "build" / "steps"
INPUTS_ENV = "STEP_INPUTS"


def fingerprint(rel: str) -> str:
    """What "unchanged" means for one input: its content hash; for a file under ``.venv`` (the
    empty stamp rewritten when the environment is rebuilt) its mtime; ``missing`` if absent."""
    return fingerprint_in(ROOT, rel)


def _record_path(argv: list[str]) -> Path:
    key = hashlib.sha256(json.dumps(argv).encode("utf-8")).hexdigest()[:20]
    return RECORDS / f"{key}.json"


class Step:
    """One run of ``argv`` with the inputs Make named (``None`` outside Make: never skipped)."""

    def __init__(self, argv: list[str], inputs: str | None = None):
        self.argv = list(argv)
        names = (os.environ.get(INPUTS_ENV) if inputs is None else inputs)
        self.inputs = None if names is None else {rel: fingerprint(rel) for rel in dict.fromkeys(names.split())}

    def kept(self) -> list[str] | None:
        """If the step need not run: its outputs (touched now, so Make takes them as up to date)."""
        if self.inputs is None:
            return None
        try:
            record = json.loads(_record_path(self.argv).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if record.get("argv") != self.argv or record.get("inputs") != self.inputs or not record.get("outputs"):
            return None
        for rel, sha in record["outputs"].items():
            try:
                if sha256_of(ROOT / rel) != sha:
                    return None
            except OSError:
                return None
        for rel in record["outputs"]:
            os.utime(ROOT / rel)
        os.utime(_record_path(self.argv))  # the newest record of these outputs: theirs (see outdate)
        return list(record["outputs"])

    def done(self, outputs: list[Path]) -> None:
        """Record a successful run (its inputs as read before it ran, its outputs as written)."""
        if self.inputs is None or not outputs:
            return
        written = {}
        for path in outputs:
            path = Path(path).absolute()
            try:
                rel = path.relative_to(ROOT).as_posix()
                written[rel] = sha256_of(path)
            except (ValueError, OSError):
                return  # an output outside the project, or gone already: record nothing
        target = _record_path(self.argv)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"argv": self.argv, "inputs": self.inputs, "outputs": written}, indent=0,
                                  sort_keys=True), encoding="utf-8")
        os.replace(tmp, target)


def _records(root: Path) -> list[dict]:
    """Every step record under ``root``, the newest first (the newest record of an output is the run
    that wrote it: ``make report EVALUATION_YEAR=2024`` and the default year write the same tables)."""
    found = []
    for path in (root / "build" / "steps").glob("*.json"):
        try:
            found.append((path.stat().st_mtime_ns, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return [record for _, record in sorted(found, key=lambda r: r[0], reverse=True) if isinstance(record, dict)]


def _step_name(argv: list) -> str:
    return str(argv[1]) if argv[:1] == ["execute"] and len(argv) > 1 else "the HTML export"


def outdate(root: Path = ROOT, now_ns: int | None = None) -> list[str]:
    """Date files so that Make reruns every step whose inputs or outputs are not those of its last run.

    For each step's last record: an output dated in the future gets a date in the past (before
    ``now``), an input whose content changed although it is dated before the step's oldest output
    is dated now, and an output whose content is not what the step wrote is dated 1970 (Make then
    rebuilds it). Returns one line per file it had to date for a reason other than the clock.
    """
    now = time.time_ns() if now_ns is None else now_ns
    past = now - 2_000_000_000  # before anything this build writes, however coarse the file system's clock
    claimed: set[str] = set()
    current: dict[str, str] = {}
    said: list[str] = []
    for record in _records(root):
        owned = {rel: sha for rel, sha in (record.get("outputs") or {}).items() if rel not in claimed}
        claimed.update(owned)
        dates = {}
        for rel in owned:
            try:
                st = os.stat(root / rel)
            except OSError:
                continue  # a missing output: Make rebuilds it anyway
            if st.st_mtime_ns > now:
                _date(root / rel, st.st_atime_ns, past)
            dates[rel] = min(st.st_mtime_ns, past)
        if not dates:
            continue
        step = _step_name(record.get("argv") or [])
        for rel, recorded in (record.get("inputs") or {}).items():
            if rel not in current:
                current[rel] = fingerprint_in(root, rel)
            if current[rel] in (recorded, "missing") or Path(rel).parts[:1] == (".venv",):
                continue
            st = os.stat(root / rel)
            if st.st_mtime_ns <= min(dates.values()) and _date(root / rel, st.st_atime_ns, now):
                said.append(f"↻ {rel} changed since {step} last read it but is dated before its outputs: dated now, "
                            "so the step runs again")
        for rel, sha in owned.items():
            if rel in dates and _sha256_or_none(root / rel) != sha and _date(root / rel, now, 0):
                said.append(f"↻ {rel} is not the file {step} wrote (damaged or edited by hand): it is rebuilt")
    return said


def _sha256_or_none(path: Path) -> str | None:
    """The file's sha256, ``None`` if it cannot be read (a folder in its place, no permission)."""
    try:
        return sha256_of(path)
    except OSError:
        return None


def _date(path: Path, atime_ns: int, mtime_ns: int) -> bool:
    """Give ``path`` these times; say so and go on if it cannot be (a file of another user)."""
    try:
        os.utime(path, ns=(atime_ns, mtime_ns))
        return True
    except OSError as err:
        print(f"⚠ could not change the date of {path} ({err.strerror}): Make may not see that it changed", file=sys.stderr)
        return False


def fingerprint_in(root: Path, rel: str) -> str:
    """:func:`fingerprint` of ``rel`` under ``root``."""
    path = root / rel
    try:
        if Path(rel).parts[:1] == (".venv",):
            return f"mtime:{path.stat().st_mtime_ns}"
        return sha256_of(path)
    except OSError:
        return "missing"


if __name__ == "__main__":
    if sys.argv[1:] != ["outdate"]:
        print("usage: python tools/step_records.py outdate", file=sys.stderr)
        sys.exit(2)
    for line in outdate():
        print(line)
