"""Notebooks executed through papermill, and Make as a real DAG."""
from __future__ import annotations

import re
import subprocess

import pandas as pd
import pytest

from analysis import csp
from tools import notebook_runner
from tools.project_copy import clone_copy

pytestmark = pytest.mark.pipeline
CLEAN = "notebooks/01_clean_bureau_comparison.py"


def reordered_table(table1_lines) -> str:
    """表 1 with region columns in another order (全疆, 昌吉州, 乌鲁木齐), as a later bulletin might print it."""
    out = []
    for line in table1_lines:
        cells = line.split("\t")
        if len(cells) >= 4:
            cells = cells[:-3] + [cells[-1], cells[-3], cells[-2]]
        out.append("\t".join(cells))
    return "\n".join(["2021 年公报摘录", "", *out, ""])


def test_cleaning_notebook_cleans_another_file(tmp_path, table1_lines):
    source = tmp_path / "bulletin_2021.txt"
    source.write_text(reordered_table(table1_lines), encoding="utf-8")
    out = tmp_path / "processed" / "comparison_2021.csv"
    code = notebook_runner.execute(CLEAN, str(tmp_path / "run.ipynb"),
                                   {"input_path": str(source), "output_path": str(out), "year": 2021, "source_id": "test_bulletin"})
    assert code == 0
    data = pd.read_csv(out, dtype={"region_code": str})
    assert len(data) == 33 and set(data["year"]) == {2021} and set(data["source_id"]) == {"test_bulletin"}
    v = data.set_index(["region_code", "indicator_id"])["value"]
    assert v[("650100", "goods_exports")] == pytest.approx(45.22)
    assert v[("652300", "tertiary_value_added")] == pytest.approx(563.51)
    checks = pd.read_csv(tmp_path / "processed" / "comparison_2021_checks.csv")
    assert (checks["verdict"] == "rounding").sum() == 1


@pytest.mark.parametrize("fault, expected", [
    (lambda t: t.replace("1043.51", "1043.5l", 1), "line 6, column '乌鲁木齐': expected a number"),
    (lambda t: t.replace("\t33.87", "\t43.87", 1), "城镇消费品零售额 + 乡村消费品零售额 = 社会消费品零售总额 fails"),
])
def test_bad_input_fails_the_notebook_and_keeps_outputs(tmp_path, table1_lines, monkeypatch, capsys, fault, expected):
    monkeypatch.setattr(notebook_runner, "FAILED_NOTEBOOKS", tmp_path / "failed")
    source = tmp_path / "broken.txt"
    source.write_text(fault("\n".join(table1_lines)), encoding="utf-8")
    out = tmp_path / "processed" / "comparison.csv"
    out.parent.mkdir()
    out.write_text("previous contents\n")
    code = notebook_runner.execute(CLEAN, str(tmp_path / "nb" / "run.ipynb"),
                                   {"input_path": str(source), "output_path": str(out)})
    err = capsys.readouterr().err
    assert code == 1
    assert expected in err and "broken.txt" in err and "failed in the cell In [" in err
    assert out.read_text() == "previous contents\n"
    assert not (tmp_path / "processed" / "comparison_checks.csv").exists()
    assert (tmp_path / "failed" / "run.ipynb").exists()
    assert not (tmp_path / "nb" / "run.ipynb").exists()


