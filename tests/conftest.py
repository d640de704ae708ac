"""Shared fixtures: the real plan text, a 表 1 excerpt for broken copies, and the built report."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from analysis import io, paths

TABLE1_TITLE = "表 1：昌吉州与乌鲁木齐、全疆服务业相关指标对比"


@pytest.fixture(scope="session")
def plan_text() -> str:
    return io.read_utf8_text(paths.PLAN_TEXT)


@pytest.fixture(scope="session")
def table1_lines(plan_text) -> list[str]:
    """表 1 exactly as it stands in the plan: title, blank, header, 11 rows, blank, source line."""
    lines = plan_text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(TABLE1_TITLE))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("数据来源"))
    return lines[start : end + 1]


@pytest.fixture(scope="session")
def built_report():
    """Run ``make report`` once (a no-op when it is up to date) and return the report path."""
    subprocess.run(["make", "--no-print-directory", "report"], cwd=paths.ROOT, check=True,
                   env={**os.environ, "PYTHON": sys.executable})
    return paths.REPORT_HTML
