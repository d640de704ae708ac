"""The report opens offline in headless Chromium: images load, nothing leaves the machine, no code."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def open_page(browser, path, width=1200):
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests, failed, console = [], [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto(path.as_uri(), wait_until="load")
    return page, requests, failed, console


def assert_offline(page, requests, failed, console, min_images):
    assert [u for u in requests if not u.startswith("file://") and not u.startswith("data:")] == []
    assert failed == [] and console == []
    images = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth])")
    assert len(images) >= min_images and all(done and width > 0 for done, width in images)
    # every figure is vector: an SVG image, or inline <svg> (the rate controls' overlay and swatch, no figure of their own)
    kinds = page.eval_on_selector_all("figure.report-figure img", "els => els.map(e => e.src.split(';')[0])")
    assert len(kinds) >= min_images and set(kinds) <= {"data:image/svg+xml"}, set(kinds)
    assert page.eval_on_selector_all("svg", "els => els.filter(e => !e.closest('.rate-path, .rate-control')).length") == 0


def scoreboard_rows(page) -> list[list[str]]:
    """Rows of the table in the scoreboard section."""
    return page.evaluate("""() => {
        const fig = document.querySelector('section.section-scoreboard figure.report-table');
        return fig ? [...fig.querySelectorAll('tbody tr')].map(tr => [...tr.cells].map(td => td.innerText)) : null;
    }""")


def test_report_is_offline_and_complete(browser, built_report, tmp_path):
    page, requests, failed, console = open_page(browser, built_report)
    assert_offline(page, requests, failed, console, min_images=7)  # comparison + 4 scenario + sweep + progress
    text = page.inner_text("body")
    assert "中期评估" in text and "563.51" in text and "舍入差异" in text
    for heading in ("阅读说明", "摘要", "增长情景", "规划表 2 目标进度", "规划一致性核查", "方法", "数据来源", "可复现信息"):
        assert page.locator(f"h2:text-is('{heading}')").count() == 1, heading
    assert page.eval_on_selector_all(".jp-InputArea, .jp-InputPrompt", "els => els.length") == 0  # no code
    assert page.evaluate("document.documentElement.lang") == "zh"
    # the Chinese-first font stack of templates/offline wins over the lab theme's (system-ui first)
    font = page.evaluate("getComputedStyle(document.querySelector('.jp-RenderedHTMLCommon p')).fontFamily")
    assert font.startswith('"Noto Sans CJK SC"'), font
    rows = scoreboard_rows(page)
    assert [int(r[0]) for r in rows] == list(range(1, 20))  # all 19 targets, none dropped
    assert all(r[8] in {"提前实现", "快于预期", "基本符合预期", "滞后", "无数据"} for r in rows)
    # the retail inconsistency: the plan's 6.5% against the ~9.3% that 350 亿元 needs
    assert "9.3%" in text and "6.5%" in text and "不一致" in text
    assert "sha256" in text and "git" in text
    page.screenshot(path=str(tmp_path / "screenshot_first_screen.png"))  # never into the checkout's reports/
    print(f"screenshot: {tmp_path / 'screenshot_first_screen.png'}")
    page.close()


def test_english_edition(browser, built_report, tmp_path):
    page, requests, failed, console = open_page(browser, built_report.with_name("mid_term_evaluation.en.html"))
    assert_offline(page, requests, failed, console, min_images=7)  # comparison + 4 scenario + sweep + progress
    assert page.evaluate("document.documentElement.lang") == "en"
    # Latin text in a Latin font first (in print, a CJK font's Latin glyphs lose their word spaces)
    font = page.evaluate("getComputedStyle(document.querySelector('.jp-RenderedHTMLCommon p')).fontFamily")
    assert font.startswith("system-ui") and '"Noto Sans CJK SC"' in font, font
    text = page.inner_text("body")
    assert "Key findings" in text and "Plan consistency audit" in text
    assert len(scoreboard_rows(page)) == 19
    page.screenshot(path=str(tmp_path / "screenshot_first_screen.en.png"))
    page.close()


def test_index_links_every_executed_notebook_offline(browser, built_report):
    index = built_report.with_name("index.html")
    page, requests, failed, console = open_page(browser, index)
    assert_offline(page, requests, failed, console, min_images=0)  # a refused inline style would log an error
    assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
    links = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
    executed = sorted(p.name for p in (index.parent / "notebooks").glob("*.ipynb"))
    assert sorted(h.split("/")[-1].replace(".html", ".ipynb") for h in links if h.startswith("notebooks/")) == executed
    assert "mid_term_evaluation.html" in links and "mid_term_evaluation.en.html" in links
    # each report is named by its own title in its own language, not by its file name
    named = page.eval_on_selector_all("a:not([href^='notebooks/'])", "els => els.map(e => [e.getAttribute('href'), e.textContent, e.lang])")
    for href, text, lang in named:
        report_page, *_ = open_page(browser, index.parent / href)
        assert (text, lang) == (report_page.title(), report_page.evaluate("document.documentElement.lang")), href
        report_page.close()
    # every executed notebook by its title, never its bare file name; a report notebook by its report's title
    titles = dict((href, text) for href, text, _ in named)
    report_of = {"90_report": "mid_term_evaluation.html", "90_report.en": "mid_term_evaluation.en.html",
                 "91_final_report": "final_evaluation.html", "91_final_report.en": "final_evaluation.en.html"}
    notebooks = page.eval_on_selector_all("a[href^='notebooks/']", "els => els.map(e => [e.getAttribute('href'), e.textContent])")
    for href, text in notebooks:
        stem = href.split("/")[-1].removesuffix(".html")
        assert text.strip() and text != stem, href
        if stem in report_of and report_of[stem] in titles:
            assert text == titles[report_of[stem]], href
    assert {h.split("/")[-1].removesuffix(".html") for h, _ in notebooks} >= {"90_report", "90_report.en"}
    page.close()
    for href in links:
        target = (index.parent / href).resolve()
        assert target.exists(), href
        if href.startswith("notebooks/"):
            sub, requests, failed, console = open_page(browser, target)
            assert_offline(sub, requests, failed, console, min_images=0)
            assert sub.eval_on_selector_all(".jp-InputArea", "els => els.length") > 0  # code shown for audit
            sub.close()


def test_text_from_data_is_escaped(browser, tmp_path):
    """Text from data holding markup shows as text and runs nothing, wherever the templates put it."""
    from analysis import report

    evil = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    table = {"kind": "table", "number": 1, "title": evil, "columns": ["来源"], "rows": [[evil]], "citations": []}
    context = {"lang": "zh", "title": "标题", "intro": evil, "toc_title": "目录", "caption_sources": "来源：", "separator": "；",
               "sections": [{"anchor": "a", "heading": "章节", "blocks": [table, {"kind": "paragraph", "text": evil},
                                                                       {"kind": "list", "items": [evil]}]}]}
    page_html = report.render_report(context, tmp_path)
    path = tmp_path / "escaped.html"
    path.write_text(f'<!DOCTYPE html><html lang="zh"><meta charset="utf-8"><body>{page_html}</body></html>', encoding="utf-8")
    page, requests, failed, console = open_page(browser, path)
    assert page.evaluate("window.__pwned") is None
    assert page.inner_text("body").count("<script>window.__pwned = 1</script>") == 5
    assert page.eval_on_selector_all("script, img", "els => els.length") == 0
    page.close()


def test_report_reads_on_a_phone(browser, built_report):
    page, *_ = open_page(browser, built_report, width=390)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    page.close()


def test_html_holds_no_external_reference(built_report):
    html = built_report.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "require.js" not in html and "MathJax" not in html.replace("mathjax", "")
    assert "<script src" not in html


@pytest.mark.parametrize("name, language", [("final_evaluation.html", "zh"), ("final_evaluation.en.html", "en")])
def test_final_report_is_offline_and_names_every_target(browser, built_copy, name, language):
    """The final evaluation (make final) opens offline with all 19 targets, each with a class."""
    page, requests, failed, console = open_page(browser, built_copy.path(f"reports/{name}"))
    assert_offline(page, requests, failed, console, min_images=0)
    rows = page.eval_on_selector_all("tbody tr[data-target-id]", "trs => trs.map(tr => tr.dataset.status)")
    assert len(rows) == 19 and set(rows) <= {"completed", "basically_completed", "not_completed", "no_data"}
    text = page.inner_text("body")
    assert ("终期评估" in text and "无数据" in text) if language == "zh" else ("Final evaluation" in text and "no data" in text)
    if language == "en":  # no Chinese outside the marked quotations of source titles
        visible = page.evaluate("""() => { const c = document.body.cloneNode(true);
            c.querySelectorAll('cite[lang="zh"], q[lang="zh"], a[hreflang="zh"], style, script').forEach(e => e.remove());
            return c.innerText; }""")  # marked quotations of the original, and the link to the Chinese edition
        assert not re.findall(r"[\u4e00-\u9fff]", visible), re.findall(r".{0,20}[\u4e00-\u9fff]+.{0,20}", visible)[:5]


#: the A4 page's printable box in CSS pixels (210 × 297 mm less the margins of templates/report/report.css's @page, at 96 px/inch)
A4_CONTENT_PX = (round((210 - 2 * 14) / 25.4 * 96), round((297 - 2 * 16) / 25.4 * 96))


@pytest.mark.parametrize("name", ["mid_term_evaluation.html", "mid_term_evaluation.en.html"])
def test_in_print_every_table_fits_the_page_and_no_row_runs_over_a_page(browser, built_report, name):
    """Printed, the lab theme's fixed table layout gave the 13 columns of the scenario table equal widths:
    its notes and trust column shrank to a word a line and one row ran over several A4 pages."""
    width, height = A4_CONTENT_PX
    page, *_ = open_page(browser, built_report.with_name(name), width=width)
    page.emulate_media(media="print")
    tables = page.eval_on_selector_all("figure.report-table", """els => els.map(f => {
        const t = f.querySelector('table');
        return [f.id, t.getBoundingClientRect().width, Math.max(0, ...[...t.rows].map(r => r.getBoundingClientRect().height))];
    })""")
    page.close()
    assert len(tables) >= 9
    too_wide = [(i, round(w)) for i, w, _ in tables if w > width + 1]
    too_tall = [(i, round(h)) for i, _, h in tables if h > height]
    assert too_wide == [] and too_tall == [], (too_wide, too_tall)
