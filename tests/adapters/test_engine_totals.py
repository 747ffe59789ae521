"""A total row (合计, 全县...) is never counted as a unit, on every engine (docs/bad-input.md).

pandas takes it out and checks it against its units; an engine that sums where
the rows are (polars, pyarrow, DuckDB, dask) refuses the table with one typed
error naming the column and the label, in both languages, rather than summing
the total with its units (甲县 1/10, 乙县 3/30 and 合计 4/40 pooled to 8/80).
"""

from __future__ import annotations

import numpy as np
import pytest

import mch_indicators as mch
from contract import promise
from strategies import ENGINES, as_engine

pd = pytest.importorskip("pandas")
pytest.importorskip("narwhals")

COUNTS = {"numerator": "deaths", "denominator": "births"}


def office_table(last: str = "合计") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "县区": ["甲县", "乙县", last],
            "年份": [2024, 2024, 2024],
            "deaths": [1, 3, 4],
            "births": [10, 30, 40],
        }
    )


def pooled(frame: object) -> list[list[float]]:
    out = frame
    if hasattr(out, "compute"):  # dask
        out = out.compute()
    if not isinstance(out, pd.DataFrame):
        import narwhals as nw

        out = nw.from_native(out).to_pandas()
    return out[["numerator", "denominator"]].astype(float).values.tolist()


def test_pandas_takes_the_total_row_out_and_checks_it():
    out = mch.pool(office_table(), "MMR", by="年份", **COUNTS)
    assert pooled(out) == [[4.0, 40.0]]
    assert "total_row" in mch.checks(out)["check"].tolist()


@promise("total-rows", "engines")
@pytest.mark.parametrize("call", ["pool", "compute"])
@pytest.mark.parametrize("engine", [*ENGINES, "dask"])
@pytest.mark.parametrize("label", ["合计", "全县", "Total", "甲县合计"])
def test_every_engine_refuses_a_total_row_rather_than_count_it(engine, call, label):
    frame = as_engine(office_table(label), engine)
    function = mch.pool if call == "pool" else mch.compute
    keys = {"by": "年份"} if call == "pool" else {}
    with pytest.raises(mch.InvalidInputError) as caught:
        pooled(function(frame, "MMR", **keys, **COUNTS))
    assert caught.value.column == "县区"
    assert label in str(caught.value)
    assert "合计行" in caught.value.reason_zh


@pytest.mark.parametrize("engine", [*ENGINES, "dask"])
@pytest.mark.parametrize(
    ("label", "kind"), [("其中：城区", "其中"), ("上年同期", "上年同期"), ("增减", "上年同期")]
)
def test_every_engine_refuses_a_breakdown_or_comparison_row_rather_than_count_it(
    engine, label, kind
):
    """pandas takes a 其中 (of which) row and a row of last year's figures or of the change
    out of the units; the engines summed them as units: 甲县 1/10, 乙县 3/30 and 上年同期
    4/40 pooled to 8/80 where pandas gives 4/40. They refuse such a label as they refuse
    a total's, naming it, in both languages."""
    assert pooled(mch.pool(office_table(label), "MMR", by="年份", **COUNTS)) == [[4.0, 40.0]]
    frame = as_engine(office_table(label), engine)
    with pytest.raises(mch.InvalidInputError) as caught:
        pooled(mch.pool(frame, "MMR", by="年份", **COUNTS))
    assert caught.value.column == "县区"
    assert label in str(caught.value) and label in caught.value.reason_zh
    assert kind in caught.value.reason_zh


def test_dask_compute_refuses_a_total_row_its_partition_would_keep_as_a_unit():
    """合计 alone in its partition was the area's own series for pandas there: kept, 4/40."""
    frame = as_engine(office_table(), "dask")
    assert frame.npartitions == 2
    with pytest.raises(mch.InvalidInputError):
        mch.compute(frame, "MMR", **COUNTS).compute()


@pytest.mark.parametrize("engine", [*ENGINES, "dask"])
def test_engines_pool_a_table_without_total_rows_as_pandas_does(engine):
    frame = office_table("丙县")
    expected = pooled(mch.pool(frame, "MMR", by="年份", **COUNTS))
    assert pooled(mch.pool(as_engine(frame, engine), "MMR", by="年份", **COUNTS)) == expected
    assert expected == [[8.0, 80.0]]


