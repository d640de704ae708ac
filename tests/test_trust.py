"""How far to trust each conclusion: vintage and coverage from the rules file (analysis/observation_rules.py),
the weakest source, caveats, the sensitivity variants (analysis/trust.py) and their words and the
robustness table (analysis/trust_words.py).

Fixture values marked "real" are published Changji figures or the plan's own numbers (2020 三产
563.51 and 社零 224.27 from the plan, 2018 三产 440.14 from chinawiki.net, 2023 三产 704.11 and 社零
291.51 from yaliqi.com); the others are invented to make a status flip.
"""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis import observation_rules, paths, progress, provenance, scoreboard, trust, trust_words
from analysis.errors import RawDataError
from analysis.observations import build_observations
from analysis.targets import load_targets

TH = {"ahead_margin": 0.10, "lagging_margin": 0.10}
BULLETIN = "data/raw/changji_bulletins.csv"
PLAN_OBS = "data/raw/plan_text_observations.csv"


@pytest.fixture(scope="module")
def rules():
    return observation_rules.load_rules()


@pytest.fixture(scope="module")
def plan_targets():
    return load_targets()


def ob(ind, year, value, source, quality, raw_file=BULLETIN, line=2, period="full_year", selected=True, status="final"):
    return dict(obs_id=f"{raw_file}:{line}", region_code="652300", indicator_id=ind, year=year, period=period,
                period_note="", status=status, value=value, unit="亿元", qualifier="exact", source_id=source,
                quality=quality, selected=selected, selection_note="", raw_file=raw_file, raw_row=line, note="")


def tertiary(extra=()):
    rows = [
        ob("tertiary_value_added", 2015, 358.05, "cj_plan_2022_97", "official", PLAN_OBS, 2),     # real (plan)
        ob("tertiary_value_added", 2018, 440.14, "chinawiki_changji_en", "encyclopedia_blog", line=7),  # real
        ob("tertiary_value_added", 2020, 563.51, "cj_plan_2022_97", "official", PLAN_OBS, 3),     # real (plan)
        ob("tertiary_value_added", 2023, 704.11, "yaliqi_changji_counties_2025", "encyclopedia_blog", line=21),  # real
        *extra,
    ]
    return pd.DataFrame(rows)


def summary(indicator, target, rate, unit="亿元"):
    """The parameters a scenario_summary_*.csv records (what robustness() reruns the scenario with)."""
    return pd.Series({"indicator_id": indicator, "unit": unit, "target": target, "target_year": 2025, "stated_rate": rate,
                      "base_year": 2020, "covid": "none", "seed": 20250101, "stress_shock": 0.02})


# --------------------------------------------------------------------------- rules
def test_real_rules_quote_what_they_rest_on(rules):
    ids = {r.id: r for r in rules}
    assert ids["changji_2018_figures_before_census_revision"].value == "pre_2018_census"
    assert ids["changji_2023_accounts_include_xpcc6"].value == "yes"
    assert all(r.quote and r.file for r in rules if r.field != "release_stage")
    assert all(r.reasoning for r in rules)


def _write_rules(tmp_path, text):
    path = tmp_path / "observation_rules.yml"
    path.write_text(text, encoding="utf-8")
    return path


RULE = """vintage:
  - id: {id}
    value: {value}
    region_code: "652300"
    indicators: [{indicator}]
    last_year: 2018
    file: data_notes.md
    quote: "{quote}"
    reasoning: a test rule
"""


def test_a_quote_not_in_its_file_names_the_rule(tmp_path):
    path = _write_rules(tmp_path, RULE.format(id="invented", value="pre_2018_census", indicator="gdp",
                                              quote="The 2017 figures were revised twice"))
    with pytest.raises(RawDataError, match="rule 'invented': the quote .* is not in data_notes.md"):
        observation_rules.load_rules(path, raw_dir=paths.DATA_RAW)


def test_a_rule_with_an_unknown_indicator_or_value_is_refused(tmp_path):
    quote = "The 2018 figures predate the 2018 economic-census revision"
    path = _write_rules(tmp_path, RULE.format(id="r1", value="pre_2018_census", indicator="gdpp", quote=quote))
    with pytest.raises(RawDataError, match="rule 'r1': unknown indicator 'gdpp'"):
        observation_rules.load_rules(path, raw_dir=paths.DATA_RAW)
    path = _write_rules(tmp_path, RULE.format(id="r2", value="old", indicator="gdp", quote=quote))
    with pytest.raises(RawDataError, match="rule 'r2': value 'old'; expected one of pre_2018_census"):
        observation_rules.load_rules(path, raw_dir=paths.DATA_RAW)


