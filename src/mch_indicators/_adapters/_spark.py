"""Spark DataFrames in, lazy Spark DataFrames out (``pip install 'mch-indicators[spark]'``).

The one path for Spark in :func:`mch_indicators.compute` and
:func:`mch_indicators.pool` (polars, pyarrow and DuckDB frames go through
narwhals, :mod:`._narwhals`):

- ``compute`` runs the pandas adapter on each Arrow batch through
  ``DataFrame.mapInPandas``: one pass over the rows, where they are, with the
  output schema declared from the input's. The intervals are the library's own,
  so they cannot be written as Spark expressions; nothing is collected.
- ``pool`` sums the counts by group with Spark's own aggregation (a missing
  count makes its group's sum missing, as in pandas; each group's rows are
  counted for ``units``; a proportion's row whose numerator exceeds its
  denominator is refused, or left out of the sums with ``on_invalid="flag"``),
  rolls windows with a Spark window function, and computes the indicator on
  each batch of sums, again through ``mapInPandas``: the sums are never
  gathered on the driver, however many groups there are.

A pandas-on-Spark frame goes through its Spark DataFrame and comes back as one.
Nothing of the computation runs until Spark is asked for rows; an error found in a
batch reaches the driver as Spark's ``PythonException`` with the library's message
in it. Total rows are the exception: a row pandas would take out as a total (合计,
全县, or a blank area cell on a row summing its group's units) is refused when the
call is made, as on polars, pyarrow and DuckDB (:func:`._narwhals.no_total_rows`):
Spark computes the area columns' distinct labels and looks for such rows by its own
sums, and only those small answers reach the driver.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, Unpack

from mch_indicators._adapters._columns import as_list, require, resolve
from mch_indicators._adapters._keywords import ComputeKeywords, SplitPoolKeywords, options_of
from mch_indicators._adapters._pandas._compute import compute_frame, indicator_columns
from mch_indicators._adapters._pandas._pool import engine_pooling
from mch_indicators._adapters._standardise import (
    BandCells,
    DsrArguments,
    IsrArguments,
    isr_counts,
)
from mch_indicators._adapters._sums import POOLED, UNITS, Pooling, finish_table
from mch_indicators._errors import ON_INVALID_LEAVE_OUT, InvalidInputError
from mch_indicators._optional import pandas
from mch_indicators.stats._engine import within_task

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator

__all__ = ["compute_spark", "dsr_spark", "isr_spark", "pool_spark"]

_INDEX = "__mch_index_{}__"


def _pyspark() -> Any:
    try:
        import pyspark.sql.functions as functions
        import pyspark.sql.types as types
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("Spark needs pyspark: pip install 'mch-indicators[spark]'") from None
    return functions, types


def _on_spark(data: Any) -> bool:
    on_spark = sys.modules.get("pyspark.pandas")
    return on_spark is not None and isinstance(data, on_spark.DataFrame)


def _catalog(catalog: Catalog | None) -> Catalog:
    from mch_indicators._catalog import chosen_catalog

    return chosen_catalog(catalog)


def _column_frame(frame: Any) -> pd.DataFrame:
    """An empty pandas frame with the Spark frame's column names (for the name checks)."""
    empty: pd.DataFrame = pandas().DataFrame(columns=list(frame.columns))
    return empty


def _no_total_rows(
    frame: Any, counts: tuple[str, str], catalog: Catalog | None, keys: list[str] | None = None
) -> None:
    """Refuse a Spark frame holding a total row (labelled or blank), as the other engines do."""
    import narwhals as nw

    from mch_indicators._adapters._narwhals import no_total_rows

    no_total_rows(nw.from_native(frame), counts, catalog, keys or ())


def _folded_keys(frame: Any, keys: list[str]) -> Any:
    """A Spark frame with each text key written as one spelling of its group, as pandas pools.

    The distinct keys are collected and folded on the driver (a few values), and the
    answer applied in Spark (:func:`~mch_indicators._adapters._narwhals.folded_keys`);
    Spark has no row order, so a group is written as its smallest spelling. Clean keys
    leave the frame as it is.
    """
    import narwhals as nw

    from mch_indicators._adapters._narwhals import folded_keys

    if not keys:
        return frame
    found = folded_keys(nw.from_native(frame), keys)
    return nw.to_native(found)


