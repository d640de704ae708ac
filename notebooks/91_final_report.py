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

# %% tags=["parameters"]
# The final evaluation report (终期评估), exported without code. Every number is read from
# data/processed/ at render time; `language` selects Chinese (default) or English.
language = "zh"
final_path = "data/processed/final_evaluation.csv"
check_path = "data/processed/final_forecast_check.csv"
observations_path = "data/processed/observations.csv"
final_params_path = "params/final_evaluation.yaml"

# %%
import pandas as pd
from IPython.display import HTML, display

from analysis import final_evaluation, final_report, paths, provenance, report
from analysis.parameters import check_parameter

check_parameter("language", language, str, allowed=["zh", "en"])
final = pd.read_csv(paths.resolve(final_path), dtype={"reason_params": str, "total_reason_params": str})
check = pd.read_csv(paths.resolve(check_path))
obs = pd.read_csv(paths.resolve(observations_path), dtype={"region_code": str})
params = final_evaluation.load_parameters(paths.resolve(final_params_path))
prov = provenance.load_provenance()

# %%
context = final_report.build_context(final, check, params, final_evaluation.data_years(obs), prov["sources"],
                                     prov["sources"][provenance.PLAN_SOURCE_ID], language)
# The runner takes the HTML <title> from this output's metadata.
display(HTML(final_report.render(context)), metadata={"report": {"title": report.plain_title(context)}})
