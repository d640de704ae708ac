"""Plotting functions; each takes tidy data and a language and returns a matplotlib Figure.

Every word drawn (axes, legends, panel and category labels) comes from the catalogue
(``analysis/messages/figures.yml``, ``labels.yml``) or ``analysis/indicators.yml`` in the
figure's language: notebooks draw each figure once per language (``figures/zh/``, ``figures/en/``).
The figures carry no title: the report's caption says what each one shows.
"""
from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import ticker
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import labels, words
from analysis.report_format import decimals_of, fmt_amount, fmt_number, fmt_pct, is_missing, table_number, table_unit
from analysis.style import REFERENCE_COLOUR, REGION_COLOURS, SCENARIO_COLOURS, STATUS_COLOURS

#: a scenario with fewer actual points than this is drawn as a compact chart (one point is no trend)
FULL_CHART_MIN_ACTUALS = 2
FULL_SIZE, COMPACT_SIZE = (8.0, 4.5), (4.8, 3.2)


def _wrap(text: str, language: str, width_en: int = 34, width_zh: int = 18) -> str:
    """Break a long label over lines (English at spaces; Chinese, which has none, by characters)."""
    return textwrap.fill(str(text), width_zh if language == "zh" else width_en)


# --------------------------------------------------------------------------- 2020 comparison
def _panel_rows(sizes: list[int]) -> list[list[int]]:
    """Panels (by their number of bar groups) in rows of at most as many groups as the largest panel, in order."""
    rows, width = [[]], max(sizes)
    for i, n in enumerate(sizes):
        if rows[-1] and sum(sizes[j] for j in rows[-1]) + n > width:
            rows.append([])
        rows[-1].append(i)
    return rows


