"""How far to trust each conclusion: vintage, coverage and source quality as data, and a
sensitivity check that recomputes every status and scenario without the weakest points.

1. **Vintage and coverage as columns** (:func:`annotate`). Each observation gets
   ``vintage`` (``pre_2018_census`` / ``post_2018_census`` / ``not_stated``: before or after the
   2018 economic-census revision of the national accounts), ``release_stage``
   (``preliminary_accounting`` 初步核算 / ``final_verification`` 最终核实 / ``not_stated``, from the
   words on the row's own page) and ``coverage_xpcc6`` (``yes`` / ``no`` / ``not_stated``: does the
   figure include the XPCC 6th Division / 五家渠市), plus the id of the rule that set each. The
   rules are ``data/raw/observation_rules.yml``; every rule cites a file in ``data/raw/`` and an
   exact quote from it, checked by :func:`load_rules`. Nothing no rule covers is assumed.
2. **What a conclusion rests on** (:func:`status_points`, :func:`series_points`): the observation
   rows (and the plan's stated baseline) behind a scoreboard status or a scenario trend, so their
   weakest quality (:func:`weakest_quality`) and their caveats (:func:`caveats`: a vintage break,
   vintages or coverages that differ or are not stated, partial periods left out, preliminary
   figures) can be shown beside the result.
3. **Sensitivity** (:func:`robustness`): each status (:func:`analysis.scoreboard.evaluate_targets`)
   and each scenario (:func:`analysis.scenarios.build_scenarios`, with the parameters recorded in
   its ``scenario_summary_*.csv``) recomputed on the variants of :data:`VARIANTS` — (a) official
   and official-reprint points only, (b) without pre-revision points. A change of status, of the
   trend rate by more than :data:`TREND_RATE_TOLERANCE` or of the probability of reaching the
   target by more than :data:`PROBABILITY_TOLERANCE` is flagged; a variant with too few points
   says so (its row is kept).
4. **Trust line** (:func:`trust_counts`): how many judged targets rest, at worst, on official
   figures, reprints, media or encyclopedia/blog pages.

Words are never built here: functions return messages (a key of ``analysis/messages/trust.yml``
and its parameters) that :func:`analysis.words.render` turns into the report's language.
Rates are fractions (0.091), probabilities fractions (0.59).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import catalogue, paths, progress, provenance, records, scenarios, scoreboard, words
from analysis.errors import RawDataError
from analysis.files import read_csv_rows, read_utf8_text
from analysis.yaml_files import load_yaml

__all__ = [
    "RULES_FILE", "VINTAGES", "RELEASE_STAGES", "COVERAGES", "TRUST_COLUMNS", "VARIANTS", "QUALITY_ORDER",
    "TREND_RATE_TOLERANCE", "PROBABILITY_TOLERANCE", "ROBUSTNESS_COLUMNS", "CAVEAT_COLUMNS", "Rule",
    "load_rules", "annotate", "raw_row_texts", "weakest_quality", "variant_observations", "status_points",
    "series_points", "caveats", "robustness", "trust_counts", "caveat_messages", "sensitivity_messages",
    "quality_message", "describe", "trust_line",
]

RULES_FILE = paths.DATA_RAW / "observation_rules.yml"
VINTAGES = ("pre_2018_census", "post_2018_census", "not_stated")
RELEASE_STAGES = ("preliminary_accounting", "final_verification", "not_stated")
COVERAGES = ("yes", "no", "not_stated")
#: rule field → (column of the observations table, allowed values)
FIELDS = {"vintage": ("vintage", VINTAGES), "coverage_xpcc6": ("coverage_xpcc6", COVERAGES),
          "release_stage": ("release_stage", RELEASE_STAGES)}
TRUST_COLUMNS = ["vintage", "vintage_rule", "release_stage", "release_stage_rule", "coverage_xpcc6", "coverage_xpcc6_rule"]
#: best first (provenance.QUALITY_FLAGS); the plan's own baseline counts as official
QUALITY_ORDER = tuple(provenance.QUALITY_FLAGS)
PLAN_SOURCE_ID = provenance.PLAN_SOURCE_ID
#: the sensitivity variants: name → what is left out
VARIANTS = ("official", "post_census")
#: a variant's trend rate differing by more than this (1 percentage point a year) is flagged
TREND_RATE_TOLERANCE = 0.01
#: a variant's probability of reaching the target differing by more than this (10 points) is flagged
PROBABILITY_TOLERANCE = 0.10

_MATCH_KEYS = ("region_code", "indicators", "first_year", "last_year", "periods", "raw_files", "source_ids")
_RULE_KEYS = {"id", "value", "file", "quote", "reasoning", "words", *_MATCH_KEYS}


# --------------------------------------------------------------------------- rules
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
    indicators = catalogue.catalogue()["indicators"]
    regions = catalogue.catalogue()["regions"]
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
            if field == "release_stage":
                if not seq["words"]:
                    raise bad("a release_stage rule matches words printed on the row: give 'words'", "words")
            else:
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


# --------------------------------------------------------------------------- quality and variants
def _qualities(value) -> list[str]:
    if not isinstance(value, str):
        return []
    return [q.strip() for q in value.split("+") if q.strip()]


def weakest_quality(qualities) -> str | None:
    """The weakest flag among ``qualities`` (strings, ``"a + b"`` joins allowed); None if none.

    >>> weakest_quality(["official", "encyclopedia_blog + media"])
    'encyclopedia_blog'
    """
    flat = [q for v in qualities for q in _qualities(v)]
    unknown = [q for q in flat if q not in QUALITY_ORDER]
    if unknown:
        raise ValueError(f"unknown quality flag {unknown[0]!r}; expected one of {', '.join(QUALITY_ORDER)}")
    return max(flat, key=QUALITY_ORDER.index) if flat else None


_GROUP = ["region_code", "indicator_id", "year", "period", "period_note"]
_STATUS_RANK = {"final": 0, "revised": 0, "preliminary_estimate": 1}
_QUALIFIER_RANK = {"exact": 0, "approximate": 1, "lower_bound": 2}


def variant_observations(observations: pd.DataFrame, variant: str) -> pd.DataFrame:
    """The observations a sensitivity variant may use.

    ``official``: rows whose own source is ``official`` or ``official_reprint``; ``post_census``:
    rows not marked ``pre_2018_census``. Where the selected row of a (region, indicator, year,
    period) is left out and another row remains, the remaining row that the selection rule
    ranks first by the columns the table carries (a value before growth-only, not a 预计数,
    better quality, a revised figure, exact before approximate, then file order) is selected
    instead, and its ``selection_note`` says so.
    """
    if variant == "official":
        keep = observations["quality"].isin(("official", "official_reprint"))
    elif variant == "post_census":
        if "vintage" not in observations:
            raise ValueError("observations lack the 'vintage' column: annotate them first (trust.annotate)")
        keep = observations["vintage"] != "pre_2018_census"
    else:
        raise ValueError(f"variant {variant!r}: expected one of {', '.join(VARIANTS)}")
    kept = observations[keep].copy()
    kept["selected"] = kept["selected"].astype(bool)
    orphans = kept.groupby(_GROUP, dropna=False)["selected"].transform("sum") == 0
    for _, group in kept[orphans].groupby(_GROUP, dropna=False):
        best = min(group.itertuples(), key=lambda r: (
            0 if r.value == r.value else 1, _STATUS_RANK.get(r.status, 2), QUALITY_ORDER.index(r.quality),
            0 if r.status == "revised" else 1, _QUALIFIER_RANK.get(r.qualifier, 3), r.raw_file, r.raw_row))
        kept.loc[best.Index, "selected"] = True
        kept.loc[best.Index, "selection_note"] = f"selected in the {variant} variant: the row selected on all data is left out"
    return kept


# --------------------------------------------------------------------------- what a conclusion rests on
POINT_COLUMNS = ["part", "indicator_id", "year", "period", "source_id", "quality", "vintage", "release_stage",
                 "coverage_xpcc6", "status"]


def _annual(observations: pd.DataFrame, region_code: str, indicator_ids) -> pd.DataFrame:
    usable = scoreboard.usable_observations(observations, region_code)
    return usable[usable["indicator_id"].isin(list(indicator_ids))]


def _plan_baseline_point(row: pd.Series, rules: list[Rule], region_code: str) -> dict:
    """The plan's stated base-year value as a point: the plan's own source and the rules' vintage."""
    point = {"part": "baseline", "indicator_id": row["indicator_id"], "year": int(row["base_year"]), "period": "full_year",
             "source_id": PLAN_SOURCE_ID, "quality": "official", "release_stage": "not_stated", "status": "final"}
    for field in ("vintage", "coverage_xpcc6"):
        hits = [r for r in rules if r.field == field and r.applies(region_code, row["indicator_id"], int(row["base_year"]),
                                                                 "full_year", paths.PLAN_TEXT.name, PLAN_SOURCE_ID)]
        point[field] = hits[0].value if hits else "not_stated"
    return point


