"""Rows under an office's table that are not units: footers and rows of spaces.

A table ends at its notes and signatures; offices write more of them than 注 and
填表人 (制表：, 校对：, 联系人：, 填报单位（盖章）：, 数据截至…). A row whose cells hold
only spaces is empty, in a CSV as in a workbook.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

import mch_indicators as mch

HEADER = "县区,年份,活产数,孕产妇死亡数\n"
BODY = "甲县,2024,1000,1\n乙县,2024,3000,0\n合计,2024,4000,1\n"
FOOTERS = [
    "制表：张三", "校对：李四", "校核：赵六", "联系人：王五 电话 0731-1234567",
    "填报单位（盖章）：某县妇幼保健院", "报告单位：某县卫生健康局", "数据截至2025年1月31日",
    "截止日期：2025-01-31", "盖章：", "签字：", "报送单位：乙市", "填表单位：某县",
    "上报单位：某县", "截至2023年12月31日",
]  # fmt: skip


def _pooled(table):
    pooled = mch.pool(table)
    return pooled[["numerator", "denominator", "units"]].values.tolist()


@pytest.mark.parametrize("footer", FOOTERS)
@pytest.mark.parametrize("blank_line", ["", ",,,\n"])
def test_a_footer_row_ends_the_table(footer, blank_line):
    text = HEADER + BODY + blank_line + f"{footer},,,\n"
    table = mch.read_table(io.BytesIO(text.encode("gbk")))
    assert _pooled(table) == [[1.0, 4000.0, 2]]
    assert "notes_rows" in mch.checks(table)["check"].tolist()
    assert mch.compute(table)["county"].unique().tolist() == ["甲县", "乙县"]


def test_a_footer_row_of_a_workbook_ends_the_table(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [line.split(",") for line in (HEADER + BODY).splitlines()]:
        sheet.append([int(c) if c.isdigit() else c for c in row])
    sheet.append([])
    sheet.append(["制表：张三", None, "校对：李四"])
    path = tmp_path / "报表.xlsx"
    book.save(path)
    assert _pooled(mch.read_table(path)) == [[1.0, 4000.0, 2]]


@pytest.mark.parametrize("spaces", ["   ,  , ,\n", "\u3000,,,\n", ",,,\n \t ,,,\n"])
def test_a_row_of_spaces_is_empty_in_a_csv(spaces):
    for text in (HEADER + BODY + spaces, HEADER + "甲县,2024,1000,1\n" + spaces + BODY[16:]):
        table = mch.read_table(io.BytesIO(text.encode("utf-8")))
        assert _pooled(table) == [[1.0, 4000.0, 2]]
