"""Only the imports a notebook uses: statsmodels, scipy and seaborn are imported by the functions
that fit or draw, so a notebook that only cleans or evaluates never pays them (≈ 2 s a kernel);
and the runner's client side imports nothing heavy (its work is done by the build's server)."""
from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import analysis
from analysis import paths
from tools import notebook_runner

MODEL_AND_PLOT = {"statsmodels", "scipy", "seaborn", "matplotlib"}
DRAWING = {"figures", "style"}  # matplotlib is their job; seaborn still only when a chart is drawn


def modules_after(code: str, full: bool = False) -> set[str]:
    """Top-level packages (``full``: every module) in ``sys.modules`` after ``code``, in a fresh interpreter."""
    names = "sys.modules" if full else "{m.split('.')[0] for m in sys.modules}"
    probe = code + f"\nimport json, sys\nprint(json.dumps(sorted({names})))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=paths.ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(paths.ROOT), "PATH": "/usr/bin:/bin"}).stdout
    return set(json.loads(out.splitlines()[-1]))


def analysis_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(analysis.__path__))


def test_cleaning_and_evaluation_modules_import_no_model_or_plot_library():
    modules = [m for m in analysis_modules() if m not in DRAWING]
    assert {"bureau_table", "targets", "growth", "scenarios"} <= set(modules), modules
    loaded = modules_after("\n".join(f"import analysis.{m}" for m in modules))
    assert "pandas" in loaded  # the probe really imported them
    assert loaded & MODEL_AND_PLOT == set(), f"importing {modules} pulled {sorted(loaded & MODEL_AND_PLOT)}"


def test_drawing_modules_import_matplotlib_but_neither_seaborn_nor_statsmodels():
    loaded = modules_after("\n".join(f"import analysis.{m}" for m in sorted(DRAWING)))
    assert "matplotlib" in loaded
    assert loaded & {"seaborn", "statsmodels", "scipy"} == set()


def test_fitting_and_drawing_still_import_their_libraries_when_called():
    fit = modules_after("from analysis import growth\n"
                        "growth.fit_loglinear_trend([2015, 2018, 2019, 2021, 2023], [100, 120, 125, 140, 160]).predict()\n"
                        "growth.fit_damped_trend(list(range(2010, 2024)), [100 * 1.07 ** i for i in range(14)])")
    assert {"statsmodels", "scipy"} <= fit and "seaborn" not in fit
    drawn = modules_after("from analysis import style\nstyle.apply_style()", full=True)
    # (seaborn itself looks for statsmodels' package, but none of its models)
    assert "seaborn" in drawn and "statsmodels.api" not in drawn and "statsmodels.regression" not in drawn


def test_runner_client_imports_nothing_heavy():
    loaded = modules_after("import tools.notebook_runner, tools.runner_server")
    assert loaded & {"pandas", "papermill", "jupytext", "nbformat", "nbconvert", "jupyter_client", "yaml"} == set()


def test_notebook_imports_lists_the_top_level_imports_in_order(tmp_path):
    script = tmp_path / "nb.py"
    script.write_text("# %% [markdown]\n# # title\n# %% tags=['parameters']\nx = 1\n# %%\nfrom __future__ import annotations\n"
                      "import pandas as pd, numpy\nfrom analysis import io, paths\nfrom . import nothing\n"
                      "def f():\n    import statsmodels\n", encoding="utf-8")
    assert notebook_runner.notebook_imports(script) == ["pandas", "numpy", "analysis", "analysis.io", "analysis.paths"]
    (tmp_path / "broken.py").write_text("import (\n", encoding="utf-8")
    assert notebook_runner.notebook_imports(tmp_path / "broken.py") == []
    assert notebook_runner.notebook_imports(tmp_path / "nb.ipynb") == []
