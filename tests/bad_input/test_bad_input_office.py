"""The office-table classes of docs/bad-input.md, each on its surfaces (tables, text, CLI).

The generated tables (hypothesis) of tests/adapters/test_office_units.py and the
layouts of tests/io/test_office_layouts.py cover the cases in depth; here each
documented cell is held by name.
"""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest

import mch_indicators as mch
from contract import promise


def table(**extra: list[object]) -> pd.DataFrame:
    data = {"县区": ["甲县", "乙县", "合计"], "年份": [2024] * 3, "活产数": [6000, 7000, 13001],
            "孕产妇死亡数": [0, 1, 1]}  # fmt: skip
    return pd.DataFrame({**data, **extra})


@promise("total-rows", "tables")
def test_total_rows_are_never_units_and_are_checked():
    out = mch.compute(table())
    assert out["county"].tolist() == ["甲县", "乙县"]
    found = mch.checks(out)
    assert found["check"].tolist() == ["total_row", "total_mismatch"]
    assert found["expected"].iloc[1] == 13000.0
    assert len(mch.compute(table(), totals="keep")) == 3
    for pooled in (mch.pool(table(), "MMR"), mch.report(table())["合计"]):
        assert pooled["denominator"].iloc[0] == 13000.0


@promise("duplicate-rows", "tables")
def test_duplicate_rows_are_named_or_summed_on_request():
    doubled = table(县区=["甲县", "甲县", "合计"])
    with pytest.raises(mch.InvalidInputError, match="two rows for 甲县/2024: rows 0 and 1"):
        mch.pool(doubled)
    assert mch.compute(doubled, duplicates="sum")["denominator"].tolist() == [13000.0]


@promise("office-layouts", "tables", "text")
def test_office_layouts_are_read_as_meant_and_blank_labels_named():
    text = (
        "标题,,,\n填报单位：甲县,,单位：人,\n县区,年份,活产数,孕产妇死亡数\n"
        "甲县,2024年,6000,0\n注：初步,,,\n"
    )
    read = mch.read_table(io.BytesIO(text.replace("\n", "\r").encode("gbk")))
    assert read["年份"].tolist() == [2024]
    assert mch.checks(read)["check"].tolist() == ["rows_above_header", "notes_rows"]
    with pytest.raises(mch.InvalidInputError, match="area cell is empty"):
        mch.compute(table(县区=["甲县", None, "合计"]))


@promise("non-whole-counts", "tables", "CLI")
def test_non_whole_counts_are_errors_on_every_surface():
    with pytest.raises(mch.InvalidInputError, match="26,954 written with a dot"):
        mch.compute(table(活产数=[26.954, 7000, 13001]))
    done = subprocess.run(
        [sys.executable, "-m", "mch_indicators", "compute", "MMR", "-n", "2", "-d", "26.954"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 1 and "not a whole number" in done.stderr
    values = {"dataValues": [
        {"dataElement": "live_births", "orgUnit": "A", "period": "2024", "value": "26.954"},
        {"dataElement": "maternal_deaths", "orgUnit": "A", "period": "2024", "value": "2"},
    ]}  # fmt: skip
    from mch_indicators.interop import compute_data_values

    with pytest.raises(mch.InvalidInputError, match=r"data value \(live_births, A, 2024\)"):
        compute_data_values(values)


@promise("inconsistent-counts", "tables")
def test_inconsistent_counts_are_flagged_and_listed():
    rows = pd.DataFrame({"县区": ["甲县"], "年份": [2024], "新生儿死亡数": [4], "婴儿死亡数": [3],
                         "活产数": [1000]})  # fmt: skip
    assert mch.validate(rows)["item"].tolist() == ["neonatal_within_infant_deaths"]
    assert "INCONSISTENT" in str(mch.compute(rows)["flags"].iloc[0])


@promise("hostile-workbooks", "text")
def test_hostile_workbooks_are_refused_naming_the_limit():
    with pytest.raises(mch.InvalidInputError, match=r"ReadLimits\.columns"):
        mch.read_table(io.StringIO(",".join(["a"] * 20_000) + "\n"))
    latin = "name,count\nMüller Straße Weißbier,3\n".encode("latin-1")
    with pytest.raises(mch.InvalidInputError, match="Latin-1"):
        mch.read_table(io.BytesIO(latin))
