"""Tests for analysis.growth and analysis.damped_trend: closed-form growth, trend fits, intervals, fallbacks, sweep."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from analysis import damped_trend, growth
from analysis.growth import (
    COVID_TREATMENTS,
    COVID_YEARS,
    MIN_POINTS_DAMPED,
    TrendFit,
    cagr,
    covid_design,
    fit_damped_trend,
    fit_loglinear_trend,
    plan_path,
    probability_of_reaching,
    required_growth,
    stress_path,
    sweep_required_vs_achievable,
)

# Any warning that escapes the module in ordinary use is a bug (non-convergence must become a
# recorded fallback reason, not a warning on the console).
pytestmark = pytest.mark.filterwarnings("error")

# Changji figures from the brief (亿元).
TERTIARY_YEARS = [2015, 2018, 2020, 2023]
TERTIARY = [358.05, 440.14, 563.51, 704.11]
RETAIL_YEARS = [2020, 2023]
RETAIL = [224.27, 291.51]

TRUE_RATE = 0.07


def synthetic(years, rate=TRUE_RATE, noise_sd=0.01, seed=2021, base_year=None, dip=None):
    """100 * (1+rate)^(t - t0) with multiplicative log-normal noise; optional covid dip factor."""
    years = np.asarray(years)
    t0 = years.min() if base_year is None else base_year
    rng = np.random.default_rng(seed)
    values = 100.0 * (1 + rate) ** (years - t0) * np.exp(rng.normal(0.0, noise_sd, len(years)))
    if dip is not None:
        values = values * np.where(np.isin(years, COVID_YEARS), dip, 1.0)
    return years, values


IRREGULAR_YEARS = [2008, 2010, 2011, 2014, 2015, 2017, 2019, 2023]
LONG_YEARS = list(range(2009, 2024))  # 15 consecutive years


# --------------------------------------------------------------------------- closed form
def test_required_growth_fixtures():
    assert round(required_growth(224.27, 350, 5), 4) == 0.0931
    assert required_growth(563.51, 830, 5) == pytest.approx(0.0805, abs=5e-5)


def test_cagr_fixture_and_inverse_of_plan_path():
    assert cagr(358.05, 563.51, 5) == pytest.approx(0.0949, abs=5e-5)
    path = plan_path(224.27, 2020, required_growth(224.27, 350, 5), 2025)
    assert path["value"].iloc[-1] == pytest.approx(350.0, rel=1e-12)


@pytest.mark.parametrize("args, match", [
    ((-1.0, 100.0, 5), "start_value must be a finite number > 0"),
    ((100.0, 0.0, 5), "end_value must be a finite number > 0"),
    ((100.0, 120.0, 0), "years must be a finite number > 0"),
    ((100.0, 120.0, -2), "years must be a finite number > 0"),
])
def test_cagr_rejects_invalid(args, match):
    with pytest.raises(ValueError, match=match):
        cagr(*args)


def test_required_growth_rejects_invalid():
    with pytest.raises(ValueError, match="target must be a finite number > 0"):
        required_growth(224.27, -350, 5)
    with pytest.raises(ValueError, match="years must be a finite number > 0"):
        required_growth(224.27, 350, 0)


def test_plan_path_values_and_shape():
    path = plan_path(563.51, 2020, 0.08, 2025)
    assert list(path.columns) == ["year", "value"]
    assert path["year"].tolist() == list(range(2020, 2026))
    np.testing.assert_allclose(path["value"], 563.51 * 1.08 ** np.arange(6))
    single = plan_path(100.0, 2023, 0.05, 2023)
    assert single["value"].tolist() == [100.0]


def test_plan_path_rejects_invalid():
    with pytest.raises(ValueError, match=r"end_year \(2019\) must be >= base_year \(2020\)"):
        plan_path(100.0, 2020, 0.05, 2019)
    with pytest.raises(ValueError, match="rate must be > -1"):
        plan_path(100.0, 2020, -1.5, 2025)
    with pytest.raises(ValueError, match="integer calendar year"):
        plan_path(100.0, 2020.5, 0.05, 2025)


def test_stress_path_is_plan_path_at_rate_minus_shock():
    stressed = stress_path(563.51, 2020, 0.08, 2025, shock=0.03)
    pd.testing.assert_frame_equal(stressed, plan_path(563.51, 2020, 0.05, 2025))
    base = plan_path(563.51, 2020, 0.08, 2025)
    assert (stressed["value"].iloc[1:] < base["value"].iloc[1:]).all()
    with pytest.raises(ValueError, match="shock must be a finite fraction per year >= 0"):
        stress_path(563.51, 2020, 0.08, 2025, shock=-0.01)


# --------------------------------------------------------------------------- covid design
def test_covid_design_options():
    years = [2018, 2019, 2020, 2021, 2022, 2023]
    excl = covid_design(years, "exclude")
    assert excl.treatment == "exclude" and excl.reason is None
    assert excl.keep.tolist() == [True, True, False, False, False, True]
    dummy = covid_design(years, "dummy")
    assert dummy.treatment == "dummy" and dummy.keep.all()
    assert dummy.dummy.tolist() == [0, 0, 1, 1, 1, 0]
    none = covid_design(years, "none")
    assert none.treatment == "none" and none.dummy is None and none.keep.all()


def test_covid_design_falls_back_when_not_identified():
    d = covid_design(RETAIL_YEARS, "dummy")  # 1 covid + 1 other point: not identified
    assert (d.requested, d.treatment) == ("dummy", "none")
    assert "points outside the COVID years" in d.reason
    e = covid_design(RETAIL_YEARS, "exclude")  # would leave a single point
    assert e.treatment == "none" and "would leave 1" in e.reason
    n = covid_design([2015, 2016, 2017], "dummy")
    assert n.treatment == "none" and "no observations in 2020–2022" in n.reason


@pytest.mark.parametrize("call", [
    lambda: covid_design([2019, 2020], "drop"),
    lambda: fit_loglinear_trend(TERTIARY_YEARS, TERTIARY, covid="Dummy"),
    lambda: fit_damped_trend(TERTIARY_YEARS, TERTIARY, covid="interpolate"),
])
def test_unknown_covid_treatment_names_allowed_values(call):
    with pytest.raises(ValueError, match=r"allowed: 'none', 'dummy', 'exclude'"):
        call()
    assert COVID_TREATMENTS == ("none", "dummy", "exclude")


# --------------------------------------------------------------------------- log-linear
def test_loglinear_recovers_known_rate_on_irregular_years():
    years, values = synthetic(IRREGULAR_YEARS)
    fit = fit_loglinear_trend(years, values)
    assert isinstance(fit, TrendFit)
    assert fit.method == "loglinear" and fit.n_obs == len(IRREGULAR_YEARS)
    assert abs(fit.growth_rate - TRUE_RATE) < 0.005
    assert fit.growth_rate == pytest.approx(math.expm1(fit.params["slope"]))
    assert fit.fallback_reason is None and fit.notes == ()


def test_loglinear_accepts_unsorted_input():
    years, values = synthetic(IRREGULAR_YEARS)
    a = fit_loglinear_trend(years, values)
    b = fit_loglinear_trend(years[::-1], values[::-1])
    assert a.growth_rate == pytest.approx(b.growth_rate, rel=1e-12)


def test_prediction_interval_matches_statsmodels_obs_ci_not_conf_ci():
    fit = fit_loglinear_trend(TERTIARY_YEARS, TERTIARY, level=0.80)
    pred = fit.predict([2025])
    x = np.column_stack([np.ones(4), np.asarray(TERTIARY_YEARS) - 2023.0])
    ref = sm.OLS(np.log(TERTIARY), x).fit().get_prediction(
        np.array([[1.0, 2.0]])).summary_frame(alpha=0.20)
    assert pred["value"].iloc[0] == pytest.approx(math.exp(ref["mean"].iloc[0]))
    assert pred["lower"].iloc[0] == pytest.approx(math.exp(ref["obs_ci_lower"].iloc[0]))
    assert pred["upper"].iloc[0] == pytest.approx(math.exp(ref["obs_ci_upper"].iloc[0]))
    # a prediction interval is strictly wider than the confidence interval of the mean
    assert pred["lower"].iloc[0] < math.exp(ref["mean_ci_lower"].iloc[0])
    assert pred["upper"].iloc[0] > math.exp(ref["mean_ci_upper"].iloc[0])


def test_loglinear_intervals_widen_with_horizon():
    years, values = synthetic(IRREGULAR_YEARS)
    fit = fit_loglinear_trend(years, values)
    pred = fit.predict(range(2024, 2031))
    log_width = np.log(pred["upper"]) - np.log(pred["lower"])
    assert (np.diff(log_width) > 0).all()
    assert ((pred["lower"] < pred["value"]) & (pred["value"] < pred["upper"])).all()
    # a wider coverage level gives a wider interval
    wide = fit.predict([2025], level=0.95)
    assert wide["lower"].iloc[0] < pred.loc[pred.year == 2025, "lower"].iloc[0]


def test_default_predict_covers_horizon_after_last_year():
    fit = fit_loglinear_trend(TERTIARY_YEARS, TERTIARY, horizon_years=2)
    assert fit.predict()["year"].tolist() == [2024, 2025]


def test_two_points_exact_line_without_interval():
    fit = fit_loglinear_trend(RETAIL_YEARS, RETAIL)
    assert fit.growth_rate == pytest.approx(cagr(224.27, 291.51, 3))
    pred = fit.predict([2023, 2025])
    assert pred["value"].iloc[0] == pytest.approx(291.51)
    assert pred[["lower", "upper"]].isna().all().all()
    assert fit.interval_reason and "no prediction interval" in fit.interval_reason
    assert math.isnan(probability_of_reaching(fit, 350, 2025))


def test_fewer_than_two_points_raises():
    with pytest.raises(ValueError, match="at least 2 points, got 1"):
        fit_loglinear_trend([2023], [704.11])


@pytest.mark.parametrize("years, values, match", [
    (TERTIARY_YEARS, [358.05, -440.14, 563.51, 704.11], r"values must be finite and > 0.*2018"),
    (TERTIARY_YEARS, [358.05, 0.0, 563.51, 704.11], r"values must be finite and > 0"),
    (TERTIARY_YEARS, [358.05, np.nan, 563.51, 704.11], r"values must be finite and > 0"),
    ([2015, 2018, 2018, 2023], TERTIARY, r"years must be unique, duplicated: \[2018\]"),
    ([2015, 2018, 2020], TERTIARY, "same length"),
    ([2015, 2018.5, 2020, 2023], TERTIARY, "integer calendar year"),
])
def test_invalid_series_raise(years, values, match):
    with pytest.raises(ValueError, match=match):
        fit_loglinear_trend(years, values)
    with pytest.raises(ValueError, match=match):
        fit_damped_trend(years, values)


def test_invalid_level_raises():
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        fit_loglinear_trend(TERTIARY_YEARS, TERTIARY, level=80)


# --------------------------------------------------------------------------- covid in fits
DIP_YEARS = list(range(2012, 2024))


def dip_series():
    # 7 % growth, 2020–2022 15 % below trend, 2023 back on trend
    return synthetic(DIP_YEARS, noise_sd=0.005, seed=11, dip=0.85)


def test_covid_exclude_recovers_pre_covid_rate_and_none_is_biased():
    years, values = dip_series()
    none = fit_loglinear_trend(years, values, covid="none")
    excl = fit_loglinear_trend(years, values, covid="exclude")
    assert abs(excl.growth_rate - TRUE_RATE) < 0.003
    assert excl.n_obs == len(DIP_YEARS) - 3 and excl.covid_applied == "exclude"
    assert not set(excl.years) & set(COVID_YEARS)
    # the dip near the end of the sample drags the naive trend down by more than 1 pp
    assert none.growth_rate < excl.growth_rate - 0.01


def test_covid_dummy_estimates_dip_and_projects_with_dummy_zero():
    years, values = dip_series()
    fit = fit_loglinear_trend(years, values, covid="dummy")
    assert fit.covid_applied == "dummy"
    assert abs(fit.growth_rate - TRUE_RATE) < 0.003
    assert math.expm1(fit.params["covid"]) == pytest.approx(-0.15, abs=0.01)
    p = fit.params
    pred = fit.predict([2021, 2025])
    # observed covid year carries the dip …
    in_2021 = math.exp(p["const"] - 2 * p["slope"] + p["covid"])
    assert pred["value"].iloc[0] == pytest.approx(in_2021)
    # … the projection uses dummy = 0
    assert pred["value"].iloc[1] == pytest.approx(math.exp(p["const"] + 2 * p["slope"]))


def test_covid_dummy_projection_into_later_covid_years_uses_dummy_zero():
    # data end in 2020 (one covid point): 2021–2022 are projections, so no covid shift
    years, values = synthetic(range(2012, 2021), noise_sd=0.005, seed=5, dip=0.85)
    fit = fit_loglinear_trend(years, values, covid="dummy")
    assert fit.covid_applied == "dummy" and fit.last_year == 2020
    p = fit.params
    pred = fit.predict([2020, 2021, 2022])
    assert pred["value"].iloc[0] == pytest.approx(math.exp(p["const"] + p["covid"]))
    trend = np.exp(p["const"] + p["slope"] * np.array([1, 2]))
    np.testing.assert_allclose(pred["value"].iloc[1:], trend)
    # i.e. the projection returns to trend, above the 2020 value with its dip undone
    assert pred["value"].iloc[1] > values[-1] / 0.85


def test_covid_dummy_on_retail_falls_back_with_reason():
    fit = fit_loglinear_trend(RETAIL_YEARS, RETAIL, covid="dummy")
    assert fit.covid_requested == "dummy" and fit.covid_applied == "none"
    assert "points outside the COVID years" in fit.covid_reason
    assert fit.covid_reason in fit.notes


# --------------------------------------------------------------------------- damped trend
def long_series(seed=7):
    return synthetic(LONG_YEARS, seed=seed)


def test_damped_recovers_known_rate_on_long_series():
    years, values = long_series()
    fit = fit_damped_trend(years, values, seed=1)
    assert fit.method == "damped", fit.fallback_reason
    assert fit.fallback_reason is None
    assert abs(fit.growth_rate - TRUE_RATE) < 0.015
    assert 0.8 <= fit.params["damping_trend"] <= 0.98
    assert fit.n_obs == 15 and fit.n_sims == growth.DEFAULT_N_SIMS


def test_damped_interval_brackets_forecast_and_widens_in_level_terms():
    years, values = long_series()
    fit = fit_damped_trend(years, values, seed=1)
    pred = fit.predict()
    assert pred["year"].tolist() == list(range(2024, 2029))
    assert ((pred["lower"] < pred["value"]) & (pred["value"] < pred["upper"])).all()
    assert (np.diff(pred["upper"] - pred["lower"]) > 0).all()
    with pytest.raises(ValueError, match="beyond the simulated horizon"):
        fit.predict([2035])
    # in-sample years: fitted value, no interval
    in_sample = fit.predict([2020])
    assert in_sample["value"].iloc[0] > 0 and math.isnan(in_sample["lower"].iloc[0])


def test_damped_same_seed_identical_different_seed_differs():
    years, values = long_series()
    a = fit_damped_trend(years, values, seed=42, n_sims=500)
    b = fit_damped_trend(years, values, seed=42, n_sims=500)
    c = fit_damped_trend(years, values, seed=43, n_sims=500)
    pd.testing.assert_frame_equal(a.predict(), b.predict())
    target = float(a.predict([2026])["value"].iloc[0])
    assert probability_of_reaching(a, target, 2026) == probability_of_reaching(b, target, 2026)
    assert not np.array_equal(a.predict()["lower"], c.predict()["lower"])


def test_short_series_falls_back_to_loglinear_with_reason():
    years, values = [2020, 2021, 2022, 2023], [563.51, 600.0, 650.0, 704.11]  # consecutive
    fit = fit_damped_trend(years, values)
    assert fit.method == "loglinear"
    expected = f"series too short: 4 points, damped trend needs {MIN_POINTS_DAMPED}"
    assert fit.fallback_reason == expected
    reference = fit_loglinear_trend(years, values)
    assert fit.growth_rate == pytest.approx(reference.growth_rate)


def test_irregular_years_fall_back_to_loglinear():
    fit = fit_damped_trend(TERTIARY_YEARS, TERTIARY)
    assert fit.method == "loglinear"
    assert "years not consecutive (gap after 2015, 2018, 2020)" in fit.fallback_reason


def test_damped_covid_exclude_in_middle_breaks_regular_index():
    years, values = dip_series()
    fit = fit_damped_trend(years, values, covid="exclude")
    assert fit.method == "loglinear" and fit.covid_applied == "exclude"
    assert "gap after 2019" in fit.fallback_reason
    assert abs(fit.growth_rate - TRUE_RATE) < 0.003


def test_damped_covid_dummy_falls_back_to_loglinear_dummy():
    years, values = dip_series()
    fit = fit_damped_trend(years, values, covid="dummy")
    assert fit.method == "loglinear" and fit.covid_applied == "dummy"
    assert "ETS takes no regressors" in fit.fallback_reason


class _UnconvergedETS(damped_trend.ETSModel):
    """ETSModel whose own optimiser always says "not converged", as it does under some BLAS kernels."""

    def fit(self, *args, **kwargs):
        res = super().fit(*args, **{**kwargs, "maxiter": 1})
        res.mle_retvals["converged"] = False
        warnings.warn("Maximum Likelihood optimization failed to converge.", ConvergenceWarning)
        return res


class _FailingETS(damped_trend.ETSModel):
    def smooth(self, *args, **kwargs):
        raise np.linalg.LinAlgError("singular matrix")


class _ChattyETS(damped_trend.ETSModel):
    def smooth(self, *args, **kwargs):
        warnings.warn("unrelated statsmodels notice", UserWarning)
        return super().smooth(*args, **kwargs)


def _same_fit(a, b):
    assert (a.method, a.fallback_reason) == (b.method, b.fallback_reason)
    assert a.params == b.params
    pd.testing.assert_frame_equal(a.predict(), b.predict())


def test_statsmodels_convergence_flag_decides_nothing(monkeypatch):
    """The flag that flips with the BLAS kernel: forcing it (and its warning) changes nothing."""
    years, values = long_series()
    reference = fit_damped_trend(years, values, seed=1)
    monkeypatch.setattr(damped_trend, "ETSModel", _UnconvergedETS)
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        forced = fit_damped_trend(years, values, seed=1)
    assert not [w for w in leaked if issubclass(w.category, ConvergenceWarning)]
    assert forced.method == "damped"
    _same_fit(forced, reference)


def test_bounded_optimum_is_accepted_when_the_optimiser_says_not_converged(monkeypatch):
    years, values = long_series()
    reference = fit_damped_trend(years, values, seed=1)
    profile = damped_trend.damped_phi_profile(np.log(values))
    estimate = damped_trend.maximise_damped_likelihood(np.log(values), profile.best)
    # this series' optimum lies on the bounds: phi at 0.98 and beta at its bound alpha (1 - 1e-4)
    assert estimate.params["damping_trend"] == 0.98
    beta_rel = estimate.params["smoothing_trend"] / estimate.params["smoothing_level"]
    assert beta_rel == pytest.approx(damped_trend.DAMPED_BOUNDS["smoothing_trend_relative"][1], abs=1e-9)
    unconverged = damped_trend.DampedEstimate(estimate.params, estimate.llf, converged=False,
                                        message="ABNORMAL_TERMINATION_IN_LNSRCH")
    assert damped_trend.damped_acceptance(unconverged, profile) is None
    monkeypatch.setattr(damped_trend, "maximise_damped_likelihood", lambda y, start: unconverged)
    fit = fit_damped_trend(years, values, seed=1)
    assert fit.method == "damped" and fit.fallback_reason is None
    _same_fit(fit, reference)


def _bad_estimate(log_values):
    """Parameters well inside the bounds whose likelihood is far below the profile's best."""
    y = list(log_values)
    sse, l0, b0 = damped_trend._damped_sse(y, np.array(0.9), np.array(0.45), np.array(0.80))
    params = {"smoothing_level": 0.9, "smoothing_trend": 0.45, "damping_trend": 0.80,
              "initial_level": float(l0), "initial_trend": float(b0)}
    return damped_trend.DampedEstimate(params, damped_trend._concentrated_llf(float(sse), len(y)), converged=True)


