"""A workbook cell holding an Excel error (#DIV/0!, #REF!) is never a missing count in silence.

The engine reads an error cell as empty: a county whose live births were ``=B2/0`` was
computed as "not reported" (缺报) and left out of the total with no word of why. A count
cell holding an error is now refused naming its row and column; an error in a column
that is not used (a rate column beside the counts) is named in the data checks.
"""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

import mch_indicators as mch


def _workbook(path, error_at: str, error: str = "#DIV/0!") -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["县区", "年份", "活产数", "婴儿死亡数", "婴儿死亡率(‰)"])
    sheet.append(["甲县", 2024, 1000, 3, 3.0])
    sheet.append(["乙县", 2024, 2000, 4, 2.0])
    sheet[error_at] = "PLACEHOLDER"
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    cell = rf'<c r="{error_at}" t="inlineStr"><is><t>PLACEHOLDER</t></is></c>'
    written = f'<c r="{error_at}" t="e"><f>C3/0</f><v>{error}</v></c>'
    parts["xl/worksheets/sheet1.xml"] = re.sub(cell, written, sheet_xml).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


@pytest.mark.parametrize("error", ["#DIV/0!", "#REF!"])
def test_a_count_cell_holding_an_excel_error_is_refused_naming_it(tmp_path, error) -> None:
    path = tmp_path / "counts.xlsx"
    _workbook(path, "C3", error)
    table = mch.read_table(path)
    for run in (lambda: mch.report(table), lambda: mch.compute(table, "IMR")):
        with pytest.raises(mch.InvalidInputError) as raised:
            run()
        assert (raised.value.row, raised.value.column) == (3, "活产数")
    assert "Excel error" in raised.value.reason and "错误值" in raised.value.reason_zh
    assert "C3 " + error in mch.checks(table)["message_en"].str.cat()


def test_an_error_in_a_column_not_used_is_a_check_not_a_refusal(tmp_path) -> None:
    path = tmp_path / "counts.xlsx"
    _workbook(path, "E3")
    out = mch.compute(mch.read_table(path), "IMR")
    assert out["denominator"].tolist() == [1000, 2000]
    found = mch.checks(out)
    row = found[found["check"] == "error_cells"]
    assert row["message_zh"].tolist() == [
        "单元格E3 #DIV/0!是 Excel 错误值，按空单元格读入（计数列中的错误值会报错）"
    ]


def test_the_scan_finds_error_cells_with_or_without_their_formula() -> None:
    from mch_indicators._io._bounds import _error_cells

    sheet = (
        b'<row r="2"><c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="D2" t="e">'
        b'<v>#REF!</v></c><c r="E2" t = "e"/><c r="F2" t="n"><v>1</v></c></row>'
    )
    assert _error_cells(sheet) == [(2, 3, "#DIV/0!"), (2, 4, "#REF!")]
    assert _error_cells(b'<c r="A1" t="s"><v>0</v></c>') == []
