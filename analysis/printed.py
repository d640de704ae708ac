"""Printed cells taken apart: a value as a page prints it (``约3552``, ``突破2400``, ``2 trillion``,
``12.7:57.1:30.2``), a growth rate, a unit with its bracket comments, an indicator label with its
period and status, and the numbers in a quote.

These parsers are pure and know nothing of files: a cell that cannot be read raises
:class:`CellError` saying what was expected and what was found; the caller, which knows the file
and the line, turns it into a located :class:`~analysis.errors.RawDataError` with
:func:`located_cells`. Numbers are returned as printed (``Decimal``), before any unit conversion
(:mod:`analysis.units`).
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from analysis.errors import RawDataError

__all__ = [
    "CellError", "located_cells", "ParsedValue", "UnitSpec", "LabelInfo", "parse_value", "parse_growth",
    "parse_unit", "effective_unit", "parse_indicator_label", "numbers_in_quote", "context_qualifier",
    "decimals", "check_ratio", "APPROXIMATE_UNIT_WORDS", "RATIO_ORDER_MARKERS", "QUOTE_NUMBER", "QUOTE_RATIO",
]


class CellError(ValueError):
    """A cell that cannot be parsed; the message says what was expected and what was found.

    ``column`` names the kind of cell at fault (``"value"`` or ``"unit"``) when the parser knows it.
    """

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.column = column


@contextmanager
def located_cells(file: str, row: int, column: str, columns: dict[str, str] | None = None) -> Iterator[None]:
    """Turn a :class:`CellError` raised inside the block into a :class:`RawDataError` at ``file``,
    ``row``: in the column ``columns[err.column]`` when the parser named one, else ``column``."""
    try:
        yield
    except CellError as err:
        raise RawDataError(file, str(err), row=row, column=(columns or {}).get(err.column, column)) from None


#: words in a unit's bracket comment (or a value's) that make the value approximate
APPROXIMATE_UNIT_WORDS = ("左右", "约数", "约")
#: the component order a structure a:b:c must be written in (bracket note or unit comment)
RATIO_ORDER_MARKERS = ("一:二:三", "一：二：三")

_APPROX_PREFIXES = ("approximately", "around", "nearly", "about", "大约", "约", "近")
_LOWER_PREFIXES = ("more than", "surpassing", "exceeding", "beat a", "beat", "over", "突破", "超过", "逾", "超")
_PREFIXES = sorted(
    [(w, "approximate") for w in _APPROX_PREFIXES] + [(w, "lower_bound") for w in _LOWER_PREFIXES],
    key=lambda x: -len(x[0]),
)
_SUFFIXES = (("左右", "approximate"), ("以上", "lower_bound"), ("余", "lower_bound"), ("多", "lower_bound"))
_TRAILING_COMMENT = re.compile(r"\s*[（(]([^（）()]*)[）)]\s*$")
_BRACKETED = re.compile(r"[（(]([^（）()]*)[）)]")
_NUMBER = re.compile(
    r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
    r"(?:[\s-]*(?P<scale>trillion|billion|million))?(?:[\s-]*(?P<cur>yuan))?(?:\s+mark)?$",
    re.IGNORECASE,
)
_RATIO = re.compile(r"^(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)$")
#: a number as printed in running text (``1,324.74``), and a structure a:b:c in it
QUOTE_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
QUOTE_RATIO = re.compile(r"\d+(?:\.\d+)?\s*[:：]\s*\d+(?:\.\d+)?\s*[:：]\s*\d+(?:\.\d+)?")

PERIOD_PATTERN = re.compile(
    r"上半年|下半年|[一二三四1-4]季度|前\s*[\d一二三四五六七八九十]+\s*个?月|\d+\s*[-－~至]\s*\d+\s*月|"
    r"假期|黄金周|春节|国庆|端午|五一|截至|截止"
)
STATUS_WORDS = (("年鉴修订值", "revised"), ("修订值", "revised"), ("预计数", "preliminary_estimate"),
                ("预计", "preliminary_estimate"))
#: bracket notes that only restate that a period is not the whole year
PARTIAL_RESTATEMENTS = ("非全年终值",)


def decimals(number: str) -> int:
    """Digits after the decimal point as printed.

    >>> decimals("1,324.74"), decimals("3552")
    (2, 0)
    """
    return len(number.split(".")[1]) if "." in number else 0


def _strip_qualifier_words(s: str) -> tuple[str, str | None]:
    """``s`` without a leading (约, more than …) or trailing (左右, 以上 …) qualifier word, and the
    qualifier that word gives (``None`` if there is none). An English word must end at a word
    boundary ("over 359", not "overall")."""
    qualifier = None
    low = s.lower()
    for word, qual in _PREFIXES:
        if low.startswith(word) and (not word.isascii() or s[len(word):len(word) + 1].isspace()):
            s, qualifier = s[len(word):].strip(), qual
            break
    for word, qual in _SUFFIXES:
        if s.endswith(word):
            s, qualifier = s[: -len(word)].strip(), qual
            break
    return s, qualifier


@dataclass(frozen=True)
class ParsedValue:
    """A value cell: ``number`` as printed (Decimal, before unit conversion), or a ratio."""

    number: Decimal
    qualifier: str                # exact | approximate | lower_bound
    decimals: int                 # digits after the decimal point as printed
    scale: str | None = None      # million / billion / trillion written in the value ("2 trillion")
    currency: str | None = None   # "yuan" written in the value ("2-trillion-yuan mark")
    ratio: tuple[Decimal, ...] | None = None
    comment: str | None = None    # a trailing bracket comment, e.g. "record-breaking"


def parse_value(text: str) -> ParsedValue | None:
    """Parse a value cell as printed; ``None`` for an empty cell.

    Accepts plain numbers (``1,324.74``), qualifier words (``约3552`` / ``about 358.5`` /
    ``nearly 1.6 trillion`` / ``3893左右`` → approximate; ``突破2400`` / ``more than 265`` /
    ``over 100`` / ``surpassing 2 trillion`` / ``beat 2-trillion-yuan mark`` → lower_bound), a
    scale word in the value (``2 trillion``), a trailing comment (``100 (record-breaking)``) and
    ratios ``a:b:c`` (the number returned is the last component; all are in ``ratio``).
    The number is not converted here (see :func:`analysis.units.to_canonical`).

    >>> v = parse_value("突破2400")
    >>> v.number, v.qualifier, v.decimals
    (Decimal('2400'), 'lower_bound', 0)
    >>> parse_value("nearly 1.6 trillion").scale
    'trillion'
    """
    s = (text or "").strip()
    if not s:
        return None
    comment = None
    m = _TRAILING_COMMENT.search(s)
    if m and m.start() > 0:
        comment, s = m.group(1).strip(), s[: m.start()].strip()
    qualifier = "approximate" if comment and any(w in comment for w in APPROXIMATE_UNIT_WORDS) else "exact"
    s, worded = _strip_qualifier_words(s)
    qualifier = worded or qualifier
    r = _RATIO.match(s)
    if r:
        parts = tuple(Decimal(x) for x in r.groups())
        return ParsedValue(parts[-1], qualifier, decimals(r.group(3)), ratio=parts, comment=comment)
    n = _NUMBER.match(s)
    if not n:
        raise CellError(
            f"expected a number as printed (e.g. 291.51, 1,324.74, 约3552, 突破2400, more than 265, "
            f"2 trillion, a ratio 12.7:57.1:30.2) or an empty cell, found {text.strip()!r}"
        )
    num = n.group("num")
    scale = n.group("scale").lower() if n.group("scale") else None
    currency = n.group("cur").lower() if n.group("cur") else None
    return ParsedValue(Decimal(num.replace(",", "")), qualifier, decimals(num), scale, currency, None, comment)


_GROWTH_TIMES = re.compile(r"^(?:比上年)?(?:同比)?增长\s*(\d+(?:\.\d+)?)\s*倍$")
_GROWTH_FALL = re.compile(r"^(?:比上年)?(?:同比)?下降\s*(\d+(?:\.\d+)?)\s*%?$")
_GROWTH_PLAIN = re.compile(r"^(?:比上年)?(?:同比)?(?:增长)?\s*([+-]?\d+(?:\.\d+)?)\s*(?:%|％|percent)?$")


def parse_growth(text: str) -> float:
    """Parse a growth cell into percent (``NaN`` for an empty cell).

    ``6.8`` → 6.8; ``-1.0`` → −1.0; ``约14`` / ``6%左右`` / ``nearly 230`` / ``more than 117`` → the
    number (the wording stays in ``growth_as_printed``); ``增长2.27倍`` / ``比上年增长2.2倍`` (grew
    by N times) → N × 100, i.e. +227 % / +220 %; ``下降1.0`` → −1.0.

    >>> parse_growth("增长2.27倍"), parse_growth("下降1.0"), parse_growth("6%左右")
    (227.0, -1.0, 6.0)
    """
    s = (text or "").strip()
    if not s:
        return math.nan
    s, _ = _strip_qualifier_words(s)
    m = _GROWTH_TIMES.match(s)
    if m:
        return float(Decimal(m.group(1)) * 100)
    m = _GROWTH_FALL.match(s)
    if m:
        return -float(Decimal(m.group(1)))
    m = _GROWTH_PLAIN.match(s)
    if m:
        return float(Decimal(m.group(1)))
    raise CellError(
        f"expected a growth rate in percent (e.g. 6.8, -1.0, 约14, more than 117, 增长2.27倍) or an empty cell, "
        f"found {text.strip()!r}"
    )


@dataclass(frozen=True)
class UnitSpec:
    """A unit cell: the base unit, its bracket comments, and the qualifier they imply."""

    base: str
    comments: tuple[str, ...] = ()
    qualifier: str | None = None  # "approximate" when a comment says 左右 / 约数


def parse_unit(text: str) -> UnitSpec | None:
    """Split ``亿元(左右,初步核算)`` into base ``亿元`` and comments; ``None`` for an empty cell.

    English units are lower-cased and their spaces collapsed (``billion yuan (=7660亿元)`` →
    ``billion yuan``). The base unit is not checked here (see :func:`analysis.units.to_canonical`).

    >>> parse_unit("亿元(左右,初步核算)")
    UnitSpec(base='亿元', comments=('左右', '初步核算'), qualifier='approximate')
    """
    s = (text or "").strip()
    if not s:
        return None
    comments = [c.strip() for c in _BRACKETED.findall(s)]
    base = _BRACKETED.sub("", s).strip()
    base = re.sub(r"\s+", " ", base)
    if base.isascii():
        base = base.lower()
    parts = tuple(p.strip() for c in comments for p in re.split(r"[,，;；]", c) if p.strip())
    qualifier = "approximate" if any(p in APPROXIMATE_UNIT_WORDS for p in parts) else None
    return UnitSpec(base, parts, qualifier)


def effective_unit(unit: UnitSpec | None, value: ParsedValue) -> str:
    """The unit a number is in once a scale word in the value is applied.

    ``2 trillion`` with unit ``yuan`` → ``trillion yuan``; ``2-trillion-yuan`` likewise. Raises
    :class:`CellError` when the value and unit disagree (a scale both in the value and in the unit).

    >>> effective_unit(parse_unit("yuan"), parse_value("2 trillion"))
    'trillion yuan'
    """
    base = unit.base if unit else ""
    if value.currency and base not in ("yuan", ""):
        raise CellError(f"the value names yuan but the unit is {base!r}", "unit")
    if value.scale:
        if base not in ("yuan", "") or not (base or value.currency):
            raise CellError(f"the value has the scale word {value.scale!r}; expected the unit 'yuan', found {base!r}", "unit")
        return f"{value.scale} yuan"
    if not base:
        raise CellError("the value has no unit: expected a unit such as 亿元, 万人次, %, billion yuan, million", "unit")
    return base


@dataclass
class LabelInfo:
    """An indicator cell taken apart: base label, growth-only flag, period, status and notes."""

    base: str
    growth_only: bool = False
    period: str = "full_year"
    period_note: str = ""
    status: str = "final"
    notes: list[str] = field(default_factory=list)
    ratio_order: bool = False  # the label states the order 一:二:三


def parse_indicator_label(text: str) -> LabelInfo:
    """Take an indicator cell apart.

    ``GDP_上半年(1-6月)`` → base ``GDP``, partial, period_note ``上半年(1-6月)``;
    ``旅游收入(游客花费,截至12月25日)`` → base ``旅游收入``, partial ``截至12月25日``, note ``游客花费``;
    ``GDP(年鉴修订值)`` → revised; ``GDP(预计数,政府工作报告)`` → preliminary_estimate;
    ``社会消费品零售总额增速(预计)`` → growth-only, preliminary_estimate.
    A ``_`` suffix must name a period; anything else raises :class:`CellError`.

    >>> info = parse_indicator_label("旅游收入(游客花费,截至12月25日)")
    >>> info.base, info.period, info.period_note, info.notes
    ('旅游收入', 'partial', '截至12月25日', ['游客花费'])
    """
    s = (text or "").strip()
    if not s:
        raise CellError("expected an indicator name (e.g. GDP, 第三产业增加值), found an empty cell")
    base, _, suffix = s.partition("_")
    items = [p.strip() for c in _BRACKETED.findall(base) for p in re.split(r"[,，;；]", c) if p.strip()]
    info = LabelInfo(base=re.sub(r"\s+", "", _BRACKETED.sub("", base)))
    period_parts = []
    if suffix:
        if not PERIOD_PATTERN.search(suffix):
            raise CellError(f"the suffix {suffix!r} after '_' should name a partial period "
                            "(上半年(1-6月), 1-10月, 一季度, 端午假期, …)")
        period_parts.append(suffix.strip())
    for item in items:
        status = next((st for word, st in STATUS_WORDS if word in item), None)
        if status:
            info.status = status
        elif item in RATIO_ORDER_MARKERS:
            info.ratio_order = True
        elif item in PARTIAL_RESTATEMENTS:
            info.notes.append(item)
        elif PERIOD_PATTERN.search(item):
            period_parts.append(item)
        else:
            info.notes.append(item)
    if period_parts:
        info.period, info.period_note = "partial", "; ".join(period_parts)
    elif any(item in PARTIAL_RESTATEMENTS for item in items):
        raise CellError(f"{s!r} says the figure is not the final annual value but names no period (截至…, 1-10月, …)")
    if info.base.endswith("增速"):
        info.growth_only, info.base = True, info.base[: -len("增速")]
    return info


def numbers_in_quote(quote: str) -> list[re.Match]:
    """The numbers in a quote, in order.

    >>> [m.group(0) for m in numbers_in_quote("2015年的358.05亿元")]
    ['2015', '358.05']
    """
    return list(QUOTE_NUMBER.finditer(quote))


def context_qualifier(quote: str, start: int, end: int, unit_as_printed: str) -> str:
    """Qualifier from the words around the number at ``quote[start:end]``.

    >>> context_qualifier("超过1.4亿人次", 2, 5, "亿人次"), context_qualifier("100亿元以上", 0, 3, "亿元")
    ('lower_bound', 'lower_bound')
    """
    before = quote[:start].rstrip()
    for word, qual in _PREFIXES:
        if not word.isascii() and before.endswith(word):
            return qual
    after = quote[end:].lstrip()
    if unit_as_printed and after.startswith(unit_as_printed):
        after = after[len(unit_as_printed):].lstrip()
    for word, qual in _SUFFIXES:
        if after.startswith(word):
            return qual
    return "exact"


def check_ratio(parts: tuple[Decimal, ...], printed_decimals: int) -> None:
    """A structure a:b:c must sum to 100 within the rounding of its printed components.

    >>> check_ratio((Decimal("12.7"), Decimal("57.1"), Decimal("30.2")), 1)
    >>> check_ratio((Decimal("12.7"), Decimal("57.1"), Decimal("31.2")), 1)
    Traceback (most recent call last):
    analysis.printed.CellError: the structure 12.7:57.1:31.2 sums to 101.0, expected 100 (± rounding 0.15)
    """
    total = sum(parts)
    tol = Decimal(len(parts)) * Decimal(5) * Decimal(10) ** (-(printed_decimals + 1))
    if abs(total - 100) > tol:
        raise CellError(f"the structure {':'.join(str(p) for p in parts)} sums to {total}, expected 100 "
                        f"(± rounding {tol})", "value")
