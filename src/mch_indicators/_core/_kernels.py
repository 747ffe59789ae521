"""Optional fused element-wise kernels (numba), identical to the numpy path.

The numpy code in :mod:`._methods` and :mod:`._compute` is the reference. When
numba is installed (``pip install 'mch-indicators[fast]'``), large Wilson
computations at one confidence level run one fused loop per block instead of
about twenty array passes:
the same floating-point operations in the same order, so the results are
identical bit for bit (tested). ``MCH_INDICATORS_BACKEND=numpy`` turns the
kernels off; ``=numba`` makes a missing numba an error instead of a fallback.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from functools import cache
from typing import Any

__all__ = ["BACKEND_VARIABLE", "wilson_kernel"]

BACKEND_VARIABLE = "MCH_INDICATORS_BACKEND"


def _wilson_block(
    xb: Any,
    nb: Any,
    scale: float,
    z: float,
    value: Any,
    lower: Any,
    upper: Any,
    flags: Any,
    flag_few: bool,
    few_below: float,
    r2: float,
    bit: Any,
) -> bool:  # pragma: no cover - compiled by numba; checked against numpy in the tests
    """Value, Wilson limits (conjugate form) and UNRELIABLE flags of one block.

    Mirrors ``_wilson`` and the fast path of ``compute_counts`` operation by
    operation: value = (x·scale)/n; h = ((x·y/n)·4 + 2·z²/2)^½ · (z/2) + z²/2;
    lower = x²/((x + h)·n); upper = 1 − y²/((y + h)·n); both times scale.
    Returns False at the first element that is not a valid proportion (missing,
    negative, infinite, zero denominator, numerator above it): the caller then
    redoes the block on the numpy path, which flags or raises.
    """
    half_z2 = 0.5 * z * z
    twice = 2.0 * half_z2
    half_z = 0.5 * z
    for j in range(xb.shape[0]):
        x = xb[j]
        n = nb[j]
        if not (x >= 0.0 and x <= n and n > 0.0 and n < math.inf):  # NaN fails too
            return False
        value[j] = (x * scale) / n
        y = n - x
        h = x * y
        h = h / n
        h = h * 4.0
        h = h + twice
        h = math.sqrt(h)
        h = h * half_z
        h = h + half_z2
        lower[j] = ((x * x) / ((x + h) * n)) * scale
        upper[j] = (1.0 - (y * y) / ((y + h) * n)) * scale
        if flag_few and (x < few_below or (n - x) > r2 * n * x):
            flags[j] |= bit
    return True


@cache
def wilson_kernel() -> Callable[..., bool] | None:
    """The compiled Wilson block kernel, or None to use the numpy path."""
    choice = os.environ.get(BACKEND_VARIABLE, "auto").strip().lower()
    if choice not in ("auto", "numpy", "numba"):
        raise ValueError(f"{BACKEND_VARIABLE} must be auto, numpy or numba, got {choice!r}")
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
    compiled: Callable[..., bool] = numba.njit(
        nogil=True, fastmath=False, error_model="numpy", cache=False
    )(_wilson_block)
    return compiled
