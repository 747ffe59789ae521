"""The grid search behind :func:`mch_indicators.stats.joinpoint`: every candidate set at once.

A k-joinpoint model of one series is, on the model's scale (log rate, log of the
expected count, logit of the proportion),

    η(t) = b₀ + b₁·(t − t̄) + δ₁·(t − τ₁)₊ + … + δₖ·(t − τₖ)₊

with the joinpoints τ on observed years (Lerman's grid search, NCI Joinpoint's
default). For a fixed set of joinpoints it is a linear model; the grid search
fits every admissible set and keeps the one with the smallest (weighted) sum of
squared errors, or the smallest deviance for the Poisson and binomial models.

Everything here is vectorised over series *and* candidate sets: the candidate
designs are one array (candidates × years × parameters), weighted least squares
for all series is a matrix product against it, and iteratively reweighted least
squares (the count models) iterates all (series, candidate) pairs together. The
permutation test refits its permuted data sets the same way, with the null
model's weights shared by every permutation of a series.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import numpy.typing as npt

from mch_indicators.stats._types import BoolArray, FloatArray, IntArray

__all__ = [
    "GridFit",
    "SharedFit",
    "candidate_sets",
    "designs",
    "feasible",
    "fit_glm",
    "fit_wls",
    "grid_glm",
    "grid_wls",
    "grid_wls_shared",
]


#: Elements (series × candidates × years) handled at once: bounds the memory of a chunk.
_CHUNK_ELEMENTS = 1_500_000
_MAX_ITERATIONS = 30
_TOLERANCE = 1e-10
#: Iterations stop when no fitted log rate (or logit) moves by more than this.
_STEP = 1e-9
#: The linear predictor is kept within ±_LIMIT: a slope running off to −∞ (a segment
#: without events) stops there instead of overflowing; such a fit does not converge.
_LIMIT = 100.0


def candidate_sets(columns: int, k: int, min_end: int, min_between: int) -> IntArray:
    """Every set of ``k`` joinpoint columns with room at the ends and between them.

    A joinpoint at column i has i columns before it and ``columns − 1 − i``
    after it, each at least ``min_end``; two joinpoints have at least
    ``min_between`` columns strictly between them (NCI's two settings, joinpoints
    excluded). Returns an array (candidates, k) of column indices, in
    lexicographic order.

    Examples
    --------
    >>> candidate_sets(7, 1, 2, 2).tolist()
    [[2], [3], [4]]
    >>> candidate_sets(9, 2, 2, 2).tolist()
    [[2, 5], [2, 6], [3, 6]]
    """
    if k == 0:
        return np.zeros((1, 0), dtype=np.int64)
    last = columns - min_end - (k - 1) * min_between  # exclusive bound of the packed positions
    packed = list(combinations(range(min_end, last), k))
    if not packed:
        return np.zeros((0, k), dtype=np.int64)
    spread = np.arange(k, dtype=np.int64) * min_between
    return np.asarray(packed, dtype=np.int64) + spread


def designs(t: FloatArray, centre: float, sets: IntArray) -> FloatArray:
    """The design matrices of the candidate sets: (candidates, years, k + 2)."""
    count, k = sets.shape
    x = np.empty((count, t.size, k + 2))
    x[:, :, 0] = 1.0
    x[:, :, 1] = t - centre
    for j in range(k):
        x[:, :, 2 + j] = np.maximum(t[None, :] - t[sets[:, j]][:, None], 0.0)
    return x


def feasible(use: BoolArray, sets: IntArray, min_end: int, min_between: int) -> BoolArray:
    """Which candidate sets each series can take: (series, candidates).

    A series with missing years counts its own observed years: a joinpoint must
    fall on one of them, with ``min_end`` of them before the first joinpoint and
    after the last, and ``min_between`` between two joinpoints.
    """
    series, count = use.shape[0], sets.shape[0]
    if sets.shape[1] == 0:
        return np.ones((series, count), dtype=bool)
    before: IntArray = np.cumsum(use, axis=1) - use  # observed years strictly before each column
    points = use.sum(axis=1)
    at = use[:, sets]  # (series, candidates, k)
    ok = at.all(axis=2)
    first: IntArray = before[:, sets[:, 0]]
    final: IntArray = before[:, sets[:, -1]]
    ok &= first >= min_end
    ok &= (points[:, None] - final - 1) >= min_end
    if sets.shape[1] > 1:
        gaps = np.diff(before[:, sets], axis=2) - 1
        ok &= (gaps >= min_between).all(axis=2)
    return np.asarray(ok)


@dataclass(frozen=True, slots=True)
class GridFit:
    """The best candidate of each series: its index, criterion and every candidate's."""

    best: IntArray  # (series,), -1 where no candidate is feasible
    criterion: FloatArray  # (series,), the smallest SSE or deviance
    table: FloatArray  # (series, candidates): inf where not feasible


