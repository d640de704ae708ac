"""The fits and scenario tables do not depend on the CPU: the same under every OpenBLAS kernel the
CPU can run, one BLAS thread or several, another locale and another time zone.

Each variant runs tests/platform_probe.py in a fresh process (OpenBLAS reads its settings at start)
and the outputs are compared: same method and fallback reason, parameters to 1e-6 relative,
intervals and tables to 1e-6. The probe's series include one on which statsmodels' own optimiser
says "converged" under some kernels and not under others (tests/test_growth.py tests that flag
directly, which works on any machine).
"""
from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import blas_kernels

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
PROBE = HERE / "platform_probe.py"


def run_probes(variants: dict[str, dict]) -> dict[str, dict]:
    """Start every variant at once (2 cores: they overlap), then collect their JSON."""
    procs = {name: subprocess.Popen([sys.executable, str(PROBE)], env=env, cwd=HERE.parent,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for name, env in variants.items()}
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"{name}: {stderr.decode(errors='replace')[-3000:]}"
        out[name] = json.loads(stdout)
    return out


def differences(a, b, path="") -> list[str]:
    """Where two probe outputs differ: exact for strings and methods, 1e-6 (relative or absolute) for numbers."""
    if isinstance(a, dict):
        if sorted(a) != sorted(b):
            return [f"{path}: keys {sorted(a)} != {sorted(b)}"]
        return [d for k in a for d in differences(a[k], b[k], f"{path}/{k}")]
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: length {len(a)} != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{path}[{i}]")]
    if isinstance(a, str) and a.startswith('{"columns"'):
        return differences(json.loads(a), json.loads(b), path)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if (a is None or math.isnan(a)) and (b is None or math.isnan(b)):
            return []
        return [] if math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6) else [f"{path}: {a!r} != {b!r}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_differences_sees_a_changed_method_parameter_or_interval():
    base = {"fits": {"s/damped": {"method": "damped", "params": {"phi": 0.98}, "lower": [1.0]}}}
    assert differences(base, json.loads(json.dumps(base))) == []
    for change, where in [(("method", "loglinear"), "method"), (("params", {"phi": 0.97}), "params/phi"),
                          (("lower", [1.00001]), "lower[0]")]:
        other = json.loads(json.dumps(base))
        other["fits"]["s/damped"][change[0]] = change[1]
        assert [d.split(":")[0] for d in differences(base, other)] == [f"/fits/s/damped/{where}"]


@pytest.fixture(scope="module")
def probes() -> dict[str, dict]:
    """One probe per variant: every runnable kernel, one BLAS thread, C locale in another time zone.
    Where the environment pins a kernel, only the thread, locale and time-zone variants run (under
    that kernel)."""
    kernels = [] if blas_kernels.pinned() else blas_kernels.runnable_kernels()
    variants = {"default": blas_kernels.env_for(None)}
    variants.update({k: blas_kernels.env_for(k) for k in kernels})
    variants["1 thread"] = blas_kernels.env_for(None, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    variants["C locale, UTC-3:30"] = blas_kernels.env_for(kernels[0] if kernels else None, LC_ALL="C", LANG="C",
                                                          TZ="America/St_Johns")
    return run_probes(variants)


@pytest.mark.slow
def test_every_kernel_thread_count_locale_and_time_zone_gives_the_same_results(probes):
    skipped = blas_kernels.skipped_kernels()
    print(f"compared: {sorted(probes)}; not runnable here: {skipped or 'none'}")
    if blas_kernels.pinned():
        print(blas_kernels.pinned_message())
    reference = probes["default"]
    # the comparison covers the damped branch, not only fallbacks
    methods = {k: v["method"] for k, v in reference["fits"].items()}
    assert methods["smooth_15/damped"] == methods["noisy_12/damped"] == "damped"
    assert methods["tertiary/damped"] == "loglinear"
    assert "trend_damped" in reference["scenarios"]["synthetic_damped"]["table"]
    for name, result in probes.items():
        assert differences(reference, result) == [], name
    if blas_kernels.pinned():
        pytest.skip(blas_kernels.pinned_message() + " (threads, locale and time zone were compared)")
    kernels = blas_kernels.runnable_kernels()
    if len(kernels) < 2:
        pytest.skip(f"fewer than two OpenBLAS kernels runnable on this CPU ({kernels}): "
                    f"{blas_kernels.skipped_kernels()}")


@pytest.mark.slow
def test_scenario_tables_match_the_golden_tables_under_every_kernel(probes):
    for name, result in probes.items():
        for indicator, got in result["scenarios"].items():
            if indicator == "synthetic_damped":
                continue
            table = pd.read_json(io.StringIO(got["table"]), orient="split")
            golden = pd.read_csv(GOLDEN / f"scenarios_{indicator}.csv")
            pd.testing.assert_frame_equal(table.reset_index(drop=True)[list(golden.columns)], golden,
                                          check_exact=False, rtol=1e-9, atol=1e-12, check_dtype=False,
                                          obj=f"{name}: scenarios_{indicator}")


def test_kernel_detection_reads_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu sse2 pni avx avx2 fma\n", encoding="utf-8")
    flags = blas_kernels.cpu_flags(info)
    assert blas_kernels.runnable_kernels(flags) == ["Prescott", "Sandybridge", "Haswell"]
    assert blas_kernels.skipped_kernels(flags) == ["SkylakeX (no avx512f in /proc/cpuinfo)"]
    assert blas_kernels.cpu_flags(tmp_path / "missing") == set()


def test_a_kernel_set_by_the_environment_is_never_overridden(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    assert blas_kernels.pinned() == "Haswell" and blas_kernels.two_kernels() is None
    with pytest.raises(RuntimeError, match="never overridden"):
        blas_kernels.env_for("SkylakeX")
    assert blas_kernels.env_for(None, OPENBLAS_NUM_THREADS="1")["OPENBLAS_CORETYPE"] == "Haswell"
