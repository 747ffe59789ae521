"""polars, pyarrow and DuckDB frames of counts, through narwhals.

:func:`mch_indicators.compute` and :func:`mch_indicators.pool` send here the
frames that are neither pandas, dask nor Spark. ``pool`` sums the counts by group
inside the engine (with a count of missing values, so that a missing stratum makes
its group NaN as in pandas) and computes the small table of sums; ``compute`` takes
the two count columns out as numpy arrays. Results come back in the input's
library (polars for polars, pyarrow for pyarrow and DuckDB).

pandas and dask keep their own adapters: they keep the frame's index (narwhals
has none), pandas' grouped sums are measured no slower, and dask returns a lazy
frame that this module would have to collect. Spark has its own too
(:mod:`._spark`): this module collects the rows (``compute``) or the table of
sums (``pool``) on the driver, which a Spark table of national size must not do;
``mapInPandas`` computes where the rows are and returns a lazy Spark DataFrame.
(Counting *records* on Spark, :func:`mch_indicators.count_records`, still goes
through narwhals: only sums come back.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import numpy.typing as npt

from mch_indicators._adapters._blank_totals import blank_total_hits
from mch_indicators._adapters._columns import as_list, numerator_of, refuse_count_keys
from mch_indicators._adapters._counts import (
    LARGEST_INTEGER,
    Values,
    check_count_range,
    check_integers,
    refuse_values,
)
from mch_indicators._adapters._keywords import FrameKeywords, PoolKeywords, options_of
from mch_indicators._adapters._native_tables import native_frame, order
from mch_indicators._adapters._pandas._columns import check_whole
from mch_indicators._adapters._pandas._units import BlankTotal, refuse_engine_totals
from mch_indicators._adapters._spellings import respellings
from mch_indicators._adapters._sums import group_counts
from mch_indicators._checks import place_text
from mch_indicators._errors import (
    ON_INVALID_LEAVE_OUT,
    Hint,
    InvalidInputError,
    Words,
    error_of,
    words,
)
from mch_indicators.stats import Flag, flag_labels

if TYPE_CHECKING:
    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator

__all__ = ["compute_any_frame", "folded_keys", "no_total_rows", "pool_any_frame"]


def _frame(data: Any) -> Any:
    import narwhals as nw

    return nw.from_native(data)


def _indicator(
    indicator: str | Indicator | None, function: str, catalog: Catalog | None
) -> Indicator:
    from mch_indicators._catalog import chosen_catalog

    if indicator is None:
        raise InvalidInputError(
            f"{function}() on a polars, pyarrow or DuckDB frame needs the indicator "
            "(long tables with an indicator column are for pandas)"
        )
    return chosen_catalog(catalog).get_indicator(indicator)


def _columns(
    frame: Any, chosen: Indicator, numerator: str | None, denominator: str | None
) -> tuple[str, str]:
    """The two count columns, refused unless they hold numbers (the rules of :mod:`._counts`)."""
    num = numerator or chosen.numerator.id
    den = denominator or chosen.denominator.id
    schema = frame.collect_schema()
    names = schema.names()
    for role, column in (("numerator", num), ("denominator", den)):
        if column not in names:
            raise InvalidInputError(
                f"{role} column {column!r} is not in the frame (columns: {', '.join(names)})"
            )
        held = _held(schema[column])
        if held not in (Values.NUMBERS, Values.INTEGERS):
            cast = f"a cast of {column!r} to Int64 or Float64 in the engine"
            refuse_values(column, held, schema[column], cast=cast)
    return num, den


def _held(dtype: Any) -> Values:
    """What an engine column of narwhals ``dtype`` holds, for the rules of :mod:`._counts`."""
    import narwhals as nw

    if dtype == nw.Boolean:
        return Values.BOOLEANS
    if dtype.is_integer():
        return Values.INTEGERS
    if dtype.is_numeric():  # floats and decimals
        return Values.NUMBERS
    if dtype.is_temporal():
        return Values.DATES
    if dtype in (nw.String, nw.Categorical, nw.Enum):
        return Values.TEXT
    return Values.OTHER


def _counts(frame: Any, column: str, *, denominator: bool) -> npt.NDArray[np.float64]:
    """A count column of an eager frame as float64, refused by row position as pandas would."""
    import narwhals as nw

    def row_of(position: int) -> int:
        return position

    if frame.collect_schema()[column].is_integer():  # exact, before a float rounds it
        exact = frame.select(nw.col(column).fill_null(0))[column].to_numpy()
        check_integers(exact, column, row_of)
    values = frame.select(nw.col(column).cast(nw.Float64()))[column].to_numpy()
    floats: npt.NDArray[np.float64] = np.asarray(values, dtype=np.float64)
    check_count_range(floats, column, row_of, denominator=denominator)
    return floats


def _not_whole(column: str, dtype: Any) -> Any:
    """The count on rows where it is finite and not a whole number, else null."""
    import narwhals as nw

    count = nw.col(column)
    if dtype.is_integer():
        return nw.lit(None).cast(nw.Float64())
    fraction = count.is_finite() & (count != count.floor())
    return nw.when(fraction.fill_null(False)).then(count.cast(nw.Float64()))


def _blank(column: str, dtype: Any) -> Any:
    """True on rows whose count is missing: null, or NaN in a float column.

    pandas reads NaN as missing, and an engine's CSV reader reads the text ``NaN`` as
    NaN; polars and DuckDB order NaN above every number, so it is tested first.
    """
    import narwhals as nw

    count = nw.col(column)
    return (
        count.is_null() | count.is_nan().fill_null(True) if dtype.is_float() else count.is_null()
    )


def _out_of_range(column: str, dtype: Any) -> Any:
    """True on rows whose count is negative, infinite or above 2**53 (False where missing)."""
    import narwhals as nw

    count = nw.col(column)
    wrong = (count < 0) | (count > LARGEST_INTEGER)
    if dtype.is_float():
        wrong = wrong | (count.abs() == float("inf"))
    return (wrong & ~_blank(column, dtype)).fill_null(False)


def no_total_rows(
    frame: Any, counts: tuple[str, str], catalog: Catalog | None, keys: Sequence[str] = ()
) -> None:
    """Refuse a frame holding a row pandas would take out as a total (labelled or blank).

    ``frame`` is any narwhals frame, eager or lazy (Spark's too): the distinct labels
    of the area columns and the blank-area rows that sum their group are computed in
    the engine; only those small answers are collected.
    """
    import narwhals as nw

    schema = frame.collect_schema()

    def distinct(column: str) -> list[Any]:
        if _held(schema[column]) is not Values.TEXT:  # numbers and dates hold no total word
            return []
        # group_by, not unique(): narwhals' unique() on DuckDB needs DuckDB 1.3 (floor 1.2)
        labels = frame.select(nw.col(column)).filter(~nw.col(column).is_null())
        values: list[Any] = _eager(labels.group_by(column).agg())[column].to_list()
        return values

    def blank_total(level: BlankTotal) -> list[Any] | None:
        found = _eager(blank_total_hits(frame, level))
        return list(found.row(0)) if len(found) else None

    refuse_engine_totals(
        schema.names(), counts, distinct, catalog, blank_total=blank_total, keys=keys
    )


def folded_keys(frame: Any, keys: Sequence[str]) -> Any:
    """``frame`` with each text key written as the first of its spellings, as pandas pools.

    ``frame`` is any narwhals frame, eager or lazy (Spark's too). The distinct values
    of each text key are collected (a few) and folded once in Python
    (:func:`~mch_indicators._adapters._spellings.respellings`); the answer is applied in
    the engine, as literals compared with the column (no SQL text is written), and only
    for keys where some spellings fold together: clean keys leave the frame as it is.
    A key keeps its type. "First" is the first in the table's order on polars and
    pyarrow; DuckDB, Spark and other SQL engines have no row order, and there a group
    is written as its smallest spelling.
    """
    import narwhals as nw

    schema = frame.collect_schema()
    changes: dict[str, Any] = {}
    for key in dict.fromkeys(keys):
        if _held(schema[key]) is not Values.TEXT:  # numbers and dates are never folded
            continue
        values, ordered = _distinct(frame, key)
        mapping = respellings(values, ordered=ordered)
        if not mapping:
            continue
        text = nw.col(key).cast(nw.String())  # pyarrow's string_view has no is_in
        if frame.implementation in (nw.Implementation.POLARS, nw.Implementation.PYARROW):
            # one lookup per row: every distinct value mapped (to itself where it stays)
            found = [value for value in values if value is not None]
            written = [mapping.get(value, value) for value in found]
            column = text.replace_strict(found, written, return_dtype=nw.String())
        else:  # SQL engines: replace_strict needs a default there, which narwhals 2.9 lacks
            targets: dict[str, list[str]] = {}
            for spelling, spelt in mapping.items():
                targets.setdefault(spelt, []).append(spelling)
            column = _respelt_column(text, list(targets.items()))
        changes[key] = column if schema[key] == nw.String else column.cast(schema[key])
    return frame.with_columns(**changes) if changes else frame


def _respelt_column(text: Any, targets: list[tuple[str, list[str]]]) -> Any:
    """``text`` with each group's spellings written as the group's: a balanced tree of tests.

    Each level asks whether a value is among the spellings of half the groups left,
    so a row takes about log2(groups) set lookups and the expression is as deep (a
    chain of one test per group went past Python's recursion limit at a few hundred
    groups, and asked every row every group).
    """
    import narwhals as nw

    if len(targets) == 1:
        written, spellings = targets[0]
        return nw.when(text.is_in(spellings)).then(nw.lit(written)).otherwise(text)
    half = len(targets) // 2
    first = [spelling for _, spellings in targets[:half] for spelling in spellings]
    return (
        nw.when(text.is_in(first))
        .then(_respelt_column(text, targets[:half]))
        .otherwise(_respelt_column(text, targets[half:]))
    )


def _distinct(frame: Any, key: str) -> tuple[list[Any], bool]:
    """The distinct values of ``key``, and whether they come in the table's order."""
    import narwhals as nw

    if not isinstance(frame, nw.LazyFrame):  # polars and pyarrow tables keep their order
        values: list[Any] = frame[key].unique(maintain_order=True).to_list()
        return values, True
    if frame.implementation is nw.Implementation.POLARS:
        import polars as pl

        native = nw.to_native(frame).select(pl.col(key).unique(maintain_order=True))
        return native.collect()[key].to_list(), True
    # group_by, not unique(): narwhals' unique() on DuckDB needs DuckDB 1.3 (floor 1.2)
    found = _eager(frame.select(nw.col(key)).group_by(key, drop_null_keys=True).agg())
    return found[key].to_list(), False


def _eager(frame: Any) -> Any:
    import narwhals as nw

    if isinstance(frame, nw.LazyFrame):
        if frame.implementation is nw.Implementation.POLARS:
            return frame.collect(engine="streaming")
        return frame.collect()
    return frame


def _out(columns: dict[str, Any], like: Any) -> Any:
    return native_frame(columns, "polars" if like.implementation.is_polars() else "pyarrow")


def _values(column: Any) -> Any:
    """A column kept beside the results, as numpy; a pyarrow dictionary column decoded first.

    pyarrow turns a dictionary (a pandas categorical) into numpy by taking its entries
    at the indices, missing ones included: a missing value came out as the first
    category (``[甲县, None]`` as ``[甲县, 甲县]``), and with no categories at all numpy
    raised ``IndexError``. Decoded to the categories' own type (text, numbers), a
    missing value stays missing; polars and DuckDB hand their categories over right.
    """
    import narwhals as nw

    dictionary = column.dtype in (nw.Categorical, nw.Enum)
    if dictionary and column.implementation is nw.Implementation.PYARROW:
        native = nw.to_native(column)  # a ChunkedArray of a dictionary type
        return native.cast(native.type.value_type).to_numpy()
    return column.to_numpy()


def compute_any_frame(
    data: Any, indicator: str | Indicator | None = None, **keywords: Unpack[FrameKeywords]
) -> Any:
    """Compute on every row of a polars, pyarrow or DuckDB frame."""
    from mch_indicators._compute import compute_indicator

    checked = options_of(keywords)
    chosen = _indicator(indicator, "compute", keywords.get("catalog"))
    frame = _eager(_frame(data))
    num, den = _columns(frame, chosen, keywords.get("numerator"), keywords.get("denominator"))
    no_total_rows(frame, (num, den), keywords.get("catalog"))
    x = _counts(frame, num, denominator=False)
    n = _counts(frame, den, denominator=True)
    positions: Any = range(len(x))  # an engine's rows are named by position
    check_whole(None, num, x, chosen.numerator, positions)
    check_whole(None, den, n, chosen.denominator, positions)
    result = compute_indicator(chosen, x, n, checked)
    kept = {name: _values(frame[name]) for name in frame.columns if name not in {num, den}}
    return _out({**kept, **result.columns(details=False)}, frame)


def pool_any_frame(
    data: Any, indicator: str | Indicator | None = None, **keywords: Unpack[PoolKeywords]
) -> Any:
    """Sum counts by group inside the engine, then compute the small table of sums."""
    import narwhals as nw

    from mch_indicators._compute import compute_indicator

    if keywords.get("over") is not None or keywords.get("window") is not None:
        raise InvalidInputError(
            "rolling windows (over=, window=) need a pandas or dask frame; pool by year "
            "first, then roll the small table in pandas"
        )
    checked = options_of(keywords)
    chosen = _indicator(indicator, "pool", keywords.get("catalog"))
    frame = _frame(data)
    num, den = _columns(frame, chosen, keywords.get("numerator"), keywords.get("denominator"))
    no_total_rows(frame, (num, den), keywords.get("catalog"))
    keys = as_list(keywords.get("by"))
    refuse_count_keys(keys, (num, den))
    missing = [key for key in keys if key not in frame.collect_schema().names()]
    if missing:
        raise InvalidInputError(f"grouping column {missing[0]!r} is not in the frame")
    frame = folded_keys(frame, keys)  # 城关镇 and 城关镇\u200b: one group, as pandas pools
    bounded = chosen.kind.family == "binomial"
    leave_out = bounded and checked.on_invalid == "flag"
    schema = frame.collect_schema()
    x, n = nw.col(num), nw.col(den)
    x_wrong, n_wrong = _out_of_range(num, schema[num]), _out_of_range(den, schema[den])
    x_blank, n_blank = _blank(num, schema[num]), _blank(den, schema[den])
    invalid = ((x > n) & ~x_blank & ~n_blank).fill_null(False) if bounded else nw.lit(False)
    # rows refused below are summed as 0 so that no cast fails and no integer sum wraps;
    # counts are summed as float64, as pandas sums them
    skipped = x_wrong | n_wrong | invalid if leave_out else x_wrong | n_wrong
    parts = {
        "__x": nw.when(skipped | x_blank).then(0).otherwise(x).cast(nw.Float64()),
        "__n": nw.when(skipped | n_blank).then(0).otherwise(n).cast(nw.Float64()),
        "__x_missing": x_blank.cast(nw.Int64()),
        "__n_missing": n_blank.cast(nw.Int64()),
        "__x_wrong": x_wrong.cast(nw.Int64()),
        "__n_wrong": n_wrong.cast(nw.Int64()),
        "__invalid": invalid.cast(nw.Int64()),
        "__units": nw.lit(1).cast(nw.Int64()),
    }
    odd = {f"__odd_{role}": _not_whole(column, schema[column])
           for role, column in (("x", num), ("n", den))}  # fmt: skip
    source = frame.select(*keys, **parts, **odd)
    sums = [nw.col(name).sum() for name in parts] + [nw.col(name).max() for name in odd]
    grouped = (
        source.group_by(*keys, drop_null_keys=False).agg(*sums) if keys else source.select(*sums)
    )
    table = _eager(grouped)
    rank = (
        order([np.asarray(table[k].to_list(), dtype=object) for k in keys])
        if keys
        else np.arange(len(table))
    )

    def column(name: str) -> npt.NDArray[np.float64]:
        values: npt.NDArray[np.float64] = table[name].to_numpy().astype(np.float64)[rank]
        return values

    kept = {key: np.asarray(table[key].to_list(), dtype=object)[rank] for key in keys}
    wrong = words("engine_counts_out_of_range")
    _refuse_rows(kept, keys, column("__x_wrong"), num, wrong)
    _refuse_rows(kept, keys, column("__n_wrong"), den, wrong)
    for role, name, term in (("x", num, chosen.numerator), ("n", den, chosen.denominator)):
        # per group, a count that is not whole (0 where every count is whole)
        odd_values = np.nan_to_num(column(f"__odd_{role}"), nan=0.0)
        if odd_values.any():  # the groups are named only when one is refused
            groups: Any = [_group(kept, keys, position) for position in range(len(odd_values))]
            check_whole(None, name, odd_values, term, groups)
    if bounded and not leave_out:
        above = words("numerator_above_denominator", name=numerator_of(chosen))
        _refuse_rows(kept, keys, column("__invalid"), None, above, hint=ON_INVALID_LEAVE_OUT)
    x_sum, n_sum = column("__x"), column("__n")
    x_sum[column("__x_missing") > 0] = np.nan
    n_sum[column("__n_missing") > 0] = np.nan
    for values, name in ((x_sum, num), (n_sum, den)):  # a group's sum can pass 2**53
        check_count_range(values, name, lambda position: _group(kept, keys, position))
    units = column("__units").astype(np.int64)
    pooled = units - column("__invalid").astype(np.int64) if leave_out else units
    x_sum, n_sum = group_counts(x_sum, n_sum, pooled.astype(np.float64))
    result = compute_indicator(chosen, x_sum, n_sum, checked)
    masks = result.flags.ravel().astype(np.int64)
    masks[pooled < units] |= int(Flag.INCOMPLETE)
    columns = {**result.columns(details=False), "flags": np.asarray(flag_labels(masks), object)}
    coverage = {"units": units, "units_pooled": pooled}
    return _out({**kept, **columns, **coverage}, frame)


def _group(kept: dict[str, Any], keys: list[str], position: int) -> Any:
    """The key value(s) of the group at ``position`` (None without keys: the one group)."""
    if not keys:
        return None
    values = tuple(kept[key][position] for key in keys)
    return values[0] if len(values) == 1 else values


def _refuse_rows(
    kept: dict[str, Any],
    keys: list[str],
    wrong: Any,
    column: str | None,
    reason: Words,
    hint: Hint | None = None,
) -> None:
    """Raise naming the first group holding a wrong row (an engine has no row labels)."""
    hit = np.flatnonzero(wrong > 0)
    if hit.size == 0:
        return
    first = int(hit[0])
    group = _group(kept, keys, first) if keys else None
    shown = Words(repr(group), place_text(group if isinstance(group, tuple) else [group]))
    where = words("engine_group", group=shown) if keys else words("engine_whole_table")
    raise error_of(
        InvalidInputError, "engine_rows_refused", reason=reason, count=int(wrong[first]),
        where=where, column=column, row=group, hint=hint,
    )  # fmt: skip
