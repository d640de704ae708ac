"""Execute a notebook with papermill and export it to HTML: the one way the Makefile runs notebooks.

Usage (from the project root, with the project venv):

    python tools/notebook_runner.py execute notebooks/01_clean_bureau_comparison.py \
        reports/notebooks/01_clean_bureau_comparison.ipynb [-f params/x.yaml] [-p name value ...]
    python tools/notebook_runner.py html reports/notebooks/90_report.ipynb reports/mid_term_evaluation.html --no-input
    python tools/notebook_runner.py serve /tmp/build-xyz/runner.sock   # `make report` starts one per build

Notebooks are kept as jupytext percent scripts (one text copy, no outputs) and converted in
memory. Outputs are written to a temporary file and renamed, so an interrupted or failed run never
leaves a file that Make would take as up to date. A failed run keeps the executed copy, with the
error, in ``reports/failed/`` and names the notebook and the cell.

Speed (see tools/runner_server.py): papermill, jupytext, nbformat and nbconvert cost ~2 s of
imports a process. When ``$NOTEBOOK_RUNNER_SOCKET`` names a live runner server (``make report``
starts one per build), this script is a thin client: it hands its command, working directory,
environment and stdout/stderr to the server, which forks a child that already has those imports
and runs the very same code below; otherwise it runs in-process. Either way the notebook's kernel
is started first and imports the notebook's own top-level imports while the runner prepares the
run, so the two overlap.
"""
from __future__ import annotations

import argparse
import functools
import os
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SYS_PATH_AT_START = list(sys.path)  # what a kernel forked by the runner server starts from
sys.path.insert(0, str(ROOT))
# nbformat imports jsonschema, which compiles ~40 Lark grammars at import time when the optional
# rfc3987-syntax package is installed (jupyter-events pulls it in): ~0.7 s of CPU in every runner
# process, for an "iri" format check no notebook schema uses. Marked absent, jsonschema skips it.
sys.modules.setdefault("rfc3987_syntax", None)

# Only light modules here: a client that hands its command to the runner server must start in
# milliseconds. pandas (analysis.files), papermill, jupytext, nbformat and nbconvert are imported
# where they are used. (atomic_outputs, errors and parameters are standard library only.)
from analysis.atomic_outputs import CommitError, OutputTransaction  # noqa: E402
from analysis.errors import RawDataError  # noqa: E402
from analysis.parameters import ParameterError  # noqa: E402
from analysis.paths import FAILED_NOTEBOOKS, TEMPLATES, relative, resolve  # noqa: E402

KERNEL_NAME = "changji-services"
#: the files this process's step replaced (for tools/step_records.py)
COMMITTED: list[Path] = []
EXECUTION_TIMEOUT_S = 600
KERNEL_STARTUP_TIMEOUT_S = 60
#: what papermill/nbclient pass when they start a kernel themselves (no history file on disk)
KERNEL_EXTRA_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]


def load_notebook(path: Path):
    """Read a notebook from a jupytext percent script or an .ipynb file."""
    import jupytext

    nb = jupytext.read(path)
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python (changji-services)", "language": "python"}
    return nb


