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
