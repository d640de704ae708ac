"""Data for the report's offline rate control: a constant annual rate from the latest actual.

Under each scenario chart of the HTML report, a reader moves an ``<input type=range>`` and reads
the value in the target year at that rate, its share of the target and the gap. Every number
and every word is computed here, in Python, with :func:`analysis.growth.plan_path` and the
catalogue (``analysis/messages/rate_control.yml``), and embedded in the page as JSON; the inline
script (``templates/report/rate_control.js``) only shows the entry for the chosen rate, so there
is no second copy of the maths in JavaScript and the page needs no library and no network. The
markup is the ``rate_control`` block of ``templates/report/blocks.html.j2``; the page's
Content-Security-Policy allows the script by its hash (:func:`analysis.csp.with_policy`).

Rates are fractions per year; values are in the indicator's unit (亿元, 万人次).
"""
from __future__ import annotations

import json
import math

from markupsafe import Markup

from analysis import growth, labels, paths, words
from analysis.report_format import english_amounts, fmt_number, fmt_pct

#: The rates offered, in tenths of a percentage point (integers, so the grid carries no
#: floating-point noise): from −5.0 % a year in 0.1-point steps up to 20.0 %, or further where the
#: rate the target requires is higher (:func:`rate_grid`), so the target can always be reached.
LOWEST_PERMILLE, HIGHEST_PERMILLE, MARGIN_PERMILLE = -50, 200, 50
SCRIPT_PATH = paths.TEMPLATES / "report" / "rate_control.js"


def _number(x) -> float | None:
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def rate_grid(required_rate: float | None = None) -> tuple[int, ...]:
    """The rates offered, in permille a year: −5.0 % to 20.0 %, extended up to the required rate
    rounded up to a whole percent plus five points when that is higher.

    >>> g = rate_grid(0.444); g[0], g[-1], len(rate_grid())
    (-50, 500, 251)
    """
    top = HIGHEST_PERMILLE
    if required_rate is not None and not math.isnan(required_rate):
        top = max(top, 10 * math.ceil(round(required_rate * 100, 6)) + MARGIN_PERMILLE)
    return tuple(range(LOWEST_PERMILLE, top + 1))


def control_data(summary, language: str, rates_permille=None) -> dict | None:
    """The numbers and sentences of one chart's rate control, from its scenario summary.

    ``summary`` is a row of ``scenario_summary_<indicator>.csv`` (or the dict
    :func:`analysis.scenarios.build_scenarios` returns): ``latest_year``, ``latest_value``,
    ``target``, ``target_year``, ``unit``, ``stated_rate``, ``required_rate``. Returns None when
    there is nothing to compute from (no actual, no target, or the latest actual already in the
    target year): the page then shows no control.

    Returns ``{"year", "latest_year", "target", "unit", "rates", "values", "shares", "gaps",
    "labels", "texts", "start"}``: for each rate of the grid (:func:`rate_grid` unless
    ``rates_permille`` is given), the value in the target year (``plan_path`` from the latest
    actual, rounded to 0.01), its share of the target and the gap (value − target), the rate as
    shown, and the sentence the control shows in ``language``; ``start`` is the index of the
    plan's stated rate (else the required rate), nearest on the grid.
    """
    latest_value, target = _number(summary["latest_value"]), _number(summary["target"])
    latest_year, target_year = _number(summary["latest_year"]), _number(summary["target_year"])
    if None in (latest_value, target, latest_year, target_year) or latest_value <= 0 or target <= 0 \
            or target_year <= latest_year:
        return None
    latest_year, target_year = int(latest_year), int(target_year)
    stated, required = _number(summary.get("stated_rate")), _number(summary.get("required_rate"))
    rates = [k / 1000 for k in (rates_permille or rate_grid(required))]
    values = [float(growth.plan_path(latest_value, latest_year, r, target_year)["value"].iloc[-1]) for r in rates]
    unit = labels.unit(str(summary["unit"]), language)
    data = {"year": target_year, "latest_year": latest_year, "target": target, "unit": str(summary["unit"]),
            "rates": rates, "values": [round(v, 2) for v in values],
            "shares": [round(v / target, 4) for v in values], "gaps": [round(v - target, 2) for v in values],
            "labels": [fmt_pct(r) for r in rates], "texts": []}
    for v in values:
        key = "rate_control.reaches" if v >= target else "rate_control.short"
        # short of the target by less than rounding shows: at most 99.9%, never "100.0% … short of it"
        share = v / target if v >= target else min(v / target, 0.999)
        text = words.text(key, language, year=target_year, value=fmt_number(v), unit=unit, share=fmt_pct(share),
                          gap=fmt_number(abs(v - target)), latest_year=latest_year)
        data["texts"].append(english_amounts(text) if language == "en" else text)  # CNY 82.127 billion, as the report writes
    start_rate = next((r for r in (stated, required) if r is not None), 0.0)
    data["start"] = min(range(len(rates)), key=lambda i: abs(rates[i] - start_rate))
    return data


def control_json(data: dict) -> str:
    """What the script needs of ``data`` (the rate and the sentence for each position of the
    slider), as JSON safe inside ``<script type="application/json">``: ``<``, ``>`` and ``&``
    are written as ``\\u`` escapes, so no text in it can end or reopen the element."""
    text = json.dumps({"labels": data["labels"], "texts": data["texts"]}, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def block(summary, language: str) -> dict | None:
    """The report-context block of one chart's control (``kind: rate_control``, rendered by
    ``templates/report/blocks.html.j2``), or None when the chart has no control."""
    data = control_data(summary, language)
    if data is None:
        return None
    start = data["start"]
    indicator = summary.get("indicator_id")
    return {"kind": "rate_control", "indicator": indicator if isinstance(indicator, str) else "",
            "label": words.text("rate_control.label", language, year=data["year"]),
            "max": len(data["rates"]) - 1, "start": start, "rate": data["labels"][start], "text": data["texts"][start],
            "json": Markup(control_json(data)), "data": data}


def script() -> str:
    """The control's inline script (``templates/report/rate_control.js``), as the page embeds it, once."""
    return SCRIPT_PATH.read_text(encoding="utf-8")
