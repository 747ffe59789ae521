"""Optional fused element-wise kernels (numba), identical to the numpy path.

The numpy code in :mod:`._methods` and :mod:`._compute` is the reference. When
numba is installed (``pip install 'mch-indicators[fast]'``), large computations
at one confidence level run a few fused loops per block instead of a dozen or
more array passes: Wilson limits for proportions, and Poisson limits looked up
in a table of whole counts (exact, Byar, PHE, Wald). Each kernel performs the
same floating-point operations in the same order as the numpy path, so the
results are identical bit for bit (tested). The compiled code is cached on
disk (numba's ``cache=True``, in ``__pycache__`` or ``NUMBA_CACHE_DIR``), so
worker processes load it instead of compiling again. ``MCH_INDICATORS_BACKEND=numpy``
turns the kernels off; ``=numba`` makes a missing numba an error instead of a
fallback.

Every kernel checks its whole block first and returns False, having written
nothing, when any element is not plain (missing, negative, infinite, zero
denominator, numerator above the denominator of a proportion, a count outside
the table): the caller then runs that block on the numpy path, which flags or
raises. The checking loop and the arithmetic loop are separate and free of
early exits so that the compiler can vectorise them.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from mch_indicators._validate import LARGEST_COUNT, SMALLEST_DENOMINATOR

__all__ = ["BACKEND_VARIABLE", "FusedKernels", "backend_choice", "fused_kernels"]

BACKEND_VARIABLE = "MCH_INDICATORS_BACKEND"

# The range of a plain denominator (a count outside it is refused on the numpy path).
_SMALLEST = SMALLEST_DENOMINATOR
_LARGEST = LARGEST_COUNT


def _flag_block(
    xb: Any,
    nb: Any,
    flags: Any,
    few_below: float,
    r2: float,
    unreliable_bit: Any,
    flag_above: bool,
    above_bit: Any,
) -> None:  # pragma: no cover - compiled by numba; checked against numpy in the tests
    """UNRELIABLE and, for coverage, ABOVE_DENOMINATOR flags of one block.

    UNRELIABLE: fewer events than ``few_below``, or a binomial RSE² above ``r2``
    (pass ``r2 = inf`` for Poisson data). Writes only the flagged elements, as
    the numpy path does.
    """
    for j in range(xb.shape[0]):
        x = xb[j]
        n = nb[j]
        if x < few_below or (n - x) > r2 * n * x:
            flags[j] |= unreliable_bit
        if flag_above and x > n:
            flags[j] |= above_bit


def _wilson_block(
    xb: Any,
    nb: Any,
    scale: float,
    z: float,
    value: Any,
    lower: Any,
    upper: Any,
) -> bool:  # pragma: no cover - compiled by numba; checked against numpy in the tests
    """Value and Wilson limits (conjugate form) of one block of proportions.

    Mirrors ``_wilson`` and the fast path of ``compute_counts`` operation by
    operation: value = (x·scale)/n; h = ((x·y/n)·4 + 2·z²/2)^½ · (z/2) + z²/2;
    lower = x²/((x + h)·n); upper = 1 − y²/((y + h)·n); both times scale; then,
    as ``_contain``, the value capped at the scale and the limits widened to it.
    """
    plain = True
    for j in range(xb.shape[0]):
        x = xb[j]
        n = nb[j]
        plain &= (x >= 0.0) & (x <= n) & (n >= _SMALLEST) & (n <= _LARGEST)  # NaN fails too
    if not plain:
        return False
    half_z2 = 0.5 * z * z
    twice = 2.0 * half_z2
    half_z = 0.5 * z
    for j in range(xb.shape[0]):
        x = xb[j]
        n = nb[j]
        v = min((x * scale) / n, scale)  # a proportion never above its scale
        y = n - x
        h = x * y
        h = h / n
        h = h * 4.0
        h = h + twice
        h = math.sqrt(h)
        h = h * half_z
        h = h + half_z2
        value[j] = v
        lower[j] = min(((x * x) / ((x + h) * n)) * scale, v)  # the value inside its limits
        upper[j] = max((1.0 - (y * y) / ((y + h) * n)) * scale, v)
    return True


def _table_block(
    xb: Any,
    nb: Any,
    scale: float,
    low_table: Any,
    high_table: Any,
    bounded: bool,
    value: Any,
    lower: Any,
    upper: Any,
) -> bool:  # pragma: no cover - compiled by numba; checked against numpy in the tests
    """Value and tabulated Poisson limits of one block of whole counts.

    Mirrors the table lookup of ``compute_counts``: value = (x·scale)/n,
    lower = (low_table[x]/n)·scale, upper = (high_table[x]/n)·scale; then, as
    ``_contain``, a proportion capped at the scale and the limits widened to the value.
    """
    top = float(low_table.shape[0] - 1)
    plain = True
    for j in range(xb.shape[0]):
        x = xb[j]
        n = nb[j]
        plain &= (x >= 0.0) & (x <= top) & (x == math.floor(x)) & (n >= _SMALLEST)
        plain &= n <= _LARGEST
        if bounded:
            plain &= x <= n
    if not plain:
        return False
    for j in range(xb.shape[0]):
        x = xb[j]
        n = nb[j]
        k = int(x)
        v = (x * scale) / n
        if bounded:
            v = min(v, scale)
        value[j] = v
        lower[j] = min((low_table[k] / n) * scale, v)  # the value inside its limits
        upper[j] = max((high_table[k] / n) * scale, v)
    return True


@dataclass(frozen=True, slots=True)
class FusedKernels:
    """The compiled block kernels (see the module docstring for their contracts)."""

    wilson: Callable[..., bool]
    table: Callable[..., bool]
    flags: Callable[..., None]


@cache
def backend_choice() -> str:
    """The backend asked for by ``MCH_INDICATORS_BACKEND``, checked on first use.

    Raises
    ------
    ConfigurationError
        A value other than ``auto``, ``numpy`` or ``numba``.
    """
    choice = os.environ.get(BACKEND_VARIABLE, "auto").strip().lower()
    if choice not in ("auto", "numpy", "numba"):
        from mch_indicators._errors import ConfigurationError

        raise ConfigurationError(
            f"{BACKEND_VARIABLE} must be auto, numpy or numba, got {choice!r}"
        )
    return choice


@cache
def fused_kernels() -> FusedKernels | None:
    """The compiled kernels, or None to use the numpy path."""
    choice = backend_choice()
    if choice == "numpy":
        return None
    try:
        import numba
    except ImportError:
        if choice == "numba":
            raise ImportError(
                f"{BACKEND_VARIABLE}=numba but numba is not installed: "
                "pip install 'mch-indicators[fast]'"
            ) from None
        return None
    # no fastmath: no reassociation and no fused multiply-add, so the numbers are numpy's;
    # cache=True: compiled once per machine, then loaded from disk by every process
    # (each dask or Spark worker); numba falls back to compiling where it cannot cache
    jit = numba.njit(nogil=True, fastmath=False, error_model="numpy", cache=True)
    return FusedKernels(jit(_wilson_block), jit(_table_block), jit(_flag_block))
