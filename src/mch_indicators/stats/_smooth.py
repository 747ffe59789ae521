"""Empirical Bayes smoothing of small-area rates and proportions, fitted by maximum likelihood.

A county with 800 births and 0–2 deaths a year ranks first or last by chance. The
two-stage models of Clayton & Kaldor (1987) borrow strength from the other areas:

* ``model="poisson-gamma"`` (rates, ratios, SMRs): yᵢ ~ Poisson(nᵢ θᵢ), the area
  rates θᵢ ~ Gamma with mean μ and variance φ μ² (shape 1/φ), so that yᵢ is
  negative binomial with mean nᵢ μ and variance nᵢ μ (1 + φ nᵢ μ); nᵢ is the
  denominator (births: θ is a rate) or the expected count (θ is a relative risk);
* ``model="beta-binomial"`` (proportions): yᵢ ~ Binomial(nᵢ, pᵢ), pᵢ ~ Beta with mean
  π and a + b = 1/φ, so that yᵢ is beta-binomial with variance
  nᵢ π (1 − π)(1 + (nᵢ − 1) φ / (1 + φ)).

μ (π) and φ are estimated by maximum likelihood. φ is the between-area dispersion: the
squared coefficient of variation of the true rates (Poisson–gamma), or 1/(a + b)
(beta-binomial); φ = 0 is the plain Poisson or binomial model with every area at the
same rate. Each area's posterior is then Gamma(1/φ + yᵢ, 1/(φ μ) + nᵢ) or
Beta(π/φ + yᵢ, (1 − π)/φ + nᵢ − yᵢ): its mean is the smoothed rate, a weighted average
of the area's crude rate (weight φ nᵢ μ / (1 + φ nᵢ μ), or φ nᵢ / (1 + φ nᵢ)) and the
overall rate; its quantiles give the interval and its tail the probability that the
area's true rate exceeds a benchmark (as SpatialEpi's ``eBayes`` and
``EBpostthresh``). These intervals treat μ and φ as known (the usual empirical Bayes
intervals): they do not carry the uncertainty of the estimates of μ and φ.

The likelihoods are written as sums of log(c + jφ) over j < y (Williams's form),
smooth down to φ = 0; each sum is taken in closed form (log-gamma and digamma
differences, with Stirling's series or a power series in φ where the closed form
would cancel), so a fit costs O(areas) per step whatever the counts. The profile
likelihood in φ is searched on a grid of 49 values from 10⁻¹⁰ to 10² and the root of
its derivative refined by Brent's method to machine precision.

Whether the model fits is checked per group of areas:

* the likelihood-ratio test of φ = 0 (no variation between areas beyond chance)
  with the boundary-corrected p-value ½ P(χ²₁ ≥ LR) (Self & Liang 1987);
* when the data vary no more than the Poisson (binomial) model allows, the
  maximum-likelihood φ is 0, on the boundary: every area is shrunk all the way to
  the overall rate and the posterior intervals have no width. That is what the
  model says, not a smoothed estimate worth mapping: ``boundary`` is True and
  ``reason`` says so.

References: Clayton D, Kaldor J (1987). Empirical Bayes estimates of age-standardized
relative risks for use in disease mapping. Biometrics 43:671–681. Williams DA (1975).
The analysis of binary responses from toxicological experiments involving
reproduction and teratogenicity. Biometrics 31:949–952. Self SG, Liang KY (1987).
Asymptotic properties of maximum likelihood estimators and likelihood ratio tests
under nonstandard conditions. JASA 82:605–610. Kim AY, Wakefield J et al.,
SpatialEpi (R package): ``eBayes``, ``EBpostthresh``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._validate import (
    check_level,
    check_multiplier,
    check_range,
    coerce_counts,
    coerce_values,
    describe_positions,
    labelled,
    refuse_impossible_counts,
)
from mch_indicators.stats._types import BoolArray, FloatArray, ReadOnlyResult

__all__ = ["MODELS", "Smoothed", "smooth"]


MODELS = ("poisson-gamma", "beta-binomial")
#: Fewest areas with counts for a fit.
MIN_AREAS = 3
_GRID = 10.0 ** np.linspace(-10.0, 2.0, 49)
_INNER_STEPS = 60


@dataclass(frozen=True, slots=True, eq=False)
class Smoothed(ReadOnlyResult):
    """Empirical Bayes estimates of areas' rates (:func:`smooth`).

    Per-area arrays have the shape of the counts; per-group arrays (one fit per
    leading index) have that shape without its last axis (0-d for one group).

    Attributes
    ----------
    model : {"poisson-gamma", "beta-binomial"}
    crude : numpy.ndarray
        yᵢ / nᵢ × multiplier.
    value, lower, upper : numpy.ndarray
        The posterior mean (the smoothed rate) and the equal-tailed posterior
        interval at ``confidence`` (× multiplier).
    median : numpy.ndarray
        The posterior median (× multiplier).
    exceedance : numpy.ndarray
        P(the area's true rate > ``benchmark`` | its counts).
    weight : numpy.ndarray
        The weight of the area's crude rate in its smoothed rate (0: shrunk all the
        way to the overall rate; near 1: its own counts decide).
    mean : numpy.ndarray, per group
        μ̂ (π̂), the overall rate the areas are shrunk towards (× multiplier).
    dispersion : numpy.ndarray, per group
        φ̂: the squared coefficient of variation of the true rates
        (Poisson–gamma) or 1/(a + b) (beta-binomial); 0 on the boundary.
    between_sd : numpy.ndarray, per group
        The standard deviation of the true rates across areas that the fitted
        prior implies (× multiplier).
    benchmark : numpy.ndarray, per group
        What ``exceedance`` compares with (× multiplier).
    loglik, loglik_null : numpy.ndarray, per group
        The maximised log-likelihood, and that of φ = 0 (the Poisson or binomial
        model with one rate for all areas), constants included.
    lr_statistic, p_value : numpy.ndarray, per group
        The likelihood-ratio test of φ = 0 and its boundary-corrected p-value.
    boundary : numpy.ndarray of bool, per group
        True where φ̂ = 0: no variation between areas beyond chance.
    areas : numpy.ndarray of int, per group
        Areas with counts used in the fit.
    reason : numpy.ndarray of str, per group
        Why a group could not be smoothed, or why its fit is on the boundary ("" otherwise).
    confidence, multiplier : float
    """

    model: str
    crude: FloatArray
    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    median: FloatArray
    exceedance: FloatArray
    weight: FloatArray
    mean: FloatArray
    dispersion: FloatArray
    between_sd: FloatArray
    benchmark: FloatArray
    loglik: FloatArray
    loglik_null: FloatArray
    lr_statistic: FloatArray
    p_value: FloatArray
    boundary: BoolArray
    areas: npt.NDArray[np.int64]
    reason: npt.NDArray[np.str_]
    confidence: float
    multiplier: float


# -- sums of log(c + jφ) over j < k ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Sums:
    """Σ over areas of Σ_{j<kᵢ} log(c + jφ), and its derivatives."""

    value: float
    by_c: float  # Σ Σ 1/(c + jφ)
    by_phi: float  # Σ Σ j/(c + jφ)
    curvature: float  # Σ Σ 1/(c + jφ)², the minus second derivative in c


#: Below this k φ / c the sums are taken as power series in φ / c (exact to rounding).
_SERIES_BELOW = 1e-4
#: From this c / φ on, log-gamma and digamma differences use Stirling's series.
_STIRLING_FROM = 40.0


def _series_sums(k: FloatArray, c: float, r: float) -> _Sums:
    """The sums for k r < 10⁻⁴ (r = φ / c), from the power sums S_p = Σ_{j<k} jᵖ."""
    s1 = k * (k - 1.0) / 2.0
    s2 = (k - 1.0) * k * (2.0 * k - 1.0) / 6.0
    s3 = s1 * s1
    s4 = s2 * (3.0 * k * k - 3.0 * k - 1.0) / 5.0
    value = k * np.log(c) + r * s1 - r**2 * s2 / 2.0 + r**3 * s3 / 3.0 - r**4 * s4 / 4.0
    by_c = (k - r * s1 + r**2 * s2 - r**3 * s3 + r**4 * s4) / c
    by_phi = (s1 - r * s2 + r**2 * s3 - r**3 * s4) / c
    curvature = (k - 2.0 * r * s1 + 3.0 * r**2 * s2 - 4.0 * r**3 * s3) / (c * c)
    return _Sums(float(value.sum()), float(by_c.sum()), float(by_phi.sum()),
                 float(curvature.sum()))  # fmt: skip


def _stirling(x: FloatArray) -> FloatArray:
    """The remainder log Γ(x) − ((x − ½) log x − x + ½ log 2π), for x ≥ 40."""
    inverse = 1.0 / x
    square = inverse * inverse
    return inverse * (1 / 12 - square * (1 / 360 - square * (1 / 1260 - square * (
        1 / 1680 - square / 1188))))  # fmt: skip


def _digamma_tail(x: FloatArray) -> FloatArray:
    """ψ(x) − log x, for x ≥ 40."""
    inverse = 1.0 / x
    square = inverse * inverse
    return -inverse / 2.0 - square * (1 / 12 - square * (1 / 120 - square * (
        1 / 252 - square / 240)))  # fmt: skip


def _gamma_sums(k: FloatArray, c: float, phi: float) -> _Sums:
    """The sums through log Γ and ψ of a = c / φ: Stirling's series from a = 40 on."""
    from scipy import special

    a = c / phi
    if a >= _STIRLING_FROM:
        value = k * np.log(c + k * phi) + (a - 0.5) * np.log1p(k / a) - k + (
            _stirling(a + k) - _stirling(np.asarray(a)))  # fmt: skip
        digamma = np.log1p(k / a) + _digamma_tail(a + k) - _digamma_tail(np.asarray(a))
    else:
        value = k * np.log(phi) + special.gammaln(a + k) - special.gammaln(a)
        digamma = special.digamma(a + k) - special.digamma(a)
    by_c = digamma / phi
    trigamma = special.polygamma(1, a) - special.polygamma(1, a + k)
    return _Sums(float(value.sum()), float(by_c.sum()), float(((k - c * by_c) / phi).sum()),
                 float((trigamma / (phi * phi)).sum()))  # fmt: skip


