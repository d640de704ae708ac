"""Parameters that cannot be misspelt (issue 13): checked against the notebook's parameters cell
before any kernel starts; each error is one line naming the parameter or the file, line and column."""
from __future__ import annotations

import subprocess
import sys

import jupytext
import pytest

from analysis import parameter_check, paths
from analysis.errors import RawDataError
from analysis.parameters import ParameterError

SCENARIO = paths.ROOT / "notebooks" / "20_scenario.py"


@pytest.fixture(scope="module")
def scenario_nb():
    return jupytext.read(SCENARIO)


def test_declared_parameters_are_read_from_the_parameters_cell(scenario_nb):
    declared = parameter_check.declared_parameters(scenario_nb)
    assert declared["level"] == 0.8 and declared["stated_rate"] == "plan" and declared["horizon"] == 2025
    assert "stated_rate_given" not in declared  # derived in a later cell, not a parameter


def check_file(tmp_path, nb, text: str) -> dict:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return parameter_check.checked_parameters(nb, "notebooks/20_scenario.py", str(path), None)


def test_a_misspelt_key_lists_the_allowed_ones_and_suggests_the_nearest(tmp_path, scenario_nb):
    """`stated_rat: 0.20` only got papermill's warning and the plan's rate was used instead of 20 %."""
    with pytest.raises(ParameterError) as err:
        check_file(tmp_path, scenario_nb, "indicator: retail_sales_total\nstated_rat: 0.20\n")
    msg = str(err.value)
    assert msg.startswith("unknown parameter 'stated_rat' (in ") and "did you mean 'stated_rate'?" in msg
    assert "allowed: base_year, covid, description, figures_dir, horizon, indicator, level" in msg


def test_an_empty_parameter_file_is_an_error(tmp_path, scenario_nb):
    """An empty YAML ran the notebook's default scenario and reported success."""
    for text in ("", "# only a comment\n"):
        with pytest.raises(RawDataError, match="the parameter file is empty"):
            check_file(tmp_path, scenario_nb, text)


def test_a_yaml_syntax_error_names_file_line_and_column(tmp_path, scenario_nb):
    with pytest.raises(RawDataError) as err:
        check_file(tmp_path, scenario_nb, "indicator: retail_sales_total\ntitle: \"unclosed\nseed: 7\n")
    assert err.value.row is not None and err.value.column is not None
    assert str(err.value).startswith(f"{tmp_path / 'case.yaml'}, line ") and "YAML syntax error" in str(err.value)


def test_a_duplicate_key_names_both_lines(tmp_path, scenario_nb):
    with pytest.raises(RawDataError, match=r"line 3: key 'seed' appears twice \(lines 1 and 3\)"):
        check_file(tmp_path, scenario_nb, "seed: 1\nindicator: retail_sales_total\nseed: 2\n")


@pytest.mark.parametrize("text, message", [
    ("level: high\n", "parameter 'level' = 'high'"),          # was "could not convert string to float"
    ("base_year: 2020.5\n", "parameter 'base_year' = 2020.5"),
    ("seed: true\n", "parameter 'seed' = True"),
    ("level: [0.8]\n", "parameter 'level' = [0.8]"),
])
def test_a_value_of_the_wrong_kind_names_the_parameter_and_what_is_allowed(tmp_path, scenario_nb, text, message):
    with pytest.raises(ParameterError) as err:
        check_file(tmp_path, scenario_nb, text)
    assert str(err.value).startswith(message) and "expected " in str(err.value) and "default" in str(err.value)


def test_values_the_notebook_accepts_pass(tmp_path, scenario_nb):
    params = check_file(tmp_path, scenario_nb, "target: 320\nstated_rate: null\nregion_code: 652300\nlevel: 1\n")
    assert params == {"target": 320, "stated_rate": None, "region_code": 652300, "level": 1}


def test_cli_text_parameters_are_taken_as_typed(scenario_nb):
    params = parameter_check.checked_parameters(scenario_nb, "nb", None, [["output_dir", "reports/a: b"], ["seed", "7"]])
    assert params == {"output_dir": "reports/a: b", "seed": 7}


