"""Column checks shared by every table adapter (pandas, and dask through its meta frame).

Each check raises :class:`InvalidInputError` naming the column (and the first
offending row by its index label); none modifies or copies the frame.
"""

from __future__ import annotations

import difflib
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._io._numbers import describe_bad_number, parse_numbers
from mch_indicators.stats._inputs import LARGEST_COUNT, SMALLEST_DENOMINATOR

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator
    from mch_indicators._result import Result

__all__ = [
    "Columns",
    "as_frame",
    "as_list",
    "check_count_range",
    "check_counts",
    "check_frame",
    "check_numeric",
    "count_columns",
    "group_codes",
    "label_of",
    "numbers",
    "pandas",
    "require",
    "resolve",
    "result_columns",
    "row_label",
]

FloatArray = npt.NDArray[np.float64]
Columns = str | Sequence[str] | None


def pandas() -> Any:
    """The pandas module, or an ImportError saying how to install it."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("tables need pandas: pip install 'mch-indicators[pandas]'") from None
    return pd


def as_frame(obj: Any) -> pd.DataFrame:
    """``obj`` typed as a DataFrame (pandas is imported lazily, so calls return Any)."""
    return cast("pd.DataFrame", obj)


def as_list(columns: Columns) -> list[str]:
    """One column name or several, as a list."""
    if columns is None:
        return []
    return [columns] if isinstance(columns, str) else list(columns)


def check_frame(frame: object, function: str) -> pd.DataFrame:
    """``frame`` if it is a pandas DataFrame, else an error naming ``function``."""
    pd = pandas()
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(
            f"{function}() needs a pandas DataFrame, got {type(frame).__name__}; for arrays "
            "use Indicator.compute(numerator, denominator)"
        )
    return as_frame(frame)


def require(
    frame: pd.DataFrame, columns: Sequence[str], role: str = "column", why: str = ""
) -> None:
    """Raise naming the first of ``columns`` missing from ``frame``, with the closest match."""
    for column in columns:
        if column not in frame.columns:
            close = difflib.get_close_matches(str(column), [str(c) for c in frame.columns], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            listed = ", ".join(map(str, frame.columns))
            raise InvalidInputError(
                f"missing column {column!r}{why}{hint}; the table has {listed}",
                column=str(column),
                message=f"{role} {column!r} is not in the frame{why}{hint} (columns: {listed})",
            )


def label_of(index: pd.Index[Any], position: int) -> Hashable:
    """The label of a row as a plain Python value (numpy scalars unwrapped)."""
    label: Hashable = index[position]
    if isinstance(label, tuple):
        return tuple(part.item() if isinstance(part, np.generic) else part for part in label)
    plain: Hashable = label.item() if isinstance(label, np.generic) else label
    return plain


def _text_numbers(frame: pd.DataFrame, column: str) -> FloatArray:
    """A text column read with the grammar of numbers, or an error at its first bad cell."""
    series = frame[column]
    booleans = series.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    if booleans.any():
        hint = "if they are counts of 1 and 0, convert the column with .astype(int)"
        raise InvalidInputError(
            f"holds True/False; {hint}",
            column=column,
            row=label_of(frame.index, int(np.flatnonzero(booleans)[0])),
            message=f"column {column!r} is not numeric: it holds True/False; {hint}",
        )
    values, bad = parse_numbers(series.map(lambda v: v if v is None else str(v)))
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        cell = series.iloc[position]
        row = label_of(frame.index, position)
        reason = describe_bad_number(cell)
        raise InvalidInputError(
            reason,
            column=column,
            row=row,
            message=f"column {column!r} is not numeric (dtype {series.dtype}): row {row!r} "
            f"holds {cell!r}; {reason}",
        )
    return values


def numbers(frame: pd.DataFrame, column: str, *, denominator: bool = False) -> FloatArray:
    """A count column as float64 (missing values as NaN), or an error naming the row.

    Numeric columns are taken as they are; text columns are read with the
    grammar of numbers of :func:`mch_indicators.read_table` (``26,954``; never
    ``9,5``); booleans are refused. Negative and infinite counts are refused
    with the label of the first such row.
    """
    pd = pandas()
    series = frame[column]
    if isinstance(series, pd.DataFrame):
        raise InvalidInputError(f"column {column!r} appears more than once in the frame")
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        hint = "if True/False are counts of 1 and 0, convert the column with .astype(int)"
        raise InvalidInputError(
            f"not numeric (dtype {dtype}); {hint}",
            column=column,
            message=f"column {column!r} is not numeric (dtype {dtype}); {hint}",
        )
    if pd.api.types.is_complex_dtype(dtype):
        raise InvalidInputError(
            f"holds complex numbers (dtype {dtype}); counts are real numbers", column=column
        )
    if pd.api.types.is_numeric_dtype(dtype):
        values: FloatArray = series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        values = _text_numbers(frame, column)
    check_count_range(values, frame.index, column, denominator=denominator)
    return values


def check_count_range(
    values: FloatArray, index: pd.Index[Any], column: str, *, denominator: bool = False
) -> None:
    """Raise naming the first row (by its label) whose count is out of range.

    Counts may not be negative, infinite or above 2**53; a ``denominator`` may not
    be positive and below 2**-53 either (see :func:`mch_indicators.stats` limits).
    A quick pass of reductions clears the common case.
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
    value = values[position]
    if value < 0:
        reason = f"counts cannot be negative ({value:g})"
    elif np.isinf(value):
        reason = f"counts must be finite ({value:g})"
    elif value > LARGEST_COUNT:
        reason = f"counts above 2**53 (about 9.0e15) are refused ({value:g})"
    else:
        reason = f"a denominator must be 0 or at least 2**-53 ({value:g})"
    raise InvalidInputError(reason, column=column, row=label_of(index, position))


