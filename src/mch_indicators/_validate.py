"""Turning user input into validated float arrays, with errors that say where.

The package's one set of input checks: counts and values coerced to float arrays
(masked and missing values to NaN), ranges, broadcasting, confidence levels,
labelled inputs (pandas, xarray) aligned by label, results made read-only. The
statistics, the units, the model and the adapters all call these, so they sit
below all of them (numpy and the standard library only; see tests/layers.toml).
"""

from __future__ import annotations

import decimal
import functools
import inspect
import math
import numbers
import sys
from collections.abc import Callable, Hashable, Iterable
from typing import Any, ParamSpec, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import Hint, InvalidInputError, Words, error_of, words

__all__ = [
    "LARGEST_COUNT",
    "SMALLEST_DENOMINATOR",
    "Labelled",
    "align_labelled",
    "argument_words",
    "broadcast_counts",
    "check_broadcast",
    "check_confidence",
    "check_level",
    "check_multiplier",
    "check_range",
    "choice_error",
    "coerce_counts",
    "coerce_values",
    "describe_positions",
    "impossible_counts",
    "labelled",
    "labels_of",
    "level_label",
    "owned",
    "positions_words",
    "quoted",
    "read_only_fields",
    "refuse_impossible_counts",
    "shaped",
]

FloatArray = npt.NDArray[np.float64]

_MAX_LISTED = 5
_MAX_QUOTED = 40

#: Counts above 2**53 are refused: float64 holds whole numbers exactly only up to
#: there, and no population or count of events comes near it.
LARGEST_COUNT = 2.0**53
#: A positive denominator below 2**-53 is refused: no population is that small,
#: and dividing by it would overflow.
SMALLEST_DENOMINATOR = 2.0**-53


def describe_positions(
    mask: npt.NDArray[np.bool_], values: npt.NDArray[Any], *, quote: bool = True
) -> str:
    """List the first positions where ``mask`` is true, with their values."""
    return positions_words(mask, values, quote=quote).en


def positions_words(
    mask: npt.NDArray[np.bool_], values: npt.NDArray[Any], *, quote: bool = True
) -> Words:
    """:func:`describe_positions` in English and Chinese (``[1] = -1.0、[3] = -2.0``).

    Examples
    --------
    >>> said = positions_words(np.array(True), np.array(-1.0))
    >>> said.en, said.zh
    ('[scalar] = -1.0', '-1.0')
    """
    positions = np.argwhere(mask)
    shown: list[Words] = []
    for position in positions[:_MAX_LISTED]:
        index = tuple(int(i) for i in position)
        value = values[index]
        if isinstance(value, np.generic):
            value = value.item()
        text = _short(repr(value) if quote else str(value))
        if not index:
            scalar = words("positions_scalar", value=text)
            shown.append(scalar if quote else Words(f"[scalar]: {text}", scalar.zh))
            continue
        where = ", ".join(str(i) for i in index)
        item = f"[{where}] = {text}" if quote else f"[{where}]: {text}"
        shown.append(Words(item, item))
    extra = len(positions) - len(shown)
    listed = Words(", ".join(w.en for w in shown), "、".join(w.zh for w in shown))
    if extra > 0:
        return words("positions_more", shown=listed, count=extra)
    return listed


def choice_error(name: str, allowed: Iterable[str], value: object) -> InvalidInputError:
    """The refusal of an argument that is none of its ``allowed`` values, in both languages.

    Examples
    --------
    >>> error = choice_error("statistic", ("proportion", "rate"), "odds")
    >>> error.reason
    "statistic must be one of 'proportion', 'rate', got 'odds'"
    >>> error.reason_zh
    "statistic 须为以下之一：'proportion'、'rate'；收到 'odds'"
    """
    listed = Words.listing(repr(choice) for choice in allowed)
    return error_of(InvalidInputError, "choice", name=name, allowed=listed, value=value)


def argument_words(name: str) -> Words:
    """An argument's name said in both languages: ``numerator`` is 分子 in Chinese."""
    return _argument(name)


def _argument(name: str) -> Words:
    """The argument ``name`` said in both languages: the numerator is 分子 in Chinese."""
    if name in {"numerator", "denominator"}:
        return words(f"argument_{name}")
    return Words(name, name)