def _rising(k: FloatArray, c: float, phi: float) -> _Sums:
    """Σᵢ Σ_{j<kᵢ} log(c + jφ) and its derivatives, accurate from φ = 0 up.

    log(c + jφ) summed over j < k is k log φ + log Γ(c/φ + k) − log Γ(c/φ), which
    cancels badly when c/φ is large; there the power series in φ/c (small k φ / c)
    or Stirling's series for the differences (c/φ ≥ 40) keep full precision, so a
    fit costs O(areas) whatever the counts.
    """
    if phi == 0.0:
        s1 = k * (k - 1.0) / 2.0
        return _Sums(float((k * np.log(c)).sum()), float(k.sum() / c), float(s1.sum() / c),
                     float(k.sum() / (c * c)))  # fmt: skip
    small = k * phi / c < _SERIES_BELOW
    parts = [_series_sums(k[small], c, phi / c)] if small.any() else []
    if not small.all():
        parts.append(_gamma_sums(k[~small], c, phi))
    return _Sums(*(sum(getattr(part, name) for part in parts)
                   for name in ("value", "by_c", "by_phi", "curvature")))  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Series:
    """One group's usable areas: counts, denominators, non-events, the constant term."""

    y: FloatArray
    n: FloatArray
    others: FloatArray  # n − y (beta-binomial)
    constant: float  # −Σ log y! (Poisson–gamma) or Σ log C(n, y) (beta-binomial)


