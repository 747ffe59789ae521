"""The compiled block kernels (numba): imported only by :func:`._kernels.fused_kernels`.

Each function mirrors the numpy path operation by operation (see :mod:`._kernels`).
No fastmath: no reassociation and no fused multiply-add, so the numbers are numpy's.
``cache=True``: compiled once per machine, then loaded from disk by every process
(each dask or Spark worker); numba falls back to compiling where it cannot cache.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np

from mch_indicators._validate import LARGEST_COUNT, SMALLEST_DENOMINATOR

__all__ = ["count_block", "wilson_block"]

# The range of a plain count (a count outside it is refused on the numpy path).
_SMALLEST = SMALLEST_DENOMINATOR
_LARGEST = LARGEST_COUNT

#: Counts per step of the Poisson kernel: its temporaries stay in the first-level cache.
_STEP = 256

_jit = numba.njit(nogil=True, fastmath=False, error_model="numpy", cache=True)
_inline = numba.njit(nogil=True, fastmath=False, error_model="numpy", cache=True, inline="always")


@_inline
def _flag_of(x: float, n: float, thresholds: Any) -> Any:
    """The UNRELIABLE and ABOVE_DENOMINATOR bits of one plain element.

    ``thresholds`` is ``(few_below, r2, unreliable_bit, flag_above, above_bit)``.
    UNRELIABLE: fewer events than ``few_below``, or a binomial RSE² above ``r2``
    (``r2 = inf`` for Poisson data; ``few_below = -inf`` for no reliability flag);
    ABOVE_DENOMINATOR: ``x > n`` where ``flag_above``.
    """
    few_below, r2, unreliable_bit, flag_above, above_bit = thresholds
    flag = unreliable_bit & 0
    if x < few_below or (n - x) > r2 * n * x:
        flag |= unreliable_bit
    if flag_above and x > n:
        flag |= above_bit
    return flag


@_inline
def _keep_flags(step: Any, out: Any) -> None:
    """Copy a step's flags out only if it has any: an unflagged result's pages stay untouched."""
    flagged = step[0] & 0
    for i in range(step.shape[0]):
        flagged |= step[i]
    if flagged:
        for i in range(step.shape[0]):
            out[i] = step[i]


@_inline
def _horner(xs: Any, root: Any, s: Any, series: Any, out: Any) -> None:
    """Out = x + r·w, w = v_last, then w = w·s + v_i down to v_0: as ``series_limit``.

    Each step is one loop over the counts, which the compiler vectorises.
    """
    last = series.shape[0] - 1
    c = series[last]
    for i in range(xs.shape[0]):
        out[i] = c
    for m in range(last - 1, -1, -1):
        c = series[m]
        for i in range(xs.shape[0]):
            out[i] = out[i] * s[i] + c
    for i in range(xs.shape[0]):
        out[i] = xs[i] + out[i] * root[i]


@_inline
def _formulas(
    xs: Any, formula: int, z: float, series: Any, low: Any, high: Any, root: Any, s: Any
) -> None:
    """The limits of counts beyond the table by the method's formula, into ``low``, ``high``.

    The exact series as ``series_limit`` (r = sqrt(x), s = 1/r, then Horner), or
    Byar's and Wald's formulas as ``_byar_counts`` and ``_wald_counts`` (the cube
    as r·r·r). A count below the formula's range gives numbers that are not used.
    """
    if formula == 0:  # EXACT_SERIES
        for i in range(xs.shape[0]):
            root[i] = math.sqrt(xs[i])
            s[i] = 1.0 / root[i]
        _horner(xs, root, s, series[0], low)
        _horner(xs, root, s, series[1], high)
        return
    for i in range(xs.shape[0]):
        x = xs[i]
        if formula == 1:  # BYAR_FORMULA
            cube = 1.0 - 1.0 / (9.0 * x) - z / (3.0 * math.sqrt(x))
            low[i] = 0.0 if x == 0.0 else max(x * (cube * cube * cube), 0.0)
            x1 = x + 1.0
            cube = 1.0 - 1.0 / (9.0 * x1) + z / (3.0 * math.sqrt(x1))
            high[i] = x1 * (cube * cube * cube)
        else:  # WALD_FORMULA
            half = z * math.sqrt(x)
            low[i] = max(x - half, 0.0)
            high[i] = x + half


@_inline
def _count_outputs(
    xs: Any,
    ns: Any,
    copies: Any,
    scale: float,
    bounded: bool,
    thresholds: Any,
    low: Any,
    high: Any,
    outputs: Any,
) -> None:
    """Copies, value, limits (count limit/n·scale, kept around the value) and flags of a step.

    The copies are written out here and in :func:`_wilson_outputs` on purpose: the
    same lines as an inlined helper (taking the tuple or its four parts) made the
    Wilson kernel 2.4 times slower, and a copy per step after the loop 10 % slower
    (``benchmarks/speed.py --only arrays``, 2026-12-07).
    """
    x_own, n_own, copy_x, copy_n = copies
    value, lower, upper, flags = outputs  # flags: the step's own buffer
    for i in range(xs.shape[0]):
        x = xs[i]
        n = ns[i]
        if copy_x:
            x_own[i] = x
        if copy_n:
            n_own[i] = n
        v = (x * scale) / n
        if bounded:
            v = min(v, scale)
        value[i] = v
        lower[i] = min((low[i] / n) * scale, v)  # the value inside its limits
        upper[i] = max((high[i] / n) * scale, v)
        flags[i] = _flag_of(x, n, thresholds)


@_inline
def _wilson_outputs(
    xs: Any, ns: Any, copies: Any, scale: float, z: float, thresholds: Any, outputs: Any
) -> None:
    """Copies, value, Wilson limits and flags of a step (see :func:`wilson_block`)."""
    x_own, n_own, copy_x, copy_n = copies
    value, lower, upper, flags = outputs  # flags: the step's own buffer
    half_z2 = 0.5 * z * z
    twice = 2.0 * half_z2
    half_z = 0.5 * z
    for i in range(xs.shape[0]):
        x = xs[i]
        n = ns[i]
        if copy_x:
            x_own[i] = x
        if copy_n:
            n_own[i] = n
        v = min((x * scale) / n, scale)  # a proportion never above its scale
        y = n - x
        h = x * y
        h = h / n
        h = h * 4.0
        h = h + twice
        h = math.sqrt(h)
        h = h * half_z
        h = h + half_z2
        value[i] = v
        lower[i] = min(((x * x) / ((x + h) * n)) * scale, v)  # the value inside its limits
        upper[i] = max((1.0 - (y * y) / ((y + h) * n)) * scale, v)
        flags[i] = _flag_of(x, n, thresholds)


@_jit
def wilson_block(
    xs: Any, ns: Any, copies: Any, scale: float, z: float, thresholds: Any, outputs: Any
) -> bool:
    """Value, Wilson limits (conjugate form) and flags of one block of proportions.

    Mirrors ``_wilson`` and the fast path of ``compute_counts`` operation by
    operation: value = (x·scale)/n; h = ((x·y/n)·4 + 2·z²/2)^½ · (z/2) + z²/2;
    lower = x²/((x + h)·n); upper = 1 − y²/((y + h)·n); both times scale; then,
    as ``_contain``, the value capped at the scale and the limits widened to it.
    The counts are copied into the result's own arrays in the same loop.

    The arguments travel in the tuples every kernel shares: ``copies`` is
    ``(x_own, n_own, copy_x, copy_n)``, the result's own count arrays and
    whether to fill them; ``thresholds`` is ``(few_below, r2, unreliable_bit,
    flag_above, above_bit)`` (see :func:`_flag_of`); ``outputs`` is ``(value,
    lower, upper, flags)``, the block's slices of the result.
    """
    plain = True
    for j in range(xs.shape[0]):
        x = xs[j]
        n = ns[j]
        plain &= (x >= 0.0) & (x <= n) & (n >= _SMALLEST) & (n <= _LARGEST)  # NaN fails too
    if not plain:
        return False
    x_own, n_own, copy_x, copy_n = copies
    value, lower, upper, flags = outputs
    step_flags = np.empty(_STEP, dtype=flags.dtype)
    for start in range(0, xs.shape[0], _STEP):
        stop = min(start + _STEP, xs.shape[0])
        count = stop - start
        step_copies = (x_own[start:stop], n_own[start:stop], copy_x, copy_n)
        step = (value[start:stop], lower[start:stop], upper[start:stop], step_flags[:count])
        _wilson_outputs(xs[start:stop], ns[start:stop], step_copies, scale, z, thresholds, step)
        _keep_flags(step_flags[:count], flags[start:stop])
    return True


@_jit
def count_block(
    xs: Any,
    ns: Any,
    copies: Any,
    scale: float,
    table: Any,
    bounded: bool,
    thresholds: Any,
    outputs: Any,
) -> bool:
    """Value, Poisson limits and flags of one block of counts.

    Mirrors ``CountTable.limits`` and the fast path of ``compute_counts``:
    value = (x·scale)/n; the limits of a whole count below the table's size are
    looked up, those of a larger count computed by the method's formula; then
    lower = (limit/n)·scale, and as ``_contain``, a proportion capped at the scale
    and the limits widened to the value. A count below the table's size that is
    not whole leaves the block to numpy. The counts are copied in the same loop.
    ``table`` is ``(low, high, formula, z, low_series, high_series)``, a
    ``CountTable``'s arrays; the other tuples are :func:`wilson_block`'s.
    """
    low_table, high_table, formula, z, low_series, high_series = table
    x_own, n_own, copy_x, copy_n = copies
    value, lower, upper, flags = outputs
    size = float(low_table.shape[0])
    top = size - 1.0
    plain = True
    for j in range(xs.shape[0]):
        x = xs[j]
        n = ns[j]
        plain &= (x >= 0.0) & (x <= _LARGEST) & (n >= _SMALLEST) & (n <= _LARGEST)
        plain &= (x == math.floor(x)) | (x >= size)
        if bounded:
            plain &= x <= n
    if not plain:
        return False
    low_work, high_work = np.empty(_STEP), np.empty(_STEP)
    root_work, s_work = np.empty(_STEP), np.empty(_STEP)
    step_flags = np.empty(_STEP, dtype=flags.dtype)
    for start in range(0, xs.shape[0], _STEP):
        stop = min(start + _STEP, xs.shape[0])
        x_step = xs[start:stop]
        count = stop - start
        low, high = low_work[:count], high_work[:count]
        beyond = False
        for i in range(count):
            beyond |= x_step[i] >= size
        if beyond:
            series = (low_series, high_series)
            _formulas(x_step, formula, z, series, low, high, root_work, s_work)
        for i in range(count):  # the lookups, apart: the loops around them vectorise
            x = x_step[i]
            k = int(min(x, top))  # selects, not branches: counts mix small and large
            inside = x < size
            low[i] = low_table[k] if inside else low[i]
            high[i] = high_table[k] if inside else high[i]
        step_copies = (x_own[start:stop], n_own[start:stop], copy_x, copy_n)
        step = (value[start:stop], lower[start:stop], upper[start:stop], step_flags[:count])
        _count_outputs(
            x_step, ns[start:stop], step_copies, scale, bounded, thresholds, low, high, step
        )
        _keep_flags(step_flags[:count], flags[start:stop])
    return True