def test_two_rules_that_disagree_stop_the_annotation(tmp_path):
    quote = "The 2018 figures predate the 2018 economic-census revision"
    text = (RULE.format(id="says_pre", value="pre_2018_census", indicator="tertiary_value_added", quote=quote)
            + RULE.format(id="says_post", value="post_2018_census", indicator="tertiary_value_added", quote=quote).split("\n", 1)[1])
    rules = observation_rules.load_rules(_write_rules(tmp_path, text), raw_dir=paths.DATA_RAW)
    with pytest.raises(RawDataError, match="rules says_pre, says_post give .* different vintage values"):
        observation_rules.annotate(tertiary(), rules)


def test_the_rules_file_is_a_verified_raw_file(tmp_path, monkeypatch):
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    for name in ("observation_rules.yml", "data_notes.md", "provenance.yml"):
        shutil.copy(paths.DATA_RAW / name, raw / name)
    (raw / "observation_rules.yml").write_text((raw / "observation_rules.yml").read_text(encoding="utf-8") + "\n# edited\n",
                                               encoding="utf-8")
    monkeypatch.setattr(provenance, "DATA_RAW", raw)
    monkeypatch.setattr(paths, "DATA_RAW", raw)
    with pytest.raises(RawDataError, match="checksum changed"):
        observation_rules.load_rules(raw / "observation_rules.yml")


# --------------------------------------------------------------------------- annotation on fixtures
def test_a_pre_census_point_is_flagged_and_dropped_by_variant_b(rules):
    obs = observation_rules.annotate(tertiary(), rules)
    assert dict(zip(obs["year"], obs["vintage"])) == {2015: "not_stated", 2018: "pre_2018_census",
                                                       2020: "post_2018_census", 2023: "post_2018_census"}
    assert dict(zip(obs["year"], obs["coverage_xpcc6"]))[2023] == "yes"
    pts = trust.series_points(obs, "652300", "tertiary_value_added")
    found = {c["caveat"]: c for c in trust.caveats(pts, obs, "652300", 2023)}
    assert found["vintage_break"]["years"] == "2018" and found["vintage_break"]["detail"] == "2020,2023"
    assert found["coverage_not_stated"]["detail"] == "2023"
    post = trust.variant_observations(obs, "post_census")
    assert sorted(trust.series_points(post, "652300", "tertiary_value_added")["year"]) == [2015, 2020, 2023]
    assert "vintage_break" not in {c["caveat"] for c in trust.caveats(trust.series_points(post, "652300", "tertiary_value_added"),
                                                                      post, "652300", 2023)}


def test_variant_selects_the_remaining_row_when_the_selected_one_is_left_out(rules):
    reprint = ob("tertiary_value_added", 2023, 704.1, "huangvipo_xj_trade_jan_oct_2024", "official_reprint", line=30, selected=False)
    obs = observation_rules.annotate(tertiary([reprint]), rules)
    official = trust.variant_observations(obs, "official")
    row = official[(official["year"] == 2023)]
    assert list(row["value"]) == [704.1] and bool(row["selected"].iloc[0])
    assert "official variant" in row["selection_note"].iloc[0]


def test_weakest_quality_reads_joined_flags():
    assert trust.weakest_quality(["official", "official_reprint + media"]) == "media"
    assert trust.weakest_quality([]) is None
    with pytest.raises(ValueError, match="unknown quality flag 'blog'"):
        trust.weakest_quality(["blog"])


# --------------------------------------------------------------------------- sensitivity on fixtures
def test_official_only_variant_with_one_point_says_it_cannot_fit_a_trend(rules, plan_targets):
    retail = [ob("retail_sales_total", 2020, 224.27, "cj_plan_2022_97", "official", PLAN_OBS, 6),   # real (plan)
              ob("retail_sales_total", 2022, 260.0, "alimail_changji_profile", "encyclopedia_blog", line=16),
              ob("retail_sales_total", 2023, 291.51, "yaliqi_changji_counties_2025", "encyclopedia_blog", line=23)]  # real
    obs = observation_rules.annotate(pd.DataFrame(retail), rules)
    robust, cav = trust.robustness(plan_targets, obs, {"retail_sales_total": summary("retail_sales_total", 340.0, 0.065)},
                                   2023, TH, rules)
    row = robust.set_index("scenario_id").loc["retail_sales_total"]
    assert row["n_points"] == 3 and row["n_points_official"] == 1
    assert bool(row["too_few_official"]) and not bool(row["too_few"])
    assert pd.isna(row["trend_rate_official"]) and not pd.isna(row["trend_rate"])
    zh = trust_words.describe(row, cav[cav["target_id"] == row["target_id"]], "zh")["sensitivity"]
    en = trust_words.describe(row, cav[cav["target_id"] == row["target_id"]], "en")["sensitivity"]
    assert "仅用官方及官方转载数据：年度数据点不足（1 个），无法拟合趋势" in zh
    assert "official and official-reprint figures only: too few annual points (1) to fit a trend" in en
    assert len(robust) == len(plan_targets)  # no row dropped


