"""Provenance of raw inputs (``data/raw/provenance.yml``): each file's sha256 and each source's title,
publisher, date, address and quality flag; and the one checksum check (:func:`verify_raw_file`)."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from analysis.errors import RawDataError
from analysis.paths import DATA_RAW, PROVENANCE, relative, resolve
from analysis.yaml_files import parse_yaml

QUALITY_FLAGS = ("official", "official_reprint", "media", "encyclopedia_blog")
#: the plan itself (昌州政发〔2022〕97号) as a source in ``provenance.yml``
PLAN_SOURCE_ID = "cj_plan_2022_97"


def sha256_of(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> dict:
    # strict: a source id pasted twice is an error naming both lines, never "the second one wins"
    return parse_yaml(Path(path).read_text(encoding="utf-8"), relative(path)) or {}


def check_sources(record: dict, record_name: str) -> dict:
    """Every source of a provenance record must carry one of :data:`QUALITY_FLAGS`; returns ``record``."""
    for sid, src in (record.get("sources") or {}).items():
        if src.get("quality") not in QUALITY_FLAGS:
            raise RawDataError(
                record_name,
                f"source '{sid}' has quality {src.get('quality')!r}; expected one of {', '.join(QUALITY_FLAGS)}",
                column="quality",
            )
    return record


def load_provenance(path: str | Path = PROVENANCE) -> dict:
    """The provenance record: ``{"files": {name: {...}}, "sources": {source_id: {...}}}``."""
    path = resolve(path)
    if not path.exists():
        raise RawDataError(relative(path), "provenance record not found")
    return check_sources(_load(str(path), path.stat().st_mtime_ns), relative(path))


def verify_raw_file(path: str | Path, provenance: dict | None = None, raw_dir: str | Path | None = None) -> dict | None:
    """Check a raw file against its recorded sha256 and return its provenance entry.

    This is the project's one checksum check. Every file in ``data/raw/`` — or in ``raw_dir``, a
    copy of it or a researcher's folder holding files registered under the same names — must be
    registered; a changed file raises :class:`RawDataError` naming the file and both hashes.
    Without ``raw_dir``, a file outside ``data/raw/`` (a researcher's own input) returns ``None``:
    it is not part of the project's sources.
    """
    path = resolve(path)
    if not path.exists():
        raise RawDataError(relative(path), "file not found")
    folder = DATA_RAW if raw_dir is None else resolve(raw_dir)
    try:
        name = path.relative_to(folder).as_posix()
    except ValueError:
        if raw_dir is None:
            return None
        raise
    record_name = relative(PROVENANCE if raw_dir is None else folder / PROVENANCE.name)
    entry = (provenance or load_provenance())["files"].get(name)
    if entry is None:
        raise RawDataError(relative(path), f"not registered in {record_name}; add an entry with its sha256 and source")
    actual = sha256_of(path)
    if actual != entry.get("sha256"):
        raise RawDataError(
            relative(path),
            f"checksum changed: {record_name} records sha256 {entry.get('sha256')}, "
            f"the file now has {actual}. Raw files are immutable: restore it, or record the new "
            "version with its source and hash",
        )
    return entry


def verify_all(provenance: dict | None = None) -> list[str]:
    """Verify every registered raw file; return their names."""
    provenance = provenance or load_provenance()
    names = sorted(provenance["files"])
    for name in names:
        verify_raw_file(DATA_RAW / name, provenance)
    return names


def source(source_id: str, provenance: dict | None = None) -> dict:
    """A source entry by id; unknown ids raise :class:`RawDataError`."""
    sources = (provenance or load_provenance())["sources"]
    if source_id not in sources:
        raise RawDataError(relative(PROVENANCE), f"unknown source_id '{source_id}'; known: {', '.join(sorted(sources))}")
    return sources[source_id]
