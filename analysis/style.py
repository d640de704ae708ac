"""Figure style: one CJK font, one palette, deterministic files.

Matplotlib's default font has no Chinese glyphs. The PyPI package ``mplfonts`` ships Noto Sans
CJK SC (SIL Open Font Licence); we register that one file rather than running mplfonts' global
``init`` (which rewrites matplotlib's config). ``seaborn.set_theme`` resets fonts, so the CJK
font is applied after it.
"""
from __future__ import annotations

import io
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager

from analysis.files import atomic_write_bytes

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT_FAMILY = "Noto Sans CJK SC"

#: one colour per region code, used in every figure
REGION_COLOURS = {"652300": "#c0392b", "650100": "#2e86c1", "650000": "#7f8c8d"}
SCENARIO_COLOURS = {"actual": "#222222", "plan": "#c0392b", "trend": "#2e86c1", "stress": "#e67e22", "target": "#27ae60"}


def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK SC file shipped by ``mplfonts``."""
    import mplfonts  # lazy: importing it takes seconds, and only the font file's path is needed

    path = Path(mplfonts.__file__).parent / "fonts" / FONT_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} missing: reinstall the pinned mplfonts package (make venv)")
    return path


def apply_style() -> None:
    """Set the project's seaborn theme, then the CJK font, for every later figure."""
    import seaborn as sns  # only the notebooks that draw pay its import (~1 s)

    sns.set_theme(style="whitegrid", context="notebook")
    path = cjk_font_path()
    if FONT_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    plt.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [FONT_FAMILY, "DejaVu Sans"],
        "axes.unicode_minus": False,  # the CJK font lacks U+2212; use ASCII hyphen-minus
        "figure.dpi": 100,
        "savefig.dpi": 120,
        "svg.hashsalt": "changji-services",  # fixed ids in SVG output
        "figure.figsize": (8, 4.5),
    })


def save_figure(fig, path: str | Path) -> Path:
    """Save ``fig`` as PNG with no timestamp or software metadata (same bytes on every run), atomically."""
    path = Path(path)
    buf = io.BytesIO()
    fmt = path.suffix.lstrip(".").lower()
    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None} if fmt == "svg" else None
    fig.savefig(buf, format=fmt, metadata=metadata, bbox_inches="tight")
    return atomic_write_bytes(path, buf.getvalue())
