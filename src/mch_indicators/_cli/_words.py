"""The command line's words in the user's language: help, progress, errors (presentation only).

Every text the command line shows a person is in ``definitions/labels.toml``
(sections ``cli`` and, for argparse's own words, ``argparse``). The language is
known before the command line is parsed, so that ``--help`` is in it too:
``--lang zh`` (or ``--lang=zh``) anywhere on the line, else ``MCH_INDICATORS_LANG``.
"""

from __future__ import annotations

import argparse
import re
import shlex
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from mch_indicators._display import display_width
from mch_indicators._errors import Hint, InvalidInputError, MCHIndicatorsError
from mch_indicators._labels import Lang, default_lang, label, labels

# a run of characters that are not wide and not spaces, one wide character, or spaces
_TOKENS = re.compile(r"[^\s\u1100-\uffdc]+|[\u1100-\uffdc]|\s+")
#: Punctuation a line never starts with: it stays on the line before, as Chinese type sets it.
_NO_LINE_START = frozenset("，。、；：！？）」』》】”’")

__all__ = [
    "HelpFormatter",
    "argparse_in",
    "cli_text",
    "describe_error",
    "error_reason",
    "hint_text",
    "lang_of_argv",
    "wrap_display",
]


def cli_text(key: str, lang: str, /, **values: object) -> str:
    """The command line's text ``key`` in ``lang`` (``labels.toml``, section ``cli``).

    Examples
    --------
    >>> cli_text("wrote", "zh", path="报表.xlsx")
    '已写入 报表.xlsx'
    """
    return label("cli", key, lang, **values)


def lang_of_argv(argv: Sequence[str]) -> Lang:
    """The language asked for on the command line, else by the environment, else English.

    Examples
    --------
    >>> lang_of_argv(["report", "x.csv", "--lang", "zh"]), lang_of_argv(["--lang=en", "list"])
    ('zh', 'en')
    """
    for position, word in enumerate(argv):
        value = None
        if word == "--lang" and position + 1 < len(argv):
            value = argv[position + 1]
        elif word.startswith("--lang="):
            value = word.partition("=")[2]
        if value in ("en", "zh"):
            return value  # type: ignore[return-value]
    try:
        return default_lang()
    except InvalidInputError:  # reported as an error once the command runs
        return "en"


def wrap_display(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns (a Chinese character takes two).

    Words are kept whole; Chinese text breaks between any two characters.

    Examples
    --------
    >>> wrap_display("读入单位的宽表（每个县区一行）and more words", 20)
    ['读入单位的宽表（每个', '县区一行）and more', 'words']
    """
    lines: list[str] = []
    line, used = "", 0
    for token in _TOKENS.findall(" ".join(text.split())):
        size = display_width(token)
        if token.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        if used + size > width and line.strip() and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line, used = "", 0
        line, used = line + token, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines


#: A section heading argparse wrote after a Chinese word: it ends in ASCII ``:``.
_CHINESE_HEADING = re.compile(r"(?m)^([ \t]*\S[^\n]*[\u1100-\uffdc]):$")


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, wrapped by terminal columns rather than characters (Chinese is wide).

    argparse ends each section heading with an ASCII colon it does not translate; a
    Chinese heading (``选项``) gets the full-width one (``选项：``).
    """

    def format_help(self) -> str:
        return _CHINESE_HEADING.sub(r"\1：", super().format_help())

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_display(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap_display(text, width - len(indent)))


def _translator(lang: Lang) -> tuple[Any, Any]:
    table = labels().get("argparse", {})

    def gettext(message: str) -> str:
        entry = table.get(message)
        return str(entry[lang]) if entry is not None else message

    def ngettext(singular: str, plural: str, count: int) -> str:
        return gettext(singular if count == 1 else plural)

    return gettext, ngettext


@contextmanager
def argparse_in(lang: Lang) -> Iterator[None]:
    """Argparse's own words (``usage:``, its errors) in ``lang`` while the block runs.

    argparse looks its messages up through the module's ``_`` and ``ngettext`` when it
    writes them; they are swapped for the table of ``labels.toml`` and put back after.
    """
    if lang == "en":
        yield
        return
    saved = (getattr(argparse, "_", None), getattr(argparse, "ngettext", None))
    argparse._, argparse.ngettext = _translator(lang)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for name, value in zip(("_", "ngettext"), saved, strict=True):
            if value is None:
                delattr(argparse, name)
            else:
                setattr(argparse, name, value)


def error_reason(error: MCHIndicatorsError, lang: str) -> str:
    """What is wrong, in ``lang`` where the error says it in Chinese, else as raised."""
    said = getattr(error, "command_line", None)  # advice the command line has no option for
    if said is not None:
        return str(said.zh if lang == "zh" else said.en)
    if lang == "zh" and error.reason_zh:
        return error.reason_zh
    return error.reason


def hint_text(hint: Hint | None, lang: str) -> str:
    """``; use --on-invalid flag to ...``: the library's hint said as the command line's option.

    The library holds the advice (:class:`~mch_indicators._errors.Hint`); the command
    line only spells it: the keyword with dashes, then its value.

    Examples
    --------
    >>> from mch_indicators._errors import ON_INVALID_FLAG
    >>> hint_text(ON_INVALID_FLAG, "zh")
    '；加上 --on-invalid flag 可得到空值并标记“数据矛盾”'
    """
    if hint is None:
        return ""
    value = "tab" if hint.value == "\t" else shlex.quote(hint.value)
    option = f"--{hint.keyword.replace('_', '-')} {value}"
    return cli_text("hint", lang, option=option, effect=hint.effect(lang))


def describe_error(error: MCHIndicatorsError, path: str | None, lang: str) -> str:
    """``counts.csv:18: column 'numerator': 'abc' is not a number``: an error with its place.

    In Chinese the place reads ``counts.csv 第18行：列“numerator”：...`` (without a file,
    ``列“numerator”，第18行：...``); what is wrong is
    Chinese where the error carries it (an unknown indicator, and every error raised
    with a Chinese reason), else the library's English words. A hint the error carries
    is said as the command line's option (:func:`hint_text`), never as the keyword.
    """
    reason = error_reason(error, lang)
    hint = hint_text(getattr(error, "hint", None), lang)
    located = path is not None and (error.row is not None or error.column is not None)
    if not located:
        if reason is error.reason and error.message is not None:  # where, in its own words
            return error.message + hint
        place = error.location()
        return (place.zh if lang == "zh" else place.en) + reason + hint
    name = "<stdin>" if path == "-" else str(path)
    if error.row is None:
        return cli_text("at_file", lang, file=name, reason=reason + hint)
    column = cli_text("at_column", lang, column=error.column) if error.column is not None else ""
    return cli_text(
        "at_line", lang, file=name, line=error.row, column=column, reason=reason + hint
    )
