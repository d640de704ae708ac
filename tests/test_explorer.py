"""The scenario explorer: its numbers are analysis.scenarios', its widgets drive them, its saved
files are what `make scenario` runs (to the same numbers), and the notebook runs headless.

Inputs are built from data/raw into a temporary folder (the ``inputs`` fixture in conftest.py;
the working tree is never written);
the end-to-end tests run in a project copy (tools/project_copy.py).
"""
from __future__ import annotations

import json
import math
import subprocess
from dataclasses import replace

import jupytext
import pandas as pd
import pytest

from analysis import catalogue, explorer, observations, paths, scenarios, words
from analysis.explorer_widgets import ExplorerApp
from analysis.markdown_text import escape
from analysis.parameters import ParameterError
from analysis.yaml_files import load_yaml
from tools import bench
from tools.project_copy import copy_project

RETAIL_9PCT = explorer.State(indicator="retail_sales_total", stated_rate=0.09)


def notebook_scenario(inputs: explorer.Inputs, state: explorer.State):
    """What notebooks/20_scenario.py computes for these parameters (its cell, step by step)."""
    plan = scenarios.plan_target_and_rate(inputs.targets, state.indicator)
    target_value = plan["target"] if state.target == "plan" else float(state.target)
    rate = plan["stated_rate"] if state.stated_rate == "plan" else state.stated_rate
    series = observations.annual_series(inputs.observations, state.region_code, state.indicator)
    return scenarios.build_scenarios(series, unit=catalogue.indicator(state.indicator)["unit"], target=target_value,
                                     target_year=state.horizon, stated_rate=rate, base_year=state.base_year,
                                     covid=state.covid, seed=state.seed, level=float(state.level),
                                     stress_shock=state.stress_shock)


