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
# # 情景总览：所需增速与可达增速、回测
# *Required vs achievable growth for every indicator (a sweep over constant rates), and a
# backtest: each method fitted on data up to 2020, compared with actuals published since.*

# %% tags=["parameters"]
from analysis.catalogue import SUBJECT_REGION  # 昌吉回族自治州

observations_path = "data/processed/observations.csv"
targets_path = "data/processed/plan_targets.csv"
summaries_dir = "data/processed"
output_dir = "data/processed"
figures_dir = "figures"
region_code = SUBJECT_REGION
sweep_from = 0.04        # lowest rate of the sweep, fraction per year
sweep_to = 0.12          # each indicator's rates continue in sweep_step past its required rate (growth.sweep_grid)
sweep_step = 0.005
backtest_cutoff = 2020

# %%

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from analysis import catalogue, figures, files, growth, observations, paths, scenarios, style, trust_words, words
from analysis.markdown_text import escape
from analysis.parameters import ParameterError, check_parameter

for _name in ("sweep_from", "sweep_to", "sweep_step"):
    check_parameter(_name, globals()[_name], float, minimum=-0.5, maximum=1.0)
if not sweep_from < sweep_to or sweep_step <= 0:
    raise ParameterError(f"sweep: need sweep_from < sweep_to and sweep_step > 0, got {sweep_from}, {sweep_to}, {sweep_step}")
check_parameter("backtest_cutoff", backtest_cutoff, int, minimum=2000, maximum=2100)
region_code = str(region_code)
obs = observations.read_observations(observations_path)
plan_targets = pd.read_csv(paths.resolve(targets_path))
summaries = pd.concat([pd.read_csv(paths.resolve(summaries_dir) / f"scenario_summary_{i}.csv") for i in scenarios.SCENARIO_INDICATORS],
                      ignore_index=True).set_index("indicator_id")

# %% [markdown]
# ## 所需增速与可达增速

# %%
# an indicator whose target year is already published has no growth left to sweep
spec = {i: (s.latest_value, int(s.latest_year), s.target, int(s.target_year)) for i, s in summaries.iterrows()
        if int(s.latest_year) < int(s.target_year)}
rates = np.arange(sweep_from, sweep_to + sweep_step / 2, sweep_step)
sweep = growth.sweep_required_vs_achievable(spec, rates)
print("rates swept per indicator:", sweep.groupby("indicator_id", sort=False)["rate"].agg(["min", "max", "size"]).to_dict("index"))
target_year = int(summaries["target_year"].max())
for language in words.LANGUAGES:  # one figure per report language: figures/zh/, figures/en/
    style.apply_style(language)  # the fonts of the figure's language (analysis/style.py)
    fig = figures.required_vs_achievable_chart(sweep, {i: s[2] for i, s in spec.items()}, summaries["trend_rate"].to_dict(),
                                               target_year, language)
    style.save_figure(fig, paths.resolve(figures_dir) / language / "sweep_required_vs_achievable.svg")
    plt.show()
    plt.close(fig)

# %% [markdown]
# ## 回测：只用 2020 年及以前的数据

# %%
parts = []
for indicator in scenarios.SCENARIO_INDICATORS:
    plan = scenarios.plan_target_and_rate(plan_targets, indicator)
    bt = scenarios.backtest(observations.annual_series(obs, region_code, indicator), cutoff=backtest_cutoff,
                            stated_rate=plan["stated_rate"], base_year=backtest_cutoff)
    parts.append(bt.assign(indicator_id=indicator))
backtest = pd.concat(parts, ignore_index=True)
display(backtest)
# what each backtested series rests on: weakest source, census vintages, XPCC coverage (analysis/trust_words.py)
display(Markdown("\n".join(f"- {escape(catalogue.indicator(i)['name_zh'])}："
                           f"{escape(trust_words.series_caveat_text(obs, region_code, i, backtest_cutoff, 'zh'))}"
                           for i in scenarios.SCENARIO_INDICATORS)))

# %%
for table, name in ((sweep, "sweep_required_vs_achievable.csv"), (backtest, "backtest.csv")):
    print("wrote", paths.relative(files.write_csv(table, paths.resolve(output_dir) / name)))