def _series(y: FloatArray, n: FloatArray, model: str) -> _Series:
    from scipy.special import gammaln

    if model == "poisson-gamma":
        return _Series(y, n, n - y, float(-gammaln(y + 1).sum()))
    constant = float((gammaln(n + 1) - gammaln(y + 1) - gammaln(n - y + 1)).sum())
    return _Series(y, n, n - y, constant)


# -- the Poisson–gamma likelihood -------------------------------------------------------------

_Q_TERMS = np.array([(-1.0) ** k * (k + 1) / (k + 2) for k in range(18)])


def _log1p_over(x: FloatArray) -> FloatArray:
    """log(1 + x) / x, 1 at x = 0."""
    safe = np.where(x == 0.0, 1.0, x)
    out: FloatArray = np.where(x == 0.0, 1.0, np.log1p(x) / safe)
    return out


def _q(x: FloatArray) -> FloatArray:
    """(log(1 + x) − x / (1 + x)) / x², ½ at x = 0 (a series below x = 0.05)."""
    small = np.abs(x) < 0.05
    safe = np.where(small, 1.0, x)
    direct = (np.log1p(safe) - safe / (1.0 + safe)) / (safe * safe)
    series = np.polynomial.polynomial.polyval(np.where(small, x, 0.0), _Q_TERMS)
    out: FloatArray = np.where(small, series, direct)
    return out