def assert_summaries_equal(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        if isinstance(value, float) and math.isnan(value):
            assert isinstance(got[key], float) and math.isnan(got[key]), key
        else:
            assert got[key] == value, key


# ---- parameters ------------------------------------------------------------------------------

def test_saved_keys_are_parameters_the_scenario_notebook_declares():
    cell = next(c for c in jupytext.read(paths.NOTEBOOKS / "20_scenario.py").cells
                if "parameters" in c.metadata.get("tags", []))
    declared = {line.split("=")[0].strip() for line in cell.source.splitlines() if "=" in line and not line.startswith("#")}
    assert set(explorer.SAVED_KEYS) <= declared


def test_the_explorer_notebook_is_saved_back_unchanged():
    """`make lab` opens it through Jupytext and JupyterLab autosaves it: its header is the one Jupytext
    writes (its pinned version), so a save without an edit leaves the file byte for byte."""
    text = (paths.NOTEBOOKS / "40_explore_scenarios.py").read_text(encoding="utf-8")
    assert jupytext.writes(jupytext.reads(text, fmt="py:percent"), fmt="py:percent") == text
    assert f"jupytext_version: {jupytext.__version__}" in text


def test_a_parameter_file_with_an_unknown_key_is_refused():
    with pytest.raises(ParameterError, match=r"x.yaml: unknown parameter\(s\) 'rate'"):
        explorer.state_from_parameters({"indicator": "retail_sales_total", "rate": 0.09}, "x.yaml")


# ---- results -----------------------------------------------------------------------------------

@pytest.mark.parametrize("state", [
    RETAIL_9PCT,
    explorer.State(indicator="tertiary_value_added", covid="exclude", level=0.9, stress_shock=0.03),
    explorer.State(indicator="tertiary_value_added", covid="dummy", target=900, stated_rate=None),
    explorer.State(indicator="tourism_revenue", reading="total"),
    explorer.State(indicator="tourism_visits", region_code="650000"),
])
def test_results_are_what_the_scenario_notebook_computes(inputs, state):
    table, summary = notebook_scenario(inputs, state)
    result = explorer.Session(inputs).result(state)
    pd.testing.assert_frame_equal(result.table, table, check_exact=True)
    assert_summaries_equal(result.summary, summary)


def test_retail_at_9pct_grows_the_plans_2020_value(inputs):
    """The plan's own numbers: 224.27 亿元 in 2020 (表 1), target 350 亿元 (表 2 item 10)."""
    result = explorer.Session(inputs).result(RETAIL_9PCT)
    assert result.summary["plan_value_at_target_year"] == pytest.approx(224.27 * 1.09 ** 5)
    assert result.target_value == 350


def test_fits_are_reused_unless_a_fit_setting_changes(inputs):
    session = explorer.Session(inputs)
    base = explorer.State(indicator="tertiary_value_added")
    session.result(base)
    assert session.fit_count == 1
    for change in ({"stated_rate": 0.07}, {"target": 900.0}, {"base_year": 2018}, {"stress_shock": 0.05}):
        session.result(replace(base, **change))
    assert session.fit_count == 1, "a rate, target, base year or shock change must not re-fit"
    session.result(replace(base, covid="exclude"))
    session.result(replace(base, level=0.9))
    assert session.fit_count == 3


@pytest.mark.parametrize("change, message", [
    ({"target": -3.0}, "parameter 'target' = -3.0: allowed range is (0, +∞)"),
    ({"stated_rate": 1.5}, "parameter 'stated_rate' = 1.5: allowed range is (-0.5, 1.0)"),
    ({"level": 0.3}, "parameter 'level' = 0.3: allowed range is [0.5, 0.99]"),
    ({"horizon": 2023}, "parameter 'horizon' = 2023: must be after the latest actual year (2023)"),
])
def test_an_invalid_state_raises_the_notebooks_message(inputs, change, message):
    with pytest.raises(ParameterError) as err:
        explorer.Session(inputs).result(replace(RETAIL_9PCT, **change))
    assert str(err.value) == message
    # a choice a control can make also carries the catalogue's words for it
    assert isinstance(err.value, explorer.InvalidChoice) == (set(change) <= {"target", "horizon"})


def test_an_invalid_choice_is_said_in_the_explorers_language(inputs):
    session = explorer.Session(inputs)
    for change, zh, en in (({"target": -3.0}, "参数无效：自定义目标值须大于 0（现为 -3.0）",
                            "Invalid parameters: a custom target must be greater than 0 (it is -3.0)"),
                           ({"horizon": 2023}, "参数无效：实际值已到 2023 年，目标年份 2023 年须在其后",
                            "Invalid parameters: the actual values already reach 2023; the target year 2023 must come after it")):
        with pytest.raises(explorer.InvalidChoice) as err:
            session.result(replace(RETAIL_9PCT, **change))
        assert explorer.invalid_message(err.value, "zh") == zh and explorer.invalid_message(err.value, "en") == en
    # a value only the parameters cell can set (no control reaches it) keeps the check's own text
    with pytest.raises(ParameterError) as err:
        session.result(replace(RETAIL_9PCT, level=0.3))
    assert explorer.invalid_message(err.value, "zh") == "参数无效：parameter 'level' = 0.3: allowed range is [0.5, 0.99]"


def test_summary_line_shows_the_results_numbers_in_both_languages(inputs):
    result = explorer.Session(inputs).result(explorer.State(indicator="tertiary_value_added"))
    s = result.summary
    zh, en = explorer.summary_text(result, "zh"), explorer.summary_text(result, "en")
    assert f"{s['latest_value']:,.2f}" in zh and f"{s['plan_value_at_target_year']:,.2f}" in zh
    assert f"{s['trend_lower']:,.2f}–{s['trend_upper']:,.2f}" in zh and f"{s['stress_value']:,.2f}" in zh
    for text in (zh, en):
        assert f"{s['probability_of_target'] * 100:.0f}%" in text
    # English counts in billions, to the digit (a researcher compares scenarios): 704.11 亿元 = CNY 70.411 billion
    assert zh.startswith("最新实际值 2023 年 704.11 亿元") and en.startswith("latest actual CNY 70.411 billion in 2023")
    assert f"CNY {s['plan_value_at_target_year'] / 10:.3f}" in en and "75.445–93.953" in en
    assert "亿元" not in en and "(CNY 100 million)" not in en


def test_the_summarys_reasons_come_from_the_catalogue_in_its_language(inputs):
    """Retail has two annual actuals (2020, 2023): an exact fit leaves no interval, and the summary
    says so in the explorer's language (the scenario's note_messages, as the report renders them)."""
    result = explorer.Session(inputs).result(explorer.State())
    messages = words.from_json(result.summary["note_messages"])
    assert [key for key, _ in messages] == ["reason.interval_no_dof"]
    zh, en = explorer.summary_text(result, "zh"), explorer.summary_text(result, "en")
    assert zh.endswith("说明：" + words.render(messages[0], "zh")) and "no prediction interval" not in zh
    assert en.endswith("notes: " + result.summary["notes"])  # the English text is the CSV's notes column


def test_the_chart_legend_names_the_chosen_interval_level(inputs):
    session, fig = explorer.Session(inputs), explorer.new_figure()
    explorer.render_png(fig, session.result(explorer.State(indicator="tertiary_value_added", level=0.9)), "en")
    assert any("90%" in label for label in fig.axes[0].get_legend_handles_labels()[1])


def test_total_reading_shows_what_the_missing_years_need(inputs):
    result = explorer.Session(inputs).result(explorer.State(indicator="tourism_revenue", reading="total"))
    row = result.readings.iloc[1]
    assert row["reading"] == "total_2021_2025"
    text = explorer.summary_text(result, "en")
    years = row["missing_years"].split(",")
    assert f"the missing years ({', '.join(years)}) need CNY {row['required'] / 10:g} billion each" in text
    # each language joins the years as it joins a list (、 in Chinese), as the report does
    assert f"缺失年份（{'、'.join(years)}）平均每年需 {row['required']:,.2f} 亿元" in explorer.summary_text(result, "zh")
    assert set(explorer.chart_table(result)["scenario"]).isdisjoint({"required", "target"})


# ---- widgets -----------------------------------------------------------------------------------

@pytest.fixture()
def app(inputs, tmp_path):
    return ExplorerApp(explorer.Session(inputs), language="zh", params_dir=tmp_path)


def test_moving_the_controls_redraws_summary_and_chart_from_analysis_scenarios(app, inputs):
    first_png = bytes(app.chart.value)
    assert first_png.startswith(b"\x89PNG") and app.message == ""
    app.rate_mode.value = "custom"
    app.rate_pct.value = 9.0
    assert app.state == RETAIL_9PCT
    _, expected = notebook_scenario(inputs, RETAIL_9PCT)
    assert_summaries_equal(app.result.summary, expected)
    assert app.summary.value == f"<p>{explorer.summary_text(app.result, 'zh')}</p>"
    assert f"{expected['plan_value_at_target_year']:,.2f}" in app.summary.value
    assert bytes(app.chart.value) != first_png

    app.indicator.value = "tertiary_value_added"
    app.covid.value = "exclude"
    app.level.value = 0.9
    state = replace(RETAIL_9PCT, indicator="tertiary_value_added", covid="exclude", level=0.9)
    assert app.state == state
    _, expected = notebook_scenario(inputs, state)
    assert_summaries_equal(app.result.summary, expected)
    assert f"{expected['probability_of_target'] * 100:.0f}%" in app.summary.value


def test_tourism_shows_the_reading_control_and_the_total_reading(app):
    assert app.reading.layout.display == "none"
    app.indicator.value = "tourism_visits"
    assert app.reading.layout.display is None
    app.reading.value = "total"
    row = app.result.readings.iloc[1]
    assert f"{row['required']:,.2f} 万人次" in app.summary.value
    assert "累计读法下不计算" in app.summary.value


def test_an_invalid_choice_shows_the_validation_message_not_a_traceback(app):
    app.target_mode.value = "custom"
    app.target_value.value = -3
    assert app.message == "参数无效：自定义目标值须大于 0（现为 -3.0）"
    assert app.notice.value == '<p style="color:#c0392b">参数无效：自定义目标值须大于 0（现为 -3.0）</p>'
    assert app.summary.value == ""
    app.save()  # nothing to save: the same reason
    assert app.save_status.value == app.notice.value
    app.target_value.value = 400
    assert app.message == "" and app.result.target_value == 400


# ---- saving ------------------------------------------------------------------------------------

def test_save_writes_a_parameter_file_the_explorer_reads_back(inputs, tmp_path):
    session = explorer.Session(inputs)
    path = explorer.save_scenario(session, RETAIL_9PCT, "retail_9pct", title="社零：9%", title_en="Retail at 9%",
                                  description="test", params_dir=tmp_path)
    assert path == tmp_path / "scenario_retail_9pct.yaml"
    params = load_yaml(path)
    assert list(params) == list(explorer.SAVED_KEYS)
    assert params["stated_rate"] == 0.09 and params["region_code"] == "652300" and params["target"] == "plan"
    saved = explorer.load_scenario(path)
    assert saved.state == RETAIL_9PCT and saved.title == "社零：9%" and saved.title_en == "Retail at 9%"


@pytest.mark.parametrize("name, key", [
    ("Retail 9%", "explorer.save.bad_name"),
    ("../evil", "explorer.save.bad_name"),
    ("retail_sales_total", "explorer.save.report_scenario"),
])
def test_save_refuses_bad_names_and_report_scenarios(inputs, tmp_path, name, key):
    with pytest.raises(explorer.SaveRefused) as err:
        explorer.save_scenario(explorer.Session(inputs), RETAIL_9PCT, name, title="t", title_en="t", params_dir=tmp_path)
    assert err.value.message[0] == key
    assert list(tmp_path.iterdir()) == []


def test_a_report_scenario_or_existing_file_is_replaced_only_when_asked(inputs, tmp_path):
    session = explorer.Session(inputs)
    report_file = tmp_path / "scenario_retail_sales_total.yaml"
    report_file.write_text("title: the report's\n", encoding="utf-8")
    path = explorer.save_scenario(session, RETAIL_9PCT, "retail_sales_total", title="t", title_en="t",
                                  replace_existing=True, params_dir=tmp_path)
    assert explorer.load_scenario(path).state == RETAIL_9PCT
    explorer.save_scenario(session, RETAIL_9PCT, "mine", title="t", title_en="t", params_dir=tmp_path)
    with pytest.raises(explorer.SaveRefused) as err:
        explorer.save_scenario(session, RETAIL_9PCT, "mine", title="t", title_en="t", params_dir=tmp_path)
    assert err.value.message[0] == "explorer.save.exists"
    with pytest.raises(ParameterError, match="'stated_rate' = 1.5"):
        explorer.save_scenario(session, replace(RETAIL_9PCT, stated_rate=1.5), "other", title="t",
                               title_en="t", params_dir=tmp_path)
    assert not (tmp_path / "scenario_other.yaml").exists()


def test_save_button_and_overlays_of_saved_scenarios(app, tmp_path):
    app.rate_mode.value = "custom"
    for rate, name in ((7.0, "retail_7pct"), (9.0, "retail_9pct")):
        app.rate_pct.value = rate
        app.save_name.value = name
        app.save()
        path = tmp_path / f"scenario_{name}.yaml"
        assert app.save_status.value == (f"<p>已保存 <code>{path}</code>；用 <code>make scenario PARAMS={path}</code> 重现</p>")
    app.save_name.value = "retail_sales_total"
    app.save()
    assert app.save_status.value.startswith('<p style="color:#c0392b">“<code>retail_sales_total</code>”是报告使用的情景')
    assert [o[1].name for o in app.overlays.options] == ["scenario_retail_7pct.yaml", "scenario_retail_9pct.yaml"]
    assert [o[0] for o in app.overlays.options] == ["社会消费品零售总额（昌吉州）：年均 7.0%", "社会消费品零售总额（昌吉州）：年均 9.0%"]
    app.overlays.value = tuple(o[1] for o in app.overlays.options)
    labels = app.figure.axes[0].get_legend_handles_labels()[1]
    titles = [explorer.load_scenario(tmp_path / f"scenario_{n}.yaml").title for n in ("retail_7pct", "retail_9pct")]
    assert [f"已保存：{t}" for t in titles] == [lbl for lbl in labels if lbl.startswith("已保存")]
    assert titles[1] == "社会消费品零售总额（昌吉州）：年均 9.0%"


# ---- end to end: make scenario on a saved file, the notebook headless ----------------------------

@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("explorer") / "project")


