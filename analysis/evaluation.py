"""序时进度: progress of each plan target against the time elapsed, in the form Chinese
mid-term reviews use ("时间过半、任务过半"; "N 项提前实现、N 项快于预期、…").

The reading, per kind of target (``kind`` from :mod:`analysis.targets`):

- **level** (亿元, 亿人次 … reached by growth): achieved share measured in logs from the 2020
  baseline, ``ln(actual / baseline) / ln(target / baseline)`` — a constant growth rate then
  moves the share evenly through time, so it compares directly with the elapsed share;
- **share_of_gdp**, **share** (percentages): linear, ``(actual − baseline) / (target − baseline)``;
  a share of GDP is recomputed from the numerator and the *same year's* GDP
  (:func:`share_of_gdp`) and the published share is used only when that is impossible;
- **maintain** ("持续保持 40%以上": the baseline already meets the target): the status depends only
  on whether the actual value still meets the target;
- **average_growth_rate**: the realised CAGR from the baseline year to the latest year, compared
  with the target rate through the same log reading: achieved share
  ``ln(actual / baseline) / (horizon × ln(1 + target_rate))``, so a realised CAGR equal to the
  target rate is exactly on schedule;
- **count_per_year** (年均新增 10 家): the count summed over the years so far against
  ``target × horizon``; every year must be observed;
- **count** / **count_per_county**: linear from the plan's baseline where it states one, else
  counted from the start of the plan period (``actual / target``).

The elapsed share is taken at the year of the value used (a 2023 value is compared with 3/5,
even when the evaluation year is 2024), and the evaluation year caps which values are used.
Thresholds between classes are a convention kept in ``params/evaluation_thresholds.yaml``.
No target is ever dropped: a target without usable data is 无数据 and says what data it needs.
Growth rates are fractions (0.065); shares of GDP are percent (30.2), as the plan prints them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.growth import cagr, required_growth
from analysis.parameters import check_parameter
from analysis.units import convert_units

CHANGJI = "652300"
OBSERVATION_COLUMNS = ("region_code", "indicator_id", "year", "period", "value", "unit", "qualifier",
                       "source_id", "quality", "selected")
PERIODS = ("full_year", "partial", "five_year_total")
OBS_QUALIFIERS = ("exact", "approximate", "lower_bound")

#: status keys in the order of the national review's summary line
STATUS_ORDER = ("achieved", "faster", "on_track", "lagging", "no_data")
STATUS_ZH = {"achieved": "提前实现", "faster": "快于预期", "on_track": "基本符合预期", "lagging": "滞后", "no_data": "无数据"}
STATUS_EN = {"achieved": "achieved ahead of schedule", "faster": "faster than expected", "on_track": "broadly as expected",
             "lagging": "lagging", "no_data": "no data"}

EVALUATION_COLUMNS = [
    "target_id", "group_zh", "indicator_zh", "indicator_en", "indicator_id", "kind", "unit", "target_value",
    "target_text", "base_year", "target_year", "evaluation_year", "baseline_value", "baseline_origin",
    "actual_value", "actual_year", "actual_qualifier", "source_id", "quality", "method", "realised_rate",
    "target_rate", "required_rate", "achieved_share", "elapsed_share", "status", "status_zh", "status_en",
    "data_needed", "data_needed_zh", "note", "alt_reading", "alt_achieved_share", "alt_status_zh", "alt_status_en",
]

_EPS = 1e-12  # comparisons at a class boundary are not decided by floating-point noise


# --------------------------------------------------------------------------- thresholds
def load_thresholds(path: str | Path | None = None) -> dict:
    """Read and check the class thresholds (default ``params/evaluation_thresholds.yaml``).

    The file must have ``title``, ``description``, ``ahead_margin`` and ``lagging_margin``
    (fractions of the plan period, within [0, 1]).
    """
    from analysis.paths import PARAMS, resolve

    path = PARAMS / "evaluation_thresholds.yaml" if path is None else resolve(path)
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    for key in ("title", "description"):
        check_parameter(key, data.get(key), str)
    return check_thresholds(data)


def check_thresholds(thresholds: dict) -> dict:
    """Return ``thresholds`` if both margins are numbers in [0, 1], else raise ParameterError."""
    for key in ("ahead_margin", "lagging_margin"):
        check_parameter(key, thresholds.get(key), (int, float), minimum=0.0, maximum=1.0)
    return thresholds


# --------------------------------------------------------------------------- progress measures
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
    """Achieved share of a level target, in logs: ``ln(actual/baseline) / ln(target/baseline)``."""
    for name, v in (("actual", actual), ("baseline", baseline), ("target", target)):
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
            raise ValueError(f"{name} must be a finite number > 0 for log progress, got {v!r}")
    if target == baseline:
        raise ValueError("target equals baseline: progress is undefined (a 'maintain' target)")
    return math.log(actual / baseline) / math.log(target / baseline)


def linear_progress(actual: float, baseline: float, target: float) -> float:
    """Achieved share of a share/percentage target: ``(actual − baseline) / (target − baseline)``."""
    if target == baseline:
        raise ValueError("target equals baseline: progress is undefined (a 'maintain' target)")
    return (actual - baseline) / (target - baseline)


def growth_progress(actual: float, baseline: float, years_elapsed: int, target_rate: float,
                    horizon_years: int) -> tuple[float, float]:
    """``(realised CAGR, achieved share)`` of an average-growth-rate target.

    The achieved share is the growth so far, in logs, over the growth the target rate gives in
    the whole horizon: ``ln(actual/baseline) / (horizon × ln(1 + target_rate))``. It equals the
    elapsed share exactly when the realised CAGR equals the target rate.
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
    """
    check_thresholds(thresholds)
    if achieved_share is None or (isinstance(achieved_share, float) and math.isnan(achieved_share)):
        return "no_data"
    if achieved_share >= 1 - _EPS:
        return "achieved"
    if achieved_share >= elapsed + thresholds["ahead_margin"] - _EPS:
        return "faster"
    if achieved_share >= elapsed - thresholds["lagging_margin"] - _EPS:
        return "on_track"
    return "lagging"


# --------------------------------------------------------------------------- units and observations
def convert_unit(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit`` (one conversion table for the project:
    :data:`analysis.units.UNIT_CONVERSIONS`).

    >>> convert_unit(2800, "万人次", "亿人次")
    0.28
    """
    return convert_units(value, from_unit, to_unit)