def _counts(
    frame: Any,
    chosen: Indicator | None,
    numerator: str | None,
    denominator: str | None,
    catalog: Catalog | None,
) -> tuple[str, str]:
    """The count columns, found and checked as the pandas adapter finds them."""
    columns = _column_frame(frame)
    num, den, _ = indicator_columns(columns, chosen, numerator, denominator, catalog=catalog)
    _check_counts(frame, (num, den))
    return num, den


def _check_counts(frame: Any, columns: tuple[str, str]) -> None:
    _, types = _pyspark()
    fields = {field.name: field.dataType for field in frame.schema.fields}
    for column in columns:
        kind = fields[column]
        if isinstance(kind, types.BooleanType) or not isinstance(kind, types.NumericType):
            hint = (
                f"; if true/false really are counts of 1 and 0, cast it: "
                f"frame.withColumn({column!r}, col({column!r}).cast('int'))"
                if isinstance(kind, types.BooleanType)
                else f"; cast it: col({column!r}).cast('double')"
            )
            raise InvalidInputError(
                f"column {column!r} is not numeric (Spark type {kind.simpleString()}){hint}"
            )


def _output_fields(sample: pd.DataFrame, kept: list[Any]) -> Any:
    """The Spark schema of an output: ``kept`` fields, then the sample's other columns."""
    _, types = _pyspark()
    names = {field.name for field in kept}
    fields = list(kept)
    for name, dtype in sample.dtypes.items():
        if name in names:
            continue
        kind = (
            types.DoubleType()
            if dtype.kind == "f"
            else types.LongType()
            if dtype.kind in "iu"
            else types.StringType()
        )
        fields.append(types.StructField(str(name), kind, True))
    return types.StructType(fields)


def _batches(
    batches: Iterator[pd.DataFrame], function: Any, columns: list[str]
) -> Iterator[pd.DataFrame]:
    for batch in batches:
        with within_task():
            out = function(batch)
        for name in out.columns:  # Arrow takes the categories' strings
            if isinstance(out[name].dtype, pandas().CategoricalDtype):
                out[name] = out[name].astype(object)
        yield out[columns]


def _sample_indicator(catalog: Catalog | None) -> str:
    """An indicator id of ``catalog`` to compute a one-row sample with (for the schema)."""
    return next(i.id for i in _catalog(catalog).values() if i.computable)


def compute_spark(
    frame: Any, indicator: str | Indicator | None = None, **keywords: Unpack[ComputeKeywords]
) -> Any:
    """Lazy :func:`compute_frame` over the batches of a Spark DataFrame (``mapInPandas``)."""
    if _on_spark(frame):
        levels = frame.index.nlevels
        index = [_INDEX.format(i) for i in range(levels)]
        spark = frame.to_spark(index_col=index)
        out = compute_spark(spark, indicator, **keywords).pandas_api(index_col=index)
        out.index.names = frame.index.names
        return out
    options_of(keywords)  # checked before any batch runs
    catalog = keywords.get("catalog")
    chosen = None if indicator is None else resolve(indicator, catalog)
    num, den = _counts(
        frame, chosen, keywords.get("numerator"), keywords.get("denominator"), catalog
    )
    _no_total_rows(frame, (num, den), catalog)
    lean = keywords.get("lean", False)
    dropped = {num, den} if chosen is None and lean else {num, den, "indicator"}
    kept = [f for f in frame.schema.fields if f.name not in dropped]
    sample: dict[str, list[Any]] = {num: [1.0], den: [1.0]}
    if chosen is None:
        sample["indicator"] = [_sample_indicator(catalog)]
    found: ComputeKeywords = {**keywords, "numerator": num, "denominator": den}
    function = partial(compute_frame, indicator=indicator, **found)
    schema = _output_fields(function(pandas().DataFrame(sample)), kept)
    run = partial(_batches, function=function, columns=schema.fieldNames())
    return frame.mapInPandas(run, schema)


