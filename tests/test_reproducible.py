"""Whole builds on a throw-away copy: every notebook runs top to bottom with its defaults from its
own folder (as in JupyterLab), and two clean builds are byte-identical, the second under another
OpenBLAS kernel where the environment does not pin one (so a result that depended on the CPU's
BLAS kernel would show here)."""
from __future__ import annotations

import subprocess

import pytest

import blas_kernels
from conftest import BUILD_KERNELS
from test_scenario_pipeline import GOLDEN, assert_matches_golden
from tools.project_copy import clone_copy

pytestmark = pytest.mark.pipeline


def test_every_notebook_runs_with_its_defaults_from_its_folder(built_copy, tmp_path):
    copy = clone_copy(built_copy, tmp_path / "lab")
    notebooks = sorted((copy.root / "notebooks").glob("*.py"))
    assert len(notebooks) >= 7
    for nb in notebooks:
        out = tmp_path / "executed" / f"{nb.stem}.ipynb"
        result = subprocess.run([str(copy.root / ".venv/bin/python"), "tools/notebook_runner.py", "execute",
                                 f"notebooks/{nb.name}", str(out), "--cwd", "notebooks"],
                                cwd=copy.root, env=copy.env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{nb.name}: {result.stderr[-2000:]}"
        assert out.exists()
    # the defaults reproduce what make wrote
    assert copy.output_hashes(exclude=("reports",)) == built_copy.output_hashes(exclude=("reports",))


def test_two_clean_builds_are_byte_identical_across_kernels(built_copy, tmp_path):
    """A clean rebuild of a clone of the session's build, under the second of BUILD_KERNELS."""
    first = built_copy.output_hashes(exclude=("reports/failed", "reports/scenarios"))
    assert any(k.endswith("mid_term_evaluation.html") for k in first)
    copy = clone_copy(built_copy, tmp_path / "rebuild")
    # another time zone, locale and BLAS thread count too
    copy.env.update(TZ="America/St_Johns", LC_ALL="C.UTF-8", LANG="C.UTF-8", OPENBLAS_NUM_THREADS="1")
    if BUILD_KERNELS:
        copy.env = blas_kernels.env_for(BUILD_KERNELS[1], copy.env)
        print(f"first build under OPENBLAS_CORETYPE={BUILD_KERNELS[0]}, rebuild under {BUILD_KERNELS[1]}")
    else:
        print("same kernel for both builds: " + (blas_kernels.pinned_message() if blas_kernels.pinned()
                                                else f"runnable kernels {blas_kernels.runnable_kernels()}"))
    assert copy.make("clean").returncode == 0
    assert [k for k in copy.output_hashes() if not k.endswith("README.md")] == []
    result = copy.make("final")  # the mid-term and the final evaluation
    assert result.returncode == 0, result.stderr[-3000:]
    second = copy.output_hashes(exclude=("reports/failed", "reports/scenarios"))
    assert sorted(second) == sorted(first)
    assert [k for k in first if first[k] != second[k]] == []
    for golden in sorted(GOLDEN.glob("*.csv")):  # the golden tables, under the second kernel too
        assert_matches_golden(copy.path("data/processed"), golden.name)


def test_prints_cut_into_several_stream_messages_are_stored_as_one_output():
    """A loaded machine flushes a cell's prints in more pieces; the executed notebook must not show it."""
    import importlib.util

    from nbformat.v4 import new_output

    from analysis.paths import ROOT

    spec = importlib.util.spec_from_file_location("notebook_runner", ROOT / "tools" / "notebook_runner.py")
    runner = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runner)
    pieces = [new_output("stream", name="stdout", text="wrote a\n"), new_output("stream", name="stdout", text="wrote b\n"),
              new_output("stream", name="stderr", text="warning\n"), new_output("stream", name="stdout", text="wrote c\n")]
    joined = runner.coalesce_streams(pieces)
    assert [(o["name"], o["text"]) for o in joined] == [("stdout", "wrote a\nwrote b\n"), ("stderr", "warning\n"),
                                                       ("stdout", "wrote c\n")]
    assert runner.coalesce_streams([new_output("stream", name="stdout", text="x\n")])[0]["text"] == "x\n"
