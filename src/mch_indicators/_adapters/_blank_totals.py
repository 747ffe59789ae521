"""Rows with a blank area cell that pandas takes out as totals, found inside an engine.

pandas reads a row whose area cell is blank as a total when its counts equal the
sums of two units or more of its group
(:func:`~mch_indicators._adapters._pandas._units.office_units` among strata) and takes
it out; an engine that sums rows where they are (polars,
pyarrow, DuckDB, dask, Spark) would count it as one more unit, doubling its group.
Each :class:`~mch_indicators._adapters._pandas._units.BlankTotal` is looked for here
with narwhals expressions, in the engine: the units' sums by group (``group_by``), the
blank rows joined to them, the first row that equals its group's sums kept. Only that
row's group texts come back (``head(1)``), never the frame. The group's columns are
compared as stripped text, a blank cell as ``""``, as pandas compares them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mch_indicators._adapters._pandas._units import BlankTotal

__all__ = ["blank_rows", "blank_total_hits"]

_KEY = "__mch_key_{}__"
#: What Python's ``str.strip()`` (so ``cell_text``) strips: every white space character,
#: U+3000 and the no-break space too, which pyarrow's and DuckDB's own strip keep.
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _is_text(dtype: Any) -> bool:
    import narwhals as nw

    return dtype in (nw.String, nw.Categorical, nw.Enum)


def blank_rows(column: str, dtype: Any) -> Any:
    """True where a label cell is blank: null, NaN, or text of spaces only (as ``cell_text``)."""
    import narwhals as nw

    cell = nw.col(column)
    if _is_text(dtype):
        blank = cell.cast(nw.String()).str.strip_chars(_SPACES) == ""
        return cell.is_null() | blank.fill_null(True)
    if dtype.is_float():
        return cell.is_null() | cell.is_nan().fill_null(True)
    return cell.is_null()


def _text(column: str, dtype: Any) -> Any:
    """A key column as text, stripped, ``""`` where blank (null keys join as pandas' do)."""
    import narwhals as nw

    text = nw.col(column).cast(nw.String())
    if _is_text(dtype):
        text = text.str.strip_chars(_SPACES)
    return nw.when(~blank_rows(column, dtype)).then(text).otherwise(nw.lit(""))


def _all(conditions: list[Any]) -> Any:
    """True where every condition is."""
    out = conditions[0]
    for condition in conditions[1:]:
        out = out & condition
    return out


def _missing(column: str, dtype: Any) -> Any:
    """True where a count is missing (null, or NaN in a float column)."""
    import narwhals as nw

    cell = nw.col(column)
    return cell.is_null() | cell.is_nan().fill_null(True) if dtype.is_float() else cell.is_null()


def blank_total_hits(frame: Any, level: BlankTotal) -> Any:
    """The group texts of the first row at ``level`` whose counts are its group's unit sums.

    ``frame`` is a narwhals DataFrame or LazyFrame; the result is of the same kind
    (one row or none, the group's columns as text), to be collected by the caller.
    """
    import narwhals as nw

    if isinstance(frame, nw.DataFrame) and not len(frame):
        return frame.head(0)  # nothing to look at (narwhals 2.9 cannot broadcast on no rows)
    schema = frame.collect_schema()
    keys = {_KEY.format(i): _text(c, schema[c]) for i, c in enumerate(level.group)}
    keys[_KEY.format("all")] = nw.lit("")  # a join key even for a group of every row
    names = list(keys)
    unit = [~blank_rows(c, schema[c]) for c in level.areas]
    at = [
        *(~blank_rows(c, schema[c]) for c in (*level.coarser, *level.filled)),
        blank_rows(level.column, schema[level.column]),
        *(blank_rows(c, schema[c]) for c in level.blank),
    ]
    counts: dict[str, Any] = {}
    for i, column in enumerate(level.counts):
        missing = _missing(column, schema[column])
        # in the column's own type: a cast of an integer above 2**53 to a float fails on
        # pyarrow, before the count checks that refuse it with their own message
        counts[f"__mch_count_{i}__"] = nw.when(missing).then(nw.lit(0)).otherwise(nw.col(column))
        counts[f"__mch_missing_{i}__"] = missing.cast(nw.Int64())
    # every expression on the whole frame, before a filter can leave it with no rows
    rows = frame.select(
        **keys, **counts, __mch_unit__=_all(unit), __mch_at__=_all(at),
        __mch_units__=nw.lit(1).cast(nw.Int64()),
    )  # fmt: skip
    sums = (
        rows.filter(nw.col("__mch_unit__"))
        .select(*names, *counts, "__mch_units__")
        .group_by(*names)
        .agg(
            *(nw.col(name).sum().alias(f"{name}sum") for name in counts),
            nw.col("__mch_units__").sum(),
        )
    )
    blanks = rows.filter(nw.col("__mch_at__")).select(*names, *counts)
    joined = blanks.join(sums, on=names, how="inner")
    same = [nw.col("__mch_units__") >= 2]
    for i in range(len(level.counts)):
        count, missing = f"__mch_count_{i}__", f"__mch_missing_{i}__"
        same += [
            nw.col(missing) == 0,
            nw.col(f"{missing}sum") == 0,
            nw.col(count) == nw.col(f"{count}sum"),
        ]
    positive = nw.col("__mch_count_0__") + nw.col("__mch_count_1__") > 0
    found = joined.filter(*same, positive)
    return found.select(*names[:-1]).head(1) if names[:-1] else found.select(names[-1]).head(1)
