"""The tidy observations table: real values from data/raw, the selection rule, and located failures.

Broken inputs are written to copies in ``tmp_path``; ``data/raw`` is never modified.
"""
from __future__ import annotations

import copy
import csv
import math
import shutil
from decimal import Decimal

import pandas as pd
import pytest

from analysis import catalogue, files, observation_rules, observations, paths, printed, provenance, units
from analysis.errors import RawDataError

CHANGJI = "652300"
URUMQI = "650100"
XINJIANG = "650000"
RAW_FILES = [*observations.BULLETIN_FILES, observations.PLAN_OBSERVATIONS_FILE, observations.PLAN_TEXT_FILE]


@pytest.fixture(scope="module")
def built():
    return observations.build_observations()


@pytest.fixture(scope="module")
def obs(built):
    return built[0]


@pytest.fixture(scope="module")
def unused(built):
    return built[1]


def one(obs, **match) -> pd.Series:
    mask = pd.Series(True, index=obs.index)
    for col, val in match.items():
        mask &= obs[col] == val
    rows = obs[mask]
    assert len(rows) == 1, (match, rows[["obs_id", "value", "source_id"]])
    return rows.iloc[0]


# ---- real values -----------------------------------------------------------------------------


def test_columns_are_exactly_the_documented_ones(obs, unused):
    assert list(obs.columns) == observations.OBSERVATION_COLUMNS
    assert list(unused.columns) == observations.UNUSED_COLUMNS
    assert obs["value"].dtype == "float64" and obs["growth_pct"].dtype == "float64"
    assert obs["selected"].dtype == bool
    assert set(obs["period"]) <= set(observations.PERIODS)
    assert set(obs["status"]) <= set(observations.STATUSES)
    assert set(obs.loc[obs["value"].notna(), "qualifier"]) <= set(observations.QUALIFIERS)
    assert obs.loc[obs["value"].isna(), "qualifier"].isna().all()
    assert obs["obs_id"].is_unique


def test_changji_2023_values(obs):
    retail = one(obs, region_code=CHANGJI, indicator_id="retail_sales_total", year=2023)
    assert retail["value"] == 291.51 and retail["unit"] == "亿元"
    assert retail["qualifier"] == "exact" and retail["selected"]
    assert retail["quality"] == "encyclopedia_blog"
    tertiary = one(obs, region_code=CHANGJI, indicator_id="tertiary_value_added", year=2023)
    assert tertiary["value"] == 704.11
    # the XPCC coverage travels with the row as a column set by a quoted rule, not as a note
    annotated = observation_rules.annotate(obs, observation_rules.load_rules())
    row = one(annotated, region_code=CHANGJI, indicator_id="tertiary_value_added", year=2023)
    assert (row["coverage_xpcc6"], row["coverage_xpcc6_rule"]) == ("yes", "changji_2023_accounts_include_xpcc6")
    assert "XPCC" not in tertiary["note"]
    share = one(obs, region_code=CHANGJI, indicator_id="tertiary_share_of_gdp", year=2023)
    assert share["value"] == 30.2 and share["value_as_printed"] == "12.7:57.1:30.2" and share["unit"] == "%"


def test_changji_2018_from_billion_yuan(obs):
    row = one(obs, region_code=CHANGJI, indicator_id="tertiary_value_added", year=2018)
    assert row["value"] == 440.14  # 44.014 billion yuan × 10
    assert row["value_as_printed"] == "44.014"
    assert row["unit_as_printed"].startswith("billion yuan")
    # before the 2018 economic-census revision: a column set by a quoted rule, not a note
    annotated = observation_rules.annotate(obs, observation_rules.load_rules())
    vintage = one(annotated, region_code=CHANGJI, indicator_id="tertiary_value_added", year=2018)
    assert (vintage["vintage"], vintage["vintage_rule"]) == ("pre_2018_census", "changji_2018_figures_before_census_revision")
    gdp = one(obs, region_code=CHANGJI, indicator_id="gdp", year=2018)
    assert gdp["value"] == 1367.3 and gdp["growth_pct"] == 5.1