def normalise_executed(path: Path, source: Path, output: Path) -> None:
    """Make an executed notebook a pure function of its inputs: fixed cell ids, no timestamps.

    jupytext and papermill give cells random ids, and papermill/nbclient record start and end
    times; both would make two identical runs differ byte for byte (and the HTML with them).
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:03d}"
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
        cell.metadata.pop("execution", None)
        for key in ("start_time", "end_time", "duration"):
            cell.metadata.get("papermill", {}).pop(key, None)
    meta = nb.metadata.setdefault("papermill", {})
    for key in ("start_time", "end_time", "duration"):
        meta.pop(key, None)
    # papermill records its input; given a notebook object it stores the whole notebook
    meta["input_path"], meta["output_path"] = relative(source), relative(output)
    nbformat.write(nb, path)


def coalesce_streams(outputs: list) -> list:
    """Join consecutive stream outputs of the same stream (stdout, stderr) into one.

    How the kernel's prints are cut into stream messages depends on timing (a loaded machine
    flushes less often), so without this two identical runs can store one output or three.
    """
    joined: list = []
    for out in outputs:
        prev = joined[-1] if joined else None
        if (out.get("output_type") == "stream" and prev is not None
                and prev.get("output_type") == "stream" and prev.get("name") == out.get("name")):
            prev["text"] = prev["text"] + out["text"]
        else:
            joined.append(out)
    return joined


def say(line: str) -> None:
    """Print one progress line with a single write: parallel jobs share the terminal, and with
    ``PYTHONUNBUFFERED`` set ``print`` writes the text and its newline separately, so two lines
    could run into one."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def progress() -> str:
    """``[k/N]`` for this step when run by ``make report`` (which sets the two variables), else ``""``.

    N counts every step of a full build; a partial rebuild finishes below it. The counter is a
    file shared by parallel jobs, updated under a lock.
    """
    counter, total = os.environ.get("PIPELINE_COUNTER"), os.environ.get("PIPELINE_STEPS")
    if not counter or not total or not os.path.exists(counter):
        return ""
    import fcntl

    with open(counter, "r+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        k = int(fh.read().strip() or 0) + 1
        fh.seek(0)
        fh.write(str(k))
        fh.truncate()
    return f"[{k}/{total}] "


def because(output: Path) -> str:
    """Why Make runs this step: `` (because a, b changed)`` from the prerequisites newer than the
    target, which Make passes in ``BECAUSE`` (its ``$?``), or `` (… does not exist yet)``."""
    if "BECAUSE" not in os.environ:
        return ""
    if not output.exists():
        return f"  (because {relative(output)} does not exist yet)"
    newer = [relative(p) for p in os.environ["BECAUSE"].split()]
    if not newer:
        return ""
    shown = ", ".join(newer[:3]) + (f" and {len(newer) - 3} more" if len(newer) > 3 else "")
    return f"  (because {shown} changed)"


def _failing_source(executed: Path, exec_count) -> str:
    """Source of the cell with execution count ``exec_count`` in an executed notebook ("" if none)."""
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except Exception:  # noqa: BLE001 - a message helper must never hide the real error
        return ""
    return next((c.source for c in nb.cells if c.get("execution_count") == exec_count), "")


def notebook_imports(source: Path) -> list[str]:
    """Modules a percent-script notebook imports at its top level, in order (``[]`` for .ipynb).

    ``from analysis import files`` gives ``analysis`` and ``analysis.files``; names that are not modules
    (``IPython.display.Markdown``) are listed too and simply fail to import in the warm-up.
    """
    import ast

    if source.suffix != ".py":
        return []
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return []  # the run itself will report it
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module != "__future__":
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*"]
    return list(dict.fromkeys(names))


# Runs silently (no execution count, no history, no output kept) before papermill's first cell:
# the notebook's own imports, which it would do a moment later anyway, so nothing is wasted and
# the executed notebook is the same. Locals only, so the user namespace is left as it was.
WARM_UP = """def _runner_warm_up(names):
    import importlib
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            pass
_runner_warm_up({names!r})
del _runner_warm_up
"""


class EarlyKernel:
    """The notebook's kernel, started before papermill is even imported.

    It imports the notebook's modules (``WARM_UP``) while this process imports papermill and
    converts the notebook: on two cores the two overlap instead of following each other. papermill
    then runs the notebook on it (``km=``) exactly as on a kernel it started itself: same kernel
    spec, working directory and arguments; stopped at once when the last cell has run.
    """

    def __init__(self, cwd: str, modules: list[str]):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._run_sync = run_sync
        # Unix sockets in a private directory, not TCP ports: a port picked as free can be taken by
        # another process before the kernel binds it ("Address already in use", seen with two
        # builds on one machine), and the kernel then dies only after papermill's start-up timeout.
        self._ipc_dir = tempfile.mkdtemp(prefix="changji-kernel-")
        self.km = AsyncKernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=os.path.join(self._ipc_dir, "k"))
        run_sync(self.km.start_kernel)(cwd=cwd, extra_arguments=list(KERNEL_EXTRA_ARGUMENTS))
        self._kc = self.km.blocking_client()
        self._kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        self._warm_up = self._kc.execute(WARM_UP.format(names=modules), silent=True, store_history=False,
                                         allow_stdin=False) if modules else None

    def ready(self, timeout: float = KERNEL_STARTUP_TIMEOUT_S) -> None:
        """Wait for the warm-up to finish (so that none of its messages reach papermill)."""
        import queue

        deadline = time.monotonic() + timeout
        try:
            while self._warm_up is not None and time.monotonic() < deadline:
                reply = self._kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
                if reply["parent_header"].get("msg_id") == self._warm_up:
                    break
        except queue.Empty:
            pass  # a kernel that never answers: papermill's own start-up timeout reports it
        finally:
            self._kc.stop_channels()

    def shutdown(self) -> None:
        try:
            if self._run_sync(self.km.is_alive)():
                self._run_sync(self.km.shutdown_kernel)(now=True)
        finally:
            try:
                self._run_sync(self.km.cleanup_resources)()
            finally:
                shutil.rmtree(self._ipc_dir, ignore_errors=True)


