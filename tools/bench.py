"""Time `make report` against the naive way of running the same notebooks: `make bench`.

Usage (from the project root, with the project venv):

    .venv/bin/python tools/bench.py [--jobs N] [--repeat N] [--json results.json] [--keep]

Everything runs in a throw-away copy of the project (tracked and untracked-but-not-ignored files,
mtimes kept, `.venv` symlinked), so the working tree and its outputs are never touched. It times:

  cold      `make clean; make report JOBS=N` (venv present, outputs removed; N = --jobs, default the
            number of cores), and the same with JOBS=1
  no-op     a second `make report` with nothing changed
  touch     `make report` after changing params/scenario_retail_sales_total.yaml (a comment added)
  value     `make report` after changing a value in it (the seed: other simulations, so every step
            downstream of the scenario runs; no target, printed beside the comment's)
  naive     the same notebook runs one after another, the way one would without the Makefile:
            `jupyter nbconvert --to notebook --execute` on each notebook (converted from its
            jupytext script with `jupytext --to ipynb`, the run's parameters written into a cell
            after its parameters cell), then one `jupyter nbconvert --to html` per notebook
  floor     one fresh `python -c "import pandas, matplotlib, seaborn, statsmodels.api"` (best of 3)
  design floor   notebook runs x import floor / cores: what a build costs whose every notebook run
            pays the import floor once, on all cores (printed beside the cold time)
  scenario  `make scenario PARAMS=params/scenario_retail_sales_total.yaml` with the observations up to
            date (no HTML), the researcher's fast path

and exits 1 unless the targets in the README hold: no-op < 1 s; cold <= 0.15 x naive and
<= 1.3 x the design floor; touching one params file <= 0.5 x cold; make scenario < 5 s.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analysis.yaml_files import load_yaml, parse_yaml  # noqa: E402
from tools.project_copy import copy_project  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOUCHED = "params/scenario_retail_sales_total.yaml"
VALUE_CHANGE = ("seed: 20250101", "seed: 20250102")  # in TOUCHED
IMPORTS = "import pandas, matplotlib, seaborn, statsmodels.api"
NOOP_LIMIT_S = 1.0
COLD_OVER_NAIVE_LIMIT = 0.15
COLD_OVER_DESIGN_FLOOR_LIMIT = 1.3
TOUCH_OVER_COLD_LIMIT = 0.5
SCENARIO_LIMIT_S = 5.0
# The timeout the runner gives papermill; nbconvert's default (30 s per cell) would differ.
CELL_TIMEOUT_S = 600
# Files the cold build must leave in the copy (proof that outputs land there, not in ROOT).
REPORT_FILES = ["reports/mid_term_evaluation.html", "reports/mid_term_evaluation.en.html", "reports/index.html"]


# ---- pure parts (unit-tested in tests/test_bench.py) -------------------------------------------

def parse_runs(dry_run: str) -> list[dict]:
    """The notebook runs in the output of `make -n report`, in Make's (dependency) order.

    Reading them from Make keeps one list of runs and parameters: the Makefile's. Each run is
    {"source", "output", "params_file", "params": {name: YAML text}}.
    """
    runs = []
    for line in dry_run.replace("\\\n", " ").splitlines():
        if "notebook_runner.py execute " not in line:
            continue
        words = shlex.split(line)
        args = words[words.index("execute") + 1:]
        run = {"source": args[0], "output": args[1], "params_file": None, "params": {}}
        i = 2
        while i < len(args):
            if args[i] in ("-f", "--parameters-file"):
                run["params_file"], i = args[i + 1], i + 2
            elif args[i] in ("-p", "--parameter"):
                run["params"][args[i + 1]], i = args[i + 2], i + 3
            else:
                raise ValueError(f"unexpected argument {args[i]!r} in: {line}")
        runs.append(run)
    return runs


def run_parameters(run: dict, root: Path) -> dict:
    """The parameter values of a run, merged as the runner does: the YAML file, then each -p."""
    params: dict = {}
    if run["params_file"]:
        params.update(load_yaml(root / run["params_file"]) or {})
    for name, text in run["params"].items():
        params[name] = parse_yaml(text, f"-p {name}") if text != "" else ""
    return params


def inject_parameters(nb: dict, params: dict) -> dict:
    """Put `name = value` lines in a new cell after the cell tagged "parameters" (as papermill does)."""
    if not params:
        return nb
    cells = nb["cells"]
    at = next((i + 1 for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
    source = "# Parameters\n" + "".join(f"{name} = {value!r}\n" for name, value in params.items())
    cells.insert(at, {"cell_type": "code", "execution_count": None, "id": "injected-parameters",
                      "metadata": {"tags": ["injected-parameters"]}, "outputs": [], "source": source})
    return nb


def design_floor(t: dict) -> float:
    """Notebook runs x import floor / cores: every run paying the imports once, all cores busy."""
    return t["runs"] * t["floor"] / t["cores"]


def verdict(t: dict) -> tuple[list[str], bool]:
    """Table lines for the timings ``t`` and whether the targets are met.

    ``t`` maps each measurement to [wall seconds, CPU seconds] (the floor: wall seconds only).
    """
    naive, cold, floor = t["naive"][0], t["cold"][0], t["floor"]
    design = design_floor(t)
    rows = [
        ("naive: nbconvert --execute, one per run", "naive_execute", f"{t['runs']} runs one after another"),
        ("naive: nbconvert --to html, one per run", "naive_html", ""),
        ("naive total", "naive", "execute + HTML"),
        ("(naive: jupytext --to ipynb, not counted)", "naive_convert", ""),
        ("cold make report JOBS=1", "cold_serial", f"{t['cold_serial'][0] / naive:.2f} x naive"),
        (f"cold make report JOBS={t['jobs']}", "cold", f"{cold / naive:.2f} x naive, {cold / design:.2f} x design floor "
                                                      f"({cold / floor:.1f} x import floor)"),
        ("no-op make report", "noop", f"target < {NOOP_LIMIT_S:g} s"),
        ("make report after changing one params file", "touch", f"{TOUCHED} (a comment); {t['touch'][0] / cold:.2f} x cold"),
        ("make report after changing a value in it", "value",
         f"{VALUE_CHANGE[0]} → {VALUE_CHANGE[1].split()[-1]}; {t['value'][0] / cold:.2f} x cold" if "value" in t else ""),
        ("make scenario (observations up to date)", "scenario", f"target < {SCENARIO_LIMIT_S:g} s"),
    ]
    lines = [f"{'':<46} {'wall':>8} {'CPU':>8}",
             f"{'import floor':<46} {floor:7.2f}s {'':>8}  python -c '{IMPORTS}', best of 3",
             f"{'design floor':<46} {design:7.2f}s {'':>8}  {t['runs']} notebook runs x import floor / {t['cores']} cores"]
    lines += [f"{name:<46} {t[key][0]:7.2f}s {t[key][1]:7.1f}s  {note}" for name, key, note in rows if key in t]
    checks = [
        (f"no-op under {NOOP_LIMIT_S:g} s", t["noop"][0] < NOOP_LIMIT_S),
        (f"cold at most {COLD_OVER_NAIVE_LIMIT:g} x naive", cold <= COLD_OVER_NAIVE_LIMIT * naive),
        (f"cold at most {COLD_OVER_DESIGN_FLOOR_LIMIT:g} x design floor", cold <= COLD_OVER_DESIGN_FLOOR_LIMIT * design),
        (f"one change at most {TOUCH_OVER_COLD_LIMIT:g} x cold", t["touch"][0] <= TOUCH_OVER_COLD_LIMIT * cold),
    ]
    if "scenario" in t:
        checks.append((f"make scenario under {SCENARIO_LIMIT_S:g} s", t["scenario"][0] < SCENARIO_LIMIT_S))
    lines.append("targets: " + "; ".join(f"{name}: {'met' if ok else 'NOT MET'}" for name, ok in checks))
    return lines, all(ok for _, ok in checks)


def to_json(t: dict) -> str:
    """The timings as JSON, to the millisecond: {"cold": [wall, cpu], ..., "jobs": 2, ...}."""
    rounded = {k: [round(x, 3) for x in v] if isinstance(v, (list, tuple)) else round(v, 3) for k, v in t.items()}
    return json.dumps(rounded, indent=2) + "\n"


# ---- the copy and the timed commands ----------------------------------------------------------

def timed(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, all descendants) taken by ``cmd``.

    The CPU time barely moves when other work shares the machine; the wall time does. A failure
    stops the benchmark with the command's output.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"bench: {shlex.join(cmd)} failed ({result.returncode})\n{result.stdout}{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def parallel(jobs: int) -> list[str]:
    """Make arguments for ``jobs`` parallel jobs: `make report` runs its own sub-make with
    -j$(JOBS), so -jN alone would not reach it (and JOBS alone would not reach a plain rule)."""
    return [f"-j{jobs}", f"JOBS={jobs}"]


def make(copy: Path, env: dict, *args: str) -> tuple[float, float]:
    return timed(["make", "--no-print-directory", *args], copy, env)


def import_floor(copy: Path, env: dict, python: str) -> float:
    return min(timed([python, "-c", IMPORTS], copy, env) for _ in range(3))[0]


def naive(copy: Path, env: dict, runs: list[dict]) -> dict:
    """Run each notebook with its parameters, one after another, with plain nbconvert."""
    bin_dir = copy / ".venv" / "bin"
    work = copy / "build" / "naive"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    t = {key: [0.0, 0.0] for key in ("naive_convert", "naive_execute", "naive_html")}

    def add(key: str, cmd: list[str]) -> None:
        wall, cpu = timed(cmd, copy, env)
        t[key][0] += wall
        t[key][1] += cpu

    executed = []
    for n, run in enumerate(runs):
        nb_path = work / f"{n:02d}_{Path(run['output']).stem}.ipynb"
        add("naive_convert", [str(bin_dir / "jupytext"), "--to", "ipynb", "-o", str(nb_path), run["source"]])
        # Parameters written into the notebook, as one would by hand (nbconvert has no -p).
        nb = inject_parameters(json.loads(nb_path.read_text(encoding="utf-8")), run_parameters(run, copy))
        nb_path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
        add("naive_execute", [str(bin_dir / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "--inplace",
                              f"--ExecutePreprocessor.timeout={CELL_TIMEOUT_S}", str(nb_path)])
        executed.append(nb_path)
    for nb_path in executed:
        add("naive_html", [str(bin_dir / "jupyter"), "nbconvert", "--to", "html", str(nb_path)])
    t["naive"] = [t["naive_execute"][0] + t["naive_html"][0], t["naive_execute"][1] + t["naive_html"][1]]
    return t


def busy_cpu_seconds() -> float | None:
    """CPU seconds all processes on the machine have used since boot (Linux), else None."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds used by this process and its finished children."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def keep_fastest(t: dict, new: dict, key: str) -> None:
    """Merge the measurements ``new`` into ``t`` unless ``t`` already has a faster ``key``."""
    if key not in t or new[key][0] < t[key][0]:
        t.update(new)


