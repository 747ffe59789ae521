"""Direct and indirect age standardisation on plain arrays (numpy only).

Groups are rows and age bands columns: ``counts`` and ``populations`` have shape
``(groups, bands)``, the standard's weights shape ``(bands,)``. A missing count
counts as 0, as in PHEindicatormethods; a missing or zero population makes the
group's value NaN with a flag. Negative or infinite counts and populations are
refused with an error naming the group and band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._validate import (
    align_labelled,
    check_broadcast,
    check_confidence,
    check_multiplier,
    check_range,
    coerce_counts,
    describe_positions,
    owned,
)
from mch_indicators.stats._flags import FLAG_DTYPE, Flag
from mch_indicators.stats._intervals import poisson_count_limits
from mch_indicators.stats._types import FloatArray

__all__ = [
    "DSR_MIN_EVENTS",
    "Standardised",
    "direct_standardise",
    "dsr",
    "expected_counts",
    "indirect_standardise",
    "isr",
]


#: PHE withholds a directly standardised rate below this many events in the group.
DSR_MIN_EVENTS = 10


@dataclass(frozen=True, slots=True, eq=False)
class Standardised:
    """Per-group standardised values with their limits, totals and flags.

    ``limits`` holds (lower, upper) with one leading axis per confidence level;
    :attr:`lower` and :attr:`upper` are those of the first level.
    """

    value: FloatArray
    limits: tuple[FloatArray, FloatArray]
    confidence: tuple[float, ...]
    observed: FloatArray
    population: FloatArray
    expected: FloatArray | None
    flags: npt.NDArray[np.uint16]

    def __post_init__(self) -> None:
        for name in ("value", "observed", "population", "expected", "flags"):
            array = getattr(self, name)
            if array is not None:
                object.__setattr__(self, name, owned(array))
        object.__setattr__(self, "limits", tuple(owned(a) for a in self.limits))

    @property
    def lower(self) -> FloatArray:
        """Lower limits at the first confidence level."""
        lower: FloatArray = self.limits[0][0]
        return lower

    @property
    def upper(self) -> FloatArray:
        """Upper limits at the first confidence level."""
        upper: FloatArray = self.limits[1][0]
        return upper


def _population_flags(populations: FloatArray) -> npt.NDArray[np.uint16]:
    flags = np.zeros(populations.shape[0], dtype=FLAG_DTYPE)
    flags[np.isnan(populations).any(axis=1)] |= FLAG_DTYPE(Flag.MISSING)
    with np.errstate(invalid="ignore"):
        flags[(populations == 0).any(axis=1)] |= FLAG_DTYPE(Flag.ZERO_DENOMINATOR)
    return flags


def direct_standardise(
    counts: FloatArray,
    populations: FloatArray,
    weights: FloatArray,
    *,
    levels: tuple[float, ...],
    multiplier: float,
    frequencies: FloatArray | None = None,
    min_events: float = DSR_MIN_EVENTS,
) -> Standardised:
    """Directly standardised rates on validated arrays (see :func:`dsr`)."""
    x = np.nan_to_num(counts, nan=0.0)
    n = populations
    if frequencies is not None:
        f = np.asarray(frequencies, dtype=np.float64)
        events = (x * f).sum(axis=2)
        per_frequency = x
    else:
        f = np.ones(1)
        events = x
        per_frequency = x[..., np.newaxis]
    total_weight = float(weights.sum())
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = weights / n  # (groups, bands)
        value = (share * events).sum(axis=1) / total_weight
        variance = ((per_frequency * (share**2)[..., np.newaxis]).sum(axis=1) * f**2).sum(
            axis=1
        ) / total_weight**2
    observed = events.sum(axis=1)
    flags = _population_flags(n)
    bad = flags != 0
    few = observed < min_events
    flags[few & ~bad] |= FLAG_DTYPE(Flag.SUPPRESSED)
    value[bad | few] = np.nan
    lower = np.full((len(levels), value.size), np.nan)
    upper = np.full_like(lower, np.nan)
    ok = ~(bad | few)
    if ok.any():
        o = observed[ok]
        spread = np.sqrt(variance[ok] / o)
        for i, level in enumerate(levels):
            o_lower, o_upper = poisson_count_limits("byar", o, level)
            lower[i, ok] = (value[ok] + spread * (o_lower - o)) * multiplier
            upper[i, ok] = (value[ok] + spread * (o_upper - o)) * multiplier
    return Standardised(
        value=value * multiplier,
        limits=(lower, upper),
        confidence=levels,
        observed=observed,
        population=np.nansum(n, axis=1),
        expected=None,
        flags=flags,
    )


def _positive_weights(weights: npt.ArrayLike, name: str) -> FloatArray:
    w = coerce_counts(weights, name)
    if w.ndim != 1:
        raise InvalidInputError(f"{name} must be one weight per age band (1-d)")
    if np.isnan(w).any() or not (w > 0).all() or np.isinf(w).any():
        raise InvalidInputError(f"{name} must be positive finite numbers, one per age band")
    return w


def dsr(
    counts: npt.ArrayLike,
    populations: npt.ArrayLike,
    weights: npt.ArrayLike,
    *,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000.0,
    frequencies: npt.ArrayLike | None = None,
    min_events: float = DSR_MIN_EVENTS,
) -> Standardised:
    """Directly age-standardised rates with Dobson intervals, as PHE computes them.

    DSR = Σ wᵢ xᵢ / nᵢ / Σ wᵢ × multiplier; the limits scale Byar's limits of the
    group's total count O by √(var / O) (Dobson et al. 1991).

    Parameters
    ----------
    counts : array_like, shape (groups, bands) or (groups, bands, f)
        Events per group and age band (NaN counts as 0). With ``frequencies``,
        ``counts[..., k]`` is the number of individuals with ``frequencies[k]``
        events each (non-independent events, PHEindicatormethods 2.1): the
        variance is then Σ_k f_k² var_k.
    populations : array_like, shape (groups, bands)
        NaN makes the group NaN flagged MISSING; 0 flags ZERO_DENOMINATOR.
    weights : array_like, shape (bands,)
        The standard population's weight of each band, in the same order.
    confidence : float or sequence of float, default 0.95
    multiplier : float, default 100000
    frequencies : array_like, shape (f,), optional
    min_events : float, default 10
        Groups with fewer events get NaN flagged SUPPRESSED (PHE's rule); at least 1.

    Raises
    ------
    InvalidInputError
        Negative or infinite counts or populations (naming [group, band]),
        weights that are not positive, shapes that do not match.

    Examples
    --------
    One group of six age bands of women, weights of the European Standard
    Population 2013 (the same numbers as the table-level :func:`mch_indicators.dsr`):

    >>> from mch_indicators import stats
    >>> out = stats.dsr([[14, 31, 45, 38, 22, 9]], [[5210, 6020, 6480, 6900, 6100, 5800]],
    ...                 [5500, 6000, 6000, 6500, 7000, 7000])
    >>> out.value.round(4).tolist(), out.lower.round(4).tolist()
    ([419.0737], [356.2111])
    """
    levels = check_confidence(confidence)
    named = align_labelled(counts=counts, populations=populations)
    x = coerce_counts(named["counts"], "counts")
    n = coerce_counts(named["populations"], "populations")
    check_range(x, "counts")
    check_range(n, "populations", denominator=True)
    w = _positive_weights(weights, "weights")
    f = None if frequencies is None else _positive_weights(frequencies, "frequencies")
    want = 3 if f is not None else 2
    if x.ndim != want or n.ndim != 2 or x.shape[:2] != n.shape or n.shape[1] != w.size:
        raise InvalidInputError(
            f"counts of shape {x.shape}, populations of shape {n.shape} and {w.size} weights "
            "do not match: counts and populations are (groups, bands)"
            + (", counts (groups, bands, frequencies)" if f is not None else "")
        )
    if f is not None and x.shape[2] != f.size:
        raise InvalidInputError(f"{x.shape[2]} count columns for {f.size} frequencies")
    events = coerce_counts(min_events, "min_events")
    if events.ndim or not 1 <= float(events) <= 2.0**53:  # NaN fails too
        raise InvalidInputError(
            f"min_events must be one number of at least 1 (Dobson's limits need an event), "
            f"got {min_events!r}"
        )
    return direct_standardise(
        x, n, w, levels=levels, multiplier=check_multiplier(multiplier), frequencies=f,
        min_events=float(events),
    )  # fmt: skip


def expected_counts(
    populations: npt.ArrayLike,
    reference_counts: npt.ArrayLike,
    reference_populations: npt.ArrayLike,
) -> FloatArray:
    """Expected events ``n × X / N`` per element (a missing reference count counts as 0).

    Raises
    ------
    InvalidInputError
        Negative or infinite numbers, or a reference population of 0 (it has no rate).

    Examples
    --------
    >>> from mch_indicators import stats
    >>> stats.expected_counts([1000, 2000], [200, 900], [100000, 150000]).tolist()
    [2.0, 12.0]
    """
    named = align_labelled(
        populations=populations,
        reference_counts=reference_counts,
        reference_populations=reference_populations,
    )
    n = coerce_counts(named["populations"], "populations")
    ref_x = coerce_counts(named["reference_counts"], "reference_counts")
    ref_n = coerce_counts(named["reference_populations"], "reference_populations")
    check_range(n, "populations")
    check_range(ref_x, "reference_counts")
    check_range(ref_n, "reference_populations", denominator=True)
    check_broadcast(populations=n, reference_counts=ref_x, reference_populations=ref_n)
    zero = ref_n == 0
    if zero.any():
        raise InvalidInputError(
            "reference_populations: a reference population of 0 has no rate; got "
            + describe_positions(zero, ref_n)
        )
    with np.errstate(invalid="ignore"):
        expected: FloatArray = n * np.nan_to_num(ref_x, nan=0.0) / ref_n
    return expected


def indirect_standardise(
    observed: FloatArray,
    expected: FloatArray,
    *,
    levels: tuple[float, ...],
    scale: FloatArray | float,
) -> Standardised:
    """Indirectly standardised values on validated arrays (see :func:`isr`)."""
    flags = np.zeros(observed.shape, dtype=FLAG_DTYPE)
    flags[np.isnan(expected) | np.isnan(observed)] |= FLAG_DTYPE(Flag.MISSING)
    flags[expected == 0] |= FLAG_DTYPE(Flag.ZERO_DENOMINATOR)
    factor = np.broadcast_to(np.asarray(scale, dtype=np.float64), observed.shape)
    flags[np.isnan(factor)] |= FLAG_DTYPE(Flag.MISSING)  # a reference rate not known
    ok = flags == 0
    value = np.full(observed.shape, np.nan)
    lower = np.full((len(levels), observed.size), np.nan)
    upper = np.full_like(lower, np.nan)
    value[ok] = observed[ok] / expected[ok] * factor[ok]
    for i, level in enumerate(levels):
        o_lower, o_upper = poisson_count_limits("phe", observed[ok], level)
        lower[i, ok] = o_lower / expected[ok] * factor[ok]
        upper[i, ok] = o_upper / expected[ok] * factor[ok]
    return Standardised(
        value=value,
        limits=(lower, upper),
        confidence=levels,
        observed=observed,
        population=np.full(observed.shape, np.nan),
        expected=expected,
        flags=flags,
    )


def isr(
    observed: npt.ArrayLike,
    expected: npt.ArrayLike,
    *,
    confidence: float | Sequence[float] = 0.95,
    scale: npt.ArrayLike = 1.0,
) -> Standardised:
    """Indirectly standardised ratios ``O / E × scale``, exact below 10 events, Byar from 10.

    ``scale = 1`` gives the ratio, ``100`` the ratio × 100, and
    ``ΣX / ΣN × multiplier`` (the reference rate) the indirectly standardised rate.

    Parameters
    ----------
    observed, expected : array_like, shape (groups,)
        Observed events and expected events (:func:`expected_counts` summed over
        each group's bands). A missing value gives NaN flagged MISSING; no
        expected events NaN flagged ZERO_DENOMINATOR.

    Examples
    --------
    >>> from mch_indicators import stats
    >>> out = stats.isr([12, 3], [14, 0])
    >>> out.value.round(3).tolist(), stats.flag_labels(out.flags)
    ([0.857, nan], ['', 'ZERO_DENOMINATOR'])
    """
    levels = check_confidence(confidence)
    named = align_labelled(observed=observed, expected=expected, scale=scale)
    o = coerce_counts(named["observed"], "observed")
    e = coerce_counts(named["expected"], "expected")
    check_range(o, "observed")
    check_range(e, "expected", denominator=True)
    try:
        o, e = (np.ascontiguousarray(a) for a in np.broadcast_arrays(o, e))
    except ValueError:
        raise InvalidInputError(
            f"observed of shape {o.shape} and expected of shape {e.shape} do not broadcast"
        ) from None
    factor = coerce_counts(named["scale"], "scale")
    check_range(factor, "scale")
    with np.errstate(invalid="ignore"):
        if np.any(factor > 1e9):
            raise InvalidInputError("scale must be at most 1e9 (a rate per billion)")
    return indirect_standardise(o, e, levels=levels, scale=factor)
