"""pandas, xarray and dask in and out; pooling."""

from __future__ import annotations

from decimal import Decimal

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from dask.callbacks import Callback
from hypothesis import given, settings
from hypothesis import strategies as st

import mch_indicators as mch
from contract import promise


def counties() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "city": ["X", "X", "X", "Y", "Y"],
            "county": ["a", "b", "c", "d", "e"],
            "infant_deaths": [12, 3, 0, 7, 40],
            "live_births": [4210, 980, 500, 2600, 9000],
        },
        index=pd.Index([10, 11, 12, 13, 14], name="row"),
    )


class CountTasks(Callback):
    """Counts the dask tasks that run: zero means nothing was computed."""

    def __init__(self) -> None:
        super().__init__()
        self.tasks = 0

    def _pretask(self, key: object, dsk: object, state: object) -> None:
        self.tasks += 1


# -- pandas -----------------------------------------------------------------------------


def test_compute_keeps_index_and_other_columns():
    frame = counties()
    out = mch.compute(frame, "IMR")
    assert out.index.equals(frame.index)
    assert list(out.columns[:2]) == ["city", "county"]
    assert list(out.columns[2:]) == [
        "indicator", "numerator", "denominator", "value", "lower", "upper", "unit", "flags",
    ]  # fmt: skip
    reference = mch.get("IMR").compute(frame["infant_deaths"], frame["live_births"])
    np.testing.assert_array_equal(out["value"], reference.value)
    np.testing.assert_array_equal(out["lower"], reference.lower)
    assert out["flags"].tolist() == mch.stats.flag_labels(reference.flags)
    assert set(out["unit"]) == {"permille"}


def test_compute_with_explicit_columns_and_several_levels():
    frame = counties().rename(columns={"infant_deaths": "deaths", "live_births": "births"})
    out = frame.mch.compute("IMR", numerator="deaths", denominator="births",
                            confidence=(0.95, 0.998))  # fmt: skip
    assert {"lower_95", "upper_95", "lower_99.8", "upper_99.8"} <= set(out.columns)
    assert (out["lower_99.8"] <= out["lower_95"]).all()


def test_long_table_computes_many_indicators_in_one_call():
    long = pd.DataFrame(
        {
            "county": ["a", "a", "b", "b"],
            "indicator": ["孕产妇死亡率", "IMR", "两癌筛查覆盖率", "IMR"],
            "numerator": [1, 20, 21928, np.nan],
            "denominator": [13477, 10000, 20000, 5000],
        }
    )
    out = mch.compute(long)
    assert out["indicator"].tolist() == [
        "maternal_mortality_ratio",
        "infant_mortality_rate",
        "two_cancer_screening_task_completion",
        "infant_mortality_rate",
    ]
    assert out["unit"].tolist() == ["per_100k", "permille", "percent", "permille"]
    assert out["value"].round(2).tolist()[:3] == [7.42, 2.0, 109.64]
    assert "ABOVE_DENOMINATOR" in out["flags"].iloc[2] and out["flags"].iloc[3] == "MISSING"


@promise("aliasing", "tables")
def test_compute_does_not_modify_the_frame():
    frame = counties()
    before = frame.copy()
    mch.compute(frame, "IMR")
    mch.pool(frame, "IMR", by="city")
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize(
    ("change", "call", "message"),
    [
        (
            lambda f: f.drop(columns="live_births"),
            {},
            "denominator column 'live_births'.*name your",
        ),
        (lambda f: f, {"numerator": "deaths"}, "numerator column 'deaths' is not in the frame"),
        (
            lambda f: f.assign(infant_deaths=["1", "2", "x", "4", "5"]),
            {},
            "column 'infant_deaths' is not numeric .*row 12 holds 'x'",
        ),
        (lambda f: f.assign(live_births=True), {}, "column 'live_births' is not numeric"),
        (lambda f: f, {"by": "province"}, "grouping column 'province' is not in the frame"),
    ],
)
def test_clear_errors_name_the_column(change, call, message):
    frame = change(counties())
    function = mch.pool if "by" in call else mch.compute
    with pytest.raises(mch.InvalidInputError, match=message):
        function(frame, "IMR", **call)