@promise("total-rows", "xarray")
def test_an_xarray_dataset_refuses_a_total_element():
    pytest.importorskip("xarray")
    dataset = office_table().set_index("县区").to_xarray()
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.compute(dataset, "MMR", **COUNTS)
    assert caught.value.column == "县区"
    units = office_table("丙县").set_index("县区").to_xarray()
    assert mch.compute(units, "MMR", **COUNTS)["numerator"].values.tolist() == [1, 3, 4]


@pytest.mark.parametrize("blank", ["", "\u3000"])
def test_an_xarray_dataset_refuses_a_blank_area_element_that_sums_its_units(blank):
    """A Dataset's blank area label holding its units' sums was kept as a unit (pandas
    takes it out); one that sums nothing is kept, as on the other engines."""
    pytest.importorskip("xarray")
    summing = blank_table(blank).drop(columns="年份").set_index("县区").to_xarray()
    with pytest.raises(mch.InvalidInputError, match="empty area cell"):
        mch.compute(summing, "MMR", **COUNTS)
    other = blank_table(blank, deaths=5).drop(columns="年份").set_index("县区").to_xarray()
    assert mch.compute(other, "MMR", **COUNTS)["numerator"].values.tolist() == [1, 3, 5]


def band_table(last: str = "合计") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "县区": ["甲县"] * 2 + ["乙县"] * 2 + [last] * 2,
            "age": ["0-14", "15+"] * 3,
            "deaths": [1, 2, 1, 1, 2, 3],
            "pop": [1000, 2000, 1000, 1000, 2000, 3000],
            "ref_count": [1.0] * 6,
            "ref_pop": [100.0] * 6,
        }
    )


STANDARD = {"0-14": 40000, "15+": 60000}


@promise("total-rows", "standardisation")
@pytest.mark.parametrize("by", [None, "县区"])
def test_dsr_and_isr_take_a_total_row_out_as_pool_does(by):
    """dsr summed 合计's bands with its units' (18 deaths, 18,000 people: twice the
    table); isr too. The total rows are taken out (dsr checks each against its band's
    units); the sums are those of the units alone."""
    dsr = mch.dsr(band_table(), count="deaths", population="pop", age="age",
                  standard=STANDARD, by=by)  # fmt: skip
    units = mch.dsr(band_table("丙县").iloc[:4], count="deaths", population="pop", age="age",
                    standard=STANDARD, by=by)  # fmt: skip
    assert dsr["total_count"].tolist() == units["total_count"].tolist()
    assert dsr["total_pop"].sum() == 5000
    assert mch.checks(dsr)["check"].tolist() == ["total_row", "total_row"]
    isr = mch.isr(band_table(), count="deaths", population="pop", reference_count="ref_count",
                  reference_population="ref_pop", by=by)  # fmt: skip
    assert isr["observed"].sum() == 5
    assert "total_dropped" in mch.checks(isr)["check"].tolist()


def test_dask_dsr_and_isr_refuse_a_total_row():
    frame = as_engine(band_table(), "dask")
    with pytest.raises(mch.InvalidInputError):
        mch.dsr(frame, count="deaths", population="pop", age="age", standard=STANDARD).compute()
    with pytest.raises(mch.InvalidInputError):
        mch.isr(frame, count="deaths", population="pop", reference_count="ref_count",
                reference_population="ref_pop").compute()  # fmt: skip
    plain = as_engine(band_table("丙县"), "dask")
    out = mch.dsr(plain, count="deaths", population="pop", age="age", standard=STANDARD)
    assert out.compute()["total_count"].tolist() == [10.0]


# -- rows with a blank area cell ---------------------------------------------------------

BLANKS = [None, "", "  ", "\u3000", "\xa0"]  # pyarrow and DuckDB keep U+3000 and U+00A0 by strip


def blank_table(blank: object = None, deaths: int = 4, births: int = 40) -> pd.DataFrame:
    """甲县 1/10, 乙县 3/30 and a row whose area is blank: 4/40 is their total."""
    return pd.DataFrame(
        {
            "县区": ["甲县", "乙县", blank],
            "年份": [2024, 2024, 2024],
            "deaths": [1, 3, deaths],
            "births": [10, 30, births],
        }
    )


def _call(call: str, frame: object) -> object:
    if call == "pool":
        return pooled(mch.pool(frame, "MMR", by="年份", **COUNTS))
    return pooled(mch.compute(frame, "MMR", **COUNTS))


