"""The office workbook's last rough edges, as ``report`` and ``compute --file`` meet them:
two columns of one term, a visible sheet beside the one read, a count formatted as a date,
a period column mixing quarters and years."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import mch_indicators as mch
from mch_indicators._cli import main

HEADER = ["县区", "年份", "活产数", "孕产妇死亡数"]


def workbook(*rows: list[object], township: bool = False) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "汇总"
    for row in rows:
        sheet.append(row)
    if township:  # the townships' sheet beside the summary, as an office's workbook has it
        towns = book.create_sheet("乡镇")
        towns.append(["乡镇", "年份", "活产数", "孕产妇死亡数"])
        towns.append(["城关镇", 2024, 500, 0])
    return book


def saved(book: openpyxl.Workbook, path: Path | None = None) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    if path is not None:
        path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", ["report", "compute"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_two_columns_of_one_term_are_advised_as_the_command_line_can(tmp_path, command, lang):
    """The command line advised "columns=", a keyword it has no option for; it says to
    rename a header now, and the library's error keeps its columns= advice."""
    path = tmp_path / "births.xlsx"
    header = ["县区", "年份", "活产数", "活产数（人）", "孕产妇死亡数"]
    saved(workbook(header, ["河阳县", 2024, 1000, 1000, 1]), path)
    args = (
        ("report", str(path), "--out", str(tmp_path / "out.xlsx"))
        if command == "report"
        else ("compute", "--file", str(path))
    )
    status, _, err = run(*args, "--lang", lang)
    assert status == 1 and "columns=" not in err
    words = "改个表头" if lang == "zh" else "rename the header"
    assert words in err and ("活产数（人）" in err)
    with pytest.raises(mch.InvalidInputError, match="columns=") as error:
        mch.compute(mch.read_table(path))
    assert "columns= 指明" in (error.value.reason_zh or "")


def test_the_visible_sheets_not_read_are_named_in_the_checks(tmp_path):
    """Only the first visible sheet is read: the 乡镇 sheet beside 汇总 was left unread
    without a word; the checks name it now, and --sheet."""
    book = workbook(HEADER, ["河阳县", 2024, 1000, 1], township=True)
    table = mch.read_table(io.BytesIO(saved(book)))
    found = mch.checks(table).set_index("check")
    assert "工作表“乡镇”未读入" in found.loc["other_sheets", "message_zh"]
    assert "--sheet" in found.loc["other_sheets", "message_zh"]
    assert "'乡镇'" in found.loc["other_sheets", "message_en"]
    named = mch.read_table(io.BytesIO(saved(book)), sheet="汇总")  # named: nothing to say
    assert "other_sheets" not in mch.checks(named)["check"].tolist()
    alone = workbook(HEADER, ["河阳县", 2024, 1000, 1])
    assert "other_sheets" not in mch.checks(mch.read_table(io.BytesIO(saved(alone))))["check"]


def test_the_command_line_names_the_visible_sheets_not_read(tmp_path):
    path = tmp_path / "county.xlsx"
    saved(workbook(HEADER, ["河阳县", 2024, 1000, 1], township=True), path)
    status, _, err = run("compute", "--file", str(path), "--lang", "zh")
    assert status == 0 and "工作表“乡镇”未读入" in err


def test_a_count_formatted_as_a_date_says_the_number_it_holds():
    """Excel shows 1000 formatted as a date as 1902-09-26; it was refused as
    "“1902-09-26”不是数字", which the office cannot see in its sheet."""
    book = workbook(HEADER, ["河阳县", 2024, 1000, 1], ["石门县", 2024, 2000, 0])
    book.active["C2"].number_format = "yyyy-mm-dd"
    table = mch.read_table(io.BytesIO(saved(book)))
    with pytest.raises(mch.InvalidInputError) as error:
        mch.compute(table)
    assert "is a date, not a count" in str(error.value)
    assert "formatted as a date" in str(error.value) and "1000" in str(error.value)
    assert "“1902-09-26”是日期，不是计数：该单元格设成了日期格式，其中的数是 1000" in (
        error.value.reason_zh or ""
    )


def test_years_beside_quarters_are_one_period_however_written():
    """A period column with quarters and years kept its cells as text: 2024年 and 2024
    were two periods. The quarters stay text periods; each year is written one way."""
    book = workbook(
        ["县区", "年份", "活产数", "孕产妇死亡数"],
        ["河阳县", "2024年", 1000, 1],
        ["石门县", 2024, 2000, 0],
        ["河阳县", "2024年第一季度", 250, 0],
    )
    out = mch.compute(mch.read_table(io.BytesIO(saved(book))), indicators=["MMR"])
    assert sorted(out["year"].tolist()) == ["2024", "2024", "2024年第一季度"]
    frame = pd.DataFrame(  # a DataFrame passed in is read the same way
        {
            "县区": ["河阳县", "石门县", "河阳县"],
            "年份": ["2024年", "2024", "2024年第一季度"],
            "活产数": [1000, 2000, 250],
            "孕产妇死亡数": [1, 0, 0],
        }
    )
    assert set(mch.compute(frame, indicators=["MMR"])["year"]) == {"2024", "2024年第一季度"}


def test_a_filled_template_does_not_name_its_own_notes_sheet(tmp_path):
    """A template (mch.template) has its notes sheet beside the counts: not a sheet left
    unread that the office should look at, so the checks do not name it."""
    path = tmp_path / "template.xlsx"
    mch.template(path, indicators=["MMR"], units=["河阳县"], year=2024)
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) == 2
    table = mch.read_table(path)
    assert "other_sheets" not in mch.checks(table)["check"].tolist()
