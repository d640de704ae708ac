"""Nothing wrong gets through (issue 13): normalised cells, numbers compared with the quote, unique
headers and YAML keys, plausible years, 表 1 rows short of a value — each a located error.

Broken inputs are written to copies in ``tmp_path``; ``data/raw`` is never modified.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from analysis import bureau_table, observations, paths, provenance, strict_input, units
from analysis.errors import RawDataError
from analysis.yaml_files import parse_yaml
from tests.test_observations import CJ, RETAIL_2023, expect_error, line_of, make_copy, replace_in_line

UX = "urumqi_xinjiang_bulletins.csv"


# ---- 1. normalise before comparing -----------------------------------------------------------


def test_full_width_digits_are_read_as_ascii_and_other_scripts_refused():
    assert strict_input.normalise_cell("２９１.５１") == "291.51"
    assert strict_input.normalise_cell("亿元（左右）") == "亿元(左右)"
    with pytest.raises(ValueError, match="ARABIC-INDIC DIGIT TWO"):
        strict_input.normalise_cell("٢٩١.٥١")


def test_full_width_value_with_the_wrong_unit_is_refused(tmp_path):
    """The adversarial case: ２９１.５１ 万元 for the quote's 291.51亿元 gave 0.029151 亿元 and passed."""
    line = line_of(CJ, RETAIL_2023)
    raw, record = make_copy(tmp_path, CJ, replace_in_line(RETAIL_2023, ",291.51,亿元,", ",２９１.５１,万元,"))
    err = expect_error(raw, record, CJ, line, "unit")
    assert "the quote prints 291.51 亿元 (291.51 亿元) but the unit '万元' makes the value 0.029151 亿元" in str(err)


def test_full_width_value_with_the_right_unit_is_the_same_observation(tmp_path, obs):
    raw, record = make_copy(tmp_path, CJ, replace_in_line(RETAIL_2023, ",291.51,", ",２９１.５１,"))
    table, _ = observations.build_observations(raw, record)
    row = table[(table.indicator_id == "retail_sales_total") & (table.year == 2023) & (table.region_code == "652300")]
    assert row["value"].tolist() == [291.51] and row["value_as_printed"].tolist() == ["291.51"]


def test_non_ascii_digits_in_a_cell_are_refused_naming_the_cell(tmp_path):
    line = line_of(CJ, RETAIL_2023)
    raw, record = make_copy(tmp_path, CJ, replace_in_line(RETAIL_2023, ",2023,", ",٢٠٢٣,"))
    err = expect_error(raw, record, CJ, line, "year")
    assert "is not an ASCII digit" in str(err)


def test_a_quote_that_does_not_print_the_value_is_an_error_not_a_skip(tmp_path):
    line = line_of(CJ, RETAIL_2023)
    raw, record = make_copy(tmp_path, CJ, replace_in_line(RETAIL_2023, ",291.51,", ",291.15,"))
    err = expect_error(raw, record, CJ, line, "quote")
    assert "the quote does not print the value 291.15 亿元" in str(err) and "it prints 291.51 亿元" in str(err)


@pytest.mark.parametrize("quote, printed, unit, value", [
    ("社会消费品零售总额291.51亿元", "291.51", "亿元", "291.51"),
    ("社会消费品零售总额291.51亿元", "2915100", "万元", "291.51"),              # another unit, same number
    ("域內総生産(GDP)が1兆3797億5800萬元…", "13797.58", "亿元", "13797.58"),  # compound numerals
    ("昌吉州 1,324.74 192.03 2 9.74", "1324.74", "亿元", "1324.74"),          # a table row: no unit printed
    ("after it beat a 2-trillion-yuan GDP (US$278 billion) mark", "2", "trillion yuan", "20000"),
    ("烏魯木齊市3691.57億元,昌吉州1698.21億元", "1698.21", "亿元", "1698.21"),
])
def test_quote_check_compares_numbers(quote, printed, unit, value):
    strict_input.check_value_in_quote(quote, Decimal(printed), unit, "亿元", Decimal(value), units.UNIT_CONVERSIONS)


def test_every_real_row_passes_the_strict_quote_check(obs):
    """The strict checks change nothing for the real data: every value row's quote prints it."""
    assert len(obs[obs.raw_file.str.endswith("bulletins.csv") & obs.value.notna()]) > 50


# ---- 2. strict shapes --------------------------------------------------------------------------


