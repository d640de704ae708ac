"""Parse a bureau comparison table in the layout of the plan's 表 1, and check it.

Layout (tab-separated plain text, as 表 1 appears in the plan's text):

- a title line starting ``表 1`` (optional for other files),
- a header row whose first cell is ``数据类别`` followed by region names in any order
  (``昌吉州``, ``乌鲁木齐``, ``全疆`` or their full names),
- data rows: a group label (``按经营地``, ``按消费类型``, ``其中``) or nothing in the first
  cell, the indicator label with its unit in brackets (``社会消费品零售总额（亿元）``), then one
  value per region; percentages may be written ``53.5%``; ``—`` marks a missing value,
- the table ends at a blank line or a ``数据来源`` line.

Rows in a group are components of the nearest preceding top-level row (their *parent*), and
inherit its unit when their own label has none (``其中 出口`` → 亿美元).
Column counts vary in the source (empty padding cells): values are the last cells of a row.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd

from analysis import catalogue, provenance, strict_input
from analysis.catalogue import SUBJECT_REGION
from analysis.errors import RawDataError
from analysis.files import read_utf8_text
from analysis.paths import relative

HEADER_FIRST_CELL = "数据类别"
MISSING_MARKERS = {"—", "－", "-", "…", "--", "——"}
UNIT_IN_LABEL = re.compile(r"[（(]\s*([^）)]+?)\s*[）)]\s*$")
NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
KNOWN_UNITS = {"亿元", "%", "亿美元", "万人次", "万元", "元"}
#: the plan's comparison: the subject region and its comparators, in 表 1's order
REGION_CODES = (SUBJECT_REGION, "650100", "650000")

OUTPUT_COLUMNS = [
    "region_code", "region_zh", "region_en", "year", "indicator_id", "indicator_zh", "indicator_en",
    "breakdown", "breakdown_zh", "breakdown_en", "parent_indicator_id", "unit", "value", "decimals",
    "source_id", "source_line",
]


@dataclass
class ParsedTable:
    """What :func:`parse_comparison_table` found besides the values."""

    title: str | None
    regions: list[str]  # region codes in header order
    data: pd.DataFrame
    source_note: str | None = None
    header_line: int = 0
    notes: list[str] = field(default_factory=list)


def _parse_value(cell: str, unit: str | None, file: str, line: int, column: str) -> tuple[float, str | None, int]:
    """One cell → (value, unit implied by a % sign or None, decimals shown)."""
    try:  # full-width digits read as 0-9; digits of other scripts refused
        text = strict_input.normalise_cell(cell).strip().replace(",", "")
    except ValueError as err:
        raise RawDataError(file, str(err), row=line, column=column) from None
    if text in MISSING_MARKERS:
        return math.nan, None, 0
    pct = text.endswith("%") or text.endswith("％")
    if pct:
        text = text[:-1].strip()
    if not NUMBER.match(text):
        raise RawDataError(
            file, f"expected a number (like 563.51, or 53.5% for a percentage, or — if missing), found {cell.strip()!r}",
            row=line, column=column,
        )
    if pct and unit not in (None, "%"):
        raise RawDataError(file, f"value {cell.strip()!r} is a percentage but the row's unit is {unit}", row=line, column=column)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return float(text), ("%" if pct else None), decimals


def _looks_like_value(text: str) -> bool:
    """A table cell that is a value (a number, a percentage, or a missing marker), not a label."""
    return text in MISSING_MARKERS or bool(NUMBER.match(text.replace(",", "").rstrip("%％").strip()))


def _without_spaces(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _find_header(lines: list[str], file: str, title_prefix: str) -> tuple[str | None, int]:
    """The title line (``None`` if there is none) and the index of the ``数据类别`` header below it."""
    start, title = 0, None
    for i, line in enumerate(lines):
        if _without_spaces(line).startswith(_without_spaces(title_prefix)):
            title, start = line.strip(), i
            break
    header_idx = next((i for i in range(start, len(lines)) if lines[i].split("\t")[0].strip() == HEADER_FIRST_CELL), None)
    if header_idx is None:
        raise RawDataError(file, f"no table header found: expected a line starting with '{HEADER_FIRST_CELL}' followed by "
                                 "region names (tab-separated)")
    return title, header_idx


def _header_regions(header: str, file: str, header_line: int, expected_regions: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Region names as printed in the header and their codes; every expected region must be there, once."""
    names = [c.strip() for c in header.split("\t")[1:] if c.strip()]
    codes = []
    for name in names:
        code = catalogue.region_code_for_name(name)
        if code is None:
            raise RawDataError(file, f"unknown region name {name!r} in the header; expected names such as 昌吉州, 乌鲁木齐, 全疆",
                               row=header_line, column=name)
        codes.append(code)
    for code in expected_regions:
        if code not in codes:
            meta = catalogue.region(code)
            raise RawDataError(
                file, f"region column for {meta['short_zh']} ({meta['name_zh']}, {code}) is missing; the header has {names}",
                row=header_line, column=meta["short_zh"],
            )
    if len(set(codes)) != len(codes):
        raise RawDataError(file, f"a region appears twice in the header {names}", row=header_line)
    return names, codes


