"""The report's context builder on small hand-made tables: no files, no kernel.

Facts are chosen by indicator id (never row position), every word comes from the catalogue,
and the English notes of the analysis tables are all known to the catalogue.
"""
from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest
from markupsafe import Markup

from analysis import words
from analysis.report_context import ReportData, build_context

PLAN = "cj_plan_2022_97"
PROVENANCE = {
    "files": {"plan.txt": {"sha256": "0" * 64, "source_id": PLAN}},
    "sources": {
        PLAN: {"title_zh": "规划", "title_en": "The plan", "short_zh": "州政府规划", "short_en": "prefecture plan",
               "issuer": "州政府", "issuer_en": "the prefecture government", "document_number": "〔2022〕97号",
               "date": "2022-09-26", "url": None, "accessed": "2026-11", "quality": "official"},
        "site_a": {"title_zh": "网页甲", "title_en": "Page A", "short_zh": "网页甲", "short_en": "page A",
                   "publisher_zh": "甲网", "publisher_en": "site A", "date": "2024-01-02", "url": "https://a.example/1",
                   "accessed": "2026-11", "quality": "media"},
    },
}


def _comparison() -> pd.DataFrame:
    rows = []
    for code, zh, en, tva, trade in (("652300", "昌吉回族自治州", "Changji", 563.51, 5.47), ("650000", "新疆", "Xinjiang", 7071.85, 213.87)):
        rows.append(dict(region_code=code, year=2020, indicator_id="tertiary_value_added", indicator_zh="三产增加值",
                         indicator_en="Tertiary value added", breakdown="total", breakdown_zh="合计", breakdown_en="total",
                         parent_indicator_id=None, unit="亿元", value=tva, decimals=2, source_id=PLAN))
        rows.append(dict(region_code=code, year=2020, indicator_id="goods_trade_total", indicator_zh="货物进出口总额",
                         indicator_en="Goods trade", breakdown="total", breakdown_zh="合计", breakdown_en="total",
                         parent_indicator_id=None, unit="亿美元", value=trade, decimals=2, source_id=PLAN))
    return pd.DataFrame(rows)


def _progress_row(target_id, indicator_id, kind, unit, actual, year, achieved, status, baseline, target, **extra):
    row = dict(target_id=target_id, indicator_id=indicator_id, kind=kind, unit=unit, actual_value=actual, actual_year=year,
               achieved_share=achieved, elapsed_share=0.6, status=status, baseline_value=baseline, target_value=target,
               group_zh="总体目标", indicator_zh=indicator_id, indicator_en=indicator_id.replace("_", " "),
               source_id="site_a" if actual == actual else math.nan, data_needed=math.nan, data_needed_message=math.nan, note=math.nan,
               alt_reading=math.nan, alt_achieved_share=math.nan, alt_status_en=math.nan, evaluation_year=2023, base_year=2020,
               realised_rate=math.nan)
    row.update(extra)
    return row


def _targets(progress: pd.DataFrame) -> pd.DataFrame:
    numerators = {"tertiary_share_of_gdp": "tertiary_value_added"}
    return pd.DataFrame([dict(target_id=r.target_id, indicator_id=r.indicator_id, kind=r.kind, base_year=2020, target_year=2025,
                              target_text=f"{r.target_value:g} {r.unit}", target_value=r.target_value, unit=r.unit,
                              direction="at_least", group_en="Overall targets", numerator_id=numerators.get(r.indicator_id))
                         for r in progress.itertuples()])


def _audit_row() -> dict:
    """The retail check as analysis/audit.py stores it: English beside the catalogue messages."""
    m = words.Message
    numbers = dict(needed="9.31%", rate="6.5", years=5, at_stated="307.3")
    messages = {"topic": m("audit.topic.target_rate", year=2025, subject=m("audit.subject.retail")),
                "stated": m("audit.stated.at_least_rate", rate="6.5"),
                "recomputed": m("audit.recomputed.retail_target_rate", **numbers),
                "explanation": m("audit.explain.retail_target_rate.inconsistent", **numbers, base_year=2020, base="224.27",
                                 target_year=2025, target="350", shortfall="42.7")}
    return dict(check_id="retail_target_rate", statement_zh="年均增长达到 6.5%以上", recomputed=0.0931,
                recomputed_unit="fraction per year", verdict="inconsistent", topic_en=str(messages["topic"]),
                stated=str(messages["stated"]), recomputed_text=str(messages["recomputed"]),
                explanation_en=str(messages["explanation"]), **{f"{k}_message": words.to_json([v]) for k, v in messages.items()})


