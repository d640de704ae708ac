"""One tidy table of published observations, built from the raw bulletin CSVs and the plan text.

Inputs (all in ``data/raw/``, each verified against its sha256 in ``provenance.yml`` first):

- ``changji_bulletins.csv`` and ``urumqi_xinjiang_bulletins.csv`` — one published number a row,
  exactly as printed on a public page (columns :data:`BULLETIN_COLUMNS`). A row maps to a
  provenance source by its ``source_title`` (``title_zh`` or ``title_variants_zh``);
- ``plan_text_observations.csv`` — quote anchors into the plan
  (``changji_14th_fyp_modern_services_plan.txt``): an exact quote and which number in it holds
  the value (columns :data:`PLAN_COLUMNS`). No figure is typed: the number is read from the
  quote after the quote is found verbatim in the plan.

Output of :func:`build_observations` (a notebook writes it to ``data/processed/observations.csv``):

- ``observations`` (:data:`OBSERVATION_COLUMNS`): one row per published figure or growth rate,
  ``value`` in the indicator's canonical unit from ``analysis/indicators.yml`` (亿元 = CNY 100
  million, 万人次 = 10 000 person-trips, % = percent, 亿美元 = USD 100 million, 元 = yuan);
  ``growth_pct`` in percent (year on year as the page states it: GDP and value added at
  comparable prices, i.e. real; retail sales, tourism and trade nominal — the ``note`` says which);
- ``unused`` (:data:`UNUSED_COLUMNS`): rows that are read and checked but not observations of a
  catalogue indicator (4A/5A scenic-spot visitors, inbound tourism, contribution rates, …), each
  with its ``reason``. Nothing is dropped silently.

Conventions
-----------
- ``qualifier``: ``exact`` (printed as a plain number, even if rounded), ``approximate`` (约, about,
  nearly, 左右, 约数), ``lower_bound`` (突破, 超过, more than, over, surpassing, beat … mark); empty
  when ``value`` is missing (a growth-only row).
- ``period``: ``full_year``; ``partial`` (a half year, quarter, holiday, 1–10月, 截至12月25日, 前11个月:
  kept, never an annual value); ``five_year_total`` (the plan's 13th-plan totals, ``year`` = the
  last year of the five).
- ``status``: ``final`` (first full-year release), ``revised`` (年鉴修订值), ``preliminary_estimate``
  (预计数 — an estimate published before the year's statistics).
- ``selected``: exactly one row per (region_code, indicator_id, year, period, period_note) is
  selected by :data:`SELECTION_RULE`; the others stay visible with a ``selection_note``.
- Units are converted in one place, :func:`to_canonical`, with the explicit table
  :data:`UNIT_CONVERSIONS`; currencies are never converted into each other (trade in 亿元 is the
  separate indicator ``goods_trade_total_cny``).

Bad input raises :class:`~analysis.errors.RawDataError` naming the file, the line (header =
line 1) and the column, and saying what was expected.
"""
from __future__ import annotations

import csv
import io as _io
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from analysis import catalogue, paths, provenance
from analysis.errors import RawDataError
from analysis.io import read_utf8_text

__all__ = [
    "BULLETIN_FILES", "PLAN_OBSERVATIONS_FILE", "PLAN_TEXT_FILE", "BULLETIN_COLUMNS", "PLAN_COLUMNS",
    "OBSERVATION_COLUMNS", "UNUSED_COLUMNS", "ANNUAL_SERIES_COLUMNS", "UNIT_CONVERSIONS", "SELECTION_RULE",
    "NON_COMPARABLE", "RATIO_INDICATORS", "COVERAGE_CAVEATS", "QUALITY_ORDER",
    "ParsedValue", "LabelInfo", "UnitSpec",
    "parse_value", "parse_growth", "parse_unit", "parse_indicator_label", "to_canonical", "convert_units",
    "numbers_in_quote", "read_csv_rows", "select_rows", "build_observations", "annual_series",
]

BULLETIN_FILES = ("changji_bulletins.csv", "urumqi_xinjiang_bulletins.csv")
PLAN_OBSERVATIONS_FILE = "plan_text_observations.csv"
PLAN_TEXT_FILE = "changji_14th_fyp_modern_services_plan.txt"

BULLETIN_COLUMNS = ("region", "year", "indicator", "value", "unit", "growth_pct", "source_title", "source_url", "quote")
PLAN_COLUMNS = ("region_code", "year", "indicator_id", "period", "quote", "number_position", "unit_as_printed", "note")

OBSERVATION_COLUMNS = [
    "obs_id", "region_code", "region_zh", "region_en", "indicator_id", "indicator_zh", "indicator_en",
    "year", "period", "period_note", "status", "value", "unit", "qualifier", "value_as_printed",
    "unit_as_printed", "growth_pct", "growth_as_printed", "source_id", "quality", "selected",
    "selection_note", "raw_file", "raw_row", "note",
]
UNUSED_COLUMNS = [
    "raw_file", "raw_row", "region_code", "year", "indicator_as_printed", "value_as_printed",
    "unit_as_printed", "growth_as_printed", "source_id", "quality", "reason",
]
ANNUAL_SERIES_COLUMNS = ["year", "value", "qualifier", "source_id", "quality"]

PERIODS = ("full_year", "partial", "five_year_total")
STATUSES = ("final", "revised", "preliminary_estimate")
QUALIFIERS = ("exact", "approximate", "lower_bound")
#: best first; the order of provenance.QUALITY_FLAGS
QUALITY_ORDER = tuple(provenance.QUALITY_FLAGS)

# ---------------------------------------------------------------------------------------------
# Units: the one conversion table
# ---------------------------------------------------------------------------------------------

#: (unit as printed, without bracket comments) → {canonical unit: factor}. The factor multiplies
#: the printed number. A unit or a pair not listed here is an error: no other conversion exists.
#: Currencies are never converted (亿元 ↔ 亿美元 is not in the table on purpose).
UNIT_CONVERSIONS: dict[str, dict[str, str]] = {
    "亿元": {"亿元": "1"},
    "万元": {"亿元": "0.0001"},            # 1 万元 = 0.0001 亿元
    "万亿元": {"亿元": "10000"},           # 1 万亿元 = 10 000 亿元
    "billion yuan": {"亿元": "10"},        # 1 billion = 10 亿
    "trillion yuan": {"亿元": "10000"},    # 1 trillion = 10 000 亿
    "元": {"元": "1"},
    "yuan": {"元": "1"},
    "亿美元": {"亿美元": "1"},
    "万人次": {"万人次": "1"},
    "亿人次": {"万人次": "10000"},         # 1 亿人次 = 10 000 万人次
    "million": {"万人次": "100"},          # visitors: 1 million = 100 万人次
    "million visitors": {"万人次": "100"},
    "%": {"%": "1"},
    "比例": {"%": "1"},                    # a structure a:b:c of percentage shares
}
#: words in a unit's bracket comment that make the value approximate
APPROXIMATE_UNIT_WORDS = ("左右", "约数", "约")

