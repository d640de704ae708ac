"""All or nothing (issue 13): a step's outputs are replaced together or not at all; temporary names
are unique; two builds in one tree take turns. Works in ``tmp_path`` only."""
from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import atomic_outputs, files, paths
from analysis.atomic_outputs import CommitError, OutputTransaction


@pytest.fixture
def three_outputs(tmp_path):
    """Three earlier outputs of a step, as a previous run left them."""
    files = [tmp_path / "observations.csv", tmp_path / "observations_unused.csv", tmp_path / "plan_targets.csv"]
    for i, f in enumerate(files):
        f.write_text(f"old {i}\n", encoding="utf-8")
    return files


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_outputs_are_staged_until_commit_then_replaced_together(three_outputs, tmp_path):
    with OutputTransaction() as txn:
        for i, f in enumerate(three_outputs):
            files.write_csv(pd.DataFrame({"new": [i]}), f)
        assert [f.read_text(encoding="utf-8") for f in three_outputs] == ["old 0\n", "old 1\n", "old 2\n"]
        staged = [tmp.name for tmp, _ in txn.staged()]
        assert len(set(staged)) == 3 and all(name.startswith(".") and name.endswith(".tmp") for name in staged)
        txn.commit()
    assert [f.read_text(encoding="utf-8") for f in three_outputs] == ["new\n0\n", "new\n1\n", "new\n2\n"]
    assert leftovers(tmp_path) == []


def test_a_failed_step_replaces_nothing(three_outputs, tmp_path):
    with pytest.raises(RuntimeError):
        with OutputTransaction():
            files.write_csv(pd.DataFrame({"new": [0]}), three_outputs[0])
            raise RuntimeError("a later cell fails")
    assert three_outputs[0].read_text(encoding="utf-8") == "old 0\n"
    assert leftovers(tmp_path) == []
    assert atomic_outputs.STAGING_ENV not in os.environ


def test_a_failed_rename_restores_what_was_already_replaced(three_outputs, tmp_path):
    """The adversarial case: the third output could not be replaced, the first two were already new,
    and the runner still said "earlier outputs are untouched"."""
    three_outputs[2].unlink()
    three_outputs[2].mkdir()  # a target that cannot be replaced by a file
    (three_outputs[2] / "keep").write_text("x", encoding="utf-8")
    (tmp_path / "brand_new.csv").unlink(missing_ok=True)
    with OutputTransaction() as txn:
        files.write_csv(pd.DataFrame({"new": [0]}), three_outputs[0])
        files.write_csv(pd.DataFrame({"new": [1]}), tmp_path / "brand_new.csv")  # did not exist before
        files.write_csv(pd.DataFrame({"new": [1]}), three_outputs[1])
        files.write_csv(pd.DataFrame({"new": [2]}), three_outputs[2])
        with pytest.raises(CommitError) as err:
            txn.commit()
    assert str(err.value).startswith(f"could not replace {paths.relative(three_outputs[2])} (")
    assert "the 3 output(s) already replaced were restored; nothing was replaced: earlier outputs are untouched" in str(err.value)
    assert [f.read_text(encoding="utf-8") for f in three_outputs[:2]] == ["old 0\n", "old 1\n"]
    assert not (tmp_path / "brand_new.csv").exists()
    assert leftovers(tmp_path) == []


def test_two_transactions_never_share_a_temporary_name(tmp_path):
    target = tmp_path / "table.csv"
    with OutputTransaction() as first:
        files.write_csv(pd.DataFrame({"run": [1]}), target)
        names_first = [t for t, _ in first.staged()]
        with OutputTransaction() as second:
            files.write_csv(pd.DataFrame({"run": [2]}), target)
            names_second = [t for t, _ in second.staged()]
            second.commit()
        assert names_first[0] != names_second[0] and names_first[0].exists()
        first.commit()  # the later commit wins whole: one run's complete output, never a mix
    assert target.read_text(encoding="utf-8") == "run\n1\n"
    assert leftovers(tmp_path) == []


def test_temporaries_of_a_killed_step_are_swept_by_the_next_one(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    stale = tmp_path / ".observations.csv.abc123.tmp"
    stale.write_text("half", encoding="utf-8")
    manifest = Path(atomic_outputs.tempfile.gettempdir()) / f"changji-outputs-{pid}-test.jsonl"
    manifest.write_text(json.dumps({"tmp": str(stale), "final": str(tmp_path / "observations.csv")}) + "\n")
    with OutputTransaction():
        pass
    assert not stale.exists() and not manifest.exists()


def test_every_temporary_is_listed_before_it_exists(tmp_path, monkeypatch):
    """A SIGKILL can land between any two statements: a temporary that existed before its manifest
    line was written would never be swept (seen as a stray ``.partial.ipynb`` after ``kill -9``)."""
    created = []
    real_open = os.open

    def watching_open(path, flags, *args):
        if flags & os.O_CREAT and Path(path).name.startswith("."):
            listed = [json.loads(line)["tmp"] for line in Path(os.environ[atomic_outputs.STAGING_ENV]).read_text().splitlines()]
            created.append((Path(path).name, str(path) in listed))
        return real_open(path, flags, *args)

    monkeypatch.setattr(atomic_outputs.os, "open", watching_open)
    target = tmp_path / "observations.csv"
    target.write_text("old\n", encoding="utf-8")
    with OutputTransaction() as txn:
        files.write_csv(pd.DataFrame({"new": [1]}), target)            # a staged output
        scratch = txn.scratch_file(tmp_path / "run.ipynb", ".partial.ipynb")  # the runner's executed notebook
        scratch.write_text("{}", encoding="utf-8")
        txn.commit()                                                   # the backup of the old version
    kinds = sorted(name.rsplit(".", 1)[-1] for name, _ in created)
    assert kinds == ["ipynb", "previous", "tmp"], created
    assert all(listed for _, listed in created), created


def test_a_second_build_waits_and_names_the_one_running(tmp_path):
    # a copy of the tool in tmp_path: its lock is tmp_path/.build.lock, never the working tree's
    (tmp_path / "tools").mkdir()
    script = tmp_path / "tools" / "build_lock.py"
    script.write_bytes((paths.ROOT / "tools" / "build_lock.py").read_bytes())
    lock = tmp_path / ".build.lock"
    with open(lock, "a+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.seek(0)
        fh.truncate()
        fh.write("pid 4242, `make report`, started 2026-11-29 14:00:00\n")
        fh.flush()
        proc = subprocess.Popen([sys.executable, str(script), sys.executable, "-c", "print('built')"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = proc.stderr.readline()  # blocks until it reports that it waits
        assert first.startswith("⏳ another build is running in this tree (pid 4242, `make report`, started 2026-11-29 14:00:00)")
        assert proc.poll() is None  # still waiting: it did not run the build alongside
        fcntl.flock(fh, fcntl.LOCK_UN)
    out, err = proc.communicate()
    assert proc.returncode == 0 and out == "built\n" and "the other build has finished" in err
