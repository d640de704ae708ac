"""表 1 parsing and checks on the real document, and clear errors on broken copies."""
from __future__ import annotations

import math

import pytest

from analysis import bureau_table
from analysis.errors import RawDataError

# The plan's 表 1 as printed: (indicator_id, 昌吉州, 乌鲁木齐, 全疆). Test fixture only; the
# pipeline reads the numbers from the document text.
TABLE1 = [
    ("tertiary_value_added", 563.51, 2402.38, 7071.85),
    ("tertiary_share_of_gdp", 40.6, 72, 51.2),
    ("retail_sales_total", 224.27, 1043.51, 3062.55),
    ("retail_sales_urban", 190.40, 1037.26, 2641.89),
    ("retail_sales_rural", 33.87, 6.25, 420.66),
    ("retail_sales_goods", 197.16, 932.25, 2660.29),
    ("retail_sales_catering", 27.11, 111.26, 402.26),
    ("tertiary_investment_growth", 53.5, 1.3, 18.5),
    ("goods_trade_total", 5.47, 71.46, 213.87),
    ("goods_exports", 3.93, 45.22, 158.36),
    ("goods_imports", 1.54, 26.23, 55.51),
]
UNITS = {"tertiary_share_of_gdp": "%", "tertiary_investment_growth": "%", "goods_trade_total": "亿美元",
         "goods_exports": "亿美元", "goods_imports": "亿美元"}


def parse(text: str, **kw):
    return bureau_table.parse_comparison_table(text, "table.txt", 2020, "cj_plan_2022_97", **kw)


def test_all_33_values_match_the_document(plan_text):
    data = parse(plan_text).data
    assert len(data) == 33
    got = data.set_index(["indicator_id", "region_code"])
    for ind, cj, uq, xj in TABLE1:
        for code, expected in (("652300", cj), ("650100", uq), ("650000", xj)):
            assert got.loc[(ind, code), "value"] == pytest.approx(expected, abs=1e-9), (ind, code)
            assert got.loc[(ind, code), "unit"] == UNITS.get(ind, "亿元")


def test_tidy_columns_and_labels(plan_text):
    table = parse(plan_text)
    d = table.data
    assert table.title.startswith("表 1")
    assert table.source_note.startswith("数据来源")
    assert set(d["region_code"]) == {"652300", "650100", "650000"}
    row = d[(d.indicator_id == "retail_sales_urban") & (d.region_code == "652300")].iloc[0]
    assert row["breakdown_zh"] == "按经营地·城镇"
    assert row["parent_indicator_id"] == "retail_sales_total"
    assert row["region_en"] == "Changji Hui Autonomous Prefecture"
    exports = d[(d.indicator_id == "goods_exports")].iloc[0]
    assert exports["unit"] == "亿美元"  # inherited from 货物进出口总额（亿美元）
    for col in ["region_code", "region_zh", "region_en", "indicator_id", "indicator_zh", "indicator_en",
                "breakdown", "unit", "value", "source_id"]:
        assert col in d.columns


def test_checks_report_urumqi_trade_as_rounding(plan_text):
    checks = bureau_table.check_comparison(parse(plan_text).data)
    assert set(checks["verdict"]) <= {"exact", "rounding", "ok"}
    rounding = checks[checks["verdict"] == "rounding"]
    assert len(rounding) == 1
    r = rounding.iloc[0]
    assert r["region_code"] == "650100" and r["check"] == "goods_exports + goods_imports = goods_trade_total"
    assert r["recomputed"] == pytest.approx(71.45) and r["expected"] == pytest.approx(71.46)
    assert r["difference"] == pytest.approx(-0.01)
    # 9 component checks + 3 share checks
    assert len(checks) == 12


def test_rounding_tolerance_is_half_units():
    assert bureau_table.rounding_tolerance([2, 2, 2]) == pytest.approx(0.015)
    assert bureau_table.rounding_tolerance([1, 0]) == pytest.approx(0.55)


