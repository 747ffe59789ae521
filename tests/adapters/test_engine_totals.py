"""A total row (合计, 全县...) is never counted as a unit, on every engine (docs/bad-input.md).

pandas takes it out and checks it against its units; an engine that sums where
the rows are (polars, pyarrow, DuckDB, dask) refuses the table with one typed
error naming the column and the label, in both languages, rather than summing
the total with its units (甲县 1/10, 乙县 3/30 and 合计 4/40 pooled to 8/80).
"""

from __future__ import annotations

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