def execute(source: str, output: str, params: dict, cwd: str | None = None) -> int:
    """Run ``source`` with ``params`` into ``output`` (.ipynb); return a process exit code.

    The kernel's working directory is the project root unless ``cwd`` is given (JupyterLab
    starts a notebook's kernel in the notebook's folder; notebooks resolve paths from the root
    either way). Every file the notebook writes through ``analysis.files`` is staged and replaces
    its target only when the whole run has succeeded, together with the executed notebook
    (:class:`analysis.atomic_outputs.OutputTransaction`): all of a step's outputs, or none.
    """
    src, out = resolve(source), resolve(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    say(f"{progress()}▶ {relative(src)} → {relative(out)}{because(out)}")
    started = time.perf_counter()
    # opened before the kernel starts: the kernel inherits the staging variable from this process
    txn = OutputTransaction().__enter__()
    tmp = txn.scratch_file(out, ".partial.ipynb")  # unique: two builds in one tree never share it
    kernel_cwd = str(resolve(cwd) if cwd else ROOT)
    try:
        kernel = EarlyKernel(kernel_cwd, notebook_imports(src))
        try:
            import papermill as pm
            from papermill.exceptions import PapermillExecutionError

            nb = load_notebook(src)
            kernel.ready()
            try:
                pm.execute_notebook(
                    nb, str(tmp), parameters=params, kernel_name=KERNEL_NAME, cwd=kernel_cwd, km=kernel.km,
                    progress_bar=False, execution_timeout=EXECUTION_TIMEOUT_S, report_mode=False,
                    start_timeout=KERNEL_STARTUP_TIMEOUT_S,
                )
            except PapermillExecutionError as err:
                txn.__exit__(None, None, None)  # nothing staged is kept: every earlier output stays
                FAILED_NOTEBOOKS.mkdir(parents=True, exist_ok=True)
                failed = FAILED_NOTEBOOKS / out.name
                if tmp.exists():
                    os.replace(tmp, failed)
                first_line = next((line for line in _failing_source(failed, err.exec_count).splitlines() if line.strip()), "")
                print(
                    f"✖ {relative(src)} failed in the cell In [{err.exec_count}] starting {first_line!r}: "
                    f"{err.ename}: {err.evalue}\n  the executed copy with the error: {relative(failed)}\n"
                    f"  earlier outputs are untouched",
                    file=sys.stderr,
                )
                return 1
        finally:
            # every reply is in when the last cell has run: stop the kernel at once
            kernel.shutdown()
    except BaseException:
        txn.__exit__(None, None, None)
        tmp.unlink(missing_ok=True)
        raise
    try:
        normalise_executed(tmp, src, out)
        txn.add(tmp, out)
        COMMITTED.extend(txn.commit())  # every output of the step, the executed notebook last, or none
    except CommitError as err:
        print(f"✖ {relative(src)}: {err}", file=sys.stderr)
        return 1
    finally:
        txn.__exit__(None, None, None)
        tmp.unlink(missing_ok=True)
    say(f"✔ {relative(src)} ({time.perf_counter() - started:.1f} s)")
    return 0


@functools.lru_cache(maxsize=None)
def _exporter(no_input: bool, language: str):
    """One HTML exporter per mode and language, kept: its templates are compiled on first use
    (~0.2 s each), and a runner server compiles them once for the whole build (:func:`warm_up`)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        language_code=language,  # nbconvert accepts ISO 639-1 codes only ("zh", "en")
        template_name="offline", extra_template_basedirs=[str(TEMPLATES)], embed_images=True,
        exclude_input=no_input, exclude_input_prompt=no_input, exclude_output_prompt=no_input,
    )


#: the exporters a build uses: the reports without code (per language), the notebooks with code
BUILD_EXPORTERS = ((True, "zh"), (True, "en"), (False, "zh"))


def warm_up() -> None:
    """Compile the exporters' templates and load what they import, on an empty notebook (for the
    runner server, before it forks the children that export: see tools/runner_server.py)."""
    import nbformat

    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    for no_input, language in BUILD_EXPORTERS:
        _exporter(no_input, language).from_notebook_node(empty)


def _language(nb) -> str:
    """The report language: the papermill parameter ``language`` if the notebook has one, else zh."""
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    return params.get("language", "zh")


def _report_title(nb) -> str | None:
    """The title a report notebook declares in an output's metadata (``{"report": {"title": …}}``)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            title = output.get("metadata", {}).get("report", {}).get("title")
            if title:
                return title
    return None


