"""Column checks shared by every table adapter (pandas, and dask through its meta frame).

Each check raises :class:`InvalidInputError` naming the column (and the first
offending row by its index label); none modifies or copies the frame.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator
    from mch_indicators._result import Result

__all__ = [
    "Columns",
    "as_frame",
    "as_list",
    "check_counts",
    "check_frame",
    "check_numeric",
    "count_columns",
    "group_codes",
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
            raise InvalidInputError(
                f"{role} {column!r} is not in the frame{why}{hint} (columns: "
                f"{', '.join(map(str, frame.columns))})"
            )


def _is_bool(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


def numbers(frame: pd.DataFrame, column: str) -> FloatArray:
    """A count column as float64 (missing values as NaN), or a clear error."""
    pd = pandas()
    series = frame[column]
    if isinstance(series, pd.DataFrame):
        raise InvalidInputError(f"column {column!r} appears more than once in the frame")
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        converted = pd.to_numeric(series, errors="coerce")
        bad = series[(converted.isna() & series.notna()) | series.map(_is_bool)].head(1)
        example = ""
        if len(bad):
            where = bad.index[0]
            where = where.item() if hasattr(where, "item") else where  # numpy -> Python
            example = f"; row {where!r} holds {bad.iloc[0]!r}"
        raise InvalidInputError(
            f"column {column!r} is not numeric (dtype {dtype}){example}; convert it with "
            "pandas.to_numeric first"
        )
    values: FloatArray = series.to_numpy(dtype=np.float64, na_value=np.nan)
    return values


def check_numeric(frame: pd.DataFrame, column: str) -> None:
    """Raise for a non-numeric count column without converting (or copying) it."""
    pd = pandas()
    dtype = frame[column].dtype if column in frame.columns else None
    if (
        dtype is None
        or pd.api.types.is_bool_dtype(dtype)
        or not pd.api.types.is_numeric_dtype(dtype)
    ):
        numbers(frame, column)  # raises with the offending row


def resolve(indicator: str | Indicator) -> Indicator:
    """An indicator of the built-in catalog by any key (or the indicator itself)."""
    from mch_indicators._catalog import builtin_catalog

    return builtin_catalog().get_indicator(indicator)


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
    out = {}
    for column in columns:
        values = numbers(frame, column)
        with np.errstate(invalid="ignore"):
            bad = (values < 0) | np.isinf(values)
        if bad.any():
            first = int(np.argmax(bad))
            raise InvalidInputError(
                f"column {column!r}: counts cannot be negative or infinite; "
                f"{row_label(frame, first, keys)} holds {values[first]!r}"
            )
        out[column] = values
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
