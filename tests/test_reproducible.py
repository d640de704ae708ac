"""Whole builds on a throw-away copy: every notebook runs top to bottom with its defaults from its
own folder (as in JupyterLab), and two clean builds in a row are byte-identical."""
from __future__ import annotations

import subprocess

import pytest

from tools.project_copy import clone_copy, copy_project

pytestmark = pytest.mark.pipeline


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory):
    copy = copy_project(tmp_path_factory.mktemp("repro") / "project")
    result = copy.make("report")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return copy


def test_every_notebook_runs_with_its_defaults_from_its_folder(built_copy, tmp_path):
    copy = clone_copy(built_copy, tmp_path / "lab")
    notebooks = sorted((copy.root / "notebooks").glob("*.py"))
    assert len(notebooks) >= 7
    for nb in notebooks:
        out = tmp_path / "executed" / f"{nb.stem}.ipynb"
        result = subprocess.run([str(copy.root / ".venv/bin/python"), "tools/notebook_runner.py", "execute",
                                 f"notebooks/{nb.name}", str(out), "--cwd", "notebooks"],
                                cwd=copy.root, env=copy.env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{nb.name}: {result.stderr[-2000:]}"
        assert out.exists()
    # the defaults reproduce what make wrote
    assert copy.output_hashes(exclude=("reports",)) == built_copy.output_hashes(exclude=("reports",))


def test_two_clean_builds_are_byte_identical(built_copy):
    """Runs last: it rebuilds ``built_copy`` in place (same folder, as a user would)."""
    first = built_copy.output_hashes()
    assert any(k.endswith("mid_term_evaluation.html") for k in first)
    assert built_copy.make("clean").returncode == 0
    assert [k for k in built_copy.output_hashes() if not k.endswith("README.md")] == []
    result = built_copy.make("report")
    assert result.returncode == 0, result.stderr[-3000:]
    second = built_copy.output_hashes()
    assert sorted(second) == sorted(first)
    assert [k for k in first if first[k] != second[k]] == []