def _comparison_groups(data: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """The rows of ``ids`` (one unit), in the order given, each with its region code and decimals."""
    sub = data[data["indicator_id"].isin(ids)]
    units = sub["unit"].unique()
    if len(units) != 1:
        raise ValueError(f"indicators {ids} mix units {list(units)}; plot them in separate panels")
    return sub


def comparison_panels(data: pd.DataFrame, panels: dict[str, list[str]], language: str = "zh"):
    """The 2020 comparison as small multiples: one panel per entry of ``panels`` (name → indicator
    ids sharing one unit), one group of bars per indicator and one bar per region, each value
    printed with the decimals the plan prints. Panels fill rows in the order given.

    ``data`` is the cleaned comparison table (``bureau_comparison_2020.csv``). A panel is named by
    ``figure.comparison.<name>``; its groups by their breakdown (合计, 按经营地·城镇 …) when it has
    several; its axis by the unit, in ``language``. One legend names the regions.
    """
    groups = {name: _comparison_groups(data, ids) for name, ids in panels.items()}
    sizes = [max(1, g["indicator_id"].nunique()) for g in groups.values()]
    rows = _panel_rows(sizes)
    fig = plt.figure(figsize=(8.0, 2.3 * len(rows) + 0.4), layout="constrained")
    subfigs = np.atleast_1d(fig.subfigures(len(rows), 1))
    names = list(panels)
    regions = [c for c in REGION_COLOURS if c in set(data["region_code"].astype(str))]
    for subfig, row in zip(subfigs, rows):
        axes = np.atleast_1d(subfig.subplots(1, len(row), width_ratios=[sizes[i] + 0.6 for i in row]))
        for ax, i in zip(axes, row):
            _comparison_panel(ax, groups[names[i]], [x for x in panels[names[i]] if x in set(groups[names[i]]["indicator_id"])],
                              regions, language)
            ax.set_title(_wrap(words.text(f"figure.comparison.{names[i]}", language), language, 60, 30), fontsize=9)
    handles = [Patch(color=REGION_COLOURS[c], label=labels.region(c, language)) for c in regions]
    fig.legend(handles=handles, loc="outside upper center", ncol=len(handles), frameon=False, fontsize=8)
    return fig


class ScaledTicks(ticker.Formatter):
    """Tick labels of an axis drawn in the plan's unit, written in a scaled unit (×``factor``: 亿元 → CNY
    billion is 0.1), with as many decimals as the tick spacing needs."""

    def __init__(self, factor: float):
        self.factor = factor

    def __call__(self, x, pos=None):
        locs = np.asarray(getattr(self, "locs", []), dtype=float)
        step = float(np.min(np.diff(np.sort(locs)))) * self.factor if len(locs) > 1 else abs(x * self.factor)
        decimals = max(0, -math.floor(math.log10(step))) if step > 0 else 0
        return fmt_number(round(x * self.factor, 10), decimals)


def amount_axis(ax, unit: str, language: str, **label_options) -> None:
    """Name the y axis by ``unit``; in English by the scaled unit an English reader counts in (CNY billion,
    million visits: :data:`analysis.labels.SCALED_UNITS`), its ticks scaled to match. The data stay in the
    plan's unit, so what is drawn at data coordinates (the report's rate control) is unchanged."""
    scaled = language == "en" and unit in labels.SCALED_UNITS
    ax.set_ylabel(table_unit(unit, language) if scaled else labels.unit(unit, language), **label_options)
    if scaled:
        ax.yaxis.set_major_formatter(ScaledTicks(labels.SCALED_UNITS[unit][3]))


def _bar_label(row, language: str) -> str:
    """A bar's value as printed: the plan's digits in Chinese; in English in the scaled unit of the axis, to
    one decimal below 1,000 and whole above or when whole (563.51 亿元 → 56.4, 5.47 亿美元 → 547, 213.87 亿美元
    → 21,387 USD million)."""
    unit = row["unit"]
    if language == "en" and unit in labels.SCALED_UNITS:
        scaled = round(float(row["value"]) * labels.SCALED_UNITS[unit][3], 6)
        return fmt_number(scaled, 1 if abs(scaled) < 1000 and scaled != round(scaled) else 0)
    return table_number(row["value"], unit, language, int(row["decimals"]))


def _comparison_panel(ax, sub: pd.DataFrame, order: list[str], regions: list[str], language: str) -> None:
    width = 0.8 / len(regions)
    for k, code in enumerate(regions):
        rows = sub[sub["region_code"].astype(str) == code].set_index("indicator_id")
        xs = [g + (k - (len(regions) - 1) / 2) * width for g, ind in enumerate(order) if ind in rows.index]
        vals = [float(rows.loc[ind, "value"]) for ind in order if ind in rows.index]
        bars = ax.bar(xs, vals, width, color=REGION_COLOURS[code])
        ax.bar_label(bars, labels=[_bar_label(rows.loc[ind], language) for ind in order if ind in rows.index], fontsize=6.5, padding=1.5)
    first = sub.drop_duplicates("indicator_id").set_index("indicator_id")
    ax.set_xticks(range(len(order)))
    ax.set_xticklabels([] if len(order) == 1 else [_wrap(first.loc[i, f"breakdown_{language}"], language, 22, 12) for i in order],
                       fontsize=7.5)
    ax.tick_params(axis="x", length=0)
    ax.tick_params(axis="y", labelsize=7.5)
    amount_axis(ax, sub["unit"].iloc[0], language, fontsize=8)
    ax.margins(y=0.16)
    ax.grid(axis="x", visible=False)


# --------------------------------------------------------------------------- scenarios
def scenario_fan_chart(table: pd.DataFrame, title: str | None, unit: str, language: str = "zh", ax=None, level: float = 0.8,
                       breaks: dict[str, list[int]] | None = None):
    """Actuals, plan path, fitted trends with their ``level`` bands, stress and required paths, target.

    ``table`` is a scenario table (:data:`analysis.scenarios.SCENARIO_COLUMNS`); ``unit`` is its
    canonical unit (亿元), named on the axis in ``language`` like every legend entry. ``breaks``
    (:func:`analysis.trust.series_breaks`) marks the actual points where the series changes basis:
    ``pre_census`` years drawn hollow, ``xpcc`` years ringed, each with a legend entry naming its
    years. ``title`` (None in the report, whose caption says it) is drawn above the axes.

    With ``ax`` (an empty Axes, e.g. the explorer's one figure redrawn on each change) it draws
    there and leaves the layout to the caller; otherwise it makes a new figure (constrained
    layout), compact when the series has fewer than :data:`FULL_CHART_MIN_ACTUALS` actual points.
    """
    target_rows = table[table["scenario"] == "target"]
    target_year = int((target_rows if len(target_rows) else table)["year"].max())
    label = {k: words.text(f"scenario.{k}", language, level=f"{level:.0%}", year=target_year)
             for k in ("actual", "plan", "trend_loglinear", "trend_damped", "stress", "required", "target")}
    styles = {
        "plan": dict(color=SCENARIO_COLOURS["plan"], linestyle="--", marker=None),
        "trend_loglinear": dict(color=SCENARIO_COLOURS["trend"], linestyle="-", marker=None),
        "trend_damped": dict(color=SCENARIO_COLOURS["damped"], linestyle="-", marker=None),
        "stress": dict(color=SCENARIO_COLOURS["stress"], linestyle=":", marker=None),
        "required": dict(color=SCENARIO_COLOURS["target"], linestyle="-.", marker=None),
    }
    actual = table[table["scenario"] == "actual"].sort_values("year")
    compact = len(actual) < FULL_CHART_MIN_ACTUALS
    own_figure = ax is None
    fig, ax = plt.subplots(figsize=COMPACT_SIZE if compact else FULL_SIZE, layout="constrained") if own_figure else (ax.figure, ax)
    for scenario, kw in styles.items():
        part = table[table["scenario"] == scenario].sort_values("year")
        if part.empty:
            continue
        has_band = bool(part[["lower", "upper"]].notna().all(axis=1).any())
        if scenario.startswith("trend") and len(actual):
            # draw projections from the last actual point so line and band join the data
            last = actual.iloc[[-1]].assign(lower=actual["value"].iloc[-1], upper=actual["value"].iloc[-1])
            part = pd.concat([last, part], ignore_index=True)
        # a trend without an interval (two points fit exactly) is not labelled as having one
        line_only = {"trend_loglinear": "scenario.trend_loglinear_line", "trend_damped": "scenario.trend_damped_line"}
        name = label[scenario] if has_band or scenario not in line_only else words.text(line_only[scenario], language)
        ax.plot(part["year"], part["value"], label=name, linewidth=1.8, **kw)
        band = part.dropna(subset=["lower", "upper"])
        if has_band:
            ax.fill_between(band["year"], band["lower"], band["upper"], color=kw["color"], alpha=0.15, linewidth=0)
    ax.plot(actual["year"], actual["value"], "o-", color=SCENARIO_COLOURS["actual"], label=label["actual"], zorder=5, gid="actual")
    _mark_breaks(ax, actual, breaks or {}, language)
    target = table[table["scenario"] == "target"]
    if not target.empty:
        ax.scatter(target["year"], target["value"], marker="*", s=120 if compact else 180, color=SCENARIO_COLOURS["target"], zorder=6,
                   label=label["target"])
    years = table["year"].astype(int)
    ax.set_xticks(range(int(years.min()), int(years.max()) + 1))
    ax.set_xlabel(words.text("figure.year_axis", language))
    amount_axis(ax, unit, language)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, fontsize=7 if compact else 8, loc="upper left")
    if compact:
        ax.tick_params(labelsize=8)
        ax.xaxis.label.set_size(9)
        ax.yaxis.label.set_size(9)
    return fig


