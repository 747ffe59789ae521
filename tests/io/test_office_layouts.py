"""The layouts county offices really send, read as they mean, and hostile workbooks refused.

Each table is written here as an office would save it (GBK CSV from Excel, CR-only
"CSV (Macintosh)", .xlsx from openpyxl with merged cells, hidden rows and columns,
percent formats, formulas), read with ``read_table`` and checked cell by cell, with
the read's checks (``mch.checks``) naming what was skipped or found.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import tracemalloc
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

import chinese
import mch_indicators as mch
from contract import promise
from mch_indicators._headers import match_headers

OFFICE_CSV = """河阳县2024年妇幼卫生统计表,,,
填报单位：河阳县妇幼保健院,,单位：人,
乡镇,年份,活产数,孕产妇死亡数
甲乡,2024年,"5,200",1
乙乡,2024年度,5355,0
合计,2024年,10556,1
注：数据为初步统计,,,
填表人：张三,,审核人：李四,
填报日期：2025年1月10日,,,
"""


def read(text: str, encoding: str = "gbk", newline: str = "\n") -> pd.DataFrame:
    return mch.read_table(io.BytesIO(text.replace("\n", newline).encode(encoding)))


def workbook_bytes(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_title_unit_rows_notes_and_years_as_an_office_writes_them(newline):
    table = read(OFFICE_CSV, newline=newline)
    assert table.columns.tolist() == ["乡镇", "年份", "活产数", "孕产妇死亡数"]
    assert table.index.tolist() == [4, 5, 6]  # lines of the file
    assert table["年份"].tolist() == [2024, 2024, 2024]
    assert table["活产数"].tolist() == [5200, 5355, 10556]
    found = mch.checks(table)
    assert found["check"].tolist() == ["rows_above_header", "notes_rows"]
    assert "填报单位：河阳县妇幼保健院" in found["message_zh"].iloc[0]
    assert "第1–2行" in found["message_zh"].iloc[0]
    assert "7–9" in found["message_en"].iloc[1] and "审核人" in found["message_en"].iloc[1]


def test_a_row_of_data_after_the_notes_is_an_error_naming_it():
    text = OFFICE_CSV + "丙乡,2024,300,0\n"
    with pytest.raises(mch.InvalidInputError, match=r":10: a row of data after the notes"):
        read(text)


def test_two_header_rows_are_joined():
    text = "地区,孕产妇,,活产数\n,死亡数,死亡率,\n甲县,1,10.2,9800\n乙县,0,0,5000\n"
    table = read(text, "utf-8")
    assert table.columns.tolist() == ["地区", "孕产妇死亡数", "孕产妇死亡率", "活产数"]
    assert table["孕产妇死亡数"].tolist() == [1, 0]
    assert mch.checks(table)["check"].tolist() == ["header_joined"]


def test_a_first_data_row_of_text_is_not_taken_for_a_second_header():
    text = "县区,乡镇,活产数\n甲县,城关镇,\n甲县,东乡,300\n"
    table = read(text, "utf-8")
    assert table.columns.tolist() == ["县区", "乡镇", "活产数"]
    assert table["乡镇"].tolist() == ["城关镇", "东乡"]


def test_latin1_is_never_decoded_silently_as_gb18030():
    raw = "name,count\nMüller Straße Weißbier,3\nGarçon Crème,4\n".encode("latin-1")
    with pytest.raises(mch.InvalidInputError, match="Latin-1") as caught:
        mch.read_table(io.BytesIO(raw))
    assert "Müller" in str(caught.value) and ":2:" in str(caught.value)
    table = mch.read_table(io.BytesIO(raw), encoding="latin-1")
    assert table["name"].tolist() == ["Müller Straße Weißbier", "Garçon Crème"]
    # GBK with a few rare characters (镕 is outside GB2312) stays GBK
    gbk = "县区,活产数\n朱镕基县,10\n河阳县,20\n石门县,30\n".encode("gbk")
    assert mch.read_table(io.BytesIO(gbk))["县区"].tolist() == ["朱镕基县", "河阳县", "石门县"]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_a_byte_the_encoding_cannot_read_is_named_at_its_line_whatever_the_line_ends(newline):
    """A GBK file read as UTF-8 named line 1 when its lines ended in a lone CR (Excel's
    "CSV (Macintosh)"): lines were counted by LF only. A Latin-1 file's line too."""
    rows = ["area,births", *(f"a{i},1000" for i in range(5)), "河阳县,1000"]
    raw = newline.join(rows).encode("gbk")
    with pytest.raises(mch.InvalidInputError, match=r"<stream>:7: cannot be decoded as utf-8"):
        mch.read_table(io.BytesIO(raw), encoding="utf-8")
    latin = newline.join([*rows[:-1], "Müller Straße,3"]).encode("latin-1")
    with pytest.raises(mch.InvalidInputError, match="Latin-1") as caught:
        mch.read_table(io.BytesIO(latin))
    assert ":7:" in str(caught.value) and "Müller" in str(caught.value)
    with pytest.raises(mch.InvalidInputError, match=":7: not UTF-8 and not GB18030"):
        mch.read_table(io.BytesIO(newline.join([*rows[:-1], "a\xff\xff"]).encode("latin-1")))


