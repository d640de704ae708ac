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
#   title: 昌吉州“十四五”现代服务业发展规划中期评估
# ---

# %% tags=["parameters"]
comparison_path = "data/processed/bureau_comparison_2020.csv"
checks_path = "data/processed/bureau_comparison_2020_checks.csv"
figures_dir = "figures"

# %%
import pandas as pd
from IPython.display import HTML, Markdown, display

from analysis import paths, provenance, report
from analysis.parameters import check_parameter

for _name, _value in [("comparison_path", comparison_path), ("checks_path", checks_path), ("figures_dir", figures_dir)]:
    check_parameter(_name, _value, str)
cmp = pd.read_csv(paths.resolve(comparison_path), dtype={"region_code": str})
checks = pd.read_csv(paths.resolve(checks_path), dtype={"region_code": str})
fig_dir = paths.resolve(figures_dir)
prov = provenance.load_provenance()
plan = prov["sources"]["cj_plan_2022_97"]
year = int(cmp["year"].iloc[0])
value = cmp.set_index(["region_code", "indicator_id"])["value"]
CJ, UQ, XJ = "652300", "650100", "650000"
plan_source = f"{plan['title_zh']}（{plan['document_number']}）表 1"

# %%
display(Markdown(f"""# {plan['title_zh']}中期评估

*{plan['issuer']}《{plan['title_zh']}》（{plan['document_number']}，{plan['date']}）的可复现评估。
本报告由 `make report` 从 `data/raw/` 中登记来源的原始数据自动生成，文中所有数字均由数据计算得出。*

## 目录
1. [摘要](#摘要)
2. [{year} 年对比：昌吉州、乌鲁木齐、全疆](#{year}-年对比)
3. [数据来源](#数据来源)
"""))

# %%
share_trade = value[(CJ, "goods_trade_total")] / value[(XJ, "goods_trade_total")] * 100
share_retail = value[(CJ, "retail_sales_total")] / value[(XJ, "retail_sales_total")] * 100
rounding = checks[checks["verdict"] == "rounding"]
display(Markdown(f"""## 摘要

- {year} 年昌吉州三产增加值 {report.fmt_number(value[(CJ, 'tertiary_value_added')])} 亿元，占 GDP 比重
  {report.fmt_number(value[(CJ, 'tertiary_share_of_gdp')], 1)}%，低于乌鲁木齐（{report.fmt_number(value[(UQ, 'tertiary_share_of_gdp')], 1)}%）
  和全疆平均（{report.fmt_number(value[(XJ, 'tertiary_share_of_gdp')], 1)}%）。
- 昌吉州社会消费品零售总额 {report.fmt_number(value[(CJ, 'retail_sales_total')])} 亿元，占全疆的 {share_retail:.1f}%；
  货物进出口总额 {report.fmt_number(value[(CJ, 'goods_trade_total')])} 亿美元，仅占全疆的 {share_trade:.1f}%。
- 表 1 的 {len(cmp)} 个数值全部通过一致性检验；{len(rounding)} 处分项之和与合计相差在舍入误差之内
  （{'；'.join(f"{r.region_zh} {r.check_zh}：{r.recomputed:g} 对 {r.expected:g}" for r in rounding.itertuples()) or '无'}）。
"""))

# %%
display(Markdown(f"""## {year} 年对比

规划表 1 比较了昌吉州与首府乌鲁木齐、全疆的服务业相关指标。下表由表 1 文本经代码解析得到（未重新录入），
图中数值与表一致。"""))
wide = cmp.pivot_table(index=["indicator_zh", "breakdown_zh", "unit"], columns="region_code", values="value", sort=False).reset_index()
wide.columns.name = None
wide = wide.rename(columns={"indicator_zh": "指标", "breakdown_zh": "分组", "unit": "单位", CJ: "昌吉州", UQ: "乌鲁木齐", XJ: "全疆"})
display(HTML(report.table_html(wide[["指标", "分组", "单位", "昌吉州", "乌鲁木齐", "全疆"]], f"表 A：{year} 年昌吉州、乌鲁木齐、全疆服务业相关指标", plan_source)))

# %%
FIGURE_CAPTIONS = {
    "tertiary_value_added": f"图 1：{year} 年三产增加值（亿元）",
    "tertiary_share": f"图 2：{year} 年三产增加值占 GDP 比重（%）",
    "retail": f"图 3：{year} 年社会消费品零售总额及其按城乡、按消费类型的构成（亿元）",
    "trade": f"图 4：{year} 年货物进出口总额及出口、进口（亿美元）",
}
for name, caption in FIGURE_CAPTIONS.items():
    display(HTML(report.figure_html(fig_dir / f"comparison_{year}_{name}.png", caption, plan_source)))

# %%
display(Markdown("""### 一致性检验

城镇 + 乡村 = 社会消费品零售总额；商品零售 + 餐饮收入 = 社会消费品零售总额；出口 + 进口 = 货物进出口总额；
比重在 0–100% 之间。容差为各数值末位半个单位之和（舍入可解释的最大差异）。"""))
check_table = checks[["region_zh", "check_zh", "expected", "recomputed", "difference", "tolerance", "verdict_zh"]].rename(columns={
    "region_zh": "地区", "check_zh": "检验", "expected": "表中合计", "recomputed": "重新计算", "difference": "差异",
    "tolerance": "容差", "verdict_zh": "结论"})
display(HTML(report.table_html(check_table, "表 B：表 1 一致性检验", plan_source, float_format="{:g}")))

# %%
rows = []
for name, entry in prov["files"].items():
    src = prov["sources"][entry["source_id"]]
    rows.append({"来源": src["title_zh"], "发布者": src["issuer"], "文号": src.get("document_number") or "—",
                 "日期": str(src["date"]), "质量": src["quality"], "地址": src.get("url") or "（未记录）",
                 "访问日期": str(src["accessed"]), "文件": f"data/raw/{name}", "sha256": entry["sha256"]})
display(Markdown("## 数据来源"))
display(HTML(report.table_html(pd.DataFrame(rows), "表 C：原始数据及其来源", "data/raw/provenance.yml")))
