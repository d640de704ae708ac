# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python (changji-services)
#     language: python
#     name: changji-services
# ---

# %% [markdown]
# # 2020 年昌吉州、乌鲁木齐、全疆对比图
# *One small-multiples figure comparing Changji, Urumqi and Xinjiang in 2020 (from the cleaned 表 1):
# a panel per subject, drawn once per report language into `figures/zh/` and `figures/en/` (SVG).*

# %% tags=["parameters"]
comparison_path = "data/processed/bureau_comparison_2020.csv"
figures_dir = "figures"

# %%
import matplotlib.pyplot as plt
import pandas as pd

from analysis import figures, paths, style, words
from analysis.parameters import check_parameter

check_parameter("comparison_path", comparison_path, str)
check_parameter("figures_dir", figures_dir, str)
out_dir = paths.resolve(figures_dir)
data = pd.read_csv(paths.resolve(comparison_path), dtype={"region_code": str})
year = int(data["year"].iloc[0])

# %%
# one panel per subject (indicators of one unit), in reading order: the panels fill rows
COMPARISON_PANELS = {
    "tertiary_value_added": ["tertiary_value_added"],
    "tertiary_share": ["tertiary_share_of_gdp"],
    "trade": ["goods_trade_total", "goods_exports", "goods_imports"],
    "retail": ["retail_sales_total", "retail_sales_urban", "retail_sales_rural", "retail_sales_goods", "retail_sales_catering"],
}
for language in words.LANGUAGES:
    style.apply_style(language)  # the fonts of the figure's language (analysis/style.py)
    fig = figures.comparison_panels(data, COMPARISON_PANELS, language)
    style.save_figure(fig, out_dir / language / f"comparison_{year}.svg")
    plt.show()
    plt.close(fig)