def _solve(gram: FloatArray, right: FloatArray) -> FloatArray:
    """Solve many small symmetric positive definite systems at once (LDLᵀ, no pivoting).

    ``gram`` (..., p, p) and ``right`` (..., p); p is at most a few columns, so
    the factorisation runs as elementwise operations over the whole batch, much
    faster than one LAPACK call per system. A singular system gives NaN.
    """
    p = gram.shape[-1]
    g = np.moveaxis(gram, (-2, -1), (0, 1))
    lower = np.zeros_like(g)
    d = np.empty((p, *g.shape[2:]))
    with np.errstate(divide="ignore", invalid="ignore"):
        for j in range(p):
            d[j] = g[j, j] - sum(
                (lower[j, k] ** 2 * d[k] for k in range(j)), np.zeros(d.shape[1:])
            )
            d[j] = np.where(d[j] > 1e-300, d[j], np.nan)
            for i in range(j + 1, p):
                off = g[i, j] - sum(
                    (lower[i, k] * lower[j, k] * d[k] for k in range(j)), np.zeros(d.shape[1:])
                )
                lower[i, j] = off / d[j]
        y = np.moveaxis(right, -1, 0).copy()
        for i in range(p):
            for k in range(i):
                y[i] -= lower[i, k] * y[k]
        y /= d
        for i in range(p - 1, -1, -1):
            for k in range(i + 1, p):
                y[i] -= lower[k, i] * y[k]
    return np.moveaxis(y, 0, -1)


def _products(x: FloatArray) -> FloatArray:
    """X xᵀ per candidate and year, flattened: (candidates, years, p·p)."""
    p = x.shape[2]
    return (x[:, :, :, None] * x[:, :, None, :]).reshape(x.shape[0], x.shape[1], p * p)