def status_points(row: pd.Series, observations: pd.DataFrame, rules: list[Rule],
                  region_code: str = catalogue.SUBJECT_REGION) -> pd.DataFrame:
    """The points a scoreboard row's status rests on (:data:`POINT_COLUMNS`).

    ``row`` is a row of :func:`analysis.scoreboard.evaluate_targets`. The latest value (or every
    year summed, for cumulative and five-year-total readings; the numerator and GDP, for a share
    recomputed from them) and the base-year value: the plan's stated one (official) or the
    observed one, as ``baseline_origin`` says. Empty for a target without data.
    """
    if pd.isna(row.get("actual_year")):
        return pd.DataFrame(columns=POINT_COLUMNS)
    b, last = int(row["base_year"]), int(row["actual_year"])
    ids = [row["indicator_id"]]
    if row["kind"] == "share_of_gdp":
        ids += [i for i in (row.get("numerator_id"), "gdp") if isinstance(i, str)]
    cumulative = row.get("method") == "cumulative_count" or not pd.isna(row.get("alt_achieved_share"))
    years = range(b + 1, last + 1) if cumulative else [last]
    used_sources = set(s.strip() for s in str(row.get("source_id") or "").split("+"))
    annual = _annual(observations, region_code, ids)
    actual = annual[annual["year"].isin(list(years)) & annual["source_id"].isin(used_sources)].assign(part="actual")
    if row["kind"] == "share_of_gdp":  # a share computed from numerator / GDP, or the published share
        computed = actual[actual["indicator_id"] != row["indicator_id"]]
        actual = computed if len(computed) else actual
    else:
        actual = actual[actual["indicator_id"] == row["indicator_id"]]
    parts = [actual.reindex(columns=POINT_COLUMNS)]
    if row.get("baseline_origin") == "plan text":
        parts.append(pd.DataFrame([_plan_baseline_point(row, rules, region_code)], columns=POINT_COLUMNS))
    elif row.get("baseline_origin") == "observations":
        base = annual[(annual["year"] == b) & (annual["indicator_id"] == row["indicator_id"])].assign(part="baseline")
        parts.append(base.reindex(columns=POINT_COLUMNS))
    return pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) \
        else pd.DataFrame(columns=POINT_COLUMNS)