@pytest.fixture
def data() -> ReportData:
    progress = pd.DataFrame([
        _progress_row(1, "tertiary_value_added", "level", "亿元", 704.11, 2023.0, 0.5752, "on_track", 563.51, 830.0),
        _progress_row(2, "tertiary_share_of_gdp", "share_of_gdp", "%", 30.2, 2023.0, math.nan, "lagging", 40.6, 40.0),
        _progress_row(7, "tourism_visits", "level", "亿人次", math.nan, math.nan, math.nan, "no_data", math.nan, 1.0,
                      indicator_zh="旅游接待人数", indicator_en="Tourist visits", data_needed="tourism_visits for 2020 …",
                      data_needed_message=words.to_json([words.Message("need.baseline", indicator="tourism_visits", base_year=2020,
                                                                       start=2021, end=2023, measured="")])),
    ])
    obs = pd.DataFrame([
        dict(region_code="652300", indicator_id="tourism_visits", year=2021, period="full_year", value=4226.64, selected=True, source_id="site_a"),
        dict(region_code="652300", indicator_id="tertiary_value_added", year=2023, period="full_year", value=704.11, selected=True, source_id="site_a"),
    ])
    summary = dict(unit="亿元", n_actual=3, latest_year=2023, latest_value=704.11, base_year=2020, base_value=563.51, target=830.0,
                   target_year=2025, stated_rate=0.08, plan_value_at_target_year=827.98, required_rate=0.0857, trend_method="loglinear",
                   trend_rate=0.09, trend_value=841.92, trend_lower=754.45, trend_upper=939.53, probability_of_target=0.59,
                   damped_fallback_reason=math.nan, stress_value=800.0, stress_shock=0.02, notes=math.nan,
                   series_sources=f"2020:{PLAN}(official,exact);2023:site_a(media,exact)", pace_start_year=2020,
                   pace_start_value=563.51, pace_end_year=2023, pace_rate=0.0771, pace_value_at_target_year=816.82,
                   pace_share_of_target=0.9841)
    return ReportData(
        comparison=_comparison(),
        checks=pd.DataFrame([dict(region_code="652300", check="goods_exports + goods_imports = goods_trade_total", expected=5.47,
                                  recomputed=5.47, difference=0.0, tolerance=0.01, verdict="exact")]),
        observations=obs, progress=progress, plan_targets=_targets(progress),
        plan_audit=pd.DataFrame([_audit_row()]),
        backtest=pd.DataFrame(columns=["method", "fit_years", "n_fit", "year", "predicted", "actual", "error", "error_pct", "note", "indicator_id"]),
        summaries={"tertiary_value_added": summary}, readings={}, provenance=PROVENANCE,
        thresholds={"ahead_margin": 0.1, "lagging_margin": 0.1, "odds_bands": [0.2, 0.4, 0.6, 0.8], "pace_broadly_met": 0.95},
        evaluation_year=2023, level=0.8, min_points_damped=8,
        covid_years=(2020, 2021, 2022), stamp={"git": "abc", "versions": {"pandas": "2"}},
    )


def _section(context, anchor: str) -> dict:
    return next(s for s in context["sections"] if s["anchor"] == anchor)


def _text(x) -> str:
    return Markup(str(x)).striptags()


def _lede(context) -> str:
    """The overall assessment's sentences, as text."""
    return " ".join(_text(p) for p in _section(context, "assessment")["blocks"][0]["paragraphs"])


def _items(context, anchor: str) -> dict[str, str]:
    """The problems or recommendations as {finding id: text}."""
    block = next(b for b in _section(context, anchor)["blocks"] if b["kind"] == "items")
    return {i["finding"]: _text(i["text"]) for i in block["items"]}


def _results(context) -> dict:
    return next(b for b in _section(context, "assessment")["blocks"] if b.get("role") == "results")



# --------------------------------------------------------------------------- the order of an official review
def test_the_verdict_comes_first_then_problems_recommendations_and_annexes(data):
    for lang in ("zh", "en"):
        ctx = build_context(data, lang)
        anchors = [(s["anchor"], s["annex"]) for s in ctx["sections"]]
        assert anchors[:4] == [("assessment", False), ("progress", False), ("problems", False), ("recommendations", False)]
        assert all(annex for _, annex in anchors[4:]) and [a for a, _ in anchors[4:]][-2:] == ["sources", "stamp"]
        first = _section(ctx, "assessment")["blocks"]
        assert first[0]["kind"] == "lede" and re.search(r"\d", _lede(ctx))
        assert first[1]["kind"] == "figure" and first[1]["file"] == "target_progress.svg"  # the verdict as a picture
        assert first[2].get("role") == "results"  # then the results table
    assert str(_section(build_context(data, "zh"), "assessment")["heading"]) == "一、总体评价"
    assert str(_section(build_context(data, "en"), "problems")["heading"]) == "3. Main problems"