def usable_observations(observations: pd.DataFrame, region_code: str = CHANGJI) -> pd.DataFrame:
    """The rows an evaluation may use: ``selected`` full-year rows of ``region_code``.

    Raises ValueError for missing columns, a non-boolean ``selected``, or two selected rows for
    the same indicator and year (selection must pick one).
    """
    missing = [c for c in OBSERVATION_COLUMNS if c not in observations.columns]
    if missing:
        raise ValueError(f"observations lack the columns {missing}; expected {list(OBSERVATION_COLUMNS)}")
    sel = observations["selected"]
    if not sel.map(lambda x: isinstance(x, (bool, np.bool_))).all():
        raise ValueError("observations column 'selected' must hold booleans (True/False)")
    obs = observations[(observations["region_code"].astype(str) == str(region_code))
                       & (observations["period"] == "full_year") & sel.astype(bool)]
    obs = obs[obs["value"].notna()].copy()
    obs["year"] = obs["year"].astype(int)
    dup = obs.duplicated(["indicator_id", "year"], keep=False)
    if dup.any():
        first = obs[dup].iloc[0]
        raise ValueError(f"two selected full-year observations for {first['indicator_id']} {first['year']} "
                         f"(sources {sorted(obs[dup & (obs.indicator_id == first.indicator_id) & (obs.year == first.year)].source_id)}); "
                         "select one")
    return obs


@dataclass(frozen=True)
class Point:
    """One value used in the evaluation, with where it came from."""

    year: int
    value: float
    unit: str
    source_id: str
    quality: str
    qualifier: str = "exact"
    note: str | None = None


@dataclass(frozen=True)
class ShareOfGdp:
    """A share of GDP computed from a numerator and the same year's GDP (value in %)."""

    year: int
    value: float
    numerator: float
    gdp: float
    unit: str
    numerator_source: str | None
    gdp_source: str | None
    source_id: str | None
    quality: str | None
    qualifier: str
    note: str | None


def _one_row(obs: pd.DataFrame, year: int, what: str, region_code: str) -> pd.Series | None:
    rows = obs[(obs["year"].astype(int) == year) & (obs["period"] == "full_year") & obs["selected"].astype(bool)
               & obs["value"].notna() & (obs["region_code"].astype(str) == str(region_code))]
    if len(rows) > 1:
        raise ValueError(f"{len(rows)} selected full-year observations of {what} for {year}; select one")
    return None if rows.empty else rows.iloc[0]


