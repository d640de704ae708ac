"""Strict reading of raw cells: normalised text, unique CSV headers, plausible years, quotes that print the value.

These checks sit in front of the parsers (``analysis.observations``) so that a cell that *looks*
right but is not is refused with its file, line and column instead of being read wrongly:

- :func:`normalise_cell` — every raw cell is NFKC-normalised before it is parsed (full-width
  ``２９１.５１`` → ``291.51``, ``（`` → ``(``); digits of other scripts that NFKC keeps (Arabic-Indic
  ``٢٠٢٣``, Devanagari, …) are refused, never read as numbers by Python's Unicode-aware ``int``/``\\d``.
- :func:`check_unique_header` — a CSV header that names a column twice is an error (csv.DictReader
  would silently keep the last copy).
- :func:`check_year` — a year after the page's own date (``date`` in provenance.yml, where the
  page has one), after the source was accessed (``accessed``), or before the region existed under
  its code (``established`` in ``analysis/indicators.yml``) is a typo.
- :func:`check_growth` — a growth rate of −100 % or less (the level would be gone) or above
  :data:`GROWTH_MAX_PCT` is a typo, and where the quote prints a rate (``增长5.1%``, ``7-percent``,
  ``增长2.27倍``) the cell must be one it prints.
- :func:`check_value_in_quote` — the row's value, converted to the indicator's canonical unit, must
  be printed in its quote: the comparison is between normalised *numbers* (a quote's
  ``1兆3797億5800萬元`` is 13 797.58 亿元), never between texts, and a quote that prints no such number
  is an error naming the row, not a skipped check.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from analysis.errors import RawDataError

__all__ = ["normalise_cell", "normalise_row", "check_unique_header", "check_year", "check_growth", "quote_amounts",
           "check_value_in_quote", "QuoteMismatch", "GROWTH_MAX_PCT"]

#: the largest growth rate (percent) a cell may hold: +1000 % is eleven times the level of the year
#: before (the highest published here is +227 %, tourism revenue after 2022)
GROWTH_MAX_PCT = 1000


def normalise_cell(text: str) -> str:
    """``text`` in Unicode NFKC form; raises ``ValueError`` for a digit that is not 0–9 after it.

    >>> normalise_cell("２９１.５１")
    '291.51'
    >>> normalise_cell("亿元（左右）")
    '亿元(左右)'
    """
    text = unicodedata.normalize("NFKC", text or "")
    for i, ch in enumerate(text):
        if not ch.isascii() and unicodedata.decimal(ch, None) is not None:
            raise ValueError(f"the digit {ch!r} ({unicodedata.name(ch, 'U+%04X' % ord(ch))}) at character {i + 1} is not "
                             f"an ASCII digit; expected the digits 0-9 (full-width ０-９ are read as 0-9)")
    return text


def normalise_row(row: dict[str, str], file: str, line: int) -> dict[str, str]:
    """Every cell of a CSV row through :func:`normalise_cell`; a refused digit names file, line, column."""
    out = {}
    for column, cell in row.items():
        try:
            out[column] = normalise_cell(cell)
        except ValueError as err:
            raise RawDataError(file, str(err), row=line, column=column) from None
    return out


def check_unique_header(header: list[str], file: str) -> None:
    """Raise :class:`RawDataError` if a (stripped, normalised) column name appears twice in ``header``."""
    seen: dict[str, int] = {}
    for position, name in enumerate(header, 1):
        key = unicodedata.normalize("NFKC", name).strip()
        if key in seen:
            raise RawDataError(file, f"the header names column {key!r} twice (columns {seen[key]} and {position}); "
                                     "expected each column once — remove or rename one of them", row=1, column=key)
        seen[key] = position


def _year_of(date) -> int | None:
    """The year of a provenance date (a date, ``"2026-11"``, ``"2024-01-04"``), ``None`` if it has none."""
    m = re.match(r"\s*(\d{4})", str(date or ""))
    return int(m.group(1)) if m else None


def check_year(year: int, *, file: str, line: int, column: str, accessed, source_id: str, first_year: int | None,
               region: str, published=None) -> None:
    """Raise :class:`RawDataError` unless ``first_year <= year <=`` the year of ``published`` (else ``accessed``).

    ``published`` is the page's own ``date`` in provenance.yml, where it has one, ``accessed`` the
    month it was read (a date or ``"2026-11"``): a page cannot print a figure for a year after it was
    written, nor after it was read. ``first_year`` is the year the region was established under its
    code (``None``: no lower bound).
    """
    page = _year_of(published)
    if page is not None and year > page:
        raise RawDataError(file, f"year {year} is after the date of source '{source_id}' ({published}); expected a year "
                                 f"from {first_year or '…'} to {page}: a page cannot print a figure for a later year",
                           row=line, column=column)
    last = _year_of(accessed)
    if last is not None and year > last:
        raise RawDataError(file, f"year {year} is after source '{source_id}' was accessed ({accessed}); expected a year "
                                 f"from {first_year or '…'} to {last} (a typo such as 2032 for 2023?)", row=line, column=column)
    if first_year is not None and year < first_year:
        raise RawDataError(file, f"year {year} is before {region} existed (established {first_year}); expected a year "
                                 f"from {first_year} to {last or '…'}", row=line, column=column)


def check_growth(growth_pct: float, cell: str, quote: str) -> None:
    """Raise ``ValueError`` unless ``-100 < growth_pct <= GROWTH_MAX_PCT`` and, where ``quote``
    prints growth rates (a number before ``%``, ``percent``, ``倍``), the number in ``cell`` is one of them.

    >>> check_growth(5.1, "5.1", "增长5.1%"), check_growth(227.0, "增长2.27倍", "增长2.27倍")
    (None, None)
    >>> check_growth(5.2, "5.2", "GDP增长5.1%")
    Traceback (most recent call last):
    ...
    ValueError: the quote prints the growth rate 5.1 but the cell has 5.2; expected the rate as the quote prints it
    """
    if not -100 < growth_pct <= GROWTH_MAX_PCT:
        raise ValueError(f"a growth rate of {growth_pct:g} % is not plausible: expected more than -100 % (a level that "
                         f"falls by 100 % is gone) and at most {GROWTH_MAX_PCT} %")
    printed = {Decimal(n.replace(",", "")) for n in _GROWTH_IN_QUOTE.findall(
        unicodedata.normalize("NFKC", quote or "").translate(_TRADITIONAL))}
    number = re.search(_NUM, unicodedata.normalize("NFKC", cell or ""))
    if printed and number and Decimal(number.group(0).replace(",", "")) not in printed:
        shown = ", ".join(f"{n:f}" for n in sorted(printed))
        raise ValueError(f"the quote prints the growth rate {shown} but the cell has {number.group(0)}; expected the rate "
                         "as the quote prints it")


# ---------------------------------------------------------------------------------------------
# Numbers in a quote
# ---------------------------------------------------------------------------------------------

_TRADITIONAL = str.maketrans({"億": "亿", "萬": "万", "％": "%", "・": "."})
#: Chinese / Japanese numeral multipliers written between the digits of one amount (1兆3797億5800萬元)
_MULTIPLIERS = {"兆": Decimal(10) ** 12, "万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4}
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_COMPOUND = re.compile(rf"(?<![\d.,])({_NUM})(兆|万亿|亿)((?:{_NUM}(?:亿|万))+)元")
_PART = re.compile(rf"({_NUM})(亿|万)")
_PLAIN = re.compile(rf"(?<![\d.,])({_NUM})(?![\d])")
#: a growth rate as a quote prints it: 5.1%, 7-percent, 7 per cent, 2.27倍 (not "percentage points")
_GROWTH_IN_QUOTE = re.compile(rf"(?<![\d.,])({_NUM})\s*-?\s*(?:%|percent\b|per cent\b|倍)", re.I)


def quote_amounts(quote: str, units) -> list[tuple[Decimal, str | None, int]]:
    """The numbers a quote prints, each with the unit printed right after it (or ``None``).

    ``units`` are the known unit words (longest first). The quote is NFKC-normalised; traditional
    ``億``/``萬`` count as ``亿``/``万``; hyphens between an English number and its unit are spaces
    (``2-trillion-yuan``); a compound amount such as ``1兆3797億5800萬元`` is one number in 亿元
    (13 797.58). Returns ``[(number, unit, position)]`` in order.
    """
    text = unicodedata.normalize("NFKC", quote or "").translate(_TRADITIONAL)
    found: list[tuple[Decimal, str | None, int]] = []
    covered: list[tuple[int, int]] = []
    for m in _COMPOUND.finditer(text):
        total = Decimal(m.group(1).replace(",", "")) * _MULTIPLIERS[m.group(2)]
        for part in _PART.finditer(m.group(3)):
            total += Decimal(part.group(1).replace(",", "")) * _MULTIPLIERS[part.group(2)]
        found.append((total / _MULTIPLIERS["亿"], "亿元", m.start()))  # 亿元: the table converts it, 元 is per-capita
        covered.append((m.start(), m.end()))
    for m in _PLAIN.finditer(text):
        if any(a <= m.start() < b for a, b in covered):
            continue
        after = re.sub(r"^[\s-]+", "", text[m.end():]).lower().replace("-", " ")
        after = re.sub(r"\s+", " ", after)
        unit = next((u for u in units if after.startswith(u)), None)
        found.append((Decimal(m.group(1).replace(",", "")), unit, m.start()))
    return sorted(found, key=lambda x: x[2])


class QuoteMismatch(ValueError):
    """The quote contradicts the row's value or unit, or does not print the value at all."""