def series_points(observations: pd.DataFrame, region_code: str, indicator_id: str) -> pd.DataFrame:
    """The points a scenario's trend rests on: the selected full-year values of the series."""
    return _annual(observations, region_code, [indicator_id]).sort_values("year").assign(part="trend").reindex(columns=POINT_COLUMNS)


CAVEAT_COLUMNS = ["target_id", "part", "caveat", "years", "detail"]


def _years(points: pd.DataFrame, mask) -> str:
    return ",".join(str(y) for y in sorted(set(int(y) for y in points.loc[mask, "year"])))


def caveats(points: pd.DataFrame, observations: pd.DataFrame, region_code: str, evaluation_year: int) -> list[dict]:
    """The caveats that apply to a set of points (one dict per caveat: ``caveat``, ``years``, ``detail``).

    - ``vintage_break``: points from before and after the 2018 census revision (``years``: the
      pre-revision ones; ``detail``: the post-revision ones);
    - ``vintage_not_stated``: some points have a known vintage, these do not;
    - ``coverage_differs``: some points include the XPCC 6th Division, others do not;
    - ``coverage_not_stated``: some points are known to include (or exclude) it (``detail``), these
      (``years``) do not say;
    - ``preliminary``: a point is a 预计数 (estimate) or printed as 初步核算;
    - ``partial_excluded``: partial-period figures of the same indicators, from the first point's
      year up to ``evaluation_year``, exist and were not used (``years``; ``detail``: how the
      page names the periods).
    """
    out: list[dict] = []
    if points.empty:
        return out
    v, c = points["vintage"], points["coverage_xpcc6"]
    pre, post, unknown = v == "pre_2018_census", v == "post_2018_census", v == "not_stated"
    if pre.any() and post.any():
        out.append({"caveat": "vintage_break", "years": _years(points, pre), "detail": _years(points, post)})
    if (pre.any() or post.any()) and unknown.any():
        out.append({"caveat": "vintage_not_stated", "years": _years(points, unknown), "detail": ""})
    yes, no, c_unknown = c == "yes", c == "no", c == "not_stated"
    if yes.any() and no.any():
        out.append({"caveat": "coverage_differs", "years": _years(points, yes), "detail": _years(points, no)})
    elif (yes.any() or no.any()) and c_unknown.any():
        out.append({"caveat": "coverage_not_stated", "years": _years(points, c_unknown),
                    "detail": _years(points, yes | no)})
    prelim = (points["status"] == "preliminary_estimate") | (points["release_stage"] == "preliminary_accounting")
    if prelim.any():
        out.append({"caveat": "preliminary", "years": _years(points, prelim), "detail": ""})
    obs = observations
    partial = obs[(obs["region_code"].astype(str) == str(region_code)) & obs["indicator_id"].isin(set(points["indicator_id"]))
                  & (obs["period"] == "partial") & (obs["year"].astype(int) <= evaluation_year)
                  & (obs["year"].astype(int) >= int(points["year"].min()))]
    if len(partial):
        notes = sorted(set(str(n) for n in partial["period_note"] if isinstance(n, str) and n))
        out.append({"caveat": "partial_excluded", "years": _years(partial, partial.index == partial.index),
                    "detail": " / ".join(notes)})
    return out


