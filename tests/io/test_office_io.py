"""Reading the files offices keep: every encoding and format, generated here; bad files named."""

from __future__ import annotations

import codecs
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

import mch_indicators as mch
from mch_indicators._errors import ENCODING_UTF16, delimiter_hint
from mch_indicators._io._delimited import DELIMITERS
from mch_indicators._labels import label

ROWS = [["河阳县", 2024, "13,957", 1], ["石门县", 2024, 8120, "NA"], ["白沙县", 2024, 4210, 0]]
HEADER = ["县区", "年份", "活产数", "孕产妇死亡数"]


def delimited(delimiter: str = ",", title: bool = False) -> str:
    lines = ["2024年某地市妇幼统计表" + delimiter * 3] if title else []
    lines.append(delimiter.join(HEADER))
    for row in ROWS:
        cells = [str(c) for c in row]
        if delimiter == ",":
            cells = [f'"{c}"' if "," in c else c for c in cells]
        lines.append(delimiter.join(cells))
    return "\n".join(lines) + "\n"


def workbook(title: bool = True, sheet: str = "2024年") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表为虚构数据"])
    data = book.create_sheet(sheet)
    if title:
        data.append(["2024年某地市妇幼统计表"])
    data.append(HEADER)
    for county, year, births, deaths in ROWS:
        data.append([county, year, int(str(births).replace(",", "")), deaths])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == HEADER
    assert frame["县区"].tolist() == ["河阳县", "石门县", "白沙县"]
    assert frame["活产数"].tolist() == [13957, 8120, 4210]
    assert frame["孕产妇死亡数"].tolist()[::2] == [1.0, 0.0]
    assert np.isnan(frame["孕产妇死亡数"].iloc[1])


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "gb2312", "utf-16", "utf-32"]
)
@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_text_tables_in_every_encoding_and_delimiter(encoding, delimiter):
    raw = delimited(delimiter).encode(encoding)
    frame = mch.read_table(io.BytesIO(raw))
    check(frame)
    assert frame.index.name == "line" and frame.index.tolist() == [2, 3, 4]


def test_explicit_encoding_wins_and_names_itself_when_wrong(tmp_path):
    raw = delimited().encode("hz")
    path = tmp_path / "hz.csv"  # 7-bit: valid UTF-8 too, so only encoding= reads it right
    path.write_bytes(raw)
    check(mch.read_table(path, encoding="hz"))
    with pytest.raises(mch.InvalidInputError, match="cannot be decoded as utf-8"):
        mch.read_table(io.BytesIO(delimited().encode("gbk")), encoding="utf-8")
    with pytest.raises(mch.InvalidInputError, match="unknown encoding 'klingon'"):
        mch.read_table(path, encoding="klingon")


def test_undecodable_text_names_the_encodings_tried_and_the_line():
    raw = "县区,活产数\n河阳县,1\n".encode() + b"\xff\xfe\xff,2\n"
    with pytest.raises(mch.InvalidInputError, match=r":3: not UTF-8 and not GB18030/GBK"):
        mch.read_table(io.BytesIO(raw))


def test_gbk_that_is_also_valid_utf8_is_never_misread():
    # pure ASCII is both; UTF-8 wins, and GBK text is not valid UTF-8
    text = "县区,活产数\n河阳县,13957\n"
    assert mch.read_table(io.BytesIO(text.encode("gbk")))["县区"].tolist() == ["河阳县"]
    assert mch.read_table(io.BytesIO(text.encode("utf-8")))["县区"].tolist() == ["河阳县"]


def test_wrong_delimiter_is_recognised_and_named():
    raw = delimited("\t").encode("gbk")
    with pytest.raises(mch.InvalidInputError, match="looks tab-separated") as caught:
        mch.read_table(io.BytesIO(raw), delimiter=",")
    assert caught.value.hint == delimiter_hint("\t")  # the setting that reads it, said once
    assert "pass delimiter='\\t' to read it" in str(caught.value)
    assert caught.value.reason_zh.endswith("此文件看来以制表符分隔")
    with pytest.raises(mch.InvalidInputError, match="semicolon-separated"):
        mch.read_table(io.BytesIO(delimited(";").encode()), delimiter="\t")
    check(mch.read_table(io.BytesIO(raw), delimiter="\t"))
    for name in DELIMITERS.values():  # every delimiter found is named in both languages
        key = "delimiter_" + name.replace(" ", "_")
        assert label("messages", key, "en") == name and label("messages", key, "zh") != name