def test_the_assessment_counts_then_names_the_lagging_target_with_its_numbers(data):
    zh = _lede(build_context(data, "zh"))
    # the verdict in one sentence first: the recent pace reaches 98% of the 830 亿元 target (≥ 95%: broadly met)
    assert zh.startswith("总体看，三产增加值有望基本实现（按近期速度 2025 年可达目标的 98%）；其余 1 项暂缺数据，待数据补齐后评价。")
    assert "截至 2023 年末，规划期已过 60%。规划表 2 的 3 项指标中，2 项可以评价：1 项达到序时进度、1 项滞后于序时进度；1 项暂缺数据。" in zh
    data.thresholds["pace_broadly_met"] = 0.99
    assert _lede(build_context(data, "zh")).startswith("总体看，三产增加值按近期速度难以实现（2025 年只能达到目标的 98%）")
    data.thresholds["pace_broadly_met"] = 0.95
    # the fixture's Chinese name of target 2 is its id
    assert "滞后于序时进度的是tertiary_share_of_gdp：2023 年为 30.2%，比 2020 年的 40.6% 下降 10.4 个百分点，而目标是保持 40% 以上。" in zh
    data.progress.loc[data.progress["indicator_id"] == "tertiary_share_of_gdp", "actual_value"] = 39.0
    assert "上升" not in _lede(build_context(data, "zh")) and "下降 1.6 个百分点" in _lede(build_context(data, "zh"))


def test_a_level_to_maintain_that_fell_below_is_counted_as_below_everywhere(data):
    """The share target (no. 2) met its 40 % in 2020 and is to be maintained: below it in 2023 it is 已低于目标 in
    the counts, the figure's caption, the results table and the robustness annex, never 滞后于序时进度."""
    data.progress["method"] = ["maintain" if i == "tertiary_share_of_gdp" else "log" for i in data.progress["indicator_id"]]
    data.robustness, data.conclusion_caveats = _trust_tables("encyclopedia_blog")
    ctx = build_context(data, "zh")
    assert "2 项可以评价：1 项达到序时进度、1 项已低于目标；1 项暂缺数据。" in _lede(ctx)
    caption = _text(_section(ctx, "assessment")["blocks"][1]["caption"])
    assert "2 项可评价指标中 1 项达到序时进度、1 项已低于目标" in caption
    assert _text(_results(ctx)["rows"][1][9]) == "已低于目标"
    robustness = next(b for b in _section(ctx, "robustness")["blocks"] if b["kind"] == "table")
    assert _text(robustness["rows"][0][2]) == "已低于目标 / 已低于目标 / 已低于目标"
    everything = " ".join(str(b) for s in ctx["sections"] for b in s["blocks"])
    assert "滞后于序时进度" not in everything.replace("“滞后于序时进度”", "")  # but in the definitions of the statuses
    en = build_context(data, "en")
    assert "1 on schedule, 1 below the target" in _lede(en)


def test_pace_before_model_both_nominal_and_the_trend_in_words(data):
    """The recent pace against the pace required leads; the trend is a cross-check in words and round numbers."""
    zh, en = build_context(data, "zh"), build_context(data, "en")
    assert "三产增加值 2020–2023 年年均增长 7.7%，低于实现目标所需的 8.6%，照此速度 2025 年约为 817 亿元，为目标的 98%" in _lede(zh)
    para = _text(next(b for b in _section(zh, "progress")["blocks"] if b["kind"] == "paragraph")["text"])
    assert "两个增速均按现价（名义）计算" in para and "年均 8% 未注明口径：按现价，830 亿元目标隐含" in para
    # both readings of the plan's 8%, as the audit annex judges it (consistent in current prices) and the chart draws it
    assert "若 8% 是可比价（实际）增速（统计惯例）" in para and "图中的规划路径按现价画出" in para
    assert "约 750–940 亿元，实现目标的可能性大致一半" in para and "754.45" not in para and "59%" not in para
    en_para = _text(next(b for b in _section(en, "progress")["blocks"] if b["kind"] == "paragraph")["text"])
    assert "grew 7.7% a year①, below the 8.6% a year needed from 2023 to reach CNY 83 billion in 2025" in en_para  # ①: a COVID base year
    assert "about CNY 81.7 billion in 2025, 98% of the target. Both rates are nominal" in en_para
    assert "about CNY 75–94 billion in 2025; the odds of reaching the target are roughly even" in en_para
    data.summaries["tertiary_value_added"]["probability_of_target"] = 0.9
    assert "the odds of reaching the target are high" in _text(build_context(data, "en")["sections"][1]["blocks"][1]["text"])
    # the exact figures stay in the annex table
    annex = next(b for b in _section(zh, "scenarios")["blocks"] if b["kind"] == "table")
    assert "754.45–939.53" in [_text(c) for c in annex["rows"][0]] and "59%" in [_text(c) for c in annex["rows"][0]]