def test_a_genuinely_bad_optimum_falls_back_even_if_the_optimiser_says_converged(monkeypatch):
    years, values = long_series()
    profile = damped_trend.damped_phi_profile(np.log(values))
    bad = _bad_estimate(np.log(values))
    assert bad.llf < profile.best.llf - 5  # clearly below, not a rounding matter
    monkeypatch.setattr(damped_trend, "maximise_damped_likelihood", lambda y, start: bad)
    fit = fit_damped_trend(years, values, seed=1)
    assert fit.method == "loglinear"
    assert fit.fallback_reason.startswith("damped trend estimate is not a maximum: its log-likelihood")
    assert "below the phi profile's best" in fit.fallback_reason


def test_an_estimate_outside_the_bounds_falls_back(monkeypatch):
    years, values = long_series()
    good = damped_trend.maximise_damped_likelihood(np.log(values), damped_trend.damped_phi_profile(np.log(values)).best)
    outside = damped_trend.DampedEstimate({**good.params, "damping_trend": 1.02}, good.llf + 1.0)
    monkeypatch.setattr(damped_trend, "maximise_damped_likelihood", lambda y, start: outside)
    fit = fit_damped_trend(years, values)
    assert fit.method == "loglinear"
    assert fit.fallback_reason == ("damped trend estimate out of bounds: damping_trend = 1.02, "
                                   "allowed [0.8, 0.98]")