def _report_scripts(nb) -> list[str]:
    """The inline scripts of a notebook's report outputs (``{"report": …}`` in their metadata: rendered by
    analysis.report from the project's templates, every value escaped): the only scripts its page may run."""
    from analysis import csp

    pages = [output.get("data", {}).get("text/html", "") for cell in nb.cells for output in cell.get("outputs", [])
             if "report" in output.get("metadata", {})]
    return [script for page in pages for script in csp.inline_scripts("".join(page) if isinstance(page, list) else page)]


def page_with_policy(nb, body: str) -> str:
    """An exported page with its Content-Security-Policy (analysis/csp.py): no fetch of any kind, images
    only as data: URIs, its own inline styles by hash, and of its inline scripts only the report's own
    (:func:`_report_scripts`): a script that reached an output from data never runs, nor does an inline
    event handler. Every page the project publishes carries one: reports, executed notebooks, the index."""
    from analysis import csp

    return csp.with_policy(body, trusted_scripts=_report_scripts(nb))


def to_html(executed: str, html: str, no_input: bool) -> int:
    """Export an executed notebook to one self-contained, offline HTML file (``<title>`` from the report),
    with its Content-Security-Policy (:func:`page_with_policy`); ``no_input``: without code (a report)."""
    import nbformat

    from analysis.files import atomic_write_text

    nb = nbformat.read(resolve(executed), as_version=4)
    if title := _report_title(nb):
        nb.metadata["title"] = title
    body, _ = _exporter(no_input, _language(nb)).from_notebook_node(nb)
    atomic_write_text(resolve(html), page_with_policy(nb, body))
    say(f"✔ {relative(html)}")
    return 0


