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
               alt_reading=math.nan, alt_achieved_share=math.nan, alt_status_en=math.nan, evaluation_year=2023)
    row.update(extra)
    return row


def _targets(progress: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame([dict(target_id=r.target_id, indicator_id=r.indicator_id, kind=r.kind, base_year=2020, target_year=2025,
                              target_text=f"{r.target_value:g} {r.unit}", target_value=r.target_value, unit=r.unit,
                              direction="at_least", group_en="Overall targets") for r in progress.itertuples()])


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
                   series_sources=f"2020:{PLAN}(official,exact);2023:site_a(media,exact)")
    return ReportData(
        comparison=_comparison(),
        checks=pd.DataFrame([dict(region_code="652300", check="goods_exports + goods_imports = goods_trade_total", expected=5.47,
                                  recomputed=5.47, difference=0.0, tolerance=0.01, verdict="exact")]),
        observations=obs, progress=progress, plan_targets=_targets(progress),
        plan_audit=pd.DataFrame([_audit_row()]),
        backtest=pd.DataFrame(columns=["method", "fit_years", "n_fit", "year", "predicted", "actual", "error", "error_pct", "note", "indicator_id"]),
        summaries={"tertiary_value_added": summary}, readings={}, provenance=PROVENANCE,
        thresholds={"ahead_margin": 0.1, "lagging_margin": 0.1}, evaluation_year=2023, level=0.8, min_points_damped=8,
        covid_years=(2020, 2021, 2022), stamp={"git": "abc", "versions": {"pandas": "2"}},
    )


def _findings(context) -> list[str]:
    section = next(s for s in context["sections"] if s["anchor"] == "summary")
    return [Markup(i).striptags() for i in section["blocks"][0]["items"]]


def _finding(context, word) -> str:
    return next(f for f in _findings(context) if word in f)


def test_adding_a_2023_tourism_row_changes_the_tourism_finding(data):
    before = _finding(build_context(data, "zh"), "旅游目标")
    assert "2021（共 1 年）" in before
    data.observations = pd.concat([data.observations, pd.DataFrame([dict(
        region_code="652300", indicator_id="tourism_visits", year=2023, period="full_year", value=5000.0, selected=True,
        source_id="site_a")])], ignore_index=True)
    after = _finding(build_context(data, "zh"), "旅游目标")
    assert after != before and "2021、2023（共 2 年）" in after
    # a row that is not selected, or a partial period, is not a full-year figure
    data.observations.loc[data.observations["year"] == 2023, "period"] = "partial"
    assert _finding(build_context(data, "zh"), "旅游目标") == before


def test_renumbering_table_2_does_not_change_which_target_the_tertiary_finding_cites(data):
    before = _finding(build_context(data, "en"), "Tertiary value added was")
    assert "704.11" in before and "58%" in before and "no. 1)" in before
    renumber = {1: 9, 2: 1, 7: 2}
    data.progress = data.progress.assign(target_id=data.progress["target_id"].map(renumber)).iloc[::-1].reset_index(drop=True)
    data.plan_targets = data.plan_targets.assign(target_id=data.plan_targets["target_id"].map(renumber))
    after = _finding(build_context(data, "en"), "Tertiary value added was")
    assert after == before.replace("no. 1)", "no. 9)")


def test_share_finding_follows_the_data_not_a_typed_story(data):
    assert "下降 10.4 个百分点" in _finding(build_context(data, "zh"), "比重")
    data.progress.loc[data.progress["indicator_id"] == "tertiary_share_of_gdp", "actual_value"] = 42.0
    assert "上升 1.4 个百分点" in _finding(build_context(data, "zh"), "比重")


def test_every_fact_is_from_the_tables_and_missing_is_a_dash(data):
    zh = build_context(data, "zh")
    assert _finding(zh, "项目标：").startswith("2023 年，规划表 2 的 3 项目标：0 项提前实现、0 项快于预期、1 项基本符合预期、1 项滞后、1 项无数据")
    scoreboard = next(b for b in next(s for s in zh["sections"] if s["anchor"] == "scoreboard")["blocks"] if b["kind"] == "table")
    tourism = next(r for r in scoreboard["rows"] if r[0] == 7)
    assert str(tourism[5]) == "—" and str(tourism[6]) == "—"  # no latest value, no achieved share
    assert "所需数据：旅游接待人数 2020 年基期值（规划未给出），口径须与 2021–2023 年数据一致" in Markup(tourism[-1]).striptags()
    en = next(b for b in next(s for s in build_context(data, "en")["sections"] if s["anchor"] == "scoreboard")["blocks"]
              if b["kind"] == "table")
    assert "data needed: Tourist visits for 2020 (the plan states no 2020 value)" in Markup(en["rows"][2][-1]).striptags()


def test_numbering_citations_and_sources_section(data):
    for lang in ("zh", "en"):
        ctx = build_context(data, lang)
        blocks = [b for s in ctx["sections"] for b in s["blocks"]]
        figs = [b["number"] for b in blocks if b["kind"] == "figure"]
        tables = [b["number"] for b in blocks if b["kind"] == "table"]
        assert figs == list(range(1, len(figs) + 1)) and tables == list(range(1, len(tables) + 1))
        assert ctx["figure_count"] == len(figs) and ctx["table_count"] == len(tables)
        sources = next(b for b in blocks if b["kind"] == "sources")["entries"]
        assert [s["anchor"] for s in sources] == [f"source-{PLAN}", "source-site_a"]
        site = sources[1]
        assert str(site["quality"]) == {"zh": "媒体", "en": "media"}[lang]
        assert str(site["citation"]) == {"zh": "网页甲，2024（媒体）", "en": "page A, 2024 (media)"}[lang]
        assert site["url"] == "https://a.example/1"
        label = {"zh": "图", "en": "Figure"}[lang]
        assert any(label in str(u) for u in [site["used_by"]])  # the scenario figure uses it


