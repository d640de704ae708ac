"""The project's file boundary: reading raw inputs (UTF-8 text, CSV with fixed columns) and writing
outputs atomically (a temporary file in the same folder, then a rename).

These are the only readers of raw text in ``analysis/``: every raw file is decoded once, here, and
an undecodable byte is reported with its line (and, for a CSV, its column). Named ``files`` rather
than ``io`` so that it never shadows the standard library's :mod:`io`.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import pandas as pd

from analysis.atomic_outputs import stage_bytes
from analysis.errors import RawDataError
from analysis.paths import relative
from analysis.strict_input import check_unique_header

NOT_UTF8_HINT = "expected UTF-8 text — re-save the file as UTF-8 (GBK/GB18030 files must be converted)"


def _decode(path: Path, data: bytes, columns: tuple[str, ...] | None = None) -> str:
    """``data`` decoded as UTF-8 (a BOM is dropped); a located :class:`RawDataError` if it is not.

    For a CSV (``columns`` given) the error also names the column the bad byte stands in, counted
    from the commas before it on its line.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        message = f"not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); {NOT_UTF8_HINT}"
        column = None if columns is None else _column_at(data, err.start, columns)
        raise RawDataError(relative(path), message, row=line, column=column) from None


def _column_at(data: bytes, offset: int, columns: tuple[str, ...]) -> str:
    """The CSV column that the byte at ``offset`` stands in (from the cells before it on its line)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[line_start:offset].decode("utf-8", errors="replace")
    try:
        cells = next(csv.reader([prefix])) if prefix else [""]
    except (csv.Error, StopIteration):
        cells = [""]
    return columns[min(len(cells) - 1, len(columns) - 1)] if cells else columns[0]


def read_utf8_text(path: str | Path) -> str:
    """Read a raw text file that must be UTF-8; a clear error names the first bad byte's line."""
    path = Path(path)
    if not path.exists():
        raise RawDataError(relative(path), "file not found")
    data = path.read_bytes()
    if not data.strip():
        raise RawDataError(relative(path), "file is empty")
    return _decode(path, data)


def read_csv_rows(path: str | Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Read a raw CSV that must be UTF-8 with exactly ``columns``; return ``[(line, row), …]``.

    ``line`` is the file line where the record starts (header = line 1); blank rows are skipped.
    A missing or empty file, another encoding, missing or extra columns and rows with the wrong
    number of cells raise :class:`RawDataError` naming file, line and column.
    """
    path = Path(path)
    name = relative(path)
    if not path.exists():
        raise RawDataError(name, "file not found", row=1, column=columns[0])
    data = path.read_bytes()
    if not data.strip():
        raise RawDataError(name, f"file is empty; expected a header line {','.join(columns)} and data rows",
                           row=1, column=columns[0])
    text = _decode(path, data, columns)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in _next_row(reader, name, text, list(columns))]
    _check_header(name, header, columns)
    rows = []
    last = reader.line_num
    while (cells := _next_row(reader, name, text, header)) is not None:
        start, last = last + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            col = header[len(cells)] if len(cells) < len(header) else f"(cell {len(cells)})"
            raise RawDataError(name, f"expected {len(header)} cells ({','.join(header)}), found {len(cells)}",
                               row=start, column=col)
        rows.append((start, dict(zip(header, cells))))
    if not rows:
        raise RawDataError(name, "the file has a header but no data rows", row=2, column=columns[0])
    return rows


def _next_row(reader, name: str, text: str, header: list[str]) -> list[str] | None:
    """The reader's next row (``None`` at the end); a cell over the csv module's limit (131 072
    characters) or another CSV error is a :class:`RawDataError` naming the line and the column."""
    start = reader.line_num + 1
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as err:
        limit = csv.field_size_limit()
        rest = "\n".join(text.splitlines()[start - 1:])  # the record, which may run over several lines
        column = next((header[min(i, len(header) - 1)] for i, cell in enumerate(_cells_unbounded(rest)) if len(cell) > limit),
                      None)
        if column is not None:
            raise RawDataError(name, f"a cell of more than {limit} characters; expected a value, unit, title or quote "
                                     "(is the line missing a closing quote?)", row=start, column=column) from None
        raise RawDataError(name, f"cannot read the line as CSV ({err})", row=start) from None


def _cells_unbounded(text: str) -> list[str]:
    """The cells of the first CSV record in ``text``, however long (the csv module's cell limit lifted
    for this record only)."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        return next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        return []
    finally:
        csv.field_size_limit(limit)


def _check_header(name: str, header: list[str], columns: tuple[str, ...]) -> None:
    check_unique_header(header, name)  # csv would keep the last of two equal names silently
    for col in columns:
        if col not in header:
            raise RawDataError(name, f"missing column {col!r}; expected the header {','.join(columns)}, "
                                     f"found {','.join(header)}", row=1, column=col)
    extra = [h for h in header if h not in columns]
    if extra:
        raise RawDataError(name, f"unexpected column {extra[0]!r}; expected the header {','.join(columns)}",
                           row=1, column=extra[0])


_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    A reader never sees a half-written file, and an error leaves the previous file intact. Inside
    a step (:class:`analysis.atomic_outputs.OutputTransaction`) the file is only staged: it replaces
    its target together with the step's other outputs, or not at all.
    """
    if stage_bytes(path, data) is not None:
        return Path(path)
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
