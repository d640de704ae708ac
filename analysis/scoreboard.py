"""The 表 2 scoreboard: each of the plan's targets against 序时进度, with the value used, where it came
from, and — when there is none — the data it needs.

The reading depends on the kind of target (``kind`` from :mod:`analysis.targets`); one evaluator
per kind (:data:`EVALUATORS`), all built on :mod:`analysis.progress`:

- **level** (亿元, 亿人次 …): achieved share in logs from the 2020 baseline (:func:`~analysis.progress.log_progress`);
- **share_of_gdp**, **share** (percentages): linear from the baseline; a share of GDP is
  recomputed from the numerator and the *same year's* GDP (:func:`share_of_gdp`), and the
  published share is used only when that is impossible;
- a **maintain** target ("持续保持 40%以上": the baseline already meets it) counts only while the
  actual value still meets it;
- **average_growth_rate**: the realised CAGR from the baseline year, through
  :func:`~analysis.progress.growth_progress`;
- **count_per_year** (年均新增 10 家): the count summed over the years so far against
  ``target × horizon``; every year must be observed;
- **count** / **count_per_county**: linear from the plan's baseline where it states one, else
  counted from the start of the plan period (``actual / target``).

The baseline is the plan's stated value or the observed base-year value (:func:`choose_baseline`).
The elapsed share is taken at the year of the value used (a 2023 value is compared with 3/5,
even when the evaluation year is 2024), and the evaluation year caps which values are used.
No target is ever dropped: a target without usable data is 无数据 and says what data it needs.
Growth rates are fractions (0.065); shares of GDP are percent (30.2), as the plan prints them.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.catalogue import SUBJECT_REGION
from analysis.growth import required_growth
from analysis.observations import read_observations, selected_full_year
from analysis.parameters import check_parameter
from analysis.paths import resolve
from analysis.progress import (
    EPS,
    STATUS_EN,
    STATUS_ZH,
    check_thresholds,
    classify,
    elapsed_share,
    growth_progress,
    linear_progress,
    load_thresholds,
    log_progress,
)
from analysis.units import convert_units
from analysis.words import Message, to_json

OBSERVATION_COLUMNS = ("region_code", "indicator_id", "year", "period", "value", "unit", "qualifier",
                       "source_id", "quality", "selected")
EVALUATION_COLUMNS = [
    "target_id", "group_zh", "indicator_zh", "indicator_en", "indicator_id", "kind", "unit", "target_value",
    "target_text", "base_year", "target_year", "evaluation_year", "baseline_value", "baseline_origin",
    "actual_value", "actual_year", "actual_qualifier", "source_id", "quality", "method", "realised_rate",
    "target_rate", "required_rate", "achieved_share", "elapsed_share", "status", "status_zh", "status_en",
    "data_needed", "data_needed_message", "note", "note_messages", "alt_reading", "alt_achieved_share", "alt_status_zh", "alt_status_en",
]
#: the columns a result copies from its target row
_FROM_TARGET = ("target_id", "group_zh", "indicator_zh", "indicator_en", "indicator_id", "kind", "unit",
                "target_value", "target_text")


# --------------------------------------------------------------------------- inputs
class EvaluationInputs(NamedTuple):
    """What :func:`evaluate_targets` reads besides the evaluation year (a notebook unpacks it)."""

    thresholds: dict              # the class margins (analysis.progress.load_thresholds)
    observations: pd.DataFrame    # observations.csv (analysis.observations.read_observations)
    plan_targets: pd.DataFrame    # plan_targets.csv (analysis.targets)


def load_evaluation_inputs(thresholds_path: str | Path, observations_path: str | Path, targets_path: str | Path) -> EvaluationInputs:
    """Read the thresholds file, ``observations.csv`` and ``plan_targets.csv`` (paths relative to the
    project root, or absolute): the one preamble of every notebook that scores the targets."""
    return EvaluationInputs(load_thresholds(resolve(thresholds_path)), read_observations(observations_path),
                            pd.read_csv(resolve(targets_path)))


# --------------------------------------------------------------------------- observations used
def usable_observations(observations: pd.DataFrame, region_code: str = SUBJECT_REGION) -> pd.DataFrame:
    """The rows an evaluation may use: :func:`~analysis.observations.selected_full_year` rows of
    ``region_code``, with ``year`` as int.

    Raises ValueError for missing columns, a non-boolean ``selected``, or two selected rows for
    the same indicator and year (selection must pick one).
    """
    missing = [c for c in OBSERVATION_COLUMNS if c not in observations.columns]
    if missing:
        raise ValueError(f"observations lack the columns {missing}; expected {list(OBSERVATION_COLUMNS)}")
    if not observations["selected"].map(lambda x: isinstance(x, (bool, np.bool_))).all():
        raise ValueError("observations column 'selected' must hold booleans (True/False)")
    obs = selected_full_year(observations, region_code).copy()
    obs["year"] = obs["year"].astype(int)
    dup = obs.duplicated(["indicator_id", "year"], keep=False)
    if dup.any():
        first = obs[dup].iloc[0]
        same = dup & (obs.indicator_id == first.indicator_id) & (obs.year == first.year)
        raise ValueError(f"two selected full-year observations for {first['indicator_id']} {first['year']} "
                         f"(sources {sorted(obs[same].source_id)}); select one")
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
    note: str | None = None  # English, as the messages read
    messages: tuple[Message, ...] = ()  # the notes as catalogue messages (the report renders these)


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
    note: str | None  # English, as the messages read
    messages: tuple[Message, ...] = ()


def _notes(messages: list[Message]) -> tuple[str | None, tuple[Message, ...]]:
    """A note's two forms: English text (``None`` if there is nothing to say) and the messages."""
    return "; ".join(messages) or None, tuple(messages)


