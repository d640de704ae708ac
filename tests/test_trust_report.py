"""The built report shows, beside each status and projection, the weakest source it rests on, the
caveats and what the sensitivity variants change — each edition in its own language."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest


class _Tables(HTMLParser):
    """Every <figure> table of the report: its caption text and its body rows as cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._caption = self._cell = None
        self._row: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "figcaption":
            self._caption = ""
        elif tag == "tbody":
            self._in_body = True
            self.tables.append((self._last_caption, []))
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._last_caption, self._caption = self._caption, None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "tr" and self._row is not None:
            self.tables[-1][1].append(self._row)
            self._row = None
        elif tag == "td" and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._caption is not None:
            self._caption += data
        if self._cell is not None:
            self._cell += data

    _last_caption = ""


def table(path, caption: str) -> list[list[str]]:
    parser = _Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    found = [rows for cap, rows in parser.tables if caption in cap]  # captions are numbered by the report
    assert found, f"no table captioned {caption!r} in {path.name}"
    return found[0]


@pytest.fixture(scope="module")
def editions(built_report):
    return {"zh": built_report, "en": built_report.with_name("mid_term_evaluation.en.html")}


def test_target_1_row_has_its_grade_and_its_caveats_are_notes_written_once(editions):
    """Target 1 rests on a self-media page (grade D): the grade sits in the results table, the XPCC coverage
    caveat is a numbered note on its latest value, and the 2018 vintage caveat a note on the trend — each once."""
    for lang, caption, coverage, vintage in (
            ("zh", "主要指标完成情况", "2023 年数据含兵团第六师五家渠市，2020 年数据未说明是否包含", "2018 年数据早于 2018 年经济普查修订"),
            ("en", "Progress on the main targets", "the 2023 figures include the XPCC 6th Division (Wujiaqu); whether the 2020 figures do",
             "the 2018 figures predate the 2018 economic-census revision")):
        row = next(r for r in table(editions[lang], caption) if r[0] == "1")
        assert row[-1] == "D" and row[6].endswith("①")
        page = editions[lang].read_text(encoding="utf-8")
        assert page.count(coverage) == 1 and page.count(vintage) == 1


def test_robustness_lists_the_targets_with_data_and_says_the_rest_once(editions):
    zh, en = table(editions["zh"], "稳健性检验"), table(editions["en"], "Robustness (all data")
    assert [r[0].split(".")[0] for r in zh] == ["1", "2", "10", "11"] and len(en) == 4
    assert zh[0][2] == "达到序时进度 / 暂缺数据 / 达到序时进度"  # official figures only: nothing to judge on
    assert "其余 15 项指标在三种数据范围下都没有可用数据" in editions["zh"].read_text(encoding="utf-8")
    for r in en:
        assert not any("\u4e00" <= ch <= "\u9fff" for cell in r for ch in cell), r


def test_the_verdict_says_once_that_the_judgments_are_provisional(editions):
    zh = editions["zh"].read_text(encoding="utf-8")
    en = editions["en"].read_text(encoding="utf-8")
    assert zh.count("因此均为初步判断") == 1 and "以上 4 项评价所依据的最新数据均取自转述统计数据的网络页面" in zh
    assert "只用官方及官方转载数据则无一项可以评价" in zh  # Annex 4: on official figures alone nothing can be judged
    assert "A 级物流企业</td><td>家</td><td>预期性</td><td>4</td>" in zh  # a count without decimals (表 2 no. 9: 4 in 2020)
    assert en.count("so all are provisional") == 1 and "on official figures alone none could be judged" in en