@pytest.mark.parametrize("seed, noise_sd", [(7, 0.01), (3, 0.05), (11, 0.03)])
def test_damped_estimate_is_the_maximum_likelihood(seed, noise_sd):
    """At least as likely as every point of the phi profile and as statsmodels' own optimum,
    whatever statsmodels says about its convergence; and statsmodels, handed the estimate,
    computes the same likelihood (same model, same parametrisation)."""
    years, values = synthetic(LONG_YEARS, noise_sd=noise_sd, seed=seed)
    y = np.log(values)
    profile = damped_trend.damped_phi_profile(y)
    estimate = damped_trend.maximise_damped_likelihood(y, profile.best)
    assert estimate.llf >= max(profile.llf) - 1e-9
    assert damped_trend.damped_acceptance(estimate, profile) is None
    model = damped_trend.ETSModel(y, error="add", trend="add", damped_trend=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = model.fit(disp=False)
    assert estimate.llf >= theirs.llf - 1e-6
    ours_in_statsmodels = model.smooth([estimate.params[n] for n in model.param_names])
    assert ours_in_statsmodels.llf == pytest.approx(estimate.llf, rel=1e-9)
    fit = fit_damped_trend(years, values, seed=seed)
    assert fit.method == "damped"
    assert fit.params["mse"] == pytest.approx(float(ours_in_statsmodels.mse), rel=1e-9)


def test_profile_covers_the_fixed_phi_grid():
    years, values = long_series()
    profile = damped_trend.damped_phi_profile(np.log(values))
    assert profile.phi == damped_trend.PHI_GRID
    assert profile.phi[0] == 0.80 and profile.phi[-1] == 0.98 and len(profile.phi) == 19
    assert all(math.isfinite(v) for v in profile.llf)
    assert profile.best.llf == pytest.approx(max(profile.llf), abs=1e-9)


def test_fit_exception_becomes_fallback_reason(monkeypatch):
    monkeypatch.setattr(damped_trend, "ETSModel", _FailingETS)
    years, values = long_series()
    fit = fit_damped_trend(years, values)
    assert fit.method == "loglinear"
    assert fit.fallback_reason == "damped trend fit failed: LinAlgError: singular matrix"


def test_other_warnings_are_not_swallowed(monkeypatch):
    monkeypatch.setattr(damped_trend, "ETSModel", _ChattyETS)
    years, values = long_series()
    with pytest.warns(UserWarning, match="unrelated statsmodels notice"):
        fit = fit_damped_trend(years, values, seed=1)
    assert fit.method == "damped"


def test_damped_rejects_bad_simulation_settings():
    years, values = long_series()
    with pytest.raises(ValueError, match="n_sims must be an integer >= 100"):
        fit_damped_trend(years, values, n_sims=10)
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        fit_damped_trend(years, values, seed=-1)


# --------------------------------------------------------------------------- probabilities
@pytest.mark.parametrize("fitter", ["loglinear", "damped"])
def test_probability_of_reaching_extremes_and_consistency(fitter):
    years, values = long_series()
    fit = (fit_loglinear_trend(years, values) if fitter == "loglinear"
           else fit_damped_trend(years, values, seed=3))
    assert fit.method == fitter, fit.fallback_reason  # not the fallback tested twice
    row = fit.predict([2025]).iloc[0]
    assert probability_of_reaching(fit, row["value"] * 0.5, 2025) > 0.999
    assert probability_of_reaching(fit, row["value"] * 2.0, 2025) < 0.001
    # the upper end of the 80 % interval is reached with probability 10 %
    assert probability_of_reaching(fit, row["upper"], 2025) == pytest.approx(0.10, abs=0.002)
    assert probability_of_reaching(fit, row["value"], 2025) == pytest.approx(0.5, abs=0.03)


def test_probability_on_changji_tertiary_is_a_probability():
    fit = fit_loglinear_trend(TERTIARY_YEARS, TERTIARY)
    p = probability_of_reaching(fit, 830, 2025)
    assert 0.0 < p < 1.0
    # a higher target is less likely
    assert probability_of_reaching(fit, 900, 2025) < p


def test_probability_rejects_observed_year_and_bad_target():
    fit = fit_loglinear_trend(TERTIARY_YEARS, TERTIARY)
    with pytest.raises(ValueError, match=r"after the last fitted year \(2023\)"):
        probability_of_reaching(fit, 700, 2023)
    with pytest.raises(ValueError, match="target must be a finite number > 0"):
        probability_of_reaching(fit, -5, 2025)


# --------------------------------------------------------------------------- sweep
INDICATORS = {
    "retail_sales_total": (291.51, 2023, 350.0, 2025),
    "tertiary_value_added": (704.11, 2023, 830.0, 2025),
    "tourist_arrivals": (2800.0, 2022, 4000.0, 2025),
    "tourism_revenue": (250.0, 2021, 380.0, 2025),
}


def test_sweep_shape_and_values():
    rates = np.linspace(0.03, 0.12, 30)
    out = sweep_required_vs_achievable(INDICATORS, rates)
    assert list(out.columns) == ["indicator_id", "rate", "value_at_target_year",
                                 "reaches_target", "required_rate"]
    # 2,800 → 4,000 in three years needs 12.6 %: that grid continues past 12 % in the same step, the others stop at 12 %
    sizes = out.groupby("indicator_id", sort=False).size()
    assert sizes.drop("tourist_arrivals").tolist() == [30] * 3 and sizes["tourist_arrivals"] == 33
    assert out["indicator_id"].unique().tolist() == list(INDICATORS)
    retail = out[out.indicator_id == "retail_sales_total"]
    np.testing.assert_allclose(retail["value_at_target_year"], 291.51 * (1 + rates) ** 2)
    assert retail["required_rate"].iloc[0] == pytest.approx(required_growth(291.51, 350.0, 2))
    assert (out["reaches_target"] == (out["rate"] >= out["required_rate"])).all()
    assert out["reaches_target"].dtype == bool


def test_sweep_counts_the_required_rate_itself_as_reaching():
    # 291.51 * (1 + req)**4 lands ~6e-14 *below* 350 in floating point: still "reaches"
    req = required_growth(291.51, 350, 4)
    assert 291.51 * (1 + req) ** 4 < 350
    out = sweep_required_vs_achievable({"retail": (291.51, 2021, 350, 2025)}, [req, req - 1e-6])
    assert out["reaches_target"].tolist() == [True, False]
    assert out["value_at_target_year"].iloc[0] == pytest.approx(350.0)


def test_sweep_reaches_past_each_required_rate():
    """Tourism revenue needs 44.4 % a year (230 → 1,000 亿元, 2021 → 2025) and visits 24.0 % (4,226.64 →
    10,000 万人次): each grid runs on in 0.5-point steps until it passes its own required rate, so the
    sweep shows where each target is reached; tertiary value added (8.6 %) keeps the 4–12 % grid."""
    spec = {"tertiary_value_added": (704.11, 2023, 830.0, 2025), "tourism_visits": (4226.64, 2021, 10000.0, 2025),
            "tourism_revenue": (230.0, 2021, 1000.0, 2025)}
    out = sweep_required_vs_achievable(spec)
    for ind, grp in out.groupby("indicator_id"):
        required = grp["required_rate"].iloc[0]
        assert grp["rate"].max() > required and grp["reaches_target"].iloc[-1], ind
        if ind.startswith("tourism"):  # extended: its last rate is the first past the required one
            assert grp["rate"].iloc[-2] <= required and not grp["reaches_target"].iloc[-2], ind
        np.testing.assert_allclose(np.diff(grp["rate"]), 0.005)
    assert out.groupby("indicator_id")["rate"].max().round(3).to_dict() == {
        "tertiary_value_added": 0.12, "tourism_visits": 0.245, "tourism_revenue": 0.445}


def test_sweep_default_grid_and_invalid_inputs():
    out = sweep_required_vs_achievable({"retail": (224.27, 2020, 350, 2025)})
    assert out["rate"].iloc[0] == pytest.approx(0.04)
    assert out["rate"].iloc[-1] == pytest.approx(0.12)
    with pytest.raises(ValueError, match=r"target_year \(2020\) must be after latest_year"):
        sweep_required_vs_achievable({"x": (100, 2020, 120, 2020)})
    with pytest.raises(ValueError, match="latest_value must be a finite number > 0"):
        sweep_required_vs_achievable({"x": (-100, 2020, 120, 2025)})
    with pytest.raises(ValueError, match=r"expected \(latest_value, latest_year, target"):
        sweep_required_vs_achievable({"x": (100, 2020)})
    with pytest.raises(ValueError, match="rates must be finite fractions per year > -1"):
        sweep_required_vs_achievable({"x": (100, 2020, 120, 2025)}, [0.05, -2.0])
