"""Raw-data faults and interrupted runs, end to end through ``make report`` on a copy of the project.

The real working tree is never touched: ``tests/project_copy.py`` copies the project into a
temporary folder, ``make report`` builds the copy once per session, and each case works on a fresh
copy of that built copy (mtimes kept, so Make finds it up to date until the case changes a file).

- Fault matrix: one raw file is made faulty; ``make report`` must exit non-zero with a message that
  names the file, the line and the column (where the fault has them) and what was expected, name
  the notebook and the cell, keep the executed notebook with the error in ``reports/failed/``, and
  leave every byte under ``data/processed/``, ``figures/`` and ``reports/`` as it was.
- Interrupts: ``make report`` from clean is interrupted with SIGINT (Ctrl-C), then SIGTERM (kill),
  then SIGKILL (kill -9), each sent to make's whole process group while a rule's outputs are half
  written; the next ``make report`` must finish with complete, valid outputs identical to an
  uninterrupted build, and the one after that must execute nothing.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest
import yaml

from conftest import up_to_date
from tools.project_copy import ProjectCopy, clone_copy

pytestmark = pytest.mark.pipeline

CJ = "data/raw/changji_bulletins.csv"
PLAN = "data/raw/changji_14th_fyp_modern_services_plan.txt"
PLAN_OBS = "data/raw/plan_text_observations.csv"
PROVENANCE = "data/raw/provenance.yml"
RULES = "data/raw/observation_rules.yml"


# ---------------------------------------------------------------------------------------------
# The built copy
# ---------------------------------------------------------------------------------------------


# `built_copy` (session-wide, in conftest.py) is the project copy with `make report` run once.


@pytest.fixture
def fresh_copy(built_copy, tmp_path) -> ProjectCopy:
    """A copy of the built copy, up to date for Make."""
    copy = clone_copy(built_copy, tmp_path / "project")
    assert up_to_date(copy), "a copy of the built copy should be up to date"
    return copy


# ---------------------------------------------------------------------------------------------
# Faults
# ---------------------------------------------------------------------------------------------


def lines_of(data: bytes) -> list[bytes]:
    """A raw file's lines with their line ends (the bulletin CSVs have CRLF)."""
    return data.splitlines(keepends=True)


def replace_in_line(data: bytes, line: int, old: str, new: str) -> bytes:
    """``data`` with ``old`` replaced by ``new`` once, in 1-based ``line`` only."""
    rows = lines_of(data)
    assert old.encode() in rows[line - 1], f"{old!r} not in line {line}"
    rows[line - 1] = rows[line - 1].replace(old.encode(), new.encode(), 1)
    return b"".join(rows)


def record_sha256(copy: ProjectCopy, raw_name: str, data: bytes) -> None:
    """Record ``data``'s sha256 for ``raw_name`` in the copy's provenance.yml, so the checksum check
    passes and the fault itself is what the pipeline meets.

    provenance.yml keeps its mtime: otherwise Make would first (rightly) rerun the notebooks that
    read it but not the faulty file (01, 02), rewriting their executed notebooks, and the test could
    not tell those legitimate rewrites from outputs damaged by the failure.
    """
    path = copy.path(PROVENANCE)
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    old = yaml.safe_load(text)["files"][Path(raw_name).name]["sha256"]
    assert text.count(old) == 1
    path.write_text(text.replace(old, hashlib.sha256(data).hexdigest()), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def write_raw(copy: ProjectCopy, raw: str, data: bytes, *, record: bool = True) -> None:
    if record:
        record_sha256(copy, raw, data)
    copy.write_bytes(raw, data)


def table1_line(copy: ProjectCopy, label: str) -> int:
    text = copy.path(PLAN).read_text(encoding="utf-8")
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(label))


def sha_in_provenance(copy: ProjectCopy, raw: str) -> str:
    return yaml.safe_load(copy.path(PROVENANCE).read_text(encoding="utf-8"))["files"][Path(raw).name]["sha256"]


@dataclass(frozen=True)
class Fault:
    """A way to break one raw file, and what the failed run must say about it."""

    id: str
    file: str                                  # the raw file made faulty
    apply: Callable[[ProjectCopy], list[str]]  # breaks the copy; returns the texts the message must hold
    notebook: str | None                       # the notebook that must fail (None: Make stops before any)


def missing_file(copy):
    copy.path(CJ).unlink()
    return [CJ]


def gbk_file(copy):
    text = copy.path(CJ).read_bytes().decode("utf-8")
    write_raw(copy, CJ, text.encode("gbk", errors="replace"))
    return [f"{CJ}, line 2, column 'region': not UTF-8 (byte 0x", "expected UTF-8 text"]


def non_numeric(copy):
    write_raw(copy, CJ, replace_in_line(copy.path(CJ).read_bytes(), 2, ",1191,", ",1l91,"))
    return [f"{CJ}, line 2, column 'value': expected a number as printed", "found '1l91'"]


def wanyuan_in_table1(copy):
    line = table1_line(copy, "三产增加值（亿元）")
    write_raw(copy, PLAN, replace_in_line(copy.path(PLAN).read_bytes(), line, "三产增加值（亿元）", "三产增加值（万元）"))
    return [f"{PLAN}, line {line}, column '数据类别': '三产增加值（万元）' is in 万元, expected 亿元"]


def wanyuan_in_quote_anchor(copy):
    # line 2 quotes "…2015年的358.05亿元…": the row now claims the number is printed in 万元
    write_raw(copy, PLAN_OBS, replace_in_line(copy.path(PLAN_OBS).read_bytes(), 2, ",亿元,", ",万元,"))
    return [f"{PLAN_OBS}, line 2, column 'unit_as_printed': the quote prints '亿元增长到2' after the number 358.05, "
            "not the unit '万元' of this row; expected unit_as_printed to be the unit printed after the number in the quote"]


def wanyuan_in_bulletin(copy):
    # the quote prints "…704.11亿元…"; read as 万元 the value would be 0.070411 亿元
    data = copy.path(CJ).read_bytes()
    line = next(i for i, row in enumerate(lines_of(data), 1) if ",704.11,亿元,".encode() in row)
    write_raw(copy, CJ, replace_in_line(data, line, ",704.11,亿元,", ",704.11,万元,"))
    return [f"{CJ}, line {line}, column 'unit': the quote prints 704.11 亿元",
            "expected the unit as printed in the quote (亿元)"]