def test_qualifiers_and_partial_periods(obs):
    visits = obs[(obs["region_code"] == XINJIANG) & (obs["indicator_id"] == "tourism_visits") & (obs["year"] == 2024)
                 & (obs["period"] == "partial")]
    assert len(visits) == 1
    v = visits.iloc[0]
    assert v["value"] == 30000 and v["unit"] == "万人次" and v["qualifier"] == "lower_bound"
    assert v["value_as_printed"] == "突破3" and v["period_note"] == "截至12月25日"
    revenue = obs[(obs["value_as_printed"] == "约3552")]
    assert len(revenue) == 2
    assert (revenue["value"] == 3552).all() and (revenue["qualifier"] == "approximate").all()
    assert (revenue["unit"] == "亿元").all() and (revenue["period"] == "partial").all()
    assert revenue["selected"].sum() == 1
    trade = one(obs, region_code=XINJIANG, indicator_id="goods_trade_total_cny", year=2022)
    assert trade["value"] == 2400 and trade["qualifier"] == "lower_bound" and trade["value_as_printed"] == "突破2400"
    assert catalogue.indicator("goods_trade_total_cny")["unit"] == "亿元"
    gdp2024 = obs[(obs["region_code"] == XINJIANG) & (obs["indicator_id"] == "gdp") & (obs["year"] == 2024) & obs["value"].notna()]
    assert set(gdp2024["value"]) == {20000.0} and set(gdp2024["qualifier"]) == {"lower_bound"}


def test_growth_only_rows_are_kept_without_a_value(obs):
    row = one(obs, region_code=XINJIANG, indicator_id="tourism_revenue", year=2023, growth_as_printed="增长2.27倍")
    assert math.isnan(row["value"]) and row["growth_pct"] == 227
    h1 = one(obs, region_code=CHANGJI, indicator_id="tertiary_value_added", year=2019)
    assert h1["period"] == "partial" and h1["period_note"] == "上半年(1-6月)" and h1["growth_pct"] == 4.4


def test_revised_and_estimated_status(obs):
    gdp2019 = obs[(obs["region_code"] == XINJIANG) & (obs["indicator_id"] == "gdp") & (obs["year"] == 2019)]
    assert set(gdp2019["status"]) == {"revised", "preliminary_estimate"}
    selected = gdp2019[gdp2019["selected"]].iloc[0]
    assert selected["status"] == "revised" and selected["value"] == 13597.11


def test_xinjiang_2021_tertiary_selects_the_precise_figure(obs):
    rows = obs[(obs["region_code"] == XINJIANG) & (obs["indicator_id"] == "tertiary_value_added") & (obs["year"] == 2021)]
    assert len(rows) == 2
    chosen = rows[rows["selected"]].iloc[0]
    assert chosen["value"] == 7660.23
    other = rows[~rows["selected"]].iloc[0]
    assert other["source_id"] == "chinadaily_xj_economy_2021" and other["value"] == 7660
    assert chosen["obs_id"] in other["selection_note"]


def test_exactly_one_selected_per_group(obs):
    counts = obs.groupby(["region_code", "indicator_id", "year", "period", "period_note"])["selected"].sum()
    assert (counts == 1).all()
    assert (obs["selection_note"].str.len() > 0).all()


def test_five_year_totals_never_in_annual_series(obs):
    totals = obs[obs["period"] == "five_year_total"]
    assert set(totals["indicator_id"]) == {"tourism_visits", "tourism_revenue"}
    visits = one(totals, indicator_id="tourism_visits")
    assert visits["value"] == 14000 and visits["qualifier"] == "lower_bound" and visits["year"] == 2020
    assert one(totals, indicator_id="tourism_revenue")["value"] == 1100
    for ind in ("tourism_visits", "tourism_revenue"):
        series = observations.annual_series(obs, CHANGJI, ind)
        assert list(series["year"]) == [2021]


def test_annual_series_for_the_growth_scenarios(obs):
    tertiary = observations.annual_series(obs, CHANGJI, "tertiary_value_added")
    assert list(tertiary.columns) == observations.ANNUAL_SERIES_COLUMNS
    assert list(tertiary["year"]) == [2015, 2018, 2020, 2023]
    assert list(tertiary["value"]) == [358.05, 440.14, 563.51, 704.11]
    retail = observations.annual_series(obs, CHANGJI, "retail_sales_total")
    assert list(zip(retail["year"], retail["value"])) == [(2020, 224.27), (2023, 291.51)]
    visits = observations.annual_series(obs, CHANGJI, "tourism_visits")
    assert list(zip(visits["year"], visits["value"])) == [(2021, 4226.64)]
    share = observations.annual_series(obs, CHANGJI, "tertiary_share_of_gdp")
    assert list(zip(share["year"], share["value"])) == [(2015, 38.1), (2020, 40.6), (2023, 30.2)]
    assert observations.annual_series(obs, CHANGJI, "gdp")["year"].is_unique


