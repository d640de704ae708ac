"""Growth scenarios for one indicator: actuals, plan path, fitted trends, stress, required growth.

Builds on :mod:`analysis.growth`. Inputs are an annual series (``year``, ``value`` in the
indicator's canonical unit: 亿元 or 万人次) and the scenario parameters of a
``params/scenario_*.yaml`` file; outputs are tidy tables that the notebooks save and the report
reads. Rates are fractions per year.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal

import numpy as np
import pandas as pd

from analysis import catalogue, growth, pace
from analysis.parameters import ParameterError, check_parameter
from analysis.units import to_canonical
from analysis.words import Message, to_json

#: Indicators the scenario notebook knows (the client's: tertiary value added, retail, tourism).
SCENARIO_INDICATORS = ("tertiary_value_added", "retail_sales_total", "tourism_visits", "tourism_revenue")
#: Allowed growth rates, open interval, fractions per year.
RATE_BOUNDS = (-0.5, 1.0)
SCENARIO_COLUMNS = ["year", "scenario", "value", "lower", "upper", "unit"]


def validate_scenario_parameters(indicator, stated_rate, base_year, horizon, covid, seed, level, stress_shock):
    """Check the scenario notebook's parameters; raise :class:`ParameterError` saying what is allowed."""
    check_parameter("indicator", indicator, str, allowed=SCENARIO_INDICATORS)
    if stated_rate is not None:
        check_parameter("stated_rate", stated_rate, (int, float), minimum=RATE_BOUNDS[0], maximum=RATE_BOUNDS[1], exclusive=True)
    check_parameter("base_year", base_year, int, minimum=2000, maximum=2100)
    check_parameter("horizon", horizon, int, maximum=2100)
    if horizon <= base_year:
        raise ParameterError(f"parameter 'horizon' = {horizon}: must be after base_year ({base_year})")
    check_parameter("covid", covid, str, allowed=growth.COVID_TREATMENTS)
    check_parameter("seed", seed, int, minimum=0)
    check_parameter("level", level, float, minimum=0.5, maximum=0.99)
    check_parameter("stress_shock", stress_shock, (int, float), minimum=0, maximum=0.5)


def _rows(df: pd.DataFrame, scenario: str, unit: str) -> pd.DataFrame:
    out = pd.DataFrame({"year": df["year"].astype(int), "scenario": scenario, "value": df["value"].astype(float)})
    out["lower"] = df["lower"].astype(float) if "lower" in df else np.nan
    out["upper"] = df["upper"].astype(float) if "upper" in df else np.nan
    out["unit"] = unit
    return out[SCENARIO_COLUMNS]


def fit_trends(series: pd.DataFrame, *, target_year: int, covid: str = "none", seed: int = 0,
               level: float = 0.80) -> tuple[growth.TrendFit, growth.TrendFit]:
    """The log-linear and damped-trend fits :func:`build_scenarios` projects to ``target_year``.

    ``series`` as for :func:`build_scenarios` (at least 2 annual values, latest before
    ``target_year``). Split out so that a caller changing only rates, targets or the stress shock
    (the explorer) can keep the fits instead of re-fitting and re-simulating.
    """
    series = series.sort_values("year")
    years, values = series["year"].to_numpy(int), series["value"].to_numpy(float)
    horizon_years = target_year - int(years[-1])
    trend = growth.fit_loglinear_trend(years, values, covid=covid, horizon_years=horizon_years, level=level)
    damped = growth.fit_damped_trend(years, values, covid=covid, seed=seed, horizon_years=horizon_years, level=level)
    return trend, damped


def _trend_scenarios(trend: growth.TrendFit, damped: growth.TrendFit, latest_year: int, latest_value: float,
                     target: float | None, target_year: int, unit: str, stress_shock: float) -> tuple[list[pd.DataFrame], dict]:
    """The fitted trends' and the stress scenario's rows to ``target_year``, and the summary fields they set."""
    future = list(range(latest_year + 1, target_year + 1))
    parts = [_rows(trend.predict(future), "trend_loglinear", unit)]
    if damped.method == "damped":
        parts.append(_rows(damped.predict(future), "trend_damped", unit))
    end = trend.predict([target_year]).iloc[0]
    stress = growth.stress_path(latest_value, latest_year, trend.growth_rate, target_year, shock=stress_shock)
    parts.append(_rows(stress, "stress", unit))
    summary = {
        "damped_fallback_reason": damped.fallback_reason,
        "damped_fallback_message": to_json([damped.fallback_reason]) if damped.fallback_reason else None,
        "trend_method": trend.method, "trend_rate": trend.growth_rate, "trend_value": float(end["value"]),
        "trend_lower": float(end["lower"]), "trend_upper": float(end["upper"]), "covid_applied": trend.covid_applied,
        "stress_value": float(stress["value"].iloc[-1]),
    }
    if target is not None:
        summary["probability_of_target"] = growth.probability_of_reaching(trend, target, target_year)
    return parts, summary


