"""The project's folders, its raw inputs and its own data files, built from the project root.

Names of *generated* files (``data/processed/*.csv``, ``figures/*.png``, ``reports/*``) are owned
by the ``Makefile``: every output is a Make target, and each notebook takes the paths it writes as
parameters whose defaults are those names (``tests/test_environment.py`` checks that every file
name a notebook writes or reads by default is one the Makefile knows). This module owns what Make
does not build: where things live, and the files under ``data/raw/`` and ``analysis/``.
"""
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
GROWTH_BASIS = ROOT / "analysis" / "growth_basis.yml"
PLAN_QUOTES = ROOT / "analysis" / "plan_quotes.yml"
PLAN_TARGET_LABELS = ROOT / "analysis" / "plan_targets.yml"
PUBLISHERS = ROOT / "analysis" / "publishers.yml"

#: where the runner keeps a failed notebook, with its error (tools/notebook_runner.py)
FAILED_NOTEBOOKS = REPORTS / "failed"


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
