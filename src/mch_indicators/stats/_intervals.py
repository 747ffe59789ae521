"""Confidence-interval methods, each a small function on 1-d float arrays.

Two families:

* ``binomial`` methods bound a proportion x/n (the numerator is a subset of the
  denominator) and return limits on the fraction scale, clipped to [0, 1];
* ``poisson`` methods bound the count x and divide by n, treating the
  denominator as fixed (ratios, rates, coverage with an estimated denominator,
  densities).

Every method receives only valid elements (finite, n > 0, and x <= n for
binomial methods), so no NaN or division warning can arise inside.
Formulas and references are in the docstrings and in ``docs/methods.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError

__all__ = [
    "BLOCK",
    "METHODS",
    "Family",
    "IntervalMethod",
    "get_method",
    "normal_quantile",
    "poisson_count_limits",
]

FloatArray = npt.NDArray[np.float64]
Family = Literal["binomial", "poisson"]
Limits = tuple[FloatArray, FloatArray]
LimitFunction = Callable[[FloatArray, FloatArray, float, float], Limits]

#: Elements per block for the arithmetic methods: small enough for the
#: temporaries of one block to stay in the CPU cache.
BLOCK = 1 << 15
#: Above this many elements, Poisson limits are evaluated once per distinct count.
DISTINCT_FROM = 2048


def normal_quantile(p: float) -> float:
    """The standard normal quantile: ``normal_quantile(0.975)`` is 1.959964...

    Examples
    --------
    >>> round(normal_quantile(0.975), 6)
    1.959964
    """
    from scipy.special import ndtri

    return float(ndtri(p))


@dataclass(frozen=True, slots=True)
class IntervalMethod:
    """One interval method: its name, family, reference and function.

    ``blockwise`` methods are evaluated element by element within cache-sized
    blocks, on several threads for large inputs; the others (exact Poisson) see
    the whole array at once, to evaluate each distinct count only once.
    """

    name: str
    family: Family
    title: str
    reference: str
    limits: LimitFunction
    blockwise: bool

    @property
    def count_limits(self) -> Callable[[FloatArray, float, float], Limits] | None:
        """For Poisson methods, the limits of the count itself (they depend on x only)."""
        return _COUNT_LIMITS.get(self.name) if self.family == "poisson" else None


# -- binomial (proportions) -------------------------------------------------------------


def _clip_unit(lower: FloatArray, upper: FloatArray, x: FloatArray, n: FloatArray) -> Limits:
    np.clip(lower, 0.0, 1.0, out=lower)
    np.clip(upper, 0.0, 1.0, out=upper)
    np.copyto(lower, 0.0, where=x == 0)  # exact at the boundaries, whatever the rounding
    np.copyto(upper, 1.0, where=x == n)
    return lower, upper


def _wilson(x: FloatArray, n: FloatArray, z: float, alpha: float) -> Limits:
    """Wilson score limits in a form that is exact at x = 0 and x = n.

    The textbook limits (2x + z² ∓ z√(z² + 4x(1 − x/n))) / (2(n + z²)) lose
    digits to cancellation near the boundaries. Multiplying through by the
    conjugate gives the same numbers as x² / (n(x + z²/2 + h)) for the lower
    limit and 1 − y² / (n(y + z²/2 + h)) for the upper, with y = n − x and
    h = (z/2)√(z² + 4xy/n): the lower limit is exactly 0 at x = 0, the upper
    exactly 1 at x = n, and both stay inside [0, 1] without clipping.
    """
    half_z2 = 0.5 * z * z
    y = n - x
    h = x * y
    h /= n
    h *= 4.0
    h += 2.0 * half_z2
    np.sqrt(h, out=h)
    h *= 0.5 * z
    h += half_z2
    below = x + h
    below *= n
    lower = x * x
    lower /= below
    above = y + h
    above *= n
    upper = y * y
    upper /= above
    np.subtract(1.0, upper, out=upper)
    return lower, upper


def _clopper_pearson(x: FloatArray, n: FloatArray, z: float, alpha: float) -> Limits:
    from scipy.special import betaincinv

    lower = np.zeros_like(x)
    upper = np.ones_like(x)
    some = x > 0
    lower[some] = betaincinv(x[some], n[some] - x[some] + 1.0, alpha / 2.0)
    below = x < n
    upper[below] = betaincinv(x[below] + 1.0, n[below] - x[below], 1.0 - alpha / 2.0)
    return _clip_unit(lower, upper, x, n)


def _jeffreys(x: FloatArray, n: FloatArray, z: float, alpha: float) -> Limits:
    from scipy.special import betaincinv

    a, b = x + 0.5, n - x + 0.5
    lower = np.asarray(betaincinv(a, b, alpha / 2.0), dtype=np.float64)
    upper = np.asarray(betaincinv(a, b, 1.0 - alpha / 2.0), dtype=np.float64)
    return _clip_unit(lower, upper, x, n)


def _agresti_coull(x: FloatArray, n: FloatArray, z: float, alpha: float) -> Limits:
    n_tilde = n + z * z
    p_tilde = (x + z * z / 2.0) / n_tilde
    half = z * np.sqrt(p_tilde * (1.0 - p_tilde) / n_tilde)
    return _clip_unit(p_tilde - half, p_tilde + half, x, n)


def _wald_proportion(x: FloatArray, n: FloatArray, z: float, alpha: float) -> Limits:
    p = x / n
    half = z * np.sqrt(p * (1.0 - p) / n)
    return _clip_unit(p - half, p + half, x, n)


# -- poisson (counts over a fixed denominator) -----------------------------------------


def _per_distinct(
    x: FloatArray, *functions: Callable[[FloatArray], FloatArray]
) -> list[FloatArray]:
    """Evaluate each function once per distinct value of ``x``.

    Registers of many strata repeat the same small counts; a special function
    evaluated on 10 million counts that take a few hundred distinct values
    costs a few hundred evaluations plus one lookup per element.
    """
    if x.size < DISTINCT_FROM:
        return [function(x) for function in functions]
    top = float(x.max())
    if top <= 4.0 * x.size and top < 2**31:
        whole = x.astype(np.intp)
        if np.array_equal(whole, x):
            present = np.flatnonzero(np.bincount(whole)).astype(np.float64)
            out = []
            for function in functions:
                table = np.empty(int(top) + 1, dtype=np.float64)
                table[present.astype(np.intp)] = function(present)
                out.append(table[whole])
            return out
    distinct, inverse = np.unique(x, return_inverse=True)
    if distinct.size > x.size // 2:
        return [function(x) for function in functions]
    return [function(distinct)[inverse.reshape(x.shape)] for function in functions]


def _exact_lower(x: FloatArray, alpha: float) -> FloatArray:
    from scipy.special import gammaincinv

    lower = np.zeros_like(x)
    some = x >= np.finfo(np.float64).tiny  # below it (subnormal) the limit is 0; scipy: NaN
    lower[some] = gammaincinv(x[some], alpha / 2.0)
    return lower


def _exact_upper(x: FloatArray, alpha: float) -> FloatArray:
    from scipy.special import gammaincinv

    return np.asarray(gammaincinv(x + 1.0, 1.0 - alpha / 2.0), dtype=np.float64)


def _exact_counts(x: FloatArray, z: float, alpha: float) -> Limits:
    lower, upper = _per_distinct(
        x, lambda v: _exact_lower(v, alpha), lambda v: _exact_upper(v, alpha)
    )
    return lower, upper


def _byar_counts(x: FloatArray, z: float, alpha: float) -> Limits:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # tiny x: -inf, then 0
        lower = x * (1.0 - 1.0 / (9.0 * x) - z / (3.0 * np.sqrt(x))) ** 3
    lower[x == 0] = 0.0
    np.maximum(lower, 0.0, out=lower)
    x1 = x + 1.0
    upper = x1 * (1.0 - 1.0 / (9.0 * x1) + z / (3.0 * np.sqrt(x1))) ** 3
    return lower, upper


def _phe_counts(x: FloatArray, z: float, alpha: float) -> Limits:
    lower, upper = _byar_counts(x, z, alpha)
    small = x < 10
    if small.any():
        lower[small], upper[small] = _exact_counts(x[small], z, alpha)
    return lower, upper


def _wald_counts(x: FloatArray, z: float, alpha: float) -> Limits:
    half = z * np.sqrt(x)
    return np.maximum(x - half, 0.0), x + half


def _over_denominator(count_limits: Callable[[FloatArray, float, float], Limits]) -> LimitFunction:
    def limits(x: FloatArray, n: FloatArray, z: float, alpha: float) -> Limits:
        lower, upper = count_limits(x, z, alpha)  # fresh arrays: divide in place
        lower /= n
        upper /= n
        return lower, upper

    return limits


_COUNT_LIMITS: dict[str, Callable[[FloatArray, float, float], Limits]] = {
    "exact": _exact_counts,
    "byar": _byar_counts,
    "phe": _phe_counts,
    "wald": _wald_counts,
}


def poisson_count_limits(
    method: str, x: npt.ArrayLike, confidence: float
) -> tuple[FloatArray, FloatArray]:
    """Limits for a Poisson count itself (not divided by a denominator).

    Examples
    --------
    >>> lower, upper = poisson_count_limits("exact", [0.0], 0.95)
    >>> round(float(upper[0]), 5)  # -ln(0.025)
    3.68888
    """
    counts = np.atleast_1d(np.asarray(x, dtype=np.float64))
    alpha = 1.0 - confidence
    return _COUNT_LIMITS[method](counts, normal_quantile(1.0 - alpha / 2.0), alpha)


def _method(
    name: str, family: Family, title: str, reference: str, limits: LimitFunction, blockwise: bool
) -> IntervalMethod:
    return IntervalMethod(name, family, title, reference, limits, blockwise)


_ALL = (
    _method(
        "wilson",
        "binomial",
        "Wilson score interval (no continuity correction)",
        "Wilson EB (1927) JASA 22:209-212; Newcombe & Altman (2000)",
        _wilson,
        True,
    ),
    _method(
        "clopper_pearson",
        "binomial",
        "Clopper-Pearson exact binomial interval (beta quantiles)",
        "Clopper CJ & Pearson ES (1934) Biometrika 26:404-413",
        _clopper_pearson,
        True,
    ),
    _method(
        "jeffreys",
        "binomial",
        "Jeffreys equal-tailed interval, lower 0 at x = 0 and upper 1 at x = n",
        "Brown, Cai & DasGupta (2001) Stat Sci 16:101-133",
        _jeffreys,
        True,
    ),
    _method(
        "agresti_coull",
        "binomial",
        "Agresti-Coull interval (add z²/2 successes and failures), clipped to [0, 1]",
        "Agresti A & Coull BA (1998) Am Stat 52:119-126",
        _agresti_coull,
        True,
    ),
    _method(
        "wald",
        "binomial",
        "Wald (normal approximation) interval, clipped to [0, 1]",
        "Brown, Cai & DasGupta (2001) Stat Sci 16:101-133",
        _wald_proportion,
        True,
    ),
    _method(
        "exact",
        "poisson",
        "Exact (Garwood) Poisson interval on the numerator, gamma quantiles",
        "Garwood F (1936) Biometrika 28:437-442; Armitage & Berry (2002)",
        _over_denominator(_exact_counts),
        False,
    ),
    _method(
        "byar",
        "poisson",
        "Byar's approximation to the exact Poisson interval (Breslow & Day), as PHE uses it",
        "Breslow NE & Day NE (1987) Statistical Methods in Cancer Research vol. II, IARC",
        _over_denominator(_byar_counts),
        True,
    ),
    _method(
        "phe",
        "poisson",
        "Exact below 10 events, Byar from 10 (PHEindicatormethods phe_rate)",
        "PHE Technical Guide - Confidence Intervals (2018); PHEindicatormethods",
        _over_denominator(_phe_counts),
        False,
    ),
    _method(
        "wald",
        "poisson",
        "Wald (normal approximation) interval on the numerator, x ± z√x, lower clipped at 0",
        "Armitage P & Berry G (2002) Statistical Methods in Medical Research",
        _over_denominator(_wald_counts),
        True,
    ),
)

#: Interval methods by family and name.
METHODS: MappingProxyType[Family, MappingProxyType[str, IntervalMethod]] = MappingProxyType(
    {
        family: MappingProxyType({m.name: m for m in _ALL if m.family == family})
        for family in ("binomial", "poisson")
    }
)


#: Other names of the methods, as statsmodels and R call them: ``"beta"`` is
#: Clopper-Pearson (statsmodels' ``proportion_confint``), ``"exact-c"`` Garwood's exact
#: Poisson interval (statsmodels' ``confint_poisson``). Every lookup by name reads them.
ALIASES: MappingProxyType[Family, MappingProxyType[str, str]] = MappingProxyType(
    {
        "binomial": MappingProxyType(
            {
                "beta": "clopper_pearson",
                "exact": "clopper_pearson",
                "normal": "wald",
                "agresti": "agresti_coull",
                "score": "wilson",
            }
        ),
        "poisson": MappingProxyType({"exact-c": "exact", "garwood": "exact", "normal": "wald"}),
    }
)


def get_method(name: str, family: Family, kind: str) -> IntervalMethod:
    """Return the method ``name`` (or one of its :data:`ALIASES`) of ``family``, or raise.

    ``kind`` only serves the message (the indicator kind that asked).
    """
    methods = METHODS[family]
    method = methods.get(ALIASES[family].get(name, name))
    if method is not None:
        return method
    other: Family = "poisson" if family == "binomial" else "binomial"
    allowed = ", ".join(methods) + f" (or {', '.join(ALIASES[family])})"
    if name in METHODS[other]:
        raise InvalidInputError(
            f"method {name!r} is for {other} data and does not fit a {kind} indicator; "
            f"use one of: {allowed}"
        )
    raise InvalidInputError(f"unknown interval method {name!r}; use one of: {allowed}")
