"""Lists in Chinese messages take 、 (第2、3行); English counts agree with their number (1 row).

The data checks name several lines, columns or ranges; the command line's summary of a
report counts its rows, indicators and flagged values.
"""

from __future__ import annotations

import io

import pytest

import mch_indicators as mch
from chinese import run_cli


def _run(*args: str) -> tuple[int, str, str]:
    return run_cli(*args)


DUPLICATED = "县区,年份,孕产妇死亡数,活产数\n甲县,2024,1,100\n甲县,2024,1,200\n乙县,2024,0,300\n"


def test_rows_summed_are_listed_with_the_chinese_enumeration_comma(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(DUPLICATED, encoding="utf-8")
    status, text, err = _run("report", str(path), "--duplicates", "sum", "--lang", "zh")
    assert status == 0, err
    assert "  - 第2、3行：甲县2024出现2次，已按要求合并相加（duplicates='sum'）" in text
    assert "2, 3" not in text
    status, text, err = _run("report", str(path), "--duplicates", "sum")
    assert status == 0, err
    assert "  - rows 2, 3: 甲县 2024 appears 2 times; the counts were summed" in text


def test_the_summary_of_a_report_says_one_row_in_the_singular(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(DUPLICATED, encoding="utf-8")
    status, text, err = _run("report", str(path), "--duplicates", "sum")
    assert status == 0, err
    assert text.splitlines()[:2] == [
        "county: 2 rows × 1 indicator, 2 values flagged",
        "total: 1 row × 1 indicator, 1 value flagged",
    ]
    status, text, err = _run("report", str(path), "--duplicates", "sum", "--lang", "zh")
    assert text.splitlines()[:2] == [
        "县区：2 行 × 1 项指标，2 个数值带标记",
        "合计：1 行 × 1 项指标，1 个数值带标记",
    ]


def test_two_header_rows_joined_are_listed_with_the_enumeration_comma():
    text = "地区,孕产妇,,活产数\n,死亡数,死亡率,\n甲县,1,10.2,9800\n乙县,0,0,5000\n"
    table = mch.read_table(io.BytesIO(text.encode("utf-8")))
    found = mch.checks(table)
    assert found["message_zh"].tolist() == [
        "两行表头（第1–2行）已合并：孕产妇死亡数、孕产妇死亡率"
    ]
    assert found["message_en"].tolist() == [
        "two header rows (1–2) were joined: 孕产妇死亡数, 孕产妇死亡率"
    ]


def test_merged_ranges_are_listed_with_the_enumeration_comma():
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2024年统计表"])
    sheet.merge_cells("A1:D1")
    sheet.append(["县区", "年份", "孕产妇死亡数", "活产数"])
    sheet.append(["甲县", 2024, 1, 100])
    sheet.append([None, 2025, 0, 100])
    sheet.merge_cells("A3:A4")
    buffer = io.BytesIO()
    book.save(buffer)
    found = mch.checks(mch.read_table(io.BytesIO(buffer.getvalue())))
    merged = found[found["check"] == "merged_cells"]
    assert merged["message_zh"].tolist() == ["合并单元格A1:D1、A3:A4：各单元格取合并区域的值"]
    assert merged["message_en"].tolist() == [
        "merged cells A1:D1, A3:A4: each cell took the value of the merged range"
    ]