@promise("total-rows", "engines")
@pytest.mark.parametrize("call", ["pool", "compute"])
@pytest.mark.parametrize("engine", [*ENGINES, "dask"])
@pytest.mark.parametrize("blank", BLANKS)
def test_every_engine_refuses_a_blank_area_row_that_sums_its_units(engine, call, blank):
    """pandas takes 4/40 out as a total of 甲县 and 乙县 (its area cell blank); polars,
    pyarrow, DuckDB and dask counted it as a unit: pooled to 8/80."""
    assert _call(call, blank_table(blank)) == (
        [[4.0, 40.0]] if call == "pool" else [[1.0, 10.0], [3.0, 30.0]]
    )
    with pytest.raises(mch.InvalidInputError) as caught:
        _call(call, as_engine(blank_table(blank), engine))
    assert caught.value.column == "县区"
    assert "合计行" in caught.value.reason_zh
    assert "empty area cell" in str(caught.value)


@pytest.mark.parametrize("call", ["pool", "compute"])
@pytest.mark.parametrize("engine", [*ENGINES, "dask"])
@pytest.mark.parametrize(("deaths", "births"), [(5, 50), (4, 41), (0, 0)])
def test_a_blank_area_row_that_sums_nothing_is_a_stratum_on_every_engine(
    engine, call, deaths, births
):
    """A blank area whose counts are not its group's sums stays a stratum for pandas
    (counted): the engines count it too, and agree."""
    frame = blank_table(None, deaths, births)
    assert _call(call, as_engine(frame, engine)) == _call(call, frame)


@pytest.mark.parametrize("engine", [*ENGINES, "dask"])
def test_a_blank_area_row_equal_to_one_unit_is_a_stratum_on_every_engine(engine):
    """Among strata a blank row is a total only when it sums two units or more."""
    frame = pd.DataFrame({"县区": ["甲县", None], "年份": [2024, 2024], "deaths": [1, 1],
                          "births": [10, 10]})  # fmt: skip
    expected = _call("pool", frame)
    assert expected == [[2.0, 20.0]]
    assert _call("pool", as_engine(frame, engine)) == expected


def city_table(last_deaths: int = 4) -> pd.DataFrame:
    """Two cities; 甲市's county cell blank on the row summing its two counties."""
    return pd.DataFrame(
        {
            "市": ["甲市", "甲市", "甲市", "乙市", "乙市"],
            "县区": ["A县", "B县", None, "C县", "D县"],
            "年份": [2024] * 5,
            "deaths": [1, 3, last_deaths, 2, 2],
            "births": [10, 30, 40, 20, 20],
        }
    )


@pytest.mark.parametrize("engine", [*ENGINES, "dask"])
def test_a_blank_county_summing_its_city_is_refused_and_one_that_does_not_is_kept(engine):
    """The parts of a blank county are the counties of its own city (the coarser area):
    甲市's row 4/40 sums A县 and B县 (refused); 5/40 sums nothing (a stratum, kept)."""
    assert _call("pool", city_table()) == [[8.0, 80.0]]
    with pytest.raises(mch.InvalidInputError) as caught:
        _call("pool", as_engine(city_table(), engine))
    assert caught.value.column == "县区"
    assert "甲市" in str(caught.value)
    assert _call("pool", as_engine(city_table(5), engine)) == _call("pool", city_table(5))


@pytest.mark.parametrize("engine", [*ENGINES, "dask"])
def test_a_blank_area_row_sums_its_own_period(engine):
    """A total of 2024's units in 2025 is no total: each period's units are its own."""
    frame = pd.DataFrame({"县区": ["甲县", "乙县", None, "甲县", "乙县"],
                          "年份": [2024, 2024, 2025, 2025, 2025],
                          "deaths": [1, 3, 4, 2, 2], "births": [10, 30, 40, 10, 10]})  # fmt: skip
    expected = _call("pool", frame)
    assert _call("pool", as_engine(frame, engine)) == expected
    frame.loc[2, ["deaths", "births"]] = [4, 20]  # now 2025's total
    with pytest.raises(mch.InvalidInputError):
        _call("pool", as_engine(frame, engine))