def test_every_observation_has_a_registered_source_with_quality(obs, unused):
    record = provenance.load_provenance()
    for frame in (obs, unused):
        for sid, quality in zip(frame["source_id"], frame["quality"]):
            assert sid in record["sources"]
            assert record["sources"][sid]["quality"] == quality
            assert quality in provenance.QUALITY_FLAGS
    # rows cite their own page, never the file-level compilation record
    assert "data_notes_bulletins_2026" not in set(obs["source_id"]) | set(unused["source_id"])


def test_sources_registered_by_exact_title():
    record = provenance.load_provenance()
    titles = {t for s in record["sources"].values() for t in [s["title_zh"], *(s.get("title_variants_zh") or [])]}
    for name in observations.BULLETIN_FILES:
        with open(paths.DATA_RAW / name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                assert row["source_title"] in titles
    assert str(record["sources"]["cj_gov_tourism_reply_2022"]["accessed"]) == "2026-11"
    assert record["sources"]["cj_gov_tourism_reply_2022"]["quality"] == "official"
    assert record["files"]["plan_text_observations.csv"]["source_id"] == "cj_plan_2022_97"


def test_plan_quotes_are_verbatim_and_numbers_come_from_them(obs):
    plan_text = files.read_utf8_text(paths.PLAN_TEXT)
    plan_rows = obs[obs["raw_file"].str.endswith(observations.PLAN_OBSERVATIONS_FILE)]
    with open(paths.DATA_RAW / observations.PLAN_OBSERVATIONS_FILE, encoding="utf-8", newline="") as fh:
        raw = list(csv.DictReader(fh))
    assert len(plan_rows) == len(raw) == 11
    for line, row in enumerate(raw, start=2):
        assert row["quote"] in plan_text
        got = one(plan_rows, raw_row=line)
        number = printed.numbers_in_quote(row["quote"])[int(row["number_position"]) - 1].group(0)
        assert number in got["value_as_printed"]
    by = {(r["indicator_id"], r["year"], r["period"]): r["value"] for _, r in plan_rows.iterrows()}
    assert by[("tertiary_value_added", 2015, "full_year")] == 358.05
    assert by[("tertiary_value_added", 2020, "full_year")] == 563.51
    assert by[("tertiary_share_of_gdp", 2015, "full_year")] == 38.1
    assert by[("tertiary_share_of_gdp", 2020, "full_year")] == 40.6
    assert by[("retail_sales_total", 2020, "full_year")] == 224.27
    assert by[("finance_value_added", 2016, "full_year")] == 37.9
    assert by[("finance_value_added", 2020, "full_year")] == 85.41
    assert by[("finance_share_of_gdp", 2016, "full_year")] == 3.74
    assert by[("finance_share_of_gdp", 2020, "full_year")] == 6.16
    assert (plan_rows["source_id"] == "cj_plan_2022_97").all() and (plan_rows["quality"] == "official").all()


def test_nothing_dropped_silently(obs, unused):
    n_raw = 0
    for name in (*observations.BULLETIN_FILES, observations.PLAN_OBSERVATIONS_FILE):
        with open(paths.DATA_RAW / name, encoding="utf-8", newline="") as fh:
            n_raw += sum(1 for _ in csv.DictReader(fh))
    assert len(obs) + len(unused) == n_raw
    assert (unused["reason"].str.len() > 0).all()
    reasons = " ".join(unused["indicator_as_printed"])
    for item in ("4A/5A", "入境游客", "国际旅游收入", "贡献率", "以旧换新"):
        assert item in reasons


# ---- pure parsers ----------------------------------------------------------------------------


@pytest.mark.parametrize("text, number, qualifier", [
    ("1,324.74", "1324.74", "exact"), ("约3552", "3552", "approximate"), ("突破2400", "2400", "lower_bound"),
    ("more than 265", "265", "lower_bound"), ("over 359", "359", "lower_bound"), ("about 358.5", "358.5", "approximate"),
    ("nearly 1.6 trillion", "1.6", "approximate"), ("surpassing 2 trillion", "2", "lower_bound"),
    ("beat 2-trillion-yuan mark", "2", "lower_bound"), ("100 (record-breaking)", "100", "exact"),
    ("3893左右", "3893", "approximate"), ("12.7:57.1:30.2", "30.2", "exact"),
])
def test_parse_value(text, number, qualifier):
    parsed = printed.parse_value(text)
    assert parsed.number == Decimal(number) and parsed.qualifier == qualifier


@pytest.mark.parametrize("text, pct", [
    ("6.8", 6.8), ("-1.0", -1.0), ("约14", 14.0), ("增长2.27倍", 227.0), ("比上年增长2.2倍", 220.0),
    ("more than 117", 117.0), ("nearly 230", 230.0),
])
def test_parse_growth(text, pct):
    assert printed.parse_growth(text) == pct


@pytest.mark.parametrize("number, unit, canonical, expected", [
    ("44.014", "billion yuan", "亿元", "440.14"), ("1.6", "万亿元", "亿元", "16000"), ("1.38", "trillion yuan", "亿元", "13800"),
    ("2.65", "亿人次", "万人次", "26500"), ("300", "million", "万人次", "30000"), ("2915100", "万元", "亿元", "291.51"),
])
def test_to_canonical_table(number, unit, canonical, expected):
    value, _ = units.to_canonical(Decimal(number), unit, canonical)
    assert value == Decimal(expected)


def test_currencies_are_never_converted():
    with pytest.raises(Exception, match="cannot be converted"):
        units.to_canonical(Decimal("1"), "亿美元", "亿元")


def test_unit_comments():
    assert printed.parse_unit("亿元(左右,初步核算)") == printed.UnitSpec("亿元", ("左右", "初步核算"), "approximate")
    assert printed.parse_unit("billion yuan (=7660亿元)").base == "billion yuan"
    assert printed.parse_unit("亿元(约数)").qualifier == "approximate"


# ---- located failures on broken copies -------------------------------------------------------


def make_copy(tmp_path, name=None, transform=None, register=True):
    """Copy the raw files to tmp_path, optionally change one, and return (raw_dir, provenance).

    With ``register`` the changed file's new sha256 is recorded (as an analyst would after a
    deliberate edit), so the content check is reached; without it the checksum check fires.
    """
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in RAW_FILES:
        shutil.copy(paths.DATA_RAW / f, raw / f)
    record = copy.deepcopy(provenance.load_provenance())
    if name is not None:
        target = raw / name
        target.write_bytes(transform(target.read_bytes()))
        if register:
            record["files"][name]["sha256"] = provenance.sha256_of(target)
    return raw, record


def line_of(name: str, needle: str) -> int:
    lines = (paths.DATA_RAW / name).read_text(encoding="utf-8").splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if needle in line]
    assert len(hits) == 1, hits
    return hits[0]


