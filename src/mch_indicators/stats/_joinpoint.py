"""Joinpoint regression: trends that change direction at estimated years, as NCI's Joinpoint.

For each series (an area's counts and denominators over the years) the model is a
continuous line of segments on the model's scale, joined at k joinpoints:

* ``model="poisson"`` (rates, ratios): log E[x] = log n + η(t), maximum likelihood;
* ``model="binomial"`` (proportions): logit E[x/n] = η(t), maximum likelihood;
* ``model="log-linear"`` (NCI Joinpoint's ln(y) = xb): ln(x/n) = η(t) + ε by weighted
  least squares, with constant variance or weights from the Poisson (1/x) or
  binomial ((1 − p)/x) variance of the log rate;

where η(t) = b₀ + b₁(t − t̄) + Σ δⱼ (t − τⱼ)₊. The joinpoints τ are on observed
years (Lerman's grid search, NCI's default grid), with at least ``min_end``
observed years between a joinpoint and either end and ``min_segment`` between two
joinpoints, joinpoints not counted (NCI's defaults: 2 and 2).

The number of joinpoints is chosen by

* ``"wbic"`` (NCI Joinpoint 5's default): the weighted BIC of Kim et al. (2023),
  ln(Q/n) + ((2 + R²max)·k + 2)·ln(n)/n, R²max the largest partial R² of a
  joinpoint's hinge within its two segments;
* ``"bic"`` and ``"bic3"``: the same with penalties (2k + 2) and (3k + 2);
* ``"permutation"``: the sequential permutation tests of Kim et al. (2000), from
  H₀: k = MIN against H₁: k = MAX, each at level α / (MAX − k₀) (NCI's procedure
  since version 3.0), p-values from permuted residuals of the null fit.

Q is the (weighted) sum of squared errors, or the deviance for the Poisson and
binomial models. The annual percent change of a segment is (e^slope − 1) × 100 (of
the odds for proportions). The average annual percent change over a range (Clegg et
al. 2009) is exp(Σ wᵢ·slopeᵢ / Σ wᵢ) − 1 with wᵢ the years of segment i inside the
range. Their intervals are

* ``interval="parametric"``: t intervals on n − (2k + 2) degrees of freedom with the
  joinpoints held fixed (for the AAPC, Clegg et al.'s interval in Kim et al.
  (2017)'s t version); the joinpoints' intervals are Lerman's (1980): the grid
  years where the fit with that joinpoint moved is within an F(1, n − 2k − 2)
  bound of the best;
* ``interval="empirical"``: NCI Joinpoint 5's empirical quantile intervals (Kim et
  al. 2017, 2022): the chosen model's residuals resampled, the model with its k
  joinpoints refitted to each resample, the quantiles of the refitted APCs, AAPCs
  and joinpoints (:mod:`mch_indicators.stats._joinpoint_resample`).

References
----------
Kim HJ, Fay MP, Feuer EJ, Midthune DN (2000). Permutation tests for joinpoint
regression with applications to cancer rates. Statistics in Medicine 19:335–351.
Lerman PM (1980). Fitting segmented regression models by grid search. Applied
Statistics 29:77–84. Clegg LX, Hankey BF, Tiwari R, Feuer EJ, Edwards BK (2009).
Estimating average annual per cent change in trend analysis. Statistics in
Medicine 28:3670–3682. Kim HJ, Luo J, Chen HS, et al. (2017). Improved confidence
interval for average annual percent change in trend analysis. Statistics in
Medicine 36:3059–3074. Kim HJ, Chen HS, Byrne J, Wheeler B, Feuer EJ (2022). Twenty
years since Joinpoint 1.0: two major enhancements, their justification, and impact.
Statistics in Medicine 41:3102–3130. Kim HJ, Chen HS, Midthune D, et al. (2023). Data-driven
choice of a model selection method in joinpoint regression. Journal of Applied
Statistics 50:1992–2013. National Cancer Institute, Joinpoint Regression Program
(help pages: grid search, permutation test details, weighted BIC, version 5.0
default settings changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

import mch_indicators.stats._joinpoint_grid as grid
import mch_indicators.stats._joinpoint_resample as resampling
from mch_indicators._errors import InvalidInputError
from mch_indicators._validate import check_level, coerce_values, labelled
from mch_indicators.stats._trend import _series, _usable
from mch_indicators.stats._types import BoolArray, FloatArray, IntArray, ReadOnlyResult

__all__ = ["Joinpoint", "default_max_joinpoints", "joinpoint"]


MODELS = ("poisson", "binomial", "log-linear")
SELECTIONS = ("wbic", "bic", "bic3", "permutation")
VARIANCES = ("constant", "poisson", "binomial")
INTERVALS = ("parametric", "empirical")


def default_max_joinpoints(points: npt.ArrayLike) -> IntArray:
    """NCI Joinpoint's recommended largest number of joinpoints for ``points`` years.

    0 below 7 points, 1 up to 11, 2 up to 16, 3 up to 21, 4 up to 26, 5 from 27.

    Examples
    --------
    >>> default_max_joinpoints([6, 10, 17, 30]).tolist()
    [0, 1, 3, 5]
    """
    n = np.asarray(points)
    return np.asarray(
        np.select([n < 7, n < 12, n < 17, n < 22, n < 27], [0, 1, 2, 3, 4], 5), dtype=np.int64
    )


@dataclass(frozen=True, slots=True, eq=False)
class Joinpoint(ReadOnlyResult):
    """Joinpoint models, one per series (:func:`joinpoint`).

    Arrays have the shape of the series (the inputs without their year axis),
    then, where it says so, an axis of joinpoints (``K`` = the largest number
    allowed in any series) or of segments (``K + 1``), padded with NaN (or -1)
    beyond a series' own number.

    Attributes
    ----------
    years : numpy.ndarray
        The year axis, sorted.
    joinpoints : numpy.ndarray of int
        Number of joinpoints chosen (-1 where no model could be fitted).
    joinpoint_year, joinpoint_lower, joinpoint_upper : numpy.ndarray, (..., K)
        The joinpoints and their intervals (Lerman's, or with
        ``interval="empirical"`` the quantiles of the refitted joinpoints; years
        of the grid either way).
    segment_start, segment_end : numpy.ndarray, (..., K + 1)
        First and last year of each segment (a joinpoint ends one and starts the next).
    slope, slope_se : numpy.ndarray, (..., K + 1)
        Each segment's slope on the model's scale and its standard error.
    apc, apc_lower, apc_upper, apc_p_value : numpy.ndarray, (..., K + 1)
        Annual percent change of each segment, its interval and the two-sided
        p-value of no change (t test, or with ``interval="empirical"`` the share of
        resamples on the other side of 0); the interval excludes 0 exactly when
        the p-value is below 1 − ``confidence``.
    coefficients, covariance : numpy.ndarray
        b₀, b₁, δ₁ … δ_K of the chosen model (years centred on ``centre``) and
        their covariance (scaled by ``dispersion``), 0 beyond a series' own k.
    fitted : numpy.ndarray, (..., years)
        The model's rate (or proportion) at every year, × ``multiplier``.
    criterion : numpy.ndarray, (..., K + 1)
        The fit of the best model with 0, 1, … K joinpoints: weighted sum of
        squared errors (log-linear) or deviance (Poisson, binomial).
    information : numpy.ndarray, (..., K + 1)
        The information criterion of each number of joinpoints (NaN with
        ``selection="permutation"``).
    r2_max : numpy.ndarray, (..., K + 1)
        The weighted BIC's largest partial R² of each number of joinpoints.
    test_null, test_alternative : numpy.ndarray of int, (..., tests)
        The permutation tests run, in order (H₀: k = null, H₁: k = alternative);
        -1 beyond the last.
    test_p_value, test_level : numpy.ndarray, (..., tests)
        Their permutation p-values and the level each was tested at.
    dispersion : numpy.ndarray
        σ² (log-linear) or φ (Poisson, binomial; 1 with ``dispersion="none"``).
    df : numpy.ndarray of int
        Residual degrees of freedom, points − (2k + 2).
    points, max_joinpoints : numpy.ndarray of int
        Years used and the largest number of joinpoints allowed, per series.
    first, last : numpy.ndarray
        First and last year used per series.
    reason : numpy.ndarray of str
        Why a series has no model ("" when it has one).
    interval : {"parametric", "empirical"}
        How the intervals were made.
    resamples : int
        Resampled data sets per series (0 with parametric intervals).
    resample_coefficients : numpy.ndarray, (..., resamples, K + 2)
        The coefficients refitted to each resample (as ``coefficients``).
    resample_joinpoint_year : numpy.ndarray, (..., resamples, K)
        The joinpoints refitted to each resample.
    """

    model: str
    selection: str
    variance: str
    years: FloatArray
    centre: float
    joinpoints: IntArray
    joinpoint_year: FloatArray
    joinpoint_lower: FloatArray
    joinpoint_upper: FloatArray
    segment_start: FloatArray
    segment_end: FloatArray
    slope: FloatArray
    slope_se: FloatArray
    apc: FloatArray
    apc_lower: FloatArray
    apc_upper: FloatArray
    apc_p_value: FloatArray
    coefficients: FloatArray
    covariance: FloatArray
    fitted: FloatArray
    criterion: FloatArray
    information: FloatArray
    r2_max: FloatArray
    test_null: IntArray
    test_alternative: IntArray
    test_p_value: FloatArray
    test_level: FloatArray
    dispersion: FloatArray
    df: IntArray
    points: IntArray
    max_joinpoints: IntArray
    first: FloatArray
    last: FloatArray
    reason: npt.NDArray[np.str_]
    interval: str
    resamples: int
    resample_coefficients: FloatArray
    resample_joinpoint_year: FloatArray
    confidence: float
    alpha: float
    permutations: int
    multiplier: float
    scaled: bool

    def _quantile(self, confidence: float | None) -> FloatArray:
        level = self._level(confidence)
        return _quantile(self.df, level, self.scaled or self.model == "log-linear")

    def _design_at(self, at: FloatArray) -> FloatArray:
        """[1, t − t̄, (t − τ₁)₊, …] at years ``at`` (…, m) per series: (…, m, K + 2)."""
        return _design(at, self.joinpoint_year, self.centre)

    def _level(self, confidence: float | None) -> float:
        return self.confidence if confidence is None else check_level(confidence)

    def aapc(
        self,
        start: npt.ArrayLike | None = None,
        end: npt.ArrayLike | None = None,
        *,
        confidence: float | None = None,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Average annual percent change from ``start`` to ``end``, with its interval.

        exp(Σ wᵢ·slopeᵢ / Σ wᵢ) − 1, in percent, wᵢ the years of segment i inside
        the range (Clegg et al. 2009): on a joined line, the change of η from
        ``start`` to ``end`` per year. Its interval is the fit's kind: parametric
        (joinpoints held fixed, with the t quantile of the APCs), or with
        ``interval="empirical"`` the quantiles of the AAPCs of the refitted
        resamples, each with its own joinpoints. Defaults: each series' first
        and last year. Returns (aapc, lower, upper).

        Examples
        --------
        >>> from mch_indicators import stats
        >>> fit = stats.joinpoint([100, 90, 81, 73, 66, 66, 67, 67, 68, 69, 70],
        ...                       [10000] * 11, range(2013, 2024), max_joinpoints=1)
        >>> fit.joinpoint_year.tolist(), [round(float(a), 2) for a in fit.apc]
        ([2017.0], [-10.01, 1.0])
        >>> round(float(fit.aapc()[0]), 2)  # e^((4 ln 0.8999 + 6 ln 1.0100) / 10) − 1
        -3.56

        With empirical intervals, the interval of any range comes from the kept
        resamples, each with its own joinpoint:

        >>> noisy = stats.joinpoint([212, 198, 190, 171, 160, 150, 155, 149, 152, 160, 158,
        ...                          167, 171, 169, 180], 20000, range(2009, 2024),
        ...                         interval="empirical", resamples=999)
        >>> [round(float(v), 2) for v in noisy.aapc(2012, 2023)]
        [0.2, -0.12, 0.51]
        """
        a = self.first if start is None else coerce_values(start, "start")
        b = self.last if end is None else coerce_values(end, "end")
        a, b = np.broadcast_arrays(a, b)
        if np.any(b <= a):
            raise InvalidInputError("aapc: end must be after start")
        at = np.stack([a, b], axis=-1)
        x = self._design_at(np.broadcast_to(at, (*self.joinpoints.shape, 2)))
        gradient = (x[..., 1, :] - x[..., 0, :]) / (b - a)[..., None]
        slope = np.einsum("...p,...p->...", gradient, self.coefficients)
        if self.interval == "empirical":
            lower, upper = self._resampled_aapc(at, confidence)
        else:
            var = np.einsum("...p,...pq,...q->...", gradient, self.covariance, gradient)
            spread = self._quantile(confidence) * np.sqrt(np.maximum(var, 0.0))
            lower, upper = slope - spread, slope + spread
        return np.expm1(slope) * 100.0, np.expm1(lower) * 100.0, np.expm1(upper) * 100.0

    def _resampled_aapc(
        self, at: FloatArray, confidence: float | None
    ) -> tuple[FloatArray, FloatArray]:
        """Empirical interval of the resamples' mean slopes from ``at[..., 0]`` to ``at[..., 1]``.

        The same order statistics as the APCs' (:func:`._joinpoint_resample.order_rank`).
        """
        level = self._level(confidence)
        count = self.resample_coefficients.shape[-2]
        shape = (*self.joinpoints.shape, count, 2)
        x = _design(np.broadcast_to(at[..., None, :], shape), self.resample_joinpoint_year,
                    self.centre)  # fmt: skip
        step = x[..., 1, :] - x[..., 0, :]
        change = np.einsum("...p,...p->...", step, self.resample_coefficients)
        slopes = change / (at[..., 1] - at[..., 0])[..., None]
        return resampling.order_interval(slopes, level, axis=-1)

    def predict(self, years: npt.ArrayLike) -> FloatArray:
        """The fitted rate (× multiplier) of each series at ``years``: (..., len(years)).

        Examples
        --------
        >>> from mch_indicators import stats
        >>> fit = stats.joinpoint([100, 90, 81, 73, 66, 66, 67, 67, 68, 69, 70],
        ...                       [10000] * 11, range(2013, 2024), max_joinpoints=1,
        ...                       multiplier=1000)
        >>> [round(float(v), 2) for v in fit.predict([2013, 2017, 2023])]
        [10.0, 6.56, 6.96]
        """
        at = np.atleast_1d(coerce_values(years, "years"))
        x = self._design_at(np.broadcast_to(at, self.joinpoints.shape + at.shape))
        eta = np.einsum("...mp,...p->...m", x, self.coefficients)
        return _inverse(eta, self.model) * self.multiplier