def test_title_rows_and_blank_lines_keep_line_numbers():
    text = delimited(title=True).replace("石门县", "\n石门县", 1)
    frame = mch.read_table(io.BytesIO(text.encode("gb18030")))
    check(frame)
    assert frame.index.tolist() == [3, 5, 6]


def test_xlsx_sheet_by_name_and_position_with_row_numbers():
    raw = workbook()
    frame = mch.read_table(io.BytesIO(raw), sheet="2024年")
    check(frame)
    assert frame.index.name == "row" and frame.index.tolist() == [3, 4, 5]
    check(mch.read_table(io.BytesIO(raw), sheet=1))
    first = mch.read_table(io.BytesIO(workbook(title=False, sheet="数据")), sheet="数据")
    assert first.index.tolist() == [2, 3, 4]


def test_xlsx_problems_are_one_clear_message(tmp_path):
    raw = workbook()
    with pytest.raises(mch.InvalidInputError, match=r"no sheet '2023'; the sheets are '说明'"):
        mch.read_table(io.BytesIO(raw), sheet="2023")
    with pytest.raises(mch.InvalidInputError, match="no sheet number 5"):
        mch.read_table(io.BytesIO(raw), sheet=5)
    with pytest.raises(mch.InvalidInputError, match="a workbook has no encoding"):
        mch.read_table(io.BytesIO(raw), encoding="gbk")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(raw[:200])
    with pytest.raises(mch.InvalidInputError, match=r"broken\.xlsx: not a readable workbook"):
        mch.read_table(broken)
    with pytest.raises(mch.InvalidInputError, match="a sheet is chosen only in a workbook"):
        mch.read_table(io.BytesIO(b"a,b\n1,2\n"), sheet=0)


def test_codes_with_leading_zeros_and_text_stay_text():
    text = "区划代码,县区,活产数\n010101,河阳县,100\n010102,石门县,200\n"
    frame = mch.read_table(io.StringIO(text))
    assert frame["区划代码"].tolist() == ["010101", "010102"]
    assert frame["活产数"].dtype == np.int64


def test_a_column_with_data_but_no_header_is_named_by_line():
    with pytest.raises(mch.InvalidInputError, match=r":2: column 3 holds data but has no header"):
        mch.read_table(io.StringIO("县区,活产数,\n河阳县,1,7\n"))
    frame = mch.read_table(io.StringIO("县区,活产数,\n河阳县,1,\n"))
    assert list(frame.columns) == ["县区", "活产数"]


def test_utf16_without_bom_is_refused_with_advice():
    raw = codecs.encode(delimited("\t"), "utf-16-le")
    with pytest.raises(mch.InvalidInputError, match="encoding='utf-16-le'") as caught:
        mch.read_table(io.BytesIO(raw))
    assert caught.value.hint == ENCODING_UTF16 and caught.value.reason_zh
    check(mch.read_table(io.BytesIO(raw), encoding="utf-16-le"))


def test_two_exports_appended_with_their_byte_order_marks_are_one_table_of_units(tmp_path):
    """Two CSV exports joined by appending the second's rows (``copy /b a.csv+b.csv``):
    its byte-order mark stays at the start of its first row, so ``\\ufeff河阳县`` was a
    county of its own beside 河阳县, its births counted twice in every total, with no word.
    The one text normaliser drops the mark: two rows of one county, refused naming both."""
    first = "\ufeff" + delimited()
    second = "\ufeff" + "河阳县,2024,13957,1\n"
    path = tmp_path / "appended.csv"
    path.write_bytes((first + second).encode("utf-8"))
    table = mch.read_table(path)
    with pytest.raises(mch.InvalidInputError, match="two rows for 河阳县/2024: rows 2 and 5"):
        mch.compute(table)  # the office's wide table, as report and compute --file read it
    with pytest.raises(mch.InvalidInputError, match="two rows for 河阳县/2024"):
        mch.pool(table, ["MMR"], by="年份")
