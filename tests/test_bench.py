"""The pure parts of tools/bench.py: reading the runs from `make -n`, injecting parameters, the verdict.

The benchmark itself takes minutes (`make bench`); these take milliseconds.
"""
from __future__ import annotations

from tools import bench

DRY_RUN = """\
export PIPELINE_STEPS=$(make -nB --no-print-directory pipeline 2>/dev/null | grep -c "notebook_runner.py" || true); \\
export PIPELINE_COUNTER=$(mktemp); trap 'rm -f "$PIPELINE_COUNTER"' EXIT; \\
make --no-print-directory -j1 pipeline
.venv/bin/python tools/notebook_runner.py execute notebooks/01_clean_bureau_comparison.py reports/notebooks/01_clean_bureau_comparison.ipynb \\
  -p input_path data/raw/plan.txt -p output_path data/processed/bureau_comparison_2020.csv
.venv/bin/python tools/notebook_runner.py execute notebooks/20_scenario.py reports/notebooks/20_scenario_retail_sales_total.ipynb -f params/scenario_retail_sales_total.yaml
.venv/bin/python tools/notebook_runner.py execute notebooks/90_report.py reports/notebooks/90_report.en.ipynb -p language en -p title "two words"
.venv/bin/python tools/notebook_runner.py publish --report reports/notebooks/90_report.ipynb reports/mid_term_evaluation.html \\
  --index reports/index.html reports/notebooks/90_report.ipynb
"""


def test_parse_runs_reads_every_execute_line_in_order():
    runs = bench.parse_runs(DRY_RUN)
    assert [r["output"] for r in runs] == ["reports/notebooks/01_clean_bureau_comparison.ipynb",
                                            "reports/notebooks/20_scenario_retail_sales_total.ipynb",
                                            "reports/notebooks/90_report.en.ipynb"]
    assert runs[0]["params"] == {"input_path": "data/raw/plan.txt", "output_path": "data/processed/bureau_comparison_2020.csv"}
    assert runs[1]["params_file"] == "params/scenario_retail_sales_total.yaml" and runs[1]["params"] == {}
    assert runs[2]["params"] == {"language": "en", "title": "two words"}


def test_run_parameters_merge_file_then_pairs_as_yaml(tmp_path):
    (tmp_path / "p.yaml").write_text("indicator: retail\nseed: 7\nlevel: 0.8\n", encoding="utf-8")
    run = {"source": "nb.py", "output": "out.ipynb", "params_file": "p.yaml", "params": {"seed": "8", "region_code": '"652300"'}}
    assert bench.run_parameters(run, tmp_path) == {"indicator": "retail", "seed": 8, "level": 0.8, "region_code": "652300"}


def test_inject_parameters_adds_a_cell_after_the_parameters_cell():
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# t"},
                    {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "language = 'zh'"},
                    {"cell_type": "code", "metadata": {}, "source": "print(language)"}]}
    out = bench.inject_parameters(nb, {"language": "en", "year": 2021})
    assert [c["source"] for c in out["cells"]][1:3] == ["language = 'zh'", "# Parameters\nlanguage = 'en'\nyear = 2021\n"]
    assert out["cells"][2]["metadata"]["tags"] == ["injected-parameters"]
    assert bench.inject_parameters({"cells": []}, {}) == {"cells": []}


def timings(**wall) -> dict:
    """Benchmark results as bench.main records them: [wall, CPU] seconds per measurement."""
    t = {"naive_convert": 10.0, "naive_execute": 50.0, "naive_html": 30.0, "naive": 80.0,
         "cold_serial": 14.0, "cold": 10.0, "noop": 0.02, "touch": 4.0, "scenario": 3.0, **wall}
    return {"jobs": 2, "runs": 11, "cores": 2, "floor": 1.5, **{k: [v, v * 0.9] for k, v in t.items()}}


def test_verdict_meets_the_targets_only_when_all_hold():
    lines, ok = bench.verdict(timings())
    text = "\n".join(lines)
    # design floor: 11 runs x 1.5 s / 2 cores = 8.25 s
    assert "8.25s" in text and "11 notebook runs x import floor / 2 cores" in text
    assert ok and "0.12 x naive, 1.21 x design floor (6.7 x import floor)" in text and "NOT MET" not in text
    assert "0.40 x cold" in text and "after changing a value" not in text  # measured only by main()
    assert "seed: 20250101 → 20250102; 0.60 x cold" in "\n".join(bench.verdict(timings(value=6.0))[0])
    assert not bench.verdict(timings(noop=1.0))[1]
    assert not bench.verdict(timings(cold=12.5, touch=4.0))[1]  # 0.156 x naive
    assert not bench.verdict(timings(cold=10.8, naive=80.0))[1]  # 1.31 x design floor
    assert bench.verdict(timings(cold=10.7))[1]
    assert not bench.verdict(timings(touch=5.1))[1]
    assert not bench.verdict(timings(scenario=5.0))[1]
    assert "cold at most 1.3 x design floor: NOT MET" in "\n".join(bench.verdict(timings(cold=10.8))[0])


def test_json_has_wall_and_cpu_per_measurement():
    import json

    t = {**timings(), "noop": (0.01234, 0.0049), "other_cpu_share": 0.01234}
    data = json.loads(bench.to_json(t))
    assert data["noop"] == [0.012, 0.005] and data["cold"] == [10.0, 9.0] and data["jobs"] == 2
    assert data["other_cpu_share"] == 0.012


def test_keep_fastest_keeps_the_fastest_run_with_its_parts():
    t = {}
    bench.keep_fastest(t, {"naive": [60.0, 50.0], "naive_html": [20.0, 19.0]}, "naive")
    bench.keep_fastest(t, {"naive": [65.0, 49.0], "naive_html": [18.0, 17.0]}, "naive")
    assert t == {"naive": [60.0, 50.0], "naive_html": [20.0, 19.0]}
    bench.keep_fastest(t, {"naive": [55.0, 51.0], "naive_html": [21.0, 20.0]}, "naive")
    assert t["naive"] == [55.0, 51.0] and t["naive_html"] == [21.0, 20.0]
