"""One tidy table of published observations, built from the raw bulletin CSVs and the plan text,
and the one way to take the values an analysis may use from it.

Inputs (all in ``data/raw/``, each verified against its sha256 in ``provenance.yml`` first, by
:func:`analysis.provenance.verify_raw_file`):

- ``changji_bulletins.csv`` and ``urumqi_xinjiang_bulletins.csv`` — one published number a row,
  exactly as printed on a public page (columns :data:`analysis.records.BULLETIN_COLUMNS`);
- ``plan_text_observations.csv`` — quote anchors into the plan
  (``changji_14th_fyp_modern_services_plan.txt``): an exact quote and which number in it holds
  the value. No figure is typed: the number is read from the quote found verbatim in the plan.

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
  selected by :data:`SELECTION_RULE` (:mod:`analysis.selection`); the others stay visible with
  a ``selection_note``.
- ``note``: indicator, value and unit notes as printed, and the growth basis
  (``analysis/growth_basis.yml``). Census vintage and XPCC coverage are not notes but columns,
  added from the quoted rules of ``data/raw/observation_rules.yml`` (:mod:`analysis.observation_rules`).

Where the work is done: printed cells are parsed in :mod:`analysis.printed`, units converted in
:mod:`analysis.units`, rows turned into records in :mod:`analysis.records`, duplicates chosen
between in :mod:`analysis.selection`. Every analysis takes its values through
:func:`selected_full_year` (or :func:`annual_series`, one indicator in one region).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import paths, provenance
from analysis.errors import RawDataError
from analysis.files import read_utf8_text
from analysis.records import UNUSED_COLUMNS, BulletinReader, plan_records, source_index
from analysis.selection import QUALITY_ORDER, SELECTION_RULE, select_rows

__all__ = [
    "BULLETIN_FILES", "PLAN_OBSERVATIONS_FILE", "PLAN_TEXT_FILE", "OBSERVATION_COLUMNS", "UNUSED_COLUMNS",
    "ANNUAL_SERIES_COLUMNS", "SELECTION_RULE", "QUALITY_ORDER", "PERIODS", "STATUSES", "QUALIFIERS",
    "build_observations", "read_observations", "selected_full_year", "annual_series",
]

BULLETIN_FILES = tuple(p.name for p in paths.BULLETINS)
PLAN_OBSERVATIONS_FILE = paths.PLAN_OBSERVATIONS.name
PLAN_TEXT_FILE = paths.PLAN_TEXT.name

OBSERVATION_COLUMNS = [
    "obs_id", "region_code", "region_zh", "region_en", "indicator_id", "indicator_zh", "indicator_en",
    "year", "period", "period_note", "status", "value", "unit", "qualifier", "value_as_printed",
    "unit_as_printed", "growth_pct", "growth_as_printed", "source_id", "quality", "selected",
    "selection_note", "raw_file", "raw_row", "note",
]
ANNUAL_SERIES_COLUMNS = ["year", "value", "qualifier", "source_id", "quality"]

PERIODS = ("full_year", "partial", "five_year_total")
STATUSES = ("final", "revised", "preliminary_estimate")
QUALIFIERS = ("exact", "approximate", "lower_bound")


def _provenance_record(raw_dir: Path, record: dict | None) -> tuple[dict, str]:
    """The provenance record to check ``raw_dir`` against, and its name for messages: the one passed
    in, else ``raw_dir/provenance.yml``, else the project's ``data/raw/provenance.yml``."""
    own = raw_dir / paths.PROVENANCE.name
    if own.exists():
        name = paths.relative(own)
    else:
        name = paths.relative(paths.PROVENANCE) if record is None else "the provenance record passed in"
    if record is None:
        record = provenance.load_provenance(own if own.exists() else paths.PROVENANCE)
    return provenance.check_sources(record, name), name