def check_numeric(frame: pd.DataFrame, column: str) -> None:
    """Raise for a non-numeric count column without converting (or copying) it."""
    pd = pandas()
    dtype = frame[column].dtype if column in frame.columns else None
    if (
        dtype is None
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_complex_dtype(dtype)
        or not pd.api.types.is_numeric_dtype(dtype)
    ):
        numbers(frame, column)  # raises with the offending row


def resolve(indicator: str | Indicator, catalog: Catalog | None = None) -> Indicator:
    """An indicator by any key in ``catalog`` (default: the built-in one), or itself."""
    if catalog is None:
        from mch_indicators._catalog import builtin_catalog

        catalog = builtin_catalog()
    return catalog.get_indicator(indicator)


def count_columns(
    frame: pd.DataFrame,
    indicator: Indicator | None,
    numerator: str | None,
    denominator: str | None,
) -> tuple[str, str]:
    """The numerator and denominator columns: as named, else the terms' ids (or a long table's)."""
    if indicator is None:
        num, den = numerator or "numerator", denominator or "denominator"
        require(frame, ["indicator"], "column")
    else:
        num = numerator or indicator.numerator.id
        den = denominator or indicator.denominator.id
    for role, column, default in (
        ("numerator", num, numerator is None),
        ("denominator", den, denominator is None),
    ):
        why = (
            f" (the {role} term of {indicator.id}; name your column with {role}=)"
            if default and indicator is not None
            else ""
        )
        require(frame, [column], f"{role} column", why)
    return num, den


def result_columns(result: Result) -> dict[str, npt.NDArray[Any]]:
    """The output columns of a table adapter: :meth:`Result.columns` without details."""
    return result.columns(details=False)


def row_label(frame: pd.DataFrame, position: int, keys: Sequence[str]) -> str:
    """A row named by its index label and key columns: ``row 3 (county='河阳县', year=2021)``."""
    row = frame.iloc[position]
    label = frame.index[position]
    name = f"row {(label.item() if hasattr(label, 'item') else label)!r}"
    if not keys:
        return name
    values = ", ".join(
        f"{key}={(v.item() if hasattr(v, 'item') else v)!r}"
        for key, v in ((key, row[key]) for key in keys)
    )
    return f"{name} ({values})"


def check_counts(
    frame: pd.DataFrame, columns: Sequence[str], keys: Sequence[str]
) -> dict[str, FloatArray]:
    """The count columns as float64, refusing negative or infinite counts by row label.

    Missing counts stay NaN (the caller says what they mean).
    """
    pd = pandas()
    out = {}
    for column in columns:
        series = frame[column]
        dtype = getattr(series, "dtype", None)
        numeric = (
            dtype is not None
            and pd.api.types.is_numeric_dtype(dtype)
            and not pd.api.types.is_bool_dtype(dtype)
        )
        if numeric:  # name a bad row by its keys before the generic check does by index
            raw = series.to_numpy(dtype=np.float64, na_value=np.nan)
            with np.errstate(invalid="ignore"):
                bad = (raw < 0) | np.isinf(raw)
            if bad.any():
                first = int(np.argmax(bad))
                raise InvalidInputError(
                    f"column {column!r}: counts cannot be negative or infinite; "
                    f"{row_label(frame, first, keys)} holds {raw[first]!r}"
                )
        out[column] = numbers(frame, column)
    return out


def group_codes(
    frame: pd.DataFrame, keys: Sequence[str]
) -> tuple[npt.NDArray[np.intp], pd.DataFrame]:
    """Group number of each row (groups sorted by key) and one row of key values per group."""
    pd = pandas()
    if not keys:
        return np.zeros(len(frame), dtype=np.intp), pd.DataFrame(index=range(1))
    codes = frame.groupby(list(keys), sort=True, observed=True, dropna=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(frame))).groupby(codes).first().to_numpy()
    labels = frame[list(keys)].iloc[first].reset_index(drop=True)
    return codes.astype(np.intp), as_frame(labels)