def _pg_mean_fit(s: _Series, phi: float, u: float) -> float:
    """The log of μ̂ at fixed φ: Newton on the concave log-likelihood in u = log μ."""
    for _ in range(_INNER_STEPS):
        m = s.n * np.exp(u)
        score = float(((s.y - m) / (1.0 + phi * m)).sum())
        curvature = float((m * (1.0 + phi * s.y) / (1.0 + phi * m) ** 2).sum())
        step = float(np.clip(score / curvature, -2.0, 2.0))
        u += step
        if abs(step) < 1e-14 * max(1.0, abs(u)):
            break
    return u


def _pg_loglik(s: _Series, phi: float, u: float) -> float:
    m = s.n * np.exp(u)
    x = phi * m
    core = s.y * np.log(np.where(m > 0, m, 1.0)) - s.y * np.log1p(x) - m * _log1p_over(x)
    return _rising(s.y, 1.0, phi).value + float(core.sum()) + s.constant


def _pg_slope(s: _Series, phi: float, u: float) -> float:
    """∂ℓ/∂φ at (log μ = u, φ): the profile's derivative when u = log μ̂(φ)."""
    m = s.n * np.exp(u)
    x = phi * m
    return _rising(s.y, 1.0, phi).by_phi + float((m * m * _q(x) - s.y * m / (1.0 + x)).sum())


# -- the beta-binomial likelihood ------------------------------------------------------------


def _bb_loglik(s: _Series, phi: float, p: float) -> float:
    return (
        _rising(s.y, p, phi).value
        + _rising(s.others, 1.0 - p, phi).value
        - _rising(s.n, 1.0, phi).value
        + s.constant
    )


def _bb_mean_fit(s: _Series, phi: float, p: float) -> float:
    """π̂ at fixed φ: the log-likelihood is concave in π; safeguarded Newton on (0, 1)."""
    low, high = 0.0, 1.0
    for _ in range(_INNER_STEPS):
        events, others = _rising(s.y, p, phi), _rising(s.others, 1.0 - p, phi)
        score = events.by_c - others.by_c
        low, high = (p, high) if score > 0 else (low, p)
        proposal = p + score / (events.curvature + others.curvature)
        if not low < proposal < high:
            proposal = 0.5 * (low + high)
        done = abs(proposal - p) <= 1e-13 * min(proposal, 1.0 - proposal)
        p = proposal
        if done:
            break
    return p


def _bb_slope(s: _Series, phi: float, p: float) -> float:
    return (
        _rising(s.y, p, phi).by_phi
        + _rising(s.others, 1.0 - p, phi).by_phi
        - _rising(s.n, 1.0, phi).by_phi
    )


# -- the fit of one group ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Fit:
    centre: float  # μ̂ (per unit of denominator) or π̂
    phi: float
    loglik: float
    loglik_null: float
    boundary: bool