def _one_row(obs: pd.DataFrame, year: int, what: str, region_code: str) -> pd.Series | None:
    rows = selected_full_year(obs, region_code)
    rows = rows[rows["year"].astype(int) == year]
    if len(rows) > 1:
        raise ValueError(f"{len(rows)} selected full-year observations of {what} for {year}; select one")
    return None if rows.empty else rows.iloc[0]


def _combine(first: str | None, second: str | None) -> str | None:
    vals = [x for x in (first, second) if x is not None and x == x]
    return None if not vals else (vals[0] if len(set(vals)) == 1 else " + ".join(dict.fromkeys(vals)))


def _combined_qualifier(*qualifiers: str) -> str:
    given = [q for q in qualifiers if q and q == q]
    return "exact" if all(q == "exact" for q in given) else next(q for q in given if q != "exact")


def share_of_gdp(numerator_obs: pd.DataFrame, gdp_obs: pd.DataFrame, year: int,
                 region_code: str = SUBJECT_REGION) -> ShareOfGdp:
    """``numerator / GDP × 100`` for ``year`` from selected full-year observations of both.

    ``numerator_obs`` and ``gdp_obs`` are observation tables (the columns of
    :data:`OBSERVATION_COLUMNS`) for the numerator indicator and for GDP; only the selected
    full-year row of ``year`` for ``region_code`` is used from each. The value is ``nan`` (with a
    note) when either is missing. ``note`` also says when the two come from different sources
    (different ``source_id``: coverage or revision vintage may differ) or carry a qualifier.
    Real data: 2023 三产 704.11 / GDP 2329.52 → 30.2 %.
    """
    num = _one_row(numerator_obs, year, "the numerator", region_code)
    gdp = _one_row(gdp_obs, year, "GDP", region_code)
    if num is None or gdp is None:
        which = "both" if num is None and gdp is None else "numerator" if num is None else "gdp"
        return ShareOfGdp(year, math.nan, math.nan if num is None else float(num["value"]),
                          math.nan if gdp is None else float(gdp["value"]), "%",
                          None if num is None else num["source_id"], None if gdp is None else gdp["source_id"],
                          None, None, "exact", *_notes([Message(f"note.share_missing_{which}", year=year)]))
    value = convert_units(float(num["value"]), num["unit"], gdp["unit"]) / float(gdp["value"]) * 100
    notes = []
    if num["source_id"] != gdp["source_id"]:
        notes.append(Message("note.share_mixed_sources", numerator=num["indicator_id"], source_a=num["source_id"],
                             source_b=gdp["source_id"]))
    qual = _combined_qualifier(num["qualifier"], gdp["qualifier"])
    if qual != "exact":
        notes.append(Message("note.share_approximate", qualifier=Message(f"qualifier.{qual}")))
    return ShareOfGdp(year, value, float(num["value"]), float(gdp["value"]), "%", num["source_id"], gdp["source_id"],
                      _combine(num["source_id"], gdp["source_id"]), _combine(num["quality"], gdp["quality"]),
                      "approximate" if qual != "exact" else "exact", *_notes(notes))


