"""Run the growth fits and the scenario tables once and print them as JSON (for tests/test_platform.py).

Started in a subprocess under one OpenBLAS kernel (``OPENBLAS_CORETYPE``) or thread count; the
test compares the outputs of several such runs. Floats are printed with ``repr`` precision.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import growth, scenarios

GOLDEN = Path(__file__).resolve().parent / "golden"


def synthetic(years, rate, noise_sd, seed, dip=None):
    years = np.asarray(list(years))
    rng = np.random.default_rng(seed)
    values = 100.0 * (1 + rate) ** (years - years.min()) * np.exp(rng.normal(0.0, noise_sd, len(years)))
    if dip is not None:
        values = values * np.where(np.isin(years, growth.COVID_YEARS), dip, 1.0)
    return years, values


#: Series chosen to reach every branch: a smooth one (optimum on the bounds, where statsmodels'
#: convergence flag flips with the kernel), a noisy one (interior optimum), a damped-growth one,
#: one with a covid dip, and the irregular Changji tertiary series (falls back).
SERIES = {
    "smooth_15": synthetic(range(2009, 2024), 0.07, 0.01, 7),
    "noisy_12": synthetic(range(2012, 2024), 0.09, 0.05, 3),
    "fading_10": (np.arange(2014, 2024), 100.0 * np.exp(np.cumsum(0.12 * 0.8 ** np.arange(10)))),
    "dip_12": synthetic(range(2012, 2024), 0.07, 0.005, 11, dip=0.85),
    "tertiary": (np.array([2015, 2018, 2020, 2023]), np.array([358.05, 440.14, 563.51, 704.11])),
}


def fit_record(fit: growth.TrendFit) -> dict:
    return {"method": fit.method, "fallback_reason": fit.fallback_reason, "growth_rate": fit.growth_rate,
            "params": fit.params, "predict": fit.predict().to_dict(orient="list")}


def scenario_tables() -> dict:
    """Scenario tables rebuilt from the golden tables' own actuals and settings."""
    out = {}
    for path in sorted(GOLDEN.glob("scenario_summary_*.csv")):
        indicator = path.stem.removeprefix("scenario_summary_")
        s = pd.read_csv(path).iloc[0]
        table = pd.read_csv(GOLDEN / f"scenarios_{indicator}.csv")
        actual = table[table.scenario == "actual"][["year", "value"]]
        built, summary = scenarios.build_scenarios(
            actual, unit=s["unit"], target=None if pd.isna(s["target"]) else float(s["target"]),
            target_year=int(s["target_year"]), stated_rate=None if pd.isna(s["stated_rate"]) else float(s["stated_rate"]),
            base_year=int(s["base_year"]), covid=s["covid"], seed=int(s["seed"]))
        out[indicator] = {"table": built.to_json(orient="split", double_precision=15),
                          "summary": json.loads(pd.Series(summary).to_json(double_precision=15))}
    # a long series that takes the damped branch of the scenario table
    years, values = SERIES["noisy_12"]
    built, summary = scenarios.build_scenarios(
        pd.DataFrame({"year": years, "value": values}), unit="亿元", target=300.0, target_year=2025,
        stated_rate=0.08, base_year=2020, covid="none", seed=7)
    out["synthetic_damped"] = {"table": built.to_json(orient="split", double_precision=15),
                               "summary": json.loads(pd.Series(summary).to_json(double_precision=15))}
    return out


def main() -> None:
    result = {"fits": {}, "scenarios": scenario_tables()}
    for name, (years, values) in SERIES.items():
        result["fits"][f"{name}/damped"] = fit_record(growth.fit_damped_trend(years, values, seed=5, n_sims=500))
        result["fits"][f"{name}/loglinear"] = fit_record(growth.fit_loglinear_trend(years, values))
    json.dump(result, sys.stdout, ensure_ascii=False, sort_keys=True)


if __name__ == "__main__":
    main()
