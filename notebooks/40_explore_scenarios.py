# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python (changji-services)
#     language: python
#     name: changji-services
# ---

# %% [markdown]
# # 增长情景探索器 / Growth scenario explorer
# **Run → Run All Cells**（运行全部单元格）: the explorer appears under the second cell. `language = "en"` below for English.
#
# *The chart and summary redraw with the same `analysis.scenarios` code as `make scenario`. "Save as scenario" writes
# `params/scenario_<name>.yaml`; `make scenario PARAMS=params/scenario_<name>.yaml` gives the same numbers. Needs
# `data/processed/` (`make lab` builds it). Without code, in a browser: `make explore`.*

# %% tags=["parameters"]
from analysis.catalogue import SUBJECT_REGION  # 昌吉回族自治州

language = "zh"                  # zh | en: the explorer's words
indicator = "retail_sales_total"  # tertiary_value_added | retail_sales_total | tourism_visits | tourism_revenue
region_code = SUBJECT_REGION
target = "plan"                  # "plan" (表 2) or a number in the indicator's unit
stated_rate = "plan"             # "plan", a fraction per year (0.09), or None
base_year = 2020
horizon = 2025
covid = "none"                   # none | dummy | exclude
seed = 20250101
level = 0.8
stress_shock = 0.02
reading = "annual"               # tourism targets: annual (2025 alone) | total (2021–2025)
observations_path = "data/processed/observations.csv"
targets_path = "data/processed/plan_targets.csv"

# %%
from IPython.display import Markdown, display

from analysis import explorer
from analysis.explorer_widgets import ExplorerApp
from analysis.markdown_text import escape

start = explorer.State(indicator=indicator, region_code=str(region_code), target=target, stated_rate=stated_rate,
                       base_year=base_year, horizon=horizon, covid=covid, seed=seed, level=level,
                       stress_shock=stress_shock, reading=reading)
app = ExplorerApp(explorer.Session(explorer.load_inputs(observations_path, targets_path)), start, language=language)
display(app.widget)

# %% [markdown]
# The summary for the starting choices, as text (kept in the executed notebook; not on the `make explore` page):

# %% tags=["not-in-app"]
display(Markdown(escape(app.message or explorer.summary_text(app.result, language))))  # shown as typed, never as markup
