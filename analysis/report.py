"""Render the report context (:mod:`analysis.report_context`) through the Jinja2 templates in
``templates/report/`` into one self-contained HTML fragment: figures (SVG) embedded as data URIs,
the report's stylesheet (screen and A4 print) inlined, every value HTML-escaped.

A figure is an ``<img>`` of a ``data:image/svg+xml`` URI rather than inline ``<svg>``: an image
keeps matplotlib's ``<style>`` element and ``style`` attributes inside the picture, where the
page's Content-Security-Policy (:mod:`analysis.csp`, ``img-src data:``) does not need to hash
them, and its CSS cannot reach the page. A scenario chart with a rate control also gets a small
inline SVG over the image, with presentation attributes only, on which the control's script draws
the chosen rate's path; its points are placed with the axes' frame the figure carries
(:func:`figure_frame`, written by :func:`analysis.style.save_figure`)."""
from __future__ import annotations

import base64
import html
import json
import re
import subprocess
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import jinja2
from markupsafe import Markup

from analysis import rate_control
from analysis.paths import TEMPLATES

REPORT_TEMPLATES = TEMPLATES / "report"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(REPORT_TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def data_uri(path: str | Path) -> str:
    """An SVG figure as a ``data:`` URI (the report needs no other file); any other kind is refused:
    every figure of the report is vector."""
    path = Path(path)
    if path.suffix.lower() != ".svg":
        raise ValueError(f"{path}: the report embeds SVG figures only (a raster figure would print blurred)")
    return "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


_DESCRIPTION = re.compile(rb"<dc:description>([^<]*)</dc:description>")


def figure_frame(path: str | Path) -> dict:
    """The axes' frame an SVG figure carries in its ``<dc:description>``
    (:func:`analysis.style.axes_frame`); a figure without one raises ValueError naming the file."""
    found = _DESCRIPTION.search(Path(path).read_bytes())
    if found is None:
        raise ValueError(f"{path}: no axes frame in the figure (draw it with style.save_figure(..., frame_of=ax))")
    return json.loads(html.unescape(found.group(1).decode("utf-8")))


class TemplateContext(dict):
    """The context as the templates see it, with ``image(name)`` (a figure of the report's language),
    ``rate_overlay(block)`` (the SVG over a chart with a rate control) and ``control_json(block)``
    (a rate control's data, its paths placed on its chart)."""

    def __init__(self, context: dict, figure_dir: Path):
        super().__init__(context)
        self.figure_dir = figure_dir

    def image(self, name: str) -> str:
        return data_uri(self.figure_dir / name)

    def rate_overlay(self, figure: dict) -> Markup:
        return rate_control.overlay(f"figure-{figure['number']}", figure_frame(self.figure_dir / figure["file"]))

    def control_json(self, control: dict) -> Markup:
        chart = control.get("chart")
        frame = figure_frame(self.figure_dir / chart["file"]) if chart else None
        return Markup(rate_control.control_json(control["data"], frame))


def render_report(context: dict, figures_dir: str | Path) -> str:
    """The report as HTML: ``context`` from :func:`analysis.report_context.build_context`, the
    figures of its language read from ``figures_dir/<language>/``."""
    ctx = TemplateContext(context, Path(figures_dir) / context["lang"])
    # the project's own stylesheet, inlined as it is: escaped, its child combinators (`>`) became `&gt;` and
    # every rule holding one was dropped by the browser (a closing `</style>` in it would be refused by the test)
    css = Markup((REPORT_TEMPLATES / "report.css").read_text(encoding="utf-8"))
    return _environment().get_template("report.html.j2").render(**context, ctx=ctx, css=css, script=_script(context))


def _script(context: dict) -> Markup | None:
    """The page's one inline script: the rate controls' (templates/report/rate_control.js), if
    any block has one; else None (a page without controls carries no script)."""
    kinds = {b["kind"] for s in context["sections"] for b in s["blocks"]}
    if "rate_control" not in kinds:
        return None
    return Markup(rate_control.script())


def plain_title(context: dict) -> str:
    """The report title as text (for the HTML ``<title>``)."""
    return Markup(context["title"]).striptags()


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
