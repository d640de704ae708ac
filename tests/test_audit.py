"""Plan consistency audit on the real plan text, and its failures on broken copies."""
from __future__ import annotations

import re
import tokenize

import pytest

from analysis import words
from analysis.audit import COLUMNS, audit_plan
from analysis.errors import RawDataError
from analysis.files import read_utf8_text
from analysis.growth import cagr, required_growth
from analysis.paths import PLAN_TEXT, ROOT
from analysis.targets import parse_targets

FILE = "data/raw/changji_14th_fyp_modern_services_plan.txt"


def _zh(stored: str) -> str:
    return "; ".join(words.render(m, "zh") for m in words.from_json(stored))


@pytest.fixture(scope="module")
def text():
    return read_utf8_text(PLAN_TEXT)


@pytest.fixture(scope="module")
def audit(text):
    return audit_plan(text, parse_targets(text, FILE), FILE).set_index("check_id", drop=False)


def test_columns_and_verdicts(audit):
    assert list(audit.columns) == COLUMNS
    main = {
        "tertiary_target_rate": "consistent",
        "retail_target_rate": "inconsistent",
        "finance_target_gdp": "ambiguous",
        "tertiary_growth_13th": "consistent",
        "structure_change_13th": "consistent",
        "finance_growth_13th": "ambiguous",
        "finance_share_13th": "consistent",
        "tourism_visits_reading": "ambiguous",
        "tourism_revenue_reading": "ambiguous",
    }
    assert audit.loc[list(main), "verdict"].to_dict() == main
    assert set(audit["verdict_zh"]) == {"一致", "不一致", "存在歧义"}
    assert audit["check_id"].is_unique
    assert audit[["explanation_en", "stated", "recomputed_text"]].notna().all().all()
    # every check's words are catalogue messages whose English is exactly the CSV's text
    for column, english in (("topic_message", "topic_en"), ("stated_message", "stated"),
                            ("recomputed_message", "recomputed_text"), ("explanation_message", "explanation_en")):
        for stored, text in zip(audit[column], audit[english]):
            assert [words.render(m, "en") for m in words.from_json(stored)] == [text]
            assert not re.search(r"[A-Za-z]{3,}", re.sub(r"GDP|[a-z]+(_[a-z]+)+", "", _zh(stored))), _zh(stored)


def test_every_statement_is_quoted_verbatim(text, audit):
    lines = text.splitlines()
    for row in audit.itertuples():
        parts = row.statement_zh.split(" … ")
        line_nos = [int(x) for x in row.statement_lines.split(", ")]
        assert len(parts) == len(line_nos)
        for part, n in zip(parts, line_nos):
            assert part in lines[n - 1], (row.check_id, part)


def test_tertiary_830_is_consistent_with_about_8_percent(audit):
    r = audit.loc["tertiary_target_rate"]
    assert r.recomputed == pytest.approx(required_growth(563.51, 830, 5))
    assert round(r.recomputed, 4) == 0.0805
    assert _zh(r.stated_message) == "年均 8%左右" and r.stated == "about 8% a year" and r.verdict_zh == "一致"
    assert "828.0" in r.recomputed_text  # 563.51 × 1.08^5


def test_retail_needs_9_31_not_6_5(audit):
    r = audit.loc["retail_target_rate"]
    assert round(r.recomputed, 4) == 0.0931
    assert _zh(r.stated_message) == "年均增长达到 6.5%以上" and r.verdict_zh == "不一致"
    assert f"{224.27 * 1.065 ** 5:.1f}" == "307.3" and "307.3" in r.recomputed_text and "307.3" in r.explanation_en


def test_finance_growth_is_22_5_percent_nominal_not_7_3(audit):
    r = audit.loc["finance_growth_13th"]
    assert r.recomputed == pytest.approx(cagr(37.9, 85.41, 4))
    assert round(r.recomputed, 3) == 0.225
    assert r.verdict == "ambiguous"
    assert "comparable-price" in r.explanation_en and "可比价" in _zh(r.explanation_message)
    assert "inconsistent" in r.explanation_en


def test_13th_plan_tertiary_growth_and_structure(audit):
    t = audit.loc["tertiary_growth_13th"]
    assert round(t.recomputed, 4) == 0.0949 and "nominal" in t.explanation_en
    s = audit.loc["structure_change_13th"]
    assert s.recomputed == pytest.approx(2.5) and _zh(s.stated_message) == "三产比重五年累计提高 2.5 个百分点"