def _design(at: FloatArray, joinpoint_year: FloatArray, centre: float) -> FloatArray:
    """[1, t − t̄, (t − τ₁)₊, …] at years ``at`` (…, m), joinpoints (…, K): (…, m, K + 2)."""
    tau = joinpoint_year[..., None, :]
    hinge = np.where(np.isnan(tau), 0.0, np.maximum(at[..., :, None] - tau, 0.0))
    ones = np.ones((*at.shape, 1))
    return np.concatenate([ones, (at - centre)[..., None], hinge], axis=-1)


def _inverse(eta: FloatArray, model: str) -> FloatArray:
    with np.errstate(over="ignore"):
        if model == "binomial":
            return np.asarray(1.0 / (1.0 + np.exp(-eta)))
        return np.asarray(np.exp(eta))


def _quantile(df: npt.NDArray[Any], level: float, use_t: bool) -> FloatArray:
    if use_t:
        from scipy.stats import t

        with np.errstate(invalid="ignore"):
            return np.asarray(t.ppf(0.5 + level / 2.0, np.where(df > 0, df, np.nan).astype(float)))
    from scipy.special import ndtri

    return np.full(np.shape(df), float(ndtri(0.5 + level / 2.0)))


# -- options ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Options:
    model: str
    family: str
    selection: str
    variance: str
    min_joinpoints: int
    max_joinpoints: int | None
    min_end: int
    min_between: int
    alpha: float
    permutations: int
    seed: int
    confidence: float
    scaled: bool
    multiplier: float
    interval: str
    resamples: int