def duplicate_row(copy):
    rows = lines_of(copy.path(CJ).read_bytes())
    write_raw(copy, CJ, b"".join([rows[0], rows[1], rows[1], *rows[2:]]))
    return [f"{CJ}, line 3, column 'value': duplicate of line 2: same region, indicator, year, source"]


def duplicate_row_other_value(copy):
    rows = lines_of(copy.path(CJ).read_bytes())
    write_raw(copy, CJ, b"".join([rows[0], rows[1], rows[1].replace(b",1191,", b",1192,"), *rows[2:]]))
    return [f"{CJ}, line 3, column 'value': duplicate of line 2 with another value: same region, indicator, year and source",
            "'1191'", "'1192'", "expected one value per region, indicator, year and source"]


def unregistered_source(copy):
    data = copy.path(CJ).read_bytes()
    title = next(csv.reader(io.StringIO(lines_of(data)[1].decode("utf-8"))))[6]
    write_raw(copy, CJ, replace_in_line(data, 2, title, "某未登记网站转载"))
    return [f"{CJ}, line 2, column 'source_title': source '某未登记网站转载' is not registered in {PROVENANCE}"]


def negative_level(copy):
    write_raw(copy, CJ, replace_in_line(copy.path(CJ).read_bytes(), 2, ",1191,", ",-1191,"))
    return [f"{CJ}, line 2, column 'value': a level must be greater than 0", "expects a value > 0", "found '-1191'"]


def changed_checksum(copy):
    recorded = sha_in_provenance(copy, PLAN)
    line = table1_line(copy, "三产增加值（亿元）")
    data = replace_in_line(copy.path(PLAN).read_bytes(), line, "563.51", "563.52")
    write_raw(copy, PLAN, data, record=False)
    return [f"{PLAN}: checksum changed", f"records sha256 {recorded}",
            f"the file now has {hashlib.sha256(data).hexdigest()}"]


def empty_file(copy):
    write_raw(copy, CJ, b"")
    return [f"{CJ}, line 1, column 'region': file is empty; expected a header line region,year,indicator,value"]


# ---- issue 13: wrong input that used to get through, or got an error pointing the wrong way ----

RETAIL_2023 = ",291.51,亿元,"  # Changji's 2023 retail row; its quote prints 291.51亿元


def retail_line(copy) -> int:
    return next(i for i, row in enumerate(lines_of(copy.path(CJ).read_bytes()), 1) if RETAIL_2023.encode() in row)


def fullwidth_wrong_unit(copy):
    """Was accepted: 2023 retail = 0.029151 亿元 (the quote check searched for the text as printed)."""
    line = retail_line(copy)
    write_raw(copy, CJ, replace_in_line(copy.path(CJ).read_bytes(), line, RETAIL_2023, ",２９１.５１,万元,"))
    return [f"{CJ}, line {line}, column 'unit': the quote prints 291.51 亿元 (291.51 亿元) but the unit '万元' makes "
            "the value 0.029151 亿元"]


def repeated_header_column(copy):
    """Was accepted (the last copy won), or blamed "value and growth both empty" on a line with a value."""
    rows = lines_of(copy.path(CJ).read_bytes())
    rows = [rows[0].replace(b"\r\n", b",value\r\n")] + [r.replace(b"\r\n", b",\r\n") for r in rows[1:]]
    write_raw(copy, CJ, b"".join(rows))
    return [f"{CJ}, line 1, column 'value': the header names column 'value' twice (columns 4 and 10)"]


def source_id_twice(copy):
    """A copy-pasted source block that kept the old id: the second copy silently won."""
    text = copy.path(PROVENANCE).read_text(encoding="utf-8")
    start = text.index("  cj_gov_h1_2019_analysis:")
    block = text[start:text.index("  shanxiti_xj_gdp_ranking_2021:")]
    first, second = text[:start].count("\n") + 1, text.count("\n") + 1
    copy.write_bytes(PROVENANCE, (text + block.replace("quality: official", "quality: media")).encode("utf-8"))
    return [f"{PROVENANCE}, line {second}: key 'cj_gov_h1_2019_analysis' appears twice (lines {first} and {second})"]


def year_typo(copy):
    """2023 → 2032 made the scoreboard say 无数据 and the evaluation succeed."""
    line = retail_line(copy)
    write_raw(copy, CJ, replace_in_line(copy.path(CJ).read_bytes(), line, "昌吉回族自治州,2023,", "昌吉回族自治州,2032,"))
    return [f"{CJ}, line {line}, column 'year': year 2032 is after the date of source 'yaliqi_changji_counties_2025' (2025-01-15)"]


def table1_missing_last_value(copy):
    """Was reported as missing the 昌吉州 value."""
    line = table1_line(copy, "三产增加值（亿元）")
    write_raw(copy, PLAN, replace_in_line(copy.path(PLAN).read_bytes(), line, "\t2402.38\t7071.85", "\t2402.38"))
    return [f"{PLAN}, line {line}, column '全疆': expected 3 values (one per region: 昌吉州, 乌鲁木齐, 全疆), "
            "the value for 全疆 is missing"]


def rule_quote_not_in_its_file(copy):
    # a vintage rule must quote the passage it rests on; this quote is no longer in data_notes.md
    data = copy.path(RULES).read_bytes()
    old = "The 2018 figures predate the 2018 economic-census revision".encode()
    assert data.count(old) == 1
    write_raw(copy, RULES, data.replace(old, "The 2018 figures were revised in the census".encode()))
    return [f"{RULES}, column 'quote': rule 'changji_2018_figures_before_census_revision': the quote",
            "is not in data_notes.md"]


# ---- issue 21: every failure names its place; one page, one source -------------------------------

GDP_2017 = "分别是1710亿元和1191亿元"  # the quote of Changji's 2017 GDP row (line 2)
GDP_2018 = "achieved a GDP of 136.73 billion yuan"  # Changji's 2018 GDP row: "… an increase of 5.1% …"


