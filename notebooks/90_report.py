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
# The mid-term evaluation report, exported without code. The text is built by
# analysis.report_context (every fact from data/processed/, every word from analysis/messages/)
# and rendered by templates/report/; `language` selects Chinese (default) or English.
language = "zh"
evaluation_year = 2023
processed_dir = "data/processed"
figures_dir = "figures"
params_dir = "params"

# %%
from IPython.display import HTML, display

from analysis import paths, report, report_context, report_data, words
from analysis.parameters import check_parameter

check_parameter("language", language, str, allowed=list(words.LANGUAGES))
check_parameter("evaluation_year", evaluation_year, int, minimum=2021, maximum=2025)
data = report_data.load_report_data(paths.resolve(processed_dir), paths.resolve(params_dir), evaluation_year)
context = report_context.build_context(data, language)

# %%
# The runner takes the HTML <title> from this output's metadata.
display(HTML(report.render_report(context, paths.resolve(figures_dir))), metadata={"report": {"title": report.plain_title(context)}})