def test_compute_refuses_other_containers():
    with pytest.raises(mch.InvalidInputError, match="got list"):
        mch.compute([1, 2], "IMR")
    with pytest.raises(mch.InvalidInputError, match="needs a table"):
        mch.compute(indicator="IMR")


def test_a_numerator_above_a_proportion_denominator_raises_or_flags():
    frame = pd.DataFrame({"facility_live_births": [11, 9], "live_births": [10, 10]})
    with pytest.raises(mch.InvalidInputError, match="exceeds"):
        mch.compute(frame, "住院分娩率")
    out = mch.compute(frame, "住院分娩率", on_invalid="flag")
    assert out["flags"].tolist()[0] == "INVALID" and np.isnan(out["value"].iloc[0])


# -- pooling ------------------------------------------------------------------------------


def test_pool_sums_counts_never_averages_rates():
    out = mch.pool(counties(), "IMR", by="city")
    assert out["city"].tolist() == ["X", "Y"]
    assert out["numerator"].tolist() == [15.0, 47.0]
    assert out["denominator"].tolist() == [5690.0, 11600.0]
    assert out["value"].tolist() == pytest.approx([15 / 5690 * 1000, 47 / 11600 * 1000])
    single = mch.get("IMR").compute(15, 5690)
    assert out["lower"].iloc[0] == pytest.approx(float(single.lower), rel=1e-15)
    whole = mch.pool(counties(), "IMR")
    assert whole["numerator"].tolist() == [62.0] and len(whole) == 1


def test_pool_propagates_missing_counts_to_their_group():
    frame = counties()
    frame.loc[11, "infant_deaths"] = np.nan
    out = mch.pool(frame, "IMR", by="city").set_index("city")
    assert np.isnan(out.loc["X", "value"]) and out.loc["X", "flags"] == "MISSING"
    assert not np.isnan(out.loc["Y", "value"])


def test_pool_long_table_groups_aliases_of_one_indicator():
    long = pd.DataFrame(
        {
            "county": ["a", "b", "a", "b"],
            "indicator": ["MMR", "maternal_mortality_ratio", "IMR", "婴儿死亡率"],
            "numerator": [1, 1, 10, 20],
            "denominator": [10000, 16954, 5000, 6000],
        }
    )
    out = mch.pool(long)
    assert out["indicator"].tolist() == ["infant_mortality_rate", "maternal_mortality_ratio"]
    assert out["numerator"].tolist() == [30.0, 2.0]


def test_rolling_three_year_windows():
    frame = pd.DataFrame(
        {
            "county": ["a"] * 5 + ["b"] * 4,
            "year": [2020, 2021, 2022, 2023, 2024, 2020, 2021, 2023, 2024],
            "deaths": [1, 0, 2, 1, 0, 3, 1, 0, 1],
            "births": [5000] * 9,
        }
    )
    out = mch.pool(frame, "MMR", numerator="deaths", denominator="births", by="county",
                   over="year", window=3)  # fmt: skip
    a = out[out["county"] == "a"]
    assert a["period"].tolist() == ["2020–2022", "2021–2023", "2022–2024"]
    assert a["numerator"].tolist() == [3.0, 3.0, 3.0]
    assert a["denominator"].tolist() == [15000.0] * 3
    b = out[out["county"] == "b"]  # 2022 missing: no complete window
    assert b.empty
    with pytest.raises(mch.InvalidInputError, match="both over="):
        mch.pool(frame, "MMR", numerator="deaths", denominator="births", window=3)


def test_pooling_a_coverage_keeps_values_above_100_percent():
    frame = pd.DataFrame({"city": ["X", "X"], "two_cancer_screened_women": [10964, 10964],
                          "two_cancer_task": [10000, 10000]})  # fmt: skip
    out = mch.pool(frame, "两癌筛查覆盖率", by="city")
    assert out["value"].iloc[0] == pytest.approx(109.64)
    assert "ABOVE_DENOMINATOR" in out["flags"].iloc[0]