def _short(text: str) -> str:
    """``text``, cut to a readable length (a 400-digit number is not quoted whole)."""
    return text if len(text) <= _MAX_QUOTED else text[: _MAX_QUOTED - 1] + "…"


def quoted(value: object) -> Words:
    """``repr(value)`` cut to a readable length, for messages about any value.

    A number too long for Python to write out (more than 4,300 digits) is
    described, not printed, in English and Chinese; the value fills a message of
    either language (:class:`~mch_indicators._errors.Words`; ``str()`` is English).

    Examples
    --------
    >>> str(quoted("x" * 100))
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"
    >>> quoted(10**5000)
    Words(en='an integer of about 5001 digits', zh='约5001位的整数')
    """
    try:
        shown = _short(repr(value))
    except ValueError:  # int.__repr__ refuses beyond sys.get_int_max_str_digits()
        if isinstance(value, int):
            digits = int(abs(value).bit_length() * math.log10(2)) + 1
            return words("value_long_integer", digits=digits)
        return words("value_not_shown", kind=type(value).__name__)
    return Words(shown, shown)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if type(value).__name__ in {"NAType", "NaTType"}:  # pandas.NA / pandas.NaT
        return True
    return isinstance(value, float) and math.isnan(value)


def _from_objects(array: npt.NDArray[Any], name: str) -> FloatArray:
    out = np.empty(array.shape, dtype=np.float64)
    bad = np.zeros(array.shape, dtype=bool)
    for index, value in np.ndenumerate(array):
        if _is_missing(value):
            out[index] = np.nan
        elif isinstance(value, bool | np.bool_) or not isinstance(
            value, numbers.Real | decimal.Decimal
        ):
            bad[index] = True
        else:
            try:
                out[index] = float(value)
            except OverflowError:  # an int such as 10**400: beyond any float
                out[index] = np.inf  # refused as not finite by check_range
    if bad.any():
        raise error_of(
            InvalidInputError,
            "counts_not_numbers",
            name=_argument(name),
            positions=positions_words(bad, array),
        )
    return out


def _unmasked(values: Any) -> tuple[Any, npt.NDArray[np.bool_] | None]:
    """The data under a masked array and its mask (None for anything else)."""
    # numpy.ma is not imported by numpy itself: until someone imports it, no value can be a
    # masked array, and the first computation need not load it (about 10 ms)
    masked = sys.modules.get("numpy.ma")
    if masked is not None and isinstance(values, masked.MaskedArray):
        mask = np.ma.getmaskarray(values)
        return (np.ma.getdata(values), mask) if mask.any() else (np.ma.getdata(values), None)
    return values, None


def _mask_out(array: npt.NDArray[Any], mask: npt.NDArray[np.bool_]) -> npt.NDArray[Any]:
    """A copy of ``array`` with the masked elements missing (NaN, or None for objects)."""
    out = array.astype(np.float64 if array.dtype.kind in "iuf" else object)
    out[mask] = np.nan if out.dtype.kind == "f" else None
    return out


def coerce_counts(values: npt.ArrayLike, name: str) -> FloatArray:
    """Return ``values`` as a float64 array, or raise :class:`InvalidInputError`.

    NaN and None are kept as NaN (the caller flags them MISSING), and so are the
    masked elements of a masked array (their hidden values are never read).
    Booleans, text and complex numbers are refused with a message naming
    ``name`` and the first offending positions; :func:`check_range` refuses
    negative, infinite and too large values. The input is never modified; a
    float64 array is returned as is (not copied).
    """
    values, mask = _unmasked(values)
    if mask is not None:
        kind = np.asarray(values).dtype.kind
        if kind not in "bc":  # booleans and complex numbers are refused below anyway
            values = _mask_out(np.asarray(values), mask)
    try:
        # Python sequences go through the element-by-element check, which sees
        # booleans and None that numpy would silently turn into 1, 0 or NaN.
        sequence = isinstance(values, list | tuple)
        array = np.asarray(values, dtype=object if sequence else None)
    except ValueError as error:  # ragged nested sequences
        raise error_of(
            InvalidInputError, "counts_not_array", name=_argument(name), reason=error
        ) from None
    kind = array.dtype.kind
    if kind in "US":
        array = array.astype(object)
        kind = "O"
    if kind == "b":
        raise error_of(InvalidInputError, "counts_booleans", name=_argument(name))
    if kind in "iuf":
        counts: FloatArray = array.astype(np.float64, copy=False)
    elif kind == "O":
        counts = _from_objects(array, name)
    else:
        description = {"c": "kind_complex", "M": "kind_dates", "m": "kind_time_spans"}
        said = words(description[kind]) if kind in description else array.dtype.name
        raise error_of(InvalidInputError, "counts_not_real", name=_argument(name), kind=said)
    return counts


