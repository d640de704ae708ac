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
# # 增长情景（每个指标运行一次）
# *Growth scenarios for one indicator: actuals, plan path, fitted trend with 80% band, stress,
# and the growth required to reach the 2025 target.* Parameters come from `params/scenario_*.yaml`
# (`make report`), or from your own YAML (`make scenario PARAMS=params/my_case.yaml`).

# %% tags=["parameters"]
from analysis.catalogue import SUBJECT_REGION  # 昌吉回族自治州

title = ""               # empty: the catalogue's title for this indicator (figure.scenario_title)
title_en = ""
description = ""
indicator = "tertiary_value_added"
region_code = SUBJECT_REGION
target = "plan"          # "plan" (表 2) or a number in the indicator's unit
stated_rate = "plan"     # "plan", a fraction per year (0.08), or None
base_year = 2020
horizon = 2025           # the year the target applies to; projections end here
covid = "none"           # none | dummy | exclude
seed = 20250101
level = 0.8
stress_shock = 0.02      # the stress scenario grows this much slower than the fitted trend
observations_path = "data/processed/observations.csv"
targets_path = "data/processed/plan_targets.csv"
output_dir = "data/processed"
figures_dir = "figures"

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from analysis import catalogue, figures, files, labels, observations, paths, report_format, scenarios, style, trust, trust_words, words
from analysis.markdown_text import escape  # text from a parameter file is shown as typed, never as markup
from analysis.parameters import ParameterError, check_parameter

check_parameter("title", title, str)
check_parameter("region_code", str(region_code), str, allowed=list(catalogue.catalogue()["regions"]))
region_code = str(region_code)
if target != "plan":
    check_parameter("target", target, (int, float), minimum=0, exclusive=True)
if stated_rate == "plan":
    stated_rate_given = None
else:
    stated_rate_given = stated_rate
scenarios.validate_scenario_parameters(indicator, stated_rate_given, base_year, horizon, covid, seed, float(level), stress_shock)
plan = scenarios.plan_target_and_rate(pd.read_csv(paths.resolve(targets_path)), indicator)
target_value = plan["target"] if target == "plan" else float(target)
rate = plan["stated_rate"] if stated_rate == "plan" else stated_rate
unit = catalogue.indicator(indicator)["unit"]
# a YAML that names no title (or no English one) gets its own indicator's, never another's
title = title or words.text("figure.scenario_title", "zh", indicator=labels.indicator(indicator, "zh"), year=horizon)
title_en = title_en or words.text("figure.scenario_title", "en", indicator=labels.indicator(indicator, "en"), year=horizon)
obs = observations.read_observations(observations_path)
series = observations.annual_series(obs, region_code, indicator)
# a horizon already published (2025 once its bulletin is out) is fine: there is nothing left to project
if len(series) and horizon < int(series["year"].max()):
    raise ParameterError(f"parameter 'horizon' = {horizon}: must not be before the latest actual year ({int(series['year'].max())})")
out_dir, fig_dir = paths.resolve(output_dir), paths.resolve(figures_dir)

# %% [markdown]
# ## 数据与情景

# %%
display(Markdown(f"### {escape(title)}\n\n{escape(title_en)}\n\n{escape(description)}"))
display(series)
table, summary = scenarios.build_scenarios(series, unit=unit, target=target_value, target_year=horizon, stated_rate=rate,
                                           base_year=base_year, covid=covid, seed=seed, level=float(level),
                                           stress_shock=stress_shock)
summary = {"indicator_id": indicator, "region_code": region_code, "title": title, "title_en": title_en,
           "target_text": plan["target_text"] if target == "plan" else f"{target_value:g} {unit}",
           "rate_text": plan["rate_text"] if stated_rate == "plan" else ("—" if rate is None else f"{rate:.4f}"),
           "covid": covid, "seed": seed, "stress_shock": stress_shock, **summary,
           "series_sources": ";".join(f"{int(r.year)}:{r.source_id}({r.quality},{r.qualifier})" for r in series.itertuples())}

# A target that may be a five-year total (tourism) has two readings; others have none to add.
readings = pd.DataFrame(columns=scenarios.READING_COLUMNS)
if plan["may_be_five_year_total"]:
    totals = obs[(obs["region_code"] == region_code) & (obs["indicator_id"] == indicator) & (obs["period"] == "five_year_total") & obs["selected"]]
    readings = scenarios.tourism_readings(series, target_value, float(totals["value"].iloc[0]) if len(totals) else None,
                                          start_year=base_year + 1, end_year=horizon)

# %%
files.write_csv(table, out_dir / f"scenarios_{indicator}.csv")
files.write_csv(pd.DataFrame([summary]), out_dir / f"scenario_summary_{indicator}.csv")
files.write_csv(readings, out_dir / f"target_readings_{indicator}.csv")
# where the series changes basis (census revision, XPCC coverage), from the observation rules: marked on the chart
breaks = trust.series_breaks(obs, region_code, indicator)
for language in words.LANGUAGES:  # one figure per report language: figures/zh/, figures/en/
    style.apply_style(language)  # the fonts of the figure's language (analysis/style.py)
    # no title: the report's caption says what the chart shows; the axes' frame goes into the SVG for the report's rate control
    fig = figures.scenario_fan_chart(table, None, unit, language, level=float(level), breaks=breaks)
    style.save_figure(fig, fig_dir / language / f"scenario_{indicator}.svg", frame_of=fig.axes[0])
    plt.show()
    plt.close(fig)

# %% [markdown]
# ## 解读

# %%
fmt, pct = report_format.fmt_number, report_format.fmt_pct
unit_zh = labels.unit(unit, "zh")
lines = [words.text("scenario.explain.latest", "zh", year=summary["latest_year"], value=fmt(summary["latest_value"]), unit=unit_zh,
                    target_year=horizon, target=fmt(target_value), required=pct(summary["required_rate"]))]
if rate is not None:
    lines.append(words.text("scenario.explain.plan", "zh", rate=pct(rate), base_year=base_year, year=horizon,
                            value=fmt(summary["plan_value_at_target_year"]), unit=unit_zh))
if summary["trend_method"]:
    lines.append(words.text("scenario.explain.trend", "zh", rate=pct(summary["trend_rate"]), year=horizon, value=fmt(summary["trend_value"]),
                            unit=unit_zh, level=pct(float(level), 0), interval="—" if pd.isna(summary["trend_lower"]) else
                            words.text("range", "zh", low=fmt(summary["trend_lower"]), high=fmt(summary["trend_upper"])),
                            probability=pct(summary["probability_of_target"], 0)))
for message in words.from_json(summary["note_messages"]):
    lines.append(words.text("scenario.explain.note", "zh", note=words.render(message, "zh")))
# the series' weakest source and whether it mixes census vintages or XPCC coverage (analysis/trust_words.py)
lines.append(trust_words.series_caveat_text(obs, region_code, indicator, horizon, "zh"))
display(Markdown("\n".join(f"- {escape(line)}" for line in lines)))
if len(readings):
    display(readings)
