"""Every refusal of the table reader (``_io``) is said in Chinese too, with no English left in it.

The messages are label data (``[messages]`` of ``definitions/labels.toml``); the reader
raises them through ``error_of`` or ``input_error``, never as text of its own. The
command line shows the Chinese text under ``--lang zh``.
"""

from __future__ import annotations

import ast
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import chinese
import mch_indicators as mch
from chinese import CJK, run_cli
from mch_indicators._io._bounds import ReadLimits

PACKAGE = Path(mch.__file__).parent
MODULES = sorted([*PACKAGE.glob("_io/*.py"), PACKAGE / "_cli" / "_stream.py"])
#: What makes an error from a ``messages`` key (``_failure``, ``_failure_at``, ``_neither``
#: and ``_parser_problem`` call them).
MAKERS = {"error_of", "input_error", "_failure", "_failure_at", "_neither", "_parser_problem"}


def english_words(text: str, *allowed: str) -> list[str]:
    """Lower-case ASCII words of three letters or more: English prose left in a Chinese text.

    The names of settings (``ReadLimits.cells``) and the ``allowed`` texts (the file's
    name, a value the user gave) are taken out first.
    """
    return chinese.english_words(re.sub(r"ReadLimits\.\w+", " ", text), *allowed)


def _raises_of(path: Path) -> list[str]:
    wrong = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.Raise) or node.exc is None:
            continue
        made = node.exc
        name = (
            made.func.id if isinstance(made, ast.Call) and isinstance(made.func, ast.Name) else ""
        )
        if name == "ValueError" and path.name == "_bounds.py":
            continue  # a cell reference that is not one: caught beside it, never shown
        if name not in MAKERS:
            wrong.append(f"{path.name}:{node.lineno}")
    return wrong


def test_every_raise_of_the_reader_says_a_message_of_the_label_table():
    wrong = [where for path in MODULES for where in _raises_of(path)]
    assert not wrong, wrong


def _refused(read: Callable[[], object]) -> mch.InvalidInputError:
    with pytest.raises(mch.InvalidInputError) as caught:
        read()
    return caught.value


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in members.items():
            book.writestr(name, data)
    return buffer.getvalue()


def _workbook(cells: dict[str, object], sheet: str = "2024") -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = sheet
    for ref, value in cells.items():
        book.active[ref] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(data: str) -> io.BytesIO:
    return io.BytesIO(data.encode("utf-8"))


