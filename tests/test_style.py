"""Figures: Chinese labels render (no missing glyphs), files are byte-for-byte deterministic SVG with
text kept as text, and each figure draws what the report says it draws (breaks, sweep, progress)."""
from __future__ import annotations

import re
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import figures, growth, labels, paths, rate_control, report, style, trust, words

RETAIL_PANEL = {"retail": ["retail_sales_total", "retail_sales_urban"]}


def comparison() -> pd.DataFrame:
    from analysis import bureau_table, files

    return bureau_table.parse_comparison_table(files.read_utf8_text(paths.PLAN_TEXT), "plan", 2020, "cj_plan_2022_97").data


def test_cjk_labels_have_glyphs(tmp_path):
    style.apply_style("zh")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = figures.comparison_panels(comparison(), RETAIL_PANEL, "zh")
        style.save_figure(fig, tmp_path / "a.svg")
    glyph = [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]
    assert glyph == []
    svg = (tmp_path / "a.svg").read_text(encoding="utf-8")
    assert "社会消费品零售总额：按城乡与消费类型" in svg  # the words are text in the SVG, not outlines


def test_default_font_would_miss_glyphs(tmp_path):
    """The check above can fail: without the CJK font matplotlib warns about missing glyphs, in SVG too."""
    with plt.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"], "svg.fonttype": "none"}):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig, ax = plt.subplots()
            ax.set_title("三产增加值")
            fig.savefig(tmp_path / "b.svg")
            plt.close(fig)
    assert any("Glyph" in str(w.message) for w in caught)


def test_same_bytes_on_rerun_no_date_and_text_as_text(tmp_path):
    data = comparison()
    panels = {"trade": ["goods_trade_total", "goods_exports", "goods_imports"]}
    for name in ("one.svg", "two.svg"):
        style.apply_style("zh")
        fig = figures.comparison_panels(data, panels, "zh")
        style.save_figure(fig, tmp_path / name)
        plt.close(fig)
    svg = (tmp_path / "one.svg").read_bytes()
    assert svg == (tmp_path / "two.svg").read_bytes()
    assert b"<dc:date>" not in svg and b"<dc:creator>" not in svg and b"Matplotlib v" not in svg
    assert "其中·出口" in svg.decode("utf-8") and b"<image" not in svg  # text as <text>, nothing raster
    assert b"font-family: 'Noto Sans CJK SC', 'DejaVu Sans', sans-serif" in svg


def test_english_figures_ask_for_the_latin_font_first(tmp_path):
    """English text in DejaVu Sans (embedded as TrueType in the PDF, so its digits and spaces read back)."""
    style.apply_style("en")
    fig = figures.comparison_panels(comparison(), RETAIL_PANEL, "en")
    style.save_figure(fig, tmp_path / "en.svg")
    plt.close(fig)
    svg = (tmp_path / "en.svg").read_text(encoding="utf-8")
    assert "font-family: 'DejaVu Sans', 'Noto Sans CJK SC', sans-serif" in svg and "Retail sales of consumer goods" in svg
    style.apply_style("zh")


def test_report_embeds_svg_only(tmp_path):
    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    with pytest.raises(ValueError, match="SVG figures only"):
        report.data_uri(tmp_path / "a.png")


def test_mixed_units_are_refused():
    with pytest.raises(ValueError, match="mix units"):
        figures.comparison_panels(comparison(), {"x": ["tertiary_value_added", "tertiary_share_of_gdp"]})