def _data_lines(lines: list[str], header_idx: int) -> tuple[list[tuple[int, str]], str | None]:
    """``[(line number, text), …]`` of the table's rows, and its ``数据来源`` note: the table ends at
    the first blank line after a row (the note usually follows it) or at a ``数据来源`` line."""
    rows: list[tuple[int, str]] = []
    for idx in range(header_idx + 1, len(lines)):
        raw = lines[idx]
        if not raw.strip():
            if not rows:
                continue
            after = [x.strip() for x in lines[idx + 1: idx + 4] if x.strip()]
            return rows, after[0] if after and _without_spaces(after[0]).startswith("数据来源") else None
        if _without_spaces(raw).startswith("数据来源"):
            return rows, raw.strip()
        rows.append((idx + 1, raw))
    return rows, None


def _row_label(cells: list[str], n: int, group: str | None, file: str, line_no: int) -> tuple[str | None, str]:
    """``(group, label)`` of a row from the cells before its ``n`` values: a group label (按经营地 …)
    starts a group; a row that starts with a tab stays in the current group."""
    label_cells = cells[:-n]
    texts = [c.strip() for c in label_cells if c.strip()]
    if len(texts) == 2:
        return texts[0], texts[1]
    if len(texts) == 1 and not label_cells[0].strip() and group is not None:
        return group, texts[0]
    if len(texts) == 1:
        return None, texts[0]
    raise RawDataError(file, f"expected a row label before the {n} values, found {label_cells}", row=line_no, column=HEADER_FIRST_CELL)


def _row_indicator(label: str, file: str, line_no: int) -> tuple[str, dict, str | None]:
    """The catalogue indicator a label names, and the unit in its brackets (``None`` if none)."""
    ind_id = catalogue.indicator_id_for_label(label)
    if ind_id is None:
        raise RawDataError(file, f"unknown indicator label {label!r}; add its wording to analysis/indicators.yml (labels_zh)",
                           row=line_no, column=HEADER_FIRST_CELL)
    m = UNIT_IN_LABEL.search(label)
    unit = m.group(1).strip() if m else None
    if unit is not None and unit not in KNOWN_UNITS:
        raise RawDataError(file, f"unit {unit!r} in label {label!r} not recognised; expected one of {sorted(KNOWN_UNITS)}",
                           row=line_no, column=HEADER_FIRST_CELL)
    return ind_id, catalogue.indicator(ind_id), unit


