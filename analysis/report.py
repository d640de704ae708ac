"""Small helpers that turn data into report HTML: escaped tables, embedded figures, formatted numbers."""
from __future__ import annotations

import base64
import html
import math
import subprocess
from importlib.metadata import PackageNotFoundError, version
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


QUALITY_LABELS = {
    "official": ("官方网站", "official site"),
    "official_reprint": ("官方发布的转载", "reprint of an official release"),
    "media": ("媒体报道", "media report"),
    "encyclopedia_blog": ("百科 / 博客 / 自媒体", "encyclopedia, blog or self-media"),
}


def translator(language: str):
    """``t(zh, en)`` picks the text of the report language (``zh`` or ``en``)."""
    if language not in ("zh", "en"):
        raise ValueError(f"language {language!r}: allowed values are 'zh', 'en'")
    return lambda zh, en: zh if language == "zh" else en


def heading(anchor: str, text: str, level: int = 2) -> str:
    """A heading with a stable id for the table of contents (text escaped)."""
    return f'<h{level} id="{html.escape(anchor)}">{html.escape(text)}</h{level}>'


def toc_html(sections: list[tuple[str, str]], title: str) -> str:
    """A table of contents linking to :func:`heading` anchors."""
    items = "".join(f'<li><a href="#{html.escape(a)}">{html.escape(t)}</a></li>' for a, t in sections)
    return f"<nav><strong>{html.escape(title)}</strong><ol>{items}</ol></nav>"


def paragraph(text: str) -> str:
    """A paragraph of report text, escaped (numbers and labels from data are shown as text)."""
    return f"<p>{html.escape(text)}</p>"


def bullet_list(items: list[str]) -> str:
    """An escaped bullet list."""
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def package_versions(names: tuple[str, ...]) -> dict[str, str]:
    """Installed versions of the named distributions (the reproducibility stamp)."""
    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_revision(root: Path) -> str:
    """``git describe --always --dirty`` of the project, or ``unknown`` outside a checkout."""
    try:
        result = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=12"], cwd=root,
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return result.stdout.strip() or "unknown"
