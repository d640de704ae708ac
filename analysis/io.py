"""Reading raw text safely and writing outputs atomically (temporary file, then rename)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from analysis.errors import RawDataError
from analysis.paths import relative


def read_utf8_text(path: str | Path) -> str:
    """Read a raw text file that must be UTF-8; a clear error names the first bad byte's line."""
    path = Path(path)
    if not path.exists():
        raise RawDataError(relative(path), "file not found")
    data = path.read_bytes()
    if not data.strip():
        raise RawDataError(relative(path), "file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise RawDataError(
            relative(path),
            f"not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
            "expected UTF-8 text — re-save the file as UTF-8 (GBK/GB18030 files must be converted)",
            row=line,
        ) from None


_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    A reader never sees a half-written file, and an error leaves the previous file intact.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp creates 0600; outputs are ordinary shared files
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    """UTF-8 text version of :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as UTF-8 CSV (LF line ends, no index) atomically, so reruns give the same bytes."""
    return atomic_write_text(path, df.to_csv(index=False, lineterminator="\n"))
