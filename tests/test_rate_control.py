"""The report's offline rate control: its embedded numbers are analysis.growth.plan_path's, and the
inline script shows them in headless Chromium under a strict Content-Security-Policy, offline."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2
import pandas as pd
import pytest

from analysis import csp, explorer, growth, labels, rate_control, report, scenarios, words
from analysis.report_format import english_amounts, fmt_number, fmt_pct

RETAIL = {"latest_value": 291.51, "latest_year": 2023, "target": 350.0, "target_year": 2025, "unit": "亿元",
          "stated_rate": 0.065, "required_rate": 0.0957}


def scenario_summaries(inputs) -> list[dict]:
    """The four report scenarios' summaries, as notebooks/20_scenario.py computes them."""
    session = explorer.Session(inputs)
    return [session.result(explorer.State(indicator=i)).summary for i in explorer.REPORT_SCENARIOS]


def test_values_equal_plan_path_for_every_rate_and_scenario(inputs):
    checked = 0
    for summary in scenario_summaries(inputs):
        data = rate_control.control_data(summary, "zh")
        if data is None:
            continue
        for rate, value, share, gap in zip(data["rates"], data["values"], data["shares"], data["gaps"]):
            expected = growth.plan_path(summary["latest_value"], summary["latest_year"], rate, summary["target_year"])
            end = float(expected["value"].iloc[-1])
            assert abs(value - end) <= 0.01 and abs(gap - (end - summary["target"])) <= 0.01
            assert share == pytest.approx(end / summary["target"], abs=1e-4)
            checked += 1
    assert checked >= 4 * len(rate_control.rate_grid())  # all four report scenarios have a control


def test_grid_reaches_the_required_rate():
    """Tourism revenue needs ~44 % a year from 2021 (230 → 1,000 亿元): the slider must go that far,
    and starts there when the plan states no rate."""
    tourism = {"latest_value": 230.0, "latest_year": 2021, "target": 1000.0, "target_year": 2025, "unit": "亿元",
               "stated_rate": float("nan"), "required_rate": (1000 / 230) ** 0.25 - 1}
    data = rate_control.control_data(tourism, "en")
    assert data["rates"][0] == -0.05 and data["rates"][-1] == 0.5
    assert data["rates"][data["start"]] == 0.444 and data["labels"][data["start"]] == "44.4%"
    assert data["values"][data["start"]] == round(230 * 1.444 ** 4, 2) == 999.99
    # 999.99 of 1,000: the share stops at 99.9% (never "100.0% of the target … short of it") and the gap names its unit
    assert data["texts"][data["start"]].endswith("99.9% of the target, CNY 1 million short of it (from the 2021 actual)")
    assert rate_control.control_data(RETAIL, "zh")["rates"][-1] == 0.2  # 9.6 % needed: the usual −5 % to 20 %


def test_retail_from_2023_at_the_plans_rate():
    """Retail: 291.51 亿元 in 2023 grown at the plan's 6.5 % for two years, against 350 亿元."""
    data = rate_control.control_data(RETAIL, "zh")
    i = data["start"]
    assert data["rates"][i] == 0.065 and data["labels"][i] == "6.5%"
    assert data["values"][i] == round(291.51 * 1.065 ** 2, 2) == 330.64
    assert data["texts"][i] == "按此增速，2025 年为 330.64 亿元，为目标的 94.5%，距目标还差 19.36 亿元（从 2023 年实际值起）"
    en = rate_control.control_data(RETAIL, "en")
    j = en["rates"].index(0.1)
    assert en["texts"][j] == ("At this rate: CNY 35.273 billion in 2025, 100.8% of the target, CNY 273 million above it "
                              "(from the 2023 actual)")  # the English edition names the unit in English


@pytest.mark.parametrize("change", [{"latest_value": float("nan")}, {"target": None}, {"latest_year": 2025}])
def test_no_control_without_an_actual_a_target_or_years_left(change):
    assert rate_control.control_data({**RETAIL, **change}, "zh") is None