def _chunks(series: int, candidates: int, columns: int) -> list[slice]:
    size = max(1, _CHUNK_ELEMENTS // max(1, candidates * columns))
    return [slice(i, min(i + size, series)) for i in range(0, series, size)]


def grid_wls(z: FloatArray, w: FloatArray, x: FloatArray, ok: BoolArray) -> GridFit:
    """Weighted least squares of every series on every candidate design.

    ``z`` and ``w`` are (series, years), with weight 0 on years not used;
    ``x`` the candidate designs, ``ok`` which candidates each series may take.
    """
    series, columns = z.shape
    count, _, p = x.shape
    flat_xx = _products(x).transpose(1, 0, 2).reshape(columns, count * p * p)
    flat_x = x.transpose(1, 0, 2).reshape(columns, count * p)
    table = np.full((series, count), np.inf)
    for part in _chunks(series, count, columns):
        wz = w[part] * z[part]
        gram = (w[part] @ flat_xx).reshape(-1, count, p, p)
        right = (wz @ flat_x).reshape(-1, count, p)
        gram = np.where(ok[part][:, :, None, None], gram, np.eye(p))
        beta = _solve(gram, right)
        eta = np.einsum("scp,cmp->scm", beta, x)
        residual = z[part][:, None, :] - eta
        sse = np.einsum("sm,scm->sc", w[part], residual * residual)
        table[part] = np.where(ok[part] & np.isfinite(sse), sse, np.inf)
    return _best(table)


def _best(table: FloatArray) -> GridFit:
    best = np.argmin(table, axis=1).astype(np.int64)
    criterion = table[np.arange(table.shape[0]), best]
    best = np.where(np.isfinite(criterion), best, -1)
    return GridFit(best, criterion, table)


@dataclass(frozen=True, slots=True)
class SharedFit:
    """The best candidate of each of many data sets sharing one series' weights."""

    best: IntArray  # (sets,) index into the candidates, -1 where none is allowed
    sse: FloatArray  # (sets,) its (weighted) sum of squared errors, inf where none
    coefficients: FloatArray  # (sets, p) its coefficients; (sets, 0) unless asked for


def _bases(xw: FloatArray) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Orthonormal bases Q and triangles R of the weighted designs, and which have full rank."""
    q, r = np.linalg.qr(xw)
    size = np.abs(np.diagonal(r, axis1=1, axis2=2))
    full = size.min(axis=1) > 1e-10 * np.maximum(size.max(axis=1), np.finfo(float).tiny)
    return q, r, np.asarray(full)


def grid_wls_shared(
    z: FloatArray, w: FloatArray, x: FloatArray, ok: BoolArray, *, coefficients: bool = False
) -> SharedFit:
    """Grid search of many data sets ``z`` (sets, years) sharing the weights ``w`` (years,).

    The workhorse of the permutation test and of the resampled intervals: each
    candidate design allowed by ``ok`` (candidates,) is orthonormalised once (QR of
    √W·X; a candidate without full rank is left out, as in :func:`grid_wls`), and
    every data set is projected on all of them in one matrix product. Years of
    weight 0 are not used. Returns each data set's best candidate, its SSE and,
    with ``coefficients``, its coefficients.
    """
    sets = z.shape[0]
    used = w > 0
    root = np.sqrt(w[used])
    allowed = np.flatnonzero(ok)
    q, r, full = _bases(x[allowed][:, used, :] * root[None, :, None])
    allowed, q, r = allowed[full], q[full], r[full]
    if allowed.size == 0:
        return SharedFit(
            np.full(sets, -1, dtype=np.int64), np.full(sets, np.inf), np.zeros((sets, 0))
        )
    u = z[:, used] * root[None, :]
    # the straight line (intercept, slope) is in every design: its part of the fit is
    # common to all candidates, and taking it out first keeps the SSE free of
    # cancellation; the hinges' orthonormal columns are orthogonal to it
    line = q[0, :, :2]
    v = u - (u @ line) @ line.T
    total = (v * v).sum(axis=1)
    hinges = q[:, :, 2:]
    count, k = hinges.shape[0], hinges.shape[2]
    flat = hinges.transpose(1, 0, 2).reshape(root.size, count * k)
    best = np.zeros(sets, dtype=np.int64)
    explained = np.zeros(sets)
    size = max(1, _CHUNK_ELEMENTS // max(1, count * max(k, 1)))
    for start in range(0, sets if k else 0, size):
        part = slice(start, start + size)
        projected = (v[part] @ flat).reshape(-1, count, k)
        share = (projected * projected).sum(axis=2)
        best[part] = np.argmax(share, axis=1)
        explained[part] = share[np.arange(share.shape[0]), best[part]]
    beta = np.zeros((sets, 0))
    if coefficients:
        along = np.einsum("snp,sn->sp", q[best], u)
        beta = np.linalg.solve(r[best], along[:, :, None])[:, :, 0]
    sse = np.maximum(total - explained, 0.0)
    return SharedFit(allowed[best], sse, beta if coefficients else np.zeros((sets, 0)))


# -- count models ----------------------------------------------------------------------


def working(
    eta: FloatArray, y: FloatArray, n: FloatArray, use: BoolArray, family: str
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """IRLS working weights, working response and means at ``eta`` (any shape)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if family == "poisson":
            mean = n * np.exp(eta)
            weight = mean
            response = eta + (y - mean) / np.where(mean > 0, mean, 1.0)
        else:
            p = 1.0 / (1.0 + np.exp(-eta))
            mean = n * p
            weight = n * p * (1.0 - p)
            response = eta + (y - mean) / np.where(weight > 0, weight, 1.0)
    weight = np.where(use & np.isfinite(weight), weight, 0.0)
    response = np.where(use & np.isfinite(response), response, 0.0)
    return weight, response, mean


def _terms(
    eta: FloatArray, y: FloatArray, offset: FloatArray, n: FloatArray, family: str
) -> tuple[FloatArray, FloatArray]:
    """IRLS weights w and w·(working response), fused (unused years: y = 0, n = 0).

    Poisson: w = μ = e^(η + log n), w·z = μ·(η − 1) + y; binomial: p = expit(η),
    w = n·p·(1 − p), w·z = w·η + y − n·p.
    """
    with np.errstate(invalid="ignore"):
        if family == "poisson":
            mean = np.exp(eta + offset)
            return mean, mean * (eta - 1.0) + y
        p = 1.0 / (1.0 + np.exp(-eta))
        fitted = n * p
        weight = fitted * (1.0 - p)
        return weight, weight * eta + (y - fitted)


def deviance(
    y: FloatArray, mean: FloatArray, n: FloatArray, use: BoolArray, family: str
) -> FloatArray:
    """The deviance summed over the last axis (years not used count 0)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mean), 0.0)
        if family == "poisson":
            unit = ratio - (y - mean)
        else:
            rest = n - y
            unit = ratio + np.where(
                rest > 0, rest * np.log(np.where(rest > 0, rest, 1.0) / (n - mean)), 0.0
            )
        return np.asarray(2.0 * np.where(use, unit, 0.0).sum(axis=-1))


def grid_glm(
    y: FloatArray, n: FloatArray, use: BoolArray, start: FloatArray, x: FloatArray,
    ok: BoolArray, family: str,
) -> GridFit:  # fmt: skip
    """Maximum likelihood of every series on every candidate design (IRLS).

    ``start`` (series, years) is the linear predictor the iterations start from
    (the fit with one joinpoint fewer). A candidate whose iterations do not
    converge (a segment with no events, whose slope runs off to −∞) is left out.
    """
    series, columns = y.shape
    count, _, p = x.shape
    xx = _products(x)  # (candidates, years, p·p)
    table = np.full((series, count), np.inf)
    for part in _chunks(series, count, columns):
        yp, np_, up = y[part][None], n[part][None], use[part][None]
        eta = np.broadcast_to(start[part][None], (count, yp.shape[1], columns)).copy()
        allowed = ok[part].T
        done = np.zeros(allowed.shape, dtype=bool)
        y0 = np.where(up, yp, 0.0)
        with np.errstate(divide="ignore"):
            offset = np.where(up, np.log(np.where(up, np_, 1.0)), -np.inf)
        for _ in range(_MAX_ITERATIONS):
            weight, weighted = _terms(eta, y0, offset, np.where(up, np_, 0.0), family)
            gram = np.matmul(weight, xx).reshape(count, -1, p, p)  # (candidates, series, p, p)
            right = np.matmul(weighted, x)  # (candidates, series, p)
            gram = np.where(allowed[:, :, None, None], gram, np.eye(p))
            right = np.where(allowed[:, :, None], right, 0.0)
            beta = _solve(gram, right)
            new = np.clip(np.matmul(beta, x.transpose(0, 2, 1)), -_LIMIT, _LIMIT)
            done = np.abs(new - eta).max(axis=2) <= _STEP
            eta = new
            if done[allowed].all():
                break
        _, _, mean = working(eta, yp, np_, up, family)
        current = deviance(yp, mean, np_, up, family)
        good = allowed & done & np.isfinite(current)
        table[part] = np.where(good, current, np.inf).T
    return _best(table)


# -- one design per series -------------------------------------------------------------


def series_designs(
    t: FloatArray, centre: float, joinpoints: IntArray, k: npt.NDArray[np.int64]
) -> FloatArray:
    """Each series' design at its own joinpoints, padded to the widest: (series, years, p).

    ``joinpoints`` is (series, k_max) with -1 where a series has fewer; the
    padding columns are 0 and are kept out of the fit by :func:`fit_wls`.
    """
    series, widest = joinpoints.shape
    x = np.zeros((series, t.size, widest + 2))
    x[:, :, 0] = 1.0
    x[:, :, 1] = t - centre
    for j in range(widest):
        present = joinpoints[:, j] >= 0
        at = t[np.where(present, joinpoints[:, j], 0)]
        x[:, :, 2 + j] = np.where(present[:, None], np.maximum(t[None, :] - at[:, None], 0.0), 0.0)
    return x


def _padding(k: npt.NDArray[np.int64], p: int) -> BoolArray:
    """(series, p): True on the padding columns of each series' design."""
    return np.arange(p)[None, :] >= (k[:, None] + 2)


def fit_wls(
    z: FloatArray, w: FloatArray, x: FloatArray, k: npt.NDArray[np.int64]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weighted least squares per series with its own design.

    Returns (coefficients, (XᵀWX)⁻¹, linear predictor); padding coefficients are 0.
    """
    p = x.shape[2]
    pad = _padding(k, p)
    gram = np.einsum("sm,smp,smq->spq", w, x, x)
    both = pad[:, :, None] | pad[:, None, :]
    gram = np.where(both, 0.0, gram) + np.where(pad, 1.0, 0.0)[:, :, None] * np.eye(p)
    right = np.where(pad, 0.0, np.einsum("sm,smp->sp", w * z, x))
    with np.errstate(invalid="ignore"):
        inverse = np.linalg.pinv(gram, hermitian=True)
    inverse = np.where(both, 0.0, inverse)
    beta = np.einsum("spq,sq->sp", inverse, right)
    return beta, inverse, np.einsum("smp,sp->sm", x, beta)


def fit_glm(
    y: FloatArray, n: FloatArray, use: BoolArray, start: FloatArray, x: FloatArray,
    k: npt.NDArray[np.int64], family: str,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]:  # fmt: skip
    """IRLS per series with its own design.

    Returns (coefficients, (XᵀWX)⁻¹, linear predictor, working weights, working
    response, converged), the weights and response at the fitted values.
    """
    eta = start.copy()
    previous = np.full(y.shape[0], np.inf)
    done = np.zeros(y.shape[0], dtype=bool)
    for _ in range(_MAX_ITERATIONS):
        weight, response, _ = working(eta, y, n, use, family)
        beta, inverse, eta = fit_wls(response, weight, x, k)
        eta = np.clip(np.nan_to_num(eta, nan=0.0), -_LIMIT, _LIMIT)
        _, _, mean = working(eta, y, n, use, family)
        current = deviance(y, mean, n, use, family)
        done = np.abs(current - previous) <= _TOLERANCE * (np.abs(current) + 0.1)
        if done.all():
            break
        previous = current
    weight, response, _ = working(eta, y, n, use, family)
    beta, inverse, _ = fit_wls(response, weight, x, k)
    return beta, inverse, eta, weight, response, done
