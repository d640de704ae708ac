"""Vintage, release stage and XPCC coverage of every observation, set by the rules of
``data/raw/observation_rules.yml``.

:func:`annotate` gives each observation ``vintage`` (``pre_2018_census`` / ``post_2018_census`` /
``not_stated``: before or after the 2018 economic-census revision of the national accounts),
``release_stage`` (``preliminary_accounting`` 初步核算 / ``final_verification`` 最终核实 /
``not_stated``, from the words on the row's own page) and ``coverage_xpcc6`` (``yes`` / ``no`` /
``not_stated``: does the figure include the XPCC 6th Division / 五家渠市), plus the id of the rule
that set each (:data:`TRUST_COLUMNS`). Every rule cites a file in ``data/raw/`` and an exact quote
from it, checked by :func:`load_rules`. Nothing no rule covers is assumed.

What these columns are used for — the caveats beside a conclusion and the sensitivity variants —
is :mod:`analysis.trust`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import catalogue, paths, provenance, records
from analysis.errors import RawDataError
from analysis.files import read_csv_rows, read_utf8_text
from analysis.yaml_files import load_yaml

__all__ = ["RULES_FILE", "VINTAGES", "RELEASE_STAGES", "COVERAGES", "FIELDS", "TRUST_COLUMNS", "Rule", "load_rules",
           "raw_row_texts", "annotate"]

RULES_FILE = paths.DATA_RAW / "observation_rules.yml"
VINTAGES = ("pre_2018_census", "post_2018_census", "not_stated")
RELEASE_STAGES = ("preliminary_accounting", "final_verification", "not_stated")
COVERAGES = ("yes", "no", "not_stated")
#: rule field → (column of the observations table, allowed values)
FIELDS = {"vintage": ("vintage", VINTAGES), "coverage_xpcc6": ("coverage_xpcc6", COVERAGES),
          "release_stage": ("release_stage", RELEASE_STAGES)}
TRUST_COLUMNS = ["vintage", "vintage_rule", "release_stage", "release_stage_rule", "coverage_xpcc6", "coverage_xpcc6_rule"]

_MATCH_KEYS = ("region_code", "indicators", "first_year", "last_year", "periods", "raw_files", "source_ids")
_RULE_KEYS = {"id", "value", "file", "quote", "reasoning", "words", *_MATCH_KEYS}


@dataclass(frozen=True)
class Rule:
    """One rule of ``observation_rules.yml``: which observations it covers and the value it gives."""

    id: str
    field: str
    value: str
    region_code: str | None = None
    indicators: tuple[str, ...] | None = None
    first_year: int | None = None
    last_year: int | None = None
    periods: tuple[str, ...] | None = None
    raw_files: tuple[str, ...] | None = None
    source_ids: tuple[str, ...] | None = None
    words: tuple[str, ...] | None = None
    file: str | None = None
    quote: str | None = None
    reasoning: str = ""

    def applies(self, region_code: str, indicator_id: str, year: int, period: str, raw_file: str,
                source_id: str, text: str = "") -> bool:
        """Whether the rule covers one observation (``raw_file`` by name; ``text``: its raw row's words)."""
        return ((self.region_code is None or str(region_code) == self.region_code)
                and (self.indicators is None or indicator_id in self.indicators)
                and (self.first_year is None or year >= self.first_year)
                and (self.last_year is None or year <= self.last_year)
                and (self.periods is None or period in self.periods)
                and (self.raw_files is None or Path(raw_file).name in self.raw_files)
                and (self.source_ids is None or source_id in self.source_ids)
                and (self.words is None or any(w in text for w in self.words)))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _check_matching(entry: dict, seq: dict, bad, raw_dir: Path, prov: dict) -> None:
    """The rule's matching conditions name known indicators, sources, raw files and regions, and whole years."""
    indicators, regions = catalogue.catalogue()["indicators"], catalogue.catalogue()["regions"]
    for ind in seq["indicators"] or ():
        if ind not in indicators:
            raise bad(f"unknown indicator {ind!r} (not in analysis/indicators.yml)", "indicators")
    for sid in seq["source_ids"] or ():
        if sid not in prov["sources"]:
            raise bad(f"unknown source_id {sid!r} (not in provenance.yml)", "source_ids")
    for f in seq["raw_files"] or ():
        if not (raw_dir / f).is_file():
            raise bad(f"raw file {f!r} not found in {paths.relative(raw_dir)}", "raw_files")
    if entry.get("region_code") is not None and str(entry["region_code"]) not in regions:
        raise bad(f"unknown region_code {entry['region_code']!r}", "region_code")
    for key in ("first_year", "last_year"):
        if entry.get(key) is not None and not isinstance(entry[key], int):
            raise bad(f"{key} must be a year (a whole number), found {entry[key]!r}", key)


def _check_grounds(field: str, entry: dict, seq: dict, bad, raw_dir: Path, prov: dict) -> None:
    """What the rule rests on: printed ``words`` (release stage) or a ``quote`` found in a registered raw file."""
    if field == "release_stage":
        if not seq["words"]:
            raise bad("a release_stage rule matches words printed on the row: give 'words'", "words")
        return
    if seq["words"]:
        raise bad("'words' is only for release_stage rules", "words")
    cited, quote = entry.get("file"), entry.get("quote")
    if not cited or not quote:
        raise bad("needs 'file' (in data/raw/) and 'quote' (the passage it rests on)", "quote")
    cited_path = raw_dir / str(cited)
    if not cited_path.is_file() or str(cited) not in prov["files"]:
        raise bad(f"cites {cited!r}, which is not a registered file of {paths.relative(raw_dir)}", "file")
    if _squash(str(quote)) not in _squash(read_utf8_text(cited_path)):
        raise bad(f"the quote {str(quote)!r} is not in {cited} (white space aside)", "quote")


def load_rules(path: str | Path = RULES_FILE, raw_dir: str | Path | None = None,
               prov: dict | None = None) -> list[Rule]:
    """Read and check the rules file (default ``data/raw/observation_rules.yml``).

    The file is verified against its sha256 in ``provenance.yml`` like every raw file. Each rule
    needs an ``id``, a ``value`` allowed for its section, ``reasoning``, and — except
    ``release_stage`` rules, which match words printed on the row itself — a ``file`` in
    ``raw_dir`` and a ``quote`` found in that file (white space runs compared as one space).
    Unknown keys, indicators, sources or files are errors naming the rule (:class:`RawDataError`).
    """
    path = paths.resolve(path)
    raw_dir = path.parent if raw_dir is None else paths.resolve(raw_dir)
    name = paths.relative(path)
    prov = provenance.load_provenance(raw_dir / "provenance.yml") if prov is None else prov
    if path.parent == paths.DATA_RAW:
        provenance.verify_raw_file(path, prov)
    data = load_yaml(path) or {}
    rules: list[Rule] = []
    seen: set[str] = set()
    for field, (_, allowed) in FIELDS.items():
        entries = data.get(field) or []
        if not isinstance(entries, list):
            raise RawDataError(name, f"section {field!r} must be a list of rules", column=field)
        for entry in entries:
            rid = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(rid, str) or not rid:
                raise RawDataError(name, f"every rule in {field!r} needs an 'id'", column=field)

            def bad(message: str, key: str) -> RawDataError:
                return RawDataError(name, f"rule {rid!r}: {message}", column=key)

            if rid in seen:
                raise bad("the id is used twice", "id")
            seen.add(rid)
            unknown = set(entry) - _RULE_KEYS
            if unknown:
                raise bad(f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}", sorted(unknown)[0])
            if entry.get("value") not in allowed:
                raise bad(f"value {entry.get('value')!r}; expected one of {', '.join(allowed)}", "value")
            if not str(entry.get("reasoning") or "").strip():
                raise bad("needs 'reasoning': why the cited passage supports the rule", "reasoning")
            seq = {k: tuple(str(x) for x in entry[k]) if entry.get(k) is not None else None
                   for k in ("indicators", "periods", "raw_files", "source_ids", "words")}
            _check_matching(entry, seq, bad, raw_dir, prov)
            _check_grounds(field, entry, seq, bad, raw_dir, prov)
            rules.append(Rule(
                id=rid, field=field, value=str(entry["value"]),
                region_code=None if entry.get("region_code") is None else str(entry["region_code"]),
                indicators=seq["indicators"], first_year=entry.get("first_year"), last_year=entry.get("last_year"),
                periods=seq["periods"], raw_files=seq["raw_files"], source_ids=seq["source_ids"], words=seq["words"],
                file=entry.get("file"), quote=None if entry.get("quote") is None else str(entry["quote"]),
                reasoning=_squash(str(entry["reasoning"]))))
    return rules


def raw_row_texts(observations: pd.DataFrame, root: str | Path = paths.ROOT) -> dict[tuple[str, int], str]:
    """``(raw_file, raw_row) → the words of that raw row`` (every cell joined), for the files cited.

    ``raw_file`` is as in the observations table (relative to ``root``); rows are read with
    :func:`analysis.files.read_csv_rows`, so line numbers agree with ``raw_row``.
    """
    columns = {**{p.name: records.BULLETIN_COLUMNS for p in paths.BULLETINS},
               paths.PLAN_OBSERVATIONS.name: records.PLAN_COLUMNS}
    out: dict[tuple[str, int], str] = {}
    for raw_file in sorted(set(observations["raw_file"])):
        if Path(raw_file).name not in columns:
            continue
        for line, row in read_csv_rows(Path(root) / raw_file, columns[Path(raw_file).name]):
            out[(raw_file, line)] = " ".join(str(v) for v in row.values())
    return out


def annotate(observations: pd.DataFrame, rules: list[Rule], row_texts: dict[tuple[str, int], str] | None = None) -> pd.DataFrame:
    """The observations with :data:`TRUST_COLUMNS` filled from ``rules`` (and the raw rows' words).

    ``row_texts`` (:func:`raw_row_texts`) supplies the printed words that ``release_stage`` rules
    look for. Unmatched rows are ``not_stated`` with an empty rule id. Two rules giving one row
    different values raise :class:`RawDataError` naming both rules and the row.
    """
    row_texts = row_texts or {}
    out = observations.copy()
    for field, (column, _) in FIELDS.items():
        values, ids = [], []
        for r in out.itertuples(index=False):
            text = row_texts.get((r.raw_file, int(r.raw_row)), "")
            hits = [rule for rule in rules if rule.field == field and rule.applies(
                r.region_code, r.indicator_id, int(r.year), r.period, r.raw_file, r.source_id, text)]
            if len({h.value for h in hits}) > 1:
                raise RawDataError(paths.relative(RULES_FILE), f"rules {', '.join(h.id for h in hits)} give "
                                   f"{r.obs_id} ({r.raw_file}, line {r.raw_row}) different {field} values "
                                   f"({', '.join(h.value for h in hits)}); make them agree", column=field)
            values.append(hits[0].value if hits else "not_stated")
            ids.append(" + ".join(h.id for h in hits))
        out[column], out[f"{column}_rule"] = values, ids
    return out