def coerce_values(values: npt.ArrayLike, name: str) -> FloatArray:
    """Numbers that are not counts (indicator values, years, rates) as float64.

    NaN is kept (a missing value), masked elements become NaN; booleans, text,
    objects and infinities are refused with an :class:`InvalidInputError`
    naming ``name``. Negative values are allowed (a rate of change can be).
    The input is never modified.

    Examples
    --------
    >>> coerce_values([1, 2.5, float("nan")], "values").tolist()
    [1.0, 2.5, nan]
    """
    values, mask = _unmasked(values)
    array = np.asarray(values)
    if array.dtype == bool or array.dtype.kind not in "iuf":
        raise error_of(
            InvalidInputError, "values_not_numbers", name=_argument(name), dtype=array.dtype
        )
    result: FloatArray = array.astype(np.float64)
    if mask is not None:
        result[mask] = np.nan
    if np.isinf(result).any():
        raise error_of(InvalidInputError, "values_not_finite", name=_argument(name))
    return result


def check_range(counts: FloatArray, name: str, *, denominator: bool = False) -> None:
    """Raise :class:`InvalidInputError` naming counts out of range, if any.

    Counts may not be negative, infinite or above :data:`LARGEST_COUNT` (2**53);
    a ``denominator`` may not be positive and below :data:`SMALLEST_DENOMINATOR`
    (2**-53) either. The compute loop checks ranges block by block on its fast
    path and calls this only when a block fails, to name the offending positions.
    """
    with np.errstate(invalid="ignore"):
        negative = counts < 0
        infinite = np.isinf(counts)
        huge = (counts > LARGEST_COUNT) & ~infinite
        tiny = (counts > 0) & (counts < SMALLEST_DENOMINATOR) if denominator else None
    for mask, key in (
        (negative, "counts_negative"),
        (infinite, "counts_infinite"),
        (huge, "counts_too_large"),
        (tiny, "denominator_too_small"),
    ):
        if mask is not None and mask.any():
            raise error_of(
                InvalidInputError,
                key,
                name=_argument(name),
                positions=positions_words(mask, counts),
            )


def refuse_impossible_counts(
    numerator: FloatArray,
    denominator: FloatArray,
    name: str | Words,
    *,
    zero_name: str | Words | None = None,
    events_over_zero: bool = True,
    proportion: bool = True,
    axes: Words | None = None,
    hint: Hint | None = None,
    rows: Callable[[int], Hashable] | None = None,
) -> None:
    """Refuse counts no population gives: events over 0, a proportion's numerator above n.

    The one refusal of the two, for every statistic and every table: events (a
    numerator above 0) over a denominator of 0 (unless ``events_over_zero`` is False:
    the computation flags them instead), then, for a ``proportion``, a numerator above
    its positive denominator. Raises :func:`impossible_counts`, blaming ``name``
    (``zero_name`` for the events over 0, when given); ``hint`` is the setting that
    lets it through. Missing counts (NaN) are never refused here.

    Examples
    --------
    >>> try:
    ...     refuse_impossible_counts(np.array([5.0, 12.0]), np.array([10.0, 10.0]), "numerator")
    ... except InvalidInputError as error:
    ...     print(error.reason)
    ...     print(error.reason_zh)
    numerator: exceeds its denominator, impossible for a proportion, at [1]: 12 > 10
    分子：大于分母，构成比不可能如此：[1]: 12 > 10
    """
    x, n = np.broadcast_arrays(numerator, denominator)
    with np.errstate(invalid="ignore"):
        zero = (x > 0) & (n == 0) if events_over_zero else None
        above = (x > n) & (n > 0) if proportion else None
    for mask, blamed, over_zero in ((zero, zero_name or name, True), (above, name, False)):
        if mask is not None and mask.any():
            raise impossible_counts(
                mask, x, n, blamed, over_zero=over_zero, axes=axes, hint=hint, rows=rows
            )