def test_a_utf8_file_with_a_gbk_line_pasted_in_names_that_line():
    """UTF-8 Chinese text above, one GBK line under it: the file was judged whole as
    GB18030 (its UTF-8 lines misread, or refused as Latin-1 at line 1); the line that is
    not UTF-8 is named, with what it reads as GBK, in English and Chinese."""
    rows = ["县区,年份,活产数,婴儿死亡数", *(f"甲{i}县,2024,1000,5" for i in range(5))]
    raw = "\n".join(rows).encode("utf-8") + "\n河阳县,2024,1000,5\n".encode("gbk")
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.read_table(io.BytesIO(raw))
    assert caught.value.reason.startswith("<stream>:7: the file is UTF-8 text above this line")
    assert "'河阳县,2024,1000,5'" in caught.value.reason
    assert "第7行：此行以上是 UTF-8 文本" in caught.value.reason_zh
    # a GBK file whose first line happens to read as UTF-8 is GBK, as before
    assert mch.read_table(io.BytesIO("县区,活产数\n河阳县,1\n".encode("gbk"))).shape == (1, 2)


def test_the_streaming_reader_names_a_gbk_line_in_a_utf8_file(tmp_path):
    """compute --file reads a long text table in chunks: the same line is named."""
    rows = ["县区,年份,活产数,婴儿死亡数", *(f"甲{i}县,2024,1000,5" for i in range(40_000))]
    path = tmp_path / "counts.csv"
    path.write_bytes("\n".join(rows).encode("utf-8") + "\n河阳县,2024,1000,5\n".encode("gbk"))
    status, _, err = chinese.run_cli("compute", "--file", str(path))
    assert status == 1
    assert "counts.csv:40002: the file is UTF-8 text above this line" in err


@promise("shapes", "text")
def test_a_field_over_128_kb_is_an_error_below_the_header_too():
    for cell in ("a" * 200_000, "县" * 200_000):
        text = f"county,births\nA,1\n{cell},2\n"
        with pytest.raises(mch.InvalidInputError, match=r":3: a field longer than 131,072"):
            mch.read_table(io.StringIO(text))
    quoted = 'county,births\nA,1\n"' + "b" * 200_000 + '",2\n'
    with pytest.raises(mch.InvalidInputError, match=":3:"):
        mch.read_table(io.StringIO(quoted))


def test_a_field_under_the_limit_in_characters_but_over_it_in_bytes_is_read():
    """The limit counts characters: 50,000 Chinese characters are 150,000 bytes of UTF-8."""
    cell = "县" * 50_000
    table = mch.read_table(io.StringIO(f"county,births\nA,1\n{cell},2\n"))
    assert table["county"].tolist() == ["A", cell]
    with pytest.raises(mch.InvalidInputError, match=r":2: a field longer than 131,072"):
        mch.read_table(io.StringIO(f"county，births\n{'县' * 131_073}，2\n"), delimiter="，")


def test_fields_just_under_the_limit_are_searched_once_each():
    """The search for a field over the limit started at every character of a run and scanned
    the rest of it: quadratic in a field under the limit but over it in bytes (a header of
    100,000 Chinese characters: 44 s to read; here about 2 minutes). Runs are searched from
    their start only. No time is measured: read linearly, this takes milliseconds."""
    cell = "合计" * 65_500  # 131,000 characters, 393,000 bytes
    table = mch.read_table(io.StringIO(f"county,births\nA,1\n{cell},2\n{cell}x,3\n"))
    assert table["births"].tolist() == [1, 2, 3]
    with pytest.raises(mch.InvalidInputError, match=r":4: a field longer than 131,072"):
        mch.read_table(io.StringIO(f"county,births\nA,1\n{cell},2\n{cell}{'x' * 100},3\n"))


def test_a_header_field_over_128_kb_with_the_delimiter_given():
    text = "county," + "b" * 200_000 + "\nA,1\n"
    with pytest.raises(mch.InvalidInputError, match=r":1: a field longer than 131,072"):
        mch.read_table(io.StringIO(text), delimiter=",")


def test_a_million_columns_are_refused_before_any_work_per_column():
    header = ",".join(f"c{i}" for i in range(1_000_000))
    with pytest.raises(mch.InvalidInputError, match="1,000,000 fields, more than the limit"):
        mch.read_table(io.StringIO(header + "\n" + ",".join(["1"] * 1_000_000) + "\n"))


def test_ten_thousand_columns_are_read():
    width = 10_000
    header = ",".join(f"c{i}" for i in range(width))
    table = mch.read_table(io.StringIO(header + "\n" + ",".join(["7"] * width) + "\n"))
    assert table.shape == (1, width) and int(table["c9999"].iloc[0]) == 7


def office_book() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["县区", "乡镇", "年份", "活产数", "孕产妇死亡数"])
    sheet.append(["甲县", "城关镇", 2024, 5200, 1])
    sheet.append([None, "东乡", 2024, 5355, 0])
    sheet.append([None, "小计", 2024, 10555, 1])
    sheet.append(["乙县", "西乡", 2024, 3000, 0])
    sheet.merge_cells("A2:A4")
    sheet.row_dimensions[3].hidden = True
    sheet.column_dimensions["E"].hidden = True
    return book


def test_merged_cells_are_filled_and_hidden_rows_and_columns_reported():
    table = mch.read_table(io.BytesIO(workbook_bytes(office_book())))
    assert table["县区"].tolist() == ["甲县", "甲县", "甲县", "乙县"]
    found = mch.checks(table)
    assert found["check"].tolist() == ["hidden_rows", "hidden_columns", "merged_cells"]
    assert "孕产妇死亡数 (E)" in found["message_en"].iloc[1]
    out = mch.compute(table)
    assert out["township"].tolist() == ["城关镇", "东乡", "西乡"]  # 小计 is no unit
    assert "total_row" in mch.checks(out)["check"].tolist()


