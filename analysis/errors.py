"""The one error type for bad input: it names the file, the row and the column."""
from __future__ import annotations


class RawDataError(ValueError):
    """Bad input data, located precisely.

    ``str(err)`` reads ``<file>, line <row>, column '<column>': <what was expected / found>`` so a
    user can open the file at the right place.
    """

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file = str(file)
        self.row = row
        self.column = column
        self.message = message
        where = [self.file]
        if row is not None:
            where.append(f"line {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(", ".join(where) + ": " + message)