# ---------------------------------------------------------------------------------------------
# Indicator labels
# ---------------------------------------------------------------------------------------------

#: label fragments of figures that are not comparable with any catalogue indicator → reason
NON_COMPARABLE: tuple[tuple[str, str], ...] = (
    ("4A/5A", "visitors to 4A/5A-rated scenic spots only (非全口径): not the total tourist count tourism_visits"),
    ("入境游客", "inbound visitors only: a part of the tourist count, not comparable with tourism_visits"),
    ("国际旅游收入", "international tourism receipts (in 亿美元): a part of tourism revenue in another currency; not converted"),
    ("贡献率", "contribution to economic growth: not a level or growth rate of a catalogue indicator"),
    ("以旧换新", "consumer-goods trade-in subsidies paid: a policy outlay, not a catalogue indicator"),
)
#: structure labels whose value is a ratio a:b:c → (indicator id, 1-based component used)
RATIO_INDICATORS: dict[str, tuple[str, int]] = {"三次产业结构": ("tertiary_share_of_gdp", 3)}
#: the component order a structure must be written in (bracket note or unit comment)
RATIO_ORDER_MARKERS = ("一:二:三", "一：二：三")

PERIOD_PATTERN = re.compile(
    r"上半年|下半年|[一二三四1-4]季度|前\s*[\d一二三四五六七八九十]+\s*个?月|\d+\s*[-－~至]\s*\d+\s*月|"
    r"假期|黄金周|春节|国庆|端午|五一|截至|截止"
)
STATUS_WORDS = (("年鉴修订值", "revised"), ("修订值", "revised"), ("预计数", "preliminary_estimate"),
                ("预计", "preliminary_estimate"))
#: bracket notes that only restate that a period is not the whole year
PARTIAL_RESTATEMENTS = ("非全年终值",)

#: indicators whose growth is stated at comparable prices (real); all others nominal
REAL_GROWTH_INDICATORS = frozenset({
    "gdp", "primary_value_added", "secondary_value_added", "tertiary_value_added", "per_capita_gdp",
    "finance_value_added",
})
NATIONAL_ACCOUNTS = frozenset(REAL_GROWTH_INDICATORS | {"tertiary_share_of_gdp", "finance_share_of_gdp"})


@dataclass(frozen=True)
class Caveat:
    """A coverage warning attached as text to the ``note`` of matching rows."""

    region_code: str
    first_year: int | None
    last_year: int | None
    indicators: frozenset
    raw_files: tuple[str, ...] | None  # None: rows from any file
    note: str

    def applies(self, region_code: str, year: int, indicator_id: str, raw_name: str) -> bool:
        return (
            region_code == self.region_code
            and (self.first_year is None or year >= self.first_year)
            and (self.last_year is None or year <= self.last_year)
            and indicator_id in self.indicators
            and (self.raw_files is None or raw_name in self.raw_files)
        )


#: the coverage warnings of shared/data-notes/README.md, as data (no numbers typed here)
COVERAGE_CAVEATS: tuple[Caveat, ...] = (
    Caveat("652300", 2023, 2023, NATIONAL_ACCOUNTS, None,
           "coverage: one source counts the XPCC 6th Division / 五家渠市 in Changji's 2023 GDP, while the "
           "plan's 2020 figures may not include it — say so when comparing 2023 with 2020"),
    Caveat("652300", 2020, 2020, NATIONAL_ACCOUNTS, (PLAN_OBSERVATIONS_FILE,),
           "coverage: the plan does not say whether its 2020 figures include the XPCC 6th Division / "
           "五家渠市 (a 2023 source says Changji's 2023 GDP does)"),
    Caveat("652300", None, 2018, NATIONAL_ACCOUNTS, BULLETIN_FILES,
           "published before the 2018 economic-census revision (the 2019 yearbook GDP is below the 2018 "
           "figure): not comparable with 2019 onwards without saying so"),
    Caveat("652300", None, 2017, NATIONAL_ACCOUNTS, (PLAN_OBSERVATIONS_FILE,),
           "the plan does not say whether this pre-2018 figure was revised after the 2018 economic census"),
)

# ---------------------------------------------------------------------------------------------
# Selection among duplicates
# ---------------------------------------------------------------------------------------------

#: how one row is selected among rows with the same (region_code, indicator_id, year, period,
#: period_note): the criteria are applied in this order, the first that differs decides.
SELECTION_RULE: tuple[str, ...] = (
    "1 a row with a value before a growth-only row",
    "2 a final or revised figure before a preliminary estimate (预计数: made before the year's statistics existed)",
    "3 better source quality (official > official_reprint > media > encyclopedia_blog); a more precise figure "
    "that agrees, within half a unit of the last printed digit, with a rounder exact or approximate figure "
    "from a better source takes that source's quality (it is corroborated by it)",
    "4 a revised yearbook figure before the first release (revisions add later information, e.g. the economic census)",
    "5 exact before approximate before lower_bound",
    "6 finer printed precision (more decimals, measured in the canonical unit)",
    "7 own source quality before quality taken from a corroborating source",
    "8 source_id alphabetically, then file and line (deterministic)",
)
_RULE_SHORT = (
    "has a value", "not a preliminary estimate", "better (or corroborated) source quality",
    "revised yearbook figure", "exact rather than approximate / lower bound", "finer printed precision",
    "own source quality", "source_id / file order",
)
_STATUS_RANK = {"revised": 0, "final": 0, "preliminary_estimate": 1}
_REVISION_RANK = {"revised": 0, "final": 1, "preliminary_estimate": 1}
_QUALIFIER_RANK = {"exact": 0, "approximate": 1, "lower_bound": 2}

# ---------------------------------------------------------------------------------------------
# Parsing of single cells (pure; they raise _Bad, which callers turn into a located RawDataError)
# ---------------------------------------------------------------------------------------------


class _Bad(Exception):
    """A cell that cannot be parsed; the message says what was expected and what was found.

    ``column`` names the kind of cell at fault (``"value"`` or ``"unit"``) when the parser knows it.
    """

    def __init__(self, message: str, column: str | None = None):
        super().__init__(message)
        self.column = column