def test_a_repeated_header_column_is_refused(tmp_path):
    """A second `value` column with empty cells was reported as "value and growth both empty"."""
    def add_column(data: bytes) -> bytes:
        lines = data.decode("utf-8").split("\r\n")
        lines[0] += ",value"
        lines[1:] = [x + "," if x else x for x in lines[1:]]
        return "\r\n".join(lines).encode("utf-8")
    raw, record = make_copy(tmp_path, CJ, add_column)
    err = expect_error(raw, record, CJ, 1, "value")
    assert "the header names column 'value' twice (columns 4 and 10)" in str(err)


def test_a_source_id_defined_twice_in_provenance_is_refused(tmp_path):
    """A copy-pasted source block that kept the old id was "not registered"; the second copy won."""
    text = paths.PROVENANCE.read_text(encoding="utf-8")
    start = text.index("  cj_gov_h1_2019_analysis:")
    block = text[start:text.index("  shanxiti_xj_gdp_ranking_2021:")]
    first = text[:start].count("\n") + 1
    broken = tmp_path / "provenance.yml"
    broken.write_text(text + block.replace("quality: official", "quality: media"), encoding="utf-8")
    second = text.count("\n") + 1
    provenance._load.cache_clear()
    with pytest.raises(RawDataError) as err:
        provenance.load_provenance(broken)
    assert f"line {second}: key 'cj_gov_h1_2019_analysis' appears twice (lines {first} and {second})" in str(err.value)


