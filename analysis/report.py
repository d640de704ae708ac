"""Small helpers that turn data into report HTML: escaped tables, embedded figures, formatted numbers."""
from __future__ import annotations

import base64
import html
import math
from pathlib import Path

import pandas as pd


def fmt_number(value: float, decimals: int = 2) -> str:
    """A number for the report text; missing values are shown as ``—`` (never guessed)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{decimals}f}"


def fmt_pct(fraction: float, decimals: int = 1) -> str:
    """A growth rate kept as a fraction in code (0.0931) shown as a percentage (9.3%)."""
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return "—"
    return f"{fraction * 100:.{decimals}f}%"


def figure_html(path: str | Path, caption: str, source: str) -> str:
    """An embedded PNG (base64 data URI, so the HTML needs no other file) with caption and source."""
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(caption)}" style="max-width:100%">'
        f"<figcaption>{html.escape(caption)}<br><span class=\"caption\">来源：{html.escape(source)}</span>"
        "</figcaption></figure>"
    )


def table_html(df: pd.DataFrame, caption: str, source: str, float_format: str = "{:,.2f}") -> str:
    """A table with caption and source; every cell is HTML-escaped (text from data is shown as text)."""
    body = df.to_html(index=False, escape=True, na_rep="—", float_format=float_format.format, border=0)
    return (
        f"<figure><figcaption><strong>{html.escape(caption)}</strong></figcaption>{body}"
        f"<span class=\"caption\">来源：{html.escape(source)}</span></figure>"
    )
