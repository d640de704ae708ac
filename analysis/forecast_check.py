"""What the mid-term said vs what happened: the mid-term projection of each scenario indicator,
refitted on the data the mid-term had, against the final-year actual.

For each scenario (one ``params/scenario_*.yaml``) the projection is **rerun**, not copied: the
annual series is cut at the mid-term year (``midterm_year``, the last year of data the mid-term
evaluation could use), and :func:`analysis.scenarios.build_scenarios` fits the same log-linear
trend with the same parameters (COVID treatment, seed, interval level) to it, projecting to the
final year. The row then holds the projection and its interval (80 % by default), the final-year
actual when it is published, the error (projection − actual, in the indicator's unit, and in
percent of the actual) and whether the interval covered the actual — the forecast evaluation
fiscal institutions publish for their own forecasts.

Nothing is filled in: without a final-year actual, ``actual``, ``error`` and ``covered`` stay
empty and ``reason_key`` says why; with fewer than two annual points up to the mid-term year no
trend can be fitted and the projection stays empty. Reasons are catalogue keys
(``analysis/messages/final.yml``) with JSON parameters.
"""
from __future__ import annotations

import json
import math

import pandas as pd

from analysis import catalogue, scenarios
from analysis.observations import annual_series
from analysis.yaml_files import load_yaml

CHECK_COLUMNS = [
    "indicator_id", "unit", "midterm_year", "final_year", "fit_years", "n_fit", "method", "covid", "level",
    "projected", "lower", "upper", "actual", "actual_qualifier", "source_id", "quality", "error", "error_pct",
    "covered", "latest_year", "projection_reason_key", "projection_reason_params", "actual_reason_key",
    "actual_reason_params",
]


def check_projection(series: pd.DataFrame, *, indicator_id: str, unit: str, midterm_year: int, final_year: int,
                     covid: str = "none", seed: int = 0, level: float = 0.80) -> dict:
    """One row of :data:`CHECK_COLUMNS` for one indicator.

    ``series`` is the indicator's annual series (:func:`analysis.observations.annual_series`:
    ``year``, ``value`` in ``unit``, ``qualifier``, ``source_id``, ``quality``), all years; only
    years ≤ ``midterm_year`` are used for the fit, the ``final_year`` row (if any) is the actual.
    """
    if not midterm_year < final_year:
        raise ValueError(f"midterm_year ({midterm_year}) must be before final_year ({final_year})")
    series = series.sort_values("year")
    train = series[series["year"] <= midterm_year]
    row = {"indicator_id": indicator_id, "unit": unit, "midterm_year": midterm_year, "final_year": final_year,
           "fit_years": ",".join(str(int(y)) for y in train["year"]), "n_fit": int(len(train)), "method": None,
           "covid": covid, "level": level, "projected": math.nan, "lower": math.nan, "upper": math.nan,
           "actual": math.nan, "actual_qualifier": None, "source_id": None, "quality": None, "error": math.nan,
           "error_pct": math.nan, "covered": pd.NA, "latest_year": int(series["year"].max()) if len(series) else None,
           "projection_reason_key": None, "projection_reason_params": None, "actual_reason_key": None,
           "actual_reason_params": None}
    if len(train) >= 2:
        _, summary = scenarios.build_scenarios(train[["year", "value"]], unit=unit, target=None, target_year=final_year,
                                               stated_rate=None, base_year=int(train["year"].min()), covid=covid,
                                               seed=seed, level=level)
        row.update(method=summary["trend_method"], projected=summary["trend_value"], lower=summary["trend_lower"],
                   upper=summary["trend_upper"])
        if math.isnan(row["lower"]) or math.isnan(row["upper"]):
            _reason(row, "projection", "final.forecast.no_interval", n=int(len(train)))
    else:
        _reason(row, "projection", "final.forecast.too_few_points", n=int(len(train)), midterm_year=midterm_year)
    actual = series[series["year"] == final_year]
    if actual.empty:
        if row["latest_year"] is None:
            _reason(row, "actual", "final.forecast.no_observation", final_year=final_year)
        else:
            _reason(row, "actual", "final.forecast.not_published", final_year=final_year, latest_year=row["latest_year"])
    else:
        a = actual.iloc[0]
        row.update(actual=float(a["value"]), actual_qualifier=a["qualifier"], source_id=a["source_id"],
                   quality=a["quality"])
        if not math.isnan(row["projected"]):
            row["error"] = row["projected"] - row["actual"]
            row["error_pct"] = row["error"] / row["actual"] * 100
            if not (math.isnan(row["lower"]) or math.isnan(row["upper"])):
                row["covered"] = bool(row["lower"] <= row["actual"] <= row["upper"])
    return row


def _reason(row: dict, part: str, key: str, **params) -> None:
    row[f"{part}_reason_key"] = key
    row[f"{part}_reason_params"] = json.dumps(params, ensure_ascii=False, sort_keys=True)


def check_projections(rows: list[dict]) -> pd.DataFrame:
    """The rows of :func:`check_projection` as a table (:data:`CHECK_COLUMNS`)."""
    out = pd.DataFrame.from_records(rows, columns=CHECK_COLUMNS)
    out["covered"] = out["covered"].astype("boolean")
    for col in ("latest_year", "n_fit"):
        out[col] = out[col].astype("Int64")
    return out


def scenario_settings(path) -> dict:
    """What the check takes from a ``params/scenario_*.yaml``: indicator, region, COVID treatment,
    seed and interval level (the scenario notebook's defaults where the file leaves them out)."""
    data = load_yaml(path) or {}
    return {"indicator_id": data["indicator"], "region_code": str(data.get("region_code", catalogue.SUBJECT_REGION)),
            "covid": data.get("covid", "none"), "seed": int(data.get("seed", 20250101)),
            "level": float(data.get("level", 0.8))}


def check_scenarios(observations: pd.DataFrame, scenario_paths, midterm_year: int, final_year: int) -> pd.DataFrame:
    """:func:`check_projection` for every scenario file, one row each (in the order given)."""
    rows = []
    for path in scenario_paths:
        s = scenario_settings(path)
        series = annual_series(observations, s["region_code"], s["indicator_id"])
        series = series[series["year"] <= final_year]
        rows.append(check_projection(series, indicator_id=s["indicator_id"], unit=catalogue.indicator(s["indicator_id"])["unit"],
                                     midterm_year=midterm_year, final_year=final_year, covid=s["covid"], seed=s["seed"],
                                     level=s["level"]))
    return check_projections(rows)
