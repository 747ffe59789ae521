"""Proportions, rates and their confidence intervals, without any catalog.

The functions here are the statistics a user reaches for directly, as with
statsmodels' ``proportion_confint`` or PHEindicatormethods' ``phe_proportion`` and
``phe_rate``. They run on the same engine as :meth:`mch_indicators.Indicator.compute`
(blocks, threads, the optional compiled kernels), so every surface gives the
same numbers.

:func:`proportion_ci` and :func:`poisson_ci` follow statsmodels' contract: scalars in,
Python floats out; a pandas Series in, a Series with its index out (see
:func:`~mch_indicators._validate.shaped`). One plain pair of counts skips the engine
(:func:`_plain_limits`): its limits come from the same method function of
``_intervals`` that the engine calls on every block, so they are the same numbers,
without the engine's set-up, which costs more than the arithmetic of one element.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, TypeVar, overload

import numpy as np
import numpy.typing as npt

from mch_indicators._validate import (
    LARGEST_COUNT,
    SMALLEST_DENOMINATOR,
    Labelled,
    check_confidence,
    check_multiplier,
    owned,
    shaped,
)
from mch_indicators.stats._engine import compute_counts
from mch_indicators.stats._intervals import get_method, normal_quantile
from mch_indicators.stats._reliability import Reliability
from mch_indicators.stats._types import Family, FloatArray

__all__ = ["Estimate", "poisson_ci", "proportion", "proportion_ci", "rate"]

L = TypeVar("L", bound=Labelled)


@dataclass(frozen=True, slots=True, eq=False)
class Estimate:
    """Values, limits and flags of :func:`proportion` or :func:`rate`.

    Every array has the broadcast shape of the inputs (0-d for scalars) and is
    read-only. ``flags`` holds one :class:`Flag` mask per element.
    """

    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    flags: npt.NDArray[np.uint16]
    confidence: float
    method: str

    def __post_init__(self) -> None:
        for name in ("value", "lower", "upper", "flags"):
            object.__setattr__(self, name, owned(getattr(self, name)))


def _single_level(confidence: float) -> float:
    levels = check_confidence(confidence)
    if len(levels) != 1:
        from mch_indicators._errors import InvalidInputError

        raise InvalidInputError("give one confidence level, such as 0.95")
    return levels[0]


def _is_plain(value: object) -> bool:
    """A Python or numpy number (not a boolean, not an array)."""
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


@lru_cache(maxsize=32)
def _z(alpha: float) -> float:
    return normal_quantile(1.0 - alpha / 2.0)  # as the engine computes it for each level


def _plain_limits(
    x: object, n: object, family: Family, method: str, confidence: float
) -> tuple[float, float] | None:
    """The limits of one plain pair of counts, or None for the engine to handle.

    Plain: two numbers with 0 <= x (<= n for a proportion), n a valid denominator,
    both at most 2**53. A missing count, a zero denominator or a wrong input goes
    to the engine, which gives NaN or the error that says why. The limits come from
    the same method function as the engine's, at the same z, so they are its numbers.
    """
    if not (_is_plain(x) and _is_plain(n)):
        return None
    count, base = float(x), float(n)  # type: ignore[arg-type]
    if not (0.0 <= count <= LARGEST_COUNT and SMALLEST_DENOMINATOR <= base <= LARGEST_COUNT):
        return None
    if family == "binomial" and count > base:
        return None
    alpha = 1.0 - _single_level(confidence)
    chosen = get_method(method, family, "proportion" if family == "binomial" else "rate")
    lower, upper = chosen.limits(np.array([count]), np.array([base]), _z(alpha), alpha)
    # as the engine's blocks end (stats._engine._contain): the value inside its limits,
    # a proportion at most 1 (scale 1: the value is count * 1.0 / base, as there)
    value = count * 1.0 / base
    if family == "binomial":
        value = min(value, 1.0)
    return min(float(lower[0]), value), max(float(upper[0]), value)


def _estimate(
    x: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    family: Family,
    method: str,
    confidence: float,
    multiplier: float,
    on_invalid: Literal["raise", "flag"],
    reliability: Reliability | None,
) -> Estimate:
    level = _single_level(confidence)
    scale = check_multiplier(multiplier)
    chosen = get_method(method, family, "proportion" if family == "binomial" else "rate")
    core = compute_counts(
        x,
        n,
        method=chosen,
        levels=(level,),
        scale=scale,
        bounded=family == "binomial",
        estimated_denominator=False,
        on_invalid=on_invalid,
        reliability=reliability,
    )
    return Estimate(core.value, core.lower[0], core.upper[0], core.flags, level, chosen.name)


@overload
def proportion_ci(
    x: float, n: float, *, method: str = ..., confidence: float = ...
) -> tuple[float, float]: ...
@overload
def proportion_ci(
    x: L, n: npt.ArrayLike, *, method: str = ..., confidence: float = ...
) -> tuple[L, L]: ...
@overload
def proportion_ci(
    x: npt.ArrayLike, n: npt.ArrayLike, *, method: str = ..., confidence: float = ...
) -> tuple[FloatArray, FloatArray]: ...
def proportion_ci(
    x: Any,
    n: Any,
    *,
    method: str = "wilson",
    confidence: float = 0.95,
) -> tuple[Any, Any]:
    """Confidence limits of the proportion ``x / n`` on the 0–1 scale.

    Parameters
    ----------
    x, n : array_like
        Successes and trials, any broadcastable shapes. ``x`` may not exceed ``n``.
        pandas Series are paired by label.
    method : {"wilson", "clopper_pearson", "jeffreys", "agresti_coull", "wald"}
        Wilson's score interval by default (no continuity correction). statsmodels'
        names work too: ``"beta"`` and ``"exact"`` are Clopper-Pearson, ``"normal"``
        is Wald, ``"agresti"`` Agresti-Coull, ``"score"`` Wilson.
    confidence : float, default 0.95
        Strictly between 0 and 1.

    Returns
    -------
    (lower, upper) : tuple
        As statsmodels' ``proportion_confint``: Python floats when ``x`` and ``n``
        are numbers; pandas Series with the index of ``x`` (or of ``n``) when one is
        a Series; otherwise numpy arrays in the broadcast shape. NaN where ``x`` or
        ``n`` is missing or ``n`` is 0.

    Raises
    ------
    InvalidInputError
        Negative, infinite, boolean or non-numeric counts, ``x > n``, an unknown
        method or a confidence level outside (0, 1).

    Examples
    --------
    Wilson's interval for 1 in 100 (PHEindicatormethods' ``phe_proportion``
    gives 0.00176743206414065 and 0.0544861961787053):

    >>> from mch_indicators import stats
    >>> lower, upper = stats.proportion_ci(1, 100)
    >>> round(lower, 12), round(upper, 12)
    (0.001767432064, 0.054486196179)
    >>> lower, upper = stats.proportion_ci([0, 5], 10, method="beta")  # Clopper-Pearson
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([0.0, 0.1871], [0.3085, 0.8129])
    >>> import pandas as pd
    >>> births = pd.Series([980, 4210], index=["河阳县", "石门县"])
    >>> stats.proportion_ci(births - 20, births)[0].round(4).to_dict()
    {'河阳县': 0.9687, '石门县': 0.9927}
    """
    quick = _plain_limits(x, n, "binomial", method, confidence)
    if quick is not None:
        return quick
    estimate = _estimate(
        x, n, family="binomial", method=method, confidence=confidence, multiplier=1.0,
        on_invalid="raise", reliability=None,
    )  # fmt: skip
    return shaped((estimate.lower, estimate.upper), x, n)  # type: ignore[no-any-return]


@overload
def poisson_ci(x: float, *, method: str = ..., confidence: float = ...) -> tuple[float, float]: ...
@overload
def poisson_ci(x: L, *, method: str = ..., confidence: float = ...) -> tuple[L, L]: ...
@overload
def poisson_ci(
    x: npt.ArrayLike, *, method: str = ..., confidence: float = ...
) -> tuple[FloatArray, FloatArray]: ...
def poisson_ci(
    x: Any,
    *,
    method: str = "exact",
    confidence: float = 0.95,
) -> tuple[Any, Any]:
    """Confidence limits of a Poisson count ``x`` itself.

    Divide both limits by a denominator (person-years, live births) for the
    limits of a rate: the denominator is taken as fixed.

    Parameters
    ----------
    x : array_like
        Counts (not necessarily whole: a weighted count is allowed).
    method : {"exact", "byar", "phe", "wald"}
        ``exact`` is Garwood's interval from gamma quantiles (statsmodels'
        ``confint_poisson`` calls it ``"exact-c"``; ``"garwood"`` works too); ``byar``
        Byar's approximation; ``phe`` exact below 10 events and Byar from 10, as
        PHEindicatormethods' ``phe_rate``; ``wald`` (or ``"normal"``) x ± z√x.
    confidence : float, default 0.95

    Returns
    -------
    (lower, upper) : tuple
        Python floats for a number, a pandas Series (its index kept) for a Series,
        numpy arrays otherwise. NaN where ``x`` is missing.

    Examples
    --------
    >>> from mch_indicators import stats
    >>> lower, upper = stats.poisson_ci([0, 2, 10])
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([0.0, 0.2422, 4.7954], [3.6889, 7.2247, 18.3904])
    >>> [round(limit, 4) for limit in stats.poisson_ci(2)]
    [0.2422, 7.2247]
    """
    quick = _plain_limits(x, 1.0, "poisson", method, confidence)
    if quick is not None:
        return quick
    estimate = _estimate(
        x, 1.0, family="poisson", method=method, confidence=confidence, multiplier=1.0,
        on_invalid="raise", reliability=None,
    )  # fmt: skip
    return shaped((estimate.lower, estimate.upper), x)  # type: ignore[no-any-return]


def proportion(
    x: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    multiplier: float = 100.0,
    method: str = "wilson",
    confidence: float = 0.95,
    on_invalid: Literal["raise", "flag"] = "raise",
    reliability: Reliability | None = None,
) -> Estimate:
    """A proportion ``x / n × multiplier`` with its interval and flags.

    Like PHEindicatormethods' ``phe_proportion``: Wilson's interval by default.
    A missing count gives NaN flagged MISSING, a zero denominator NaN flagged
    ZERO_DENOMINATOR; ``x > n`` raises, or with ``on_invalid="flag"`` gives NaN
    flagged INVALID. ``reliability=Reliability()`` adds the UNRELIABLE flag.

    Examples
    --------
    >>> from mch_indicators import stats
    >>> e = stats.proportion([9856, 0], [12345, 0])
    >>> e.value.round(4).tolist(), e.lower.round(4).tolist(), stats.flag_labels(e.flags)
    ([79.838, nan], [79.121, nan], ['', 'ZERO_DENOMINATOR'])
    """
    return _estimate(
        x, n, family="binomial", method=method, confidence=confidence, multiplier=multiplier,
        on_invalid=on_invalid, reliability=reliability,
    )  # fmt: skip


def rate(
    x: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    multiplier: float = 100_000.0,
    method: str = "exact",
    confidence: float = 0.95,
    reliability: Reliability | None = None,
) -> Estimate:
    """A rate or ratio ``x / n × multiplier`` with a Poisson interval and flags.

    The count is Poisson and the denominator fixed (births, person-years).
    ``method="phe"`` reproduces PHEindicatormethods' ``phe_rate`` (exact below
    10 events, Byar from 10).

    Examples
    --------
    >>> from mch_indicators import stats
    >>> e = stats.rate(2, 26954)
    >>> round(float(e.value), 2), round(float(e.lower), 2), round(float(e.upper), 2)
    (7.42, 0.9, 26.8)
    """
    return _estimate(
        x, n, family="poisson", method=method, confidence=confidence, multiplier=multiplier,
        on_invalid="raise", reliability=reliability,
    )  # fmt: skip
