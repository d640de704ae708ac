"""终期评估 on the real 表 2 targets with small synthetic observation tables.

Values marked "real" are published Changji figures (2020 三产 563.51 from the plan, 2023 三产
704.11, GDP 2329.52, 社零 291.51); every 2024/2025 value here is MADE UP to put a target in a
class — they live only in this file, never in data/raw/.
"""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from analysis import final_evaluation as fe
from analysis import forecast_check, words
from analysis.parameters import ParameterError
from analysis.targets import load_targets

PARAMS = {"title": "t", "description": "d", "basically_completed_share": 0.90, "midterm_year": 2023}


def ob(ind, year, value, unit="亿元", source="made_up_test_source", quality="official", qualifier="exact",
       selected=True, period="full_year", region="652300"):
    return dict(region_code=region, indicator_id=ind, year=year, period=period, value=value, unit=unit,
                qualifier=qualifier, source_id=source, quality=quality, selected=selected)


REAL = [
    ob("tertiary_value_added", 2023, 704.11, source="yaliqi"),   # real
    ob("gdp", 2023, 2329.52, source="yaliqi"),                   # real
    ob("retail_sales_total", 2023, 291.51, source="yaliqi"),     # real
    ob("tourism_visits", 2021, 4226.64, "万人次", source="cj_gov"),  # real
]


@pytest.fixture(scope="module")
def targets():
    return load_targets()


def judge(targets, rows, params=PARAMS):
    final, _ = fe.evaluate_final(targets, pd.DataFrame([*REAL, *rows]), params)
    return final.set_index("target_id")


def test_parameters_file_is_valid_and_states_the_threshold():
    params = fe.load_parameters()
    assert params["basically_completed_share"] == 0.90 and params["midterm_year"] == 2023
    assert "基本完成" in params["description"]


@pytest.mark.parametrize("change, message", [
    ({"basically_completed_share": 1.2}, "allowed range is (0.0, 1.0)"),
    ({"basically_completed_share": "90%"}, "expected int or float"),
    ({"midterm_year": 2025}, "allowed range is [2021, 2024]"),
    ({"typo_share": 0.9}, "unknown parameter 'typo_share'"),
])
def test_bad_parameters_are_refused(change, message):
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
                       .replace("]", r"\]")):
        fe.check_parameters({**PARAMS, **change})


def test_classify_boundaries():
    assert fe.classify(1.0, 0.9) == "completed"
    assert fe.classify(0.9, 0.9) == "basically_completed"
    assert fe.classify(0.8999, 0.9) == "not_completed"
    with pytest.raises(ValueError):
        fe.classify(math.nan, 0.9)


def test_today_nothing_for_2025_is_no_data_naming_the_latest_year(targets):
    final = judge(targets, [])
    assert len(final) == 19 and set(final["status"]) == {"no_data"}
    t1 = final.loc[1]
    assert t1["reason_key"] == "final.reason.not_published"
    assert t1["latest_year"] == 2023 and t1["latest_value"] == pytest.approx(704.11)
    assert pd.isna(t1["actual_value"]) and pd.isna(t1["actual_year"])  # 2023 is not shown as the final value
    assert json.loads(t1["reason_params"])["latest_year"] == 2023
    assert final.loc[3, "reason_key"] == "final.reason.no_observation"


def test_tertiary_2025_above_830_is_completed(targets):
    final = judge(targets, [ob("tertiary_value_added", 2025, 850.0)])       # made up
    assert final.loc[1, "status"] == "completed"
    assert final.loc[1, "actual_year"] == 2025 and final.loc[1, "actual_value"] == 850.0
    assert final.loc[1, "reason_key"] == "final.reason.reached"


def test_tertiary_2025_below_90_percent_of_the_way_is_not_completed(targets):
    # 563.51 → 830 in logs: 90 % of the way is 563.51 × (830/563.51)^0.9 ≈ 798.7
    way90 = 563.51 * (830 / 563.51) ** 0.9
    final = judge(targets, [ob("tertiary_value_added", 2025, 750.0)])       # made up
    assert final.loc[1, "status"] == "not_completed"
    assert final.loc[1, "achieved_share"] == pytest.approx(math.log(750 / 563.51) / math.log(830 / 563.51))
    assert final.loc[1, "achieved_share"] < 0.9
    final = judge(targets, [ob("tertiary_value_added", 2025, round(way90 + 1, 2))])  # made up
    assert final.loc[1, "status"] == "basically_completed"


