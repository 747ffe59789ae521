"""Decomposing a difference in crude rates into composition and rate effects (Kitagawa, Das Gupta).

A crude rate is a weighted sum of stratum rates, R = Σᵢ cᵢ rᵢ, the weights cᵢ the shares
of the population in each stratum (births by birth weight, women by age). Between two
populations (two periods, two areas) the difference of crude rates splits exactly into

* Kitagawa (1955): a composition effect Σ (c₂ − c₁)(r₁ + r₂)/2 and a rate effect
  Σ (r₂ − r₁)(c₁ + c₂)/2;
* Das Gupta (1993): for a rate that is a sum over strata of a product of P factors,
  R = Σᵢ Πₖ fₖᵢ, the effect of factor k is the difference of its two standardised
  rates, each the factor's own values with the other factors averaged over every way of
  taking them from one population or the other (weights s!(P − 1 − s)!/P! for s factors
  from the other population: the symmetric formula of Das Gupta's chapter 3, the Shapley
  value). With two factors it is Kitagawa's. A composition cross-classified by two
  variables (birth weight × gestation, age × parity) is re-expressed, as Das Gupta does
  (his chapter 5), as the product of one factor per variable, Aᵢⱼ = √((Nᵢⱼ/N.ⱼ)(Nᵢ./N))
  and Bᵢⱼ = √((Nᵢⱼ/Nᵢ.)(N.ⱼ/N)), so that AᵢⱼBᵢⱼ = Nᵢⱼ/N; the rate effect is
  Kitagawa's, Σ (r₂ − r₁)(c₁ + c₂)/2, and the composition effect Σ (c₂ − c₁)(r₁ + r₂)/2
  is split between the two variables by the two-factor formula on AB, cell by cell
  (Das Gupta's standardised rates, as DasGuptR computes them).

The effects add up to the difference exactly (to rounding), and each is the sum of its
per-stratum contributions (``contributions``), which say which strata moved the rate.

References: Kitagawa EM (1955). Components of a difference between two rates. JASA
50:1168–1194. Das Gupta P (1993). Standardization and Decomposition of Rates: A User's
Manual. U.S. Bureau of the Census, Current Population Reports P23-186.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._validate import (
    check_multiplier,
    coerce_values,
    describe_positions,
)
from mch_indicators.stats._types import FloatArray, ReadOnlyResult

__all__ = ["Decomposition", "decompose", "decompose_factors"]

METHODS = ("das-gupta", "kitagawa")


@dataclass(frozen=True, slots=True, eq=False)
class Decomposition(ReadOnlyResult):
    """A difference of two crude rates split into the effects of its factors.

    Attributes
    ----------
    factors : tuple of str
        The factors' names, in the order of the arrays below.
    crude : numpy.ndarray, shape (2,)
        The crude rates of the first and second population (× multiplier).
    difference : float
        ``crude[1] − crude[0]``.
    standardised : numpy.ndarray, shape (factors, 2)
        Each factor's standardised rates (Das Gupta): the rate of each population
        with that factor its own and the others standardised.
    effects : numpy.ndarray, shape (factors,)
        ``standardised[:, 1] − standardised[:, 0]``: they sum to ``difference``.
    percent : numpy.ndarray, shape (factors,)
        Each effect as a percentage of the difference (NaN when it is 0).
    contributions : numpy.ndarray, shape (factors, strata...)
        Each effect split by stratum (it sums to the effect).
    method : str
    multiplier : float
    """

    factors: tuple[str, ...]
    crude: FloatArray
    difference: float
    standardised: FloatArray
    effects: FloatArray
    percent: FloatArray
    contributions: FloatArray
    method: str
    multiplier: float


def _weights(factors: int) -> list[float]:
    """Weight of a term with s of the other factors taken from the other population."""
    return [
        math.factorial(s) * math.factorial(factors - 1 - s) / math.factorial(factors)
        for s in range(factors)
    ]


def _standardised(own: FloatArray, other: FloatArray, k: int) -> FloatArray:
    """Per stratum, factor k of ``own`` times the others averaged over both populations."""
    count = own.shape[0]
    others = [j for j in range(count) if j != k]
    weights = _weights(count)
    total = np.zeros(own.shape[1:])
    for size in range(count):
        for chosen in itertools.combinations(others, size):
            term = own[k].copy()
            for j in others:
                term = term * (other[j] if j in chosen else own[j])
            total = total + weights[size] * term
    return total


def _finish(
    names: tuple[str, ...], crude: FloatArray, by_stratum: FloatArray, method: str, scale: float
) -> Decomposition:
    """The decomposition from each factor's standardised rates by stratum (factors, 2, ...)."""
    standardised = by_stratum.sum(axis=tuple(range(2, by_stratum.ndim)))
    effects = standardised[:, 1] - standardised[:, 0]
    difference = float(crude[1] - crude[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(difference != 0, effects / difference * 100.0, np.nan)
    return Decomposition(names, crude, difference, standardised, effects, percent,
                         by_stratum[:, 1] - by_stratum[:, 0], method, scale)  # fmt: skip


def _result(
    first: FloatArray, second: FloatArray, names: tuple[str, ...], method: str, scale: float
) -> Decomposition:
    crude = np.array([np.prod(first, axis=0).sum(), np.prod(second, axis=0).sum()]) * scale
    by_stratum = np.stack([
        np.stack([_standardised(first, second, k), _standardised(second, first, k)])
        for k in range(first.shape[0])
    ])  # (factors, 2, strata...)  # fmt: skip
    return _finish(names, crude, by_stratum * scale, method, scale)


def _factor_array(values: object, name: str) -> FloatArray:
    if isinstance(values, np.ndarray) or not isinstance(values, Sequence):
        array = coerce_values(values, name)  # type: ignore[arg-type]
    else:
        parts = [coerce_values(v, f"{name}[{i}]") for i, v in enumerate(values)]
        try:
            array = np.stack(np.broadcast_arrays(*parts))
        except ValueError:
            raise InvalidInputError(f"{name}: the factors' shapes do not match") from None
    if array.ndim == 0:
        raise InvalidInputError(f"{name}: give one value (or array of strata) per factor")
    bad = ~np.isfinite(array)
    if bad.any():
        raise InvalidInputError(
            f"{name}: every factor needs a finite value in every stratum; got "
            f"{describe_positions(bad, array)}"
        )
    return np.asarray(array, dtype=np.float64)


def decompose_factors(
    factors_1: npt.ArrayLike | Sequence[npt.ArrayLike],
    factors_2: npt.ArrayLike | Sequence[npt.ArrayLike],
    *,
    names: Sequence[str] | None = None,
    multiplier: float = 1.0,
) -> Decomposition:
    """Das Gupta's decomposition of R = Σ over strata of a product of P factors.

    Parameters
    ----------
    factors_1, factors_2 : array_like, shape (P,) or (P, strata...)
        Each population's factors (a sequence of P arrays, or one array whose first
        axis is the factor): scalars for a rate that is a product of factors (Das
        Gupta's chapter 2), arrays over strata for a rate summed over strata (his
        chapter 4).
    names : sequence of str, optional
        The factors' names (default ``factor_1`` ...).
    multiplier : float, default 1

    Returns
    -------
    Decomposition

    Raises
    ------
    InvalidInputError
        Missing or infinite factors, shapes that do not match, fewer than 2 factors,
        names that do not match the factors.

    Examples
    --------
    Das Gupta's table 2.1: mean earnings = earnings per earner × the share of earners,
    black and white men, US 1980:

    >>> from mch_indicators import stats
    >>> d = stats.decompose_factors([10930, 0.717892], [16591, 0.825974],
    ...                             names=["per earner", "earners"])
    >>> d.effects.round(1).tolist(), d.percent.round(2).tolist()
    ([4369.9, 1487.3], [74.61, 25.39])
    """
    first = _factor_array(factors_1, "factors_1")
    second = _factor_array(factors_2, "factors_2")
    if first.shape != second.shape:
        raise InvalidInputError(
            f"factors_1 {first.shape} and factors_2 {second.shape} differ: the same factors "
            "and strata in both populations"
        )
    count = first.shape[0]
    if count < 2:
        raise InvalidInputError("give at least 2 factors (the first axis is the factor)")
    chosen = tuple(names) if names is not None else tuple(f"factor_{k + 1}" for k in range(count))
    if len(chosen) != count:
        raise InvalidInputError(f"names: {len(chosen)} names for {count} factors")
    return _result(first, second, chosen, "das-gupta", check_multiplier(multiplier))


def _shares(sizes: FloatArray, name: str) -> FloatArray:
    bad = ~np.isfinite(sizes) | (sizes < 0)
    if bad.any():
        raise InvalidInputError(
            f"{name}: stratum sizes must be finite and not negative; got "
            f"{describe_positions(bad, sizes)}"
        )
    total = sizes.sum()
    if total <= 0:
        raise InvalidInputError(f"{name}: the strata hold no one")
    shares: FloatArray = sizes / total
    return shares


def _cross_classified(shares: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Das Gupta's factors of a two-way composition: A (rows' variable), B (columns')."""
    rows = shares.sum(axis=1, keepdims=True)
    columns = shares.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.sqrt(np.where(columns > 0, shares / columns, 0.0) * rows)
        b = np.sqrt(np.where(rows > 0, shares / rows, 0.0) * columns)
    return a, b


def _rates(rates: FloatArray, sizes: tuple[FloatArray, FloatArray], name: str) -> FloatArray:
    """Stratum rates, where needed: a rate may be missing only where both sizes are 0."""
    needed = (sizes[0] > 0) | (sizes[1] > 0)
    bad = needed & ~np.isfinite(rates)
    if bad.any():
        raise InvalidInputError(
            f"{name}: a stratum with births in either population needs its rate in both "
            f"(merge strata with none); missing at {describe_positions(bad, rates)}"
        )
    return np.where(needed, rates, 0.0)


def decompose(
    rates_1: npt.ArrayLike,
    sizes_1: npt.ArrayLike,
    rates_2: npt.ArrayLike,
    sizes_2: npt.ArrayLike,
    *,
    method: str = "das-gupta",
    names: Sequence[str] | None = None,
    multiplier: float = 1.0,
) -> Decomposition:
    """Split the difference of two crude rates into composition and rate effects.

    Parameters
    ----------
    rates_1, rates_2 : array_like, shape (strata,) or (strata_a, strata_b)
        Stratum-specific rates of the first and the second population (deaths per
        birth by birth-weight group...). Two axes: a composition cross-classified by
        two variables.
    sizes_1, sizes_2 : array_like, the same shape
        Each stratum's population (births), or its share: normalised to shares.
    method : {"das-gupta", "kitagawa"}, default "das-gupta"
        Identical for one composition variable; Kitagawa's has no two-way form.
    names : sequence of str, optional
        The factors' names: default ``("composition", "rate")``, or
        ``("composition_a", "composition_b", "rate")`` for two axes.
    multiplier : float, default 1
        Scale of the rates and effects (1,000 for ‰).

    Returns
    -------
    Decomposition
        ``effects`` sum to ``difference`` (second crude rate minus the first).

    Raises
    ------
    InvalidInputError
        Shapes that differ, negative or missing sizes, a missing rate of a stratum
        with births, more than two axes, an unknown method.

    Examples
    --------
    Perinatal deaths per 1,000 births by birth weight (< 1500 g, 1500–2499 g,
    ≥ 2500 g) in 2015 and 2024: fewer very small babies, and lower weight-specific
    mortality:

    >>> from mch_indicators import stats
    >>> d = stats.decompose([0.30, 0.05, 0.004], [150, 700, 9150],
    ...                     [0.22, 0.04, 0.003], [120, 650, 9230], multiplier=1000)
    >>> d.crude.round(2).tolist(), round(d.difference, 2)
    ([11.66, 8.01], -3.65)
    >>> dict(zip(d.factors, d.effects.round(2).tolist()))
    {'composition': -0.98, 'rate': -2.67}
    """
    if method not in METHODS:
        raise InvalidInputError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    r1, r2 = coerce_values(rates_1, "rates_1"), coerce_values(rates_2, "rates_2")
    n1, n2 = coerce_values(sizes_1, "sizes_1"), coerce_values(sizes_2, "sizes_2")
    if not r1.shape == r2.shape == n1.shape == n2.shape:
        raise InvalidInputError(
            f"rates_1 {r1.shape}, sizes_1 {n1.shape}, rates_2 {r2.shape} and sizes_2 "
            f"{n2.shape} differ: one rate and one size per stratum, the same strata in both"
        )
    if r1.ndim not in (1, 2) or (method == "kitagawa" and r1.ndim != 1):
        raise InvalidInputError(
            "give strata along one axis (Kitagawa, Das Gupta) or two (a cross-classified "
            "composition: Das Gupta)"
        )
    c1, c2 = _shares(n1, "sizes_1"), _shares(n2, "sizes_2")
    r1 = _rates(r1, (n1, n2), "rates_1")
    r2 = _rates(r2, (n1, n2), "rates_2")
    default = ("composition", "rate") if r1.ndim == 1 else (
        "composition_a", "composition_b", "rate")  # fmt: skip
    chosen = tuple(names) if names is not None else default
    if len(chosen) != len(default):
        raise InvalidInputError(f"names: {len(chosen)} names for {len(default)} factors")
    scale = check_multiplier(multiplier)
    if r1.ndim == 1:
        return _result(np.stack([c1, r1]), np.stack([c2, r2]), chosen, method, scale)
    return _two_way(c1, r1, c2, r2, chosen, scale)


def _two_way(
    c1: FloatArray, r1: FloatArray, c2: FloatArray, r2: FloatArray, names: tuple[str, ...],
    scale: float,
) -> Decomposition:  # fmt: skip
    """Das Gupta's cross-classified composition: A and B split the composition effect."""
    a1, b1 = _cross_classified(c1)
    a2, b2 = _cross_classified(c2)
    mean_rate = (r1 + r2) / 2.0
    by_stratum = np.stack([
        np.stack([a1, a2]) * (b1 + b2) / 2.0 * mean_rate,
        np.stack([b1, b2]) * (a1 + a2) / 2.0 * mean_rate,
        np.stack([r1, r2]) * (c1 + c2) / 2.0,
    ])  # fmt: skip
    crude = np.array([(c1 * r1).sum(), (c2 * r2).sum()]) * scale
    return _finish(names, crude, by_stratum * scale, "das-gupta", scale)