def test_a_status_that_flips_under_official_only_is_reported_as_flipping(rules, plan_targets):
    official_2022 = ob("tertiary_value_added", 2022, 570.0, "cj_gov_tourism_reply_2022", "official", line=40)  # invented
    obs = observation_rules.annotate(tertiary([official_2022]), rules)
    robust, cav = trust.robustness(plan_targets, obs, {"tertiary_value_added": summary("tertiary_value_added", 830.0, 0.08)},
                                   2023, TH, rules)
    row = robust.set_index("target_id").loc[1]
    assert (row["status"], row["status_official"]) == ("on_track", "lagging")
    assert "status" in row["changes_official"].split(";")
    row = robust[robust["target_id"] == 1].iloc[0]
    text = trust_words.describe(row, cav[cav["target_id"] == 1], "zh")["sensitivity"]
    assert f"仅用官方及官方转载数据：状态变为“{progress.STATUS_ZH['lagging']}”" in text
    assert "the status becomes “behind schedule”" in trust_words.describe(row, cav[cav["target_id"] == 1], "en")["sensitivity"]
    # the trust line counts judged targets by the weakest source behind their status
    assert trust.trust_counts(robust)["encyclopedia_blog"] >= 1


def test_changes_respect_the_tolerances():
    full = {"status": "on_track", "trend_rate": 0.090, "probability": 0.59}
    assert trust._changes(full, {"status": "on_track", "trend_rate": 0.099, "probability": 0.68}) == []
    assert trust._changes(full, {"status": "on_track", "trend_rate": 0.101, "probability": 0.70}) == ["trend_rate", "probability"]
    assert trust._changes(full, {"status": "no_data", "trend_rate": float("nan"), "probability": 0.59}) == \
        ["status_unjudged", "trend_rate_missing"]


# --------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def real(rules, plan_targets):
    obs, _ = build_observations()
    return observation_rules.annotate(obs, rules, observation_rules.raw_row_texts(obs))


def test_real_observations_carry_vintage_release_stage_and_coverage(real):
    cj = real[(real["region_code"] == "652300") & real["selected"]]
    by = cj.set_index(["indicator_id", "year", "period"])
    assert by.loc[("tertiary_value_added", 2018, "full_year"), "vintage"] == "pre_2018_census"
    assert by.loc[("gdp", 2017, "full_year"), "vintage"] == "pre_2018_census"
    assert by.loc[("tertiary_value_added", 2020, "full_year"), "vintage"] == "post_2018_census"
    assert by.loc[("tertiary_value_added", 2023, "full_year"), "coverage_xpcc6"] == "yes"
    assert by.loc[("tertiary_value_added", 2020, "full_year"), "coverage_xpcc6"] == "not_stated"
    assert by.loc[("retail_sales_total", 2023, "full_year"), "vintage"] == "not_stated"
    urumqi = real[(real["region_code"] == "650100") & (real["release_stage"] == "preliminary_accounting")]
    assert list(urumqi[["indicator_id", "year", "value"]].itertuples(index=False, name=None)) == [("gdp", 2022, 3893.0)]


def test_the_2023_sectors_add_up_to_the_gdp_the_coverage_note_is_about(real):
    """The coverage rule extends the note on 2023 GDP to the three sectors because they sum to it."""
    cj = real[(real["region_code"] == "652300") & (real["year"] == 2023) & real["selected"] & (real["period"] == "full_year")]
    v = cj.set_index("indicator_id")["value"]
    assert round(v["primary_value_added"] + v["secondary_value_added"] + v["tertiary_value_added"], 2) == v["gdp"] == 2329.52