def test_embedded_json_cannot_close_its_script_element():
    data = rate_control.control_data(RETAIL, "en")
    data["texts"][0] = "</script><script>alert(1)</script><!-- & -->"
    text = rate_control.control_json(data)
    assert not set("<>&") & set(text) and json.loads(text)["texts"][0] == data["texts"][0]
    assert json.loads(text)["labels"] == data["labels"]


# ---- the script in a browser -----------------------------------------------------------------------

def control_html(summary, language: str) -> str:
    """The control's markup as the report renders it (the ``rate_control`` block of blocks.html.j2)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(report.REPORT_TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    ctx = report.TemplateContext({}, Path("figures"))  # a control without a chart reads no figure
    return str(env.get_template("blocks.html.j2").module.block(rate_control.block(summary, language), ctx))


def page_html(controls: list[str], language: str, extra: str = "") -> str:
    """A page as the report would carry the control: styles (an element and an attribute), the
    controls, the inline script, and its Content-Security-Policy by hash (analysis.csp)."""
    return csp.with_policy(
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><style>body {{ margin: 1rem; }}</style>'
        f'</head><body><p style="color:#555">…</p>' + "".join(controls) + f"<script>{rate_control.script()}</script>"
        f"{extra}</body></html>")


@pytest.mark.browser
@pytest.mark.parametrize("language", ["zh", "en"])
def test_control_shows_pythons_value_for_the_chosen_rate(browser, inputs, tmp_path, language):
    summaries = [s for s in scenario_summaries(inputs) if rate_control.control_data(s, language)]
    datas = [rate_control.control_data(s, language) for s in summaries]
    path = tmp_path / "page.html"
    path.write_text(page_html([control_html(s, language) for s in summaries], language), encoding="utf-8")
    page = browser.new_page()
    requests, console = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                         "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
    page.goto(path.as_uri(), wait_until="load")
    assert page.eval_on_selector_all(".rate-control", "els => els.map(e => e.hidden)") == [False] * len(datas)
    for n, (summary, data) in enumerate(zip(summaries, datas)):
        for rate in (0.0, 0.065, 0.09, 0.15):
            i = data["rates"].index(rate)
            shown = page.evaluate("""([n, i]) => {
                const box = document.querySelectorAll('.rate-control')[n], input = box.querySelector('input');
                input.value = i; input.dispatchEvent(new Event('input'));
                return [box.querySelector('.rate-control-rate').textContent, box.querySelector('output').textContent];
            }""", [n, i])
            end = float(growth.plan_path(summary["latest_value"], summary["latest_year"], rate,
                                         summary["target_year"])["value"].iloc[-1])
            assert shown[0] == fmt_pct(rate)
            assert shown[1] == data["texts"][i]
            value = amounts_in(shown[1], summary["unit"], language)[0]
            assert abs(value - end) <= 0.01 + 1e-9  # the number read off the page
    assert page.evaluate("window.__csp") == []
    assert console == []
    assert [u for u in requests if not u.startswith("file://")] == []
    page.close()


@pytest.mark.browser
def test_with_scripts_off_the_control_stays_hidden(browser, tmp_path):
    path = tmp_path / "page.html"
    path.write_text(page_html([control_html(RETAIL, "zh")], "zh"), encoding="utf-8")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(path.as_uri(), wait_until="load")
    assert page.eval_on_selector(".rate-control", "e => e.hidden") is True
    context.close()


@pytest.mark.browser
def test_anything_added_after_publishing_is_blocked(browser, tmp_path):
    """The policy names the page's own inline code: a script, style or fetch added later (or
    injected) does not run and nothing leaves the machine. This keeps a future change from making
    the report fetch anything without being seen."""
    page_text = page_html([control_html(RETAIL, "en")], "en").replace(
        "</body>", '<script>document.body.dataset.injected = "yes"; fetch("http://example.invalid/x");</script>'
                   '<img src="http://example.invalid/y.png"><style>p { color: red; }</style></body>')
    path = tmp_path / "page.html"
    path.write_text(page_text, encoding="utf-8")
    page = browser.new_page()
    finished, blocked = [], []
    page.on("requestfinished", lambda r: finished.append(r.url))
    page.on("requestfailed", lambda r: blocked.append((r.url, r.failure)))
    page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                         "e => window.__csp.push(e.violatedDirective));")
    page.goto(path.as_uri(), wait_until="load")
    assert page.evaluate("document.body.dataset.injected") is None
    assert page.eval_on_selector(".rate-control", "e => e.hidden") is False  # the published script still runs
    assert [u for u in finished if not u.startswith("file://")] == []
    assert blocked == [("http://example.invalid/y.png", "csp")]  # refused by the policy, never sent
    assert {"script-src-elem", "img-src", "style-src-elem"} <= set(page.evaluate("window.__csp"))
    page.close()


def test_policy_fetches_nothing_and_allows_exactly_the_pages_inline_code():
    page = page_html([control_html(RETAIL, "zh")], "zh")
    # first in <head> but after <meta charset> (which must stay within the first 1024 bytes)
    assert page.index('<meta http-equiv="Content-Security-Policy"') == page.index('<meta charset="utf-8">') + len('<meta charset="utf-8">')
    assert page.index("<head>") < page.index('<meta charset="utf-8">') < 1024
    content = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    policy = dict(part.strip().split(" ", 1) for part in content.split(";"))
    assert policy["default-src"] == "'none'" and "connect-src" not in policy and policy["img-src"] == "data:"
    assert policy["script-src"] == csp.sha256_source(rate_control.script())  # not the JSON data block
    assert policy["style-src"] == " ".join([csp.sha256_source("body { margin: 1rem; }"), "'unsafe-hashes'",
                                            csp.sha256_source("color:#555")])
    assert "unsafe-inline" not in content
    assert csp.sha256_source("x") == "'sha256-LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE='"  # printf x | sha256sum, as base64


# ---- the control in the built report (both editions), under its Content-Security-Policy ---------------

EDITIONS = {"zh": "mid_term_evaluation.html", "en": "mid_term_evaluation.en.html"}
#: a 2025 value, its share of the target and the gap, as the page shows them (numbers with two
#: decimals, a percentage), read off the visible sentence
_AMOUNT, _PERCENT = re.compile(r"\d[\d,]*\.\d\d(?!\d)"), re.compile(r"(\d+(?:\.\d+)?)%")


def amounts_in(sentence: str, unit: str, language: str) -> list[float]:
    """The amounts a rate control's sentence shows, in the plan's unit (亿元, 万人次)."""
    if language == "zh":
        return [float(a.replace(",", "")) for a in _AMOUNT.findall(sentence)]
    size = labels.SCALED_UNITS[unit][0]
    number, scale = r"(\d[\d,]*(?:\.\d+)?)", r"(?: (billion|million))?"
    found = re.findall(rf"(?:CNY |USD ){number}{scale}|{number}{scale} visits", sentence)
    return [float((a or c).replace(",", "")) * {"billion": 1e9, "million": 1e6, "": 1.0}[b or d] / size for a, b, c, d in found]


def built_summaries(copy) -> dict[str, dict]:
    """The scenario summaries the built copy's report was made from (data/processed/)."""
    return {i: pd.read_csv(copy.path(f"data/processed/scenario_summary_{i}.csv")).iloc[0].to_dict()
            for i in scenarios.SCENARIO_INDICATORS}