_APPROX_PREFIXES = ("approximately", "around", "nearly", "about", "大约", "约", "近")
_LOWER_PREFIXES = ("more than", "surpassing", "exceeding", "beat a", "beat", "over", "突破", "超过", "逾", "超")
_PREFIXES = sorted(
    [(w, "approximate") for w in _APPROX_PREFIXES] + [(w, "lower_bound") for w in _LOWER_PREFIXES],
    key=lambda x: -len(x[0]),
)
_SUFFIXES = (("左右", "approximate"), ("以上", "lower_bound"), ("余", "lower_bound"), ("多", "lower_bound"))
_TRAILING_COMMENT = re.compile(r"\s*[（(]([^（）()]*)[）)]\s*$")
_NUMBER = re.compile(
    r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
    r"(?:[\s-]*(?P<scale>trillion|billion|million))?(?:[\s-]*(?P<cur>yuan))?(?:\s+mark)?$",
    re.IGNORECASE,
)
_RATIO = re.compile(r"^(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)$")
_QUOTE_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_QUOTE_RATIO = re.compile(r"\d+(?:\.\d+)?\s*[:：]\s*\d+(?:\.\d+)?\s*[:：]\s*\d+(?:\.\d+)?")


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


def _decimals(num: str) -> int:
    return len(num.split(".")[1]) if "." in num else 0


def parse_value(text: str) -> ParsedValue | None:
    """Parse a value cell as printed; ``None`` for an empty cell.

    Accepts plain numbers (``1,324.74``), qualifier words (``约3552`` / ``about 358.5`` /
    ``nearly 1.6 trillion`` / ``3893左右`` → approximate; ``突破2400`` / ``more than 265`` /
    ``over 100`` / ``surpassing 2 trillion`` / ``beat 2-trillion-yuan mark`` → lower_bound), a
    scale word in the value (``2 trillion``), a trailing comment (``100 (record-breaking)``) and
    ratios ``a:b:c`` (the number returned is the last component; all are in ``ratio``).
    The number is not converted here (see :func:`to_canonical`).
    """
    s = (text or "").strip()
    if not s:
        return None
    comment = None
    m = _TRAILING_COMMENT.search(s)
    if m and m.start() > 0:
        comment, s = m.group(1).strip(), s[: m.start()].strip()
    qualifier = "exact"
    if comment and any(w in comment for w in APPROXIMATE_UNIT_WORDS):
        qualifier = "approximate"
    low = s.lower()
    for word, qual in _PREFIXES:
        if low.startswith(word):
            rest = s[len(word):]
            # an English word must end at a word boundary ("over 359", not "overall")
            if word.isascii() and rest and not (rest[0].isspace()):
                continue
            s, qualifier = rest.strip(), qual
            break
    for word, qual in _SUFFIXES:
        if s.endswith(word):
            s, qualifier = s[: -len(word)].strip(), qual
            break
    r = _RATIO.match(s)
    if r:
        parts = tuple(Decimal(x) for x in r.groups())
        return ParsedValue(parts[-1], qualifier, _decimals(r.group(3)), ratio=parts, comment=comment)
    n = _NUMBER.match(s)
    if not n:
        raise _Bad(
            f"expected a number as printed (e.g. 291.51, 1,324.74, 约3552, 突破2400, more than 265, "
            f"2 trillion, a ratio 12.7:57.1:30.2) or an empty cell, found {text.strip()!r}"
        )
    num = n.group("num")
    scale = n.group("scale").lower() if n.group("scale") else None
    currency = n.group("cur").lower() if n.group("cur") else None
    return ParsedValue(Decimal(num.replace(",", "")), qualifier, _decimals(num), scale, currency, None, comment)


_GROWTH_TIMES = re.compile(r"^(?:比上年)?(?:同比)?增长\s*(\d+(?:\.\d+)?)\s*倍$")
_GROWTH_FALL = re.compile(r"^(?:比上年)?(?:同比)?下降\s*(\d+(?:\.\d+)?)\s*%?$")
_GROWTH_PLAIN = re.compile(r"^(?:比上年)?(?:同比)?(?:增长)?\s*([+-]?\d+(?:\.\d+)?)\s*(?:%|％|percent)?$")