def build_scenarios(series: pd.DataFrame, *, unit: str, target: float | None, target_year: int,
                    stated_rate: float | None, base_year: int, covid: str = "none", seed: int = 0,
                    level: float = 0.80, stress_shock: float = 0.02,
                    fits: tuple[growth.TrendFit, growth.TrendFit] | None = None) -> tuple[pd.DataFrame, dict]:
    """All scenarios for one indicator up to ``target_year``.

    Parameters
    ----------
    series : DataFrame with ``year`` and ``value`` (annual actuals in ``unit``), sorted by year.
    unit : canonical unit of the values (亿元, 万人次).
    target : the 2025 target in ``unit`` (None if the plan sets none).
    target_year : last year projected (the plan's 2025).
    stated_rate : the plan's stated average growth, fraction per year (None if none).
    base_year : year the plan path starts from (2020, the plan's base).
    covid : ``none`` / ``dummy`` / ``exclude`` (treatment of 2020–2022 in the fits).
    seed : seed of the damped-trend simulation.
    level : coverage of prediction intervals (0.80).
    stress_shock : the stress scenario grows at the trend rate minus this, fraction per year.
    fits : optional ``fit_trends(series, target_year=…, covid=…, seed=…, level=…)`` computed
        earlier with these same arguments (the explorer's cache); fitted here when None.

    Returns
    -------
    (table, summary): ``table`` has :data:`SCENARIO_COLUMNS` (one row per year and scenario);
    ``summary`` holds the headline numbers and every reason a scenario could not be computed:
    ``notes`` in English (for people reading the CSV), ``note_messages`` the same reasons as
    catalogue messages (JSON, :func:`analysis.words.to_json`) that the report renders in its
    language; ``damped_fallback_reason`` / ``damped_fallback_message`` likewise.
    """
    series = series.sort_values("year").reset_index(drop=True)
    notes: list[Message] = []
    parts = [_rows(series, "actual", unit)]
    years, values = series["year"].to_numpy(int), series["value"].to_numpy(float)
    latest_year = int(years[-1]) if len(years) else None
    latest_value = float(values[-1]) if len(values) else math.nan
    summary = {
        "unit": unit, "n_actual": int(len(series)), "latest_year": latest_year, "latest_value": latest_value,
        "base_year": base_year, "base_value": math.nan, "target": target if target is not None else math.nan,
        "target_year": target_year, "stated_rate": stated_rate if stated_rate is not None else math.nan,
        "plan_value_at_target_year": math.nan, "required_rate": math.nan, "trend_method": None,
        "trend_rate": math.nan, "trend_value": math.nan, "trend_lower": math.nan, "trend_upper": math.nan,
        "probability_of_target": math.nan, "damped_fallback_reason": None, "covid_applied": None,
        "stress_value": math.nan, "damped_fallback_message": None, **{k: math.nan for k in pace.PACE_KEYS},
    }
    if not len(series):
        notes.append(Message("reason.no_observation"))
        summary["notes"], summary["note_messages"] = "; ".join(notes), to_json(notes)
        return pd.DataFrame(columns=SCENARIO_COLUMNS), summary

    base = series[series["year"] == base_year]
    if stated_rate is not None:
        if base.empty:
            notes.append(Message("reason.no_base_year", year=base_year))
        else:
            summary["base_value"] = float(base["value"].iloc[0])
            path = growth.plan_path(summary["base_value"], base_year, stated_rate, target_year)
            parts.append(_rows(path, "plan", unit))
            summary["plan_value_at_target_year"] = float(path["value"].iloc[-1])
    else:
        notes.append(Message("reason.no_plan_rate"))

    if target is not None and latest_year < target_year:
        summary["required_rate"] = growth.required_growth(latest_value, target, target_year - latest_year)
        parts.append(_rows(growth.plan_path(latest_value, latest_year, summary["required_rate"], target_year), "required", unit))
        parts.append(pd.DataFrame([{"year": target_year, "scenario": "target", "value": float(target),
                                    "lower": np.nan, "upper": np.nan, "unit": unit}]))

    # the pace shown since the base year, before any model (analysis/pace.py)
    summary.update(pace.recent_pace(series, base_year, target, target_year))
    horizon_years = target_year - latest_year
    if len(series) >= 2 and horizon_years >= 1:
        fits = fits if fits is not None else fit_trends(series, target_year=target_year, covid=covid, seed=seed, level=level)
        trend_parts, trend_summary = _trend_scenarios(*fits, latest_year, latest_value, target, target_year, unit, stress_shock)
        parts += trend_parts
        summary.update(trend_summary)
        notes.extend(fits[0].notes)
    elif len(series) < 2:
        notes.append(Message("reason.too_few_points", n=len(series)))
    elif horizon_years < 1:
        notes.append(Message("reason.already_published", year=target_year))
    summary["notes"], summary["note_messages"] = "; ".join(notes), to_json(notes)
    table = pd.concat(parts, ignore_index=True)
    return table, summary


