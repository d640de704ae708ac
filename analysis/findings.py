"""What the evaluation found, as data: the facts the 存在的主要问题 and 对策建议 sections rest on.

:func:`build_findings` reads the pipeline's tables (a :class:`~analysis.report_data.ReportData`)
and returns one :class:`Finding` per kind of problem that is present — a target behind schedule,
a recent pace below the pace its target requires, a judgment resting on figures whose coverage or
source differs from the baseline's, a plan statement that contradicts itself or can be read two
ways, targets without data, judgments resting only on unverified pages. Each finding lists its
items (target ids, indicators, audit checks) with the raw values they rest on (fractions, values
in the indicator's unit). The report says each finding once as a problem and once as a
recommendation (catalogue keys ``problem.<kind>`` and ``recommendation.<kind>``); a kind that is
absent from the data is absent from the report. Nothing here is worded or formatted.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from analysis.catalogue import SUBJECT_REGION

#: the kinds of finding, in the order the report lists its problems and recommendations
KINDS = ("lagging", "pace_gap", "target_conflict", "comparability", "plan_inconsistent", "plan_ambiguous", "data_gap", "weak_sources")
#: caveats of a status that make the latest value not comparable with its baseline (analysis/trust.py)
COMPARABILITY_CAVEATS = ("coverage_differs", "coverage_not_stated", "vintage_break", "vintage_not_stated", "sources_differ")
#: the quality flag of a page whose source cannot be checked: a judgment resting on it is provisional
UNVERIFIED = "encyclopedia_blog"


@dataclass
class Finding:
    """One kind of problem found in the data, with the items it covers (``id`` is the kind)."""

    kind: str
    items: list[dict] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.kind


def _number(x) -> float | None:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def lagging(progress: pd.DataFrame) -> list[dict]:
    """Targets behind schedule (status ``lagging``), with their baseline, latest value and target."""
    rows = progress[progress["status"] == "lagging"].sort_values("target_id")
    return [{"target_id": int(r.target_id), "indicator_id": r.indicator_id, "unit": r.unit, "kind": r.kind,
             "baseline": _number(r.baseline_value), "base_year": int(r.base_year) if "base_year" in progress else None,
             "actual": _number(r.actual_value), "year": int(r.actual_year), "target": _number(r.target_value)}
            for r in rows.itertuples()]


def pace_gaps(summaries: dict[str, dict]) -> list[dict]:
    """Scenario indicators whose recent pace (analysis/pace.py) is below the rate their target requires
    from the latest year: the pace, the rate required and the share of the target the pace reaches."""
    out = []
    for indicator, s in summaries.items():
        pace, required = _number(s.get("pace_rate")), _number(s.get("required_rate"))
        if pace is None or required is None or pace >= required:
            continue
        out.append({"indicator_id": indicator, "unit": s["unit"], "start_year": int(s["pace_start_year"]),
                    "end_year": int(s["pace_end_year"]), "pace": pace, "required": required,
                    "target_year": int(s["target_year"]), "target": _number(s.get("target")),
                    "pace_value": _number(s.get("pace_value_at_target_year")), "share": _number(s.get("pace_share_of_target"))})
    return out


def comparability(progress: pd.DataFrame, caveats: pd.DataFrame | None) -> list[dict]:
    """Judged targets whose status rests on figures of a different coverage, census vintage or source
    than their baseline: the caveat rows (``part == "status"``) of :data:`COMPARABILITY_CAVEATS`."""
    if caveats is None or caveats.empty:
        return []
    judged = set(progress.loc[progress["status"] != "no_data", "target_id"].astype(int))
    rows = caveats[(caveats["part"] == "status") & caveats["caveat"].isin(COMPARABILITY_CAVEATS)]
    out = []
    for tid, grp in rows.groupby("target_id", sort=True):
        if int(tid) in judged:
            ind = progress.loc[progress["target_id"] == tid, "indicator_id"].iloc[0]
            out.append({"target_id": int(tid), "indicator_id": ind, "caveats": list(grp["caveat"])})
    return out


def latest_level(observations: pd.DataFrame, region_code: str, indicator_id: str, evaluation_year: int) -> dict | None:
    """The latest selected full-year value of a series up to ``evaluation_year``: ``{year, value, source_id}`` or None."""
    obs = observations
    rows = obs[obs["selected"].astype(bool) & (obs["period"] == "full_year") & (obs["region_code"].astype(str) == region_code)
               & (obs["indicator_id"] == indicator_id) & obs["value"].notna() & (obs["year"] <= evaluation_year)]
    if rows.empty:
        return None
    r = rows.sort_values("year").iloc[-1]
    return {"year": int(r["year"]), "value": float(r["value"]), "source_id": r["source_id"]}


def target_conflicts(plan_targets: pd.DataFrame, observations: pd.DataFrame, region_code: str, evaluation_year: int) -> list[dict]:
    """Share targets the plan's own level targets can no longer meet at the economy's actual size.

    A share-of-GDP target (表 2 no. 2: services ≥ 40 %; no. 13: finance ≈ 8 %) whose numerator also has a
    level target (no. 1: 830 亿元; no. 12: 120 亿元): at the latest published GDP (亿元), that level is
    ``implied_share`` (%) of GDP; when it is below the share target, reaching one target misses the
    other — and GDP only grows towards 2025. ``needed`` is the level the share target asks at that GDP.
    """
    gdp = latest_level(observations, region_code, "gdp", evaluation_year)
    if gdp is None or gdp["value"] <= 0:
        return []
    out = []
    if "numerator_id" not in plan_targets:
        return []
    shares = plan_targets[(plan_targets["kind"] == "share_of_gdp") & plan_targets["numerator_id"].notna()]
    for _, share in shares.sort_values("target_id").iterrows():
        levels = plan_targets[(plan_targets["indicator_id"] == share["numerator_id"]) & (plan_targets["kind"] == "level")]
        if levels.empty:
            continue
        level = levels.sort_values("target_id").iloc[0]
        implied = float(level["target_value"]) / gdp["value"] * 100
        if implied < float(share["target_value"]):
            out.append({"share_target_id": int(share["target_id"]), "level_target_id": int(level["target_id"]),
                        "share_indicator_id": share["indicator_id"], "numerator_id": share["numerator_id"],
                        "share_target": float(share["target_value"]), "level_target": float(level["target_value"]),
                        "unit": level["unit"], "gdp": gdp["value"], "gdp_year": gdp["year"], "gdp_source": gdp["source_id"],
                        "implied_share": implied, "needed": float(share["target_value"]) / 100 * gdp["value"]})
    return out


def share_decomposition(share_row, numerator_base: float | None, observations: pd.DataFrame, region_code: str) -> dict | None:
    """Why a share of GDP moved: the compound growth of its numerator and of GDP between the base year and
    the latest year (fractions a year, nominal). The base-year GDP is the one the plan's own figures imply
    (numerator ÷ share); the latest GDP is the published one the latest share was computed with.
    None when a part is missing."""
    from analysis.growth import cagr

    if share_row is None or numerator_base is None or _number(share_row.get("baseline_value")) in (None, 0.0):
        return None
    latest, base_year = _number(share_row.get("actual_value")), int(share_row["base_year"])
    year = share_row.get("actual_year")
    if latest is None or _number(year) is None or int(year) <= base_year:
        return None
    gdp = latest_level(observations, region_code, "gdp", int(year))
    if gdp is None or gdp["year"] != int(year):
        return None
    gdp_base = numerator_base / (float(share_row["baseline_value"]) / 100)
    numerator_latest = latest / 100 * gdp["value"]
    years = int(year) - base_year
    return {"base_year": base_year, "year": int(year), "gdp_base": gdp_base, "gdp_latest": gdp["value"],
            "gdp_rate": cagr(gdp_base, gdp["value"], years), "numerator_rate": cagr(numerator_base, numerator_latest, years)}


def audit_findings(audit: pd.DataFrame, verdict: str) -> list[dict]:
    """The plan's own statements the audit (analysis/audit.py) judged ``inconsistent`` or ``ambiguous``."""
    rows = audit[audit["verdict"] == verdict]
    return [{"check_id": r["check_id"], **{f"{c}_message": r.get(f"{c}_message") for c in ("topic", "stated", "recomputed", "explanation")}}
            for _, r in rows.iterrows()]