def parse_growth(text: str) -> float:
    """Parse a growth cell into percent (``NaN`` for an empty cell).

    ``6.8`` → 6.8; ``-1.0`` → −1.0; ``约14`` / ``6%左右`` / ``nearly 230`` / ``more than 117`` → the
    number (the wording stays in ``growth_as_printed``); ``增长2.27倍`` / ``比上年增长2.2倍`` (grew
    by N times) → N × 100, i.e. +227 % / +220 %; ``下降1.0`` → −1.0.
    """
    s = (text or "").strip()
    if not s:
        return math.nan
    low = s.lower()
    for word, _ in _PREFIXES:
        if low.startswith(word) and (not word.isascii() or low[len(word):len(word) + 1].isspace()):
            s = s[len(word):].strip()
            break
    for word, _ in _SUFFIXES:
        if s.endswith(word):
            s = s[: -len(word)].strip()
            break
    m = _GROWTH_TIMES.match(s)
    if m:
        return float(Decimal(m.group(1)) * 100)
    m = _GROWTH_FALL.match(s)
    if m:
        return -float(Decimal(m.group(1)))
    m = _GROWTH_PLAIN.match(s)
    if m:
        return float(Decimal(m.group(1)))
    raise _Bad(
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
    ``billion yuan``). The base unit is not checked here (see :func:`to_canonical`).
    """
    s = (text or "").strip()
    if not s:
        return None
    comments = [c.strip() for c in re.findall(r"[（(]([^（）()]*)[）)]", s)]
    base = re.sub(r"[（(][^（）()]*[）)]", "", s).strip()
    base = re.sub(r"\s+", " ", base)
    if base.isascii():
        base = base.lower()
    parts = tuple(p.strip() for c in comments for p in re.split(r"[,，;；]", c) if p.strip())
    qualifier = "approximate" if any(p in APPROXIMATE_UNIT_WORDS for p in parts) else None
    return UnitSpec(base, parts, qualifier)


def effective_unit(unit: UnitSpec | None, value: ParsedValue) -> str:
    """The unit a number is in once a scale word in the value is applied.

    ``2 trillion`` with unit ``yuan`` → ``trillion yuan``; ``2-trillion-yuan`` likewise. Raises
    :class:`_Bad` when the value and unit disagree (a scale both in the value and in the unit).
    """
    base = unit.base if unit else ""
    if value.currency and base not in ("yuan", ""):
        raise _Bad(f"the value names yuan but the unit is {base!r}", "unit")
    if value.scale:
        if base not in ("yuan", "") or not (base or value.currency):
            raise _Bad(f"the value has the scale word {value.scale!r}; expected the unit 'yuan', found {base!r}", "unit")
        return f"{value.scale} yuan"
    if not base:
        raise _Bad("the value has no unit: expected a unit such as 亿元, 万人次, %, billion yuan, million", "unit")
    return base


def to_canonical(number: Decimal, unit: str, canonical: str) -> tuple[Decimal, Decimal]:
    """Convert ``number`` printed in ``unit`` into ``canonical``; return ``(value, factor)``.

    The only unit conversion in the project, by the explicit table :data:`UNIT_CONVERSIONS`
    (e.g. 44.014 billion yuan × 10 = 440.14 亿元; 2.65 亿人次 × 10 000 = 26 500 万人次;
    2 915 100 万元 × 0.0001 = 291.51 亿元). Decimal arithmetic, so printed decimals stay exact.
    Raises :class:`_Bad` for an unknown unit or a pair with no conversion.
    """
    table = UNIT_CONVERSIONS.get(unit)
    if table is None:
        raise _Bad(f"unknown unit {unit!r}; expected one of {', '.join(UNIT_CONVERSIONS)} "
                   "(add a conversion to analysis.observations.UNIT_CONVERSIONS if it is real)", "unit")
    if canonical not in table:
        raise _Bad(f"unit {unit!r} cannot be converted to {canonical!r} (the indicator's unit); "
                   f"known conversions from {unit!r}: {', '.join(table) or 'none'}", "unit")
    factor = Decimal(table[canonical])
    return number * factor, factor


def convert_units(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit``, through :data:`UNIT_CONVERSIONS`.

    Both units must convert to the same canonical unit (万人次 and 亿人次 → 万人次; 万元 and 亿元 →
    亿元); currencies and kinds never mix. E.g. 2800 万人次 = 0.28 亿人次.
    """
    if from_unit == to_unit:
        return value
    common = set(UNIT_CONVERSIONS.get(from_unit, {})) & set(UNIT_CONVERSIONS.get(to_unit, {}))
    if not common:
        raise ValueError(f"cannot convert {from_unit} to {to_unit}: no common unit in UNIT_CONVERSIONS")
    canonical = min(common)  # not set.pop(): its choice follows the string hash seed
    return value * float(UNIT_CONVERSIONS[from_unit][canonical]) / float(UNIT_CONVERSIONS[to_unit][canonical])


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
    A ``_`` suffix must name a period; anything else raises :class:`_Bad`.
    """
    s = (text or "").strip()
    if not s:
        raise _Bad("expected an indicator name (e.g. GDP, 第三产业增加值), found an empty cell")
    base, _, suffix = s.partition("_")
    items = [p.strip() for c in re.findall(r"[（(]([^（）()]*)[）)]", base) for p in re.split(r"[,，;；]", c) if p.strip()]
    base = re.sub(r"\s+", "", re.sub(r"[（(][^（）()]*[）)]", "", base))
    info = LabelInfo(base=base)
    period_parts = []
    if suffix:
        if not PERIOD_PATTERN.search(suffix):
            raise _Bad(f"the suffix {suffix!r} after '_' should name a partial period "
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
        raise _Bad(f"{s!r} says the figure is not the final annual value but names no period (截至…, 1-10月, …)")
    if info.base.endswith("增速"):
        info.growth_only, info.base = True, info.base[: -len("增速")]
    return info


def numbers_in_quote(quote: str) -> list[re.Match]:
    """The numbers in a quote, in order (``2015年的358.05亿元`` → 2015, 358.05)."""
    return list(_QUOTE_NUMBER.finditer(quote))


def _context_qualifier(quote: str, start: int, end: int, unit_as_printed: str) -> str:
    """Qualifier from the words around a number in a quote (超过 1.4 亿人次 → lower_bound)."""
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


# ---------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------


def _decode_error(path: Path, data: bytes, err: UnicodeDecodeError, columns: tuple[str, ...]) -> RawDataError:
    """A located error for a file that is not UTF-8: its line and (from the commas) its column."""
    line_start = data.rfind(b"\n", 0, err.start) + 1
    line = data[: err.start].count(b"\n") + 1
    prefix = data[line_start: err.start].decode("utf-8", errors="replace")
    try:
        cells = next(csv.reader([prefix])) if prefix else [""]
    except (csv.Error, StopIteration):
        cells = [""]
    col = columns[min(len(cells) - 1, len(columns) - 1)] if cells else columns[0]
    return RawDataError(
        paths.relative(path),
        f"not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); expected UTF-8 text — "
        "re-save the file as UTF-8 (GBK/GB18030 files must be converted)",
        row=line, column=col,
    )


def read_csv_rows(path: str | Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Read a raw CSV that must be UTF-8 with exactly ``columns``; return ``[(line, row), …]``.

    ``line`` is the file line where the record starts (header = line 1). Empty files, other
    encodings, missing or extra columns and rows with the wrong number of cells raise
    :class:`RawDataError` naming file, line and column.
    """
    path = Path(path)
    name = paths.relative(path)
    if not path.exists():
        raise RawDataError(name, "file not found", row=1, column=columns[0])
    data = path.read_bytes()
    if not data.strip():
        raise RawDataError(name, f"file is empty; expected a header line {','.join(columns)} and data rows",
                           row=1, column=columns[0])
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _decode_error(path, data, err, columns) from None
    text = read_utf8_text(path)
    reader = csv.reader(_io.StringIO(text, newline=""))
    header = next(reader)
    header = [h.strip() for h in header]
    for col in columns:
        if col not in header:
            raise RawDataError(name, f"missing column {col!r}; expected the header {','.join(columns)}, found {','.join(header)}",
                               row=1, column=col)
    extra = [h for h in header if h not in columns]
    if extra:
        raise RawDataError(name, f"unexpected column {extra[0]!r}; expected the header {','.join(columns)}", row=1, column=extra[0])
    rows = []
    last = reader.line_num
    for cells in reader:
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


def _verify(path: Path, raw_dir: Path, record: dict) -> dict:
    """Checksum check through :func:`provenance.verify_raw_file`; the same rule for a raw_dir
    outside ``data/raw`` (a copy or a researcher's folder): it must be registered and unchanged."""
    entry = provenance.verify_raw_file(path, record)
    if entry is not None:
        return entry
    name = path.relative_to(raw_dir).as_posix()
    entry = record.get("files", {}).get(name)
    if entry is None:
        raise RawDataError(paths.relative(path), "not registered in provenance.yml; add an entry with its sha256 and source")
    actual = provenance.sha256_of(path)
    if actual != entry.get("sha256"):
        raise RawDataError(
            paths.relative(path),
            f"checksum changed: provenance.yml records sha256 {entry.get('sha256')}, the file now has {actual}. "
            "Raw files are immutable: restore it, or record the new version with its source and hash",
        )
    return entry


