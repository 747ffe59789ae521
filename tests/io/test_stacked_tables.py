"""Two tables one under the other on one sheet are refused, found by their totals' numbers.

Units, a 合计, perhaps blank rows, then more units of the same period and another 合计
were read as one table: both tables' units pooled (16 deaths in 4,200 births for 11 in
3,000), each 合计 "checked" against all four. The refusal lives where total rows are
taken out (``office_units``), so ``pool``, ``compute``, ``validate``, ``report`` and the
command line all say it. The layouts an office really sends (signature rows, 小计
groups parted by blank rows, a rate or 其中 row under the total, monthly blocks, a
closing total, a cell spanning lines, a row of spaces) are read as before.
"""

from __future__ import annotations

import contextlib
import io

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mch_indicators as mch
from mch_indicators._cli import _commands, main

HEADER = "县区,年份,活产数,婴儿死亡数\n"
FIRST = "甲县,2024,1000,5\n乙县,2024,2000,6\n合计,2024,3000,11\n"
SECOND = "丙县,2024,500,2\n丁县,2024,700,3\n合计,2024,1200,5\n"
#: The two tables with a blank row between them (lines 2-4, 6-8).
TWO = HEADER + FIRST + ",,,\n" + SECOND


def read(text: str) -> pd.DataFrame:
    return mch.read_table(io.BytesIO(text.encode("utf-8")))


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def stacked(call) -> mch.InvalidInputError:
    with pytest.raises(mch.InvalidInputError, match="two tables one under the other") as raised:
        call()
    return raised.value


# --- refused -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "second"),
    [
        (TWO, (6, 7, 8)),
        (HEADER + FIRST + SECOND, (5, 6, 7)),  # no blank row: the numbers decide
        (HEADER + FIRST + ",,,\n,,,\n" + SECOND.replace("合计", "总计"), (7, 8, 9)),
    ],
    ids=["blank-row", "no-blank-row", "总计"],
)
def test_two_tables_one_under_the_other_are_refused_naming_both_blocks(text, second):
    frame = read(text)
    start, end, total = second
    error = stacked(lambda: mch.pool(frame, "IMR"))
    assert error.row == total
    assert "the total row '合计' (row 4) is the sum of the 2 units of rows 2 to 3" in error.reason
    assert f"(row {total}) the sum of the 2 units of rows {start} to {end} only" in error.reason
    assert "one table at a time" in error.reason and "totals='drop'" in str(error)
    assert "合计行“合计”（第4行）等于第2至3行的2个单位之和" in error.reason_zh
    assert f"（第{total}行）只等于第{start}至{end}行的2个单位之和" in error.reason_zh
    assert "一次只读一张表" in error.reason_zh
    for call in (
        lambda: mch.compute(frame, indicators=["IMR"]),
        lambda: mch.validate(frame),
        lambda: mch.funnel(frame, "IMR"),
    ):
        stacked(call)


def test_the_counties_then_one_county_s_townships_are_refused():
    """The townships of 乙县 under the counties: 乙县's births would be counted twice."""
    text = HEADER + FIRST + ",,,\n城关镇,2024,1200,4\n河口镇,2024,800,2\n乙县合计,2024,2000,6\n"
    error = stacked(lambda: mch.pool(read(text), "IMR"))
    assert "'乙县合计' (row 8) the sum of the 2 units of rows 6 to 7" in error.reason


def test_totals_drop_reads_the_blocks_as_one_table_s_groups():
    """The hint's setting: the blocks are groups of one table, the totals unchecked."""
    pooled = mch.pool(read(TWO), "IMR", totals="drop")
    assert pooled[["numerator", "denominator"]].iloc[0].tolist() == [16, 4200]