@promise("non-whole-counts", "text")
def test_a_percent_formatted_count_is_an_error_naming_the_cell():
    book = office_book()
    book.active["D5"].number_format = "0.0%"
    table = mch.read_table(io.BytesIO(workbook_bytes(book)))
    refused = r"column '活产数', row 5 .*percentage"
    with pytest.raises(mch.InvalidInputError, match=refused) as caught:
        mch.compute(table)
    assert caught.value.reason_zh.startswith("乙县/西乡/2024：该单元格在工作簿中设为百分比格式")


def test_a_formula_never_calculated_is_an_error_naming_the_cell():
    book = office_book()
    book.active["D5"] = "=D2+D3"
    with pytest.raises(mch.InvalidInputError, match="cell D5 holds a formula that was never") as e:
        mch.read_table(io.BytesIO(workbook_bytes(book)))
    # in Chinese too: programs that export 妇幼 workbooks write formulas never calculated
    assert e.value.reason_zh == (
        "<stream>：单元格 D5 中的公式从未计算过（工作簿由程序生成，之后未在 Excel 中打开过）："
        "请用 Excel、WPS 或 LibreOffice 打开并保存，使计算结果存入文件"
    )


def test_cached_formula_values_are_read():
    book = office_book()
    raw = workbook_bytes(book)
    # write a cached value the way Excel does: <c r="D5"><f>D2+D3</f><v>3000</v></c>
    with zipfile.ZipFile(io.BytesIO(raw)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    cell = sheet[sheet.index('<c r="D5"') : sheet.index("</c>", sheet.index('<c r="D5"')) + 4]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        cell, '<c r="D5"><f>D2-2200</f><v>3000</v></c>'
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    table = mch.read_table(io.BytesIO(buffer.getvalue()))
    assert table["活产数"].tolist() == [5200, 5355, 10555, 3000]


def test_a_cell_at_xfd1048576_is_refused_not_fatal(tmp_path):
    book = openpyxl.Workbook()
    book.active["A1"] = "县区"
    book.active["XFD1048576"] = 1
    path = tmp_path / "far.xlsx"
    book.save(path)
    assert path.stat().st_size < 10_000
    script = textwrap.dedent(
        f"""
        import mch_indicators as mch
        try:
            mch.read_table({str(path)!r})
        except mch.InvalidInputError as error:
            print(error)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "more than the limit of 5,000,000 cells" in done.stdout


def bomb(inflated: int) -> bytes:
    """A workbook whose sheet inflates to ``inflated`` bytes of one repeated byte."""
    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(book))) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                target.writestr(name, data)
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b" " * 4_000_000
            for _ in range(inflated // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_with_memory_bounded():
    raw = bomb(220_000_000)
    assert len(raw) < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(mch.InvalidInputError, match="more than the limit"):
            mch.read_table(io.BytesIO(raw))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000


def test_limits_are_configurable():
    raw = workbook_bytes(office_book())
    with pytest.raises(mch.InvalidInputError, match=r"ReadLimits.cells"):
        mch.read_table(io.BytesIO(raw), limits=mch.ReadLimits(cells=10))
    with pytest.raises(mch.InvalidInputError, match=r"ReadLimits\.ratio"):
        mch.read_table(io.BytesIO(bomb(8_000_000)))
    with pytest.raises(mch.InvalidInputError, match="whole number >= 1"):
        mch.ReadLimits(cells=0)
    assert np.isclose(mch.read_table(io.BytesIO(raw))["活产数"].sum(), 24110)


def test_latin1_after_a_long_ascii_start_is_refused_too():
    # the judgement starts at the first character outside ASCII, wherever it stands
    raw = ("name,count\n" + "plain,1\n" * 40_000 + "Montélimar,2\n").encode("latin-1")
    with pytest.raises(mch.InvalidInputError, match=r":40002: not UTF-8.*Latin-1"):
        mch.read_table(io.BytesIO(raw))


def _titled_book(two_header_rows: bool) -> openpyxl.Workbook:
    """An office's sheet: a title merged across the table, perhaps a header of two rows
    whose group name is merged over its columns, a total row and notes under it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2024年河阳县妇幼卫生年报"])
    sheet.merge_cells("A1:E1")
    if two_header_rows:
        sheet.append(["县区", "年份", "活产数", "孕产妇", None])
        sheet.append([None, None, None, "死亡数", "系统管理人数"])
        for merged in ("A2:A3", "B2:B3", "C2:C3", "D2:E2"):
            sheet.merge_cells(merged)
    else:
        sheet.append(["县区", "年份", "活产数", "孕产妇死亡数", "孕产妇系统管理人数"])
    sheet.append(["甲乡", 2024, "1,000", 1, 900])
    sheet.append(["乙乡", 2024, "2,000", 1, 1800])
    sheet.append(["合计", 2024, "3,000", 2, 2700])
    sheet.append(["注：数据为初步统计"])
    sheet.append(["填表人：张三", None, "审核人：李四"])
    return book


@pytest.mark.parametrize("two_header_rows", [False, True], ids=["one header row", "two"])
def test_a_title_merged_across_the_table_and_a_merged_group_header_are_read(two_header_rows):
    """A title merged over the table's width filled its row with one text, which was taken
    for the header ("names column '2024年…' twice"); a group name merged over two columns
    of a two-row header was refused as a repeated column before the rows were joined."""
    table = mch.read_table(io.BytesIO(workbook_bytes(_titled_book(two_header_rows))))
    assert list(table.columns) == ["县区", "年份", "活产数", "孕产妇死亡数", "孕产妇系统管理人数"]
    assert table["活产数"].tolist() == [1000, 2000, 3000]
    assert "rows_above_header" in mch.checks(table)["check"].tolist()
    out = mch.compute(table, "mmr")
    assert out["县区"].tolist() == ["甲乡", "乙乡"]  # 合计 is no unit
    assert out["value"].tolist() == [100.0, 50.0]


# --- a group header over its sub-headers: 死亡数 over 孕产妇 | 婴儿 ----------------------

GROUP_OVER_SUBJECTS_CSV = """县区,年份,死亡数,,活产数
,,孕产妇,婴儿,
甲县,2024,1,30,9800
乙县,2024,0,21,5000
"""


def _group_over_subjects_book(first: str = "孕产妇", second: str = "婴儿") -> bytes:
    """``死亡数`` merged over ``孕产妇 | 婴儿``: an office's other order of a two-row header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["县区", "年份", "死亡数", None, "活产数"])
    sheet.append([None, None, first, second, None])
    for merged in ("A1:A2", "B1:B2", "C1:D1", "E1:E2"):
        sheet.merge_cells(merged)
    sheet.append(["甲县", 2024, 1, 30, 9800])
    sheet.append(["乙县", 2024, 0, 21, 5000])
    return workbook_bytes(book)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_group_header_over_its_subjects_matches_the_terms(kind):
    """死亡数 over 孕产妇 | 婴儿 joined as 死亡数孕产妇 matched no term (an office writes
    孕产妇死亡数): the matcher now tries the two header rows in both orders."""
    raw = GROUP_OVER_SUBJECTS_CSV.encode("gbk") if kind == "csv" else _group_over_subjects_book()
    table = mch.read_table(io.BytesIO(raw))
    assert table.columns.tolist() == ["县区", "年份", "死亡数孕产妇", "死亡数婴儿", "活产数"]
    found = mch.match_columns(table)
    assert found.terms == {
        "maternal_deaths": "死亡数孕产妇",
        "infant_deaths": "死亡数婴儿",
        "live_births": "活产数",
    }
    assert found.how["maternal_deaths"] == "孕产妇死亡数"
    out = mch.compute(table, ["mmr", "imr"])
    assert out["indicator"].tolist() == ["maternal_mortality_ratio", "infant_mortality_rate"] * 2
    assert out["numerator"].tolist() == [1, 30, 0, 21]


def test_the_order_of_header_rows_that_already_matched_still_matches():
    text = "地区,孕产妇,,活产数\n,死亡数,系统管理人数,\n甲县,1,900,9800\n乙县,0,800,5000\n"
    table = read(text, "utf-8")
    found = mch.match_columns(table)
    assert found.terms["maternal_deaths"] == "孕产妇死亡数"
    assert found.how["maternal_deaths"] == "孕产妇死亡数"


def test_a_header_of_one_row_is_never_read_in_the_other_order():
    """Only a header joined from two rows has another order: 死亡数孕产妇 written so in one
    cell is no term, as before."""
    table = read("县区,死亡数孕产妇,活产数\n甲县,1,9800\n", "utf-8")
    assert mch.match_columns(table).unmatched == ("死亡数孕产妇",)


def test_two_orders_matching_two_terms_match_neither():
    """No guess: when each order names another target, the column matches neither (the
    "no match" path: a missing term's error then names the columns the table has)."""
    joined = {"死亡数孕产妇": ("孕产妇死亡数",)}
    words = {"maternal_deaths": ["孕产妇死亡数"], "other": ["死亡数孕产妇"]}
    found = match_headers(["死亡数孕产妇"], words, spellings=joined)
    assert found.columns == {} and found.unmatched == ("死亡数孕产妇",)
    one = match_headers(["死亡数孕产妇"], {"maternal_deaths": ["孕产妇死亡数"]}, spellings=joined)
    assert one.columns == {"maternal_deaths": "死亡数孕产妇"}
    assert one.how == {"maternal_deaths": "孕产妇死亡数"}


def test_a_group_header_over_its_subjects_through_the_command_line(tmp_path, capsys):
    from mch_indicators._cli import main

    path = tmp_path / "deaths.xlsx"
    path.write_bytes(_group_over_subjects_book())
    assert main(["compute", "--file", str(path), "--format", "csv"]) == 0
    rows = pd.read_csv(io.StringIO(capsys.readouterr().out))
    mmr = rows[rows["indicator"] == "maternal_mortality_ratio"]
    assert mmr["numerator"].tolist() == [1, 0]
    assert mmr["denominator"].tolist() == [9800, 5000]


def test_two_columns_of_one_term_by_either_order_are_an_error_naming_them():
    """孕产妇 over 死亡数 beside 死亡数 over 孕产妇: both columns are maternal deaths."""
    text = (
        "县区,孕产妇,,死亡数,,活产数\n,死亡数,死亡率,孕产妇,婴儿,\n"
        "甲县,1,10.2,1,30,9800\n乙县,0,0,0,21,5000\n"
    )
    table = read(text, "utf-8")
    with pytest.raises(mch.InvalidInputError, match=r"孕产妇死亡数.*死亡数孕产妇"):
        mch.match_columns(table)


def test_the_latin1_judgement_reads_the_text_already_decoded(monkeypatch):
    """``decode`` decoded a GBK file whole, then ``refuse_latin`` decoded it again (up to
    800 KB from the first byte outside ASCII) to judge it: it now judges the text."""
    from mch_indicators._io import _text

    raw = ("县区,活产数\n" * 3 + "河阳县,1\n").encode("gbk")
    judged = []
    original = _text.refuse_latin

    def spy(data, name, first_line=1, text=None):
        judged.append(text)
        return original(data, name, first_line, text)

    monkeypatch.setattr(_text, "refuse_latin", spy)
    text, codec = _text.decode(raw, "counts.csv")
    assert codec == "gb18030" and judged == [text]
    # the text given is what is judged (bytes that read as Latin-1 are not decoded again)
    latin = b"area\nMont\xe9limar,3\n"
    original(latin, "counts.csv", text="area\n河阳县,3\n")
    with pytest.raises(mch.InvalidInputError, match=r"counts.csv:2: .*Montélimar"):
        original(latin, "counts.csv", text=latin.decode("gb18030"))


def test_the_checks_count_lines_in_words_that_agree_with_their_number():
    one = read("河阳县2024年报表\n乡镇,活产数\n甲乡,5200\n乙乡,5355\n注：初步统计\n", "utf-8")
    found = mch.checks(one).set_index("check")
    assert found.loc["rows_above_header", "message_en"].startswith(
        "line 1 above the header was skipped: "
    )
    assert found.loc["notes_rows", "message_en"].startswith("line 5 after the table was not read")
    assert found.loc["rows_above_header", "message_zh"].startswith("表头上方第1行已跳过")
    apart = read("标题\n\n单位：人\n乡镇,活产数\n甲乡,5200\n", "utf-8")
    message = mch.checks(apart).set_index("check").loc["rows_above_header"]
    assert message["message_en"].startswith("lines 1, 3 above the header were skipped: ")
    assert message["message_zh"].startswith("表头上方第1、3行已跳过")


def test_one_hidden_column_and_row_are_named_in_the_singular_and_in_chinese_words():
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["乡镇", "活产数", "孕产妇死亡数"], ["甲乡", 5200, 0], ["乙乡", 5355, 1]):
        sheet.append(row)
    sheet.column_dimensions["B"].hidden = True
    sheet.row_dimensions[3].hidden = True
    table = mch.read_table(io.BytesIO(workbook_bytes(book)))
    found = mch.checks(table).set_index("check")
    assert found.loc["hidden_columns", "message_en"].startswith("column 活产数 (B) is hidden")
    assert found.loc["hidden_columns", "message_zh"] == "工作表中的隐藏列活产数（B列）已照常读入"
    assert found.loc["hidden_rows", "message_en"].startswith("row 3 is hidden in the sheet; it")


def test_one_year_written_several_ways_is_one_period():
    text = (
        "县区,年份,活产数,孕产妇死亡数\n甲县,2024年,1000,1\n乙县,二〇二四,900,0\n丙县,2024,800,0\n"
        "丁县,２０２４年度,700,0\n"
    )
    table = read(text, "utf-8")
    assert table["年份"].tolist() == [2024] * 4
    pooled = mch.pool(table, "MMR", by="年份")
    assert pooled["denominator"].tolist() == [3400.0]


def test_a_frame_not_read_from_a_file_gets_its_years_read_the_same_way():
    frame = pd.DataFrame({"县区": ["甲县", "乙县", "丙县"], "年份": ["2024年", 2024, "二零二四年"],
                          "活产数": [1000, 900, 800], "孕产妇死亡数": [1, 0, 0]})  # fmt: skip
    out = mch.compute(frame, indicators=["MMR"])
    assert out["year"].tolist() == [2024, 2024, 2024]
    assert mch.pool(frame, "MMR", by="年份")["denominator"].tolist() == [2700.0]
    one_unit = frame.assign(县区="甲县").iloc[:2]  # the same unit and year twice: an error
    with pytest.raises(mch.InvalidInputError, match="two rows"):
        mch.compute(one_unit, indicators=["MMR"])
    assert frame["年份"].tolist() == ["2024年", 2024, "二零二四年"]  # the caller's frame as it was


def test_year_of_reads_every_spelling_of_a_year_and_nothing_else():
    from mch_indicators._io._numbers import year_of

    spellings = ("2024", " 2024年 ", "2024年度", "二〇二四", "二零二四年", "２０２４")
    for text in (*spellings, 2024, 2024.0):
        assert year_of(text) == 2024, text
    for text in ("2024上半年", "24年", "1850", "二四", "2024.5", 2024.5, True, None, "", "合计"):
        assert year_of(text) is None, text


# --- hidden sheets -----------------------------------------------------------------------


def _hidden_first_book() -> openpyxl.Workbook:
    """An office's workbook whose first sheet, hidden, holds last year's copy of the table."""
    book = openpyxl.Workbook()
    old = book.active
    old.title = "2023旧"
    old.append(["县区", "年份", "活产数", "孕产妇死亡数"])
    old.append(["河阳县", 2024, 999, 9])
    old.sheet_state = "hidden"
    shown = book.create_sheet("2024")
    shown.append(["县区", "年份", "活产数", "孕产妇死亡数"])
    shown.append(["河阳县", 2024, 1000, 1])
    shown.append(["石门县", 2024, 2000, 0])
    book.active = 1
    return book


def test_a_hidden_sheet_in_front_is_never_read_unasked():
    """Without sheet=, the hidden first sheet (last year's numbers, 9 deaths in 999 births)
    was read, and the report computed from it with no word; the first visible sheet is read
    now, and the checks name the hidden sheet passed over."""
    raw = workbook_bytes(_hidden_first_book())
    table = mch.read_table(io.BytesIO(raw))
    assert table["县区"].tolist() == ["河阳县", "石门县"]
    assert table["活产数"].tolist() == [1000, 2000]
    found = mch.checks(table).set_index("check")
    assert found.loc["hidden_sheets", "message_zh"].startswith("隐藏的工作表“2023旧”未读入")
    assert "'2023旧'" in found.loc["hidden_sheets", "message_en"]
    hidden = mch.read_table(io.BytesIO(raw), sheet=0)  # named, it is read as asked
    assert hidden["活产数"].tolist() == [999]
    assert "hidden_sheets" not in mch.checks(hidden)["check"].tolist()


def test_a_workbook_not_scanned_says_which_sheets_are_hidden_through_the_engine():
    """.xls and .ods are not scanned: calamine's own metadata choose the first visible sheet."""
    import python_calamine

    from mch_indicators._io._bounds import SheetFacts
    from mch_indicators._io._excel import _default_sheet

    raw = workbook_bytes(_hidden_first_book())
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
    assert _default_sheet(book, SheetFacts()) == (1, ("2023旧",), ())  # no other visible sheet


def test_a_year_cell_in_a_date_format_is_the_year_it_holds():
    """A cell holding 2024 formatted as a date (Excel shows 1905-07-16) was read as that
    date: a period of its own, with its units left out of the year's total. It is the
    year 2024 now; a real date in a column is no year, and the column is left as it is."""
    import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["县区", "年份", "活产数", "孕产妇死亡数", "填报日期"])
    sheet.append(["河阳县", 2024, 1000, 1, datetime.date(2025, 1, 5)])
    sheet.append(["石门县", 2024, 2000, 0, datetime.date(2025, 1, 6)])
    sheet["B3"].number_format = "yyyy-mm-dd"
    table = mch.read_table(io.BytesIO(workbook_bytes(book)))
    assert table["年份"].tolist() == [2024, 2024]
    assert table["填报日期"].tolist() == ["2025-01-05", "2025-01-06"]  # dates, as before
    pooled = mch.pool(table, "mmr", by="年份")
    assert pooled["年份"].tolist() == [2024]
    assert pooled["denominator"].tolist() == [3000]


def test_year_of_a_date_is_its_day_number_only_in_the_years_of_a_date_formatted_year():
    import datetime

    from mch_indicators._io._numbers import year_of

    assert year_of(datetime.datetime(1905, 7, 16)) == 2024
    assert year_of(datetime.date(1905, 3, 14)) == 1900
    assert year_of(datetime.datetime(1905, 7, 16, 12)) is None  # not a whole day
    assert year_of(datetime.date(2024, 1, 1)) is None  # a real date is no year
    assert year_of(pd.Timestamp("1905-07-16")) == 2024


def _with_empty_styled_rows(raw: bytes, last: int, cells: str = "") -> bytes:
    """The workbook with rows 4..last written empty but styled (``<row r s customFormat/>``,
    or rows of styled empty cells), as some programs write them down to row 1,048,576."""
    with zipfile.ZipFile(io.BytesIO(raw)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    if cells:
        rows = "".join(
            f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="0"/>' for c in cells) + "</row>"
            for r in range(4, last + 1)
        )
    else:
        rows = "".join(f'<row r="{r}" s="0" customFormat="1"/>' for r in range(4, last + 1))
    sheet = sheet.replace("</sheetData>", rows + "</sheetData>")
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("cells", ["", "ABCD"], ids=["empty rows", "rows of empty cells"])
def test_empty_styled_rows_below_the_table_are_not_its_extent(cells):
    """Three rows of data over rows styled down the sheet were refused as an actual extent
    of every row tag ("1,048,576 rows by 10 columns"), though the engine skips them; the
    extent is that of the cells holding something now. A filled cell far away still counts."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["县区", "年份", "活产数", "孕产妇死亡数"])
    sheet.append(["河阳县", 2024, 1000, 1])
    sheet.append(["石门县", 2024, 2000, 0])
    raw = _with_empty_styled_rows(workbook_bytes(book), 200, cells)
    limits = mch.ReadLimits(cells=100)  # 4 columns by 200 rows is over it; 4 by 3 is not
    table = mch.read_table(io.BytesIO(raw), limits=limits)
    assert table["活产数"].tolist() == [1000, 2000]
    sheet["D60"] = 7  # a value far down: the extent reaches it
    with pytest.raises(mch.InvalidInputError, match=r"extent is 60 rows by 4 columns"):
        mch.read_table(io.BytesIO(workbook_bytes(book)), limits=limits)


def _by_sex_book() -> openpyxl.Workbook:
    """活产数 merged over 男 | 女 | 合计, as the birth columns of an office's form are."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["乡镇", "年份", "活产数", None, None, "孕产妇死亡数"])
    sheet.append([None, None, "男", "女", "合计", None])
    for merged in ("A1:A2", "B1:B2", "C1:E1", "F1:F2"):
        sheet.merge_cells(merged)
    sheet.append(["城关镇", 2024, 520, 480, 1000, 1])
    sheet.append(["河口镇", 2024, 260, 240, 500, 0])
    return book


def test_a_total_column_under_a_group_header_is_the_group_s_count():
    """活产数 over 男 | 女 | 合计 gave 活产数合计, which matched nothing: "no indicator can
    be computed". Its 合计 column is the live births now; 男 and 女 match nothing (never
    summed, never taken for the total)."""
    table = mch.read_table(io.BytesIO(workbook_bytes(_by_sex_book())))
    found = mch.match_columns(table)
    assert found.terms["live_births"] == "活产数合计"
    assert "活产数男" in found.unmatched and "活产数女" in found.unmatched
    out = mch.compute(table, "mmr")
    assert out["denominator"].tolist() == [1000, 500]
    assert out["value"].tolist() == [100.0, 0.0]


def test_a_merged_title_is_named_once_among_the_rows_skipped():
    """A title merged over ten columns was shown ten times in the check of the rows skipped
    above the header, and the 200 characters kept were all title: the row under it
    (填报单位, 单位：人) never appeared. Each merged range's text is shown once now."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某某县2024年乡镇孕产妇及儿童死亡情况统计表"])
    sheet.merge_cells("A1:J1")
    sheet.append(["填报单位：某某县妇幼保健院", None, None, None, None, None, None, "单位：人"])
    sheet.append(["乡镇", "年份", "活产数", "孕产妇死亡数", *[f"备注{i}" for i in range(6)]])
    sheet.append(["城关镇", 2024, 1000, 1])
    sheet.append(["注：初步统计数", None, None, None, None, None, None, None, None, None])
    sheet.merge_cells("A5:J5")
    found = mch.checks(mch.read_table(io.BytesIO(workbook_bytes(book)))).set_index("check")
    assert found.loc["rows_above_header", "message_zh"] == (
        "表头上方第1–2行已跳过：某某县2024年乡镇孕产妇及儿童死亡情况统计表 | "
        "填报单位：某某县妇幼保健院  单位：人"
    )
    assert found.loc["notes_rows", "message_zh"].endswith("未读入：注：初步统计数")


def test_a_header_of_three_rows_is_refused_in_both_languages(tmp_path):
    # 活产数 merged over 合计 | 其中：住院分娩, a third row of units (（人）): the merged name
    # repeats in the first row (three header rows are not joined)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["县区", "年份", "活产数", None, "婴儿死亡数"])
    sheet.append([None, None, "合计", "其中：住院分娩", None])
    sheet.append([None, None, "（人）", "（人）", "（人）"])
    for cells in ("A1:A3", "B1:B3", "C1:D1", "E1:E2"):
        sheet.merge_cells(cells)
    sheet.append(["甲县", 2024, 1000, 990, 3])
    path = tmp_path / "three.xlsx"
    book.save(path)
    with pytest.raises(mch.InvalidInputError) as raised:
        mch.read_table(path)
    assert "names column '活产数' twice" in raised.value.reason
    assert "表头中“活产数”列出现了两次" in raised.value.reason_zh


def _column_numbers_book(first: list[object]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["河阳县2024年妇幼卫生统计表"])
    sheet.append(["乡镇", "活产数", "新生儿死亡数", "婴儿死亡数"])
    sheet.append(first)
    sheet.append(["甲乡", 5200, 3, 5])
    sheet.append(["乙乡", 5355, 2, 4])
    return workbook_bytes(book)


@pytest.mark.parametrize(
    "first",
    [["甲", 1, 2, 3], ["栏次", 1, 2, 3], ["甲", "1", "2", "3"], ["栏 次", "１", "２", "３"],
     [None, 1, 2, 3], ["乙", 4, 5, 6]],
    ids=["jia", "lanci", "text", "wide", "blank", "continued"],
)  # fmt: skip
def test_the_row_of_column_numbers_under_a_statistical_form_s_header_is_no_unit(first):
    """A statistical report form numbers its columns in a row under the header (甲 | 1 |
    2 | 3: 甲 for the label column, or 栏次). That row was read as a township named 甲
    with 1 live birth, 2 neonatal and 3 infant deaths: a unit of its own, added to every
    total (5 infant deaths too many in 10,556 births), with no word when its numbers
    break no rule. It is skipped and named in the checks, in both languages."""
    table = mch.read_table(io.BytesIO(_column_numbers_book(first)))
    assert table.index.tolist() == [4, 5]
    assert table["活产数"].tolist() == [5200, 5355]
    found = mch.checks(table).set_index("check")
    assert "column_numbers_row" in found.index
    assert "第3行" in found.loc["column_numbers_row", "message_zh"]
    assert "line 3" in found.loc["column_numbers_row", "message_en"]
    pooled = mch.pool(table, ["IMR"])
    assert pooled[["numerator", "denominator", "units"]].to_numpy().tolist() == [
        [9.0, 10555.0, 2.0]
    ]


@pytest.mark.parametrize(
    "first",
    [["甲乡", 1, 2, 3], ["甲", 1, 3, 2], ["甲", 1, 2, None], ["乙乡", 7, 8, 9]],
    ids=["a-township", "not-in-order", "one-missing", "unit-7-8-9"],
)  # fmt: skip
def test_a_unit_whose_counts_happen_to_run_in_order_is_still_a_unit(first):
    table = mch.read_table(io.BytesIO(_column_numbers_book(first)))
    assert table.index.tolist() == [3, 4, 5]
    assert "column_numbers_row" not in mch.checks(table)["check"].tolist()


def test_column_numbers_in_a_csv_from_a_statistical_form_are_skipped_too():
    text = "乡镇,活产数,婴儿死亡数\n甲,1,2\n甲乡,5200,5\n乙乡,5355,4\n"
    table = read(text, encoding="utf-8")
    assert table.index.tolist() == [3, 4]
    assert mch.checks(table)["check"].tolist() == ["column_numbers_row"]


def test_a_unit_coded_1_whose_counts_are_2_and_3_is_a_unit_not_column_numbers():
    text = "乡镇代码,活产数,孕产妇死亡数\n1,2,3\n2,500,1\n3,400,0\n"
    table = read(text, encoding="utf-8")
    assert table["乡镇代码"].tolist() == [1, 2, 3]
    assert "column_numbers_row" not in mch.checks(table)["check"].tolist()
    numbered = read("序号,乡镇,活产数,孕产妇死亡数\n1,2,3,4\n1,甲乡,500,1\n", encoding="utf-8")
    assert numbered["乡镇"].tolist() == ["甲乡"]  # four columns numbered from the first: a form's


@pytest.mark.parametrize(
    ("above", "unit"),
    [(["单位：万人"], "万人"), (["填报单位：河阳县妇幼保健院", None, "计量单位：千人"], "千人"),
     (["单位:人、万人"], "万人"), (["单位：万"], "万"), (["（单位：万人）"], "万人"),
     (["2024年各县常住人口（单位：万人）"], "万人"), (["数量单位：万人"], "万人")],
)  # fmt: skip
def test_a_table_whose_numbers_are_in_ten_thousands_is_refused(above, unit):
    """``单位：万人`` above the header (a population table in tens of thousands) was skipped
    as ``单位：人`` is, and 162 (万人) read as 162 people: childcare places per 1,000
    people came out 27,093 instead of 2.7, with no word but the skipped line. A count is
    never scaled by a guess: the read is refused naming the line and its unit."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2024年各县常住人口与托位"])
    sheet.append(above)
    sheet.append(["县区", "常住人口数", "3岁以下婴幼儿托位数"])
    sheet.append(["甲县", 162, 4389])
    with pytest.raises(mch.InvalidInputError) as raised:
        mch.read_table(io.BytesIO(workbook_bytes(book)))
    assert f"in {unit}" in raised.value.reason and ":2:" in raised.value.reason
    assert f"“{unit}”" in raised.value.reason_zh and "第2行" in raised.value.reason_zh