# --------------------------------------------------------------------------- sensitivity
ROBUSTNESS_COLUMNS = [
    "target_id", "indicator_id", "kind", "scenario_id", "weakest_quality", "weakest_quality_status", "weakest_quality_trend",
    "status", "status_official", "status_post_census",
    "n_points", "n_points_official", "n_points_post_census",
    "trend_rate", "trend_rate_official", "trend_rate_post_census",
    "probability", "probability_official", "probability_post_census",
    "changes_official", "changes_post_census", "too_few", "too_few_official", "too_few_post_census",
]


def _scenario_summary(series: pd.DataFrame, s: pd.Series) -> dict:
    """:func:`analysis.scenarios.build_scenarios` on ``series`` with the parameters recorded in summary ``s``."""
    rate = None if pd.isna(s["stated_rate"]) else float(s["stated_rate"])
    target = None if pd.isna(s["target"]) else float(s["target"])
    _, summary = scenarios.build_scenarios(
        series[["year", "value"]], unit=s["unit"], target=target, target_year=int(s["target_year"]), stated_rate=rate,
        base_year=int(s["base_year"]), covid=s["covid"], seed=int(s["seed"]), stress_shock=float(s["stress_shock"]))
    return summary


def _changes(full: dict, var: dict) -> list[str]:
    """What differs between the full result and a variant's, past the tolerances."""
    out = []
    if full["status"] != var["status"] and not (pd.isna(full["status"]) and pd.isna(var["status"])):
        out.append("status_unjudged" if var["status"] == "no_data" else "status")
    for key, tol in (("trend_rate", TREND_RATE_TOLERANCE), ("probability", PROBABILITY_TOLERANCE)):
        a, b = full[key], var[key]
        if pd.isna(a) and pd.isna(b):
            continue
        if pd.isna(a) != pd.isna(b):
            out.append(f"{key}_missing" if pd.isna(b) else key)
        elif abs(a - b) > tol + 1e-12:
            out.append(key)
    return out


