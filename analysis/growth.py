"""Growth scenarios for short, irregular annual series against the plan's 2025 targets.

Conventions used throughout this module
---------------------------------------
- **values** are in the series' own unit (亿元 = CNY 100 million, 万人次 = 10 000 person-trips,
  …) and must be strictly positive, because growth is modelled on logarithms;
- **rates** are fractions per year (``0.08`` means 8 % a year), never percentages;
- **years** are integer calendar years (``2023``); a *duration* in years may be fractional.

The series this module is written for have 2–6 points, irregular years (2015, 2018, 2020,
2023) and a COVID break in 2020–2022, so every fitting function records *why* it did something
other than what was asked (a covid treatment that the data cannot identify, an interval that
cannot be computed, a damped-trend fit that fell back to the log-linear trend) instead of
failing or silently changing method.

This module holds the closed-form arithmetic (:func:`cagr`, :func:`required_growth`, paths, the
sweep), the COVID treatment, the fitted-model object :class:`TrendFit` and the two fits; the damped
trend's own estimator and simulation are in :mod:`analysis.damped_trend`.

Everything here is pure: no global state, no printing, no file access, and any randomness
comes from an explicit seed.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field, replace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis import damped_trend
from analysis.parameters import CHOICES
from analysis.words import Message

# scipy is imported where a prediction interval is evaluated, statsmodels (in
# analysis.damped_trend) where a damped trend is smoothed (about 2 s a process): a notebook that
# only needs cagr/required_growth/plan_path must not pay them.


__all__ = [
    "COVID_TREATMENTS",
    "COVID_YEARS",
    "DEFAULT_HORIZON_YEARS",
    "DEFAULT_LEVEL",
    "DEFAULT_N_SIMS",
    "DEFAULT_SWEEP_RATES",
    "MIN_POINTS_DAMPED",
    "CovidDesign",
    "TrendFit",
    "cagr",
    "covid_design",
    "fit_damped_trend",
    "fit_loglinear_trend",
    "plan_path",
    "probability_of_reaching",
    "required_growth",
    "stress_path",
    "sweep_grid",
    "sweep_required_vs_achievable",
]

#: Allowed values of the ``covid`` argument.
COVID_TREATMENTS: tuple[str, ...] = CHOICES["covid"]
#: Calendar years treated as the COVID break.
COVID_YEARS: tuple[int, ...] = (2020, 2021, 2022)
#: A damped additive trend ETS estimates 5 parameters (alpha, beta, phi, initial level and
#: trend) plus the error variance; below 8 consecutive points the likelihood is nearly flat in
#: phi and the fit is not worth more than a straight line on logs.
MIN_POINTS_DAMPED: int = 8
#: Years projected by ``TrendFit.predict()`` when no years are given (2021→2025 is 5 years).
DEFAULT_HORIZON_YEARS: int = 5
#: Central coverage of prediction intervals (0.80 → 10th to 90th percentile).
DEFAULT_LEVEL: float = 0.80
#: Simulated paths for the damped trend; 2000 keeps the 10 %/90 % quantiles stable to ~1 %.
DEFAULT_N_SIMS: int = 2000
#: Rate grid of the required-vs-achievable sweep: 4 % to 12 % in 0.5 pp steps (each
#: indicator's grid continues past its required rate: :func:`sweep_grid`).
DEFAULT_SWEEP_RATES: np.ndarray = np.arange(0.04, 0.1201, 0.005)

# Relative tolerance for "value reaches target": a path grown at exactly the required rate
# must count as reaching the target despite floating-point rounding.
_REACH_RTOL = 1e-9


# ---------------------------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------------------------
def _check_positive(x: float, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x) or x <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {x!r}")
    return float(x)


def _check_rate(rate: float, name: str = "rate") -> float:
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not math.isfinite(rate):
        raise ValueError(f"{name} must be a finite fraction per year (0.08 = 8 %), got {rate!r}")
    if rate <= -1:
        raise ValueError(f"{name} must be > -1 (a fraction per year, 0.08 = 8 %), got {rate!r}")
    return float(rate)


def _check_year(year, name: str = "year") -> int:
    """An integer calendar year; integral floats (2023.0, as pandas gives them) are accepted."""
    if isinstance(year, bool):
        raise ValueError(f"{name} must be an integer calendar year, got {year!r}")
    if isinstance(year, numbers.Integral):
        return int(year)
    if isinstance(year, numbers.Real) and math.isfinite(year) and float(year).is_integer():
        return int(year)
    raise ValueError(f"{name} must be an integer calendar year, got {year!r}")


def _check_years(years, name: str = "years") -> np.ndarray:
    arr = np.asarray(years)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return np.array([_check_year(y.item() if hasattr(y, "item") else y, name) for y in arr],
                    dtype=np.int64)


def _check_level(level: float) -> float:
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(f"level must be a coverage fraction strictly between 0 and 1 "
                         f"(0.80 = 80 % interval), got {level!r}")
    return float(level)


def _check_treatment(treatment: str) -> str:
    if treatment not in COVID_TREATMENTS:
        allowed = ", ".join(repr(t) for t in COVID_TREATMENTS)
        raise ValueError(f"unknown covid treatment {treatment!r}; allowed: {allowed}")
    return treatment


def _check_series(years, values) -> tuple[np.ndarray, np.ndarray]:
    """Validated (years, values), sorted by year; years unique, values finite and > 0."""
    yrs = _check_years(years)
    vals = np.asarray(values, dtype=float)
    if vals.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {vals.shape}")
    if len(yrs) != len(vals):
        raise ValueError(f"years and values must have the same length, got {len(yrs)} years "
                         f"and {len(vals)} values")
    bad = ~np.isfinite(vals) | (vals <= 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"values must be finite and > 0 (growth is modelled on logs); got "
                         f"{vals[i]!r} for year {yrs[i]}")
    uniq, counts = np.unique(yrs, return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"years must be unique, duplicated: {uniq[counts > 1].tolist()}")
    order = np.argsort(yrs, kind="stable")
    return yrs[order], vals[order]


# ---------------------------------------------------------------------------------------------
# closed-form growth arithmetic
# ---------------------------------------------------------------------------------------------
def cagr(start_value: float, end_value: float, years: float) -> float:
    """Compound annual growth rate between two values.

    Parameters
    ----------
    start_value, end_value : float
        Values in the series' own unit (e.g. 亿元); both must be > 0.
    years : float
        Elapsed time in years (e.g. ``2020 - 2015 = 5``); must be > 0. May be fractional.

    Returns
    -------
    float
        Rate as a fraction per year: ``(end_value / start_value) ** (1 / years) - 1``.

    Raises
    ------
    ValueError
        If a value is not a finite positive number or ``years <= 0``.

    Examples
    --------
    >>> round(cagr(358.05, 563.51, 5), 4)   # tertiary VA 2015 → 2020
    0.0949
    """
    start_value = _check_positive(start_value, "start_value")
    end_value = _check_positive(end_value, "end_value")
    years = _check_positive(years, "years")
    return (end_value / start_value) ** (1.0 / years) - 1.0


def required_growth(current: float, target: float, years: float) -> float:
    """Constant annual rate needed to go from ``current`` to ``target`` in ``years`` years.

    :func:`cagr` with the arguments a target is stated in: ``current`` and ``target`` in the series'
    own unit (e.g. 亿元, both > 0), ``years`` left until the target year (e.g. ``2025 - 2020 = 5``,
    > 0). The rate is a fraction per year.

    >>> round(required_growth(224.27, 350, 5), 4)   # retail sales 2020 → 2025 target
    0.0931
    """
    # checked here so that a bad argument is named as the caller knows it; the rate is cagr's
    return cagr(_check_positive(current, "current"), _check_positive(target, "target"), _check_positive(years, "years"))


def plan_path(base_value: float, base_year: int, rate: float, end_year: int) -> pd.DataFrame:
    """Path of a value growing at a constant rate, one row per calendar year.

    Parameters
    ----------
    base_value : float
        Value in ``base_year``, in the series' own unit; > 0.
    base_year, end_year : int
        Calendar years, ``end_year >= base_year``.
    rate : float
        Growth rate as a fraction per year (> -1).

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (int) and ``value`` (same unit as ``base_value``), with
        ``value = base_value * (1 + rate) ** (year - base_year)`` for every year
        ``base_year .. end_year`` inclusive.
    """
    base_value = _check_positive(base_value, "base_value")
    base_year = _check_year(base_year, "base_year")
    end_year = _check_year(end_year, "end_year")
    rate = _check_rate(rate)
    if end_year < base_year:
        raise ValueError(f"end_year ({end_year}) must be >= base_year ({base_year})")
    years = np.arange(base_year, end_year + 1, dtype=np.int64)
    return pd.DataFrame({"year": years,
                         "value": base_value * (1.0 + rate) ** (years - base_year)})


def stress_path(base_value: float, base_year: int, rate: float, end_year: int,
                shock: float = 0.02) -> pd.DataFrame:
    """Stress scenario: the base path grown at ``rate - shock`` every year.

    The simplest stress that answers "what if growth runs ``shock`` below the assumed rate for
    the rest of the plan period"; pass e.g. a fitted ``TrendFit.growth_rate`` as ``rate``.

    Parameters
    ----------
    base_value : float
        Value in ``base_year`` in the series' own unit; > 0.
    base_year, end_year : int
        Calendar years, ``end_year >= base_year``.
    rate : float
        Baseline growth, fraction per year.
    shock : float, default 0.02
        Reduction of the growth rate, fraction per year (0.02 = 2 percentage points); >= 0 and
        such that ``rate - shock > -1``.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``value`` as :func:`plan_path` at rate ``rate - shock``.
    """
    rate = _check_rate(rate)
    if isinstance(shock, bool) or not isinstance(shock, numbers.Real) or not math.isfinite(shock) \
            or shock < 0:
        raise ValueError(f"shock must be a finite fraction per year >= 0 (0.02 = 2 pp lower "
                         f"growth), got {shock!r}")
    return plan_path(base_value, base_year, _check_rate(rate - shock, "rate - shock"), end_year)


def sweep_required_vs_achievable(
    indicators: Mapping[str, tuple[float, int, float, int]],
    rates: Sequence[float] | np.ndarray | None = None,
) -> pd.DataFrame:
    """Which constant growth rates reach each indicator's target, for a grid of rates that reaches
    past each indicator's required rate.

    Pure numpy/pandas and vectorised over rates (no model fitting).

    Parameters
    ----------
    indicators : mapping
        ``{indicator_id: (latest_value, latest_year, target, target_year)}`` with values in the
        indicator's own unit (> 0) and integer calendar years, ``target_year > latest_year``.
    rates : array_like of float, optional
        Growth rates as fractions per year (each > -1). Default :data:`DEFAULT_SWEEP_RATES`
        (4 % to 12 % in 0.5 pp steps). Each indicator's grid is these rates continued in their
        last step until it passes the indicator's required rate by one step
        (:func:`sweep_grid`), so the sweep always shows where the target is reached.

    Returns
    -------
    pandas.DataFrame
        One row per (indicator, rate), indicators in mapping order, columns

        - ``indicator_id`` (str);
        - ``rate`` (fraction per year);
        - ``value_at_target_year``: ``latest_value * (1 + rate) ** (target_year - latest_year)``
          in the indicator's unit;
        - ``reaches_target`` (bool): value ≥ target (relative tolerance 1e-9, so the required
          rate itself counts as reaching);
        - ``required_rate``: :func:`required_growth` of the indicator (same on each of its rows).
    """
    grid = DEFAULT_SWEEP_RATES if rates is None else np.asarray(rates, dtype=float)
    if grid.ndim != 1 or grid.size == 0:
        raise ValueError("rates must be a non-empty one-dimensional array of fractions per year")
    if not np.all(np.isfinite(grid)) or np.any(grid <= -1):
        raise ValueError("rates must be finite fractions per year > -1 (0.08 = 8 %)")
    if not indicators:
        raise ValueError("indicators must contain at least one "
                         "{indicator_id: (latest_value, latest_year, target, target_year)} entry")

    parts = []
    for key, spec in indicators.items():
        try:
            latest_value, latest_year, target_value, target_year = spec
        except (TypeError, ValueError):
            raise ValueError(f"indicator {key!r}: expected (latest_value, latest_year, target, "
                             f"target_year), got {spec!r}") from None
        latest_year = _check_year(latest_year, f"{key}: latest_year")
        target_year = _check_year(target_year, f"{key}: target_year")
        if target_year <= latest_year:
            raise ValueError(f"indicator {key!r}: target_year ({target_year}) must be after "
                             f"latest_year ({latest_year})")
        latest = _check_positive(latest_value, f"{key}: latest_value")
        target = _check_positive(target_value, f"{key}: target")
        horizon = target_year - latest_year
        required = (target / latest) ** (1.0 / horizon) - 1.0
        own = sweep_grid(grid, required)
        value = latest * (1.0 + own) ** horizon
        parts.append(pd.DataFrame({"indicator_id": str(key), "rate": own, "value_at_target_year": value,
                                   "reaches_target": value >= target * (1.0 - _REACH_RTOL), "required_rate": required}))
    return pd.concat(parts, ignore_index=True)


def sweep_grid(rates: np.ndarray, required_rate: float) -> np.ndarray:
    """``rates`` (ascending fractions per year) continued in their last step until the last rate
    passes ``required_rate``; unchanged when they already do, or when a single rate gives no step.

    >>> sweep_grid(np.array([0.04, 0.05, 0.06]), 0.081).round(3).tolist()
    [0.04, 0.05, 0.06, 0.07, 0.08, 0.09]
    >>> sweep_grid(np.array([0.04, 0.05, 0.06]), 0.05).round(3).tolist()
    [0.04, 0.05, 0.06]
    """
    rates = np.asarray(rates, dtype=float)
    if rates.size < 2 or not math.isfinite(required_rate) or rates[-1] > required_rate:
        return rates
    step = rates[-1] - rates[-2]
    more = math.floor(round((required_rate - rates[-1]) / step, 9)) + 1  # the first rate strictly past it
    return np.concatenate([rates, rates[-1] + step * np.arange(1, more + 1)])


# ---------------------------------------------------------------------------------------------
# covid treatment
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class CovidDesign:
    """How the COVID years enter a fit.

    Attributes
    ----------
    requested : str
        The treatment asked for (one of :data:`COVID_TREATMENTS`).
    treatment : str
        The treatment actually applied; differs from ``requested`` only when the data cannot
        support it, and then ``reason`` says why.
    keep : numpy.ndarray of bool
        Aligned with the input years: which points enter the fit.
    dummy : numpy.ndarray of float or None
        0/1 regressor for the kept points (1 in :data:`COVID_YEARS`) when ``treatment ==
        "dummy"``, else None.
    reason : Message or None
        Why ``treatment != requested`` (or why the treatment had nothing to act on): a
        catalogue message (:class:`analysis.words.Message`) that reads as its English text.
    """

    requested: str
    treatment: str
    keep: np.ndarray
    dummy: np.ndarray | None
    reason: Message | None = None


def _covid_span() -> str:
    return f"{COVID_YEARS[0]}–{COVID_YEARS[-1]}"


def covid_design(years, treatment: str) -> CovidDesign:
    """Decide how COVID years (:data:`COVID_YEARS`) enter a trend fit.

    Parameters
    ----------
    years : array_like of int
        Calendar years of the observations (any order; the result is aligned with it).
    treatment : {"none", "dummy", "exclude"}
        ``"none"``: use all points as they are. ``"exclude"``: drop the COVID-year points.
        ``"dummy"``: keep all points and add a 0/1 regressor that is 1 in COVID years; future
        projections use 0.

    Returns
    -------
    CovidDesign
        ``"dummy"`` needs at least one COVID-year point and two non-COVID points (to identify
        level, slope and the COVID shift); ``"exclude"`` needs two points left and at least one
        to drop. Otherwise the design falls back to ``"none"`` and records the reason.

    Raises
    ------
    ValueError
        For a treatment not in :data:`COVID_TREATMENTS` or non-integer years.
    """
    treatment = _check_treatment(treatment)
    yrs = _check_years(years)
    is_covid = np.isin(yrs, COVID_YEARS)
    n_covid = int(is_covid.sum())
    n_other = len(yrs) - n_covid
    keep_all = np.ones(len(yrs), dtype=bool)

    def fallback(reason: Message) -> CovidDesign:
        return CovidDesign(treatment, "none", keep_all, None, reason)

    if treatment == "none":
        return CovidDesign(treatment, "none", keep_all, None)
    if n_covid == 0:
        return fallback(Message("reason.covid_ignored", treatment=Message(f"covid.{treatment}"), span=_covid_span()))
    if treatment == "exclude":
        if n_other < 2:
            return fallback(Message("reason.covid_exclude_not_applied", n=n_covid, span=_covid_span(), left=n_other, needed=2))
        return CovidDesign(treatment, "exclude", ~is_covid, None)
    # dummy
    if n_other < 2:
        return fallback(Message("reason.covid_dummy_not_applied", left=n_other, needed=2, n=n_covid))
    return CovidDesign(treatment, "dummy", keep_all, is_covid.astype(float))


# ---------------------------------------------------------------------------------------------
# fitted-model object
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _OLSState:
    """What the log-linear predictive distribution needs (log scale)."""

    beta: np.ndarray          # const (log value at ref_year), slope, [covid shift]
    xtx_inv: np.ndarray       # (X'X)^-1
    sigma2: float             # residual variance, NaN when df_resid == 0
    df_resid: int
    ref_year: int             # regressor is (year - ref_year)


@dataclass(frozen=True, eq=False)
class TrendFit:
    """A fitted growth model with its predictive distribution.

    Attributes
    ----------
    method : {"loglinear", "damped"}
        Model actually used (``"loglinear"`` also when a damped fit fell back).
    growth_rate : float
        Fraction per year. Log-linear: ``exp(slope) - 1``. Damped: growth of the first
        projected year, ``exp(phi * b_T) - 1`` (later years grow more slowly).
    params : dict of str to float
        Log-linear: ``const`` (log value at ``ref_year``), ``slope`` (log growth per year) and,
        with the covid dummy, ``covid`` (log shift in covid years; ``exp(covid) - 1`` is the
        proportional dip). Damped: statsmodels ETS parameters (``smoothing_level``,
        ``smoothing_trend``, ``damping_trend``, ``initial_level``, ``initial_trend``) plus
        ``last_level``/``last_trend`` (log states at the last year) and ``mse``.
    n_obs : int
        Points used in the fit (after any covid exclusion).
    years, values : tuple
        The points used in the fit (calendar years; values in the series' unit).
    last_year : int
        Last fitted year; projections start after it.
    level : float
        Default coverage of prediction intervals (0.80 → 10th–90th percentile).
    horizon_years : int
        Default number of years projected by :meth:`predict` (and, for the damped trend, the
        number of simulated years).
    covid_requested, covid_applied : str
        Covid treatment asked for / actually used (see :func:`covid_design`).
    covid_reason, interval_reason, fallback_reason : Message or None
        Why the covid treatment changed; why there is no prediction interval; why a damped
        fit fell back to the log-linear trend. Each is a catalogue message
        (:class:`analysis.words.Message`: key and parameters; as a string its English text).
    seed, n_sims : int or None
        Simulation settings of damped fits (None for log-linear fits).
    """

    method: str
    growth_rate: float
    params: dict
    n_obs: int
    years: tuple
    values: tuple
    last_year: int
    level: float
    horizon_years: int
    covid_requested: str
    covid_applied: str
    covid_reason: Message | None = None
    interval_reason: Message | None = None
    fallback_reason: Message | None = None
    seed: int | None = None
    n_sims: int | None = None
    _ols: _OLSState | None = field(default=None, repr=False)
    _sim: damped_trend.DampedProjection | None = field(default=None, repr=False)

    @property
    def notes(self) -> tuple[str, ...]:
        """All recorded reasons (fallback, covid, interval), in that order."""
        return tuple(r for r in (self.fallback_reason, self.covid_reason, self.interval_reason)
                     if r)

    @property
    def has_interval(self) -> bool:
        """Whether the model has a predictive distribution (else bounds are NaN)."""
        return self.interval_reason is None

    def _years_arg(self, years) -> np.ndarray:
        if years is None:
            return np.arange(self.last_year + 1, self.last_year + self.horizon_years + 1)
        return _check_years(np.atleast_1d(years))

    # --- log-linear -----------------------------------------------------------------------
    def _ols_design(self, yrs: np.ndarray) -> np.ndarray:
        s = self._ols
        cols = [np.ones(len(yrs)), (yrs - s.ref_year).astype(float)]
        if self.covid_applied == "dummy":
            # Observed covid years carry the dip; projections beyond the data use dummy = 0.
            cols.append((np.isin(yrs, COVID_YEARS) & (yrs <= self.last_year)).astype(float))
        return np.column_stack(cols)

    def _ols_loc_scale(self, yrs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Centre and scale of the t predictive distribution of log(value)."""
        s = self._ols
        x = self._ols_design(yrs)
        # Elementwise sums in a fixed order, not BLAS (see _least_squares).
        k = len(s.beta)
        loc = sum((x[:, j] * s.beta[j] for j in range(1, k)), x[:, 0] * s.beta[0])
        # prediction (not confidence) variance: sigma^2 * (1 + x (X'X)^-1 x')
        quad = sum((x[:, i] * s.xtx_inv[i, j] * x[:, j] for i in range(k) for j in range(k)),
                   np.zeros(len(x)))
        scale = np.sqrt(s.sigma2 * (1.0 + quad))
        return loc, scale

    # --- public ---------------------------------------------------------------------------
    def predict(self, years=None, level: float | None = None) -> pd.DataFrame:
        """Point projection and prediction interval, back-transformed to the series' unit.

        Parameters
        ----------
        years : array_like of int, optional
            Calendar years. Default: the ``horizon_years`` years after ``last_year``.
            Damped fits project only up to ``last_year + horizon_years``; for fitted years they
            return the one-step-ahead fitted value without an interval.
        level : float, optional
            Interval coverage; default ``self.level``.

        Returns
        -------
        pandas.DataFrame
            Columns ``year``, ``value`` (``exp`` of the predicted log value, i.e. the median,
            not the mean, of the log-normal predictive distribution), ``lower``, ``upper``
            (central ``level`` **prediction** interval for a single future observation, NaN
            when the model has no interval; see ``interval_reason``).
        """
        yrs = self._years_arg(years)
        level = self.level if level is None else _check_level(level)
        lo_q, hi_q = (1.0 - level) / 2.0, (1.0 + level) / 2.0
        nan = np.full(len(yrs), np.nan)

        if self.method == "loglinear":
            loc, scale = self._ols_loc_scale(yrs)
            if self.has_interval:
                from scipy import stats

                tq = stats.t.ppf(hi_q, self._ols.df_resid)
                lower, upper = np.exp(loc - tq * scale), np.exp(loc + tq * scale)
            else:
                lower, upper = nan, nan.copy()
            return pd.DataFrame({"year": yrs, "value": np.exp(loc), "lower": lower,
                                 "upper": upper})

        # damped: simulated paths for future years, fitted values for observed ones
        sim = self._sim
        value, lower, upper = nan.copy(), nan.copy(), nan.copy()
        fitted_years = np.asarray(self.years)
        for i, y in enumerate(yrs):
            step = int(y) - self.last_year
            if step <= 0:
                hit = np.flatnonzero(fitted_years == y)
                if hit.size:
                    value[i] = np.exp(sim.fitted[hit[0]])
            elif step <= sim.paths.shape[0]:
                value[i] = np.exp(sim.forecast[step - 1])
                lower[i], upper[i] = np.exp(np.quantile(sim.paths[step - 1], [lo_q, hi_q]))
            else:
                raise ValueError(f"year {y} is beyond the simulated horizon "
                                 f"({self.last_year + sim.paths.shape[0]}); refit with a larger "
                                 f"horizon_years")
        return pd.DataFrame({"year": yrs, "value": value, "lower": lower, "upper": upper})

    def prob_at_least(self, target: float, year: int) -> float:
        """See :func:`probability_of_reaching`."""
        target = _check_positive(target, "target")
        year = _check_year(year)
        if year <= self.last_year:
            raise ValueError(f"year must be after the last fitted year ({self.last_year}); "
                             f"got {year}")
        if not self.has_interval:
            return float("nan")
        if self.method == "loglinear":
            loc, scale = self._ols_loc_scale(np.array([year]))
            if scale[0] == 0:  # perfect fit: the predictive distribution is a point mass
                return float(loc[0] >= math.log(target))
            from scipy import stats

            return float(stats.t.sf((math.log(target) - loc[0]) / scale[0],
                                    self._ols.df_resid))
        step = year - self.last_year
        if step > self._sim.paths.shape[0]:
            raise ValueError(f"year {year} is beyond the simulated horizon "
                             f"({self.last_year + self._sim.paths.shape[0]}); refit with a "
                             f"larger horizon_years")
        return float(np.mean(self._sim.paths[step - 1] >= math.log(target)))


# ---------------------------------------------------------------------------------------------
# fitting
# ---------------------------------------------------------------------------------------------
def _check_horizon(horizon_years: int) -> int:
    h = _check_year(horizon_years, "horizon_years")
    if h < 1:
        raise ValueError(f"horizon_years must be >= 1, got {horizon_years!r}")
    return h


def _least_squares(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """OLS ``y ~ x`` by the normal equations: ``(beta, (X'X)^-1, SSR)``.

    Written out (``math.fsum``, which rounds correctly, and Gauss–Jordan on the k × k matrix in
    Python floats) instead of statsmodels/LAPACK, whose results differ in the last digits
    between OpenBLAS kernels: the trend, its interval and every table built from them are then
    the same bits on every CPU. ``x`` has 2–3 well-scaled columns (years relative to the last
    year), so the normal equations lose nothing that matters here.
    """
    n, k = x.shape
    cols = [[float(v) for v in x[:, j]] for j in range(k)]
    yy = [float(v) for v in y]
    xtx = [[math.fsum(a * b for a, b in zip(cols[i], cols[j])) for j in range(k)] for i in range(k)]
    xty = [math.fsum(a * b for a, b in zip(cols[i], yy)) for i in range(k)]
    # Gauss–Jordan with partial pivoting on [X'X | I]
    aug = [row[:] + [1.0 if i == j else 0.0 for j in range(k)] for i, row in enumerate(xtx)]
    for c in range(k):
        p = max(range(c, k), key=lambda r: abs(aug[r][c]))
        if aug[p][c] == 0.0:
            raise np.linalg.LinAlgError("singular design matrix in the log-linear trend")
        aug[c], aug[p] = aug[p], aug[c]
        piv = aug[c][c]
        aug[c] = [v / piv for v in aug[c]]
        for r in range(k):
            if r != c and aug[r][c] != 0.0:
                f = aug[r][c]
                aug[r] = [v - f * w for v, w in zip(aug[r], aug[c])]
    inv = [row[k:] for row in aug]
    beta = [math.fsum(inv[i][j] * xty[j] for j in range(k)) for i in range(k)]
    resid = [yy[t] - math.fsum(cols[j][t] * beta[j] for j in range(k)) for t in range(n)]
    ssr = math.fsum(r * r for r in resid)
    return np.array(beta), np.array(inv), ssr


def fit_loglinear_trend(years, values, covid: str = "none",
                        horizon_years: int = DEFAULT_HORIZON_YEARS,
                        level: float = DEFAULT_LEVEL) -> TrendFit:
    """Log-linear trend ``log(value) ~ year (+ covid dummy)`` by OLS, irregular years allowed.

    Parameters
    ----------
    years : array_like of int
        Calendar years, unique, any order, gaps allowed (2015, 2018, 2020, 2023).
    values : array_like of float
        Values in the series' own unit (e.g. 亿元), all > 0.
    covid : {"none", "dummy", "exclude"}, default "none"
        Treatment of :data:`COVID_YEARS`, see :func:`covid_design`. If the data cannot
        support it the fit uses ``"none"`` and records ``covid_reason``.
    horizon_years : int, default 5
        Years projected by ``predict()`` without arguments.
    level : float, default 0.80
        Coverage of the prediction intervals.

    Returns
    -------
    TrendFit
        ``method == "loglinear"``, ``growth_rate = exp(slope) - 1`` (fraction per year). The
        prediction interval is Student-t on the log scale with ``n_obs - n_params`` degrees of
        freedom; with no residual degrees of freedom (2 points, or 3 points with the dummy)
        the line is exact, ``lower``/``upper`` are NaN and ``interval_reason`` says why.

    Raises
    ------
    ValueError
        Fewer than 2 points, non-positive values, duplicate or non-integer years, or an
        unknown covid treatment.
    """
    covid = _check_treatment(covid)
    level = _check_level(level)
    horizon_years = _check_horizon(horizon_years)
    yrs, vals = _check_series(years, values)
    if len(yrs) < 2:
        raise ValueError(f"a growth trend needs at least 2 points, got {len(yrs)}")

    design = covid_design(yrs, covid)
    yrs_fit, vals_fit = yrs[design.keep], vals[design.keep]
    ref_year = int(yrs_fit[-1])
    # Regress on (year - last year): keeps X well conditioned for calendar years, and makes
    # ``const`` the trend's log level in the last observed year.
    cols = [np.ones(len(yrs_fit)), (yrs_fit - ref_year).astype(float)]
    names = ["const", "slope"]
    if design.dummy is not None:
        cols.append(design.dummy)
        names.append("covid")
    x = np.column_stack(cols)
    beta, xtx_inv, ssr = _least_squares(x, np.log(vals_fit))

    df_resid = len(yrs_fit) - x.shape[1]
    interval_reason = None
    if df_resid <= 0:
        interval_reason = Message("reason.interval_no_dof", n=len(yrs_fit), k=x.shape[1], needed=x.shape[1] + 1)
        sigma2 = float("nan")
    else:
        sigma2 = ssr / df_resid

    return TrendFit(
        method="loglinear",
        growth_rate=float(np.expm1(beta[1])),
        params=dict(zip(names, beta.tolist())),
        n_obs=len(yrs_fit),
        years=tuple(int(y) for y in yrs_fit),
        values=tuple(float(v) for v in vals_fit),
        last_year=ref_year,
        level=level,
        horizon_years=horizon_years,
        covid_requested=covid,
        covid_applied=design.treatment,
        covid_reason=design.reason,
        interval_reason=interval_reason,
        _ols=_OLSState(beta=beta, xtx_inv=xtx_inv,
                       sigma2=sigma2, df_resid=max(df_resid, 0), ref_year=ref_year),
    )


def _check_simulation(seed: int, n_sims: int) -> None:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if isinstance(n_sims, bool) or not isinstance(n_sims, numbers.Integral) or n_sims < 100:
        raise ValueError(f"n_sims must be an integer >= 100 (interval quantiles need paths), "
                         f"got {n_sims!r}")


def _gaps(yrs: np.ndarray) -> list[int]:
    return [int(y) for y, d in zip(yrs[:-1], np.diff(yrs)) if d != 1]


def fit_damped_trend(years, values, covid: str = "none", seed: int = 0,
                     n_sims: int = DEFAULT_N_SIMS, horizon_years: int = DEFAULT_HORIZON_YEARS,
                     level: float = DEFAULT_LEVEL) -> TrendFit:
    """Damped additive-trend exponential smoothing on log values, with simulated intervals.

    The model is statsmodels' ``ETSModel(error="add", trend="add", damped_trend=True)`` on
    ``log(value)`` (so the trend is a growth rate that fades by the factor ``phi`` each year).
    Its parameters are the maximum-likelihood estimate within
    :data:`analysis.damped_trend.DAMPED_BOUNDS` (``maximise_damped_likelihood``, started from the
    best point of the profile likelihood over the fixed ``PHI_GRID``, ``damped_phi_profile``),
    computed without BLAS so that every CPU gives the same estimate. statsmodels, with those parameters fixed, gives the
    states and simulates ``n_sims`` future paths for the prediction interval.

    ETS needs a regular annual index, so the damped model is used only when the fitted years
    are consecutive and number at least :data:`MIN_POINTS_DAMPED`. Otherwise — and when the
    estimate fails the project's criterion (``damped_trend.damped_acceptance``: finite, within bounds,
    log-likelihood not below the phi profile's best) or statsmodels raises — the function
    returns :func:`fit_loglinear_trend` on the same data with ``fallback_reason`` set. An
    optimiser's own "converged" flag is never consulted: it depends on the machine.

    Parameters
    ----------
    years : array_like of int
        Calendar years, unique.
    values : array_like of float
        Values in the series' own unit, all > 0.
    covid : {"none", "dummy", "exclude"}, default "none"
        ``"exclude"`` drops the COVID years; the damped model is used only if the rest is still
        consecutive (COVID years at an end of the series). ``"dummy"`` is not available in
        ETS (no regressors) and falls back to the log-linear trend with the dummy.
    seed : int, default 0
        Seed of the ``numpy.random.Generator`` driving the simulation; same seed, same paths.
    n_sims : int, default 2000
        Simulated paths (>= 100).
    horizon_years : int, default 5
        Years simulated after the last fitted year.
    level : float, default 0.80
        Coverage of the prediction intervals.

    Returns
    -------
    TrendFit
        ``method == "damped"`` with ``growth_rate = exp(phi * b_T) - 1`` (first projected
        year), or the log-linear fallback with ``fallback_reason``.

    Notes
    -----
    The damping parameter is bounded at 0.98 (the usual bound, as in statsmodels). On a series with
    truly constant growth the estimate sits at that bound and the projected growth is
    somewhat below the historical rate (about 1 pp on 15 points at 7 %): damping is a
    deliberately cautious scenario, not an unbiased estimate of constant growth.

    The simulated intervals condition on the estimated parameters (parameter uncertainty is
    not simulated). When the smoothing parameters are estimated near zero, as on smooth
    series, the interval's width on the log scale barely grows with the horizon and is
    narrower than the log-linear prediction interval: read it as a lower bound on uncertainty.
    """
    covid = _check_treatment(covid)
    level = _check_level(level)
    horizon_years = _check_horizon(horizon_years)
    _check_simulation(seed, n_sims)
    yrs, vals = _check_series(years, values)

    def fallback(reason: Message) -> TrendFit:
        fit = fit_loglinear_trend(yrs, vals, covid=covid, horizon_years=horizon_years,
                                  level=level)
        return replace(fit, fallback_reason=reason)

    if covid == "dummy":
        return fallback(Message("reason.damped_no_dummy"))
    design = covid_design(yrs, covid)
    yrs_fit, vals_fit = yrs[design.keep], vals[design.keep]
    gaps = _gaps(yrs_fit)
    if gaps:
        return fallback(Message("reason.damped_gaps", years=[int(y) for y in gaps]))
    if len(yrs_fit) < MIN_POINTS_DAMPED:
        return fallback(Message("reason.damped_too_short", n=len(yrs_fit), needed=MIN_POINTS_DAMPED))

    log_vals = np.log(vals_fit)
    # The estimate and its acceptance are computed without BLAS (analysis.damped_trend); the
    # optimiser's own convergence flag is recorded nowhere and decides nothing.
    profile = damped_trend.damped_phi_profile(log_vals)
    estimate = damped_trend.maximise_damped_likelihood(log_vals, profile.best)
    rejected = damped_trend.damped_acceptance(estimate, profile)
    if rejected:
        return fallback(rejected)
    try:
        results = damped_trend.smooth(log_vals, estimate)
    except damped_trend.SMOOTHING_ERRORS as err:
        return fallback(Message("reason.damped_failed", error=f"{type(err).__name__}: {err}"))
    projection = damped_trend.project(results, estimate, horizon_years, n_sims, seed)
    return TrendFit(
        method="damped",
        growth_rate=projection.growth_rate,
        params=projection.params,
        n_obs=len(yrs_fit),
        years=tuple(int(y) for y in yrs_fit),
        values=tuple(float(v) for v in vals_fit),
        last_year=int(yrs_fit[-1]),
        level=level,
        horizon_years=horizon_years,
        covid_requested=covid,
        covid_applied=design.treatment,
        covid_reason=design.reason,
        seed=int(seed),
        n_sims=int(n_sims),
        _sim=projection,
    )


def probability_of_reaching(fit: TrendFit, target: float, year: int) -> float:
    """Probability that the value in ``year`` is at least ``target`` under ``fit``.

    Parameters
    ----------
    fit : TrendFit
        From :func:`fit_loglinear_trend` or :func:`fit_damped_trend`.
    target : float
        Target in the series' own unit (> 0).
    year : int
        Calendar year after ``fit.last_year`` (for damped fits within the simulated horizon).

    Returns
    -------
    float
        In [0, 1]. Log-linear: ``P(log Y >= log target)`` with ``log Y`` Student-t (the
        prediction distribution, i.e. log-normal-like ``Y``). Damped: share of simulated paths
        at or above the target. NaN when the fit has no predictive distribution
        (``fit.interval_reason`` says why).
    """
    if not isinstance(fit, TrendFit):
        raise ValueError(f"fit must be a TrendFit, got {type(fit).__name__}")
    return fit.prob_at_least(target, year)