def _combine(a: str | None, b: str | None) -> str | None:
    vals = [x for x in (a, b) if x is not None and x == x]
    return None if not vals else (vals[0] if len(set(vals)) == 1 else " + ".join(dict.fromkeys(vals)))


def _combined_qualifier(*qs: str) -> str:
    qs = [q for q in qs if q and q == q]
    return "exact" if all(q == "exact" for q in qs) else next(q for q in qs if q != "exact")


def share_of_gdp(numerator_obs: pd.DataFrame, gdp_obs: pd.DataFrame, year: int,
                 region_code: str = CHANGJI) -> ShareOfGdp:
    """``numerator / GDP × 100`` for ``year`` from selected full-year observations of both.

    ``numerator_obs`` and ``gdp_obs`` are observation tables (the columns of
    :data:`OBSERVATION_COLUMNS`) for the numerator indicator and for GDP; only the selected
    full-year row of ``year`` for ``region_code`` is used from each. The value is ``nan`` (with a note) when either
    is missing. ``note`` also says when the two come from different sources (different
    ``source_id``: coverage or revision vintage may differ) or carry a qualifier.

    >>> # real data: 2023 三产 704.11 / GDP 2329.52 → 30.2 %
    """
    num = _one_row(numerator_obs, year, "the numerator", region_code)
    gdp = _one_row(gdp_obs, year, "GDP", region_code)
    if num is None or gdp is None:
        which = " and ".join(w for w, r in (("numerator", num), ("GDP", gdp)) if r is None)
        return ShareOfGdp(year, math.nan, math.nan if num is None else float(num["value"]),
                          math.nan if gdp is None else float(gdp["value"]), "%",
                          None if num is None else num["source_id"], None if gdp is None else gdp["source_id"],
                          None, None, "exact", f"no {which} observation for {year}")
    n_value = convert_unit(float(num["value"]), num["unit"], gdp["unit"])
    value = n_value / float(gdp["value"]) * 100
    notes = []
    if num["source_id"] != gdp["source_id"]:
        notes.append(f"numerator ({num['indicator_id']}) from {num['source_id']} but GDP from {gdp['source_id']}: "
                     "different sources, so coverage or revision vintage may differ")
    qual = _combined_qualifier(num["qualifier"], gdp["qualifier"])
    if qual != "exact":
        notes.append(f"inputs are {qual}, so the share is approximate")
    return ShareOfGdp(year, value, float(num["value"]), float(gdp["value"]), "%", num["source_id"], gdp["source_id"],
                      _combine(num["source_id"], gdp["source_id"]), _combine(num["quality"], gdp["quality"]),
                      "approximate" if qual != "exact" else "exact", "; ".join(notes) or None)


def _series(row: pd.Series, usable: pd.DataFrame, level_unit: str | None) -> dict[int, Point]:
    """Year → value of what the target measures, in the target's unit (levels for growth targets)."""
    ind = row["indicator_id"]
    direct = usable[usable["indicator_id"] == ind].sort_values("year")
    if row["kind"] == "average_growth_rate":
        # growth is measured on the level series: one unit for all its values
        to_unit = level_unit or (direct["unit"].iloc[0] if len(direct) else None)
    else:
        to_unit = row["unit"]
    out: dict[int, Point] = {}
    for _, o in direct.iterrows():
        out[int(o["year"])] = Point(int(o["year"]), convert_unit(float(o["value"]), o["unit"], to_unit), to_unit,
                                    o["source_id"], o["quality"], o["qualifier"])
    if row["kind"] == "share_of_gdp" and isinstance(row.get("numerator_id"), str):
        num = usable[usable["indicator_id"] == row["numerator_id"]]
        gdp = usable[usable["indicator_id"] == "gdp"]
        for year in sorted(set(num["year"]) & set(gdp["year"])):
            s = share_of_gdp(num, gdp, int(year), str(num["region_code"].iloc[0]))
            notes = [f"computed as {row['numerator_id']} / gdp of the same year ({s.numerator:g} / {s.gdp:g})"]
            if s.note:
                notes.append(s.note)
            if int(year) in out:
                notes.append(f"published share {out[int(year)].value:g}% not used")
            out[int(year)] = Point(int(year), s.value, "%", s.source_id, s.quality, s.qualifier, "; ".join(notes))
    return out