def _whole(value: object, name: str, lowest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < lowest:
        raise InvalidInputError(f"{name} must be a whole number ≥ {lowest}, got {value!r}")
    return int(value)


def _choice(value: str, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise InvalidInputError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _options(**given: Any) -> _Options:
    model = _choice(given["model"], MODELS, "model")
    check_level(given["confidence"])
    alpha = given["alpha"]
    if isinstance(alpha, bool) or not isinstance(alpha, float | int) or not 0 < alpha < 1:
        raise InvalidInputError(f"alpha must be between 0 and 1, got {alpha!r}")
    if given["dispersion"] not in ("quasi", "none"):
        raise InvalidInputError(
            f"dispersion must be 'quasi' or 'none', got {given['dispersion']!r}"
        )
    most = given["max_joinpoints"]
    between = _whole(given["min_segment"], "min_segment", 0)
    end = between if given["min_end"] is None else _whole(given["min_end"], "min_end", 1)
    multiplier = given["multiplier"]
    if isinstance(multiplier, bool) or not isinstance(multiplier, float | int) or multiplier <= 0:
        raise InvalidInputError(f"multiplier must be a positive number, got {multiplier!r}")
    return _Options(
        model=model,
        family="binomial" if model == "binomial" else "poisson",
        selection=_choice(given["selection"], SELECTIONS, "selection"),
        variance=_choice(given["variance"], VARIANCES, "variance"),
        min_joinpoints=_whole(given["min_joinpoints"], "min_joinpoints", 0),
        max_joinpoints=None if most is None else _whole(most, "max_joinpoints", 0),
        min_end=max(end, 1),
        min_between=between,
        alpha=float(given["alpha"]),
        permutations=_whole(given["permutations"], "permutations", 19),
        seed=_whole(given["seed"], "seed", 0),
        confidence=float(given["confidence"]),
        scaled=given["dispersion"] == "quasi",
        multiplier=float(multiplier),
        interval=_choice(given["interval"], INTERVALS, "interval"),
        resamples=_resamples(given),
    )


def _resamples(given: dict[str, Any]) -> int:
    """At least 99 resamples, and with empirical intervals enough for their level."""
    count = _whole(given["resamples"], "resamples", 99)
    if given["interval"] == "empirical":
        resampling.order_rank(count, float(given["confidence"]))
    return count


# -- the data on the model's scale -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Data:
    """The series on a common, sorted year axis, with their response and weights."""

    x: FloatArray
    n: FloatArray
    t: FloatArray
    use: BoolArray
    z: FloatArray  # log-linear: ln rate; count models: unused
    w: FloatArray  # log-linear: weights; count models: unused
    points: IntArray
    reason: npt.NDArray[np.str_]


def _common_years(t: FloatArray) -> FloatArray:
    row = t[0]
    if not np.all((t == row) | (np.isnan(t) & np.isnan(row))):
        raise InvalidInputError(
            "years: every series must share one axis of years (give one row of years; "
            "leave a year a series lacks as NaN counts)"
        )
    if np.isnan(row).any():
        raise InvalidInputError("years: a year is missing (NaN)")
    out: FloatArray = row
    return out


def _data(
    counts: Any, denominators: Any, years: Any, options: _Options
) -> tuple[_Data, tuple[int, ...]]:
    x, n, t, shape = _series(counts, denominators, years, options.family)
    row = _common_years(t)
    order = np.argsort(row, kind="stable")
    x, n, t = x[:, order], n[:, order], t[:, order]
    use = _usable(x, n, t, None)
    reason = np.full(x.shape[0], "", dtype=object)
    z = np.zeros(x.shape)
    w = np.zeros(x.shape)
    if options.model == "log-linear":
        z, w, bad = _log_linear(x, n, use, options.variance)
        reason[bad] = (
            "a year with 0 events (or a proportion of 1): the log-linear model takes the log "
            "of each rate; use model='poisson' or 'binomial'"
        )
        use = use & ~bad[:, None]
    else:
        no_events: BoolArray = np.asarray(~(use & (x > 0)).any(axis=1))
        reason[no_events & (use.sum(axis=1) > 0)] = "no events in the years used"
        use = use & ~no_events[:, None]
    points = use.sum(axis=1).astype(np.int64)
    reason[(points < 3) & (reason == "")] = "fewer than 3 years with counts"
    return _Data(x, n, t[0], use, z, w, points, reason.astype(np.str_)), shape


def _log_linear(
    x: FloatArray, n: FloatArray, use: BoolArray, variance: str
) -> tuple[FloatArray, FloatArray, BoolArray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(use, x / np.where(use, n, 1.0), np.nan)
        z = np.where(use & (rate > 0), np.log(np.where(rate > 0, rate, 1.0)), 0.0)
        if variance == "constant":
            w = np.ones(x.shape)
            bad = (use & (x <= 0)).any(axis=1)
        elif variance == "poisson":
            w = x.copy()  # var(ln rate) ≈ 1 / x
            bad = (use & (x <= 0)).any(axis=1)
        else:
            w = x / (1.0 - rate)  # var(ln p) ≈ (1 − p) / x
            bad = (use & ((x <= 0) | (rate >= 1.0))).any(axis=1)
    w = np.where(use & np.isfinite(w), w, 0.0)
    return z, w, np.asarray(bad)


def _feasible_max(points: IntArray, min_end: int, min_between: int) -> IntArray:
    """The most joinpoints each series has room and degrees of freedom for."""
    k = np.zeros(points.shape, dtype=np.int64)
    for candidate in range(1, 30):
        room = points >= 2 * min_end + (candidate - 1) * min_between + candidate
        df = points - (2 * candidate + 2) >= 1
        k = np.where(room & df & (k == candidate - 1), candidate, k)
    return k


# -- fitting every number of joinpoints ------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Fit:
    """The best model of each series with k joinpoints."""

    k: int
    columns: IntArray  # (series, k) joinpoint columns, -1 where not fitted
    criterion: FloatArray  # (series,) SSE or deviance
    beta: FloatArray  # (series, k + 2)
    inverse: FloatArray  # (series, k + 2, k + 2)
    eta: FloatArray  # (series, years)
    z: FloatArray  # response the weights apply to (working response for count models)
    w: FloatArray
    pearson: FloatArray  # (series,) weighted SSE of z about eta
    lower: FloatArray  # (series, k) Lerman interval, in years
    upper: FloatArray
    r2_max: FloatArray  # (series,)


def _fit_k(data: _Data, options: _Options, k: int, allowed: BoolArray, start: FloatArray) -> _Fit:
    t, use = data.t, data.use
    centre = float(t.mean())
    sets = grid.candidate_sets(t.size, k, options.min_end, options.min_between)
    x = grid.designs(t, centre, sets)
    ok = grid.feasible(use, sets, options.min_end, options.min_between) & allowed[:, None]
    rows = np.flatnonzero(ok.any(axis=1))
    series = use.shape[0]
    table = np.full((series, sets.shape[0]), np.inf)
    if rows.size:
        if options.model == "log-linear":
            found = grid.grid_wls(data.z[rows], data.w[rows], x, ok[rows])
        else:
            found = grid.grid_glm(
                data.x[rows], data.n[rows], use[rows], start[rows], x, ok[rows], options.family
            )
        table[rows] = found.table
    best = np.argmin(table, axis=1) if sets.shape[0] else np.zeros(series, dtype=np.int64)
    criterion = table[np.arange(series), best] if sets.shape[0] else np.full(series, np.inf)
    fitted = np.isfinite(criterion)
    columns = np.where(fitted[:, None], sets[best] if sets.shape[0] else -1, -1)
    return _refit(data, options, k, columns, criterion, table, sets, start)


def _refit(
    data: _Data, options: _Options, k: int, columns: IntArray, criterion: FloatArray,
    table: FloatArray, sets: IntArray, start: FloatArray,
) -> _Fit:  # fmt: skip
    t, use = data.t, data.use
    centre = float(t.mean())
    fitted = np.isfinite(criterion)
    ks = np.full(use.shape[0], k, dtype=np.int64)
    x = grid.series_designs(t, centre, np.where(fitted[:, None], columns, -1), ks)
    if options.model == "log-linear":
        z, w = data.z, np.where(fitted[:, None], data.w, 0.0)
        beta, inverse, eta = grid.fit_wls(z, w, x, ks)
    else:
        beta, inverse, eta, w, z, _ = grid.fit_glm(
            data.x, data.n, use & fitted[:, None], start, x, ks, options.family
        )
    pearson = (w * (z - eta) ** 2).sum(axis=1)
    lower, upper = _lerman(table, sets, criterion, data, k, options.confidence)
    r2 = _r2_max(z, w, t, columns, k) if k else np.zeros(use.shape[0])
    nan = np.nan
    return _Fit(
        k, columns, np.where(fitted, criterion, nan), beta, inverse,
        np.where(fitted[:, None], eta, nan), z, w, np.where(fitted, pearson, nan),
        np.where(fitted[:, None], lower, nan), np.where(fitted[:, None], upper, nan),
        np.where(fitted, r2, nan),
    )  # fmt: skip


def _lerman(
    table: FloatArray, sets: IntArray, best: FloatArray, data: _Data, k: int, confidence: float
) -> tuple[FloatArray, FloatArray]:
    """Lerman's interval of each joinpoint: the grid years whose best fit is close enough.

    With the jth joinpoint held at year x (the others free), the smallest SSE
    (or deviance) Q(x) is compared with the best Q: x is inside when
    Q(x) ≤ Q·(1 + F⁻¹(1, n − p)(confidence) / (n − p)), p = 2k + 2.
    """
    series = table.shape[0]
    lower = np.full((series, k), np.nan)
    upper = np.full((series, k), np.nan)
    if k == 0 or sets.shape[0] == 0:
        return lower, upper
    from scipy.stats import f

    df = (data.points - (2 * k + 2)).astype(float)
    with np.errstate(invalid="ignore"):
        bound = best * (1.0 + f.ppf(confidence, 1.0, np.where(df > 0, df, np.nan)) / df)
    t = data.t
    for j in range(k):
        at = sets[:, j]
        order = np.argsort(at, kind="stable")
        cols, starts = np.unique(at[order], return_index=True)
        smallest = np.minimum.reduceat(table[:, order], starts, axis=1)  # (series, cols)
        inside = smallest <= bound[:, None] * (1.0 + 1e-12)
        years = np.broadcast_to(t[cols], inside.shape)
        lower[:, j] = np.where(inside, years, np.inf).min(axis=1)
        upper[:, j] = np.where(inside, years, -np.inf).max(axis=1)
    finite = np.isfinite(lower) & np.isfinite(upper)
    return np.where(finite, lower, np.nan), np.where(finite, upper, np.nan)


def _r2_max(z: FloatArray, w: FloatArray, t: FloatArray, columns: IntArray, k: int) -> FloatArray:
    """The weighted BIC's R²max: the largest partial R² of a joinpoint's hinge.

    For joinpoint i, the years after joinpoint i − 1 up to and including
    joinpoint i + 1 (the two segments it joins); the hinge (t − τᵢ)₊ and the
    response, each with the straight line on those years taken out (weights kept).
    """
    series, m = z.shape
    position = np.arange(m)[None, :]
    out = np.zeros(series)
    for i in range(k):
        left = columns[:, i - 1] if i > 0 else np.full(series, -1)
        right = columns[:, i + 1] if i + 1 < k else np.full(series, m - 1)
        inside = (position > left[:, None]) & (position <= right[:, None]) & (columns[:, [i]] >= 0)
        weight = np.where(inside, w, 0.0)
        hinge = np.maximum(t[None, :] - t[np.maximum(columns[:, i], 0)][:, None], 0.0)
        rz, rh = _line_removed(z, weight, t), _line_removed(hinge, weight, t)
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = (weight * rz * rh).sum(axis=1) ** 2 / (
                (weight * rz * rz).sum(axis=1) * (weight * rh * rh).sum(axis=1)
            )
        out = np.maximum(out, np.where(np.isfinite(r2), r2, 0.0))
    return out


def _line_removed(v: FloatArray, w: FloatArray, t: FloatArray) -> FloatArray:
    """Residuals of each row of ``v`` from its weighted straight line on ``t``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        total = w.sum(axis=1, keepdims=True)
        tm = (w * t).sum(axis=1, keepdims=True) / total
        vm = (w * v).sum(axis=1, keepdims=True) / total
        dt = t - tm
        slope = (w * dt * (v - vm)).sum(axis=1, keepdims=True) / (w * dt * dt).sum(
            axis=1, keepdims=True
        )
    return np.asarray(np.nan_to_num(v - vm - slope * dt))


# -- choosing the number of joinpoints -------------------------------------------------

_PENALTY = {"bic": (2.0, 2.0), "bic3": (3.0, 2.0)}


def _information(fits: list[_Fit], data: _Data, selection: str) -> FloatArray:
    """ln(Q/n) + penalty(k)·ln(n)/n for every k: (series, K + 1)."""
    n = data.points.astype(float)
    out = np.full((n.size, len(fits)), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        for fit in fits:
            k = fit.k
            if selection == "wbic":
                factor = 2.0 + fit.r2_max if k else np.full(n.size, 2.0)
                penalty = factor * k + 2.0
            else:
                per_k, constant = _PENALTY[selection]
                penalty = np.full(n.size, per_k * k + constant)
            q = np.maximum(fit.criterion, np.finfo(float).tiny)
            out[:, k] = np.log(q / n) + penalty * np.log(n) / n
    return out


def _by_information(info: FloatArray, low: int, high: IntArray) -> IntArray:
    if info.shape[1] == 0:
        return np.full(info.shape[0], -1, dtype=np.int64)
    ks = np.arange(info.shape[1])[None, :]
    allowed = (ks >= low) & (ks <= high[:, None]) & np.isfinite(info)
    masked = np.where(allowed, info, np.inf)
    chosen = np.argmin(masked, axis=1)
    return np.where(allowed.any(axis=1), chosen, -1).astype(np.int64)


def _permutation_statistic(
    sse_null: FloatArray, sse_alt: FloatArray, k_null: int, k_alt: int, n: int
) -> FloatArray:
    p_null, p_alt = 2 * k_null + 2, 2 * k_alt + 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(((sse_null - sse_alt) / (p_alt - p_null)) / (sse_alt / (n - p_alt)))


def _permutation_test(
    data: _Data, options: _Options, fits: list[_Fit], s: int, k_null: int, k_alt: int,
    rng: np.random.Generator,
) -> float:  # fmt: skip
    """The p-value of H₀: k_null joinpoints against H₁: k_alt for series ``s``.

    The null fit's standardised residuals √w·(z − η) are permuted over the years
    used and added back, /√w, to the null fit (Kim et al. 2000); both models are
    refitted by grid search to every permuted set with the null fit's weights (for
    the Poisson and binomial models: the working response and weights of the
    null fit, the linearisation IRLS converges to). The observed statistic is
    computed the same way, so that it is one of the permutation distribution's.
    """
    null = fits[k_null]
    use = data.use[s]
    w = np.where(use, null.w[s], 0.0)
    root = np.sqrt(w)
    eta = null.eta[s]
    residual = (root * (null.z[s] - eta))[use]
    n = int(use.sum())
    shuffled = rng.permuted(np.tile(residual, (options.permutations, 1)), axis=1)
    sets_z = np.zeros((options.permutations + 1, use.size))
    sets_z[0] = null.z[s]
    with np.errstate(divide="ignore", invalid="ignore"):
        sets_z[1:, use] = eta[use] + shuffled / root[use]
    centre = float(data.t.mean())
    sse = []
    for k in (k_null, k_alt):
        sets = grid.candidate_sets(use.size, k, options.min_end, options.min_between)
        ok = grid.feasible(use[None, :], sets, options.min_end, options.min_between)[0]
        x = grid.designs(data.t, centre, sets)
        sse.append(grid.grid_wls_shared(np.where(use, sets_z, 0.0), w, x, ok).sse)
    statistic = _permutation_statistic(sse[0], sse[1], k_null, k_alt, n)
    observed = statistic[0]
    if not np.isfinite(observed):
        return 0.0 if observed == np.inf else 1.0
    exceed = int((statistic[1:] >= observed * (1.0 - 1e-12)).sum())
    return (exceed + 1.0) / (options.permutations + 1.0)


def _by_permutation(
    data: _Data, options: _Options, fits: list[_Fit], high: IntArray
) -> tuple[IntArray, IntArray, IntArray, FloatArray, FloatArray]:
    series = high.size
    tests = max(int(high.max(initial=0)) - options.min_joinpoints, 0)
    nulls = np.full((series, tests), -1, dtype=np.int64)
    alts = np.full((series, tests), -1, dtype=np.int64)
    p_values = np.full((series, tests), np.nan)
    levels = np.full((series, tests), np.nan)
    chosen = np.full(series, -1, dtype=np.int64)
    for s in range(series):
        top = int(high[s])
        if top < options.min_joinpoints or not np.isfinite(
            fits[options.min_joinpoints].criterion[s]
        ):
            continue
        rng = np.random.default_rng([options.seed, s])
        low, step = options.min_joinpoints, 0
        while low < top:
            p = _permutation_test(data, options, fits, s, low, top, rng)
            level = options.alpha / (int(high[s]) - low)
            nulls[s, step], alts[s, step], p_values[s, step], levels[s, step] = low, top, p, level
            step += 1
            if p < level:
                low += 1
            else:
                top -= 1
        chosen[s] = low
    return chosen, nulls, alts, p_values, levels


# -- the function ----------------------------------------------------------------------


@labelled("counts", "denominators", "years")
def joinpoint(
    counts: npt.ArrayLike,
    denominators: npt.ArrayLike,
    years: npt.ArrayLike,
    *,
    max_joinpoints: int | None = None,
    min_joinpoints: int = 0,
    model: str = "poisson",
    selection: str = "wbic",
    variance: str = "constant",
    min_segment: int = 2,
    min_end: int | None = None,
    alpha: float = 0.05,
    permutations: int = 4499,
    seed: int = 0,
    confidence: float = 0.95,
    dispersion: str = "quasi",
    multiplier: float = 1.0,
    interval: str = "parametric",
    resamples: int = 1000,
) -> Joinpoint:
    """Fit joinpoint models to every series at once and choose their number of joinpoints.

    Parameters
    ----------
    counts, denominators : array_like, shape (..., years)
        Events and population (births, person-years) per year, one series per
        leading index (a province's 3,000 counties: shape (3000, years)). A
        missing count (NaN) leaves its year out of that series; 0 events is data
        for the Poisson and binomial models. For a rate you only have (an
        age-standardised rate), give the rates as ``counts``, 1 as
        ``denominators`` and ``model="log-linear"``.
    years : array_like, shape (years,)
        The year of each column, one axis shared by every series (any order).
    max_joinpoints : int, optional
        The most joinpoints considered. Default: NCI's recommendation for each
        series' number of years (:func:`default_max_joinpoints`); always capped
        by the room ``min_end`` and ``min_segment`` leave and by one residual
        degree of freedom.
    min_joinpoints : int, default 0
    model : {"poisson", "binomial", "log-linear"}, default "poisson"
        Poisson (rates, ratios) or logistic binomial (proportions) maximum
        likelihood on the counts, or NCI Joinpoint's log-linear model of the
        rates by weighted least squares.
    selection : {"wbic", "bic", "bic3", "permutation"}, default "wbic"
        How the number of joinpoints is chosen (NCI Joinpoint 5's default is
        the weighted BIC; its earlier default, the permutation test, refits
        ``permutations`` data sets per test and is meant for a few series).
    variance : {"constant", "poisson", "binomial"}, default "constant"
        Weights of the log-linear model: constant variance (NCI's default), or
        the inverse of the Poisson (1/x) or binomial ((1 − p)/x) variance of the
        log rate; needs the counts themselves. Ignored by the other models.
    min_segment : int, default 2
        Observed years between two joinpoints, joinpoints excluded (NCI: 2).
    min_end : int, optional
        Observed years between a joinpoint and either end, the joinpoint
        excluded (default: ``min_segment``; NCI: 2).
    alpha : float, default 0.05
        Overall level of the permutation tests.
    permutations : int, default 4499
        Permuted data sets per test (NCI's default).
    seed : int, default 0
        Seed of the permutations and resamples; each series draws from its own
        streams, so a series' p-values and intervals do not depend on the other
        series.
    confidence : float, default 0.95
        Of the APC, AAPC and joinpoint intervals.
    dispersion : {"quasi", "none"}, default "quasi"
        Poisson and binomial models: scale the variance by φ = Pearson χ² /
        (n − 2k − 2), with t quantiles, or keep φ = 1 with normal quantiles.
        The log-linear model always estimates its σ².
    multiplier : float, default 1
        Scale of ``fitted`` and :meth:`Joinpoint.predict` (100,000 for an MMR).
    interval : {"parametric", "empirical"}, default "parametric"
        How the APC, AAPC and joinpoint intervals are made: from the model's
        covariance with the joinpoints held fixed (t quantiles, Lerman's
        joinpoint intervals), or by NCI Joinpoint 5's empirical quantile method:
        the chosen model's residuals resampled and the model refitted to each
        resample with its joinpoints free to move, the intervals being
        quantiles of the refitted values (see Notes on the choice).
    resamples : int, default 1000
        Resampled data sets per series with ``interval="empirical"`` (at least
        99; NCI's published runs often use 4,999 or 10,000). Each refits every
        candidate set of joinpoints: the time grows with series × resamples ×
        candidate sets, and the result keeps series × resamples × (2K + 2)
        numbers (about 190 MB for 3,000 series, 1,000 resamples, K = 3).

    Returns
    -------
    Joinpoint

    Raises
    ------
    InvalidInputError
        Negative, infinite or non-numeric counts, events over a denominator of
        0, a proportion's numerator above its denominator, shapes that do not
        match, series with different year axes, a year given twice, bad options.

    Notes
    -----
    Parametric intervals are the default. Empirical intervals allow for not
    knowing where the joinpoints are, which parametric ones ignore, and cover
    better when a joinpoint is poorly determined (a gentle change in noisy
    data); but they rest on resampling the few residuals a yearly series has
    and on quantiles rather than t quantiles, so on short series and on
    straight lines, where nothing is refitted, they are too narrow (95 %
    intervals cover about 83 % of straight lines of 5 years, 90 % of 12 years),
    while the t interval is exact. MCH series are often short; for those and
    for thousands of counties at once (empirical intervals cost resamples ×
    candidate sets per series), parametric intervals are the sounder default.
    Choose ``interval="empirical"`` for series of 15 or more years with
    joinpoints, or to reproduce NCI Joinpoint 5's defaults.

    A series gets NaN (and ``joinpoints`` −1) with a ``reason`` when it has
    fewer than 3 usable years or no events, or, for the log-linear model, a
    year with 0 events. Joinpoints sit on observed years; a continuous location
    between years (Hudson's method) is not offered: with yearly data the grid
    already is NCI's default, and the permutation test and Lerman's intervals
    are defined on it.

    Examples
    --------
    Infant deaths in a city falling ~10 % a year to 2017, then flat:

    >>> from mch_indicators import stats
    >>> deaths = [100, 90, 81, 73, 66, 66, 67, 67, 68, 69, 70]
    >>> fit = stats.joinpoint(deaths, [10000] * 11, range(2013, 2024))
    >>> int(fit.joinpoints), fit.joinpoint_year[:1].tolist()
    (1, [2017.0])
    >>> [round(float(a), 1) for a in fit.apc[:2]]
    [-10.0, 1.0]

    Many series in one call, each with its own joinpoints:

    >>> import numpy as np
    >>> rates = np.array([deaths, deaths[::-1]])
    >>> fits = stats.joinpoint(rates, 10000, range(2013, 2024), max_joinpoints=1)
    >>> fits.joinpoint_year[:, 0].tolist()
    [2017.0, 2019.0]

    Empirical quantile intervals, the joinpoint free to move in each resample
    (a noisier series; ``seed`` makes them reproducible):

    >>> deaths = [212, 198, 190, 171, 160, 150, 155, 149, 152, 160, 158, 167, 171, 169, 180]
    >>> fit = stats.joinpoint(deaths, 20000, range(2009, 2024), interval="empirical",
    ...                       resamples=999, seed=0)
    >>> fit.joinpoint_year[:1].tolist(), fit.joinpoint_lower[:1].tolist()
    ([2014.0], [2013.0])
    >>> [round(float(v), 2) for v in (fit.apc[0], fit.apc_lower[0], fit.apc_upper[0])]
    [-7.14, -8.32, -6.06]
    >>> fit.resample_coefficients.shape  # b₀, b₁, δ₁ and 0 for δ₂, refitted 999 times
    (999, 4)
    """
    options = _options(
        max_joinpoints=max_joinpoints, min_joinpoints=min_joinpoints, model=model,
        selection=selection, variance=variance, min_segment=min_segment, min_end=min_end,
        alpha=alpha, permutations=permutations, seed=seed, confidence=confidence,
        dispersion=dispersion, multiplier=multiplier, interval=interval, resamples=resamples,
    )  # fmt: skip
    data, shape = _data(counts, denominators, years, options)
    high = _feasible_max(data.points, options.min_end, options.min_between)
    wanted = (
        default_max_joinpoints(data.points)
        if options.max_joinpoints is None
        else np.full(data.points.shape, options.max_joinpoints)
    )
    high = np.minimum(high, wanted)
    valid = data.reason == ""
    high = np.where(valid, high, -1)
    short = valid & (high < options.min_joinpoints)
    reason = np.where(
        short, f"too few years for {options.min_joinpoints} joinpoints", data.reason
    ).astype(np.str_)
    fits = _fits(data, options, high)
    return _result(data, options, fits, high, reason, shape)


def _fits(data: _Data, options: _Options, high: IntArray) -> list[_Fit]:
    """The best model with 0, 1, … K joinpoints of every series allowed that many."""
    start = _start(data, options.family)
    fits: list[_Fit] = []
    for k in range(int(high.max(initial=-1)) + 1):
        fit = _fit_k(data, options, k, high >= k, start)
        fits.append(fit)
        start = np.where(np.isfinite(fit.eta), fit.eta, start)
    return fits


def _start(data: _Data, family: str) -> FloatArray:
    """Each series' overall log rate (or logit), where the count models' iterations start."""
    x = np.where(data.use, data.x, 0.0).sum(axis=1)
    n = np.where(data.use, data.n, 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.clip(np.maximum(x, 0.5) / np.where(n > 0, n, 1.0), 1e-12, 1.0 - 1e-9)
    level = np.log(share) if family == "poisson" else np.log(share / (1.0 - share))
    return np.broadcast_to(level[:, None], data.x.shape).copy()


def _first(data: _Data) -> FloatArray:
    some = data.use.any(axis=1)
    return np.where(some, np.where(data.use, data.t, np.inf).min(axis=1, initial=np.inf), np.nan)


def _last(data: _Data) -> FloatArray:
    some = data.use.any(axis=1)
    return np.where(some, np.where(data.use, data.t, -np.inf).max(axis=1, initial=-np.inf), np.nan)


def _segment_matrix(widest: int) -> FloatArray:
    """Rows: slope of segment i = b₁ + δ₁ + … + δᵢ, as weights on (b₀, b₁, δ…)."""
    out = np.zeros((widest + 1, widest + 2))
    out[:, 1] = 1.0
    for i in range(widest + 1):
        out[i, 2 : 2 + i] = 1.0
    return out


#: The chosen model of every series, padded to K joinpoints: arrays keyed by the names
#: of the :class:`Joinpoint` fields they become (``joinpoint_year`` ... ``fitted``,
#: ``dispersion``, ``df``).
_Chosen = dict[str, npt.NDArray[Any]]


def _chosen(
    data: _Data, options: _Options, fits: list[_Fit], chosen: IntArray, widest: int
) -> _Chosen:
    series, m = data.use.shape
    year = np.full((series, widest), np.nan)
    lower, upper = np.full((series, widest), np.nan), np.full((series, widest), np.nan)
    beta = np.zeros((series, widest + 2))
    inverse = np.zeros((series, widest + 2, widest + 2))
    eta = np.full((series, m), np.nan)
    q = np.full(series, np.nan)
    for fit in fits:
        mine = chosen == fit.k
        if not mine.any():
            continue
        k = fit.k
        year[mine, :k] = data.t[np.maximum(fit.columns[mine], 0)]
        lower[mine, :k], upper[mine, :k] = fit.lower[mine], fit.upper[mine]
        beta[mine, : k + 2] = fit.beta[mine, : k + 2]
        inverse[mine, : k + 2, : k + 2] = fit.inverse[mine, : k + 2, : k + 2]
        eta[mine] = fit.eta[mine]
        q[mine] = fit.pearson[mine]
    df = np.where(chosen >= 0, data.points - (2 * chosen + 2), -1).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.where(df > 0, q / df, np.nan)
    if options.model != "log-linear" and not options.scaled:
        phi = np.where(chosen >= 0, 1.0, np.nan)
    covariance = phi[:, None, None] * inverse
    segments = _segment_matrix(widest)
    slope = beta @ segments.T
    var = np.einsum("ip,spq,iq->si", segments, covariance, segments)
    k_of = np.arange(widest + 1)[None, :]
    present = (k_of <= chosen[:, None]) & (chosen[:, None] >= 0)
    se = np.where(present, np.sqrt(np.maximum(var, 0.0)), np.nan)
    slope = np.where(present, slope, np.nan)
    use_t = options.scaled or options.model == "log-linear"
    quantile = _quantile(df, options.confidence, use_t)
    spread = quantile[:, None] * se
    edges = np.concatenate([_first(data)[:, None], year, _last(data)[:, None]], axis=1)
    start = np.where(present, edges[:, :-1], np.nan)
    ends = np.concatenate([year, np.full((series, 1), np.nan)], axis=1)
    end = np.where(k_of == chosen[:, None], _last(data)[:, None], ends)
    end = np.where(present, end, np.nan)
    fitted = _inverse(eta, options.model) * options.multiplier
    return {
        "joinpoint_year": year, "joinpoint_lower": lower, "joinpoint_upper": upper,
        "segment_start": start, "segment_end": end, "slope": slope, "slope_se": se,
        "apc": np.expm1(slope) * 100.0, "apc_lower": np.expm1(slope - spread) * 100.0,
        "apc_upper": np.expm1(slope + spread) * 100.0,
        "apc_p_value": _p_values(slope, se, df, use_t),
        "coefficients": np.where((chosen >= 0)[:, None], beta, np.nan),
        "covariance": covariance, "fitted": fitted, "dispersion": phi, "df": df,
    }  # fmt: skip


def _p_values(slope: FloatArray, se: FloatArray, df: IntArray, use_t: bool) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.abs(slope / se)
    if use_t:
        from scipy.stats import t

        dof = np.where(df > 0, df, np.nan).astype(float)[:, None]
        return np.asarray(2.0 * t.sf(statistic, dof))
    from scipy.special import ndtr

    return np.asarray(2.0 * ndtr(-statistic))


def _result(
    data: _Data, options: _Options, fits: list[_Fit], high: IntArray,
    reason: npt.NDArray[np.str_], shape: tuple[int, ...],
) -> Joinpoint:  # fmt: skip
    series = data.use.shape[0]
    widest = max(len(fits) - 1, 0)
    criterion = np.full((series, widest + 1), np.nan)
    r2 = np.full((series, widest + 1), np.nan)
    for fit in fits:
        criterion[:, fit.k] = fit.criterion
        r2[:, fit.k] = fit.r2_max
    high = np.where(reason == "", high, -1)
    information = np.full((series, widest + 1), np.nan)
    if options.selection == "permutation":
        chosen, nulls, alts, p_values, levels = _by_permutation(data, options, fits, high)
    else:
        information = _information(fits, data, options.selection)
        chosen = _by_information(information, options.min_joinpoints, high)
        nulls = alts = np.zeros((series, 0), np.int64)
        p_values = levels = np.zeros((series, 0))
    chosen = np.where(reason == "", chosen, -1)
    model = _chosen(data, options, fits, chosen, widest)
    resampled = resampling.none(series, widest)
    if options.interval == "empirical":
        model, resampled = _empirical(data, options, fits, chosen, widest, model)
    why = np.where((chosen < 0) & (reason == ""), "the fit did not converge", reason)

    def back(v: npt.NDArray[Any]) -> Any:
        return v.reshape(shape + v.shape[1:])

    return Joinpoint(
        **{name: back(values) for name, values in model.items()},
        model=options.model, selection=options.selection,
        variance=options.variance if options.model == "log-linear" else "",
        years=data.t.copy(), centre=float(data.t.mean()) if data.t.size else np.nan,
        joinpoints=back(chosen),
        criterion=back(criterion), information=back(information), r2_max=back(r2),
        test_null=back(nulls), test_alternative=back(alts), test_p_value=back(p_values),
        test_level=back(levels), points=back(data.points), max_joinpoints=back(high),
        first=back(_first(data)), last=back(_last(data)), reason=back(why.astype(np.str_)),
        interval=options.interval, resamples=resampled.coefficients.shape[1],
        resample_coefficients=back(resampled.coefficients),
        resample_joinpoint_year=back(resampled.joinpoint_year),
        confidence=options.confidence, alpha=options.alpha,
        permutations=options.permutations, multiplier=options.multiplier,
        scaled=options.scaled,
    )  # fmt: skip


def _empirical(
    data: _Data, options: _Options, fits: list[_Fit], chosen: IntArray, widest: int,
    model: _Chosen,
) -> tuple[_Chosen, resampling.Resampled]:  # fmt: skip
    """The chosen models' empirical quantile intervals (APC, joinpoints) and resamples."""
    models: list[resampling.SeriesModel | None] = [None] * chosen.size
    for s in np.flatnonzero(chosen >= 0):
        fit = fits[chosen[s]]
        weight = np.where(data.use[s], fit.w[s], 0.0)
        models[s] = resampling.SeriesModel(fit.z[s], weight, fit.eta[s], fit.k)
    resampled = resampling.resample(
        data.t, models, widest, min_end=options.min_end, min_between=options.min_between,
        resamples=options.resamples, seed=options.seed,
    )  # fmt: skip
    lower, upper, p_value = resampling.apc_interval(resampled, chosen, options.confidence)
    joinpoint_lower, joinpoint_upper = resampling.joinpoint_interval(resampled, options.confidence)
    changed = {
        **model, "apc_lower": np.expm1(lower) * 100.0, "apc_upper": np.expm1(upper) * 100.0,
        "apc_p_value": p_value, "joinpoint_lower": joinpoint_lower,
        "joinpoint_upper": joinpoint_upper,
    }  # fmt: skip
    return changed, resampled
