"""A step whose inputs were rewritten with the content of its last run keeps its outputs
(tools/step_records.py); anything else runs it."""
from __future__ import annotations

import os

import pytest

from tools import step_records
from tools.step_records import Step

ARGV = ["execute", "notebooks/21_scenario_overview.py", "reports/notebooks/21_scenario_overview.ipynb"]
INPUTS = "data/processed/scenario_summary_retail_sales_total.csv .venv/.installed-changji-services"
OUTPUTS = ["data/processed/backtest.csv", "reports/notebooks/21_scenario_overview.ipynb"]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setattr(step_records, "ROOT", tmp_path)
    monkeypatch.setattr(step_records, "RECORDS", tmp_path / "build" / "steps")
    for rel, text in (("data/processed/scenario_summary_retail_sales_total.csv", "indicator_id,latest_value\nretail_sales_total,224.27\n"),
                      (".venv/.installed-changji-services", ""),
                      ("data/processed/backtest.csv", "indicator_id\nretail_sales_total\n"),
                      ("reports/notebooks/21_scenario_overview.ipynb", "{}\n")):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    Step(ARGV, INPUTS).done([tmp_path / rel for rel in OUTPUTS])
    return tmp_path


def age(path, seconds=100):
    """Set ``path``'s mtime ``seconds`` into the past (so a touch is visible)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 10**9))
    return path.stat().st_mtime_ns


def test_inputs_rewritten_with_the_same_content_keep_the_outputs_and_refresh_their_mtime(project):
    summary = project / "data/processed/scenario_summary_retail_sales_total.csv"
    summary.write_bytes(summary.read_bytes())  # rewritten, same bytes
    before = age(project / OUTPUTS[0])
    assert Step(ARGV, INPUTS).kept() == OUTPUTS
    assert (project / OUTPUTS[0]).stat().st_mtime_ns > before  # Make now sees it up to date


def test_a_changed_input_runs_the_step(project):
    (project / "data/processed/scenario_summary_retail_sales_total.csv").write_text(
        "indicator_id,latest_value\nretail_sales_total,300.0\n", encoding="utf-8")
    assert Step(ARGV, INPUTS).kept() is None


def test_a_new_prerequisite_another_command_line_or_no_make_runs_the_step(project):
    assert Step(ARGV, INPUTS + " params/evaluation_thresholds.yaml").kept() is None
    assert Step([*ARGV, "-p", "evaluation_year", "2024"], INPUTS).kept() is None
    assert Step(ARGV, None).kept() is None  # STEP_INPUTS unset: run by hand, never skipped


def test_an_edited_or_deleted_output_runs_the_step(project):
    (project / OUTPUTS[0]).write_text("indicator_id\nedited by hand\n", encoding="utf-8")
    assert Step(ARGV, INPUTS).kept() is None
    Step(ARGV, INPUTS).done([project / rel for rel in OUTPUTS])
    (project / OUTPUTS[1]).unlink()
    assert Step(ARGV, INPUTS).kept() is None


def test_a_rebuilt_venv_counts_as_a_change_though_its_stamp_is_empty(project):
    stamp = project / ".venv/.installed-changji-services"
    age(stamp)
    assert Step(ARGV, INPUTS).kept() is None


def test_a_step_that_wrote_nothing_is_not_recorded(project):
    argv = [*ARGV, "--cwd", "notebooks"]
    Step(argv, INPUTS).done([])
    assert Step(argv, INPUTS).kept() is None


# ---- content, not clocks (issue 21): step_records.outdate before Make decides ------------------

NOW = 1_900_000_000 * 10**9  # a fixed "now" (2030-03-17) for outdate
SUMMARY = "data/processed/scenario_summary_retail_sales_total.csv"


def test_outputs_dated_in_the_future_cannot_hide_a_changed_input(project):
    """With the outputs dated 2031, a changed summary dated before them was never seen by Make."""
    future = NOW + 365 * 24 * 3600 * 10**9
    for rel in OUTPUTS:
        os.utime(project / rel, ns=(future, future))
    summary = project / SUMMARY
    summary.write_text("indicator_id,latest_value\nretail_sales_total,300.0\n", encoding="utf-8")
    os.utime(summary, ns=(NOW - 10**12, NOW - 10**12))
    said = step_records.outdate(project, NOW)
    assert said == [f"↻ {SUMMARY} changed since notebooks/21_scenario_overview.py last read it but is dated before its outputs: "
                    "dated now, so the step runs again"]
    assert summary.stat().st_mtime_ns == NOW
    assert all((project / rel).stat().st_mtime_ns < NOW for rel in OUTPUTS)  # back from the future, older than the input


def test_an_output_that_is_not_what_its_step_wrote_is_dated_back(project):
    (project / OUTPUTS[0]).write_text("indicator_id\n", encoding="utf-8")  # truncated
    assert step_records.outdate(project, NOW) == [
        f"↻ {OUTPUTS[0]} is not the file notebooks/21_scenario_overview.py wrote (damaged or edited by hand): it is rebuilt"]
    assert (project / OUTPUTS[0]).stat().st_mtime_ns == 0
    assert step_records.outdate(project, NOW) == [f"↻ {OUTPUTS[0]} is not the file notebooks/21_scenario_overview.py wrote "
                                                  "(damaged or edited by hand): it is rebuilt"]  # until the step runs again


def test_nothing_changed_nothing_dated_and_the_newest_record_owns_an_output(project):
    dates = {rel: (project / rel).stat().st_mtime_ns for rel in [*OUTPUTS, SUMMARY]}
    assert step_records.outdate(project, NOW) == []
    assert {rel: (project / rel).stat().st_mtime_ns for rel in dates} == dates
    # another command line (another evaluation year) wrote the same files later: its record is theirs
    (project / OUTPUTS[0]).write_text("indicator_id\nanother year\n", encoding="utf-8")
    later = [*ARGV, "-p", "evaluation_year", "2024"]
    Step(later, INPUTS).done([project / rel for rel in OUTPUTS])
    newest = step_records._record_path(later)
    os.utime(newest, ns=(NOW, NOW))
    assert step_records.outdate(project, NOW) == []