# --------------------------------------------------------------------------- evaluation
def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _data_needed(row: pd.Series, b: int, ey: int, what: str) -> tuple[str, str]:
    name = f"{row['indicator_zh']} ({row['indicator_en']})"
    measured = f"; measured as: {row['observed_as']}" if isinstance(row.get("observed_as"), str) else ""
    span = f"{b + 1}–{ey}"
    kind = row["kind"]
    if what == "baseline":
        return (f"{name} for {b} (the plan states no {b} value), from the same series as the later values{measured}",
                f"{row['indicator_zh']}{b}年基期值（规划未给出），口径须与后续年份一致")
    if what == "years":
        return (f"{name}: a selected full-year observation for every year {span}{measured}",
                f"{row['indicator_zh']}{span}年逐年数据")
    if kind == "share_of_gdp":
        return (f"{name}: {row['numerator_id']} and GDP for the same year in {span} (or the published share) for 昌吉州 (652300)",
                f"{span}年同一年份的{row['indicator_zh']}分子与地区生产总值（或公布的比重）")
    if kind == "average_growth_rate":
        return (f"{name}: the level in {b} and in a year {span}; the realised average growth is computed from them{measured}",
                f"{row['indicator_zh']}：{b}年及{span}年中某一年的总量，据此计算年均增速")
    en = f"{name}: a selected full-year observation for 昌吉州 (652300) in a year {span}{measured}"
    zh = f"{row['indicator_zh']}：{span}年中某一年的全年数据"
    if kind in ("level", "share") and not (row["baseline_2020"] == row["baseline_2020"]):
        en += f"; and its {b} value from the same series (the plan states none)"
        zh += f"，以及同口径的{b}年基期值（规划未给出）"
    return en, zh


def evaluate_targets(targets: pd.DataFrame, observations: pd.DataFrame, evaluation_year: int,
                     thresholds: dict | None = None, region_code: str = CHANGJI,
                     baseline_from: str = "plan") -> pd.DataFrame:
    """One row per target (columns :data:`EVALUATION_COLUMNS`): latest value, progress, status.

    Parameters
    ----------
    targets : :func:`analysis.targets.parse_targets` output (needs ``base_year``/``target_year``).
    observations : tidy observations (:data:`OBSERVATION_COLUMNS`); only ``selected`` full-year
        rows of ``region_code`` are used, the latest year ≤ ``evaluation_year``.
    evaluation_year : last year whose data may be used.
    thresholds : ``ahead_margin`` / ``lagging_margin`` (default: :func:`load_thresholds`).
    baseline_from : ``"plan"`` (the plan's stated 2020 value, else the observed one) or
        ``"observations"`` (the observed 2020 value, else the plan's). A difference between the
        two is noted either way.

    Every target is kept; one without usable data is ``no_data`` (无数据) with ``data_needed``.
    """
    thresholds = load_thresholds() if thresholds is None else check_thresholds(thresholds)
    check_parameter("evaluation_year", evaluation_year, int)
    check_parameter("baseline_from", baseline_from, str, allowed=("plan", "observations"))
    if targets[["base_year", "target_year"]].isna().any().any():
        raise ValueError("targets lack base_year/target_year: parse the plan with link_text=True")
    usable = usable_observations(observations, region_code)
    rows = [_evaluate_one(t, targets, usable, evaluation_year, thresholds, baseline_from) for _, t in targets.iterrows()]
    out = pd.DataFrame.from_records(rows, columns=EVALUATION_COLUMNS)
    out["actual_year"] = out["actual_year"].astype("Int64")
    return out


def _level_unit(row: pd.Series, targets: pd.DataFrame) -> tuple[str | None, float]:
    """For a growth-rate target: the unit and the plan baseline of the level target on the same indicator."""
    same = targets[(targets["indicator_id"] == row["indicator_id"]) & (targets["kind"] == "level")]
    if same.empty:
        return None, math.nan
    return same.iloc[0]["unit"], float(same.iloc[0]["baseline_2020"])