class _TableReader:
    """Reads the rows of one table: each row's label, unit and one value per region column."""

    def __init__(self, file: str, year: int, source_id: str, names: list[str], codes: list[str],
                 header_cells: list[str] | None = None):
        self.file, self.year, self.source_id, self.names, self.codes = file, year, source_id, names, codes
        self.header_cells = header_cells or []  # the header's tab-separated cells: where each region's column is
        self.group: str | None = None
        self.parent: dict | None = None  # the nearest top-level row: grouped rows are its components
        self.records: list[dict] = []

    def read(self, line_no: int, raw: str) -> None:
        n = len(self.codes)
        cells = raw.rstrip().split("\t")
        missing = strict_input.missing_trailing_values(cells, self.header_cells, self.names, _looks_like_value)
        if missing:
            raise RawDataError(self.file, f"expected {n} values (one per region: {', '.join(self.names)}), the value for "
                                          f"{', '.join(missing)} is missing; write — where the source gives none",
                               row=line_no, column=missing[0])
        if len(cells) < n + 1:
            raise RawDataError(self.file, f"expected a label and {n} values (one per region: {', '.join(self.names)}), "
                                          f"found {len(cells)} cells", row=line_no)
        self.group, label = _row_label(cells, n, self.group, self.file, line_no)
        ind_id, meta, unit = _row_indicator(label, self.file, line_no)
        parent_id = None
        if self.group is not None:
            if self.parent is None:
                raise RawDataError(self.file, f"grouped row {label!r} has no top-level row above it", row=line_no,
                                   column=HEADER_FIRST_CELL)
            parent_id, unit = self.parent["indicator_id"], unit or self.parent["unit"]
        values = []
        for code, name, cell in zip(self.codes, self.names, cells[-n:]):
            value, implied, decimals = _parse_value(cell, unit, self.file, line_no, name)
            values.append((code, value, decimals))
            unit = unit or implied
        if unit is None:
            raise RawDataError(self.file, f"no unit for {label!r}: write it in brackets in the label, e.g. （亿元）, or % after "
                                          "each value", row=line_no, column=HEADER_FIRST_CELL)
        if unit != meta["unit"]:
            raise RawDataError(self.file, f"{label!r} is in {unit}, expected {meta['unit']} (the catalogue unit for {ind_id}); "
                                          "convert the source or fix the label", row=line_no, column=HEADER_FIRST_CELL)
        row_meta = {
            "indicator_id": ind_id, "indicator_zh": catalogue.normalise_label(label), "indicator_en": meta["name_en"],
            "breakdown": meta.get("breakdown", "total"), "breakdown_zh": meta.get("breakdown_zh", "合计"),
            "breakdown_en": meta.get("breakdown_en", "total"), "parent_indicator_id": parent_id, "unit": unit,
        }
        if self.group is None:
            self.parent = row_meta
        for code, value, decimals in values:
            reg = catalogue.region(code)
            self.records.append({
                "region_code": code, "region_zh": reg["name_zh"], "region_en": reg["name_en"], "year": self.year,
                **row_meta, "value": value, "decimals": decimals, "source_id": self.source_id, "source_line": line_no,
            })


def parse_comparison_table(
    text: str,
    file: str,
    year: int,
    source_id: str,
    expected_regions: tuple[str, ...] = REGION_CODES,
    title_prefix: str = "表 1",
) -> ParsedTable:
    """Parse the first comparison table in ``text`` into a tidy long table (one value a row).

    Parameters
    ----------
    text : the document text (UTF-8 decoded).
    file : the file name, used in error messages.
    year : reference year of the values (表 1: 2020).
    source_id : provenance id written into every row.
    expected_regions : GB/T 2260 codes that must each have a column.
    title_prefix : the title line starts with this (normalised for spaces); if no such line
        exists the first ``数据类别`` header is used.

    Returns
    -------
    ParsedTable whose ``data`` has :data:`OUTPUT_COLUMNS`; ``value`` is in ``unit``
    (亿元 = CNY 100 million, 亿美元 = USD 100 million, % = percent).

    Raises
    ------
    RawDataError naming the file, line and column for anything that is not as expected.
    """
    lines = text.splitlines()
    title, header_idx = _find_header(lines, file, title_prefix)
    header_line = header_idx + 1
    names, codes = _header_regions(lines[header_idx], file, header_line, expected_regions)
    rows, source_note = _data_lines(lines, header_idx)
    reader = _TableReader(file, year, source_id, names, codes, lines[header_idx].split("\t"))
    for line_no, raw in rows:
        reader.read(line_no, raw)
    if not reader.records:
        raise RawDataError(file, "the table has a header but no data rows", row=header_line)
    data = pd.DataFrame.from_records(reader.records, columns=OUTPUT_COLUMNS)
    dup = data.duplicated(["region_code", "indicator_id"], keep=False)
    if dup.any():
        first = data[dup].iloc[0]
        raise RawDataError(file, f"indicator {first['indicator_id']} appears twice", row=int(first["source_line"]))
    return ParsedTable(title=title, regions=codes, data=data, source_note=source_note, header_line=header_line)


def rounding_tolerance(decimals: list[int]) -> float:
    """Largest difference that rounding alone can explain when published parts are summed.

    Each printed number with ``d`` decimals is off by at most half a unit in its last place;
    a sum of parts compared with a printed total can be off by the sum of those half-units.
    """
    return sum(0.5 * 10.0 ** (-d) for d in decimals) + 1e-9


CHECK_COLUMNS = [
    "region_code", "region_zh", "check", "check_zh", "expected", "recomputed", "difference",
    "tolerance", "verdict", "verdict_zh", "source_line",
]


