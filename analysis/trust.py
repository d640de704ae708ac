"""How far to trust each conclusion: the points it rests on, their caveats, and a sensitivity
check that recomputes every status and scenario without the weakest points.

The observations carry ``vintage``, ``release_stage`` and ``coverage_xpcc6`` columns set by the
rules of ``data/raw/observation_rules.yml`` (:mod:`analysis.observation_rules`); the words shown
beside a conclusion are built from what this module returns by :mod:`analysis.trust_words`.

1. **What a conclusion rests on** (:func:`status_points`, :func:`series_points`): the observation
   rows (and the plan's stated baseline) behind a scoreboard status or a scenario trend, so their
   weakest quality (:func:`weakest_quality`) and their caveats (:func:`caveats`: a vintage break,
   vintages or coverages that differ or are not stated, partial periods left out, preliminary
   figures) can be shown beside the result.
2. **Sensitivity** (:func:`robustness`): each status (:func:`analysis.scoreboard.evaluate_targets`)
   and each scenario (:func:`analysis.scenarios.build_scenarios`, with the parameters recorded in
   its ``scenario_summary_*.csv``) recomputed on the variants of :data:`VARIANTS` — (a) official
   and official-reprint points only (:func:`variant_observations`), (b) without pre-revision
   points. A change of status, of the trend rate by more than :data:`TREND_RATE_TOLERANCE` or of
   the probability of reaching the target by more than :data:`PROBABILITY_TOLERANCE` is flagged;
   a variant with too few points says so (its row is kept).
3. **Trust counts** (:func:`trust_counts`): how many judged targets rest, at worst, on official
   figures, reprints, media or encyclopedia/blog pages.

Rates are fractions (0.091), probabilities fractions (0.59).
"""
from __future__ import annotations

import math

import pandas as pd

from analysis import catalogue, paths, provenance, scenarios, scoreboard
from analysis.observation_rules import Rule

__all__ = [
    "VARIANTS", "QUALITY_ORDER", "TREND_RATE_TOLERANCE", "PROBABILITY_TOLERANCE", "POINT_COLUMNS", "CAVEAT_COLUMNS",
    "ROBUSTNESS_COLUMNS", "weakest_quality", "variant_observations", "status_points", "series_points", "series_breaks", "caveats",
    "robustness", "trust_counts",
]

#: best first (provenance.QUALITY_FLAGS); the plan's own baseline counts as official
QUALITY_ORDER = tuple(provenance.QUALITY_FLAGS)
PLAN_SOURCE_ID = provenance.PLAN_SOURCE_ID
#: the sensitivity variants: name → what is left out
VARIANTS = ("official", "post_census")
#: a variant's trend rate differing by more than this (1 percentage point a year) is flagged
TREND_RATE_TOLERANCE = 0.01
#: a variant's probability of reaching the target differing by more than this (10 points) is flagged
PROBABILITY_TOLERANCE = 0.10


# --------------------------------------------------------------------------- quality and variants
def weakest_quality(qualities) -> str | None:
    """The weakest flag among ``qualities`` (strings, ``"a + b"`` joins allowed); None if none.

    >>> weakest_quality(["official", "encyclopedia_blog + media"])
    'encyclopedia_blog'
    """
    flat = [q for v in qualities for q in scoreboard.split_combined(v)]
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
            raise ValueError("observations lack the 'vintage' column: annotate them first (observation_rules.annotate)")
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
    used_sources = set(scoreboard.split_combined(row.get("source_id")))
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


def _vintages(points: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Masks of the points from before, after and not stated relative to the 2018 census revision."""
    v = points["vintage"]
    return v == "pre_2018_census", v == "post_2018_census", v == "not_stated"


def _coverages(points: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Masks of the points that include, exclude and do not say whether they include the XPCC 6th Division."""
    c = points["coverage_xpcc6"]
    return c == "yes", c == "no", c == "not_stated"


def series_breaks(observations: pd.DataFrame, region_code: str, indicator_id: str) -> dict[str, list[int]]:
    """The years a chart of one annual series marks where its basis changes (the observation rules'
    ``vintage`` and ``coverage_xpcc6``, as :func:`caveats` reads them).

    ``pre_census``: the figures from before the 2018 economic-census revision, when the series also
    has revised ones (a vintage break); ``xpcc``: the figures that include the XPCC 6th Division
    (五家渠市), when other figures of the series exclude it or do not say. A list is empty when the
    series does not change that basis or nothing is stated; a "not stated" figure is never marked.
    """
    points = series_points(observations, region_code, indicator_id)
    pre, post, _ = _vintages(points)
    yes, no, c_unknown = _coverages(points)

    def years(mask) -> list[int]:
        return sorted({int(y) for y in points.loc[mask, "year"]})
    return {"pre_census": years(pre) if pre.any() and post.any() else [],
            "xpcc": years(yes) if yes.any() and (no | c_unknown).any() else []}


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
      page names the periods);
    - ``sources_differ``: in one year, the parts of a recomputed share (numerator and GDP) come
      from different pages, which may not share a revision or coverage (``years``).
    """
    out: list[dict] = []
    if points.empty:
        return out
    pre, post, unknown = _vintages(points)
    if pre.any() and post.any():
        out.append({"caveat": "vintage_break", "years": _years(points, pre), "detail": _years(points, post)})
    if (pre.any() or post.any()) and unknown.any():
        out.append({"caveat": "vintage_not_stated", "years": _years(points, unknown), "detail": ""})
    yes, no, c_unknown = _coverages(points)
    if yes.any() and no.any():
        out.append({"caveat": "coverage_differs", "years": _years(points, yes), "detail": _years(points, no)})
    elif (yes.any() or no.any()) and c_unknown.any():
        out.append({"caveat": "coverage_not_stated", "years": _years(points, c_unknown),
                    "detail": _years(points, yes | no)})
    mixed = [y for y, g in points.groupby("year") if g["indicator_id"].nunique() > 1 and g["source_id"].nunique() > 1]
    if mixed:
        out.append({"caveat": "sources_differ", "years": _years(points, points["year"].isin(mixed)), "detail": ""})
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