def _evaluate_one(t: pd.Series, targets: pd.DataFrame, usable: pd.DataFrame, ey: int, thresholds: dict,
                  baseline_from: str) -> dict:
    b, ty = int(t["base_year"]), int(t["target_year"])
    elapsed_at_eval = elapsed_share(ey, b, ty)
    kind = t["kind"]
    out = {k: t.get(k) for k in ("target_id", "group_zh", "indicator_zh", "indicator_en", "indicator_id", "kind",
                                  "unit", "target_value", "target_text")}
    out.update(base_year=b, target_year=ty, evaluation_year=ey, elapsed_share=elapsed_at_eval, method=None,
               baseline_value=math.nan, baseline_origin=None, actual_value=math.nan, actual_year=None,
               actual_qualifier=None, source_id=None, quality=None, realised_rate=math.nan, target_rate=math.nan,
               required_rate=math.nan, achieved_share=math.nan, data_needed=None, data_needed_zh=None,
               alt_reading=None, alt_achieved_share=math.nan, alt_status_zh=None, alt_status_en=None)
    notes: list[str] = []

    def finish(status: str) -> dict:
        out.update(status=status, status_zh=STATUS_ZH[status], status_en=STATUS_EN[status], note="; ".join(notes) or None)
        return out

    def no_data(what: str) -> dict:
        out["data_needed"], out["data_needed_zh"] = _data_needed(t, b, ey, what)
        return finish("no_data")

    level_unit, level_baseline = (_level_unit(t, targets) if kind == "average_growth_rate" else (None, math.nan))
    series = _series(t, usable, level_unit)
    target = float(t["target_value"])
    if isinstance(t.get("plan_qualifier"), str) and t["plan_qualifier"] == "approximately":
        notes.append(f"the plan's sentence says {t['plan_qualifier_zh']} (about); read as a floor")

    # ---- count per year: needs every year
    if kind == "count_per_year":
        years = [y for y in series if b < y <= ey]
        if not years:
            return no_data("years")
        last = max(years)
        gaps = [y for y in range(b + 1, last + 1) if y not in series]
        if gaps:
            notes.append(f"years missing: {', '.join(map(str, gaps))}")
            return no_data("years")
        total = sum(series[y].value for y in range(b + 1, last + 1))
        pts = [series[y] for y in range(b + 1, last + 1)]
        out.update(actual_value=total, actual_year=last, method="cumulative_count",
                   source_id=_join(p.source_id for p in pts), quality=_join(p.quality for p in pts),
                   actual_qualifier=_combined_qualifier(*(p.qualifier for p in pts)),
                   achieved_share=total / (target * (ty - b)), elapsed_share=elapsed_share(last, b, ty))
        notes.append(f"{b + 1}–{last}: {_fmt(total)} {t['unit']} in total, {_fmt(total / len(pts))} a year against {_fmt(target)} a year")
        return finish(classify(out["achieved_share"], out["elapsed_share"], thresholds))

    later = [y for y in series if b < y <= ey]
    if not later:
        return no_data("actual")
    point = series[max(later)]
    elapsed = elapsed_share(point.year, b, ty)
    out.update(actual_value=point.value, actual_year=point.year, actual_qualifier=point.qualifier,
               source_id=point.source_id, quality=point.quality, elapsed_share=elapsed)
    if point.note:
        notes.append(point.note)
    if point.year < ey:
        notes.append(f"latest usable value is for {point.year}; compared with the time elapsed by then ({elapsed:.0%})")
    if point.qualifier == "lower_bound":
        notes.append("the value is a lower bound (突破/超过 …): progress is at least this")
    elif point.qualifier == "approximate":
        notes.append("the value is approximate (约 …)")

    # ---- baseline: the plan's stated value or the observed base-year value
    plan_base = level_baseline if kind == "average_growth_rate" else float(t["baseline_2020"])
    obs_base = series.get(b)
    candidates = {"plan text": plan_base, "observations": obs_base.value if obs_base else math.nan}
    order = ("plan text", "observations") if baseline_from == "plan" else ("observations", "plan text")
    origin = next((o for o in order if not math.isnan(candidates[o])), None)
    base = candidates[origin] if origin else math.nan
    if origin and all(not math.isnan(v) for v in candidates.values()) and not math.isclose(*candidates.values(), rel_tol=1e-3):
        notes.append(f"{b} value in the plan ({_fmt(plan_base)}) differs from the observed one ({_fmt(obs_base.value)}); "
                     f"the {origin} value is used")
    out.update(baseline_value=base, baseline_origin=origin)

    # ---- average growth rate
    if kind == "average_growth_rate":
        rate = target / 100
        out.update(target_rate=rate, method="growth_rate")
        if origin is None:
            return no_data("baseline")
        realised, share = growth_progress(point.value, base, point.year - b, rate, ty - b)
        implied = base * (1 + rate) ** (ty - b)
        out.update(realised_rate=realised, achieved_share=share)
        if point.year < ty and point.value < implied:
            out["required_rate"] = required_growth(point.value, implied, ty - point.year)
        notes.append(f"realised {realised:.2%} a year {b}–{point.year} against {rate:.2%}; "
                     f"the target rate gives {_fmt(implied)} {point.unit} by {ty}")
        return finish(classify(share, elapsed, thresholds))

    # ---- reached already
    if point.year < ty and point.value < target and kind == "level" and point.value > 0:
        out["required_rate"] = required_growth(point.value, target, ty - point.year)
    if origin is not None and base >= target:  # "maintain at least": only whether it still holds
        out["method"] = "maintain"
        notes.append(f"maintain-type target: the {b} value {_fmt(base)} already met it; it counts only while it still holds")
        return finish("achieved" if point.value >= target - _EPS else "lagging")
    if kind == "level":
        out["method"] = "log_progress"
    elif kind in ("share", "share_of_gdp") or origin is not None:
        out["method"] = "linear_progress"
    else:
        out["method"] = "count_from_start"
    if point.value >= target - _EPS:
        if origin is not None and base < target:
            out["achieved_share"] = (log_progress(point.value, base, target) if kind == "level"
                                     else linear_progress(point.value, base, target))
        _alt(out, t, series, b, point.year, thresholds, elapsed)
        return finish("achieved")
    if kind in ("count", "count_per_county") and origin is None:
        out["achieved_share"] = point.value / target
        notes.append(f"counted from the start of the plan period (the plan states no {b} number)")
        if isinstance(t.get("observed_as"), str):
            notes.append(f"observation must be the {t['observed_as']}")
        return finish(classify(out["achieved_share"], elapsed, thresholds))
    if origin is None:
        _alt(out, t, series, b, point.year, thresholds, elapsed)
        return no_data("baseline")
    if kind == "level":
        out["achieved_share"] = log_progress(point.value, base, target)
    else:
        out["achieved_share"] = linear_progress(point.value, base, target)
    _alt(out, t, series, b, point.year, thresholds, elapsed)
    return finish(classify(out["achieved_share"], elapsed, thresholds))


