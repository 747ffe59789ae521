"""``read_table``: rows labelled by their line, one grammar of numbers, clear refusals."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mch_indicators as mch
from contract import promise
from mch_indicators._io._numbers import describe_bad_number, parse_numbers
from mch_indicators._render import describe


def _read(text: str, **options) -> pd.DataFrame:
    return mch.read_table(io.StringIO(text), **options)


@promise("missing", "text")
@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("26,954", 26954.0),
        ("1,234,567", 1234567.0),
        (" 7.42 ", 7.42),
        ("+3", 3.0),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("NA", np.nan),
        ("", np.nan),
        ("—", np.nan),
    ],
)
def test_cells_that_are_numbers(cell, value):
    values, bad = parse_numbers(pd.Series([cell]))
    assert not bad[0]
    np.testing.assert_equal(values[0], value)


@promise("infinite", "text")
@pytest.mark.parametrize("cell", ["9,5", "1,2,3", "12,34", "1,2345", "abc", "1.2.3", "--5", "inf"])
def test_cells_that_are_not(cell):
    _, bad = parse_numbers(pd.Series([cell]))
    assert bad[0]


@pytest.mark.parametrize(
    ("cell", "decimal"),
    [("1e-400", "."), ("0." + "0" * 400 + "1", "."), ("0," + "0" * 400 + "1", ","),
     ("1,5e-400", ",")],
)  # fmt: skip
def test_a_number_too_small_for_a_float_is_said_so_never_too_large(cell, decimal):
    # "0.000…1" (400 zeros) was refused as "too large a number (403 characters)".
    values, bad = parse_numbers(pd.Series([cell, "0", "0e-400", "0.000"]), decimal=decimal)
    assert bad.tolist() == [True, False, False, False]
    assert np.isnan(values[0]) and values[1:].tolist() == [0.0, 0.0, 0.0]
    said = describe_bad_number(cell, decimal)
    assert said.en.endswith("is too small a number (it would read as 0)")
    assert said.zh.endswith("数值过小（会读作0）")


@pytest.mark.parametrize("cell", ["1e300", "-9.3e18", "9223372036854775808"])
def test_a_whole_number_beyond_int64_is_read_as_it_is_written_never_wrapped_round(cell):
    # 1e300 was cast to int64 and read as -9223372036854775808 (a negative count)
    table = _read(f"county,births\nA,100\nB,{cell}\n")
    assert table["births"].tolist() == [100.0, float(cell)]
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in (["county", "births"], ["A", 100], ["B", float(cell)]):
        book.active.append(row)
    saved = io.BytesIO()
    book.save(saved)
    saved.seek(0)
    assert mch.read_table(saved)["births"].tolist() == [100.0, float(cell)]  # a workbook too


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_digits_are_ascii_or_full_width_whatever_holds_the_strings(storage):
    # \d read Arabic-Indic, Bengali and Devanagari digits as numbers (Python's re).
    pytest.importorskip(storage if storage == "pyarrow" else "pandas")
    cells = ["٢", "০", "१२", "٣.٥", "2٠", "２６，９５４", "26,954", "7", "1e٣"]
    with pd.option_context("mode.string_storage", storage):
        for given in (pd.Series(cells, dtype=object), pd.Series(cells, dtype="string")):
            values, bad = parse_numbers(given)
            assert bad.tolist() == [True] * 5 + [False] * 3 + [True]
            assert values[5:8].tolist() == [26954.0, 26954.0, 7.0]
    assert describe_bad_number("٢").en == "'٢' is not a number: write its digits as 0-9"
    table = _read("area,births\nA,٢\n")
    with pytest.raises(mch.InvalidInputError, match="write its digits as 0-9"):
        mch.compute(table.assign(deaths=1), "MMR", numerator="deaths", denominator="births")


def test_a_decimal_comma_only_when_asked():
    values, bad = parse_numbers(pd.Series(["9,5", "1.234,5"]), decimal=",")
    assert values.tolist() == [9.5, 1234.5] and not bad.any()


@given(st.integers(0, 10**12))
def test_grouped_thousands_read_back_exactly(number):
    values, bad = parse_numbers(pd.Series([f"{number:,}"]))
    assert not bad[0] and values[0] == number


def test_rows_are_labelled_by_their_line_and_numbers_parsed():
    frame = _read(
        'county,code,year,deaths,births\nA,010101,2024,1,"13,957"\nB,010102,2024,NA,8120\n'
    )
    assert frame.index.name == "line" and frame.index.tolist() == [2, 3]
    assert frame["code"].tolist() == ["010101", "010102"]  # codes keep their zeros
    assert frame["year"].dtype == np.int64 and frame["births"].tolist() == [13957, 8120]
    assert np.isnan(frame.loc[3, "deaths"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("a,b,a\n1,2,3\n", "names column 'a' twice"),
        ("a,b\n1,2,3\n", ":2: expected 2 fields as in the header, saw 3"),
        ("a,b,c\n1,2\n", ":2: expected 3 fields as in the header"),
    ],
)
def test_bad_files_are_refused_naming_the_line(text, message):
    with pytest.raises(mch.InvalidInputError, match=message):
        _read(text)


def test_a_byte_order_mark_is_not_part_of_the_first_header():
    frame = mch.read_table(io.BytesIO("\ufeffindicator,numerator\nMMR,1\n".encode()))
    assert frame.columns.tolist() == ["indicator", "numerator"]


def test_errors_in_computing_a_table_name_the_line_and_column():
    frame = _read("indicator,numerator,denominator\nMMR,1,100\nIMR,abc,100\n")
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.compute(frame)
    assert (caught.value.row, caught.value.column) == (3, "numerator")
    assert caught.value.reason == "'abc' is not a number"
    frame = _read("indicator,numerator,denominator\n住院分娩率,5,10\n住院分娩率,11,10\n")
    said = r"row 3: numerator of [a-z_]+: exceeds .*\(11 > 10\)"
    with pytest.raises(mch.InvalidInputError, match=said) as caught:
        mch.compute(frame)
    assert caught.value.row == 3
    frame = _read("indicator,numerator,denominator\nMMR,1,100\nfoo,1,100\n")
    with pytest.raises(mch.UnknownIndicatorError) as unknown:
        mch.compute(frame)
    assert (unknown.value.row, unknown.value.column) == (3, "indicator")


def test_one_description_serves_the_command_line_and_the_docs():
    mmr = mch.get("MMR")
    text, page = describe(mmr), describe(mmr, format="markdown")
    for fact in ("孕产妇死亡率", "per 100,000", "SDG 3.1.1", "live births", "活产数"):
        assert fact in text and fact in page
    assert page.startswith("# Maternal mortality ratio · 孕产妇死亡率")
    assert "| field | value |" in page  # key/value tables have a real header row


_WEB_PAGE = (
    '<html xmlns:x="urn:schemas-microsoft-com:office:excel">\n<head><meta charset="utf-8">'
    "</head>\n<body><table><tr><td>县区</td><td>活产数</td></tr>"
    "<tr><td>甲县</td><td>100</td></tr></table></body></html>\n"
)
_XML_2003 = (
    '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet>'
    "<Table><Row><Cell><Data>县区</Data></Cell></Row></Table></Worksheet></Workbook>\n"
)


@pytest.mark.parametrize(
    ("text", "en", "zh"),
    [(_WEB_PAGE, "a web page (HTML)", "这是网页文件（HTML）"),
     ("\ufeff  " + _WEB_PAGE.upper(), "a web page (HTML)", "这是网页文件（HTML）"),
     (_XML_2003, 'an "XML Spreadsheet 2003" file', "这是“XML 表格 2003”文件")],
)  # fmt: skip
def test_a_web_page_or_xml_workbook_named_xls_is_refused_saying_what_it_is(tmp_path, text, en, zh):
    """An information system's "Excel" export that is a web page (or an XML Spreadsheet
    2003) was read as text: one column headed '<html …>', and "no data rows under the
    header". It is refused saying what the file is and what to do, in both languages,
    by read_table and by the command line's streaming reader alike."""
    path = tmp_path / "导出.xls"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.read_table(path)
    assert en in caught.value.reason and "save it as .xlsx" in caught.value.reason
    assert zh in caught.value.reason_zh and "另存为 .xlsx" in caught.value.reason_zh
    from mch_indicators._cli._stream import read_chunks

    with pytest.raises(mch.InvalidInputError, match=r"save it as \.xlsx"):
        next(read_chunks(str(path), str(path), encoding=None, delimiter=None))


