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
# The final evaluation report (终期评估), exported without code. The text is built by
# analysis.final_report with the mid-term report's machinery (every fact from data/processed/, every
# word from analysis/messages/) and rendered by templates/report/; `language` selects Chinese
# (default) or English.
language = "zh"
final_path = "data/processed/final_evaluation.csv"
check_path = "data/processed/final_forecast_check.csv"
observations_path = "data/processed/observations.csv"
final_params_path = "params/final_evaluation.yaml"
params_dir = "params"
figures_dir = "figures"

# %%
from IPython.display import HTML, display

from analysis import final_report, paths, report, words
from analysis.parameters import check_parameter

check_parameter("language", language, str, allowed=list(words.LANGUAGES))
data = final_report.load_final_report_data(paths.resolve(final_path), paths.resolve(check_path), paths.resolve(observations_path),
                                           paths.resolve(final_params_path), paths.resolve(params_dir))
context = final_report.build_context(data, language)

# %%
# The runner takes the HTML <title> from this output's metadata.
display(HTML(report.render_report(context, paths.resolve(figures_dir))), metadata={"report": {"title": report.plain_title(context)}})