def impossible_counts(
    mask: npt.NDArray[np.bool_],
    numerator: FloatArray,
    denominator: FloatArray,
    name: str | Words,
    *,
    over_zero: bool = False,
    axes: Words | None = None,
    hint: Hint | None = None,
    rows: Callable[[int], Hashable] | None = None,
) -> InvalidInputError:
    """The refusal of the counts where ``mask`` holds, in English and Chinese.

    A proportion's numerator above its denominator (events over a denominator of 0
    when ``over_zero``), blaming ``name`` (``numerator`` is 分子 in Chinese). The words
    are ``[messages]`` of the label table, one entry per meaning, for every surface.
    Without ``rows``, the first positions are listed with both counts (``[1]: 12 > 10``,
    ``[3]: 2 / 0``), after ``axes`` (such as ``[series, year]``) when given. With
    ``rows`` (a row's label from its position, for a table's 1-d counts), the error is
    about the first row (:attr:`~mch_indicators._errors.MCHIndicatorsError.row`: a
    county, a ``(county, year)`` pair, a file's line) and says its counts and how many
    more rows are refused (``(12 > 10, and 2 more rows)``).

    Examples
    --------
    >>> error = impossible_counts(
    ...     np.array([False, True]), np.array([5.0, 12.0]), np.array([10.0, 10.0]),
    ...     "numerator", rows=lambda position: ("甲县", 2024),
    ... )
    >>> str(error)
    "row ('甲县', 2024): numerator: exceeds its denominator, impossible for a proportion (12 > 10)"
    >>> error.reason_zh
    '分子：大于分母，构成比不可能如此（12 > 10）'
    """
    key = "events_over_zero_denominator" if over_zero else "numerator_above_denominator"
    reason = words(key, name=name if isinstance(name, Words) else _argument(name))
    x, n = np.broadcast_arrays(numerator, denominator)
    sign = "/" if over_zero else ">"
    if rows is None:
        return error_of(
            InvalidInputError, "impossible_at", hint=hint, reason=reason,
            axes=axes or Words("", ""), positions=_pairs(mask, x, n, sign),
        )  # fmt: skip
    hits = np.flatnonzero(mask)
    first = int(hits[0])
    said = f"{x[first]:.15g} {sign} {n[first]:.15g}"
    counts = Words(said, said)
    if hits.size > 1:
        more = hits.size - 1
        counts = words("more_row" if more == 1 else "more_rows", shown=counts, count=more)
    return error_of(
        InvalidInputError, "impossible_counts", hint=hint, row=rows(first), reason=reason,
        counts=counts,
    )  # fmt: skip


def _pairs(mask: npt.NDArray[np.bool_], x: FloatArray, n: FloatArray, sign: str) -> Words:
    """The first positions of ``mask`` with both counts: ``[1]: 12 > 10`` (``12 > 10`` alone)."""
    pairs = np.empty(mask.shape, dtype=object)
    for position in np.argwhere(mask)[:_MAX_LISTED]:
        index = tuple(int(i) for i in position)
        pairs[index] = f"{x[index]:.15g} {sign} {n[index]:.15g}"
    return positions_words(mask, pairs, quote=False)


def check_multiplier(multiplier: object, name: str = "multiplier") -> float:
    """A display multiplier: a positive finite number up to 1e9 (per billion), as float."""
    if isinstance(multiplier, bool | np.bool_) or not isinstance(multiplier, numbers.Real):
        raise error_of(
            InvalidInputError, "multiplier_not_number", name=_argument(name), value=multiplier
        )
    value = float(multiplier)
    if not 0.0 < value <= 1e9:
        raise error_of(
            InvalidInputError, "multiplier_range", name=_argument(name), value=multiplier
        )
    return value


def read_only_fields(instance: object, names: tuple[str, ...]) -> None:
    """Replace each named array field of a frozen dataclass by a read-only view of it.

    For results the library has just computed (memory nobody else holds); inputs
    that may be someone else's memory go through :func:`owned` instead.
    """
    for name in names:
        view = np.asarray(getattr(instance, name)).view()
        view.flags.writeable = False
        object.__setattr__(instance, name, view)


