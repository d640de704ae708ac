"""End to end on a throw-away project copy: `make final`, `make add-figure` with a made-up 2025 row
registered as a test source, and `make report EVALUATION_YEAR=…` rerunning only what uses the year.

Every 2025 figure here is MADE UP and exists only inside the copy (never in data/raw/ of the
working tree, which these tests do not touch).
"""
from __future__ import annotations

import re

import pandas as pd
import pytest

from tools.project_copy import clone_copy

pytestmark = pytest.mark.pipeline

TEST_TITLE = "测试来源：虚构的 2025 年统计公报（仅供测试，非真实数据）"
TEST_URL = "https://example.invalid/changji-2025-test"


def row(indicator: str, value: str, unit: str, year: int = 2025) -> bytes:
    """One bulletin CSV row (CRLF, like the file) citing the made-up test page."""
    return (f"昌吉回族自治州,{year},{indicator},{value},{unit},,{TEST_TITLE},{TEST_URL},"
            f"{indicator}{value}{unit}\r\n").encode("utf-8")


def ran(result) -> list[str]:
    """Notebook runs a make printed (``▶ notebooks/x.py → reports/notebooks/y.ipynb``), by output name."""
    return sorted(re.findall(r"▶ notebooks/\w+\.py → reports/notebooks/([\w.]+)\.ipynb", result.stdout))


@pytest.fixture(scope="module")
def copy(built_copy, tmp_path_factory):
    """A clone of the session's copy (built with `make final`), changed by the tests below in order."""
    return clone_copy(built_copy, tmp_path_factory.mktemp("final") / "project")


def test_final_on_todays_data_says_how_few_targets_can_be_judged(copy):
    final = pd.read_csv(copy.path("data/processed/final_evaluation.csv"))
    assert len(final) == 19 and set(final["status"]) == {"no_data"}
    zh = copy.path("reports/final_evaluation.html").read_text(encoding="utf-8")
    en = copy.path("reports/final_evaluation.en.html").read_text(encoding="utf-8")
    assert "19 项目标中，目前可以评判的有 0 项" in zh and "2025 年数据尚未公布" in zh
    assert "Of the 19 targets, 0 can be judged so far" in en
    # nothing judgeable yet: the document is the framework awaiting the 2025 data, not an evaluation
    assert re.search(r"<title>[^<]*终期评估框架（待 2025 年数据公布后更新）</title>", zh)
    assert re.search(r"<title>Final evaluation framework for the [^<]*, to be completed when the 2025 data are published</title>", en)
    assert "基本完成" in zh and "90%" in zh                     # the threshold is stated
    assert "最新可用为 2023 年 704.11 亿元" in zh                 # the latest actual, named as such
    index = copy.path("reports/index.html").read_text(encoding="utf-8")
    for page in ("mid_term_evaluation.html", "mid_term_evaluation.en.html", "final_evaluation.html",
                 "final_evaluation.en.html", "notebooks/91_final_report.html", "notebooks/30_evaluation.html"):
        assert f'href="{page}"' in index
    assert ran(copy.make("final")) == [] and ran(copy.make("report")) == []


def test_evaluation_year_reruns_only_what_uses_it(copy):
    before = copy.output_hashes()
    result = copy.make("report", "EVALUATION_YEAR=2024")
    assert result.returncode == 0, result.stderr[-2000:]
    assert ran(result) == ["30_evaluation", "35_robustness", "90_report", "90_report.en"]  # the robustness check judges that year too
    progress = pd.read_csv(copy.path("data/processed/target_progress.csv"))
    assert set(progress["evaluation_year"]) == {2024}
    assert "最晚为 2023 年，尚未找到 2024 年的全年数据" in copy.path("reports/mid_term_evaluation.html").read_text(encoding="utf-8")
    assert ran(copy.make("report", "EVALUATION_YEAR=2024")) == []
    result = copy.make("report")                                 # back to the default, 2023
    assert ran(result) == ["30_evaluation", "35_robustness", "90_report", "90_report.en"]  # the robustness check judges that year too
    after = copy.output_hashes()
    assert [k for k in before if before[k] != after.get(k)] == []
    bad = copy.make("report", "EVALUATION_YEAR=2030")
    assert bad.returncode != 0 and "EVALUATION_YEAR=2030: expected a year of the plan period" in bad.stderr


def test_add_figure_then_final_classifies_with_no_code_change(copy):
    csv = "data/raw/changji_bulletins.csv"
    prov = "data/raw/provenance.yml"
    assert copy.make("add-figure").returncode == 0               # nothing changed yet; keeps the recorded version
    recorded = copy.path(prov).read_text(encoding="utf-8")
    copy.write_bytes(csv, copy.path(csv).read_bytes() + row("第三产业增加值", "850", "亿元"))
    result = copy.make("add-figure", "ACCESSED=2026-11-29")
    out = result.stdout
    assert result.returncode != 0
    assert "+ added   line 29: 昌吉回族自治州 | 2025 | 第三产业增加值 | 850 | 亿元" in out
    assert f"new page (not registered): '{TEST_TITLE}'" in out
    assert "official, official_reprint, media, encyclopedia_blog" in out and "nothing recorded" in out
    text = copy.path(prov).read_text(encoding="utf-8")
    assert f'title_zh: "{TEST_TITLE}"' in text and f'url: "{TEST_URL}"' in text and 'accessed: "2026-11-29"' in text
    # the hash is not recorded while the quality is missing
    assert re.findall(r"sha256: (\w+)", text) == re.findall(r"sha256: (\w+)", recorded)
    assert copy.make("final").returncode != 0                    # the pipeline refuses the unrecorded file

    copy.write_bytes(prov, re.sub(r"quality: null  # TO FILL IN.*", "quality: official", text).encode("utf-8"))
    result = copy.make("add-figure")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "✔ recorded sha256" in result.stdout
    result = copy.make("final")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    final = pd.read_csv(copy.path("data/processed/final_evaluation.csv")).set_index("target_id")
    assert final.loc[1, "status"] == "completed" and final.loc[1, "actual_value"] == 850
    zh = copy.path("reports/final_evaluation.html").read_text(encoding="utf-8")
    assert '<tr data-status="completed" data-target-id="1">' in zh   # the exporter orders attributes
    assert re.search(r"<title>[^<]*终期评估</title>", zh)          # one target judged: an evaluation, no longer a framework
    assert TEST_TITLE in zh                                      # the new page is cited among the sources


def test_add_figure_names_row_and_column_of_a_wrong_unit(copy):
    csv = "data/raw/changji_bulletins.csv"
    before = copy.path("data/raw/provenance.yml").read_bytes()
    copy.write_bytes(csv, copy.path(csv).read_bytes() + row("GDP", "2600", "公斤"))
    result = copy.make("add-figure")
    assert result.returncode != 0
    lines = copy.path(csv).read_bytes().count(b"\n")
    assert f"data/raw/changji_bulletins.csv, line {lines}, column 'unit': unknown unit '公斤'" in result.stdout
    assert copy.path("data/raw/provenance.yml").read_bytes() == before