def _mark_breaks(ax, actual: pd.DataFrame, breaks: dict[str, list[int]], language: str) -> None:
    """Hollow points for pre-revision figures, rings for figures that include the XPCC 6th Division."""
    styles = {"pre_census": dict(marker="o", markersize=6, markerfacecolor="white", markeredgewidth=1.4),
              "xpcc": dict(marker="o", markersize=13, markerfacecolor="none", markeredgewidth=1.2)}
    for kind, style in styles.items():
        years = [y for y in breaks.get(kind, []) if y in set(actual["year"].astype(int))]
        if not years:
            continue
        pts = actual[actual["year"].astype(int).isin(years)]
        ax.plot(pts["year"], pts["value"], linestyle="none", color=SCENARIO_COLOURS["actual"], zorder=7,
                label=words.text(f"figure.break.{kind}", language, years=words.param(years, language)), **style)


# --------------------------------------------------------------------------- required vs achievable
def required_vs_achievable_chart(sweep: pd.DataFrame, targets: dict[str, float], achievable: dict[str, float],
                                 target_year: int, language: str = "zh"):
    """Value reached in the target year at each constant growth rate, as % of the target: one panel
    per indicator, each x-axis spanning that indicator's own rates.

    ``sweep`` comes from :func:`analysis.growth.sweep_required_vs_achievable` (each indicator's
    rates reach past its required rate). In each panel the indicator's line, a dotted vertical line
    at the growth it requires, a dot at the rate its fitted trend achieved (``achievable``, fraction
    per year, NaN when no trend could be fitted), and the target (100 %) as a dashed line in
    :data:`~analysis.style.REFERENCE_COLOUR`, which no series uses. Panels named by indicator in
    ``language``; one legend says what the line styles mean.
    """
    palette = plt.get_cmap("tab10").colors
    ids = list(dict.fromkeys(sweep["indicator_id"]))
    ncols = 2 if len(ids) > 1 else 1
    nrows = math.ceil(len(ids) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(8.0, 2.3 * nrows + 0.8), layout="constrained", squeeze=False)
    for k, (ax, ind) in enumerate(zip(axes.flat, ids)):
        colour = palette[k % len(palette)]
        grp = sweep[sweep["indicator_id"] == ind]
        pct = grp["value_at_target_year"] / targets[ind] * 100
        ax.axhline(100, color=REFERENCE_COLOUR, linestyle="--", linewidth=1, gid="target-line")
        ax.plot(grp["rate"] * 100, pct, color=colour, linewidth=1.8, gid="sweep-series")
        ax.axvline(float(grp["required_rate"].iloc[0]) * 100, color=colour, linestyle=":", linewidth=1.2)
        rate = achievable.get(ind, float("nan"))
        if rate == rate:  # not NaN
            ax.scatter([rate * 100], [float(np.interp(rate, grp["rate"], pct))], color=colour, zorder=5)
        ax.set_title(labels.indicator(ind, language), fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(ids):]:
        ax.set_visible(False)
    fig.supxlabel(words.text("figure.sweep_rate_axis", language), fontsize=9)
    fig.supylabel(words.text("figure.sweep_share_axis", language, year=target_year), fontsize=9)
    handles = [Line2D([], [], color="#222222", linestyle=":", label=words.text("figure.sweep.required", language)),
               Line2D([], [], color="#222222", marker="o", linestyle="none", label=words.text("figure.sweep.trend", language)),
               Line2D([], [], color=REFERENCE_COLOUR, linestyle="--", label=words.text("figure.sweep.target", language))]
    fig.legend(handles=handles, loc="outside upper center", ncol=3, frameon=False, fontsize=8)
    return fig