def target_series(target: pd.Series, usable: pd.DataFrame, level_unit: str | None) -> dict[int, Point]:
    """Year → value of what ``target`` measures, in the target's unit (for a growth-rate target: the
    level series, in ``level_unit``); a share of GDP recomputed wherever its inputs allow."""
    direct = usable[usable["indicator_id"] == target["indicator_id"]].sort_values("year")
    if target["kind"] == "average_growth_rate":
        # growth is measured on the level series: one unit for all its values
        to_unit = level_unit or (direct["unit"].iloc[0] if len(direct) else None)
    else:
        to_unit = target["unit"]
    out: dict[int, Point] = {}
    for _, o in direct.iterrows():
        out[int(o["year"])] = Point(int(o["year"]), convert_units(float(o["value"]), o["unit"], to_unit), to_unit,
                                    o["source_id"], o["quality"], o["qualifier"])
    if target["kind"] == "share_of_gdp" and isinstance(target.get("numerator_id"), str):
        num = usable[usable["indicator_id"] == target["numerator_id"]]
        gdp = usable[usable["indicator_id"] == "gdp"]
        for year in sorted(set(num["year"]) & set(gdp["year"])):
            s = share_of_gdp(num, gdp, int(year), str(num["region_code"].iloc[0]))
            notes = [Message("note.share_computed", numerator=target["numerator_id"], a=_amount(s.numerator), b=_amount(s.gdp)),
                     *s.messages]
            if int(year) in out:
                notes.append(Message("note.published_share_unused", share=f"{out[int(year)].value:g}"))
            out[int(year)] = Point(int(year), s.value, "%", s.source_id, s.quality, s.qualifier, *_notes(notes))
    return out


# --------------------------------------------------------------------------- one target
def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _amount(x: float) -> str:
    """An amount in a note as the report writes amounts: two decimals, thousands separators (307.27, 2,329.52)."""
    return f"{x:,.2f}"


def _join(values) -> str:
    return " + ".join(dict.fromkeys(str(v) for v in values if v is not None))


def split_combined(value) -> list[str]:
    """The parts of a combined cell (``a + b``: the two sources or qualities of a share recomputed
    from its numerator and GDP); ``[]`` for a missing value."""
    return [part.strip() for part in value.split("+") if part.strip()] if isinstance(value, str) else []