def cj_line(copy, needle: str) -> int:
    return next(i for i, row in enumerate(lines_of(copy.path(CJ).read_bytes()), 1) if needle.encode() in row)


def same_address_two_ids(copy):
    """The same page registered again under a new id, title and flag `official`: rows citing the copy's
    title became official while the page's other rows stayed encyclopedia/blog."""
    text = copy.path(PROVENANCE).read_text(encoding="utf-8")
    start = text.index("  chinawiki_changji_en:")
    block = text[start:text.index("\n  ", text.index("quality:", start)) + 1]
    copy_block = (block.replace("chinawiki_changji_en:", "chinawiki_changji_official:", 1)
                  .replace('title_zh: "Changji Hui Autonomous Prefecture', 'title_zh: "昌吉州（官方）Changji Hui Autonomous Prefecture', 1)
                  .replace("quality: encyclopedia_blog", "quality: official"))
    copy.write_bytes(PROVENANCE, (text + copy_block).encode("utf-8"))
    return [f"{PROVENANCE}, line {text.count(chr(10)) + 1}, column 'url': address 'https://chinawiki.net/thread/35/335.html' is "
            "registered for both 'chinawiki_changji_en' and 'chinawiki_changji_official'; one page is one source"]


def cell_over_csv_limit(copy):
    """`field larger than field limit (131072)`: a traceback naming no file."""
    line = cj_line(copy, GDP_2017)
    write_raw(copy, CJ, replace_in_line(copy.path(CJ).read_bytes(), line, "1710亿元", "1710亿元" + "很" * 140_000))
    return [f"{CJ}, line {line}, column 'quote': a cell of more than 131072 characters"]


def level_zero(copy):
    """Passed the row checks and failed later in a notebook naming neither the row nor the indicator."""
    line = cj_line(copy, GDP_2017)
    write_raw(copy, CJ, replace_in_line(copy.path(CJ).read_bytes(), line, ",1191,", ",0,"))
    return [f"{CJ}, line {line}, column 'value': a level must be greater than 0: gdp expects a value > 0, found '0'"]


def year_after_page_date(copy):
    """2026 is before the page was read (2026-11) but after the page's own date (2025-01-15)."""
    line = retail_line(copy)
    write_raw(copy, CJ, replace_in_line(copy.path(CJ).read_bytes(), line, "昌吉回族自治州,2023,", "昌吉回族自治州,2026,"))
    return [f"{CJ}, line {line}, column 'year': year 2026 is after the date of source 'yaliqi_changji_counties_2025' "
            "(2025-01-15); expected a year from 1954 to 2025"]


def growth_of(value: str, message: str):
    def apply(copy):
        line = cj_line(copy, GDP_2018)
        write_raw(copy, CJ, replace_in_line(copy.path(CJ).read_bytes(), line, ",5.1,", f",{value},"))
        return [f"{CJ}, line {line}, column 'growth_pct': {message}"]
    return apply


FAULTS = [
    Fault("missing_file", CJ, missing_file, None),
    Fault("gbk_encoded", CJ, gbk_file, "10_clean_observations"),
    Fault("non_numeric_value", CJ, non_numeric, "10_clean_observations"),
    Fault("wanyuan_for_yiyuan_in_table1", PLAN, wanyuan_in_table1, "01_clean_bureau_comparison"),
    Fault("wanyuan_for_yiyuan_in_quote_anchor", PLAN_OBS, wanyuan_in_quote_anchor, "10_clean_observations"),
    Fault("wanyuan_for_yiyuan_in_bulletin", CJ, wanyuan_in_bulletin, "10_clean_observations"),
    Fault("duplicated_row", CJ, duplicate_row, "10_clean_observations"),
    Fault("duplicated_row_other_value", CJ, duplicate_row_other_value, "10_clean_observations"),
    Fault("source_not_in_provenance", CJ, unregistered_source, "10_clean_observations"),
    Fault("negative_level", CJ, negative_level, "10_clean_observations"),
    Fault("changed_checksum", PLAN, changed_checksum, "01_clean_bureau_comparison"),
    Fault("empty_file", CJ, empty_file, "10_clean_observations"),
    Fault("fullwidth_digits_wrong_unit", CJ, fullwidth_wrong_unit, "10_clean_observations"),
    Fault("repeated_header_column", CJ, repeated_header_column, "10_clean_observations"),
    Fault("source_id_defined_twice", PROVENANCE, source_id_twice, "01_clean_bureau_comparison"),
    Fault("year_typo_2032", CJ, year_typo, "10_clean_observations"),
    Fault("table1_row_missing_last_value", PLAN, table1_missing_last_value, "01_clean_bureau_comparison"),
    Fault("rule_quote_not_in_its_file", RULES, rule_quote_not_in_its_file, "10_clean_observations"),
    Fault("same_address_two_ids", PROVENANCE, same_address_two_ids, "10_clean_observations"),
    Fault("cell_over_csv_limit", CJ, cell_over_csv_limit, "10_clean_observations"),
    Fault("level_zero", CJ, level_zero, "10_clean_observations"),
    Fault("year_after_page_date", CJ, year_after_page_date, "10_clean_observations"),
    Fault("growth_minus_100", CJ, growth_of("-100", "a growth rate of -100 % is not plausible: expected more than -100 %"),
          "10_clean_observations"),
    Fault("growth_99999999", CJ, growth_of("99999999", "a growth rate of 1e+08 % is not plausible"), "10_clean_observations"),
    Fault("growth_not_as_quoted", CJ, growth_of("5.2", "the quote prints the growth rate 5.1 but the cell has 5.2"),
          "10_clean_observations"),
]


def is_papermill_marker(cell: dict) -> bool:
    source = "".join(cell.get("source", ""))
    return cell["cell_type"] == "markdown" and ("papermill-error-cell" in source or "An Exception was encountered" in source)


def error_line(output: str) -> str:
    """The runner's ✖ line (or Make's own error when no notebook ran)."""
    for line in output.splitlines():
        if line.startswith("✖ "):
            return line
    return next((line for line in output.splitlines() if "***" in line), output.strip()[-500:])