def _title(nb, fallback: str) -> str:
    """First heading of a notebook (its title), else the title a report notebook declares (the
    catalogue's, in the notebook's language: 90_report*, 91_final_report* have no heading), else ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return _report_title(nb) or fallback


def _newer_than(path: Path, inputs: list[Path]) -> bool:
    """Whether ``path`` exists and is newer than every existing file in ``inputs``."""
    try:
        made = path.stat().st_mtime_ns
    except FileNotFoundError:
        return False
    return all(made > p.stat().st_mtime_ns for p in inputs if p.is_file())


def publish(reports: list[list[str]], index: str, executed: list[str], listed_reports: tuple[str, ...] = (),
            listed: tuple[str, ...] = ()) -> int:
    """Export the reports (no code), every executed notebook (with code) and an index page.

    One process and one exporter per mode for all files: starting nbconvert once per notebook
    would cost more than the exports themselves. ``listed_reports`` (HTML files) and ``listed``
    (executed notebooks) are other builds' outputs, not exported here: the index links those that
    exist (the mid-term and the final evaluation are built by different targets, one index links both).
    """
    import html as html_lib

    import nbformat

    from analysis import csp
    from analysis.files import atomic_write_text

    why = because(resolve(reports[0][1])) if reports else ""
    say(f"{progress()}▶ HTML: {len(reports)} report(s), {len(executed)} executed notebooks, index{why}")
    for src, dst in reports:
        to_html(src, dst, no_input=True)
    with_code = _exporter(False, "zh")
    index_path = resolve(index)
    exporter_inputs = [*sorted(TEMPLATES.rglob("*")), Path(__file__), ROOT / ".venv" / f".installed-{KERNEL_NAME}"]

    def export(path: str) -> None:
        nb = nbformat.read(resolve(path), as_version=4)
        body, _ = with_code.from_notebook_node(nb)
        atomic_write_text(resolve(path).with_suffix(".html"), page_with_policy(nb, body))

    # A notebook that did not run again keeps its HTML (after one params change, 4 of 11
    # notebooks ran): the export is a function of the notebook, the template and nbconvert.
    in_two_processes(export, [path for path in executed
                              if not _newer_than(resolve(path).with_suffix(".html"), [resolve(path), *exporter_inputs])])
    links = []
    for path in sorted({*executed, *(p for p in listed if resolve(p).with_suffix(".html").exists())},
                       key=lambda p: resolve(p).name):
        nb = nbformat.read(resolve(path), as_version=4)
        out = resolve(path).with_suffix(".html")
        params = nb.metadata.get("papermill", {}).get("parameters", {})
        shown = ", ".join(f"{k}={v}" for k, v in params.items())
        links.append((out.relative_to(index_path.parent).as_posix(), _title(nb, out.stem), shown))
    report_files = [dst for _, dst in reports] + [h for h in listed_reports if resolve(h).exists()]
    report_files = sorted(set(report_files), key=lambda h: resolve(h).name, reverse=True)  # mid-term first
    items = "\n".join(
        f'<li><a href="{html_lib.escape(href)}">{html_lib.escape(title)}</a> <code>{html_lib.escape(href)}</code>'
        f'<br><small>{html_lib.escape(params)}</small></li>' for href, title, params in links)
    # each report named by its own title in its own language, so a reader picks it by name, not by
    # file: from the notebook for the reports exported now (their HTML is renamed into place only when
    # the step succeeds), from the HTML for another build's reports
    named = {}
    for src, dst in reports:
        nb = nbformat.read(resolve(src), as_version=4)
        named[resolve(dst)] = (_report_title(nb), _language(nb))

    def report_link(dst) -> str:
        path = resolve(dst)
        title, lang = named.get(path, (None, None))
        if path not in named:
            text = path.read_text(encoding="utf-8")
            found_title, found_lang = re.search(r"<title>(.*?)</title>", text, re.S), re.search(r'<html[^>]*\blang="([^"]+)"', text)
            title = html_lib.unescape(found_title.group(1)).strip() if found_title else None
            lang = found_lang.group(1) if found_lang else None
        href = html_lib.escape(path.relative_to(index_path.parent).as_posix())
        lang_attr = f' lang="{html_lib.escape(lang)}" hreflang="{html_lib.escape(lang)}"' if lang else ""
        return f'<li><a href="{href}"{lang_attr}>{html_lib.escape(title or path.name)}</a> <code>{href}</code></li>'

    report_links = "\n".join(report_link(dst) for dst in report_files)
    page = f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>评估报告与笔记本 / Evaluation reports and notebooks</title>
<style>body{{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;max-width:50rem;margin:0 auto;padding:1rem;line-height:1.6}}
code{{font-size:.85em;color:#555}} small{{color:#555;overflow-wrap:anywhere}}</style></head>
<body><h1>昌吉州“十四五”现代服务业发展规划评估</h1>
<h2>报告 / Report</h2><ul>{report_links}</ul>
<h2>已执行的笔记本（含代码）/ Executed notebooks with code</h2>
<p>每个笔记本按其参数执行后的完整记录，供审核。/ Each notebook as executed, with its parameters, for audit.</p>
<ul>{items}</ul></body></html>
"""
    atomic_write_text(index_path, csp.with_policy(page))  # like the reports: fetches nothing, runs nothing
    say(f"✔ {relative(index_path)} ({len(links)} notebooks)")
    return 0


