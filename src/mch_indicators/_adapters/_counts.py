"""The one set of rules for a count column, whatever library holds the table.

pandas and dask (:mod:`._pandas._columns`) and polars, pyarrow and DuckDB
(:mod:`._narwhals`) each say what kind of values a column holds; the rules and
the errors are here, once:

- booleans are refused: True/False are not counts, even where an engine would
  add them up as 1 and 0;
- complex numbers, dates, time spans and other objects are refused;
- text is read with the grammar of table cells by pandas (an office's file
  read as text); an engine frame has typed columns, so text there is refused
  with a hint to cast it;
- integers above 2**53 are refused *exactly*, before a conversion to float
  could round 2**53 + 1 down to 2**53 and let it pass;
- then, as floats: negative, infinite and (for a denominator) positive values
  below 2**-53 are refused, naming the first such row.

A row is named by ``row_of(position)``: the index label of a pandas row, the
position of an engine's row (an engine frame has no index; position 0 is
the first row, as in a pandas frame with the default index).

Nothing here imports pandas or an engine.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from enum import Enum
from typing import NoReturn

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError, Words, words
from mch_indicators._validate import LARGEST_COUNT, SMALLEST_DENOMINATOR

__all__ = [
    "LARGEST_INTEGER",
    "Values",
    "check_count_range",
    "check_integers",
    "range_reason",
    "refuse_values",
]

FloatArray = npt.NDArray[np.float64]
RowOf = Callable[[int], Hashable]

#: 2**53 as an integer: integer counts are compared with it before any conversion.
LARGEST_INTEGER = 2**53


class Values(Enum):
    """What a column holds, as far as counting goes (each table library tells)."""

    NUMBERS = "numbers"
    INTEGERS = "integers"
    BOOLEANS = "True/False"
    COMPLEX = "complex numbers"
    DATES = "dates or times"
    TEXT = "text"
    OTHER = "values that are not numbers"


def refuse_values(
    column: str, held: Values, dtype: object, *, cast: str, row: Hashable | None = None
) -> NoReturn:
    """Raise the error of a count column holding ``held`` (not numbers).

    ``cast`` says how to convert the column in its own library, e.g.
    ``frame['x'].astype('int64')`` or ``cast it to Int64``.
    """
    if held is Values.BOOLEANS:
        hint = f"if True/False really are counts of 1 and 0, convert with {cast}"
        reason = f"holds True/False (dtype {dtype}); {hint}"
    elif held is Values.TEXT:
        reason = (
            f"holds text (dtype {dtype}); counts must be numbers: convert with {cast}, or read "
            "the file with mch.read_table, which reads counts written as text (26,954)"
        )
    else:
        reason = f"holds {held.value} (dtype {dtype}); counts are real numbers"
    raise InvalidInputError(
        reason, column=column, row=row, message=f"column {column!r} is not numeric: it {reason}"
    )


def range_reason(value: float | int, *, denominator: bool = False) -> Words | None:
    """Why one count is out of range, in English and Chinese, or None when it is a count.

    Counts may not be negative, infinite or above 2**53 (integers compared
    exactly); a ``denominator`` may not be positive and below 2**-53 either.

    Examples
    --------
    >>> range_reason(-1.0)
    Words(en='counts cannot be negative (-1)', zh='计数不能为负数（-1）')
    """
    if value < 0:
        return words("count_negative", value=f"{value:g}")
    if isinstance(value, float) and np.isinf(value):
        return words("count_infinite", value=f"{value:g}")
    if value > LARGEST_INTEGER:
        shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        return words("count_too_large", value=shown)
    if denominator and 0 < value < SMALLEST_DENOMINATOR:
        return words("count_denominator_too_small", value=f"{value:g}")
    return None


def _out_of_range(reason: Words | None, column: str, row: Hashable) -> InvalidInputError:
    """The refusal of a count out of range (:func:`range_reason`), in its cell."""
    said = reason or Words("", "")
    return InvalidInputError(said.en, reason_zh=said.zh, column=column, row=row)


def check_integers(values: npt.NDArray[np.integer], column: str, row_of: RowOf) -> None:
    """Raise naming the first integer above 2**53, compared as an integer (never rounded)."""
    if values.size == 0 or values.max() <= LARGEST_INTEGER:
        return
    position = int(np.argmax(values > LARGEST_INTEGER))
    raise _out_of_range(range_reason(int(values[position])), column, row_of(position))


def check_count_range(
    values: FloatArray, column: str, row_of: RowOf, *, denominator: bool = False
) -> None:
    """Raise naming the first row whose count is out of range (:func:`range_reason`).

    A quick pass of reductions clears the common case; missing values (NaN) pass.
    """
    smallest = SMALLEST_DENOMINATOR if denominator else 0.0
    # NaN makes both comparisons False: missing values take the careful path
    if values.size == 0 or (values.min() >= smallest and values.max() <= LARGEST_COUNT):
        return
    with np.errstate(invalid="ignore"):
        wrong = (values < 0) | (values > LARGEST_COUNT) | ((values > 0) & (values < smallest))
    if not wrong.any():
        return  # only missing values
    position = int(np.flatnonzero(wrong)[0])
    reason = range_reason(float(values[position]), denominator=denominator)
    raise _out_of_range(reason, column, row_of(position))