#: every fault with one job (Make stops at the first notebook that reads the file), and the
#: checksum fault also with two, where both notebooks that read the plan run and fail together
CASES = [(f, 1) for f in FAULTS] + [(f, 2) for f in FAULTS if f.id == "changed_checksum"]


@pytest.mark.parametrize("fault, jobs", CASES, ids=[f"{f.id}-j{j}" for f, j in CASES])
def test_raw_data_fault_stops_make_and_keeps_outputs(fresh_copy, fault, jobs):
    copy = fresh_copy
    before = copy.output_hashes()
    expected = fault.apply(copy)

    result = copy.make("report", f"JOBS={jobs}")
    output = result.stdout + result.stderr
    print(f"{fault.id}: {error_line(output)}")  # the fault → message table (pytest -rP shows it)

    assert result.returncode != 0, output
    for text in expected:
        assert text in output, f"{text!r} not in the output:\n{output}"
    # Every byte under data/processed/, figures/ and reports/ is as before. With `make -j`, a
    # notebook that also reads the file but is not hurt by the fault may have run alongside the
    # failing one and finished (a legitimate rebuild): its tables and figures must come out the
    # same; only its executed notebook is allowed to differ (reproducibility is not tested here).
    failed_notebooks = set(re.findall(r"✖ notebooks/(\w+)\.py failed", result.stderr))
    rebuilt = {out for src, out in re.findall(r"▶ notebooks/(\w+)\.py → (\S+)", result.stdout) if src not in failed_notebooks}
    after = copy.output_hashes()
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed <= rebuilt, "a failed run touched data/processed/, figures/ or reports/: " + ", ".join(
        f"{k} ({'deleted' if k not in after else 'created' if k not in before else 'changed'})" for k in sorted(changed - rebuilt))
    assert not list(copy.root.rglob("*.partial.ipynb")) and not list(copy.root.rglob(".*.tmp"))

    if fault.notebook is None:  # Make stops before running anything: the file is a prerequisite
        assert "▶" not in result.stdout
        # named, with what is expected (Make's own "No rule to make target …" says neither)
        said = [line for line in output.splitlines()
                if fault.file in line and re.search(r"not found|missing|no such file", line, re.I)]
        assert any("expected" in line for line in said), output
        assert not copy.path("reports/failed").exists()
        return
    # The runner names the notebook and the cell (with `make -j`, another notebook that reads the
    # same file may fail alongside it, and must say the same); Make names the rule it stopped at.
    failures = re.findall(r"✖ notebooks/(\w+)\.py failed in the cell In \[(\d+)\] starting (.+?): (\w+): (.+)",
                          result.stderr)
    assert fault.notebook in [f[0] for f in failures], result.stderr
    assert re.search(r"make(\[\d+\])?: \*\*\* \[Makefile:\d+: .+\] Error \d", result.stderr), result.stderr
    for notebook, count, first_line, ename, evalue in failures:
        assert ename == "RawDataError" and fault.file in evalue, (notebook, evalue)
        assert f"the executed copy with the error: reports/failed/{notebook}.ipynb" in result.stderr
        # The executed copy with the error is kept in reports/failed/; the message names the cell by
        # its execution count (In [N], as Jupyter shows it) and its first line.
        failed = json.loads(copy.path(f"reports/failed/{notebook}.ipynb").read_text(encoding="utf-8"))
        cells = [c for c in failed["cells"] if c.get("execution_count") == int(count)]
        assert len(cells) == 1
        cell = cells[0]
        assert first_line.strip("'\"") in "".join(cell["source"])
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        assert errors and errors[0]["ename"] == ename and errors[0]["evalue"] == evalue
    if jobs == 1:  # Make stopped at the first notebook the fault breaks; any that ran before it (they read
        # provenance.yml, whose recorded hash the fault changed) succeeded
        ran = re.findall(r"▶ notebooks/(\w+)\.py", result.stdout)
        assert ran[-1] == fault.notebook and all(f"✔ notebooks/{nb}.py (" in result.stdout for nb in ran[:-1]), result.stdout
    # the failed rule's targets do not look up to date: the next run tries it again
    assert not up_to_date(copy)


# ---------------------------------------------------------------------------------------------
# Interrupts
# ---------------------------------------------------------------------------------------------