def replace_in_line(needle: str, old: str, new: str):
    def transform(data: bytes) -> bytes:
        lines = data.decode("utf-8").split("\n")
        idx = [i for i, line in enumerate(lines) if needle in line]
        assert len(idx) == 1
        assert old in lines[idx[0]]
        lines[idx[0]] = lines[idx[0]].replace(old, new, 1)
        return "\n".join(lines).encode("utf-8")
    return transform


def expect_error(raw, record, file: str, line: int | None, column: str | None) -> RawDataError:
    with pytest.raises(RawDataError) as err:
        observations.build_observations(raw, record)
    msg = str(err.value)
    assert file in msg
    if line is not None:
        assert f"line {line}," in msg
        assert err.value.row == line
    if column is not None:
        assert f"column '{column}'" in msg
        assert err.value.column == column
    return err.value


CJ = "changji_bulletins.csv"
RETAIL_2023 = "社会消费品零售总额291.51亿元"  # the quote cell of the Changji 2023 retail row


def test_copy_without_changes_builds_the_same_table(tmp_path, obs):
    raw, record = make_copy(tmp_path)
    copy_obs, _ = observations.build_observations(raw, record)
    cols = ["obs_id", "indicator_id", "year", "value", "selected"]
    pd.testing.assert_frame_equal(copy_obs[cols], obs[cols])


def test_non_numeric_value(tmp_path):
    line = line_of(CJ, RETAIL_2023)
    raw, record = make_copy(tmp_path, CJ, replace_in_line(RETAIL_2023, ",291.51,", ",二百九十一,"))
    err = expect_error(raw, record, CJ, line, "value")
    assert "二百九十一" in str(err) and "expected a number" in str(err)


def test_wan_yuan_is_converted_by_the_table(tmp_path):
    raw, record = make_copy(tmp_path, CJ, replace_in_line(RETAIL_2023, ",291.51,亿元,", ",2915100,万元,"))
    got, _ = observations.build_observations(raw, record)
    row = one(got, region_code=CHANGJI, indicator_id="retail_sales_total", year=2023)
    assert row["value"] == 291.51 and row["unit"] == "亿元" and row["unit_as_printed"] == "万元"


