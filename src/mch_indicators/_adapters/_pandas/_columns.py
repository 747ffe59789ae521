"""Column checks of the pandas adapter (dask checks its meta frame with them too).

Each check raises :class:`InvalidInputError` naming the column (and the first
offending row by its index label); none modifies or copies the frame.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from mch_indicators._adapters._counts import Values, check_integers, refuse_values
from mch_indicators._adapters._counts import check_count_range as check_range_by_row
from mch_indicators._checks import ERROR_KEY, PERCENT_KEY, CellMarks, place_text
from mch_indicators._errors import DECIMAL_COMMA, InvalidInputError, file_line
from mch_indicators._io._numbers import (
    bad_number_hint,
    describe_bad_number,
    dot_thousands,
    parse_numbers,
)
from mch_indicators._labels import Words, error_of, words
from mch_indicators._optional import pandas
from mch_indicators._result import limit_columns
from mch_indicators.stats import Flag, flag_labels

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Term
    from mch_indicators._result import Result
    from mch_indicators.stats import Suppression

__all__ = [
    "FLAG_CODES",
    "LabelCodes",
    "as_frame",
    "check_count_range",
    "check_counts",
    "check_frame",
    "check_numeric",
    "check_whole",
    "flag_column",
    "flag_masks",
    "frame_of",
    "group_codes",
    "is_number_column",
    "label_of",
    "numbers",
    "pandas",
    "percent_rows",
    "reasons_in",
    "result_columns",
    "row_label",
    "text_array",
]

FloatArray = npt.NDArray[np.float64]


def as_frame(obj: Any) -> pd.DataFrame:
    """``obj`` typed as a DataFrame (pandas is imported lazily, so calls return Any)."""
    return cast("pd.DataFrame", obj)


def check_frame(frame: object, function: str) -> pd.DataFrame:
    """``frame`` if it is a pandas DataFrame, else an error naming ``function``."""
    pd = pandas()
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(
            f"{function}() needs a pandas DataFrame, got {type(frame).__name__}; for arrays "
            "use Indicator.compute(numerator, denominator)"
        )
    return as_frame(frame)


def label_of(index: pd.Index[Any], position: int) -> Hashable:
    """The label of a row as a plain Python value (numpy scalars unwrapped).

    A row of a frame :func:`~mch_indicators.read_table` read (its index named
    ``line`` or ``row``) is a :class:`~mch_indicators._errors.FileLine`: messages
    name it as the file's line.
    """
    label: Hashable = index[position]
    if isinstance(label, tuple):
        return tuple(part.item() if isinstance(part, np.generic) else part for part in label)
    plain: Hashable = label.item() if isinstance(label, np.generic) else label
    return file_line(plain, getattr(index, "name", None))


def _cast_hint(column: str, dtype: str) -> str:
    return f"frame[{column!r}].astype({dtype!r})"


def _text_numbers(frame: pd.DataFrame, column: str, *, counts: bool = True) -> FloatArray:
    """A text column read with the grammar of numbers, or an error at its first bad cell.

    Counts written ``1.000`` (1, or 1,000 with a dot between the thousands?) are refused
    unless the column shows its dot as a decimal point (:func:`dot_thousands`).
    """
    series = frame[column]
    booleans = series.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    if booleans.any():
        row = label_of(frame.index, int(np.flatnonzero(booleans)[0]))
        refuse_values(column, Values.BOOLEANS, series.dtype, cast=_cast_hint(column, "int64"),
                      row=row)  # fmt: skip
    present = series.notna().to_numpy()  # None, NaN and a nullable column's <NA> alike
    texts = series.astype(object).where(present, None)
    values, bad = parse_numbers(texts.map(lambda v: v if v is None else str(v)))
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        cell = series.iloc[position]
        row = label_of(frame.index, position)
        reason = describe_bad_number(cell)
        raise InvalidInputError(
            reason.en,
            column=column,
            row=row,
            message=f"column {column!r} is not numeric (dtype {series.dtype}): row {row!r} "
            f"holds {cell!r}; {reason.en}",
            reason_zh=reason.zh,
            hint=bad_number_hint(cell),
        )
    if counts:
        ambiguous = dot_thousands(texts)
        if ambiguous.any():
            position = int(np.flatnonzero(ambiguous)[0])
            value = values[position]
            raise error_of(
                InvalidInputError, "count_dot_thousands", column=column,
                row=label_of(frame.index, position), cell=str(series.iloc[position]).strip(),
                one=f"{value:g}", thousands=f"{value * 1000:,.0f}", plain=f"{value * 1000:.0f}",
            )  # fmt: skip
    return values


def _held(dtype: Any) -> Values:
    """What a pandas column of ``dtype`` holds, for the rules of :mod:`.._counts`."""
    types = pandas().api.types
    if types.is_bool_dtype(dtype):
        return Values.BOOLEANS
    if types.is_complex_dtype(dtype):
        return Values.COMPLEX
    if types.is_integer_dtype(dtype):
        return Values.INTEGERS
    if types.is_numeric_dtype(dtype):
        return Values.NUMBERS
    return Values.TEXT  # object, string, dates...: read cell by cell with the grammar


def numbers(
    frame: pd.DataFrame, column: str, *, denominator: bool = False, counts: bool = True
) -> FloatArray:
    """A count column as float64 (missing values as NaN), or an error naming the row.

    The rules are those of every table library (:mod:`mch_indicators._adapters._counts`):
    numeric columns are taken as they are, integers above 2**53 refused before
    any rounding; text columns are read with the grammar of numbers of
    :func:`mch_indicators.read_table` (``26,954``; never ``9,5``); booleans are
    refused. Negative and infinite counts are refused with the label of the
    first such row. ``counts=False`` reads numbers that are not counts (years,
    indicator values) by the same rules, refusing only infinite ones: a
    negative year is a year.
    """
    pd = pandas()
    series = frame[column]
    if isinstance(series, pd.DataFrame):
        raise InvalidInputError(f"column {column!r} appears more than once in the frame")
    held = _held(series.dtype)
    if held in (Values.BOOLEANS, Values.COMPLEX):
        refuse_values(column, held, series.dtype, cast=_cast_hint(column, "int64"))
    if held is Values.INTEGERS and counts:
        exact = series.to_numpy(dtype=np.int64 if series.dtype.kind != "u" else np.uint64,
                                na_value=0)  # fmt: skip
        check_integers(exact, column, lambda position: label_of(frame.index, position))
    if held in (Values.INTEGERS, Values.NUMBERS):
        values: FloatArray = series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        values = _text_numbers(frame, column, counts=counts)
    if counts:
        check_count_range(values, frame.index, column, denominator=denominator)
    elif np.isinf(values).any():
        position = int(np.flatnonzero(np.isinf(values))[0])
        raise InvalidInputError(
            f"must hold finite numbers ({values[position]:g})",
            column=column, row=label_of(frame.index, position),
        )  # fmt: skip
    return values


def check_count_range(
    values: FloatArray, index: pd.Index[Any], column: str, *, denominator: bool = False
) -> None:
    """Raise naming the first row (by its label) whose count is out of range.

    Counts may not be negative, infinite or above 2**53; a ``denominator`` may not
    be positive and below 2**-53 either (see :func:`mch_indicators.stats` limits).
    """
    check_range_by_row(
        values, column, lambda position: label_of(index, position), denominator=denominator
    )


def percent_rows(
    frame: pd.DataFrame, column: Hashable, key: str = PERCENT_KEY
) -> tuple[Hashable, ...]:
    """The rows of ``frame`` whose ``column`` cell a workbook formats as a percentage.

    With ``key=ERROR_KEY``, the rows whose cell holds an Excel error (#DIV/0!...).
    """
    marks = getattr(frame, "attrs", {}).get(key)
    rows = marks.get(column) if isinstance(marks, CellMarks) else None
    if not rows:
        return ()
    present = frame.index.isin(list(rows))
    return tuple(label_of(frame.index, int(p)) for p in np.flatnonzero(present))


def check_whole(
    frame: pd.DataFrame | None,
    column: Hashable,
    values: FloatArray,
    term: Term | None,
    index: pd.Index[Any] | None = None,
) -> None:
    """Refuse a count that is not whole (unless its term is estimated), a percent or error cell.

    A term that counts people or events (every term not marked ``estimated``)
    takes whole numbers: ``26.954`` is an error naming the cell, with the hint
    :data:`~mch_indicators._errors.DECIMAL_COMMA` when it looks like ``26,954``
    written with a dot between the thousands. A cell formatted as a percentage in
    a workbook is no count either. Both are said in English and Chinese.
    """
    rows = index if index is not None else frame.index if frame is not None else None
    if frame is not None:
        percent = percent_rows(frame, column)
        if percent:
            raise error_of(
                InvalidInputError, "count_as_percent", column=str(column), row=percent[0]
            )
        failed = percent_rows(frame, column, ERROR_KEY)
        if failed:
            raise error_of(InvalidInputError, "count_as_error", column=str(column), row=failed[0])
    if term is not None and getattr(term, "estimated", False):
        return
    with np.errstate(invalid="ignore"):
        broken = np.isfinite(values) & (values != np.floor(values))
    if not broken.any():
        return
    position = int(np.flatnonzero(broken)[0])
    value = float(values[position])
    what = (
        words("a_count")
        if term is None
        else words("term_named", name=Words(term.name.en, term.name.zh), id=term.id)
    )
    thousands = round(value, 3) == value and round(value, 2) != value
    raise error_of(
        InvalidInputError,
        "not_whole_thousands" if thousands else "not_whole",
        hint=DECIMAL_COMMA if thousands else None,
        column=None if column is None else str(column),
        row=None if rows is None else label_of(rows, position),
        value=f"{value:g}", what=what, fixed=f"{value:.3f}", thousands=f"{round(value * 1000):,}",
    )  # fmt: skip


def is_number_column(series: pd.Series[Any]) -> bool:
    """Whether a column holds numbers (integers or floats; not booleans, complex or text)."""
    return _held(series.dtype) in (Values.INTEGERS, Values.NUMBERS)


def check_numeric(frame: pd.DataFrame, column: str) -> None:
    """Raise for a non-numeric count column without converting (or copying) it."""
    if column not in frame.columns or not is_number_column(frame[column]):
        numbers(frame, column)  # raises with the offending row


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


#: Codes of the ``flags`` categorical: every mask (0 to 2**len(Flag) - 1, 255 with
#: eight flags) fits; int8 would overflow from INCOMPLETE (128). pandas itself keeps
#: 256 categories in int16 codes (tested).
FLAG_CODES = np.int16


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
    return pd.Categorical.from_codes(flags.ravel().astype(FLAG_CODES), dtype=_flag_dtype())


def flag_masks(column: Any) -> npt.NDArray[np.int16]:
    """The masks of a ``flags`` column made by :func:`flag_column` (its codes), as a copy."""
    masks: npt.NDArray[np.int16] = np.asarray(column.cat.codes, dtype=FLAG_CODES).copy()
    return masks


class LabelCodes:
    """Codes of the label columns of a table (``indicator``, ``unit``, ``flags``).

    Label columns are categoricals with categories fixed before any data is
    seen (the indicator and its unit; for a long table every indicator of the
    catalog and every unit), so that a dask or Spark partition and the meta
    frame agree, and a column costs one or two bytes per row.
    """

    def __init__(self, size: int, indicators: Sequence[str], units: Sequence[str]) -> None:
        self.indicators = list(indicators)
        self.units = list(units)
        self.indicator = np.zeros(size, dtype=np.int16)
        self.unit = np.zeros(size, dtype=np.int16)
        self.flags = np.zeros(size, dtype=FLAG_CODES)

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
    lang: str = "en",
) -> dict[str, Any]:
    """The output columns of a table adapter, ready for a pandas DataFrame.

    ``indicator, numerator, denominator, value``, the limits, ``unit``,
    ``flags`` (and ``suppressed_because`` after a suppression); ``lean`` keeps
    only the value, the limits and the flags. Labels are categoricals
    (:class:`LabelCodes`). Numbers are writable arrays of their own: ``owned``
    (from :func:`~mch_indicators._compute.compute_owned`) are used as they are,
    the others are copied. Why a row was suppressed is said in ``lang``.
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
        columns["suppressed_because"] = text_array(result.reasons_in(lang))
    return columns


def reasons_in(
    frame: pd.DataFrame, rule: Suppression | None, catalog: Catalog, lang: str
) -> pd.DataFrame:
    """``frame`` (a result table) with its ``suppressed_because`` said in ``lang``.

    The reasons are the rule's own (``Suppression.reasons``), said again in ``lang``
    for the rows the rule withheld, from each row's counts and its indicator's family.
    English, or a table without the column or without the counts (``lean``), is
    ``frame`` itself; another language gives a copy.
    """
    wanted = {"indicator", "numerator", "denominator", "flags", "suppressed_because"}
    if lang == "en" or rule is None or not wanted <= set(frame.columns):
        return frame
    withheld = (flag_masks(frame["flags"]) & int(Flag.SUPPRESSED)) != 0
    if not withheld.any():
        return frame
    said = frame["suppressed_because"].to_numpy(dtype=object).copy()
    ids = frame["indicator"].astype(str).to_numpy()
    x = frame["numerator"].to_numpy(dtype=np.float64, na_value=np.nan)
    n = frame["denominator"].to_numpy(dtype=np.float64, na_value=np.nan)
    for key in np.unique(ids[withheld]):
        rows = withheld & (ids == key)
        binomial = catalog.get_indicator(str(key)).kind.family == "binomial"
        said[rows] = rule.reasons(x[rows], n[rows], binomial=binomial, lang=lang)
    out = frame.copy()
    out["suppressed_because"] = text_array(said.tolist())
    return out


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


def row_words(frame: pd.DataFrame, position: int, keys: Sequence[str]) -> str:
    """A row named in Chinese by its key cells (:func:`place_text`), else by its label."""
    shown = place_text(frame.iloc[position][key] for key in keys)
    row = f"行“{label_of(frame.index, position)}”"
    return f"{row}（{shown}）" if shown else row


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
                place = Words(row_label(frame, first, keys), row_words(frame, first, keys))
                raise error_of(
                    InvalidInputError, "count_column_out_of_range", place=place,
                    value=f"{raw[first]:g}", column=column,
                )  # fmt: skip
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