def build_observations(raw_dir: str | Path = paths.DATA_RAW, record: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build the tidy observations table and the table of unused rows from ``raw_dir``.

    Parameters
    ----------
    raw_dir : folder holding :data:`BULLETIN_FILES`, :data:`PLAN_OBSERVATIONS_FILE` and
        :data:`PLAN_TEXT_FILE` (default ``data/raw``).
    record : the provenance record (``{"files": …, "sources": …}``); by default
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
    raw_dir = Path(raw_dir)
    record, record_name = _provenance_record(raw_dir, record)
    entries = {n: provenance.verify_raw_file(raw_dir / n, record, raw_dir=raw_dir)
               for n in [*BULLETIN_FILES, PLAN_OBSERVATIONS_FILE, PLAN_TEXT_FILE]}
    by_title, sources = source_index(record, record_name)

    records: list[dict] = []
    unused: list[dict] = []
    for n in BULLETIN_FILES:
        found, not_used = BulletinReader(raw_dir / n, n, by_title, sources, record_name).read()
        records += found
        unused += not_used
    plan_text = read_utf8_text(raw_dir / PLAN_TEXT_FILE)
    plan_source = entries[PLAN_OBSERVATIONS_FILE].get("source_id")
    records += plan_records(raw_dir / PLAN_OBSERVATIONS_FILE, plan_text, PLAN_OBSERVATIONS_FILE, plan_source,
                            sources, record_name)
    select_rows(records)
    return _observation_table(records), _unused_table(unused)


def _observation_table(records: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame.from_records(records).drop(columns=["_value", "_step"])
    table = table[OBSERVATION_COLUMNS]
    table["year"] = table["year"].astype("int64")
    table["raw_row"] = table["raw_row"].astype("int64")
    table["value"] = table["value"].astype("float64")
    table["growth_pct"] = table["growth_pct"].astype("float64")
    table["selected"] = table["selected"].astype(bool)
    return table.sort_values(["region_code", "indicator_id", "year", "period", "period_note", "raw_file", "raw_row"],
                             kind="mergesort").reset_index(drop=True)


def _unused_table(unused: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame.from_records(unused, columns=UNUSED_COLUMNS)
    if not table.empty:
        table["year"] = table["year"].astype("int64")
        table["raw_row"] = table["raw_row"].astype("int64")
    return table


#: columns every row of observations.csv fills (a truncated or hand-edited file leaves one empty)
_ALWAYS_FILLED = ("obs_id", "region_code", "indicator_id", "year", "period", "status", "source_id", "quality", "selected")


def read_observations(path: str | Path) -> pd.DataFrame:
    """``observations.csv`` (:data:`OBSERVATION_COLUMNS`) as :func:`build_observations` wrote it, read back
    with region codes as text (``"652300"``, never the number 652300). ``path``: relative to the project
    root, or absolute.

    A file that is not as written (truncated, edited: a missing column, an empty cell where every row
    has one) raises :class:`RawDataError` naming the file, line and column; ``make report`` rebuilds
    a damaged one from its recorded hash (tools/step_records.py) before any notebook reads it.
    """
    full, name = paths.resolve(path), paths.relative(path)
    rebuild = "the file is not as notebooks/10_clean_observations.py wrote it (truncated or edited?): run make report"
    try:
        table = pd.read_csv(full, dtype={"region_code": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise RawDataError(name, f"cannot be read as CSV ({str(err).strip()}); {rebuild}") from None
    for column in OBSERVATION_COLUMNS:
        if column not in table.columns:
            raise RawDataError(name, f"no column {column!r}; {rebuild}", row=1, column=column)
    for column in _ALWAYS_FILLED:
        empty = table[column].isna()
        if empty.any():
            raise RawDataError(name, f"empty cell; {rebuild}", row=int(empty.to_numpy().argmax()) + 2, column=column)
    return table


def selected_full_year(observations: pd.DataFrame, region_code: str | None = None,
                       indicator_id: str | None = None) -> pd.DataFrame:
    """The rows an analysis may use as annual values: ``selected``, ``period == "full_year"`` and
    with a value — optionally of one region and one indicator. Partial periods, five-year totals,
    growth-only rows and the rows not selected among duplicates are never returned.

    The one place this rule is written: the scenarios, the scoreboard and the report all call it.
    Rows keep the table's order and index.

    >>> table = pd.DataFrame({"region_code": ["652300"] * 3, "indicator_id": ["gdp"] * 3,
    ...                       "year": [2023, 2023, 2024], "period": ["full_year", "full_year", "partial"],
    ...                       "value": [2329.52, 2300.0, 1200.0], "selected": [True, False, True]})
    >>> selected_full_year(table, "652300", "gdp")["value"].tolist()
    [2329.52]
    """
    mask = observations["selected"].astype(bool) & (observations["period"] == "full_year") & observations["value"].notna()
    if region_code is not None:
        mask &= observations["region_code"].astype(str) == str(region_code)
    if indicator_id is not None:
        mask &= observations["indicator_id"] == indicator_id
    return observations[mask]


def annual_series(observations: pd.DataFrame, region_code: str, indicator_id: str) -> pd.DataFrame:
    """The selected full-year values of one indicator in one region, sorted by year.

    The rows of :func:`selected_full_year`, columns :data:`ANNUAL_SERIES_COLUMNS`; ``value`` is in
    the indicator's canonical unit (e.g. 亿元) and ``qualifier`` says whether it is exact,
    approximate or a lower bound.
    """
    rows = selected_full_year(observations, region_code, indicator_id)
    out = rows[ANNUAL_SERIES_COLUMNS].sort_values("year", kind="mergesort").reset_index(drop=True)
    if out["year"].duplicated().any():  # cannot happen after select_rows; guards hand-edited tables
        raise ValueError(f"{region_code} {indicator_id}: more than one selected full-year row for a year")
    return out
