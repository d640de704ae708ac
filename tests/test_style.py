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
