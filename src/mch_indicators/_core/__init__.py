"""The numeric core: plain numpy arrays in, plain numpy arrays out.

Nothing here imports pydantic, pint or pandas. The model layer
(:mod:`mch_indicators._model`) turns an indicator definition into the few
parameters these functions need (interval family, bounds, scale).
"""

from mch_indicators._core._compute import CoreResult, compute_counts
from mch_indicators._core._flags import Flag, flag_labels
from mch_indicators._core._inputs import broadcast_counts, check_confidence, coerce_counts
from mch_indicators._core._methods import METHODS, IntervalMethod, get_method
from mch_indicators._core._reliability import Reliability, Suppression, relative_standard_error

__all__ = [
    "METHODS",
    "CoreResult",
    "Flag",
    "IntervalMethod",
    "Reliability",
    "Suppression",
    "broadcast_counts",
    "check_confidence",
    "coerce_counts",
    "compute_counts",
    "flag_labels",
    "get_method",
    "relative_standard_error",
]
