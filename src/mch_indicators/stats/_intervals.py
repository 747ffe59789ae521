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
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError, Words, error_of, words
from mch_indicators.stats._gamma import (
    lower_series,
    normal_quantile,
    series_from,
    series_limit,
    shortened,
    upper_series,
    whole_count_quantiles,
)
from mch_indicators.stats._types import Family, FloatArray

__all__ = [
    "BLOCK",
    "BYAR_FORMULA",
    "EXACT_SERIES",
    "METHODS",
    "TABLE_SIZE",
    "WALD_FORMULA",
    "CountTable",
    "Family",
    "IntervalMethod",
    "count_table",
    "get_method",
    "normal_quantile",
    "poisson_count_limits",
]

Limits = tuple[FloatArray, FloatArray]
LimitFunction = Callable[[FloatArray, FloatArray, float, float], Limits]

#: Elements per block: small enough for the temporaries of one block to stay in
#: the CPU cache.
BLOCK = 1 << 15


@dataclass(frozen=True, slots=True)
class IntervalMethod:
    """One interval method: its name, family, reference and function.

    Every method is evaluated element by element (``blockwise``): within
    cache-sized blocks, on several threads for large inputs. (Exact Poisson
    limits used to be evaluated once per distinct count over the whole array;
    they are now looked up or computed element by element too.)
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
#
# A Poisson method's limits depend on the count only. Each method has a formula valid
# for any count (its "general" limits); the limits of the whole counts below
# ``CountTable.size`` are tabulated once per method and level, and looked up. The
# formulas beyond the table use only +, -, *, / and sqrt, element by element, so the
# optional compiled kernels (``_kernels.py``) evaluate them to the same bits.

#: Whole counts below this are looked up in a table made once per method and level.
TABLE_SIZE = 4096
#: How a count beyond the table gets its limits (the compiled kernels switch on it).
EXACT_SERIES, BYAR_FORMULA, WALD_FORMULA = 0, 1, 2
#: PHE's exact limits below this many events, Byar's from it.
PHE_EXACT_BELOW = 10
_NO_SERIES = np.empty(0)
_NO_SERIES.flags.writeable = False


def _byar_counts(x: FloatArray, z: float) -> Limits:
    """Byar's limits: x (1 - 1/(9x) - z/(3 sqrt x))^3 and the same at x + 1 with +z."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # tiny x: -inf, then 0
        low_root = 1.0 - 1.0 / (9.0 * x) - z / (3.0 * np.sqrt(x))
        lower = x * (low_root * low_root * low_root)
    lower[x == 0] = 0.0
    np.maximum(lower, 0.0, out=lower)
    x1 = x + 1.0
    high_root = 1.0 - 1.0 / (9.0 * x1) + z / (3.0 * np.sqrt(x1))
    upper = x1 * (high_root * high_root * high_root)
    return lower, upper


def _wald_counts(x: FloatArray, z: float) -> Limits:
    half = z * np.sqrt(x)
    return np.maximum(x - half, 0.0), x + half


def _scipy_gamma_limits(x: FloatArray, tail: float) -> Limits:
    """Exact limits of counts that are neither whole nor large (weighted counts)."""
    from scipy.special import gammainccinv, gammaincinv

    lower = np.zeros_like(x)
    some = x >= np.finfo(np.float64).tiny  # below it (subnormal) the limit is 0; scipy: NaN
    lower[some] = gammaincinv(x[some], tail)
    upper = np.asarray(gammainccinv(x + 1.0, tail), dtype=np.float64)
    return lower, upper


@dataclass(frozen=True, slots=True)
class CountTable:
    """The limits of a Poisson count for one method and level (see :func:`count_table`).

    ``low`` and ``high`` hold the limits of the whole counts 0 .. ``size`` - 1.
    Beyond them ``formula`` says how a count gets its limits: Byar's or Wald's
    formula at ``z``, or (exact limits) the gamma quantile series
    (:func:`~mch_indicators.stats._gamma.series_limit`) with the coefficients
    ``low_series`` and ``high_series`` (shortened to what counts from ``size`` on).
    Counts from ``series_from`` on that are not in the table (not whole) take the
    full series ``series``.
    """

    name: str
    alpha: float
    z: float
    low: FloatArray
    high: FloatArray
    formula: int
    low_series: FloatArray = field(default_factory=lambda: _NO_SERIES)
    high_series: FloatArray = field(default_factory=lambda: _NO_SERIES)
    series: tuple[FloatArray, FloatArray] = (_NO_SERIES, _NO_SERIES)
    series_from: float = 0.0

    @property
    def size(self) -> int:
        """Whole counts below this are looked up."""
        return int(self.low.size)

    def general(self, x: FloatArray) -> Limits:
        """The limits of any valid counts (finite, >= 0) beyond or outside the table."""
        if self.formula == WALD_FORMULA:
            return _wald_counts(x, self.z)
        if self.formula == BYAR_FORMULA:
            lower, upper = _byar_counts(x, self.z)
            few = x < PHE_EXACT_BELOW
            if self.name == "phe" and few.any():
                lower[few], upper[few] = count_table("exact", self.alpha).limits(x[few])
            return lower, upper
        return self._exact(x)

    def _exact(self, x: FloatArray) -> Limits:
        """Exact limits from the series where it holds, else (weighted counts) from scipy."""
        lower, upper = np.empty_like(x), np.empty_like(x)
        beyond = x >= self.size
        lower[beyond] = series_limit(x[beyond], self.low_series)
        upper[beyond] = series_limit(x[beyond], self.high_series)
        within = (x >= self.series_from) & ~beyond
        lower[within] = series_limit(x[within], self.series[0])
        upper[within] = series_limit(x[within], self.series[1])
        small = x < self.series_from
        if small.any():
            lower[small], upper[small] = _scipy_gamma_limits(x[small], self.alpha / 2.0)
        return lower, upper

    def limits(self, x: FloatArray) -> Limits:
        """The limits of valid counts: looked up where whole and small, else by formula."""
        inside = x < self.size
        if inside.all():
            index = x.astype(np.intp)
            if np.array_equal(index, x):
                return self.low[index], self.high[index]
        lower, upper = np.empty_like(x), np.empty_like(x)
        looked_up = inside & (x == np.floor(x))
        index = x[looked_up].astype(np.intp)
        lower[looked_up], upper[looked_up] = self.low[index], self.high[index]
        rest = ~looked_up
        lower[rest], upper[rest] = self.general(x[rest])
        return lower, upper


