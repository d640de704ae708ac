"""The build's runner server (tools/runner_server.py) gives the same notebook, output, progress line,
exit code and failure message as an in-process run; the client only hands the run over.

In a project copy: failed runs write to its reports/failed/, never the working tree's.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tools.project_copy import copy_project

pytestmark = pytest.mark.pipeline
CLEAN = ["notebooks/01_clean_bureau_comparison.py", "-p", "input_path", "data/raw/changji_14th_fyp_modern_services_plan.txt"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A project copy with a runner server listening, as `make report` starts one."""
    work = tmp_path_factory.mktemp("served")
    copy = copy_project(work / "project")
    sock = str(work / "runner.sock")
    server = subprocess.Popen([str(copy.root / ".venv/bin/python"), "tools/notebook_runner.py", "serve", sock],
                              cwd=copy.root, env=copy.env, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not os.path.exists(sock):
        assert server.poll() is None and time.monotonic() < deadline, "runner server did not start"
        time.sleep(0.02)
    yield copy, sock, work
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0
    assert not os.path.exists(sock)


def runner(copy, *args: str, sock: str | None, counter=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in copy.env.items() if k != "NOTEBOOK_RUNNER_SOCKET"}
    if sock:
        env["NOTEBOOK_RUNNER_SOCKET"] = sock
    if counter:
        env.update(PIPELINE_COUNTER=str(counter), PIPELINE_STEPS="7")
    # -X importtime: proves where the run happened (only an in-process run imports papermill here)
    return subprocess.run([str(copy.root / ".venv/bin/python"), "-X", "importtime", "tools/notebook_runner.py", *args],
                          cwd=copy.root, env=env, capture_output=True, text=True, timeout=600)


def test_a_served_run_is_the_in_process_run(served):
    copy, sock, work = served
    counter = work / "counter"
    counter.write_text("2")
    out = [("served.ipynb", "served.csv", sock), ("local.ipynb", "local.csv", None)]
    results = []
    for nb, csv, via in out:
        results.append(runner(copy, "execute", *CLEAN, f"build/{nb}", "-p", "output_path", f"build/{csv}",
                              sock=via, counter=counter))
    served_run, local_run = results
    assert served_run.returncode == 0 and local_run.returncode == 0, served_run.stderr + local_run.stderr
    assert "papermill" not in served_run.stderr and "papermill" in local_run.stderr
    assert served_run.stdout.startswith("[3/7] ▶ notebooks/01_clean_bureau_comparison.py → build/served.ipynb\n")
    assert local_run.stdout.startswith("[4/7] ▶ ")
    assert copy.path("build/served.csv").read_bytes() == copy.path("build/local.csv").read_bytes()
    served_nb = copy.path("build/served.ipynb").read_text(encoding="utf-8")
    local_nb = copy.path("build/local.ipynb").read_text(encoding="utf-8")
    assert served_nb.replace("served", "local") == local_nb
    assert not list(copy.path("build").glob(".*partial*"))


def test_a_served_failure_names_the_cell_and_keeps_the_executed_copy(served):
    copy, sock, _ = served
    # a parameter of the wrong kind is refused before any kernel starts (issue 13): one line, exit 2
    result = runner(copy, "execute", *CLEAN, "build/bad.ipynb", "-p", "year", '"2020"', sock=sock)
    assert result.returncode == 2
    assert "✖ parameter 'year' = '2020' (in -p): expected a whole number" in result.stderr
    # a failure inside the notebook: a raw file that does not exist
    result = runner(copy, "execute", "notebooks/01_clean_bureau_comparison.py", "build/bad.ipynb",
                    "-p", "input_path", "build/missing.txt", sock=sock)
    assert result.returncode == 1
    assert "papermill" not in result.stderr
    assert "failed in the cell In [" in result.stderr and "build/missing.txt" in result.stderr
    assert copy.path("reports/failed/bad.ipynb").exists() and not copy.path("build/bad.ipynb").exists()


def test_without_a_live_server_the_runner_works_in_process(served, tmp_path):
    import nbformat

    copy, _, _ = served
    copy.path("build").mkdir(exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 标题")]), copy.path("build/tiny.ipynb"))
    stale = tmp_path / "gone.sock"
    stale.touch()  # a file where no server listens
    result = runner(copy, "html", "build/tiny.ipynb", "build/tiny.html", sock=str(stale))
    assert result.returncode == 0, result.stderr
    assert "nbconvert" in result.stderr  # exported in-process
    assert copy.path("build/tiny.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