class _Model:
    """The mean fit, log-likelihood and profile slope of one model, on its own scale."""

    def __init__(self, s: _Series, model: str) -> None:
        self.s = s
        self.poisson = model == "poisson-gamma"
        self.start = float(s.y.sum() / s.n.sum())

    def fit_mean(self, phi: float, centre: float) -> float:
        if self.poisson:
            return float(np.exp(_pg_mean_fit(self.s, phi, float(np.log(centre)))))
        return _bb_mean_fit(self.s, phi, centre)

    def loglik(self, phi: float, centre: float) -> float:
        if self.poisson:
            return _pg_loglik(self.s, phi, float(np.log(centre)))
        return _bb_loglik(self.s, phi, centre)

    def slope(self, phi: float, centre: float) -> float:
        if self.poisson:
            return _pg_slope(self.s, phi, float(np.log(centre)))
        return _bb_slope(self.s, phi, centre)


def _fit_group(model: _Model) -> _Fit:
    """Maximise the profile likelihood in φ ≥ 0 (grid, then Brent on its slope)."""
    null = model.loglik(0.0, model.start)
    centres = []
    values = []
    centre = model.start
    for phi in _GRID:
        centre = model.fit_mean(float(phi), centre)
        centres.append(centre)
        values.append(model.loglik(float(phi), centre))
    best = int(np.argmax(values))
    if values[best] <= null or (model.slope(0.0, model.start) <= 0 and best == 0):
        return _Fit(model.start, 0.0, null, null, True)
    from scipy.optimize import brentq

    low = float(_GRID[best - 1]) if best > 0 else 0.0
    high = float(_GRID[min(best + 1, _GRID.size - 1)])
    state = {"centre": centres[best]}

    def slope(log_phi: float) -> float:
        phi = float(np.exp(log_phi))
        state["centre"] = model.fit_mean(phi, state["centre"])
        return model.slope(phi, state["centre"])

    lowest = np.log(low) if low > 0 else np.log(_GRID[0]) - 30.0
    if slope(lowest) <= 0 or slope(np.log(high)) >= 0:  # no sign change: the grid's best
        phi = float(_GRID[best])
    else:
        phi = float(np.exp(brentq(slope, lowest, np.log(high), xtol=1e-15, rtol=1e-15)))
    centre = model.fit_mean(phi, state["centre"])
    loglik = model.loglik(phi, centre)
    if loglik <= null:
        return _Fit(model.start, 0.0, null, null, True)
    return _Fit(centre, phi, loglik, null, False)


# -- posteriors --------------------------------------------------------------------------------


def _posterior(
    model: str, y: FloatArray, n: FloatArray, fit: _Fit, level: float, benchmark: float
) -> dict[str, FloatArray]:
    """Per-area posterior mean, limits, median, exceedance and weight (per unit)."""
    from scipy import special

    centre, phi = fit.centre, fit.phi
    tails = np.array([0.5 - level / 2.0, 0.5, 0.5 + level / 2.0])
    if phi == 0.0:
        same = np.full(y.shape, centre)
        above = np.full(y.shape, 1.0 if centre > benchmark else 0.0)
        return {"value": same, "lower": same, "median": same, "upper": same,
                "exceedance": above, "weight": np.zeros(y.shape)}  # fmt: skip
    if model == "poisson-gamma":
        shape = 1.0 / phi + y
        rate = 1.0 / (phi * centre) + n
        quantiles = special.gammaincinv(shape[None, :], tails[:, None]) / rate
        exceedance = special.gammaincc(shape, benchmark * rate)
        weight = phi * n * centre / (1.0 + phi * n * centre)
        value = centre * (1.0 + phi * y) / (1.0 + phi * n * centre)
    else:
        a = centre / phi + y
        b = (1.0 - centre) / phi + n - y
        quantiles = special.betaincinv(a[None, :], b[None, :], tails[:, None])
        exceedance = special.betainc(b, a, 1.0 - benchmark) if benchmark < 1 else 0.0 * a
        weight = phi * n / (1.0 + phi * n)
        value = (centre + phi * y) / (1.0 + phi * n)
    return {"value": value, "lower": quantiles[0], "median": quantiles[1],
            "upper": quantiles[2], "exceedance": np.asarray(exceedance, dtype=np.float64),
            "weight": weight}  # fmt: skip


