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


def _same_name(a: str, b: str) -> bool:
    """Whether two file names agree, ``{}`` in either standing for any text."""
    def pattern(x: str) -> str:
        return ".*".join(re.escape(part) for part in x.split("{}"))
    return bool(re.fullmatch(pattern(a), b) or re.fullmatch(pattern(b), a))


def test_every_generated_file_a_notebook_names_is_a_make_target():
    """The Makefile owns the names of generated files (analysis/paths.py says so): a name a notebook
    writes or reads by default (``{…}`` for a part filled in, e.g. the indicator) must be one of them."""
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    # Make spells a varying part as % (pattern rules, substitutions) or $(var)
    make_names = {re.sub(r"%|\$\(\w+\)", "{}", n) for n in re.findall(r"[\w%$()]+\.(?:csv|svg|html)", makefile)}
    seen = 0
    for notebook in sorted(paths.NOTEBOOKS.glob("*.py")):
        for name in re.findall(r"\b[a-z][\w{}]*\.(?:csv|svg|png|html)\b", notebook.read_text(encoding="utf-8")):
            generic = re.sub(r"\{[^}]*\}", "{}", name)
            assert any(_same_name(generic, m) for m in make_names), f"{notebook.name}: {name} is not a Makefile target"
            seen += 1
    assert seen >= 15