def test_english_amounts_read_as_an_english_reader_counts(data):
    en = build_context(data, "en")
    text = " ".join(_text(b.get("text", "")) for s in en["sections"] for b in s["blocks"])
    cells = " ".join(_text(c) for s in en["sections"] for b in s["blocks"] if b["kind"] == "table" for r in b["rows"] for c in r)
    assert "(CNY 100 million)" not in text + cells and "CNY 70.4 billion" not in text  # the latest value is in the table
    results = _results(en)
    assert [_text(c) for c in results["rows"][0][2:7]] == ["CNY billion", "indicative", "56.35", "≥ 83", "70.41 (2023)"]
    audit = next(b for b in _section(en, "audit")["blocks"] if b["kind"] == "table")
    assert "needs 9.31% a year; 6.5% for 5 years reaches only CNY 30.73 billion" in _text(audit["rows"][0][2])


def test_the_results_table_has_a_short_row_per_target(data):
    for lang, limit in (("zh", 40), ("en", 80)):
        results = _results(build_context(data, lang))
        assert [r[0] for r in results["rows"]] == [1, 2, 7] and len(results["columns"]) == 11
        long = [c for r in results["rows"] for c in map(_text, r) if len(c) > limit]
        assert long == []
    zh = _results(build_context(data, "zh"))
    assert [_text(c) for c in zh["rows"][2]] == ["7", "旅游接待人数", "亿人次", "预期性", "—", "≥ 1", "—", "—", "60%", "暂缺数据", "—"]
    assert _text(zh["rows"][1][9]) == "滞后于序时进度"


KINDS_AND_HOW_TO_REMOVE = {
    "lagging": lambda d: d.progress.__setitem__("status", d.progress["status"].replace("lagging", "on_track")),
    "pace_gap": lambda d: d.summaries["tertiary_value_added"].__setitem__("pace_rate", 0.09),
    "plan_inconsistent": lambda d: setattr(d, "plan_audit", d.plan_audit.assign(verdict="consistent")),
    "data_gap": lambda d: setattr(d, "progress", d.progress[d.progress["status"] != "no_data"]),
}


@pytest.mark.parametrize("kind", KINDS_AND_HOW_TO_REMOVE)
def test_each_problem_and_recommendation_rests_on_a_finding_and_goes_with_it(data, kind):
    for lang in ("zh", "en"):
        ctx = build_context(data, lang)
        problems, recommendations = _items(ctx, "problems"), _items(ctx, "recommendations")
        assert kind in ctx["findings"] and kind in problems and kind in recommendations
        assert set(problems) == set(recommendations) == set(ctx["findings"])
    KINDS_AND_HOW_TO_REMOVE[kind](data)
    ctx = build_context(data, "zh")
    assert kind not in ctx["findings"] and kind not in _items(ctx, "problems") and kind not in _items(ctx, "recommendations")


def test_problems_and_recommendations_say_what_the_data_say(data):
    zh = build_context(data, "zh")
    problems, recommendations = _items(zh, "problems"), _items(zh, "recommendations")
    # a flaw of the plan in a sentence of its own (problem.audit.<check>), and what to do about it
    assert ("零售总额的两个目标互不匹配：从 2020 年的 224.27 亿元到 2025 年的 350 亿元需年均增长 9.31%，"
            "而按规划所写的年均 6.5% 增长 5 年只能达到 307.3 亿元") in problems["plan_inconsistent"]
    # the sources were collected in 2026, after the plan period: the recommendations look to the final evaluation
    assert "终期评估中，说明零售总额以总量目标（350 亿元，需年均增长 9.31%）还是增速目标（年均 6.5%）为准。" in recommendations["plan_inconsistent"]
    assert "年均增长 7.7%，实现目标需 8.6%，照此速度 2025 年只能达到目标的 98%" in problems["pace_gap"]
    assert recommendations["pace_gap"].startswith("终期评估首先核实后半期的实际增速是否达到所需增速：")
    assert "2024–2025 年年均增长 8.6% 以上" in recommendations["pace_gap"]
    assert "资料收集时（2026年11月）规划期已经结束" in _lede(zh) and "中期调整" not in " ".join(recommendations.values())
    from analysis.report_format import AFTER_THE_PLAN  # each later form exists, with the placeholders of the first
    for key, later in AFTER_THE_PLAN.items():
        for lang in ("zh", "en"):
            assert words.placeholders(words.catalogue()[later][lang]) <= words.placeholders(words.catalogue()[key][lang]), later
    assert "由发展改革部门牵头，文化和旅游部门按年报送 1 项暂缺指标的数据" in recommendations["data_gap"]  # analysis/publishers.yml
    en = _items(build_context(data, "en"), "recommendations")
    assert "with the culture and tourism bureau reporting each year" in en["data_gap"]
    en_problems = _items(build_context(data, "en"), "problems")
    assert ("CNY 35 billion in 2025 from CNY 22.4 billion in 2020 needs 9.31% a year, while the plan's 6.5% a year for 5 years "
            "reaches only CNY 30.7 billion") in en_problems["plan_inconsistent"]
    assert "(CNY 100 million)" not in en_problems["plan_inconsistent"] + en["plan_inconsistent"]