def owned(array: Any) -> npt.NDArray[Any]:
    """A read-only array that nobody else can change: ``array`` or a copy.

    ``array`` itself is kept when no one can write to its memory. A read-only
    *view* of someone's array is not enough: its owner can still write to the
    memory, and anyone can set the view's ``writeable`` flag back. What is
    returned is a view of memory whose own flag is cleared: its ``writeable``
    flag cannot be set back.
    """
    given = np.asarray(array)
    root: Any = given
    while isinstance(root.base, np.ndarray):
        root = root.base
    if root.base is None and not root.flags.writeable:
        view = given.view()
        view.flags.writeable = False
        return view
    copy = np.array(given, copy=True)
    copy.flags.writeable = False
    view = copy.view()  # a view: numpy lets the owner of memory be made writeable again
    view.flags.writeable = False
    return view


def broadcast_counts(numerator: FloatArray, denominator: FloatArray) -> tuple[int, ...]:
    """Return the common shape of the two arrays or raise naming both shapes."""
    try:
        return tuple(np.broadcast_shapes(numerator.shape, denominator.shape))
    except ValueError:
        raise error_of(
            InvalidInputError,
            "counts_shapes",
            first=numerator.shape,
            second=denominator.shape,
        ) from None


def check_broadcast(**arrays: npt.NDArray[Any]) -> tuple[int, ...]:
    """The common shape of ``arrays``, or an error naming each argument and its shape."""
    try:
        return tuple(np.broadcast_shapes(*(a.shape for a in arrays.values())))
    except ValueError:
        shapes = [f"{name} {a.shape}" for name, a in arrays.items()]
        listed = Words.listing(shapes)
        raise error_of(InvalidInputError, "shapes_not_broadcast", shapes=listed) from None


def check_confidence(confidence: float | Iterable[float]) -> tuple[float, ...]:
    """Validate one or several confidence levels, each strictly between 0 and 1.

    Examples
    --------
    >>> check_confidence(0.95)
    (0.95,)
    >>> check_confidence((0.95, 0.998))
    (0.95, 0.998)
    """
    levels: list[object]
    if isinstance(confidence, numbers.Real | np.ndarray) and np.ndim(confidence) == 0:
        levels = [confidence]
    elif isinstance(confidence, Iterable) and not isinstance(confidence, str | bytes):
        levels = list(confidence)
    else:
        raise error_of(InvalidInputError, "confidence_not_number", value=confidence)
    if not levels:
        raise error_of(InvalidInputError, "confidence_none")
    checked: list[float] = []
    for level in levels:
        if isinstance(level, bool | np.bool_) or not isinstance(level, numbers.Real):
            raise error_of(InvalidInputError, "confidence_not_number", value=level)
        value = float(level)
        if not 0.0 < value < 1.0:
            advice = (
                words("confidence_percent", value=f"{value / 100:g}")
                if 1.0 < value < 100.0
                else ""
            )
            raise error_of(InvalidInputError, "confidence_range", value=level, advice=advice)
        for other in checked:
            if level_label(other) == level_label(value):
                same = (
                    words("confidence_given_twice")
                    if other == value
                    else words("confidence_too_close", other=other)
                )
                raise error_of(
                    InvalidInputError,
                    "confidence_twice",
                    value=value,
                    same=same,
                    label=level_label(value),
                )
        checked.append(value)
    return tuple(checked)


def check_level(confidence: object) -> float:
    """One confidence level, strictly between 0 and 1, checked as :func:`check_confidence`.

    For the statistics that take a single level (trends, joinpoints, smoothing).

    Examples
    --------
    >>> check_level(0.9)
    0.9
    >>> check_level(95)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    mch_indicators.InvalidInputError: confidence level 95 ...; did you mean 0.95?
    """
    if isinstance(confidence, numbers.Real) or (
        isinstance(confidence, np.ndarray) and confidence.ndim == 0
    ):
        return check_confidence(confidence)[0]  # type: ignore[arg-type]
    raise error_of(InvalidInputError, "confidence_not_one", value=confidence)


def level_label(level: float) -> str:
    """The label of a confidence level, exact to 10 significant digits.

    ``0.95`` -> ``'95'``, ``0.998`` -> ``'99.8'``, ``0.9500001`` -> ``'95.00001'``;
    :func:`check_confidence` refuses two levels with one label.

    Examples
    --------
    >>> level_label(0.998), level_label(0.9500001)
    ('99.8', '95.00001')
    """
    return f"{level * 100:.10g}"


