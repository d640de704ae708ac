"""What the report reads: every table of ``data/processed/`` and every parameter file it uses, read
once by :func:`load_report_data` into a :class:`ReportData`. The report's text is then a pure function
of it (:func:`analysis.report_context.build_context`), testable on hand-made tables without files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import growth, paths, provenance, report, scenarios
from analysis.progress import load_thresholds
from analysis.yaml_files import load_yaml


@dataclass
class ReportData:
    """Every input of the report, already read (see :func:`load_report_data`)."""

    comparison: pd.DataFrame            # bureau_comparison_2020.csv (the plan's Table 1)
    checks: pd.DataFrame                # bureau_comparison_2020_checks.csv
    observations: pd.DataFrame          # observations.csv
    progress: pd.DataFrame              # target_progress.csv
    plan_targets: pd.DataFrame          # plan_targets.csv (the plan's Table 2)
    plan_audit: pd.DataFrame            # plan_audit.csv
    backtest: pd.DataFrame              # backtest.csv
    summaries: dict[str, dict]          # indicator id → scenario_summary_<id>.csv row
    readings: dict[str, pd.DataFrame]   # indicator id → target_readings_<id>.csv
    provenance: dict                    # data/raw/provenance.yml
    thresholds: dict                    # params/evaluation_thresholds.yaml
    evaluation_year: int
    parameters: dict[str, dict] = field(default_factory=dict)  # the build's parameter files by name (parameter_files)
    stamp: dict = field(default_factory=dict)                  # git revision, package versions
    level: float = 0.8                  # coverage of the prediction intervals
    min_points_damped: int | None = None
    covid_years: tuple[int, ...] = ()
    robustness: pd.DataFrame | None = None          # robustness.csv (analysis/trust.py; None: not built)
    conclusion_caveats: pd.DataFrame | None = None  # conclusion_caveats.csv


#: the parameter files a build reads (the Makefile's REPORT_PARAMS), shown in the report's stamp; a
#: researcher's own params/my_case.yaml is theirs (``make scenario``) and never read by the report
BUILD_PARAMETER_FILES = ("evaluation_thresholds.yaml", "final_evaluation.yaml",
                         *(f"scenario_{i}.yaml" for i in scenarios.SCENARIO_INDICATORS))


def parameter_files(params_dir: str | Path) -> dict[str, dict]:
    """``{file name: contents}`` of the :data:`BUILD_PARAMETER_FILES` in ``params_dir`` (by name)."""
    params = Path(params_dir)
    return {name: load_yaml(params / name) for name in sorted(BUILD_PARAMETER_FILES) if (params / name).exists()}


def load_report_data(processed_dir: str | Path, params_dir: str | Path, evaluation_year: int) -> ReportData:
    """Read every table the report needs from ``processed_dir`` and the parameter files."""
    proc = Path(processed_dir)

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(proc / name, dtype={"region_code": str})

    progress = read("target_progress.csv")
    if len(progress) and int(progress["evaluation_year"].iloc[0]) != evaluation_year:
        raise ValueError(f"target_progress.csv is for {int(progress['evaluation_year'].iloc[0])}, not {evaluation_year}: rerun 30_evaluation")
    params = Path(params_dir)
    summaries = {i: read(f"scenario_summary_{i}.csv").iloc[0].to_dict() for i in scenarios.SCENARIO_INDICATORS}
    scenario_params = [load_yaml(params / f"scenario_{i}.yaml") for i in summaries
                       if (params / f"scenario_{i}.yaml").exists()]
    levels = {float(p.get("level", 0.8)) for p in scenario_params} or {0.8}
    built = (proc / "robustness.csv").exists() and (proc / "conclusion_caveats.csv").exists()
    return ReportData(
        comparison=read("bureau_comparison_2020.csv"), checks=read("bureau_comparison_2020_checks.csv"),
        observations=read("observations.csv"), progress=progress, plan_targets=read("plan_targets.csv"),
        plan_audit=read("plan_audit.csv"), backtest=read("backtest.csv"), summaries=summaries,
        readings={i: read(f"target_readings_{i}.csv") for i in summaries},
        provenance=provenance.load_provenance(), thresholds=load_thresholds(params / "evaluation_thresholds.yaml"),
        evaluation_year=evaluation_year,
        parameters=parameter_files(params),
        stamp={"git": report.git_revision(paths.ROOT),
               "versions": report.package_versions(("pandas", "numpy", "matplotlib", "seaborn", "statsmodels", "papermill",
                                                    "nbconvert", "jupytext", "jinja2", "mplfonts"))},
        level=min(levels), min_points_damped=growth.MIN_POINTS_DAMPED, covid_years=tuple(growth.COVID_YEARS),
        robustness=read("robustness.csv") if built else None, conclusion_caveats=read("conclusion_caveats.csv") if built else None,
    )