def test_a_csv_whose_first_cell_merely_mentions_html_is_read():
    table = mch.read_table(io.BytesIO("备注,活产数\n<b>html</b>,1\n".encode()))
    assert table["活产数"].tolist() == [1]


def test_a_workbook_without_the_excel_extra_is_refused_in_both_languages(monkeypatch):
    """The README's first command installs no `excel` extra; `report 本县.xlsx --lang zh`
    then said "reading a workbook needs python-calamine" in English."""
    import builtins

    real = builtins.__import__

    def no_calamine(name, *args, **kwargs):
        if name == "python_calamine":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["县区", "活产数"])
    raw = io.BytesIO()
    book.save(raw)
    monkeypatch.setattr(builtins, "__import__", no_calamine)
    with pytest.raises(mch.InvalidInputError) as caught:
        mch.read_table(io.BytesIO(raw.getvalue()))
    assert "needs python-calamine: pip install 'mch-indicators[excel]'" in caught.value.reason
    assert caught.value.reason_zh.startswith("读 Excel 工作簿需要 python-calamine")


@pytest.mark.parametrize(
    ("cell", "en", "zh"),
    [("12,345人", "without its unit '人'", "只填数字，不带单位“人”"),
     ("３例", "without its unit '例'", "不带单位“例”"),
     ("97.99%", "is a rate, not a count", "是比例，不是计数"),
     ("无", "'无' is not a number", "确为0请填0，未上报请留空")],
)  # fmt: skip
def test_a_count_written_with_its_unit_or_as_a_percentage_says_so(cell, en, zh):
    """A count written 12,345人 or 97.99% was refused as "not a number" (in Chinese, with
    the advice for 无: "确为0请填0"); the message says what to write instead now."""
    from mch_indicators._io._numbers import describe_bad_number

    assert parse_numbers(pd.Series([cell]))[1].tolist() == [True]  # refused, never guessed
    said = describe_bad_number(cell)
    assert en in said.en and zh in said.zh