# -- labelled inputs --------------------------------------------------------------------


def _library(value: object) -> str | None:
    """``"pandas"`` for a Series or DataFrame, ``"xarray"`` for a DataArray, else None."""
    module = type(value).__module__.partition(".")[0]
    if module == "pandas" and hasattr(value, "index") and hasattr(value, "reindex"):
        return "pandas"
    if module == "xarray" and hasattr(value, "dims") and hasattr(value, "coords"):
        return "xarray"
    return None


def _pandas_axes(value: Any) -> list[Any]:
    return [value.index, value.columns] if hasattr(value, "columns") else [value.index]


def _align_pandas(named: dict[str, Any], first: str, name: str) -> Any:
    """``named[name]`` reindexed to the labels of ``named[first]``, or an error saying why."""
    reference, value = named[first], named[name]
    ref_axes, axes = _pandas_axes(reference), _pandas_axes(value)
    if len(ref_axes) != len(axes):
        raise error_of(InvalidInputError, "labelled_kinds", first=first, second=name)
    if all(a.equals(b) for a, b in zip(ref_axes, axes, strict=True)):
        return value
    for axis, (mine, theirs) in enumerate(zip(ref_axes, axes, strict=True)):
        if mine.has_duplicates or theirs.has_duplicates:
            raise error_of(InvalidInputError, "labels_repeated", first=first, second=name)
        missing = mine.difference(theirs, sort=False)
        extra = theirs.difference(mine, sort=False)
        if len(missing) or len(extra):
            lone, owner = (missing, first) if len(missing) else (extra, name)
            raise error_of(
                InvalidInputError,
                "labels_differ",
                first=first,
                second=name,
                axis=words("labels_index" if axis == 0 else "labels_columns"),
                label=_short(repr(lone[0])),
                owner=owner,
                more=words("labels_more", count=len(lone) - 1) if len(lone) > 1 else "",
            )
    if len(axes) == 1:
        return value.reindex(ref_axes[0])
    return value.reindex(index=ref_axes[0], columns=ref_axes[1])


def _both(names: list[str]) -> Words:
    """``x and n`` in English, ``x 和 n`` in Chinese (the arguments paired by label)."""
    return Words(" and ".join(names), " 和 ".join(names))


def _align_xarray(named: dict[str, Any], labelled: list[str]) -> dict[str, Any]:
    import sys

    xr = sys.modules["xarray"]
    arrays = [named[n] for n in labelled]
    try:
        aligned = xr.align(*arrays, join="exact")
    except ValueError as error:
        raise error_of(
            InvalidInputError, "labels_dimensions", names=_both(labelled), reason=error
        ) from None
    dims = aligned[0].dims
    out = {}
    for name, array in zip(labelled, aligned, strict=True):
        if set(array.dims) != set(dims):
            raise error_of(
                InvalidInputError,
                "labels_dimension_names",
                first=labelled[0],
                dims=dims,
                second=name,
                other=array.dims,
            )
        out[name] = array.transpose(*dims)
    return out


def align_labelled(**named: Any) -> dict[str, Any]:
    """The arguments, with labelled ones (pandas objects, xarray DataArrays) paired by label.

    Values are never paired by position when they carry labels. The second and
    later pandas arguments are reordered to the first one's labels, and an
    :class:`InvalidInputError` says which label is missing when the labels differ.
    DataArrays must have the first one's coordinates in the same order (xarray's
    ``join="exact"``): the same labels in another order, like any other difference,
    are refused with an :class:`InvalidInputError`, never reordered; only their
    dimensions may come in another order, and are put in the first one's.
    Unlabelled arguments (arrays, lists, scalars) are returned as they are.

    Examples
    --------
    >>> import pandas as pd
    >>> out = align_labelled(x=pd.Series([1, 2], index=["A", "B"]),
    ...                      n=pd.Series([20, 10], index=["B", "A"]))
    >>> out["n"].tolist()
    [10, 20]
    """
    kinds = {name: _library(value) for name, value in named.items()}
    labelled = [name for name, kind in kinds.items() if kind is not None]
    if len(labelled) < 2:
        return named
    libraries = {kinds[name] for name in labelled}
    if len(libraries) > 1:
        raise error_of(InvalidInputError, "labels_mixed", names=_both(labelled))
    out = dict(named)
    if libraries == {"xarray"}:
        out.update(_align_xarray(named, labelled))
        return out
    for name in labelled[1:]:
        out[name] = _align_pandas(named, labelled[0], name)
    return out