READING_COLUMNS = ["reading", "reading_zh", "reading_en", "target", "known_years", "known_sum", "missing_years",
                   "required", "required_kind", "ratio_to_13th_total", "latest_year", "latest_value"]


def tourism_readings(series: pd.DataFrame, target: float, five_year_total_13th: float | None,
                     start_year: int = 2021, end_year: int = 2025) -> pd.DataFrame:
    """The two readings of a tourism target (2025 alone, or the 2021–2025 total).

    The plan's 13th-plan tourism figures beside the targets are five-year totals, so the target
    may be meant the same way. For each reading: what it requires given the annual actuals
    known so far (missing years stay missing: the total reading reports the average the
    missing years would need, it does not fill them in).

    Returns one row per reading with ``reading``, ``reading_zh``, ``reading_en``,
    ``known_years``, ``known_sum``, ``missing_years``, ``required`` (required growth for the
    annual reading, required average per missing year for the total reading, in the series'
    unit), ``ratio_to_13th_total`` and ``latest_year`` / ``latest_value``.
    """
    series = series.sort_values("year")
    window = series[(series["year"] >= start_year) & (series["year"] <= end_year)]
    known_years = [int(y) for y in window["year"]]
    missing = [y for y in range(start_year, end_year + 1) if y not in known_years]
    latest_year = int(series["year"].iloc[-1]) if len(series) else None
    latest_value = float(series["value"].iloc[-1]) if len(series) else math.nan
    annual_required = (growth.required_growth(latest_value, target, end_year - latest_year)
                       if latest_year is not None and latest_year < end_year else math.nan)
    known_sum = float(window["value"].sum()) if len(window) else 0.0
    remaining = target - known_sum
    ratio = target / five_year_total_13th if five_year_total_13th else math.nan
    return pd.DataFrame(columns=READING_COLUMNS, data=[
        {"reading": "annual_2025", "reading_zh": f"{end_year} 年当年值", "reading_en": f"{end_year} alone",
         "target": target, "known_years": ",".join(map(str, known_years)), "known_sum": math.nan,
         "missing_years": "", "required": annual_required, "required_kind": "growth_rate",
         "ratio_to_13th_total": math.nan, "latest_year": latest_year, "latest_value": latest_value},
        {"reading": f"total_{start_year}_{end_year}", "reading_zh": f"{start_year}–{end_year} 年累计",
         "reading_en": f"{start_year}–{end_year} total", "target": target,
         "known_years": ",".join(map(str, known_years)), "known_sum": known_sum,
         "missing_years": ",".join(map(str, missing)),
         "required": remaining / len(missing) if missing else math.nan, "required_kind": "average_per_missing_year",
         "ratio_to_13th_total": ratio, "latest_year": latest_year, "latest_value": latest_value},
    ])


