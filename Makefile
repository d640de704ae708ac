# Changji 14th five-year services plan: mid-term evaluation pipeline.
# Every target below is a file, so `make report` rebuilds only what changed.
# `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules
# A quiet build: recipes are not echoed (the runner's `[k/N] ▶ … (because …)` and `✔`/`✖` lines are the
# build's output, and errors print in full); `make report V=1` shows every command.
ifneq ($(V),1)
.SILENT:
endif

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
KERNEL := changji-services
VENV_STAMP := $(VENV)/.installed-$(KERNEL)
# BECAUSE: the prerequisites newer than the target ($?), so each `▶` line says why it runs.
# STEP_INPUTS: all of them ($^): a step whose inputs were rewritten with the content of its last
# run keeps its outputs instead of running again (tools/step_records.py).
RUN = BECAUSE="$?" STEP_INPUTS="$^" $(PY) tools/notebook_runner.py
# Fixed timestamps wherever a tool would otherwise write the build time.
export SOURCE_DATE_EPOCH := 1664150400
export PYTHONHASHSEED := 0
# PARAMS (make scenario) is a file name: data, never code. Kept as typed (a simple variable is
# never expanded again, so make does not run a `$(...)` in a name) and exported: recipes hand it
# to Python through the environment, never through shell text.
override PARAMS := $(value PARAMS)
export PARAMS

# The year the mid-term evaluation judges (`make report EVALUATION_YEAR=2024`). Its value lives in a
# parameter stamp file rewritten only when the value changes, so Make reruns only what uses it.
EVALUATION_YEAR ?= 2023
ifneq ($(words $(EVALUATION_YEAR)) $(filter 2021 2022 2023 2024 2025,$(EVALUATION_YEAR)),1 $(strip $(EVALUATION_YEAR)))
$(error EVALUATION_YEAR=$(EVALUATION_YEAR): expected a year of the plan period, one of 2021 to 2025)
endif
override EVALUATION_YEAR := $(strip $(EVALUATION_YEAR))
YEAR_STAMP := build/params/evaluation_year
$(shell mkdir -p $(dir $(YEAR_STAMP)) && [ "$$(cat $(YEAR_STAMP) 2>/dev/null)" = "$(EVALUATION_YEAR)" ] || echo "$(EVALUATION_YEAR)" > $(YEAR_STAMP))