def in_two_processes(work, items: list) -> None:
    """``work(item)`` for every item, every second one in a forked child when there are two cores.

    The HTML export is the build's last step, alone on the machine: the notebooks' exports are
    independent, and what the child writes is staged in the same transaction (its manifest is a
    file, appended to by both), so all of them are committed together, or none.
    """
    if len(items) < 2 or (os.cpu_count() or 1) < 2:
        for item in items:
            work(item)
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            for item in items[1::2]:
                work(item)
            code = 0
        except KeyboardInterrupt:  # Ctrl-C reaches the whole group: the parent reports it
            code = 130
        except BaseException:  # noqa: BLE001 - reported here, and the parent fails the step
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    try:
        for item in items[0::2]:
            work(item)
    finally:
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"exporting {', '.join(map(str, items[1::2]))} to HTML failed (the error is above)")


def scenario_name(params_file: str) -> str:
    """``params/my case.yaml`` → ``my case`` (the folder under reports/scenarios/); raises ``ValueError``."""
    bad = [c for c in params_file if unicodedata.category(c).startswith("C")]
    if bad:
        raise ValueError(f"the file name {params_file!r} holds a control character ({bad[0]!r}); rename the file "
                         "(letters, digits, spaces and punctuation are fine)")
    name = Path(params_file).name
    for suffix in (".yaml", ".yml"):
        name = name.removesuffix(suffix)
    if not name or name.startswith("."):
        raise ValueError(f"{params_file!r}: expected a file named like my_case.yaml (the name becomes the folder "
                         "reports/scenarios/my_case/)")
    return name


def scenario(params_file: str, html: bool) -> int:
    """``make scenario``: the scenario notebook on a researcher's YAML, into reports/scenarios/<name>/.

    The file name is data, never code: Make hands it over unexpanded through the environment and it
    reaches papermill and the notebook as a Python string, so quotes, backticks, ``$(...)``, ``;``,
    spaces and non-ASCII characters are just characters (control characters are refused). The
    file is checked against the notebook's parameters cell before any kernel starts. The executed
    notebook, tables and chart go to ``reports/scenarios/<file stem>/``, HTML only when asked.
    """
    from analysis.parameter_check import checked_parameters

    if not params_file:
        print("usage: make scenario PARAMS=params/my_case.yaml [HTML=1]", file=sys.stderr)
        return 2
    notebook = "notebooks/20_scenario.py"
    try:
        name = scenario_name(params_file)
        if not resolve(params_file).is_file():
            raise ValueError(f"{params_file}: no such file")
        params = checked_parameters(load_notebook(resolve(notebook)), notebook, params_file, None)
    except (ValueError, RawDataError) as err:  # ParameterError is a ValueError
        print(f"✖ {err}", file=sys.stderr)
        return 2
    out = f"reports/scenarios/{name}"
    params.update(output_dir=out, figures_dir=out)
    code = execute(notebook, f"{out}/{name}.ipynb", params)
    if code == 0 and html:
        code = all_or_nothing(to_html, f"{out}/{name}.ipynb", f"{out}/{name}.html", False)
    return code