def wait_for(condition: Callable[[], bool], proc, log: Path, timeout: float = 180, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"make exited ({proc.returncode}) before {what}, so it cannot be interrupted mid-way; "
                                 f"its output:\n{log.read_text(encoding='utf-8', errors='replace')[-4000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def processes_of(copy: ProjectCopy) -> list[int]:
    """Pids of live processes started for ``copy`` (their environment has its PYTHONPATH).

    The Jupyter kernel runs in a session of its own, so a signal to make's process group does not
    reach it; it must exit by itself when its runner is gone.
    """
    marker = f"PYTHONPATH={copy.env['PYTHONPATH']}".encode()
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if marker in (d / "environ").read_bytes().split(b"\0") and (d / "stat").read_text().split()[2] != "Z":
                pids.append(int(d.name))
        except OSError:
            continue
    return pids


def written_since(copy: ProjectCopy, since: float) -> list[str]:
    """Tables and figures written after ``since`` (a time stamp)."""
    return [p.relative_to(copy.root).as_posix() for d in ("data/processed", "figures") for p in copy.path(d).iterdir()
            if p.name != "README.md" and not p.name.startswith(".") and p.stat().st_mtime > since]


def running_notebooks(copy: ProjectCopy) -> list[str]:
    """Notebooks being executed: papermill writes each into a ``.<name>.partial.ipynb`` as it goes."""
    return sorted(p.name[1:].replace(".partial.ipynb", "") for p in copy.path("reports/notebooks").glob(".*.partial.ipynb"))


def stop(proc, copy: ProjectCopy, sig: int) -> dict:
    """Send ``sig`` to make's whole process group, wait, and return what was left behind."""
    at_signal = sorted(copy.output_hashes())
    running = running_notebooks(copy)
    os.killpg(proc.pid, sig)
    proc.wait(timeout=120)
    deadline = time.monotonic() + 15
    while processes_of(copy) and time.monotonic() < deadline:
        time.sleep(0.2)
    stray = processes_of(copy)
    for pid in stray:  # started by this test; end them so they cannot write into the next run
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return {"returncode": proc.returncode, "stray": stray, "outputs_at_signal": at_signal, "running": running,
            "outputs_after": sorted(copy.output_hashes()),
            "partial": sorted(p.relative_to(copy.root).as_posix() for p in copy.root.rglob("*")
                              if ".partial." in p.name or p.name.endswith(".tmp"))}


def interrupt(proc, copy: ProjectCopy, sig: int, log: Path) -> dict:
    """:func:`stop` make with ``sig``, and check that it really cut a build mid-way: make ended by
    the signal (not by finishing first, nor ignoring it) and left targets still to make."""
    run = stop(proc, copy, sig)
    run["log"] = log.read_text(encoding="utf-8", errors="replace")
    name = signal.Signals(sig).name
    assert run["returncode"] == -sig, (
        f"{name} did not end make (exit {run['returncode']}, expected {-sig}); its output:\n{run['log'][-4000:]}")
    assert not up_to_date(copy), f"{name} came after the build had finished: nothing was left to make"
    return run


def check_complete(copy: ProjectCopy) -> None:
    """Every output parses: CSV tables, SVG figures, executed notebooks, HTML pages."""
    import xml.etree.ElementTree as ET

    import nbformat
    import pandas as pd

    for p in sorted(copy.path("data/processed").glob("*.csv")):
        table = pd.read_csv(p)
        # a target with a single reading has a header-only readings table, by design
        assert len(table) > 0 or (p.name.startswith("target_readings_") and len(table.columns) > 0), p
    figures = sorted(copy.path("figures").glob("*/*.svg"))  # figures/zh/, figures/en/
    assert figures
    for p in figures:
        assert ET.parse(p).getroot().tag == "{http://www.w3.org/2000/svg}svg", p
    for p in sorted(copy.path("reports/notebooks").glob("*.ipynb")):
        nbformat.validate(nbformat.read(p, as_version=4))
    for p in sorted(copy.path("reports").rglob("*.html")):
        assert p.read_text(encoding="utf-8").rstrip().endswith("</html>"), p


def test_interrupted_make_report_finishes_correctly_on_the_next_run(built_copy, tmp_path):
    copy = clone_copy(built_copy, tmp_path / "project")
    assert copy.make("clean").returncode == 0
    log = tmp_path / "make.log"
    runs = {}

    # 1. Ctrl-C once the first notebook has finished and another rule has begun writing its
    #    outputs (its executed notebook, renamed last, is not there yet: its targets are half made).
    first = copy.path("reports/notebooks/01_clean_bureau_comparison.ipynb")
    proc = copy.popen_make("report", "JOBS=2", log=log)
    wait_for(first.exists, proc, log, what="the first notebook to finish")
    wait_for(lambda: written_since(copy, first.stat().st_mtime), proc, log, what="another rule to write an output")
    runs["SIGINT"] = interrupt(proc, copy, signal.SIGINT, log)

    # 2. kill (SIGTERM) of the whole group as soon as the next run has written a table or figure.
    started = time.time()
    proc = copy.popen_make("report", "JOBS=2", log=log)
    wait_for(lambda: written_since(copy, started), proc, log, what="the run after SIGINT wrote a table or figure")
    runs["SIGTERM"] = interrupt(proc, copy, signal.SIGTERM, log)

    # 3. kill -9 of the whole group, likewise.
    started = time.time()
    proc = copy.popen_make("report", "JOBS=2", log=log)
    wait_for(lambda: written_since(copy, started), proc, log, what="the run after SIGTERM wrote a table or figure")
    runs["SIGKILL"] = interrupt(proc, copy, signal.SIGKILL, log)
    for name, run in runs.items():  # what each interrupt left (pytest -rP shows it)
        print(f"--- {name}: exit {run['returncode']}; running at the signal: {run['running']}; "
              f"gone after the signal: {sorted(set(run['outputs_at_signal']) - set(run['outputs_after']))}; "
              f"temporary files left: {run['partial']}\n{run['log']}")

    for name, run in runs.items():
        assert not run["stray"], f"{name}: processes still running after make was stopped: {run['stray']}"

    # 4. run again: it finishes, and what it made is complete and the same as an uninterrupted build
    #    (the session's build is `make final`: the mid-term and, beside it, the final evaluation)
    result = copy.make("final", "JOBS=2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    leftovers = [p.relative_to(copy.root).as_posix() for p in copy.root.rglob("*")
                 if ".partial." in p.name or p.name.endswith(".tmp")]
    assert not leftovers, leftovers
    check_complete(copy)
    built = built_copy.output_hashes()
    now = copy.output_hashes()
    assert sorted(now) == sorted(built)
    assert [k for k in built if now[k] != built[k]] == []

    # 5. and the run after that executes nothing
    again = copy.make("final")
    assert again.returncode == 0 and "▶" not in again.stdout, again.stdout
    assert up_to_date(copy)


# ---------------------------------------------------------------------------------------------
# All or nothing; parameters; file names (issue 13)
# ---------------------------------------------------------------------------------------------


def test_an_output_that_cannot_be_replaced_leaves_every_output_as_it_was(fresh_copy):
    """The observations step has three tables. Its third cannot be replaced (here a folder stands in
    its place, as an immutable file would): the first two must not be left new while the third stays
    old, and the message may say "earlier outputs are untouched" only because they are."""
    copy = fresh_copy
    blocked = copy.path("data/processed/plan_targets.csv")
    blocked.unlink()
    blocked.mkdir()
    (blocked / "keep").write_text("x", encoding="utf-8")
    # a changed notebook (a comment: same results) reruns the observations step, which succeeds until the renames
    nb = "notebooks/10_clean_observations.py"
    copy.write_bytes(nb, copy.path(nb).read_bytes() + b"\n# a reader's note\n")
    before = copy.output_hashes()

    result = copy.make("report", "JOBS=1")
    assert result.returncode != 0
    assert ("✖ notebooks/10_clean_observations.py: could not replace data/processed/plan_targets.csv (" in result.stderr
            and "already replaced were restored; nothing was replaced: earlier outputs are untouched" in result.stderr), \
        result.stderr
    assert copy.output_hashes() == before
    assert not [p for p in copy.root.rglob(".*") if p.name.endswith((".tmp", ".previous", ".partial.ipynb"))]


SCENARIO_OK = "title: 社零 7%\nindicator: retail_sales_total\nstated_rate: 0.07\ncovid: exclude\nseed: 7\n"


@pytest.mark.parametrize("name, content, message", [
    ("empty.yaml", "", "the parameter file is empty"),
    ("typo.yaml", "indicator: retail_sales_total\nstated_rat: 0.20\n",
     "unknown parameter 'stated_rat' (in params/typo.yaml, line 2): notebooks/20_scenario.py has no such parameter; "
     "did you mean 'stated_rate'? allowed: base_year,"),
    ("syntax.yaml", "indicator: retail_sales_total\ntitle: [unclosed\n", "params/syntax.yaml, line 3, column '1': YAML syntax error"),
    ("level.yaml", "indicator: retail_sales_total\nlevel: high\n",
     "parameter 'level' = 'high' (in params/level.yaml, line 2): expected a number, like the notebook's default 0.8"),
    # issue 21: every case one located line, before any kernel
    ("covid.yaml", "indicator: retail_sales_total\ncovid: no\n",
     "parameter 'covid' = no (in params/covid.yaml, line 2): YAML reads the bare word 'no' as false, but 'covid' takes text "
     "(allowed values are 'none', 'dummy', 'exclude')"),
    ("bad_date.yaml", "title: 2024-13-45\n",
     "params/bad_date.yaml, line 1, column '8': YAML reads '2024-13-45' as a date, but it is not one (month must be in 1..12)"),
    ("date.yaml", "title: 2024-05-01\n", "parameter 'title' = 2024-05-01 (in params/date.yaml, line 1): YAML reads it as a date"),
    ("binary.yaml", "indicator: retail_sales_total\ntitle: !!binary aGVsbG8=\n",
     "parameter 'title' = !!binary aGVsbG8= (in params/binary.yaml, line 2): YAML reads it as binary data (!!binary)"),
    ("list.yaml", "description: [a, b]\n",
     "parameter 'description' = ['a', 'b'] (in params/list.yaml, line 1): expected text, like the notebook's default ''"),
    ("merge.yaml", "base: &base {seed: 7}\ncase:\n  <<: *base\n", "params/merge.yaml, line 1, column '7': anchors and aliases"),
    ("merge_only.yaml", "seed: 7\nextra:\n  <<: {seed: 8}\n",
     "params/merge_only.yaml, line 3, column '3': merge keys (<<) are not supported: write the keys out"),
    ("bomb.yaml", "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
                          for p, c in zip([None, *"abcdefgh"], "abcdefghi")) + "description: *i\n",
     "params/bomb.yaml, line 1, column '4': anchors and aliases (&name, *name) are not allowed here"),
    ("deep.yaml", "description: " + "[" * 30_000 + "]" * 30_000 + "\n",
     "params/deep.yaml, line 1, column '45': nested more than 32 levels deep"),
    ("deeper.yaml", "description: " + "[" * 100_000 + "]" * 100_000 + "\n",
     "params/deeper.yaml: the file holds 200014 characters; expected at most 65536"),
    ("scratch.yaml", "- indicator: retail_sales_total\n- seed: 7\n",
     "params/scratch.yaml, line 1: expected a mapping of parameter names to values (`name: value` lines), found a list"),
    ("passwd.yaml", "indicator: retail_sales_total\nobservations_path: /etc/passwd\n",
     "parameter 'observations_path' (in params/passwd.yaml, line 2) names a file or folder: paths are set by Make"),
    ("outside.yaml", "output_dir: ../outside\n",
     "parameter 'output_dir' (in params/outside.yaml, line 1) names a file or folder: paths are set by Make"),
])
def test_make_scenario_refuses_bad_parameters_before_any_kernel(refusal_copy, name, content, message):
    copy = refusal_copy
    copy.path(f"params/{name}").write_text(content, encoding="utf-8")
    before = copy.output_hashes()
    result = copy.make("scenario", f"PARAMS=params/{name}")
    copy.path(f"params/{name}").unlink()
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("✖")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "Traceback" not in result.stderr and "▶" not in result.stdout
    assert copy.output_hashes() == before
    assert not (copy.root.parent / "outside").exists()


