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


def test_target_1_row_names_its_weakest_source_and_the_2018_vintage(editions):
    row = next(r for r in table(editions["zh"], "规划表 2 的 19 项目标") if r[0] == "1")
    line = " ".join(row)
    assert "基本符合预期" in line
    assert "最弱依据：百科、博客或自媒体" in line
    assert "2018 年数据早于 2018 年经济普查修订" in line
    assert "2023 年数据含兵团第六师五家渠市" in line
    assert "仅用官方及官方转载数据：没有可用数据，无法判断" in line
    row = next(r for r in table(editions["en"], "The 19 targets in Table 2 of the plan") if r[0] == "1")
    line = " ".join(row)
    assert "weakest source: encyclopedia, blog or self-media page" in line
    assert "the 2018 figures predate the 2018 economic-census revision" in line


def test_robustness_table_lists_every_target_and_says_when_points_are_too_few(editions):
    zh, en = table(editions["zh"], "稳健性检验"), table(editions["en"], "Robustness (all data")
    assert [r[0].split(".")[0] for r in zh] == [str(i) for i in range(1, 20)]
    assert len(en) == 19
    tourism = next(r for r in en if r[0].startswith("7."))
    assert "too few annual points (1) to fit a trend" in " ".join(tourism)
    # a caveat of both the status and the trend is said once
    assert " ".join(tourism).count("partial-period figures for 2023 are not used as annual values") == 1
    for r in en:
        assert not any("\u4e00" <= ch <= "\u9fff" for cell in r for ch in cell), r


def test_summary_has_the_trust_line(editions):
    zh = editions["zh"].read_text(encoding="utf-8")
    en = editions["en"].read_text(encoding="utf-8")
    assert "数据可信度：已作判断的 4 项目标中" in zh
    assert "of the 4 targets judged, the weakest source behind the status is" in en