# ---- the scenario explorer: control change → redrawn chart (self-contained; issue 10) --------------

EXPLORER_MEDIAN_LIMIT_S, EXPLORER_WORST_LIMIT_S, EXPLORER_OPEN_LIMIT_S = 0.25, 0.5, 5.0
# A researcher's session: retail from the plan's 6.5 % to 9 %, then the other controls and indicators.
EXPLORER_CHANGES = [("rate_mode", "custom"), ("rate_pct", 7.0), ("rate_pct", 8.0), ("rate_pct", 9.0),
                    ("covid", "exclude"), ("covid", "dummy"), ("level", 0.9), ("shock_pp", 3.0), ("base_year", 2018),
                    ("target_mode", "custom"), ("target_value", 320.0), ("indicator", "tertiary_value_added"),
                    ("covid", "none"), ("rate_pct", 6.5), ("region", "650000"), ("indicator", "tourism_visits"),
                    ("reading", "total"), ("indicator", "retail_sales_total"), ("region", "652300"), ("rate_pct", 9.0)]
EXPLORER_SCRIPT = """
import json, sys, time
started, started_cpu = time.perf_counter(), time.process_time()
from analysis import explorer
from analysis.explorer_widgets import ExplorerApp
app = ExplorerApp(explorer.Session(explorer.load_inputs("data/processed/observations.csv",
                                                        "data/processed/plan_targets.csv")), language="zh")
opened, opened_cpu = time.perf_counter() - started, time.process_time() - started_cpu
walls, cpus = [], []
for name, value in json.loads(sys.argv[1]):
    wall, cpu = time.perf_counter(), time.process_time()
    getattr(app, name).value = value  # the observer redraws before this returns
    walls.append(time.perf_counter() - wall)
    cpus.append(time.process_time() - cpu)
    assert app.message == "", (name, value, app.message)
print(json.dumps({"open": [opened, opened_cpu], "walls": walls, "cpus": cpus}))
"""


