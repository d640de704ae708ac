"""Figure style: one CJK font, one palette, deterministic vector files.

Matplotlib's default font has no Chinese glyphs. The PyPI package ``mplfonts`` ships Noto Sans
CJK SC (SIL Open Font Licence); we register that one file rather than running mplfonts' global
``init`` (which rewrites matplotlib's config). ``seaborn.set_theme`` resets fonts, so the CJK
font is applied after it.

Figures are SVG. Their text stays text (``svg.fonttype: none``): the page and the PDF carry the
words, not outlines, so a reader can select and search them and the files stay small. Each
``<text>`` names the font families of its language (:data:`FONT_FAMILIES`, set by
:func:`apply_style`), ending in ``sans-serif``: the browser draws with the fonts that measured the
text here — Noto Sans CJK SC (``make browser`` installs Debian's ``fonts-noto-cjk``, which
Chromium uses for the HTML and the PDF) and DejaVu Sans (matplotlib's own font, Debian's default
sans) — and a reader's browser without them falls back to its own sans-serif (CJK) font.
English figures put DejaVu Sans first: Chromium embeds Noto Sans CJK (OpenType/CFF) in a PDF as
Type 3 fonts, from which poppler's ``pdftotext`` lost the digits and spaces of Latin text, while
DejaVu Sans (TrueType, also the English page's font) is embedded as CID TrueType and reads back
exactly. Text as paths (``svg.fonttype: path``) would render without any font but could not be
selected or searched and would make each file several times larger. The SVG has no date or
creator, and its ids are hashed from ``svg.hashsalt``: a rebuild gives the same bytes.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager

from analysis.files import atomic_write_bytes

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT_FAMILY = "Noto Sans CJK SC"

#: the fonts each SVG ``<text>`` asks the browser for, by the figure's language, in order (matplotlib
#: measures each character with the first that has it; Chinese text always falls to Noto Sans CJK SC)
FONT_FAMILIES = {"zh": [FONT_FAMILY, "DejaVu Sans"], "en": ["DejaVu Sans", FONT_FAMILY]}

#: one colour per region code, used in every figure
REGION_COLOURS = {"652300": "#c0392b", "650100": "#2e86c1", "650000": "#7f8c8d"}
SCENARIO_COLOURS = {"actual": "#222222", "plan": "#c0392b", "trend": "#2e86c1", "damped": "#8e44ad", "stress": "#e67e22",
                    "target": "#27ae60"}
#: one colour per 序时进度 status (the progress chart); 无数据 is listed, never drawn
STATUS_COLOURS = {"achieved": "#1b7837", "faster": "#5aae61", "on_track": "#2e86c1", "lagging": "#c0392b"}
#: reference lines that are not data (100 % of the target, 序时进度): a grey no series uses
REFERENCE_COLOUR = "#4d4d4d"


def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK SC file shipped by ``mplfonts``."""
    import mplfonts  # lazy: importing it takes seconds, and only the font file's path is needed

    path = Path(mplfonts.__file__).parent / "fonts" / FONT_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} missing: reinstall the pinned mplfonts package (make venv)")
    return path


def apply_style(language: str = "zh") -> None:
    """Set the project's seaborn theme, then the fonts of ``language`` (:data:`FONT_FAMILIES`), for
    every later figure: a notebook drawing both languages calls it before each language's figures."""
    import seaborn as sns  # only the notebooks that draw pay its import (~1 s)

    sns.set_theme(style="whitegrid", context="notebook")
    path = cjk_font_path()
    if FONT_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    plt.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": FONT_FAMILIES[language],
        "axes.unicode_minus": False,  # the CJK font lacks U+2212; use ASCII hyphen-minus
        "figure.dpi": 100,
        "savefig.dpi": 120,
        "svg.hashsalt": "changji-services",  # fixed ids in SVG output
        "svg.fonttype": "none",  # text as text, in the fonts of FONT_FAMILIES (module docstring)
        "figure.figsize": (8, 4.5),
    })


def save_figure(fig, path: str | Path, frame_of=None) -> Path:
    """Save ``fig`` as SVG (or PNG, by the suffix) with no date, creator or software (same bytes on
    every run), atomically.

    With ``frame_of`` (an Axes with linear scales) the figure is saved at its own size, not cropped
    to its ink, and the SVG's ``<dc:description>`` holds the axes' frame as JSON (:func:`axes_frame`),
    so that a page can draw on the chart at data coordinates (the report's rate control). Its layout
    must be final: it is frozen before the frame is read.
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None} if fmt == "svg" else None
    options = {"bbox_inches": "tight"}
    if frame_of is not None:
        if fmt != "svg":
            raise ValueError(f"{path}: an axes frame is written only into an SVG figure")
        fig.draw_without_rendering()  # run the layout engine once, then keep what it chose
        fig.set_layout_engine("none")
        metadata["Description"] = json.dumps(axes_frame(frame_of), separators=(",", ":"))
        options = {}
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata=metadata, **options)
    return atomic_write_bytes(path, buf.getvalue())


def axes_frame(ax) -> dict:
    """Where ``ax`` sits in its figure's SVG, in SVG user units (points, y downwards), and what it shows.

    ``{"width", "height"}`` the figure's size; ``"x"``: ``[x0, x1, left, right]`` — the data
    limits and their horizontal positions; ``"y"``: ``[y0, y1, bottom, top]``; ``"clip"``:
    ``[left, top, width, height]`` of the axes. A data point ``(x, y)`` is then at
    ``left + (x − x0) / (x1 − x0) · (right − left)`` (likewise for y), the map
    :func:`analysis.rate_control.frame_points` applies. Read after the layout is final.
    """
    if ax.get_xscale() != "linear" or ax.get_yscale() != "linear":
        raise ValueError("axes_frame: only linear axes map linearly to the page")
    fig = ax.figure
    width, height = (float(v) * 72 for v in fig.get_size_inches())  # SVG user units are points
    box = ax.get_position()  # figure fractions, y upwards
    left, right = box.x0 * width, box.x1 * width
    bottom, top = (1 - box.y0) * height, (1 - box.y1) * height

    def r(v):
        return round(float(v), 4)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return {"width": r(width), "height": r(height), "x": [r(x0), r(x1), r(left), r(right)],
            "y": [r(y0), r(y1), r(bottom), r(top)], "clip": [r(left), r(top), r(right - left), r(bottom - top)]}