@pytest.fixture(scope="module")
def refusal_copy(built_copy, tmp_path_factory) -> ProjectCopy:
    """One copy of the built copy for the cases that must stop before anything runs (nothing is written)."""
    return clone_copy(built_copy, tmp_path_factory.mktemp("refusals") / "project")


#: names as a file received from someone else may carry them; none may run anything
HOSTILE_NAMES = [
    'x";touch pwned_dq;".yaml',
    "x';touch pwned_sq;'.yaml",
    "x`touch pwned_bt`.yaml",
    "x$(touch pwned_cs).yaml",
    "x$(shell touch pwned_mk).yaml",
    "x;touch pwned_sc;.yaml",
    "my case 情景 ${HOME}.yaml",
]


def pwned(copy: ProjectCopy) -> list[str]:
    return sorted(str(p) for p in copy.root.rglob("pwned*")) + sorted(str(p) for p in Path("/tmp").glob("pwned*"))


def test_make_scenario_file_names_are_data_never_code(fresh_copy):
    """`make scenario PARAMS='params/x";touch /tmp/p;".yaml'` ran touch; a name with a space failed
    with "unrecognized arguments". Each name reaches Python intact and runs nothing."""
    copy = fresh_copy
    before = copy.output_hashes()
    # every name through make and the shell to the parameter check (which quotes it back)
    for name in HOSTILE_NAMES:
        (copy.path("params") / name).write_text("stated_rat: 0.2\n", encoding="utf-8")
        result = copy.make("scenario", f"PARAMS=params/{name}")
        assert result.returncode != 0
        assert f"unknown parameter 'stated_rat' (in params/{name}, line 1)" in result.stderr, result.stderr
        assert pwned(copy) == [], name
    # and one whole run with every kind of character in one name: executed notebook, tables, chart, HTML
    name = """my case "q";`touch pwned_1`$(touch pwned_2);touch pwned_3;$(shell touch pwned_4)情景's"""
    copy.path(f"params/{name}.yaml").write_text(SCENARIO_OK, encoding="utf-8")
    result = copy.make("scenario", f"PARAMS=params/{name}.yaml", "HTML=1")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert pwned(copy) == []
    out = copy.path("reports/scenarios") / name
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted([
        f"{name}.ipynb", f"{name}.html", "scenarios_retail_sales_total.csv", "scenario_summary_retail_sales_total.csv",
        "target_readings_retail_sales_total.csv", "zh/scenario_retail_sales_total.svg", "en/scenario_retail_sales_total.svg"])
    assert "社零 7%" in (out / f"{name}.html").read_text(encoding="utf-8")
    after = {k: v for k, v in copy.output_hashes().items() if not k.startswith("reports/scenarios/")}
    assert after == before  # the report's own outputs are not touched


