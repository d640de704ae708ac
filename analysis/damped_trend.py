"""The damped additive-trend model on log values: its estimate, the same on every CPU, and its projection.

:func:`analysis.growth.fit_damped_trend` decides *whether* the damped trend is used (enough
consecutive years, an estimate this module accepts) and wraps the result in a ``TrendFit``; this
module is the model itself:

- **estimation** — :func:`damped_phi_profile` (profile likelihood over the fixed
  :data:`PHI_GRID`), :func:`maximise_damped_likelihood` (a compass search from the profile's best
  point, within :data:`DAMPED_BOUNDS`) and :func:`damped_acceptance` (the project's criterion for
  using the estimate). Elementwise float arithmetic only, no BLAS: the same series gives the same
  bits on every CPU.
- **projection** — :func:`smooth` and :func:`project`: statsmodels' ``ETSModel`` with the estimated
  parameters fixed gives the states, the point forecast and ``n_sims`` simulated paths.

Values are logarithms of the series' values (of its own unit, e.g. 亿元); the smoothing and damping
parameters are fractions; the trend is a log growth per year. Pure: no printing, no files, and the
simulation's randomness comes from an explicit seed.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from analysis.words import Message

__all__ = [
    "DAMPED_BOUNDS",
    "DAMPED_LLF_TOLERANCE",
    "PHI_GRID",
    "SMOOTHING_ERRORS",
    "DampedEstimate",
    "DampedProjection",
    "PhiProfile",
    "damped_acceptance",
    "damped_phi_profile",
    "maximise_damped_likelihood",
    "project",
    "smooth",
]

# statsmodels is imported where the model is smoothed or simulated (about 2 s a process): a
# notebook that only needs cagr/required_growth/plan_path must not pay it. ETSModel (state-space
# ETS) rather than holtwinters.ExponentialSmoothing: with the parameters estimated here
# (``ETSModel.smooth``), its ``simulate(..., rng=...)`` draws future paths from the same error
# model, which gives simulated prediction intervals reproducible from a numpy Generator. Its own
# optimiser (``fit``) is not used: see "estimation" below. (Checked against statsmodels 0.15.)
# ``damped_trend.ETSModel`` is that class, imported on first use (a test substitutes it).


def __getattr__(name: str):
    if name == "ETSModel":
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        return ETSModel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------------------------
# estimation: a property of the data, not of the machine
# ---------------------------------------------------------------------------------------------
# Why not ``ETSModel.fit()``: its L-BFGS-B run goes through OpenBLAS, whose kernel is chosen at
# run time from the CPU (SkylakeX, Haswell, …). On a smooth series the optimum sits on the
# parameter bounds and the parameters agree to 6 decimals on every kernel, yet
# ``mle_retvals["converged"]`` flips with the kernel, and interior optima differ in the last
# digits wherever a line search decides differently. So the estimate below is computed with
# elementwise float arithmetic only (no BLAS, no reductions whose order depends on the CPU):
# the same inputs give the same bits everywhere. statsmodels is still used, with the estimated
# parameters fixed (``ETSModel.smooth``), for the states, the forecast and the simulation.

#: Bounds of the damped additive-trend ETS parameters (Hyndman's usual region, as statsmodels
#: uses them): ``alpha`` (level smoothing), ``beta* = beta / alpha`` (trend smoothing relative
#: to alpha, so ``0 < beta < alpha``) and ``phi`` (damping). A solution on a bound is a valid
#: bounded optimum.
DAMPED_BOUNDS: dict[str, tuple[float, float]] = {
    "smoothing_level": (1e-4, 1 - 1e-4),
    "smoothing_trend_relative": (1e-4, 1 - 1e-4),
    "damping_trend": (0.80, 0.98),
}
#: Fixed grid of the damping parameter for the profile likelihood: 0.80, 0.81, …, 0.98.
PHI_GRID: tuple[float, ...] = tuple(round(0.80 + 0.01 * k, 2) for k in range(19))
#: Acceptance criterion of a damped-trend estimate: its log-likelihood may fall below the best
#: point of the phi profile by at most this much (log-likelihood units; for scale, one extra
#: parameter costs 1 in AIC/2). Below that the estimate is not a maximum: fall back.
DAMPED_LLF_TOLERANCE: float = 1e-3

_BOUNDS_LO = np.array([b[0] for b in DAMPED_BOUNDS.values()])
_BOUNDS_HI = np.array([b[1] for b in DAMPED_BOUNDS.values()])


def _damped_sse(y: Sequence[float], alpha: np.ndarray, beta: np.ndarray, phi: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum of squared one-step errors of the damped additive-trend model, initial states concentrated out.

    The model (additive errors, on log values): ``e_t = y_t - l_{t-1} - phi b_{t-1}``,
    ``l_t = l_{t-1} + phi b_{t-1} + alpha e_t``, ``b_t = phi b_{t-1} + beta e_t``. The errors
    are affine in the initial states ``(l_0, b_0)``, so for given ``(alpha, beta, phi)`` the
    best initial states solve a 2×2 least-squares problem in closed form, and the Gaussian
    log-likelihood with the variance concentrated out is ``-n/2 (log(2π SSE/n) + 1)``.

    Vectorised over parameter arrays of one shape; elementwise arithmetic in a fixed order
    only, so the result does not depend on the BLAS kernel or the thread count.

    Returns ``(sse, initial_level, initial_trend)``, arrays of the parameters' shape.
    """
    alpha, beta, phi = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (alpha, beta, phi)))
    zero, one = np.zeros(alpha.shape), np.ones(alpha.shape)
    # three runs of the filter: the data from zero states, and unit initial level / trend alone
    runs = [[zero, zero], [one, zero], [zero, one]]
    errors: list[list[np.ndarray]] = [[], [], []]
    for t, y_t in enumerate(y):
        for k, (lev, tr) in enumerate(runs):
            pred = lev + phi * tr
            e = (y_t - pred) if k == 0 else -pred
            runs[k] = [pred + alpha * e, phi * tr + beta * e]
            errors[k].append(e)
    ea, eu, ev = errors
    suu = svv = suv = sau = sav = zero
    for a, u, v in zip(ea, eu, ev):
        suu, svv, suv = suu + u * u, svv + v * v, suv + u * v
        sau, sav = sau + a * u, sav + a * v
    det = suu * svv - suv * suv
    with np.errstate(divide="ignore", invalid="ignore"):
        l0 = -(sau * svv - sav * suv) / det
        b0 = -(suu * sav - suv * sau) / det
    sse = zero
    for a, u, v in zip(ea, eu, ev):
        r = a + l0 * u + b0 * v
        sse = sse + r * r
    return sse, l0, b0


