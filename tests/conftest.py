"""Shared fixtures: the real plan text, a 表 1 excerpt for broken copies, and the built project copy.

Nothing here (or in any test) writes to the working tree: every build runs in a throw-away copy
(tools/project_copy.py), and the session checks at its end that the checkout is as it found it.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess

import pytest

import blas_kernels
from analysis import explorer, files, observations, paths, targets
from tools.project_copy import OUTPUT_DIRS, ProjectCopy, copy_project, probe_roots

TABLE1_TITLE = "表 1：昌吉州与乌鲁木齐、全疆服务业相关指标对比"


def checkout_state() -> dict:
    """`git status --porcelain` and every file (size and hash) under the generated folders."""
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=paths.ROOT,
                            capture_output=True, text=True).stdout
    files = {}
    for d in OUTPUT_DIRS:
        for p in sorted((paths.ROOT / d).rglob("*")):
            if p.is_file():
                files[p.relative_to(paths.ROOT).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return {"git status": status, "outputs": files}


@pytest.fixture(scope="session", autouse=True)
def checkout_is_left_as_it_was():
    """The suite must never change the user's checkout (sources or generated outputs)."""
    before = checkout_state()
    yield
    after = checkout_state()
    changed = sorted(k for k in set(before["outputs"]) | set(after["outputs"])
                     if before["outputs"].get(k) != after["outputs"].get(k))
    assert after["git status"] == before["git status"] and not changed, (
        f"the test run changed the working tree: git status before {before['git status']!r}, "
        f"after {after['git status']!r}; outputs changed: {changed[:20]}")


@pytest.fixture(scope="session")
def plan_text() -> str:
    return files.read_utf8_text(paths.PLAN_TEXT)


@pytest.fixture(scope="session")
def table1_lines(plan_text) -> list[str]:
    """表 1 exactly as it stands in the plan: title, blank, header, 11 rows, blank, source line."""
    lines = plan_text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(TABLE1_TITLE))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("数据来源"))
    return lines[start : end + 1]


def up_to_date(copy: ProjectCopy) -> bool:
    """``make -q`` on the file targets: ``report`` may be a phony wrapper (always "out of date")
    around a ``pipeline`` target that holds the real files."""
    makefile = copy.path("Makefile").read_text(encoding="utf-8")
    target = "pipeline" if re.search(r"^pipeline:", makefile, re.M) else "report"
    return copy.make("-q", target).returncode == 0


#: the kernel the session's copy is built under (the second of two_kernels() rebuilds it in
#: tests/test_reproducible.py); None where the environment pins one or the CPU offers no choice
BUILD_KERNELS = blas_kernels.two_kernels()


@pytest.fixture(scope="session")
def built_copy(tmp_path_factory) -> ProjectCopy:
    """A copy of the project with ``make final`` (the mid-term and the final evaluation) run to completion (once per session), under the
    first of :data:`BUILD_KERNELS` where the environment does not pin a kernel."""
    copy = copy_project(tmp_path_factory.mktemp("built") / "project")
    if BUILD_KERNELS:
        copy.env = blas_kernels.env_for(BUILD_KERNELS[0], copy.env)
    # The copy's `analysis` must be the one imported, by the runner and inside the kernel, or the
    # runs below would read and write the main checkout.
    assert probe_roots(copy) == (str(copy.root), str(copy.root))
    result = copy.make("final")  # the mid-term evaluation and, beside it, the final one
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert up_to_date(copy)
    return copy


@pytest.fixture(scope="session")
def built_report(built_copy):
    """The Chinese report of the built copy."""
    return built_copy.path("reports/mid_term_evaluation.html")


@pytest.fixture(scope="session")
def inputs(tmp_path_factory):
    """observations.csv and plan_targets.csv as notebooks/10_clean_observations.py writes them, built
    from data/raw in a temporary folder, loaded as the explorer loads them (analysis.explorer.Inputs)."""
    out = tmp_path_factory.mktemp("processed")
    obs, _unused = observations.build_observations(paths.DATA_RAW)
    files.write_csv(obs, out / "observations.csv")
    files.write_csv(targets.load_targets(paths.PLAN_TEXT), out / "plan_targets.csv")
    return explorer.load_inputs(out / "observations.csv", out / "plan_targets.csv")


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright (``make browser`` installs it)."""
    from playwright.sync_api import sync_playwright

    if not shutil.which("chromium") and not paths.Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make browser` (Debian package chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