def policy_of(page) -> dict[str, list[str]]:
    found = page.eval_on_selector_all('meta[http-equiv="Content-Security-Policy"]', "els => els.map(e => e.content)")
    assert len(found) == 1, f"{len(found)} Content-Security-Policy meta tags: expected one"
    content = found[0]
    return {d.split()[0]: d.split()[1:] for d in content.split(";") if d.strip()}


def watch(page) -> dict[str, list]:
    """Every request, console message, page error and CSP violation of ``page`` from its first byte."""
    seen = {"requests": [], "console": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen["console"].append(f"pageerror: {e}"))
    page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                         "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
    return seen


def assert_quiet(page, seen):
    assert page.evaluate("window.__csp") == []  # nothing the policy refused: no style, script, font or fetch
    assert seen["console"] == []
    assert [u for u in seen["requests"] if not u.startswith(("file://", "data:"))] == []


@pytest.mark.browser
@pytest.mark.parametrize("language", EDITIONS)
def test_reader_sets_a_rate_in_the_built_report_and_reads_pythons_2025_value(browser, built_copy, language):
    """The issue's "done when": in each edition, a reviewer moves the control under each scenario chart
    and reads the value in 2025, its share of the target and the gap that analysis.growth.plan_path
    gives for that rate (to 0.01), with nothing fetched, refused by the policy or logged."""
    summaries = built_summaries(built_copy)
    page = browser.new_page()
    seen = watch(page)
    page.goto(built_copy.path(f"reports/{EDITIONS[language]}").as_uri(), wait_until="load")
    policy = policy_of(page)
    script = built_copy.path("templates/report/rate_control.js").read_text(encoding="utf-8")
    assert policy["default-src"] == ["'none'"] and policy["img-src"] == ["data:"] and "connect-src" not in policy
    assert policy["script-src"] == [csp.sha256_source(script)]  # the one inline script, by hash
    assert all(s.startswith("'sha256-") or s == "'unsafe-hashes'" for s in policy["style-src"])
    assert page.eval_on_selector_all("script:not([type])", "els => els.length") == 1  # once per page
    controls = page.eval_on_selector_all(".rate-control", "els => els.map(e => [e.dataset.indicator, e.hidden, "
                                         "e.previousElementSibling.matches('figure.report-figure'), "
                                         "e.previousElementSibling.id === e.dataset.figure])")
    assert controls == [[i, False, True, True] for i in scenarios.SCENARIO_INDICATORS]  # one under each chart, shown, naming it
    for indicator, s in summaries.items():
        box = page.locator(f'.rate-control[data-indicator="{indicator}"]')
        grid = [k / 1000 for k in rate_control.rate_grid(s["required_rate"])]
        assert box.locator("input").get_attribute("max") == str(len(grid) - 1)
        chart = built_copy.path(f"figures/{language}/scenario_{indicator}.svg")
        overlay = page.locator(f'#{box.get_attribute("data-figure")} .rate-path')
        assert overlay.is_visible() and overlay.locator("svg").get_attribute("viewBox") == \
            "0 0 {width} {height}".format(**report.figure_frame(chart))
        drawn = set()
        for rate in (0.0, 0.065, 0.09, round(s["required_rate"], 3), -0.05):
            box.locator("input").fill(str(grid.index(rate)))
            points = overlay.locator("polyline").get_attribute("points")
            assert_path_on_chart(points, chart, s, rate)
            drawn.add(points)
            shown_rate, sentence = box.locator(".rate-control-rate").inner_text(), box.locator("output").inner_text()
            end = float(growth.plan_path(s["latest_value"], int(s["latest_year"]), rate, int(s["target_year"]))["value"].iloc[-1])
            target = float(s["target"])
            assert shown_rate == fmt_pct(rate) == box.locator("input").get_attribute("aria-valuetext")
            amounts = amounts_in(sentence, s["unit"], language)
            value, gap, share = amounts[0], amounts[-1], float(_PERCENT.search(sentence).group(1)) / 100
            assert abs(value - end) <= 0.01 + 1e-9 and abs(gap - abs(end - target)) <= 0.01 + 1e-9 and abs(share - end / target) <= 0.01
            key = "rate_control.reaches" if end >= target else "rate_control.short"
            unit = labels.unit(s["unit"], language)
            expected = words.text(key, language, year=int(s["target_year"]), value=fmt_number(end), unit=unit,
                                  share=fmt_pct(end / target if end >= target else min(end / target, 0.999)),
                                  gap=fmt_number(abs(end - target)), latest_year=int(s["latest_year"]))
            assert sentence == (english_amounts(expected) if language == "en" else expected)
        assert len(drawn) == 5  # each rate its own path
        box.locator("input").press("ArrowRight")  # the keyboard moves the rate by one step of 0.1 point
        assert box.locator(".rate-control-rate").inner_text() == fmt_pct(-0.049)
        assert_path_on_chart(overlay.locator("polyline").get_attribute("points"), chart, s, -0.049)
    assert_quiet(page, seen)
    page.emulate_media(media="print")  # on paper: neither the control nor its path, the static chart as drawn
    assert page.eval_on_selector_all(".rate-control, .rate-path", "els => els.map(e => getComputedStyle(e).display)") \
        == ["none"] * 2 * len(summaries)
    page.close()


