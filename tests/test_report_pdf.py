"""`make pdf`: both editions of the mid-term and of the final report printed to A4 by headless Chromium,
with every figure and table of the HTML."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tools.project_copy import clone_copy

pytestmark = pytest.mark.browser
LABELS = {"zh": (r"图 ?(\d+)：", r"表 ?(\d+)："),  # Noto CJK: the space is not extracted
          "en": (r"Figure (\d+): ", r"Table (\d+): ")}
#: edition → (file stem, language, at least this many figures and tables in its HTML)
EDITIONS = {"zh": ("mid_term_evaluation", "zh", 7, 9), "en": ("mid_term_evaluation.en", "en", 7, 9),
            "final-zh": ("final_evaluation", "zh", 0, 2), "final-en": ("final_evaluation.en", "en", 0, 2)}


@pytest.fixture(scope="module")
def pdfs(built_copy, tmp_path_factory):
    """`make pdf` in a clone of the built project copy (never in the checkout, and the session's
    copy keeps exactly what `make report` built: other tests compare it file by file)."""
    for tool in ("chromium", "pdftotext", "pdfimages"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} is not installed: run `make browser` (Debian packages chromium, poppler-utils)")
    copy = clone_copy(built_copy, tmp_path_factory.mktemp("pdf") / "project")
    result = copy.make("pdf")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert copy.make("-q", "pdf").returncode == 0  # a second `make pdf` has nothing to do
    return {edition: copy.path(f"reports/{stem}.pdf") for edition, (stem, *_) in EDITIONS.items()}


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdf_has_the_figures_and_tables_of_the_html(pdfs, edition):
    stem, lang, min_figures, min_tables = EDITIONS[edition]
    figure_label, table_label = LABELS[lang]
    html = pdfs[edition].with_suffix(".html").read_text(encoding="utf-8")
    n_figures, n_tables = len(re.findall(r'class="report-figure[ "]', html)), len(re.findall(r'class="report-table[ "]', html))
    assert n_figures >= min_figures and n_tables >= min_tables
    pdf = pdfs[edition]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+59[45]\.\d+ x 84[12]\.\d+ pts \(A4\)", info), info
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert images == []  # every figure printed as vector: no raster chart (there are no photographs or logos either)
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub(r"\s*\n\s*", "", text) if lang == "zh" else re.sub(r"\s+", " ", text)  # captions wrapped across lines
    assert {int(n) for n in re.findall(figure_label, text)} == set(range(1, n_figures + 1))
    assert {int(n) for n in re.findall(table_label, text)} >= set(range(1, n_tables + 1))
    if lang == "en":  # "Table N: " is only ever a caption in the English edition
        assert {int(n) for n in re.findall(table_label, text)} == set(range(1, n_tables + 1))


def _pages_text(pdf) -> list[str]:
    """Each page's text (pdftotext -layout; pages end with a form feed)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def _destinations(pdf) -> dict[str, int]:
    out = subprocess.run(["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {m[2]: int(m[1]) for m in re.finditer(r"^\s*(\d+)\s+\[.*?\]\s+\"(.+)\"\s*$", out, re.M)}


#: at most this many A4 pages of main text (before the first annex) per edition
MAIN_TEXT_PAGES = {"zh": 10, "en": 12}


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdf_opens_on_a_cover_and_numbers_every_later_page(pdfs, edition):
    """Page 1 is the cover (the title, never a blank page); every page after it carries its number; the
    contents on the cover give each section's page."""
    stem, lang, *_ = EDITIONS[edition]
    pdf = pdfs[edition]
    title = re.search(r"<title>(.*?)</title>", pdf.with_suffix(".html").read_text(encoding="utf-8")).group(1)
    pages = _pages_text(pdf)
    flat = lambda text: re.sub(r"\s+", "", text)  # noqa: E731  (a wrapped title, CJK without spaces)
    assert flat(title)[:20] in flat(pages[0]), pages[0][:300]
    unnumbered = [n for n, text in enumerate(pages[1:], start=2) if text.strip().splitlines()[-1].strip() != str(n)]
    assert unnumbered == [], unnumbered
    assert pages[0].strip().splitlines()[-1].strip() != "1"  # the cover carries no number
    dests = _destinations(pdf)
    contents = {m[1]: int(m[2]) for m in re.finditer(r"^\s*(\S.*?)\s+(\d+)\s*$", pages[0], re.M)}
    anchors = re.findall(r'<nav class="toc">.*?</nav>', pdf.with_suffix(".html").read_text(encoding="utf-8"), re.S)[0]
    for anchor in re.findall(r'href="#([\w-]+)"', anchors):
        assert dests[anchor] in contents.values(), (anchor, dests[anchor], contents)


@pytest.mark.parametrize("edition", ["zh", "en"])
def test_main_text_fits_its_page_budget(pdfs, edition):
    """The body (overall assessment to recommendations) before the first annex: at most 10 pages in Chinese, 12 in English."""
    dests = _destinations(pdfs[edition])
    main_pages = dests["scenarios"] - dests["assessment"]  # the first annex starts on a new page
    print(f"{edition}: main text {main_pages} pages (assessment p. {dests['assessment']}, first annex p. {dests['scenarios']})")
    assert 1 <= main_pages <= MAIN_TEXT_PAGES[edition]
