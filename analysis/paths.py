"""Every path the project uses, built from the project root (nothing else builds paths by hand)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DATA_RAW = ROOT / "data" / "raw"
DATA_PROCESSED = ROOT / "data" / "processed"
FIGURES = ROOT / "figures"
REPORTS = ROOT / "reports"
NOTEBOOKS = ROOT / "notebooks"
PARAMS = ROOT / "params"
TEMPLATES = ROOT / "templates"

PROVENANCE = DATA_RAW / "provenance.yml"
PLAN_TEXT = DATA_RAW / "changji_14th_fyp_modern_services_plan.txt"
#: published figures, one a row (Changji; Urumqi and Xinjiang), and quote anchors into the plan
BULLETINS = (DATA_RAW / "changji_bulletins.csv", DATA_RAW / "urumqi_xinjiang_bulletins.csv")
PLAN_OBSERVATIONS = DATA_RAW / "plan_text_observations.csv"

INDICATORS = ROOT / "analysis" / "indicators.yml"
COVERAGE_CAVEATS = ROOT / "analysis" / "coverage.yml"
PLAN_QUOTES = ROOT / "analysis" / "plan_quotes.yml"
PLAN_TARGET_LABELS = ROOT / "analysis" / "plan_targets.yml"

BUREAU_COMPARISON_2020 = DATA_PROCESSED / "bureau_comparison_2020.csv"
BUREAU_COMPARISON_2020_CHECKS = DATA_PROCESSED / "bureau_comparison_2020_checks.csv"

#: executed notebooks (with code) land here; failed runs go to FAILED_NOTEBOOKS
EXECUTED_NOTEBOOKS = REPORTS / "notebooks"
FAILED_NOTEBOOKS = REPORTS / "failed"
REPORT_HTML = REPORTS / "mid_term_evaluation.html"


def resolve(path: str | Path) -> Path:
    """Return ``path`` as an absolute path; relative paths are taken from the project root.

    Notebooks take paths as papermill parameters relative to the root, so they run the same
    from ``make`` (cwd = root) and from JupyterLab (cwd = ``notebooks/``).
    """
    p = Path(path)
    return p if p.is_absolute() else ROOT / p


def relative(path: str | Path) -> str:
    """Path relative to the project root, as text (for messages and provenance records)."""
    p = resolve(path)
    try:
        return p.relative_to(ROOT).as_posix()
    except ValueError:
        return str(p)