# ---------------------------------------------------------------------------------------------
# Issue 21: data never becomes code, parameters never reach outside, content not clocks, a quiet terminal
# ---------------------------------------------------------------------------------------------

RETAIL_SCENARIO = "params/scenario_retail_sales_total.yaml"
#: markup in a data field: each part would mark the page (document.documentElement.dataset.pwned) if it ran
PAYLOAD = ('<script>document.documentElement.dataset.pwned="script"</script>'
           '<img src=x onerror="document.documentElement.dataset.pwned=\'img\'">'
           '<svg onload="document.documentElement.dataset.pwned=\'svg\'"></svg>')
ALIAS_BOMB = "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
                     for p, c in zip([None, *"abcdefgh"], "abcdefghi"))


def one_error(result) -> str:
    """The one line that says what is wrong in a refused run (the runner's ✖, or Make's own *** for a
    variable; Make's "*** [Makefile:…] Error 2" that follow a failed recipe say only where it stopped):
    no traceback, nothing run."""
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output and "▶" not in result.stdout, output
    errors = [line for line in output.splitlines()
              if line.startswith("✖") or "***" in line and not re.search(r"\*\*\* \[Makefile:\d+: .*\] Error \d+$", line)]
    assert len(errors) == 1, output
    return errors[0]


def test_make_report_refuses_paths_in_a_params_file_and_bad_make_variables(fresh_copy, tmp_path):
    """`output_dir`/`figures_dir` outside the project in a report scenario file were honoured (five files
    written outside, and the scenario reran on every build); an alias bomb ran the kernel out of memory;
    EVALUATION_YEAR="2023 2024" passed the year check; a scratch params/scenario_*.yaml that is not a
    mapping broke make report with an AttributeError."""
    copy = fresh_copy
    outside = tmp_path / "outside"
    original = copy.path(RETAIL_SCENARIO).read_bytes()
    line = original.count(b"\n") + 1  # the first line appended below
    before = copy.output_hashes()
    cases = [
        (f"output_dir: {outside}\nfigures_dir: {outside}\n",
         f"✖ parameter 'output_dir' (in {RETAIL_SCENARIO}, line {line}) names a file or folder: paths are set by Make"),
        ("observations_path: /etc/passwd\n",
         f"✖ parameter 'observations_path' (in {RETAIL_SCENARIO}, line {line}) names a file or folder"),
        (ALIAS_BOMB + "description: *i\n",
         f"✖ {RETAIL_SCENARIO}, line {line}, column '4': anchors and aliases (&name, *name) are not allowed here"),
    ]
    for extra, message in cases:
        copy.write_bytes(RETAIL_SCENARIO, original + extra.encode("utf-8"))
        result = copy.make("report", "JOBS=1")
        assert one_error(result).startswith(message), result.stderr
        assert not outside.exists() and copy.output_hashes() == before
    copy.write_bytes(RETAIL_SCENARIO, original)

    # a researcher's scratch file that is not a mapping: the report neither reads nor shows it
    copy.path("params/scenario_scratch.yaml").write_text("- indicator: retail_sales_total\n", encoding="utf-8")
    for variable, message in [("EVALUATION_YEAR=2023 2024", "EVALUATION_YEAR=2023 2024: expected a year of the plan period, one of"),
                              ("EVALUATION_YEAR=2026", "EVALUATION_YEAR=2026: expected a year of the plan period, one of"),
                              ("JOBS=0", "JOBS=0: expected a positive whole number of parallel jobs"),
                              ("JOBS=two", "JOBS=two: expected a positive whole number of parallel jobs")]:
        assert message in one_error(copy.make("report", variable))
    result = copy.make("report")
    assert result.returncode == 0 and "▶" not in result.stdout, result.stdout + result.stderr
    assert copy.output_hashes() == before


#: step 10's outputs (tables and executed notebook)
CLEANING_OUTPUTS = ["data/processed/observations.csv", "data/processed/observations_unused.csv", "data/processed/plan_targets.csv",
                    "reports/notebooks/10_clean_observations.ipynb"]
#: what a quiet build prints: progress and result lines, never a recipe
PROGRESS_LINE = re.compile(r"^(\[\d+/\d+\] [▶✔]|✔ |↻ )")


