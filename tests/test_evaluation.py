"""序时进度 evaluation on the real targets with a small synthetic observations table.

Observation values marked "real" are published Changji figures (2023 三产 704.11, GDP 2329.52,
社零 291.51); the others are invented to put one target in each class.
"""
from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from analysis import words
from analysis.parameters import ParameterError
from analysis.progress import STATUS_ORDER, classify, elapsed_share, growth_progress, linear_progress, load_thresholds, log_progress, summary_line
from analysis.scoreboard import EVALUATION_COLUMNS, evaluate_targets, share_of_gdp, usable_observations
from analysis.targets import load_targets
from analysis.units import convert_units as convert_unit

TH = {"ahead_margin": 0.10, "lagging_margin": 0.10}


def ob(ind, year, value, unit, source="cj_bulletin", qualifier="exact", selected=True, period="full_year",
       region="652300", quality="official"):
    return dict(region_code=region, indicator_id=ind, year=year, period=period, value=value, unit=unit,
                qualifier=qualifier, source_id=source, quality=quality, selected=selected)


def observations(extra=()):
    rows = [
        ob("tertiary_value_added", 2023, 704.11, "亿元", source="cj_bulletin_2023"),            # real
        ob("gdp", 2023, 2329.52, "亿元", source="xj_yearbook_2024"),                          # real
        ob("retail_sales_total", 2023, 291.51, "亿元"),                                      # real
        ob("finance_value_added", 2023, 125.0, "亿元", source="xj_yearbook_2024"),
        ob("tourism_visits", 2020, 2100, "万人次"), ob("tourism_visits", 2021, 2500, "万人次"),
        ob("tourism_visits", 2022, 2000, "万人次"), ob("tourism_visits", 2023, 4000, "万人次"),
        ob("services_tax_revenue", 2020, 50.0, "亿元"), ob("services_tax_revenue", 2022, 58.0, "亿元"),
        ob("new_above_scale_service_firms", 2021, 12, "家"), ob("new_above_scale_service_firms", 2022, 9, "家"),
        ob("new_above_scale_service_firms", 2023, 11, "家"),
        ob("a_grade_logistics_firms", 2023, 6, "家"),
        ob("services_projects_started", 2021, 22, "个"), ob("services_projects_started", 2023, 25, "个"),
        ob("tertiary_employment_share", 2023, 45.0, "%"),
        ob("new_rd_service_institutions", 2023, 9, "个"),
        # rows that must NOT be used
        ob("tertiary_value_added", 2024, 900.0, "亿元"),                          # after the evaluation year
        ob("tertiary_value_added", 2023, 999.0, "亿元", selected=False),          # not selected
        ob("tertiary_value_added", 2023, 300.0, "亿元", period="partial", source="q3"),  # partial year
        ob("tertiary_value_added", 2023, 3000.0, "亿元", region="650100"),         # Urumqi
        ob("tourism_revenue", 2025, 5000.0, "亿元", period="five_year_total"),
        *extra,
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def targets():
    return load_targets()


@pytest.fixture(scope="module")
def evaluated(targets):
    return evaluate_targets(targets, observations(), 2023, TH).set_index("target_id", drop=False)


# --------------------------------------------------------------------------- building blocks
def test_elapsed_share():
    assert elapsed_share(2023) == pytest.approx(0.6)
    assert elapsed_share(2020) == 0 and elapsed_share(2025) == 1
    assert elapsed_share(2022, base_year=2020, target_year=2025) == pytest.approx(0.4)
    with pytest.raises(ValueError, match="outside the plan period 2020–2025"):
        elapsed_share(2026)
    with pytest.raises(ParameterError):
        elapsed_share("2023")


@pytest.mark.parametrize("achieved, status", [
    (1.0, "achieved"), (1.3, "achieved"), (0.7, "faster"), (0.69, "on_track"), (0.5, "on_track"),
    (0.49, "lagging"), (-0.4, "lagging"), (math.nan, "no_data"), (None, "no_data"),
])
def test_classify_boundaries(achieved, status):
    assert classify(achieved, 0.6, TH) == status


def test_thresholds_file_documents_the_convention():
    th = load_thresholds()
    assert th["ahead_margin"] == pytest.approx(0.10) and th["lagging_margin"] == pytest.approx(0.10)
    assert th["title"] and "CONVENTION" in th["description"]
    with pytest.raises(ParameterError, match="ahead_margin"):
        classify(0.5, 0.6, {"ahead_margin": 2, "lagging_margin": 0.1})


def test_progress_formulas():
    # real: 三产 563.51 (2020) → 704.11 (2023) toward 830, in logs
    assert log_progress(704.11, 563.51, 830) == pytest.approx(math.log(704.11 / 563.51) / math.log(830 / 563.51))
    assert linear_progress(7.0, 6.16, 8.0) == pytest.approx((7.0 - 6.16) / (8.0 - 6.16))
    realised, share = growth_progress(291.51, 224.27, 3, 0.065, 5)
    assert realised == pytest.approx((291.51 / 224.27) ** (1 / 3) - 1)
    # growing exactly at the target rate is exactly on schedule
    _, on_schedule = growth_progress(100 * 1.065 ** 3, 100, 3, 0.065, 5)
    assert on_schedule == pytest.approx(elapsed_share(2023))
    with pytest.raises(ValueError, match="maintain"):
        log_progress(45, 40.6, 40.6)


def test_convert_unit():
    assert convert_unit(2800, "万人次", "亿人次") == pytest.approx(0.28)
    assert convert_unit(1, "亿元", "万元") == pytest.approx(10000)
    with pytest.raises(ValueError, match="no common unit"):
        convert_unit(1, "亿元", "亿人次")


def test_share_of_gdp_real_2023_with_source_note():
    obs = observations()
    s = share_of_gdp(obs[obs.indicator_id == "tertiary_value_added"], obs[obs.indicator_id == "gdp"], 2023)
    assert s.value == pytest.approx(704.11 / 2329.52 * 100)
    assert round(s.value, 1) == 30.2
    assert "different sources" in s.note and "cj_bulletin_2023" in s.note and "xj_yearbook_2024" in s.note
    assert s.source_id == "cj_bulletin_2023 + xj_yearbook_2024"


def test_share_of_gdp_same_source_no_note_and_missing_year():
    obs = pd.DataFrame([ob("finance_value_added", 2023, 125.0, "亿元"), ob("gdp", 2023, 2500.0, "亿元")])
    s = share_of_gdp(obs[obs.indicator_id == "finance_value_added"], obs[obs.indicator_id == "gdp"], 2023)
    assert s.value == pytest.approx(5.0) and s.note is None
    gone = share_of_gdp(obs[obs.indicator_id == "finance_value_added"], obs[obs.indicator_id == "gdp"], 2022)
    assert math.isnan(gone.value) and gone.note == "no numerator and GDP observation for 2022"


def test_usable_observations_filters_and_rejects_ambiguity():
    use = usable_observations(observations())
    assert ((use.region_code == "652300") & (use.period == "full_year") & use.selected).all()
    assert 999.0 not in use["value"].tolist() and 300.0 not in use["value"].tolist()
    dup = observations([ob("retail_sales_total", 2023, 290.0, "亿元", source="other")])
    with pytest.raises(ValueError, match="two selected full-year observations for retail_sales_total 2023"):
        usable_observations(dup)
    bad = observations().assign(selected="yes")
    with pytest.raises(ValueError, match="must hold booleans"):
        usable_observations(bad)
    with pytest.raises(ValueError, match="lack the columns"):
        usable_observations(observations().drop(columns=["quality"]))
    numpy_bools = observations().iloc[:4].assign(selected=np.True_)
    assert len(usable_observations(numpy_bools)) == 4


# --------------------------------------------------------------------------- the evaluation
def test_one_row_per_target_never_dropped(targets, evaluated):
    assert list(evaluated.columns) == EVALUATION_COLUMNS
    assert evaluated["target_id"].tolist() == targets["target_id"].tolist()
    assert set(evaluated["status"]) <= set(STATUS_ORDER)
    empty = evaluate_targets(targets, observations().iloc[0:0], 2023, TH)
    assert len(empty) == 19 and (empty["status_zh"] == "暂缺数据").all()
    assert empty["data_needed"].str.len().gt(20).all()
    # the report renders the same need from the catalogue message, in Chinese with no English left
    zh = [words.render(m, "zh") for v in empty["data_needed_message"] for m in words.from_json(v)]
    assert len(zh) == 19 and not any(re.search(r"[A-Za-z]{3,}", re.sub(r"[a-z_]+_[a-z_]+", "", z)) for z in zh), zh


def test_expected_status_per_target(evaluated):
    expected = {1: "on_track", 2: "lagging", 3: "faster", 5: "on_track", 7: "lagging", 9: "lagging", 10: "on_track",
                11: "faster", 12: "achieved", 13: "lagging", 14: "on_track"}
    assert evaluated.loc[list(expected), "status"].to_dict() == expected
    others = evaluated.drop(index=list(expected))
    assert (others["status"] == "no_data").all() and others["data_needed"].notna().all()
    assert evaluated.loc[list(expected), "data_needed"].isna().all()


def test_summary_line_in_national_form(evaluated):
    assert summary_line(evaluated) == "1 项提前实现、2 项超序时进度、4 项达到序时进度、4 项滞后于序时进度、8 项暂缺数据"
    assert summary_line(evaluated, "en").startswith("1 already met, 2 ahead of schedule")


def test_tertiary_level_uses_latest_selected_full_year(evaluated):
    r = evaluated.loc[1]
    assert (r.actual_value, r.actual_year, r.source_id) == (704.11, 2023, "cj_bulletin_2023")
    assert r.baseline_value == 563.51 and r.baseline_origin == "plan text"
    assert r.achieved_share == pytest.approx(log_progress(704.11, 563.51, 830))
    assert r.elapsed_share == pytest.approx(0.6) and r.status_zh == "达到序时进度"
    assert r.required_rate == pytest.approx((830 / 704.11) ** 0.5 - 1)


def test_tertiary_share_recomputed_with_same_year_gdp_and_maintain_rule(evaluated):
    r = evaluated.loc[2]
    assert r.actual_value == pytest.approx(704.11 / 2329.52 * 100)
    assert r.method == "maintain" and r.status == "lagging" and math.isnan(r.achieved_share)
    assert "different sources" in r.note and "a level to be maintained" in r.note
    assert f"(704.11 ÷ {2329.52:,.2f})" in r.note  # thousands separators, as in the tables


def test_maintain_target_met_counts_as_reached(targets):
    obs = pd.DataFrame([ob("tertiary_value_added", 2023, 704.11, "亿元"), ob("gdp", 2023, 1600.0, "亿元")])
    r = evaluate_targets(targets, obs, 2023, TH).set_index("target_id").loc[2]
    assert r.status_zh == "提前实现" and r.method == "maintain"


def test_growth_rate_target_compares_realised_cagr(evaluated):
    r = evaluated.loc[11]
    assert r.baseline_value == 224.27 and r.target_rate == pytest.approx(0.065)
    assert r.realised_rate == pytest.approx((291.51 / 224.27) ** (1 / 3) - 1)
    assert r.status_en == "ahead of schedule"
    # the amount the plan's rate reaches is written like every amount in the report (the summary says 307.27, not 307.269)
    assert f"gives {224.27 * 1.065 ** 5:,.2f} (亿元) by 2025" in r.note
    # tax growth: latest value 2022, so compared with 2/5 of the period, baseline observed
    t = evaluated.loc[3]
    assert t.actual_year == 2022 and t.elapsed_share == pytest.approx(0.4)
    assert t.baseline_origin == "observations" and t.realised_rate == pytest.approx((58 / 50) ** 0.5 - 1)
    assert "latest usable value is for 2022" in t.note


def test_finance_share_linear_and_level_achieved(evaluated):
    f = evaluated.loc[13]
    share = 125.0 / 2329.52 * 100
    assert f.actual_value == pytest.approx(share)
    assert f.achieved_share == pytest.approx((share - 6.16) / (8 - 6.16)) and f.status == "lagging"
    assert "左右" in f.note
    assert evaluated.loc[12, "status_zh"] == "提前实现"


def test_tourism_converted_and_both_readings(evaluated):
    r = evaluated.loc[7]
    assert r.actual_value == pytest.approx(0.4) and r.unit == "亿人次" and r.baseline_value == pytest.approx(0.21)
    assert r.baseline_origin == "observations"
    assert r.achieved_share == pytest.approx(math.log(0.4 / 0.21) / math.log(1 / 0.21))
    assert r.alt_achieved_share == pytest.approx(0.85) and r.alt_status_zh == "超序时进度"
    assert "2021–2025 total" in r.alt_reading
    rev = evaluated.loc[8]  # only a five_year_total row: not used
    assert rev.status == "no_data" and "2020 value" in rev.data_needed


def test_counts(evaluated):
    firms = evaluated.loc[5]
    assert firms.actual_value == 32 and firms.achieved_share == pytest.approx(32 / 50) and firms.method == "cumulative_count"
    projects = evaluated.loc[17]
    assert projects.status == "no_data" and "years missing: 2022" in projects.note
    logistics = evaluated.loc[9]
    assert logistics.baseline_value == 4 and logistics.achieved_share == pytest.approx((6 - 4) / (10 - 4))
    rd = evaluated.loc[14]
    assert rd.achieved_share == pytest.approx(9 / 15) and "counted from the start" in rd.note
    emp = evaluated.loc[4]  # a share without any 2020 value: cannot be placed
    assert emp.status == "no_data" and emp.actual_value == 45 and "2020" in emp.data_needed


def test_evaluation_year_caps_the_data(targets):
    ev = evaluate_targets(targets, observations(), 2022, TH).set_index("target_id")
    assert ev.loc[1, "status"] == "no_data"          # the 2023 value is after 2022
    assert ev.loc[7, "actual_year"] == 2022


def test_thresholds_change_statuses(targets):
    strict = evaluate_targets(targets, observations(), 2023, {"ahead_margin": 0.3, "lagging_margin": 0.0})
    assert strict.set_index("target_id").loc[11, "status"] == "on_track"
    assert summary_line(strict) != "1 项提前实现、2 项超序时进度、4 项达到序时进度、4 项滞后于序时进度、8 项暂缺数据"


def test_baseline_from_observations_and_difference_noted(targets):
    obs = observations([ob("tertiary_value_added", 2020, 560.0, "亿元")])
    plan = evaluate_targets(targets, obs, 2023, TH).set_index("target_id").loc[1]
    assert plan.baseline_value == 563.51 and "differs from the observed one" in plan.note
    own = evaluate_targets(targets, obs, 2023, TH, baseline_from="observations").set_index("target_id").loc[1]
    assert own.baseline_value == 560.0 and own.baseline_origin == "observations"


def test_lower_bound_qualifier_is_kept(targets):
    obs = observations([ob("tourism_revenue", 2020, 300.0, "亿元"),
                        ob("tourism_revenue", 2023, 500.0, "亿元", qualifier="lower_bound")])
    r = evaluate_targets(targets, obs, 2023, TH).set_index("target_id").loc[8]
    assert r.actual_qualifier == "lower_bound" and "lower bound" in r.note
    assert r.achieved_share == pytest.approx(math.log(500 / 300) / math.log(1000 / 300))