def check_value_in_quote(quote: str, printed: Decimal, unit: str, canonical: str, value: Decimal,
                         conversions: dict[str, dict[str, str]]) -> None:
    """Check that ``quote`` prints the row's value; raise :class:`QuoteMismatch` saying how it does not.

    ``printed`` is the number as printed in the row (before conversion), ``unit`` its unit,
    ``value`` the same number in the indicator's ``canonical`` unit, ``conversions`` the project's
    one conversion table (``observations.UNIT_CONVERSIONS``). Accepted when the quote prints

    - a number with a unit that converts to the same canonical value (291.51亿元, or 2915100万元), or
    - the printed number with no unit after it (a table row: ``昌吉州 1,324.74 192.03 …``).

    Refused when the quote prints the number only with a unit that gives another value (the row's
    704.11 万元 against the quote's 704.11亿元), and when it prints no such number at all.
    """
    units = sorted((u for u in conversions if u != "比例"), key=len, reverse=True)
    amounts = quote_amounts(quote, units)
    wrong_unit = []
    for number, printed_unit, _ in amounts:
        if printed_unit is not None and canonical in conversions.get(printed_unit, {}):
            if number * Decimal(conversions[printed_unit][canonical]) == value:
                return
            if number == printed:
                wrong_unit.append(printed_unit)
        elif number == printed:
            return
    if wrong_unit:
        shown = printed * Decimal(conversions[wrong_unit[0]][canonical])
        raise QuoteMismatch(f"the quote prints {printed:f} {wrong_unit[0]} ({shown:f} {canonical}) but the unit {unit!r} "
                            f"makes the value {value:f} {canonical}; expected the unit as printed in the quote ({wrong_unit[0]})")
    numbers = ", ".join(f"{n:f}" + (f" {u}" if u else "") for n, u, _ in amounts) or "no number"
    raise QuoteMismatch(f"the quote does not print the value {printed:f} {unit} ({value:f} {canonical}): it prints {numbers}; "
                        "expected the quote to hold the number as the page prints it (check the value, its unit and the quote)")


def missing_trailing_values(cells: list[str], header_cells: list[str], names: list[str], looks_like_value) -> list[str]:
    """Region names whose value cells are absent at the end of a table row (``[]`` if none are).

    A table row is tab-separated like its header (``数据类别 \\t \\t 昌吉州 \\t 乌鲁木齐 \\t 全疆``). When a
    row has fewer cells than the header *and* fewer value-like cells (``looks_like_value``) than
    regions, the values missing are the last ones, by position under the header — not the first,
    as reading the row from the right would conclude (a row missing 全疆 would be blamed on 昌吉州).
    """
    if len(cells) >= len(header_cells):
        return []
    values = 0
    for cell in reversed(cells):
        if not looks_like_value(cell.strip()):
            break
        values += 1
    if values >= len(names):
        return []
    positions = [i for i, c in enumerate(header_cells) if i > 0 and c.strip()]
    missing = [name for name, pos in zip(names, positions) if pos >= len(cells)]
    return missing or names[values:]
