"""Direct and indirect age standardisation on plain arrays (numpy only).

Groups are rows and age bands columns: ``counts`` and ``populations`` have shape
``(groups, bands)``, the standard's weights shape ``(bands,)``. Missing counts
count as 0, as in PHEindicatormethods; a missing or zero population makes the
group's value NaN with a flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mch_indicators._core._flags import FLAG_DTYPE, Flag
from mch_indicators._core._methods import poisson_count_limits

__all__ = [
    "StandardisedRates",
    "direct_standardise",
    "expected_counts",
    "indirect_standardise",
]

FloatArray = npt.NDArray[np.float64]

#: PHE withholds a directly standardised rate below this many events in the group.
DSR_MIN_EVENTS = 10


@dataclass(frozen=True)
class StandardisedRates:
    """Per-group results: value, limits per level, totals and flags."""

    value: FloatArray
    lower: FloatArray  # (levels, groups)
    upper: FloatArray
    observed: FloatArray
    population: FloatArray
    expected: FloatArray | None
    flags: npt.NDArray[np.uint16]


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
    min_events: int = DSR_MIN_EVENTS,
) -> StandardisedRates:
    """Directly standardised rates with Dobson intervals.

    ``counts`` has shape ``(groups, bands)``, or ``(groups, bands, f)`` for
    non-independent events: then ``counts[..., k]`` is the number of
    individuals with ``frequencies[k]`` events each, and the variance is
    ``Σ_k f_k² var_k`` (PHEindicatormethods 2.1, ``independent_events = FALSE``).
    Groups with fewer than ``min_events`` events are NaN with ``SUPPRESSED``.
    """
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
    with np.errstate(divide="ignore", invalid="ignore"):
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
    return StandardisedRates(
        value=value * multiplier,
        lower=lower,
        upper=upper,
        observed=observed,
        population=np.nansum(n, axis=1),
        expected=None,
        flags=flags,
    )


def expected_counts(
    populations: FloatArray, reference_counts: FloatArray, reference_populations: FloatArray
) -> FloatArray:
    """Expected events per row, ``n × X / N`` (a missing reference count counts as 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return populations * np.nan_to_num(reference_counts, nan=0.0) / reference_populations


def indirect_standardise(
    observed: FloatArray,
    expected: FloatArray,
    *,
    levels: tuple[float, ...],
    scale: FloatArray | float,
) -> StandardisedRates:
    """Indirectly standardised ratios (``scale = 1`` or 100) or rates.

    The value is ``O / E × scale`` with exact limits for O below 10 and Byar's
    from 10 (PHE's convention); a rate passes ``scale = ΣX/ΣN × multiplier``.
    A missing expected count (a missing population) gives NaN with MISSING;
    no expected events give NaN with ZERO_DENOMINATOR.
    """
    flags = np.zeros(observed.shape, dtype=FLAG_DTYPE)
    flags[np.isnan(expected) | np.isnan(observed)] |= FLAG_DTYPE(Flag.MISSING)
    flags[expected == 0] |= FLAG_DTYPE(Flag.ZERO_DENOMINATOR)
    ok = flags == 0
    factor = np.broadcast_to(np.asarray(scale, dtype=np.float64), observed.shape)
    value = np.full(observed.shape, np.nan)
    lower = np.full((len(levels), observed.size), np.nan)
    upper = np.full_like(lower, np.nan)
    value[ok] = observed[ok] / expected[ok] * factor[ok]
    for i, level in enumerate(levels):
        o_lower, o_upper = poisson_count_limits("phe", observed[ok], level)
        lower[i, ok] = o_lower / expected[ok] * factor[ok]
        upper[i, ok] = o_upper / expected[ok] * factor[ok]
    return StandardisedRates(
        value=value,
        lower=lower,
        upper=upper,
        observed=observed,
        population=np.full(observed.shape, np.nan),
        expected=expected,
        flags=flags,
    )