@dataclass
class TargetProgress:
    """One scoreboard row (the columns of :data:`EVALUATION_COLUMNS`); ``notes`` become ``note``."""

    target_id: object
    group_zh: object
    indicator_zh: object
    indicator_en: object
    indicator_id: object
    kind: object
    unit: object
    target_value: object
    target_text: object
    base_year: int
    target_year: int
    evaluation_year: int
    elapsed_share: float
    baseline_value: float = math.nan
    baseline_origin: str | None = None
    actual_value: float = math.nan
    actual_year: int | None = None
    actual_qualifier: str | None = None
    source_id: str | None = None
    quality: str | None = None
    method: str | None = None
    realised_rate: float = math.nan
    target_rate: float = math.nan
    required_rate: float = math.nan
    achieved_share: float = math.nan
    status: str | None = None
    status_zh: str | None = None
    status_en: str | None = None
    data_needed: str | None = None          # English, for people reading the CSV
    data_needed_message: str | None = None  # the same as a catalogue message (JSON), what the report renders
    note: str | None = None
    note_messages: str | None = None
    alt_reading: str | None = None
    alt_achieved_share: float = math.nan
    alt_status_zh: str | None = None
    alt_status_en: str | None = None
    notes: list[Message] = field(default_factory=list)

    def finish(self, status: str) -> TargetProgress:
        self.status, self.status_zh, self.status_en = status, STATUS_ZH[status], STATUS_EN[status]
        self.note = "; ".join(self.notes) or None  # English, for people reading the CSV
        self.note_messages = to_json(self.notes) if self.notes else None  # what the report renders
        return self

    def row(self) -> dict:
        return {c: getattr(self, c) for c in EVALUATION_COLUMNS}


@dataclass(frozen=True)
class Baseline:
    """The base-year value progress is measured from, and where it came from (``None``: no value)."""

    value: float
    origin: str | None       # "plan text" | "observations" | None
    note: Message | None = None  # why the plan's and the observed base-year values differ


@dataclass
class TargetInputs:
    """What one target is evaluated with."""

    target: pd.Series
    series: dict[int, Point]     # year → value of what the target measures
    plan_baseline: float         # the plan's own base-year value (nan where it states none)
    evaluation_year: int
    thresholds: dict
    baseline_from: str

    @property
    def base_year(self) -> int:
        return int(self.target["base_year"])

    @property
    def target_year(self) -> int:
        return int(self.target["target_year"])

    @property
    def goal(self) -> float:
        return float(self.target["target_value"])

    @property
    def kind(self) -> str:
        return self.target["kind"]

    def elapsed(self, year: int) -> float:
        return elapsed_share(year, self.base_year, self.target_year)

    def classify(self, achieved: float, elapsed: float) -> str:
        return classify(achieved, elapsed, self.thresholds)


def choose_baseline(inputs: TargetInputs) -> Baseline:
    """The plan's stated base-year value or the observed one, in the order ``baseline_from`` asks
    (``"plan"``: plan first); when both exist and differ by more than 0.1 %, a note says so."""
    observed = inputs.series.get(inputs.base_year)
    candidates = {"plan text": inputs.plan_baseline, "observations": observed.value if observed else math.nan}
    order = ("plan text", "observations") if inputs.baseline_from == "plan" else ("observations", "plan text")
    origin = next((o for o in order if not math.isnan(candidates[o])), None)
    if origin is None:
        return Baseline(math.nan, None)
    note = None
    if all(not math.isnan(v) for v in candidates.values()) and not math.isclose(*candidates.values(), rel_tol=1e-3):
        note = Message("note.baseline_differs", year=inputs.base_year, plan=_fmt(inputs.plan_baseline), observed=_fmt(observed.value),
                       origin=Message("note.origin.plan" if origin == "plan text" else "note.origin.observations"))
    return Baseline(candidates[origin], origin, note)


def data_needed(target: pd.Series, base_year: int, evaluation_year: int, what: str) -> Message:
    """The data a target lacks, as a catalogue message: its ``baseline``, every one of its
    ``years``, or (anything else) an actual value. As a string it is the English the CSV's
    ``data_needed`` column carries; the report renders it in its language (``indicator`` is the
    target's indicator id there, replaced by the target's name in the reader's language)."""
    observed = target.get("observed_as")
    measured = Message("need.measured", what=Message(observed, start=base_year + 1)) if isinstance(observed, str) else ""
    names = {"indicator": target["indicator_id"], "start": base_year + 1, "end": evaluation_year, "measured": measured}
    kind = target["kind"]
    if what == "baseline":
        return Message("need.baseline", base_year=base_year, **names)
    if what == "years":
        return Message("need.years", **names)
    if kind == "share_of_gdp":
        return Message("need.share_of_gdp", numerator=target["numerator_id"], **names)
    if kind == "average_growth_rate":
        return Message("need.growth", base_year=base_year, **names)
    no_baseline = kind in ("level", "share") and not (target["baseline_2020"] == target["baseline_2020"])
    return Message("need.actual", baseline=Message("need.and_baseline", base_year=base_year) if no_baseline else "", **names)