ANALYSIS := $(wildcard analysis/*.py analysis/*.yml analysis/messages/*.yml) tools/notebook_runner.py $(wildcard templates/offline/*)
# The report's templates, stylesheet and rate-control script (inlined into the page, allowed by its CSP hash).
REPORT_TEMPLATES := $(wildcard templates/report/*)
PROVENANCE := data/raw/provenance.yml
PLAN_TEXT := data/raw/changji_14th_fyp_modern_services_plan.txt
EXECUTED := reports/notebooks

COMPARISON := data/processed/bureau_comparison_2020.csv
COMPARISON_CHECKS := data/processed/bureau_comparison_2020_checks.csv
# Figures are drawn once per report language: figures/zh/…, figures/en/….
LANGUAGES := zh en
# Figures are SVG (text kept as text): one small-multiples comparison, a chart per scenario, the sweep, the progress chart.
COMPARISON_FIGURES := $(LANGUAGES:%=figures/%/comparison_2020.svg)
RAW_BULLETINS := data/raw/changji_bulletins.csv data/raw/urumqi_xinjiang_bulletins.csv data/raw/plan_text_observations.csv
TRUST_RULES := data/raw/observation_rules.yml data/raw/data_notes.md
OBSERVATIONS := data/processed/observations.csv data/processed/observations_unused.csv data/processed/plan_targets.csv
SCENARIO_IDS := tertiary_value_added retail_sales_total tourism_visits tourism_revenue
SCENARIO_SUMMARIES := $(SCENARIO_IDS:%=data/processed/scenario_summary_%.csv)
SCENARIO_OUTPUTS := $(SCENARIO_SUMMARIES) $(SCENARIO_IDS:%=data/processed/scenarios_%.csv) \
  $(SCENARIO_IDS:%=data/processed/target_readings_%.csv) $(foreach l,$(LANGUAGES),$(SCENARIO_IDS:%=figures/$(l)/scenario_%.svg))
OVERVIEW := data/processed/sweep_required_vs_achievable.csv data/processed/backtest.csv $(LANGUAGES:%=figures/%/sweep_required_vs_achievable.svg)
EVALUATION := data/processed/target_progress.csv data/processed/plan_audit.csv $(LANGUAGES:%=figures/%/target_progress.svg)
FINAL_PARAMS := params/final_evaluation.yaml
SCENARIO_PARAMS := $(SCENARIO_IDS:%=params/scenario_%.yaml)
# the parameter files the reports read (shown in their stamp: analysis/report_data.py BUILD_PARAMETER_FILES);
# a researcher's own params/*.yaml is for `make scenario` and never read by the report
REPORT_PARAMS := params/evaluation_thresholds.yaml $(FINAL_PARAMS) $(SCENARIO_PARAMS)
FINAL_TABLES := data/processed/final_evaluation.csv data/processed/final_forecast_check.csv data/processed/final_scoreboard.csv
FINAL_REPORT := reports/final_evaluation.html
FINAL_REPORT_EN := reports/final_evaluation.en.html
FINAL_NOTEBOOKS := $(EXECUTED)/31_final_evaluation.ipynb $(EXECUTED)/91_final_report.ipynb $(EXECUTED)/91_final_report.en.ipynb
ROBUSTNESS := data/processed/robustness.csv data/processed/conclusion_caveats.csv
REPORT := reports/mid_term_evaluation.html
REPORT_EN := reports/mid_term_evaluation.en.html
INDEX := reports/index.html
REPORT_PDFS := reports/mid_term_evaluation.pdf reports/mid_term_evaluation.en.pdf reports/final_evaluation.pdf reports/final_evaluation.en.pdf
CHROMIUM ?= chromium

.PHONY: help venv browser report pdf pipeline final final-pipeline add-figure scenario golden bench test test-fast lint lab explore clean distclean

help: ## List the targets (this message)
	@grep -E '^[a-zA-Z_./-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-10s %s\n", $$1, $$2}'

# ---- environment ---------------------------------------------------------------------------
# The venv is rebuilt when the lock is newer than the stamp (or the venv is missing).
# JupyterLab's settings for this venv only (never the user's home): the project's text notebooks
# (notebooks/*.py) open as notebooks, and JupyterLab fetches no news from the network.
$(VENV_STAMP): requirements.lock tools/jupyterlab_overrides.json
	@echo "▶ building $(VENV) from requirements.lock with $(PYTHON)"
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(PY) -c "import site, pathlib; pathlib.Path(site.getsitepackages()[0], 'changji_project.pth').write_text('$(CURDIR)\n')"
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (changji-services)" >/dev/null
	install -D -m 644 tools/jupyterlab_overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $@

venv: $(VENV_STAMP) ## Create .venv from requirements.lock and register the Jupyter kernel

# ---- pipeline ------------------------------------------------------------------------------
# Each rule lists every input it reads; its outputs include the executed notebook (kept, with
# code, for reviewers). The runner writes to temporary files and renames, so an interrupted
# run never leaves a target that looks up to date.
$(COMPARISON) $(COMPARISON_CHECKS) $(EXECUTED)/01_clean_bureau_comparison.ipynb &: notebooks/01_clean_bureau_comparison.py $(PLAN_TEXT) $(PROVENANCE) $(ANALYSIS) $(VENV_STAMP)
	$(RUN) execute $< $(EXECUTED)/01_clean_bureau_comparison.ipynb \
	  -p input_path $(PLAN_TEXT) -p output_path $(COMPARISON)

$(COMPARISON_FIGURES) $(EXECUTED)/02_compare_2020.ipynb &: notebooks/02_compare_2020.py $(COMPARISON) $(ANALYSIS) $(VENV_STAMP)
	$(RUN) execute $< $(EXECUTED)/02_compare_2020.ipynb -p comparison_path $(COMPARISON) -p figures_dir figures

$(OBSERVATIONS) $(EXECUTED)/10_clean_observations.ipynb &: notebooks/10_clean_observations.py $(RAW_BULLETINS) $(TRUST_RULES) $(PLAN_TEXT) $(PROVENANCE) $(ANALYSIS) $(VENV_STAMP)
	$(RUN) execute $< $(EXECUTED)/10_clean_observations.ipynb

# One run of the scenario notebook per params/scenario_<indicator>.yaml (a pattern rule with
# several targets: one recipe run makes all of them).
data/processed/scenarios_%.csv data/processed/scenario_summary_%.csv data/processed/target_readings_%.csv figures/zh/scenario_%.svg figures/en/scenario_%.svg $(EXECUTED)/20_scenario_%.ipynb: notebooks/20_scenario.py params/scenario_%.yaml $(OBSERVATIONS) $(ANALYSIS) $(VENV_STAMP)
	$(RUN) execute $< $(EXECUTED)/20_scenario_$*.ipynb -f params/scenario_$*.yaml

$(OVERVIEW) $(EXECUTED)/21_scenario_overview.ipynb &: notebooks/21_scenario_overview.py $(SCENARIO_SUMMARIES) $(OBSERVATIONS) $(ANALYSIS) $(VENV_STAMP)
	$(RUN) execute $< $(EXECUTED)/21_scenario_overview.ipynb

$(EVALUATION) $(EXECUTED)/30_evaluation.ipynb &: notebooks/30_evaluation.py params/evaluation_thresholds.yaml $(YEAR_STAMP) $(OBSERVATIONS) $(PLAN_TEXT) $(PROVENANCE) $(ANALYSIS) $(VENV_STAMP)
	$(RUN) execute $< $(EXECUTED)/30_evaluation.ipynb -p evaluation_year $(EVALUATION_YEAR)

# Each status and scenario recomputed on official figures only and without pre-revision figures,
# with the weakest source and the caveats each rests on (analysis/trust.py).
$(ROBUSTNESS) $(EXECUTED)/35_robustness.ipynb &: notebooks/35_robustness.py params/evaluation_thresholds.yaml $(YEAR_STAMP) $(OBSERVATIONS) $(SCENARIO_SUMMARIES) $(TRUST_RULES) $(PROVENANCE) $(ANALYSIS) $(VENV_STAMP)
	$(RUN) execute $< $(EXECUTED)/35_robustness.ipynb -p evaluation_year $(EVALUATION_YEAR)

REPORT_INPUTS := notebooks/90_report.py $(COMPARISON) $(COMPARISON_CHECKS) $(COMPARISON_FIGURES) $(SCENARIO_OUTPUTS) \
  $(OVERVIEW) $(EVALUATION) $(ROBUSTNESS) $(REPORT_PARAMS) $(YEAR_STAMP) $(PROVENANCE) $(ANALYSIS) $(REPORT_TEMPLATES) $(VENV_STAMP)

$(EXECUTED)/90_report.ipynb: $(REPORT_INPUTS)
	$(RUN) execute $< $@ -p language zh -p evaluation_year $(EVALUATION_YEAR)

$(EXECUTED)/90_report.en.ipynb: $(REPORT_INPUTS)
	$(RUN) execute $< $@ -p language en -p evaluation_year $(EVALUATION_YEAR)

# One export process for all HTML: the reports without code, every executed notebook with
# code, and reports/index.html linking them.
EXECUTED_NOTEBOOKS := $(EXECUTED)/01_clean_bureau_comparison.ipynb $(EXECUTED)/02_compare_2020.ipynb \
  $(EXECUTED)/10_clean_observations.ipynb $(SCENARIO_IDS:%=$(EXECUTED)/20_scenario_%.ipynb) \
  $(EXECUTED)/21_scenario_overview.ipynb $(EXECUTED)/30_evaluation.ipynb $(EXECUTED)/35_robustness.ipynb $(EXECUTED)/90_report.ipynb $(EXECUTED)/90_report.en.ipynb

$(REPORT) $(REPORT_EN) $(INDEX) &: $(EXECUTED_NOTEBOOKS) $(ANALYSIS) $(VENV_STAMP)
	$(RUN) publish --report $(EXECUTED)/90_report.ipynb $(REPORT) --report $(EXECUTED)/90_report.en.ipynb $(REPORT_EN) \
	  --index $(INDEX) --listed-report $(FINAL_REPORT) --listed-report $(FINAL_REPORT_EN) \
	  $(FINAL_NOTEBOOKS:%=--listed %) $(EXECUTED_NOTEBOOKS)

# ---- final evaluation (终期评估, evaluation year = the plan's target year 2025) ----------------
$(FINAL_TABLES) $(EXECUTED)/31_final_evaluation.ipynb &: notebooks/31_final_evaluation.py $(FINAL_PARAMS) \
  params/evaluation_thresholds.yaml $(SCENARIO_PARAMS) $(OBSERVATIONS) $(ANALYSIS) $(VENV_STAMP)
	$(RUN) execute $< $(EXECUTED)/31_final_evaluation.ipynb

FINAL_REPORT_INPUTS := notebooks/91_final_report.py $(FINAL_TABLES) $(OBSERVATIONS) $(REPORT_PARAMS) $(PROVENANCE) \
  $(ANALYSIS) $(REPORT_TEMPLATES) $(VENV_STAMP)

$(EXECUTED)/91_final_report.ipynb: $(FINAL_REPORT_INPUTS)
	$(RUN) execute $< $@ -p language zh

$(EXECUTED)/91_final_report.en.ipynb: $(FINAL_REPORT_INPUTS)
	$(RUN) execute $< $@ -p language en

# The final report sits beside the mid-term one: the mid-term build comes first (order-only, so
# its index being rewritten here does not make the final report out of date), and one index
# links both reports and every executed notebook.
$(FINAL_REPORT) $(FINAL_REPORT_EN) &: $(FINAL_NOTEBOOKS) $(ANALYSIS) $(VENV_STAMP) | $(INDEX)
	$(RUN) publish --report $(EXECUTED)/91_final_report.ipynb $(FINAL_REPORT) \
	  --report $(EXECUTED)/91_final_report.en.ipynb $(FINAL_REPORT_EN) --index $(INDEX) \
	  --listed-report $(REPORT) --listed-report $(REPORT_EN) $(EXECUTED_NOTEBOOKS:%=--listed %) $(FINAL_NOTEBOOKS)

# `report` counts the pipeline's steps (for the [k/N] progress lines the runner prints) and
# builds the real file targets with independent notebooks in parallel. When there is work to do it
# first starts one runner server for this build (tools/runner_server.py) in a private temporary
# directory: each recipe's runner hands its run to it instead of importing papermill, jupytext and
# nbconvert again (~2 s a notebook). The trap stops it when the build ends, however it ends.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# JOBS is a positive whole number: nothing of it may be left once its digits are removed (checked
# without a shell, so no text in it can run).
without_digits = $(subst 0,,$(subst 1,,$(subst 2,,$(subst 3,,$(subst 4,,$(subst 5,,$(subst 6,,$(subst 7,,$(subst 8,,$(subst 9,,$(1)))))))))))
ifneq ($(words $(JOBS))$(call without_digits,$(JOBS))$(filter 0%,$(JOBS)),1)
$(error JOBS=$(JOBS): expected a positive whole number of parallel jobs, e.g. JOBS=2)
endif
# `make -n report` still runs this recipe (it calls $(MAKE)): it must not start a server then.
# The single-letter flags are MAKEFLAGS' first word unless it is a long option (--no-builtin-rules).
DRY_RUN = $(findstring n,$(filter-out -%,$(firstword $(MAKEFLAGS))))
# $(call counted,goal): build `goal` with [k/N] progress lines and, when anything is to run, one
# runner server for the whole build. An input touched but unchanged (same sha256 as at the last
# successful build) first gets its recorded mtime back, so it reruns nothing (tools/input_hashes.py:
# stdlib only, runs before the venv exists); the hashes are recorded after a build that ran something.
HASHES = $(if $(wildcard $(PY)),$(PY),$(PYTHON)) -S tools/input_hashes.py
# Content, not clocks: a step whose inputs or outputs are not those of its last run is dated so that
# Make reruns it, whatever the files' dates said (tools/step_records.py; one line per such file).
OUTDATE = $(if $(wildcard $(PY)),$(PY),$(PYTHON)) -S -m tools.step_records outdate
counted = @$(HASHES) restore; [ -n "$(DRY_RUN)" ] || $(OUTDATE); \
	export PIPELINE_STEPS=$$($(MAKE) -nB --no-print-directory $(1) 2>/dev/null | grep -c "notebook_runner.py" || true); \
	export PIPELINE_COUNTER=$$(mktemp); build_tmp=$$(mktemp -d); server=; \
	trap '[ -z "$$server" ] || { kill $$server 2>/dev/null; wait $$server 2>/dev/null; } || true; rm -rf "$$PIPELINE_COUNTER" "$$build_tmp"' EXIT; \
	if [ -z "$(DRY_RUN)" ] && ! $(MAKE) -q --no-print-directory $(1) 2>/dev/null; then \
	  export NOTEBOOK_RUNNER_SOCKET="$$build_tmp/runner.sock"; \
	  $(RUN) serve "$$NOTEBOOK_RUNNER_SOCKET" </dev/null & server=$$!; \
	  for _ in $$(seq 300); do [ -S "$$NOTEBOOK_RUNNER_SOCKET" ] || ! kill -0 $$server 2>/dev/null && break; sleep 0.01; done; \
	fi; \
	$(PYTHON) tools/build_lock.py $(MAKE) --no-print-directory -j$(JOBS) $(1) && \
	if [ -s "$$PIPELINE_COUNTER" ]; then $(HASHES) record; elif [ -z "$(DRY_RUN)" ]; then echo "✔ every output is up to date: nothing to run"; fi

report: $(VENV_STAMP) ## Build reports/mid_term_evaluation.html (+ .en.html, index.html); sets up .venv if needed
	$(call counted,pipeline)

final: $(VENV_STAMP) ## Build the final evaluation (终期评估, 2025): reports/final_evaluation.html (+ .en.html), beside the mid-term report
	$(call counted,final-pipeline)

# Optional: both editions of the mid-term and of the final report printed to A4 PDF by headless
# Chromium (`make report` never needs it; the final report's HTML is built first if it is missing).
# The print stylesheet is in templates/report/report.css; Chromium writes to a temporary file first.
pdf: $(REPORT_PDFS) ## Print both editions of both reports to PDF (reports/mid_term_evaluation.pdf, final_evaluation.pdf, + .en.pdf) with headless Chromium

# Two passes (tools/print_pdf.py): the first finds the page of every section, the second prints the
# contents with those page numbers; the PDF is written to a temporary name and renamed.
reports/%.pdf: reports/%.html tools/print_pdf.py
	@command -v $(CHROMIUM) >/dev/null || { echo "make pdf needs Chromium: run make browser (Debian package chromium)" >&2; exit 1; }
	@command -v pdfinfo >/dev/null || { echo "make pdf needs pdfinfo: run make browser (Debian package poppler-utils)" >&2; exit 1; }
	@$(PYTHON) tools/print_pdf.py $(CHROMIUM) $< $@

# Make must never delete a target itself: the runner writes each output to a temporary file and
# renames it, so a failed or interrupted recipe cannot leave a target that looks up to date. (With
# grouped targets GNU Make 4.3 would otherwise delete the *other* targets of a failed or
# interrupted rule, which the recipe had not touched, destroying the previous run's outputs.)
.PRECIOUS: $(COMPARISON) $(COMPARISON_CHECKS) $(COMPARISON_FIGURES) $(OBSERVATIONS) $(SCENARIO_OUTPUTS) \
  $(OVERVIEW) $(EVALUATION) $(ROBUSTNESS) $(EXECUTED_NOTEBOOKS) $(REPORT) $(REPORT_EN) $(INDEX) $(FINAL_TABLES) \
  $(FINAL_NOTEBOOKS) $(FINAL_REPORT) $(FINAL_REPORT_EN)

pipeline: $(REPORT) $(REPORT_EN) $(INDEX)

final-pipeline: $(FINAL_REPORT) $(FINAL_REPORT_EN)

# A raw file is a source, never a target: if one is missing, say which and what is expected.
data/raw/%:
	@echo "✖ $@: file not found; expected the raw file recorded in $(PROVENANCE) (restore it: git checkout -- $@)" >&2; exit 1

# ---- working with it -----------------------------------------------------------------------
# After appending a row to data/raw/*_bulletins.csv: show the new rows, write a stub provenance
# entry for each unregistered page, validate every row, record the file's new hash.
add-figure: $(VENV_STAMP) ## After appending a row to a bulletin CSV: show it, register its page (stub), validate, record the hash
	$(PY) -m analysis.add_figure $(if $(ACCESSED),--accessed "$(ACCESSED)")

# A researcher's own scenario: outputs go to reports/scenarios/<name>/, never over the report's.
# The file name reaches the runner through the environment, unexpanded, never through a shell
# command line; the executed notebook is exported to HTML only with HTML=1 (the export costs more
# than the run).
scenario: export SCENARIO_PARAMS = $(value PARAMS)
scenario: export SCENARIO_HTML = $(if $(filter-out 0,$(HTML)),--html)
scenario: $(OBSERVATIONS) $(VENV_STAMP) ## Run the scenario notebook on your YAML: make scenario PARAMS=params/my_case.yaml [HTML=1]
	@$(RUN) scenario $${SCENARIO_HTML} "$$SCENARIO_PARAMS"

test: $(VENV_STAMP) browser ## Run the test suite, doctests and lint (sets up .venv and Chromium if needed)
	$(PY) -m pytest

test-fast: $(VENV_STAMP) ## Unit tests only (no notebook runs, browser or kernel matrix; under a minute)
	$(PY) -m pytest -m "not pipeline and not browser and not slow"

lint: $(VENV_STAMP) ## Lint with ruff (rules in pyproject.toml; also run by make test)
	$(VENV)/bin/ruff check .

# The browser tests drive Debian's Chromium; CJK fonts let it draw the report's Chinese text;
# poppler-utils (pdftotext, pdfimages) lets the PDF test read what `make pdf` printed.
browser: ## Install Debian's chromium, CJK fonts and poppler-utils for the browser tests, if missing
	@if command -v chromium >/dev/null && command -v pdftotext >/dev/null && fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "▶ installing chromium, fonts-noto-cjk and poppler-utils (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null; \
	else echo "The browser tests need Chromium: install the Debian packages chromium, fonts-noto-cjk and poppler-utils (as root)." >&2; exit 1; fi

# Build times for the README, measured in a temporary copy (the working tree is not touched).
bench: $(VENV_STAMP) ## Time cold, no-op and one-change builds against plain nbconvert (in a temporary copy, ~3 min)
	$(PY) tools/bench.py --jobs $(JOBS) $(BENCH_FLAGS)

golden: report ## Accept the current scenario/evaluation tables as the tests' golden copies (after reviewing the diff)
	cp $(SCENARIO_IDS:%=data/processed/scenarios_%.csv) $(SCENARIO_SUMMARIES) $(SCENARIO_IDS:%=data/processed/target_readings_%.csv) \
	  data/processed/backtest.csv data/processed/target_progress.csv tests/golden/

EXPLORER := notebooks/40_explore_scenarios.py

# JupyterLab opens on the explorer, shown as a notebook (the venv's settings: see $(VENV_STAMP)).
lab: $(OBSERVATIONS) $(VENV_STAMP) ## JupyterLab on the scenario explorer (notebooks/40_explore_scenarios.py): Run All Cells
	$(VENV)/bin/jupyter lab --notebook-dir=$(CURDIR) --ServerApp.ip=127.0.0.1 --LabApp.default_url=/lab/tree/$(EXPLORER) \
	  $(if $(filter 0,$(shell id -u)),--allow-root)

# The explorer as a web page without code (Voilà), for those who do not run code: `make explore`,
# or `make explore LANGUAGE=en` for the English one. Only a LANGUAGE given on make's command line
# counts (the environment's LANGUAGE is gettext's). It is data: kept as typed (make exports a
# command-line variable to every recipe, expanding it, so a `$(...)` in it would run; a simple
# variable is not expanded again) and handed to Python, which checks it, through the environment.
ifeq ($(origin LANGUAGE),command line)
override LANGUAGE := $(value LANGUAGE)
EXPLORER_LANGUAGE := $(LANGUAGE)
else
EXPLORER_LANGUAGE := zh
endif
explore: export EXPLORER_LANGUAGE := $(EXPLORER_LANGUAGE)
explore: $(OBSERVATIONS) $(VENV_STAMP) ## The scenario explorer as a web page without code (Voilà) on 127.0.0.1; LANGUAGE=en for English
	@$(PY) tools/explore.py $(EXPLORER)

clean: ## Remove generated data, figures and reports (keeps .venv)
	find data/processed figures reports -mindepth 1 ! -name README.md -exec rm -rf {} +

distclean: clean ## Also remove .venv
	rm -rf $(VENV)
