# Changji 14th five-year services plan: mid-term evaluation pipeline.
# Every target below is a file, so `make report` rebuilds only what changed.
# `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
KERNEL := changji-services
VENV_STAMP := $(VENV)/.installed-$(KERNEL)
RUN := $(PY) tools/notebook_runner.py
# Fixed timestamps wherever a tool would otherwise write the build time.
export SOURCE_DATE_EPOCH := 1664150400
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg

ANALYSIS := $(wildcard analysis/*.py) analysis/indicators.yml tools/notebook_runner.py $(wildcard templates/offline/*)
PROVENANCE := data/raw/provenance.yml
PLAN_TEXT := data/raw/changji_14th_fyp_modern_services_plan.txt
EXECUTED := reports/notebooks

COMPARISON := data/processed/bureau_comparison_2020.csv
COMPARISON_CHECKS := data/processed/bureau_comparison_2020_checks.csv
COMPARISON_FIGURES := $(foreach f,tertiary_value_added tertiary_share retail trade,figures/comparison_2020_$(f).png)
REPORT := reports/mid_term_evaluation.html

.PHONY: help venv browser report test lab clean distclean

help: ## List the targets (this message)
	@grep -E '^[a-zA-Z_./-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-10s %s\n", $$1, $$2}'

# ---- environment ---------------------------------------------------------------------------
# The venv is rebuilt when the lock is newer than the stamp (or the venv is missing).
$(VENV_STAMP): requirements.lock
	@echo "▶ building $(VENV) from requirements.lock with $(PYTHON)"
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(PY) -c "import site, pathlib; pathlib.Path(site.getsitepackages()[0], 'changji_project.pth').write_text('$(CURDIR)\n')"
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (changji-services)" >/dev/null
	touch $@

venv: $(VENV_STAMP) ## Create .venv from requirements.lock and register the Jupyter kernel

# ---- pipeline ------------------------------------------------------------------------------
$(COMPARISON) $(COMPARISON_CHECKS) &: notebooks/01_clean_bureau_comparison.py $(PLAN_TEXT) $(PROVENANCE) $(ANALYSIS) $(VENV_STAMP)
	$(RUN) execute $< $(EXECUTED)/01_clean_bureau_comparison.ipynb \
	  -p input_path $(PLAN_TEXT) -p output_path $(COMPARISON)

$(COMPARISON_FIGURES) &: notebooks/02_compare_2020.py $(COMPARISON) $(ANALYSIS) $(VENV_STAMP)
	$(RUN) execute $< $(EXECUTED)/02_compare_2020.ipynb -p comparison_path $(COMPARISON) -p figures_dir figures

$(EXECUTED)/90_report.ipynb: notebooks/90_report.py $(COMPARISON) $(COMPARISON_CHECKS) $(COMPARISON_FIGURES) $(PROVENANCE) $(ANALYSIS) $(VENV_STAMP)
	$(RUN) execute $< $@

$(REPORT): $(EXECUTED)/90_report.ipynb $(ANALYSIS) $(VENV_STAMP)
	$(RUN) html $< $@ --no-input

report: $(REPORT) ## Build reports/mid_term_evaluation.html (sets up .venv if needed)

# ---- working with it -----------------------------------------------------------------------
test: $(VENV_STAMP) browser ## Run the test suite (sets up .venv and Chromium if needed)
	$(PY) -m pytest

# The browser tests drive Debian's Chromium; CJK fonts let it draw the report's Chinese text.
browser: ## Install Debian's chromium and CJK fonts for the browser tests, if missing
	@if command -v chromium >/dev/null && fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "▶ installing chromium and fonts-noto-cjk (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "The browser tests need Chromium: install the Debian packages chromium and fonts-noto-cjk (as root)." >&2; exit 1; fi

lab: $(VENV_STAMP) ## Start JupyterLab with the project kernel
	$(VENV)/bin/jupyter lab --notebook-dir=$(CURDIR)

clean: ## Remove generated data, figures and reports (keeps .venv)
	find data/processed figures reports -mindepth 1 ! -name README.md -exec rm -rf {} +

distclean: clean ## Also remove .venv
	rm -rf $(VENV)
