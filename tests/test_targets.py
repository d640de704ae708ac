"""表 2 parsing: the 19 real targets, the plan's baselines and sentences, and real failures."""
from __future__ import annotations

import math

import pytest
import yaml

from analysis import catalogue
from analysis import targets as targets_module
from analysis.errors import RawDataError
from analysis.files import read_utf8_text
from analysis.paths import PLAN_TARGET_LABELS, PLAN_TEXT
from analysis.quotes import compile_quote, find_quote, placeholders, registry
from analysis.targets import COLUMNS, KINDS, infer_kind, load_targets, parse_targets, plan_period, target_labels

FILE = "data/raw/changji_14th_fyp_modern_services_plan.txt"

# (id, group, indicator as printed, target as printed, value, unit, kind) — as printed in 表 2
EXPECTED = [
    (1, "总体目标", "三产增加值", "830 亿元", 830.0, "亿元", "level"),
    (2, "总体目标", "三产增加值占 GDP 增加值比重", "40%", 40.0, "%", "share_of_gdp"),
    (3, "总体目标", "服务业税收年平均增幅", "6%", 6.0, "%", "average_growth_rate"),
    (4, "总体目标", "三产就业人口占总就业人口比重", "50%", 50.0, "%", "share"),
    (5, "总体目标", "年均新增规模以上服务企业", "10 家", 10.0, "家", "count_per_year"),
    (6, "产业培育", "数字经济增加值占服务业增加值比重", "40%", 40.0, "%", "share"),
    (7, "产业培育", "旅游接待人数", "1 亿人次", 1.0, "亿人次", "level"),
    (8, "产业培育", "旅游总收入", "1000 亿元", 1000.0, "亿元", "level"),
    (9, "产业培育", "培育或引进 A 级物流企业", "10 家", 10.0, "家", "count"),
    (10, "重点举措", "社会消费品零售总额", "350亿元", 350.0, "亿元", "level"),
    (11, "重点举措", "社会消费品零售年均增长率", "6.5%", 6.5, "%", "average_growth_rate"),
    (12, "重点举措", "全州金融业增加值", "120亿元", 120.0, "亿元", "level"),
    (13, "重点举措", "全州金融业占GDP比重", "8%", 8.0, "%", "share_of_gdp"),
    (14, "重点举措", "组建新型研发服务机构", "15个", 15.0, "个", "count"),
    (15, "重点举措", "技术市场服务成交金额", "5000万元", 5000.0, "万元", "level"),
    (16, "重点举措", "每个县(市)群众体育服务品牌", "3个", 3.0, "个", "count_per_county"),
    (17, "重点举措", "每年开工建设投资亿元以上服务业项目", "20个", 20.0, "个", "count_per_year"),
    (18, "重点举措", "每个县(市)建成重点特色服务街区", "1个", 1.0, "个", "count_per_county"),
    (19, "重点举措", "每个县(市)建成服务业类小微企业园区", "1个", 1.0, "个", "count_per_county"),
]
BASELINES = {1: 563.51, 2: 40.6, 9: 4.0, 10: 224.27, 12: 85.41, 13: 6.16}
CATALOGUE_IDS = {1: "tertiary_value_added", 2: "tertiary_share_of_gdp", 7: "tourism_visits", 8: "tourism_revenue",
                 10: "retail_sales_total", 11: "retail_sales_total", 12: "finance_value_added", 13: "finance_share_of_gdp"}


@pytest.fixture(scope="module")
def text():
    return read_utf8_text(PLAN_TEXT)


@pytest.fixture(scope="module")
def targets(text):
    return parse_targets(text, FILE)


def test_all_19_targets_with_printed_values(targets):
    assert list(targets.columns) == COLUMNS
    assert len(targets) == 19
    got = list(targets[["target_id", "group_zh", "indicator_zh", "target_text", "target_value", "unit", "kind"]]
               .itertuples(index=False, name=None))
    assert got == EXPECTED
    assert set(targets["kind"]) <= set(KINDS)
    assert (targets["direction"] == "at_least").all()
    assert (targets["target_year"] == 2025).all() and (targets["base_year"] == 2020).all()
    assert targets["group_en"].tolist()[:1] == ["Overall targets"]


