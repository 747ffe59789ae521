"""Areas and periods given as a frame's index are read as the label columns they are.

``counts.set_index(["county", "year"])`` is how pandas users write a table of units;
a 合计 row in such an index used to be summed as a unit by ``pool``.
"""

from __future__ import annotations

import copy
import pickle

import pandas as pd
import pytest

import mch_indicators as mch

COUNTS = pd.DataFrame(
    {
        "county": ["甲县", "乙县", "丙县", "合计"],
        "year": [2024] * 4,
        "maternal_deaths": [1, 1, 2, 4],
        "live_births": [1000, 1000, 3000, 5000],
    }
)
ONE = {"numerator": "maternal_deaths", "denominator": "live_births"}


@pytest.mark.parametrize("levels", [["county"], ["county", "year"], ["year", "county"]])
def test_pool_takes_a_total_row_out_of_an_index_of_areas(levels):
    indexed = COUNTS.set_index(levels)
    for pooled in (mch.pool(indexed), mch.pool(indexed, "MMR", **ONE)):
        assert pooled[["numerator", "denominator"]].iloc[0].tolist() == [4.0, 5000.0]
        assert pooled["units"].iloc[0] == 3
        assert mch.checks(pooled)["check"].tolist() == ["total_row"]


def test_pool_by_an_index_level_groups_by_it():
    indexed = COUNTS.assign(city="X").set_index(["city", "county"])
    pooled = mch.pool(indexed, "MMR", **ONE, by="city")
    assert pooled[["city", "numerator", "denominator"]].values.tolist() == [["X", 4.0, 5000.0]]


def test_compute_of_one_indicator_keeps_the_index_without_the_total_row():
    indexed = COUNTS.set_index(["county", "year"])
    out = mch.compute(indexed, "MMR", **ONE)
    assert out.index.tolist() == [("甲县", 2024), ("乙县", 2024), ("丙县", 2024)]
    assert out.index.names == ["county", "year"]
    assert "county" not in out.columns
    assert out["numerator"].tolist() == [1.0, 1.0, 2.0]
    assert mch.checks(out)["check"].tolist() == ["total_row"]
    assert indexed.index.tolist()[-1] == ("合计", 2024)  # the caller's frame untouched


def test_a_wide_table_indexed_by_its_areas_keeps_them_as_columns():
    out = mch.compute(COUNTS.set_index(["county", "year"]))
    assert out["county"].tolist() == ["甲县", "乙县", "丙县"]
    assert out["year"].tolist() == [2024] * 3


def test_funnel_and_compare_read_an_index_of_areas():
    indexed = COUNTS.set_index("county")
    points = mch.funnel(indexed, "MMR").points
    assert points.index.tolist() == ["甲县", "乙县", "丙县"]
    compared = mch.compare(indexed, "MMR", benchmark="total")
    assert compared.index.tolist() == ["甲县", "乙县", "丙县"]
    assert mch.checks(compared)["check"].tolist() == ["total_row"]


def test_an_index_that_names_no_area_nor_period_is_left_as_it_is():
    by_id = COUNTS.iloc[:3].assign(id=["a", "b", "c"]).set_index("id")
    out = mch.compute(by_id, "MMR", **ONE)
    assert out.index.tolist() == ["a", "b", "c"]
    assert out["county"].tolist() == ["甲县", "乙县", "丙县"]


def test_an_index_named_as_a_column_too_is_left_as_it_is():
    both = COUNTS.iloc[:3].set_index(COUNTS["county"].iloc[:3].rename("county"))
    out = mch.compute(both, "MMR", **ONE)
    assert out.index.tolist() == ["甲县", "乙县", "丙县"]


def test_the_result_of_an_indexed_frame_travels():
    out = mch.compute(COUNTS.set_index(["county", "year"]), "MMR", **ONE)
    for copied in (pickle.loads(pickle.dumps(out)), copy.deepcopy(out)):
        pd.testing.assert_frame_equal(copied, out)
        assert mch.checks(copied)["check"].tolist() == ["total_row"]


def test_check_messages_name_a_frame_row_by_its_label_not_as_a_line():
    found = mch.checks(mch.pool(COUNTS, by="year"))
    assert found["message_zh"].iloc[0].startswith("行 3“合计”2024")
    assert found["message_en"].iloc[0].startswith("row 3: '合计' 2024")
    named = COUNTS.set_index(pd.Index(list("abcd"), name="code"))
    found = mch.checks(mch.pool(named, by="year"))
    assert found["message_zh"].iloc[0].startswith("行“d”“合计”2024")
    assert found["message_en"].iloc[0].startswith("row 'd': '合计' 2024")


def test_strata_alike_name_rows_of_a_frame_by_their_labels():
    strata = pd.DataFrame(
        {"county": ["甲县", "甲县"], "year": [2024] * 2, "maternal_deaths": [1, 1],
         "live_births": [1000, 1000]}
    )  # fmt: skip
    found = mch.checks(mch.pool(strata, "MMR", **ONE, by=["county", "year"]))
    assert found["message_zh"].iloc[0].startswith("行 0、1：甲县2024出现2次")
    assert found["message_en"].iloc[0].startswith("rows 0, 1: 甲县 2024 appears 2 times")


def _years() -> pd.DataFrame:
    rows = []
    for year in range(2015, 2025):
        deaths = {"甲县": 15 + year % 3, "乙县": 10 + year % 2}
        births = {"甲县": 3000, "乙县": 2000}
        rows += [(county, year, deaths[county], births[county]) for county in deaths]
        rows.append(("合计", year, sum(deaths.values()), 5000))
    return pd.DataFrame(rows, columns=["county", "year", "infant_deaths", "live_births"])