@pytest.mark.parametrize("engine", [*ENGINES, "dask"])
def test_a_blank_area_code_that_sums_its_units_is_refused(engine):
    """A numeric area column (county codes): a missing code is a blank cell too."""
    frame = blank_table().assign(县区=[110101.0, 110102.0, np.nan])
    assert _call("pool", frame) == [[4.0, 40.0]]
    with pytest.raises(mch.InvalidInputError):
        _call("pool", as_engine(frame, engine))


@pytest.mark.parametrize("engine", [*ENGINES, "dask"])
def test_every_engine_refuses_a_breakdown_row(engine):
    """其中 (of which) is a part of the row above, taken out by pandas; counted twice before."""
    frame = blank_table("其中：河口村", 1, 5)
    assert _call("pool", frame) == [[4.0, 40.0]]
    with pytest.raises(mch.InvalidInputError) as caught:
        _call("pool", as_engine(frame, engine))
    assert caught.value.column == "县区"
    assert "其中行" in caught.value.reason_zh


def test_dask_dsr_refuses_blank_area_rows_that_sum_their_bands_and_isr_counts_them():
    """dsr: each blank row sums its own age band's units (the band is a key): pandas takes
    them out, dask refuses. isr names no band: pandas keeps them as strata, and so does dask."""
    table = band_table(None)
    dsr = {"count": "deaths", "population": "pop", "age": "age", "standard": STANDARD}
    assert mch.dsr(table, **dsr)["total_count"].tolist() == [5.0]
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.dsr(as_engine(table, "dask"), **dsr).compute()
    assert caught.value.column == "县区"
    isr = {"count": "deaths", "population": "pop", "reference_count": "ref_count",
           "reference_population": "ref_pop"}  # fmt: skip
    expected = mch.isr(table, **isr)["observed"].tolist()
    assert expected == [10.0]
    assert mch.isr(as_engine(table, "dask"), **isr).compute()["observed"].tolist() == expected


# -- Spark ------------------------------------------------------------------------------

# pyspark's own warnings under pandas 3, not ours (as in test_scale.py)
SPARK_WARNINGS = (
    "ignore:PySpark does not yet fully support pandas:FutureWarning",
    "ignore:The copy keyword is deprecated:DeprecationWarning",
)


def _spark_rows(frame: object) -> list[list[float]]:
    return pooled(frame.toPandas())


SPARK_CALLS = {
    "pool": lambda sdf: mch.pool(sdf, "MMR", by="年份", **COUNTS),
    "compute": lambda sdf: mch.compute(sdf, "MMR", **COUNTS),
    "dsr": lambda sdf: mch.dsr(sdf, count="deaths", population="births", age="年份",
                               standard={"2024": 1.0}),
    "isr": lambda sdf: mch.isr(sdf, count="deaths", population="births",
                               reference_count="deaths", reference_population="births"),
}  # fmt: skip


@promise("total-rows", "engines")
@pytest.mark.spark
@pytest.mark.filterwarnings(*SPARK_WARNINGS)
@pytest.mark.parametrize("call", sorted(SPARK_CALLS))
@pytest.mark.parametrize("last", ["合计", "全县", "其中：河口村", None, ""])
def test_spark_refuses_a_total_row_rather_than_count_it(spark, call, last):
    """pool, compute, dsr and isr on Spark never looked for total rows: 合计 4/40 was summed
    with its units (8/80), as was a blank-area row summing them."""
    table = blank_table(last)
    sdf = spark.createDataFrame(table.astype({"县区": object}))
    with pytest.raises(mch.InvalidInputError) as caught:
        SPARK_CALLS[call](sdf)
    assert caught.value.column == "县区"
    assert "行" in caught.value.reason_zh


@pytest.mark.spark
@pytest.mark.filterwarnings(*SPARK_WARNINGS)
@pytest.mark.parametrize(("deaths", "births"), [(5, 50), (4, 41)])
def test_spark_counts_a_blank_area_stratum_as_pandas(spark, deaths, births):
    table = blank_table(None, deaths, births)
    sdf = spark.createDataFrame(table.astype({"县区": object}))
    for call in ("pool", "compute"):
        assert _spark_rows(SPARK_CALLS[call](sdf)) == _call(call, table)
    city = spark.createDataFrame(city_table(5))
    assert _spark_rows(mch.pool(city, "MMR", by="年份", **COUNTS)) == _call("pool", city_table(5))
    with pytest.raises(mch.InvalidInputError):
        mch.pool(spark.createDataFrame(city_table()), "MMR", by="年份", **COUNTS)