def _no_data(inputs: TargetInputs, result: TargetProgress, what: str) -> TargetProgress:
    needed = data_needed(inputs.target, inputs.base_year, inputs.evaluation_year, what)
    result.data_needed, result.data_needed_message = str(needed), to_json([needed])
    return result.finish("no_data")


def _five_year_total_reading(inputs: TargetInputs, result: TargetProgress, last_year: int) -> None:
    """The 2021–2025-total reading of a target the plan's wording leaves open (tourism)."""
    target = inputs.target
    if not bool(target.get("may_be_five_year_total")):
        return
    first = inputs.base_year + 1
    gaps = [y for y in range(first, last_year + 1) if y not in inputs.series]
    if gaps:
        result.alt_reading = (f"as a {first}–{target['target_year']} total: needs every year {first}–{last_year} "
                              f"(missing {', '.join(map(str, gaps))})")
        return
    total = sum(inputs.series[y].value for y in range(first, last_year + 1))
    share = total / float(target["target_value"])
    status = inputs.classify(share, result.elapsed_share)
    result.alt_achieved_share, result.alt_status_zh, result.alt_status_en = share, STATUS_ZH[status], STATUS_EN[status]
    result.alt_reading = (f"as a {first}–{target['target_year']} total: {first}–{last_year} sum {_fmt(total)} "
                          f"{target['unit']} = {share:.0%} of {target['target_text']}")


# --------------------------------------------------------------------------- evaluators by kind
Evaluator = Callable[[TargetInputs, TargetProgress], TargetProgress]


def _count_per_year(inputs: TargetInputs, result: TargetProgress) -> TargetProgress:
    """年均新增 N: the counts of every year so far, summed, against ``N × horizon``."""
    base_year, series = inputs.base_year, inputs.series
    years = [y for y in series if base_year < y <= inputs.evaluation_year]
    if not years:
        return _no_data(inputs, result, "years")
    last = max(years)
    gaps = [y for y in range(base_year + 1, last + 1) if y not in series]
    if gaps:
        result.notes.append(Message("note.years_missing", years=", ".join(map(str, gaps))))
        return _no_data(inputs, result, "years")
    points = [series[y] for y in range(base_year + 1, last + 1)]
    total = sum(p.value for p in points)
    result.actual_value, result.actual_year, result.method = total, last, "cumulative_count"
    result.source_id, result.quality = _join(p.source_id for p in points), _join(p.quality for p in points)
    result.actual_qualifier = _combined_qualifier(*(p.qualifier for p in points))
    result.achieved_share = total / (inputs.goal * (inputs.target_year - base_year))
    result.elapsed_share = inputs.elapsed(last)
    result.notes.append(Message("note.count_total", start=base_year + 1, end=last, total=_fmt(total), unit=inputs.target["unit"],
                                per_year=_fmt(total / len(points)), target=_fmt(inputs.goal)))
    return result.finish(inputs.classify(result.achieved_share, result.elapsed_share))