def backtest(series: pd.DataFrame, cutoff: int = 2020, stated_rate: float | None = None,
             base_year: int | None = None, covid: str = "none", seed: int = 0) -> pd.DataFrame:
    """Fit each method on years ≤ ``cutoff`` and compare its projection with later actuals.

    Methods: log-linear trend, damped trend (or its recorded fallback), and two benchmarks a model
    must beat: the plan path at the stated rate from ``base_year`` and ``recent_cagr``, the compound
    growth between the last two fitted years carried on. Returns one row per method and later actual year with
    ``predicted``, ``actual``, ``error`` (predicted − actual, series unit) and ``error_pct``
    (percent of actual); a method that cannot be fitted gets a row with NaN and the reason
    (``note`` in English, ``note_messages`` as catalogue messages in JSON).
    """
    series = series.sort_values("year")
    train = series[series["year"] <= cutoff]
    test = series[series["year"] > cutoff]
    rows = []

    def add(method: str, predicted: dict, notes: tuple[Message, ...] | list[Message]) -> None:
        for year, actual in zip(test["year"], test["value"]):
            p = predicted.get(int(year), math.nan)
            rows.append({"method": method, "fit_years": ",".join(map(str, train["year"])), "n_fit": len(train),
                         "year": int(year), "predicted": p, "actual": float(actual), "error": p - actual,
                         "error_pct": (p - actual) / actual * 100, "note": "; ".join(notes) or None,
                         "note_messages": to_json(notes) if notes else None})

    if test.empty:
        return pd.DataFrame(columns=["method", "fit_years", "n_fit", "year", "predicted", "actual", "error", "error_pct", "note",
                                     "note_messages"])
    years_out = [int(y) for y in test["year"]]
    if len(train) >= 2:
        trend = growth.fit_loglinear_trend(train["year"], train["value"], covid=covid, horizon_years=max(years_out) - cutoff)
        add("loglinear", dict(zip(years_out, trend.predict(years_out)["value"])), trend.notes)
        damped = growth.fit_damped_trend(train["year"], train["value"], covid=covid, seed=seed, horizon_years=max(years_out) - int(train["year"].max()))
        label = "damped" if damped.method == "damped" else "damped→loglinear"
        add(label, dict(zip(years_out, damped.predict(years_out)["value"])), [damped.fallback_reason] if damped.fallback_reason else [])
        # the naive benchmark: the pace between the last two fitted years, carried on
        (y0, v0), (y1, v1) = train[["year", "value"]].iloc[-2], train[["year", "value"]].iloc[-1]
        rate = growth.cagr(float(v0), float(v1), int(y1) - int(y0))
        path = growth.plan_path(float(v1), int(y1), rate, max(years_out))
        add("recent_cagr", dict(zip(path["year"], path["value"])), [])
    else:
        reason = Message("reason.backtest_too_few", n=len(train), cutoff=cutoff, needed=2)
        add("loglinear", {}, [reason])
        add("damped", {}, [reason])
        add("recent_cagr", {}, [reason])
    if stated_rate is not None and base_year is not None:
        base = train[train["year"] == base_year]
        if base.empty:
            add("plan_rate", {}, [Message("reason.backtest_no_base_year", year=base_year)])
        else:
            path = growth.plan_path(float(base["value"].iloc[0]), base_year, stated_rate, max(years_out))
            add("plan_rate", dict(zip(path["year"], path["value"])), [])
    return pd.DataFrame(rows)


_STATED_RATE = re.compile(r"年均(?:增长)?(?:达到)?\s*(\d+(?:\.\d+)?)\s*%")


def plan_target_and_rate(targets: pd.DataFrame, indicator_id: str) -> dict:
    """The plan's 2025 level target and stated average growth for one indicator, from 表 2.

    ``targets`` is ``plan_targets.csv`` (parsed from the plan by :mod:`analysis.targets`). The
    target is the level row of ``indicator_id`` converted to the indicator's canonical unit
    (1 亿人次 → 10 000 万人次) by :func:`analysis.units.to_canonical`; the stated rate is
    the 表 2 average-growth row of the same indicator (retail: 6.5%) or, failing that, the
    ``年均 N%`` in the sentence restating the level target (三产: "增速保持年均 8%左右"), as a
    fraction. Returns ``target``, ``target_year``, ``unit``, ``target_text``, ``target_id``,
    ``stated_rate`` (None if the plan states none), ``rate_text`` and ``may_be_five_year_total``.
    """
    rows = targets[targets["indicator_id"] == indicator_id]
    level = rows[rows["kind"] == "level"]
    if level.empty:
        raise ValueError(f"表 2 has no level target for {indicator_id}; give 'target' as a number")
    t = level.iloc[0]
    unit = catalogue.indicator(indicator_id)["unit"]
    value, _ = to_canonical(Decimal(str(t["target_value"])), t["unit"], unit)
    out = {"target": float(value), "target_year": int(t["target_year"]), "unit": unit, "target_id": int(t["target_id"]),
           "target_text": t["target_text"], "stated_rate": None, "rate_text": None,
           "may_be_five_year_total": bool(t["may_be_five_year_total"])}
    growth_rows = rows[rows["kind"] == "average_growth_rate"]
    if not growth_rows.empty:
        g = growth_rows.iloc[0]
        out["stated_rate"], out["rate_text"] = float(g["target_value"]) / 100, f"表 2 第 {int(g['target_id'])} 项：{g['target_text']}"
    elif isinstance(t["plan_sentence"], str) and (m := _STATED_RATE.search(t["plan_sentence"].replace(" ", ""))):
        out["stated_rate"], out["rate_text"] = float(m.group(1)) / 100, f"规划原文：“{t['plan_sentence']}”"
    return out