def _source_index(record: dict, prov_name: str) -> tuple[dict[str, str], dict[str, dict]]:
    """``({title: source_id}, sources)``; a title registered twice or a bad quality flag is an error."""
    sources = record.get("sources") or {}
    by_title: dict[str, str] = {}
    for sid, src in sources.items():
        if src.get("quality") not in provenance.QUALITY_FLAGS:
            raise RawDataError(prov_name, f"source '{sid}' has quality {src.get('quality')!r}; expected one of "
                               f"{', '.join(provenance.QUALITY_FLAGS)}", column="quality")
        for title in [src.get("title_zh"), *(src.get("title_variants_zh") or [])]:
            if not title:
                continue
            if title in by_title and by_title[title] != sid:
                raise RawDataError(prov_name, f"title {title!r} is registered for both '{by_title[title]}' and '{sid}'",
                                   column="title_zh")
            by_title[title] = sid
    return by_title, sources


# ---------------------------------------------------------------------------------------------
# Rows → records
# ---------------------------------------------------------------------------------------------


def _indicator_for(info: LabelInfo, value: ParsedValue | None, unit: UnitSpec | None) -> tuple[str | None, str | None, int | None]:
    """``(indicator_id, reason_if_unused, ratio_component)`` for a parsed label."""
    for fragment, reason in NON_COMPARABLE:
        if fragment in info.base:
            return None, reason, None
    if info.base in RATIO_INDICATORS:
        if info.growth_only:
            return None, "growth of a structure ratio: not an indicator", None
        if value is None or value.ratio is None:
            raise _Bad(f"{info.base} expects a ratio a:b:c (一:二:三) as value")
        ind_id, component = RATIO_INDICATORS[info.base]
        return ind_id, None, component
    if value is not None and value.ratio is not None:
        return None, f"ratio {info.base!r} with no mapped component (only {', '.join(RATIO_INDICATORS)} is mapped)", None
    ind_id = catalogue.indicator_id_for_label(info.base)
    if ind_id is None:
        return None, f"indicator {info.base!r} is not in the catalogue (analysis/indicators.yml)", None
    return ind_id, None, None


def _currency_variant(ind_id: str, unit_base: str | None) -> tuple[str | None, str | None]:
    """Pick the variant of ``ind_id`` whose canonical unit the printed unit converts to.

    ``货物进出口总额`` in 亿元 → ``goods_trade_total_cny``; in 亿美元 → ``goods_trade_total``.
    Returns ``(indicator_id, reason_if_undecidable)``.
    """
    variants = [ind_id] + [i for i, m in catalogue.catalogue()["indicators"].items() if m.get("currency_variant_of") == ind_id]
    if unit_base is None:
        if len(variants) > 1:
            units = ", ".join(catalogue.indicator(v)["unit"] for v in variants)
            return None, f"growth rate with no unit: {ind_id} is published in several currencies ({units}) whose growth rates differ"
        return ind_id, None
    targets = UNIT_CONVERSIONS.get(unit_base, {})
    for v in variants:
        if catalogue.indicator(v)["unit"] in targets:
            return v, None
    return ind_id, None  # to_canonical will say why the unit does not fit


def _note(parts: list[str]) -> str:
    return "; ".join(p for p in parts if p)


def _caveats(region_code: str, year: int, ind_id: str, raw_name: str) -> list[str]:
    return [c.note for c in COVERAGE_CAVEATS if c.applies(region_code, year, ind_id, raw_name)]


def _growth_basis(ind_id: str) -> str:
    return "growth at comparable prices (real)" if ind_id in REAL_GROWTH_INDICATORS else "growth nominal"


_QUOTE_CHARS = str.maketrans({"億": "亿", "萬": "万", "％": "%"})  # traditional forms in reprinted pages
_QUOTE_UNITS = sorted((u for u in UNIT_CONVERSIONS if u != "比例"), key=len, reverse=True)


def _check_unit_against_quote(quote: str, raw_value: str, unit: str, canonical: str, number: Decimal) -> None:
    """The unit cell must not contradict the quote: if the quote prints the value's number followed
    by a unit, and no such occurrence converts like ``unit`` does, raise :class:`_Bad` ("unit").

    Catches e.g. ``704.11,万元`` copied from "…704.11亿元…", which would otherwise be read as
    0.070411 亿元. A number the quote does not print with a unit (a table, another wording, a
    value given in another unit such as 2915100 万元 for 291.51亿元) is not checked.
    """
    m = _QUOTE_NUMBER.search(raw_value.replace(",", ""))
    if not m:
        return
    token = m.group(0)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", (quote or "").translate(_QUOTE_CHARS))
    printed = []
    for occ in re.finditer(r"(?<![\d.])" + re.escape(token) + r"(?![\d]|\.\d)", text):
        after = text[occ.end():].lstrip().lower()
        found = next((u for u in _QUOTE_UNITS if after.startswith(u)), None)
        if found is not None and canonical in UNIT_CONVERSIONS[found]:
            printed.append(found)
    factor = UNIT_CONVERSIONS[unit][canonical]
    if printed and all(UNIT_CONVERSIONS[u][canonical] != factor for u in printed):
        as_printed = Decimal(token) * Decimal(UNIT_CONVERSIONS[printed[0]][canonical])
        raise _Bad(f"the quote prints {token} {printed[0]} ({as_printed:f} {canonical}) but the unit {unit!r} makes "
                   f"the value {number:f} {canonical}; expected the unit as printed in the quote ({printed[0]})", "unit")


def _check_ratio(parts: tuple[Decimal, ...], decimals: int) -> None:
    total = sum(parts)
    tol = Decimal(len(parts)) * Decimal(5) * Decimal(10) ** (-(decimals + 1))
    if abs(total - 100) > tol:
        raise _Bad(f"the structure {':'.join(str(p) for p in parts)} sums to {total}, expected 100 (± rounding {tol})", "value")


def _region_meta(code: str) -> dict:
    return catalogue.region(code)