def _exact_table(alpha: float, z: float) -> CountTable:
    """Exact limits of 0 .. TABLE_SIZE - 1: Newton below the series' range, the series in it.

    The series use the normal quantiles of the tail alpha/2 itself (and its
    negative), not of 1 - alpha/2 rounded.
    """
    tail = alpha / 2.0
    low_series, high_series = lower_series(tail), upper_series(tail)
    start = series_from(low_series, high_series)
    small = int(start)
    size = max(TABLE_SIZE, small)
    counts = np.arange(size, dtype=np.float64)
    low, high = np.empty(size), np.empty(size)
    low[:small] = whole_count_quantiles(small, tail, upper=False)
    high[:small] = whole_count_quantiles(small, tail, upper=True)
    series_limit(counts[small:], low_series, out=low[small:])
    series_limit(counts[small:], high_series, out=high[small:])
    for v in (low_series, high_series):
        v.flags.writeable = False
    return CountTable(
        "exact", alpha, z, low, high, EXACT_SERIES,
        shortened(low_series, size), shortened(high_series, size),
        (low_series, high_series), start,
    )  # fmt: skip


@lru_cache(maxsize=64)
def count_table(name: str, alpha: float) -> CountTable:
    """The limits of Poisson counts by method ``name`` at level 1 - ``alpha``, made once.

    Examples
    --------
    >>> table = count_table("exact", 0.05)
    >>> [round(float(v), 4) for v in (table.low[2], table.high[2])]
    [0.2422, 7.2247]
    """
    z = normal_quantile(1.0 - alpha / 2.0)  # the z of the other methods, as the engine's
    if name == "exact":
        table = _exact_table(alpha, z)
    else:
        formula = WALD_FORMULA if name == "wald" else BYAR_FORMULA
        counts = np.arange(TABLE_SIZE, dtype=np.float64)
        table = CountTable(name, alpha, z, counts, counts, formula)
        low, high = table.general(counts)
        table = CountTable(name, alpha, z, low, high, formula)
    table.low.flags.writeable = False
    table.high.flags.writeable = False
    return table


def _count_limits_of(name: str) -> Callable[[FloatArray, float, float], Limits]:
    def limits(x: FloatArray, z: float, alpha: float) -> Limits:
        return count_table(name, alpha).limits(x)  # fresh arrays (a lookup copies)

    limits.__name__ = f"_{name}_counts"
    return limits


def _over_denominator(count_limits: Callable[[FloatArray, float, float], Limits]) -> LimitFunction:
    def limits(x: FloatArray, n: FloatArray, z: float, alpha: float) -> Limits:
        lower, upper = count_limits(x, z, alpha)  # fresh arrays: divide in place
        lower /= n
        upper /= n
        return lower, upper

    return limits


_COUNT_LIMITS: dict[str, Callable[[FloatArray, float, float], Limits]] = {
    name: _count_limits_of(name) for name in ("exact", "byar", "phe", "wald")
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
        _over_denominator(_COUNT_LIMITS["exact"]),
        True,
    ),
    _method(
        "byar",
        "poisson",
        "Byar's approximation to the exact Poisson interval (Breslow & Day), as PHE uses it",
        "Breslow NE & Day NE (1987) Statistical Methods in Cancer Research vol. II, IARC",
        _over_denominator(_COUNT_LIMITS["byar"]),
        True,
    ),
    _method(
        "phe",
        "poisson",
        "Exact below 10 events, Byar from 10 (PHEindicatormethods phe_rate)",
        "PHE Technical Guide - Confidence Intervals (2018); PHEindicatormethods",
        _over_denominator(_COUNT_LIMITS["phe"]),
        True,
    ),
    _method(
        "wald",
        "poisson",
        "Wald (normal approximation) interval on the numerator, x ± z√x, lower clipped at 0",
        "Armitage P & Berry G (2002) Statistical Methods in Medical Research",
        _over_denominator(_COUNT_LIMITS["wald"]),
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
    names, aliases = list(methods), list(ALIASES[family])
    allowed = words(
        "method_aliases",
        names=Words.listing(names),
        aliases=Words.listing(aliases),
    )
    if name in METHODS[other]:
        raise error_of(
            InvalidInputError,
            "method_other_family",
            name=name,
            family=words(f"family_{other}"),
            kind=kind,
            allowed=allowed,
        )
    raise error_of(InvalidInputError, "unknown_method", name=name, allowed=allowed)
