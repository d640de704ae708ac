"""Rows of the raw CSVs → observation records: each row checked against the provenance record,
the catalogue and (for plan quotes) the plan text, then its value converted to the canonical unit.

Two readers, one per kind of raw file:

- :class:`BulletinReader` — ``*_bulletins.csv`` (columns :data:`BULLETIN_COLUMNS`): one published
  number a row, exactly as printed on a page; the page is found in the provenance record by the
  row's ``source_title``. Rows that are not observations of a catalogue indicator become *unused*
  records with their reason.
- :func:`plan_records` — ``plan_text_observations.csv`` (columns :data:`PLAN_COLUMNS`): an exact
  quote of the plan and which number in it holds the value; the quote must be in the plan verbatim.

A record is a dict with the columns of :data:`analysis.observations.OBSERVATION_COLUMNS` plus two
private fields for :mod:`analysis.selection`: ``_value`` (the exact Decimal) and ``_step`` (the
printed precision in the canonical unit). Bad input raises :class:`~analysis.errors.RawDataError`
naming the file, the line (header = line 1) and the column.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from analysis import catalogue, paths, strict_input
from analysis.errors import RawDataError
from analysis.files import read_csv_rows
from analysis.printed import (
    APPROXIMATE_UNIT_WORDS,
    QUOTE_RATIO,
    RATIO_ORDER_MARKERS,
    CellError,
    LabelInfo,
    ParsedValue,
    UnitSpec,
    check_ratio,
    context_qualifier,
    decimals,
    effective_unit,
    located_cells,
    numbers_in_quote,
    parse_growth,
    parse_indicator_label,
    parse_unit,
    parse_value,
)
from analysis.units import UNIT_CONVERSIONS, converts_to, to_canonical
from analysis.yaml_files import load_yaml

BULLETIN_COLUMNS = ("region", "year", "indicator", "value", "unit", "growth_pct", "source_title", "source_url", "quote")
PLAN_COLUMNS = ("region_code", "year", "indicator_id", "period", "quote", "number_position", "unit_as_printed", "note")
UNUSED_COLUMNS = [
    "raw_file", "raw_row", "region_code", "year", "indicator_as_printed", "value_as_printed",
    "unit_as_printed", "growth_as_printed", "source_id", "quality", "reason",
]
PERIODS = ("full_year", "partial", "five_year_total")

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

_FOUR_DIGIT_YEAR = re.compile(r"\d{4}")


# --------------------------------------------------------------------------- growth basis
@lru_cache(maxsize=1)
def real_growth_indicators() -> frozenset[str]:
    """The indicators whose growth is stated at comparable prices (``analysis/growth_basis.yml``)."""
    data = load_yaml(paths.GROWTH_BASIS)
    ids = data.get("real_growth") if isinstance(data, dict) else None
    known = set(catalogue.catalogue()["indicators"])
    if not isinstance(ids, list) or not set(ids) <= known:
        raise RawDataError(paths.relative(paths.GROWTH_BASIS), f"`real_growth` must list catalogue indicator ids; "
                           f"unknown: {sorted(set(ids or ()) - known) if isinstance(ids, list) else ids!r}", column="real_growth")
    return frozenset(ids)


def growth_basis(indicator_id: str) -> str:
    """Whether the published growth of an indicator is real (comparable prices) or nominal."""
    real = indicator_id in real_growth_indicators()
    return "growth at comparable prices (real)" if real else "growth nominal"


def _note(parts: list[str]) -> str:
    return "; ".join(p for p in parts if p)


def _year(text: str, bad) -> int:
    year = text.strip()
    if not _FOUR_DIGIT_YEAR.fullmatch(year):
        raise bad("year", f"expected a four-digit year, found {year!r}")
    return int(year)


def _check_year(year: int, region_code: str, source_id: str, sources: dict, file: str, line: int) -> None:
    """A year after the page's own date or after it was accessed, or before the region existed, is a typo
    (file, line, column)."""
    region = catalogue.region(region_code)
    strict_input.check_year(year, file=file, line=line, column="year", accessed=sources[source_id].get("accessed"),
                            source_id=source_id, first_year=region.get("established"), region=region["name_zh"],
                            published=sources[source_id].get("date"))


def observation(*, obs_id: str, region_code: str, indicator_id: str, year: int, period: str, period_note: str,
                status: str, number: Decimal | None, qualifier: str | None, value_as_printed: str,
                unit_as_printed: str, growth_pct: float, growth_as_printed: str, source_id: str, quality: str,
                raw_file: str, raw_row: int, notes: list[str], step: Decimal | None) -> dict:
    """One observation record (the columns of ``OBSERVATION_COLUMNS`` and ``_value`` / ``_step``)."""
    region, meta = catalogue.region(region_code), catalogue.indicator(indicator_id)
    return {
        "obs_id": obs_id, "region_code": region_code, "region_zh": region["name_zh"], "region_en": region["name_en"],
        "indicator_id": indicator_id, "indicator_zh": meta["name_zh"], "indicator_en": meta["name_en"], "year": year,
        "period": period, "period_note": period_note, "status": status,
        "value": float(number) if number is not None else math.nan, "unit": meta["unit"], "qualifier": qualifier,
        "value_as_printed": value_as_printed, "unit_as_printed": unit_as_printed, "growth_pct": growth_pct,
        "growth_as_printed": growth_as_printed, "source_id": source_id, "quality": quality, "selected": False,
        "selection_note": "", "raw_file": raw_file, "raw_row": raw_row, "note": _note(notes),
        "_value": number, "_step": step,
    }


def source_index(record: dict, record_name: str) -> tuple[dict[str, str], dict[str, dict]]:
    """``({title: source_id}, sources)`` of a provenance record; a title or an address registered for
    two sources is an error naming both (one page is one source, with one quality flag: a copy of a
    page registered as ``official`` under a new id would lend its flag to rows citing the page)."""
    sources = record.get("sources") or {}
    by_title: dict[str, str] = {}
    by_url: dict[str, str] = {}
    for sid, src in sources.items():
        for title in [src.get("title_zh"), *(src.get("title_variants_zh") or [])]:
            if not title:
                continue
            title = strict_input.normalise_cell(str(title)).strip()  # the rows' cells are NFKC-normalised too
            if title in by_title and by_title[title] != sid:
                raise RawDataError(record_name, f"title {title!r} is registered for both '{by_title[title]}' and '{sid}'",
                                   row=_source_line(record_name, sid), column="title_zh")
            by_title[title] = sid
        url = strict_input.normalise_cell(str(src.get("url") or "")).strip().rstrip("/")
        if url and url in by_url:
            raise RawDataError(record_name, f"address {src.get('url')!r} is registered for both '{by_url[url]}' and '{sid}'; "
                                            "one page is one source: keep one entry (other titles of the page go under "
                                            "title_variants_zh)", row=_source_line(record_name, sid), column="url")
        if url:
            by_url.setdefault(url, sid)
    return by_title, sources


def _source_line(record_name: str, source_id: str) -> int | None:
    """The line of ``provenance.yml`` (``record_name``) where ``source_id``'s entry starts, if found."""
    try:
        text = paths.resolve(record_name).read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(rf"^\s+{re.escape(source_id)}\s*:", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else None


# --------------------------------------------------------------------------- bulletin rows
def indicator_for(info: LabelInfo, value: ParsedValue | None) -> tuple[str | None, str | None, int | None]:
    """``(indicator_id, reason_if_unused, ratio_component)`` for a parsed label."""
    for fragment, reason in NON_COMPARABLE:
        if fragment in info.base:
            return None, reason, None
    if info.base in RATIO_INDICATORS:
        if info.growth_only:
            return None, "growth of a structure ratio: not an indicator", None
        if value is None or value.ratio is None:
            raise CellError(f"{info.base} expects a ratio a:b:c (一:二:三) as value")
        ind_id, component = RATIO_INDICATORS[info.base]
        return ind_id, None, component
    if value is not None and value.ratio is not None:
        return None, f"ratio {info.base!r} with no mapped component (only {', '.join(RATIO_INDICATORS)} is mapped)", None
    ind_id = catalogue.indicator_id_for_label(info.base)
    if ind_id is None:
        return None, f"indicator {info.base!r} is not in the catalogue (analysis/indicators.yml)", None
    return ind_id, None, None


def currency_variant(ind_id: str, unit_base: str | None) -> tuple[str | None, str | None]:
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
    for v in variants:
        if converts_to(unit_base, catalogue.indicator(v)["unit"]):
            return v, None
    return ind_id, None  # to_canonical will say why the unit does not fit


@dataclass
class BulletinRow:
    """One bulletin row's cells, parsed, with what the row is about."""

    line: int
    cells: dict[str, str]
    region_code: str
    year: int
    source_id: str
    quality: str
    info: LabelInfo
    value: ParsedValue | None
    growth: float
    unit: UnitSpec | None
    notes: list[str] = field(default_factory=list)

    @property
    def raw_value(self) -> str:
        return self.cells["value"].strip()

    @property
    def raw_growth(self) -> str:
        return self.cells["growth_pct"].strip()


class BulletinReader:
    """Reads one bulletin CSV into observation records and unused records (:meth:`read`)."""

    def __init__(self, path: Path, raw_name: str, by_title: dict[str, str], sources: dict[str, dict],
                 record_name: str):
        self.path, self.raw_name, self.name = path, raw_name, paths.relative(path)
        self.by_title, self.sources, self.record_name = by_title, sources, record_name
        self.observations: list[dict] = []
        self.unused: list[dict] = []
        self._seen: dict[tuple, int] = {}
        #: one source, one figure: (region, indicator, year, period, status, source) → first exact value
        self._exact: dict[tuple, tuple[int, str, Decimal, Decimal]] = {}

    def read(self) -> tuple[list[dict], list[dict]]:
        for line, cells in read_csv_rows(self.path, BULLETIN_COLUMNS):
            self._add(self._parse(line, strict_input.normalise_row(cells, self.name, line)))
        return self.observations, self.unused

    def _bad(self, line: int):
        return lambda column, message: RawDataError(self.name, message, row=line, column=column)

    def _source(self, cells: dict[str, str], bad) -> tuple[str, str]:
        """``(source_id, quality)`` of the page the row names; its address must be the registered one."""
        title = cells["source_title"].strip()
        if not title:
            raise bad("source_title", "expected the title of the page the number was read from, found an empty cell")
        sid = self.by_title.get(title)
        if sid is None:
            raise bad("source_title", f"source {title!r} is not registered in {self.record_name} (sources: title_zh or "
                                      "title_variants_zh); register the page with a quality flag first")
        src = self.sources[sid]
        url = cells["source_url"].strip()
        if url != strict_input.normalise_cell(src.get("url") or ""):
            raise bad("source_url", f"the page {sid!r} is registered with address {src.get('url')!r}, the row has {url or None!r}")
        return sid, src["quality"]

    def _parse(self, line: int, cells: dict[str, str]) -> BulletinRow:
        bad = self._bad(line)
        region_code = catalogue.region_code_for_name(cells["region"].strip())
        if region_code is None:
            raise bad("region", f"unknown region {cells['region'].strip()!r}; expected 昌吉回族自治州, 乌鲁木齐市 or 新疆维吾尔自治区")
        year = _year(cells["year"], bad)
        sid, quality = self._source(cells, bad)
        _check_year(year, region_code, sid, self.sources, self.name, line)
        with located_cells(self.name, line, "indicator"):
            info = parse_indicator_label(cells["indicator"])
        with located_cells(self.name, line, "value"):
            value = parse_value(cells["value"])
        with located_cells(self.name, line, "growth_pct"):
            growth = parse_growth(cells["growth_pct"])
        if not math.isnan(growth):
            try:  # a plausible rate, and the one the quote prints where it prints one
                strict_input.check_growth(growth, cells["growth_pct"], cells["quote"])
            except ValueError as err:
                raise bad("growth_pct", str(err)) from None
        if info.growth_only and value is not None:
            raise bad("value", f"{cells['indicator'].strip()!r} is a growth rate: expected an empty value and the rate "
                               f"in growth_pct, found {cells['value'].strip()!r}")
        if value is None and math.isnan(growth):
            raise bad("value", "expected a value or a growth rate (growth_pct), both are empty")
        if value is None and not info.growth_only:
            info.growth_only = True  # the page gives only a growth rate
        unit = parse_unit(cells["unit"])
        if value is not None and unit is None and not value.scale:
            raise bad("unit", "expected the unit as printed (亿元, 万人次, %, billion yuan, …), found an empty cell")
        return BulletinRow(line, cells, region_code, year, sid, quality, info, value, growth, unit)

    def _indicator(self, row: BulletinRow) -> tuple[str | None, str | None, int | None]:
        with located_cells(self.name, row.line, "value"):
            ind_id, reason, component = indicator_for(row.info, row.value)
        if ind_id is not None:
            ind_id, reason = currency_variant(ind_id, row.unit.base if row.unit else None)
        info = row.info
        key = (row.region_code, ind_id or info.base, row.year, info.period, info.period_note, info.status,
               row.source_id, row.raw_value, row.raw_growth)
        if key in self._seen:
            raise self._bad(row.line)("value", f"duplicate of line {self._seen[key]}: same region, indicator, year, "
                                               "source and value; remove one of the two rows")
        self._seen[key] = row.line
        return ind_id, reason, component

    def _add(self, row: BulletinRow) -> None:
        ind_id, reason, component = self._indicator(row)
        if ind_id is None:
            self.unused.append({
                "raw_file": self.name, "raw_row": row.line, "region_code": row.region_code, "year": row.year,
                "indicator_as_printed": row.cells["indicator"].strip(), "value_as_printed": row.raw_value,
                "unit_as_printed": row.cells["unit"].strip(), "growth_as_printed": row.raw_growth,
                "source_id": row.source_id, "quality": row.quality, "reason": reason,
            })
            return
        row.notes = [f"indicator note: {n}" for n in row.info.notes]
        number = qualifier = step = None
        if row.value is not None:
            number, qualifier, step = self._converted(row, ind_id, component)
        else:
            row.notes.extend(f"unit note: {comment}" for comment in (row.unit.comments if row.unit else ()))
        if not math.isnan(row.growth):
            row.notes.append(growth_basis(ind_id))
        self.observations.append(observation(
            obs_id=f"{self.path.stem}:{row.line}", region_code=row.region_code, indicator_id=ind_id, year=row.year,
            period=row.info.period, period_note=row.info.period_note, status=row.info.status, number=number,
            qualifier=qualifier, value_as_printed=row.raw_value, unit_as_printed=row.cells["unit"].strip(),
            growth_pct=row.growth, growth_as_printed=row.raw_growth, source_id=row.source_id, quality=row.quality,
            raw_file=self.name, raw_row=row.line, notes=row.notes, step=step,
        ))

    def _converted(self, row: BulletinRow, ind_id: str, component: int | None) -> tuple[Decimal, str, Decimal]:
        """``(number in the canonical unit, qualifier, printed precision)`` of a row with a value."""
        value, unit, canonical = row.value, row.unit, catalogue.indicator(ind_id)["unit"]
        with located_cells(self.name, row.line, "value", {"unit": "unit"}):
            unit_name = effective_unit(unit, value)
            if value.ratio is not None:
                number, factor = self._ratio_component(row, unit_name, component, canonical)
            else:
                number, factor = to_canonical(value.number, unit_name, canonical)
        kind = catalogue.indicator(ind_id).get("kind")
        if number <= 0 and kind == "level" or number < 0 and kind == "share":
            raise self._bad(row.line)("value", f"a {kind} must be {'greater than 0' if kind == 'level' else 'at least 0'}: "
                                               f"{ind_id} expects a value {'> 0' if kind == 'level' else '>= 0'}, "
                                               f"found {row.raw_value!r}")
        step = factor * Decimal(10) ** (-value.decimals)
        qualifier = value.qualifier
        if unit is not None and unit.qualifier and qualifier == "exact":
            qualifier = unit.qualifier
        if qualifier == "exact":
            self._check_one_figure_per_source(row, ind_id, canonical, number, step)
        printed = value.ratio[component - 1] if value.ratio is not None else value.number
        try:  # numbers compared, never texts; a quote without the value is an error, not a skip
            strict_input.check_value_in_quote(row.cells["quote"], printed, unit_name, canonical, number, UNIT_CONVERSIONS)
        except strict_input.QuoteMismatch as err:
            raise self._bad(row.line)("unit" if "expected the unit as printed" in str(err) else "quote", str(err)) from None
        if value.comment and not any(w in value.comment for w in APPROXIMATE_UNIT_WORDS):
            row.notes.append(f"value note: {value.comment}")
        self._unit_comments(row, canonical, number)
        return number, qualifier, step

    def _ratio_component(self, row: BulletinRow, unit_name: str, component: int, canonical: str) -> tuple[Decimal, Decimal]:
        if unit_name not in ("比例", "%"):
            raise CellError(f"a structure a:b:c is in percent shares: expected the unit 比例(一:二:三) or %, found {unit_name!r}", "unit")
        comments = row.unit.comments if row.unit else ()
        if not (row.info.ratio_order or any(c in RATIO_ORDER_MARKERS for c in comments)):
            raise CellError("a structure a:b:c must state its order 一:二:三 (in the indicator or the unit)", "unit")
        check_ratio(row.value.ratio, row.value.decimals)
        row.notes.append(f"component {component} of the structure (一:二:三)")
        return to_canonical(row.value.ratio[component - 1], unit_name, canonical)

    def _check_one_figure_per_source(self, row: BulletinRow, ind_id: str, canonical: str, number: Decimal,
                                     step: Decimal) -> None:
        """Two exact values for the same region, indicator, year and period from the same source must
        agree to their printed precision."""
        info = row.info
        same = (row.region_code, ind_id, row.year, info.period, info.period_note, info.status, row.source_id)
        if same not in self._exact:
            self._exact[same] = (row.line, row.raw_value, number, step)
            return
        first, first_raw, first_number, first_step = self._exact[same]
        if abs(number - first_number) > max(step, first_step) / 2:
            raise self._bad(row.line)(
                "value", f"duplicate of line {first} with another value: same region, indicator, year "
                         f"and source ({row.source_id}), but line {first} has {first_raw!r} ({first_number:f} "
                         f"{canonical}) and this row {row.raw_value!r} ({number:f} {canonical}); expected "
                         "one value per region, indicator, year and source — correct or remove one of the two rows")

    def _unit_comments(self, row: BulletinRow, canonical: str, number: Decimal) -> None:
        """A unit comment ``=7660亿元`` must agree with the value; other comments become notes."""
        for comment in (row.unit.comments if row.unit else ()):
            m = re.fullmatch(r"=\s*(\d+(?:\.\d+)?)\s*(\S+)", comment)
            if m:
                with located_cells(self.name, row.line, "unit"):
                    stated, _ = to_canonical(Decimal(m.group(1)), m.group(2), canonical)
                if stated != number:
                    raise self._bad(row.line)("unit", f"the unit note {comment!r} disagrees with the value "
                                                      f"{row.raw_value!r} converted to {canonical} ({number})")
            elif comment not in APPROXIMATE_UNIT_WORDS and comment not in RATIO_ORDER_MARKERS:
                row.notes.append(f"unit note: {comment}")


# --------------------------------------------------------------------------- plan quotes
@dataclass(frozen=True)
class _PlanRow:
    """A plan-quote row after its cells are checked: the quoted number and its unit."""

    region_code: str
    year: int
    indicator_id: str
    period: str
    quote: str
    position: int
    numbers: tuple[re.Match, ...]   # every number in the quote
    unit_text: str
    unit: UnitSpec

    @property
    def number(self) -> re.Match:
        return self.numbers[self.position - 1]


def _check_plan_row(cells: dict[str, str], plan_text: str, bad) -> _PlanRow:
    region_code = cells["region_code"].strip()
    if region_code not in catalogue.catalogue()["regions"]:
        raise bad("region_code", f"unknown region code {region_code!r}; expected 652300, 650100 or 650000")
    year = _year(cells["year"], bad)
    ind_id = cells["indicator_id"].strip()
    if ind_id not in catalogue.catalogue()["indicators"]:
        raise bad("indicator_id", f"unknown indicator id {ind_id!r}; expected an id of analysis/indicators.yml")
    period = cells["period"].strip()
    if period not in PERIODS:
        raise bad("period", f"expected one of {', '.join(PERIODS)}, found {period!r}")
    quote = cells["quote"]
    if not quote.strip():
        raise bad("quote", "expected an exact quote from the plan, found an empty cell")
    if quote not in plan_text:
        raise bad("quote", f"the quote {quote!r} is not in {paths.PLAN_TEXT.name} verbatim (check spaces, full-width "
                           "punctuation and page breaks; quote one unbroken stretch of text)")
    position = cells["number_position"].strip()
    if not re.fullmatch(r"[1-9]\d*", position):
        raise bad("number_position", f"expected a whole number >= 1 (which number in the quote), found {position!r}")
    numbers = numbers_in_quote(quote)
    if int(position) > len(numbers):
        raise bad("number_position", f"the quote holds {len(numbers)} number(s), position {position} does not exist")
    unit_text = cells["unit_as_printed"].strip()
    unit = parse_unit(unit_text)
    if unit is None:
        raise bad("unit_as_printed", "expected the unit as printed (亿元, %, 亿人次, 比例(一:二:三)), found an empty cell")
    return _PlanRow(region_code, year, ind_id, period, quote, int(position), tuple(numbers), unit_text, unit)


def _quoted_value(row: _PlanRow) -> tuple[str, Decimal, Decimal]:
    """``(value as printed, number in the canonical unit, factor)`` of the quoted number; a number
    inside a structure a:b:c must be the component its indicator maps to."""
    quote, match, unit = row.quote, row.number, row.unit
    token = match.group(0)
    ratio = next((r for r in QUOTE_RATIO.finditer(quote) if r.start() <= match.start() < r.end()), None)
    if ratio is not None:
        parts = tuple(Decimal(x) for x in re.findall(r"\d+(?:\.\d+)?", ratio.group(0)))
        inside = [m for m in row.numbers if ratio.start() <= m.start() < ratio.end()]
        component = inside.index(match) + 1
        components = dict(RATIO_INDICATORS.values())
        if components.get(row.indicator_id) != component:
            raise CellError(f"number {row.position} is component {component} of the structure {ratio.group(0)!r}; "
                            f"{row.indicator_id} is not that component")
        if unit.base not in ("比例", "%"):
            raise CellError(f"a structure a:b:c is in percent shares: expected 比例(一:二:三), found {row.unit_text!r}", "unit")
        check_ratio(parts, decimals(token))
        value_as_printed = ratio.group(0)
    else:
        after = quote[match.end():].lstrip()
        if not after.startswith(unit.base):
            raise CellError(f"the quote prints {quote[match.end():match.end() + 6]!r} after the number {token}, not the "
                            f"unit {unit.base!r} of this row; expected unit_as_printed to be the unit printed after "
                            "the number in the quote", "unit")
        value_as_printed = token
    canonical = catalogue.indicator(row.indicator_id)["unit"]
    number, factor = to_canonical(Decimal(token.replace(",", "")), unit.base, canonical)
    return value_as_printed, number, factor


def plan_records(path: Path, plan_text: str, raw_name: str, source_id: str, sources: dict, record_name: str) -> list[dict]:
    """Observation records of the quote-anchored plan file; each quote is checked against the plan."""
    name = paths.relative(path)
    if source_id not in sources:
        raise RawDataError(record_name, f"file {raw_name} cites source_id {source_id!r}, which is not registered",
                           column="source_id")
    records = []
    seen: dict[tuple, int] = {}
    plan_text = strict_input.normalise_cell(plan_text)  # compared with NFKC-normalised quotes
    for line, cells in read_csv_rows(path, PLAN_COLUMNS):
        def bad(column: str, message: str, line: int = line) -> RawDataError:
            return RawDataError(name, message, row=line, column=column)

        cells = strict_input.normalise_row(cells, name, line)
        row = _check_plan_row(cells, plan_text, bad)
        _check_year(row.year, row.region_code, source_id, sources, name, line)
        with located_cells(name, line, "number_position", {"unit": "unit_as_printed"}):
            value_as_printed, number, factor = _quoted_value(row)
        key = (row.region_code, row.indicator_id, row.year, row.period, row.quote, row.position)
        if key in seen:
            raise bad("quote", f"duplicate of line {seen[key]}: same region, indicator, year, period and quoted number")
        seen[key] = line
        records.append(observation(
            obs_id=f"{path.stem}:{line}", region_code=row.region_code, indicator_id=row.indicator_id, year=row.year,
            period=row.period, status="final", number=number,
            period_note=f"{row.year - 4}–{row.year} total (five-year plan period)" if row.period == "five_year_total" else "",
            qualifier=context_qualifier(row.quote, row.number.start(), row.number.end(), row.unit.base),
            value_as_printed=value_as_printed, unit_as_printed=row.unit_text, growth_pct=math.nan, growth_as_printed="",
            source_id=source_id, quality=sources[source_id]["quality"], raw_file=name, raw_row=line,
            notes=[cells["note"].strip()],
            step=factor * Decimal(10) ** (-decimals(row.number.group(0))),
        ))
    return records