def _between_sd(model: str, centre: float, phi: float) -> float:
    if model == "poisson-gamma":
        return centre * float(np.sqrt(phi))
    return float(np.sqrt(centre * (1.0 - centre) * phi / (1.0 + phi)))


# -- inputs ------------------------------------------------------------------------------------


def _whole(values: FloatArray, name: str) -> None:
    with np.errstate(invalid="ignore"):
        broken = np.isfinite(values) & (values != np.round(values))
    if broken.any():
        raise InvalidInputError(
            f"{name}: the likelihood is for whole counts; got {describe_positions(broken, values)}"
        )


def _check_inputs(counts: FloatArray, base: FloatArray, model: str) -> None:
    check_range(counts, "counts")
    check_range(base, "expected_or_denominator", denominator=True)
    _whole(counts, "counts")
    proportion = model == "beta-binomial"
    if proportion:
        _whole(base, "expected_or_denominator")
    refuse_impossible_counts(counts, base, "counts", proportion=proportion)


def _options(model: str, confidence: float) -> float:
    if model not in MODELS:
        raise InvalidInputError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    return check_level(confidence)


_PER_AREA = ("value", "lower", "upper", "median", "exceedance", "weight")
_PER_GROUP = ("mean", "dispersion", "between_sd", "benchmark", "loglik", "loglik_null",
              "lr_statistic", "p_value")  # fmt: skip


def _empty_group(out: dict[str, Any], g: int, reason: str, used: int) -> None:
    out["reason"][g] = reason
    out["areas"][g] = used


def _group(
    out: dict[str, Any], g: int, y: FloatArray, n: FloatArray, model: str, level: float,
    benchmark: float | None, scale: float,
) -> None:  # fmt: skip
    """Fit group g (a row of the flattened counts) and fill its places in ``out``."""
    from scipy.stats import chi2

    use = np.isfinite(y) & np.isfinite(n) & (n > 0)
    used = int(use.sum())
    if used < MIN_AREAS:
        _empty_group(out, g, f"fewer than {MIN_AREAS} areas with counts", used)
        return
    yu, nu = y[use], n[use]
    if yu.sum() == 0 or (model == "beta-binomial" and yu.sum() == nu.sum()):
        what = "no events" if yu.sum() == 0 else "every trial an event"
        _empty_group(out, g, f"{what} in any area: nothing to smooth", used)
        return
    fit = _fit_group(_Model(_series(yu, nu, model), model))
    bench = fit.centre if benchmark is None else benchmark / scale
    post = _posterior(model, yu, nu, fit, level, bench)
    for name in _PER_AREA:
        out[name][g, use] = post[name] * (scale if name in ("value", "lower", "upper", "median")
                                          else 1.0)  # fmt: skip
    lr = max(2.0 * (fit.loglik - fit.loglik_null), 0.0)
    out["mean"][g], out["dispersion"][g] = fit.centre * scale, fit.phi
    out["between_sd"][g] = _between_sd(model, fit.centre, fit.phi) * scale
    out["benchmark"][g], out["loglik"][g], out["loglik_null"][g] = bench * scale, fit.loglik, \
        fit.loglik_null  # fmt: skip
    out["lr_statistic"][g] = lr
    out["p_value"][g] = 1.0 if lr == 0.0 else 0.5 * float(chi2.sf(lr, 1))
    out["boundary"][g], out["areas"][g] = fit.boundary, used
    if fit.boundary:
        out["reason"][g] = (
            "no variation between areas beyond chance: the maximum-likelihood "
            "between-area variance is 0 (on the boundary), every area is shrunk to the "
            "overall rate and the intervals have no width"
        )