@pytest.mark.parametrize(
    "above",
    [
        "单位：人",
        "单位：人、例",
        "单位：河阳县妇幼保健院",
        "填报单位：百花乡卫生院",
        "单位：千岛湖镇",
        "单位：例、1/万",
        "单位：人/万人口",
    ],
)
def test_a_unit_row_of_whole_counts_or_of_the_reporting_office_is_skipped_as_before(above):
    table = read(f"{above},,\n县区,活产数,婴儿死亡数\n甲县,1000,5\n", encoding="utf-8")
    assert table["活产数"].tolist() == [1000]
    assert mch.checks(table)["check"].tolist() == ["rows_above_header"]


def test_a_second_table_under_the_first_is_refused_naming_it():
    """An attached table (附表) under the county table, its townships without a header of
    their own: the title row was a unit with no counts and the townships were units beside
    the counties they belong to (summed twice with missing="skip"). The table ends at
    附表, and rows of data under it are refused, saying to read one table at a time."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["县区", "活产数", "婴儿死亡数"])
    sheet.append(["甲县", 1000, 5])
    sheet.append(["乙县", 2000, 8])
    sheet.append([])
    sheet.append(["附表：甲县各乡镇"])
    sheet.append(["城关镇", 600, 3])
    sheet.append(["河口镇", 400, 2])
    with pytest.raises(mch.InvalidInputError) as raised:
        mch.read_table(io.BytesIO(workbook_bytes(book)))
    assert "second table" in raised.value.reason and "line 5" in raised.value.reason
    assert "附表：甲县各乡镇" in raised.value.reason
    assert "第5行" in raised.value.reason_zh and "单独的工作表" in raised.value.reason_zh


def test_an_attached_table_s_title_alone_under_the_table_is_a_note():
    table = read("县区,活产数\n甲县,1000\n附表1：各乡镇情况（另附）,\n", encoding="utf-8")
    assert table.index.tolist() == [2]
    assert mch.checks(table)["check"].tolist() == ["notes_rows"]


@pytest.mark.parametrize(
    ("pasted", "codec", "shown"),
    [
        ("São José,2\n", "cp1252", "as Windows-1252/Latin-1 it reads 'São José,2'"),
        ("乙县,2\n", "gbk", "as GB18030/GBK it reads '乙县,2'"),
    ],
)
def test_a_row_of_another_encoding_after_utf8_latin_text_is_refused_naming_it(
    pasted, codec, shown
):
    """UTF-8 text in a Latin alphabet, then a row saved in Windows-1252 or GBK: the file was
    read whole as GB18030 (``S茫o Paulo``), the mixed refusal wanting Chinese text above."""
    above = "area,births\nSão Paulo,1\nBogotá,3\nZürich,4\nMálaga,5\n".encode()
    with pytest.raises(mch.InvalidInputError) as refused:
        mch.read_table(io.BytesIO(above + pasted.encode(codec)))
    assert str(refused.value).startswith("<stream>:6: the file is UTF-8 text above this line")
    assert shown in str(refused.value)
    # fewer than four such letters do not say UTF-8 text (GBK bytes may read so): judged whole
    few = "area,births\nSão Paulo,1\nBogotá,3\n".encode() + pasted.encode(codec)
    said = ""
    try:
        mch.read_table(io.BytesIO(few))
    except mch.InvalidInputError as judged:
        said = str(judged)
    assert "the file is UTF-8 text above" not in said


def test_a_bad_byte_in_utf8_with_a_byte_order_mark_is_named_at_its_own_line():
    """Python's ``utf-8-sig`` counts positions after the mark: the bad byte was said three
    bytes early, on the line above with the bytes before it (``32 0a 41 ff``)."""
    raw = b"\xef\xbb\xbfarea,births\nA,2\nA\xff,3\n"
    with pytest.raises(mch.InvalidInputError, match=r"<stream>:3: .*utf-8-sig \(bytes ff 2c 33"):
        mch.read_table(io.BytesIO(raw))
    for asked in ("utf-8-sig", "UTF_8_SIG"):  # the encoding given: the same line and bytes
        with pytest.raises(mch.InvalidInputError, match=r"<stream>:3: .* \(bytes ff 2c 33"):
            mch.read_table(io.BytesIO(raw), encoding=asked)
