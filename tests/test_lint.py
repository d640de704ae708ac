"""The code passes the project's lint rules (ruff, pinned in requirements.lock; the rule set is in
pyproject.toml: pyflakes, pycodestyle errors, import order)."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from analysis import paths


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).with_name("ruff")
    result = subprocess.run([str(ruff), "check", "--no-cache", "--output-format", "concise", "."], cwd=paths.ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_rules_are_the_stated_small_set():
    config = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]
    assert config["lint"]["select"] == ["F", "E", "I"]
    assert config["line-length"] == 160


def test_no_merge_conflict_markers_in_tracked_files():
    """A merge left half-done shows its markers to every reader of the README or breaks a YAML file."""
    files = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True, text=True, check=True).stdout.split()
    offenders = []
    for name in files:
        path = paths.ROOT / name
        if path.suffix in {".ipynb", ".png", ".pdf", ".lock"} or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if line.startswith(("<<<<<<< ", ">>>>>>> ")) or line == "=======":
                offenders.append(f"{name}:{number}: {line}")
    assert not offenders, "merge conflict markers left in:\n" + "\n".join(offenders)
