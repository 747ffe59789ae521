"""The types the statistics take and return, and the base of their results.

Named once for every module of ``stats``: the array aliases, the families of counts, and
:class:`ReadOnlyResult`, which makes every array field of a frozen result
dataclass read-only, so that no result restates its fields to protect them.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from mch_indicators._validate import read_only_fields

__all__ = ["BoolArray", "Family", "FloatArray", "IntArray", "ReadOnlyResult"]

#: Counts, values, limits: every number the statistics compute.
FloatArray = npt.NDArray[np.float64]
#: Whole numbers: positions, numbers of points or joinpoints, degrees of freedom.
IntArray = npt.NDArray[np.int64]
#: Masks: which elements are used, missing or flagged.
BoolArray = npt.NDArray[np.bool_]
#: The two families of counts: a numerator within its denominator (a proportion), or
#: events over a fixed denominator (rates, ratios).
Family = Literal["binomial", "poisson"]

#: The array fields of each result class, found once from its annotations.
_ARRAY_FIELDS: dict[type[Any], tuple[str, ...]] = {}


class ReadOnlyResult:
    """Base of a frozen result dataclass whose array fields nobody can write to.

    After construction (and after :func:`dataclasses.replace`), every field
    annotated as a numpy array, or as an array or None, holds a read-only view
    of its value (:func:`mch_indicators._validate.read_only_fields`); a field
    that is None stays None. The subclass declares its fields and nothing else.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> import numpy as np
    >>> @dataclass(frozen=True, slots=True)
    ... class Pair(ReadOnlyResult):
    ...     value: FloatArray
    ...     level: float
    >>> Pair(np.array([1.0, 2.0]), 0.95).value.flags.writeable
    False
    """

    __slots__ = ()

    def __post_init__(self) -> None:
        names = _array_fields(type(self))
        read_only_fields(self, tuple(name for name in names if getattr(self, name) is not None))


def _array_fields(result: type[Any]) -> tuple[str, ...]:
    """The fields of a result dataclass annotated as an array (or an array or None)."""
    names = _ARRAY_FIELDS.get(result)
    if names is None:
        hints = typing.get_type_hints(result)
        fields = dataclasses.fields(result)
        names = tuple(field.name for field in fields if _is_array(hints[field.name]))
        _ARRAY_FIELDS[result] = names
    return names


def _is_array(hint: object) -> bool:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return any(_is_array(member) for member in typing.get_args(hint))
    origin = typing.get_origin(hint) or hint
    aliased = getattr(origin, "__value__", None)  # a `type` alias: numpy's NDArray, Python 3.12+
    if aliased is not None:
        return _is_array(aliased)
    return origin is np.ndarray