def assert_path_on_chart(points: str, chart: Path, summary: dict, rate: float) -> None:
    """``points`` (a drawn ``<polyline>``) is ``growth.plan_path`` at ``rate`` from the latest actual to
    the target year, read back through the chart's axes' frame to the precision drawn (0.05 pt either
    way); and its first point is where matplotlib drew the latest actual (the ``actual`` markers of
    the SVG), so the path starts on the chart's own point, not only on the frame's idea of it."""
    frame = report.figure_frame(chart)
    (x0, x1, px0, px1), (y0, y1, py0, py1) = frame["x"], frame["y"]
    drawn = [tuple(map(float, p.split(","))) for p in points.split()]
    path = growth.plan_path(float(summary["latest_value"]), int(summary["latest_year"]), rate, int(summary["target_year"]))
    assert len(drawn) == len(path)
    tolerance = 0.05 * 1.0001  # half the last decimal drawn, in points
    for (px, py), (year, value) in zip(drawn, path[["year", "value"]].itertuples(index=False)):
        assert abs(x0 + (px - px0) / (px1 - px0) * (x1 - x0) - year) <= tolerance * abs((x1 - x0) / (px1 - px0))
        assert abs(y0 + (py - py0) / (py1 - py0) * (y1 - y0) - value) <= tolerance * abs((y1 - y0) / (py1 - py0)), (rate, year)
    svg = chart.read_text(encoding="utf-8")
    markers = re.findall(r'<use [^>]*x="([\d.]+)" y="([\d.]+)"', re.search(r'<g id="actual">(.*?)\n   </g>', svg, re.S).group(1))
    last_actual = tuple(map(float, markers[-1]))
    assert abs(drawn[0][0] - last_actual[0]) <= 0.06 and abs(drawn[0][1] - last_actual[1]) <= 0.06