strata = st.lists(
    st.tuples(st.sampled_from("ABC"), st.integers(0, 50), st.integers(1, 5000)),
    min_size=1,
    max_size=30,
).map(lambda rows: [(g, min(x, n), n) for g, x, n in rows])


@settings(deadline=None)
@given(strata, st.randoms(use_true_random=False))
def test_pooling_all_strata_equals_computing_on_totals_in_any_order(rows, random):
    frame = pd.DataFrame(rows, columns=["area", "facility_live_births", "live_births"])
    whole = mch.pool(frame, "hospital_delivery_rate_cn")
    direct = mch.get("hospital_delivery_rate_cn").compute(
        frame["facility_live_births"].sum(), frame["live_births"].sum()
    )
    assert whole["value"].iloc[0] == pytest.approx(float(direct.value), rel=1e-12)
    assert whole["lower"].iloc[0] == pytest.approx(float(direct.lower), rel=1e-12)
    shuffled = frame.sample(frac=1.0, random_state=random.randint(0, 10_000))
    first = mch.pool(frame, "hospital_delivery_rate_cn", by="area")
    second = mch.pool(shuffled, "hospital_delivery_rate_cn", by="area")
    pd.testing.assert_frame_equal(first, second)


# -- dask DataFrames --------------------------------------------------------------------------


def test_dask_frames_stay_lazy_and_equal_pandas():
    frame = counties().reset_index()
    lazy_input = dd.from_pandas(frame, npartitions=2)
    with CountTasks() as counter:
        computed = mch.compute(lazy_input, "IMR")
        pooled = mch.pool(lazy_input, "IMR", by="city")
        rolled = frame.mch  # the accessor on the pandas side needs nothing
        assert counter.tasks == 0
    assert rolled is not None
    assert isinstance(computed, dd.DataFrame) and isinstance(pooled, dd.DataFrame)
    plain = {"city": object, "county": object}
    pd.testing.assert_frame_equal(
        computed.compute().reset_index(drop=True).astype(plain),
        mch.compute(frame, "IMR").reset_index(drop=True).astype(plain),
    )
    pd.testing.assert_frame_equal(
        pooled.compute().reset_index(drop=True).astype({"city": object}),
        mch.pool(frame, "IMR", by="city").reset_index(drop=True).astype({"city": object}),
        check_dtype=False,
    )


def test_dask_pool_propagates_missing_counts_and_rolls():
    frame = pd.DataFrame(
        {
            "county": ["a"] * 4 + ["b"] * 4,
            "year": [2021, 2022, 2023, 2024] * 2,
            "deaths": [1, 0, 2, 1, 3, np.nan, 0, 1],
            "births": [5000.0] * 8,
        }
    )
    lazy = dd.from_pandas(frame, npartitions=3)
    options = {"numerator": "deaths", "denominator": "births", "by": "county"}
    for extra in ({}, {"over": "year", "window": 2}):
        got = mch.pool(lazy, "MMR", **options, **extra).compute().reset_index(drop=True)
        want = mch.pool(frame, "MMR", **options, **extra)
        got, want = got.astype({"county": object}), want.astype({"county": object})
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


# -- xarray and dask arrays ------------------------------------------------------------------


def grid() -> tuple[xr.DataArray, xr.DataArray]:
    coords = {"county": ["a", "b", "c"], "year": [2022, 2023, 2024]}
    deaths = xr.DataArray([[1, 0, 2], [12, 9, 30], [0, 0, 0]], dims=("county", "year"),
                          coords=coords)  # fmt: skip
    births = xr.DataArray([[900, 950, 1000], [4000, 4100, 4200], [0, 80, 90]],
                          dims=("county", "year"), coords=coords)  # fmt: skip
    return deaths, births


