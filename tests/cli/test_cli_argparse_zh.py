"""argparse's own words under ``--lang zh``: every help page and every usage error a user can
trigger, scanned for English words (what the user types, option names and values, allowed)."""

from __future__ import annotations

import argparse
import re

import pytest

from chinese import english_words, run_cli
from mch_indicators._cli import PROG, build_parser
from mch_indicators._cli._words import _USAGE_PARTS
from mch_indicators._display import display_width

COMMANDS = ("list", "show", "targets", "compute", "report", "template", "export", "demo")


def _typed(parser: argparse.ArgumentParser) -> list[str]:
    """What a user types on this parser's line: its options, their choices, its commands."""
    typed: list[str] = []
    for action in parser._actions:
        typed += action.option_strings
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                typed += [name, *_typed(command)]
        elif action.choices is not None:
            typed += [str(choice) for choice in action.choices]
    return typed


#: Values the help quotes as the user writes them (a column of a long table, a search word,
#: an indicator set), the program's name and a file's suffix.
_VALUES = ("indicator、numerator、denominator", "anc", "county_annual", "mortality", PROG)
ALLOWED = (*_typed(build_parser("zh")), *_VALUES)


def _english(text: str) -> list[str]:
    return english_words(re.sub(r"(?<!\w)--?[a-z][\w-]*", " ", text), *ALLOWED)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_help_page_is_chinese(command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    status, out, _ = run_cli(*([command] if command else []), "--help", "--lang", "zh")
    assert status == 0 and out.startswith("用法：")
    assert _english(out) == [], command


@pytest.mark.parametrize("command", ["list", "compute", "template", "demo"])
def test_the_chinese_usage_line_lists_choices_with_the_chinese_comma(command):
    _, out, _ = run_cli(command, "--help", "--lang", "zh")
    usage = out.partition("\n\n")[0]
    assert "{en、zh}" in usage and "{en,zh}" not in usage
    assert not re.search(r"\{[^{}]*,[^{}]*\}", usage.replace("{.、,}", "")), usage
    _, out, _ = run_cli(command, "--help", "--lang", "en")
    assert "{en,zh}" in out.partition("\n\n")[0] and "、" not in out  # English as argparse says


@pytest.mark.parametrize("columns", [60, 80, 100])
@pytest.mark.parametrize("command", ["list", "compute", "template", "report"])
def test_the_chinese_usage_line_is_wrapped_by_terminal_columns(command, columns, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(columns))
    _, out, _ = run_cli(command, "--help", "--lang", "zh")
    usage = out.partition("\n\n")[0].splitlines()
    first = usage[0]
    assert first.startswith(f"用法：{PROG} {command} ")
    start = display_width(f"用法：{PROG} {command} ")  # where the arguments begin
    for line in usage[1:]:  # each continuation starts under the first argument
        assert display_width(line) - display_width(line.lstrip()) == start, line
    # only a part with no choices to break after 、 passes the width, alone on its line
    over = [line.strip() for line in usage if display_width(line) > columns]
    assert all(len(_USAGE_PARTS.findall(line)) == 1 and "、" not in line for line in over), over
    joined = " ".join(line.strip() for line in usage)
    assert "[--escape-formulas | --no-escape-formulas]" in joined or command == "template"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("lst",), "参数 命令：无效的取值：'lst'（可选：list、show、targets、compute"),
        ((), "缺少必需的参数：命令"),
        (("show",), "缺少必需的参数：指标"),
        (("template",), "缺少必需的参数：--out/-o"),
        (("list", "--bogus"), "无法识别的参数：--bogus"),
        (("list", "--format"), "参数 --format：需要给出一个值"),
        (("compute", "MMR", "-n"), "参数 --numerator/-n：至少给出一个值"),
        (("compute", "MMR", "-n", "x", "-d", "3"), "参数 --numerator/-n：“x”不是数字"),
        (("compute", "MMR", "--de", "3"), "选项 --de 有歧义，可能是：--denominator、--delimiter"),
        (("list", "--escape-formulas=yes"), "忽略了多余的值 'yes'"),
        (("compute", "MMR", "--suppress", "who"), "（可选：ons、nchs、uscs）"),
        (("list", "--kind", "x"), "（可选：proportion（构成比（率））、ratio（比）"),
    ],
)
def test_every_kind_of_usage_error_is_chinese(args, said, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    status, out, err = run_cli(*args, "--lang", "zh")
    assert status == 2 and out == ""
    assert said in err, err
    last = err.strip().splitlines()[-1]
    assert "：错误：" in last and ", " not in last.partition("：错误：")[2]
    assert _english(re.sub(r"'[^']*'", " ", err)) == [], err  # the values the user typed


def test_a_positional_indicator_is_named_in_chinese_in_the_help_only_under_zh():
    _, out, _ = run_cli("show", "--help", "--lang", "zh")
    assert "位置参数：\n  指标 " in out and out.partition("\n\n")[0].endswith(" 指标")
    _, out, _ = run_cli("show", "--help", "--lang", "en")
    assert "positional arguments:\n  indicator " in out
    status, _, err = run_cli("show")
    assert status == 2 and "the following arguments are required: indicator" in err
