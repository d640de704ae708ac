"""Pace before model: the growth a series has actually shown, against the growth its target needs.

A practitioner reading a mid-term review asks first "at the pace of the last few years, will the
target be met?", and only then what a fitted trend says. :func:`recent_pace` answers the first
question for one series (the compound average growth from the plan's base year to the latest
published year, and where that pace leads by the target year); :func:`peer_paces` puts the same
measure for the comparison regions beside it; :func:`odds_band` and :func:`rounded_range` turn a
model's probability and interval into words and round numbers for the body of the report (the
exact figures stay in the annex tables and the CSVs).

Values are in the series' own unit (亿元, 万人次); rates and probabilities are fractions. All
numbers come from the tables passed in; nothing is typed here.
"""
from __future__ import annotations

import math

import pandas as pd

from analysis import growth

PACE_KEYS = ("pace_start_year", "pace_start_value", "pace_end_year", "pace_rate", "pace_value_at_target_year",
             "pace_share_of_target")
#: the order of the odds words (keys ``odds.<band>`` of the catalogue), from least to most likely
ODDS_WORDS = ("very_unlikely", "unlikely", "even", "likely", "very_likely")


def _empty() -> dict:
    return {k: math.nan for k in PACE_KEYS}


def recent_pace(series: pd.DataFrame, base_year: int, target: float | None, target_year: int) -> dict:
    """The compound average growth from the plan's base year to the latest year of ``series``.

    ``series`` has ``year`` and ``value`` (annual actuals, e.g. 三产增加值 in 亿元, nominal where the
    data are nominal). The stretch starts at ``base_year`` (2020, the plan's own baseline, which
    follows the 2018 economic-census revision, so no vintage break lies inside it) and ends at the
    latest year. Returns :data:`PACE_KEYS`: the years and values at both ends, the rate (fraction
    per year), the value that rate gives in ``target_year`` and its share of ``target``. All are
    NaN when the base year has no value or the latest year is not after it.

    >>> p = recent_pace(pd.DataFrame({"year": [2020, 2023], "value": [563.51, 704.11]}), 2020, 830.0, 2025)
    >>> round(p["pace_rate"], 4), round(p["pace_value_at_target_year"], 1), round(p["pace_share_of_target"], 3)
    (0.0771, 816.8, 0.984)
    """
    out = _empty()
    s = series.dropna(subset=["value"]).sort_values("year")
    base = s[s["year"] == base_year]
    if base.empty or not len(s) or int(s["year"].iloc[-1]) <= base_year:
        return out
    start, end = float(base["value"].iloc[0]), float(s["value"].iloc[-1])
    end_year = int(s["year"].iloc[-1])
    rate = growth.cagr(start, end, end_year - base_year)
    out.update(pace_start_year=base_year, pace_start_value=start, pace_end_year=end_year, pace_rate=rate)
    if end_year < target_year:
        value = float(growth.plan_path(end, end_year, rate, target_year)["value"].iloc[-1])
    else:
        value = end
    out["pace_value_at_target_year"] = value
    if target is not None and not (isinstance(target, float) and math.isnan(target)) and target > 0:
        out["pace_share_of_target"] = value / float(target)
    return out


def peer_paces(start_values: dict[str, tuple[int, float]], latest_values: dict[str, tuple[int, float]]) -> dict[str, dict]:
    """Per region code: the compound average growth between its start and latest value.

    ``start_values`` and ``latest_values`` map a region code to ``(year, value)`` (the start from
    the plan's Table 1, the latest from the published figures since). A region without both, or
    whose latest year is not after its start, is left out.

    >>> round(peer_paces({"650100": (2020, 2402.38)}, {"650100": (2022, 2728.81)})["650100"]["rate"], 4)
    0.0658
    """
    out = {}
    for code, (start_year, start) in start_values.items():
        if code not in latest_values:
            continue
        end_year, end = latest_values[code]
        if end_year <= start_year or not (start > 0 and end > 0):
            continue
        out[code] = {"start_year": start_year, "start_value": start, "end_year": end_year, "end_value": end,
                     "rate": growth.cagr(start, end, end_year - start_year)}
    return out


def odds_band(probability: float, cut_points) -> str | None:
    """The words for a probability (a key of :data:`ODDS_WORDS`), cut at ``cut_points``
    (four increasing fractions, ``odds_bands`` in params/evaluation_thresholds.yaml); None if missing.

    >>> odds_band(0.585, [0.2, 0.4, 0.6, 0.8]), odds_band(0.6, [0.2, 0.4, 0.6, 0.8])
    ('even', 'likely')
    """
    if probability is None or (isinstance(probability, float) and math.isnan(probability)):
        return None
    return ODDS_WORDS[sum(1 for c in cut_points if probability >= c)]


def rounded_range(lower: float, upper: float) -> tuple[float, float] | None:
    """An interval rounded outward to two significant figures of its width, for prose
    ("about 750–940"); the exact bounds stay in the tables. None if either bound is missing.

    >>> rounded_range(754.45, 939.53)
    (750.0, 940.0)
    """
    if any(x is None or (isinstance(x, float) and math.isnan(x)) for x in (lower, upper)) or upper <= lower:
        return None
    step = 10.0 ** (math.floor(math.log10(upper - lower)) - 1)
    return math.floor(lower / step) * step, math.ceil(upper / step) * step