def _bulletin_records(path: Path, raw_name: str, by_title: dict, sources: dict, prov_name: str) -> tuple[list[dict], list[dict]]:
    """Observation records and unused records of one bulletin CSV."""
    name = paths.relative(path)
    stem = path.stem
    obs, unused = [], []
    seen: dict[tuple, int] = {}
    exact_values: dict[tuple, tuple[int, str, Decimal, Decimal]] = {}  # same figure, same source → (line, …)
    for line, row in read_csv_rows(path, BULLETIN_COLUMNS):
        def bad(column: str, message: str) -> RawDataError:
            return RawDataError(name, message, row=line, column=column)

        region_code = catalogue.region_code_for_name(row["region"].strip())
        if region_code is None:
            raise bad("region", f"unknown region {row['region'].strip()!r}; expected 昌吉回族自治州, 乌鲁木齐市 or 新疆维吾尔自治区")
        year_text = row["year"].strip()
        if not re.fullmatch(r"\d{4}", year_text):
            raise bad("year", f"expected a four-digit year, found {year_text!r}")
        year = int(year_text)
        title = row["source_title"].strip()
        if not title:
            raise bad("source_title", "expected the title of the page the number was read from, found an empty cell")
        sid = by_title.get(title)
        if sid is None:
            raise bad("source_title", f"source {title!r} is not registered in {prov_name} (sources: title_zh or "
                                      "title_variants_zh); register the page with a quality flag first")
        src = sources[sid]
        url = row["source_url"].strip()
        if url != (src.get("url") or ""):
            raise bad("source_url", f"the page {sid!r} is registered with address {src.get('url')!r}, the row has {url or None!r}")
        quality = src["quality"]
        try:
            info = parse_indicator_label(row["indicator"])
        except _Bad as err:
            raise bad("indicator", str(err)) from None
        try:
            value = parse_value(row["value"])
        except _Bad as err:
            raise bad("value", str(err)) from None
        try:
            growth = parse_growth(row["growth_pct"])
        except _Bad as err:
            raise bad("growth_pct", str(err)) from None
        if info.growth_only and value is not None:
            raise bad("value", f"{row['indicator'].strip()!r} is a growth rate: expected an empty value and the rate in growth_pct, "
                               f"found {row['value'].strip()!r}")
        if value is None and math.isnan(growth):
            raise bad("value", "expected a value or a growth rate (growth_pct), both are empty")
        if value is None and not info.growth_only:
            info.growth_only = True  # the page gives only a growth rate
        unit = parse_unit(row["unit"])
        if value is not None and unit is None and not value.scale:
            raise bad("unit", "expected the unit as printed (亿元, 万人次, %, billion yuan, …), found an empty cell")
        try:
            ind_id, reason, component = _indicator_for(info, value, unit)
        except _Bad as err:
            raise bad("value", str(err)) from None
        if ind_id is not None:
            ind_id, reason = _currency_variant(ind_id, unit.base if unit else None)
        raw_value = row["value"].strip()
        raw_growth = row["growth_pct"].strip()
        dup_key = (region_code, ind_id or info.base, year, info.period, info.period_note, info.status, sid, raw_value, raw_growth)
        if dup_key in seen:
            raise bad("value", f"duplicate of line {seen[dup_key]}: same region, indicator, year, source and value; "
                               "remove one of the two rows")
        seen[dup_key] = line
        if ind_id is None:
            unused.append({
                "raw_file": name, "raw_row": line, "region_code": region_code, "year": year,
                "indicator_as_printed": row["indicator"].strip(), "value_as_printed": raw_value,
                "unit_as_printed": row["unit"].strip(), "growth_as_printed": raw_growth, "source_id": sid,
                "quality": quality, "reason": reason,
            })
            continue
        meta = catalogue.indicator(ind_id)
        canonical = meta["unit"]
        notes = [f"indicator note: {n}" for n in info.notes]
        qualifier = None
        number = None
        step = None
        if value is not None:
            try:
                unit_name = effective_unit(unit, value)
                if value.ratio is not None:
                    if unit_name not in ("比例", "%"):
                        raise _Bad(f"a structure a:b:c is in percent shares: expected the unit 比例(一:二:三) or %, found {unit_name!r}", "unit")
                    order_ok = info.ratio_order or any(c in RATIO_ORDER_MARKERS for c in (unit.comments if unit else ()))
                    if not order_ok:
                        raise _Bad("a structure a:b:c must state its order 一:二:三 (in the indicator or the unit)", "unit")
                    _check_ratio(value.ratio, value.decimals)
                    picked = value.ratio[component - 1]
                    number, factor = to_canonical(picked, unit_name, canonical)
                    notes.append(f"component {component} of the structure (一:二:三)")
                else:
                    number, factor = to_canonical(value.number, unit_name, canonical)
                    if not value.scale:
                        _check_unit_against_quote(row["quote"], raw_value, unit_name, canonical, number)
            except _Bad as err:
                raise bad(err.column or "value", str(err)) from None
            if number < 0 and meta.get("kind") in ("level", "share"):
                raise bad("value", f"a level cannot be negative: {ind_id} expects a value >= 0, found {raw_value!r}")
            step = factor * Decimal(10) ** (-value.decimals)
            qualifier = value.qualifier
            if unit is not None and unit.qualifier and qualifier == "exact":
                qualifier = unit.qualifier
            if qualifier == "exact":
                # one source, one figure: two exact values for the same region, indicator, year and
                # period from the same source must agree to their printed precision
                same = (region_code, ind_id, year, info.period, info.period_note, info.status, sid)
                if same in exact_values:
                    first, first_raw, first_number, first_step = exact_values[same]
                    if abs(number - first_number) > max(step, first_step) / 2:
                        raise bad("value", f"duplicate of line {first} with another value: same region, indicator, year "
                                           f"and source ({sid}), but line {first} has {first_raw!r} ({first_number:f} "
                                           f"{canonical}) and this row {raw_value!r} ({number:f} {canonical}); expected "
                                           "one value per region, indicator, year and source — correct or remove one of the two rows")
                else:
                    exact_values[same] = (line, raw_value, number, step)
            if value.comment and not any(w in value.comment for w in APPROXIMATE_UNIT_WORDS):
                notes.append(f"value note: {value.comment}")
            for comment in (unit.comments if unit else ()):
                m = re.fullmatch(r"=\s*(\d+(?:\.\d+)?)\s*(\S+)", comment)
                if m:
                    stated, _ = to_canonical(Decimal(m.group(1)), m.group(2), canonical)
                    if stated != number:
                        raise bad("unit", f"the unit note {comment!r} disagrees with the value {raw_value!r} converted "
                                          f"to {canonical} ({number})")
                elif comment not in APPROXIMATE_UNIT_WORDS and comment not in RATIO_ORDER_MARKERS:
                    notes.append(f"unit note: {comment}")
        else:
            for comment in (unit.comments if unit else ()):
                notes.append(f"unit note: {comment}")
        if not math.isnan(growth):
            notes.append(_growth_basis(ind_id))
        notes.extend(_caveats(region_code, year, ind_id, raw_name))
        reg = _region_meta(region_code)
        obs.append({
            "obs_id": f"{stem}:{line}", "region_code": region_code, "region_zh": reg["name_zh"], "region_en": reg["name_en"],
            "indicator_id": ind_id, "indicator_zh": meta["name_zh"], "indicator_en": meta["name_en"], "year": year,
            "period": info.period, "period_note": info.period_note, "status": info.status,
            "value": float(number) if number is not None else math.nan, "unit": canonical, "qualifier": qualifier,
            "value_as_printed": raw_value, "unit_as_printed": row["unit"].strip(), "growth_pct": growth,
            "growth_as_printed": raw_growth, "source_id": sid, "quality": quality, "selected": False,
            "selection_note": "", "raw_file": name, "raw_row": line, "note": _note(notes),
            "_value": number, "_step": step,
        })
    return obs, unused


