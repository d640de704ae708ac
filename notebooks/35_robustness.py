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
# # 结论的可信度：来源质量、统计口径与稳健性检验
# *How far to trust each conclusion: the weakest source each status and trend rests on, the
# caveats that apply (2018 economic-census revision, XPCC 6th Division coverage, partial periods
# left out), and every status and scenario recomputed (a) on official and official-reprint
# figures only and (b) without pre-revision figures.*
# 情景按 `scenario_summary_*.csv` 中记录的参数重新计算；全部数据的结果必须与情景笔记本一致。

# %% tags=["parameters"]
evaluation_year = 2023
thresholds_path = "params/evaluation_thresholds.yaml"
observations_path = "data/processed/observations.csv"
targets_path = "data/processed/plan_targets.csv"
rules_path = "data/raw/observation_rules.yml"
processed_dir = "data/processed"
robustness_path = "data/processed/robustness.csv"
caveats_path = "data/processed/conclusion_caveats.csv"

# %%
import math

import pandas as pd
from IPython.display import Markdown, display

from analysis import files, observation_rules, paths, scenarios, scoreboard, trust, trust_words
from analysis.markdown_text import escape
from analysis.parameters import check_parameter

check_parameter("evaluation_year", evaluation_year, int, minimum=2021, maximum=2025)
thresholds, obs, plan_targets = scoreboard.load_evaluation_inputs(thresholds_path, observations_path, targets_path)
rules = observation_rules.load_rules(paths.resolve(rules_path))
summaries = {i: pd.read_csv(paths.resolve(processed_dir) / f"scenario_summary_{i}.csv", dtype={"region_code": str}).iloc[0]
             for i in scenarios.SCENARIO_INDICATORS}

# %%
robust, caveats = trust.robustness(plan_targets, obs, summaries, evaluation_year, thresholds, rules)
# the "all data" recomputation must be the scenario notebook's own result (same function, same parameters)
for ind, s in summaries.items():
    row = robust[robust["scenario_id"] == ind]
    for ours, theirs in (("trend_rate", "trend_rate"), ("probability", "probability_of_target")):
        a, b = float(row[ours].iloc[0]), float(s[theirs])
        if not ((math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)):
            raise ValueError(f"{ind}: recomputed {ours} {a!r} differs from scenario_summary_{ind}.csv ({b!r}); rerun make report")
display(Markdown(escape(trust_words.trust_line(robust, "zh")) + "\n\n" + escape(trust_words.trust_line(robust, "en"))))
display(robust)
display(caveats)

# %%
for table, path in ((robust, robustness_path), (caveats, caveats_path)):
    print("wrote", paths.relative(files.write_csv(table, paths.resolve(path))))