def test_a_plan_flaw_without_a_sentence_of_its_own_is_named_in_the_general_one(data):
    data.plan_audit.loc[data.plan_audit["check_id"] == "retail_target_rate", "check_id"] = "some_new_check"
    zh = build_context(data, "zh")
    assert "终期评估中，说明相互矛盾的目标（" in _items(zh, "recommendations")["plan_inconsistent"]


def test_read_during_the_plan_period_the_recommendations_look_to_the_mid_term_adjustment(data):
    """Sources collected in 2024 (before the plan period ends): the plan's own mid-term adjustment is ahead."""
    import copy
    data.provenance = copy.deepcopy(data.provenance)  # the fixture's sources are shared between tests
    for source in data.provenance["sources"].values():
        source["accessed"] = "2024-06"
    zh = build_context(data, "zh")
    recommendations = _items(zh, "recommendations")
    assert "在规划中期调整时明确零售总额以总量目标（350 亿元，需年均增长 9.31%）还是增速目标（年均 6.5%）为准" in recommendations["plan_inconsistent"]
    assert recommendations["pace_gap"].startswith("按所需增速分解后半期年度目标：") and "规划期已经结束" not in _lede(zh)
    en = _items(build_context(data, "en"), "recommendations")
    assert en["plan_inconsistent"].startswith("At the mid-term adjustment")


def test_no_finding_no_problem(data):
    data.progress = data.progress[data.progress["status"] == "on_track"]
    data.plan_audit = data.plan_audit.assign(verdict="consistent")
    data.summaries["tertiary_value_added"]["pace_rate"] = 0.09
    ctx = build_context(data, "zh")
    assert ctx["findings"] == [] and _text(_section(ctx, "problems")["blocks"][0]["text"]) == "未发现需要单列的问题。"


