"""Data for the report's offline rate control: a constant annual rate from the latest actual.

Under each scenario chart of the HTML report, a reader moves an ``<input type=range>`` and reads
the value in the target year at that rate, its share of the target and the gap, and sees that
rate's path from the latest actual to the target year drawn on the chart. Every number and every
word is computed here, in Python, with :func:`analysis.growth.plan_path` and the catalogue
(``analysis/messages/rate_control.yml``), and embedded in the page as JSON — the path of each
rate as the points of an SVG ``<polyline>`` already placed on the chart (:func:`frame_points`,
from the axes' frame the figure carries: :func:`analysis.style.axes_frame`). The inline script
(``templates/report/rate_control.js``) only shows the entry for the chosen rate, so there is no
second copy of the maths in JavaScript and the page needs no library and no network. The markup
is the ``rate_control`` block of ``templates/report/blocks.html.j2`` and the overlay of the
chart's ``figure`` block (:func:`overlay`); the page's Content-Security-Policy allows the script
by its hash (:func:`analysis.csp.with_policy`), and the overlay uses SVG presentation attributes
only (no ``style``), so it needs no style hash.

Rates are fractions per year; values are in the indicator's unit (亿元, 万人次); points on the
chart are SVG user units (points of the figure, y downwards).
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
#: the colour of the chosen rate's path on the chart: a magenta no line of the scenario charts uses
#: (analysis.style.SCENARIO_COLOURS; kept here so the report does not import matplotlib)
RATE_PATH_COLOUR = "#d0109a"
#: decimals of a point drawn on the chart (SVG user units are points: 0.1 pt is well under a screen pixel)
POINT_DECIMALS = 1


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
    "labels", "texts", "years", "paths", "start"}``: for each rate of the grid (:func:`rate_grid`
    unless ``rates_permille`` is given), the value in the target year (``plan_path`` from the
    latest actual, rounded to 0.01), its share of the target and the gap (value − target), the rate
    as shown, the sentence the control shows in ``language``, and the whole path (``paths``: the
    ``plan_path`` value of each of ``years``, latest year to target year, unrounded); ``start`` is
    the index of the plan's stated rate (else the required rate), nearest on the grid.
    """
    latest_value, target = _number(summary["latest_value"]), _number(summary["target"])
    latest_year, target_year = _number(summary["latest_year"]), _number(summary["target_year"])
    if None in (latest_value, target, latest_year, target_year) or latest_value <= 0 or target <= 0 \
            or target_year <= latest_year:
        return None
    latest_year, target_year = int(latest_year), int(target_year)
    stated, required = _number(summary.get("stated_rate")), _number(summary.get("required_rate"))
    rates = [k / 1000 for k in (rates_permille or rate_grid(required))]
    paths_ = [growth.plan_path(latest_value, latest_year, r, target_year)["value"].tolist() for r in rates]
    values = [float(path[-1]) for path in paths_]
    unit = labels.unit(str(summary["unit"]), language)
    data = {"year": target_year, "latest_year": latest_year, "target": target, "unit": str(summary["unit"]),
            "rates": rates, "values": [round(v, 2) for v in values],
            "shares": [round(v / target, 4) for v in values], "gaps": [round(v - target, 2) for v in values],
            "labels": [fmt_pct(r) for r in rates], "texts": [],
            "years": list(range(latest_year, target_year + 1)), "paths": [[float(v) for v in path] for path in paths_]}
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


def frame_points(frame: dict, xs, ys) -> str:
    """Data points ``(xs[i], ys[i])`` as the ``points`` of an SVG ``<polyline>`` on a chart whose
    axes' frame is ``frame`` (:func:`analysis.style.axes_frame`: each axis ``[d0, d1, p0, p1]``,
    data limits and their positions), to :data:`POINT_DECIMALS` decimals.

    >>> frame = {"x": [2020, 2025, 50, 550], "y": [0, 1000, 300, 0]}
    >>> frame_points(frame, [2023, 2025], [704.11, 830.0])
    '350.0,88.8 550.0,51.0'
    """
    def place(v, d0, d1, p0, p1):
        return round(p0 + (float(v) - d0) / (d1 - d0) * (p1 - p0), POINT_DECIMALS)
    return " ".join(f"{place(x, *frame['x']):.{POINT_DECIMALS}f},{place(y, *frame['y']):.{POINT_DECIMALS}f}"
                    for x, y in zip(xs, ys))


def control_json(data: dict, frame: dict | None = None) -> str:
    """What the script needs of ``data`` (the rate and the sentence for each position of the
    slider and, with the chart's ``frame``, the points of each rate's path on the chart), as JSON
    safe inside ``<script type="application/json">``: ``<``, ``>`` and ``&`` are written as
    ``\\u`` escapes, so no text in it can end or reopen the element."""
    shown = {"labels": data["labels"], "texts": data["texts"]}
    if frame is not None:
        shown["paths"] = [frame_points(frame, data["years"], path) for path in data["paths"]]
    text = json.dumps(shown, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def block(summary, language: str, chart: dict | None = None) -> dict | None:
    """The report-context block of one chart's control (``kind: rate_control``, rendered by
    ``templates/report/blocks.html.j2``), or None when the chart has no control.

    ``chart`` is the chart's ``figure`` block (:func:`analysis.report_format.figure_block`): the
    control then draws its path on that chart — the figure block is marked ``rate_path`` (its
    markup gets the overlay, :func:`overlay`) and the control names the figure (``chart``: its
    anchor and file, whose axes' frame the page's points are placed with when it is rendered)."""
    data = control_data(summary, language)
    if data is None:
        return None
    start = data["start"]
    indicator = summary.get("indicator_id")
    out = {"kind": "rate_control", "indicator": indicator if isinstance(indicator, str) else "",
           "label": words.text("rate_control.label", language, year=data["year"]),
           "max": len(data["rates"]) - 1, "start": start, "rate": data["labels"][start], "text": data["texts"][start],
           "data": data, "chart": None, "colour": RATE_PATH_COLOUR}
    if chart is not None:
        chart["rate_path"] = True
        out["chart"] = {"anchor": f"figure-{chart['number']}", "file": chart["file"]}
    return out


def overlay(anchor: str, frame: dict) -> Markup:
    """The SVG drawn over a chart (``anchor``: its figure's id) on which the script draws the
    chosen rate's path: the figure's size as its viewBox, the path clipped to the axes, a dot at
    its end. Presentation attributes only (the page's CSP allows no unhashed style); no points
    until the script sets them."""
    left, top, width, height = frame["clip"]
    return Markup(
        '<svg viewBox="0 0 {w} {h}" aria-hidden="true" focusable="false"><defs>'
        '<clipPath id="{a}-rate-clip"><rect x="{x}" y="{y}" width="{cw}" height="{ch}"/></clipPath>'
        '<marker id="{a}-rate-end" viewBox="0 0 8 8" refX="4" refY="4" markerWidth="4" markerHeight="4">'
        '<circle cx="4" cy="4" r="3.5" fill="{c}"/></marker></defs>'
        '<polyline points="" fill="none" stroke="{c}" stroke-width="2.4" stroke-linejoin="round" '
        'clip-path="url(#{a}-rate-clip)" marker-end="url(#{a}-rate-end)"/></svg>'
    ).format(w=frame["width"], h=frame["height"], a=anchor, x=left, y=top, cw=width, ch=height, c=RATE_PATH_COLOUR)


def script() -> str:
    """The control's inline script (``templates/report/rate_control.js``), as the page embeds it, once."""
    return SCRIPT_PATH.read_text(encoding="utf-8")