def _join(values) -> str:
    return " + ".join(dict.fromkeys(str(v) for v in values if v is not None))


def _alt(out: dict, t: pd.Series, series: dict[int, Point], b: int, last: int, thresholds: dict, elapsed: float) -> None:
    """The 2021–2025-total reading of a target the plan's wording leaves open (tourism)."""
    if not bool(t.get("may_be_five_year_total")):
        return
    gaps = [y for y in range(b + 1, last + 1) if y not in series]
    if gaps:
        out["alt_reading"] = (f"as a {b + 1}–{t['target_year']} total: needs every year {b + 1}–{last} "
                              f"(missing {', '.join(map(str, gaps))})")
        return
    total = sum(series[y].value for y in range(b + 1, last + 1))
    share = total / float(t["target_value"])
    status = classify(share, elapsed, thresholds)
    out.update(alt_achieved_share=share, alt_status_zh=STATUS_ZH[status], alt_status_en=STATUS_EN[status],
               alt_reading=f"as a {b + 1}–{t['target_year']} total: {b + 1}–{last} sum {_fmt(total)} {t['unit']} "
                           f"= {share:.0%} of {t['target_text']}")


def summary_line(evaluated: pd.DataFrame, lang: str = "zh") -> str:
    """Counts by class in the national review's form: ``N 项提前实现、N 项快于预期、…、N 项无数据``."""
    check_parameter("lang", lang, str, allowed=("zh", "en"))
    counts = evaluated["status"].value_counts()
    n = {k: int(counts.get(k, 0)) for k in STATUS_ORDER}
    if lang == "zh":
        return "、".join(f"{n[k]} 项{STATUS_ZH[k]}" for k in STATUS_ORDER)
    return ", ".join(f"{n[k]} {STATUS_EN[k]}" for k in STATUS_ORDER)