def test_two_tables_in_a_workbook_are_refused(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in TWO.splitlines():
        sheet.append([int(c) if c.isdigit() else (c or None) for c in line.split(",")])
    path = tmp_path / "两张表.xlsx"
    book.save(path)
    error = stacked(lambda: mch.pool(mch.read_table(path), "IMR"))
    assert "rows 2 to 3" in error.reason and "rows 6 to 7" in error.reason
    status, out, err = cli("report", str(path), "--out", str(tmp_path / "r.xlsx"), "--lang", "zh")
    assert status == 1 and not out and "Traceback" not in err
    assert "两张表上下相接" in err and "第8行" in err and "--totals drop" in err
    assert not (tmp_path / "r.xlsx").exists()


@pytest.mark.parametrize("streamed", [True, False], ids=["streamable", "read-whole"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_command_line_says_it_in_the_user_s_language(tmp_path, monkeypatch, lang, streamed):
    path = tmp_path / "两张表.csv"
    path.write_bytes(TWO.encode("gbk"))
    if not streamed:
        monkeypatch.setattr(_commands, "streamable", lambda path: False)
    status, out, err = cli("compute", "--file", str(path), "--lang", lang)
    assert status == 1 and not out and "Traceback" not in err
    said = {
        "en": ["two tables one under the other", "rows 2 to 3", "rows 6 to 7", "--totals drop"],
        "zh": ["两张表上下相接", "第2至3行", "第6至7行", "一次只读一张表", "--totals drop"],
    }
    assert all(words in err for words in said[lang]), err
    status, out, _ = cli("compute", "--file", str(path), "--totals", "drop")
    assert status == 0 and "丁县" in out


# --- read as before ----------------------------------------------------------------------

FOOTERS = [
    "制表：张三",
    "校对：李四",
    "联系人：王五",
    "填报单位（盖章）：",
    "报告单位：某县妇幼保健院",
]
#: 甲县 and its part, then 乙县 and the total.
BROKEN_DOWN = "甲县,2024,1000,5\n其中：城关镇,2024,600,3\n乙县,2024,2000,6\n合计,2024,3000,11\n"


@pytest.mark.parametrize("blank", ["", ",,,\n"], ids=["under", "after-a-blank-row"])
@pytest.mark.parametrize("footer", [*FOOTERS, "数据截至2025年1月10日"])
def test_a_signature_row_under_the_total_is_no_second_table(footer, blank):
    frame = read(HEADER + FIRST + blank + footer + ",,,\n")
    pooled = mch.pool(frame, "IMR")
    found = [c for c in mch.checks(pooled)["check"] if c != "notes_rows"]
    assert found == ["total_row"]  # 合计 checked against 甲县 and 乙县
    assert pooled["units"].iloc[0] == 2  # the footer is no unit


def test_subtotal_groups_parted_by_blank_rows_under_one_total():
    text = (
        HEADER + "甲乡,2024,100,1\n乙乡,2024,200,2\n小计,2024,300,3\n,,,\n"
        "丙乡,2024,400,4\n丁乡,2024,500,5\n小计,2024,900,9\n,,,\n合计,2024,1200,12\n"
    )
    pooled = mch.pool(read(text), "IMR")
    assert pooled[["numerator", "denominator", "units"]].iloc[0].tolist() == [12, 1200, 4]
    assert "total_mismatch" not in mch.checks(pooled)["check"].tolist()


def test_a_closing_total_over_two_blocks_of_one_period_is_one_table():
    text = HEADER + FIRST + ",,,\n" + SECOND + ",,,\n总计,2024,4200,16\n"
    pooled = mch.pool(read(text), "IMR")
    assert pooled[["numerator", "denominator", "units"]].iloc[0].tolist() == [16, 4200, 4]


def test_groups_totalled_by_their_places_are_one_table():
    """甲县合计 and 乙县合计 name groups of one table, not two tables."""
    text = (
        HEADER + "城关镇,2024,600,3\n河口镇,2024,400,2\n甲县合计,2024,1000,5\n"
        "东镇,2024,900,3\n西镇,2024,1100,3\n乙县合计,2024,2000,6\n"
    )
    pooled = mch.pool(read(text), "IMR")
    assert pooled[["numerator", "denominator", "units"]].iloc[0].tolist() == [11, 3000, 4]


@pytest.mark.parametrize("rate", ["孕产妇死亡率（/10万）,2024,,", "婴儿死亡率（‰）,2024,,"])
def test_a_rate_row_under_the_total_after_a_blank_row_is_no_second_table(rate):
    frame = read(HEADER + FIRST + ",,,\n" + rate + "\n")
    assert frame.index.tolist()[-1] == 6
    mch.pool(frame, "IMR")  # a unit without counts, as before: not refused


@pytest.mark.parametrize(
    "text",
    [
        HEADER + FIRST + "其中：,,,\n城关镇,2024,600,3\n河口镇,2024,400,2\n",
        HEADER + BROKEN_DOWN,
    ],
    ids=["其中-heading-rows", "其中-row"],
)
def test_a_breakdown_block_is_no_second_table(text):
    mch.pool(read(text), "IMR")
    mch.compute(read(text), indicators=["IMR"])


def test_monthly_blocks_each_with_its_total_are_one_table():
    text = (
        "县区,年份,月份,活产数,婴儿死亡数\n甲县,2024,1,100,1\n乙县,2024,1,200,2\n"
        "合计,2024,1,300,3\n,,,,\n甲县,2024,2,110,1\n乙县,2024,2,210,2\n合计,2024,2,320,3\n"
    )
    pooled = mch.pool(read(text), "IMR")
    assert pooled[["numerator", "denominator"]].iloc[0].tolist() == [6, 620]
    assert len(mch.compute(read(text), indicators=["IMR"])) == 4


def test_quarterly_blocks_whose_totals_leave_the_quarter_blank_are_not_refused():
    """Each block is of its own quarter: not two tables of one period."""
    text = (
        "县区,年份,季度,活产数,婴儿死亡数\n甲县,2024,1,100,1\n乙县,2024,1,200,2\n"
        "合计,2024,,300,3\n,,,,\n甲县,2024,2,110,1\n乙县,2024,2,210,2\n合计,2024,,320,3\n"
    )
    assert mch.pool(read(text), "IMR")["denominator"].tolist() == [620]


def test_quarterly_blocks_under_title_rows_repeat_their_units_and_are_not_refused():
    text = (
        "县区,活产数,婴儿死亡数\n一季度,,\n甲县,100,1\n乙县,200,2\n合计,300,3\n"
        "二季度,,\n甲县,110,1\n乙县,210,2\n合计,320,3\n"
    )
    mch.pool(read(text), "IMR")  # strata of the year, as before
    with pytest.raises(mch.InvalidInputError, match="two rows for 甲县"):
        mch.compute(read(text), indicators=["IMR"])  # two rows of one unit, as before


def test_a_closing_total_over_several_years_is_one_table():
    text = (
        HEADER + "甲县,2022,900,4\n乙县,2022,1900,5\n合计,2022,2800,9\n,,,\n"
        "甲县,2023,1000,5\n乙县,2023,2000,6\n合计,2023,3000,11\n,,,\n总计,,5800,20\n"
    )
    pooled = mch.pool(read(text), "IMR", by="年份")
    assert pooled["denominator"].tolist() == [2800, 3000]
    assert len(mch.compute(read(text), indicators=["IMR"])) == 4


def test_a_csv_cell_spanning_lines_is_no_blank_line():
    text = HEADER + '"甲县\n（含开发区）",2024,1000,5\n乙县,2024,2000,6\n合计,2024,3000,11\n'
    pooled = mch.pool(read(text), "IMR")
    assert pooled[["numerator", "denominator"]].iloc[0].tolist() == [11, 3000]


@pytest.mark.parametrize("note", ["", "注：初步统计,,,\n"], ids=["alone", "then-a-note"])
def test_a_row_of_spaces_under_the_total_is_no_second_table(note):
    frame = read(HEADER + FIRST + "   ,   ,   ,   \n" + note)
    found = mch.checks(mch.pool(frame, "IMR"))
    assert [c for c in found["check"].tolist() if c != "notes_rows"] == ["total_row"]


def test_a_long_table_streamed_in_chunks_is_refused_neither_streamed_nor_whole(
    tmp_path, monkeypatch
):
    """A long table's compute reads each row on its own (strata, no sums judged): the
    streamed ``compute --file`` and the whole file's both read it (a wide table is never
    streamed: its rows are judged together, refused above both ways)."""
    from mch_indicators._cli import _stream

    monkeypatch.setattr(_stream, "CHUNK_LINES", 4)
    monkeypatch.setattr(_stream, "_HEAD_LINES", 3)
    rows = [
        "甲县,2024,IMR,5,1000", "乙县,2024,IMR,6,2000", "合计,2024,IMR,11,3000", ",,,,",
        "丙县,2024,IMR,2,500", "丁县,2024,IMR,3,700", "合计,2024,IMR,5,1200",
    ]  # fmt: skip
    path = tmp_path / "long.csv"
    path.write_text("县区,年份,indicator,numerator,denominator\n" + "\n".join(rows) + "\n")
    streamed = cli("compute", "--file", str(path), "--format", "csv")
    monkeypatch.setattr(_commands, "streamable", lambda path: False)
    whole = cli("compute", "--file", str(path), "--format", "csv")
    assert streamed[0] == whole[0] == 0
    assert streamed[1].splitlines()[:5] == whole[1].splitlines()[:5]  # the four units
    assert "two tables" not in streamed[2] + whole[2]


# --- properties --------------------------------------------------------------------------

counts = st.tuples(st.integers(1, 5000), st.integers(0, 40))
blocks = st.lists(st.lists(counts, min_size=1, max_size=4), min_size=1, max_size=4)


def _table(parts: list[list[tuple[int, int]]], closing: bool) -> str:
    lines, number = [HEADER], 0
    for block in parts:
        for births, deaths in block:
            number += 1
            lines.append(f"单位{number},2024,{births},{min(deaths, births)}\n")
        births = sum(b for b, _ in block)
        deaths = sum(min(d, b) for b, d in block)
        lines.append(f"合计,2024,{births},{deaths}\n,,,\n")
    if closing:
        births = sum(b for block in parts for b, _ in block)
        deaths = sum(min(d, b) for block in parts for b, d in block)
        lines.append(f"总计,2024,{births},{deaths}\n")
    return "".join(lines)


@given(blocks)
def test_a_table_with_a_closing_total_is_never_refused(parts):
    pooled = mch.pool(read(_table(parts, closing=True)), "IMR")
    assert pooled["units"].tolist() == [sum(map(len, parts))]


@given(blocks.filter(lambda parts: len(parts) >= 2))
def test_blocks_each_under_its_own_total_and_no_closing_total_are_refused(parts):
    stacked(lambda: mch.pool(read(_table(parts, closing=False)), "IMR"))


def test_each_city_s_total_of_its_counties_is_one_table():
    """合计 rows in the county column beside their city: each sums its own city's units."""
    text = (
        "地市,县区,年份,活产数,婴儿死亡数\n甲市,甲县,2024,1000,5\n甲市,乙县,2024,2000,6\n"
        "甲市,合计,2024,3000,11\n,,,,\n乙市,丙县,2024,500,2\n乙市,丁县,2024,700,3\n"
        "乙市,合计,2024,1200,5\n"
    )
    pooled = mch.pool(read(text), "IMR")
    assert pooled[["numerator", "denominator", "units"]].iloc[0].tolist() == [16, 4200, 4]
    assert "total_mismatch" not in mch.checks(pooled)["check"].tolist()


def test_blank_labelled_totals_of_stacked_blocks_are_refused_not_summed_as_strata():
    """Each blank-area row sums the rows above it, not its group: pool counted both as
    strata (32 deaths in 8,400 births for 16 in 4,200)."""
    stacked = (
        HEADER + "甲县,2024,1000,5\n乙县,2024,2000,6\n,2024,3000,11\n"
        "丙县,2024,500,2\n丁县,2024,700,3\n,2024,1200,5\n"
    )
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.pool(read(stacked), "IMR")
    assert "sums the 2 rows above it, not all the units of its group" in str(caught.value)
    assert "且这一行等于其上2行之和" in caught.value.reason_zh
    one = HEADER + "甲县,2024,1000,5\n乙县,2024,2000,6\n,2024,3000,11\n"
    pooled = mch.pool(read(one), "IMR")  # a blank total of its group: taken out
    assert pooled[["numerator", "denominator", "units"]].iloc[0].tolist() == [11, 3000, 2]
    strata = HEADER + "甲县,2024,1000,5\n乙县,2024,2000,6\n,2024,400,1\n"
    pooled = mch.pool(read(strata), "IMR")  # a blank stratum that sums nothing stays one
    assert pooled[["numerator", "denominator", "units"]].iloc[0].tolist() == [12, 3400, 3]


def test_stacked_tables_with_their_totals_above_are_refused():
    """合计 first, as statistical tables write it: each 合计 sums the block under it."""
    stacked = (
        HEADER + "合计,2024,3000,11\n甲县,2024,1000,5\n乙县,2024,2000,6\n"
        "合计,2024,1200,5\n丙县,2024,500,2\n丁县,2024,700,3\n"
    )
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.pool(read(stacked), "IMR")
    assert "is the sum of the 2 units of rows 3 to 4 only, not of all the units under it" in (
        str(caught.value)
    )
    assert "只等于第3至4行的2个单位之和，而不是其下所有单位之和" in caught.value.reason_zh
    one = HEADER + "合计,2024,4200,16\n甲县,2024,1000,5\n乙县,2024,2000,6\n丙县,2024,500,2\n"
    pooled = mch.pool(read(one + "丁县,2024,700,3\n"), "IMR")  # one table, its total first
    assert pooled[["numerator", "denominator", "units"]].iloc[0].tolist() == [16, 4200, 4]


def test_a_subtotal_written_above_its_block_sums_the_rows_under_it():
    """小计 above each block under a 合计 heading the table: the first 小计 had no units
    since the 合计 and was counted as an area (27 deaths in 7,200 births for 16 in 4,200)."""
    text = (
        HEADER + "合计,2024,4200,16\n小计,2024,3000,11\n甲县,2024,1000,5\n乙县,2024,2000,6\n"
        "小计,2024,1200,5\n丙县,2024,500,2\n丁县,2024,700,3\n"
    )
    for pooled in (mch.pool(read(text), "IMR"), mch.pool(read(text))):
        row = pooled[pooled["indicator"] == "infant_mortality_rate"].iloc[0]
        assert [row["numerator"], row["denominator"], row["units"]] == [16, 4200, 4]
        assert mch.checks(pooled)["check"].tolist().count("total_mismatch") == 0
