"""Empirical quantile intervals of joinpoint models: residuals resampled, joinpoints refitted.

Behind ``stats.joinpoint(..., interval="empirical")``, the method NCI's Joinpoint
5 uses by default (Kim et al. 2017; Kim et al. 2022). For each series, its chosen
model with k joinpoints gives fitted values η̂ and standardised residuals
rᵢ = √wᵢ·(zᵢ − η̂ᵢ) on the model's scale (the log rate of the log-linear model, with
its weights; for the Poisson and binomial models the working response and weights
of the converged fit, so that rᵢ is the Pearson residual). Each resample draws n
residuals with replacement, z* = η̂ + r*/√w, and fits the model with k joinpoints
again by grid search, the joinpoints free to move: the spread of the refitted
slopes and joinpoints includes the uncertainty of where the joinpoints are, which
the parametric intervals (joinpoints held fixed) leave out.

The residuals are rescaled by √(n / (n − 2k − 2)) and centred before they are
drawn, so that the resampled errors have the variance the model estimates (its
σ² or φ counts the joinpoints as parameters): fitted residuals are smaller than
the errors, and resampling them as they are makes intervals too narrow on short
series (Davison and Hinkley 1997, section 6.2.3).

Every series draws from its own random stream (``seed`` and the series' position),
so its intervals do not depend on the other series of the call.

References
----------
Kim HJ, Luo J, Chen HS, et al. (2017). Improved confidence interval for average
annual percent change in trend analysis. Statistics in Medicine 36:3059–3074.
Kim HJ, Chen HS, Byrne J, Wheeler B, Feuer EJ (2022). Twenty years since Joinpoint
1.0: two major enhancements, their justification, and impact. Statistics in
Medicine 41:3102–3130. Davison AC, Hinkley DV (1997). Bootstrap Methods and their
Application. Cambridge University Press. Efron B, Tibshirani RJ (1993). An
Introduction to the Bootstrap. Chapman & Hall.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import mch_indicators.stats._joinpoint_grid as grid
from mch_indicators._errors import InvalidInputError
from mch_indicators.stats._types import FloatArray, IntArray

__all__ = [
    "Resampled",
    "SeriesModel",
    "apc_interval",
    "joinpoint_interval",
    "none",
    "order_interval",
    "order_rank",
    "resample",
    "segment_slopes",
]


@dataclass(frozen=True, slots=True)
class Resampled:
    """The refitted models of every resample of every series.

    ``coefficients`` (series, resamples, K + 2): b₀, b₁, δ₁ … (0 beyond a series'
    own k); ``joinpoint_year`` (series, resamples, K): the refitted joinpoints (NaN
    beyond k). Series without a model are NaN throughout.
    """

    coefficients: FloatArray
    joinpoint_year: FloatArray


def none(series: int, widest: int) -> Resampled:
    """No resamples (parametric intervals): arrays with a resample axis of length 0."""
    return Resampled(np.zeros((series, 0, widest + 2)), np.zeros((series, 0, widest)))


@dataclass(frozen=True, slots=True)
class SeriesModel:
    """One series' chosen model on the model's scale, over the years it uses."""

    z: FloatArray  # response (log rate, or working response), all years
    w: FloatArray  # weights, 0 on years not used
    eta: FloatArray  # fitted linear predictor, all years
    k: int


def resample(
    t: FloatArray, models: list[SeriesModel | None], widest: int, *, min_end: int,
    min_between: int, resamples: int, seed: int,
) -> Resampled:  # fmt: skip
    """Refit every series' model to ``resamples`` data sets of resampled residuals.

    ``models`` holds each series' chosen model (None where it has none); ``t`` the
    sorted year axis; ``widest`` the largest number of joinpoints of the call.
    """
    series = len(models)
    coefficients = np.full((series, resamples, widest + 2), np.nan)
    years = np.full((series, resamples, widest), np.nan)
    centre = float(t.mean())
    grids: dict[int, tuple[IntArray, FloatArray]] = {}
    for s, model in enumerate(models):
        if model is None:
            continue
        k = model.k
        if k not in grids:
            sets = grid.candidate_sets(t.size, k, min_end, min_between)
            grids[k] = (sets, grid.designs(t, centre, sets))
        sets, x = grids[k]
        ok = grid.feasible((model.w > 0)[None, :], sets, min_end, min_between)[0]
        data = _resampled_data(model, resamples, np.random.default_rng([seed, s, 1]))
        found = grid.grid_wls_shared(data, model.w, x, ok, coefficients=True)
        fitted = found.best >= 0
        coefficients[s, fitted, : k + 2] = found.coefficients[fitted]
        coefficients[s, fitted, k + 2 :] = 0.0
        years[s, fitted, :k] = t[sets[found.best[fitted]]]
    return Resampled(coefficients, years)


def _resampled_data(model: SeriesModel, resamples: int, rng: np.random.Generator) -> FloatArray:
    """``resamples`` data sets z* = η̂ + r*/√w, r* drawn from the rescaled residuals."""
    used = model.w > 0
    n = int(used.sum())
    root = np.sqrt(model.w[used])
    residual = root * (model.z[used] - model.eta[used])
    residual = residual * np.sqrt(n / (n - (2 * model.k + 2)))
    residual = residual - residual.mean()
    drawn = residual[rng.integers(0, n, size=(resamples, n))]
    out = np.zeros((resamples, model.w.size))
    out[:, used] = model.eta[used] + drawn / root
    return out


def segment_slopes(coefficients: FloatArray) -> FloatArray:
    """Each segment's slope b₁ + δ₁ + … + δᵢ: (..., K + 1) from (..., K + 2)."""
    return np.asarray(np.cumsum(coefficients[..., 1:], axis=-1))