@pytest.mark.browser
@pytest.mark.parametrize("language", EDITIONS)
def test_built_report_with_scripts_off_shows_the_static_chart_and_table_and_no_control(browser, built_copy, language):
    path = built_copy.path(f"reports/{EDITIONS[language]}")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(path.as_uri(), wait_until="load")
    assert page.locator(".rate-control").count() == len(scenarios.SCENARIO_INDICATORS)
    assert page.eval_on_selector_all(".rate-control", "els => els.filter(e => e.offsetParent !== null).length") == 0
    text = page.inner_text("body")
    start = rate_control.control_data(built_summaries(built_copy)["retail_sales_total"], language)
    assert start["texts"][start["start"]] not in text  # the control's sentence is not shown without its script
    # the scenario charts: tertiary value added and retail in the progress section, tourism and the sweep in the annex
    images = page.eval_on_selector_all(":is(section.section-progress, section.section-scenarios) figure.report-figure img",
                                       "els => els.map(e => e.complete && e.naturalWidth > 0 && e.src.startsWith('data:image/svg+xml'))")
    assert images == [True] * (len(scenarios.SCENARIO_INDICATORS) + 1)  # four scenario charts and the sweep, vector
    # no path over the charts either: the chart reads as drawn
    assert page.eval_on_selector_all(".rate-path", "els => els.map(e => e.hidden && e.offsetParent === null)") \
        == [True] * len(scenarios.SCENARIO_INDICATORS)
    assert page.locator("section.section-scenarios figure.report-table").count() >= 2
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", ["final_evaluation.html", "final_evaluation.en.html"])
def test_final_report_declares_the_same_policy_and_breaks_nothing_under_it(browser, built_copy, name):
    """The final evaluation is published by the same step: it fetches nothing and runs no script."""
    page = browser.new_page()
    seen = watch(page)
    page.goto(built_copy.path(f"reports/{name}").as_uri(), wait_until="load")
    policy = policy_of(page)
    assert policy["default-src"] == ["'none'"] and policy["img-src"] == ["data:"] and "connect-src" not in policy
    assert policy["script-src"] == ["'none'"]
    assert_quiet(page, seen)
    page.close()