def _plan_records(path: Path, plan_text: str, raw_name: str, source_id: str, sources: dict, prov_name: str) -> list[dict]:
    """Observation records of the quote-anchored plan file; each quote is checked against the plan."""
    name = paths.relative(path)
    stem = path.stem
    if source_id not in sources:
        raise RawDataError(prov_name, f"file {raw_name} cites source_id {source_id!r}, which is not registered", column="source_id")
    quality = sources[source_id]["quality"]
    obs = []
    seen: dict[tuple, int] = {}
    for line, row in read_csv_rows(path, PLAN_COLUMNS):
        def bad(column: str, message: str) -> RawDataError:
            return RawDataError(name, message, row=line, column=column)

        region_code = row["region_code"].strip()
        if region_code not in catalogue.catalogue()["regions"]:
            raise bad("region_code", f"unknown region code {region_code!r}; expected 652300, 650100 or 650000")
        if not re.fullmatch(r"\d{4}", row["year"].strip()):
            raise bad("year", f"expected a four-digit year, found {row['year'].strip()!r}")
        year = int(row["year"].strip())
        ind_id = row["indicator_id"].strip()
        if ind_id not in catalogue.catalogue()["indicators"]:
            raise bad("indicator_id", f"unknown indicator id {ind_id!r}; expected an id of analysis/indicators.yml")
        period = row["period"].strip()
        if period not in PERIODS:
            raise bad("period", f"expected one of {', '.join(PERIODS)}, found {period!r}")
        quote = row["quote"]
        if not quote.strip():
            raise bad("quote", "expected an exact quote from the plan, found an empty cell")
        if quote not in plan_text:
            raise bad("quote", f"the quote {quote!r} is not in {PLAN_TEXT_FILE} verbatim (check spaces, full-width "
                               "punctuation and page breaks; quote one unbroken stretch of text)")
        pos_text = row["number_position"].strip()
        if not re.fullmatch(r"[1-9]\d*", pos_text):
            raise bad("number_position", f"expected a whole number >= 1 (which number in the quote), found {pos_text!r}")
        numbers = numbers_in_quote(quote)
        pos = int(pos_text)
        if pos > len(numbers):
            raise bad("number_position", f"the quote holds {len(numbers)} number(s), position {pos} does not exist")
        match = numbers[pos - 1]
        token = match.group(0)
        unit_text = row["unit_as_printed"].strip()
        unit = parse_unit(unit_text)
        if unit is None:
            raise bad("unit_as_printed", "expected the unit as printed (亿元, %, 亿人次, 比例(一:二:三)), found an empty cell")
        meta = catalogue.indicator(ind_id)
        canonical = meta["unit"]
        ratio = next((r for r in _QUOTE_RATIO.finditer(quote) if r.start() <= match.start() < r.end()), None)
        notes = [row["note"].strip()]
        try:
            if ratio is not None:
                parts = tuple(Decimal(x) for x in re.findall(r"\d+(?:\.\d+)?", ratio.group(0)))
                component = [m for m in numbers if ratio.start() <= m.start() < ratio.end()].index(match) + 1
                if ind_id not in {v[0] for v in RATIO_INDICATORS.values()} or component != dict(RATIO_INDICATORS.values())[ind_id]:
                    raise _Bad(f"number {pos} is component {component} of the structure {ratio.group(0)!r}; "
                               f"{ind_id} is not that component")
                if unit.base not in ("比例", "%"):
                    raise _Bad(f"a structure a:b:c is in percent shares: expected 比例(一:二:三), found {unit_text!r}", "unit")
                _check_ratio(parts, _decimals(token))
                value_as_printed = ratio.group(0)
            else:
                after = quote[match.end():].lstrip()
                if not after.startswith(unit.base):
                    raise _Bad(f"the quote prints {quote[match.end():match.end() + 6]!r} after the number {token}, not the "
                               f"unit {unit.base!r} of this row; expected unit_as_printed to be the unit printed after "
                               "the number in the quote", "unit")
                value_as_printed = token
            number, factor = to_canonical(Decimal(token.replace(",", "")), unit.base, canonical)
        except _Bad as err:
            raise bad("unit_as_printed" if err.column == "unit" else "number_position", str(err)) from None
        qualifier = _context_qualifier(quote, match.start(), match.end(), unit.base)
        period_note = f"{year - 4}–{year} total (five-year plan period)" if period == "five_year_total" else ""
        key = (region_code, ind_id, year, period, quote, pos)
        if key in seen:
            raise bad("quote", f"duplicate of line {seen[key]}: same region, indicator, year, period and quoted number")
        seen[key] = line
        notes.extend(_caveats(region_code, year, ind_id, raw_name))
        reg = _region_meta(region_code)
        obs.append({
            "obs_id": f"{stem}:{line}", "region_code": region_code, "region_zh": reg["name_zh"], "region_en": reg["name_en"],
            "indicator_id": ind_id, "indicator_zh": meta["name_zh"], "indicator_en": meta["name_en"], "year": year,
            "period": period, "period_note": period_note, "status": "final", "value": float(number), "unit": canonical,
            "qualifier": qualifier, "value_as_printed": value_as_printed, "unit_as_printed": unit_text,
            "growth_pct": math.nan, "growth_as_printed": "", "source_id": source_id, "quality": quality,
            "selected": False, "selection_note": "", "raw_file": name, "raw_row": line, "note": _note(notes),
            "_value": number, "_step": factor * Decimal(10) ** (-_decimals(token)),
        })
    return obs


# ---------------------------------------------------------------------------------------------
# Selection
# ---------------------------------------------------------------------------------------------


def _corroborated_quality(rec: dict, group: list[dict]) -> tuple[int, dict | None]:
    """Rule 3: the best quality rank of ``rec`` itself or of a rounder figure agreeing with it."""
    own = QUALITY_ORDER.index(rec["quality"])
    best, by = own, None
    if rec["_value"] is None or rec["qualifier"] != "exact" or rec["status"] == "preliminary_estimate":
        return best, by
    for other in group:
        if other is rec or other["_value"] is None or other["status"] == "preliminary_estimate":
            continue
        if other["qualifier"] not in ("exact", "approximate") or other["_step"] < rec["_step"]:
            continue
        rank = QUALITY_ORDER.index(other["quality"])
        if rank < best and abs(rec["_value"] - other["_value"]) <= other["_step"] / 2:
            best, by = rank, other
    return best, by


def _sort_key(rec: dict, eff: int) -> tuple:
    """The ordered criteria of :data:`SELECTION_RULE` (smaller is better)."""
    return (
        0 if rec["_value"] is not None else 1,
        _STATUS_RANK[rec["status"]],
        eff,
        _REVISION_RANK[rec["status"]],
        _QUALIFIER_RANK.get(rec["qualifier"], 3),
        rec["_step"] if rec["_step"] is not None else Decimal("Infinity"),
        QUALITY_ORDER.index(rec["quality"]),
        (rec["source_id"], rec["raw_file"], rec["raw_row"]),
    )