def test_content_not_clocks_and_a_quiet_terminal(fresh_copy):
    """A truncated observations.csv was never rebuilt (every later build failed with `cannot convert float
    NaN to integer`); with the cleaning step's outputs dated 2030, a changed raw value (hash recorded) left
    both reports showing the old value; every step echoed ~5 KB of recipe between its ▶ and ✔ lines."""
    copy = fresh_copy
    built = copy.output_hashes()

    # 1. a truncated table, dated as it was: rebuilt from its recorded hash, the same bytes as built
    observations = copy.path("data/processed/observations.csv")
    data, st = observations.read_bytes(), observations.stat()
    observations.write_bytes(data[: len(data) // 2])
    os.utime(observations, ns=(st.st_atime_ns, st.st_mtime_ns))
    result = copy.make("report")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert ("↻ data/processed/observations.csv is not the file notebooks/10_clean_observations.py wrote (damaged or edited "
            "by hand): it is rebuilt") in result.stdout
    assert copy.output_hashes() == built
    # ... and the terminal shows the build's own lines only (errors would print in full)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines and all(PROGRESS_LINE.match(line) for line in lines), result.stdout
    assert result.stderr == "" and "notebook_runner.py" not in result.stdout and "BECAUSE=" not in result.stdout

    # 2. the cleaning step's outputs dated 2030, then a raw value changed (its hash recorded, provenance.yml's date kept)
    in_2030 = time.mktime((2030, 1, 1, 0, 0, 0, 0, 0, -1))
    for rel in CLEANING_OUTPUTS:
        os.utime(copy.path(rel), (in_2030, in_2030))
    line = retail_line(copy)
    write_raw(copy, CJ, replace_in_line(replace_in_line(copy.path(CJ).read_bytes(), line, RETAIL_2023, ",291.52,亿元,"),
                                        line, "291.51亿元", "291.52亿元"))
    result = copy.make("report", "V=1")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "tools/notebook_runner.py execute notebooks/10_clean_observations.py" in result.stdout  # V=1 shows the commands
    table = pd.read_csv(copy.path("data/processed/observations.csv"), dtype={"region_code": str})
    retail = table[(table.region_code == "652300") & (table.indicator_id == "retail_sales_total") & (table.year == 2023)]
    assert retail["value"].tolist() == [291.52]
    text = copy.path("reports/mid_term_evaluation.html").read_text(encoding="utf-8")
    assert "291.52" in text and "291.51" not in text
    # the English edition too (it may write the amount in another scale, so by its content having changed)
    assert copy.output_hashes()["reports/mid_term_evaluation.en.html"] != built["reports/mid_term_evaluation.en.html"]
    assert [rel for rel in copy.output_hashes() if copy.path(rel).stat().st_mtime > time.time()] == []


def inject_everywhere(copy: ProjectCopy) -> None:
    """:data:`PAYLOAD` in every field a reader sees: a report scenario's title, English title and
    description; a source's titles, publishers and notes (provenance.yml); a bulletin row's indicator
    and quote (an unused row, shown in the cleaning notebook)."""
    scenario = copy.path(RETAIL_SCENARIO).read_text(encoding="utf-8")
    scenario = re.sub(r"(?m)^(title|title_en): .*$", lambda m: f"{m.group(1)}: {json.dumps(PAYLOAD)}", scenario)
    scenario = re.sub(r"(?ms)^description: >-\n(  .*?\n)+", f"description: {json.dumps(PAYLOAD)}\n", scenario)
    copy.write_bytes(RETAIL_SCENARIO, scenario.encode("utf-8"))
    record = yaml.safe_load(copy.path(PROVENANCE).read_text(encoding="utf-8"))
    page = record["sources"]["chinawiki_changji_en"]
    for field in ("title_en", "short_zh", "short_en", "publisher_zh", "publisher_en", "notes"):
        page[field] = PAYLOAD
    rows = lines_of(copy.path(CJ).read_bytes())
    extra = io.StringIO()
    csv.writer(extra, lineterminator="\r\n").writerow(["昌吉回族自治州", "2023", PAYLOAD, "1", "亿元", "", page["title_zh"], page["url"], PAYLOAD])
    data = b"".join(rows) + extra.getvalue().encode("utf-8")
    record["files"][Path(CJ).name]["sha256"] = hashlib.sha256(data).hexdigest()
    copy.write_bytes(CJ, data)
    copy.write_bytes(PROVENANCE, yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=1000).encode("utf-8"))
    copy.write_bytes("params/evil.yaml", scenario.encode("utf-8"))


@pytest.mark.browser
def test_no_text_from_data_runs_in_any_page(fresh_copy, browser):
    """A scenario's title ran `<img onerror>`, `<script>` and `<svg onload>` in reports/notebooks/*.html and
    in `make scenario HTML=1` pages, which carried no Content-Security-Policy. Every page the project
    writes, with the payload in every field: shown as text, run nowhere, under a hash-based policy."""
    copy = fresh_copy
    inject_everywhere(copy)
    result = copy.make("report")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    result = copy.make("scenario", "PARAMS=params/evil.yaml", "HTML=1")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    pages = sorted(copy.path("reports").rglob("*.html"))
    shown_in = {"reports/scenarios/evil/evil.html", "reports/notebooks/20_scenario_retail_sales_total.html",
                "reports/mid_term_evaluation.html",
                "reports/mid_term_evaluation.en.html"}
    assert shown_in <= {p.relative_to(copy.root).as_posix() for p in pages}
    for path in pages:
        rel = path.relative_to(copy.root).as_posix()
        page = browser.new_page()
        page.goto(path.as_uri(), wait_until="load")
        assert page.evaluate("document.documentElement.dataset.pwned") is None, rel
        assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1, rel
        if rel in shown_in:
            assert '<script>document.documentElement.dataset.pwned="script"</script>' in page.inner_text("body"), rel
        page.close()


@pytest.mark.browser
def test_a_script_that_reached_a_notebook_output_is_blocked_by_the_policy(browser, tmp_path):
    """Were a value ever written unescaped into an output, the executed notebook's policy still runs none
    of it (nor any inline event handler), while the report's own script (an output marked as the report)
    keeps running."""
    import nbformat

    from tools import notebook_runner

    cell = nbformat.v4.new_code_cell("display(HTML(title))", outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": PAYLOAD}),
        nbformat.v4.new_output("display_data", data={"text/html": "<p>report</p><script>document.body.dataset.report = 'ran'</script>"},
                               metadata={"report": {"title": "t"}})])
    executed = tmp_path / "nb.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), executed)
    for no_input in ([], ["--no-input"]):
        html = tmp_path / f"nb{len(no_input)}.html"
        assert notebook_runner.main(["html", str(executed), str(html), *no_input]) == 0
        page = browser.new_page()
        page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                             "e => window.__csp.push(e.violatedDirective));")
        page.goto(html.as_uri(), wait_until="load")
        assert page.evaluate("document.documentElement.dataset.pwned") is None
        assert page.evaluate("document.body.dataset.report") == "ran"
        assert {"script-src-elem", "script-src-attr"} <= set(page.evaluate("window.__csp"))
        page.close()