# --------------------------------------------------------------------------- each caveat once
def _trust_tables(quality: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hand-made robustness.csv / conclusion_caveats.csv rows (analysis/trust.py) for the share target (no. 2)."""
    from analysis import trust
    row = {c: math.nan for c in trust.ROBUSTNESS_COLUMNS}
    row.update(target_id=2, indicator_id="tertiary_share_of_gdp", kind="share_of_gdp", scenario_id="", weakest_quality=quality,
               weakest_quality_status=quality, weakest_quality_trend=math.nan, status="lagging", status_official="lagging",
               status_post_census="lagging", changes_official="", changes_post_census="", too_few=False,
               too_few_official=False, too_few_post_census=False)
    caveats = pd.DataFrame([dict(target_id=2, part="status", caveat="coverage_not_stated", years="2020", detail="2023")],
                           columns=trust.CAVEAT_COLUMNS)
    return pd.DataFrame([row], columns=trust.ROBUSTNESS_COLUMNS), caveats


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_caveat_is_a_numbered_note_written_once_and_a_weak_source_a_grade(data, language):
    data.robustness, data.conclusion_caveats = _trust_tables("encyclopedia_blog")
    ctx = build_context(data, language)
    caveat = words.text("trust.caveat.coverage_not_stated", language, years="2020", detail="2023")
    notes = [n for s in ctx["sections"] for b in s["blocks"] if b["kind"] == "notes" for n in b["items"]]
    covid = words.text("pace.note.covid_base", language, year=2020, start=2020, end=2022)  # the pace starts in a COVID year
    assert [_text(n["text"]) for n in notes] == [caveat, covid] and notes[0]["mark"] == "①"
    row = _results(ctx)["rows"][1]
    assert _text(row[6]).endswith("①") and _text(row[10]) == "D"
    everything = " ".join(str(b) for s in ctx["sections"] for b in s["blocks"])
    assert everything.count(caveat) == 1  # defined once; every other use is the mark ①
    # one of the two judged targets rests on an unverified page: provisional, said once where it is judged
    assert words.text("assessment.weak_sources", language, judged=2, n=1, grade="D", official=1) in _lede(ctx)
    # none judgeable on official figures: said as none, not as "only 0"
    data.robustness["status_official"] = "no_data"
    lede = _lede(build_context(data, language))
    assert words.text("assessment.weak_sources.no_official", language, judged=2, n=1, grade="D") in lede
    assert ("无一项可以评价" if language == "zh" else "none could be judged") in lede and "只有 0 项" not in lede
    data.robustness, data.conclusion_caveats = _trust_tables("media")
    assert _text(_results(build_context(data, language))["rows"][1][10]) == "C"


def test_numbering_citations_and_sources_section(data):
    for lang in ("zh", "en"):
        ctx = build_context(data, lang)
        blocks = [b for s in ctx["sections"] for b in s["blocks"]]
        figs = [b["number"] for b in blocks if b["kind"] == "figure"]
        tables = [b["number"] for b in blocks if b["kind"] == "table"]
        assert figs == list(range(1, len(figs) + 1)) and tables == list(range(1, len(tables) + 1))
        assert ctx["figure_count"] == len(figs) and ctx["table_count"] == len(tables)
        sources = next(b for b in blocks if b["kind"] == "sources")["entries"]
        assert [(s["anchor"], str(s["reference"])) for s in sources] == [(f"source-{PLAN}", "[1]"), ("source-site_a", "[2]")]
        site = sources[1]
        assert str(site["quality"]) == {"zh": "媒体", "en": "media"}[lang]
        assert str(site["citation"]) == {"zh": "网页甲，2024（媒体）", "en": "page A, 2024 (media)"}[lang]
        assert site["url"] == "https://a.example/1"
        cited = [c for b in blocks for c in b.get("citations", [])]
        assert {str(c["text"]) for c in cited} == {"[1]", "[2]"} and {c["title"] for c in cited if c["text"] == "[2]"} == {str(site["citation"])}
        label = {"zh": "图", "en": "Figure"}[lang]
        assert any(label in str(u) for u in [site["used_by"]])  # the scenario figure uses it


def test_english_context_marks_chinese_as_quotations(data):
    en = build_context(data, "en")
    audit = next(b for b in _section(en, "audit")["blocks"] if b["kind"] == "table")
    assert '<q lang="zh">年均增长达到 6.5%以上</q>' in str(audit["rows"][0][0])
    assert "42.7" in _text(audit["rows"][0][4]) or "4.27 billion" in _text(audit["rows"][0][4])
    zh = next(b for b in _section(build_context(data, "zh"), "audit")["blocks"] if b["kind"] == "table")
    assert "年均增长达到 6.5%以上" in _text(zh["rows"][0][0]) and "比 350 亿元少 42.7 亿元" in zh["rows"][0][4]
    plan_line = str(en["meta"][0])
    assert '<cite lang="zh">' in plan_line
    unmarked = re.sub(r"<(q|cite)[^>]*>.*?</\1>", "", " ".join(str(m) for m in en["meta"]))
    assert not re.search(r"[\u3400-\u9fff]", re.sub(r"昌州政发〔\d+〕\d+号", "", unmarked))


def test_the_dates_agree(data):
    zh, en = build_context(data, "zh"), build_context(data, "en")
    # the latest full-year figures are for the evaluated year: none found after it, said as such
    assert _text(zh["meta"][2]) == "资料收集截至：2026年11月；所找到的昌吉州全年数据最晚为 2023 年，尚未找到 2024 年及以后的全年数据"
    assert "2022年9月26日" in _text(zh["meta"][0]) and "September 26, 2022" in _text(en["meta"][0])
    data.evaluation_year = 2022  # newer figures than the evaluated year: left out, said as such
    assert "本评估只用 2022 年及以前的全年数据" in _text(build_context(data, "zh")["meta"][2])
    from analysis.report_format import cutoff_words  # the final framework's case: the final year not published yet
    assert cutoff_words(data.provenance, 2023, 2025, "zh").endswith("最晚为 2023 年，尚未找到 2024–2025 年的全年数据")
    assert cutoff_words(data.provenance, 2023, 2025, "en").endswith("for 2023; none for 2024–2025 had been found")
    assert cutoff_words(data.provenance, 2023, 2024, "zh").endswith("最晚为 2023 年，尚未找到 2024 年的全年数据")
    data.evaluation_year = 2023
    assert "Sources collected up to: November 2026" in _text(en["meta"][2]) and "评估基准期：2023 年末" in _text(zh["meta"][1])
    stamp = next(b for b in _section(zh, "stamp")["blocks"] if b["kind"] == "list")
    assert "资料收集截至：2026年11月" in [_text(i) for i in stamp["items"]]


def test_a_language_that_is_not_zh_or_en_is_refused(data):
    with pytest.raises(ValueError, match="language 'fr'"):
        build_context(data, "fr")


@pytest.mark.pipeline
@pytest.mark.parametrize("table, english, messages", [("backtest.csv", "note", "note_messages"),
                                                      ("target_progress.csv", "note", "note_messages"),
                                                      ("target_progress.csv", "data_needed", "data_needed_message"),
                                                      ("scenario_summary_*.csv", "notes", "note_messages"),
                                                      ("scenario_summary_*.csv", "damped_fallback_reason", "damped_fallback_message")])
def test_reasons_are_stored_as_messages_beside_their_english(built_copy, table, english, messages):
    """Scoreboard, scenario and backtest reasons are catalogue messages; the English column is exactly their English rendering."""
    paths_ = sorted(built_copy.path("data/processed").glob(table))
    assert paths_
    seen = 0
    for path in paths_:
        for note, stored in pd.read_csv(path)[[english, messages]].itertuples(index=False):
            rendered = [words.render(m, "en") for m in words.from_json(stored)]
            assert ("; ".join(rendered) or math.nan) == note or (not rendered and not isinstance(note, str)), (path.name, note)
            assert all(words.render(m, "zh") for m in words.from_json(stored))
            seen += bool(rendered)
    assert seen > 0


def test_every_source_has_citation_names_in_both_languages():
    """The sources annex names a source by its short name and publisher in the reader's language."""
    from analysis import provenance

    for sid, src in provenance.load_provenance()["sources"].items():
        for lang in ("zh", "en"):
            assert src.get(f"short_{lang}"), f"{sid}: short_{lang} missing in data/raw/provenance.yml"
            assert src.get(f"publisher_{lang}") or src.get("issuer" if lang == "zh" else "issuer_en"), f"{sid}: publisher_{lang} missing"
        assert not re.search(r"[A-Za-z]{4,}", src["short_zh"]), f"{sid}: short_zh {src['short_zh']!r} is not Chinese"
        assert not re.search(r"[\u3400-\u9fff]", src["short_en"]), f"{sid}: short_en {src['short_en']!r} is not English"


def test_a_source_without_short_names_is_cited_by_publisher_or_title_never_by_its_id(data):
    """A source just registered by make add-figure has no short names (and maybe no English title) yet."""
    site = data.provenance["sources"]["site_a"]
    for key in ("short_zh", "short_en"):
        site.pop(key)
    citations = {}
    for lang in ("zh", "en"):
        blocks = [b for s in build_context(data, lang)["sections"] for b in s["blocks"]]
        entry = next(b for b in blocks if b["kind"] == "sources")["entries"][1]
        citations[lang] = _text(entry["citation"])
        captions = [c["title"] for b in blocks for c in b.get("citations", [])]
        assert not any("site_a" in c for c in captions + [citations[lang]]), captions
    assert citations == {"zh": "甲网，2024（媒体）", "en": "site A, 2024 (media)"}
    for key in ("publisher_zh", "publisher_en", "title_en"):
        site.pop(key)
    zh = next(b for s in build_context(data, "zh")["sections"] for b in s["blocks"] if b["kind"] == "sources")["entries"][1]
    en = next(b for s in build_context(data, "en")["sections"] for b in s["blocks"] if b["kind"] == "sources")["entries"][1]
    assert _text(zh["citation"]) == "网页甲，2024（媒体）"        # the Chinese title
    assert _text(en["citation"]) == "unnamed source, 2024 (media)"  # never the id, never Chinese


#: the axes' frame a stand-in figure carries (analysis.style.axes_frame): 2014.5–2025.5 across 50–550 pt, 300–1000 up 300–0 pt
STAND_IN_FRAME = {"width": 576.0, "height": 324.0, "x": [2014.5, 2025.5, 50.0, 550.0], "y": [300.0, 1000.0, 300.0, 0.0],
                  "clip": [50.0, 0.0, 500.0, 300.0]}


def _render(context, figures_dir) -> str:
    """The report page from ``context``, each figure a stand-in SVG carrying an axes' frame (only the markup is checked)."""
    from analysis import report

    (figures_dir / context["lang"]).mkdir(exist_ok=True)
    for b in (b for s in context["sections"] for b in s["blocks"] if b["kind"] == "figure"):
        (figures_dir / context["lang"] / b["file"]).write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg"><metadata><dc:description>{json.dumps(STAND_IN_FRAME)}</dc:description>'
            "</metadata></svg>", encoding="utf-8")
    return report.render_report(context, figures_dir)