def select_rows(records: list[dict]) -> None:
    """Mark exactly one record ``selected`` per (region_code, indicator_id, year, period,
    period_note) by :data:`SELECTION_RULE`, and write every record's ``selection_note``.

    Works in place on the records of :func:`build_observations` (they carry the exact Decimal
    value and printed precision in private fields).
    """
    groups: dict[tuple, list[dict]] = {}
    for rec in records:
        groups.setdefault((rec["region_code"], rec["indicator_id"], rec["year"], rec["period"], rec["period_note"]), []).append(rec)
    for key, group in groups.items():
        effs = {id(r): _corroborated_quality(r, group) for r in group}
        ranked = sorted(group, key=lambda r: _sort_key(r, effs[id(r)][0]))
        best = ranked[0]
        best["selected"] = True
        prefix = {"partial": "partial period, not an annual value: ", "five_year_total": "five-year total, not an annual value: "}.get(best["period"], "")
        eff, by = effs[id(best)]
        corr = ""
        if by is not None:
            corr = f"; takes quality {QUALITY_ORDER[eff]} from {by['obs_id']} ({by['source_id']}), which agrees to its printed precision"
        if len(group) == 1:
            best["selection_note"] = prefix + "only figure for this region, indicator, year and period" + corr
            continue
        best_key = _sort_key(best, eff)
        runner = ranked[1]
        k = _first_difference(best_key, _sort_key(runner, effs[id(runner)][0]))
        best["selection_note"] = (f"{prefix}selected over {len(group) - 1} other row(s) by rule {k + 1} "
                                  f"({_RULE_SHORT[k]}){corr}")
        for other in ranked[1:]:
            k = _first_difference(best_key, _sort_key(other, effs[id(other)][0]))
            same = " (same value)" if other["_value"] is not None and other["_value"] == best["_value"] else ""
            other["selection_note"] = (f"{prefix}not selected: {best['obs_id']} ({best['source_id']}, {best['quality']}) "
                                       f"preferred by rule {k + 1} ({_RULE_SHORT[k]}){same}")


def _first_difference(a: tuple, b: tuple) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), len(a) - 1)


# ---------------------------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------------------------


def build_observations(raw_dir: str | Path = paths.DATA_RAW, provenance: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build the tidy observations table and the table of unused rows from ``raw_dir``.

    Parameters
    ----------
    raw_dir : folder holding :data:`BULLETIN_FILES`, :data:`PLAN_OBSERVATIONS_FILE` and
        :data:`PLAN_TEXT_FILE` (default ``data/raw``).
    provenance : the provenance record (``{"files": …, "sources": …}``); by default
        ``raw_dir/provenance.yml``.

    Returns
    -------
    ``(observations, unused)`` with :data:`OBSERVATION_COLUMNS` and :data:`UNUSED_COLUMNS`.
    ``value`` is a float in the canonical ``unit``; ``growth_pct`` a float in percent (NaN when
    not given). Rows are sorted by region, indicator, year, period and file line.

    Raises
    ------
    RawDataError : a changed or unregistered file (checked first, by sha256), an unregistered
        source, an unknown unit, a value that is not a number as printed, a duplicated row, a
        negative level, a quote not in the plan … naming file, line and column.
    """
    from analysis import provenance as prov_mod

    raw_dir = Path(raw_dir)
    prov_path = raw_dir / "provenance.yml"
    if prov_path.exists():
        prov_name = paths.relative(prov_path)
    else:
        prov_name = paths.relative(paths.PROVENANCE) if provenance is None else "the provenance record passed in"
    if provenance is None:
        provenance = prov_mod.load_provenance(prov_path if prov_path.exists() else paths.PROVENANCE)
    names = [*BULLETIN_FILES, PLAN_OBSERVATIONS_FILE, PLAN_TEXT_FILE]
    entries = {n: _verify(raw_dir / n, raw_dir, provenance) for n in names}
    by_title, sources = _source_index(provenance, prov_name)

    obs: list[dict] = []
    unused: list[dict] = []
    for n in BULLETIN_FILES:
        o, u = _bulletin_records(raw_dir / n, n, by_title, sources, prov_name)
        obs += o
        unused += u
    plan_text = read_utf8_text(raw_dir / PLAN_TEXT_FILE)
    plan_source = entries[PLAN_OBSERVATIONS_FILE].get("source_id")
    obs += _plan_records(raw_dir / PLAN_OBSERVATIONS_FILE, plan_text, PLAN_OBSERVATIONS_FILE, plan_source, sources, prov_name)

    select_rows(obs)
    table = pd.DataFrame.from_records(obs).drop(columns=["_value", "_step"])
    table = table[OBSERVATION_COLUMNS]
    table["year"] = table["year"].astype("int64")
    table["raw_row"] = table["raw_row"].astype("int64")
    table["value"] = table["value"].astype("float64")
    table["growth_pct"] = table["growth_pct"].astype("float64")
    table["selected"] = table["selected"].astype(bool)
    table = table.sort_values(["region_code", "indicator_id", "year", "period", "period_note", "raw_file", "raw_row"],
                              kind="mergesort").reset_index(drop=True)
    unused_table = pd.DataFrame.from_records(unused, columns=UNUSED_COLUMNS)
    if not unused_table.empty:
        unused_table["year"] = unused_table["year"].astype("int64")
        unused_table["raw_row"] = unused_table["raw_row"].astype("int64")
    return table, unused_table


def annual_series(observations: pd.DataFrame, region_code: str, indicator_id: str) -> pd.DataFrame:
    """The selected full-year values of one indicator in one region, sorted by year.

    Only rows with ``selected``, ``period == "full_year"`` and a value: partial periods,
    five-year totals and growth-only rows are never returned. Columns
    :data:`ANNUAL_SERIES_COLUMNS`; ``value`` is in the indicator's canonical unit (e.g. 亿元) and
    ``qualifier`` says whether it is exact, approximate or a lower bound.
    """
    obs = observations
    mask = (
        (obs["region_code"].astype(str) == str(region_code))
        & (obs["indicator_id"] == indicator_id)
        & obs["selected"].astype(bool)
        & (obs["period"] == "full_year")
        & obs["value"].notna()
    )
    out = obs.loc[mask, ANNUAL_SERIES_COLUMNS].sort_values("year", kind="mergesort").reset_index(drop=True)
    if out["year"].duplicated().any():  # cannot happen after select_rows; guards hand-edited tables
        raise ValueError(f"{region_code} {indicator_id}: more than one selected full-year row for a year")
    return out