@pytest.mark.parametrize("text, message", [
    ("a: 1\nb: 2\na: 3\n", "x.yaml, line 3: key 'a' appears twice (lines 1 and 3)"),
    ("indicators:\n  gdp: {unit: 亿元}\n  gdp: {unit: 万元}\n", "x.yaml, line 3: key 'gdp' appears twice (lines 2 and 3)"),
])
def test_duplicate_yaml_keys_name_both_lines(text, message):
    with pytest.raises(RawDataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_yaml(text, "x.yaml")


def test_every_project_yaml_goes_through_the_strict_loader():
    """No module, tool or notebook reads YAML with PyYAML's lenient loaders (the second key wins)."""
    offenders = []
    for folder in ("analysis", "tools", "notebooks"):
        for path in sorted((paths.ROOT / folder).glob("*.py")):
            if path.name == "yaml_files.py":
                continue
            text = path.read_text(encoding="utf-8")
            if "yaml.safe_load" in text or "yaml.load(" in text or "yaml.full_load" in text:
                offenders.append(path.relative_to(paths.ROOT).as_posix())
    assert offenders == []


#: the quote of Changji's 2017 GDP row (line 2), whose page has no date of its own (only `accessed`)
GDP_2017 = "分别是1710亿元和1191亿元"
#: the quote of Changji's 2018 GDP row (line 4): "… a GDP of 136.73 billion yuan, an increase of 5.1% …"
GDP_2018 = "achieved a GDP of 136.73 billion yuan"


@pytest.mark.parametrize("needle, old, new, expected", [
    # the page is dated 2025-01-15: neither 2032 nor 2026 can be on it (2026 passed the `accessed` check)
    (RETAIL_2023, ",2023,", ",2032,", "year 2032 is after the date of source 'yaliqi_changji_counties_2025' (2025-01-15); "
                                      "expected a year from 1954 to 2025"),
    (RETAIL_2023, ",2023,", ",2026,", "year 2026 is after the date of source 'yaliqi_changji_counties_2025' (2025-01-15)"),
    (GDP_2017, ",2017,", ",2032,", "year 2032 is after source 'netease_shujujun_xj_gdp_2017' was accessed (2026-11); "
                                   "expected a year from 1954 to 2026"),
    (RETAIL_2023, ",2023,", ",1923,", "year 1923 is before 昌吉回族自治州 existed (established 1954)"),
])
def test_implausible_years_are_refused(tmp_path, needle, old, new, expected):
    """A 2023→2032 typo made the scoreboard say 无数据 while the evaluation succeeded; a year after the
    page's own date passed the row checks and failed later in a notebook naming neither row nor indicator."""
    line = line_of(CJ, needle)
    raw, record = make_copy(tmp_path, CJ, replace_in_line(needle, old, new))
    err = expect_error(raw, record, CJ, line, "year")
    assert expected in str(err)


def test_implausible_year_in_the_plan_anchors(tmp_path):
    name = observations.PLAN_OBSERVATIONS_FILE
    raw, record = make_copy(tmp_path, name, lambda b: b.replace(b"652300,2015,", b"652300,2051,", 1))
    err = expect_error(raw, record, name, 2, "year")
    assert "year 2051 is after the date of source 'cj_plan_2022_97' (2022-09-26)" in str(err)


# ---- row checks finish the job (issue 21) ------------------------------------------------------


@pytest.mark.parametrize("needle, old, new, column, expected", [
    (GDP_2017, ",1191,", ",0,", "value", "a level must be greater than 0: gdp expects a value > 0, found '0'"),
    (GDP_2018, ",5.1,", ",-100,", "growth_pct", "a growth rate of -100 % is not plausible: expected more than -100 %"),
    (GDP_2018, ",5.1,", ",99999999,", "growth_pct", "a growth rate of 1e+08 % is not plausible"),
    (GDP_2018, ",5.1,", ",5.2,", "growth_pct", "the quote prints the growth rate 5.1 but the cell has 5.2; "
                                               "expected the rate as the quote prints it"),
])
def test_values_and_growth_rates_that_cannot_be_are_refused_at_their_row(tmp_path, needle, old, new, column, expected):
    """A level of 0 and growth of −100 % or 99 999 999 % were published unchecked."""
    line = line_of(CJ, needle)
    raw, record = make_copy(tmp_path, CJ, replace_in_line(needle, old, new))
    err = expect_error(raw, record, CJ, line, column)
    assert expected in str(err)


def test_growth_rates_printed_in_other_ways_are_found_in_the_quote():
    for growth, cell, quote in [(7.0, "7", "registered 7-percent growth"), (3.4, "3.4", "実質で3・4%増えた"),
                                (-1.0, "-1.0", "下降1.0%"), (227.0, "增长2.27倍", "旅游收入增长2.27倍"),
                                (6.8, "6.8", "the quote prints no rate")]:
        strict_input.check_growth(growth, cell, quote)
    with pytest.raises(ValueError, match="prints the growth rate 3.4 but the cell has 4.3"):
        strict_input.check_growth(4.3, "4.3", "実質で3・4%増えた")


def test_one_address_registered_under_two_ids_is_an_error_naming_both(tmp_path):
    """The same page registered again as `official` under a new id and title lent that flag to the rows
    citing the copy, while the page's other rows stayed encyclopedia/blog."""
    raw, record = make_copy(tmp_path)
    page = record["sources"]["chinawiki_changji_en"]
    record["sources"]["chinawiki_copy"] = {**page, "title_zh": "昌吉州（官方）", "quality": "official"}
    with pytest.raises(RawDataError) as err:
        observations.build_observations(raw, record)
    assert err.value.column == "url"
    assert (f"address '{page['url']}' is registered for both 'chinawiki_changji_en' and 'chinawiki_copy'; one page is one "
            "source") in str(err.value)


def test_a_cell_over_the_csv_limit_names_its_line_and_column(tmp_path):
    """`field larger than field limit (131072)` came back as a traceback naming no file."""
    line = line_of(CJ, GDP_2017)
    raw, record = make_copy(tmp_path, CJ, replace_in_line(GDP_2017, "1710亿元", "1710亿元" + "很" * 140_000))
    err = expect_error(raw, record, CJ, line, "quote")
    assert "a cell of more than 131072 characters" in str(err)


# ---- 6. errors point at the cause: 表 1 --------------------------------------------------------


def table1_with(table1_lines, old: str, new: str) -> tuple[str, int]:
    lines = list(table1_lines)
    idx = next(i for i, x in enumerate(lines) if old in x)
    lines[idx] = lines[idx].replace(old, new)
    return "\n".join(lines) + "\n", idx + 1


def test_table1_row_missing_its_last_value_names_that_region(table1_lines):
    """A row missing its 全疆 value was reported as missing the 昌吉州 value."""
    text, line = table1_with(table1_lines, "\t563.51\t2402.38\t7071.85", "\t563.51\t2402.38")
    with pytest.raises(RawDataError) as err:
        bureau_table.parse_comparison_table(text, "plan.txt", 2020, "cj_plan_2022_97")
    assert err.value.row == line and err.value.column == "全疆"
    assert "the value for 全疆 is missing" in str(err.value)


def test_table1_full_width_digits_read_and_other_digits_refused(table1_lines):
    text, _ = table1_with(table1_lines, "\t563.51\t", "\t５６３.５１\t")
    table = bureau_table.parse_comparison_table(text, "plan.txt", 2020, "cj_plan_2022_97").data
    assert 563.51 in table["value"].tolist()
    text, line = table1_with(table1_lines, "\t563.51\t", "\t٥٦٣.٥١\t")
    with pytest.raises(RawDataError) as err:
        bureau_table.parse_comparison_table(text, "plan.txt", 2020, "cj_plan_2022_97")
    assert err.value.row == line and err.value.column == "昌吉州" and "not an ASCII digit" in str(err.value)


@pytest.fixture(scope="module")
def obs():
    return observations.build_observations()[0]