def order_rank(resamples: int, confidence: float) -> int:
    """The rank j of the interval's ends: the j-th smallest and j-th largest of R values.

    j = ⌈(R + 1)(1 − confidence)/2⌉ − 1 (Davison and Hinkley 1997, section 5.2.2,
    with the Monte Carlo test's +1 of section 4.2.5), so that the interval excludes
    0 exactly when the p-value of :func:`apc_interval` is below 1 − confidence.
    Raises InvalidInputError when R is too small for that level (j < 1).
    """
    rank = math.ceil((resamples + 1) * (1.0 - confidence) / 2.0 - 1e-9) - 1
    if rank < 1:
        least = math.floor(2.0 / (1.0 - confidence) + 1e-9)
        raise InvalidInputError(
            f"{resamples} resamples cannot give a {confidence:g} interval: "
            f"at least {least} are needed (resamples= of stats.joinpoint)"
        )
    return rank


def order_interval(
    values: FloatArray, confidence: float, axis: int = -1
) -> tuple[FloatArray, FloatArray]:
    """The j-th smallest and j-th largest of ``values`` along ``axis`` (:func:`order_rank`).

    NaN where a slice holds NaN (a series without a model).
    """
    count = values.shape[axis]
    rank = order_rank(count, confidence)
    ordered = np.sort(values, axis=axis)
    missing = np.isnan(values).any(axis=axis)
    lower = np.take(ordered, rank - 1, axis=axis)
    upper = np.take(ordered, count - rank, axis=axis)
    return np.where(missing, np.nan, lower), np.where(missing, np.nan, upper)


def apc_interval(
    resampled: Resampled, joinpoints: IntArray, confidence: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Empirical quantile interval of each segment's slope, and its resampling p-value.

    The interval's ends are the j-th smallest and j-th largest refitted slopes
    (:func:`order_rank`: about the (1 − confidence)/2 and (1 + confidence)/2
    quantiles); the two-sided p-value of no change is
    2·(1 + min(#{slope* ≤ 0}, #{slope* ≥ 0})) / (R + 1), capped at 1, so that the
    interval excludes 0 exactly when the p-value is below 1 − confidence. Returns
    (lower, upper, p-value) on the slope scale, each (series, K + 1), NaN beyond a
    series' own segments.
    """
    slopes = segment_slopes(resampled.coefficients)  # (series, R, K + 1)
    count = slopes.shape[1]
    present = np.arange(slopes.shape[2])[None, :] <= joinpoints[:, None]
    lower, upper = order_interval(slopes, confidence, axis=1)
    below = (slopes <= 0).sum(axis=1)
    above = (slopes >= 0).sum(axis=1)
    p = np.minimum(1.0, 2.0 * (np.minimum(below, above) + 1.0) / (count + 1.0))
    finite = present & np.isfinite(lower)
    return (
        np.where(finite, lower, np.nan),
        np.where(finite, upper, np.nan),
        np.where(finite, p, np.nan),
    )


def joinpoint_interval(resampled: Resampled, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Empirical quantile interval of each joinpoint, in observed years: (series, K) twice.

    The j-th earliest and j-th latest of the refitted joinpoints (:func:`order_rank`),
    years of the grid.
    """
    return order_interval(resampled.joinpoint_year, confidence, axis=1)
