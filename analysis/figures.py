"""Plotting functions; each takes tidy data and a language and returns a matplotlib Figure.

Every word drawn (titles, axes, legends, category labels) comes from the catalogue
(``analysis/messages/figures.yml``, ``labels.yml``) or ``analysis/indicators.yml`` in the
figure's language: notebooks draw each figure once per language (``figures/zh/``, ``figures/en/``).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis import labels, words
from analysis.style import REGION_COLOURS, SCENARIO_COLOURS


def comparison_bars(data: pd.DataFrame, indicator_ids: list[str], title: str, language: str = "zh"):
    """Grouped bars: one group per indicator, one bar per region, values printed on the bars.

    ``data`` is the cleaned comparison table (``bureau_comparison_2020.csv``); all indicators
    plotted together must share a unit, which becomes the axis label (in ``language``).
    """
    import seaborn as sns  # here, not at module import: ~1 s that only the charts need

    sub = data[data["indicator_id"].isin(indicator_ids)].copy()
    units = sub["unit"].unique()
    if len(units) != 1:
        raise ValueError(f"indicators {indicator_ids} mix units {list(units)}; plot them separately")
    order = [i for i in indicator_ids if i in set(sub["indicator_id"])]
    label_of = sub.drop_duplicates("indicator_id").set_index("indicator_id")
    sub["label"] = sub["indicator_id"].map(
        lambda i: label_of.loc[i, f"breakdown_{language}"] if label_of.loc[i, "breakdown"] != "total"
        else label_of.loc[i, f"indicator_{language}"]
    )
    sub["region"] = sub["region_code"].map(lambda c: labels.region(c, language))
    hue_order = [labels.region(c, language) for c in REGION_COLOURS if c in set(sub["region_code"])]
    palette = {labels.region(c, language): colour for c, colour in REGION_COLOURS.items()}
    fig, ax = plt.subplots(figsize=(max(5.0, 2.2 * len(order) + 2), 4.2))
    sns.barplot(data=sub, x="label", y="value", hue="region", order=[sub.loc[sub.indicator_id == i, "label"].iloc[0] for i in order],
                hue_order=hue_order, palette=palette, ax=ax)
    for container in ax.containers:
        ax.bar_label(container, fmt="%.2f", fontsize=8, padding=2)
    ax.set_xlabel("")
    ax.set_ylabel(labels.unit(units[0], language))
    ax.set_title(title)
    ax.legend(title="", frameon=False)
    ax.margins(y=0.12)
    fig.tight_layout()
    return fig


def scenario_fan_chart(table: pd.DataFrame, title: str, unit: str, language: str = "zh", ax=None, level: float = 0.8):
    """Actuals, plan path, fitted trends with their ``level`` bands, stress and required paths, target.

    ``table`` is a scenario table (:data:`analysis.scenarios.SCENARIO_COLUMNS`); ``unit`` is its
    canonical unit (亿元), named on the axis in ``language`` like every legend entry. With ``ax`` (an
    empty Axes, e.g. the explorer's one figure redrawn on each change) it draws there and leaves
    the layout to the caller; otherwise it makes a new figure.
    """
    target_rows = table[table["scenario"] == "target"]
    target_year = int((target_rows if len(target_rows) else table)["year"].max())
    label = {k: words.text(f"scenario.{k}", language, level=f"{level:.0%}", year=target_year)
             for k in ("actual", "plan", "trend_loglinear", "trend_damped", "stress", "required", "target")}
    styles = {
        "plan": dict(color=SCENARIO_COLOURS["plan"], linestyle="--", marker=None),
        "trend_loglinear": dict(color=SCENARIO_COLOURS["trend"], linestyle="-", marker=None),
        "trend_damped": dict(color="#8e44ad", linestyle="-", marker=None),
        "stress": dict(color=SCENARIO_COLOURS["stress"], linestyle=":", marker=None),
        "required": dict(color=SCENARIO_COLOURS["target"], linestyle="-.", marker=None),
    }
    own_figure = ax is None
    fig, ax = plt.subplots(figsize=(8, 4.5)) if own_figure else (ax.figure, ax)
    actual = table[table["scenario"] == "actual"].sort_values("year")
    for scenario, kw in styles.items():
        part = table[table["scenario"] == scenario].sort_values("year")
        if part.empty:
            continue
        if scenario.startswith("trend") and len(actual):
            # draw projections from the last actual point so line and band join the data
            last = actual.iloc[[-1]].assign(lower=actual["value"].iloc[-1], upper=actual["value"].iloc[-1])
            part = pd.concat([last, part], ignore_index=True)
        ax.plot(part["year"], part["value"], label=label[scenario], linewidth=1.8, **kw)
        band = part.dropna(subset=["lower", "upper"])
        if not band.empty:
            ax.fill_between(band["year"], band["lower"], band["upper"], color=kw["color"], alpha=0.15, linewidth=0)
    ax.plot(actual["year"], actual["value"], "o-", color=SCENARIO_COLOURS["actual"], label=label["actual"], zorder=5)
    target = table[table["scenario"] == "target"]
    if not target.empty:
        ax.scatter(target["year"], target["value"], marker="*", s=180, color=SCENARIO_COLOURS["target"], zorder=6,
                   label=label["target"])
    years = table["year"].astype(int)
    ax.set_xticks(range(int(years.min()), int(years.max()) + 1))
    ax.set_xlabel(words.text("figure.year_axis", language))
    ax.set_ylabel(labels.unit(unit, language))
    ax.set_title(title)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    if own_figure:
        fig.tight_layout()
    return fig


def required_vs_achievable_chart(sweep: pd.DataFrame, targets: dict[str, float], achievable: dict[str, float],
                                 target_year: int, language: str = "zh"):
    """Value reached in the target year at each constant growth rate, as % of the target.

    ``sweep`` comes from :func:`analysis.growth.sweep_required_vs_achievable`. Each indicator
    is a line (percent of its own target, so different units share one axis); a dotted vertical
    line marks the growth it requires and a dot the rate its fitted trend achieved
    (``achievable``, fraction per year, NaN when no trend could be fitted). Lines are named by
    indicator in ``language``.
    """
    import seaborn as sns  # here, not at module import: ~1 s that only the charts need

    fig, ax = plt.subplots(figsize=(8, 4.5))
    palette = sns.color_palette("tab10", n_colors=max(3, sweep["indicator_id"].nunique()))
    for colour, (ind, grp) in zip(palette, sweep.groupby("indicator_id", sort=False)):
        pct = grp["value_at_target_year"] / targets[ind] * 100
        ax.plot(grp["rate"] * 100, pct, color=colour, label=labels.indicator(ind, language))
        ax.axvline(float(grp["required_rate"].iloc[0]) * 100, color=colour, linestyle=":", linewidth=1)
        rate = achievable.get(ind, float("nan"))
        if rate == rate:  # not NaN
            ax.scatter([rate * 100], [float(np.interp(rate, grp["rate"], pct))], color=colour, zorder=5)
    ax.axhline(100, color="#27ae60", linewidth=1)
    ax.set_xlabel(words.text("figure.sweep_rate_axis", language))
    ax.set_ylabel(words.text("figure.sweep_share_axis", language, year=target_year))
    # below the axes: inside, the legend hid the dotted required-growth line of the fastest target
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    fig.tight_layout()
    return fig
