"""Proportions, rates and their confidence intervals, without any catalog.

The functions here are the statistics a user reaches for directly, as with
statsmodels' ``proportion_confint`` or PHEindicatormethods' ``phe_proportion`` and
``phe_rate``. They run on the same engine as :meth:`mch_indicators.Indicator.compute`
(blocks, threads, the optional compiled kernels), so every surface gives the
same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from mch_indicators._validate import check_confidence, check_multiplier, owned
from mch_indicators.stats._engine import compute_counts
from mch_indicators.stats._intervals import Family, get_method
from mch_indicators.stats._reliability import Reliability

__all__ = ["Estimate", "poisson_ci", "proportion", "proportion_ci", "rate"]

FloatArray = npt.NDArray[np.float64]


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


def proportion_ci(
    x: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    method: str = "wilson",
    confidence: float = 0.95,
) -> tuple[FloatArray, FloatArray]:
    """Confidence limits of the proportion ``x / n`` on the 0–1 scale.

    Parameters
    ----------
    x, n : array_like
        Successes and trials, any broadcastable shapes. ``x`` may not exceed ``n``.
    method : {"wilson", "clopper_pearson", "jeffreys", "agresti_coull", "wald"}
        Wilson's score interval by default (no continuity correction).
    confidence : float, default 0.95
        Strictly between 0 and 1.

    Returns
    -------
    (lower, upper) : tuple of numpy.ndarray
        In the broadcast shape; NaN where ``x`` or ``n`` is missing or ``n`` is 0.

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
    >>> round(float(lower), 12), round(float(upper), 12)
    (0.001767432064, 0.054486196179)
    >>> lower, upper = stats.proportion_ci([0, 5], 10, method="clopper_pearson")
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([0.0, 0.1871], [0.3085, 0.8129])
    """
    estimate = _estimate(
        x, n, family="binomial", method=method, confidence=confidence, multiplier=1.0,
        on_invalid="raise", reliability=None,
    )  # fmt: skip
    return estimate.lower, estimate.upper


def poisson_ci(
    x: npt.ArrayLike,
    *,
    method: str = "exact",
    confidence: float = 0.95,
) -> tuple[FloatArray, FloatArray]:
    """Confidence limits of a Poisson count ``x`` itself.

    Divide both limits by a denominator (person-years, live births) for the
    limits of a rate: the denominator is taken as fixed.

    Parameters
    ----------
    x : array_like
        Counts (not necessarily whole: a weighted count is allowed).
    method : {"exact", "byar", "phe", "wald"}
        ``exact`` is Garwood's interval from gamma quantiles; ``byar`` Byar's
        approximation; ``phe`` exact below 10 events and Byar from 10, as
        PHEindicatormethods' ``phe_rate``; ``wald`` x ± z√x.
    confidence : float, default 0.95

    Returns
    -------
    (lower, upper) : tuple of numpy.ndarray
        NaN where ``x`` is missing.

    Examples
    --------
    >>> from mch_indicators import stats
    >>> lower, upper = stats.poisson_ci([0, 2, 10])
    >>> lower.round(4).tolist(), upper.round(4).tolist()
    ([0.0, 0.2422, 4.7954], [3.6889, 7.2247, 18.3904])
    """
    estimate = _estimate(
        x, 1.0, family="poisson", method=method, confidence=confidence, multiplier=1.0,
        on_invalid="raise", reliability=None,
    )  # fmt: skip
    return estimate.lower, estimate.upper


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
