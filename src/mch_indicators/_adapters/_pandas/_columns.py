"""Column checks shared by every table adapter (pandas, and dask through its meta frame).

Each check raises :class:`InvalidInputError` naming the column (and the first
offending row by its index label); none modifies or copies the frame.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._result import limit_columns
from mch_indicators.stats._flags import Flag, flag_labels

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator
    from mch_indicators._result import Result

__all__ = [
    "Columns",
    "LabelCodes",
    "as_frame",
    "as_list",
    "check_frame",
    "check_numeric",
    "count_columns",
    "flag_column",
    "frame_of",
    "numbers",
    "pandas",
    "require",
    "resolve",
    "result_columns",
    "text_array",
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
        if pd.api.types.is_bool_dtype(dtype) or (len(bad) and _is_bool(bad.iloc[0])):
            hint = (
                f"; if True/False really are counts of 1 and 0, convert with "
                f"frame[{column!r}].astype('int64')"
            )
        else:
            hint = "; convert it with pandas.to_numeric first"
        raise InvalidInputError(f"column {column!r} is not numeric (dtype {dtype}){example}{hint}")
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


def frame_of(kept: pd.DataFrame, columns: Mapping[str, Any], index: pd.Index[Any]) -> pd.DataFrame:
    """``kept``'s columns, then ``columns``, in one frame that aliases nothing writable.

    Under copy-on-write (pandas 3, or pandas 2 with the option on) the kept
    columns are shared, not copied: pandas copies them if either frame is
    written to. Otherwise they are copied. ``columns`` must be arrays of the
    frame's own (:func:`result_columns` makes them so): they are not copied.
    """
    pd = pandas()
    if int(pd.__version__.split(".")[0]) >= 3 or pd.options.mode.copy_on_write is True:
        shared = {name: kept[name] for name in kept.columns}
        return as_frame(pd.DataFrame({**shared, **columns}, index=index, copy=False))
    copied = {name: kept[name].array for name in kept.columns}
    return as_frame(pd.DataFrame({**copied, **columns}, index=index))


def text_array(values: Sequence[str]) -> Any:
    """Strings as the text dtype of the running pandas (``str`` in pandas 3, object in 2).

    Explicit, so that an empty frame (a dask meta frame) gets the dtype a full
    one gets: pandas 3 infers ``str`` from a list of strings but keeps ``object``
    for an empty one.
    """
    pd = pandas()
    dtype = "str" if int(pd.__version__.split(".")[0]) >= 3 else object
    return pd.array(list(values), dtype=dtype)


@cache
def _flag_dtype() -> Any:
    """Categories of the ``flags`` column: the label of every mask, in mask order.

    With every combination as a category, the categorical's codes *are* the
    flag masks, every partition shares one dtype, and nothing is looked up per row.
    """
    pd = pandas()
    return pd.CategoricalDtype(flag_labels(np.arange(1 << len(Flag))))


def flag_column(flags: npt.NDArray[np.integer[Any]]) -> Any:
    """Flag masks as the ``flags`` categorical of every table (codes = masks)."""
    pd = pandas()
    return pd.Categorical.from_codes(flags.ravel().astype(np.int8), dtype=_flag_dtype())


class LabelCodes:
    """Codes of the label columns of a table (``indicator``, ``unit``, ``flags``).

    Label columns are categoricals with categories fixed before any data is
    seen (the indicator and its unit; for a long table every built-in
    indicator and every unit), so that a dask or Spark partition and the
    meta frame agree, and a column costs one byte per row.
    """

    def __init__(self, size: int, indicators: Sequence[str], units: Sequence[str]) -> None:
        self.indicators = list(indicators)
        self.units = list(units)
        self.indicator = np.zeros(size, dtype=np.int16)
        self.unit = np.zeros(size, dtype=np.int16)
        self.flags = np.zeros(size, dtype=np.int8)

    def fill(self, result: Result, rows: Any = slice(None)) -> None:
        """Codes of ``result`` (whose elements are ``rows`` of the table)."""
        self.indicator[rows] = self.indicators.index(result.indicator.id)
        self.unit[rows] = self.units.index(result.unit)
        self.flags[rows] = result.flags.ravel()

    def column(self, name: str) -> Any:
        """The categorical column ``name`` (``indicator``, ``unit`` or ``flags``)."""
        pd = pandas()
        if name == "flags":
            return flag_column(self.flags)
        categories = self.indicators if name == "indicator" else self.units
        return pd.Categorical.from_codes(getattr(self, name), categories=categories)


def result_columns(
    result: Result,
    *,
    lean: bool = False,
    owned: Mapping[str, npt.NDArray[np.float64]] | None = None,
) -> dict[str, Any]:
    """The output columns of a table adapter, ready for a pandas DataFrame.

    ``indicator, numerator, denominator, value``, the limits, ``unit``,
    ``flags`` (and ``suppressed_because`` after a suppression); ``lean`` keeps
    only the value, the limits and the flags. Labels are categoricals
    (:class:`LabelCodes`). Numbers are writable arrays of their own: ``owned``
    (from :func:`~mch_indicators._compute.compute_owned`) are used as they are,
    the others are copied.
    """
    own = owned or {}
    codes = LabelCodes(result.size, [result.indicator.id], [result.unit])
    codes.fill(result)
    columns: dict[str, Any] = {}
    if not lean:
        columns["indicator"] = codes.column("indicator")
        columns["numerator"] = np.array(result.numerator.ravel())
        columns["denominator"] = np.array(result.denominator.ravel())
    columns["value"] = own["value"].ravel() if own else np.array(result.value.ravel())
    lower, upper = (own["lower"], own["upper"]) if own else result.limits
    for i, (low, high) in enumerate(limit_columns(result.confidence)):
        columns[low] = lower[i].ravel() if own else np.array(lower[i].ravel())
        columns[high] = upper[i].ravel() if own else np.array(upper[i].ravel())
    if not lean:
        columns["unit"] = codes.column("unit")
    columns["flags"] = codes.column("flags")
    if result.suppression is not None:
        columns["suppressed_because"] = text_array(result.reasons)
    return columns