def _concentrated_llf(sse: float, n: int) -> float:
    """Gaussian log-likelihood with the error variance concentrated out (statsmodels' ETS llf)."""
    return -0.5 * n * (math.log(2.0 * math.pi * sse / n) + 1.0)


@dataclass(frozen=True)
class DampedEstimate:
    """An estimate of the damped additive-trend model on log values.

    ``params`` holds statsmodels' names (``smoothing_level``, ``smoothing_trend``,
    ``damping_trend``, ``initial_level``, ``initial_trend``); ``llf`` its concentrated
    log-likelihood; ``converged`` and ``message`` what the optimiser said about itself, which is
    recorded but never decides anything (see :func:`damped_acceptance`).
    """

    params: dict
    llf: float
    converged: bool = True
    message: str = ""


@dataclass(frozen=True)
class PhiProfile:
    """Profile log-likelihood over :data:`PHI_GRID`: for each phi, alpha and beta estimated given phi."""

    phi: tuple
    llf: tuple
    best: DampedEstimate


def _estimate(y, alpha, beta_rel, phi) -> DampedEstimate:
    sse, l0, b0 = _damped_sse(y, alpha, alpha * beta_rel, phi)
    return DampedEstimate(
        params={"smoothing_level": float(alpha), "smoothing_trend": float(alpha * beta_rel),
                "damping_trend": float(phi), "initial_level": float(l0), "initial_trend": float(b0)},
        llf=_concentrated_llf(float(sse), len(y)))


def _argmin(values: np.ndarray) -> int:
    """First index of the smallest value (NaN never wins): a fixed tie-break."""
    v = np.where(np.isfinite(values), values, np.inf)
    return int(np.argmin(v))


