"""Record a newly published figure in one command: ``make add-figure`` (or
``python -m analysis.add_figure``) after appending a row to a bulletin CSV in ``data/raw/``.

For each bulletin CSV whose bytes no longer match the sha256 recorded in ``provenance.yml``:

1. **shows what changed** since the recorded version: rows added, changed or removed (the
   recorded version is found by its hash in ``build/raw_recorded/`` — a copy this command keeps
   of every version it has seen recorded — or else in the project's git history);
2. **registers new pages**: every row whose ``source_title`` is not a registered page gets a stub
   entry under ``sources:`` in ``provenance.yml`` with the row's title and address, the access
   date (the row has no column for it: the day the command runs, or ``--accessed``), and
   ``quality: null`` — the one thing only a person can judge. The message lists the allowed flags;
3. **validates every row** of every raw file exactly as the pipeline will (units, values, quotes,
   duplicates, the page's address), naming file, line and column of the first problem;
4. **records the new hash** in ``provenance.yml`` only when every row validates and every source
   has a quality flag. Otherwise nothing is recorded and the exit status is 1.

Then ``make report`` (or ``make final``) uses the new figure with no code change. Raw files are
never modified; ``provenance.yml`` is edited as text (comments and layout kept) and written
atomically.
"""
from __future__ import annotations

import argparse
import csv
import datetime as _dt
import difflib
import hashlib
import io as _io
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from analysis import observations, paths, provenance
from analysis.errors import RawDataError
from analysis.files import atomic_write_bytes, atomic_write_text, read_csv_rows
from analysis.records import BULLETIN_COLUMNS
from analysis.yaml_files import parse_yaml

#: where this command keeps a copy of each recorded version of a bulletin CSV (for the diff)
RECORDED_DIR = Path("build") / "raw_recorded"


@dataclass
class FileChange:
    """One bulletin CSV whose bytes differ from the recorded version."""

    name: str
    recorded_sha256: str
    actual_sha256: str
    added: list[tuple[int, list[str]]] = field(default_factory=list)      # (line, cells) in the new file
    changed: list[tuple[int, list[str], list[str]]] = field(default_factory=list)  # (line, old, new)
    removed: list[tuple[int, list[str]]] = field(default_factory=list)    # (old line, cells)
    baseline: str | None = None  # where the recorded version was found; None: not found


def _rows(data: bytes) -> list[tuple[int, list[str]]]:
    """``(line, cells)`` of each CSV record after the header (blank records skipped)."""
    reader = csv.reader(_io.StringIO(data.decode("utf-8-sig"), newline=""))
    next(reader, None)
    out, last = [], reader.line_num
    for cells in reader:
        start, last = last + 1, reader.line_num
        if any(c.strip() for c in cells):
            out.append((start, cells))
    return out


