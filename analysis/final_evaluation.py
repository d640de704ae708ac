"""终期评估: each 表 2 target judged on its final-year (2025) value — 已完成 / 基本完成 / 未完成 / 无数据.

The final evaluation reads the mid-term scoreboard computed at the final year (the table
:func:`analysis.scoreboard.evaluate_targets` returns for ``evaluation_year = 2025``: the value
used, where it came from, the baseline and the achieved share, in the same units and by the
same measures) and classifies each target again, by the rules of a final evaluation:

- a target is judged only on a value **for the final year itself**; where the final year is not
  published the class is 无数据, and the latest year available is named with its value — an
  earlier actual, never a projection shown as the final value;
- **reached** (value ≥ target) → 已完成 (``completed``);
- otherwise the achieved share (0 = the 2020 baseline, 1 = the target; levels in logs, shares and
  counts linearly — the mid-term's measures) at least ``basically_completed_share`` (0.90 in
  ``params/final_evaluation.yaml``) → 基本完成 (``basically_completed``), else 未完成
  (``not_completed``);
- **maintain** targets (the 2020 value already met the target, e.g. 比重 ≥ 40%) → 已完成 if the
  final-year value still meets it, else 未完成 ("of the way" means nothing for them);
- **average growth rate** targets on the realised 2020–2025 rate: achieved share
  ``ln(v2025 / v2020) / (5 × ln(1 + target rate))``, 1 exactly when the realised rate equals
  the target rate;
- **count per year** targets on the 2021–2025 sum against ``target × 5`` (every year needed);
- targets the plan's wording leaves open as a five-year total (tourism) are judged under both
  readings: 2025 alone (``status``) and the 2021–2025 total (``total_status``), the total only
  when every year 2021–2025 is published, else 无数据 naming the missing years.

Reasons are messages — a catalogue key (``analysis/messages/final.yml``) and its parameters,
stored as ``reason_key`` / ``reason_params`` (JSON) — that the report renders in its language.
Growth rates and shares of the way are fractions; values are in the target's unit.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from analysis import catalogue, scoreboard
from analysis.catalogue import SUBJECT_REGION
from analysis.observations import selected_full_year
from analysis.parameters import ParameterError, check_parameter
from analysis.paths import PARAMS, resolve
from analysis.yaml_files import load_yaml

#: final classes in the order the summary line counts them
STATUS_ORDER = ("completed", "basically_completed", "not_completed", "no_data")

FINAL_COLUMNS = [
    "target_id", "group_zh", "indicator_zh", "indicator_en", "indicator_id", "kind", "unit", "target_value",
    "target_text", "base_year", "final_year", "method", "baseline_value", "actual_year", "actual_value",
    "actual_qualifier", "source_id", "quality", "achieved_share", "realised_rate", "target_rate", "status",
    "reason_key", "reason_params", "latest_year", "latest_value", "total_status", "total_value",
    "total_share", "total_missing_years", "total_reason_key", "total_reason_params",
]

_EPS = 1e-12  # a value exactly at a class boundary is not decided by floating-point noise


def load_parameters(path: str | Path | None = None) -> dict:
    """Read and check ``params/final_evaluation.yaml`` (or ``path``).

    Needs ``title``, ``description``, ``basically_completed_share`` (a fraction in (0, 1)) and
    ``midterm_year`` (an int, 2021–2024). Unknown keys are an error.
    """
    path = PARAMS / "final_evaluation.yaml" if path is None else resolve(path)
    data = load_yaml(path) or {}
    return check_parameters(data)


def check_parameters(params: dict) -> dict:
    """Return ``params`` if every key is known and valid, else raise ParameterError."""
    known = {"title", "description", "basically_completed_share", "midterm_year"}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ParameterError(f"unknown parameter {unknown[0]!r}: allowed are {', '.join(sorted(known))}")
    for key in ("title", "description"):
        check_parameter(key, params.get(key), str)
    check_parameter("basically_completed_share", params.get("basically_completed_share"), (int, float),
                    minimum=0.0, maximum=1.0, exclusive=True)
    check_parameter("midterm_year", params.get("midterm_year"), int, minimum=2021, maximum=2024)
    return params


def classify(achieved_share: float, threshold: float) -> str:
    """``completed`` at ≥ 1, ``basically_completed`` at ≥ ``threshold``, else ``not_completed``.

    >>> classify(1.0, 0.9), classify(0.9, 0.9), classify(0.89, 0.9)
    ('completed', 'basically_completed', 'not_completed')
    """
    if achieved_share is None or math.isnan(achieved_share):
        raise ValueError("achieved_share is missing: a target without one is no_data, not classified")
    if achieved_share >= 1 - _EPS:
        return "completed"
    if achieved_share >= threshold - _EPS:
        return "basically_completed"
    return "not_completed"


def observed_years(observations: pd.DataFrame, indicator_id: str, region_code: str = SUBJECT_REGION) -> list[int]:
    """Years with a selected full-year value of ``indicator_id`` (the rows the scoreboard uses)."""
    usable = scoreboard.usable_observations(observations, region_code)
    return sorted(int(y) for y in usable.loc[usable["indicator_id"] == indicator_id, "year"].unique())


def missing_years(observations: pd.DataFrame, indicator_id: str, first: int, last: int,
                  region_code: str = SUBJECT_REGION) -> list[int]:
    """Years ``first``–``last`` without a selected full-year value of ``indicator_id``."""
    have = set(observed_years(observations, indicator_id, region_code))
    return [y for y in range(first, last + 1) if y not in have]


def _json(params: dict) -> str:
    return json.dumps(params, ensure_ascii=False, sort_keys=True)


def _num(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA else float(x)


def judge_target(row: pd.Series, observations: pd.DataFrame, threshold: float,
                 region_code: str = SUBJECT_REGION) -> dict:
    """The final class of one target from its scoreboard row (evaluated at the final year).

    Returns the :data:`FINAL_COLUMNS` of that target (``total_*`` are filled only for a target
    that may be a five-year total).
    """
    b, final = int(row["base_year"]), int(row["target_year"])
    out = {k: row.get(k) for k in ("target_id", "group_zh", "indicator_zh", "indicator_en", "indicator_id", "kind",
                                   "unit", "target_value", "target_text", "method", "baseline_value",
                                   "actual_qualifier", "source_id", "quality", "realised_rate", "target_rate")}
    out.update(base_year=b, final_year=final, actual_year=None, actual_value=math.nan, achieved_share=math.nan,
               latest_year=None, latest_value=math.nan, total_status=None, total_value=math.nan,
               total_share=math.nan, total_missing_years=None, total_reason_key=None, total_reason_params=None)
    year = None if pd.isna(row["actual_year"]) else int(row["actual_year"])
    value = _num(row["actual_value"])
    unit = row["unit"]
    target = float(row["target_value"])

    def done(status: str, key: str, **params) -> dict:
        out.update(status=status, reason_key=key, reason_params=_json(params))
        return out

    if row.get("may_be_five_year_total"):
        _judge_total(out, row, observations, threshold, region_code)
    if year is None:
        gaps = missing_years(observations, row["indicator_id"], b + 1, final, region_code)
        if row["kind"] == "count_per_year" and len(gaps) < final - b:
            return done("no_data", "final.reason.years_missing", first=b + 1, last=final, years=gaps)
        return done("no_data", "final.reason.no_observation", first=b + 1, final_year=final)
    if year != final:
        out.update(latest_year=year, latest_value=value)  # source and quality describe this latest value
        realised, target_rate = _num(row.get("realised_rate")), _num(row.get("target_rate"))
        if row["kind"] == "average_growth_rate" and realised is not None:  # a rate target is told by its rate, not its level
            return done("no_data", "final.reason.not_published_rate", final_year=final, latest_year=year, start=b,
                        realised=realised, target_rate=target_rate)
        # a growth-rate target's latest value is the level it is measured on, in the level's unit
        shown_unit = catalogue.indicator(row["indicator_id"])["unit"] if row["kind"] == "average_growth_rate" else unit
        return done("no_data", "final.reason.not_published", final_year=final, latest_year=year,
                    latest_value=value, unit=shown_unit)
    out.update(actual_year=year, actual_value=value, latest_year=year, latest_value=value)
    share = _num(row["achieved_share"])
    if row["method"] == "maintain":
        held = value >= target - _EPS
        return done("completed" if held else "not_completed",
                    "final.reason.maintain_held" if held else "final.reason.maintain_broken",
                    year=year, actual=value, target=target, unit=unit, base_year=b,
                    baseline=_num(row["baseline_value"]))
    if row["method"] == "growth_rate":
        out["achieved_share"] = share
        return done(classify(share, threshold), "final.reason.rate", base_year=b, year=year,
                    realised=_num(row["realised_rate"]), target_rate=_num(row["target_rate"]),
                    share=share, threshold=threshold)
    if row["method"] == "cumulative_count":
        out["achieved_share"] = share
        return done(classify(share, threshold), "final.reason.cumulative", first=b + 1, last=year, total=value,
                    target_total=target * (final - b), unit=unit, share=share, threshold=threshold)
    if share is None:
        if value >= target - _EPS:  # reached, though the plan states no baseline to measure the way from
            return done("completed", "final.reason.reached", year=year, actual=value, target=target, unit=unit)
        return done("no_data", "final.reason.no_baseline", base_year=b, year=year, actual=value, unit=unit)
    out["achieved_share"] = share
    status = classify(share, threshold)
    if status == "completed":
        return done(status, "final.reason.reached", year=year, actual=value, target=target, unit=unit)
    return done(status, "final.reason.share", year=year, actual=value, target=target, unit=unit,
                share=share, threshold=threshold)


def _judge_total(out: dict, row: pd.Series, observations: pd.DataFrame, threshold: float, region_code: str) -> None:
    """The 2021–2025-total reading: computable only when every year of the plan period is published."""
    b, final = int(row["base_year"]), int(row["target_year"])
    gaps = missing_years(observations, row["indicator_id"], b + 1, final, region_code)
    if gaps:
        out.update(total_status="no_data", total_missing_years=", ".join(map(str, gaps)),
                   total_reason_key="final.reason.total_missing",
                   total_reason_params=_json({"first": b + 1, "last": final, "years": gaps}))
        return
    share = _num(row["alt_achieved_share"])
    if share is None:  # every year present, yet the scoreboard could not sum them (cannot happen at the final year)
        raise ValueError(f"target {row['target_id']}: every year {b + 1}–{final} is published but no total was computed")
    target = float(row["target_value"])
    out.update(total_status=classify(share, threshold), total_value=share * target, total_share=share,
               total_missing_years="", total_reason_key="final.reason.total",
               total_reason_params=_json({"first": b + 1, "last": final, "total": share * target, "target": target,
                                          "unit": row["unit"], "share": share, "threshold": threshold}))


def judge_targets(board: pd.DataFrame, targets: pd.DataFrame, observations: pd.DataFrame, params: dict,
                  region_code: str = SUBJECT_REGION) -> pd.DataFrame:
    """One row per 表 2 target (:data:`FINAL_COLUMNS`), in table order.

    ``board`` is :func:`analysis.scoreboard.evaluate_targets` at the final year; ``targets``
    the parsed 表 2 (for ``may_be_five_year_total``); ``observations`` the tidy observations (for
    the years a total or a yearly count needs); ``params`` from :func:`load_parameters`.
    """
    check_parameters(params)
    years = set(board["evaluation_year"].astype(int)) | set(board["target_year"].astype(int))
    if len(years) != 1:
        raise ValueError(f"the scoreboard must be evaluated at the final year (target_year); found years {sorted(years)}")
    flags = targets.set_index("target_id")["may_be_five_year_total"].astype(bool)
    flagged = board.assign(may_be_five_year_total=board["target_id"].map(flags).fillna(False).astype(bool))
    rows = [judge_target(r, observations, float(params["basically_completed_share"]), region_code)
            for _, r in flagged.iterrows()]
    out = pd.DataFrame.from_records(rows, columns=FINAL_COLUMNS)
    for col in ("actual_year", "latest_year"):
        out[col] = out[col].astype("Int64")
    return out


def evaluate_final(targets: pd.DataFrame, observations: pd.DataFrame, params: dict,
                   thresholds: dict | None = None, region_code: str = SUBJECT_REGION) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(final, scoreboard)``: the scoreboard at the plan's target year and its final classes.

    ``thresholds`` are the mid-term ones (:func:`analysis.progress.load_thresholds`); they do not
    change any final class, only the scoreboard's own status column.
    """
    final_years = set(int(y) for y in targets["target_year"].dropna())
    if len(final_years) != 1:
        raise ValueError(f"表 2 targets must share one target year; found {sorted(final_years)}")
    board = scoreboard.evaluate_targets(targets, observations, final_years.pop(), thresholds, region_code)
    return judge_targets(board, targets, observations, params, region_code), board


def status_counts(final: pd.DataFrame, column: str = "status") -> dict[str, int]:
    """Targets per class, in :data:`STATUS_ORDER` (every class present, zero if none)."""
    counts = final[column].value_counts()
    return {k: int(counts.get(k, 0)) for k in STATUS_ORDER}


def data_years(observations: pd.DataFrame, region_code: str = SUBJECT_REGION) -> list[int]:
    """Years for which at least one selected full-year value of ``region_code`` exists."""
    return sorted({int(y) for y in selected_full_year(observations, region_code)["year"]})