def damped_phi_profile(log_values: Sequence[float]) -> PhiProfile:
    """Profile log-likelihood of the damped trend over the fixed :data:`PHI_GRID`.

    For each phi: alpha and beta* on a 21 × 21 grid over their bounds, then five rounds of a
    5 × 5 grid around the best point with the step divided by 4 (final step about 5e-5). The
    initial states are concentrated out exactly (:func:`_damped_sse`).
    """
    y = [float(v) for v in log_values]
    (a_lo, r_lo, _), (a_hi, r_hi, _) = _BOUNDS_LO, _BOUNDS_HI
    phi = np.asarray(PHI_GRID)[:, None]
    grid = np.linspace(0.0, 1.0, 21)
    a = np.clip(a_lo + grid * (a_hi - a_lo), a_lo, a_hi)
    r = np.clip(r_lo + grid * (r_hi - r_lo), r_lo, r_hi)
    aa, rr = (m.ravel()[None, :] for m in np.meshgrid(a, r, indexing="ij"))
    sse = _damped_sse(y, aa, aa * rr, phi)[0]
    best = np.array([_argmin(row) for row in sse])
    centre_a, centre_r = aa[0, best], rr[0, best]
    step_a, step_r = (a_hi - a_lo) / 20, (r_hi - r_lo) / 20
    offsets = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    for _ in range(5):
        step_a, step_r = step_a / 4, step_r / 4
        ca = np.clip(centre_a[:, None, None] + offsets[None, :, None] * step_a, a_lo, a_hi)
        cr = np.clip(centre_r[:, None, None] + offsets[None, None, :] * step_r, r_lo, r_hi)
        ca, cr = (np.broadcast_to(m, (len(PHI_GRID), 5, 5)).reshape(len(PHI_GRID), 25) for m in (ca, cr))
        sse = _damped_sse(y, ca, ca * cr, phi)[0]
        best = np.array([_argmin(row) for row in sse])
        rows = np.arange(len(PHI_GRID))
        centre_a, centre_r = ca[rows, best], cr[rows, best]
    sse, _, _ = _damped_sse(y, centre_a, centre_a * centre_r, phi[:, 0])
    llf = tuple(_concentrated_llf(float(s), len(y)) if math.isfinite(s) and s > 0 else -math.inf
                for s in sse)
    k = int(np.argmax(np.asarray(llf)))
    return PhiProfile(phi=PHI_GRID, llf=llf,
                      best=_estimate(y, centre_a[k], centre_r[k], PHI_GRID[k]))


def maximise_damped_likelihood(log_values: Sequence[float], start: DampedEstimate,
                               max_iter: int = 2000) -> DampedEstimate:
    """Maximum-likelihood estimate of (alpha, beta*, phi) within :data:`DAMPED_BOUNDS`.

    A compass (pattern) search from ``start``: try every combination of ±step in the three
    parameters (clipped to the bounds), move to the best if it lowers the SSE, otherwise halve
    the steps; stop when every step is below 1e-8. Deterministic arithmetic, so the same data
    give the same estimate on every CPU. ``converged`` is False if ``max_iter`` ran out first
    (recorded, not used to decide: see :func:`damped_acceptance`).
    """
    y = [float(v) for v in log_values]
    p = start.params
    x = np.array([p["smoothing_level"], p["smoothing_trend"] / p["smoothing_level"], p["damping_trend"]])
    x = np.clip(x, _BOUNDS_LO, _BOUNDS_HI)
    step = np.array([1e-2, 1e-2, 5e-3])
    moves = np.array([[i, j, k] for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)
                      if (i, j, k) != (0, 0, 0)], dtype=float)
    current = float(_damped_sse(y, x[0], x[0] * x[1], x[2])[0])
    converged = False
    for _ in range(max_iter):
        if (step < 1e-8).all():
            converged = True
            break
        cand = np.clip(x[None, :] + moves * step[None, :], _BOUNDS_LO, _BOUNDS_HI)
        sse = _damped_sse(y, cand[:, 0], cand[:, 0] * cand[:, 1], cand[:, 2])[0]
        k = _argmin(sse)
        if sse[k] < current * (1.0 - 1e-14):
            x, current = cand[k], float(sse[k])
        else:
            step = step / 2.0
    est = _estimate(y, x[0], x[1], x[2])
    return replace(est, converged=converged,
                   message="step below 1e-8" if converged else f"stopped after {max_iter} iterations")


