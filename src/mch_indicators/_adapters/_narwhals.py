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

from typing import TYPE_CHECKING, Any, Literal, Unpack

import numpy as np
import numpy.typing as npt

from mch_indicators._errors import InvalidInputError
from mch_indicators._options import ComputeOptions, Options
from mch_indicators.stats import Flag, flag_labels

if TYPE_CHECKING:
    from mch_indicators._catalog import Catalog
    from mch_indicators._model import Indicator

__all__ = ["compute_any_frame", "pool_any_frame"]


def _frame(data: Any) -> Any:
    import narwhals as nw

    return nw.from_native(data)


def _indicator(
    indicator: str | Indicator | None, function: str, catalog: Catalog | None
) -> Indicator:
    from mch_indicators._catalog import builtin_catalog

    if indicator is None:
        raise InvalidInputError(
            f"{function}() on a polars, pyarrow or DuckDB frame needs the indicator "
            "(long tables with an indicator column are for pandas)"
        )
    return (catalog or builtin_catalog()).get_indicator(indicator)


def _columns(
    frame: Any, chosen: Indicator, numerator: str | None, denominator: str | None
) -> tuple[str, str]:
    num = numerator or chosen.numerator.id
    den = denominator or chosen.denominator.id
    names = frame.collect_schema().names()
    for role, column in (("numerator", num), ("denominator", den)):
        if column not in names:
            raise InvalidInputError(
                f"{role} column {column!r} is not in the frame (columns: {', '.join(names)})"
            )
    return num, den


def _eager(frame: Any) -> Any:
    import narwhals as nw

    if isinstance(frame, nw.LazyFrame):
        if frame.implementation is nw.Implementation.POLARS:
            return frame.collect(engine="streaming")
        return frame.collect()
    return frame


def _out(columns: dict[str, Any], like: Any) -> Any:
    import narwhals as nw

    backend: Literal["polars", "pyarrow"] = (
        "polars" if like.implementation.is_polars() else "pyarrow"
    )
    typed = {
        name: values.tolist() if getattr(values, "dtype", None) == np.dtype(object) else values
        for name, values in columns.items()
    }
    return nw.from_dict(typed, backend=backend).to_native()


def compute_any_frame(
    data: Any,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    catalog: Catalog | None = None,
    **options: Unpack[ComputeOptions],
) -> Any:
    """Compute on every row of a polars, pyarrow or DuckDB frame."""
    from mch_indicators._compute import compute_indicator

    checked = Options.from_keywords(options)
    chosen = _indicator(indicator, "compute", catalog)
    frame = _eager(_frame(data))
    num, den = _columns(frame, chosen, numerator, denominator)
    x = frame[num].to_numpy().astype(np.float64)
    n = frame[den].to_numpy().astype(np.float64)
    result = compute_indicator(chosen, x, n, checked)
    kept = {name: frame[name].to_numpy() for name in frame.columns if name not in {num, den}}
    return _out({**kept, **result.columns(details=False)}, frame)


def pool_any_frame(
    data: Any,
    indicator: str | Indicator | None = None,
    *,
    numerator: str | None = None,
    denominator: str | None = None,
    by: str | list[str] | tuple[str, ...] | None = None,
    over: str | None = None,
    window: int | None = None,
    catalog: Catalog | None = None,
    **options: Unpack[ComputeOptions],
) -> Any:
    """Sum counts by group inside the engine, then compute the small table of sums."""
    import narwhals as nw

    from mch_indicators._compute import compute_indicator
    from mch_indicators.records._count import order

    if over is not None or window is not None:
        raise InvalidInputError(
            "rolling windows (over=, window=) need a pandas or dask frame; pool by year "
            "first, then roll the small table in pandas"
        )
    checked = Options.from_keywords(options)
    chosen = _indicator(indicator, "pool", catalog)
    frame = _frame(data)
    num, den = _columns(frame, chosen, numerator, denominator)
    keys = [by] if isinstance(by, str) else list(by or [])
    if num in keys or den in keys:
        raise InvalidInputError("a count column cannot also be a grouping column")
    missing = [key for key in keys if key not in frame.collect_schema().names()]
    if missing:
        raise InvalidInputError(f"grouping column {missing[0]!r} is not in the frame")
    bounded = chosen.kind.family == "binomial"
    leave_out = bounded and checked.on_invalid == "flag"
    x, n = nw.col(num), nw.col(den)
    invalid = x > n
    parts = {
        "__x": nw.when(invalid).then(0).otherwise(x) if leave_out else x,
        "__n": nw.when(invalid).then(0).otherwise(n) if leave_out else n,
        "__x_missing": x.is_null().cast(nw.Int64()),
        "__n_missing": n.is_null().cast(nw.Int64()),
        "__x_wrong": ((x < 0) | (x.abs() == float("inf"))).fill_null(False).cast(nw.Int64()),
        "__n_wrong": ((n < 0) | (n.abs() == float("inf"))).fill_null(False).cast(nw.Int64()),
        "__invalid": (invalid.fill_null(False) if bounded else nw.lit(False)).cast(nw.Int64()),
        "__units": nw.lit(1).cast(nw.Int64()),
    }
    source = frame.select(*keys, **parts)
    sums = [nw.col(name).sum() for name in parts]
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
    _refuse_rows(kept, keys, column("__x_wrong"), num, "counts cannot be negative or infinite")
    _refuse_rows(kept, keys, column("__n_wrong"), den, "counts cannot be negative or infinite")
    if bounded and not leave_out:
        _refuse_rows(
            kept, keys, column("__invalid"), None,
            f"a numerator exceeds its denominator, impossible for the proportion {chosen.id}; "
            "pass on_invalid='flag' to leave such rows out of the sums",
        )  # fmt: skip
    x_sum, n_sum = column("__x"), column("__n")
    x_sum[column("__x_missing") > 0] = np.nan
    n_sum[column("__n_missing") > 0] = np.nan
    result = compute_indicator(chosen, x_sum, n_sum, checked)
    units = column("__units").astype(np.int64)
    pooled = units - column("__invalid").astype(np.int64) if leave_out else units
    masks = result.flags.ravel().astype(np.int64)
    masks[pooled < units] |= int(Flag.INCOMPLETE)
    columns = {**result.columns(details=False), "flags": np.asarray(flag_labels(masks), object)}
    coverage = {"units": units, "units_pooled": pooled}
    return _out({**kept, **columns, **coverage}, frame)


def _refuse_rows(
    kept: dict[str, Any], keys: list[str], wrong: Any, column: str | None, reason: str
) -> None:
    """Raise naming the first group holding a wrong row (an engine has no row labels)."""
    hit = np.flatnonzero(wrong > 0)
    if hit.size == 0:
        return
    first = int(hit[0])
    values = tuple(kept[key][first] for key in keys)
    group: Any = None if not keys else values[0] if len(values) == 1 else values
    where = f"group {group!r}" if keys else "the table"
    raise InvalidInputError(
        f"{reason} (in {int(wrong[first])} row(s) of {where})", column=column, row=group
    )