def test_smooth_leaves_a_total_row_of_the_index_out_of_the_areas():
    table = _years()
    indexed = mch.smooth(table.set_index(["county", "year"]), "IMR")
    plain = mch.smooth(table, "IMR")
    assert "合计" not in indexed.index.get_level_values("county")
    assert indexed["smoothed"].tolist() == pytest.approx(plain["smoothed"].tolist(), rel=1e-12)


def test_trend_and_validate_read_an_index_of_areas_and_years():
    table = _years()
    indexed = table.set_index(["county", "year"])
    fitted = mch.trend(indexed, "IMR", by="county")
    assert sorted(fitted["county"]) == sorted(mch.trend(table, "IMR", by="county")["county"])
    assert "合计" not in set(fitted["county"])
    assert len(mch.checks(mch.validate(indexed))) == len(mch.checks(mch.validate(table)))


def test_dask_refuses_a_total_row_in_an_index_of_areas_as_in_a_column():
    dd = pytest.importorskip("dask.dataframe")
    indexed = dd.from_pandas(COUNTS, npartitions=2).set_index("county")
    for call in (
        lambda: mch.pool(indexed, "MMR", **ONE, by="year").compute(),
        lambda: mch.compute(indexed, "MMR", **ONE).compute(),
    ):
        with pytest.raises(mch.InvalidInputError, match=r"total row \('合计'\) would be counted"):
            call()
    units = dd.from_pandas(COUNTS.iloc[:3], npartitions=2).set_index("county")
    pooled = mch.pool(units, "MMR", **ONE, by="year").compute()
    assert pooled[["numerator", "denominator"]].values.tolist() == [[4.0, 5000.0]]


def test_grouping_by_a_level_of_one_named_index_works():
    pooled = mch.pool(COUNTS.set_index("county"), "MMR", **ONE, by="county")
    assert sorted(pooled["county"]) == sorted(["甲县", "乙县", "丙县"])
    assert pooled["numerator"].sum() == 4.0


def test_a_level_naming_a_field_a_column_gives_is_left_in_the_index():
    both = COUNTS.set_axis(pd.Index(COUNTS["county"].tolist(), name="区县"))
    pooled = mch.pool(both, "MMR", **ONE)
    assert pooled[["numerator", "denominator", "units"]].values.tolist() == [[4.0, 5000.0, 3]]
    assert mch.compute(both, "MMR", **ONE).index.tolist() == ["甲县", "乙县", "丙县"]


def test_only_the_levels_of_areas_and_periods_move():
    appended = COUNTS.set_index("county", append=True)  # levels [None, 'county']
    pooled = mch.pool(appended, "MMR", **ONE)
    assert pooled[["numerator", "denominator"]].values.tolist() == [[4.0, 5000.0]]
    out = mch.compute(appended, "MMR", **ONE)
    assert out.index.tolist() == [(0, "甲县"), (1, "乙县"), (2, "丙县")]
    assert out.index.names == [None, "county"]


def test_the_restored_index_keeps_its_dtypes():
    typed = COUNTS.astype({"county": "category", "year": "Int64"}).set_index(["county", "year"])
    out = mch.compute(typed, "MMR", **ONE)
    assert out.index.dtypes.tolist() == typed.index.dtypes.tolist()
    assert mch.compare(typed, "MMR", benchmark="total").index.dtypes.tolist() == (
        typed.index.dtypes.tolist()
    )


def test_report_reads_an_index_of_areas_or_years():
    table = pd.DataFrame(
        {"县区": ["河阳县", "石门县"] * 2, "年份": [2023, 2023, 2024, 2024],
         "活产数": [13000, 4000, 13957, 4210], "孕产妇死亡数": [2, 1, 1, 0]}
    )  # fmt: skip
    plain = mch.report(table)
    for indexed in (table.set_index("年份"), table.set_index("县区")):
        sets = mch.report(indexed)
        assert list(sets) == list(plain)
        for name in plain:
            pd.testing.assert_frame_equal(  # the index's columns come first
                sets[name].reset_index(drop=True), plain[name].reset_index(drop=True),
                check_like=True,
            )  # fmt: skip


def test_each_total_row_of_an_indexed_long_table_is_its_own_check():
    long = pd.DataFrame(
        {"county": ["甲县", "乙县", "合计"] * 2, "year": [2024] * 6,
         "indicator": ["MMR"] * 3 + ["IMR"] * 3,
         "numerator": [1, 1, 2, 5, 6, 11], "denominator": [1000, 1000, 2000] * 2}
    )  # fmt: skip
    indexed = mch.checks(mch.compute(long.set_index(["county", "year"])))
    assert indexed["check"].tolist() == mch.checks(mch.compute(long))["check"].tolist()
    assert indexed["check"].tolist().count("total_row") == 2


def test_dask_reads_a_named_integer_index_of_years():
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.from_pandas(COUNTS.iloc[:3], npartitions=2).set_index("year")
    assert mch.compute(frame).compute()["county"].tolist() == ["甲县", "乙县", "丙县"]
    pooled = mch.pool(frame, "MMR", **ONE, by="year").compute()
    assert pooled[["numerator", "denominator"]].values.tolist() == [[4.0, 5000.0]]


def test_two_stacked_tables_of_a_frame_are_named_by_row_labels_not_lines():
    stacked = pd.DataFrame(
        {"county": ["甲", "乙", "合计", "丙", "丁", "合计"], "year": [2024] * 6,
         "maternal_deaths": [1, 1, 2, 1, 2, 3], "live_births": [1000, 1000, 2000, 900, 900, 1800]}
    )  # fmt: skip
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.pool(stacked)
    assert "合计行“合计”（行 2）等于行 0至1的2个单位之和" in caught.value.reason_zh
    assert "the total row '合计' (row 2) is the sum of the 2 units of rows 0 to 1" in str(
        caught.value
    )