@pytest.mark.pipeline
def test_make_scenario_reproduces_the_explorers_numbers_exactly(project, inputs):
    state = replace(RETAIL_9PCT, covid="exclude", stress_shock=0.03)
    explorer.save_scenario(explorer.Session(inputs), state, "retail_9pct", title="社零：9%", title_en="Retail at 9%",
                           params_dir=project.path("params"))
    result = project.make("scenario", "PARAMS=params/scenario_retail_9pct.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    out = project.path("reports/scenarios/scenario_retail_9pct")
    mine = explorer.Session(explorer.load_inputs(project.path("data/processed/observations.csv"),
                                                 project.path("data/processed/plan_targets.csv"))).result(state)
    table = pd.read_csv(out / "scenarios_retail_sales_total.csv")
    pd.testing.assert_frame_equal(table, mine.table.reset_index(drop=True), check_exact=True, check_dtype=False)
    summary = pd.read_csv(out / "scenario_summary_retail_sales_total.csv").iloc[0]
    for key in ("latest_value", "required_rate", "plan_value_at_target_year", "trend_value", "trend_rate",
                "probability_of_target", "stress_value", "stated_rate", "target"):
        expected = mine.summary[key]
        assert summary[key] == expected or (math.isnan(summary[key]) and math.isnan(expected)), key
    assert summary["plan_value_at_target_year"] == pytest.approx(224.27 * 1.09 ** 5, rel=1e-12)


@pytest.mark.pipeline
@pytest.mark.parametrize("language", ["zh", "en"])
def test_explorer_notebook_runs_headless_with_defaults(project, language):
    if not project.path("data/processed/observations.csv").exists():
        assert project.make("data/processed/observations.csv").returncode == 0
    out = f"build/explorer_{language}.ipynb"
    run = subprocess.run([str(project.path(".venv/bin/python")), "tools/notebook_runner.py", "execute",
                          "notebooks/40_explore_scenarios.py", out, "-p", "language", language],
                         cwd=project.root, env=project.env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    nb = json.loads(project.path(out).read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    shown = "".join("".join(o["data"]["text/markdown"]) for o in outputs if "text/markdown" in o.get("data", {}))
    inputs = explorer.load_inputs(project.path("data/processed/observations.csv"),
                                  project.path("data/processed/plan_targets.csv"))
    # the summary as typed, escaped so that no text of it can be read as markup (analysis/markdown_text.py)
    assert shown == escape(explorer.summary_text(explorer.Session(inputs).result(explorer.State()), language))


def test_the_page_make_explore_serves_runs_the_code_cells_in_the_chosen_language():
    """tools/explore.py: the explorer's code cells (not the text record of a headless run), the
    language set after the parameters cell, the project kernel, the heading as the page's title."""
    from tools import explore

    source = jupytext.read(paths.NOTEBOOKS / "40_explore_scenarios.py")
    code_cells = [c.source for c in source.cells if c.cell_type == "code" and "not-in-app" not in c.metadata.get("tags", [])]
    for language, title in (("zh", "增长情景探索器"), ("en", "Growth scenario explorer")):
        nb = explore.app_notebook("notebooks/40_explore_scenarios.py", language)
        assert [c.cell_type for c in nb.cells] == ["code"] * (len(code_cells) + 1)
        assert [c.source for c in nb.cells] == code_cells[:1] + [f"language = {language!r}"] + code_cells[1:]
        assert nb.metadata["kernelspec"]["name"] == "changji-services" and nb.metadata["title"] == title
    assert len(code_cells) == 2 and "ExplorerApp" in code_cells[1]
    with pytest.raises(SystemExit, match=r"LANGUAGE='fr': the explorer's languages are zh, en"):
        explore.app_notebook("notebooks/40_explore_scenarios.py", "fr")


# ---- make bench's explorer timing (tools/bench.py); the timing itself is never asserted -----------

def test_bench_summarises_explorer_timings_and_states_the_targets():
    t = bench.explorer_summary({"open": [3.0, 2.5], "walls": [0.1, 0.3, 0.2], "cpus": [0.05, 0.2, 0.1]})
    assert t == {"explorer_open": [3.0, 2.5], "explorer_changes": 3, "explorer_median": [0.2, 0.1],
                 "explorer_worst": [0.3, 0.2]}
    lines, ok = bench.explorer_verdict(t)
    assert ok and lines[-1] == "explorer targets: met"
    _, ok = bench.explorer_verdict({**t, "explorer_worst": [0.6, 0.2]})
    assert not ok
    _, ok = bench.explorer_verdict({**t, "explorer_open": [5.5, 2.0]})
    assert not ok


def test_the_benchmarks_changes_are_valid_and_each_redraws(app):
    for name, value in bench.EXPLORER_CHANGES:
        before = len(app.timings)
        getattr(app, name).value = value
        assert app.message == "", (name, value)
        assert len(app.timings) == before + 1, f"{name}={value!r} redrew {len(app.timings) - before} times"


def test_a_region_without_data_shows_missing_values_not_an_error(app):
    app.region.value = "650100"  # Urumqi: no annual retail figure in data/raw
    assert app.message == "" and app.result.table.empty
    # a missing amount is — alone, as in the report; the reason in the explorer's language
    assert app.summary.value == ("<p>没有年度实际值；达标需年均增长 —；规划路径 2025 年 —；趋势 2025 年 —（无预测区间）；"
                                 f"达标概率 —；压力情景 2025 年 —；说明：{words.text('reason.no_observation', 'zh')}</p>")
    texts = [t.get_text() for t in app.figure.axes[0].texts]
    assert texts == [words.text("explorer.message.no_data", "zh")]
