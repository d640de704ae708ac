"""Provenance records of raw files (``data/raw/provenance.yml``) and checksum verification."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import yaml

from analysis.errors import RawDataError
from analysis.paths import DATA_RAW, PROVENANCE, relative, resolve

QUALITY_FLAGS = ("official", "official_reprint", "media", "encyclopedia_blog")


def sha256_of(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_provenance(path: str | Path = PROVENANCE) -> dict:
    """The provenance record: ``{"files": {name: {...}}, "sources": {source_id: {...}}}``."""
    path = resolve(path)
    if not path.exists():
        raise RawDataError(relative(path), "provenance record not found")
    record = _load(str(path), path.stat().st_mtime_ns)
    for sid, src in record.get("sources", {}).items():
        if src.get("quality") not in QUALITY_FLAGS:
            raise RawDataError(
                relative(path),
                f"source '{sid}' has quality {src.get('quality')!r}; expected one of {', '.join(QUALITY_FLAGS)}",
                column="quality",
            )
    return record


def file_record(path: str | Path, provenance: dict | None = None) -> dict | None:
    """The provenance entry of a file in ``data/raw/`` (``None`` for files outside it or unregistered)."""
    path = resolve(path)
    try:
        name = path.relative_to(DATA_RAW).as_posix()
    except ValueError:
        return None
    return (provenance or load_provenance())["files"].get(name)


def verify_raw_file(path: str | Path, provenance: dict | None = None) -> dict | None:
    """Check a raw file against its recorded sha256 and return its provenance entry.

    Every file in ``data/raw/`` must be registered; a changed file raises :class:`RawDataError`
    naming the file and both hashes. Files outside ``data/raw/`` (a researcher's own input)
    return ``None``: they are not part of the project's sources.
    """
    path = resolve(path)
    if not path.exists():
        raise RawDataError(relative(path), "file not found")
    try:
        path.relative_to(DATA_RAW)
    except ValueError:
        return None
    entry = file_record(path, provenance)
    if entry is None:
        raise RawDataError(
            relative(path), f"not registered in {relative(PROVENANCE)}; add an entry with its sha256 and source"
        )
    actual = sha256_of(path)
    if actual != entry["sha256"]:
        raise RawDataError(
            relative(path),
            f"checksum changed: {relative(PROVENANCE)} records sha256 {entry['sha256']}, "
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