def check_comparison(data: pd.DataFrame, file: str = "") -> pd.DataFrame:
    """Consistency checks on a parsed comparison table, one row per check and region.

    - components add up to their parent (城镇 + 乡村 = 社零, 商品零售 + 餐饮 = 社零,
      出口 + 进口 = 进出口总额), within :func:`rounding_tolerance`;
    - shares (kind ``share``) lie within 0–100 %.

    Verdicts: ``exact``; ``ok`` (a share within its range); ``rounding`` (a difference rounding explains, e.g. Urumqi's
    45.22 + 26.23 = 71.45 against 71.46 — reported, not an error); ``violation``.
    Missing values give ``missing`` and are not checked.
    """
    rows = []
    for code, reg in data.groupby("region_code", sort=False):
        by_id = reg.set_index("indicator_id")
        children = reg[reg["parent_indicator_id"].notna()]
        for (parent_id, breakdown_kind), grp in children.groupby(
            [children["parent_indicator_id"], children["breakdown"].str.split("_").str[0]], sort=False
        ):
            parent = by_id.loc[parent_id]
            parts = " + ".join(grp["indicator_zh"])
            name_zh = f"{parts} = {parent['indicator_zh']}"
            name_en = f"{' + '.join(grp['indicator_id'])} = {parent_id}"
            if grp["value"].isna().any() or math.isnan(parent["value"]):
                diff, tol, verdict = math.nan, math.nan, "missing"
                recomputed = grp["value"].sum(min_count=len(grp))
            else:
                recomputed = round(float(grp["value"].sum()), 6)
                diff = round(recomputed - float(parent["value"]), 6)
                tol = rounding_tolerance(list(grp["decimals"]) + [int(parent["decimals"])])
                verdict = "exact" if abs(diff) < 1e-9 else ("rounding" if abs(diff) <= tol else "violation")
            rows.append({
                "region_code": code, "region_zh": reg["region_zh"].iloc[0], "check": name_en, "check_zh": name_zh,
                "expected": float(parent["value"]), "recomputed": recomputed, "difference": diff, "tolerance": round(tol, 6) if tol == tol else tol,
                "verdict": verdict, "verdict_zh": VERDICT_ZH[verdict], "source_line": int(parent["source_line"]),
            })
        for _, share in reg[reg["indicator_id"].map(lambda i: catalogue.indicator(i)["kind"] == "share")].iterrows():
            v = share["value"]
            verdict = "missing" if math.isnan(v) else ("ok" if 0 <= v <= 100 else "violation")
            rows.append({
                "region_code": code, "region_zh": share["region_zh"], "check": f"0 <= {share['indicator_id']} <= 100",
                "check_zh": f"0 ≤ {share['indicator_zh']} ≤ 100", "expected": math.nan, "recomputed": v,
                "difference": math.nan, "tolerance": 0.0, "verdict": verdict, "verdict_zh": VERDICT_ZH[verdict],
                "source_line": int(share["source_line"]),
            })
    return pd.DataFrame.from_records(rows, columns=CHECK_COLUMNS)


def clean_comparison_file(path, year: int, source_id: str, title_prefix: str = "表 1",
                          expected_regions: tuple[str, ...] = REGION_CODES):
    """Verify, read, parse and check one file holding a table in 表 1's layout.

    Returns ``(parsed_table, checks)``; raises :class:`RawDataError` (file, line, column) on bad
    input or on a real consistency violation. Writes nothing, so a failure leaves outputs intact.
    """
    provenance.verify_raw_file(path)
    name = relative(path)
    table = parse_comparison_table(read_utf8_text(path), name, year, source_id, expected_regions, title_prefix)
    checks = check_comparison(table.data)
    raise_on_violations(checks, name)
    return table, checks


VERDICT_ZH = {"exact": "一致", "ok": "在范围内", "rounding": "舍入差异", "violation": "不一致", "missing": "缺失"}


def raise_on_violations(checks: pd.DataFrame, file: str) -> None:
    """Stop with a clear message if any check is a real violation (rounding differences pass)."""
    bad = checks[checks["verdict"] == "violation"]
    if bad.empty:
        return
    first = bad.iloc[0]
    more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
    raise RawDataError(
        file,
        f"{first['region_zh']}: {first['check_zh']} fails — printed {first['expected']}, components sum to "
        f"{first['recomputed']} (difference {first['difference']:+g}, rounding explains at most {first['tolerance']:g}){more}",
        row=int(first["source_line"]),
        column=catalogue.region(first["region_code"])["short_zh"],
    )