class Labelled(Protocol):
    """A labelled array, for typing: a pandas Series or DataFrame (kept by :func:`shaped`)."""

    @property
    def index(self) -> Any: ...

    def __array__(self, dtype: Any = ..., /) -> npt.NDArray[Any]: ...


def _relabelled(values: Any, like: Any) -> Any:
    """``values`` with the labels of ``like`` (same shape), by ``like``'s own constructor."""
    if np.shape(values) != np.shape(like):
        return values
    data = np.array(values)  # the result's own memory, writable
    if _library(like) == "xarray":
        return type(like)(data, coords=like.coords, dims=like.dims)
    if hasattr(like, "columns"):
        return type(like)(data, index=like.index, columns=like.columns)
    return type(like)(data, index=like.index)


def shaped(result: Any, *inputs: object) -> Any:
    """``result`` (an array or a tuple of arrays) in the form of ``inputs``, as statsmodels.

    Python floats when every input is a scalar (a Python or numpy number, not a 0-d
    array); labelled like the first labelled input (a pandas Series or DataFrame, an
    xarray DataArray: built by its own type, so no library is imported here) where a
    result has its shape; otherwise the arrays as they are. Labelled inputs were paired
    by label first (:func:`align_labelled`), so the first one's labels are the result's.

    Examples
    --------
    >>> shaped((np.array(0.25), np.array(0.5)), 1, 4)
    (0.25, 0.5)
    >>> import pandas as pd
    >>> shaped(np.array([0.5, 1.0]), pd.Series([1, 2], index=["a", "b"]), 2).to_dict()
    {'a': 0.5, 'b': 1.0}
    """
    several = isinstance(result, tuple)
    arrays = result if several else (result,)
    if inputs and all(np.isscalar(value) for value in inputs):
        out = tuple(float(array) for array in arrays)
    else:
        like = next((value for value in inputs if _library(value) is not None), None)
        if like is None:
            return result
        out = tuple(_relabelled(array, like) for array in arrays)
    return out if several else out[0]


def labels_of(shape: tuple[int, ...], *inputs: object) -> Any:
    """The labels of a result of ``shape``: one per element, C order, or None.

    The first labelled input's (a pandas Series' index; a DataFrame's or an xarray
    DataArray's axes, as a MultiIndex with one level per axis), as :func:`shaped`
    labels its arrays: where that input has the result's shape and at least one
    dimension; otherwise None (unlabelled inputs, a scalar, or a broadcast that
    adds axes no label names). Labelled inputs were paired by label first
    (:func:`align_labelled`), so the first one's labels are every input's.

    Examples
    --------
    >>> import pandas as pd
    >>> labels_of((2,), pd.Series([1, 2], index=["A", "B"]), 10).tolist()
    ['A', 'B']
    >>> labels_of((2,), [1, 2], 10) is None
    True
    """
    like: Any = next((value for value in inputs if _library(value) is not None), None)
    if like is None or len(shape) == 0 or np.shape(like) != shape:
        return None
    if _library(like) == "xarray":
        axes = [like.get_index(dim) for dim in like.dims]
        names = list(like.dims)
    else:
        axes = _pandas_axes(like)
        names = [axis.name for axis in axes]
    if len(axes) == 1:
        return axes[0]
    pandas = sys.modules["pandas"]  # loaded: a pandas or xarray object exists
    named = [f"dim_{i}" if name is None else name for i, name in enumerate(names)]
    return pandas.MultiIndex.from_product(axes, names=named)


P = ParamSpec("P")
R = TypeVar("R")


def labelled(*names: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a function so that its arguments ``names`` are paired by label.

    Pandas Series and DataFrames, and xarray DataArrays, among those arguments
    go through :func:`align_labelled` before the function sees them.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def aligned(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            given = {n: bound.arguments[n] for n in names if n in bound.arguments}
            bound.arguments.update(align_labelled(**given))
            return function(*bound.args, **bound.kwargs)

        return aligned

    return decorate