def test_invalid_parameter_is_explained(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(notebook_runner, "FAILED_NOTEBOOKS", tmp_path / "failed")
    code = notebook_runner.execute(CLEAN, str(tmp_path / "run.ipynb"), {"year": "2020"})
    assert code == 1
    assert "parameter 'year' = '2020' (str): expected int" in capsys.readouterr().err


def test_second_make_report_does_nothing(built_copy):
    """Nothing runs (how fast the no-op is, `make bench` measures)."""
    result = built_copy.make("report")
    assert result.returncode == 0, result.stderr
    assert "▶" not in result.stdout and "notebook_runner" not in result.stdout
    assert built_copy.make("-q", "pipeline").returncode == 0  # make itself says: up to date


def test_sweep_csv_reaches_each_indicators_required_rate(built_copy):
    """The built sweep (notebooks/21_scenario_overview.py) runs each indicator's rates past the growth its
    target requires — tourism revenue 44.4 % a year, visits 24.0 % — so the table and its chart show
    where each target is reached, not only the 4–12 % the grid starts with."""
    sweep = pd.read_csv(built_copy.path("data/processed/sweep_required_vs_achievable.csv"))
    summaries = {i: pd.read_csv(built_copy.path(f"data/processed/scenario_summary_{i}.csv")).iloc[0]
                 for i in ("tertiary_value_added", "retail_sales_total", "tourism_visits", "tourism_revenue")}
    reach = sweep.groupby("indicator_id").agg(top=("rate", "max"), required=("required_rate", "first"),
                                               reached=("reaches_target", "last"))
    print(reach)
    assert set(reach.index) == set(summaries)
    for ind, r in reach.iterrows():
        assert r["top"] > r["required"] and r["reached"], ind
        assert r["required"] == pytest.approx(float(summaries[ind]["required_rate"]), abs=1e-12)
    assert reach.loc["tourism_revenue", "top"] > 0.444


def ran(result: subprocess.CompletedProcess) -> set[str]:
    """Names of the notebooks a make run executed (the runner prints one ▶ line each)."""
    return set(re.findall(r"▶ notebooks/(\w+)\.py", result.stdout))


def kept(result: subprocess.CompletedProcess) -> set[str]:
    """Names of the notebooks whose step kept its outputs: Make asked for it, but its inputs had been
    rewritten with the content of its last run (tools/step_records.py)."""
    return set(re.findall(r"✔ notebooks/(\w+)\.py → \S+ kept: its inputs have the content of its last run", result.stdout))


def test_a_change_reruns_only_what_depends_on_it_and_says_why(built_copy, tmp_path):
    """On a project copy: a changed input reruns what depends on it, and each ▶ line names the
    change; an input touched but unchanged (same content hash) reruns nothing, and a step whose
    inputs a rerun rewrote with the same bytes keeps its outputs."""
    copy = clone_copy(built_copy, tmp_path / "project")  # edits sources: never the checkout's
    for rel in ("notebooks/02_compare_2020.py", "params/scenario_retail_sales_total.yaml", "data/raw/provenance.yml"):
        copy.touch(rel)
    assert ran(copy.make("report")) == set()
    edit = lambda rel, extra: copy.write_bytes(rel, copy.path(rel).read_bytes() + extra)  # noqa: E731
    edit("notebooks/02_compare_2020.py", b"\n# a reader's note\n")
    result = copy.make("report")
    assert result.returncode == 0, result.stderr
    # a comment draws the same figures: the report, which reads them, is not run again
    assert (ran(result), kept(result)) == ({"02_compare_2020"}, {"90_report"}), result.stdout
    assert "▶ notebooks/02_compare_2020.py → reports/notebooks/02_compare_2020.ipynb  (because notebooks/02_compare_2020.py changed)" in result.stdout
    assert ("✔ notebooks/90_report.py → reports/notebooks/90_report.ipynb kept: its inputs have the content of its last run"
            "  (figures/zh/comparison_2020.svg") in result.stdout
    assert ran(copy.make("report")) == set()
    edit("params/scenario_retail_sales_total.yaml", b"# a reader's note\n")
    result = copy.make("report")
    # the report reads every params file itself; the overview and the robustness check only the summaries
    assert (ran(result), kept(result)) == ({"20_scenario", "90_report"}, {"21_scenario_overview", "35_robustness"}), result.stdout
    assert result.stdout.count("▶ notebooks/20_scenario.py") == 1
    assert "(because params/scenario_retail_sales_total.yaml changed)" in result.stdout
    rel = "params/scenario_retail_sales_total.yaml"  # a value: other simulations, other summaries
    copy.write_bytes(rel, copy.path(rel).read_bytes().replace(b"seed: 20250101", b"seed: 20250102"))
    result = copy.make("report")
    assert ran(result) == {"20_scenario", "21_scenario_overview", "35_robustness", "90_report"}, result.stdout
    edit("data/raw/provenance.yml", b"# a reader's note\n")
    result = copy.make("report")
    assert ran(result) == {"01_clean_bureau_comparison", "10_clean_observations", "30_evaluation", "35_robustness",
                           "90_report"}, result.stdout
    assert kept(result) == {"02_compare_2020", "20_scenario", "21_scenario_overview"}, result.stdout
    assert ran(copy.make("report")) == set()
    # the report's rate control script is an input of both editions: a change reaches the published
    # pages, allowed by a new hash in their Content-Security-Policy
    edit("templates/report/rate_control.js", b"// a reader's note\n")
    result = copy.make("report")
    assert ran(result) == {"90_report"} and "(because templates/report/rate_control.js changed)" in result.stdout
    script = csp.sha256_source(copy.path("templates/report/rate_control.js").read_text(encoding="utf-8"))
    for edition in ("mid_term_evaluation.html", "mid_term_evaluation.en.html"):
        page = copy.path(f"reports/{edition}").read_text(encoding="utf-8")
        assert "// a reader's note" in page and f"script-src {script};" in page
    assert ran(copy.make("report")) == set()