def test_share_target_is_judged_on_2025_when_gdp_2025_is_present(targets):
    # maintain-type (2020: 40.6 % ≥ 40 %): only whether 2025 still meets it
    final = judge(targets, [ob("tertiary_value_added", 2025, 850.0), ob("gdp", 2025, 2500.0)])  # made up: 34 %
    t2 = final.loc[2]
    assert t2["method"] == "maintain" and t2["actual_year"] == 2025
    assert t2["actual_value"] == pytest.approx(850 / 2500 * 100)
    assert t2["status"] == "not_completed" and t2["reason_key"] == "final.reason.maintain_broken"
    final = judge(targets, [ob("tertiary_value_added", 2025, 1100.0), ob("gdp", 2025, 2500.0)])  # made up: 44 %
    assert final.loc[2, "status"] == "completed"
    # without GDP 2025 the share is not known for 2025
    final = judge(targets, [ob("tertiary_value_added", 2025, 850.0)])
    assert final.loc[2, "status"] == "no_data" and final.loc[2, "latest_year"] == 2023


def test_no_2025_retail_is_no_data_with_the_latest_year(targets):
    final = judge(targets, [ob("retail_sales_total", 2024, 300.0)])          # made up 2024 only
    for tid in (10, 11):  # the level and the average-growth target on retail
        assert final.loc[tid, "status"] == "no_data"
        assert final.loc[tid, "latest_year"] == 2024
        assert json.loads(final.loc[tid, "reason_params"])["latest_year"] == 2024


def test_rate_target_on_the_realised_2020_2025_rate(targets):
    final = judge(targets, [ob("retail_sales_total", 2025, 290.0)])          # made up
    t11 = final.loc[11]
    realised = (290 / 224.27) ** (1 / 5) - 1                                  # 224.27: the plan's 2020 retail
    assert t11["realised_rate"] == pytest.approx(realised)
    assert t11["achieved_share"] == pytest.approx(math.log(290 / 224.27) / (5 * math.log(1.065)))  # 0.82
    assert t11["status"] == "not_completed" and t11["reason_key"] == "final.reason.rate"
    final = judge(targets, [ob("retail_sales_total", 2025, 300.0)])          # made up: 0.92 of the growth
    assert final.loc[11, "status"] == "basically_completed"
    final = judge(targets, [ob("retail_sales_total", 2025, 224.27 * 1.065 ** 5 + 0.01)])  # made up: exactly on rate
    assert final.loc[11, "status"] == "completed"


def test_tourism_total_only_when_every_year_is_present(targets):
    partial = [ob("tourism_visits", 2023, 5000.0, "万人次"), ob("tourism_visits", 2025, 12000.0, "万人次")]  # made up
    final = judge(targets, partial)
    t7 = final.loc[7]
    assert t7["status"] == "completed"                    # 2025 alone: 1.2 亿人次 ≥ 1 亿人次
    assert t7["total_status"] == "no_data" and t7["total_missing_years"] == "2022, 2024"
    assert json.loads(t7["total_reason_params"])["years"] == [2022, 2024]
    full = partial + [ob("tourism_visits", 2022, 3000.0, "万人次"), ob("tourism_visits", 2024, 6000.0, "万人次")]
    t7 = judge(targets, full).loc[7]
    total = (4226.64 + 3000 + 5000 + 6000 + 12000) / 10000                    # 亿人次
    assert t7["total_value"] == pytest.approx(total) and t7["total_share"] == pytest.approx(total / 1.0)
    assert t7["total_status"] == "completed"
    assert pd.isna(judge(targets, full).loc[1, "total_status"])            # only tourism has two readings


def test_every_reason_renders_in_both_languages(targets):
    rows = [ob("tertiary_value_added", 2025, 750.0), ob("gdp", 2025, 2500.0), ob("retail_sales_total", 2025, 300.0),
            ob("tourism_visits", 2025, 12000.0, "万人次")]
    final = judge(targets, rows)
    for _, r in final.iterrows():
        for key, params in ((r["reason_key"], r["reason_params"]), (r["total_reason_key"], r["total_reason_params"])):
            if isinstance(key, str):
                for lang in words.LANGUAGES:
                    assert words.text(key, lang, **json.loads(params))
    for status in fe.STATUS_ORDER:
        assert words.text(f"final.status.{status}", "zh") and words.text(f"final.status.{status}", "en")


