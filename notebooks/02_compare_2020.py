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
# *Figures comparing Changji, Urumqi and Xinjiang in 2020 (from the cleaned 表 1)*

# %% tags=["parameters"]
comparison_path = "data/processed/bureau_comparison_2020.csv"
figures_dir = "figures"

# %%
import matplotlib.pyplot as plt
import pandas as pd

from analysis import figures, paths, style
from analysis.parameters import check_parameter

check_parameter("comparison_path", comparison_path, str)
check_parameter("figures_dir", figures_dir, str)
out_dir = paths.resolve(figures_dir)
style.apply_style()
data = pd.read_csv(paths.resolve(comparison_path), dtype={"region_code": str})
year = int(data["year"].iloc[0])

# %%
COMPARISON_FIGURES = {
    "tertiary_value_added": (["tertiary_value_added"], f"{year} 年三产增加值"),
    "tertiary_share": (["tertiary_share_of_gdp"], f"{year} 年三产增加值占 GDP 比重"),
    "retail": (["retail_sales_total", "retail_sales_urban", "retail_sales_rural", "retail_sales_goods", "retail_sales_catering"],
               f"{year} 年社会消费品零售总额：按城乡与消费类型"),
    "trade": (["goods_trade_total", "goods_exports", "goods_imports"], f"{year} 年货物进出口"),
}
for name, (ids, title) in COMPARISON_FIGURES.items():
    fig = figures.comparison_bars(data, ids, title)
    style.save_figure(fig, out_dir / f"comparison_{year}_{name}.png")
    plt.show()
    plt.close(fig)