def test_xarray_keeps_dims_coords_and_units():
    deaths, births = grid()
    ds = mch.compute(indicator="IMR", numerator=deaths, denominator=births,
                     confidence=(0.95, 0.99))  # fmt: skip
    assert ds["value"].dims == ("county", "year")
    assert ds["lower"].dims == ("county", "year", "confidence")
    assert ds["confidence"].values.tolist() == [0.95, 0.99]
    assert ds["county"].values.tolist() == ["a", "b", "c"]
    assert ds["value"].attrs["units"] == "permille"
    assert "ZERO_DENOMINATOR" in ds["flags"].attrs["flag_meanings"]
    reference = mch.get("IMR").compute(deaths.values, births.values, confidence=(0.95, 0.99))
    np.testing.assert_array_equal(ds["value"].values, reference.value)
    np.testing.assert_array_equal(
        ds["upper"].sel(confidence=0.99).values, reference.interval(0.99)[1]
    )
    np.testing.assert_array_equal(ds["flags"].values, reference.flags)
    again = mch.compute(xr.Dataset({"infant_deaths": deaths, "live_births": births}), "IMR")
    np.testing.assert_array_equal(again["value"].values, reference.value)


def test_xarray_reads_object_counts_as_indicator_compute_does():
    # A Dataset (and mch.compute on DataArrays) refused an object array of numbers that
    # Indicator.compute took: "numerator must be numbers, got an array of object".
    deaths, births = grid()
    objects = deaths.astype(object)
    objects[0, 0] = None  # missing, as in Indicator.compute
    objects[1, 1] = Decimal(int(deaths[1, 1]))
    reference = mch.get("IMR").compute(objects, births)
    ds = mch.compute(xr.Dataset({"infant_deaths": objects, "live_births": births}), "IMR")
    np.testing.assert_array_equal(ds["value"].values, reference.value)
    np.testing.assert_array_equal(ds["flags"].values, reference.flags)
    arrays = mch.compute(indicator="IMR", numerator=objects, denominator=births)
    np.testing.assert_array_equal(arrays["value"].values, reference.value)
    for bad, message in ((objects.where(objects.county != "b", "x"), r"not a number at \[1, 0\]"),
                         (deaths > 0, "got booleans")):  # fmt: skip
        with pytest.raises(mch.InvalidInputError, match=message):
            mch.get("IMR").compute(bad, births)
        with pytest.raises(mch.InvalidInputError, match=message):
            mch.compute(xr.Dataset({"infant_deaths": bad, "live_births": births}), "IMR")
    lazy = objects.chunk({"county": 1})
    with pytest.raises(mch.InvalidInputError, match="got a dask array of object"):
        mch.compute(indicator="IMR", numerator=lazy, denominator=births)


def test_xarray_refuses_misaligned_coordinates():
    deaths, births = grid()
    shifted = births.assign_coords(year=[2023, 2024, 2025])
    with pytest.raises(mch.InvalidInputError, match="do not share dimensions and coordinates"):
        mch.compute(indicator="IMR", numerator=deaths, denominator=shifted)
    # the same labels in another order are refused too, never reordered (align_labelled's
    # docstring said they were; docs/bad-input.md says xarray refuses any difference)
    reversed_births = births.isel(county=slice(None, None, -1))
    with pytest.raises(mch.InvalidInputError, match="do not share dimensions and coordinates"):
        mch.compute(indicator="IMR", numerator=deaths, denominator=reversed_births)
    # dimensions in another order are put in the first one's
    turned = mch.compute(indicator="IMR", numerator=deaths, denominator=births.transpose())
    plain = mch.compute(indicator="IMR", numerator=deaths, denominator=births)
    np.testing.assert_array_equal(turned["value"].values, plain["value"].values)
    with pytest.raises(
        mch.InvalidInputError, match="variable 'live_births' is not in the Dataset"
    ):
        mch.compute(xr.Dataset({"infant_deaths": deaths}), "IMR")


