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
# *Figures comparing Changji, Urumqi and Xinjiang in 2020 (from the cleaned 表 1), drawn once per
# report language into `figures/zh/` and `figures/en/`.*

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
style.apply_style()
data = pd.read_csv(paths.resolve(comparison_path), dtype={"region_code": str})
year = int(data["year"].iloc[0])

# %%
COMPARISON_FIGURES = {
    "tertiary_value_added": ["tertiary_value_added"],
    "tertiary_share": ["tertiary_share_of_gdp"],
    "retail": ["retail_sales_total", "retail_sales_urban", "retail_sales_rural", "retail_sales_goods", "retail_sales_catering"],
    "trade": ["goods_trade_total", "goods_exports", "goods_imports"],
}
for language in words.LANGUAGES:
    for name, ids in COMPARISON_FIGURES.items():
        title = words.text("figure.comparison_title", language, year=year,
                           subject=words.text(f"figure.comparison.{name}", language))
        fig = figures.comparison_bars(data, ids, title, language)
        style.save_figure(fig, out_dir / language / f"comparison_{year}_{name}.png")
        plt.show()
        plt.close(fig)