def pool_spark(
    frame: Any, indicator: str | Indicator | None = None, **keywords: Unpack[SplitPoolKeywords]
) -> Any:
    """Lazy :func:`pool` of a Spark DataFrame: Spark sums by group, then compute per batch."""
    if _on_spark(frame):
        return pool_spark(frame.to_spark(), indicator, **keywords).pandas_api()
    if keywords.get("split_out") is not None:
        raise InvalidInputError(
            "split_out= is for dask; Spark spreads the sums over spark.sql.shuffle.partitions"
        )
    functions, types = _pyspark()
    pooling = engine_pooling(_column_frame(frame), indicator, keywords)
    chosen, num, den, keys = pooling.chosen, pooling.numerator, pooling.denominator, pooling.keys
    _check_counts(frame, (num, den))
    _no_total_rows(frame, (num, den), pooling.catalog)
    frame = _folded_keys(frame, as_list(keywords.get("by")))
    fields = {field.name: field for field in frame.schema.fields}
    if chosen is None:
        ids = _canonical_ids(functions, pooling.catalog)
        frame = frame.withColumn("indicator", ids(frame["indicator"]))
        fields["indicator"] = types.StructField("indicator", types.StringType(), True)
    frame, marked = _checked_rows(frame, pooling, fields)
    sums = _group_sums(frame, keys, (num, den), fields, marked)
    # a long table's indicator column comes out of the computation, not the keys
    key_fields = [fields[k] for k in keys if chosen is not None or k != "indicator"]
    over, window = pooling.over, pooling.window
    if over is not None and window is not None:
        if not isinstance(fields[over].dataType, types.IntegralType):
            raise InvalidInputError(
                f"column {over!r} must hold whole numbers (years) to roll over; cast it to int"
            )
        sums = _rolling(sums, keys, over, window, (num, den), marked)
        key_fields.append(types.StructField("period", types.StringType(), True))
        pooling = pooling.rolled_in_engine()
    row: dict[str, list[Any]] = {key: [None] for key in pooling.keys}
    sample = pandas().DataFrame({**row, num: [1.0], den: [1.0], UNITS: [1]})
    if chosen is None:  # a long table's sample row needs an indicator of the catalog
        sample["indicator"] = _sample_indicator(pooling.catalog)
    finish = partial(finish_table, pooling=pooling)
    schema = _output_fields(finish(sample), key_fields)
    run = partial(_batches, function=finish, columns=schema.fieldNames())
    return sums.mapInPandas(run, schema)


def _canonical_ids(functions: Any, catalog: Catalog | None) -> Any:
    """A pandas UDF: a long table's indicator keys as ids ("MMR" and its id are one group)."""

    def ids(keys: pd.Series) -> pd.Series:
        found = {key: resolve(str(key), catalog).id for key in keys.dropna().unique()}
        return keys.map(found).astype(object)

    # pyspark reads the UDF's kind from its type hints, which it must resolve: this
    # module's annotations are strings naming ``pd``, imported for type checking only
    series = pandas().Series
    ids.__annotations__ = {"keys": series, "return": series}
    return functions.pandas_udf(ids, "string")


def _present(column: str, fields: Any) -> Any:
    """Not null, and not NaN for a floating column (Spark orders NaN above every number)."""
    functions, types = _pyspark()
    present = functions.col(column).isNotNull()
    if isinstance(fields[column].dataType, types.FractionalType):
        present = present & ~functions.isnan(functions.col(column))
    return present


def _checked_rows(frame: Any, pooling: Pooling, fields: Any) -> tuple[Any, bool]:
    """Rows whose numerator exceeds the denominator of a proportion: refused, or left out.

    As :func:`pool` does: an error naming the row by its keys, or with
    ``on_invalid="flag"`` counts of 0 and a :data:`POOLED` mark of 0 (True
    returned: the rows carry the mark).
    """
    chosen, num, den, keys = pooling.chosen, pooling.numerator, pooling.denominator, pooling.keys
    catalog, options = pooling.catalog, pooling.options
    functions, _ = _pyspark()
    col = functions.col
    if chosen is not None and chosen.kind.family != "binomial":
        return frame, False
    if chosen is None:
        proportions = [i.id for i in _catalog(catalog).values() if i.kind.family == "binomial"]
        bounded = col("indicator").isin(proportions)
    else:
        bounded = functions.lit(True)
    invalid = bounded & _present(num, fields) & _present(den, fields) & (col(num) > col(den))
    if options.on_invalid == "raise":
        where = functions.concat_ws(
            ", ", *[functions.concat(functions.lit(f"{k}="), col(k).cast("string")) for k in keys]
        )
        message = functions.concat(
            functions.lit("row ("), where, functions.lit("): numerator "),
            col(num).cast("string"), functions.lit(" exceeds denominator "),
            col(den).cast("string"),
            functions.lit(
                ", impossible for a proportion; it cannot be pooled; "
                + ON_INVALID_LEAVE_OUT.python()
            ),
        )  # fmt: skip
        checked = functions.when(invalid, functions.raise_error(message)).otherwise(col(num))
        return frame.withColumn(num, checked), False
    zero, one = functions.lit(0), functions.lit(1)
    # all three from the input's columns (one projection), never from each other
    marked = {
        num: functions.when(invalid, zero).otherwise(col(num)),
        den: functions.when(invalid, zero).otherwise(col(den)),
        POOLED: functions.when(invalid, zero).otherwise(one),
    }
    return frame.withColumns(marked), True