#: The first bytes of an OLE2 compound file (.xls, WPS .et, an encrypted .xlsx).
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CASES: dict[str, tuple[Callable[[], object], str, str]] = {
    # key: (the read that fails, the English reason, the Chinese reason)
    "file_too_big": (
        lambda: mch.read_table(_text("a,b\n1,2\n"), limits=ReadLimits(file_bytes=4)),
        "<stream>: the file has 8 bytes, more than the limit of 4 (ReadLimits.file_bytes)",
        "<stream>：文件有 8 字节，超过上限 4 字节（ReadLimits.file_bytes）",
    ),
    "too_many_fields": (
        lambda: mch.read_table(_text("a,b,c\n1,2,3\n"), limits=ReadLimits(columns=2)),
        "<stream>:1: 3 fields, more than the limit of 2 columns (Excel's own; ReadLimits.columns)",
        "<stream> 第1行：有 3 个字段，超过 2 列的上限（与 Excel 相同；ReadLimits.columns）",
    ),
    "zip_bomb": (
        lambda: mch.read_table(io.BytesIO(_zip({"xl/worksheets/sheet1.xml": b"\0" * 4_000_000}))),
        "<stream>: part 'xl/worksheets/sheet1.xml' inflates ",
        "<stream>：部件“xl/worksheets/sheet1.xml”解压后增大 ",
    ),
    "part_too_big": (
        lambda: mch.read_table(
            io.BytesIO(_zip({"xl/workbook.xml": b"x" * 100})), limits=ReadLimits(member_bytes=10)
        ),
        "<stream>: part 'xl/workbook.xml' inflates to 100 bytes, more than the limit of 10 "
        "(ReadLimits.member_bytes)",
        "<stream>：部件“xl/workbook.xml”解压后有 100 字节，超过上限 10 字节"
        "（ReadLimits.member_bytes）",
    ),
    "workbook_too_big": (
        lambda: mch.read_table(
            io.BytesIO(_zip({"a.xml": b"x" * 60, "b.xml": b"y" * 60})),
            limits=ReadLimits(total_bytes=100),
        ),
        "<stream>: the workbook inflates to 120 bytes, more than the limit of 100 "
        "(ReadLimits.total_bytes)",
        "<stream>：工作簿解压后共 120 字节，超过上限 100 字节（ReadLimits.total_bytes）",
    ),
    "sheet_extent": (
        lambda: mch.read_table(
            io.BytesIO(_workbook({"A1": "县区", "B1": "活产数", "C2000": 1})),
            limits=ReadLimits(cells=1000),
        ),
        "<stream>: the sheet's declared extent is 2,000 rows by 3 columns (6,000 cells), more "
        "than the limit of 1,000 cells (ReadLimits.cells)",
        "<stream>：工作表声明的范围为 2,000 行 × 3 列（6,000 个单元格），超过上限 1,000 个单元格"
        "（ReadLimits.cells）",
    ),
    "no_sheet": (
        lambda: mch.read_table(
            io.BytesIO(_workbook({"A1": "县区", "B1": "活产数"})), sheet="2023"
        ),
        "<stream>: no sheet '2023'; the sheets are '2024'",
        "<stream>：没有名为“2023”的工作表；已有的工作表：“2024”",
    ),
    "no_sheet_number": (
        lambda: mch.read_table(io.BytesIO(_workbook({"A1": "县区", "B1": "活产数"})), sheet=3),
        "<stream>: no sheet number 3 (the workbook has 1, from 0)",
        "<stream>：没有第 3 张工作表（工作簿共 1 张，从 0 起编号）",
    ),
    "empty_sheet": (
        lambda: mch.read_table(io.BytesIO(_workbook({}))),
        "<stream> sheet '2024': empty; expected a header row",
        "<stream> 工作表“2024”：为空，应有表头行",
    ),
    "header_twice_in_sheet": (
        lambda: mch.read_table(io.BytesIO(_workbook({"A1": "活产数", "B1": "活产数", "A2": 1}))),
        "<stream> sheet '2024': the header names column '活产数' twice",
        "<stream> 工作表“2024”：表头中“活产数”列出现了两次",
    ),
    "no_header_in_sheet": (
        lambda: mch.read_table(
            io.BytesIO(_workbook({"A1": "县区", "B1": "活产数", "A2": "甲县", "B2": 5, "C2": 7}))
        ),
        "<stream> sheet '2024':2: column 3 holds data but has no header (header on line 1)",
        "<stream> 工作表“2024” 第2行：第3列有数据，但没有表头（表头在第1行）",
    ),
    "empty": (
        lambda: mch.read_table(_text("\n\n")),
        "<stream>: empty file; expected a header row",
        "<stream>：文件为空，应有表头行",
    ),
    "field_count": (
        lambda: mch.read_table(_text("县区,活产数,死亡数\n甲县,1\n")),
        "<stream>:2: expected 3 fields as in the header, saw 2",
        "<stream> 第2行：应与表头一样有 3 个字段，实有 2 个",
    ),
    "data_after_notes": (
        lambda: mch.read_table(_text("县区,活产数\n甲县,1\n注：本表为示例,\n乙县,2\n")),
        "<stream>:4: a row of data after the notes that end the table (line 3); move the "
        "notes under the last row of the table",
        "<stream> 第4行：表格末尾的注释（第3行）之后还有数据行；请把注释移到表格最后一行的下方",
    ),
    "scaled_units": (
        lambda: mch.read_table(_text("单位：万人,\n县区,常住人口数\n甲县,162\n")),
        "<stream>:1: the line above the header says the numbers are in 万人 ('单位：万人'): "
        "a count must be written whole",
        "<stream> 第1行：表头上方写明数字的单位是“万人”（单位：万人），计数须填写实际数",
    ),
    "second_table": (
        lambda: mch.read_table(_text("县区,活产数\n甲县,1\n附表：乡镇,\n城关镇,2\n")),
        "<stream>:4: a second table under the table ('附表：乡镇', line 3); one table is read "
        "at a time",
        "<stream> 第4行：表格下方还有一张表（第3行“附表：乡镇”）；一次只读一张表",
    ),
    "mixed_encodings": (
        lambda: mch.read_table(
            io.BytesIO("县区,活产数\n甲县,1\n".encode() + "乙县,2\n".encode("gbk"))
        ),
        "<stream>:3: the file is UTF-8 text above this line, which is not (bytes d2 d2 cf d8; as "
        "GB18030/GBK it reads '乙县,2')",
        "<stream> 第3行：此行以上是 UTF-8 文本，此行却不是（字节 d2 d2 cf d8；"
        "按 GB18030/GBK 读取为“乙县,2”）",
    ),
    "mixed_latin": (  # a Windows-1252 row pasted into UTF-8 text in a Latin alphabet
        lambda: mch.read_table(
            io.BytesIO(
                "area,births\nSão Paulo,1\nBogotá,3\nZürich,4\nMálaga,5\n".encode()
                + "São José,2\n".encode("cp1252")
            )
        ),
        "<stream>:6: the file is UTF-8 text above this line, which is not (bytes e3 6f 20 4a; as "
        "Windows-1252/Latin-1 it reads 'São José,2')",
        "<stream> 第6行：此行以上是 UTF-8 文本，此行却不是（字节 e3 6f 20 4a；"
        "按 Windows-1252/Latin-1 读取为“São José,2”）",
    ),
    "ole_unreadable": (  # a WPS .et or an .xls the engine cannot read: what it is, what to do
        lambda: mch.read_table(io.BytesIO(OLE + b"\0" * 5000)),
        "<stream>: an old binary Office file (OLE2: an .xls, a WPS .et, or a document that is no "
        "workbook) that cannot be read as a workbook (",
        "<stream>：旧版二进制 Office 文件（OLE2：.xls、WPS 的 .et，或不是工作簿的文档），无法作为"
        "工作簿读取；请用 Excel 或 WPS 打开，另存为 .xlsx 或 CSV",
    ),
    "encrypted": (  # an encrypted .xlsx is an OLE file: it was "not a readable workbook"
        lambda: mch.read_table(io.BytesIO(OLE + "EncryptionInfo".encode("utf-16-le") * 9)),
        "<stream>: the workbook is password-protected",
        "<stream>：工作簿设有密码保护",
    ),
    "unknown_encoding": (
        lambda: mch.read_table(_text("a,b\n1,2\n"), encoding="nope"),
        "unknown encoding 'nope'",
        "未知的编码 'nope'",
    ),
    "not_codec_asked": (
        lambda: mch.read_table(io.BytesIO("县区,活产数\n".encode("gbk")), encoding="utf-8"),
        "<stream>:1: cannot be decoded as utf-8 (bytes cf d8 c7 f8); is it the file's encoding?",
        "<stream> 第1行：无法按 utf-8 编码读取（字节 cf d8 c7 f8）；请确认文件是否为这种编码",
    ),
    "sheet_text": (
        lambda: mch.read_table(_text("a,b\n1,2\n"), sheet="2024"),
        "<stream>: a sheet is chosen only in a workbook; this is a text file",
        "<stream>：只有工作簿才能选择工作表，此文件是文本文件",
    ),
    "delimiter_one": (
        lambda: mch.read_table(_text("a,b\n1,2\n"), delimiter=",,"),
        "the delimiter must be one character, got ',,'",
        "分隔符须为单个字符，而不是 ',,'",
    ),
    "limit_whole": (
        lambda: ReadLimits(cells=0),
        "ReadLimits.cells must be a whole number >= 1",
        "ReadLimits.cells 须为不小于 1 的整数",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_refusal_of_the_reader_is_said_in_english_and_chinese(case):
    read, english, chinese = CASES[case]
    error = _refused(read)
    assert error.reason.startswith(english), error.reason
    assert error.reason_zh is not None and error.reason_zh.startswith(chinese), error.reason_zh
    assert CJK.search(error.reason_zh)
    given = ("<stream>", "xl/worksheets/sheet1.xml", "nope", "sheet=", "delimiter ", "utf-8")
    left = english_words(error.reason_zh, *given)
    assert not left, (left, error.reason_zh)


def test_a_directory_is_refused_in_chinese(tmp_path):
    error = _refused(lambda: mch.read_table(tmp_path))
    assert error.reason_zh == f"{tmp_path}：无法读取（这是一个文件夹）"


def _run(*args: str) -> tuple[int, str]:
    status, _, err = run_cli(*args)
    return status, err


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "文件为空，应有表头行"),
        (b"\n \n", "文件为空，应有表头行"),
        (
            "县区,活产数,死亡数\n甲县,1\n".encode("gbk"),
            "第2行：应与表头一样有 3 个字段，实有 2 个",
        ),
    ],
)
@pytest.mark.parametrize("command", ["compute", "report"])
def test_the_command_line_says_the_reader_s_refusals_in_chinese(tmp_path, content, said, command):
    path = tmp_path / "counts.csv"
    path.write_bytes(content)
    args = ["compute", "--file", str(path)] if command == "compute" else ["report", str(path)]
    status, err = _run(*args, "--lang", "zh")
    assert status == 1 and said in err, err
    assert not english_words(err, str(path), "mch-indicators"), err


def test_the_command_line_names_a_missing_sheet_in_chinese(tmp_path):
    path = tmp_path / "counts.xlsx"
    path.write_bytes(_workbook({"A1": "县区", "B1": "活产数", "A2": "甲县", "B2": 5}))
    status, err = _run("report", str(path), "--sheet", "上年", "--lang", "zh")
    assert status == 1 and "没有名为“上年”的工作表；已有的工作表：“2024”" in err, err
    assert not english_words(err, str(path), "mch-indicators"), err