def explorer_latency(copy: Path, env: dict, python: str) -> dict:
    """Time the explorer headlessly in a fresh process in ``copy`` (needs data/processed there):
    opening it with defaults (imports, data, first chart) and each change of :data:`EXPLORER_CHANGES`,
    from setting the control to the redrawn chart and summary."""
    result = subprocess.run([python, "-c", EXPLORER_SCRIPT, json.dumps(EXPLORER_CHANGES)], cwd=copy, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"bench: explorer timing failed\n{result.stdout}{result.stderr}")
    return explorer_summary(json.loads(result.stdout.strip().splitlines()[-1]))


def explorer_summary(raw: dict) -> dict:
    """Open time, median and worst redraw (wall and CPU seconds) from the timing script's output."""
    return {"explorer_open": raw["open"], "explorer_changes": len(raw["walls"]),
            "explorer_median": [statistics.median(raw["walls"]), statistics.median(raw["cpus"])],
            "explorer_worst": [max(raw["walls"]), max(raw["cpus"])]}


def explorer_verdict(t: dict) -> tuple[list[str], bool]:
    """Table lines for the explorer timings and whether its targets are met."""
    median, worst, opened = t["explorer_median"][0], t["explorer_worst"][0], t["explorer_open"][0]
    ok = median < EXPLORER_MEDIAN_LIMIT_S and worst < EXPLORER_WORST_LIMIT_S and opened < EXPLORER_OPEN_LIMIT_S
    return [f"{'explorer: open with defaults (fresh process)':<46} {opened:7.2f}s {t['explorer_open'][1]:7.2f}s  "
            f"imports, data, first chart; target < {EXPLORER_OPEN_LIMIT_S:g} s",
            f"{'explorer: control change → chart, median':<46} {median:7.3f}s {t['explorer_median'][1]:7.3f}s  "
            f"{t['explorer_changes']} changes; target < {EXPLORER_MEDIAN_LIMIT_S:g} s",
            f"{'explorer: control change → chart, worst':<46} {worst:7.3f}s {t['explorer_worst'][1]:7.3f}s  "
            f"target < {EXPLORER_WORST_LIMIT_S:g} s",
            f"explorer targets: {'met' if ok else 'NOT MET'}"], ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="parallel jobs for the cold build: make report JOBS=N (default: the number of cores)")
    parser.add_argument("--json", help="also write the timings to this JSON file")
    parser.add_argument("--repeat", type=int, default=1, help="time the naive and cold builds N times, keep the fastest")
    parser.add_argument("--keep", action="store_true", help="keep the copy (its path is printed) to look at")
    parser.add_argument("--explorer-only", action="store_true", help="only time the scenario explorer (seconds, not minutes)")
    args = parser.parse_args(argv)
    if args.explorer_only:
        return explorer_only(args.keep)

    work = Path(tempfile.mkdtemp(prefix="changji-bench-"))
    try:
        project = copy_project(work / "project")  # the same copy the end-to-end tests use
        copy, env = project.root, project.env
        print(f"bench: copy in {copy}; {os.cpu_count()} cores", flush=True)
        # Make would rebuild a venv older than requirements.lock: that is not what is timed here.
        if subprocess.run(["make", "-q", ".venv/.installed-changji-services"], cwd=copy, env=env).returncode != 0:
            sys.exit("bench: .venv is missing or older than requirements.lock: run `make venv` first")
        make(copy, env, "clean")
        # `pipeline`, the files `make report` builds: `make -n report` prints only its own recipe (the
        # $(MAKE) in it is inside the `counted` macro, so -n does not run it)
        runs = parse_runs(subprocess.run(["make", "-n", *parallel(1), "pipeline"], cwd=copy, env=env, check=True,
                                         capture_output=True, text=True).stdout)
        if not runs:
            sys.exit("bench: found no `notebook_runner.py execute` line in `make -n report`")

        t: dict = {"jobs": args.jobs, "runs": len(runs), "cores": os.cpu_count()}
        started, busy_before, own_before = time.perf_counter(), busy_cpu_seconds(), own_cpu_seconds()
        # First, so that it also warms the page cache for everything after it.
        t["floor"] = import_floor(copy, env, str(copy / ".venv" / "bin" / "python"))
        # Naive and cold builds alternate, so a burst of other work on the machine hits both
        # alike; with --repeat, each keeps its fastest run.
        for rep in range(1, args.repeat + 1):
            print(f"bench: [{rep}/{args.repeat}] naive run of {len(runs)} notebooks…", flush=True)
            keep_fastest(t, naive(copy, env, runs), "naive")
            for jobs, key in ((1, "cold_serial"), (args.jobs, "cold")):
                make(copy, env, "clean")
                print(f"bench: [{rep}/{args.repeat}] cold make report JOBS={jobs}…", flush=True)
                keep_fastest(t, {key: make(copy, env, *parallel(jobs), "report")}, key)
        missing = [f for f in REPORT_FILES if not (copy / f).is_file()]
        if missing:
            sys.exit(f"bench: the cold build did not write {missing} in the copy")
        t["noop"] = make(copy, env, *parallel(args.jobs), "report")
        # a real change (a touched but unchanged file reruns nothing: tools/input_hashes.py)
        with open(copy / TOUCHED, "a", encoding="utf-8") as fh:
            fh.write("# bench: one change\n")
        t["touch"] = make(copy, env, *parallel(args.jobs), "report")
        text = (copy / TOUCHED).read_text(encoding="utf-8")
        if VALUE_CHANGE[0] not in text:
            sys.exit(f"bench: {TOUCHED} has no line {VALUE_CHANGE[0]!r} to change")
        (copy / TOUCHED).write_text(text.replace(VALUE_CHANGE[0], VALUE_CHANGE[1]), encoding="utf-8")
        t["value"] = make(copy, env, *parallel(args.jobs), "report")
        t["scenario"] = make(copy, env, "scenario", f"PARAMS={TOUCHED}")

        lines, ok = verdict(t)
        t.update(explorer_latency(copy, env, str(copy / ".venv" / "bin" / "python")))
        explorer_lines, explorer_ok = explorer_verdict(t)
        ok = ok and explorer_ok
        print("\n".join(lines + explorer_lines))
        # Other work on the machine slows the wall times (not the CPU column): say how much there was.
        busy_after = busy_cpu_seconds()
        if busy_before is not None and busy_after is not None:
            other = (busy_after - busy_before) - (own_cpu_seconds() - own_before)
            t["other_cpu_share"] = max(0.0, other / ((time.perf_counter() - started) * (os.cpu_count() or 1)))
            if t["other_cpu_share"] > 0.05:
                print(f"bench: other processes used {t['other_cpu_share']:.0%} of the CPUs meanwhile: "
                      "the wall times are higher than on an idle machine", flush=True)
        if args.json:
            Path(args.json).write_text(to_json(t), encoding="utf-8")
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"bench: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def explorer_only(keep: bool) -> int:
    """`bench.py --explorer-only`: the explorer's timings alone, in a copy with its observations built."""
    work = Path(tempfile.mkdtemp(prefix="changji-bench-"))
    try:
        project = copy_project(work / "project")
        make(project.root, project.env, "data/processed/observations.csv")
        t = explorer_latency(project.root, project.env, str(project.root / ".venv" / "bin" / "python"))
        lines, ok = explorer_verdict(t)
        print("\n".join(lines))
        return 0 if ok else 1
    finally:
        if keep:
            print(f"bench: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