def _group_sums(
    frame: Any, keys: list[str], counts: tuple[str, str], fields: Any, marked: bool
) -> Any:
    """Sums by ``keys`` as doubles, missing where a stratum's count is; rows counted."""
    functions, _ = _pyspark()
    col = functions.col
    aggregations = []
    for column in counts:
        aggregations += [
            functions.sum(col(column).cast("double")).alias(column),
            functions.max((~_present(column, fields)).cast("int")).alias(f"__missing_{column}__"),
        ]
    aggregations.append(functions.count(functions.lit(1)).alias(UNITS))
    if marked:
        aggregations.append(functions.sum(col(POOLED)).alias(POOLED))
    sums = frame.groupBy(*keys).agg(*aggregations)
    for column in counts:
        flag = col(f"__missing_{column}__")
        sums = sums.withColumn(column, functions.when(flag > 0, None).otherwise(col(column)))
    return sums.drop(*[f"__missing_{c}__" for c in counts])


def _rolling(
    sums: Any, keys: list[str], over: str, window: int, counts: tuple[str, str], marked: bool
) -> Any:
    """Sums over ``window`` consecutive values of ``over`` within the other keys."""
    from pyspark.sql import Window

    functions, _ = _pyspark()
    col = functions.col
    others = [k for k in keys if k != over]
    frame = Window.partitionBy(*others).orderBy(over).rangeBetween(-(window - 1), 0)
    rolled = sums.withColumn("__years__", functions.count(functions.lit(1)).over(frame))
    for column in counts:
        present = functions.count(col(column)).over(frame)
        total = functions.sum(col(column)).over(frame)
        rolled = rolled.withColumn(column, functions.when(present == window, total))
    units = [UNITS, *([POOLED] if marked else [])]
    for column in units:
        rolled = rolled.withColumn(column, functions.sum(col(column)).over(frame))
    period = functions.concat(
        (col(over) - (window - 1)).cast("string"), functions.lit("–"), col(over).cast("string")
    )
    rolled = rolled.where(col("__years__") == window).withColumn("period", period)
    return rolled.select(*keys, "period", *counts, *units)


# -- standardisation -------------------------------------------------------------------


def _band_sums(frame: Any, cells: BandCells, extra: list[Any]) -> Any:
    """Spark's own sums by group and age band.

    A missing count adds 0, a missing population makes its band's sum missing, as
    :func:`dsr` on pandas and dask.
    """
    functions, _ = _pyspark()
    col = functions.col
    count, population = cells.count, cells.population
    fields = {field.name: field for field in frame.schema.fields}
    present = _present(count, fields)
    events = functions.sum(functions.when(present, col(count).cast("double")).otherwise(0.0))
    people = functions.sum(col(population).cast("double"))
    missing = functions.max((~_present(population, fields)).cast("int"))
    sums = frame.groupBy(*cells.cells).agg(
        events.alias(count), people.alias(population), missing.alias("__missing__"), *extra
    )
    nothing = functions.lit(None).cast("double")
    people_or_missing = functions.when(col("__missing__") > 0, nothing).otherwise(col(population))
    return sums.withColumn(population, people_or_missing).drop("__missing__")


