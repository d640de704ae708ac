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
# # 中期评估：表 2 目标进度与规划一致性核查
# *Progress of the 19 targets against 序时进度 (table and chart, drawn once per report language into
# `figures/zh/`, `figures/en/`), and the plan consistency audit.*
# 进度按“时间过半、任务过半”衡量：已过规划期比例 k/5 与目标完成比例（以 2020 年为基数，
# 水平目标按对数计）比较；阈值见 `params/evaluation_thresholds.yaml`。

# %% tags=["parameters"]
evaluation_year = 2023
thresholds_path = "params/evaluation_thresholds.yaml"
observations_path = "data/processed/observations.csv"
targets_path = "data/processed/plan_targets.csv"
plan_path = "data/raw/changji_14th_fyp_modern_services_plan.txt"
output_dir = "data/processed"
figures_dir = "figures"

# %%
import matplotlib.pyplot as plt
from IPython.display import Markdown, display

from analysis import audit, figures, files, paths, progress, provenance, scoreboard, style, words
from analysis.markdown_text import escape
from analysis.parameters import check_parameter

check_parameter("evaluation_year", evaluation_year, int, minimum=2021, maximum=2025)
check_parameter("figures_dir", figures_dir, str)
thresholds, obs, plan_targets = scoreboard.load_evaluation_inputs(thresholds_path, observations_path, targets_path)
provenance.verify_raw_file(paths.resolve(plan_path))
plan_text = files.read_utf8_text(paths.resolve(plan_path))

# %%
target_progress = scoreboard.evaluate_targets(plan_targets, obs, evaluation_year, thresholds)
plan_audit = audit.audit_plan(plan_text, plan_targets, file=paths.relative(plan_path))
display(Markdown(f"**{evaluation_year} 年：{escape(progress.summary_line(target_progress))}**"))
display(target_progress)
display(plan_audit)

# %%
for table, name in ((target_progress, "target_progress.csv"), (plan_audit, "plan_audit.csv")):
    print("wrote", paths.relative(files.write_csv(table, paths.resolve(output_dir) / name)))

# %% [markdown]
# ## 完成进度与序时进度（图）
# 每个已评价目标一条横条（完成进度，按状态着色）与其序时进度标记；无数据的目标列在图下，不画空条。

# %%
for language in words.LANGUAGES:  # one figure per report language: figures/zh/, figures/en/
    style.apply_style(language)  # the fonts of the figure's language (analysis/style.py)
    fig, not_judged = figures.progress_chart(target_progress, language)
    style.save_figure(fig, paths.resolve(figures_dir) / language / "target_progress.svg")
    plt.show()
    plt.close(fig)
print("not judged (no data):", "; ".join(not_judged))
