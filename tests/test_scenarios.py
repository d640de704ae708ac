"""Scenario tables, tourism readings, backtest and parameter validation (analysis.scenarios)."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import scenarios
from analysis.parameters import ParameterError

# Changji actuals as published (plan text and bulletins): fixtures, not pipeline inputs.
TERTIARY = pd.DataFrame({"year": [2015, 2018, 2020, 2023], "value": [358.05, 440.14, 563.51, 704.11]})
RETAIL = pd.DataFrame({"year": [2020, 2023], "value": [224.27, 291.51]})
VISITS = pd.DataFrame({"year": [2021], "value": [4226.64]})


def test_tertiary_scenarios():
    table, s = scenarios.build_scenarios(TERTIARY, unit="亿元", target=830, target_year=2025, stated_rate=0.08, base_year=2020)
    assert set(table["scenario"]) == {"actual", "plan", "required", "target", "trend_loglinear", "stress"}
    assert list(table.columns) == scenarios.SCENARIO_COLUMNS
    plan = table[table.scenario == "plan"].set_index("year")["value"]
    assert plan[2025] == pytest.approx(563.51 * 1.08 ** 5)
    assert s["required_rate"] == pytest.approx((830 / 704.11) ** 0.5 - 1)
    assert s["damped_fallback_reason"].startswith("years not consecutive")
    trend = table[table.scenario == "trend_loglinear"]
    assert (trend["lower"] < trend["value"]).all() and (trend["upper"] > trend["value"]).all()
    widths = (trend["upper"] - trend["lower"]).to_list()
    assert widths == sorted(widths)  # the band widens with the horizon
    assert 0 < s["probability_of_target"] < 1
    assert s["stress_value"] < s["trend_value"]


def test_retail_needs_more_than_the_stated_rate():
    table, s = scenarios.build_scenarios(RETAIL, unit="亿元", target=350, target_year=2025, stated_rate=0.065, base_year=2020)
    assert s["plan_value_at_target_year"] == pytest.approx(224.27 * 1.065 ** 5)  # 307.27 < 350
    assert s["plan_value_at_target_year"] < 350
    assert math.isnan(s["trend_lower"])  # two points: exact line, no interval
    assert "no prediction interval" in s["notes"]


def test_single_point_gives_no_trend_but_required_growth():
    table, s = scenarios.build_scenarios(VISITS, unit="万人次", target=10000, target_year=2025, stated_rate=None, base_year=2020)
    assert set(table["scenario"]) == {"actual", "required", "target"}
    assert s["required_rate"] == pytest.approx((10000 / 4226.64) ** 0.25 - 1)
    assert "too few annual observations (1)" in s["notes"] and "no growth rate" in s["notes"]


def test_tourism_two_readings():
    r = scenarios.tourism_readings(VISITS, target=10000, five_year_total_13th=14000).set_index("reading")
    assert r.loc["annual_2025", "required"] == pytest.approx((10000 / 4226.64) ** 0.25 - 1)
    total = r.loc["total_2021_2025"]
    assert total["missing_years"] == "2022,2023,2024,2025"
    assert total["required"] == pytest.approx((10000 - 4226.64) / 4)
    assert total["ratio_to_13th_total"] == pytest.approx(10000 / 14000)


def test_backtest_errors():
    bt = scenarios.backtest(TERTIARY, cutoff=2020, stated_rate=0.08, base_year=2020).set_index("method")
    assert bt.loc["plan_rate", "predicted"] == pytest.approx(563.51 * 1.08 ** 3)
    assert bt.loc["plan_rate", "error_pct"] == pytest.approx((563.51 * 1.08 ** 3 - 704.11) / 704.11 * 100)
    assert bt.loc["loglinear", "n_fit"] == 3
    retail = scenarios.backtest(RETAIL, cutoff=2020, stated_rate=0.065, base_year=2020).set_index("method")
    assert math.isnan(retail.loc["loglinear", "predicted"]) and "too few points up to 2020 (1)" in retail.loc["loglinear", "note"]
    assert retail.loc["plan_rate", "error_pct"] < 0  # 6.5% a year under-predicted 2023's 291.51


@pytest.mark.parametrize("kwargs, message", [
    ({"indicator": "gdp"}, "allowed values are 'tertiary_value_added'"),
    ({"stated_rate": 1.5}, "allowed range is (-0.5, 1.0)"),
    ({"stated_rate": -0.5}, "allowed range is (-0.5, 1.0)"),
    ({"horizon": 2019}, "must be after base_year (2020)"),
    ({"covid": "drop"}, "allowed values are 'none', 'dummy', 'exclude'"),
    ({"seed": "1"}, "expected int"),
])
def test_invalid_parameters_say_what_is_allowed(kwargs, message):
    params = dict(indicator="tertiary_value_added", stated_rate=0.08, base_year=2020, horizon=2025, covid="none",
                  seed=1, level=0.8, stress_shock=0.02) | kwargs
    with pytest.raises(ParameterError) as err:
        scenarios.validate_scenario_parameters(**params)
    assert message in str(err.value)