def dsr_spark(frame: Any, **arguments: Unpack[DsrArguments]) -> Any:
    """Lazy :func:`dsr` of a Spark DataFrame: Spark's sums, then one ``mapInPandas``.

    Spark sums the counts by group and band; the pandas :func:`dsr` then runs on
    the table of sums (one row per group and band, a small table) in one task.

    Rows may be raw (several per group and band): they are summed, as on dask. A
    standard given as a column must give the rows of one band one weight.
    """
    from mch_indicators._adapters._pandas._standardise import dsr_meta, dsr_of_sums

    functions, _ = _pyspark()
    cells = BandCells.of(arguments, set(frame.columns))
    require(_column_frame(frame), cells.needed)
    _check_counts(frame, (cells.count, cells.population))
    frequency = arguments.get("frequency")
    bands = [arguments["age"], *([frequency] if frequency else [])]
    _no_total_rows(frame, (cells.count, cells.population), None, bands)
    extra = []
    if cells.weights is not None:
        column = functions.col(cells.weights).cast("double")
        extra = [
            functions.max(column).alias(cells.weights),
            functions.min(column).alias(f"__min_{cells.weights}__"),
        ]
    sums = _band_sums(frame, cells, extra)
    fields = {field.name: field for field in frame.schema.fields}
    meta = dsr_meta(pandas().DataFrame(columns=cells.keys), arguments.get("confidence", 0.95))
    schema = _output_fields(meta, [fields[k] for k in cells.keys])

    def finish(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        whole = pandas().concat(list(batches), ignore_index=True)
        with within_task():
            out = dsr_of_sums(whole, cells, arguments)
        yield out[schema.fieldNames()]

    # the table of sums (groups x bands) is small: one task sees all of it, as pandas
    # does, so that a band missing from a group is judged against the bands of all
    return sums.coalesce(1).mapInPandas(finish, schema)


def _isr_shares(
    batches: Iterator[pd.DataFrame], keys: list[str], named: dict[str, str]
) -> Iterator[pd.DataFrame]:
    """What each row adds to its group (as dask's partitions), batch by batch."""
    from mch_indicators._adapters._pandas._standardise import isr_rows

    for batch in batches:
        with within_task():
            rows = isr_rows(batch, **named)
        yield pandas().DataFrame({**{k: batch[k].array for k in keys}, **rows})


def isr_spark(frame: Any, **arguments: Unpack[IsrArguments]) -> Any:
    """Lazy :func:`isr` of a Spark DataFrame: shares, Spark's sums, one ``mapInPandas``.

    Each row's share of its group (``mapInPandas``), Spark's sums by group, then the
    ratios or rates of every group computed in one ``mapInPandas`` over the sums.
    """
    from mch_indicators._adapters._pandas._standardise import ISR_SUMS, check_isr, isr_of_sums

    functions, types = _pyspark()
    keys = as_list(arguments.get("by"))
    named = isr_counts(arguments)
    require(_column_frame(frame), [*named.values(), *keys])
    for pair in ((named["count"], named["population"]),
                 (named["reference_count"], named["reference_population"])):  # fmt: skip
        _check_counts(frame, pair)
    _no_total_rows(frame, (named["count"], named["population"]), None)
    check_isr(arguments)
    fields = {field.name: field for field in frame.schema.fields}
    share_fields = [fields[k] for k in keys]
    share_fields += [types.StructField(name, types.DoubleType(), True) for name in ISR_SUMS]
    shares = frame.select(*keys, *named.values()).mapInPandas(
        partial(_isr_shares, keys=keys, named=named), types.StructType(share_fields)
    )
    # Spark's sum carries NaN through: a missing population makes its group's sum NaN
    sums = shares.groupBy(*keys).agg(*(functions.sum(name).alias(name) for name in ISR_SUMS))
    finish = partial(isr_of_sums, keys=keys, arguments=arguments)
    sample = pandas().DataFrame({**{k: [] for k in keys}, **{n: [1.0] * 0 for n in ISR_SUMS}})
    schema = _output_fields(finish(sample.astype(dict.fromkeys(ISR_SUMS, "float64"))),
                            [fields[k] for k in keys])  # fmt: skip
    run = partial(_batches, function=finish, columns=schema.fieldNames())
    return sums.mapInPandas(run, schema)
