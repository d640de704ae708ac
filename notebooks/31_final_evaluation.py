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
# # 终期评估：19 项目标的完成情况与中期预测检验
# *Final evaluation: each 表 2 target judged on its 2025 value (已完成 / 基本完成 / 未完成 / 无数据), and
# what the mid-term projections said against what happened.* 分类阈值与中期年份见
# `params/final_evaluation.yaml`；2025 年数据未公布的目标为“无数据”，并注明最新可用年份（实际值，不作预测）。

# %% tags=["parameters"]
final_params_path = "params/final_evaluation.yaml"
thresholds_path = "params/evaluation_thresholds.yaml"
observations_path = "data/processed/observations.csv"
targets_path = "data/processed/plan_targets.csv"
scenario_params = ["params/scenario_tertiary_value_added.yaml", "params/scenario_retail_sales_total.yaml",
                   "params/scenario_tourism_visits.yaml", "params/scenario_tourism_revenue.yaml"]
output_dir = "data/processed"

# %%
from IPython.display import display

from analysis import files, final_evaluation, forecast_check, paths, scoreboard
from analysis.parameters import check_parameter

check_parameter("scenario_params", scenario_params, list)
params = final_evaluation.load_parameters(paths.resolve(final_params_path))
thresholds, obs, plan_targets = scoreboard.load_evaluation_inputs(thresholds_path, observations_path, targets_path)

# %%
final, scoreboard = final_evaluation.evaluate_final(plan_targets, obs, params, thresholds)
final_year = int(final["final_year"].iloc[0])
check = forecast_check.check_scenarios(obs, [paths.resolve(p) for p in scenario_params], params["midterm_year"], final_year)
print(final_evaluation.status_counts(final), "data years:", final_evaluation.data_years(obs))
display(final[["target_id", "indicator_zh", "actual_year", "actual_value", "latest_year", "achieved_share", "status",
               "reason_key", "total_status"]])
display(check)

# %%
for table, name in ((final, "final_evaluation.csv"), (check, "final_forecast_check.csv"),
                    (scoreboard, "final_scoreboard.csv")):
    print("wrote", paths.relative(files.write_csv(table, paths.resolve(output_dir) / name)))