def robustness(plan_targets: pd.DataFrame, observations: pd.DataFrame, scenario_summaries: dict[str, pd.Series],
               evaluation_year: int, thresholds: dict, rules: list[Rule],
               region_code: str = catalogue.SUBJECT_REGION) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(robustness, caveats)``: every target's status and its scenario, on all data and per variant.

    ``observations`` carry :data:`TRUST_COLUMNS` (:func:`annotate`); ``scenario_summaries`` maps
    an indicator id to its ``scenario_summary_*.csv`` row (the scenario is rerun with exactly
    those parameters; it belongs to the 表 2 level target of that indicator). One robustness row
    per target (:data:`ROBUSTNESS_COLUMNS`), none dropped: ``n_points_*`` and ``too_few_*`` say
    when a variant has fewer than 2 points to fit a trend. ``changes_*`` lists what changed past
    the tolerances (``status``, ``status_unjudged`` when the variant cannot judge, ``trend_rate``,
    ``trend_rate_missing``, ``probability``, ``probability_missing``), ``;``-separated. The caveats
    table (:data:`CAVEAT_COLUMNS`) has one row per caveat and part (``status`` or ``trend``).
    """
    tables = {"all": observations, **{v: variant_observations(observations, v) for v in VARIANTS}}
    evaluated = {k: scoreboard.evaluate_targets(plan_targets, o, evaluation_year, thresholds, region_code).set_index("target_id")
                 for k, o in tables.items()}
    by_target = {}
    for ind in scenario_summaries:
        level = plan_targets[(plan_targets["indicator_id"] == ind) & (plan_targets["kind"] == "level")]
        if len(level):
            by_target[int(level["target_id"].iloc[0])] = ind
    targets = plan_targets.set_index("target_id")
    rows, cav_rows = [], []
    for tid, ev in evaluated["all"].iterrows():
        tid = int(tid)
        t = pd.concat([targets.loc[tid], ev[~ev.index.isin(targets.columns)]])
        t["target_id"] = tid
        pts_status = status_points(t, observations, rules, region_code)
        ind = by_target.get(tid)
        pts_trend = series_points(observations, region_code, ind) if ind else pd.DataFrame(columns=POINT_COLUMNS)
        results = {}
        for k, o in tables.items():
            res = {"status": evaluated[k].loc[tid, "status"], "n_points": math.nan, "trend_rate": math.nan, "probability": math.nan}
            if ind:
                series = series_points(o, region_code, ind)
                annual = _annual(o, region_code, [ind])[["year", "value"]].sort_values("year")
                summ = _scenario_summary(annual, scenario_summaries[ind])
                res.update(n_points=len(series), trend_rate=summ["trend_rate"], probability=summ["probability_of_target"])
            results[k] = res
        full = results["all"]
        row = {"target_id": tid, "indicator_id": ev["indicator_id"], "kind": ev["kind"], "scenario_id": ind or "",
               "weakest_quality": weakest_quality(list(pts_status["quality"]) + list(pts_trend["quality"])),
               "weakest_quality_status": weakest_quality(pts_status["quality"]),
               "weakest_quality_trend": weakest_quality(pts_trend["quality"]),
               "status": full["status"], "n_points": full["n_points"], "trend_rate": full["trend_rate"],
               "probability": full["probability"], "too_few": bool(ind) and full["n_points"] < 2}
        for v in VARIANTS:
            r = results[v]
            row.update({f"status_{v}": r["status"], f"n_points_{v}": r["n_points"], f"trend_rate_{v}": r["trend_rate"],
                        f"probability_{v}": r["probability"], f"changes_{v}": ";".join(_changes(full, r)),
                        f"too_few_{v}": bool(ind) and r["n_points"] < 2})
        rows.append(row)
        for part, pts in (("status", pts_status), ("trend", pts_trend)):
            for c in caveats(pts, observations, region_code, evaluation_year):
                cav_rows.append({"target_id": tid, "part": part, **c})
    table = pd.DataFrame(rows, columns=ROBUSTNESS_COLUMNS)
    for col in ("n_points", "n_points_official", "n_points_post_census"):
        table[col] = table[col].astype("Int64")
    return table, pd.DataFrame(cav_rows, columns=CAVEAT_COLUMNS)


def trust_counts(robust: pd.DataFrame) -> dict[str, int]:
    """Judged targets (status other than no data) by the weakest quality their status rests on."""
    judged = robust[robust["status"] != "no_data"]
    counts = judged["weakest_quality_status"].value_counts()
    return {q: int(counts.get(q, 0)) for q in QUALITY_ORDER}


# --------------------------------------------------------------------------- messages (rendered by analysis.words)
def quality_message(quality: str | None) -> str:
    """The message key naming a quality flag (``trust.quality.<flag>``; none: ``trust.quality.none``)."""
    return f"trust.quality.{quality}" if quality in QUALITY_ORDER else "trust.quality.none"


def caveat_messages(caveat_rows: pd.DataFrame) -> list[tuple[str, tuple[str, dict]]]:
    """``[(part, (trust.caveat.<caveat>, {years, detail})), …]`` for caveat rows of one target."""
    out = []
    for r in caveat_rows.itertuples(index=False):
        params = {k: ("" if pd.isna(getattr(r, k)) else str(getattr(r, k))) for k in ("years", "detail")}
        out.append((r.part, (f"trust.caveat.{r.caveat}", params)))
    return out


def sensitivity_messages(row: pd.Series) -> list[tuple[str, str, dict]]:
    """``[(variant, key, params), …]``: what each variant changes for one robustness row.

    ``params`` hold raw values (status keys, fractions); :func:`describe` formats them. Per
    variant the status comes first. Too few points to fit a trend is said once — for all data
    (variant ``all``) when even all data have too few, else for the variant — instead of
    listing the trend and probability that could not be computed.
    """
    out = []
    too_few_all = str(row.get("too_few")) == "True"
    if too_few_all:
        out.append(("all", "trust.sensitivity.too_few_all", {"n": int(row["n_points"])}))
    for v in VARIANTS:
        too_few = str(row.get(f"too_few_{v}")) == "True"
        params = {"status": row["status"], "variant_status": row[f"status_{v}"], "rate": row["trend_rate"],
                  "variant_rate": row[f"trend_rate_{v}"], "probability": row["probability"],
                  "variant_probability": row[f"probability_{v}"]}
        changes = row.get(f"changes_{v}")
        changes = changes.split(";") if isinstance(changes, str) and changes else []
        out += [(v, f"trust.sensitivity.{c}", params) for c in changes if c.startswith("status")]
        if too_few and not (too_few_all and row[f"n_points_{v}"] == row["n_points"]):
            out.append((v, "trust.sensitivity.too_few", {"n": int(row[f"n_points_{v}"])}))
        out += [(v, f"trust.sensitivity.{c}", params) for c in changes
                if not c.startswith("status") and not (too_few and c.endswith("_missing"))]
    return out


def _status_label(key, language: str) -> str:
    labels = progress.STATUS_ZH if language == "zh" else progress.STATUS_EN
    return labels.get(key, words.text("missing_value", language))


def _quality_and_caveats(weakest: str | None, caveat_rows: pd.DataFrame, language: str) -> tuple[str, list[str]]:
    """“weakest source: …” and one “part: caveat” text per caveat row, in ``language``."""
    t = lambda key, **p: words.text(key, language, **p)  # noqa: E731

    def years(text: str) -> str:
        return t("trust.year_separator").join(y for y in text.split(",") if y)

    quality = t("trust.rests_on", quality=t(quality_message(weakest if isinstance(weakest, str) else None)))
    cav, parts_of = [], {}
    for part, (key, params) in caveat_messages(caveat_rows):
        params = {k: years(v) if v and v.replace(",", "").isdigit() else v for k, v in params.items()}
        text = t(key, **params)
        parts_of.setdefault(text, []).append(part)
    for text, parts in parts_of.items():  # a caveat of both the status and the trend is said once
        cav.append(text if len(set(parts)) > 1 else t("trust.with_part", part=t(f"trust.part.{parts[0]}"), text=text))
    return quality, cav


def describe(row: pd.Series, caveat_rows: pd.DataFrame, language: str) -> dict[str, str]:
    """The words shown beside one target's status or projection, in ``language``.

    ``quality`` (the weakest source it rests on), ``caveats`` (each with its part: status or
    trend), ``sensitivity`` (what the variants change, or that nothing does).
    """
    from analysis.report import fmt_pct

    t = lambda key, **p: words.text(key, language, **p)  # noqa: E731
    sep = t("trust.list_separator")
    quality, cav = _quality_and_caveats(row.get("weakest_quality"), caveat_rows, language)
    sens = []
    for variant, key, params in sensitivity_messages(row):
        shown = dict(params)
        if variant in VARIANTS:
            shown["variant"] = t(f"trust.variant.{variant}")
        for k in ("status", "variant_status"):
            if k in shown:
                shown[k] = _status_label(shown[k], language)
        for k in ("rate", "variant_rate"):
            if k in shown:
                shown[k] = fmt_pct(float(shown[k]))
        for k in ("probability", "variant_probability"):
            if k in shown:
                shown[k] = fmt_pct(float(shown[k]), 0)
        sens.append(t(key, **shown))
    nothing_judged = all(row.get(c) == "no_data" for c in ("status", "status_official", "status_post_census")) \
        and not (isinstance(row.get("scenario_id"), str) and row.get("scenario_id"))
    if sens:
        sensitivity = sep.join(sens)
    else:
        sensitivity = t("missing_value") if nothing_judged else t("trust.sensitivity.unchanged")
    return {"quality": quality, "caveats": sep.join(cav), "sensitivity": sensitivity}


def trust_line(robust: pd.DataFrame, language: str) -> str:
    """The summary's trust line: judged targets by the weakest quality of their status."""
    counts = trust_counts(robust)
    return words.text("trust.summary_line", language, judged=sum(counts.values()), **counts)


