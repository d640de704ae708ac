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
# # 清洗 2020 年以后的公开数据与规划目标
# *Cleaning published observations (bulletins, plan text) and the plan's 表 2 targets*
#
# 输入：`data/raw/` 中的公报摘录（每行一个数字及其来源页面）、规划原文中的引文锚点、规划原文的表 2。
# 输出：统一单位的观测值长表（含限定词“约/突破”、期间、来源质量、重复值的选用规则）、未使用行及原因、
# 19 项目标表。每个观测值还带有统计口径：是否早于 2018 年经济普查修订、初步核算 / 最终核实（页面注明时）、
# 是否包含兵团第六师五家渠市（是 / 否 / 未说明），由 `data/raw/observation_rules.yml` 中引用原文的规则填写。
# 新增一行已发布数字（附来源）到 `data/raw/*_bulletins.csv` 并在
# `data/raw/provenance.yml` 登记后重新运行 `make report`，所有情景与报告随之更新。

# %% tags=["parameters"]
raw_dir = "data/raw"
observations_path = "data/processed/observations.csv"
unused_path = "data/processed/observations_unused.csv"
targets_path = "data/processed/plan_targets.csv"

# %%
from IPython.display import display

from analysis import catalogue, files, observation_rules, observations, paths, targets
from analysis.parameters import check_parameter

for _name in ("raw_dir", "observations_path", "unused_path", "targets_path"):
    check_parameter(_name, globals()[_name], str)

# %%
obs, unused = observations.build_observations(paths.resolve(raw_dir))
# vintage (2018 economic-census revision), release stage and XPCC 6th Division coverage, from the
# rules in data/raw/observation_rules.yml (each quoting what it rests on) and the raw rows' words
rules = observation_rules.load_rules(paths.resolve(raw_dir) / observation_rules.RULES_FILE.name)
obs = observation_rules.annotate(obs, rules, observation_rules.raw_row_texts(obs))
plan_targets = targets.load_targets(paths.resolve(raw_dir) / paths.PLAN_TEXT.name)
print(f"{len(obs)} observations ({int(obs['selected'].sum())} selected), {len(unused)} rows not used, "
      f"{len(plan_targets)} targets")

# %%
for table, path in ((obs, observations_path), (unused, unused_path), (plan_targets, targets_path)):
    print("wrote", paths.relative(files.write_csv(table, paths.resolve(path))))

# %% [markdown]
# ## 选用规则与未使用的行
# 同一地区、指标、年份、期间有多个来源时只选用一行（规则见下），其余保留并注明原因。

# %%
print(observations.SELECTION_RULE)
display(obs[obs["region_code"] == catalogue.SUBJECT_REGION][["indicator_zh", "year", "period", "value", "unit", "qualifier", "quality", "selected",
                                             "vintage", "release_stage", "coverage_xpcc6", "selection_note"]])
display(unused)