def test_real_target_1_names_its_weakest_source_and_the_2018_vintage(real, rules, plan_targets):
    s = summary("tertiary_value_added", 830.0, 0.08)
    robust, cav = trust.robustness(plan_targets, real, {"tertiary_value_added": s}, 2023, progress.load_thresholds(), rules)
    row = robust[robust["target_id"] == 1].iloc[0]
    assert row["weakest_quality"] == "encyclopedia_blog"
    assert row["n_points"] == 4 and row["n_points_post_census"] == 3
    zh = trust_words.describe(row, cav[cav["target_id"] == 1], "zh")
    en = trust_words.describe(row, cav[cav["target_id"] == 1], "en")
    assert zh["quality"] == "最弱依据：百科、博客或自媒体"
    assert "趋势：2018 年数据早于 2018 年经济普查修订，与修订后的 2020、2023 年数据口径不同" in zh["caveats"]
    assert en["quality"] == "weakest source: encyclopedia, blog or self-media page"
    assert "trend: the 2018 figures predate the 2018 economic-census revision, the 2020, 2023 figures follow it" in en["caveats"]
    # only the plan's 2015 and 2020 figures are official: no official figure after 2020 to judge the status
    assert row["status_official"] == "no_data" and "status_unjudged" in row["changes_official"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en["caveats"] + en["sensitivity"] + en["quality"])


def test_a_series_used_in_a_notebook_is_flagged_in_its_language(rules):
    obs = observation_rules.annotate(tertiary(), rules)
    zh = trust_words.series_caveat_text(obs, "652300", "tertiary_value_added", 2025, "zh")
    en = trust_words.series_caveat_text(obs, "652300", "tertiary_value_added", 2025, "en")
    assert zh.startswith("最弱依据：百科、博客或自媒体；趋势：2018 年数据早于 2018 年经济普查修订")
    assert en.startswith("weakest source: encyclopedia, blog or self-media page; trend: the 2018 figures predate")
    assert trust_words.series_caveat_text(obs, "652300", "tourism_visits", 2025, "en") == "—"


def test_the_robustness_table_as_shown_keeps_every_target_in_one_language(real, rules, plan_targets):
    s = summary("tertiary_value_added", 830.0, 0.08)
    robust, cav = trust.robustness(plan_targets, real, {"tertiary_value_added": s}, 2023, progress.load_thresholds(), rules)
    evaluated = scoreboard.evaluate_targets(plan_targets, real, 2023, progress.load_thresholds())
    en = trust_words.robustness_display(robust, cav, evaluated, "en")
    zh = trust_words.robustness_display(robust, cav, evaluated, "zh")
    assert len(en) == len(zh) == 19
    first = en.iloc[0]
    assert first["Status"] == "on schedule / no data yet / on schedule"
    assert first["Trend points"] == "4 / 2 / 3"
    assert not any("\u4e00" <= ch <= "\u9fff" for col in en.columns for cell in en[col] for ch in str(cell))
    assert zh.iloc[0]["状态"] == "达到序时进度 / 暂缺数据 / 达到序时进度"


def share_points(gdp_source: str) -> pd.DataFrame:
    """The points of a share recomputed as numerator / GDP: 2023 parts, the plan's 2020 share."""
    rows = [("actual", "tertiary_value_added", 2023, "yaliqi_changji_counties_2025"),
            ("actual", "gdp", 2023, gdp_source),
            ("baseline", "tertiary_share", 2020, "cj_plan_2022_97")]
    return pd.DataFrame([dict(part=p, indicator_id=i, year=y, period="full_year", source_id=s, quality="encyclopedia_blog",
                              vintage="post_2018_census", release_stage="not_stated", coverage_xpcc6="not_stated",
                              status="final") for p, i, y, s in rows], columns=trust.POINT_COLUMNS)


def test_a_share_whose_parts_come_from_different_pages_says_so():
    obs = pd.DataFrame([ob("tertiary_value_added", 2023, 704.11, "yaliqi_changji_counties_2025", "encyclopedia_blog")])
    found = {c["caveat"]: c for c in trust.caveats(share_points("chinawiki_changji_en"), obs, "652300", 2023)}
    assert found["sources_differ"]["years"] == "2023"
    same = {c["caveat"] for c in trust.caveats(share_points("yaliqi_changji_counties_2025"), obs, "652300", 2023)}
    assert "sources_differ" not in same
    message = trust_words.caveat_messages(pd.DataFrame([{"part": "actual", **found["sources_differ"]}]))[0][1]
    assert message == ("trust.caveat.sources_differ", {"years": "2023", "detail": ""})