def _latest_point(inputs: TargetInputs, result: TargetProgress) -> Point | None:
    """The latest value after the base year and up to the evaluation year, recorded in ``result``."""
    later = [y for y in inputs.series if inputs.base_year < y <= inputs.evaluation_year]
    if not later:
        return None
    point = inputs.series[max(later)]
    elapsed = inputs.elapsed(point.year)
    result.actual_value, result.actual_year, result.actual_qualifier = point.value, point.year, point.qualifier
    result.source_id, result.quality, result.elapsed_share = point.source_id, point.quality, elapsed
    result.notes.extend(point.messages)
    if point.year < inputs.evaluation_year:
        result.notes.append(Message("note.stale_year", year=point.year, elapsed=f"{elapsed:.0%}"))
    if point.qualifier == "lower_bound":
        result.notes.append(Message("note.lower_bound"))
    elif point.qualifier == "approximate":
        result.notes.append(Message("note.approximate"))
    return point


def _from_latest_value(evaluate: Callable[[TargetInputs, TargetProgress, Point, Baseline], TargetProgress]) -> Evaluator:
    """An evaluator that reads the latest value against a baseline (every kind but count_per_year)."""
    def run(inputs: TargetInputs, result: TargetProgress) -> TargetProgress:
        point = _latest_point(inputs, result)
        if point is None:
            return _no_data(inputs, result, "actual")
        baseline = choose_baseline(inputs)
        if baseline.note:
            result.notes.append(baseline.note)
        result.baseline_value, result.baseline_origin = baseline.value, baseline.origin
        return evaluate(inputs, result, point, baseline)
    return run


def _growth_rate(inputs: TargetInputs, result: TargetProgress, point: Point, baseline: Baseline) -> TargetProgress:
    """An average growth rate: the realised CAGR since the base year against the target rate."""
    base_year, target_year = inputs.base_year, inputs.target_year
    rate = inputs.goal / 100
    result.target_rate, result.method = rate, "growth_rate"
    if baseline.origin is None:
        return _no_data(inputs, result, "baseline")
    realised, share = growth_progress(point.value, baseline.value, point.year - base_year, rate, target_year - base_year)
    implied = baseline.value * (1 + rate) ** (target_year - base_year)
    result.realised_rate, result.achieved_share = realised, share
    if point.year < target_year and point.value < implied:
        result.required_rate = required_growth(point.value, implied, target_year - point.year)
    result.notes.append(Message("note.realised_rate", realised=f"{realised:.2%}", start=base_year, end=point.year, rate=f"{rate:.2%}",
                                implied=_amount(implied), unit=point.unit, year=target_year))
    return result.finish(inputs.classify(share, result.elapsed_share))


def _progress(kind: str, actual: float, baseline: float, target: float) -> float:
    return log_progress(actual, baseline, target) if kind == "level" else linear_progress(actual, baseline, target)


def _from_baseline(inputs: TargetInputs, result: TargetProgress, point: Point, baseline: Baseline) -> TargetProgress:
    """A level, share or count measured from its baseline (logs for a level, linear otherwise); a
    baseline that already meets the target makes it a maintain-type target."""
    kind, goal, target_year = inputs.kind, inputs.goal, inputs.target_year
    if point.year < target_year and point.value < goal and kind == "level" and point.value > 0:
        result.required_rate = required_growth(point.value, goal, target_year - point.year)
    if baseline.origin is not None and baseline.value >= goal:  # "maintain at least": only whether it still holds
        result.method = "maintain"
        result.notes.append(Message("note.maintain", year=inputs.base_year, value=_fmt(baseline.value)))
        return result.finish("achieved" if point.value >= goal - EPS else "lagging")
    result.method = "log_progress" if kind == "level" else "linear_progress"
    if point.value >= goal - EPS:
        if baseline.origin is not None:
            result.achieved_share = _progress(kind, point.value, baseline.value, goal)
        _five_year_total_reading(inputs, result, point.year)
        return result.finish("achieved")
    if baseline.origin is None:
        _five_year_total_reading(inputs, result, point.year)
        return _no_data(inputs, result, "baseline")
    result.achieved_share = _progress(kind, point.value, baseline.value, goal)
    _five_year_total_reading(inputs, result, point.year)
    return result.finish(inputs.classify(result.achieved_share, result.elapsed_share))