def test_dask_backed_arrays_stay_lazy_and_equal_numpy():
    deaths, births = grid()
    chunked = (deaths.chunk({"county": 1}), births.chunk({"county": 1}))
    with CountTasks() as counter:
        ds = mch.compute(indicator="IMR", numerator=chunked[0], denominator=chunked[1])
        assert counter.tasks == 0
    assert isinstance(ds["value"].data, da.Array)
    eager = mch.compute(indicator="IMR", numerator=deaths, denominator=births)
    xr.testing.assert_identical(ds.compute(), eager)


def test_plain_dask_arrays_run_out_of_core_in_chunks():
    rng = np.random.default_rng(3)
    n = rng.integers(1, 10_000, size=200_000)
    x = rng.binomial(n, 0.01)
    lazy = mch.compute(indicator="IMR", numerator=da.from_array(x, chunks=50_000),
                       denominator=da.from_array(n, chunks=50_000))  # fmt: skip
    assert lazy["value"].data.npartitions == 4
    with dask.config.set(scheduler="threads"):
        got = lazy["upper"].values[..., 0]
    want = mch.get("IMR").compute(x, n).upper
    np.testing.assert_array_equal(got, want)


@settings(deadline=None, max_examples=25)
@given(
    st.lists(st.tuples(st.integers(0, 500), st.integers(0, 5000)), min_size=1, max_size=60),
    st.integers(1, 20),
)
def test_dask_equals_numpy_for_any_chunking(pairs, chunk):
    x = np.array([p[0] for p in pairs], dtype=np.float64)
    n = np.array([p[1] for p in pairs], dtype=np.float64)
    lazy = mch.compute(indicator="MMR", numerator=da.from_array(x, chunks=chunk),
                       denominator=da.from_array(n, chunks=chunk))  # fmt: skip
    eager = mch.get("MMR").compute(x, n)
    with dask.config.set(scheduler="sync"):
        np.testing.assert_array_equal(lazy["value"].values, eager.value)
        np.testing.assert_array_equal(lazy["lower"].values[..., 0], eager.lower)
        np.testing.assert_array_equal(lazy["flags"].values, eager.flags)


@pytest.mark.parametrize(
    ("counts", "column", "reason"),
    [
        ({"deaths": [2.5, 0], "births": [26954, 8000]}, "deaths", "not a whole number"),
        ({"deaths": [2, 0], "births": [26954, -8000]}, "births", "negative"),
    ],
)
def test_a_bad_count_is_named_by_the_tables_own_header(counts, column, reason):
    """The error names the user's column (and the row's label), not 'numerator'."""
    frame = pd.DataFrame({"county": ["A", "B"], **counts}).set_index("county")
    with pytest.raises(mch.InvalidInputError, match=reason) as caught:
        mch.compute(frame, "MMR", numerator="deaths", denominator="births")
    assert caught.value.column == column
    assert f"column {column!r}" in str(caught.value)


@pytest.mark.parametrize("dtype", ["string", "string[pyarrow]", object])
def test_a_missing_count_in_a_text_column_is_missing_whatever_the_text_dtype(dtype):
    # A nullable string column's <NA> was read as the text "<NA>" and refused as no
    # number, where the same column of Python objects holding None flags MISSING; dask
    # stores every text column that way.
    counts = pd.Series(["3", None, "1,204"], dtype=dtype)
    frame = pd.DataFrame({"county": ["a", "b", "c"], "live_births": [1000, 900, 80_000],
                          "infant_deaths": counts})  # fmt: skip
    got = mch.compute(frame, "IMR")
    assert got["numerator"].tolist()[::2] == [3.0, 1204.0] and np.isnan(got["numerator"][1])
    assert got["flags"].astype(str).tolist()[1] == "MISSING"
    lazy = mch.compute(dd.from_pandas(frame, npartitions=2), "IMR").compute()
    pd.testing.assert_series_equal(lazy["numerator"].reset_index(drop=True), got["numerator"])
    pooled = mch.pool(frame.assign(city="X"), "IMR", by="city")
    assert pooled["flags"].astype(str).tolist() == ["MISSING"]
