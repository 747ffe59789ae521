"""Optional fused element-wise kernels (numba), identical to the numpy path.

The numpy code in :mod:`._intervals` and :mod:`._engine` is the reference. When
numba is installed (``pip install 'mch-indicators[fast]'``), large computations
at one confidence level run two fused loops per block (:mod:`._compiled`)
instead of a dozen or more array passes: one checks the block, the other writes
the value, the limits, the flags and the result's own copy of the counts, for
Wilson limits of proportions and for Poisson limits (exact, Byar, PHE, Wald:
looked up in a table of whole counts, or computed by the method's formula
beyond it). Each kernel performs the same floating-point operations in the same
order as the numpy path, so the results are identical bit for bit (tested).
The compiled code is cached on
disk (numba's ``cache=True``, in ``__pycache__`` or ``NUMBA_CACHE_DIR``), so
worker processes load it instead of compiling again. ``MCH_INDICATORS_BACKEND=numpy``
turns the kernels off; ``=numba`` makes a missing numba an error instead of a
fallback.

Every kernel checks its whole block first and returns False, having written
nothing, when any element is not plain (missing, negative, infinite, zero
denominator, numerator above the denominator of a proportion, a count below the
table's size that is not whole): the caller then runs that block on the numpy
path, which flags or raises. The checking loop is free of early exits so that
the compiler can vectorise it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

__all__ = ["BACKEND_VARIABLE", "FusedKernels", "backend_choice", "fused_kernels"]

BACKEND_VARIABLE = "MCH_INDICATORS_BACKEND"


@dataclass(frozen=True, slots=True)
class FusedKernels:
    """The compiled block kernels (see the module docstring for their contracts)."""

    wilson: Callable[..., bool]
    counts: Callable[..., bool]


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
        import numba  # noqa: F401 - only whether it is there
    except ImportError:
        if choice == "numba":
            raise ImportError(
                f"{BACKEND_VARIABLE}=numba but numba is not installed: "
                "pip install 'mch-indicators[fast]'"
            ) from None
        return None
    from mch_indicators.stats import _compiled

    return FusedKernels(_compiled.wilson_block, _compiled.count_block)