def test_unknown_unit(tmp_path):
    line = line_of(CJ, RETAIL_2023)
    raw, record = make_copy(tmp_path, CJ, replace_in_line(RETAIL_2023, ",291.51,亿元,", ",2915100,千元,"))
    err = expect_error(raw, record, CJ, line, "unit")
    assert "千元" in str(err) and "万元" in str(err)  # names what it found and what it knows


def test_duplicated_row(tmp_path):
    line = line_of(CJ, RETAIL_2023)
    n_lines = len((paths.DATA_RAW / CJ).read_text(encoding="utf-8").splitlines())

    def duplicate(data: bytes) -> bytes:
        lines = data.decode("utf-8").split("\r\n")
        return ("\r\n".join(lines[:-1] + [lines[line - 1], ""])).encode("utf-8")

    raw, record = make_copy(tmp_path, CJ, duplicate)
    err = expect_error(raw, record, CJ, n_lines + 1, "value")
    assert f"duplicate of line {line}" in str(err)


def test_source_not_in_provenance(tmp_path):
    title = "昌吉州简介(alimail.net 博客页,概况数字,无出处)"
    line = line_of(CJ, "alimail.net")
    raw, record = make_copy(tmp_path, CJ, replace_in_line("alimail.net", title, "某博客:昌吉州简介"))
    err = expect_error(raw, record, CJ, line, "source_title")
    assert "某博客" in str(err) and "not registered" in str(err)


def test_negative_level(tmp_path):
    line = line_of(CJ, RETAIL_2023)
    raw, record = make_copy(tmp_path, CJ, replace_in_line(RETAIL_2023, ",291.51,", ",-291.51,"))
    err = expect_error(raw, record, CJ, line, "value")
    assert "negative" in str(err)


def test_empty_file(tmp_path):
    raw, record = make_copy(tmp_path, CJ, lambda data: b"")
    err = expect_error(raw, record, CJ, 1, "region")
    assert "empty" in str(err)


def test_gbk_encoded_file(tmp_path):
    raw, record = make_copy(tmp_path, CJ, lambda data: data.decode("utf-8").encode("gbk", errors="replace"))
    err = expect_error(raw, record, CJ, 2, "region")
    assert "not UTF-8" in str(err) and "GBK" in str(err)


def test_changed_checksum_through_verify_raw_file(tmp_path, monkeypatch):
    raw, record = make_copy(tmp_path, CJ, replace_in_line(RETAIL_2023, ",291.51,", ",291.52,"), register=False)
    monkeypatch.setattr(provenance, "DATA_RAW", raw)  # the copy stands in for data/raw
    err = expect_error(raw, record, CJ, None, None)
    assert "checksum changed" in str(err)
    assert record["files"][CJ]["sha256"] in str(err) and provenance.sha256_of(raw / CJ) in str(err)


def test_changed_checksum_outside_data_raw(tmp_path):
    raw, record = make_copy(tmp_path, observations.PLAN_TEXT_FILE, lambda d: d.replace("563.51".encode(), b"563.52", 1),
                            register=False)
    err = expect_error(raw, record, observations.PLAN_TEXT_FILE, None, None)
    assert "checksum changed" in str(err)


def test_plan_quote_must_be_verbatim(tmp_path):
    name = observations.PLAN_OBSERVATIONS_FILE
    line = line_of(name, "实现社会消费品零售总额 224.27 亿元")
    raw, record = make_copy(tmp_path, name, replace_in_line("实现社会消费品零售总额 224.27 亿元", "224.27 亿元", "224.27亿元"))
    err = expect_error(raw, record, name, line, "quote")
    assert "verbatim" in str(err)


def test_plan_number_position_out_of_range(tmp_path):
    name = observations.PLAN_OBSERVATIONS_FILE
    line = line_of(name, "实现社会消费品零售总额 224.27 亿元")
    raw, record = make_copy(tmp_path, name, replace_in_line("实现社会消费品零售总额 224.27 亿元", "亿元,1,亿元", "亿元,2,亿元"))
    expect_error(raw, record, name, line, "number_position")


def test_unregistered_source_quality_in_a_passed_record(tmp_path):
    raw, record = make_copy(tmp_path)
    record["sources"]["alimail_changji_profile"]["quality"] = "blog"
    with pytest.raises(RawDataError, match="quality"):
        observations.build_observations(raw, record)
