"""Execute a notebook with papermill and export it to HTML: the one way the Makefile runs notebooks.

Usage (from the project root, with the project venv):

    python tools/notebook_runner.py execute notebooks/01_clean_bureau_comparison.py \
        reports/notebooks/01_clean_bureau_comparison.ipynb [-f params/x.yaml] [-p name value ...]
    python tools/notebook_runner.py html reports/notebooks/90_report.ipynb reports/mid_term_evaluation.html --no-input

Notebooks are kept as jupytext percent scripts (one text copy, no outputs) and converted in
memory. Outputs are written to a temporary file and renamed, so an interrupted or failed run never
leaves a file that Make would take as up to date. A failed run keeps the executed copy, with the
error, in ``reports/failed/`` and names the notebook and the cell.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.io import atomic_write_text  # noqa: E402
from analysis.paths import FAILED_NOTEBOOKS, TEMPLATES, relative, resolve  # noqa: E402

KERNEL_NAME = "changji-services"
EXECUTION_TIMEOUT_S = 600


def load_notebook(path: Path):
    """Read a notebook from a jupytext percent script or an .ipynb file."""
    import jupytext

    nb = jupytext.read(path)
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python (changji-services)", "language": "python"}
    return nb


def parse_parameters(pairs: list[list[str]], params_file: str | None) -> dict:
    """Merge a YAML parameter file and ``-p name value`` pairs (values read as YAML scalars)."""
    import yaml

    params: dict = {}
    if params_file:
        with open(resolve(params_file), encoding="utf-8") as fh:
            loaded = yaml.safe_load(fh) or {}
        if not isinstance(loaded, dict):
            raise SystemExit(f"{params_file}: expected a mapping of parameter names to values")
        params.update(loaded)
    for name, value in pairs or []:
        params[name] = yaml.safe_load(value) if value != "" else ""
    return params


def execute(source: str, output: str, params: dict) -> int:
    """Run ``source`` with ``params`` into ``output`` (.ipynb); return a process exit code."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    src, out = resolve(source), resolve(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.partial.ipynb")
    print(f"▶ {relative(src)} → {relative(out)}", flush=True)
    started = time.perf_counter()
    try:
        pm.execute_notebook(
            load_notebook(src), str(tmp), parameters=params, kernel_name=KERNEL_NAME, cwd=str(ROOT),
            progress_bar=False, execution_timeout=EXECUTION_TIMEOUT_S, report_mode=False,
        )
    except PapermillExecutionError as err:
        FAILED_NOTEBOOKS.mkdir(parents=True, exist_ok=True)
        failed = FAILED_NOTEBOOKS / out.name
        if tmp.exists():
            os.replace(tmp, failed)
        print(
            f"✖ {relative(src)} failed in cell {err.cell_index} (execution count {err.exec_count}): "
            f"{err.ename}: {err.evalue}\n  the executed copy with the error: {relative(failed)}\n"
            f"  earlier outputs are untouched",
            file=sys.stderr,
        )
        return 1
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise
    os.replace(tmp, out)
    print(f"✔ {relative(src)} ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


def to_html(executed: str, html: str, no_input: bool) -> int:
    """Export an executed notebook to one self-contained, offline HTML file."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(resolve(executed), as_version=4)
    exporter = HTMLExporter(
        # nbconvert accepts ISO 639-1 codes only ("zh", "en")
        language_code=nb.metadata.get("language_code", "zh"), template_name="offline",
        extra_template_basedirs=[str(TEMPLATES)], embed_images=True,
        exclude_input=no_input, exclude_input_prompt=no_input, exclude_output_prompt=no_input,
    )
    body, _ = exporter.from_notebook_node(nb)
    atomic_write_text(resolve(html), body)
    print(f"✔ {relative(html)}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("execute", help="run a notebook with papermill")
    ex.add_argument("source")
    ex.add_argument("output")
    ex.add_argument("-f", "--parameters-file")
    ex.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"))
    ht = sub.add_parser("html", help="export an executed notebook to offline HTML")
    ht.add_argument("executed")
    ht.add_argument("html")
    ht.add_argument("--no-input", action="store_true", help="hide code cells and prompts (the report)")
    args = parser.parse_args(argv)
    if args.command == "execute":
        return execute(args.source, args.output, parse_parameters(args.parameter, args.parameters_file))
    return to_html(args.executed, args.html, args.no_input)


if __name__ == "__main__":
    sys.exit(main())
