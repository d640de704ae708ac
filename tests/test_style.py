"""Chinese labels render (no missing glyphs) and figures are byte-for-byte deterministic."""
from __future__ import annotations

import warnings

import pandas as pd

from analysis import figures, paths, style


def comparison() -> pd.DataFrame:
    from analysis import bureau_table, files

    return bureau_table.parse_comparison_table(files.read_utf8_text(paths.PLAN_TEXT), "plan", 2020, "cj_plan_2022_97").data


def test_cjk_labels_have_glyphs(tmp_path):
    style.apply_style()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = figures.comparison_bars(comparison(), ["retail_sales_total", "retail_sales_urban"], "社会消费品零售总额：按城乡")
        style.save_figure(fig, tmp_path / "a.png")
    glyph = [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]
    assert glyph == []


def test_default_font_would_miss_glyphs(tmp_path):
    """The check above can fail: without the CJK font matplotlib warns about missing glyphs."""
    import matplotlib.pyplot as plt

    with plt.rc_context({"font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"]}):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig, ax = plt.subplots()
            ax.set_title("三产增加值")
            fig.savefig(tmp_path / "b.png")
            plt.close(fig)
    assert any("Glyph" in str(w.message) for w in caught)


def test_same_bytes_on_rerun(tmp_path):
    style.apply_style()
    data = comparison()
    for name in ("one.png", "two.png"):
        fig = figures.comparison_bars(data, ["goods_trade_total", "goods_exports", "goods_imports"], "货物进出口")
        style.save_figure(fig, tmp_path / name)
    assert (tmp_path / "one.png").read_bytes() == (tmp_path / "two.png").read_bytes()


def test_mixed_units_are_refused():
    import pytest

    with pytest.raises(ValueError, match="mix units"):
        figures.comparison_bars(comparison(), ["tertiary_value_added", "tertiary_share_of_gdp"], "x")


def test_sweep_legend_hides_no_data():
    """The sweep chart's legend sits outside the axes: inside, it covered the dotted required-growth
    line of tourism revenue (230 亿元 in 2021 → 1,000 亿元 in 2025, data/raw and the plan) and of retail."""
    import matplotlib.pyplot as plt

    from analysis import growth

    indicators = {"retail_sales_total": (291.51, 2023, 350.0, 2025), "tourism_revenue": (230.0, 2021, 1000.0, 2025)}
    sweep = growth.sweep_required_vs_achievable(indicators)
    for language in ("zh", "en"):
        fig = figures.required_vs_achievable_chart(sweep, {k: v[2] for k, v in indicators.items()}, {}, 2025, language)
        fig.canvas.draw()
        ax = fig.axes[0]
        legend, axes_box = ax.get_legend().get_window_extent(), ax.get_window_extent()
        assert not legend.overlaps(axes_box), language
        assert fig.bbox.contains(legend.x0, legend.y0) or legend.y0 >= 0, language  # drawn on the figure, not cut off
        plt.close(fig)