def _count(inputs: TargetInputs, result: TargetProgress, point: Point, baseline: Baseline) -> TargetProgress:
    """A count: from the plan's baseline where it states one, else counted from the start of the plan."""
    if baseline.origin is not None:
        return _from_baseline(inputs, result, point, baseline)
    result.method = "count_from_start"
    if point.value >= inputs.goal - EPS:
        _five_year_total_reading(inputs, result, point.year)
        return result.finish("achieved")
    result.achieved_share = point.value / inputs.goal
    result.notes.append(Message("note.counted_from_start", year=inputs.base_year))
    if isinstance(inputs.target.get("observed_as"), str):
        result.notes.append(Message("note.observed_as", what=Message(inputs.target["observed_as"], start=inputs.base_year + 1)))
    return result.finish(inputs.classify(result.achieved_share, result.elapsed_share))


#: how each kind of target (:data:`analysis.targets.KINDS`) is evaluated
EVALUATORS: dict[str, Evaluator] = {
    "level": _from_latest_value(_from_baseline),
    "share": _from_latest_value(_from_baseline),
    "share_of_gdp": _from_latest_value(_from_baseline),
    "average_growth_rate": _from_latest_value(_growth_rate),
    "count_per_year": _count_per_year,
    "count": _from_latest_value(_count),
    "count_per_county": _from_latest_value(_count),
}


def evaluate_target(inputs: TargetInputs) -> TargetProgress:
    """One target's progress, by the evaluator of its kind."""
    target = inputs.target
    result = TargetProgress(**{k: target.get(k) for k in _FROM_TARGET}, base_year=inputs.base_year,
                            target_year=inputs.target_year, evaluation_year=inputs.evaluation_year,
                            elapsed_share=inputs.elapsed(inputs.evaluation_year))
    if isinstance(target.get("plan_qualifier"), str) and target["plan_qualifier"] == "approximately":
        result.notes.append(Message("note.about_as_floor", qualifier=target["plan_qualifier_zh"]))
    return EVALUATORS[inputs.kind](inputs, result)


def _level_target(target: pd.Series, targets: pd.DataFrame) -> tuple[str | None, float]:
    """For a growth-rate target: the unit and the plan baseline of the level target on the same indicator."""
    same = targets[(targets["indicator_id"] == target["indicator_id"]) & (targets["kind"] == "level")]
    if same.empty:
        return None, math.nan
    return same.iloc[0]["unit"], float(same.iloc[0]["baseline_2020"])


def evaluate_targets(targets: pd.DataFrame, observations: pd.DataFrame, evaluation_year: int,
                     thresholds: dict | None = None, region_code: str = SUBJECT_REGION,
                     baseline_from: str = "plan") -> pd.DataFrame:
    """One row per target (columns :data:`EVALUATION_COLUMNS`): latest value, progress, status.

    Parameters
    ----------
    targets : :func:`analysis.targets.parse_targets` output (needs ``base_year``/``target_year``).
    observations : tidy observations (:data:`OBSERVATION_COLUMNS`); only ``selected`` full-year
        rows of ``region_code`` are used, the latest year ≤ ``evaluation_year``.
    evaluation_year : last year whose data may be used.
    thresholds : ``ahead_margin`` / ``lagging_margin`` (default: :func:`analysis.progress.load_thresholds`).
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
    rows = []
    for _, target in targets.iterrows():
        if target["kind"] == "average_growth_rate":
            level_unit, plan_baseline = _level_target(target, targets)
        else:
            level_unit, plan_baseline = None, float(target["baseline_2020"])
        inputs = TargetInputs(target, target_series(target, usable, level_unit), plan_baseline, evaluation_year,
                              thresholds, baseline_from)
        rows.append(evaluate_target(inputs).row())
    out = pd.DataFrame.from_records(rows, columns=EVALUATION_COLUMNS)
    out["actual_year"] = out["actual_year"].astype("Int64")
    return out
