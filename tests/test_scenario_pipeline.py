"""Scenario notebooks end to end: golden tables per params file, a researcher's own YAML, bad parameters."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis import paths

pytestmark = pytest.mark.pipeline
GOLDEN = paths.ROOT / "tests" / "golden"


def assert_matches_golden(processed_dir, name: str) -> None:
    got = pd.read_csv(processed_dir / name)
    expected = pd.read_csv(GOLDEN / name)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("*.csv")))
def test_outputs_match_golden_tables(built_copy, name):
    """Catches unintended changes. After an intended one (new data, a method change), review the
    diff and run `make golden` to accept it. (tests/test_reproducible.py checks them again on a
    build under another OpenBLAS kernel.)"""
    assert_matches_golden(built_copy.path("data/processed"), name)


def test_golden_covers_every_params_file():
    for params in paths.PARAMS.glob("scenario_*.yaml"):
        indicator = params.stem.removeprefix("scenario_")
        assert (GOLDEN / f"scenarios_{indicator}.csv").exists(), params.name


def test_make_scenario_runs_a_yaml_the_tests_never_saw(built_copy, tmp_path):
    params = tmp_path / "retail_faster_case.yaml"
    params.write_text(
        "title: 社零：7% 情景\ntitle_en: retail at 7%\nindicator: retail_sales_total\nregion_code: '652300'\n"
        "target: 320\nstated_rate: 0.07\nbase_year: 2020\nhorizon: 2025\ncovid: exclude\nseed: 7\n", encoding="utf-8")
    out = built_copy.path("reports/scenarios/retail_faster_case")
    shutil.rmtree(out, ignore_errors=True)
    try:
        result = built_copy.make("scenario", f"PARAMS={params}")
        assert result.returncode == 0, result.stdout + result.stderr
        assert not (out / "retail_faster_case.html").exists()  # HTML only when asked
        result = built_copy.make("scenario", f"PARAMS={params}", "HTML=1")
        assert result.returncode == 0, result.stdout + result.stderr
        table = pd.read_csv(out / "scenarios_retail_sales_total.csv")
        plan = table[table.scenario == "plan"].set_index("year")["value"]
        assert plan[2025] == pytest.approx(224.27 * 1.07 ** 5)
        assert table.loc[table.scenario == "target", "value"].tolist() == [320]
        summary = pd.read_csv(out / "scenario_summary_retail_sales_total.csv").iloc[0]
        assert summary["covid"] == "exclude" and summary["required_rate"] == pytest.approx((320 / 291.51) ** 0.5 - 1)
        html = (out / "retail_faster_case.html").read_text(encoding="utf-8")
        assert "社零：7% 情景" in html
        assert all((out / lang / "scenario_retail_sales_total.svg").exists() for lang in ("zh", "en"))
    finally:
        shutil.rmtree(out, ignore_errors=True)


@pytest.mark.parametrize("line, message", [
    ("stated_rate: 1.5", "allowed range is (-0.5, 1.0)"),
    ("indicator: exports", "allowed values are 'tertiary_value_added'"),
    ("horizon: 2019", "must be after base_year (2020)"),
    ("covid: drop", "allowed values are 'none', 'dummy', 'exclude'"),
])
def test_make_scenario_rejects_bad_parameters(built_copy, tmp_path, line, message):
    key = line.split(":")[0]
    base = {"title": "x", "indicator": "retail_sales_total", "stated_rate": "0.07", "horizon": "2025", "covid": "none"}
    base[key] = line.split(": ", 1)[1]
    params = tmp_path / "bad_case.yaml"
    params.write_text("".join(f"{k}: {v}\n" for k, v in base.items()), encoding="utf-8")
    try:
        result = built_copy.make("scenario", f"PARAMS={params}")
        assert result.returncode != 0
        assert message in result.stderr
    finally:
        shutil.rmtree(built_copy.path("reports/scenarios/bad_case"), ignore_errors=True)
        built_copy.path("reports/failed/bad_case.ipynb").unlink(missing_ok=True)
