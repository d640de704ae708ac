"""Plotting functions; each takes tidy data and returns a matplotlib Figure (labels in Chinese)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from analysis import catalogue
from analysis.style import REGION_COLOURS


def comparison_bars(data: pd.DataFrame, indicator_ids: list[str], title: str, value_label: str | None = None):
    """Grouped bars: one group per indicator, one bar per region, values printed on the bars.

    ``data`` is the cleaned comparison table (``bureau_comparison_2020.csv``); all indicators
    plotted together must share a unit, which becomes the axis label.
    """
    sub = data[data["indicator_id"].isin(indicator_ids)].copy()
    units = sub["unit"].unique()
    if len(units) != 1:
        raise ValueError(f"indicators {indicator_ids} mix units {list(units)}; plot them separately")
    order = [i for i in indicator_ids if i in set(sub["indicator_id"])]
    label_of = sub.drop_duplicates("indicator_id").set_index("indicator_id")
    sub["label"] = sub["indicator_id"].map(
        lambda i: label_of.loc[i, "breakdown_zh"] if label_of.loc[i, "breakdown"] != "total" else label_of.loc[i, "indicator_zh"]
    )
    sub["region"] = sub["region_code"].map(lambda c: catalogue.region(c)["short_zh"])
    hue_order = [catalogue.region(c)["short_zh"] for c in REGION_COLOURS if c in set(sub["region_code"])]
    palette = {catalogue.region(c)["short_zh"]: col for c, col in REGION_COLOURS.items()}
    fig, ax = plt.subplots(figsize=(max(5.0, 2.2 * len(order) + 2), 4.2))
    sns.barplot(data=sub, x="label", y="value", hue="region", order=[sub.loc[sub.indicator_id == i, "label"].iloc[0] for i in order],
                hue_order=hue_order, palette=palette, ax=ax)
    for container in ax.containers:
        ax.bar_label(container, fmt="%.2f", fontsize=8, padding=2)
    ax.set_xlabel("")
    ax.set_ylabel(value_label or units[0])
    ax.set_title(title)
    ax.legend(title="", frameon=False)
    ax.margins(y=0.12)
    fig.tight_layout()
    return fig