def test_english_context_marks_chinese_as_quotations(data):
    en = build_context(data, "en")
    audit = next(s for s in en["sections"] if s["anchor"] == "audit")["blocks"][1]
    assert str(audit["rows"][0][0]).startswith('<q lang="zh">年均增长达到 6.5%以上</q>')
    assert [Markup(c).striptags() for c in audit["rows"][0][1:3]] == ["at least 6.5% a year",
                                                                   "needs 9.31% a year; 6.5% for 5 years reaches only 307.3 (CNY 100 million)"]
    assert "42.7 short of 350" in audit["rows"][0][4]
    zh = next(s for s in build_context(data, "zh")["sections"] if s["anchor"] == "audit")["blocks"][1]
    assert Markup(zh["rows"][0][1]).striptags() == "年均增长达到 6.5%以上" and "比 350 亿元少 42.7 亿元" in zh["rows"][0][4]
    intro = str(en["intro"])
    assert '<q lang="zh" class="name">昌吉回族自治州</q>' in intro  # the region's Chinese name, once
    unmarked = re.sub(r"<(q|cite)[^>]*>.*?</\1>", "", intro)
    assert not re.search(r"[\u3400-\u9fff]", unmarked)


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
    from analysis import words

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
    """Captions cite a source by its short name and publisher in the reader's language."""
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
        citations[lang] = Markup(entry["citation"]).striptags()
        captions = [Markup(c["text"]).striptags() for b in blocks for c in b.get("citations", [])]
        assert not any("site_a" in c for c in captions + [citations[lang]]), captions
    assert citations == {"zh": "甲网，2024（媒体）", "en": "site A, 2024 (media)"}
    for key in ("publisher_zh", "publisher_en", "title_en"):
        site.pop(key)
    zh = next(b for s in build_context(data, "zh")["sections"] for b in s["blocks"] if b["kind"] == "sources")["entries"][1]
    en = next(b for s in build_context(data, "en")["sections"] for b in s["blocks"] if b["kind"] == "sources")["entries"][1]
    assert Markup(zh["citation"]).striptags() == "网页甲，2024（媒体）"        # the Chinese title
    assert Markup(en["citation"]).striptags() == "unnamed source, 2024 (media)"  # never the id, never Chinese


def _scenario_blocks(context) -> list[dict]:
    return next(s for s in context["sections"] if s["anchor"] == "scenarios")["blocks"]


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
    ("en", "At this rate: 821.27 (CNY 100 million) in 2025, 98.9% of the target, 8.73 (CNY 100 million) short of it (from the 2023 actual)"),
])
def test_a_rate_control_sits_under_the_scenario_chart(data, tmp_path, language, sentence):
    """Tertiary value added: 704.11 亿元 in 2023 at the plan's 8 % for two years is 821.27 against the
    830 亿元 target; the control starts at that rate and its page carries the script once."""
    from analysis import growth, rate_control

    blocks = _scenario_blocks(build_context(data, language))
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
    assert "rate_control" not in [b["kind"] for b in _scenario_blocks(context)]
    page = _render(context, tmp_path)
    assert "<script" not in page and 'class="rate-control"' not in page


def test_chinese_findings_put_no_space_between_a_unit_and_the_next_chinese_word(data):
    """"达到 830 亿元 的概率" read as a typing slip: a unit is followed directly by the next word."""
    findings = _findings(build_context(data, "zh"))
    slips = [f for f in findings if re.search(r"(亿元|万人次|亿人次) [\u4e00-\u9fff]", f)]
    assert slips == [] and any("亿元的概率" in f for f in findings)


def test_a_list_of_years_in_a_stored_note_is_joined_in_the_readers_language(data):
    """The damped-trend fallback stores its gap years as a list: the Chinese table joins them with 、
    (it printed "[2015, 2018, 2020]", and before that "2015, 2018, 2020", in the Chinese edition)."""
    from analysis import words

    note = words.to_json([words.Message("reason.damped_gaps", years=[2015, 2018, 2020])])
    data.summaries["tertiary_value_added"]["damped_fallback_message"] = note

    def cells(context):
        return [Markup(str(c)).striptags() for s in context["sections"] for b in s["blocks"] if b.get("kind") == "table"
                for row in b["rows"] for c in row]

    assert any("（2015、2018、2020 年之后有缺口）" in c for c in cells(build_context(data, "zh")))
    assert any("(gap after 2015, 2018, 2020)" in c for c in cells(build_context(data, "en")))


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
def test_a_finding_names_the_weakest_source_and_caveats_it_rests_on(data, language):
    t = lambda key, **p: words.text(key, language, **p)  # noqa: E731
    data.observations = data.observations.assign(unit=["万人次", "亿元"], qualifier="exact", quality="media")
    without = _finding(build_context(data, language), "30.2")  # the share finding (fixture value)
    data.robustness, data.conclusion_caveats = _trust_tables("encyclopedia_blog")
    share = _finding(build_context(data, language), "30.2")
    blog, media = t("trust.quality.encyclopedia_blog"), t("trust.quality.media")
    assert t("trust.rests_on", quality=blog) in share and blog not in without
    assert t("trust.caveat.coverage_not_stated", years="2020", detail="2023") in share
    data.robustness, data.conclusion_caveats = _trust_tables("media")
    share_media = _finding(build_context(data, language), "30.2")
    assert t("trust.rests_on", quality=media) in share_media and blog not in share_media