def test_comparison_is_one_figure_with_a_panel_per_subject():
    """表 1 as small multiples: four panels (value added, share, trade, retail), each value printed as the plan prints it."""
    style.apply_style("zh")
    panels = {"tertiary_value_added": ["tertiary_value_added"], "tertiary_share": ["tertiary_share_of_gdp"],
              "trade": ["goods_trade_total", "goods_exports", "goods_imports"],
              "retail": ["retail_sales_total", "retail_sales_urban", "retail_sales_rural", "retail_sales_goods", "retail_sales_catering"]}
    fig = figures.comparison_panels(comparison(), panels, "zh")
    axes = [ax for ax in fig.get_axes() if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == [words.text(f"figure.comparison.{n}", "zh") for n in panels]
    assert [len(ax.patches) for ax in axes] == [3, 3, 9, 15]  # a bar per region and indicator, nothing else
    shown = {t.get_text() for ax in axes for t in ax.texts}
    assert {"563.51", "2,402.38", "7,071.85", "40.6", "72", "5.47", "6.25"} <= shown  # the plan's own decimals
    plt.close(fig)


# --------------------------------------------------------------------------- scenario charts
def _tertiary_table() -> pd.DataFrame:
    """Tertiary value added as data/raw records it (2015, 2018, 2020, 2023) and its 830 亿元 target."""
    years, values = [2015, 2018, 2020, 2023], [358.05, 440.14, 563.51, 704.11]
    rows = [{"scenario": "actual", "year": y, "value": v, "lower": None, "upper": None} for y, v in zip(years, values)]
    rows.append({"scenario": "target", "year": 2025, "value": 830.0, "lower": None, "upper": None})
    return pd.DataFrame(rows)


def test_scenario_chart_marks_the_breaks_found_in_the_observations():
    """The 2018 figure predates the 2018 census revision and the 2023 one includes the XPCC 6th Division
    (data/raw/observation_rules.yml): both marked, with legend entries naming those years, none typed."""
    from analysis import observation_rules, observations

    obs, _unused = observations.build_observations(paths.DATA_RAW)  # as notebooks/10_clean_observations.py does
    rules = observation_rules.load_rules(paths.DATA_RAW / observation_rules.RULES_FILE.name)
    obs = observation_rules.annotate(obs, rules, observation_rules.raw_row_texts(obs))
    breaks = trust.series_breaks(obs, "652300", "tertiary_value_added")
    assert breaks == {"pre_census": [2018], "xpcc": [2023]}
    assert trust.series_breaks(obs, "652300", "retail_sales_total") == {"pre_census": [], "xpcc": []}
    style.apply_style("en")
    fig = figures.scenario_fan_chart(_tertiary_table(), None, "亿元", "en", breaks=breaks)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert words.text("figure.break.pre_census", "en", years="2018") in legend
    assert words.text("figure.break.xpcc", "en", years="2023") in legend
    assert fig.axes[0].get_title() == ""  # the report's caption says what the chart shows
    plt.close(fig)
    style.apply_style("zh")


def test_series_breaks_follow_the_rules_not_the_years():
    """Marks come from the vintage and coverage columns: a series of one basis, or one that does not say, has none."""
    def obs(vintages, coverages):
        return pd.DataFrame({"region_code": "652300", "indicator_id": "x", "year": [2019, 2020, 2021], "period": "full_year",
                             "selected": True, "status": "final", "value": 1.0, "unit": "亿元", "qualifier": "exact", "source_id": "s",
                             "quality": "official",
                             "vintage": vintages, "coverage_xpcc6": coverages, "release_stage": "not_stated"})
    assert trust.series_breaks(obs(["pre_2018_census", "post_2018_census", "post_2018_census"], ["no", "no", "yes"]), "652300", "x") \
        == {"pre_census": [2019], "xpcc": [2021]}
    assert trust.series_breaks(obs(["not_stated"] * 3, ["not_stated"] * 3), "652300", "x") == {"pre_census": [], "xpcc": []}
    assert trust.series_breaks(obs(["pre_2018_census", "not_stated", "not_stated"], ["yes"] * 3), "652300", "x") \
        == {"pre_census": [], "xpcc": []}  # no revised figure to break from; every figure includes the XPCC


def test_one_actual_point_makes_a_compact_chart():
    table = pd.DataFrame([{"scenario": "actual", "year": 2021, "value": 230.0, "lower": None, "upper": None},
                          {"scenario": "target", "year": 2025, "value": 1000.0, "lower": None, "upper": None}])
    style.apply_style("zh")
    small = figures.scenario_fan_chart(table, None, "亿元", "zh")
    full = figures.scenario_fan_chart(_tertiary_table(), None, "亿元", "zh")
    assert tuple(small.get_size_inches()) == figures.COMPACT_SIZE and tuple(full.get_size_inches()) == figures.FULL_SIZE
    plt.close(small)
    plt.close(full)


def test_axes_frame_places_data_where_matplotlib_drew_it(tmp_path):
    """The frame written into the SVG maps each actual point onto the marker matplotlib drew for it,
    to the precision the rate control draws (0.1 pt): the slider's path starts on the chart's last actual."""
    style.apply_style("zh")
    table = _tertiary_table()
    fig = figures.scenario_fan_chart(table, None, "亿元", "zh")
    style.save_figure(fig, tmp_path / "chart.svg", frame_of=fig.axes[0])
    plt.close(fig)
    svg = (tmp_path / "chart.svg").read_text(encoding="utf-8")
    group = re.search(r'<g id="actual">(.*?)\n   </g>', svg, re.S).group(1)
    drawn = [(float(x), float(y)) for x, y in re.findall(r'<use [^>]*x="([\d.]+)" y="([\d.]+)"', group)]
    actual = table[table["scenario"] == "actual"]
    placed = [tuple(map(float, p.split(","))) for p in
              rate_control.frame_points(report.figure_frame(tmp_path / "chart.svg"), actual["year"], actual["value"]).split()]
    assert len(drawn) == len(placed) == 4
    assert all(abs(a - b) <= 0.06 for p, q in zip(drawn, placed) for a, b in zip(p, q)), (drawn, placed)


def test_english_axes_count_in_billions_while_the_data_stay_in_the_plans_unit(tmp_path):
    """An English reader counts in CNY billion: the axis says so and its ticks are the 亿元 values ÷ 10,
    while the data (and the frame the slider draws on) stay in 亿元; the Chinese axis is the plan's unit."""
    style.apply_style("en")
    table = _tertiary_table()
    fig = figures.scenario_fan_chart(table, None, "亿元", "en")
    ax = fig.axes[0]
    fig.canvas.draw()
    assert ax.get_ylabel() == "CNY billion"
    ticks = {float(v): t.get_text() for v, t in zip(ax.get_yticks(), ax.get_yticklabels())}
    assert ticks[600.0] == "60" and ticks[700.0] == "70", ticks
    assert max(line.get_ydata().max() for line in ax.get_lines() if len(line.get_ydata())) > 700  # drawn in 亿元
    plt.close(fig)
    style.apply_style("zh")
    fig = figures.scenario_fan_chart(table, None, "亿元", "zh")
    fig.canvas.draw()
    assert fig.axes[0].get_ylabel() == "亿元" and "600" in [t.get_text() for t in fig.axes[0].get_yticklabels()]
    plt.close(fig)


def test_a_figure_without_a_frame_says_so(tmp_path):
    style.apply_style("zh")
    fig = figures.comparison_panels(comparison(), RETAIL_PANEL, "zh")
    style.save_figure(fig, tmp_path / "c.svg")
    plt.close(fig)
    with pytest.raises(ValueError, match="c.svg: no axes frame"):
        report.figure_frame(tmp_path / "c.svg")


# --------------------------------------------------------------------------- sweep
SWEEP = {"tertiary_value_added": (704.11, 2023, 830.0, 2025), "retail_sales_total": (291.51, 2023, 350.0, 2025),
         "tourism_visits": (4226.64, 2021, 10000.0, 2025), "tourism_revenue": (230.0, 2021, 1000.0, 2025)}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_sweep_panels_reach_each_required_rate_and_the_target_line_is_no_series_colour(language):
    """One panel per indicator, its x-axis past its own required rate (tourism revenue: 44.4 % a year,
    230 → 1,000 亿元 from 2021); the 100 % line in a colour none of the series uses; the legend
    outside every panel (inside, it hid the dotted required-growth lines)."""
    from matplotlib.colors import to_hex

    style.apply_style(language)
    sweep = growth.sweep_required_vs_achievable(SWEEP)
    fig = figures.required_vs_achievable_chart(sweep, {k: v[2] for k, v in SWEEP.items()}, {}, 2025, language)
    fig.canvas.draw()
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == len(SWEEP)
    series, targets = [], []
    for ax, (ind, (latest, year, target, end)) in zip(axes, SWEEP.items()):
        required = growth.required_growth(latest, target, end - year) * 100
        assert ax.get_title() == figures.labels.indicator(ind, language)
        assert ax.get_xlim()[1] > required and ax.get_xlim()[0] < required
        lines = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
        series.append(to_hex(lines["sweep-series"].get_color()))
        targets.append(to_hex(lines["target-line"].get_color()))
        assert max(lines["sweep-series"].get_xdata()) > required  # the line itself reaches past it
    assert set(targets) == {style.REFERENCE_COLOUR} and style.REFERENCE_COLOUR not in series
    legend = fig.legends[0].get_window_extent()
    assert not any(legend.overlaps(ax.get_window_extent()) for ax in axes), language
    assert fig.bbox.contains(legend.x0, legend.y0) and fig.bbox.contains(legend.x1, legend.y1)
    plt.close(fig)
    style.apply_style("zh")


def test_the_rate_path_colour_is_no_scenario_colour():
    assert rate_control.RATE_PATH_COLOUR not in set(style.SCENARIO_COLOURS.values()) | {style.REFERENCE_COLOUR}


# --------------------------------------------------------------------------- progress
def _progress(**rows) -> pd.DataFrame:
    base = {"base_year": 2020, "unit": "亿元", "method": "log_progress", "elapsed_share": 0.6, "actual_year": 2023}
    return pd.DataFrame([base | {"target_id": tid} | r for tid, r in rows.items()])


def test_progress_chart_draws_judged_targets_and_lists_the_rest():
    """A hand-made progress table: a judged target is a bar of its achieved share in its status colour
    with its 序时进度 mark; a target without data is listed under the chart, never drawn."""
    table = pd.concat([
        _progress(**{"1": {"indicator_zh": "三产增加值", "indicator_en": "Tertiary value added", "status": "on_track",
                           "achieved_share": 0.575, "actual_value": 704.11, "target_value": 830.0}}),
        _progress(**{"5": {"indicator_zh": "年均新增规模以上服务企业", "indicator_en": "New service enterprises", "status": "no_data",
                           "achieved_share": float("nan"), "actual_value": float("nan"), "target_value": 10.0}}),
    ], ignore_index=True).astype({"target_id": int})
    for language in ("zh", "en"):
        style.apply_style(language)
        fig, listed = figures.progress_chart(table, language)
        ax = fig.axes[0]
        bars = [p for p in ax.patches if p.get_gid()]
        assert [(p.get_gid(), round(p.get_width(), 6)) for p in bars] == [("progress-1", 57.5)]
        assert bars[0].get_facecolor()[:3] == pytest.approx(plt.matplotlib.colors.to_rgb(style.STATUS_COLOURS["on_track"]))
        assert [t.get_text() for t in ax.get_yticklabels()] == [{"zh": "1. 三产增加值", "en": "1. Tertiary value added"}[language]]
        assert listed == [{"zh": "5. 年均新增规模以上服务企业", "en": "5. New service enterprises"}[language]]
        texts = "\n".join(t.get_text() for f in fig.subfigs for t in f.texts)
        # listed by its number in the plan's Table 2, on one line under the chart (its name is in the results table)
        assert texts == words.text("figure.progress.no_data", language, n=1, numbers="5", status=labels.status("no_data", language))
        assert "57.5%" in {t.get_text() for t in ax.texts}
        elapsed = [line for line in ax.get_lines() if list(line.get_xdata()) == [60.0, 60.0]]
        assert len(elapsed) == 1  # one 序时进度 mark, at 3/5 of the plan period
        plt.close(fig)
    style.apply_style("zh")


def test_a_target_to_maintain_gets_a_sentence_not_a_made_up_bar():
    """表 2 no. 2 (三产占 GDP 比重 40 %): the 2020 value (40.6 %) already met it, so it is judged only on whether it
    still holds; 30.23 % in 2023 does not (滞后), and there is no share of the way to draw."""
    table = _progress(**{"2": {"indicator_zh": "三产增加值占 GDP 增加值比重", "indicator_en": "Tertiary share of GDP",
                               "status": "lagging", "achieved_share": float("nan"), "method": "maintain", "unit": "%",
                               "actual_value": 30.22554, "target_value": 40.0}}).astype({"target_id": int})
    style.apply_style("zh")
    fig, listed = figures.progress_chart(table, "zh")
    ax = fig.axes[0]
    assert [p for p in ax.patches if p.get_gid()] == [] and listed == []
    sentence = next(t for t in ax.texts)
    assert sentence.get_text() == "保持型目标：2023 年 30.23%，已低于 40%"
    assert plt.matplotlib.colors.to_hex(sentence.get_color()) == style.STATUS_COLOURS["lagging"]
    plt.close(fig)


def test_english_bar_labels_in_the_axis_unit_without_spurious_digits():
    """The 2020 comparison's bars (表 1): in English in CNY billion / USD million like the axis, one decimal
    where there is one, none for a whole number; in Chinese the plan's own digits."""
    row = lambda value, unit, decimals: pd.Series({"value": value, "unit": unit, "decimals": decimals})  # noqa: E731
    assert figures._bar_label(row(563.51, "亿元", 2), "en") == "56.4"
    assert figures._bar_label(row(5.47, "亿美元", 2), "en") == "547"
    assert figures._bar_label(row(213.87, "亿美元", 2), "en") == "21,387"
    assert figures._bar_label(row(40.6, "%", 1), "en") == "40.6"
    assert figures._bar_label(row(563.51, "亿元", 2), "zh") == "563.51"
