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
# # 清洗统计公报对比表（表 1 版式）
# *Cleaning a bureau comparison table in the layout of the plan's 表 1*
#
# 输入：一个 UTF-8 文本文件，其中含有与规划表 1 相同版式的表格（标题行、`数据类别` + 地区名表头、
# 制表符分隔、第一列为分组标签、单位写在标签括号内、百分数带 %）。
# 输出：整洁长表（每行一个数值）及一致性检验表。默认参数清洗规划本身的表 1（2020 年）；
# 研究者可用 papermill 把 `input_path`、`output_path`、`year` 换成新一年的公报文件。

# %% tags=["parameters"]
from analysis.provenance import PLAN_SOURCE_ID  # the plan itself, 昌州政发〔2022〕97号

input_path = "data/raw/changji_14th_fyp_modern_services_plan.txt"
output_path = "data/processed/bureau_comparison_2020.csv"
year = 2020
source_id = PLAN_SOURCE_ID
title_prefix = "表 1"

# %%
from IPython.display import Markdown, display

from analysis import bureau_table, files, paths
from analysis.markdown_text import escape
from analysis.parameters import check_parameter

check_parameter("input_path", input_path, str)
check_parameter("output_path", output_path, str)
check_parameter("year", year, int, minimum=2000, maximum=2100)
check_parameter("source_id", source_id, str)
check_parameter("title_prefix", title_prefix, str)
if not output_path.endswith(".csv"):
    raise ValueError(f"parameter 'output_path' = {output_path!r}: expected a .csv file name")
source_file = paths.resolve(input_path)
output_file = paths.resolve(output_path)
checks_file = output_file.with_name(output_file.stem + "_checks.csv")

# %% [markdown]
# ## 读取、解析、检验
# 原始文件先核对 sha256（登记在 `data/raw/provenance.yml`），再逐行解析；
# 分项之和与合计的差异若在舍入误差之内，记为“舍入差异”，超出则停止并指出地区、指标和数值。

# %%
table, checks = bureau_table.clean_comparison_file(source_file, year, source_id, title_prefix)
print(f"{table.title}: {len(table.data)} values, regions {table.regions}")

# %%
files.write_csv(table.data, output_file)
files.write_csv(checks, checks_file)
print("wrote", paths.relative(output_file), "and", paths.relative(checks_file))

# %% [markdown]
# ## 结果

# %%
wide = table.data.pivot_table(index=["indicator_zh", "unit"], columns="region_zh", values="value", sort=False)
display(wide)
display(checks[["region_zh", "check_zh", "expected", "recomputed", "difference", "tolerance", "verdict_zh"]])

# %%
rounding = checks[checks["verdict"] == "rounding"]
lines = [f"- {escape(r.region_zh)}：{escape(r.check_zh)}，分项之和 {r.recomputed:g}，表中合计 {r.expected:g}，"
         f"差 {r.difference:+g}（舍入可解释的上限 {r.tolerance:g}）" for r in rounding.itertuples()]
display(Markdown("**舍入差异**（报告，不视为错误）：\n\n" + ("\n".join(lines) if lines else "无")))