def test_finance_share_implies_the_same_2020_gdp_as_services(audit):
    r = audit.loc["finance_share_13th"]
    assert r.recomputed == pytest.approx(85.41 / 6.16 * 100)
    assert "1,388.0" in r.explanation_en  # 563.51 / 40.6 %
    assert r.stated == "3.74% → 6.16%"


def test_finance_pair_implies_gdp_1500_against_at_most_2075(audit):
    r = audit.loc["finance_target_gdp"]
    assert r.recomputed == pytest.approx(1500)
    assert "2,075" in r.recomputed_text and "1,500" in r.recomputed_text
    assert "55.3%" in r.explanation_en  # 830 / 1500


def test_tourism_two_readings(audit):
    rev = audit.loc["tourism_revenue_reading"]
    assert rev.recomputed == pytest.approx(200) and rev.verdict == "ambiguous"
    assert "220.00" in rev.explanation_en and "9.1% below" in rev.explanation_en and "4.55 times" in rev.explanation_en
    vis = audit.loc["tourism_visits_reading"]
    assert vis.recomputed == pytest.approx(0.2) and "2,000 (10,000 visits)" in vis.explanation_en
    assert "（2,000 万人次）" in _zh(vis.explanation_message)
    assert "more than 1.4" in vis.explanation_en and "at least 28.6% below" in vis.explanation_en


def test_table1_and_table2_agree_with_the_text(audit):
    t1 = audit[audit.check_id.str.startswith("table1_vs_text_")]
    assert len(t1) == 3 and (t1.verdict == "consistent").all()
    t2 = audit[audit.check_id.str.startswith("table2_vs_text_")]
    assert len(t2) == 19 and (t2.verdict == "consistent").all()
    assert "writes the unit differently" in audit.loc["table2_vs_text_15", "explanation_en"]  # 5000 万 vs 5000万元
    assert "“左右”" in audit.loc["table2_vs_text_13", "explanation_en"]


@pytest.mark.parametrize("module", ["audit", "targets", "progress", "scoreboard"])
def test_no_plan_figure_is_a_literal_in_code(module):
    """Numeric literals in the modules are definitions (0, 1, 100 for percent, 10**8 for 亿,
    tolerances, string offsets), never a figure of the plan."""
    allowed = {"0", "1", "2", "3", "4", "6", "8", "10", "10.0", "100", "0.5", "0.0", "1.0", "1e-9", "1e-12", "1e-3"}
    if module == "progress":  # elapsed_share's documented defaults; evaluate_targets passes the plan's own years
        allowed |= {"2020", "2025"}
    path = ROOT / "analysis" / f"{module}.py"
    with open(path, encoding="utf-8") as fh:
        numbers = {tok.string for tok in tokenize.generate_tokens(fh.readline) if tok.type == tokenize.NUMBER}
    assert numbers <= allowed, numbers - allowed
    code = "\n".join(line.split("#")[0] for line in path.read_text(encoding="utf-8").splitlines())
    if module == "audit":  # its strings are explanation templates: no plan figure in them either
        for figure in ("563.51", "830", "224.27", "350", "6.5", "85.41", "37.9", "7.3", "1500", "2075", "1100", "1.4"):
            assert not re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d.])", code), figure


# --------------------------------------------------------------------------- failures
def _copy(tmp_path, text, old, new):
    assert old in text
    p = tmp_path / "plan_copy.txt"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return read_utf8_text(p), str(p)


def test_quote_not_found_is_a_raw_data_error(tmp_path, text):
    targets = parse_targets(text, FILE)
    broken, name = _copy(tmp_path, text, "年平均增速为 7.3%", "年均增速为 7.3%")
    with pytest.raises(RawDataError, match="quote not found .13th-plan financial sector growth.") as err:
        audit_plan(broken, targets, name)
    assert err.value.file == name


def test_changed_number_changes_the_verdict(tmp_path, text):
    broken, name = _copy(tmp_path, text, "年均增长达到 6.5%以上", "年均增长达到 9.5%以上")
    r = audit_plan(broken, parse_targets(broken, name), name).set_index("check_id")
    assert r.loc["retail_target_rate", "verdict"] == "consistent"
    assert r.loc["table2_vs_text_11", "verdict"] == "inconsistent"  # 表 2 still says 6.5%


def test_wrong_year_in_a_quote(tmp_path, text):
    broken, name = _copy(tmp_path, text, "争取到 2025 年末，社会消费品零售总额", "争取到 2024 年末，社会消费品零售总额")
    with pytest.raises(RawDataError, match="expected the year 2025") as err:
        audit_plan(broken, parse_targets(broken, name), name)
    assert err.value.row == 214
