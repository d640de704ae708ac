"""The report opens offline in headless Chromium: images load, nothing leaves the machine, no code."""
from __future__ import annotations

import re
import shutil

import pytest

from analysis import paths

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which("chromium") and not paths.Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make browser` (Debian package chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, path, width=1200):
    page = browser.new_page(viewport={"width": width, "height": 900})
    requests, failed, console = [], [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto(path.as_uri(), wait_until="load")
    return page, requests, failed, console


def test_report_is_offline_and_complete(browser, built_report):
    page, requests, failed, console = open_page(browser, built_report)
    assert [u for u in requests if not u.startswith("file://") and not u.startswith("data:")] == []
    assert failed == [] and console == []
    images = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth])")
    assert len(images) >= 4 and all(done and width > 0 for done, width in images)
    text = page.inner_text("body")
    assert "中期评估" in text and "563.51" in text and "舍入差异" in text
    assert page.eval_on_selector_all(".jp-InputArea, .jp-InputPrompt", "els => els.length") == 0  # no code
    assert page.evaluate("document.documentElement.lang").startswith("zh")
    page.screenshot(path=str(paths.REPORTS / "screenshot_first_screen.png"))
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
