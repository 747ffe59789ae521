"""The command line in the user's language: help, argparse's own words, progress, errors, demo."""

from __future__ import annotations

import contextlib
import io
import shlex
from pathlib import Path

import openpyxl
import pytest

from mch_indicators._cli import main
from mch_indicators._cli._words import lang_of_argv, wrap_display
from mch_indicators._display import display_width


def run(*args: str, env: dict[str, str] | None = None, monkeypatch=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def test_help_is_chinese_under_lang_zh_or_the_environment(monkeypatch):
    status, out, _ = run("--lang", "zh", "--help")
    assert status == 0 and out.startswith("用法：mch-indicators")
    assert "选项" in out and "生成单位填报用的空白工作簿" in out and "显示本帮助并退出" in out
    monkeypatch.setenv("MCH_INDICATORS_LANG", "zh")
    status, out, _ = run("report", "--help")
    assert "对照此规划的目标判断是否达标" in out and "--no-escape-formulas" in out
    status, out, _ = run("report", "--help", "--lang", "en")  # the line wins
    assert "usage: mch-indicators report" in out and "show this help message and exit" in out


def test_chinese_help_is_wrapped_by_terminal_columns(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for command in ([], ["report"], ["compute"], ["template"]):
        _, out, _ = run(*command, "--help", "--lang", "zh")
        assert max(display_width(line) for line in out.splitlines()) <= 80, command


def test_argparse_errors_are_chinese():
    status, _, err = run("report", "--lang", "zh")
    assert status == 2 and "mch-indicators report：错误：缺少必需的参数：TABLE" in err
    status, _, err = run("list", "--format", "xml", "--lang", "zh")
    assert status == 2 and "参数 --format：无效的取值：'xml'" in err
    status, _, err = run("compute", "MMR", "-n", "1", "-d", "2", "-c", "九五", "--lang", "zh")
    assert status == 2 and "“九五”不是 0.95 这样的数" in err
    import argparse

    assert argparse._("usage: ") == "usage: "  # argparse's own words are put back


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "foo"), "没有与“foo”匹配的指标；运行 mch-indicators list 查看指标目录"),
        (("show", "infant mortality"), "您要找的是否是：infant_mortality_rate"),
        (("compute", "MMR", "-n", "1"), "compute 需要指标、--numerator 和 --denominator"),
        (("report", "/nonexistent/本县.csv"), "/nonexistent/本县.csv：无法读取文件（文件不存在）"),
        (("targets", "--plan", "sdg"), "未知的规划“sdg”；已有的规划："),
        (("export", "--format", "xlsx"), "xlsx 是二进制格式"),
    ],
)
def test_command_errors_are_one_chinese_line(args, message):
    status, _, err = run(*args, "--lang", "zh")
    assert status == 1 and err.startswith("mch-indicators：错误：")
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_file_error_names_line_and_column_in_chinese(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text("indicator,numerator,denominator\nMMR,1,100\nMMR,abc,100\n", encoding="utf-8")
    status, _, err = run("compute", "--file", str(path), "--lang", "zh")
    assert status == 1 and f"{path} 第3行：列“numerator”：" in err
    status, _, err = run("compute", "--file", str(path))
    assert f"{path}:3: column 'numerator': 'abc' is not a number" in err


def test_an_internal_error_is_reported_in_chinese(monkeypatch):
    import mch_indicators._cli._commands as commands

    def broken(args):
        raise TypeError("boom")

    monkeypatch.setattr(commands, "cmd_list", broken)
    import mch_indicators._cli as cli

    monkeypatch.setattr(cli, "cmd_list", broken)
    status, _, err = run("list", "--lang", "zh")
    assert status == 4 and "内部错误（TypeError：boom）；请报告此问题" in err


def test_progress_of_a_report_is_chinese_and_names_unused_columns(tmp_path):
    table = tmp_path / "本县.csv"
    table.write_text("县区,年份,活产数,孕产妇死亡数,备注\n甲县,2024,1000,1,迟报\n乙县,2024,900,0,\n",
                     encoding="utf-8")  # fmt: skip
    out = tmp_path / "报表.xlsx"
    status, text, err = run("report", str(table), "--out", str(out), "--plan",
                            "healthy_china_2030", "--lang", "zh")  # fmt: skip
    assert status == 0, err
    assert text.splitlines() == [
        "县区：2 行 × 1 项指标，2 个数值带标记",
        "合计：1 行 × 1 项指标，1 个数值带标记",
        "未识别的列（已列入“数据核查”表）：备注",
        f"已写入 {out}",
    ]
    sheet = openpyxl.load_workbook(out)["同比、排名与达标"]
    assert [c.value for c in sheet[2]][-1] == "达标情况"
    assert sheet.oddFooter.left.text == "来源：本县.csv"


def test_template_command(tmp_path):
    out = tmp_path / "模板.xlsx"
    status, text, _ = run("template", "--out", str(out), "--units", "城关镇，河口镇", "--year",
                          "2024年", "二〇二五", "--level", "township", "--lang", "zh")  # fmt: skip
    assert status == 0 and text.startswith(f"已写入 {out}：待填 ") and "，4 行；" in text
    rows = list(openpyxl.load_workbook(out).worksheets[0].iter_rows(min_row=3, values_only=True))
    assert [r[:2] for r in rows[:4]] == [
        ("城关镇", 2024), ("城关镇", 2025), ("河口镇", 2024), ("河口镇", 2025),
    ]  # fmt: skip
    status, _, err = run("template", "--out", str(out), "--year", "明年", "--lang", "zh")
    assert status == 1 and "--year：“明年”不是 1900 至 2099 年间的年份" in err
    status, _, err = run("template", "--out", str(out), "--set", "nope")
    assert status == 1 and "unknown template set 'nope'" in err


def test_the_demo_suggests_a_command_that_runs_on_a_file_that_exists():
    status, text, _ = run("demo", "--lang", "zh")
    assert status == 0
    line = next(line for line in text.splitlines() if "mch-indicators report" in line)
    path = shlex.split(line)[2]
    assert Path(path).is_file() and Path(path).name == "example_office.xlsx"
    assert "示例统计表位于" in text


def test_demo_files_copies_the_examples_and_never_overwrites(tmp_path):
    status, text, _ = run("demo", "--files", str(tmp_path), "--lang", "zh")
    assert status == 0 and text.startswith("已将示例文件复制到此处：")
    copied = sorted(p.name for p in tmp_path.iterdir())
    assert copied == ["example_office.csv", "example_office.xlsx"]
    (tmp_path / "example_office.csv").write_text("mine", encoding="utf-8")
    status, text, _ = run("demo", "--files", str(tmp_path))
    assert "example_office.csv exists already: not overwritten" in text
    assert (tmp_path / "example_office.csv").read_text(encoding="utf-8") == "mine"
    status, _, err = run("demo", "--files", str(tmp_path / "nowhere"), "--lang", "zh")
    assert status == 1 and "无法读取文件" in err


def test_language_is_read_before_parsing(monkeypatch):
    assert lang_of_argv(["report", "--lang", "zh"]) == "zh"
    assert lang_of_argv(["--lang=zh", "list"]) == "zh"
    monkeypatch.setenv("MCH_INDICATORS_LANG", "fr")
    assert lang_of_argv(["list"]) == "en"  # reported as an error when the command runs


def test_wrapping_keeps_words_and_closing_punctuation():
    lines = wrap_display("每个地区每年一行（未上报留空），填好后运行 mch-indicators report", 12)
    assert all(display_width(line) <= 14 for line in lines)
    assert not any(line.startswith(("，", "）", "。")) for line in lines)
    assert "mch-indicators" in lines[-2] + lines[-1]


def test_the_librarys_errors_with_a_chinese_reason_are_chinese(tmp_path):
    from importlib import resources

    example = resources.files("mch_indicators.datasets") / "example_office.csv"
    status, _, err = run("report", str(example), "--plan", "nope", "--lang", "zh")
    assert status == 1 and "未知的规划“nope”；已有的规划：" in err
    status, _, err = run("report", str(example), "--plan", "nope")
    assert status == 1 and "unknown plan 'nope'; known plans:" in err
    status, _, err = run("template", "--out", str(tmp_path / "t.xlsx"), "--indicators", "TFR",
                         "--lang", "zh")  # fmt: skip
    assert status == 1 and "不由计数计算" in err


def test_export_takes_lang_after_the_command_as_every_command_does(tmp_path):
    path = tmp_path / "mmr.json"
    status, text, err = run("export", "MMR", "--output", str(path), "--lang", "zh")
    assert status == 0, err
    assert text.strip() == f"已将1项指标写入 {path}（json）"
    _, help_text, _ = run("export", "--help", "--lang", "zh")
    assert "--lang {en、zh}" in help_text and "--lang {en,zh}" not in help_text


def test_an_error_about_the_whole_file_names_the_file(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text("county,indicator,numerator\nA,MMR,1\n", encoding="utf-8")
    status, _, err = run("compute", "--file", str(path))
    assert status == 1
    assert f"error: {path}: missing column 'denominator'; the header has county, " in err
    status, _, err = run("compute", "--file", str(path), "--lang", "zh")
    said = f"错误：{path}：缺少列“denominator”；表头中的列为：county、indicator、"
    assert status == 1 and said in err
    empty = tmp_path / "empty.csv"
    empty.write_text("县区,年份,活产数\n", encoding="utf-8")
    status, _, err = run("report", str(empty))
    assert status == 1 and f"error: {empty}: no data rows under the header" in err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_demo_says_what_its_xlsx_commands_need_when_it_is_missing(monkeypatch, lang):
    import importlib.util

    _, text, _ = run("demo", "--lang", lang)
    assert "mch-indicators[excel]" not in text  # the dev install has the excel extra
    found = importlib.util.find_spec
    hidden = lambda name, *more: None if name == "openpyxl" else found(name, *more)  # noqa: E731
    monkeypatch.setattr(importlib.util, "find_spec", hidden)
    status, text, _ = run("demo", "--lang", lang)
    last = text.strip().splitlines()[-1]
    assert status == 0 and "report" in text and "pip install 'mch-indicators[excel]'" in last


def test_the_targets_scope_is_chinese_under_lang_zh():
    _, text, _ = run("targets", "MMR", "--lang", "zh")
    sdg = next(line for line in text.splitlines() if "<70/10万" in line)
    assert "全球" in sdg and "global" not in text
    _, text, _ = run("targets", "MMR")
    assert "global" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("source", ["counts", "file"])
def test_the_on_invalid_hint_is_said_as_the_command_line_option(tmp_path, lang, source):
    path = tmp_path / "counts.csv"
    path.write_text("indicator,numerator,denominator\n住院分娩率,11,10\n", encoding="utf-8")
    args = (
        ("compute", "住院分娩率", "-n", "11", "-d", "10")
        if source == "counts"
        else ("compute", "--file", str(path))
    )
    status, _, err = run(*args, "--lang", lang)
    assert status == 1 and len(err.strip().splitlines()) == 1
    assert "--on-invalid flag" in err and "on_invalid=" not in err
    words = "加上 --on-invalid flag" if lang == "zh" else "use --on-invalid flag"
    assert words in err
    status, _, err = run(*args, "--on-invalid", "flag", "--lang", lang)  # the hint works
    assert status == 0, err


def test_rows_beyond_the_first_invalid_one_are_counted_in_words_that_agree(tmp_path):
    path = tmp_path / "counts.csv"
    rows = "住院分娩率,11,10\n"
    for count, words in ((2, "(11 > 10, and 1 more row);"), (3, "(11 > 10, and 2 more rows);")):
        path.write_text("indicator,numerator,denominator\n" + rows * count, encoding="utf-8")
        _, _, err = run("compute", "--file", str(path))
        assert words in err
        _, _, err = run("compute", "--file", str(path), "--lang", "zh")
        assert f"（11 > 10，另有 {count - 1} 行）" in err


def test_every_hint_the_library_gives_names_a_command_line_option_that_exists():
    from mch_indicators._cli import build_parser
    from mch_indicators._errors import HINTS

    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for hint in HINTS:
        found = [
            action
            for command in commands.values()
            for action in command._actions
            if action.dest == hint.keyword
        ]
        assert found, hint
        for action in found:
            assert action.choices is None or hint.value in action.choices, (hint, action)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_hint_is_said_as_an_option_a_shell_reads_in_the_users_language(lang):
    from mch_indicators._cli._words import hint_text
    from mch_indicators._errors import DUPLICATES_SUM, ENCODING_LATIN, delimiter_hint
    from mch_indicators._labels import label

    assert hint_text(delimiter_hint("\t"), lang).startswith(
        "；加上 --delimiter tab 可" if lang == "zh" else "; use --delimiter tab to read"
    )
    assert "--delimiter ';' " in hint_text(delimiter_hint(";"), lang)
    assert "--encoding latin-1 " in hint_text(ENCODING_LATIN, lang)
    said = hint_text(DUPLICATES_SUM, lang)
    assert label("hints", "duplicates_sum", lang) in said and "duplicates=" not in said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_table_in_another_encoding_gets_the_encoding_option_in_the_users_language(
    tmp_path, lang
):
    path = tmp_path / "counts.csv"
    path.write_bytes(b"indicator,numerator,denominator\nMMR,1,100\n\x80\x80,1,2\n")
    status, _, err = run("compute", "--file", str(path), "--lang", lang)
    assert status != 0 and "encoding=" not in err and "--encoding big5" in err
    assert ("既不是 UTF-8" in err) == (lang == "zh")


def test_chinese_help_headings_end_in_a_full_width_colon():
    for command in ([], ["report"], ["compute"], ["template"], ["list"]):
        _, out, _ = run(*command, "--help", "--lang", "zh")
        headings = [line for line in out.splitlines() if line.rstrip().endswith((":", "："))]
        assert "选项：" in headings, command
        assert not [line for line in headings if line.endswith(":")], (command, headings)
    _, out, _ = run("compute", "--help")
    assert "options:" in out.splitlines()  # English keeps its own


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_the_chinese_list_names_units_in_chinese_in_every_format(fmt):
    import csv
    import json

    status, out, _ = run("list", "--lang", "zh", "--format", fmt, "--search", "孕产妇死亡率")
    assert status == 0
    if fmt == "json":
        rows = json.loads(out)
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
    else:
        rows = [{"单位": "/10万" if "/10万" in out else "per_100k"}]
    assert rows[0]["单位"] == "/10万", rows[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_demo_legend_lists_exactly_the_flags_its_tables_show(lang):
    from mch_indicators._labels import label
    from mch_indicators.stats import Flag

    status, out, _ = run("demo", "--lang", lang)
    assert status == 0
    tables, _, legend = out.partition("\nFlags:\n" if lang == "en" else "\n标记：\n")
    assert legend
    words = {label("flags", f.name, lang): f.name for f in Flag if f.name}
    listed = {words[line.split(" = ")[0].strip()] for line in legend.splitlines() if " = " in line}
    shown = {name for word, name in words.items() if word in tables}
    assert listed == shown and "MISSING" not in listed


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_csv_report_writes_its_checks_beside_it_and_says_where(tmp_path, lang):
    import csv

    table = tmp_path / "county.csv"
    table.write_text(
        "本县2024年报表\n县区,年份,活产数,孕产妇死亡数,备注\n甲县,2024,1000,1,迟报\n乙县,2024,900,0,\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.csv"
    status, text, err = run("report", str(table), "--out", str(out), "--lang", lang)
    assert status == 0, err
    beside = tmp_path / "report.checks.csv"
    rows = list(csv.reader(io.StringIO(beside.read_text("utf-8-sig"))))
    head = {"en": ["check", "unit"], "zh": ["核查项目", "填报单位"]}[lang]
    assert rows[0][:2] == head
    assert {row[0] for row in rows[1:]} == (
        {"rows above the header", "column not used"}
        if lang == "en"
        else {"表头上方的行", "未识别的列"}
    )
    said = {
        "en": [f"data checks: 1 finding, written to {beside}",
               f"columns not used (listed in {beside}): 备注"],
        "zh": [f"数据核查：1 项，已写入 {beside}", f"未识别的列（已列入 {beside}）：备注"],
    }[lang]  # fmt: skip
    assert all(line in text.splitlines() for line in said), text
    assert "sheet" not in text and "“数据核查”表" not in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_report_printed_without_out_prints_its_checks(tmp_path, lang):
    """Without --out, `report` said "data checks: 2 findings (Data checks sheet)", pointing
    at a sheet no file held, and a total row that did not add up went unseen. Each finding
    is printed now, in the language asked, above the totals."""
    table = tmp_path / "county.csv"
    table.write_text(
        "县区,年份,活产数,孕产妇死亡数,备注\n甲县,2024,1000,1,迟报\n乙县,2024,900,0,\n"
        "合计,2024,1901,1,\n",
        encoding="utf-8",
    )
    status, text, err = run("report", str(table), "--lang", lang)
    assert status == 0, err
    lines = text.splitlines()
    said = {
        "en": ["data checks: 2 findings:",
               "  - row 4: '合计' 2024 gives 活产数 1,901; its 2 units sum to 1,900"
               " (difference 1)",
               "columns not used: 备注"],
        "zh": ["数据核查：2 项：", "  - 第4行“合计”2024活产数为1,901，2个单位之和为1,900（差1）",
               "未识别的列：备注"],
    }[lang]  # fmt: skip
    assert all(line in lines for line in said), text
    assert "sheet" not in text and "“数据核查”表" not in text


@pytest.mark.parametrize("lang", ["en", "zh"])  # en streams the file, zh reads it whole
def test_compute_file_takes_the_duplicates_option_its_error_advises(tmp_path, lang):
    """`compute --file` refused two rows of one county with "... --duplicates sum", an option
    it did not have ("unrecognized arguments: --duplicates"). It takes --duplicates and
    --totals now, as `report` does."""
    table = tmp_path / "county.csv"
    table.write_text(
        "县区,年份,活产数,孕产妇死亡数\n甲县,2024,1000,1\n乙县,2024,900,0\n乙县,2024,100,1\n"
        "合计,2024,2000,2\n",
        encoding="utf-8",
    )
    status, _, err = run("compute", "--file", str(table), "--lang", lang)
    assert status == 1 and "--duplicates sum" in err
    status, text, err = run("compute", "--file", str(table), "--duplicates", "sum",
                            "--format", "csv", "--lang", lang)  # fmt: skip
    assert status == 0, err
    rows = [line.split(",") for line in text.splitlines()[1:]]
    assert [row[0] for row in rows] == ["甲县", "乙县"]  # 乙县's two rows summed; 合计 no unit
    assert [row[3:5] for row in rows][1] in (["1", "1000"], ["1.0", "1000.0"])
    status, text, err = run("compute", "--file", str(table), "--duplicates", "sum",
                            "--totals", "keep", "--format", "csv", "--lang", lang)  # fmt: skip
    assert status == 0, err
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == ["甲县", "乙县", "合计"]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_compute_file_lists_what_it_summed_and_took_out_on_standard_error(tmp_path, lang, suffix):
    """`compute --file x.xlsx --duplicates sum` summed 乙县's two rows and took 合计 out
    saying nothing (the report lists both): the data checks are listed on standard error,
    in the language asked, the table on standard output unchanged."""
    rows = [["县区", "年份", "活产数", "孕产妇死亡数"], ["甲县", 2024, 1000, 1],
            ["乙县", 2024, 900, 0], ["乙县", 2024, 100, 1], ["合计", 2024, 2000, 2]]  # fmt: skip
    table = tmp_path / f"county{suffix}"
    if suffix == ".csv":
        table.write_text("".join(",".join(map(str, r)) + "\n" for r in rows), encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(table)
    status, text, err = run("compute", "--file", str(table), "--duplicates", "sum",
                            "--format", "csv", "--lang", lang)  # fmt: skip
    assert status == 0, err
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == ["甲县", "乙县"]
    said = {
        "en": ["data checks: 2 findings:", "'合计' 2024 is a total row",
               "乙县 2024 appears 2 times; the counts were summed"],
        "zh": ["数据核查：2 项：", "“合计”2024按名称识别为合计行",
               "乙县2024出现2次，已按要求合并相加"],
    }[lang]  # fmt: skip
    assert all(words in err for words in said), err
    assert "数据核查" not in text and "data checks" not in text
    status, _, err = run("compute", "--file", str(table), "--format", "csv", "--totals", "keep",
                         "--duplicates", "sum", "--lang", lang)  # fmt: skip
    assert status == 0 and said[2] in err and said[1] not in err


def test_an_office_table_s_refusals_are_chinese_under_lang_zh(tmp_path):
    """Under --lang zh, a table with no computable indicator (a cover sheet read first) and
    a count written 无 were refused in English ("no indicator can be computed", "'无' is
    not a number"), and the Chinese message lost the place (甲县/2024). Both are Chinese
    now, with the place, the columns seen and what to do."""
    book = openpyxl.Workbook()
    book.active.title = "封面"
    book.active.append(["某某县2024年妇幼卫生年报"])
    book.active.append(["卫生健康统计报表"])  # a second title line, read as a row of data
    data = book.create_sheet("数据")
    data.append(["县区", "年份", "活产数", "孕产妇死亡数"])
    data.append(["甲县", 2024, 1000, 1])
    path = tmp_path / "年报.xlsx"
    book.save(path)
    status, _, err = run("report", str(path), "--lang", "zh")
    assert status == 1
    assert "无法计算任何指标" in err and "未识别的列：某某县2024年妇幼卫生年报" in err
    assert "--sheet" in err
    # the command line's own advice: no columns= nor mch.match_columns, which it has not
    assert "columns=" not in err and "match_columns" not in err and "sheet=" not in err
    assert "请按指标目录中计数的名称填写表头（mch-indicators template 可生成这样的表头）" in err
    status, _, err = run("report", str(path), "--lang", "en")
    assert "columns not matched: 某某县2024年妇幼卫生年报" in err and "--sheet" in err
    assert "columns=" not in err and "match_columns" not in err and "sheet=" not in err
    status, _, err = run("report", str(path), "--sheet", "数据", "--lang", "zh")
    assert status == 0, err
    book.remove(book["封面"])
    book.create_sheet("封面", 0).append(["某某县2024年妇幼卫生年报"])  # one cell: no rows
    book.save(path)
    status, _, err = run("compute", "--file", str(path), "--lang", "zh")
    assert status == 1 and "第一张可见工作表的表头下没有数据行" in err and "--sheet" in err
    table = tmp_path / "county.csv"
    table.write_text("县区,年份,活产数,孕产妇死亡数\n甲县,2024,1000,无\n", encoding="utf-8")
    status, _, err = run("compute", "--file", str(table), "--lang", "zh")
    assert status == 1
    assert "第2行：列“孕产妇死亡数”：甲县/2024：“无”不是数字：确为0请填0，未上报请留空" in err
    status, _, err = run("compute", "--file", str(table), "--lang", "en")
    assert "甲县/2024: '无' is not a number" in err


def test_choices_are_listed_with_the_chinese_comma_and_in_words():
    from chinese import english_words

    status, _, err = run("list", "--domain", "xyz", "--lang", "zh")
    assert (
        status == 2 and "（可选：mortality（死亡与妊娠结局）、maternal_care（孕产期保健）" in err
    )
    choices = err.partition("可选：")[2]
    assert ", " not in choices and "'mortality'" not in choices
    status, _, err = run("compute", "MMR", "--on-invalid", "x", "--lang", "zh")
    assert status == 2 and "无效的取值：'x'（可选：raise、flag）" in err
    status, _, err = run("compute", "MMR", "--on-invalid", "x")  # English as argparse says it
    assert "invalid choice: 'x' (choose from 'raise', 'flag')" in err
    _, out, _ = run("list", "--help", "--lang", "zh")
    usage, _, options = out.partition("选项：")
    assert "--format {table、csv、json}" in usage  # the usage line lists them in Chinese too
    assert "--format {table、csv、json}" in options and "{table,csv,json}" not in out
    assert "rate（率）" in out  # the kinds said in words after the option's help
    words = options
    allowed = ("mortality", "maternal_care", "screening", "child_health", "immunization",
               "pmtct", "womens_health", "fertility_services", "proportion", "ratio", "rate",
               "coverage", "density", "index", "table", "csv", "json", "escape-formulas",
               "no-escape-formulas", "lang", "domain", "kind", "search", "variants-of", "format",
               "help", "TEXT", "INDICATOR", "MCH_INDICATORS_LANG", "anc", "en", "zh")  # fmt: skip
    assert english_words(words, *allowed) == []
    _, out, _ = run("list", "--help", "--lang", "en")
    assert "--format {table,csv,json}" in out and "（" not in out


def test_a_wrapped_line_neither_ends_with_an_opening_mark_nor_passes_the_width():
    assert wrap_display("只列此类型：density（密度）", 21) == ["只列此类型：density", "（密度）"]
    assert wrap_display("甲乙丙丁，戊", 8) == ["甲乙丙", "丁，戊"]  # the comma takes 丁 down
    assert wrap_display("甲乙丙丁，戊", 1) == ["甲", "乙", "丙", "丁，", "戊"]  # no room: it hangs
    assert wrap_display("甲乙丙 ，丁", 7) == ["甲乙", "丙 ，丁"]  # a space between: still down
    # two closing marks in a row (）、): the word before both goes down with them
    assert wrap_display("rate（率）、coverage（覆盖率）", 10) == [
        "rate", "（率）、", "coverage", "（覆盖率）"]  # fmt: skip


def test_no_line_of_the_chinese_help_starts_with_a_closing_mark(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    for command in ("list", "compute", "report"):
        _, out, _ = run(command, "--help", "--lang", "zh")
        starts = [line for line in out.splitlines() if line.lstrip()[:1] in ("）", "、", "，")]
        assert starts == [], command


def test_an_option_with_wide_choices_has_its_help_in_the_column(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    _, out, _ = run("compute", "--help", "--lang", "zh")
    lines = out.splitlines()
    (first,) = [line for line in lines if "显示本帮助" in line]
    column = display_width(first[: first.index("显示本帮助")])  # where every help begins
    for option in ("  --lang {en、zh}", "  --decimal {.、,}"):
        (line,) = [line for line in lines if line.startswith(option)]
        help_text = line[len(option) :].lstrip()
        assert display_width(line[: line.index(help_text)]) == column, line


@pytest.mark.parametrize(("option", "value"), [("--sheet", "2024"), ("--delimiter", ",,")])
def test_a_reading_option_refused_names_no_python_keyword(tmp_path, option, value):
    """``--sheet`` on a CSV and a ``--delimiter`` of two characters were refused with the
    library's keyword (``sheet=``, ``delimiter``), which a command-line user never typed."""
    path = tmp_path / "office.csv"
    path.write_text("县区,活产数,孕产妇死亡数\n甲县,1000,1\n", encoding="utf-8")
    status, _, err = run("compute", "--file", str(path), option, value, "--lang", "zh")
    assert status == 1
    assert "sheet=" not in err and "delimiter" not in err
    assert "工作簿" in err or "分隔符" in err


def test_an_encoding_given_for_a_workbook_names_no_python_keyword(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["县区", "活产数", "孕产妇死亡数"])
    book.active.append(["甲县", 1000, 1])
    path = tmp_path / "office.xlsx"
    book.save(path)
    for lang in ("zh", "en"):
        status, _, err = run("compute", "--file", str(path), "--encoding", "gbk", "--lang", lang)
        assert status == 1 and "sheet=" not in err and ("工作表" in err or "sheet" in err)