def damped_acceptance(estimate: DampedEstimate, profile: PhiProfile) -> Message | None:
    """The project's criterion for using a damped-trend estimate; None = accept, else why not.

    Accepted when its parameters are finite and within :data:`DAMPED_BOUNDS` (on a bound is
    fine: a bounded optimum) and its log-likelihood is no more than
    :data:`DAMPED_LLF_TOLERANCE` below the best point of the phi profile. What the optimiser
    says about its own convergence is not consulted: that flag depends on the machine.
    """
    p = estimate.params
    if not all(math.isfinite(v) for v in p.values()) or not math.isfinite(estimate.llf):
        return Message("reason.damped_nonfinite")
    alpha, phi = p["smoothing_level"], p["damping_trend"]
    rel = p["smoothing_trend"] / alpha if alpha > 0 else math.nan
    for name, value in (("smoothing_level", alpha), ("smoothing_trend_relative", rel), ("damping_trend", phi)):
        lo, hi = DAMPED_BOUNDS[name]
        if not lo - 1e-12 <= value <= hi + 1e-12:
            return Message("reason.damped_out_of_bounds", name=name, value=f"{value:.6g}", low=lo, high=hi)
    gap = profile.best.llf - estimate.llf
    if gap > DAMPED_LLF_TOLERANCE:
        return Message("reason.damped_not_maximum", llf=f"{estimate.llf:.4f}", gap=f"{gap:.4f}", best=f"{profile.best.llf:.4f}",
                       tolerance=DAMPED_LLF_TOLERANCE)
    return None



# ---------------------------------------------------------------------------------------------
# projection: statsmodels with the estimated parameters fixed
# ---------------------------------------------------------------------------------------------
#: What statsmodels may raise while smoothing: the fit falls back to the log-linear trend, saying why.
SMOOTHING_ERRORS = (ValueError, ArithmeticError, np.linalg.LinAlgError, RuntimeError)


def smooth(log_values: Sequence[float], estimate: DampedEstimate):
    """statsmodels' ETS results for ``log_values`` with ``estimate``'s parameters fixed (no optimiser).

    Raises what statsmodels raises (:data:`SMOOTHING_ERRORS` are the expected ones). Every
    warning is recorded and re-issued, so nothing is swallowed.
    """
    model_class = globals().get("ETSModel") or __getattr__("ETSModel")
    caught: list = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = model_class(log_values, error="add", trend="add", damped_trend=True)
            return model.smooth([estimate.params[n] for n in model.param_names])
    finally:
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


@dataclass(frozen=True, eq=False)
class DampedProjection:
    """What the damped trend projects, on the log scale.

    ``params``: the estimate's parameters plus ``last_level``/``last_trend`` (the log states in
    the last fitted year) and ``mse``; ``forecast``: point forecasts of the log value, steps
    1..horizon; ``paths``: simulated log values, shape (horizon, n_sims); ``fitted``: one-step-ahead
    fitted log values for the fitted years.
    """

    params: dict
    forecast: np.ndarray
    paths: np.ndarray
    fitted: np.ndarray

    @property
    def growth_rate(self) -> float:
        """Growth of the first projected year, ``exp(phi * b_T) - 1`` (fraction per year)."""
        return float(np.expm1(self.params["damping_trend"] * self.params["last_trend"]))


def project(results, estimate: DampedEstimate, horizon_years: int, n_sims: int, seed: int) -> DampedProjection:
    """Forecast and ``n_sims`` simulated paths ``horizon_years`` ahead from :func:`smooth`'s ``results``.

    A fresh ``numpy.random.Generator`` from ``seed`` drives the simulation: the same seed gives the
    same paths, whatever the global random state.
    """
    forecast = np.asarray(results.forecast(horizon_years), dtype=float)
    paths = np.asarray(results.simulate(horizon_years, anchor="end", repetitions=n_sims,
                                        rng=np.random.default_rng(seed)), dtype=float)
    states = np.asarray(results.states, dtype=float)
    params = dict(estimate.params)
    params.update(last_level=float(states[-1, 0]), last_trend=float(states[-1, 1]), mse=float(results.mse))
    return DampedProjection(params=params, forecast=forecast, paths=paths.reshape(horizon_years, n_sims),
                            fitted=np.asarray(results.fittedvalues, dtype=float))
