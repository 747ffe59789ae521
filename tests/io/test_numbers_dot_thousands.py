"""A count written ``1.000`` is 1 or 1,000: refused naming the cell, never read as 1 in silence.

``26.954`` was refused (not a whole number, with the hint that it may be 26,954), but
``1.000`` read as the whole number 1: a county's 1,000 live births written with a dot
between the thousands became 1 birth and its infant mortality rate 3000‰, with no check.
A column that shows its dot as a decimal point elsewhere (``12.5``, ``26954.000``, or a
comma grouping thousands) reads ``1.000`` as 1.
"""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

import mch_indicators as mch
from mch_indicators._io._numbers import dot_thousands


def test_a_dot_and_three_zeros_is_ambiguous_unless_the_column_shows_its_dot() -> None:
    assert dot_thousands(pd.Series(["1.000", "2.000", "１.０００", "12", None])).tolist() == [
        True, True, True, False, False,
    ]  # fmt: skip
    for shown in ("26,954", "12.5", "26954.000", "3.", "0.0001"):
        assert not dot_thousands(pd.Series(["1.000", shown])).any(), shown
    assert not dot_thousands(pd.Series(["1000", "26.95"])).any()
    assert not dot_thousands(pd.Series(["0.000", "012.000"])).any()  # 0 either way; no group


def _workbook(path, births) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["县区", "年份", "活产数", "婴儿死亡数"])
    for name, count in zip(["甲县", "乙县"], births, strict=True):
        sheet.append([name, 2024, count, 3])
    book.save(path)


def test_a_workbook_count_written_1_000_is_refused_naming_the_cell(tmp_path) -> None:
    path = tmp_path / "counts.xlsx"
    _workbook(path, ["2,000", "1.000"])  # the comma says the dot is a decimal point: 1
    assert mch.compute(mch.read_table(path), "IMR")["denominator"].tolist() == [2000, 1]
    _workbook(path, ["2.000", "1.000"])
    with pytest.raises(mch.InvalidInputError) as raised:
        mch.compute(mch.read_table(path), "IMR")
    error = raised.value
    assert (error.row, error.column) == (2, "活产数")
    assert "'2.000' may be the count 2, or 2,000" in error.reason
    assert "“2.000”可能是 2，也可能是用点分隔千位的 2,000" in error.reason_zh


def test_a_csv_and_a_frame_of_texts_alike(tmp_path) -> None:
    path = tmp_path / "counts.csv"
    path.write_text("县区,年份,活产数,婴儿死亡数\n甲县,2024,1.000,3\n乙县,2024,2000,4\n")
    with pytest.raises(mch.InvalidInputError, match=r"'1\.000' may be the count 1"):
        mch.report(mch.read_table(path))
    frame = pd.DataFrame({"县区": ["甲县"], "活产数": ["1.000"], "婴儿死亡数": [1]})
    with pytest.raises(mch.InvalidInputError, match="1,000 written with a dot"):
        mch.compute(frame, "IMR")