def target_words(robust: pd.DataFrame, caveat_rows: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per target (index ``target_id``): ``quality``, ``caveats``, ``sensitivity`` in ``language``
    (:func:`describe` of every robustness row), and ``summary``, the three in one text to put
    beside a status or projection (``missing_value`` for a target that rests on nothing)."""
    missing = words.text("missing_value", language)
    sep = words.text("trust.list_separator", language)
    rows = {}
    for _, r in robust.iterrows():
        d = describe(r, caveat_rows[caveat_rows["target_id"] == r["target_id"]], language)
        rests = isinstance(r.get("weakest_quality"), str)
        parts = [d["quality"] if rests else "", d["caveats"], d["sensitivity"] if d["sensitivity"] != missing else ""]
        rows[int(r["target_id"])] = {**d, "summary": sep.join(p for p in parts if p) or missing}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["quality", "caveats", "sensitivity", "summary"]).rename_axis("target_id")


def series_caveat_text(observations: pd.DataFrame, region_code: str, indicator_id: str, evaluation_year: int,
                       language: str) -> str:
    """The caveats of one annual series (its weakest source first), in ``language``, for a
    notebook or a caption that uses the series; ``missing_value`` when the series is empty."""
    pts = series_points(observations, region_code, indicator_id)
    if pts.empty:
        return words.text("missing_value", language)
    rows = pd.DataFrame([{"target_id": 0, "part": "trend", **c} for c in caveats(pts, observations, region_code, evaluation_year)],
                        columns=CAVEAT_COLUMNS)
    quality, cav = _quality_and_caveats(weakest_quality(pts["quality"]), rows, language)
    return words.text("trust.list_separator", language).join([quality, *cav])


def robustness_display(robust: pd.DataFrame, caveat_rows: pd.DataFrame, progress: pd.DataFrame, language: str) -> pd.DataFrame:
    """The robustness table as the report shows it, headers and cells in ``language``.

    One row per target (none dropped): target, weakest source, status / trend points / trend rate /
    probability of reaching the target each as ``all / official only / without pre-revision``,
    caveats and what the variants change. ``progress`` is ``target_progress.csv`` (for names).
    """
    from analysis.report import fmt_pct

    t = lambda key, **p: words.text(key, language, **p)  # noqa: E731
    dash = t("missing_value")
    names = progress.set_index("target_id")["indicator_zh" if language == "zh" else "indicator_en"]
    described = target_words(robust, caveat_rows, language)

    def triple(r, column, fmt):
        return t("trust.triple", **{k: fmt(r[c]) for k, c in (("all", column), ("official", f"{column}_official"),
                                                               ("post_census", f"{column}_post_census"))})

    def count(v):
        return dash if pd.isna(v) else str(int(v))

    rows = []
    for _, r in robust.iterrows():
        tid = int(r["target_id"])
        has_trend = bool(r["scenario_id"]) and isinstance(r["scenario_id"], str)
        rows.append({
            t("trust.column.target"): f"{tid}. {names.get(tid, r['indicator_id'])}",
            t("trust.column.quality"): t(quality_message(r["weakest_quality"] if isinstance(r["weakest_quality"], str) else None)),
            t("trust.column.status"): triple(r, "status", lambda v: _status_label(v, language)),
            t("trust.column.points"): triple(r, "n_points", count) if has_trend else dash,
            t("trust.column.trend_rate"): triple(r, "trend_rate", fmt_pct) if has_trend else dash,
            t("trust.column.probability"): triple(r, "probability", lambda v: fmt_pct(v, 0)) if has_trend else dash,
            t("trust.column.caveats"): described.loc[tid, "caveats"] or dash,
            t("trust.column.sensitivity"): described.loc[tid, "sensitivity"],
        })
    return pd.DataFrame(rows)