def test_each_target_is_its_row_in_the_document(text, targets):
    lines = text.splitlines()
    for t in targets.itertuples():
        cells = [c.strip() for c in lines[t.source_line - 1].split("\t")]
        assert cells[1:] == [str(t.target_id), t.indicator_zh, t.target_text]
        # the parsed number is the printed one
        assert t.target_text.startswith(f"{t.target_value:g}")
        assert t.target_text.endswith(t.unit)


def test_group_label_carries_down_across_the_blank_line(targets):
    assert targets.groupby("group_zh", sort=False)["target_id"].agg(list).to_dict() == {
        "总体目标": [1, 2, 3, 4, 5], "产业培育": [6, 7, 8, 9], "重点举措": list(range(10, 20))}


def test_catalogue_ids_and_bilingual_labels(targets):
    ids = dict(zip(targets["target_id"], targets["indicator_id"]))
    for tid, ind in CATALOGUE_IDS.items():
        assert ids[tid] == ind
        catalogue.indicator(ind)  # exists
    assert targets["indicator_id"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
    assert targets["indicator_en"].notna().all() and (targets["indicator_en"].str.len() > 0).all()
    # one id per target, except the retail level and its growth rate, which measure the same series
    dup = targets[targets["indicator_id"].duplicated(keep=False)]
    assert dup["target_id"].tolist() == [10, 11]
    assert targets.loc[targets.target_id == 1, "indicator_en"].item() == catalogue.indicator("tertiary_value_added")["name_en"]
    assert targets.set_index("target_id").loc[[2, 13], "numerator_id"].tolist() == ["tertiary_value_added", "finance_value_added"]


def test_baselines_come_from_the_text_with_their_quotes(text, targets):
    t = targets.set_index("target_id")
    for tid, value in BASELINES.items():
        assert t.loc[tid, "baseline_2020"] == value
        quote = t.loc[tid, "baseline_source"]
        assert quote in text
        assert text.splitlines()[int(t.loc[tid, "baseline_line"]) - 1].find(quote) >= 0
        assert f"{value:g}" in quote
    others = t.drop(index=list(BASELINES))
    assert others["baseline_2020"].isna().all() and others["baseline_source"].isna().all()


def test_plan_sentences_restate_targets(text, targets):
    t = targets.set_index("target_id")
    assert t.loc[1, "plan_sentence"] == "服务业增加值达到 830 亿元以上,增速保持年均 8%左右"
    assert t.loc[10, "plan_sentence"] == "社会消费品零售总额达到 350 亿元以上，年均增长达到 6.5%以上"
    assert t.loc[11, "plan_sentence"] == t.loc[10, "plan_sentence"]
    assert t.loc[7, "plan_sentence"] == "旅游接待人数 1 亿人次，旅游总收入突破 1000 亿元"
    assert t.loc[6, "plan_sentence"] == "数字经济增加值占服务业增加值比重达到40%以上"
    assert t["plan_sentence"].notna().all()
    for row in targets.itertuples():
        assert row.plan_sentence in text.splitlines()[row.plan_sentence_line - 1]
    assert t["plan_sentence_agrees"].all()
    assert (t["plan_sentence_value"] == t["target_value"]).all()
    assert t.loc[13, "plan_qualifier_zh"] == "左右" and t.loc[13, "plan_qualifier"] == "approximately"
    assert t.loc[8, "plan_qualifier"] == "more_than" and t.loc[10, "plan_qualifier"] == "at_least"
    assert bool(t.loc[7, "may_be_five_year_total"]) and bool(t.loc[8, "may_be_five_year_total"])
    assert not t.drop(index=[7, 8])["may_be_five_year_total"].any()


def test_load_targets_verifies_and_reads_the_raw_file():
    df = load_targets()
    assert len(df) == 19 and df["target_value"].sum() == sum(e[4] for e in EXPECTED)


def test_table_alone_without_text_links(text):
    table_only = "\n".join(text.splitlines()[117:142])
    df = parse_targets(table_only, "snippet.txt", link_text=False)
    assert len(df) == 19 and df["baseline_2020"].isna().all() and df["target_year"].isna().all()


@pytest.mark.parametrize("label, unit, kind", [
    ("服务业税收年平均增幅", "%", "average_growth_rate"), ("全州金融业占GDP比重", "%", "share_of_gdp"),
    ("三产就业人口占总就业人口比重", "%", "share"), ("每个县（市）建成重点特色服务街区", "个", "count_per_county"),
    ("年均新增规模以上服务企业", "家", "count_per_year"), ("组建新型研发服务机构", "个", "count"),
    ("技术市场服务成交金额", "万元", "level"),
])
def test_infer_kind(label, unit, kind):
    assert infer_kind(label, unit) == kind


def test_quote_templates_tolerate_spacing_and_width_but_not_other_words():
    pattern = compile_quote("截止{year}年，昌吉州三产增加值比重为{share}%")
    assert pattern.search("截止 2020 年,昌吉州三产增加值比重为 40.6％").group("share") == "40.6"
    assert pattern.search("截止2020年，昌吉州二产增加值比重为40.6%") is None
    assert pattern.search("截止 2020\n年，昌吉州三产增加值比重为 40.6%") is None  # never across lines


def test_plan_period(text):
    assert plan_period(text, FILE) == (2020, 2025)


# --------------------------------------------------------------------------- failures
def _broken_copy(tmp_path, text, old, new, count=1):
    assert old in text
    path = tmp_path / "plan_copy.txt"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return read_utf8_text(path), str(path)


def test_missing_row_number_names_line_and_column(tmp_path, text):
    broken, name = _broken_copy(tmp_path, text, "\t2\t三产增加值占 GDP", "\t\t三产增加值占 GDP")
    with pytest.raises(RawDataError) as err:
        parse_targets(broken, name)
    assert err.value.file == name and err.value.row == 122 and err.value.column == "序号"
    assert "expected the row number 2, found ''" in str(err.value)


def test_dropped_row_breaks_the_sequence(tmp_path, text):
    broken, name = _broken_copy(tmp_path, text, "\t14\t组建新型研发服务机构\t15个\n", "")
    with pytest.raises(RawDataError, match="row number 15 out of sequence: expected 14") as err:
        parse_targets(broken, name)
    assert err.value.column == "序号" and err.value.row == 135


def test_non_numeric_target_names_line_and_column(tmp_path, text):
    broken, name = _broken_copy(tmp_path, text, "\t830 亿元", "\t八百三十亿元")
    with pytest.raises(RawDataError) as err:
        parse_targets(broken, name)
    assert (err.value.row, err.value.column) == (121, "发展目标")
    assert "expected a number and a unit" in str(err.value) and "八百三十亿元" in str(err.value)


def test_unknown_unit_is_an_error(tmp_path, text):
    broken, name = _broken_copy(tmp_path, text, "\t5000万元", "\t5000万美元")
    with pytest.raises(RawDataError, match="expected a number and a unit") as err:
        parse_targets(broken, name)
    assert err.value.row == 136


def test_wrong_header(tmp_path, text):
    broken, name = _broken_copy(tmp_path, text, "指标类型\t序号\t数据类别\t发展目标", "指标类型\t数据类别\t发展目标")
    with pytest.raises(RawDataError, match="expected the header 指标类型 / 序号 / 数据类别 / 发展目标") as err:
        parse_targets(broken, name)
    assert err.value.row == 120


def test_row_with_a_cell_missing(tmp_path, text):
    broken, name = _broken_copy(tmp_path, text, "\t3\t服务业税收年平均增幅\t6%", "\t3\t服务业税收年平均增幅 6%")
    with pytest.raises(RawDataError, match="expected 4 tab-separated cells") as err:
        parse_targets(broken, name)
    assert err.value.row == 123


def test_unknown_indicator_label(tmp_path, text):
    broken, name = _broken_copy(tmp_path, text, "\t旅游总收入\t", "\t旅游业总收入\t")
    with pytest.raises(RawDataError, match="unknown indicator '旅游业总收入'") as err:
        parse_targets(broken, name)
    assert err.value.column == "数据类别"


def test_missing_table(tmp_path, text):
    broken, name = _broken_copy(tmp_path, text, "表 2: 昌吉州", "图 2: 昌吉州")
    with pytest.raises(RawDataError, match="no line starting with '表 2'"):
        parse_targets(broken, name)


def test_baseline_quote_not_found(tmp_path, text):
    broken, name = _broken_copy(tmp_path, text, "昌吉州三产增加值比重为 40.6%", "昌吉州三产增加值比重约为 40.6%")
    with pytest.raises(RawDataError, match="quote not found .*baseline of 三产增加值占 GDP 增加值比重") as err:
        parse_targets(broken, name)
    assert err.value.file == name


def test_baseline_quote_with_another_year(tmp_path, text):
    broken, name = _broken_copy(tmp_path, text, "截止 2020 年，昌吉州三产增加值比重", "截止 2019 年，昌吉州三产增加值比重")
    with pytest.raises(RawDataError, match="gives the year 2019, but the plan's base year is 2020") as err:
        parse_targets(broken, name)
    assert err.value.row == 47


def test_restating_sentence_with_another_number_is_kept_and_flagged(tmp_path, text):
    broken, name = _broken_copy(tmp_path, text, "年均增长达到 6.5%以上", "年均增长达到 9.5%以上")
    t = parse_targets(broken, name).set_index("target_id")
    assert t.loc[11, "target_value"] == 6.5 and t.loc[11, "plan_sentence_value"] == 9.5
    assert not t.loc[11, "plan_sentence_agrees"] and t.loc[10, "plan_sentence_agrees"]


def test_quote_found_twice_is_an_error_when_it_must_be_unique(text):
    with pytest.raises(RawDataError, match="quote found 2 times"):
        find_quote(text, "新增规模以上服务企业{n}家以上", FILE)
    assert find_quote(text, "新增规模以上服务企业{n}家以上", FILE, unique=False).line == 114
    with pytest.raises(RawDataError, match=r"\{name\} stands for a number"):
        find_quote(text, "不存在的句子{n}亿元", FILE)
    assert math.isfinite(find_quote(text, "规划期限为{a}-{b}年", FILE).value("b"))


# --------------------------------------------------------------------------- the labels file's schema
def test_every_label_entry_follows_the_schema_and_links_to_registered_quotes(targets):
    labels = target_labels()
    assert len(labels) == 19 and set(targets["indicator_id"]) == {m["id"] for m in labels.values()}
    for label, meta in labels.items():
        for link in ("sentence", "baseline"):
            if link in meta:
                template = registry()[meta[link]["quote"]]
                assert meta[link]["number"] in placeholders(template), label
                assert meta[link].get("year", "year") in placeholders(template) or link == "sentence", label


@pytest.mark.parametrize("change, message", [
    (lambda m: m["三产增加值"].update(colour="red"), "only the keys"),
    (lambda m: m["三产增加值"].update(id="Tertiary VA"), "snake_case id"),
    (lambda m: m["服务业税收年平均增幅"].pop("en"), "English label 'en' is required"),
    (lambda m: m["三产增加值"]["sentence"].update(quote="no_such_quote"), "no quote 'no_such_quote'"),
    (lambda m: m["三产增加值"]["baseline"].update(number="v9"), "no placeholder ['v9']"),
    (lambda m: m["三产增加值"]["baseline"].pop("year"), "expected the keys"),
    (lambda m: m["全州金融业占GDP比重"].update(numerator="finance"), "numerator 'finance'"),
])
def test_a_label_entry_breaking_the_schema_is_named(tmp_path, monkeypatch, change, message):
    labels = yaml.safe_load(PLAN_TARGET_LABELS.read_text(encoding="utf-8"))
    change(labels)
    broken = tmp_path / "plan_targets.yml"
    broken.write_text(yaml.safe_dump(labels, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(targets_module, "PLAN_TARGET_LABELS", broken)
    target_labels.cache_clear()
    try:
        with pytest.raises(RawDataError, match=message.replace("[", r"\[").replace("]", r"\]")):
            target_labels()
    finally:
        target_labels.cache_clear()
