"""Render the report context (:mod:`analysis.report_context`) through the Jinja2 templates in
``templates/report/`` into one self-contained HTML fragment: figures embedded as data URIs,
the report's stylesheet (screen and A4 print) inlined, every value HTML-escaped."""
from __future__ import annotations

import base64
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
    """A PNG file as a ``data:`` URI (the report needs no other file)."""
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


class _TemplateContext(dict):
    """The context as the templates see it, with ``image(name)``: a figure of the report's language."""

    def __init__(self, context: dict, figure_dir: Path):
        super().__init__(context)
        self.figure_dir = figure_dir

    def image(self, name: str) -> str:
        return data_uri(self.figure_dir / name)


def render_report(context: dict, figures_dir: str | Path) -> str:
    """The report as HTML: ``context`` from :func:`analysis.report_context.build_context`, the
    figures of its language read from ``figures_dir/<language>/``."""
    ctx = _TemplateContext(context, Path(figures_dir) / context["lang"])
    css = (REPORT_TEMPLATES / "report.css").read_text(encoding="utf-8")
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