# --------------------------------------------------------------------------- 序时进度
def progress_rows(progress: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``target_progress.csv`` split into the judged targets (a status other than 无数据) and
    those without data, each in the plan's order (``target_id``)."""
    ordered = progress.sort_values("target_id")
    no_data = ordered["status"] == "no_data"
    return ordered[~no_data], ordered[no_data]


def _target_name(row, language: str, width: int | None = None) -> str:
    name = f"{int(row['target_id'])}. {row['indicator_zh'] if language == 'zh' else row['indicator_en']}"
    return name if width is None else textwrap.fill(name, width)


def progress_chart(progress: pd.DataFrame, language: str = "zh"):
    """完成进度 of each judged target as a horizontal bar, coloured by status, against a mark at
    its 序时进度; the targets without data listed below, never drawn as empty bars.

    ``progress`` is ``target_progress.csv`` (:func:`analysis.scoreboard.evaluate_targets`):
    ``achieved_share`` and ``elapsed_share`` are fractions. A judged target without an achieved
    share — a level the plan asks to *maintain* (its 2020 value already met it), or one counted as
    reached without a baseline — has no share of the way to draw: its row carries no bar but a
    sentence in its status colour saying so (with its value against the target). Returns
    ``(figure, names)``: ``names`` are the targets without data as listed (``3. 服务业…``), for a caption.
    """
    judged, missing = progress_rows(progress)
    unjudged = [_target_name(r, language) for _, r in missing.iterrows()]
    heights = [0.5 * max(len(judged), 1) + 0.9] + ([0.4] if unjudged else [])
    fig = plt.figure(figsize=(8.0, sum(heights)), layout="constrained")
    top, bottom = (list(fig.subfigures(2, 1, height_ratios=heights)) if unjudged else [fig.subfigures(1, 1), None])
    ax = top.subplots()
    _progress_bars(ax, judged, language)
    # the statuses as the results table says them (a level to maintain that fell below it, in the lagging colour)
    shown = set(labels.shown_statuses(judged))
    statuses = [s for s in (*STATUS_COLOURS, labels.MAINTAIN_BELOW) if s in shown]
    handles = [Patch(color=STATUS_COLOURS.get(s, STATUS_COLOURS["lagging"]), label=labels.shown_status_word(s, None, language))
               for s in statuses]
    handles.append(Line2D([], [], color=REFERENCE_COLOUR, linewidth=2.5, label=words.text("figure.progress.elapsed", language)))
    top.legend(handles=handles, loc="outside upper center", ncol=len(handles), frameon=False, fontsize=8)
    if bottom is not None:  # one line of their numbers in the plan's Table 2 (their names are in the results table)
        numbers = words.text("list.separator", language).join(str(int(t)) for t in missing["target_id"])
        bottom.text(0.01, 0.5, words.text("figure.progress.no_data", language, n=len(unjudged), numbers=numbers,
                                          status=labels.status("no_data", language)), va="center", fontsize=9)
    return fig, unjudged


def _progress_bars(ax, judged: pd.DataFrame, language: str) -> None:
    ys = np.arange(len(judged))
    shares = judged["achieved_share"].astype(float) * 100
    right = max(100.0, float(np.nanmax(shares)) if shares.notna().any() else 0.0) * 1.12
    for y, (_, r), share in zip(ys, judged.iterrows(), shares):
        colour = STATUS_COLOURS.get(r["status"], REFERENCE_COLOUR)
        elapsed = float("nan") if is_missing(r["elapsed_share"]) else float(r["elapsed_share"]) * 100
        if not math.isnan(elapsed):
            ax.plot([elapsed] * 2, [y - 0.42, y + 0.42], color=REFERENCE_COLOUR, linewidth=2.5, zorder=4)
        if not math.isnan(share):
            ax.barh(y, share, height=0.6, color=colour, gid=f"progress-{int(r['target_id'])}")
            # the value right of both the bar and the elapsed mark, so neither hides it
            ax.text(np.nanmax([share, elapsed]) + right * 0.012, y, fmt_pct(r["achieved_share"]), va="center", fontsize=7.5)
        else:
            ax.text(right * 0.01, y, _no_share_text(r, language), va="center", fontsize=7.5, color=colour)
    ax.set_yticks(ys)
    ax.set_yticklabels([_target_name(r, language, 24 if language == "zh" else 44) for _, r in judged.iterrows()], fontsize=8)
    ax.set_ylim(len(judged) - 0.5, -0.5)
    ax.set_xlim(0, right)
    base_years = sorted({int(y) for y in judged["base_year"].dropna()})
    ax.set_xlabel(words.text("figure.progress.axis", language, base_year=words.param(base_years, language)), fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="y", visible=False)


def _no_share_text(row, language: str) -> str:
    """Why a judged target has no bar: a level to maintain (held or not), or no share computed."""
    if row.get("method") == "maintain":
        key = "figure.progress.maintain_held" if row["status"] == "achieved" else "figure.progress.maintain_lost"
        return words.text(key, language, year=int(row["actual_year"]), value=fmt_amount(row["actual_value"], row["unit"], language),
                          target=fmt_amount(row["target_value"], row["unit"], language, decimals_of(row["target_value"])))
    return words.text("figure.progress.no_share", language, status=labels.status(row["status"], language))
