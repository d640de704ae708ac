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
nothing) runs the step. Stdlib only.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from tools.input_hashes import sha256_of

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "build" / "steps"
INPUTS_ENV = "STEP_INPUTS"


def fingerprint(rel: str) -> str:
    """What "unchanged" means for one input: its content hash; for a file under ``.venv`` (the
    empty stamp rewritten when the environment is rebuilt) its mtime; ``missing`` if absent."""
    path = ROOT / rel
    try:
        if Path(rel).parts[:1] == (".venv",):
            return f"mtime:{path.stat().st_mtime_ns}"
        return sha256_of(path)
    except OSError:
        return "missing"


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