def main(argv: list[str] | None = None) -> int:
    if argv is None and os.environ.get("NOTEBOOK_RUNNER_SOCKET") and sys.argv[1:2] in (["execute"], ["html"], ["publish"]):
        from tools import runner_server  # stdlib only: the client stays light

        code = runner_server.call(os.environ["NOTEBOOK_RUNNER_SOCKET"], sys.argv[1:])
        if code is not None:
            return code
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("execute", help="run a notebook with papermill")
    ex.add_argument("source")
    ex.add_argument("output")
    ex.add_argument("-f", "--parameters-file")
    ex.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"))
    ex.add_argument("--cwd", help="kernel working directory (default: the project root)")
    ht = sub.add_parser("html", help="export an executed notebook to offline HTML")
    ht.add_argument("executed")
    ht.add_argument("html")
    ht.add_argument("--no-input", action="store_true", help="hide code cells and prompts (the report)")
    pub = sub.add_parser("publish", help="export reports (no code), executed notebooks (with code) and an index")
    pub.add_argument("--report", nargs=2, action="append", metavar=("EXECUTED", "HTML"), default=[])
    pub.add_argument("--index", required=True)
    pub.add_argument("--listed-report", action="append", default=[], help="another build's report HTML: linked if it exists")
    pub.add_argument("--listed", action="append", default=[], help="another build's executed notebook: linked if exported")
    pub.add_argument("executed", nargs="+")
    sc = sub.add_parser("scenario", help="the scenario notebook on one YAML file, into reports/scenarios/<name>/")
    sc.add_argument("params_file", nargs="?", default="")
    sc.add_argument("--html", action="store_true", help="also export the executed notebook to HTML")
    sv = sub.add_parser("serve", help="run notebooks for the recipes of one build (see tools/runner_server.py)")
    sv.add_argument("socket")
    args = parser.parse_args(argv)
    if args.command == "serve":
        from tools import runner_server

        runner_server.ORIGINAL_SYS_PATH[:] = _SYS_PATH_AT_START
        code = runner_server.serve(args.socket, main, warm_up)
        # Straight out: finalising the preloaded libraries takes about a second, and the build
        # waits for the server to end (the recipe's trap). Nothing is left to write but stdio.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    if args.command == "scenario":
        return scenario(args.params_file, args.html)
    if args.command in ("execute", "publish"):
        return recorded_step(argv if argv is not None else sys.argv[1:], args)
    return all_or_nothing(to_html, args.executed, args.html, args.no_input)


def recorded_step(argv: list[str], args) -> int:
    """Run a step Make asked for, unless its inputs have the content of its last run (then its
    outputs are kept: tools/step_records.py); record a successful run."""
    from tools.step_records import Step

    step = Step(argv)
    kept = step.kept()
    if kept is not None:
        what = (f"{relative(resolve(args.source))} → {relative(resolve(args.output))}" if args.command == "execute"
                else f"HTML: {len(args.report)} report(s), index")
        say(f"{progress()}✔ {what} kept: its inputs have the content of its last run{rewritten()}")
        return 0
    code = run_step(args)
    if code == 0:
        step.done(COMMITTED)
    return code


def rewritten() -> str:
    """`` (a, b rewritten unchanged)`` from Make's newer prerequisites (``BECAUSE``), else ``""``."""
    newer = [relative(p) for p in os.environ.get("BECAUSE", "").split()]
    if not newer:
        return ""
    return f"  ({', '.join(newer[:3])}{f' and {len(newer) - 3} more' if len(newer) > 3 else ''} rewritten unchanged)"


def run_step(args) -> int:
    if args.command == "execute":
        from analysis.parameter_check import checked_parameters

        try:  # before any kernel starts: names, kinds, file syntax (one line, no traceback)
            params = checked_parameters(load_notebook(resolve(args.source)), args.source, args.parameters_file, args.parameter)
        except (ParameterError, RawDataError) as err:
            print(f"✖ {err}", file=sys.stderr)
            return 2
        return execute(args.source, args.output, params, args.cwd)
    return all_or_nothing(publish, args.report, args.index, args.executed, tuple(args.listed_report), tuple(args.listed))


def all_or_nothing(step, *args) -> int:
    """Run ``step(*args)`` with its outputs staged; replace them all if it returns 0, else none."""
    with OutputTransaction() as txn:
        code = step(*args)
        if code == 0:
            try:
                COMMITTED.extend(txn.commit())
            except CommitError as err:
                print(f"✖ {err}", file=sys.stderr)
                return 1
        return code


if __name__ == "__main__":
    exit_code = main()
    # Straight out, as the runner server does: finalising papermill's and jupyter's modules takes a
    # few tenths of a second a run, with every output already committed and the kernel stopped.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)