@labelled("counts", "expected_or_denominator")
def smooth(
    counts: npt.ArrayLike,
    expected_or_denominator: npt.ArrayLike,
    *,
    model: str = "poisson-gamma",
    confidence: float = 0.95,
    benchmark: float | None = None,
    multiplier: float = 1.0,
) -> Smoothed:
    """Empirical Bayes smoothed rates of small areas, with posterior intervals.

    Parameters
    ----------
    counts : array_like, shape (..., areas)
        Events per area (whole numbers); one fit per leading index (a year's
        counties...). A missing count (NaN) leaves the area out (NaN out).
    expected_or_denominator : array_like, broadcastable to ``counts``
        Poisson–gamma: the denominator (births: rates) or the expected events
        (relative risks, as SpatialEpi's ``E``); beta-binomial: the number of
        trials (whole numbers).
    model : {"poisson-gamma", "beta-binomial"}, default "poisson-gamma"
    confidence : float, default 0.95
        Of the posterior intervals (equal-tailed).
    benchmark : float, optional
        In the output's scale (× multiplier): ``exceedance`` is the posterior
        probability of a true rate above it. Default: the fitted overall rate
        (the probability that an area is truly above the average).
    multiplier : float, default 1
        Scale of the rates (1,000 for an IMR in ‰).

    Returns
    -------
    Smoothed

    Raises
    ------
    InvalidInputError
        Negative, infinite, non-whole or non-numeric counts, events over a
        denominator of 0, a proportion's numerator above its denominator, shapes
        that do not match, bad options. A group with fewer than 3 areas or no events gets NaN and a
        ``reason``.

    Examples
    --------
    Infant deaths and live births of eight counties; the smoothed rates (‰) pull the
    smallest counties towards the prefecture's rate:

    >>> from mch_indicators import stats
    >>> deaths = [2, 14, 30, 5, 9, 41, 0, 12]
    >>> births = [800, 3100, 9800, 1200, 4100, 9000, 600, 2500]
    >>> s = stats.smooth(deaths, births, multiplier=1000)
    >>> s.crude.round(2).tolist()
    [2.5, 4.52, 3.06, 4.17, 2.2, 4.56, 0.0, 4.8]
    >>> s.value.round(2).tolist()
    [3.56, 3.76, 3.41, 3.65, 3.33, 3.95, 3.49, 3.77]
    >>> round(float(s.dispersion), 4), round(float(s.p_value), 3), bool(s.boundary)
    (0.0171, 0.297, False)
    """
    level = _options(model, confidence)
    scale = check_multiplier(multiplier)
    y = coerce_counts(counts, "counts")
    n = coerce_counts(expected_or_denominator, "expected_or_denominator")
    if y.ndim == 0:
        raise InvalidInputError("counts: give the areas (the last axis), not one number")
    try:
        y, n = (np.array(a, dtype=np.float64) for a in np.broadcast_arrays(y, n))
    except ValueError:
        raise InvalidInputError(
            f"counts {np.shape(counts)} and expected_or_denominator "
            f"{np.shape(expected_or_denominator)} do not match: one value per area"
        ) from None
    _check_inputs(y, n, model)
    if benchmark is not None:
        benchmark = float(coerce_values(benchmark, "benchmark"))
    shape, areas = y.shape[:-1], y.shape[-1]
    groups = math.prod(shape)  # not -1: numpy cannot infer it when there are no areas
    ys, ns = y.reshape(groups, areas), n.reshape(groups, areas)
    out: dict[str, Any] = {name: np.full((groups, areas), np.nan) for name in _PER_AREA}
    out |= {name: np.full(groups, np.nan) for name in _PER_GROUP}
    out |= {"boundary": np.zeros(groups, dtype=bool), "areas": np.zeros(groups, np.int64),
            "reason": np.full(groups, "", dtype=object)}  # fmt: skip
    for g in range(groups):
        _group(out, g, ys[g], ns[g], model, level, benchmark, scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        crude = np.where(n > 0, y / np.where(n > 0, n, 1.0), np.nan) * scale

    def back(name: str) -> Any:
        return out[name].reshape(y.shape if name in _PER_AREA else shape)

    fields = {name: back(name) for name in (*_PER_AREA, *_PER_GROUP, "boundary", "areas")}
    return Smoothed(
        model=model,
        crude=crude,
        **fields,
        reason=back("reason").astype(np.str_),
        confidence=level,
        multiplier=scale,
    )
