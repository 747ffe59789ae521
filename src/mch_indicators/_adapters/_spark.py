"""Spark DataFrames in, lazy Spark DataFrames out (``pip install 'mch-indicators[spark]'``).

``compute`` runs the pandas adapter on each Arrow batch through
``DataFrame.mapInPandas``: one pass over the rows, where they are, with the
output schema declared from the input's. ``pool`` sums the counts by group
with Spark's own aggregation (a missing count makes its group's sum missing,
as in pandas), rolls windows with a Spark window function, and computes the
indicator on each batch of sums, again through ``mapInPandas``. A
pandas-on-Spark frame goes through its Spark DataFrame and comes back as one.
Nothing runs until Spark is asked for rows.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, Unpack

from mch_indicators._adapters._pandas._columns import (
    Columns,
    count_columns,
    pandas,
    resolve,
)
from mch_indicators._adapters._pandas._compute import compute_frame
from mch_indicators._adapters._pandas._pool import compute_sums, pool_keys
from mch_indicators._errors import InvalidInputError
from mch_indicators._options import ComputeOptions, Options
from mch_indicators.stats._engine import within_task

if TYPE_CHECKING:
    import pandas as pd

    from mch_indicators._model import Indicator

__all__ = ["compute_spark", "is_spark_frame", "pool_spark"]

_INDEX = "__mch_index_{}__"


def is_spark_frame(data: object) -> bool:
    """True for a Spark or pandas-on-Spark DataFrame (without importing pyspark)."""
    sql = sys.modules.get("pyspark.sql")
    if sql is not None and isinstance(data, sql.DataFrame):
        return True
    on_spark = sys.modules.get("pyspark.pandas")
    return on_spark is not None and isinstance(data, on_spark.DataFrame)


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


def _column_frame(frame: Any) -> pd.DataFrame:
    """An empty pandas frame with the Spark frame's column names (for the name checks)."""
    empty: pd.DataFrame = pandas().DataFrame(columns=list(frame.columns))
    return empty


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
        kind = types.DoubleType() if dtype.kind == "f" else types.StringType()
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


def compute_spark(
    frame: Any,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    lean: bool = False,
    **options: Unpack[ComputeOptions],
) -> Any:
    """Lazy :func:`compute_frame` over the batches of a Spark DataFrame (``mapInPandas``)."""
    if _on_spark(frame):
        levels = frame.index.nlevels
        index = [_INDEX.format(i) for i in range(levels)]
        out = compute_spark(
            frame.to_spark(index_col=index), indicator, numerator=numerator,
            denominator=denominator, lean=lean, **options,
        ).pandas_api(index_col=index)  # fmt: skip
        out.index.names = frame.index.names
        return out
    checked = Options.from_keywords(options).keywords()
    chosen = None if indicator is None else resolve(indicator)
    num, den = count_columns(_column_frame(frame), chosen, numerator, denominator)
    _check_counts(frame, (num, den))
    dropped = {num, den} if chosen is None and lean else {num, den, "indicator"}
    kept = [f for f in frame.schema.fields if f.name not in dropped]
    sample: dict[str, list[Any]] = {num: [1.0], den: [1.0]}
    if chosen is None:
        sample["indicator"] = ["infant_mortality_rate"]
    function = partial(
        compute_frame, indicator=indicator, numerator=num, denominator=den, lean=lean,
        **checked,
    )  # fmt: skip
    schema = _output_fields(function(pandas().DataFrame(sample)), kept)
    run = partial(_batches, function=function, columns=schema.fieldNames())
    return frame.mapInPandas(run, schema)


def pool_spark(
    frame: Any,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: Columns = None,
    over: str | None = None,
    window: int | None = None,
    split_out: int | None = None,
    **options: Unpack[ComputeOptions],
) -> Any:
    """Lazy :func:`pool` of a Spark DataFrame: Spark sums by group, then compute per batch."""
    if _on_spark(frame):
        return pool_spark(
            frame.to_spark(), indicator, numerator=numerator, denominator=denominator, by=by,
            over=over, window=window, split_out=split_out, **options,
        ).pandas_api()  # fmt: skip
    if split_out is not None:
        raise InvalidInputError(
            "split_out= is for dask; Spark spreads the sums over spark.sql.shuffle.partitions"
        )
    functions, types = _pyspark()
    checked = Options.from_keywords(options).keywords()
    chosen = None if indicator is None else resolve(indicator)
    num, den = count_columns(_column_frame(frame), chosen, numerator, denominator)
    keys = pool_keys(_column_frame(frame), chosen, by, over, window)
    if num in keys or den in keys:
        raise InvalidInputError("a count column cannot also be a grouping column")
    _check_counts(frame, (num, den))
    fields = {field.name: field for field in frame.schema.fields}
    if chosen is None:
        frame = frame.withColumn("indicator", _canonical_ids(functions)(frame["indicator"]))
        fields["indicator"] = types.StructField("indicator", types.StringType(), True)
    sums = _group_sums(frame, keys, (num, den), fields)
    # a long table's indicator column comes out of the computation, not the keys
    key_fields = [fields[k] for k in keys if chosen is not None or k != "indicator"]
    if over is not None and window is not None:
        if not isinstance(fields[over].dataType, types.IntegralType):
            raise InvalidInputError(
                f"column {over!r} must hold whole numbers (years) to roll over; cast it to int"
            )
        sums = _rolling(sums, keys, over, window, (num, den))
        key_fields.append(types.StructField("period", types.StringType(), True))
    sample = pandas().DataFrame({num: [1.0], den: [1.0], "indicator": ["MMR"]})
    finish = partial(compute_sums, chosen=chosen, num=num, den=den,
                     options=Options.from_keywords(checked))  # fmt: skip
    schema = _output_fields(finish(sample), key_fields)
    run = partial(_batches, function=finish, columns=schema.fieldNames())
    return sums.mapInPandas(run, schema)


def _canonical_ids(functions: Any) -> Any:
    """A pandas UDF: a long table's indicator keys as ids ("MMR" and its id are one group)."""

    def ids(keys: pd.Series) -> pd.Series:
        found = {key: resolve(str(key)).id for key in keys.dropna().unique()}
        return keys.map(found).astype(object)

    return functions.pandas_udf(ids, "string")


def _group_sums(frame: Any, keys: list[str], counts: tuple[str, str], fields: Any) -> Any:
    """Sums by ``keys`` as doubles; missing (null or NaN) where a stratum's count is."""
    functions, types = _pyspark()
    col = functions.col
    aggregations = []
    for column in counts:
        missing = col(column).isNull()
        if isinstance(fields[column].dataType, types.FractionalType):
            missing = missing | functions.isnan(col(column))
        aggregations += [
            functions.sum(col(column).cast("double")).alias(column),
            functions.max(missing.cast("int")).alias(f"__missing_{column}__"),
        ]
    sums = frame.groupBy(*keys).agg(*aggregations)
    for column in counts:
        flag = col(f"__missing_{column}__")
        sums = sums.withColumn(column, functions.when(flag > 0, None).otherwise(col(column)))
    return sums.drop(*[f"__missing_{c}__" for c in counts])


def _rolling(sums: Any, keys: list[str], over: str, window: int, counts: tuple[str, str]) -> Any:
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
    period = functions.concat(
        (col(over) - (window - 1)).cast("string"), functions.lit("–"), col(over).cast("string")
    )
    rolled = rolled.where(col("__years__") == window).withColumn("period", period)
    return rolled.select(*keys, "period", *counts)
