"""Raw files are registered, unchanged, and a changed file stops the pipeline with both hashes."""
from __future__ import annotations

import shutil

import pytest
import yaml

from analysis import paths, provenance
from analysis.errors import RawDataError


def test_every_raw_file_is_registered_and_verified():
    record = provenance.load_provenance()
    on_disk = {p.name for p in paths.DATA_RAW.iterdir() if p.is_file() and p.name != "provenance.yml"}
    assert on_disk == set(record["files"])
    assert provenance.verify_all(record) == sorted(on_disk)


def test_plan_record_has_the_document_facts():
    src = provenance.source("cj_plan_2022_97")
    assert src["issuer"] == "昌吉回族自治州人民政府"
    assert src["document_number"] == "昌州政发〔2022〕97号"
    assert str(src["date"]) == "2022-09-26"
    assert src["quality"] in provenance.QUALITY_FLAGS
    for sid, s in provenance.load_provenance()["sources"].items():
        assert s["quality"] in provenance.QUALITY_FLAGS, sid
        assert s.get("title_zh"), sid


def test_changed_raw_file_names_file_and_both_hashes(tmp_path, monkeypatch):
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(paths.PLAN_TEXT, raw / paths.PLAN_TEXT.name)
    shutil.copy(paths.PROVENANCE, raw / "provenance.yml")
    monkeypatch.setattr(provenance, "DATA_RAW", raw)
    target = raw / paths.PLAN_TEXT.name
    target.write_text(target.read_text(encoding="utf-8").replace("563.51", "563.52", 1), encoding="utf-8")
    record = yaml.safe_load((raw / "provenance.yml").read_text(encoding="utf-8"))
    with pytest.raises(RawDataError) as err:
        provenance.verify_raw_file(target, record)
    msg = str(err.value)
    assert paths.PLAN_TEXT.name in msg
    assert record["files"][paths.PLAN_TEXT.name]["sha256"] in msg
    assert provenance.sha256_of(target) in msg


def test_unregistered_raw_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(provenance, "DATA_RAW", tmp_path)
    stray = tmp_path / "stray.csv"
    stray.write_text("a,b\n1,2\n")
    with pytest.raises(RawDataError, match="not registered"):
        provenance.verify_raw_file(stray, {"files": {}, "sources": {}})


def test_nothing_reads_shared_at_run_time():
    """Users do not have ../shared: no code, notebook or Make rule may point there."""
    offenders = []
    for pattern in ("analysis/*.py", "notebooks/*.py", "tools/*.py", "Makefile", ".ci/run"):
        for path in paths.ROOT.glob(pattern):
            if "../shared" in path.read_text(encoding="utf-8") or "/work/shared" in path.read_text(encoding="utf-8"):
                offenders.append(path.name)
    assert offenders == []