def test_regions_in_any_order_and_missing_marker(table1_lines):
    # swap the region columns: 全疆 first, 昌吉州 last
    header, *rows = table1_lines[2:14]
    def swap(line: str) -> str:
        cells = line.split("\t")
        return "\t".join(cells[:-3] + [cells[-1], cells[-2], cells[-3]])
    rows = [swap(r) for r in rows]
    rows[0] = rows[0].rsplit("\t", 1)[0] + "\t—"  # 昌吉州 三产增加值 missing
    text = "\n".join([table1_lines[0], "", swap(header), *rows])
    data = parse(text).data.set_index(["indicator_id", "region_code"])
    assert data.loc[("tertiary_value_added", "650000"), "value"] == pytest.approx(7071.85)
    assert math.isnan(data.loc[("tertiary_value_added", "652300"), "value"])
    assert data.loc[("retail_sales_total", "652300"), "value"] == pytest.approx(224.27)


def broken(table1_lines, row_prefix: str, old: str, new: str) -> str:
    lines = list(table1_lines)
    i = next(k for k, line in enumerate(lines) if line.lstrip("\t").startswith(row_prefix))
    assert old in lines[i]
    lines[i] = lines[i].replace(old, new, 1)
    return "\n".join(lines)


def test_non_numeric_cell_names_row_and_column(table1_lines):
    text = broken(table1_lines, "社会消费品零售总额", "1043.51", "1043.5l")
    with pytest.raises(RawDataError) as err:
        parse(text)
    assert err.value.row == 6 and err.value.column == "乌鲁木齐"
    assert "expected a number" in str(err.value) and "'1043.5l'" in str(err.value)


def test_missing_region_column(table1_lines):
    lines = ["\t".join(line.split("\t")[:-1]) if "\t" in line else line for line in table1_lines]
    with pytest.raises(RawDataError) as err:
        parse("\n".join(lines))
    assert err.value.column == "全疆" and err.value.row == 3
    assert "missing" in str(err.value)


def test_components_that_do_not_add_up_stop_with_numbers(table1_lines):
    text = broken(table1_lines, "乡村消费品零售额", "33.87", "43.87")
    data = parse(text).data
    checks = bureau_table.check_comparison(data)
    with pytest.raises(RawDataError) as err:
        bureau_table.raise_on_violations(checks, "table.txt")
    msg = str(err.value)
    assert "昌吉回族自治州" in msg and "城镇消费品零售额 + 乡村消费品零售额 = 社会消费品零售总额" in msg
    assert "224.27" in msg and "234.27" in msg
    assert err.value.row == 6 and err.value.column == "昌吉州"


def test_share_outside_range_is_a_violation(table1_lines):
    text = broken(table1_lines, "三产增加值占", "72", "172")
    checks = bureau_table.check_comparison(parse(text).data)
    bad = checks[checks.verdict == "violation"]
    assert list(bad["region_code"]) == ["650100"]


def test_unknown_label_and_wrong_unit(table1_lines):
    with pytest.raises(RawDataError, match="unknown indicator label"):
        parse(broken(table1_lines, "三产投资增长率", "三产投资增长率", "三产投资总额"))
    with pytest.raises(RawDataError, match="is in 万元, expected 亿元") as err:
        parse(broken(table1_lines, "三产增加值（亿元）", "（亿元）", "（万元）"))
    assert err.value.row == 3 + 1


def test_not_utf8_file(tmp_path, table1_lines):
    from analysis import files

    path = tmp_path / "gbk.txt"
    path.write_bytes("\n".join(table1_lines).encode("gbk"))
    with pytest.raises(RawDataError) as err:
        files.read_utf8_text(path)
    assert "not UTF-8" in str(err.value) and err.value.row == 1


def test_empty_file(tmp_path):
    from analysis import files

    path = tmp_path / "empty.txt"
    path.write_text("")
    with pytest.raises(RawDataError, match="empty"):
        files.read_utf8_text(path)
