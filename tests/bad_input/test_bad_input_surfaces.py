"""One class of bad count, every surface that takes counts: the same answer (docs/bad-input.md).

Arrays (``Indicator.compute``), pandas tables (``compute`` and ``pool``), engine
frames (polars, pyarrow, DuckDB; ``compute`` and ``pool``) and xarray each get the
same bad count; each refuses it with a typed error naming where, or gives NaN with
the documented flag.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import mch_indicators as mch
from contract import promise
from mch_indicators import stats
from strategies import ENGINES, as_engine

pytest.importorskip("narwhals")

MMR = mch.get("MMR")
DELIVERY = mch.get("hospital_delivery_rate_cn")


def frame(numerator: list[Any], denominator: list[Any], indicator: mch.Indicator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "county": [f"c{i}" for i in range(len(numerator))],
            indicator.numerator.id: pd.array(numerator, dtype=object),
            indicator.denominator.id: pd.array(denominator, dtype=object),
        }
    ).infer_objects()


def on_arrays(x: list[Any], n: list[Any], indicator: mch.Indicator, **options: Any) -> Any:
    return indicator.compute(x, n, **options)


def on_tables(x: list[Any], n: list[Any], indicator: mch.Indicator, **options: Any) -> Any:
    table = frame(x, n, indicator)
    mch.pool(table, indicator, by="county", **options)
    return mch.compute(table, indicator, **options)


def on_engines(x: list[Any], n: list[Any], indicator: mch.Indicator, **options: Any) -> Any:
    table = frame(x, n, indicator)
    out = None
    for engine in ENGINES:
        native = as_engine(table, engine)
        mch.pool(native, indicator, by="county", **options)
        out = mch.compute(native, indicator, **options)
    return out


def on_xarray(x: list[Any], n: list[Any], indicator: mch.Indicator, **options: Any) -> Any:
    def array(values: list[Any]) -> xr.DataArray:
        return xr.DataArray(np.array([np.nan if v is None else v for v in values]), dims=["c"])

    return mch.compute(indicator=indicator, numerator=array(x), denominator=array(n), **options)


SURFACES: dict[str, Callable[..., Any]] = {
    "arrays": on_arrays, "tables": on_tables, "engines": on_engines, "xarray": on_xarray,
}  # fmt: skip

#: One bad count of each class, as (numerator, denominator), and what the error says.
BAD = {
    "negative": (([2, -1], [1000, 1000]), "negative"),
    "infinite": (([2, float("inf")], [1000, 1000]), "finite"),
    "huge": (([2, 1], [1000, 2**53 + 2]), r"2\*\*53"),
    # a table's live births are whole numbers: refused as such first
    "tiny-denominator": (([0, 0], [1000, 1e-300]), r"2\*\*-53|not a whole number"),
}


@promise("negative", "arrays", "tables", "engines", "xarray")
@promise("infinite", "arrays", "tables", "engines", "xarray")
@promise("huge", "arrays", "tables", "engines", "xarray")
@promise("tiny-denominator", "arrays", "tables", "engines", "xarray")
@pytest.mark.parametrize("surface", sorted(SURFACES))
@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_count_is_refused_on_every_surface(kind, surface):
    (x, n), message = BAD[kind]
    with pytest.raises(mch.InvalidInputError, match=message):
        SURFACES[surface](x, n, MMR)


@promise("not-numbers", "arrays", "tables", "engines", "xarray")
@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_booleans_are_not_counts_on_any_surface(surface):
    with pytest.raises(mch.InvalidInputError):
        SURFACES[surface]([True, False], [True, True], MMR)


def flags_of(out: Any) -> list[str]:
    """Flag labels of a Result, a pandas or engine frame, or a Dataset."""
    if isinstance(out, mch.Result):
        return stats.flag_labels(out.flags)
    if isinstance(out, xr.Dataset):
        return stats.flag_labels(out["flags"].values)
    table = out if isinstance(out, pd.DataFrame) else out.to_pandas()
    return [str(flag) for flag in table["flags"]]


@promise("missing", "arrays", "tables", "engines", "xarray")
@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_a_missing_count_is_nan_flagged_missing_on_every_surface(surface):
    out = SURFACES[surface]([2, None], [1000, 1000], MMR)
    assert "MISSING" in flags_of(out)[1]


@promise("zero-denominator", "arrays", "tables", "engines", "xarray")
@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_a_zero_denominator_is_nan_flagged_on_every_surface(surface):
    out = SURFACES[surface]([2, 0], [1000, 0], MMR)
    assert "ZERO_DENOMINATOR" in flags_of(out)[1]


@promise("above-denominator", "arrays", "tables", "engines", "xarray")
@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_a_proportion_above_its_denominator_is_refused_or_flagged_invalid(surface):
    with pytest.raises(mch.InvalidInputError):
        SURFACES[surface]([90, 120], [100, 100], DELIVERY)
    flagged = SURFACES[surface]([90, 120], [100, 100], DELIVERY, on_invalid="flag")
    assert "INVALID" in flags_of(flagged)[1]


@promise("narrow-dtypes", "arrays", "xarray")
@pytest.mark.parametrize("dtype", ["float16", "float32", "int8", "int16", "uint16"])
def test_narrow_dtypes_are_computed_in_float64(dtype):
    x = np.array([3, 7], dtype=dtype)
    n = np.array([100, 120], dtype=dtype)
    exact = MMR.compute(x.astype(np.float64), n.astype(np.float64))
    assert MMR.compute(x, n) == exact
    labelled = mch.compute(
        indicator=MMR,
        numerator=xr.DataArray(x, dims=["c"]),
        denominator=xr.DataArray(n, dims=["c"]),
    )
    np.testing.assert_array_equal(labelled["value"].values, exact.value)
    assert labelled["value"].dtype == np.float64


@promise("narrow-dtypes", "trends", "standardisation")
def test_narrow_dtypes_in_trends_and_standardisation_are_float64():
    values = np.array([40.0, 30.0], dtype=np.float16)
    scalar = stats.percent_decline(values[0], values[1])  # numbers in: a Python float out
    assert isinstance(scalar, float) and scalar == 25.0
    assert stats.percent_decline(values, values[::-1]).dtype == np.float64
    counts = np.array([[14, 31, 45]], dtype=np.int8)
    populations = np.array([[5000, 6000, 6500]], dtype=np.uint16)
    weights = np.array([5500.0, 6000.0, 6000.0])
    wide = stats.dsr(counts, populations, weights)
    exact = stats.dsr(counts.astype(float), populations.astype(float), weights)
    assert wide.value.tolist() == exact.value.tolist() and wide.value.dtype == np.float64


@promise("shapes", "xarray")
def test_data_arrays_that_do_not_share_dimensions_are_refused():
    deaths = xr.DataArray([1.0, 2.0], dims=["county"])
    births = xr.DataArray([[1000.0, 1000.0]], dims=["year", "month"])
    with pytest.raises(mch.InvalidInputError):
        mch.compute(indicator=MMR, numerator=deaths, denominator=births)


@promise("options", "arrays")
@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_bad_options_are_typed_errors_on_every_surface(surface):
    with pytest.raises(mch.InvalidInputError):
        SURFACES[surface]([2, 3], [1000, 1000], MMR, confidence=95)


@promise("edge-counts", "tables")
def test_funnels_and_trends_of_frames_at_the_edges_say_why_they_are_nan():
    none = pd.DataFrame({"county": list("ABC"), "maternal_deaths": [0, 0, 0],
                         "live_births": [1000, 2000, 3000]})  # fmt: skip
    funnel = mch.funnel(none, "MMR")
    assert set(funnel.points["significance"]) == {"not significant"}
    assert funnel.limits["lower_2s_limit"].isna().all()
    assert funnel.limits["reason"].str.contains("no events").all()
    jump = pd.DataFrame({"year": range(2016, 2021), "maternal_deaths": [1, 1, 1, 1, 20_000],
                         "live_births": [10_000] * 5})  # fmt: skip
    trend = mch.trend(jump, "MMR")
    assert trend["change"].tolist() == ["cannot be calculated"]
    assert "too wide" in trend["reason"].iloc[0]
    assert mch.trend_line(jump, "MMR")["fitted"].isna().all()


def test_a_call_python_refuses_names_the_function_and_its_positional_arguments():
    """``mch.compute("MMR", num, den)`` (the counts positionally, as ``Indicator.compute``
    takes them) is Python's TypeError, saying which function and how to call it; before,
    the bare text of ``inspect.Signature.bind`` ("too many positional arguments")."""
    with pytest.raises(
        TypeError, match=r"^compute\(data, indicator, \.\.\.\): too many .*by name"
    ):
        mch.compute("MMR", [1], [10])
    with pytest.raises(TypeError, match=r"^pool\(frame, indicator, \.\.\.\): missing .*'frame'$"):
        mch.pool()
