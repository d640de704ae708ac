"""The conda environment and the pip lock pin the same versions; notebooks carry no outputs."""
from __future__ import annotations

import re

import yaml

from analysis import paths


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (paths.ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_environment_yml_matches_lock():
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    lock = lock_pins()
    assert "python=3.11" in env["dependencies"]
    mismatches = []
    for spec in pip_section:
        name, version = spec.split("==")
        key = re.sub(r"[-_.]+", "-", name).lower()
        if lock.get(key) != version:
            mismatches.append(f"{name}: environment.yml {version}, requirements.lock {lock.get(key)}")
    assert mismatches == []
    required = {"jupyterlab", "pandas", "matplotlib", "seaborn", "statsmodels", "papermill", "ruff"}
    assert required <= {re.sub(r"[-_.]+", "-", s.split("==")[0]).lower() for s in pip_section}


def test_lock_is_fully_pinned():
    for line in (paths.ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-]+", line), line


def test_notebooks_are_text_with_kernel_and_parameters_cell():
    import jupytext

    for path in sorted(paths.NOTEBOOKS.glob("*.py")):
        nb = jupytext.read(path)
        assert nb.metadata["kernelspec"]["name"] == "changji-services", path.name
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: one cell tagged 'parameters'"
    assert not list(paths.NOTEBOOKS.glob("*.ipynb")), "notebooks are kept as jupytext text, not .ipynb"
