"""What a reader of each edition sees, in headless Chromium: only their language.

Chinese edition: no run of three or more ASCII letters in visible text, except an allow-list
(acronyms such as GDP, the make command, package names) and text a reader would not read as
prose: inside ``<code>``/``<pre>`` (file paths, hashes, parameters in the reproducibility stamp),
addresses (URLs), and elements marked as another language's original (``lang="en"`` source
titles). English edition: no CJK character outside elements marked as quotations or titles of
the original (``<q lang="zh">``, ``<cite lang="zh">``) and the link to the Chinese edition. Each offender is printed with its context.
"""
from __future__ import annotations

import re

import pytest

from tests.test_report import open_page

pytestmark = pytest.mark.browser

#: words allowed in the Chinese edition's prose (acronyms, the build command, package names)
ZH_ALLOWED = {"GDP", "make", "report", "git", "sha256", "params", "statsmodels", "pandas", "numpy", "matplotlib",
              "seaborn", "papermill", "nbconvert", "jupytext", "jinja2", "mplfonts", "data", "raw", "processed",
              "observations", "csv", "yaml", "yml", "evaluation_thresholds"}
#: a word of Latin letters (digits and _ inside), and a run of CJK characters and full-width punctuation
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*")
CJK_RUN = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+")


def allowed_in_chinese(word: str) -> bool:
    """An allow-listed word (an acronym, the make command, a package), or one of fewer than three letters."""
    return word in ZH_ALLOWED or len(re.sub(r"[^A-Za-z]", "", word)) < 3

# Visible text nodes with the nearest enclosing element's tag, its lang and whether it sits in
# code, pre, an address link or an element marked as original-language text.
VISIBLE_TEXT = """(marked) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el) continue;
    if (el.closest('style, script, title, noscript')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const exempt = !!el.closest(marked);
    out.push({text: node.textContent, exempt, context: (el.closest('p, li, td, th, figcaption, h1, h2, dd, dt, summary') || el).innerText.slice(0, 160)});
  }
  return out;
}"""


def _offenders(page, marked: str, pattern: re.Pattern, allowed=lambda m: False) -> list[str]:
    found = []
    for node in page.evaluate(VISIBLE_TEXT, marked):
        if node["exempt"]:
            continue
        for m in pattern.finditer(node["text"]):
            if not allowed(m.group(0)):
                found.append(f"{m.group(0)!r} in: {node['context']!r}")
    return found


#: each report's Chinese edition; the English one is ``<name>.en.html`` beside it
REPORTS = ("mid_term_evaluation", "final_evaluation")


@pytest.mark.parametrize("report", REPORTS)
def test_chinese_edition_has_no_english_sentences(browser, built_report, report):
    page, *_ = open_page(browser, built_report.with_name(f"{report}.html"))
    offenders = _offenders(page, "code, pre, .url, [lang]:not([lang|=zh])", LATIN_WORD, allowed=allowed_in_chinese)
    page.close()
    assert offenders == [], f"{len(offenders)} English word(s) in the Chinese edition:\n" + "\n".join(offenders[:40])


@pytest.mark.parametrize("report", REPORTS)
def test_english_edition_has_chinese_only_in_marked_quotations(browser, built_report, report):
    page, *_ = open_page(browser, built_report.with_name(f"{report}.en.html"))
    # exempt: quotations and titles of the original, and the link to the Chinese edition (named in Chinese)
    offenders = _offenders(page, 'q[lang|="zh"], cite[lang|="zh"], a[hreflang="zh"]', CJK_RUN)
    marked = page.eval_on_selector_all('q[lang|="zh"], cite[lang|="zh"]', "els => els.length")
    page.close()
    assert offenders == [], f"{len(offenders)} Chinese run(s) outside marked quotations:\n" + "\n".join(offenders[:40])
    assert marked > 0  # the plan quotes in the audit are there, marked


def test_each_edition_has_its_title_and_language(browser, built_report):
    for path, lang, title in ((built_report, "zh", "中期评估"), (built_report.with_name("mid_term_evaluation.en.html"), "en", "Mid-term evaluation"),
                              (built_report.with_name("final_evaluation.html"), "zh", "终期评估"),
                              (built_report.with_name("final_evaluation.en.html"), "en", "Final evaluation")):
        page, *_ = open_page(browser, path)
        assert page.evaluate("document.documentElement.lang") == lang
        assert title in page.title() and page.title() == page.inner_text("h1.report-title")
        page.close()


def test_english_figures_are_drawn_in_english(browser, built_report):
    """Every figure of the English edition differs from the Chinese one at the same number."""
    def images(path):
        page, *_ = open_page(browser, path)
        srcs = page.eval_on_selector_all("figure.report-figure img", "els => els.map(e => e.getAttribute('src'))")
        page.close()
        return srcs

    zh, en = images(built_report), images(built_report.with_name("mid_term_evaluation.en.html"))
    assert len(zh) == len(en) >= 7  # comparison, four scenarios, sweep, progress
    assert all(a != b for a, b in zip(zh, en))


def test_numbering_is_continuous_and_every_caption_cites_a_source(browser, built_report):
    for path in [built_report.with_name(f"{r}{e}.html") for r in REPORTS for e in ("", ".en")]:
        page, *_ = open_page(browser, path)
        figs = page.eval_on_selector_all("figure.report-figure", "els => els.map(e => e.id)")
        tables = page.eval_on_selector_all("figure.report-table", "els => els.map(e => e.id)")
        assert figs == [f"figure-{i}" for i in range(1, len(figs) + 1)]
        assert tables == [f"table-{i}" for i in range(1, len(tables) + 1)]
        # every figure cites; each citation links to an entry of the sources section that exists
        cites = page.eval_on_selector_all("figure.report-figure", "els => els.map(e => e.querySelectorAll('a.cite').length)")
        assert all(n > 0 for n in cites)
        targets = page.eval_on_selector_all("a.cite", "els => els.map(e => e.getAttribute('href').slice(1))")
        missing = [t for t in set(targets) if page.locator(f"[id='{t}']").count() != 1]
        assert missing == []
        page.close()