@pytest.mark.parametrize("args, message", [
    (["-p", "horizn", "2030"], "✖ unknown parameter 'horizn' (in -p): notebooks/20_scenario.py has no such parameter; "
                               "did you mean 'horizon'?"),
    (["-p", "level", "high"], "✖ parameter 'level' = 'high' (in -p): expected a number, like the notebook's default 0.8"),
])
def test_the_runner_stops_before_any_kernel_with_one_line(tmp_path, args, message):
    out = tmp_path / "out.ipynb"
    result = subprocess.run([sys.executable, str(paths.ROOT / "tools" / "notebook_runner.py"), "execute",
                             "notebooks/20_scenario.py", str(out), *args],
                            cwd=paths.ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr  # one line, no traceback
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr and "▶" not in result.stdout and not out.exists()


def test_a_misspelt_threshold_is_an_error_not_a_default(tmp_path):
    from analysis import progress

    path = tmp_path / "thresholds.yaml"
    path.write_text("title: t\ndescription: d\nahead_margin: 0.1\nlagging_margn: 0.2\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="unknown key 'lagging_margn' in .*thresholds.yaml; did you mean 'lagging_margin'?"):
        progress.load_thresholds(path)


# ---- issue 21: text parameters, YAML's own errors and paths, each on one line naming file, line, parameter ----

@pytest.mark.parametrize("text, message", [
    ("title: x\ncovid: no\n", "parameter 'covid' = no (in {f}, line 2): YAML reads the bare word 'no' as false, but 'covid' takes "
                              "text (allowed values are 'none', 'dummy', 'exclude')"),
    ("covid: dumy\n", "parameter 'covid' = 'dumy' (in {f}, line 1): allowed values are 'none', 'dummy', 'exclude'"),
    ("title: yes\n", "parameter 'title' = yes (in {f}, line 1): YAML reads the bare word 'yes' as true, but 'title' takes text "
                     "(put the word in quotes if it is the text you mean)"),
    ("title: 2024-05-01\n", "parameter 'title' = 2024-05-01 (in {f}, line 1): YAML reads it as a date"),
    ("title: !!binary aGVsbG8=\n", "parameter 'title' = !!binary aGVsbG8= (in {f}, line 1): YAML reads it as binary data"),
    ("description: [a]\n", "parameter 'description' = ['a'] (in {f}, line 1): expected text, like the notebook's default ''"),
    ("description: {a: 1}\n", "parameter 'description' = {'a': 1} (in {f}, line 1): expected text"),
    ("seed: 7\noutput_dir: /tmp\n", "parameter 'output_dir' (in {f}, line 2) names a file or folder: paths are set by Make"),
    ("observations_path: /etc/passwd\n", "parameter 'observations_path' (in {f}, line 1) names a file or folder"),
    ("title: 2024-13-45\n", "{f}, line 1, column '8': YAML reads '2024-13-45' as a date, but it is not one (month must be in 1..12)"),
    ("a: &x 1\ndescription: *x\n", "{f}, line 1, column '4': anchors and aliases (&name, *name) are not allowed here"),
    ("title: x\nseed:\n  <<: {a: 1}\n", "{f}, line 3, column '3': merge keys (<<) are not supported: write the keys out"),
    ("description: " + "[" * 40 + "]" * 40 + "\n", "{f}, line 1, column '45': nested more than 32 levels deep"),
])
def test_every_kind_is_checked_before_the_kernel_naming_file_line_and_parameter(tmp_path, scenario_nb, text, message):
    with pytest.raises(ValueError) as err:  # ParameterError or RawDataError, both ValueErrors
        check_file(tmp_path, scenario_nb, text)
    assert str(err.value).startswith(message.replace("{f}", str(tmp_path / "case.yaml"))), str(err.value)


def test_the_notebooks_path_parameters_are_recognised():
    from analysis.parameter_check import declared_parameters, is_path_parameter

    paths_of = {}
    for nb in sorted((paths.ROOT / "notebooks").glob("[0-9]*.py")):
        declared = declared_parameters(jupytext.read(nb))
        paths_of[nb.stem] = sorted(name for name, default in declared.items() if is_path_parameter(name, default))
    assert paths_of["20_scenario"] == ["figures_dir", "observations_path", "output_dir", "targets_path"]
    assert paths_of["31_final_evaluation"] == ["final_params_path", "observations_path", "output_dir", "scenario_params",
                                               "targets_path", "thresholds_path"]
    assert paths_of["90_report"] == ["figures_dir", "params_dir", "processed_dir"]