def data_gaps(progress: pd.DataFrame) -> list[dict]:
    """Targets without usable data (status ``no_data``)."""
    rows = progress[progress["status"] == "no_data"].sort_values("target_id")
    return [{"target_id": int(r.target_id), "indicator_id": r.indicator_id} for r in rows.itertuples()]


def weak_sources(progress: pd.DataFrame, robustness: pd.DataFrame | None) -> list[dict]:
    """Judged targets whose status rests on an unverified page (:data:`UNVERIFIED`) at its weakest."""
    if robustness is None:
        return []
    judged = set(progress.loc[progress["status"] != "no_data", "target_id"].astype(int))
    rows = robustness[robustness["weakest_quality_status"] == UNVERIFIED]
    return [{"target_id": int(t), "indicator_id": i} for t, i in zip(rows["target_id"], rows["indicator_id"]) if int(t) in judged]


def build_findings(data) -> list[Finding]:
    """Every kind of finding present in ``data`` (a ReportData), in :data:`KINDS` order."""
    items = {
        "lagging": lagging(data.progress),
        "pace_gap": pace_gaps(data.summaries),
        "target_conflict": target_conflicts(data.plan_targets, data.observations, SUBJECT_REGION, data.evaluation_year),
        "comparability": comparability(data.progress, data.conclusion_caveats),
        "plan_inconsistent": audit_findings(data.plan_audit, "inconsistent"),
        "plan_ambiguous": audit_findings(data.plan_audit, "ambiguous"),
        "data_gap": data_gaps(data.progress),
        "weak_sources": weak_sources(data.progress, data.robustness),
    }
    return [Finding(kind, items[kind]) for kind in KINDS if items[kind]]