@pytest.mark.parametrize("language, sentence", [
    ("zh", "按此增速，2025 年为 821.27 亿元，为目标的 98.9%，距目标还差 8.73 亿元（从 2023 年实际值起）"),
    ("en", "At this rate: CNY 82.127 billion in 2025, 98.9% of the target, CNY 873 million short of it (from the 2023 actual)"),
])
def test_a_rate_control_sits_under_the_scenario_chart(data, tmp_path, language, sentence):
    """Tertiary value added: 704.11 亿元 in 2023 at the plan's 8 % for two years is 821.27 against the
    830 亿元 target; the control starts at that rate and its page carries the script once."""
    from analysis import growth, rate_control

    blocks = _section(build_context(data, language), "progress")["blocks"]
    chart = next(i for i, b in enumerate(blocks) if b["kind"] == "figure" and b["file"] == "scenario_tertiary_value_added.svg")
    control = blocks[chart + 1]
    assert control["kind"] == "rate_control" and [b["kind"] for b in blocks].count("rate_control") == 1
    assert control["rate"] == "8.0%" and control["text"] == sentence
    assert round(float(growth.plan_path(704.11, 2023, 0.08, 2025)["value"].iloc[-1]), 2) == 821.27
    assert control["label"] == rate_control.words.text("rate_control.label", language, year=2025)
    # the control draws on its chart: the figure block carries the overlay, the control names the figure
    anchor = f"figure-{blocks[chart]['number']}"
    assert blocks[chart]["rate_path"] is True and control["chart"] == {"anchor": anchor, "file": "scenario_tertiary_value_added.svg"}
    page = _render(build_context(data, language), tmp_path)
    assert page.count("<script>") == 1 and rate_control.script() in page
    assert page.count(f'<div class="rate-control" data-figure="{anchor}" hidden>') == 1 and f"<output>{sentence}</output>" in page
    figure = re.search(rf'<figure class="report-figure" id="{anchor}">.*?</figure>', page, re.S).group(0)
    assert '<div class="rate-path" hidden><svg viewBox="0 0 576.0 324.0"' in figure and '<polyline points=""' in figure
    # the embedded path of the plan's 8 %: 704.11 (2023) → 760.44 → 821.27 (2025), placed with the figure's frame
    embedded = json.loads(re.search(r'<script type="application/json">(.*?)</script>', page).group(1))
    assert embedded["paths"][control["start"]] == "436.4,126.8 481.8,102.7 527.3,76.6"


