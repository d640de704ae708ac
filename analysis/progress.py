"""序时进度 measures: how much of the plan period has passed, how much of a target is achieved, and
the class that puts the two side by side ("时间过半、任务过半"; "N 项提前实现、N 项快于预期、…").

- :func:`elapsed_share` — the share of the plan period passed by the end of a year (2023 → 3/5);
- :func:`log_progress` — a level target (亿元, 亿人次 … reached by growth), measured in logs from the
  baseline: a constant growth rate then moves the share evenly through time, so it compares
  directly with the elapsed share;
- :func:`linear_progress` — a share or count target, ``(actual − baseline) / (target − baseline)``;
- :func:`growth_progress` — an average-growth-rate target: growth so far, in logs, over the growth
  the target rate gives in the whole horizon (a realised CAGR equal to the target rate is exactly
  on schedule);
- :func:`classify` — the status (提前实现 / 快于预期 / 基本符合预期 / 滞后 / 无数据) of an achieved
  share at an elapsed share, with the margins of ``params/evaluation_thresholds.yaml``.

How each of the plan's 19 targets is read with these is in :mod:`analysis.scoreboard`.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from analysis import words
from analysis.growth import cagr
from analysis.parameter_check import check_known_keys
from analysis.parameters import ParameterError, check_parameter
from analysis.paths import PARAMS, relative, resolve
from analysis.yaml_files import parse_yaml

#: status keys in the order of the national review's summary line
STATUS_ORDER = ("achieved", "faster", "on_track", "lagging", "no_data")
#: the status words written into the tables (status_zh, status_en): the catalogue's (messages/labels.yml)
STATUS_ZH = {k: words.text(f"status.{k}", "zh") for k in STATUS_ORDER}
STATUS_EN = {k: words.text(f"status.{k}", "en") for k in STATUS_ORDER}

#: comparisons at a class boundary are not decided by floating-point noise
EPS = 1e-12
THRESHOLDS_FILE = PARAMS / "evaluation_thresholds.yaml"
#: the keys of params/evaluation_thresholds.yaml
THRESHOLD_KEYS = ("title", "description", "ahead_margin", "lagging_margin", "odds_bands", "pace_broadly_met")


def load_thresholds(path: str | Path | None = None) -> dict:
    """Read and check the class thresholds (default ``params/evaluation_thresholds.yaml``).

    The file must have ``title``, ``description``, ``ahead_margin`` and ``lagging_margin``
    (fractions of the plan period, within [0, 1]).
    """
    path = THRESHOLDS_FILE if path is None else resolve(path)
    data = parse_yaml(Path(path).read_text(encoding="utf-8"), relative(path)) or {}  # duplicate keys and syntax errors name file, line and column
    if not isinstance(data, dict):
        raise ParameterError(f"{relative(path)}: expected `name: value` lines, found a {type(data).__name__}")
    check_known_keys(data, THRESHOLD_KEYS, relative(path))  # a misspelt margin is an error, not a silent default
    for key in ("title", "description"):
        check_parameter(key, data.get(key), str)
    return check_thresholds(data)


def check_thresholds(thresholds: dict) -> dict:
    """Return ``thresholds`` if both margins are numbers in [0, 1] and ``odds_bands`` (when given)
    four increasing fractions in (0, 1), else raise ParameterError."""
    for key in ("ahead_margin", "lagging_margin"):
        check_parameter(key, thresholds.get(key), (int, float), minimum=0.0, maximum=1.0)
    if "pace_broadly_met" in thresholds:
        check_parameter("pace_broadly_met", thresholds["pace_broadly_met"], (int, float), minimum=0.0, maximum=1.0)
    if "odds_bands" in thresholds:
        bands = thresholds["odds_bands"]
        check_parameter("odds_bands", bands, list)
        for i, b in enumerate(bands):
            check_parameter(f"odds_bands[{i}]", b, (int, float), minimum=0.0, maximum=1.0)
        if len(bands) != 4 or any(b >= c for b, c in zip(bands, bands[1:])):
            raise ParameterError(f"odds_bands: expected four increasing fractions (e.g. [0.2, 0.4, 0.6, 0.8]), found {bands!r}")
    return thresholds


def elapsed_share(evaluation_year: int, base_year: int = 2020, target_year: int = 2025) -> float:
    """Share of the plan period passed by the end of ``evaluation_year``: ``k / (target − base)``.

    >>> elapsed_share(2023)
    0.6
    """
    for name, v in (("evaluation_year", evaluation_year), ("base_year", base_year), ("target_year", target_year)):
        check_parameter(name, v, int)
    if target_year <= base_year:
        raise ValueError(f"target_year ({target_year}) must be after base_year ({base_year})")
    if not base_year <= evaluation_year <= target_year:
        raise ValueError(f"evaluation_year {evaluation_year} is outside the plan period {base_year}–{target_year}")
    return (evaluation_year - base_year) / (target_year - base_year)


def log_progress(actual: float, baseline: float, target: float) -> float:
    """Achieved share of a level target, in logs: ``ln(actual/baseline) / ln(target/baseline)``.

    >>> round(log_progress(1.21, 1.0, 1.4641), 6)  # two of four years at 10 %
    0.5
    """
    for name, v in (("actual", actual), ("baseline", baseline), ("target", target)):
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
            raise ValueError(f"{name} must be a finite number > 0 for log progress, got {v!r}")
    if target == baseline:
        raise ValueError("target equals baseline: progress is undefined (a 'maintain' target)")
    return math.log(actual / baseline) / math.log(target / baseline)


def linear_progress(actual: float, baseline: float, target: float) -> float:
    """Achieved share of a share/percentage target: ``(actual − baseline) / (target − baseline)``.

    >>> linear_progress(32.0, 30.0, 35.0)
    0.4
    """
    if target == baseline:
        raise ValueError("target equals baseline: progress is undefined (a 'maintain' target)")
    return (actual - baseline) / (target - baseline)


def growth_progress(actual: float, baseline: float, years_elapsed: int, target_rate: float,
                    horizon_years: int) -> tuple[float, float]:
    """``(realised CAGR, achieved share)`` of an average-growth-rate target.

    The achieved share is the growth so far, in logs, over the growth the target rate gives in
    the whole horizon: ``ln(actual/baseline) / (horizon × ln(1 + target_rate))``. It equals the
    elapsed share exactly when the realised CAGR equals the target rate.

    >>> realised, share = growth_progress(1.1 ** 3, 1.0, 3, 0.1, 5)
    >>> round(realised, 6), round(share, 6)
    (0.1, 0.6)
    """
    if target_rate <= -1 or target_rate == 0:
        raise ValueError(f"target_rate must be a non-zero fraction > -1, got {target_rate!r}")
    realised = cagr(baseline, actual, years_elapsed)
    share = math.log(actual / baseline) / (horizon_years * math.log1p(target_rate))
    return realised, share


def classify(achieved_share: float | None, elapsed: float, thresholds: dict) -> str:
    """Status key (one of :data:`STATUS_ORDER`) for an achieved share at an elapsed share.

    ``achieved`` if achieved ≥ 1 (the target is reached); ``faster`` if achieved ≥ elapsed +
    ahead_margin; ``on_track`` if achieved ≥ elapsed − lagging_margin; else ``lagging``;
    ``no_data`` when the achieved share is missing. Labels: :data:`STATUS_ZH`, :data:`STATUS_EN`.

    >>> margins = {"ahead_margin": 0.1, "lagging_margin": 0.1}
    >>> classify(0.75, 0.6, margins), classify(0.55, 0.6, margins), classify(None, 0.6, margins)
    ('faster', 'on_track', 'no_data')
    """
    check_thresholds(thresholds)
    if achieved_share is None or (isinstance(achieved_share, float) and math.isnan(achieved_share)):
        return "no_data"
    if achieved_share >= 1 - EPS:
        return "achieved"
    if achieved_share >= elapsed + thresholds["ahead_margin"] - EPS:
        return "faster"
    if achieved_share >= elapsed - thresholds["lagging_margin"] - EPS:
        return "on_track"
    return "lagging"


def summary_line(evaluated: pd.DataFrame, lang: str = "zh") -> str:
    """Counts by class in the national review's form: ``N 项提前实现、N 项超序时进度、…、N 项暂缺数据``.

    >>> summary_line(pd.DataFrame({"status": ["achieved", "lagging", "lagging"]}), "en")
    '1 already met, 0 ahead of schedule, 0 on schedule, 2 behind schedule, 0 no data yet'
    """
    check_parameter("lang", lang, str, allowed=("zh", "en"))
    counts = evaluated["status"].value_counts()
    n = {k: int(counts.get(k, 0)) for k in STATUS_ORDER}
    if lang == "zh":
        return "、".join(f"{n[k]} 项{STATUS_ZH[k]}" for k in STATUS_ORDER)
    return ", ".join(f"{n[k]} {STATUS_EN[k]}" for k in STATUS_ORDER)
