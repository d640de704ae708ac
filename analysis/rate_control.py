"""Data for the report's offline rate control: a constant annual rate from the latest actual.

Under each scenario chart of the HTML report, a reader moves an ``<input type=range>`` and reads
the value in the target year at that rate, its share of the target and the gap. Every number
and every word is computed here, in Python, with :func:`analysis.growth.plan_path` and the
catalogue (``analysis/messages/rate_control.yml``), and embedded in the page as JSON; the inline
script (``templates/rate_control.js``) only shows the entry for the chosen rate, so there is no
second copy of the maths in JavaScript and the page needs no library and no network. The page's
Content-Security-Policy allows that script by its hash (:func:`analysis.csp.with_policy`).

Rates are fractions per year; values are in the indicator's unit (亿元, 万人次).
"""
from __future__ import annotations

import html
import json
import math

from analysis import growth, paths, report, words

#: The rates offered, in tenths of a percentage point: −5.0 % to 20.0 % a year in 0.1-point steps
#: (integers, so the grid carries no floating-point noise).
RATE_GRID_PERMILLE = tuple(range(-50, 201))
SCRIPT_PATH = paths.TEMPLATES / "rate_control.js"


def _number(x) -> float | None:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def control_data(summary, language: str, rates_permille=RATE_GRID_PERMILLE) -> dict | None:
    """The embedded data of one chart's rate control, from its scenario summary.

    ``summary`` is a row of ``scenario_summary_<indicator>.csv`` (or the dict
    :func:`analysis.scenarios.build_scenarios` returns): ``latest_year``, ``latest_value``,
    ``target``, ``target_year``, ``unit``, ``stated_rate``, ``required_rate``. Returns None when
    there is nothing to compute from (no actual, no target, or the latest actual already in the
    target year): the page then shows no control.

    Returns ``{"year", "unit", "rates", "values", "shares", "gaps", "labels", "texts", "start"}``:
    for each rate of the grid, the value in the target year (``plan_path`` from the latest
    actual, rounded to 0.01), its share of the target and the gap (value − target), the rate
    as shown, and the sentence the control shows; ``start`` is the index of the plan's stated
    rate (else the required rate), nearest on the grid.
    """
    latest_value, target = _number(summary["latest_value"]), _number(summary["target"])
    latest_year, target_year = _number(summary["latest_year"]), _number(summary["target_year"])
    if None in (latest_value, target, latest_year, target_year) or latest_value <= 0 or target <= 0 \
            or target_year <= latest_year:
        return None
    latest_year, target_year, unit = int(latest_year), int(target_year), str(summary["unit"])
    rates = [k / 1000 for k in rates_permille]
    values = [float(growth.plan_path(latest_value, latest_year, r, target_year)["value"].iloc[-1]) for r in rates]
    data = {"year": target_year, "unit": unit, "rates": rates, "values": [round(v, 2) for v in values],
            "shares": [round(v / target, 4) for v in values], "gaps": [round(v - target, 2) for v in values],
            "labels": [report.fmt_pct(r) for r in rates], "texts": []}
    for v in values:
        key = "rate_control.reaches" if v >= target else "rate_control.short"
        data["texts"].append(words.text(key, language, year=target_year, value=report.fmt_number(v), unit=unit,
                                        share=report.fmt_pct(v / target, 0), gap=report.fmt_number(abs(v - target)),
                                        latest_year=latest_year))
    start_rate = next((r for r in (_number(summary.get("stated_rate")), _number(summary.get("required_rate")))
                       if r is not None), 0.0)
    data["start"] = min(range(len(rates)), key=lambda i: abs(rates[i] - start_rate))
    return data


def control_json(data: dict) -> str:
    """``data`` as JSON safe inside ``<script type="application/json">`` (no ``</`` can end it)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def script() -> str:
    """The control's inline script (``templates/rate_control.js``), as the page must embed it."""
    return SCRIPT_PATH.read_text(encoding="utf-8")


def control_html(data: dict, language: str) -> str:
    """The control's markup under a chart: hidden until the script runs (so with scripts off the
    page reads as before: the static chart and table), the embedded data, and an ``<output>``."""
    label = words.text("rate_control.label", language, year=data["year"])
    return (
        f'<div class="rate-control" hidden><label>{html.escape(label)} '
        f'<input type="range" min="0" max="{len(data["rates"]) - 1}" step="1" value="{data["start"]}"> '
        f'<span class="rate-control-rate">{html.escape(data["labels"][data["start"]])}</span></label> '
        f'<output>{html.escape(data["texts"][data["start"]])}</output>'
        f'<script type="application/json">{control_json(data)}</script></div>'
    )
