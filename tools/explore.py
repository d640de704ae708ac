"""`make explore`: the scenario explorer as a web page without code, for people who do not run code.

Usage (from the project root, with the project venv; ``make explore [LANGUAGE=en]`` runs it):

    python tools/explore.py notebooks/40_explore_scenarios.py [--language en] [--port 8866] [--no-browser]

Voilà (notebooks as web apps) runs the explorer notebook in the project kernel and shows its
outputs, never its code: the controls, the chart, the summary and "save as scenario" of
:mod:`analysis.explorer_widgets`, in the chosen language. The page served is made here from the
notebook: its code cells only (the markdown cells are for JupyterLab's readers; a cell tagged
``not-in-app`` is left out), the language set after its parameters cell, and the page title the
explorer's heading in that language.

Local and offline: the server listens on 127.0.0.1 only and prints its address; the page loads
nothing from outside it (Voilà's template without the stylesheets it links from a CDN,
``templates/explorer/``; only the widget manager's scripts from the venv; and a
Content-Security-Policy that lets the browser fetch from this server alone). Ctrl-C (or SIGTERM)
stops the server and shuts its kernels down; the page's temporary folder is removed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import words  # noqa: E402
from analysis.paths import TEMPLATES, relative, resolve  # noqa: E402

HOST = "127.0.0.1"
DEFAULT_PORT = 8866  # Voilà's; the next free one is taken if it is busy
#: cells of the explorer notebook that the web page leaves out (the text record of a headless run)
NOT_IN_APP = "not-in-app"
#: the only JupyterLab extensions the page loads: the widget manager (ipywidgets) and Voilà's adapter to it
EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"]
#: what the browser may load: this server only (inline scripts and styles are Voilà's page; blob: the chart)
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
                           "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
                           "connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'")


def check_language(language: str) -> str:
    """``language`` if the explorer speaks it; else a :class:`SystemExit` with what is allowed."""
    if language not in words.LANGUAGES:
        raise SystemExit(f"LANGUAGE={language!r}: the explorer's languages are {', '.join(words.LANGUAGES)} "
                         f"(make explore LANGUAGE=en)")
    return language


def app_notebook(source: str | Path, language: str):
    """The notebook the page runs: ``source``'s code cells (none tagged ``not-in-app``), with
    ``language`` set after the parameters cell (as papermill injects a parameter) and the
    explorer's heading in that language as its title."""
    from nbformat.v4 import new_code_cell

    from tools.notebook_runner import load_notebook

    nb = load_notebook(resolve(source))
    cells = [c for c in nb.cells if c.cell_type == "code" and NOT_IN_APP not in c.metadata.get("tags", [])]
    at = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])) + 1
    # a checked language, written as a Python literal: nothing given on the command line runs as code
    injected = new_code_cell(f"language = {check_language(language)!r}", metadata={"tags": ["injected-parameters"]})
    nb.cells = cells[:at] + [injected] + cells[at:]
    nb.metadata["title"] = words.text("explorer.heading", language)
    return nb


def explorer_server(language: str):
    """Voilà's application, bound to 127.0.0.1, offline, announcing its address once it listens."""
    from tornado.ioloop import IOLoop
    from voila.app import Voila

    class ExplorerServer(Voila):
        def setup_template_dirs(self):
            # Voilà's "lab" template, light theme; ours first (it only drops the CDN stylesheets)
            self.voila_configuration.template, self.voila_configuration.theme = "lab", "light"
            super().setup_template_dirs()
            self.template_paths.insert(0, str(TEMPLATES / "explorer"))

        def initialize(self, argv=None):
            super().initialize(argv)
            # set after the config files are read, so none of them can change what makes the page local and offline
            self.ip = HOST
            self.voila_configuration.strip_sources = True
            self.voila_configuration.show_tracebacks = False
            self.voila_configuration.extension_allowlist = EXTENSIONS
            self.tornado_settings = {**self.tornado_settings, "headers": {"Content-Security-Policy": CONTENT_SECURITY_POLICY}}
            self.config.HTMLExporter.language_code = language  # <html lang=…>: the page's fonts and screen readers

        def start(self):
            IOLoop.current().add_callback(self.announce)  # runs once the server listens (the port is known)
            super().start()

        def announce(self):
            print(f"▶ scenario explorer ({language}): http://{HOST}:{self.port}/  (open it in a browser; "
                  f"Ctrl-C stops the server)", flush=True)

    return ExplorerServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", help="the explorer notebook (notebooks/40_explore_scenarios.py)")
    parser.add_argument("--language", default=os.environ.get("EXPLORER_LANGUAGE") or "zh",
                        help="zh or en (default: $EXPLORER_LANGUAGE, set by make explore LANGUAGE=…, else zh)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="first port tried (default %(default)s)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    args = parser.parse_args(argv)
    language = check_language(args.language)
    if not resolve(args.notebook).is_file():
        raise SystemExit(f"{args.notebook}: no such notebook")

    import nbformat

    page_dir = Path(tempfile.mkdtemp(prefix="changji-explorer-"))
    try:
        page = page_dir / "explorer.ipynb"
        nbformat.write(app_notebook(args.notebook, language), page)
        print(f"▶ serving {relative(args.notebook)} without code, in {language}, on {HOST} (Voilà)", flush=True)
        flags = [f"--port={args.port}"] + (["--no-browser"] if args.no_browser else [])
        explorer_server(language).launch_instance([str(page), *flags])
    finally:
        shutil.rmtree(page_dir, ignore_errors=True)
    print("✔ scenario explorer stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