def test_no_control_without_a_latest_actual_and_then_no_script(data, tmp_path):
    data.summaries["tertiary_value_added"]["latest_value"] = math.nan
    context = build_context(data, "zh")
    assert "rate_control" not in [b["kind"] for s in context["sections"] for b in s["blocks"]]
    page = _render(context, tmp_path)
    assert "<script" not in page and 'class="rate-control"' not in page


def test_chinese_sentences_put_no_space_between_a_unit_and_the_next_chinese_word(data):
    """"达到 830 亿元 的概率" read as a typing slip: a unit is followed directly by the next word."""
    ctx = build_context(data, "zh")
    texts = [_text(b["text"]) for s in ctx["sections"] for b in s["blocks"] if b["kind"] == "paragraph"] + [_lede(ctx)]
    slips = [t for t in texts if re.search(r"(亿元|万人次|亿人次) [\u4e00-\u9fff]", t)]
    assert slips == [] and any("830 亿元目标" in t for t in texts)


def test_a_list_of_years_in_a_stored_note_is_joined_in_the_readers_language(data):
    """The damped-trend fallback stores its gap years as a list: the Chinese table joins them with 、
    (it printed "[2015, 2018, 2020]", and before that "2015, 2018, 2020", in the Chinese edition)."""
    note = words.to_json([words.Message("reason.damped_gaps", years=[2015, 2018, 2020])])
    data.summaries["tertiary_value_added"]["damped_fallback_message"] = note

    def cells(context):  # table cells and the numbered notes under the tables
        return [_text(c) for s in context["sections"] for b in s["blocks"] if b.get("kind") == "table" for row in b["rows"] for c in row] \
            + [_text(n["text"]) for s in context["sections"] for b in s["blocks"] if b.get("kind") == "notes" for n in b["items"]]

    assert any("（2015、2018、2020 年之后有缺口）" in c for c in cells(build_context(data, "zh")))
    assert any("(gap after 2015, 2018, 2020)" in c for c in cells(build_context(data, "en")))


def test_the_english_sources_annex_quotes_a_pages_own_title_not_the_collectors_note():
    """data/raw/provenance.yml keeps the data notes' titles, which end in the collector's note in brackets;
    the English edition quotes only the page's title as the original (and none for an English page)."""
    from analysis.report_annexes import page_title
    assert page_title("昌吉回族自治州 词条(百度百科香港镜像 baike.baidu.hk,繁体;注明来源[38])") == "昌吉回族自治州 词条"
    assert page_title("Changji Hui Autonomous Prefecture (chinawiki.net,英文百科译文,未注明出处)") == "Changji Hui Autonomous Prefecture"
    assert page_title("昌吉回族自治州“十四五”现代服务业发展规划") == "昌吉回族自治州“十四五”现代服务业发展规划"
    assert page_title("(只有注释)") == "(只有注释)"  # nothing left: the title as registered