def diff_rows(old: bytes, new: bytes) -> tuple[list, list, list]:
    """``(added, changed, removed)`` rows between two versions of a CSV (see :class:`FileChange`)."""
    a, b = _rows(old), _rows(new)
    matcher = difflib.SequenceMatcher(a=[tuple(c) for _, c in a], b=[tuple(c) for _, c in b], autojunk=False)
    added, changed, removed = [], [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "insert":
            added += b[j1:j2]
        elif op == "delete":
            removed += a[i1:i2]
        elif op == "replace":
            pairs = min(i2 - i1, j2 - j1)
            changed += [(b[j1 + k][0], a[i1 + k][1], b[j1 + k][1]) for k in range(pairs)]
            added += b[j1 + pairs:j2]
            removed += a[i1 + pairs:i2]
    return added, changed, removed


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def recorded_version(root: Path, name: str, sha256: str) -> tuple[bytes | None, str | None]:
    """The bytes of ``data/raw/<name>`` whose hash is ``sha256``, and where they were found."""
    kept = root / RECORDED_DIR / name
    if kept.exists() and _sha(kept.read_bytes()) == sha256:
        return kept.read_bytes(), paths.relative(kept)
    rel = f"data/raw/{name}"
    try:
        revs = subprocess.run(["git", "rev-list", "--max-count=200", "HEAD", "--", rel], cwd=root, capture_output=True,
                              text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None, None
    for rev in revs.stdout.split() if revs.returncode == 0 else []:
        blob = subprocess.run(["git", "show", f"{rev}:{rel}"], cwd=root, capture_output=True, timeout=30)
        if blob.returncode == 0 and _sha(blob.stdout) == sha256:
            return blob.stdout, f"git {rev[:12]}"
    return None, None


def keep_recorded(root: Path, name: str, data: bytes) -> None:
    """Keep a copy of a recorded version (so a later change can be shown row by row)."""
    target = root / RECORDED_DIR / name
    if not target.exists() or target.read_bytes() != data:
        atomic_write_bytes(target, data)


def changed_files(root: Path, record: dict) -> list[FileChange]:
    """Every bulletin CSV whose bytes differ from the recorded hash, with its row diff."""
    out = []
    for name in observations.BULLETIN_FILES:
        path = root / "data" / "raw" / name
        entry = record.get("files", {}).get(name)
        if entry is None:
            raise RawDataError(paths.relative(root / "data/raw/provenance.yml"),
                               f"{name} is not registered under files:; add its entry first")
        data = path.read_bytes()
        if _sha(data) == entry["sha256"]:
            keep_recorded(root, name, data)
            continue
        change = FileChange(name, entry["sha256"], _sha(data))
        old, where = recorded_version(root, name, entry["sha256"])
        if old is not None:
            change.added, change.changed, change.removed = diff_rows(old, data)
            change.baseline = where
        out.append(change)
    return out


# --------------------------------------------------------------------------- provenance.yml as text
def _block_end(lines: list[str], start: int) -> int:
    """Index after the last line of the top-level block that starts at ``start``."""
    for i in range(start + 1, len(lines)):
        if lines[i].strip() and not lines[i].startswith((" ", "#")):
            return i
    return len(lines)


def _slug(title: str, url: str) -> str:
    host = re.sub(r"^www\.", "", re.sub(r"^[a-z]+://", "", url or "").split("/")[0]).split(":")[0]
    stem = re.sub(r"[^a-z0-9]+", "_", host.lower()).strip("_") or "page"
    return f"{stem}_{hashlib.sha256(title.encode('utf-8')).hexdigest()[:8]}"


def stub_entry(source_id: str, title: str, url: str, accessed: str, where: str) -> str:
    """The YAML text of a stub source entry (two-space indented under ``sources:``)."""
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731 - a JSON string is a valid YAML scalar
    flags = ", ".join(provenance.QUALITY_FLAGS)
    return (f"  {source_id}:\n"
            f"    title_zh: {q(title)}\n"
            f"    title_en: null  # the page's title in English, for the English report\n"
            f"    url: {q(url) if url else 'null'}\n"
            f"    accessed: {q(accessed)}\n"
            f"    quality: null  # TO FILL IN: one of {flags}\n"
            f"    notes: {q(f'Stub written by make add-figure for {where}; check title, address and date.')}\n")


def add_stubs(text: str, stubs: list[str]) -> str:
    """``provenance.yml`` text with stub entries appended at the end of its ``sources:`` block."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "sources:"), None)
    if start is None:
        raise RawDataError("data/raw/provenance.yml", "no top-level 'sources:' block to add the new page to")
    end = _block_end(lines, start)
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    if lines and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    return "".join(lines[:end] + stubs + lines[end:])


def set_file_hash(text: str, name: str, sha256: str) -> str:
    """``provenance.yml`` text with the ``sha256:`` of ``files: <name>`` replaced."""
    pattern = re.compile(rf"(^  {re.escape(name)}:\n(?:    .*\n|\s*\n)*?    sha256: )([0-9a-f]{{64}})", re.M)
    new, n = pattern.subn(lambda m: m.group(1) + sha256, text, count=1)
    if n != 1:
        raise RawDataError("data/raw/provenance.yml", f"no 'sha256:' line under files: {name}", column="sha256")
    return new


# --------------------------------------------------------------------------- the command
def unregistered_rows(root: Path, record: dict) -> dict[str, tuple[str, str, str]]:
    """``{title: (url, file, line)}`` for rows whose page is not registered (first row of each)."""
    by_title = {}
    for sid, src in (record.get("sources") or {}).items():
        for title in [src.get("title_zh"), *(src.get("title_variants_zh") or [])]:
            if title:
                by_title[title] = sid
    out: dict[str, tuple[str, str, str]] = {}
    for name in observations.BULLETIN_FILES:
        for line, row in read_csv_rows(root / "data" / "raw" / name, BULLETIN_COLUMNS):
            title = row["source_title"].strip()
            if title and title not in by_title and title not in out:
                out[title] = (row["source_url"].strip(), f"data/raw/{name} line {line}", name)
    return out


def _cells(cells: list[str]) -> str:
    keep = dict(zip(BULLETIN_COLUMNS, cells))
    return " | ".join(f"{keep.get(c, '')}" for c in ("region", "year", "indicator", "value", "unit", "source_title"))


def _show_change(ch: FileChange, say) -> None:
    """What changed in one raw file since its recorded version, row by row."""
    say(f"data/raw/{ch.name}: changed since the recorded version (sha256 {ch.recorded_sha256[:12]}… → {ch.actual_sha256[:12]}…)")
    if ch.baseline is None:
        say("  the recorded version was not found (build/raw_recorded/ or git history): rows cannot be compared; "
            "every row is validated below")
    for line, cells in ch.added:
        say(f"  + added   line {line}: {_cells(cells)}")
    for line, old, new in ch.changed:
        say(f"  ~ changed line {line}: {_cells(old)}\n                  now: {_cells(new)}")
    for line, cells in ch.removed:
        say(f"  - removed (was line {line}): {_cells(cells)}")


def run(root: Path = paths.ROOT, accessed: str | None = None, out=sys.stdout) -> int:
    """The command: show changes, write stubs, validate, record hashes. Returns the exit status."""
    say = lambda s="": print(s, file=out)  # noqa: E731
    prov_path = root / "data" / "raw" / "provenance.yml"
    text = prov_path.read_text(encoding="utf-8")
    record = parse_yaml(text, paths.relative(prov_path))
    changes = changed_files(root, record)
    for ch in changes:
        _show_change(ch, say)

    new_pages = unregistered_rows(root, record)
    if new_pages:
        today = accessed or _dt.date.today().isoformat()
        stubs, ids = [], []
        for title, (url, where, _) in new_pages.items():
            sid = _slug(title, url)
            while sid in (record.get("sources") or {}) or sid in ids:
                sid += "_2"
            ids.append(sid)
            stubs.append(stub_entry(sid, title, url, today, where))
            say(f"new page (not registered): {title!r} ({where}) → stub '{sid}' written under sources: in "
                f"{paths.relative(prov_path)}")
        text = add_stubs(text, stubs)
        atomic_write_text(prov_path, text)
        record = parse_yaml(text, paths.relative(prov_path))

    missing_quality = [(sid, src.get("title_zh")) for sid, src in (record.get("sources") or {}).items()
                       if src.get("quality") not in provenance.QUALITY_FLAGS]
    if missing_quality:
        for sid, title in missing_quality:
            say(f"✖ {paths.relative(prov_path)}: source '{sid}' ({title}) has no valid quality flag: set "
                f"'quality:' to one of {', '.join(provenance.QUALITY_FLAGS)} "
                "(official = the issuer's own site; official_reprint = a reprint of an official release; "
                "media = a news report; encyclopedia_blog = encyclopedia, mirror, blog or self-media), "
                "then run make add-figure again")
        say("nothing recorded: the new hash is recorded only when every source has a quality flag")
        return 1

    patched = json.loads(json.dumps(record, default=str))
    for ch in changes:
        patched["files"][ch.name]["sha256"] = ch.actual_sha256
    try:
        obs, _ = observations.build_observations(root / "data" / "raw", record=patched)
    except RawDataError as err:
        say(f"✖ {err}")
        say("nothing recorded: fix the row above and run make add-figure again")
        return 1
    if not changes:
        say("every raw file matches its recorded hash: nothing to record")
        return 0
    for ch in changes:
        text = set_file_hash(text, ch.name, ch.actual_sha256)
    atomic_write_text(prov_path, text)
    for ch in changes:
        keep_recorded(root, ch.name, (root / "data" / "raw" / ch.name).read_bytes())
        say(f"✔ recorded sha256 {ch.actual_sha256} for data/raw/{ch.name} in {paths.relative(prov_path)}")
    say(f"all rows valid ({len(obs)} observations); next: make report (and make final)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.add_figure", description=__doc__.split("\n")[0])
    parser.add_argument("--accessed", help="access date for new pages (default: today, YYYY-MM-DD)")
    args = parser.parse_args(argv)
    return run(paths.ROOT, args.accessed)


if __name__ == "__main__":
    sys.exit(main())