def series(values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame({"year": list(values), "value": list(values.values()), "qualifier": "exact",
                         "source_id": "made_up_test_source", "quality": "official"})


def test_forecast_check_refits_on_midterm_data_and_scores_the_actual():
    s = series({2019: 500.0, 2020: 563.51, 2021: 600.0, 2022: 640.0, 2023: 704.11, 2024: 9999.0, 2025: 800.0})
    row = forecast_check.check_projection(s, indicator_id="tertiary_value_added", unit="亿元", midterm_year=2023,
                                          final_year=2025)
    assert row["fit_years"] == "2019,2020,2021,2022,2023" and row["n_fit"] == 5   # 2024 is after the mid-term
    assert row["lower"] < row["projected"] < row["upper"]
    assert row["actual"] == 800.0 and row["error"] == pytest.approx(row["projected"] - 800.0)
    assert row["error_pct"] == pytest.approx((row["projected"] - 800.0) / 8.0)
    assert row["covered"] == (row["lower"] <= 800.0 <= row["upper"])
    # the same fit as the scenario module on the same five points: rerun, not copied
    from analysis import growth
    fit = growth.fit_loglinear_trend(s["year"][:5], s["value"][:5], horizon_years=2)
    assert row["projected"] == pytest.approx(float(fit.predict([2025])["value"].iloc[0]))


def test_forecast_check_without_actual_or_points_leaves_blanks():
    row = forecast_check.check_projection(series({2020: 563.51, 2023: 704.11}), indicator_id="x", unit="亿元",
                                          midterm_year=2023, final_year=2025)
    assert not math.isnan(row["projected"]) and math.isnan(row["actual"]) and row["covered"] is pd.NA
    assert row["actual_reason_key"] == "final.forecast.not_published"
    row = forecast_check.check_projection(series({2021: 4226.64}), indicator_id="tourism_visits", unit="万人次",
                                          midterm_year=2023, final_year=2025)
    assert math.isnan(row["projected"]) and row["projection_reason_key"] == "final.forecast.too_few_points"
    table = forecast_check.check_projections([row])
    assert list(table.columns) == forecast_check.CHECK_COLUMNS


def test_final_report_renders_each_language_wholly_in_itself(targets):
    """The final report's context, rendered by the mid-term report's templates, without a kernel:
    Chinese without English words, English without Chinese except marked quotations of the original;
    numbered tables citing readable sources, the same sources section and stamp as the mid-term report."""
    import re

    from analysis import final_report, report

    final = judge(targets, [ob("tertiary_value_added", 2025, 850.0), ob("gdp", 2025, 2500.0),
                            ob("tourism_visits", 2025, 12000.0, "万人次")]).reset_index()
    check = forecast_check.check_projections([forecast_check.check_projection(
        series({2020: 563.51, 2021: 600.0, 2023: 704.11, 2025: 850.0}), indicator_id="tertiary_value_added",
        unit="亿元", midterm_year=2023, final_year=2025)])
    sources = {"made_up_test_source": {"title_zh": "测试来源", "title_en": "Test source", "url": None, "date": "2026-02-01",
                                       "quality": "official"},   # no short names: cited by title, never by id
               "yaliqi": {"title_zh": "自媒体", "title_en": "Self-media", "url": None, "quality": "encyclopedia_blog"},
               "cj_gov": {"title_zh": "政府网", "title_en": "Government site", "url": None, "quality": "official"},
               "cj_plan_2022_97": {"title_zh": "昌吉回族自治州“十四五”现代服务业发展规划", "title_en": "Changji services plan",
                                   "short_zh": "州规划", "short_en": "prefecture plan", "date": "2022-09-26", "url": None,
                                   "quality": "official", "issuer": "州政府", "issuer_en": "the prefecture government",
                                   "document_number": "昌州政发〔2022〕97号"}}
    observations = pd.DataFrame([dict(region_code="652300", indicator_id="tertiary_value_added", year=y, period="full_year",
                                      value=v, selected=True, source_id="made_up_test_source") for y, v in ((2020, 563.51), (2025, 850.0))])
    data = final_report.FinalReportData(final=final, check=check, params=PARAMS, observations=observations,
                                        provenance={"sources": sources, "files": {}}, parameters={"final_evaluation.yaml": PARAMS},
                                        stamp={"git": "abc123", "versions": {"pandas": "2"}})
    pages = {}
    for lang in ("zh", "en"):
        ctx = final_report.build_context(data, lang)
        assert ctx["counts"] == {"completed": 2, "basically_completed": 0, "not_completed": 1, "no_data": 16}
        assert [s["anchor"] for s in ctx["sections"]][-2:] == ["sources", "stamp"]
        assert "framework" not in str(ctx["title"]) and "框架" not in str(ctx["title"])  # three targets are judged
        assert ctx["table_count"] == 3  # targets, forecast check, raw files
        pages[lang] = report.render_report(ctx, "figures")
    assert "<th>序号</th>" in pages["zh"] and 'id="table-1"' in pages["zh"] and 'id="table-2"' in pages["zh"]
    assert "测试来源，2026（官方）" in pages["zh"] and "Test source, 2026 (official)" in pages["en"]  # in the sources annex
    assert "made_up_test_source</" not in pages["zh"].replace("<code>made_up_test_source</code>", "")
    assert "比重 ≥" not in pages["zh"] and "三产增加值占 GDP 增加值比重（40%）" in pages["zh"]  # the maintain example, from 表 2
    visible = lambda html: re.sub(r"<style.*?</style>|<code>.*?</code>|<pre>.*?</pre>|<[^>]+>", " ", html, flags=re.S)  # noqa: E731
    zh_words = set(re.findall(r"[A-Za-z]{3,}", visible(pages["zh"])))
    assert zh_words <= {"make", "final", "data", "raw", "params", "evaluation", "yaml", "GDP", "git", "sha", "English",
                        "processed", "observations", "csv"}, zh_words  # commands and file paths
    en_text = visible(re.sub(r'<(q|cite|a)[^>]*lang="zh"[^>]*>.*?</\1>', "", pages["en"]))
    assert not re.findall(r"[\u4e00-\u9fff]", en_text), re.findall(r".{20}[\u4e00-\u9fff].{20}", en_text)[:3]
    assert 'data-target-id="1"' in pages["en"] and re.search(r'<tr data-status="completed" data-target-id="1"', pages["en"])
    assert re.search(r'<tr data-status="completed" data-target-id="7" data-total-status="no_data"', pages["zh"])


def test_final_report_writes_numbers_as_the_mid_term_report(targets):
    """Values, percentages and targets in the final report as the mid-term report writes them
    (analysis/report_format.py): ``30.23%`` not ``30.23 %``, two decimals, a target with the plan's own decimals."""
    from analysis import final_report
    from analysis.report_format import Writer, decimals_of, fmt_amount, fmt_number

    final = judge(targets, [])                                    # real 2023 figures only: 2025 not yet published
    share = fmt_number(704.11 / 2329.52 * 100)                    # real 2023 三产 ÷ GDP
    for lang in words.LANGUAGES:
        t2, t10 = final.loc[2], final.loc[10]
        share_text = final_report.reason(t2["reason_key"], t2["reason_params"], lang)
        assert words.text("amount.percent", lang, value=share) in share_text and f"{share} %" not in share_text
        retail_text = final_report.reason(t10["reason_key"], t10["reason_params"], lang)
        assert fmt_amount(291.51, "亿元", lang) in retail_text    # the mid-term's amount, unit in the reader's language
        w = Writer(lang, {"sources": {}, "files": {}})
        for _, row in final.reset_index().iterrows():              # 6.5% (表 2 no. 11) as the plan prints it in both
            expected = row["target_text"] if lang == "zh" else w.amount(row["target_value"], row["unit"], decimals_of(row["target_value"]))
            assert final_report._target_text(w, row) == expected, row["target_id"]
        assert final_report._target_text(w, final.reset_index().iloc[0]) == {"zh": "830 亿元", "en": "CNY 83 billion"}[lang]
