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

#: the kinds of finding, in the order the report lists its problems and recommendations
KINDS = ("lagging", "pace_gap", "comparability", "plan_inconsistent", "plan_ambiguous", "data_gap", "weak_sources")
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
        "comparability": comparability(data.progress, data.conclusion_caveats),
        "plan_inconsistent": audit_findings(data.plan_audit, "inconsistent"),
        "plan_ambiguous": audit_findings(data.plan_audit, "ambiguous"),
        "data_gap": data_gaps(data.progress),
        "weak_sources": weak_sources(data.progress, data.robustness),
    }
    return [Finding(kind, items[kind]) for kind in KINDS if items[kind]]
